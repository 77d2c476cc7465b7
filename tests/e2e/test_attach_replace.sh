#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck disable=SC2317 # helpers run through expect_ok
# attach --replace (issue 12): on an attached interface, a new program
# and the policy are swapped in one step, under a running `ping -i 0.01`:
# every echo-request the sender transmitted is counted by icmpgate (none
# judged with no filter), none is lost, the counters carry over, the new
# policy is in force; on an interface not attached yet it is a plain attach.
# Usage: test_attach_replace.sh ICMPGATE
. "$(dirname "$0")/lib.sh"
lab_init "$@"
lab_pair 1
IF=$(ifb 1)
prog_id() {
	ip -n "$NS_B" -d link show dev "$1" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'
}

p1=$(lab_file p1.policy "v4 echo-request pass")
p2=$(lab_file p2.policy "v4 echo-request pass max-size 1480")
drop=$(lab_file drop.policy "v4 echo-request drop")

expect_ok "attach --replace on a free interface attaches" ig attach --replace "$IF" --policy "$p1"
id0=$(prog_id "$IF")
expect_ok "stats --reset" ig stats "$IF" --reset

A ping -n -q -i 0.01 -c 400 -W 1 "$(addr4_b 1)" >"$LAB_TMP/ping.out" 2>&1 &
ppid=$!
sleep 0.5
for k in 1 2 3 4; do
	pol=$p2
	[ $((k % 2)) -eq 0 ] && pol=$p1
	expect_ok "replace $k under ping -i 0.01" ig attach --replace "$IF" --policy "$pol"
	sleep 0.4
done
wait $ppid
sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$LAB_TMP/ping.out")
recv=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$LAB_TMP/ping.out")
expect_eq "ping: every request answered" "$recv" "$sent"
expect_eq "every request counted by icmpgate (no gap)" "$(stat_type "$IF" v4 8 passed)" "$sent"
expect_fail "a new program id" test "$(prog_id "$IF")" = "$id0"
expect_eq "status records the program on the link" "$(status_field "$IF" prog_id)" "$(prog_id "$IF")"
expect_eq "generation: attach + 4 replaces" "$(status_field "$IF" generation)" 5
expect_ok "the last policy is in force" policy_has "$IF" "^v4 echo-request pass$"

expect_ok "replace with a drop policy" ig attach --replace "$IF" --policy "$drop"
expect_fail "v4 ping dropped by the new policy" noping_a4 1
empty=$(lab_file empty.policy "")
: >"$empty"
id1=$(prog_id "$IF")
expect_fail "replace with an empty policy is refused" ig attach --replace "$IF" --policy "$empty"
expect_eq "program unchanged after the refusal" "$(prog_id "$IF")" "$id1"
expect_fail "v4 ping still dropped" noping_a4 1
expect_ok "detach" ig detach "$IF"
expect_fail "no XDP program after detach" xdp_attached "$NS_B" "$IF"
lab_done
