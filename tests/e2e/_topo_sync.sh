# shellcheck shell=bash disable=SC2034 # the topology variables are for the scenario
# tests/e2e/_topo_sync.sh: the networks of fnat_sync.sh (session sync between
# directors), sourced after lib.sh and _topo.sh, whose helpers (_topo_begin,
# _topo_link, _topo_bridge, _topo_port, _topo_sysctl, _topo_ping, _topo_serve)
# and topo_down it uses.
#
#   sync_topo nat|dr|fullnat [dir3]   two (or three) directors with one front
#                                     and one back segment; the floating
#                                     addresses start on dir1
#   sync_topo_ecmp                    two active directors behind an ECMP router
#   sync_float_move FROM TO           failover: the floating addresses move
#   sync_down                         stops the control servers, then topo_down
#
# sync_topo, for MODE nat, dr and fullnat (switch: br0 front, br1 back):
#
#   client eth0 10.0.1.2/24 --------------- br0 ----------------------------+
#       |                    |                    |                         |
#   dir1 eth0 10.0.1.11  dir2 eth0 10.0.1.12  (dir3 eth0 10.0.1.13)   (dr: rs1 eth1
#   dir1 eth1 10.0.2.2   dir2 eth1 10.0.2.3   (dir3 eth1 10.0.2.4)     10.0.1.21,
#       |                    |                    |                    rs2 eth1
#   rs1 eth0 10.0.2.11, rs2 eth0 10.0.2.12 ------ br1 (the sync daemons'   10.0.1.22)
#                                                  segment, eth1 on the directors)
#
# The floating addresses (FLOAT: "ADDR/LEN IF" words), on the active director
# ($ACTIVE) only:
#   nat      VIP 10.0.1.100/24 on eth0 and the real servers' gateway
#            10.0.2.1/24 on eth1 (rs default via 10.0.2.1); ip_forward=1
#   dr       VIP 10.0.1.100/32 on eth0; the real servers hold the VIP on lo
#            (arp_ignore=1, arp_announce=2) and answer the client over a leg
#            of their own on the front segment (eth1); ip_forward=1,
#            send_redirects=0
#   fullnat  VIP 10.0.1.100/24 on eth0 and the local addresses LIP1
#            10.0.2.101/24, LIP2 10.0.2.102/24 on eth1; the real servers have
#            no route to the client; no forwarding
# Every director gets the same fnatadm configuration (sync_rules, loaded
# with fnatadm -R): a FULLNAT -P needs the LIPs local when it is given, so a
# standby director holds them on lo just while its rules load.
#
# sync_topo_ecmp (br0: the directors' segment, br1: back):
#
#   client eth0 10.0.1.2/24, default via .254
#     | veth
#   router eth0 10.0.1.254/24, eth1 10.0.3.254/24 (br0), eth2 10.0.2.254/24 (br1)
#     VIP 10.0.9.100/32 nexthop via 10.0.3.1 nexthop via 10.0.3.2
#     fib_multipath_hash_policy=1 (L4 hash), ip_forward=1
#   dir1 eth0 10.0.3.1/24, eth1 10.0.2.2/24; dir2 eth0 10.0.3.2/24, eth1 10.0.2.3/24
#     VIP on lo, default via 10.0.3.254, ip_forward=1, send_redirects=0
#   rs1 eth0 10.0.2.11/24, rs2 eth0 10.0.2.12/24: VIP on lo (arp_ignore=1,
#     arp_announce=2), default via 10.0.2.254 (DR: they answer the client
#     through the router, never through a director)
#
# Besides the servers on PORT (_topo_serve), in sync_topo rs1 and rs2 run
# "control" servers on CONTROL_PORT (8080, TCP and UDP, named rs1/rs2 as
# well) for checks that are meant to break connections: their errors are
# shown, not counted.

CONTROL_PORT=8080
DIRS=()      # the directors of the topology
FLOAT=()     # "ADDR/LEN IF" of each floating address
ACTIVE=      # the director that holds them
SYNC_MODE=   # nat, dr, fullnat or ecmp
_sync_control_pids=()

# lbn NS ARGS...: fnatadm in director NS; must succeed.
lbn() {
	local ns=$1
	shift
	must ip netns exec "$ns" fnatadm "$@"
}

# sync_rules: the -R input every director of the topology loads: TCP and UDP
# services on PORT and CONTROL_PORT over rs1 and rs2 (rr), with the LIPs for
# FULLNAT; for ecmp TCP PORT with mh hashing the client's port too.
sync_rules() {
	local p proto
	if [ "$SYNC_MODE" = ecmp ]; then
		echo "-A -t $VIP:$PORT -s mh -b mh-port"
		echo "-a -t $VIP:$PORT -r $RIP1:$PORT -g -w 1"
		echo "-a -t $VIP:$PORT -r $RIP2:$PORT -g -w 1"
		return
	fi
	for p in "$PORT" "$CONTROL_PORT"; do
		for proto in -t -u; do
			# SYNC_SYNPROXY=1: the TCP services with the SYN proxy.
			if [ "$proto" = -t ] && [ "${SYNC_SYNPROXY:-0}" = 1 ]; then
				echo "-A $proto $VIP:$p -s rr -j"
			else
				echo "-A $proto $VIP:$p -s rr"
			fi
			if [ "$SYNC_MODE" = fullnat ]; then
				echo "-P $proto $VIP:$p -z $LIP1"
				echo "-P $proto $VIP:$p -z $LIP2"
			fi
			echo "-a $proto $VIP:$p -r $RIP1:$p $LB_FWD -w 1"
			echo "-a $proto $VIP:$p -r $RIP2:$p $LB_FWD -w 1"
		done
	done
}

# _sync_configure: loads sync_rules into every director and checks that
# their saved tables (fnatadm -S) are the same.
_sync_configure() {
	local d rules first='' saved
	rules=$(sync_rules)
	for d in "${DIRS[@]}"; do
		if [ "$SYNC_MODE" = fullnat ] && [ "$d" != "$ACTIVE" ]; then
			must ip -n "$d" addr add "$LIP1/32" dev lo
			must ip -n "$d" addr add "$LIP2/32" dev lo
		fi
		must ip netns exec "$d" fnatadm -R <<<"$rules"
		if [ "$SYNC_MODE" = fullnat ] && [ "$d" != "$ACTIVE" ]; then
			must ip -n "$d" addr del "$LIP1/32" dev lo
			must ip -n "$d" addr del "$LIP2/32" dev lo
		fi
		saved=$(lbn "$d" -S -n)
		if [ -z "$first" ]; then
			first=$saved
			echo "$saved"
		elif [ "$saved" != "$first" ]; then
			fail "$d's table differs from ${DIRS[0]}'s: $(diff <(echo "$first") <(echo "$saved"))"
		fi
	done
}

# _sync_float_add NS: NS takes the floating addresses.
_sync_float_add() {
	local f addr ifn
	for f in "${FLOAT[@]}"; do
		read -r addr ifn <<<"$f"
		must ip -n "$1" addr add "$addr" dev "$ifn"
	done
	ACTIVE=$1
}

# sync_float_move FROM TO: failover. The floating addresses come up on TO,
# leave FROM, and the client and the real servers forget the neighbours
# they knew (FROM's MAC), so their next packet asks for the address again
# and reaches TO. One `ip -batch` per director and the flushes at once: the
# switch takes a few commands, not one per address.
sync_float_move() {
	local from=$1 to=$2 f addr ifn ns add='' del='' pids=() p
	[ "$from" = "$ACTIVE" ] || fail "the floating addresses are on $ACTIVE, not $from"
	for f in "${FLOAT[@]}"; do
		read -r addr ifn <<<"$f"
		add+="addr add $addr dev $ifn"$'\n'
		del+="addr del $addr dev $ifn"$'\n'
	done
	must ip -n "$to" -batch - <<<"$add"
	must ip -n "$from" -batch - <<<"$del"
	ACTIVE=$to
	for ns in client rs1 rs2; do
		ip -n "$ns" neigh flush dev eth0 &
		pids+=($!)
	done
	for p in "${pids[@]}"; do
		wait "$p" || fail "a neighbour flush failed"
	done
	echo "floating addresses moved from $from to $to: ${FLOAT[*]}"
}

# _sync_serve_control: the control servers on CONTROL_PORT.
_sync_serve_control() {
	local n
	_sync_control_pids=()
	for n in rs1 rs2; do
		ip netns exec "$n" fnat-traffic serve --tcp "$CONTROL_PORT" --udp "$CONTROL_PORT" \
			--name "$n" --max-seconds $((250 * SLOWDOWN)) --idle-seconds $((30 * SLOWDOWN)) >"$LIB_TMP/control-$n.out" 2>&1 &
		_sync_control_pids+=($!)
	done
	for n in rs1 rs2; do
		wait_until 10 grep -q "^listening udp 0.0.0.0:$CONTROL_PORT\$" "$LIB_TMP/control-$n.out"
	done
}

# sync_down: stops the control servers (what they report is shown, errors
# included: their connections were broken on purpose), then topo_down.
sync_down() {
	local i
	for i in "${!_sync_control_pids[@]}"; do
		kill -TERM "${_sync_control_pids[i]}" 2>/dev/null || true
		wait "${_sync_control_pids[i]}" || true
		grep "^stopped " "$LIB_TMP/control-rs$((i + 1)).out" | sed 's/^/control server: /' || true
	done
	_sync_control_pids=()
	topo_down
	DIRS=() FLOAT=() ACTIVE='' SYNC_MODE=''
}

# sync_topo MODE [dir3]: see above.
sync_topo() {
	local mode=$1 d i=1 rs
	DIRS=(dir1 dir2)
	[ "${2:-}" != dir3 ] || DIRS+=(dir3)
	SYNC_MODE=$mode
	_topo_begin "sync-$mode" client "${DIRS[@]}" switch rs1 rs2
	CLIENT=10.0.1.2 VIP=10.0.1.100 RIP1=10.0.2.11 RIP2=10.0.2.12 LIP1='' LIP2=''
	_topo_bridge br0
	_topo_bridge br1
	_topo_port br0 client eth0 "$CLIENT/24"
	for d in "${DIRS[@]}"; do
		_topo_port br0 "$d" eth0 "10.0.1.1$i/24"
		_topo_port br1 "$d" eth1 "10.0.2.$((i + 1))/24"
		i=$((i + 1))
	done
	_topo_port br1 rs1 eth0 "$RIP1/24"
	_topo_port br1 rs2 eth0 "$RIP2/24"
	case $mode in
	nat)
		LB_FWD=-m
		FLOAT=("$VIP/24 eth0" "10.0.2.1/24 eth1")
		for rs in rs1 rs2; do
			must ip -n "$rs" route add default via 10.0.2.1
		done
		for d in "${DIRS[@]}"; do
			_topo_sysctl "$d" net.ipv4.ip_forward=1
		done
		;;
	dr)
		LB_FWD=-g
		FLOAT=("$VIP/32 eth0")
		i=1
		for rs in rs1 rs2; do
			# Before the address: nothing gets a chance to answer for it.
			_topo_sysctl "$rs" net.ipv4.conf.lo.arp_ignore=1 net.ipv4.conf.lo.arp_announce=2 \
				net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
			must ip -n "$rs" addr add "$VIP/32" dev lo
			_topo_port br0 "$rs" eth1 "10.0.1.2$i/24"
			i=$((i + 1))
		done
		for d in "${DIRS[@]}"; do
			_topo_sysctl "$d" net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0 \
				net.ipv4.conf.default.send_redirects=0 net.ipv4.conf.eth0.send_redirects=0 \
				net.ipv4.conf.eth1.send_redirects=0
		done
		;;
	fullnat)
		LB_FWD=-b
		LIP1=10.0.2.101 LIP2=10.0.2.102
		FLOAT=("$VIP/24 eth0" "$LIP1/24 eth1" "$LIP2/24 eth1")
		;;
	*) fail "sync_topo: unknown mode $mode" ;;
	esac
	_sync_float_add dir1
	_sync_configure
	_topo_ping client "${DIRS[@]/#dir/10.0.1.1}" "$VIP"
	for d in "${DIRS[@]}"; do
		_topo_ping "$d" "$RIP1" "$RIP2"
	done
	_topo_serve
	_sync_serve_control
}

# sync_topo_ecmp: see above.
sync_topo_ecmp() {
	local d rs
	DIRS=(dir1 dir2)
	SYNC_MODE=ecmp
	_topo_begin sync-ecmp client router "${DIRS[@]}" switch rs1 rs2
	CLIENT=10.0.1.2 VIP=10.0.9.100 RIP1=10.0.2.11 RIP2=10.0.2.12 LIP1='' LIP2='' LB_FWD=-g
	FLOAT=()
	_topo_link client eth0 router eth0
	must ip -n client addr add "$CLIENT/24" dev eth0
	must ip -n client route add default via 10.0.1.254
	must ip -n router addr add 10.0.1.254/24 dev eth0
	_topo_bridge br0
	_topo_bridge br1
	_topo_port br0 router eth1 10.0.3.254/24
	_topo_port br1 router eth2 10.0.2.254/24
	_topo_port br0 dir1 eth0 10.0.3.1/24
	_topo_port br0 dir2 eth0 10.0.3.2/24
	_topo_port br1 dir1 eth1 10.0.2.2/24
	_topo_port br1 dir2 eth1 10.0.2.3/24
	_topo_port br1 rs1 eth0 "$RIP1/24"
	_topo_port br1 rs2 eth0 "$RIP2/24"
	_topo_sysctl router net.ipv4.ip_forward=1 net.ipv4.fib_multipath_hash_policy=1
	must ip -n router route add "$VIP/32" nexthop via 10.0.3.1 nexthop via 10.0.3.2
	for d in "${DIRS[@]}"; do
		must ip -n "$d" addr add "$VIP/32" dev lo
		must ip -n "$d" route add default via 10.0.3.254
		_topo_sysctl "$d" net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0 \
			net.ipv4.conf.default.send_redirects=0 net.ipv4.conf.eth0.send_redirects=0 \
			net.ipv4.conf.eth1.send_redirects=0
	done
	for rs in rs1 rs2; do
		_topo_sysctl "$rs" net.ipv4.conf.lo.arp_ignore=1 net.ipv4.conf.lo.arp_announce=2 \
			net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
		must ip -n "$rs" addr add "$VIP/32" dev lo
		must ip -n "$rs" route add default via 10.0.2.254
	done
	ACTIVE=dir1
	_sync_configure
	ACTIVE=
	_topo_ping client 10.0.3.1 10.0.3.2
	for d in "${DIRS[@]}"; do
		_topo_ping "$d" "$RIP1" "$RIP2" "$CLIENT"
	done
	_topo_ping rs1 "$CLIENT"
	_topo_ping rs2 "$CLIENT"
	_topo_serve
}
