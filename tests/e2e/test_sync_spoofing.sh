#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck disable=SC2016,SC2317 # helpers run through expect_ok; scripts run in a namespace
# The local-address map follows the interface through `icmpgate sync`,
# PMTUD validation needs no sync at all, and the checks that need no rule
# work on real packets:
#  - a frag-needed sent to B quoting a packet from another address is
#    invalid-source; once that address is added to B, a frag-needed sent
#    to it and quoting it passes at once, with no sync (the quote's source
#    is the error's destination); sync still reports what it added and
#    removed;
#  - the MTU a frag-needed reports is judged against the packet it
#    quotes, never the interface's MTU: it passes whether the interface's
#    MTU was lowered or raised after attach, synced or not, and one not
#    smaller than the quoted packet is invalid-mtu;
#  - neighbour solicitations with hop limit 254 are dropped as
#    spoofed-ndp, with 255 they pass;
#  - a broadcast ping (smurf) is dropped as drop-broadcast-echo.
# Usage: test_sync_spoofing.sh ICMPGATE
. "$(dirname "$0")/lib.sh"
lab_init "$@"
lab_pair 1
IF=$(ifb 1)
B6=$(addr6_b 1)
NEW4=10.199.1.50
REMOTE4=10.198.9.9
FORGE=$(dirname "$ICMPGATE")/tools/forge # tools/lab/forge.c

# ptb_from QSRC MTU [QLEN]: one frag-needed from A to B quoting a packet
# of QLEN bytes (1500) from QSRC to REMOTE4.
ptb_from() { ptb_to "$(addr4_b 1)" "$@"; }
# ptb_to DST QSRC MTU [QLEN]: the same, sent to DST.
ptb_to() {
	A "$FORGE" ptb 4 "$1" "$2" "$REMOTE4" "$3" 1 "${4:-1500}"
	sleep 0.2
}

# moved REASON CMD...: how much REASON's counter moved while CMD ran.
moved() {
	local r=$1 c0
	shift
	c0=$(stat_reason "$IF" "$r")
	"$@" >/dev/null 2>&1
	minus "$(stat_reason "$IF" "$r")" "$c0"
}

expect_ok "attach $IF" ig attach "$IF"
expect_eq "frag-needed quoting an address B lacks: invalid-source" \
	"$(moved invalid-source ptb_from "$NEW4" 1280)" 1

ip -n "$NS_B" addr add "$NEW4/24" dev "$IF"
expect_eq "added, no sync: a frag-needed to it, quoting it, passes" \
	"$(moved pass-limit ptb_to "$NEW4" "$NEW4" 1280)" 1
out=$(ig sync "$IF" 2>&1)
expect_match "sync says what it added" "$out" "1 added, 0 removed"
expect_eq "status --json counts the addresses" \
	"$(status_field "$IF" addresses)" \
	"$(($(ip -n "$NS_B" -o addr show dev "$IF" | wc -l) + 1))"
expect_eq "synced: the same frag-needed passes" \
	"$(moved pass-limit ptb_to "$NEW4" "$NEW4" 1280)" 1

ip -n "$NS_B" addr del "$NEW4/24" dev "$IF"
out=$(ig sync "$IF" 2>&1)
expect_match "sync says what it removed" "$out" "0 added, 1 removed"
expect_eq "removed and synced: quoting it to B: invalid-source" \
	"$(moved invalid-source ptb_from "$NEW4" 1280)" 1

expect_eq "MTU 1450 under a 1500 interface passes" \
	"$(moved pass-limit ptb_from "$(addr4_b 1)" 1450)" 1
ip -n "$NS_B" link set dev "$IF" mtu 1400
expect_eq "interface lowered to 1400, no sync: MTU 1450 of 1500 passes" \
	"$(moved pass-limit ptb_from "$(addr4_b 1)" 1450)" 1
out=$(ig sync "$IF" 2>&1)
expect_match "sync names what it keeps: the directed broadcasts" "$out" \
	"^$IF: 1 directed broadcasts, for the broadcast-echo check"
expect_eq "synced: MTU 1450 of 1500 still passes" \
	"$(moved pass-limit ptb_from "$(addr4_b 1)" 1450)" 1
expect_eq "MTU 1500 quoting a 1500-byte packet: invalid-mtu" \
	"$(moved invalid-mtu ptb_from "$(addr4_b 1)" 1500)" 1
ip -n "$NS_B" link set dev "$IF" mtu 9000
expect_eq "interface raised to 9000, no sync: MTU 8000 of 9000 passes" \
	"$(moved pass-limit ptb_from "$(addr4_b 1)" 8000 9000)" 1
ip -n "$NS_B" link set dev "$IF" mtu 1500
expect_ok "policy apply syncs too" ig policy apply "$IF" \
	"$(lab_file default.policy "$("$ICMPGATE" policy default)")"
expect_eq "after policy apply: MTU 1450 passes again" \
	"$(moved pass-limit ptb_from "$(addr4_b 1)" 1450)" 1
expect_ok "sync on an interface without icmpgate fails" \
	sh -c "! $(printf '%q' "$ICMPGATE") sync lo 2>/dev/null"

# Neighbour solicitations from A for B's address, hop limit 254 and 255.
expect_eq "NS with hop limit 254: spoofed-ndp" \
	"$(moved spoofed-ndp A "$FORGE" ns "$B6" "$B6" 254 3)" 3
expect_eq "NS with hop limit 255 passes" \
	"$(moved pass-essential A "$FORGE" ns "$B6" "$B6" 255 3)" 3

# A broadcast ping from A: B's filter drops it before the kernel sees it.
expect_eq "broadcast echo dropped" \
	"$(moved drop-broadcast-echo A ping -b -n -q -c 2 -i 0.2 -W 1 \
		10.199.1.255)" 2
expect_ok "a unicast ping still works" ping_a4 1
expect_ok "set broadcast-echo pass" ig set "$IF" broadcast-echo pass
expect_ok "policy show has it" policy_has "$IF" '^broadcast-echo pass$'
expect_eq "broadcast echo now passes the filter, to its limit" \
	"$(moved pass-limit A ping -b -n -q -c 2 -i 0.2 -W 1 10.199.1.255)" 2

# More addresses than the local map holds: a clear error, nothing changed.
d0=$(status_field "$IF" policy_digest)
for i in $(seq 1 1100); do
	echo "addr add 10.56.$((i / 250)).$((i % 250 + 1))/24 dev $IF"
done | ip -n "$NS_B" -batch -
expect_fail "set with 1,100 more addresses fails" \
	ig set "$IF" v4 echo-reply drop
expect_match "the error says why" \
	"$(ig sync "$IF" 2>&1)" "more than 1024 local and broadcast addresses"
expect_eq "the policy in force is kept" \
	"$(status_field "$IF" policy_digest)" "$d0"
ip -n "$NS_B" addr flush dev "$IF" to 10.56.0.0/16
expect_ok "sync works again once they are gone" ig sync "$IF"
lab_done
