#!/bin/busybox sh
# shellcheck shell=dash
# /init of the fnat test VM (installed by tests/vm/build-initramfs.sh).
#
# Runs one e2e scenario and reports through exactly one console line:
#   FNAT-VM-RESULT: PASS NAME
#   FNAT-VM-RESULT: FAIL NAME (reason)
# then powers the VM off. PASS needs the scenario to exit 0 within its time
# limit AND a kernel log free of BUG/WARNING/Oops/... lines AND, on a kernel
# with kmemleak (tests/vm/debug-kernel.sh), no leak of fnat's found by a scan
# after the scenario.
#
# Kernel command line (read from /proc/cmdline):
#   fnat.scenario=NAME   runs /bin/bash /tests/e2e/NAME.sh           (required)
#   fnat.timeout=SEC     time limit for the scenario (default 300)
#   fnat.verbose=1       FNAT_VERBOSE=1 for the scenario (lib.sh traces with set -x)
#   fnat.settle=SEC      wait before reading the kernel log, so that deferred
#                        work (netns teardown) can report (default 2)
# These keys are removed from what /proc/cmdline shows afterwards: modprobe
# reads "fnat.*" there as options for the module named fnat.
#
# This runs under busybox sh, which prefers its own applets to PATH (its `ip`
# cannot do netns or veth): it uses busybox applets only, and runs scenarios
# under real bash, where PATH finds iproute2, kmod and the rest.

PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin
export PATH HOME=/root TERM=dumb TMPDIR=/tmp LANG=C LC_ALL=C

/bin/busybox mount -t proc -o nosuid,nodev,noexec proc /proc
/bin/busybox mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
/bin/busybox mount -t devtmpfs -o nosuid,mode=755 devtmpfs /dev
exec </dev/console >/dev/console 2>&1

mkdir -p /dev/pts /dev/shm
mount -t devpts -o nosuid,noexec,gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o nosuid,nodev tmpfs /dev/shm
mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /tmp
mount -t tmpfs -o nosuid,nodev,mode=755 tmpfs /run
mount -t debugfs -o nosuid,nodev,noexec debugfs /sys/kernel/debug 2>/dev/null || true
mount -t tracefs -o nosuid,nodev,noexec tracefs /sys/kernel/tracing 2>/dev/null || true
mount -t bpf -o nosuid,nodev,noexec bpf /sys/fs/bpf 2>/dev/null || true
ln -sfn /proc/self/fd /dev/fd
ln -sfn /proc/self/fd/0 /dev/stdin
ln -sfn /proc/self/fd/1 /dev/stdout
ln -sfn /proc/self/fd/2 /dev/stderr
hostname fnat-vm
ip link set lo up
# A leaked netdev reference is reported after this many seconds (default 10).
echo 1 >/proc/sys/net/core/netdev_unregister_timeout_secs 2>/dev/null || true

name=
timeout=300
verbose=0
settle=2
clean=
# shellcheck disable=SC2013 # the command line is one line of words
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	fnat.scenario=*) name=${arg#*=} ;;
	fnat.timeout=*) timeout=${arg#*=} ;;
	fnat.verbose=*) verbose=${arg#*=} ;;
	fnat.settle=*) settle=${arg#*=} ;;
	*) clean="$clean${clean:+ }$arg" ;;
	esac
done
echo "$clean" >/run/cmdline
mount --bind /run/cmdline /proc/cmdline 2>/dev/null || true

verdict() { # verdict PASS|FAIL [reason]
	# Kernel messages from here on stay off the console, so nothing can
	# interleave with the verdict line.
	echo 1 >/proc/sys/kernel/printk
	echo # in case the scenario left a line unfinished
	if [ "$1" = PASS ]; then
		echo "FNAT-VM-RESULT: PASS $name"
	else
		echo "FNAT-VM-RESULT: FAIL ${name:-?} ($2)"
	fi
	sync
	poweroff -f
	echo o >/proc/sysrq-trigger
	sleep 10
	exit 1 # init exiting panics the kernel; panic=-1 ends the VM
}

case "$name" in
'') verdict FAIL "no fnat.scenario=NAME on the kernel command line" ;;
*[!A-Za-z0-9_.-]* | .*) verdict FAIL "bad scenario name" ;;
esac
case "$timeout" in '' | *[!0-9]*) verdict FAIL "bad fnat.timeout" ;; esac
case "$settle" in '' | *[!0-9]*) verdict FAIL "bad fnat.settle" ;; esac
script=/tests/e2e/$name.sh
[ -f "$script" ] || verdict FAIL "no such scenario: $script"

FNAT_KVER=$(uname -r)
# The checking kernel (tests/vm/debug-kernel.sh) is the one with kmemleak.
FNAT_CHECKING=0
[ ! -e /sys/kernel/debug/kmemleak ] || FNAT_CHECKING=1
export FNAT_VM=1 FNAT_SCENARIO="$name" FNAT_VERBOSE="$verbose" FNAT_KVER FNAT_CHECKING
up() { cut -d' ' -f1 /proc/uptime; }
echo "fnat-vm: kernel $FNAT_KVER, $(nproc) cpus; scenario $name (limit ${timeout}s) starts at $(up)s uptime"

# kmemleak names the code of a module that is gone by address only. So
# that a leak of fnat's still counts after the scenario unloaded it, rmmod
# and modprobe (-r) first note where fnat is loaded, from /proc/modules.
kmemleak=/sys/kernel/debug/kmemleak
if [ -e "$kmemleak" ]; then
	mkdir -p /run/fnat-kmemleak
	for t in rmmod modprobe; do
		printf '#!/bin/sh\ngrep "^fnat " /proc/modules >>/run/fnat-modules 2>/dev/null\nexec /usr/sbin/%s "$@"\n' \
			"$t" >"/run/fnat-kmemleak/$t"
		chmod 755 "/run/fnat-kmemleak/$t"
	done
	PATH=/run/fnat-kmemleak:$PATH
fi

# Kernel messages (all but debug) go to the console while the scenario runs.
echo 7 >/proc/sys/kernel/printk

# The scenario runs in its own session so that the whole process group can be
# killed on timeout and leftovers reaped afterwards.
setsid /bin/bash "$script" </dev/null &
pid=$!
(
	sleep "$timeout"
	if kill -0 "$pid" 2>/dev/null; then
		: >/run/fnat-timeout
		kill -KILL -"$pid" 2>/dev/null
		kill -KILL "$pid" 2>/dev/null
	fi
) &
watchdog=$!
wait "$pid"
rc=$?
kill "$watchdog" 2>/dev/null
kill -KILL -"$pid" 2>/dev/null
echo "fnat-vm: scenario $name exited with status $rc at $(up)s uptime"

[ "$settle" -gt 0 ] && sleep "$settle"

# kmemleak_check: scans twice, a few seconds apart (an object is reported
# only once it is 5 s old and was unreferenced in a scan), and prints the
# reports whose backtrace is fnat's: "[fnat]" while it is loaded, an address
# inside one of its noted load ranges after it was unloaded. (Only the
# module's core counts: its __init code, freed after loading, shows as a bare
# address either way; fnat_init() allocates nothing itself.) Status 0 if
# there is any.
kmemleak_check() {
	local ranges size addr lo
	grep "^fnat " /proc/modules >>/run/fnat-modules 2>/dev/null
	echo "fnat-vm: kmemleak scan at $(up)s uptime"
	if ! { echo scan >"$kmemleak" && sleep 5 && echo scan >"$kmemleak"; }; then
		echo "fnat-vm: kmemleak scan failed"
		return 1
	fi
	cat "$kmemleak" >/run/kmemleak
	# Module code lies at 0xffffffffXXXXXXXX: compare the low 32 bits.
	ranges=
	# shellcheck disable=SC2034 # the fields between size and address
	while read -r _ size _ _ _ addr _; do
		case "$addr" in 0xffffffff????????) ;; *) continue ;; esac
		lo=$((0x${addr#0xffffffff}))
		ranges="$ranges $lo:$((lo + size))"
	done </run/fnat-modules 2>/dev/null
	awk -v ranges="$ranges" '
		function hex(s,   i, v) {
			v = 0
			for (i = 1; i <= length(s); i++)
				v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			return v
		}
		function ours(line,   a, i, r) {
			if (line ~ /\[fnat\]/)
				return 1
			if (!match(line, /0xffffffff[0-9a-f]+$/) || RLENGTH != 18)
				return 0
			a = hex(substr(line, RSTART + 10))
			for (i = 1; i <= nr; i++) {
				split(rs[i], r, ":")
				if (a >= r[1] + 0 && a < r[2] + 0)
					return 1
			}
			return 0
		}
		function flush() {
			if (rec != "") {
				total++
				if (hit) { printf "%s", rec; found++ }
			}
			rec = ""; hit = 0
		}
		BEGIN { nr = split(ranges, rs, " ") }
		/^unreferenced object/ { flush() }
		{ rec = rec "kmemleak: " $0 "\n"; if (ours($0)) hit = 1 }
		END {
			flush()
			printf "fnat-vm: kmemleak: %d unreferenced object(s), %d of them fnat'"'"'s\n", total, found
			exit found > 0 ? 0 : 1
		}' /run/kmemleak
}
leaks=
if [ -e "$kmemleak" ] && kmemleak_check; then
	leaks=1
fi

pattern='BUG:|WARNING:|Oops|general protection|Call Trace|kernel BUG|UBSAN|KASAN|leaked|unregister_netdevice: waiting|Kernel panic|soft lockup|hung_task|blocked for more than'
# Known reports of the core kernel, with no fnat in them, do not count
# (kernel-reports.awk says which and why); each one left out is named.
dmesg | awk -v notes=/run/known-reports -f /lib/fnat/kernel-reports.awk >/run/dmesg
[ ! -s /run/known-reports ] || sed 's/^/fnat-vm: /' /run/known-reports
if grep -E "$pattern" /run/dmesg >/run/dmesg.bad; then
	echo "fnat-vm: kernel log lines that fail the run:"
	sed 's/^/dmesg: /' /run/dmesg.bad
	bad=$(head -n 1 /run/dmesg.bad | sed 's/^\[[ 0-9.]*\] *//' | cut -c1-100)
else
	bad=
fi

if [ -e /run/fnat-timeout ]; then
	verdict FAIL "timeout after ${timeout}s"
elif [ "$rc" -ne 0 ]; then
	verdict FAIL "exit status $rc"
elif [ -n "$bad" ]; then
	verdict FAIL "kernel log: $bad"
elif [ -n "$leaks" ]; then
	verdict FAIL "kmemleak: fnat leaked memory"
fi
verdict PASS
