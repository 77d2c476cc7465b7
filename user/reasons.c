// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Names of the counter reasons (include/icmpgate.h) and their totals. */
#include "reasons.h"

const struct ig_reason_info ig_reasons[] = {
	[IG_R_NON_ICMP] = { "non-icmp", IG_TOTAL_NON_ICMP, false },
	[IG_R_PASS_RULE] = { "pass-rule", IG_TOTAL_PASSED, true },
	[IG_R_PASS_DEFAULT] = { "pass-default", IG_TOTAL_PASSED, true },
	[IG_R_PASS_ESSENTIAL] = { "pass-essential", IG_TOTAL_PASSED, true },
	[IG_R_PASS_ALLOWLIST] = { "pass-allowlist", IG_TOTAL_PASSED, true },
	[IG_R_PASS_FRAGMENT] = { "pass-fragment", IG_TOTAL_PASSED, false },
	[IG_R_PASS_LIMIT] = { "pass-limit", IG_TOTAL_PASSED, true },
	[IG_R_DROP_RULE] = { "drop-rule", IG_TOTAL_DROPPED, true },
	[IG_R_DROP_DEFAULT] = { "drop-default", IG_TOTAL_DROPPED, true },
	[IG_R_DROP_BLOCKLIST] = { "drop-blocklist", IG_TOTAL_DROPPED, true },
	[IG_R_DROP_FRAGMENT] = { "drop-fragment", IG_TOTAL_DROPPED, false },
	[IG_R_RATE_LIMITED_CLASS] = { "rate-limited-class",
				      IG_TOTAL_RATE_LIMITED, true },
	[IG_R_RATE_LIMITED_SOURCE] = { "rate-limited-source",
				       IG_TOTAL_RATE_LIMITED, true },
	[IG_R_SPOOFED_NDP] = { "spoofed-ndp", IG_TOTAL_DROPPED, true },
	[IG_R_DROP_RA_GUARD] = { "drop-ra-guard", IG_TOTAL_DROPPED, true },
	[IG_R_DROP_BROADCAST_ECHO] = { "drop-broadcast-echo", IG_TOTAL_DROPPED,
				       true },
	[IG_R_DROP_MAX_SIZE] = { "drop-max-size", IG_TOTAL_DROPPED, true },
	[IG_R_DROP_PING_OF_DEATH] = { "drop-ping-of-death", IG_TOTAL_DROPPED,
				      false },
	[IG_R_INVALID_QUOTE] = { "invalid-quote", IG_TOTAL_DROPPED, true },
	[IG_R_INVALID_SOURCE] = { "invalid-source", IG_TOTAL_DROPPED, true },
	[IG_R_INVALID_DEST] = { "invalid-dest", IG_TOTAL_DROPPED, true },
	[IG_R_INVALID_MTU] = { "invalid-mtu", IG_TOTAL_DROPPED, true },
	[IG_R_INVALID_SOCKET] = { "invalid-socket", IG_TOTAL_DROPPED, true },
	[IG_R_MALFORMED_L3] = { "malformed-l3", IG_TOTAL_MALFORMED, false },
	[IG_R_MALFORMED_ICMP] = { "malformed-icmp", IG_TOTAL_MALFORMED, false },
};

/* Designated initialisers keep the order; a missing last entry shrinks the
 * array and fails here; a missing middle one fails the unit test. */
_Static_assert(sizeof(ig_reasons) / sizeof(ig_reasons[0]) == IG_REASON_COUNT,
	       "every reason needs a name");

const char *const ig_total_names[IG_TOTAL_COUNT] = {
	[IG_TOTAL_NON_ICMP] = "non_icmp",
	[IG_TOTAL_PASSED] = "passed",
	[IG_TOTAL_DROPPED] = "dropped",
	[IG_TOTAL_RATE_LIMITED] = "rate_limited",
	[IG_TOTAL_MALFORMED] = "malformed",
};
