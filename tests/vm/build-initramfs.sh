#!/usr/bin/env bash
# Usage: tests/vm/build-initramfs.sh [--kver KVER] --out FILE.cpio.gz
#            [--module PATH.ko]... [--bin PATH]... [--tests DIR]
#
# Builds the initramfs the test VM boots from (see tests/vm/README.md):
#   /init                      tests/vm/init.sh (runs one scenario, prints the verdict)
#   /lib/fnat/kernel-reports.awk  tests/vm/kernel-reports.awk (init's log filter)
#   busybox-static             every applet as a symlink, unless a real tool below
#                              has the same name
#   real tools + their libs    bash, ip, ss, tc, setpriv, nsenter, unshare, ipvsadm,
#                              kmod (modprobe, insmod, rmmod, lsmod, modinfo, depmod),
#                              and iptables (xtables-nft-multi + extensions), nft,
#                              conntrack, tcpdump, ethtool, socat, iperf3, keepalived,
#                              hping3
#                              when installed here
#   /lib/modules/KVER/         the kernel modules tests need with their modules.dep
#                              closure (decompressed), plus modules.dep for the VM
#   /etc/passwd, /etc/group    root and nobody
# and on top of that (the "overlay"):
#   --module PATH.ko           copied to /lib/modules/KVER/extra/ (repeatable); its
#                              vermagic must match KVER; its dependencies are added
#   --bin PATH                 copied to /usr/local/sbin/ with its libs (repeatable),
#                              without debug info
#   --tests DIR                copied to /tests/e2e/, with this checkout's
#                              packaging/keepalived/ in /tests/packaging/keepalived/
#
# The base (everything but the overlay) is expensive and cached in
#   ${FNAT_CACHE:-/var/cache/fnat}/initramfs/<KVER>-<key>/
# where <key> hashes the kernel package version, the versions of the packages
# the tools come from, size+mtime of every host file copied, and this script
# and init.sh; any change rebuilds it. The output is the cached base archive
# followed by a small overlay archive (the kernel unpacks concatenated cpio
# archives in order), so a rebuild with a new fnat.ko takes about a second.
set -euo pipefail

die() {
	echo "build-initramfs: $*" >&2
	exit 1
}
usage() {
	sed -n '2,3p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

kver=
out=
modules=()
bins=()
tests=
while [ "$#" -gt 0 ]; do
	case "$1" in
	--kver) kver=${2:?--kver needs a value}; shift 2 ;;
	--out) out=${2:?--out needs a value}; shift 2 ;;
	--module) modules+=("${2:?--module needs a value}"); shift 2 ;;
	--bin) bins+=("${2:?--bin needs a value}"); shift 2 ;;
	--tests) tests=${2:?--tests needs a value}; shift 2 ;;
	-h | --help) sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "build-initramfs: unknown argument '$1'" >&2; usage ;;
	esac
done
[ -n "$out" ] || { echo "build-initramfs: --out is required" >&2; usage; }
[ -n "$kver" ] || kver=$("$root/scripts/kver.sh")
for m in "${modules[@]}"; do [ -f "$m" ] || die "--module $m: no such file"; done
for b in "${bins[@]}"; do
	if [ ! -f "$b" ] || [ ! -x "$b" ]; then
		die "--bin $b: not an executable file"
	fi
done
[ -z "$tests" ] || [ -d "$tests" ] || die "--tests $tests: no such directory"
for tool in cpio gzip ldd depmod modinfo busybox sha256sum flock xz; do
	command -v "$tool" >/dev/null || die "$tool not found (run scripts/install-deps.sh)"
done

# Kernel modules the scenarios use. Required ones must exist in the kernel (as
# a module or built in); optional ones are taken when they exist.
required_mods=(
	veth bridge ipip tun dummy
	nf_conntrack nf_defrag_ipv4 nf_defrag_ipv6
	ip_vs ip_vs_rr ip_vs_wrr ip_vs_wlc
	nf_tables nft_compat x_tables xt_conntrack
)
optional_mods=(
	libcrc32c crc32c_generic crc32c_intel # nf_conntrack -> libcrc32c -> a crc32c
	ip_tables iptable_filter iptable_nat iptable_mangle iptable_raw
	ip6_tables ip6table_filter ip6table_raw
	xt_ipvs xt_mark xt_CT xt_MASQUERADE xt_tcpudp xt_comment xt_multiport xt_state
	nf_nat nft_chain_nat nft_ct nft_nat nft_masq nf_conntrack_netlink
	ip_vs_sh ip_vs_lc ip_vs_dh ip_vs_sed ip_vs_nq ip_vs_mh ip_vs_lblc ip_vs_lblcr
	ip_vs_fo ip_vs_ovf
	ip_tunnel tunnel4 tunnel6 ip6_tunnel sit
	sch_netem sch_ingress act_mirred cls_u32 cls_matchall
	macvlan vxlan br_netfilter
	inet_diag tcp_diag # ss -i: TCP options and windows
)

# Real tools (first found on PATH wins); required ones must be installed.
required_tools=(bash ip setpriv ipvsadm kmod)
optional_tools=(ss tc nsenter unshare xtables-nft-multi nft conntrack tcpdump ethtool socat iperf3
	keepalived hping3)
# Packages the tools come from; their versions are part of the cache key.
key_pkgs=(busybox-static bash iproute2 util-linux ipvsadm kmod libc6 iptables nftables
	conntrack tcpdump ethtool socat iperf3 keepalived hping3)

kdir=$("$here/fetch-kernel.sh" "$kver") || die "could not fetch kernel $kver"
kdir=${kdir%/}
kmoddir=$kdir/lib/modules/$kver
[ -f "$kmoddir/modules.dep" ] || die "$kmoddir/modules.dep missing"

# ---------------------------------------------------------------- helpers

# elf_deps FILE: the shared libraries FILE needs (absolute host paths, incl.
# the ELF interpreter); nothing for static binaries and scripts.
elf_deps() {
	local f=$1 out
	if ! out=$(LC_ALL=C ldd "$f" 2>&1); then
		case "$out" in
		*"not a dynamic executable"*) return 0 ;;
		*) die "ldd $f failed: $out" ;;
		esac
	fi
	if grep -q 'not found' <<<"$out"; then
		die "$f needs libraries that are not installed: $(grep 'not found' <<<"$out" | tr -s ' \t' ' ')"
	fi
	awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$out"
}

# put HOSTFILE DEST-IN-STAGE: copies a file (dereferenced) into the stage,
# replacing whatever is there (never writing through a symlink).
put() {
	local src=$1 dst=$2
	mkdir -p "$(dirname "$dst")"
	rm -f "$dst"
	cp -L --preserve=mode "$src" "$dst"
}

# put_elf STAGE HOSTFILE [DEST]: copies an executable or library and all the
# libraries it needs, each at its host path.
put_elf() {
	local stage=$1 src=$2 dst=${3:-$2} lib libs
	put "$src" "$stage$dst"
	libs=$(elf_deps "$src") || exit 1
	for lib in $libs; do
		[ -e "$stage$lib" ] || put "$lib" "$stage$lib"
	done
}

modname() { # path/to/foo-bar.ko.xz -> foo_bar
	local n=${1##*/}
	n=${n%%.ko*}
	echo "${n//-/_}"
}

# Map "module name -> path relative to the modules dir" for the full kernel.
declare -A kmod_path=() kmod_deps=() kmod_builtin=()
while read -r n path deps; do
	kmod_path[$n]=$path
	kmod_deps[$n]=$deps
done < <(awk -F': *' '{
	n = $1; sub(/.*\//, "", n); sub(/\.ko.*/, "", n); gsub(/-/, "_", n)
	print n, $1, $2 }' "$kmoddir/modules.dep")
if [ -f "$kmoddir/modules.builtin" ]; then
	while read -r n; do
		kmod_builtin[$n]=1
	done < <(awk '{ n = $1; sub(/.*\//, "", n); sub(/\.ko.*/, "", n); gsub(/-/, "_", n); print n }' \
		"$kmoddir/modules.builtin")
fi

# closure NAME...: prints the paths of the named modules and everything they
# depend on (modules built into the kernel print nothing).
closure() {
	local n d
	for n in "$@"; do
		n=${n//-/_}
		if [ -n "${kmod_builtin[$n]:-}" ]; then
			continue
		fi
		[ -n "${kmod_path[$n]:-}" ] || return 1
		echo "${kmod_path[$n]}"
		for d in ${kmod_deps[$n]}; do
			echo "$d"
		done
	done
}

# put_module STAGE RELPATH: copies one kernel module, decompressed (so any
# insmod can load it and depmod in the stage sees plain .ko files).
put_module() {
	local stage=$1 rel=$2 dst
	dst=$stage/lib/modules/$kver/${rel%.ko*}.ko
	[ -e "$dst" ] && return 0
	mkdir -p "$(dirname "$dst")"
	case "$rel" in
	*.ko) cp "$kmoddir/$rel" "$dst" ;;
	*.ko.xz) xz -dc "$kmoddir/$rel" >"$dst" ;;
	*.ko.zst) zstd -qdc "$kmoddir/$rel" >"$dst" ;;
	*.ko.gz) gzip -dc "$kmoddir/$rel" >"$dst" ;;
	*) die "unknown module format: $rel" ;;
	esac
}

# pack DIR FILE: writes DIR as a gzip'd newc cpio archive owned by root.
pack() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		gzip -6 >"$2"
}

# ---------------------------------------------------------------- cache key

tool_paths=()
for t in "${required_tools[@]}"; do
	p=$(command -v "$t") || die "$t not found (run scripts/install-deps.sh)"
	tool_paths+=("$(readlink -f "$p")")
done
for t in "${optional_tools[@]}"; do
	p=$(command -v "$t" 2>/dev/null) || continue
	tool_paths+=("$(readlink -f "$p")")
done
busybox=$(readlink -f "$(command -v busybox)")
if LC_ALL=C ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox is not statically linked (install busybox-static)"
fi
xtables_dir=
if command -v xtables-nft-multi >/dev/null; then
	libxt=$(elf_deps "$(command -v xtables-nft-multi)" | grep libxtables | head -n 1) || true
	xtables_dir=${libxt%/*}/xtables
	[ -n "$libxt" ] && [ -d "$xtables_dir" ] || xtables_dir=
fi

host_files() {
	local t
	echo "$busybox"
	for t in "${tool_paths[@]}"; do
		echo "$t"
		elf_deps "$t" || exit 1
	done
	if [ -n "$xtables_dir" ]; then
		ls "$xtables_dir"/*.so
	fi
}

files=$(host_files) || die "could not list the host files to copy"
key_material=$(
	echo "kver $kver"
	echo "kernel $(cat "$kdir/.stamp")"
	dpkg-query -W -f='${Package} ${Version} ${Status}\n' "${key_pkgs[@]}" 2>/dev/null |
		grep ' installed$' || true
	echo "required_mods ${required_mods[*]}"
	echo "optional_mods ${optional_mods[*]}"
	echo "scripts $(cat "$here/build-initramfs.sh" "$here/init.sh" "$here/kernel-reports.awk" | sha256sum | cut -c1-64)"
	LC_ALL=C sort -u <<<"$files" | xargs -d '\n' stat -L -c '%n %s %Y'
)
key=$(sha256sum <<<"$key_material" | cut -c1-16)
cache=${FNAT_CACHE:-/var/cache/fnat}/initramfs
base=$cache/$kver-$key
mkdir -p "$cache"

# ---------------------------------------------------------------- base

build_base() {
	local work stage t n rel a
	work=$(mktemp -d "$cache/.work-$kver.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -rf '$work'" EXIT
	stage=$work/root

	mkdir -p "$stage"/{usr/bin,usr/sbin,usr/lib,usr/lib64,usr/local/sbin,usr/local/bin}
	ln -s usr/bin "$stage/bin"
	ln -s usr/sbin "$stage/sbin"
	ln -s usr/lib "$stage/lib"
	ln -s usr/lib64 "$stage/lib64"
	mkdir -p "$stage"/{dev,proc,sys,tmp,run,root,etc,var,mnt,tests/e2e}
	ln -s ../run "$stage/var/run"
	ln -s ../tmp "$stage/var/tmp"
	chmod 1777 "$stage/tmp"
	chmod 700 "$stage/root"
	mknod -m 600 "$stage/dev/console" c 5 1
	mknod -m 666 "$stage/dev/null" c 1 3

	put "$busybox" "$stage/usr/bin/busybox"
	for t in "${tool_paths[@]}"; do
		put_elf "$stage" "$t"
	done
	# kmod is one binary behind the usual names; busybox's versions cannot
	# read compressed or softdep'd modules, so the real ones shadow them.
	kmod_bin=$(readlink -f "$(command -v kmod)")
	for n in modprobe insmod rmmod lsmod modinfo depmod; do
		rm -f "$stage/usr/sbin/$n"
		ln -s "$kmod_bin" "$stage/usr/sbin/$n"
	done
	if [ -n "$xtables_dir" ]; then
		xt=$(readlink -f "$(command -v xtables-nft-multi)")
		for n in iptables iptables-save iptables-restore ip6tables ip6tables-save \
			ip6tables-restore ebtables arptables; do
			ln -sf "$xt" "$stage/usr/sbin/$n"
		done
		for a in "$xtables_dir"/*.so; do
			put_elf "$stage" "$a"
		done
	fi
	# Busybox applets for every name no real tool has taken.
	for n in $(busybox --list); do
		case "$n" in busybox | linuxrc | init) continue ;; esac
		[ -e "$stage/usr/bin/$n" ] || [ -L "$stage/usr/bin/$n" ] ||
			[ -e "$stage/usr/sbin/$n" ] || [ -L "$stage/usr/sbin/$n" ] ||
			ln -s busybox "$stage/usr/bin/$n"
	done

	cat >"$stage/etc/passwd" <<-'EOF'
		root:x:0:0:root:/root:/bin/bash
		nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
	EOF
	cat >"$stage/etc/group" <<-'EOF'
		root:x:0:
		nogroup:x:65534:
		nobody:x:65534:
	EOF
	cat >"$stage/etc/hosts" <<-'EOF'
		127.0.0.1	localhost fnat-vm
		::1		localhost ip6-localhost ip6-loopback
	EOF
	echo 'hosts: files' >"$stage/etc/nsswitch.conf"
	: >"$stage/etc/fstab"
	echo "fnat-vm" >"$stage/etc/hostname"

	# Kernel modules with their dependency closure.
	local want=() missing=()
	for n in "${required_mods[@]}"; do
		if [ -z "${kmod_builtin[${n//-/_}]:-}" ] && [ -z "${kmod_path[${n//-/_}]:-}" ]; then
			missing+=("$n")
		fi
	done
	[ "${#missing[@]}" -eq 0 ] || die "kernel $kver lacks required modules: ${missing[*]}"
	for n in "${required_mods[@]}" "${optional_mods[@]}"; do
		if [ -n "${kmod_path[${n//-/_}]:-}" ]; then
			want+=("$n")
		fi
	done
	mkdir -p "$stage/lib/modules/$kver"
	for rel in $(closure "${want[@]}" | LC_ALL=C sort -u); do
		put_module "$stage" "$rel"
	done
	for f in modules.builtin modules.builtin.modinfo modules.order; do
		[ -f "$kmoddir/$f" ] && cp "$kmoddir/$f" "$stage/lib/modules/$kver/"
	done
	depmod -b "$stage" "$kver" || die "depmod on the staged modules failed"

	install -m 755 "$here/init.sh" "$stage/init"
	install -D -m 644 "$here/kernel-reports.awk" "$stage/lib/fnat/kernel-reports.awk"

	pack "$stage" "$work/base.cpio.gz"
	# The staged modules dir is kept: the overlay re-runs depmod on it.
	mkdir -p "$work/out/modroot/lib/modules"
	mv "$stage/lib/modules/$kver" "$work/out/modroot/lib/modules/"
	mv "$work/base.cpio.gz" "$work/out/"
	printf '%s\n' "$key_material" >"$work/out/.stamp"
	rm -rf "$base"
	mv "$work/out" "$base"
	rm -rf "$work"
	trap - EXIT
}

exec 9>"$cache/.lock-$kver"
flock 9
# Holding the lock, any work directory of this release is a killed build's.
rm -rf "$cache/.work-$kver".*
if ! { [ -f "$base/.stamp" ] && [ "$(cat "$base/.stamp")" = "$key_material" ] &&
	[ -s "$base/base.cpio.gz" ] && [ -s "$base/modroot/lib/modules/$kver/modules.dep" ]; }; then
	echo "build-initramfs: building the base for $kver (cached in $base)" >&2
	build_base
	# Keep the three newest bases of this kernel release.
	# shellcheck disable=SC2012 # our own names: no odd characters
	ls -dt "$cache/$kver"-* 2>/dev/null | tail -n +4 | xargs -r rm -rf
fi
touch "$base"
flock -u 9

# ---------------------------------------------------------------- overlay

mkdir -p "$(dirname "$out")"
if [ "${#modules[@]}" -eq 0 ] && [ "${#bins[@]}" -eq 0 ] && [ -z "$tests" ]; then
	cp "$base/base.cpio.gz" "$out.tmp"
	mv "$out.tmp" "$out"
	exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/fnat-initramfs.XXXXXX")
trap 'rm -rf "$work"' EXIT
ov=$work/ov
mkdir -p "$ov"
if [ "${#modules[@]}" -gt 0 ]; then
	# depmod needs every module; work on a copy of the staged tree and ship
	# what changed: extra/, added dependencies and the modules.* indexes.
	full=$work/full
	mkdir -p "$full/lib/modules"
	cp -a "$base/modroot/lib/modules/$kver" "$full/lib/modules/"
	mkdir -p "$full/lib/modules/$kver/extra"
	for m in "${modules[@]}"; do
		vm=$(modinfo -F vermagic "$m" 2>/dev/null | awk '{ print $1 }') ||
			die "--module $m: modinfo cannot read it"
		[ "$vm" = "$kver" ] ||
			die "--module $m was built for kernel '$vm', not $kver (build it against linux-headers-$kver)"
		name=${m##*/}
		[ ! -e "$full/lib/modules/$kver/extra/$name" ] || die "--module $name given twice"
		cp "$m" "$full/lib/modules/$kver/extra/$name"
		deps=$(modinfo -F depends "$m" | tr ',' ' ')
		if [ -n "$deps" ]; then
			# shellcheck disable=SC2086
			rels=$(closure $deps) || die "--module $m depends on modules kernel $kver lacks: $deps"
			for rel in $rels; do
				if [ ! -e "$full/lib/modules/$kver/${rel%.ko*}.ko" ]; then
					put_module "$full" "$rel"
					mkdir -p "$ov/lib/modules/$kver/$(dirname "$rel")"
					cp "$full/lib/modules/$kver/${rel%.ko*}.ko" "$ov/lib/modules/$kver/${rel%.ko*}.ko"
				fi
			done
		fi
	done
	depmod -b "$full" "$kver" || die "depmod with the extra modules failed"
	mkdir -p "$ov/lib/modules/$kver"
	cp -a "$full/lib/modules/$kver/extra" "$ov/lib/modules/$kver/"
	cp "$full/lib/modules/$kver"/modules.* "$ov/lib/modules/$kver/"
fi
if [ "${#bins[@]}" -gt 0 ]; then
	# Libraries already in the base are shipped again (harmless: the later
	# archive wins), so nothing here depends on what the base holds.
	for b in "${bins[@]}"; do
		put_elf "$ov" "$(readlink -f "$b")" "/usr/local/sbin/${b##*/}"
		# Debug info is of no use in the VM and only slows unpacking; the
		# symbol table stays for backtraces.
		if command -v strip >/dev/null; then
			strip --strip-debug "$ov/usr/local/sbin/${b##*/}" 2>/dev/null || true
		fi
	done
fi
if [ -n "$tests" ]; then
	mkdir -p "$ov/tests/e2e"
	cp -a "$tests/." "$ov/tests/e2e/"
	# The shipped example a scenario (keepalived.sh) installs as an operator would.
	if [ -d "$root/packaging/keepalived" ]; then
		mkdir -p "$ov/tests/packaging"
		cp -a "$root/packaging/keepalived" "$ov/tests/packaging/"
	fi
fi
# The merged-/usr symlinks of the base must not be replaced by directories.
for l in bin sbin lib lib64; do
	if [ -d "$ov/$l" ] && [ ! -L "$ov/$l" ]; then
		mkdir -p "$ov/usr/$l"
		cp -a "$ov/$l/." "$ov/usr/$l/"
		rm -rf "${ov:?}/$l"
	fi
done
pack "$ov" "$work/overlay.cpio.gz"
cat "$base/base.cpio.gz" "$work/overlay.cpio.gz" >"$out.tmp"
mv "$out.tmp" "$out"
