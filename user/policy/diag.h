/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The policy language, lowest layer: filling a struct ig_diag. Errors point
 * at a 1-based line and a 1-based column counted in bytes (a tab is one
 * column), like compilers do. Private to user/policy/.
 */
#ifndef IG_POLICY_DIAG_H
#define IG_POLICY_DIAG_H

#include "../policy.h"

/* A cleared diag for source: d, or scratch when the caller passed none. */
struct ig_diag *pol_diag_start(struct ig_diag *d, struct ig_diag *scratch,
			       const char *source);

/* Fill d with line, col, word and the message; returns -EINVAL. */
__attribute__((format(printf, 5, 6))) int
pol_fail_at(struct ig_diag *d, unsigned line, unsigned col, const char *word,
	    const char *fmt, ...);

/* Errors without a diag of their own (out of memory) still say something. */
int pol_finish(int err, struct ig_diag *d);

#endif /* IG_POLICY_DIAG_H */
