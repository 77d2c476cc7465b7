#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The e2e tier: runs every tests/e2e/test_*.sh against BUILD/icmpgate, each
# in its own lab (network namespaces, veth pairs, real traffic), one after
# another. Prints each test's checks and result, and last a line
# "N passed, N failed" counting tests. Needs root, iproute2, iputils-ping,
# socat, python3. Usage: run.sh BUILD [test_name...]
set -u

BUILD=${1:?usage: run.sh BUILD [test_name...]}
shift
HERE=$(cd "$(dirname "$0")" && pwd)
PER_TEST_TIMEOUT=${E2E_TIMEOUT:-90}

if [ "$(id -u)" != 0 ]; then
	echo "e2e: needs root (network namespaces, XDP, bpffs); run with sudo" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
ICMPGATE=$(readlink -f "$BUILD/icmpgate")
if [ ! -x "$ICMPGATE" ]; then
	echo "e2e: $BUILD/icmpgate not built (run make)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
missing=
for t in ip ping socat nsenter python3 timeout; do
	command -v "$t" >/dev/null || missing="$missing $t"
done
if [ -n "$missing" ]; then
	echo "e2e: missing tools:$missing (make deps)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

if [ $# -gt 0 ]; then
	tests=()
	for t in "$@"; do
		tests+=("$HERE/${t%.sh}.sh")
	done
else
	tests=("$HERE"/test_*.sh)
fi

passed=0
failed=0
failed_names=()
start=$SECONDS
for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	echo "--- $name"
	t0=$SECONDS
	# A test that needs longer says so in a line "# e2e-timeout: SECONDS".
	limit=$(sed -n 's/^# e2e-timeout: *\([0-9][0-9]*\)$/\1/p' "$t" | head -n 1)
	[ "${limit:-0}" -gt "$PER_TEST_TIMEOUT" ] || limit=$PER_TEST_TIMEOUT
	# timeout signals the test's process group; its trap still cleans up.
	timeout -k 15 "$limit" bash "$t" "$ICMPGATE"
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "--- $name: PASS ($((SECONDS - t0)) s)"
		passed=$((passed + 1))
	else
		[ $rc -eq 124 ] && echo "--- $name: timed out after ${limit} s"
		echo "--- $name: FAIL (exit $rc, $((SECONDS - t0)) s)"
		failed=$((failed + 1))
		failed_names+=("$name")
	fi
done

echo "e2e: $((SECONDS - start)) s${failed_names[*]:+; failed: ${failed_names[*]}}"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
