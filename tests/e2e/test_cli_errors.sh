#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck disable=SC2016,SC2317 # helpers run through expect_ok; scripts run in a namespace
# Errors on a real system: each failing command exits non-zero with one
# line on stderr and changes nothing. A failed attach leaves no program and
# no pins; a second attach leaves the first one filtering; a rejected
# policy leaves the old one live (text, digest and traffic); `policy show |
# policy apply -` is a no-op; detach removes the program and the pins.
# Usage: test_cli_errors.sh ICMPGATE
. "$(dirname "$0")/lib.sh"
lab_init "$@"
lab_pair 1
IF=$(ifb 1)
MISSING=igmiss$LAB_ID

pins_of() { [ -e "$PIN_ROOT/$1" ] && ls -A "$PIN_ROOT/$1"; }
no_pins() { [ ! -e "$PIN_ROOT/$1" ]; }
has_pins() { [ -n "$(pins_of "$1")" ]; }
dropped4() { stat_type "$IF" v4 8 dropped; }

# ---- attach failures leave nothing behind
run ig attach "$MISSING"
expect_error "attach a missing interface"
expect_ok "no pins for $MISSING" no_pins "$MISSING"

bad=$(lab_file bad.policy "# a typo on line 3, column 4
default pass
v4 echo-requst drop")
run ig attach "$IF" --policy "$bad"
expect_error "attach with a bad policy"
expect_match "error names file:line:col and the word" "$ERR" "$bad:3:4: .*echo-requst"
expect_fail "no XDP program after the failed attach" xdp_attached "$NS_B" "$IF"
expect_ok "no pins after the failed attach" no_pins "$IF"
expect_ok "v4 ping unfiltered" ping_a4 1
run ig attach "$IF" --mode bogus
expect_error "attach --mode bogus"
expect_fail "no XDP program after the failed attach" xdp_attached "$NS_B" "$IF"

# ---- another XDP program on the interface is left alone
prog_id() {
	ip -n "$NS_B" -d link show dev "$1" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'
}
OBJ=$(dirname "$ICMPGATE")/bpf/icmpgate.bpf.o
if ip -n "$NS_B" link set dev "$IF" xdpgeneric obj "$OBJ" sec xdp.frags; then
	foreign=$(prog_id "$IF")
	run ig attach "$IF"
	expect_error "attach over another XDP program"
	expect_eq "the other program stays" "$(prog_id "$IF")" "$foreign"
	expect_ok "no pins after the refused attach" no_pins "$IF"
	run ig detach "$IF"
	expect_error "detach of another XDP program"
	expect_eq "the other program still stays" "$(prog_id "$IF")" "$foreign"
	ip -n "$NS_B" link set dev "$IF" xdpgeneric off
else
	fail_check "ip link attaches $OBJ as another tool's program"
fi

# ---- attach, then attach twice
drop4=$(lab_file drop4.policy "v4 echo-request drop")
expect_ok "attach $IF --policy (v4 echo-request drop)" ig attach "$IF" --policy "$drop4"
expect_ok "pins under $PIN_ROOT/$IF" has_pins "$IF"
pins0=$(pins_of "$IF")
show0=$(ig policy show "$IF")
digest0=$(status_field "$IF" policy_digest)
expect_match "status --json has a policy digest" "$digest0" '^[0-9a-fA-F]{16}$'
expect_eq "status --json: attached" "$(status_field "$IF" attached)" true
d0=$(dropped4)
expect_fail "v4 ping filtered" noping_a4 1
expect_eq "v4 echo-request dropped" "$(minus "$(dropped4)" "$d0")" 2

run ig attach "$IF"
expect_error "attach twice"
expect_ok "XDP program still on $IF" xdp_attached "$NS_B" "$IF"
expect_eq "pins unchanged" "$(pins_of "$IF")" "$pins0"
expect_eq "policy unchanged by the second attach" "$(ig policy show "$IF")" "$show0"
d0=$(dropped4)
expect_fail "first attachment still drops v4 echo" noping_a4 1
expect_eq "v4 echo-request dropped" "$(minus "$(dropped4)" "$d0")" 2
expect_ok "v6 ping still passes" ping_a6 1

# ---- detach what is not attached
run ig detach lo
expect_error "detach lo (not attached)"
run ig detach "$MISSING"
expect_error "detach a missing interface"
expect_ok "$IF still attached" xdp_attached "$NS_B" "$IF"

# ---- rejected policies change nothing
run ig policy apply "$IF" "$bad"
expect_error "policy apply of a bad policy"
expect_match "error names file:line:col and the word" "$ERR" "$bad:3:4: .*echo-requst"
expect_eq "policy show unchanged" "$(ig policy show "$IF")" "$show0"
expect_eq "digest unchanged" "$(status_field "$IF" policy_digest)" "$digest0"
d0=$(dropped4)
expect_fail "old policy still drops v4 echo" noping_a4 1
expect_eq "v4 echo-request dropped" "$(minus "$(dropped4)" "$d0")" 2

run ig set "$IF" v6 neighbor-solicit drop
expect_error "set: dropping neighbor-solicit without force"
expect_match "error says why and how (force)" "$ERR" 'force'
run ig set "$IF" v4 echo-request dorp
expect_error "set: unknown action"
expect_match "error names the word" "$ERR" 'dorp'
run ig unset "$IF" v4 timestamp-request
expect_error "unset a rule that is not there"
expect_eq "policy show unchanged" "$(ig policy show "$IF")" "$show0"
expect_eq "digest unchanged" "$(status_field "$IF" policy_digest)" "$digest0"

# ---- policy check needs no privileges
good=$(lab_file good.policy "default drop
v4 echo-request pass")
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
expect_ok "policy check as nobody: good file" nobody "$ICMPGATE" policy check "$good"
run nobody "$ICMPGATE" policy check "$bad"
expect_error "policy check as nobody: bad file"
expect_match "error names file:line:col" "$ERR" "$bad:3:4"
run sh -c "printf 'default pass\nv6 echo-request frob\n' | '$ICMPGATE' policy check -"
expect_error "policy check of stdin with a bad line"
expect_match "error names stdin, line 2" "$ERR" ':2:[0-9]+'

# ---- policy show | policy apply - is a no-op
gen0=$(status_field "$IF" generation)
run sh -c "nsenter --net=/run/netns/$NS_B '$ICMPGATE' policy show '$IF' |
	nsenter --net=/run/netns/$NS_B '$ICMPGATE' policy apply '$IF' -"
expect_eq "policy show | policy apply -: exit" "$RC" 0
expect_eq "digest unchanged by re-applying the shown policy" \
	"$(status_field "$IF" policy_digest)" "$digest0"
expect_eq "policy show unchanged" "$(ig policy show "$IF")" "$show0"
expect_eq "the apply really happened (generation + 1)" \
	"$(minus "$(status_field "$IF" generation)" "$gen0")" 1
d0=$(dropped4)
expect_fail "still drops v4 echo" noping_a4 1
expect_eq "v4 echo-request dropped" "$(minus "$(dropped4)" "$d0")" 2

# The digest does follow the policy: another policy, another digest.
expect_ok "policy apply of another policy" ig policy apply "$IF" "$good"
d1=$(status_field "$IF" policy_digest)
if [ "$d1" != "$digest0" ] && [[ $d1 =~ ^[0-9a-fA-F]{16}$ ]]; then
	pass_check "another policy has another digest ($d1)"
else
	fail_check "another policy has another digest" "got '$d1', old '$digest0'"
fi
expect_ok "policy apply of the first policy again" ig policy apply "$IF" "$drop4"
expect_eq "digest back to the first one" "$(status_field "$IF" policy_digest)" "$digest0"

# ---- detach removes program and pins
expect_ok "detach $IF" ig detach "$IF"
expect_fail "no XDP program after detach" xdp_attached "$NS_B" "$IF"
expect_ok "no pins after detach" no_pins "$IF"
expect_ok "v4 ping works after detach" ping_a4 1
run ig stats "$IF"
expect_error "stats of a detached interface"
run ig detach "$IF"
expect_error "detach twice"

lab_done
