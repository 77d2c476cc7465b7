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
#include <stdio.h>
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

/*
 * Every drop audit passes has an audit reason named after it, with the
 * same typedness, adding to would_drop; no other reason does.
 */
static void test_audit_reasons(void **state)
{
	char want[64];
	__u32 r, a;

	(void)state;
	for (r = 0; r < IG_REASON_COUNT; r++) {
		a = ig_audit_reason(r);
		/* A drop that audit does not pass is one the parser made. */
		if ((ig_reasons[r].total == IG_TOTAL_DROPPED ||
		     ig_reasons[r].total == IG_TOTAL_RATE_LIMITED) &&
		    !ig_reason_auditable(r))
			assert_int_equal(r, IG_R_DROP_PING_OF_DEATH);
		if (!ig_reason_auditable(r)) {
			assert_int_equal(a, r);
			if (strncmp(ig_reasons[r].name, "audit-", 6))
				assert_int_not_equal(ig_reasons[r].total,
						     IG_TOTAL_WOULD_DROP);
			continue;
		}
		assert_true(a < IG_REASON_COUNT);
		assert_true(ig_reasons[r].total == IG_TOTAL_DROPPED ||
			    ig_reasons[r].total == IG_TOTAL_RATE_LIMITED);
		assert_int_equal(ig_reasons[a].total, IG_TOTAL_WOULD_DROP);
		assert_int_equal(ig_reasons[a].typed, ig_reasons[r].typed);
		snprintf(want, sizeof(want), "audit-%s", ig_reasons[r].name);
		assert_string_equal(ig_reasons[a].name, want);
	}
	/* What the parser cannot trust is never audited. */
	assert_false(ig_reason_auditable(IG_R_DROP_PING_OF_DEATH));
	assert_false(ig_reason_auditable(IG_R_MALFORMED_L3));
	assert_false(ig_reason_auditable(IG_R_MALFORMED_ICMP));
	assert_string_equal(ig_total_names[IG_TOTAL_WOULD_DROP], "would_drop");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reason_names),
		cmocka_unit_test(test_reason_totals),
		cmocka_unit_test(test_audit_reasons),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
