#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck disable=SC2317 # helpers run through expect_ok
# capture: the pcap holds exactly the packets the filter dropped (count and
# bytes as sent, read back with tcpdump), while the counters count them as
# the drops they are; one line a packet without -w; --reason and --type
# choose; --passed copies what passes, and the stack still gets it; under
# a flood the capture stays within its rate and the flood is counted as
# without a capture; after kill -9 of the controller its sockets are gone
# and the program is back to plain drops within a second; one capture per
# interface; bad input is refused and arms nothing.
# Usage: test_capture.sh ICMPGATE
# e2e-timeout: 150
. "$(dirname "$0")/lib.sh"
lab_init "$@"
lab_icmpflood
lab_pair 1
lab_pair 2
IF=$(ifb 1)
B4=$(addr4_b 1)
A4=$(addr4_a 1)
PIN=$PIN_ROOT/$IF
command -v tcpdump >/dev/null || die "tcpdump not found (make deps)"
command -v bpftool >/dev/null || die "bpftool not found (make deps)"

# cap_start ARGS...: `icmpgate capture IF ARGS` in the background, in B,
# stdout and stderr into $CAP_OUT and $CAP_ERR; returns once it says it
# is capturing (CAP_PID is its pid), 1 if it does not within 5 s.
CAP_OUT=$LAB_TMP/cap.out
CAP_ERR=$LAB_TMP/cap.err
cap_start() {
	: >"$CAP_OUT"
	: >"$CAP_ERR"
	bg_start nsenter --net="/run/netns/$NS_B" "$ICMPGATE" capture "$IF" "$@" \
		>"$CAP_OUT" 2>"$CAP_ERR"
	CAP_PID=$!
	for _ in $(seq 50); do
		grep -q 'capture: .*via' "$CAP_ERR" && return 0
		kill -0 "$CAP_PID" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}
# cap_end: SIGTERM, then its exit status.
cap_end() {
	kill -TERM "$CAP_PID" 2>/dev/null
	wait "$CAP_PID"
}
# cap_wait: its exit status once it ends by itself (at most 5 s).
cap_wait() {
	for _ in $(seq 50); do
		kill -0 "$CAP_PID" 2>/dev/null || break
		sleep 0.1
	done
	wait "$CAP_PID"
}
# cap_ok NAME ARGS..., end_ok NAME, wait_ok NAME: the three above as
# checks (not through expect_ok: its subshell would lose the job).
cap_ok() {
	local name=$1
	shift
	if cap_start "$@"; then
		pass_check "$name"
	else
		fail_check "$name" "$(tr '\n' '|' <"$CAP_ERR")"
	fi
}
end_ok() {
	cap_end
	expect_eq "$1: exit status" "$?" 0
}
wait_ok() {
	cap_wait
	expect_eq "$1: exit status" "$?" 0
}
# capture_field NAME: a field of the program's capture state.
capture_field() {
	bpftool -j map dump pinned "$PIN/capture" 2>/dev/null | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)[0]["formatted"]["value"]
    print(d[".data.capture"][0]["ig_capture"][sys.argv[1]])
except Exception as e:
    print("ERR", e)
' "$1"
}
# pcap_count FILE / pcap_bytes FILE: packets, and their lengths summed, as
# tcpdump reads them.
pcap_count() { tcpdump -nn -r "$1" 2>/dev/null | grep -c .; }
pcap_bytes() {
	tcpdump -nn -e -r "$1" 2>/dev/null |
		sed -n 's/.*, length \([0-9]*\): .*/\1/p' | awk '{ s += $1 } END { print s + 0 }'
}
# arm_by_hand LEASE REASON: configure the program's capture as a controller
# would (every packet of reason number REASON to the AF_XDP socket of its queue, no
# bound, lease LEASE), without one: how a test sees whether a socket is
# still in the XSKMAP (the kernel does not let userspace look).
arm_by_hand() {
	local hex
	hex=$(python3 -c '
import struct, sys
lease, r, nr = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
want = [0] * 1024  # a bit for every counter index of reason r
for cfam in range(5):
    for t in range(256):
        i = (cfam * 256 + t) * nr + r
        want[i // 64] |= 1 << (i % 64)
v = struct.pack("<QQII8Q1024QIIQQQQQQQQQ", lease, 1 << r, 1, 0, *([2**64 - 1] * 8),
                *want, 0, 64, 0, 0, 0, 0, 0, 0, 0, 0, 0)
assert len(v) == 168 + 1024 * 8
print(" ".join("%02x" % b for b in v))' "$1" "$2" "$(ig names reasons | grep -c .)")
	# shellcheck disable=SC2086 # one word a byte
	bpftool map update pinned "$PIN/capture" key hex 00 00 00 00 value hex $hex
}

expect_ok "attach $IF" ig attach "$IF"
expect_ok "set v4 echo-request drop" ig set "$IF" v4 echo-request drop
expect_ok "set v6 echo-request pass" ig set "$IF" v6 echo-request pass
expect_ok "warm-up ping6 (ND)" ping_a6 1 -c 1
A ping -n -q -c 1 -W 1 "$B4" >/dev/null # ARP
expect_eq "not armed after attach" "$(capture_field lease)" 0

# ---- the pcap holds exactly the drops ------------------------------------
N=7
d0=$(stat_type "$IF" v4 8 dropped)
b0=$(stat_type "$IF" v4 8 bytes)
cap_ok "capture -w FILE starts" -w "$LAB_TMP/drops.pcap"
expect_match "says which path" "$(cat "$CAP_ERR")" "drops via AF_XDP \((copy|zero-copy) mode, [0-9]+ RX queue"
A ping -n -q -c $N -i 0.05 -W 1 "$B4" >/dev/null
A ping -6 -n -q -c 3 -i 0.05 -W 1 "$(addr6_b 1)" >/dev/null # passed: not taken
sleep 0.3
end_ok "capture exits 0 on SIGTERM"
d1=$(stat_type "$IF" v4 8 dropped)
b1=$(stat_type "$IF" v4 8 bytes)
expect_eq "captured drops still counted as drops" "$(minus "$d1" "$d0")" $N
expect_eq "pcap: packets = drops" "$(pcap_count "$LAB_TMP/drops.pcap")" $N
expect_eq "pcap: bytes = bytes of the drops" "$(pcap_bytes "$LAB_TMP/drops.pcap")" "$(minus "$b1" "$b0")"
expect_eq "pcap: every one an echo request from A to B" \
	"$(tcpdump -nn -r "$LAB_TMP/drops.pcap" 2>/dev/null | grep -c "IP $A4 > $B4: ICMP echo request")" $N
expect_match "reports what it captured" "$(cat "$CAP_ERR")" "capture: $IF: $N packets captured"
expect_eq "disarmed after it ended" "$(capture_field lease)" 0

# ---- -w - pipes into tcpdump -----------------------------------------------
cap_ok "capture -w - -c 3 starts" -w - -c 3
A ping -n -q -c 3 -i 0.05 -W 1 "$B4" >/dev/null
wait_ok "capture -c 3 ends by itself"
expect_eq "tcpdump -r - reads 3 echo requests" \
	"$(tcpdump -nn -r - <"$CAP_OUT" 2>/dev/null | grep -c 'ICMP echo request')" 3

# ---- one line a packet, with its reason ------------------------------------
cap_ok "capture -c 3 (lines) starts" -c 3
A ping -n -q -c 3 -i 0.05 -W 1 "$B4" >/dev/null
wait_ok "capture -c 3 (lines) ends"
expect_eq "3 lines, each reason, family, type, addresses, length" \
	"$(grep -cE "^[0-9:.]+ drop-rule v4 echo-request 8/0 $A4 > $B4, 98 bytes$" "$CAP_OUT")" 3

# ---- --reason and --type ---------------------------------------------------
expect_ok "set v6 echo-request limit 1/min burst 1" ig set "$IF" v6 echo-request limit 1/min burst 1
cap_ok "capture --reason rate-limited-class starts" --reason rate-limited-class -w "$LAB_TMP/rl.pcap"
r0=$(stat_reason "$IF" rate-limited-class)
A ping -6 -n -q -c 5 -i 0.05 -W 1 "$(addr6_b 1)" >/dev/null
A ping -n -q -c 4 -i 0.05 -W 1 "$B4" >/dev/null
sleep 0.3
end_ok "capture --reason ends"
r1=$(stat_reason "$IF" rate-limited-class)
expect_ge "some v6 echo requests rate-limited" "$(minus "$r1" "$r0")" 4
expect_eq "--reason: exactly the rate-limited ones" "$(pcap_count "$LAB_TMP/rl.pcap")" "$(minus "$r1" "$r0")"
expect_eq "--reason: none of the v4 drops" "$(tcpdump -nn -r "$LAB_TMP/rl.pcap" 2>/dev/null | grep -c "IP $A4")" 0

cap_ok "capture --type v4:echo-request starts" --type v4:echo-request -w "$LAB_TMP/t.pcap"
A ping -6 -n -q -c 3 -i 0.05 -W 1 "$(addr6_b 1)" >/dev/null
A ping -n -q -c 4 -i 0.05 -W 1 "$B4" >/dev/null
sleep 0.3
end_ok "capture --type ends"
expect_eq "--type: the 4 v4 echo requests only" "$(pcap_count "$LAB_TMP/t.pcap")" 4
expect_eq "--type: no v6" "$(tcpdump -nn -r "$LAB_TMP/t.pcap" 2>/dev/null | grep -c IP6)" 0

# ---- --passed: copies, and the stack still gets them -----------------------
expect_ok "set v6 echo-request pass again" ig set "$IF" v6 echo-request pass
cap_ok "capture --passed --type v6:echo-request starts" \
	 --passed --type v6:echo-request -w "$LAB_TMP/pass.pcap"
expect_match "says passed packets come through the ring buffer" "$(cat "$CAP_ERR")" "passed packets via the ring buffer"
out=$(A ping -6 -n -q -c 4 -i 0.05 -W 1 "$(addr6_b 1)")
expect_match "--passed: every ping still answered" "$out" "4 packets transmitted, 4 received"
sleep 0.3
end_ok "capture --passed ends"
expect_eq "--passed: the 4 echo requests" \
	"$(tcpdump -nn -r "$LAB_TMP/pass.pcap" 2>/dev/null | grep -c 'ICMP6, echo request')" 4

# ---- --ring: drops through the ring buffer ---------------------------------
cap_ok "capture --ring -c 2 starts" --ring -c 2
expect_match "--ring: says the ring buffer" "$(cat "$CAP_ERR")" "packets via the ring buffer"
A ping -n -q -c 2 -i 0.05 -W 1 "$B4" >/dev/null
wait_ok "capture --ring ends"
expect_eq "--ring: 2 lines with their reason" "$(grep -c 'drop-rule v4 echo-request' "$CAP_OUT")" 2

# ---- one capture per interface; status says who; errors -----------------------
run ig status "$IF"
expect_match "status before: capture off" "$OUT" "capture +off"
cap_ok "a capture runs"
first=$CAP_PID
run ig status "$IF"
expect_match "status names the running capture" "$OUT" "capture +running \\(pid $first;"
run ig status "$IF" --json
expect_eq "status --json: capture running, its pid, armed" \
	"$(printf '%s' "$OUT" | python3 -c 'import json, sys
c = json.load(sys.stdin)["interfaces"][0]["capture"]
print(c["running"], c["pid"], c["armed"])')" "True $first True"
run ig capture "$IF" -c 1 -d 1
expect_error "a second capture of $IF"
expect_match "it names the running one" "$ERR" "another capture is running on it \(pid $first"
run ig capture "$(ifb 2)" -d 1
expect_error "capture of an interface not attached"
run ig capture nosuch$$ -d 1
expect_error "capture of a missing interface"
CAP_PID=$first
end_ok "the first capture ends"
run ig status "$IF"
expect_match "status after: capture off" "$OUT" "capture +off"
for bad in "--sample 1/0" "--sample 2/3" "--reason bogus" "--reason drop-rule,,x" \
	"--type v5:echo-request" "--type nosuchtype" "--snaplen 10" "--rate 0" "-c 0"; do
	# shellcheck disable=SC2086 # the words of $bad are options
	run ig capture "$IF" $bad
	expect_error "refused: $bad"
	[ "$RC" -eq 2 ] || fail_check "$bad: usage error exits 2" "exit $RC"
done
expect_eq "refusals armed nothing" "$(capture_field lease)" 0

# ---- a flood: bounded capture, counters as without it ------------------------
F=20000
fd0=$(stat_type "$IF" v4 8 dropped)
A "$FLOOD" -i "$(ifa 1)" -d "$B4" -n $F -r 50000 --quiet
sleep 0.3
fd1=$(stat_type "$IF" v4 8 dropped)
expect_eq "flood without capture: every packet dropped and counted" "$(minus "$fd1" "$fd0")" $F
RATE=100
cap_ok "capture --rate $RATE starts" --rate $RATE -w "$LAB_TMP/flood.pcap"
t0=$(date +%s%N)
A "$FLOOD" -i "$(ifa 1)" -d "$B4" -n $F -r 50000 --quiet
sleep 0.3
end_ok "capture under the flood ends"
t1=$(date +%s%N)
fd2=$(stat_type "$IF" v4 8 dropped)
expect_eq "flood with capture: the same count" "$(minus "$fd2" "$fd1")" $F
got=$(pcap_count "$LAB_TMP/flood.pcap")
# Burst of RATE/10, then RATE a second, over the time the capture ran.
bound=$(((t1 - t0) * RATE / 1000000000 + RATE / 10 + RATE))
expect_ge "flood: some packets captured" "$got" $((RATE / 10))
if [ "$got" -le "$bound" ]; then
	pass_check "flood: captured $got <= bound $bound"
else
	fail_check "flood: captured within the bound" "$got > $bound"
fi
expect_ge "flood: the program counted the excess over the rate" \
	"$(capture_field over_rate)" $((F - bound))

# ---- kill -9: back to plain drops within a second ----------------------------
cap_ok "capture to be killed starts" -w "$LAB_TMP/killed.pcap"
A ping -n -q -c 2 -i 0.05 -W 1 "$B4" >/dev/null
seen=$(capture_field seen)
kill -9 "$CAP_PID"
wait "$CAP_PID" 2>/dev/null
sleep 1
k0=$(stat_type "$IF" v4 8 dropped)
A ping -n -q -c 3 -i 0.05 -W 1 "$B4" >/dev/null
k1=$(stat_type "$IF" v4 8 dropped)
expect_eq "after kill -9: the pings are plain drops, counted" "$(minus "$k1" "$k0")" 3
expect_eq "after kill -9: the program cleared the lease" "$(capture_field lease)" 0
expect_eq "after kill -9: nothing more taken" "$(capture_field seen)" "$seen"
run ig status "$IF"
expect_match "after kill -9: status says capture off" "$OUT" "capture +off"
# The program armed by hand tries the XSKMAP: every slot must be empty.
DROP_RULE=$(ig names reasons | awk '$1 == "drop-rule" { print NR - 1 }')
expect_ok "arm by hand, lease far ahead" arm_by_hand $((1 << 62)) "${DROP_RULE:-7}"
A ping -n -q -c 3 -i 0.05 -W 1 "$B4" >/dev/null
expect_eq "after kill -9: no socket in the XSKMAP" "$(capture_field no_socket)" 3
expect_eq "after kill -9: nothing redirected to a socket" "$(capture_field to_xsk)" 0
expect_ok "disarm by hand" arm_by_hand 0 "${DROP_RULE:-7}"
cap_ok "after kill -9: a new capture can start" -c 1
A ping -n -q -c 1 -W 1 "$B4" >/dev/null
wait_ok "and takes a packet"

lab_done
