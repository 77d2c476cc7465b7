#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# policy replay on real traffic: tcpdump captures the echo requests A sends
# to B (the live policy passes them all; replay_lab.sh), and replaying the
# capture under a tighter policy counts exactly what was sent: every v6
# echo dropped by its rule, the v4 ones split between the limit's burst and
# rate-limited, bytes to the frame. The same capture as raw IP, and as
# Linux cooked from `tcpdump -i any` (whose outgoing replies are skipped),
# gives the same table; --side transit judges it by the forward rules. Bad
# input: one line, exit 1 (2 for a usage error); without privileges, one
# line; without CAP_SYS_ADMIN, a warning and the routes of this host.
# (--live: test_replay_live.sh.) Usage: test_replay.sh ICMPGATE
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/replay_lab.sh"
replay_lab "$@"

# ---- the table ----------------------------------------------------------
expect_ok "replay under the tighter policy" \
	sh -c "'$ICMPGATE' -j policy replay '$TIGHT' '$CAP' >'$LAB_TMP/t.json'"
expect_eq "frames replayed" "$(json_at "$LAB_TMP/t.json" replayed)" $((N + K))
expect_eq "judged as addressed to this host" "$(json_at "$LAB_TMP/t.json" side)" host
expect_eq "v6 echo-request dropped" "$(type_field "$LAB_TMP/t.json" v6 128 dropped)" "$K"
expect_eq "v6 echo-request passed" "$(type_field "$LAB_TMP/t.json" v6 128 passed)" 0
passed=$(type_field "$LAB_TMP/t.json" v4 8 passed)
limited=$(type_field "$LAB_TMP/t.json" v4 8 rate_limited)
# 30 pings 2 ms apart: the burst of 5 and at most a token or two of refill.
expect_ge "v4 echo-request passed (burst 5)" "$passed" 5
expect_ge "v4 echo-request passed, at most 8" $((8 - passed)) 0
expect_eq "v4 passed + rate-limited = sent" $((passed + limited)) "$N"
expect_eq "reason drop-rule" "$(json_at "$LAB_TMP/t.json" counters reasons drop-rule packets)" "$K"
expect_eq "reason pass-limit" "$(json_at "$LAB_TMP/t.json" counters reasons pass-limit packets)" "$passed"
# 64-byte pings: 98-byte v4 frames, 118-byte v6 ones.
expect_eq "v4 echo-request bytes" "$(type_field "$LAB_TMP/t.json" v4 8 bytes)" $((N * 98))
expect_eq "v6 echo-request bytes" "$(type_field "$LAB_TMP/t.json" v6 128 bytes)" $((K * 118))

# --audit: the same capture, the same policy in audit mode: nothing is
# dropped, each drop is counted as would-drop by reason, and the bucket
# passes what it passed enforcing (a would-drop takes no token).
expect_ok "replay --audit" \
	sh -c "'$ICMPGATE' -j policy replay '$TIGHT' '$CAP' --audit >'$LAB_TMP/au.json'"
expect_eq "audit: v6 echo-request dropped" "$(type_field "$LAB_TMP/au.json" v6 128 dropped)" 0
expect_eq "audit: v6 echo-request would_drop" "$(type_field "$LAB_TMP/au.json" v6 128 would_drop)" "$K"
expect_eq "audit: reason audit-drop-rule" \
	"$(json_at "$LAB_TMP/au.json" counters reasons audit-drop-rule packets)" "$K"
expect_eq "audit: v4 echo-request passed as enforcing" \
	"$(type_field "$LAB_TMP/au.json" v4 8 passed)" "$passed"
expect_eq "audit: v4 rate-limited ones would-drop" \
	"$(type_field "$LAB_TMP/au.json" v4 8 would_drop)" "$limited"
expect_eq "audit: nothing dropped" "$(json_at "$LAB_TMP/au.json" counters totals dropped)" 0

# The same packets as raw IP (LINKTYPE_RAW): same table.
python3 - "$CAP" "$LAB_TMP/raw.pcap" <<'EOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
e = "<" if d[:4] == b"\xd4\xc3\xb2\xa1" else ">"
out = bytearray(d[:20] + struct.pack(e + "I", 101))
p = 24
while p + 16 <= len(d):
    s, u, cap, ln = struct.unpack(e + "IIII", d[p:p + 16])
    out += struct.pack(e + "IIII", s, u, cap - 14, ln - 14)
    out += d[p + 16 + 14:p + 16 + cap]
    p += 16 + cap
open(sys.argv[2], "wb").write(out)
EOF
expect_ok "replay of the raw-IP copy" \
	sh -c "'$ICMPGATE' -j policy replay '$TIGHT' '$LAB_TMP/raw.pcap' >'$LAB_TMP/r.json'"
expect_eq "raw IP: same counters" \
	"$(json_at "$LAB_TMP/r.json" counters)" "$(json_at "$LAB_TMP/t.json" counters)"

# tcpdump -i any: Linux cooked (SLL2), both directions; B's replies and
# neighbour discovery out are skipped, A's requests judged as above.
expect_ok "replay of the cooked capture" \
	sh -c "'$ICMPGATE' -j policy replay '$TIGHT' '$ANY' >'$LAB_TMP/a.json'"
expect_ge "cooked: outgoing skipped (the replies)" "$(json_at "$LAB_TMP/a.json" outgoing)" $((N + K))
expect_eq "cooked: no echo-reply replayed" "$(type_field "$LAB_TMP/a.json" v4 0 passed)" 0
expect_eq "cooked: v4 echo-request as Ethernet" \
	"$(type_field "$LAB_TMP/a.json" v4 8 passed)/$(type_field "$LAB_TMP/a.json" v4 8 rate_limited)" \
	"$passed/$limited"
expect_eq "cooked: v6 echo-request dropped" "$(type_field "$LAB_TMP/a.json" v6 128 dropped)" "$K"

# --side transit: the forward rules judge, and the host's do not.
FWD=$(lab_file forward.policy "forward v4 echo-request drop
v6 echo-request drop")
expect_ok "replay --side transit" \
	sh -c "'$ICMPGATE' -j policy replay '$FWD' '$CAP' --side transit >'$LAB_TMP/f.json'"
expect_eq "transit: judged as forwarded" "$(json_at "$LAB_TMP/f.json" side)" transit
expect_eq "transit: v4 echo-request on the transit side, dropped" \
	"$(json_at "$LAB_TMP/f.json" counters sides transit dropped)" "$N"
expect_eq "transit: v6 echo-request passed (forward default pass)" \
	"$(json_at "$LAB_TMP/f.json" counters sides transit passed)" "$K"
expect_eq "transit: nothing judged as this host's" \
	"$(json_at "$LAB_TMP/f.json" counters sides host packets)" 0

# ---- bad input ----------------------------------------------------------
show_before=$(ig policy show "$IF")
head -c 200 /dev/urandom >"$LAB_TMP/garbage.pcap"
run "$ICMPGATE" policy replay "$TIGHT" "$LAB_TMP/garbage.pcap"
expect_error "garbage capture"
expect_eq "garbage capture: exit 1" "$RC" 1
run "$ICMPGATE" policy replay "$TIGHT" "$LAB_TMP/missing.pcap"
expect_error "missing capture"
# A capture of BSD loopback (DLT_NULL): refused by name.
python3 -c 'import struct, sys; sys.stdout.buffer.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 0))' \
	>"$LAB_TMP/null.pcap"
run "$ICMPGATE" policy replay "$TIGHT" "$LAB_TMP/null.pcap"
expect_error "unsupported link type"
expect_match "unsupported link type: named" "$ERR" "link type 0 \(NULL\)"
BAD=$(lab_file bad.policy "v4 echo-requst drop")
run "$ICMPGATE" policy replay "$BAD" "$CAP"
expect_error "bad policy"
expect_match "bad policy: file, line and column" "$ERR" "bad.policy:1:4:"
run "$ICMPGATE" policy replay - - </dev/null
expect_error "both on stdin"
expect_eq "both on stdin: usage error, exit 2" "$RC" 2
# Privileges: loading a program takes CAP_BPF and CAP_NET_ADMIN; the
# namespace of its own CAP_SYS_ADMIN, without which the host side warns
# and judges as this host routes, and transit refuses.
run setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$ICMPGATE" policy replay default - <"$CAP"
expect_error "without privileges"
expect_match "without privileges: says which" "$ERR" "needs CAP_BPF"
# (The capture on stdin, under the built-in default policy.)
run setpriv --bounding-set=-sys_admin "$ICMPGATE" -j policy replay default - <"$CAP"
expect_eq "without CAP_SYS_ADMIN: replayed" "$RC" 0
expect_match "without CAP_SYS_ADMIN: a warning" "$ERR" "no network namespace of its own"
printf '%s\n' "$OUT" >"$LAB_TMP/p.json"
expect_eq "without CAP_SYS_ADMIN: side routed" "$(json_at "$LAB_TMP/p.json" side)" routed
# The default policy's 10/s burst 20 a source: the burst, a token at most.
expect_match "default policy on stdin: the burst of 20 per source" \
	"$(type_field "$LAB_TMP/p.json" v4 8 passed)/$(type_field "$LAB_TMP/p.json" v4 8 rate_limited)" \
	"^(20/10|21/9)$"
run setpriv --bounding-set=-sys_admin "$ICMPGATE" policy replay "$TIGHT" "$CAP" --side transit
expect_error "without CAP_SYS_ADMIN: --side transit refused"
expect_eq "after all that: policy unchanged" "$(ig policy show "$IF")" "$show_before"
lab_done
