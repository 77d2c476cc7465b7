#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck disable=SC2317 # helpers run through expect_ok
# An interface deleted and re-created under the same name leaves pins whose
# program filters nothing: changing their policy must fail (not report a
# success that filters nothing), attach must name the stale record, and
# detach must clear it so that a new attach filters again.
# Usage: test_stale_attachment.sh ICMPGATE
. "$(dirname "$0")/lib.sh"
lab_init "$@"
lab_pair 1
IF=$(ifb 1)

expect_ok "attach $IF" ig attach "$IF"
expect_ok "set v4 echo-request drop" ig set "$IF" v4 echo-request drop
expect_fail "v4 ping dropped" noping_a4 1

# Re-create the pair under the same names and addresses.
ip -n "$NS_B" link del "$IF"
lab_pair 1
expect_ok "re-created pair: v4 ping works (no program on it)" ping_a4 1

expect_fail "set on a stale attachment fails" ig set "$IF" v6 echo-request drop
expect_match "set names the stale attachment" "$(ig set "$IF" v6 echo-request drop 2>&1)" "stale"
f=$(lab_file echo.policy "v4 echo-request drop")
expect_fail "policy apply on a stale attachment fails" ig policy apply "$IF" "$f"
expect_fail "attach over a stale attachment fails" ig attach "$IF"
expect_match "attach says to detach first" "$(ig attach "$IF" 2>&1)" "detach $IF"
expect_ok "detach clears the stale attachment" ig detach "$IF"
expect_ok "attach again" ig attach "$IF" --policy "$f"
expect_fail "v4 ping dropped again" noping_a4 1
expect_ok "detach" ig detach "$IF"
lab_done
