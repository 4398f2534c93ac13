#!/usr/bin/env bash
# `make demo`: boots the test VM (qemu, no KVM needed) with the freshly
# built fnat.ko and fnatadm and runs tests/e2e/demo.sh there, showing its
# console. Nothing is loaded into this machine's own kernel.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
kver=""
case "${1:-}" in
--kver) kver=${2:-} ;;
--kver=*) kver=${1#*=} ;;
esac
[ -n "$kver" ] || kver=$(scripts/kver.sh)
exec tests/vm/run.sh --kver "$kver" --scenario demo \
	--module kmod/fnat.ko --bin build/userspace/fnatadm \
	--bin build/userspace/fnat-toa
