// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The policy language, parse layer (parse.h): one statement into a struct
 * stmt, the `forward` prefix of transit rules included. Limits are in
 * parse_limit.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "../../include/icmpgate.h"
#include "../names.h"
#include "parse.h"

const char pol_set_expects[] =
	"default, fragments, broadcast-echo, mode, v4, v6, forward, allow, "
	"block or ra-guard";

/* `default` and `fragments` take pass|drop; a rule also takes limit. */
static int parse_action(const struct words *ws, int i, int last,
			uint8_t *action, struct ig_diag *d)
{
	const char *expected = last == IG_ACT_LIMIT ? "pass, drop or limit" :
						      "pass or drop";
	int a;

	if (i >= ws->n)
		return fail_word(d, ws, -1,
				 "missing action after '%s': expected %s",
				 ws->w[i - 1].s, expected);
	a = pol_action_by_name(ws->w[i].s, last);
	if (a >= 0) {
		*action = (uint8_t)a;
		return 0;
	}
	if (!strcmp(ws->w[i].s, "force"))
		return fail_word(d, ws, i,
				 "missing action before 'force': expected %s",
				 expected);
	return fail_word(d, ws, i, "unknown action '%s': expected %s",
			 ws->w[i].s, expected);
}

int pol_expect_end(const struct words *ws, int i, const char *expected,
		   struct ig_diag *d)
{
	if (ws->n <= i)
		return 0;
	return fail_word(d, ws, i, "unexpected '%s': %s", ws->w[i].s, expected);
}

/* `default ACTION`, `fragments ACTION`, `broadcast-echo ACTION` */
static int parse_switch(const struct words *ws, struct stmt *st,
			struct ig_diag *d)
{
	int err;

	st->kind = !strcmp(ws->w[0].s, "default")   ? ST_DEFAULT :
		   !strcmp(ws->w[0].s, "fragments") ? ST_FRAGMENTS :
						      ST_BROADCAST;
	err = parse_action(ws, 1, IG_ACT_DROP, &st->action, d);
	if (err)
		return err;
	return pol_expect_end(ws, 2, "expected end of statement", d);
}

/*
 * `mode audit|enforce`: in audit mode, what the policy would drop passes
 * and is counted as would-drop (RFC 6192: audit before enforcing).
 */
static int parse_mode(const struct words *ws, struct stmt *st,
		      struct ig_diag *d)
{
	st->kind = ST_MODE;
	if (ws->n < 2)
		return fail_word(d, ws, -1,
				 "missing mode after 'mode': expected audit "
				 "or enforce");
	if (!strcmp(ws->w[1].s, "audit"))
		st->action = 1;
	else if (strcmp(ws->w[1].s, "enforce"))
		return fail_word(d, ws, 1,
				 "unknown mode '%s': expected audit or "
				 "enforce",
				 ws->w[1].s);
	return pol_expect_end(ws, 2, "expected end of statement", d);
}

/* TYPE[/CODE], word i, for r->family. */
static int parse_target(const struct words *ws, int i, struct ig_rule_spec *r,
			struct ig_diag *d)
{
	const struct word *w = &ws->w[i];
	const char *fam = ig_family_name(r->family);
	char buf[WORD_MAX], tname[NAME_MAX_LEN], owner_name[NAME_MAX_LEN];
	char hint[2 * NAME_MAX_LEN];
	unsigned code_col;
	int type, code, owner, err;
	char *cs;

	memcpy(buf, w->s, sizeof(buf));
	cs = strchr(buf, '/');
	if (cs)
		*cs++ = '\0';
	if (!buf[0])
		return fail_word(d, ws, i,
				 "missing type before '/' in '%s': expected "
				 "TYPE/CODE",
				 w->s);
	err = pol_type_or_code(buf, r->family, -1, &type);
	if (err == -ERANGE)
		return pol_fail_at(d, ws->line, w->col, buf,
				   "type '%s' out of range: expected 0-255",
				   buf);
	if (err && ig_type_by_name(!r->family, buf) < 0 &&
	    !ig_suggest_type(r->family, buf, hint, sizeof(hint)))
		return pol_fail_at(d, ws->line, w->col, buf,
				   "unknown %s type '%s' (did you mean '%s'?)",
				   fam, buf, hint);
	if (err)
		return pol_fail_at(
			d, ws->line, w->col, buf, "unknown %s type '%s'%s", fam,
			buf,
			ig_type_by_name(!r->family, buf) < 0 ? "" :
			r->family == IG_FAM_V4 ? " (it is a v6 type)" :
						 " (it is a v4 type)");
	r->type = (uint8_t)type;
	r->code = IG_CODE_ANY;
	if (!cs)
		return 0;

	code_col = w->col + (unsigned)(cs - buf);
	pol_target_str(tname, sizeof(tname), r->family, type, IG_CODE_ANY);
	if (!*cs)
		return pol_fail_at(
			d, ws->line, code_col, "",
			"missing code after '%s': expected a code name "
			"or a number 0-255",
			w->s);
	err = pol_type_or_code(cs, r->family, type, &code);
	if (err == -ERANGE)
		return pol_fail_at(d, ws->line, code_col, cs,
				   "code '%s' out of range: expected 0-255",
				   cs);
	if (err) {
		owner = ig_code_type_by_name(r->family, cs);
		if (owner < 0 &&
		    !ig_suggest_code(r->family, type, cs, hint, sizeof(hint)))
			return pol_fail_at(
				d, ws->line, code_col, cs,
				"unknown code '%s' for %s %s (did you "
				"mean '%s'?)",
				cs, fam, tname, hint);
		if (owner < 0)
			return pol_fail_at(d, ws->line, code_col, cs,
					   "unknown code '%s' for %s %s", cs,
					   fam, tname);
		pol_target_str(owner_name, sizeof(owner_name), r->family, owner,
			       IG_CODE_ANY);
		return pol_fail_at(d, ws->line, code_col, cs,
				   "code '%s' belongs to %s %s, not to %s %s",
				   cs, fam, owner_name, fam, tname);
	}
	r->code = (int16_t)code;
	return 0;
}

/* `v4|v6 TYPE[/CODE]`: what a rule and `unset` have in common. */
int pol_parse_rule_head(const struct words *ws, struct ig_rule_spec *r,
			struct ig_diag *d)
{
	r->family = (uint8_t)ig_family_by_name(ws->w[0].s);
	r->line = ws->line;
	if (ws->n < 2)
		return fail_word(d, ws, -1,
				 "missing type after '%s': expected an ICMP "
				 "type name or a number 0-255",
				 ws->w[0].s);
	return parse_target(ws, 1, r, d);
}

/* `validate [socket]`, word *i, for rule r; *i ends past it. */
static int parse_validate(const struct words *ws, int *ip,
			  struct ig_rule_spec *r, struct ig_diag *d)
{
	int i = (*ip)++;

	char target[NAME_MAX_LEN];

	if (r->flags & IG_SPEC_VALIDATE)
		return fail_word(d, ws, i, "duplicate 'validate'");
	if (r->action == IG_ACT_DROP)
		return fail_word(d, ws, i,
				 "'validate' with 'drop': a message that is "
				 "dropped needs no checks");
	if (!ig_is_quoting_error(r->family, r->type)) {
		pol_target_str(target, sizeof(target), r->family, r->type,
			       IG_CODE_ANY);
		return fail_word(d, ws, i,
				 "'validate' checks the packet an ICMP error "
				 "quotes, and %s %s quotes none: expected "
				 "dest-unreachable, %stime-exceeded or "
				 "parameter-problem",
				 ig_family_name(r->family), target,
				 r->family == IG_FAM_V6 ? "packet-too-big, " :
							  "");
	}
	r->flags |= IG_SPEC_VALIDATE;
	if (*ip < ws->n && !strcmp(ws->w[*ip].s, "socket")) {
		r->flags |= IG_SPEC_VALIDATE_SOCKET;
		(*ip)++;
	}
	return 0;
}

/* `max-size N`, its number at word i, for rule r. */
static int parse_max_size(const struct words *ws, int i, struct ig_rule_spec *r,
			  struct ig_diag *d)
{
	static const struct number_arg arg = { "number", "max-size", false };
	char want[48];
	unsigned long v;
	int err;

	if (r->max_size)
		return fail_word(d, ws, i - 1, "duplicate 'max-size'");
	if (r->action == IG_ACT_DROP)
		return fail_word(d, ws, i - 1,
				 "'max-size' with 'drop': a message that is "
				 "dropped needs no size cap");
	snprintf(want, sizeof(want), "bytes of ICMP message, %d-%d",
		 IG_MAX_SIZE_MIN, IG_MAX_SIZE_MAX);
	err = pol_number_arg(ws, i, &arg, want, IG_MAX_SIZE_MAX, &v, d);
	if (err == -ERANGE || (!err && v < IG_MAX_SIZE_MIN))
		return fail_word(d, ws, i,
				 "max-size '%s' out of range: "
				 "expected %s",
				 ws->w[i].s, want);
	if (err)
		return err;
	r->max_size = (uint16_t)v;
	return 0;
}

/* After the action: `validate` and `max-size N`, in either order. */
static int parse_rule_opts(const struct words *ws, int *i,
			   struct ig_rule_spec *r, struct ig_diag *d)
{
	int err = 0;

	while (!err && *i < ws->n) {
		if (!strcmp(ws->w[*i].s, "validate")) {
			err = parse_validate(ws, i, r, d);
		} else if (!strcmp(ws->w[*i].s, "max-size")) {
			err = parse_max_size(ws, *i + 1, r, d);
			*i += 2;
		} else {
			break;
		}
	}
	return err;
}

/* `v4|v6 TYPE[/CODE] ACTION [validate] [max-size N] [force]` */
static int parse_rule(const struct words *ws, struct stmt *st,
		      struct ig_diag *d)
{
	struct ig_rule_spec *r = &st->rule;
	int i = 3, err;

	st->kind = ST_RULE;
	err = pol_parse_rule_head(ws, r, d);
	if (!err)
		err = parse_action(ws, 2, IG_ACT_LIMIT, &r->action, d);
	if (!err && r->action == IG_ACT_LIMIT)
		err = pol_parse_limit(ws, &i, r, d);
	if (!err)
		err = parse_rule_opts(ws, &i, r, d);
	if (err || ws->n <= i)
		return err;
	if (strcmp(ws->w[i].s, "force"))
		return fail_word(d, ws, i,
				 r->action == IG_ACT_LIMIT ?
					 "unknown word '%s': expected burst, "
					 "per-source, prefix, validate, "
					 "max-size, 'force' or end of "
					 "statement" :
				 r->action == IG_ACT_PASS ?
					 "unknown word '%s': expected "
					 "validate, max-size, 'force' or end "
					 "of statement" :
					 "unknown word '%s': expected 'force' "
					 "or end of statement",
				 ws->w[i].s);
	r->flags |= IG_SPEC_FORCE;
	return pol_expect_end(ws, i + 1, "'force' must be the last word", d);
}

/* CIDR, word i: an address and an optional /LEN, host bits clear. */
static int parse_cidr(const struct words *ws, int i, struct ig_prefix_spec *ps,
		      struct ig_diag *d)
{
	const struct word *w = &ws->w[i];
	char addr[WORD_MAX], net[INET6_ADDRSTRLEN];
	uint8_t masked[16];
	unsigned long len;
	unsigned max, col;
	char *slash;
	int err;

	memcpy(addr, w->s, sizeof(addr));
	slash = strchr(addr, '/');
	if (slash)
		*slash++ = '\0';
	ps->family = strchr(addr, ':') ? IG_FAM_V6 : IG_FAM_V4;
	max = pol_addr_bits(ps->family);
	if (inet_pton(pol_addr_af(ps->family), addr, ps->addr) != 1)
		return fail_word(d, ws, i,
				 "invalid address in '%s': expected an IPv4 "
				 "or IPv6 address, optionally with /LEN",
				 w->s);
	len = max;
	if (slash) {
		col = w->col + (unsigned)(slash - addr);
		if (!*slash)
			return pol_fail_at(d, ws->line, col, "",
					   "missing prefix length after '%s': "
					   "expected 0-%u",
					   w->s, max);
		err = pol_parse_num(slash, max, &len);
		if (err == -ERANGE)
			return pol_fail_at(d, ws->line, col, slash,
					   "prefix length '%s' out of range in "
					   "'%s': expected 0-%u",
					   slash, w->s, max);
		if (err)
			return pol_fail_at(
				d, ws->line, col, slash,
				"invalid prefix length '%s' in '%s': "
				"expected a number 0-%u",
				slash, w->s, max);
	}
	ps->len = (uint8_t)len;
	pol_mask_addr(masked, ps->addr, ps->len);
	if (memcmp(masked, ps->addr, sizeof(masked))) {
		inet_ntop(pol_addr_af(ps->family), masked, net, sizeof(net));
		return fail_word(d, ws, i,
				 "host bits set in '%s'; did you mean %s/%u?",
				 w->s, net, ps->len);
	}
	return 0;
}

/* `allow CIDR`, `block CIDR` */
int pol_parse_prefix_stmt(const struct words *ws, struct stmt *st,
			  struct ig_diag *d)
{
	int err;

	st->kind = ST_PREFIX;
	st->prefix.list = strcmp(ws->w[0].s, "allow") ? IG_LIST_BLOCK :
							IG_LIST_ALLOW;
	st->prefix.line = ws->line;
	if (ws->n < 2)
		return fail_word(d, ws, -1,
				 "missing prefix after '%s': expected an IPv4 "
				 "or IPv6 address, optionally with /LEN",
				 ws->w[0].s);
	err = parse_cidr(ws, 1, &st->prefix, d);
	if (err)
		return err;
	return pol_expect_end(ws, 2, "expected end of statement", d);
}

/* `ra-guard allow CIDR`: a router whose advertisements pass (RFC 6105). */
int pol_parse_ra_guard(const struct words *ws, struct stmt *st,
		       struct ig_diag *d)
{
	int err;

	st->kind = ST_PREFIX;
	st->prefix.list = IG_LIST_RA;
	st->prefix.line = ws->line;
	if (ws->n < 2 || strcmp(ws->w[1].s, "allow"))
		return fail_word(d, ws, ws->n < 2 ? -1 : 1,
				 "unexpected '%s': expected 'ra-guard allow "
				 "CIDR' (the routers whose advertisements "
				 "pass)",
				 ws->n < 2 ? "" : ws->w[1].s);
	if (ws->n < 3)
		return fail_word(d, ws, -1,
				 "missing prefix after 'ra-guard allow': "
				 "expected an IPv6 address, optionally with "
				 "/LEN");
	err = parse_cidr(ws, 2, &st->prefix, d);
	if (!err && st->prefix.family != IG_FAM_V6)
		return fail_word(d, ws, 2,
				 "'%s' is not IPv6: router advertisements "
				 "are ICMPv6",
				 ws->w[2].s);
	if (err)
		return err;
	return pol_expect_end(ws, 3, "expected end of statement", d);
}

bool pol_is_prefix_keyword(const char *s)
{
	return !strcmp(s, "allow") || !strcmp(s, "block");
}

static bool is_switch_keyword(const char *s)
{
	return !strcmp(s, "default") || !strcmp(s, "fragments") ||
	       !strcmp(s, "broadcast-echo");
}

/*
 * A leading `forward`: the statement is about transit traffic. Drops the
 * word from ws (the others keep their columns) and returns the side.
 */
uint8_t pol_take_side(struct words *ws)
{
	if (ws->n < 2 || strcmp(ws->w[0].s, "forward"))
		return IG_SIDE_HOST;
	memmove(&ws->w[0], &ws->w[1], (size_t)(ws->n - 1) * sizeof(ws->w[0]));
	ws->n--;
	return IG_SIDE_TRANSIT;
}

/* `forward default ...` or `forward v4|v6 ...` (words after `forward`). */
static int parse_forward(const struct words *ws, struct stmt *st,
			 struct ig_diag *d)
{
	int err, i;

	if (!strcmp(ws->w[0].s, "default")) {
		err = parse_switch(ws, st, d);
		st->kind = ST_FORWARD_DEFAULT;
		return err;
	}
	if (ig_family_by_name(ws->w[0].s) < 0)
		return fail_word(d, ws, 0,
				 "'forward' takes 'default' or a v4|v6 rule, "
				 "not '%s'",
				 ws->w[0].s);
	err = parse_rule(ws, st, d);
	st->rule.side = IG_SIDE_TRANSIT;
	if (err || !(st->rule.flags & IG_SPEC_VALIDATE_SOCKET))
		return err;
	for (i = 1; i < ws->n && strcmp(ws->w[i].s, "socket"); i++)
		;
	return fail_word(d, ws, i,
			 "validate 'socket' asks this host's sockets, and a "
			 "transit error goes to another host: use 'validate' "
			 "alone in a 'forward' rule");
}

/* One statement (ws->n > 0), on side (pol_take_side()). */
int pol_parse_stmt(const struct words *ws, uint8_t side, struct stmt *st,
		   struct ig_diag *d)
{
	const char *kw = ws->w[0].s;

	memset(st, 0, sizeof(*st));
	if (side == IG_SIDE_TRANSIT)
		return parse_forward(ws, st, d);
	if (!strcmp(kw, "forward"))
		return fail_word(d, ws, -1,
				 "missing statement after 'forward': expected "
				 "'default' or a v4|v6 rule");
	if (is_switch_keyword(kw))
		return parse_switch(ws, st, d);
	if (!strcmp(kw, "mode"))
		return parse_mode(ws, st, d);
	if (ig_family_by_name(kw) >= 0)
		return parse_rule(ws, st, d);
	if (pol_is_prefix_keyword(kw))
		return pol_parse_prefix_stmt(ws, st, d);
	if (!strcmp(kw, "ra-guard"))
		return pol_parse_ra_guard(ws, st, d);
	return fail_word(d, ws, 0, "unknown statement '%s': expected %s", kw,
			 pol_set_expects);
}
