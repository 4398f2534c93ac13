#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs fnat's KUnit suites under UML (ARCH=um).
#
#   tests/kunit/run.sh [--kmod DIR] [--uapi FILE] [--cache DIR] [--config FILE]
#                      [--debug] [--jobs N] [--timeout SECONDS] [kunit.py args...]
#
# The kernel tree comes from Debian's linux-source-6.1 package, extracted
# once into the cache. fnat is overlaid into it as net/netfilter/fnat/
# (Kconfig symbols FNAT and FNAT_KUNIT_TEST) and kunit.py builds a UML
# kernel in a build directory kept between runs, so a run after editing one
# kmod file recompiles only that file and relinks.
#
# --debug builds a checking kernel (tests/kunit/debug.config: KASAN,
# lockdep with RCU checks, list checks, UBSAN on fnat) in its own
# build directory, and fails the run on any BUG, WARNING or UBSAN report in
# the kernel log, even when every case passed.
#
# Anything not recognised goes to kunit.py unchanged, e.g. a filter glob
# 'fnat_sched' (one suite), 'fnat_sched.fnat_wrr*' (some of its cases).
#
# The last line is always "kunit: N passed, M failed", counting test cases
# (crashed cases count as failed). Exit status: 0 when every selected case
# passed; 1 when a case failed or crashed, no case ran, or the kernel did
# not configure or build. A failure that is not a failed case (build error,
# no case ran) is reported as M=1 so that summing the counts never hides it.
set -euo pipefail

# The body is one function, so editing this file during a run is safe.
main() {
	local here root kmod uapi cache config jobs timeout kunit_args debug

	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	root=$(cd "$here/../.." && pwd)
	kmod=$root/kmod
	uapi=$root/include/uapi/fnat.h
	cache=/var/cache/fnat/kunit
	config=$here/.kunitconfig
	jobs=$(nproc)
	timeout=300
	kunit_args=()
	debug=

	while [ "$#" -gt 0 ]; do
		case "$1" in
		--kmod) need_arg "$@"; kmod=$2; shift 2 ;;
		--kmod=*) kmod=${1#*=}; shift ;;
		--uapi) need_arg "$@"; uapi=$2; shift 2 ;;
		--uapi=*) uapi=${1#*=}; shift ;;
		--cache) need_arg "$@"; cache=$2; shift 2 ;;
		--cache=*) cache=${1#*=}; shift ;;
		--config) need_arg "$@"; config=$2; shift 2 ;;
		--config=*) config=${1#*=}; shift ;;
		--debug) debug=1; shift ;;
		--jobs | -j) need_arg "$@"; jobs=$2; shift 2 ;;
		--jobs=*) jobs=${1#*=}; shift ;;
		--timeout) need_arg "$@"; timeout=$2; shift 2 ;;
		--timeout=*) timeout=${1#*=}; shift ;;
		-h | --help) sed -n '4,22s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
		--) shift; kunit_args+=("$@"); break ;;
		*) kunit_args+=("$1"); shift ;;
		esac
	done

	[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || die "--jobs wants a positive number, not '$jobs'"
	[[ "$timeout" =~ ^[1-9][0-9]*$ ]] || die "--timeout wants seconds, not '$timeout'"
	[ -f "$kmod/Kbuild" ] || die "$kmod/Kbuild not found (--kmod)"
	compgen -G "$kmod/*.c" >/dev/null || die "no C sources in $kmod (--kmod)"
	[ -f "$uapi" ] || die "$uapi not found (--uapi)"
	[ -f "$config" ] || die "$config not found (--config)"
	[ -f "$here/Kconfig" ] || die "$here/Kconfig not found"
	local tool
	for tool in python3 make gcc flex bison bc perl rsync flock tar xz; do
		command -v "$tool" >/dev/null || die "$tool not found (scripts/install-deps.sh)"
	done
	kmod=$(realpath "$kmod")
	uapi=$(realpath "$uapi")
	config=$(realpath "$config")

	# Sets cache, version, key, src, tree, stamp, build; see tree.sh.
	local version key src tree stamp build
	# shellcheck source=tests/kunit/tree.sh
	. "$here/tree.sh"
	kunit_cache_init "$cache"
	kunit_lock
	kunit_tree_ensure
	if [ -n "$debug" ]; then
		build=$cache/build-debug-$key
		kunit_args=(--kunitconfig="$here/debug.config" "${kunit_args[@]}")
		# KASAN and lockdep make every case several times slower.
		timeout=$((timeout * 4))
	fi

	# A source tree used for O= builds must stay clean.
	[ ! -e "$tree/.config" ] || die "$tree has a .config; remove $src to start over"

	overlay "$here" "$kmod" "$uapi" "$cache" "$tree" "$build"
	run_kunit "$kmod" "$uapi" "$config" "$jobs" "$timeout" "$tree" "$build" \
		"$cache/last-run.log" "${kunit_args[@]}"
}

die() {
	echo "kunit: $*" >&2
	echo "kunit: 0 passed, 1 failed"
	exit 1
}

need_arg() {
	[ "$#" -ge 2 ] || die "$1 needs an argument"
}

# overlay HERE KMOD UAPI CACHE TREE BUILD: make the tree know fnat.
overlay() {
	local here=$1 kmod=$2 uapi=$3 cache=$4 tree=$5 build=$6
	local extra=$cache/overlay fnatdir=$5/net/netfilter/fnat

	# Kconfig and the uapi header come first so they win over same-named
	# files in kmod/. Only sources are copied, never the objects of an
	# out-of-tree build of kmod/. Files are compared by content, not time,
	# and only changed ones are rewritten, so make rebuilds just those.
	rm -rf "$extra"
	mkdir -p "$extra/include/uapi" "$fnatdir"
	cp "$here/Kconfig" "$extra/Kconfig"
	cp "$uapi" "$extra/include/uapi/fnat.h"
	rsync -rl --checksum --delete --delete-excluded --prune-empty-dirs \
		--exclude='*.mod.c' --include='*/' \
		--include='*.c' --include='*.h' --include='Kbuild' --include='/Kconfig' \
		--exclude='*' \
		"$extra/" "$kmod/" "$fnatdir/"

	add_line "$tree/net/netfilter/Kconfig" 'source "net/netfilter/fnat/Kconfig"'
	# shellcheck disable=SC2016 # a make variable, not a shell one
	add_line "$tree/net/netfilter/Makefile" 'obj-$(CONFIG_FNAT) += fnat/'

	# <uapi/fnat.h> is found through -I$(src)/include. Linux 6.1 gives
	# $(src) relative to the source tree while the compiler runs in the
	# build directory (O=), so make the same path exist there.
	mkdir -p "$build/net/netfilter/fnat"
	ln -sfn "$fnatdir/include" "$build/net/netfilter/fnat/include"
}

add_line() { # FILE LINE: append LINE unless FILE has it
	grep -qxF -- "$2" "$1" || printf '\n%s\n' "$2" >>"$1"
}

# show PATH: PATH relative to the working directory when below it.
show() {
	local p
	p=$(realpath -m "$1")
	case "$p" in "$PWD"/*) p=${p#"$PWD"/} ;; esac
	printf '%s\n' "$p"
}

# run_kunit KMOD UAPI CONFIG JOBS TIMEOUT TREE BUILD LOG [ARGS...]
run_kunit() {
	local kmod=$1 uapi=$2 config=$3 jobs=$4 timeout=$5 tree=$6 build=$7 log=$8
	shift 8
	local fnatdir=$tree/net/netfilter/fnat rc summary passed failed errors

	# Name overlay files by their paths in the project, and drop noise that
	# is not about fnat: kunit.py resetting a terminal that is not there,
	# binutils' notes on UML's executable stack.
	local to_project=(
		-e "s|$fnatdir/include/uapi/fnat.h|$(show "$uapi")|g"
		-e "s|$fnatdir/|$(show "$kmod")/|g"
		-e "s|net/netfilter/fnat/include/uapi/fnat.h|$(show "$uapi")|g"
		-e "s|net/netfilter/fnat/|$(show "$kmod")/|g")
	local noise="^stty: 'standard input': Inappropriate ioctl"
	noise+="|^/usr/bin/ld: warning: .*(missing \.note\.GNU-stack|LOAD segment with RWX)"
	noise+="|^/usr/bin/ld: NOTE: This behaviour is deprecated"

	set +e
	(
		cd "$tree" &&
			exec python3 tools/testing/kunit/kunit.py run --arch=um \
				--kunitconfig="$config" --build_dir="$build" \
				--jobs="$jobs" --timeout="$timeout" "$@"
	) 2>&1 | grep --line-buffered -avE "$noise" | sed -u "${to_project[@]}" | tee "$log"
	rc=${PIPESTATUS[0]}
	set -e

	summary=$(grep -aE 'Testing complete\. Ran [0-9]+ test' "$log" | tail -n 1 || true)
	if [ -z "$summary" ]; then
		echo
		if grep -aq 'Not all Kconfig options selected' "$log"; then
			echo "kunit: the kernel did not configure:"
			grep -a '^Missing:' "$log" || true
			echo "kunit: see tests/kunit/README.md on adding config options"
		else
			echo "kunit: the kernel did not build (kunit.py exit $rc):"
			grep -aE '(fatal )?error:|undefined reference|multiple definition|\*\*\*|Error [0-9]+' "$log" |
				grep -avE '^make(\[[0-9]+\])?: ' | sed 's/^ERROR:root://' | head -n 60 || true
		fi
		echo "kunit: full output in $log"
		echo "kunit: 0 passed, 1 failed"
		exit 1
	fi

	passed=$(count passed "$summary")
	failed=$(($(count failed "$summary") + $(count crashed "$summary")))
	errors=$(count errors "$summary")

	if [ $((passed + failed)) -eq 0 ]; then
		echo "kunit: no test case ran (check the filter, and that kmod/Kbuild lists the suites)"
		failed=1
	elif [ "$failed" -eq 0 ] && { [ "$errors" -gt 0 ] || [ "$rc" -ne 0 ]; }; then
		echo "kunit: kunit.py reported $errors error(s), exit $rc (see above; kernel log in $build/test.log)"
		failed=1
	fi
	# The checking kernel's reports do not fail a case by themselves. Only
	# those from the suites' run count: UML warns about itself at boot.
	local reports
	reports=$(awk '/TAP version/ { on = 1 } on && /(BUG|WARNING|UBSAN): /' \
		"$build/test.log" 2>/dev/null | sort -u || true)
	if [ -n "$reports" ]; then
		echo "kunit: the kernel reported (full log in $build/test.log):"
		printf '%s\n' "$reports" | head -n 40
		failed=$((failed + $(printf '%s\n' "$reports" | wc -l)))
	fi
	echo "kunit: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

count() { # NAME SUMMARY: the count kunit.py printed for NAME, or 0
	local n
	n=$(printf '%s\n' "$2" | grep -oE "$1: [0-9]+" | grep -oE '[0-9]+' || true)
	echo "${n:-0}"
}

main "$@"
exit
