#!/usr/bin/env bash
# Runs every test layer of fnat and ends with one summary line:
#   check: N passed, M failed
# where N and M add up the layers' own counts (KUnit cases, GoogleTest
# cases, e2e scenarios in the VM, and the style, docs, install and DKMS
# checks). A layer that cannot even build counts as one failure. Logs go to
# build/check/.
#
#   scripts/check.sh [--kver KVER] [layer...]
#
# Layers, in order:
#   style     checkpatch and clang-format
#   docs      the docs cover every tunable and drop reason; links resolve
#   kunit     the KUnit suites under UML
#   kunit-debug  the same in a checking UML kernel (KASAN, lockdep, UBSAN);
#             any report fails it
#   unit      GoogleTest and the CLI tests (ctest)
#   install   make install/uninstall into a DESTDIR, units, completion
#   dkms      dkms add/build/install/remove for Debian's 6.1 and 6.12
#             headers, in private trees; keeps the modules in build/dkms/
#   e2e       every scenario in the VM booting KVER, with kmod/fnat.ko
#   e2e-6.12  the smoke set in the VM booting the 6.12 kernel, with the
#             module DKMS built for it (needs the dkms layer first)
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
kver=""
layers=()
while [ "$#" -gt 0 ]; do
	case "$1" in
	--kver) kver=$2; shift 2 ;;
	--kver=*) kver=${1#*=}; shift ;;
	-h|--help) sed -n '2,8s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) layers+=("$1"); shift ;;
	esac
done
[ "${#layers[@]}" -gt 0 ] || layers=(style docs kunit kunit-debug unit install dkms e2e e2e-6.12)

# The scenarios that must pass on every kernel fnat supports; the whole set
# runs on the default one.
smoke_set=(smoke skeleton netlink_strict seeds sysfs_tunables fnat_fullnat toa_realserver
	fuzz_netlink synproxy)

# VMs up at once in the e2e layers (FNAT_E2E_JOBS): on 2 cores two halve
# the run, as most scenarios spend their time waiting on timeouts; the
# scenarios that measure rates run alone (run-e2e.sh's "# e2e: alone").
e2e_jobs=${FNAT_E2E_JOBS:-2}

# The tools the scenarios run in the VM.
e2e_bins=()
for b in fnatadm fnat-nlprobe fnat-traffic fnat-toa fnat-toa-test \
	bench/fnat-bench-server bench/fnat-bench-load bench/fnat-bench-udp \
	fuzz/fnat-fuzz-netlink fuzz/fnat-fuzz-packets fuzz/fnat-fuzz-sync; do
	e2e_bins+=(--bin "build/userspace/$b")
done

# restate_as FROM LAYER LOG: appends LOG's last "FROM: N passed, M failed"
# as LAYER's.
restate_as() {
	local line
	line=$(grep -E "^$1: [0-9]+ passed, [0-9]+ failed" "$3" 2>/dev/null | tail -n 1)
	[ -z "$line" ] || echo "$2: ${line#"$1": }" >>"$3"
}

bash scripts/install-deps.sh || { echo "check: 0 passed, 1 failed"; exit 1; }
[ -n "$kver" ] || kver=$(scripts/kver.sh)
logs=build/check
mkdir -p "$logs"

passed=0
failed=0
summary=()

# count LAYER LOG PATTERN: adds the "N passed, M failed" of the last line of
# LOG matching PATTERN; a layer that printed no such line counts as failed.
count() {
	local layer=$1 log=$2 line p f
	line=$(grep -E "^$layer: [0-9]+ passed, [0-9]+ failed" "$log" | tail -n 1)
	if [ -z "$line" ]; then
		summary+=("$layer: no result (see $log)")
		failed=$((failed + 1))
		return
	fi
	p=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line")
	f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
	passed=$((passed + p))
	failed=$((failed + f))
	summary+=("$line")
}

# shellcheck source=timed.sh
. "$root/scripts/timed.sh"

build_ok=1
if ! timed build make -s all KVER="$kver"; then
	build_ok=0
fi

for layer in "${layers[@]}"; do
	case "$layer" in
	style)
		timed style scripts/style.sh
		count style "$logs/style.log"
		;;
	kunit)
		timed kunit tests/kunit/run.sh
		count kunit "$logs/kunit.log"
		;;
	kunit-debug)
		timed kunit-debug tests/kunit/run.sh --debug
		restate_as kunit kunit-debug "$logs/kunit-debug.log"
		count kunit-debug "$logs/kunit-debug.log"
		;;
	unit)
		if [ "$build_ok" = 1 ]; then
			timed unit ctest --test-dir build/userspace --output-on-failure
		fi
		# ctest's own summary, restated in the common form.
		line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' \
			"$logs/unit.log" 2>/dev/null | tail -n 1)
		if [ -n "$line" ]; then
			f=$(sed -E 's/.* ([0-9]+) tests failed.*/\1/' <<<"$line")
			t=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
			echo "unit: $((t - f)) passed, $f failed" >>"$logs/unit.log"
		fi
		count unit "$logs/unit.log"
		;;
	docs)
		timed docs tests/docs/run.sh
		count docs "$logs/docs.log"
		;;
	install)
		if [ "$build_ok" = 1 ]; then
			timed install tests/install/run.sh --build build/userspace \
				--module kmod/fnat.ko --kver "$kver"
		fi
		count install "$logs/install.log"
		;;
	dkms)
		timed dkms tests/dkms/run.sh --out build/dkms
		count dkms "$logs/dkms.log"
		;;
	e2e-6.12)
		k612=$(find build/dkms -mindepth 1 -maxdepth 1 -name '6.12.*' -printf '%f\n' 2>/dev/null |
			sort -V | tail -n 1)
		if [ "$build_ok" = 1 ] && [ -n "$k612" ]; then
			timed e2e-6.12 tests/vm/run-e2e.sh --kver "$k612" \
				--logdir build/e2e-logs-6.12 --jobs "$e2e_jobs" \
				--module "build/dkms/$k612/fnat.ko" "${e2e_bins[@]}" \
				"${smoke_set[@]}"
			restate_as e2e e2e-6.12 "$logs/e2e-6.12.log"
		elif [ -z "$k612" ]; then
			echo "e2e-6.12: no module for 6.12 in build/dkms (run the dkms layer first)" |
				tee "$logs/e2e-6.12.log"
		fi
		count e2e-6.12 "$logs/e2e-6.12.log"
		;;
	e2e)
		if [ "$build_ok" = 1 ]; then
			timed e2e tests/vm/run-e2e.sh --kver "$kver" --jobs "$e2e_jobs" \
				--module kmod/fnat.ko "${e2e_bins[@]}"
		fi
		count e2e "$logs/e2e.log"
		;;
	*)
		echo "check: unknown layer $layer" >&2
		failed=$((failed + 1))
		;;
	esac
done

[ "$build_ok" = 1 ] || { summary+=("build: failed (see $logs/build.log)"); failed=$((failed + 1)); }
echo
# Why each failed scenario failed, next to the summary, where a reader of
# only the end of the run sees it.
grep -h '^e2e: why ' "$logs"/e2e*.log 2>/dev/null | head -n 8 || true
printf '%s\n' "${summary[@]}"
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
