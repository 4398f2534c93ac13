#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Checks fnat's kernel sources against the kernel coding style.
#
#   tests/kunit/checkpatch.sh [--cache DIR] [FILE...]
#
# Runs scripts/checkpatch.pl --no-tree --strict --terse -f from the cached
# linux-source-6.1 tree (see tree.sh; extracted on first use) over FILEs,
# by default kmod/*.[ch] and kmod/tests/*.[ch]. Prints checkpatch's findings,
# then as its last line "checkpatch: N files, E errors, W warnings", where
# warnings include --strict's CHECK notes. Exits 1 when there is an ERROR;
# warnings are not fatal. Exits 3 on usage or setup errors.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=/var/cache/fnat/kunit
files=()

die() {
	echo "checkpatch: $*" >&2
	exit 3
}

while [ "$#" -gt 0 ]; do
	case "$1" in
	--cache) [ "$#" -ge 2 ] || die "--cache needs an argument"; cache=$2; shift 2 ;;
	--cache=*) cache=${1#*=}; shift ;;
	-h|--help) sed -n '4,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
	--) shift; files+=("$@"); break ;;
	-*) die "unknown option $1" ;;
	*) files+=("$1"); shift ;;
	esac
done

if [ "${#files[@]}" -eq 0 ]; then
	shopt -s nullglob
	for f in "$root"/kmod/*.[ch] "$root"/kmod/tests/*.[ch]; do
		case "$f" in *.mod.c) continue ;; esac # written by modpost
		files+=("$f")
	done
	shopt -u nullglob
	[ "${#files[@]}" -gt 0 ] || die "no sources in $root/kmod"
fi
for f in "${files[@]}"; do
	[ -f "$f" ] || die "$f: no such file"
done
command -v perl >/dev/null || die "perl not found"

# shellcheck source=tests/kunit/tree.sh
. "$here/tree.sh"
kunit_cache_init "$cache"
# checkpatch only reads scripts/, which runs never change: take the lock
# only when the tree has to be (re)extracted.
if ! kunit_tree_ok; then
	kunit_lock
	kunit_tree_ensure
fi

# checkpatch exits non-zero on any finding; the counts below decide.
out=$(perl "$tree/scripts/checkpatch.pl" --no-tree --strict --terse \
	--show-types --color=never --no-summary -f "${files[@]}" 2>&1) || true

# Keep the paths as given, relative to the working directory when possible.
out=${out//"$PWD/"/}
[ -z "$out" ] || printf '%s\n' "$out"

errors=$(printf '%s\n' "$out" | grep -cE '^[^ ]+:[0-9]+: ERROR:' || true)
warnings=$(printf '%s\n' "$out" | grep -cE '^[^ ]+:[0-9]+: (WARNING|CHECK):' || true)
echo "checkpatch: ${#files[@]} files, $errors errors, $warnings warnings"
[ "$errors" -eq 0 ]
