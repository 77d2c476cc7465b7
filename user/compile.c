// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The policy compiler: a parsed policy becomes the dense (family, type,
 * code) table that the XDP program reads with one indexed load per packet,
 * the prefix trie entries, and the canonical text with its digest (what
 * `status` shows to tell two policies apart).
 *
 * Every `limit` rule becomes a class: an entry of the slot's limits[] with
 * its buckets' interval and tau (include/ratelimit_math.h), numbered in the order
 * of (family, type, code), and the rule's table entries point at it.
 *
 * Output depends on the policy only, never on memory contents or time:
 * the slot is calloc'ed, the text is canonical, so the same policy always
 * gives the same bytes and the same digest.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ratelimit_math.h"
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

static void set_codes(struct ig_rule *codes, int lo, int hi,
		      const struct ig_rule *rule)
{
	int c;

	for (c = lo; c <= hi; c++)
		codes[c] = *rule;
}

/* The table entry of rule r, whose class (if it limits) is class_id. */
static struct ig_rule entry_of(const struct ig_rule_spec *r, uint16_t class_id)
{
	struct ig_rule e = {
		.action = r->action,
		.flags = IG_RULE_EXPLICIT,
		.class_id = class_id,
		.max_size = r->max_size,
	};

	if (r->flags & IG_SPEC_VALIDATE)
		e.flags |= IG_RULE_VALIDATE;
	if (r->flags & IG_SPEC_VALIDATE_SOCKET)
		e.flags |= IG_RULE_VALIDATE_SOCKET;
	return e;
}

/*
 * Can this bucket read the coarse clock? It moves in ticks (4 ms at
 * HZ=250, IG_RL_COARSE_TICK_NS at worst), so the tokens of a whole tick
 * arrive at once; those beyond tau are lost. A tau of two ticks and a
 * full-size packet loses none. Slow buckets lose at most a tick a token,
 * which at one token a second or slower (100 ticks) is within 1%.
 */
static bool needs_fine_clock(const struct ig_bucket_cfg *b, int bytes)
{
	struct ig_bucket_cfg tick = { b->interval, 0 };
	__u64 tick_units = ig_rl_time(IG_RL_COARSE_TICK_NS);
	__u64 cost = ig_rl_cost(&tick, bytes, IG_LIMIT_FRAME_BYTES);

	if (cost >= 100 * tick_units)
		return false;
	return b->tau < 2 * tick_units + cost;
}

static struct ig_bucket_cfg bucket_of(const struct ig_rate_spec *r)
{
	return ig_rl_bucket(r->amount, (__u64)r->period * IG_RL_NS_PER_SEC,
			    r->burst, r->bits);
}

/* The class of one `limit` rule. */
static void fill_limit(const struct ig_rule_spec *r, struct ig_limit *l)
{
	const struct ig_limit_spec *ls = &r->limit;

	memset(l, 0, sizeof(*l));
	if (ls->cls.amount) {
		l->flags |= IG_LIMIT_CLASS;
		if (ls->cls.bits)
			l->flags |= IG_LIMIT_CLASS_BYTES;
		l->cls = bucket_of(&ls->cls);
		if (needs_fine_clock(&l->cls, ls->cls.bits))
			l->flags |= IG_LIMIT_FINE_CLOCK;
	}
	if (ls->src.amount) {
		l->flags |= IG_LIMIT_SOURCE;
		if (ls->src.bits)
			l->flags |= IG_LIMIT_SOURCE_BYTES;
		l->src = bucket_of(&ls->src);
		l->prefix_len = ls->prefix_len;
		if (needs_fine_clock(&l->src, ls->src.bits))
			l->flags |= IG_LIMIT_FINE_CLOCK;
	}
	l->tag = ig_rl_tag(r->family, r->type, r->code,
			   l->flags & IG_LIMIT_FINE_CLOCK, l->prefix_len) |
		 ig_rl_tag_side(r->side);
}

static int rule_cmp(const void *a, const void *b)
{
	const struct ig_rule_spec *x = *(const struct ig_rule_spec *const *)a;
	const struct ig_rule_spec *y = *(const struct ig_rule_spec *const *)b;

	if (x->side != y->side)
		return x->side < y->side ? -1 : 1;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return (x->code > y->code) - (x->code < y->code);
}

/*
 * Number the `limit` rules by (family, type, code), so that the class ids
 * do not depend on the order of the text, and fill their limits. class[i]
 * is the class of p->rules[i].
 */
static int number_classes(const struct ig_policy *p, struct ig_policy_slot *s,
			  uint16_t *class)
{
	const struct ig_rule_spec **lim;
	size_t i, n = 0;

	lim = calloc(p->n_rules + 1, sizeof(*lim));
	if (!lim)
		return -ENOMEM;
	for (i = 0; i < p->n_rules; i++)
		if (p->rules[i].action == IG_ACT_LIMIT)
			lim[n++] = &p->rules[i];
	if (n > IG_MAX_CLASSES) {
		free(lim);
		return -E2BIG;
	}
	qsort(lim, n, sizeof(*lim), rule_cmp);
	for (i = 0; i < n; i++) {
		fill_limit(lim[i], &s->limits[i]);
		class[lim[i] - p->rules] = (uint16_t)i;
	}
	free(lim);
	return 0;
}

/*
 * Every entry starts at its side's `default`, except the essential ones,
 * which start at pass: `default drop` must not cut a host off its
 * neighbours or its path MTU (RFC 4861, 1191, 8201), nor `forward default
 * drop` the hosts behind a router off theirs. Then type-wide rules, then
 * code rules, so the most specific rule is written last and wins.
 */
static void fill_rules(const struct ig_policy *p, struct ig_policy_slot *s,
		       const uint16_t *class)
{
	const struct ig_rule deflt[IG_SIDES] = {
		[IG_SIDE_HOST] = { .action = p->default_action },
		[IG_SIDE_TRANSIT] = { .action = p->forward_default },
	};
	const struct ig_rule essential = { .action = IG_ACT_PASS,
					   .flags = IG_RULE_ESSENTIAL };
	const struct ig_rule_spec *r;
	int side, fam, type, code, pass;
	struct ig_rule *codes, e;
	size_t i;

	for (side = 0; side < IG_SIDES; side++) {
		for (fam = 0; fam < IG_POLICY_FAMILIES; fam++) {
			for (type = 0; type < IG_TYPES; type++) {
				codes = s->rules[side][fam][type];
				set_codes(codes, 0, IG_CODES - 1, &deflt[side]);
				if (!ig_is_essential(fam, type, IG_CODE_ANY))
					continue;
				for (code = 0; code < IG_CODES; code++)
					if (ig_is_essential(fam, type, code))
						set_codes(codes, code, code,
							  &essential);
			}
		}
	}
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < p->n_rules; i++) {
			r = &p->rules[i];
			if ((r->code == IG_CODE_ANY) != (pass == 0))
				continue;
			codes = s->rules[r->side][r->family][r->type];
			e = entry_of(r, class[i]);
			if (r->code == IG_CODE_ANY)
				set_codes(codes, 0, IG_CODES - 1, &e);
			else
				set_codes(codes, r->code, r->code, &e);
		}
	}
}

/*
 * The counter reason of every entry, which the program would otherwise
 * work out per packet from action and flags (ig_rule.reason).
 */
static void fill_reasons(struct ig_policy_slot *s)
{
	struct ig_rule *r = &s->rules[0][0][0][0];
	size_t i, n = sizeof(s->rules) / sizeof(*r);

	for (i = 0; i < n; i++)
		r[i].reason = ig_reason_store(
			ig_rule_reason(r[i].action, r[i].flags));
}

/*
 * The checks entry e needs (IG_RULE_ANY_CHECK). Forged neighbour discovery
 * is counted as such whatever the rule; the other checks only refine why
 * a packet the entry would not drop anyway is dropped.
 */
static __u8 checks_of(const struct ig_policy_slot *s, int side, int fam,
		      int type, const struct ig_rule *e)
{
	__u8 f = 0;

	if (fam == IG_FAM_V6 && type >= IG_ND_ROUTER_SOLICIT &&
	    type <= IG_ND_REDIRECT)
		f |= IG_RULE_NDP;
	if (e->action == IG_ACT_DROP)
		return f;
	if (e->max_size)
		f |= IG_RULE_SIZE;
	if (e->flags & (IG_RULE_VALIDATE | IG_RULE_VALIDATE_SOCKET))
		f |= IG_RULE_CALL_CHECK;
	/* The RA guard and smurf echo are about this host's own link. */
	if (side == IG_SIDE_TRANSIT)
		return f;
	if (fam == IG_FAM_V6 && type == IG_ND_ROUTER_ADVERT && s->meta.ra_guard)
		f |= IG_RULE_CALL_CHECK;
	if (fam == IG_FAM_V4 && type == IG_V4_ECHO_REQUEST &&
	    s->meta.broadcast_echo == IG_ACT_DROP)
		f |= IG_RULE_BCAST;
	return f;
}

/* Mark the entries that need checks; after meta is filled in. */
static void mark_checks(struct ig_policy_slot *s)
{
	int side, fam, type, code;
	struct ig_rule *e;

	for (side = 0; side < IG_SIDES; side++)
		for (fam = 0; fam < IG_POLICY_FAMILIES; fam++)
			for (type = 0; type < IG_TYPES; type++)
				for (code = 0; code < IG_CODES; code++) {
					e = &s->rules[side][fam][type][code];
					e->flags |= checks_of(s, side, fam,
							      type, e);
				}
}

/* Every prefix's bit in its family's filter (ig_prefix_filter_bit). */
static void fill_prefix_filter(const struct ig_policy *p,
			       struct ig_policy_slot *s)
{
	const struct ig_prefix_spec *ps;
	__u32 bits[IG_POLICY_FAMILIES] = { 32, 64 }, bit;
	uint64_t w;
	size_t i;

	for (i = 0; i < p->n_prefixes; i++) {
		ps = &p->prefixes[i];
		if (ps->list == IG_LIST_RA) /* routers, not sources */
			continue;
		if (ps->len < bits[ps->family])
			bits[ps->family] = ps->len;
	}
	for (i = 0; i < IG_POLICY_FAMILIES; i++)
		s->meta.prefix_bits[i] = (uint8_t)bits[i];
	for (i = 0; i < p->n_prefixes; i++) {
		ps = &p->prefixes[i];
		if (ps->list == IG_LIST_RA)
			continue;
		memcpy(&w, ps->addr, sizeof(w));
		if (ps->family == IG_FAM_V4)
			w &= ig_rl_mask64(~0ull, 32); /* the address only */
		bit = ig_prefix_filter_bit(w, bits[ps->family]);
		s->prefix_filter[ps->family][bit / 64] |= 1ull << (bit % 64);
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
		/* The RA guard's routers: a namespace of their own. */
		if (ps->list == IG_LIST_RA) {
			e->key.family = IG_PREFIX_RA_ROUTERS;
			out->slot->meta.ra_guard = 1;
			continue;
		}
		out->slot->meta.has_prefixes[ps->family] = 1;
	}
	out->n_prefixes = p->n_prefixes;
	fill_prefix_filter(p, out->slot);
}

int ig_policy_compile(const struct ig_policy *p, struct ig_compiled *out)
{
	uint16_t *class = NULL;
	int err;

	memset(out, 0, sizeof(*out));
	/* Parse and set validate too; a policy built by hand must as well. */
	err = ig_policy_validate(p, NULL);
	if (err)
		return err;
	out->slot = calloc(1, sizeof(*out->slot));
	out->prefixes = calloc(p->n_prefixes + 1, sizeof(*out->prefixes));
	class = calloc(p->n_rules + 1, sizeof(*class));
	if (!out->slot || !out->prefixes || !class) {
		err = -ENOMEM;
		goto cleanup;
	}
	out->slot->meta.fragments = p->fragments;
	out->slot->meta.broadcast_echo = p->broadcast_echo;
	out->slot->meta.audit = p->audit;
	err = number_classes(p, out->slot, class);
	if (err)
		goto cleanup;
	fill_rules(p, out->slot, class);
	fill_reasons(out->slot);
	free(class);
	class = NULL;
	fill_prefixes(p, out); /* sets meta.ra_guard, which marking reads */
	mark_checks(out->slot);
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
	free(class);
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
