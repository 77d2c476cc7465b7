# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck shell=bash
#
# What the namespace labs of the demo (tools/demo.sh), the benchmarks
# (tools/bench_lib.sh) and the e2e tests (tests/e2e/lib.sh) share: a veth
# pair between two namespaces with an address of each family on each end,
# and background jobs that each lead a process group of their own, so that
# ending one ends every process it started (socat's children, a flood's
# `ip netns exec`), and the start of a cleanup trap. Sourced; defines
# functions and BG_PIDS only.

BG_PIDS=() # every job bg_start started, for the cleanup

# netlab_init CLEANUP PREFIX: bpffs mounted on /sys/fs/bpf, CLEANUP run at
# exit (^C, TERM and HUP exit 130, so it runs then too), and a new
# directory /tmp/PREFIX.XXXXXX, mode 755, in NETLAB_TMP. Fails (1) if
# bpffs cannot be mounted or the directory made.
netlab_init() {
	if ! mount | grep -q ' /sys/fs/bpf type bpf'; then
		mount -t bpf bpf /sys/fs/bpf || return 1
	fi
	# shellcheck disable=SC2064 # the name, now
	trap "$1" EXIT
	trap 'exit 130' INT TERM HUP
	NETLAB_TMP=$(mktemp -d "/tmp/$2.XXXXXX") || return 1
	chmod 755 "$NETLAB_TMP"
}

# veth_pair NS1 IF1 NS2 IF2 V4_1/LEN V4_2/LEN V6_1/LEN V6_2/LEN: IF1 in NS1
# joined to IF2 in NS2, both up, IPv6 addresses without duplicate address
# detection. Fails (1) if the pair cannot be made.
veth_pair() {
	ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" || return 1
	ip -n "$1" addr add "$5" dev "$2"
	ip -n "$3" addr add "$6" dev "$4"
	ip -n "$1" addr add "$7" dev "$2" nodad
	ip -n "$3" addr add "$8" dev "$4" nodad
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

# bg_start CMD...: run CMD in the background, stdin from /dev/null, as the
# leader of its own process group. Its pid is ${BG_PIDS[-1]} (and $!).
bg_start() {
	setsid "$@" </dev/null &
	BG_PIDS+=($!)
}

# bg_stop PID: end one job (and its group) and reap it.
bg_stop() {
	kill -TERM -- "-$1" 2>/dev/null || kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

# bg_stop_all: end every job, then reap them (they end in parallel).
bg_stop_all() {
	local pid
	for pid in "${BG_PIDS[@]}"; do
		kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${BG_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	return 0
}
