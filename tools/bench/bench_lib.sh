# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck shell=bash
#
# Helpers of tools/bench/bench.sh: the benchmark's namespaces and veths, the
# trap that removes everything it made even when it fails, counters read
# from the devices, and a little arithmetic (bash has no floats).
#
# Everything a benchmark makes carries its pid: namespaces igb-*-PID, the
# receiving veth igrNNNN (its NAPI thread is napi/igrNNNN-ID), pins of
# icmpgate under /sys/fs/bpf/icmpgate/igrNNNN. Traffic only ever goes
# between the two namespaces over their own veth pair, on 10.198.0.0/16
# and fd00:198::/64, which exist nowhere else.

# The caller sets BUILD, the build directory, before sourcing this.
ICMPGATE=$(readlink -f "$BUILD/icmpgate")
TOOLS=$(readlink -f "$BUILD/tools")
OUT=$BUILD/bench
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
# Spoofed sources, routed back to G: room for BENCH_SOURCES up to 4 million
# (a million-source flood is what the built-in policy row is for).
FLOOD_SRC=10.64.0.0/10
PIN_ROOT=/sys/fs/bpf/icmpgate
BENCH_UP=0
BENCH_TMP=
IG_ATTACHED= # the controller attached icmpgate to IFR

# shellcheck source=tools/lab/netlab.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lab/netlab.sh"

G() { ip netns exec "$NS_G" "$@"; }
R() { ip netns exec "$NS_R" "$@"; }
# The controller in R's network namespace but the host's mount namespace,
# so that its pins stay in the one bpffs (see tools/lab/netlab.sh).
ig_r() { netlab_ig "$NS_R" "$@"; }

die() {
	echo "bench: $*" >&2
	exit 1
}
note() { echo "# $*"; }

bench_cleanup() {
	local rc=$?
	trap - EXIT INT TERM HUP
	[ "$BENCH_UP" = 1 ] || exit $rc
	bg_stop_all
	netlab_forget_iface "$NS_R" "$IFR"
	netlab_del_ns "$NS_P" "$NS_G" "$NS_R"
	[ -n "$BENCH_TMP" ] && rm -rf -- "$BENCH_TMP"
	exit $rc
}

bench_init() {
	local t
	[ "$(id -u)" = 0 ] || die "needs root (namespaces, XDP, nftables); run with sudo"
	for t in ip nft ethtool taskset chrt nsenter awk; do
		command -v "$t" >/dev/null || die "$t not found (make deps)"
	done
	for t in "$ICMPGATE" "$TOOLS/icmpflood" "$TOOLS/bench_prog" "$TOOLS/bench_rr" \
		"$TOOLS/rlcost"; do
		[ -x "$t" ] || die "$t not built (make all)"
	done
	BENCH_UP=1
	netlab_init bench_cleanup "igb-$BENCH_ID" ||
		die "cannot mount bpffs on /sys/fs/bpf or make a temporary directory"
	BENCH_TMP=$NETLAB_TMP
}

# want NAME: NAME is one of the benchmarks BENCH_ONLY asks for ($ONLY).
want() { case " $ONLY " in *" $1 "*) return 0 ;; esac; return 1; }

# bench_start TITLE: root, tools, traps; OUT made; the title and, unless
# BENCH_MACHINE_SHOWN=1 (tools/bench/bench.sh has printed it), the machine.
# shellcheck disable=SC2034 # START is the caller's
bench_start() {
	bench_init
	mkdir -p "$OUT"
	[ "$(nproc)" -ge 2 ] || {
		note "one CPU: generator and receiver share it; the flood numbers say little"
		CPU_RX=0
	}
	START=$SECONDS
	echo "$1 ($(date -u '+%Y-%m-%d %H:%M UTC'))"
	[ "${BENCH_MACHINE_SHOWN:-0}" = 1 ] || machine_line
	echo
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
	netlab_ns "$NS_G" || die "cannot create namespace $NS_G"
	netlab_ns "$NS_R" || die "cannot create namespace $NS_R"
	veth_pair "$NS_G" "$IFG" "$NS_R" "$IFR" "$ADDR_G/24" "$ADDR_R/24" \
		"$ADDR6_G/64" "$ADDR6_R/64" || die "cannot create veth pair $IFG/$IFR"
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

# spinner_up: keep CPU_RX out of idle with a spinner at SCHED_IDLE, which
# yields to anything else: a halted vCPU takes tens of microseconds to
# wake for the NAPI thread, long enough for veth's 256-entry queue to
# overflow at a few Mpps while the receiver is mostly idle (1-9 % loss
# here without it, at 0.5-3 Mpps).
# Its pid is SPINNER_PID. It is off (bg_stop) while a program is timed
# with BPF_PROG_TEST_RUN on that CPU: there it made a bare XDP_DROP cost
# 44 ns a packet instead of 31.
spinner_up() {
	bg_start taskset -c "$CPU_RX" chrt -i 0 sh -c 'while :; do :; done'
	SPINNER_PID=${BG_PIDS[-1]}
	note "a SCHED_IDLE spinner keeps CPU $CPU_RX from halting (pid $SPINNER_PID)"
}

# filter_off: no XDP program on IFR (icmpgate detached by its controller).
filter_off() {
	if [ -n "$IG_ATTACHED" ]; then
		ig_r detach "$IFR" >/dev/null 2>&1
		IG_ATTACHED=
	fi
	ip -n "$NS_R" link set dev "$IFR" xdp off 2>/dev/null
	return 0
}

# flood_measure ICMPFLOOD_ARGS...: one flood from G to R with icmpflood
# (on CPU_GEN, live frames unless the arguments say otherwise). Sets
# FL_PKTS and FL_SECS (what icmpflood sent and for how long), FL_RX (the
# frames R's NAPI took off its queue) and FL_NS (R's NAPI CPU time per
# frame taken, ns).
# shellcheck disable=SC2034 # the FL_ variables are the caller's
flood_measure() {
	local out rx0 rx1 t0 t1
	rx0=$(rx_frames)
	t0=$(napi_runtime)
	out=$(taskset -c "$CPU_GEN" ip netns exec "$NS_G" "$TOOLS/icmpflood" \
		-i "$IFG" -d "$ADDR_R" --json "$@") || die "icmpflood failed"
	rx1=$(rx_frames)
	t1=$(napi_runtime)
	FL_PKTS=$(json_get "$out" packets)
	FL_SECS=$(json_get "$out" seconds)
	FL_RX=$((rx1 - rx0))
	FL_NS=$(calc "($t1 - $t0) / ($FL_RX + 1)")
	FL_T=$((t1 - t0))
}

# ---- program cost ------------------------------------------------------

# cost_ns_up N: namespace NS_P with N veth pairs igp0/igq0..., up, no
# traffic, forwarding off: the timed programs are attached to igpI.
cost_ns_up() {
	local i
	netlab_ns "$NS_P" || die "cannot create namespace $NS_P"
	# A host: a new namespace inherits IPv4 forwarding from the first.
	ip netns exec "$NS_P" sysctl -qw net.ipv4.conf.all.forwarding=0 \
		net.ipv6.conf.all.forwarding=0
	for i in $(seq 0 $(($1 - 1))); do
		ip -n "$NS_P" link add "igp$i" type veth peer name "igq$i" ||
			die "cannot create veth igp$i"
		ip -n "$NS_P" link set "igp$i" up
		ip -n "$NS_P" link set "igq$i" up
	done
}

# lab_down: the flood lab and the background jobs gone (the cleanup does
# the same at exit).
lab_down() {
	filter_off
	bg_stop_all
	BG_PIDS=()
	netlab_del_ns "$NS_G" "$NS_R"
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
