#!/bin/bash
# resolver-iodine.sh OUT.pcap - a real iodine tunnel through a real
# recursive resolver, captured at the resolver with both legs.
#
# Three network namespaces on veth pairs, namespace addresses only:
#   dt-cli  10.53.0.2   iodine client (and dig for a few benign names)
#   dt-res  10.53.0.1 / 10.53.1.1   unbound, case randomisation (0x20) on,
#           forwarding t.lab.example to the authoritative server
#   dt-auth 10.53.1.2   iodined, authoritative for t.lab.example, and a
#           small NSD-less zone answered by iodined itself
# tcpdump in dt-res writes both legs (-i any: Linux cooked capture v2).
# Needs root, iproute2, iodine, unbound, tcpdump, dnsutils (dig).
set -eu
out=$(realpath -m "$1")
work=$(mktemp -d)
cleanup() {
	set +e
	for p in $(cat "$work"/*.pid 2>/dev/null); do kill "$p" 2>/dev/null; done
	sleep 0.5
	for n in dt-cli dt-res dt-auth; do ip netns del $n 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
for n in dt-cli dt-res dt-auth; do ip netns del $n 2>/dev/null || true; ip netns add $n; done
ip link add dt-c0 type veth peer name dt-r0
ip link add dt-r1 type veth peer name dt-a0
ip link set dt-c0 netns dt-cli
ip link set dt-r0 netns dt-res
ip link set dt-r1 netns dt-res
ip link set dt-a0 netns dt-auth
ip -n dt-cli addr add 10.53.0.2/24 dev dt-c0
ip -n dt-res addr add 10.53.0.1/24 dev dt-r0
ip -n dt-res addr add 10.53.1.1/24 dev dt-r1
ip -n dt-auth addr add 10.53.1.2/24 dev dt-a0
for n in dt-cli dt-res dt-auth; do ip -n $n link set lo up; done
ip -n dt-cli link set dt-c0 up
ip -n dt-res link set dt-r0 up
ip -n dt-res link set dt-r1 up
ip -n dt-auth link set dt-a0 up

cat >"$work/unbound.conf" <<CONF
server:
  interface: 10.53.0.1
  port: 53
  access-control: 10.53.0.0/24 allow
  do-not-query-localhost: no
  use-caps-for-id: yes
  qname-minimisation: no
  module-config: "iterator"
  username: ""
  chroot: ""
  directory: "$work"
  pidfile: "$work/unbound.pidfile"
  logfile: "$work/unbound.log"
  verbosity: 1
  cache-max-ttl: 0
  cache-max-negative-ttl: 0
  prefetch: no
  outgoing-interface: 10.53.1.1
forward-zone:
  name: "t.lab.example"
  forward-addr: 10.53.1.2
CONF
ip netns exec dt-res tcpdump -i any -n -U -s 0 -w "$work/cap.pcap" udp port 53 2>"$work/tcpdump.log" &
echo $! >"$work/tcpdump.pid"
sleep 1
ip netns exec dt-auth iodined -f -c -P labsecret -l 10.53.1.2 -p 53 10.99.0.1/24 t.lab.example \
	>"$work/iodined.log" 2>&1 &
echo $! >"$work/iodined.pid"
ip netns exec dt-res unbound -d -c "$work/unbound.conf" >"$work/unbound.out" 2>&1 &
echo $! >"$work/unbound.pid"
sleep 2
# iodine through the resolver (-r: never raw UDP to the server itself)
ip netns exec dt-cli iodine -f -r -P labsecret 10.53.0.1 t.lab.example >"$work/iodine.log" 2>&1 &
echo $! >"$work/iodine.pid"
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
