#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck disable=SC2016 # python programs in single quotes
# policy replay --live on real traffic (replay_lab.sh: the capture of N v4
# and K v6 echo requests that the live policy passed): a tighter policy
# would drop every v6 echo and rate-limit all but the v4 burst, and --live
# lists exactly those, by verdict, type and source prefix, in text and
# JSON, with the live policy's own table; and leaves the live policy, its
# generation and its counters as they were. A capture cut inside a record
# and an interface without icmpgate: one line, exit 1.
# Usage: test_replay_live.sh ICMPGATE
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/replay_lab.sh"
replay_lab "$@"

# ---- --live -------------------------------------------------------------
show_before=$(ig policy show "$IF")
gen_before=$(status_field "$IF" generation)
# The live counters of what the capture holds (neighbour discovery goes
# on counting on its own).
echo_counters() {
	ig stats "$IF" --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print([e for e in d["types"] if e["type"] in (8, 128)],
      d["totals"]["dropped"], d["totals"]["rate_limited"])'
}
stats_before=$(echo_counters)
# JSON first: the tighter policy's own table says what to expect.
run ig -j policy replay "$TIGHT" "$CAP" --live "$IF" --prefix4 32
expect_eq "--live -j: exit status" "$RC" 0
printf '%s\n' "$OUT" >"$LAB_TMP/l.json"
passed=$(type_field "$LAB_TMP/l.json" v4 8 passed)
limited=$(type_field "$LAB_TMP/l.json" v4 8 rate_limited)
expect_ge "v4 echo-request passed (burst 5)" "$passed" 5
expect_eq "v4 passed + rate-limited = sent" $((passed + limited)) "$N"
expect_eq "--live -j: the live policy passes every echo" \
	"$(type_field "$LAB_TMP/l.json" v4 8 passed live)/$(type_field "$LAB_TMP/l.json" v6 128 passed live)" \
	"$N/$K"
expect_eq "--live -j: changed packets" "$(json_at "$LAB_TMP/l.json" live changed_packets)" $((K + limited))
expect_eq "--live -j: changed bytes" "$(json_at "$LAB_TMP/l.json" live changed_bytes)" \
	$((K * 118 + limited * 98))
# The larger change first: the v4 ones from A's one address (/32).
expect_eq "--live --prefix4 32: the source" \
	"$(json_at "$LAB_TMP/l.json" live changes 0 source)" "$(addr4_a 1)/32"
expect_eq "--live -j: pass to drop" \
	"$(json_at "$LAB_TMP/l.json" live changes 0 from)/$(json_at "$LAB_TMP/l.json" live changes 0 to)" \
	pass/drop
expect_eq "--live -j: v6 by /48" "$(json_at "$LAB_TMP/l.json" live changes 1 source)" fd00:199:1::/48
run ig policy replay "$TIGHT" "$CAP" --live "$IF"
expect_eq "--live: exit status" "$RC" 0
expect_match "text table: v4 echo-request row" "$OUT" \
	"host +v4 +8 echo-request +$passed +0 +$limited +$((N * 98))"
expect_match "--live: v6 echo-request now dropped" "$OUT" \
	"would now drop $K v6 echo-request from fd00:199:1::/48"
expect_match "--live: v4 echo-request now rate-limited" "$OUT" \
	"would now drop $limited v4 echo-request from 10.199.1.0/24"
expect_match "--live: the count of changes" "$OUT" \
	"$((K + limited)) of $((N + K)) packets change verdict"
expect_eq "--live: policy unchanged" "$(ig policy show "$IF")" "$show_before"
expect_eq "--live: generation unchanged" "$(status_field "$IF" generation)" "$gen_before"
expect_eq "--live: echo counters unchanged" "$(echo_counters)" "$stats_before"

# ---- bad input ----------------------------------------------------------
head -c 100 "$CAP" >"$LAB_TMP/cut.pcap"
run ig policy replay "$TIGHT" "$LAB_TMP/cut.pcap" --live "$IF"
expect_error "capture cut in a record"
run ig policy replay "$TIGHT" "$CAP" --live ignone$$
expect_error "--live on an interface without icmpgate"
expect_eq "after all that: policy unchanged" "$(ig policy show "$IF")" "$show_before"
lab_done
