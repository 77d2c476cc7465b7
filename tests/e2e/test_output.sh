#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck disable=SC2317 # helpers run through expect_ok
# Output (issue 12): stats --watch stops with an error when the attachment
# goes away; every JSON record has a timestamp (--watch --json lines too);
# -j before the command; policy show --json; attach and status say legacy
# or dispatcher and libxdp's reason without -v; the refusal of an interface
# with another tool's XDP program names it and does not suggest removing it;
# tables line up whatever a name's length; status names what sync keeps.
# Usage: test_output.sh ICMPGATE
. "$(dirname "$0")/lib.sh"
lab_init "$@"
lab_pair 1
IF=$(ifb 1)

# json_get KEY: a top-level key of the JSON object on stdin.
json_get() {
	python3 -c '
import json, sys
try:
    v = json.load(sys.stdin)[sys.argv[1]]
    print(v if isinstance(v, str) else json.dumps(v))
except Exception as e:
    print("ERR", e)
' "$1"
}
# is_stamp TEXT: an RFC 3339 UTC timestamp within a minute of now.
is_stamp() {
	python3 -c '
import datetime, sys
t = datetime.datetime.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%S.%fZ")
now = datetime.datetime.utcnow()
sys.exit(0 if abs((now - t).total_seconds()) < 60 else 1)
' "$1" 2>/dev/null
}

out=$(ig attach "$IF")
expect_ok "attach $IF" test -n "$out"
mp=$(status_field "$IF" dispatcher)
if [ "$mp" = legacy ]; then
	expect_match "attach says legacy and libxdp's reason" "$out" "legacy \\(single program; libxdp: .+\\)"
	expect_match "status says the reason without -v" "$(ig status "$IF")" "dispatcher +legacy \\(single program; libxdp: .+\\)"
	expect_match "status --json: dispatcher_reason" "$(status_field "$IF" dispatcher_reason)" "."
else
	expect_match "attach says dispatcher" "$out" "behind the libxdp dispatcher"
fi

# Timestamps, and -j before the command.
for c in "stats $IF" "status $IF" "policy show $IF" "top $IF -i 1"; do
	# shellcheck disable=SC2086 # words of the command
	ts=$(ig -j $c | json_get timestamp)
	expect_ok "-j $c: timestamp $ts" is_stamp "$ts"
done
# shellcheck disable=SC2016
expect_eq "policy show --json: statements are the text" \
	"$(ig policy show --json "$IF" | python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin)["statements"]))')" \
	"$(ig policy show "$IF")"
expect_eq "policy show --json: digest" "$(ig policy show --json "$IF" | json_get policy_digest)" \
	"$(status_field "$IF" policy_digest)"
"$ICMPGATE" -j policy default >/dev/null 2>&1
expect_eq "-j with a command without JSON: usage error" "$?" 2

# Tables sized to their content: names longer than any fixed width
# (mobile-registration-request, rate-limited-source) on real packets.
# rows_aligned HEAD TEXT: the rows of the table whose heading starts with
# HEAD, up to the next blank line, are all as long (its last column is
# aligned to the right), and there are at least two.
rows_aligned() {
	printf '%s\n' "$2" | awk -v h="$1" '
		index($0, h) == 1 { on = 1 }
		on && $0 == "" { on = 0 }
		on { n++; w[length($0)] = 1 }
		END { k = 0; for (x in w) k++; exit !(n >= 2 && k == 1) }'
}
expect_ok "set v4 echo-request limit per-source 2/s" \
	ig set "$IF" v4 echo-request limit per-source 2/s burst 2
A ping -n -q -i 0.01 -c 50 "$(addr4_b 1)" >/dev/null 2>&1
# Three ICMP type 35 (mobile-registration-request), which the default drops.
A python3 -c '
import socket, struct, sys
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff
h = struct.pack("!BBHI", 35, 0, 0, 0) + bytes(8)
h = h[:2] + struct.pack("!H", csum(h)) + h[4:]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
for _ in range(3):
    s.sendto(h, (sys.argv[1], 0))
' "$(addr4_b 1)"
table=$(ig stats "$IF")
expect_match "stats lists mobile-registration-request" "$table" "mobile-registration-request"
expect_match "stats lists rate-limited-source" "$table" "rate-limited-source"
expect_ok "the types table's columns line up" rows_aligned "  side " "$table"
expect_ok "the reasons table's columns line up" rows_aligned "  reason " "$table"
st=$(ig status "$IF")
expect_match "status counts the directed broadcasts it keeps" "$st" \
	"broadcasts +[0-9]+ directed, for the broadcast-echo check"
expect_fail "status does not report an MTU it no longer uses" \
	expect_match x "$st" "mtu"

lines=$(timeout 3.5 nsenter --net="/run/netns/$NS_B" "$ICMPGATE" stats "$IF" --watch 1 --json)
n=$(printf '%s\n' "$lines" | grep -c .)
expect_ge "stats --watch --json: lines" "$n" 2
stamped=$(printf '%s\n' "$lines" | python3 -c '
import json, sys
print(sum(1 for l in sys.stdin if l.strip() and "timestamp" in json.loads(l)))')
expect_eq "every --watch line has a timestamp" "$stamped" "$n"

# --watch after a detach: an error, not zero rates for ever.
nsenter --net="/run/netns/$NS_B" timeout 10 "$ICMPGATE" stats "$IF" --watch 1 \
	>"$LAB_TMP/watch.out" 2>"$LAB_TMP/watch.err" &
wpid=$!
sleep 1.5
expect_ok "detach under stats --watch" ig detach "$IF"
wait $wpid
rc=$?
expect_ge "stats --watch exits non-zero after the detach (not 124: timeout)" "$rc" 1
expect_fail "... and not by the timeout" test "$rc" -eq 124
expect_match "it says the attachment went away" "$(cat "$LAB_TMP/watch.err")" "attachment went away"

# Another tool's program: named, left alone, no 'xdp off' advice.
OBJ=/usr/lib/$(gcc -print-multiarch)/bpf/xdpfilt_alw_all.o
if ip -n "$NS_B" link set dev "$IF" xdpgeneric obj "$OBJ" sec xdp; then
	err=$(ig attach "$IF" 2>&1)
	expect_match "refusal names the program" "$err" "XDP program [0-9]+ 'xdpfilt_alw_all', not icmpgate's"
	expect_match "refusal says how to find its owner" "$err" "bpftool prog show id [0-9]+"
	expect_fail "refusal does not suggest removing it" expect_match x "$err" "xdp(generic)? off"
	ip -n "$NS_B" link set dev "$IF" xdpgeneric off
else
	fail_check "ip link attaches $OBJ (libxdp1's) as another tool's program"
fi
lab_done
