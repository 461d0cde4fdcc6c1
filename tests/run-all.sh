#!/bin/bash
# Build and run the whole test suite: the normal build (warnings are errors),
# then the same suite under AddressSanitizer and UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

cmake -S . -B build -DDNSTS_WERROR=ON >/dev/null
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs"

cmake -S . -B build-asan -DDNSTS_WERROR=ON -DCMAKE_BUILD_TYPE=Debug \
	"-DDNSTS_SANITIZE=address;undefined" >/dev/null
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-asan --output-on-failure -j "$jobs"

# Fuzz smoke: every libFuzzer target for a short time on its seed corpus and
# regression inputs (clang, -fsanitize=fuzzer,address,undefined; see
# tests/fuzz/README.md).  DNSTS_FUZZ_SECONDS=0 skips it.
fuzz_secs=${DNSTS_FUZZ_SECONDS:-30}
if [ "$fuzz_secs" -gt 0 ]; then
	CC=clang cmake -S . -B build-fuzz -DDNSTS_BUILD_FUZZ=ON -DDNSTS_BUILD_TESTS=OFF >/dev/null
	cmake --build build-fuzz -j "$jobs" >/dev/null
	for t in dns_wire decode tcp_reasm defrag pcap; do
		echo "fuzz smoke: $t for $fuzz_secs s"
		DNSTS_FUZZ_NOBUILD=1 bash tests/fuzz/run.sh "$t" "$fuzz_secs" build-fuzz >/dev/null ||
			{ tail -n 60 "build-fuzz/fuzz/$t.log"; exit 1; }
		grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "build-fuzz/fuzz/$t.log" | tail -n 2
	done
fi
