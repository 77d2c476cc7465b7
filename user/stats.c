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

const uint32_t ig_pmtu_bounds[IG_PMTU_BUCKETS - 1] = IG_PMTU_BOUNDS;

const char *ig_pmtu_outcome_name(int outcome)
{
	return outcome == IG_PMTU_FORGED ? "forged" : "valid";
}

uint64_t ig_pmtu_messages(const struct ig_pmtu_hist *h)
{
	uint64_t n = 0;
	int b;

	for (b = 0; b < IG_PMTU_BUCKETS; b++)
		n += h->count[b];
	return n;
}

void ig_pmtud_delta(const struct ig_pmtu_hist *after,
		    const struct ig_pmtu_hist *before,
		    struct ig_pmtu_hist *delta)
{
	int i, b;

	for (i = 0; i < IG_PMTU_ENTRIES; i++) {
		for (b = 0; b < IG_PMTU_BUCKETS; b++)
			delta[i].count[b] =
				delta_of(after[i].count[b], before[i].count[b]);
		delta[i].sum = delta_of(after[i].sum, before[i].sum);
	}
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
		{ "would_drop",
		  IG_COL_RIGHT }, /* once audit mode counted one */
		{ "bytes", IG_COL_RIGHT },
	};
	enum { WOULD_DROP_COL = 7, N_COLS = sizeof(cols) / sizeof(cols[0]) };
	bool audit = s->totals[IG_TOTAL_WOULD_DROP] != 0;
	struct ig_table_col shown[N_COLS];
	const struct ig_type_stats *ts;
	struct ig_table t;
	const char *name;
	size_t i, n = 0;

	if (!s->n_types)
		return 0;
	for (i = 0; i < N_COLS; i++)
		if (audit || i != WOULD_DROP_COL)
			shown[n++] = cols[i];
	ig_table_init(&t, shown, n, true);
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
 * PMTUD health: per family and outcome, the messages by the MTU they
 * report; nothing when there were none.
 */
static int print_pmtud(FILE *out, const struct ig_stats *s,
		       unsigned long interval)
{
	struct ig_table_col cols[4 + IG_PMTU_BUCKETS];
	char heads[IG_PMTU_BUCKETS][16];
	const struct ig_pmtu_hist *h;
	uint64_t total = 0;
	struct ig_table t;
	int fam, o, b;

	for (b = 0; b < IG_PMTU_ENTRIES; b++)
		total += ig_pmtu_messages(&s->pmtud[b]);
	if (!total)
		return 0;
	cols[0] = (struct ig_table_col){ "pmtud", 0 };
	cols[1] = (struct ig_table_col){ "outcome", 0 };
	cols[2] = (struct ig_table_col){ "messages", IG_COL_RIGHT };
	cols[3] = (struct ig_table_col){ "mean", IG_COL_RIGHT };
	for (b = 0; b < IG_PMTU_BUCKETS; b++) {
		if (b < IG_PMTU_BUCKETS - 1)
			snprintf(heads[b], sizeof(heads[b]), "<=%u",
				 ig_pmtu_bounds[b]);
		else
			snprintf(heads[b], sizeof(heads[b]), ">%u",
				 ig_pmtu_bounds[b - 1]);
		cols[4 + b] = (struct ig_table_col){ heads[b], IG_COL_RIGHT };
	}
	ig_table_init(&t, cols, sizeof(cols) / sizeof(cols[0]), true);
	for (fam = 0; fam < IG_POLICY_FAMILIES; fam++)
		for (o = 0; o < IG_PMTU_OUTCOMES; o++) {
			h = &s->pmtud[ig_pmtu_index(fam, o)];
			total = ig_pmtu_messages(h);
			ig_table_row(&t);
			ig_table_cell(&t, "%s", ig_family_name(fam));
			ig_table_cell(&t, "%s", ig_pmtu_outcome_name(o));
			ig_table_num(&t, total, interval);
			if (total)
				ig_table_cell(&t, "%" PRIu64,
					      (uint64_t)(h->sum / total));
			else
				ig_table_cell(&t, "-");
			for (b = 0; b < IG_PMTU_BUCKETS; b++)
				ig_table_num(&t, h->count[b], interval);
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
	print_pmtud,
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
	err = ig_pmtud_read(m, s->pmtud);
	if (err)
		goto out;
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
	struct ig_pmtu_hist hprev[IG_PMTU_ENTRIES], hcur[IG_PMTU_ENTRIES];
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
	err = err ?: ig_pmtud_read(m, hprev);
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
		err = err ?: ig_pmtud_read(m, hcur);
		/* A detached program's maps read as zero rates forever. */
		if (!err && alive)
			err = alive(ctx);
		if (err)
			break;
		ig_counters_delta(cur, prev, delta);
		ig_stats_aggregate(delta, s);
		ig_pmtud_delta(hcur, hprev, s->pmtud);
		memcpy(hprev, hcur, sizeof(hprev));
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
