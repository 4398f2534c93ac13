#!/bin/bash
# Lifecycle, the configuration: deleting what connections use, and many
# writers at once, leave fnat consistent, with nothing left behind:
# - deletion under traffic (FULLNAT), each from an empty table and back to
#   it after the timeouts; meanwhile the connection count (-L --drops)
#   equals -Lnc's entries and the ActiveConn + InActConn of the dests -Ln
#   lists (plus those a deleted dest still holds):
#   - a local address in use (-Q): the streams from it go on to the end,
#     new connections come from the other one (as fnatadm(8) says: its
#     connections drain);
#   - a dest with a live TCP stream and UDP flow, expire_nodest_conn 0: both
#     go on to the end on it, listed with it, new connections go to the
#     other dest;
#   - the same with expire_nodest_conn 1: their next packets are dropped and
#     counted (dest_deleted), their entries expire at once, the stream
#     stalls and the flow's next datagram reaches the other server;
#   - the service itself (-D) with two streams and a flow running: they go
#     on to the end, a new connection is refused;
# - concurrent writers in a namespace of their own: four writers each
#   cycling its own service, local addresses and FULLNAT dests through add,
#   edit and delete (restores of many cycles and single commands), one
#   clearing the table and restoring a rules file (-C, -R) over and over,
#   two readers listing it every way all the while: every listing exits 0,
#   a writer fails only with exit status 1 and fnatadm's message (the table
#   is cleared under it); then the four writers alone, 200 cycles each,
#   every request succeeding; each time the saved table (-S) and the local
#   addresses (-G) are exactly those of the same end state built alone in a
#   fresh namespace;
# - after each part the kernel log is clean; at the end rmmod leaves no
#   fnat slab cache.
#
# LIFECYCLE_PARTS=delete,writers (either; default both) runs only those
# parts, for a quicker round while developing.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
LB=fnatadm
# shellcheck source=_topo.sh
. "$(dirname "$0")/_topo.sh"
# shellcheck source=_traffic.sh
. "$(dirname "$0")/_traffic.sh"
# shellcheck source=_lifecycle.sh
. "$(dirname "$0")/_lifecycle.sh"

SYS=/sys/kernel/fnat

PARTS=" $(cmdline_var LIFECYCLE_PARTS | tr ',' ' ') "
[ "$PARTS" != "  " ] || PARTS=" delete writers "
want() {
	[[ "$PARTS" == *" $1 "* ]]
}

# seen_from OUT ADDR: every server that answered in connect report OUT saw
# only ADDR as the peer.
seen_from() {
	local peers
	peers=$(grep -o "server rs[12]: .*peers [0-9., ]*, ports" <<<"$1" | sed 's/.*peers //; s/, ports$//' |
		tr -d ' ' | tr ',' '\n' | sort -u)
	[ "$peers" = "$2" ] || fail "the servers saw peers $(echo "$peers" | tr '\n' ' '), not only $2: $1"
}
# rs_of ADDR:PORT: rs1 or rs2.
rs_of() {
	case ${1%:*} in
	"$RIP1") echo rs1 ;;
	"$RIP2") echo rs2 ;;
	*) fail "$1 is no real server" ;;
	esac
}

# --- deletion under traffic -------------------------------------------------------

part_delete() {
	local p1 p2 lip other out before dest fdest n s
	step "delete: a local address in use (-Q): its streams go on, new connections avoid it"
	drained
	stream_start s1 15 11
	stream_start s2 15 12
	stream_start s3 15 13
	stream_start s4 15 14
	consistent 4 4
	p1=${CPORT[s1]}
	lip=$(conn_field tcp "$p1" 4)
	lip=${lip%:*}
	if [ "$lip" = "$LIP1" ]; then other=$LIP2; else other=$LIP1; fi
	n=$(conns | awk -v l="$lip" '$4 ~ "^" l ":"' | wc -l)
	echo "stream s1 (port $p1) comes from $lip, as do $n of the 4; deleting it"
	lb -Q -t "$VIP:$VPORT" -z "$lip"
	[ "$(conns | awk -v l="$lip" '$4 ~ "^" l ":" && $6 == "ESTABLISHED"' | wc -l)" -eq "$n" ] ||
		fail "the $n streams from $lip are not listed: $(conns)"
	out=$(lb -G -t "$VIP:$VPORT")
	echo "$out"
	[[ "$out" != *"$lip"* ]] || fail "-G still lists $lip"
	out=$(connect tcp "$VPORT" 10 15)
	[[ "$out" == *"result: 10 ok, 0 failed"* ]] || fail "not 10 ok: $out"
	seen_from "$out" "$other"
	for s in s1 s2 s3 s4; do
		ended "$s" ok
	done
	drained
	lb -P -t "$VIP:$VPORT" -z "$lip"

	step "delete: a dest with a live stream and flow, expire_nodest_conn 0: both go on to the end"
	expect_output 0 cat "$SYS/expire_nodest_conn"
	stream_start s1 15 21
	flow_start f1 15 22
	p1=${CPORT[s1]} p2=${CPORT[f1]}
	dest=$(conn_field tcp "$p1" 5)
	fdest=$(conn_field udp "$p2" 5)
	echo "stream (port $p1) on $dest, flow (port $p2) on $fdest: both deleted"
	consistent 2 2
	lb -d -t "$VIP:$VPORT" -r "$dest"
	lb -d -u "$VIP:$VPORT" -r "$fdest"
	# The two connections hold dests that no service lists any more.
	consistent 2 0
	[ "$(conn_field tcp "$p1" 5)" = "$dest" ] || fail "the stream's entry left $dest: $(conns)"
	[ "$(conn_field udp "$p2" 5)" = "$fdest" ] || fail "the flow's entry left $fdest: $(conns)"
	out=$(connect tcp "$VPORT" 10 23)
	[[ "$out" == *"result: 10 ok, 0 failed"* ]] || fail "not 10 ok: $out"
	[[ "$out" != *"server $(rs_of "$dest"):"* ]] || fail "a new connection reached the deleted $dest: $out"
	ended s1 ok
	ended f1 ok
	grep -q "server $(rs_of "$fdest"), seen as" "$LIB_TMP/f1.out" || fail "the flow left $fdest"
	drained
	lb -a -t "$VIP:$VPORT" -r "$dest" "$LB_FWD"
	lb -a -u "$VIP:$VPORT" -r "$fdest" "$LB_FWD"

	step "delete: the same with expire_nodest_conn 1: dropped, expired, the flow moves"
	echo 1 >"$SYS/expire_nodest_conn"
	before=$(drops dest_deleted)
	stream_start s1 15 31
	flow_start f1 15 32
	p1=${CPORT[s1]} p2=${CPORT[f1]}
	dest=$(conn_field tcp "$p1" 5)
	fdest=$(conn_field udp "$p2" 5)
	echo "stream (port $p1) on $dest, flow (port $p2) on $fdest: both deleted"
	consistent 2 2
	lb -d -t "$VIP:$VPORT" -r "$dest"
	lb -d -u "$VIP:$VPORT" -r "$fdest"
	ended s1 failed 'timeout|reset'
	ended f1 failed server-changed
	echo "dest_deleted: $before -> $(drops dest_deleted)"
	[ "$(drops dest_deleted)" -ge $((before + 2)) ] || fail "the dropped packets were not counted"
	[ -z "$(conns | awk -v c="$CLIENT:$p1" -v d="$dest" '$2 == c && $5 == d')" ] ||
		fail "the stream's entry to the deleted $dest is still listed: $(conns)"
	echo 0 >"$SYS/expire_nodest_conn"
	drained
	lb -a -t "$VIP:$VPORT" -r "$dest" "$LB_FWD"
	lb -a -u "$VIP:$VPORT" -r "$fdest" "$LB_FWD"

	step "delete: the service (-D) with two streams and a flow: they go on to the end"
	stream_start s1 15 41
	stream_start s2 15 42
	flow_start f1 15 43
	consistent 3 3
	lb -D -t "$VIP:$VPORT"
	lb -D -u "$VIP:$VPORT"
	consistent 3 0
	out=$(connect tcp "$VPORT" 1 44 --allow-failures --timeout-ms 2000)
	[[ "$out" == *"refused 1"* ]] || fail "a connection to the deleted service was not refused: $out"
	ended s1 ok
	ended s2 ok
	ended f1 ok
	drained
	for s in -t -u; do
		lb -A "$s" "$VIP:$VPORT" -s rr
		lb -P "$s" "$VIP:$VPORT" -z "$LIP1"
		lb -P "$s" "$VIP:$VPORT" -z "$LIP2"
		lb -a "$s" "$VIP:$VPORT" -r "$RIP1:$VPORT" "$LB_FWD"
		lb -a "$s" "$VIP:$VPORT" -r "$RIP2:$VPORT" "$LB_FWD"
	done
	kernel_clean "after the deletions"
}

# --- concurrent writers ---------------------------------------------------------

# The rules file the -C/-R writer restores: a FULLNAT service with two local
# addresses, a persistent NAT one, a UDP one.
RULES="-A -t 10.0.20.1:80 -s wlc
-P -t 10.0.20.1:80 -z 10.0.21.1
-P -t 10.0.20.1:80 -z 10.0.21.2
-a -t 10.0.20.1:80 -r 10.0.22.1:80 -b -w 1
-a -t 10.0.20.1:80 -r 10.0.22.2:80 -b -w 3
-A -t 10.0.20.2:443 -s sh -p 300
-a -t 10.0.20.2:443 -r 10.0.22.3:443 -m -w 1
-a -t 10.0.20.2:443 -r 10.0.22.4:443 -m -w 1
-A -u 10.0.20.3:53 -s rr
-a -u 10.0.20.3:53 -r 10.0.22.5:53 -m -w 2"

# writer_cycle I K: cycle K of writer I on its own service 10.0.7.I:80:
# the service, a local address and a FULLNAT dest added and taken away
# again; odd cycles delete the service with them, even ones first edit the
# dest, then delete it and the address one by one.
writer_cycle() {
	local i=$1 v="10.0.7.$1:80"
	echo "-A -t $v -s rr"
	echo "-P -t $v -z 10.0.8.$i"
	echo "-a -t $v -r 10.0.10.$i:80 -b -w 1"
	if (($2 % 2 == 0)); then
		echo "-e -t $v -r 10.0.10.$i:80 -b -w 3"
		echo "-d -t $v -r 10.0.10.$i:80"
		echo "-Q -t $v -z 10.0.8.$i"
	fi
	echo "-D -t $v"
}

# writer_keep I: writer I's last cycle, which leaves its service: scheduler
# wlc, local address 10.0.9.I, dest 10.0.11.I:80 of weight 2 (two of each
# added, one of each edited or deleted).
writer_keep() {
	local i=$1 v="10.0.7.$1:80"
	echo "-A -t $v -s rr"
	echo "-P -t $v -z 10.0.8.$i"
	echo "-P -t $v -z 10.0.9.$i"
	echo "-a -t $v -r 10.0.10.$i:80 -b -w 1"
	echo "-a -t $v -r 10.0.11.$i:80 -b -w 2"
	echo "-e -t $v -r 10.0.10.$i:80 -b -w 3"
	echo "-E -t $v -s wlc"
	echo "-d -t $v -r 10.0.10.$i:80"
	echo "-Q -t $v -z 10.0.8.$i"
}

# writer I ROUNDS CYCLES strict|tolerant: ROUNDS rounds, each one restore
# (-R) of CYCLES cycles and then one cycle of single commands (the last
# round's the keep cycle): ROUNDS * (CYCLES + 1) cycles. strict: every
# command must succeed; tolerant (the table is cleared under it): a command
# may fail, with exit status 1 and a message of fnatadm's. Failures go to
# $LIB_TMP/writerI.fail, the count of commands and failures to writerI.done.
writer() {
	local i=$1 rounds=$2 cycles=$3 mode=$4 r k keep=drop line rc cmds=0 fails=0
	local -a args
	: >"$LIB_TMP/writer$i.fail"
	for ((r = 1; r <= rounds; r++)); do
		[ "$r" != "$rounds" ] || keep=keep
		rc=0
		for ((k = 1; k <= cycles; k++)); do
			writer_cycle "$i" "$k"
		done | fnatadm -R 2>"$LIB_TMP/writer$i.err" || rc=$?
		cmds=$((cmds + 1))
		if [ "$rc" != 0 ]; then
			fails=$((fails + 1))
			echo "restore: exit status $rc: $(tr '\n' ' ' <"$LIB_TMP/writer$i.err")" >>"$LIB_TMP/writer$i.fail"
		fi
		while read -r line; do
			read -r -a args <<<"$line"
			rc=0
			fnatadm "${args[@]}" 2>"$LIB_TMP/writer$i.err" || rc=$?
			cmds=$((cmds + 1))
			if [ "$rc" != 0 ]; then
				fails=$((fails + 1))
				echo "$line: exit status $rc: $(tr '\n' ' ' <"$LIB_TMP/writer$i.err")" >>"$LIB_TMP/writer$i.fail"
			fi
		done < <(if [ "$keep" = keep ]; then writer_keep "$i"; else writer_cycle "$i" 2; fi)
	done
	echo "$cmds $fails" >"$LIB_TMP/writer$i.done"
	[ "$mode" = tolerant ] || [ "$fails" = 0 ]
}

# clear_restore N: N times fnatadm -C, then fnatadm -R of RULES; either may
# fail (exit status 1) when a writer's rollback re-created a service meanwhile.
clear_restore() {
	local k rc
	: >"$LIB_TMP/cr.fail"
	for ((k = 1; k <= $1; k++)); do
		rc=0
		fnatadm -C 2>"$LIB_TMP/cr.err" || rc=$?
		[ "$rc" = 0 ] || echo "-C: exit status $rc: $(tr '\n' ' ' <"$LIB_TMP/cr.err")" >>"$LIB_TMP/cr.fail"
		rc=0
		fnatadm -R <<<"$RULES" 2>"$LIB_TMP/cr.err" || rc=$?
		[ "$rc" = 0 ] || echo "-R: exit status $rc: $(tr '\n' ' ' <"$LIB_TMP/cr.err")" >>"$LIB_TMP/cr.fail"
	done
}

# listers N: lister N lists the table every way until $LIB_TMP/list.stop
# exists (1000 rounds at most); each listing must exit 0. The rounds done
# go to listN.done, a failure to listN.fail.
listers() {
	local r rc args
	for ((r = 1; r <= 1000; r++)); do
		[ ! -e "$LIB_TMP/list.stop" ] || break
		for args in "-Ln" "-S -n" "-G" "-Ln --stats --json" "-Lnc" "-Ln --persistent-conn"; do
			rc=0
			# shellcheck disable=SC2086 # args are words
			fnatadm $args >/dev/null 2>"$LIB_TMP/list$1.err" || rc=$?
			if [ "$rc" != 0 ]; then
				echo "fnatadm $args: exit status $rc: $(tr '\n' ' ' <"$LIB_TMP/list$1.err")" \
					>"$LIB_TMP/list$1.fail"
				return 1
			fi
		done
	done
	echo "$((r - 1))" >"$LIB_TMP/list$1.done"
}

# export for the loops below, which run inside the writers' namespace
export -f writer_cycle writer_keep writer clear_restore listers
export LIB_TMP RULES

# writers_round ROUNDS CYCLES MODE [CR]: the four writers (writer I ROUNDS
# CYCLES MODE) and two listers at once, and CR clear-and-restores when
# given; waits for the writers (120 s at most), then stops the listers, and
# checks how all of them ended.
writers_round() {
	local rounds=$1 cycles=$2 mode=$3 cr=${4:-0} i pids=() lpids=() p t0 rc c f bad
	rm -f "$LIB_TMP"/list.* "$LIB_TMP"/writer*.done "$LIB_TMP"/cr.*
	t0=$(now_ms)
	for i in 1 2; do
		ip netns exec writers bash -c "listers $i" &
		lpids+=($!)
	done
	for i in 1 2 3 4; do
		ip netns exec writers bash -c "writer $i $rounds $cycles $mode" &
		pids+=($!)
	done
	if [ "$cr" -gt 0 ]; then
		ip netns exec writers bash -c "clear_restore $cr" &
		pids+=($!)
	fi
	for p in "${pids[@]}"; do
		while kill -0 "$p" 2>/dev/null && [ "$(now_ms)" -lt $((t0 + 120000)) ]; do
			sleep 0.1
		done
		! kill -0 "$p" 2>/dev/null || fail "a writer still runs after 120 s"
		rc=0
		wait "$p" || rc=$?
		[ "$rc" = 0 ] || fail "a writer ended with status $rc: $(cat "$LIB_TMP"/writer*.fail)"
	done
	touch "$LIB_TMP/list.stop"
	for i in "${!lpids[@]}"; do
		wait "${lpids[i]}" || fail "a listing failed: $(cat "$LIB_TMP/list$((i + 1)).fail")"
	done
	echo "writers ($rounds rounds of $((cycles + 1)) cycles each, $mode$([ "$cr" = 0 ] || echo ", $cr clear-and-restores")):" \
		"$(($(now_ms) - t0)) ms; listers: $(cat "$LIB_TMP/list1.done") and $(cat "$LIB_TMP/list2.done") rounds"
	for i in 1 2 3 4; do
		read -r c f <"$LIB_TMP/writer$i.done"
		echo "writer $i: $c commands, $f failed"
		# A failure must be fnatadm's own message with exit status 1.
		bad=$(grep -Ev ": exit status 1: (fnatadm: |[A-Z])" "$LIB_TMP/writer$i.fail" || true)
		[ -z "$bad" ] || fail "writer $i failed otherwise: $bad"
	done
	if [ "$cr" -gt 0 ]; then
		echo "clear-and-restore: $(wc -l <"$LIB_TMP/cr.fail") of $((2 * cr)) commands failed"
		bad=$(grep -Ev ": exit status 1: (fnatadm: |[A-Z])" "$LIB_TMP/cr.fail" || true)
		[ -z "$bad" ] || fail "clear-and-restore failed otherwise: $bad"
		head -n 3 "$LIB_TMP/cr.fail"
	fi
	for i in 1 2 3 4; do
		head -n 2 "$LIB_TMP/writer$i.fail"
	done
}

# same_table: the writers' namespace holds what the reference namespace
# holds, by -S and -G, and no connection.
same_table() {
	local want got
	want=$(ip netns exec ref fnatadm -S -n)
	got=$(ip netns exec writers fnatadm -S -n)
	[ "$got" = "$want" ] || fail "the table is not as expected: $(diff <(echo "$want") <(echo "$got"))"
	want=$(ip netns exec ref fnatadm -G)
	got=$(ip netns exec writers fnatadm -G)
	[ "$got" = "$want" ] || fail "the local addresses are not as expected: $(diff <(echo "$want") <(echo "$got"))"
	got=$(ip netns exec writers fnatadm -L --drops | grep '^Connections:')
	[ "$got" = "Connections: 0" ] || fail "the writers' namespace has connections: $got"
	echo "$(ip netns exec writers fnatadm -S -n | grep -c '^-A') services as expected:"
	ip netns exec writers fnatadm -S -n | sed 's/^/  /'
}

part_writers() {
	local i
	step "writers: four writers, a clear-and-restore loop and listers in one namespace"
	netns_add writers ref
	writers_round 2 9 tolerant 8
	must ip netns exec writers fnatadm -R <<<"-C
$RULES"
	must ip netns exec ref fnatadm -R <<<"$RULES"
	same_table

	step "writers: the four writers alone, 200 cycles each, every request succeeding"
	writers_round 4 49 strict
	for i in 1 2 3 4; do
		writer_keep "$i"
	done | must ip netns exec ref fnatadm -R
	same_table
	netns_del writers ref
	kernel_clean "after the writers"
}

# --- the scenario -------------------------------------------------------------------

echo "parts:$PARTS"
if want delete; then
	step "load fnat; the FULLNAT network; servers on $PORT and $VPORT"
	lb_load
	topo_fullnat
	victims_start
	configure
	works 0
	part_delete
	victims_stop
	topo_down
fi
if want writers; then
	lb_load
	part_writers
fi

step "rmmod: no fnat slab cache, a clean kernel log"
rmmod_fnat
kernel_clean "at the end"
