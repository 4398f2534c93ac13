#!/usr/bin/env bash
# Installs everything fnat needs to build, test and run its demo on a Debian
# bookworm machine; with --build, only what building and installing it needs
# (for a director). Idempotent: packages already present are skipped, and apt
# is only asked when something is missing. Needs root.
set -euo pipefail

# What building and installing fnat needs (make, make install, DKMS): all a
# director or a real server needs.
build_pkgs=(
	linux-headers-amd64	# kbuild for fnat.ko against the default kernel
	make gcc g++ cmake pkg-config kmod libelf-dev
	libmnl-dev libnl-3-dev libnl-genl-3-dev libcli11-dev
	googletest libgtest-dev	# fnatadm's unit tests build with it
	clang libbpf-dev bpftool	# fnat-toa: BPF programs, libbpf skeleton
	dkms			# make dkms-install
)

# What the tests, the demo and the benchmarks need on top.
test_pkgs=(
	linux-source-6.1	# UML kernel for KUnit
	qemu-system-x86		# VM for e2e tests and the demo
	busybox-static cpio iproute2 util-linux
	bash coreutils
	clang-format
	bc flex bison libssl-dev python3 rsync xz-utils
	ipvsadm			# reference behaviour, only ever run inside the VM
	iptables		# copied into the test VM's initramfs (xtables-nft-multi), never run here
	tcpdump			# copied into the test VM's initramfs (TOA on the wire), never run here
	dpkg-dev
	groff-base		# fnatadm_cli test: docs/fnatadm.8 formats without warnings
	iperf3 conntrack	# make bench (bulk throughput; flushing the firewall state between runs), only ever run inside the VM
	keepalived		# the keepalived e2e scenario; copied into the test VM, never run here
	hping3			# the defense e2e scenario's SYN flood; copied into the test VM, never run here
	systemd			# systemd-analyze verify on the units make install installs
	bash-completion		# make check runs fnatadm's completion script through its helpers
	shellcheck man-db	# make check: the install layer lints the installed scripts and renders the man page
)

pkgs=("${build_pkgs[@]}")
case "${1:-}" in
--build) ;;
"") pkgs+=("${test_pkgs[@]}") ;;
*)
	echo "usage: install-deps.sh [--build]" >&2
	exit 2
	;;
esac

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages: ${missing[*]} (run as root)" >&2
	exit 1
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
