// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `stats --json` (stats.h): the aggregated counters as one JSON object
 * (totals, sides, types, reasons, PMTUD histograms), counts or rates; and
 * the JSON helpers the other read commands build their records with.
 */
#include <errno.h>

#include <json-c/json.h>

#include "names.h"
#include "output.h"
#include "stats.h"

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

/* One bucket: its upper bound (null for the last) and its messages. */
static struct json_object *bucket_json(int b, uint64_t n,
				       unsigned long interval)
{
	struct json_object *obj = json_object_new_object();
	int err = 0;

	if (!obj)
		return NULL;
	if (b < IG_PMTU_BUCKETS - 1)
		err = ig_json_add(obj, "max_mtu",
				  json_object_new_uint64(ig_pmtu_bounds[b]));
	else if (json_object_object_add(obj, "max_mtu", NULL))
		err = -ENOMEM;
	err = err ?: ig_json_add(obj, "messages", num(n, interval));
	return done(obj, err);
}

static struct json_object *hist_json(const struct ig_pmtu_hist *h, int fam,
				     int outcome, unsigned long interval)
{
	struct json_object *obj = json_object_new_object(), *arr = NULL;
	int b, err;

	if (!obj)
		return NULL;
	err = ig_json_add(obj, "family",
			  json_object_new_string(ig_family_name(fam)));
	err = err   ?:
		      ig_json_add(obj, "outcome",
				  json_object_new_string(
					  ig_pmtu_outcome_name(outcome)));
	err = err   ?:
		      ig_json_add(obj, "messages",
				  num(ig_pmtu_messages(h), interval));
	err = err ?: ig_json_add(obj, "mtu_sum", num(h->sum, interval));
	if (!err) {
		arr = json_object_new_array();
		err = ig_json_add(obj, "buckets", arr);
	}
	for (b = 0; b < IG_PMTU_BUCKETS && !err; b++) {
		struct json_object *e = bucket_json(b, h->count[b], interval);

		if (!e || json_object_array_add(arr, e)) {
			json_object_put(e);
			err = -ENOMEM;
		}
	}
	return done(obj, err);
}

/* "pmtud": every (family, outcome), zeros included: a fixed shape. */
static struct json_object *pmtud_json(const struct ig_stats *s,
				      unsigned long interval)
{
	struct json_object *arr = json_object_new_array(), *h;
	int fam, o, err = 0;

	if (!arr)
		return NULL;
	for (fam = 0; fam < IG_POLICY_FAMILIES && !err; fam++)
		for (o = 0; o < IG_PMTU_OUTCOMES && !err; o++) {
			h = hist_json(&s->pmtud[ig_pmtu_index(fam, o)], fam, o,
				      interval);
			if (!h || json_object_array_add(arr, h)) {
				json_object_put(h);
				err = -ENOMEM;
			}
		}
	return done(arr, err);
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
	err = err ?: ig_json_add(obj, "pmtud", pmtud_json(s, interval));
	if (err) {
		json_object_put(obj);
		return err;
	}
	*out = obj;
	return 0;
}
