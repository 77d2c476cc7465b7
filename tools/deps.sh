#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Install the Debian packages that building, testing and the demo need;
# only what is missing, after one `apt-get update`.
set -eu

PKGS="make gcc clang llvm libbpf-dev libxdp-dev bpftool libelf-dev zlib1g-dev
libjson-c-dev libcmocka-dev iproute2 iputils-ping socat nftables clang-format
python3 util-linux"

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
