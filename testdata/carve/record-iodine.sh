#!/bin/bash
# record-iodine.sh OUT.pcap TYPE [IODINE OPTIONS...] - record a real iodine
# session for the --carve tests: iodined and iodine (Debian's 0.7.0) in two
# network namespaces joined by a veth pair, private addresses only (nothing
# leaves the host), the DNS traffic captured on the server side.  Through
# the tunnel: pings of 1200 and 56 bytes, and 3000 random bytes over TCP
# (so that upstream packets need several fragments).  Needs root.
set -u
OUT=${1:?out.pcap}
TYPE=${2:?dns type}
shift 2
ZONE=tun.carve-lab.test
cleanup() {
	ip netns del h10cli 2>/dev/null
	ip netns del h10srv 2>/dev/null
}
trap cleanup EXIT
cleanup
ip netns add h10srv && ip netns add h10cli || exit 1
ip link add h10v0 type veth peer name h10v1
ip link set h10v0 netns h10srv
ip link set h10v1 netns h10cli
ip -n h10srv addr add 10.253.0.1/24 dev h10v0
ip -n h10cli addr add 10.253.0.2/24 dev h10v1
for ns in h10srv h10cli; do
	ip -n $ns link set lo up
done
ip -n h10srv link set h10v0 up
ip -n h10cli link set h10v1 up
ip netns exec h10srv tcpdump -i h10v0 -w "$OUT" -U udp port 53 2>/dev/null &
TD=$!
sleep 1
ip netns exec h10srv iodined -f -c -P carvetest 192.168.253.1/27 $ZONE >/dev/null 2>&1 &
SD=$!
sleep 1
ip netns exec h10cli iodine -f -P carvetest -r -T "$TYPE" "$@" 10.253.0.1 $ZONE >/dev/null 2>&1 &
CD=$!
for i in $(seq 1 40); do
	ip netns exec h10cli ip addr show 2>/dev/null | grep -q 192.168.253 && break
	sleep 0.5
done
ip netns exec h10srv python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("192.168.253.1", 8000)); s.listen(1); s.settimeout(30)
c, _ = s.accept(); n = 0
while True:
    b = c.recv(4096)
    if not b: break
    n += len(b)
c.sendall(b"received %d bytes\n" % n); c.close()' &
PY=$!
ip netns exec h10cli ping -c 3 -i 0.3 -s 1200 192.168.253.1 >/dev/null 2>&1
ip netns exec h10cli ping -c 3 -i 0.3 192.168.253.1 >/dev/null 2>&1
ip netns exec h10cli python3 -c '
import os, socket
s = socket.create_connection(("192.168.253.1", 8000), timeout=30)
s.sendall(os.urandom(3000)); s.shutdown(socket.SHUT_WR); print(s.recv(100))' >/dev/null 2>&1
sleep 1
kill $CD $SD $PY 2>/dev/null
sleep 0.5
kill $TD
wait 2>/dev/null
