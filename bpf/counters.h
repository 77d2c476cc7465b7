/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Counting: every packet once, by (family, type, reason), packets and
 * bytes, in a per-CPU array so no two CPUs ever touch the same counter.
 */
#ifndef IG_BPF_COUNTERS_H
#define IG_BPF_COUNTERS_H

#include "maps.h"

/*
 * What a packet is counted under and its verdict, in one value: the one
 * exit of the program then takes one register from every path to it, not
 * three (family, type, reason) and a verdict.
 */
static __always_inline __u32 ig_outcome(__u32 family, __u32 type, __u32 reason,
					__u32 verdict)
{
	return ig_counter_index(family, type & 0xff, reason) << 2 | verdict;
}

/* Count a packet under an outcome; returns its verdict. */
static __always_inline int count_packet(__u32 outcome, __u64 bytes)
{
	__u32 key = outcome >> 2;
	struct ig_counter *ctr;

	ctr = bpf_map_lookup_elem(&ig_counters, &key);
	if (ctr) { /* always: the key is within the array */
		ctr->packets++;
		ctr->bytes += bytes;
	}
	return outcome & 3;
}

#endif /* IG_BPF_COUNTERS_H */
