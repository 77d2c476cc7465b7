#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck disable=SC2317 # helpers run through expect_ok
# Races and crashes of policy changes, on real packets:
#
# 1. SWAPS policy swaps under two floods, with a marker that shows a mix.
#    Flood L sends timestamp-requests (13) from 10.199.128.0/25, flood U
#    timestamp-replies (14) from 10.199.128.128/25. Policy A blocks L's
#    prefix and passes 14 by rule: 13 is drop-blocklist, 14 pass-rule.
#    Policy B allows U's prefix, passes 13 and drops 14 by rule: 13 is
#    pass-rule, 14 pass-allowlist. A packet judged by A's prefixes and B's
#    rules would be a 14 dropped by rule; by B's prefixes and A's rules, a
#    13 passed by default: neither may be counted, 14 never dropped, and
#    what was counted for 13 and 14 must add up to what the floods sent
#    (none lost, none counted twice). The generation advances by one per
#    apply.
# 2. PARALLEL applies of PARALLEL different policies at once: all
#    succeed, the generation advances by exactly PARALLEL, and the policy
#    in force is exactly one of them.
# 3. KILLS `policy apply` runs killed with SIGKILL at a random moment
#    (0-40 ms in): `policy show` is then exactly the old or the new policy,
#    the next apply works, and the counters never go back.
# RACES_SWAPS, RACES_PARALLEL, RACES_KILLS, RACES_RATE and RACES_FLOOD_SECS
# change the numbers. A thousand applies take 40-90 s on a shared 2-CPU
# machine, hence:
# e2e-timeout: 240
# Usage: test_races.sh ICMPGATE (icmpflood is $(dirname ICMPGATE)/tools)
. "$(dirname "$0")/lib.sh"
lab_init "$@"
lab_icmpflood
lab_pair 1
B4=$(addr4_b 1) # A floods B over pair 1
IF=$(ifb 1)
IA=$(ifa 1)
SWAPS=${RACES_SWAPS:-1000}
PARALLEL=${RACES_PARALLEL:-8}
KILLS=${RACES_KILLS:-200}
RATE=${RACES_RATE:-5000} # packets/s of each flood (AF_XDP: below 20k)
FLOOD_SECS=${RACES_FLOOD_SECS:-30}

A_POL=$(lab_file a.policy "block 10.199.128.0/25
v4 timestamp-reply pass")
B_POL=$(lab_file b.policy "allow 10.199.128.128/25
v4 timestamp-request pass
v4 timestamp-reply drop")

# generation: the number of applies since attach, from `status --json`.
generation() { status_field "$IF" generation; }
# packets: the total of `stats --json` (no python: it runs once a kill).
packets() {
	ig stats "$IF" --json 2>/dev/null |
		sed -n '/"totals"/,/}/s/.*"packets": *\([0-9]*\).*/\1/p' | head -n 1
}

expect_ok "attach $IF with policy A" ig attach "$IF" --policy "$A_POL"
expect_ok "warm-up ping (neighbour entry)" ping_a4 1 -c 1
ig policy show "$IF" >"$LAB_TMP/a.canon"
expect_ok "apply B" ig policy apply "$IF" "$B_POL"
ig policy show "$IF" >"$LAB_TMP/b.canon"
expect_ok "A and B print differently" \
	bash -c "! cmp -s '$LAB_TMP/a.canon' '$LAB_TMP/b.canon'"
expect_ok "stats --reset" ig stats "$IF" --reset

# ---- 1. swaps under floods ------------------------------------------------
log "1. $SWAPS swaps under two floods of $RATE packets/s"
g0=$(generation)
# Both floods use AF_XDP (paced at any rate, where live frames pace from
# about 20 kpps up), one TX queue each: A's veth gets a second one.
UQ=(-m xsk -q 1)
if ! command -v ethtool >/dev/null || ! A ethtool -L "$IA" tx 2 rx 2 2>/dev/null; then
	log "no second TX queue on $IA: flood U uses live frames"
	UQ=(-m live)
fi
# Each flood sends exactly RATE x FLOOD_SECS packets (a flood stopped by a
# signal cannot say how many it sent); the swaps go on while they run.
count=$((RATE * FLOOD_SECS))
lab_bg "$NS_A" bash -c "exec '$FLOOD' -i '$IA' -d '$B4' -s 10.199.128.0/25 \
	-N 128 -t 13 -m xsk -r $RATE -n $count --json >'$LAB_TMP/l.json'"
FL=${LAB_PIDS[-1]}
lab_bg "$NS_A" bash -c "exec '$FLOOD' -i '$IA' -d '$B4' -s 10.199.128.128/25 \
	-N 128 -t 14 ${UQ[*]} -r $RATE -n $count --json >'$LAB_TMP/u.json'"
FU=${LAB_PIDS[-1]}
sleep 0.3
t0=$SECONDS
failed=0 i=0
flooding() { kill -0 "$FL" 2>/dev/null || kill -0 "$FU" 2>/dev/null; }
while [ "$i" -lt "$SWAPS" ] || flooding; do
	i=$((i + 1))
	if [ $((i % 2)) -eq 1 ]; then f=$A_POL; else f=$B_POL; fi
	ig policy apply "$IF" "$f" >/dev/null 2>&1 || failed=$((failed + 1))
done
log "$i applies in $((SECONDS - t0)) s"
expect_eq "applies that failed" "$failed" 0
expect_eq "generation advanced by one per apply" \
	"$(minus "$(generation)" "$g0")" "$i"
for pid in "$FL" "$FU"; do lab_stop "$pid"; done
sleep 0.3
sent() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["packets"])' "$1" 2>/dev/null || echo ERR; }
sl=$(sent "$LAB_TMP/l.json")
su=$(sent "$LAB_TMP/u.json")
log "flood L sent $sl, flood U sent $su"
expect_eq "flood L sent all it was asked" "$sl" "$count"
expect_eq "flood U sent all it was asked" "$su" "$count"
js=$(ig stats "$IF" --json)
verdict=$(printf '%s' "$js" | python3 -c '
import json, sys
d = json.load(sys.stdin)
sl, su = int(sys.argv[1]), int(sys.argv[2])
def typ(ty, k):
    return sum(int(e[k]) for e in d["types"]
               if e["family"] == "v4" and int(e["type"]) == ty)
def reason(name):
    return int(d["reasons"].get(name, {}).get("packets", 0))
bad = []
if typ(14, "dropped"):
    bad.append("%d 14s dropped: B rules under A prefixes" % typ(14, "dropped"))
if reason("pass-default"):
    bad.append("%d pass-default: A rules under B prefixes" % reason("pass-default"))
if reason("drop-blocklist") != typ(13, "dropped"):
    bad.append("drop-blocklist %d, 13s dropped %d" %
               (reason("drop-blocklist"), typ(13, "dropped")))
if reason("pass-rule") + reason("pass-allowlist") != typ(13, "passed") + typ(14, "passed"):
    bad.append("pass-rule + pass-allowlist differ from the 13s and 14s passed")
for k in ("rate_limited",):
    if typ(13, k) or typ(14, k):
        bad.append("13 or 14 %s" % k)
n13 = typ(13, "passed") + typ(13, "dropped")
n14 = typ(14, "passed")
if n13 != sl:
    bad.append("13 counted %d, sent %d" % (n13, sl))
if n14 != su:
    bad.append("14 counted %d, sent %d" % (n14, su))
if bad:
    print("; ".join(bad))
else:
    print("ok A judged %d 13s and %d 14s, B %d 13s and %d 14s" %
          (reason("drop-blocklist"), typ(14, "passed") - reason("pass-allowlist"),
           typ(13, "passed"), reason("pass-allowlist")))
' "$sl" "$su")
log "markers: $verdict"
expect_match "every packet judged by A or by B, counted once" "$verdict" '^ok '
expect_ok "both policies judged packets of both floods" \
	python3 -c 'import sys; a = sys.argv[1].split(); sys.exit(not all(int(a[i]) > 0 for i in (3, 6, 9, 12)))' "$verdict"

# ---- 2. parallel applies ----------------------------------------------------
log "2. $PARALLEL applies at once (at $((SECONDS - t0)) s)"
for i in $(seq "$PARALLEL"); do
	lab_file "p$i.policy" "v4 timestamp-request drop
v4 $((60 + i)) drop" >/dev/null
done
g0=$(generation)
pids=()
for i in $(seq "$PARALLEL"); do
	ig policy apply "$IF" "$LAB_TMP/p$i.policy" >"$LAB_TMP/p$i.out" 2>&1 &
	pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
expect_eq "parallel applies that failed" "$failed" 0
expect_eq "generation advanced by $PARALLEL" "$(minus "$(generation)" "$g0")" \
	"$PARALLEL"
ig policy show "$IF" >"$LAB_TMP/now.canon"
match=0
for i in $(seq "$PARALLEL"); do
	grep -Eq "^v4 $((60 + i)) +drop" "$LAB_TMP/now.canon" &&
		match=$((match + 1))
done
expect_eq "the policy in force is exactly one of them" "$match" 1

# ---- 3. kill -9 during apply --------------------------------------------
log "3. $KILLS applies killed at a random moment (at $((SECONDS - t0)) s)"
# A moving counter while we kill: a ping flood (echo passes under both).
lab_bg "$NS_A" ping -f -q "$B4" >/dev/null
expect_ok "apply A" ig policy apply "$IF" "$A_POL"
old=$LAB_TMP/a.canon
mixed=0 monotonic=1 killed=0 after_ok=0
last=$(packets)
for i in $(seq "$KILLS"); do
	if [ $((i % 2)) -eq 1 ]; then
		f=$B_POL new=$LAB_TMP/b.canon
	else
		f=$A_POL new=$LAB_TMP/a.canon
	fi
	nsenter --net="/run/netns/$NS_B" "$ICMPGATE" policy apply "$IF" "$f" \
		>/dev/null 2>&1 &
	pid=$!
	sleep "0.0$(printf '%02d' $((RANDOM % 40)))"
	kill -9 "$pid" 2>/dev/null && killed=$((killed + 1))
	wait "$pid" 2>/dev/null
	ig policy show "$IF" >"$LAB_TMP/show" 2>/dev/null
	if cmp -s "$LAB_TMP/show" "$new"; then
		old=$new
	elif ! cmp -s "$LAB_TMP/show" "$old"; then
		mixed=$((mixed + 1))
		log "kill $i: the policy in force is neither the old nor the new"
		sed 's/^/#   /' "$LAB_TMP/show" | head -n 5
		ig policy apply "$IF" "$A_POL" >/dev/null 2>&1
		old=$LAB_TMP/a.canon
	fi
	now=$(packets)
	if ! [[ $now =~ ^[0-9]+$ ]] || [ "$now" -lt "$last" ]; then
		monotonic=0
		log "kill $i: packets went from $last to $now"
	fi
	last=$now
done
log "$killed of $KILLS applies were killed before they ended (at $((SECONDS - t0)) s)"
expect_eq "applies that left neither the old nor the new policy" "$mixed" 0
expect_eq "the packet counter never went back" "$monotonic" 1
expect_ge "applies killed in flight" "$killed" $((KILLS / 4))
expect_ok "an apply after the kills works" ig policy apply "$IF" "$B_POL"
expect_ok "... and is in force" cmp -s <(ig policy show "$IF") "$LAB_TMP/b.canon"
expect_ok "v4 ping after it all" ping_a4 1 -c 2

lab_done
