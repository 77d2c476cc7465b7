/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A packet's outcome: what it is counted under and its verdict, packed in
 * one 32-bit value, so that every path to the program's one exit carries
 * one register, not a family, type, reason and verdict. Every identity
 * the hot path relies on is asserted here.
 */
#ifndef IG_BPF_OUTCOME_H
#define IG_BPF_OUTCOME_H

#include <linux/bpf.h>

#include "icmpgate.h"

#define IG_OUTCOME_VERDICT_BITS 2

_Static_assert(XDP_ABORTED < (1 << IG_OUTCOME_VERDICT_BITS) &&
		       XDP_DROP < (1 << IG_OUTCOME_VERDICT_BITS) &&
		       XDP_PASS < (1 << IG_OUTCOME_VERDICT_BITS),
	       "an XDP verdict fits the outcome's low bits");
_Static_assert(IG_COUNTER_ENTRIES <= (1u << (32 - IG_OUTCOME_VERDICT_BITS)),
	       "a counter index fits the outcome's high bits");

/* cfam: ig_counter_family(); reasons without a type count under 0. */
static __always_inline __u32 ig_outcome(__u32 cfam, __u32 type, __u32 reason,
					__u32 verdict)
{
	return ig_counter_index(cfam, type & 0xff, reason)
		       << IG_OUTCOME_VERDICT_BITS |
	       verdict;
}

static __always_inline __u32 ig_outcome_counter(__u32 outcome)
{
	return outcome >> IG_OUTCOME_VERDICT_BITS;
}

static __always_inline int ig_outcome_verdict(__u32 outcome)
{
	return outcome & ((1 << IG_OUTCOME_VERDICT_BITS) - 1);
}

/*
 * Audit mode (ig_slot_meta.audit): a drop becomes a pass, counted under
 * its audit reason, IG_AUDIT_OFFSET reasons on (icmpgate.h). XDP_DROP is
 * the only verdict of the program with bit 0 set, so one mask picks the
 * drops, and one addition moves both the reason and the verdict: no
 * branch, no new verifier state. audit is 0 on the paths audit must not
 * pass (ping of death, malformed headers), whose reasons are outside the
 * run anyway.
 */
_Static_assert((XDP_DROP & 1) && !(XDP_PASS & 1) && !(XDP_ABORTED & 1),
	       "bit 0 of a verdict tells a drop");
#define IG_OUTCOME_AUDIT_DELTA \
	((IG_AUDIT_OFFSET << IG_OUTCOME_VERDICT_BITS) + (XDP_PASS - XDP_DROP))
static __always_inline __u32 ig_outcome_audit(__u32 outcome, __u32 audit)
{
	return outcome + (outcome & audit & 1) * IG_OUTCOME_AUDIT_DELTA;
}

/* A pass or drop entry's verdict by one subtraction, no branch. */
_Static_assert(XDP_PASS - IG_ACT_PASS == XDP_PASS &&
		       XDP_PASS - IG_ACT_DROP == XDP_DROP,
	       "ig_action_verdict() maps pass and drop");
static __always_inline __u32 ig_action_verdict(__u8 action)
{
	return XDP_PASS - action;
}

#endif /* IG_BPF_OUTCOME_H */
