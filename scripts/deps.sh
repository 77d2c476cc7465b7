#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Install the Debian packages that `make`, `make check`, `make demo` and
# `make bench` need; only what is missing, after one `apt-get update`.
# Runs on a bare Debian 12 (a debootstrap minbase root: no make, no
# compiler), so `sudo scripts/deps.sh` works where `make deps` cannot yet.
# The README's dependency table lists exactly these packages (the format
# tier of scripts/check.sh compares them). `deps.sh --list` prints them.
set -eu

# Build: make, gcc (+ libc6-dev), clang and llvm (-target bpf), the libraries.
# Tests and demo: cmocka; ip, ss, nstat (iproute2); ping; socat; python3
# (JSON); nsenter, setpriv, taskset, chrt, setsid (util-linux);
# mount (bpffs); sysctl (procps). Bench: nft, ethtool. Format: clang-format.
# Fuzzing (make fuzz): clang's libFuzzer runtime. The unit's check:
# systemd-analyze (systemd). Capture, replay, metrics: libpcap (pcap files),
# libmicrohttpd (`serve`), libsmartcols (tables); tests read them back with
# tcpdump, scrape with curl and check with promtool (prometheus).
PKGS="make gcc libc6-dev clang llvm libbpf-dev libxdp-dev bpftool libelf-dev
zlib1g-dev libjson-c-dev libcmocka-dev iproute2 iputils-ping socat python3
util-linux mount procps nftables ethtool clang-format libclang-rt-14-dev
systemd libpcap-dev libmicrohttpd-dev libsmartcols-dev tcpdump curl
prometheus"

if [ "${1:-}" = --list ]; then
	printf '%s\n' $PKGS
	exit 0
fi

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing; run as root (sudo make deps)" >&2
	exit 1
fi
echo "deps: installing$missing"
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
