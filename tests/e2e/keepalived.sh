#!/bin/bash
# keepalived drives fnat through the shipped example (packaging/keepalived/:
# keepalived.conf with this network's addresses put in its settings block,
# fnat-rs-notify and fnat-vrrp-notify installed where it expects them), on
# two FULLNAT directors in front of two real servers, Debian's keepalived
# running in each director's namespace:
# - the fnat rules load with both real servers at weight 0; keepalived
#   starts while rs2's server is down: at startup both count as up
#   (rs_init_notifies, fnat-rs-notify gives them weight 1), then rs2 fails
#   its TCP check and goes to weight 0, on each director, the shadow IPVS
#   service mirroring it (1/0), and traffic goes to rs1 only;
# - VRRP: dir1 (priority 150) becomes MASTER and holds the VIP and both
#   local addresses, dir2 stays BACKUP without them; fnat-vrrp-notify gave
#   dir1 the master sync daemon and dir2 the backup one;
# - rs2's server starts: weight 1 on both directors within 10 s, traffic is
#   split over rs1 and rs2; it stops: weight 0 within 10 s (still listed,
#   so its connections could drain: inhibit_on_failure), new connections
#   all go to rs1; it comes back: weight 1 again and traffic split again;
# - negative control: the shadow IPVS service never saw a packet (0
#   connections, 0 packets, no IPVS connection entry) while fnat counted
#   every connection;
# - failover: a TCP stream runs through dir1, keepalived on dir1 stops
#   (SIGTERM): dir2 becomes MASTER, takes the VIP and the local addresses and
#   turns its sync daemon to master, the stream (synced to dir2 before)
#   continues intact, new connections reach both servers through dir2, and
#   dir1 lost the addresses and kept its fnat table as it was;
# - fnat-rs-notify alone: remove deletes the server, up adds it back with
#   its weight, down of an unknown service fails with status 1 and fnatadm's
#   message, a bad call with status 2 and its usage;
# - keepalived on dir2 stops: its shadow IPVS service and the VIP are gone.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
LB=fnatadm
# shellcheck source=_topo.sh
. "$(dirname "$0")/_topo.sh"
# shellcheck source=_traffic.sh
. "$(dirname "$0")/_traffic.sh"

PKG=/tests/packaging/keepalived # the initramfs' copy of packaging/keepalived
SCRIPTS=/usr/local/libexec/fnat # where the example expects its scripts
FWMARK=65100                    # the example's shadow firewall mark
CONF=$LIB_TMP/keepalived.conf
declare -A ka_pid=()

command -v keepalived >/dev/null ||
	fail "keepalived is not in the VM (install Debian's keepalived package on the host)"
[ -f "$PKG/keepalived.conf" ] || fail "$PKG/keepalived.conf is not in the VM"

# --- helpers -----------------------------------------------------------------

# ka_topo: client, dir1, dir2, rs1, rs2 and the switch (br0 front, br1 back).
#
#   client eth0 10.0.1.2/24 ------------- br0 -------------+
#                          |                                |
#          dir1 eth0 10.0.1.11/24              dir2 eth0 10.0.1.12/24
#          dir1 eth1 10.0.6.2/24               dir2 eth1 10.0.6.3/24
#                          |                                |
#   rs1 eth0 10.0.6.11/24, rs2 eth0 10.0.6.12/24 -- br1 ----+
#
# keepalived puts the VIP 10.0.1.100/24 on the MASTER's eth0 and the local
# addresses 10.0.6.101/24, 10.0.6.102/24 on its eth1; the real servers have
# no route to the client. VRRP adverts go over br0, sync messages over br1.
ka_topo() {
	_topo_begin keepalived client dir1 dir2 switch rs1 rs2
	CLIENT=10.0.1.2 VIP=10.0.1.100 RIP1=10.0.6.11 RIP2=10.0.6.12
	LIP1=10.0.6.101 LIP2=10.0.6.102
	_topo_bridge br0
	_topo_bridge br1
	_topo_port br0 client eth0 "$CLIENT/24"
	_topo_port br0 dir1 eth0 10.0.1.11/24
	_topo_port br0 dir2 eth0 10.0.1.12/24
	_topo_port br1 dir1 eth1 10.0.6.2/24
	_topo_port br1 dir2 eth1 10.0.6.3/24
	_topo_port br1 rs1 eth0 "$RIP1/24"
	_topo_port br1 rs2 eth0 "$RIP2/24"
	_topo_ping dir1 "$RIP1" "$RIP2" 10.0.1.2
	_topo_ping dir2 "$RIP1" "$RIP2" 10.0.1.2
}

# serve rsN: fnat-traffic serve on TCP PORT in rsN, named rsN (pid in srv_pid[rsN]).
declare -A srv_pid=()
serve() {
	ip netns exec "$1" fnat-traffic serve --tcp "$PORT" --name "$1" --max-seconds 250 \
		>>"$LIB_TMP/$1.out" 2>&1 &
	srv_pid[$1]=$!
	wait_until 10 _topo_listening "$1"
}

# unserve rsN: stops rsN's server.
unserve() {
	kill -TERM "${srv_pid[$1]}"
	wait "${srv_pid[$1]}" || true
	unset 'srv_pid[$1]'
	! _topo_listening "$1" || fail "$1 still listens on $PORT"
}

# set_param NAME VALUE: sets $NAME=VALUE in the settings block of $CONF; the
# line must be there exactly once.
set_param() {
	[ "$(grep -c "^[$]$1=" "$CONF")" = 1 ] || fail "$CONF has no single \$$1= line"
	sed -i "s|^\\\$$1=.*|\$$1=$2|" "$CONF"
}

# ka_start NS ID: keepalived in NS with config id ID (lb1 or lb2), in the
# foreground of a background job, logging to $LIB_TMP/ka-NS.log.
ka_start() {
	local ns=$1
	ip netns exec "$ns" keepalived --dont-fork --log-console --log-detail --no-syslog \
		--config-id "$2" --use-file "$CONF" --pid "$LIB_TMP/ka-$ns.pid" \
		--vrrp_pid "$LIB_TMP/ka-$ns-vrrp.pid" --checkers_pid "$LIB_TMP/ka-$ns-check.pid" \
		--no_bfd >"$LIB_TMP/ka-$ns.log" 2>&1 &
	ka_pid[$ns]=$!
}

# ka_stop NS: SIGTERM to NS's keepalived, which must be gone within 15 s.
ka_stop() {
	local ns=$1 pid=${ka_pid[$1]} rc=0
	kill -TERM "$pid"
	wait_until 15 _gone "$pid"
	wait "$pid" || rc=$?
	unset 'ka_pid[$ns]'
	[ "$rc" = 0 ] || fail "$ns's keepalived exited with status $rc: $(tail -n 20 "$LIB_TMP/ka-$ns.log")"
}
_gone() { ! kill -0 "$1" 2>/dev/null; }

# weights NS: "W1/W2", the weights of rs1 and rs2 in NS's fnat service (a
# server not listed: empty); shadow NS: the same in NS's shadow IPVS service.
weights() {
	local out
	out=$(ip netns exec "$1" fnatadm -Ln -t "$VIP:$PORT")
	_weights <<<"$out"
}
shadow() {
	local out
	out=$(ip netns exec "$1" ipvsadm -Ln -f "$FWMARK" 2>/dev/null) || out=''
	_weights <<<"$out"
}
_weights() {
	awk -v a="$RIP1:$PORT" -v b="$RIP2:$PORT" '
		$1 == "->" && $2 == a { w1 = $4 }
		$1 == "->" && $2 == b { w2 = $4 }
		END { print w1 "/" w2 }'
}

# weights_are NS W1/W2, shadow_is NS W1/W2: for wait_until.
weights_are() {
	[ "$(weights "$1")" = "$2" ]
}
shadow_is() {
	[ "$(shadow "$1")" = "$2" ]
}

# floats NS: how many of the floating addresses (VIP, LIP1, LIP2) NS holds.
floats() {
	local out a n=0
	out=$(ip -n "$1" -o addr show)
	for a in "$VIP" "$LIP1" "$LIP2"; do
		[[ "$out" != *" inet $a/"* ]] || n=$((n + 1))
	done
	echo "$n"
}

# holds_floats NS: NS holds all three; lacks_floats NS: none of them.
holds_floats() {
	[ "$(floats "$1")" = 3 ]
}
lacks_floats() {
	[ "$(floats "$1")" = 0 ]
}

# daemons_are NS ROLES: NS's running fnat sync daemons are ROLES ("master",
# "backup" or "master backup").
daemons_are() {
	local got
	got=$(ip netns exec "$1" fnatadm -L --daemon | awk '/ sync daemon \(/ { print $1 }' | sort | xargs)
	[ "$got" = "$2" ]
}

# synced NS CPORT: NS lists the client's connection from port CPORT.
synced() {
	local out
	out=$(ip netns exec "$1" fnatadm -Lnc)
	[[ "$out" == *" $CLIENT:$2 "* ]]
}

# logged TEXT: the notify scripts logged a line containing TEXT;
# logged_n TEXT N: at least N such lines.
logged() {
	grep -qF -- "$1" "$LIB_TMP/syslog"
}
logged_n() {
	[ "$(grep -cF -- "$1" "$LIB_TMP/syslog")" -ge "$2" ]
}

# tcp N SEED: N TCP exchanges from the client to the VIP, all answered; prints the report.
tcp() {
	local out
	out=$(must in_ns client fnat-traffic connect --tcp "$VIP:$PORT" --count "$1" --bytes 100 \
		--seed "$2")
	[[ "$out" == *"result: $1 ok, 0 failed"* ]] || fail "not $1 ok: $out"
	echo "$out"
}

# split OUT: both servers answered in report OUT; all_rs1 OUT: only rs1 did.
split() {
	if [ "$(answered "$1" rs1)" = 0 ] || [ "$(answered "$1" rs2)" = 0 ]; then
		fail "not split over rs1 and rs2: $1"
	fi
	echo "rs1 $(answered "$1" rs1), rs2 $(answered "$1" rs2)"
}
all_rs1() {
	[ "$(answered "$1" rs2)" = 0 ] || fail "rs2 answered while down: $1"
	echo "rs1 $(answered "$1" rs1), rs2 0"
}

# show_state: the directors' weights (fnat, shadow IPVS), sync daemons and
# floating addresses, for the record.
show_state() {
	local ns d
	for ns in dir1 dir2; do
		d=$(ip netns exec "$ns" fnatadm -L --daemon | awk '/ sync daemon \(/ { print $1 }' | xargs)
		echo "$ns: fnat $(weights "$ns"), shadow $(shadow "$ns"), daemons '$d', floating addresses $(floats "$ns")/3"
	done
}

# On failure: what keepalived and the scripts said.
_ka_report() {
	local f
	[ ! -e "$LIB_TMP/passed" ] || return 0
	for f in "$LIB_TMP"/ka-dir1.log "$LIB_TMP"/ka-dir2.log "$LIB_TMP/syslog"; do
		[ -s "$f" ] || continue
		echo "--- $(basename "$f") (last 40 lines)"
		tail -n 40 "$f"
	done
}
on_exit _ka_report

# --- the scenario ----------------------------------------------------------

step "fnat and IPVS loaded; two directors, two real servers (rs2's not running yet); the fnat rules (weights 0) on both"
lb_load
must modprobe ip_vs
ka_topo
serve rs1
rules="-A -t $VIP:$PORT -s wrr
-P -t $VIP:$PORT -z $LIP1
-P -t $VIP:$PORT -z $LIP2
-a -t $VIP:$PORT -r $RIP1:$PORT -b -w 0
-a -t $VIP:$PORT -r $RIP2:$PORT -b -w 0"
for ns in dir1 dir2; do
	must ip netns exec "$ns" fnatadm -R <<<"$rules"
	weights_are "$ns" 0/0 || fail "$ns: the rules did not load with weights 0: $(weights "$ns")"
done

step "the example installed: scripts in $SCRIPTS, keepalived.conf with this network's settings"
must mkdir -p "$SCRIPTS"
must cp "$PKG/fnat-rs-notify" "$PKG/fnat-vrrp-notify" "$SCRIPTS/"
must chmod 755 "$SCRIPTS/fnat-rs-notify" "$SCRIPTS/fnat-vrrp-notify"
on_exit "rm -rf '$SCRIPTS'"
must cp "$PKG/keepalived.conf" "$CONF"
set_param VIP "$VIP"
set_param VIP_PREFIX 24
set_param PORT "$PORT"
set_param FRONT_IF eth0
set_param BACK_IF eth1
set_param LIP1 "$LIP1"
set_param LIP2 "$LIP2"
set_param BACK_PREFIX 24
set_param RIP1 "$RIP1"
set_param RIP2 "$RIP2"
set_param CHECK_INTERVAL 1
diff -u "$PKG/keepalived.conf" "$CONF" | grep '^[-+][$]' || true
grep -qx "[$]SCRIPTS=$SCRIPTS" "$CONF" || fail "the example does not expect its scripts in $SCRIPTS"
grep -qx "[$]SHADOW_FWMARK=$FWMARK" "$CONF" || fail "the example's shadow fwmark is not $FWMARK"
# The scripts log to syslog: a syslogd for the whole VM (/dev/log).
syslogd -n -O "$LIB_TMP/syslog" &
wait_until 5 test -S /dev/log
touch "$LIB_TMP/syslog"

step "keepalived on dir1 (lb1): MASTER with the VIP and the local addresses; then on dir2 (lb2)"
ka_start dir1 lb1
wait_until 20 holds_floats dir1
# dir2 starts once dir1 is MASTER, so that the election is always the same.
ka_start dir2 lb2

step "startup: both servers up at once, then rs2 fails its check: weights 1/0 on both directors"
up2="fnat-rs-notify: up: -t $VIP:$PORT real server $RIP2:$PORT weight 1"
down2="fnat-rs-notify: down: -t $VIP:$PORT real server $RIP2:$PORT weight 0"
wait_until 20 logged_n "$down2" 2 # once per director
logged_n "$up2" 2 || fail "rs2 was not set up at startup: $(cat "$LIB_TMP/syslog")"
wait_until 10 weights_are dir1 1/0
wait_until 10 weights_are dir2 1/0
shadow_is dir1 1/0 || fail "dir1's shadow IPVS service: $(ip netns exec dir1 ipvsadm -Ln)"
shadow_is dir2 1/0 || fail "dir2's shadow IPVS service: $(ip netns exec dir2 ipvsadm -Ln)"
out=$(tcp 10 1)
all_rs1 "$out"

step "VRRP: dir1 MASTER with the master sync daemon, dir2 BACKUP without the addresses, backup daemon"
wait_until 10 daemons_are dir1 master
wait_until 10 daemons_are dir2 backup
lacks_floats dir2 || fail "dir2 holds floating addresses as BACKUP"
holds_floats dir1 || fail "dir1 lost the floating addresses"
logged "fnat-vrrp-notify: master: master sync daemon started" ||
	fail "fnat-vrrp-notify did not log the master daemon: $(cat "$LIB_TMP/syslog")"
show_state

step "rs2's server starts: within 10 s weight 1 on both directors; traffic split over rs1 and rs2"
serve rs2
wait_until 10 weights_are dir1 1/1
wait_until 10 weights_are dir2 1/1
shadow_is dir1 1/1 || fail "dir1's shadow IPVS service: $(ip netns exec dir1 ipvsadm -Ln)"
out=$(tcp 20 2)
split "$out"

step "rs2's server stops: within 10 s its weight is 0 on both directors, still listed; new connections all go to rs1"
unserve rs2
wait_until 10 weights_are dir1 1/0
wait_until 10 weights_are dir2 1/0
wait_until 5 shadow_is dir1 1/0
show_state
logged_n "$down2" 4 || fail "fnat-rs-notify did not log rs2 going down: $(cat "$LIB_TMP/syslog")"
out=$(tcp 20 3)
all_rs1 "$out"

step "rs2 comes back: weight 1 again on both directors, traffic split again"
serve rs2
wait_until 10 weights_are dir1 1/1
wait_until 10 weights_are dir2 1/1
out=$(tcp 20 4)
split "$out"

step "negative control: the shadow IPVS service saw no packet; fnat carried every connection"
out=$(must ip netns exec dir1 ipvsadm -Ln --stats --exact -f "$FWMARK")
echo "$out"
read -r conns inpkts outpkts < <(awk '$1 == "FWM" { print $3, $4, $5 }' <<<"$out")
[ "$conns/$inpkts/$outpkts" = 0/0/0 ] ||
	fail "the shadow IPVS service counted conns/inpkts/outpkts $conns/$inpkts/$outpkts"
out=$(must ip netns exec dir1 ipvsadm -Lnc)
[ "$(grep -c '^TCP\|^UDP' <<<"$out")" = 0 ] || fail "IPVS has connection entries: $out"
out=$(must ip netns exec dir1 fnatadm -Ln --stats --exact -t "$VIP:$PORT")
echo "$out"
fconns=$(awk '$1 == "TCP" { print $3 }' <<<"$out")
[ "$fconns" -ge 70 ] || fail "fnat counted $fconns connections, not the 70 made"

step "failover: a stream through dir1; keepalived on dir1 stops; dir2 takes over, the stream goes on"
ip netns exec client fnat-traffic stream --tcp "$VIP:$PORT" --seconds 6 --rate-kbps 800 \
	--timeout-ms 4000 --seed 4 >"$LIB_TMP/stream.out" 2>&1 &
spid=$!
wait_until 10 grep -q "^stream connected: " "$LIB_TMP/stream.out"
sport=$(sed -n 's/^stream from [0-9.]*:\([0-9]*\) .*/\1/p' "$LIB_TMP/stream.out")
[ -n "$sport" ] || fail "no client port: $(cat "$LIB_TMP/stream.out")"
# dir2's backup daemon (started by fnat-vrrp-notify) learned the connection.
wait_until 5 synced dir2 "$sport"
ka_stop dir1
wait_until 10 holds_floats dir2
lacks_floats dir1 || fail "dir1 kept floating addresses after keepalived stopped"
rc=0
wait "$spid" || rc=$?
grep -v '^stream [0-9]* s: ' "$LIB_TMP/stream.out" || true
if [ "$rc" != 0 ] || ! grep -q "^stream ok: " "$LIB_TMP/stream.out"; then
	fail "the stream did not survive the failover to dir2 (status $rc)"
fi
out=$(tcp 20 5)
split "$out"
out=$(must ip netns exec dir2 fnatadm -Ln --stats --exact -t "$VIP:$PORT")
fconns=$(awk '$1 == "TCP" { print $3 }' <<<"$out")
[ "$fconns" -ge 20 ] || fail "dir2 did not carry the 20 new connections: $out"

step "after the failover: dir2 runs the master sync daemon; dir1's fnat table is as keepalived left it"
wait_until 10 daemons_are dir2 master
weights_are dir1 1/1 || fail "stopping keepalived changed dir1's weights: $(weights dir1)"
show_state

step "fnat-rs-notify alone (dir1): remove, up adds back, errors fail clearly"
notify() {
	ip netns exec dir1 "$SCRIPTS/fnat-rs-notify" "$@"
}
must notify remove -t "$VIP:$PORT" -r "$RIP2:$PORT" -b
weights_are dir1 1/ || fail "remove left rs2 in dir1's service: $(weights dir1)"
must notify remove -t "$VIP:$PORT" -r "$RIP2:$PORT" -b
must notify up -t "$VIP:$PORT" -r "$RIP2:$PORT" -b -w 3
weights_are dir1 1/3 || fail "up did not add rs2 back with weight 3: $(weights dir1)"
expect_contains "$RIP2:$PORT" ip netns exec dir1 fnatadm -Ln -t "$VIP:$PORT"
must_fail "fnatadm failed: Service not defined" notify down -t 10.0.1.99:80 -r "$RIP2:$PORT" -b
[ "$_lib_rc" = 1 ] || fail "a failed fnatadm gave status $_lib_rc, not 1"
must_fail "usage: fnat-rs-notify up|down|remove" notify sideways -t "$VIP:$PORT" -r "$RIP2:$PORT"
[ "$_lib_rc" = 2 ] || fail "a bad call gave status $_lib_rc, not 2"
must_fail "usage: fnat-rs-notify" notify up -t "$VIP:$PORT" -b
logged "fnat-rs-notify: remove: -t $VIP:$PORT real server $RIP2:$PORT deleted" ||
	fail "the remove was not logged: $(cat "$LIB_TMP/syslog")"

step "keepalived on dir2 stops: its shadow IPVS service and the floating addresses are gone"
ka_stop dir2
expect_output "" ip netns exec dir2 ipvsadm -Sn
lacks_floats dir2 || fail "dir2 kept floating addresses after keepalived stopped"

step "tear down"
kill -TERM "${srv_pid[rs1]}" "${srv_pid[rs2]}"
wait "${srv_pid[rs1]}" "${srv_pid[rs2]}" || true
netns_del client dir1 dir2 switch rs1 rs2
netns_assert_none
TOPO=
lb_unload
for m in ip_vs_wrr ip_vs; do
	! grep -q "^$m " /proc/modules || wait_until 10 rmmod "$m"
done
touch "$LIB_TMP/passed"
