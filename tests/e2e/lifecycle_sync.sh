#!/bin/bash
# Lifecycle with session sync and network namespaces, in the FULLNAT network
# of _topo_sync.sh (dir1 active with the VIP and the local addresses, dir2
# standby, the same services on both):
# - sync daemons restarted under traffic: dir1 runs the master and dir2 the
#   backup while a TCP stream, a loop of short connections, 1000 UDP flows
#   (raw, from 10.1.0.0/16) and 10 held connections go through dir1; the
#   master and the backup are stopped and started again 10 times, in three
#   orders; -L --daemon shows each start and stop; the stream goes on to the
#   end and every short connection gets through; then dir2's table
#   converges: every connection dir1 lists ESTABLISHED or UDP, dir2 lists
#   too, with the same local address and port and the same dest (the new
#   backup's bulk request answered by the new master);
# - a director's namespace deleted with all it holds: dir1, with services,
#   dests, local addresses, the master daemon, those connections and a new
#   TCP stream and UDP flow running, goes with `ip netns del` while the
#   traffic flows; the floating addresses come up on dir2, which carries
#   the stream and the flow on to the end (it had them from the sync);
#   once dir1's devices are gone the kernel logged no warning and no
#   "unregister_netdevice: waiting"; dir2's table (-S) and backup daemon
#   are as before, new connections get through it, and the held
#   connections, closed by the client, end through it at the real servers;
# - then rmmod, with dir2's services, connections and daemons (the backup,
#   and a master it starts as the active director) live: no fnat slab cache
#   left, a clean kernel log.
# Unloading at scale and under traffic is lifecycle.sh's, deleting what
# connections use and concurrent writers lifecycle_config.sh's.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
LB=fnatadm
# shellcheck source=_topo.sh
. "$(dirname "$0")/_topo.sh"
# shellcheck source=_topo_sync.sh
. "$(dirname "$0")/_topo_sync.sh"
# shellcheck source=_traffic.sh
. "$(dirname "$0")/_traffic.sh"
# shellcheck source=_lifecycle.sh
. "$(dirname "$0")/_lifecycle.sh"

SYNCID=7
GROUP=224.0.0.83
SYNC_PORT=8849
RESTARTS=10
FLOWS=1000
HELD=10

# sync_start NS ROLE: starts NS's ROLE daemon on its back segment (eth1);
# -L --daemon then shows it.
sync_start() {
	local out re
	lbn "$1" --start-daemon "$2" --mcast-interface eth1 --syncid "$SYNCID"
	out=$(lbn "$1" -L --daemon)
	re="(^|"$'\n'")$2 sync daemon \\(mcast=eth1, syncid=$SYNCID, maxlen=[0-9]+, group=${GROUP//./\\.}, port=$SYNC_PORT, ttl=1\\)"
	[[ "$out" =~ $re ]] || fail "$1: -L --daemon does not show the $2 daemon: $out"
}

# sync_stop NS ROLE: stops it; -L --daemon no longer shows it.
sync_stop() {
	local out
	lbn "$1" --stop-daemon "$2"
	out=$(lbn "$1" -L --daemon)
	[[ "$out" != *"$2 sync daemon ("* ]] || fail "$1's $2 daemon still listed: $out"
}

# counter NS ROLE NAME: a counter of NS's ROLE daemon.
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

# live_keys NS: "proto client virtual local dest" of NS's entries that are
# ESTABLISHED or UDP, sorted.
live_keys() {
	conns "$1" | awk '$1 == "udp" || $6 == "ESTABLISHED" { print $1, $2, $3, $4, $5 }' | sort
}

# converged: dir2 lists every live entry dir1 lists, alike.
converged() {
	local missing
	missing=$(comm -23 <(live_keys dir1) <(conns dir2 | awk '{ print $1, $2, $3, $4, $5 }' | sort))
	[ -z "$missing" ]
}

# has_conn NS PROTO CPORT: NS lists an entry of the client's port CPORT.
has_conn() {
	[ -n "$(conn_field "$2" "$3" 5 "$1")" ]
}

# held_established NS: NS lists the HELD held connections (client ports
# 32000 and up) ESTABLISHED.
held_established() {
	[ "$(conns "$1" | awk -v re=":320[0-9][0-9]\$" '$1 == "tcp" && $2 ~ re && $6 == "ESTABLISHED"' |
		wc -l)" -eq "$HELD" ]
}

# dir1_gone: dir1's devices are unregistered: their veth peers on the
# switch went with them.
dir1_gone() {
	! ip -n switch link show br0-dir1 >/dev/null 2>&1 && ! ip -n switch link show br1-dir1 >/dev/null 2>&1
}

# churn: rounds of 10 short TCP connections to VIP:PORT until
# $LIB_TMP/churn.stop exists (300 rounds at most); the rounds go to
# churn.count, a round with a failure to churn.fail, and the loop stops.
churn() {
	local r out
	for ((r = 1; r <= 300; r++)); do
		[ ! -e "$LIB_TMP/churn.stop" ] || return 0
		out=$(ip netns exec client fnat-traffic connect --tcp "$VIP:$PORT" --count 10 --parallel 2 \
			--bytes 100 --seed "$r" 2>&1) || true
		if [[ "$out" != *"result: 10 ok, 0 failed"* ]]; then
			echo "round $r: $out" >"$LIB_TMP/churn.fail"
			return 0
		fi
		echo "$r" >"$LIB_TMP/churn.count"
	done
}

# --- the scenario -------------------------------------------------------------------

step "load fnat; two FULLNAT directors with the same services, dir1 active"
lb_load
sync_topo fullnat
for d in dir1 dir2; do
	# TCP closing states for 2 s, so that short connections leave soon;
	# the fill's sources, for the replies (the client drops them).
	lbn "$d" --set 0 2 0
	must ip -n "$d" route add "$FILL_NET/16" via "$CLIENT"
done

step "sync restarts: dir1 master, dir2 backup; traffic through dir1"
sync_start dir1 master
sync_start dir2 backup
rm -f "$LIB_TMP"/churn.*
ip netns exec client fnat-traffic connect --tcp "$VIP:$PORT" --count "$HELD" --parallel "$HELD" \
	--bytes 100 --hold-ms 240000 --source-port-range 32000-$((32000 + HELD - 1)) --seed 1 \
	>"$LIB_TMP/held.out" 2>&1 &
PIDS[held]=$!
stream_start s1 30 2 "$PORT"
churn &
PIDS[churn]=$!
ip netns exec client fnat-bench-udp --raw --target "$VIP:$CONTROL_PORT" --src-net "$FILL_NET" \
	--src-count 1 --flows "$FLOWS" --per-flow 30 --size 16 --pps-limit 1000 --duration 60 \
	>"$LIB_TMP/fill.out" 2>&1 &
PIDS[fill]=$!
wait_for 30 held_established dir1
wait_for 30 test -s "$LIB_TMP/churn.count"
wait_for 30 count_at_least $((FLOWS / 2)) dir1
echo "dir1 holds $(conn_count dir1) connections, dir2 $(conn_count dir2)"

step "sync restarts: master and backup stopped and started $RESTARTS times"
t0=$(now_ms)
for ((i = 1; i <= RESTARTS; i++)); do
	case $((i % 3)) in
	1) order="master- backup- master+ backup+" ;;
	2) order="backup- master- master+ backup+" ;;
	0) order="master- master+ backup- backup+" ;;
	esac
	for op in $order; do
		case $op in
		master-) sync_stop dir1 master ;;
		backup-) sync_stop dir2 backup ;;
		master+) sync_start dir1 master ;;
		backup+) sync_start dir2 backup ;;
		esac
	done
	echo "restart $i ($order): dir1 holds $(conn_count dir1) connections, dir2 $(conn_count dir2)"
done
echo "$RESTARTS restarts in $(($(now_ms) - t0)) ms"
touch "$LIB_TMP/churn.stop"
wait "${PIDS[churn]}"
[ ! -e "$LIB_TMP/churn.fail" ] || fail "a short connection failed: $(cat "$LIB_TMP/churn.fail")"
echo "short connections: $(($(cat "$LIB_TMP/churn.count") * 10)), all ok"
ended s1 ok
wait "${PIDS[fill]}" || fail "the UDP fill failed: $(cat "$LIB_TMP/fill.out")"
tail -n 1 "$LIB_TMP/fill.out"
kernel_clean "after the restarts"

step "sync restarts: dir2's table converges to dir1's"
t0=$(now_ms)
wait_for 60 converged
n=$(live_keys dir1 | wc -l)
echo "dir2 lists all $n live connections of dir1 after $(($(now_ms) - t0)) ms" \
	"(dir1 holds $(conn_count dir1), dir2 $(conn_count dir2))"
[ "$n" -ge $((FLOWS + HELD)) ] || fail "dir1 lists only $n live connections, not $FLOWS flows and $HELD held"
for d in dir1 dir2; do
	lbn "$d" -L --daemon | sed "s/^/$d: /"
done
[ "$(counter dir1 master bulk_requests)" -ge 1 ] || fail "the last master answered no bulk request"
[ "$(counter dir2 backup records_applied)" -ge $((FLOWS + HELD)) ] ||
	fail "the last backup applied fewer than $((FLOWS + HELD)) records"

step "netns deletion: dir1 goes, with its services, daemon and connections, a stream and a flow running"
saved=$(lbn dir2 -S -n)
# dir1's namespace is cleaned up in the background, and its devices answer
# for the floating addresses until then: the failover waits for that, so
# the stream and the flow get 20 s of it.
STALL_MS=20000 MAX_LOST=1000
stream_start s2 15 3 "$PORT"
flow_start f2 15 4 "$PORT"
wait_for 30 has_conn dir2 tcp "${CPORT[s2]}"
wait_for 30 has_conn dir2 udp "${CPORT[f2]}"
echo "dir2 has the stream (port ${CPORT[s2]}) and the flow (port ${CPORT[f2]}) from the sync;" \
	"dir1 holds $(conn_count dir1) connections"
sleep 1
t0=$(now_ms)
netns_del dir1
DIRS=(dir2)
for i in "${!_topo_ns[@]}"; do
	[ "${_topo_ns[i]}" != dir1 ] || unset '_topo_ns[i]'
done
wait_for 60 dir1_gone
echo "dir1's devices are gone $(($(now_ms) - t0)) ms after ip netns del"
# Failover: the floating addresses come up on dir2, the client and the
# real servers forget dir1's MAC.
for f in "${FLOAT[@]}"; do
	read -r addr ifn <<<"$f"
	must ip -n dir2 addr add "$addr" dev "$ifn"
done
ACTIVE=dir2
for ns in client rs1 rs2; do
	must ip -n "$ns" neigh flush dev eth0
done
ended s2 ok
ended f2 ok
sleep 3 # a device whose references never drop is reported after 1 s
kernel_clean "after deleting dir1"
expect_output "$saved" ip netns exec dir2 fnatadm -S -n
expect_contains "backup sync daemon (mcast=eth1, syncid=$SYNCID" ip netns exec dir2 fnatadm -L --daemon
out=$(connect tcp "$PORT" 10 5)
[[ "$out" == *"result: 10 ok, 0 failed"* ]] || fail "not 10 ok through dir2: $out"
out=$(connect udp "$PORT" 10 6)
[[ "$out" == *"result: 10 ok, 0 failed"* ]] || fail "not 10 ok through dir2: $out"
echo "dir2's table and daemon as before; new connections get through it;" \
	"it holds $(conn_count dir2) connections"

step "rmmod with dir2's services, connections and daemons live"
# dir2, active now, starts a master too: both its daemons stop with the module.
sync_start dir2 master
# The held connections, synced before dir1 went, end through dir2: the
# client closes them (killed, it leaves that to its kernel) and the real
# servers see them end cleanly.
kill "${PIDS[held]}"
wait "${PIDS[held]}" || true
wait_for 30 established rs1 0
wait_for 30 established rs2 0
echo "dir2 holds $(conn_count dir2) connections; its daemons:"
lbn dir2 -L --daemon | grep "sync daemon ("
rmmod_fnat
kernel_clean "after the last rmmod"
sync_down
