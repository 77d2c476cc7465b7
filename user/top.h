/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * `icmpgate top`: the per-source buckets with the most drops, and their
 * current rates from two reads of the table. The ranking, the rates and
 * the output work on plain arrays, so they are tested without BPF.
 */
#ifndef IG_TOP_H
#define IG_TOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../include/icmpgate.h"
#include "store.h"

struct json_object;

/* One tracked source, as `top` shows it. */
struct ig_top_row {
	struct ig_source_key key;
	uint64_t passed; /* since the bucket was made */
	uint64_t dropped;
	double rate; /* packets/s that reached the bucket, over the interval */
	double drop_rate; /* of which dropped, packets/s */
};

struct ig_top {
	struct ig_top_row *rows; /* most drops first; malloc'ed */
	size_t n_rows; /* at most the n asked for */
	size_t tracked; /* buckets in the table at the second read */
	uint32_t capacity; /* the table's max_entries */
	unsigned long interval; /* seconds between the reads */
	/*
	 * The live policy is in audit mode: a bucket's drops are the packets
	 * it refused, which audit passed (audit-rate-limited-*).
	 */
	bool audit;
};

/* The rule and source of a bucket's key: family, type, code, prefix. */
/* IG_SIDE_TRANSIT for a `forward` rule's bucket, else IG_SIDE_HOST. */
int ig_top_side(const struct ig_source_key *key);
void ig_top_decode(const struct ig_source_key *key, int *family, int *type,
		   int *code, unsigned *plen);
/* "203.0.113.0/24", "2001:db8::/64" */
void ig_top_source_str(const struct ig_source_key *key, char *buf, size_t size);

/*
 * Rank the buckets of the second read (after) by drops, then by rate, and
 * keep the first n. A bucket not in the first read (before) was made in
 * between: all its packets are new. Sorts before in place.
 */
int ig_top_compute(struct ig_source_entry *before, size_t n_before,
		   const struct ig_source_entry *after, size_t n_after,
		   unsigned long interval, size_t n, struct ig_top *out);
void ig_top_free(struct ig_top *t);

/* The table for humans, sized to its content. 0 or -errno. */
int ig_top_print(FILE *out, const struct ig_top *t, const char *ifname);
int ig_top_json(const struct ig_top *t, const char *ifname,
		struct json_object **out);

/* Read, wait interval seconds, read again, print. */
int ig_top_run(const struct ig_maps *m, const char *ifname,
	       unsigned long interval, size_t n, bool json);

#endif /* IG_TOP_H */
