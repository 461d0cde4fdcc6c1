#!/bin/bash
# cli_artefacts.sh BINARY SOURCE_DIR - what a resolver operator and a threat
# intelligence platform get:
#  --rpz: relative owner names and no $ORIGIN, so BIND's named-checkzone
#   loads the file under any zone name and Unbound's unbound-checkconf loads
#   it in an rpz: clause; the SOA serial is the time of the scan (an older
#   capture scanned later gets a higher serial); a comment per entry.
#  --stix: valid against the STIX 2.1 schemas (../shared/schemas/stix2.1
#   beside the source, when present), a TLP 2.0 marking on every object
#   (amber unless --tlp), per finding an indicator valid from the scan and a
#   sighting with the traffic's count and times, and no client address
#   unless --stix-clients.
# Each tool missing is a skipped part, not a failure.
set -u
BIN=${1:?binary}
SRC=${2:?source dir}
TD="$SRC/testdata/pcap"
DEMO="$TD/demo-tunnel.pcap"
CHECK=(python3 "$SRC/tests/report_check.py")
SCHEMAS="$SRC/../shared/schemas/stix2.1"
[ -d "$SCHEMAS" ] || SCHEMAS=-
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }

# ---- RPZ ------------------------------------------------------------------
t0=$(date +%s)
"$BIN" --no-progress --rpz "$T/new.rpz" "$DEMO" >"$T/new.json" 2>/dev/null
t1=$(date +%s)
serial() { sed -n 's/^@[[:space:]]*IN[[:space:]]*SOA[^(]*( *\([0-9]*\) .*/\1/p' "$1"; }
s1=$(serial "$T/new.rpz")
[ -n "$s1" ] && [ "$s1" -ge "$t0" ] && [ "$s1" -le "$t1" ] &&
	ok "RPZ serial $s1 is the time of the scan ($t0..$t1)" || bad "RPZ serial '$s1' not in $t0..$t1"
grep -q '^\$ORIGIN' "$T/new.rpz" && bad "RPZ has a fixed \$ORIGIN"
# an older capture (the traffic of an earlier case) scanned afterwards
oldest=$(for f in "$TD"/*.pcap; do
	printf '%s\t%s\n' "$("$BIN" --no-progress "$f" 2>/dev/null | jq -r '.inputs[0].first_seen // "9"')" "$f"
done | sort | head -n 1 | cut -f2)
"$BIN" --no-progress --rpz "$T/old.rpz" "$oldest" >/dev/null 2>&1
s2=$(serial "$T/old.rpz")
[ -n "$s2" ] && [ "$s2" -ge "$s1" ] &&
	ok "RPZ of an older capture ($(basename "$oldest")) scanned later: serial $s2 >= $s1" ||
	bad "RPZ serial went backwards: $s1 then '$s2' for $oldest"
# a comment per entry with score, tool and seen times
n=$(jq '[.findings[] | select(.allowlisted | not)] | length' "$T/new.json")
c=$(grep -c '^; .*: score [0-9]*, tool [^,]*, seen 20.*Z to 20.*Z$' "$T/new.rpz")
[ "$n" -gt 0 ] && [ "$c" = "$n" ] && ok "RPZ: a comment per entry ($c)" || bad "RPZ: $c comments for $n findings"
if command -v named-checkzone >/dev/null; then
	for zone in rpz.example.org policy.corp.example. rpz; do
		if named-checkzone -i local "$zone" "$T/new.rpz" >"$T/cz" 2>&1; then
			ok "named-checkzone loads the RPZ as $zone"
		else
			bad "named-checkzone $zone: $(cat "$T/cz")"
		fi
	done
	# included into an existing policy zone: the entries without SOA and NS
	{
		printf '$TTL 60\n@ IN SOA ns.example. h.example. 1 3600 600 86400 60\n@ IN NS ns.example.\n'
		printf 'already.blocked.example IN CNAME .\n$INCLUDE %s/entries.rpz\n' "$T"
	} >"$T/outer.zone"
	grep -v -e SOA -e '[[:space:]]NS[[:space:]]' "$T/new.rpz" >"$T/entries.rpz"
	if named-checkzone -i local -D rpz.example.net "$T/outer.zone" >"$T/cz" 2>&1 &&
		grep -q '^t\.fictional-cdn-sync\.net\.rpz\.example\.net\.' "$T/cz"; then
		ok "the entries \$INCLUDEd into an existing zone land under its name"
	else
		bad "\$INCLUDE into an existing zone: $(head -n 5 "$T/cz")"
	fi
else
	echo "skip named-checkzone: bind9-utils not installed"
fi
if command -v unbound-checkconf >/dev/null; then
	cat >"$T/unbound.conf" <<EOF
server:
  module-config: "respip iterator"
  directory: "$T"
  chroot: ""
  username: ""
  pidfile: ""
rpz:
  name: "rpz.example.org"
  zonefile: "$T/new.rpz"
EOF
	if unbound-checkconf "$T/unbound.conf" >"$T/uc" 2>&1; then
		ok "unbound-checkconf loads the RPZ in an rpz: clause"
	else
		bad "unbound-checkconf: $(cat "$T/uc")"
	fi
	# and it does read the zone: a broken one is refused
	printf 'broken (((\n' >"$T/broken.rpz"
	sed "s|$T/new.rpz|$T/broken.rpz|" "$T/unbound.conf" >"$T/unbound2.conf"
	unbound-checkconf "$T/unbound2.conf" >/dev/null 2>&1 && bad "unbound-checkconf accepts a broken zone: the check above checks nothing"
else
	echo "skip unbound-checkconf: unbound not installed"
fi

# ---- STIX -----------------------------------------------------------------
"$BIN" --no-progress --stix "$T/amber.json" "$DEMO" >"$T/doc.json" 2>/dev/null
if "${CHECK[@]}" stix "$SCHEMAS" "$T/amber.json"; then
	ok "STIX: valid, TLP:AMBER on every object, indicator + sighting per domain, no client address"
else
	bad "STIX (default) invalid"
fi
"${CHECK[@]}" same-set "$T/doc.json" "$T/new.rpz" "$T/amber.json" &&
	ok "RPZ and STIX cover exactly the reported findings" || bad "RPZ/STIX findings differ from the report"
# the sightings: the traffic's count and times, per finding
want=$(jq -c '[.findings[] | select(.allowlisted | not) | {d: .domain, n: .queries, f: .first_seen[0:23], l: .last_seen[0:23]}] | sort_by(.d)' "$T/doc.json")
got=$(jq -c '.objects as $o | [$o[] | select(.type == "sighting") | . as $s |
	($o[] | select(.id == $s.sighting_of_ref) | .pattern | capture("value = .(?<d>.*).]$").d) as $d |
	{d: $d, n: .count, f: .first_seen[0:23], l: .last_seen[0:23]}] | sort_by(.d)' "$T/amber.json")
[ "$got" = "$want" ] && ok "STIX sightings: count and first/last seen of each finding" ||
	bad "STIX sightings $got, findings $want"
scan=$(jq -r '.scan.finished[0:19]' "$T/doc.json")
vf=$(jq -r '[.objects[] | select(.type == "indicator") | .valid_from[0:19]] | unique | join(",")' "$T/amber.json")
[ "$vf" = "$scan" ] && ok "STIX valid_from is the time of the scan ($vf)" ||
	bad "STIX valid_from '$vf', scan finished $scan"
ips=$(jq -r '[.findings[].clients[].ip] | unique | .[]' "$T/doc.json")
leak=0
for ip in $ips; do grep -qF "$ip" "$T/amber.json" && leak=1; done
[ -n "$ips" ] && [ "$leak" = 0 ] && ok "STIX without --stix-clients names no client ($(echo $ips))" ||
	bad "STIX names a client address without --stix-clients"

"$BIN" --no-progress --stix "$T/red.json" --tlp red --stix-clients "$DEMO" >/dev/null 2>&1
if "${CHECK[@]}" stix "$SCHEMAS" "$T/red.json" red clients >/dev/null; then
	ok "STIX --tlp red --stix-clients: valid, TLP:RED"
else
	bad "STIX --tlp red --stix-clients invalid: $("${CHECK[@]}" stix "$SCHEMAS" "$T/red.json" red clients 2>&1 | tail -n 1)"
fi
for ip in $ips; do
	jq -e --arg ip "$ip" '[.objects[] | select((.type == "ipv4-addr" or .type == "ipv6-addr") and .value == $ip)] | length == 1' "$T/red.json" >/dev/null ||
		bad "--stix-clients: no observable for client $ip"
done
"${CHECK[@]}" stix - "$T/red.json" >/dev/null 2>&1 && bad "the check accepts TLP:RED as amber: it checks nothing"

# ---- refusals ---------------------------------------------------------------
for args in "--tlp white --stix $T/x.json" "--tlp red" "--stix-clients"; do
	# shellcheck disable=SC2086
	"$BIN" --no-progress $args "$DEMO" >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] && [ ! -s "$T/out" ] &&
		ok "$args: refused ($(cat "$T/err"))" || bad "$args: exit $rc, $(cat "$T/err")"
done

[ "$fails" -eq 0 ] && echo "all artefact checks passed"
[ "$fails" -eq 0 ]
