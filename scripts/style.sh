#!/usr/bin/env bash
# Style checks: kernel C against the kernel's checkpatch.pl (errors fail,
# warnings are shown), C++ against userspace/.clang-format. Ends with
#   style: N passed, M failed
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
passed=0
failed=0

checkpatch=$(tests/kunit/checkpatch.sh 2>&1)
rc=$?
echo "$checkpatch"
if [ "$rc" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

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
