// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of user/policy/text.c, the words that parse errors and the
 * formatter share: targets, rates and limits in their canonical form.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../include/icmpgate.h"
#include "policy/text.h"

static void test_target(void **state)
{
	char buf[NAME_MAX_LEN];

	(void)state;
	pol_target_str(buf, sizeof(buf), IG_FAM_V4, 8, IG_CODE_ANY);
	assert_string_equal(buf, "echo-request");
	pol_target_str(buf, sizeof(buf), IG_FAM_V4, 3, 4);
	assert_string_equal(buf, "dest-unreachable/frag-needed");
	pol_target_str(buf, sizeof(buf), IG_FAM_V4, 8, 5);
	assert_string_equal(buf, "echo-request/5");
	pol_target_str(buf, sizeof(buf), IG_FAM_V6, 2, IG_CODE_ANY);
	assert_string_equal(buf, "packet-too-big");
	pol_target_str(buf, sizeof(buf), IG_FAM_V4, 250, 7);
	assert_string_equal(buf, "250/7");
}

static void test_rate(void **state)
{
	struct ig_rate_spec r = { .amount = 100, .period = 1 };
	char buf[48];

	(void)state;
	pol_rate_str(buf, sizeof(buf), &r);
	assert_string_equal(buf, "100/s");
	r = (struct ig_rate_spec){ .amount = 6, .period = 60 };
	pol_rate_str(buf, sizeof(buf), &r);
	assert_string_equal(buf, "6/min");
	r = (struct ig_rate_spec){ .amount = 10000000, .period = 1, .bits = 1 };
	pol_rate_str(buf, sizeof(buf), &r);
	assert_string_equal(buf, "10mbit/s");
	r.amount = 1500000;
	pol_rate_str(buf, sizeof(buf), &r);
	assert_string_equal(buf, "1500kbit/s");
	assert_int_equal(pol_bit_unit("kbit", 4), 1000);
	assert_int_equal(pol_bit_unit("kb", 2), 0);
}

/* A burst or prefix at its default is not printed. */
static void test_limit(void **state)
{
	struct ig_rule_spec r = { .family = IG_FAM_V4, .action = IG_ACT_LIMIT };
	char buf[160];

	(void)state;
	r.limit.cls = (struct ig_rate_spec){ .amount = 100, .period = 1 };
	r.limit.cls.burst = ig_rate_default_burst(&r.limit.cls);
	pol_limit_str(buf, sizeof(buf), &r);
	assert_string_equal(buf, " 100/s");
	r.limit.cls.burst = 50;
	r.limit.src = (struct ig_rate_spec){ .amount = 10, .period = 1 };
	r.limit.src.burst = ig_rate_default_burst(&r.limit.src);
	r.limit.prefix_len = 24;
	pol_limit_str(buf, sizeof(buf), &r);
	assert_string_equal(buf, " 100/s burst 50 per-source 10/s prefix /24");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_target),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
