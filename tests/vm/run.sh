#!/usr/bin/env bash
# Usage: tests/vm/run.sh --scenario NAME [--kver KVER] [--smp N] [--mem MB]
#            [--timeout SEC] [--log FILE] [--module PATH.ko]... [--bin PATH]...
#            [--tests DIR] [--initrd FILE] [--append ARGS] [--verbose] [--quiet]
#
# Boots the Debian kernel KVER (default: scripts/kver.sh) under
# qemu-system-x86_64 with TCG and runs one e2e scenario (DIR/NAME.sh, DIR
# defaults to tests/e2e) from an initramfs built by build-initramfs.sh with
# the given modules, binaries and tests (or from --initrd FILE, prebuilt).
# KVER may also be the checking kernel of tests/vm/debug-kernel.sh.
#
#   --smp N         vCPUs (default 2)        --mem MB     memory (default 1024)
#   --timeout SEC   whole-run limit, boot included (default 300); the
#                   scenario itself gets SEC-20 so the VM can still report
#                   A checking kernel (KASAN in its config) gets a default
#                   of 300 x 5, the scenario SEC-120 (the VM scans for
#                   leaks after it), and panic_on_warn=1 kasan.fault=panic
#                   no5lvl on its command line
#   --log FILE      console log (default build/vm-logs/NAME.log)
#   --append ARGS   extra kernel command line
#   --verbose       fnat.verbose=1: the scenario traces its commands
#   --quiet         console only to the log file, not to stdout
#
# Exit status 0 only if the console shows "FNAT-VM-RESULT: PASS NAME" and no
# kernel line on the console reports BUG/WARNING/Oops/...; 1 on failure, 2 on
# bad usage. The last line printed is "vm: NAME PASS" or "vm: NAME FAIL (reason)".
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

usage() {
	[ "$#" -eq 0 ] || echo "run: $*" >&2
	sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

kver=
smp=2
mem=1024
timeout=
log=
modules=()
bins=()
scenario=
tests=$root/tests/e2e
initrd=
append=
verbose=0
quiet=0
while [ "$#" -gt 0 ]; do
	case "$1" in
	--kver) kver=${2:?--kver needs a value}; shift 2 ;;
	--smp) smp=${2:?--smp needs a value}; shift 2 ;;
	--mem) mem=${2:?--mem needs a value}; shift 2 ;;
	--timeout) timeout=${2:?--timeout needs a value}; shift 2 ;;
	--log) log=${2:?--log needs a value}; shift 2 ;;
	--module) modules+=(--module "${2:?--module needs a value}"); shift 2 ;;
	--bin) bins+=(--bin "${2:?--bin needs a value}"); shift 2 ;;
	--scenario) scenario=${2:?--scenario needs a value}; shift 2 ;;
	--tests) tests=${2:?--tests needs a value}; shift 2 ;;
	--initrd) initrd=${2:?--initrd needs a value}; shift 2 ;;
	--append) append=${2?--append needs a value}; shift 2 ;;
	--verbose) verbose=1; shift ;;
	--quiet) quiet=1; shift ;;
	-h | --help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) usage "unknown argument '$1'" ;;
	esac
done
[ -n "$scenario" ] || usage "--scenario is required"
case "$scenario" in
*[!A-Za-z0-9_.-]* | .*) usage "bad scenario name '$scenario'" ;;
esac
for n in "$smp" "$mem" "${timeout:-300}"; do
	case "$n" in '' | *[!0-9]*) usage "--smp, --mem and --timeout take numbers" ;; esac
done
[ "${timeout:-300}" -ge 30 ] || usage "--timeout must be at least 30 s"
[ -n "$kver" ] || kver=$("$root/scripts/kver.sh")
if [ -n "$initrd" ]; then
	[ -s "$initrd" ] || usage "--initrd $initrd: no such file"
	if [ "${#modules[@]}" -gt 0 ] || [ "${#bins[@]}" -gt 0 ]; then
		usage "--module and --bin go into the initramfs: not with --initrd"
	fi
else
	[ -f "$tests/$scenario.sh" ] || usage "no scenario $tests/$scenario.sh"
fi
[ -n "$log" ] || log=$root/build/vm-logs/$scenario.log
command -v qemu-system-x86_64 >/dev/null ||
	{ echo "run: qemu-system-x86_64 not found (run scripts/install-deps.sh)" >&2; exit 1; }

verdict() { # verdict PASS|FAIL [reason]
	if [ "$1" = PASS ]; then
		echo "vm: $scenario PASS"
		exit 0
	fi
	echo "vm: $scenario FAIL ($2)"
	exit 1
}

kdir=$("$here/fetch-kernel.sh" "$kver") || verdict FAIL "cannot fetch kernel $kver"
# A checking kernel (tests/vm/debug-kernel.sh: KASAN, lockdep, kmemleak) is
# several times slower under TCG, and the VM scans for leaks after the
# scenario; any warning it prints panics it, so that the first report ends
# the run where it happened.
margin=20
checking=0
if grep -qx 'CONFIG_KASAN=y' "${kdir%/}/config" 2>/dev/null; then
	checking=1
	[ -n "$timeout" ] || timeout=$((300 * 5))
	margin=120
	[ "$timeout" -gt "$margin" ] || usage "--timeout must be more than $margin s with a checking kernel"
fi
[ -n "$timeout" ] || timeout=300
work=$(mktemp -d "${TMPDIR:-/tmp}/fnat-vm.XXXXXX")
qemu_pid=
tail_pid=
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	[ -z "$qemu_pid" ] || kill -KILL "$qemu_pid" 2>/dev/null || true
	[ -z "$tail_pid" ] || kill "$tail_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "$initrd" ]; then
	initrd=$work/initramfs.cpio.gz
	"$here/build-initramfs.sh" --kver "$kver" --out "$initrd" --tests "$tests" \
		${modules[@]+"${modules[@]}"} ${bins[@]+"${bins[@]}"} ||
		verdict FAIL "initramfs build failed"
fi

# The VM gets 20 s (checking kernel: 120 s) less than the whole run, so that
# it reports its own timeout; the host kills qemu only if the VM itself hangs.
vm_timeout=$((timeout - margin))
# "quiet" keeps the boot messages off the slow emulated serial console (the
# VM's init still scans all of dmesg, and turns console messages back on for
# the scenario).
cmdline="console=ttyS0,115200 panic=-1 oops=panic nmi_watchdog=0 mitigations=off"
cmdline+=" fnat.scenario=$scenario fnat.timeout=$vm_timeout"
if [ "$verbose" = 0 ]; then
	cmdline+=" quiet"
else
	cmdline+=" fnat.verbose=1"
fi
# no5lvl: with 5-level paging (qemu's "max" CPU has LA57), an interrupt
# while 6.1's identify_cpu() has cleared the boot CPU's feature bits (IRQs
# are on by then) makes KASAN take the direct map for wild memory and panic
# the boot: KASAN's shadow bounds follow pgtable_l5_enabled(), which reads
# those bits. 4-level paging has no such window.
[ "$checking" = 0 ] || cmdline+=" panic_on_warn=1 kasan.fault=panic no5lvl"
[ -z "$append" ] || cmdline+=" $append"

mkdir -p "$(dirname "$log")"
: >"$log"
{
	echo "# vm: scenario $scenario, kernel $kver ($(cat "${kdir%/}/.stamp"))"
	echo "# vm: qemu -smp $smp -m $mem, timeout ${timeout}s, append: $cmdline"
} >>"$log"
[ "$quiet" = 1 ] || cat "$log"

# The decompressed vmlinux boots through its PVH entry point, skipping the
# bootloader path and the kernel's self-decompression (seconds under TCG).
kernel=${kdir%/}/vmlinux
[ -s "$kernel" ] || kernel=${kdir%/}/vmlinuz

# qboot is a minimal firmware: quicker than SeaBIOS and silent on the console.
firmware=()
for f in /usr/share/qemu/qboot.rom /usr/share/qemu-efi/qboot.rom; do
	if [ -f "$f" ]; then
		firmware=(-bios "$f")
		break
	fi
done

start=$(date +%s.%N)
# TCG only: /dev/kvm may exist, but nested KVM does not work on our machines.
qemu-system-x86_64 \
	-accel tcg,thread=multi -cpu max -machine pc ${firmware[@]+"${firmware[@]}"} \
	-m "$mem" -smp "$smp" \
	-nographic -nodefaults -no-user-config -serial stdio -no-reboot \
	-kernel "$kernel" -initrd "$initrd" -append "$cmdline" \
	</dev/null >>"$log" 2>&1 &
qemu_pid=$!
if [ "$quiet" = 0 ]; then
	tail -n 0 -f --pid="$qemu_pid" "$log" &
	tail_pid=$!
fi

timed_out=0
deadline=$((SECONDS + timeout))
while kill -0 "$qemu_pid" 2>/dev/null; do
	if [ "$SECONDS" -ge "$deadline" ]; then
		timed_out=1
		kill -KILL "$qemu_pid" 2>/dev/null || true
		break
	fi
	sleep 0.2
done
qemu_rc=0
{ wait "$qemu_pid"; } 2>/dev/null || qemu_rc=$? # no "Killed" notice
qemu_pid=
end=$(date +%s.%N)
if [ -n "$tail_pid" ]; then
	wait "$tail_pid" 2>/dev/null || true
	tail_pid=
fi
elapsed=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
echo "# vm: qemu exited with status $qemu_rc after ${elapsed}s" >>"$log"
[ "$quiet" = 1 ] || echo "# vm: qemu exited with status $qemu_rc after ${elapsed}s"

# Host-side check of the console: only kernel lines ("[    1.234] ...") count,
# so a scenario may print such words without failing the run.
console=$(tr -d '\r' <"$log")
# The same patterns as the VM's init.sh.
pattern='BUG:|WARNING:|Oops|general protection|Call Trace|kernel BUG|UBSAN|KASAN|leaked|unregister_netdevice: waiting|Kernel panic|soft lockup|hung_task|blocked for more than'
# Known core kernel reports with no fnat in them do not count (see
# kernel-reports.awk).
bad=$(grep -E '^\[ *[0-9]+\.[0-9]+\] ' <<<"$console" | awk -f "$here/kernel-reports.awk" |
	grep -E "$pattern" | head -n 1 || true)
bad_msg=${bad#*] }
result=$(grep -E '^FNAT-VM-RESULT: ' <<<"$console" || true)

if [ "$timed_out" = 1 ]; then
	verdict FAIL "timeout: no verdict within ${timeout}s"
fi
if [ -z "$result" ]; then
	if [ -n "$bad" ]; then
		verdict FAIL "no verdict; kernel: ${bad_msg:0:100}"
	fi
	verdict FAIL "no verdict line (qemu status $qemu_rc; see $log)"
fi
if [ "$(wc -l <<<"$result")" -ne 1 ]; then
	verdict FAIL "more than one verdict line"
fi
case "$result" in
"FNAT-VM-RESULT: PASS $scenario")
	if [ -n "$bad" ]; then
		verdict FAIL "kernel: ${bad_msg:0:100}"
	fi
	verdict PASS
	;;
"FNAT-VM-RESULT: FAIL $scenario ("*")")
	reason=${result#"FNAT-VM-RESULT: FAIL $scenario ("}
	verdict FAIL "${reason%)}"
	;;
*)
	verdict FAIL "unexpected verdict line: $result"
	;;
esac
