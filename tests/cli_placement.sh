#!/bin/bash
# cli_placement.sh BIN SRCDIR - a capture taken at a recursive resolver
# with both legs (testdata/pcap/resolver-both-legs.pcap): the real client
# is named, the resolver is listed among the resolvers and never as a
# client or a quarantine target, each exchange counts once; a client that
# asks an outside server directly is told so; --resolver declares a
# resolver whose upstream leg is not captured; bad values are refused.
set -u
bin=$1 src=$2
cap=$src/testdata/pcap/resolver-both-legs.pcap
fail=0
check() { # what, jq expression that must be true, json
	if ! printf '%s' "$3" | jq -e "$2" >/dev/null; then
		echo "FAIL: $1"
		fail=1
	else
		echo "ok: $1"
	fi
}
out=$("$bin" --no-progress "$cap")
t='.findings[] | select(.domain == "t.exfil-lab.example")'
check "tunnel through the resolver found" "[$t] | length == 1" "$out"
check "its only client is the host that ran it" "[$t | .clients[].ip] == [\"192.168.1.30\"]" "$out"
check "each exchange counted once (80 queries, 80 TXT)" "[$t | .queries, .qtypes.TXT] == [80, 80]" "$out"
check "the resolver among its resolvers" "[$t | .resolvers[]] | index(\"192.168.1.1\") != null" "$out"
check "the resolver is nobody's client" '[.findings[].clients[].ip] | index("192.168.1.1") == null' "$out"
check "the resolver is never a quarantine target" \
	'[.findings[].mitigations[] | select(.action == "quarantine") | .target] | index("192.168.1.1") == null' "$out"
check "the client's bytes are the finding's" "[$t | .bytes_out == .clients[0].bytes_out] == [true]" "$out"
d='.findings[] | select(.domain == "d.direct-lab.example")'
check "direct tunnel found" "[$d] | length == 1" "$out"
check "direct server named" "[$d | .clients[0].direct_server] == [\"198.51.100.99\"]" "$out"
check "a reason says so" "[$d | .evidence.reasons[] | select(test(\"straight to 198.51.100.99\"))] | length == 1" "$out"
check "the block mitigation names it" \
	"[$d | .mitigations[] | select(.action == \"block\") | .text | test(\"192.168.1.31 sent its queries straight to 198.51.100.99\")] == [true]" "$out"
check "no direct claim for the client that used the resolver" "[$t | .clients[0].direct_server] == [null]" "$out"

# a resolver that asks two upstream servers for each name, and forwards
# 40 queries of a client the capture does not see: the legs are matched by
# name and time, so the retries count once and the 40 stay
p=$src/testdata/pcap/resolver-partial-legs.pcap
out=$("$bin" --no-progress "$p")
check "partial legs: 60 client exchanges + 40 forwarded for uncaptured clients" \
	"[$t | .queries, .qtypes.TXT, .unique_subdomains, .upstream_only_queries] == [100, 100, 100, 40]" "$out"
check "partial legs: the only client is the host that ran it, with its 60" \
	"[$t | .clients[] | [.ip, .queries]] == [[\"192.168.1.30\", 60]]" "$out"
check "partial legs: its bytes are its share (60 of 100 payloads)" \
	"[$t | (.clients[0].bytes_out * 100 / .bytes_out | round)] == [60]" "$out"
check "partial legs: a reason says what the resolver asked alone" \
	"[$t | .evidence.reasons[] | select(test(\"^40 of the queries were asked by a resolver\"))] | length == 1" "$out"
check "partial legs: the resolver is nobody's client" '[.findings[].clients[].ip] | index("192.168.1.1") == null' "$out"

# a real iodine session through a real resolver whose two sides have
# different addresses (testdata/lab/resolver-iodine.sh): unbound asks
# upstream from 10.53.1.1 what 10.53.0.2 asked 10.53.0.1, in 0x20 case
l=$src/testdata/lab/resolver-iodine.pcap
out=$("$bin" --no-progress "$l")
i='.findings[] | select(.domain == "t.lab.example")'
check "lab: iodine through unbound found and named" "[$i | .tool] == [\"iodine\"]" "$out"
check "lab: the only client is the iodine host" "[$i | .clients[].ip] == [\"10.53.0.2\"]" "$out"
check "lab: its 83 queries, each exchange once (145 upstream not again)" "[$i | .queries] == [83]" "$out"
check "lab: its 73 responses (as many as reached the client), each once" \
	"[$i | .responses, (.evidence.reasons[] | select(test(\" in 73 answers \")) | 1)] == [73, 1]" "$out"
check "lab: iodined is the upstream server, not a resolver" \
	"[$i | .upstream_servers, (.resolvers | index(\"10.53.1.2\"))] == [[\"10.53.1.2\"], null]" "$out"
check "lab: both sides of the resolver among the resolvers" \
	"[$i | .resolvers | index(\"10.53.0.1\") != null and index(\"10.53.1.1\") != null] == [true]" "$out"
check "lab: no quarantine of the resolver" \
	'[.findings[].mitigations[] | select(.action == "quarantine") | .target] == ["10.53.0.2"]' "$out"

# a real dns2tcp session through unbound (testdata/lab/resolver-dns2tcp.sh),
# beside a host that only looks up ordinary names through the same resolver
l=$src/testdata/lab/resolver-dns2tcp.pcap
out=$("$bin" --no-progress "$l")
check "lab dns2tcp: found and named" "[$i | .tool] == [\"dns2tcp\"]" "$out"
check "lab dns2tcp: the only client is the dns2tcp host" "[$i | .clients[].ip] == [\"10.53.0.2\"]" "$out"
check "lab dns2tcp: its 291 queries, each exchange once (549 upstream not again)" \
	"[$i | .queries, .clients[0].queries] == [291, 291]" "$out"
check "lab dns2tcp: its 290 responses (as many as reached the client), each once" \
	"[$i | .responses, .rcodes.NOERROR, (.evidence.reasons[] | select(test(\" in 290 answers \")) | 1)] == [290, 290, 1]" "$out"
check "lab dns2tcp: the resolver's two sides are resolvers, dns2tcpd the upstream server" \
	"[$i | .resolvers, .upstream_servers] == [[\"10.53.0.1\", \"10.53.1.1\"], [\"10.53.1.2\"]]" "$out"
check "lab dns2tcp: the host with ordinary look-ups is nobody's client" \
	'[.findings[].clients[].ip] | index("10.53.0.3") == null' "$out"
check "lab dns2tcp: no quarantine of the resolver" \
	'[.findings[].mitigations[] | select(.action == "quarantine") | .target] == ["10.53.0.2"]' "$out"

# only the client leg: the resolver is not recognised by itself ...
leg="not host 203.0.113.53"
out=$("$bin" --no-progress --filter "$leg" "$cap")
check "client leg only: queries once (80)" "[$t | .queries] == [80]" "$out"
check "client leg only: nothing said of direct servers" '[.findings[].clients[].direct_server // empty] == []' "$out"
# ... and --resolver declares it
out=$("$bin" --no-progress --filter "$leg" --resolver 192.168.1.1 "$cap")
check "--resolver: the direct client is told" "[$d | .clients[0].direct_server] == [\"198.51.100.99\"]" "$out"
check "--resolver: the resolver is listed" "[$t | .resolvers[]] | index(\"192.168.1.1\") != null" "$out"
# --home-net: a server inside the local networks is not an outside server
out=$("$bin" --no-progress --home-net 192.168.0.0/16 --home-net 198.51.100.0/24 "$cap")
check "--home-net: a server inside is not direct" '[.findings[].clients[].direct_server // empty] == []' "$out"

# refused before reading, one line, exit 2
for a in "--resolver 192.168.1.x" "--resolver 192.168.1.0/24" "--home-net 10.0.0.0/33" "--home-net nonsense"; do
	err=$("$bin" --no-progress $a "$cap" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -ne 2 ] || [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ]; then
		echo "FAIL: $a: exit $rc, stderr: $err"
		fail=1
	else
		echo "ok: $a refused: $err"
	fi
done
[ $fail -eq 0 ] && echo "placement: all checks passed"
exit $fail
