#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck disable=SC2016,SC2317 # helpers run through expect_ok; scripts run in a namespace
# Counters are exact: after `stats --reset`, N passed and M dropped echo
# requests show up as exactly N and M under v4 type 8 (and K under v6 type
# 128) in `stats --json`, and the totals add up (every packet counted once,
# under one reason). ARP, ND and MLD also cross the link, so only echo
# numbers are compared exactly. Usage: test_counters.sh ICMPGATE
. "$(dirname "$0")/lib.sh"
lab_init "$@"
lab_pair 1
IF=$(ifb 1)
B4=$(addr4_b 1)
B6=$(addr6_b 1)
N=20
M=15
K=10

# sent_received OUTPUT: "T/R" from ping's summary line.
sent_received() {
	printf '%s\n' "$1" |
		sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1\/\2/p'
}

# totals_consistent IFACE: prints "ok" or what does not add up.
totals_consistent() {
	ig stats "$1" --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
t = {k: int(v) for k, v in d["totals"].items() if not isinstance(v, (dict, list))}
parts = ("non_icmp", "passed", "dropped", "rate_limited", "malformed")
bad = []
s = sum(t[k] for k in parts)
if t["packets"] != s:
    bad.append("packets %d != %s = %d" % (t["packets"], "+".join(parts), s))
for k in ("passed", "dropped", "rate_limited"):
    ts = sum(int(e[k]) for e in d["types"])
    if ts != t[k]:
        bad.append("sum of types %s %d != totals %s %d" % (k, ts, k, t[k]))
print("; ".join(bad) or "ok")
'
}

expect_ok "attach $IF" ig attach "$IF"
# An explicit rule, so that no rate limit in the default policy interferes.
expect_ok "set v4 echo-request pass" ig set "$IF" v4 echo-request pass
expect_ok "set v6 echo-request pass" ig set "$IF" v6 echo-request pass
expect_ok "warm-up ping (ARP, ND)" ping_a4 1 -c 1
expect_ok "warm-up ping6" ping_a6 1 -c 1
expect_ge "before reset: v4 echo-request passed" "$(stat_type "$IF" v4 8 passed)" 1
expect_ok "stats --reset" ig stats "$IF" --reset
expect_eq "after reset: v4 echo-request passed" "$(stat_type "$IF" v4 8 passed)" 0
expect_eq "after reset: v6 echo-request passed" "$(stat_type "$IF" v6 128 passed)" 0
# A must ARP again: a non-ICMP packet B's filter has to count.
ip -n "$NS_A" -4 neigh flush dev "$(ifa 1)"

out=$(A ping -n -q -c $N -i 0.01 -W 1 "$B4")
expect_eq "ping -c $N (allowed): sent/received" "$(sent_received "$out")" "$N/$N"
out=$(A ping -6 -n -q -c $K -i 0.01 -W 1 "$B6")
expect_eq "ping -6 -c $K (allowed): sent/received" "$(sent_received "$out")" "$K/$K"

expect_ok "set v4 echo-request drop" ig set "$IF" v4 echo-request drop
out=$(A ping -n -q -c $M -i 0.01 -W 1 "$B4")
expect_eq "ping -c $M (dropped): sent/received" "$(sent_received "$out")" "$M/0"

expect_eq "v4 echo-request passed" "$(stat_type "$IF" v4 8 passed)" $N
expect_eq "v4 echo-request dropped" "$(stat_type "$IF" v4 8 dropped)" $M
expect_eq "v4 echo-request rate_limited" "$(stat_type "$IF" v4 8 rate_limited)" 0
expect_eq "v6 echo-request passed" "$(stat_type "$IF" v6 128 passed)" $K
expect_eq "v6 echo-request dropped" "$(stat_type "$IF" v6 128 dropped)" 0
# Replies arrive on A's end, which is not filtered.
expect_eq "v4 echo-reply seen on $IF" "$(stat_type "$IF" v4 0 passed)" 0
expect_ge "non-ICMP counted (ARP)" "$(stat_total "$IF" non_icmp)" 1
expect_ge "total passed covers echo" "$(stat_total "$IF" passed)" $((N + K))
expect_ge "total dropped covers echo" "$(stat_total "$IF" dropped)" $M
expect_eq "totals add up" "$(totals_consistent "$IF")" ok
# 64-byte ping: 14 Ethernet + 20 IPv4 + 8 ICMP + 56 data = 98 bytes a frame.
# bytes of a type count every frame of it, passed or dropped.
expect_eq "v4 echo-request bytes, (N+M) x 98" "$(stat_type "$IF" v4 8 bytes)" $(((N + M) * 98))

# A reset in the middle of nothing: counters really go back to zero.
expect_ok "stats --reset again" ig stats "$IF" --reset
expect_eq "after reset: v4 echo-request dropped" "$(stat_type "$IF" v4 8 dropped)" 0
expect_eq "after reset: totals add up" "$(totals_consistent "$IF")" ok

lab_done
