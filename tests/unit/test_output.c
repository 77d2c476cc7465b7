// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of user/output.c: the timestamp every JSON record carries.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "output.h"

static void test_format(void **state)
{
	struct timespec ts = { .tv_sec = 1700000000, .tv_nsec = 123999999 };
	char buf[IG_TIMESTAMP_LEN];

	(void)state;
	assert_int_equal(ig_timestamp_format(&ts, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2023-11-14T22:13:20.123Z");
	ts.tv_sec = 0;
	ts.tv_nsec = 0;
	assert_int_equal(ig_timestamp_format(&ts, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1970-01-01T00:00:00.000Z");
	assert_int_equal(ig_timestamp_format(&ts, buf, 10), -ENOSPC);
}

static void test_stamp(void **state)
{
	struct json_object *obj = json_object_new_object(), *v, *arr;

	(void)state;
	assert_int_equal(ig_json_stamp(obj), 0);
	assert_true(json_object_object_get_ex(obj, "timestamp", &v));
	assert_int_equal(strlen(json_object_get_string(v)),
			 IG_TIMESTAMP_LEN - 1);
	/* One stamp: a second call keeps the first. */
	json_object_object_add(obj, "timestamp", json_object_new_string("x"));
	assert_int_equal(ig_json_stamp(obj), 0);
	json_object_object_get_ex(obj, "timestamp", &v);
	assert_string_equal(json_object_get_string(v), "x");
	json_object_put(obj);
	/* Not an object: left alone. */
	arr = json_object_new_array();
	assert_int_equal(ig_json_stamp(arr), 0);
	assert_int_equal(json_object_array_length(arr), 0);
	json_object_put(arr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_stamp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
