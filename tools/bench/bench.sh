#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# `make bench`: measure icmpgate against the limit and against nftables.
# Prints one table per benchmark and writes each also as JSON under
# BUILD/bench/. A benchmark, not a test: timings depend on the machine and
# its load, and nothing here runs in `make check`.
#
#   1. program cost   the real program on crafted frames (BPF_PROG_TEST_RUN),
#                     ns/packet by class under three policies, next to bare
#                     XDP_DROP and XDP_PASS programs (tools/bench/bench_prog.c)
#   2. generator      icmpflood's two engines, live frames and AF_XDP
#   3. flood          packets/s a veth receiver absorbs: icmpgate, bare
#                     XDP_DROP (the limit), nftables at netdev ingress;
#                     icmpgate with `capture --sample 1/1000` running
#   4. legitimate     TCP request/response during the flood: success rate
#                     and latency with icmpgate, nftables and no filter
#   5.-8.             the rate-limit benchmarks, tools/bench/bench_ratelimit.sh:
#                     accuracy, scale, table and rlcost (see there)
#
# Usage: tools/bench/bench.sh BUILD
# Knobs (environment): BENCH_ONLY="cost generator flood legit accuracy
# scale table rlcost" (a subset),
# BENCH_SECONDS (one flood measurement, default 2), BENCH_ROUNDS (rounds of
# the flood, interleaved; default 7), BENCH_LEGIT_SECONDS
# (one legitimate-traffic measurement, default 5), BENCH_RUNS (runs per
# program-cost measurement, default 5), BENCH_SOURCES (flood sources, 256),
# BENCH_LEGIT_RATE (the paced flood of benchmark 4, packets/s, 3000000),
# BENCH_FLOOD_PACED (the flood's paced rounds, packets/s, 4000000; 0: none),
# BENCH_BRACKET_AGREE (how far the two bare XDP_DROP floods around a
# filter's may differ for its ratio to count, a fraction, 0.1);
# those of tools/bench/bench_ratelimit.sh pass through to it.
set -u

BUILD=${1:?usage: tools/bench/bench.sh BUILD}
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tools/bench/bench_lib.sh
. "$HERE/bench_lib.sh"
ONLY=${BENCH_ONLY:-cost generator flood legit accuracy scale table rlcost}
SECS=${BENCH_SECONDS:-2}
ROUNDS=${BENCH_ROUNDS:-7}
LEGIT_SECS=${BENCH_LEGIT_SECONDS:-5}
RUNS=${BENCH_RUNS:-5}
SOURCES=${BENCH_SOURCES:-256}
LEGIT_RATE=${BENCH_LEGIT_RATE:-3000000}
PACED_RATE=${BENCH_FLOOD_PACED:-4000000}
BRACKET_AGREE=${BENCH_BRACKET_AGREE:-0.1}
CPU_GEN=0
CPU_RX=1
RR_PORT=7777

bench_start "icmpgate benchmarks"

# ---- 1. program cost ----------------------------------------------------

if want cost; then
	cost_ns_up 4
	ip netns exec "$NS_P" "$TOOLS/bench_prog" --cpu "$CPU_RX" --runs "$RUNS" \
		--json "$OUT/program_cost.json" igp0 igp1 igp2 igp3 ||
		die "program cost benchmark failed"
	# The same frames on a router: forwarding on and a route out for
	# their destinations, so that every ICMP frame is judged as transit
	# (bpf/side.h; the kernel's answer is cached, as under a flood). The
	# base policy's echo drop rules are host rules: in transit, echo
	# passes under `forward default pass`.
	echo "Program cost on a router: the frames above, judged as transit"
	ip -n "$NS_P" addr add 10.251.0.1/24 dev igq2 &&
		ip -n "$NS_P" -6 addr add fd00:251::1/64 dev igq2 nodad &&
		ip -n "$NS_P" route add 198.51.100.0/24 via 10.251.0.2 &&
		ip -n "$NS_P" -6 route add 2001:db8:ffff::/48 via fd00:251::2 &&
		ip netns exec "$NS_P" sysctl -qw net.ipv4.conf.all.forwarding=1 \
			net.ipv6.conf.all.forwarding=1 ||
		die "cannot make $NS_P a router"
	ip netns exec "$NS_P" "$TOOLS/bench_prog" --cpu "$CPU_RX" --runs "$RUNS" \
		--transit --json "$OUT/program_cost_transit.json" igp0 igp1 igp2 igp3 ||
		die "program cost benchmark (transit) failed"
	ip netns del "$NS_P"
	echo
fi

# ---- the flood lab ------------------------------------------------------

# The flood's policy: the built-in one with echo requests dropped (in
# place of its own echo-request rules), as in bench_prog's base policy.
POLICY=$BENCH_TMP/policy
{
	"$ICMPGATE" policy default | grep -Ev '^v[46] echo-request[[:space:]]'
	printf 'v4 echo-request drop\nv6 echo-request drop\n'
} >"$POLICY" || die "cannot get the default policy from $ICMPGATE"
"$ICMPGATE" policy check "$POLICY" >/dev/null || die "the flood's policy does not check"

# The same policy for nftables, at its earliest hook (netdev ingress, before
# the IP layer): the built-in policy's drops and echo-request, by number, as
# one set lookup per family.
NFT=$BENCH_TMP/nft
cat >"$NFT" <<EOF
table netdev igbench {
	chain ingress {
		type filter hook ingress device "$IFR" priority -500; policy accept;
		icmp type { 4, 5, 6, 8, 13, 14, 15, 16, 17, 18, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39 } counter drop
		icmpv6 type { 128, 137, 138, 139, 140 } counter drop
	}
}
EOF

declare -A LABEL=(
	[drop]="bare XDP_DROP (the limit)"
	[touch]="XDP: read headers, drop"
	[icmpgate]="icmpgate (XDP, native)"
	[icmpgate_limit]="icmpgate, built-in (limit)"
	[icmpgate_capture]="icmpgate, capture 1/1000"
	[nft]="nftables (netdev ingress)"
	[none]="no filter (kernel replies)"
)
label() { echo "${LABEL[$1]}"; }

# filter_set NAME: put filter NAME (drop, touch, icmpgate, icmpgate_limit,
# icmpgate_capture, nft, none) on IFR.
CAPTURE_PID=
filter_set() {
	filter_clear
	case $1 in
	drop | touch)
		R "$TOOLS/bench_prog" attach "$IFR" "$1" || die "cannot attach $1"
		;;
	icmpgate | icmpgate_limit | icmpgate_capture)
		# icmpgate: echo requests dropped; icmpgate_limit: the built-in
		# policy as it is, which rate-limits them; icmpgate_capture:
		# icmpgate, with `capture --sample 1/1000` running.
		local pol=()
		[ "$1" != icmpgate_limit ] && pol=("$POLICY")
		if ig_r attach "$IFR" --mode native ${pol[0]:+--policy "${pol[0]}"} >/dev/null; then
			IG_ATTACHED=1
		else
			note "the controller could not attach; loading icmpgate with bench_prog"
			R "$TOOLS/bench_prog" attach "$IFR" icmpgate "${pol[@]}" ||
				die "cannot attach icmpgate"
		fi
		;;
	nft)
		R nft -f "$NFT" || die "cannot load the nftables ruleset"
		;;
	none) ;;
	esac
	[ "$1" = icmpgate_capture ] && capture_start
	pin_napi
}

# capture_start: `icmpgate capture --sample 1/1000` on IFR, in the
# background, its pcap into BENCH_TMP; returns once it captures.
capture_start() {
	[ "$IG_ATTACHED" = 1 ] || die "capture needs icmpgate attached by its controller"
	: >"$BENCH_TMP/capture.err"
	bg_start nsenter --net="/run/netns/$NS_R" "$ICMPGATE" capture "$IFR" \
		--sample 1/1000 -w "$BENCH_TMP/capture.pcap" 2>"$BENCH_TMP/capture.err"
	CAPTURE_PID=$!
	for _ in $(seq 50); do
		grep -q 'via' "$BENCH_TMP/capture.err" && return 0
		sleep 0.1
	done
	die "the capture did not start: $(cat "$BENCH_TMP/capture.err")"
}

# capture_stop: end it; CAPTURED, the packets it wrote.
capture_stop() {
	[ -n "$CAPTURE_PID" ] || return 0
	bg_stop "$CAPTURE_PID"
	CAPTURE_PID=
	CAPTURED=$(sed -n 's/.*: \([0-9]*\) packets captured.*/\1/p' "$BENCH_TMP/capture.err")
}

filter_clear() {
	capture_stop
	filter_off
	R nft delete table netdev igbench 2>/dev/null
	return 0
}

# flood_once MODE: one flood of SECS seconds from G. Sets F_OFFERED (what
# the kernel took from icmpflood) and F_ABSORBED (what R's NAPI took off
# its queue), both packets/s; F_NS, R's NAPI thread's CPU time per absorbed
# packet (ns), F_BUSY, its share of a CPU (%), and F_LOST, the packets R
# had no room for.
flood_once() {
	flood_measure -s "$FLOOD_SRC" -N "$SOURCES" -T "$SECS" -m "$1"
	F_OFFERED=$(calc "$FL_PKTS / $FL_SECS")
	F_ABSORBED=$(calc "$FL_RX / $FL_SECS")
	F_LOST=$((FL_PKTS - FL_RX))
	F_NS=$FL_NS
	F_BUSY=$(calc "$FL_T / 1e7 / $FL_SECS")
}

if want generator || want flood || want legit; then
	lab_up
	if [ "${NAPI_THREADED:-0}" = 1 ]; then
		note "receiver: $IFR in $NS_R, threaded NAPI at SCHED_FIFO on CPU $CPU_RX; generator on CPU $CPU_GEN"
	else
		note "receiver: $IFR without threaded NAPI: it runs in softirq on the generator's CPU"
	fi
	spinner_up
fi

# ---- 2. generator -------------------------------------------------------

if want generator; then
	echo "== Generator: icmpflood's engines, into a bare XDP_DROP receiver =="
	echo "v4 echo-request, 64-byte frames, $SOURCES sources, ${SECS} s each; offered = what the kernel took from icmpflood"
	printf '  %-34s %13s %14s\n' "engine" "offered Mpps" "absorbed Mpps"
	filter_set drop
	gen_json=
	for mode in live xsk; do
		flood_once "$mode"
		case $mode in
		live) name="live frames (BPF_PROG_TEST_RUN)" ;;
		xsk) name="AF_XDP TX ring (copy mode)" ;;
		esac
		printf '  %-34s %13s %14s\n' "$name" "$(fmt %.3f "$F_OFFERED / 1e6")" \
			"$(fmt %.3f "$F_ABSORBED / 1e6")"
		gen_json+="${gen_json:+, }\"$mode\": {\"offered_pps\": $(fmt %.0f "$F_OFFERED"), \"absorbed_pps\": $(fmt %.0f "$F_ABSORBED")}"
	done
	filter_clear
	printf '{"benchmark": "generator", "kernel": "%s", "cpu": "%s", "seconds": %s, "sources": %s, "engines": {%s}}\n' \
		"$(uname -r)" "$(cpu_model)" "$SECS" "$SOURCES" "$gen_json" >"$OUT/generator.json"
	echo
fi

# ---- 3. flood -----------------------------------------------------------

# flood_paced: the same flood paced at PACED_RATE, below what the
# receiver takes in its fast mode. Overloaded, a receiver's CPU a packet
# grows with its overload: the frames the full queue refuses go back to
# the generator's page pool on the generator's CPU, under the lock the
# receiver takes for every frame it drops. Paced, that feedback is gone
# while the receiver keeps up, and its CPU a packet is the filter's cost.
flood_paced() {
	local f r pf=(drop touch icmpgate icmpgate_limit) json=
	declare -A P_NS P_LOSS P_OFF
	echo "== Flood paced at $(fmt %.1f "$PACED_RATE / 1e6") Mpps: the receiver's CPU a packet while it keeps up =="
	echo "the flood above, paced; $ROUNDS interleaved rounds; loss = what the receiver's queue refused"
	for _ in $(seq "$ROUNDS"); do
		for f in "${pf[@]}"; do
			filter_set "$f"
			flood_measure -s "$FLOOD_SRC" -N "$SOURCES" -T "$SECS" -m live -r "$PACED_RATE"
			P_NS[$f]+="$FL_NS "
			P_LOSS[$f]+="$(calc "($FL_PKTS - $FL_RX) * 100 / ($FL_PKTS + 1)") "
			P_OFF[$f]+="$(calc "$FL_PKTS / $FL_SECS") "
		done
	done
	filter_clear
	printf '  %-28s %8s %8s %8s %8s %9s\n' "filter" "offered" "loss %" "rx ns" "rx ns" "+ bare"
	printf '  %-28s %8s %8s %8s %8s %9s\n' "" "Mpps" "median" "best" "median" "(best)"
	for f in "${pf[@]}"; do
		# shellcheck disable=SC2086 # the rounds are words
		r=$(minof ${P_NS[$f]})
		# shellcheck disable=SC2086
		printf '  %-28s %8s %8s %8s %8s %9s\n' "$(label "$f")" \
			"$(fmt %.2f "$(median ${P_OFF[$f]}) / 1e6")" "$(fmt %.2f "$(median ${P_LOSS[$f]})")" \
			"$(fmt %.0f "$r")" "$(fmt %.0f "$(median ${P_NS[$f]})")" \
			"$(fmt %+.0f "$r - $(minof ${P_NS[drop]})")"
		# shellcheck disable=SC2086
		json+="${json:+, }\"$f\": {\"label\": \"$(label "$f")\", \"offered_pps_rounds\": [$(jlist ${P_OFF[$f]})], \"loss_percent_rounds\": [$(jlist ${P_LOSS[$f]})], \"receiver_ns_per_packet_rounds\": [$(jlist ${P_NS[$f]})]}"
	done
	printf '{"benchmark": "flood_paced", "kernel": "%s", "cpu": "%s", "rate_pps": %s, "seconds": %s, "rounds": %s, "sources": %s, "filters": {%s}}\n' \
		"$(uname -r)" "$(cpu_model)" "$PACED_RATE" "$SECS" "$ROUNDS" "$SOURCES" "$json" >"$OUT/flood_paced.json"
	echo "  best: the rounds in the machine's fast mode; in its slow mode a reading filter's generator"
	echo "  cannot offer the rate (it waits for the frame's line too), and the medians mix the modes"
	echo
}

if want flood; then
	FILTERS="drop touch icmpgate icmpgate_capture icmpgate_limit nft none"
	echo "== Flood: packets/s the receiver absorbs =="
	echo "icmpflood (live) on CPU $CPU_GEN -> veth -> $IFR, its NAPI thread on CPU $CPU_RX; v4 echo-request"
	echo "from $SOURCES sources, 64-byte frames; $ROUNDS rounds of ${SECS} s floods, each filter's"
	echo "between two of bare XDP_DROP. icmpgate and nftables drop echo requests; icmpgate, built-in:"
	echo "the default policy, whose limits (1000/s for all sources) drop nearly all of them."
	echo "x read+DROP: against a 10-instruction program that reads three header bytes and drops,"
	echo "which pays what any filter pays to read the frame (the generator's CPU wrote its source)"
	declare -A ABS OFF BUSY LOST NSP PAIRS
	CAPS=
	# flood_record NAME: keep the measurement flood_once just made.
	flood_record() {
		ABS[$1]+="$F_ABSORBED "
		OFF[$1]+="$F_OFFERED "
		BUSY[$1]+="$F_BUSY "
		LOST[$1]+="$F_LOST "
		NSP[$1]+="$F_NS "
	}
	# Each filter between two bare XDP_DROP floods: its ratio to their
	# mean counts when the two agree within BRACKET_AGREE (the machine
	# did not change mode around it), so that no ratio compares two of
	# the machine's modes (see bracket_report).
	for _ in $(seq "$ROUNDS"); do
		filter_set drop
		flood_once live
		flood_record drop
		before=$F_ABSORBED
		for f in $FILTERS; do
			[ "$f" = drop ] && continue
			filter_set "$f"
			flood_once live
			[ "$f" = icmpgate_capture ] && capture_stop && CAPS+="${CAPTURED:-0} "
			flood_record "$f"
			absorbed=$F_ABSORBED
			filter_set drop
			flood_once live
			flood_record drop
			if awk "BEGIN { a = $before; b = $F_ABSORBED
				exit !((a > b ? a - b : b - a) <= $BRACKET_AGREE * (a > b ? a : b)) }"; then
				PAIRS[$f]+="$(calc "2 * $absorbed / ($before + $F_ABSORBED)") "
			fi
			before=$F_ABSORBED
		done
	done
	filter_clear
	# On a shared VM the host moves vCPUs and other work comes and goes:
	# the machine runs in modes whose bare XDP_DROP differs by 2x to 4x,
	# and a mode can start in the middle of a round. The ratios are the
	# bracketed ones (above): the median of a filter's counted ratios,
	# their range and how many counted. Best and median rounds are shown
	# too (and every round is kept in the JSON).
	declare -A BEST MED RATIO
	for f in $FILTERS; do
		# shellcheck disable=SC2086
		BEST[$f]=$(maxof ${ABS[$f]})
		# shellcheck disable=SC2086
		MED[$f]=$(median ${ABS[$f]})
		if [ "$f" = drop ]; then
			RATIO[$f]=1
		elif [ -n "${PAIRS[$f]:-}" ]; then
			# shellcheck disable=SC2086
			RATIO[$f]=$(median ${PAIRS[$f]})
		else
			RATIO[$f]=
		fi
	done
	# ratio_of F G: F's bracketed ratio over G's, or "-".
	ratio_of() {
		if [ -n "${RATIO[$1]}" ] && [ -n "${RATIO[$2]}" ]; then
			fmt %.3f "${RATIO[$1]} / ${RATIO[$2]}"
		else
			echo -
		fi
	}
	# spread_of F: the range of F's counted ratios and how many counted.
	spread_of() {
		local n
		# shellcheck disable=SC2086
		n=$(set -- ${PAIRS[$1]:-}; echo $#)
		if [ "$1" = drop ]; then
			echo "-"
		elif [ "$n" = 0 ]; then
			echo "0/$ROUNDS"
		else
			# shellcheck disable=SC2086
			echo "$(fmt %.2f "$(minof ${PAIRS[$1]})")-$(fmt %.2f "$(maxof ${PAIRS[$1]})") $n/$ROUNDS"
		fi
	}
	printf '  %-28s %8s %15s %7s %-14s %7s %7s %7s %5s  %s\n' "filter" "offered" "absorbed Mpps" "x bare" \
		"x bare range," "x read" "x nft" "rx CPU" "rx" "bottleneck"
	printf '  %-28s %8s %15s %7s %-14s %7s %7s %7s %5s\n' "" "Mpps" "best (median)" "DROP" "counted" "+DROP" "" "ns/pkt" "busy"
	flood_json=
	for f in $FILTERS; do
		# shellcheck disable=SC2086
		off=$(median ${OFF[$f]})
		# shellcheck disable=SC2086
		busy=$(median ${BUSY[$f]})
		# shellcheck disable=SC2086
		lost=$(median ${LOST[$f]})
		# shellcheck disable=SC2086
		nsp=$(minof ${NSP[$f]})
		# The receiver was the bottleneck when it was offered more than it
		# took (its queue overflowed) in most rounds.
		if awk "BEGIN { exit !(${MED[$f]} < 0.98 * $off) }"; then
			bn=receiver
		else
			bn="generator (receiver kept up)"
		fi
		printf '  %-28s %8s %6s (%6s) %7s %-14s %7s %7s %7s %4s%%  %s\n' "$(label "$f")" \
			"$(fmt %.2f "$off / 1e6")" "$(fmt %.2f "${BEST[$f]} / 1e6")" \
			"$(fmt %.2f "${MED[$f]} / 1e6")" "$(ratio_of "$f" drop)" "$(spread_of "$f")" \
			"$(ratio_of "$f" touch)" "$(ratio_of "$f" nft)" "$(fmt %.0f "$nsp")" \
			"$(fmt %.0f "$busy")" "$bn"
		# shellcheck disable=SC2086 # the rounds are words
		flood_json+="${flood_json:+, }\"$f\": {\"label\": \"$(label "$f")\", \"offered_pps_median\": $(fmt %.0f "$off"), \"absorbed_pps_best\": $(fmt %.0f "${BEST[$f]}"), \"absorbed_pps_median\": $(fmt %.0f "${MED[$f]}"), \"absorbed_pps_rounds\": [$(jlist ${ABS[$f]})], \"ratio_to_bare_drop\": ${RATIO[$f]:-null}, \"ratio_to_bare_drop_counted\": [$(jlist ${PAIRS[$f]:-})], \"ratio_to_bare_drop_best_rounds\": $(fmt %.4f "${BEST[$f]} / ${BEST[drop]}"), \"ratio_to_reading_drop\": $(ratio_of "$f" touch | sed 's/^-$/null/'), \"ratio_to_nftables\": $(ratio_of "$f" nft | sed 's/^-$/null/'), \"receiver_ns_per_packet_best\": $(fmt %.1f "$nsp"), \"receiver_ns_per_packet_rounds\": [$(jlist ${NSP[$f]})], \"receiver_busy_percent\": $(fmt %.1f "$busy"), \"lost_packets_median\": $(fmt %.0f "$lost"), \"bottleneck\": \"$bn\"}"
	done
	# shellcheck disable=SC2086 # the rounds are words
	cap_json="{\"sample\": 1000, \"ratio_to_icmpgate\": $(ratio_of icmpgate_capture icmpgate | sed 's/^-$/null/'), \"captured_rounds\": [$(jlist $CAPS)]}"
	printf '{"benchmark": "flood", "kernel": "%s", "cpu": "%s", "threaded_napi": %s, "seconds": %s, "rounds": %s, "sources": %s, "frame_size": 64, "bracket_agree": %s, "filters": {%s}, "capture": %s}\n' \
		"$(uname -r)" "$(cpu_model)" "${NAPI_THREADED:-0}" "$SECS" "$ROUNDS" "$SOURCES" "$BRACKET_AGREE" \
		"$flood_json" "$cap_json" >"$OUT/flood.json"
	echo "  x bare DROP: the median of a filter's rounds, each against the mean of the bare XDP_DROP"
	echo "  floods just before and after it, counted when those two agree within $(fmt %g "$BRACKET_AGREE * 100") %;"
	echo "  x read+DROP and x nft: ratios of those medians"
	echo "  icmpgate: $(ratio_of icmpgate drop) x bare XDP_DROP (target >= 0.9; range $(spread_of icmpgate)), $(ratio_of icmpgate nft) x nftables (target >= 4)"
	echo "  built-in: $(ratio_of icmpgate_limit drop) x bare XDP_DROP (target >= 0.8; range $(spread_of icmpgate_limit)), $(ratio_of icmpgate_limit touch) x read+DROP"
	echo "  best round against best round: icmpgate $(fmt %.3f "${BEST[icmpgate]} / ${BEST[drop]}"), built-in $(fmt %.3f "${BEST[icmpgate_limit]} / ${BEST[drop]}")"
	# shellcheck disable=SC2086 # the rounds are words
	echo "  capture --sample 1/1000 (AF_XDP, at most 1000 packets/s) during the flood: $(ratio_of icmpgate_capture icmpgate) x icmpgate alone;" \
		"receiver ns/pkt $(minof ${NSP[icmpgate_capture]}) against $(minof ${NSP[icmpgate]}) (best rounds); captured per round: $(median $CAPS) (median)"
	echo
	[ "$PACED_RATE" -gt 0 ] && flood_paced
fi

# ---- 4. legitimate traffic under attack ---------------------------------

# legit_once FILTER RATE: bench_rr from G to R for SECS seconds, during a
# flood of RATE packets/s (full: as fast as icmpflood goes; 0: no flood);
# the client's JSON goes to $BENCH_TMP/rr. (Not in a subshell: filter_set
# and bg_start keep state for the cleanup.)
legit_once() {
	local fpid='' rc rate=()
	filter_set "$1"
	if [ "$2" != 0 ]; then
		[ "$2" = full ] || rate=(--rate "$2")
		bg_start taskset -c "$CPU_GEN" ip netns exec "$NS_G" "$TOOLS/icmpflood" \
			-i "$IFG" -d "$ADDR_R" -s "$FLOOD_SRC" -N "$SOURCES" \
			-T "$((LEGIT_SECS + 2))" "${rate[@]}" --quiet
		fpid=${BG_PIDS[-1]}
		sleep 1
	fi
	G "$TOOLS/bench_rr" client -a "$ADDR_R" -p "$RR_PORT" -T "$LEGIT_SECS" -i 10 \
		-t 1000 --json >"$BENCH_TMP/rr"
	rc=$?
	[ -n "$fpid" ] && wait "$fpid" 2>/dev/null
	return $rc
}

if want legit; then
	echo "== Legitimate traffic under attack: TCP request/response during the flood =="
	echo "bench_rr: every 10 ms a new connection $ADDR_G -> $ADDR_R:$RR_PORT, a 64-byte request and its echo,"
	echo "1 s deadline each (handshake included), for ${LEGIT_SECS} s; through the same receive queue as the flood"
	echo "(v4 echo-request, $SOURCES sources) at full rate and paced to $(fmt %.1f "$LEGIT_RATE / 1e6") Mpps"
	bg_start ip netns exec "$NS_R" "$TOOLS/bench_rr" server -p "$RR_PORT" -T 3600
	RR_SERVER=${BG_PIDS[-1]}
	sleep 0.5
	printf '  %-28s %10s %8s %10s %10s %10s\n' "filter" "flood Mpps" "success" "p50 us" "p99 us" "max us"
	legit_json=
	for case in "none 0" "icmpgate full" "nft full" "none full" \
		"icmpgate $LEGIT_RATE" "nft $LEGIT_RATE" "none $LEGIT_RATE"; do
		# shellcheck disable=SC2086 # two words: filter and rate
		set -- $case
		legit_once "$1" "$2" || die "bench_rr failed"
		out=$(cat "$BENCH_TMP/rr")
		att=$(json_get "$out" attempts)
		ok=$(json_get "$out" ok)
		case $2 in
		0) flood=none ;;
		full) flood=full ;;
		*) flood=$(fmt %.1f "$2 / 1e6") ;;
		esac
		printf '  %-28s %10s %7s%% %10s %10s %10s\n' "$(label "$1")" "$flood" \
			"$(fmt %.1f "100 * $ok / ($att ? $att : 1)")" \
			"$(json_get "$out" p50_us)" "$(json_get "$out" p99_us)" "$(json_get "$out" max_us)"
		legit_json+="${legit_json:+, }{\"filter\": \"$1\", \"label\": \"$(label "$1")\", \"flood_pps\": \"$2\", \"result\": $out}"
	done
	bg_stop "$RR_SERVER"
	filter_clear
	printf '{"benchmark": "legitimate_traffic", "kernel": "%s", "cpu": "%s", "seconds": %s, "interval_ms": 10, "timeout_ms": 1000, "paced_flood_pps": %s, "cases": [%s]}\n' \
		"$(uname -r)" "$(cpu_model)" "$LEGIT_SECS" "$LEGIT_RATE" "$legit_json" >"$OUT/legit.json"
	echo "  (latency: of the transactions that succeeded; TCP retransmits after 200 ms (data) or 1 s (SYN))"
	echo
fi

# ---- 5.-7. rate limiting -------------------------------------------------

# In a process of its own, with namespaces of its own; this one's lab is
# taken down first so that nothing of it competes for the CPUs.
RL_ONLY=
for b in accuracy scale table rlcost; do
	want "$b" && RL_ONLY+="${RL_ONLY:+ }$b"
done
if [ -n "$RL_ONLY" ]; then
	lab_down
	BENCH_ONLY=$RL_ONLY BENCH_MACHINE_SHOWN=1 "$HERE/bench_ratelimit.sh" "$BUILD" ||
		die "the rate-limit benchmarks failed"
fi

echo "bench: done in $((SECONDS - START)) s; JSON in $OUT/"
