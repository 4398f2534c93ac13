# shellcheck shell=bash disable=SC2154 # logs: set by the caller
# Sourced by scripts/check.sh and scripts/check-debug.sh.
#
# timed NAME CMD...: runs CMD with its output to $logs/NAME.log (the caller
# sets logs) and the screen, between "=== NAME: CMD" and "=== NAME: exit RC
# after N s"; returns CMD's exit status.
timed() {
	local name=$1 start rc
	shift
	start=$(date +%s)
	echo "=== $name: $*"
	"$@" 2>&1 | tee "$logs/$name.log"
	rc=${PIPESTATUS[0]}
	echo "=== $name: exit $rc after $(($(date +%s) - start)) s"
	return "$rc"
}
