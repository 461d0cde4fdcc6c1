#!/bin/bash
# cli_names.sh BINARY SOURCE_DIR - names exactly as on the wire, in one
# presentation form everywhere.  testdata/pcap/tunnel-odd-zone.pcap holds a
# tunnel under a registered domain whose label is the bytes
#   ../x y"'<i>\ + UTF-8 e-acute + 0xff
# (see gen_testdata.py, ODD_ZONE).  The finding's domain and
# registered_domain, the sample queries, the DNS log (--messages), --text,
# the STIX pattern and the RPZ owner names must all name exactly those
# bytes: BIND loads the zone, its owners parse back (dnspython) to the wire
# labels, and every query name of the capture falls under the wildcard.
set -u
BIN=${1:?binary}
SRC=${2:?source dir}
CAP="$SRC/testdata/pcap/tunnel-odd-zone.pcap"
[ -r "$CAP" ] || { echo "SKIP: no $CAP"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
PY=
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import dns.name, dns.zone' 2>/dev/null; then PY=$p; break; fi
done

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }

"$BIN" --no-progress --rpz "$T/z.rpz" --stix "$T/s.json" "$CAP" >"$T/r.json" 2>"$T/err"
rc=$?
[ "$rc" = 1 ] || bad "exit status $rc, want 1 (a finding): $(cat "$T/err")"
"$BIN" --no-progress --messages "$CAP" >"$T/log" 2>/dev/null
"$BIN" --no-progress --text "$CAP" >"$T/text" 2>/dev/null

# the presentation form: \. and \\ inside a label, \DDD for a space and
# bytes outside printable ASCII, the rest as it is
want='\.\./x\032y"'"'"'<i>\\\195\169\255.com'
dom=$(jq -r '.findings[0].domain' "$T/r.json")
reg=$(jq -r '.findings[0].registered_domain' "$T/r.json")
[ "$dom" = "$want" ] && ok "finding domain: $dom" || bad "finding domain '$dom', want '$want'"
[ "$reg" = "$want" ] && ok "registered_domain: $reg" || bad "registered_domain '$reg', want '$want'"
n=$(jq -r --arg w ".$want" '[.findings[0].evidence.sample_queries[] | select(endswith($w) | not)] | length' "$T/r.json")
[ "$n" = 0 ] && ok "every sample query ends in the domain, written alike" || bad "$n sample queries written otherwise"
n=$(jq -r --arg w ".$want" 'select(.qname | endswith($w) | not) | .qname' "$T/log" | wc -l)
[ "$n" = 0 ] && [ -s "$T/log" ] && ok "every --messages qname ends in the domain, written alike" ||
	bad "$n --messages qnames written otherwise"
grep -qF "  $want  " "$T/text" && ok "--text: the same text" || bad "--text: $(tail -n 1 "$T/text")"
pat=$(jq -r '.objects[] | select(.type == "indicator") | .pattern' "$T/s.json")
val=$(printf '%s' "$pat" | sed -e "s/^\[domain-name:value = '//" -e "s/']\$//" -e "s/\\\\\\(.\\)/\\1/g")
[ "$val" = "$want" ] && ok "STIX pattern names the domain: $pat" || bad "STIX pattern $pat"
dn=$(jq -r '.objects[] | select(.type == "domain-name") | .value' "$T/s.json")
[ "$dn" = "$want" ] && ok "STIX domain-name observable: $dn" || bad "STIX domain-name '$dn'"

if command -v named-checkzone >/dev/null; then
	named-checkzone -i local rpz.example.org "$T/z.rpz" >"$T/cz" 2>&1 &&
		ok "named-checkzone loads the RPZ" || bad "named-checkzone: $(cat "$T/cz")"
else
	echo "skip named-checkzone: bind9-utils not installed"
fi
if [ -z "$PY" ]; then
	echo "skip the owner names' wire form: no python3 with dnspython (python3-dnspython)"
else
	if "$PY" - "$T/z.rpz" "$T/log" "$want" <<'EOF'; then
import json, sys
import dns.name, dns.zone
wire = [b"../x y\"'<i>\\\xc3\xa9\xff", b"com"]
origin = dns.name.from_text("rpz.example.org.")
z = dns.zone.from_file(sys.argv[1], origin=origin, relativize=False, check_origin=True)
owners = [n.relativize(origin) for n in z.nodes if n != origin]
plain = [n for n in owners if not n.is_wild()]
wild = [n for n in owners if n.is_wild()]
assert len(plain) == 1 and len(wild) == 1, owners
assert list(plain[0].labels) == wire, ("owner", plain[0].labels)
assert list(wild[0].labels) == [b"*"] + wire, ("wildcard", wild[0].labels)
# the report's text parses to the same labels
assert list(dns.name.from_text(sys.argv[3], origin=None).labels) == wire, sys.argv[3]
# every query name of the capture is under the blocked name: the
# wildcard's owner in the policy zone matches it
blocked = dns.name.Name(wire + [b""])
n = 0
for line in open(sys.argv[2]):
    q = dns.name.from_text(json.loads(line)["qname"])
    assert q.is_subdomain(blocked) and q != blocked, q
    trigger = dns.name.Name(q.labels[:-1]).concatenate(origin)
    assert trigger.is_subdomain(dns.name.Name(wire).concatenate(origin))
    n += 1
assert n > 0
print(f"{n} query names fall under *.{plain[0]} in the policy zone")
EOF
		ok "RPZ owners parse back to the wire labels; every query name matches the wildcard"
	else
		bad "RPZ owner names do not name the wire labels"
	fi
fi

[ "$fails" -eq 0 ] && echo "all name checks passed"
[ "$fails" -eq 0 ]
