# shellcheck shell=bash disable=SC2034 # the topology variables are for the scenarios
# tests/e2e/_topo6.sh: IPv6 versions of _topo.sh's networks, sourced after
# lib.sh and _topo.sh (whose helpers it uses):
#
#   topo6_nat | topo6_dr | topo6_tun | topo6_fullnat
#
# Same namespaces and roles as the IPv4 ones; addresses from 2001:db8::/32.
# The VIP, 2001:db8:100::1, is outside every on-link prefix and reached
# through a route: ND answers only for the receiving interface's own
# addresses, so a VIP inside the client's prefix on another interface (lo,
# tunnels) would never be found. Addresses are added with nodad, so they
# work at once. After topo6_*: VIP, RIP1, RIP2, CLIENT as in _topo.sh, and
# VIPP, RIP1P, RIP2P: the same with the port, in brackets ([addr]:port).
# topo6_fullnat also gives LIP1, LIP2 (IPv6) and, for FULLNAT 6->4, the
# real servers' IPv4 addresses RIP1_4, RIP2_4, the IPv4 local address
# LIP4 and PORT4, the port of the IPv4-only servers.
#
# On rs1 and rs2 fnat-traffic serves TCP and UDP on [::]:PORT (IPv6 only:
# the kernel's default bindv6only is 0, so the socket takes IPv4 too, but
# nothing IPv4 reaches it except in topo6_fullnat, where 0.0.0.0:PORT4 has
# its own server, "rsN-v4", to be an IPv4-only real server).

VIPP='' RIP1P='' RIP2P='' RIP1_4='' RIP2_4='' LIP4='' PORT4=8080

# _topo6_addr NS IF ADDR/LEN: an IPv6 address without duplicate detection.
_topo6_addr() {
	must ip -n "$1" addr add "$3" dev "$2" nodad
}

# _topo6_ping NS ADDR...: NS reaches each ADDR (ND filled).
_topo6_ping() {
	local ns=$1 a
	shift
	for a in "$@"; do
		must ip netns exec "$ns" ping -6 -q -c 1 -w 5 "$a" >/dev/null
	done
}

_topo6_vars() {
	VIPP="[$VIP]:$PORT" RIP1P="[$RIP1]:$PORT" RIP2P="[$RIP2]:$PORT"
}

# _topo6_serve [v4]: fnat-traffic on rs1 and rs2 on [::]:PORT, and with v4
# an IPv4-only one on 0.0.0.0:PORT4 named rsN-v4 as well.
_topo6_serve() {
	local n
	_topo_serve_pids=()
	for n in rs1 rs2; do
		ip netns exec "$n" fnat-traffic serve --tcp "[::]:$PORT" --udp "[::]:$PORT" --name "$n" \
			--max-seconds $((400 * SLOWDOWN)) >"$LIB_TMP/$n.out" 2>&1 &
		_topo_serve_pids+=($!)
	done
	if [ "${1:-}" = v4 ]; then
		for n in rs1 rs2; do
			ip netns exec "$n" fnat-traffic serve --tcp "0.0.0.0:$PORT4" --udp "0.0.0.0:$PORT4" \
				--name "$n-v4" --peer-from toa --max-seconds $((400 * SLOWDOWN)) >"$LIB_TMP/$n-v4.out" 2>&1 &
			_topo6_v4_pids+=($!)
		done
	fi
	for n in rs1 rs2; do
		wait_until 10 grep -q "^listening udp \[::\]:$PORT\$" "$LIB_TMP/$n.out"
		[ "${1:-}" != v4 ] || wait_until 10 grep -q "^listening udp 0.0.0.0:$PORT4\$" "$LIB_TMP/$n-v4.out"
	done
}
_topo6_v4_pids=()

# topo6_down: as topo_down, and the IPv4-only servers go too.
topo6_down() {
	local pid
	for pid in "${_topo6_v4_pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" || true
	done
	_topo6_v4_pids=()
	topo_down
}

# _topo6_begin NAME NS...: _topo_begin, and IPv6 forwarding off everywhere
# unless a topology turns it on.
_topo6_begin() {
	_topo_begin "$@"
	local ns
	shift
	for ns in "$@"; do
		_topo_sysctl "$ns" net.ipv6.conf.all.forwarding=0 net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.all.accept_dad=0
	done
}

# _topo6_front: the client and the director's eth0 on a veth pair, the
# client's default route via the director, the VIP on eth0, and br0 for
# the real servers' side.
_topo6_front() {
	_topo6_vars
	_topo_link client eth0 director eth0
	_topo6_addr client eth0 $CLIENT/64
	_topo6_addr director eth0 2001:db8:1::1/64
	_topo6_addr director eth0 $VIP/128
	must ip -n client -6 route add default via 2001:db8:1::1
	_topo_bridge br0
}

# topo6_nat: as topo_nat. client 2001:db8:1::2/64 (default via the
# director's 2001:db8:1::1); director eth1 2001:db8:2::1/64; rs1 and rs2
# 2001:db8:2::11 and ::12, default via the director. VIP on the director's
# eth0 (/128). Director forwarding on.
topo6_nat() {
	_topo6_begin nat6 client director switch rs1 rs2
	CLIENT=2001:db8:1::2 VIP=2001:db8:100::1 RIP1=2001:db8:2::11 RIP2=2001:db8:2::12 LB_FWD=-m
	_topo6_front
	_topo_port br0 director eth1
	_topo6_addr director eth1 2001:db8:2::1/64
	_topo_port br0 rs1 eth0
	_topo6_addr rs1 eth0 $RIP1/64
	_topo_port br0 rs2 eth0
	_topo6_addr rs2 eth0 $RIP2/64
	must ip -n rs1 -6 route add default via 2001:db8:2::1
	must ip -n rs2 -6 route add default via 2001:db8:2::1
	_topo_sysctl director net.ipv6.conf.all.forwarding=1
	_topo6_ping client 2001:db8:1::1 $VIP
	_topo6_ping director $RIP1 $RIP2
	_topo6_serve
}

# topo6_dr: as topo_dr: one segment 2001:db8:1::/64; the VIP on the
# director's eth0 and on the real servers' lo (/128), where nothing
# answers ND for it (ND is only answered for the receiving interface's
# addresses). The client routes the VIP via the director; the real servers
# answer the client directly from the VIP.
topo6_dr() {
	_topo6_begin dr6 client director switch rs1 rs2
	CLIENT=2001:db8:1::2 VIP=2001:db8:100::1 RIP1=2001:db8:1::11 RIP2=2001:db8:1::12 LB_FWD=-g
	_topo6_vars
	_topo_bridge br0
	_topo_port br0 client eth0
	_topo6_addr client eth0 $CLIENT/64
	_topo_port br0 director eth0
	_topo6_addr director eth0 2001:db8:1::1/64
	_topo6_addr director eth0 $VIP/128
	_topo_port br0 rs1 eth0
	_topo6_addr rs1 eth0 $RIP1/64
	_topo_port br0 rs2 eth0
	_topo6_addr rs2 eth0 $RIP2/64
	must ip -n client -6 route add $VIP/128 via 2001:db8:1::1
	_topo_sysctl director net.ipv6.conf.all.forwarding=1
	local rs
	for rs in rs1 rs2; do
		_topo6_addr $rs lo $VIP/128
	done
	_topo6_ping client 2001:db8:1::1 $RIP1 $RIP2 $VIP
	_topo6_ping director $RIP1 $RIP2
	_topo6_serve
}

# topo6_tun: as topo_tun, over ip6ip6: the real servers in 2001:db8:5::/64
# behind a router; the director encapsulates to them; they decapsulate on
# ip6tnl0 (the ip6_tunnel module's fallback device, which takes ip6ip6 for
# any local address), hold the VIP on lo and answer the client through the
# router. Needs the ip6_tunnel module.
topo6_tun() {
	must modprobe ip6_tunnel
	_topo6_begin tun6 client director router switch rs1 rs2
	CLIENT=2001:db8:1::2 VIP=2001:db8:100::1 RIP1=2001:db8:5::11 RIP2=2001:db8:5::12 LB_FWD=-i
	_topo6_vars
	_topo_bridge br0
	_topo_bridge br1
	_topo_port br0 client eth0
	_topo6_addr client eth0 $CLIENT/64
	_topo_port br0 director eth0
	_topo6_addr director eth0 2001:db8:1::1/64
	_topo6_addr director eth0 $VIP/128
	_topo_port br0 router eth0
	_topo6_addr router eth0 2001:db8:1::fe/64
	_topo_port br1 router eth1
	_topo6_addr router eth1 2001:db8:5::1/64
	_topo_port br1 rs1 eth0
	_topo6_addr rs1 eth0 $RIP1/64
	_topo_port br1 rs2 eth0
	_topo6_addr rs2 eth0 $RIP2/64
	_topo_sysctl router net.ipv6.conf.all.forwarding=1
	must ip -n client -6 route add default via 2001:db8:1::fe
	must ip -n client -6 route add $VIP/128 via 2001:db8:1::1
	must ip -n director -6 route add 2001:db8:5::/64 via 2001:db8:1::fe
	local rs
	for rs in rs1 rs2; do
		must ip -n $rs -6 route add default via 2001:db8:5::1
		must ip -n $rs link set ip6tnl0 up
		_topo6_addr $rs lo $VIP/128
	done
	_topo6_ping client 2001:db8:1::1 2001:db8:1::fe $VIP
	_topo6_ping director $RIP1 $RIP2
	_topo6_ping rs1 $CLIENT
	_topo6_ping rs2 $CLIENT
	_topo6_serve
}

# topo6_fullnat: as topo_fullnat, dual stack behind the director. The
# client (IPv6 only) and the director's eth0 as in topo6_nat; the
# director's eth1 holds 2001:db8:6::1/64 and 10.0.6.1/24 and the local
# addresses LIP1, LIP2 (2001:db8:6::101, ::102) and LIP4 (10.0.6.101); rs1
# and rs2 hold 2001:db8:6::11/::12 and 10.0.6.11/.12, with no route to the
# client at all. No forwarding on the director.
topo6_fullnat() {
	_topo6_begin fullnat6 client director switch rs1 rs2
	CLIENT=2001:db8:1::2 VIP=2001:db8:100::1 RIP1=2001:db8:6::11 RIP2=2001:db8:6::12 LB_FWD=-b
	LIP1=2001:db8:6::101 LIP2=2001:db8:6::102 LIP4=10.0.6.101 RIP1_4=10.0.6.11 RIP2_4=10.0.6.12
	_topo6_front
	_topo_port br0 director eth1 10.0.6.1/24
	_topo6_addr director eth1 2001:db8:6::1/64
	_topo6_addr director eth1 $LIP1/64
	_topo6_addr director eth1 $LIP2/64
	must ip -n director addr add $LIP4/24 dev eth1
	_topo_port br0 rs1 eth0 $RIP1_4/24
	_topo6_addr rs1 eth0 $RIP1/64
	_topo_port br0 rs2 eth0 $RIP2_4/24
	_topo6_addr rs2 eth0 $RIP2/64
	_topo6_ping client 2001:db8:1::1 $VIP
	_topo6_ping director $RIP1 $RIP2
	_topo_ping director $RIP1_4 $RIP2_4
	_topo6_serve v4
}
