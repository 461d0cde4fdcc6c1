#!/bin/bash
# record-dns2tcp.sh OUT.pcap - record a real dns2tcp session for the --carve
# tests: dns2tcpd and dns2tcpc (Debian's 0.5.2) in two network namespaces
# joined by a veth pair, private addresses only (nothing leaves the host),
# the DNS traffic captured on the server side.  Through the tunnel: a TCP
# connection to the resource "echo" (a listener in the server's namespace)
# that sends 2000 random bytes and a line of text, answered with
# "received N bytes".  Needs root.
set -u
OUT=${1:?out.pcap}
ZONE=d2t.carve-lab.test
W=$(mktemp -d)
cleanup() {
	ip netns del h10cli 2>/dev/null
	ip netns del h10srv 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
ip netns del h10cli 2>/dev/null
ip netns del h10srv 2>/dev/null
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
cat >"$W/d.conf" <<CONF
listen = 10.253.0.1
port = 53
user = nobody
chroot = $W
domain = $ZONE
resources = echo:10.253.0.1:7000
CONF
ip netns exec h10srv tcpdump -i h10v0 -w "$OUT" -U udp port 53 2>/dev/null &
TD=$!
sleep 1
ip netns exec h10srv python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.253.0.1", 7000)); s.listen(1); s.settimeout(60)
c, _ = s.accept(); n = 0; c.settimeout(10)
try:
    while n < 2000 + 26:
        b = c.recv(4096)
        if not b: break
        n += len(b)
except Exception: pass
c.sendall(b"received %d bytes\n" % n); c.close()' &
PY=$!
ip netns exec h10srv dns2tcpd -F -f "$W/d.conf" >/dev/null 2>&1 &
SD=$!
sleep 1
ip netns exec h10cli dns2tcpc -z $ZONE -r echo -l 4444 10.253.0.1 >/dev/null 2>&1 &
CD=$!
sleep 1
ip netns exec h10cli python3 -c '
import os, socket, time
s = socket.create_connection(("127.0.0.1", 4444), timeout=60)
s.sendall(os.urandom(2000) + b"carve-test line of text\r\n")
print(s.recv(100))' >/dev/null 2>&1
sleep 1
kill $CD $SD $PY 2>/dev/null
sleep 0.5
kill $TD
wait 2>/dev/null
