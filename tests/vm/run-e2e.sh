#!/usr/bin/env bash
# Usage: tests/vm/run-e2e.sh [--kver KVER] [--module PATH.ko]... [--bin PATH]...
#            [--tests DIR] [--logdir DIR] [--smp N] [--mem MB] [--timeout SEC]
#            [--verbose] [--jobs N] [scenario...]
#
# Runs e2e scenarios, one VM boot each (tests/vm/run.sh), from one initramfs
# built once: the named scenarios, or every DIR/*.sh (DIR defaults to
# tests/e2e) except lib.sh and helpers whose name starts with "_".
# Console logs go to DIR/NAME.log under --logdir (default build/e2e-logs/).
# --jobs N (default 1) boots up to N VMs at once, in the order given; a
# scenario with a line "# e2e: alone" (its checks measure rates or delays)
# runs with no other VM up. Prints one line per scenario as it ends and,
# last, exactly
#   e2e: N passed, M failed
# Exit status 0 only if M is 0 and N is not.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

usage() {
	[ "$#" -eq 0 ] || echo "run-e2e: $*" >&2
	sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

kver=
extra=()
vmopts=()
tests=$root/tests/e2e
logdir=$root/build/e2e-logs
names=()
jobs=1
while [ "$#" -gt 0 ]; do
	case "$1" in
	--kver) kver=${2:?--kver needs a value}; shift 2 ;;
	--module | --bin) extra+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
	--smp | --mem | --timeout) vmopts+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
	--verbose) vmopts+=("$1"); shift ;;
	--tests) tests=${2:?--tests needs a value}; shift 2 ;;
	--logdir) logdir=${2:?--logdir needs a value}; shift 2 ;;
	--jobs) jobs=${2:?--jobs needs a value}; shift 2 ;;
	-h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) usage "unknown option '$1'" ;;
	*) names+=("${1%.sh}"); shift ;;
	esac
done
[ -d "$tests" ] || usage "no tests directory $tests"
case "$jobs" in '' | *[!0-9]* | 0) usage "--jobs takes a number from 1" ;; esac
tests=$(cd "$tests" && pwd)
[ -n "$kver" ] || kver=$("$root/scripts/kver.sh")

if [ "${#names[@]}" -eq 0 ]; then
	for f in "$tests"/*.sh; do
		[ -e "$f" ] || continue
		n=${f##*/}
		n=${n%.sh}
		case "$n" in lib | _*) continue ;; esac
		names+=("$n")
	done
fi
for n in "${names[@]}"; do
	[ -f "$tests/$n.sh" ] || usage "no scenario $tests/$n.sh"
done

mkdir -p "$logdir"
logdir=$(cd "$logdir" && pwd)
initrd=$logdir/initramfs-$kver.cpio.gz
echo "e2e: kernel $kver, ${#names[@]} scenario(s), logs in $logdir"
passed=0
failed=0
if ! "$here/build-initramfs.sh" --kver "$kver" --out "$initrd" --tests "$tests" \
	${extra[@]+"${extra[@]}"}; then
	echo "e2e: initramfs build failed"
	echo "e2e: 0 passed, ${#names[@]} failed"
	exit 1
fi

# why NAME LOG: one line on why a scenario failed, for summaries that show
# only the end of a run: the step it was in and its first failure report.
why() {
	local stepline failline
	# Under pipefail a grep that finds nothing fails the pipeline: not the run.
	stepline=$(grep -E '^== ' "$2" 2>/dev/null | tail -n 1 | cut -c1-100) || true
	failline=$(grep -m 1 -E 'FAIL|Kernel panic|BUG:|WARNING:|UBSAN:|timed out' "$2" 2>/dev/null |
		grep -v '^vm: ' | cut -c1-160) || true
	echo "e2e: why $1: ${stepline:-no step} | ${failline:-no failure line, see the log}"
}

# The scenarios whose checks measure rates or delays run with no other VM
# up, so that what they measure is the director, not a neighbour.
alone() {
	grep -qx '# e2e: alone' "$tests/$1.sh"
}

# One VM per scenario in the background; each leaves "RC LINE SECONDS" in
# $results/NAME when it ends.
results=$(mktemp -d "${TMPDIR:-/tmp}/fnat-e2e.XXXXXX")
trap 'rm -rf "$results"' EXIT
launch() {
	(
		start=$SECONDS
		rc=0
		line=$("$here/run.sh" --quiet --kver "$kver" --initrd "$initrd" --scenario "$1" \
			--log "$logdir/$1.log" ${vmopts[@]+"${vmopts[@]}"} | tail -n 1) || rc=$?
		[ -n "$line" ] || line="vm: $1 FAIL (run.sh printed nothing)"
		echo "$rc $((SECONDS - start)) $line" >"$results/$1.tmp"
		mv "$results/$1.tmp" "$results/$1"
	) &
	running[$1]=$!
}

# reap: waits for one running scenario to end and reports it.
reap() {
	local n rc secs line
	while :; do
		for n in "${!running[@]}"; do
			[ -e "$results/$n" ] || continue
			wait "${running[$n]}" 2>/dev/null || true
			unset "running[$n]"
			read -r rc secs line <"$results/$n"
			printf '%-60s %4ds  %s\n' "$line" "$secs" "${logdir#"$root"/}/$n.log"
			if [ "$rc" -eq 0 ]; then
				passed=$((passed + 1))
			else
				failed=$((failed + 1))
				failures+=("$n")
				why "$n" "$logdir/$n.log"
			fi
			return 0
		done
		sleep 1
	done
}

declare -A running=()
failures=()
for n in "${names[@]}"; do
	if alone "$n"; then
		while [ "${#running[@]}" -gt 0 ]; do reap; done
		launch "$n"
		reap
		continue
	fi
	while [ "${#running[@]}" -ge "$jobs" ]; do reap; done
	launch "$n"
done
while [ "${#running[@]}" -gt 0 ]; do reap; done
[ "$failed" -eq 0 ] || echo "e2e: failed: ${failures[*]}"
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
