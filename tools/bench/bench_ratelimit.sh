#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Rate-limit benchmarks: how exactly the buckets hold under floods, and
# what a limited class costs. Prints one table per benchmark and writes
# BUILD/bench/ratelimit.json. A benchmark, not a test: nothing here runs
# in `make check`.
#
#   1. accuracy  icmpflood at many times the limit for BENCH_SECONDS from
#                (a) one source, (b) 64 sources, (c) a million spoofed
#                sources (a random one every packet); packets passed per
#                second against rate + burst / duration, for a class
#                bucket and for per-source buckets
#   1b. scale    per-source accuracy by number of active sources (1, 64,
#                1,024, 16,384, 65,536; in turn and at random), default
#                --max-sources, a paced flood
#   2. table     the per-source table after the spoofed flood: buckets in
#                use against --max-sources, and its memory
#   3. rlcost    ns per packet: the program on crafted frames with a million
#                tracked sources (tools/bench/rlcost.c), and the receiver's CPU
#                per packet under live floods, one source against a million
#
# Usage: tools/bench/bench_ratelimit.sh BUILD (tools/bench/bench.sh, so `make bench`,
# runs it after its own benchmarks)
# Knobs (environment): BENCH_RL_SECONDS (one flood, default 5), BENCH_RUNS
# (runs per program-cost measurement, default 5), BENCH_RL_SCALE_PPS (the
# paced flood of the scale table, default 500000), BENCH_ONLY="accuracy
# scale table rlcost" (a subset).
set -u

BUILD=${1:?usage: tools/bench/bench_ratelimit.sh BUILD}
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tools/bench/bench_lib.sh
. "$HERE/bench_lib.sh"
SECS=${BENCH_RL_SECONDS:-5}
RUNS=${BENCH_RUNS:-5}
ONLY=${BENCH_ONLY:-accuracy scale table rlcost}
SCALE_PPS=${BENCH_RL_SCALE_PPS:-500000}
CPU_GEN=0
CPU_RX=1
CLASS_RATE=10000 # class bucket: packets/s, default burst (1000)
SRC_RATE=1000    # per-source buckets: packets/s, default burst (100)
# The clock rows: bursts around the longest that still reads the fine clock
# at these rates (two 10 ms ticks and a packet: 200 at 10000/s, 20 at
# 1000/s), from one source; each pair just below and above the line holds
# nearly the same bucket on the two clocks.
CLASS_CLOCK_BURSTS="20 200 202"
SRC_CLOCK_BURSTS="10 20 22"
SPOOF_NET=10.64.0.0/10 # a million spoofed sources, routed back to G
SPOOF_N=1000000

bench_start "icmpgate rate-limit benchmarks"

lab_up
# lab_up routes FLOOD_SRC back to G; the spoofed sources need it too.
[ "$SPOOF_NET" = "$FLOOD_SRC" ] || ip -n "$NS_R" route add "$SPOOF_NET" via "$ADDR_G"
note "receiver $IFR (NAPI on CPU $CPU_RX), generator on CPU $CPU_GEN"
spinner_up

# attach_policy TEXT [ATTACH OPTIONS...]: icmpgate on IFR with this policy.
attach_policy() {
	local text=$1
	shift
	printf '%s\n' "$text" >"$BENCH_TMP/policy"
	filter_off
	ig_r attach "$IFR" --mode native --policy "$BENCH_TMP/policy" "$@" \
		>/dev/null || die "cannot attach icmpgate with: $text"
	IG_ATTACHED=1
	pin_napi
}

# reason NAME: packets under one reason since the last reset.
reason() {
	ig_r stats "$IFR" --json | python3 -c '
import json, sys
print(json.load(sys.stdin)["reasons"][sys.argv[1]]["packets"])' "$1"
}

# flood_run SOURCES EXTRA...: one flood of SECS s from SOURCES sources;
# sets FL_PKTS, FL_SECS (icmpflood's) and FL_RX (frames R's NAPI took).
flood_run() {
	local n=$1
	shift
	sleep 0.5 # every bucket full again
	flood_measure -N "$n" -T "$SECS" "$@"
}

# The three floods: one source, 64 in turn, a million at random.
SCEN_one="-s $ADDR_G"
SCEN_64="-s 10.198.128.1/17"
SCEN_spoof="-s $SPOOF_NET --random"
N_one=1
N_64=64
N_spoof=$SPOOF_N
LABEL_one="(a) 1 source"
LABEL_64="(b) 64 sources"
LABEL_spoof="(c) 1M spoofed sources"

# ---- 1. accuracy ---------------------------------------------------------

# clock_of RATE BURST: the clock a packet bucket of RATE/s reads, as
# user/compile.c (needs_fine_clock) picks it: the fine one when the burst
# holds less than two coarse ticks (10 ms at the coarsest, HZ=100) plus
# one packet, unless a packet costs 100 ticks or more.
clock_of() {
	awk -v r="$1" -v b="$2" 'BEGIN {
		print (1 / r < 1 && b / r < 0.02 + 1 / r) ? "fine" : "coarse" }'
}

ACC_JSON=
acc_row() { # SCENARIO BUCKET RATE BURST PASSED_PER_S SOURCES_COUNTED
	local exp err clk
	exp=$(calc "$3 + $4 / $FL_SECS")
	err=$(calc "100 * ($5 - $exp) / $exp")
	clk=$(clock_of "$3" "$4")
	printf '  %-24s %-11s %6s %6s %-6s %9s %10s %10s %8s%%  %s\n' "$(eval echo "\$LABEL_$1")" \
		"$2" "$3" "$4" "$clk" "$(fmt %.0f "$FL_PKTS / $FL_SECS")" "$(fmt %.1f "$exp")" \
		"$(fmt %.1f "$5")" "$(fmt %+.2f "$err")" "$6"
	ACC_JSON+="${ACC_JSON:+, }{\"scenario\": \"$1\", \"bucket\": \"$2\", \"clock\": \"$clk\", \"offered_pps\": $(fmt %.0f "$FL_PKTS / $FL_SECS"), \"absorbed_pps\": $(fmt %.0f "$FL_RX / $FL_SECS"), \"rate\": $3, \"burst\": $4, \"seconds\": $FL_SECS, \"expected_pps\": $(fmt %.2f "$exp"), \"passed_pps\": $(fmt %.2f "$5"), \"error_percent\": $(fmt %.3f "$err"), \"note\": \"$6\"}"
}

if want accuracy; then
	echo "== Accuracy: packets passed per second under a flood, against rate + burst / duration =="
	echo "icmpflood (live) v4 echo-request, as fast as it goes, ${SECS} s a flood; target within +-5%"
	echo "(clock: what the class's buckets read: coarse = jiffies, fine = bpf_ktime_get_ns)"
	printf '  %-24s %-11s %6s %6s %-6s %9s %10s %10s %9s  %s\n' "flood" "bucket" "rate/s" \
		"burst" "clock" "offered/s" "expected/s" "passed/s" "error" ""
	# The class bucket: 10000/s for everyone (burst 1000).
	attach_policy "v4 echo-request limit $CLASS_RATE/s"
	for s in one 64 spoof; do
		ig_r stats "$IFR" --reset >/dev/null
		# shellcheck disable=SC2086
		flood_run "$(eval echo "\$N_$s")" $(eval echo "\$SCEN_$s")
		acc_row "$s" class "$CLASS_RATE" $((CLASS_RATE / 10)) \
			"$(calc "$(reason pass-limit) / $FL_SECS")" ""
	done
	# The same class with bursts around the fine clock's line.
	for b in $CLASS_CLOCK_BURSTS; do
		attach_policy "v4 echo-request limit $CLASS_RATE/s burst $b"
		ig_r stats "$IFR" --reset >/dev/null
		# shellcheck disable=SC2086
		flood_run "$N_one" $SCEN_one
		acc_row one class "$CLASS_RATE" "$b" \
			"$(calc "$(reason pass-limit) / $FL_SECS")" "clock row"
	done
	# Per-source buckets: 1000/s each (burst 100).
	attach_policy "v4 echo-request limit per-source $SRC_RATE/s"
	for s in one 64 spoof; do
		ig_r stats "$IFR" --reset >/dev/null
		sleep 0.2
		# shellcheck disable=SC2086
		flood_run "$(eval echo "\$N_$s")" $(eval echo "\$SCEN_$s")
		passed=$(reason pass-limit)
		case $s in
		one) acc_row one per-source "$SRC_RATE" $((SRC_RATE / 10)) \
			"$(calc "$passed / $FL_SECS")" "" ;;
		64)
			# Each source: from the per-source table, the worst two.
			stats=$(ig_r top "$IFR" --json -n 64 | python3 -c '
import json, sys
d = json.load(sys.stdin)
p = sorted(s["passed"] for s in d["sources"] if s["source"].startswith("10.198."))
print(len(p), min(p), max(p), sum(p))')
			read -r cnt min max sum <<<"$stats"
			acc_row 64 per-source "$SRC_RATE" $((SRC_RATE / 10)) \
				"$(calc "$sum / $cnt / $FL_SECS")" "mean of $cnt"
			acc_row 64 "  min" "$SRC_RATE" $((SRC_RATE / 10)) \
				"$(calc "$min / $FL_SECS")" "one source"
			acc_row 64 "  max" "$SRC_RATE" $((SRC_RATE / 10)) \
				"$(calc "$max / $FL_SECS")" "one source"
			;;
		spoof)
			# A few packets a second each: no source reaches its rate,
			# so every packet the receiver takes passes.
			printf '  %-24s %-11s %6s %6s %-6s %9s %10s %10s %9s  %s\n' "$LABEL_spoof" \
				per-source "$SRC_RATE" $((SRC_RATE / 10)) \
				"$(clock_of "$SRC_RATE" $((SRC_RATE / 10)))" \
				"$(fmt %.0f "$FL_PKTS / $FL_SECS")" "-" \
				"$(fmt %.1f "$passed / $FL_SECS")" "-" \
				"~$(fmt %.1f "$FL_PKTS / $FL_SECS / $SPOOF_N")/s a source: all pass ($(reason rate-limited-source) limited)"
			;;
		esac
	done
	for b in $SRC_CLOCK_BURSTS; do
		attach_policy "v4 echo-request limit per-source $SRC_RATE/s burst $b"
		ig_r stats "$IFR" --reset >/dev/null
		# shellcheck disable=SC2086
		flood_run "$N_one" $SCEN_one
		acc_row one per-source "$SRC_RATE" "$b" \
			"$(calc "$(reason pass-limit) / $FL_SECS")" "clock row"
	done
	# Both: the class must hold under the spoofed flood, per source first.
	attach_policy "v4 echo-request limit $CLASS_RATE/s per-source $SRC_RATE/s"
	ig_r stats "$IFR" --reset >/dev/null
	# shellcheck disable=SC2086
	flood_run "$N_spoof" $SCEN_spoof
	acc_row spoof "class+src" "$CLASS_RATE" $((CLASS_RATE / 10)) \
		"$(calc "$(reason pass-limit) / $FL_SECS")" "class, behind per-source"
	echo
fi

# ---- 1b. per-source accuracy by number of sources ------------------------

# Active sources, each sent to as often as the others (in turn) or at
# random, at SCALE_PPS in all: every source far above its rate, so what
# passes is each one's burst + rate x duration. Up to 1,024 sources at
# 10/s burst 20 (the built-in policy's), beyond that 1/s burst 5, which a
# paced flood of 0.5 Mpps still holds every source above (per src/s: what
# the receiver took of each source, a second). The table has 262,144
# buckets in sets of two, two sets a source (the default --max-sources; the
# last two rows 65,536, the former default): where a source's two sets
# have no room, it shares their buckets (README, Rate limiting), and the
# error goes negative.
SCALE_JSON=
if want scale; then
	echo "== Per-source accuracy by active sources: passed against N x (burst + tokens due) =="
	echo "icmpflood (live) paced at $(fmt %.1f "$SCALE_PPS / 1e6") Mpps of v4 echo-request from N sources in 10.64.0.0/10, ${SECS} s;"
	echo "the default --max-sources (262,144 buckets), then 16,384 and 65,536 sources with"
	echo "--max-sources 65,536 (a quarter of the table, and all of it, in use);"
	echo "target within +-2%"
	printf '  %8s %9s %-10s %6s %6s %10s %12s %12s %9s\n' "sources" "buckets" "order" \
		"rate/s" "burst" "per src/s" "expected/s" "passed/s" "error"
	# SOURCES or SOURCES:BUCKETS (--max-sources; default 262,144)
	for spec in 1 64 1024 16384 65536 16384:65536 65536:65536; do
		n=${spec%%:*}
		max=262144
		[ "$spec" = "$n" ] || max=${spec#*:}
		if [ "$n" -le 1024 ]; then
			rate=10 burst=20
		else
			rate=1 burst=5
		fi
		for order in turn random; do
			extra=()
			[ "$order" = random ] && extra=(--random)
			# Attached afresh: every bucket full (the last flood's
			# sources are this one's).
			attach_policy "v4 echo-request limit per-source $rate/s burst $burst" \
				--max-sources "$max"
			flood_run "$n" -s "$SPOOF_NET" -r "$SCALE_PPS" "${extra[@]}"
			passed=$(calc "$(reason pass-limit) / $FL_SECS")
			# What the receiver took from each source, and what a
			# bucket lets through of it: its burst and the whole
			# tokens due between the source's first packet and its
			# last, 1/per s apart at each end (at 1/s, the last
			# token is a tenth of what a source may pass).
			per=$(calc "$FL_RX / $n / $FL_SECS")
			exp=$(awk -v n="$n" -v p="$per" -v r="$rate" -v b="$burst" -v t="$FL_SECS" \
				'BEGIN { e = b + int(r * (t - 1 / p)); print n * (p * t < e ? p * t : e) / t }')
			err=$(calc "100 * ($passed - $exp) / $exp")
			printf '  %8s %9s %-10s %6s %6s %10s %12s %12s %8s%%\n' "$n" "$max" "$order" "$rate" \
				"$burst" "$(fmt %.1f "$per")" "$(fmt %.1f "$exp")" \
				"$(fmt %.1f "$passed")" "$(fmt %+.2f "$err")"
			SCALE_JSON+="${SCALE_JSON:+, }{\"sources\": $n, \"max_sources\": $max, \"order\": \"$order\", \"rate\": $rate, \"burst\": $burst, \"seconds\": $FL_SECS, \"absorbed_pps\": $(fmt %.0f "$FL_RX / $FL_SECS"), \"expected_pps\": $(fmt %.2f "$exp"), \"passed_pps\": $(fmt %.2f "$passed"), \"error_percent\": $(fmt %.3f "$err")}"
		done
	done
	echo
fi

# ---- 2. the per-source table under a spoofed flood ----------------------

TABLE_JSON=
if want table; then
	echo "== The per-source table after ${SECS} s of a million spoofed sources =="
	printf '  %-14s %10s %10s %14s %12s\n' "--max-sources" "in use" "offered/s" "map memory" "per bucket"
	for max in 262144 1048576; do
		attach_policy "v4 echo-request limit $CLASS_RATE/s per-source $SRC_RATE/s" \
			--max-sources "$max"
		# shellcheck disable=SC2086
		flood_run "$N_spoof" $SCEN_spoof
		used=$(ig_r top "$IFR" --json -n 1 | python3 -c '
import json, sys
print(json.load(sys.stdin)["tracked"])')
		id=$(bpftool map show pinned "$PIN_ROOT/$IFR/sources" | sed -n 's/^\([0-9]*\):.*/\1/p')
		mem=$(bpftool map show id "$id" | sed -n 's/.*memlock \([0-9]*\)B.*/\1/p')
		printf '  %-14s %10s %10s %11s MiB %10s B\n' "$max" "$used" \
			"$(fmt %.0f "$FL_PKTS / $FL_SECS")" "$(fmt %.1f "$mem / 1048576")" \
			"$(fmt %.0f "$mem / $max")"
		TABLE_JSON+="${TABLE_JSON:+, }{\"max_sources\": $max, \"in_use\": $used, \"offered_pps\": $(fmt %.0f "$FL_PKTS / $FL_SECS"), \"memlock_bytes\": $mem}"
	done
	echo
fi

# ---- 3. rlcost -----------------------------------------------------------

COST_JSON=
if want rlcost; then
	echo "== Cost of a limited class =="
	echo "the program on one crafted frame, BPF_PROG_TEST_RUN, median of $RUNS runs, 1M other sources tracked:"
	cost_ns_up 2
	bg_stop "$SPINNER_PID"
	ip netns exec "$NS_P" taskset -c "$CPU_RX" "$TOOLS/rlcost" --runs "$RUNS" \
		--json "$OUT/ratelimit_cost.json" igp0 igp1 || die "rlcost failed"
	ip netns del "$NS_P"
	spinner_up >/dev/null
	echo
	echo "the receiver's CPU per packet under a live flood (threaded NAPI, /proc/PID/schedstat),"
	echo "next to bare XDP_DROP under the same flood (meaningful while the receiver is busy):"
	printf '  %-52s %10s %8s %8s %8s\n' "filter, flood" "absorbed/s" "rx busy" "ns/pkt" "+ bare"
	cost_row() { # KEY LABEL BARE_NS
		local d busy
		d=$(calc "$FL_NS - $3")
		busy=$(calc "$FL_T / 1e7 / $FL_SECS")
		printf '  %-52s %10s %7s%% %8s %8s\n' "$2" "$(fmt %.0f "$FL_RX / $FL_SECS")" \
			"$(fmt %.0f "$busy")" "$(fmt %.1f "$FL_NS")" "$(fmt %+.1f "$d")"
		COST_JSON+="${COST_JSON:+, }\"$1\": {\"label\": \"$2\", \"absorbed_pps\": $(fmt %.0f "$FL_RX / $FL_SECS"), \"receiver_busy_percent\": $(fmt %.1f "$busy"), \"ns_per_packet\": $(fmt %.2f "$FL_NS"), \"over_bare_drop_ns\": $(fmt %.2f "$d")}"
	}
	filter_off
	R "$TOOLS/bench_prog" attach "$IFR" drop || die "cannot attach bare XDP_DROP"
	pin_napi
	flood_run 1 -s "$ADDR_G"
	BARE_NS=$FL_NS
	cost_row bare_drop "bare XDP_DROP, 1 source" "$BARE_NS"
	# shellcheck disable=SC2086
	flood_run "$N_spoof" $SCEN_spoof
	BARE_SPOOF_NS=$FL_NS
	cost_row bare_drop_spoofed "bare XDP_DROP, 1M spoofed" "$BARE_SPOOF_NS"
	attach_policy "v4 echo-request drop"
	flood_run 1 -s "$ADDR_G"
	cost_row drop_by_type "icmpgate, drop by type, 1 source" "$BARE_NS"
	attach_policy "v4 echo-request limit $CLASS_RATE/s"
	flood_run 1 -s "$ADDR_G"
	cost_row class "icmpgate, class limit, 1 source" "$BARE_NS"
	# shellcheck disable=SC2086
	flood_run "$N_spoof" $SCEN_spoof
	cost_row class_spoofed "icmpgate, class limit, 1M spoofed" "$BARE_SPOOF_NS"
	attach_policy "v4 echo-request limit $CLASS_RATE/s per-source $SRC_RATE/s" \
		--max-sources 1048576
	flood_run 1 -s "$ADDR_G"
	cost_row both "icmpgate, class + per-source, 1 source" "$BARE_NS"
	# shellcheck disable=SC2086
	flood_run "$N_spoof" $SCEN_spoof
	cost_row both_spoofed "icmpgate, class + per-source, 1M spoofed" "$BARE_SPOOF_NS"
	flood_run 1 -s "$ADDR_G"
	cost_row both_full "icmpgate, class + per-source, 1 source, table full" "$BARE_NS"
	echo
fi
filter_off

printf '{"benchmark": "ratelimit", "kernel": "%s", "cpu": "%s", "seconds": %s, "accuracy": [%s], "scale": [%s], "table": [%s], "flood_cost": {%s}}\n' \
	"$(uname -r)" "$(cpu_model)" "$SECS" "$ACC_JSON" "$SCALE_JSON" "$TABLE_JSON" "$COST_JSON" \
	>"$OUT/ratelimit.json"
echo "bench_ratelimit: done in $((SECONDS - START)) s; JSON in $OUT/ratelimit.json${COST_JSON:+ and ratelimit_cost.json}"
