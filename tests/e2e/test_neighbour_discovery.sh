#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck disable=SC2016,SC2317 # helpers run through expect_ok; scripts run in a namespace
# `default drop` does not reach neighbour discovery (RFC 4861): with empty
# neighbour caches and nothing but `default drop`, echo is dropped yet both
# ends resolve each other, and the counters show neighbor-solicit (135) and
# neighbor-advert (136) passed on the filtered side. Then two `set` rules
# let v6 echo through while `default drop` stays, and an MLD report,
# behind its hop-by-hop header, passes too.
# Usage: test_neighbour_discovery.sh ICMPGATE
. "$(dirname "$0")/lib.sh"
lab_init "$@"
lab_pair 1
IF=$(ifb 1)
IFA=$(ifa 1)
A6=$(addr6_a 1)
B6=$(addr6_b 1)

# A resolved neighbour: the entry exists and is usable.
resolved() { [[ $1 =~ ^(REACHABLE|STALE|DELAY|PROBE)$ ]]; }

expect_ok "attach $IF" ig attach "$IF"
expect_ok "default policy: v6 ping" ping_a6 1

f=$(lab_file drop.policy "default drop")
expect_ok "policy apply: default drop, nothing else" ig policy apply "$IF" "$f"
expect_ok "policy show: default drop" policy_has "$IF" '^default +drop'
expect_ok "stats --reset" ig stats "$IF" --reset
ip -n "$NS_A" neigh flush dev "$IFA"
ip -n "$NS_B" neigh flush dev "$IF"
expect_eq "A has no neighbour entry for B" "$(neigh_state "$NS_A" "$IFA" "$B6")" NONE
expect_eq "B has no neighbour entry for A" "$(neigh_state "$NS_B" "$IF" "$A6")" NONE

# A -> B: A's neighbor-solicit reaches B, B's advert reaches A unfiltered.
expect_fail "default drop: v6 ping A -> B fails" noping_a6 1
expect_eq "v6 echo-request dropped" "$(stat_type "$IF" v6 128 dropped)" 2
expect_ge "v6 neighbor-solicit passed" "$(stat_type "$IF" v6 135 passed)" 1
expect_eq "v6 neighbor-solicit dropped" "$(stat_type "$IF" v6 135 dropped)" 0
s=$(neigh_state "$NS_A" "$IFA" "$B6")
expect_ok "A resolved B ($s)" resolved "$s"

# B -> A, with B's cache empty again: B solicits, A's advert must pass B's
# filter; A's echo-reply is dropped by the default.
ip -n "$NS_B" neigh flush dev "$IF"
expect_eq "B has no neighbour entry for A" "$(neigh_state "$NS_B" "$IF" "$A6")" NONE
expect_fail "default drop: v6 ping B -> A fails (reply dropped)" \
	B ping -6 -n -q -c 2 -i 0.2 -W 1 "$A6"
expect_eq "v6 echo-reply dropped" "$(stat_type "$IF" v6 129 dropped)" 2
expect_ge "v6 neighbor-advert passed" "$(stat_type "$IF" v6 136 passed)" 1
expect_eq "v6 neighbor-advert dropped" "$(stat_type "$IF" v6 136 dropped)" 0
s=$(neigh_state "$NS_B" "$IF" "$A6")
expect_ok "B resolved A ($s)" resolved "$s"
expect_fail "default drop: v4 ping fails" noping_a4 1

expect_ok "set v6 echo-request pass" ig set "$IF" v6 echo-request pass
expect_ok "set v6 echo-reply pass" ig set "$IF" v6 echo-reply pass
expect_ok "policy show: default drop stays" policy_has "$IF" '^default +drop'
expect_ok "v6 ping A -> B works" ping_a6 1
expect_ok "v6 ping B -> A works" B ping -6 -n -q -c 3 -i 0.2 -W 1 "$A6"
expect_fail "v4 ping still fails under default drop" noping_a4 1

# MLD (RFC 3810) behind its hop-by-hop router alert: a new address makes
# A join its solicited-node group and report it (type 143), which B's
# filter passes under `default drop`. The report's IPv6 header is followed
# by 8 bytes of hop-by-hop options: the program's plain path takes it.
expect_ok "stats --reset" ig stats "$IF" --reset
expect_ok "A: a new address (A joins its solicited-node group)" \
	ip -n "$NS_A" -6 addr add "fd00:199:1::99/64" dev "$IFA" nodad
# The report goes out at once and again within a second (RFC 3810 9.1).
mld_reported() {
	local i
	for i in $(seq 30); do
		[ "$(stat_type "$IF" v6 143 passed)" -ge 1 ] && return 0
		sleep 0.1
	done
	return 1
}
expect_ok "v6 MLD report behind hop-by-hop passed" mld_reported
expect_eq "v6 MLD report dropped" "$(stat_type "$IF" v6 143 dropped)" 0
expect_eq "nothing malformed" "$(stat_reason "$IF" malformed-l3)" 0

lab_done
