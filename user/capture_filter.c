// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The capture's filter (capture.h): reasons, types, sampling, the rate
 * bound and the snaplen of a command line, as the program's configuration.
 * Pure C, unit-tested.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "names.h"
#include "opts.h"
#include "reasons.h"

#define NS_PER_S 1000000000ull

/* Is reason r one of a drop (the program's verdict for it)? */
static int reason_drops(unsigned r)
{
	return ig_reasons[r].total != IG_TOTAL_NON_ICMP &&
	       ig_reasons[r].total != IG_TOTAL_PASSED;
}

static int reason_by_name(const char *name, size_t len)
{
	unsigned r;

	for (r = 0; r < IG_REASON_COUNT; r++)
		if (strlen(ig_reasons[r].name) == len &&
		    !strncmp(ig_reasons[r].name, name, len))
			return (int)r;
	return -1;
}

/*
 * The next comma-separated word of *s: its start, and its length; *s is
 * NULL after the last (so that "a," has an empty last word).
 */
static const char *next_word(const char **s, size_t *len)
{
	const char *w = *s;

	*len = strcspn(w, ",");
	*s = w[*len] ? w + *len + 1 : NULL;
	return w;
}

static int parse_reasons(const char *list, __u64 *mask, char *err,
			 size_t errsize)
{
	const char *s = list, *w;
	size_t len;
	int r;

	*mask = 0;
	while (s) {
		w = next_word(&s, &len);
		if (!len) {
			snprintf(err, errsize, "--reason: empty reason in '%s'",
				 list);
			return -EINVAL;
		}
		r = reason_by_name(w, len);
		if (r < 0) {
			snprintf(
				err, errsize,
				"--reason: unknown reason '%.*s' ('icmpgate names reasons' lists them)",
				(int)len, w);
			return -EINVAL;
		}
		*mask |= 1ull << r;
	}
	return 0;
}

static void set_type(struct ig_capture *cfg, int family, int type)
{
	cfg->types[family][type / 64] |= 1ull << (type % 64);
}

/* One word of --type: [v4:|v6:]TYPE, a name or a number. */
static int parse_type(const char *w, size_t len, struct ig_capture *cfg,
		      char *err, size_t errsize)
{
	char word[64], *name = word, *colon;
	int fam, from = IG_FAM_V4, to = IG_FAM_V6, t, found = 0;
	unsigned long n;

	if (!len || len >= sizeof(word)) {
		snprintf(err, errsize, "--type: bad type '%.*s'", (int)len, w);
		return -EINVAL;
	}
	memcpy(word, w, len);
	word[len] = '\0';
	colon = strchr(word, ':');
	if (colon) {
		*colon = '\0';
		fam = ig_family_by_name(word);
		if (fam != IG_FAM_V4 && fam != IG_FAM_V6) {
			snprintf(
				err, errsize,
				"--type: unknown family '%s' in '%.*s' (v4 or v6)",
				word, (int)len, w);
			return -EINVAL;
		}
		from = to = fam;
		name = colon + 1;
	}
	if (!ig_parse_ulong(name, 0, IG_TYPES - 1, &n)) {
		for (fam = from; fam <= to; fam++)
			set_type(cfg, fam, (int)n);
		return 0;
	}
	for (fam = from; fam <= to; fam++) {
		t = ig_type_by_name(fam, name);
		if (t >= 0) {
			set_type(cfg, fam, t);
			found = 1;
		}
	}
	if (!found) {
		snprintf(
			err, errsize,
			"--type: unknown ICMP type '%s'%s ('icmpgate names types' lists them)",
			name,
			from == to ? (from == IG_FAM_V4 ? " of v4" : " of v6") :
				     "");
		return -EINVAL;
	}
	return 0;
}

static int parse_types(const char *list, struct ig_capture *cfg, char *err,
		       size_t errsize)
{
	const char *s = list, *w;
	size_t len;
	int e;

	memset(cfg->types, 0, sizeof(cfg->types));
	while (s) {
		w = next_word(&s, &len);
		e = parse_type(w, len, cfg, err, errsize);
		if (e)
			return e;
	}
	return 0;
}

/* "1/N" or "N": capture one packet in N. */
static int parse_sample(const char *s, __u32 *n, char *err, size_t errsize)
{
	unsigned long v;
	const char *p = s;

	if (!strncmp(p, "1/", 2))
		p += 2;
	if (ig_parse_ulong(p, 1, IG_CAPTURE_SAMPLE_MAX, &v)) {
		snprintf(err, errsize,
			 "--sample: '%s' is not 1/N with N from 1 to %u", s,
			 IG_CAPTURE_SAMPLE_MAX);
		return -EINVAL;
	}
	*n = (__u32)v;
	return 0;
}

void ig_capture_want(struct ig_capture *c)
{
	unsigned cfam, type, r, fam;
	__u32 i;

	memset(c->want, 0, sizeof(c->want));
	for (cfam = 0; cfam < IG_COUNTER_FAMILIES; cfam++) {
		fam = cfam % IG_FAM_COUNT;
		for (type = 0; type < IG_TYPES; type++) {
			for (r = 0; r < IG_REASON_COUNT; r++) {
				if (!(c->reasons >> r & 1))
					continue;
				if (ig_reasons[r].typed ?
					    fam == IG_FAM_OTHER ||
						    !(c->types[fam][type / 64] >>
							      (type % 64) &
						      1) :
					    type != 0)
					continue;
				i = ig_counter_index(cfam, type, r);
				c->want[i / 64] |= 1ull << (i % 64);
			}
		}
	}
}

int ig_capture_compile(const struct ig_capture_spec *spec,
		       struct ig_capture *cfg, char *err, size_t errsize)
{
	unsigned long rate = spec->rate ? spec->rate : IG_CAPTURE_RATE_DEFAULT;
	unsigned long snap = spec->snaplen ? spec->snaplen :
					     IG_CAPTURE_SNAPLEN_DEFAULT;
	__u64 typed = 0, mask = 0;
	unsigned r;
	int e;

	memset(cfg, 0, sizeof(*cfg));
	for (r = 0; r < IG_REASON_COUNT; r++) {
		if (ig_reasons[r].typed)
			typed |= 1ull << r;
		/* Drops by default; --passed adds the ICMP that passes. */
		if (reason_drops(r) ||
		    (spec->passed && ig_reasons[r].total == IG_TOTAL_PASSED))
			mask |= 1ull << r;
	}
	if (spec->reasons) {
		e = parse_reasons(spec->reasons, &mask, err, errsize);
		if (e)
			return e;
		if (spec->passed)
			for (r = 0; r < IG_REASON_COUNT; r++)
				if (ig_reasons[r].total == IG_TOTAL_PASSED)
					mask |= 1ull << r;
	}
	memset(cfg->types, 0xff, sizeof(cfg->types));
	if (spec->types) {
		e = parse_types(spec->types, cfg, err, errsize);
		if (e)
			return e;
		/* A packet counted without its type has none to match. */
		mask &= typed;
		if (!mask) {
			snprintf(
				err, errsize,
				"--type: none of the reasons asked for carries an ICMP type");
			return -EINVAL;
		}
	}
	cfg->reasons = mask;
	if (spec->sample) {
		e = parse_sample(spec->sample, &cfg->sample, err, errsize);
		if (e)
			return e;
	}
	if (rate > IG_CAPTURE_RATE_MAX || snap > IG_CAPTURE_SNAPLEN_MAX) {
		snprintf(err, errsize, "rate or snaplen out of range");
		return -EINVAL;
	}
	/* A tenth of a second's worth of burst, at least one packet. */
	cfg->interval = NS_PER_S / rate;
	cfg->tau = (rate / 10 ? rate / 10 - 1 : 0) * cfg->interval;
	cfg->snaplen = snap < IG_CAPTURE_SNAP_MAX ? (__u32)snap :
						    IG_CAPTURE_SNAP_MAX;
	ig_capture_want(cfg);
	return 0;
}
