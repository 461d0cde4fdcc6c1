#!/bin/bash
# resolver-iodine.sh OUT.pcap - a real iodine tunnel through a real
# recursive resolver, captured at the resolver with both legs.
#
# The lab network of lab-net.sh:
#   dt-cli  10.53.0.2   iodine client
#   dt-res  10.53.0.1 / 10.53.1.1   unbound, case randomisation (0x20) on,
#           forwarding t.lab.example to the authoritative server
#   dt-auth 10.53.1.2   iodined, authoritative for t.lab.example
# Needs root, iproute2, iodine, unbound, tcpdump.
set -eu
out=$(realpath -m "$1")
. "$(dirname "$0")/lab-net.sh"
lab_up
lab_resolver yes
lab_bg iodined dt-auth iodined -f -c -P labsecret -l 10.53.1.2 -p 53 10.99.0.1/24 t.lab.example
sleep 2
# iodine through the resolver (-r: never raw UDP to the server itself)
lab_bg iodine dt-cli iodine -f -r -P labsecret 10.53.0.1 t.lab.example
for i in $(seq 1 60); do
	ip netns exec dt-cli ip addr show dns0 2>/dev/null | grep -q 10.99.0 && break
	sleep 1
done
if ! ip netns exec dt-cli ip addr show dns0 2>/dev/null | grep -q 10.99.0; then
	echo "resolver-iodine: the tunnel did not come up" >&2
	cat "$work/iodine.log" "$work/iodined.log" >&2
	exit 1
fi
# traffic through the tunnel: pings with payload
ip netns exec dt-cli ping -c 20 -i 0.3 -s 600 10.99.0.1 >/dev/null || true
sleep 2
kill "$(cat "$work/iodine.pid")" 2>/dev/null || true
sleep 1
kill "$(cat "$work/tcpdump.pid")" 2>/dev/null || true
sleep 1
cp "$work/cap.pcap" "$out"
echo "resolver-iodine: $(tcpdump -r "$out" -n 2>/dev/null | wc -l) packets in $out"
