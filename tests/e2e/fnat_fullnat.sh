#!/bin/bash
# FULLNAT: the real servers sit in an L3 network with no route to the client
# and see connections come from the director's local addresses (LIPs):
# - TCP and UDP byte for byte, round robin over two servers, two LIPs used;
# - the TOA option carries the client's address on the SYN (seen on the
#   wire), and with fnat-toa on the real servers their application sees the
#   client's address; with /sys/kernel/fnat/toa at 0 no option is sent;
# - a FULLNAT dest without a LIP is refused with a clear message;
# - 2000 short connections through 50 local ports per LIP reuse the ports
#   with no failed or stalled connection;
# - with 2 local ports, connections beyond them are dropped and counted, the
#   log stays bounded, and a waiting client gets through once ports free up;
# - deleting a LIP drains it: held connections finish, new ones avoid it;
# - frag-needed from the director, and a real server's port-unreachable,
#   reach the client across FULLNAT;
# - after fnat is reloaded, connections on local ports the real servers
#   still hold in TIME_WAIT get through at once.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
LB=fnatadm
# shellcheck source=_topo.sh
. "$(dirname "$0")/_topo.sh"
# shellcheck source=_traffic.sh
. "$(dirname "$0")/_traffic.sh"

RANGE=/sys/kernel/fnat/lport_range

# seen_from OUT ADDR...: both servers answered in report OUT, each seeing
# only the addresses ADDR... as peers.
seen_from() {
	local out=$1 n peers
	shift
	for n in rs1 rs2; do
		peers=$(grep -o "server $n: .*peers [0-9., ]*, ports" <<<"$out" | sed 's/.*peers //; s/, ports$//')
		[ -n "$peers" ] || fail "$n did not answer: $out"
		local p ok
		for p in ${peers//,/ }; do
			ok=
			for a in "$@"; do [ "$p" != "$a" ] || ok=1; done
			[ -n "$ok" ] || fail "$n saw peer $p, not one of $*: $out"
		done
	done
}

step "load fnat; fnat-toa on the real servers (the VM's root cgroup); the FULLNAT network"
lb_load
grep -q "^[^ ]* /sys/fs/cgroup cgroup2 " /proc/mounts || must mount -t cgroup2 none /sys/fs/cgroup
grep -q "^[^ ]* /sys/fs/bpf bpf " /proc/mounts || must mount -t bpf bpf /sys/fs/bpf
must fnat-toa attach
on_exit "fnat-toa detach >/dev/null 2>&1 || true"
topo_fullnat
echo "client $CLIENT -> VIP $VIP:$PORT -> from $LIP1/$LIP2 -> rs1 $RIP1, rs2 $RIP2 (no route back to $CLIENT)"
must_fail "unreachable" ip -n rs1 route get "$CLIENT"

step "services: TCP and UDP VIP:80 over rs1 and rs2, from two local addresses"
for proto in -t -u; do
	lb -A "$proto" "$VIP:$PORT" -s rr
	lb -P "$proto" "$VIP:$PORT" -z "$LIP1"
	lb -P "$proto" "$VIP:$PORT" -z "$LIP2"
	lb -a "$proto" "$VIP:$PORT" -r "$RIP1:$PORT" -b
	lb -a "$proto" "$VIP:$PORT" -r "$RIP2:$PORT" -b
done
lb -Ln
lb -G

step "a FULLNAT dest on a service without local addresses is refused"
lb -A -t "$VIP:81" -s rr
must_fail "local address" ip netns exec director fnatadm -a -t "$VIP:81" -r "$RIP1:$PORT" -b
lb -D -t "$VIP:81"
must_fail "Not a unicast address" ip netns exec director fnatadm -P -t "$VIP:$PORT" -z 10.0.6.255

step "TCP: 100 exchanges of 5000 bytes, 50 to each; the servers' application sees the client (TOA)"
ip netns exec rs1 tcpdump -Z root -n -l -v -c 1 -i eth0 'tcp[tcpflags] & tcp-syn != 0' \
	>"$LIB_TMP/syn.out" 2>&1 &
dump=$!
wait_until 10 grep -q "listening on" "$LIB_TMP/syn.out"
out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 100 --bytes 5000 --seed 1)
echo "$out"
[[ "$out" == *"result: 100 ok, 0 failed"* ]] || fail "not 100 ok"
[[ "$out" == *"server rs1: 50 answered"* && "$out" == *"server rs2: 50 answered"* ]] ||
	fail "rr did not split 50/50"
seen_from "$out" "$CLIENT"
wait "$dump" || true
out=$(<"$LIB_TMP/syn.out")
echo "$out"
[[ "$out" == *"$LIP1"* || "$out" == *"$LIP2"* ]] || fail "the SYN rs1 got did not come from a LIP"
# tcpdump names option 254 as an RFC 6994 experiment, its "ExID" being
# the first two bytes of TOA: the client's port.
[[ "$out" =~ (unknown-254|exp-[0-9a-f]+) ]] || fail "no TOA option on the SYN at rs1"
must fnat-toa status

step "TOA rides the client's segments until the server answers: the request has it, the FIN not"
# The handshake's ACK and the request can pass the director on two CPUs in
# either order, and whichever reaches the server first completes its
# handshake: both carry TOA. Once the server has answered, no segment does.
ip netns exec rs1 tcpdump -Z root -n -l -i eth0 "tcp dst port $PORT and tcp[tcpflags] & tcp-syn == 0" \
	>"$LIB_TMP/toa.out" 2>&1 &
dump=$!
wait_until 10 grep -q "listening on" "$LIB_TMP/toa.out"
# rr: two connections, one to each server; rs1 gets one.
out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 2 --bytes 100 --seed 13)
sleep 1
kill -INT "$dump"
wait "$dump" || true
out=$(grep -F " > " "$LIB_TMP/toa.out")
echo "$out"
grep -E "Flags \[P\.\].* length [1-9]" <<<"$out" | grep -qE "unknown-254|exp-[0-9a-f]+" ||
	fail "the request at rs1 carried no TOA"
grep -E "Flags \[F\.\]" <<<"$out" >/dev/null || fail "no FIN from the client captured at rs1"
! grep -E "Flags \[F\.\]" <<<"$out" | grep -qE "unknown-254|exp-[0-9a-f]+" ||
	fail "TOA on the client's FIN, after the server had answered"

step "without fnat-toa the real servers see the local addresses"
must fnat-toa detach
out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 10 --bytes 100 --seed 9)
echo "$out"
seen_from "$out" "$LIP1" "$LIP2"

step "a standby local address (a backup's, before a failover) is used once the director holds it"
LIP3=10.0.6.200
lb -P -t "$VIP:$PORT" -z "$LIP3"
out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 20 --bytes 100 --seed 11)
seen_from "$out" "$LIP1" "$LIP2"
must ip -n director addr add "$LIP3/24" dev eth1
out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 30 --bytes 100 --seed 12)
seen_from "$out" "$LIP1" "$LIP2" "$LIP3"
[[ "$out" == *"$LIP3"* ]] || fail "no connection left from $LIP3 once the director held it: $out"
lb -Q -t "$VIP:$PORT" -z "$LIP3"
must ip -n director addr del "$LIP3/24" dev eth1
echo 0 >/sys/kernel/fnat/toa
ip netns exec rs1 tcpdump -Z root -n -l -v -c 1 -i eth0 'tcp[tcpflags] & tcp-syn != 0' \
	>"$LIB_TMP/syn.out" 2>&1 &
dump=$!
wait_until 10 grep -q "listening on" "$LIB_TMP/syn.out"
out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 2 --bytes 100 --seed 10)
wait "$dump" || true
out=$(<"$LIB_TMP/syn.out")
echo "$out"
[[ "$out" == *"Flags [S]"* ]] || fail "no SYN captured"
! [[ "$out" =~ (unknown-254|exp-[0-9a-f]+) ]] || fail "TOA sent with toa=0"
echo 1 >/sys/kernel/fnat/toa

step "UDP: 100 exchanges of 5000 bytes (fragmented), 50 to each server"
out=$(must in_ns client fnat-traffic connect --udp "$VIP:$PORT" --count 100 --bytes 5000 \
	--seed 2 --source-port-range 20000-20099)
echo "$out"
[[ "$out" == *"result: 100 ok, 0 failed"* ]] || fail "not 100 ok"
[[ "$out" == *"server rs1: 50 answered"* && "$out" == *"server rs2: 50 answered"* ]] ||
	fail "rr did not split 50/50"
seen_from "$out" "$LIP1" "$LIP2"

step "the connections, and the local addresses' use"
out=$(lb -Lnc)
head -n 6 <<<"$out"
lb -G

step "2000 short connections through 50 local ports per LIP: no failure, no stall"
echo "20000 20049" >"$RANGE"
expect_output "20000 20049" cat "$RANGE"
before=$(drops no_lport)
out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 2000 --bytes 10 \
	--parallel 4 --seed 3)
echo "$out"
[[ "$out" == *"result: 2000 ok, 0 failed"* ]] || fail "not 2000 ok"
ms=$(max_latency_ms "$out")
[ "$ms" -lt 900 ] || fail "a connection waited $ms ms (a dropped SYN)"
[ "$(drops no_lport)" -eq "$before" ] || fail "ports ran out"
lb -G

step "2 local ports per LIP, 8 connections held: the 9th waits (counted), then gets through"
echo "20000 20001" >"$RANGE"
ip netns exec client fnat-traffic connect --tcp "$VIP:$PORT" --count 8 --parallel 8 \
	--bytes 10 --hold-ms $((5000 * SLOWDOWN)) --seed 4 >"$LIB_TMP/held.out" 2>&1 &
held=$!
wait_until 10 established rs1 4
wait_until 10 established rs2 4
before=$(drops no_lport)
out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 1 --bytes 10 \
	--timeout-ms 20000 --seed 5)
echo "$out"
[[ "$out" == *"result: 1 ok, 0 failed"* ]] || fail "the waiting client never got through"
after=$(drops no_lport)
echo "no_lport: $before -> $after"
[ "$after" -gt "$before" ] || fail "no SYN was dropped for want of a port"
wait "$held" || fail "held connections failed: $(cat "$LIB_TMP/held.out")"
n=$(dmesg | grep -c "no local port free" || true)
echo "log lines: $n"
[ "$n" -le 10 ] || fail "$n log lines: not rate limited"
echo "1025 65535" >"$RANGE"
must_fail "Invalid argument" sh -c "echo '0 10' >$RANGE"
must_fail "Invalid argument" sh -c "echo '30000 20000' >$RANGE"
must_fail "Invalid argument" sh -c "echo 'many' >$RANGE"
expect_output "1025 65535" cat "$RANGE"

step "deleting a local address drains it"
ip netns exec client fnat-traffic connect --tcp "$VIP:$PORT" --count 2 --parallel 2 \
	--bytes 10 --hold-ms $((4000 * SLOWDOWN)) --seed 6 >"$LIB_TMP/held.out" 2>&1 &
held=$!
wait_until 10 established rs1 1
wait_until 10 established rs2 1
lb -Q -t "$VIP:$PORT" -z "$LIP1"
out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 20 --bytes 10 --seed 7)
echo "$out"
[[ "$out" == *"result: 20 ok, 0 failed"* ]] || fail "not 20 ok"
seen_from "$out" "$LIP2"
wait "$held" || fail "held connections failed: $(cat "$LIB_TMP/held.out")"
out=$(<"$LIB_TMP/held.out")
echo "$out"
[[ "$out" == *"result: 2 ok, 0 failed"* ]] || fail "the drained connections did not finish"
lb -G
lb -P -t "$VIP:$PORT" -z "$LIP1"

step "the real servers' segment has MTU 1000: frag-needed reaches the client"
expect_pmtu_learned 8

step "a real server's port-unreachable reaches the client through FULLNAT"
lb -A -u "$VIP:81" -s rr
lb -P -u "$VIP:81" -z "$LIP1"
lb -a -u "$VIP:81" -r "$RIP1:81" -b
out=$(must in_ns client fnat-traffic connect --udp "$VIP:81" --count 1 --bytes 10 \
	--timeout-ms 3000 --allow-failures)
echo "$out"
[[ "$out" == *"refused 1"* ]] || fail "the client's socket saw no port-unreachable"
lb -D -u "$VIP:81"

step "fnat reloaded while the real servers hold TIME_WAIT for the local ports: no stall"
# The servers close first, so they keep each (LIP, port) tuple in TIME_WAIT
# for a minute; 1500 local ports per LIP for 1500 connections per LIP, so
# after the reload every port is used again, half of them towards the
# server that holds it in TIME_WAIT. A SYN on a
# TIME_WAIT tuple is taken only if its sequence number is beyond the old
# connection's: ISNs must keep growing across a reload of the module (with
# a key of the module's own, this run had 239 of 3000 connections time out
# and ran at 67 connections/s instead of 1200).
lb -C
ip netns exec rs1 fnat-bench-server --tcp 8080 --threads 1 --max-seconds $((120 * SLOWDOWN)) >/dev/null 2>&1 &
ip netns exec rs2 fnat-bench-server --tcp 8080 --threads 1 --max-seconds $((120 * SLOWDOWN)) >/dev/null 2>&1 &
wait_until 10 env PORT=8080 bash -c 'ip netns exec rs1 ss -Htln "( sport = :$PORT )" | grep -q .'
wait_until 10 env PORT=8080 bash -c 'ip netns exec rs2 ss -Htln "( sport = :$PORT )" | grep -q .'
bench_service() {
	lb -A -t "$VIP:8080" -s rr
	lb -P -t "$VIP:8080" -z "$LIP1"
	lb -P -t "$VIP:8080" -z "$LIP2"
	lb -a -t "$VIP:8080" -r "$RIP1:8080" -b
	lb -a -t "$VIP:8080" -r "$RIP2:8080" -b
	echo "30000 31499" >"$RANGE"
}
bench_service
out=$(must in_ns client fnat-bench-load --target "$VIP:8080" --threads 2 --concurrency 16 \
	--max-conns 3000 --duration 60)
echo "before the reload: $out"
[[ "$out" == *" ok=3000 failed=0 "* ]] || fail "not 3000 ok before the reload"
n=$(ip netns exec rs1 ss -Htn state time-wait | wc -l)
echo "rs1 holds $n connections in TIME_WAIT"
[ "$n" -ge 1000 ] || fail "rs1 holds only $n TIME_WAIT entries"
lb -C
must rmmod fnat
must modprobe fnat
bench_service
out=$(must in_ns client fnat-bench-load --target "$VIP:8080" --threads 2 --concurrency 16 \
	--max-conns 3000 --duration 60)
echo "after the reload: $out"
[[ "$out" == *" ok=3000 failed=0 "* ]] || fail "not 3000 ok after the reload"
max=$(sed -n 's/.* max_ms=\([0-9]*\).*/\1/p' <<<"$out")
[ "$max" -lt 900 ] || fail "a connection took ${max} ms: a SYN was not taken at first"
echo "1025 65535" >"$RANGE"
lb -C

step "clear and tear down"
lb -Ln --stats
lb -L --drops
lb -C
topo_down
lb_unload
