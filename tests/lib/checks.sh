# shellcheck shell=bash
# tests/lib/checks.sh: the check-list form of the host-side test layers
# (install, dkms, docs): one "ok   NAME" or "FAIL NAME" line per check,
# then "LAYER: N passed, M failed". Sourced, not run.

passed=0
failed=0
checks_layer=

# checks_begin LAYER [KEEP]: LAYER is the name the summary line starts
# with; sets work (a scratch directory, removed at exit unless KEEP is not
# empty) and log (work's log/ directory).
checks_begin() {
	checks_layer=$1
	work=$(mktemp -d "/tmp/fnat-$1.XXXXXX")
	if [ -n "${2:-}" ]; then
		echo "$1: work directory $work (kept)"
	else
		# shellcheck disable=SC2064 # the directory is known now
		trap "rm -rf '$work'" EXIT
	fi
	log=$work/log
	mkdir -p "$log"
}

pass() {
	echo "ok   $1"
	passed=$((passed + 1))
}

fail() {
	echo "FAIL $1"
	failed=$((failed + 1))
}

# check NAME CMD...: passes when CMD succeeds.
check() {
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}

# same NAME WANT GOT: passes when GOT is WANT, else shows both.
same() {
	if [ "$2" == "$3" ]; then
		pass "$1"
	else
		fail "$1"
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed -n 's/^[<>]/     &/p' | head -n 20
		echo "     (< wanted, > got)"
	fi
}

# finish: the summary line; exits 0 only when nothing failed.
finish() {
	echo "${checks_layer:?}: $passed passed, $failed failed"
	[ "$failed" -eq 0 ] && exit 0
	exit 1
}
