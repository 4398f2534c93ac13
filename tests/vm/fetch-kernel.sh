#!/usr/bin/env bash
# Usage: tests/vm/fetch-kernel.sh [KVER]
#
# Fetches the Debian kernel image package for release KVER (default: the one
# scripts/kver.sh prints) into a cache and prints the cache directory (for
# the checking kernel's release, tests/vm/debug-kernel.sh --print-kver, the
# directory debug-kernel.sh built, same layout):
#
#   /var/cache/fnat/kernel/<KVER>-<pkgversion>/
#       vmlinuz                   the kernel
#       vmlinux                   the same, decompressed, if it has a PVH entry
#                                 point: qemu boots it directly, which saves the
#                                 3-4 s the kernel needs to decompress itself
#                                 under TCG (run.sh prefers it)
#       config                    its .config
#       lib/modules/<KVER>/       its modules, with modules.dep (depmod -b)
#       .stamp                    "<package> <version>", written last
#
# The package (linux-image-<KVER>, else linux-image-<KVER>-unsigned) is
# downloaded with `apt-get download` and unpacked with `dpkg -x`; it is never
# installed. The cache is keyed by the package version apt offers now, so a
# new version (after apt-get update) is fetched again; a directory without a
# matching stamp is rebuilt. Other versions of the same KVER are pruned.
#
# Environment: FNAT_CACHE (default /var/cache/fnat).
set -euo pipefail

die() {
	echo "fetch-kernel: $*" >&2
	exit 1
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

case "${1:-}" in
-h | --help)
	sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
esac
[ "$#" -le 1 ] || die "usage: fetch-kernel.sh [KVER]"

kver=${1:-$("$root/scripts/kver.sh")}
case "$kver" in
*/* | '' | .*) die "bad kernel release '$kver'" ;;
esac

# The checking kernel is built here, not fetched: debug-kernel.sh knows
# where (and refuses when it is not built; building it takes an hour).
if [ "$kver" = "$("$here/debug-kernel.sh" --print-kver 2>/dev/null)" ]; then
	exec "$here/debug-kernel.sh" --print-dir
fi

for tool in apt-cache apt-get dpkg-deb depmod flock; do
	command -v "$tool" >/dev/null || die "$tool not found (run scripts/install-deps.sh)"
done

# candidate PKG: the version apt would download now, or nothing.
candidate() {
	apt-cache policy "$1" 2>/dev/null | awk '$1 == "Candidate:" && $2 != "(none)" { print $2; exit }'
}

pkg=
version=
for p in "linux-image-$kver" "linux-image-$kver-unsigned"; do
	v=$(candidate "$p")
	if [ -n "$v" ]; then
		pkg=$p
		version=$v
		break
	fi
done
[ -n "$pkg" ] || die "no package linux-image-$kver or linux-image-$kver-unsigned in apt's lists" \
	"(try: apt-cache search --names-only '^linux-image-6\\.' ; apt-get update)"

cache=${FNAT_CACHE:-/var/cache/fnat}/kernel
dir=$cache/$kver-${version//:/_}
stamp="$pkg $version layout-2"

mkdir -p "$cache"
exec 9>"$cache/.lock-$kver"
flock 9
# Holding the lock, any work directory of this release is a killed fetch's.
rm -rf "$cache/.work-$kver".*

# extract_vmlinux BZIMAGE OUT: writes the ELF kernel inside a bzImage to OUT if
# it can be found and has a PVH entry note; returns 1 otherwise.
extract_vmlinux() {
	local img=$1 out=$2 magic off
	command -v readelf >/dev/null || return 1
	for magic in $'\xfd7zXZ' $'\x28\xb5\x2f\xfd' $'\x1f\x8b\x08'; do
		for off in $(LC_ALL=C grep -abo "$magic" "$img" | cut -d: -f1 | head -n 4); do
			case "$magic" in
			*zXZ) tail -c +$((off + 1)) "$img" | xz -dcq --single-stream >"$out" 2>/dev/null ;;
			$'\x28'*) command -v zstd >/dev/null && { tail -c +$((off + 1)) "$img" | zstd -dcq >"$out" 2>/dev/null; } ;;
			*) tail -c +$((off + 1)) "$img" | gzip -dcq >"$out" 2>/dev/null ;;
			esac
			if readelf -h "$out" >/dev/null 2>&1 &&
				LC_ALL=C readelf -n "$out" 2>/dev/null | grep -Eq 'PHYS32_ENTRY|\(0x00000012\)'; then
				return 0
			fi
		done
	done
	rm -f "$out"
	return 1
}

valid() {
	[ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$stamp" ] &&
		[ -s "$dir/vmlinuz" ] && [ -s "$dir/lib/modules/$kver/modules.dep" ]
}

if ! valid; then
	echo "fetch-kernel: fetching $pkg $version" >&2
	work=$(mktemp -d "$cache/.work-$kver.XXXXXX")
	trap 'rm -rf "$work"' EXIT
	# apt downloads as its sandbox user _apt, which must be able to write here.
	if id _apt >/dev/null 2>&1; then
		chown _apt "$work"
	fi
	(cd "$work" && apt-get download -qq "$pkg=$version" >&2) ||
		die "apt-get download $pkg=$version failed"
	deb=$(find "$work" -maxdepth 1 -name '*.deb' | head -n 1)
	[ -n "$deb" ] || die "apt-get download left no .deb in $work"
	got=$(dpkg-deb -f "$deb" Version)
	[ "$got" = "$version" ] || die "downloaded $deb has version $got, expected $version"

	dpkg-deb -x "$deb" "$work/x"
	out=$work/out
	mkdir -p "$out/lib/modules"
	[ -f "$work/x/boot/vmlinuz-$kver" ] || die "$deb has no boot/vmlinuz-$kver"
	mv "$work/x/boot/vmlinuz-$kver" "$out/vmlinuz"
	[ -f "$work/x/boot/config-$kver" ] && mv "$work/x/boot/config-$kver" "$out/config"
	extract_vmlinux "$out/vmlinuz" "$out/vmlinux" ||
		echo "fetch-kernel: no PVH-bootable vmlinux in $pkg; the VM boots the slower vmlinuz" >&2
	# Bookworm is merged-/usr, but older images ship lib/modules at the top.
	if [ -d "$work/x/lib/modules/$kver" ]; then
		mv "$work/x/lib/modules/$kver" "$out/lib/modules/"
	elif [ -d "$work/x/usr/lib/modules/$kver" ]; then
		mv "$work/x/usr/lib/modules/$kver" "$out/lib/modules/"
	else
		die "$deb has no lib/modules/$kver"
	fi
	depmod -b "$out" "$kver" || die "depmod -b $out $kver failed"
	[ -s "$out/lib/modules/$kver/modules.dep" ] || die "depmod wrote no modules.dep"
	echo "$stamp" >"$out/.stamp"

	rm -rf "$dir"
	mv "$out" "$dir"
	rm -rf "$work"
	trap - EXIT
fi

# Prune other versions of this release: only the current one is ever used.
for old in "$cache/$kver"-[0-9]*; do
	[ -d "$old" ] && [ "$old" != "$dir" ] && [ -f "$old/.stamp" ] && rm -rf "$old"
done

echo "$dir/"
