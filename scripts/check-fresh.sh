#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# `make check-fresh`: prove that a bare Debian 12 needs nothing installed by
# hand. Builds a minimal bookworm root with debootstrap (--variant=minbase:
# Debian's required packages and apt, no make, no compiler, no iproute2),
# copies `git archive` of the checkout into it and, chrooted there, runs
# scripts/deps.sh and `make deps`, `make`, the unit, prog and format tiers, the
# e2e tier, `make demo` and a one-round `make bench` of the flood. Each stage
# prints how long it took; the first stage that fails fails the whole.
#
# The base root is cached as a tarball in /var/cache/icmpgate/ (outside the
# checkout) and built again when it is missing or a week old. debootstrap
# is installed on the host if missing; its mirror is the one the host's apt
# sources already use for bookworm, and the root gets the host's bookworm
# sources and resolv.conf, so apt inside reaches what the host reaches.
# An archive that cannot be reached fails the check, loudly.
#
# The root lives in a temporary directory under /var/tmp, bound on itself
# (private), with proc, sys, /dev (a recursive bind, slave), a bpffs of its
# own on /sys/fs/bpf (its pins are not the host's) and a tmpfs on /run (for
# `ip netns`). A trap ends what still runs in the root, unmounts all of it
# and removes the directory, even on failure or ^C; it checks that nothing
# stays mounted and never removes files across a mount.
#
# Usage: scripts/check-fresh.sh [REV]   (REV: what to test, default HEAD;
#        `git stash create` gives a commit of uncommitted changes)
# Knobs (environment): FRESH_STAGES (a subset of "deps build unit-prog
# format e2e demo bench"), FRESH_REBUILD=1 (build the base root again).
set -u

REV=${1:-HEAD}
STAGES=${FRESH_STAGES:-deps build unit-prog format e2e demo bench}
SUITE=bookworm
CACHE=/var/cache/icmpgate
MAX_AGE_DAYS=7
SRC=/src/icmpgate # the checkout's copy, inside the root

die() {
	echo "check-fresh: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot, mounts): sudo make check-fresh"
TOP=$(git rev-parse --show-toplevel 2>/dev/null) ||
	die "not in a git checkout (the root gets \`git archive $REV\`)"
cd "$TOP" || exit 1
COMMIT=$(git rev-parse --verify -q "$REV^{commit}") || die "no such commit: $REV"
ARCH=$(dpkg --print-architecture) || exit 1
TARBALL=$CACHE/$SUITE-minbase-$ARCH.tar.gz

WORK=
ROOT=
timings=()

# mounts_under DIR: mount points at or below DIR, deepest first.
mounts_under() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' \
		/proc/self/mountinfo | sort -r
}

# in_root_pids: the processes whose root is the fresh root.
in_root_pids() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$ROOT" ] && echo "${p#/proc/}"
	done
}

# remove_work DIR: a work directory and its root gone: what runs chrooted
# in the root (after ^C, a test that `timeout` put in a process group of
# its own) ended by process id, TERM first so its traps run; its mounts
# (proc, sys, dev, bpffs, the tests' namespaces) unmounted; then the
# files. 1, and the directory kept, if a mount survives.
remove_work() {
	local work=$1 sig left m
	ROOT=$work/root
	for sig in TERM TERM TERM TERM TERM KILL; do
		left=$(in_root_pids)
		[ -z "$left" ] && break
		kill -"$sig" $left 2>/dev/null
		sleep 1
	done
	for m in $(mounts_under "$ROOT"); do
		umount -R "$m" 2>/dev/null || umount -R -l "$m" 2>/dev/null
	done
	left=$(mounts_under "$ROOT")
	if [ -n "$left" ]; then
		echo "check-fresh: still mounted, $work kept:" $left >&2
		return 1
	fi
	# --one-file-system: never through a mount that survived.
	rm -rf --one-file-system -- "$work"
}

# The work directories of earlier runs that were killed outright (their
# trap never ran: a power cut, a machine restarted under them), found
# by the owner file each run writes: its shell's pid and the boot it ran
# in. A directory without one (an older script's, or a run's that has
# just made it) is left alone while it is younger than ten minutes or a
# process still has its root there.
sweep_stale() {
	local work pid boot
	for work in /var/tmp/icmpgate-fresh.*; do
		[ -d "$work" ] || continue
		if [ -f "$work/owner" ]; then
			read -r pid boot <"$work/owner"
			[ "$boot" = "$(cat /proc/sys/kernel/random/boot_id)" ] &&
				kill -0 "$pid" 2>/dev/null &&
				grep -q check-fresh "/proc/$pid/cmdline" 2>/dev/null &&
				continue
		else
			[ -n "$(find "$work" -maxdepth 0 -mmin -10)" ] && continue
			ROOT=$work/root
			[ -n "$(in_root_pids)" ] && continue
		fi
		echo "check-fresh: removing $work, left by a run that was killed"
		remove_work "$work"
	done
	ROOT=
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM HUP
	[ $rc -eq 130 ] && echo "check-fresh: interrupted; cleaning up" >&2
	if [ -n "$WORK" ] && ! remove_work "$WORK"; then
		[ $rc -eq 0 ] && rc=1
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# apt_entries: "URI SUITE COMPONENTS..." for each deb entry of the host's
# apt sources (one-line .list and deb822 .sources, as apt reads them)
# whose suite is bookworm, bookworm-updates or bookworm-security.
apt_entries() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed 's/#.*//; s/\[[^]]*\]//' "$f" | awk '$1 == "deb" && NF >= 4 {
			$1 = ""; sub(/^ /, ""); print }'
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'function flush(  u, s, nu, ns, i, j) {
			if (types ~ /(^| )deb( |$)/ && enabled != "no") {
				nu = split(uris, u, " "); ns = split(suites, s, " ")
				for (i = 1; i <= nu; i++)
					for (j = 1; j <= ns; j++)
						print u[i], s[j], comps
			}
			types = uris = suites = comps = enabled = ""
		}
		/^#/ { next }
		/^[ \t]*$/ { flush(); next }
		{ key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ +/, "")
		  if (key == "types") types = $0
		  else if (key == "uris") uris = $0
		  else if (key == "suites") suites = $0
		  else if (key == "components") comps = $0
		  else if (key == "enabled") enabled = tolower($0) }
		END { flush() }' "$f"
	done | awk -v s="$SUITE" '$2 == s || $2 == s "-updates" || $2 == s "-security"' |
		sed 's|/* | |' | sort -u
}

# stage NAME CMD...: run one stage, print and record how long it took.
stage() {
	local name=$1 t0=$SECONDS rc
	shift
	echo "=== fresh: $name"
	"$@"
	rc=$?
	timings+=("$(printf '%-10s %4d s  %s' "$name" $((SECONDS - t0)) \
		"$([ $rc -eq 0 ] && echo ok || echo FAILED)")")
	echo "=== fresh: $name: $([ $rc -eq 0 ] && echo ok || echo "FAILED (exit $rc)") ($((SECONDS - t0)) s)"
	if [ $rc -ne 0 ]; then
		print_timings
		echo "make check-fresh: FAILED at stage $name"
		exit 1
	fi
}

print_timings() {
	local t
	echo "--- check-fresh timings"
	for t in "${timings[@]}"; do
		echo "  $t"
	done
}

host_debootstrap() {
	command -v debootstrap >/dev/null && return 0
	echo "check-fresh: installing debootstrap on the host"
	apt-get update -q && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends debootstrap
}

# base_root: the cached tarball of a minbase root, built when missing, a
# week old or FRESH_REBUILD=1.
base_root() {
	local mirror dir
	if [ -f "$TARBALL" ] && [ "${FRESH_REBUILD:-0}" != 1 ] &&
		[ -n "$(find "$TARBALL" -mtime -"$MAX_AGE_DAYS")" ]; then
		echo "base root: $TARBALL ($(date -r "$TARBALL" '+%F %R'))"
		return 0
	fi
	host_debootstrap || {
		echo "check-fresh: debootstrap is not installed and cannot be" >&2
		return 1
	}
	mirror=$(apt_entries | awk -v s="$SUITE" '$2 == s { print $1; exit }')
	if [ -z "$mirror" ]; then
		echo "check-fresh: no '$SUITE' entry in the host's apt sources" \
			"(/etc/apt/sources.list, /etc/apt/sources.list.d/): no mirror to use" >&2
		return 1
	fi
	mkdir -p "$CACHE" || return 1
	dir=$WORK/debootstrap
	echo "base root: debootstrap --variant=minbase $SUITE from $mirror"
	if ! debootstrap --variant=minbase "$SUITE" "$dir" "$mirror" \
		>"$WORK/debootstrap.log" 2>&1; then
		tail -n 5 "$WORK/debootstrap.log" >&2
		echo "check-fresh: debootstrap could not build a $SUITE root from" \
			"$mirror: is the archive reachable? FAILED, not skipped" >&2
		return 1
	fi
	tar -C "$dir" -czf "$TARBALL.tmp.$$" . &&
		mv -f "$TARBALL.tmp.$$" "$TARBALL" || {
		rm -f "$TARBALL.tmp.$$"
		return 1
	}
	rm -rf --one-file-system -- "$dir"
	echo "base root: cached as $TARBALL ($(du -h "$TARBALL" | cut -f1))"
}

# unpack: the root, with the host's sources and resolver, the checkout's
# copy and the mounts a build, apt and the network labs need.
unpack() {
	mkdir "$ROOT" && tar -C "$ROOT" -xzf "$TARBALL" || return 1
	apt_entries | sed 's/^/deb /' >"$ROOT/etc/apt/sources.list" || return 1
	rm -f "$ROOT"/etc/apt/sources.list.d/*
	echo "apt sources in the root:"
	sed 's/^/  /' "$ROOT/etc/apt/sources.list"
	cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf" || return 1
	# No daemon a package brings may start in the root.
	printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
	chmod 755 "$ROOT/usr/sbin/policy-rc.d"
	mkdir -p "$ROOT$SRC" &&
		git archive --format=tar "$COMMIT" | tar -C "$ROOT$SRC" -xf - || return 1
	echo "checkout: $(git log -1 --format='%h %s' "$COMMIT" | cut -c1-72)"
	# The previous release, for the e2e upgrade test: the root has the
	# sources, not the history.
	git archive --format=tar "$(cat tests/e2e/prev-release)" \
		>"$ROOT/src/icmpgate-prev.tar" || return 1
	# The root is a mount point of its own, private: `ip netns` runs
	# `mount --make-rslave /`, and nothing mounted below may reach the host.
	mount --bind "$ROOT" "$ROOT" &&
		mount --make-private "$ROOT" &&
		mount -t proc proc "$ROOT/proc" &&
		mount -t sysfs sysfs "$ROOT/sys" &&
		mount --rbind /dev "$ROOT/dev" &&
		mount --make-rslave "$ROOT/dev" &&
		mount -t bpf bpf "$ROOT/sys/fs/bpf" &&
		mount -t tmpfs -o mode=755 tmpfs "$ROOT/run" || return 1
	echo "mounted:" $(mounts_under "$ROOT" | sort | sed "s|^$ROOT||")
}

# inroot CMD: CMD by bash in the checkout's copy, chrooted, with a clean
# environment (what a root shell on the bare machine would have).
inroot() {
	chroot "$ROOT" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		${CI:+CI=$CI} ${http_proxy:+http_proxy=$http_proxy} \
		IG_PREV_TAR=/src/icmpgate-prev.tar \
		${https_proxy:+https_proxy=$https_proxy} \
		/bin/bash -c "cd $SRC && $1" </dev/null &
	# In the background: a ^C runs the trap now, not when the stage ends.
	wait $!
}

has_stage() { [[ " $STAGES " == *" $1 "* ]]; }

sweep_stale
WORK=$(mktemp -d /var/tmp/icmpgate-fresh.XXXXXX) || exit 1
echo "$$ $(cat /proc/sys/kernel/random/boot_id)" >"$WORK/owner"
ROOT=$WORK/root
t_all=$SECONDS
echo "check-fresh: $SUITE ($ARCH) root in $ROOT, stages: $STAGES"

stage base base_root
stage unpack unpack
# A bare root has no make: scripts/deps.sh brings it, then `make deps`
# (the README's path) must find nothing missing.
has_stage deps && stage deps inroot 'scripts/deps.sh && make deps'
has_stage build && stage build inroot 'make -j"$(nproc)"'
has_stage unit-prog && stage unit-prog inroot 'make check-unit check-prog'
has_stage format && stage format inroot 'make check-format'
has_stage e2e && stage e2e inroot 'make check-e2e'
has_stage demo && stage demo inroot 'make demo'
has_stage bench && stage bench inroot \
	'BENCH_ONLY=flood BENCH_ROUNDS=1 BENCH_SECONDS=1 make bench'

print_timings
echo "make check-fresh: all stages passed ($((SECONDS - t_all)) s)"
