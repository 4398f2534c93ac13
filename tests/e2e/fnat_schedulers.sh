#!/bin/bash
# Scheduling that operators rely on, with real connections in the seeds' NAT
# network (the schedulers' choices themselves are checked against reference
# implementations in KUnit):
# - sh and dh keep one client, or one destination, on one real server, and
#   sh-port spreads a client's connections; lblc and lblcr keep a
#   destination on one;
# - lc, wlc, sed and nq send new connections away from a server holding one;
# - persistence (-p) keeps a client on one server across connections, and
#   lets go once the template expires; -M groups a client network;
# - weight 0 with persistence: the template still pins the client (a
#   drained server sees its sessions through) until expire_quiescent_template
#   is set;
# - an upper threshold (-x) stops new connections to a server while it has
#   that many, and scheduling resumes when they are gone;
# - expire_nodest_conn: a UDP flow whose server was deleted moves to
#   another server after one lost datagram, and keeps its server when off;
# - no dest available: the connection is dropped, or with reject_no_dest
#   refused at once (TCP reset, ICMP port unreachable).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
LB=fnatadm
# shellcheck source=_topo.sh
. "$(dirname "$0")/_topo.sh"
# shellcheck source=_traffic.sh
. "$(dirname "$0")/_traffic.sh"

# one_server OUT N: all N exchanges of report OUT succeeded, on one server;
# prints which.
one_server() {
	local out=$1 n=$2 a b
	[[ "$out" == *"result: $n ok, 0 failed"* ]] || fail "not $n ok: $out"
	a=$(answered "$out" rs1)
	b=$(answered "$out" rs2)
	if [ "$a" = "$n" ] && [ "$b" = 0 ]; then
		echo rs1
	elif [ "$b" = "$n" ] && [ "$a" = 0 ]; then
		echo rs2
	else
		fail "split $a/$b over two servers, not one: $out"
	fi
}

# one_established: rs1 or rs2 has one established connection.
one_established() {
	established rs1 1 || established rs2 1
}

# tcp N SEED [ARGS...]: N TCP exchanges from the client; prints the report.
tcp() {
	local n=$1 seed=$2
	shift 2
	must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count "$n" --bytes 100 \
		--seed "$seed" "$@"
}

step "load fnat; the NAT network; short timeouts so closed connections go quickly"
lb_load
topo_nat
lb --set 30 2 2

step "sh: one client's 20 connections all go to one server"
lb -A -t "$VIP:$PORT" -s sh
lb -a -t "$VIP:$PORT" -r "$RIP1:$PORT" -m
lb -a -t "$VIP:$PORT" -r "$RIP2:$PORT" -m
lb -Ln
out=$(tcp 20 1)
echo "$out"
one_server "$out" 20 >/dev/null

step "dh: connections to one VIP all go to one server"
lb -E -t "$VIP:$PORT" -s dh
out=$(tcp 20 2)
one_server "$out" 20 >/dev/null

step "sh-port: the source port in the hash spreads one client's connections"
lb -E -t "$VIP:$PORT" -s sh -b sh-port
lb -Ln
out=$(tcp 20 20)
echo "$out"
if [ "$(answered "$out" rs1)" -eq 0 ] || [ "$(answered "$out" rs2)" -eq 0 ]; then
	fail "sh-port kept all 20 connections on one server"
fi

for sched in lblc lblcr; do
	step "$sched: connections to one destination address stay on one server"
	lb -E -t "$VIP:$PORT" -s "$sched"
	out=$(tcp 20 21)
	one_server "$out" 20 >/dev/null
done
sleep 3 # the connections above leave TIME_WAIT (tcpfin 2 s)

for sched in lc wlc sed nq; do
	step "$sched: with a connection held open on one server, new ones go to the other"
	lb -E -t "$VIP:$PORT" -s "$sched"
	ip netns exec client fnat-traffic connect --tcp "$VIP:$PORT" --count 1 --bytes 10 \
		--hold-ms 3000 --seed 22 >"$LIB_TMP/held.out" 2>&1 &
	held=$!
	wait_until 10 one_established
	if established rs1 1; then busy=rs1 idle=rs2; else busy=rs2 idle=rs1; fi
	out=$(tcp 4 23)
	echo "$out"
	[ "$(one_server "$out" 4)" = "$idle" ] || fail "$sched sent new connections to the busy $busy"
	wait "$held" || fail "the held connection failed: $(cat "$LIB_TMP/held.out")"
	sleep 3
done

step "persistence: -p 3 keeps the client on one server; 3 s after its last packet it is free"
lb -E -t "$VIP:$PORT" -s rr -p 3
out=$(tcp 20 3)
first=$(one_server "$out" 20)
echo "pinned to $first"
out=$(lb -Lnc)
echo "$out"
[[ "$out" =~ TCP\ 00:0[0-3]\ +NONE\ +$CLIENT:0\ +$VIP:$PORT ]] || fail "no template listed"
out=$(lb -Ln --persistent-conn)
echo "$out"
sleep 4
out=$(tcp 20 4)
second=$(one_server "$out" 20)
echo "then pinned to $second"
[ "$first" != "$second" ] || fail "the expired template still pinned the client (rr should move it)"

step "-M 255.255.255.0: the clients of one /24 share a server; with /32 they do not"
# A second client address: the client's route picks it as the source.
must ip -n client addr add 10.0.1.3/24 dev eth0
sleep 4 # the -p 3 template of 10.0.1.2 above expires
from() {
	must ip -n client route change 10.0.1.0/24 dev eth0 src "$1"
}
lb -E -t "$VIP:$PORT" -s rr -p 30 -M 255.255.255.0
out=$(tcp 5 30)
a=$(one_server "$out" 5)
from 10.0.1.3
out=$(tcp 5 31)
echo "$out"
[[ "$out" == *"peers 10.0.1.3,"* ]] || fail "the connections did not come from 10.0.1.3"
[ "$(one_server "$out" 5)" = "$a" ] || fail "10.0.1.3 did not share 10.0.1.2's server"
lb -E -t "$VIP:$PORT" -s rr -p 30
out=$(tcp 1 32)
b=$(one_server "$out" 1)
from "$CLIENT"
out=$(tcp 1 33)
[ "$(one_server "$out" 1)" != "$b" ] || fail "with a /32 mask both clients got one server"
must ip -n client addr del 10.0.1.3/24 dev eth0
out=$(lb -Lnc)
grep NONE <<<"$out"

step "weight 0 with persistence: the template keeps pinning; expire_quiescent_template lets go"
out=$(tcp 1 5)
pinned=$(one_server "$out" 1)
if [ "$pinned" = rs1 ]; then rip=$RIP1 other=rs2; else rip=$RIP2 other=rs1; fi
lb -e -t "$VIP:$PORT" -r "$rip:$PORT" -m -w 0
out=$(tcp 5 6)
[ "$(one_server "$out" 5)" = "$pinned" ] || fail "the template let go of a quiesced server"
echo 1 >/sys/kernel/fnat/expire_quiescent_template
out=$(tcp 5 7)
[ "$(one_server "$out" 5)" = "$other" ] || fail "expire_quiescent_template did not move the client"
echo 0 >/sys/kernel/fnat/expire_quiescent_template
lb -e -t "$VIP:$PORT" -r "$rip:$PORT" -m -w 1
lb -E -t "$VIP:$PORT" -s rr
sleep 3

step "threshold: rs1 -x 1 holds one connection, so new ones go to rs2; then it is back"
lb -e -t "$VIP:$PORT" -r "$RIP1:$PORT" -m -x 1
ip netns exec client fnat-traffic connect --tcp "$VIP:$PORT" --count 2 --parallel 2 \
	--bytes 10 --hold-ms 4000 --seed 8 >"$LIB_TMP/held.out" 2>&1 &
held=$!
wait_until 10 established rs1 1
wait_until 10 established rs2 1
out=$(tcp 10 9)
echo "$out"
[ "$(one_server "$out" 10)" = rs2 ] || fail "the overloaded rs1 got connections"
lb -L -n --thresholds
wait "$held" || fail "held connections failed: $(cat "$LIB_TMP/held.out")"
sleep 3 # their 2 s FIN timeout
out=$(tcp 10 10)
echo "$out"
[ "$(answered "$out" rs1)" -ge 1 ] || fail "rs1 never came back from overload"
lb -e -t "$VIP:$PORT" -r "$RIP1:$PORT" -m -x 0

step "expire_nodest_conn: a UDP flow whose server is deleted"
lb -A -u "$VIP:$PORT" -s rr
lb -a -u "$VIP:$PORT" -r "$RIP1:$PORT" -m
lb -a -u "$VIP:$PORT" -r "$RIP2:$PORT" -m
lb --set 30 2 30
udp() {
	must in_ns client fnat-traffic connect --udp "$VIP:$PORT" --count 1 --bytes 10 \
		--seed "$1" --source-port-range 25000-25000 --timeout-ms 1000 "${@:2}"
}
out=$(udp 11)
first=$(one_server "$out" 1)
if [ "$first" = rs1 ]; then rip=$RIP1; else rip=$RIP2; fi
lb -d -u "$VIP:$PORT" -r "$rip:$PORT"
out=$(udp 12)
[ "$(one_server "$out" 1)" = "$first" ] || fail "the flow left its deleted server with expire_nodest_conn off"
echo 1 >/sys/kernel/fnat/expire_nodest_conn
out=$(udp 13 --allow-failures)
echo "$out"
[[ "$out" == *"result: 0 ok, 1 failed"* ]] || fail "the datagram to the deleted server was not dropped"
out=$(udp 14)
[ "$(one_server "$out" 1)" != "$first" ] || fail "the flow did not move to a live server"
echo 0 >/sys/kernel/fnat/expire_nodest_conn
out=$(lb -L --drops)
[[ "$out" =~ dest_deleted\ +1 ]] || fail "the dropped datagram was not counted: $out"

step "no dest available: dropped by default, refused at once with reject_no_dest"
lb -e -t "$VIP:$PORT" -r "$RIP1:$PORT" -m -w 0
lb -e -t "$VIP:$PORT" -r "$RIP2:$PORT" -m -w 0
out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 1 --bytes 10 \
	--timeout-ms 1500 --allow-failures)
echo "$out"
[[ "$out" == *"connect-timeout 1"* ]] || fail "a connection with no dest was not dropped"
echo 1 >/sys/kernel/fnat/reject_no_dest
out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 1 --bytes 10 \
	--timeout-ms 1500 --allow-failures)
echo "$out"
[[ "$out" == *"refused 1"* ]] || fail "TCP was not refused"
lb -D -u "$VIP:$PORT"
lb -A -u "$VIP:$PORT" -s rr
out=$(must in_ns client fnat-traffic connect --udp "$VIP:$PORT" --count 1 --bytes 10 \
	--source-port-range 25100-25100 --timeout-ms 1500 --allow-failures)
echo "$out"
[[ "$out" == *"refused 1"* ]] || fail "UDP was not refused"
echo 0 >/sys/kernel/fnat/reject_no_dest
must_fail "Invalid argument" sh -c "echo 2 >/sys/kernel/fnat/reject_no_dest"

step "clear and tear down"
lb -C
lb --set 7440 120 300
topo_down
lb_unload
