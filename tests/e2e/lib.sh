# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck shell=bash
#
# Shared helpers of the e2e tier: a lab of two network namespaces joined by
# veth pairs, a trap that tears down everything a test made even when it
# fails, and assertion helpers that print one line per check and count.
#
# Layout. Namespace A (igt-a-ID) is the sender, namespace B (igt-b-ID) the
# target; pair N joins igNaID (in A, 10.199.N.1/24, fd00:199:N::1/64) to
# igNbID (in B, 10.199.N.2/24, fd00:199:N::2/64). icmpgate is attached to
# the B end, so it judges what A sends to B; the replies come back through
# the A end, which is not filtered.
#
# The controller runs with `nsenter --net` (tools/lab/netlab.sh says why):
# its pins stay in the host's one bpffs. The root namespace gets no address,
# route or neighbour from a test. Interface names carry the test's pid, so
# pins (keyed by interface name) never collide.
#
# Usage in a test:
#   . "$(dirname "$0")/lib.sh"
#   lab_init "$@"          # ICMPGATE from $1 or the environment; traps set
#   lab_pair 1             # veth pair 1, addresses, DAD done
#   ig attach "$(ifb 1)"   # the controller, in namespace B
#   expect_ok "v4 ping" ping_a4 1
#   lab_done               # prints the summary, exits 0 or 1
#
# Tests that need more namespaces make them with lab_ns NAME (removed by
# the trap like A and B), run the controller in them with ig_in NS ... or
# IG_NS=NS before a stats helper, and name every interface they attach to
# with lab_track NS IFACE, so that the trap detaches it.

set -u

# The lab itself (namespaces, veth pairs, the controller in a namespace,
# background jobs, the trap): the one the demo and the benchmarks use too.
# shellcheck source=tools/lab/netlab.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../tools/lab/netlab.sh"

# 10.199.N.0/24 and fd00:199:N::/64 exist only on the veths a test makes.
LAB_ID=$$
NS_A=igt-a-$LAB_ID
NS_B=igt-b-$LAB_ID
NS_C=igt-c-$LAB_ID # a third namespace, for tests that need one (lab_ns_c)
PIN_ROOT=/sys/fs/bpf/icmpgate
TEST_NAME=$(basename "${0%.sh}")
CHECKS_OK=0
CHECKS_FAILED=0
LAB_IFACES=() # B-side interfaces the controller may have pinned state for
LAB_NS_IFACES=() # "NS IFACE": the same, in any namespace (lab_track)
LAB_NSS=() # namespaces made by lab_ns
LAB_PIDS=() # background jobs to kill on exit (BG_PIDS, for the tests)
LAB_TMP=
LAB_UP=0

ifa() { echo "ig${1}a$LAB_ID"; }
ifb() { echo "ig${1}b$LAB_ID"; }
addr4_a() { echo "10.199.$1.1"; }
addr4_b() { echo "10.199.$1.2"; }
addr6_a() { echo "fd00:199:$1::1"; }
addr6_b() { echo "fd00:199:$1::2"; }

A() { ip netns exec "$NS_A" "$@"; }
B() { ip netns exec "$NS_B" "$@"; }
C() { ip netns exec "$NS_C" "$@"; }
# The controller, in B's network namespace (or IG_NS's, when a test sets
# it for one call) but the host's mount namespace.
ig() { netlab_ig "${IG_NS:-$NS_B}" "$@"; }
# ig_in NS ARGS...: the controller in namespace NS.
ig_in() { netlab_ig "$@"; }

log() { printf '# %s\n' "$*"; }
die() {
	printf '%s: %s\n' "$TEST_NAME" "$*" >&2
	exit 2
}

# ---- checks -------------------------------------------------------------

pass_check() {
	CHECKS_OK=$((CHECKS_OK + 1))
	printf 'ok   %s\n' "$1"
}

fail_check() {
	CHECKS_FAILED=$((CHECKS_FAILED + 1))
	printf 'FAIL %s%s\n' "$1" "${2:+ ($2)}"
}

# expect_ok NAME CMD...: CMD exits 0. Its output is shown only on failure.
expect_ok() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		pass_check "$name"
	else
		fail_check "$name" "exit $rc: $*"
		printf '%s\n' "$out" | sed 's/^/#   /' | tail -n 5
	fi
	return $rc
}

# expect_fail NAME CMD...: CMD exits non-zero.
expect_fail() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -ne 0 ]; then
		pass_check "$name"
		return 0
	fi
	fail_check "$name" "exit 0, expected failure: $*"
	printf '%s\n' "$out" | sed 's/^/#   /' | tail -n 5
	return 1
}

# expect_eq NAME GOT WANT: string equality. A GOT starting with "ERR" (a
# helper that could not read its value) never passes, even if WANT is the
# same error: two failed reads must not look like an unchanged value.
expect_eq() {
	if [ "$2" = "$3" ] && [ "${2#ERR}" = "$2" ]; then
		if [ "$(printf '%s\n' "$3" | wc -l)" -gt 1 ]; then
			pass_check "$1 ($(printf '%s\n' "$3" | wc -l) lines)"
		else
			pass_check "$1 = $3"
		fi
		return 0
	fi
	fail_check "$1" "got '$2', want '$3'"
	return 1
}

# expect_ge NAME GOT MIN: GOT is an integer >= MIN.
expect_ge() {
	if [[ $2 =~ ^[0-9]+$ ]] && [ "$2" -ge "$3" ]; then
		pass_check "$1 = $2 >= $3"
		return 0
	fi
	fail_check "$1" "got '$2', want >= $3"
	return 1
}

# expect_match NAME TEXT REGEX (extended regular expression).
expect_match() {
	if printf '%s' "$2" | grep -Eq -- "$3"; then
		pass_check "$1"
		return 0
	fi
	fail_check "$1" "'$2' does not match /$3/"
	return 1
}

# ---- traffic ------------------------------------------------------------

# Pings from A to B over pair N. Extra arguments go to ping.
# -W 1 bounds each wait; -i 0.2 keeps the default three pings quick.
ping_a4() {
	local n=$1
	shift
	A ping -n -q -c 3 -i 0.2 -W 1 "$@" "$(addr4_b "$n")"
}
ping_a6() {
	local n=$1
	shift
	A ping -6 -n -q -c 3 -i 0.2 -W 1 "$@" "$(addr6_b "$n")"
}
# A ping that must fail: fewer packets, same wait.
noping_a4() { ping_a4 "$1" -c 2; }
noping_a6() { ping_a6 "$1" -c 2; }

# minus A B: A - B, or "ERR(A)" when either is not a number.
minus() {
	if [[ $1 =~ ^[0-9]+$ ]] && [[ $2 =~ ^[0-9]+$ ]]; then
		echo $(($1 - $2))
	else
		echo "ERR($1 - $2)"
	fi
}

# run CMD...: runs CMD; sets RC, OUT (stdout) and ERR (stderr).
run() {
	"$@" >"$LAB_TMP/out" 2>"$LAB_TMP/err"
	RC=$?
	OUT=$(cat "$LAB_TMP/out")
	ERR=$(cat "$LAB_TMP/err")
}
# expect_error NAME: the last run failed with exactly one line on stderr.
expect_error() {
	if [ "$RC" -ne 0 ] && [ "$(printf '%s\n' "$ERR" | grep -c .)" -eq 1 ]; then
		pass_check "$1: exit $RC, '$ERR'"
	else
		fail_check "$1" "exit $RC, stderr: $(printf '%s' "$ERR" | tr '\n' '|')"
	fi
}

# ---- stats --------------------------------------------------------------

# stat_type IFACE FAMILY TYPE FIELD: one counter of one ICMP type from
# `stats --json` (0 when the type is not listed), both sides together;
# "ERR" if unreadable.
stat_type() {
	stat_side_type "$1" any "$2" "$3" "$4"
}

# stat_side_type IFACE SIDE FAMILY TYPE FIELD: as stat_type, counting only
# the packets judged on SIDE (host, transit, or any).
stat_side_type() {
	local js
	js=$(ig stats "$1" --json 2>/dev/null) || {
		echo ERR
		return 1
	}
	printf '%s' "$js" | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
    s, f, t, k = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    print(sum(int(e[k]) for e in d["types"]
              if s in ("any", e["side"]) and e["family"] == f
              and int(e["type"]) == t))
except Exception as e:
    print("ERR", e)
' "$2" "$3" "$4" "$5"
}

# stat_side IFACE SIDE FIELD: one of a side's totals ("sides" in the JSON).
stat_side() {
	local js
	js=$(ig stats "$1" --json 2>/dev/null) || {
		echo ERR
		return 1
	}
	printf '%s' "$js" | python3 -c '
import json, sys
try:
    print(int(json.load(sys.stdin)["sides"][sys.argv[1]][sys.argv[2]]))
except Exception as e:
    print("ERR", e)
' "$2" "$3"
}

# stat_total IFACE FIELD: one of the totals.
stat_total() {
	local js
	js=$(ig stats "$1" --json 2>/dev/null) || {
		echo ERR
		return 1
	}
	printf '%s' "$js" | python3 -c '
import json, sys
try:
    print(int(json.load(sys.stdin)["totals"][sys.argv[1]]))
except Exception as e:
    print("ERR", e)
' "$2"
}

# stat_reason IFACE REASON: packets counted under one reason.
stat_reason() {
	ig stats "$1" --json | python3 -c '
import json, sys
try:
    print(int(json.load(sys.stdin)["reasons"][sys.argv[1]]["packets"]))
except Exception as e:
    print("ERR", e)
' "$2"
}

# status_field IFACE KEY: a field of this interface's `status --json`,
# wherever it sits (the object itself, or an element of a list of them).
status_field() {
	local js
	js=$(ig status "$1" --json 2>/dev/null) || {
		echo ERR
		return 1
	}
	printf '%s' "$js" | python3 -c '
import json, sys
ifname, key = sys.argv[1], sys.argv[2]
def find(o):
    if isinstance(o, dict):
        if key in o and o.get("interface", o.get("ifname", ifname)) == ifname:
            return o[key]
        for v in o.values():
            r = find(v)
            if r is not None:
                return r
    elif isinstance(o, list):
        for v in o:
            r = find(v)
            if r is not None:
                return r
    return None
try:
    r = find(json.load(sys.stdin))
    if r is None:
        print("ERR missing " + key)
    else:
        print(r if isinstance(r, str) else json.dumps(r))
except Exception as e:
    print("ERR", e)
' "$1" "$2"
}

# policy_has IFACE REGEX: `policy show IFACE` has a line matching REGEX.
policy_has() {
	ig policy show "$1" | grep -Eq -- "$2"
}

# xdp_attached NS IFACE: the link carries an XDP program.
xdp_attached() { netlab_xdp_attached "$@"; }

# neigh_state NS IFACE ADDR: the NUD state of one neighbour entry, or NONE.
neigh_state() {
	local s
	s=$(ip -n "$1" -6 neigh show dev "$2" to "$3" | awk '{print $NF}')
	echo "${s:-NONE}"
}

# ---- lab ----------------------------------------------------------------

lab_cleanup() {
	local rc=$? ifname
	trap - EXIT INT TERM HUP
	[ "$LAB_UP" = 1 ] || exit $rc
	bg_stop_all
	# Detach while the interfaces still exist, so the controller and libxdp
	# remove their own pins; then remove whatever is left under our names.
	for ifname in "${LAB_IFACES[@]}"; do
		netlab_forget_iface "$NS_B" "$ifname"
	done
	for ifname in "${LAB_NS_IFACES[@]}"; do
		netlab_forget_iface "${ifname% *}" "${ifname#* }"
	done
	netlab_del_ns "${LAB_NSS[@]}" "$NS_A" "$NS_B" "$NS_C"
	[ -n "$LAB_TMP" ] && rm -rf -- "$LAB_TMP"
	exit $rc
}

# lab_init [ICMPGATE]: checks, namespaces, traps.
lab_init() {
	ICMPGATE=${1:-${ICMPGATE:-}}
	[ "$(id -u)" = 0 ] || die "needs root (network namespaces, XDP, bpffs)"
	[ -n "$ICMPGATE" ] || die "usage: $0 PATH/TO/icmpgate (or ICMPGATE=...)"
	[ -x "$ICMPGATE" ] || die "$ICMPGATE: not an executable"
	ICMPGATE=$(readlink -f "$ICMPGATE")
	local t
	for t in ip ping nsenter python3; do
		command -v "$t" >/dev/null || die "$t not found"
	done
	LAB_UP=1
	netlab_init lab_cleanup "igt-$LAB_ID" ||
		die "cannot mount bpffs on /sys/fs/bpf or make a temporary directory"
	LAB_TMP=$NETLAB_TMP
	netlab_ns "$NS_A" || die "cannot create namespace $NS_A"
	netlab_ns "$NS_B" || die "cannot create namespace $NS_B"
	log "$TEST_NAME: lab $NS_A -> $NS_B, icmpgate $ICMPGATE"
}

# lab_icmpflood: FLOOD, the traffic generator next to $ICMPGATE, or die.
lab_icmpflood() {
	FLOOD=$(dirname "$ICMPGATE")/tools/icmpflood
	[ -x "$FLOOD" ] || die "$FLOOD not built (make all)"
}

# lab_pair N: veth pair N between A and B, with both address families.
lab_pair() {
	local n=$1 a b
	a=$(ifa "$n")
	b=$(ifb "$n")
	veth_pair "$NS_A" "$a" "$NS_B" "$b" "$(addr4_a "$n")/24" "$(addr4_b "$n")/24" \
		"$(addr6_a "$n")/64" "$(addr6_b "$n")/64" ||
		die "cannot create veth pair $a/$b"
	LAB_IFACES+=("$b")
	for _ in $(seq 50); do
		if ! ip -n "$NS_A" -6 addr show dev "$a" | grep -q tentative &&
			! ip -n "$NS_B" -6 addr show dev "$b" | grep -q tentative &&
			ip -n "$NS_A" link show dev "$a" | grep -q 'state UP' &&
			ip -n "$NS_B" link show dev "$b" | grep -q 'state UP'; then
			return 0
		fi
		sleep 0.1
	done
	die "pair $n not up after 5 s"
}

# lab_ns_c: the third namespace, C, set up like A and B; the trap
# removes it with them.
lab_ns_c() {
	netlab_ns "$NS_C" || die "cannot create namespace $NS_C"
}

# lab_ns NAME: one more namespace, igt-NAME-ID, set up like A and B and
# removed by the trap. Its name is left in LAB_NS (not printed: in a
# command substitution the record of it would be lost with the subshell).
lab_ns() {
	LAB_NS=igt-$1-$LAB_ID
	netlab_ns "$LAB_NS" || die "cannot create namespace $LAB_NS"
	LAB_NSS+=("$LAB_NS")
}

# lab_track NS IFACE: the trap detaches icmpgate from IFACE in NS.
lab_track() { LAB_NS_IFACES+=("$1 $2"); }

# lab_bg NS CMD...: run CMD in namespace NS in the background, as the
# leader of its own process group, so that the cleanup kills it and every
# child it forked (socat's per-connection children, a client's commands)
# by that one id. Prints nothing; the pid is the last of LAB_PIDS.
lab_bg() {
	local ns=$1
	shift
	bg_start ip netns exec "$ns" "$@"
	# shellcheck disable=SC2034 # for the tests
	LAB_PIDS=("${BG_PIDS[@]}")
}

# lab_stop PID: end one background job (and its group) and reap it.
lab_stop() { bg_stop "$1"; }

# lab_file NAME TEXT: a file in the lab's temporary directory; prints path.
lab_file() {
	printf '%s\n' "$2" >"$LAB_TMP/$1"
	chmod 644 "$LAB_TMP/$1"
	echo "$LAB_TMP/$1"
}

# lab_done: summary line, exit status.
lab_done() {
	echo "$TEST_NAME: $CHECKS_OK checks passed, $CHECKS_FAILED failed"
	[ "$CHECKS_FAILED" -eq 0 ] && [ "$CHECKS_OK" -gt 0 ]
	exit $?
}
