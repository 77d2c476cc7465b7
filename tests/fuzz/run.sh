#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# `make fuzz`: run each libFuzzer target of tests/fuzz for SECONDS, from its
# seed corpus (tests/fuzz/corpus/NAME) and dictionary (tests/fuzz/NAME.dict,
# where there is one). The corpus grows in BUILD/corpus-NAME; a crash leaves
# its input as BUILD/crash-NAME-*, to be turned into a unit test. Prints
# each target's executions, coverage and crashes; fails on any crash.
# Usage: run.sh FUZZ_BUILD SECONDS
set -u

BUILD=${1:?usage: run.sh FUZZ_BUILD SECONDS}
SECS=${2:-60}
HERE=$(cd "$(dirname "$0")" && pwd)
rc=0
for bin in "$BUILD"/fuzz_*; do
	[ -x "$bin" ] || continue
	name=${bin##*/fuzz_}
	work=$BUILD/corpus-$name
	mkdir -p "$work"
	dict=()
	[ -f "$HERE/$name.dict" ] && dict=(-dict="$HERE/$name.dict")
	echo "=== fuzz $name: ${SECS} s"
	# -close_fd_mask=3: the targets' own messages (usage, parse errors)
	# are not shown; libFuzzer's are.
	"$bin" -max_total_time="$SECS" -print_final_stats=1 -close_fd_mask=3 \
		"${dict[@]}" \
		-artifact_prefix="$BUILD/crash-$name-" "$work" \
		"$HERE/corpus/$name" >"$BUILD/fuzz-$name.log" 2>&1
	r=$?
	grep -E '^#[0-9]+.*DONE|stat::number_of_executed_units|cov:' \
		"$BUILD/fuzz-$name.log" | tail -2
	if [ $r -ne 0 ]; then
		echo "=== fuzz $name: FAILED (exit $r); input in $BUILD/crash-$name-*"
		grep -m5 -E 'ERROR|SUMMARY|fuzz_' "$BUILD/fuzz-$name.log"
		rc=1
	else
		echo "=== fuzz $name: no crash"
	fi
done
exit $rc
