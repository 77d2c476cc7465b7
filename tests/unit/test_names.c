// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of user/names.c: type and code names both ways, aliases,
 * unknown names, the consistency of the tables, and the essential set.
 */
#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../include/icmpgate.h"
#include "names.h"
#include "policy.h"

static void test_type_names_v4(void **state)
{
	(void)state;
	assert_string_equal(ig_type_name(IG_FAM_V4, 0), "echo-reply");
	assert_string_equal(ig_type_name(IG_FAM_V4, 3), "dest-unreachable");
	assert_string_equal(ig_type_name(IG_FAM_V4, 8), "echo-request");
	assert_string_equal(ig_type_name(IG_FAM_V4, 13), "timestamp-request");
	assert_string_equal(ig_type_name(IG_FAM_V4, 43), "extended-echo-reply");
	assert_int_equal(ig_type_by_name(IG_FAM_V4, "echo-request"), 8);
	assert_int_equal(ig_type_by_name(IG_FAM_V4, "redirect"), 5);
	assert_int_equal(ig_type_by_name(IG_FAM_V4, "skip"), 39);
	assert_int_equal(ig_type_by_name(IG_FAM_V4, "address-mask-reply"), 18);
	/* Unassigned numbers have no name. */
	assert_null(ig_type_name(IG_FAM_V4, 1));
	assert_null(ig_type_name(IG_FAM_V4, 7));
	assert_null(ig_type_name(IG_FAM_V4, 255));
}

static void test_type_names_v6(void **state)
{
	(void)state;
	assert_string_equal(ig_type_name(IG_FAM_V6, 1), "dest-unreachable");
	assert_string_equal(ig_type_name(IG_FAM_V6, 2), "packet-too-big");
	assert_string_equal(ig_type_name(IG_FAM_V6, 128), "echo-request");
	assert_string_equal(ig_type_name(IG_FAM_V6, 135), "neighbor-solicit");
	assert_string_equal(ig_type_name(IG_FAM_V6, 143),
			    "mld2-listener-report");
	assert_string_equal(ig_type_name(IG_FAM_V6, 161),
			    "extended-echo-reply");
	assert_int_equal(ig_type_by_name(IG_FAM_V6, "echo-request"), 128);
	assert_int_equal(ig_type_by_name(IG_FAM_V6, "router-advert"), 134);
	assert_int_equal(ig_type_by_name(IG_FAM_V6, "redirect"), 137);
	assert_int_equal(ig_type_by_name(IG_FAM_V6, "rpl-control"), 155);
	assert_null(ig_type_name(IG_FAM_V6, 0));
	assert_null(ig_type_name(IG_FAM_V6, 8));
	/* The same name means a different number in each family. */
	assert_int_equal(ig_type_by_name(IG_FAM_V4, "time-exceeded"), 11);
	assert_int_equal(ig_type_by_name(IG_FAM_V6, "time-exceeded"), 3);
}

static void test_aliases(void **state)
{
	(void)state;
	assert_int_equal(ig_type_by_name(IG_FAM_V4, "destination-unreachable"),
			 3);
	assert_int_equal(ig_type_by_name(IG_FAM_V6, "destination-unreachable"),
			 1);
	assert_int_equal(ig_type_by_name(IG_FAM_V6, "nd-neighbor-solicit"),
			 135);
	assert_int_equal(ig_type_by_name(IG_FAM_V6, "nd-neighbor-advert"), 136);
	assert_int_equal(ig_type_by_name(IG_FAM_V6, "nd-router-solicit"), 133);
	assert_int_equal(ig_type_by_name(IG_FAM_V6, "nd-router-advert"), 134);
	assert_int_equal(ig_type_by_name(IG_FAM_V6, "nd-redirect"), 137);
	assert_int_equal(ig_type_by_name(IG_FAM_V6, "mld-listener-reduction"),
			 132);
	assert_int_equal(ig_type_by_name(IG_FAM_V4, "timestamp"), 13);
	assert_int_equal(ig_code_by_name(IG_FAM_V4, 3, "fragmentation-needed"),
			 4);
	assert_int_equal(ig_code_by_name(IG_FAM_V6, 1, "address-unreachable"),
			 3);
	/* An alias never becomes the name that is printed. */
	assert_string_equal(ig_type_name(IG_FAM_V6, 135), "neighbor-solicit");
	assert_string_equal(ig_type_name(IG_FAM_V4, 3), "dest-unreachable");
	assert_string_equal(ig_code_name(IG_FAM_V4, 3, 4), "frag-needed");
}

static void test_code_names(void **state)
{
	(void)state;
	assert_string_equal(ig_code_name(IG_FAM_V4, 3, 0), "net-unreachable");
	assert_string_equal(ig_code_name(IG_FAM_V4, 3, 4), "frag-needed");
	assert_string_equal(ig_code_name(IG_FAM_V4, 3, 13), "admin-prohibited");
	assert_string_equal(ig_code_name(IG_FAM_V4, 3, 15),
			    "precedence-cutoff");
	assert_string_equal(ig_code_name(IG_FAM_V4, 5, 1), "redirect-host");
	assert_string_equal(ig_code_name(IG_FAM_V4, 11, 0), "ttl-exceeded");
	assert_string_equal(ig_code_name(IG_FAM_V4, 12, 2), "bad-length");
	assert_string_equal(ig_code_name(IG_FAM_V6, 1, 4), "port-unreachable");
	assert_string_equal(ig_code_name(IG_FAM_V6, 1, 5), "policy-fail");
	assert_string_equal(ig_code_name(IG_FAM_V6, 3, 0),
			    "hop-limit-exceeded");
	assert_string_equal(ig_code_name(IG_FAM_V6, 4, 1),
			    "unknown-next-header");
	assert_int_equal(ig_code_by_name(IG_FAM_V4, 3, "port-unreachable"), 3);
	assert_int_equal(ig_code_by_name(IG_FAM_V4, 11, "reassembly-timeout"),
			 1);
	assert_int_equal(ig_code_by_name(IG_FAM_V6, 1, "no-route"), 0);
	assert_int_equal(ig_code_by_name(IG_FAM_V6, 1, "reject-route"), 6);
	assert_int_equal(ig_code_by_name(IG_FAM_V6, 4, "unknown-option"), 2);
	/* A code name is only valid for its own type. */
	assert_int_equal(ig_code_by_name(IG_FAM_V4, 11, "frag-needed"), -1);
	assert_int_equal(ig_code_by_name(IG_FAM_V6, 1, "frag-needed"), -1);
	assert_int_equal(ig_code_type_by_name(IG_FAM_V4, "frag-needed"), 3);
	assert_int_equal(ig_code_type_by_name(IG_FAM_V6, "hop-limit-exceeded"),
			 3);
	assert_int_equal(ig_code_type_by_name(IG_FAM_V4, "no-such-code"), -1);
	/* Types without named codes, codes without names. */
	assert_null(ig_code_name(IG_FAM_V4, 8, 0));
	assert_null(ig_code_name(IG_FAM_V4, 3, 16));
	assert_int_equal(ig_code_by_name(IG_FAM_V4, 8, "net-unreachable"), -1);
}

static void test_unknown_names(void **state)
{
	(void)state;
	assert_int_equal(ig_type_by_name(IG_FAM_V4, "echo-requst"), -1);
	assert_int_equal(ig_type_by_name(IG_FAM_V4, ""), -1);
	assert_int_equal(ig_type_by_name(IG_FAM_V4, NULL), -1);
	assert_int_equal(ig_type_by_name(IG_FAM_V4, "Echo-Request"), -1);
	assert_int_equal(ig_type_by_name(IG_FAM_V4, "neighbor-solicit"), -1);
	assert_int_equal(ig_type_by_name(IG_FAM_V6, "timestamp-request"), -1);
	assert_int_equal(ig_type_by_name(IG_FAM_OTHER, "echo-request"), -1);
	assert_int_equal(ig_type_by_name(-1, "echo-request"), -1);
	assert_null(ig_type_name(IG_FAM_OTHER, 8));
	assert_null(ig_code_name(7, 3, 4));
	assert_int_equal(ig_code_by_name(IG_FAM_V4, 3, "8"), -1);
}

static void test_family_names(void **state)
{
	(void)state;
	assert_string_equal(ig_family_name(IG_FAM_V4), "v4");
	assert_string_equal(ig_family_name(IG_FAM_V6), "v6");
	assert_string_equal(ig_family_name(IG_FAM_OTHER), "other");
	assert_null(ig_family_name(IG_FAM_COUNT));
	assert_int_equal(ig_family_by_name("v4"), IG_FAM_V4);
	assert_int_equal(ig_family_by_name("v6"), IG_FAM_V6);
	assert_int_equal(ig_family_by_name("ipv4"), -1);
	assert_int_equal(ig_family_by_name(NULL), -1);
}

static bool kebab(const char *s)
{
	if (!*s || *s == '-' || s[strlen(s) - 1] == '-')
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) &&
		    !isdigit((unsigned char)*s) && *s != '-')
			return false;
	return true;
}

/* Every canonical name is kebab case and maps back to its own number. */
static void test_tables_round_trip(void **state)
{
	const char *name;
	int fam, type, code, named = 0;

	(void)state;
	for (fam = 0; fam < IG_POLICY_FAMILIES; fam++) {
		for (type = 0; type < IG_TYPES; type++) {
			name = ig_type_name(fam, type);
			if (!name)
				continue;
			named++;
			assert_true(kebab(name));
			assert_int_equal(ig_type_by_name(fam, name), type);
			/* The parser tells numbers from names by the digit. */
			assert_false(isdigit((unsigned char)name[0]));
			for (code = 0; code < IG_CODES; code++) {
				name = ig_code_name(fam, type, code);
				if (!name)
					continue;
				assert_true(kebab(name));
				assert_int_equal(
					ig_code_by_name(fam, type, name), code);
				assert_int_equal(
					ig_code_type_by_name(fam, name), type);
			}
		}
	}
	/* 30 assigned ICMPv4 types (0-18, 30-43), 38 ICMPv6 (1-4, 128-161). */
	assert_int_equal(named, 30 + 38);
}

static void test_essential(void **state)
{
	int code, type;

	(void)state;
	/* IPv4: only frag-needed (RFC 1191). */
	assert_true(ig_is_essential(IG_FAM_V4, 3, 4));
	assert_false(ig_is_essential(IG_FAM_V4, 3, 3));
	assert_false(ig_is_essential(IG_FAM_V4, 3, 0));
	assert_true(ig_is_essential(IG_FAM_V4, 3, IG_CODE_ANY));
	assert_false(ig_is_essential(IG_FAM_V4, 11, IG_CODE_ANY));
	assert_false(ig_is_essential(IG_FAM_V4, 8, 0));
	/* The type numbers of NDP mean nothing in IPv4. */
	assert_false(ig_is_essential(IG_FAM_V4, 135, 0));
	/* IPv6: packet-too-big, NDP and MLD, every code. */
	for (code = 0; code < IG_CODES; code++) {
		assert_true(ig_is_essential(IG_FAM_V6, 2, code));
		for (type = 130; type <= 136; type++)
			assert_true(ig_is_essential(IG_FAM_V6, type, code));
		assert_true(ig_is_essential(IG_FAM_V6, 143, code));
		assert_false(ig_is_essential(IG_FAM_V6, 137, code));
		assert_false(ig_is_essential(IG_FAM_V6, 1, code));
		assert_false(ig_is_essential(IG_FAM_V6, 128, code));
	}
	assert_false(ig_is_essential(IG_FAM_V6, 137, IG_CODE_ANY));
	assert_false(ig_is_essential(IG_FAM_OTHER, 3, 4));
}

static void test_essential_reasons(void **state)
{
	const struct ig_essential *e;

	(void)state;
	e = ig_essential_find(IG_FAM_V4, 3, 4);
	assert_non_null(e);
	assert_int_equal(e->code, 4);
	assert_non_null(strstr(e->why, "RFC 1191"));
	e = ig_essential_find(IG_FAM_V4, 3, IG_CODE_ANY);
	assert_non_null(e);
	assert_int_equal(e->code, 4);
	e = ig_essential_find(IG_FAM_V6, 2, 7);
	assert_non_null(e);
	assert_int_equal(e->code, IG_CODE_ANY);
	assert_non_null(strstr(e->why, "RFC 8201"));
	assert_non_null(
		strstr(ig_essential_find(IG_FAM_V6, 135, 0)->why, "RFC 4861"));
	assert_non_null(
		strstr(ig_essential_find(IG_FAM_V6, 130, 0)->why, "RFC 2710"));
	assert_non_null(
		strstr(ig_essential_find(IG_FAM_V6, 143, 0)->why, "RFC 3810"));
	assert_null(ig_essential_find(IG_FAM_V4, 3, 3));
	assert_null(ig_essential_find(IG_FAM_V6, 137, IG_CODE_ANY));
}

static void suggests(int family, const char *word, const char *want)
{
	char buf[128];

	if (ig_suggest_type(family, word, buf, sizeof(buf)))
		fail_msg("no suggestion for '%s'", word);
	assert_string_equal(buf, want);
}

static void test_suggest(void **state)
{
	char buf[128];
	int type, n;
	size_t i;

	(void)state;
	suggests(IG_FAM_V4, "frag-needed", "dest-unreachable/frag-needed");
	suggests(IG_FAM_V4, "port-unreachable",
		 "dest-unreachable/port-unreachable");
	suggests(IG_FAM_V4, "echo-requst", "echo-request");
	suggests(IG_FAM_V4, "timestmp", "timestamp");
	suggests(IG_FAM_V4, "frag-neded", "dest-unreachable/frag-needed");
	suggests(IG_FAM_V6, "packet-to-big", "packet-too-big");
	suggests(IG_FAM_V6, "neighbour-solicit", "neighbor-solicit");
	assert_int_equal(ig_suggest_type(IG_FAM_V4, "xyzzy", buf, sizeof(buf)),
			 -ENOENT);
	assert_int_equal(ig_suggest_type(IG_FAM_V4, "x", buf, sizeof(buf)),
			 -ENOENT);
	assert_int_equal(ig_suggest_code(IG_FAM_V4, 3, "frag-neede", buf,
					 sizeof(buf)),
			 0);
	assert_string_equal(buf, "frag-needed");
	assert_int_equal(ig_suggest_code(IG_FAM_V4, 8, "frag-neede", buf,
					 sizeof(buf)),
			 -ENOENT);
	/* The enumerators reach every name, then stop. */
	for (n = 0; ig_type_name_at(IG_FAM_V4, n, &type); n++)
		assert_int_equal(
			ig_type_by_name(IG_FAM_V4,
					ig_type_name_at(IG_FAM_V4, n, &type)),
			type);
	assert_true(n > 30);
	for (i = 0; ig_code_name_at(IG_FAM_V6, i, 0, &type); i++)
		for (n = 0; ig_code_name_at(IG_FAM_V6, i, n, &type); n++)
			assert_true(
				ig_code_by_name(IG_FAM_V6, type,
						ig_code_name_at(IG_FAM_V6, i, n,
								&type)) >= 0);
	assert_true(i > 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_type_names_v4),
		cmocka_unit_test(test_type_names_v6),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_code_names),
		cmocka_unit_test(test_unknown_names),
		cmocka_unit_test(test_family_names),
		cmocka_unit_test(test_tables_round_trip),
		cmocka_unit_test(test_essential),
		cmocka_unit_test(test_essential_reasons),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
