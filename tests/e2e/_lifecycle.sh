# shellcheck shell=bash disable=SC2153,SC2154 # VIP, PORT, CLIENT, TOPO... come from _topo.sh
# tests/e2e/_lifecycle.sh: what the lifecycle scenarios (lifecycle.sh,
# lifecycle_config.sh, lifecycle_sync.sh) share, sourced after lib.sh and
# _topo.sh (the harness runs no `_*.sh` file as a scenario): the kernel's
# side (log, slab caches, rmmod), the director's connection listings, and
# traffic that is broken on purpose.

VPORT=8080  # the victim servers: connections broken on purpose end there
FILL_PORT=7 # UDP, no server listens: the fill's and the flood's target
FILL_NET=10.1.0.0

# --- the kernel's side --------------------------------------------------------

# Kernel lines that mean a bug or a leak. The harness fails on most of them
# at the end; checking after each part says which part it was.
KERNEL_BAD='BUG:|WARNING:|Oops|general protection|Call Trace|UBSAN|KASAN|leaked|unregister_netdevice: waiting|still has objects|Objects remaining|soft lockup|blocked for more than|Kernel panic'

# kernel_clean WHEN: the kernel log has none of KERNEL_BAD.
kernel_clean() {
	local bad
	bad=$(dmesg | grep -E "$KERNEL_BAD" || true)
	[ -z "$bad" ] || fail "$1: the kernel logged: $bad"
	echo "kernel log clean $1"
}

# fnat_slabs: the slab caches named fnat* in /proc/slabinfo, "NAME ACTIVE" each.
fnat_slabs() {
	awk '$1 ~ /^fnat/ { print $1, $2 }' /proc/slabinfo
}

# now_ms: wall clock, milliseconds.
now_ms() {
	local t=${EPOCHREALTIME/./}
	echo $((t / 1000))
}

# The genetlink family brings the module back when a tool asks for it
# (MODULE_ALIAS_GENL_FAMILY): a reader's request right after an rmmod would
# load it again. autoload off|on stops and restores that (with an empty
# modprobe path the kernel's request_module() gives up at once).
LC_MODPROBE_PATH=$(cat /proc/sys/kernel/modprobe)
on_exit "echo '$LC_MODPROBE_PATH' >/proc/sys/kernel/modprobe"
autoload() {
	if [ "$1" = off ]; then
		echo >/proc/sys/kernel/modprobe
	else
		echo "$LC_MODPROBE_PATH" >/proc/sys/kernel/modprobe
	fi
}

# rmmod_fnat: unloads fnat, retrying while it is in use (a dump in progress
# holds a reference) for 30 s; any other failure fails. Then the module is
# gone, and so are its slab caches. Sets RMMOD_MS (the successful attempt)
# and RMMOD_BUSY (the refusals before it).
rmmod_fnat() {
	local i t0 err
	RMMOD_BUSY=0
	for ((i = 0; i < 300; i++)); do
		t0=$(now_ms)
		if rmmod fnat 2>"$LIB_TMP/rmmod.err"; then
			RMMOD_MS=$(($(now_ms) - t0))
			! grep -q "^fnat " /proc/modules || fail "fnat still loaded after rmmod"
			[ -z "$(fnat_slabs)" ] || fail "slab caches left after rmmod: $(fnat_slabs)"
			echo "rmmod fnat: $RMMOD_MS ms, refused $RMMOD_BUSY times as in use before;" \
				"no fnat slab cache left"
			return 0
		fi
		err=$(<"$LIB_TMP/rmmod.err")
		[[ "$err" == *"is in use"* ]] || fail "rmmod fnat failed: $err"
		RMMOD_BUSY=$((RMMOD_BUSY + 1))
		sleep 0.1
	done
	fail "rmmod fnat: still in use after $RMMOD_BUSY attempts"
}

# wait_for SECONDS CMD...: reruns CMD (output discarded) until it exits 0,
# for SECONDS (times lib.sh's SLOWDOWN) of wall-clock time (wait_until
# counts tries, which a busy VM makes much longer); then fails, showing
# what CMD printed the last time.
wait_for() {
	local secs=$(($1 * SLOWDOWN)) end out
	end=$(($(now_ms) + secs * 1000))
	shift
	while [ "$(now_ms)" -lt "$end" ]; do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.2
	done
	out=$("$@" 2>&1) && return 0
	fail "still failing after ${secs}s: $*${out:+: $out}"
}

# --- listings (NS: the director's namespace, default director) ----------------

# conn_count [NS]: the connection count (-L --drops).
conn_count() {
	ip netns exec "${1:-director}" fnatadm -L --drops | awk -F': *' '/^Connections:/ { print $2 }'
}

count_is() {
	[ "$(conn_count "${2:-director}")" -eq "$1" ]
}

count_at_least() {
	[ "$(conn_count "${2:-director}")" -ge "$1" ]
}

# conn_lines: the entries -Lnc lists in the director.
conn_lines() {
	ip netns exec director fnatadm -Lnc | awk 'NR > 2' | wc -l
}

# dest_conns: ActiveConn + InActConn over every dest -Ln lists in the director.
dest_conns() {
	ip netns exec director fnatadm -Ln | awk '$1 == "->" { n += $5 + $6 } END { print n + 0 }'
}

# conns [NS]: the entries, one line each, from -Lnc --json:
#   udp 10.0.1.2:40000 10.0.1.100:80 10.0.6.101:20001 10.0.6.12:80 UDP
# (protocol, client, virtual, local address, destination, state).
conns() {
	ip netns exec "${1:-director}" fnatadm -Lnc --json | awk '
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

# conn_field PROTO CPORT FIELD [NS]: field FIELD (4 local, 5 dest, 6 state)
# of the entry of the client's port CPORT; empty when there is none.
conn_field() {
	conns "${4:-director}" |
		awk -v p="$1" -v c="$CLIENT:$2" -v f="$3" '!found && $1 == p && $2 == c { print $f; found = 1 }'
}

# consistent N [D]: the director holds N connections by -L --drops and by
# -Lnc, and, when D is given, D in the counts of the dests -Ln lists.
consistent() {
	local c l d
	c=$(conn_count) l=$(conn_lines)
	{ [ "$c" -eq "$1" ] && [ "$l" -eq "$1" ]; } ||
		fail "the director counts $c connections and -Lnc lists $l, not $1: $(conns)"
	if [ $# -gt 1 ]; then
		d=$(dest_conns)
		[ "$d" -eq "$2" ] || fail "the dests count $d connections, not $2: $(lb -Ln)"
	fi
}

# drained: the table is back to empty once the timeouts have passed.
drained() {
	wait_for 30 count_is 0
	consistent 0 0
}

# --- traffic --------------------------------------------------------------------

# victims_start: fnat-traffic servers on VPORT (TCP and UDP) on rs1 and rs2
# for the connections broken on purpose; their errors are shown, not counted.
VICTIM_PIDS=()
victims_start() {
	local n
	VICTIM_PIDS=()
	for n in rs1 rs2; do
		ip netns exec "$n" fnat-traffic serve --tcp "$VPORT" --udp "$VPORT" --name "$n" \
			--max-seconds $((250 * SLOWDOWN)) --idle-seconds $((20 * SLOWDOWN)) >"$LIB_TMP/victim-$n.out" 2>&1 &
		VICTIM_PIDS+=($!)
	done
	for n in rs1 rs2; do
		wait_for 30 grep -q "^listening udp 0.0.0.0:$VPORT\$" "$LIB_TMP/victim-$n.out"
	done
}

victims_stop() {
	local i
	for i in "${!VICTIM_PIDS[@]}"; do
		kill -TERM "${VICTIM_PIDS[i]}" 2>/dev/null || true
		wait "${VICTIM_PIDS[i]}" || true
		grep "^stopped " "$LIB_TMP/victim-rs$((i + 1)).out" | sed 's/^/victim server: /' || true
	done
	VICTIM_PIDS=()
}

# stream_start NAME SECONDS SEED [PORT]: a TCP stream from the client to
# VIP:PORT (default VPORT) in the background, STALL_MS (default 3000)
# without progress ending it (output in $LIB_TMP/NAME.out, pid in
# PIDS[NAME]); waits until it is answered; its client port goes to
# CPORT[NAME]. SECONDS and STALL_MS are times lib.sh's SLOWDOWN, so that a
# slower kernel still has the stream running through the steps meant for it.
declare -A PIDS CPORT
STALL_MS=3000
MAX_LOST=10
stream_start() {
	: >"$LIB_TMP/$1.out" # an earlier stream of the name said its lines there
	ip netns exec client fnat-traffic stream --tcp "$VIP:${4:-$VPORT}" --seconds "$(($2 * SLOWDOWN))" \
		--rate-kbps 200 --timeout-ms "$((STALL_MS * SLOWDOWN))" --seed "$3" >"$LIB_TMP/$1.out" 2>&1 &
	PIDS[$1]=$!
	wait_for 30 grep -q "^stream connected: " "$LIB_TMP/$1.out"
	CPORT[$1]=$(sed -n 's/^stream from [0-9.]*:\([0-9]*\) .*/\1/p' "$LIB_TMP/$1.out")
	[ -n "${CPORT[$1]}" ] || fail "no client port in: $(cat "$LIB_TMP/$1.out")"
}

# flow_start NAME SECONDS SEED [PORT]: the same for a UDP flow (a datagram
# every 20 ms, at most MAX_LOST (default 10) unanswered, STALL_MS of
# silence ending it).
flow_start() {
	: >"$LIB_TMP/$1.out"
	ip netns exec client fnat-traffic flow --udp "$VIP:${4:-$VPORT}" --seconds "$(($2 * SLOWDOWN))" \
		--timeout-ms "$((STALL_MS * SLOWDOWN))" --max-lost "$MAX_LOST" --seed "$3" >"$LIB_TMP/$1.out" 2>&1 &
	PIDS[$1]=$!
	wait_for 30 grep -q "^flow answered: " "$LIB_TMP/$1.out"
	CPORT[$1]=$(sed -n 's/^flow from [0-9.]*:\([0-9]*\) .*/\1/p' "$LIB_TMP/$1.out")
	[ -n "${CPORT[$1]}" ] || fail "no client port in: $(cat "$LIB_TMP/$1.out")"
}

# ended NAME ok|failed [KINDS]: NAME's stream or flow has ended (within
# 40 s) the way expected: "ok", or failed with one of KINDS (an extended
# regular expression of failure kinds).
ended() {
	local name=$1 want=$2 kinds=${3:-.*} rc=0 out i
	for ((i = 0; i < 400; i++)); do
		kill -0 "${PIDS[$name]}" 2>/dev/null || break
		sleep 0.1
	done
	! kill -0 "${PIDS[$name]}" 2>/dev/null || fail "$name still runs 40 s later"
	wait "${PIDS[$name]}" || rc=$?
	out=$(grep -E '^(stream|flow) (ok|failed|errors|lost)' "$LIB_TMP/$name.out" || true)
	echo "$name: $out"
	if [ "$want" = ok ]; then
		{ [ "$rc" = 0 ] && [[ "$out" =~ (stream|flow)\ ok: ]]; } ||
			fail "$name did not go on to the end (exit $rc): $(cat "$LIB_TMP/$name.out")"
	else
		{ [ "$rc" = 1 ] && [[ "$out" =~ (stream|flow)\ failed:\ ($kinds) ]]; } ||
			fail "$name did not fail with $kinds (exit $rc): $(cat "$LIB_TMP/$name.out")"
	fi
}

# connect PROTO PORT COUNT SEED [ARGS...]: COUNT exchanges from the client
# to VIP:PORT; prints the report.
connect() {
	must in_ns client fnat-traffic connect "--$1" "$VIP:$2" --count "$3" --bytes 100 --seed "$4" \
		"${@:5}"
}

# works SEED: 10 TCP and 10 UDP exchanges to VIP:PORT, 5 on each server.
works() {
	local proto out
	for proto in tcp udp; do
		out=$(connect "$proto" "$PORT" 10 "$1")
		[[ "$out" == *"result: 10 ok, 0 failed"* ]] || fail "$proto: not 10 ok: $out"
		[[ "$out" == *"server rs1: 5 answered"* && "$out" == *"server rs2: 5 answered"* ]] ||
			fail "$proto: rr did not split 5/5: $out"
	done
	echo "10 TCP and 10 UDP exchanges through the director"
}

# configure: timeouts of 30 s (TCP), 2 s (closing TCP), 5 s (UDP), so that
# the table drains quickly; TCP and UDP services on PORT and VPORT and a
# UDP one on FILL_PORT over rs1 and rs2 (rr), with both LIPs for FULLNAT.
configure() {
	local port proto
	lb --set 30 2 5
	for port in "$PORT" "$VPORT" "$FILL_PORT"; do
		for proto in -t -u; do
			[ "$port" != "$FILL_PORT" ] || [ "$proto" = -u ] || continue
			lb -A "$proto" "$VIP:$port" -s rr
			if [ "$TOPO" = fullnat ]; then
				lb -P "$proto" "$VIP:$port" -z "$LIP1"
				lb -P "$proto" "$VIP:$port" -z "$LIP2"
			fi
			lb -a "$proto" "$VIP:$port" -r "$RIP1:$port" "$LB_FWD"
			lb -a "$proto" "$VIP:$port" -r "$RIP2:$port" "$LB_FWD"
		done
	done
}

# fill N PPS [PORT [PER_FLOW]]: PER_FLOW (default 1) datagrams from each of
# N flows (sources FILL_NET and up, ports 1024 and up) to VIP:PORT (default
# FILL_PORT), PPS a second, from a raw socket on the client; prints the
# sender's last report line.
fill() {
	must in_ns client fnat-bench-udp --raw --target "$VIP:${3:-$FILL_PORT}" --src-net "$FILL_NET" \
		--src-count 4 --flows "$1" --per-flow "${4:-1}" --size 16 --pps-limit "$2" --duration 120 |
		tail -n 1
}
