#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Run the test tiers (`make check`): unit (cmocka, host only), prog (the real
# BPF program on crafted frames), e2e (namespaces, veth, real traffic), and
# the clang-format check. Usage: check.sh BUILD [unit|prog|e2e|format]...
set -u

BUILD=${1:?usage: check.sh BUILD [tier...]}
shift
TIERS=${*:-unit prog e2e format}
failed=()

tier_unit() {
	local t rc=0
	for t in "$BUILD"/tests/unit/test_*; do
		[ -x "$t" ] || continue
		echo "--- $(basename "$t")"
		"$t" || rc=1
	done
	return $rc
}

tier_prog() {
	"$BUILD"/tests/prog/test_prog
}

tier_e2e() {
	tests/e2e/run.sh "$BUILD"
}

tier_format() {
	local files
	files=$(ls bpf/*.c bpf/*.h include/*.h user/*.c user/*.h \
		tests/*/*.c tests/*/*.h tools/*.c tools/*.h 2>/dev/null)
	clang-format --dry-run --Werror $files && echo "format: $(echo "$files" | wc -l) files clean"
}

for tier in $TIERS; do
	echo "=== tier: $tier"
	if "tier_$tier"; then
		echo "=== tier $tier: ok"
	else
		echo "=== tier $tier: FAILED"
		failed+=("$tier")
	fi
done

if [ ${#failed[@]} -ne 0 ]; then
	echo "make check: failed tiers: ${failed[*]}"
	exit 1
fi
echo "make check: all tiers passed ($TIERS)"
