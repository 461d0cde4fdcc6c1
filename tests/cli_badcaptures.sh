#!/bin/bash
# cli_badcaptures.sh BINARY SOURCE_DIR [CORPUS_DIR] - damaged captures.
#
# Damages a good capture (testdata/pcap/demo-tunnel.pcap, every packet a DNS
# message) in the ways captures from hostile or broken hosts are damaged:
# wrong magic, truncated file header, a record length over 256 MiB, one over
# both the snaplen and the 256 KiB floor, a truncated final record,
# zero-length records, time going backwards, and a pcapng copy with a block
# of unknown type.  For each: the exit status SPEC.md gives (2 when an input
# could not be read whole), one line on stderr naming the file, the input's
# error (or none) in the JSON, and every packet before the damage analysed:
# stats.packets and stats.dns_messages are checked against the number of
# records before the damage, and against tshark's count of DNS messages in
# those records when tshark is installed.  A damaged input next to a good
# one does not stop the good one.  A frame of 14,000 nested 802.1ah headers
# is counted as not decoded, even by a sanitizer build on small stacks.
set -u
BIN=${1:?binary}
SRC=${2:?source dir}
GOOD="$SRC/testdata/pcap/demo-tunnel.pcap"
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
[ -f "$GOOD" ] || { echo "SKIP: $GOOD missing"; exit 77; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# K = records kept before the damage; N = records in the good file
read -r N K < <(/usr/bin/python3 - "$GOOD" "$T" <<'PY'
import struct, sys
src, out = sys.argv[1], sys.argv[2]
b = open(src, "rb").read()
assert b[:4] == b"\xd4\xc3\xb2\xa1", "expects a little-endian microsecond pcap"
hdr, recs, pos = b[:24], [], 24
while pos + 16 <= len(b):
    incl = struct.unpack("<I", b[pos + 8:pos + 12])[0]
    recs.append(b[pos:pos + 16 + incl])
    pos += 16 + incl
snaplen = struct.unpack("<I", hdr[16:20])[0]
N, K = len(recs), 100
def w(name, data):
    open("%s/%s" % (out, name), "wb").write(data)
def setlen(r, n):
    return r[:8] + struct.pack("<I", n) + r[12:]
def setsec(r, s):
    return struct.pack("<I", s) + r[4:]
head, tail = b"".join(recs[:K]), b"".join(recs[K + 1:])
w("wrong-magic.pcap", b"\x00\x01\x02\x03" + b[4:])
w("trunc-header.pcap", b[:12])
w("absurd-len.pcap", hdr + head + setlen(recs[K], (256 << 20) + 1) + tail)
w("over-snaplen.pcap", hdr + head + setlen(recs[K], max(snaplen, 262144) + 1) + tail)
w("trunc-last.pcap", hdr + b"".join(recs[:-1]) + recs[-1][:len(recs[-1]) // 2])
zero = recs[K][:8] + struct.pack("<II", 0, 0)
w("zero-len.pcap", hdr + head + zero + zero + b"".join(recs[K:]))
sec = struct.unpack("<I", recs[K][:4])[0]
w("time-back.pcap", hdr + head + setsec(recs[K], sec - 3600) + tail)
w("first-k.pcap", hdr + head)
# pcapng: SHB, IDB, the packets as EPBs, a block of unknown type after K
def block(t, body):
    body += b"\0" * (-len(body) % 4)
    n = len(body) + 12
    return struct.pack("<II", t, n) + body + struct.pack("<I", n)
ng = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
ng += block(1, struct.pack("<HHI", struct.unpack("<I", hdr[20:24])[0], 0, snaplen))
for i, r in enumerate(recs):
    if i == K:
        ng += block(0x0BADF00D, b"not a block anyone defined")
    s, us, incl, orig = struct.unpack("<IIII", r[:16])
    t = s * 1000000 + us
    ng += block(6, struct.pack("<IIIII", 0, t >> 32, t & 0xffffffff, incl, orig) + r[16:])
w("unknown-block.pcapng", ng)
print(N, K)
PY
)
[ -n "${K:-}" ] || { echo "FAIL: could not generate the damaged captures"; exit 1; }

# DNS messages tshark sees in the first K records (all of the good file's
# packets are DNS; tshark gives an independent count when present)
DNS_K=$K
if command -v tshark >/dev/null; then
	DNS_K=$(tshark -r "$T/first-k.pcap" -Y dns 2>/dev/null | wc -l)
	[ "$DNS_K" -eq "$K" ] || fail "tshark counts $DNS_K DNS messages in the first $K records"
fi
"$BIN" "$GOOD" >"$T/good.json" 2>/dev/null
GOOD_DNS=$(jq .stats.dns_messages "$T/good.json")
[ "$(jq .stats.packets "$T/good.json")" -eq "$N" ] || fail "good capture: packets != $N"

# run NAME EXPECTED_RC EXPECTED_PACKETS EXPECTED_DNS STDERR_PATTERN ERROR(yes|no)
run() {
	local name=$1 rc_want=$2 pk_want=$3 dns_want=$4 pat=$5 err_want=$6
	local f="$T/$name" rc
	"$BIN" "$f" >"$T/out.json" 2>"$T/err.txt"
	rc=$?
	[ "$rc" -eq "$rc_want" ] || fail "$name: exit status $rc, expected $rc_want"
	jq -e . "$T/out.json" >/dev/null 2>&1 || { fail "$name: stdout is not JSON"; return; }
	local pk dns err
	pk=$(jq .stats.packets "$T/out.json")
	dns=$(jq .stats.dns_messages "$T/out.json")
	err=$(jq -r '.inputs[0].error // empty' "$T/out.json")
	[ "$pk" -eq "$pk_want" ] || fail "$name: stats.packets $pk, expected $pk_want"
	[ "$dns" -eq "$dns_want" ] || fail "$name: stats.dns_messages $dns, expected $dns_want"
	if [ "$err_want" = yes ]; then
		[ -n "$err" ] || fail "$name: no error recorded for the input"
	else
		[ -z "$err" ] || fail "$name: unexpected error: $err"
	fi
	if [ -n "$pat" ]; then
		grep -q "^dnstunnel-scan: $f: .*$pat" "$T/err.txt" ||
			fail "$name: stderr lacks 'dnstunnel-scan: $f: ...$pat': $(cat "$T/err.txt")"
		[ "$(grep -c "$f" "$T/err.txt")" -eq 1 ] || fail "$name: not one line on stderr"
	fi
	echo "ok: $name (exit $rc, $pk packets, $dns DNS messages${err:+, error: $err})"
}

run wrong-magic.pcap   2 0 0 "not a pcap" yes
run trunc-header.pcap  2 0 0 "truncated file header" yes
run absurd-len.pcap    2 "$K" "$DNS_K" "absurd record length at packet $((K + 1))" yes
run over-snaplen.pcap  2 "$K" "$DNS_K" "absurd record length at packet $((K + 1))" yes
run trunc-last.pcap    2 $((N - 1)) $((GOOD_DNS - 1)) "truncated record at packet $N" yes
run time-back.pcap     1 "$N" "$GOOD_DNS" "warning: timestamps go backwards at packet $((K + 1))" no
run unknown-block.pcapng 1 "$N" "$GOOD_DNS" "warning: skipped pcapng block of unknown type 0xbadf00d" no
# zero-length records are legal (libpcap and tshark read them): two more
# packets, counted as truncated, named in a warning, nothing lost
run zero-len.pcap      1 $((N + 2)) "$GOOD_DNS" "warning: 2 zero-length records" no
[ "$(jq .stats.truncated_packets "$T/out.json")" -eq 2 ] || fail "zero-len.pcap: truncated_packets != 2"

# a damaged input does not stop the others: per-input errors, all counted
"$BIN" "$T/absurd-len.pcap" "$T/wrong-magic.pcap" "$GOOD" >"$T/out.json" 2>"$T/err.txt"
rc=$?
[ "$rc" -eq 2 ] || fail "mixed inputs: exit status $rc, expected 2"
[ "$(jq .stats.packets "$T/out.json")" -eq $((K + N)) ] || fail "mixed inputs: packets != K + N"
[ "$(jq '[.inputs[] | select(.error != null)] | length' "$T/out.json")" -eq 2 ] ||
	fail "mixed inputs: expected two inputs with an error"
[ "$(jq '.findings | length' "$T/out.json")" -ge 1 ] || fail "mixed inputs: the tunnel was lost"
grep -q "absurd-len.pcap: absurd" "$T/err.txt" && grep -q "wrong-magic.pcap: not a pcap" "$T/err.txt" ||
	fail "mixed inputs: errors not named per input: $(cat "$T/err.txt")"
echo "ok: mixed inputs (exit $rc)"

# the same through standard input: the name is "-"
"$BIN" - <"$T/absurd-len.pcap" >"$T/out.json" 2>"$T/err.txt"
rc=$?
[ "$rc" -eq 2 ] || fail "stdin: exit status $rc, expected 2"
[ "$(jq .stats.packets "$T/out.json")" -eq "$K" ] || fail "stdin: packets != $K"
grep -q "^dnstunnel-scan: -: absurd record length" "$T/err.txt" || fail "stdin: error not named: $(cat "$T/err.txt")"
echo "ok: damaged capture on standard input"

# Nesting without end: 14,000 802.1ah (PBB) headers in one 252 KB frame,
# between two plain DNS queries.  Nesting is bounded by one depth limit, so
# even a -O0 sanitizer build with small thread stacks (-j 2, ulimit -s 1024)
# decodes it: the deep frame is counted in unsupported_packets and named in
# the input's warning, the queries around it are analysed; a frame nested
# three deep decodes.
for k in 0 1; do
/usr/bin/python3 - "$T/deep-nesting-$k.pcap" "$k" <<'PY'
import struct, sys
def ip_udp(sport, pay):
    u = struct.pack("!HHHH", sport, 53, 8 + len(pay), 0) + pay
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(u), 1, 0, 64, 17, 0,
                    bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    s = sum(struct.unpack("!10H", h))
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return h[:10] + struct.pack("!H", ~s & 0xffff) + h[12:] + u
def query(qid, name):
    q = b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"
    return struct.pack("!6H", qid, 0x0100, 1, 0, 0, 0) + q + struct.pack("!HH", 1, 1)
MAC = b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02"
def pbb(inner, n):
    f = MAC + b"\x08\x00" + inner
    for _ in range(n):
        f = MAC + b"\x88\xe7" + b"\0\0\0\x01" + f
    return f
pkts = [pbb(ip_udp(40000, query(1, "a.example.com")), 3),
        pbb(ip_udp(40001, query(2, "b.example.com")), 14000),
        pbb(ip_udp(40002, query(3, "c.example.com")), 0)]
with open(sys.argv[1], "wb") as out:
    out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
    for i, p in enumerate(pkts):
        out.write(struct.pack("<IIII", 1700000000 + 10 * int(sys.argv[2]) + i, 0, len(p), len(p)) + p)
PY
done
# two inputs (not copies, which are scanned once) for two workers
(ulimit -s 1024 && exec "$BIN" -j 2 "$T/deep-nesting-0.pcap" "$T/deep-nesting-1.pcap") \
	>"$T/out.json" 2>"$T/err.txt"
rc=$?
before=$fails
if [ "$rc" -ne 0 ] || ! jq -e . "$T/out.json" >/dev/null 2>&1; then
	fail "deep nesting: exit status $rc, expected 0 with a JSON report: $(head -c 600 "$T/err.txt")"
else
	[ "$(jq -c '[.stats.packets, .stats.dns_messages, .stats.unsupported_packets]' "$T/out.json")" = "[6,4,2]" ] ||
		fail "deep nesting: stats $(jq -c '[.stats.packets, .stats.dns_messages, .stats.unsupported_packets]' "$T/out.json"), expected [6,4,2]"
	grep -q "deep-nesting-0.pcap: warning: 1 packet not decoded (encapsulation depth)" "$T/err.txt" ||
		fail "deep nesting: no warning naming the encapsulation depth: $(cat "$T/err.txt")"
	[ "$fails" -eq "$before" ] &&
		echo "ok: 14,000 nested 802.1ah headers (exit $rc, -j 2, ulimit -s 1024)"
fi

if [ "$fails" -ne 0 ]; then
	echo "$fails failure(s)"
	exit 1
fi
echo "all bad-capture checks passed"
