#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck disable=SC2317 # the trap's helpers
# `make soak`: SOAK_TIME seconds (default 600) of an echo-request flood from
# a million spoofed sources (icmpflood --random over a /12) at SOAK_RATE
# packets/s, while the policy is swapped every second between two that
# limit echo per source (10/s and 20/s, so the per-source table churns)
# behind one class bucket of SOAK_CLASS/s. Every SOAK_SAMPLE seconds it
# records the controller's peak RSS (a `policy apply` and a `stats`, as
# getrusage sees them), the locked memory of every pinned map (bpftool),
# the per-source table's occupancy (`top --json`) and the counters. At
# the end it prints the samples and whether:
# - memory stayed flat: the maps' locked memory never changed, and the
#   controller's RSS at the end is within 10 % of the first sample's;
# - the per-source table stayed within --max-sources;
# - verdicts did not drift: echo passed per second in the last third is
#   within 10 % of the first third's (the class bucket holds both
#   policies to SOAK_CLASS/s), no apply failed, and the counters add up.
# Not part of `make check`. Usage: soak.sh BUILD
. "$(dirname "$0")/../e2e/lib.sh"
BUILD=${1:?usage: soak.sh BUILD}
lab_init "$BUILD/icmpgate"
lab_icmpflood
command -v bpftool >/dev/null || die "bpftool not found"
SOAK_TIME=${SOAK_TIME:-600}
SOAK_RATE=${SOAK_RATE:-30000}
SOAK_CLASS=${SOAK_CLASS:-5000}
SOAK_SAMPLE=${SOAK_SAMPLE:-10}
lab_pair 1
IA=$(ifa 1)
IF=$(ifb 1)
B4=$(addr4_b 1)
P1=$(lab_file p1.policy "v4 echo-request limit $SOAK_CLASS/s per-source 10/s burst 20")
P2=$(lab_file p2.policy "v4 echo-request limit $SOAK_CLASS/s per-source 20/s burst 40")

# peak_rss CMD...: the peak RSS in KiB of CMD (a child of python3).
peak_rss() {
	python3 -c '
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
}

# maps_bytes: locked memory of every map pinned for IF, in bytes.
maps_bytes() {
	local p total=0 b
	for p in "$PIN_ROOT/$IF"/*; do
		b=$(bpftool -j map show pinned "$p" 2>/dev/null |
			python3 -c 'import json,sys; print(json.load(sys.stdin).get("bytes_memlock", 0))' 2>/dev/null)
		[[ $b =~ ^[0-9]+$ ]] && total=$((total + b))
	done
	echo "$total"
}

field() { # JSON KEY.PATH
	python3 -c '
import json, sys
o = json.loads(sys.argv[1])
for k in sys.argv[2].split("."):
    o = o[k]
print(o)' "$1" "$2" 2>/dev/null || echo ERR
}

expect_ok "attach $IF (default 262144 per-source buckets)" \
	ig attach "$IF" --policy "$P1"
expect_ok "warm-up ping" ping_a4 1 -c 1
lab_bg "$NS_A" "$FLOOD" -i "$IA" -d "$B4" -s 10.128.0.0/12 -N 1000000 \
	--random -r "$SOAK_RATE" -T "$((SOAK_TIME + 30))" --quiet
FL=${LAB_PIDS[-1]}
# Swap every second, in the background; failures are counted in a file.
echo 0 >"$LAB_TMP/failed"
SWAPPER='
i=0 failed=0
while [ ! -e "$1/stop" ]; do
	i=$((i + 1))
	if [ $((i % 2)) -eq 1 ]; then f=$2; else f=$3; fi
	"$4" policy apply "$5" "$f" >/dev/null 2>&1 || failed=$((failed + 1))
	echo "$i $failed" >"$1/swaps"
	sleep 1
done'
# nsenter, not lab_bg's `ip netns exec`, under which icmpgate refuses to run.
bg_start nsenter --net="/run/netns/$NS_B" bash -c "$SWAPPER" swapper \
	"$LAB_TMP" "$P1" "$P2" "$ICMPGATE" "$IF"
LAB_PIDS=("${BG_PIDS[@]}")
SW=${LAB_PIDS[-1]}

log "soak: $SOAK_TIME s, $SOAK_RATE pps from a million sources, a swap a second"
printf '# %6s %9s %9s %11s %8s %10s %10s %10s\n' t rss_apply rss_stats \
	maps_bytes tracked passed/s limited/s packets >&2
samples=$LAB_TMP/samples
: >"$samples"
t0=$SECONDS
prev_p=0 prev_l=0 prev_t=0
while [ $((SECONDS - t0)) -lt "$SOAK_TIME" ]; do
	sleep "$SOAK_SAMPLE"
	# The counters first, timed by their own timestamp (ms).
	js=$(ig stats "$IF" --json 2>/dev/null)
	now=$(printf '%s' "$js" | python3 -c '
import datetime, json, sys
t = json.load(sys.stdin)["timestamp"]
d = datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%S.%fZ")
print(int(d.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000))' 2>/dev/null || echo 0)
	pk=$(field "$js" totals.packets)
	ps=$(field "$js" totals.passed)
	rl=$(field "$js" totals.rate_limited)
	ra=$(peak_rss nsenter --net="/run/netns/$NS_B" "$ICMPGATE" policy apply "$IF" "$P1")
	rs=$(peak_rss nsenter --net="/run/netns/$NS_B" "$ICMPGATE" stats "$IF" --json)
	mb=$(maps_bytes)
	top=$(ig top "$IF" --json -n 1 --interval 1 2>/dev/null)
	tracked=$(field "$top" tracked)
	max=$(field "$top" max_sources)
	if [ "$prev_t" = 0 ]; then
		pps=- lps=-
	else
		ms=$((now - prev_t))
		[ "$ms" -gt 0 ] || ms=1
		pps=$(((ps - prev_p) * 1000 / ms))
		lps=$(((rl - prev_l) * 1000 / ms))
	fi
	printf '# %6d %9s %9s %11s %8s %10s %10s %10s\n' $((SECONDS - t0)) \
		"$ra" "$rs" "$mb" "$tracked" "$pps" "$lps" "$pk" >&2
	echo "$((SECONDS - t0)) $ra $rs $mb $tracked $max $pps $lps $pk" >>"$samples"
	prev_p=$ps prev_l=$rl prev_t=$now
done
touch "$LAB_TMP/stop"
lab_stop "$SW"
read -r swaps failed <"$LAB_TMP/swaps"
expect_ok "the flood ran to the end" kill -0 "$FL"
lab_stop "$FL"
js=$(ig stats "$IF" --json)
sum=$(printf '%s' "$js" | python3 -c '
import json, sys
t = json.load(sys.stdin)["totals"]
print("ok" if t["packets"] == sum(t[k] for k in ("non_icmp", "passed",
      "dropped", "rate_limited", "malformed")) else "totals %s" % t)')

verdict=$(python3 - "$samples" <<'EOF'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
def col(i):
    return [r[i] for r in rows]
def ints(v):
    return [int(x) for x in v if x.isdigit()]
out = []
ra, rs, mb = ints(col(1)), ints(col(2)), ints(col(3))
tracked, mx = ints(col(4)), ints(col(5))
pps = ints(col(6))
out.append("samples %d" % len(rows))
out.append("rss_apply %d..%d KiB (first %d, last %d)" % (min(ra), max(ra), ra[0], ra[-1]))
out.append("rss_stats %d..%d KiB" % (min(rs), max(rs)))
out.append("maps %d..%d bytes" % (min(mb), max(mb)))
out.append("tracked %d..%d of %d" % (min(tracked), max(tracked), mx[0]))
third = max(1, len(pps) // 3)
first, last = sum(pps[:third]) / third, sum(pps[-third:]) / third
out.append("passed/s first third %.0f, last third %.0f" % (first, last))
flat = (min(mb) == max(mb) and ra[-1] <= ra[0] * 1.1 and rs[-1] <= rs[0] * 1.1)
bounded = max(tracked) <= mx[0]
steady = first > 0 and abs(last - first) <= 0.1 * first
out.append("memory flat: %s" % ("yes" if flat else "NO"))
out.append("table bounded: %s" % ("yes" if bounded else "NO"))
out.append("no verdict drift: %s" % ("yes" if steady else "NO"))
print("\n".join(out))
EOF
)
printf '%s\n' "$verdict" | sed 's/^/# /'
log "swaps: $swaps, failed: $failed"
expect_eq "swaps that failed" "$failed" 0
expect_ge "swaps" "$swaps" $((SOAK_TIME / 3))
expect_eq "counters add up" "$sum" ok
expect_match "memory flat" "$verdict" 'memory flat: yes'
expect_match "per-source table bounded" "$verdict" 'table bounded: yes'
expect_match "no verdict drift" "$verdict" 'no verdict drift: yes'
lab_done
