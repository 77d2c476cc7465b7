/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Rate limiting, the program's side: the clock a class reads, and the
 * class and per-source buckets in their maps. The bucket arithmetic, its
 * fixed point and the races it accepts on shared buckets are in
 * include/ratelimit_math.h, shared with the controller and the unit tests.
 */
#ifndef IG_BPF_RATELIMIT_H
#define IG_BPF_RATELIMIT_H

#ifndef __bpf__
#error "bpf/ratelimit.h is the program's; user code includes ratelimit_math.h"
#endif

#include <linux/types.h>

#include <bpf/bpf_helpers.h>

#include "icmpgate.h"
#include "maps.h"
#include "ratelimit_math.h"

/* Nanoseconds a jiffy, for the HZ values kernels are built with. */
static __always_inline __u64 jiffy_ns(void)
{
	switch (CONFIG_HZ) {
	case 100:
		return 10000000;
	case 250:
		return 4000000;
	case 300:
		return 3333333; /* 1e-7 slow: nothing a bucket would notice */
	case 1000:
		return 1000000;
	default:
		return 0;
	}
}

/*
 * The program's coarse clock, in ns: jif, the jiffies counter the program
 * read as the packet came (icmpgate_xdp()), times the jiffy; the coarse
 * clock where the kernel's HZ is unknown; the fake one in test builds.
 * The side cache reads it, and the buckets unless they need finer.
 */
static __always_inline __u64 coarse_now(__u64 jif)
{
	/* Once: a helper call in between would make clang read HZ again. */
	__u64 tick = jiffy_ns();

	if (ig_fake_clock)
		return ig_fake_now;
	if (!tick)
		return bpf_ktime_get_coarse_ns();
	return jif * tick;
}

/*
 * The one clock read of a limited packet. Measured here (a KVM guest):
 * bpf_ktime_get_ns() costs 31 ns a packet, bpf_ktime_get_coarse_ns() 14,
 * jiffies 1 (the verifier inlines bpf_jiffies64() into one load). jiffies
 * and the coarse clock move in the same ticks, so a class reads jiffies
 * unless a bucket of it has a burst too short for ticks (compile.c sets
 * IG_LIMIT_FINE_CLOCK), or the kernel's HZ is unknown (coarse_now()).
 * The test build drives time from ig_fake_now instead.
 */
static __always_inline __u64 rl_now(__u8 flags, __u64 jif)
{
	if (!ig_fake_clock && (flags & IG_LIMIT_FINE_CLOCK))
		return ig_rl_time(bpf_ktime_get_ns());
	return ig_rl_time(coarse_now(jif));
}

/* The class's bucket (never NULL: the index is within the array). */
static __always_inline struct ig_class_bucket *rl_class_bucket(__u32 slot_nr,
							       __u32 class_id)
{
	__u32 idx = (slot_nr & (IG_SLOTS - 1)) * IG_MAX_CLASSES + class_id;

	return bpf_map_lookup_elem(&ig_class_buckets, &idx);
}

/* What a packet of len bytes costs in the class's bucket. */
static __always_inline __u64 rl_class_cost(const struct ig_limit *lim,
					   __u32 len)
{
	return ig_rl_cost(&lim->cls, !!(lim->flags & IG_LIMIT_CLASS_BYTES),
			  len);
}

/* The class's bucket: 1 if it has a token (and it is spent). */
static __always_inline int rl_class(const struct ig_limit *lim, __u32 slot_nr,
				    __u32 class_id, __u64 now, __u32 len)
{
	struct ig_class_bucket *b;

	if (!(lim->flags & IG_LIMIT_CLASS))
		return 1;
	b = rl_class_bucket(slot_nr, class_id);
	if (!b)
		return 0; /* cannot happen */
	return ig_rl_admit(&b->tat, now, rl_class_cost(lim, len), lim->cls.tau);
}

/*
 * 1 if the class has a bucket and it is empty for this packet: the class
 * drops it, whatever its source's bucket holds (ig_rl_refuses()).
 */
static __always_inline int rl_class_empty(const struct ig_limit *lim,
					  __u32 slot_nr, __u32 class_id,
					  __u64 now, __u32 len)
{
	struct ig_class_bucket *b;

	if (!(lim->flags & IG_LIMIT_CLASS))
		return 0;
	b = rl_class_bucket(slot_nr, class_id);
	return b && ig_rl_refuses(*(volatile __u64 *)&b->tat, now,
				  rl_class_cost(lim, len), lim->cls.tau);
}

/* The entry of the set that holds (tag, w), or NULL. */
static __always_inline struct ig_source_slot *
rl_source_find(struct ig_source_set *set, __u32 tag, const __u64 w[2])
{
	struct ig_source_slot *e0 = &set->e[0], *e1 = &set->e[1];

	if (e0->tag == tag && e0->addr[0] == w[0] && e0->addr[1] == w[1])
		return e0;
	if (e1->tag == tag && e1->addr[0] == w[0] && e1->addr[1] == w[1])
		return e1;
	return NULL;
}

/* Of a full set, the entry further behind now: the fuller bucket. */
static __always_inline struct ig_source_slot *
rl_set_victim(struct ig_source_set *set, __u64 now)
{
	struct ig_source_slot *e0 = &set->e[0], *e1 = &set->e[1];

	return ig_rl_ahead(e0->b.tat, now) < ig_rl_ahead(e1->b.tat, now) ? e0 :
									   e1;
}

/*
 * Where a new source goes, of its two sets: an unused entry of the set
 * with more of them (ig_rl_free_entry()), or else the entry furthest
 * behind now of the four.
 */
static __always_inline struct ig_source_slot *
rl_source_victim(struct ig_source_set *s0, struct ig_source_set *s1, __u64 now)
{
	struct ig_source_slot *a, *b;

	a = ig_rl_free_entry(s0, s1);
	if (a)
		return a;
	a = rl_set_victim(s0, now);
	b = rl_set_victim(s1, now);
	return ig_rl_ahead(b->b.tat, now) < ig_rl_ahead(a->b.tat, now) ? b : a;
}

/*
 * A packet of a limited class. The source's bucket first, so that one
 * abuser is stopped at its own bucket and cannot drain the class for
 * everyone; then the class bucket. A packet the class drops has still
 * spent its source's token: the source sent it. Returns the reason:
 * IG_R_PASS_LIMIT, or which bucket was empty.
 *
 * Except when the class is empty already: then the packet is dropped by
 * the class without a look at the per-source table (rl_class_empty()).
 * Under a flood from spoofed sources, which empties the class, that
 * spares every packet a cache miss in the table and an eviction, and
 * keeps the table's entries for the sources it held before the flood.
 * Such a packet spends no token of its source; a source over its own
 * limit is then counted under the class's reason rather than its own.
 *
 * A source seen for the first time has a full bucket: its first packet
 * is judged by the class alone, and then written into one of its two sets
 * (see ig_rl_source_sets), replacing the entry an LRU would evict, so memory
 * stays at --max-sources buckets whatever the number of sources.
 *
 * Races on the table (plain stores, no lock), accepted here:
 *  - Two CPUs that see the same new source at the same moment both judge
 *    their packet by a full bucket, and the last write stands: at most
 *    one extra packet per other CPU, once, for that source.
 *  - A CPU that replaces an entry while another is admitting a packet of
 *    the old source may let the other read a mix of the two, or charge
 *    the packet to the new source's bucket (its CAS then sees the new
 *    TAT). One packet judged by the wrong bucket, only as sources churn
 *    through a set; the class bucket, shared and exact, still bounds the
 *    class.
 *  - A source's passed and dropped counts (`top` reads them) are plain
 *    adds, not atomic ones: an atomic add cost a per-source drop about 2
 *    ns of its 16 (rlcost). Two CPUs that count the same source at the
 *    same moment lose one of the two counts; RSS hashes ICMP by its
 *    addresses, so that takes one source sending to two of the host's
 *    addresses through two queues at once. The bucket (tat) stays
 *    exact, and every packet is still counted exactly, per CPU, under
 *    its reason (counters.h).
 *  - Sources of a class for which their two sets have no room keep
 *    evicting each other; each takes over the bucket of the one it
 *    evicts, so together they get at most the buckets they share
 *    (stricter than their own, never looser). Per-source limits hold
 *    exactly for the sources the table has room for, and as a shared
 *    limit for the rest. (They used to come back with a full bucket each time: a
 *    thrashing set passed its sources' whole flood.)
 */
static __always_inline __u32 rate_limit(const struct ig_policy_slot *slot,
					__u32 slot_nr, __u32 class_id,
					__u32 family, const void *saddr,
					__u32 len, __u64 jif)
{
	struct ig_source_set *set0, *set1;
	struct ig_source_slot *e;
	const struct ig_limit *lim;
	__u64 now, cost, new_tat, w[2];
	__u32 reason, tag, idx[2], plen;
	int ok;

	class_id &= IG_MAX_CLASSES - 1;
	lim = &slot->limits[class_id];
	now = rl_now(lim->flags, jif);
	if (!(lim->flags & IG_LIMIT_SOURCE))
		goto class_only;
	if (rl_class_empty(lim, slot_nr, class_id, now, len))
		return IG_R_RATE_LIMITED_CLASS;

	/*
	 * Word loads from the packet: the parser checked the header. The
	 * default prefixes (/32, /64) mask nothing or a whole word: no mask
	 * to compute for them.
	 */
	plen = lim->prefix_len;
	if (family == IG_FAM_V4) {
		w[0] = *(const __u32 *)saddr;
		w[1] = 0;
		if (plen < 32)
			w[0] = ig_rl_mask64(w[0], plen);
	} else {
		w[0] = ((const __u64 *)saddr)[0];
		w[1] = 0;
		if (plen > 64)
			w[1] = ig_rl_mask64(((const __u64 *)saddr)[1],
					    plen - 64);
		else if (plen < 64)
			w[0] = ig_rl_mask64(w[0], plen);
	}
	tag = lim->tag;
	ig_rl_source_sets(tag, w, ig_source_sets, idx);
	cost = ig_rl_cost(&lim->src, !!(lim->flags & IG_LIMIT_SOURCE_BYTES),
			  len);
	/* The second set only for a source the first does not hold. */
	set0 = bpf_map_lookup_elem(&ig_sources, &idx[0]);
	if (!set0) /* cannot happen: ig_source_sets is the size */
		goto class_only;
	e = rl_source_find(set0, tag, w);
	if (!e) {
		set1 = bpf_map_lookup_elem(&ig_sources, &idx[1]);
		if (!set1) /* cannot happen, as above */
			goto class_only;
		e = rl_source_find(set1, tag, w);
	}
	if (e) {
		if (!ig_rl_admit(&e->b.tat, now, cost, lim->src.tau)) {
			e->b.dropped++;
			return IG_R_RATE_LIMITED_SOURCE;
		}
		reason = rl_class(lim, slot_nr, class_id, now, len) ?
				 IG_R_PASS_LIMIT :
				 IG_R_RATE_LIMITED_CLASS;
		if (reason == IG_R_PASS_LIMIT)
			e->b.passed++;
		else
			e->b.dropped++;
		return reason;
	}

	e = rl_source_victim(set0, set1, now);
	/*
	 * A source of the same class that it replaces hands on its bucket
	 * (ig_rl_inherit()): sources that keep evicting each other from
	 * their two sets share those buckets instead of coming back full
	 * each time. A new source where there is room, or an idle entry,
	 * starts full as before.
	 */
	ok = ig_rl_decide(ig_rl_inherit(e->tag, e->b.tat, tag), now, cost,
			  lim->src.tau, &new_tat);
	if (!ok)
		reason = IG_R_RATE_LIMITED_SOURCE;
	else if (rl_class(lim, slot_nr, class_id, now, len))
		reason = IG_R_PASS_LIMIT;
	else
		reason = IG_R_RATE_LIMITED_CLASS;
	e->tag = tag;
	e->addr[0] = w[0];
	e->addr[1] = w[1];
	e->b.tat = new_tat;
	e->b.passed = reason == IG_R_PASS_LIMIT;
	e->b.dropped = reason != IG_R_PASS_LIMIT;
	return reason;

class_only:
	return rl_class(lim, slot_nr, class_id, now, len) ?
		       IG_R_PASS_LIMIT :
		       IG_R_RATE_LIMITED_CLASS;
}
#endif /* IG_BPF_RATELIMIT_H */
