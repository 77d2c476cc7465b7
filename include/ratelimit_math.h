/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The rate-limit arithmetic the program and the controller share: token
 * buckets in the GCRA form (the "virtual scheduling" form of ITU-T
 * I.371's generic cell rate algorithm), the per-source table's set hash
 * and the class tags. Pure and header-only; the program's side (maps, the
 * clock, the class and per-source buckets built on this) is
 * bpf/ratelimit.h.
 *
 * A bucket is one 64-bit number, its theoretical arrival time (TAT), in
 * units of 2^-IG_RL_SHIFT ns. A packet of cost c (the interval of one
 * packet, or of its bytes) arriving at now passes if
 *
 *     max(TAT, now) + c - now <= tau          (tau = burst x interval)
 *
 * and then TAT becomes max(TAT, now) + c. An idle bucket (TAT <= now) is
 * full: burst packets pass back to back, then one per interval. The
 * tokens left are (tau - (TAT - now)) / interval. One number instead of
 * (tokens, last refill) is what lets the buckets shared by every CPU be
 * updated with one compare-and-swap, without a lock.
 *
 * The math takes `now` as an argument and calls no helper, so this whole
 * header compiles into the controller and the host unit tests
 * (tests/unit/test_ratelimit.c) as it does into the program.
 *
 * Fixed point and overflow: times wrap modulo 2^64 units (2^56 ns, 2.3
 * years) and are only ever compared as signed differences, so the clock
 * may wrap; tau is capped at 2^55 units (39 hours; the policy language
 * allows a day at most), so TAT - now always fits. A bucket can never be
 * more than twice tau ahead of now (see "clock that steps back" below),
 * so one that reads more than IG_RL_AHEAD_MAX (2^57 units, 6.5 days)
 * ahead is one left idle so long (over 2^63 units, 417 days) that its
 * difference wrapped: it reads as idle, the furthest behind of all
 * (ig_rl_ahead()). What is left of the wrap: a bucket idle within 6.5
 * days (plus its tau) of a multiple of 2^64 units (834 days) reads as
 * stepped back or not yet full. A byte bucket's interval carries
 * IG_RL_BYTE_SHIFT more fraction bits and is capped at 2^48, and a length
 * at 65535, so len x interval never overflows.
 *
 * Races (the buckets every CPU shares): a bucket changes only by a
 * compare-and-swap from the TAT the decision was made on, so two CPUs can
 * never both spend the same token: concurrency adds no overshoot at all.
 * What we accept instead:
 *  - A CPU whose clock read is older than another's (reads are not
 *    ordered with the CAS) decides as if its packet came earlier. That
 *    only makes it stricter: with an older now, TAT - now is larger and an
 *    idle bucket refills from the older time. Under-admission of at most
 *    the time between the clock read and the CAS (nanoseconds).
 *  - A CAS that loses IG_RL_CAS_TRIES times in a row (every try, another
 *    CPU admitted a packet of the same bucket) drops its packet: under
 *    that much contention the bucket is empty anyway. Fails closed.
 *  - Dropping does not write: under a flood, most packets only read the
 *    bucket's cache line, and it is written about `rate` times a second.
 * So the worst-case overshoot over any window of t seconds is the
 * bucket's own burst + rate x t (what a token bucket allows), with no
 * term from concurrency. The policy flip adds one bounded term: the
 * controller copies a class bucket into the new slot, and packets the old
 * slot admits between that copy and the flip (microseconds) are not in
 * the copy (user/store.c).
 *
 * A clock that steps back, or a policy change that shortens tau, can
 * leave TAT more than tau ahead of now. A little more (up to tau, and at
 * least IG_RL_STEP_MIN_NS) is what CPUs that read the clock a moment
 * apart see all the time: the packet waits like any other, and nothing is
 * written. Much more is a real step: the bucket is taken as empty and TAT
 * is pulled back to now + tau, so refilling starts at once instead of
 * after the step. (Pulling back on every small step would hand a CPU with
 * a stale clock the difference as tokens, and make drops write.)
 *
 * A bucket with tau 0 (rate 0, or burst 0) passes nothing at all, even a
 * packet that would cost nothing. A TAT of 0 is a fresh bucket, full
 * whatever the clock says: the controller starts class buckets that way,
 * without having to know the epoch of the program's clock.
 */
#ifndef IG_RATELIMIT_MATH_H
#define IG_RATELIMIT_MATH_H

#include <linux/types.h>

#include "icmpgate.h"

/*
 * Inlined into the program: a BPF-to-BPF call and its return cost more
 * than the bucket math (AMD's SRSO mitigation makes every return slow).
 */
#define IG_RL_FN static inline __attribute__((always_inline))

#define IG_RL_TAU_MAX (1ull << 55)
#define IG_RL_AHEAD_MAX (1ull << 57)
#define IG_RL_INTERVAL_MAX ((1ull << 48) - 1)
#define IG_RL_MAX_LEN 65535u
#define IG_RL_CAS_TRIES 4
#define IG_RL_STEP_MIN_NS 1000000ull /* 1 ms: see "clock that steps back" */
#define IG_RL_NS_PER_SEC 1000000000ull

/*
 * The coarsest coarse clock we plan for: one tick at HZ=100. A bucket
 * whose tau is shorter than two ticks plus one packet reads the fine
 * clock: with a coarse one, the tokens of a whole tick arrive at once and
 * those beyond the burst are lost.
 */
#define IG_RL_COARSE_TICK_NS 10000000ull

/* now in ns (CLOCK_MONOTONIC) to bucket time units; wraps, by design. */
IG_RL_FN __u64 ig_rl_time(__u64 now_ns)
{
	return now_ns << IG_RL_SHIFT;
}

/* a * b, or `max` if the product exceeds it. */
IG_RL_FN __u64 ig_rl_mul_sat(__u64 a, __u64 b, __u64 max)
{
	if (a && b > max / a)
		return max;
	return a * b;
}

/*
 * The bucket for `amount` packets (or, with bytes, bits) per period_ns,
 * with a burst of `burst` packets (or bytes). amount 0 or burst 0 makes a
 * bucket nothing passes (tau 0 is below every cost). Rates so high that
 * the interval would round to 0 get the smallest interval, 1 unit.
 */
IG_RL_FN struct ig_bucket_cfg ig_rl_bucket(__u64 amount, __u64 period_ns,
					   __u64 burst, int bytes)
{
	struct ig_bucket_cfg b = { IG_RL_INTERVAL_MAX, 0 };
	unsigned shift = IG_RL_SHIFT + (bytes ? IG_RL_BYTE_SHIFT : 0);
	__u64 num, tau;

	if (!amount || !burst)
		return b;
	if (bytes) /* bits per period: a byte is 8 of them */
		period_ns = ig_rl_mul_sat(period_ns, 8, ~0ull);
	if (period_ns > (~0ull >> shift)) {
		num = ~0ull;
	} else {
		num = period_ns << shift;
		num = num / amount + (num % amount >= amount - amount / 2);
	}
	if (num > IG_RL_INTERVAL_MAX)
		num = IG_RL_INTERVAL_MAX;
	b.interval = num ? num : 1;
	tau = ig_rl_mul_sat(burst, b.interval, ~0ull);
	if (bytes)
		tau = tau == ~0ull ? tau : tau >> IG_RL_BYTE_SHIFT;
	b.tau = tau > IG_RL_TAU_MAX ? IG_RL_TAU_MAX : tau;
	return b;
}

/* What one packet of len bytes costs in bucket b. */
IG_RL_FN __u64 ig_rl_cost(const struct ig_bucket_cfg *b, int bytes, __u32 len)
{
	if (!bytes)
		return b->interval;
	if (len > IG_RL_MAX_LEN)
		len = IG_RL_MAX_LEN;
	return ((__u64)len * b->interval) >> IG_RL_BYTE_SHIFT;
}

/*
 * How far the TAT is ahead of now, in units: negative when the bucket has
 * been idle (behind now), and a bucket idle so long that its difference
 * wrapped (it reads more than IG_RL_AHEAD_MAX ahead, which no bucket can
 * be) as the furthest behind there is.
 */
IG_RL_FN __s64 ig_rl_ahead(__u64 tat, __u64 now)
{
	__s64 ahead = (__s64)(tat - now);

	return ahead > (__s64)IG_RL_AHEAD_MAX ? (__s64)(1ull << 63) : ahead;
}

/*
 * The decision: 1 if a packet of cost `cost` arriving at `now` passes a
 * bucket at `tat`. *new_tat is what the bucket must hold afterwards; equal
 * to tat when nothing is to be written (a drop).
 */
IG_RL_FN int ig_rl_decide(__u64 tat, __u64 now, __u64 cost, __u64 tau,
			  __u64 *new_tat)
{
	__u64 step = IG_RL_STEP_MIN_NS << IG_RL_SHIFT;
	__s64 ahead = ig_rl_ahead(tat, now);

	*new_tat = tat;
	if (ahead < 0 || !tat)
		ahead = 0; /* idle or fresh: the bucket is full */
	if ((__u64)ahead > tau) {
		/* A real step back (or a shorter tau): empty, from now. */
		if ((__u64)ahead - tau > (tau > step ? tau : step)) {
			*new_tat = now + tau;
			*new_tat -= !*new_tat; /* 0 is fresh, as below */
		}
		return 0;
	}
	if (!tau || cost > tau - (__u64)ahead)
		return 0;
	*new_tat = now + (__u64)ahead + cost;
	/* 0 means fresh: a TAT that lands on it as the clock wraps would
	 * make the bucket full again, so it is one unit (2^-8 ns) earlier. */
	*new_tat -= !*new_tat;
	return 1;
}

/*
 * 1 if the bucket at tat refuses a packet of this cost at now and the
 * refusal writes nothing: a read-only look that may stand for
 * ig_rl_admit() (a refusal that pulls the TAT back after a clock step
 * is left to it).
 */
IG_RL_FN int ig_rl_refuses(__u64 tat, __u64 now, __u64 cost, __u64 tau)
{
	__u64 new_tat;

	return !ig_rl_decide(tat, now, cost, tau, &new_tat) && new_tat == tat;
}

/* Whole units (packets or bytes) a bucket at tat holds at now. */
IG_RL_FN __u64 ig_rl_tokens(__u64 tat, __u64 now, __u64 unit_cost, __u64 tau)
{
	__s64 ahead = ig_rl_ahead(tat, now);

	if (ahead < 0)
		ahead = 0;
	if ((__u64)ahead >= tau || !unit_cost)
		return 0;
	return (tau - (__u64)ahead) / unit_cost;
}

/*
 * Decide and commit on a bucket that other CPUs update too: retry the
 * decision on the value another CPU stored until our compare-and-swap
 * wins, at most IG_RL_CAS_TRIES times; then drop (see the top of this
 * file). A drop writes nothing, unless it pulls TAT back after a clock
 * step.
 */
IG_RL_FN int ig_rl_admit(__u64 *tatp, __u64 now, __u64 cost, __u64 tau)
{
	__u64 tat = *(volatile __u64 *)tatp, new_tat, seen;
	int i, ok;

	for (i = 0; i < IG_RL_CAS_TRIES; i++) {
		ok = ig_rl_decide(tat, now, cost, tau, &new_tat);
		if (new_tat == tat)
			return ok;
		seen = __sync_val_compare_and_swap(tatp, tat, new_tat);
		if (seen == tat)
			return ok;
		tat = seen;
	}
	return 0;
}

/* One 64-bit word of an address (memory order) masked to its first bits. */
IG_RL_FN __u64 ig_rl_mask64(__u64 w, __u32 bits)
{
	__u64 m;

	if (bits >= 64)
		return w;
	m = bits ? ~0ull << (64 - bits) : 0;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	m = __builtin_bswap64(m);
#endif
	return w & m;
}

/*
 * The source's address as its bucket knows it: masked to plen bits. w is
 * the address as two words in memory order (an IPv4 address in the first
 * 4 bytes, the rest zero).
 */
IG_RL_FN void ig_rl_mask_addr(__u64 w[2], __u32 plen)
{
	w[0] = ig_rl_mask64(w[0], plen);
	w[1] = ig_rl_mask64(w[1], plen > 64 ? plen - 64 : 0);
}

/*
 * The per-source table is an array of sets of two buckets, not a hash
 * map: a lookup is array reads the verifier inlines, where a hash map's
 * is a call, jhash and a memcmp call. A source's (tag, prefix) hashes to
 * two sets ("two choices"): it is looked for in both, and a new source
 * takes an unused entry of the set with more room, or else, of the four,
 * the one whose TAT is furthest behind (the fullest bucket, idle the
 * longest), as an LRU would. With two sets to choose from, far fewer
 * sources find no room than in one set at the same load (a quarter of
 * the table in use: 2 to 8 of 16,384 sources against 570 to 655;
 * test_source_room in tests/unit/test_ratelimit.c). Memory is the array,
 * fixed: --max-sources entries of 64 bytes.
 */
IG_RL_FN __u64 ig_rl_source_hash(__u32 tag, const __u64 w[2])
{
	__u64 h = w[0] ^ tag ^ w[1] * 0xc2b2ae3d27d4eb4full;

	/* Fold the high bits down before the multiply: a /64 varies only
	 * in the high half of w[0], and a product's low bits depend only on
	 * the factors' low bits. */
	h ^= h >> 29;
	h *= 0x9e3779b97f4a7c15ull;
	return h ^ h >> 32;
}

/* Multiply-shift of 32 hash bits onto [0, sets): no division. */
IG_RL_FN __u32 ig_rl_hash_to_set(__u64 bits32, __u32 sets)
{
	return (__u32)(((bits32 & 0xffffffffull) * sets) >> 32);
}

/*
 * The source's two sets, from the hash's two halves; never the same one
 * twice (the next set stands in), given two sets or more.
 */
IG_RL_FN void ig_rl_source_sets(__u32 tag, const __u64 w[2], __u32 sets,
				__u32 idx[2])
{
	__u64 h = ig_rl_source_hash(tag, w);

	idx[0] = ig_rl_hash_to_set(h, sets);
	idx[1] = ig_rl_hash_to_set(h >> 32, sets);
	if (idx[1] == idx[0])
		idx[1] = idx[0] + 1 < sets ? idx[0] + 1 : 0;
}

/* Unused entries of a set of the per-source table (0 to 2). */
IG_RL_FN __u32 ig_rl_set_room(const struct ig_source_set *set)
{
	return !set->e[0].tag + !set->e[1].tag;
}

/*
 * Which of a new source's two sets it takes an unused entry of, given how
 * many each has unused (0 to 2): the one with more, the first on a tie.
 * 1 means the second; with no unused entry in either, the caller evicts.
 */
IG_RL_FN int ig_rl_roomier(__u32 free0, __u32 free1)
{
	return free1 > free0;
}

/*
 * Where a new source goes while one of its two sets has room: an unused
 * entry of the roomier set (ig_rl_roomier()). NULL when neither has one:
 * the caller evicts.
 */
IG_RL_FN struct ig_source_slot *ig_rl_free_entry(struct ig_source_set *s0,
						 struct ig_source_set *s1)
{
	struct ig_source_set *s = s0;

	if (ig_rl_roomier(ig_rl_set_room(s0), ig_rl_set_room(s1)))
		s = s1;
	if (!s->e[0].tag)
		return &s->e[0];
	if (!s->e[1].tag)
		return &s->e[1];
	return NULL;
}

/*
 * The TAT a new source starts from when it takes over the entry of
 * (old_tag, old_tat): that bucket's, if it belonged to the same class
 * (tag), so that sources that keep evicting each other from their sets
 * share those buckets rather than coming back full; else 0, a full bucket (an
 * unused entry, or another class, whose clock and tau may not compare).
 * Without a branch: equality by the sign of (x ^ y) - 1, both 32-bit.
 */
IG_RL_FN __u64 ig_rl_inherit(__u32 old_tag, __u64 old_tat, __u32 tag)
{
	__u64 same = ((__u64)(old_tag ^ tag) - 1) >> 63;

	return old_tat & (0 - same);
}

/*
 * Identity of a class across policy changes: its rule's family, type and
 * code (256 for a type-wide rule), the clock its buckets read (times of
 * the two clocks do not compare) and its per-source prefix length.
 */
IG_RL_FN __u32 ig_rl_tag(__u32 family, __u32 type, int code, int fine,
			 __u32 plen)
{
	return (__u32) !!fine << 26 | (family & 1) << 25 | (type & 0xff) << 17 |
	       ((__u32)(code + 1) & 0x1ff) << 8 | (plen & 0xff);
}

/* ig_rl_tag() read back: family, type, code (-1: type-wide), prefix length. */
struct ig_rl_tag_fields {
	__u32 family, type, plen;
	int code;
};

IG_RL_FN struct ig_rl_tag_fields ig_rl_tag_decode(__u32 tag)
{
	struct ig_rl_tag_fields f = {
		.family = (tag >> 25) & 1,
		.type = (tag >> 17) & 0xff,
		.plen = tag & 0xff,
		.code = (int)((tag >> 8) & 0x1ff) - 1,
	};
	return f;
}

/* The side's part of a class's tag: a transit class is another class. */
IG_RL_FN __u32 ig_rl_tag_side(__u32 side)
{
	return (side & 1) << 27;
}

#endif /* IG_RATELIMIT_MATH_H */
