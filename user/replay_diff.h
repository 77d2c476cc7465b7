/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What a policy would change, packet by packet, against the one in
 * force: the frames whose verdict differs between two replays of one
 * capture, summed by (old verdict, new verdict, family, ICMP type, source
 * prefix). Pure C, unit-tested; the command prints it.
 */
#ifndef IG_REPLAY_DIFF_H
#define IG_REPLAY_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "replay.h"

/* Defaults of the source prefixes changes are grouped by. */
#define IG_DIFF_PLEN4 24
#define IG_DIFF_PLEN6 48

struct ig_change {
	uint8_t from, to; /* XDP verdicts: under the live policy, the new */
	uint8_t family; /* IG_FAM_V4 or IG_FAM_V6 */
	uint8_t type;
	uint8_t plen;
	uint8_t prefix[16]; /* the source, masked to plen */
	uint64_t packets;
	uint64_t bytes;
};

struct ig_diff {
	void *root; /* tsearch() tree of struct ig_change */
	size_t n; /* groups */
	unsigned plen4, plen6;
	uint64_t packets, bytes; /* frames that changed verdict */
};

void ig_diff_init(struct ig_diff *d, unsigned plen4, unsigned plen6);
/*
 * A frame whose verdict goes from `from` to `to` (equal verdicts are not
 * a change and are not added). 0 or -ENOMEM.
 */
int ig_diff_add(struct ig_diff *d, const struct ig_frame_key *k, int from,
		int to, uint64_t bytes);
/*
 * The groups, most packets first (then by family, type, prefix): *out is
 * malloc'ed, *n long.
 */
int ig_diff_list(const struct ig_diff *d, struct ig_change **out, size_t *n);
void ig_diff_free(struct ig_diff *d);

/* "203.0.113.0/24"; size at least IG_PREFIX_STRLEN. */
#define IG_PREFIX_STRLEN 64
void ig_change_prefix(const struct ig_change *c, char *buf, size_t size);

/* 1234567 as "1,234,567". */
void ig_thousands(uint64_t v, char *buf, size_t size);

#endif /* IG_REPLAY_DIFF_H */
