// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The policy language, parse layer: `limit RATE [burst N] [per-source RATE
 * [burst N] [prefix /LEN]]` and `limit per-source ...` (parse.h). A burst
 * that is not written gets its default here (ig_rate_default_burst()).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "../../include/icmpgate.h"
#include "../names.h"
#include "parse.h"

static const char rate_expects[] =
	"expected N/s, N/min or a bit rate such as 10mbit/s";

/* RATE, word i: N/s, N/min or N[k|m|g]bit/s. */
static int parse_rate(const struct words *ws, int i, struct ig_rate_spec *r,
		      struct ig_diag *d)
{
	const char *s = ws->w[i].s, *slash = strchr(s, '/'), *per;
	size_t digits = strspn(s, "0123456789"), ulen;
	char num[WORD_MAX];
	unsigned long v;
	uint64_t mult;
	int err;

	if (!digits || !slash || slash < s + digits)
		return fail_word(d, ws, i, "invalid rate '%s': %s", s,
				 rate_expects);
	ulen = (size_t)(slash - s) - digits;
	per = slash + 1;
	mult = ulen ? pol_bit_unit(s + digits, ulen) : 1;
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
	err = pol_parse_num(num, ULONG_MAX, &v);
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
	static const struct number_arg arg = { "number", "burst", false };
	char rate[WORD_MAX];
	unsigned long v;
	int err;

	err = pol_number_arg(ws, i, &arg,
			     r->bits ? "a number of bytes" :
				       "a number of packets",
			     ULONG_MAX, &v, d);
	if (err && err != -ERANGE)
		return err;
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
	if (err || pol_burst_too_long(r)) {
		pol_rate_str(rate, sizeof(rate), r);
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
	unsigned max = pol_addr_bits(family);
	static const struct number_arg arg = { "length", "prefix length",
					       true };
	char want[16];
	unsigned long v;
	int err;

	snprintf(want, sizeof(want), "/1-/%u", max);
	err = pol_number_arg(ws, i, &arg, want, max, &v, d);
	if (err && err != -ERANGE)
		return err;
	if (err || v == 0)
		return fail_word(d, ws, i,
				 "prefix length '%s' out of range for %s: "
				 "expected %s",
				 ws->w[i].s, ig_family_name(family), want);
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
int pol_parse_limit(const struct words *ws, int *i, struct ig_rule_spec *r,
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
