#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck disable=SC2317 # helpers run through expect_ok
# What the command line says (issue 12): `help --help` works; error lines
# of any length arrive whole; a misspelt or misplaced type or code gets a
# "did you mean"; a number with a leading zero is refused; an identical
# `set` says unchanged and changes nothing (no new generation). Every
# refusal leaves the live policy as it was, by its text and by pings.
# Usage: test_cli_messages.sh ICMPGATE
. "$(dirname "$0")/lib.sh"
lab_init "$@"
lab_pair 1
IF=$(ifb 1)


run "$ICMPGATE" help --help
expect_eq "help --help exits 0" "$RC" 0
expect_match "help --help prints the usage" "$OUT" "^Usage: icmpgate"

expect_ok "attach $IF" ig attach "$IF" --policy "$(lab_file d.policy "v4 echo-request drop")"
show0=$(ig policy show "$IF")
gen0=$(status_field "$IF" generation)

run ig set "$IF" v4 dest-unreachable/frag-needed limit 10/s
expect_error "set a class limit on frag-needed"
expect_match "the long advice arrives whole" "$ERR" "or add 'force'$"
expect_ge "the line is longer than 256 bytes" "${#ERR}" 257

run ig set "$IF" v4 frag-needed drop
expect_error "set v4 frag-needed"
expect_match "did you mean dest-unreachable/frag-needed" "$ERR" "did you mean 'dest-unreachable/frag-needed'"
run ig set "$IF" v4 echo-requets drop
expect_error "set v4 echo-requets"
expect_match "did you mean echo-request" "$ERR" "did you mean 'echo-request'"
run ig set "$IF" v4 dest-unreachable/port-unreachabel drop
expect_error "set a misspelt code"
expect_match "did you mean port-unreachable" "$ERR" "did you mean 'port-unreachable'"

run ig set "$IF" v4 010 drop
expect_error "set v4 010"
expect_match "leading zero named, 10 offered" "$ERR" "'010' has a leading zero.*write '10'"
run ig set "$IF" v4 echo-reply limit 010/s
expect_error "set a rate of 010/s"
bad=$(lab_file zero.policy "v4 echo-request/00 drop")
run ig policy apply "$IF" "$bad"
expect_error "apply a code of 00"
expect_match "file:line:col of the number" "$ERR" "zero.policy:1:17: number '00'"

expect_eq "policy unchanged after the refusals" "$(ig policy show "$IF")" "$show0"
expect_eq "generation unchanged after the refusals" "$(status_field "$IF" generation)" "$gen0"
expect_fail "v4 ping still dropped" noping_a4 1

run ig set "$IF" v4 echo-request drop
expect_eq "identical set exits 0" "$RC" 0
expect_match "identical set says unchanged" "$OUT" "unchanged"
expect_eq "no new generation" "$(status_field "$IF" generation)" "$gen0"
expect_eq "same text" "$(ig policy show "$IF")" "$show0"
run ig set "$IF" v4 echo-request pass
expect_match "a real change is applied" "$OUT" "applied \\(generation $((gen0 + 1))\\)"
expect_ok "v4 ping passes after the change" ping_a4 1
expect_ok "detach" ig detach "$IF"
lab_done
