/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Policy lookups: the live slot, the source prefix lists and the dense
 * (family, type, code) table. No loop over rules: the controller compiled
 * every combination in advance (user/compile.c).
 */
#ifndef IG_BPF_POLICY_H
#define IG_BPF_POLICY_H

#include "maps.h"
#include "outcome.h"

/*
 * The live slot. Read once per packet: everything after this uses the
 * returned slot only, so a flip never mixes two policies in one verdict.
 */
static __always_inline struct ig_policy_slot *live_slot(__u32 *slot_nr)
{
	*slot_nr = *(volatile __u32 *)&ig_active & (IG_SLOTS - 1);
	return bpf_map_lookup_elem(&ig_policy, slot_nr);
}

/*
 * Can a listed prefix contain this source? No for most sources, which
 * then skip the trie (ig_prefix_filter_bit in icmpgate.h).
 */
static __always_inline int source_maybe_listed(const struct ig_policy_slot *s,
					       __u32 family, const void *saddr)
{
	__u64 w;
	__u32 bit;

	/* Word loads from the packet: the parser checked the header. */
	if (family == IG_FAM_V4)
		w = *(const __u32 *)saddr;
	else
		w = *(const __u64 *)saddr;
	bit = ig_prefix_filter_bit(w, s->meta.prefix_bits[family & 1]);
	return s->prefix_filter[family & 1][bit / 64] >> (bit % 64) & 1;
}

/*
 * Longest-prefix match over allow and block together: the most specific
 * prefix decides. Returns enum ig_prefix_list, or 0 for no match.
 */
static __always_inline __u32 source_list(__u32 slot_nr, __u32 family,
					 const void *saddr, __u32 addr_len)
{
	struct ig_prefix_key key = {};
	struct ig_prefix_value *v;

	key.prefixlen = IG_PREFIX_KEY_BITS + addr_len * 8;
	key.slot = slot_nr;
	key.family = family;
	/* addr_len is a constant at each call site: one branch survives. */
	if (addr_len == 4)
		__builtin_memcpy(key.addr, saddr, 4);
	else
		__builtin_memcpy(key.addr, saddr, 16);
	v = bpf_map_lookup_elem(&ig_prefixes, &key);
	return v ? v->list : 0;
}

/*
 * The prefix list that decides for a source (enum ig_prefix_list), or 0
 * when no prefix of its family holds it.
 */
static __always_inline __u32 source_listed(const struct ig_policy_slot *slot,
					   __u32 slot_nr, __u32 family,
					   const void *saddr)
{
	if (!slot->meta.has_prefixes[family & 1] ||
	    !source_maybe_listed(slot, family, saddr))
		return 0;
	if (family == IG_FAM_V4)
		return source_list(slot_nr, family, saddr, 4);
	return source_list(slot_nr, family, saddr, 16);
}

/* The dense table's entry for a packet's side, family, type and code. */
static __always_inline const struct ig_rule *
policy_rule(const struct ig_policy_slot *slot, __u32 side, __u32 family,
	    __u32 tc)
{
	return &slot->rules[side & 1][family & 1][0][0] + tc;
}

/* What a pass or drop entry decides: its stored reason and verdict. */
static __always_inline __u32 rule_outcome(const struct ig_rule *rule,
					  __u32 cfam, __u32 type)
{
	return ig_outcome(cfam, type, ig_reason_load(rule->reason),
			  ig_action_verdict(rule->action));
}

#endif /* IG_BPF_POLICY_H */
