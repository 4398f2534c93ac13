#!/bin/bash
# The demo `make demo` shows: the NAT example of the seeds (two real servers
# behind one VIP, round robin, then weights), configured with fnatadm in
# place of ipvsadm. Also run by `make check`, so the demo stays true.
. "$(dirname "$0")/lib.sh"

# show CMD...: prints the command as an operator would type it, then runs it.
show() {
	echo "[root@director ~]# $*"
	must "$@"
}

VIP=172.16.1.134
show insmod "/lib/modules/$FNAT_KVER/extra/fnat.ko"
on_exit "rmmod fnat 2>/dev/null || true"
show fnatadm -v
show fnatadm -A -t $VIP:80 -s rr
show fnatadm -a -t $VIP:80 -m -r 172.16.1.135:80
show fnatadm -a -t $VIP:80 -m -r 172.16.1.136:80
out=$(show fnatadm -Ln)
echo "$out"
[[ "$out" == *"TCP  $VIP:80 rr"*"172.16.1.135:80"*"Masq"*"172.16.1.136:80"* ]] ||
	fail "the listing does not show the service"

show fnatadm -E -t $VIP:80 -s wrr
show fnatadm -e -t $VIP:80 -m -r 172.16.1.135:80 -w 2
show fnatadm -Ln
show fnatadm -Ln --json
show fnatadm -C
show rmmod fnat
