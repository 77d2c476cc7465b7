#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# `make install` / `make uninstall` and what they install, used for real:
# the systemd unit passes `systemd-analyze verify`; the script the unit
# runs starts (attach with /etc/icmpgate/IFACE.policy, converging on an
# attachment already there), reloads (applies the file again, or the
# built-in policy when there is none) and the unit's stop detaches, each
# checked on real pings; bash completion offers commands, attached
# interfaces and type names. (systemd is not PID 1 in the test lab, so
# the unit's commands are run as systemd would run them.) Installs into a
# temporary prefix, removed by the trap.
. "$(dirname "$0")/lib.sh"
lab_init "$@"
lab_pair 1
IF=$(ifb 1)
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(dirname "$ICMPGATE")
P=$LAB_TMP/prefix
ETC=$P/etc

make -s -C "$TOP" BUILD="$BUILD" PREFIX="$P" SYSCONFDIR="$ETC" install \
	>"$LAB_TMP/install.log" 2>&1
expect_eq "make install" "$?" 0
for f in sbin/icmpgate share/man/man8/icmpgate.8 \
	lib/systemd/system/icmpgate@.service libexec/icmpgate/icmpgate-unit \
	share/bash-completion/completions/icmpgate \
	share/doc/icmpgate/example.policy; do
	expect_ok "installed $f" test -s "$P/$f"
done
expect_ok "the example policy checks" "$P/sbin/icmpgate" policy check \
	"$P/share/doc/icmpgate/example.policy"

# systemd's own check of the unit, as an instance for this interface.
UNIT=$P/lib/systemd/system/icmpgate@$IF.service
cp "$P/lib/systemd/system/icmpgate@.service" "$UNIT"
# --man=no: the man page is installed in the prefix, not where man looks.
if out=$(systemd-analyze verify --man=no "$UNIT" 2>&1); then
	pass_check "systemd-analyze verify icmpgate@$IF.service"
else
	fail_check "systemd-analyze verify icmpgate@$IF.service" "$out"
fi
rm -f "$UNIT"

# What the unit runs, in B's network namespace, as systemd would.
exec_line() { sed -n "s/^$1=//p" "$P/lib/systemd/system/icmpgate@.service" |
	sed "s/%I/$IF/g"; }
unit() { nsenter --net="/run/netns/$NS_B" $(exec_line "$1"); }
printf 'v4 echo-request drop\n' >"$ETC/icmpgate/$IF.policy"
expect_ok "start: attach with $IF.policy" unit ExecStart
LAB_IFACES+=("$IF")
expect_fail "v4 ping dropped by the file's policy" ping_a4 1
expect_ok "v6 ping passes" ping_a6 1
expect_ok "start again: converges (attach --replace)" unit ExecStart
expect_fail "v4 ping still dropped" ping_a4 1
printf 'v4 echo-request pass\n' >"$ETC/icmpgate/$IF.policy"
expect_ok "reload: the file applied" unit ExecReload
expect_ok "v4 ping passes after reload" ping_a4 1
: >"$ETC/icmpgate/$IF.policy"
expect_fail "reload of an empty file is refused" unit ExecReload
expect_ok "v4 ping still passes: the policy in force stays" ping_a4 1
rm -f "$ETC/icmpgate/$IF.policy"
expect_ok "reload without a file: the built-in policy" unit ExecReload
want=$("$ICMPGATE" policy default | "$ICMPGATE" policy check - |
	sed -n 's/.*digest \([0-9a-f]*\).*/\1/p')
got=$(ig status "$IF" --json | python3 -c 'import json, sys
d = json.load(sys.stdin)
d = d[0] if isinstance(d, list) else d
print(d.get("policy_digest") or d["interfaces"][0]["policy_digest"])' 2>&1)
expect_eq "the built-in policy is in force (its digest)" "$got" "$want"
expect_match "policy show: the built-in echo limit" "$(ig policy show "$IF")" \
	'v4 echo-request limit 1000/s per-source 10/s burst 20'
expect_ok "stop: detach" unit ExecStop
expect_fail "no XDP program after stop" xdp_attached "$NS_B" "$IF"

# Completion, with or without the bash-completion package.
comp() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		PATH=$2:$PATH _icmpgate; printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$P/share/bash-completion/completions/icmpgate" "$@"
}
expect_match "completion: commands" "$(comp icmpgate "")" 'attach'
expect_match "completion: attach takes an interface" \
	"$(comp icmpgate attach "")" '^lo$'
expect_match "completion: type names" \
	"$(PATH=$P/sbin:$PATH comp icmpgate set "$IF" v4 echo-r)" '^echo-request$'
expect_match "completion: forward" \
	"$(comp icmpgate set "$IF" forw)" '^forward$'
expect_match "completion: upgrade" "$(comp icmpgate upg)" '^upgrade$'
expect_match "completion: policy apply --audit" \
	"$(comp icmpgate policy apply "$IF" f --au)" '^--audit$'
expect_match "completion: mode audit|enforce" \
	"$(comp icmpgate set "$IF" mode "")" '^enforce$'
# With the bash-completion package, files come from its _filedir (a
# stand-in here, where the package is not installed).
expect_match "completion: policy files through _filedir" \
	"$(_filedir() { COMPREPLY=(from-filedir); }; export -f _filedir; comp icmpgate policy check "")" \
	'^from-filedir$'

make -s -C "$TOP" BUILD="$BUILD" PREFIX="$P" SYSCONFDIR="$ETC" uninstall \
	>>"$LAB_TMP/install.log" 2>&1
expect_eq "make uninstall" "$?" 0
left=$(find "$P" -type f | wc -l)
expect_eq "uninstall left no installed file" "$left" 0
lab_done
