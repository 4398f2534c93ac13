#!/bin/bash
# e2e: alone
# defense: fnat's defences against floods (/sys/kernel/fnat/drop_entry,
# drop_packet, secure_tcp, amemthresh, am_droprate; docs/tunables.md) on
# the FULLNAT network, and a SYN flood from hping3:
# - automatic modes (1) read 2 while the available memory is under
#   amemthresh (raised above MemAvailable to make memory "short") and 1
#   again after; the data path follows (drop_packet drops, then does not);
# - secure_tcp: a SYN and a blind ACK to a service whose real server never
#   answers make an ESTABLISHED entry with secure_tcp off, a SYN_RECV one
#   with it on; a real handshake still reaches ESTABLISHED;
# - drop_packet at 3 with am_droprate 4 drops exactly 10 of 40 new
#   connections (counted as defense_drop_packet), and no packet of a
#   stream that runs meanwhile;
# - drop_entry: half-open entries of a SYN flood to that service are
#   evicted a 1/32 slice of the table a second (counted as
#   defense_drop_entry); established ones stay; off, none is evicted;
# - a bounded SYN flood from random sources at the VIP: a stream
#   established before it goes on intact, new legitimate connections made
#   during it succeed (rate and success printed as "flood: ..."); with
#   conn_max the flood's entries are capped and counted as conn_limit.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
LB=fnatadm
# shellcheck source=_topo.sh
. "$(dirname "$0")/_topo.sh"
# shellcheck source=_traffic.sh
. "$(dirname "$0")/_traffic.sh"

SYS=/sys/kernel/fnat
# The service whose real server does not exist: SYNs to it get no answer.
DARK_PORT=81
DARK_RS=10.0.6.99

command -v hping3 >/dev/null || fail "hping3 is not in the VM (scripts/install-deps.sh installs it)"

# state_of SPORT: the state of the director's entry from client port SPORT.
state_of() {
	ip netns exec director fnatadm -Lnc | awk -v p=":$1\$" '$4 ~ p { print $3; exit }'
}

# state_is SPORT STATE: the entry from client port SPORT is in STATE.
state_is() {
	[ "$(state_of "$1")" = "$2" ]
}

# drops_at_least REASON N: the drop counter REASON is N or more.
drops_at_least() {
	[ "$(drops "$1")" -ge "$2" ]
}

# entries_to PORT: the director's entries towards VIP:PORT.
entries_to() {
	ip netns exec director fnatadm -Lnc | awk -v d="$VIP:$1" '$5 == d' | wc -l
}

# mem_short: amemthresh above what is available, so memory counts as short.
mem_short() {
	local avail
	avail=$(awk '$1 == "MemAvailable:" { print int($2 / 4) }' /proc/meminfo)
	sh -c "echo $((avail * 4)) >$SYS/amemthresh" || fail "could not raise amemthresh"
}

step "load fnat; the FULLNAT network; TCP VIP:$PORT over rs1 and rs2, VIP:$DARK_PORT over a server that never answers"
lb_load
topo_fullnat
lb -A -t "$VIP:$PORT" -s rr
lb -P -t "$VIP:$PORT" -z "$LIP1"
lb -a -t "$VIP:$PORT" -r "$RIP1:$PORT" -b
lb -a -t "$VIP:$PORT" -r "$RIP2:$PORT" -b
lb -A -t "$VIP:$DARK_PORT" -s rr
lb -P -t "$VIP:$DARK_PORT" -z "$LIP2"
lb -a -t "$VIP:$DARK_PORT" -r "$DARK_RS:$DARK_PORT" -b
# hping3 sends from ports 20000..29999; the client's kernel would reset the
# SYN-ACKs its SYNs draw, which knows no socket there.
must ip netns exec client iptables -A OUTPUT -p tcp --tcp-flags RST RST --sport 20000:29999 \
	-d "$VIP" -j DROP
for a in drop_entry drop_packet secure_tcp; do
	expect_output 0 cat "$SYS/$a"
done
expect_output 1024 cat "$SYS/amemthresh"
expect_output 10 cat "$SYS/am_droprate"

step "automatic modes read 2 while memory is short (amemthresh above MemAvailable), 1 after"
for a in drop_entry drop_packet secure_tcp; do
	must sh -c "echo 1 >$SYS/$a"
	expect_output 1 cat "$SYS/$a"
done
mem_short
for a in drop_entry drop_packet secure_tcp; do
	expect_output 2 cat "$SYS/$a"
done
# drop_packet at 2: RATE = amemthresh / (amemthresh - available), about 1.
before=$(drops defense_drop_packet)
hping 5 -S -p "$DARK_PORT" -s 20000 -i u20000
[ "$(drops defense_drop_packet)" -ge $((before + 4)) ] ||
	fail "drop_packet at 2 with memory short dropped $(($(drops defense_drop_packet) - before)) of 5"
must sh -c "echo 1024 >$SYS/amemthresh"
for a in drop_entry drop_packet secure_tcp; do
	expect_output 1 cat "$SYS/$a"
done
before=$(drops defense_drop_packet)
hping 5 -S -p "$DARK_PORT" -s 20100 -i u20000
[ "$(drops defense_drop_packet)" -eq "$before" ] || fail "drop_packet at 1 dropped with memory plentiful"
for a in drop_entry drop_packet secure_tcp; do
	must sh -c "echo 0 >$SYS/$a"
done

step "secure_tcp: a SYN and a blind ACK make ESTABLISHED when off, stay SYN_RECV when on"
hping 1 -S -p "$DARK_PORT" -s 21001 -k
hping 1 -A -p "$DARK_PORT" -s 21001 -k
wait_until 3 state_is 21001 ESTABLISHED || fail "secure_tcp 0: $(state_of 21001), not ESTABLISHED"
must sh -c "echo 3 >$SYS/secure_tcp"
hping 1 -S -p "$DARK_PORT" -s 21002 -k
hping 1 -A -p "$DARK_PORT" -s 21002 -k
hping 1 -A -p "$DARK_PORT" -s 21002 -k
[ "$(state_of 21002)" = SYN_RECV ] || fail "secure_tcp 3: $(state_of 21002), not SYN_RECV"
out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 10 --bytes 100 --seed 1)
[[ "$out" == *"result: 10 ok, 0 failed"* ]] || fail "connections under secure_tcp: $out"
ip netns exec director fnatadm -Lnc | grep -q "$VIP:$PORT" || fail "no entry of the 10 connections"
ip netns exec client fnat-traffic stream --tcp "$VIP:$PORT" --seconds 2 --rate-kbps 400 \
	--seed 2 >"$LIB_TMP/secure.out" 2>&1 &
spid=$!
wait_until 10 grep -q "^stream connected: " "$LIB_TMP/secure.out"
sport=$(sed -n 's/^stream from [0-9.]*:\([0-9]*\) .*/\1/p' "$LIB_TMP/secure.out")
wait_until 3 state_is "$sport" ESTABLISHED ||
	fail "a real handshake under secure_tcp: $(state_of "$sport")"
wait "$spid" || fail "the stream under secure_tcp failed: $(cat "$LIB_TMP/secure.out")"
must sh -c "echo 0 >$SYS/secure_tcp"

step "drop_packet 3, am_droprate 4: 10 of 40 new connections dropped, no packet of a stream"
ip netns exec client fnat-traffic stream --tcp "$VIP:$PORT" --seconds 4 --rate-kbps 400 \
	--timeout-ms 3000 --seed 3 >"$LIB_TMP/stream.out" 2>&1 &
spid=$!
wait_until 10 grep -q "^stream connected: " "$LIB_TMP/stream.out"
must sh -c "echo 4 >$SYS/am_droprate"
must sh -c "echo 3 >$SYS/drop_packet"
before=$(drops defense_drop_packet)
hping 40 -S -p "$DARK_PORT" -s 22000 -i u20000
dropped=$(($(drops defense_drop_packet) - before))
[ "$dropped" -eq 10 ] || fail "drop_packet 3 at rate 4 dropped $dropped of 40 new connections, not 10"
wait "$spid" || fail "the stream lost packets to drop_packet: $(cat "$LIB_TMP/stream.out")"
must sh -c "echo 0 >$SYS/drop_packet"
must sh -c "echo 10 >$SYS/am_droprate"
echo "drop_packet: $dropped of 40 dropped"

step "drop_entry: a flood's half-open entries are evicted; established ones stay; off, none"
# Established entries to keep: connections held open by a stream.
ip netns exec client fnat-traffic stream --tcp "$VIP:$PORT" --seconds 20 --rate-kbps 200 \
	--timeout-ms 4000 --seed 4 >"$LIB_TMP/held.out" 2>&1 &
hpid=$!
wait_until 10 grep -q "^stream connected: " "$LIB_TMP/held.out"
held=$(sed -n 's/^stream from [0-9.]*:\([0-9]*\) .*/\1/p' "$LIB_TMP/held.out")
hping 2000 -S -p "$DARK_PORT" -s 23000 -i u500
half=$(entries_to "$DARK_PORT")
echo "half-open entries after 2000 SYNs: $half"
[ "$half" -ge 1000 ] || fail "only $half half-open entries from 2000 SYNs"
before=$(drops defense_drop_entry)
sleep 3
[ "$(drops defense_drop_entry)" -eq "$before" ] || fail "drop_entry 0 evicted entries"
must sh -c "echo 3 >$SYS/drop_entry"
# Each second 1/32 of the buckets: about a quarter of them in 8 s.
wait_until 15 drops_at_least defense_drop_entry $((before + half / 10)) ||
	fail "drop_entry 3 evicted $(($(drops defense_drop_entry) - before)) of $half half-open entries in 15 s"
must sh -c "echo 0 >$SYS/drop_entry"
evicted=$(($(drops defense_drop_entry) - before))
left=$(entries_to "$DARK_PORT")
echo "drop_entry: $evicted evicted, $left half-open left"
[ $((left + evicted)) -le "$half" ] || fail "evicted $evicted + left $left > $half"
[ "$(state_of "$held")" = ESTABLISHED ] || fail "the held connection's entry: $(state_of "$held")"
wait "$hpid" || fail "the held stream broke under drop_entry: $(cat "$LIB_TMP/held.out")"

step "SYN flood from random sources at the VIP: a stream goes on, new connections succeed"
ip netns exec client fnat-traffic stream --tcp "$VIP:$PORT" --seconds 12 --rate-kbps 400 \
	--timeout-ms 4000 --seed 5 >"$LIB_TMP/flood-stream.out" 2>&1 &
spid=$!
wait_until 10 grep -q "^stream connected: " "$LIB_TMP/flood-stream.out"
entries0=$(ip netns exec director fnatadm -Lnc | awk 'NR > 2' | wc -l)
ip netns exec client timeout -s INT 8 hping3 -S -p "$PORT" --flood --rand-source "$VIP" \
	>"$LIB_TMP/flood.out" 2>&1 &
fpid=$!
sleep 1
start=${EPOCHREALTIME/./}
out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count 200 --parallel 4 \
	--bytes 100 --seed 6 --timeout-ms 3000 --allow-failures)
legit_ms=$(((${EPOCHREALTIME/./} - start) / 1000))
wait "$fpid" || true
sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$LIB_TMP/flood.out")
entries1=$(ip netns exec director fnatadm -Lnc | awk 'NR > 2' | wc -l)
ok=$(sed -n 's/.*result: \([0-9]*\) ok.*/\1/p' <<<"$out")
echo "flood: ${sent:-?} SYNs in 8 s (about $((${sent:-0} / 8))/s), table $entries0 -> $entries1 entries;" \
	"legitimate: $ok of 200 ok in ${legit_ms} ms"
[ "${sent:-0}" -gt 1000 ] || fail "the flood sent ${sent:-nothing}: $(cat "$LIB_TMP/flood.out")"
[ "$ok" -ge 190 ] || fail "only $ok of 200 legitimate connections succeeded under the flood: $out"
wait "$spid" || fail "the stream broke under the flood: $(cat "$LIB_TMP/flood-stream.out")"

step "conn_max under a flood: the table stays at the cap, the rest counted as conn_limit"
cap=$((entries1 + 500))
must sh -c "echo $cap >$SYS/conn_max"
before=$(drops conn_limit)
ip netns exec client timeout -s INT 4 hping3 -S -p "$PORT" --flood --rand-source "$VIP" >/dev/null 2>&1 || true
n=$(ip netns exec director fnatadm -Lnc | awk 'NR > 2' | wc -l)
limited=$(($(drops conn_limit) - before))
echo "conn_max $cap: $n entries, $limited conn_limit drops"
[ "$n" -le "$cap" ] || fail "$n entries over conn_max $cap"
[ "$limited" -gt 0 ] || fail "no conn_limit drop with the table at its cap"
must sh -c "echo 0 >$SYS/conn_max"

step "unload with the flood's entries in the table"
must ip netns exec director fnatadm -C
topo_down
must rmmod fnat
! grep -q '^fnat_' /proc/slabinfo 2>/dev/null || fail "fnat slab caches left: $(grep '^fnat_' /proc/slabinfo)"
