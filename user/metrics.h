/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * `icmpgate metrics` and `serve`: the counters, the rate-limit state, the
 * per-source table's occupancy, PMTUD health and the attachment of each
 * interface in the Prometheus text exposition format (version 0.0.4, what
 * node_exporter's textfile collector and every Prometheus server read, and
 * what `promtool check metrics` checks). The formatter works on plain
 * structs, so it is tested without BPF; ig_metrics_read() fills them from
 * the pins.
 */
#ifndef IG_METRICS_H
#define IG_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../include/icmpgate.h"

/*
 * One bucket configuration of a `limit` rule in the live policy: the class
 * bucket, or the buckets of its sources (each source gets one like it).
 * Whether a limit bites is in the counters: reasons rate-limited-class
 * and rate-limited-source, by type.
 */
struct ig_metrics_limit {
	uint8_t side; /* enum ig_side */
	uint8_t family; /* IG_FAM_V4 or IG_FAM_V6 */
	uint8_t type;
	bool source; /* the per-source buckets, not the class's */
	bool bytes; /* rate and burst in bytes, not packets */
	int code; /* -1: every code of the type */
	unsigned prefix_len; /* per-source: the source prefix's length */
	double rate; /* per second */
	double burst;
};

/*
 * A bucket's configuration (ratelimit_math.h) as l's unit, rate per second
 * and burst: what the policy said, give or take the rounding of the
 * bucket's fixed point.
 */
void ig_metrics_limit_of(const struct ig_bucket_cfg *b, bool bytes,
			 struct ig_metrics_limit *l);

/* What the metrics say of one attached interface. */
struct ig_metrics_iface {
	char name[16];
	bool attached; /* the recorded program still runs there */
	struct ig_state state;
	struct ig_counter *counters; /* IG_COUNTER_ENTRIES, over CPUs */
	struct ig_pmtu_hist pmtud[IG_PMTU_ENTRIES];
	uint64_t sources_used; /* per-source buckets in use */
	uint64_t sources_capacity; /* `attach --max-sources` */
	struct ig_metrics_limit limits[2 * IG_MAX_CLASSES];
	size_t n_limits;
};

/*
 * Write the metrics of n interfaces to out, each metric family once (its
 * HELP and TYPE, then its samples of every interface). 0 or -errno.
 */
int ig_metrics_write(FILE *out, const struct ig_metrics_iface *ifs, size_t n);

/* v with '\', '"' and newlines escaped, as a label value wants. */
void ig_metrics_label(FILE *out, const char *v);

/*
 * Fill *out from the pins of ifname (counters read now); prints the line
 * that explains a failure, prefixed with cmd. Free with
 * ig_metrics_iface_free().
 */
int ig_metrics_read(const char *cmd, const char *ifname,
		    struct ig_metrics_iface *out);
void ig_metrics_iface_free(struct ig_metrics_iface *i);

/*
 * The whole exposition of ifname, or of every attached interface if
 * ifname is NULL (one that cannot be read is left out, with a warning),
 * into *text (malloc'ed, *len bytes). 0 or -errno.
 */
int ig_metrics_render(const char *cmd, const char *ifname, char **text,
		      size_t *len);

/* The Content-Type of the exposition. */
#define IG_METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

#endif /* IG_METRICS_H */
