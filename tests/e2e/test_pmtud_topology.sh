#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck disable=SC2016,SC2317 # helpers run through expect_ok; scripts run in a namespace
# e2e-timeout: 180
# Path-MTU discovery after the host changed under a running filter: the
# path-MTU topology of the kernel's selftests, two hosts and two routers,
# with icmpgate attached (built-in default policy) to every veth of all
# four namespaces and `icmpgate sync` never run. Nothing the host changes
# after attach may make the filter drop an honest PMTUD message.
#
#            L1             L3
#     A  ---------  R1  ---------  R2  ---------  B
#     |                            |      L4
#     +----------------------------+
#                  L2
#
# Lk is 10.197.k.0/24 and fd00:197:k::/64, the lower-numbered namespace
# in A, R1, R2, B order at .1/::1. The first path is A-R1-R2-B: an
# error R2 sends to A is forwarded by R1 (R1's end of L3 judges it as
# transit, A's end of L1 as host). The second, A-R2-B, is used once A's
# default route is switched to R2. Routers forward, hosts do not. All
# links start at MTU 1500. For each family, after attach:
#  a. A's link raised 1500 -> 2000 (and the path to B with it), R1's
#     end towards R2 at 1800: A learns 1800 from R1, a PMTU above the
#     MTU A's interface had at attach;
#  b. R2's end towards B lowered 1500 -> 1400: A learns 1400 from R2,
#     through R1, which counts it as transit;
#  c. R1's end towards R2 at 1300, then A's route to B switched from R1
#     to R2: A learns 1300 on the first path, then 1400 on the second;
#  d. an address added to A's link and used as the source: A learns 1400
#     for it, through R1;
#  e. forged errors sent to A from R1 (quoting a packet A never sent,
#     an MTU not below the quoted packet's length, an MTU below the
#     minimum) are dropped and counted under their reasons on A, and A's
#     route to B keeps no PMTU; a well-formed one passes; one forged from
#     R2 passes R1 as transit (not validated there: `forward default
#     pass`) and is dropped by A.
# In a to d a 200 KB TCP upload from A to B completes: B announces an
# MSS that the small link cannot carry, so it needs the PMTU A learns.
# (lo is not attached: pins are keyed by interface name, and every
# namespace has one.)
# Usage: test_pmtud_topology.sh ICMPGATE
. "$(dirname "$0")/lib.sh"
lab_init "$@"
lab_ns r1
NS_R1=$LAB_NS
lab_ns r2
NS_R2=$LAB_NS
FORGE=$(dirname "$ICMPGATE")/tools/forge # tools/lab/forge.c
SIZE=200000
PORT4=5011
PORT6=5012

# Interface names carry the lab's id: pins are keyed by them.
A1=igL1a$LAB_ID  # A, L1 (towards R1)
R1A=igL1r$LAB_ID # R1, L1
A2=igL2a$LAB_ID  # A, L2 (towards R2)
R2A=igL2r$LAB_ID # R2, L2
R1B=igL3r$LAB_ID # R1, L3 (towards R2, B)
R2R=igL3s$LAB_ID # R2, L3
R2B=igL4r$LAB_ID # R2, L4 (towards B)
B4=igL4b$LAB_ID  # B, L4

# link K NS1 IF1 NS2 IF2: Lk between two namespaces.
link() {
	veth_pair "$2" "$3" "$4" "$5" "10.197.$1.1/24" "10.197.$1.2/24" \
		"fd00:197:$1::1/64" "fd00:197:$1::2/64" ||
		die "cannot create L$1 ($3/$5)"
	lab_track "$2" "$3"
	lab_track "$4" "$5"
}
link 1 "$NS_A" "$A1" "$NS_R1" "$R1A"
link 2 "$NS_A" "$A2" "$NS_R2" "$R2A"
link 3 "$NS_R1" "$R1B" "$NS_R2" "$R2R"
link 4 "$NS_R2" "$R2B" "$NS_B" "$B4"
ALL="$NS_A:$A1 $NS_A:$A2 $NS_R1:$R1A $NS_R1:$R1B $NS_R2:$R2A $NS_R2:$R2R $NS_R2:$R2B $NS_B:$B4"

for ns in "$NS_A" "$NS_R1" "$NS_R2" "$NS_B"; do
	# Loose or strict reverse-path filtering, if the host's defaults were
	# inherited, would only get in the way of the switched route.
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0
done
for ns in "$NS_R1" "$NS_R2"; do
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1
done
for ns in "$NS_A" "$NS_B"; do
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=0 \
		net.ipv6.conf.all.forwarding=0
done
# A's new address of case d lives in 10.197.7.0/24 and fd00:197:7::/64.
ip -n "$NS_A" route add default via 10.197.1.2
ip -n "$NS_A" -6 route add default via fd00:197:1::2
ip -n "$NS_R1" route add 10.197.4.0/24 via 10.197.3.2
ip -n "$NS_R1" -6 route add fd00:197:4::/64 via fd00:197:3::2
ip -n "$NS_R1" route add 10.197.7.0/24 via 10.197.1.1
ip -n "$NS_R1" -6 route add fd00:197:7::/64 via fd00:197:1::1
ip -n "$NS_R2" route add 10.197.1.0/24 via 10.197.3.1
ip -n "$NS_R2" -6 route add fd00:197:1::/64 via fd00:197:3::1
ip -n "$NS_R2" route add 10.197.7.0/24 via 10.197.3.1
ip -n "$NS_R2" -6 route add fd00:197:7::/64 via fd00:197:3::1
ip -n "$NS_B" route add default via 10.197.4.1
ip -n "$NS_B" -6 route add default via fd00:197:4::1
BADDR4=10.197.4.2
BADDR6=fd00:197:4::2

# B counts what it got: `wc -c` prints it when the client is done.
lab_bg "$NS_B" socat "TCP4-LISTEN:$PORT4,reuseaddr,fork" EXEC:"wc -c"
lab_bg "$NS_B" socat "TCP6-LISTEN:$PORT6,reuseaddr,fork,ipv6only=1" EXEC:"wc -c"
for _ in $(seq 50); do
	B ss -Hltn | grep -q ":$PORT6" && B ss -Hltn | grep -q ":$PORT4" && break
	sleep 0.1
done

# mtu NS:IFACE=MTU...: set interface MTUs.
mtu() {
	local a ifname
	for a in "$@"; do
		ifname=${a#*:}
		ip -n "${a%%:*}" link set dev "${ifname%%=*}" mtu "${a##*=}" ||
			die "cannot set $a"
	done
}
# mtu_all MTU: every link back to MTU.
mtu_all() {
	local a
	for a in $ALL; do
		mtu "$a=$1"
	done
}

# upload 4|6 [SOURCE]: SIZE bytes from A to B; prints what B counted.
upload() {
	local target=$BADDR4:$PORT4 opt=
	[ "$1" = 6 ] && target="[$BADDR6]:$PORT6"
	if [ -n "${2:-}" ]; then
		opt=",bind=$2"
		[ "$1" = 6 ] && opt=",bind=[$2]"
	fi
	A timeout 8 sh -c "head -c $SIZE /dev/zero |
		socat -t 5 - TCP$1:$target,connect-timeout=2$opt" 2>/dev/null |
		tr -d ' \n'
}

# route_mtu 4|6 [ARGS]: the PMTU A's route to B carries, or none.
route_mtu() {
	local fam=$1 dst=$BADDR4
	shift
	[ "$fam" = 6 ] && dst=$BADDR6
	ip -n "$NS_A" -"$fam" route get "$dst" "$@" |
		sed -n 's/.* mtu \([0-9]*\).*/\1/p' | grep . || echo none
}
# route_via 4|6: the next hop of A's route to B.
route_via() {
	local dst=$BADDR4
	[ "$1" = 6 ] && dst=$BADDR6
	ip -n "$NS_A" -"$1" route get "$dst" | sed -n 's/.* via \([^ ]*\).*/\1/p'
}

flush_pmtu() {
	ip -n "$NS_A" route flush cache
	ip -n "$NS_A" -6 route flush cache
}

# side_passed NS IFACE SIDE FAM: PMTUD messages (frag-needed's type 3,
# packet-too-big's type 2) passed on SIDE of IFACE in NS.
side_passed() {
	local type=3
	[ "$4" = 6 ] && type=2
	IG_NS=$1 stat_side_type "$2" "$3" "v$4" "$type" passed
}

log "attach on all eight interfaces, default policy, no sync after"
for a in $ALL; do
	expect_ok "attach ${a#*:}" ig_in "${a%%:*}" attach "${a#*:}"
done

# pmtud_case NAME FAM WANT VIA_R1 [SOURCE]: one upload of family FAM
# after a flush: it completes, A learns WANT, A's interface passed the
# message on the host side, R1's end of L3 on the transit side when the
# path runs through R1 and the error came from R2 (VIA_R1 = 1).
pmtud_case() {
	local name=$1 fam=$2 want=$3 via=$4 src=${5:-} aif=$A1 h0 t0
	[ "$(route_via "$fam")" = "10.197.2.2" ] ||
		[ "$(route_via "$fam")" = "fd00:197:2::2" ] && aif=$A2
	flush_pmtu
	expect_eq "$name v$fam: no PMTU before" "$(route_mtu "$fam")" none
	h0=$(side_passed "$NS_A" "$aif" host "$fam")
	t0=$(side_passed "$NS_R1" "$R1B" transit "$fam")
	expect_eq "$name v$fam: 200 KB upload completes" \
		"$(upload "$fam" "$src")" "$SIZE"
	if [ -n "$src" ]; then
		expect_eq "$name v$fam: A learned PMTU $want for $src" \
			"$(route_mtu "$fam" from "$src")" "$want"
	else
		expect_eq "$name v$fam: A learned PMTU $want" \
			"$(route_mtu "$fam")" "$want"
	fi
	expect_ge "$name v$fam: passed on A's $aif, host side" \
		"$(minus "$(side_passed "$NS_A" "$aif" host "$fam")" "$h0")" 1
	if [ "$via" = 1 ]; then
		expect_ge "$name v$fam: passed on R1's $R1B, transit side" \
			"$(minus "$(side_passed "$NS_R1" "$R1B" transit "$fam")" "$t0")" 1
	fi
}

for fam in 4 6; do
	log "a. IPv$fam: A's link raised to 2000 after attach, R1 -> R2 at 1800"
	mtu_all 2000
	mtu "$NS_R1:$R1B=1800"
	pmtud_case a "$fam" 1800 0
	mtu_all 1500
done
for fam in 4 6; do
	log "b. IPv$fam: R2's link towards B lowered to 1400 after attach"
	mtu "$NS_R2:$R2B=1400"
	pmtud_case b "$fam" 1400 1
done

log "c. the route from A to B switched from R1 to R2"
mtu "$NS_R1:$R1B=1300"
for fam in 4 6; do
	pmtud_case "c (via R1)" "$fam" 1300 0
done
ip -n "$NS_A" route replace default via 10.197.2.2
ip -n "$NS_A" -6 route replace default via fd00:197:2::2
expect_eq "c v4: A's route to B now via R2" "$(route_via 4)" 10.197.2.2
expect_eq "c v6: A's route to B now via R2" "$(route_via 6)" fd00:197:2::2
for fam in 4 6; do
	pmtud_case "c (via R2)" "$fam" 1400 0
done
ip -n "$NS_A" route replace default via 10.197.1.2
ip -n "$NS_A" -6 route replace default via fd00:197:1::2
mtu "$NS_R1:$R1B=1500"

log "d. an address added to A after attach, used as the source"
ip -n "$NS_A" addr add 10.197.7.1/32 dev "$A1"
ip -n "$NS_A" addr add fd00:197:7::1/128 dev "$A1" nodad
pmtud_case d 4 1400 1 10.197.7.1
pmtud_case d 6 1400 1 fd00:197:7::1

log "e. forged errors sent to A"
# forged FAM REASON QSRC MTU [QLEN]: three forged errors from R1 to A's
# L1 address, quoting a TCP packet of QLEN bytes from QSRC to B; prints
# how much REASON's counter on A's L1 moved.
forged() {
	local fam=$1 r=$2 c0 dst=10.197.1.1 bdst=$BADDR4
	[ "$fam" = 6 ] && dst=fd00:197:1::1 bdst=$BADDR6
	c0=$(IG_NS=$NS_A stat_reason "$A1" "$r")
	ip netns exec "$NS_R1" "$FORGE" ptb "$fam" "$dst" "$3" "$bdst" \
		"$4" 3 "${5:-1500}" >/dev/null 2>&1
	sleep 0.2
	minus "$(IG_NS=$NS_A stat_reason "$A1" "$r")" "$c0"
}
flush_pmtu
expect_eq "e v4: quoting a packet A never sent: invalid-source" \
	"$(forged 4 invalid-source 10.197.1.77 1280)" 3
expect_eq "e v4: MTU 1500 quoting 1500 bytes: invalid-mtu" \
	"$(forged 4 invalid-mtu 10.197.1.1 1500)" 3
expect_eq "e v4: MTU 1600 quoting 1500 bytes: invalid-mtu" \
	"$(forged 4 invalid-mtu 10.197.1.1 1600)" 3
expect_eq "e v4: MTU 67, below 68: invalid-mtu" \
	"$(forged 4 invalid-mtu 10.197.1.1 67)" 3
expect_eq "e v6: quoting a packet A never sent: invalid-source" \
	"$(forged 6 invalid-source fd00:197:1::77 1280)" 3
expect_eq "e v6: MTU 1500 quoting 1500 bytes: invalid-mtu" \
	"$(forged 6 invalid-mtu fd00:197:1::1 1500)" 3
expect_eq "e v6: MTU 1279, below 1280: invalid-mtu" \
	"$(forged 6 invalid-mtu fd00:197:1::1 1279)" 3
expect_eq "e v4: A's route to B learned nothing from them" "$(route_mtu 4)" none
expect_eq "e v6: A's route to B learned nothing from them" "$(route_mtu 6)" none
# The smallest MTUs that are valid pass the filter (the kernel then finds
# no connection of A that they quote, and ignores them).
expect_eq "e v4: MTU 68 quoting 1500 bytes passes" \
	"$(forged 4 pass-limit 10.197.1.1 68)" 3
expect_eq "e v6: MTU 1280 quoting 1500 bytes passes" \
	"$(forged 6 pass-limit fd00:197:1::1 1280)" 3
# From R2, through R1: transit there, host at A.
t0=$(IG_NS=$NS_R1 stat_side_type "$R1B" transit v4 3 passed)
i0=$(IG_NS=$NS_A stat_reason "$A1" invalid-source)
ip netns exec "$NS_R2" "$FORGE" ptb 4 10.197.1.1 10.197.1.77 \
	"$BADDR4" 1280 3
sleep 0.2
expect_eq "e v4: forged from R2: passed by R1 as transit" \
	"$(minus "$(IG_NS=$NS_R1 stat_side_type "$R1B" transit v4 3 passed)" "$t0")" 3
expect_eq "e v4: and dropped by A as invalid-source" \
	"$(minus "$(IG_NS=$NS_A stat_reason "$A1" invalid-source)" "$i0")" 3

log "sides"
# A forwards nothing: everything it saw is host. The routers saw both.
for a in "$NS_A:$A1" "$NS_A:$A2"; do
	expect_eq "${a#*:}: nothing judged as transit" \
		"$(IG_NS=${a%%:*} stat_side "${a#*:}" transit packets)" 0
done
expect_ge "$R1B: transit PMTUD messages" \
	"$(IG_NS=$NS_R1 stat_side_type "$R1B" transit v4 3 passed)" 1
expect_eq "$R1B: nothing dropped on the transit side" \
	"$(IG_NS=$NS_R1 stat_side "$R1B" transit dropped)" 0
lab_done
