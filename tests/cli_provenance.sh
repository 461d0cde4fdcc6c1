#!/bin/bash
# cli_provenance.sh BINARY SOURCE_DIR - chain of custody: inputs[].sha256 is
# what sha256sum prints for the input as stored (a compressed file: of its
# compressed bytes; an archive member: of the member's bytes; a damaged
# capture and a file that is no capture too); the "scan" object (started,
# finished, argv, options) and the library versions in "tool" and --version.
set -u
BIN=${1:?binary}
SRC=${2:?source dir}
TD="$SRC/testdata/pcap"
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
command -v sha256sum >/dev/null || { echo "SKIP: sha256sum not installed"; exit 77; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }

cp "$TD/demo-tunnel.pcap" "$T/a.pcap"
cp "$TD/linktype-raw.pcap" "$T/b.pcap"
gzip -c "$T/b.pcap" >"$T/b.pcap.gz"
head -c 3000 "$T/a.pcap" >"$T/cut.pcap"
printf 'not a capture at all\n' >"$T/note.pcap"
mkdir "$T/m"
cp "$TD/rotated-1.pcap" "$T/m/r1.pcap"
cp "$TD/rotated-2.pcap" "$T/m/r2.pcap"
tar -C "$T/m" -czf "$T/arch.tgz" r1.pcap r2.pcap

sum() { sha256sum "$1" | cut -d' ' -f1; }
"$BIN" --no-progress "$T/a.pcap" "$T/b.pcap.gz" "$T/cut.pcap" "$T/note.pcap" "$T/arch.tgz" \
	>"$T/r.json" 2>/dev/null
for f in a.pcap b.pcap.gz cut.pcap note.pcap; do
	got=$(jq -r --arg p "$T/$f" '.inputs[] | select(.path == $p) | .sha256' "$T/r.json")
	[ "$got" = "$(sum "$T/$f")" ] && ok "$f: sha256 as sha256sum prints it" ||
		bad "$f: sha256 '$got', sha256sum $(sum "$T/$f")"
done
for m in r1.pcap r2.pcap; do
	got=$(jq -r --arg p "$T/arch.tgz:$m" '.inputs[] | select(.path == $p) | .sha256' "$T/r.json")
	[ "$got" = "$(sum "$T/m/$m")" ] && ok "arch.tgz:$m: sha256 of the member's bytes" ||
		bad "arch.tgz:$m: sha256 '$got', member $(sum "$T/m/$m")"
done
got=$("$BIN" --no-progress - <"$T/a.pcap" 2>/dev/null | jq -r '.inputs[0].sha256')
[ "$got" = "$(sum "$T/a.pcap")" ] && ok "standard input: sha256 of the bytes read" ||
	bad "standard input: sha256 '$got'"
got=$("$BIN" --no-progress --ndjson "$T/b.pcap.gz" 2>/dev/null | jq -r 'select(.type == "input") | .sha256')
[ "$got" = "$(sum "$T/b.pcap.gz")" ] && ok "NDJSON input line: sha256" || bad "NDJSON input line: sha256 '$got'"

# the scan object
"$BIN" --no-progress --min-score 40 --filter udp --port 5300 -j 1 "$T/a.pcap" >"$T/s.json" 2>/dev/null
if jq -e --arg a "$T/a.pcap" '
	(.scan.started | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{6}Z$")) and
	(.scan.finished | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{6}Z$")) and
	(.scan.finished >= .scan.started) and
	(.scan.argv[1:] == ["--no-progress", "--min-score", "40", "--filter", "udp", "--port", "5300", "-j", "1", $a]) and
	(.scan.options.min_score == 40) and (.scan.options.filter == "udp") and
	(.scan.options.ports == [53, 5353, 5355, 5300]) and (.scan.options.jobs == 1) and
	(.scan.options.format == "json") and (.scan.options.per_file == false)' "$T/s.json" >/dev/null; then
	ok "scan: started, finished, argv and the effective options"
else
	bad "scan: $(jq -c .scan "$T/s.json")"
fi
now=$(date -u +%Y-%m-%d)
[ "$(jq -r '.scan.finished[0:10]' "$T/s.json")" = "$now" ] || [ "$(date -u +%Y-%m-%d)" != "$now" ] &&
	ok "scan: finished is today ($now)" || bad "scan: finished $(jq -r .scan.finished "$T/s.json"), today $now"
"$BIN" --no-progress --ndjson "$T/a.pcap" 2>/dev/null | tail -n 1 | jq -e '.type == "summary" and .scan.options.format == "ndjson" and (.tool.libpcap | length > 0)' >/dev/null &&
	ok "NDJSON summary: scan and tool" || bad "NDJSON summary without scan or tool versions"

# tool and --version name the libraries in use
if jq -e '(.tool.libpcap | test("libpcap")) and (.tool.libarchive | test("libarchive")) and (.tool.psl | test("libpsl"))' "$T/s.json" >/dev/null; then
	ok "tool: $(jq -c '.tool' "$T/s.json")"
else
	bad "tool: $(jq -c '.tool' "$T/s.json")"
fi
"$BIN" --version >"$T/v" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && grep -q '^dnstunnel-scan ' "$T/v" && grep -q '^libpcap: ' "$T/v" &&
	grep -q '^libarchive: libarchive ' "$T/v" && grep -q '^psl: libpsl ' "$T/v"; then
	ok "--version: $(tr '\n' ';' <"$T/v")"
else
	bad "--version (exit $rc): $(cat "$T/v")"
fi
[ "$(jq -r .tool.libpcap "$T/s.json")" = "$(sed -n 's/^libpcap: //p' "$T/v")" ] &&
	ok "--version and tool agree" || bad "--version and tool differ"

# --progress: its last line gives the report's own number of findings
"$BIN" --progress "$TD"/rotated-[123].pcap "$TD/demo-tunnel.pcap" >"$T/p.json" 2>"$T/p.err"
want=$(jq '[.findings[] | select(.allowlisted | not)] | length' "$T/p.json")
last=$(tr '\r' '\n' <"$T/p.err" | grep -a . | tail -n 1)
case "$last" in
*"4/4 files"*", $want findings reported"*) ok "--progress ends with the report's count: $(printf '%s' "$last" | tr -d '\033')" ;;
*) bad "--progress last line '$last', report has $want findings" ;;
esac

[ "$fails" -eq 0 ] && echo "all provenance checks passed"
[ "$fails" -eq 0 ]
