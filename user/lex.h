/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Word-level helpers of the policy language, pure and unit-tested: numbers
 * written with a leading zero, and the edit distance behind "did you mean".
 * Below both names.c (its suggestions) and user/policy/ (words.c), so it
 * is not in that folder: names.c would then look up into it.
 */
#ifndef IG_LEX_H
#define IG_LEX_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Does word hold a number with a leading zero ("010", "010/s", "/024",
 * "10.0.0.0/08", "echo-request/03")? A number here is a run of digits at
 * the start of the word or after a '/', ended by the word's end or a '/'.
 * Such numbers are refused, not read: some tools read them as octal, and
 * a policy must mean one thing. On true, *start and *len give the number.
 */
bool ig_lex_leading_zero(const char *word, size_t *start, size_t *len);

/*
 * Optimal string alignment distance between a and b: insertions,
 * deletions, substitutions and transpositions of neighbours, each 1.
 * Words longer than IG_LEX_WORD_MAX count as far from everything.
 */
#define IG_LEX_WORD_MAX 63
unsigned ig_lex_distance(const char *a, const char *b);

/*
 * Is candidate close enough to word to be offered as "did you mean"? A
 * distance of 1 for short words, 2 from 5 characters, 3 from 9, and
 * never as far as half the word.
 */
bool ig_lex_close(const char *word, const char *candidate);

#endif /* IG_LEX_H */
