#!/usr/bin/env bash
# Usage: tests/vm/debug-kernel.sh [--check | --print-kver | --print-dir |
#            --print-build-dir] [--jobs N]
#
# Builds, when its cache is cold, the checking x86_64 kernel the test VM can
# boot instead of Debian's: linux-source-6.1 (Debian's package) configured
# with x86_64_defconfig + kvm_guest.config + tests/vm/debug-kernel.config
# (KASAN, kmemleak, lockdep with RCU checks, UBSAN, list and sleep checks;
# netfilter, conntrack, IPVS and the rest as modules, as in Debian's
# kernel). Its release is "<upstream version>-fnat-debug", so modules built
# for Debian's kernels are refused by it and the other way round.
#
# Without an option it builds what is missing (about 70 min cold on 2 cores,
# niced) and prints two lines:
#   kver KVER
#   build BUILD-DIR
#   --check            exit 0 only if the cache is complete and current; builds
#                      nothing, prints nothing
#   --print-kver       the release string (known before building)
#   --print-dir        the kernel's directory (requires a warm cache)
#   --print-build-dir  the build directory, for fnat.ko (requires a warm cache):
#                        make -C BUILD-DIR M=$PWD/kmod CONFIG_FNAT=m modules
#   --jobs N           make -jN (default 2); the build runs under nice -n 10
#
# Caches, under ${FNAT_CACHE:-/var/cache/fnat}:
#   debug-kernel/src-<pkgversion>/linux-source-6.1/  the extracted tree (kept
#                      clean: builds use O=)
#   debug-kernel/build-<key>/   the O= build directory: .config, vmlinux,
#                      Module.symvers; M= builds of fnat.ko use it
#   kernel/<KVER>-<key>/        the layout tests/vm/fetch-kernel.sh gives
#                      Debian's kernels, so run.sh and build-initramfs.sh take
#                      --kver KVER: vmlinuz, config, lib/modules/<KVER>/
#                      (modules_install), .stamp; no vmlinux (see
#                      install_kernel: this one cannot boot through PVH)
# <key> hashes the linux-source-6.1 version, the compiler's version, the
# config fragment's settings and the code of this script's build steps (configure,
# compile: `declare -f`, so comments do not count): any change builds
# afresh, and entries of other keys are removed; a change to the install
# step only redoes that. .stamp files are written last: a directory without
# its stamp is an interrupted build, which make continues.
set -euo pipefail

die() {
	echo "debug-kernel: $*" >&2
	exit 1
}
usage() {
	[ "$#" -eq 0 ] || echo "debug-kernel: $*" >&2
	sed -n '2,3p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fragment=$here/debug-kernel.config
pkg=linux-source-6.1
tarball=/usr/src/linux-source-6.1.tar.xz
tarroot=linux-source-6.1
# What a cold build takes here (2 cores, niced), for messages.
cold_minutes=70

mode=build
jobs=2
while [ "$#" -gt 0 ]; do
	case "$1" in
	--check) mode=check; shift ;;
	--print-kver) mode=kver; shift ;;
	--print-dir) mode=dir; shift ;;
	--print-build-dir) mode=builddir; shift ;;
	--jobs) jobs=${2:?--jobs needs a value}; shift 2 ;;
	-h | --help) sed -n '2,35p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) usage "unknown argument '$1'" ;;
	esac
done
case "$jobs" in '' | *[!0-9]* | 0) usage "--jobs takes a positive number" ;; esac

[ -f "$fragment" ] || die "$fragment not found"
# The release suffix is the fragment's CONFIG_LOCALVERSION.
suffix=$(sed -n 's/^CONFIG_LOCALVERSION="\(-[A-Za-z0-9.+_-]*\)"$/\1/p' "$fragment")
[ -n "$suffix" ] || die "$fragment sets no CONFIG_LOCALVERSION=\"-NAME\""
version=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) || version=
{ [ -n "$version" ] && [ -f "$tarball" ]; } ||
	die "$pkg is not installed (scripts/install-deps.sh, or apt-get install $pkg)"
# Debian's version is <upstream>-<revision>; the tree's Makefile agrees (checked
# after extraction).
upstream=${version%-*}
kver=$upstream$suffix
if [ "$mode" = kver ]; then
	echo "$kver"
	exit 0
fi

cache=${FNAT_CACHE:-/var/cache/fnat}
dcache=$cache/debug-kernel
kcache=$cache/kernel
vkey=$(printf '%s' "$version" | tr -c 'A-Za-z0-9.+-' '_')
src=$dcache/src-$vkey
tree=$src/$tarroot

# check_config CONFIG: every symbol the fragment sets has that value.
check_config() {
	local config=$1 line sym bad=()
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*)
			grep -qxF -- "$line" "$config" || bad+=("$line (got: $(grep -E "^(# )?${line%%=*}[= ]" "$config" || echo unset))")
			;;
		"# CONFIG_"*" is not set")
			sym=${line#"# "}
			sym=${sym%" is not set"}
			! grep -q "^$sym=" "$config" || bad+=("$line (got: $(grep "^$sym=" "$config"))")
			;;
		esac
	done <"$fragment"
	if [ "${#bad[@]}" -gt 0 ]; then
		printf 'debug-kernel: config: not as asked: %s\n' "${bad[@]}" >&2
		return 1
	fi
}

# kmake ARGS...: make in the build directory, niced (others share the cores).
kmake() {
	nice -n 10 make -s -C "$tree" O="$build" LOCALVERSION= "$@"
}

# configure_kernel: writes $build/.config: x86_64_defconfig, then the
# fragments merged on top, then olddefconfig, then the fragment verified.
configure_kernel() {
	kmake x86_64_defconfig >/dev/null
	(cd "$tree" && scripts/kconfig/merge_config.sh -m -O "$build" "$build/.config" \
		kernel/configs/kvm_guest.config "$fragment" >/dev/null) ||
		die "merging the config fragments failed"
	kmake olddefconfig >/dev/null
	check_config "$build/.config" || die "the configuration is not what $fragment asks"
}

# compile_kernel: vmlinux, bzImage and the modules, in $build.
compile_kernel() {
	local release
	kmake -j"$jobs" all || die "the kernel build failed (see above; $build is kept, a rerun continues)"
	release=$(cat "$build/include/config/kernel.release" 2>/dev/null) || release=
	[ "$release" = "$kver" ] || die "the build's release is '$release', expected $kver"
	[ -s "$build/Module.symvers" ] || die "the build wrote no Module.symvers"
}

# install_kernel DIR: the layout fetch-kernel.sh gives Debian's kernels.
install_kernel() {
	local out=$1
	kmake INSTALL_MOD_PATH="$out" modules_install >/dev/null || die "modules_install failed"
	depmod -b "$out" "$kver" || die "depmod -b $out $kver failed"
	[ -s "$out/lib/modules/$kver/modules.dep" ] || die "depmod wrote no modules.dep"
	# build and source point into the cache, as on an installed system.
	ln -sfn "$build" "$out/lib/modules/$kver/build"
	ln -sfn "$tree" "$out/lib/modules/$kver/source"
	# No vmlinux: in 6.1 the PVH entry code (xen_prepare_pvh) is KASAN-
	# instrumented and faults on the shadow before KASAN is set up, so qemu
	# boots the bzImage, which sets up KASAN before any such code runs.
	cp "$build/arch/x86/boot/bzImage" "$out/vmlinuz"
	cp "$build/.config" "$out/config"
}

cc_version=$(gcc --version 2>/dev/null | head -n 1) || cc_version=
key_material=$(
	echo "package $pkg $version"
	echo "compiler $cc_version"
	# The fragment's settings, not its comments.
	echo "fragment $(grep -E '^(CONFIG_|# CONFIG_[A-Za-z0-9_]+ is not set$)' "$fragment" |
		sha256sum | cut -c1-64)"
	echo "recipe $(declare -f kmake check_config configure_kernel compile_kernel | sha256sum | cut -c1-64)"
)
key=$(sha256sum <<<"$key_material" | cut -c1-16)
build=$dcache/build-$key
kdir=$kcache/$kver-$key
stamp="fnat-debug-kernel $pkg $version key $key"
kstamp="$stamp install $(declare -f install_kernel | sha256sum | cut -c1-16)"

src_ok() {
	[ "$(cat "$src/.stamp" 2>/dev/null)" = "$version" ] && [ -f "$tree/Makefile" ] &&
		[ -f "$tree/arch/x86/configs/x86_64_defconfig" ] && [ ! -e "$tree/.config" ]
}
build_ok() {
	[ "$(cat "$build/.stamp" 2>/dev/null)" = "$stamp" ] && [ -s "$build/Module.symvers" ] &&
		[ -s "$build/.config" ] && [ -s "$build/vmlinux" ] &&
		[ "$(cat "$build/include/config/kernel.release" 2>/dev/null)" = "$kver" ]
}
kdir_ok() {
	[ "$(cat "$kdir/.stamp" 2>/dev/null)" = "$kstamp" ] && [ -s "$kdir/vmlinuz" ] &&
		[ -s "$kdir/config" ] && [ -s "$kdir/lib/modules/$kver/modules.dep" ]
}
warm() { src_ok && build_ok && kdir_ok; }

case "$mode" in
check) if warm; then exit 0; else exit 1; fi ;;
dir | builddir)
	warm || die "the debug kernel $kver is not built (tests/vm/debug-kernel.sh builds it, about $cold_minutes min)"
	if [ "$mode" = dir ]; then echo "$kdir/"; else echo "$build"; fi
	exit 0
	;;
esac

for tool in make gcc flex bison bc perl tar xz flock depmod nice; do
	command -v "$tool" >/dev/null || die "$tool not found (run scripts/install-deps.sh)"
done
# libelf and openssl headers: objtool and the certificate tools need them.
for h in /usr/include/libelf.h /usr/include/openssl/opensslv.h; do
	[ -f "$h" ] || die "$h not found (apt-get install libelf-dev libssl-dev)"
done

mkdir -p "$dcache" "$kcache"
exec 9>"$dcache/.lock"
if ! flock -n 9; then
	echo "debug-kernel: waiting for another build in $dcache" >&2
	flock 9
fi

start=$SECONDS
if ! src_ok; then
	echo "debug-kernel: extracting $pkg $version into $src" >&2
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xJf "$tarball" -C "$src.tmp"
	printf '%s\n' "$version" >"$src.tmp/.stamp"
	mv "$src.tmp" "$src"
	src_ok || die "the extracted tree in $src is incomplete"
fi
tree_version=$(awk -F' *= *' '$1 ~ /^(VERSION|PATCHLEVEL|SUBLEVEL|EXTRAVERSION)$/ { v[$1] = $2 }
	END { printf "%s.%s.%s%s", v["VERSION"], v["PATCHLEVEL"], v["SUBLEVEL"], v["EXTRAVERSION"] }' "$tree/Makefile")
[ "$tree_version" = "$upstream" ] ||
	die "$tree is version '$tree_version', but the package version $version says $upstream"

# Everything of other versions or keys is stale.
for old in "$dcache"/src-* "$dcache"/build-* "$kcache"/*"$suffix"-*; do
	[ -e "$old" ] || continue
	case "$old" in
	"$src" | "$build" | "$kdir") ;;
	*)
		echo "debug-kernel: removing stale $old" >&2
		rm -rf "$old"
		;;
	esac
done

if ! build_ok; then
	echo "debug-kernel: building $kver in $build (-j$jobs, about $cold_minutes min)" >&2
	# A build directory without the stamp is an interrupted one of the same
	# key: make carries on from where it stopped.
	mkdir -p "$build"
	rm -f "$build/.stamp"
	if ! { [ -s "$build/.config" ] && [ "$(cat "$build/.key" 2>/dev/null)" = "$key" ]; }; then
		rm -rf "${build:?}"/* "$build"/.[!.]*
		configure_kernel
		echo "$key" >"$build/.key"
	fi
	compile_kernel
	echo "$stamp" >"$build/.stamp"
fi
if ! kdir_ok; then
	rm -rf "$kdir" "$kdir.tmp"
	mkdir -p "$kdir.tmp"
	install_kernel "$kdir.tmp"
	echo "$kstamp" >"$kdir.tmp/.stamp"
	mv "$kdir.tmp" "$kdir"
fi
warm || die "the cache is still incomplete after the build (see $build, $kdir)"
[ "$((SECONDS - start))" -lt 60 ] ||
	echo "debug-kernel: built in $(((SECONDS - start) / 60)) min" >&2
echo "kver $kver"
echo "build $build"
