#!/bin/bash
# IPv6 services, every forwarding method, in _topo6.sh's networks:
# - NAT, DR, TUN (ip6ip6) and FULLNAT 6->6: round robin over TCP and UDP,
#   every byte echoed and checked, UDP datagrams fragmented by the client;
#   the servers see the client (NAT, DR, TUN) or the IPv6 local addresses
#   (FULLNAT, and the client again through TOA kind 253 with fnat-toa);
#   -Lnc lists the connections in brackets; counters count them;
# - packet-too-big reaches the client when the real servers' side has the
#   minimum MTU (1280), and the transfers still complete; with TUN, from
#   a router beyond the director too;
# - FULLNAT 6->4: an IPv6 VIP in front of IPv4-only real servers, from an
#   IPv4 local address: TCP and UDP intact, the server's application learns
#   the client's IPv6 address through TOA (getsockopt FNAT_TOA_SO_PEER),
#   packet-too-big carries the IPv4 path's MTU plus 20, a server's
#   port-unreachable reaches the client as ICMPv6;
# - the mixes that make no sense are refused with a clear message;
# - save and restore give the same IPv6 configuration back.
# - sync: a backup director's table gets the IPv6 and 6->4 connections;
# - persistence with -M as an IPv6 prefix length.
# FNAT_IPV6_PARTS=nat,dr,tun,fullnat,nat64,sync on the kernel command line runs
# only those parts (default: all).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
LB=fnatadm
# shellcheck source=_topo.sh
. "$(dirname "$0")/_topo.sh"
# shellcheck source=_topo6.sh
. "$(dirname "$0")/_topo6.sh"
# shellcheck source=_traffic.sh
. "$(dirname "$0")/_traffic.sh"

PARTS=" $(cmdline_var FNAT_IPV6_PARTS | tr ',' ' ') "
[ "$PARTS" != "  " ] || PARTS=" nat dr tun fullnat nat64 sync "
part() { [[ "$PARTS" == *" $1 "* ]]; }

# peers_of OUT rsN: the peers rsN reported in OUT, one per line.
peers_of() {
	grep -o "server $2: .*, ports" <<<"$1" | sed 's/.*peers //; s/, ports$//; s/[, ]/\n/g' | grep .
}

# seen_from OUT ADDR...: rs1 and rs2 answered in OUT, each seeing only
# peers among ADDR...
seen_from() {
	local out=$1 n p a ok
	shift
	for n in rs1 rs2; do
		[[ "$out" == *"server $n: "* ]] || fail "$n did not answer: $out"
		for p in $(peers_of "$out" "$n"); do
			ok=
			for a in "$@"; do [ "$p" != "$a" ] || ok=1; done
			[ -n "$ok" ] || fail "$n saw peer $p, not one of $*: $out"
		done
	done
}

# rr_check MODE PEER...: TCP and UDP round robin, 50/50, peers among
# PEER... (UDP: among $UDP_PEERS if set; a datagram carries no TOA).
rr_check() {
	local mode=$1 out
	shift
	step "$mode: TCP, 100 exchanges of 5000 bytes over [VIP]:$PORT: rr gives 50 to each"
	out=$(must in_ns client fnat-traffic connect --tcp "$VIPP" --count 100 --bytes 5000 --seed 1)
	echo "$out"
	[[ "$out" == *"result: 100 ok, 0 failed"* ]] || fail "not 100 ok"
	[[ "$out" == *"server rs1: 50 answered, 0 failed"* && "$out" == *"server rs2: 50 answered, 0 failed"* ]] ||
		fail "rr did not split 50/50"
	seen_from "$out" "$@"
	step "$mode: UDP, 100 exchanges of 5000 bytes (fragmented by the client): 50 to each"
	out=$(must in_ns client fnat-traffic connect --udp "$VIPP" --count 100 --bytes 5000 --seed 2 \
		--source-port-range 20000-20099)
	echo "$out"
	[[ "$out" == *"result: 100 ok, 0 failed"* ]] || fail "not 100 ok"
	[[ "$out" == *"server rs1: 50 answered, 0 failed"* && "$out" == *"server rs2: 50 answered, 0 failed"* ]] ||
		fail "rr did not split 50/50"
	# shellcheck disable=SC2086 # a list
	seen_from "$out" ${UDP_PEERS:-$@}
}

# services FWD [ARGS...]: TCP and UDP [VIP]:PORT, rr, over rs1 and rs2.
services() {
	local proto fwd=$1
	shift
	lb -C
	for proto in -t -u; do
		lb -A "$proto" "$VIPP" -s rr
		[ "$fwd" != -b ] || lb -P "$proto" "$VIPP" -z "$LIP1"
		[ "$fwd" != -b ] || lb -P "$proto" "$VIPP" -z "$LIP2"
		lb -a "$proto" "$VIPP" -r "$RIP1P" "$fwd" "$@"
		lb -a "$proto" "$VIPP" -r "$RIP2P" "$fwd" "$@"
	done
	lb -Ln
}

# lnc_check: -Lnc lists a connection from the client to [VIP]:PORT.
lnc_check() {
	local out
	out=$(lb -Lnc)
	head -5 <<<"$out"
	[[ "$out" == *"[$CLIENT]:"*" $VIPP "* ]] || fail "-Lnc shows no connection from [$CLIENT] to $VIPP: $out"
}

# ptb_check MODE MTU: with the director's side towards the real servers at
# MTU 1280 (TUN: left at 1500, less the 40 bytes of the outer header), 4
# transfers of 20000 bytes complete and the client learns path MTU MTU from
# the director's packet-too-big.
ptb_check() {
	local mode=$1 mtu=$2 ns=director dev=eth1 out
	if [ "$mode" = tun ]; then
		step "$mode: encapsulated, full-size packets are 40 bytes too big: packet-too-big says $mtu"
		dev=eth0
	else
		step "$mode: the real servers' side has MTU 1280: packet-too-big reaches the client"
		must ip -n "$ns" link set "$dev" mtu 1280
	fi
	local before
	before=$(drops frag_needed)
	learns_mtu "$VIPP" "$mtu" 14
	# TUN: the client may have learnt it in rr_check's transfers already.
	[ "$mode" != tun ] || before=0
	[ "$(drops frag_needed)" -gt "$before" ] || fail "no frag_needed drop counted"
	must ip -n "$ns" link set "$dev" mtu 1500
	must ip -n client -6 route flush cache
}

# learns_mtu [VIP]:PORT MTU SEED: 4 TCP transfers of 20000 bytes complete
# and the client's route to the VIP has path MTU MTU.
learns_mtu() {
	local out
	out=$(must in_ns client fnat-traffic connect --tcp "$1" --count 4 --bytes 20000 --seed "$3")
	echo "$out"
	[[ "$out" == *"result: 4 ok, 0 failed"* ]] || fail "not 4 ok: $out"
	out=$(ip -n client -6 route get "$VIP")
	echo "$out"
	[[ "$out" == *"mtu $2"* ]] || fail "the client did not learn path MTU $2: $out"
}

# unreach_check MODE FWD [ARGS...]: a real server's ICMPv6 port-unreachable
# for UDP [VIP]:81 reaches the client about the datagram it sent.
unreach_check() {
	local mode=$1 fwd=$2 out
	shift 2
	step "$mode: a real server's port-unreachable reaches the client about its datagram"
	lb -A -u "[$VIP]:81" -s rr
	[ "$fwd" != -b ] || lb -P -u "[$VIP]:81" -z "$LIP1"
	lb -a -u "[$VIP]:81" -r "[$RIP1]:81" "$fwd"
	out=$(must in_ns client fnat-traffic connect --udp "[$VIP]:81" --count 1 --bytes 10 \
		--timeout-ms 3000 --allow-failures)
	echo "$out"
	[[ "$out" == *"refused 1"* ]] || fail "the client's socket saw no port-unreachable: $out"
	lb -D -u "[$VIP]:81"
}

# counters_check: 10 UDP flows of 100 bytes counted on the UDP service.
counters_check() {
	local mode=$1 out
	step "$mode: counters: 10 UDP exchanges are 10 connections, 10 packets in"
	lb -Z
	out=$(must in_ns client fnat-traffic connect --udp "$VIPP" --count 10 --bytes 100 --seed 11 \
		--source-port-range 21000-21009)
	[[ "$out" == *"result: 10 ok, 0 failed"* ]] || fail "not 10 ok: $out"
	out=$(lb -Ln --stats --exact -u "$VIPP")
	echo "$out"
	# A request: 40 IPv6 + 8 UDP + 24 header + 100 bytes = 172.
	[[ "$out" =~ UDP\ +\[$VIP\]:$PORT\ +10\ +10\ +[0-9]+\ +1720\  ]] ||
		fail "service counters are not 10 conns, 10 packets, 1720 bytes in"
}

# from_addr ADDR: the client's connections leave from ADDR (of its /64).
from_addr() {
	must ip -n client -6 route replace default via 2001:db8:1::1 src "$1"
}

# persist_servers SEED: 10 TCP exchanges from the client; prints the
# servers that answered, space-separated.
persist_servers() {
	local out
	out=$(must in_ns client fnat-traffic connect --tcp "$VIPP" --count 10 --bytes 100 --seed "$1")
	grep -o "server rs[12]: " <<<"$out" | cut -c8-10 | tr '\n' ' '
}

# persist_check: persistence with -M as an IPv6 prefix length: clients of
# one /64 share a server with -M 64, and do not with the default 128.
persist_check() {
	local a b
	step "nat: persistence -M 128: two addresses of the client's /64 get a server each"
	_topo6_addr client eth0 2001:db8:1::3/64
	lb -E -t "$VIPP" -s rr -p 60
	from_addr "$CLIENT"
	a=$(persist_servers 31)
	from_addr 2001:db8:1::3
	b=$(persist_servers 32)
	echo "from $CLIENT: $a; from 2001:db8:1::3: $b"
	[[ "$a" == "rs1 " || "$a" == "rs2 " ]] || fail "one address was not kept to one server: $a"
	[[ "$b" == "rs1 " || "$b" == "rs2 " ]] || fail "one address was not kept to one server: $b"
	[ "$a" != "$b" ] || fail "with -M 128 both addresses went to $a"
	step "nat: persistence -M 64: the whole /64 goes to one server"
	lb -E -t "$VIPP" -s rr -p 60 -M 64
	out=$(lb -Ln -t "$VIPP")
	[[ "$out" == *"persistent 60 mask 64"* ]] || fail "-Ln does not show mask 64: $out"
	lb -Z
	# Templates made with the old mask go with the service's edit; new ones
	# hold the /64.
	from_addr 2001:db8:1::3
	a=$(persist_servers 33)
	from_addr "$CLIENT"
	b=$(persist_servers 34)
	echo "from 2001:db8:1::3: $a; from $CLIENT: $b"
	out=$(lb -Lnc)
	grep "2001:db8:1::" <<<"$out" | grep -v ":[1-9][0-9]* " | head -3 || true
	[[ "$a" == "$b" && ( "$a" == "rs1 " || "$a" == "rs2 " ) ]] ||
		fail "with -M 64 the /64 did not stay on one server: $a / $b"
	[[ "$out" == *"[2001:db8:1::]:0 "* ]] || fail "-Lnc shows no /64 template: $out"
	from_addr "$CLIENT"
}

step "load fnat; fnat-toa on the real servers (kind 253 for IPv6 clients)"
lb_load
grep -q "^[^ ]* /sys/fs/cgroup cgroup2 " /proc/mounts || must mount -t cgroup2 none /sys/fs/cgroup
grep -q "^[^ ]* /sys/fs/bpf bpf " /proc/mounts || must mount -t bpf bpf /sys/fs/bpf

if part nat; then
	topo6_nat
	services -m
	rr_check nat "$CLIENT"
	lnc_check
	counters_check nat
	unreach_check nat -m
	ptb_check nat 1280
	step "nat: an IPv4 real server under an IPv6 service is refused"
	must_fail "Only FULLNAT (-b) can forward an IPv6 service to an IPv4 destination" \
		ip netns exec director fnatadm -a -t "$VIPP" -r 10.0.2.11:80 -m
	lb -A -t 10.0.1.100:80 -s rr
	must_fail "An IPv4 service cannot have IPv6 destinations" \
		ip netns exec director fnatadm -a -t 10.0.1.100:80 -r "$RIP1P" -m
	must_fail "An IPv4 service cannot have IPv6 local addresses" \
		ip netns exec director fnatadm -P -t 10.0.1.100:80 -z 2001:db8:2::1
	lb -D -t 10.0.1.100:80
	step "nat: -S and -R give the same IPv6 configuration back"
	saved=$(lb -S -n)
	echo "$saved"
	[[ "$saved" == *"-A -t $VIPP -s rr"* ]] || fail "-S lacks the IPv6 service: $saved"
	lb -C
	must ip netns exec director sh -c "echo '$saved' | fnatadm -R"
	[ "$(lb -S -n)" = "$saved" ] || fail "restored configuration differs: $(lb -S -n)"
	persist_check
	topo6_down
fi

if part dr; then
	topo6_dr
	services -g
	rr_check dr "$CLIENT"
	lnc_check
	topo6_down
fi

if part tun; then
	topo6_tun
	services -i
	rr_check tun "$CLIENT"
	lnc_check
	ptb_check tun 1460
	step "tun: the router's side towards the real servers has MTU 1400: the client learns 1360"
	must ip -n router link set eth1 mtu 1400
	must ip -n client -6 route flush cache
	learns_mtu "$VIPP" 1360 15
	topo6_down
fi

if part fullnat || part nat64 || part sync; then
	must fnat-toa attach
	on_exit "fnat-toa detach >/dev/null 2>&1 || true"
	topo6_fullnat
fi

if part fullnat; then
	services -b
	step "fullnat 6->6: the servers' application sees the client through TOA kind 253"
	ip netns exec rs1 tcpdump -Z root -n -l -v -c 1 -i eth0 'ip6 and tcp and ip6[53] & 2 != 0' \
		>"$LIB_TMP/syn.out" 2>&1 &
	dump=$!
	wait_until 10 grep -q "listening on" "$LIB_TMP/syn.out"
	UDP_PEERS="$LIP1 $LIP2" rr_check fullnat "$CLIENT"
	wait "$dump" || true
	out=$(<"$LIB_TMP/syn.out")
	echo "$out"
	[[ "$out" == *"$LIP1"* || "$out" == *"$LIP2"* ]] || fail "the SYN rs1 got did not come from a LIP"
	[[ "$out" =~ unknown-253 ]] || fail "no TOA kind 253 on the SYN at rs1"
	lnc_check
	step "fullnat 6->6: without fnat-toa the servers see the IPv6 local addresses"
	must fnat-toa detach
	out=$(must in_ns client fnat-traffic connect --tcp "$VIPP" --count 10 --bytes 100 --seed 9)
	echo "$out"
	seen_from "$out" "$LIP1" "$LIP2"
	must fnat-toa attach
	unreach_check fullnat -b
	ptb_check fullnat 1280
fi

if part nat64; then
	step "fullnat 6->4: an IPv6 VIP, IPv4-only real servers, an IPv4 local address"
	lb -C
	for proto in -t -u; do
		lb -A "$proto" "[$VIP]:$PORT4" -s rr
		lb -P "$proto" "[$VIP]:$PORT4" -z "$LIP1"
		must_fail "FULLNAT to an IPv4 destination needs an IPv4 local address" \
			ip netns exec director fnatadm -a "$proto" "[$VIP]:$PORT4" -r "$RIP1_4:$PORT4" -b
		lb -P "$proto" "[$VIP]:$PORT4" -z "$LIP4"
		lb -a "$proto" "[$VIP]:$PORT4" -r "$RIP1_4:$PORT4" -b
		lb -a "$proto" "[$VIP]:$PORT4" -r "$RIP2_4:$PORT4" -b
	done
	lb -Ln
	for proto in tcp udp; do
		out=$(must in_ns client fnat-traffic connect "--$proto" "[$VIP]:$PORT4" --count 100 --bytes 5000 \
			--seed 21 --source-port-range 30000-30099)
		echo "$out"
		[[ "$out" == *"result: 100 ok, 0 failed"* ]] || fail "$proto 6->4: not 100 ok"
		[[ "$out" == *"server rs1-v4: 50 answered, 0 failed"* &&
			"$out" == *"server rs2-v4: 50 answered, 0 failed"* ]] || fail "$proto 6->4: rr did not split 50/50"
	done
	step "fullnat 6->4: the IPv4 servers' application learns the IPv6 client through TOA"
	# rsN-v4 report peers from getsockopt(FNAT_TOA_SO_PEER); UDP has no TOA.
	out=$(must in_ns client fnat-traffic connect --tcp "[$VIP]:$PORT4" --count 10 --bytes 100 --seed 22)
	echo "$out"
	for n in rs1-v4 rs2-v4; do
		[[ "$out" == *"server $n: 5 answered, 0 failed"*"peers $CLIENT, ports"* ]] ||
			fail "$n did not see the IPv6 client through TOA: $out"
	done
	out=$(lb -Lnc)
	head -4 <<<"$out"
	[[ "$out" == *"[$CLIENT]:"*" [$VIP]:$PORT4 "*"$RIP1_4:$PORT4"* ||
		"$out" == *"[$CLIENT]:"*" [$VIP]:$PORT4 "*"$RIP2_4:$PORT4"* ]] ||
		fail "-Lnc does not show the 6->4 connections: $out"
	step "fullnat 6->4: with the IPv4 side at MTU 1400, packet-too-big says 1420"
	before=$(drops frag_needed)
	must ip -n director link set eth1 mtu 1400
	learns_mtu "[$VIP]:$PORT4" 1420 23
	[ "$(drops frag_needed)" -gt "$before" ] || fail "no frag_needed drop counted"
	must ip -n director link set eth1 mtu 1500
	step "fullnat 6->4: an IPv4 server's port-unreachable reaches the client as ICMPv6"
	lb -A -u "[$VIP]:81" -s rr
	lb -P -u "[$VIP]:81" -z "$LIP4"
	lb -a -u "[$VIP]:81" -r "$RIP1_4:81" -b
	out=$(must in_ns client fnat-traffic connect --udp "[$VIP]:81" --count 1 --bytes 10 \
		--timeout-ms 3000 --allow-failures)
	echo "$out"
	[[ "$out" == *"refused 1"* ]] || fail "the client's socket saw no port-unreachable: $out"
fi

if part sync; then
	step "sync: a backup director learns the IPv6 and 6->4 connections"
	# director2 shares only a sync link with the director; its copy of
	# the configuration lists the local addresses it would take over.
	netns_add director2
	_topo_link director sync0 director2 sync0
	must ip -n director addr add 192.168.77.1/24 dev sync0
	must ip -n director2 addr add 192.168.77.2/24 dev sync0
	lb -C
	for port in "$PORT" "$PORT4"; do
		lb -A -t "[$VIP]:$port" -s rr
		lb -P -t "[$VIP]:$port" -z "$LIP1"
		lb -P -t "[$VIP]:$port" -z "$LIP4"
	done
	lb -a -t "$VIPP" -r "$RIP1P" -b
	lb -a -t "[$VIP]:$PORT4" -r "$RIP1_4:$PORT4" -b
	saved=$(lb -S -n)
	must ip netns exec director2 sh -c "echo '$saved' | fnatadm -R"
	must ip netns exec director2 fnatadm --start-daemon backup --mcast-interface sync0
	lb --start-daemon master --mcast-interface sync0
	for port in "$PORT" "$PORT4"; do
		out=$(must in_ns client fnat-traffic connect --tcp "[$VIP]:$port" --count 5 --bytes 100 \
			--seed 41 --source-port-range 61000-61099)
		[[ "$out" == *"result: 5 ok, 0 failed"* ]] || fail "not 5 ok: $out"
	done
	# lnc_set NS: -Lnc's protocol, client, VIP and dest columns of this
	# step's connections (client ports 61000-61099, above the ephemeral
	# ports of the earlier steps' connections, which may still be listed),
	# sorted.
	lnc_set() {
		ip netns exec "$1" fnatadm -Lnc | awk 'NR > 2 && $4 ~ /\]:610[0-9][0-9]$/ { print $1, $4, $5, $6 }' |
			sort
	}
	synced() { [ "$(lnc_set director)" = "$(lnc_set director2)" ]; }
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		! synced || break
		sleep 0.5
	done
	synced || fail "the tables differ: master $(lnc_set director); backup $(lnc_set director2)
$(ip netns exec director fnatadm -L --daemon)
$(ip netns exec director2 fnatadm -L --daemon)"
	lnc_set director2
	[ "$(lnc_set director2 | grep -c "^TCP \[$CLIENT\]:61[0-9]* \[$VIP\]:$PORT \[$RIP1\]:$PORT\$")" = 5 ] ||
		fail "the backup lacks the 6->6 connections"
	[ "$(lnc_set director2 | grep -c "^TCP \[$CLIENT\]:61[0-9]* \[$VIP\]:$PORT4 $RIP1_4:$PORT4\$")" = 5 ] ||
		fail "the backup lacks the 6->4 connections"
	out=$(ip netns exec director2 fnatadm -L --daemon)
	echo "$out"
	lb --stop-daemon master
	netns_del director2
fi

if part fullnat || part nat64 || part sync; then
	topo6_down
fi
step "no WARN, no leak: unload with the namespaces gone"
lb_unload
! dmesg | grep -E "WARNING|BUG|leak" || fail "the kernel complained"
