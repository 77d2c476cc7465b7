// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * icmpgate's XDP program: classify every ICMP and ICMPv6 packet by
 * (family, type, code) against the live policy and pass, drop or
 * rate-limit it; everything else passes untouched. Every packet is counted
 * once, by finish(), under the reason for its verdict; a capture that is
 * armed may then take it (capture.h).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "icmpgate.h"
#include "icmp.h"
#include "maps.h"
#include "parse.h"
#include "policy.h"
#include "ratelimit.h"
#include "side.h"
#include "validate.h"
#include "counters.h"
#include "outcome.h"
#include "capture.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/*
 * xdp.frags: the program can be attached to an interface whose MTU does
 * not fit one page (9000-byte jumbo frames), and the MTU can be raised
 * after attach; without it, drivers refuse the one or the other. Every
 * header it reads is in the first buffer; only the length needs the rest.
 */

/*
 * The frame's length in bytes: its first buffer's, unless the IP header
 * says more follows (l4_end, from the frame's start), as in a
 * multi-buffer jumbo frame; then all its buffers'. The helper costs about
 * 5 ns (measured here): only the frames that may have more buffers, and
 * truncated ones, pay it.
 */
static __always_inline __u64 frame_len(struct xdp_md *ctx, void *data, void *l4,
				       __u32 l4len, __u64 first)
{
	__u64 l4_off = l4 - data;

	/* Keep clang from adding l4len to the pointer first: the verifier
	 * only subtracts a packet pointer from another. */
	barrier_var(l4_off);
	return l4_off + l4len > first ? bpf_xdp_get_buff_len(ctx) : first;
}

/*
 * A packet's end: counted as it is (audit mode: as what it would have
 * been); then, rarely, handed to a capture. Returns the verdict.
 */
static __always_inline int finish(struct xdp_md *ctx, __u32 outcome,
				  __u32 audit, __u64 len)
{
	int verdict;

	outcome = ig_outcome_audit(outcome, audit);
	verdict = count_packet(outcome, len);
	if (ig_capture.lease && ig_capture_wants(outcome) &&
	    ig_capture_sampled())
		return ig_capture_packet(ctx, outcome, len);
	return verdict;
}

/*
 * What an entry decides for a packet: its checks first (only entries the
 * compiler marked: IG_RULE_ANY_CHECK), then its bucket or its verdict.
 * The IP header starts l3_off bytes into the frame, the ICMP header
 * icmp_off (rule_checks()); jif is the jiffies counter as the packet came.
 */
static __always_inline __u32
rule_verdict(struct xdp_md *ctx, const struct ig_policy_slot *slot,
	     __u32 slot_nr, const struct ig_rule *rule, __u32 cfam, __u32 type,
	     __u32 family, __u32 l3_off, __u32 icmp_off, __u32 l4len,
	     const void *saddr, __u32 len, __u64 jif)
{
	__u32 reason;

	if (rule->flags & IG_RULE_ANY_CHECK) {
		reason = rule_checks(ctx, rule, slot, slot_nr, family, icmp_off,
				     l3_off, l4len);
		if (reason)
			return ig_outcome(cfam, type, reason, XDP_DROP);
	}
	if (rule->action == IG_ACT_LIMIT) {
		/* The only path that reads the clock or the bucket maps. */
		reason = rate_limit(slot, slot_nr, rule->class_id, family,
				    saddr, len, jif);
		return ig_outcome(cfam, type, reason,
				  reason == IG_R_PASS_LIMIT ? XDP_PASS :
							      XDP_DROP);
	}
	return rule_outcome(rule, cfam, type);
}

/*
 * What the policy decides for ICMP that is not a fragment past the
 * first, on its side: its source's prefix list, else its entry.
 */
static __always_inline __u32 policy_verdict(
	struct xdp_md *ctx, const struct ig_policy_slot *slot, __u32 slot_nr,
	__u32 side, __u32 family, __u32 tc, __u32 l3_off, __u32 icmp_off,
	__u32 l4len, const void *saddr, __u32 len, __u64 jif)
{
	const __u32 cfam = ig_counter_family(family, side);
	const __u32 type = tc >> 8;
	__u32 list = source_listed(slot, slot_nr, family, saddr);

	if (list == IG_LIST_ALLOW)
		return ig_outcome(cfam, type, IG_R_PASS_ALLOWLIST, XDP_PASS);
	if (list == IG_LIST_BLOCK)
		return ig_outcome(cfam, type, IG_R_DROP_BLOCKLIST, XDP_DROP);
	return rule_verdict(ctx, slot, slot_nr,
			    policy_rule(slot, side, family, tc), cfam, type,
			    family, l3_off, icmp_off, l4len, saddr, len, jif);
}

/*
 * The common case, judged before the general path: ICMP in a plain frame
 * (parse_plain(): the IP header l3_off bytes in, 14 or 18, the ICMP
 * header icmp_off, the datagram whole in the first buffer of len bytes)
 * on a host, whose interface forwards nothing of its family (the caller
 * asked side_all_host()). Then 1, with *outcome and *audit; 0 only
 * without a live slot. Nothing of it is live across the general path's
 * merge of every layout, and its offsets are constants.
 */
static __always_inline int judge_plain(struct xdp_md *ctx, __u32 family,
				       __u32 tc, __u32 l3_off, __u32 icmp_off,
				       __u32 l4len, const void *saddr,
				       __u32 len, __u64 jif, __u32 *outcome,
				       __u32 *audit)
{
	const struct ig_policy_slot *slot;
	__u32 slot_nr;

	slot = live_slot(&slot_nr);
	if (!slot)
		return 0;
	*audit = slot->meta.audit;
	*outcome = policy_verdict(ctx, slot, slot_nr, IG_SIDE_HOST, family, tc,
				  l3_off, icmp_off, l4len, saddr, len, jif);
	return 1;
}

SEC("xdp.frags")
int icmpgate_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 family, cfam, side, type, slot_nr, outcome;
	__u32 audit = 0; /* the live slot's meta.audit, once it is read */
	__u32 l4len = 0;
	__u32 tc = 0, early = 0; /* early: a reason to drop before the policy */
	struct cursor c = { .pos = data };
	struct ig_policy_slot *slot;
	int proto, nonfirst = 0;
	struct ipv6hdr *ip6h;
	struct iphdr *iph;
	__u64 saddr[2]; /* the source address, out of the packet */
	__u32 l3_off, icmp_off;
	__u64 len = end - data; /* the first buffer; frame_len() the rest */
	/*
	 * The clock of the side test and the buckets, read first: clang
	 * spills whatever is live across bpf_jiffies64(), a call to it
	 * though the verifier makes it one load, and here nothing is.
	 */
	__u64 jif = bpf_jiffies64();
	void *icmp;

	/*
	 * Everything read from the packet is read before the first map
	 * lookup: fewer values live across the lookups, fewer spills. Every
	 * path ends in finish() with its outcome (outcome.h): at `count`, or,
	 * for a plain frame that is not ICMP, in its own copy.
	 */
	switch (parse_plain(&c, end, len, &l3_off, &family, &l4len, saddr)) {
	case IG_PLAIN_ICMP:
		tc = bpf_ntohs(*(__be16 *)c.pos);
		icmp_off = c.pos - data;
		/*
		 * In transit, the general path judges it, on the side
		 * packet_side() finds: the host test is not made twice. What
		 * the general path would find before that is known: its
		 * length is the first buffer's, its ICMP header within it.
		 */
		if (!side_all_host(family, jif)) {
			side = packet_side(ctx, l3_off, family) & 1;
			goto side_known;
		}
		if (judge_plain(ctx, family, tc, l3_off, icmp_off, l4len, saddr,
				len, jif, &outcome, &audit))
			goto count;
		side = IG_SIDE_HOST; /* no live slot: cannot happen */
		goto side_known;
	case IG_PLAIN_OTHER:
		/* Most traffic: its own copy of the exit, folded for it. */
		return finish(ctx,
			      ig_outcome(family, 0, IG_R_NON_ICMP, XDP_PASS), 0,
			      len);
	}
	proto = parse_ethhdr(&c, end);
	l3_off = c.pos - data;
	if (proto == bpf_htons(ETH_P_IP)) {
		family = IG_FAM_V4;
		proto = parse_iphdr(&c, end, &iph, &nonfirst, &l4len);
		if (proto != IPPROTO_ICMP)
			goto l3_done;
		*(__u32 *)saddr = iph->saddr;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		family = IG_FAM_V6;
		proto = parse_ip6hdr(&c, end, &ip6h, &nonfirst, &l4len);
		if (proto != IPPROTO_ICMPV6)
			goto l3_done;
		__builtin_memcpy(saddr, &ip6h->saddr, sizeof(saddr));
	} else {
		outcome = ig_outcome(IG_FAM_OTHER, 0, IG_R_NON_ICMP, XDP_PASS);
		goto count;
	}

	/*
	 * Past the parsers, the program knows the headers by offsets the
	 * verifier cannot tell apart (layout_blind()): it checks what
	 * follows once, not once for every VLAN and extension header layout
	 * that reaches here.
	 */
	icmp_off = c.pos - data;
	/* Numbers from here: clang would fold the pointers into the mask. */
	barrier_var(l3_off);
	barrier_var(icmp_off);
	l3_off = layout_blind(l3_off);
	icmp_off = layout_blind(icmp_off);
	icmp = data + icmp_off;
	len = frame_len(ctx, data, icmp, l4len, len);

	/*
	 * Type and code in one load: icmphdr and icmp6hdr share them. A
	 * fragment past the first has none; the ping of death is dropped
	 * whatever the policy, and in audit mode too: no policy reads it.
	 */
	if (nonfirst == IG_FRAG_PAST_MAX)
		early = IG_R_DROP_PING_OF_DEATH;
	else if (!nonfirst &&
		 (icmp + IG_ICMP_HDR_LEN > end || l4len < IG_ICMP_HDR_LEN))
		early = IG_R_MALFORMED_ICMP;
	else if (!nonfirst)
		tc = bpf_ntohs(*(__be16 *)icmp);
	/*
	 * Addressed to this host, or passing through it? Every ICMP packet
	 * is judged, and counted, on its side (side.h).
	 */
	side = side_of(ctx, l3_off, family, jif);
side_known:
	type = tc >> 8;
	cfam = ig_counter_family(family, side);
	if (early) {
		outcome = ig_outcome(cfam, 0, early, XDP_DROP);
		goto count;
	}

	slot = live_slot(&slot_nr);
	if (!slot) { /* cannot happen: index is masked to the array */
		outcome = ig_outcome(cfam, type, IG_R_NON_ICMP, XDP_PASS);
		goto count;
	}
	/* Every drop from here on is the policy's: audit mode passes it. */
	audit = slot->meta.audit;

	if (nonfirst) {
		if (slot->meta.fragments == IG_ACT_DROP)
			outcome = ig_outcome(cfam, 0, IG_R_DROP_FRAGMENT,
					     XDP_DROP);
		else
			outcome = ig_outcome(cfam, 0, IG_R_PASS_FRAGMENT,
					     XDP_PASS);
		goto count;
	}

	outcome = policy_verdict(ctx, slot, slot_nr, side, family, tc, l3_off,
				 icmp_off, l4len, saddr, len, jif);
	goto count;

l3_done:
	len = frame_len(ctx, data, c.pos, l4len, len);
	/* Not ICMP of this family (protocol 58 in IPv4 is not ICMP), or a
	 * header we could not trust. */
	if (proto == IG_PARSE_MALFORMED)
		outcome = ig_outcome(family, 0, IG_R_MALFORMED_L3, XDP_DROP);
	else
		outcome = ig_outcome(family, 0, IG_R_NON_ICMP, XDP_PASS);
count:
	return finish(ctx, outcome, audit, len);
}
