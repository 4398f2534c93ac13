#!/bin/bash
# fnatadm --set, -L --timeout and -S on fnat.ko, next to ipvsadm on IPVS: the
# same commands print the same lines, `fnatadm -S -n` prints what
# `ipvsadm -S -n` prints for the same table (plus the thresholds ipvsadm
# leaves out), and the saved lines rebuild the table one by one.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

KO=/lib/modules/$FNAT_KVER/extra/fnat.ko
NOBODY="--reuid=65534 --regid=65534 --clear-groups"

step "load fnat"
# insmod loads no dependencies (modprobe would): load fnat.ko's first.
IFS=, read -ra deps <<<"$(modinfo -F depends "$KO")"
[ "${#deps[@]}" -eq 0 ] || must modprobe -a "${deps[@]}"
must insmod "$KO"
expect_contains "fnat" cat /proc/modules
on_exit "rmmod fnat 2>/dev/null || true"
must fnatadm -C

step "default timeouts, every spelling of -L --timeout"
fnat_default=$(must fnatadm -L --timeout)
for form in "-L --timeout" "-l --timeout" "--list --timeout" "-Ln --timeout" "--timeout -l"; do
	# shellcheck disable=SC2086 # the form is meant to split
	expect_output "Timeout (tcp tcpfin udp): 7440 120 300" fnatadm $form
done
expect_output '{
  "tcp": 7440,
  "tcpfin": 120,
  "udp": 300
}' fnatadm -L --timeout --json

step "--set changes the non-zero values only"
must fnatadm --set 30 0 60
expect_output "Timeout (tcp tcpfin udp): 30 120 60" fnatadm -L --timeout
must fnatadm --set 0 0 0
expect_output "Timeout (tcp tcpfin udp): 30 120 60" fnatadm -L --timeout
must fnatadm --set 0 2678400 0
expect_output "Timeout (tcp tcpfin udp): 30 2678400 60" fnatadm -L --timeout
must fnatadm --set 0 120 0
expect_output "Timeout (tcp tcpfin udp): 30 120 60" fnatadm -L --timeout

step "bad --set lines are refused and change nothing"
must_fail "--set option requires 3 timeout values" fnatadm --set 1 2
must_fail "unexpected argument '4'" fnatadm --set 1 2 3 4
must_fail "illegal udp timeout specified (--set '2678401'" fnatadm --set 1 2 2678401
must_fail "illegal tcpfin timeout specified (--set '-1'" fnatadm --set 1 -1 3
must_fail "illegal tcp timeout specified (--set 'abc'" fnatadm --set abc 2 3
must_fail "Illegal 'numeric' option with the 'set' command" fnatadm --set 1 2 3 -n
must_fail "The option 'timeout' conflicts with the 'service-address' option in the 'list' command" \
	fnatadm -L --timeout -t 10.0.0.1:80
must_fail "Illegal 'timeout' option with the 'save' command" fnatadm -S --timeout
expect_output "Timeout (tcp tcpfin udp): 30 120 60" fnatadm -L --timeout

step "--set needs CAP_NET_ADMIN, -L --timeout does not"
for drop in "$NOBODY" "--inh-caps=-all --bounding-set=-all"; do
	# shellcheck disable=SC2086
	must_fail "Permission denied" setpriv $drop fnatadm --set 1 1 1
	# shellcheck disable=SC2086
	expect_output "Timeout (tcp tcpfin udp): 30 120 60" setpriv $drop fnatadm -L --timeout
done
# A --set that sends nothing needs no privilege, as it changes nothing.
# shellcheck disable=SC2086
must setpriv $NOBODY fnatadm --set 0 0 0
expect_output "Timeout (tcp tcpfin udp): 30 120 60" fnatadm -L --timeout

step "timeouts are per network namespace"
netns_add other
expect_output "Timeout (tcp tcpfin udp): 7440 120 300" in_ns other fnatadm -L --timeout
must in_ns other fnatadm --set 5 6 7
expect_output "Timeout (tcp tcpfin udp): 5 6 7" in_ns other fnatadm -L --timeout
expect_output "Timeout (tcp tcpfin udp): 30 120 60" fnatadm -L --timeout
netns_del other

step "the timeout line has ipvsadm's layout"
must modprobe ip_vs
must modprobe ip_vs_rr
must modprobe ip_vs_wrr
must modprobe ip_vs_wlc
on_exit "ipvsadm -C 2>/dev/null; rmmod ip_vs_wlc ip_vs_wrr ip_vs_rr ip_vs 2>/dev/null || true"
# The defaults differ (IPVS: 900 120 300), the text before them does not.
ipvs_default=$(must ipvsadm -L --timeout)
[ "${ipvs_default%%:*}" = "${fnat_default%%:*}" ] ||
	fail "text before the numbers differs: '$ipvs_default' vs '$fnat_default'"
[ "${ipvs_default%%[0-9]*}" = "Timeout (tcp tcpfin udp): " ] ||
	fail "ipvsadm's timeout line is not the expected layout: '$ipvs_default'"
# 0 leaves a value unchanged in IPVS too, so the same --set gives the same line.
for tool in ipvsadm fnatadm; do
	must $tool --set 30 0 60
	must $tool -L --timeout >"$LIB_TMP/$tool.timeout"
	must $tool -l --timeout -n >>"$LIB_TMP/$tool.timeout"
done
diff -u "$LIB_TMP/ipvsadm.timeout" "$LIB_TMP/fnatadm.timeout" ||
	fail "fnatadm -L --timeout differs from ipvsadm -L --timeout"
expect_output "Timeout (tcp tcpfin udp): 30 120 60" ipvsadm -L --timeout

step "an empty table saves as nothing, in both tools"
for tool in ipvsadm fnatadm; do
	must $tool -C
	expect_output "" $tool -S -n
	expect_output "" $tool -S
done

# build TOOL: the same table through either tool: DR, TUN, NAT, persistence
# with and without -M, a zero port, UDP, weights 0..65535; no thresholds.
build() {
	local tool=$1
	must "$tool" -C
	must "$tool" -A -t 192.168.0.240:80 -s rr -p 20
	must "$tool" -a -t 192.168.0.240:80 -r 192.168.0.224:80 -g -w 2
	must "$tool" -a -t 192.168.0.240:80 -r 192.168.0.223:80 -g -w 1
	must "$tool" -A -t 172.16.1.111:80 -s rr
	must "$tool" -a -t 172.16.1.111:80 -r 172.16.1.134:80 -i
	must "$tool" -a -t 172.16.1.111:80 -r 172.16.1.133 -i -w 3
	must "$tool" -A -t 172.16.1.134:80 -s wrr -p 30 -M 255.255.0.0
	must "$tool" -a -t 172.16.1.134:80 -m -r 172.16.1.136:8080 -w 65535
	must "$tool" -a -t 172.16.1.134:80 -m -r 172.16.1.135:80 -w 2
	must "$tool" -a -t 172.16.1.134:80 -m -r 172.16.1.137:8080 -w 0
	# An explicit timeout: a bare -p is 300 s in fnatadm (ipvsadm's manual)
	# but 360 s in ipvsadm 1.31's code.
	must "$tool" -A -t 172.16.1.200:0 -s wlc -p 300
	must "$tool" -A -t 172.16.1.134:443 -s wlc -p 3600 -M 255.255.255.255
	must "$tool" -a -t 172.16.1.134:443 -r 172.16.1.135 -g
	must "$tool" -A -u 10.0.0.54:53 -s rr
	must "$tool" -A -u 10.0.0.53:53 -s wrr -p 60 -M 255.255.255.0
	must "$tool" -a -u 10.0.0.53:53 -r 10.0.1.2 -g
	must "$tool" -a -u 10.0.0.53:53 -r 10.0.1.1:5353 -m -w 0
}

step "the same table saves to the same lines in both tools"
for tool in ipvsadm fnatadm; do
	build $tool
	must $tool -S -n >"$LIB_TMP/$tool.save"
done
diff -u "$LIB_TMP/ipvsadm.save" "$LIB_TMP/fnatadm.save" ||
	fail "fnatadm -S -n differs from ipvsadm -S -n"
# fnatadm is always numeric: -S is -S -n, and --save the same.
expect_output "$(cat "$LIB_TMP/fnatadm.save")" fnatadm -S
expect_output "$(cat "$LIB_TMP/fnatadm.save")" fnatadm --save --numeric
expect_output "-A -t 172.16.1.111:80 -s rr
-a -t 172.16.1.111:80 -r 172.16.1.133:80 -i -w 3 --tun-type ipip
-a -t 172.16.1.111:80 -r 172.16.1.134:80 -i -w 1 --tun-type ipip
-A -t 172.16.1.134:80 -s wrr -p 30 -M 255.255.0.0
-a -t 172.16.1.134:80 -r 172.16.1.135:80 -m -w 2
-a -t 172.16.1.134:80 -r 172.16.1.136:8080 -m -w 65535
-a -t 172.16.1.134:80 -r 172.16.1.137:8080 -m -w 0
-A -t 172.16.1.134:443 -s wlc -p 3600
-a -t 172.16.1.134:443 -r 172.16.1.135:443 -g -w 1
-A -t 172.16.1.200:0 -s wlc -p 300
-A -t 192.168.0.240:80 -s rr -p 20
-a -t 192.168.0.240:80 -r 192.168.0.223:80 -g -w 1
-a -t 192.168.0.240:80 -r 192.168.0.224:80 -g -w 2
-A -u 10.0.0.53:53 -s wrr -p 60 -M 255.255.255.0
-a -u 10.0.0.53:53 -r 10.0.1.1:5353 -m -w 0
-a -u 10.0.0.53:53 -r 10.0.1.2:53 -g -w 1
-A -u 10.0.0.54:53 -s rr" fnatadm -S -n

step "thresholds: fnatadm saves them, ipvsadm leaves them out"
for tool in ipvsadm fnatadm; do
	must $tool -e -t 172.16.1.134:80 -m -r 172.16.1.136:8080 -w 65535 -x 10 -y 5
	must $tool -e -t 172.16.1.134:80 -m -r 172.16.1.137:8080 -w 0 -x 100
	must $tool -e -u 10.0.0.53:53 -r 10.0.1.2 -g -w 1 -x 9 -y 7
	must $tool -S -n >"$LIB_TMP/$tool.save"
done
expect_contains "-a -t 172.16.1.134:80 -r 172.16.1.136:8080 -m -w 65535 -x 10 -y 5
-a -t 172.16.1.134:80 -r 172.16.1.137:8080 -m -w 0 -x 100" fnatadm -S -n
expect_contains "-a -u 10.0.0.53:53 -r 10.0.1.2:53 -g -w 1 -x 9 -y 7" fnatadm -S -n
sed -E 's/ -x [0-9]+//; s/ -y [0-9]+//' "$LIB_TMP/fnatadm.save" >"$LIB_TMP/fnatadm.save.nothresh"
diff -u "$LIB_TMP/ipvsadm.save" "$LIB_TMP/fnatadm.save.nothresh" ||
	fail "fnatadm -S -n, without -x/-y, differs from ipvsadm -S -n"
# ipvsadm reads fnatadm's lines back, thresholds included.
must ipvsadm -C
must ipvsadm -R <"$LIB_TMP/fnatadm.save"
must ipvsadm -S -n >"$LIB_TMP/ipvsadm.restored"
diff -u "$LIB_TMP/ipvsadm.save" "$LIB_TMP/ipvsadm.restored" ||
	fail "ipvsadm -R of fnatadm -S -n built another table"
expect_contains "$(printf '  -> %-28s %-10u %-10u' 172.16.1.136:8080 10 5)" ipvsadm -Ln --thresholds
expect_contains "$(printf '  -> %-28s %-10u %-10u' 10.0.1.2:53 9 7)" ipvsadm -Ln --thresholds
must ipvsadm -C

step "round trip: each saved line replayed by fnatadm rebuilds the table"
# fnat-only: FULLNAT, which needs a local address of the service first. A
# lower threshold without an upper one means nothing and is refused, as IPVS
# refuses it.
must_fail "FULLNAT needs a local address" fnatadm -a -t 172.16.1.134:80 -b -r 172.16.1.138:9000
must ip link set lo up
must ip addr add 172.16.1.200/32 dev lo
must fnatadm -P -t 172.16.1.134:80 -z 172.16.1.200
must_fail "Lower threshold must not exceed the upper threshold" \
	fnatadm -a -t 172.16.1.134:80 -b -r 172.16.1.138:9000 -w 4 -y 20
must fnatadm -a -t 172.16.1.134:80 -b -r 172.16.1.138:9000 -w 4 -x 30 -y 20
must fnatadm -S -n >"$LIB_TMP/saved"
must fnatadm -L -n --json >"$LIB_TMP/before.json"
expect_contains "-a -t 172.16.1.134:80 -r 172.16.1.138:9000 -b -w 4 -x 30 -y 20" cat "$LIB_TMP/saved"
must fnatadm -C
expect_output "" fnatadm -S -n
lines=0
while read -r line; do
	# shellcheck disable=SC2086 # each saved line is a command line
	must fnatadm $line
	lines=$((lines + 1))
done <"$LIB_TMP/saved"
# 7 services, 1 local address and 11 destinations.
[ "$lines" -eq 19 ] || fail "replayed $lines lines, expected 19"
must fnatadm -S -n >"$LIB_TMP/resaved"
diff -u "$LIB_TMP/saved" "$LIB_TMP/resaved" || fail "the replayed table saves differently"
must fnatadm -L -n --json >"$LIB_TMP/after.json"
diff -u "$LIB_TMP/before.json" "$LIB_TMP/after.json" || fail "the replayed table lists differently"
# Saving is a read: open to everyone.
# shellcheck disable=SC2086
expect_output "$(cat "$LIB_TMP/saved")" setpriv $NOBODY fnatadm -S -n

step "fnatadm -R: the saved table restores to the same table"
must fnatadm -S -n >"$LIB_TMP/saved"
must fnatadm -L -n --nosort --json >"$LIB_TMP/before.json"
must fnatadm -C
must fnatadm -R <"$LIB_TMP/saved"
expect_output "$(cat "$LIB_TMP/saved")" fnatadm -S -n
# Comments, blank lines, and a -C first: over the very table it was saved from.
{
	echo "# fnatadm -S -n"
	echo
	echo "-C"
	cat "$LIB_TMP/saved"
} >"$LIB_TMP/with-clear"
must fnatadm --restore <"$LIB_TMP/with-clear"
expect_output "$(cat "$LIB_TMP/saved")" fnatadm -S -n
# As ipvsadm -R, no implicit -C: the first saved service already exists, and
# nothing had been applied, so nothing changes.
must_fail "fnatadm: line 1: Service already exists" fnatadm -R <"$LIB_TMP/saved"
expect_output "$(cat "$LIB_TMP/saved")" fnatadm -S -n
must fnatadm -L -n --nosort --json >"$LIB_TMP/before.json"

step "fnatadm -R: a line that does not parse changes nothing"
printf '%s\n' "-C" "-A -t 10.9.9.9:80 -s rr" "-a -t 10.9.9.9:80 -r 10.9.9.10 -w 70000" \
	>"$LIB_TMP/bad-line"
must_fail "fnatadm: line 3: illegal weight specified (-w '70000'" fnatadm -R <"$LIB_TMP/bad-line"
rc=0
fnatadm -R <"$LIB_TMP/bad-line" 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "a restore line that does not parse exits $rc, expected 2"
printf '%s\n' "-C" "-R" >"$LIB_TMP/nested"
must_fail "fnatadm: line 2: -R (--restore) is not allowed in restore input" \
	fnatadm -R <"$LIB_TMP/nested"
expect_output "$(cat "$LIB_TMP/saved")" fnatadm -S -n
expect_output "Timeout (tcp tcpfin udp): 30 120 60" fnatadm -L --timeout

step "fnatadm -R: a line the kernel refuses rolls everything back"
# Timeouts, a flush, a new service with a dest, then a dest for a service
# that was never defined (line 6).
printf '%s\n' "--set 5 6 7" "-C" "# new" "-A -t 10.9.9.9:80 -s rr" \
	"-a -t 10.9.9.9:80 -r 10.9.9.10 -m" "-a -t 10.9.9.8:80 -r 10.9.9.10 -m" \
	"-A -t 10.9.9.7:80 -s rr" >"$LIB_TMP/refused"
must_fail "fnatadm: line 6: Service not defined" fnatadm -R <"$LIB_TMP/refused"
rc=0
fnatadm -R <"$LIB_TMP/refused" 2>/dev/null || rc=$?
[ "$rc" -eq 1 ] || fail "a restore line the kernel refuses exits $rc, expected 1"
expect_output "$(cat "$LIB_TMP/saved")" fnatadm -S -n
expect_output "Timeout (tcp tcpfin udp): 30 120 60" fnatadm -L --timeout
# The services come back in their creation order, with every attribute.
must fnatadm -L -n --nosort --json >"$LIB_TMP/after.json"
diff -u "$LIB_TMP/before.json" "$LIB_TMP/after.json" || fail "the rolled back table lists differently"
# An edit of an existing service, then a duplicate service.
printf '%s\n' "-E -t 172.16.1.111:80 -s wlc" "-D -u 10.0.0.54:53" "-A -t 172.16.1.134:443 -s rr" \
	>"$LIB_TMP/duplicate"
must_fail "fnatadm: line 3: Service already exists" fnatadm -R <"$LIB_TMP/duplicate"
expect_output "$(cat "$LIB_TMP/saved")" fnatadm -S -n
must fnatadm -L -n --nosort --json >"$LIB_TMP/after.json"
diff -u "$LIB_TMP/before.json" "$LIB_TMP/after.json" || fail "the rolled back table lists differently"
# Without CAP_NET_ADMIN the first command (-C, line 3 after a comment and a
# blank line) is refused; the table is untouched.
# shellcheck disable=SC2086
must_fail "fnatadm: line 3: Permission denied" setpriv $NOBODY fnatadm -R <"$LIB_TMP/with-clear"
expect_output "$(cat "$LIB_TMP/saved")" fnatadm -S -n

step "unload"
must fnatadm -C
must rmmod fnat
must ipvsadm -C
must rmmod ip_vs_wlc ip_vs_wrr ip_vs_rr ip_vs
must_fail "" grep -q '^fnat ' /proc/modules
