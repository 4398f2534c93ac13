#!/bin/bash
# fnat as the balancer in the seeds' three topologies (NAT, DR, TUN): the
# same checks IPVS passes in ipvs_reference.sh (_forwarding.sh), and then
# what only fnat promises:
# - a director with a stateful firewall rule (INVALID dropped, as real
#   directors have) creates no conntrack entry for 1000 NAT connections;
# - counters equal what the client sent, packet for packet and byte for byte;
# - -Lnc shows the connections with their state and they expire on time
#   under short timeouts (--set);
# - a client reusing its port while the director holds the old connection
#   in TIME_WAIT gets a new connection at once;
# - frag-needed reaches a NAT client whose packets are too big for the
#   real servers' segment, and the transfer still completes intact; a real
#   server's ICMP error reaches the client about the packet it sent;
# - malformed packets to the VIP are dropped and counted by reason, and
#   service goes on;
# - INPUT rules see each connection's first packet (fast path), or every
#   packet with /sys/kernel/fnat/fast_path at 0, and traffic is the same;
# - TUN: frag-needed from a router beyond the director reaches the client.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
LB=fnatadm
# shellcheck source=_topo.sh
. "$(dirname "$0")/_topo.sh"
# shellcheck source=_traffic.sh
. "$(dirname "$0")/_traffic.sh"
# shellcheck source=_forwarding.sh
. "$(dirname "$0")/_forwarding.sh"

# conntrack_count: conntrack entries in the director's namespace.
conntrack_count() {
	ip netns exec director cat /proc/sys/net/netfilter/nf_conntrack_count
}

# conns_gone PATTERN: no connection listed matches PATTERN.
conns_gone() {
	! ip netns exec director fnatadm -Lnc | grep -q -- "$1"
}

check_conntrack() {
	local out n
	step "nat: a stateful firewall on the director; 1000 connections create no conntrack entry"
	must ip netns exec director iptables -A INPUT -m conntrack --ctstate INVALID -j DROP
	must ip netns exec director iptables -A FORWARD -m conntrack --ctstate INVALID -j DROP
	n=$(conntrack_count)
	echo "conntrack entries before: $n"
	out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 1000 --bytes 100 \
		--parallel 4 --seed 10)
	echo "$out"
	[[ "$out" == *"result: 1000 ok, 0 failed"* ]] || fail "not 1000 ok: $out"
	n=$(conntrack_count)
	echo "conntrack entries after 1000 connections through fnat: $n"
	[ "$n" -eq 0 ] || fail "fnat traffic created $n conntrack entries"
	# Conntrack is on in the namespace: traffic not fnat's is tracked.
	must ip netns exec client ping -q -c 1 -w 5 10.0.1.1 >/dev/null
	n=$(conntrack_count)
	[ "$n" -ge 1 ] || fail "a ping to the director left no conntrack entry: is conntrack on?"
	must ip netns exec director iptables -F
}

check_counters() {
	# A request datagram: 20 IP + 8 UDP + fnat-traffic's 24-byte header +
	# 100 bytes = 152; an answer adds the server's name and the client's
	# address:port as it saw them ("rs1", "10.0.1.2:2100x"): 169.
	local mode=$1 out out_pkts=10 out_bytes=1690
	step "$mode: counters equal the traffic: 10 UDP flows of 100 bytes each way"
	case $mode in dr | tun) out_pkts=0 out_bytes=0 ;; esac
	lb -Z
	out=$(must in_ns client fnat-traffic connect --udp "$VIP:$PORT" --count 10 --bytes 100 \
		--seed 11 --source-port-range 21000-21009)
	[[ "$out" == *"result: 10 ok, 0 failed"* ]] || fail "not 10 ok: $out"
	out=$(lb -Ln --stats --exact -u "$VIP:$PORT")
	echo "$out"
	[[ "$out" =~ UDP\ +$VIP:$PORT\ +10\ +10\ +$out_pkts\ +1520\ +$out_bytes ]] ||
		fail "service counters are not 10 conns, 10/$out_pkts packets, 1520/$out_bytes bytes"
}

check_expiry() {
	local mode=$1 out
	step "$mode: -Lnc shows states; with --set 5 3 2 the entries expire on time"
	lb --set 5 3 2
	out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 1 --bytes 100 \
		--seed 12 --source-port-range 23000-23000)
	[[ "$out" == *"result: 1 ok, 0 failed"* ]] || fail "TCP exchange failed: $out"
	out=$(must in_ns client fnat-traffic connect --udp "$VIP:$PORT" --count 1 --bytes 100 \
		--seed 13 --source-port-range 22000-22000)
	[[ "$out" == *"result: 1 ok, 0 failed"* ]] || fail "UDP exchange failed: $out"
	out=$(lb -Lnc)
	grep -e "$CLIENT:2[23]000" <<<"$out" || true
	[[ "$out" =~ UDP\ 00:0[0-2]\ +UDP\ +$CLIENT:22000\ +$VIP:$PORT ]] ||
		fail "the UDP flow is not listed with at most 2 s left: $out"
	[[ "$out" =~ TCP\ 00:0[0-9]\ +[A-Z_]+\ +$CLIENT:23000\ +$VIP:$PORT ]] ||
		fail "the closed TCP connection is not listed with a short expiry: $out"
	wait_until 5 conns_gone "$CLIENT:22000"
	wait_until 8 conns_gone "$CLIENT:23000"
	lb --set 7440 120 300
}

check_port_reuse() {
	local out ms
	step "nat: a client reusing its port while the director holds the old connection in TIME_WAIT gets through at once"
	# The client may reuse a port of its own TIME_WAIT connection after 1 s.
	_topo_sysctl client net.ipv4.tcp_tw_reuse=1
	out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 1 --bytes 100 \
		--seed 16 --source-port-range 23100-23100)
	[[ "$out" == *"result: 1 ok, 0 failed"* ]] || fail "first connection failed: $out"
	out=$(lb -Lnc)
	[[ "$out" =~ TCP\ [0-9:]+\ +TIME_WAIT\ +$CLIENT:23100\  ]] ||
		fail "the closed connection is not in TIME_WAIT: $out"
	sleep 1.2
	out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 1 --bytes 100 \
		--seed 17 --source-port-range 23100-23100)
	echo "$out"
	[[ "$out" == *"result: 1 ok, 0 failed"* ]] || fail "the reused port got no connection: $out"
	ms=$(max_latency_ms "$out")
	# A SYN dropped by the director would be retried after 1 s.
	[ "$ms" -lt 900 ] || fail "the reused port waited $ms ms"
}

check_icmp_error() {
	local out
	step "nat: a real server's port-unreachable reaches the client about the datagram it sent"
	lb -A -u "$VIP:81" -s rr
	lb -a -u "$VIP:81" -r "$RIP1:81" -m
	out=$(must in_ns client fnat-traffic connect --udp "$VIP:81" --count 1 --bytes 10 \
		--timeout-ms 3000 --allow-failures)
	echo "$out"
	[[ "$out" == *"refused 1"* ]] || fail "the client's socket saw no port-unreachable: $out"
	lb -D -u "$VIP:81"
}

check_frag_needed() {
	step "nat: the real servers' segment has MTU 1000: frag-needed reaches the client"
	expect_pmtu_learned 14
}

check_garbage() {
	local mode=$1 kind reason before after out
	for kind in bad-tcp-doff:bad_tcp_doff tcp-doff-small:bad_tcp_doff \
		l4-truncated:l4_truncated bad-udp-length:bad_udp_length; do
		reason=${kind#*:}
		kind=${kind%%:*}
		step "$mode: 100 $kind packets to the VIP are dropped and counted as $reason"
		before=$(drops "$reason")
		must in_ns client fnat-traffic garbage --to "$VIP:$PORT" --count 100 --kind "$kind"
		after=$(drops "$reason")
		echo "$reason: $before -> $after"
		[ "$((after - before))" -eq 100 ] || fail "counted $((after - before)) of 100"
	done
	out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 2 --bytes 100 --seed 15)
	[[ "$out" == *"result: 2 ok, 0 failed"* ]] || fail "service stopped after the garbage: $out"
}

# fast_path_round SEED UDP_PORTS: 20 TCP connections and 10 UDP flows (from
# UDP_PORTS), split evenly; prints the packets INPUT counted meanwhile.
fast_path_round() {
	local out
	must ip netns exec director iptables -Z INPUT
	out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 20 --bytes 3000 --seed "$1")
	split "$out" 10 10
	out=$(must in_ns client fnat-traffic connect --udp "$VIP:$PORT" --count 10 --bytes 100 \
		--seed "$1" --source-port-range "$2")
	split "$out" 5 5
	# INPUT holds just the two counting rules: the first column after the headers.
	ip netns exec director iptables -L INPUT -v -n -x | awk 'NR > 2 { n += $1 } END { print n + 0 }'
}

# check_fast_path MODE: with fast_path on (the default) the director's INPUT
# rules see each connection's first packet only, with it off every packet;
# traffic gets through the same either way.
check_fast_path() {
	local mode=$1 n
	step "$mode: INPUT rules see each connection's first packet; with fast_path 0, every packet"
	# Both TCP servers again (the weight-0 check left rs2 out), until the end.
	lb -e -t "$VIP:$PORT" -r "$RIP2:$PORT" "$LB_FWD" -w 1
	must ip netns exec director iptables -A INPUT -d "$VIP" -p tcp --dport "$PORT"
	must ip netns exec director iptables -A INPUT -d "$VIP" -p udp --dport "$PORT"
	n=$(fast_path_round 30 24000-24009)
	echo "fast_path 1: INPUT saw $n packets of 20 TCP connections and 10 UDP flows"
	[ "$n" -eq 30 ] || fail "INPUT saw $n packets, not the 30 first ones"
	echo 0 >/sys/kernel/fnat/fast_path
	n=$(fast_path_round 32 24100-24109)
	echo "fast_path 0: INPUT saw $n packets"
	# A TCP connection sends at least SYN, ACK, data and FIN to the VIP.
	[ "$n" -ge 90 ] || fail "INPUT saw $n packets with fast_path 0, not every one"
	echo 1 >/sys/kernel/fnat/fast_path
	must_fail "Invalid argument" sh -c "echo 2 >/sys/kernel/fnat/fast_path"
	expect_output 1 cat /sys/kernel/fnat/fast_path
	must ip netns exec director iptables -F INPUT
	lb -e -t "$VIP:$PORT" -r "$RIP2:$PORT" "$LB_FWD" -w 0
}

# check_tun_pmtu: a router beyond the director with a smaller MTU answers
# the director's encapsulated packets with frag-needed; the director relays
# it to the client (MTU less the outer header) and checks later packets
# against it, so the transfers complete.
check_tun_pmtu() {
	local out
	step "tun: the router's side towards the real servers has MTU 1300: the client learns 1280"
	must ip -n router link set eth1 mtu 1300
	must ip -n client route flush cache
	# The director's frag-needed to the client is rate limited (per host,
	# icmp_ratelimit) after the steps before: a lost one costs the client
	# a retransmission timeout or two before it learns the MTU.
	out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 4 --bytes 20000 --seed 18 \
		--timeout-ms $((15000 * SLOWDOWN)))
	echo "$out"
	[[ "$out" == *"result: 4 ok, 0 failed"* ]] || fail "not 4 ok: $out"
	out=$(ip -n client route get "$VIP")
	echo "$out"
	[[ "$out" == *"mtu 1280"* ]] || fail "the client did not learn path MTU 1280: $out"
	must ip -n router link set eth1 mtu 1500
	must ip -n client route flush cache
}

mode_extra() {
	check_fast_path "$1"
	[ "$1" != nat ] || check_conntrack
	check_counters "$1"
	check_expiry "$1"
	[ "$1" != nat ] || check_port_reuse
	[ "$1" != nat ] || check_frag_needed
	[ "$1" != nat ] || check_icmp_error
	check_garbage "$1"
	# Last: the dest keeps the MTU it learnt for 10 minutes.
	[ "$1" != tun ] || check_tun_pmtu
}

run_all_modes
