# shellcheck shell=bash disable=SC2154 # VIP, PORT, CLIENT come from _topo.sh
# tests/e2e/_traffic.sh: reading fnat-traffic's reports and the director's
# counters, and checks every balanced topology shares; sourced after lib.sh
# and _topo.sh (the harness runs no `_*.sh` file as a scenario).

# answered OUT rsN: how many exchanges rsN answered in report OUT.
answered() {
	if [[ "$1" =~ server\ $2:\ ([0-9]+)\ answered ]]; then
		echo "${BASH_REMATCH[1]}"
	else
		echo 0
	fi
}

# max_latency_ms OUT: the largest exchange latency in report OUT, in ms.
max_latency_ms() {
	grep -o 'max [0-9.]* ms' <<<"$1" | awk '{ v = int($2); if (v > m) m = v } END { print m + 0 }'
}

# established NS N: NS has N established TCP connections on local port PORT.
established() {
	[ "$(ip netns exec "$1" ss -Htn state established "( sport = :$PORT )" | wc -l)" -eq "$2" ]
}

# drops REASON: the director's drop counter for REASON.
drops() {
	ip netns exec director fnatadm -L --drops | awk -v r="$1" '$1 == r { print $2 }'
}

# expect_pmtu_learned SEED: with the director's side towards the real
# servers (eth1) at MTU 1000, 4 transfers of 20000 bytes complete intact and
# the client learns the path MTU from the frag-needed the director sends
# (counted); the MTU goes back to 1500 after.
expect_pmtu_learned() {
	local out
	must ip -n director link set eth1 mtu 1000
	out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 4 --bytes 20000 \
		--seed "$1")
	echo "$out"
	[[ "$out" == *"result: 4 ok, 0 failed"* ]] || fail "not 4 ok: $out"
	out=$(ip -n client route get "$VIP")
	echo "$out"
	[[ "$out" == *"mtu 1000"* ]] || fail "the client did not learn the path MTU: $out"
	[ "$(drops frag_needed)" -gt 0 ] || fail "no frag_needed drop counted"
	must ip -n director link set eth1 mtu 1500
}

# hping N ARGS...: N packets from the client with hping3, quietly.
hping() {
	local n=$1
	shift
	ip netns exec client hping3 -q -c "$n" "$@" "$VIP" >/dev/null 2>&1 || true
}
