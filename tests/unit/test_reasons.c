// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of user/reasons.c: the static assert there catches a missing
 * last entry; this catches a missing or repeated one anywhere else.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "reasons.h"

static void test_reason_names(void **state)
{
	const char *name;
	size_t i, j;

	(void)state;
	for (i = 0; i < IG_REASON_COUNT; i++) {
		name = ig_reasons[i].name;
		if (!name)
			fail_msg("reason %zu has no name", i);
		assert_true(name[0] != '\0');
		for (; *name; name++)
			assert_true(islower((unsigned char)*name) ||
				    isdigit((unsigned char)*name) ||
				    *name == '-');
		for (j = 0; j < i; j++)
			if (!strcmp(ig_reasons[i].name, ig_reasons[j].name))
				fail_msg("reasons %zu and %zu are both '%s'", j,
					 i, ig_reasons[i].name);
	}
}

static void test_reason_totals(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < IG_REASON_COUNT; i++)
		assert_true(ig_reasons[i].total < IG_TOTAL_COUNT);
	for (i = 0; i < IG_TOTAL_COUNT; i++)
		assert_non_null(ig_total_names[i]);
	assert_int_equal(ig_reasons[IG_R_NON_ICMP].total, IG_TOTAL_NON_ICMP);
	assert_int_equal(ig_reasons[IG_R_DROP_BLOCKLIST].total,
			 IG_TOTAL_DROPPED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reason_names),
		cmocka_unit_test(test_reason_totals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
