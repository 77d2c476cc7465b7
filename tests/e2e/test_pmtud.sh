#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck disable=SC2016,SC2317 # helpers run through expect_ok; scripts run in a namespace
# Path-MTU discovery through the filter, and the black hole without it.
# Three namespaces: the client B (icmpgate on its veth), the router A and
# the server C. The router's end of its link to the server has MTU 1280,
# the server's end 1500, so the server announces an MSS of 1460 and the
# client's full-size segments only get through once PMTUD has shrunk them.
# For IPv4, then IPv6:
#  - default policy: a 1 MB TCP upload completes; the router's
#    frag-needed / packet-too-big quote the client's own segments, pass
#    validation, and the client learns MTU 1280;
#  - frag-needed / packet-too-big dropped (force), route cache flushed:
#    the same upload stalls, so the test can tell a black hole;
#  - forged ones, quoting a packet the client never sent, are dropped
#    and counted invalid-source, in the dropped total and under their
#    type; PMTUD health records the router's as valid and these as forged,
#    in the bucket of MTU 1280;
#  - with `validate socket`, the upload completes too, and forgeries that
#    name the client's own address but no connection of it are dropped as
#    invalid-socket. (Linux would ignore these forgeries too, as no socket matches
#    what they quote; the filter drops them before the kernel spends
#    anything on them, and counts them.)
# Usage: test_pmtud.sh ICMPGATE
. "$(dirname "$0")/lib.sh"
lab_init "$@"
lab_pair 1 # A (router) <-> B (client)
lab_ns_c
IF=$(ifb 1)
R_IF=ig2r$LAB_ID # the router's end towards the server
S_IF=ig2s$LAB_ID # the server's end
R4=$(addr4_a 1)
R6=$(addr6_a 1)
C4=$(addr4_b 1)
C6=$(addr6_b 1)
S4=10.198.2.2
S6=fd00:198:2::2
SIZE=1048576
PORT4=5001
PORT6=5002
FORGE=$(dirname "$ICMPGATE")/tools/forge # tools/lab/forge.c

ip -n "$NS_A" link add "$R_IF" type veth peer name "$S_IF" netns "$NS_C" ||
	die "cannot create the router-server link"
ip -n "$NS_A" link set "$R_IF" mtu 1280 up
ip -n "$NS_C" link set "$S_IF" up
ip -n "$NS_A" addr add 10.198.2.1/24 dev "$R_IF"
ip -n "$NS_C" addr add "$S4/24" dev "$S_IF"
ip -n "$NS_A" addr add fd00:198:2::1/64 dev "$R_IF" nodad
ip -n "$NS_C" addr add "$S6/64" dev "$S_IF" nodad
A sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
ip -n "$NS_B" route add default via "$R4"
ip -n "$NS_B" -6 route add default via "$R6"
ip -n "$NS_C" route add default via 10.198.2.1
ip -n "$NS_C" -6 route add default via fd00:198:2::1
# The server counts what it got: `wc -c` prints it when the client is done.
lab_bg "$NS_C" socat "TCP4-LISTEN:$PORT4,reuseaddr,fork" EXEC:"wc -c"
lab_bg "$NS_C" socat "TCP6-LISTEN:$PORT6,reuseaddr,fork,ipv6only=1" EXEC:"wc -c"
for _ in $(seq 50); do
	C ss -Hltn | grep -q ":$PORT6" && C ss -Hltn | grep -q ":$PORT4" && break
	sleep 0.1
done

# upload TARGET: SIZE bytes from the client to the server within a few
# seconds; prints what the server counted.
upload() {
	B timeout 6 sh -c "head -c $SIZE /dev/zero |
		socat -t 5 - TCP:$1,connect-timeout=2" 2>/dev/null |
		tr -d ' \n'
}

# route_mtu 4|6 DST: the MTU the client's route to DST carries, or none.
route_mtu() {
	ip -n "$NS_B" -"$1" route get "$2" | sed -n 's/.* mtu \([0-9]*\).*/\1/p' |
		grep . || echo none
}

flush_pmtu() {
	ip -n "$NS_B" route flush cache
	ip -n "$NS_B" -6 route flush cache
}

BLACKHOLE=$(lab_file blackhole.policy "v4 dest-unreachable/frag-needed drop force
v6 packet-too-big drop force")
DEFAULT=$(lab_file default.policy "$("$ICMPGATE" policy default)")
SOCKET=$(lab_file socket.policy "$("$ICMPGATE" policy default |
	sed 's/ validate$/ validate socket/')")

expect_ok "attach $IF with the default policy" ig attach "$IF"
expect_ok "policy show validates frag-needed" \
	policy_has "$IF" '^v4 dest-unreachable/frag-needed limit per-source .* validate$'
expect_ok "policy show validates packet-too-big" \
	policy_has "$IF" '^v6 packet-too-big limit per-source .* validate$'

# invalid: the three invalid-* counters of PMTUD validation, as a/b/c.
invalid() {
	echo "$(stat_reason "$IF" invalid-source)/$(stat_reason "$IF" invalid-quote)/$(stat_reason "$IF" invalid-mtu)"
}

# pmtud FAM OUTCOME MAX: PMTUD messages of family vFAM recorded as OUTCOME
# (valid, forged) in the bucket of MTUs up to MAX (stats --json "pmtud").
pmtud() {
	ig stats "$IF" --json | python3 -c '
import json, sys
try:
    f, o, m = "v" + sys.argv[1], sys.argv[2], int(sys.argv[3])
    h = [e for e in json.load(sys.stdin)["pmtud"]
         if e["family"] == f and e["outcome"] == o][0]
    print([b["messages"] for b in h["buckets"] if b["max_mtu"] == m][0])
except Exception as e:
    print("ERR", e)
' "$1" "$2" "$3"
}

# check FAM TYPE SERVER PORT: the three steps for one family. The forged
# messages come before the black hole: after it, the stalled connection
# may still send full-size segments, and the router's answers to them
# would move the counters the forged ones are measured by.
check() {
	local fam=$1 type=$2 server=$3 port=$4 target p0 d0 i0 d1 inv
	target=$server:$port
	[ "$fam" = 6 ] && target="[$server]:$port"

	log "IPv$fam: PMTUD through the default policy"
	flush_pmtu
	expect_eq "v$fam: no MTU learned yet" "$(route_mtu "$fam" "$server")" none
	p0=$(stat_type "$IF" "v$fam" "$type" passed)
	h0=$(pmtud "$fam" valid 1280)
	inv=$(invalid)
	expect_eq "v$fam: 1 MB upload completes" "$(upload "$target")" "$SIZE"
	expect_eq "v$fam: the client learned MTU 1280" \
		"$(route_mtu "$fam" "$server")" 1280
	expect_ge "v$fam: the router's PMTUD messages passed" \
		"$(minus "$(stat_type "$IF" "v$fam" "$type" passed)" "$p0")" 1
	expect_eq "v$fam: none of them was invalid" "$(invalid)" "$inv"
	expect_ge "v$fam: PMTUD health: valid, MTU up to 1280" \
		"$(minus "$(pmtud "$fam" valid 1280)" "$h0")" 1

	log "IPv$fam: forged PMTUD messages"
	flush_pmtu
	i0=$(stat_reason "$IF" invalid-source)
	d0=$(stat_total "$IF" dropped)
	d1=$(stat_type "$IF" "v$fam" "$type" dropped)
	h0=$(pmtud "$fam" forged 1280)
	if [ "$fam" = 4 ]; then
		A "$FORGE" ptb 4 "$C4" 10.199.1.77 "$server" 1280 3
	else
		A "$FORGE" ptb 6 "$C6" fd00:199:1::77 "$server" 1280 3
	fi
	sleep 0.3
	expect_eq "v$fam: 3 forged, 3 counted invalid-source" \
		"$(minus "$(stat_reason "$IF" invalid-source)" "$i0")" 3
	expect_eq "v$fam: and in the dropped total" \
		"$(minus "$(stat_total "$IF" dropped)" "$d0")" 3
	expect_eq "v$fam: and as dropped $type" \
		"$(minus "$(stat_type "$IF" "v$fam" "$type" dropped)" "$d1")" 3
	expect_eq "v$fam: PMTUD health: 3 forged, MTU up to 1280" \
		"$(minus "$(pmtud "$fam" forged 1280)" "$h0")" 3

	log "IPv$fam: validate socket"
	expect_ok "v$fam: policy apply: PMTUD with validate socket" \
		ig policy apply "$IF" "$SOCKET"
	expect_ok "v$fam: policy show has it" \
		policy_has "$IF" " validate socket\$"
	flush_pmtu
	p0=$(stat_type "$IF" "v$fam" "$type" passed)
	expect_eq "v$fam: 1 MB upload completes" "$(upload "$target")" "$SIZE"
	expect_eq "v$fam: the client learned MTU 1280" \
		"$(route_mtu "$fam" "$server")" 1280
	expect_ge "v$fam: the router's PMTUD messages found their socket" \
		"$(minus "$(stat_type "$IF" "v$fam" "$type" passed)" "$p0")" 1
	flush_pmtu
	i0=$(stat_reason "$IF" invalid-socket)
	if [ "$fam" = 4 ]; then
		A "$FORGE" ptb 4 "$C4" "$C4" "$server" 1280 3
	else
		A "$FORGE" ptb 6 "$C6" "$C6" "$server" 1280 3
	fi
	sleep 0.3
	expect_eq "v$fam: 3 forged from our own address, 3 invalid-socket" \
		"$(minus "$(stat_reason "$IF" invalid-socket)" "$i0")" 3

	log "IPv$fam: the same upload into a black hole"
	expect_ok "v$fam: policy apply: drop PMTUD (force)" \
		ig policy apply "$IF" "$BLACKHOLE"
	flush_pmtu
	d0=$(stat_type "$IF" "v$fam" "$type" dropped)
	expect_fail "v$fam: 1 MB upload stalls" \
		test "$(upload "$target")" = "$SIZE"
	expect_ge "v$fam: the router's PMTUD messages were dropped" \
		"$(minus "$(stat_type "$IF" "v$fam" "$type" dropped)" "$d0")" 1
	expect_eq "v$fam: the client learned nothing" \
		"$(route_mtu "$fam" "$server")" none
	expect_ok "v$fam: policy apply: the default policy again" \
		ig policy apply "$IF" "$DEFAULT"
}

check 4 3 "$S4" "$PORT4"
check 6 2 "$S6" "$PORT6"

# Every reason, new ones too, adds to one total: they add up to packets.
expect_eq "totals add up to packets" "$(ig stats "$IF" --json | python3 -c '
import json, sys
t = json.load(sys.stdin)["totals"]
print(t["packets"] == sum(v for k, v in t.items() if k != "packets"))')" True
lab_done
