# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The kernel tree cache shared by run.sh and checkpatch.sh. Sourced, not
# run. The caller defines die() and sets -euo pipefail.
#
# Layout of a cache directory (default /var/cache/fnat/kunit):
#   src-<version>/linux-source-6.1/  the extracted linux-source-6.1 package
#   src-<version>/.stamp             its package version, written last
#   build-<version>/                 kunit.py's UML build directory (O=)
#   build-debug-<version>/           the same for run.sh --debug
#   overlay/                         Kconfig + uapi header staged for rsync
#   last-run.log                     output of the last run.sh
#   .lock                            held by a run for its whole duration
# <version> is `dpkg-query -W -f='${Version}' linux-source-6.1`; trees and
# builds of any other version are removed.

kunit_pkg=linux-source-6.1
kunit_tarball=/usr/src/linux-source-6.1.tar.xz
kunit_tarroot=linux-source-6.1

# kunit_cache_init DIR: sets cache, version, key, src, tree, stamp, build.
kunit_cache_init() {
	[ -f "$kunit_tarball" ] ||
		die "$kunit_tarball not found: install $kunit_pkg (scripts/install-deps.sh)"
	mkdir -p "$1"
	cache=$(realpath "$1")
	version=$(dpkg-query -W -f='${Version}' "$kunit_pkg" 2>/dev/null) ||
		die "$kunit_pkg is not installed (scripts/install-deps.sh)"
	[ -n "$version" ] || die "$kunit_pkg is not installed (scripts/install-deps.sh)"
	key=$(printf '%s' "$version" | tr -c 'A-Za-z0-9.+-' '_')
	src=$cache/src-$key
	tree=$src/$kunit_tarroot
	stamp=$src/.stamp
	build=$cache/build-$key
}

# kunit_lock: one run at a time per cache (they share tree and build dir).
kunit_lock() {
	exec 9>"$cache/.lock"
	if ! flock -n 9; then
		echo "kunit: waiting for another run using $cache" >&2
		flock 9
	fi
}

kunit_tree_ok() {
	[ "$(cat "$stamp" 2>/dev/null)" = "$version" ] &&
		[ -f "$tree/Makefile" ] &&
		[ -f "$tree/tools/testing/kunit/kunit.py" ] &&
		[ -f "$tree/scripts/checkpatch.pl" ] &&
		[ -f "$tree/scripts/spelling.txt" ] &&
		[ -f "$tree/net/netfilter/Kconfig" ] &&
		[ -f "$tree/net/netfilter/Makefile" ] &&
		[ -d "$tree/arch/um" ]
}

# kunit_tree_ensure: with the lock held, extract the tree unless the stamped
# one is complete. A tree without the right stamp (another package version,
# or an interrupted extraction) is thrown away together with its objects.
kunit_tree_ensure() {
	local old

	if ! kunit_tree_ok; then
		echo "kunit: extracting $kunit_pkg $version into $src" >&2
		rm -rf "$src" "$src.tmp" "$build"
		mkdir -p "$src.tmp"
		tar -xJf "$kunit_tarball" -C "$src.tmp"
		mv "$src.tmp" "$src"
		printf '%s\n' "$version" >"$stamp.tmp"
		mv "$stamp.tmp" "$stamp"
		kunit_tree_ok || die "extracted tree in $src is incomplete"
	fi

	for old in "$cache"/src-* "$cache"/build-*; do
		[ -e "$old" ] || continue
		case "$old" in
		"$src" | "$cache/build-$key" | "$cache/build-debug-$key") ;;
		*)
			echo "kunit: removing stale $old" >&2
			rm -rf "$old"
			;;
		esac
	done
}
