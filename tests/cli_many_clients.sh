#!/bin/bash
# cli_many_clients.sh BIN SRCDIR - one data channel spread over many hosts
# (a botnet moving 10 KB in small pieces from 60 hosts, each payload from
# one host) is a finding with a many-client reason; a shared service whose
# hex content ids many hosts ask stays quiet.
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
d=$src/testdata/pcap
out=$("$bin" --no-progress "$d/botnet-many-clients.pcap")
b='.findings[] | select(.domain == "c.botlab-cdn.net")'
check "botnet: found" "[$b] | length == 1" "$out"
check "botnet: its 60 hosts" "[$b | .clients | length] == [60]" "$out"
check "botnet: the many-client reason" \
	"[$b | .evidence.reasons[] | select(test(\"^many-client: 60 hosts each sent a few distinct payloads\"))] | length == 1" "$out"
check "botnet: unique subdomains never above the queries" "[$b | .unique_subdomains <= .queries] == [true]" "$out"
check "botnet: nothing else" '[.findings[].domain] == ["c.botlab-cdn.net"]' "$out"
out=$("$bin" --no-progress --all --min-score 0 "$d/service-many-clients.pcap")
s='.findings[] | select(.domain == "content.svc-lab.net")'
check "service: scored, under the threshold" "[$s | .score < 60] == [true]" "$out"
check "service: no many-client reason" "[$s | .evidence.reasons[] | select(test(\"many-client\"))] == []" "$out"
[ $fail -eq 0 ] && echo "many clients: all checks passed"
exit $fail
