// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of user/top.c: the rule and source a bucket's key names, the
 * ranking by drops, the rates between two reads (buckets made or evicted
 * in between included), and the JSON.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "ratelimit_math.h"
#include "top.h"

static struct ig_source_entry entry(int family, int type, int code,
				    unsigned plen, const char *addr,
				    uint64_t passed, uint64_t dropped)
{
	struct ig_source_entry e;

	memset(&e, 0, sizeof(e));
	e.key.tag = ig_rl_tag(family, type, code, 0, plen);
	assert_int_equal(inet_pton(family == IG_FAM_V6 ? AF_INET6 : AF_INET,
				   addr, e.key.addr),
			 1);
	e.val.passed = passed;
	e.val.dropped = dropped;
	return e;
}

static void test_decode(void **state)
{
	struct ig_source_entry e;
	int family, type, code;
	char buf[64];
	unsigned plen;

	(void)state;
	e = entry(IG_FAM_V4, 3, 4, 24, "203.0.113.0", 0, 0);
	ig_top_decode(&e.key, &family, &type, &code, &plen);
	assert_int_equal(family, IG_FAM_V4);
	assert_int_equal(type, 3);
	assert_int_equal(code, 4);
	assert_int_equal(plen, 24);
	ig_top_source_str(&e.key, buf, sizeof(buf));
	assert_string_equal(buf, "203.0.113.0/24");

	e = entry(IG_FAM_V6, 128, IG_CODE_ANY, 64, "2001:db8:1:2::", 0, 0);
	ig_top_decode(&e.key, &family, &type, &code, &plen);
	assert_int_equal(family, IG_FAM_V6);
	assert_int_equal(type, 128);
	assert_int_equal(code, IG_CODE_ANY);
	assert_int_equal(plen, 64);
	ig_top_source_str(&e.key, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8:1:2::/64");
	assert_int_equal(ig_top_side(&e.key), IG_SIDE_HOST);
	/* A `forward` rule's bucket: the same class on the other side. */
	e.key.tag |= ig_rl_tag_side(IG_SIDE_TRANSIT);
	assert_int_equal(ig_top_side(&e.key), IG_SIDE_TRANSIT);
	ig_top_decode(&e.key, &family, &type, &code, &plen);
	assert_int_equal(family, IG_FAM_V6);
	assert_int_equal(type, 128);
	assert_int_equal(plen, 64);
}

static void test_rank_and_rates(void **state)
{
	struct ig_source_entry before[] = {
		entry(IG_FAM_V4, 8, -1, 32, "192.0.2.1", 10, 100),
		entry(IG_FAM_V4, 8, -1, 32, "192.0.2.2", 50, 0),
		entry(IG_FAM_V4, 8, -1, 32, "192.0.2.9", 5, 500), /* evicted */
		/* evicted and made again since: counts went down */
		entry(IG_FAM_V4, 8, -1, 32, "192.0.2.4", 100, 1000),
	};
	const struct ig_source_entry after[] = {
		entry(IG_FAM_V4, 8, -1, 32, "192.0.2.2", 60, 0),
		entry(IG_FAM_V4, 8, -1, 32, "192.0.2.1", 30, 300),
		entry(IG_FAM_V6, 128, -1, 64, "2001:db8::", 4, 40), /* new */
		entry(IG_FAM_V4, 8, -1, 32, "192.0.2.4", 2, 8),
	};
	struct ig_top t;
	char buf[64];

	(void)state;
	assert_int_equal(ig_top_compute(before, 4, after, 4, 2, 3, &t), 0);
	assert_int_equal(t.tracked, 4);
	assert_int_equal(t.n_rows, 3);
	assert_int_equal(t.interval, 2);
	/* Most drops first. */
	ig_top_source_str(&t.rows[0].key, buf, sizeof(buf));
	assert_string_equal(buf, "192.0.2.1/32");
	assert_int_equal(t.rows[0].dropped, 300);
	assert_int_equal(t.rows[0].passed, 30);
	/* (20 + 200) packets in 2 s. */
	assert_true(t.rows[0].rate == 110.0);
	assert_true(t.rows[0].drop_rate == 100.0);
	ig_top_source_str(&t.rows[1].key, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::/64");
	assert_true(t.rows[1].rate == 22.0);
	ig_top_source_str(&t.rows[2].key, buf, sizeof(buf));
	assert_string_equal(buf, "192.0.2.4/32");
	assert_true(t.rows[2].rate == 5.0);
	ig_top_free(&t);

	/* Nothing before, nothing after. */
	assert_int_equal(ig_top_compute(NULL, 0, after, 4, 1, 10, &t), 0);
	assert_int_equal(t.n_rows, 4);
	assert_true(t.rows[3].rate == 60.0);
	assert_true(t.rows[3].drop_rate == 0.0);
	ig_top_free(&t);
	assert_int_equal(ig_top_compute(NULL, 0, NULL, 0, 1, 10, &t), 0);
	assert_int_equal(t.n_rows, 0);
	ig_top_free(&t);
}

static void test_json(void **state)
{
	const struct ig_source_entry after[] = {
		entry(IG_FAM_V4, 3, 4, 32, "198.51.100.7", 1, 7),
		entry(IG_FAM_V6, 128, -1, 48, "2001:db8:5::", 3, 0),
	};
	struct json_object *obj, *v, *arr, *row;
	struct ig_top t;

	(void)state;
	assert_int_equal(ig_top_compute(NULL, 0, after, 2, 1, 20, &t), 0);
	t.capacity = 65536;
	assert_int_equal(ig_top_json(&t, "eth0", &obj), 0);
	assert_true(json_object_object_get_ex(obj, "interface", &v));
	assert_string_equal(json_object_get_string(v), "eth0");
	assert_true(json_object_object_get_ex(obj, "tracked", &v));
	assert_int_equal(json_object_get_int(v), 2);
	assert_true(json_object_object_get_ex(obj, "max_sources", &v));
	assert_int_equal(json_object_get_int(v), 65536);
	assert_true(json_object_object_get_ex(obj, "sources", &arr));
	assert_int_equal(json_object_array_length(arr), 2);
	row = json_object_array_get_idx(arr, 0);
	assert_true(json_object_object_get_ex(row, "source", &v));
	assert_string_equal(json_object_get_string(v), "198.51.100.7/32");
	assert_true(json_object_object_get_ex(row, "name", &v));
	assert_string_equal(json_object_get_string(v), "dest-unreachable");
	assert_true(json_object_object_get_ex(row, "code", &v));
	assert_int_equal(json_object_get_int(v), 4);
	assert_true(json_object_object_get_ex(row, "dropped", &v));
	assert_int_equal(json_object_get_int(v), 7);
	row = json_object_array_get_idx(arr, 1);
	assert_true(json_object_object_get_ex(row, "family", &v));
	assert_string_equal(json_object_get_string(v), "v6");
	/* A type-wide rule has no code. */
	assert_false(json_object_object_get_ex(row, "code", &v));
	assert_true(json_object_object_get_ex(obj, "policy_mode", &v));
	assert_string_equal(json_object_get_string(v), "enforce");
	json_object_put(obj);
	/* In audit mode, the buckets' drops are would-drops: it says so. */
	t.audit = true;
	assert_int_equal(ig_top_json(&t, "eth0", &obj), 0);
	assert_true(json_object_object_get_ex(obj, "policy_mode", &v));
	assert_string_equal(json_object_get_string(v), "audit");
	json_object_put(obj);
	ig_top_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_rank_and_rates),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
