#!/bin/bash
# Run one libFuzzer target for a given time on its seed corpus.
#   tests/fuzz/run.sh TARGET SECONDS [BUILD_DIR] [extra libFuzzer flags...]
# TARGET is dns_wire, decode, tcp_reasm, defrag, pcap or state.  BUILD_DIR (default
# build-fuzz) is configured and built first with clang and
# -DDNSTS_BUILD_FUZZ=ON.  New inputs go to BUILD_DIR/fuzz/corpus-TARGET (the
# committed seeds are never written to); crashes go to BUILD_DIR/fuzz/
# artifacts-TARGET/; the log is BUILD_DIR/fuzz/TARGET.log.  The exit status is
# libFuzzer's: 0 when the time ran out with no crash, leak or sanitizer report.
# An input that runs longer than DNSTS_FUZZ_TIMEOUT seconds (default 30) is
# reported as a hang; tests/run-all.sh raises it for its short smoke runs on
# a machine that may be busy.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
target=${1:?usage: run.sh TARGET SECONDS [BUILD_DIR] [libFuzzer flags]}
secs=${2:?usage: run.sh TARGET SECONDS [BUILD_DIR] [libFuzzer flags]}
build=${3:-build-fuzz}
shift $(( $# < 3 ? $# : 3 ))
case $build in /*) ;; *) build=$root/$build ;; esac

if [ -z "${DNSTS_FUZZ_NOBUILD:-}" ]; then
	CC=clang cmake -S "$root" -B "$build" -DDNSTS_BUILD_FUZZ=ON -DDNSTS_BUILD_TESTS=OFF >/dev/null
	cmake --build "$build" --target "fuzz_$target" -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
fi
bin=$build/fuzz/fuzz_$target
work=$build/fuzz/corpus-$target
art=$build/fuzz/artifacts-$target
mkdir -p "$work" "$art"
dict=()
[ -f "$root/tests/fuzz/$target.dict" ] && dict=(-dict="$root/tests/fuzz/$target.dict")
regress=()
[ -d "$root/testdata/fuzz-regress/$target" ] && regress=("$root/testdata/fuzz-regress/$target")

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$build/fuzz"
"$bin" -max_total_time="$secs" -timeout="${DNSTS_FUZZ_TIMEOUT:-30}" -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$art/" "${dict[@]}" "$@" \
	"$work" "$root/tests/fuzz/corpus/$target" "${regress[@]}" 2>&1 | tee "$build/fuzz/$target.log" | tail -n 40
exit "${PIPESTATUS[0]}"
