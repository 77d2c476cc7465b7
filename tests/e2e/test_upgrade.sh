#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Upgrade in place: the previous release (layout 1, before host/transit),
# built from git in a temporary worktree, attaches and filters; this build
# recognises its pins as another build's, says what to do, and detaches
# them cleanly (program and pins gone); then attaches anew. The previous
# release's sources come from the git history (tests/e2e/prev-release
# names the commit), or from IG_PREV_TAR (`make check-fresh` puts them in
# its root, which has no history); without either the test fails, it
# does not pass silently.
. "$(dirname "$0")/lib.sh"
lab_init "$@"
lab_pair 1
IF=$(ifb 1)
LAB_IFACES+=("$IF")
TOP=$(cd "$(dirname "$0")/../.." && pwd)
PREV=$(cat "$(dirname "$0")/prev-release") # the last layout-1 build
OLD=$LAB_TMP/prev
mkdir -p "$OLD"

if [ -n "${IG_PREV_TAR:-}" ] && [ -f "$IG_PREV_TAR" ]; then
	tar -x -C "$OLD" -f "$IG_PREV_TAR"
elif git -C "$TOP" cat-file -e "$PREV^{commit}" 2>/dev/null; then
	git -C "$TOP" archive "$PREV" | tar -x -C "$OLD"
else
	fail_check "the previous release $PREV: not in the git history, no IG_PREV_TAR"
	lab_done
fi
if ! make -s -C "$OLD" -j2 build/icmpgate >"$LAB_TMP/prev-build.log" 2>&1; then
	fail_check "the previous release builds" "$(tail -3 "$LAB_TMP/prev-build.log")"
	lab_done
fi
pass_check "the previous release $PREV builds"
old() { nsenter --net="/run/netns/$NS_B" "$OLD/build/icmpgate" "$@"; }

expect_ok "the previous release attaches" old attach "$IF"
expect_ok "and filters: set v4 echo-request drop" old set "$IF" v4 echo-request drop
expect_fail "v4 ping dropped by the previous release" ping_a4 1
old_id=$(ip -n "$NS_B" -d link show dev "$IF" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')

err=$(ig status "$IF" 2>&1)
expect_match "this build says the pins are another build's" "$err" \
	"pinned by another build of icmpgate"
expect_match "and what to do" "$err" "icmpgate detach"
err=$(ig set "$IF" v4 echo-request pass 2>&1)
expect_match "set refuses, saying so" "$err" "another build"
expect_fail "v4 ping still dropped: nothing half-changed" ping_a4 1

out=$(ig detach "$IF" 2>&1)
expect_match "detach of the previous release's pins" "$out" \
	"pins of another build .*detaching program $old_id"
expect_fail "its program is gone" xdp_attached "$NS_B" "$IF"
expect_fail "its pins are gone" test -e "$PIN_ROOT/$IF"
expect_ok "v4 ping passes" ping_a4 1
expect_ok "this build attaches" ig attach "$IF"
expect_match "status: layout 2" "$(ig status "$IF")" 'layout +2'
expect_ok "detach" ig detach "$IF"
lab_done
