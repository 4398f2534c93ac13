#!/bin/bash
# Lifecycle, the module: fnat unloads with everything it holds, at scale and
# under traffic, and comes back empty:
# - 100,000 UDP connections held through FULLNAT (one datagram from each of
#   100,000 flows, sources 10.1.0.0-3, from a raw socket), counted alike by
#   -L --drops, by -Lnc and by the fnat_conn slab cache; rmmod while the
#   -Lnc dump of them runs is refused as in use, and the dump completes;
#   then rmmod with them held: it returns within 60 s (the time is
#   printed), no fnat slab cache is left in /proc/slabinfo, the kernel logs
#   no warning, no "still has objects"/"Objects remaining"; reloaded, the
#   table is empty, and the same configuration carries traffic again;
# - rmmod under live traffic, in FULLNAT and then in NAT: two TCP streams, a
#   UDP flow and a UDP flood of 64 flows run through the director while a
#   reader dumps its table (-Lnc) in a loop; rmmod succeeds (or reports the
#   module in use while a dump holds it, and succeeds on a retry) and
#   leaves no fnat slab cache; the reader's next request fails cleanly
#   (exit status 1, "Is the fnat module loaded?"); the streams end with a
#   reset or a stall and the flow with silence, within their time limits,
#   and the flood ends on time; reloaded and configured again, connections
#   get through; the kernel log stays clean;
# - the director's namespace deleted while the sweep frees its 20,000
#   entries expiring together: no kernel warning (the namespace's flush waits
#   for a sweep that has taken one of its entries out and not yet given
#   back its count).
# Deletion under traffic and concurrent writers are lifecycle_config.sh's,
# session sync and namespace deletion lifecycle_sync.sh's.
#
# LIFECYCLE_PARTS=fill,rmmod (either; default both) runs only those parts,
# for a quicker round while developing.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
LB=fnatadm
# shellcheck source=_topo.sh
. "$(dirname "$0")/_topo.sh"
# shellcheck source=_lifecycle.sh
. "$(dirname "$0")/_lifecycle.sh"

FILL_FLOWS=$(scaled 100000)

PARTS=" $(cmdline_var LIFECYCLE_PARTS | tr ',' ' ') "
[ "$PARTS" != "  " ] || PARTS=" fill rmmod "
want() {
	[[ "$PARTS" == *" $1 "* ]]
}

# --- 100,000 connections, then rmmod -----------------------------------------------

# module_held: something holds a reference on fnat.
module_held() {
	[ "$(cat /sys/module/fnat/refcnt)" -gt 0 ]
}

part_fill() {
	local pass n prev t0 out lines objs i backlog dump
	step "fill: $FILL_FLOWS UDP connections through FULLNAT (raw flows from $FILL_NET/16)"
	lb --set 0 0 3600
	# Room for the bursts the director takes in while it creates entries
	# (the VM's default backlog of 1000 packets a CPU overflows).
	backlog=$(cat /proc/sys/net/core/netdev_max_backlog)
	on_exit "echo $backlog >/proc/sys/net/core/netdev_max_backlog"
	echo 20000 >/proc/sys/net/core/netdev_max_backlog
	t0=$(now_ms)
	for pass in 1 2 3; do
		out=$(fill "$FILL_FLOWS" 10000)
		# The last datagrams may still wait in the director's backlog:
		# until the count stops growing.
		n=0
		for ((i = 0; i < 20; i++)); do
			prev=$n
			n=$(conn_count)
			{ [ "$n" -lt "$FILL_FLOWS" ] && [ "$n" -gt "$prev" ]; } || break
			sleep 0.5
		done
		echo "pass $pass: $out; the director holds $n connections"
		# A director busy creating entries drops some datagrams: the
		# flows are sent again (those held are only refreshed).
		[ "$n" -lt "$FILL_FLOWS" ] || break
	done
	[ "$n" -ge "$FILL_FLOWS" ] || fail "only $n of $FILL_FLOWS flows held after 3 passes"
	echo "fill: $n connections held after $(($(now_ms) - t0)) ms"
	objs=$(fnat_slabs | awk '$1 == "fnat_conn" { print $2 }')
	echo "slab caches: $(fnat_slabs | tr '\n' ' ')"
	[ -n "$objs" ] || fail "no fnat_conn cache in /proc/slabinfo: $(fnat_slabs)"
	[ "$objs" -ge "$n" ] || fail "fnat_conn has $objs objects in use for $n connections"

	step "fill: rmmod while a dump of the $n entries holds the module: refused as in use"
	t0=$(now_ms)
	ip netns exec director fnatadm -Lnc >"$LIB_TMP/dump.out" 2>&1 &
	dump=$!
	# A dump in progress holds a reference on the module.
	wait_for 30 module_held
	must_fail "is in use" rmmod fnat
	echo "rmmod refused while the dump runs"
	wait "$dump" || fail "the dump failed: $(tail -n 3 "$LIB_TMP/dump.out")"
	lines=$(awk 'NR > 2' "$LIB_TMP/dump.out" | wc -l)
	echo "the dump (-Lnc) listed $lines entries in $(($(now_ms) - t0)) ms"
	[ "$lines" -eq "$n" ] || fail "-Lnc lists $lines entries, the count says $n"

	step "fill: rmmod with $n connections held"
	rmmod_fnat
	[ "$RMMOD_MS" -lt 60000 ] || fail "rmmod took $RMMOD_MS ms"
	echo "rmmod with $n connections held: $RMMOD_MS ms"
	kernel_clean "after rmmod with $n connections"

	step "fill: reloaded, the table is empty; configured again, traffic gets through"
	lb_load
	consistent 0
	expect_output "" ip netns exec director fnatadm -S -n
	expect_output "" ip netns exec director fnatadm -L --daemon
	echo "slab caches after the reload: $(fnat_slabs | tr '\n' ' ')"
	configure
	works 1
}

# --- rmmod under live traffic ------------------------------------------------------

# reader: dumps the director's table until $LIB_TMP/reader.stop exists (3000
# dumps at most); the number done goes to reader.count, the first failure
# (exit status and message) to reader.fail, and the loop stops there.
reader() {
	local i rc
	for ((i = 1; i <= 3000; i++)); do
		[ ! -e "$LIB_TMP/reader.stop" ] || return 0
		rc=0
		ip netns exec director fnatadm -Lnc >/dev/null 2>"$LIB_TMP/reader.err" || rc=$?
		if [ "$rc" != 0 ]; then
			echo "dump $i: exit status $rc: $(tr '\n' ' ' <"$LIB_TMP/reader.err")" >"$LIB_TMP/reader.fail"
			return 0
		fi
		echo "$i" >"$LIB_TMP/reader.count"
	done
}

part_rmmod() {
	local pr n
	step "rmmod under traffic ($TOPO): 2 TCP streams, a UDP flow, a UDP flood, a reader dumping"
	rm -f "$LIB_TMP/reader.stop" "$LIB_TMP/reader.fail" "$LIB_TMP/reader.count"
	stream_start s1 40 51
	stream_start s2 40 52
	flow_start f1 40 53
	ip netns exec client fnat-bench-udp --target "$VIP:$FILL_PORT" --flows 64 --size 64 \
		--duration 15 --pps-limit 3000 >"$LIB_TMP/flood.out" 2>&1 &
	PIDS[flood]=$!
	autoload off
	reader &
	pr=$!
	wait_for 30 test -s "$LIB_TMP/reader.count"
	# The streams, the flow and the flood's 64 flows.
	wait_for 30 count_at_least 67
	echo "the director holds $(conn_count) connections; streams from ports ${CPORT[s1]} and ${CPORT[s2]}"
	rmmod_fnat
	echo "rmmod under traffic ($TOPO): $RMMOD_MS ms"
	touch "$LIB_TMP/reader.stop"
	wait "$pr"
	n=$(cat "$LIB_TMP/reader.count")
	if [ -e "$LIB_TMP/reader.fail" ]; then
		echo "the reader dumped the table $n times, then: $(cat "$LIB_TMP/reader.fail")"
		grep -q "exit status 1: .*Is the fnat module loaded" "$LIB_TMP/reader.fail" ||
			fail "the reader did not fail cleanly: $(cat "$LIB_TMP/reader.fail")"
	else
		echo "the reader dumped the table $n times"
	fi
	# Packets to the VIP now reach the director's own stack: resets for
	# the streams, port unreachable for the flow.
	ended s1 failed 'reset|timeout'
	ended s2 failed 'reset|timeout'
	ended f1 failed 'timeout'
	wait "${PIDS[flood]}" || fail "the flood failed: $(cat "$LIB_TMP/flood.out")"
	tail -n 1 "$LIB_TMP/flood.out"
	kernel_clean "after rmmod under traffic ($TOPO)"
	autoload on

	step "rmmod under traffic ($TOPO): reloaded and configured again, traffic gets through"
	lb_load
	consistent 0
	configure
	works 61
}

# --- the director's namespace deleted while its entries are swept --------------------

# count_below N: the director holds fewer than N connections.
count_below() {
	[ "$(conn_count)" -lt "$1" ]
}

# part_netns_gc: 20,000 UDP entries (a tenth on the checking kernel)
# expiring within seconds of each other; once the sweep has begun freeing
# them (the count falls), the director's namespace goes: its flush must wait
# for the sweep, which holds entries it has unhashed but not yet uncounted
# (the caller deletes it: topo_down).
part_netns_gc() {
	local n flows expire
	flows=$(scaled 20000)
	# The checking kernel fills at a few hundred flows a second.
	expire=$((5 * SLOWDOWN))
	step "the director's namespace deleted while the sweep frees its $flows expiring entries"
	lb -C
	configure
	lb --set 0 0 "$expire"
	fill "$flows" 10000
	n=$(conn_count)
	echo "the director holds $n connections, expiring $expire s after their datagram"
	[ "$n" -ge $((flows * 3 / 4)) ] || fail "only $n of $flows flows held"
	wait_for 30 count_below "$n"
	echo "the sweep has begun: $(conn_count) left"
}

# --- the scenario -------------------------------------------------------------------

step "load fnat; the FULLNAT network; servers on $PORT and $VPORT"
echo "parts:$PARTS"
lb_load
topo_fullnat
victims_start
# The fill's sources, for the replies (the client drops them).
must ip -n director route add "$FILL_NET/16" via "$CLIENT"
configure
works 0
! want fill || part_fill
! want rmmod || part_rmmod
part_netns_gc
victims_stop
topo_down
kernel_clean "after the director's namespace went"
if want rmmod; then
	step "NAT: the network and the same services"
	topo_nat
	victims_start
	configure
	works 70
	part_rmmod
	victims_stop
	lb -C
	topo_down
fi

step "the last rmmod: no fnat slab cache, a clean kernel log"
rmmod_fnat
kernel_clean "at the end"
