// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The policy language, lex layer (words.h): a line into words, with the
 * column of each for errors; numbers and ICMP names into values.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lex.h"
#include "../names.h"
#include "words.h"

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
		return pol_fail_at(d, ws->line, ws->w[k].col + start, word,
				   "number '%.*s'%s%s%s has a leading zero: "
				   "numbers are decimal, write '%.*s'",
				   (int)len, num,
				   num[len] || start ? " in '" : "",
				   num[len] || start ? ws->w[k].s : "",
				   num[len] || start ? "'" : "",
				   (int)(len - zeros), num + zeros);
	}
	return 0;
}

/* Split one line (no '\n' in it) into words, up to a '#'. */
int pol_split_words(const char *s, size_t len, unsigned line, struct words *ws,
		    struct ig_diag *d)
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
			return pol_fail_at(
				d, line, i + 1, "",
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
			return pol_fail_at(
				d, line, start + 1, longword,
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
int pol_parse_num(const char *s, unsigned long max, unsigned long *out)
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

int pol_number_arg(const struct words *ws, int i, const struct number_arg *a,
		   const char *want, unsigned long max, unsigned long *out,
		   struct ig_diag *d)
{
	const char *s;
	int err;

	if (i >= ws->n)
		return fail_word(d, ws, -1,
				 "missing %s after '%s': expected %s", a->noun,
				 ws->w[i - 1].s, want);
	s = ws->w[i].s;
	err = pol_parse_num(s + (a->slash && s[0] == '/'), max, out);
	if (err == -EINVAL)
		return fail_word(d, ws, i, "invalid %s '%s': expected %s",
				 a->what, s, want);
	return err;
}

/*
 * A type (type < 0) or a code of type, by number or by name. -ERANGE for a
 * number above 255, -ENOENT for an unknown name.
 */
int pol_type_or_code(const char *s, int family, int type, int *out)
{
	unsigned long v;
	int err = pol_parse_num(s, 255, &v);

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

/* Column of word i of a line of text that has been split before. */
unsigned pol_col_in_text(const char *text, size_t len, unsigned line, int i)
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
	if (pol_split_words(text + pos, eol - pos, line, &ws, &scratch) ||
	    i >= ws.n)
		return 0;
	return ws.w[i].col;
}
