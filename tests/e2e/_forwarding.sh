# shellcheck shell=bash disable=SC2154 # t0 and the topology variables
# tests/e2e/_forwarding.sh: the forwarding checks every balancer must pass,
# sourced after lib.sh, _topo.sh and _traffic.sh by ipvs_reference.sh (LB=ipvsadm, which
# proves the topologies and the checks) and fnat_forwarding.sh (LB=fnatadm).
#
# run_mode NAME builds topology NAME (nat, dr, tun), configures the services
# as the seeds do (-A -t VIP:PORT -s rr; -a -r RIP:PORT -m|-g|-i), then from
# the client: round robin over TCP and UDP (every byte echoed and checked),
# the client's own address seen by the real servers, wrr 3:1, and weight 0
# draining a server while its open connection finishes; run_all_modes runs
# the three. A scenario may define mode_extra NAME to run more checks in the
# topology before it goes.

# split OUT N1 N2: fnat-traffic's report OUT has no failure, rs1 answered N1
# exchanges and rs2 N2 (a count of 0 means "not listed"), each seeing the
# client's own address.
split() {
	local out=$1 n1=$2 n2=$3 total=$(($2 + $3)) i n
	[[ "$out" == *"failures: none"* ]] || fail "failures reported: $out"
	[[ "$out" == *"result: $total ok, 0 failed"* ]] || fail "not $total ok: $out"
	for i in 1 2; do
		n=$n1
		[ "$i" = 1 ] || n=$n2
		if [ "$n" = 0 ]; then
			[[ "$out" != *"server rs$i: "* ]] || fail "rs$i answered: $out"
		else
			[[ "$out" == *"server rs$i: $n answered, 0 failed, "*", peers $CLIENT, ports "* ]] ||
				fail "rs$i did not answer $n times from $CLIENT: $out"
		fi
	done
}

# lap TEXT: prints TEXT with the seconds since the mode started.
lap() {
	local now=${EPOCHREALTIME/./}
	printf '%s after %d.%01d s\n' "$1" $(((now - t0) / 1000000)) $(((now - t0) / 100000 % 10))
}

# run_mode NAME: the whole check in the topology that topo_NAME builds.
run_mode() {
	local mode=$1 out rs1 rs2 t0=${EPOCHREALTIME/./} hold_pid
	step "$mode: topology"
	"topo_$mode"
	echo "client $CLIENT, VIP $VIP:$PORT, rs1 $RIP1, rs2 $RIP2, forwarding $LB_FWD"
	lap "$mode: topology up"

	step "$mode: $LB services, as the seeds configure them"
	lb -C
	lb -A -t "$VIP:$PORT" -s rr
	lb -a -t "$VIP:$PORT" -r "$RIP1:$PORT" "$LB_FWD"
	lb -a -t "$VIP:$PORT" -r "$RIP2:$PORT" "$LB_FWD"
	lb -A -u "$VIP:$PORT" -s rr
	lb -a -u "$VIP:$PORT" -r "$RIP1:$PORT" "$LB_FWD"
	lb -a -u "$VIP:$PORT" -r "$RIP2:$PORT" "$LB_FWD"
	lb -Ln

	step "$mode: TCP, 100 exchanges of 5000 bytes: rr gives 50 to each"
	out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 100 --bytes 5000 --seed 1)
	echo "$out"
	split "$out" 50 50
	lap "$mode: TCP rr checked"

	step "$mode: UDP, 100 exchanges of 5000 bytes (fragmented): 50 to each"
	# A UDP flow is its source port: a random port drawn twice would be
	# one flow (same server) and spoil the count, so each gets its own.
	out=$(must in_ns client fnat-traffic connect --udp "$VIP:$PORT" --count 100 --bytes 5000 \
		--seed 2 --source-port-range 20000-20099)
	echo "$out"
	split "$out" 50 50
	lap "$mode: UDP rr checked"

	step "$mode: wrr 3:1 over 400 TCP connections: 300/100 within 5 %"
	lb -E -t "$VIP:$PORT" -s wrr
	lb -e -t "$VIP:$PORT" -r "$RIP1:$PORT" "$LB_FWD" -w 3
	lb -e -t "$VIP:$PORT" -r "$RIP2:$PORT" "$LB_FWD" -w 1
	out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 400 --bytes 100 \
		--parallel 4 --seed 3)
	echo "$out"
	rs1=$(answered "$out" rs1)
	rs2=$(answered "$out" rs2)
	[[ "$out" == *"result: 400 ok, 0 failed"* ]] || fail "not 400 ok: $out"
	if [ "$rs1" -lt 280 ] || [ "$rs1" -gt 320 ] || [ $((rs1 + rs2)) -ne 400 ]; then
		fail "wrr 3:1 split $rs1/$rs2, not 300/100 within 5 %"
	fi
	lap "$mode: wrr checked"

	step "$mode: weight 0 on rs2: its open connection finishes, new ones go to rs1"
	lb -E -t "$VIP:$PORT" -s rr
	lb -e -t "$VIP:$PORT" -r "$RIP1:$PORT" "$LB_FWD" -w 1
	lb -e -t "$VIP:$PORT" -r "$RIP2:$PORT" "$LB_FWD" -w 1
	# Two held connections at once: rr puts one on each server.
	ip netns exec client fnat-traffic connect --tcp "$VIP:$PORT" --count 2 --parallel 2 \
		--bytes 5000 --hold-ms $((6000 * SLOWDOWN)) --seed 4 >"$LIB_TMP/hold.out" 2>&1 &
	hold_pid=$!
	wait_until 10 established rs1 1
	wait_until 10 established rs2 1
	lb -e -t "$VIP:$PORT" -r "$RIP2:$PORT" "$LB_FWD" -w 0
	out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 20 --bytes 1000 --seed 5)
	echo "$out"
	split "$out" 20 0
	established rs2 1 || fail "rs2's held connection is gone before its time: $(ip netns exec rs2 ss -tn)"
	wait "$hold_pid" || fail "held connections failed: $(cat "$LIB_TMP/hold.out")"
	out=$(<"$LIB_TMP/hold.out")
	echo "$out"
	split "$out" 1 1
	lap "$mode: weight 0 checked"

	if declare -F mode_extra >/dev/null; then
		mode_extra "$mode"
		lap "$mode: extra checks"
	fi

	step "$mode: what $LB saw (for the record, not checked)"
	lb -Ln --stats
	out=$(lb -Lnc)
	head -n 12 <<<"$out"
	echo "($(($(wc -l <<<"$out") - 2)) connection entries in all)"
	lap "$mode: listings printed"

	step "$mode: clear and tear down"
	lb -C
	topo_down
	lap "$mode: torn down; the mode took all in all"
}

# run_all_modes: loads the balancer, runs NAT, DR and TUN, unloads it.
run_all_modes() {
	step "load $LB's modules"
	lb_load
	run_mode nat
	run_mode dr
	run_mode tun
	step "unload $LB's modules"
	lb_unload
	netns_assert_none
}
