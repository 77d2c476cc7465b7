// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of user/lex.c: numbers with a leading zero, the edit distance
 * and what is close enough to offer as "did you mean".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lex.h"

static void zero_at(const char *word, size_t start, size_t len)
{
	size_t s = 99, l = 99;

	if (!ig_lex_leading_zero(word, &s, &l))
		fail_msg("'%s': leading zero not found", word);
	assert_int_equal(s, start);
	assert_int_equal(l, len);
}

static void no_zero(const char *word)
{
	size_t s, l;

	if (ig_lex_leading_zero(word, &s, &l))
		fail_msg("'%s': a leading zero found at %zu", word, s);
}

static void test_leading_zero(void **state)
{
	(void)state;
	zero_at("010", 0, 3);
	zero_at("00", 0, 2);
	zero_at("010/s", 0, 3);
	zero_at("/024", 1, 3);
	zero_at("10.0.0.0/08", 9, 2);
	zero_at("echo-request/03", 13, 2);
	zero_at("3/007", 2, 3);
	no_zero("0");
	no_zero("10");
	no_zero("0/s");
	no_zero("100/min");
	no_zero("/0");
	no_zero("/24");
	no_zero("echo-request");
	no_zero("dest-unreachable/frag-needed");
	/* Not numbers: addresses have their own parser. */
	no_zero("2001:0db8::/32");
	no_zero("0000::1");
	no_zero("10.0.0.010");
	no_zero("0x10");
	no_zero("");
}

static void test_distance(void **state)
{
	char long_word[IG_LEX_WORD_MAX + 2];

	(void)state;
	assert_int_equal(ig_lex_distance("", ""), 0);
	assert_int_equal(ig_lex_distance("abc", ""), 3);
	assert_int_equal(ig_lex_distance("", "abc"), 3);
	assert_int_equal(ig_lex_distance("echo-request", "echo-request"), 0);
	assert_int_equal(ig_lex_distance("echo-requst", "echo-request"), 1);
	assert_int_equal(ig_lex_distance("echo-requets", "echo-request"), 1);
	assert_int_equal(ig_lex_distance("echo-reqeust", "echo-request"), 1);
	assert_int_equal(ig_lex_distance("redirct", "redirect"), 1);
	assert_int_equal(ig_lex_distance("kitten", "sitting"), 3);
	memset(long_word, 'a', sizeof(long_word) - 1);
	long_word[sizeof(long_word) - 1] = '\0';
	assert_int_equal(ig_lex_distance(long_word, "a"), ~0u);
}

static void test_close(void **state)
{
	(void)state;
	assert_true(ig_lex_close("echo-requst", "echo-request"));
	assert_true(ig_lex_close("packet-to-big", "packet-too-big"));
	assert_true(ig_lex_close("frag-neded", "frag-needed"));
	/* Short words: one edit at most, and never half the word. */
	assert_true(ig_lex_close("ech", "echo"));
	assert_false(ig_lex_close("x", "y"));
	assert_false(ig_lex_close("ab", "skip"));
	assert_false(ig_lex_close("xyzzy", "skip"));
	assert_false(ig_lex_close("echo-request", "echo-reply"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leading_zero),
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_close),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
