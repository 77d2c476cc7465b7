// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of user/stats.c on synthetic counters, without BPF: every
 * reason lands in its one total, the totals add up to packets, the types
 * list has exactly the (family, type) pairs with typed packets, and the
 * JSON parses back with the keys and values of the contract.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "../include/icmpgate.h"
#include "names.h"
#include "reasons.h"
#include "stats.h"

struct fixture {
	struct ig_counter c[IG_COUNTER_ENTRIES];
	struct ig_stats s;
};

static int setup(void **state)
{
	*state = calloc(1, sizeof(struct fixture));
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static void put(struct ig_counter *c, int fam, int type, int reason,
		uint64_t packets, uint64_t bytes)
{
	c[ig_counter_index(fam, type, reason)].packets = packets;
	c[ig_counter_index(fam, type, reason)].bytes = bytes;
}

/* The totals' sum over every total, which must be packets. */
static uint64_t sum_totals(const struct ig_stats *s)
{
	uint64_t sum = 0;
	int t;

	for (t = 0; t < IG_TOTAL_COUNT; t++)
		sum += s->totals[t];
	return sum;
}

static const struct ig_type_stats *find_type(const struct ig_stats *s, int fam,
					     int type)
{
	size_t i;

	for (i = 0; i < s->n_types; i++)
		if (s->types[i].family == fam && s->types[i].type == type)
			return &s->types[i];
	return NULL;
}

static void test_empty(void **state)
{
	struct fixture *f = *state;
	int t, r;

	ig_stats_aggregate(f->c, &f->s);
	assert_int_equal(f->s.packets, 0);
	assert_int_equal(f->s.bytes, 0);
	assert_int_equal(f->s.n_types, 0);
	for (t = 0; t < IG_TOTAL_COUNT; t++)
		assert_int_equal(f->s.totals[t], 0);
	for (r = 0; r < IG_REASON_COUNT; r++)
		assert_int_equal(f->s.reasons[r].packets, 0);
}

/* One reason at a time: it moves its own total and nothing else. */
static void test_each_reason_one_total(void **state)
{
	struct fixture *f = *state;
	int r, t, fam, type;

	for (r = 0; r < IG_REASON_COUNT; r++) {
		memset(f->c, 0, sizeof(f->c));
		fam = r == IG_R_NON_ICMP ? IG_FAM_OTHER : IG_FAM_V6;
		type = ig_reasons[r].typed ? 128 : 0;
		put(f->c, fam, type, r, 3, 300);
		ig_stats_aggregate(f->c, &f->s);
		assert_int_equal(f->s.packets, 3);
		assert_int_equal(f->s.bytes, 300);
		for (t = 0; t < IG_TOTAL_COUNT; t++)
			assert_int_equal(f->s.totals[t],
					 t == (int)ig_reasons[r].total ? 3 : 0);
		assert_int_equal(f->s.reasons[r].packets, 3);
		assert_int_equal(f->s.reasons[r].bytes, 300);
		/* Only a typed reason makes a row of the types list. */
		assert_int_equal(f->s.n_types, ig_reasons[r].typed ? 1 : 0);
	}
}

/* Expected totals of the reasons, from the table itself. */
static void test_reason_totals_table(void **state)
{
	(void)state;
	assert_int_equal(ig_reasons[IG_R_NON_ICMP].total, IG_TOTAL_NON_ICMP);
	assert_int_equal(ig_reasons[IG_R_PASS_RULE].total, IG_TOTAL_PASSED);
	assert_int_equal(ig_reasons[IG_R_DROP_BLOCKLIST].total,
			 IG_TOTAL_DROPPED);
	assert_int_equal(ig_reasons[IG_R_MALFORMED_ICMP].total,
			 IG_TOTAL_MALFORMED);
}

/* Pseudo-random counters everywhere: the totals still add up. */
static void test_totals_add_up(void **state)
{
	struct fixture *f = *state;
	uint64_t x = 88172645463325252ull, packets = 0, bytes = 0;
	size_t i;

	for (i = 0; i < IG_COUNTER_ENTRIES; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (x % 3)
			continue;
		f->c[i].packets = x % 1000;
		f->c[i].bytes = f->c[i].packets * 60 + x % 7;
		packets += f->c[i].packets;
		bytes += f->c[i].bytes;
	}
	ig_stats_aggregate(f->c, &f->s);
	assert_int_equal(f->s.packets, packets);
	assert_int_equal(f->s.bytes, bytes);
	assert_int_equal(sum_totals(&f->s), packets);
	assert_true(f->s.n_types <= IG_SIDES * IG_POLICY_FAMILIES * IG_TYPES);
}

static void test_types(void **state)
{
	struct fixture *f = *state;
	const struct ig_type_stats *t;

	put(f->c, IG_FAM_V6, 128, IG_R_PASS_RULE, 4, 400);
	put(f->c, IG_FAM_V4, 8, IG_R_PASS_DEFAULT, 5, 500);
	put(f->c, IG_FAM_V4, 8, IG_R_DROP_RULE, 2, 200);
	put(f->c, IG_FAM_V4, 8, IG_R_DROP_BLOCKLIST, 1, 100);
	put(f->c, IG_FAM_V4, 3, IG_R_PASS_ESSENTIAL, 1, 70);
	/* Untyped reasons count under type 0 and make no row. */
	put(f->c, IG_FAM_V4, 0, IG_R_MALFORMED_L3, 9, 900);
	put(f->c, IG_FAM_V6, 0, IG_R_MALFORMED_ICMP, 1, 50);
	put(f->c, IG_FAM_V4, 0, IG_R_PASS_FRAGMENT, 1, 50);
	put(f->c, IG_FAM_OTHER, 0, IG_R_NON_ICMP, 7, 700);
	/* Bytes alone, without packets, do not make a row. */
	put(f->c, IG_FAM_V4, 13, IG_R_DROP_RULE, 0, 10);
	ig_stats_aggregate(f->c, &f->s);

	assert_int_equal(f->s.n_types, 3);
	/* Ordered by family, then type. */
	assert_int_equal(f->s.types[0].family, IG_FAM_V4);
	assert_int_equal(f->s.types[0].type, 3);
	assert_int_equal(f->s.types[1].type, 8);
	assert_int_equal(f->s.types[2].family, IG_FAM_V6);
	assert_int_equal(f->s.types[2].type, 128);

	t = find_type(&f->s, IG_FAM_V4, 8);
	assert_non_null(t);
	assert_int_equal(t->totals[IG_TOTAL_PASSED], 5);
	assert_int_equal(t->totals[IG_TOTAL_DROPPED], 3);
	assert_int_equal(t->totals[IG_TOTAL_RATE_LIMITED], 0);
	assert_int_equal(t->bytes, 800);
	assert_null(find_type(&f->s, IG_FAM_V4, 0));
	assert_null(find_type(&f->s, IG_FAM_V6, 0));

	assert_int_equal(f->s.totals[IG_TOTAL_NON_ICMP], 7);
	assert_int_equal(f->s.totals[IG_TOTAL_PASSED], 11);
	assert_int_equal(f->s.totals[IG_TOTAL_DROPPED], 3);
	assert_int_equal(f->s.totals[IG_TOTAL_MALFORMED], 10);
	assert_int_equal(f->s.packets, 31);
	assert_int_equal(sum_totals(&f->s), f->s.packets);
}

static void test_delta(void **state)
{
	struct fixture *f = *state;
	struct ig_counter *before, *delta;

	before = calloc(IG_COUNTER_ENTRIES, sizeof(*before));
	delta = calloc(IG_COUNTER_ENTRIES, sizeof(*delta));
	assert_non_null(before);
	assert_non_null(delta);
	f->c[5] = (struct ig_counter){ 10, 1000 };
	before[5] = (struct ig_counter){ 4, 400 };
	/* Reset in between: everything now is new. */
	f->c[6] = (struct ig_counter){ 2, 200 };
	before[6] = (struct ig_counter){ 9, 900 };
	ig_counters_delta(f->c, before, delta);
	assert_int_equal(delta[5].packets, 6);
	assert_int_equal(delta[5].bytes, 600);
	assert_int_equal(delta[6].packets, 2);
	assert_int_equal(delta[6].bytes, 200);
	assert_int_equal(delta[7].packets, 0);
	free(before);
	free(delta);
}

/* Serialise, then parse back: what a script reading stats --json sees. */
static struct json_object *round_trip(const struct ig_stats *s,
				      unsigned long interval)
{
	struct json_object *obj, *back;

	assert_int_equal(ig_stats_json(s, "eth0", interval, &obj), 0);
	back = json_tokener_parse(
		json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY));
	json_object_put(obj);
	assert_non_null(back);
	return back;
}

static struct json_object *get(struct json_object *obj, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(obj, key, &v))
		fail_msg("no key '%s'", key);
	return v;
}

static uint64_t get_u64(struct json_object *obj, const char *key)
{
	struct json_object *v = get(obj, key);

	assert_true(json_object_is_type(v, json_type_int));
	return json_object_get_uint64(v);
}

/* A type that IANA has not named, for the "name": null case. */
static int unnamed_v4_type(void)
{
	int t;

	for (t = 255; t > 0; t--)
		if (!ig_type_name(IG_FAM_V4, t))
			return t;
	fail_msg("every v4 type has a name");
	return -1;
}

static void test_json_contract(void **state)
{
	struct fixture *f = *state;
	struct json_object *js, *totals, *types, *e, *reasons, *r;
	int odd = unnamed_v4_type(), i;
	uint64_t sum = 0;
	size_t k;

	put(f->c, IG_FAM_V4, 8, IG_R_PASS_DEFAULT, 5, 490);
	put(f->c, IG_FAM_V4, 8, IG_R_DROP_RULE, 2, 196);
	put(f->c, IG_FAM_V4, odd, IG_R_DROP_DEFAULT, 1, 60);
	put(f->c, IG_FAM_V6, 135, IG_R_PASS_ESSENTIAL, 3, 258);
	put(f->c, IG_FAM_OTHER, 0, IG_R_NON_ICMP, 11, 660);
	put(f->c, IG_FAM_V4, 0, IG_R_MALFORMED_ICMP, 1, 40);
	ig_stats_aggregate(f->c, &f->s);
	js = round_trip(&f->s, 0);

	assert_string_equal(json_object_get_string(get(js, "interface")),
			    "eth0");
	totals = get(js, "totals");
	assert_int_equal(get_u64(totals, "packets"), 23);
	assert_int_equal(get_u64(totals, "non_icmp"), 11);
	assert_int_equal(get_u64(totals, "passed"), 8);
	assert_int_equal(get_u64(totals, "dropped"), 3);
	assert_int_equal(get_u64(totals, "rate_limited"), 0);
	assert_int_equal(get_u64(totals, "malformed"), 1);
	for (i = 0; i < IG_TOTAL_COUNT; i++)
		sum += get_u64(totals, ig_total_names[i]);
	assert_int_equal(sum, 23);

	types = get(js, "types");
	assert_true(json_object_is_type(types, json_type_array));
	assert_int_equal(json_object_array_length(types), 3);
	e = json_object_array_get_idx(types, 0);
	assert_string_equal(json_object_get_string(get(e, "family")), "v4");
	assert_int_equal(get_u64(e, "type"), 8);
	assert_string_equal(json_object_get_string(get(e, "name")),
			    "echo-request");
	assert_int_equal(get_u64(e, "passed"), 5);
	assert_int_equal(get_u64(e, "dropped"), 2);
	assert_int_equal(get_u64(e, "rate_limited"), 0);
	assert_int_equal(get_u64(e, "bytes"), 686);
	e = json_object_array_get_idx(types, 1);
	assert_int_equal(get_u64(e, "type"), odd);
	assert_null(get(e, "name")); /* present, and null */
	e = json_object_array_get_idx(types, 2);
	assert_string_equal(json_object_get_string(get(e, "family")), "v6");
	assert_string_equal(json_object_get_string(get(e, "name")),
			    "neighbor-solicit");

	/* Every reason, by name, with packets and bytes. */
	reasons = get(js, "reasons");
	assert_int_equal(json_object_object_length(reasons), IG_REASON_COUNT);
	for (k = 0; k < IG_REASON_COUNT; k++) {
		r = get(reasons, ig_reasons[k].name);
		assert_int_equal(get_u64(r, "packets"),
				 f->s.reasons[k].packets);
		assert_int_equal(get_u64(r, "bytes"), f->s.reasons[k].bytes);
	}
	assert_int_equal(get_u64(get(reasons, "drop-rule"), "packets"), 2);
	assert_false(json_object_object_get_ex(js, "interval", NULL));
	json_object_put(js);
}

static void test_json_empty(void **state)
{
	struct fixture *f = *state;
	struct json_object *js;

	ig_stats_aggregate(f->c, &f->s);
	js = round_trip(&f->s, 0);
	assert_int_equal(get_u64(get(js, "totals"), "packets"), 0);
	assert_int_equal(json_object_array_length(get(js, "types")), 0);
	json_object_put(js);
}

static void test_json_rates(void **state)
{
	struct fixture *f = *state;
	struct json_object *js, *e;

	put(f->c, IG_FAM_V4, 8, IG_R_DROP_RULE, 5, 490);
	ig_stats_aggregate(f->c, &f->s);
	js = round_trip(&f->s, 2);
	assert_int_equal(get_u64(js, "interval"), 2);
	assert_float_equal(
		json_object_get_double(get(get(js, "totals"), "dropped")), 2.5,
		1e-9);
	e = json_object_array_get_idx(get(js, "types"), 0);
	assert_float_equal(json_object_get_double(get(e, "bytes")), 245.0,
			   1e-9);
	json_object_put(js);
}

/* The table of f's stats as ig_stats_print() writes it; malloc'ed. */
static char *table_of(struct fixture *f, unsigned long interval)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	ig_stats_aggregate(f->c, &f->s);
	out = open_memstream(&buf, &len);
	assert_non_null(out);
	assert_int_equal(ig_stats_print(out, &f->s, "eth0", interval), 0);
	fclose(out);
	return buf;
}

static void test_table(void **state)
{
	struct fixture *f = *state;
	char *buf;

	put(f->c, IG_FAM_V4, 8, IG_R_DROP_RULE, 5, 490);
	put(f->c, IG_FAM_OTHER, 0, IG_R_NON_ICMP, 2, 120);
	buf = table_of(f, 0);
	assert_non_null(strstr(buf, "eth0:"));
	assert_non_null(strstr(buf, "echo-request"));
	assert_non_null(strstr(buf, "drop-rule"));
	assert_non_null(strstr(buf, "non-icmp"));
	/* Rows and reasons without packets are left out. */
	assert_null(strstr(buf, "echo-reply"));
	assert_null(strstr(buf, "pass-rule"));
	free(buf);

	buf = table_of(f, 2);
	assert_non_null(strstr(buf, "per second over the last 2 s"));
	assert_non_null(strstr(buf, "2.5"));
	free(buf);
}

/*
 * Audit mode: would-drops add to would_drop, in the totals, the sides and
 * the type's row; the table shows a would_drop column only once one was
 * counted, so that an enforcing filter's table is as it was.
 */
static void test_would_drop(void **state)
{
	struct fixture *f = *state;
	const struct ig_type_stats *t;
	struct json_object *js, *e;
	char *buf;

	put(f->c, IG_FAM_V4, 8, IG_R_DROP_RULE, 5, 490);
	buf = table_of(f, 0);
	assert_null(strstr(buf, "would_drop"));
	free(buf);
	put(f->c, IG_FAM_V4, 8, IG_R_AUDIT_DROP_RULE, 4, 392);
	put(f->c, IG_FAM_V4, 8, IG_R_AUDIT_RATE_LIMITED_CLASS, 3, 294);
	put(f->c, IG_FAM_V4, 0, IG_R_AUDIT_DROP_FRAGMENT, 2, 100);
	ig_stats_aggregate(f->c, &f->s);
	assert_int_equal(f->s.totals[IG_TOTAL_WOULD_DROP], 9);
	assert_int_equal(f->s.totals[IG_TOTAL_DROPPED], 5);
	assert_int_equal(f->s.totals[IG_TOTAL_PASSED], 0);
	assert_int_equal(f->s.side_totals[IG_SIDE_HOST][IG_TOTAL_WOULD_DROP],
			 9);
	assert_int_equal(sum_totals(&f->s), f->s.packets);
	t = find_type(&f->s, IG_FAM_V4, 8);
	assert_non_null(t);
	assert_int_equal(t->totals[IG_TOTAL_WOULD_DROP], 7);
	js = round_trip(&f->s, 0);
	assert_int_equal(get_u64(get(js, "totals"), "would_drop"), 9);
	e = json_object_array_get_idx(get(js, "types"), 0);
	assert_int_equal(get_u64(e, "would_drop"), 7);
	assert_int_equal(get_u64(e, "dropped"), 5);
	assert_int_equal(get_u64(get(get(js, "reasons"), "audit-drop-rule"),
				 "packets"),
			 4);
	json_object_put(js);
	buf = table_of(f, 0);
	assert_non_null(strstr(buf, "rate_limited would_drop bytes\n"));
	assert_non_null(strstr(buf, "  would_drop         9\n")); /* total */
	assert_non_null(strstr(buf, "audit-rate-limited-class"));
	free(buf);
}

/*
 * Each of the lines from the one that starts with head to the next blank
 * line: the table's rows, whose last column is aligned to the right.
 */
static void assert_rows_aligned(const char *text, const char *head,
				size_t min_rows)
{
	const char *p = strstr(text, head), *nl;
	size_t width = 0, rows = 0, len;

	assert_non_null(p);
	while (*p && *p != '\n') {
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		if (!width)
			width = len;
		assert_int_equal(len, width);
		rows++;
		p += len + (nl != NULL);
	}
	assert_true(rows >= min_rows);
}

/* Names longer than any fixed width leave every column aligned. */
static void test_table_long_names(void **state)
{
	struct fixture *f = *state;
	char *buf;

	put(f->c, IG_FAM_V4, 35, IG_R_RATE_LIMITED_SOURCE, 7, 700);
	put(f->c, IG_FAM_V4, 8, IG_R_DROP_RULE, 123456789, 9876543210ull);
	put(f->c, IG_FAM_V6, 2, IG_R_INVALID_SOURCE, 1, 1280);
	put(f->c, IG_FAM_OTHER, 0, IG_R_NON_ICMP, 2, 120);
	buf = table_of(f, 0);
	assert_non_null(strstr(buf, "mobile-registration-request"));
	assert_non_null(strstr(buf, "rate-limited-source"));
	/* Header and three types; header and four reasons. */
	assert_rows_aligned(buf, "  side", 4);
	assert_rows_aligned(buf, "  reason", 5);
	free(buf);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_empty),
		T(test_each_reason_one_total),
		T(test_reason_totals_table),
		T(test_totals_add_up),
		T(test_types),
		T(test_delta),
		T(test_json_contract),
		T(test_json_empty),
		T(test_json_rates),
		T(test_table),
		T(test_would_drop),
		T(test_table_long_names),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
