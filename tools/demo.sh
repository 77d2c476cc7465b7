#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# `make demo`: icmpgate on a lab of two network namespaces joined by a veth
# pair. Attaches with the built-in policy, pings both families, drops v4
# echo-request, floods it, shows the counters, detaches. Everything it makes
# (namespaces, veths, pins) is removed on exit, even on failure or ^C.
# Traffic stays on the lab's veth pair (10.199.0.0/24, fd00:199::/64).
# Usage: demo.sh BUILD
set -u

BUILD=${1:?usage: demo.sh BUILD}
ICMPGATE=$(readlink -f "$BUILD/icmpgate")
ID=$$
NS_A=igdemo-a-$ID # the sender
NS_B=igdemo-b-$ID # the protected host: icmpgate filters what it receives
IF_A=igda$ID
IF_B=igdb$ID
A4=10.199.0.1
B4=10.199.0.2
A6=fd00:199::1
B6=fd00:199::2

# shellcheck source=tools/lab/netlab.sh
. "$(dirname "$0")/lab/netlab.sh"

if [ "$(id -u)" != 0 ]; then
	echo "demo: needs root (network namespaces, XDP): sudo make demo" >&2
	exit 1
fi
[ -x "$ICMPGATE" ] || {
	echo "demo: $BUILD/icmpgate not built: run make" >&2
	exit 1
}

bold=
norm=
if [ -t 1 ]; then
	bold=$(printf '\033[1m')
	norm=$(printf '\033[0m')
fi
surprises=0
# surprise WHAT: something the demo shows did not go as it should.
surprise() {
	echo "!! unexpected: $*"
	surprises=$((surprises + 1))
}
heading() { printf '\n%s== %s%s\n' "$bold" "$*" "$norm"; }
# show CMD...: print the command as typed, then run it.
show() {
	printf '%s$ %s%s\n' "$bold" "$*" "$norm"
	"$@"
}
# The controller runs in B's network namespace but keeps the host's mount
# namespace, where its pins live in /sys/fs/bpf (tools/lab/netlab.sh).
icmpgate() { netlab_ig "$NS_B" "$@"; }
in_a() { ip netns exec "$NS_A" "$@"; }
FORGE=$(dirname "$ICMPGATE")/tools/forge # tools/lab/forge.c

cleanup() {
	local rc=$?
	trap - EXIT INT TERM HUP
	netlab_forget_iface "$NS_B" "$IF_B"
	netlab_del_ns "$NS_A" "$NS_B"
	[ -n "${NETLAB_TMP:-}" ] && rm -rf -- "$NETLAB_TMP"
	exit $rc
}
netlab_init cleanup "igdemo-$ID" || {
	echo "demo: cannot mount bpffs on /sys/fs/bpf or make a temporary directory" >&2
	exit 1
}

heading "Lab: $NS_A ($IF_A $A4 $A6) <-veth-> $NS_B ($IF_B $B4 $B6)"
for ns in "$NS_A" "$NS_B"; do
	netlab_ns "$ns" || {
		echo "demo: cannot create namespace $ns" >&2
		exit 1
	}
done
veth_pair "$NS_A" "$IF_A" "$NS_B" "$IF_B" "$A4/24" "$B4/24" "$A6/64" "$B6/64" || {
	echo "demo: cannot create veth pair $IF_A/$IF_B" >&2
	exit 1
}
sleep 0.2
echo "icmpgate is attached to $IF_B: it judges what $NS_A sends to $NS_B."

heading "Attach with the built-in policy"
show icmpgate attach "$IF_B" || {
	echo "demo: attach failed" >&2
	exit 1
}
show icmpgate status "$IF_B"

heading "Echo passes under the built-in policy"
show in_a ping -c 3 -i 0.2 -W 1 "$B4" || surprise "v4 ping failed"
show in_a ping -6 -c 3 -i 0.2 -W 1 "$B6" || surprise "v6 ping failed"

heading "The live policy"
show icmpgate policy show "$IF_B"

heading "Drop v4 echo-request; v6 echo still passes"
show icmpgate set "$IF_B" v4 echo-request drop
if show in_a ping -c 3 -i 0.2 -W 1 "$B4"; then
	surprise "v4 ping got through the drop rule"
else
	echo "(no reply: each request was dropped at XDP, before $NS_B's kernel saw it)"
fi
show in_a ping -6 -c 2 -i 0.2 -W 1 "$B6" || surprise "v6 ping failed"

heading "An echo flood against the drop rule: 20000 requests"
show icmpgate stats "$IF_B" --reset >/dev/null
echo "(counters reset)"
# -l 20000: all requests in flight at once; a plain ping -f slows to 100/s
# when nothing comes back.
show in_a ping -q -f -l 20000 -c 20000 -W 1 "$B4"
echo "(ping's own count: 20000 sent, nothing came back)"

heading "Counters"
show icmpgate stats "$IF_B"
echo
js=$(show icmpgate stats "$IF_B" --json)
printf '%s\n' "$js"
n=$(printf '%s\n' "$js" | sed 1d | python3 -c 'import json, sys
d = json.load(sys.stdin)
print(sum(e["dropped"] for e in d["types"] if e["family"] == "v4" and e["type"] == 8))
' 2>/dev/null)
if [ "$n" = 20000 ]; then
	echo "(v4 echo-request dropped: $n, one for each request of the flood)"
else
	surprise "v4 echo-request dropped is '$n', not 20000"
fi

heading "Rate limits: a ping -f held to the built-in per-source limit"
show icmpgate set "$IF_B" v4 echo-request limit 1000/s per-source 10/s burst 20
sleep 1 # the bucket fills up: 20 packets
show icmpgate stats "$IF_B" --reset >/dev/null
show in_a ping -q -f -w 3 "$B4"
echo "(a flood of 3 s from one source: 20 (the burst) + 10/s x 3 s = 50 may pass)"
show icmpgate top "$IF_B" -n 5
passed=$(icmpgate stats "$IF_B" --json | python3 -c 'import json, sys
d = json.load(sys.stdin)
print(d["reasons"]["pass-limit"]["packets"])' 2>/dev/null)
if [ -n "$passed" ] && [ "$passed" -ge 35 ] && [ "$passed" -le 70 ]; then
	echo "(v4 echo-request passed by the limit: $passed)"
else
	surprise "the limit passed '$passed' requests, not about 50"
fi

heading "Forged path-MTU and neighbour messages are told from real ones"
show icmpgate stats "$IF_B" --reset >/dev/null
echo "(a frag-needed is believed only if it quotes a packet $NS_B sent)"
show in_a "$FORGE" ptb 4 "$B4" "$B4" 192.0.2.1 1280 3
echo "(3 quoting $B4 -> 192.0.2.1: a packet $NS_B could have sent; they pass)"
show in_a "$FORGE" ptb 4 "$B4" 198.51.100.7 192.0.2.1 576 5
echo "(5 quoting 198.51.100.7, not an address of $NS_B: forged)"
show in_a "$FORGE" ns "$B6" "$B6" 254 4
echo "(4 neighbour solicitations with hop limit 254: not from the link)"
show icmpgate stats "$IF_B"
counts=$(icmpgate stats "$IF_B" --json | python3 -c 'import json, sys
r = json.load(sys.stdin)["reasons"]
print(r["pass-limit"]["packets"], r["invalid-source"]["packets"],
      r["spoofed-ndp"]["packets"])' 2>/dev/null)
if [ "$counts" = "3 5 4" ]; then
	echo "(passed 3, invalid-source 5, spoofed-ndp 4: as sent)"
else
	surprise "pass-limit, invalid-source, spoofed-ndp are '$counts', not '3 5 4'"
fi

heading "The host changes under the filter; nobody runs a command"
show ip -n "$NS_A" link set dev "$IF_A" mtu 9000
show ip -n "$NS_B" link set dev "$IF_B" mtu 9000
echo "(the MTU raised to 9000 after attach: jumbo echo passes, no size cap)"
show in_a ping -c 2 -i 0.3 -W 1 -M do -s 8972 "$B4" ||
	surprise "a 9000-byte ping was not answered"
show ip -n "$NS_B" addr add 10.199.0.3/24 dev "$IF_B"
show icmpgate stats "$IF_B" --reset >/dev/null
echo "(a frag-needed for a packet from the new address 10.199.0.3, sent to it)"
show in_a "$FORGE" ptb 4 10.199.0.3 10.199.0.3 192.0.2.1 1400 3 9000
echo "(3 reporting MTU 1400 for a 9000-byte packet: believed, with no sync)"
show in_a "$FORGE" ptb 4 10.199.0.3 10.199.0.3 192.0.2.1 9000 2 9000
echo "(2 reporting MTU 9000 for that same 9000-byte packet: no router sends that)"
counts=$(icmpgate stats "$IF_B" --json | python3 -c 'import json, sys
d = json.load(sys.stdin)
print(sum(e["passed"] for e in d["types"] if e["family"] == "v4" and e["type"] == 3),
      d["reasons"]["invalid-mtu"]["packets"])' 2>/dev/null)
if [ "$counts" = "3 2" ]; then
	echo "(frag-needed passed 3, invalid-mtu 2: as sent)"
else
	surprise "frag-needed passed and invalid-mtu are '$counts', not '3 2'"
fi

heading "Detach: the program and its pins are removed"
show icmpgate detach "$IF_B" || surprise "detach failed"
show ip -n "$NS_B" link show dev "$IF_B"
if [ -e "/sys/fs/bpf/icmpgate/$IF_B" ]; then
	surprise "pins left in /sys/fs/bpf/icmpgate/$IF_B"
else
	echo "(no /sys/fs/bpf/icmpgate/$IF_B: the pins are gone)"
fi
show in_a ping -c 1 -W 1 "$B4" || surprise "v4 ping failed after detach"

if [ $surprises -ne 0 ]; then
	heading "Done, with $surprises unexpected results; the lab is removed on exit"
	exit 1
fi
heading "Done; the lab is removed on exit"
