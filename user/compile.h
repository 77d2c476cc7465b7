/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Compile a parsed policy into the dense tables the XDP program reads
 * (include/icmpgate.h). Pure C, unit-tested on the host.
 */
#ifndef IG_COMPILE_H
#define IG_COMPILE_H

#include <stddef.h>
#include <stdint.h>

#include "../include/icmpgate.h"
#include "policy.h"

struct ig_prefix_entry {
	struct ig_prefix_key key; /* slot left 0: the store sets it */
	struct ig_prefix_value value;
};

struct ig_compiled {
	struct ig_policy_slot *slot; /* heap, ~1 MiB */
	struct ig_prefix_entry *prefixes;
	size_t n_prefixes;
	char *text; /* canonical policy text */
	uint64_t digest; /* FNV-1a 64 of text */
};

/*
 * Resolve every (family, type, code): the most specific rule wins (a rule
 * with a code over one without, over `default`); essential messages
 * (NDP, MLD, PMTUD) are never reached by `default drop`.
 */
int ig_policy_compile(const struct ig_policy *p, struct ig_compiled *out);
void ig_compiled_free(struct ig_compiled *c);

uint64_t ig_fnv1a64(const void *data, size_t len);

#endif /* IG_COMPILE_H */
