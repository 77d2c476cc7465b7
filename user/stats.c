// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `icmpgate stats` (stats.h): aggregate the per-(family, type, reason)
 * counters, print them as a table or JSON, and watch their rates.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "names.h"
#include "output.h"
#include "stats.h"
#include "store.h"
#include "table.h"

void ig_stats_aggregate(const struct ig_counter *counters, struct ig_stats *s)
{
	const struct ig_counter *c;
	struct ig_type_stats t;
	__u32 cfam, fam, side, type, r;
	enum ig_total total;
	bool typed;

	memset(s, 0, sizeof(*s));
	for (cfam = 0; cfam < IG_COUNTER_FAMILIES; cfam++) {
		side = cfam < IG_FAM_COUNT ? IG_SIDE_HOST : IG_SIDE_TRANSIT;
		fam = cfam < IG_FAM_COUNT ? cfam : cfam - IG_FAM_COUNT;
		for (type = 0; type < IG_TYPES; type++) {
			memset(&t, 0, sizeof(t));
			t.side = (uint8_t)side;
			t.family = (uint8_t)fam;
			t.type = (uint8_t)type;
			typed = false;
			for (r = 0; r < IG_REASON_COUNT; r++) {
				c = &counters[ig_counter_index(cfam, type, r)];
				total = ig_reasons[r].total;
				s->packets += c->packets;
				s->bytes += c->bytes;
				s->totals[total] += c->packets;
				s->side_packets[side] += c->packets;
				s->side_totals[side][total] += c->packets;
				s->reasons[r].packets += c->packets;
				s->reasons[r].bytes += c->bytes;
				/* Only v4 and v6 have ICMP types. */
				if (!ig_reasons[r].typed ||
				    fam >= IG_POLICY_FAMILIES || !c->packets)
					continue;
				t.totals[total] += c->packets;
				t.bytes += c->bytes;
				typed = true;
			}
			/* typed only for v4 and v6: within the array */
			if (typed)
				s->types[s->n_types++] = t;
		}
	}
}

static uint64_t delta_of(uint64_t after, uint64_t before)
{
	return after >= before ? after - before : after;
}

void ig_counters_delta(const struct ig_counter *after,
		       const struct ig_counter *before,
		       struct ig_counter *delta)
{
	size_t i;

	for (i = 0; i < IG_COUNTER_ENTRIES; i++) {
		delta[i].packets =
			delta_of(after[i].packets, before[i].packets);
		delta[i].bytes = delta_of(after[i].bytes, before[i].bytes);
	}
}

void ig_json_print(struct json_object *obj, bool pretty)
{
	ig_json_stamp(obj); /* every record says when it was taken */
	puts(json_object_to_json_string_ext(
		obj,
		(pretty ? JSON_C_TO_STRING_PRETTY : JSON_C_TO_STRING_PLAIN) |
			JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* A count, or a per-second rate over interval seconds. */
static struct json_object *num(uint64_t v, unsigned long interval)
{
	if (interval)
		return json_object_new_double((double)v / interval);
	return json_object_new_uint64(v);
}

int ig_json_add(struct json_object *obj, const char *key,
		struct json_object *val)
{
	if (!val)
		return -ENOMEM;
	if (json_object_object_add(obj, key, val)) {
		json_object_put(val);
		return -ENOMEM;
	}
	return 0;
}

static struct json_object *done(struct json_object *obj, int err)
{
	if (!err)
		return obj;
	json_object_put(obj);
	return NULL;
}

static struct json_object *totals_json(const struct ig_stats *s,
				       unsigned long interval)
{
	struct json_object *obj = json_object_new_object();
	int t, err;

	if (!obj)
		return NULL;
	err = ig_json_add(obj, "packets", num(s->packets, interval));
	for (t = 0; t < IG_TOTAL_COUNT && !err; t++)
		err = ig_json_add(obj, ig_total_names[t],
				  num(s->totals[t], interval));
	return done(obj, err);
}

/* Packets judged on each side: "sides": { "host": {...}, ... } */
static struct json_object *sides_json(const struct ig_stats *s,
				      unsigned long interval)
{
	struct json_object *obj = json_object_new_object(), *side;
	int i, t, err = 0;

	if (!obj)
		return NULL;
	for (i = 0; i < IG_SIDES && !err; i++) {
		side = json_object_new_object();
		err = side ? 0 : -ENOMEM;
		err = err   ?:
			      ig_json_add(side, "packets",
					  num(s->side_packets[i], interval));
		for (t = 0; t < IG_TOTAL_COUNT && !err; t++)
			err = ig_json_add(side, ig_total_names[t],
					  num(s->side_totals[i][t], interval));
		if (err)
			json_object_put(side);
		else
			err = ig_json_add(obj, ig_side_name(i), side);
	}
	return done(obj, err);
}

int ig_json_add_type(struct json_object *obj, int family, int type)
{
	const char *name = ig_type_name(family, type);
	int err;

	err = ig_json_add(obj, "family",
			  json_object_new_string(ig_family_name(family)));
	err = err ?: ig_json_add(obj, "type", json_object_new_int(type));
	/* null for a type without an IANA name */
	if (!err && name)
		err = ig_json_add(obj, "name", json_object_new_string(name));
	else if (!err && json_object_object_add(obj, "name", NULL))
		err = -ENOMEM;
	return err;
}

static struct json_object *type_json(const struct ig_type_stats *t,
				     unsigned long interval)
{
	struct json_object *obj = json_object_new_object();
	int err;

	if (!obj)
		return NULL;
	err = ig_json_add(obj, "side",
			  json_object_new_string(ig_side_name(t->side)));
	err = err ?: ig_json_add_type(obj, t->family, t->type);
	err = err   ?:
		      ig_json_add(obj, "passed",
				  num(t->totals[IG_TOTAL_PASSED], interval));
	err = err   ?:
		      ig_json_add(obj, "dropped",
				  num(t->totals[IG_TOTAL_DROPPED], interval));
	err = err   ?:
		      ig_json_add(obj, "rate_limited",
				  num(t->totals[IG_TOTAL_RATE_LIMITED],
				      interval));
	/* Passed in audit mode, and the policy would have dropped them. */
	err = err   ?:
		      ig_json_add(obj, "would_drop",
				  num(t->totals[IG_TOTAL_WOULD_DROP],
				      interval));
	err = err ?: ig_json_add(obj, "bytes", num(t->bytes, interval));
	return done(obj, err);
}

static struct json_object *types_json(const struct ig_stats *s,
				      unsigned long interval)
{
	struct json_object *arr = json_object_new_array(), *t;
	size_t i;
	int err = 0;

	if (!arr)
		return NULL;
	for (i = 0; i < s->n_types && !err; i++) {
		t = type_json(&s->types[i], interval);
		if (!t || json_object_array_add(arr, t)) {
			json_object_put(t);
			err = -ENOMEM;
		}
	}
	return done(arr, err);
}

static struct json_object *counter_json(const struct ig_counter *c,
					unsigned long interval)
{
	struct json_object *obj = json_object_new_object();
	int err;

	if (!obj)
		return NULL;
	err = ig_json_add(obj, "packets", num(c->packets, interval));
	err = err ?: ig_json_add(obj, "bytes", num(c->bytes, interval));
	return done(obj, err);
}

static struct json_object *reasons_json(const struct ig_stats *s,
					unsigned long interval)
{
	struct json_object *obj = json_object_new_object();
	int r, err = 0;

	if (!obj)
		return NULL;
	for (r = 0; r < IG_REASON_COUNT && !err; r++)
		err = ig_json_add(obj, ig_reasons[r].name,
				  counter_json(&s->reasons[r], interval));
	return done(obj, err);
}

int ig_stats_json(const struct ig_stats *s, const char *ifname,
		  unsigned long interval, struct json_object **out)
{
	struct json_object *obj = json_object_new_object();
	int err;

	if (!obj)
		return -ENOMEM;
	err = ig_json_add(obj, "interface", json_object_new_string(ifname));
	if (!err && interval)
		err = ig_json_add(obj, "interval",
				  json_object_new_uint64(interval));
	err = err ?: ig_json_add(obj, "totals", totals_json(s, interval));
	err = err ?: ig_json_add(obj, "sides", sides_json(s, interval));
	err = err ?: ig_json_add(obj, "types", types_json(s, interval));
	err = err ?: ig_json_add(obj, "reasons", reasons_json(s, interval));
	if (err) {
		json_object_put(obj);
		return err;
	}
	*out = obj;
	return 0;
}

/* A row of a count (or rate) under a name. */
static void num_row(struct ig_table *t, const char *name, uint64_t v,
		    unsigned long interval)
{
	ig_table_row(t);
	ig_table_cell(t, "%s", name);
	ig_table_num(t, v, interval);
}

static int print_totals(FILE *out, const struct ig_stats *s,
			unsigned long interval)
{
	static const struct ig_table_col cols[] = {
		{ "total", 0 },
		{ "packets", IG_COL_RIGHT },
	};
	struct ig_table t;
	int i;

	ig_table_init(&t, cols, 2, false);
	num_row(&t, "packets", s->packets, interval);
	num_row(&t, "bytes", s->bytes, interval);
	for (i = 0; i < IG_TOTAL_COUNT; i++) {
		/* Only once audit mode has counted one (JSON: always). */
		if (i == IG_TOTAL_WOULD_DROP && !s->totals[i])
			continue;
		num_row(&t, ig_total_names[i], s->totals[i], interval);
	}
	return ig_table_print(out, &t, "  ");
}

static int print_types(FILE *out, const struct ig_stats *s,
		       unsigned long interval)
{
	static const struct ig_table_col cols[] = {
		{ "side", 0 },
		{ "family", 0 },
		{ "type", IG_COL_RIGHT },
		{ "name", 0 },
		{ "passed", IG_COL_RIGHT },
		{ "dropped", IG_COL_RIGHT },
		{ "rate_limited", IG_COL_RIGHT },
		{ "bytes", IG_COL_RIGHT },
	};
	/* The same, with would_drop once audit mode has counted one. */
	static const struct ig_table_col audit_cols[] = {
		{ "side", 0 },
		{ "family", 0 },
		{ "type", IG_COL_RIGHT },
		{ "name", 0 },
		{ "passed", IG_COL_RIGHT },
		{ "dropped", IG_COL_RIGHT },
		{ "rate_limited", IG_COL_RIGHT },
		{ "would_drop", IG_COL_RIGHT },
		{ "bytes", IG_COL_RIGHT },
	};
	bool audit = s->totals[IG_TOTAL_WOULD_DROP] != 0;
	const struct ig_type_stats *ts;
	struct ig_table t;
	const char *name;
	size_t i;

	if (!s->n_types)
		return 0;
	if (audit)
		ig_table_init(&t, audit_cols,
			      sizeof(audit_cols) / sizeof(audit_cols[0]), true);
	else
		ig_table_init(&t, cols, sizeof(cols) / sizeof(cols[0]), true);
	for (i = 0; i < s->n_types; i++) {
		ts = &s->types[i];
		name = ig_type_name(ts->family, ts->type);
		ig_table_row(&t);
		ig_table_cell(&t, "%s", ig_side_name(ts->side));
		ig_table_cell(&t, "%s", ig_family_name(ts->family));
		ig_table_cell(&t, "%u", ts->type);
		ig_table_cell(&t, "%s", name ? name : "-");
		ig_table_num(&t, ts->totals[IG_TOTAL_PASSED], interval);
		ig_table_num(&t, ts->totals[IG_TOTAL_DROPPED], interval);
		ig_table_num(&t, ts->totals[IG_TOTAL_RATE_LIMITED], interval);
		if (audit)
			ig_table_num(&t, ts->totals[IG_TOTAL_WOULD_DROP],
				     interval);
		ig_table_num(&t, ts->bytes, interval);
	}
	fputc('\n', out);
	return ig_table_print(out, &t, "  ");
}

static int print_reasons(FILE *out, const struct ig_stats *s,
			 unsigned long interval)
{
	static const struct ig_table_col cols[] = {
		{ "reason", 0 },
		{ "packets", IG_COL_RIGHT },
		{ "bytes", IG_COL_RIGHT },
	};
	struct ig_table t;
	int r;

	if (!s->packets)
		return 0;
	ig_table_init(&t, cols, sizeof(cols) / sizeof(cols[0]), true);
	for (r = 0; r < IG_REASON_COUNT; r++) {
		if (!s->reasons[r].packets)
			continue;
		num_row(&t, ig_reasons[r].name, s->reasons[r].packets,
			interval);
		ig_table_num(&t, s->reasons[r].bytes, interval);
	}
	fputc('\n', out);
	return ig_table_print(out, &t, "  ");
}

/*
 * The sections of the table for humans, in order, each a table of its own
 * sized to its content. A new section is a function of this type added
 * here; it prints a blank line before itself, or nothing when it has
 * nothing to say.
 */
typedef int (*stats_section)(FILE *out, const struct ig_stats *s,
			     unsigned long interval);

static const stats_section stats_sections[] = {
	print_totals,
	print_types,
	print_reasons,
};

int ig_stats_print(FILE *out, const struct ig_stats *s, const char *ifname,
		   unsigned long interval)
{
	char now[16] = "";
	struct tm tm;
	size_t i;
	time_t t;
	int err = 0;

	if (interval) {
		t = time(NULL);
		if (localtime_r(&t, &tm))
			strftime(now, sizeof(now), " at %H:%M:%S", &tm);
		fprintf(out, "%s%s: per second over the last %lu s\n", ifname,
			now, interval);
	} else
		fprintf(out, "%s:\n", ifname);
	for (i = 0;
	     i < sizeof(stats_sections) / sizeof(stats_sections[0]) && !err;
	     i++)
		err = stats_sections[i](out, s, interval);
	return err;
}

static int print_stats(const struct ig_stats *s, const char *ifname,
		       unsigned long interval, bool json)
{
	struct json_object *obj;
	int err;

	if (!json)
		return ig_stats_print(stdout, s, ifname, interval);
	err = ig_stats_json(s, ifname, interval, &obj);
	if (err)
		return err;
	/* --watch prints one object per line, for line-oriented readers. */
	ig_json_print(obj, !interval);
	json_object_put(obj);
	return 0;
}

int ig_stats_show(const struct ig_maps *m, const char *ifname, bool json)
{
	struct ig_counter *c;
	struct ig_stats *s;
	int err = -ENOMEM;

	c = calloc(IG_COUNTER_ENTRIES, sizeof(*c));
	s = malloc(sizeof(*s));
	if (!c || !s)
		goto out;
	err = ig_counters_read(m, c);
	if (err)
		goto out;
	ig_stats_aggregate(c, s);
	err = print_stats(s, ifname, 0, json);
out:
	free(c);
	free(s);
	return err;
}

static volatile sig_atomic_t stop_watch;

static void on_stop(int sig)
{
	(void)sig;
	stop_watch = 1;
}

/* Absolute deadlines: the samples do not drift by the time we take. */
static int sleep_until(struct timespec *deadline, unsigned long interval)
{
	int err;

	deadline->tv_sec += interval;
	do {
		err = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, deadline,
				      NULL);
	} while (err == EINTR && !stop_watch);
	return err == EINTR ? 0 : -err;
}

int ig_stats_watch(const struct ig_maps *m, const char *ifname,
		   unsigned long interval, bool json, int (*alive)(void *ctx),
		   void *ctx)
{
	struct sigaction sa = { .sa_handler = on_stop }, old_int, old_term;
	struct ig_counter *prev, *cur, *delta, *tmp;
	struct timespec deadline;
	struct ig_stats *s;
	int err = -ENOMEM;

	prev = calloc(IG_COUNTER_ENTRIES, sizeof(*prev));
	cur = calloc(IG_COUNTER_ENTRIES, sizeof(*cur));
	delta = calloc(IG_COUNTER_ENTRIES, sizeof(*delta));
	s = malloc(sizeof(*s));
	if (!prev || !cur || !delta || !s)
		goto out;
	err = ig_counters_read(m, prev);
	if (err)
		goto out;
	/* No SA_RESTART: the sleep must end at Ctrl-C. */
	stop_watch = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	while (!stop_watch) {
		err = sleep_until(&deadline, interval);
		if (err || stop_watch)
			break;
		err = ig_counters_read(m, cur);
		/* A detached program's maps read as zero rates forever. */
		if (!err && alive)
			err = alive(ctx);
		if (err)
			break;
		ig_counters_delta(cur, prev, delta);
		ig_stats_aggregate(delta, s);
		err = print_stats(s, ifname, interval, json);
		if (err)
			break;
		if (!json)
			putchar('\n');
		fflush(stdout);
		tmp = prev;
		prev = cur;
		cur = tmp;
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
out:
	free(prev);
	free(cur);
	free(delta);
	free(s);
	return err;
}
