// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The policy language, check layer (check.h): the whole-policy check that
 * keeps NDP, MLD and PMTUD alive (the table of essential messages is
 * names.c's), and the shape check of a policy built by other means than
 * parsing.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../include/icmpgate.h"
#include "check.h"
#include "diag.h"

/* `limit` rules of p, but for rule skip (NONE: none). */
unsigned pol_count_limits(const struct ig_policy *p, size_t skip)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < p->n_rules; i++)
		n += i != skip && p->rules[i].action == IG_ACT_LIMIT;
	return n;
}

#define BIT_SET(map, i) ((map)[(i) / 8] |= (uint8_t)(1u << ((i) % 8)))
#define BIT_TEST(map, i) ((map)[(i) / 8] & (1u << ((i) % 8)))

/*
 * Does r's action harm essential message (r's type, code)? A drop does. So
 * does a limit with a class bucket: one flood would empty it for every
 * sender, and RFC 4890 4.3.1 says these must not be dropped. A limit per
 * source only is fine for PMTUD, whose senders are routers with buckets of
 * their own, but not for NDP and MLD (see ig_essential.source_limit_ok).
 */
static bool harms(const struct ig_rule_spec *r, int code)
{
	const struct ig_essential *e =
		ig_essential_find(r->family, r->type, code);

	if (!e || r->action == IG_ACT_PASS)
		return false;
	if (r->action == IG_ACT_LIMIT && !r->limit.cls.amount)
		return !e->source_limit_ok;
	return true;
}

/*
 * The first essential code that rule r decides and drops or limits, or
 * -1. A rule for one code decides it; a type-wide rule decides the codes
 * that have no rule of their own (coded).
 */
static int dropped_essential(const struct ig_rule_spec *r, const uint8_t *coded)
{
	int c;

	if (r->action == IG_ACT_PASS || (r->flags & IG_SPEC_FORCE))
		return -1;
	if (r->code != IG_CODE_ANY)
		return harms(r, r->code) ? r->code : -1;
	if (!ig_is_essential(r->family, r->type, IG_CODE_ANY))
		return -1;
	for (c = 0; c < IG_CODES; c++)
		if (!BIT_TEST(coded, c) && harms(r, c))
			return c;
	return -1;
}

/*
 * Resolve every essential (family, type, code) by its most specific rule,
 * as the compiler will, ignoring rule skip (NONE: none). Reports the
 * offending rule that comes first in the text.
 */
bool pol_find_violation(const struct ig_policy *p, size_t skip,
			struct violation *v)
{
	static const uint8_t none[IG_CODES / 8];
	static uint8_t coded[IG_SIDES][IG_POLICY_FAMILIES][IG_TYPES]
			    [IG_CODES / 8];
	const struct ig_rule_spec *r;
	bool found = false;
	size_t i;
	int code;

	memset(coded, 0, sizeof(coded));
	for (i = 0; i < p->n_rules; i++) {
		r = &p->rules[i];
		if (i != skip && r->code >= 0 && r->code < IG_CODES &&
		    r->family < IG_POLICY_FAMILIES && r->side < IG_SIDES)
			BIT_SET(coded[r->side][r->family][r->type], r->code);
	}
	for (i = 0; i < p->n_rules; i++) {
		r = &p->rules[i];
		if (i == skip)
			continue;
		code = dropped_essential(
			r,
			r->family < IG_POLICY_FAMILIES && r->side < IG_SIDES ?
				coded[r->side][r->family][r->type] :
				none);
		if (code < 0 || (found && r->line >= p->rules[v->rule].line))
			continue;
		v->rule = i;
		v->code = code;
		found = true;
	}
	return found;
}

/*
 * What rule v->rule would drop and why: its target ("dest-unreachable"),
 * the message ("frag-needed", "packet-too-big") and the essential entry.
 */
const struct ig_essential *pol_explain(const struct ig_policy *p,
				       const struct violation *v, char *target,
				       char *what)
{
	const struct ig_rule_spec *r = &p->rules[v->rule];
	const struct ig_essential *e =
		ig_essential_find(r->family, r->type, v->code);

	char num[12];

	pol_target_str(target, NAME_MAX_LEN, r->family, r->type, r->code);
	if (e->code == IG_CODE_ANY)
		pol_target_str(what, NAME_MAX_LEN, r->family, r->type,
			       IG_CODE_ANY);
	else
		snprintf(what, NAME_MAX_LEN, "%s",
			 pol_num_str(num, sizeof(num),
				     ig_code_name(r->family, r->type, v->code),
				     v->code));
	return e;
}

/* Refuse a rule that limits an essential message; diag at line:col. */
static int refuse_limit(const struct ig_rule_spec *r,
			const struct ig_essential *e, const char *target,
			const char *what, unsigned line, unsigned col,
			struct ig_diag *d)
{
	const char *fam = ig_family_name(r->family);

	if (!r->limit.cls.amount)
		return pol_fail_at(
			d, line, col, "limit",
			"%s %s 'limit' would rate-limit %s, which %s; "
			"its senders share link-local addresses, so "
			"even per-source buckets would be one bucket "
			"for the whole link; add 'force' to do it "
			"anyway",
			fam, target, what, e->why);
	if (e->source_limit_ok)
		return pol_fail_at(
			d, line, col, "limit",
			"%s %s 'limit' would put %s, which %s, behind "
			"one bucket for every sender, so that one "
			"flood would cut everyone off (RFC 4890 "
			"4.3.1); limit it per source only ('limit "
			"per-source RATE') or add 'force'",
			fam, target, what, e->why);
	return pol_fail_at(d, line, col, "limit",
			   "%s %s 'limit' would rate-limit %s, which %s; add "
			   "'force' to do it anyway",
			   fam, target, what, e->why);
}

/* Refuse a rule that drops an essential message; diag at line:col. */
int pol_refuse(const struct ig_policy *p, const struct violation *v,
	       unsigned line, unsigned col, struct ig_diag *d)
{
	const struct ig_rule_spec *r = &p->rules[v->rule];
	const char *fam = ig_family_name(r->family);
	char target[NAME_MAX_LEN], what[NAME_MAX_LEN], pass[NAME_MAX_LEN];
	const struct ig_essential *e = pol_explain(p, v, target, what);

	if (r->action == IG_ACT_LIMIT)
		return refuse_limit(r, e, target, what, line, col, d);
	if (r->code != IG_CODE_ANY || e->code == IG_CODE_ANY)
		return pol_fail_at(d, line, col, "drop",
				   "%s %s 'drop' would drop %s, which %s; add "
				   "'force' to do it anyway",
				   fam, target, what, e->why);
	/* A type-wide rule can keep its drop if the one code passes. */
	pol_target_str(pass, sizeof(pass), r->family, r->type, v->code);
	return pol_fail_at(d, line, col, "drop",
			   "%s %s 'drop' would drop %s, which %s; pass it with "
			   "'%s %s pass' or add 'force'",
			   fam, target, what, e->why, fam, pass);
}

/* A bucket as the parser would have made it. */
static bool rate_ok(const struct ig_rate_spec *r)
{
	if (!r->amount)
		return true;
	if (r->bits)
		return r->period == 1 && r->amount >= IG_LIMIT_BITS_MIN &&
		       r->amount <= IG_LIMIT_BITS_MAX &&
		       r->burst >= IG_LIMIT_FRAME_BYTES &&
		       !pol_burst_too_long(r);
	return (r->period == 1 || r->period == 60) &&
	       r->amount <= IG_LIMIT_AMOUNT_MAX && r->burst >= 1 &&
	       !pol_burst_too_long(r);
}

static bool limit_ok(const struct ig_rule_spec *r)
{
	const struct ig_limit_spec *l = &r->limit;

	if (r->action != IG_ACT_LIMIT)
		return true;
	if (!l->cls.amount && !l->src.amount)
		return false;
	if (l->src.amount &&
	    (!l->prefix_len || l->prefix_len > pol_addr_bits(r->family)))
		return false;
	return rate_ok(&l->cls) && rate_ok(&l->src);
}

/* `validate` and `max-size` as the parser allows them. */
static bool opts_ok(const struct ig_rule_spec *r)
{
	if ((r->flags & IG_SPEC_VALIDATE_SOCKET) &&
	    !(r->flags & IG_SPEC_VALIDATE))
		return false;
	if (r->action == IG_ACT_DROP)
		return !(r->flags & IG_SPEC_VALIDATE) && !r->max_size;
	if ((r->flags & IG_SPEC_VALIDATE) &&
	    !ig_is_quoting_error(r->family, r->type))
		return false;
	return !r->max_size || r->max_size >= IG_MAX_SIZE_MIN;
}

static bool rule_ok(const struct ig_rule_spec *r)
{
	if (r->side == IG_SIDE_TRANSIT && (r->flags & IG_SPEC_VALIDATE_SOCKET))
		return false;
	return r->side < IG_SIDES && r->family < IG_POLICY_FAMILIES &&
	       r->action <= IG_ACT_LIMIT && r->code >= IG_CODE_ANY &&
	       r->code < IG_CODES &&
	       !(r->flags & ~(IG_SPEC_FORCE | IG_SPEC_VALIDATE |
			      IG_SPEC_VALIDATE_SOCKET)) &&
	       limit_ok(r) && opts_ok(r);
}

static bool prefix_ok(const struct ig_prefix_spec *ps)
{
	uint8_t masked[16];

	if (ps->family >= IG_POLICY_FAMILIES ||
	    ps->len > pol_addr_bits(ps->family) || ps->list < IG_LIST_ALLOW ||
	    ps->list > IG_LIST_RA ||
	    (ps->list == IG_LIST_RA && ps->family != IG_FAM_V6))
		return false;
	pol_mask_addr(masked, ps->addr, ps->len);
	return !memcmp(masked, ps->addr, sizeof(masked));
}

/* What format needs: every value has a name and every prefix a form. */
int pol_check_shape(const struct ig_policy *p, struct ig_diag *d)
{
	size_t i;

	if (p->default_action > IG_ACT_DROP || p->fragments > IG_ACT_DROP ||
	    p->broadcast_echo > IG_ACT_DROP || p->forward_default > IG_ACT_DROP)
		return pol_fail_at(
			d, 0, 0, "",
			"'default', 'forward default', 'fragments' and "
			"'broadcast-echo' must be pass or drop");
	if (p->audit > 1)
		return pol_fail_at(d, 0, 0, "",
				   "'mode' must be audit or enforce");
	for (i = 0; i < p->n_rules; i++)
		if (!rule_ok(&p->rules[i]))
			return pol_fail_at(d, p->rules[i].line, 0, "",
					   "rule %zu is not a valid rule", i);
	if (pol_count_limits(p, NONE) > IG_MAX_CLASSES)
		return pol_fail_at(d, 0, 0, "", "more than %d 'limit' rules",
				   IG_MAX_CLASSES);
	if (p->n_prefixes > IG_MAX_PREFIXES)
		return pol_fail_at(d, 0, 0, "", "more than %d prefixes",
				   IG_MAX_PREFIXES);
	for (i = 0; i < p->n_prefixes; i++)
		if (!prefix_ok(&p->prefixes[i]))
			return pol_fail_at(d, p->prefixes[i].line, 0, "",
					   "prefix %zu is not a valid prefix",
					   i);
	return 0;
}

int ig_policy_validate(const struct ig_policy *p, struct ig_diag *diag)
{
	struct ig_diag scratch;
	struct violation v;
	int err;

	diag = pol_diag_start(diag, &scratch, NULL);
	err = pol_check_shape(p, diag);
	if (!err && pol_find_violation(p, NONE, &v))
		err = pol_refuse(p, &v, p->rules[v.rule].line, 0, diag);
	return err;
}
