/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The policy language, parse layer: the words of one statement into a
 * struct stmt, one parser for whole files, `set` and `unset`. It checks
 * each statement alone; what needs the whole policy (duplicates, the
 * essential messages) is for the layers above. Private to user/policy/.
 */
#ifndef IG_POLICY_PARSE_H
#define IG_POLICY_PARSE_H

#include "words.h"

enum stmt_kind {
	ST_DEFAULT,
	ST_FORWARD_DEFAULT,
	ST_FRAGMENTS,
	ST_BROADCAST,
	ST_MODE,
	ST_RULE,
	ST_PREFIX,
};

struct stmt {
	enum stmt_kind kind;
	uint8_t action; /* ST_DEFAULT, ST_FRAGMENTS; ST_MODE: 1 for audit */
	struct ig_rule_spec rule;
	struct ig_prefix_spec prefix;
};

/* The statements there are, for "expected ..." messages. */
extern const char pol_set_expects[];

/*
 * A leading `forward`: the statement is about transit traffic. Drops the
 * word from ws (the others keep their columns) and returns the side.
 */
uint8_t pol_take_side(struct words *ws);
/* One statement (ws->n > 0), on side (pol_take_side()). */
int pol_parse_stmt(const struct words *ws, uint8_t side, struct stmt *st,
		   struct ig_diag *d);

/* The pieces `unset` reads too. */
int pol_expect_end(const struct words *ws, int i, const char *expected,
		   struct ig_diag *d);
/* `v4|v6 TYPE[/CODE]`: what a rule and `unset` have in common. */
int pol_parse_rule_head(const struct words *ws, struct ig_rule_spec *r,
			struct ig_diag *d);
bool pol_is_prefix_keyword(const char *s);
/* `allow CIDR`, `block CIDR` */
int pol_parse_prefix_stmt(const struct words *ws, struct stmt *st,
			  struct ig_diag *d);
/* `ra-guard allow CIDR` */
int pol_parse_ra_guard(const struct words *ws, struct stmt *st,
		       struct ig_diag *d);

/*
 * `limit` at word *i - 1 (parse_limit.c): [RATE [burst N]] [per-source
 * RATE [burst N] [prefix /LEN]], at least one of the two. *i ends past the
 * last word.
 */
int pol_parse_limit(const struct words *ws, int *i, struct ig_rule_spec *r,
		    struct ig_diag *d);

#endif /* IG_POLICY_PARSE_H */
