/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Counting: every packet once, by (family, type, reason), packets and
 * bytes, in a per-CPU array so no two CPUs ever touch the same counter.
 */
#ifndef IG_BPF_COUNTERS_H
#define IG_BPF_COUNTERS_H

#include "maps.h"

static __always_inline void count_packet(__u32 family, __u32 type, __u32 reason,
					 __u64 bytes)
{
	__u32 key = ig_counter_index(family, type & 0xff, reason);
	struct ig_counter *ctr;

	ctr = bpf_map_lookup_elem(&ig_counters, &key);
	if (!ctr)
		return; /* key out of range: cannot happen, keeps verifier happy */
	ctr->packets++;
	ctr->bytes += bytes;
}

#endif /* IG_BPF_COUNTERS_H */
