# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck shell=bash
# shellcheck disable=SC2016 # python programs in single quotes
#
# The lab of the policy replay tests (test_replay.sh, test_replay_live.sh):
# icmpgate on B passing every echo request, and tcpdump in B capturing the
# N v4 and K v6 echo requests A sends: CAP (Ethernet, what arrived at IF)
# and ANY (`tcpdump -i any`, Linux cooked SLL2, both directions). Then the
# helpers that read replay's JSON. Usage, after lib.sh:
#   . "$(dirname "$0")/replay_lab.sh"
#   replay_lab "$@"

# json_at FILE.json KEY...: a value of replay's JSON, by keys (list
# indexes as numbers); "ERR ..." if it is not there.
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

# type_field FILE.json FAMILY TYPE FIELD [live]: one row of the table (of
# the live policy's with "live"), both sides.
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

# capture_start FILE ARGS...: tcpdump in B, writing every packet as it
# comes (a packet still in its buffer at the stop would be lost), until
# lab_stop; returns once it listens.
capture_start() {
	local file=$1
	shift
	lab_bg "$NS_B" tcpdump -Z root -n -U --immediate-mode -w "$file" "$@" \
		2>"$file.log"
	for _ in $(seq 50); do
		grep -q "listening on" "$file.log" 2>/dev/null && return 0
		sleep 0.1
	done
	die "tcpdump did not start: $(cat "$file.log")"
}

# replay_lab ICMPGATE: the lab, the policies, the attachment, the captures.
# shellcheck disable=SC2034 # IF, N, K, CAP, ANY, LIVE, TIGHT: for the tests
replay_lab() {
	lab_init "$@"
	command -v tcpdump >/dev/null || die "tcpdump not found"
	lab_pair 1
	IF=$(ifb 1)
	N=30 # v4 echo requests
	K=10 # v6 echo requests
	CAP=$LAB_TMP/echo.pcap
	ANY=$LAB_TMP/any.pcap
	local echo='(icmp and icmp[0] == 8) or (icmp6 and ip6[6] == 58 and ip6[40] == 128)'
	local out

	LIVE=$(lab_file live.policy "v4 echo-request pass
v6 echo-request pass")
	TIGHT=$(lab_file tight.policy "v4 echo-request limit 10/s burst 5
v6 echo-request drop")
	expect_ok "attach $IF with echo passed" ig attach "$IF" --policy "$LIVE"
	capture_start "$CAP" -Q in -i "$IF" "$echo"
	capture_start "$ANY" -i any -y LINUX_SLL2 "icmp or icmp6"
	out=$(A ping -n -q -c $N -i 0.002 -W 1 "$(addr4_b 1)")
	expect_match "ping: $N answered" "$out" " $N received"
	out=$(A ping -6 -n -q -c $K -i 0.002 -W 1 "$(addr6_b 1)")
	expect_match "ping -6: $K answered" "$out" " $K received"
	sleep 0.3
	lab_stop "${LAB_PIDS[-1]}"
	lab_stop "${LAB_PIDS[-2]}"
	log "captured: $(grep -h captured "$CAP.log" "$ANY.log" | tr '\n' ' ')"
}
