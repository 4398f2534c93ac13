#!/bin/bash
# Every configuring command of the LVS how-tos fnat is built for, typed as
# they are there with fnatadm in place of ipvsadm, and the listings they
# lead to compared with what ipvsadm lists for the same commands.
. "$(dirname "$0")/lib.sh"

must modprobe fnat
on_exit "rmmod fnat 2>/dev/null || true"
must modprobe -a ip_vs ip_vs_rr ip_vs_wrr ip_vs_wlc
on_exit "ipvsadm -C; rmmod ip_vs_wlc ip_vs_wrr ip_vs_rr ip_vs 2>/dev/null || true"

# same TOOL-LESS-COMMAND...: runs the command through both tools; both must
# accept it.
same() {
	must ipvsadm "$@"
	must fnatadm "$@"
}

# by_service: a listing's lines, each dest line prefixed with its service
# line, sorted. ipvsadm orders services by a subtraction that wraps for
# addresses more than 2^31 apart (0.0.0.0 after 192.168.0.30); fnatadm sorts
# numerically. Line for line, the layout must still be identical.
by_service() {
	awk '/^(TCP|UDP|-A) /{svc=$0} {print svc "|" $0}' | sort
}

# listings_match: the tables below the version line, and the saved rules,
# are identical.
listings_match() {
	ipvsadm -Ln | tail -n +2 | by_service >"$LIB_TMP/ipvs.ln"
	fnatadm -Ln | tail -n +2 | by_service >"$LIB_TMP/fnat.ln"
	diff -u "$LIB_TMP/ipvs.ln" "$LIB_TMP/fnat.ln" || fail "listings differ after: $1"
	ipvsadm -S -n | by_service >"$LIB_TMP/ipvs.save"
	fnatadm -S -n | by_service >"$LIB_TMP/fnat.save"
	diff -u "$LIB_TMP/ipvs.save" "$LIB_TMP/fnat.save" || fail "saved rules differ after: $1"
}

step "DR example (192.168.0.200:10000, two real servers)"
same -A -t 192.168.0.200:10000 -s rr
same -a -t 192.168.0.200:10000 -r 192.168.0.104:10000 -g
same -a -t 192.168.0.200:10000 -r 192.168.0.105:10000 -g
listings_match "DR example"

step "keepalived-era start script: clear, timeouts, persistent service"
VIP=192.168.0.240
PORT=80
RIP=(192.168.0.223 192.168.0.224)
same -C
same --set 30 5 60
same -A -t $VIP:$PORT -s rr -p 20
for ((i = 0; i < ${#RIP[*]}; i++)); do
	same -a -t $VIP:$PORT -r "${RIP[$i]}" -g -w 1
done
listings_match "start script"
expect_output "Timeout (tcp tcpfin udp): 30 5 60" fnatadm -L --timeout
expect_contains "TCP  192.168.0.240:80 rr persistent 20" fnatadm -L -n
expect_contains "TCP  192.168.0.240:80 rr persistent 20" fnatadm -l

step "deleting as the how-to does (with a stray -s on -D)"
same -d -t 192.168.0.240:80 -r 192.168.0.223:80
listings_match "dest delete"
must fnatadm -D -t 192.168.0.240:80 -s rr
must ipvsadm -D -t 192.168.0.240:80
listings_match "service delete"

step "TUN and NAT examples"
same -C
VIP=192.168.0.30
RIP1=10.0.0.51
RIP2=10.0.0.52
same -A -t $VIP:80 -s wlc
same -a -t $VIP:80 -r $RIP1 -i -w 1
same -a -t $VIP:80 -r $RIP2 -i -w 1
same -A -t 0.0.0.0:80 -s wlc
same -a -t 0.0.0.0:80 -r 192.168.100.112:80 -m
same -a -t 0.0.0.0:80 -r 192.168.100.113:80 -m
listings_match "TUN and NAT examples"

step "scheduler and weight edits, -m before -r"
same -C
vip=172.16.1.134
port=80
scheduler=rr
same -A -t ${vip}:${port} -s $scheduler
same -a -t 172.16.1.134:80 -m -r 172.16.1.135:80
same -a -t 172.16.1.134:80 -m -r 172.16.1.136:80
listings_match "NAT service"
same -E -t 172.16.1.134:80 -s wrr
same -e -t 172.16.1.134:80 -m -r 172.16.1.135:80 -w 2
same -e -t 172.16.1.134:80 -m -r 172.16.1.136:80 -w 1
listings_match "edits"
same -A -t 172.16.1.111:80 -s rr
same -a -t 172.16.1.111:80 -r 172.16.1.134:80 -i
same -a -t 172.16.1.111:80 -r 172.16.1.135:80 -i
listings_match "TUN service"

step "real servers without a port take the service's"
same -C
same -A -t 192.168.56.34:80 -s rr
same -a -t 192.168.56.34:80 -r 192.168.142.137 -m
same -a -t 192.168.56.34:80 -r 192.168.142.138 -m
same -A -t 192.168.56.40:80 -s rr
same -a -t 192.168.56.40:80 -r 192.168.56.37:80 -g
same -a -t 192.168.56.40:80 -r 192.168.56.38:80 -g
listings_match "portless real servers"
expect_contains "  -> 192.168.142.137:80" fnatadm -Ln

step "save, clear, and restore by replaying the saved lines"
must fnatadm --save >"$LIB_TMP/rules"
same -C
while read -r line; do
	# shellcheck disable=SC2086 # a saved line is a command line
	must fnatadm $line
done <"$LIB_TMP/rules"
diff -u "$LIB_TMP/rules" <(fnatadm -S) || fail "replaying the saved rules changed them"
must fnatadm -C
must rmmod fnat
