#!/usr/bin/env bash
# make install-files and make uninstall, proven into scratch DESTDIRs for
# PREFIX=/usr and PREFIX=/usr/local: the installed tree file by file (modes,
# nothing missing, nothing unexpected, the installed paths in the units and
# scripts), the man page (groff and man -l without warnings), the scripts
# (sh -n, bash -n, shellcheck), the units (systemd-analyze verify), the bash
# completion (run through bash-completion's helpers), fnat-rules and
# fnat-sync against a fake fnatadm and modprobe that record their argv, and
# what make uninstall leaves (directories, and the config files an operator
# changed). Nothing is installed on this machine and no module is loaded.
# One line per check; the last one is
#   install: N passed, M failed
#
#   tests/install/run.sh [--build DIR] [--module PATH] [--kver KVER] [--keep]
#     --build DIR    the CMake build directory holding fnatadm and fnat-toa
#                    (e.g. build/userspace); default: build them in a
#                    scratch directory
#     --module PATH  fnat.ko as kbuild built it (modules.order beside it;
#                    e.g. kmod/fnat.ko); default: build it for KVER in a
#                    scratch directory
#     --kver KVER    the kernel to install the module for (make's KVER):
#                    default scripts/kver.sh; --module's must be built for it
#     --keep         keep the work directory (printed) for inspection
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root" || exit 1
build_dir=""
module=""
want_kver=""
keep=""
while [ "$#" -gt 0 ]; do
	case $1 in
	--build) build_dir=${2:-}; shift 2 || shift ;;
	--build=*) build_dir=${1#*=}; shift ;;
	--module) module=${2:-}; shift 2 || shift ;;
	--module=*) module=${1#*=}; shift ;;
	--kver) want_kver=${2:-}; shift 2 || shift ;;
	--kver=*) want_kver=${1#*=}; shift ;;
	--keep) keep=1; shift ;;
	-h | --help) sed -n '2,24s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "install: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
done

# shellcheck source-path=SCRIPTDIR source=../lib/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/checks.sh"
checks_begin install "$keep"

# --- What is installed ------------------------------------------------

if [ -z "$build_dir" ]; then
	build_dir=$work/cmake
	{
		cmake -S userspace -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
			-DFNAT_BUILD_TESTS=OFF &&
			cmake --build "$build_dir" -j "$(nproc)" --target fnatadm fnat-toa
	} >"$log/cmake" 2>&1
fi
build_dir=$(cd "$build_dir" 2>/dev/null && pwd) || build_dir=""
check "userspace: fnatadm and fnat-toa in ${build_dir:-(no directory)}" \
	test -n "$build_dir" -a -x "$build_dir/fnatadm" -a -x "$build_dir/fnat-toa"

[ -n "$want_kver" ] || want_kver=$(scripts/kver.sh 2>"$log/kver")
if [ -z "$module" ]; then
	# kmod/ and include/ as DKMS has them, built out of the source tree.
	make -s dkms-source DKMS_SOURCE_TREE="$work/ksrc" >"$log/ksrc" 2>&1
	ksrc=$(echo "$work"/ksrc/fnat-*)
	make -C "/usr/src/linux-headers-$want_kver" M="$ksrc/kmod" CONFIG_FNAT=m KCFLAGS=-Werror \
		-j "$(nproc)" modules >"$log/kbuild" 2>&1
	module=$ksrc/kmod/fnat.ko
fi
kmod_dir=$(cd "$(dirname "$module")" 2>/dev/null && pwd)
kver=$(modinfo -F vermagic "$module" 2>/dev/null | cut -d' ' -f1)
check "module: $module built for ${kver:-nothing} (KVER ${want_kver:-unknown}), modules.order beside it" \
	test -n "$kver" -a "$kver" = "$want_kver" -a -f "$kmod_dir/modules.order"
if [ -z "$build_dir" ] || [ -z "$kver" ]; then
	tail -n 20 "$log/cmake" "$log/kbuild" 2>/dev/null | sed 's/^/     /'
	finish
fi
kdir=/usr/src/linux-headers-$kver
ko_suffix=$(sed -n 's/^CONFIG_MODULE_COMPRESS_\(GZIP\|XZ\|ZSTD\)=y$/\1/p' "$kdir/.config" |
	sed 's/GZIP/.gz/;s/XZ/.xz/;s/ZSTD/.zst/')
mkdir -p "$work/build"
ln -s "$build_dir" "$work/build/userspace"

# install DESTDIR PREFIX [VAR=value...]: make install-files, output to a log.
install_into() {
	local dest=$1 prefix=$2
	shift 2
	make install-files DESTDIR="$dest" PREFIX="$prefix" BUILD="$work/build" \
		KMOD_DIR="$kmod_dir" KVER="$kver" "$@" >>"$log/make" 2>&1
}
uninstall_from() {
	local dest=$1 prefix=$2
	shift 2
	make uninstall DESTDIR="$dest" PREFIX="$prefix" KVER="$kver" "$@" >>"$log/make" 2>&1
}

# The tree PREFIX's install makes: "MODE PATH" of each file, sorted.
expected_tree() {
	local p=${1#/}
	sort <<EOF
-rwxr-xr-x $p/sbin/fnatadm
-rwxr-xr-x $p/sbin/fnat-toa
-rwxr-xr-x $p/sbin/fnat-rules
-rwxr-xr-x $p/sbin/fnat-sync
-rw-r--r-- $p/share/man/man8/fnatadm.8
-rw-r--r-- $p/share/bash-completion/completions/fnatadm
-rw-r--r-- $p/lib/systemd/system/fnat.service
-rw-r--r-- $p/lib/systemd/system/fnat-sync@.service
-rw-r--r-- $p/lib/systemd/system/fnat-toa.service
-rw-r--r-- $p/share/doc/fnat/examples/sync.conf
-rw-r--r-- $p/share/doc/fnat/examples/default
-rw-r--r-- $p/share/doc/fnat/examples/keepalived.conf
-rwxr-xr-x $p/libexec/fnat/fnat-rs-notify
-rwxr-xr-x $p/libexec/fnat/fnat-vrrp-notify
-rw-r--r-- etc/fnat/sync.conf
-rw-r--r-- etc/default/fnat
-rw-r--r-- lib/modules/$kver/extra/fnat.ko$ko_suffix
EOF
}
# actual_tree DESTDIR: the same of what is there (anything but directories).
actual_tree() {
	(cd "$1" && find . ! -type d -printf '%M %P\n' | sort)
}

# --- Checks of one installed tree -------------------------------------

# check_tree TAG DESTDIR PREFIX
check_tree() {
	local tag=$1 d=$2 p=$3 f u unit want
	same "$tag: installed files and modes" "$(expected_tree "$p")" "$(actual_tree "$d")"
	check "$tag: etc/fnat is a directory (0755)" \
		test "$(stat -c %a "$d/etc/fnat" 2>/dev/null)" = 755
	check "$tag: sbin/fnatadm is the built one" cmp -s "$build_dir/fnatadm" "$d$p/sbin/fnatadm"
	check "$tag: sbin/fnat-toa is the built one" cmp -s "$build_dir/fnat-toa" "$d$p/sbin/fnat-toa"
	check "$tag: share/man/man8/fnatadm.8 is docs/fnatadm.8" \
		cmp -s docs/fnatadm.8 "$d$p/share/man/man8/fnatadm.8"
	check "$tag: the bash completion is packaging/fnatadm.bash-completion" \
		cmp -s packaging/fnatadm.bash-completion "$d$p/share/bash-completion/completions/fnatadm"
	check "$tag: extra/fnat.ko$ko_suffix is the module built for $kver" \
		test "$(modinfo -F vermagic "$d/lib/modules/$kver/extra/fnat.ko$ko_suffix" 2>/dev/null |
			cut -d' ' -f1)" = "$kver"
	check "$tag: the installed config is the installed example" \
		cmp -s "$d/etc/fnat/sync.conf" "$d$p/share/doc/fnat/examples/sync.conf"
	f=$(grep -l '@[A-Z_]*@' "$d$p/sbin/fnat-rules" "$d$p/sbin/fnat-sync" "$d$p"/lib/systemd/system/* \
		"$d/etc/default/fnat" "$d/etc/fnat/sync.conf" 2>/dev/null)
	check "$tag: no @PLACEHOLDER@ left${f:+ in $f}" test -z "$f"

	# The units run the installed programs.
	same "$tag: fnat.service runs $p/sbin/fnat-rules" \
		"ExecStart=$p/sbin/fnat-rules start
ExecReload=$p/sbin/fnat-rules load
ExecStop=$p/sbin/fnat-rules stop" "$(grep '^Exec' "$d$p/lib/systemd/system/fnat.service")"
	same "$tag: fnat-sync@.service runs $p/sbin/fnat-sync" \
		"ExecStart=$p/sbin/fnat-sync start %i
ExecStop=$p/sbin/fnat-sync stop %i" "$(grep '^Exec' "$d$p/lib/systemd/system/fnat-sync@.service")"
	same "$tag: fnat-toa.service runs $p/sbin/fnat-toa" \
		"ExecStartPre=-$p/sbin/fnat-toa detach
ExecStart=$p/sbin/fnat-toa attach
ExecStop=$p/sbin/fnat-toa detach" "$(grep '^Exec' "$d$p/lib/systemd/system/fnat-toa.service")"
	same "$tag: fnat-sync@.service requires fnat.service, after it and network-online" \
		"Requires=fnat.service
Wants=network-online.target
After=fnat.service network-online.target" \
		"$(grep -E '^(Requires|Wants|After)=' "$d$p/lib/systemd/system/fnat-sync@.service")"
	# The scripts know where things are.
	same "$tag: fnat-rules and fnat-sync: /etc, and $p/sbin on their PATH" \
		"sysconfdir='/etc'
PATH=\"\$PATH:$p/sbin:/usr/sbin:/sbin\"
sysconfdir='/etc'
PATH=\"\$PATH:$p/sbin:/usr/sbin:/sbin\"" \
		"$(grep -h -E '^(sysconfdir|PATH)=' "$d$p/sbin/fnat-rules" "$d$p/sbin/fnat-sync")"

	# systemd-analyze verify checks that the commands exist: on copies of
	# the units whose $p/sbin/ is the DESTDIR's, with the DESTDIR's man
	# page for Documentation=man:fnatadm(8).
	u=$work/units-$tag
	mkdir -p "$u"
	for unit in "$d$p"/lib/systemd/system/*; do
		sed "s|=\\(-\\{0,1\\}\\)$p/sbin/|=\\1$d$p/sbin/|" "$unit" >"$u/${unit##*/}"
	done
	want=$(grep -c "$d$p/sbin/" "$u"/*.service | awk -F: '{ n += $2 } END { print n }')
	f=$(cd "$u" && MANPATH="$d$p/share/man" SYSTEMD_UNIT_PATH="$u:" \
		systemd-analyze verify fnat.service fnat-sync@master.service \
		fnat-sync@backup.service fnat-toa.service 2>&1)
	check "$tag: systemd-analyze verify of the units (with $want commands in DESTDIR)${f:+: $f}" \
		test $? -eq 0 -a -z "$f" -a "$want" -eq 8
}

# --- PREFIX=/usr ------------------------------------------------------

d=$work/usr
p=/usr
install_into "$d" "$p"
check "usr: make install-files DESTDIR=... PREFIX=/usr (exit $?)" test $? -eq 0
check_tree usr "$d" "$p"
sbin=$d$p/sbin

# The man page.
man8=$d$p/share/man/man8/fnatadm.8
f=$(groff -man -Tutf8 -ww -z "$man8" 2>&1)
check "usr: groff -man -ww formats fnatadm.8 without warnings${f:+: $f}" test -z "$f"
f=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$man8" 2>&1 >"$work/man.txt")
check "usr: man -l --warnings renders fnatadm.8 without warnings${f:+: $f}" \
	test -z "$f" -a "$(grep -c 'fnatadm' "$work/man.txt")" -gt 10
check "usr: man finds fnatadm(8) under the DESTDIR's share/man" \
	test "$(MANPATH="$d$p/share/man" man -w fnatadm 2>/dev/null)" = "$man8"

# The scripts.
for s in sbin/fnat-rules sbin/fnat-sync libexec/fnat/fnat-rs-notify libexec/fnat/fnat-vrrp-notify; do
	f=$({ sh -n "$d$p/$s" && bash -n "$d$p/$s"; } 2>&1)
	check "usr: $s: sh -n and bash -n${f:+: $f}" test -z "$f"
	if command -v shellcheck >/dev/null; then
		f=$(shellcheck -s sh "$d$p/$s" 2>&1)
		check "usr: $s: shellcheck -s sh${f:+: $f}" test -z "$f"
	else
		echo "skip usr: $s: shellcheck is not installed"
	fi
done
# The keepalived example names the notify scripts where they are.
check "usr: examples/keepalived.conf calls the scripts in $p/libexec/fnat" \
	grep -qx "\$SCRIPTS=$p/libexec/fnat" "$d$p/share/doc/fnat/examples/keepalived.conf"
comp=$d$p/share/bash-completion/completions/fnatadm
f=$(bash -n "$comp" 2>&1)
check "usr: completion: bash -n${f:+: $f}" test -z "$f"
if command -v shellcheck >/dev/null; then
	f=$(shellcheck -s bash "$comp" 2>&1)
	check "usr: completion: shellcheck -s bash${f:+: $f}" test -z "$f"
fi

# --- The bash completion ----------------------------------------------

# complete LINE WORD...: what the completion offers for the command line
# LINE (cursor at its end) split into WORDs as readline splits it; sorted,
# one per line.
cat >"$work/complete.bash" <<'EOF'
. /usr/share/bash-completion/bash_completion
. "$1"
COMP_LINE=$2
COMP_POINT=${#COMP_LINE}
shift 2
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMPREPLY=()
_fnatadm fnatadm "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
printf '%s\n' "${COMPREPLY[@]}" | sort
EOF
completions() {
	bash --norc --noprofile "$work/complete.bash" "$comp" "$@" 2>/dev/null | sed '/^$/d'
}
lines() {
	printf '%s\n' "$@" | sort
}

same "completion: fnatadm --start-d -> --start-daemon" \
	"--start-daemon" "$(completions 'fnatadm --start-d' fnatadm --start-d)"
# The schedulers the module registers.
scheds=$(sed -n 's/^[[:space:]]*\.name[[:space:]]*=[[:space:]]*"\([a-z]*\)",.*/\1/p' kmod/fnat_sched_*.c | sort)
same "completion: fnatadm -A -t VIP -s <TAB> -> the $(echo "$scheds" | wc -l) schedulers of kmod/fnat_sched_*.c" \
	"$scheds" "$(completions 'fnatadm -A -t 10.0.0.1:80 -s ' fnatadm -A -t 10.0.0.1:80 -s '')"
same "completion: fnatadm -E -t VIP --scheduler=w -> wlc wrr" \
	"$(lines wlc wrr)" "$(completions 'fnatadm -E -t 10.0.0.1:80 --scheduler=w' fnatadm -E -t 10.0.0.1:80 --scheduler = w)"
same "completion: fnatadm --start-daemon <TAB> -> master backup" \
	"$(lines backup master)" "$(completions 'fnatadm --start-daemon ' fnatadm --start-daemon '')"
same "completion: fnatadm --stop-daemon b -> backup" \
	"backup" "$(completions 'fnatadm --stop-daemon b' fnatadm --stop-daemon b)"
same "completion: fnatadm --start-daemon master --mcast-interface <TAB> -> the interfaces" \
	"$(find /sys/class/net -mindepth 1 -maxdepth 1 -printf '%f\n' | sort)" \
	"$(completions 'fnatadm --start-daemon master --mcast-interface ' fnatadm --start-daemon master --mcast-interface '')"
mkdir -p "$work/files"
: >"$work/files/sync.key"
: >"$work/files/sync.keep"
: >"$work/files/rules"
same "completion: fnatadm ... --sync-key DIR/sync.k -> the files" \
	"$(lines "$work/files/sync.keep" "$work/files/sync.key")" \
	"$(completions "fnatadm --start-daemon master --sync-key $work/files/sync.k" fnatadm --start-daemon master --sync-key "$work/files/sync.k")"
same "completion: fnatadm -R < DIR/ru -> the file (-R reads stdin)" \
	"$work/files/rules" "$(completions "fnatadm -R < $work/files/ru" fnatadm -R '<' "$work/files/ru")"
same "completion: fnatadm -A -t VIP -s mh -b mh-port,mh-f -> the scheduler flags" \
	"mh-port,mh-fallback" "$(completions 'fnatadm -A -t 10.0.0.1:80 -s mh -b mh-port,mh-f' fnatadm -A -t 10.0.0.1:80 -s mh -b mh-port,mh-f)"
same "completion: fnatadm -a -t VIP -r RIP -b --w -> --weight (-b is --fullnat there)" \
	"--weight" "$(completions 'fnatadm -a -t 10.0.0.1:80 -r 10.0.1.1 -b --w' fnatadm -a -t 10.0.0.1:80 -r 10.0.1.1 -b --w)"
same "completion: fnatadm -A -t VIP -j <TAB> -> enable disable" \
	"$(lines disable enable)" "$(completions 'fnatadm -A -t 10.0.0.1:80 -j ' fnatadm -A -t 10.0.0.1:80 -j '')"
same "completion: fnatadm -E -t VIP --synproxy --sch -> --scheduler (the value is optional)" \
	"$(lines --sched-flags --scheduler)" "$(completions 'fnatadm -E -t 10.0.0.1:80 --synproxy --sch' fnatadm -E -t 10.0.0.1:80 --synproxy --sch)"
same "completion: fnatadm -a -t VIP -r <TAB> -> nothing (an address)" \
	"" "$(completions 'fnatadm -a -t 10.0.0.1:80 -r ' fnatadm -a -t 10.0.0.1:80 -r '')"
# Every option of fnatadm -h (not its "Not supported yet" list), no other.
help=$("$sbin/fnatadm" --help | sed '/^Not supported yet/,$d')
same "completion: fnatadm -- -> the long options of fnatadm -h" \
	"$(grep -oE -- '--[a-z][a-z-]*' <<<"$help" | sort -u)" "$(completions 'fnatadm --' fnatadm --)"
same "completion: fnatadm -<TAB> -> the short options of fnatadm -h, and the long ones" \
	"$({
		grep -oE -- '(^ +--[a-z-]+(\|| +))-[A-Za-z](\|-[A-Za-z])?' <<<"$help" |
			grep -oE -- '-[A-Za-z]$|-[A-Za-z]\|' | tr -d '|'
		grep -oE -- '--[a-z][a-z-]*' <<<"$help"
	} | sort -u)" "$(completions 'fnatadm -' fnatadm -)"

# --- fnat-rules, with a fake fnatadm and modprobe ----------------------

fake=$work/fake
mkdir -p "$fake"
# Each records its argv (one line, each argument in <>), in FAKE_LOG.
cat >"$fake/fnatadm" <<'EOF'
#!/bin/sh
{
	printf 'fnatadm'
	for a in "$@"; do printf ' <%s>' "$a"; done
	echo
} >>"$FAKE_LOG"
case "$*" in
"-S -n")
	# What the rules file holds while the table is being saved.
	cat "$FAKE_RULES" >"$FAKE_SEEN" 2>/dev/null
	cat "$FAKE_SAVE"
	exit "${FAKE_SAVE_RC:-0}"
	;;
-R)
	cat >"$FAKE_STDIN"
	exit "${FAKE_RESTORE_RC:-0}"
	;;
esac
exit "${FAKE_RC:-0}"
EOF
cat >"$fake/modprobe" <<'EOF'
#!/bin/sh
{
	printf 'modprobe'
	for a in "$@"; do printf ' <%s>' "$a"; done
	echo
} >>"$FAKE_LOG"
exit "${FAKE_MODPROBE_RC:-0}"
EOF
chmod +x "$fake/fnatadm" "$fake/modprobe"
export PATH="$fake:$PATH"
export FAKE_LOG=$work/argv FAKE_SAVE=$work/save.out FAKE_SEEN=$work/seen \
	FAKE_STDIN=$work/stdin FAKE_RULES=$work/etc/rules

etc=$work/etc
mkdir -p "$etc"
defaults=$work/default
printf 'RULES_FILE="%s"\n' "$FAKE_RULES" >"$defaults"
printf '%s\n' '-A -t 10.0.0.1:80 -s rr' '-a -t 10.0.0.1:80 -r 10.0.1.1:80 -m -w 1' >"$FAKE_SAVE"

# run PROGRAM ARGS...: the installed script, with a fresh argv log; sets
# rc, out (stdout), err (stderr), argv (the fakes' log).
run() {
	local prog=$1
	shift
	: >"$FAKE_LOG"
	rm -f "$FAKE_STDIN" "$FAKE_SEEN"
	"$sbin/$prog" "$@" >"$work/out" 2>"$work/err"
	rc=$?
	out=$(cat "$work/out")
	err=$(cat "$work/err")
	argv=$(cat "$FAKE_LOG")
}

run fnat-rules -c "$defaults" start
same "fnat-rules start, no rules file: modprobe fnat only (exit $rc: $out)" \
	"modprobe <fnat>" "$argv"
check "fnat-rules start, no rules file: exit 0, says nothing to restore" \
	test "$rc" -eq 0 -a -n "$(grep 'nothing to restore' <<<"$out")"

printf '# saved\n-A -t 10.0.0.2:53 -s sh\n\n-a -t 10.0.0.2:53 -r 10.0.1.2 -g -w 3\n' >"$FAKE_RULES"
run fnat-rules -c "$defaults" start
same "fnat-rules start: modprobe fnat, then fnatadm -R (exit $rc)" \
	"modprobe <fnat>
fnatadm <-R>" "$argv"
same "fnat-rules start: -R reads -C, then the rules file" \
	"$(printf -- '-C\n'; cat "$FAKE_RULES")" "$(cat "$FAKE_STDIN" 2>/dev/null)"

: >"$work/empty"
run fnat-rules -c "$defaults" load "$work/empty"
check "fnat-rules load EMPTY: exit 0 ($err)" test "$rc" -eq 0
same "fnat-rules load EMPTY: fnatadm -R with only -C (an empty table)" \
	"fnatadm <-R>
-C" "$argv
$(cat "$FAKE_STDIN" 2>/dev/null)"

FAKE_RESTORE_RC=1 run fnat-rules -c "$defaults" load
check "fnat-rules load, fnatadm -R refuses: exit 1, says the table is as it was ($err)" \
	test "$rc" -eq 1 -a -n "$(grep 'table is as it was' <<<"$err")"

FAKE_MODPROBE_RC=1 run fnat-rules -c "$defaults" start
check "fnat-rules start, modprobe fails: exit 1, no fnatadm ($err)" \
	test "$rc" -eq 1 -a "$argv" = "modprobe <fnat>"

printf 'RULES_FILE=%s\nRESTORE_ON_START=no\n' "$FAKE_RULES" >"$work/default.norestore"
run fnat-rules -c "$work/default.norestore" start
same "fnat-rules start, RESTORE_ON_START=no: modprobe only (exit $rc)" "modprobe <fnat>" "$argv"

# stop: save (atomically) and clear.
old=$(cat "$FAKE_RULES")
inode=$(stat -c %i "$FAKE_RULES")
run fnat-rules -c "$defaults" stop
same "fnat-rules stop: fnatadm -S -n, then fnatadm -C (exit $rc: $err)" \
	"fnatadm <-S> <-n>
fnatadm <-C>" "$argv"
same "fnat-rules stop: the rules file is the saved table (after # comments)" \
	"$(cat "$FAKE_SAVE")" "$(grep -v '^#' "$FAKE_RULES")"
check "fnat-rules stop: the file starts with # comments (fnatadm -R skips them)" \
	test "$(head -n 2 "$FAKE_RULES" | grep -c '^# ')" -eq 2
same "fnat-rules stop: the old file was whole while fnatadm -S ran (no truncation)" \
	"$old" "$(cat "$FAKE_SEEN" 2>/dev/null)"
check "fnat-rules stop: the new file was renamed over the old one (new inode), mode 644" \
	test "$(stat -c %i "$FAKE_RULES")" != "$inode" -a "$(stat -c %a "$FAKE_RULES")" = 644
same "fnat-rules stop: no temporary file left beside the rules" "rules" "$(ls -A "$etc")"

saved=$(cat "$FAKE_RULES")
inode=$(stat -c %i "$FAKE_RULES")
FAKE_SAVE_RC=1 run fnat-rules -c "$defaults" stop
check "fnat-rules stop, fnatadm -S fails: exit 1, says the file was left ($err)" \
	test "$rc" -eq 1 -a -n "$(grep 'left as it was' <<<"$err")"
same "fnat-rules stop, fnatadm -S fails: no fnatadm -C (the table is kept)" \
	"fnatadm <-S> <-n>" "$argv"
check "fnat-rules stop, fnatadm -S fails: the rules file untouched (content, inode), no temporary file" \
	test "$(cat "$FAKE_RULES")" = "$saved" -a "$(stat -c %i "$FAKE_RULES")" = "$inode" \
	-a "$(ls -A "$etc")" = rules

run fnat-rules -c "$defaults" save "$work/other/rules.saved"
check "fnat-rules save FILE: writes FILE (its directory created), not RULES_FILE (exit $rc)" \
	test "$rc" -eq 0 -a "$(grep -v '^#' "$work/other/rules.saved" 2>/dev/null)" = "$(cat "$FAKE_SAVE")" \
	-a "$(cat "$FAKE_RULES")" = "$saved"

printf 'RULES_FILE=%s\nSAVE_ON_STOP=no\nCLEAR_ON_STOP=no\n' "$FAKE_RULES" >"$work/default.nosave"
run fnat-rules -c "$work/default.nosave" stop
same "fnat-rules stop, SAVE_ON_STOP=no CLEAR_ON_STOP=no: nothing run (exit $rc)" "" "$argv"

# The settings file is parsed, never run.
printf '# fnat\nRULES_FILE=%s\n\nFOO=1\n' "$FAKE_RULES" >"$work/default.bad"
run fnat-rules -c "$work/default.bad" start
same "fnat-rules, unknown setting: refused, naming the line (exit $rc)" \
	"fnat-rules: $work/default.bad line 4: unknown setting FOO (known: RULES_FILE RESTORE_ON_START SAVE_ON_STOP CLEAR_ON_STOP)" \
	"$err"
check "fnat-rules, unknown setting: exit 1, nothing run" test "$rc" -eq 1 -a -z "$argv"
echo "SAVE_ON_STOP=\$(touch $work/pwned)" >"$work/default.bad"
run fnat-rules -c "$work/default.bad" stop
check "fnat-rules, \$(...) in a value: refused (line 1), not run ($err)" \
	test "$rc" -eq 1 -a -z "$argv" -a ! -e "$work/pwned" -a -n "$(grep 'line 1:' <<<"$err")"
printf 'CLEAR_ON_STOP=maybe\n' >"$work/default.bad"
run fnat-rules -c "$work/default.bad" stop
same "fnat-rules, CLEAR_ON_STOP=maybe: refused" \
	"fnat-rules: $work/default.bad line 1: CLEAR_ON_STOP=maybe: must be yes or no" "$err"

# --- fnat-sync, with the fake fnatadm ----------------------------------

run fnat-sync -c "$d/etc/fnat/sync.conf" start master
same "fnat-sync start master, the installed sync.conf: refused until MCAST_INTERFACE is set" \
	"1 fnat-sync: $d/etc/fnat/sync.conf: MCAST_INTERFACE is not set (the interface the daemons sync over)
" "$rc $err
$argv"
sed 's/^#MCAST_INTERFACE=eth1$/MCAST_INTERFACE=eth1/' "$d/etc/fnat/sync.conf" >"$work/sync.example"
run fnat-sync -c "$work/sync.example" start master
same "fnat-sync start master, the example with MCAST_INTERFACE=eth1: stop a leftover, then start (exit $rc)" \
	"fnatadm <--stop-daemon> <master>
fnatadm <--start-daemon> <master> <--mcast-interface> <eth1>" "$argv"

key=$work/sync.key
head -c 32 /dev/urandom | base64 >"$key"
chmod 600 "$key"
cat >"$work/sync.conf" <<EOF
# every setting
MCAST_INTERFACE="bond0.12"
  SYNCID=007

SYNC_MAXLEN=1400
MCAST_GROUP='224.0.0.90'
MCAST_PORT=8850
MCAST_TTL=2
SYNC_KEY_FILE=$key
EOF
run fnat-sync -c "$work/sync.conf" start backup
same "fnat-sync start backup, every setting: the exact command (exit $rc: $err)" \
	"fnatadm <--stop-daemon> <backup>
fnatadm <--start-daemon> <backup> <--mcast-interface> <bond0.12> <--syncid> <7> <--sync-maxlen> <1400> <--mcast-group> <224.0.0.90> <--mcast-port> <8850> <--mcast-ttl> <2> <--sync-key> <$key>" \
	"$argv"
check "fnat-sync start: exit 0, no warning (key file 0600)" test "$rc" -eq 0 -a -z "$err"
run fnat-sync -c "$work/sync.conf" check master
same "fnat-sync check master: prints the command, runs nothing" \
	"fnatadm --start-daemon master --mcast-interface bond0.12 --syncid 7 --sync-maxlen 1400 --mcast-group 224.0.0.90 --mcast-port 8850 --mcast-ttl 2 --sync-key $key
" "$out
$argv"
run fnat-sync -c "$work/sync.conf" stop backup
same "fnat-sync stop backup: fnatadm --stop-daemon backup (exit $rc)" \
	"fnatadm <--stop-daemon> <backup>" "$argv"
FAKE_RC=1 run fnat-sync -c "$work/sync.conf" start master
check "fnat-sync start, fnatadm fails: exit 1 ($err)" \
	test "$rc" -eq 1 -a -n "$(grep 'starting the master sync daemon failed' <<<"$err")"
chmod 644 "$key"
run fnat-sync -c "$work/sync.conf" start master
check "fnat-sync start, key file readable by others: a warning ($err)" \
	test "$rc" -eq 0 -a -n "$(grep 'chmod 600' <<<"$err")"

# sync_refused NAME CONF WANT_ERR ARGS...: refused with exit 1 and WANT_ERR,
# fnatadm never run.
sync_refused() {
	local name=$1 conf=$2 want=$3
	shift 3
	printf '%s' "$conf" >"$work/sync.bad"
	run fnat-sync -c "$work/sync.bad" "$@"
	same "fnat-sync, $name: refused (exit $rc, fnatadm run: ${argv:-never})" \
		"1 $want" "$rc $err"
	[ -z "$argv" ] || fail "fnat-sync, $name: fnatadm was run"
}
sync_refused "unknown key" $'MCAST_INTERFACE=eth1\n# the id\nSYNCID=3\nMCAST_IFACE=eth0\n' \
	"fnat-sync: $work/sync.bad line 4: unknown key MCAST_IFACE (known: MCAST_INTERFACE SYNCID SYNC_MAXLEN MCAST_GROUP MCAST_PORT MCAST_TTL SYNC_KEY_FILE)" \
	start master
sync_refused "a line that is not KEY=value" $'MCAST_INTERFACE=eth1\neth2\n' \
	"fnat-sync: $work/sync.bad line 2: not KEY=value: eth2" start master
sync_refused "SYNCID=256" $'MCAST_INTERFACE=eth1\nSYNCID=256\n' \
	"fnat-sync: $work/sync.bad line 2: SYNCID=256: must be a number 0..255" start backup
sync_refused "a key set twice" $'MCAST_INTERFACE=eth1\nMCAST_INTERFACE=eth2\n' \
	"fnat-sync: $work/sync.bad line 2: MCAST_INTERFACE is set twice" start master
sync_refused "no MCAST_INTERFACE" $'SYNCID=1\n' \
	"fnat-sync: $work/sync.bad: MCAST_INTERFACE is not set (the interface the daemons sync over)" start master
sync_refused "role primary" $'MCAST_INTERFACE=eth1\n' \
	"fnat-sync: primary: the role is master or backup (fnat-sync@master.service, fnat-sync@backup.service)" \
	start primary
sync_refused "\$(...) in a value" "MCAST_INTERFACE=\$(touch $work/pwned)"$'\n' \
	"fnat-sync: $work/sync.bad line 1: MCAST_INTERFACE: a value may not hold blanks, quotes, \$, \` or \\: MCAST_INTERFACE=\$(touch $work/pwned)" \
	start master
check "fnat-sync, \$(...) in a value: not run" test ! -e "$work/pwned"
run fnat-sync -c "$work/missing.conf" start master
same "fnat-sync, no config file: refused, pointing to the installed example" \
	"1 fnat-sync: $work/missing.conf does not exist (an example: $p/share/doc/fnat/examples/sync.conf)" \
	"$rc $err"

# --- Reinstall keeps the operator's config; uninstall -------------------

echo "MCAST_INTERFACE=eth9" >"$d/etc/fnat/sync.conf"
echo "-A -t 10.0.0.1:80 -s rr" >"$d/etc/fnat/rules"
install_into "$d" "$p"
check "usr: make install-files again (exit $?)" test $? -eq 0
same "usr: the reinstall keeps the changed /etc/fnat/sync.conf" \
	"MCAST_INTERFACE=eth9" "$(cat "$d/etc/fnat/sync.conf")"
uninstall_from "$d" "$p"
check "usr: make uninstall DESTDIR=... PREFIX=/usr (exit $?)" test $? -eq 0
same "usr: after uninstall: only the changed sync.conf and the rules file" \
	"-rw-r--r-- etc/fnat/rules
-rw-r--r-- etc/fnat/sync.conf" "$(actual_tree "$d")"
check "usr: uninstall says it kept the changed sync.conf" \
	grep -q "etc/fnat/sync.conf was changed: kept" "$log/make"

# --- PREFIX=/usr/local --------------------------------------------------

d=$work/local
p=/usr/local
install_into "$d" "$p"
check "local: make install-files DESTDIR=... PREFIX=/usr/local (exit $?)" test $? -eq 0
check_tree local "$d" "$p"
uninstall_from "$d" "$p"
check "local: make uninstall DESTDIR=... PREFIX=/usr/local (exit $?)" test $? -eq 0
same "local: after uninstall: no file left (the config was unchanged)" "" "$(actual_tree "$d")"
f=$(cd "$d" && find . -type d | sort | tr '\n' ' ')
check "local: after uninstall: etc/fnat and share/doc/fnat removed (empty)" \
	test -n "$f" -a ! -e "$d/etc/fnat" -a ! -e "$d$p/share/doc/fnat"

# The same with the units elsewhere (SYSTEMDUNITDIR) and an uninstall with a
# different PREFIX (which must not remove what it did not install).
d=$work/unitdir
install_into "$d" /usr SYSTEMDUNITDIR=/lib/systemd/system
check "unitdir: make install-files SYSTEMDUNITDIR=/lib/systemd/system (exit $?)" test $? -eq 0
same "unitdir: the units are in /lib/systemd/system" \
	"lib/systemd/system/fnat-sync@.service
lib/systemd/system/fnat-toa.service
lib/systemd/system/fnat.service" \
	"$(cd "$d" && find . -name '*.service' -printf '%P\n' | sort)"
uninstall_from "$d" /usr/local
check "unitdir: make uninstall PREFIX=/usr/local leaves PREFIX=/usr's files" \
	test -x "$d/usr/sbin/fnatadm" -a -f "$d/lib/systemd/system/fnat.service"
uninstall_from "$d" /usr SYSTEMDUNITDIR=/lib/systemd/system
same "unitdir: make uninstall with the same PREFIX and SYSTEMDUNITDIR: no file left" \
	"" "$(actual_tree "$d")"

finish
