/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The policy language, check layer: a policy's shape (what the parser
 * would have made) and the rule that keeps NDP, MLD and PMTUD alive.
 * Private to user/policy/.
 */
#ifndef IG_POLICY_CHECK_H
#define IG_POLICY_CHECK_H

#include "../names.h"
#include "text.h"

#define NONE ((size_t)-1) /* no rule: an index that is none */

/* A rule that drops or limits an essential message without `force`. */
struct violation {
	size_t rule;
	int code; /* the first essential code it drops or limits */
};

/* `limit` rules of p, but for rule skip (NONE: none). */
unsigned pol_count_limits(const struct ig_policy *p, size_t skip);
/* What format needs: every value has a name and every prefix a form. */
int pol_check_shape(const struct ig_policy *p, struct ig_diag *d);
/*
 * Resolve every essential (family, type, code) by its most specific rule,
 * as the compiler will, ignoring rule skip (NONE: none). Reports the
 * offending rule that comes first in the text.
 */
bool pol_find_violation(const struct ig_policy *p, size_t skip,
			struct violation *v);
/*
 * What rule v->rule would drop and why: its target ("dest-unreachable"),
 * the message ("frag-needed", "packet-too-big") and the essential entry.
 * target and what hold NAME_MAX_LEN.
 */
const struct ig_essential *pol_explain(const struct ig_policy *p,
				       const struct violation *v, char *target,
				       char *what);
/* Refuse a rule that drops or limits an essential message; diag at line:col. */
int pol_refuse(const struct ig_policy *p, const struct violation *v,
	       unsigned line, unsigned col, struct ig_diag *d);

#endif /* IG_POLICY_CHECK_H */
