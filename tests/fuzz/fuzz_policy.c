// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target: the policy language end to end. Any input is parsed;
 * an accepted policy must validate, compile, and format to a text that
 * parses again to the same canonical text (format(parse(x)) is stable).
 * The first line is also tried as an `icmpgate set` and `unset` statement
 * on the parsed (or the empty) policy, which must leave a policy that
 * still formats. A broken identity aborts, which libFuzzer reports as a
 * crash with the input that caused it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "policy.h"

static void check(int ok, const char *what, const char *a, const char *b)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_policy: %s\n--- first\n%s\n--- second\n%s\n",
		what, a ? a : "", b ? b : "");
	abort();
}

static void round_trip(const struct ig_policy *p)
{
	struct ig_compiled c;
	struct ig_policy q;
	char *once = NULL, *twice = NULL;
	struct ig_diag d;

	check(ig_policy_validate(p, &d) == 0, "a parsed policy is invalid",
	      d.msg, NULL);
	check(ig_policy_format(p, &once) == 0, "a parsed policy won't format",
	      NULL, NULL);
	check(ig_policy_parse(&q, once, strlen(once), "fmt", &d) == 0,
	      "the formatted text is refused", once, d.msg);
	check(ig_policy_format(&q, &twice) == 0,
	      "the reparsed policy won't format", once, NULL);
	check(!strcmp(once, twice), "format(parse(format(p))) differs", once,
	      twice);
	if (ig_policy_compile(p, &c) == 0)
		ig_compiled_free(&c);
	ig_policy_free(&q);
	free(once);
	free(twice);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct ig_policy p;
	struct ig_diag d;
	char line[512];
	size_t n;

	if (ig_policy_parse(&p, text, size, "fuzz", &d) == 0)
		round_trip(&p);
	else
		ig_policy_init(&p);

	for (n = 0; n < size && n < sizeof(line) - 1 && text[n] != '\n'; n++)
		line[n] = text[n] ? text[n] : ' ';
	line[n] = '\0';
	if (ig_policy_set(&p, line, &d) == 0)
		round_trip(&p);
	if (ig_policy_unset(&p, line, &d) == 0)
		round_trip(&p);
	ig_policy_free(&p);
	return 0;
}
