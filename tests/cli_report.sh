#!/bin/bash
# cli_report.sh BINARY SOURCE_DIR [CORPUS_DIR] - the report as users see it.
#
# Runs the built dnstunnel-scan on the generated captures (and the public
# corpus when present) and checks: the JSON document and every NDJSON line
# against tests/schema/, findings sorted, valid UTF-8 whatever bytes names
# hold, the demo capture's two tunnels, exit codes and one-line error
# messages for unreadable/empty/non-capture inputs, empty directories and
# bad options (stdout still valid JSON covering the readable inputs), --text,
# --rpz with named-checkzone, --stix against the STIX 2.1 schemas in
# ../shared/schemas when present, the same findings in all three, identical
# output on identical input, and the README's five jq recipes.
set -u
BIN=${1:?binary}
SRC=${2:?source dir}
CORPUS=${3:-}
SHARED="$SRC/../shared"
CHECK=(/usr/bin/python3 "$SRC/tests/report_check.py")
SCHEMA="$SRC/tests/schema"
PCAPS="$SRC/testdata/pcap"
DEMO="$PCAPS/demo-tunnel.pcap"

if ! /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	echo "SKIP: python3-jsonschema not installed"
	exit 77
fi
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }

T=$(mktemp -d)
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }

# run NAME ARGS...: stdout to $T/NAME.out, stderr to $T/NAME.err, status in $rc
run() {
	local name=$1
	shift
	"$BIN" "$@" >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
}

# ---- every generated capture: schema, sorted findings, exit status ------
for f in "$PCAPS"/*.pcap; do
	b=$(basename "$f" .pcap)
	run "one-$b" "$f"
	if [ "$rc" -gt 2 ]; then
		bad "$b: exit status $rc"
		continue
	fi
	if ! "${CHECK[@]}" doc "$SCHEMA" "$T/one-$b.out"; then
		bad "$b: document does not validate"
		continue
	fi
	n=$(jq '[.findings[] | select(.allowlisted | not)] | length' "$T/one-$b.out")
	failed=$(jq '[.inputs[] | select(.error)] | length' "$T/one-$b.out")
	if [ "$failed" -gt 0 ]; then want=2; elif [ "$n" -gt 0 ]; then want=1; else want=0; fi
	[ "$rc" -eq "$want" ] || bad "$b: exit status $rc, want $want ($n findings, $failed failed)"
	if [ "$rc" -eq 2 ]; then
		grep -q "^dnstunnel-scan: $f: " "$T/one-$b.err" ||
			bad "$b: exit 2 without a 'dnstunnel-scan: PATH: reason' line"
	fi
done
ok "each testdata capture: document valid, exit status agrees with findings and errors"

run all --ndjson "$PCAPS"/*.pcap
if "${CHECK[@]}" ndjson "$SCHEMA" "$T/all.out"; then
	ni=$(jq -s '[.[] | select(.type == "input")] | length' "$T/all.out")
	nf=$(ls "$PCAPS"/*.pcap | wc -l)
	[ "$ni" -eq "$nf" ] && ok "--ndjson over all captures: $ni input lines, every line valid" ||
		bad "--ndjson: $ni input lines for $nf captures"
else
	bad "--ndjson over all captures does not validate"
fi

# ---- the demo capture: its two tunnels, --text, determinism ------------
run demo "$DEMO"
[ "$rc" -eq 1 ] || bad "demo: exit status $rc, want 1"
"${CHECK[@]}" doc "$SCHEMA" "$T/demo.out" || bad "demo: document does not validate"
got=$(jq -r '[.findings[] | select(.allowlisted | not) | "\(.domain) \(.clients | map(.ip) | join(","))"] | sort | join(";")' "$T/demo.out")
want="t.fictional-cdn-sync.net 192.168.1.50;x.fictional-metrics-report.com 192.168.1.77"
[ "$got" = "$want" ] && ok "demo: the iodine session and the hex exfiltration, with their clients" ||
	bad "demo: findings '$got', want '$want'"
[ "$(jq -r '.findings[] | select(.domain == "t.fictional-cdn-sync.net") | .tool' "$T/demo.out")" = iodine ] ||
	bad "demo: iodine not recognised"
run demo2 "$DEMO"
[ "$(jq -S 'del(.scan)' "$T/demo.out")" = "$(jq -S 'del(.scan)' "$T/demo2.out")" ] &&
	ok "demo: same input, same document (but for the scan's time)" ||
	bad "demo: two runs differ"

run text --text "$DEMO"
[ "$rc" -eq 1 ] || bad "--text: exit status $rc"
# one line per finding, in the document's order, with score, domain, tool, clients
jq -r '.findings[] | "\(.score) \(.risk_score) \(.domain) \(.tool // "-") \(.clients | length)"' "$T/demo.out" >"$T/text.want"
awk '/^SCORE /{on=1; next} on && NF {print $1, $2, $3, $4, $5}' "$T/text.out" >"$T/text.got"
if cmp -s "$T/text.want" "$T/text.got"; then
	# aligned: the DOMAIN column starts at the same offset on every line
	cols=$(awk '/^SCORE /{on=1; print index($0, "DOMAIN"); next} on && NF {print index($0, $3)}' "$T/text.out" | sort -u | wc -l)
	[ "$cols" -eq 1 ] && ok "--text: one aligned line per finding" || bad "--text: columns not aligned"
else
	bad "--text lines differ from the document: $(diff "$T/text.want" "$T/text.got" | head -5)"
fi

# ---- names with odd bytes: still valid UTF-8 JSON ----------------------
for mode in "" "--all" "--ndjson --all" "--text --all"; do
	# shellcheck disable=SC2086
	run odd $mode --min-score 0 "$PCAPS/dns-odd-label-bytes.pcap"
	if ! iconv -f UTF-8 -t UTF-8 "$T/odd.out" >/dev/null 2>&1; then
		bad "odd label bytes ($mode): output is not valid UTF-8"
	elif LC_ALL=C grep -q '[^[:print:][:space:]]' "$T/odd.out"; then
		bad "odd label bytes ($mode): control or non-ASCII bytes in the output"
	fi
	case "$mode" in
	--ndjson*) "${CHECK[@]}" ndjson "$SCHEMA" "$T/odd.out" || bad "odd label bytes ($mode): invalid" ;;
	--text*) ;;
	*) "${CHECK[@]}" doc "$SCHEMA" "$T/odd.out" || bad "odd label bytes ($mode): invalid" ;;
	esac
done
run odd --all --min-score 0 "$PCAPS/dns-odd-label-bytes.pcap"
# the capture's names hold NUL, 0xff and space: written as \000, \255, \032
if jq -e '[.findings[].evidence.sample_queries[] | select(test("^(nul\\\\000byte|high\\\\255byte|with\\\\032space)\\."))] | length > 0' "$T/odd.out" >/dev/null; then
	ok "odd label bytes: names written with \\DDD escapes, output valid"
else
	bad "odd label bytes: no \\DDD-escaped name in --all output"
fi

# ---- inputs that cannot be read, bad options ----------------------------
mkdir -p "$T/in/emptydir" "$T/in/nocaps"
echo "just text" >"$T/in/nocaps/readme.txt"
echo "this is not a capture" >"$T/in/notacapture.pcap"
: >"$T/in/empty.pcap"
cp "$DEMO" "$T/in/unreadable.pcap"
chmod 000 "$T/in/unreadable.pcap"
cp "$DEMO" "$T/in/demo.pcap"

# check_error NAME PATTERN ARGS...: exit 2, one stderr line naming the input
# and matching PATTERN, stdout a valid document that covers the demo input
check_error() {
	local name=$1 pat=$2
	shift 2
	run "err-$name" "$@"
	if [ "$rc" -ne 2 ]; then
		bad "$name: exit status $rc, want 2"
		return
	fi
	local lines
	lines=$(grep -c . "$T/err-$name.err")
	if [ "$lines" -ne 1 ] || ! grep -Eq "^dnstunnel-scan: $pat" "$T/err-$name.err"; then
		bad "$name: stderr '$(head -c 300 "$T/err-$name.err")', want one line matching 'dnstunnel-scan: $pat'"
		return
	fi
	if ! "${CHECK[@]}" doc "$SCHEMA" "$T/err-$name.out"; then
		bad "$name: stdout is not a valid document"
		return
	fi
	if ! jq -e --arg p "$T/in/demo.pcap" '[.inputs[] | select(.path == $p and .error == null)] | length == 1' "$T/err-$name.out" >/dev/null ||
		! jq -e '[.findings[] | select(.domain == "t.fictional-cdn-sync.net")] | length == 1' "$T/err-$name.out" >/dev/null; then
		bad "$name: the readable input is not covered"
		return
	fi
	ok "$name: exit 2, '$(cat "$T/err-$name.err")', readable input still reported"
}
if [ "$(id -u)" -eq 0 ]; then
	if command -v setpriv >/dev/null; then
		chmod 755 "$T" "$T/in"
		chmod 644 "$T/in/demo.pcap"
		rc=0
		setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN" "$T/in/unreadable.pcap" "$T/in/demo.pcap" \
			>"$T/err-unreadable.out" 2>"$T/err-unreadable.err" || rc=$?
		if [ "$rc" -eq 2 ] && [ "$(grep -c . "$T/err-unreadable.err")" -eq 1 ] &&
			grep -Eq "^dnstunnel-scan: $T/in/unreadable.pcap: .*[Pp]ermission denied" "$T/err-unreadable.err" &&
			"${CHECK[@]}" doc "$SCHEMA" "$T/err-unreadable.out" &&
			jq -e '[.inputs[] | select(.error == null)] | length == 1' "$T/err-unreadable.out" >/dev/null; then
			ok "unreadable file: exit 2, '$(cat "$T/err-unreadable.err")'"
		else
			bad "unreadable file: exit $rc, stderr '$(cat "$T/err-unreadable.err")'"
		fi
	else
		echo "skip unreadable file: running as root without setpriv"
	fi
else
	check_error unreadable "$T/in/unreadable.pcap: .*[Pp]ermission denied" "$T/in/unreadable.pcap" "$T/in/demo.pcap"
fi
check_error missing "$T/in/missing.pcap: No such file" "$T/in/missing.pcap" "$T/in/demo.pcap"
check_error notacapture "$T/in/notacapture.pcap: not a pcap or pcapng" "$T/in/notacapture.pcap" "$T/in/demo.pcap"
check_error empty "$T/in/empty.pcap: .*empty" "$T/in/empty.pcap" "$T/in/demo.pcap"
check_error emptydir "$T/in/emptydir: no capture" "$T/in/emptydir" "$T/in/demo.pcap"
check_error nocaps "$T/in/nocaps: no capture" "$T/in/nocaps" "$T/in/demo.pcap"
# failed inputs are named in the document too
jq -e --arg p "$T/in/notacapture.pcap" '[.inputs[] | select(.path == $p and (.error | type) == "string")] | length == 1' \
	"$T/err-notacapture.out" >/dev/null && ok "a failed input is named in inputs[] with its error" ||
	bad "the failed input is not in inputs[] with an error"

for opt in "--bogus" "--min-score 101" "--min-score abc" "--port 0" "--jobs 0"; do
	# shellcheck disable=SC2086
	run badopt $opt "$DEMO"
	first=$(head -n 1 "$T/badopt.err")
	if [ "$rc" -ne 2 ]; then
		bad "bad option '$opt': exit status $rc, want 2"
	elif [ -s "$T/badopt.out" ]; then
		bad "bad option '$opt': wrote to stdout"
	elif ! [[ "$first" == "dnstunnel-scan: "*"${opt%% *}"* ]]; then
		bad "bad option '$opt': first stderr line '$first' does not start 'dnstunnel-scan: ' and name the option"
	else
		ok "bad option '$opt': exit 2, '$first'"
	fi
done

# --port: at most 32 ports besides the defaults, as the message says
ports=()
for p in $(seq 10001 10032); do ports+=(--port "$p"); done
run ports32 "${ports[@]}" "$DEMO"
[ "$rc" -eq 1 ] && ok "32 --port options accepted" ||
	bad "32 --port options: exit status $rc, want 1 ($(head -n 1 "$T/ports32.err"))"
run ports33 "${ports[@]}" --port 10033 "$DEMO"
if [ "$rc" -eq 2 ] && grep -q "at most 32" "$T/ports33.err"; then
	ok "a 33rd --port refused: $(head -n 1 "$T/ports33.err")"
else
	bad "a 33rd --port: exit status $rc, want 2 with 'at most 32'"
fi
run portsdup "${ports[@]}" --port 53 --port 10001 "$DEMO"
[ "$rc" -eq 1 ] && ok "a port given again, or a default one, takes no place" ||
	bad "--port of a port already DNS: exit status $rc, want 1"

# ---- --rpz and --stix ----------------------------------------------------
run art --rpz "$T/zone.rpz" --stix "$T/bundle.json" "$DEMO"
if grep -q "not available" "$T/art.err"; then
	echo "skip --rpz/--stix: not wired in this build of the command ($(head -n 1 "$T/art.err"))"
else
	[ "$rc" -eq 1 ] || bad "--rpz/--stix: exit status $rc"
	if command -v named-checkzone >/dev/null; then
		if named-checkzone -i local rpz.dnstunnel-scan "$T/zone.rpz" >"$T/checkzone.txt" 2>&1; then
			ok "--rpz: named-checkzone accepts the zone"
		else
			bad "--rpz: named-checkzone: $(cat "$T/checkzone.txt")"
		fi
	else
		echo "skip named-checkzone: bind9-utils not installed"
	fi
	stixdir="$SHARED/schemas/stix2.1"
	[ -d "$stixdir" ] || stixdir=-
	"${CHECK[@]}" stix "$stixdir" "$T/bundle.json" && ok "--stix: bundle valid" || bad "--stix: bundle invalid"
	"${CHECK[@]}" same-set "$T/art.out" "$T/zone.rpz" "$T/bundle.json" &&
		ok "--rpz and --stix cover exactly the reported findings" || bad "--rpz/--stix findings differ from the report"
	run art2 --rpz "$T/zone2.rpz" --stix "$T/bundle2.json" "$DEMO"
	# but for the time of the scan (the SOA serial, created, modified,
	# valid_from, the bundle's id)
	untimed_rpz() { grep -v -e '^; Response Policy Zone' -e 'SOA' "$1"; }
	untimed_stix() { jq -S 'del(.id) | .objects[] |= del(.created, .modified, .valid_from)' "$1"; }
	[ "$(untimed_rpz "$T/zone.rpz")" = "$(untimed_rpz "$T/zone2.rpz")" ] &&
		[ "$(untimed_stix "$T/bundle.json")" = "$(untimed_stix "$T/bundle2.json")" ] &&
		ok "--rpz/--stix: same input, same files (but for the scan's time)" || bad "--rpz/--stix: two runs differ"
	# the gzip copy is the same capture: the same indicators
	run art3 --stix "$T/bundle3.json" "$PCAPS/demo.pcap.gz"
	[ "$(jq -c '[.objects[] | select(.type == "indicator") | .id]' "$T/bundle.json")" = \
		"$(jq -c '[.objects[] | select(.type == "indicator") | .id]' "$T/bundle3.json")" ] &&
		ok "--stix: indicator ids depend on the domains only" || bad "--stix: ids differ for the same domains"
	# nothing found: still a valid zone and bundle
	run art4 --rpz "$T/zone4.rpz" --stix "$T/bundle4.json" "$PCAPS/linktype-ethernet.pcap"
	if command -v named-checkzone >/dev/null; then
		named-checkzone -i local rpz.dnstunnel-scan "$T/zone4.rpz" >/dev/null 2>&1 &&
			ok "--rpz with no findings: a valid empty zone" || bad "--rpz with no findings: zone rejected"
	fi
	"${CHECK[@]}" stix "$stixdir" "$T/bundle4.json" >/dev/null || bad "--stix with no findings: invalid"
fi

# ---- the README's jq recipes -------------------------------------------
mkdir -p "$T/bin"
ln -s "$(readlink -f "$BIN")" "$T/bin/dnstunnel-scan"
if "${CHECK[@]}" readme-recipes "$SRC/README.md" >"$T/recipes.txt"; then
	"$BIN" "$DEMO" "$T/in/notacapture.pcap" >"$T/recipes-doc.json" 2>/dev/null
	i=0
	while IFS= read -r cmd; do
		i=$((i + 1))
		cmd=${cmd//capture.pcap/"$DEMO $T/in/notacapture.pcap"}
		# the scanner exits 2 (one input fails on purpose); jq's status counts
		PATH="$T/bin:$PATH" bash -c "$cmd" >"$T/recipe$i.out" 2>"$T/recipe$i.err" ||
			bad "README recipe $i: jq exited non-zero"
		if grep -q "^jq: " "$T/recipe$i.err"; then
			bad "README recipe $i: jq error: $(head -n 2 "$T/recipe$i.err")"
		elif "${CHECK[@]}" recipe "$i" "$T/recipes-doc.json" "$T/recipe$i.out"; then
			ok "README recipe $i: $(head -n 1 "$T/recipe$i.out")"
		else
			bad "README recipe $i: $cmd"
		fi
	done <"$T/recipes.txt"
else
	bad "README: jq recipes not found"
fi

# ---- the public corpus -------------------------------------------------
if [ -n "$CORPUS" ] && [ -d "$CORPUS/public" ]; then
	nc=0
	for d in "$CORPUS"/public/*/; do
		[ -d "$d" ] || continue
		nc=$((nc + 1))
		run corpus -r "$d"
		[ "$rc" -le 2 ] || bad "corpus $d: exit status $rc"
		"${CHECK[@]}" doc "$SCHEMA" "$T/corpus.out" || bad "corpus $d: document invalid"
	done
	run corpusall --ndjson --all -r "$CORPUS/public"
	"${CHECK[@]}" ndjson "$SCHEMA" "$T/corpusall.out" || bad "corpus --ndjson --all: invalid"
	run corpusstix --stix "$T/corpus-bundle.json" --rpz "$T/corpus.rpz" -r "$CORPUS/public/tunnel"
	if ! grep -q "not available" "$T/corpusstix.err"; then
		"${CHECK[@]}" stix "${stixdir:--}" "$T/corpus-bundle.json" >/dev/null || bad "corpus --stix invalid"
		if command -v named-checkzone >/dev/null; then
			named-checkzone -i local rpz.dnstunnel-scan "$T/corpus.rpz" >"$T/checkzone.txt" 2>&1 ||
				bad "corpus --rpz: $(cat "$T/checkzone.txt")"
		fi
	fi
	ok "corpus: $nc folders, every document and NDJSON line valid"
else
	echo "skip corpus: $CORPUS/public not present"
fi

if [ "$fails" -gt 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all report checks passed"
