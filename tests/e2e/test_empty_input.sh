#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck disable=SC2317 # helpers run through expect_ok
# Empty or unreadable policy input changes nothing (issue 12): an empty
# file, /dev/null, empty stdin, comments only, the output of a failed
# `policy show` piped into `policy apply -`, a directory and a read error
# are each refused with one line; the policy in force stays, by its text,
# its generation and by real pings. attach --policy refuses them too and
# leaves nothing behind. --allow-empty applies an empty policy on purpose.
# Usage: test_empty_input.sh ICMPGATE
. "$(dirname "$0")/lib.sh"
lab_init "$@"
lab_pair 1
lab_pair 2
IF=$(ifb 1)
IF2=$(ifb 2)


drop4=$(lab_file drop4.policy "v4 echo-request drop")
expect_ok "attach $IF (v4 echo-request drop)" ig attach "$IF" --policy "$drop4"
expect_fail "v4 ping dropped" noping_a4 1
show0=$(ig policy show "$IF")
gen0=$(status_field "$IF" generation)
digest0=$(status_field "$IF" policy_digest)

empty=$(lab_file empty.policy "")
: >"$empty"
comments=$(lab_file comments.policy "# nothing here yet

   # indented")
mkdir "$LAB_TMP/adir"

run ig policy apply "$IF" "$empty"
expect_error "apply an empty file"
expect_match "it says there are no statements" "$ERR" "no statements"
run ig policy apply "$IF" /dev/null
expect_error "apply /dev/null"
run ig policy apply "$IF" - </dev/null
expect_error "apply empty stdin"
expect_match "stdin is named" "$ERR" "<stdin>"
run ig policy apply "$IF" "$comments"
expect_error "apply comments only"
run sh -c "'$ICMPGATE' policy show igmiss$LAB_ID 2>/dev/null | nsenter --net=/run/netns/$NS_B '$ICMPGATE' policy apply '$IF' -"
expect_error "failed policy show | policy apply -"
run ig policy apply "$IF" "$LAB_TMP/adir"
expect_error "apply a directory"
expect_match "a directory is called one" "$ERR" "is a directory"
run ig policy apply "$IF" /proc/self/mem
expect_error "apply input that fails to read"
expect_match "the read error is named" "$ERR" "cannot read /proc/self/mem"

expect_eq "policy text unchanged" "$(ig policy show "$IF")" "$show0"
expect_eq "generation unchanged" "$(status_field "$IF" generation)" "$gen0"
expect_eq "digest unchanged" "$(status_field "$IF" policy_digest)" "$digest0"
expect_fail "v4 ping still dropped by the old policy" noping_a4 1
expect_ok "v6 ping still passes" ping_a6 1

run ig policy check "$empty"
expect_error "policy check of an empty file"
expect_ok "policy check --allow-empty" ig policy check --allow-empty "$empty"

# attach --policy: refused, no program, no pins.
run ig attach "$IF2" --policy "$empty"
expect_error "attach --policy EMPTY"
expect_fail "no XDP program after the refused attach" xdp_attached "$NS_B" "$IF2"
expect_fail "no pins after the refused attach" test -e "$PIN_ROOT/$IF2"
run ig attach "$IF2" --policy "$LAB_TMP/adir"
expect_error "attach --policy DIRECTORY"
expect_fail "no XDP program after it either" xdp_attached "$NS_B" "$IF2"

# On purpose: --allow-empty.
expect_ok "apply --allow-empty" ig policy apply --allow-empty "$IF" "$empty"
expect_ok "v4 ping passes under the empty policy" ping_a4 1
expect_eq "generation moved by one" "$(status_field "$IF" generation)" "$((gen0 + 1))"
expect_ok "attach --allow-empty --policy EMPTY" ig attach "$IF2" --allow-empty --policy "$empty"
expect_ok "detach $IF" ig detach "$IF"
expect_ok "detach $IF2" ig detach "$IF2"
lab_done
