/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Names of the counter reasons and the total each one adds to. */
#ifndef IG_REASONS_H
#define IG_REASONS_H

#include <stdbool.h>

#include "../include/icmpgate.h"

/* The totals of `stats --json`; every reason adds to exactly one. */
enum ig_total {
	IG_TOTAL_NON_ICMP,
	IG_TOTAL_PASSED,
	IG_TOTAL_DROPPED,
	IG_TOTAL_RATE_LIMITED,
	IG_TOTAL_MALFORMED,
	/* Audit mode: passed, and the policy would have dropped it. */
	IG_TOTAL_WOULD_DROP,
	IG_TOTAL_COUNT,
};

struct ig_reason_info {
	const char *name; /* kebab case, as shown by `stats` */
	enum ig_total total;
	bool typed; /* counted under the packet's ICMP type */
};

extern const struct ig_reason_info ig_reasons[IG_REASON_COUNT];
extern const char *const ig_total_names[IG_TOTAL_COUNT];

#endif /* IG_REASONS_H */
