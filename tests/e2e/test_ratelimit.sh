#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck disable=SC2016,SC2317 # helpers run through expect_ok; scripts run in a namespace
# Rate limits on real traffic: a `ping -f` from one source is held to its
# per-source rate (loose bounds: rate x time + burst, +-30 %), while a
# second source in the same namespace still gets every ping through; the
# class limit and the per-source drops show in `stats`, the flooder tops
# `top`, `stats --watch` shows passed and limited per second, and a limit
# survives `policy show | policy apply` unchanged. Essential messages
# cannot be put behind one bucket. Usage: test_ratelimit.sh ICMPGATE
. "$(dirname "$0")/lib.sh"
lab_init "$@"
lab_pair 1
IF=$(ifb 1)
A1=$(addr4_a 1)
A2=10.199.1.3 # the second source, on A's end too
A6=$(addr6_a 1)
B4=$(addr4_b 1)
B6=$(addr6_b 1)
RATE=20
BURST=10
FLOOD_S=4

ip -n "$NS_A" addr add "$A2/24" dev "$(ifa 1)"

# top_field IFACE SOURCE FIELD: one field of a source in `top --json`.
top_field() {
	ig top "$1" --json -n 100 | python3 -c '
import json, sys
try:
    for s in json.load(sys.stdin)["sources"]:
        if s["source"] == sys.argv[1]:
            print(int(s[sys.argv[2]]))
            break
    else:
        print("ERR no", sys.argv[1])
except Exception as e:
    print("ERR", e)
' "$2" "$3"
}

# within NAME GOT WANT: GOT within +-30 % of WANT.
within() {
	if [[ $2 =~ ^[0-9]+$ ]] && [ $(($2 * 10)) -ge $(($3 * 7)) ] &&
		[ $(($2 * 10)) -le $(($3 * 13)) ]; then
		pass_check "$1 = $2 (want $3 +-30%)"
		return 0
	fi
	fail_check "$1" "got '$2', want $3 +-30%"
	return 1
}

POLICY=$(lab_file limit.policy "# echo: a class limit and a per-source limit
v4 echo-request limit 1000/s per-source $RATE/s burst $BURST
v6 echo-request limit per-source $RATE/s burst $BURST
v4 dest-unreachable/frag-needed limit per-source 100/s burst 200")

expect_ok "attach $IF with limits, --max-sources 4096" \
	ig attach "$IF" --policy "$POLICY" --max-sources 4096
expect_eq "status: max_sources" "$(status_field "$IF" max_sources)" 4096
expect_ok "policy show has the limit" \
	policy_has "$IF" "^v4 echo-request limit 1000/s per-source $RATE/s burst $BURST\$"
expect_ok "policy show has the v6 limit" \
	policy_has "$IF" "^v6 echo-request limit per-source $RATE/s burst $BURST\$"
d0=$(status_field "$IF" policy_digest)
ig policy show "$IF" >"$LAB_TMP/shown"
expect_ok "apply what policy show printed" ig policy apply "$IF" "$LAB_TMP/shown"
expect_eq "the digest did not change" "$(status_field "$IF" policy_digest)" "$d0"

expect_ok "warm-up ping (ARP)" ping_a4 1 -c 1
expect_ok "warm-up ping from the second source" ping_a4 1 -c 1 -I "$A2"
expect_ok "warm-up ping6 (ND)" ping_a6 1 -c 1
sleep 1 # every bucket full again

# The flood, and pings from the other source while it runs.
p0=$(top_field "$IF" "$A1/32" passed)
s0=$(stat_reason "$IF" rate-limited-source)
lab_bg "$NS_A" ping -f -q -w "$FLOOD_S" "$B4" >/dev/null
FLOOD=${LAB_PIDS[-1]}
sleep 1
expect_ok "second source's pings get through during the flood" \
	ping_a4 1 -c 5 -i 0.2 -I "$A2"
wait "$FLOOD"
p1=$(top_field "$IF" "$A1/32" passed)
s1=$(stat_reason "$IF" rate-limited-source)
passed=$(minus "$p1" "$p0")
limited=$(minus "$s1" "$s0")
within "flooder held to $RATE/s x ${FLOOD_S} s + burst $BURST" "$passed" \
	$((RATE * FLOOD_S + BURST))
expect_ge "the flood went over the limit (rate-limited-source)" "$limited" \
	$((RATE * FLOOD_S))
expect_eq "second source: no drops" "$(top_field "$IF" "$A2/32" dropped)" 0
expect_ge "second source: its pings passed" \
	"$(top_field "$IF" "$A2/32" passed)" 5
expect_eq "nothing class-limited (the class has room)" \
	"$(stat_reason "$IF" rate-limited-class)" 0
top1=$(ig top "$IF" -n 1 --json | python3 -c '
import json, sys
print(json.load(sys.stdin)["sources"][0]["source"])')
expect_eq "top: the flooder has the most drops" "$top1" "$A1/32"
expect_ok "top: table lists the flooder" \
	sh -c "nsenter --net=/run/netns/$NS_B '$ICMPGATE' top '$IF' | grep -q '$A1/32 .*v4 echo-request'"
expect_ge "stats: v4 echo-request rate_limited" \
	"$(stat_type "$IF" v4 8 rate_limited)" $((RATE * FLOOD_S))

# The same for IPv6, by /64.
sleep 1
p0=$(top_field "$IF" "fd00:199:1::/64" passed)
lab_bg "$NS_A" ping -6 -f -q -w "$FLOOD_S" "$B6" >/dev/null
wait "${LAB_PIDS[-1]}"
p1=$(top_field "$IF" "fd00:199:1::/64" passed)
within "v6 flooder's /64 held to $RATE/s" "$(minus "$p1" "$p0")" \
	$((RATE * FLOOD_S + BURST))

# A class limit holds everyone together.
expect_ok "set a class-only limit of 30/s" \
	ig set "$IF" v4 echo-request limit 30/s burst 10
sleep 1
c0=$(stat_reason "$IF" pass-limit)
lab_bg "$NS_A" ping -f -q -w "$FLOOD_S" "$B4" >/dev/null
F1=${LAB_PIDS[-1]}
lab_bg "$NS_A" ping -f -q -w "$FLOOD_S" -I "$A2" "$B4" >/dev/null
wait "$F1" "${LAB_PIDS[-1]}"
c1=$(stat_reason "$IF" pass-limit)
within "two flooders together held to the class's 30/s" "$(minus "$c1" "$c0")" \
	$((30 * FLOOD_S + 10))
expect_ge "class drops counted" "$(stat_reason "$IF" rate-limited-class)" \
	$((30 * FLOOD_S))

# stats --watch shows passed and rate_limited per second during a flood.
lab_bg "$NS_A" ping -f -q -w 3 "$B4" >/dev/null
watch_out=$(timeout 2.5 nsenter --net="/run/netns/$NS_B" "$ICMPGATE" stats "$IF" --watch 1)
wait "${LAB_PIDS[-1]}"
expect_match "stats --watch: per second" "$watch_out" "per second over the last 1 s"
expect_match "stats --watch: rate_limited per second" "$watch_out" \
	"rate_limited +[1-9][0-9]*\.[0-9]"
expect_match "stats --watch: passed per second" "$watch_out" \
	"passed +[1-9][0-9]*\.[0-9]"

# What must not be limited for everyone at once.
expect_fail "class limit on frag-needed refused" \
	ig set "$IF" v4 dest-unreachable/frag-needed limit 10/s
expect_fail "limit on neighbor-solicit refused" \
	ig set "$IF" v6 neighbor-solicit limit per-source 10/s
expect_fail "rate 0 refused" ig set "$IF" v4 echo-request limit 0/s
expect_ok "the refused statements left the policy" \
	policy_has "$IF" "^v4 echo-request limit 30/s burst 10\$"
expect_ok "detach $IF" ig detach "$IF"

lab_done
