// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Word-level helpers of the policy language (lex.h).
 */
#include <string.h>

#include "lex.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool ig_lex_leading_zero(const char *word, size_t *start, size_t *len)
{
	size_t i = 0, n;

	for (;;) {
		n = 0;
		while (is_digit(word[i + n]))
			n++;
		if (n > 1 && word[i] == '0' &&
		    (word[i + n] == '\0' || word[i + n] == '/')) {
			*start = i;
			*len = n;
			return true;
		}
		while (word[i] && word[i] != '/')
			i++;
		if (!word[i])
			return false;
		i++;
	}
}

unsigned ig_lex_distance(const char *a, const char *b)
{
	unsigned d[IG_LEX_WORD_MAX + 1][IG_LEX_WORD_MAX + 1];
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned best, cost;

	if (la > IG_LEX_WORD_MAX || lb > IG_LEX_WORD_MAX)
		return ~0u;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			cost = a[i - 1] != b[j - 1];
			best = d[i - 1][j - 1] + cost;
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

bool ig_lex_close(const char *word, const char *candidate)
{
	size_t len = strlen(word);
	unsigned max = len >= 9 ? 3 : len >= 5 ? 2 : 1;
	unsigned dist = ig_lex_distance(word, candidate);

	return dist <= max && 2 * dist < len;
}
