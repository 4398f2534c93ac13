# shellcheck shell=bash
# tests/e2e/lib.sh: sourced by every e2e scenario, first thing:
#
#   #!/bin/bash
#   # shellcheck source-path=SCRIPTDIR source=lib.sh
#   . "$(dirname "$0")/lib.sh"
#
# Scenarios run as root inside the test VM (tests/vm/run.sh), one per boot,
# under real bash. They stop at the first wrong answer: every helper below
# either succeeds or prints "FAIL: ..." and exits 1. Whatever way a scenario
# ends, the exit trap kills its background jobs, runs the on_exit commands and
# deletes the network namespaces made with netns_add; a scenario that exits 0
# then fails anyway if `ip netns list` is not empty.
#
# Strict mode is on (set -eEuo pipefail): an unchecked failing command ends
# the scenario with "FAIL: command failed (exit status N): CMD" and where it
# happened. Mind the bash rules: `local x=$(cmd)` hides cmd's status (declare
# first, assign after), and `fail` inside $(...) only leaves the subshell (the
# assignment then fails, which ends the scenario too).
#
# Environment from the VM's init: FNAT_SCENARIO (name), FNAT_KVER (uname -r),
# FNAT_VERBOSE=1 for a `set -x` trace. LIB_TMP is a scratch directory that is
# removed at exit.

if [ "${FNAT_VM:-}" != 1 ]; then
	echo "lib.sh: e2e scenarios load kernel modules and run only inside the test VM;" \
		"use tests/vm/run.sh --scenario NAME" >&2
	exit 1
fi

set -eEuo pipefail
export LC_ALL=C

LIB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/e2e.XXXXXX")
_lib_netns=()
_lib_on_exit=()
_lib_n=0

# _lib_where: "file:line" of the first caller outside lib.sh.
_lib_where() {
	local i
	for ((i = 1; i < ${#BASH_SOURCE[@]}; i++)); do
		if [ "${BASH_SOURCE[i]##*/}" != lib.sh ]; then
			echo "${BASH_SOURCE[i]##*/}:${BASH_LINENO[i - 1]}"
			return
		fi
	done
	echo "?"
}

# _lib_show LABEL FILE: prints a captured output, indented, if not empty.
_lib_show() {
	if [ -s "$2" ]; then
		echo "  $1:"
		sed 's/^/    | /' "$2"
	else
		echo "  $1: (empty)"
	fi
}

# _lib_run CMD...: runs CMD with stdout and stderr captured into the files
# named by $_lib_out and $_lib_err; sets _lib_rc to its exit status.
_lib_run() {
	_lib_n=$((_lib_n + 1))
	_lib_out=$LIB_TMP/out.$BASHPID.$_lib_n
	_lib_err=$LIB_TMP/err.$BASHPID.$_lib_n
	_lib_rc=0
	"$@" >"$_lib_out" 2>"$_lib_err" || _lib_rc=$?
}

# _lib_fail_cmd MESSAGE CMD...: reports a failed check of CMD, with what it
# printed, and exits 1.
_lib_fail_cmd() {
	local msg=$1
	shift
	{
		echo "FAIL: $msg (at $(_lib_where))"
		echo "  command: $*"
		echo "  exit status: $_lib_rc"
		_lib_show stdout "$_lib_out"
		_lib_show stderr "$_lib_err"
	} >&2
	exit 1
}

# The checking kernel (FNAT_CHECKING=1 from the VM's init: KASAN, lockdep,
# kmemleak) runs several times slower under TCG. There, wait_until waits
# SLOWDOWN times longer and `scaled N` cuts a bulk count (requests,
# packets, connections) to a tenth: the checks stay the same, only their
# volume shrinks, and the volume is what the normal kernel's runs cover.
if [ "${FNAT_CHECKING:-0}" = 1 ]; then
	SLOWDOWN=5
else
	SLOWDOWN=1
fi

# scaled N: N, or N/10 (at least 1) on the checking kernel.
scaled() {
	if [ "$SLOWDOWN" = 1 ]; then
		echo "$1"
	else
		echo $(($1 / 10 > 0 ? $1 / 10 : 1))
	fi
}

# step TEXT: announces the next part of the scenario ("== TEXT [Ns]", N the
# seconds since the scenario started, so that a log shows where time went).
step() {
	{ local -; set +x; } 2>/dev/null # no trace inside helpers
	echo "== $* [${SECONDS}s]"
}

# fail MESSAGE: prints "FAIL: MESSAGE (at file:line)" and exits 1.
fail() {
	{ local -; set +x; } 2>/dev/null # no trace inside helpers
	echo "FAIL: $* (at $(_lib_where))" >&2
	exit 1
}

# must CMD...: runs CMD, which must exit 0. On success its stdout and stderr
# are passed on (so `x=$(must cmd)` works; add >/dev/null to keep the log
# short); on failure the command, its status and its output are shown.
must() {
	{ local -; set +x; } 2>/dev/null # no trace inside helpers
	_lib_run "$@"
	[ "$_lib_rc" -eq 0 ] || _lib_fail_cmd "command failed" "$@"
	cat "$_lib_out"
	cat "$_lib_err" >&2
}

# must_fail "STDERR-SUBSTRING" CMD...: CMD must fail the way a tool reports an
# error: exit non-zero (but not 126/127, "could not run", nor 129..192,
# "killed by a signal", e.g. a crash) and print SUBSTRING (fixed text, may
# span lines; "" accepts any message) on stderr.
must_fail() {
	{ local -; set +x; } 2>/dev/null # no trace inside helpers
	local want=$1
	shift
	_lib_run "$@"
	if [ "$_lib_rc" -eq 0 ]; then
		_lib_fail_cmd "command succeeded but should have failed" "$@"
	fi
	if [ "$_lib_rc" -eq 126 ] || [ "$_lib_rc" -eq 127 ]; then
		_lib_fail_cmd "command could not be run" "$@"
	fi
	if [ "$_lib_rc" -gt 128 ] && [ "$_lib_rc" -le 192 ]; then
		_lib_fail_cmd "command was killed by signal $((_lib_rc - 128))" "$@"
	fi
	if [[ "$(<"$_lib_err")" != *"$want"* ]]; then
		_lib_fail_cmd "stderr lacks the expected text: $want" "$@"
	fi
}

# expect_output "EXPECTED" CMD...: CMD must exit 0 and its stdout must equal
# EXPECTED exactly (trailing newlines aside, as with $(...)); otherwise a
# unified diff expected -> actual is shown.
expect_output() {
	{ local -; set +x; } 2>/dev/null # no trace inside helpers
	local want=$1 got
	shift
	_lib_run "$@"
	[ "$_lib_rc" -eq 0 ] || _lib_fail_cmd "command failed" "$@"
	got=$(<"$_lib_out")
	if [ "$got" != "$want" ]; then
		printf '%s\n' "$want" >"$LIB_TMP/expected"
		printf '%s\n' "$got" >"$LIB_TMP/actual"
		{
			echo "FAIL: unexpected output (at $(_lib_where))"
			echo "  command: $*"
			{ diff -u -L expected -L actual "$LIB_TMP/expected" "$LIB_TMP/actual" || true; } |
				sed 's/^/    /'
			_lib_show stderr "$_lib_err"
		} >&2
		exit 1
	fi
}

# expect_contains "SUBSTRING" CMD...: CMD must exit 0 and its stdout must
# contain SUBSTRING (fixed text, may span lines).
expect_contains() {
	{ local -; set +x; } 2>/dev/null # no trace inside helpers
	local want=$1
	shift
	_lib_run "$@"
	[ "$_lib_rc" -eq 0 ] || _lib_fail_cmd "command failed" "$@"
	if [[ "$(<"$_lib_out")" != *"$want"* ]]; then
		_lib_fail_cmd "stdout lacks the expected text: $want" "$@"
	fi
}

# wait_until SECONDS CMD...: reruns CMD (output discarded) every 0.1 s until
# it exits 0; fails after SECONDS. For servers that need a moment to listen.
wait_until() {
	{ local -; set +x; } 2>/dev/null # no trace inside helpers
	local limit=$(($1 * SLOWDOWN)) i
	shift
	for ((i = 0; i < limit * 10; i++)); do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	_lib_run "$@"
	[ "$_lib_rc" -eq 0 ] || _lib_fail_cmd "still failing after ${limit}s" "$@"
}

# on_exit "SHELL COMMAND": runs the command when the scenario ends, however it
# ends (last registered runs first; failures there are reported, not fatal).
on_exit() {
	{ local -; set +x; } 2>/dev/null # no trace inside helpers
	_lib_on_exit+=("$1")
}

# cmdline_var NAME: NAME's value from the environment, else from the kernel
# command line (run.sh --append NAME=VALUE).
cmdline_var() {
	local word
	if [ -n "${!1:-}" ]; then
		echo "${!1}"
		return
	fi
	# shellcheck disable=SC2013 # the command line is one line of words
	for word in $(cat /proc/cmdline); do
		[[ "$word" != "$1="* ]] || echo "${word#*=}"
	done
}

# netns_add NAME...: creates network namespaces with lo up; they are deleted
# at exit if still there.
netns_add() {
	{ local -; set +x; } 2>/dev/null # no trace inside helpers
	local ns
	for ns in "$@"; do
		must ip netns add "$ns"
		_lib_netns+=("$ns")
		must ip -n "$ns" link set lo up
	done
}

# netns_del NAME...: deletes network namespaces made with netns_add.
netns_del() {
	{ local -; set +x; } 2>/dev/null # no trace inside helpers
	local ns i
	for ns in "$@"; do
		must ip netns del "$ns"
		for i in "${!_lib_netns[@]}"; do
			if [ "${_lib_netns[i]}" = "$ns" ]; then
				unset '_lib_netns[i]'
			fi
		done
	done
}

# in_ns NAME CMD...: runs CMD inside network namespace NAME
# (ip netns exec NAME CMD...), e.g. `must in_ns client ping -c 1 10.0.0.1`.
in_ns() {
	{ local -; set +x; } 2>/dev/null # no trace inside helpers
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# netns_cleanup: deletes every namespace made with netns_add that still
# exists; returns 1 if one could not be deleted. Called by the exit trap.
netns_cleanup() {
	{ local -; set +x; } 2>/dev/null # no trace inside helpers
	local ns ok=0
	for ns in "${_lib_netns[@]}"; do
		if [ -e "/run/netns/$ns" ] && ! ip netns del "$ns"; then
			echo "FAIL: could not delete network namespace $ns" >&2
			ok=1
		fi
	done
	_lib_netns=()
	return "$ok"
}

# netns_assert_none: fails unless `ip netns list` is empty.
netns_assert_none() {
	{ local -; set +x; } 2>/dev/null # no trace inside helpers
	local left
	left=$(ip netns list)
	[ -z "$left" ] || fail "network namespaces left over: $(echo "$left" | tr '\n' ' ')"
}

_lib_on_err() {
	local rc=$1 cmd=$2 i where=
	[ "$BASHPID" = "$$" ] || where=" (in a subshell)"
	{
		echo "FAIL: command failed (exit status $rc)$where: $cmd"
		for ((i = 1; i < ${#FUNCNAME[@]}; i++)); do
			echo "  at ${BASH_SOURCE[i]##*/}:${BASH_LINENO[i - 1]} (${FUNCNAME[i]})"
		done
	} >&2
}

_lib_on_exit_trap() {
	local rc=$? i p pids alive
	set +eE +x
	trap - ERR
	pids=$(jobs -p)
	if [ -n "$pids" ]; then
		# shellcheck disable=SC2086
		kill $pids 2>/dev/null
		for ((i = 0; i < 20; i++)); do
			alive=0
			for p in $pids; do
				! kill -0 "$p" 2>/dev/null || alive=1
			done
			[ "$alive" = 1 ] || break
			sleep 0.1
		done
		# shellcheck disable=SC2086
		kill -KILL $pids 2>/dev/null
		wait 2>/dev/null
	fi
	for ((i = ${#_lib_on_exit[@]} - 1; i >= 0; i--)); do
		eval "${_lib_on_exit[i]}" || echo "on_exit command failed: ${_lib_on_exit[i]}" >&2
	done
	if ! netns_cleanup && [ "$rc" -eq 0 ]; then
		rc=1
	fi
	rm -rf "$LIB_TMP"
	if [ "$rc" -eq 0 ]; then
		local left
		left=$(ip netns list)
		if [ -n "$left" ]; then
			echo "FAIL: network namespaces left over: $(echo "$left" | tr '\n' ' ')" >&2
			rc=1
		fi
	fi
	exit "$rc"
}

trap '_lib_on_err $? "$BASH_COMMAND"' ERR
trap _lib_on_exit_trap EXIT

PS4='+ ${BASH_SOURCE[0]##*/}:${LINENO}: '
if [ "${FNAT_VERBOSE:-0}" = 1 ]; then
	set -x # the helpers switch it off inside themselves: only scenario lines are traced
fi
