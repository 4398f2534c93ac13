#!/usr/bin/env bash
# Style checks: kernel C against the kernel's checkpatch.pl (errors fail,
# warnings are shown), kernel version tests only in kmod/fnat_compat.h, C++
# against userspace/.clang-format. Ends with
#   style: N passed, M failed
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
passed=0
failed=0

checkpatch=$(tests/kunit/checkpatch.sh 2>&1)
rc=$?
echo "$checkpatch"
if [ "$rc" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

# Every difference between the kernels fnat builds for lives in one header.
versioned=$(grep -lE 'LINUX_VERSION_CODE|KERNEL_VERSION\(' kmod/*.c kmod/*.h kmod/tests/*.c kmod/tests/*.h |
	grep -vx kmod/fnat_compat.h)
if [ -z "$versioned" ]; then
	echo "compat: kernel version tests only in kmod/fnat_compat.h"
	passed=$((passed + 1))
else
	echo "compat: kernel version tests outside kmod/fnat_compat.h:" "${versioned//$'\n'/ }"
	failed=$((failed + 1))
fi

mapfile -t cxx < <(find userspace -name '*.cpp' -o -name '*.h' | sort)
if clang-format --style=file --dry-run --Werror "${cxx[@]}"; then
	echo "clang-format: ${#cxx[@]} files clean"
	passed=$((passed + 1))
else
	echo "clang-format: differences above (fix with clang-format -i)"
	failed=$((failed + 1))
fi
echo "style: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
