#!/usr/bin/env bash
# Prints the kernel release fnat targets by default: the one whose headers
# Debian's linux-headers-amd64 metapackage pulls in (for example
# 6.1.0-56-amd64). The build, the VM harness and DKMS all agree on it.
set -euo pipefail
dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null | tr ',' '\n' |
	sed -n 's/^ *linux-headers-\([^ ]*-amd64\).*/\1/p' | head -n 1)
if [ -z "$dep" ]; then
	echo "kver: linux-headers-amd64 is not installed (run scripts/install-deps.sh)" >&2
	exit 1
fi
echo "$dep"
