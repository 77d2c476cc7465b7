#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck disable=SC2016,SC2317 # helpers run through expect_ok; scripts run in a namespace
# Audit mode on real traffic. A policy that drops echo-request, limits
# IPv6 echo and validates frag-needed is attached with --audit: pings get
# their replies, each request is counted as would-drop under its reason
# (audit-drop-rule, audit-rate-limited-class), forged frag-needed and
# off-link neighbour solicitations are counted as audit-invalid-source and
# audit-spoofed-ndp and dropped by nothing; status and policy show say
# audit, and `policy show | policy apply -` keeps it. Then the same file
# applied without --audit enforces in one step: the pings go unanswered,
# counted as drops, and the policy text is the audit one less its first
# line. Bad input with --audit changes nothing. Usage: test_audit.sh
# ICMPGATE
. "$(dirname "$0")/lib.sh"
lab_init "$@"
lab_pair 1
IF=$(ifb 1)
A4=$(addr4_a 1)
B4=$(addr4_b 1)
B6=$(addr6_b 1)
FORGE=$(dirname "$ICMPGATE")/tools/forge # tools/lab/forge.c
[ -x "$FORGE" ] || die "$FORGE not built (make all)"
N=12
K=10

POLICY=$(lab_file audit.policy "# what we mean to enforce, audited first
v4 echo-request drop
v6 echo-request limit 2/s burst 2
v4 dest-unreachable/frag-needed pass validate")

# sent_received OUTPUT: "T/R" from ping's summary line.
sent_received() {
	printf '%s\n' "$1" |
		sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1\/\2/p'
}

# totals_consistent IFACE: "ok", or what does not add up. would_drop is a
# total of its own: the totals still add up to the packets.
totals_consistent() {
	ig stats "$1" --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
t = d["totals"]
parts = ("non_icmp", "passed", "dropped", "rate_limited", "malformed",
         "would_drop")
bad = []
s = sum(int(t[k]) for k in parts)
if int(t["packets"]) != s:
    bad.append("packets %s != %s = %d" % (t["packets"], "+".join(parts), s))
for k in ("passed", "dropped", "rate_limited", "would_drop"):
    ts = sum(int(e[k]) for e in d["types"])
    if ts != int(t[k]):
        bad.append("sum of types %s %d != totals %s %s" % (k, ts, k, t[k]))
w = sum(int(v["packets"]) for r, v in d["reasons"].items()
        if r.startswith("audit-"))
if w != int(t["would_drop"]):
    bad.append("audit-* reasons %d != would_drop %s" % (w, t["would_drop"]))
print("; ".join(bad) or "ok")
'
}

log "attach --audit"
expect_ok "attach --policy --audit" ig attach "$IF" --policy "$POLICY" --audit
expect_eq "status --json: policy_mode" "$(status_field "$IF" policy_mode)" audit
expect_match "status says audit" "$(ig status "$IF")" "policy mode +audit"
expect_eq "policy show: first line" "$(ig policy show "$IF" | head -1)" "mode audit"
expect_match "policy show --json: mode" "$(ig policy show "$IF" --json)" '"mode": ?"audit"'
digest_audit=$(status_field "$IF" policy_digest)
expect_ok "warm-up ping (ARP)" ping_a4 1 -c 1
expect_ok "warm-up ping6 (ND)" ping_a6 1 -c 1
expect_ok "stats --reset" ig stats "$IF" --reset

log "audit: what the policy would drop passes, counted as would-drop"
out=$(A ping -n -q -c $N -i 0.01 -W 1 "$B4")
expect_eq "ping -c $N under 'v4 echo-request drop': replies" \
	"$(sent_received "$out")" "$N/$N"
out=$(A ping -6 -n -q -c $K -i 0.01 -W 1 "$B6")
expect_eq "ping -6 -c $K over 'limit 2/s burst 2': replies" \
	"$(sent_received "$out")" "$K/$K"
expect_eq "v4 echo-request would_drop" "$(stat_type "$IF" v4 8 would_drop)" $N
expect_eq "v4 echo-request dropped" "$(stat_type "$IF" v4 8 dropped)" 0
expect_eq "audit-drop-rule" "$(stat_reason "$IF" audit-drop-rule)" $N
expect_eq "drop-rule" "$(stat_reason "$IF" drop-rule)" 0
# 10 requests in 0.1 s: the burst of 2 passes, a token more at most.
expect_ge "audit-rate-limited-class" "$(stat_reason "$IF" audit-rate-limited-class)" $((K - 3))
expect_eq "pass-limit + audit-rate-limited-class = $K" \
	"$(($(stat_reason "$IF" pass-limit) + $(stat_reason "$IF" audit-rate-limited-class)))" $K
expect_eq "v6 echo-request rate_limited" "$(stat_type "$IF" v6 128 rate_limited)" 0

A "$FORGE" ptb 4 "$B4" 10.199.1.77 "$A4" 1280 3
A "$FORGE" ns "$B6" "$B6" 64 3
sleep 0.3
expect_eq "3 forged frag-needed: audit-invalid-source" \
	"$(stat_reason "$IF" audit-invalid-source)" 3
expect_eq "3 off-link neighbor-solicit: audit-spoofed-ndp" \
	"$(stat_reason "$IF" audit-spoofed-ndp)" 3
expect_eq "nothing dropped" "$(stat_total "$IF" dropped)" 0
expect_eq "nothing rate-limited" "$(stat_total "$IF" rate_limited)" 0
expect_eq "would_drop total" "$(stat_total "$IF" would_drop)" \
	$((N + 6 + $(stat_reason "$IF" audit-rate-limited-class)))
expect_eq "totals add up" "$(totals_consistent "$IF")" ok
expect_match "stats: would_drop column" "$(ig stats "$IF")" "would_drop"
expect_match "stats: audit-drop-rule row" "$(ig stats "$IF")" "audit-drop-rule +$N"

log "policy show | policy apply - keeps audit mode"
run nsenter --net="/run/netns/$NS_B" bash -c \
	"'$ICMPGATE' policy show '$IF' | '$ICMPGATE' policy apply '$IF' -"
expect_eq "round trip: exit status" "$RC" 0
expect_eq "round trip: still audit" "$(status_field "$IF" policy_mode)" audit
expect_eq "round trip: same digest" "$(status_field "$IF" policy_digest)" "$digest_audit"

log "bad input with --audit changes nothing"
bad=$(lab_file bad.policy "mode audit
v4 echo-request dorp")
gen=$(status_field "$IF" generation)
run netlab_ig "$NS_B" policy apply "$IF" "$bad" --audit
expect_error "policy apply --audit of a bad file"
expect_match "the error names the word" "$ERR" "dorp"
run netlab_ig "$NS_B" policy apply "$IF" "$POLICY" --audit --bogus
expect_error "policy apply with an unknown option"
expect_eq "generation unchanged" "$(status_field "$IF" generation)" "$gen"
expect_eq "still audit" "$(status_field "$IF" policy_mode)" audit

log "the same file without --audit enforces"
text_audit=$(ig policy show "$IF")
run netlab_ig "$NS_B" policy apply "$IF" "$POLICY"
expect_eq "policy apply without --audit" "$RC" 0
expect_match "it says audit mode ended" "$ERR$OUT" "enforcing"
expect_eq "status --json: policy_mode" "$(status_field "$IF" policy_mode)" enforce
expect_match "status says enforce" "$(ig status "$IF")" "policy mode +enforce"
expect_eq "policy show: the audit text less 'mode audit'" \
	"$(ig policy show "$IF")" "$(printf '%s\n' "$text_audit" | sed 1d)"
expect_eq "generation: one apply more" "$(status_field "$IF" generation)" $((gen + 1))
w0=$(stat_total "$IF" would_drop)
d0=$(stat_reason "$IF" drop-rule)
out=$(A ping -n -q -c 4 -i 0.01 -W 1 "$B4")
expect_eq "ping -c 4 enforcing: no replies" "$(sent_received "$out")" "4/0"
expect_eq "drop-rule counts them" "$(minus "$(stat_reason "$IF" drop-rule)" "$d0")" 4
A "$FORGE" ptb 4 "$B4" 10.199.1.77 "$A4" 1280 2
sleep 0.3
expect_eq "2 forged frag-needed: invalid-source" "$(stat_reason "$IF" invalid-source)" 2
expect_eq "would_drop unchanged" "$(stat_total "$IF" would_drop)" "$w0"
expect_eq "totals add up" "$(totals_consistent "$IF")" ok

log "set IFACE mode audit|enforce"
expect_ok "set mode audit" ig set "$IF" mode audit
expect_eq "audit again" "$(status_field "$IF" policy_mode)" audit
expect_ok "ping passes again" ping_a4 1 -c 2
# An upgrade recompiles the policy in force from its text: the mode stays.
if [ "$(status_field "$IF" dispatcher)" = legacy ]; then
	expect_ok "upgrade" ig upgrade "$IF"
	expect_eq "upgrade keeps audit mode" "$(status_field "$IF" policy_mode)" audit
	expect_ok "ping passes after the upgrade" ping_a4 1 -c 2
else
	log "behind the libxdp dispatcher: no in-place upgrade to check"
fi
expect_ok "set mode enforce" ig set "$IF" mode enforce
expect_eq "enforcing again" "$(status_field "$IF" policy_mode)" enforce
expect_fail "ping dropped again" noping_a4 1

lab_done
