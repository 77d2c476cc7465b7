#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck disable=SC2016,SC2317 # helpers run through expect_ok; scripts run in a namespace
# Several interfaces at once, each with its own policy, counters and mode:
# two veth pairs between A and B, pair 1 attached natively and dropping v4
# echo, pair 2 attached in skb mode and dropping v6 echo. Each pair filters
# by its own policy only; detaching one leaves the other filtering.
# Usage: test_multi_iface.sh ICMPGATE
. "$(dirname "$0")/lib.sh"
lab_init "$@"
lab_pair 1
lab_pair 2
IF1=$(ifb 1)
IF2=$(ifb 2)

p1=$(lab_file if1.policy "v4 echo-request drop")
p2=$(lab_file if2.policy "v6 echo-request drop")
expect_ok "attach $IF1 (native) dropping v4 echo" ig attach "$IF1" --mode native --policy "$p1"
expect_ok "attach $IF2 (skb) dropping v6 echo" ig attach "$IF2" --mode skb --policy "$p2"
link_has() { ip -n "$NS_B" link show dev "$1" | grep -Eq -- "$2"; }
status_has() { ig status | grep -q -- "$1"; }
expect_ok "$IF1 in native mode" link_has "$IF1" 'xdp( |drv)'
expect_ok "$IF2 in skb mode" link_has "$IF2" 'xdpgeneric'
expect_eq "status --json: $IF1 mode" "$(status_field "$IF1" mode)" native
expect_eq "status --json: $IF2 mode" "$(status_field "$IF2" mode)" skb
expect_ok "status lists $IF1" status_has "$IF1"
expect_ok "status lists $IF2" status_has "$IF2"
expect_ok "$IF1 policy: its own rule" policy_has "$IF1" '^v4 +(echo-request|8) +drop'
expect_fail "$IF1 policy: not the other's" policy_has "$IF1" '^v6 '
expect_ok "$IF2 policy: its own rule" policy_has "$IF2" '^v6 +(echo-request|128) +drop'
expect_fail "$IF2 policy: not the other's" policy_has "$IF2" '^v4 '
expect_ok "stats --reset $IF1" ig stats "$IF1" --reset
expect_ok "stats --reset $IF2" ig stats "$IF2" --reset

expect_fail "pair 1: v4 ping fails" noping_a4 1
expect_ok "pair 1: v6 ping works" ping_a6 1
expect_ok "pair 2: v4 ping works" ping_a4 2
expect_fail "pair 2: v6 ping fails" noping_a6 2

# Each interface counted only what it received.
expect_eq "$IF1 v4 echo-request dropped" "$(stat_type "$IF1" v4 8 dropped)" 2
expect_eq "$IF1 v4 echo-request passed" "$(stat_type "$IF1" v4 8 passed)" 0
expect_eq "$IF1 v6 echo-request passed" "$(stat_type "$IF1" v6 128 passed)" 3
expect_eq "$IF2 v4 echo-request passed" "$(stat_type "$IF2" v4 8 passed)" 3
expect_eq "$IF2 v6 echo-request dropped" "$(stat_type "$IF2" v6 128 dropped)" 2
expect_eq "$IF2 v6 echo-request passed" "$(stat_type "$IF2" v6 128 passed)" 0

# A change on one interface does not touch the other.
expect_ok "set $IF2 v4 echo-request drop" ig set "$IF2" v4 echo-request drop
expect_fail "pair 2: v4 ping now fails" noping_a4 2
expect_fail "pair 1: v4 ping still fails" noping_a4 1
expect_ok "pair 1: v6 ping still works" ping_a6 1
expect_fail "$IF1 policy untouched by the set on $IF2" policy_has "$IF1" '^v6 '

# Concurrent changes to both interfaces: each command takes its interface's
# lock, so none is lost and none lands on the other interface.
rules() { ig policy show "$1" | grep -Ec "^v4 +$2[0-9][0-9] +drop"; }
pids=()
for t in $(seq 10 29); do
	ig set "$IF1" v4 "1$t" drop >/dev/null 2>&1 &
	pids+=($!)
	ig set "$IF2" v4 "2$t" drop >/dev/null 2>&1 &
	pids+=($!)
done
failed_sets=0
for pid in "${pids[@]}"; do
	wait "$pid" || failed_sets=$((failed_sets + 1))
done
expect_eq "concurrent sets that failed" "$failed_sets" 0
expect_eq "$IF1: all 20 concurrent rules landed" "$(rules "$IF1" 1)" 20
expect_eq "$IF2: all 20 concurrent rules landed" "$(rules "$IF2" 2)" 20
expect_eq "$IF1: none of $IF2's rules" "$(rules "$IF1" 2)" 0
expect_eq "$IF2: none of $IF1's rules" "$(rules "$IF2" 1)" 0
expect_fail "pair 1: v4 ping still fails" noping_a4 1
expect_ok "pair 1: v6 ping still works" ping_a6 1

expect_ok "detach $IF1" ig detach "$IF1"
expect_fail "no XDP on $IF1" xdp_attached "$NS_B" "$IF1"
expect_ok "pair 1: v4 ping works after detach" ping_a4 1
expect_ok "XDP still on $IF2" xdp_attached "$NS_B" "$IF2"
expect_ok "pins of $IF2 still there" test -e "$PIN_ROOT/$IF2"
expect_fail "pair 2: still drops v6 echo" noping_a6 2
expect_fail "pair 2: still drops v4 echo" noping_a4 2
expect_ok "detach $IF2" ig detach "$IF2"
expect_ok "pair 2: v6 ping works after detach" ping_a6 2

lab_done
