# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck shell=bash
#
# Helpers of tools/bench.sh: the benchmark's namespaces and veths, the
# trap that removes everything it made even when it fails, counters read
# from the devices, and a little arithmetic (bash has no floats).
#
# Everything a benchmark makes carries its pid: namespaces igb-*-PID, the
# receiving veth igrNNNN (its NAPI thread is napi/igrNNNN-ID), pins of
# icmpgate under /sys/fs/bpf/icmpgate/igrNNNN. Traffic only ever goes
# between the two namespaces over their own veth pair, on 10.198.0.0/16
# and fd00:198::/64, which exist nowhere else.

BENCH_ID=$$
NS_P=igb-p-$BENCH_ID # program cost: three veth pairs, no traffic
NS_G=igb-g-$BENCH_ID # generator side of the flood
NS_R=igb-r-$BENCH_ID # receiver side: the filter under test
IFG=igg$((BENCH_ID % 10000))
IFR=igr$((BENCH_ID % 10000))
ADDR_G=10.198.0.1
ADDR_R=10.198.0.2
ADDR6_G=fd00:198::1
ADDR6_R=fd00:198::2
FLOOD_SRC=10.198.128.0/17 # spoofed sources, routed back to G
PIN_ROOT=/sys/fs/bpf/icmpgate
BENCH_PIDS=()
BENCH_UP=0
BENCH_TMP=
IG_ATTACHED= # the controller attached icmpgate to IFR

G() { ip netns exec "$NS_G" "$@"; }
R() { ip netns exec "$NS_R" "$@"; }
# The controller in R's network namespace but the host's mount namespace,
# so that its pins stay in the one bpffs (see tests/e2e/lib.sh).
ig_r() { nsenter --net="/run/netns/$NS_R" "$ICMPGATE" "$@"; }

die() {
	echo "bench: $*" >&2
	exit 1
}
note() { echo "# $*"; }

bench_cleanup() {
	local rc=$? pid
	trap - EXIT INT TERM HUP
	[ "$BENCH_UP" = 1 ] || exit $rc
	for pid in "${BENCH_PIDS[@]}"; do
		kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${BENCH_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	if [ -n "$IG_ATTACHED" ] || [ -d "$PIN_ROOT/$IFR" ]; then
		ig_r detach "$IFR" >/dev/null 2>&1
	fi
	[ -e "$PIN_ROOT/$IFR" ] && rm -rf -- "${PIN_ROOT:?}/$IFR"
	# Deleting a namespace deletes its veths, their XDP programs and its
	# nftables tables.
	ip netns del "$NS_P" 2>/dev/null
	ip netns del "$NS_G" 2>/dev/null
	ip netns del "$NS_R" 2>/dev/null
	[ -n "$BENCH_TMP" ] && rm -rf -- "$BENCH_TMP"
	exit $rc
}

bench_init() {
	local t
	[ "$(id -u)" = 0 ] || die "needs root (namespaces, XDP, nftables); run with sudo"
	for t in ip nft ethtool taskset chrt nsenter awk; do
		command -v "$t" >/dev/null || die "$t not found (make deps)"
	done
	for t in "$ICMPGATE" "$TOOLS/icmpflood" "$TOOLS/bench_prog" "$TOOLS/bench_rr"; do
		[ -x "$t" ] || die "$t not built (make all)"
	done
	if ! mount | grep -q ' /sys/fs/bpf type bpf'; then
		mount -t bpf bpf /sys/fs/bpf || die "cannot mount bpffs"
	fi
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM HUP
	BENCH_UP=1
	BENCH_TMP=$(mktemp -d "/tmp/igb-$BENCH_ID.XXXXXX")
	chmod 755 "$BENCH_TMP"
}

# bench_bg CMD...: run CMD in the background as the leader of its own
# process group; the cleanup ends the group. The pid is BENCH_PIDS[-1].
bench_bg() {
	setsid "$@" </dev/null &
	BENCH_PIDS+=($!)
}

# stop_bg PID: end one background job (and its group) and reap it.
stop_bg() {
	kill -TERM -- "-$1" 2>/dev/null || kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

# ---- numbers ------------------------------------------------------------

# calc EXPR: awk arithmetic, printed with up to 6 significant digits.
calc() { awk "BEGIN { x = $1; print x }"; }
# fmt FORMAT EXPR
fmt() { awk "BEGIN { printf \"$1\", $2 }"; }
# median N...: the median of the arguments.
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
		END { if (NR % 2) print v[(NR + 1) / 2];
		      else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# maxof N... / minof N...: the largest / smallest argument.
maxof() { printf '%s\n' "$@" | sort -g | tail -n 1; }
minof() { printf '%s\n' "$@" | sort -g | head -n 1; }
# jlist N...: the arguments as the inside of a JSON list.
jlist() {
	local IFS=,
	echo "$*"
}
# json_get JSON KEY: a number or string field of a flat JSON object.
json_get() {
	printf '%s' "$1" | sed -n "s/.*\"$2\": *\"\{0,1\}\([^,\"}]*\).*/\1/p"
}

# ---- the machine --------------------------------------------------------

cpu_model() {
	sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1
}
machine_line() {
	echo "machine: $(cpu_model), $(nproc) CPUs; kernel $(uname -r) $(uname -m)"
}

# ---- the flood lab ------------------------------------------------------

# lab_up: G and R joined by IFG <-> IFR. R's end has GRO on (so that it
# runs NAPI and takes xdp_frames even without an XDP program) and threaded
# NAPI, its thread pinned to CPU_RX; the generator runs on CPU_GEN.
lab_up() {
	local mac_g mac_r
	ip netns add "$NS_G" || die "cannot create namespace $NS_G"
	ip netns add "$NS_R" || die "cannot create namespace $NS_R"
	ip -n "$NS_G" link set lo up
	ip -n "$NS_R" link set lo up
	ip -n "$NS_G" link add "$IFG" type veth peer name "$IFR" netns "$NS_R" ||
		die "cannot create veth pair $IFG/$IFR"
	ip -n "$NS_G" addr add "$ADDR_G/24" dev "$IFG"
	ip -n "$NS_R" addr add "$ADDR_R/24" dev "$IFR"
	ip -n "$NS_G" addr add "$ADDR6_G/64" dev "$IFG" nodad
	ip -n "$NS_R" addr add "$ADDR6_R/64" dev "$IFR" nodad
	ip -n "$NS_G" link set "$IFG" up
	ip -n "$NS_R" link set "$IFR" up
	# The replies to spoofed sources go back to G, which drops them.
	ip -n "$NS_R" route add "$FLOOD_SRC" via "$ADDR_G"
	# Fixed neighbours: no ARP or ND to lose in the flood.
	mac_g=$(G cat "/sys/class/net/$IFG/address")
	mac_r=$(R cat "/sys/class/net/$IFR/address")
	ip -n "$NS_G" neigh replace "$ADDR_R" lladdr "$mac_r" dev "$IFG" nud permanent
	ip -n "$NS_R" neigh replace "$ADDR_G" lladdr "$mac_g" dev "$IFR" nud permanent
	ip -n "$NS_G" neigh replace "$ADDR6_R" lladdr "$mac_r" dev "$IFG" nud permanent
	ip -n "$NS_R" neigh replace "$ADDR6_G" lladdr "$mac_g" dev "$IFR" nud permanent
	R ethtool -K "$IFR" gro on >/dev/null || die "cannot turn GRO on for $IFR"
	# Without TSO on G's end, veth hands G's TCP segments to R's NAPI
	# queue too (with it, it bypasses the queue through netif_rx while no
	# XDP program is attached): the legitimate traffic then shares one
	# receive queue with the flood, as it does on a NIC.
	G ethtool -K "$IFG" tso off >/dev/null || die "cannot turn TSO off for $IFG"
	if R test -w "/sys/class/net/$IFR/threaded"; then
		R sh -c "echo 1 > /sys/class/net/$IFR/threaded" && NAPI_THREADED=1
	fi
	pin_napi
}

# The pids of R's NAPI threads (threaded NAPI only).
napi_pids() {
	local p c
	for p in /proc/[0-9]*; do
		read -r c 2>/dev/null <"$p/comm" || continue
		case $c in "napi/$IFR-"*) echo "${p#/proc/}" ;; esac
	done
}

# Pin R's NAPI threads to CPU_RX, at SCHED_FIFO: a NAPI thread that waits
# behind other tasks for its turn (milliseconds under CFS) lets the
# 256-entry veth queue overflow even at 1 Mpps. Again after any change
# that may have re-created them. They go away with R's veth.
pin_napi() {
	local p
	[ "${NAPI_THREADED:-0}" = 1 ] || return 0
	for p in $(napi_pids); do
		taskset -pc "$CPU_RX" "$p" >/dev/null 2>&1
		chrt -f -p 50 "$p" >/dev/null 2>&1
	done
}

# Nanoseconds R's NAPI threads have run (/proc/PID/schedstat), 0 if none.
napi_runtime() {
	local p t=0 s
	for p in $(napi_pids); do
		read -r s _ <"/proc/$p/schedstat" 2>/dev/null || continue
		t=$((t + ${s:-0}))
	done
	echo $t
}

# ethtool_stat NS IFACE NAME: one counter of `ethtool -S`.
ethtool_stat() {
	ip netns exec "$1" ethtool -S "$2" | awk -v k="$3:" '$1 == k { print $2 }'
}
rx_frames() { ethtool_stat "$NS_R" "$IFR" rx_queue_0_xdp_packets; }
tx_errors() { ethtool_stat "$NS_G" "$IFG" tx_queue_0_xdp_xmit_errors; }
