#!/bin/bash
# cli_carve.sh BINARY SOURCE_DIR [CORPUS_DIR] - --carve: what the tunnels
# carried, recovered into files.
#
# Checks, on captures of the public corpus (when present) and generated
# ones: the Windows listing in Spanish of the unencrypted dnscat2 session,
# the flag text of the data in answer records carried in queries, the IP
# packets of iodine captures read back by tshark (count and addresses),
# every manifest's sizes and SHA-256 against the files, encrypted dnscat2
# named as not decoded, the finding's "carved" object equal to the
# manifest, no file overwritten on a second run, DIR never escaped by zone
# names that carry path traversal, and the usage errors (--carve with
# --messages or standard input).
set -u
BIN=$(realpath "${1:?binary}")
SRC=$(realpath "${2:?source dir}")
CORPUS=${3:-}
PCAPS="$SRC/testdata/pcap"
TUN="$CORPUS/public/tunnel"
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
SCHEMA_OK=
/usr/bin/python3 -c 'import jsonschema' 2>/dev/null && SCHEMA_OK=1

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }

# carve NAME CAPTURE [OPTIONS]: report in $T/NAME.json, files under $T/NAME/
carve() {
	local name=$1 cap=$2
	shift 2
	"$BIN" --carve "$T/$name" "$@" "$cap" >"$T/$name.json" 2>"$T/$name.err"
	rc=$?
}

# The manifest of every carved finding agrees with its files and with the
# report's carved object; the report validates against the schema.
check_manifests() {
	local name=$1 n=0
	if [ -n "$SCHEMA_OK" ]; then
		/usr/bin/python3 "$SRC/tests/report_check.py" doc "$SRC/tests/schema" "$T/$name.json" ||
			bad "$name: the report does not validate against tests/schema"
	fi
	while read -r dir; do
		[ -f "$dir/manifest.json" ] || { bad "$name: $dir has no manifest.json"; continue; }
		while IFS=$'\t' read -r f bytes sum; do
			[ -f "$dir/$f" ] || { bad "$name: $f listed but missing"; continue; }
			[ "$(stat -c %s "$dir/$f")" = "$bytes" ] || bad "$name: $f size differs from manifest"
			[ "$(sha256sum <"$dir/$f" | cut -d' ' -f1)" = "$sum" ] ||
				bad "$name: $f SHA-256 differs from manifest"
			n=$((n + 1))
		done < <(jq -r '.files[] | [.name, .bytes, .sha256] | @tsv' "$dir/manifest.json")
		a=$(jq -cS 'del(.domain, .tool, .note)' "$dir/manifest.json")
		b=$(jq -cS --arg d "$dir" '.findings[] | select(.carved.dir == $d) | .carved' "$T/$name.json")
		[ "$a" = "$b" ] || bad "$name: the report's carved object differs from $dir/manifest.json"
	done < <(jq -r '.findings[] | select(.carved) | .carved.dir' "$T/$name.json")
	[ "$n" -gt 0 ] && ok "$name: $n files match their manifests (size, SHA-256)" ||
		bad "$name: no carved file"
}

# ---- dnscat2 without encryption: the session bytes ---------------------
if [ -f "$TUN/elisa__dnscat2_un.pcap" ]; then
	carve dnscat2un "$TUN/elisa__dnscat2_un.pcap"
	[ "$rc" -eq 1 ] || bad "dnscat2_un: exit status $rc, want 1"
	d=$(jq -r '.findings[] | select(.domain == "cyberops.com") | .carved.dir' "$T/dnscat2un.json")
	if grep -aq "El volumen de la unidad C no tiene etiqueta" "$d"/session-*-client.bin &&
		grep -aq "Directorio de c:\\\\users" "$d"/session-*-client.bin &&
		grep -aq "C:\\\\Windows\\\\system32>dir" "$d"/session-*-client.bin; then
		ok "dnscat2 unencrypted: the Spanish dir listing is in the client's session bytes"
	else
		bad "dnscat2 unencrypted: listing text not found in $d"
	fi
	grep -aq "dir c:" "$d"/session-*-server.bin &&
		ok "dnscat2 unencrypted: the commands typed are in the server's session bytes" ||
		bad "dnscat2 unencrypted: commands not in the server's bytes"
	check_manifests dnscat2un
fi

if [ -f "$TUN/elisa__dnscat2.pcap" ]; then
	carve dnscat2enc "$TUN/elisa__dnscat2.pcap"
	jq -e '[.findings[] | select(.domain == "cyberops.com") | .carved.undecoded[]
		| select(test("encrypted"))] | length > 0' "$T/dnscat2enc.json" >/dev/null &&
		! ls "$T"/dnscat2enc/*/session-*-client.bin >/dev/null 2>&1 &&
		ok "dnscat2 encrypted: named as not decoded, packets only" ||
		bad "dnscat2 encrypted: not named as encrypted, or session bytes written"
fi

# ---- data in answer records carried in queries -------------------------
if [ -f "$TUN/techtushu__dns_tunneling.pcapng" ]; then
	carve records "$TUN/techtushu__dns_tunneling.pcapng"
	d=$(jq -r '.findings[] | select(.domain == "htb.com") | .carved.dir' "$T/records.json")
	n=$(grep -ao 'HTB{This is kind of maliscious ;)}' "$d/query-records.bin" 2>/dev/null | wc -l)
	[ "$n" -eq 5 ] && ok "records in queries: the flag text, all 5 times it was sent" ||
		bad "records in queries: flag found $n times, want 5"
	check_manifests records
fi

# ---- iodine: the tunnelled IP packets, read back by tshark -------------
if command -v tshark >/dev/null && [ -f "$TUN/elastic__dns-tunnel-iodine.pcap" ]; then
	carve iodine "$TUN/elastic__dns-tunnel-iodine.pcap"
	p=$(ls "$T"/iodine/*/iodine-ip.pcap 2>/dev/null | head -1)
	n=$(tshark -r "$p" 2>/dev/null | wc -l)
	h=$(tshark -r "$p" -Y 'h225' 2>/dev/null | wc -l)
	[ "$n" -ge 150 ] && [ "$h" -ge 2 ] &&
		ok "iodine (corpus): tshark reads $n inner packets, $h of them H.225 call signalling" ||
		bad "iodine (corpus): tshark reads $n packets, $h H.225"
	check_manifests iodine
fi

# real iodine sessions (testdata/carve/record-iodine.sh: iodined and iodine
# in two network namespaces), one per downstream record type and codec:
# pings of 1200 and 56 bytes, and 3000 random bytes sent over TCP
if command -v tshark >/dev/null; then
	for cap in "$SRC"/testdata/carve/iodine-*.pcap; do
		b=$(basename "$cap" .pcap)
		carve "$b" "$cap"
		p=$(ls "$T/$b"/*/iodine-ip.pcap 2>/dev/null | head -1)
		req=$(tshark -r "$p" -Y 'icmp.type == 8 && ip.dst == 192.168.253.1' 2>/dev/null | wc -l)
		rep=$(tshark -r "$p" -Y 'icmp.type == 0 && ip.src == 192.168.253.1' 2>/dev/null | wc -l)
		up=$(tshark -r "$p" -Y 'tcp.dstport == 8000' -T fields -e tcp.len 2>/dev/null |
			awk '{s += $1} END {print s + 0}')
		down=$(tshark -r "$p" -qz follow,tcp,ascii,0 2>/dev/null | grep -c 'received 3000 bytes')
		[ "$req" -ge 5 ] && [ "$rep" -ge 5 ] && [ "$up" -eq 3000 ] && [ "$down" -eq 1 ] &&
			ok "iodine $b: tshark reads $req echo requests, $rep replies, 3000 TCP bytes up, the answer down" ||
			bad "iodine $b: $req requests, $rep replies, $up TCP bytes up, answer $down"
		check_manifests "$b"
	done
fi

# a real dns2tcp session (testdata/carve/record-dns2tcp.sh): 2000 random
# bytes and a line of text to the resource, its answer back
carve d2t "$SRC/testdata/carve/dns2tcp-txt.pcap"
d=$(jq -r '.findings[] | select(.tool == "dns2tcp") | .carved.dir' "$T/d2t.json")
c=$(ls "$d"/session-*-client.bin 2>/dev/null | head -1)
sv=$(ls "$d"/session-*-server.bin 2>/dev/null | head -1)
if [ -n "$c" ] && [ "$(stat -c %s "$c")" -eq 2025 ] &&
	[ "$(tail -c 25 "$c")" = "$(printf 'carve-test line of text\r\n')" ] &&
	[ "$(cat "$sv")" = "received 2025 bytes" ]; then
	ok "dns2tcp: the client's 2025 stream bytes and the server's answer, per direction"
else
	bad "dns2tcp: stream bytes not recovered (client '$c', server '$sv')"
fi
check_manifests d2t
if [ -f "$TUN/sv__dns-bug-1158.pcap" ]; then
	carve d2tsv "$TUN/sv__dns-bug-1158.pcap"
	d=$(jq -r '.findings[] | select(.tool == "dns2tcp") | .carved.dir' "$T/d2tsv.json")
	head -c 40 "$d"/session-*-client.bin 2>/dev/null | grep -aq '^SSH-2.0-OpenSSH_6.0p1' &&
		head -c 40 "$d"/session-*-server.bin 2>/dev/null | grep -aq '^SSH-2.0-OpenSSH_5.5p1' &&
		jq -e '[.findings[] | select(.tool == "dns2tcp") | .carved.gaps[]] | length == 0' \
			"$T/d2tsv.json" >/dev/null &&
		ok "dns2tcp (corpus): the SSH banners of both sides start their streams, no gap" ||
		bad "dns2tcp (corpus): SSH banners not at the start of the streams, or gaps"
fi

# ---- hex and base32 exfiltration, sequence numbers (generated) --------
G="$SRC/testdata/carve"
sent() {
	for i in $(seq 12); do
		printf 'CARVE-TEST quarterly figures: revenue 1234567, margin 42%%.\n'
		printf 'Second line of the exfiltrated file, with its own words.\n'
	done
}
carve b32 "$G/carve-exfil-base32.pcap"
d=$(jq -r '.findings[] | select(.domain == "b32-lab.example") | .carved.dir' "$T/b32.json")
sent | cmp -s - "$d/query-data.bin" &&
	ok "base32 labels (each chunk encoded on its own): the file, byte for byte" ||
	bad "base32 labels: query-data.bin differs from what was sent"
carve seq "$G/carve-exfil-hex-seq.pcap"
d=$(jq -r '.findings[] | select(.domain == "exfil-lab.example") | .carved.dir' "$T/seq.json")
# chunk 7 (bytes 168..191) was never sent; 2 and 5 were swapped, 1 sent twice
full=$(sent | od -An -v -tx1 | tr -d ' \n')
exp=$(printf '%s' "$full" | cut -c1-336)$(printf '%s' "$full" | cut -c385-)
got=$(od -An -v -tx1 "$d/query-data.bin" | tr -d ' \n')
[ "$got" = "$exp" ] && jq -e '.carved.gaps == ["sequence number 7 missing"]' \
	<(jq '.findings[] | select(.domain == "exfil-lab.example")' "$T/seq.json") >/dev/null &&
	ok "hex labels with sequence numbers: chunks in order, the repeat once, the gap named" ||
	bad "hex labels with sequence numbers: wrong bytes or gaps"

# ---- zone names with path traversal stay inside DIR --------------------
mkdir -p "$T/w/a/b/c/d"
(cd "$T/w/a/b/c/d" && "$BIN" --carve out "$G/carve-traversal.pcap" >"$T/trav.json" 2>"$T/trav.err")
outside=$(cd "$T/w" && find . -mindepth 1 -not -path './a' -not -path './a/b' -not -path './a/b/c' \
	-not -path './a/b/c/d' -not -path './a/b/c/d/out' -not -path './a/b/c/d/out/*' | head -3)
ndirs=$(find "$T/w/a/b/c/d/out" -mindepth 1 -maxdepth 1 -type d | wc -l)
deep=$(find "$T/w/a/b/c/d/out" -mindepth 3 | wc -l)
ncarved=$(jq '[.findings[] | select(.carved)] | length' "$T/trav.json")
ncarved=${ncarved:-0}
[ -z "$outside" ] && [ "$deep" -eq 0 ] && [ "$ndirs" -eq "$ncarved" ] && [ "$ncarved" -ge 2 ] &&
	! find "$T/w/a/b/c/d/out" -mindepth 1 -maxdepth 1 -name '.*' | grep -q . &&
	ok "traversal zone names: $ncarved directories, all directly inside DIR, none hidden" ||
	bad "traversal zone names: outside '$outside', $ndirs dirs for $ncarved findings, $deep too deep"
jq -e '[.findings[] | select(.domain | test("tmp/pwned")) | .carved.files[]
	| select(.name == "query-data.bin")] | length == 1' "$T/trav.json" >/dev/null &&
	ok "traversal zone names: the data under them is carved all the same" ||
	bad "traversal zone names: the data was not carved"

# ---- DNSExfiltrator: RC4 without the key, named -----------------------
if [ -f "$TUN/dmachard__dnsextrator.pcap" ]; then
	carve dnsexf "$TUN/dmachard__dnsextrator.pcap"
	jq -e '.findings[] | select(.tool == "dnsexfiltrator") | .carved
		| ([.undecoded[] | select(test("dnstap.conf.txt\\|13"))] | length == 1)
		and ([.undecoded[] | select(test("RC4"))] | length == 1)
		and (.gaps == []) and ([.files[] | select(.name == "query-data.bin")] | length == 1)' \
		"$T/dnsexf.json" >/dev/null &&
		ok "DNSExfiltrator: the init query's file name and 13 chunks named, RC4 named as not undone" ||
		bad "DNSExfiltrator: init or RC4 note missing"
	d=$(jq -r '.findings[] | select(.tool == "dnsexfiltrator") | .carved.dir' "$T/dnsexf.json")
	# the server answers OK to the init query, then each chunk's number
	[ "$(head -2 "$d/responses.txt" | cut -d' ' -f2-)" = "$(printf 'TXT 4f4b\nTXT 30')" ] &&
		ok "DNSExfiltrator: the server's answers, one a line, in responses.txt" ||
		bad "DNSExfiltrator: responses.txt does not start with OK and 0"
fi

# ---- a second run into the same DIR overwrites nothing ----------------
if [ -d "$T/records" ]; then
	before=$(cd "$T/records" && find . -type f -exec sha256sum {} + | sort)
	"$BIN" --carve "$T/records" "$TUN/techtushu__dns_tunneling.pcapng" >"$T/again.json" 2>"$T/again.err"
	rc=$?
	after=$(cd "$T/records" && find . -type f -exec sha256sum {} + | sort)
	[ "$before" = "$after" ] && [ "$rc" -eq 2 ] &&
		jq -e '[.findings[] | select(.carved.error)] | length > 0' "$T/again.json" >/dev/null &&
		ok "second run into the same DIR: nothing overwritten, exit 2, carved.error set" ||
		bad "second run into the same DIR: rc $rc, files changed or no error"
fi

# ---- a link planted in DIR under a finding's name is not followed ------
d=$(jq -r '.findings[] | select(.domain == "b32-lab.example") | .carved.dir' "$T/b32.json")
mkdir -p "$T/planted" "$T/elsewhere"
ln -s "$T/elsewhere" "$T/planted/$(basename "$d")"
"$BIN" --carve "$T/planted" "$G/carve-exfil-base32.pcap" >"$T/planted.json" 2>/dev/null
rc=$?
[ "$rc" -eq 2 ] && [ -z "$(ls -A "$T/elsewhere")" ] &&
	jq -e '.findings[] | select(.domain == "b32-lab.example") | .carved.error' \
		"$T/planted.json" >/dev/null &&
	ok "a symbolic link in DIR with a finding's name: not followed, nothing written through it" ||
	bad "a symbolic link in DIR: rc $rc, or files written through it"

# ---- usage errors ------------------------------------------------------
"$BIN" --carve "$T/x" --messages "$PCAPS/demo-tunnel.pcap" >/dev/null 2>&1
[ $? -eq 2 ] && ok "--carve with --messages: usage error" || bad "--carve --messages accepted"
"$BIN" --carve "$T/x" - <"$PCAPS/demo-tunnel.pcap" >/dev/null 2>&1
[ $? -eq 2 ] && [ ! -e "$T/x" ] && ok "--carve with standard input: usage error" ||
	bad "--carve - accepted"

[ "$fails" -eq 0 ] || { echo "$fails failures"; exit 1; }
echo "all ok"
