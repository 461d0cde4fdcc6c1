#!/bin/bash
# cli_pipeline.sh BIN SRCDIR - one input with spare jobs is read on one
# thread and parsed and scored on another (handoff.h): the report and the
# DNS log are those of the one-thread scan, byte for byte, on the testdata
# captures and on a 4 MiB generated capture that fills many hand-over
# batches (when ../shared/bench is there).
set -u
bin=$1 src=$2
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
norm() { jq -S 'del(.scan)' 2>/dev/null; }
same() { # what, args...
	local what=$1
	shift
	"$bin" --no-progress -j 1 "$@" | norm >"$tmp/one"
	"$bin" --no-progress -j 2 "$@" | norm >"$tmp/two"
	if cmp -s "$tmp/one" "$tmp/two" && [ -s "$tmp/one" ]; then
		echo "ok: $what"
	else
		echo "FAIL: $what: -j 1 and -j 2 differ"
		diff "$tmp/one" "$tmp/two" | head -5
		fail=1
	fi
}
n=0
for f in "$src"/testdata/pcap/*; do
	same "$(basename "$f")" --all --min-score 0 "$f"
	n=$((n + 1))
done
same "demo --messages" --messages "$src/testdata/pcap/demo-tunnel.pcap"
gen=$src/../shared/bench/gen-big-pcap.c
if [ -f "$gen" ] && command -v cc >/dev/null; then
	cc -O2 -o "$tmp/gen" "$gen" -lm && "$tmp/gen" -s 3 -q -o "$tmp/big.pcap" 4M 2>/dev/null
	same "generated 4 MiB capture" --all --min-score 0 "$tmp/big.pcap"
	"$bin" --no-progress -j 1 --messages "$tmp/big.pcap" >"$tmp/m1"
	"$bin" --no-progress -j 2 --messages "$tmp/big.pcap" >"$tmp/m2"
	if cmp -s "$tmp/m1" "$tmp/m2" && [ "$(wc -l <"$tmp/m1")" -gt 10000 ]; then
		echo "ok: generated capture --messages ($(wc -l <"$tmp/m1") messages)"
	else
		echo "FAIL: generated capture --messages differ"
		fail=1
	fi
else
	echo "skip: no ../shared/bench/gen-big-pcap.c or no compiler"
fi
[ $fail -eq 0 ] && echo "pipeline: all $n captures equal"
exit $fail
