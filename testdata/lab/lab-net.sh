# lab-net.sh - sourced by the resolver-*.sh scripts: the lab network they
# share.  Three network namespaces on veth pairs, namespace addresses only:
#   dt-cli  10.53.0.2 (and any addresses lab_up is given)
#   dt-res  10.53.0.1 / 10.53.1.1   unbound, forwarding t.lab.example to
#   dt-auth 10.53.1.2   the tunnel's server, authoritative for t.lab.example
# tcpdump in dt-res writes both legs (-i any: Linux cooked capture v2) to
# $work/cap.pcap.  $work is a fresh directory, removed on exit with the
# namespaces and every process whose pid is in $work/*.pid.

work=$(mktemp -d)
chmod 755 "$work"
lab_cleanup() {
	set +e
	for p in $(cat "$work"/*.pid 2>/dev/null); do kill "$p" 2>/dev/null; done
	sleep 0.5
	for n in dt-cli dt-res dt-auth; do ip netns del $n 2>/dev/null; done
	rm -rf "$work"
}
trap lab_cleanup EXIT

# lab_up [CLIENT-ADDRESS...]: the namespaces and links, 10.53.0.2 and the
# given addresses (in 10.53.0.0/24) on the client side.
lab_up() {
	for n in dt-cli dt-res dt-auth; do ip netns del $n 2>/dev/null || true; ip netns add $n; done
	ip link add dt-c0 type veth peer name dt-r0
	ip link add dt-r1 type veth peer name dt-a0
	ip link set dt-c0 netns dt-cli
	ip link set dt-r0 netns dt-res
	ip link set dt-r1 netns dt-res
	ip link set dt-a0 netns dt-auth
	for a in 10.53.0.2 "$@"; do ip -n dt-cli addr add "$a/24" dev dt-c0; done
	ip -n dt-res addr add 10.53.0.1/24 dev dt-r0
	ip -n dt-res addr add 10.53.1.1/24 dev dt-r1
	ip -n dt-auth addr add 10.53.1.2/24 dev dt-a0
	for n in dt-cli dt-res dt-auth; do ip -n $n link set lo up; done
	ip -n dt-cli link set dt-c0 up
	ip -n dt-res link set dt-r0 up
	ip -n dt-res link set dt-r1 up
	ip -n dt-auth link set dt-a0 up
}

# lab_bg NAME NAMESPACE COMMAND...: COMMAND in NAMESPACE in the background,
# its output in $work/NAME.log, its pid in $work/NAME.pid.
lab_bg() {
	local name=$1 ns=$2
	shift 2
	ip netns exec "$ns" "$@" >"$work/$name.log" 2>&1 &
	echo $! >"$work/$name.pid"
}

# lab_resolver CAPS [SERVER-LINES]: start the capture, then unbound with
# case randomisation (use-caps-for-id) CAPS ("yes" or "no") and the lines
# given added to its server section.
lab_resolver() {
	cat >"$work/unbound.conf" <<CONF
server:
  interface: 10.53.0.1
  port: 53
  access-control: 10.53.0.0/24 allow
  do-not-query-localhost: no
  use-caps-for-id: $1
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
${2:-}
forward-zone:
  name: "t.lab.example"
  forward-addr: 10.53.1.2
CONF
	ip netns exec dt-res tcpdump -i any -n -U -s 0 -w "$work/cap.pcap" udp port 53 \
		2>"$work/tcpdump.log" &
	echo $! >"$work/tcpdump.pid"
	sleep 1
	lab_bg unbound-run dt-res unbound -d -c "$work/unbound.conf"
}
