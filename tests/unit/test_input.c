// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of user/input.c: what counts as a policy without statements,
 * and reading that refuses directories and input cut short.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "input.h"

static bool has(const char *text)
{
	return ig_input_has_statement(text, strlen(text));
}

static void test_no_statement(void **state)
{
	(void)state;
	assert_false(has(""));
	assert_false(has("\n\n\n"));
	assert_false(has("   \t \r\n"));
	assert_false(has("# only a comment\n"));
	assert_false(has("  # indented comment\n\t# another\n\n"));
	assert_false(has("#default drop"));
	assert_false(has("# a comment # with a hash\n"));
}

static void test_statement(void **state)
{
	(void)state;
	assert_true(has("default pass"));
	assert_true(has("# comment\ndefault pass\n"));
	assert_true(has("\n\n   v4 echo-request drop # why\n"));
	assert_true(has("x"));
	/* Not a statement, but not empty: the parser must say what it is. */
	assert_true(has("\x01"));
	/* A NUL byte counts too: the parser rejects it by name. */
	assert_true(ig_input_has_statement("\0", 1));
	/* The length bounds the text: what follows is not read. */
	assert_false(ig_input_has_statement("  default pass", 2));
}

static void test_read_file(void **state)
{
	char path[] = "/tmp/ig-input-XXXXXX", *text = NULL;
	const char body[] = "v4 echo-request drop\n";
	size_t len = 0;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, body, sizeof(body) - 1), sizeof(body) - 1);
	close(fd);
	assert_int_equal(ig_input_read(path, IG_INPUT_MAX, &text, &len), 0);
	assert_int_equal(len, sizeof(body) - 1);
	assert_string_equal(text, body);
	free(text);
	text = NULL;
	/* Over the limit: refused, nothing returned. */
	assert_int_equal(ig_input_read(path, 4, &text, &len), -EFBIG);
	assert_null(text);
	/* Exactly at the limit: read. */
	assert_int_equal(ig_input_read(path, sizeof(body) - 1, &text, &len), 0);
	free(text);
	unlink(path);
}

static void test_read_errors(void **state)
{
	char *text = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(ig_input_read("/", IG_INPUT_MAX, &text, &len),
			 -EISDIR);
	assert_int_equal(ig_input_read("/nonexistent/ig", IG_INPUT_MAX, &text,
				       &len),
			 -ENOENT);
	assert_null(text);
	assert_int_equal(ig_input_read("/dev/null", IG_INPUT_MAX, &text, &len),
			 0);
	assert_int_equal(len, 0);
	assert_false(ig_input_has_statement(text, len));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_statement),
		cmocka_unit_test(test_statement),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_read_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
