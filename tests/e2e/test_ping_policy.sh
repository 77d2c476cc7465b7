#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck disable=SC2016,SC2317 # helpers run through expect_ok; scripts run in a namespace
# Pings pass or fail as the policy says: the default policy lets v4 and v6
# echo through; `set`/`unset` of one rule drops and restores v4 echo only;
# `policy apply` of a file dropping v6 echo replaces the whole policy.
# Each failing ping is matched by the drop counter of its type, so a broken
# lab cannot pass for a working filter. Usage: test_ping_policy.sh ICMPGATE
. "$(dirname "$0")/lib.sh"
lab_init "$@"
lab_pair 1
IF=$(ifb 1)

expect_ok "pings work before attach (v4)" ping_a4 1
expect_ok "pings work before attach (v6)" ping_a6 1

expect_ok "attach $IF with the default policy" ig attach "$IF"
expect_ok "XDP program on $IF" xdp_attached "$NS_B" "$IF"
expect_ok "default policy: v4 ping" ping_a4 1
expect_ok "default policy: v6 ping" ping_a6 1
expect_ge "default policy: v4 echo-request passed" "$(stat_type "$IF" v4 8 passed)" 3
expect_ge "default policy: v6 echo-request passed" "$(stat_type "$IF" v6 128 passed)" 3

expect_ok "set v4 echo-request drop" ig set "$IF" v4 echo-request drop
d0=$(stat_type "$IF" v4 8 dropped)
expect_fail "v4 echo-request drop: v4 ping fails" noping_a4 1
expect_eq "v4 echo-request dropped by the rule" \
	"$(minus "$(stat_type "$IF" v4 8 dropped)" "$d0")" 2
expect_ok "v4 echo-request drop: v6 ping still works" ping_a6 1

expect_ok "unset v4 echo-request" ig unset "$IF" v4 echo-request
expect_ok "after unset: v4 ping works again" ping_a4 1
expect_ok "after unset: v6 ping works" ping_a6 1

f=$(lab_file v6drop.policy "# drop v6 echo only
v6 echo-request drop")
expect_ok "policy apply v6 echo-request drop" ig policy apply "$IF" "$f"
d0=$(stat_type "$IF" v6 128 dropped)
expect_fail "v6 echo-request drop: v6 ping fails" noping_a6 1
expect_eq "v6 echo-request dropped by the rule" \
	"$(minus "$(stat_type "$IF" v6 128 dropped)" "$d0")" 2
expect_ok "v6 echo-request drop: v4 ping works" ping_a4 1
expect_ok "policy show has the rule" \
	policy_has "$IF" '^v6 +(echo-request|128) +drop'
expect_fail "policy show: no v4 rule left from set" \
	policy_has "$IF" '^v4 +(echo-request|8) '

expect_ok "detach $IF" ig detach "$IF"
expect_fail "no XDP program after detach" xdp_attached "$NS_B" "$IF"
expect_ok "after detach: v6 ping works" ping_a6 1

lab_done
