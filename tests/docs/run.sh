#!/usr/bin/env bash
# Checks that the operator documentation keeps up with the code:
# - every attribute under /sys/kernel/fnat/ (the fnat_attrs list of
#   kmod/fnat_sysfs.c) and every module parameter (module_param() in kmod/)
#   has its section in docs/tunables.md and its entry in docs/fnatadm.8;
# - every drop reason (kmod/fnat_pkt.c's names) is explained in
#   docs/troubleshooting.md and listed in docs/fnatadm.8;
# - every relative link in README.md and docs/*.md points at a file that
#   exists.
# One line per check, then
#   docs: N passed, M failed
# shellcheck disable=SC2016,SC2317 # backquotes in the patterns are markdown's; check runs the helpers
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root" || exit 1
# shellcheck source-path=SCRIPTDIR source=../lib/checks.sh
. "$root/tests/lib/checks.sh"
checks_begin docs

# in_file FILE PATTERN WHAT...: every WHAT matches PATTERN (with each %s
# replaced by WHAT) in FILE; names the ones that do not.
in_file() {
	local file=$1 pattern=$2 w missing=()
	shift 2
	for w in "$@"; do
		grep -qE -- "${pattern//%s/$w}" "$file" 2>/dev/null ||
			missing+=("$w")
	done
	[ -f "$file" ] || missing=("(no such file)")
	[ "${#missing[@]}" -eq 0 ] && return 0
	echo "     $file lacks: ${missing[*]}"
	return 1
}

mapfile -t attrs < <(sed -n 's/^\t&fnat_attr_\([a-z_0-9]*\)\.attr,$/\1/p' kmod/fnat_sysfs.c)
mapfile -t params < <(grep -ho '^module_param(\w*' kmod/*.c | sed 's/module_param(//')
mapfile -t reasons < <(sed -n 's/^\t\[FNAT_DROP_[A-Z0-9_]*\][ \t]*= "\([a-z0-9_]*\)",$/\1/p' kmod/fnat_pkt.c)

check "found the attributes (${#attrs[@]}), parameters (${#params[@]}), drop reasons (${#reasons[@]})" \
	test "${#attrs[@]}" -ge 10 -a "${#params[@]}" -ge 2 -a "${#reasons[@]}" -ge 10
check "every attribute has a section in docs/tunables.md" \
	in_file docs/tunables.md '^### `%s`$' "${attrs[@]}"
check "every module parameter has a section in docs/tunables.md" \
	in_file docs/tunables.md '^### `%s`$' "${params[@]}"
check "every attribute and parameter is in docs/fnatadm.8" \
	in_file docs/fnatadm.8 '^\.I %s$' "${attrs[@]}" "${params[@]}"
check "every drop reason is explained in docs/troubleshooting.md" \
	in_file docs/troubleshooting.md '`%s`' "${reasons[@]}"
check "every drop reason is listed in docs/fnatadm.8" \
	in_file docs/fnatadm.8 '^\.BR? (.*[ "])?%s([ "]|$)' "${reasons[@]}"

# links FILE: the relative link targets of markdown FILE exist.
links() {
	local file=$1 dir target bad=()
	dir=$(dirname "$file")
	while read -r target; do
		target=${target%%#*}
		[ -n "$target" ] || continue
		[ -e "$dir/$target" ] || bad+=("$target")
	done < <(grep -oE '\]\([^)]+\)' "$file" | sed 's/^](//; s/)$//' | grep -vE '^(https?|mailto):')
	[ "${#bad[@]}" -eq 0 ] && return 0
	echo "     $file: broken links: ${bad[*]}"
	return 1
}
for f in README.md docs/*.md; do
	check "links in $f resolve" links "$f"
done

finish
