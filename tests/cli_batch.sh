#!/bin/bash
# Batch scanning of an incident tree: nested folders, compressed captures,
# tar.gz and zip archives, a corrupt member and a non-capture file; a tunnel
# split across three rotated captures is one finding listing all three;
# results do not depend on -j or on the order of the arguments; --per-file
# keeps inputs apart (their domain counters add up); identical inputs (a
# copy, a capture beside its .gz, archive members) are scanned once; memory
# stays flat with thousands of inputs; a SPAN port's copies count once.
#
# usage: cli_batch.sh BINARY SOURCE_DIR [CORPUS_DIR]
set -u
bin=$1
src=$2
td=$src/testdata/pcap
fail=0
ok() { printf 'ok   %s\n' "$1"; }
bad() { printf 'FAIL %s\n' "$1"; fail=1; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

for t in jq gzip xz zstd bzip2 tar zip; do
	command -v $t >/dev/null || { echo "skip: $t not installed"; exit 77; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
case=$tmp/case
mkdir -p "$case/host-a/day1" "$case/host-b" "$case/misc" "$tmp/stage/inner"

cp "$td/rotated-1.pcap" "$case/host-a/day1/"
gzip -c "$td/rotated-2.pcap" > "$case/host-a/day1/rotated-2.pcap.gz"
xz -c "$td/rotated-3.pcap" > "$case/host-b/rotated-3.pcap.xz"
zstd -q -c "$td/linktype-ethernet.pcap" > "$case/host-b/eth.pcap.zst"
bzip2 -c "$td/tcp-coalesced.pcap" > "$case/host-b/tcp.pcap.bz2"
echo "case notes, not a capture" > "$case/misc/notes.txt"
# tar.gz with two captures and a corrupt one (header of a pcap, record cut)
cp "$td/linktype-raw.pcap" "$tmp/stage/inner/raw.pcap"
cp "$td/encap-vxlan.pcap" "$tmp/stage/vxlan.pcap"
head -c 60 "$td/linktype-ethernet.pcap" > "$tmp/stage/inner/corrupt.pcap"
tar -C "$tmp/stage" -czf "$case/misc/bundle.tar.gz" inner/raw.pcap vxlan.pcap inner/corrupt.pcap
# zip with a capture and a member that is not a capture
cp "$td/linktype-null.pcap" "$tmp/stage/null.pcap"
echo "readme" > "$tmp/stage/README.txt"
(cd "$tmp/stage" && zip -q "$case/misc/more.zip" null.pcap README.txt)

out=$tmp/out.json
"$bin" --no-progress -j 2 "$case" > "$out" 2> "$tmp/err"
rc=$?
check "exit status 2 when an input fails (rc=$rc)" '[ $rc -eq 2 ]'
check "output is valid JSON" 'jq -e . "$out" >/dev/null'
check "one finding for the rotated tunnel" \
	'[ "$(jq "[.findings[] | select(.domain == \"t.fictional-cdn-sync.net\")] | length" "$out")" = 1 ]'
check "that finding lists all three rotated inputs" \
	'[ "$(jq -r ".findings[] | select(.domain == \"t.fictional-cdn-sync.net\") | .inputs | map(split(\"/\")[-1]) | sort | join(\",\")" "$out")" = "rotated-1.pcap,rotated-2.pcap.gz,rotated-3.pcap.xz" ]'
check "no other finding" '[ "$(jq ".findings | length" "$out")" = 1 ]'
check "archive members are inputs named archive:member" \
	'jq -e "[.inputs[].path] | index(\"$case/misc/bundle.tar.gz:inner/raw.pcap\") != null" "$out" >/dev/null'
check "zip members too" \
	'jq -e "[.inputs[].path] | index(\"$case/misc/more.zip:null.pcap\") != null" "$out" >/dev/null'
check "corrupt member has an error" \
	'jq -e ".inputs[] | select(.path | endswith(\"bundle.tar.gz:inner/corrupt.pcap\")) | .error | test(\"truncated\")" "$out" >/dev/null'
check "non-capture member has an error" \
	'jq -e ".inputs[] | select(.path | endswith(\"more.zip:README.txt\")) | .error | test(\"not a pcap\")" "$out" >/dev/null'
check "errors named on stderr" 'grep -q "bundle.tar.gz:inner/corrupt.pcap: " "$tmp/err" && grep -q "more.zip:README.txt: " "$tmp/err"'
check "non-capture file in a folder skipped and counted" '[ "$(jq .stats.skipped_files "$out")" = 1 ]'
check "compressed inputs marked" \
	'[ "$(jq "[.inputs[] | select(.compressed)] | length" "$out")" -ge 4 ]'
check "every readable input counted" \
	'[ "$(jq "[.inputs[] | select(.error == null)] | length" "$out")" = 8 ]'
check "packets from every input" \
	'[ "$(jq "[.inputs[].packets] | add" "$out")" = "$(jq .stats.packets "$out")" ]'

# same result whatever -j and the order of the arguments (all but "scan":
# the time and the command line)
same() { [ "$(jq -S 'del(.scan)' "$1")" = "$(jq -S 'del(.scan)' "$2")" ]; }
for j in 1 4; do
	"$bin" --no-progress -j $j "$case" > "$tmp/j$j.json" 2>/dev/null
	check "-j $j gives the same report as -j 2" 'same "$out" "$tmp/j$j.json"'
done
"$bin" --no-progress -j 2 "$case/misc" "$case/host-b" "$case/host-a" > "$tmp/rev.json" 2>/dev/null
"$bin" --no-progress -j 1 "$case/host-a" "$case/host-b" "$case/misc" > "$tmp/fwd.json" 2>/dev/null
check "argument order does not matter" 'same "$tmp/rev.json" "$tmp/fwd.json"'

# --per-file: the rotated parts reported apart
"$bin" --no-progress --per-file "$case" > "$tmp/pf.json" 2>/dev/null
check "--per-file reports each rotated part on its own" \
	'[ "$(jq "[.findings[] | select(.domain == \"t.fictional-cdn-sync.net\")] | length" "$tmp/pf.json")" = 3 ]'
check "--per-file findings name one input each" \
	'[ "$(jq "[.findings[] | .inputs | length] | max" "$tmp/pf.json")" = 1 ]'
sum=0
for f in rotated-1 rotated-2 rotated-3; do
	n=$("$bin" --no-progress "$td/$f.pcap" 2>/dev/null | jq .stats.base_domains)
	sum=$((sum + n))
done
"$bin" --no-progress --per-file "$td"/rotated-[123].pcap > "$tmp/pf3.json" 2>/dev/null
check "--per-file base_domains is the sum over the inputs ($sum)" \
	'[ "$sum" -gt 0 ] && [ "$(jq .stats.base_domains "$tmp/pf3.json")" = "$sum" ]'
"$bin" --no-progress --per-file --text "$td"/rotated-[123].pcap > "$tmp/pf3.txt" 2>/dev/null
check "--text --per-file counts the base domains" 'head -n 1 "$tmp/pf3.txt" | grep -q " $sum base domains"'

# NDJSON: input lines as inputs finish, then findings, then the summary
"$bin" --no-progress --ndjson "$case" > "$tmp/nd" 2>/dev/null
check "NDJSON input lines" '[ "$(jq -s "[.[] | select(.type == \"input\")] | length" "$tmp/nd")" = "$(jq ".inputs | length" "$out")" ]'
check "NDJSON ends with the summary" '[ "$(tail -n 1 "$tmp/nd" | jq -r .type)" = summary ]'

# identical inputs are scanned once: a capture, a copy of it, its .gz and a
# tar holding it twice beside another capture give the findings of the
# capture and that other one; the copies are named
dup=$tmp/dup
mkdir -p "$dup/t"
cp "$td/demo-tunnel.pcap" "$dup/a.pcap"
cp "$td/demo-tunnel.pcap" "$dup/b.pcap"
gzip -c "$td/demo-tunnel.pcap" > "$dup/a.pcap.gz"
cp "$td/demo-tunnel.pcap" "$dup/t/x.pcap"
cp "$td/demo-tunnel.pcap" "$dup/t/z.pcap"
cp "$td/linktype-raw.pcap" "$dup/t/y.pcap"
tar -C "$dup/t" -cf "$dup/c.tar" x.pcap y.pcap z.pcap
# frames name inputs and their frame numbers: per input, as inputs are
fnd() { jq -S '[.findings[] | del(.inputs, .frames)]' "$1"; }
"$bin" --no-progress --all --min-score 0 "$td/demo-tunnel.pcap" "$td/linktype-raw.pcap" > "$tmp/dup-ref.json" 2>/dev/null
for j in 1 2; do
	"$bin" --no-progress -j $j --all --min-score 0 "$dup/c.tar" "$dup/b.pcap" "$dup/a.pcap.gz" \
		"$dup/a.pcap" > "$tmp/dup$j.json" 2>/dev/null
	check "copies scanned once (-j $j): the findings of the capture" \
		'[ "$(fnd "$tmp/dup$j.json")" = "$(fnd "$tmp/dup-ref.json")" ]'
	check "copies scanned once (-j $j): message counts of the capture" \
		'[ "$(jq .stats.dns_messages "$tmp/dup$j.json")" = "$(jq .stats.dns_messages "$tmp/dup-ref.json")" ]'
done
check "-j 1 and -j 2 agree with copies" 'same "$tmp/dup1.json" "$tmp/dup2.json"'
d=$tmp/dup1.json
check "the copies name the first (in sorted order)" \
	'[ "$(jq -r "[.inputs[] | select(.duplicate_of) | (.path | sub(\".*/\"; \"\")) + \"=\" + (.duplicate_of | sub(\".*/\"; \"\"))] | join(\",\")" "$d")" = "a.pcap.gz=a.pcap,b.pcap=a.pcap,c.tar:x.pcap=a.pcap,c.tar:z.pcap=a.pcap" ]'
check "the first has duplicate_of null" \
	'jq -e ".inputs[0].duplicate_of == null and (.inputs[] | select(.path | endswith(\"c.tar:y.pcap\")) | .duplicate_of) == null" "$d" >/dev/null'
check "duplicate_inputs 4, their packets in duplicate_packets" \
	'jq -e ".stats.duplicate_inputs == 4 and .stats.duplicate_packets == 4 * .inputs[0].packets" "$d" >/dev/null'
check "every packet still counted in packets" \
	'[ "$(jq "[.inputs[].packets] | add" "$d")" = "$(jq .stats.packets "$d")" ]'
if /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	check "the report with copies validates (schema, packet classes, duplicate_of)" \
		'/usr/bin/python3 "$src/tests/report_check.py" doc "$src/tests/schema" "$d"'
fi
"$bin" --no-progress --ndjson "$dup/a.pcap" "$dup/b.pcap" > "$tmp/dup.nd" 2>/dev/null
check "NDJSON input line names the copy's first" \
	'jq -se "[.[] | select(.type == \"input\")] | .[1].duplicate_of == .[0].path and .[0].duplicate_of == null" "$tmp/dup.nd" >/dev/null'
"$bin" --no-progress --text "$dup/a.pcap" "$dup/b.pcap" > "$tmp/dup.txt" 2>/dev/null
check "--text names the copy" 'grep -q "input scanned once: .*b.pcap has the content of .*a.pcap" "$tmp/dup.txt"'
"$bin" --no-progress --per-file --all --min-score 0 "$dup/a.pcap" "$dup/b.pcap" > "$tmp/dup-pf.json" 2>/dev/null
"$bin" --no-progress --per-file --all --min-score 0 "$dup/a.pcap" > "$tmp/dup-pf1.json" 2>/dev/null
check "--per-file: a copy adds no findings" \
	'[ "$(fnd "$tmp/dup-pf.json")" = "$(fnd "$tmp/dup-pf1.json")" ]'
"$bin" --no-progress --all --min-score 0 "$dup/a.pcap" "$td/trunc-last-record.pcap" "$td/trunc-last-record.pcap" > "$tmp/dup-cut.json" 2>/dev/null
check "a damaged input is never a copy" '[ "$(jq .stats.duplicate_inputs "$tmp/dup-cut.json")" = 0 ]'

# copies within one input (a SPAN port's) count once: the findings, counters
# and DNS log of the capture without them
for pair in "rotated-1 span-copies" "tcp-coalesced span-copies-tcp"; do
	orig=${pair% *} span=${pair#* }
	"$bin" --no-progress --all --min-score 0 "$td/$orig.pcap" > "$tmp/$orig.json" 2>/dev/null
	"$bin" --no-progress --all --min-score 0 "$td/$span.pcap" > "$tmp/$span.json" 2>/dev/null
	check "$span: the findings of $orig" '[ "$(fnd "$tmp/$span.json")" = "$(fnd "$tmp/$orig.json")" ]'
	check "$span: the counters of $orig, the copies in duplicate_packets" \
		'[ "$(jq -S ".stats | del(.packets, .bytes, .duplicate_packets)" "$tmp/$span.json")" = "$(jq -S ".stats | del(.packets, .bytes, .duplicate_packets)" "$tmp/$orig.json")" ] &&
		 jq -e ".stats.duplicate_packets * 2 == .stats.packets" "$tmp/$span.json" >/dev/null'
	check "$span: the DNS log of $orig" \
		'[ "$("$bin" --messages "$td/$span.pcap" | jq -c "del(.input, .frame, .query_frame)")" = "$("$bin" --messages "$td/$orig.pcap" | jq -c "del(.input, .frame, .query_frame)")" ]'
done

# standard input, compressed
gzip -c "$td/rotated-1.pcap" | "$bin" --no-progress - > "$tmp/stdin.json" 2>/dev/null
check "compressed standard input" \
	'jq -e ".inputs[0].path == \"-\" and .inputs[0].compressed and .stats.dns_messages == 142" "$tmp/stdin.json" >/dev/null'

# progress: forced on, off by default when stderr is not a terminal
"$bin" --progress "$case" > /dev/null 2> "$tmp/prog"
check "--progress writes a progress line" 'grep -q "files, .* MB/s" "$tmp/prog"'
"$bin" "$case" > /dev/null 2> "$tmp/noprog"
check "no progress line by default off a terminal" '! grep -q "MB/s" "$tmp/noprog"'

# thousands of inputs: memory stays flat (summaries only): 2000 inputs peak
# within 32 MiB of 20 inputs (ASan's quarantine would hold every freed
# scanner; keep it small so that a sanitizer build measures the same thing)
mkdir -p "$tmp/many" "$tmp/few"
for i in $(seq 1 2000); do ln "$td/linktype-ethernet.pcap" "$tmp/many/c$i.pcap"; done
for i in $(seq 1 20); do ln "$td/linktype-ethernet.pcap" "$tmp/few/c$i.pcap"; done
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1"
/usr/bin/time -f %M -o "$tmp/rss20" "$bin" --no-progress -j 2 "$tmp/few" > /dev/null 2>&1
/usr/bin/time -f %M -o "$tmp/rss" "$bin" --no-progress -j 2 "$tmp/many" > "$tmp/many.json" 2>/dev/null
rss20=$(tail -n 1 "$tmp/rss20")
rss=$(tail -n 1 "$tmp/rss")
check "2000 inputs scanned" '[ "$(jq ".inputs | length" "$tmp/many.json")" = 2000 ]'
check "2000 inputs peak within 32 MiB of 20 inputs (${rss} vs ${rss20} KiB)" \
	'[ "$rss" -lt $((rss20 + 32768)) ]'

exit $fail
