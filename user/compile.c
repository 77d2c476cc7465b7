// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The policy compiler: a parsed policy becomes the dense (family, type,
 * code) table that the XDP program reads with one indexed load per packet,
 * the prefix trie entries, and the canonical text with its digest (what
 * `status` shows to tell two policies apart).
 *
 * Output depends on the policy only, never on memory contents or time:
 * the slot is calloc'ed, the text is canonical, so the same policy always
 * gives the same bytes and the same digest.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "names.h"

uint64_t ig_fnv1a64(const void *data, size_t len)
{
	const uint8_t *b = data;
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a 64 offset basis */
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL; /* FNV-1a 64 prime */
	}
	return h;
}

static void set_codes(struct ig_rule *codes, int lo, int hi, uint8_t action,
		      uint8_t flags)
{
	int c;

	for (c = lo; c <= hi; c++) {
		codes[c].action = action;
		codes[c].flags = flags;
	}
}

/*
 * Every entry starts at `default`, except the essential ones, which start
 * at pass: `default drop` must not cut a host off its neighbours or its
 * path MTU (RFC 4861, 1191, 8201). Then type-wide rules, then code rules,
 * so the most specific rule is written last and wins.
 */
static void fill_rules(const struct ig_policy *p, struct ig_policy_slot *s)
{
	const struct ig_rule_spec *r;
	int fam, type, code, pass;
	struct ig_rule *codes;
	size_t i;

	for (fam = 0; fam < IG_POLICY_FAMILIES; fam++) {
		for (type = 0; type < IG_TYPES; type++) {
			codes = s->rules[fam][type];
			set_codes(codes, 0, IG_CODES - 1, p->default_action, 0);
			if (!ig_is_essential(fam, type, IG_CODE_ANY))
				continue;
			for (code = 0; code < IG_CODES; code++)
				if (ig_is_essential(fam, type, code))
					set_codes(codes, code, code,
						  IG_ACT_PASS,
						  IG_RULE_ESSENTIAL);
		}
	}
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < p->n_rules; i++) {
			r = &p->rules[i];
			if ((r->code == IG_CODE_ANY) != (pass == 0))
				continue;
			codes = s->rules[r->family][r->type];
			if (r->code == IG_CODE_ANY)
				set_codes(codes, 0, IG_CODES - 1, r->action,
					  IG_RULE_EXPLICIT);
			else
				set_codes(codes, r->code, r->code, r->action,
					  IG_RULE_EXPLICIT);
		}
	}
}

static void fill_prefixes(const struct ig_policy *p, struct ig_compiled *out)
{
	const struct ig_prefix_spec *ps;
	struct ig_prefix_entry *e;
	size_t i;

	for (i = 0; i < p->n_prefixes; i++) {
		ps = &p->prefixes[i];
		e = &out->prefixes[i];
		/* The slot and family bytes lead the key: see icmpgate.h. */
		e->key.prefixlen = IG_PREFIX_KEY_BITS + ps->len;
		e->key.slot = 0;
		e->key.family = ps->family;
		memcpy(e->key.addr, ps->addr, sizeof(e->key.addr));
		e->value.list = ps->list;
		out->slot->meta.has_prefixes[ps->family] = 1;
	}
	out->n_prefixes = p->n_prefixes;
}

int ig_policy_compile(const struct ig_policy *p, struct ig_compiled *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	/* Parse and set validate too; a policy built by hand must as well. */
	err = ig_policy_validate(p, NULL);
	if (err)
		return err;
	out->slot = calloc(1, sizeof(*out->slot));
	out->prefixes = calloc(p->n_prefixes + 1, sizeof(*out->prefixes));
	if (!out->slot || !out->prefixes) {
		err = -ENOMEM;
		goto cleanup;
	}
	out->slot->meta.fragments = p->fragments;
	fill_rules(p, out->slot);
	fill_prefixes(p, out);
	err = ig_policy_format(p, &out->text);
	if (err)
		goto cleanup;
	/* The text map holds IG_POLICY_TEXT_MAX bytes, with a final NUL. */
	if (strlen(out->text) >= IG_POLICY_TEXT_MAX) {
		err = -E2BIG;
		goto cleanup;
	}
	out->digest = ig_fnv1a64(out->text, strlen(out->text));
	return 0;
cleanup:
	ig_compiled_free(out);
	return err;
}

void ig_compiled_free(struct ig_compiled *c)
{
	free(c->slot);
	free(c->prefixes);
	free(c->text);
	memset(c, 0, sizeof(*c));
}
