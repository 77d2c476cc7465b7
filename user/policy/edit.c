// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The policy language, edit layer, the top: a whole text into a policy,
 * `set` and `unset`, over a store of statements that finds a repeated one.
 *
 * Prefixes: the program does one longest-prefix match over the allow and
 * block lists together, so the most specific prefix decides. With
 * `block 10.0.0.0/8` and `allow 10.1.0.0/16`, 10.1.2.3 is trusted and
 * 10.2.3.4 is blocked. A prefix can be in one list only.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../include/icmpgate.h"
#include "../names.h"
#include "check.h"
#include "parse.h"

#define SET_LINE 1 /* `set` and `unset` read one statement: line 1 */
/*
 * Every (side, family, type, code) target; code IG_CODE_ANY has a slot
 * too.
 */
#define RULE_TARGETS (IG_SIDES * IG_POLICY_FAMILIES * IG_TYPES * (IG_CODES + 1))
/* Open addressing, at most half full, so a probe always ends. */
#define PREFIX_SLOTS (2 * IG_MAX_PREFIXES)

_Static_assert((PREFIX_SLOTS & (PREFIX_SLOTS - 1)) == 0, "power of two");

/*
 * Where each target of a whole file was first seen, so that a repeated
 * statement is found in O(1) even in a file of many thousand prefixes.
 */
struct seen {
	uint32_t *rules; /* [RULE_TARGETS]: index + 1 into p->rules */
	uint32_t *prefixes; /* [PREFIX_SLOTS]: index + 1 into p->prefixes */
	unsigned n_limits; /* `limit` rules so far */
	unsigned default_line;
	unsigned forward_default_line;
	unsigned fragments_line;
	unsigned broadcast_line;
	unsigned mode_line;
};

static const char unset_expects[] =
	"[forward] v4|v6 TYPE[/CODE], allow|block CIDR or ra-guard allow CIDR";

static size_t rule_target(const struct ig_rule_spec *r)
{
	return (((size_t)r->side * IG_POLICY_FAMILIES + r->family) * IG_TYPES +
		r->type) *
		       (IG_CODES + 1) +
	       (size_t)(r->code + 1);
}

static bool same_target(const struct ig_rule_spec *a,
			const struct ig_rule_spec *b)
{
	return a->side == b->side && a->family == b->family &&
	       a->type == b->type && a->code == b->code;
}

/* The same prefix in the same namespace: allow/block, or the RA guard. */
static bool same_prefix(const struct ig_prefix_spec *a,
			const struct ig_prefix_spec *b)
{
	return (a->list == IG_LIST_RA) == (b->list == IG_LIST_RA) &&
	       a->family == b->family && a->len == b->len &&
	       !memcmp(a->addr, b->addr, sizeof(a->addr));
}

/* The slot of ps in seen->prefixes: its entry, or the empty slot for it. */
static uint32_t *prefix_slot(const struct ig_policy *p, const struct seen *seen,
			     const struct ig_prefix_spec *ps)
{
	size_t h = ps->family * 131u + ps->len, i;

	for (i = 0; i < sizeof(ps->addr); i++)
		h = h * 31 + ps->addr[i];
	h &= PREFIX_SLOTS - 1;
	while (seen->prefixes[h] &&
	       !same_prefix(&p->prefixes[seen->prefixes[h] - 1], ps))
		h = (h + 1) & (PREFIX_SLOTS - 1);
	return &seen->prefixes[h];
}

/* Index of the rule for r's target, or NONE. */
static size_t find_rule(const struct ig_policy *p, const struct seen *seen,
			const struct ig_rule_spec *r)
{
	size_t i;

	if (seen)
		return seen->rules[rule_target(r)] ?
			       seen->rules[rule_target(r)] - 1 :
			       NONE;
	for (i = 0; i < p->n_rules; i++)
		if (same_target(&p->rules[i], r))
			return i;
	return NONE;
}

/* Index of the same prefix in either list, or NONE. */
static size_t find_prefix(const struct ig_policy *p, const struct seen *seen,
			  const struct ig_prefix_spec *ps)
{
	uint32_t *slot;
	size_t i;

	if (seen) {
		slot = prefix_slot(p, seen, ps);
		return *slot ? *slot - 1 : NONE;
	}
	for (i = 0; i < p->n_prefixes; i++)
		if (same_prefix(&p->prefixes[i], ps))
			return i;
	return NONE;
}

/* Room for element n: the array, maybe moved, or NULL (arr still valid). */
static void *room_for(void *arr, size_t n, size_t *cap, size_t size)
{
	size_t ncap = *cap ? *cap * 2 : 16;
	void *a;

	if (n < *cap)
		return arr;
	a = realloc(arr, ncap * size);
	if (a)
		*cap = ncap;
	return a;
}

static void remove_at(void *arr, size_t *n, size_t i, size_t size)
{
	char *a = arr;

	memmove(a + i * size, a + (i + 1) * size, (*n - i - 1) * size);
	(*n)--;
}

static int first_time(unsigned *first_line, const struct words *ws,
		      struct ig_diag *d)
{
	if (*first_line)
		return fail_word(d, ws, 0, "duplicate '%s' (first at line %u)",
				 ws->w[0].s, *first_line);
	*first_line = ws->line;
	return 0;
}

static int duplicate_rule(const struct ig_rule_spec *first,
			  const struct words *ws, struct ig_diag *d)
{
	const char *fam = ig_family_name(first->family);
	char canon[NAME_MAX_LEN];

	pol_target_str(canon, sizeof(canon), first->family, first->type,
		       first->code);
	if (!strcmp(canon, ws->w[1].s))
		return fail_word(
			d, ws, 1,
			"duplicate rule for %s '%s' (first at line %u)", fam,
			canon, first->line);
	return fail_word(d, ws, 1,
			 "duplicate rule for %s '%s', i.e. %s %s (first at "
			 "line %u)",
			 fam, ws->w[1].s, fam, canon, first->line);
}

static int put_rule(struct ig_policy *p, struct seen *seen,
		    const struct ig_rule_spec *r, const struct words *ws,
		    struct ig_diag *d)
{
	size_t i = find_rule(p, seen, r);
	struct ig_rule_spec *rules;
	unsigned limits;

	if (i != NONE && seen)
		return duplicate_rule(&p->rules[i], ws, d);
	if (r->action == IG_ACT_LIMIT) {
		/* Every limit rule is a class with buckets of its own. */
		limits = seen ? seen->n_limits : pol_count_limits(p, i);
		if (limits >= IG_MAX_CLASSES)
			return fail_word(d, ws, 2,
					 "too many 'limit' rules: at most %d "
					 "in a policy",
					 IG_MAX_CLASSES);
		if (seen)
			seen->n_limits++;
	}
	if (i != NONE) {
		p->rules[i] = *r;
		return 0;
	}
	rules = room_for(p->rules, p->n_rules, &p->cap_rules, sizeof(*rules));
	if (!rules)
		return -ENOMEM;
	p->rules = rules;
	p->rules[p->n_rules++] = *r;
	if (seen)
		seen->rules[rule_target(r)] = (uint32_t)p->n_rules;
	return 0;
}

static int put_prefix(struct ig_policy *p, struct seen *seen,
		      const struct ig_prefix_spec *ps, const struct words *ws,
		      struct ig_diag *d)
{
	size_t i = find_prefix(p, seen, ps);
	const struct ig_prefix_spec *first;
	struct ig_prefix_spec *prefixes;
	int w = ps->list == IG_LIST_RA ? 2 : 1; /* the word of the CIDR */

	if (i != NONE && !seen) {
		p->prefixes[i] = *ps; /* `set` moves it to the new list */
		return 0;
	}
	if (i != NONE) {
		first = &p->prefixes[i];
		if (first->list == ps->list)
			return fail_word(d, ws, w,
					 "duplicate prefix '%s' (first at line "
					 "%u)",
					 ws->w[w].s, first->line);
		return fail_word(d, ws, w,
				 "prefix '%s' is already in the %s list (line "
				 "%u); a source is either trusted or blocked",
				 ws->w[w].s, pol_list_names[first->list],
				 first->line);
	}
	if (p->n_prefixes >= IG_MAX_PREFIXES)
		return fail_word(d, ws, w,
				 "too many prefixes at '%s': at most %d in a "
				 "policy",
				 ws->w[w].s, IG_MAX_PREFIXES);
	prefixes = room_for(p->prefixes, p->n_prefixes, &p->cap_prefixes,
			    sizeof(*prefixes));
	if (!prefixes)
		return -ENOMEM;
	p->prefixes = prefixes;
	if (seen)
		*prefix_slot(p, seen, ps) = (uint32_t)p->n_prefixes + 1;
	p->prefixes[p->n_prefixes++] = *ps;
	return 0;
}

/*
 * Add a statement to p. With seen (a whole file) a second statement for the
 * same target is an error; without it (`set`) it replaces the first.
 */
static int put_stmt(struct ig_policy *p, struct seen *seen,
		    const struct stmt *st, const struct words *ws,
		    struct ig_diag *d)
{
	int err = 0;

	switch (st->kind) {
	case ST_DEFAULT:
		if (seen)
			err = first_time(&seen->default_line, ws, d);
		p->default_action = st->action;
		return err;
	case ST_FORWARD_DEFAULT:
		if (seen)
			err = first_time(&seen->forward_default_line, ws, d);
		p->forward_default = st->action;
		return err;
	case ST_FRAGMENTS:
		if (seen)
			err = first_time(&seen->fragments_line, ws, d);
		p->fragments = st->action;
		return err;
	case ST_BROADCAST:
		if (seen)
			err = first_time(&seen->broadcast_line, ws, d);
		p->broadcast_echo = st->action;
		return err;
	case ST_MODE:
		if (seen)
			err = first_time(&seen->mode_line, ws, d);
		p->audit = st->action;
		return err;
	case ST_RULE:
		return put_rule(p, seen, &st->rule, ws, d);
	case ST_PREFIX:
		return put_prefix(p, seen, &st->prefix, ws, d);
	}
	return -EINVAL;
}

void ig_policy_init(struct ig_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->default_action = IG_ACT_PASS;
	p->fragments = IG_ACT_PASS;
	p->broadcast_echo = IG_ACT_DROP; /* smurf amplifiers (RFC 2644) */
}

void ig_policy_free(struct ig_policy *p)
{
	free(p->rules);
	free(p->prefixes);
	ig_policy_init(p);
}

static int policy_copy(struct ig_policy *dst, const struct ig_policy *src)
{
	ig_policy_init(dst);
	dst->default_action = src->default_action;
	dst->forward_default = src->forward_default;
	dst->fragments = src->fragments;
	dst->broadcast_echo = src->broadcast_echo;
	dst->audit = src->audit;
	dst->rules = malloc((src->n_rules + 1) * sizeof(*dst->rules));
	dst->prefixes = malloc((src->n_prefixes + 1) * sizeof(*dst->prefixes));
	if (!dst->rules || !dst->prefixes) {
		ig_policy_free(dst);
		return -ENOMEM;
	}
	/* An empty policy may have NULL arrays: memcpy(x, NULL, 0) is UB. */
	if (src->n_rules)
		memcpy(dst->rules, src->rules,
		       src->n_rules * sizeof(*dst->rules));
	if (src->n_prefixes)
		memcpy(dst->prefixes, src->prefixes,
		       src->n_prefixes * sizeof(*dst->prefixes));
	dst->n_rules = dst->cap_rules = src->n_rules;
	dst->n_prefixes = dst->cap_prefixes = src->n_prefixes;
	/* +1 above: malloc(0) may be NULL; the spare slot is real room. */
	dst->cap_rules++;
	dst->cap_prefixes++;
	return 0;
}

int ig_policy_parse(struct ig_policy *p, const char *text, size_t len,
		    const char *source, struct ig_diag *diag)
{
	struct seen seen = { 0 };
	struct ig_diag scratch;
	struct violation v;
	struct words ws;
	struct stmt st;
	size_t pos = 0, eol;
	unsigned line = 0;
	int err = 0;

	diag = pol_diag_start(diag, &scratch, source);
	ig_policy_init(p);
	seen.rules = calloc(RULE_TARGETS, sizeof(*seen.rules));
	seen.prefixes = calloc(PREFIX_SLOTS, sizeof(*seen.prefixes));
	if (!seen.rules || !seen.prefixes) {
		err = -ENOMEM;
		goto out;
	}
	while (pos < len && !err) {
		for (eol = pos; eol < len && text[eol] != '\n'; eol++)
			;
		err = pol_split_words(text + pos, eol - pos, ++line, &ws, diag);
		if (!err && ws.n)
			err = pol_parse_stmt(&ws, pol_take_side(&ws), &st,
					     diag);
		if (!err && ws.n)
			err = put_stmt(p, &seen, &st, &ws, diag);
		pos = eol + 1;
	}
	/* Whole-policy: a later code rule may rescue an earlier type rule. */
	if (!err && pol_find_violation(p, NONE, &v))
		err = pol_refuse(p, &v, p->rules[v.rule].line,
				 pol_col_in_text(text, len,
						 p->rules[v.rule].line,
						 2 + p->rules[v.rule].side),
				 diag);
out:
	free(seen.rules);
	free(seen.prefixes);
	if (err)
		ig_policy_free(p);
	return pol_finish(err, diag);
}

/* The one statement of `set` or `unset`; a trailing newline is fine. */
static int one_statement(const char *s, const char *expects, struct words *ws,
			 struct ig_diag *d)
{
	const char *nl;
	size_t len;
	int err;

	if (!s)
		return pol_fail_at(d, 0, 0, "",
				   "missing statement: expected %s", expects);
	nl = strchr(s, '\n');
	len = nl ? (size_t)(nl - s) : strlen(s);
	if (nl && nl[strspn(nl, " \t\r\n")])
		return pol_fail_at(
			d, SET_LINE, (unsigned)len + 1, "",
			"one statement at a time, without line breaks");
	err = pol_split_words(s, len, SET_LINE, ws, d);
	if (!err && !ws->n)
		err = pol_fail_at(d, SET_LINE, 1, "",
				  "missing statement: expected %s", expects);
	return err;
}

int ig_policy_set(struct ig_policy *p, const char *stmt, struct ig_diag *diag)
{
	struct ig_diag scratch;
	struct violation v;
	struct ig_policy q;
	struct words ws;
	struct stmt st;
	int err;

	diag = pol_diag_start(diag, &scratch, "set");
	err = one_statement(stmt, pol_set_expects, &ws, diag);
	if (!err)
		err = pol_parse_stmt(&ws, pol_take_side(&ws), &st, diag);
	if (err)
		return err;
	err = policy_copy(&q, p);
	if (err)
		return pol_finish(err, diag);
	err = put_stmt(&q, NULL, &st, &ws, diag);
	/*
	 * Only the new rule can be at fault: replacing a rule never lets
	 * another, less specific one decide more codes than before.
	 */
	if (!err && pol_find_violation(&q, NONE, &v))
		err = pol_refuse(&q, &v, SET_LINE, ws.w[2].col, diag);
	if (err) {
		ig_policy_free(&q);
		return pol_finish(err, diag);
	}
	ig_policy_free(p);
	*p = q;
	return 0;
}

static int unset_rule(struct ig_policy *p, const struct ig_rule_spec *r,
		      const struct words *ws, struct ig_diag *d)
{
	const char *fam = ig_family_name(r->family);
	char rest[NAME_MAX_LEN], what[NAME_MAX_LEN];
	size_t i = find_rule(p, NULL, r);
	const struct ig_essential *e;
	struct violation v;

	if (i == NONE) {
		fail_word(d, ws, 1, "no rule for %s '%s' to unset", fam,
			  ws->w[1].s);
		return -ENOENT;
	}
	/* Removing a code rule hands its code back to the type-wide rule. */
	if (pol_find_violation(p, i, &v)) {
		e = pol_explain(p, &v, rest, what);
		return fail_word(d, ws, 1,
				 "cannot unset %s '%s': '%s %s %s' would then "
				 "%s %s, which %s; unset or force that rule "
				 "first",
				 fam, ws->w[1].s, fam, rest,
				 pol_action_names[p->rules[v.rule].action],
				 p->rules[v.rule].action == IG_ACT_DROP ?
					 "drop" :
					 "rate-limit",
				 what, e->why);
	}
	remove_at(p->rules, &p->n_rules, i, sizeof(*p->rules));
	return 0;
}

static int unset_prefix(struct ig_policy *p, const struct ig_prefix_spec *ps,
			const struct words *ws, struct ig_diag *d)
{
	size_t i = find_prefix(p, NULL, ps);
	int w = ps->list == IG_LIST_RA ? 2 : 1; /* the word of the CIDR */

	if (i != NONE && p->prefixes[i].list != ps->list) {
		fail_word(d, ws, w, "prefix '%s' is in the %s list, not in %s",
			  ws->w[w].s, pol_list_names[p->prefixes[i].list],
			  pol_list_names[ps->list]);
		return -ENOENT;
	}
	if (i == NONE) {
		fail_word(d, ws, w, "no prefix '%s' in the %s list to unset",
			  ws->w[w].s, pol_list_names[ps->list]);
		return -ENOENT;
	}
	remove_at(p->prefixes, &p->n_prefixes, i, sizeof(*p->prefixes));
	return 0;
}

int ig_policy_unset(struct ig_policy *p, const char *what, struct ig_diag *diag)
{
	struct ig_diag scratch;
	struct words ws;
	struct stmt st;
	int err;

	diag = pol_diag_start(diag, &scratch, "unset");
	err = one_statement(what, unset_expects, &ws, diag);
	if (err)
		return err;
	memset(&st, 0, sizeof(st));
	st.rule.side = pol_take_side(&ws);
	if (ig_family_by_name(ws.w[0].s) >= 0) {
		err = pol_parse_rule_head(&ws, &st.rule, diag);
		if (!err)
			err = pol_expect_end(
				&ws, 2,
				"unset takes no action: expected end "
				"of statement",
				diag);
		return err ? err : unset_rule(p, &st.rule, &ws, diag);
	}
	if (st.rule.side == IG_SIDE_TRANSIT)
		return fail_word(diag, &ws, 0,
				 "cannot unset 'forward %s': expected "
				 "'forward v4|v6 TYPE[/CODE]'",
				 ws.w[0].s);
	if (pol_is_prefix_keyword(ws.w[0].s) ||
	    !strcmp(ws.w[0].s, "ra-guard")) {
		err = pol_is_prefix_keyword(ws.w[0].s) ?
			      pol_parse_prefix_stmt(&ws, &st, diag) :
			      pol_parse_ra_guard(&ws, &st, diag);
		return err ? err : unset_prefix(p, &st.prefix, &ws, diag);
	}
	return fail_word(diag, &ws, 0, "cannot unset '%s': expected %s",
			 ws.w[0].s, unset_expects);
}
