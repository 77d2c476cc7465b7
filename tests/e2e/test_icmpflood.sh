#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# icmpflood sends what it says: a few hundred ICMP and ICMPv6 packets from
# A arrive at B, counted by B's device and by the kernel's ICMP counters,
# with correct checksums (B answers the echo requests); spoofed sources
# are the ones asked for; both engines work. No filter is attached.
# Usage: test_icmpflood.sh ICMPGATE (icmpflood is $(dirname ICMPGATE)/tools)
. "$(dirname "$0")/lib.sh"
lab_init "$@"
lab_icmpflood
lab_pair 1
IA=$(ifa 1)
IB=$(ifb 1)
N=300

# B takes xdp_frames from A's live-frames engine only with NAPI on its
# veth: an XDP program or GRO (see tools/gen/icmpflood.c). GRO needs ethtool;
# without it, a pass-all XDP program does the same.
if command -v ethtool >/dev/null; then
	B ethtool -K "$IB" gro on >/dev/null || die "cannot turn on GRO on $IB"
else
	B "$(dirname "$ICMPGATE")/tools/bench_prog" attach "$IB" pass ||
		die "no ethtool, and cannot attach a pass-all XDP program to $IB"
fi
# Replies to the spoofed sources go back over the pair.
ip -n "$NS_B" route add 10.199.128.0/24 via "$(addr4_a 1)"
ip -n "$NS_B" -6 route add fd00:199:1:8000::/64 via "$(addr6_a 1)"
expect_ok "warm-up ping (neighbour entries)" ping_a4 1 -c 1
expect_ok "warm-up ping6" ping_a6 1 -c 1

rx_packets() { B cat "/sys/class/net/$IB/statistics/rx_packets"; }
# nstat_val NS NAME: one kernel SNMP counter, absolute.
nstat_val() {
	ip netns exec "$1" nstat -az "$2" | awk -v k="$2" '$1 == k { print $2 }'
}

# flood_check NAME EXPECT_RX_COUNTER ICMPFLOOD_ARGS...: sends N packets and
# checks icmpflood's report, B's rx_packets and one SNMP counter of B.
flood_check() {
	local name=$1 counter=$2 rx0 rx1 c0 c1 out
	shift 2
	rx0=$(rx_packets)
	c0=$(nstat_val "$NS_B" "$counter")
	out=$(A "$FLOOD" -i "$IA" -n "$N" --json "$@")
	expect_ok "$name: icmpflood exits 0" test -n "$out" || return
	expect_eq "$name: packets reported" "$(printf '%s' "$out" |
		sed -n 's/.*"packets": \([0-9]*\).*/\1/p')" "$N"
	sleep 0.3
	rx1=$(rx_packets)
	c1=$(nstat_val "$NS_B" "$counter")
	# Other traffic (ND, MLD) may add a few packets to the device.
	expect_ge "$name: B's rx_packets moved" "$(minus "$rx1" "$rx0")" "$N"
	expect_eq "$name: B's $counter moved" "$(minus "$c1" "$c0")" "$N"
}

# Which sources arrive at B: a dynamic nftables set of them.
HAVE_NFT=0
if command -v nft >/dev/null && B nft -f - <<'EOF'
table inet igt_seen {
	set v4 { type ipv4_addr; flags dynamic; size 4096; }
	set v6 { type ipv6_addr; flags dynamic; size 4096; }
	chain in {
		type filter hook input priority 0;
		ip saddr 10.199.128.0/24 add @v4 { ip saddr }
		ip6 saddr fd00:199:1:8000::/64 add @v6 { ip6 saddr }
	}
}
EOF
then
	HAVE_NFT=1
fi
# seen SET: how many sources B has seen in SET (v4 or v6).
seen() {
	B nft -j list set inet igt_seen "$1" | python3 -c '
import json, sys
for o in json.load(sys.stdin)["nftables"]:
    if "set" in o:
        print(len(o["set"].get("elem", [])))'
}

flood_check "v4 echo, live" IcmpInEchos -d "$(addr4_b 1)"
flood_check "v6 echo, live" Icmp6InEchos -d "$(addr6_b 1)"
flood_check "v4 echo, AF_XDP" IcmpInEchos -d "$(addr4_b 1)" -m xsk
flood_check "v4 echo, 200-byte frames" IcmpInEchos -d "$(addr4_b 1)" -l 200
flood_check "v4 echo, 50 sources" IcmpInEchos -d "$(addr4_b 1)" \
	-s 10.199.128.1/24 -N 50
flood_check "v6 echo, 20 random sources" Icmp6InEchos -d "$(addr6_b 1)" \
	-s fd00:199:1:8000::1/64 -N 20 --random
flood_check "v4 echo, paced" IcmpInEchos -d "$(addr4_b 1)" -r 50000
# No checksum errors anywhere: B answered every one of them.
expect_eq "no ICMP checksum errors" "$(nstat_val "$NS_B" IcmpInCsumErrors)" 0
expect_eq "no ICMPv6 checksum errors" "$(nstat_val "$NS_B" Icmp6InCsumErrors)" 0
expect_eq "no IPv4 header errors" "$(nstat_val "$NS_B" IpInHdrErrors)" 0

# The spoofed sources are the ones asked for.
if [ "$HAVE_NFT" = 1 ]; then
	expect_eq "distinct v4 sources seen by B" "$(seen v4)" 50
	expect_eq "distinct v6 sources seen by B" "$(seen v6)" 20
else
	log "nft not available: distinct sources not checked"
fi

# A type by name, a code by name, a VLAN tag: the frames B receives.
rx0=$(rx_packets)
expect_ok "dest-unreachable/port-unreachable by name" \
	A "$FLOOD" -i "$IA" -d "$(addr4_b 1)" -n 10 -t dest-unreachable \
	-c port-unreachable --quiet
expect_ok "VLAN-tagged" A "$FLOOD" -i "$IA" -d "$(addr4_b 1)" -n 10 --vlan 7 --quiet
expect_ge "B's rx_packets moved by 20" "$(minus "$(rx_packets)" "$rx0")" 20

# Bad input: one clear line, exit non-zero.
expect_fail "unknown type name" A "$FLOOD" -i "$IA" -d "$(addr4_b 1)" -n 1 -t echo-requst
expect_fail "address of the wrong family" A "$FLOOD" -i "$IA" -d "$(addr4_b 1)" -n 1 -s fd00::1
expect_fail "sources outside the prefix" A "$FLOOD" -i "$IA" -d "$(addr4_b 1)" -n 1 \
	-s 10.199.128.200/24 -N 100
expect_fail "no such interface" A "$FLOOD" -i nosuch0 -d "$(addr4_b 1)" -n 1
expect_fail "frame too small" A "$FLOOD" -i "$IA" -d "$(addr6_b 1)" -n 1 -l 60

lab_done
