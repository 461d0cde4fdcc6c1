#!/bin/bash
# cli_nocheck.sh BINARY SOURCE_DIR [CORPUS_DIR] - a plain configure on a
# machine without Check builds the library and the command, with the tests
# off and a message saying so.  Check is hidden from pkg-config by a
# pkg-config folder holding every other module's .pc file.
set -u
SRC=${2:?source dir}

for t in cmake pkg-config; do
	command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir "$T/pc"
IFS=: read -r -a dirs <<<"$(pkg-config --variable pc_path pkg-config)"
for d in "${dirs[@]}" ${PKG_CONFIG_PATH:+${PKG_CONFIG_PATH//:/ }}; do
	for f in "$d"/*.pc; do
		[ -e "$f" ] && [ "$(basename "$f")" != check.pc ] && ln -sf "$f" "$T/pc/"
	done
done
if PKG_CONFIG_LIBDIR=$T/pc PKG_CONFIG_PATH= pkg-config --exists check; then
	echo "SKIP: cannot hide check from pkg-config"
	exit 77
fi

fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }

PKG_CONFIG_LIBDIR=$T/pc PKG_CONFIG_PATH= cmake -S "$SRC" -B "$T/build" -DDNSTS_WERROR=ON \
	>"$T/configure.log" 2>&1
rc=$?
if [ "$rc" -ne 0 ]; then
	bad "configure without Check failed: $(grep -m 3 -i error "$T/configure.log")"
else
	ok "configure without Check succeeds"
	grep -q "tests are off" "$T/configure.log" && ok "it says the tests are off" ||
		bad "no message that the tests are off"
	if cmake --build "$T/build" --target dnstunnel-scan -j 2 >"$T/build.log" 2>&1 &&
		"$T/build/dnstunnel-scan" --version >/dev/null; then
		ok "the command builds and runs"
	else
		bad "the command does not build: $(tail -n 5 "$T/build.log")"
	fi
fi
[ "$fails" -eq 0 ]
