# shellcheck shell=bash disable=SC2034 # the topology variables are for the scenarios
# tests/e2e/_topo.sh: the test networks of the forwarding scenarios, sourced
# after lib.sh (the harness runs no `_*.sh` file as a scenario):
#
#   . "$(dirname "$0")/lib.sh"
#   . "$(dirname "$0")/_topo.sh"
#
# Four topologies, one for each forwarding method: the classic LVS ones as the
# seeds set them up (NAT, DR with arp_ignore/arp_announce, TUN over ipip). Each
# is built from network namespaces `client`, `director`, `rs1`, `rs2`, plus
# `switch` (the L2 segments: one bridge per segment, one veth pair per host
# port) and, for TUN, `router`. Only one topology is up at a time:
#
#   topo_nat | topo_dr | topo_tun | topo_fullnat
#                                   build it, start the real servers
#   topo_down                       stop the servers, delete the namespaces,
#                                   check that none is left
#
# After topo_*: VIP (the virtual address the client connects to), RIP1, RIP2
# (the real servers' addresses), CLIENT (the client's address), PORT (the TCP
# and UDP port of the service and of the real servers), TOPO (nat, dr, tun,
# fullnat); for FULLNAT also LIP1, LIP2 (the director's local addresses).
# On rs1 and rs2 `fnat-traffic serve --tcp PORT --udp PORT --name rsN` runs
# (output in $LIB_TMP/rsN.out) until topo_down or the end of the scenario;
# with TOPO_SERVE=http, busybox httpd serves a page saying rsN instead, and
# /cgi-bin/whoami saying which client address the server sees.
#
# The balancer is whatever $LB names (default ipvsadm; fnatadm takes the same
# arguments): `lb ARGS...` runs `$LB ARGS...` in the director namespace and
# must succeed; lb_load / lb_unload load and unload the kernel side. The
# scenario configures the service itself (the forwarding method flag -m/-g/-i/-b
# is the one thing that differs between topologies: $LB_FWD).

LB=${LB:-ipvsadm}
TOPO_SERVE=${TOPO_SERVE:-traffic}
PORT=80
CLIENT='' VIP='' RIP1='' RIP2='' LB_FWD='' LIP1='' LIP2='' # set by topo_*, read by the scenarios
_topo_ns=()
_topo_serve_pids=()
TOPO=

# lb ARGS...: the balancer's CLI in the director namespace; must succeed.
lb() {
	must ip netns exec director "$LB" "$@"
}

# lb_load: loads the balancer's modules (rr and wrr schedulers for IPVS).
lb_load() {
	case $LB in
	ipvsadm)
		# nf_conntrack and nf_defrag_ipv4/6 come in as ip_vs's dependencies.
		must modprobe ip_vs
		must modprobe ip_vs_rr
		must modprobe ip_vs_wrr
		;;
	fnatadm) must modprobe fnat ;;
	*) fail "LB=$LB: unknown balancer" ;;
	esac
}

# lb_unload: unloads what lb_load loaded. A scheduler stays referenced until
# the last service using it is gone, and a deleted namespace goes away in the
# background: retry for a few seconds.
lb_unload() {
	local m mods
	case $LB in
	ipvsadm) mods="ip_vs_wrr ip_vs_rr ip_vs" ;;
	fnatadm) mods="fnat" ;;
	esac
	for m in $mods; do
		grep -q "^$m " /proc/modules || continue
		wait_until 10 rmmod "$m"
	done
	for m in $mods; do
		! grep -q "^$m " /proc/modules || fail "module $m still loaded"
	done
}

# _topo_sysctl NS KEY=VALUE...: sets net sysctls in namespace NS (KEY in
# dotted form, e.g. net.ipv4.ip_forward; no interface name has a dot here).
_topo_sysctl() {
	local ns=$1 kv key script=
	shift
	for kv in "$@"; do
		key=${kv%%=*}
		script+="echo '${kv#*=}' >/proc/sys/${key//.//} && "
	done
	must ip netns exec "$ns" sh -c "${script}true" # one process: forks are slow under TCG
}

# _topo_begin NAME NS...: starts topology NAME in fresh namespaces.
_topo_begin() {
	[ -z "$TOPO" ] || fail "topology $TOPO is still up"
	netns_assert_none
	TOPO=$1
	shift
	_topo_ns=("$@")
	netns_add "$@"
	# Nothing here relies on the kernel's defaults for these (a new namespace
	# inherits the initial namespace's ipv4 conf): no reverse-path filter
	# unless a topology wants one, no forwarding unless it asks.
	local ns
	for ns in "$@"; do
		_topo_sysctl "$ns" net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
			net.ipv4.ip_forward=0
	done
}

# _topo_link NS1 IF1 NS2 IF2: a veth pair NS1:IF1 <-> NS2:IF2, both up.
_topo_link() {
	must ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
	must ip -n "$1" link set "$2" up
	must ip -n "$3" link set "$4" up
}

# _topo_bridge BR: a bridge in the switch namespace (no STP: ports forward at once).
_topo_bridge() {
	must ip -n switch link add "$1" type bridge stp_state 0
	must ip -n switch link set "$1" up
}

# _topo_port BR NS IF [ADDR/LEN]: host NS joins bridge BR through its IF
# (switch side: BR-NS, e.g. br0-rs1), with address ADDR/LEN if given.
_topo_port() {
	local br=$1 ns=$2 ifn=$3 addr=${4:-}
	_topo_link "$ns" "$ifn" switch "$br-$ns"
	must ip -n switch link set "$br-$ns" master "$br"
	[ -z "$addr" ] || must ip -n "$ns" addr add "$addr" dev "$ifn"
}

# _topo_ping NS ADDR...: NS reaches each ADDR (fills the ARP caches as well):
# one echo reply within 5 s (ping retries each second until then).
_topo_ping() {
	local ns=$1 a
	shift
	for a in "$@"; do
		must ip netns exec "$ns" ping -q -c 1 -w 5 "$a" >/dev/null
	done
}

# _topo_listening NS: something in NS listens on TCP port PORT.
_topo_listening() {
	ip netns exec "$1" ss -Htln "( sport = :$PORT )" | grep -q .
}

# _topo_serve: fnat-traffic serve on rs1 and rs2, TCP and UDP PORT, named rs1/rs2
# (or, with TOPO_SERVE=http, a web server whose page says rs1/rs2).
_topo_serve() {
	local n
	_topo_serve_pids=()
	if [ "$TOPO_SERVE" = http ]; then
		for n in rs1 rs2; do
			mkdir -p "$LIB_TMP/www-$n/cgi-bin"
			echo "$n" >"$LIB_TMP/www-$n/index.html"
			# /cgi-bin/whoami: the client address the server's socket reports.
			cat >"$LIB_TMP/www-$n/cgi-bin/whoami" <<-EOF
				#!/bin/sh
				printf 'Content-Type: text/plain\r\n\r\n'
				echo "$n sees client \$REMOTE_ADDR:\$REMOTE_PORT"
			EOF
			chmod +x "$LIB_TMP/www-$n/cgi-bin/whoami"
			ip netns exec "$n" busybox httpd -f -p "$PORT" -h "$LIB_TMP/www-$n" &
			_topo_serve_pids+=($!)
		done
		for n in rs1 rs2; do
			wait_until 10 _topo_listening "$n"
		done
		return
	fi
	for n in rs1 rs2; do
		# Started with ip netns exec, not in_ns: a function would run in a
		# subshell (see traffic_selftest.sh).
		ip netns exec "$n" fnat-traffic serve --tcp "$PORT" --udp "$PORT" --name "$n" \
			--max-seconds $((250 * SLOWDOWN)) >"$LIB_TMP/$n.out" 2>&1 &
		_topo_serve_pids+=($!)
	done
	for n in rs1 rs2; do
		wait_until 10 grep -q "^listening udp 0.0.0.0:$PORT\$" "$LIB_TMP/$n.out"
		expect_contains "listening tcp 0.0.0.0:$PORT" cat "$LIB_TMP/$n.out"
	done
}

# topo_down: stops the real servers (each must report 0 errors), deletes the
# topology's namespaces and checks that no namespace is left.
topo_down() {
	local i n rc out
	[ -n "$TOPO" ] || fail "no topology is up"
	for i in "${!_topo_serve_pids[@]}"; do
		kill -TERM "${_topo_serve_pids[i]}" 2>/dev/null || true
	done
	for i in "${!_topo_serve_pids[@]}"; do
		n=rs$((i + 1))
		if [ "$TOPO_SERVE" = http ]; then
			wait "${_topo_serve_pids[i]}" || true # httpd ends on SIGTERM
			continue
		fi
		rc=0
		wait "${_topo_serve_pids[i]}" || rc=$?
		out=$(<"$LIB_TMP/$n.out")
		[ "$rc" = 0 ] || fail "$n's server exited with status $rc: $out"
		[[ "$out" == *"stopped $n: tcp "*" connections (0 errors), udp "*" datagrams (0 errors)"* ]] ||
			fail "$n's server reported errors: $out"
		grep "^stopped $n: " <<<"$out"
	done
	_topo_serve_pids=()
	netns_del "${_topo_ns[@]}"
	_topo_ns=()
	netns_assert_none
	TOPO=
}

# topo_nat: LVS-NAT. The client and the director's outside interface share a
# segment (a veth pair); the real servers sit on a private segment behind the
# director and route everything through it, so their replies come back
# through the director to be de-NATed. ip_forward=1 on the director.
#
#     client                    director                         switch: br0
#   +-----------+          +------------------+              +------------+
#   | eth0      |  veth    | eth0 10.0.1.1/24 |              |            |
#   | 10.0.1.2  |----------| + VIP 10.0.1.100 |              |            |
#   | /24       |          | eth1 10.0.2.1/24 |--------------| br0-director|
#   +-----------+          +------------------+              | br0-rs1    |--+
#                            ip_forward=1                    | br0-rs2    |-+|
#                                                            +------------+ ||
#     rs1  eth0 10.0.2.11/24, default via 10.0.2.1  --------------------------+|
#     rs2  eth0 10.0.2.12/24, default via 10.0.2.1  ---------------------------+
#
# Service: $LB -A -t 10.0.1.100:80 -s rr; -a -r 10.0.2.1x:80 -m (LB_FWD=-m).
topo_nat() {
	_topo_begin nat client director switch rs1 rs2
	CLIENT=10.0.1.2 VIP=10.0.1.100 RIP1=10.0.2.11 RIP2=10.0.2.12 LB_FWD=-m
	_topo_link client eth0 director eth0
	must ip -n client addr add $CLIENT/24 dev eth0
	must ip -n director addr add 10.0.1.1/24 dev eth0
	must ip -n director addr add $VIP/24 dev eth0
	_topo_bridge br0
	_topo_port br0 director eth1 10.0.2.1/24
	_topo_port br0 rs1 eth0 $RIP1/24
	_topo_port br0 rs2 eth0 $RIP2/24
	must ip -n rs1 route add default via 10.0.2.1
	must ip -n rs2 route add default via 10.0.2.1
	_topo_sysctl director net.ipv4.ip_forward=1
	_topo_ping client 10.0.1.1 $VIP
	_topo_ping director $RIP1 $RIP2
	_topo_serve
}

# topo_dr: LVS-DR. Client, director and real servers on one L2 segment (one
# bridge), so the director forwards by rewriting only the destination MAC. The
# VIP is on the director's eth0 (/32, as the seeds' eth0:1) and on the real
# servers' lo (/32), where arp_ignore=1 and arp_announce=2 (all and lo) keep
# them from answering or announcing it: only the director answers ARP for the
# VIP. The real servers answer the client directly from the VIP.
# The director: ip_forward=1 and send_redirects=0, as the seeds.
#
#                             switch: br0
#        +--------------------------------------------------------+
#        | br0-client    br0-director      br0-rs1       br0-rs2    |
#        +-----+--------------+---------------+-------------+------+
#              |              |               |             |
#   client eth0 10.0.1.2/24   |     rs1 eth0 10.0.1.11/24   rs2 eth0 10.0.1.12/24
#                director eth0 10.0.1.1/24   lo 10.0.1.100/32   lo 10.0.1.100/32
#                     + VIP 10.0.1.100/32    arp_ignore=1, arp_announce=2
#
# Service: $LB -A -t 10.0.1.100:80 -s rr; -a -r 10.0.1.1x:80 -g (LB_FWD=-g).
topo_dr() {
	_topo_begin dr client director switch rs1 rs2
	CLIENT=10.0.1.2 VIP=10.0.1.100 RIP1=10.0.1.11 RIP2=10.0.1.12 LB_FWD=-g
	_topo_bridge br0
	_topo_port br0 client eth0 $CLIENT/24
	_topo_port br0 director eth0 10.0.1.1/24
	_topo_port br0 rs1 eth0 $RIP1/24
	_topo_port br0 rs2 eth0 $RIP2/24
	must ip -n director addr add $VIP/32 dev eth0
	_topo_sysctl director net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0 \
		net.ipv4.conf.default.send_redirects=0 net.ipv4.conf.eth0.send_redirects=0
	local rs
	for rs in rs1 rs2; do
		# Before the address: nothing gets a chance to answer for it.
		_topo_sysctl $rs net.ipv4.conf.lo.arp_ignore=1 net.ipv4.conf.lo.arp_announce=2 \
			net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
		must ip -n $rs addr add $VIP/32 dev lo
	done
	_topo_ping client 10.0.1.1 $RIP1 $RIP2
	_topo_ping director $RIP1 $RIP2
	# The client's ARP entry for the VIP must be the director's.
	_topo_ping client $VIP
	local dmac vmac
	dmac=$(must ip -n director -br link show eth0 | awk '{print $3}')
	vmac=$(must ip -n client neigh show $VIP dev eth0 | awk '{print $3}')
	[ "$vmac" = "$dmac" ] || fail "the client's ARP entry for the VIP is $vmac, not the director's $dmac"
	_topo_serve
}

# topo_tun: LVS-TUN over ipip. The real servers live in another L3 network
# behind a router; the director reaches them through the router and
# encapsulates (ipip) the client's packets to their addresses; they decapsulate
# on tunl0, which carries the VIP (/32), and answer the client from the VIP
# straight through the router, not through the director. As the seeds: VIP
# also on the director's tunl0 (the director answers ARP for it on eth0:
# arp_ignore=0 there), and on the real servers arp_ignore=1/arp_announce=2
# (all, tunl0) and rp_filter=0 (all, tunl0: the decapsulated packet comes in
# on tunl0 from a client routed through eth0). Needs the ipip module.
#
#                         switch: br0 (10.0.1.0/24)
#        +----------------------------------------------------+
#        | br0-client        br0-director         br0-router   |
#        +-----+-----------------+----------------------+-----+
#              |                 |                      |
#   client eth0 10.0.1.2/24   director eth0 10.0.1.1/24   router eth0 10.0.1.254/24
#   default via .254          tunl0 VIP 10.0.1.100/32    eth1 10.0.5.1/24
#                             10.0.5.0/24 via .254        ip_forward=1
#                                                               |
#                         switch: br1 (10.0.5.0/24)             |
#        +----------------------------------------------------+-+
#        | br1-router             br1-rs1            br1-rs2   |
#        +-------------------------+-------------------+-------+
#                                  |                   |
#                     rs1 eth0 10.0.5.11/24   rs2 eth0 10.0.5.12/24
#                     tunl0 10.0.1.100/32     tunl0 10.0.1.100/32
#                     default via 10.0.5.1    default via 10.0.5.1
#
# Encapsulated, a full-size TCP segment is 20 bytes over the path's MTU (1500):
# the director answers with ICMP "fragmentation needed" (MTU 1480) and the
# client lowers its path MTU to the VIP; a TUN balancer must do the same.
# Service: $LB -A -t 10.0.1.100:80 -s rr; -a -r 10.0.5.1x:80 -i (LB_FWD=-i).
topo_tun() {
	must modprobe ipip # tunl0 appears in every namespace
	_topo_begin tun client director router switch rs1 rs2
	CLIENT=10.0.1.2 VIP=10.0.1.100 RIP1=10.0.5.11 RIP2=10.0.5.12 LB_FWD=-i
	_topo_bridge br0
	_topo_bridge br1
	_topo_port br0 client eth0 $CLIENT/24
	_topo_port br0 director eth0 10.0.1.1/24
	_topo_port br0 router eth0 10.0.1.254/24
	_topo_port br1 router eth1 10.0.5.1/24
	_topo_port br1 rs1 eth0 $RIP1/24
	_topo_port br1 rs2 eth0 $RIP2/24
	_topo_sysctl router net.ipv4.ip_forward=1
	must ip -n client route add default via 10.0.1.254
	must ip -n director route add 10.0.5.0/24 via 10.0.1.254
	must ip -n director link set tunl0 up
	must ip -n director addr add $VIP/32 dev tunl0
	local rs
	for rs in rs1 rs2; do
		must ip -n $rs route add default via 10.0.5.1
		_topo_sysctl $rs net.ipv4.conf.tunl0.arp_ignore=1 net.ipv4.conf.tunl0.arp_announce=2 \
			net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
			net.ipv4.conf.tunl0.rp_filter=0 net.ipv4.conf.all.rp_filter=0
		must ip -n $rs link set tunl0 up
		must ip -n $rs addr add $VIP/32 dev tunl0
	done
	_topo_ping client 10.0.1.1 10.0.1.254 $VIP
	_topo_ping director $RIP1 $RIP2
	_topo_ping rs1 $CLIENT
	_topo_ping rs2 $CLIENT
	_topo_serve
}

# topo_fullnat: FULLNAT. The client and the director's outside interface
# share a segment; the real servers sit in another L3 network with no route
# to the client at all (no default route), reachable from the director's
# inside interface, which also holds the two local addresses LIP1 and LIP2
# the real servers see connections come from. No forwarding on the director.
#
#     client                    director                         switch: br0
#   +-----------+          +--------------------+            +------------+
#   | eth0      |  veth    | eth0 10.0.1.1/24   |            |            |
#   | 10.0.1.2  |----------|  + VIP 10.0.1.100  |            |            |
#   | /24       |          | eth1 10.0.6.1/24   |------------| br0-director|
#   +-----------+          |  + LIP 10.0.6.101  |            | br0-rs1    |--+
#                          |  + LIP 10.0.6.102  |            | br0-rs2    |-+|
#                          +--------------------+            +------------+ ||
#     rs1  eth0 10.0.6.11/24, no default route  -----------------------------+|
#     rs2  eth0 10.0.6.12/24, no default route  ------------------------------+
#
# Service: $LB -A -t 10.0.1.100:80 -s rr; -P -z 10.0.6.10x; -a -r 10.0.6.1x:80 -b.
topo_fullnat() {
	_topo_begin fullnat client director switch rs1 rs2
	CLIENT=10.0.1.2 VIP=10.0.1.100 RIP1=10.0.6.11 RIP2=10.0.6.12 LB_FWD=-b
	LIP1=10.0.6.101 LIP2=10.0.6.102
	_topo_link client eth0 director eth0
	must ip -n client addr add $CLIENT/24 dev eth0
	must ip -n director addr add 10.0.1.1/24 dev eth0
	must ip -n director addr add $VIP/24 dev eth0
	_topo_bridge br0
	_topo_port br0 director eth1 10.0.6.1/24
	must ip -n director addr add $LIP1/24 dev eth1
	must ip -n director addr add $LIP2/24 dev eth1
	_topo_port br0 rs1 eth0 $RIP1/24
	_topo_port br0 rs2 eth0 $RIP2/24
	_topo_ping client 10.0.1.1 $VIP
	_topo_ping director $RIP1 $RIP2
	_topo_serve
}
