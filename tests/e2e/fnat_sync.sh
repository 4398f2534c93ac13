#!/bin/bash
# Session sync between directors (fnatadm --start-daemon master|backup,
# include/uapi/fnat.h "Session sync"), in the networks of _topo_sync.sh:
# - failover, for NAT, DR and FULLNAT in turn: dir1 runs a master, dir2 a
#   backup (syncid 7); a byte-exact TCP stream and a UDP flow run through
#   dir1, its floating addresses (VIP; the real servers' gateway for NAT, the
#   LIPs for FULLNAT) move to dir2, and both connections go on to the end
#   without reset, stall or loss beyond the switch, the flow on one real
#   server; dir2 lists them (FULLNAT: with dir1's local address and port),
#   counts the records it applied and shows dir1 as a peer;
# - the control, with the daemons stopped: the same move resets or stalls
#   the stream (so the failover above is the sync's doing);
# - bulk resync: with connections held idle, a backup started on a director
#   that never saw them (dir3) lists them within seconds, without any new
#   traffic, and the master counts the bulk request; a restarted backup
#   (dir2) gets the table again;
# - a master of syncid 8, a master and a backup with different keys, and
#   garbage to 224.0.0.83:8849 from a real server are counted (syncid,
#   auth, short, bad_version, bad_length, bad_record) and applied nowhere:
#   the backup's records_applied stays and it lists no new connection; the
#   kernel logs no warning; matching keys work;
# - ECMP: a router spreads 200 connections over two active directors (each
#   master and backup of the other) with mh hashing the client's port; each
#   client port reaches the same real server through either director; when
#   a director leaves the route, the streams it carried go on through the
#   other.
#
# Without session sync in the module, run the rest alone with
#   tests/vm/run.sh --scenario fnat_sync --append FNAT_SYNC_E2E=nosync ...
# (a variable of the kernel command line reaches /init's environment, and
# /proc/cmdline): no daemon is started, every failover is a control that
# must break the stream, and the steps that need daemons (bulk resync,
# wrong syncid/key, garbage counters) are skipped; the topologies, the
# moves, the traffic tools and the mh and ECMP checks still run.
# - measure: the sync lag (from the master listing a connection ESTABLISHED
#   to the backup listing it) and the sync traffic per 1000 short
#   connections, printed as "sync lag: ..." and "sync bandwidth: ...".
#
# FNAT_SYNC_PARTS=nat,dr,fullnat,bulk,bad,measure,ecmp (any of them) runs only those
# parts, for a quicker round while developing.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
LB=fnatadm
# shellcheck source=_topo.sh
. "$(dirname "$0")/_topo.sh"
# shellcheck source=_traffic.sh
. "$(dirname "$0")/_traffic.sh"
# shellcheck source=_topo_sync.sh
. "$(dirname "$0")/_topo_sync.sh"

SYNCID=7
GROUP=224.0.0.83
SYNC_PORT=8849

SYNC=1
[ "$(cmdline_var FNAT_SYNC_E2E)" != nosync ] || SYNC=0
# FNAT_SYNC_PARTS (default: all); bulk and bad use nat's network.
PARTS=" $(cmdline_var FNAT_SYNC_PARTS | tr ',' ' ') "
[ "$PARTS" != "  " ] || PARTS=" nat dr fullnat bulk bad measure ecmp "
want() {
	[[ "$PARTS" == *" $1 "* ]]
}

# --- listings ----------------------------------------------------------------

# conns NS: NS's connections, one line each, from -Lnc --json:
#   tcp 10.0.1.2:40000 10.0.1.100:80 10.0.2.101:20001 10.0.2.12:80 ESTABLISHED
# (protocol, client, virtual, local address, destination, state).
conns() {
	ip netns exec "$1" fnatadm -Lnc --json | awk '
		/"protocol":/ { v = $2; gsub(/[",]/, "", v); proto = v }
		/"(client|virtual|local|dest)": \{/ { c = $1; gsub(/[":]/, "", c); ctx = c }
		/"address":/ { v = $2; gsub(/[",]/, "", v); addr[ctx] = v }
		/"port":/ { v = $2; gsub(/[",]/, "", v); port[ctx] = v }
		/"state":/ { v = $2; gsub(/[",]/, "", v); state = v }
		/"expires_ms":/ {
			print proto, addr["client"] ":" port["client"], addr["virtual"] ":" port["virtual"],
				addr["local"] ":" port["local"], addr["dest"] ":" port["dest"], state
		}'
}

# conn_of NS PROTO CPORT [VPORT]: NS's entry for the client's port CPORT
# (proto tcp|udp) to VIP:VPORT (default PORT), without its state; empty
# when there is none.
conn_of() {
	conns "$1" | awk -v p="$2" -v c="$CLIENT:$3" -v v="$VIP:${4:-$PORT}" \
		'!found && $1 == p && $2 == c && $3 == v { print $1, $2, $3, $4, $5; found = 1 }'
}

# has_conn NS PROTO CPORT: NS lists that connection.
has_conn() {
	[ -n "$(conn_of "$@")" ]
}

# conns_from NS PATTERN: how many of NS's entries have a client port
# matching the extended regular expression PATTERN (anchored).
conns_from() {
	conns "$1" | awk -v re="^$CLIENT:($2)\$" '$2 ~ re { n++ } END { print n + 0 }'
}

# conns_are NS PATTERN N: NS lists exactly N such entries.
conns_are() {
	[ "$(conns_from "$1" "$2")" -eq "$3" ]
}

# wait_conns SECONDS NS PATTERN N: waits until NS lists exactly N entries
# with client ports matching PATTERN; fails showing what NS and the active
# director list.
wait_conns() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		! conns_are "$2" "$3" "$4" || return 0
		sleep 0.1
	done
	fail "$2 lists $(conns_from "$2" "$3"), not $4, connections from ports $3 after $1 s:
$(conns "$2" | grep -E " $CLIENT:($3) " || true)
$ACTIVE lists:
$(conns "$ACTIVE" | grep -E " $CLIENT:($3) " || true)"
}

# conn_keys NS: "proto client virtual" of every entry, sorted (what a
# backup holds).
conn_keys() {
	conns "$1" | awk '{ print $1, $2, $3 }' | sort -u
}

# expect_no_new_keys NS BEFORE: NS lists no entry that BEFORE (conn_keys
# output) lacks; entries may have expired.
expect_no_new_keys() {
	local added
	added=$(awk 'NR == FNR { seen[$0] = 1; next } !seen[$0]' <(echo "$2") <(conn_keys "$1"))
	[ -z "$added" ] || fail "$1 has new connection entries: $added"
}

# in_pkts NS [TCP|UDP]: the packets NS's service VIP:PORT took in.
in_pkts() {
	local proto=${2:-TCP} flag=-t
	[ "$proto" = TCP ] || flag=-u
	ip netns exec "$1" fnatadm -Ln --stats --exact "$flag" "$VIP:$PORT" |
		awk -v p="$proto" -v s="$VIP:$PORT" '$1 == p && $2 == s { print $4 }'
}

# --- daemons -----------------------------------------------------------------

# sync_start NS ROLE SYNCID [ARGS...]: starts a daemon on NS's back segment
# (eth1); -L --daemon then shows it with the defaults.
sync_start() {
	local ns=$1 role=$2 id=$3 out
	shift 3
	lbn "$ns" --start-daemon "$role" --mcast-interface eth1 --syncid "$id" "$@"
	out=$(lbn "$ns" -L --daemon)
	local re="(^|"$'\n'")$role sync daemon \\(mcast=eth1, syncid=$id, maxlen=[0-9]+, group=${GROUP//./\\.}, port=$SYNC_PORT, ttl=1\\)"
	[[ "$out" =~ $re ]] || fail "$ns: -L --daemon does not show the $role daemon: $out"
}

# sync_stop NS ROLE: stops it; -L --daemon no longer shows it.
sync_stop() {
	local out
	lbn "$1" --stop-daemon "$2"
	out=$(lbn "$1" -L --daemon)
	[[ "$out" != *"$2 sync daemon ("* ]] || fail "$1's $2 daemon still listed: $out"
}

# sync_stop_all NS...: stops every daemon the directors run.
sync_stop_all() {
	local ns role out
	for ns in "$@"; do
		out=$(lbn "$ns" -L --daemon)
		for role in master backup; do
			[[ "$out" != *"$role sync daemon ("* ]] || sync_stop "$ns" "$role"
		done
	done
}

# counter NS ROLE NAME: a counter of NS's ROLE daemon ("name value" on its
# detail lines).
counter() {
	local out v
	out=$(ip netns exec "$1" fnatadm -L --daemon)
	v=$(awk -v role="$2" -v name="$3" '
		/ sync daemon \(/ { mine = ($1 == role); next }
		mine && $1 != "peer" {
			gsub(/,/, "")
			for (i = 1; i < NF; i++)
				if ($i == name && $(i + 1) ~ /^[0-9]+$/) { print $(i + 1); exit }
		}' <<<"$out")
	[ -n "$v" ] || fail "no counter $3 for $1's $2 daemon in: $out"
	echo "$v"
}

# counter_at_least NS ROLE NAME N: the counter has reached N (for wait_until).
counter_at_least() {
	local v
	v=$(counter "$1" "$2" "$3") || return 1
	[ "$v" -ge "$4" ]
}

DROPS="short bad_version bad_length syncid auth replay stale own bad_record"

# drops_total NS ROLE: the sum of the message drop counters.
drops_total() {
	local name n=0 v
	for name in $DROPS; do
		v=$(counter "$1" "$2" "$name")
		n=$((n + v))
	done
	echo "$n"
}

drops_at_least() {
	local v
	v=$(drops_total "$1" "$2") || return 1
	[ "$v" -ge "$3" ]
}

# expect_peer NS ROLE ADDR: NS's ROLE daemon lists a peer at ADDR with our syncid.
expect_peer() {
	local out
	out=$(lbn "$1" -L --daemon)
	local re="peer ${3//./\\.} sender [0-9a-f]{8} syncid $SYNCID: [0-9]+ messages, last [0-9.]+ s ago"
	[[ "$out" =~ $re ]] || fail "$1 lists no peer $3 of syncid $SYNCID: $out"
}

# show_daemons NS...: the daemon listings, for the record.
show_daemons() {
	local ns
	for ns in "$@"; do
		echo "$ns:"
		lbn "$ns" -L --daemon | sed 's/^/  /'
	done
}

# --- traffic -----------------------------------------------------------------

# expect_ok OUT N: a connect report of N exchanges without failure.
expect_ok() {
	[[ "$1" == *"result: $2 ok, 0 failed"* ]] || fail "not $2 ok: $1"
}

# new_connections_work: 4 TCP and 4 UDP exchanges to VIP:PORT get through
# the director that has the floating addresses now.
new_connections_work() {
	local out
	out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 4 --bytes 1000 --seed 40)
	expect_ok "$out" 4
	out=$(must in_ns client fnat-traffic connect --udp "$VIP:$PORT" --count 4 --bytes 1000 --seed 41)
	expect_ok "$out" 4
	echo "new TCP and UDP connections get through $ACTIVE"
}

# failover MODE EXPECT PORT: a TCP stream and a UDP flow to VIP:PORT start
# through the active director; after about 2 s its floating addresses move
# to the other director.
#   survive (sync on): both connections go on to the end intact, the flow on
#     one real server with at most 25 datagrams lost; the new director lists
#     both as the old one did (same destination, and local address and port
#     for FULLNAT), and FULLNAT's flow kept its one source at the server;
#   break (no sync): the stream must fail (reset, or stalled for 4 s).
# Either way new connections get through the new director afterwards.
failover() {
	local mode=$1 expect=$2 port=$3 from=$ACTIVE to=dir2 spid fpid sport fport
	local tcp_before udp_before tcp_after udp_after rc_s=0 rc_f=0 stream flow
	[ "$from" = dir1 ] || to=dir1
	# One UDP exchange first, so that the flow's rr pick is not the one a
	# director scheduling it afresh would make: without its synced entry the
	# new director would send the flow to the other server.
	must in_ns client fnat-traffic connect --udp "$VIP:$port" --count 1 --bytes 10 --seed 20 >/dev/null
	# A slower kernel takes longer to get to the move: the traffic lasts
	# SLOWDOWN times as long.
	ip netns exec client fnat-traffic stream --tcp "$VIP:$port" --seconds $((7 * SLOWDOWN)) --rate-kbps 800 \
		--timeout-ms 4000 --seed 21 >"$LIB_TMP/stream.out" 2>&1 &
	spid=$!
	ip netns exec client fnat-traffic flow --udp "$VIP:$port" --seconds $((7 * SLOWDOWN)) --max-lost 25 \
		--timeout-ms 4000 --seed 22 >"$LIB_TMP/flow.out" 2>&1 &
	fpid=$!
	wait_until 10 grep -q "^stream connected: " "$LIB_TMP/stream.out"
	wait_until 10 grep -q "^flow answered: " "$LIB_TMP/flow.out"
	sport=$(sed -n 's/^stream from [0-9.]*:\([0-9]*\) .*/\1/p' "$LIB_TMP/stream.out")
	fport=$(sed -n 's/^flow from [0-9.]*:\([0-9]*\) .*/\1/p' "$LIB_TMP/flow.out")
	[ -n "$sport" ] && [ -n "$fport" ] || fail "no client ports: $(cat "$LIB_TMP/stream.out" "$LIB_TMP/flow.out")"
	tcp_before=$(conn_of "$from" tcp "$sport" "$port")
	udp_before=$(conn_of "$from" udp "$fport" "$port")
	echo "$from: $tcp_before"
	echo "$from: $udp_before"
	[ -n "$tcp_before" ] && [ -n "$udp_before" ] || fail "$from does not list the stream and the flow"
	if [ "$expect" = survive ]; then
		wait_until 5 has_conn "$to" tcp "$sport" "$port"
		wait_until 5 has_conn "$to" udp "$fport" "$port"
		echo "$to has both from the sync before the move"
	fi
	sleep 1
	sync_float_move "$from" "$to"
	wait "$spid" || rc_s=$?
	wait "$fpid" || rc_f=$?
	stream=$(<"$LIB_TMP/stream.out")
	flow=$(<"$LIB_TMP/flow.out")
	grep -v '^stream [0-9]* s: ' <<<"$stream" || true
	grep -v '^flow [0-9]* s: ' <<<"$flow" || true
	case $expect in
	survive)
		[ "$rc_s" = 0 ] && [[ "$stream" == *"stream ok: "* ]] ||
			fail "$mode: the TCP stream did not survive the failover to $to"
		[ "$rc_f" = 0 ] && [[ "$flow" == *"flow ok: "* ]] ||
			fail "$mode: the UDP flow did not survive the failover to $to"
		[[ "$flow" != *", then "* ]] || fail "$mode: the server saw the flow from a new source"
		tcp_after=$(conn_of "$to" tcp "$sport" "$port")
		udp_after=$(conn_of "$to" udp "$fport" "$port")
		echo "$to: $tcp_after"
		echo "$to: $udp_after"
		[ "$tcp_after" = "$tcp_before" ] || fail "$mode: $to lists the stream as '$tcp_after', $from as '$tcp_before'"
		[ "$udp_after" = "$udp_before" ] || fail "$mode: $to lists the flow as '$udp_after', $from as '$udp_before'"
		;;
	break)
		[ "$rc_s" != 0 ] && [[ "$stream" =~ stream\ failed:\ (reset|timeout) ]] ||
			fail "$mode: without sync the TCP stream went on through $to (rc $rc_s)"
		echo "$mode: without sync the stream broke, as it must; the flow: $(tail -n 1 <<<"$flow")"
		;;
	esac
	new_connections_work
}

# failover_mode MODE: the failover of MODE, with sync (and for nat the
# control with the daemons stopped), or without (FNAT_SYNC_E2E=nosync) the
# control alone.
failover_mode() {
	local mode=$1 extra=
	[ "$mode" != nat ] || extra=dir3
	step "$mode: two directors$([ -z "$extra" ] || echo " (and $extra for later)"), the same configuration; floating addresses on dir1"
	# shellcheck disable=SC2086 # no word or one
	sync_topo "$mode" $extra
	want "$mode" || return 0
	if [ "$SYNC" = 0 ]; then
		step "$mode: no daemons (FNAT_SYNC_E2E=nosync): the failover must break the stream"
		failover "$mode" break "$CONTROL_PORT"
		return
	fi
	step "$mode: dir1 master, dir2 backup (syncid $SYNCID); stream and flow fail over to dir2"
	sync_start dir1 master "$SYNCID"
	sync_start dir2 backup "$SYNCID"
	failover "$mode" survive "$PORT"
	show_daemons dir1 dir2
	[ "$(counter dir1 master messages_sent)" -gt 0 ] || fail "dir1's master sent nothing"
	[ "$(counter dir2 backup records_applied)" -gt 0 ] || fail "dir2 applied no record"
	expect_peer dir2 backup 10.0.2.2
	[ "$mode" = nat ] || return 0

	step "nat: control: daemons stopped, the move back to dir1 breaks a new stream"
	sync_stop dir1 master
	sync_stop dir2 backup
	expect_output "" ip netns exec dir1 fnatadm -L --daemon
	expect_output "" ip netns exec dir2 fnatadm -L --daemon
	failover "$mode" break "$CONTROL_PORT"
}

# --- bulk resync -------------------------------------------------------------

HELD_TCP='3200[0-5]'
HELD_UDP='3210[0-3]'

bulk_resync() {
	local hold out before n key a b pkts
	step "nat: bulk resync: 6 TCP connections held idle and 4 UDP flows through dir1 (master)"
	[ "$ACTIVE" = dir1 ] || fail "expected the floating addresses on dir1"
	sync_start dir1 master "$SYNCID"
	sync_start dir2 backup "$SYNCID"
	ip netns exec client fnat-traffic connect --tcp "$VIP:$PORT" --count 6 --parallel 6 --bytes 100 \
		--hold-ms $((30000 * SLOWDOWN)) --source-port-range 32000-32005 --seed 30 >"$LIB_TMP/held.out" 2>&1 &
	hold=$!
	# 3 datagrams from each of 4 ports (one at a time, so the ports take
	# turns): a master tells a connection on its 3rd packet (sync_threshold).
	out=$(must in_ns client fnat-traffic connect --udp "$VIP:$PORT" --count 12 --parallel 1 \
		--bytes 100 --source-port-range 32100-32103 --seed 31)
	expect_ok "$out" 12
	wait_until 10 established rs1 3
	wait_until 10 established rs2 3
	wait_conns 5 dir2 "$HELD_TCP|$HELD_UDP" 10
	echo "dir2's backup has all 10"

	step "nat: dir2's backup stops; dir3, which never saw them, starts a backup and gets them in bulk"
	sync_stop dir2 backup
	expect_output "" ip netns exec dir2 fnatadm -L --daemon
	n=$(conns_from dir3 "$HELD_TCP|$HELD_UDP")
	[ "$n" -eq 0 ] || fail "dir3 lists $n of the held connections before it syncs"
	before=$(counter dir1 master bulk_requests)
	pkts=$(in_pkts dir1 TCP)/$(in_pkts dir1 UDP)
	sync_start dir3 backup "$SYNCID"
	wait_conns 10 dir3 "$HELD_TCP|$HELD_UDP" 10
	[ "$(in_pkts dir1 TCP)/$(in_pkts dir1 UDP)" = "$pkts" ] ||
		fail "packets went through dir1 while dir3 synced: $pkts -> $(in_pkts dir1 TCP)/$(in_pkts dir1 UDP)"
	echo "dir3 has all 10, no packet went through dir1 meanwhile (TCP/UDP in: $pkts)"
	for key in tcp:32000 tcp:32001 tcp:32002 tcp:32003 tcp:32004 tcp:32005 \
		udp:32100 udp:32101 udp:32102 udp:32103; do
		a=$(conn_of dir1 "${key%:*}" "${key#*:}")
		b=$(conn_of dir3 "${key%:*}" "${key#*:}")
		[ "$a" = "$b" ] || fail "dir3 lists '$b', dir1 '$a'"
	done
	conns dir3 | grep -E " $CLIENT:($HELD_TCP|$HELD_UDP) "
	show_daemons dir1 dir3
	[ "$(counter dir1 master bulk_requests)" -gt "$before" ] || fail "dir1 counted no bulk request"
	[ "$(counter dir1 master bulk_records_sent)" -ge 10 ] || fail "dir1 sent fewer than 10 bulk records"
	[ "$(counter dir3 backup records_applied)" -ge 10 ] || fail "dir3 applied fewer than 10 records"
	expect_peer dir3 backup 10.0.2.2
	established rs1 3 && established rs2 3 || fail "the held connections are gone"

	step "nat: dir2's backup restarts and gets the table again"
	sync_start dir2 backup "$SYNCID"
	# The master answers one bulk request every 5 s at most.
	wait_until 12 counter_at_least dir2 backup records_applied 10
	show_daemons dir2

	wait "$hold" || fail "the held connections failed: $(cat "$LIB_TMP/held.out")"
	expect_ok "$(<"$LIB_TMP/held.out")" 6
	sync_stop_all dir1 dir2 dir3
}

# --- sync lag and bandwidth --------------------------------------------------

# now_ms: the VM's monotonic clock, milliseconds.
now_ms() {
	local up
	read -r up _ </proc/uptime
	echo $((${up/./} * 10))
}

measure_sync() {
	local i port dump lags b0 r0 m0 a0 b1 r1 m1 a1 out
	step "nat: sync lag: 5 connections, from the client's handshake ACK reaching dir1 to dir1's sync message"
	[ "$ACTIVE" = dir1 ] || fail "expected the floating addresses on dir1"
	sync_start dir1 master "$SYNCID"
	sync_start dir2 backup "$SYNCID"
	sleep 0.5
	# One clock for both: dir1's capture of the ACK that makes a
	# connection ESTABLISHED (a record worth sending) and of the message
	# carrying it.
	ip netns exec dir1 tcpdump -Z root -i any -n -tt -l \
		"(tcp and src host $CLIENT and src portrange 33001-33005) or (udp and dst port $SYNC_PORT)" \
		>"$LIB_TMP/lag.txt" 2>&1 &
	dump=$!
	wait_until 10 grep -q "listening on" "$LIB_TMP/lag.txt"
	for i in 1 2 3 4 5; do
		port=$((33000 + i))
		out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 1 --bytes 100 \
			--hold-ms 200 --source-port-range "$port-$port" --seed "$((40 + i))")
		expect_ok "$out" 1
		wait_until 5 has_conn dir2 tcp "$port"
		sleep 0.3
	done
	sleep 0.5
	kill "$dump"
	wait "$dump" || true
	lags=$(awk '
		$0 ~ /Flags \[\.\]/ && !ack_seen {
			split($0, f, " IP ")
			split(f[2], a, " ")
			if (!(a[1] in acked)) { acked[a[1]] = 1; ack = $1; ack_seen = 1 }
			next
		}
		/UDP/ && ack_seen {
			printf "%d ", ($1 - ack) * 1000 + 0.5
			ack_seen = 0
		}' "$LIB_TMP/lag.txt")
	[ "$(wc -w <<<"$lags")" -eq 5 ] || fail "not 5 lags measured ($lags): $(cat "$LIB_TMP/lag.txt")"
	echo "sync lag: $lags ms (sync_flush_ms $(cat /sys/kernel/fnat/sync_flush_ms))"
	# A record waits sync_flush_ms for company, then the thread's wake-up;
	# the median, so one late wake-up in a busy VM does not decide.
	i=$(tr ' ' '\n' <<<"$lags" | grep . | sort -n | sed -n 3p)
	[ "$i" -lt 120 ] || fail "median sync lag $i ms, above 120 ms: $lags"

	step "nat: sync bandwidth: 1000 short TCP connections through dir1"
	sleep 0.5
	b0=$(counter dir1 master bytes_sent) r0=$(counter dir1 master records_sent)
	m0=$(counter dir1 master messages_sent) a0=$(counter dir2 backup records_applied)
	out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 1000 --parallel 20 \
		--bytes 100 --seed 50)
	expect_ok "$out" 1000
	# The last records (TIME_WAIT) leave within sync_flush_ms.
	sleep 1
	b1=$(counter dir1 master bytes_sent) r1=$(counter dir1 master records_sent)
	m1=$(counter dir1 master messages_sent) a1=$(counter dir2 backup records_applied)
	echo "sync bandwidth: $((b1 - b0)) bytes of UDP payload in $((m1 - m0)) messages," \
		"$((r1 - r0)) records, per 1000 new connections ($(((b1 - b0) / 1000)) bytes each)"
	[ $((r1 - r0)) -ge 2000 ] || fail "fewer than 2 records per connection: $((r1 - r0))"
	[ $((a1 - a0)) -eq $((r1 - r0)) ] ||
		fail "dir2 applied $((a1 - a0)) of the $((r1 - r0)) records dir1 sent"
	[ "$(counter dir1 master queue_full)" -eq 0 ] || fail "records dropped: queue_full"
	sync_stop_all dir1 dir2
}

# --- wrong syncid, wrong key, garbage -----------------------------------------

# traffic_from LO-HI SEED: 10 TCP exchanges from client ports LO-HI (10 ports).
traffic_from() {
	local out
	out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 10 --bytes 100 \
		--source-port-range "$1" --seed "$2")
	expect_ok "$out" 10
}

bad_senders() {
	local keys applied v before kind name i key_a=$LIB_TMP/key-a key_b=$LIB_TMP/key-b
	step "nat: a master of syncid 8: dir3's backup (syncid $SYNCID) counts and ignores its messages"
	[ "$ACTIVE" = dir1 ] || fail "expected the floating addresses on dir1"
	sync_start dir2 backup "$SYNCID"
	sync_start dir3 backup "$SYNCID"
	sync_start dir1 master 8
	keys=$(conn_keys dir3)
	applied=$(counter dir3 backup records_applied)
	v=$(counter dir3 backup syncid)
	# Earlier steps' clients take ephemeral ports, which may fall in the
	# range: only new entries count.
	before=$(conns_from dir3 '330[0-9][0-9]')
	traffic_from 33000-33009 50
	wait_until 5 counter_at_least dir3 backup syncid $((v + 1))
	[ "$(counter dir3 backup records_applied)" -eq "$applied" ] || fail "dir3 applied a record of syncid 8"
	[ "$(conns_from dir3 '330[0-9][0-9]')" -eq "$before" ] || fail "dir3 lists connections of syncid 8"
	expect_no_new_keys dir3 "$keys"
	echo "dir3: syncid $v -> $(counter dir3 backup syncid), records_applied $applied"

	step "nat: master and backup with different keys: auth counted, nothing applied"
	printf 'fnat-sync-e2e key A 0123456789\n' >"$key_a"
	printf 'fnat-sync-e2e key B 0123456789\n' >"$key_b"
	sync_stop dir1 master
	sync_start dir1 master "$SYNCID" --sync-key "$key_a"
	sync_stop dir3 backup
	sync_start dir3 backup "$SYNCID" --sync-key "$key_b"
	expect_contains "key yes" ip netns exec dir3 fnatadm -L --daemon
	keys=$(conn_keys dir3)
	v=$(counter dir3 backup auth)
	before=$(conns_from dir3 '331[0-9][0-9]')
	traffic_from 33100-33109 51
	wait_until 5 counter_at_least dir3 backup auth $((v + 1))
	wait_until 5 counter_at_least dir2 backup auth 1 # no key there: a MAC is as wrong
	[ "$(counter dir3 backup records_applied)" -eq 0 ] || fail "dir3 applied a record under another key"
	[ "$(conns_from dir3 '331[0-9][0-9]')" -eq "$before" ] ||
		fail "dir3 lists connections sent under another key: $(conns dir3 | grep ':331')"
	expect_no_new_keys dir3 "$keys"
	show_daemons dir3

	step "nat: the same key on both: the backup gets the table (bulk)"
	sync_stop dir3 backup
	sync_start dir3 backup "$SYNCID" --sync-key - <"$key_a"
	wait_until 12 has_conn dir3 tcp 33100
	[ "$(counter dir3 backup records_applied)" -gt 0 ] || fail "dir3 applied nothing under the right key"

	step "nat: garbage to $GROUP:$SYNC_PORT from rs1: counted by reason, nothing applied, no warning"
	sync_stop dir3 backup
	sync_start dir3 backup "$SYNCID"
	must ip -n rs1 route add 224.0.0.0/4 dev eth0
	keys=$(conn_keys dir3)
	applied=$(counter dir3 backup records_applied)
	i=60
	for kind in sync-short:short sync-version:bad_version sync-length:bad_length \
		sync-record:bad_record random:; do
		name=${kind#*:}
		kind=${kind%%:*}
		if [ -n "$name" ]; then
			v=$(counter dir3 backup "$name")
		else
			v=$(drops_total dir3 backup)
		fi
		# 2 batches of 50, each waited for: the backup's socket buffer is finite.
		for batch in 1 2; do
			must in_ns rs1 fnat-traffic udp-garbage --to "$GROUP:$SYNC_PORT" --count 50 \
				--kind "$kind" --syncid "$SYNCID" --seed $((i++))
			if [ -n "$name" ]; then
				wait_until 5 counter_at_least dir3 backup "$name" $((v + 50 * batch))
			else
				wait_until 5 drops_at_least dir3 backup $((v + 50 * batch))
			fi
		done
		if [ -n "$name" ]; then
			n=$(counter dir3 backup "$name")
			[ "$n" -eq $((v + 100)) ] || fail "100 $kind datagrams counted as $name $((n - v)) times"
			echo "$kind: $name $v -> $n"
		else
			n=$(drops_total dir3 backup)
			[ "$n" -eq $((v + 100)) ] || fail "100 random datagrams counted as $((n - v)) drops"
			echo "random: drops $v -> $n"
		fi
	done
	[ "$(counter dir3 backup records_applied)" -eq "$applied" ] || fail "dir3 applied garbage"
	expect_no_new_keys dir3 "$keys"
	show_daemons dir3
	! dmesg | grep -E 'WARNING:|BUG:|Oops|Call Trace|UBSAN|KASAN' ||
		fail "the kernel logged a warning while taking garbage"

	step "nat: a keyless master again: dir3's backup takes its messages after the garbage"
	sync_stop dir1 master
	sync_start dir1 master "$SYNCID"
	traffic_from 33200-33209 52
	wait_until 5 has_conn dir3 tcp 33200
	sync_stop dir1 master
	sync_stop dir2 backup
	sync_stop dir3 backup
}

# nosync_garbage: without daemons, udp-garbage's datagrams reach a director's
# back interface (what the garbage step counts with daemons).
nosync_garbage() {
	local dump out
	step "nat: udp-garbage from rs1 reaches dir3's back interface (no daemon to count it)"
	must ip -n rs1 route add 224.0.0.0/4 dev eth0
	ip netns exec dir3 tcpdump -Z root -n -l -c 10 -i eth1 "udp and dst port $SYNC_PORT" \
		>"$LIB_TMP/garbage.dump" 2>&1 &
	dump=$!
	wait_until 10 grep -q "listening on" "$LIB_TMP/garbage.dump"
	must in_ns rs1 fnat-traffic udp-garbage --to "$GROUP:$SYNC_PORT" --count 10 --kind sync-record \
		--syncid "$SYNCID"
	wait "$dump" || fail "tcpdump on dir3 did not see 10 datagrams: $(cat "$LIB_TMP/garbage.dump")"
	out=$(<"$LIB_TMP/garbage.dump")
	echo "$out" | tail -n 3
	[[ "$out" == *"$RIP1."*" > $GROUP.$SYNC_PORT: UDP, length 36"* ]] || fail "unexpected datagrams: $out"
}

# --- ECMP ----------------------------------------------------------------------

# ecmp_pass SEED: 200 TCP connections from client ports 30000-30199 (closed
# with RST, so the ports are free again at once); prints "PORT rsN" per port.
ecmp_pass() {
	local out
	out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 200 --parallel 4 \
		--bytes 100 --seed "$1" --source-port-range 30000-30199 --close rst --list-exchanges)
	expect_ok "$out" 200
	grep '^server ' <<<"$out" >&2
	sed -n 's/^exchange [0-9]*: \(rs[12]\), seen as [0-9.]*:\([0-9]*\)$/\2 \1/p' <<<"$out" | sort -n
}

route_via() {
	must ip -n router route replace "$VIP/32" "$@"
}

ecmp() {
	local a b c p1 p2 q1 q2 i pids=() ports=() rc out n broken
	step "ecmp: a router spreads over two active directors (VIP on lo, DR, mh with mh-port)"
	sync_topo_ecmp
	if [ "$SYNC" = 1 ]; then
		for d in dir1 dir2; do
			sync_start "$d" master "$SYNCID"
			sync_start "$d" backup "$SYNCID"
		done
	fi

	step "ecmp: 200 connections over both directors"
	p1=$(in_pkts dir1)
	p2=$(in_pkts dir2)
	a=$(ecmp_pass 60)
	q1=$(($(in_pkts dir1) - p1))
	q2=$(($(in_pkts dir2) - p2))
	echo "packets taken in: dir1 $q1, dir2 $q2"
	[ "$q1" -ge $(((q1 + q2) / 5)) ] && [ "$q2" -ge $(((q1 + q2) / 5)) ] ||
		fail "the router did not spread the connections: dir1 $q1, dir2 $q2 packets"
	n=$(grep -c ' rs1$' <<<"$a" || true)
	[ "$n" -gt 20 ] && [ "$n" -lt 180 ] || fail "mh sent $n of 200 to rs1"

	step "ecmp: the same 200 client ports through dir1 alone, then dir2 alone: the same servers"
	route_via via 10.0.3.1
	b=$(ecmp_pass 61)
	route_via via 10.0.3.2
	c=$(ecmp_pass 62)
	[ "$a" = "$b" ] || fail "dir1 alone sent ports elsewhere: $(diff <(echo "$a") <(echo "$b") | head)"
	[ "$a" = "$c" ] || fail "dir2 alone sent ports elsewhere: $(diff <(echo "$a") <(echo "$c") | head)"
	echo "all 200 ports reach the same server through either director"

	step "ecmp: streams through dir1 (2) and over both (2); dir1 leaves the route"
	route_via via 10.0.3.1
	for i in 0 1 2 3; do
		[ "$i" != 2 ] || route_via nexthop via 10.0.3.1 nexthop via 10.0.3.2
		ip netns exec client fnat-traffic stream --tcp "$VIP:$PORT" --seconds 8 --rate-kbps 400 \
			--timeout-ms 4000 --seed $((70 + i)) >"$LIB_TMP/ecmp-stream$i.out" 2>&1 &
		pids+=($!)
		wait_until 10 grep -q "^stream connected: " "$LIB_TMP/ecmp-stream$i.out"
		ports+=("$(sed -n 's/^stream from [0-9.]*:\([0-9]*\) .*/\1/p' "$LIB_TMP/ecmp-stream$i.out")")
	done
	echo "stream client ports: ${ports[*]} (the first two through dir1)"
	if [ "$SYNC" = 1 ]; then
		for i in 0 1 2 3; do
			wait_until 5 has_conn dir1 tcp "${ports[i]}"
			wait_until 5 has_conn dir2 tcp "${ports[i]}"
		done
	fi
	sleep 1
	route_via via 10.0.3.2
	broken=0
	for i in 0 1 2 3; do
		rc=0
		wait "${pids[i]}" || rc=$?
		out=$(grep -E '^stream (ok|failed)' "$LIB_TMP/ecmp-stream$i.out" || true)
		echo "stream $i (port ${ports[i]}): $out"
		if [ "$rc" != 0 ]; then
			broken=$((broken + 1))
			if [ "$SYNC" = 1 ]; then
				fail "stream $i broke when dir1 left the route: $(cat "$LIB_TMP/ecmp-stream$i.out")"
			fi
		elif [ "$SYNC" = 0 ] && [ "$i" -lt 2 ]; then
			fail "without sync, stream $i went on through dir2"
		fi
	done
	[ "$SYNC" = 0 ] || echo "all 4 streams went on through dir2"
	[ "$SYNC" = 1 ] || echo "without sync $broken streams broke (at least the 2 through dir1 had to)"
	if [ "$SYNC" = 1 ]; then
		show_daemons dir1 dir2
		[ "$(counter dir1 backup records_applied)" -gt 0 ] || fail "dir1 applied nothing of dir2's"
		[ "$(counter dir2 backup records_applied)" -gt 0 ] || fail "dir2 applied nothing of dir1's"
		expect_peer dir1 backup 10.0.2.3
		expect_peer dir2 backup 10.0.2.2
	fi
	# The daemons stay up: the namespaces go with them running.
	step "ecmp: tear down$([ "$SYNC" = 0 ] || echo " (the daemons still running)")"
	sync_down
}

# --- the scenario --------------------------------------------------------------

step "load fnat$([ "$SYNC" = 1 ] || echo '; FNAT_SYNC_E2E=nosync: no daemons, controls only')"
echo "parts:$PARTS"
lb_load
for mode in nat dr fullnat; do
	if ! want "$mode" && ! { [ "$mode" = nat ] && { want bulk || want bad || want measure; }; }; then
		continue
	fi
	failover_mode "$mode"
	if [ "$mode" = nat ]; then
		if [ "$SYNC" = 1 ]; then
			! want bulk || bulk_resync
			! want bad || bad_senders
			! want measure || measure_sync
		elif want bulk || want bad || want measure; then
			step "nat: bulk resync and wrong syncid/key/garbage need daemons: skipped (nosync)"
			nosync_garbage
		fi
	fi
	step "$mode: tear down"
	sync_down
done
! want ecmp || ecmp
step "unload fnat"
lb_unload
