#!/bin/bash
# Sync fuzzing: a backup director (dir2, syncid 7) takes forged, truncated
# and replayed session sync messages (fnat-fuzz-sync, from rs1 on the sync
# segment), without and then with a key shared with its master (dir1):
# - random bytes; messages cut at every length or lengthened; one header
#   field wrong (version, length, MAC length, reserved, the backup's own
#   sender id, another syncid); missing, wrong and forged MACs; stale time
#   stamps; messages captured from the master's group sent again whole
#   (from rs1's address and from the master's), with bits flipped, or cut;
#   messages that pass every check (the fuzzer has the key) whose records
#   are malformed or about services and real servers the backup lacks, or
#   do not fill the message as they say;
# - the backup counts every one: each counter of `fnatadm -L --daemon`
#   rises by exactly what a model of its checks (the fuzzer's) predicts,
#   messages_received by the number sent, no other drop counter moves;
# - records_applied does not move, and the backup's connection table (held
#   connections synced before the fuzz) is exactly what it was;
# - afterwards the backup still lists the master as a peer and takes a new
#   connection's record; the kernel logs no warning (the harness checks).
# FNAT_FUZZ_SYNC=N sets the datagrams per round (default 50000: 100000 in
# all; a tenth on the checking kernel); FNAT_FUZZ_SEED=S changes them (default 1).
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
STEP=1000
COUNT=$(cmdline_var FNAT_FUZZ_SYNC)
COUNT=${COUNT:-$(scaled 50000)}
SEED=$(cmdline_var FNAT_FUZZ_SEED)
SEED=${SEED:-1}
[[ "$COUNT" =~ ^[0-9]+$ && "$SEED" =~ ^[0-9]+$ ]] || fail "FNAT_FUZZ_SYNC and FNAT_FUZZ_SEED are numbers"
KEY=$LIB_TMP/sync.key

# daemon_lines NS ROLE: the counter lines of NS's ROLE daemon, "name value".
daemon_lines() {
	ip netns exec "$1" fnatadm -L --daemon | awk -v role="$2" '
		/ sync daemon \(/ { mine = ($1 == role); next }
		mine && $1 ~ /^(sent|received|dropped|other):$/ {
			gsub(/,/, "")
			for (i = 2; i < NF; i += 2) print $i, $(i + 1)
		}'
}

# counter NS ROLE NAME: one counter.
counter() {
	daemon_lines "$1" "$2" | awk -v n="$3" '$1 == n { print $2; found = 1 } END { exit !found }'
}

# counter_at_least NS ROLE NAME N: for wait_until.
counter_at_least() {
	local v
	v=$(counter "$1" "$2" "$3") || return 1
	[ "$v" -ge "$4" ]
}

# sender_of NS ROLE: the sender id NS's ROLE daemon stamps.
sender_of() {
	ip netns exec "$1" fnatadm -L --daemon | awk -v role="$2" '
		/ sync daemon \(/ { mine = ($1 == role); next }
		mine && $1 == "sender" { s = $2; gsub(/,/, "", s); print s; exit }'
}

# table NS: NS's connections, without their remaining time, sorted.
table() {
	ip netns exec "$1" fnatadm -Lnc | awk 'NR > 2 { $2 = ""; print }' | sort
}

sync_start() {
	local ns=$1 role=$2
	shift 2
	lbn "$ns" --start-daemon "$role" --mcast-interface eth1 --syncid "$SYNCID" "$@"
	expect_contains "$role sync daemon (mcast=eth1, syncid=$SYNCID" ip netns exec "$ns" fnatadm -L --daemon
}

sync_stop() {
	lbn "$1" --stop-daemon "$2"
}

# received_at_least N OUT: waits (60 s at most) until dir2's backup has
# received N messages; fails showing where the missing ones may be (OUT:
# the fuzzer's report).
received_at_least() {
	local i
	for ((i = 0; i < 300; i++)); do
		! counter_at_least dir2 backup messages_received "$1" || return 0
		sleep 0.2
	done
	echo "dir2 UDP: $(ip netns exec dir2 awk '/^Udp:/' /proc/net/snmp | tail -n 1)"
	ip -n dir2 -s link show eth1
	ip netns exec dir2 fnatadm -L --daemon
	tail -n 20 "$2"
	fail "dir2's backup received $(counter dir2 backup messages_received) messages, not $1"
}

# go: lets the fuzzer on (a line on its standard input).
go() {
	echo go >&7
}

# table_settled NS: NS's table is the same twice, a second apart.
table_settled() {
	local before
	before=$(table "$1")
	sleep 1
	[ "$before" = "$(table "$1")" ]
}

# fuzz_round NAME [--sync-key FILE]: one round of COUNT datagrams at dir2's
# backup, the daemons keyless or keyed with FILE.
fuzz_round() {
	local name=$1 seed=$2 out=$LIB_TMP/fuzz-$1.out fifo=$LIB_TMP/go-$1 hold fuzz own
	local before after b0 k=1 sent expected reason n got tb ta applied added
	shift 2
	step "$name: dir1 master, dir2 backup (syncid $SYNCID)$([ "$#" -eq 0 ] || echo ', keyed')"
	sync_start dir1 master "$@"
	sync_start dir2 backup "$@"
	# The backup asked for the master's table at once; once the answer is
	# in, nothing more comes without traffic.
	wait_until 15 counter_at_least dir2 backup records_received 1
	own=$(sender_of dir2 backup)
	[ -n "$own" ] || fail "no sender id for dir2's backup"

	step "$name: the fuzzer listens to the group while 6 held connections go through dir1"
	local key_args=()
	[ "$#" -eq 0 ] || key_args=(--key "$KEY")
	mkfifo "$fifo"
	ip netns exec rs1 fnat-fuzz-sync --iface eth0 --to "$GROUP:$SYNC_PORT" --syncid "$SYNCID" \
		"${key_args[@]}" --own-sender "$own" --service "tcp:$VIP:$PORT" --spoof 10.0.2.2 \
		--capture --count "$COUNT" --step "$STEP" --seed "$seed" --time-limit 400 \
		<"$fifo" >"$out" 2>&1 &
	fuzz=$!
	exec 7>"$fifo"
	wait_until 10 grep -q '^capturing ' "$out"
	ip netns exec client fnat-traffic connect --tcp "$VIP:$PORT" --count 6 --parallel 6 --bytes 100 \
		--hold-ms $((120000 * SLOWDOWN)) --seed "$seed" >"$LIB_TMP/held-$name.out" 2>&1 &
	hold=$!
	wait_until 15 established rs1 3
	wait_until 15 established rs2 3
	# And short ones, for more messages to capture.
	out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 20 --parallel 4 \
		--bytes 100 --seed "$seed")
	[[ "$out" == *"result: 20 ok, 0 failed"* ]] || fail "not 20 ok: $out"
	out=$LIB_TMP/fuzz-$name.out
	# ESTABLISHED is told at once; the held connections then stay quiet.
	wait_until 10 bash -c "[ \"\$(ip netns exec dir2 fnatadm -Lnc | grep -c ESTABLISHED)\" -ge 6 ]"
	# The short connections' closing records may still be on their way (a
	# slow kernel takes seconds): the table must stay put for a second.
	wait_until 10 table_settled dir2
	go
	wait_until 10 grep -q '^captured ' "$out"
	grep '^captured ' "$out"
	grep -q '^captured [1-9]' "$out" || fail "the fuzzer heard no sync message"
	tb=$(table dir2)
	echo "dir2 holds:"
	awk '{ print "  " $0 }' <<<"$tb"
	wait_until 10 grep -q '^ready$' "$out"
	before=$(daemon_lines dir2 backup)
	b0=$(awk '$1 == "messages_received" { print $2 }' <<<"$before")

	step "$name: $COUNT datagrams, $STEP at a time, each step waited for"
	echo "dir2 UDP before: $(ip netns exec dir2 awk '/^Udp:/' /proc/net/snmp | tail -n 1)"
	go
	local start=$SECONDS
	for ((k = 1; k <= COUNT / STEP + 1; k++)); do
		wait_until 60 grep -qE "^(step $k: sent |fuzz-sync: sent )" "$out"
		sent=$(sed -n "s/^step $k: sent \([0-9]*\)$/\1/p" "$out")
		[ -n "$sent" ] || break
		received_at_least $((b0 + sent)) "$out"
		go
	done
	wait "$fuzz" || fail "the fuzzer failed: $(tail -n 5 "$out")"
	exec 7>&-
	grep -E '^(kind|expect|fuzz-sync)' "$out"
	received_at_least $((b0 + COUNT)) "$out"
	echo "$COUNT datagrams taken by dir2's backup in $((SECONDS - start)) s"

	step "$name: every counter rose by what the model says, and no other"
	after=$(daemon_lines dir2 backup)
	expected=$(awk '$1 == "expect" { print $2, $3 }' "$out")
	[ "$(awk '$1 == "messages_received" { print $2 }' <<<"$expected")" = "$COUNT" ] ||
		fail "the fuzzer did not send $COUNT datagrams"
	echo "counter                   expected    counted"
	local wrong=''
	while read -r reason n; do
		got=$(($(awk -v r="$reason" '$1 == r { print $2 }' <<<"$after") - \
			$(awk -v r="$reason" '$1 == r { print $2 }' <<<"$before")))
		printf '%-24s %10d %10d\n' "$reason" "$n" "$got"
		[ "$got" -eq "$n" ] || wrong+=" $reason"
	done <<<"$expected"
	while read -r reason n; do
		case $reason in messages_* | records_* | bytes_* | bulk_* | send_errors | queue_full) continue ;; esac
		grep -q "^$reason " <<<"$expected" && continue
		got=$((n - $(awk -v r="$reason" '$1 == r { print $2 }' <<<"$before")))
		printf '%-24s %10d %10d\n' "$reason" 0 "$got"
		[ "$got" -eq 0 ] || wrong+=" $reason"
	done <<<"$after"
	[ -z "$wrong" ] || fail "counters not as the model says:$wrong"
	applied=$(($(awk '$1 == "records_applied" { print $2 }' <<<"$after") - \
		$(awk '$1 == "records_applied" { print $2 }' <<<"$before")))
	[ "$applied" -eq 0 ] || fail "dir2 applied $applied records of the fuzz"
	# Entries may have expired meanwhile (earlier connections in TIME_WAIT);
	# none may have come or changed, and the held ones are all there.
	ta=$(table dir2)
	added=$(awk 'NR == FNR { had[$0] = 1; next } !had[$0]' <(echo "$tb") <(echo "$ta"))
	[ -z "$added" ] || fail "dir2's table has new or changed entries: $added"
	[ "$(grep -c ESTABLISHED <<<"$ta")" -eq "$(grep -c ESTABLISHED <<<"$tb")" ] ||
		fail "dir2 lost held connections: $(diff <(echo "$tb") <(echo "$ta"))"
	echo "records_applied unchanged, dir2's table unchanged ($(wc -l <<<"$ta") entries)"

	step "$name: the master is still dir2's peer, and new connections are synced"
	expect_contains "peer 10.0.2.2 sender $(sender_of dir1 master) syncid $SYNCID" \
		ip netns exec dir2 fnatadm -L --daemon
	out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 2 --bytes 100 \
		--hold-ms 3000 --source-port-range 34000-34001 --seed 3)
	[[ "$out" == *"result: 2 ok, 0 failed"* ]] || fail "not 2 ok: $out"
	wait_until 10 bash -c "ip netns exec dir2 fnatadm -Lnc | grep -q ':3400[01] '"
	ip netns exec dir2 fnatadm -L --daemon
	kill "$hold" 2>/dev/null || true
	wait "$hold" || true
	sync_stop dir1 master
	sync_stop dir2 backup
}

step "load fnat; two NAT directors on one sync segment, rs1 on it too"
lb_load
sync_topo nat
printf 'fnat-sync-fuzz key 0123456789abcdef\n' >"$KEY"

fuzz_round keyless "$SEED"
fuzz_round keyed $((SEED + 1)) --sync-key "$KEY"

step "tear down"
sync_down
lb_unload
