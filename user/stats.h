/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * `icmpgate stats`: the counters summed by total, by reason and by
 * (family, ICMP type), printed as a table or as the JSON object of the
 * contract (DESIGN.md, "Counters"). Aggregation and JSON work on a plain
 * counters array, so they are tested without BPF.
 */
#ifndef IG_STATS_H
#define IG_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../include/icmpgate.h"
#include "reasons.h"

struct json_object;
struct ig_maps;

/* One (side, family, type) with packets under a typed reason. */
struct ig_type_stats {
	uint8_t side; /* IG_SIDE_HOST or IG_SIDE_TRANSIT */
	uint8_t family; /* IG_FAM_V4 or IG_FAM_V6 */
	uint8_t type;
	uint64_t totals[IG_TOTAL_COUNT]; /* packets, by total */
	uint64_t bytes;
};

struct ig_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t totals[IG_TOTAL_COUNT]; /* packets, by total */
	struct ig_counter reasons[IG_REASON_COUNT];
	/* Packets judged on each side, by total (not ICMP: host side). */
	uint64_t side_packets[IG_SIDES];
	uint64_t side_totals[IG_SIDES][IG_TOTAL_COUNT];
	/* Ordered by side, family, then type; only those with packets. */
	struct ig_type_stats types[IG_SIDES * IG_POLICY_FAMILIES * IG_TYPES];
	size_t n_types;
	/*
	 * PMTUD health by ig_pmtu_index(family, outcome); not touched by
	 * ig_stats_aggregate(): the histograms are a map of their own.
	 */
	struct ig_pmtu_hist pmtud[IG_PMTU_ENTRIES];
};

/* The upper bounds of the PMTUD buckets but the last (IG_PMTU_BOUNDS). */
extern const uint32_t ig_pmtu_bounds[IG_PMTU_BUCKETS - 1];
/* "valid" or "forged". */
const char *ig_pmtu_outcome_name(int outcome);
/* Messages in a histogram: the sum of its buckets. */
uint64_t ig_pmtu_messages(const struct ig_pmtu_hist *h);
/* after - before for every histogram, as ig_counters_delta() does. */
void ig_pmtud_delta(const struct ig_pmtu_hist *after,
		    const struct ig_pmtu_hist *before,
		    struct ig_pmtu_hist *delta);

/*
 * Sum counters[IG_COUNTER_ENTRIES] (already summed over CPUs) into *s;
 * s->pmtud is zeroed.
 */
void ig_stats_aggregate(const struct ig_counter *counters, struct ig_stats *s);

/*
 * after - before, entry by entry. An entry that went down was reset in
 * between: everything in it is new.
 */
void ig_counters_delta(const struct ig_counter *after,
		       const struct ig_counter *before,
		       struct ig_counter *delta);

/*
 * The contract object. interval 0: counts; otherwise per-second rates over
 * interval seconds, and an "interval" key. *out is owned by the caller.
 */
int ig_stats_json(const struct ig_stats *s, const char *ifname,
		  unsigned long interval, struct json_object **out);

/* The table for humans; interval as for ig_stats_json(). 0 or -errno. */
int ig_stats_print(FILE *out, const struct ig_stats *s, const char *ifname,
		   unsigned long interval);

/*
 * Add val under key. Builders return NULL when out of memory: a NULL val
 * is -ENOMEM here, so calls chain without a check after each.
 */
int ig_json_add(struct json_object *obj, const char *key,
		struct json_object *val);
/* "family", "type" and "name" (null for a type without one) of a type. */
int ig_json_add_type(struct json_object *obj, int family, int type);
/* To stdout, with a newline: pretty, or on one line. */
void ig_json_print(struct json_object *obj, bool pretty);

/* Read the counters and print them once. */
int ig_stats_show(const struct ig_maps *m, const char *ifname, bool json);

/*
 * Every interval seconds, print the rates until SIGINT or SIGTERM, or
 * until alive(ctx) (if not NULL), called after each read, returns an
 * error, which is returned.
 */
int ig_stats_watch(const struct ig_maps *m, const char *ifname,
		   unsigned long interval, bool json, int (*alive)(void *ctx),
		   void *ctx);

#endif /* IG_STATS_H */
