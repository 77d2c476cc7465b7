// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `icmpgate top` (top.h): read the per-source table twice, an interval
 * apart, and list the buckets with the most drops with their rates over
 * that interval. Reading a table of a million buckets takes a fraction of
 * a second; the rates are over the time between the two reads' starts.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <json-c/json.h>

#include "ratelimit_math.h"
#include "names.h"
#include "stats.h"
#include "table.h"
#include "top.h"

void ig_top_decode(const struct ig_source_key *key, int *family, int *type,
		   int *code, unsigned *plen)
{
	struct ig_rl_tag_fields f = ig_rl_tag_decode(key->tag);

	*family = (int)f.family;
	*type = (int)f.type;
	*code = f.code;
	*plen = f.plen;
}

int ig_top_side(const struct ig_source_key *key)
{
	return key->tag & ig_rl_tag_side(IG_SIDE_TRANSIT) ? IG_SIDE_TRANSIT :
							    IG_SIDE_HOST;
}

void ig_top_source_str(const struct ig_source_key *key, char *buf, size_t size)
{
	char addr[INET6_ADDRSTRLEN] = "?";
	int family, type, code;
	unsigned plen;

	ig_top_decode(key, &family, &type, &code, &plen);
	inet_ntop(family == IG_FAM_V6 ? AF_INET6 : AF_INET, key->addr, addr,
		  sizeof(addr));
	snprintf(buf, size, "%s/%u", addr, plen);
}

static int key_cmp(const void *a, const void *b)
{
	return memcmp(&((const struct ig_source_entry *)a)->key,
		      &((const struct ig_source_entry *)b)->key,
		      sizeof(struct ig_source_key));
}

static int row_cmp(const void *a, const void *b)
{
	const struct ig_top_row *x = a, *y = b;

	if (x->dropped != y->dropped)
		return x->dropped < y->dropped ? 1 : -1;
	if (x->rate != y->rate)
		return x->rate < y->rate ? 1 : -1;
	return memcmp(&x->key, &y->key, sizeof(x->key));
}

/* Counts that went down belong to a bucket evicted and made again. */
static uint64_t since(uint64_t now, uint64_t then)
{
	return now >= then ? now - then : now;
}

int ig_top_compute(struct ig_source_entry *before, size_t n_before,
		   const struct ig_source_entry *after, size_t n_after,
		   unsigned long interval, size_t n, struct ig_top *out)
{
	const struct ig_source_entry *b;
	struct ig_top_row *rows;
	uint64_t passed, dropped;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->interval = interval ? interval : 1;
	out->tracked = n_after;
	rows = calloc(n_after + 1, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	if (n_before)
		qsort(before, n_before, sizeof(*before), key_cmp);
	for (i = 0; i < n_after; i++) {
		b = n_before ? bsearch(&after[i], before, n_before,
				       sizeof(*before), key_cmp) :
			       NULL;
		passed = since(after[i].val.passed, b ? b->val.passed : 0);
		dropped = since(after[i].val.dropped, b ? b->val.dropped : 0);
		rows[i].key = after[i].key;
		rows[i].passed = after[i].val.passed;
		rows[i].dropped = after[i].val.dropped;
		rows[i].rate = (double)(passed + dropped) / out->interval;
		rows[i].drop_rate = (double)dropped / out->interval;
	}
	qsort(rows, n_after, sizeof(*rows), row_cmp);
	out->rows = rows;
	out->n_rows = n_after < n ? n_after : n;
	return 0;
}

void ig_top_free(struct ig_top *t)
{
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

/*
 * "v4 echo-request", "v4 dest-unreachable/frag-needed", "v6 200/7",
 * "forward v4 echo-request"
 */
static void rule_str(const struct ig_source_key *key, char *buf, size_t size)
{
	const char *fwd = ig_top_side(key) == IG_SIDE_TRANSIT ? "forward " : "";
	const char *tn, *cn;
	int family, type, code;
	unsigned plen;
	char t[12], c[12];

	ig_top_decode(key, &family, &type, &code, &plen);
	tn = ig_type_name(family, type);
	if (!tn) {
		snprintf(t, sizeof(t), "%d", type);
		tn = t;
	}
	if (code < 0) {
		snprintf(buf, size, "%s%s %s", fwd, ig_family_name(family), tn);
		return;
	}
	cn = ig_code_name(family, type, code);
	if (!cn) {
		snprintf(c, sizeof(c), "%d", code);
		cn = c;
	}
	snprintf(buf, size, "%s%s %s/%s", fwd, ig_family_name(family), tn, cn);
}

int ig_top_print(FILE *out, const struct ig_top *t, const char *ifname)
{
	static const struct ig_table_col cols[] = {
		{ "source", 0 },
		{ "rule", 0 },
		{ "dropped", IG_COL_RIGHT },
		{ "passed", IG_COL_RIGHT },
		{ "pkt/s", IG_COL_RIGHT },
		{ "drop/s", IG_COL_RIGHT },
	};
	char src[INET6_ADDRSTRLEN + 8], rule[96];
	const struct ig_top_row *r;
	struct ig_table tb;
	size_t i;

	fprintf(out,
		"%s: %zu of %" PRIu32
		" per-source buckets in use; rates over %lu s\n",
		ifname, t->tracked, t->capacity, t->interval);
	if (t->audit)
		fprintf(out, "audit mode: 'dropped' is what the buckets "
			     "refused; audit passed it\n");
	if (!t->n_rows)
		return 0;
	ig_table_init(&tb, cols, sizeof(cols) / sizeof(cols[0]), true);
	for (i = 0; i < t->n_rows; i++) {
		r = &t->rows[i];
		ig_top_source_str(&r->key, src, sizeof(src));
		rule_str(&r->key, rule, sizeof(rule));
		ig_table_row(&tb);
		ig_table_cell(&tb, "%s", src);
		ig_table_cell(&tb, "%s", rule);
		ig_table_num(&tb, r->dropped, 0);
		ig_table_num(&tb, r->passed, 0);
		ig_table_cell(&tb, "%.1f", r->rate);
		ig_table_cell(&tb, "%.1f", r->drop_rate);
	}
	return ig_table_print(out, &tb, "  ");
}

static struct json_object *row_json(const struct ig_top_row *r)
{
	struct json_object *obj = json_object_new_object();
	char src[INET6_ADDRSTRLEN + 8];
	int family, type, code, err;
	const char *name;
	unsigned plen;

	if (!obj)
		return NULL;
	ig_top_decode(&r->key, &family, &type, &code, &plen);
	ig_top_source_str(&r->key, src, sizeof(src));
	name = ig_type_name(family, type);
	err = ig_json_add(obj, "source", json_object_new_string(src));
	err = err   ?:
		      ig_json_add(obj, "side",
				  json_object_new_string(
					  ig_side_name(ig_top_side(&r->key))));
	err = err   ?:
		      ig_json_add(
			      obj, "family",
			      json_object_new_string(ig_family_name(family)));
	err = err ?: ig_json_add(obj, "type", json_object_new_int(type));
	if (!err && name)
		err = ig_json_add(obj, "name", json_object_new_string(name));
	if (!err && code >= 0)
		err = ig_json_add(obj, "code", json_object_new_int(code));
	err = err   ?:
		      ig_json_add(obj, "dropped",
				  json_object_new_uint64(r->dropped));
	err = err   ?:
		      ig_json_add(obj, "passed",
				  json_object_new_uint64(r->passed));
	err = err ?: ig_json_add(obj, "rate", json_object_new_double(r->rate));
	err = err   ?:
		      ig_json_add(obj, "drop_rate",
				  json_object_new_double(r->drop_rate));
	if (err) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

int ig_top_json(const struct ig_top *t, const char *ifname,
		struct json_object **out)
{
	struct json_object *obj = json_object_new_object(), *arr, *row;
	size_t i;
	int err;

	if (!obj)
		return -ENOMEM;
	err = ig_json_add(obj, "interface", json_object_new_string(ifname));
	err = err   ?:
		      ig_json_add(obj, "interval",
				  json_object_new_uint64(t->interval));
	err = err   ?:
		      ig_json_add(obj, "tracked",
				  json_object_new_uint64(t->tracked));
	err = err   ?:
		      ig_json_add(obj, "max_sources",
				  json_object_new_uint64(t->capacity));
	err = err   ?:
		      ig_json_add(obj, "policy_mode",
				  json_object_new_string(t->audit ? "audit" :
								    "enforce"));
	arr = err ? NULL : json_object_new_array();
	err = err ?: ig_json_add(obj, "sources", arr);
	for (i = 0; i < t->n_rows && !err; i++) {
		row = row_json(&t->rows[i]);
		if (!row || json_object_array_add(arr, row)) {
			json_object_put(row);
			err = -ENOMEM;
		}
	}
	if (err) {
		json_object_put(obj);
		return err;
	}
	*out = obj;
	return 0;
}

int ig_top_run(const struct ig_maps *m, const char *ifname,
	       unsigned long interval, size_t n, bool json)
{
	struct ig_source_entry *before = NULL, *after = NULL;
	size_t n_before = 0, n_after = 0;
	struct ig_top t = { 0 };
	struct json_object *obj;
	struct timespec deadline;
	uint32_t capacity = 0;
	int err;

	err = ig_sources_capacity(m, &capacity);
	if (err)
		return err;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	err = ig_sources_read(m, &before, &n_before);
	if (err)
		goto out;
	deadline.tv_sec += interval;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline,
			       NULL) == EINTR)
		;
	err = ig_sources_read(m, &after, &n_after);
	if (err)
		goto out;
	err = ig_top_compute(before, n_before, after, n_after, interval, n, &t);
	if (err)
		goto out;
	t.capacity = capacity;
	t.audit = ig_store_live_audit(m);
	if (!json) {
		err = ig_top_print(stdout, &t, ifname);
		goto out;
	}
	err = ig_top_json(&t, ifname, &obj);
	if (!err) {
		ig_json_print(obj, true);
		json_object_put(obj);
	}
out:
	ig_top_free(&t);
	free(before);
	free(after);
	return err;
}
