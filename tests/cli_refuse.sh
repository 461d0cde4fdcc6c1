#!/bin/bash
# cli_refuse.sh BINARY SOURCE_DIR - what makes a run pointless is refused
# before the first input is read: exit status 2, exactly one
# 'dnstunnel-scan: ...' line on standard error, nothing on standard output,
# no output file created, and (seen with strace when it can trace) the
# input never opened.
set -u
BIN=${1:?binary}
SRC=${2:?source dir}
DEMO="$SRC/testdata/pcap/demo-tunnel.pcap"
[ -r "$DEMO" ] || { echo "SKIP: no $DEMO"; exit 77; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }

TRACE=0
if command -v strace >/dev/null && strace -f -o /dev/null true 2>/dev/null; then
	TRACE=1
fi

# refused WANT ARGS...: exit 2, one line matching WANT, empty stdout, input
# not opened
refused() {
	local want=$1
	shift
	"$BIN" --no-progress "$@" >"$T/out" 2>"$T/err"
	local rc=$? what="$*"
	[ "$rc" -eq 2 ] || { bad "$what: exit status $rc, want 2"; return; }
	[ "$(wc -l <"$T/err")" -eq 1 ] || { bad "$what: $(wc -l <"$T/err") lines on stderr: $(cat "$T/err")"; return; }
	grep -q "^dnstunnel-scan: .*$want" "$T/err" || { bad "$what: stderr '$(cat "$T/err")', want '$want'"; return; }
	[ -s "$T/out" ] && { bad "$what: standard output not empty"; return; }
	if [ "$TRACE" -eq 1 ]; then
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
			strace -f -e trace=open,openat,stat,newfstatat,statx -o "$T/trace" \
			"$BIN" --no-progress "$@" >/dev/null 2>&1
		if grep -q "demo-tunnel.pcap" "$T/trace"; then
			bad "$what: the input was looked at: $(grep demo-tunnel "$T/trace" | head -n 1)"
			return
		fi
	fi
	ok "$what: refused ($(cat "$T/err"))"
}

# combinations that cannot be honoured, and two output forms at once
refused "cannot be combined" --text --ndjson "$DEMO"
refused "cannot be combined" --ndjson --text "$DEMO"
refused "with --rpz" --messages --rpz "$T/x.rpz" "$DEMO"
refused "with --stix" --messages --stix "$T/x.json" "$DEMO"
refused "with --text" --messages --text "$DEMO"
refused "with --all" --messages --all "$DEMO"
refused "with --per-file" --per-file --messages "$DEMO"
[ -e "$T/x.rpz" ] || [ -e "$T/x.json" ] && bad "a refused run created an output file"

# a filter that does not compile: once, whatever the number of inputs
refused "bad filter 'port 5x'" --filter "port 5x" "$DEMO" "$DEMO" "$DEMO"
refused "bad filter" --filter "udp and (" "$DEMO"

# outputs that cannot be created; no other output is created meanwhile
refused "--rpz $T/missing/x.rpz: directory" -o "$T/rep.json" --rpz "$T/missing/x.rpz" "$DEMO"
refused "--stix $T/missing/x.json" --stix "$T/missing/x.json" "$DEMO"
refused "-o $T/missing/r.json" -o "$T/missing/r.json" "$DEMO"
refused "is a directory" -o "$T" "$DEMO"
: >"$T/afile"
refused "--rpz $T/afile/x.rpz: Not a directory" --rpz "$T/afile/x.rpz" "$DEMO"
refused "name the same file" -o "$T/same" --stix "$T/same" "$DEMO"
[ -e "$T/rep.json" ] && bad "-o FILE was created although --rpz was refused"

# allowlist entries: a bad line is named FILE:LINE
printf '# legitimate encoders\nexample.com\n*.example.org.   # wildcard form\nbad..name\n' >"$T/al1"
refused "$T/al1:4: 'bad..name' is not a domain name" --allowlist "$T/al1" "$DEMO"
printf 'ok.example\nhost name.example\n' >"$T/al2"
refused "$T/al2:2: more than one name" --allowlist "$T/al2" "$DEMO"
printf 'ok.example\n\n\nweird/x.example\n' >"$T/al3"
refused "$T/al3:4: 'weird/x.example' is not a domain name" --allowlist "$T/al3" "$DEMO"
printf 'a.*.example\n' >"$T/al4"
refused "$T/al4:1: .*'\\*'" --allowlist "$T/al4" "$DEMO"

# "*.name" means the same as "name": the demo's tunnel domain is
# allowlisted either way, and nothing else changes
dom=$("$BIN" --no-progress "$DEMO" | python3 -c 'import json,sys; print(json.load(sys.stdin)["findings"][0]["domain"])')
if [ -z "$dom" ]; then
	bad "no finding in $DEMO"
else
	echo "$dom" >"$T/plain"
	echo "*.$dom." >"$T/star"
	"$BIN" --no-progress --all --min-score 0 --allowlist "$T/plain" "$DEMO" >"$T/plain.json"
	rp=$?
	"$BIN" --no-progress --all --min-score 0 --allowlist "$T/star" "$DEMO" >"$T/star.json"
	rs=$?
	if [ "$rp" -ne "$rs" ] || [ "$rp" -eq 2 ]; then
		bad "allowlist '$dom' exit $rp, '*.$dom.' exit $rs"
	elif ! python3 - "$T/plain.json" "$T/star.json" "$dom" <<'EOF'; then
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b):
    d.pop("scan", None)
    f = [x for x in d["findings"] if x["domain"] == sys.argv[3]]
    assert f and f[0].get("allowlisted") is True, f
assert a == b
EOF
		bad "'*.$dom.' and '$dom' in an allowlist do not give the same report"
	else
		ok "allowlist: '*.$dom.' means the same as '$dom'"
	fi
fi

[ "$fails" -eq 0 ] && echo "all refusal checks passed"
[ "$fails" -eq 0 ]
