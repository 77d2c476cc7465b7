// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of user/localaddr.c without BPF: the set the controller
 * builds (one entry an address, an address beats a broadcast, a bound),
 * and what it reads of the loopback interface.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "localaddr.h"

/* The kind of addr in s, or 0. */
static uint32_t kind_of(const struct ig_local_set *s, int family,
			const char *addr)
{
	struct ig_local_key key = { .family = (uint8_t)family };
	size_t i;

	assert_int_equal(inet_pton(family == IG_FAM_V6 ? AF_INET6 : AF_INET,
				   addr, key.addr),
			 1);
	for (i = 0; i < s->n; i++)
		if (!memcmp(&s->e[i].key, &key, sizeof(key)))
			return s->e[i].value.kind;
	return 0;
}

static void add(struct ig_local_set *s, int family, const char *addr,
		uint32_t kind)
{
	uint8_t a[16] = { 0 };

	assert_int_equal(inet_pton(family == IG_FAM_V6 ? AF_INET6 : AF_INET,
				   addr, a),
			 1);
	assert_int_equal(ig_local_add(s, family, a, kind), 0);
}

static void test_add(void **state)
{
	struct ig_local_set *s = calloc(1, sizeof(*s));
	uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	uint32_t i;

	(void)state;
	assert_non_null(s);
	add(s, IG_FAM_V4, "192.0.2.255", IG_LOCAL_BROADCAST);
	add(s, IG_FAM_V4, "192.0.2.1", IG_LOCAL_ADDR);
	add(s, IG_FAM_V4, "192.0.2.1", IG_LOCAL_BROADCAST);
	add(s, IG_FAM_V6, "2001:db8::1", IG_LOCAL_ADDR);
	assert_int_equal(s->n, 3);
	assert_int_equal(kind_of(s, IG_FAM_V4, "192.0.2.1"), IG_LOCAL_ADDR);
	/* An address that is a broadcast too (a /32 peer?) is ours first. */
	add(s, IG_FAM_V4, "192.0.2.255", IG_LOCAL_ADDR);
	assert_int_equal(kind_of(s, IG_FAM_V4, "192.0.2.255"), IG_LOCAL_ADDR);
	assert_int_equal(s->n, 3);
	/* A v4 address and the v6 one with the same first bytes differ. */
	assert_int_equal(kind_of(s, IG_FAM_V6, "c000:201::"), 0);
	/* The program's map holds IG_MAX_LOCAL: so does the set. */
	for (i = s->n; i <= IG_MAX_LOCAL; i++) {
		/* A v6 address of 16 bytes, distinct for each i. */
		memcpy(a6 + 12, &i, sizeof(i));
		assert_int_equal(ig_local_add(s, IG_FAM_V6, a6, IG_LOCAL_ADDR),
				 i < IG_MAX_LOCAL ? 0 : -E2BIG);
	}
	free(s);
}

/* lo has 127.0.0.1 and, with IPv6, ::1; and an MTU. No broadcast: /8
 * has one by the mask, 127.255.255.255, which is what a smurf would use. */
static void test_read_lo(void **state)
{
	struct ig_local_set *s = calloc(1, sizeof(*s));

	(void)state;
	assert_non_null(s);
	assert_int_equal(ig_local_read("lo", s), 0);
	assert_int_equal(kind_of(s, IG_FAM_V4, "127.0.0.1"), IG_LOCAL_ADDR);
	assert_int_equal(kind_of(s, IG_FAM_V4, "127.255.255.255"),
			 IG_LOCAL_BROADCAST);
	assert_int_equal(kind_of(s, IG_FAM_V4, "127.0.0.2"), 0);
	assert_true(s->mtu >= 1280);
	assert_int_equal(ig_local_read("no-such-if0", s), -ENODEV);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_read_lo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
