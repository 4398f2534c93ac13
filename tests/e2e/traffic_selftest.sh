#!/bin/bash
# fnat-traffic checks itself, without fnat: a client and a server namespace
# joined by a veth pair, two named servers (TCP and UDP each), exchanges
# counted per server name with the client address the server saw, source
# ports from a range, connections held open, a verified stream, a UDP flow
# from one port and its losses, and the failures the later scenarios rely
# on (refused, a stalled stream, a stream whose server dies, a flow that
# loses too much or gets no answer) reported as such, with a non-zero exit.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

CLIENT=10.99.0.1
SERVER=10.99.0.2

# serve NAME PORT: starts `fnat-traffic serve` for TCP and UDP PORT in the
# server namespace, output in $LIB_TMP/NAME.out; sets serve_pid. The exit
# trap stops it if the scenario does not.
serve() {
	ip netns exec server fnat-traffic serve --tcp "$2" --udp "$2" --name "$1" \
		--max-seconds 200 >"$LIB_TMP/$1.out" 2>&1 &
	serve_pid=$!
	wait_until 10 grep -q "^listening udp 0.0.0.0:$2\$" "$LIB_TMP/$1.out"
	expect_contains "listening tcp 0.0.0.0:$2" cat "$LIB_TMP/$1.out"
}

# has TEXT SUBSTRING...: every SUBSTRING must be in TEXT.
has() {
	local text=$1 want
	shift
	for want in "$@"; do
		[[ "$text" == *"$want"* ]] || fail "output lacks '$want':
$text"
	done
}

# established PORT N: the server namespace has N established TCP connections
# on local port PORT.
established() {
	local lines
	lines=$(in_ns server ss -Htn state established "( sport = :$1 )" | wc -l)
	[ "$lines" -eq "$2" ]
}

# status CMD...: prints CMD's exit status (its output goes to $LIB_TMP/last.*).
status() {
	local rc=0
	"$@" >"$LIB_TMP/last.out" 2>"$LIB_TMP/last.err" || rc=$?
	echo "$rc"
}

step "client and server namespaces joined by a veth pair"
netns_add client server
must ip link add c0 netns client type veth peer name s0 netns server
must ip -n client addr add $CLIENT/24 dev c0
must ip -n server addr add $SERVER/24 dev s0
must ip -n client link set c0 up
must ip -n server link set s0 up
must in_ns client ping -c 1 -W 5 $SERVER >/dev/null

step "two servers, rs1 on 8001 and rs2 on 8002, TCP and UDP"
serve rs1 8001
rs1_pid=$serve_pid
serve rs2 8002
rs2_pid=$serve_pid

step "TCP: 50 exchanges of 10000 bytes to each, counted per name, client address seen"
for n in 1 2; do
	out=$(must in_ns client fnat-traffic connect --tcp $SERVER:800$n --count 50 --bytes 10000 \
		--parallel 4 --seed $n)
	echo "$out"
	has "$out" "tcp $SERVER:800$n: 50 exchanges of 10000 bytes, parallel 4" \
		"server rs$n: 50 answered, 0 failed, latency min " "peers $CLIENT, ports " \
		"failures: none" "result: 50 ok, 0 failed"
	[ "$(grep -c '^server ' <<<"$out")" -eq 1 ] || fail "more than one server answered: $out"
done

step "UDP: 50 exchanges of 10000 bytes to each"
for n in 1 2; do
	out=$(must in_ns client fnat-traffic connect --udp $SERVER:800$n --count 50 --bytes 10000 \
		--parallel 4)
	echo "$out"
	has "$out" "udp $SERVER:800$n: 50 exchanges" "server rs$n: 50 answered, 0 failed" \
		"peers $CLIENT, ports " "failures: none" "result: 50 ok, 0 failed"
done

step "--json, and source ports from --source-port-range reused at once with --close rst"
# Ports above the ephemeral range (32768-60999): the exchanges above leave
# their own ports in TIME_WAIT, and a bind to one of those would fail.
out=$(must in_ns client fnat-traffic connect --tcp $SERVER:8001 --count 12 --bytes 1 \
	--parallel 2 --source-port-range 61000-61003 --close rst --json)
has "$out" '"protocol": "tcp"' '"ok": 12' '"failed": 0' '"name": "rs1"' '"answered": 12' \
	"\"peers\": [
        \"$CLIENT\"
      ]" '"min": 61000' '"max": 61003' '"distinct": 4' '"refused": 0' '"errors": []'
out=$(must in_ns client fnat-traffic connect --udp $SERVER:8002 --count 6 --bytes 0 \
	--source-port-range 61100-61100)
has "$out" "server rs2: 6 answered, 0 failed" "ports 61100-61100 (1 distinct)"

step "--hold-ms keeps the connections open"
# Background jobs run ip netns exec directly: a function (in_ns) would run in
# a subshell whose ERR trap reports the expected failures as FAIL lines.
ip netns exec client fnat-traffic connect --tcp $SERVER:8002 --count 4 --parallel 4 \
	--hold-ms 4000 >"$LIB_TMP/hold.out" 2>&1 &
hold_pid=$!
wait_until 10 established 8002 4
wait "$hold_pid" || fail "held connections failed: $(cat "$LIB_TMP/hold.out")"
has "$(cat "$LIB_TMP/hold.out")" "server rs2: 4 answered, 0 failed" "result: 4 ok, 0 failed"
wait_until 10 established 8002 0

step "stream for 3 s, verified both ways"
out=$(must in_ns client fnat-traffic stream --tcp $SERVER:8001 --seconds 3)
echo "$out"
has "$out" "stream connected: server rs1, seen as $CLIENT:" "stream 1 s: sent " \
	"stream 3 s: sent " "stream ok: "
[[ "$out" =~ stream\ ok:\ [0-9.]+\ s,\ sent\ ([0-9]+)\ received\ ([0-9]+)\ bytes ]] ||
	fail "no totals in: $out"
if [ "${BASH_REMATCH[1]}" != "${BASH_REMATCH[2]}" ] || [ "${BASH_REMATCH[1]}" -lt 1000000 ]; then
	fail "stream sent ${BASH_REMATCH[1]}, received ${BASH_REMATCH[2]} bytes"
fi

step "a UDP flow for 2 s from one port, every echo verified"
out=$(must in_ns client fnat-traffic flow --udp $SERVER:8001 --seconds 2 --source-port 41000)
echo "$out"
has "$out" "flow from $CLIENT:41000 to $SERVER:8001: 100 datagrams of 100 bytes, one every 20 ms" \
	"flow answered: server rs1, seen as $CLIENT:41000" "flow 1 s: sent " \
	"sent 100 received 100 lost 0 (longest gap " "server rs1, seen as $CLIENT:41000"

# drop_udp -A|-D: the server namespace drops (or no longer drops) what
# comes in for UDP 8001. (A link that goes down would only hold the
# datagrams back: a veth without carrier queues them.)
drop_udp() {
	must ip netns exec server iptables "$1" INPUT -p udp --dport 8001 -j DROP
}

step "a flow through a 0.5 s outage counts what it lost; beyond --max-lost it fails"
for max in 200 0; do
	ip netns exec client fnat-traffic flow --udp $SERVER:8001 --seconds 3 --max-lost $max \
		>"$LIB_TMP/flow.out" 2>"$LIB_TMP/flow.err" &
	flow_pid=$!
	wait_until 10 grep -q "^flow 1 s: " "$LIB_TMP/flow.out"
	drop_udp -A
	sleep 0.5
	drop_udp -D
	rc=0
	wait "$flow_pid" || rc=$?
	cat "$LIB_TMP/flow.out" "$LIB_TMP/flow.err"
	grep -Eq "^flow lost: [0-9]+-[0-9]+ \(longest run [0-9]+\)$" "$LIB_TMP/flow.out" ||
		fail "no lost datagrams reported"
	if [ "$max" = 0 ]; then
		[ "$rc" = 1 ] || fail "a flow that lost datagrams exited with status $rc under --max-lost 0"
		grep -Eq "^flow failed: lost after .*: [0-9]+ datagrams unanswered, more than --max-lost 0$" \
			"$LIB_TMP/flow.err" || fail "no loss failure reported"
	else
		[ "$rc" = 0 ] || fail "flow exited with status $rc under --max-lost $max"
		grep -Eq "^flow ok: .* lost [1-9][0-9]* \(longest gap [0-9]+ ms\), server rs1, " \
			"$LIB_TMP/flow.out" || fail "no loss in the report"
	fi
done

step "a flow without an answer for --timeout-ms fails"
drop_udp -A
rc=$(status in_ns client fnat-traffic flow --udp $SERVER:8001 --seconds 5 --max-lost 1000 \
	--timeout-ms 800)
drop_udp -D
cat "$LIB_TMP/last.err"
[ "$rc" = 1 ] || fail "a flow without answers exited with status $rc"
grep -Eq "^flow failed: timeout after .*: no answer for 800 ms, none at all yet$" \
	"$LIB_TMP/last.err" || fail "no timeout reported"

step "a closed port: refused, exit status 1"
must_fail "refused 3" in_ns client fnat-traffic connect --tcp $SERVER:9 --count 3
[ "$(status in_ns client fnat-traffic connect --tcp $SERVER:9 --count 3)" = 1 ] ||
	fail "connect to a closed port did not exit 1"
has "$(cat "$LIB_TMP/last.out")" "failures: refused 3" "result: 0 ok, 3 failed"
has "$(cat "$LIB_TMP/last.err")" "exchange 0: refused (connect: Connection refused)"
must_fail "refused 2" in_ns client fnat-traffic connect --udp $SERVER:9 --count 2 --timeout-ms 2000
# --allow-failures reports them and exits 0.
out=$(must in_ns client fnat-traffic connect --tcp $SERVER:9 --count 2 --allow-failures --json)
has "$out" '"failed": 2' '"refused": 2'

step "a wrong command line exits 2"
for args in "connect --tcp $SERVER:8001 --count 0" "connect --tcp $SERVER" "stream --tcp $SERVER:1" \
	"serve" "bogus" "flow --udp $SERVER:1" "udp-garbage --to $SERVER:1 --count 1"; do
	# shellcheck disable=SC2086 # the arguments are meant to split
	[ "$(status fnat-traffic $args)" = 2 ] || fail "fnat-traffic $args: not exit status 2"
	grep -q "^fnat-traffic: " "$LIB_TMP/last.err" || fail "fnat-traffic $args: no message"
done

step "rs1 stops on SIGTERM and saw no errors"
kill -TERM "$rs1_pid"
wait "$rs1_pid" || fail "rs1 exited with status $?"
out=$(cat "$LIB_TMP/rs1.out")
echo "$out"
has "$out" "stopped rs1: tcp " " connections (0 errors), udp " " datagrams (0 errors)"

step "a stream that stalls (the server's link goes down) fails with its offset"
ip netns exec client fnat-traffic stream --tcp $SERVER:8002 --seconds 30 --timeout-ms 1500 \
	>"$LIB_TMP/stall.out" 2>"$LIB_TMP/stall.err" &
stall_pid=$!
wait_until 10 grep -q "^stream 1 s: " "$LIB_TMP/stall.out"
must ip -n server link set s0 down
rc=0
wait "$stall_pid" || rc=$?
[ "$rc" = 1 ] || fail "stalled stream exited with status $rc: $(cat "$LIB_TMP/stall.err")"
cat "$LIB_TMP/stall.err"
grep -Eq "^stream failed: timeout at offset [0-9]+ after " "$LIB_TMP/stall.err" ||
	fail "no stall report: $(cat "$LIB_TMP/stall.err")"
must ip -n server link set s0 up
wait_until 10 in_ns client ping -c 1 -W 1 $SERVER

step "a stream whose server dies fails with its offset"
ip netns exec client fnat-traffic stream --tcp $SERVER:8002 --seconds 30 --timeout-ms 5000 \
	--json >"$LIB_TMP/dead.out" 2>"$LIB_TMP/dead.err" &
dead_pid=$!
wait_until 10 grep -q "^stream 1 s: " "$LIB_TMP/dead.err"
kill -KILL "$rs2_pid"
{ wait "$rs2_pid"; } 2>/dev/null || true # no "Killed" notice
rc=0
wait "$dead_pid" || rc=$?
[ "$rc" = 1 ] || fail "stream exited with status $rc: $(cat "$LIB_TMP/dead.err")"
cat "$LIB_TMP/dead.err"
grep -Eq "^stream failed: (reset|short-read) at offset [0-9]+ after " "$LIB_TMP/dead.err" ||
	fail "no failure report: $(cat "$LIB_TMP/dead.err")"
has "$(cat "$LIB_TMP/dead.out")" '"result": "failed"' '"offset": ' '"server": "rs2"'

step "cleanup"
netns_del client server
netns_assert_none
