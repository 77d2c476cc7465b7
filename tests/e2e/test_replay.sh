#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck disable=SC2016 # python programs in single quotes
# policy replay on real traffic: tcpdump captures the echo requests A sends
# to B (the live policy passes them all), and replaying the capture under a
# tighter policy counts exactly what was sent: every v6 echo dropped by its
# rule, the v4 ones split between the limit's burst and rate-limited, bytes
# to the frame. The same capture as raw IP, and as Linux cooked from
# `tcpdump -i any` (whose outgoing replies are skipped), gives the same
# table; --side transit judges it by the forward rules. --live lists what
# the tighter policy changes against the one in force, and leaves that
# policy, its generation and its counters as they were. Bad input: one
# line, exit 1 (2 for a usage error).
# Usage: test_replay.sh ICMPGATE
. "$(dirname "$0")/lib.sh"
lab_init "$@"
command -v tcpdump >/dev/null || die "tcpdump not found"
lab_pair 1
IF=$(ifb 1)
N=30 # v4 echo requests
K=10 # v6 echo requests
CAP=$LAB_TMP/echo.pcap
ANY=$LAB_TMP/any.pcap
ECHO='(icmp and icmp[0] == 8) or (icmp6 and ip6[6] == 58 and ip6[40] == 128)'

LIVE=$(lab_file live.policy "v4 echo-request pass
v6 echo-request pass")
TIGHT=$(lab_file tight.policy "v4 echo-request limit 10/s burst 5
v6 echo-request drop")
expect_ok "attach $IF with echo passed" ig attach "$IF" --policy "$LIVE"

# replay_field FILE.json PATH...: a value of replay's JSON, by keys.
json_at() {
	python3 -c '
import json, sys
try:
    o = json.load(open(sys.argv[1]))
    for k in sys.argv[2:]:
        o = o[int(k)] if isinstance(o, list) else o[k]
    print(o)
except Exception as e:
    print("ERR", e)
' "$@"
}

# type_field FILE.json FAMILY TYPE FIELD [live]: one row of the table.
type_field() {
	python3 -c '
import json, sys
try:
    o = json.load(open(sys.argv[1]))
    if len(sys.argv) > 5:
        o = o["live"]
    f, t, k = sys.argv[2], int(sys.argv[3]), sys.argv[4]
    print(sum(int(e[k]) for e in o["counters"]["types"]
              if e["family"] == f and int(e["type"]) == t))
except Exception as e:
    print("ERR", e)
' "$@"
}

# capture_start FILE ARGS...: tcpdump in B until capture_stop; waits until
# it listens.
capture_start() {
	local file=$1
	shift
	lab_bg "$NS_B" tcpdump -Z root -n -U --immediate-mode -w "$file" "$@" 2>"$file.log"
	for _ in $(seq 50); do
		grep -q "listening on" "$file.log" 2>/dev/null && return 0
		sleep 0.1
	done
	die "tcpdump did not start: $(cat "$file.log")"
}

capture_start "$CAP" -Q in -i "$IF" "$ECHO"
capture_start "$ANY" -i any -y LINUX_SLL2 "icmp or icmp6"
out=$(A ping -n -q -c $N -i 0.002 -W 1 "$(addr4_b 1)")
expect_match "ping: $N answered" "$out" " $N received"
out=$(A ping -6 -n -q -c $K -i 0.002 -W 1 "$(addr6_b 1)")
expect_match "ping -6: $K answered" "$out" " $K received"
sleep 0.3
lab_stop "${LAB_PIDS[-1]}"
lab_stop "${LAB_PIDS[-2]}"
log "captured: $(cat "$CAP.log" "$ANY.log" | grep -h captured | tr "\n" " ")"

# ---- the table ----------------------------------------------------------
expect_ok "replay under the tighter policy" \
	sh -c "'$ICMPGATE' -j policy replay '$TIGHT' '$CAP' >'$LAB_TMP/t.json'"
expect_eq "frames replayed" "$(json_at "$LAB_TMP/t.json" replayed)" $((N + K))
expect_eq "judged as addressed to this host" "$(json_at "$LAB_TMP/t.json" side)" host
expect_eq "v6 echo-request dropped" "$(type_field "$LAB_TMP/t.json" v6 128 dropped)" $K
expect_eq "v6 echo-request passed" "$(type_field "$LAB_TMP/t.json" v6 128 passed)" 0
passed=$(type_field "$LAB_TMP/t.json" v4 8 passed)
limited=$(type_field "$LAB_TMP/t.json" v4 8 rate_limited)
# 30 pings 2 ms apart: the burst of 5 and at most a token or two of refill.
expect_ge "v4 echo-request passed (burst 5)" "$passed" 5
expect_ge "v4 echo-request passed, at most 8" $((8 - passed)) 0
expect_eq "v4 passed + rate-limited = sent" $((passed + limited)) $N
expect_eq "reason drop-rule" "$(json_at "$LAB_TMP/t.json" counters reasons drop-rule packets)" $K
expect_eq "reason pass-limit" "$(json_at "$LAB_TMP/t.json" counters reasons pass-limit packets)" "$passed"
# 64-byte pings: 98-byte v4 frames, 118-byte v6 ones.
expect_eq "v4 echo-request bytes" "$(type_field "$LAB_TMP/t.json" v4 8 bytes)" $((N * 98))
expect_eq "v6 echo-request bytes" "$(type_field "$LAB_TMP/t.json" v6 128 bytes)" $((K * 118))

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
expect_eq "cooked: v6 echo-request dropped" "$(type_field "$LAB_TMP/a.json" v6 128 dropped)" $K

# --side transit: the forward rules judge, and the host's do not.
FWD=$(lab_file forward.policy "forward v4 echo-request drop
v6 echo-request drop")
expect_ok "replay --side transit" \
	sh -c "'$ICMPGATE' -j policy replay '$FWD' '$CAP' --side transit >'$LAB_TMP/f.json'"
expect_eq "transit: judged as forwarded" "$(json_at "$LAB_TMP/f.json" side)" transit
expect_eq "transit: v4 echo-request on the transit side, dropped" \
	"$(json_at "$LAB_TMP/f.json" counters sides transit dropped)" $N
expect_eq "transit: v6 echo-request passed (forward default pass)" \
	"$(json_at "$LAB_TMP/f.json" counters sides transit passed)" $K
expect_eq "transit: nothing judged as this host's" \
	"$(json_at "$LAB_TMP/f.json" counters sides host packets)" 0

# ---- --live -------------------------------------------------------------
show_before=$(ig policy show "$IF")
gen_before=$(status_field "$IF" generation)
stats_before=$(ig stats "$IF" --json | python3 -c '
import json, sys; d = json.load(sys.stdin); d.pop("timestamp"); print(json.dumps(d, sort_keys=True))')
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
run ig -j policy replay "$TIGHT" "$CAP" --live "$IF" --prefix4 32
printf '%s\n' "$OUT" >"$LAB_TMP/l.json"
expect_eq "--live -j: changed packets" "$(json_at "$LAB_TMP/l.json" live changed_packets)" $((K + limited))
expect_eq "--live -j: the live policy passes every echo" \
	"$(type_field "$LAB_TMP/l.json" v4 8 passed live)" $N
expect_eq "--live --prefix4 32: the source" \
	"$(json_at "$LAB_TMP/l.json" live changes 0 source)" "$(addr4_a 1)/32"
expect_eq "--live: policy unchanged" "$(ig policy show "$IF")" "$show_before"
expect_eq "--live: generation unchanged" "$(status_field "$IF" generation)" "$gen_before"
expect_eq "--live: counters unchanged" "$(ig stats "$IF" --json | python3 -c '
import json, sys; d = json.load(sys.stdin); d.pop("timestamp"); print(json.dumps(d, sort_keys=True))')" "$stats_before"

# ---- bad input ----------------------------------------------------------
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
head -c 100 "$CAP" >"$LAB_TMP/cut.pcap"
run "$ICMPGATE" policy replay "$TIGHT" "$LAB_TMP/cut.pcap"
expect_error "capture cut in a record"
BAD=$(lab_file bad.policy "v4 echo-requst drop")
run "$ICMPGATE" policy replay "$BAD" "$CAP"
expect_error "bad policy"
expect_match "bad policy: file, line and column" "$ERR" "bad.policy:1:4:"
run "$ICMPGATE" policy replay - - </dev/null
expect_error "both on stdin"
expect_eq "both on stdin: usage error, exit 2" "$RC" 2
run ig policy replay "$TIGHT" "$CAP" --live ignone$$
expect_error "--live on an interface without icmpgate"
run "$ICMPGATE" policy replay default - <"$CAP"
expect_eq "capture on stdin, default policy: exit 0" "$RC" 0
expect_match "default policy: the burst of 20 per source" "$OUT" \
	"host +v4 +8 echo-request +(20 +0 +10|21 +0 +9) "
expect_eq "after all that: policy unchanged" "$(ig policy show "$IF")" "$show_before"
lab_done
