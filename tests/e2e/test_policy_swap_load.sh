#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck disable=SC2016,SC2317 # helpers run through expect_ok; scripts run in a namespace
# Policy swaps under load: while A floods B with echo requests and two TCP
# clients talk to an echo server on B (one long connection sending lines,
# one loop of short connections, each a handshake, a request, a response
# and a close), the policy is replaced 50 times, alternating v4 echo drop
# and pass. Every TCP request must get its response; the flood's echo
# counters must move under both policies.
# Usage: test_policy_swap_load.sh ICMPGATE
. "$(dirname "$0")/lib.sh"
lab_init "$@"
lab_pair 1
IF=$(ifb 1)
B4=$(addr4_b 1)
PORT=7199
SWAPS=50
STOP=$LAB_TMP/stop

# Runs in namespace A: one connection, a line out and its echo back, until
# $STOP exists. Prints "OK BAD".
LONG_CLIENT='
coproc S { exec socat - "TCP:$1:$2,connect-timeout=3"; }
ok=0 bad=0 i=0
while [ ! -e "$3" ]; do
	i=$((i + 1))
	printf "line %d\n" $i >&"${S[1]}" || { bad=$((bad + 1)); break; }
	if read -r -t 3 -u "${S[0]}" r && [ "$r" = "line $i" ]; then
		ok=$((ok + 1))
	else
		bad=$((bad + 1)); echo "long: line $i: got \"${r:-}\"" >&2; break
	fi
	sleep 0.005
done
echo "$ok $bad"
'
# Runs in namespace A: a new connection for every request until $STOP.
SHORT_CLIENT='
ok=0 bad=0 i=0
while [ ! -e "$3" ]; do
	i=$((i + 1))
	r=$(printf "req %d\n" $i | timeout 5 socat -t 3 - "TCP:$1:$2,connect-timeout=3")
	if [ "$r" = "req $i" ]; then
		ok=$((ok + 1))
	else
		bad=$((bad + 1)); echo "short: req $i: got \"$r\"" >&2
	fi
done
echo "$ok $bad"
'

retrans() { ip netns exec "$1" awk '/^Tcp:/ { if (h) print $13; h = 1 }' /proc/net/snmp; }

drop=$(lab_file drop.policy "v4 echo-request drop")
pass=$(lab_file pass.policy "v4 echo-request pass")
expect_ok "attach $IF with echo pass" ig attach "$IF" --policy "$pass"
expect_ok "v4 ping" ping_a4 1

lab_bg "$NS_B" socat "TCP-LISTEN:$PORT,bind=$B4,reuseaddr,fork" PIPE
listening() { B ss -Hltn "sport = :$PORT" | grep -q .; }
for _ in $(seq 50); do
	listening && break
	sleep 0.1
done
expect_ok "echo server listening on $B4:$PORT" listening

r0=$(retrans "$NS_A")
lab_bg "$NS_A" ping -f -q "$B4" >/dev/null
FLOOD=${LAB_PIDS[-1]}
lab_bg "$NS_A" bash -c "$LONG_CLIENT" long "$B4" $PORT "$STOP" \
	>"$LAB_TMP/long.out" 2>"$LAB_TMP/long.err"
LONG=${LAB_PIDS[-1]}
lab_bg "$NS_A" bash -c "$SHORT_CLIENT" short "$B4" $PORT "$STOP" \
	>"$LAB_TMP/short.out" 2>"$LAB_TMP/short.err"
SHORT=${LAB_PIDS[-1]}
sleep 0.5

p0=$(stat_type "$IF" v4 8 passed)
d0=$(stat_type "$IF" v4 8 dropped)
t0=$(date +%s.%N)
apply_failed=0
for i in $(seq $SWAPS); do
	if [ $((i % 2)) -eq 1 ]; then f=$drop; else f=$pass; fi
	ig policy apply "$IF" "$f" >/dev/null || apply_failed=$((apply_failed + 1))
	sleep 0.03
done
t1=$(date +%s.%N)
sleep 0.3
p1=$(stat_type "$IF" v4 8 passed)
d1=$(stat_type "$IF" v4 8 dropped)
touch "$STOP"
log "$SWAPS swaps in $(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }") s"

expect_eq "policy applies that failed" "$apply_failed" 0
expect_ok "ping flood still running" kill -0 "$FLOOD"
lab_stop "$FLOOD"
for pid in "$LONG" "$SHORT"; do
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	lab_stop "$pid"
done
sed 's/^/# /' "$LAB_TMP/long.err" "$LAB_TMP/short.err" | head -n 10
read -r long_ok long_bad <"$LAB_TMP/long.out"
read -r short_ok short_bad <"$LAB_TMP/short.out"
expect_eq "long connection: requests without a response" "${long_bad:-missing}" 0
expect_ge "long connection: request/response pairs" "${long_ok:-0}" 50
expect_eq "short connections: requests without a response" "${short_bad:-missing}" 0
expect_ge "short connections: completed" "${short_ok:-0}" 10
expect_ge "flood echo-requests passed during swaps" "$(minus "$p1" "$p0")" 1
# Without replies ping -f slows to 100/s: about 1 s of drop phases.
expect_ge "flood echo-requests dropped during swaps" "$(minus "$d1" "$d0")" 10
log "TCP retransmissions from A during the test: $(minus "$(retrans "$NS_A")" "$r0")"
# Last apply was pass ($SWAPS is even): the live policy is the pass file.
expect_ok "live policy is the last one applied" \
	policy_has "$IF" '^v4 +(echo-request|8) +pass'
expect_ok "v4 ping after the swaps" ping_a4 1

lab_done
