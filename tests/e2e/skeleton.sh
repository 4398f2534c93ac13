#!/bin/bash
# fnat.ko + fnatadm over the FNAT family: configuration through the whole
# stack, listings identical in layout to ipvsadm's, errors with ipvsadm's
# words, permission checks, per-netns isolation and a clean unload.
. "$(dirname "$0")/lib.sh"

KO=/lib/modules/$FNAT_KVER/extra/fnat.ko
VIP=192.168.0.240
RS1=192.168.0.223
RS2=192.168.0.224

step "load fnat"
# insmod loads no dependencies (modprobe would): load fnat.ko's first.
IFS=, read -ra deps <<<"$(modinfo -F depends "$KO")"
[ "${#deps[@]}" -eq 0 ] || must modprobe -a "${deps[@]}"
must insmod "$KO"
expect_contains "fnat" cat /proc/modules
on_exit "rmmod fnat 2>/dev/null || true"
must fnatadm -C

title="Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn"
# The table is sized from memory: one bucket per page, 2^8..2^20.
pages=$(awk '/^MemTotal:/ { print int($2 / 4) }' /proc/meminfo)
bits=8
while [ $((1 << (bits + 1))) -le "$pages" ] && [ "$bits" -lt 20 ]; do bits=$((bits + 1)); done
expect_output "$bits" cat /sys/module/fnat/parameters/conn_tab_bits
size=$((1 << bits))
header="FNAT version 0.1.0 (size=$size)
$title"

step "--show-tunables lists sysfs and the load-time parameters, as they are now"
out=$(must fnatadm --show-tunables)
echo "$out"
for name in lport_range toa fast_path reject_no_dest expire_nodest_conn sync_threshold; do
	[[ "$out" =~ (^|$'\n')\ \ $name\ +$(cat "/sys/kernel/fnat/$name")($'\n'|$) ]] ||
		fail "--show-tunables does not show $name as sysfs has it"
done
[[ "$out" =~ $'\n'\ \ conn_tab_bits\ +$bits$'\n' ]] || fail "--show-tunables does not show conn_tab_bits $bits"
old_range=$(cat /sys/kernel/fnat/lport_range)
echo "2000 3000" >/sys/kernel/fnat/lport_range
out=$(must fnatadm --show-tunables)
[[ "$out" =~ lport_range\ +2000\ 3000 ]] || fail "--show-tunables does not show the new lport_range: $out"
echo "$old_range" >/sys/kernel/fnat/lport_range

step "empty table"
expect_output "$header" fnatadm -Ln

step "two services with three dests, as in the seeds"
must fnatadm -A -t $VIP:80 -s rr -p 20
must fnatadm -a -t $VIP:80 -r $RS1:80 -g -w 1
must fnatadm -a -t $VIP:80 -r $RS2:80 -g -w 1
must fnatadm -A -t 172.16.1.134:80 -s rr
must fnatadm -a -t 172.16.1.134:80 -m -r 172.16.1.135:8080
# Sorted by protocol, address and port, as ipvsadm sorts.
expect_output "$header
TCP  172.16.1.134:80 rr
  -> 172.16.1.135:8080            Masq    1      0          0         
TCP  $VIP:80 rr persistent 20
  -> $RS1:80             Route   1      0          0         
  -> $RS2:80             Route   1      0          0         " fnatadm -Ln
# Every spelling of the listing command prints the same table.
for form in "-L -n" "-ln" "-nL" "-L --numeric" "--list -n" "-l"; do
	# shellcheck disable=SC2086 # the form is meant to split
	expect_contains "TCP  172.16.1.134:80 rr" fnatadm $form
done

step "the same table through --json"
json=$(must fnatadm -Ln --json)
for want in '"conn_tab_size": '"$size" '"scheduler": "rr"' '"timeout": 20' \
	'"address": "192.168.0.223"' '"forward": "route"' '"forward": "masq"' \
	'"port": 8080'; do
	[[ "$json" == *"$want"* ]] || fail "--json lacks $want: $json"
done

step "edit a service and a dest"
must fnatadm -E -t 172.16.1.134:80 -s wrr
must fnatadm -e -t 172.16.1.134:80 -m -r 172.16.1.135:8080 -w 2
must fnatadm -a -t 172.16.1.134:80 -m -r 172.16.1.136:80 -w 1 -x 100 -y 50
must fnatadm -e -t $VIP:80 -r $RS2:80 -g -w 0
expect_output "$title
TCP  172.16.1.134:80 wrr
  -> 172.16.1.135:8080            Masq    2      0          0         
  -> 172.16.1.136:80              Masq    1      0          0         " \
	fnatadm -Ln -t 172.16.1.134:80
expect_contains "  -> $RS2:80             Route   0      0          0" fnatadm -Ln

step "DR and TUN take the service port, as ipvsadm"
must fnatadm -A -t 10.1.1.1:443 -s wlc
must fnatadm -a -t 10.1.1.1:443 -r 10.1.2.1:8443 -i
must ip link set lo up
must ip addr add 10.1.9.1/32 dev lo
must fnatadm -P -t 10.1.1.1:443 -z 10.1.9.1
must fnatadm -a -t 10.1.1.1:443 -r 10.1.2.2 -b
expect_output "$title
TCP  10.1.1.1:443 wlc
  -> 10.1.2.1:443                 Tunnel  1      0          0         
  -> 10.1.2.2:443                 FullNat 1      0          0         " \
	fnatadm -Ln -t 10.1.1.1:443

step "UDP, zero port with persistence, netmask"
must fnatadm -A -u 10.0.0.53:53 -s wrr -p 60 -M 255.255.255.0
must fnatadm -A -t 0.0.0.0:80 -s wlc
must fnatadm -A -t 10.9.9.9:0 -s rr -p
expect_contains "UDP  10.0.0.53:53 wrr persistent 60 mask 255.255.255.0" fnatadm -Ln
expect_contains "TCP  10.9.9.9:0 rr persistent 360" fnatadm -Ln

step "bad commands fail with ipvsadm's words"
must_fail "Service already exists" fnatadm -A -t $VIP:80 -s rr
must_fail "Service not defined" fnatadm -a -t $VIP:81 -r $RS1:80 -g
must_fail "Destination already exists" fnatadm -a -t $VIP:80 -r $RS1:80 -g
must_fail "No such destination" fnatadm -d -t $VIP:80 -r 9.9.9.9:80
must_fail "No such destination" fnatadm -e -t $VIP:80 -r 9.9.9.9:80 -w 3
must_fail "No such service" fnatadm -D -t $VIP:81
must_fail "No such service" fnatadm -E -t $VIP:81 -s rr
must_fail "Scheduler not found" fnatadm -A -t 10.0.0.9:80 -s nosuch
must_fail "Zero port specified for non-persistent service" fnatadm -A -t 10.0.0.9:0 -s rr
must_fail "Address must be unicast" fnatadm -A -t "[ff02::1]:80" -s rr
must_fail "IPv4-mapped IPv6 address: give the IPv4 address instead" \
	fnatadm -A -t "[::ffff:10.0.0.9]:80" -s rr
must_fail "" fnatadm -a -t $VIP:80 -r $RS1:80 -w 70000
must_fail "" fnatadm -A -t 300.1.1.1:80
must_fail "" fnatadm -A -t $VIP
must_fail "" fnatadm --no-such-option
# A failed command changed nothing.
expect_contains "TCP  $VIP:80 rr persistent 20" fnatadm -Ln
[ "$(fnatadm -Ln | grep -c '^  -> [0-9]')" -eq 6 ] || fail "dest count changed: $(fnatadm -Ln)"

step "a seed's delete with a scheduler, then the dest delete"
must fnatadm -d -t $VIP:80 -r $RS1:80
must fnatadm -D -t 10.9.9.9:0 -s rr
expect_contains "  -> $RS2:80" fnatadm -Ln
[[ "$(fnatadm -Ln)" != *"$RS1"* ]] || fail "$RS1 still listed"
[[ "$(fnatadm -Ln)" != *"10.9.9.9"* ]] || fail "10.9.9.9:0 still listed"

step "writes need CAP_NET_ADMIN, reads do not"
for drop in "--reuid=65534 --regid=65534 --clear-groups" \
	"--inh-caps=-all --bounding-set=-all"; do
	# shellcheck disable=SC2086
	must_fail "Permission denied" setpriv $drop fnatadm -A -t 10.7.7.7:80 -s rr
	# shellcheck disable=SC2086
	must_fail "Permission denied" setpriv $drop fnatadm -C
	# shellcheck disable=SC2086
	expect_contains "TCP  $VIP:80 rr" setpriv $drop fnatadm -Ln
done

step "configuration is per network namespace"
netns_add other
expect_output "$header" in_ns other fnatadm -Ln
must in_ns other fnatadm -A -t $VIP:80 -s wrr
expect_contains "TCP  $VIP:80 wrr" in_ns other fnatadm -Ln
expect_contains "TCP  $VIP:80 rr persistent 20" fnatadm -Ln
# A namespace that goes away with services in it frees them.
must in_ns other fnatadm -a -t $VIP:80 -r $RS1:80 -m
netns_del other

step "same layout as ipvsadm for the same commands"
must modprobe ip_vs
must modprobe ip_vs_rr
must modprobe ip_vs_wrr
for tool in ipvsadm fnatadm; do
	must $tool -C
	must $tool -A -t $VIP:80 -s rr -p 20
	must $tool -a -t $VIP:80 -r $RS1:80 -g -w 1
	must $tool -a -t $VIP:80 -r $RS2:80 -g -w 1
	must $tool -A -t 172.16.1.111:80 -s rr
	must $tool -a -t 172.16.1.111:80 -r 172.16.1.134:80 -i
	must $tool -A -t 172.16.1.134:80 -s wrr -p 30 -M 255.255.0.0
	must $tool -a -t 172.16.1.134:80 -m -r 172.16.1.135:80 -w 2
	must $tool -a -t 172.16.1.134:80 -m -r 172.16.1.136:8080 -w 65535 -x 10 -y 5
	must $tool -A -u 10.0.0.53:53 -s wrr
	must $tool -a -u 10.0.0.53:53 -r 10.0.1.1:5353 -m -w 0
	must $tool -Ln >"$LIB_TMP/$tool.txt"
	must $tool -Ln -t 172.16.1.134:80 >"$LIB_TMP/$tool.one"
	must $tool -Z -t 172.16.1.134:80
	must $tool -Z
	# No traffic: zero counters and rates, in each tool's layout.
	must $tool -Ln --stats >"$LIB_TMP/$tool.stats"
	must $tool -Ln --rate >"$LIB_TMP/$tool.rate"
	must $tool -Ln --stats --exact >"$LIB_TMP/$tool.exact"
done
for view in stats rate exact; do
	diff -u <(tail -n +2 "$LIB_TMP/ipvsadm.$view") <(tail -n +2 "$LIB_TMP/fnatadm.$view") ||
		fail "fnatadm -Ln --$view differs from ipvsadm's"
done
must_fail "No such service" fnatadm -Z -t 172.16.1.134:81
diff -u "$LIB_TMP/ipvsadm.one" "$LIB_TMP/fnatadm.one" ||
	fail "fnatadm -Ln -t differs from ipvsadm -Ln -t"
tail -n +2 "$LIB_TMP/ipvsadm.txt" >"$LIB_TMP/ipvsadm.body"
tail -n +2 "$LIB_TMP/fnatadm.txt" >"$LIB_TMP/fnatadm.body"
diff -u "$LIB_TMP/ipvsadm.body" "$LIB_TMP/fnatadm.body" ||
	fail "fnatadm -Ln differs from ipvsadm -Ln"
must ipvsadm -C
must rmmod ip_vs_wrr ip_vs_rr ip_vs

step "clear and unload"
must fnatadm -C
expect_output "$header" fnatadm -Ln
must fnatadm -A -t $VIP:80 -s rr
must fnatadm -a -t $VIP:80 -r $RS1:80 -m
must rmmod fnat
must_fail "" grep -q '^fnat ' /proc/modules

step "fnatadm loads the module through the family alias, like ipvsadm"
expect_output "$header" fnatadm -Ln
expect_contains "fnat " cat /proc/modules
must rmmod fnat

step "without the module, a clear error"
must mv "$KO" "$LIB_TMP/fnat.ko"
on_exit "mv '$LIB_TMP/fnat.ko' '$KO'"
must depmod
must_fail "Is the fnat module loaded?" fnatadm -Ln
must_fail "" grep -q '^fnat ' /proc/modules
