#!/bin/bash
# cli_extract.sh BIN SRCDIR - --extract DIR: one capture per finding that
# tshark reads, holding as many frames as the finding's frames count (IP
# fragments and TCP segments included), with the original timestamps; pcapng
# when link types differ; files named from hostile zones (markup, '/', '..',
# NUL) stay plain names inside DIR; nothing is overwritten or written
# through a link planted under a file's name.
# Exit 0 pass, 1 failure, 77 skip (no tshark or jq).
set -u
bin=$1 src=$2
td=$src/testdata/pcap
command -v tshark >/dev/null && command -v jq >/dev/null || exit 77
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }
frames() { tshark -r "$1" 2>/dev/null | wc -l; }

# the demo capture: one pcap per finding, counts and timestamps as the input's
"$bin" --no-progress --extract "$tmp/demo" "$td/demo-tunnel.pcap" > "$tmp/demo.json"
n=$(ls "$tmp/demo" | wc -l)
[ "$n" -eq "$(jq '.findings | length' "$tmp/demo.json")" ] && ok "demo: $n files, one per finding" ||
	bad "demo: $n files"
for i in $(seq 0 $((n - 1))); do
	zone=$(jq -r ".findings[$i].domain" "$tmp/demo.json")
	want=$(jq ".findings[$i].frames[0].count" "$tmp/demo.json")
	f=$(ls "$tmp/demo/$zone"-*.pcap)
	got=$(frames "$f")
	[ "$got" = "$want" ] && ok "demo $zone: $got frames, as the finding's count" ||
		bad "demo $zone: $got frames, finding says $want"
	filter=$(jq -r ".findings[$i].filters.wireshark" "$tmp/demo.json")
	if [ "$(tshark -r "$td/demo-tunnel.pcap" -Y "$filter" -T fields -e frame.time_epoch 2>/dev/null | md5sum)" = \
	     "$(tshark -r "$f" -T fields -e frame.time_epoch 2>/dev/null | md5sum)" ]; then
		ok "demo $zone: the input's frames and timestamps, in order"
	else
		bad "demo $zone: frames or timestamps differ from the input's"
	fi
done

# fragments, TCP segments and two link types in one finding: pcapng
"$bin" --no-progress --all --min-score 0 --extract "$tmp/mixed" "$td/linktype-raw.pcap" \
	"$td/linktype-ethernet.pcap" "$td/ipv4-frag-inorder.pcap" "$td/tcp-split-message.pcap" \
	> "$tmp/mixed.json"
want=$(jq '[.findings[] | select(.domain == "example.com") | .frames[].count] | add' "$tmp/mixed.json")
f=$(ls "$tmp/mixed"/example.com-*.pcapng 2>/dev/null)
if [ -n "$f" ] && [ "$(frames "$f")" = "$want" ] && [ "$want" = 15 ]; then
	ok "link types differ: pcapng with all $want frames (fragments and segments included)"
else
	bad "mixed link types: '$f' has $(frames "$f" 2>/dev/null) frames, want $want"
fi
lts=$(tshark -r "$f" -T fields -e frame.interface_id 2>/dev/null | sort -u | wc -l)
[ "$lts" -eq 2 ] && ok "pcapng: one interface per link type ($lts)" || bad "pcapng interfaces: $lts"

# hostile zone names: plain file names inside the folder only
mkdir -p "$tmp/h/out"
"$bin" --no-progress --min-score 50 --extract "$tmp/h/out" "$td/hostile-names.pcap" > "$tmp/h.json"
nf=$(jq '.findings | length' "$tmp/h.json")
ls -A "$tmp/h/out" > "$tmp/h.list"
[ "$(wc -l < "$tmp/h.list")" -eq "$nf" ] && [ "$nf" -eq 3 ] && ok "hostile: $nf files for $nf findings" ||
	bad "hostile: $(wc -l < "$tmp/h.list") files for $nf findings"
if grep -qv '^[A-Za-z0-9_][A-Za-z0-9._-]*\.pcap$' "$tmp/h.list"; then
	bad "hostile: a file name is not plain: $(grep -v '^[A-Za-z0-9_][A-Za-z0-9._-]*\.pcap$' "$tmp/h.list" | head -1)"
else
	ok "hostile: every file name plain (letters, digits, . _ -; no leading dot)"
fi
[ "$(ls -A "$tmp/h")" = out ] && [ ! -e /tmp/pwn ] && ok "hostile: nothing outside the folder" ||
	bad "hostile: something written outside the folder: $(ls -A "$tmp/h")"
for f in "$tmp/h/out"/*; do
	[ "$(frames "$f")" -eq 80 ] || bad "hostile: $f has $(frames "$f") frames, want 80"
done
# again into the same folder: nothing overwritten, and it says so
sum=$(cat "$tmp/h/out"/* | md5sum)
"$bin" --no-progress --min-score 50 --extract "$tmp/h/out" "$td/hostile-names.pcap" > /dev/null 2>"$tmp/h2.err"
rc=$?
[ "$rc" -eq 2 ] && grep -q "File exists" "$tmp/h2.err" && [ "$(cat "$tmp/h/out"/* | md5sum)" = "$sum" ] &&
	ok "a second run overwrites nothing (exit 2: File exists)" || bad "second run: exit $rc"
# a link planted under a file's name is not followed
mkdir -p "$tmp/l/out"
echo keep > "$tmp/l/victim"
for name in $(cat "$tmp/h.list"); do ln -s "$tmp/l/victim" "$tmp/l/out/$name"; done
"$bin" --no-progress --min-score 50 --extract "$tmp/l/out" "$td/hostile-names.pcap" > /dev/null 2>&1
[ "$(cat "$tmp/l/victim")" = keep ] && ok "a planted link is not written through" ||
	bad "the link's target was written"
# a link as the folder itself is refused
ln -s "$tmp/l" "$tmp/dirlink"
"$bin" --no-progress --min-score 50 --extract "$tmp/dirlink" "$td/hostile-names.pcap" > /dev/null 2>&1
[ $? -eq 2 ] && [ "$(ls -A "$tmp/l")" = "$(printf 'out\nvictim')" ] && ok "a link as the folder is refused" ||
	bad "link as folder followed"
exit $fail
