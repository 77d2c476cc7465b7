// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Rate limiting on the fake clock: a full bucket passes (the table), and
 * sequences of many packets that check what passed, what each bucket
 * dropped, and the per-source table.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "ratelimit_math.h"

#include "harness.h"

static const char LIMITS_OK[] = "v4 echo-request limit 10/s\n"
				"v6 echo-request limit per-source 10/s\n"
				"v4 dest-unreachable limit per-source 1/s\n"
				"v4 dest-unreachable/port-unreachable drop\n";

const struct prog_case cases_ratelimit[] = {
	/* Limits: a full bucket passes (the sequences below do the rest). */
	{ "limit: v4 class bucket passes",
	  LIMITS_OK,
	  { ECHO4 },
	  PASS(V4, 8, PASS_LIMIT) },
	{ "limit: v6 per-source bucket passes",
	  LIMITS_OK,
	  { ECHO6 },
	  PASS(V6, 128, PASS_LIMIT) },
	{ "limit: type-wide limit covers frag-needed",
	  LIMITS_OK,
	  { ICMP4(3, 4) },
	  PASS(V4, 3, PASS_LIMIT) },
	{ "limit: code rule beats type limit",
	  LIMITS_OK,
	  { ICMP4(3, 3) },
	  DROP(V4, 3, DROP_RULE) },
	{ "limit: other types untouched",
	  LIMITS_OK,
	  { ICMP4(0, 0) },
	  PASS(V4, 0, PASS_DEFAULT) },
	{ "limit: VLAN-tagged echo limited",
	  LIMITS_OK,
	  { .vlan = { ETH_P_8021Q }, ECHO4 },
	  PASS(V4, 8, PASS_LIMIT) },
	{ "limit: IPv6 echo behind ext headers limited",
	  LIMITS_OK,
	  { ECHO6, .n_ext = 2, .ext = { IPPROTO_HOPOPTS, IPPROTO_DSTOPTS } },
	  PASS(V6, 128, PASS_LIMIT) },
	{ "limit: allowlist bypasses the limit",
	  "v4 echo-request limit 10/s\nallow 192.0.2.0/24\n",
	  { ECHO4 },
	  PASS(V4, 8, PASS_ALLOWLIST) },
	{ "limit: blocklist before the limit",
	  "v4 echo-request limit 10/s\nblock 192.0.2.0/24\n",
	  { ECHO4 },
	  DROP(V4, 8, DROP_BLOCKLIST) },
	{ "limit: truncated ICMP never reaches a bucket",
	  LIMITS_OK,
	  { ECHO4, .cut = 14 + 20 + 6 },
	  DROP(V4, 0, MALFORMED_ICMP) },
	{ "limit: UDP untouched",
	  LIMITS_OK,
	  { .ethertype = ETH_P_IP, .proto = IPPROTO_UDP },
	  PASS(V4, 0, NON_ICMP) },
};

const size_t cases_ratelimit_n =
	sizeof(cases_ratelimit) / sizeof(cases_ratelimit[0]);

#define MS 1000000ull
#define HOUR (3600ull * 1000000000ull)

/* What a sequence did to the counters of one (family, type). */
struct tally {
	__u64 pass, cls, src, other;
};

static void tally_delta(const struct pkt_desc *pkt, struct tally *t)
{
	__u32 fam = pkt_family(pkt), r;
	__u64 d;

	memset(t, 0, sizeof(*t));
	assert_int_equal(ig_counters_read(&maps, after), 0);
	for (r = 0; r < IG_REASON_COUNT; r++) {
		__u32 i = ig_counter_index(fam, pkt->type, r);

		d = after[i].packets - before[i].packets;
		if (r == IG_R_PASS_LIMIT)
			t->pass += d;
		else if (r == IG_R_RATE_LIMITED_CLASS)
			t->cls += d;
		else if (r == IG_R_RATE_LIMITED_SOURCE)
			t->src += d;
		else
			t->other += d;
	}
}

/* n copies of one packet at the same instant (the fake clock stands). */
static void burst(const struct pkt_desc *pkt, __u32 n, struct tally *t)
{
	uint8_t frame[FRAME_MAX];
	size_t len = frame_len(pkt, frame);
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = len, .repeat = n);

	assert_int_equal(ig_counters_read(&maps, before), 0);
	assert_int_equal(bpf_prog_test_run_opts(
				 bpf_program__fd(skel->progs.icmpgate_xdp),
				 &opts),
			 0);
	tally_delta(pkt, t);
	assert_int_equal(t->pass + t->cls + t->src, n);
	assert_int_equal(t->other, 0);
}

static void expect_tally(const struct tally *t, __u64 pass, __u64 cls,
			 __u64 src)
{
	if (t->pass != pass || t->cls != cls || t->src != src)
		fail_msg("passed %llu, class-limited %llu, source-limited %llu;"
			 " want %llu, %llu, %llu",
			 (unsigned long long)t->pass,
			 (unsigned long long)t->cls, (unsigned long long)t->src,
			 (unsigned long long)pass, (unsigned long long)cls,
			 (unsigned long long)src);
}

/* The per-source bucket of src for tag, from the table as `top` reads it. */
static bool source_bucket(__u32 tag, const char *src,
			  struct ig_source_bucket *out)
{
	struct ig_source_entry *e = NULL;
	struct ig_source_key key = { .tag = tag };
	bool found = false;
	size_t n, i;

	assert_int_equal(inet_pton(strchr(src, ':') ? AF_INET6 : AF_INET, src,
				   key.addr),
			 1);
	assert_int_equal(ig_sources_read(&maps, &e, &n), 0);
	for (i = 0; i < n && !found; i++) {
		if (memcmp(&e[i].key, &key, sizeof(key)))
			continue;
		*out = e[i].val;
		found = true;
	}
	free(e);
	return found;
}

/* A burst passes exactly `burst` packets, then refills at the rate. */
static void test_limit_burst_refill(void **state)
{
	const struct pkt_desc echo = { ECHO4 };
	struct tally t;

	(void)state;
	assert_int_equal(apply_policy("v4 echo-request limit 10/s burst 7\n"),
			 0);
	clock_advance(HOUR);
	burst(&echo, 20, &t);
	expect_tally(&t, 7, 13, 0);
	burst(&echo, 5, &t);
	expect_tally(&t, 0, 5, 0);
	/* 100 ms a token: not at 99 ms, at 100 ms. */
	clock_advance(99 * MS);
	burst(&echo, 5, &t);
	expect_tally(&t, 0, 5, 0);
	clock_advance(1 * MS);
	burst(&echo, 5, &t);
	expect_tally(&t, 1, 4, 0);
	clock_advance(350 * MS);
	burst(&echo, 10, &t);
	expect_tally(&t, 3, 7, 0);
	/* Time going back makes no tokens, nor does coming back to now. */
	clock_set(fake_now - 500 * MS);
	burst(&echo, 5, &t);
	expect_tally(&t, 0, 5, 0);
	clock_advance(500 * MS);
	burst(&echo, 5, &t);
	expect_tally(&t, 0, 5, 0);
	clock_advance(50 * MS); /* the 50 ms left of the last interval */
	burst(&echo, 5, &t);
	expect_tally(&t, 1, 4, 0);
	/* A long idle time is worth a burst, not more. */
	clock_advance(HOUR);
	burst(&echo, 100, &t);
	expect_tally(&t, 7, 93, 0);
}

/*
 * The source's bucket comes first: an abuser is stopped there and leaves
 * the class to the others.
 */
static void test_limit_source_first(void **state)
{
	const struct pkt_desc a = { ECHO4, .src = "198.18.1.1" };
	const struct pkt_desc b = { ECHO4, .src = "198.18.1.2" };
	const struct pkt_desc c = { ECHO4, .src = "198.18.1.3" };
	const struct pkt_desc d = { ECHO4, .src = "198.18.1.4" };
	struct ig_source_bucket sb;
	__u32 tag = ig_rl_tag(V4, 8, IG_CODE_ANY, 0, 32);
	struct tally t;

	(void)state;
	assert_int_equal(apply_policy("v4 echo-request limit 100/s burst 10 "
				      "per-source 10/s burst 3\n"),
			 0);
	clock_advance(HOUR);
	burst(&a, 20, &t);
	expect_tally(&t, 3, 0, 17);
	burst(&b, 3, &t);
	expect_tally(&t, 3, 0, 0);
	burst(&c, 3, &t);
	expect_tally(&t, 3, 0, 0);
	/* a is still held at its own bucket: the class keeps its token. */
	burst(&a, 1, &t);
	expect_tally(&t, 0, 0, 1);
	/* One token left in the class: d gets it, the class drops the rest. */
	burst(&d, 3, &t);
	expect_tally(&t, 1, 2, 0);
	/* An empty class drops a's packet before its own bucket is asked. */
	burst(&a, 1, &t);
	expect_tally(&t, 0, 1, 0);
	/*
	 * What `top` reads: passed and dropped of each source's packets.
	 * The class's drops once it was empty never reached the buckets.
	 */
	assert_true(source_bucket(tag, "198.18.1.1", &sb));
	assert_int_equal(sb.passed, 3);
	assert_int_equal(sb.dropped, 18);
	assert_true(source_bucket(tag, "198.18.1.4", &sb));
	assert_int_equal(sb.passed, 1);
	assert_int_equal(sb.dropped, 0);
	assert_false(source_bucket(tag, "198.18.1.5", &sb));
}

/* Entries of the per-source table that belong to the class of tag. */
static size_t class_entries(__u32 tag)
{
	struct ig_source_entry *e = NULL;
	size_t i, n, found = 0;

	assert_int_equal(ig_sources_read(&maps, &e, &n), 0);
	assert_true(n <= SOURCES_MAX);
	for (i = 0; i < n; i++)
		found += e[i].key.tag == tag;
	free(e);
	return found;
}

/*
 * A spoofed flood, a new source every packet, many times the table's
 * size: the class holds its rate exactly, and the table its bound. Only
 * the packets that find a token in the class reach the table (an empty
 * class drops the rest first): one entry for each source that passed,
 * but for the few that share a set with two others.
 */
static void test_limit_spoofed(void **state)
{
	const struct pkt_desc echo = { ECHO4 };
	__u32 tag = ig_rl_tag(V4, 8, IG_CODE_ANY, 0, 32);
	__u32 i, k, verdict, passed = 0;
	size_t earlier, mine;
	char src[INET_ADDRSTRLEN];
	struct tally t;

	(void)state;
	assert_int_equal(apply_policy("v4 echo-request limit 50/s burst 50 "
				      "per-source 10/s burst 10\n"),
			 0);
	clock_advance(HOUR);
	assert_int_equal(ig_counters_read(&maps, before), 0);
	earlier = class_entries(tag); /* earlier tests' sources */
	/* 2 s, 5 packets a ms, each from a source never seen: 5000/s. */
	for (i = 0; i < 2000; i++) {
		clock_advance(MS);
		for (k = 0; k < 5; k++) {
			snprintf(src, sizeof(src), "10.%u.%u.%u",
				 (i * 5 + k) >> 16, ((i * 5 + k) >> 8) & 0xff,
				 (i * 5 + k) & 0xff);
			verdict = one_from(echo, src);
			passed += verdict == XDP_PASS;
		}
	}
	tally_delta(&echo, &t);
	/* The burst, then 50/s for 2 s; the last token may be due at the end. */
	assert_true(t.pass >= 50 + 100 - 1 && t.pass <= 50 + 100);
	assert_int_equal(t.pass, passed);
	assert_int_equal(t.src, 0);
	assert_int_equal(t.pass + t.cls, 10000);
	mine = class_entries(tag) - earlier;
	assert_true(mine <= t.pass);
	assert_true(mine >= t.pass * 9 / 10);
}

/*
 * n v4 addresses from `first` on that the per-source table puts in the
 * same two sets for class tag, as text in src[], and set as the frames'
 * sources.
 */
static void same_sets_sources(__u32 tag, __u32 first, struct pkt_desc *pkt,
			      char (*src)[INET_ADDRSTRLEN], __u32 n)
{
	__u32 a, idx[2], sets[2] = { 0, 0 }, found = 0;
	__u64 w[2];

	for (a = first; found < n; a++) {
		__be32 be = htonl(a);

		w[0] = w[1] = 0;
		memcpy(w, &be, 4);
		ig_rl_source_sets(tag, w, SOURCES_MAX / 2, idx);
		if (found && !(idx[0] == sets[0] && idx[1] == sets[1]) &&
		    !(idx[0] == sets[1] && idx[1] == sets[0]))
			continue;
		sets[0] = idx[0];
		sets[1] = idx[1];
		inet_ntop(AF_INET, &be, src[found], INET_ADDRSTRLEN);
		pkt[found].src = src[found];
		found++;
	}
}

/*
 * Five sources of a class whose two sets have room for four: they keep
 * evicting each other, and each takes over the bucket it evicts, so
 * together they get the four buckets' bursts and no more. (Each used to
 * come back with a full bucket: a thrashing set passed its sources'
 * flood.)
 */
static void test_limit_set_thrash(void **state)
{
	__u32 tag = ig_rl_tag(V4, 8, IG_CODE_ANY, 0, 32), i, n;
	struct pkt_desc pkt[5] = {
		{ ECHO4 }, { ECHO4 }, { ECHO4 }, { ECHO4 }, { ECHO4 }
	};
	static char src[5][INET_ADDRSTRLEN];
	struct tally t;
	__u32 passed = 0;

	(void)state;
	same_sets_sources(tag, 0x0a4d0001, pkt, src, 5);
	assert_int_equal(apply_policy("v4 echo-request limit per-source 10/s "
				      "burst 3\n"),
			 0);
	sources_clear();
	clock_advance(HOUR);
	for (i = 0; i < 10; i++) {
		for (n = 0; n < 5; n++) {
			burst(&pkt[n], 3, &t);
			passed += t.pass;
		}
	}
	assert_int_equal(passed, 12);
	/* A second later, 10 tokens more in each bucket, which holds 3. */
	clock_advance(1000 * MS);
	passed = 0;
	for (n = 0; n < 5; n++) {
		burst(&pkt[n], 10, &t);
		passed += t.pass;
	}
	assert_true(passed >= 6 && passed <= 12);
}

/*
 * A bucket idle for longer than half the wrap of bucket time (2^63 units,
 * 417 days) is idle, not one whose clock stepped back: it passes its
 * source's burst at once, and it is the one a new source of its sets
 * evicts, not a live bucket beside it (ig_rl_ahead()).
 */
static void test_limit_long_idle(void **state)
{
	__u32 tag = ig_rl_tag(V4, 8, IG_CODE_ANY, 0, 32), n;
	struct pkt_desc pkt[5] = {
		{ ECHO4 }, { ECHO4 }, { ECHO4 }, { ECHO4 }, { ECHO4 }
	};
	static char src[5][INET_ADDRSTRLEN];
	const __u64 idle = 500 * 24 * HOUR;
	struct tally t;

	(void)state;
	same_sets_sources(tag, 0x0a4e0001, pkt, src, 5);
	assert_int_equal(apply_policy("v4 echo-request limit per-source 10/s "
				      "burst 3\n"),
			 0);
	sources_clear();
	clock_advance(HOUR);
	/* Its own bucket, back after 500 days: full. */
	burst(&pkt[0], 3, &t);
	expect_tally(&t, 3, 0, 0);
	clock_advance(idle);
	burst(&pkt[0], 3, &t);
	expect_tally(&t, 3, 0, 0);
	/* pkt[0]'s bucket left idle again; three more take the free entries. */
	clock_advance(idle);
	for (n = 1; n < 4; n++) {
		burst(&pkt[n], 3, &t);
		expect_tally(&t, 3, 0, 0);
	}
	/* pkt[4] evicts the idle bucket, and the three keep theirs, empty. */
	burst(&pkt[4], 3, &t);
	expect_tally(&t, 3, 0, 0);
	for (n = 1; n < 4; n++) {
		burst(&pkt[n], 1, &t);
		expect_tally(&t, 0, 0, 1);
	}
}

/*
 * A policy change carries a class's bucket over (it is no fresh burst for
 * a flood), gives a new class a full one, and a shorter burst empties it.
 */
static void test_limit_policy_change(void **state)
{
	static const char a[] = "v4 echo-request limit 10/s burst 5\n";
	static const char b[] = "v4 echo-request limit 10/s burst 5\n"
				"v4 timestamp-request drop\n";
	static const char c[] = "v4 echo-request limit 10/s burst 5\n"
				"v4 echo-reply limit 10/s burst 5\n";
	static const char d[] = "v4 echo-request limit 20/s burst 2\n"
				"v4 echo-reply limit 10/s burst 5\n";
	const struct pkt_desc echo = { ECHO4 }, reply = { ICMP4(0, 0) };
	struct tally t;

	(void)state;
	assert_int_equal(apply_policy(a), 0);
	clock_advance(HOUR);
	burst(&echo, 10, &t);
	expect_tally(&t, 5, 5, 0);
	assert_int_equal(apply_policy(b), 0);
	burst(&echo, 10, &t);
	expect_tally(&t, 0, 10, 0);
	assert_int_equal(apply_policy(c), 0);
	burst(&echo, 10, &t);
	expect_tally(&t, 0, 10, 0);
	burst(&reply, 10, &t);
	expect_tally(&t, 5, 5, 0);
	/* 500 ms of debt, and a burst of 100 ms now: empty, refill at once. */
	assert_int_equal(apply_policy(d), 0);
	burst(&echo, 10, &t);
	expect_tally(&t, 0, 10, 0);
	clock_advance(50 * MS);
	burst(&echo, 10, &t);
	expect_tally(&t, 1, 9, 0);
	/* The other class kept its state through both changes. */
	burst(&reply, 10, &t);
	expect_tally(&t, 0, 10, 0);
}

/*
 * Under a per-source limit with burst 2: `first` gets its burst, `same`
 * (in first's prefix) finds the bucket empty, `other` has its own.
 */
static void expect_prefix(struct pkt_desc pkt, const char *first,
			  const char *same, const char *other)
{
	static const __u64 want[3][3] = { { 2, 0, 1 },
					  { 0, 0, 3 },
					  { 2, 0, 1 } };
	const char *src[3] = { first, same, other };
	struct tally t;
	int i;

	for (i = 0; i < 3; i++) {
		pkt.src = src[i];
		burst(&pkt, 3, &t);
		expect_tally(&t, want[i][0], want[i][1], want[i][2]);
	}
}

/* IPv6 sources by /64 (the default), or the prefix the rule gives. */
static void test_limit_v6_prefix(void **state)
{
	const struct pkt_desc echo = { ECHO6 };

	(void)state;
	assert_int_equal(apply_policy("v6 echo-request limit per-source 10/s "
				      "burst 2\n"),
			 0);
	clock_advance(HOUR);
	/* The same /64, then the next. */
	expect_prefix(echo, "2001:db8:1::1", "2001:db8:1::ffff:1",
		      "2001:db8:1:1::1");
	assert_int_equal(apply_policy("v6 echo-request limit per-source 10/s "
				      "burst 2 prefix /48\n"),
			 0);
	expect_prefix(echo, "2001:db8:1:2::1", "2001:db8:1:3::1",
		      "2001:db8:2::1");
}

/* Prefixes shorter than an IPv4 address, and longer than a /64. */
static void test_limit_prefix_lengths(void **state)
{
	const struct pkt_desc echo4 = { ECHO4 }, echo6 = { ECHO6 };

	(void)state;
	assert_int_equal(apply_policy("v4 echo-request limit per-source 10/s "
				      "burst 2 prefix /24\n"
				      "v6 echo-request limit per-source 10/s "
				      "burst 2 prefix /80\n"),
			 0);
	clock_advance(HOUR);
	expect_prefix(echo4, "198.18.1.1", "198.18.1.200", "198.18.2.1");
	/* The last differs from the first two in bits 64-79 only. */
	expect_prefix(echo6, "2001:db8:1:0:1::1", "2001:db8:1:0:1:ffff::1",
		      "2001:db8:1:0:2::1");
}

/* A bit rate counts the frame's bytes: a burst of B bytes, B / len. */
static void test_limit_bytes(void **state)
{
	const struct pkt_desc echo = { ECHO4, .l4_len = 1000 };
	uint8_t frame[FRAME_MAX];
	size_t len = frame_len(&echo, frame);
	struct tally t;

	(void)state;
	assert_int_equal(apply_policy("v4 echo-request limit 8mbit/s "
				      "burst 10000\n"),
			 0);
	clock_advance(HOUR);
	burst(&echo, 100, &t);
	expect_tally(&t, 10000 / len, 100 - 10000 / len, 0);
	/* 1 MB/s, a byte a us: the bytes a frame lacks come back in time. */
	clock_advance((len - 10000 % len) * 1000 - 1);
	burst(&echo, 1, &t);
	expect_tally(&t, 0, 1, 0);
	clock_advance(1);
	burst(&echo, 2, &t);
	expect_tally(&t, 1, 1, 0);
	clock_advance(len * 1000);
	burst(&echo, 2, &t);
	expect_tally(&t, 1, 1, 0);
}

const struct CMUnitTest seqs_ratelimit[] = {
	cmocka_unit_test(test_limit_burst_refill),
	cmocka_unit_test(test_limit_source_first),
	cmocka_unit_test(test_limit_spoofed),
	cmocka_unit_test(test_limit_set_thrash),
	cmocka_unit_test(test_limit_long_idle),
	cmocka_unit_test(test_limit_policy_change),
	cmocka_unit_test(test_limit_v6_prefix),
	cmocka_unit_test(test_limit_prefix_lengths),
	cmocka_unit_test(test_limit_bytes),
};

const size_t seqs_ratelimit_n =
	sizeof(seqs_ratelimit) / sizeof(seqs_ratelimit[0]);
