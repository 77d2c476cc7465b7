/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The policy language, lex layer: a line into words, words into numbers
 * and names into values. Private to user/policy/.
 */
#ifndef IG_POLICY_WORDS_H
#define IG_POLICY_WORDS_H

#include <stdbool.h>

#include "diag.h"
#include "text.h"

/*
 * The longest statement has 17 words: v4 TYPE limit RATE burst N
 * per-source RATE burst N prefix /LEN validate socket max-size N force.
 * An 18th is an error.
 */
#define MAX_WORDS 18

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

/* Word i of a statement, or (i < 0) the end of it, where a word is missing. */
#define word_col(ws, i) ((i) < 0 ? (ws)->end_col : (ws)->w[(i)].col)
#define word_str(ws, i) ((i) < 0 ? "" : (ws)->w[(i)].s)
#define fail_word(d, ws, i, ...)                                       \
	pol_fail_at((d), (ws)->line, word_col(ws, i), word_str(ws, i), \
		    __VA_ARGS__)

/* Split one line (no '\n' in it) into words, up to a '#'. */
int pol_split_words(const char *s, size_t len, unsigned line, struct words *ws,
		    struct ig_diag *d);
/* A decimal number 0..max: -EINVAL if s is not one, -ERANGE if too big. */
int pol_parse_num(const char *s, unsigned long max, unsigned long *out);
/*
 * What the number after a keyword is called in errors: "missing NOUN
 * after 'KEYWORD'" when there is none, "invalid WHAT 'WORD'" when it is no
 * number; with slash, a leading '/' is skipped (prefix lengths).
 */
struct number_arg {
	const char *noun; /* number */
	const char *what; /* burst */
	bool slash;
};
/*
 * The number in word i, the argument of the keyword in word i - 1: 0 and
 * *out, or -ERANGE (above max: the caller says why); or a failure in d as
 * a says, ending ": expected WANT".
 */
int pol_number_arg(const struct words *ws, int i, const struct number_arg *a,
		   const char *want, unsigned long max, unsigned long *out,
		   struct ig_diag *d);
/*
 * A type (type < 0) or a code of type, by number or by name. -ERANGE for a
 * number above 255, -ENOENT for an unknown name.
 */
int pol_type_or_code(const char *s, int family, int type, int *out);
/* Column of word i of a line of text that has been split before. */
unsigned pol_col_in_text(const char *text, size_t len, unsigned line, int i);

#endif /* IG_POLICY_WORDS_H */
