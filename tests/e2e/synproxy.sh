#!/bin/bash
# synproxy: the SYN proxy (fnatadm -j; FNAT_SVC_F_SYNPROXY in
# include/uapi/fnat.h, fnat_synproxy.c):
# - refusals: -j on UDP, DR/TUN dests on a -j service, -j over a DR dest;
#   -S prints -j and -R restores it;
# - FULLNAT and NAT (fast path on and off): every exchange verified byte for
#   byte, a bulk transfer both ways, the client sees the announced window
#   scale, real servers see the handshake from the local address (FULLNAT,
#   with TOA) or the client (NAT), the counters (cookies, accepted);
# - a cookie is read under the window scale its SYN-ACK announced: after a
#   change of synproxy_wscale its ACK is still taken, after two refused;
# - FULLNAT 6->4 from an IPv6 client;
# - packet-too-big from the client's side (IPv4, ICMPv6 for 6->4, NAT)
#   reaches the server that sent the reply in its own sequence space, so
#   its TCP heeds it; one quoting a number outside the window is ignored;
# - a SYN flood from random sources: not one SYN reaches a real server
#   beyond the legitimate connections', no entry is made for it, a stream
#   goes on and new connections succeed;
# - an ACK flood: counted as synproxy_bad_cookie, nothing reaches a real
#   server, no entry;
# - failures after a valid ACK: a real server that never answers (the
#   client is reset after 15 s, synproxy_rs_timeout), one that refuses
#   (reset at once, rs_resets), a service with no dest (the SYN dropped as
#   no_dest, no cookie sent);
# - rmmod with handshakes pending frees them;
# - failover between two FULLNAT directors sharing a sync key: a proxied
#   stream goes on through the backup byte for byte (its offsets synced),
#   and the backup accepts the ACK to a cookie the master sent.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
LB=fnatadm
# shellcheck source=_topo.sh
. "$(dirname "$0")/_topo.sh"
# shellcheck source=_traffic.sh
. "$(dirname "$0")/_traffic.sh"
# shellcheck source=_topo_sync.sh
. "$(dirname "$0")/_topo_sync.sh"

SYS=/sys/kernel/fnat
DARK_PORT=81   # over a real server that does not exist
CLOSED_PORT=82 # over rs1, where nothing listens on it
EMPTY_PORT=83  # no dest at all
CLIENT6=2001:db8:1::2 # FULLNAT 6->4
VIP6=2001:db8:1::100

command -v hping3 >/dev/null || fail "hping3 is not in the VM (scripts/install-deps.sh installs it)"
# ss -i reads window scales and MSS through sock_diag, which a kernel may
# lack (the checking kernel's configuration has none).
TCP_INFO=1
modprobe -q tcp_diag || [ -d /sys/module/tcp_diag ] || TCP_INFO=0

# client_tcp_info: ss -tin of the client's connections to PORT; prints
# nothing and fails when the kernel has no sock_diag.
client_tcp_info() {
	if [ "$TCP_INFO" = 0 ]; then
		echo "no sock_diag in this kernel: window scale and MSS not checked"
		return 1
	fi
	ip netns exec client ss -tin "( dport = :$PORT )"
}

# info KEY: the SYN proxy counter KEY (cookies, acks, rs_resets) from the
# "SYN proxy: C cookies sent, A accepted, R refused by real servers" line of
# fnatadm -L --drops.
info() {
	local f
	case $1 in
	cookies) f=3 ;;
	acks) f=6 ;;
	rs_resets) f=8 ;;
	esac
	ip netns exec director fnatadm -L --drops |
		awk -v f="$f" '/^SYN proxy: / { gsub(/,/, ""); print $f }'
}

# syns_at NS: SYNs NS's INPUT counting rule saw.
syns_at() {
	ip netns exec "$1" iptables -nvxL INPUT | awk '/tcp flags:0x17\/0x02/ { print $1; exit }'
}

# count_syns: a rule on rs1 and rs2 counting the SYNs reaching them.
count_syns() {
	local n
	for n in rs1 rs2; do
		must ip netns exec "$n" iptables -A INPUT -p tcp --syn -j ACCEPT
	done
}

# entries_from_others: entries whose client is not one of the client's
# addresses.
entries_from_others() {
	ip netns exec director fnatadm -Lnc |
		awk -v c="$CLIENT:" -v c6="[$CLIENT6]:" 'NR > 2 && index($4, c) != 1 && index($4, c6) != 1' |
		wc -l
}

# pending_at_least N: N entries or more wait for their real server.
pending_at_least() {
	[ "$(ip netns exec director fnatadm -Lnc | grep -c SYN_SENT)" -ge "$1" ]
}

# established_at NS SPORT: director NS lists the client's connection from
# SPORT as ESTABLISHED.
established_at() {
	ip netns exec "$1" fnatadm -Lnc | grep -q "ESTABLISHED *$CLIENT:$2 "
}

# lb_fails MESSAGE ARGS...: fnatadm ARGS on the director fails saying MESSAGE.
lb_fails() {
	local want=$1
	shift
	must_fail "$want" ip netns exec director fnatadm "$@"
}

# exchanges N SEED: N verified exchanges with VIP:PORT, all must succeed.
exchanges() {
	local out
	out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count "$1" --parallel 4 \
		--bytes 300 --seed "$2")
	echo "$out"
	[[ "$out" == *"result: $1 ok, 0 failed"* ]] || fail "not $1 ok: $out"
}

# out_of_window_icmps NS: ICMP errors NS's TCP ignored for quoting a
# sequence number outside the window (TcpExt OutOfWindowIcmps).
out_of_window_icmps() {
	ip netns exec "$1" awk '$1 == "TcpExt:" {
		if (!f) { for (i = 2; i <= NF; i++) if ($i == "OutOfWindowIcmps") f = i }
		else { print $f; exit } }' /proc/net/netstat
}

# ignored_since N: the real servers ignored more than N such errors.
ignored_since() {
	[ "$(($(out_of_window_icmps rs1) + $(out_of_window_icmps rs2)))" -gt "$1" ]
}

# route_mtu NS PEER: the path MTU NS's route to PEER has learned, if any.
route_mtu() {
	ip -n "$1" route get "$2" | sed -n 's/.* mtu \([0-9]*\).*/\1/p'
}

# learned PEER MTU: one real server's route to PEER learned MTU.
learned() {
	[ "$(route_mtu rs1 "$1")" = "$2" ] || [ "$(route_mtu rs2 "$1")" = "$2" ]
}

# too_big_reaches_server TARGET CLIENT PEER MTU SEEN SEED: a connection to
# TARGET (VIP:PORT) from CLIENT is held open through the proxy while a
# router on the client's side (played by the client) reports that a reply
# was too big for MTU. The real server that sent it must heed the error:
# its route to PEER (a local address, or the client for NAT) learns SEEN.
# TCP heeds an ICMP error only when the sequence number it quotes is in its
# window, so the director must move the quote from the cookie's sequence
# space to the server's. First, an error quoting a number 2^31 away is
# shown to reach a server and be ignored.
too_big_reaches_server() {
	local target=$1 client=$2 peer=$3 mtu=$4 seen=$5 seed=$6 vip cpid dpid line cport seq ign quoted
	vip=${target%:*}
	vip=${vip#[}
	vip=${vip%]}
	for n in rs1 rs2; do
		must ip -n "$n" route flush cache
		[ -z "$(route_mtu "$n" "$peer")" ] || fail "$n's route to $peer has a path MTU already"
	done
	ip netns exec client tcpdump -Z root -i eth0 -n -S -l "src host $vip and tcp src port $PORT and greater 100" \
		>"$LIB_TMP/replies.txt" 2>"$LIB_TMP/tcpdump.err" &
	dpid=$!
	wait_until 10 grep -q "listening on" "$LIB_TMP/tcpdump.err"
	ip netns exec client fnat-traffic connect --tcp "$target" --count 1 --bytes 300 --seed "$seed" \
		--hold-ms $((30000 * SLOWDOWN)) >"$LIB_TMP/held.out" 2>&1 &
	cpid=$!
	wait_until 10 grep -q "Flags" "$LIB_TMP/replies.txt"
	sleep 1
	kill "$dpid"
	wait "$dpid" 2>/dev/null || true
	cat "$LIB_TMP/replies.txt"
	# The last reply's end: the server's next sequence number, as the client sees it.
	line=$(grep "Flags" "$LIB_TMP/replies.txt" | tail -n 1)
	[[ "$line" =~ \.([0-9]+):\ Flags\ \[[^]]*\],\ seq\ [0-9]+:([0-9]+), ]] ||
		fail "no reply with data seen from $target: $line"
	cport=${BASH_REMATCH[1]}
	seq=${BASH_REMATCH[2]}
	if [[ "$client" == *:* ]]; then quoted="[$client]:$cport"; else quoted="$client:$cport"; fi
	ign=$(($(out_of_window_icmps rs1) + $(out_of_window_icmps rs2)))
	must in_ns client fnat-traffic icmp-error --quoted-from "$target" --quoted-to "$quoted" \
		--seq $(((seq + 2147483648) % 4294967296)) --mtu "$mtu"
	wait_until 10 ignored_since "$ign"
	! learned "$peer" "$seen" || fail "a server heeded an error quoting a sequence number outside its window"
	must in_ns client fnat-traffic icmp-error --quoted-from "$target" --quoted-to "$quoted" \
		--seq "$seq" --mtu "$mtu"
	wait_until 10 learned "$peer" "$seen"
	echo "rs1: $(ip -n rs1 route get "$peer" | head -n 1); rs2: $(ip -n rs2 route get "$peer" | head -n 1)"
	kill "$cpid" 2>/dev/null || true
	wait "$cpid" 2>/dev/null || true
	for n in rs1 rs2; do must ip -n "$n" route flush cache; done
}

step "load fnat; the FULLNAT network; refusals of what the SYN proxy cannot do"
lb_load
topo_fullnat
lb_fails "SYN proxy is for TCP services" -A -u "$VIP:53" -s rr -j
lb -A -t "$VIP:$PORT" -s rr -j
lb -P -t "$VIP:$PORT" -z "$LIP1"
lb_fails "A SYN proxy service forwards by NAT or FULLNAT only" -a -t "$VIP:$PORT" -r "$RIP1:$PORT" -g
lb_fails "A SYN proxy service forwards by NAT or FULLNAT only" -a -t "$VIP:$PORT" -r "$RIP1:$PORT" -i
lb -a -t "$VIP:$PORT" -r "$RIP1:$PORT" -b
lb -a -t "$VIP:$PORT" -r "$RIP2:$PORT" -b
lb_fails "A SYN proxy service forwards by NAT or FULLNAT only" -e -t "$VIP:$PORT" -r "$RIP2:$PORT" -g
lb -A -t "$VIP:90" -s rr
lb -a -t "$VIP:90" -r "$RIP1:90" -g
lb_fails "SYN proxy needs NAT or FULLNAT destinations" -E -t "$VIP:90" -s rr -j
lb -D -t "$VIP:90"
expect_contains "-A -t $VIP:$PORT -s rr -j" ip netns exec director fnatadm -S -n
saved=$(must ip netns exec director fnatadm -S -n)
lb -C
must ip netns exec director fnatadm -R <<<"$saved"
expect_output "$saved" ip netns exec director fnatadm -S -n
expect_contains "rr synproxy" ip netns exec director fnatadm -Ln

step "FULLNAT: 200 exchanges through the proxy, every byte verified; the servers see the local address"
count_syns
out=$(exchanges 200 1)
for n in rs1 rs2; do
	[ "$(answered "$out" "$n")" -eq 100 ] || fail "$n answered $(answered "$out" "$n") of 200, not 100"
done
[[ "$out" == *"peers $LIP1,"* ]] || fail "the servers did not see the local address: $out"
[ "$(info cookies)" -ge 200 ] || fail "$(info cookies) cookies sent for 200 connections"
[ "$(info acks)" -eq 200 ] || fail "$(info acks) cookies accepted, not 200"
syns=$(($(syns_at rs1) + $(syns_at rs2)))
[ "$syns" -eq 200 ] || fail "the real servers saw $syns SYNs for 200 connections"
[ "$(drops synproxy_bad_cookie)" -eq 0 ] || fail "bad cookies in a clean run: $(drops synproxy_bad_cookie)"
[ "$(drops synproxy_hold_full)" -eq 0 ] || fail "held segments dropped in a clean run"

step "FULLNAT: bulk both ways; the client sees window scale 7 and windows beyond 64 KiB"
out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 2 --bytes 3000000 \
	--seed 2 --timeout-ms $((20000 * SLOWDOWN)))
[[ "$out" == *"result: 2 ok, 0 failed"* ]] || fail "bulk: $out"
ip netns exec client fnat-traffic stream --tcp "$VIP:$PORT" --seconds $((3 * SLOWDOWN)) --rate-kbps 4000 \
	--seed 3 >"$LIB_TMP/ws.out" 2>&1 &
spid=$!
wait_until 10 grep -q "^stream connected: " "$LIB_TMP/ws.out"
sleep 1
if ss_out=$(client_tcp_info); then
	echo "$ss_out"
	[[ "$ss_out" == *"wscale:7,"* ]] || fail "the client did not see window scale 7: $ss_out"
else
	echo "$ss_out"
fi
wait "$spid" || fail "the stream failed: $(cat "$LIB_TMP/ws.out")"
[[ "$(cat "$LIB_TMP/ws.out")" == *"stream ok"* ]] || fail "stream: $(cat "$LIB_TMP/ws.out")"

step "FULLNAT: synproxy_wscale 0 and synproxy_mss 1200 apply to new handshakes"
must sh -c "echo 0 >$SYS/synproxy_wscale"
must sh -c "echo 1200 >$SYS/synproxy_mss"
ip netns exec client fnat-traffic stream --tcp "$VIP:$PORT" --seconds $((2 * SLOWDOWN)) --rate-kbps 4000 \
	--seed 4 >"$LIB_TMP/ws0.out" 2>&1 &
spid=$!
wait_until 10 grep -q "^stream connected: " "$LIB_TMP/ws0.out"
if ss_out=$(client_tcp_info); then
	echo "$ss_out"
	[[ "$ss_out" == *"wscale:0,"* ]] || fail "the client did not see window scale 0: $ss_out"
	# 1200 less TOA's 8 bytes (and no timestamps to take room).
	[[ "$ss_out" == *"mss:1192"* ]] || fail "the client's MSS is not 1192: $ss_out"
else
	echo "$ss_out"
fi
wait "$spid" || fail "the stream failed: $(cat "$LIB_TMP/ws0.out")"
must sh -c "echo 7 >$SYS/synproxy_wscale"
must sh -c "echo 0 >$SYS/synproxy_mss"
must_fail "" sh -c "echo 15 >$SYS/synproxy_wscale"
must_fail "" sh -c "echo 100 >$SYS/synproxy_mss"

step "synproxy_wscale changes: the ACK to a cookie from before the last change is taken, from before two refused"
# syn_cookie SPORT: the cookie of the SYN-ACK to hping3's SYN from SPORT (ISN 1000).
syn_cookie() {
	local tpid
	ip netns exec client tcpdump -Z root -S -n -l -c 1 -i eth0 \
		"src $VIP and tcp src port $PORT and tcp dst port $1" >"$LIB_TMP/synack.out" 2>&1 &
	tpid=$!
	wait_until 10 grep -q "listening on" "$LIB_TMP/synack.out"
	hping 1 -S -p "$PORT" -s "$1" -k -M 1000
	wait "$tpid" || true
	sed -n 's/.*Flags \[S\.\], seq \([0-9]*\), ack 1001,.*/\1/p' "$LIB_TMP/synack.out"
}
# bad_cookies_above N: synproxy_bad_cookie counted more than N.
bad_cookies_above() {
	[ "$(drops synproxy_bad_cookie)" -gt "$1" ]
}
# ack_cookie SPORT COOKIE: hping3's ACK to it.
ack_cookie() {
	hping 1 -A -p "$PORT" -s "$1" -k -M 1001 -L $((($2 + 1) % 4294967296))
}
a=$(syn_cookie 45001)
b=$(syn_cookie 45002)
[ -n "$a" ] && [ -n "$b" ] || fail "no SYN-ACK to hping3's SYNs: $(cat "$LIB_TMP/synack.out")"
echo "cookies under synproxy_wscale 7: $a (port 45001), $b (port 45002)"
must sh -c "echo 3 >$SYS/synproxy_wscale"
ack_cookie 45001 "$a"
wait_until 5 established_at director 45001 ||
	fail "the ACK to a cookie from before the change was refused: $(ip netns exec director fnatadm -Lnc)"
must sh -c "echo 5 >$SYS/synproxy_wscale"
bad=$(drops synproxy_bad_cookie)
ack_cookie 45002 "$b"
wait_until 5 bad_cookies_above "$bad"
! ip netns exec director fnatadm -Lnc | grep -q "$CLIENT:45002 " ||
	fail "an ACK to a cookie from before two changes made a connection"
must sh -c "echo 7 >$SYS/synproxy_wscale"

step "FULLNAT 6->4: an IPv6 client through the proxy, 100 exchanges verified"
must ip -n client addr add "$CLIENT6/64" dev eth0 nodad
must ip -n director addr add 2001:db8:1::1/64 dev eth0 nodad
must ip -n director addr add "$VIP6/64" dev eth0 nodad
lb -A -t "[$VIP6]:$PORT" -s rr -j
lb -P -t "[$VIP6]:$PORT" -z "$LIP1"
lb -a -t "[$VIP6]:$PORT" -r "$RIP1:$PORT" -b
lb -a -t "[$VIP6]:$PORT" -r "$RIP2:$PORT" -b
acks0=$(info acks)
out=$(must in_ns client fnat-traffic connect --tcp "[$VIP6]:$PORT" --count 100 --parallel 4 \
	--bytes 300 --seed 6)
echo "$out"
[[ "$out" == *"result: 100 ok, 0 failed"* ]] || fail "6->4 through the proxy: $out"
[[ "$out" == *"peers $LIP1,"* ]] || fail "the servers did not see the local address: $out"
[ "$(($(info acks) - acks0))" -eq 100 ] || fail "$(($(info acks) - acks0)) IPv6 cookies accepted, not 100"

step "FULLNAT: packet-too-big from the client's side reaches the server about what it sent (6->4, IPv4)"
# 6->4: ICMPv6 MTU 1400 becomes frag-needed 1380 at the server.
too_big_reaches_server "[$VIP6]:$PORT" "$CLIENT6" "$LIP1" 1400 1380 7
too_big_reaches_server "$VIP:$PORT" "$CLIENT" "$LIP1" 1200 1200 8

step "a SYN flood from random sources: no SYN reaches a real server but the legitimate ones"
ip netns exec client fnat-traffic stream --tcp "$VIP:$PORT" --seconds 10 --rate-kbps 400 \
	--timeout-ms 4000 --seed 5 >"$LIB_TMP/flood-stream.out" 2>&1 &
spid=$!
wait_until 10 grep -q "^stream connected: " "$LIB_TMP/flood-stream.out"
# A default route, as directors have: the SYN-ACKs to the flood's sources
# go to the client's namespace, which does not forward them.
must ip -n director route add default via "$CLIENT"
syns0=$(($(syns_at rs1) + $(syns_at rs2)))
cookies0=$(info cookies)
ip netns exec client timeout -s INT 6 hping3 -S -p "$PORT" --flood --rand-source "$VIP" \
	>"$LIB_TMP/flood.out" 2>&1 &
fpid=$!
sleep 1
out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 100 --parallel 4 \
	--bytes 100 --seed 6 --timeout-ms 5000 --allow-failures)
wait "$fpid" || true
sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$LIB_TMP/flood.out")
ok=$(sed -n 's/.*result: \([0-9]*\) ok.*/\1/p' <<<"$out")
syns=$(($(syns_at rs1) + $(syns_at rs2) - syns0))
cookies=$(($(info cookies) - cookies0))
others=$(entries_from_others)
echo "flood: ${sent:-?} SYNs, $cookies cookies sent; legitimate: $ok of 100 ok;" \
	"SYNs at the real servers: $syns; entries of other clients: $others"
[ "${sent:-0}" -gt "$(scaled 1000)" ] || fail "the flood sent ${sent:-nothing}: $(cat "$LIB_TMP/flood.out")"
[ "$syns" -eq "$ok" ] || fail "$syns SYNs reached the real servers for $ok legitimate connections"
[ "$others" -eq 0 ] || fail "$others entries of flood sources"
[ "$ok" -ge 80 ] || fail "only $ok of 100 legitimate connections during the flood: $out"
[ "$cookies" -ge $((sent * 3 / 4)) ] || fail "$cookies cookies for $sent SYNs"
must ip -n director route del default via "$CLIENT"
wait "$spid" || fail "the stream broke during the flood: $(cat "$LIB_TMP/flood-stream.out")"

step "an ACK flood: counted as bad cookies, nothing reaches a real server"
syns0=$(($(syns_at rs1) + $(syns_at rs2)))
before=$(drops synproxy_bad_cookie)
hping 2000 -A -p "$PORT" --rand-source -i u200
bad=$(($(drops synproxy_bad_cookie) - before))
echo "ACK flood: $bad of 2000 counted as synproxy_bad_cookie"
# hping3's random sources include martians (0/8, 127/8, 224/3: an eighth)
# that the stack drops before any hook sees them.
[ "$bad" -ge 1600 ] || fail "only $bad of 2000 forged ACKs counted as bad cookies"
[ "$(($(syns_at rs1) + $(syns_at rs2)))" -eq "$syns0" ] || fail "forged ACKs made SYNs to real servers"
[ "$(entries_from_others)" -eq 0 ] || fail "forged ACKs made entries"

step "failures after a valid ACK: no answer (reset after 15 s), refused (reset at once), no dest"
lb -A -t "$VIP:$DARK_PORT" -s rr -j
lb -P -t "$VIP:$DARK_PORT" -z "$LIP2"
lb -a -t "$VIP:$DARK_PORT" -r "10.0.6.99:$DARK_PORT" -b
lb -A -t "$VIP:$CLOSED_PORT" -s rr -j
lb -P -t "$VIP:$CLOSED_PORT" -z "$LIP2"
lb -a -t "$VIP:$CLOSED_PORT" -r "$RIP1:$CLOSED_PORT" -b
lb -A -t "$VIP:$EMPTY_PORT" -s rr -j
resets0=$(info rs_resets)
out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$CLOSED_PORT" --count 3 --bytes 10 \
	--seed 7 --timeout-ms 3000 --allow-failures)
echo "$out"
[[ "$out" == *"result: 0 ok, 3 failed"* && "$out" == *reset* ]] || fail "refused: $out"
[ "$(($(info rs_resets) - resets0))" -eq 3 ] || fail "rs_resets: $(($(info rs_resets) - resets0)), not 3"
timeouts0=$(drops synproxy_rs_timeout)
start=${EPOCHREALTIME/./}
out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$DARK_PORT" --count 1 --bytes 10 \
	--seed 8 --timeout-ms $((30000 * SLOWDOWN)) --allow-failures)
took=$(((${EPOCHREALTIME/./} - start) / 1000))
echo "$out"
echo "no answer: the client was reset after $took ms"
[[ "$out" == *"result: 0 ok, 1 failed"* && "$out" == *reset* ]] || fail "no answer: $out"
if [ "$took" -lt 14000 ] || [ "$took" -gt $((20000 * SLOWDOWN)) ]; then
	fail "reset after $took ms, not 15 s"
fi
[ "$(($(drops synproxy_rs_timeout) - timeouts0))" -eq 1 ] || fail "synproxy_rs_timeout not counted once"
cookies0=$(info cookies)
nodest0=$(drops no_dest)
hping 3 -S -p "$EMPTY_PORT" -i u100000
[ "$(($(drops no_dest) - nodest0))" -eq 3 ] || fail "no_dest: $(($(drops no_dest) - nodest0)), not 3"
[ "$(info cookies)" -eq "$cookies0" ] || fail "cookies sent for a service without dests"

step "rmmod with handshakes pending (a server that never answers) frees them"
pids=()
for i in 1 2 3; do
	ip netns exec client fnat-traffic connect --tcp "$VIP:$DARK_PORT" --count 4 --parallel 4 --bytes 10 \
		--seed "$i" --timeout-ms 4000 --allow-failures >/dev/null 2>&1 &
	pids+=($!)
done
wait_until 10 pending_at_least 12
ip netns exec director fnatadm -Lnc | grep SYN_SENT | head -3
lb -C
lb_unload
wait "${pids[@]}"
lb_load

step "NAT, fast path on and off: exchanges, the servers see the client, frag-needed from the client's side reaches them, no flood SYN does"
topo_down
topo_nat
lb -A -t "$VIP:$PORT" -s rr -j
lb -a -t "$VIP:$PORT" -r "$RIP1:$PORT" -m
lb -a -t "$VIP:$PORT" -r "$RIP2:$PORT" -m
count_syns
for fast in 1 0; do
	must sh -c "echo $fast >$SYS/fast_path"
	out=$(exchanges 100 $((10 + fast)))
	[[ "$out" == *"peers $CLIENT,"* ]] || fail "NAT servers did not see the client: $out"
	out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 1 --bytes 2000000 \
		--seed 12 --timeout-ms $((20000 * SLOWDOWN)))
	[[ "$out" == *"result: 1 ok, 0 failed"* ]] || fail "NAT bulk (fast_path $fast): $out"
done
must sh -c "echo 1 >$SYS/fast_path"
too_big_reaches_server "$VIP:$PORT" "$CLIENT" "$CLIENT" 1200 1200 13
syns0=$(($(syns_at rs1) + $(syns_at rs2)))
hping 3000 -S -p "$PORT" --rand-source -i u100
[ "$(($(syns_at rs1) + $(syns_at rs2)))" -eq "$syns0" ] || fail "NAT: flood SYNs reached the servers"
[ "$(entries_from_others)" -eq 0 ] || fail "NAT: entries of flood sources"
topo_down

step "failover: a proxied stream goes on through the backup; the backup takes the master's cookies"
SYNC_SYNPROXY=1 sync_topo fullnat
printf 'fnat-synproxy-e2e shared key 0123\n' >"$LIB_TMP/key"
lbn dir1 --start-daemon master --mcast-interface eth1 --syncid 5 --sync-key "$LIB_TMP/key"
lbn dir2 --start-daemon backup --mcast-interface eth1 --syncid 5 --sync-key "$LIB_TMP/key"
expect_contains "rr synproxy" ip netns exec dir2 fnatadm -Ln
ip netns exec client fnat-traffic stream --tcp "$VIP:$PORT" --seconds $((6 * SLOWDOWN)) \
	--rate-kbps 800 --timeout-ms 4000 --seed 30 >"$LIB_TMP/fo.out" 2>&1 &
spid=$!
wait_until 10 grep -q "^stream connected: " "$LIB_TMP/fo.out"
sport=$(sed -n 's/^stream from [0-9.]*:\([0-9]*\) .*/\1/p' "$LIB_TMP/fo.out")
wait_until 5 established_at dir2 "$sport" ||
	fail "dir2 did not get the proxied connection: $(ip netns exec dir2 fnatadm -Lnc)"
sleep 1
sync_float_move dir1 dir2
wait "$spid" || fail "the proxied stream did not survive the failover: $(cat "$LIB_TMP/fo.out")"
[[ "$(cat "$LIB_TMP/fo.out")" == *"stream ok: "* ]] || fail "stream: $(cat "$LIB_TMP/fo.out")"
out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 4 --bytes 100 --seed 31)
[[ "$out" == *"result: 4 ok, 0 failed"* ]] || fail "new connections through dir2: $out"
# A SYN answered by dir2, its ACK to dir1 after a move back: by hand, with
# hping3 (ISN 1000) and the cookie read off the wire.
ip netns exec client tcpdump -Z root -S -n -l -c 1 -i eth0 \
	"src $VIP and tcp src port $PORT and tcp dst port 45000" >"$LIB_TMP/synack.out" 2>&1 &
tpid=$!
sleep 1
hping 1 -S -p "$PORT" -s 45000 -k -M 1000
wait "$tpid" || true
cookie=$(sed -n 's/.*Flags \[S\.\], seq \([0-9]*\), ack 1001,.*/\1/p' "$LIB_TMP/synack.out")
[ -n "$cookie" ] || fail "no SYN-ACK from dir2: $(cat "$LIB_TMP/synack.out")"
sync_float_move dir2 dir1
hping 1 -A -p "$PORT" -s 45000 -k -M 1001 -L $(((cookie + 1) % 4294967296))
wait_until 5 established_at dir1 45000 ||
	fail "dir1 did not take dir2's cookie: $(ip netns exec dir1 fnatadm -Lnc)"
echo "dir1 accepted the ACK to dir2's cookie $cookie"
sync_down
lb_unload
