#!/usr/bin/env bash
# Runs the e2e scenarios in the VM booting the checking kernel of
# tests/vm/debug-kernel.sh (KASAN, kmemleak, lockdep with RCU checks, UBSAN,
# panic_on_warn) and ends with one summary line:
#   check-debug: N passed, M failed
# counting scenarios; a step that fails before any scenario runs (kernel,
# module or tools build) counts as one failure. Logs go to build/check-debug/
# and the consoles to build/e2e-logs-debug/.
#
#   scripts/check-debug.sh [--no-build] [--bindir DIR] [--jobs N] [--ci]
#                          [scenario...]
#
# Steps, after scripts/install-deps.sh:
#   kernel    tests/vm/debug-kernel.sh: nothing when its cache is warm, else
#             the build (about 70 min on 2 cores)
#   module    fnat.ko built against that kernel from a copy of kmod/ and
#             include/ (kmod/ keeps the objects of the default build):
#             build/debug/fnat.ko, with debug info for scripts/faddr2line
#   tools     make userspace; with --no-build the tools already built are
#             used, and those missing are left out (the scenarios that need
#             them fail saying so); --bindir DIR takes them from DIR instead
#             of build/userspace (implies --no-build)
#   e2e       tests/vm/run-e2e.sh with that kernel and module, N VMs at once
#             (default 2), and the tools scripts/check.sh gives its e2e
#             layer (its e2e_bins list): the scenarios named, or the default
#             set (debug_set below) plus every tests/e2e/fuzz_*.sh and
#             tests/e2e/lifecycle*.sh (about 40 min), or with --ci the set CI
#             runs after make check (ci_set below, about 7 min)
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1

build_tools=1
bindir=build/userspace
jobs=2
ci=0
names=()
while [ "$#" -gt 0 ]; do
	case "$1" in
	--no-build) build_tools=0; shift ;;
	--bindir) bindir=${2:?--bindir needs a value}; build_tools=0; shift 2 ;;
	--jobs) jobs=${2:?--jobs needs a value}; shift 2 ;;
	--ci) ci=1; shift ;;
	-h | --help) sed -n '2,28s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) echo "check-debug: unknown option '$1'" >&2; exit 2 ;;
	*) names+=("${1%.sh}"); shift ;;
	esac
done

# The scenarios every change must pass under the checking kernel.
debug_set=(smoke skeleton netlink_strict seeds sysfs_tunables fnat_fullnat fnat_forwarding
	fnat_sync synproxy)
# CI's share, which fits its time after make check: every netlink command
# and its errors, then unload with a configuration; rmmod with entries and
# under traffic, and netns deletion: where leaks and lock misuse would be.
ci_set=(fuzz_netlink lifecycle)
logs=build/check-debug
mkdir -p "$logs"

# fail_early WHAT LOG: the run ends before the scenarios, as one failure.
fail_early() {
	echo "check-debug: $1 failed (see $2)"
	echo "check-debug: 0 passed, 1 failed"
	exit 1
}

# shellcheck source=timed.sh
. "$root/scripts/timed.sh"

bash scripts/install-deps.sh || fail_early "scripts/install-deps.sh" "its output above"
timed kernel tests/vm/debug-kernel.sh || fail_early "the debug kernel build" "$logs/kernel.log"
kver=$(tests/vm/debug-kernel.sh --print-kver) || fail_early "debug-kernel.sh --print-kver" "$logs/kernel.log"
kbuild=$(tests/vm/debug-kernel.sh --print-build-dir) ||
	fail_early "debug-kernel.sh --print-build-dir" "$logs/kernel.log"

# build_module: fnat.ko for the checking kernel, in build/debug/.
build_module() {
	local src=build/debug/src
	mkdir -p "$src"
	# Sources only, never the default build's objects; only changed files are
	# rewritten, so make rebuilds just those.
	rsync -rl --checksum --delete --exclude='*.mod.c' --include='*/' \
		--include='*.c' --include='*.h' --include='Kbuild' --exclude='*' kmod/ "$src/kmod/" &&
		rsync -rl --checksum --delete include/ "$src/include/" || return 1
	nice -n 10 make -s -C "$kbuild" M="$root/$src/kmod" CONFIG_FNAT=m \
		KCFLAGS="-Werror -g" -j2 modules || return 1
	cp "$src/kmod/fnat.ko" build/debug/fnat.ko &&
		echo "check-debug: build/debug/fnat.ko ($(modinfo -F vermagic build/debug/fnat.ko))"
}
timed module build_module || fail_early "building fnat.ko for $kver" "$logs/module.log"

if [ "$build_tools" = 1 ]; then
	timed tools make -s userspace || fail_early "building the tools" "$logs/tools.log"
fi

# The tools the scenarios run in the VM: the words of scripts/check.sh's
#   e2e_bins=()
#   for b in TOOL...; do
# so that both layers always ship the same ones.
tools=$(awk '/^e2e_bins=\(\)$/ { on = 1; next }
	on && /^for b in / { sub(/^for b in /, ""); take = 1 }
	take { gsub(/\\$/, ""); list = list " " $0; if (list ~ /; do$/) { sub(/; do$/, "", list); print list; exit } }
	' scripts/check.sh)
e2e_bins=()
for b in $tools; do
	case "$b" in
	*[!A-Za-z0-9/_.-]*) tools= ; break ;;
	esac
	if [ "$build_tools" = 0 ] && [ ! -x "$bindir/$b" ]; then
		echo "check-debug: $bindir/$b is not built: left out"
		continue
	fi
	e2e_bins+=(--bin "$bindir/$b")
done
[ -n "$tools" ] || fail_early "reading the e2e_bins list of scripts/check.sh" "scripts/check.sh"

if [ "${#names[@]}" -eq 0 ] && [ "$ci" = 1 ]; then
	names=("${ci_set[@]}")
elif [ "${#names[@]}" -eq 0 ]; then
	names=("${debug_set[@]}")
	for f in tests/e2e/fuzz_*.sh tests/e2e/lifecycle*.sh; do
		[ -e "$f" ] || continue
		n=${f##*/}
		names+=("${n%.sh}")
	done
fi

timed e2e tests/vm/run-e2e.sh --kver "$kver" --logdir build/e2e-logs-debug --jobs "$jobs" \
	--module build/debug/fnat.ko "${e2e_bins[@]}" "${names[@]}"
line=$(grep -E '^e2e: [0-9]+ passed, [0-9]+ failed$' "$logs/e2e.log" | tail -n 1)
if [ -z "$line" ]; then
	echo "check-debug: run-e2e.sh printed no summary (see $logs/e2e.log)"
	echo "check-debug: 0 passed, 1 failed"
	exit 1
fi
echo
grep -h '^e2e: why ' "$logs/e2e.log" 2>/dev/null | head -n 8 || true
p=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line")
f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
echo "check-debug: $p passed, $f failed"
[ "$f" -eq 0 ] && [ "$p" -gt 0 ]
