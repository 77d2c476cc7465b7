// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Audit mode (`mode audit`, `policy apply --audit`): every kind of drop the
 * policy decides passes, counted once under its audit reason; the same
 * policy applied again without it drops the same frame under the drop's
 * own reason. What the parser cannot trust (ping of death, malformed
 * headers) is dropped in audit mode too, and passes stay passes. Rate
 * limits: a would-drop takes no token, as a drop takes none.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define AUDIT "mode audit\n"

/*
 * One drop kind: body in audit mode passes the frame (the rest of the
 * arguments) as would-drop, then body enforcing drops it. Two tables rows,
 * in this order, so that the second is a plain apply out of audit mode.
 */
#define AUDIT_PAIR(what, body, fam, type, r, ...)                     \
	{ "audit: " what " passes as would-drop",                     \
	  AUDIT body,                                                 \
	  { __VA_ARGS__ },                                            \
	  PASS(fam, type, AUDIT_##r) },                               \
	{                                                             \
		"audit: " what " dropped again once enforcing", body, \
			{ __VA_ARGS__ }, DROP(fam, type, r)           \
	}

#define VALIDATE_PTB                                      \
	"v4 dest-unreachable/frag-needed pass validate\n" \
	"v6 packet-too-big pass validate\n"

const struct prog_case cases_audit[] = {
	AUDIT_PAIR("v4 echo-request under a drop rule",
		   "v4 echo-request drop\n", V4, 8, DROP_RULE, ECHO4),
	AUDIT_PAIR("v6 echo-request under a drop rule", "v6 128 drop\n", V6,
		   128, DROP_RULE, ECHO6),
	AUDIT_PAIR("v4 timestamp under default drop", "default drop\n", V4, 13,
		   DROP_DEFAULT, ICMP4(13, 0)),
	AUDIT_PAIR("v4 echo from a blocked prefix", "block 192.0.2.0/24\n", V4,
		   8, DROP_BLOCKLIST, ECHO4),
	AUDIT_PAIR("v6 echo from a blocked prefix", "block 2001:db8::/64\n", V6,
		   128, DROP_BLOCKLIST, ECHO6),
	AUDIT_PAIR("a non-first fragment under fragments drop",
		   "fragments drop\n", V4, 0, DROP_FRAGMENT, ECHO4,
		   .frag_offset = 185, .more_frags = true),
	AUDIT_PAIR("a neighbor-solicit with hop limit 254", "", V6, 135,
		   SPOOFED_NDP, ICMP6(135, 0), .hop_limit = 254),
	AUDIT_PAIR("a router advert from a router not allowed",
		   "ra-guard allow fe80::1\n", V6, 134, DROP_RA_GUARD,
		   ICMP6(134, 0), .src = "fe80::66"),
	AUDIT_PAIR("v4 echo to 255.255.255.255", "", V4, 8, DROP_BROADCAST_ECHO,
		   ECHO4, .dst = "255.255.255.255"),
	AUDIT_PAIR("v4 echo over its max-size",
		   "v4 echo-request pass max-size 1480\n", V4, 8, DROP_MAX_SIZE,
		   ECHO4, .l4_len = 1481),
	AUDIT_PAIR("v4 frag-needed quoting nothing", VALIDATE_PTB, V4, 3,
		   INVALID_QUOTE, ICMP4(3, 4), .mtu = 1400),
	AUDIT_PAIR("v4 frag-needed from a packet we did not send", VALIDATE_PTB,
		   V4, 3, INVALID_SOURCE, PTB4Q(1400, "192.0.2.77", REMOTE4)),
	AUDIT_PAIR("v4 frag-needed for a packet to ourselves", VALIDATE_PTB, V4,
		   3, INVALID_DEST, PTB4Q(1400, OUR4, OUR4)),
	AUDIT_PAIR("v6 packet-too-big with MTU 1279", VALIDATE_PTB, V6, 2,
		   INVALID_MTU, PTB6(1279)),
	/* No socket of the test's namespace sent this segment. */
	AUDIT_PAIR("v4 frag-needed no socket sent",
		   "v4 dest-unreachable/frag-needed pass validate socket\n", V4,
		   3, INVALID_SOCKET, PTB4Q(1400, "127.0.0.1", "127.0.0.2"),
		   .dst = "127.0.0.1", .q_sport = 1, .q_dport = 9),

	/* What audit does not touch: passes, and what cannot be trusted. */
	{ "audit: a pass rule still passes as itself",
	  AUDIT VALIDATE_PTB,
	  { PTB4(1400) },
	  PASS(V4, 3, PASS_RULE) },
	{ "audit: a type no rule names passes by default",
	  AUDIT VALIDATE_PTB,
	  { ECHO4 },
	  PASS(V4, 8, PASS_DEFAULT) },
	{ "audit: NDP with hop limit 255 passes as essential",
	  AUDIT "default drop\n",
	  { ICMP6(135, 0), .hop_limit = 255 },
	  PASS(V6, 135, PASS_ESSENTIAL) },
	{ "audit: ping of death still dropped",
	  AUDIT "fragments drop\n",
	  { ECHO4, .frag_offset = 8185, .l4_len = 36 },
	  DROP(V4, 0, DROP_PING_OF_DEATH) },
	{ "audit: v6 ping of death still dropped",
	  AUDIT "fragments drop\n",
	  { ECHO6, .n_ext = 1, .ext = { IPPROTO_FRAGMENT }, .frag_offset = 8185,
	    .l4_len = 56 },
	  DROP(V6, 0, DROP_PING_OF_DEATH) },
	{ "audit: IPv4 ihl=4 still dropped as malformed",
	  AUDIT "v4 echo-request drop\n",
	  { ECHO4, .ihl = 4 },
	  DROP(V4, 0, MALFORMED_L3) },
	{ "audit: truncated ICMP header still dropped as malformed",
	  AUDIT "v4 echo-request drop\n",
	  { ECHO4, .cut = 14 + 20 + 6 },
	  DROP(V4, 0, MALFORMED_ICMP) },
	{ "audit: UDP untouched",
	  AUDIT "default drop\n",
	  { .ethertype = ETH_P_IP, .proto = IPPROTO_UDP },
	  PASS(V4, 0, NON_ICMP) },
};

const size_t cases_audit_n = sizeof(cases_audit) / sizeof(cases_audit[0]);

#define MS 1000000ull
#define HOUR (3600ull * 1000000000ull)

/*
 * n copies of pkt at one instant: the last one's verdict, and how many
 * were counted under each of the reasons pass, r and ig_audit_reason(r)
 * (every one of the n under one of them).
 */
static int burst(const struct pkt_desc *pkt, __u32 n, __u32 r, __u64 *pass,
		 __u64 *dropped, __u64 *would)
{
	__u32 fam = pkt_family(pkt), i;
	uint8_t frame[FRAME_MAX];
	size_t len = frame_len(pkt, frame);
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = len, .repeat = n);
	__u64 d, other = 0;

	*pass = *dropped = *would = 0;
	assert_int_equal(ig_counters_read(&maps, before), 0);
	assert_int_equal(bpf_prog_test_run_opts(
				 bpf_program__fd(skel->progs.icmpgate_xdp),
				 &opts),
			 0);
	assert_int_equal(ig_counters_read(&maps, after), 0);
	for (i = 0; i < IG_COUNTER_ENTRIES; i++) {
		d = after[i].packets - before[i].packets;
		if (i == ig_counter_index(fam, pkt->type, IG_R_PASS_LIMIT))
			*pass += d;
		else if (i == ig_counter_index(fam, pkt->type, r))
			*dropped += d;
		else if (i ==
			 ig_counter_index(fam, pkt->type, ig_audit_reason(r)))
			*would += d;
		else
			other += d;
	}
	assert_int_equal(other, 0);
	assert_int_equal(*pass + *dropped + *would, n);
	return (int)opts.retval;
}

/*
 * The class bucket in audit mode: the burst passes as pass-limit, the rest
 * passes as audit-rate-limited-class and takes no token (the next token
 * comes at the rate, as when enforcing); then the same limit enforcing
 * keeps the bucket (its class is the same) and drops.
 */
static void test_audit_class_limit(void **state)
{
	static const char enforce[] = "v4 echo-request limit 10/s burst 7\n";
	static const char audit[] = AUDIT
		"v4 echo-request limit 10/s burst 7\n";
	const struct pkt_desc echo = { ECHO4 };
	__u64 pass, dropped, would;

	(void)state;
	assert_int_equal(apply_policy(audit), 0);
	clock_advance(HOUR);
	assert_int_equal(burst(&echo, 20, IG_R_RATE_LIMITED_CLASS, &pass,
			       &dropped, &would),
			 XDP_PASS);
	assert_int_equal(pass, 7);
	assert_int_equal(would, 13);
	assert_int_equal(dropped, 0);
	/* 13 would-drops took no token: one token 100 ms on, not more. */
	clock_advance(100 * MS);
	burst(&echo, 5, IG_R_RATE_LIMITED_CLASS, &pass, &dropped, &would);
	assert_int_equal(pass, 1);
	assert_int_equal(would, 4);
	/* Enforcing: the same bucket, empty, drops. */
	assert_int_equal(apply_policy(enforce), 0);
	assert_int_equal(burst(&echo, 5, IG_R_RATE_LIMITED_CLASS, &pass,
			       &dropped, &would),
			 XDP_DROP);
	assert_int_equal(pass, 0);
	assert_int_equal(dropped, 5);
	assert_int_equal(would, 0);
	/* And back to audit: the same traffic passes again. */
	assert_int_equal(apply_policy(audit), 0);
	assert_int_equal(burst(&echo, 5, IG_R_RATE_LIMITED_CLASS, &pass,
			       &dropped, &would),
			 XDP_PASS);
	assert_int_equal(would, 5);
}

/*
 * Per-source buckets in audit mode: a source over its rate passes as
 * audit-rate-limited-source, and its bucket records those packets as the
 * ones it refused (what `top` lists), as enforcing would.
 */
static void test_audit_source_limit(void **state)
{
	static const char audit[] = AUDIT
		"v4 echo-request limit per-source 10/s burst 3\n";
	struct pkt_desc echo = { ECHO4, .src = "192.0.2.44" };
	struct ig_source_entry *e = NULL;
	__u64 pass, dropped, would, refused = 0;
	size_t n, i;

	(void)state;
	assert_int_equal(apply_policy(audit), 0);
	clock_advance(HOUR);
	assert_int_equal(burst(&echo, 10, IG_R_RATE_LIMITED_SOURCE, &pass,
			       &dropped, &would),
			 XDP_PASS);
	assert_int_equal(pass, 3);
	assert_int_equal(would, 7);
	assert_int_equal(dropped, 0);
	/* Another source has its own full bucket. */
	echo.src = "192.0.2.45";
	burst(&echo, 3, IG_R_RATE_LIMITED_SOURCE, &pass, &dropped, &would);
	assert_int_equal(pass, 3);
	assert_int_equal(ig_sources_read(&maps, &e, &n), 0);
	for (i = 0; i < n; i++)
		if (e[i].key.addr[0] == 192 && e[i].key.addr[3] == 44)
			refused = e[i].val.dropped;
	free(e);
	assert_int_equal(refused, 7);
}

/* Each slot keeps its own mode: flipping back and forth is atomic. */
static void test_audit_flip(void **state)
{
	static const char enforce[] = "v4 echo-request drop\n";
	static const char audit[] = AUDIT "v4 echo-request drop\n";
	const struct pkt_desc echo = { ECHO4 };
	int k;

	(void)state;
	for (k = 0; k < 3; k++) {
		assert_int_equal(apply_policy(audit), 0);
		assert_true(ig_store_live_audit(&maps));
		assert_int_equal(one_from(echo, NULL), XDP_PASS);
		assert_int_equal(reason_of(&echo), IG_R_AUDIT_DROP_RULE);
		assert_int_equal(apply_policy(enforce), 0);
		assert_false(ig_store_live_audit(&maps));
		assert_int_equal(one_from(echo, NULL), XDP_DROP);
		assert_int_equal(reason_of(&echo), IG_R_DROP_RULE);
	}
}

const struct CMUnitTest seqs_audit[] = {
	cmocka_unit_test(test_audit_class_limit),
	cmocka_unit_test(test_audit_source_limit),
	cmocka_unit_test(test_audit_flip),
};

const size_t seqs_audit_n = sizeof(seqs_audit) / sizeof(seqs_audit[0]);
