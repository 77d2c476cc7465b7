// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of the bucket math in include/ratelimit_math.h, the very
 * header the XDP program compiles: configuration from rate and burst, the
 * GCRA decision
 * with time as an input (bursts, refills, idle gaps, time going backwards,
 * a wrapping clock, rate 0, very high rates, byte buckets), the fixed point
 * at its limits, the coarse clock's effect, the compare-and-swap under
 * threads, and the source masks.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ratelimit_math.h"

#define SEC_NS IG_RL_NS_PER_SEC
#define MS_NS 1000000ull
#define US_NS 1000ull

static struct ig_bucket_cfg pkts(__u64 per_sec, __u64 burst)
{
	return ig_rl_bucket(per_sec, SEC_NS, burst, 0);
}

/*
 * n packets at now_ns, back to back, on a bucket at *tat; returns how many
 * passed.
 */
static __u64 send(__u64 *tat, const struct ig_bucket_cfg *b, __u64 now_ns,
		  __u64 n)
{
	__u64 i, passed = 0, now = ig_rl_time(now_ns);

	for (i = 0; i < n; i++)
		passed += ig_rl_admit(tat, now, ig_rl_cost(b, 0, 64), b->tau);
	return passed;
}

/*
 * A flood of one packet every gap_ns for dur_ns starting at t0_ns, with the
 * clock read through a tick of tick_ns (1: the fine clock); returns how many
 * passed.
 */
static __u64 flood(__u64 *tat, const struct ig_bucket_cfg *b, __u64 t0_ns,
		   __u64 dur_ns, __u64 gap_ns, __u64 tick_ns)
{
	__u64 t, passed = 0, now;

	for (t = t0_ns; t < t0_ns + dur_ns; t += gap_ns) {
		now = ig_rl_time(t - t % tick_ns);
		passed += ig_rl_admit(tat, now, ig_rl_cost(b, 0, 64), b->tau);
	}
	return passed;
}

static void test_config(void **state)
{
	struct ig_bucket_cfg b;

	(void)state;
	/* 1000/s: 1 ms a packet, exactly, in units of 2^-8 ns. */
	b = pkts(1000, 50);
	assert_int_equal(b.interval, 1000000ull << IG_RL_SHIFT);
	assert_int_equal(b.tau, 50 * b.interval);
	/* 3/s: rounded to the nearest unit. */
	b = pkts(3, 1);
	assert_int_equal(b.interval, ((SEC_NS << IG_RL_SHIFT) + 1) / 3);
	/* Per minute. */
	b = ig_rl_bucket(6, 60 * SEC_NS, 1, 0);
	assert_int_equal(b.interval, (10 * SEC_NS) << IG_RL_SHIFT);
	/* Bits: 8 Mbit/s is 1 MB/s, 1 us a byte, with 8 more fraction bits. */
	b = ig_rl_bucket(8000000, SEC_NS, 1500, 1);
	assert_int_equal(b.interval, 1000ull << (IG_RL_SHIFT + 8));
	assert_int_equal(b.tau, (1500 * 1000ull) << IG_RL_SHIFT);
	assert_int_equal(ig_rl_cost(&b, 1, 100), (100 * 1000ull)
							 << IG_RL_SHIFT);
	/* Lengths beyond 65535 cost as 65535. */
	assert_int_equal(ig_rl_cost(&b, 1, 1u << 20), ig_rl_cost(&b, 1, 65535));
}

/* Rate 0 and burst 0: nothing ever passes, whatever the time. */
static void test_rate_zero(void **state)
{
	struct ig_bucket_cfg b[] = { pkts(0, 10), pkts(10, 0),
				     ig_rl_bucket(0, SEC_NS, 5000, 1) };
	__u64 tat, t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
		assert_int_equal(b[i].tau, 0);
		tat = 0;
		for (t = 0; t < 10; t++)
			assert_int_equal(
				send(&tat, &b[i], t * 1000 * SEC_NS, 100), 0);
		assert_false(ig_rl_admit(&tat, ~0ull, ig_rl_cost(&b[i], 1, 0),
					 b[i].tau));
	}
}

/* A full bucket passes exactly burst packets back to back, then drops. */
static void test_burst_exact(void **state)
{
	static const __u64 bursts[] = { 1, 2, 5, 20, 100, 12345 };
	struct ig_bucket_cfg b;
	__u64 tat, t0 = 1000 * SEC_NS;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bursts) / sizeof(bursts[0]); i++) {
		b = pkts(100, bursts[i]);
		tat = ig_rl_time(t0); /* as the controller makes it: full */
		assert_int_equal(ig_rl_tokens(tat, ig_rl_time(t0), b.interval,
					      b.tau),
				 bursts[i]);
		assert_int_equal(send(&tat, &b, t0, bursts[i] + 50), bursts[i]);
		assert_int_equal(ig_rl_tokens(tat, ig_rl_time(t0), b.interval,
					      b.tau),
				 0);
	}
}

/* Tokens come back at the rate, one per interval, never beyond burst. */
static void test_refill(void **state)
{
	struct ig_bucket_cfg b = pkts(100, 10); /* 10 ms a token */
	__u64 tat = 0, t0 = 5 * SEC_NS;

	(void)state;
	assert_int_equal(send(&tat, &b, t0, 100), 10);
	assert_int_equal(send(&tat, &b, t0 + 9 * MS_NS, 5), 0);
	assert_int_equal(send(&tat, &b, t0 + 10 * MS_NS, 5), 1);
	assert_int_equal(send(&tat, &b, t0 + 45 * MS_NS, 5), 3);
	/* Burst caps the refill: a long wait is worth burst, not more. */
	assert_int_equal(send(&tat, &b, t0 + 3600 * SEC_NS, 1000), 10);
	assert_int_equal(ig_rl_tokens(tat, ig_rl_time(t0 + 7200 * SEC_NS),
				      b.interval, b.tau),
			 10);
}

/*
 * Long idle gaps, up to and past where the signed difference of the
 * clock wraps (2^63 units = 417 days) and past the wrap of bucket time
 * itself (2^64 units = 834 days): the bucket is full again. Only a gap
 * within IG_RL_AHEAD_MAX (6.5 days) short of a whole wrap reads as a clock
 * that stepped back: empty at first, then refilled, never stuck.
 */
static void test_idle_gaps(void **state)
{
	static const struct {
		__u64 ns;
		int full;
	} gaps[] = {
		{ SEC_NS, 1 },
		{ 86400 * SEC_NS, 1 },
		{ 1ull << 54, 1 }, /* 208 days */
		{ (1ull << 55) - SEC_NS, 1 },
		{ (1ull << 55) + SEC_NS, 1 }, /* the difference wrapped */
		{ 3ull << 54, 1 }, /* 1.7 years */
		{ (1ull << 56) - (1ull << 50),
		  1 }, /* 13 days short of a wrap */
		{ (1ull << 56) - 86400 * SEC_NS, 0 }, /* a day short */
		{ (1ull << 56) + 86400 * SEC_NS, 1 }, /* a day past it */
	};
	struct ig_bucket_cfg b = pkts(1000, 20);
	__u64 tat, t, passed;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(gaps) / sizeof(gaps[0]); i++) {
		tat = 0;
		assert_int_equal(send(&tat, &b, 0, 100), 20);
		t = gaps[i].ns;
		passed = send(&tat, &b, t, 100);
		if (!gaps[i].full) {
			/* TAT looked ahead: pulled back to now + tau */
			assert_int_equal(passed, 0);
			passed = send(&tat, &b, t + 20 * MS_NS, 100);
		}
		assert_int_equal(passed, 20);
	}
	/* The furthest behind of all, for the eviction's choice. */
	assert_true(ig_rl_ahead(0, ig_rl_time((1ull << 55) + SEC_NS)) <
		    ig_rl_ahead(0, ig_rl_time(1ull << 55) - 1));
}

/*
 * Time going backwards never makes tokens. A small step back (CPUs read
 * the clock a little apart) costs the difference and writes nothing; a
 * step back far beyond tau empties the bucket, which refills from the new
 * time at once.
 */
static void test_time_backwards(void **state)
{
	struct ig_bucket_cfg b = pkts(1000, 10); /* 1 ms a token */
	__u64 tat = 0, t0 = 100 * SEC_NS;

	(void)state;
	assert_int_equal(send(&tat, &b, t0, 100), 10);
	/* 500 us back, then forward: nothing extra. */
	assert_int_equal(send(&tat, &b, t0 - 500 * US_NS, 100), 0);
	assert_int_equal(send(&tat, &b, t0 + 999 * US_NS, 100), 0);
	assert_int_equal(send(&tat, &b, t0 + 1 * MS_NS, 100), 1);
	/* A day back: empty now, and refilling at the rate from there. */
	assert_int_equal(send(&tat, &b, t0 - 86400 * SEC_NS, 100), 0);
	assert_int_equal(send(&tat, &b, t0 - 86400 * SEC_NS + 3 * MS_NS, 100),
			 3);
	assert_int_equal(send(&tat, &b, t0 - 86400 * SEC_NS + 100 * MS_NS, 100),
			 10);
	/* decide() alone: a clock behind TAT never admits past tau. */
	{
		__u64 nt, now = ig_rl_time(t0);
		__u64 ahead = now + b.tau;

		assert_false(ig_rl_decide(ahead, now, b.interval, b.tau, &nt));
		assert_int_equal(nt, ahead); /* nothing to write */
		/* A step of up to tau (>= 1 ms) more: wait, write nothing. */
		assert_false(ig_rl_decide(ahead + b.tau, now, b.interval, b.tau,
					  &nt));
		assert_int_equal(nt, ahead + b.tau);
		assert_false(ig_rl_decide(ahead + b.tau + 1, now, b.interval,
					  b.tau, &nt));
		assert_int_equal(nt, now + b.tau); /* pulled back */
		assert_true(ig_rl_decide(ahead - b.interval, now, b.interval,
					 b.tau, &nt));
		assert_int_equal(nt, ahead);
	}
}

/*
 * ig_rl_refuses(), the program's read-only look at a class bucket: it
 * says "empty" exactly when admit() would refuse and write nothing.
 */
static void test_refuses(void **state)
{
	struct ig_bucket_cfg b = pkts(1000, 10); /* 1 ms a token */
	__u64 tat = 0, t0 = 100 * SEC_NS, now = ig_rl_time(t0), c = b.interval;

	(void)state;
	assert_false(ig_rl_refuses(0, now, c, b.tau)); /* fresh: full */
	assert_int_equal(send(&tat, &b, t0, 9), 9);
	assert_false(ig_rl_refuses(tat, now, c, b.tau)); /* one left */
	assert_int_equal(send(&tat, &b, t0, 1), 1);
	assert_true(ig_rl_refuses(tat, now, c, b.tau)); /* empty */
	/* A token is due 1 ms later; a packet costing two is still refused. */
	assert_false(ig_rl_refuses(tat, now + ig_rl_time(MS_NS), c, b.tau));
	assert_true(ig_rl_refuses(tat, now + ig_rl_time(MS_NS), 2 * c, b.tau));
	/* A clock far behind the TAT: admit() would write, so not a refusal
	 * the look may stand for. */
	assert_false(ig_rl_refuses(now + 3 * b.tau, now, c, b.tau));
	/* A rate of 0 (tau 0) refuses everything, writing nothing. */
	assert_true(ig_rl_refuses(0, now, c, 0));
}

/* The clock in units wraps every 2^56 ns; the buckets do not notice. */
static void test_clock_wrap(void **state)
{
	struct ig_bucket_cfg b = pkts(1000, 10);
	__u64 wrap_ns = 1ull << (64 - IG_RL_SHIFT);
	__u64 t0 = wrap_ns - 5 * MS_NS, tat = ig_rl_time(t0);

	(void)state;
	assert_int_equal(send(&tat, &b, t0, 100), 10);
	/* Across the wrap: 10 ms later, 10 tokens; the units went past 0. */
	assert_true(ig_rl_time(t0 + 10 * MS_NS) < ig_rl_time(t0));
	assert_int_equal(send(&tat, &b, t0 + 10 * MS_NS, 100), 10);
	assert_int_equal(send(&tat, &b, t0 + 13 * MS_NS, 100), 3);
	/* And a flood across it holds the rate (the last token is due as
	 * the flood ends). */
	tat = ig_rl_time(wrap_ns - SEC_NS);
	assert_int_equal(flood(&tat, &b, wrap_ns - SEC_NS, 2 * SEC_NS,
			       100 * US_NS, 1),
			 2000 + 10 - 1);
}

/*
 * A flood at 10x and 1000x the rate for 10 s passes rate x time + burst,
 * within one packet; from 1/min to 100 Mpps.
 */
static void test_flood_accuracy(void **state)
{
	static const struct {
		__u64 amount, period_ns, burst, gap_ns, dur_ns;
	} c[] = {
		{ 1, 60 * SEC_NS, 5, SEC_NS, 600 * SEC_NS },
		{ 10, SEC_NS, 20, 10 * MS_NS, 10 * SEC_NS },
		{ 1000, SEC_NS, 100, 100 * US_NS, 10 * SEC_NS },
		{ 1000, SEC_NS, 100, 1 * US_NS, 10 * SEC_NS },
		{ 3, SEC_NS, 2, 33 * MS_NS, 30 * SEC_NS },
		{ 1000000, SEC_NS, 1, 100, SEC_NS },
	};
	struct ig_bucket_cfg b;
	__u64 tat, want, got;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		b = ig_rl_bucket(c[i].amount, c[i].period_ns, c[i].burst, 0);
		tat = 0;
		want = c[i].amount * c[i].dur_ns / c[i].period_ns + c[i].burst;
		got = flood(&tat, &b, 0, c[i].dur_ns, c[i].gap_ns, 1);
		if (got + 1 < want || got > want)
			fail_msg("case %zu: %llu passed, want %llu", i,
				 (unsigned long long)got,
				 (unsigned long long)want);
	}
}

/* Very high rates: the interval never rounds to 0 (which would be free). */
static void test_high_rates(void **state)
{
	struct ig_bucket_cfg b;
	__u64 tat = 0, t, passed = 0;

	(void)state;
	/* 1 Gpps is 1 ns, 256 units: exact, under 2 packets a ns. */
	b = pkts(1000000000ull, 1000);
	assert_int_equal(b.interval, 256);
	for (t = SEC_NS; t < SEC_NS + 100 * US_NS; t++)
		passed += send(&tat, &b, t, 2);
	assert_int_equal(passed, 100000 + 1000 - 1);
	/* Faster than a unit per packet: 1 unit, still a limit. */
	b = pkts(1ull << 40, 1);
	assert_int_equal(b.interval, 1);
	assert_int_equal(b.tau, 1);
	tat = 0;
	assert_int_equal(send(&tat, &b, SEC_NS, 10), 1);
	/* 1000 gbit/s: 0.008 ns a byte, in 2^-16 ns: 524. */
	b = ig_rl_bucket(1000000000000ull, SEC_NS, 65536, 1);
	assert_int_equal(b.interval, 524);
	assert_true(ig_rl_cost(&b, 1, 1500) > 0);
}

/* Fixed point at its limits: saturation instead of overflow. */
static void test_no_overflow(void **state)
{
	struct ig_bucket_cfg b;
	__u64 nt;

	(void)state;
	/* Huge burst at a slow rate: tau stops at 2^55 units (39 hours). */
	b = ig_rl_bucket(1, 60 * SEC_NS, ~0ull, 0);
	assert_int_equal(b.tau, IG_RL_TAU_MAX);
	b = ig_rl_bucket(1, SEC_NS, ~0ull, 1);
	assert_int_equal(b.tau, IG_RL_TAU_MAX);
	/* Slowest byte rate: the interval is capped, so len x it fits. */
	b = ig_rl_bucket(1, SEC_NS, 100000, 1);
	assert_int_equal(b.interval, IG_RL_INTERVAL_MAX);
	assert_int_equal(ig_rl_cost(&b, 1, 65535),
			 (65535ull * IG_RL_INTERVAL_MAX) >> 8);
	/* Periods too long to shift: saturated, not wrapped. */
	b = ig_rl_bucket(1, ~0ull >> 4, 1, 0);
	assert_int_equal(b.interval, IG_RL_INTERVAL_MAX);
	b = ig_rl_bucket(~0ull, SEC_NS, ~0ull, 0);
	assert_int_equal(b.interval, 1);
	assert_int_equal(b.tau, IG_RL_TAU_MAX);
	/* The decision with the largest values stays within tau. */
	assert_true(ig_rl_decide(0, 0, IG_RL_TAU_MAX, IG_RL_TAU_MAX, &nt));
	assert_int_equal(nt, IG_RL_TAU_MAX);
	assert_false(ig_rl_decide(nt, 0, 1, IG_RL_TAU_MAX, &nt));
	assert_false(ig_rl_decide(0, 0, ~0ull, IG_RL_TAU_MAX, &nt));
	assert_true(ig_rl_decide(~0ull, 0, 1, IG_RL_TAU_MAX, &nt));
	assert_int_equal(nt, 1); /* TAT one unit behind now was idle */
	assert_false(ig_rl_decide(0, 0, 1, 0, &nt));
	assert_int_equal(ig_rl_mul_sat(1ull << 40, 1ull << 40, ~0ull), ~0ull);
	assert_int_equal(ig_rl_mul_sat(0, ~0ull, 5), 0);
}

/* Byte buckets: a burst of B bytes passes floor(B / len) packets. */
static void test_bytes(void **state)
{
	struct ig_bucket_cfg b = ig_rl_bucket(8000000, SEC_NS, 10000, 1);
	__u64 tat = ig_rl_time(SEC_NS), now = ig_rl_time(SEC_NS);
	int i, passed = 0;

	(void)state;
	for (i = 0; i < 100; i++)
		passed +=
			ig_rl_admit(&tat, now, ig_rl_cost(&b, 1, 1500), b.tau);
	assert_int_equal(passed, 6);
	/* 1000 bytes left; at 1 MB/s the other 500 take 0.5 ms. */
	now = ig_rl_time(SEC_NS + 499 * US_NS);
	assert_false(ig_rl_admit(&tat, now, ig_rl_cost(&b, 1, 1500), b.tau));
	now = ig_rl_time(SEC_NS + 500 * US_NS);
	assert_true(ig_rl_admit(&tat, now, ig_rl_cost(&b, 1, 1500), b.tau));
	/* Empty: 100 bytes come back in 100 us, and fit a small packet. */
	assert_false(ig_rl_admit(&tat, now, ig_rl_cost(&b, 1, 100), b.tau));
	now = ig_rl_time(SEC_NS + 600 * US_NS);
	assert_false(ig_rl_admit(&tat, now, ig_rl_cost(&b, 1, 1500), b.tau));
	assert_true(ig_rl_admit(&tat, now, ig_rl_cost(&b, 1, 100), b.tau));
	/* A packet larger than the burst never passes. */
	tat = 0;
	assert_false(ig_rl_admit(&tat, ig_rl_time(100 * SEC_NS),
				 ig_rl_cost(&b, 1, 10001), b.tau));
}

/*
 * Why a short burst reads the fine clock: on a clock that moves in 4 ms
 * ticks (HZ=250), a tick's worth of tokens arrives at once, and what does
 * not fit in tau is lost. With tau at least two ticks the rate holds.
 */
static void test_coarse_clock(void **state)
{
	const __u64 tick = 4 * MS_NS, dur = 10 * SEC_NS;
	struct ig_bucket_cfg b;
	__u64 tat, got;

	(void)state;
	/* 10000/s, burst 100 (10 ms): exact on the coarse clock. */
	b = pkts(10000, 100);
	tat = 0;
	got = flood(&tat, &b, SEC_NS, dur, 10 * US_NS, tick);
	assert_true(got >= 100000 && got <= 100000 + 100);
	/* Burst 5 (0.5 ms, less than a tick): 5 a tick, 1250/s, not 10000. */
	b = pkts(10000, 5);
	tat = 0;
	got = flood(&tat, &b, SEC_NS, dur, 10 * US_NS, tick);
	assert_true(got <= 5 * (dur / tick) + 5);
	/* The same on the fine clock is exact. */
	tat = 0;
	got = flood(&tat, &b, SEC_NS, dur, 10 * US_NS, 1);
	assert_true(got >= 100000 && got <= 100000 + 5);
}

/* The compare-and-swap: threads sharing one bucket never overshoot it. */
struct hammer {
	__u64 *tat;
	const struct ig_bucket_cfg *b;
	__u64 now;
	__u64 tries;
	__u64 passed;
};

static void *hammer_run(void *arg)
{
	struct hammer *h = arg;
	__u64 i;

	for (i = 0; i < h->tries; i++)
		h->passed += ig_rl_admit(h->tat, h->now,
					 ig_rl_cost(h->b, 0, 64), h->b->tau);
	return NULL;
}

static void test_cas_threads(void **state)
{
	enum { THREADS = 4, ROUNDS = 200 };
	struct ig_bucket_cfg b = pkts(1000, 1000);
	struct hammer h[THREADS];
	pthread_t tid[THREADS];
	__u64 tat = 0, total, r;
	int i;

	(void)state;
	for (r = 0; r < ROUNDS; r++) {
		/* Each round 2 s later: a full bucket of 1000 tokens. */
		for (i = 0; i < THREADS; i++) {
			h[i] = (struct hammer){
				&tat, &b, ig_rl_time((r + 1) * 2 * SEC_NS),
				2000, 0
			};
			assert_int_equal(pthread_create(&tid[i], NULL,
							hammer_run, &h[i]),
					 0);
		}
		total = 0;
		for (i = 0; i < THREADS; i++) {
			pthread_join(tid[i], NULL);
			total += h[i].passed;
		}
		/* Never more; fewer only if a CAS lost IG_RL_CAS_TRIES times. */
		assert_true(total <= 1000);
		assert_true(total >= 900);
	}
}

static void test_mask(void **state)
{
	static const struct {
		__u32 len, plen;
		__u8 in[16], out[16];
	} c[] = {
		{ 4, 32, { 203, 0, 113, 77 }, { 203, 0, 113, 77 } },
		{ 4, 24, { 203, 0, 113, 77 }, { 203, 0, 113, 0 } },
		{ 4, 17, { 10, 255, 255, 255 }, { 10, 255, 128, 0 } },
		{ 4, 1, { 255, 1, 1, 1 }, { 128, 0, 0, 0 } },
		/* An IPv4 key never has bytes past the address. */
		{ 4, 32, { 1, 2, 3, 4, 5, 6 }, { 1, 2, 3, 4 } },
		{ 16,
		  64,
		  { 0x20, 1, 0xd, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 },
		  { 0x20, 1, 0xd, 0xb8, 1, 2, 3, 4 } },
		{ 16,
		  48,
		  { 0x20, 1, 0xd, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 },
		  { 0x20, 1, 0xd, 0xb8, 1, 2 } },
		{ 16,
		  127,
		  { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		    0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
		  { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		    0xff, 0xff, 0xff, 0xff, 0xff, 0xfe } },
		{ 16,
		  128,
		  { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 },
		  { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } },
		{ 16, 0, { 0xff, 0xff, 0xff, 0xff, 0xff }, { 0 } },
	};
	__u64 w[2];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		/* As the program loads it: the address, then zeros. */
		memset(w, 0, sizeof(w));
		memcpy(w, c[i].in, c[i].len);
		ig_rl_mask_addr(w, c[i].plen);
		if (memcmp(w, c[i].out, 16))
			fail_msg("case %zu: /%u masked wrong", i, c[i].plen);
	}
}

/*
 * The per-source table's hash: two sets of the table, never the same one,
 * and sources spread over the sets (consecutive addresses, as a spoofed flood or a
 * busy /24 sends them, and /64s that differ in one byte).
 */
static void test_source_set(void **state)
{
	enum { SETS = 1000, N = 100000 };
	static __u32 load[SETS], load2[SETS];
	__u32 i, idx[2], idx2[2], tag = ig_rl_tag(0, 8, -1, 0, 32), worst = 0;
	__u64 w[2];
	__u8 a[16];

	(void)state;
	for (i = 0; i < N; i++) {
		memset(a, 0, sizeof(a));
		a[0] = 10;
		a[1] = (__u8)(i >> 16);
		a[2] = (__u8)(i >> 8);
		a[3] = (__u8)i;
		memcpy(w, a, sizeof(w));
		ig_rl_source_sets(tag, w, SETS, idx);
		assert_true(idx[0] < SETS && idx[1] < SETS);
		assert_int_not_equal(idx[0], idx[1]);
		load[idx[0]]++;
		load2[idx[1]]++;
	}
	for (i = 0; i < SETS; i++) {
		worst = load[i] > worst ? load[i] : worst;
		worst = load2[i] > worst ? load2[i] : worst;
	}
	/* 100 a set on average; a uniform hash stays well under 2x. */
	assert_true(worst < 2 * N / SETS);
	memset(load, 0, sizeof(load));
	tag = ig_rl_tag(1, 128, -1, 0, 64);
	for (i = 0; i < N; i++) {
		memset(a, 0, sizeof(a));
		a[0] = 0x20;
		a[1] = 0x01;
		a[5] = (__u8)(i >> 16);
		a[6] = (__u8)(i >> 8);
		a[7] = (__u8)i;
		memcpy(w, a, sizeof(w));
		ig_rl_source_sets(tag, w, SETS, idx);
		load[idx[0]]++;
		load[idx[1]]++;
	}
	for (i = 0, worst = 0; i < SETS; i++)
		worst = load[i] > worst ? load[i] : worst;
	assert_true(worst < 2 * 2 * N / SETS);
	/* The class is part of the key: another tag, another set. */
	memset(w, 0, sizeof(w));
	w[0] = 0x0100000a;
	ig_rl_source_sets(ig_rl_tag(0, 8, -1, 0, 32), w, 1u << 20, idx);
	ig_rl_source_sets(ig_rl_tag(0, 0, -1, 0, 32), w, 1u << 20, idx2);
	assert_int_not_equal(idx[0], idx2[0]);
	assert_int_not_equal(idx[1], idx2[1]);
	/* Two sets the hash gives alike: the next one is the second. */
	for (i = 0; i < N; i++) {
		w[0] = i;
		ig_rl_source_sets(tag, w, 32, idx);
		assert_true(idx[0] < 32 && idx[1] < 32 && idx[0] != idx[1]);
	}
}

/*
 * Sources left without an entry of their own when n active sources are
 * placed in a table of `buckets`, one after the other, by the program's
 * rule (ig_rl_source_sets(), ig_rl_free_entry()); with one_set, in their
 * first set only, as the table did before it had two.
 */
static __u32 sources_without_room(__u32 n, __u32 buckets, int random_addrs,
				  int one_set)
{
	__u32 sets = buckets / 2, x, over = 0, idx[2];
	__u32 tag = ig_rl_tag(0, 8, -1, 0, 32), a, rnd = 12345;
	struct ig_source_set *table = calloc(sets, sizeof(*table));
	struct ig_source_slot *e;
	__u8 b[4];
	__u64 w[2];

	assert_non_null(table);
	for (x = 0; x < n; x++) {
		rnd = rnd * 1103515245u + 12345u;
		a = 0x0a400000u + (random_addrs ? (rnd >> 8) & 0x3fffff : x);
		b[0] = a >> 24;
		b[1] = a >> 16;
		b[2] = a >> 8;
		b[3] = a;
		w[0] = w[1] = 0;
		memcpy(w, b, 4);
		ig_rl_source_sets(tag, w, sets, idx);
		e = ig_rl_free_entry(&table[idx[0]],
				     &table[one_set ? idx[0] : idx[1]]);
		if (e)
			e->tag = tag;
		else
			over++;
	}
	free(table);
	return over;
}

/*
 * Two sets a source: with the default table (262,144 buckets) a source
 * lacks room only once the table is a good part full, and a quarter-full
 * table of 65,536 holds its 16,384 sources, where one set a source left
 * 4 % of them sharing (README, "Per-source buckets").
 */
static void test_source_room(void **state)
{
	int r;

	(void)state;
	for (r = 0; r < 2; r++) {
		assert_int_equal(sources_without_room(1024, 262144, r, 0), 0);
		assert_true(sources_without_room(16384, 262144, r, 0) <= 2);
		assert_true(sources_without_room(65536, 262144, r, 0) <= 40);
		assert_true(sources_without_room(16384, 65536, r, 0) <= 10);
		assert_true(sources_without_room(16384, 65536, r, 1) >= 400);
		assert_true(sources_without_room(65536, 65536, r, 0) <
			    sources_without_room(65536, 65536, r, 1) * 2 / 3);
	}
	print_message("without room, two sets / one set, in turn and at random:"
		      " 16,384 of 65,536: %u/%u %u/%u; 65,536 of 65,536:"
		      " %u/%u %u/%u; 65,536 of 262,144: %u/%u %u/%u\n",
		      sources_without_room(16384, 65536, 0, 0),
		      sources_without_room(16384, 65536, 0, 1),
		      sources_without_room(16384, 65536, 1, 0),
		      sources_without_room(16384, 65536, 1, 1),
		      sources_without_room(65536, 65536, 0, 0),
		      sources_without_room(65536, 65536, 0, 1),
		      sources_without_room(65536, 65536, 1, 0),
		      sources_without_room(65536, 65536, 1, 1),
		      sources_without_room(65536, 262144, 0, 0),
		      sources_without_room(65536, 262144, 0, 1),
		      sources_without_room(65536, 262144, 1, 0),
		      sources_without_room(65536, 262144, 1, 1));
}

/* Tags tell classes apart and survive nothing but the same rule. */
static void test_tag(void **state)
{
	(void)state;
	assert_int_not_equal(ig_rl_tag(0, 8, -1, 0, 32),
			     ig_rl_tag(1, 8, -1, 0, 32));
	assert_int_not_equal(ig_rl_tag(0, 8, -1, 0, 32),
			     ig_rl_tag(0, 8, 0, 0, 32));
	assert_int_not_equal(ig_rl_tag(0, 8, 255, 0, 32),
			     ig_rl_tag(0, 8, -1, 0, 32));
	assert_int_not_equal(ig_rl_tag(0, 8, -1, 0, 32),
			     ig_rl_tag(0, 8, -1, 0, 24));
	assert_int_not_equal(ig_rl_tag(0, 255, 255, 0, 128),
			     ig_rl_tag(1, 255, 255, 0, 128));
	assert_int_equal(ig_rl_tag(1, 255, 255, 0, 128) >> 26, 0);
	/* Times of the two clocks do not compare: a clock change is a new class. */
	assert_int_not_equal(ig_rl_tag(0, 8, -1, 0, 32),
			     ig_rl_tag(0, 8, -1, 1, 32));
}

/* An evicted bucket is handed on within its class only. */
static void test_inherit(void **state)
{
	__u32 tag = ig_rl_tag(0, 8, -1, 0, 32);

	(void)state;
	assert_int_equal(ig_rl_inherit(tag, 12345, tag), 12345);
	assert_int_equal(ig_rl_inherit(tag, ~0ull, tag), ~0ull);
	assert_int_equal(ig_rl_inherit(0, 12345, tag), 0); /* unused entry */
	assert_int_equal(ig_rl_inherit(tag ^ 1, 12345, tag), 0);
	assert_int_equal(ig_rl_inherit(tag ^ (1u << 31), 12345, tag), 0);
	assert_int_equal(ig_rl_inherit(~tag, 12345, tag), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_rate_zero),
		cmocka_unit_test(test_burst_exact),
		cmocka_unit_test(test_refill),
		cmocka_unit_test(test_idle_gaps),
		cmocka_unit_test(test_time_backwards),
		cmocka_unit_test(test_refuses),
		cmocka_unit_test(test_clock_wrap),
		cmocka_unit_test(test_flood_accuracy),
		cmocka_unit_test(test_high_rates),
		cmocka_unit_test(test_no_overflow),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_coarse_clock),
		cmocka_unit_test(test_cas_threads),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_source_set),
		cmocka_unit_test(test_source_room),
		cmocka_unit_test(test_tag),
		cmocka_unit_test(test_inherit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
