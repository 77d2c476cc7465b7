#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck disable=SC2016,SC2317 # helpers run through expect_ok; scripts run in a namespace
# Jumbo frames through the built-in default policy, on both ends of a
# pair (A's end judges the replies):
#  - pair 1 at MTU 9000 before attach, default (native) mode;
#  - pair 2 attached at MTU 1500, raised to 9000 after attach;
#  - pair 3 at MTU 9000, skb mode.
# On each, `ping -M do -s 8972` (9000-byte IPv4 packets) and
# `ping -6 -M do -s 8952` (9000-byte IPv6 packets) are answered, and the
# counters show the requests passed on B's end and the replies on A's,
# on the host side, with the bytes of 9000-byte frames.
# Usage: test_jumbo.sh ICMPGATE
. "$(dirname "$0")/lib.sh"
lab_init "$@"

# attach_both N [ARGS]: icmpgate on both ends of pair N.
attach_both() {
	local n=$1
	shift
	lab_track "$NS_A" "$(ifa "$n")"
	expect_ok "pair $n: attach $(ifb "$n") $*" ig attach "$(ifb "$n")" "$@"
	expect_ok "pair $n: attach $(ifa "$n") $*" \
		ig_in "$NS_A" attach "$(ifa "$n")" "$@"
}

# jumbo_mtu N: both ends of pair N at MTU 9000.
jumbo_mtu() {
	ip -n "$NS_A" link set dev "$(ifa "$1")" mtu 9000 &&
		ip -n "$NS_B" link set dev "$(ifb "$1")" mtu 9000
}

# pings N: 9000-byte pings of both families over pair N, answered, and
# counted as passed on both ends.
pings() {
	local n=$1 b4 b6 a4 a6 by
	b4=$(stat_side_type "$(ifb "$n")" host v4 8 passed)
	b6=$(stat_side_type "$(ifb "$n")" host v6 128 passed)
	by=$(stat_side_type "$(ifb "$n")" host v4 8 bytes)
	a4=$(IG_NS=$NS_A stat_side_type "$(ifa "$n")" host v4 0 passed)
	a6=$(IG_NS=$NS_A stat_side_type "$(ifa "$n")" host v6 129 passed)
	expect_ok "pair $n: ping -M do -s 8972 answered" ping_a4 "$n" -M "do" -s 8972
	expect_ok "pair $n: ping -6 -M do -s 8952 answered" ping_a6 "$n" -M "do" -s 8952
	expect_eq "pair $n: 3 v4 echo-requests passed on B's end" \
		"$(minus "$(stat_side_type "$(ifb "$n")" host v4 8 passed)" "$b4")" 3
	expect_ge "pair $n: of 9000 bytes and more" \
		"$(minus "$(stat_side_type "$(ifb "$n")" host v4 8 bytes)" "$by")" 27000
	expect_eq "pair $n: 3 v6 echo-requests passed on B's end" \
		"$(minus "$(stat_side_type "$(ifb "$n")" host v6 128 passed)" "$b6")" 3
	expect_eq "pair $n: 3 v4 echo-replies passed on A's end" \
		"$(minus "$(IG_NS=$NS_A stat_side_type "$(ifa "$n")" host v4 0 passed)" "$a4")" 3
	expect_eq "pair $n: 3 v6 echo-replies passed on A's end" \
		"$(minus "$(IG_NS=$NS_A stat_side_type "$(ifa "$n")" host v6 129 passed)" "$a6")" 3
}

log "pair 1: MTU 9000, then attach (native)"
lab_pair 1
expect_ok "pair 1: MTU 9000 on both ends" jumbo_mtu 1
attach_both 1
pings 1

log "pair 2: attach at MTU 1500 (native), then MTU 9000"
lab_pair 2
attach_both 2
expect_ok "pair 2: MTU raised to 9000 after attach" jumbo_mtu 2
pings 2

log "pair 3: MTU 9000, then attach (skb)"
lab_pair 3
expect_ok "pair 3: MTU 9000 on both ends" jumbo_mtu 3
attach_both 3 --mode skb
pings 3
lab_done
