#!/bin/bash
# The global tunables under /sys/kernel/fnat/ and the load-time parameters:
# - /sys/kernel/fnat/ holds exactly the documented attributes; each takes
#   good values written with echo and shows them back, and refuses bad ones
#   (out of range, not a number, wrong form, a missing or extra number) with
#   "Invalid argument", keeping the old value;
# - the load-time parameters show in /sys/module/fnat/parameters/ and cannot
#   be written there; out-of-range ones refuse the load with a log line;
#   conn_max given at load is /sys/kernel/fnat/conn_max's starting value;
# - conn_max: beyond it new connections are dropped (counted as conn_limit,
#   logged) and existing ones go on; lowering it evicts nothing; 0 lifts it;
# - log_ratelimit: with "60000 2" two of many table-full warnings reach the
#   log, with "0 1" every one, with "60000 0" none (the drops are counted
#   all the same);
# - strip_tcp_timestamps: at 1 a FULLNAT SYN reaches the real server without
#   its timestamp option, at 0 with it, and connections work both ways.
# The other attributes' effects on traffic are checked where their feature
# is: toa and lport_range in fnat_fullnat, fast_path in fnat_forwarding,
# expire_nodest_conn, expire_quiescent_template and reject_no_dest in
# fnat_schedulers, the sync ones in fnat_sync.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
LB=fnatadm
# shellcheck source=_topo.sh
. "$(dirname "$0")/_topo.sh"
# shellcheck source=_traffic.sh
. "$(dirname "$0")/_traffic.sh"

SYS=/sys/kernel/fnat

# Per attribute: good values (as written; read back with blanks squeezed)
# and bad ones, separated by "|". The first good value is the default.
declare -A GOOD BAD
GOOD[conn_max]='0|5|2147483647'
BAD[conn_max]='-1|2147483648|4294967296|many|1 2|'
GOOD[expire_nodest_conn]='0|1'
GOOD[expire_quiescent_template]='0|1'
GOOD[fast_path]='1|0'
GOOD[reject_no_dest]='0|1'
GOOD[strip_tcp_timestamps]='1|0'
GOOD[toa]='1|0'
for a in expire_nodest_conn expire_quiescent_template fast_path reject_no_dest \
	strip_tcp_timestamps toa; do
	BAD[$a]='2|-1|yes|0x1|1 1|'
done
GOOD[lport_range]='1025 65535|2000 3000|1 65535|4242 4242'
BAD[lport_range]='3000 2000|0 100|1 65536|4242|1 2 3|a b|1,2|'
GOOD[log_ratelimit]='5000 10|0 0|3600000 10000'
BAD[log_ratelimit]='3600001 1|1 10001|5000|5000 10 1|x y|'
GOOD[sync_threshold]='3 50|0 1|7 0|32766 32767'
BAD[sync_threshold]='50 50|3 32768|3|a b|3 50 1|'
GOOD[sync_refresh_period]='0|86400|60'
BAD[sync_refresh_period]='86401|-1|soon|'
GOOD[sync_bulk_rate]='20000|100|10000000'
BAD[sync_bulk_rate]='99|10000001|0|fast|'
GOOD[sync_flush_ms]='20|1|10000'
BAD[sync_flush_ms]='0|10001|20ms|'
# The defences: 2 (automatic) reads back 1 while memory is plentiful, so
# it is left to the defense scenario.
for a in drop_entry drop_packet secure_tcp; do
	GOOD[$a]='0|3|1'
	BAD[$a]='4|-1|on|0x3|1 1|'
done
GOOD[amemthresh]='1024|1|65536'
BAD[amemthresh]='0|2147483648|-1|lots|'
GOOD[am_droprate]='10|1|2147483647'
BAD[am_droprate]='0|2147483648|-5|ten|'
GOOD[synproxy_mss]='0|536|9000|1200'
BAD[synproxy_mss]='1|535|9001|-1|mss|'
GOOD[synproxy_wscale]='7|0|14'
BAD[synproxy_wscale]='15|-1|seven|'

# dmesg_count TEXT: how many kernel log lines contain TEXT.
dmesg_count() {
	dmesg | grep -cF "$1" || true
}

# conn_entries: the director's connection entries.
conn_entries() {
	ip netns exec director fnatadm -Lnc | awk 'NR > 2' | wc -l
}

# udp_burst N SEED: N UDP exchanges from fresh ports (new connections each),
# 5 at a time, a short wait for answers; prints the report, never fails.
udp_burst() {
	in_ns client fnat-traffic connect --udp "$VIP:$PORT" --count "$1" --bytes 10 \
		--parallel 5 --timeout-ms 300 --seed "$2" --allow-failures
}

# ok_count OUT: the exchanges report OUT counts as ok.
ok_count() {
	sed -n 's/.*result: \([0-9]*\) ok.*/\1/p' <<<"$1"
}

step "load-time parameters: shown, read-only, checked at load"
must modprobe fnat conn_max=7 conn_tab_bits=10
expect_output 7 cat /sys/module/fnat/parameters/conn_max
expect_output 10 cat /sys/module/fnat/parameters/conn_tab_bits
expect_output 7 cat $SYS/conn_max
must_fail "Permission denied" sh -c "echo 8 >/sys/module/fnat/parameters/conn_max"
must_fail "Permission denied" sh -c "echo 12 >/sys/module/fnat/parameters/conn_tab_bits"
must rmmod fnat
must_fail "Invalid argument" modprobe fnat conn_tab_bits=30
[ "$(dmesg_count "conn_tab_bits=30 is out of range 8..24")" -ge 1 ] ||
	fail "no log line for conn_tab_bits=30"
must_fail "Invalid argument" modprobe fnat conn_max=2147483648
[ "$(dmesg_count "conn_max=2147483648 is out of range")" -ge 1 ] ||
	fail "no log line for conn_max=2147483648"
! grep -q "^fnat " /proc/modules || fail "fnat loaded with a bad parameter"
lb_load
expect_output 0 cat $SYS/conn_max

step "every attribute: the documented set, good values taken, bad ones refused"
want=$(printf '%s\n' "${!GOOD[@]}" | sort)
expect_output "$want" ls $SYS
for a in "${!GOOD[@]}"; do
	IFS='|' read -r -a goods <<<"${GOOD[$a]}"
	IFS='|' read -r -a bads <<<"${BAD[$a]}|"
	[ "$(cat "$SYS/$a")" = "${goods[0]}" ] ||
		fail "$a is '$(cat "$SYS/$a")', not its default '${goods[0]}'"
	for v in "${goods[@]}"; do
		must sh -c "echo '$v' >$SYS/$a"
		expect_output "$(tr -s ' ' <<<"$v")" cat "$SYS/$a"
	done
	last=$(cat "$SYS/$a")
	for v in "${bads[@]}"; do
		must_fail "Invalid argument" sh -c "echo '$v' >$SYS/$a"
		expect_output "$last" cat "$SYS/$a"
	done
	must sh -c "echo '${goods[0]}' >$SYS/$a"
	echo "$a: ${#goods[@]} good, ${#bads[@]} bad; back to ${goods[0]}"
done
must sh -c "echo 6000 7000 >$SYS/lport_range" # blanks between, as many as wanted
expect_output "6000 7000" cat $SYS/lport_range
echo "1025 65535" >$SYS/lport_range

step "a FULLNAT service: UDP and TCP VIP:80 over rs1 and rs2"
topo_fullnat
for proto in -t -u; do
	lb -A "$proto" "$VIP:$PORT" -s rr
	lb -P "$proto" "$VIP:$PORT" -z "$LIP1"
	lb -a "$proto" "$VIP:$PORT" -r "$RIP1:$PORT" -b
	lb -a "$proto" "$VIP:$PORT" -r "$RIP2:$PORT" -b
done

step "conn_max: new connections beyond it are dropped, counted and logged; old ones stay"
base=$(conn_entries)
echo $((base + 5)) >$SYS/conn_max
limit_before=$(drops conn_limit)
logged_before=$(dmesg_count "connection table full (conn_max $((base + 5)))")
out=$(udp_burst 10 1)
echo "$out"
[ "$(ok_count "$out")" = 5 ] || fail "conn_max $((base + 5)) let $(ok_count "$out") of 10 new flows through, not 5"
[ "$(conn_entries)" -eq $((base + 5)) ] || fail "$(conn_entries) entries, not $((base + 5))"
[ "$(drops conn_limit)" -ge $((limit_before + 5)) ] || fail "conn_limit drops not counted"
[ "$(dmesg_count "connection table full (conn_max $((base + 5)))")" -gt "$logged_before" ] ||
	fail "the full table was not logged"
step "conn_max lowered below the count: nothing evicted, nothing new; 0 lifts the limit"
echo 1 >$SYS/conn_max
[ "$(conn_entries)" -eq $((base + 5)) ] || fail "lowering conn_max evicted entries"
out=$(udp_burst 5 2)
[ "$(ok_count "$out")" = 0 ] || fail "a new flow got through with conn_max 1: $out"
echo 0 >$SYS/conn_max
out=$(udp_burst 10 3)
[ "$(ok_count "$out")" = 10 ] || fail "conn_max 0 did not lift the limit: $out"

step "log_ratelimit: 2 a minute, then all, then none; every drop counted"
echo $(($(conn_entries) + 0)) >$SYS/conn_max
msg="connection table full"
for setting in "60000 2" "0 1" "60000 0"; do
	echo "$setting" >$SYS/log_ratelimit
	d0=$(drops conn_limit)
	l0=$(dmesg_count "$msg")
	udp_burst 8 4 >/dev/null
	dropped=$(($(drops conn_limit) - d0))
	logged=$(($(dmesg_count "$msg") - l0))
	echo "log_ratelimit $setting: $dropped dropped, $logged logged"
	[ "$dropped" -ge 8 ] || fail "only $dropped conn_limit drops for 8 new flows"
	case $setting in
	"60000 2") want=2 ;;
	"0 1") want=$dropped ;;
	"60000 0") want=0 ;;
	esac
	[ "$logged" -eq "$want" ] || fail "log_ratelimit $setting: $logged lines logged, not $want"
done
echo "5000 10" >$SYS/log_ratelimit
echo 0 >$SYS/conn_max

step "strip_tcp_timestamps: the SYN at the real server, with and without the client's timestamp"
for strip in 1 0; do
	echo $strip >$SYS/strip_tcp_timestamps
	ip netns exec rs1 tcpdump -Z root -n -l -v -c 1 -i eth0 \
		"tcp[tcpflags] & tcp-syn != 0 and tcp[tcpflags] & tcp-ack == 0" \
		>"$LIB_TMP/syn.out" 2>&1 &
	dump=$!
	wait_until 10 grep -q "listening on" "$LIB_TMP/syn.out"
	out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 4 --bytes 2000 --seed 5)
	[[ "$out" == *"result: 4 ok, 0 failed"* ]] || fail "strip_tcp_timestamps $strip: not 4 ok: $out"
	wait "$dump" || true
	syn=$(grep -A1 "Flags \[S\]" "$LIB_TMP/syn.out")
	echo "strip_tcp_timestamps $strip: $syn"
	[[ "$syn" == *"Flags [S]"* ]] || fail "no SYN captured at rs1"
	if [ $strip = 1 ]; then
		[[ "$syn" != *"TS val"* ]] || fail "the SYN kept its timestamp with strip_tcp_timestamps 1"
	else
		[[ "$syn" == *"TS val"* ]] || fail "the SYN lost its timestamp with strip_tcp_timestamps 0"
	fi
done
echo 1 >$SYS/strip_tcp_timestamps

step "--show-tunables lists them all"
out=$(must fnatadm --show-tunables)
for a in "${!GOOD[@]}"; do
	[[ "$out" =~ (^|$'\n')\ \ $a\ +$(cat "$SYS/$a")($'\n'|$) ]] || fail "--show-tunables lacks $a: $out"
done
topo_down
lb_unload
