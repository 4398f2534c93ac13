#!/usr/bin/env bash
# The DKMS packaging, proven for each kernel fnat targets: Debian's 6.1
# (scripts/kver.sh) and the newest linux-headers-6.12.*+deb12-amd64
# installed (installed with apt when there is none). For each, in private
# trees (--sourcetree, --dkmstree, --installtree, --no-depmod; MOK key and
# temporary files in the work directory too), so that the host's
# /var/lib/dkms, /usr/src and /lib/modules are never touched:
#   make dkms-source, dkms add, dkms build -k KVER, dkms install -k KVER,
#   checks of the installed fnat.ko (vermagic, signature, depmod indexes it),
#   dkms remove;
# then make dkms-install and make dkms-remove (the operator's targets) for
# the first kernel. No module is ever loaded: modprobe, insmod, rmmod and
# depmod are replaced by stubs in PATH that fail and leave a trace.
# One line per check; the last one is
#   dkms: N passed, M failed
#
#   tests/dkms/run.sh [--out DIR] [--keep]
#     --out DIR  copy each kernel's DKMS-built module to DIR/KVER/fnat.ko
#     --keep     keep the work directory (printed) for inspection
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root" || exit 1
out=""
keep=""
while [ "$#" -gt 0 ]; do
	case $1 in
	--out)
		out=${2:-}
		[ -n "$out" ] || { echo "dkms: --out needs a directory" >&2; exit 2; }
		shift 2
		;;
	--out=*) out=${1#*=}; shift ;;
	--keep) keep=1; shift ;;
	-h | --help) sed -n '2,20s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "dkms: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
done
if [ -n "$out" ]; then
	if ! mkdir -p "$out" || ! out=$(cd "$out" && pwd); then
		echo "dkms: cannot create $out" >&2
		exit 2
	fi
fi

# shellcheck source-path=SCRIPTDIR source=../lib/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/checks.sh"
checks_begin dkms "$keep"

if version=$(sh packaging/version.sh 2>"$log/version"); then
	pass "version $version: dkms.conf, include/uapi/fnat.h, MODULE_VERSION and CMake agree"
else
	fail "version: $(tr '\n' ' ' <"$log/version")"
	finish
fi

# --- The kernels ------------------------------------------------------

newest_612() {
	local d
	for d in /usr/src/linux-headers-6.12.*+deb12-amd64; do
		[ -f "$d/.config" ] && echo "${d#/usr/src/linux-headers-}"
	done | sort -V | tail -n 1
}

kvers=()
if k61=$(scripts/kver.sh 2>"$log/kver") && [ -f "/usr/src/linux-headers-$k61/.config" ]; then
	pass "headers: $k61 (scripts/kver.sh)"
	kvers+=("$k61")
else
	fail "headers: Debian's 6.1 kernel headers ($(cat "$log/kver"))"
fi

k612=$(newest_612)
if [ -z "$k612" ]; then
	# The newest package apt knows; apt-get update only if it knows none.
	candidates() {
		apt-cache pkgnames linux-headers-6.12. 2>/dev/null |
			grep -E '^linux-headers-6\.12\.[0-9.]+\+deb12-amd64$' | sort -V
	}
	pkg=$(candidates | tail -n 1)
	if [ -z "$pkg" ]; then
		apt-get update -qq >"$log/apt" 2>&1
		pkg=$(candidates | tail -n 1)
	fi
	if [ -n "$pkg" ]; then
		echo "dkms: installing $pkg"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" \
			>>"$log/apt" 2>&1
	fi
	k612=$(newest_612)
fi
if [ -n "$k612" ]; then
	pass "headers: $k612 (newest linux-headers-6.12.*+deb12-amd64)"
	kvers+=("$k612")
else
	fail "headers: no linux-headers-6.12.*+deb12-amd64 installed or installable ($(tail -n 1 "$log/apt" 2>/dev/null))"
fi
[ "${#kvers[@]}" -gt 0 ] || finish

# --- Private trees and guards -----------------------------------------

src=$work/src
tree=$work/dkms
inst=$work/root/lib/modules
mkdir -p "$src" "$tree" "$inst" "$work/mok" "$work/tmp" "$work/guard"
for k in "${kvers[@]}"; do
	mkdir -p "$inst/$k"
done
flags=(--sourcetree "$src" --dkmstree "$tree" --installtree "$inst" --no-depmod)
# DKMS signs with a MOK key it generates when absent: a throwaway one here,
# not /var/lib/dkms/mok.key. framework.conf may only override these.
export mok_signing_key=$work/mok/mok.key mok_certificate=$work/mok/mok.pub
export TMPDIR=$work/tmp
for tool in modprobe insmod rmmod depmod; do
	printf '#!/bin/sh\necho "%s $*" >>"%s"\nexit 1\n' "$tool" "$work/guard.log" >"$work/guard/$tool"
	chmod +x "$work/guard/$tool"
done
guarded_path="$work/guard:$PATH"
DEPMOD=$(command -v depmod || echo /sbin/depmod)

# dkms ARGS...: dkms with the guards first in PATH.
dkms_() {
	PATH=$guarded_path dkms "$@"
}

# The host's state DKMS must not change.
host_state() {
	local k
	ls -la /var/lib/dkms 2>&1
	ls -la "/usr/src/fnat-$version" 2>&1
	for k in "${kvers[@]}"; do
		find "/lib/modules/$k" -maxdepth 3 -printf '%p %s %T@\n' 2>&1 | sort
	done
}
host_state >"$work/host.before"

# status KVER: the state dkms reports for fnat/VERSION on KVER: added (for
# every kernel), built, installed, or "" when none.
status() {
	dkms_ status "${flags[@]}" -m fnat -v "$version" 2>/dev/null |
		awk -v mv="fnat/$version" -v k="$1" '
			$0 ~ "^" mv ": added" { state = "added" }
			index($0, mv ", " k ", ") == 1 { sub(/^[^:]*: /, ""); sub(/[^a-z].*/, ""); state = $0 }
			END { print state }'
}

# --- make dkms-source, dkms add ---------------------------------------

if make -s dkms-source DKMS_SOURCE_TREE="$src" >"$log/source" 2>&1; then
	pass "make dkms-source: $src/fnat-$version"
else
	fail "make dkms-source: $(tail -n 3 "$log/source")"
fi
missing=""
for f in dkms.conf kmod/Kbuild kmod/fnat_main.c kmod/fnat.h include/uapi/fnat.h; do
	[ -f "$src/fnat-$version/$f" ] || missing="$missing $f"
done
unexpected=$(cd "$src/fnat-$version" 2>/dev/null &&
	find . -type f ! -name dkms.conf ! -path './kmod/*.c' ! -path './kmod/*.h' \
		! -path ./kmod/Kbuild ! -path ./include/uapi/fnat.h -o -type f -name '*.mod.c' | sort)
check "dkms source tree: dkms.conf, kmod/ sources, include/uapi/fnat.h${missing:+ (missing:$missing)}${unexpected:+ (unexpected: $unexpected)}" \
	test -z "$missing$unexpected"

dkms_ add "${flags[@]}" -m fnat -v "$version" >"$log/add" 2>&1
rc=$?
st=$(status "${kvers[0]}")
check "dkms add: exit $rc, status '${st:-none}'" test "$rc" -eq 0 -a "$st" = added

# --- dkms build, dkms install, per kernel -----------------------------

for k in "${kvers[@]}"; do
	start=$(date +%s)
	dkms_ build "${flags[@]}" -m fnat -v "$version" -k "$k" \
		--kernelsourcedir "/usr/src/linux-headers-$k" >"$log/build-$k" 2>&1
	rc=$?
	st=$(status "$k")
	makelog=$tree/fnat/$version/$k/x86_64/log/make.log
	check "$k: dkms build: exit $rc, status '${st:-none}' ($(($(date +%s) - start)) s)" \
		test "$rc" -eq 0 -a "$st" = built
	if [ "$rc" -ne 0 ]; then
		tail -n 20 "$makelog" "$log/build-$k" 2>/dev/null | sed 's/^/     /'
		continue
	fi
	warnings=$(grep -E 'warning:|error:' "$makelog" 2>/dev/null | head -n 5)
	check "$k: the build has no compiler warnings${warnings:+: $warnings}" test -z "$warnings"

	dkms_ install "${flags[@]}" -m fnat -v "$version" -k "$k" \
		--kernelsourcedir "/usr/src/linux-headers-$k" >"$log/install-$k" 2>&1
	rc=$?
	st=$(status "$k")
	check "$k: dkms install: exit $rc, status '${st:-none}'" test "$rc" -eq 0 -a "$st" = installed

	ko=$(find "$inst/$k" -name 'fnat.ko*' -type f 2>/dev/null | head -n 1)
	check "$k: fnat.ko under the install tree: ${ko#"$inst/"}" \
		test -n "$ko" -a "${ko%/fnat.ko*}" = "$inst/$k/updates/dkms"
	[ -n "$ko" ] || continue
	vermagic=$(modinfo -F vermagic "$ko" 2>/dev/null)
	vermagic=${vermagic%"${vermagic##*[! ]}"}
	check "$k: vermagic '$vermagic'" test "${vermagic%% *}" = "$k"
	modversion=$(modinfo -F version "$ko" 2>/dev/null)
	check "$k: modinfo version '$modversion'" test "$modversion" = "$version"
	signer=$(modinfo -F signer "$ko" 2>/dev/null)
	check "$k: signed with DKMS's MOK key ('$signer')" \
		test -n "$signer" -a -s "$mok_signing_key"
	# What depmod makes of the tree (the host's depmod is skipped).
	"$DEPMOD" -b "$work/root" "$k" 2>"$log/depmod-$k"
	check "$k: depmod indexes updates/dkms/${ko##*/}" \
		grep -q "^updates/dkms/${ko##*/}:" "$inst/$k/modules.dep"
	if [ -n "$out" ]; then
		mkdir -p "$out/$k"
		case $ko in
		*.xz) xz -dc "$ko" >"$out/$k/fnat.ko" ;;
		*.zst) zstd -qdc "$ko" >"$out/$k/fnat.ko" ;;
		*.gz) gzip -dc "$ko" >"$out/$k/fnat.ko" ;;
		*) cp "$ko" "$out/$k/fnat.ko" ;;
		esac
		outmagic=$(modinfo -F vermagic "$out/$k/fnat.ko" 2>/dev/null)
		check "$k: copied to $out/$k/fnat.ko" test "${outmagic%% *}" = "$k"
	fi
done

# --- dkms remove ------------------------------------------------------

dkms_ remove "${flags[@]}" "fnat/$version" --all >"$log/remove" 2>&1
rc=$?
left=$(find "$inst" -name 'fnat.ko*' 2>/dev/null)
sts=""
for k in "${kvers[@]}"; do
	sts="$sts$(status "$k")"
done
check "dkms remove --all: exit $rc, no status left${sts:+ ($sts)}, no module left${left:+ ($left)}" \
	test "$rc" -eq 0 -a -z "$sts$left" -a ! -e "$tree/fnat/$version"

# --- make dkms-install, make dkms-remove ------------------------------

k=${kvers[0]}
margs=(DKMS_SOURCE_TREE="$src" DKMS_KVER="$k" DKMS="env PATH=$guarded_path dkms"
	DKMS_FLAGS="--dkmstree $tree --installtree $inst --no-depmod")
rm -rf "${src:?}/fnat-$version"
make -s dkms-install "${margs[@]}" >"$log/make-install" 2>&1
rc=$?
st=$(status "$k")
check "make dkms-install DKMS_KVER=$k: exit $rc, status '${st:-none}'" \
	test "$rc" -eq 0 -a "$st" = installed -a -f "$src/fnat-$version/dkms.conf"
[ "$rc" -eq 0 ] || tail -n 20 "$log/make-install" | sed 's/^/     /'
make -s dkms-remove "${margs[@]}" >"$log/make-remove" 2>&1
rc=$?
st=$(status "$k")
left=$(find "$inst" -name 'fnat.ko*' 2>/dev/null)
check "make dkms-remove: exit $rc, status '${st:-none}', sources and module gone${left:+ ($left)}" \
	test "$rc" -eq 0 -a -z "$st$left" -a ! -e "$src/fnat-$version"

# --- Nothing loaded, the host untouched -------------------------------

guarded=$(cat "$work/guard.log" 2>/dev/null)
check "no modprobe, insmod, rmmod or depmod run by dkms${guarded:+: $guarded}" test -z "$guarded"
host_state >"$work/host.after"
if cmp -s "$work/host.before" "$work/host.after"; then
	pass "host: /var/lib/dkms, /usr/src/fnat-$version and /lib/modules/{$(
		IFS=,
		echo "${kvers[*]}"
	)} unchanged"
else
	fail "host state changed: $(diff "$work/host.before" "$work/host.after" | head -n 5 | tr '\n' ' ')"
fi
finish
