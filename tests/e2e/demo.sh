#!/bin/bash
# The demo `make demo` shows: the seeds' NAT example end to end, with fnatadm
# in place of ipvsadm. A client, a director and two real servers (each in its
# own network namespace, wired as the seeds draw it); the director balances
# VIP:80 round robin over the two web servers; the client fetches the page
# six times and the answers alternate rs1, rs2, ...; then the counters and
# the connection table, and weights. Then FULLNAT: the real servers in a
# network of their own with no route to the client, reached from the
# director's local addresses, and still seeing the client's address (TOA,
# read by fnat-toa); and dual stack: an IPv6 VIP in front of the same
# IPv4-only servers (FULLNAT 6->4), which see the IPv6 client through TOA.
# Also run by `make check`, so the demo stays true.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
LB=fnatadm
TOPO_SERVE=http
# shellcheck source=_topo.sh
. "$(dirname "$0")/_topo.sh"

# on HOST CMD...: prints the command as an operator on HOST would type it,
# then runs it in HOST's namespace and prints its output.
on() {
	local host=$1
	shift
	echo "[root@$host ~]# $*"
	must ip netns exec "$host" "$@"
}

# fetch N: the client fetches the page N times; prints the answers in one line.
fetch() {
	local i answers=()
	for ((i = 0; i < $1; i++)); do
		answers+=("$(must ip netns exec client busybox wget -q -O - "http://$VIP/")")
	done
	echo "${answers[*]}"
}

step "the director loads fnat"
echo "[root@director ~]# modprobe fnat"
lb_load

step "the seeds' NAT network: client, director (VIP), rs1 and rs2 behind it"
topo_nat
echo "client $CLIENT -> VIP $VIP:$PORT on the director -> rs1 $RIP1:$PORT, rs2 $RIP2:$PORT (web servers)"
on director fnatadm -v

step "the director balances VIP:80 round robin, masquerading (-m)"
on director fnatadm -A -t "$VIP:$PORT" -s rr
on director fnatadm -a -t "$VIP:$PORT" -r "$RIP1:$PORT" -m
on director fnatadm -a -t "$VIP:$PORT" -r "$RIP2:$PORT" -m
out=$(on director fnatadm -Ln)
echo "$out"
[[ "$out" == *"TCP  $VIP:$PORT rr"*"$RIP1:$PORT"*"Masq"*"$RIP2:$PORT"*"Masq"* ]] ||
	fail "the listing does not show the service"

step "the client fetches http://$VIP/ six times: the answers alternate"
echo "[root@client ~]# for i in 1 2 3 4 5 6; do wget -q -O - http://$VIP/; done"
out=$(fetch 6)
echo "$out"
[ "$out" = "rs1 rs2 rs1 rs2 rs1 rs2" ] || [ "$out" = "rs2 rs1 rs2 rs1 rs2 rs1" ] ||
	fail "the answers do not alternate: $out"

step "what the director counted, and the connections it tracks"
out=$(on director fnatadm -Ln --stats)
echo "$out"
[[ "$out" =~ TCP\ +$VIP:$PORT\ +6\  ]] || fail "the service did not count 6 connections"
out=$(on director fnatadm -Lnc)
echo "$out"
[ "$(grep -c "$CLIENT:.*$VIP:$PORT" <<<"$out")" -eq 6 ] ||
	fail "-Lnc does not list the 6 connections"

step "weights: rs1 gets twice rs2's share"
on director fnatadm -E -t "$VIP:$PORT" -s wrr
on director fnatadm -e -t "$VIP:$PORT" -r "$RIP1:$PORT" -m -w 2
on director fnatadm -Ln
echo "[root@client ~]# for i in 1 2 3 4 5 6; do wget -q -O - http://$VIP/; done"
out=$(fetch 6)
echo "$out"
[ "$(grep -o rs1 <<<"$out" | wc -l)" -eq 4 ] || fail "rs1 did not answer 4 of 6: $out"

step "the same configuration as JSON, then clear it"
on director fnatadm -Ln --json
on director fnatadm -C
topo_down

step "FULLNAT: the real servers sit in another network, with no route to the client"
topo_fullnat
echo "client $CLIENT -> VIP $VIP:$PORT -> director's local addresses $LIP1, $LIP2 -> rs1 $RIP1, rs2 $RIP2"
on rs1 ip route

step "the real servers run fnat-toa, so their applications see the client's own address"
grep -q "^[^ ]* /sys/fs/cgroup cgroup2 " /proc/mounts || must mount -t cgroup2 none /sys/fs/cgroup
grep -q "^[^ ]* /sys/fs/bpf bpf " /proc/mounts || must mount -t bpf bpf /sys/fs/bpf
echo "[root@rs1 ~]# fnat-toa attach"
must fnat-toa attach
on_exit "fnat-toa detach >/dev/null 2>&1 || true"

step "the director balances VIP:80 from two local addresses (-P), forwarding FULLNAT (-b)"
on director fnatadm -A -t "$VIP:$PORT" -s rr
on director fnatadm -P -t "$VIP:$PORT" -z "$LIP1"
on director fnatadm -P -t "$VIP:$PORT" -z "$LIP2"
on director fnatadm -a -t "$VIP:$PORT" -r "$RIP1:$PORT" -b
on director fnatadm -a -t "$VIP:$PORT" -r "$RIP2:$PORT" -b
on director fnatadm -Ln

step "the client asks each server who it is talking to"
echo "[root@client ~]# for i in 1 2 3 4; do wget -q -O - http://$VIP/cgi-bin/whoami; done"
answers=()
for i in 1 2 3 4; do
	answers+=("$(must ip netns exec client busybox wget -q -O - "http://$VIP/cgi-bin/whoami")")
done
printf '%s\n' "${answers[@]}"
# busybox httpd listens on IPv6 as well, so it sees the IPv4-mapped form.
for i in 0 1 2 3; do
	[[ "${answers[i]}" =~ ^rs[12]\ sees\ client\ (\[::ffff:)?${CLIENT//./\\.}\]?: ]] ||
		fail "a server did not see the client's address: ${answers[i]}"
done
[ "${answers[0]%% *}" != "${answers[1]%% *}" ] || fail "the answers do not alternate"

step "dual stack: IPv6 clients reach the same IPv4-only servers (FULLNAT 6->4)"
VIP6=2001:db8:100::1 CLIENT6=2001:db8:1::2
must ip -n client addr add $CLIENT6/64 dev eth0 nodad
must ip -n director addr add 2001:db8:1::1/64 dev eth0 nodad
must ip -n director addr add $VIP6/128 dev eth0 nodad
must ip -n client -6 route add default via 2001:db8:1::1
echo "client $CLIENT6 -> VIP [$VIP6]:$PORT -> local address $LIP1 -> rs1 $RIP1, rs2 $RIP2 (IPv4 only)"
on director fnatadm -A -t "[$VIP6]:$PORT" -s rr
on director fnatadm -P -t "[$VIP6]:$PORT" -z "$LIP1"
on director fnatadm -a -t "[$VIP6]:$PORT" -r "$RIP1:$PORT" -b
on director fnatadm -a -t "[$VIP6]:$PORT" -r "$RIP2:$PORT" -b
out=$(on director fnatadm -Ln)
echo "$out"
[[ "$out" == *"TCP  $VIP:$PORT rr"*"TCP  [$VIP6]:$PORT rr"*"$RIP1:$PORT"*"FullNat"* ]] ||
	fail "the listing does not show both services"
echo "[root@client ~]# for i in 1 2; do wget -q -O - http://[$VIP6]/cgi-bin/whoami; done"
answers=()
for i in 1 2; do
	answers+=("$(must ip netns exec client busybox wget -q -O - "http://[$VIP6]/cgi-bin/whoami")")
done
printf '%s\n' "${answers[@]}"
# TOA kind 253 carries the IPv6 client to the IPv4 server's dual-stack socket.
for i in 0 1; do
	[[ "${answers[i]}" =~ ^rs[12]\ sees\ client\ \[?$CLIENT6\]?: ]] ||
		fail "a server did not see the IPv6 client's address: ${answers[i]}"
done

step "the local addresses' use, and the connections of both families"
on director fnatadm -G
out=$(on director fnatadm -Lnc)
echo "$out"
[[ "$out" == *"[$CLIENT6]:"*"[$VIP6]:$PORT"*"10.0.6.1"* ]] || fail "-Lnc does not list the IPv6 connections"
on director fnatadm -C
topo_down
lb_unload
