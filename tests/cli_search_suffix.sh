#!/bin/bash
# cli_search_suffix.sh BIN SRCDIR - trailing labels that are no public TLD
# are dropped as a search suffix only with evidence: the same payloads
# asked without them (a resolver library's retries), or the suffix behind
# names of unrelated registered domains; an attacker's zone under a
# made-up TLD whose labels read like a registered domain keeps its full
# name, so the RPZ blocks the zone that carried the data.
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
out=$("$bin" --no-progress "$d/search-suffix-retry.pcap")
check "retries: one finding, the zone without the suffix" \
	'[.findings[] | .domain] == ["t.retry-lab.com"]' "$out"
check "retries: both forms counted, payloads once" \
	'[.findings[0] | .queries, .unique_subdomains] == [120, 60]' "$out"
check "retries: a reason names the suffix and the evidence" \
	'[.findings[0].evidence.reasons[] | select(test("^60 queries carried a search suffix \\(such as corp-lab.lab\\), which was dropped: the same payloads were also asked without it"))] | length == 1' "$out"
out=$("$bin" --no-progress "$d/search-suffix-k8s.pcap")
check "kubernetes: one finding under the zone, all five forms of each payload" \
	'[.findings[] | [.domain, .queries, .unique_subdomains]] == [["x.k8s-exfil.com", 300, 60]]' "$out"
check "kubernetes: only the pod that sent them" '[.findings[0].clients[].ip] == ["192.168.1.43"]' "$out"
out=$("$bin" --no-progress "$d/search-suffix-across.pcap")
check "across: the zone without the suffix" '[.findings[] | .domain] == ["t.across-lab.com"]' "$out"
check "across: the evidence is the unrelated domains" \
	'[.findings[0].evidence.reasons[] | select(test("follows names of unrelated registered domains"))] | length == 1' "$out"
check "across: other hosts' look-ups under the suffix do not join it" \
	'[.findings[0].clients[].ip] == ["192.168.1.41"]' "$out"
out=$("$bin" --no-progress --rpz "$tmp/rpz" "$d/search-suffix-chosen.pcap")
check "chosen labels: the full name is the zone" \
	'[.findings[] | [.domain, .registered_domain]] == [["update.com.x-lab.lab", "x-lab.lab"]]' "$out"
check "chosen labels: no search-suffix sentence" \
	'[.findings[0].evidence.reasons[] | select(test("search suffix"))] == []' "$out"
if grep -q '^update\.com\.x-lab\.lab' "$tmp/rpz" && ! grep -q '^update\.com[[:space:]]' "$tmp/rpz"; then
	echo "ok: chosen labels: the RPZ blocks the zone, not update.com"
else
	echo "FAIL: chosen labels: RPZ entries:"; grep -v '^[;$@ ]' "$tmp/rpz"
	fail=1
fi
out=$("$bin" --no-progress "$d/search-suffix-registered.pcap")
check "registered suffix: one finding, the zone without the suffix" \
	'[.findings[] | .domain] == ["t.reg-lab.net"]' "$out"
check "registered suffix: both forms counted there, payloads once" \
	'[.findings[0] | .queries, .unique_subdomains] == [120, 60]' "$out"
check "registered suffix: a reason names the suffix and the retries" \
	'[.findings[0].evidence.reasons[] | select(test("^60 queries carried a search suffix \\(such as corp.suffix-lab.com\\), which was dropped: the same payloads were also asked without it"))] | length == 1' "$out"
check "registered suffix: other hosts' look-ups under it do not join it" \
	'[.findings[0].clients[].ip] == ["192.168.1.44"]' "$out"
out=$("$bin" --no-progress "$d/search-suffix-chosen-real.pcap")
check "chosen labels under a real TLD: one finding under the attacker's domain" \
	'[.findings[] | [.domain, .registered_domain, .queries]] == [["com.x-lab.net", "x-lab.net", 60]]' "$out"
check "chosen labels under a real TLD: no search-suffix sentence" \
	'[.findings[0].evidence.reasons[] | select(test("search suffix"))] == []' "$out"
# the evidence is order-free: the same with the capture cut in pieces
out1=$("$bin" --no-progress "$d/search-suffix-across.pcap" | jq -c '[.findings[] | del(.inputs, .frames, .filters)]')
if command -v editcap >/dev/null; then
	editcap -c 40 "$d/search-suffix-across.pcap" "$tmp/piece.pcap" >/dev/null
	out2=$("$bin" --no-progress -j 2 "$tmp"/piece*.pcap | jq -c '[.findings[] | del(.inputs, .frames, .filters)]')
	[ "$out1" = "$out2" ] && echo "ok: across: pieces give the whole's finding" || { echo "FAIL: pieces differ"; fail=1; }
	for f in registered chosen-real; do
		rm -f "$tmp"/piece*
		out1=$("$bin" --no-progress "$d/search-suffix-$f.pcap" | jq -c '[.findings[] | del(.inputs, .frames, .filters)]')
		editcap -c 40 "$d/search-suffix-$f.pcap" "$tmp/piece.pcap" >/dev/null
		out2=$("$bin" --no-progress -j 2 "$tmp"/piece*.pcap | jq -c '[.findings[] | del(.inputs, .frames, .filters)]')
		[ "$out1" = "$out2" ] && echo "ok: $f: pieces give the whole's finding" || { echo "FAIL: $f: pieces differ"; fail=1; }
	done
fi
[ $fail -eq 0 ] && echo "search suffix: all checks passed"
exit $fail
