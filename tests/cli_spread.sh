#!/bin/bash
# cli_spread.sh BIN SRCDIR - exfiltration spread over many registered
# domains: each domain alone scores low, but one host sending encoded
# payloads under 8 or more of them, 1 KB or more in all, makes each a
# finding with a cross-domain reason; 6 domains stay quiet; the result does
# not depend on how the capture is cut.
set -u
bin=$1 src=$2
fail=0
check() { # what, jq expression that must be true, json
	if ! printf '%s' "$3" | jq -e "$2" >/dev/null; then
		echo "FAIL: $1"
		fail=1
	else
		echo "ok: $1"
	fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
d=$src/testdata/pcap
out=$("$bin" --no-progress "$d/spread-domains.pcap")
check "40 domains, each a finding" '[.findings[] | .domain] | length == 40' "$out"
check "each from the one host" '[.findings[].clients[].ip] | unique == ["192.168.1.66"]' "$out"
check "each says why: cross-domain" \
	'[.findings[] | select(any(.evidence.reasons[]; test("^cross-domain: host 192.168.1.66 sent .* under 40 registered domains")))] | length == 40' "$out"
check "scored over the default threshold" '[.findings[].score] | min >= 60' "$out"
alone=$("$bin" --no-progress --all --min-score 0 "$d/spread-few.pcap")
check "6 domains: no finding" '[.findings[] | select(.score >= 60)] == []' "$alone"
check "6 domains: each scores low alone" '[.findings[] | select(.domain | test("^(cloudsync|metricsapi|updsvc|statline|cdnedge)")) | .score] | length == 6 and max < 60' "$alone"
if command -v editcap >/dev/null; then
	editcap -c 50 "$d/spread-domains.pcap" "$tmp/p.pcap" >/dev/null
	a=$(printf '%s' "$out" | jq -c '[.findings[] | del(.inputs, .frames, .filters)] | sort_by(.domain)')
	b=$("$bin" --no-progress -j 2 "$tmp"/p*.pcap | jq -c '[.findings[] | del(.inputs, .frames, .filters)] | sort_by(.domain)')
	[ "$a" = "$b" ] && echo "ok: pieces give the whole's findings" || { echo "FAIL: pieces differ"; fail=1; }
fi
[ $fail -eq 0 ] && echo "spread: all checks passed"
exit $fail
