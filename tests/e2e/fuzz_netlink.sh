#!/bin/bash
# fuzz_netlink: fnat-fuzz-netlink (tests/fuzz/netlink_*) sends random, faulty
# and mutated requests of every FNAT command to fnat.ko in a network
# namespace and checks every answer against its oracle of the module (errno,
# extack message, reply content) and, every 1000 requests and at the end, the
# whole configuration against its model. 100000 requests with a fixed seed;
# in another namespace 5000 with a random seed (printed, to reproduce a
# failure) while two readers dump; an unprivileged sender whose every write
# must get EPERM and change nothing. One namespace is flushed, the
# other goes with its configuration (sync daemons included); fnat unloads
# with a configuration left in the initial namespace and leaves no slab
# cache behind. The harness fails the run on any kernel BUG or WARNING.
# On the checking kernel every count is a tenth (lib.sh's scaled).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

command -v fnat-fuzz-netlink >/dev/null ||
	fail "fnat-fuzz-netlink is not in the VM (run-e2e.sh --bin build/userspace/fuzz/fnat-fuzz-netlink)"

must modprobe fnat
on_exit "rmmod fnat 2>/dev/null || true"
netns_add fuzz fuzz2

# fuzz NS COUNT [PREFIX...] ARGS...: runs the fuzzer (after PREFIX, e.g.
# setpriv) in network namespace NS ("-": the initial one); it must exit 0
# after a summary of COUNT requests sent without a mismatch.
fuzz() {
	local ns=$1 count=$2 out rc=0
	shift 2
	if [ "$ns" = - ]; then
		out=$("$@" --count "$count" 2>&1) || rc=$?
	else
		out=$(in_ns "$ns" "$@" --count "$count" 2>&1) || rc=$?
	fi
	echo "$out"
	[ "$rc" -eq 0 ] || fail "fnat-fuzz-netlink failed (exit status $rc)"
	[[ "$out" == *"netlink fuzz: $count sent, "*", 0 mismatches, seed "* ]] ||
		fail "fnat-fuzz-netlink did not send $count requests without a mismatch"
}

N=$(scaled 100000)
step "$N requests, seed 1"
start=$SECONDS
fuzz fuzz "$N" fnat-fuzz-netlink --seed 1 --time-limit 180
echo "(took $((SECONDS - start)) s)"

seed=$((16#$(tr -d '-' </proc/sys/kernel/random/uuid | cut -c1-8)))
N=$(scaled 5000)
step "$N requests, random seed $seed (fnat-fuzz-netlink --reset --seed $seed), two readers dumping meanwhile"
fuzz fuzz2 "$N" fnat-fuzz-netlink --reset --seed "$seed" --readers 2 --time-limit 60

step "an unprivileged sender: every write gets EPERM, reads work, nothing changes"
before=$(must in_ns fuzz fnatadm -S -n)
fuzz fuzz "$(scaled 5000)" setpriv --reuid nobody --regid nogroup --clear-groups --inh-caps=-all \
	--bounding-set=-all fnat-fuzz-netlink --unprivileged --seed "$seed"
expect_output "$before" in_ns fuzz fnatadm -S -n

step "flush; the other namespace goes with its configuration"
must in_ns fuzz2 fnatadm -C
expect_output "" in_ns fuzz2 fnatadm -S -n
netns_del fuzz fuzz2

N=$(scaled 3000)
step "$N requests in the initial namespace, whose configuration fnat unloads with"
fuzz - "$N" fnat-fuzz-netlink --reset --seed "$seed"
must fnatadm -Ln >/dev/null
must rmmod fnat
[ ! -d /sys/module/fnat ] || fail "rmmod fnat left /sys/module/fnat behind"
if grep '^fnat' /proc/slabinfo; then
	fail "fnat's slab caches outlive the module"
fi
if dmesg | grep -E 'still has objects|fnat.*leak'; then
	fail "the kernel reports leaked fnat objects"
fi
