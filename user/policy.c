// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The policy language (DESIGN.md, "The policy language"): a tokenizer, one
 * statement parser shared by whole files, `set` and `unset`, the
 * whole-policy check that keeps NDP, MLD and PMTUD alive, and the
 * canonical formatter that `policy show` prints.
 *
 * Prefixes: the program does one longest-prefix match over the allow and
 * block lists together, so the most specific prefix decides. With
 * `block 10.0.0.0/8` and `allow 10.1.0.0/16`, 10.1.2.3 is trusted and
 * 10.2.3.4 is blocked. A prefix can be in one list only.
 *
 * Limits: `limit RATE [burst N] [per-source RATE [burst N] [prefix /LEN]]`
 * and `limit per-source ...`. A burst that is not written is resolved to
 * its default at parse time and not printed when it equals it, so two
 * ways of writing one limit give one canonical text.
 *
 * Errors point at a 1-based line and a 1-based column counted in bytes
 * (a tab is one column), like compilers do.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../include/icmpgate.h"
#include "lex.h"
#include "names.h"
#include "policy.h"

/*
 * The longest statement has 17 words: v4 TYPE limit RATE burst N
 * per-source RATE burst N prefix /LEN validate socket max-size N force.
 * An 18th is an error.
 */
#define MAX_WORDS 18
#define WORD_MAX 64 /* longer than any name, TYPE/CODE or CIDR */
#define NAME_MAX_LEN (2 * WORD_MAX) /* "TYPE/CODE" built from names */
#define NONE ((size_t)-1)
#define SET_LINE 1 /* `set` and `unset` read one statement: line 1 */
/*
 * Every (side, family, type, code) target; code IG_CODE_ANY has a slot
 * too.
 */
#define RULE_TARGETS (IG_SIDES * IG_POLICY_FAMILIES * IG_TYPES * (IG_CODES + 1))
/* Open addressing, at most half full, so a probe always ends. */
#define PREFIX_SLOTS (2 * IG_MAX_PREFIXES)

_Static_assert((PREFIX_SLOTS & (PREFIX_SLOTS - 1)) == 0, "power of two");

struct word {
	char s[WORD_MAX];
	unsigned col;
};

/* The words of one statement, comments and blanks removed. */
struct words {
	struct word w[MAX_WORDS];
	int n;
	unsigned line;
	unsigned end_col; /* just past the last word: where a missing one goes */
};

enum stmt_kind {
	ST_DEFAULT,
	ST_FORWARD_DEFAULT,
	ST_FRAGMENTS,
	ST_BROADCAST,
	ST_RULE,
	ST_PREFIX,
};

struct stmt {
	enum stmt_kind kind;
	uint8_t action; /* ST_DEFAULT, ST_FRAGMENTS */
	struct ig_rule_spec rule;
	struct ig_prefix_spec prefix;
};

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
};

/* A rule that drops or limits an essential message without `force`. */
struct violation {
	size_t rule;
	int code; /* the first essential code it drops or limits */
};

static const char *const action_names[] = {
	[IG_ACT_PASS] = "pass",
	[IG_ACT_DROP] = "drop",
	[IG_ACT_LIMIT] = "limit",
};

static const char *const list_names[] = {
	[IG_LIST_ALLOW] = "allow",
	[IG_LIST_BLOCK] = "block",
	[IG_LIST_RA] = "ra-guard allow",
};

static const char set_expects[] =
	"default, fragments, broadcast-echo, v4, v6, forward, allow, block or "
	"ra-guard";
static const char unset_expects[] =
	"[forward] v4|v6 TYPE[/CODE], allow|block CIDR or ra-guard allow CIDR";

/* A cleared diag for source: d, or scratch when the caller passed none. */
static struct ig_diag *diag_start(struct ig_diag *d, struct ig_diag *scratch,
				  const char *source)
{
	if (!d)
		d = scratch;
	memset(d, 0, sizeof(*d));
	snprintf(d->source, sizeof(d->source), "%s", source ? source : "");
	return d;
}

__attribute__((format(printf, 5, 6))) static int
fail_at(struct ig_diag *d, unsigned line, unsigned col, const char *word,
	const char *fmt, ...)
{
	va_list ap;

	d->line = line;
	d->col = col;
	snprintf(d->word, sizeof(d->word), "%s", word);
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Word i of a statement, or (i < 0) the end of it, where a word is missing. */
#define word_col(ws, i) ((i) < 0 ? (ws)->end_col : (ws)->w[(i)].col)
#define word_str(ws, i) ((i) < 0 ? "" : (ws)->w[(i)].s)
#define fail_word(d, ws, i, ...) \
	fail_at((d), (ws)->line, word_col(ws, i), word_str(ws, i), __VA_ARGS__)

/* Errors without a diag of their own (out of memory) still say something. */
static int finish(int err, struct ig_diag *d)
{
	if (err == -ENOMEM)
		snprintf(d->msg, sizeof(d->msg), "out of memory");
	return err;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool is_control(char c)
{
	return ((unsigned char)c < 0x20 && !is_blank(c)) || c == 0x7f;
}

/* A number such as "010" is refused, not read (lex.h). */
static int leading_zero(const struct words *ws, struct ig_diag *d)
{
	char word[WORD_MAX];
	size_t start, len, zeros;
	const char *num;
	int k;

	for (k = 0; k < ws->n; k++) {
		if (!ig_lex_leading_zero(ws->w[k].s, &start, &len))
			continue;
		num = ws->w[k].s + start;
		zeros = strspn(num, "0");
		if (zeros == len)
			zeros = len - 1;
		snprintf(word, sizeof(word), "%.*s", (int)len, num);
		return fail_at(d, ws->line, ws->w[k].col + start, word,
			       "number '%.*s'%s%s%s has a leading zero: "
			       "numbers are decimal, write '%.*s'",
			       (int)len, num, num[len] || start ? " in '" : "",
			       num[len] || start ? ws->w[k].s : "",
			       num[len] || start ? "'" : "", (int)(len - zeros),
			       num + zeros);
	}
	return 0;
}

/* Split one line (no '\n' in it) into words, up to a '#'. */
static int split_words(const char *s, size_t len, unsigned line,
		       struct words *ws, struct ig_diag *d)
{
	char longword[WORD_MAX];
	size_t i = 0, start;

	memset(ws, 0, sizeof(*ws));
	ws->line = line;
	ws->end_col = 1;
	while (i < len && s[i] != '#') {
		if (is_blank(s[i])) {
			i++;
			continue;
		}
		if (is_control(s[i]))
			return fail_at(d, line, i + 1, "",
				       "invalid character 0x%02x: a policy is "
				       "plain text",
				       (unsigned char)s[i]);
		start = i;
		while (i < len && s[i] != '#' && !is_blank(s[i]) &&
		       !is_control(s[i]))
			i++;
		if (i - start >= WORD_MAX) {
			snprintf(longword, sizeof(longword), "%.*s",
				 WORD_MAX - 1, s + start);
			return fail_at(d, line, start + 1, longword,
				       "'%.24s...' is too long to be a word of "
				       "a policy",
				       longword);
		}
		/* Keep one word more than a statement has, to blame it. */
		if (ws->n < MAX_WORDS) {
			memcpy(ws->w[ws->n].s, s + start, i - start);
			ws->w[ws->n].col = start + 1;
			ws->n++;
		}
		ws->end_col = i + 1;
	}
	return leading_zero(ws, d);
}

/* A decimal number 0..max: -EINVAL if s is not one, -ERANGE if too big. */
static int parse_num(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v;
	const char *c;
	char *end;

	if (!*s)
		return -EINVAL;
	for (c = s; *c; c++)
		if (*c < '0' || *c > '9')
			return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno == ERANGE || v > max)
		return -ERANGE;
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

/*
 * A type (type < 0) or a code of type, by number or by name. -ERANGE for a
 * number above 255, -ENOENT for an unknown name.
 */
static int type_or_code(const char *s, int family, int type, int *out)
{
	unsigned long v;
	int err = parse_num(s, 255, &v);

	if (!err) {
		*out = (int)v;
		return 0;
	}
	if (err == -ERANGE)
		return err;
	*out = type < 0 ? ig_type_by_name(family, s) :
			  ig_code_by_name(family, type, s);
	return *out < 0 ? -ENOENT : 0;
}

static const char *num_str(char *buf, size_t n, const char *name, int num)
{
	if (name)
		return name;
	snprintf(buf, n, "%d", num);
	return buf;
}

/* "echo-request", "dest-unreachable/frag-needed", "7", "echo-request/5" */
static void target_str(char *buf, size_t n, int family, int type, int code)
{
	char t[12], c[12];
	const char *ts =
		num_str(t, sizeof(t), ig_type_name(family, type), type);

	if (code == IG_CODE_ANY)
		snprintf(buf, n, "%s", ts);
	else
		snprintf(buf, n, "%s/%s", ts,
			 num_str(c, sizeof(c), ig_code_name(family, type, code),
				 code));
}

/* An action by name; `limit` only where rules are (last = IG_ACT_LIMIT). */
static int action_by_name(const char *s, int last)
{
	int a;

	for (a = 0; a <= last; a++)
		if (!strcmp(s, action_names[a]))
			return a;
	return -1;
}

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
	a = action_by_name(ws->w[i].s, last);
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

static int expect_end(const struct words *ws, int i, const char *expected,
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
	return expect_end(ws, 2, "expected end of statement", d);
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
	err = type_or_code(buf, r->family, -1, &type);
	if (err == -ERANGE)
		return fail_at(d, ws->line, w->col, buf,
			       "type '%s' out of range: expected 0-255", buf);
	if (err && ig_type_by_name(!r->family, buf) < 0 &&
	    !ig_suggest_type(r->family, buf, hint, sizeof(hint)))
		return fail_at(d, ws->line, w->col, buf,
			       "unknown %s type '%s' (did you mean '%s'?)", fam,
			       buf, hint);
	if (err)
		return fail_at(d, ws->line, w->col, buf,
			       "unknown %s type '%s'%s", fam, buf,
			       ig_type_by_name(!r->family, buf) < 0 ? "" :
			       r->family == IG_FAM_V4 ? " (it is a v6 type)" :
							" (it is a v4 type)");
	r->type = (uint8_t)type;
	r->code = IG_CODE_ANY;
	if (!cs)
		return 0;

	code_col = w->col + (unsigned)(cs - buf);
	target_str(tname, sizeof(tname), r->family, type, IG_CODE_ANY);
	if (!*cs)
		return fail_at(d, ws->line, code_col, "",
			       "missing code after '%s': expected a code name "
			       "or a number 0-255",
			       w->s);
	err = type_or_code(cs, r->family, type, &code);
	if (err == -ERANGE)
		return fail_at(d, ws->line, code_col, cs,
			       "code '%s' out of range: expected 0-255", cs);
	if (err) {
		owner = ig_code_type_by_name(r->family, cs);
		if (owner < 0 &&
		    !ig_suggest_code(r->family, type, cs, hint, sizeof(hint)))
			return fail_at(d, ws->line, code_col, cs,
				       "unknown code '%s' for %s %s (did you "
				       "mean '%s'?)",
				       cs, fam, tname, hint);
		if (owner < 0)
			return fail_at(d, ws->line, code_col, cs,
				       "unknown code '%s' for %s %s", cs, fam,
				       tname);
		target_str(owner_name, sizeof(owner_name), r->family, owner,
			   IG_CODE_ANY);
		return fail_at(d, ws->line, code_col, cs,
			       "code '%s' belongs to %s %s, not to %s %s", cs,
			       fam, owner_name, fam, tname);
	}
	r->code = (int16_t)code;
	return 0;
}

/* `v4|v6 TYPE[/CODE]`: what a rule and `unset` have in common. */
static int parse_rule_head(const struct words *ws, struct ig_rule_spec *r,
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

/* ---- limits ----------------------------------------------------------- */

struct rate_unit {
	const char *name; /* before the '/': "" for packets */
	uint64_t mult; /* bits, for a bit rate */
};

/* Largest first: the formatter prints the largest that divides exactly. */
static const struct rate_unit bit_units[] = {
	{ "gbit", 1000000000ull },
	{ "mbit", 1000000ull },
	{ "kbit", 1000ull },
	{ "bit", 1ull },
};

static const char rate_expects[] =
	"expected N/s, N/min or a bit rate such as 10mbit/s";

uint64_t ig_rate_default_burst(const struct ig_rate_spec *r)
{
	uint64_t b;

	if (r->bits) {
		b = r->amount / 8 / IG_LIMIT_BURST_DIVISOR;
		return b > IG_LIMIT_BURST_MIN_BYTES ? b :
						      IG_LIMIT_BURST_MIN_BYTES;
	}
	b = r->period ? r->amount / r->period / IG_LIMIT_BURST_DIVISOR : 0;
	return b > IG_LIMIT_BURST_MIN_PACKETS ? b : IG_LIMIT_BURST_MIN_PACKETS;
}

uint8_t ig_limit_default_prefix(int family)
{
	return family == IG_FAM_V6 ? IG_LIMIT_PREFIX_V6 : IG_LIMIT_PREFIX_V4;
}

/* Does a burst hold more than IG_LIMIT_BURST_MAX_SECONDS at its rate? */
static bool burst_too_long(const struct ig_rate_spec *r)
{
	/* burst / (amount / period) seconds, in bits for a bit rate. */
	uint64_t units = r->bits ? r->burst * 8 : r->burst;
	uint64_t per_day = r->amount * IG_LIMIT_BURST_MAX_SECONDS / r->period;

	if (r->bits && r->burst > UINT64_MAX / 8)
		return true;
	return units > per_day;
}

/* "100/s", "6/min", "10mbit/s", "1500kbit/s" */
static void rate_str(char *buf, size_t n, const struct ig_rate_spec *r)
{
	size_t u;

	if (!r->bits) {
		snprintf(buf, n, "%llu/%s", (unsigned long long)r->amount,
			 r->period == 60 ? "min" : "s");
		return;
	}
	for (u = 0; u < sizeof(bit_units) / sizeof(bit_units[0]); u++)
		if (r->amount % bit_units[u].mult == 0)
			break;
	snprintf(buf, n, "%llu%s/s",
		 (unsigned long long)(r->amount / bit_units[u].mult),
		 bit_units[u].name);
}

/* RATE, word i: N/s, N/min or N[k|m|g]bit/s. */
static int parse_rate(const struct words *ws, int i, struct ig_rate_spec *r,
		      struct ig_diag *d)
{
	const char *s = ws->w[i].s, *slash = strchr(s, '/'), *per;
	size_t digits = strspn(s, "0123456789"), ulen, u;
	char num[WORD_MAX];
	unsigned long v;
	uint64_t mult = 0;
	int err;

	if (!digits || !slash || slash < s + digits)
		return fail_word(d, ws, i, "invalid rate '%s': %s", s,
				 rate_expects);
	ulen = (size_t)(slash - s) - digits;
	per = slash + 1;
	if (!ulen)
		mult = 1;
	for (u = 0; ulen && u < sizeof(bit_units) / sizeof(bit_units[0]); u++)
		if (strlen(bit_units[u].name) == ulen &&
		    !strncmp(s + digits, bit_units[u].name, ulen))
			mult = bit_units[u].mult;
	if (!mult)
		return fail_word(d, ws, i,
				 "unknown unit '%.*s' in rate '%s': expected "
				 "packets (N/s), bit, kbit, mbit or gbit",
				 (int)ulen, s + digits, s);
	r->bits = ulen != 0;
	if (!strcmp(per, "s") || !strcmp(per, "sec") || !strcmp(per, "second"))
		r->period = 1;
	else if (!strcmp(per, "min") || !strcmp(per, "minute"))
		r->period = 60;
	else
		return fail_word(d, ws, i,
				 "unknown period '/%s' in rate '%s': expected "
				 "/s or /min",
				 per, s);
	if (r->bits && r->period != 1)
		return fail_word(d, ws, i,
				 "bit rate '%s' must be per second (e.g. "
				 "10mbit/s)",
				 s);
	memcpy(num, s, digits);
	num[digits] = '\0';
	err = parse_num(num, ULONG_MAX, &v);
	if (!err && v == 0)
		return fail_word(d, ws, i,
				 "rate '%s' lets nothing through: use 'drop'",
				 s);
	if (!err &&
	    v > (r->bits ? IG_LIMIT_BITS_MAX : IG_LIMIT_AMOUNT_MAX) / mult)
		err = -ERANGE;
	if (!err && r->bits && v * mult < IG_LIMIT_BITS_MIN)
		err = -ERANGE;
	if (err == -ERANGE && r->bits)
		return fail_word(d, ws, i,
				 "rate '%s' out of range: expected 8bit/s to "
				 "1000gbit/s",
				 s);
	if (err)
		return fail_word(d, ws, i,
				 "rate '%s' out of range: expected 1 to %llu "
				 "packets per %s",
				 s, IG_LIMIT_AMOUNT_MAX,
				 r->period == 60 ? "minute" : "second");
	r->amount = v * mult;
	return 0;
}

/* `burst N`, its number at word i. */
static int parse_burst(const struct words *ws, int i, struct ig_rate_spec *r,
		       struct ig_diag *d)
{
	char rate[WORD_MAX];
	unsigned long v;
	int err;

	if (i >= ws->n)
		return fail_word(d, ws, -1,
				 "missing number after 'burst': expected "
				 "%s",
				 r->bits ? "bytes" : "packets");
	err = parse_num(ws->w[i].s, ULONG_MAX, &v);
	if (err == -EINVAL)
		return fail_word(d, ws, i,
				 "invalid burst '%s': expected a number of %s",
				 ws->w[i].s, r->bits ? "bytes" : "packets");
	if (!err && v == 0)
		return fail_word(d, ws, i,
				 "burst '%s' lets nothing through: expected at "
				 "least 1",
				 ws->w[i].s);
	if (!err && r->bits && v < IG_LIMIT_FRAME_BYTES)
		return fail_word(d, ws, i,
				 "burst '%s' of a bit rate counts bytes, and "
				 "no frame over %lu bytes would ever pass: "
				 "expected at least %d",
				 ws->w[i].s, v, IG_LIMIT_FRAME_BYTES);
	r->burst = v;
	if (err || burst_too_long(r)) {
		rate_str(rate, sizeof(rate), r);
		return fail_word(d, ws, i,
				 "burst '%s' out of range: at %s it holds "
				 "more than a day of traffic",
				 ws->w[i].s, rate);
	}
	return 0;
}

/* `prefix /LEN` (or LEN), its length at word i, for family. */
static int parse_limit_prefix(const struct words *ws, int i, int family,
			      uint8_t *len, struct ig_diag *d)
{
	unsigned max = family == IG_FAM_V6 ? 128 : 32;
	const char *s;
	unsigned long v;
	int err;

	if (i >= ws->n)
		return fail_word(d, ws, -1,
				 "missing length after 'prefix': expected "
				 "/1-/%u",
				 max);
	s = ws->w[i].s;
	err = parse_num(s + (s[0] == '/'), max, &v);
	if (err == -EINVAL)
		return fail_word(d, ws, i,
				 "invalid prefix length '%s': expected /1-/%u",
				 s, max);
	if (err || v == 0)
		return fail_word(d, ws, i,
				 "prefix length '%s' out of range for %s: "
				 "expected /1-/%u",
				 s, ig_family_name(family), max);
	*len = (uint8_t)v;
	return 0;
}

/*
 * The words after a bucket's RATE: `burst N` and, for per-source,
 * `prefix /LEN`, each at most once, in either order. Stops at the first
 * other word.
 */
static int parse_bucket_opts(const struct words *ws, int *i,
			     struct ig_rate_spec *r, struct ig_rule_spec *rule,
			     bool per_source, struct ig_diag *d)
{
	bool burst = false, prefix = false;
	const char *w;
	int err;

	while (*i < ws->n) {
		w = ws->w[*i].s;
		if (!strcmp(w, "burst")) {
			if (burst)
				return fail_word(d, ws, *i,
						 "duplicate 'burst' for one "
						 "bucket");
			burst = true;
			err = parse_burst(ws, *i + 1, r, d);
		} else if (!strcmp(w, "prefix") && per_source) {
			if (prefix)
				return fail_word(d, ws, *i,
						 "duplicate 'prefix'");
			prefix = true;
			err = parse_limit_prefix(ws, *i + 1, rule->family,
						 &rule->limit.prefix_len, d);
		} else if (!strcmp(w, "prefix")) {
			return fail_word(d, ws, *i,
					 "'prefix' sets the per-source "
					 "buckets: write it after "
					 "'per-source RATE'");
		} else {
			break;
		}
		if (err)
			return err;
		*i += 2;
	}
	if (!burst)
		r->burst = ig_rate_default_burst(r);
	return 0;
}

/*
 * `limit` at word i - 1: [RATE [burst N]] [per-source RATE [burst N]
 * [prefix /LEN]], at least one of the two. *i ends past the last word.
 */
static int parse_limit(const struct words *ws, int *i, struct ig_rule_spec *r,
		       struct ig_diag *d)
{
	struct ig_limit_spec *l = &r->limit;
	int err;

	if (*i < ws->n && !strcmp(ws->w[*i].s, "force"))
		return fail_word(d, ws, *i,
				 "missing rate before 'force': expected "
				 "'limit RATE' or 'limit per-source RATE'");
	if (*i >= ws->n)
		return fail_word(d, ws, -1,
				 "missing rate after 'limit': expected "
				 "'limit RATE' or 'limit per-source RATE' "
				 "(RATE: N/s, N/min or e.g. 10mbit/s)");
	if (strcmp(ws->w[*i].s, "per-source")) {
		err = parse_rate(ws, *i, &l->cls, d);
		*i += 1;
		if (!err)
			err = parse_bucket_opts(ws, i, &l->cls, r, false, d);
		if (err)
			return err;
	}
	if (*i < ws->n && !strcmp(ws->w[*i].s, "per-source")) {
		*i += 1;
		if (*i >= ws->n)
			return fail_word(d, ws, -1,
					 "missing rate after 'per-source': %s",
					 rate_expects);
		err = parse_rate(ws, *i, &l->src, d);
		*i += 1;
		if (!err)
			err = parse_bucket_opts(ws, i, &l->src, r, true, d);
		if (err)
			return err;
		if (!l->prefix_len)
			l->prefix_len = ig_limit_default_prefix(r->family);
	}
	return 0;
}

/* The words of a limit, as the formatter prints them; buf holds 160. */
static void limit_str(char *buf, size_t n, const struct ig_rule_spec *r)
{
	const struct ig_limit_spec *l = &r->limit;
	char rate[48], burst[40] = "", prefix[16] = "";
	size_t len = 0;

	buf[0] = '\0';
	if (l->cls.amount) {
		rate_str(rate, sizeof(rate), &l->cls);
		if (l->cls.burst != ig_rate_default_burst(&l->cls))
			snprintf(burst, sizeof(burst), " burst %llu",
				 (unsigned long long)l->cls.burst);
		len += (size_t)snprintf(buf + len, n - len, " %s%s", rate,
					burst);
	}
	if (l->src.amount && len < n) {
		rate_str(rate, sizeof(rate), &l->src);
		burst[0] = '\0';
		if (l->src.burst != ig_rate_default_burst(&l->src))
			snprintf(burst, sizeof(burst), " burst %llu",
				 (unsigned long long)l->src.burst);
		if (l->prefix_len != ig_limit_default_prefix(r->family))
			snprintf(prefix, sizeof(prefix), " prefix /%u",
				 l->prefix_len);
		snprintf(buf + len, n - len, " per-source %s%s%s", rate, burst,
			 prefix);
	}
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
		target_str(target, sizeof(target), r->family, r->type,
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
	unsigned long v;

	if (r->max_size)
		return fail_word(d, ws, i - 1, "duplicate 'max-size'");
	if (r->action == IG_ACT_DROP)
		return fail_word(d, ws, i - 1,
				 "'max-size' with 'drop': a message that is "
				 "dropped needs no size cap");
	if (i >= ws->n)
		return fail_word(d, ws, -1,
				 "missing number after 'max-size': expected "
				 "bytes of ICMP message, %d-%d",
				 IG_MAX_SIZE_MIN, IG_MAX_SIZE_MAX);
	if (parse_num(ws->w[i].s, IG_MAX_SIZE_MAX, &v) || v < IG_MAX_SIZE_MIN)
		return fail_word(d, ws, i,
				 "invalid max-size '%s': expected bytes of "
				 "ICMP message, %d-%d",
				 ws->w[i].s, IG_MAX_SIZE_MIN, IG_MAX_SIZE_MAX);
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
	err = parse_rule_head(ws, r, d);
	if (!err)
		err = parse_action(ws, 2, IG_ACT_LIMIT, &r->action, d);
	if (!err && r->action == IG_ACT_LIMIT)
		err = parse_limit(ws, &i, r, d);
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
	return expect_end(ws, i + 1, "'force' must be the last word", d);
}

static void mask_addr(uint8_t *out, const uint8_t *addr, unsigned len)
{
	unsigned i, bits;

	for (i = 0; i < 16; i++) {
		bits = len > i * 8 ? len - i * 8 : 0;
		out[i] = addr[i] &
			 (bits >= 8 ? 0xff : (uint8_t)(0xff00 >> bits));
	}
}

static int addr_af(int family)
{
	return family == IG_FAM_V6 ? AF_INET6 : AF_INET;
}

static unsigned addr_bits(int family)
{
	return family == IG_FAM_V6 ? 128 : 32;
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
	max = addr_bits(ps->family);
	if (inet_pton(addr_af(ps->family), addr, ps->addr) != 1)
		return fail_word(d, ws, i,
				 "invalid address in '%s': expected an IPv4 "
				 "or IPv6 address, optionally with /LEN",
				 w->s);
	len = max;
	if (slash) {
		col = w->col + (unsigned)(slash - addr);
		if (!*slash)
			return fail_at(d, ws->line, col, "",
				       "missing prefix length after '%s': "
				       "expected 0-%u",
				       w->s, max);
		err = parse_num(slash, max, &len);
		if (err == -ERANGE)
			return fail_at(d, ws->line, col, slash,
				       "prefix length '%s' out of range in "
				       "'%s': expected 0-%u",
				       slash, w->s, max);
		if (err)
			return fail_at(d, ws->line, col, slash,
				       "invalid prefix length '%s' in '%s': "
				       "expected a number 0-%u",
				       slash, w->s, max);
	}
	ps->len = (uint8_t)len;
	mask_addr(masked, ps->addr, ps->len);
	if (memcmp(masked, ps->addr, sizeof(masked))) {
		inet_ntop(addr_af(ps->family), masked, net, sizeof(net));
		return fail_word(d, ws, i,
				 "host bits set in '%s'; did you mean %s/%u?",
				 w->s, net, ps->len);
	}
	return 0;
}

/* `allow CIDR`, `block CIDR` */
static int parse_prefix_stmt(const struct words *ws, struct stmt *st,
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
	return expect_end(ws, 2, "expected end of statement", d);
}

/* `ra-guard allow CIDR`: a router whose advertisements pass (RFC 6105). */
static int parse_ra_guard(const struct words *ws, struct stmt *st,
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
	return expect_end(ws, 3, "expected end of statement", d);
}

static bool is_prefix_keyword(const char *s)
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
static uint8_t take_side(struct words *ws)
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

/* One statement (ws->n > 0), on side (take_side()). */
static int parse_stmt(const struct words *ws, uint8_t side, struct stmt *st,
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
	if (ig_family_by_name(kw) >= 0)
		return parse_rule(ws, st, d);
	if (is_prefix_keyword(kw))
		return parse_prefix_stmt(ws, st, d);
	if (!strcmp(kw, "ra-guard"))
		return parse_ra_guard(ws, st, d);
	return fail_word(d, ws, 0, "unknown statement '%s': expected %s", kw,
			 set_expects);
}

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

	target_str(canon, sizeof(canon), first->family, first->type,
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

/* `limit` rules of p, but for rule skip (NONE: none). */
static unsigned count_limits(const struct ig_policy *p, size_t skip)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < p->n_rules; i++)
		n += i != skip && p->rules[i].action == IG_ACT_LIMIT;
	return n;
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
		limits = seen ? seen->n_limits : count_limits(p, i);
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
				 ws->w[w].s, list_names[first->list],
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
	case ST_RULE:
		return put_rule(p, seen, &st->rule, ws, d);
	case ST_PREFIX:
		return put_prefix(p, seen, &st->prefix, ws, d);
	}
	return -EINVAL;
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
static bool find_violation(const struct ig_policy *p, size_t skip,
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
static const struct ig_essential *explain(const struct ig_policy *p,
					  const struct violation *v,
					  char *target, char *what)
{
	const struct ig_rule_spec *r = &p->rules[v->rule];
	const struct ig_essential *e =
		ig_essential_find(r->family, r->type, v->code);

	char num[12];

	target_str(target, NAME_MAX_LEN, r->family, r->type, r->code);
	if (e->code == IG_CODE_ANY)
		target_str(what, NAME_MAX_LEN, r->family, r->type, IG_CODE_ANY);
	else
		snprintf(what, NAME_MAX_LEN, "%s",
			 num_str(num, sizeof(num),
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
		return fail_at(d, line, col, "limit",
			       "%s %s 'limit' would rate-limit %s, which %s; "
			       "its senders share link-local addresses, so "
			       "even per-source buckets would be one bucket "
			       "for the whole link; add 'force' to do it "
			       "anyway",
			       fam, target, what, e->why);
	if (e->source_limit_ok)
		return fail_at(d, line, col, "limit",
			       "%s %s 'limit' would put %s, which %s, behind "
			       "one bucket for every sender, so that one "
			       "flood would cut everyone off (RFC 4890 "
			       "4.3.1); limit it per source only ('limit "
			       "per-source RATE') or add 'force'",
			       fam, target, what, e->why);
	return fail_at(d, line, col, "limit",
		       "%s %s 'limit' would rate-limit %s, which %s; add "
		       "'force' to do it anyway",
		       fam, target, what, e->why);
}

/* Refuse a rule that drops an essential message; diag at line:col. */
static int refuse(const struct ig_policy *p, const struct violation *v,
		  unsigned line, unsigned col, struct ig_diag *d)
{
	const struct ig_rule_spec *r = &p->rules[v->rule];
	const char *fam = ig_family_name(r->family);
	char target[NAME_MAX_LEN], what[NAME_MAX_LEN], pass[NAME_MAX_LEN];
	const struct ig_essential *e = explain(p, v, target, what);

	if (r->action == IG_ACT_LIMIT)
		return refuse_limit(r, e, target, what, line, col, d);
	if (r->code != IG_CODE_ANY || e->code == IG_CODE_ANY)
		return fail_at(d, line, col, "drop",
			       "%s %s 'drop' would drop %s, which %s; add "
			       "'force' to do it anyway",
			       fam, target, what, e->why);
	/* A type-wide rule can keep its drop if the one code passes. */
	target_str(pass, sizeof(pass), r->family, r->type, v->code);
	return fail_at(d, line, col, "drop",
		       "%s %s 'drop' would drop %s, which %s; pass it with "
		       "'%s %s pass' or add 'force'",
		       fam, target, what, e->why, fam, pass);
}

/* Column of word i of a line of text that has been split before. */
static unsigned col_in_text(const char *text, size_t len, unsigned line, int i)
{
	struct ig_diag scratch;
	struct words ws;
	size_t pos = 0, eol;
	unsigned n = 1;

	for (; n < line && pos < len; pos++)
		if (text[pos] == '\n')
			n++;
	for (eol = pos; eol < len && text[eol] != '\n'; eol++)
		;
	if (split_words(text + pos, eol - pos, line, &ws, &scratch) ||
	    i >= ws.n)
		return 0;
	return ws.w[i].col;
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

	diag = diag_start(diag, &scratch, source);
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
		err = split_words(text + pos, eol - pos, ++line, &ws, diag);
		if (!err && ws.n)
			err = parse_stmt(&ws, take_side(&ws), &st, diag);
		if (!err && ws.n)
			err = put_stmt(p, &seen, &st, &ws, diag);
		pos = eol + 1;
	}
	/* Whole-policy: a later code rule may rescue an earlier type rule. */
	if (!err && find_violation(p, NONE, &v))
		err = refuse(p, &v, p->rules[v.rule].line,
			     col_in_text(text, len, p->rules[v.rule].line,
					 2 + p->rules[v.rule].side),
			     diag);
out:
	free(seen.rules);
	free(seen.prefixes);
	if (err)
		ig_policy_free(p);
	return finish(err, diag);
}

/* The one statement of `set` or `unset`; a trailing newline is fine. */
static int one_statement(const char *s, const char *expects, struct words *ws,
			 struct ig_diag *d)
{
	const char *nl;
	size_t len;
	int err;

	if (!s)
		return fail_at(d, 0, 0, "", "missing statement: expected %s",
			       expects);
	nl = strchr(s, '\n');
	len = nl ? (size_t)(nl - s) : strlen(s);
	if (nl && nl[strspn(nl, " \t\r\n")])
		return fail_at(d, SET_LINE, (unsigned)len + 1, "",
			       "one statement at a time, without line breaks");
	err = split_words(s, len, SET_LINE, ws, d);
	if (!err && !ws->n)
		err = fail_at(d, SET_LINE, 1, "",
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

	diag = diag_start(diag, &scratch, "set");
	err = one_statement(stmt, set_expects, &ws, diag);
	if (!err)
		err = parse_stmt(&ws, take_side(&ws), &st, diag);
	if (err)
		return err;
	err = policy_copy(&q, p);
	if (err)
		return finish(err, diag);
	err = put_stmt(&q, NULL, &st, &ws, diag);
	/*
	 * Only the new rule can be at fault: replacing a rule never lets
	 * another, less specific one decide more codes than before.
	 */
	if (!err && find_violation(&q, NONE, &v))
		err = refuse(&q, &v, SET_LINE, ws.w[2].col, diag);
	if (err) {
		ig_policy_free(&q);
		return finish(err, diag);
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
	if (find_violation(p, i, &v)) {
		e = explain(p, &v, rest, what);
		return fail_word(d, ws, 1,
				 "cannot unset %s '%s': '%s %s %s' would then "
				 "%s %s, which %s; unset or force that rule "
				 "first",
				 fam, ws->w[1].s, fam, rest,
				 action_names[p->rules[v.rule].action],
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
			  ws->w[w].s, list_names[p->prefixes[i].list],
			  list_names[ps->list]);
		return -ENOENT;
	}
	if (i == NONE) {
		fail_word(d, ws, w, "no prefix '%s' in the %s list to unset",
			  ws->w[w].s, list_names[ps->list]);
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

	diag = diag_start(diag, &scratch, "unset");
	err = one_statement(what, unset_expects, &ws, diag);
	if (err)
		return err;
	memset(&st, 0, sizeof(st));
	st.rule.side = take_side(&ws);
	if (ig_family_by_name(ws.w[0].s) >= 0) {
		err = parse_rule_head(&ws, &st.rule, diag);
		if (!err)
			err = expect_end(&ws, 2,
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
	if (is_prefix_keyword(ws.w[0].s) || !strcmp(ws.w[0].s, "ra-guard")) {
		err = is_prefix_keyword(ws.w[0].s) ?
			      parse_prefix_stmt(&ws, &st, diag) :
			      parse_ra_guard(&ws, &st, diag);
		return err ? err : unset_prefix(p, &st.prefix, &ws, diag);
	}
	return fail_word(diag, &ws, 0, "cannot unset '%s': expected %s",
			 ws.w[0].s, unset_expects);
}

/* A bucket as the parser would have made it. */
static bool rate_ok(const struct ig_rate_spec *r)
{
	if (!r->amount)
		return true;
	if (r->bits)
		return r->period == 1 && r->amount >= IG_LIMIT_BITS_MIN &&
		       r->amount <= IG_LIMIT_BITS_MAX &&
		       r->burst >= IG_LIMIT_FRAME_BYTES && !burst_too_long(r);
	return (r->period == 1 || r->period == 60) &&
	       r->amount <= IG_LIMIT_AMOUNT_MAX && r->burst >= 1 &&
	       !burst_too_long(r);
}

static bool limit_ok(const struct ig_rule_spec *r)
{
	const struct ig_limit_spec *l = &r->limit;

	if (r->action != IG_ACT_LIMIT)
		return true;
	if (!l->cls.amount && !l->src.amount)
		return false;
	if (l->src.amount &&
	    (!l->prefix_len || l->prefix_len > addr_bits(r->family)))
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
	    ps->len > addr_bits(ps->family) || ps->list < IG_LIST_ALLOW ||
	    ps->list > IG_LIST_RA ||
	    (ps->list == IG_LIST_RA && ps->family != IG_FAM_V6))
		return false;
	mask_addr(masked, ps->addr, ps->len);
	return !memcmp(masked, ps->addr, sizeof(masked));
}

/* What format needs: every value has a name and every prefix a form. */
static int check_shape(const struct ig_policy *p, struct ig_diag *d)
{
	size_t i;

	if (p->default_action > IG_ACT_DROP || p->fragments > IG_ACT_DROP ||
	    p->broadcast_echo > IG_ACT_DROP || p->forward_default > IG_ACT_DROP)
		return fail_at(d, 0, 0, "",
			       "'default', 'forward default', 'fragments' and "
			       "'broadcast-echo' must be pass or drop");
	for (i = 0; i < p->n_rules; i++)
		if (!rule_ok(&p->rules[i]))
			return fail_at(d, p->rules[i].line, 0, "",
				       "rule %zu is not a valid rule", i);
	if (count_limits(p, NONE) > IG_MAX_CLASSES)
		return fail_at(d, 0, 0, "", "more than %d 'limit' rules",
			       IG_MAX_CLASSES);
	if (p->n_prefixes > IG_MAX_PREFIXES)
		return fail_at(d, 0, 0, "", "more than %d prefixes",
			       IG_MAX_PREFIXES);
	for (i = 0; i < p->n_prefixes; i++)
		if (!prefix_ok(&p->prefixes[i]))
			return fail_at(d, p->prefixes[i].line, 0, "",
				       "prefix %zu is not a valid prefix", i);
	return 0;
}

int ig_policy_validate(const struct ig_policy *p, struct ig_diag *diag)
{
	struct ig_diag scratch;
	struct violation v;
	int err;

	diag = diag_start(diag, &scratch, NULL);
	err = check_shape(p, diag);
	if (!err && find_violation(p, NONE, &v))
		err = refuse(p, &v, p->rules[v.rule].line, 0, diag);
	return err;
}

struct strbuf {
	char *s;
	size_t len;
	size_t cap;
	int err;
};

__attribute__((format(printf, 2, 3))) static void
sb_printf(struct strbuf *b, const char *fmt, ...)
{
	size_t need;
	va_list ap;
	char *s;
	int n;

	if (b->err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->s ? b->s + b->len : NULL, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = -EINVAL;
		return;
	}
	if (b->len + (size_t)n < b->cap) {
		b->len += (size_t)n;
		return;
	}
	for (need = b->cap ? b->cap : 4096; need <= b->len + (size_t)n;)
		need *= 2;
	s = realloc(b->s, need);
	if (!s) {
		b->err = -ENOMEM;
		return;
	}
	b->s = s;
	b->cap = need;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static int cmp_int(int a, int b)
{
	return (a > b) - (a < b);
}

/*
 * Host rules first, then `forward`; family (v4 first), type, code (the
 * type-wide rule, code -1, first).
 */
static int rule_cmp(const void *a, const void *b)
{
	const struct ig_rule_spec *x = a, *y = b;

	if (x->side != y->side)
		return cmp_int(x->side, y->side);
	if (x->family != y->family)
		return cmp_int(x->family, y->family);
	if (x->type != y->type)
		return cmp_int(x->type, y->type);
	return cmp_int(x->code, y->code);
}

/* Allow before block, v4 before v6, then address, then length. */
static int prefix_cmp(const void *a, const void *b)
{
	const struct ig_prefix_spec *x = a, *y = b;
	int c;

	if (x->list != y->list)
		return cmp_int(x->list, y->list);
	if (x->family != y->family)
		return cmp_int(x->family, y->family);
	c = memcmp(x->addr, y->addr, sizeof(x->addr));
	return c ? c : cmp_int(x->len, y->len);
}

static void *sorted_copy(const void *src, size_t n, size_t size,
			 int (*cmp)(const void *, const void *))
{
	void *c = malloc(n ? n * size : 1);

	if (c && n) {
		memcpy(c, src, n * size);
		qsort(c, n, size, cmp);
	}
	return c;
}

int ig_policy_format(const struct ig_policy *p, char **out)
{
	struct ig_prefix_spec *prefixes = NULL;
	struct ig_rule_spec *rules = NULL;
	char target[NAME_MAX_LEN], addr[INET6_ADDRSTRLEN], limit[160];
	char size[24];
	struct strbuf b = { 0 };
	struct ig_diag scratch;
	size_t i;
	int err;

	*out = NULL;
	err = check_shape(p, &scratch);
	if (err)
		return err;
	rules = sorted_copy(p->rules, p->n_rules, sizeof(*rules), rule_cmp);
	prefixes = sorted_copy(p->prefixes, p->n_prefixes, sizeof(*prefixes),
			       prefix_cmp);
	if (!rules || !prefixes) {
		err = -ENOMEM;
		goto cleanup;
	}
	sb_printf(&b, "default %s\nfragments %s\n",
		  action_names[p->default_action], action_names[p->fragments]);
	/* Printed only when they are not their defaults. */
	if (p->broadcast_echo != IG_ACT_DROP)
		sb_printf(&b, "broadcast-echo %s\n",
			  action_names[p->broadcast_echo]);
	if (p->forward_default != IG_ACT_PASS)
		sb_printf(&b, "forward default %s\n",
			  action_names[p->forward_default]);
	for (i = 0; i < p->n_rules; i++) {
		target_str(target, sizeof(target), rules[i].family,
			   rules[i].type, rules[i].code);
		limit_str(limit, sizeof(limit), &rules[i]);
		size[0] = '\0';
		if (rules[i].max_size)
			snprintf(size, sizeof(size), " max-size %u",
				 rules[i].max_size);
		sb_printf(&b, "%s%s %s %s%s%s%s%s\n",
			  rules[i].side == IG_SIDE_TRANSIT ? "forward " : "",
			  ig_family_name(rules[i].family), target,
			  action_names[rules[i].action],
			  rules[i].action == IG_ACT_LIMIT ? limit : "",
			  rules[i].flags & IG_SPEC_VALIDATE_SOCKET ?
				  " validate socket" :
			  rules[i].flags & IG_SPEC_VALIDATE ? " validate" :
							      "",
			  size, rules[i].flags & IG_SPEC_FORCE ? " force" : "");
	}
	for (i = 0; i < p->n_prefixes; i++) {
		inet_ntop(addr_af(prefixes[i].family), prefixes[i].addr, addr,
			  sizeof(addr));
		sb_printf(&b, "%s %s/%u\n", list_names[prefixes[i].list], addr,
			  prefixes[i].len);
	}
	err = b.err;
	if (!err) {
		*out = b.s;
		b.s = NULL;
	}
cleanup:
	free(b.s);
	free(rules);
	free(prefixes);
	return err;
}

void ig_diag_format(const struct ig_diag *d, char *buf, size_t size)
{
	const char *sep = d->source[0] ? ":" : "";

	if (!size)
		return;
	if (d->line && d->col)
		snprintf(buf, size, "%s%s%u:%u: %s", d->source, sep, d->line,
			 d->col, d->msg);
	else if (d->line)
		snprintf(buf, size, "%s%s%u: %s", d->source, sep, d->line,
			 d->msg);
	else if (d->source[0])
		snprintf(buf, size, "%s: %s", d->source, d->msg);
	else
		snprintf(buf, size, "%s", d->msg);
}
