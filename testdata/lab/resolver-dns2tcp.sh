#!/bin/bash
# resolver-dns2tcp.sh OUT.pcap - a real dns2tcp tunnel through a real
# recursive resolver, captured at the resolver with both legs, beside a
# second host that only looks up ordinary names through the same resolver.
#
# Three network namespaces on veth pairs, namespace addresses only:
#   dt-cli  10.53.0.2   dns2tcpc, and a TCP client sending a file through it
#           10.53.0.3   (a second address) dig for ordinary names
#   dt-res  10.53.0.1 / 10.53.1.1   unbound forwarding t.lab.example to the
#           authoritative server (case randomisation off: dns2tcpd 0.5
#           compares its domain case-sensitively and would refuse 0x20 names)
#   dt-auth 10.53.1.2   dns2tcpd, authoritative for t.lab.example, with a
#           resource "sink" (a TCP server on 127.0.0.1:7777 that reads
#           what comes and answers with its length)
# tcpdump in dt-res writes both legs (-i any: Linux cooked capture v2).
# Needs root, iproute2, dns2tcp, unbound, tcpdump, dnsutils (dig), python3.
set -eu
out=$(realpath -m "$1")
work=$(mktemp -d)
chmod 755 "$work"
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
ip -n dt-cli addr add 10.53.0.3/24 dev dt-c0
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
  use-caps-for-id: no
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
local-zone: "corp.lab." static
local-data: "www.corp.lab. A 10.53.0.80"
local-data: "mail.corp.lab. A 10.53.0.25"
local-data: "intranet.corp.lab. A 10.53.0.81"
forward-zone:
  name: "t.lab.example"
  forward-addr: 10.53.1.2
CONF
cat >"$work/dns2tcpd.conf" <<CONF
listen = 10.53.1.2
port = 53
user = nobody
chroot = $work
domain = t.lab.example
resources = sink:127.0.0.1:7777
CONF
cat >"$work/sink.py" <<'PY'
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 7777))
s.listen(4)
while True:
    c, _ = s.accept()
    n = 0
    while True:
        b = c.recv(65536)
        if not b:
            break
        n += len(b)
        c.sendall(b"got %d\n" % n)
    c.close()
PY
cat >"$work/send.py" <<'PY'
import socket, sys, time
data = b"".join(b"line %05d of the quarterly figures, not for release\n" % i for i in range(120))
s = socket.create_connection(("127.0.0.1", 2222))
for i in range(0, len(data), 512):
    s.sendall(data[i:i + 512])
    time.sleep(0.2)
s.settimeout(10)
got = b""
try:
    while not got.endswith(b"got %d\n" % len(data)):
        b = s.recv(4096)
        if not b:
            break
        got += b
except OSError:
    pass
s.close()
print(len(data), "bytes sent")
PY
ip netns exec dt-res tcpdump -i any -n -U -s 0 -w "$work/cap.pcap" udp port 53 2>"$work/tcpdump.log" &
echo $! >"$work/tcpdump.pid"
sleep 1
ip netns exec dt-auth python3 "$work/sink.py" >"$work/sink.log" 2>&1 &
echo $! >"$work/sink.pid"
ip netns exec dt-auth dns2tcpd -F -f "$work/dns2tcpd.conf" >"$work/dns2tcpd.log" 2>&1 &
echo $! >"$work/dns2tcpd.pid"
ip netns exec dt-res unbound -d -c "$work/unbound.conf" >"$work/unbound.out" 2>&1 &
echo $! >"$work/unbound.pid"
sleep 2
# the second host's ordinary look-ups, spread over the tunnel's time
( for i in $(seq 1 15); do
	for n in www.corp.lab mail.corp.lab intranet.corp.lab; do
		ip netns exec dt-cli dig +short +tries=1 +time=1 -b 10.53.0.3 @10.53.0.1 $n >/dev/null 2>&1
	done
	sleep 0.6
done ) &
echo $! >"$work/dig.pid"
# dns2tcpc from 10.53.0.2 through the resolver, a local port for "sink"
ip netns exec dt-cli dns2tcpc -z t.lab.example -r sink -l 2222 10.53.0.1 >"$work/dns2tcpc.log" 2>&1 &
echo $! >"$work/dns2tcpc.pid"
sleep 2
ip netns exec dt-cli python3 "$work/send.py" >"$work/send.log" 2>&1 || true
sleep 2
wait "$(cat "$work/dig.pid")" 2>/dev/null || true
kill "$(cat "$work/dns2tcpc.pid")" 2>/dev/null || true
sleep 1
kill "$(cat "$work/tcpdump.pid")" 2>/dev/null || true
sleep 1
if ! grep -q "bytes sent" "$work/send.log"; then
	echo "resolver-dns2tcp: nothing went through the tunnel" >&2
	cat "$work/send.log" "$work/dns2tcpc.log" "$work/dns2tcpd.log" >&2
	exit 1
fi
cp "$work/cap.pcap" "$out"
echo "resolver-dns2tcp: $(tcpdump -r "$out" -n 2>/dev/null | wc -l) packets in $out; $(cat "$work/send.log")"
