#!/bin/bash
# cli_install.sh BINARY SOURCE_DIR [CORPUS_DIR] - what `cmake --install`
# gives another project: installs the build BINARY belongs to into a
# temporary prefix, checks the files (header and version header, static and
# shared library with its SONAME, dnsts.pc, the CMake package, the command,
# the man page), that the shared library exports the dnsts_* interface and
# nothing else, then builds tests/install/consumer.c against the prefix
# through pkg-config (shared and static) and through find_package (both
# targets), and runs each build on the demo capture.
set -u
BIN=${1:?binary}
SRC=${2:?source dir}
BUILD=$(cd "$(dirname "$BIN")" && pwd)
DEMO="$SRC/testdata/pcap/demo-tunnel.pcap"
CC=${CC:-cc}

[ -f "$BUILD/CMakeCache.txt" ] || { echo "SKIP: $BUILD is not a CMake build folder"; exit 77; }
for t in cmake pkg-config nm readelf "$CC"; do
	command -v "$t" >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
done

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }

# A sanitized build's library needs the sanitizer runtime in the program.
san=$(sed -n 's/^DNSTS_SANITIZE:[A-Z]*=//p' "$BUILD/CMakeCache.txt")
SANFLAGS=()
[ -n "$san" ] && SANFLAGS=("-fsanitize=${san//;/,}")
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:[A-Z]*=//p' "$BUILD/CMakeCache.txt")

P=$T/prefix
if ! cmake --install "$BUILD" --prefix "$P" >"$T/install.log" 2>&1; then
	bad "cmake --install failed: $(tail -n 3 "$T/install.log")"
	exit 1
fi
ok "cmake --install --prefix $P"

# ---- the files ------------------------------------------------------------
pc=$(find "$P" -name dnsts.pc)
[ -n "$pc" ] || { bad "no dnsts.pc installed"; exit 1; }
LIB=$(dirname "$(dirname "$pc")")
for f in include/dnsts/dnsts.h include/dnsts/version.h bin/dnstunnel-scan share/man/man1/dnstunnel-scan.1; do
	[ -f "$P/$f" ] && ok "installed $f" || bad "$f not installed"
done
[ ! -e "$P/include/dnsts/cli.h" ] && ok "dnsts/cli.h (the command's own) not installed" ||
	bad "dnsts/cli.h installed"
for f in libdnsts.a libdnsts.so cmake/dnsts/dnstsConfig.cmake cmake/dnsts/dnstsConfigVersion.cmake; do
	[ -e "$LIB/$f" ] && ok "installed ${LIB#"$P"/}/$f" || bad "${LIB#"$P"/}/$f not installed"
done
grep -q "define DNSTS_VERSION \"$version\"" "$P/include/dnsts/version.h" &&
	ok "version.h says $version" || bad "version.h does not say $version"
soname=$(readelf -d "$LIB/libdnsts.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
if [[ "$soname" == libdnsts.so.[0-9]* ]] && [ -f "$LIB/$soname" ]; then
	ok "libdnsts.so has SONAME $soname, installed"
else
	bad "libdnsts.so SONAME '$soname'"
fi
"$P/bin/dnstunnel-scan" --version | grep -qx "dnstunnel-scan $version" &&
	ok "installed command runs" || bad "installed command: $("$P/bin/dnstunnel-scan" --version 2>&1)"

# ---- the shared library's exports: the interface, nothing else ------------
nm -D --defined-only "$LIB/libdnsts.so" | awk '{print $NF}' | sort >"$T/exports"
api=$(sed -n 's/^DNSTS_API .*[ *]\(dnsts_[a-z_]*\)(.*/\1/p' "$SRC/lib/include/dnsts/dnsts.h" | sort)
if [ "$(cat "$T/exports")" = "$api" ]; then
	ok "libdnsts.so exports exactly the $(wc -l <"$T/exports") functions dnsts.h marks DNSTS_API"
else
	bad "libdnsts.so exports differ from dnsts.h: $(diff <(echo "$api") "$T/exports" | grep '^[<>]' | head -n 5 | tr '\n' ' ')"
fi

# ---- a program built through pkg-config ------------------------------------
want="version $version scan 'success' inputs 1 packets 556 messages 556 findings 2: t.fictional-cdn-sync.net x.fictional-metrics-report.com"
runs() { # NAME PROGRAM [ENV...]
	local name=$1 prog=$2
	shift 2
	got=$(env "$@" "$prog" "$DEMO" 2>&1)
	[ "$got" = "$want" ] && ok "$name: runs on the demo capture" || bad "$name: '$got'"
}
export PKG_CONFIG_PATH="$LIB/pkgconfig"
CFLAGS=(-std=c11 -Wall -Wextra -Wpedantic -Werror "${SANFLAGS[@]}")
# shellcheck disable=SC2046
if "$CC" "${CFLAGS[@]}" -o "$T/pc_shared" "$SRC/tests/install/consumer.c" \
	$(pkg-config --cflags --libs dnsts) 2>"$T/cc.log"; then
	ok "pkg-config: compiles (-std=c11 -Wpedantic -Werror) and links with libdnsts.so"
	LD_LIBRARY_PATH="$LIB" ldd "$T/pc_shared" | grep -q "$LIB/libdnsts.so" &&
		ok "pkg-config: the program uses the installed libdnsts.so" ||
		bad "pkg-config: the program does not load $LIB/libdnsts.so"
	runs "pkg-config, shared" "$T/pc_shared" LD_LIBRARY_PATH="$LIB"
else
	bad "pkg-config, shared: $(head -n 5 "$T/cc.log")"
fi
# static: libdnsts.a, the modules it requires (linked as the system has
# them: pkg-config --static would ask for their own static dependencies) and
# its Libs.private
# shellcheck disable=SC2046
libs="$(pkg-config --libs $(pkg-config --print-requires-private dnsts)) $(sed -n 's/^Libs.private: //p' "$pc")"
# shellcheck disable=SC2046,SC2086
if "$CC" "${CFLAGS[@]}" -o "$T/pc_static" "$SRC/tests/install/consumer.c" \
	$(pkg-config --cflags dnsts) "$LIB/libdnsts.a" $libs 2>"$T/cc.log"; then
	! ldd "$T/pc_static" | grep -q libdnsts && ok "pkg-config, static: links libdnsts.a" ||
		bad "pkg-config, static: the program loads a libdnsts.so"
	runs "pkg-config, static" "$T/pc_static"
else
	bad "pkg-config, static: $(head -n 5 "$T/cc.log")"
fi
if command -v c++ >/dev/null; then
	echo '#include <dnsts/dnsts.h>' | c++ -x c++ -fsyntax-only -Wall -Wextra -Werror \
		$(pkg-config --cflags dnsts) - 2>"$T/cxx.log" &&
		ok "dnsts.h compiles as C++" || bad "dnsts.h as C++: $(head -n 3 "$T/cxx.log")"
fi

# ---- a program built through find_package ---------------------------------
cp "$SRC/tests/install/consumer.c" "$SRC/tests/install/CMakeLists.txt" "$T/"
mkdir "$T/proj" && mv "$T/consumer.c" "$T/CMakeLists.txt" "$T/proj/"
if cmake -S "$T/proj" -B "$T/proj/build" -DCMAKE_PREFIX_PATH="$P" \
	-DDNSTS_WANT_VERSION="$version" -DCMAKE_C_FLAGS="${SANFLAGS[*]}" \
	>"$T/proj.log" 2>&1 && cmake --build "$T/proj/build" >>"$T/proj.log" 2>&1; then
	ok "find_package(dnsts $version COMPONENTS static): configures and builds"
	runs "find_package, dnsts::dnsts" "$T/proj/build/consumer_shared"
	ldd "$T/proj/build/consumer_shared" | grep -q "$LIB/libdnsts.so" &&
		ok "dnsts::dnsts is the installed libdnsts.so" || bad "dnsts::dnsts: not $LIB/libdnsts.so"
	runs "find_package, dnsts::dnsts_static" "$T/proj/build/consumer_static"
else
	bad "find_package: $(grep -i -m 5 -A 3 error "$T/proj.log")"
fi

[ "$fails" -eq 0 ] && echo "all install checks passed"
[ "$fails" -eq 0 ]
