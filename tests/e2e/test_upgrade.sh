#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck disable=SC2317 # helpers run through expect_ok
# e2e-timeout: 300
# Upgrade in place (issue 12). Part 1: the previous release (layout 1,
# before host/transit), built from git in a temporary worktree, attaches
# with a custom policy and filters; this build says its pins are another
# build's and names `upgrade`; `upgrade` moves the filter to this build
# under a running `ping -i 0.01` whose every request the policy drops (not
# one answered: never a moment unfiltered), with the same policy, the
# per-source table's size kept, the counters restarting at zero (their
# layout changed: it says so) and only this layout's pins left.
# Part 2: counters carried. A copy of this tree with IG_LAYOUT one higher
# (what the next layout bump looks like to this build's pins) upgrades
# this build's attachment under a `ping -i 0.01` the policy passes: every
# request sent is counted once across both programs. Then this build
# upgrades back (a downgrade works the same way), and attach --replace
# converges across layouts with the policy it is given. A pin removed by
# hand is named by status, and upgrade rebuilds the pins.
# The previous release's sources come from the git history
# (tests/e2e/prev-release names the commit), or from IG_PREV_TAR (`make
# check-fresh` puts them in its root, which has no history); without
# either the test fails, it does not pass silently. Building the two trees
# takes most of its time (a minute and more on two shared cores), hence
# the longer timeout above.
. "$(dirname "$0")/lib.sh"
lab_init "$@"
lab_pair 1
IF=$(ifb 1)
LAB_IFACES+=("$IF")
TOP=$(cd "$(dirname "$0")/../.." && pwd)
PREV=$(cat "$(dirname "$0")/prev-release") # the last layout-1 build
LAYOUT=$(sed -n 's/^#define IG_LAYOUT \([0-9]*\).*/\1/p' "$TOP/include/icmpgate.h")
OLD=$LAB_TMP/prev
NEXT=$LAB_TMP/next
mkdir -p "$OLD" "$NEXT"

prog_id() {
	ip -n "$NS_B" -d link show dev "$IF" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'
}
# ping_during N CMD...: ping -i 0.01 -c N from A while CMD runs in the
# middle; sets SENT and RECV.
ping_during() {
	local n=$1 ppid
	shift
	A ping -n -q -i 0.01 -c "$n" -W 1 "$(addr4_b 1)" >"$LAB_TMP/ping.out" 2>&1 &
	ppid=$!
	sleep 0.5
	expect_ok "$*, under ping -i 0.01" "$@"
	wait $ppid
	SENT=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$LAB_TMP/ping.out")
	RECV=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$LAB_TMP/ping.out")
}
# only_our_pins: the pin directory holds exactly the pins a fresh attach
# of this build makes (no staged pin, no map of the old layout).
only_our_pins() {
	[ "$(ls -A "$PIN_ROOT/$IF" | sort | tr '\n' ' ')" = "$OUR_PINS" ]
}

if [ -n "${IG_PREV_TAR:-}" ] && [ -f "$IG_PREV_TAR" ]; then
	tar -x -C "$OLD" -f "$IG_PREV_TAR"
elif git -C "$TOP" cat-file -e "$PREV^{commit}" 2>/dev/null; then
	git -C "$TOP" archive "$PREV" | tar -x -C "$OLD"
else
	fail_check "the previous release $PREV: not in the git history, no IG_PREV_TAR"
	lab_done
fi
# The next layout: this tree, IG_LAYOUT + 1; built while the old one is.
cp -a "$TOP/Makefile" "$TOP/include" "$TOP/bpf" "$TOP/user" "$NEXT/"
sed -i "s/^#define IG_LAYOUT $LAYOUT\$/#define IG_LAYOUT $((LAYOUT + 1))/" "$NEXT/include/icmpgate.h"
make -s -C "$NEXT" build/icmpgate >"$LAB_TMP/next-build.log" 2>&1 &
next_pid=$!
if ! make -s -C "$OLD" build/icmpgate >"$LAB_TMP/prev-build.log" 2>&1; then
	fail_check "the previous release builds" "$(tail -3 "$LAB_TMP/prev-build.log")"
	wait $next_pid
	lab_done
fi
pass_check "the previous release $PREV builds"
old() { nsenter --net="/run/netns/$NS_B" "$OLD/build/icmpgate" "$@"; }
next() { nsenter --net="/run/netns/$NS_B" "$NEXT/build/icmpgate" "$@"; }

# The pins of this build, as a fresh attach makes them.
expect_ok "this build attaches" ig attach "$IF"
OUR_PINS=$(ls -A "$PIN_ROOT/$IF" | sort | tr '\n' ' ')
expect_ok "detach" ig detach "$IF"

# ---- part 1: from the previous release ----------------------------------
pol=$(lab_file custom.policy "default pass
v4 echo-request drop
v6 echo-request limit per-source 50/s burst 60
v4 timestamp-request drop
block 10.199.77.0/24
allow 10.199.88.0/24
")
expect_ok "the previous release attaches (--max-sources 4096)" \
	old attach "$IF" --max-sources 4096 --policy "$pol"
expect_ok "and applies a change: set v4 info-request drop" old set "$IF" v4 info-request drop
expect_fail "v4 ping dropped by the previous release" noping_a4 1
expect_ok "v6 ping passes its limit" ping_a6 1
old_show=$(old policy show "$IF")
old_id=$(prog_id)

err=$(ig status "$IF" 2>&1)
expect_match "this build says the pins are another build's" "$err" \
	"pinned by another build of icmpgate"
expect_match "and names upgrade" "$err" "icmpgate upgrade"
run ig set "$IF" v4 echo-request pass
expect_match "set refuses, saying so" "$ERR" "another build"
expect_fail "v4 ping still dropped: nothing half-changed" noping_a4 1

ping_during 300 ig upgrade "$IF"
expect_eq "not one echo-request answered during the upgrade (never unfiltered)" "$RECV" 0
expect_ge "the ping ran through it" "$SENT" 250
expect_fail "a new program" test "$(prog_id)" = "$old_id"
expect_eq "status: this layout" "$(status_field "$IF" layout)" "$LAYOUT"
expect_eq "status: the program on the link" "$(status_field "$IF" prog_id)" "$(prog_id)"
expect_eq "the policy is the same" "$(ig policy show "$IF")" "$old_show"
expect_eq "the per-source table's size kept" "$(status_field "$IF" max_sources)" 4096
expect_ok "only this layout's pins" only_our_pins
expect_fail "v4 ping dropped by the new program" noping_a4 1
expect_ok "v6 ping passes" ping_a6 1
expect_ge "its drops counted from zero on" "$(stat_reason "$IF" drop-rule)" 2
expect_ok "set works on the migrated pins" ig set "$IF" v4 echo-request pass
expect_ok "v4 ping passes" ping_a4 1
expect_fail "an upgrade of what is not attached is refused" ig upgrade lo

# ---- part 2: counters carried to the next layout and back ---------------
if ! wait $next_pid; then
	fail_check "this tree builds with IG_LAYOUT $((LAYOUT + 1))" "$(tail -3 "$LAB_TMP/next-build.log")"
	lab_done
fi
expect_ok "stats --reset" ig stats "$IF" --reset
expect_ok "ping before" ping_a4 1
before=$(stat_type "$IF" v4 8 passed)
expect_eq "3 echo-requests counted" "$before" 3
next_out=$(next upgrade "$IF" 2>&1)
expect_match "the next layout's upgrade says the counters are kept" "$next_out" "counters kept"
expect_eq "status: layout $((LAYOUT + 1))" "$(next status "$IF" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["interfaces"][0]["layout"])')" $((LAYOUT + 1))
next stats "$IF" --json >"$LAB_TMP/next.json"
expect_eq "counters carried" "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(e["passed"] for e in d["types"] if e["family"]=="v4" and e["type"]==8))' "$LAB_TMP/next.json")" 3

ping_during 300 ig upgrade "$IF"
expect_eq "every request answered across the downgrade" "$RECV" "$SENT"
expect_eq "every request counted once across both programs" \
	"$(stat_type "$IF" v4 8 passed)" $((SENT + 3))
expect_eq "status: this layout again" "$(status_field "$IF" layout)" "$LAYOUT"
expect_ok "only this layout's pins" only_our_pins

# attach --replace across layouts: the policy given, the counters kept.
drop=$(lab_file drop.policy "v4 echo-request drop")
counted=$(stat_type "$IF" v4 8 passed)
expect_ok "the next layout's attach --replace with a policy" \
	next attach --replace "$IF" --policy "$drop"
expect_fail "its policy in force: v4 ping dropped" noping_a4 1
expect_eq "status: layout $((LAYOUT + 1))" "$(next status "$IF" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["interfaces"][0]["layout"])')" $((LAYOUT + 1))
expect_ok "this build's attach --replace converges back" ig attach --replace "$IF" --policy "$drop"
expect_eq "status: this layout" "$(status_field "$IF" layout)" "$LAYOUT"
expect_eq "counters kept through both" "$(stat_type "$IF" v4 8 passed)" "$counted"
expect_ge "and the drops counted" "$(stat_type "$IF" v4 8 dropped)" 2

# upgrade on this layout: a plain swap, the policy in force kept.
show=$(ig policy show "$IF")
id=$(prog_id)
expect_ok "upgrade on this layout" ig upgrade "$IF"
expect_fail "a new program" test "$(prog_id)" = "$id"
expect_eq "the policy kept" "$(ig policy show "$IF")" "$show"
# A pin removed by hand: named, and rebuilt by upgrade around the program.
rm -f "$PIN_ROOT/$IF/ifinfo"
expect_match "a pin removed by hand: status names upgrade" \
	"$(ig status "$IF" 2>&1)" "icmpgate upgrade $IF"
expect_ok "upgrade rebuilds the pins" ig upgrade "$IF"
expect_ok "every pin back" only_our_pins
expect_eq "the policy kept" "$(ig policy show "$IF")" "$show"
expect_fail "v4 ping still dropped" noping_a4 1
expect_ok "detach" ig detach "$IF"
expect_fail "no XDP program after detach" xdp_attached "$NS_B" "$IF"
expect_fail "no pins after detach" test -e "$PIN_ROOT/$IF"
lab_done
