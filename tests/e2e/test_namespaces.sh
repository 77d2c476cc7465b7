#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# No sequence of commands and no pin removed by hand leaves an XDP program
# icmpgate can neither see nor remove: an attachment is found from the
# network namespace it was made in and recognised from every other (status
# says where; detach and set there refuse, naming the command that works);
# `ip netns exec` is refused with that command; a pin, or the state pin,
# removed by hand still lets detach remove the program.
. "$(dirname "$0")/lib.sh"
lab_init "$@"
lab_pair 1
IF=$(ifb 1)
LAB_IFACES+=("$IF")
root_ig() { "$ICMPGATE" "$@"; } # the root network namespace

expect_ok "attach in $NS_B (nsenter --net)" ig attach "$IF"
out=$(root_ig status "$IF" 2>&1)
expect_match "status from the root namespace names $NS_B" "$out" \
	"netns +net:\[[0-9]+\] \(ip netns '$NS_B'\)"
expect_match "and does not call it gone" "$out" "attached +no \(in another network namespace\)"
err=$(root_ig detach "$IF" 2>&1)
expect_match "detach from the root namespace refused, with the command" \
	"$err" "nsenter --net=/run/netns/$NS_B icmpgate detach $IF"
expect_ok "the program is still attached" xdp_attached "$NS_B" "$IF"
expect_ok "its pins are still there" test -d "$PIN_ROOT/$IF"
err=$(root_ig set "$IF" v4 echo-request drop 2>&1)
expect_match "set from the root namespace refused" "$err" "nsenter --net=/run/netns/$NS_B"
expect_ok "v4 ping passes: nothing changed" ping_a4 1
expect_ok "stats from the root namespace (read only)" root_ig stats "$IF" --json
expect_ok "detach where it was attached" ig detach "$IF"
expect_fail "no program left" xdp_attached "$NS_B" "$IF"

err=$(ip netns exec "$NS_B" "$ICMPGATE" attach "$IF" 2>&1)
expect_match "attach under ip netns exec refused, with the command" "$err" \
	"nsenter --net=/run/netns/$NS_B icmpgate attach"
expect_fail "no program after the refusal" xdp_attached "$NS_B" "$IF"

for pin in counters state; do
	expect_ok "attach" ig attach "$IF"
	rm -f "$PIN_ROOT/$IF/$pin"
	expect_ok "detach after '$pin' was removed by hand" ig detach "$IF"
	expect_fail "no program left" xdp_attached "$NS_B" "$IF"
	expect_fail "no pins left" test -e "$PIN_ROOT/$IF"
done
lab_done
