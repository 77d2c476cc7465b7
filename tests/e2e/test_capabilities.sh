#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# icmpgate with CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON but not
# CAP_SYS_ADMIN (setpriv drops the rest, also from root): every command
# works, or says which capability is missing and changes nothing; a live
# program is never reported gone; detach removes the program, not only its
# pins. With CAP_NET_ADMIN alone, changes are refused naming the rest.
. "$(dirname "$0")/lib.sh"
lab_init "$@"
lab_pair 1
IF=$(ifb 1)

# capped CAPS ARGS...: the controller in B with only CAPS (cap names).
capped() {
	local caps=$1
	shift
	nsenter --net="/run/netns/$NS_B" setpriv --inh-caps=-all \
		--ambient-caps=-all --bounding-set="-all,$caps" -- \
		"$ICMPGATE" "$@"
}
prog_id() {
	ip -n "$NS_B" -d link show dev "$IF" |
		sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'
}
LAB_IFACES+=("$IF")
BPF=+bpf,+net_admin,+perfmon

expect_ok "attach without CAP_SYS_ADMIN" capped "$BPF" attach "$IF"
id0=$(prog_id)
expect_match "a program is attached" "$id0" '^[0-9]+$'
out=$(capped "$BPF" status "$IF" 2>&1)
expect_match "status: attached yes (not 'gone')" "$out" 'attached +yes'
expect_ok "v4 ping passes (default policy)" ping_a4 1
expect_ok "set v4 echo-request drop" capped "$BPF" set "$IF" v4 echo-request drop
expect_fail "v4 ping dropped" ping_a4 1
expect_match "policy show" "$(capped "$BPF" policy show "$IF")" \
	'v4 echo-request drop'
expect_ok "stats --json" capped "$BPF" stats "$IF" --json
expect_ok "top" capped "$BPF" top "$IF"
expect_match "metrics: attached (not 'gone')" \
	"$(capped "$BPF" metrics "$IF")" \
	"^icmpgate_attached\\{interface=\"$IF\"\\} 1\$"

err=$(capped "$BPF" attach --replace "$IF" 2>&1)
expect_match "attach --replace names CAP_SYS_ADMIN" "$err" 'missing CAP_SYS_ADMIN'
expect_eq "the program stays" "$(prog_id)" "$id0"
expect_fail "v4 ping still dropped" ping_a4 1

err=$(capped +net_admin set "$IF" v4 echo-request pass 2>&1)
expect_match "set with CAP_NET_ADMIN alone: refused, naming CAP_BPF" \
	"$err" 'CAP_BPF'
expect_fail "v4 ping still dropped: nothing changed" ping_a4 1
err=$(capped +net_admin detach "$IF" 2>&1)
expect_match "detach with CAP_NET_ADMIN alone: refused, naming CAP_BPF" \
	"$err" 'CAP_BPF'
expect_eq "the program stays" "$(prog_id)" "$id0"
expect_ok "its pins stay" test -d "$PIN_ROOT/$IF"

expect_ok "detach without CAP_SYS_ADMIN" capped "$BPF" detach "$IF"
expect_fail "no XDP program left" xdp_attached "$NS_B" "$IF"
expect_fail "no pins left" test -e "$PIN_ROOT/$IF"
expect_ok "v4 ping passes" ping_a4 1
lab_done
