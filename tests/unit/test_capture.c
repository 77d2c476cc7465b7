// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of the pure parts of capture: the command line's filter as
 * the program's configuration (user/capture_filter.c) and the summary
 * line of a packet (user/capture_out.c). The program's decision is the
 * prog tier's, the sockets and the pcap the e2e tier's.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <linux/bpf.h>

#include "../include/icmpgate.h"
#include "capture.h"
#include "reasons.h"

static int compile(struct ig_capture_spec spec, struct ig_capture *cfg)
{
	char err[256] = "";
	int rc = ig_capture_compile(&spec, cfg, err, sizeof(err));

	assert_true(rc ? err[0] != '\0' : err[0] == '\0');
	return rc;
}

static bool has_type(const struct ig_capture *c, int fam, int t)
{
	return c->types[fam][t / 64] >> (t % 64) & 1;
}

/* By default: every reason whose verdict is a drop, every type. */
static void test_defaults(void **state)
{
	struct ig_capture c;
	unsigned r;

	(void)state;
	assert_int_equal(compile((struct ig_capture_spec){ 0 }, &c), 0);
	for (r = 0; r < IG_REASON_COUNT; r++) {
		bool drop = ig_reasons[r].total != IG_TOTAL_PASSED &&
			    ig_reasons[r].total != IG_TOTAL_NON_ICMP;
		assert_int_equal(!!(c.reasons >> r & 1), drop);
	}
	assert_true(has_type(&c, IG_FAM_V4, 0) && has_type(&c, IG_FAM_V6, 255));
	assert_int_equal(c.sample, 0);
	assert_int_equal(c.lease, 0);
	/* 1000/s in bursts of 100. */
	assert_int_equal(c.interval, 1000000);
	assert_int_equal(c.tau, 99 * 1000000ull);
	assert_int_equal(c.snaplen, IG_CAPTURE_SNAP_MAX);
}

static void test_passed_and_reasons(void **state)
{
	struct ig_capture c;

	(void)state;
	assert_int_equal(
		compile((struct ig_capture_spec){ .passed = true }, &c), 0);
	assert_true(c.reasons >> IG_R_PASS_RULE & 1);
	assert_true(c.reasons >> IG_R_DROP_RULE & 1);
	/* Traffic that is not ICMP only when named. */
	assert_false(c.reasons >> IG_R_NON_ICMP & 1);
	assert_int_equal(compile(
				 (struct ig_capture_spec){
					 .reasons = "drop-rule,invalid-mtu" },
				 &c),
			 0);
	assert_int_equal(c.reasons,
			 1ull << IG_R_DROP_RULE | 1ull << IG_R_INVALID_MTU);
	assert_int_equal(
		compile((struct ig_capture_spec){ .reasons = "non-icmp" }, &c),
		0);
	assert_int_equal(c.reasons, 1ull << IG_R_NON_ICMP);
	assert_int_equal(compile((struct ig_capture_spec){ .reasons = "bogus" },
				 &c),
			 -EINVAL);
	assert_int_equal(
		compile((struct ig_capture_spec){ .reasons = "drop-rule," },
			&c),
		-EINVAL);
	assert_int_equal(compile((struct ig_capture_spec){ .reasons = "" }, &c),
			 -EINVAL);
}

static void test_types(void **state)
{
	struct ig_capture c;

	(void)state;
	/* A name without a family: each family's type of that name. */
	assert_int_equal(
		compile((struct ig_capture_spec){ .types = "echo-request" },
			&c),
		0);
	assert_true(has_type(&c, IG_FAM_V4, 8) && has_type(&c, IG_FAM_V6, 128));
	assert_false(has_type(&c, IG_FAM_V4, 128) ||
		     has_type(&c, IG_FAM_V6, 8));
	/* Reasons that carry no type cannot match a type. */
	assert_false(c.reasons >> IG_R_MALFORMED_ICMP & 1);
	assert_false(c.reasons >> IG_R_DROP_FRAGMENT & 1);
	assert_true(c.reasons >> IG_R_DROP_RULE & 1);
	assert_int_equal(compile(
				 (struct ig_capture_spec){
					 .types = "v6:packet-too-big,v4:13" },
				 &c),
			 0);
	assert_true(has_type(&c, IG_FAM_V6, 2) && has_type(&c, IG_FAM_V4, 13));
	assert_false(has_type(&c, IG_FAM_V4, 2) || has_type(&c, IG_FAM_V6, 13));
	assert_int_equal(
		compile((struct ig_capture_spec){ .types = "v5:echo-request" },
			&c),
		-EINVAL);
	assert_int_equal(compile((struct ig_capture_spec){ .types = "v4:256" },
				 &c),
			 -EINVAL);
	assert_int_equal(
		compile((struct ig_capture_spec){ .types = "v4:packet-too-big" },
			&c),
		-EINVAL);
	/* Only untyped reasons asked for, and a type: nothing could match. */
	assert_int_equal(
		compile((struct ig_capture_spec){ .reasons = "malformed-icmp",
						  .types = "echo-request" },
			&c),
		-EINVAL);
}

static bool wants(const struct ig_capture *c, int cfam, int type, int r)
{
	__u32 i = ig_counter_index(cfam, type, r);

	return c->want[i / 64] >> (i % 64) & 1;
}

/* The bits the program tests: reasons and types over every index. */
static void test_want(void **state)
{
	int tr4 = ig_counter_family(IG_FAM_V4, IG_SIDE_TRANSIT);
	struct ig_capture c;

	(void)state;
	assert_int_equal(
		compile((struct ig_capture_spec){ .types = "v4:echo-request" },
			&c),
		0);
	assert_true(wants(&c, IG_FAM_V4, 8, IG_R_DROP_RULE));
	assert_true(wants(&c, tr4, 8, IG_R_RATE_LIMITED_SOURCE));
	assert_false(wants(&c, IG_FAM_V4, 8, IG_R_PASS_RULE));
	assert_false(wants(&c, IG_FAM_V4, 0, IG_R_DROP_RULE));
	assert_false(wants(&c, IG_FAM_V6, 128, IG_R_DROP_RULE));
	assert_false(wants(&c, IG_FAM_V6, 8, IG_R_DROP_RULE));
	assert_false(wants(&c, IG_FAM_V4, 0, IG_R_MALFORMED_ICMP));
	/* Without --type: a reason without a type, under type 0 only. */
	assert_int_equal(compile((struct ig_capture_spec){ 0 }, &c), 0);
	assert_true(wants(&c, IG_FAM_V4, 0, IG_R_MALFORMED_ICMP));
	assert_true(wants(&c, IG_FAM_OTHER, 0, IG_R_MALFORMED_L3));
	assert_false(wants(&c, IG_FAM_V4, 3, IG_R_MALFORMED_ICMP));
	assert_true(wants(&c, IG_FAM_V6, 200, IG_R_DROP_DEFAULT));
	assert_false(wants(&c, IG_FAM_OTHER, 0, IG_R_NON_ICMP));
	assert_false(wants(&c, IG_FAM_V6, 128, IG_R_PASS_RULE));
	/* --reason non-icmp: traffic that is not ICMP, of any family. */
	assert_int_equal(
		compile((struct ig_capture_spec){ .reasons = "non-icmp" }, &c),
		0);
	assert_true(wants(&c, IG_FAM_OTHER, 0, IG_R_NON_ICMP));
	assert_true(wants(&c, IG_FAM_V4, 0, IG_R_NON_ICMP));
}

static void test_sample_rate_snaplen(void **state)
{
	struct ig_capture c;

	(void)state;
	assert_int_equal(
		compile((struct ig_capture_spec){ .sample = "1/1000" }, &c), 0);
	assert_int_equal(c.sample, 1000);
	assert_int_equal(compile((struct ig_capture_spec){ .sample = "7" }, &c),
			 0);
	assert_int_equal(c.sample, 7);
	assert_int_equal(compile((struct ig_capture_spec){ .sample = "1/0" },
				 &c),
			 -EINVAL);
	assert_int_equal(compile((struct ig_capture_spec){ .sample = "2/3" },
				 &c),
			 -EINVAL);
	assert_int_equal(compile((struct ig_capture_spec){ .sample = "1/-1" },
				 &c),
			 -EINVAL);
	/* 5/s: one token, no burst beyond it. */
	assert_int_equal(compile((struct ig_capture_spec){ .rate = 5 }, &c), 0);
	assert_int_equal(c.interval, 200000000);
	assert_int_equal(c.tau, 0);
	assert_int_equal(compile((struct ig_capture_spec){ .snaplen = 96 }, &c),
			 0);
	assert_int_equal(c.snaplen, 96);
}

static void test_line(void **state)
{
	uint8_t f[14 + 20 + 8] = { 0 };
	struct ig_captured p = { 0 };
	char line[256];

	(void)state;
	f[12] = 0x08; /* IPv4 */
	f[14] = 0x45;
	f[14 + 9] = 1;
	inet_pton(AF_INET, "192.0.2.1", f + 14 + 12);
	inet_pton(AF_INET, "198.51.100.1", f + 14 + 16);
	f[34] = 3; /* dest-unreachable */
	f[35] = 4; /* frag-needed */
	p.data = f;
	p.caplen = sizeof(f);
	p.len = 1500;
	p.has_outcome = true;
	p.outcome = ig_counter_index(IG_FAM_V4, 3, IG_R_INVALID_MTU) << 2 |
		    XDP_DROP;
	ig_capture_line(&p, line, sizeof(line));
	assert_non_null(strstr(line, " invalid-mtu v4 dest-unreachable 3/4 "
				     "192.0.2.1 > 198.51.100.1, 1500 bytes"));
	/* Judged as transit. */
	p.outcome =
		ig_counter_index(ig_counter_family(IG_FAM_V4, IG_SIDE_TRANSIT),
				 3, IG_R_DROP_RULE)
			<< 2 |
		XDP_DROP;
	ig_capture_line(&p, line, sizeof(line));
	assert_non_null(strstr(line, " drop-rule v4 transit dest-unreachable"));
	/* A reason without a type says no type. */
	p.outcome = ig_counter_index(IG_FAM_V4, 0, IG_R_MALFORMED_L3) << 2 |
		    XDP_DROP;
	ig_capture_line(&p, line, sizeof(line));
	assert_non_null(strstr(line, " malformed-l3 v4 192.0.2.1 > "));
	/* Cut short: no addresses to show, and nothing read past the end. */
	p.caplen = 20;
	ig_capture_line(&p, line, sizeof(line));
	assert_non_null(strstr(line, " ? > ?, 1500 bytes"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_passed_and_reasons),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_want),
		cmocka_unit_test(test_sample_rate_snaplen),
		cmocka_unit_test(test_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
