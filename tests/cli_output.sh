#!/bin/bash
# cli_output.sh BINARY SOURCE_DIR [CORPUS_DIR] - a write error on the output
# (-o /dev/full: every write fails with ENOSPC) gives exit status 2 and a
# 'writing output failed' line, for the report and for the DNS log; the
# output is closed all the same (seen with strace: a close(2) of the
# descriptor /dev/full was opened on, after that open).
set -u
BIN=${1:?binary}
SRC=${2:?source dir}
DEMO="$SRC/testdata/pcap/demo-tunnel.pcap"

[ -w /dev/full ] || { echo "SKIP: no /dev/full"; exit 77; }
command -v strace >/dev/null || { echo "SKIP: strace not installed"; exit 77; }
strace -f -o /dev/null true 2>/dev/null || { echo "SKIP: strace cannot trace here"; exit 77; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }

for mode in report messages ndjson; do
	args=(--no-progress -o /dev/full)
	case $mode in
	messages) args+=(--messages) ;;
	ndjson) args+=(--ndjson) ;;
	esac
	"$BIN" "${args[@]}" "$DEMO" >/dev/null 2>"$T/$mode.err"
	rc=$?
	[ "$rc" -eq 2 ] && ok "$mode to /dev/full: exit status 2" ||
		bad "$mode to /dev/full: exit status $rc, want 2"
	grep -q "^dnstunnel-scan: /dev/full: writing output failed" "$T/$mode.err" &&
		ok "$mode to /dev/full: 'writing output failed'" ||
		bad "$mode to /dev/full: stderr: $(head -n 3 "$T/$mode.err")"
	# traced apart: LeakSanitizer cannot run under ptrace
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -e trace=openat,open,close -o "$T/$mode.trace" "$BIN" "${args[@]}" "$DEMO" \
		>/dev/null 2>&1
	fd=$(sed -n 's/.*open[a-z]*(.*"\/dev\/full".*= \([0-9][0-9]*\)$/\1/p' "$T/$mode.trace" | head -n 1)
	if [ -z "$fd" ]; then
		bad "$mode: no open of /dev/full in the trace"
	elif sed -n '/"\/dev\/full"/,$p' "$T/$mode.trace" | grep -q "close($fd)"; then
		ok "$mode: the output (descriptor $fd) is closed after the write error"
	else
		bad "$mode: the output (descriptor $fd) is never closed"
	fi
done

[ "$fails" -eq 0 ] && echo "all output checks passed"
[ "$fails" -eq 0 ]
