#!/usr/bin/env bash
# Installs everything fnat needs to build, test and run its demo on a Debian
# bookworm machine. Idempotent: packages already present are skipped, and apt
# is only asked when something is missing. Needs root.
set -euo pipefail

pkgs=(
	linux-headers-amd64	# kbuild for fnat.ko against the default kernel
	linux-source-6.1	# UML kernel for KUnit
	qemu-system-x86		# VM for e2e tests and the demo
	busybox-static cpio kmod iproute2 util-linux
	bash coreutils
	libmnl-dev libnl-3-dev libnl-genl-3-dev libcli11-dev
	googletest libgtest-dev cmake g++ make pkg-config clang-format
	bc flex bison libelf-dev libssl-dev python3 rsync xz-utils
	ipvsadm			# reference behaviour, only ever run inside the VM
	iptables		# copied into the test VM's initramfs (xtables-nft-multi), never run here
	tcpdump			# copied into the test VM's initramfs (TOA on the wire), never run here
	dpkg-dev
	groff-base		# fnatadm_cli test: docs/fnatadm.8 formats without warnings
	clang libbpf-dev bpftool	# fnat-toa: BPF programs, libbpf skeleton
	iperf3 conntrack	# make bench (bulk throughput; flushing the firewall state between runs), only ever run inside the VM
)

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
