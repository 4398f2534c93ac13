#!/bin/bash
# smoke: the smallest scenario that proves the VM harness works.
# Two network namespaces joined by a veth pair ping each other, IPVS answers
# ipvsadm, and fnat.ko (when the initramfs carries it) loads and unloads.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

step "two namespaces joined by a veth pair"
netns_add smoke-a smoke-b
must ip link add veth-a netns smoke-a type veth peer name veth-b netns smoke-b
must ip -n smoke-a addr add 10.0.0.1/24 dev veth-a
must ip -n smoke-b addr add 10.0.0.2/24 dev veth-b
must ip -n smoke-a link set veth-a up
must ip -n smoke-b link set veth-b up

step "ping across the veth pair"
must in_ns smoke-b ping -c 1 -W 5 10.0.0.1 >/dev/null
must in_ns smoke-a ping -c 1 -W 5 10.0.0.2 >/dev/null

step "IPVS answers ipvsadm"
must modprobe ip_vs
must in_ns smoke-a ipvsadm -A -t 10.0.0.1:80 -s rr
expect_contains "TCP  10.0.0.1:80 rr" in_ns smoke-a ipvsadm -Ln
must in_ns smoke-a ipvsadm -C

ko=/lib/modules/$(uname -r)/extra/fnat.ko
if [ -f "$ko" ]; then
	step "fnat.ko loads and unloads"
	# insmod does not load dependencies (modprobe would); load them first.
	deps=$(must modinfo -F depends "$ko")
	IFS=, read -ra deps <<<"$deps"
	if [ "${#deps[@]}" -gt 0 ]; then
		must modprobe -a "${deps[@]}"
	fi
	must insmod "$ko"
	[ -d /sys/module/fnat ] || fail "fnat.ko loaded but /sys/module/fnat is missing"
	must rmmod fnat
	[ ! -d /sys/module/fnat ] || fail "rmmod fnat left /sys/module/fnat behind"
else
	step "no fnat.ko in the initramfs: load/unload check skipped"
fi

step "cleanup"
netns_del smoke-a smoke-b
netns_assert_none
