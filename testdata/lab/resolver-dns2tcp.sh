#!/bin/bash
# resolver-dns2tcp.sh OUT.pcap - a real dns2tcp tunnel through a real
# recursive resolver, captured at the resolver with both legs, beside a
# second host that only looks up ordinary names through the same resolver.
#
# The lab network of lab-net.sh:
#   dt-cli  10.53.0.2   dns2tcpc, and a TCP client sending a file through it
#           10.53.0.3   (a second address) dig for ordinary names
#   dt-res  10.53.0.1 / 10.53.1.1   unbound forwarding t.lab.example to the
#           authoritative server (case randomisation off: dns2tcpd 0.5
#           compares its domain case-sensitively and would refuse 0x20 names)
#   dt-auth 10.53.1.2   dns2tcpd, authoritative for t.lab.example, with a
#           resource "sink" (a TCP server on 127.0.0.1:7777 that reads
#           what comes and answers with its length)
# Needs root, iproute2, dns2tcp, unbound, tcpdump, dnsutils (dig), python3.
set -eu
out=$(realpath -m "$1")
. "$(dirname "$0")/lab-net.sh"
lab_up 10.53.0.3
lab_resolver no '
local-zone: "corp.lab." static
local-data: "www.corp.lab. A 10.53.0.80"
local-data: "mail.corp.lab. A 10.53.0.25"
local-data: "intranet.corp.lab. A 10.53.0.81"'
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
lab_bg sink dt-auth python3 "$work/sink.py"
lab_bg dns2tcpd dt-auth dns2tcpd -F -f "$work/dns2tcpd.conf"
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
lab_bg dns2tcpc dt-cli dns2tcpc -z t.lab.example -r sink -l 2222 10.53.0.1
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
