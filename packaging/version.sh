#!/bin/sh
# Prints fnat's version, PACKAGE_VERSION of dkms.conf (the one place it is
# set for packaging: make install, make dkms-install), after checking that
# the other places that state it agree:
#   include/uapi/fnat.h        FNAT_VERSION_MAJOR/MINOR/PATCH (the module's)
#   kmod/fnat_main.c           MODULE_VERSION (modinfo's "version")
#   userspace/CMakeLists.txt   project(... VERSION ...) (fnatadm -v)
# Exits 1, naming the file, when one differs.
#
#   packaging/version.sh [SOURCE_DIR]   (default: the tree this script is in)
set -u
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}

version=$(sed -n 's/^PACKAGE_VERSION="\([^"]*\)"$/\1/p' "$top/dkms.conf")
case $version in
[0-9]*.[0-9]*.[0-9]*) ;;
*)
	echo "version: no PACKAGE_VERSION=\"X.Y.Z\" in $top/dkms.conf" >&2
	exit 1
	;;
esac

macro() {
	sed -n "s/^#define[[:space:]]*$1[[:space:]]*\\([0-9]*\\).*/\\1/p" "$top/include/uapi/fnat.h"
}
uapi="$(macro FNAT_VERSION_MAJOR).$(macro FNAT_VERSION_MINOR).$(macro FNAT_VERSION_PATCH)"
module=$(sed -n 's/^MODULE_VERSION("\([^"]*\)");.*/\1/p' "$top/kmod/fnat_main.c")
cmake=$(sed -n 's/^project(fnatadm VERSION \([0-9.]*\) .*/\1/p' "$top/userspace/CMakeLists.txt")

status=0
for pair in "include/uapi/fnat.h:$uapi" "kmod/fnat_main.c:$module" "userspace/CMakeLists.txt:$cmake"; do
	file=${pair%%:*}
	found=${pair#*:}
	if [ "$found" != "$version" ]; then
		echo "version: $file says '$found', dkms.conf says $version" >&2
		status=1
	fi
done
[ "$status" -eq 0 ] || exit 1
echo "$version"
