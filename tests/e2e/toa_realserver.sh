#!/bin/bash
# fnat-toa on a real server, without fnat: a client and a server namespace
# joined by a veth pair; fnat-toa-test inject plays the director, adding a
# TOA option to the connections the client makes from its own cgroup: kind
# 254 with 198.51.100.7:4242, or kind 253 with [2001:db8::5]:4000 (an IPv6
# client, as FULLNAT 6->4 and 6->6 send it). Checks that, with fnat-toa
# attached, the server's accept() and getpeername() return the TOA address
# (IPv4 and dual-stack IPv6 listeners, TOA in the handshake ACK or only in
# the first data segment; an IPv6 client only where the socket can show it)
# and getsockopt(FNAT_TOA_SO_PEER) returns it on every socket, that
# connections without TOA (or with an invalid one) keep the real address,
# that the programs stay attached after the loader exits, that --cgroup
# limits them to one cgroup, that detach restores everything, and that the
# loader's errors are clear.
#
# Needs in the VM: --bin build/userspace/fnat-toa,
# --bin build/userspace/fnat-toa-test, --bin build/userspace/fnat-traffic
# (fnat.ko is not used).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

CLIENT=10.99.0.1
SERVER=10.99.0.2
CLIENT6=fd00:99::1
SERVER6=fd00:99::2
TOA=198.51.100.7
TOA_PORT=4242
TOA6=2001:db8::5
TOA6_PORT=4000
CG=/sys/fs/cgroup
CLIENT_CG=$CG/toa-client
SERVER_CG=$CG/toa-server

for tool in fnat-toa fnat-toa-test fnat-traffic; do
	command -v "$tool" >/dev/null ||
		fail "$tool is not in the VM (tests/vm/run.sh --bin build/userspace/$tool)"
done

# in_cg CGROUP CMD...: runs CMD as a member of CGROUP (its sockets belong to it).
in_cg() {
	local cg=$1
	shift
	bash -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$cg" "$@"
}

# status CMD...: prints CMD's exit status (its output goes to $LIB_TMP/last.*).
status() {
	local rc=0
	"$@" >"$LIB_TMP/last.out" 2>"$LIB_TMP/last.err" || rc=$?
	echo "$rc"
}

# ask [CGROUP] TARGET: what the peer-server at TARGET (a port on $SERVER, or
# ADDR:PORT) saw of one connection made from CGROUP (default: the scenario's
# own, the root cgroup).
ask() {
	local target=${!#}
	[[ "$target" == *:* ]] || target=$SERVER:$target
	if [ "$#" -eq 2 ]; then
		must in_cg "$1" ip netns exec client fnat-toa-test peer-client --connect "$target"
	else
		must in_ns client fnat-toa-test peer-client --connect "$target"
	fi
}

# expect_peer ADDR PORT LINE [TOA]: peer-server's LINE shows ADDR (as it
# prints addresses: 10.0.0.1, [::ffff:10.0.0.1], [2001:db8::1]) and PORT for
# accept() and getpeername() (PORT "any": the real client's port, the same
# for both), and TOA for getsockopt(FNAT_TOA_SO_PEER) (default "none").
expect_peer() {
	local addr=$1 port=$2 line=$3 toa=${4:-none}
	[[ "$line" =~ ^accept=(.+):([0-9]+)\ getpeername=(.+):([0-9]+)\ toa=(.+)$ ]] ||
		fail "not a peer-server answer: $line"
	[[ "${BASH_REMATCH[1]}" == "$addr" && "${BASH_REMATCH[3]}" == "$addr" ]] ||
		fail "expected peer $addr, got: $line"
	if [ "$port" = any ]; then
		[ "${BASH_REMATCH[2]}" = "${BASH_REMATCH[4]}" ] ||
			fail "accept and getpeername disagree: $line"
	else
		[[ "${BASH_REMATCH[2]}" == "$port" && "${BASH_REMATCH[4]}" == "$port" ]] ||
			fail "expected peer port $port, got: $line"
	fi
	[ "${BASH_REMATCH[5]}" = "$toa" ] || fail "expected toa=$toa, got: $line"
	echo "$line"
}

# counter STATUS REGEX: the number REGEX's group picks out of fnat-toa status.
counter() {
	[[ "$1" =~ $2 ]] || fail "no match for '$2' in: $1"
	echo "${BASH_REMATCH[1]}"
}

# at_least N TEXT REGEX: REGEX (one group, a number) matches TEXT, and the
# number is at least N.
at_least() {
	[[ "$2" =~ $3 ]] || fail "no match for '$3' in: $2"
	[ "${BASH_REMATCH[1]}" -ge "$1" ] || fail "'${BASH_REMATCH[0]}': fewer than $1"
}

# established PORT N: the server namespace has N established TCP connections
# on local port PORT.
established() {
	[ "$(in_ns server ss -Htn state established "( sport = :$1 )" | wc -l)" -eq "$2" ]
}

# inject ADDR MODE: (re)starts fnat-toa-test inject in the client cgroup.
inject_pid=
inject() {
	stop_inject
	fnat-toa-test inject --cgroup "$CLIENT_CG" --addr "$1" --on "$2" >"$LIB_TMP/inject.out" 2>&1 &
	inject_pid=$!
	wait_until 10 grep -q "^inject: attached" "$LIB_TMP/inject.out"
}
stop_inject() {
	if [ -n "$inject_pid" ]; then
		kill -TERM "$inject_pid"
		wait "$inject_pid" || fail "inject exited with status $?: $(cat "$LIB_TMP/inject.out")"
		inject_pid=
	fi
}

step "cgroup2 and bpffs mounted"
if ! grep -q "^[^ ]* $CG cgroup2 " /proc/mounts; then
	must mount -t cgroup2 none $CG
fi
grep -q "^[^ ]* /sys/fs/bpf bpf " /proc/mounts || must mount -t bpf bpf /sys/fs/bpf
must mkdir -p "$CLIENT_CG" "$SERVER_CG"
on_exit "rmdir $CLIENT_CG $SERVER_CG"
on_exit "fnat-toa detach >/dev/null 2>&1"

step "the loader's errors"
[ "$(status fnat-toa status)" = 3 ] || fail "status before attach: not exit 3"
grep -q "^fnat-toa: not attached" "$LIB_TMP/last.out" || fail "status: $(cat "$LIB_TMP/last.out")"
must_fail "no such cgroup directory: /nonexistent" fnat-toa attach --cgroup /nonexistent
must_fail "/tmp is not in a cgroup v2 filesystem" fnat-toa attach --cgroup /tmp
must_fail "/etc/passwd is not a directory" fnat-toa attach --cgroup /etc/passwd
must_fail "/tmp is not a BPF filesystem" fnat-toa attach --pin-dir /tmp/fnat-toa
must_fail "must be run as root" setpriv --reuid=65534 --regid=65534 --clear-groups \
	fnat-toa attach
[ "$(status fnat-toa bogus)" = 2 ] || fail "a wrong command line: not exit 2"
expect_contains "fnat-toa: was not attached" fnat-toa detach

step "client and server namespaces joined by a veth pair"
netns_add client server
must ip link add c0 netns client type veth peer name s0 netns server
must ip -n client addr add $CLIENT/24 dev c0
must ip -n server addr add $SERVER/24 dev s0
must ip -n client addr add $CLIENT6/64 dev c0 nodad
must ip -n server addr add $SERVER6/64 dev s0 nodad
must ip -n client link set c0 up
must ip -n server link set s0 up
must in_ns client ping -c 1 -W 5 $SERVER >/dev/null
must in_ns client ping -6 -c 1 -W 5 $SERVER6 >/dev/null

# 8116 and 8108 ask FNAT_TOA_SO_PEER with a buffer of 16 bytes (a
# sockaddr_in, too small for a sockaddr_in6) and of 8192 (more than a page:
# the kernel hands the programs only a page of it).
step "servers: peer-server on 8100 (IPv4), 8106 (dual-stack IPv6), 8116 (IPv4, 16 bytes for FNAT_TOA_SO_PEER), 8108 (dual-stack, 8192 bytes), fnat-traffic on 8001"
ip netns exec server fnat-toa-test peer-server --port 8100 >"$LIB_TMP/ps4.out" 2>&1 &
ip netns exec server fnat-toa-test peer-server --port 8106 --ipv6 >"$LIB_TMP/ps6.out" 2>&1 &
ip netns exec server fnat-toa-test peer-server --port 8116 --toa-len 16 \
	>"$LIB_TMP/ps16.out" 2>&1 &
ip netns exec server fnat-toa-test peer-server --port 8108 --ipv6 --toa-len 8192 \
	>"$LIB_TMP/ps8k.out" 2>&1 &
ip netns exec server fnat-traffic serve --tcp 8001 --name rs1 --max-seconds 250 \
	>"$LIB_TMP/rs1.out" 2>&1 &
wait_until 10 grep -q "^listening" "$LIB_TMP/ps4.out"
wait_until 10 grep -q "^listening" "$LIB_TMP/ps6.out"
wait_until 10 grep -q "^listening" "$LIB_TMP/ps16.out"
wait_until 10 grep -q "^listening" "$LIB_TMP/ps8k.out"
wait_until 10 grep -q "^listening tcp 0.0.0.0:8001" "$LIB_TMP/rs1.out"

step "getsockopt() without fnat-toa: the kernel's answers, for reference"
must fnat-toa-test sockopt-probe >"$LIB_TMP/probe.ref"
cat "$LIB_TMP/probe.ref"
# The kernel reports a length beyond the buffer here: with any cgroup
# getsockopt program that hands it back, the call fails with EFAULT.
grep -q "^netlink NETLINK_LIST_MEMBERSHIPS 4: ok len=8 " "$LIB_TMP/probe.ref" ||
	fail "NETLINK_LIST_MEMBERSHIPS does not report 8 bytes: $(cat "$LIB_TMP/probe.ref")"
grep -qx "tcp FNAT_TOA_SO_PEER 8192: ENOPROTOOPT" "$LIB_TMP/probe.ref" ||
	fail "FNAT_TOA_SO_PEER without fnat-toa: $(cat "$LIB_TMP/probe.ref")"

step "without fnat-toa, TOA changes nothing"
inject $TOA:$TOA_PORT ack
expect_peer $CLIENT any "$(ask "$CLIENT_CG" 8100)"
inject "[$TOA6]:$TOA6_PORT" ack
expect_peer "[::ffff:$CLIENT]" any "$(ask "$CLIENT_CG" 8106)"

step "fnat-toa attach (root cgroup): the loader exits, the programs stay"
expect_output "fnat-toa: attached to cgroup $CG, pinned under /sys/fs/bpf/fnat-toa" fnat-toa attach
out=$(must fnat-toa status)
echo "$out"
[[ "$out" == "fnat-toa: attached, pinned under /sys/fs/bpf/fnat-toa"* ]] || fail "status: $out"
for prog in sockops getpeername4 getpeername6 getsockopt; do
	[[ "$out" =~ "  $prog: prog id "[0-9]+", cgroup $CG (id "[0-9]+")" ]] ||
		fail "status lacks $prog on $CG: $out"
done
must_fail "already attached" fnat-toa attach
# With --bin /usr/sbin/bpftool: what the verifier had to do for each program.
if command -v bpftool >/dev/null; then
	bpftool prog show | grep -A 4 "name fnat_toa_" || true
fi

step "fnat-toa attached: every other getsockopt() gets the kernel's answer"
expect_output "$(cat "$LIB_TMP/probe.ref")" fnat-toa-test sockopt-probe

step "TOA in the SYN and the handshake ACK: accept(), getpeername() and FNAT_TOA_SO_PEER see $TOA:$TOA_PORT"
inject $TOA:$TOA_PORT ack
expect_peer $TOA $TOA_PORT "$(ask "$CLIENT_CG" 8100)" $TOA:$TOA_PORT
# FNAT_TOA_SO_PEER answers with the client's family, whatever the socket's.
expect_peer "[::ffff:$TOA]" $TOA_PORT "$(ask "$CLIENT_CG" 8106)" $TOA:$TOA_PORT
# A sockaddr_in fits in 16 bytes.
expect_peer $TOA $TOA_PORT "$(ask "$CLIENT_CG" 8116)" $TOA:$TOA_PORT
expect_peer "[::ffff:$TOA]" $TOA_PORT "$(ask "$CLIENT_CG" 8108)" $TOA:$TOA_PORT
out=$(must in_cg "$CLIENT_CG" ip netns exec client fnat-traffic connect --tcp $SERVER:8001 \
	--count 20 --parallel 4)
echo "$out"
[[ "$out" == *"server rs1: 20 answered, 0 failed, "*", peers $TOA, ports $TOA_PORT-$TOA_PORT (1 distinct)"* ]] ||
	fail "fnat-traffic's server did not see $TOA:$TOA_PORT: $out"

step "connections without TOA are untouched, also while TOA connections are open"
expect_peer $CLIENT any "$(ask 8100)"
expect_peer "[::ffff:$CLIENT]" any "$(ask 8106)"
expect_peer "[$CLIENT6]" any "$(ask "[$SERVER6]:8106")"
# ENOPROTOOPT, as without fnat-toa, also for a buffer larger than a page.
expect_peer "[::ffff:$CLIENT]" any "$(ask 8108)"
ip netns exec client fnat-traffic connect --tcp $SERVER:8001 --count 4 --parallel 4 \
	--hold-ms 4000 >"$LIB_TMP/plain.out" 2>&1 &
plain_pid=$!
bash -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CLIENT_CG" ip netns exec client \
	fnat-traffic connect --tcp $SERVER:8001 --count 4 --parallel 4 --hold-ms 4000 \
	>"$LIB_TMP/toa.out" 2>&1 &
toa_pid=$!
wait_until 10 established 8001 8
# ss reads sock_diag, not getpeername(): it shows the real peer (docs/toa.md).
[ "$(in_ns server ss -Htn state established "( sport = :8001 )" | grep -c " $CLIENT:")" = 8 ] ||
	fail "ss does not show the 8 connections from $CLIENT: $(in_ns server ss -tn)"
wait "$plain_pid" || fail "plain connections failed: $(cat "$LIB_TMP/plain.out")"
wait "$toa_pid" || fail "TOA connections failed: $(cat "$LIB_TMP/toa.out")"
[[ "$(cat "$LIB_TMP/plain.out")" == *"server rs1: 4 answered, 0 failed, "*", peers $CLIENT, ports "* ]] ||
	fail "connections without TOA: $(cat "$LIB_TMP/plain.out")"
[[ "$(cat "$LIB_TMP/toa.out")" == *"server rs1: 4 answered, 0 failed, "*", peers $TOA, ports $TOA_PORT-"* ]] ||
	fail "connections with TOA: $(cat "$LIB_TMP/toa.out")"

step "TOA only in the first data segment: getpeername() sees it"
inject $TOA:$TOA_PORT data
line=$(ask "$CLIENT_CG" 8100)
echo "$line"
[[ "$line" == *" getpeername=$TOA:$TOA_PORT toa=$TOA:$TOA_PORT" ]] ||
	fail "TOA from the first data: $line"

step "an invalid TOA (address 0.0.0.0, port 0) is ignored"
inject 0.0.0.0:0 ack
expect_peer $CLIENT any "$(ask "$CLIENT_CG" 8100)"

step "TOA kind 253 (an IPv6 client) over IPv4: dual-stack sockets see [$TOA6]:$TOA6_PORT"
out=$(must fnat-toa status)
ipv6_before=$(counter "$out" "IPv6 clients among them \(kind 253\): ([0-9]+)")
unrep_before=$(counter "$out" "IPv6 client on an IPv4 socket: ([0-9]+)")
inject "[$TOA6]:$TOA6_PORT" ack
expect_peer "[$TOA6]" $TOA6_PORT "$(ask "$CLIENT_CG" 8106)" "[$TOA6]:$TOA6_PORT"
expect_peer "[$TOA6]" $TOA6_PORT "$(ask "$CLIENT_CG" 8108)" "[$TOA6]:$TOA6_PORT"

step "TOA kind 253 on an IPv4 socket: getpeername() unchanged, FNAT_TOA_SO_PEER gives [$TOA6]:$TOA6_PORT"
expect_peer $CLIENT any "$(ask "$CLIENT_CG" 8100)" "[$TOA6]:$TOA6_PORT"
# A sockaddr_in6 does not fit in 16 bytes: EINVAL, not a truncated address.
expect_peer $CLIENT any "$(ask "$CLIENT_CG" 8116)" error:EINVAL
out=$(must fnat-toa status)
echo "$out"
unrep=$(counter "$out" "IPv6 client on an IPv4 socket: ([0-9]+)")
# accept() and getpeername() on each of the two connections.
[ "$unrep" -ge $((unrep_before + 4)) ] ||
	fail "unrepresentable: $unrep_before before, $unrep after two connections"

step "TOA kind 253 over IPv6 (FULLNAT 6->6)"
expect_peer "[$TOA6]" $TOA6_PORT "$(ask "$CLIENT_CG" "[$SERVER6]:8106")" "[$TOA6]:$TOA6_PORT"

step "TOA kind 253 with an IPv4-mapped address: IPv4 sockets see it too"
inject "[::ffff:$TOA]:$TOA6_PORT" ack
expect_peer $TOA $TOA6_PORT "$(ask "$CLIENT_CG" 8100)" "[::ffff:$TOA]:$TOA6_PORT"
expect_peer "[::ffff:$TOA]" $TOA6_PORT "$(ask "$CLIENT_CG" 8106)" "[::ffff:$TOA]:$TOA6_PORT"

step "TOA kind 253 only in the first data segment"
inject "[$TOA6]:$TOA6_PORT" data
line=$(ask "$CLIENT_CG" 8106)
echo "$line"
[[ "$line" == *" getpeername=[$TOA6]:$TOA6_PORT toa=[$TOA6]:$TOA6_PORT" ]] ||
	fail "kind 253 from the first data: $line"
out=$(must fnat-toa status)
ipv6=$(counter "$out" "IPv6 clients among them \(kind 253\): ([0-9]+)")
[ "$ipv6" -ge $((ipv6_before + 8)) ] ||
	fail "IPv6 clients: $ipv6_before before, $ipv6 after eight kind 253 connections"

step "an invalid TOA kind 253 (address ::, or port 0) is counted and ignored"
invalid_before=$(counter "$out" "invalid TOA options: ([0-9]+)")
inject "[::]:$TOA6_PORT" ack
expect_peer "[::ffff:$CLIENT]" any "$(ask "$CLIENT_CG" 8106)"
out=$(must fnat-toa status)
invalid=$(counter "$out" "invalid TOA options: ([0-9]+)")
[ "$invalid" -gt "$invalid_before" ] || fail "address :: not counted as invalid: $out"
inject "[$TOA6]:0" ack
expect_peer $CLIENT any "$(ask "$CLIENT_CG" 8100)"
invalid_before=$invalid
out=$(must fnat-toa status)
invalid=$(counter "$out" "invalid TOA options: ([0-9]+)")
[ "$invalid" -gt "$invalid_before" ] || fail "port 0 not counted as invalid: $out"

step "counters"
out=$(must fnat-toa status)
echo "$out"
at_least 26 "$out" "connections with TOA: [0-9]+ \(([0-9]+) from the handshake ACK"
at_least 2 "$out" "ACK, ([0-9]+) from the first data\)"
at_least 3 "$out" "invalid TOA options: ([0-9]+)"
at_least 10 "$out" "rewritten \(getpeername/accept\): ([0-9]+)"
at_least 8 "$out" "IPv6 clients among them \(kind 253\): ([0-9]+)"
at_least 4 "$out" "IPv6 client on an IPv4 socket: ([0-9]+)"
at_least 12 "$out" "getsockopt\(FNAT_TOA_SO_PEER\) answered: ([0-9]+)"

step "fnat-toa detach: the real address again"
inject $TOA:$TOA_PORT ack
expect_output "fnat-toa: detached" fnat-toa detach
[ "$(status fnat-toa status)" = 3 ] || fail "status after detach: not exit 3"
[ ! -e /sys/fs/bpf/fnat-toa ] || fail "/sys/fs/bpf/fnat-toa left after detach"
expect_peer $CLIENT any "$(ask "$CLIENT_CG" 8100)"

step "attach --cgroup: only servers in that cgroup see TOA"
# Started without a function: the job is the server itself (bash execs it),
# so the exit trap stops it before the cgroup is removed.
bash -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$SERVER_CG" \
	ip netns exec server fnat-toa-test peer-server --port 8200 >"$LIB_TMP/ps-cg.out" 2>&1 &
wait_until 10 grep -q "^listening" "$LIB_TMP/ps-cg.out"
expect_output "fnat-toa: attached to cgroup $SERVER_CG, pinned under /sys/fs/bpf/fnat-toa" \
	fnat-toa attach --cgroup "$SERVER_CG"
expect_contains "cgroup $SERVER_CG (id " fnat-toa status
expect_peer $TOA $TOA_PORT "$(ask "$CLIENT_CG" 8200)" $TOA:$TOA_PORT
expect_peer $CLIENT any "$(ask "$CLIENT_CG" 8100)"
expect_output "fnat-toa: detached" fnat-toa detach

step "cleanup"
stop_inject
for pid in $(jobs -p); do
	kill -TERM "$pid"
	wait "$pid" 2>/dev/null || true
done
netns_del client server
netns_assert_none
