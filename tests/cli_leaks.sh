#!/bin/bash
# cli_leaks.sh BINARY SOURCE_DIR [CORPUS_DIR] - no leak, no memory error.
#
# Runs the command on every capture of testdata/pcap, on every capture of
# the public corpus (each of its folders, when present) and on damaged
# copies of a testdata capture (cut at several points, wrong magic), in the
# default mode (with --rpz and --stix), in --messages mode, with --per-file
# --all --ndjson, and with one worker and two.  A binary built with
# AddressSanitizer runs under LeakSanitizer (detect_leaks=1); any other
# under valgrind --leak-check=full.  Any leak (definite, indirect or
# possible) or memory error fails the test; still-reachable memory of
# libraries is not a leak.  Exit statuses 0, 1 and 2 of the command itself
# are all fine here (2: the damaged inputs).
set -u
BIN=${1:?binary}
SRC=${2:?source dir}
CORPUS=${3:-}

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

if ldd "$BIN" 2>/dev/null | grep -q libasan || nm "$BIN" 2>/dev/null | grep -q __asan_init; then
	MODE=asan
	export ASAN_OPTIONS=detect_leaks=1:exitcode=3:abort_on_error=0
	export LSAN_OPTIONS=exitcode=3
	export UBSAN_OPTIONS=halt_on_error=1:exitcode=3
	RUN=("$BIN")
elif command -v valgrind >/dev/null; then
	MODE=valgrind
	RUN=(valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible
	     --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=3
	     --log-file="$T/vg.%p" "$BIN")
else
	echo "SKIP: neither an ASan build nor valgrind"
	exit 77
fi

# damaged copies of a good capture
/usr/bin/python3 - "$SRC/testdata/pcap/demo-tunnel.pcap" "$T/bad" <<'PY'
import os, sys
b = open(sys.argv[1], "rb").read()
os.makedirs(sys.argv[2])
for cut in (10, 24, 30, 5000, len(b) // 2, len(b) - 7):
    open("%s/cut-%d.pcap" % (sys.argv[2], cut), "wb").write(b[:cut])
open("%s/wrong-magic.pcap" % sys.argv[2], "wb").write(b"\0\1\2\3" + b[4:])
PY

sets=("$SRC/testdata/pcap" "$T/bad")
if [ -n "$CORPUS" ] && [ -d "$CORPUS/public" ]; then
	for d in "$CORPUS"/public/*/; do
		sets+=("${d%/}")
	done
else
	echo "note: corpus absent, testdata only"
fi

fails=0
runs=0
check() { # check DESCRIPTION ARGS...: run under the leak checker
	local what=$1
	shift
	rm -f "$T"/vg.*
	"${RUN[@]}" "$@" >/dev/null 2>"$T/err.txt"
	local rc=$?
	runs=$((runs + 1))
	if [ "$rc" -gt 2 ] || grep -qE "LeakSanitizer|AddressSanitizer|runtime error" "$T/err.txt" ||
		{ [ "$MODE" = valgrind ] && [ -n "$(cat "$T"/vg.* 2>/dev/null)" ]; }; then
		echo "FAIL: $what (exit $rc)"
		head -n 60 "$T/err.txt" "$T"/vg.* 2>/dev/null
		fails=$((fails + 1))
	fi
}

start=$SECONDS
for s in "${sets[@]}"; do
	name=${s#"$SRC/"}
	check "$name: default, 2 workers" -j 2 --rpz "$T/rpz" --stix "$T/stix" "$s"
	check "$name: --messages" --messages "$s"
	check "$name: --per-file --all --ndjson, 1 worker" -j 1 --per-file --all --ndjson "$s"
	echo "checked $name"
done
# standard input and a compressed capture
check "demo.pcap.gz on standard input" - <"$SRC/testdata/pcap/demo.pcap.gz"

echo "$runs runs under $MODE in $((SECONDS - start)) s, $fails with leaks or errors"
[ "$fails" -eq 0 ]
