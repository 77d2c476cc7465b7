/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Counting: every packet once, by (family, type, reason), packets and
 * bytes, in a per-CPU array so no two CPUs ever touch the same counter.
 */
#ifndef IG_BPF_COUNTERS_H
#define IG_BPF_COUNTERS_H

#include "maps.h"
#include "outcome.h"

/* Count a packet under an outcome; returns its verdict. */
static __always_inline int count_packet(__u32 outcome, __u64 bytes)
{
	__u32 key = ig_outcome_counter(outcome);
	struct ig_counter *ctr;

	ctr = bpf_map_lookup_elem(&ig_counters, &key);
	if (ctr) { /* always: the key is within the array */
		ctr->packets++;
		ctr->bytes += bytes;
	}
	return ig_outcome_verdict(outcome);
}

#endif /* IG_BPF_COUNTERS_H */
