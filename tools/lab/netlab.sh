# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck shell=bash
#
# The one namespace lab of the demo (tools/demo.sh), the benchmarks
# (tools/bench/bench_lib.sh) and the e2e tests (tests/e2e/lib.sh): the start
# of a cleanup trap, namespaces, a veth pair between two of them with an
# address of each family on each end, the controller run in a namespace,
# the removal of what it left on an interface, and background jobs that
# each lead a process group of their own, so that ending one ends every
# process it started (socat's children, a flood's `ip netns exec`).
# Sourced; defines functions and BG_PIDS only.
#
# Why `nsenter --net` for the controller: `ip netns exec` also unshares the
# mount namespace and remounts /sys, which hides /sys/fs/bpf, so pins made
# there vanish with the command. `nsenter --net=/run/netns/NS` switches only
# the network namespace: the controller finds the namespaced interface
# through netlink and ioctl, and its pins stay in the host's one bpffs where
# every later invocation (and the cleanup) sees them.

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

# netlab_ns NS: a new namespace NS with lo up and no duplicate address
# detection or router solicitation, so that addresses are usable at once.
# Fails (1) if it cannot be made.
netlab_ns() {
	ip netns add "$1" || return 1
	ip -n "$1" link set lo up
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.default.router_solicitations=0
}

# netlab_del_ns NS...: the namespaces gone, with their veths, XDP programs
# and nftables tables; an empty name or one already gone is no error.
netlab_del_ns() {
	local ns
	for ns in "$@"; do
		[ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
	done
	return 0
}

# netlab_ig NS ARGS...: the controller ($ICMPGATE) in NS's network
# namespace and the host's mount namespace (see above).
netlab_ig() {
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$ICMPGATE" "$@"
}

# netlab_forget_iface NS IFACE: detach icmpgate from IFACE in NS while the
# interface still exists, so the controller and libxdp remove their own
# pins; then remove whatever is left under its name.
netlab_forget_iface() {
	if [ -d "/sys/fs/bpf/icmpgate/$2" ] || netlab_xdp_attached "$1" "$2"; then
		netlab_ig "$1" detach "$2" >/dev/null 2>&1
	fi
	netlab_forget_dispatcher "$2" "$1"
	[ -e "/sys/fs/bpf/icmpgate/$2" ] && rm -rf -- "/sys/fs/bpf/icmpgate/$2"
	return 0
}

# netlab_forget_dispatcher IFACE NS: if libxdp's dispatcher for IFACE in NS
# is still attached, remove its pin dir
# (/sys/fs/bpf/xdp/dispatch-IFINDEX-PROGID) before the link disappears.
netlab_forget_dispatcher() {
	local ifindex progid
	ifindex=$(ip -n "$2" -o link show dev "$1" 2>/dev/null | cut -d: -f1)
	progid=$(ip -n "$2" -d link show dev "$1" 2>/dev/null |
		sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p' | head -n 1)
	[ -n "$ifindex" ] && [ -n "$progid" ] || return 0
	ip -n "$2" link set dev "$1" xdp off 2>/dev/null
	ip -n "$2" link set dev "$1" xdpgeneric off 2>/dev/null
	rm -rf -- "/sys/fs/bpf/xdp/dispatch-$ifindex-$progid"
}

# netlab_xdp_attached NS IFACE: the link carries an XDP program.
netlab_xdp_attached() {
	ip -n "$1" -d link show dev "$2" 2>/dev/null | grep -Eq 'xdp(generic|drv|offload)?[ /]|prog/xdp'
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
