#!/bin/bash
# tests/bench/bench.sh: fnat against IPVS, side by side, in one run.
#
# Measures, for each balancer configuration, from a client through a director
# to two real servers:
#   cps      new TCP connections per second (connect, 64-byte request,
#            128-byte response, server closes), fnat-bench-load
#   p50/p99  the latency of those connections under that load, ms
#   pps      64-byte UDP datagrams per second delivered to the real servers
#   bulk     one TCP stream's throughput, iperf3 (5 s, the first one not
#            counted), Mbit/s
# in rounds that alternate the configurations (A B C A B C ...), once on a
# bare director and once with a common stateful firewall rule on it
# (iptables -A INPUT -m conntrack --ctstate INVALID -j DROP). Then, per
# balancer, the table at scale: kernel memory per connection with 100k and
# 1M UDP connections held, and UDP pps with 1M entries against 1k.
#
# Configurations:
#   direct        no balancer: the client talks to the real servers, the
#                 director only routes (the ceiling)
#   ipvs-nat      Debian's ip_vs, rr, NAT (-m), as shipped
#   ipvs-nat-ct   the same with net.ipv4.vs.conntrack=1, which the IPVS
#                 documentation asks for when stateful firewall rules are
#                 used (firewalled runs only)
#   fnat-nat      fnat, rr, NAT
#   fnat-fullnat  fnat, rr, FULLNAT with two local addresses, TOA on
#   fnat-dr       fnat, rr, direct routing
#
# Output: one line per measurement,
#   BENCH round=R set=bare|fw cfg=CFG metric=M value=V
#   BENCH scale cfg=CFG metric=M value=V
# plus BENCHINFO lines (kernel, CPUs, memory, date); tests/bench/report.py
# turns them into docs/benchmarks.md and the chart.
#
# Where the roles run is a prefix command each, so the same script drives a
# lab of real machines as well as the test VM's network namespaces:
#
#   --topology netns        (default) build the VM's namespaces (client,
#                           director, rs1, rs2; veth links) and run in them
#   --topology external     use machines set up by the operator (see
#                           docs/benchmarks.md): --client-cmd "ssh client",
#                           --rs1-cmd "ssh rs1", --rs2-cmd "ssh rs2",
#                           --director-cmd "" (this machine), addresses with
#                           --vip, --vip-dr, --rip1, --rip2, --lip1, --lip2,
#                           --client-net (a /16 the client may send from, for
#                           the scale phase, routed to the client)
#   --rounds N              rounds of the alternation (default 3)
#   --seconds S             length of each cps run (default 4; pps and bulk
#                           take 3)
#   --scale N               the largest table in the scale phase (default
#                           1000000; 0 skips the phase)
#   --only CFG[,CFG]        just these configurations
set -uo pipefail
export LC_ALL=C

topology=netns
rounds=3
seconds=4
scale=1000000
only=
client_cmd=()
director_cmd=()
rs1_cmd=()
rs2_cmd=()
VIP=10.0.1.100
VIP_DR=10.0.1.110
RIP1=10.0.2.2
RIP2=10.0.3.2
LIP1=10.0.9.1
LIP2=10.0.9.2
CLIENT_NET=10.1.0.0
ext_client='' ext_director='' ext_rs1='' ext_rs2=''

die() {
	echo "bench: $*" >&2
	exit 1
}

while [ "$#" -gt 0 ]; do
	case "$1" in
	--topology) topology=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--seconds) seconds=$2; shift 2 ;;
	--scale) scale=$2; shift 2 ;;
	--only) only=$2; shift 2 ;;
	--client-cmd) ext_client=$2; shift 2 ;;
	--director-cmd) ext_director=$2; shift 2 ;;
	--rs1-cmd) ext_rs1=$2; shift 2 ;;
	--rs2-cmd) ext_rs2=$2; shift 2 ;;
	--vip) VIP=$2; shift 2 ;;
	--vip-dr) VIP_DR=$2; shift 2 ;;
	--rip1) RIP1=$2; shift 2 ;;
	--rip2) RIP2=$2; shift 2 ;;
	--lip1) LIP1=$2; shift 2 ;;
	--lip2) LIP2=$2; shift 2 ;;
	--client-net) CLIENT_NET=$2; shift 2 ;;
	-h | --help) sed -n '2,50p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
done
for n in "$rounds" "$seconds" "$scale"; do
	case "$n" in '' | *[!0-9]*) die "--rounds, --seconds and --scale take whole numbers" ;; esac
done

case "$topology" in
netns)
	# The full path: busybox's taskset (the VM's) would run its own ip.
	ipcmd=$(command -v ip)
	client_cmd=("$ipcmd" netns exec client)
	director_cmd=("$ipcmd" netns exec director)
	rs1_cmd=("$ipcmd" netns exec rs1)
	rs2_cmd=("$ipcmd" netns exec rs2)
	;;
external)
	# Word-split on purpose: "ssh -o BatchMode=yes client" is three words.
	read -r -a client_cmd <<<"$ext_client"
	read -r -a director_cmd <<<"$ext_director"
	read -r -a rs1_cmd <<<"$ext_rs1"
	read -r -a rs2_cmd <<<"$ext_rs2"
	[ "${#client_cmd[@]}" -gt 0 ] || die "--topology external needs --client-cmd"
	[ "${#rs1_cmd[@]}" -gt 0 ] && [ "${#rs2_cmd[@]}" -gt 0 ] ||
		die "--topology external needs --rs1-cmd and --rs2-cmd"
	;;
*) die "--topology is netns or external" ;;
esac

PORT=80
UDP_PORT=81
BULK_PORT=5201
CONFIGS_BARE=(direct ipvs-nat fnat-nat fnat-fullnat fnat-dr)
CONFIGS_FW=(direct ipvs-nat ipvs-nat-ct fnat-nat fnat-fullnat fnat-dr)

# In the VM every role shares the same CPUs, so by default the director's
# share would drown in the endpoints' (two TCP stacks and two applications
# per connection against a few forwarded packets). The VM run therefore
# keeps the director's packet processing on its own CPU (RPS on its
# interfaces) and the client's and servers' processes and packets on the
# other: the director's cost is then that CPU's busy time, and its capacity
# the work done per second of it, as on a real director, which is a machine
# of its own.
pin=()
dir_cpu=
udp_threads=1
on_client() { ${pin[@]+"${pin[@]}"} "${client_cmd[@]}" "$@"; }
on_director() { ${director_cmd[@]+"${director_cmd[@]}"} "$@"; }
on_rs1() { ${pin[@]+"${pin[@]}"} "${rs1_cmd[@]}" "$@"; }
on_rs2() { ${pin[@]+"${pin[@]}"} "${rs2_cmd[@]}" "$@"; }
on_rs() { on_rs1 "$@" && on_rs2 "$@"; }

log() { echo "bench: $*" >&2; }

wanted() { # wanted CFG: whether --only lets CFG run
	[ -z "$only" ] && return 0
	case ",$only," in *",$1,"*) return 0 ;; esac
	return 1
}

# The VM's network: client -- director -- rs1, director -- rs2, each a veth
# pair with its own /24, so every mode works without a bridge: NAT (the real
# servers route through the director), FULLNAT (local addresses on the
# director's lo), DR (the VIP on the real servers' lo, the director sending
# to their MAC).
netns_topology() {
	local ns cfg
	for ns in client director rs1 rs2; do
		ip netns add "$ns" || die "ip netns add $ns"
		ip netns exec "$ns" ip link set lo up
	done
	ip link add c0 netns client type veth peer name d0 netns director
	ip link add d1 netns director type veth peer name r0 netns rs1
	ip link add d2 netns director type veth peer name r0 netns rs2
	on_client ip addr add 10.0.1.2/24 dev c0
	on_client ip link set c0 up
	on_client ip route add default via 10.0.1.1
	on_director ip addr add 10.0.1.1/24 dev d0
	on_director ip addr add 10.0.2.1/24 dev d1
	on_director ip addr add 10.0.3.1/24 dev d2
	for cfg in ipvs-nat ipvs-nat-ct fnat-nat fnat-fullnat fnat-dr; do
		on_director ip addr add "$(vip_of $cfg)/32" dev d0
	done
	on_director ip addr add "$LIP1/32" dev lo
	on_director ip addr add "$LIP2/32" dev lo
	on_director ip link set d0 up
	on_director ip link set d1 up
	on_director ip link set d2 up
	on_director ip route add "$CLIENT_NET/16" via 10.0.1.2
	on_director sysctl -qw net.ipv4.ip_forward=1
	# DR's replies come from the VIP, which is the director's own address
	# too: here they travel back through it (on a real network they take
	# their own path), so it must not drop them as martians.
	on_director sysctl -qw net.ipv4.conf.d1.accept_local=1 \
		net.ipv4.conf.d2.accept_local=1
	on_rs1 ip addr add "$RIP1/24" dev r0
	on_rs2 ip addr add "$RIP2/24" dev r0
	for ns in rs1 rs2; do
		ip netns exec "$ns" ip link set r0 up
		ip netns exec "$ns" ip addr add "$VIP_DR/32" dev lo
		ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
			net.ipv4.conf.all.arp_announce=2
	done
	on_rs1 ip route add default via 10.0.2.1
	on_rs2 ip route add default via 10.0.3.1
	# Short connections at thousands per second: the client reuses its
	# ports (the servers close first, so TIME_WAIT stays with them).
	on_client sysctl -qw net.ipv4.ip_local_port_range="1024 65535" \
		net.ipv4.tcp_tw_reuse=1
	for ns in rs1 rs2; do
		ip netns exec "$ns" sysctl -qw net.core.somaxconn=4096 \
			net.ipv4.tcp_max_syn_backlog=4096 net.ipv4.tcp_tw_reuse=1
	done
	local ncpu dev mask
	ncpu=$(nproc)
	if [ "$ncpu" -ge 2 ]; then
		# The last CPU is the director's, the others the endpoints'.
		dir_cpu=$((ncpu - 1))
		# Enough senders to keep the director's CPU busy.
		udp_threads=$((ncpu - 1))
		pin=(taskset -c "0-$((ncpu - 2))")
		for dev in d0 d1 d2; do
			on_director sh -c "printf %x $((1 << dir_cpu)) >/sys/class/net/$dev/queues/rx-0/rps_cpus"
		done
		mask=$(printf %x $(((1 << dir_cpu) - 1)))
		on_client sh -c "echo $mask >/sys/class/net/c0/queues/rx-0/rps_cpus"
		on_rs sh -c "echo $mask >/sys/class/net/r0/queues/rx-0/rps_cpus"
	fi
	on_client ping -c 1 -W 2 "$RIP1" >/dev/null || die "no route from client to rs1"
	on_client ping -c 1 -W 2 "$RIP2" >/dev/null || die "no route from client to rs2"
}

start_servers() {
	local i
	for i in 1 2; do
		"on_rs$i" fnat-bench-server --tcp "$PORT" --udp "$UDP_PORT" \
			--max-seconds 3600 >"$tmp/rs$i.out" 2>&1 &
		"on_rs$i" iperf3 -s -p "$BULK_PORT" >/dev/null 2>&1 &
	done
	sleep 1
}

# set_firewall on|off|remove: the one stateful rule real directors carry,
# in a chain of its own that INPUT jumps to first, so a real director's own
# rules stay as they are.
FW_CHAIN=FNAT-BENCH
set_firewall() {
	if [ "$1" = remove ]; then
		on_director iptables -D INPUT -j "$FW_CHAIN" 2>/dev/null
		on_director iptables -F "$FW_CHAIN" 2>/dev/null
		on_director iptables -X "$FW_CHAIN" 2>/dev/null
		return 0
	fi
	on_director iptables -N "$FW_CHAIN" 2>/dev/null
	on_director iptables -C INPUT -j "$FW_CHAIN" 2>/dev/null ||
		on_director iptables -I INPUT -j "$FW_CHAIN"
	on_director iptables -F "$FW_CHAIN"
	[ "$1" = on ] || return 0
	[ -z "${BENCH_DEBUG_INVALID:-}" ] ||
		on_director iptables -A "$FW_CHAIN" -m conntrack --ctstate INVALID -m limit --limit 20/s -j LOG --log-prefix "INVALID "
	on_director iptables -A "$FW_CHAIN" -m conntrack --ctstate INVALID -j DROP
}

# fw_drops: packets the firewall rule has dropped since it was last zeroed.
fw_drops() {
	on_director iptables -L "$FW_CHAIN" -v -n -x | awk '$3 == "DROP" { n += $1 } END { print n + 0 }'
}

# lb_up CFG: loads and configures the balancer of configuration CFG.
lb_up() {
	local cfg=$1 lb fwd vip
	vip=$(vip_of "$cfg")
	case $cfg in
	direct) return 0 ;;
	ipvs-nat | ipvs-nat-ct | ipvs-nat-tab20)
		lb=ipvsadm fwd=-m
		local bits=
		# What IPVS's documentation advises for many connections.
		[ "$cfg" != ipvs-nat-tab20 ] || bits=conn_tab_bits=20
		on_director modprobe ip_vs $bits && on_director modprobe ip_vs_rr || return 1
		local ct=0
		[ "$cfg" = ipvs-nat-ct ] && ct=1
		on_director sysctl -qw net.ipv4.vs.conntrack=$ct || return 1
		;;
	fnat-nat) lb=fnatadm fwd=-m ;;
	fnat-fullnat) lb=fnatadm fwd=-b ;;
	fnat-dr) lb=fnatadm fwd=-g ;;
	*) die "unknown configuration $cfg" ;;
	esac
	[ "$lb" = fnatadm ] && { on_director modprobe fnat || return 1; }
	local svc
	for svc in "-t $vip:$PORT $RIP1:$PORT $RIP2:$PORT" \
		"-u $vip:$UDP_PORT $RIP1:$UDP_PORT $RIP2:$UDP_PORT" \
		"-t $vip:$BULK_PORT $RIP1:$BULK_PORT"; do
		set -- $svc # protocol flag, service, real servers
		local proto=$1 addr=$2 rip
		shift 2
		on_director "$lb" -A "$proto" "$addr" -s rr || return 1
		if [ "$cfg" = fnat-fullnat ]; then
			on_director fnatadm -P "$proto" "$addr" -z "$LIP1" &&
				on_director fnatadm -P "$proto" "$addr" -z "$LIP2" || return 1
		fi
		for rip in "$@"; do
			on_director "$lb" -a "$proto" "$addr" -r "$rip" $fwd || return 1
		done
	done
	[ "$cfg" != fnat-fullnat ] || on_director sh -c 'echo 1 >/sys/kernel/fnat/toa'
}

# lb_down CFG: clears and unloads it (between configurations the director
# carries no balancer hook at all).
lb_down() {
	local cfg=$1 i
	case $cfg in
	direct) return 0 ;;
	ipvs-nat*)
		on_director ipvsadm -C
		on_director sysctl -qw net.ipv4.vs.conntrack=0
		for i in 1 2 3 4 5 6 7 8 9 10; do
			on_director rmmod ip_vs_rr 2>/dev/null
			on_director rmmod ip_vs 2>/dev/null && break
			sleep 0.5
		done
		;;
	fnat-*)
		log "$cfg: $(on_director fnatadm -L --drops | tr '\n' ' ')"
		on_director fnatadm -C
		for i in 1 2 3 4 5 6 7 8 9 10; do
			on_director rmmod fnat 2>/dev/null && break
			sleep 0.5
		done
		;;
	esac
	# Conntrack entries left by one configuration are not the next one's
	# (in the VM only: a real director's table is not ours to flush).
	[ "$topology" != netns ] || on_director conntrack -F >/dev/null 2>&1 || true
}

targets() { # targets CFG: the load generator's --target arguments
	case $1 in
	direct) echo "--target $RIP1:$PORT --target $RIP2:$PORT" ;;
	*) echo "--target $(vip_of "$1"):$PORT" ;;
	esac
}

# vip_of CFG: the address the client sends to. Each configuration has its
# own VIP (the base --vip plus 0..3), so stray packets of one (a late FIN
# retransmission) never land in the next.
vip_of() {
	local n
	case $1 in
	direct) echo "$RIP1"; return ;;
	fnat-dr) echo "$VIP_DR"; return ;;
	ipvs-nat | ipvs-nat-tab20) n=0 ;;
	ipvs-nat-ct) n=1 ;;
	fnat-nat) n=2 ;;
	fnat-fullnat) n=3 ;;
	esac
	echo "${VIP%.*}.$((${VIP##*.} + n))"
}

# udp_delivered: datagrams the real servers' UDP layers took in so far.
udp_delivered() {
	local total=0 i n
	for i in 1 2; do
		n=$("on_rs$i" awk '/^Udp:/ { if (h) { print $2 + $4; exit } h = 1 }' /proc/net/snmp)
		total=$((total + ${n:-0}))
	done
	echo "$total"
}

# director_busy: CPU seconds the director has been busy so far (its own CPU
# in the VM; the whole machine on a real director), in clock ticks.
director_busy() {
	on_director awk -v cpu="cpu$dir_cpu" '$1 == cpu { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

# per_unit BUSY0 BUSY1 N: microseconds of director CPU per unit of work.
per_unit() {
	awk -v a="$1" -v b="$2" -v n="$3" -v hz="$(getconf CLK_TCK 2>/dev/null || echo 100)" \
		'BEGIN { if (n > 0) printf "%.2f", (b - a) / hz * 1e6 / n; else print "" }'
}

result() { # result ROUND SET CFG METRIC VALUE
	echo "BENCH round=$1 set=$2 cfg=$3 metric=$4 value=$5"
}

# measure ROUND SET CFG: the four metrics of one configuration.
measure() {
	local round=$1 set=$2 cfg=$3 out before after secs busy0 busy1 n
	busy0=$(director_busy)
	# shellcheck disable=SC2046 # targets are words
	out=$(on_client fnat-bench-load $(targets "$cfg") --threads 2 --concurrency 32 \
		--duration "$seconds" --timeout-ms 3000 2>&1 | tail -n 1)
	busy1=$(director_busy)
	n=$(($(field ok "$out") + $(field failed "$out")))
	log "$round $set $cfg: $out; director busy $((busy1 - busy0)) ticks"
	result "$round" "$set" "$cfg" cps "$(field rate "$out")"
	result "$round" "$set" "$cfg" p50_ms "$(field p50_ms "$out")"
	result "$round" "$set" "$cfg" p99_ms "$(field p99_ms "$out")"
	result "$round" "$set" "$cfg" conn_failed "$(field failed "$out")"
	result "$round" "$set" "$cfg" dir_us_per_conn "$(per_unit "$busy0" "$busy1" "$n")"

	before=$(udp_delivered)
	busy0=$(director_busy)
	out=$(on_client fnat-bench-udp --target "$(vip_of "$cfg"):$UDP_PORT" --flows 128 \
		--threads "$udp_threads" --size 64 --duration 3 2>&1 | tail -n 1)
	busy1=$(director_busy)
	sleep 0.3
	after=$(udp_delivered)
	secs=$(field seconds "$out")
	log "$round $set $cfg: $out; delivered $((after - before)); director busy $((busy1 - busy0)) ticks"
	result "$round" "$set" "$cfg" pps "$(awk -v n=$((after - before)) -v s="${secs:-0}" \
		'BEGIN { if (s > 0) printf "%.0f", n / s; else print 0 }')"
	result "$round" "$set" "$cfg" dir_us_per_pkt "$(per_unit "$busy0" "$busy1" "$((after - before))")"

	if [ "$set" = fw ]; then
		result "$round" "$set" "$cfg" fw_dropped "$(fw_drops)"
		on_director iptables -Z "$FW_CHAIN"
	fi
	out=$(on_client iperf3 -c "$(vip_of "$cfg")" -p "$BULK_PORT" -t 5 -O 1 -f m 2>&1 |
		awk '/receiver/ { for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") v = $(i - 1) } END { print v + 0 }')
	log "$round $set $cfg: bulk $out Mbit/s"
	result "$round" "$set" "$cfg" bulk_mbps "$out"
}

field() { # field NAME LINE: the value of NAME=VALUE in LINE
	sed -n "s/.*[ :]$1=\([^ ]*\).*/\1/p" <<<"$2"
}

# The table at scale ---------------------------------------------------------

# slab_bytes: unreclaimable kernel slab memory in use now, bytes (where
# connection entries live; reclaimable caches come and go with the files
# the bench touches).
slab_bytes() {
	on_director awk '/^SUnreclaim:/ { print $2 * 1024 }' /proc/meminfo
}

# table_count CFG: connections the balancer holds.
table_count() {
	case $1 in
	ipvs*) on_director ipvsadm -Ln --stats --exact | awk '$1 == "UDP" { n += $3 } END { print n + 0 }' ;;
	fnat*) on_director fnatadm -L --drops | awk -F': *' '/^Connections/ { print $2 + 0 }' ;;
	esac
}

obj_size() { # obj_size CACHE: a slab cache's object size
	on_director awk -v c="$1" '$1 == c { print $4 }' /proc/slabinfo
}

# fill CFG N: sends one datagram from each of N client flows (distinct
# source address and port), so the table holds about N connections.
fill() {
	local cfg=$1 n=$2 out
	out=$(on_client fnat-bench-udp --raw --target "$(vip_of "$cfg"):$UDP_PORT" \
		--src-net "$CLIENT_NET" --src-count 64 --flows "$n" --size 64 \
		--pps-limit 30000 2>&1 | tail -n 1)
	log "scale $cfg: fill $n: $out"
}

# probe CFG PER_FLOW: sends PER_FLOW datagrams on each of 128 fixed flows
# (one source address, ports 1024..1151) for 3 s at most; prints the
# datagrams per second the real servers took in.
probe() {
	local cfg=$1 before after out
	before=$(udp_delivered)
	out=$(on_client fnat-bench-udp --raw --target "$(vip_of "$cfg"):$UDP_PORT" \
		--src-net "${CLIENT_NET%.*.*}.200.0" --src-count 1 --flows 128 --size 64 \
		--per-flow "$2" --duration 3 2>&1 | tail -n 1)
	sleep 0.3
	after=$(udp_delivered)
	log "scale $cfg: probe: $out; delivered $((after - before))"
	awk -v n=$((after - before)) -v s="$(field seconds "$out")" \
		'BEGIN { if (s > 0) printf "%.0f", n / s; else print 0 }'
}

scale_one() {
	local cfg=$1 base count slab0 slab1 cache pps1k ppsbig out
	lb_up "$cfg" || { log "scale $cfg: setup failed"; lb_down "$cfg"; return; }
	case $cfg in
	ipvs*) cache=ip_vs_conn ;;
	fnat*) cache=fnat_conn ;;
	esac
	if [ "$cfg" = fnat-fullnat ]; then
		# A million connections to two servers need more than two
		# local addresses' 64k ports each: the VM adds 18 more.
		local i
		if [ "$topology" != netns ]; then
			log "scale $cfg: skipped (needs 20 local addresses on the director)"
			lb_down "$cfg"
			return
		fi
		for i in $(seq 3 20); do
			on_director ip addr add "10.0.9.$i/32" dev lo 2>/dev/null
			on_director fnatadm -P -u "$(vip_of "$cfg"):$UDP_PORT" -z "10.0.9.$i"
		done
		on_director sh -c 'echo 1024 65535 >/sys/kernel/fnat/lport_range'
	fi
	on_director sh -c 'sync; echo 3 >/proc/sys/vm/drop_caches'
	slab0=$(slab_bytes)
	fill "$cfg" 1000
	# The measured flows exist before the big fill, so their entries lie
	# behind the newer ones in the hash chains, as old connections do.
	probe "$cfg" 1 >/dev/null
	pps1k=$(probe "$cfg" 1000000)
	echo "BENCH scale cfg=$cfg metric=obj_bytes value=$(obj_size "$cache")"
	for target in 100000 "$scale"; do
		[ "$target" -le "$scale" ] || continue
		# A director busy creating entries drops some datagrams: send
		# the flows again (those held are only refreshed) if it holds
		# less than 99 % of them.
		local pass
		for pass in 1 2; do
			fill "$cfg" "$target"
			count=$(table_count "$cfg")
			[ "$count" -lt $((target * 99 / 100)) ] || break
		done
		slab1=$(slab_bytes)
		log "scale $cfg: $count entries, slab +$((slab1 - slab0)) bytes"
		echo "BENCH scale cfg=$cfg metric=entries_$target value=$count"
		echo "BENCH scale cfg=$cfg metric=bytes_per_conn_$target value=$(((slab1 - slab0) / (count > 0 ? count : 1)))"
	done
	ppsbig=$(probe "$cfg" 1000000)
	echo "BENCH scale cfg=$cfg metric=pps_1k value=$pps1k"
	echo "BENCH scale cfg=$cfg metric=pps_big value=$ppsbig"
	lb_down "$cfg"
}

# The run ----------------------------------------------------------------------

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")
# shellcheck disable=SC2317 # the trap
finish() {
	jobs -p | xargs -r kill 2>/dev/null
	set_firewall remove
	if [ "$topology" = netns ]; then
		for ns in client director rs1 rs2; do ip netns del "$ns" 2>/dev/null; done
	fi
	rm -rf "$tmp"
}
trap finish EXIT

echo "BENCHINFO kernel=$(uname -r) cpus=$(nproc) mem_mb=$(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo) date=$(date -u +%Y-%m-%d) topology=$topology rounds=$rounds seconds=$seconds"
[ "$topology" = netns ] && netns_topology
start_servers

for round in $(seq 1 "$rounds"); do
	for set in bare fw; do
		if [ "$set" = fw ]; then
			set_firewall on
			cfgs=("${CONFIGS_FW[@]}")
		else
			set_firewall off
			cfgs=("${CONFIGS_BARE[@]}")
		fi
		for cfg in "${cfgs[@]}"; do
			wanted "$cfg" || continue
			if ! lb_up "$cfg"; then
				log "$cfg: setup failed"
				lb_down "$cfg"
				continue
			fi
			measure "$round" "$set" "$cfg"
			lb_down "$cfg"
		done
	done
done
set_firewall remove

if [ "$scale" -gt 0 ]; then
	for cfg in ipvs-nat ipvs-nat-tab20 fnat-nat fnat-fullnat; do
		wanted "$cfg" && scale_one "$cfg"
	done
fi
echo "BENCHINFO done"
