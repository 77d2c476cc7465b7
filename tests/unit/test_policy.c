// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of user/policy/ (through policy.h): every statement, every
 * error (line, column, word and message), duplicates, the essential-message
 * refusals, `set`, `unset`, every form of `limit`, and the canonical format
 * round trip.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../include/icmpgate.h"
#include "policy.h"

static int parse(struct ig_policy *p, const char *text, struct ig_diag *d)
{
	return ig_policy_parse(p, text, strlen(text), "test.policy", d);
}

/* Parse text that must be accepted; *p holds the result. */
static void parse_ok(struct ig_policy *p, const char *text)
{
	struct ig_diag d;
	char msg[512];
	int err = parse(p, text, &d);

	if (err) {
		ig_diag_format(&d, msg, sizeof(msg));
		fail_msg("rejected: %s", msg);
	}
}

static char *format(const struct ig_policy *p)
{
	char *text = NULL;

	assert_int_equal(ig_policy_format(p, &text), 0);
	assert_non_null(text);
	return text;
}

/* The message names the word, in quotes, and says `needle`. */
static void check_msg(const struct ig_diag *d, const char *word,
		      const char *needle)
{
	char quoted[80];

	if (word[0]) {
		snprintf(quoted, sizeof(quoted), "'%s'", word);
		if (!strstr(d->msg, quoted))
			fail_msg("'%s' does not name %s", d->msg, quoted);
	}
	if (!strstr(d->msg, needle))
		fail_msg("'%s' does not say '%s'", d->msg, needle);
}

struct bad {
	const char *text;
	unsigned line;
	unsigned col;
	const char *word;
	const char *needle; /* part of the message */
};

static void expect_bad(const struct bad *b)
{
	struct ig_policy p;
	struct ig_diag d;

	if (parse(&p, b->text, &d) != -EINVAL)
		fail_msg("accepted: %s", b->text);
	assert_string_equal(d.source, "test.policy");
	if (d.line != b->line || d.col != b->col)
		fail_msg("%s: at %u:%u, want %u:%u (%s)", b->text, d.line,
			 d.col, b->line, b->col, d.msg);
	assert_string_equal(d.word, b->word);
	check_msg(&d, b->word, b->needle);
	/* A rejected text leaves an empty policy, nothing half-parsed. */
	assert_int_equal(p.n_rules, 0);
	assert_int_equal(p.n_prefixes, 0);
	assert_int_equal(p.default_action, IG_ACT_PASS);
	ig_policy_free(&p);
}

static void expect_all_bad(const struct bad *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		expect_bad(&b[i]);
}

static const struct ig_rule_spec *
side_rule_at(const struct ig_policy *p, int side, int fam, int type, int code)
{
	size_t i;

	for (i = 0; i < p->n_rules; i++)
		if (p->rules[i].side == side && p->rules[i].family == fam &&
		    p->rules[i].type == type && p->rules[i].code == code)
			return &p->rules[i];
	return NULL;
}

static const struct ig_rule_spec *rule_at(const struct ig_policy *p, int fam,
					  int type, int code)
{
	return side_rule_at(p, IG_SIDE_HOST, fam, type, code);
}

static bool rates_equal(const struct ig_rate_spec *a,
			const struct ig_rate_spec *b)
{
	return a->amount == b->amount && a->period == b->period &&
	       a->bits == b->bits && a->burst == b->burst;
}

static bool limits_equal(const struct ig_limit_spec *a,
			 const struct ig_limit_spec *b)
{
	return rates_equal(&a->cls, &b->cls) && rates_equal(&a->src, &b->src) &&
	       a->prefix_len == b->prefix_len;
}

/* Same statements, whatever their order and lines. */
static void assert_policy_equal(const struct ig_policy *a,
				const struct ig_policy *b)
{
	const struct ig_rule_spec *r, *s;
	size_t i, j;
	bool found;

	assert_int_equal(a->default_action, b->default_action);
	assert_int_equal(a->forward_default, b->forward_default);
	assert_int_equal(a->fragments, b->fragments);
	assert_int_equal(a->broadcast_echo, b->broadcast_echo);
	assert_int_equal(a->audit, b->audit);
	assert_int_equal(a->n_rules, b->n_rules);
	assert_int_equal(a->n_prefixes, b->n_prefixes);
	for (i = 0; i < a->n_rules; i++) {
		r = &a->rules[i];
		s = side_rule_at(b, r->side, r->family, r->type, r->code);
		assert_non_null(s);
		assert_int_equal(r->action, s->action);
		assert_int_equal(r->flags, s->flags);
		assert_int_equal(r->max_size, s->max_size);
		assert_true(limits_equal(&r->limit, &s->limit));
	}
	for (i = 0; i < a->n_prefixes; i++) {
		found = false;
		for (j = 0; j < b->n_prefixes && !found; j++)
			found = a->prefixes[i].family ==
					b->prefixes[j].family &&
				a->prefixes[i].len == b->prefixes[j].len &&
				a->prefixes[i].list == b->prefixes[j].list &&
				!memcmp(a->prefixes[i].addr,
					b->prefixes[j].addr, 16);
		assert_true(found);
	}
}

/* format(parse(format(p))) == format(p), and the policies are equal. */
static void check_round_trip(const char *text)
{
	struct ig_policy p, q;
	char *once, *twice;

	parse_ok(&p, text);
	once = format(&p);
	parse_ok(&q, once);
	twice = format(&q);
	assert_string_equal(once, twice);
	assert_policy_equal(&p, &q);
	free(once);
	free(twice);
	ig_policy_free(&p);
	ig_policy_free(&q);
}

static void test_empty(void **state)
{
	static const char *const empties[] = {
		"",
		"\n\n\n",
		"# only a comment\n",
		"   \t \n# x\n  # y",
	};
	struct ig_policy p;
	char *text;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(empties) / sizeof(empties[0]); i++) {
		parse_ok(&p, empties[i]);
		assert_int_equal(p.default_action, IG_ACT_PASS);
		assert_int_equal(p.fragments, IG_ACT_PASS);
		assert_int_equal(p.n_rules, 0);
		assert_int_equal(p.n_prefixes, 0);
		text = format(&p);
		assert_string_equal(text, "default pass\nfragments pass\n");
		free(text);
		ig_policy_free(&p);
	}
}

static void test_every_statement(void **state)
{
	static const uint8_t net[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	const struct ig_rule_spec *r;
	struct ig_policy p;

	(void)state;
	parse_ok(&p, "default drop\n"
		     "fragments drop\n"
		     "v4 echo-request drop\n"
		     "v4 dest-unreachable/port-unreachable pass\n"
		     "v6 128/0 pass force\n"
		     "allow 10.0.0.0/8\n"
		     "block 2001:db8::/32\n"
		     "allow 192.0.2.1\n"
		     "block ::1\n");
	assert_int_equal(p.default_action, IG_ACT_DROP);
	assert_int_equal(p.fragments, IG_ACT_DROP);
	assert_int_equal(p.n_rules, 3);
	r = rule_at(&p, IG_FAM_V4, 8, IG_CODE_ANY);
	assert_non_null(r);
	assert_int_equal(r->action, IG_ACT_DROP);
	assert_int_equal(r->flags, 0);
	assert_int_equal(r->line, 3);
	r = rule_at(&p, IG_FAM_V4, 3, 3);
	assert_non_null(r);
	assert_int_equal(r->action, IG_ACT_PASS);
	r = rule_at(&p, IG_FAM_V6, 128, 0);
	assert_non_null(r);
	assert_int_equal(r->flags, IG_SPEC_FORCE);
	assert_int_equal(r->line, 5);

	assert_int_equal(p.n_prefixes, 4);
	assert_int_equal(p.prefixes[0].family, IG_FAM_V4);
	assert_int_equal(p.prefixes[0].list, IG_LIST_ALLOW);
	assert_int_equal(p.prefixes[0].len, 8);
	assert_int_equal(p.prefixes[0].addr[0], 10);
	assert_int_equal(p.prefixes[0].line, 6);
	assert_int_equal(p.prefixes[1].family, IG_FAM_V6);
	assert_int_equal(p.prefixes[1].list, IG_LIST_BLOCK);
	assert_int_equal(p.prefixes[1].len, 32);
	assert_memory_equal(p.prefixes[1].addr, net, 16);
	/* No /LEN: a host route. */
	assert_int_equal(p.prefixes[2].len, 32);
	assert_int_equal(p.prefixes[2].addr[3], 1);
	/* IPv4 fills the first 4 bytes only. */
	assert_int_equal(p.prefixes[2].addr[4], 0);
	assert_int_equal(p.prefixes[3].len, 128);
	ig_policy_free(&p);
}

static void test_comments_and_blanks(void **state)
{
	const struct ig_rule_spec *r;
	struct ig_policy p;

	(void)state;
	parse_ok(&p, "# heading\n"
		     "\n"
		     "\t v4   echo-request\tdrop   # trailing comment\n"
		     "v4 echo-reply drop#no space before it\n"
		     "v6 echo-request pass force #\n"
		     "default drop\r\n"
		     "    \n"
		     "# v4 redirect drop\n"
		     "allow 10.0.0.0/8# comment");
	assert_int_equal(p.n_rules, 3);
	assert_int_equal(p.default_action, IG_ACT_DROP);
	r = rule_at(&p, IG_FAM_V4, 0, IG_CODE_ANY);
	assert_non_null(r);
	assert_int_equal(r->line, 4);
	assert_null(rule_at(&p, IG_FAM_V4, 5, IG_CODE_ANY));
	assert_int_equal(p.n_prefixes, 1);
	assert_int_equal(p.prefixes[0].line, 9);
	ig_policy_free(&p);
}

static void test_numbers_and_names(void **state)
{
	struct ig_policy p;

	(void)state;
	parse_ok(&p, "v4 8/0 drop\n"
		     "v4 255/255 drop\n"
		     "v4 0 pass\n"
		     "v4 dest-unreachable/13 drop\n"
		     "v4 3/host-unreachable drop\n"
		     "v6 nd-neighbor-solicit pass\n"
		     "v6 200 drop\n");
	assert_non_null(rule_at(&p, IG_FAM_V4, 8, 0));
	assert_non_null(rule_at(&p, IG_FAM_V4, 255, 255));
	assert_non_null(rule_at(&p, IG_FAM_V4, 0, IG_CODE_ANY));
	assert_non_null(rule_at(&p, IG_FAM_V4, 3, 13));
	assert_non_null(rule_at(&p, IG_FAM_V4, 3, 1));
	assert_non_null(rule_at(&p, IG_FAM_V6, 135, IG_CODE_ANY));
	assert_non_null(rule_at(&p, IG_FAM_V6, 200, IG_CODE_ANY));
	ig_policy_free(&p);
}

static void test_statement_errors(void **state)
{
	static const struct bad bad[] = {
		{ "bogus\n", 1, 1, "bogus", "expected default, fragments" },
		{ "\n\n  Default pass\n", 3, 3, "Default",
		  "unknown statement" },
		{ "default\n", 1, 8, "",
		  "after 'default': expected pass or drop" },
		{ "default   \n", 1, 8, "", "missing action" },
		{ "default maybe\n", 1, 9, "maybe", "expected pass or drop" },
		{ "default pass extra\n", 1, 14, "extra", "end of statement" },
		{ "fragments\n", 1, 10, "", "after 'fragments'" },
		{ "fragments limit\n", 1, 11, "limit", "unknown action" },
		{ "v4\n", 1, 3, "", "missing type after 'v4'" },
		{ "v6 # no type\n", 1, 3, "", "missing type after 'v6'" },
		{ "v4 echo-request\n", 1, 16, "", "missing action after" },
		{ "v4 echo-request force\n", 1, 17, "force",
		  "missing action before" },
		{ "v4 echo-request force drop\n", 1, 17, "force",
		  "expected pass, drop or limit" },
		{ "v4 echo-request drop force extra\n", 1, 28, "extra",
		  "'force' must be the last word" },
		{ "v4 echo-request drop now\n", 1, 22, "now",
		  "expected 'force' or end of statement" },
		{ "v4 echo-request drop force force\n", 1, 28, "force",
		  "must be the last word" },
	};

	(void)state;
	expect_all_bad(bad, sizeof(bad) / sizeof(bad[0]));
}

/* Words of later releases are unknown words, with the usual error. */
static void test_rule_option_errors(void **state)
{
	static const struct bad bad[] = {
		{ "default limit 10/s\n", 1, 9, "limit",
		  "unknown action 'limit': expected pass or drop" },
		{ "v4 echo-request validate\n", 1, 17, "validate",
		  "unknown action" },
		{ "v4 echo-request pass validate\n", 1, 22, "validate",
		  "v4 echo-request quotes none" },
		{ "v6 router-advert pass validate\n", 1, 23, "validate",
		  "expected dest-unreachable, packet-too-big, time-exceeded" },
		{ "v4 dest-unreachable drop validate\n", 1, 26, "validate",
		  "'validate' with 'drop'" },
		{ "v4 3 pass validate validate\n", 1, 20, "validate",
		  "duplicate 'validate'" },
		{ "v4 echo-request drop max-size 100\n", 1, 22, "max-size",
		  "'max-size' with 'drop'" },
		{ "v4 echo-request pass max-size\n", 1, 30, "",
		  "missing number after 'max-size'" },
		{ "v4 echo-request pass max-size 7\n", 1, 31, "7",
		  "expected bytes of ICMP message, 8-65535" },
		{ "v4 echo-request pass max-size 65536\n", 1, 31, "65536",
		  "8-65535" },
		{ "v4 echo-request pass max-size 1k\n", 1, 31, "1k",
		  "invalid max-size" },
		{ "v4 8 pass max-size 9 max-size 10\n", 1, 22, "max-size",
		  "duplicate 'max-size'" },
		{ "v4 8 pass max-size 100 bogus\n", 1, 24, "bogus",
		  "expected validate, max-size, 'force'" },
		{ "v4 3 pass socket\n", 1, 11, "socket",
		  "expected validate, max-size, 'force'" },
		{ "v4 3 pass validate socket socket\n", 1, 27, "socket",
		  "expected validate, max-size, 'force'" },
		{ "v4 3/4 pass force validate\n", 1, 19, "validate",
		  "'force' must be the last word" },
		{ "v6 echo-request per-source 5/s\n", 1, 17, "per-source",
		  "expected pass, drop or limit" },
		{ "broadcast-echo limit 1/s\n", 1, 16, "limit",
		  "expected pass or drop" },
		{ "broadcast-echo pass\nbroadcast-echo drop\n", 2, 1,
		  "broadcast-echo",
		  "duplicate 'broadcast-echo' (first at line "
		  "1)" },
		{ "ra-guard fe80::1\n", 1, 10, "fe80::1",
		  "expected 'ra-guard allow CIDR'" },
		{ "ra-guard allow\n", 1, 15, "", "missing prefix" },
		{ "ra-guard allow 192.0.2.1\n", 1, 16, "192.0.2.1",
		  "router advertisements are ICMPv6" },
		{ "ra-guard allow fe80::1 x\n", 1, 24, "x",
		  "expected end of statement" },
		{ "ra-guard allow fe80::1\nra-guard allow fe80::1/128\n", 2, 16,
		  "fe80::1/128", "duplicate prefix" },
	};

	(void)state;
	expect_all_bad(bad, sizeof(bad) / sizeof(bad[0]));
}

/*
 * validate, max-size, broadcast-echo and the RA guard: what they parse
 * to, their canonical form, the round trip, and set/unset on them.
 */
static void test_rule_options(void **state)
{
	static const char messy[] =
		"v6 packet-too-big limit per-source 100/s burst 200 validate\n"
		"v4 3/4 limit per-source 100/s burst 200 validate\n"
		"v4 echo-request limit 1000/s burst 100 max-size 1480\n";
	static const char text[] =
		"broadcast-echo pass\n"
		"v4 echo-request limit 1000/s max-size 1480\n"
		"v4 echo-reply pass max-size 1480 validate\n"
		"v4 dest-unreachable pass validate\n"
		"v4 time-exceeded pass max-size 576 validate force\n"
		"v6 packet-too-big limit per-source 100/s burst 200 validate\n"
		"ra-guard allow fe80::1\n"
		"ra-guard allow fe80::/64\n"
		"allow fe80::1\n";
	static const char canonical[] =
		"default pass\n"
		"fragments pass\n"
		"broadcast-echo pass\n"
		"v4 dest-unreachable pass validate\n"
		"v4 echo-request limit 1000/s max-size 1480\n"
		"v4 time-exceeded pass validate max-size 576 force\n"
		"v6 packet-too-big limit per-source 100/s burst 200 "
		"validate\n"
		"v6 time-exceeded pass validate socket max-size 100\n"
		"allow fe80::1/128\n"
		"ra-guard allow fe80::/64\n"
		"ra-guard allow fe80::1/128\n";
	const struct ig_rule_spec *r;
	struct ig_policy p;
	struct ig_diag d;
	char *out;

	(void)state;
	/* echo-reply is no error: `validate` on it is refused. */
	expect_bad(&(struct bad){ text, 3, 34, "validate", "quotes none" });
	parse_ok(&p, "broadcast-echo pass\n"
		     "v4 echo-request limit 1000/s max-size 1480\n"
		     "v4 dest-unreachable pass validate\n"
		     "v4 time-exceeded pass max-size 576 validate force\n"
		     "v6 packet-too-big limit per-source 100/s burst 200 "
		     "validate\n"
		     "v6 time-exceeded pass max-size 100 validate socket\n"
		     "ra-guard allow fe80::1\n"
		     "ra-guard allow fe80::/64\n"
		     "allow fe80::1\n");
	assert_int_equal(p.broadcast_echo, IG_ACT_PASS);
	r = rule_at(&p, IG_FAM_V4, 8, IG_CODE_ANY);
	assert_int_equal(r->max_size, 1480);
	assert_int_equal(r->flags, 0);
	r = rule_at(&p, IG_FAM_V4, 11, IG_CODE_ANY);
	assert_int_equal(r->flags, IG_SPEC_VALIDATE | IG_SPEC_FORCE);
	assert_int_equal(r->max_size, 576);
	r = rule_at(&p, IG_FAM_V6, 2, IG_CODE_ANY);
	assert_int_equal(r->action, IG_ACT_LIMIT);
	assert_int_equal(r->flags, IG_SPEC_VALIDATE);
	r = rule_at(&p, IG_FAM_V6, 3, IG_CODE_ANY);
	assert_int_equal(r->flags, IG_SPEC_VALIDATE | IG_SPEC_VALIDATE_SOCKET);
	/* The same address as router and as trusted source: two lists. */
	assert_int_equal(p.n_prefixes, 3);
	out = format(&p);
	assert_string_equal(out, canonical);
	free(out);

	/* set and unset reach the new statements too. */
	assert_int_equal(ig_policy_set(&p, "broadcast-echo drop", &d), 0);
	assert_int_equal(p.broadcast_echo, IG_ACT_DROP);
	assert_int_equal(
		ig_policy_set(&p, "v4 echo-request pass max-size 64", &d), 0);
	assert_int_equal(rule_at(&p, IG_FAM_V4, 8, IG_CODE_ANY)->max_size, 64);
	assert_int_equal(ig_policy_unset(&p, "ra-guard allow fe80::1", &d), 0);
	assert_int_equal(p.n_prefixes, 2);
	assert_int_equal(ig_policy_unset(&p, "ra-guard allow fe80::1", &d),
			 -ENOENT);
	check_msg(&d, "fe80::1", "no prefix");
	assert_int_equal(ig_policy_unset(&p, "allow fe80::1", &d), 0);
	out = format(&p);
	assert_string_equal(out,
			    "default pass\n"
			    "fragments pass\n"
			    "v4 dest-unreachable pass validate\n"
			    "v4 echo-request pass max-size 64\n"
			    "v4 time-exceeded pass validate max-size 576 "
			    "force\n"
			    "v6 packet-too-big limit per-source 100/s burst "
			    "200 validate\n"
			    "v6 time-exceeded pass validate socket max-size "
			    "100\n"
			    "ra-guard allow fe80::/64\n");
	free(out);
	ig_policy_free(&p);

	parse_ok(&p, messy);
	out = format(&p);
	assert_string_equal(out,
			    "default pass\n"
			    "fragments pass\n"
			    "v4 dest-unreachable/frag-needed limit per-source "
			    "100/s burst 200 validate\n"
			    "v4 echo-request limit 1000/s max-size 1480\n"
			    "v6 packet-too-big limit per-source 100/s burst "
			    "200 validate\n");
	free(out);
	ig_policy_free(&p);
	check_round_trip(messy);
	check_round_trip(canonical);
	check_round_trip(ig_default_policy);
}

static void test_type_code_errors(void **state)
{
	static const struct bad bad[] = {
		{ "v4 echo-requst drop\n", 1, 4, "echo-requst",
		  "unknown v4 type" },
		{ "v6 timestamp-request drop\n", 1, 4, "timestamp-request",
		  "unknown v6 type" },
		{ "v4 neighbor-solicit drop\n", 1, 4, "neighbor-solicit",
		  "it is a v6 type" },
		{ "v4 256 drop\n", 1, 4, "256",
		  "out of range: expected 0-255" },
		{ "v4 99999999999999999999999 drop\n", 1, 4,
		  "99999999999999999999999", "out of range" },
		{ "v4 8x drop\n", 1, 4, "8x", "unknown v4 type" },
		{ "v4 -1 drop\n", 1, 4, "-1", "unknown v4 type" },
		{ "v4 time-exceeded/frag-needed drop\n", 1, 18, "frag-needed",
		  "belongs to v4 dest-unreachable, not to v4 time-exceeded" },
		{ "v4 echo-request/bogus drop\n", 1, 17, "bogus",
		  "unknown code 'bogus' for v4 echo-request" },
		{ "v6 1/frag-needed drop\n", 1, 6, "frag-needed",
		  "unknown code" },
		{ "v4 dest-unreachable/256 drop\n", 1, 21, "256",
		  "out of range: expected 0-255" },
		{ "v4 echo-request/ drop\n", 1, 17, "",
		  "missing code after 'echo-request/'" },
		{ "v4 /3 drop\n", 1, 4, "/3", "missing type" },
		{ "v4 3/4/5 drop\n", 1, 6, "4/5", "unknown code" },
		/* Misspellings and misplaced codes: "did you mean". */
		{ "v4 echo-requst drop\n", 1, 4, "echo-requst",
		  "unknown v4 type 'echo-requst' (did you mean "
		  "'echo-request'?)" },
		{ "v4 echo-requets drop\n", 1, 4, "echo-requets",
		  "(did you mean 'echo-request'?)" },
		{ "v4 frag-needed drop\n", 1, 4, "frag-needed",
		  "(did you mean 'dest-unreachable/frag-needed'?)" },
		{ "v4 frag-neded drop\n", 1, 4, "frag-neded",
		  "(did you mean 'dest-unreachable/frag-needed'?)" },
		{ "v6 packet-to-big drop\n", 1, 4, "packet-to-big",
		  "(did you mean 'packet-too-big'?)" },
		{ "v4 dest-unreachable/port-unreachabel drop\n", 1, 21,
		  "port-unreachabel", "(did you mean 'port-unreachable'?)" },
		/* A long message is printed whole, advice included. */
		{ "v4 dest-unreachable/frag-needed limit 10/s\n", 1, 33,
		  "limit",
		  "limit it per source only ('limit per-source RATE') or add "
		  "'force'" },
		/* Leading zeros: refused, not read as decimal or octal. */
		{ "v4 010 drop\n", 1, 4, "010",
		  "number '010' has a leading zero: numbers are decimal, "
		  "write '10'" },
		{ "v4 00 drop\n", 1, 4, "00", "write '0'" },
		{ "v4 echo-request/03 drop\n", 1, 17, "03",
		  "number '03' in 'echo-request/03' has a leading zero" },
		{ "v4 echo-request limit 010/s\n", 1, 23, "010",
		  "in '010/s' has a leading zero" },
		{ "v4 echo-request limit 10/s burst 05\n", 1, 34, "05",
		  "write '5'" },
		{ "allow 10.0.0.0/08\n", 1, 16, "08", "write '8'" },
	};

	(void)state;
	expect_all_bad(bad, sizeof(bad) / sizeof(bad[0]));
}

static void test_prefix_errors(void **state)
{
	static const struct bad bad[] = {
		{ "allow 10.1.2.3/8\n", 1, 7, "10.1.2.3/8",
		  "host bits set in '10.1.2.3/8'; did you mean 10.0.0.0/8?" },
		{ "block 2001:db8::1/32\n", 1, 7, "2001:db8::1/32",
		  "did you mean 2001:db8::/32?" },
		{ "allow 10.1.0.0/15\n", 1, 7, "10.1.0.0/15",
		  "did you mean 10.0.0.0/15?" },
		{ "block 2001:db8:4000::/33\n", 1, 7, "2001:db8:4000::/33",
		  "did you mean 2001:db8::/33?" },
		{ "allow 10.0.0.0/33\n", 1, 16, "33",
		  "out of range in '10.0.0.0/33': expected 0-32" },
		{ "allow ::/129\n", 1, 10, "129", "expected 0-128" },
		{ "allow 10.0.0.0/x\n", 1, 16, "x", "invalid prefix length" },
		{ "allow 10.0.0.0/-1\n", 1, 16, "-1", "invalid prefix length" },
		{ "allow 10.0.0.0/\n", 1, 16, "", "missing prefix length" },
		{ "allow 10.0.0.256\n", 1, 7, "10.0.0.256", "invalid address" },
		{ "allow 10.0.0\n", 1, 7, "10.0.0",
		  "expected an IPv4 or IPv6" },
		{ "block gg::1\n", 1, 7, "gg::1", "invalid address" },
		{ "block 1:2:3:4:5:6:7:8:9\n", 1, 7, "1:2:3:4:5:6:7:8:9",
		  "invalid address" },
		{ "allow\n", 1, 6, "", "missing prefix after 'allow'" },
		{ "block 10.0.0.0/8 now\n", 1, 18, "now", "end of statement" },
		{ "allow 10.0.0.0/8\nblock 10.0.0.0/8\n", 2, 7, "10.0.0.0/8",
		  "already in the allow list (line 1)" },
		{ "block ::/0\n\nallow ::/0\n", 3, 7, "::/0",
		  "already in the block list (line 1)" },
	};

	(void)state;
	expect_all_bad(bad, sizeof(bad) / sizeof(bad[0]));
}

static void test_text_errors(void **state)
{
	static const char nul[] = "v4 echo\0-request drop\n";
	char longword[200];
	struct ig_policy p;
	struct ig_diag d;
	static const struct bad bad[] = {
		{ "v4 echo\x01 drop\n", 1, 8, "", "invalid character 0x01" },
		{ "default pass\n\x1b[1m\n", 2, 1, "", "invalid character" },
	};

	(void)state;
	expect_all_bad(bad, sizeof(bad) / sizeof(bad[0]));
	/* A NUL inside the text is not the end of it. */
	assert_int_equal(ig_policy_parse(&p, nul, sizeof(nul) - 1, "f", &d),
			 -EINVAL);
	assert_int_equal(d.col, 8);
	check_msg(&d, "", "invalid character 0x00");
	/* An overlong word is refused, not cut to something valid. */
	memset(longword, 'a', sizeof(longword));
	memcpy(longword, "v4 ", 3);
	memcpy(longword + sizeof(longword) - 7, " drop\n", 7);
	assert_int_equal(parse(&p, longword, &d), -EINVAL);
	assert_int_equal(d.col, 4);
	check_msg(&d, "", "too long");
}

static void test_duplicates(void **state)
{
	static const struct bad bad[] = {
		{ "v4 echo-request drop\nv4 echo-request pass\n", 2, 4,
		  "echo-request",
		  "duplicate rule for v4 'echo-request' (first at line 1)" },
		{ "v4 8 drop\n\n\nv4 echo-request drop\n", 4, 4, "echo-request",
		  "(first at line 1)" },
		{ "v4 echo-request drop\nv4 8 drop\n", 2, 4, "8",
		  "i.e. v4 echo-request (first at line 1)" },
		{ "v4 dest-unreachable/4 pass\nv4 3/frag-needed drop force\n",
		  2, 4, "3/frag-needed", "v4 dest-unreachable/frag-needed" },
		{ "v6 135 pass\nv6 nd-neighbor-solicit pass\n", 2, 4,
		  "nd-neighbor-solicit", "first at line 1" },
		{ "default pass\ndefault drop\n", 2, 1, "default",
		  "duplicate 'default' (first at line 1)" },
		{ "fragments pass\n# x\nfragments pass\n", 3, 1, "fragments",
		  "(first at line 1)" },
		{ "allow 10.0.0.0/8\nallow 10.0.0.0/8\n", 2, 7, "10.0.0.0/8",
		  "duplicate prefix '10.0.0.0/8' (first at line 1)" },
		{ "allow 10.0.0.1\nallow 10.0.0.1/32\n", 2, 7, "10.0.0.1/32",
		  "duplicate prefix" },
		{ "block 2001:db8::/32\nblock 2001:0db8:0::/32\n", 2, 7,
		  "2001:0db8:0::/32", "first at line 1" },
	};
	struct ig_policy p;

	(void)state;
	expect_all_bad(bad, sizeof(bad) / sizeof(bad[0]));
	/* Different targets are not duplicates. */
	parse_ok(&p, "v4 echo-request drop\nv4 echo-request/0 pass\n"
		     "v6 echo-request drop\nallow 10.0.0.0/8\n"
		     "allow 10.0.0.0/16\nallow ::a00:0/104\n");
	assert_int_equal(p.n_rules, 3);
	assert_int_equal(p.n_prefixes, 3);
	ig_policy_free(&p);
}

static void test_essential_refused(void **state)
{
	static const struct bad bad[] = {
		{ "v4 dest-unreachable drop\n", 1, 21, "drop",
		  "v4 dest-unreachable 'drop' would drop frag-needed, which "
		  "path-MTU discovery needs (RFC 1191)" },
		{ "v4 3 drop\n", 1, 6, "drop",
		  "pass it with 'v4 dest-unreachable/frag-needed pass' or add "
		  "'force'" },
		{ "v4 3/4 drop\n", 1, 8, "drop", "add 'force'" },
		{ "v4 dest-unreachable/frag-needed drop\n", 1, 33, "drop",
		  "RFC 1191" },
		{ "v6 packet-too-big drop\n", 1, 19, "drop",
		  "would drop packet-too-big, which path-MTU discovery needs "
		  "(RFC 8201)" },
		{ "v6 2/1 drop\n", 1, 8, "drop", "RFC 8201" },
		{ "v6 router-solicit drop\n", 1, 19, "drop", "RFC 4861" },
		{ "v6 router-advert drop\n", 1, 18, "drop", "RFC 4861" },
		{ "v6 neighbor-solicit drop\n", 1, 21, "drop",
		  "neighbor discovery needs (RFC 4861)" },
		{ "v6 nd-neighbor-advert  drop\n", 1, 24, "drop", "RFC 4861" },
		{ "v6 130 drop\n", 1, 8, "drop", "RFC 2710" },
		{ "v6 mld-listener-report drop\n", 1, 24, "drop", "RFC 2710" },
		{ "v6 mld-listener-done/0 drop\n", 1, 24, "drop", "RFC 2710" },
		{ "v6 mld2-listener-report drop\n", 1, 25, "drop", "RFC 3810" },
		/* The first offending rule in the text is named. */
		{ "v4 echo-request drop\nv6 136 drop\nv6 135 drop\n", 2, 8,
		  "drop", "v6 neighbor-advert 'drop'" },
		/* A code rule that passes one code leaves the others. */
		{ "v6 2/0 pass\nv6 2 drop\n", 2, 6, "drop", "RFC 8201" },
		/* A forced type rule does not cover a code rule. */
		{ "v6 2 drop force\nv6 2/5 drop\n", 2, 8, "drop",
		  "v6 packet-too-big/5 'drop'" },
	};

	(void)state;
	expect_all_bad(bad, sizeof(bad) / sizeof(bad[0]));
}

static void test_essential_accepted(void **state)
{
	static const char *const ok[] = {
		/* A drop for the type, a pass for the essential code. */
		"v4 dest-unreachable drop\nv4 dest-unreachable/frag-needed pass\n",
		"v4 3/4 pass\nv4 3 drop\n",
		"v4 dest-unreachable drop\nv4 3/4 drop force\n",
		"v4 dest-unreachable drop force\n",
		"v6 packet-too-big drop force\n",
		"v6 nd-neighbor-solicit drop force\n",
		"v6 130 drop force\nv6 131/7 drop force\n",
		/* `default drop` never reaches them: the compiler sees to it. */
		"default drop\n",
		/* Not essential. */
		"v6 redirect drop\nv6 echo-request drop\nv4 3/3 drop\n"
		"v4 time-exceeded drop\nv6 dest-unreachable drop\n",
		/* Passing is always fine. */
		"v6 135 pass\nv4 3 pass\n",
	};
	struct ig_policy p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		parse_ok(&p, ok[i]);
		assert_int_equal(ig_policy_validate(&p, NULL), 0);
		ig_policy_free(&p);
	}
}

static void test_validate(void **state)
{
	struct ig_rule_spec rule = { .family = IG_FAM_V6,
				     .type = 135,
				     .code = IG_CODE_ANY,
				     .action = IG_ACT_DROP,
				     .line = 7 };
	struct ig_policy p;
	struct ig_diag d;

	(void)state;
	ig_policy_init(&p);
	p.rules = &rule;
	p.n_rules = 1;
	assert_int_equal(ig_policy_validate(&p, &d), -EINVAL);
	assert_int_equal(d.line, 7);
	check_msg(&d, "drop", "RFC 4861");
	rule.flags = IG_SPEC_FORCE;
	assert_int_equal(ig_policy_validate(&p, &d), 0);
	rule.action = 9;
	assert_int_equal(ig_policy_validate(&p, &d), -EINVAL);
	rule.action = IG_ACT_DROP;
	rule.family = IG_FAM_OTHER;
	assert_int_equal(ig_policy_validate(&p, NULL), -EINVAL);
	p.n_rules = 0;
	p.default_action = 5;
	assert_int_equal(ig_policy_validate(&p, &d), -EINVAL);
}

/* Of two offending rules, the one earlier in the text is named. */
static void test_validate_earliest_line(void **state)
{
	struct ig_rule_spec two[2] = {
		{ .family = IG_FAM_V4,
		  .type = 3,
		  .code = 4,
		  .action = IG_ACT_DROP,
		  .line = 9 },
		{ .family = IG_FAM_V6,
		  .type = 135,
		  .code = IG_CODE_ANY,
		  .action = IG_ACT_DROP,
		  .line = 4 },
	};
	struct ig_policy p;
	struct ig_diag d;

	(void)state;
	ig_policy_init(&p);
	p.rules = two;
	p.n_rules = 2;
	assert_int_equal(ig_policy_validate(&p, &d), -EINVAL);
	assert_int_equal(d.line, 4);
	check_msg(&d, "drop", "RFC 4861");
	two[1].line = 10;
	assert_int_equal(ig_policy_validate(&p, &d), -EINVAL);
	assert_int_equal(d.line, 9);
	check_msg(&d, "drop", "RFC 1191");
}

static void test_set(void **state)
{
	const struct ig_rule_spec *r;
	struct ig_policy p;
	struct ig_diag d;

	(void)state;
	ig_policy_init(&p);
	assert_int_equal(ig_policy_set(&p, "v4 echo-request drop", &d), 0);
	assert_int_equal(p.n_rules, 1);
	/* The same target again replaces the rule. */
	assert_int_equal(ig_policy_set(&p, "v4 8 pass force", &d), 0);
	assert_int_equal(p.n_rules, 1);
	r = rule_at(&p, IG_FAM_V4, 8, IG_CODE_ANY);
	assert_non_null(r);
	assert_int_equal(r->action, IG_ACT_PASS);
	assert_int_equal(r->flags, IG_SPEC_FORCE);
	/* A code rule is another target. */
	assert_int_equal(ig_policy_set(&p, "v4 8/3 drop\n", &d), 0);
	assert_int_equal(p.n_rules, 2);

	assert_int_equal(ig_policy_set(&p, "default drop", &d), 0);
	assert_int_equal(p.default_action, IG_ACT_DROP);
	assert_int_equal(ig_policy_set(&p, "default pass # back", &d), 0);
	assert_int_equal(p.default_action, IG_ACT_PASS);
	assert_int_equal(ig_policy_set(&p, "fragments drop", &d), 0);
	assert_int_equal(p.fragments, IG_ACT_DROP);

	/* A prefix moves to the list it is set in. */
	assert_int_equal(ig_policy_set(&p, "allow 10.0.0.0/8", &d), 0);
	assert_int_equal(ig_policy_set(&p, "allow 10.0.0.0/8", &d), 0);
	assert_int_equal(p.n_prefixes, 1);
	assert_int_equal(ig_policy_set(&p, "block 10.0.0.0/8", &d), 0);
	assert_int_equal(p.n_prefixes, 1);
	assert_int_equal(p.prefixes[0].list, IG_LIST_BLOCK);
	assert_int_equal(ig_policy_set(&p, "block 10.0.0.0/16", &d), 0);
	assert_int_equal(p.n_prefixes, 2);

	/* The type drop is fine once frag-needed has a pass of its own. */
	assert_int_equal(ig_policy_set(&p, "v4 3/4 pass", &d), 0);
	assert_int_equal(ig_policy_set(&p, "v4 dest-unreachable drop", &d), 0);
	ig_policy_free(&p);
}

/* Every failing `set` leaves the policy as it was, byte for byte. */
static void test_set_errors_change_nothing(void **state)
{
	static const struct bad bad[] = {
		{ "v4 dest-unreachable drop", 1, 21, "drop", "RFC 1191" },
		{ "v6 2/3 drop", 1, 8, "drop", "RFC 8201" },
		{ "v6 135 drop", 1, 8, "drop", "RFC 4861" },
		{ "v4 bogus drop", 1, 4, "bogus", "unknown v4 type" },
		{ "v4 echo-request limit 5/h", 1, 23, "5/h", "unknown period" },
		{ "v4 dest-unreachable limit 5/s", 1, 21, "limit",
		  "one bucket for every sender" },
		{ "allow 10.1.2.3/8", 1, 7, "10.1.2.3/8", "did you mean" },
		{ "default", 1, 8, "", "missing action" },
		{ "", 1, 1, "", "missing statement" },
		{ "   # just a comment", 1, 1, "", "missing statement" },
		{ "v4 echo-request drop\nv4 echo-reply drop", 1, 21, "",
		  "one statement at a time" },
	};
	char *before, *after;
	struct ig_policy p;
	struct ig_diag d;
	size_t i;

	(void)state;
	parse_ok(&p, "default drop\nv4 echo-request drop\nallow 10.0.0.0/8\n");
	before = format(&p);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ig_policy_set(&p, bad[i].text, &d) != -EINVAL)
			fail_msg("set accepted: %s", bad[i].text);
		assert_string_equal(d.source, "set");
		assert_int_equal(d.line, bad[i].line);
		assert_int_equal(d.col, bad[i].col);
		assert_string_equal(d.word, bad[i].word);
		check_msg(&d, bad[i].word, bad[i].needle);
		after = format(&p);
		assert_string_equal(before, after);
		free(after);
	}
	assert_int_equal(ig_policy_set(&p, NULL, &d), -EINVAL);
	free(before);
	ig_policy_free(&p);
}

static void test_unset(void **state)
{
	struct ig_policy p;
	struct ig_diag d;
	char *before, *after;

	(void)state;
	parse_ok(&p, "v4 echo-request drop\n"
		     "v4 echo-request/3 pass\n"
		     "v4 dest-unreachable drop\n"
		     "v4 dest-unreachable/frag-needed pass\n"
		     "allow 10.0.0.0/8\n"
		     "block 2001:db8::/32\n");
	assert_int_equal(ig_policy_unset(&p, "v4 echo-request/3", &d), 0);
	assert_int_equal(p.n_rules, 3);
	assert_null(rule_at(&p, IG_FAM_V4, 8, 3));
	assert_non_null(rule_at(&p, IG_FAM_V4, 8, IG_CODE_ANY));
	assert_int_equal(ig_policy_unset(&p, "v4 8", &d), 0);
	assert_int_equal(p.n_rules, 2);

	/* Missing: -ENOENT, and it says what is missing. */
	assert_int_equal(ig_policy_unset(&p, "v4 echo-request", &d), -ENOENT);
	assert_string_equal(d.source, "unset");
	assert_int_equal(d.col, 4);
	check_msg(&d, "echo-request", "no rule for v4");
	assert_int_equal(ig_policy_unset(&p, "v6 dest-unreachable", &d),
			 -ENOENT);
	assert_int_equal(ig_policy_unset(&p, "block 10.0.0.0/8", &d), -ENOENT);
	check_msg(&d, "10.0.0.0/8", "is in the allow list");
	assert_int_equal(ig_policy_unset(&p, "allow 10.0.0.0/16", &d), -ENOENT);
	check_msg(&d, "10.0.0.0/16", "no prefix");

	before = format(&p);
	/* Bad requests: -EINVAL, nothing changed. */
	assert_int_equal(ig_policy_unset(&p, "v4 echo-request drop", &d),
			 -EINVAL);
	check_msg(&d, "drop", "unset takes no action");
	assert_int_equal(ig_policy_unset(&p, "default", &d), -EINVAL);
	check_msg(&d, "default", "cannot unset");
	assert_int_equal(ig_policy_unset(&p, "v4 bogus", &d), -EINVAL);
	assert_int_equal(ig_policy_unset(&p, "", &d), -EINVAL);
	assert_int_equal(ig_policy_unset(&p, "allow 10.0.0.1/8", &d), -EINVAL);
	/* Taking away the pass would let the type rule drop frag-needed. */
	assert_int_equal(ig_policy_unset(&p, "v4 3/4", &d), -EINVAL);
	check_msg(&d, "3/4", "RFC 1191");
	after = format(&p);
	assert_string_equal(before, after);
	free(before);
	free(after);

	assert_int_equal(ig_policy_unset(&p, "v4 dest-unreachable", &d), 0);
	assert_int_equal(ig_policy_unset(&p, "v4 3/frag-needed", &d), 0);
	assert_int_equal(ig_policy_unset(&p, "allow 10.0.0.0/8", &d), 0);
	assert_int_equal(ig_policy_unset(&p, "block 2001:db8::/32\n", &d), 0);
	assert_int_equal(p.n_rules, 0);
	assert_int_equal(p.n_prefixes, 0);
	ig_policy_free(&p);
}

static void test_format_canonical(void **state)
{
	static const char messy[] = "block 10.0.0.0/8\n"
				    "v6 2/3 pass\n"
				    "allow 2001:DB8:0:0::/32\n"
				    "v4 3/4 pass force\n"
				    "allow 192.0.2.0/24\n"
				    "v4 echo drop\n"
				    "v4 destination-unreachable drop\n"
				    "fragments drop\n"
				    "default drop\n"
				    "v4 echo-request/7 drop\n"
				    "allow 10.1.0.0/24\n"
				    "allow 10.1.0.0/16\n"
				    "v6 200 drop\n"
				    "v4 3/200 drop\n"
				    "allow 9.0.0.1\n"
				    "v6 nd-redirect drop\n";
	static const char canonical[] =
		"default drop\n"
		"fragments drop\n"
		"v4 dest-unreachable drop\n"
		"v4 dest-unreachable/frag-needed pass force\n"
		"v4 dest-unreachable/200 drop\n"
		"v4 echo-request drop\n"
		"v4 echo-request/7 drop\n"
		"v6 packet-too-big/3 pass\n"
		"v6 redirect drop\n"
		"v6 200 drop\n"
		"allow 9.0.0.1/32\n"
		"allow 10.1.0.0/16\n"
		"allow 10.1.0.0/24\n"
		"allow 192.0.2.0/24\n"
		"allow 2001:db8::/32\n"
		"block 10.0.0.0/8\n";
	struct ig_policy p;
	char *text;

	(void)state;
	parse_ok(&p, messy);
	text = format(&p);
	assert_string_equal(text, canonical);
	free(text);
	ig_policy_free(&p);
	check_round_trip(messy);
}

static void test_round_trip(void **state)
{
	static const char *const policies[] = {
		"",
		"default drop\nfragments drop\n",
		"v4 0 drop\nv4 255/255 pass force\nv6 0/0 drop\nv6 255 drop\n",
		"v6 packet-too-big drop force\nv6 2/0 pass\n",
		"allow 0.0.0.0/0\nblock ::/0\nallow ::ffff:10.0.0.0/104\n",
		"block 255.255.255.255\nallow fe80::/10\nallow ::1\n",
		"allow 10.0.0.0/15\nblock 10.128.0.0/9\nblock 2001:db8::/33\n",
		"v4 echo-request drop\nmode audit\n",
		"mode enforce\ndefault drop\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(policies) / sizeof(policies[0]); i++)
		check_round_trip(policies[i]);
}

static void test_default_policy(void **state)
{
	const struct ig_rule_spec *r;
	struct ig_policy p;
	size_t i;

	(void)state;
	parse_ok(&p, ig_default_policy);
	assert_int_equal(ig_policy_validate(&p, NULL), 0);
	assert_int_equal(p.default_action, IG_ACT_PASS);
	assert_int_equal(p.fragments, IG_ACT_PASS);
	assert_int_equal(rule_at(&p, IG_FAM_V4, 5, IG_CODE_ANY)->action,
			 IG_ACT_DROP);
	assert_int_equal(rule_at(&p, IG_FAM_V6, 137, IG_CODE_ANY)->action,
			 IG_ACT_DROP);
	assert_int_equal(rule_at(&p, IG_FAM_V4, 13, IG_CODE_ANY)->action,
			 IG_ACT_DROP);
	assert_non_null(rule_at(&p, IG_FAM_V6, 138, IG_CODE_ANY));
	/* Errors pass, echo and PMTUD are limited; nothing is forced. */
	r = rule_at(&p, IG_FAM_V4, 8, IG_CODE_ANY);
	assert_non_null(r);
	assert_int_equal(r->action, IG_ACT_LIMIT);
	assert_true(r->limit.cls.amount && r->limit.src.amount);
	r = rule_at(&p, IG_FAM_V6, 128, IG_CODE_ANY);
	assert_non_null(r);
	assert_int_equal(r->action, IG_ACT_LIMIT);
	assert_int_equal(r->limit.prefix_len, 64);
	/* PMTUD: per source only (RFC 4890: no bucket shared by all). */
	r = rule_at(&p, IG_FAM_V4, 3, 4);
	assert_non_null(r);
	assert_int_equal(r->action, IG_ACT_LIMIT);
	assert_int_equal(r->limit.cls.amount, 0);
	assert_true(r->limit.src.amount > 0);
	r = rule_at(&p, IG_FAM_V6, 2, IG_CODE_ANY);
	assert_non_null(r);
	assert_int_equal(r->limit.cls.amount, 0);
	assert_null(rule_at(&p, IG_FAM_V4, 3, IG_CODE_ANY));
	for (i = 0; i < p.n_rules; i++) {
		r = &p.rules[i];
		assert_int_equal(r->flags & IG_SPEC_FORCE, 0);
	}
	ig_policy_free(&p);
	check_round_trip(ig_default_policy);
}

static void test_prefix_limit(void **state)
{
	size_t size = (IG_MAX_PREFIXES + 1) * 32, len = 0;
	struct ig_policy p;
	struct ig_diag d;
	char *text = malloc(size);
	unsigned i;

	(void)state;
	assert_non_null(text);
	for (i = 0; i < IG_MAX_PREFIXES; i++)
		len += (size_t)snprintf(text + len, size - len,
					"block 10.%u.%u.0/24\n", i >> 8,
					i & 0xff);
	assert_int_equal(ig_policy_parse(&p, text, len, "big", &d), 0);
	assert_int_equal(p.n_prefixes, IG_MAX_PREFIXES);
	ig_policy_free(&p);
	/* One too many. */
	snprintf(text + len, size - len, "allow 192.0.2.0/24\n");
	assert_int_equal(parse(&p, text, &d), -EINVAL);
	assert_int_equal(d.line, IG_MAX_PREFIXES + 1);
	check_msg(&d, "192.0.2.0/24", "too many prefixes");
	/* A repeat deep into a big list is still found. */
	snprintf(text + len, size - len, "allow 10.63.255.0/24\n");
	assert_int_equal(parse(&p, text, &d), -EINVAL);
	check_msg(&d, "10.63.255.0/24", "already in the block list");
	free(text);
}

static void test_diag_format(void **state)
{
	struct ig_diag d = { .source = "p.conf",
			     .line = 3,
			     .col = 7,
			     .msg = "unknown v4 type 'x'" };
	char buf[512];

	(void)state;
	ig_diag_format(&d, buf, sizeof(buf));
	assert_string_equal(buf, "p.conf:3:7: unknown v4 type 'x'");
	d.col = 0;
	ig_diag_format(&d, buf, sizeof(buf));
	assert_string_equal(buf, "p.conf:3: unknown v4 type 'x'");
	d.line = 0;
	ig_diag_format(&d, buf, sizeof(buf));
	assert_string_equal(buf, "p.conf: unknown v4 type 'x'");
	d.source[0] = '\0';
	ig_diag_format(&d, buf, sizeof(buf));
	assert_string_equal(buf, "unknown v4 type 'x'");
	/* Truncates, never overruns. */
	memset(buf, 'x', sizeof(buf));
	ig_diag_format(&d, buf, 5);
	assert_string_equal(buf, "unkn");
	assert_int_equal(buf[5], 'x');
}

/* What a real error looks like, end to end. */
static void test_diag_from_parse(void **state)
{
	struct ig_policy p;
	struct ig_diag d;
	char buf[512];

	(void)state;
	assert_int_equal(parse(&p, "default drop\n\nv4  echo-requst drop\n",
			       &d),
			 -EINVAL);
	ig_diag_format(&d, buf, sizeof(buf));
	assert_string_equal(buf,
			    "test.policy:3:5: unknown v4 type "
			    "'echo-requst' (did you mean 'echo-request'?)");
	assert_int_equal(ig_policy_parse(&p, "v4 x drop", 9, NULL, &d),
			 -EINVAL);
	ig_diag_format(&d, buf, sizeof(buf));
	assert_string_equal(buf, "1:4: unknown v4 type 'x'");
	/* No diag wanted: still an error. */
	assert_int_equal(parse(&p, "v4 x drop", NULL), -EINVAL);
}

/* ---- limit ------------------------------------------------------------ */

static const struct ig_rule_spec *limit_at(const struct ig_policy *p, int fam,
					   int type, int code)
{
	const struct ig_rule_spec *r = rule_at(p, fam, type, code);

	assert_non_null(r);
	assert_int_equal(r->action, IG_ACT_LIMIT);
	return r;
}

static void assert_rate(const struct ig_rate_spec *r, uint64_t amount,
			uint32_t period, int bits, uint64_t burst)
{
	if (r->amount != amount || r->period != period || r->bits != bits ||
	    r->burst != burst)
		fail_msg(
			"rate %llu/%u bits %d burst %llu, want %llu/%u %d %llu",
			(unsigned long long)r->amount, r->period, r->bits,
			(unsigned long long)r->burst,
			(unsigned long long)amount, period, bits,
			(unsigned long long)burst);
}

/* Every form of `limit`, with the defaults resolved. */
static void test_limit_forms(void **state)
{
	const struct ig_rule_spec *r;
	struct ig_policy p;

	(void)state;
	parse_ok(&p, "v4 echo-request limit 100/s\n"
		     "v4 echo-reply limit 6/min burst 3\n"
		     "v4 timestamp-request limit 10mbit/s\n"
		     "v4 13/1 limit 1500kbit/s burst 100000\n"
		     "v6 echo-request limit per-source 10/s\n"
		     "v6 echo-reply limit per-source 10/s burst 20 prefix /48\n"
		     "v4 3/1 limit per-source 5/min prefix 24 burst 7\n"
		     "v4 3/2 limit 1000/s burst 50 per-source 20/s\n"
		     "v4 3/3 limit 1000/s per-source 2mbit/s burst 1514 "
		     "prefix /16 force\n"
		     "v6 200 limit 1gbit/s per-source 1/s\n"
		     "v4 3/5 limit 7/second per-source 9/minute\n");
	r = limit_at(&p, IG_FAM_V4, 8, IG_CODE_ANY);
	assert_rate(&r->limit.cls, 100, 1, 0, 10); /* a tenth of a second */
	assert_int_equal(r->limit.src.amount, 0);
	assert_int_equal(r->limit.prefix_len, 0);
	assert_int_equal(r->flags, 0);
	r = limit_at(&p, IG_FAM_V4, 0, IG_CODE_ANY);
	assert_rate(&r->limit.cls, 6, 60, 0, 3);
	r = limit_at(&p, IG_FAM_V4, 13, IG_CODE_ANY);
	/* 10 mbit/s is 1.25 MB/s: a tenth of a second is 125000 bytes. */
	assert_rate(&r->limit.cls, 10000000, 1, 1, 125000);
	r = limit_at(&p, IG_FAM_V4, 13, 1);
	assert_rate(&r->limit.cls, 1500000, 1, 1, 100000);
	r = limit_at(&p, IG_FAM_V6, 128, IG_CODE_ANY);
	assert_int_equal(r->limit.cls.amount, 0);
	assert_rate(&r->limit.src, 10, 1, 0, 5); /* never below 5 */
	assert_int_equal(r->limit.prefix_len, 64);
	r = limit_at(&p, IG_FAM_V6, 129, IG_CODE_ANY);
	assert_rate(&r->limit.src, 10, 1, 0, 20);
	assert_int_equal(r->limit.prefix_len, 48);
	r = limit_at(&p, IG_FAM_V4, 3, 1);
	assert_rate(&r->limit.src, 5, 60, 0, 7);
	assert_int_equal(r->limit.prefix_len, 24);
	r = limit_at(&p, IG_FAM_V4, 3, 2);
	assert_rate(&r->limit.cls, 1000, 1, 0, 50);
	assert_rate(&r->limit.src, 20, 1, 0, 5);
	assert_int_equal(r->limit.prefix_len, 32);
	r = limit_at(&p, IG_FAM_V4, 3, 3);
	assert_rate(&r->limit.cls, 1000, 1, 0, 100);
	assert_rate(&r->limit.src, 2000000, 1, 1, 1514);
	assert_int_equal(r->limit.prefix_len, 16);
	assert_int_equal(r->flags, IG_SPEC_FORCE);
	r = limit_at(&p, IG_FAM_V6, 200, IG_CODE_ANY);
	assert_rate(&r->limit.cls, 1000000000, 1, 1, 12500000);
	/* Small bit rates: the burst still fits the largest packet. */
	assert_rate(&r->limit.src, 1, 1, 0, 5);
	r = limit_at(&p, IG_FAM_V4, 3, 5);
	assert_rate(&r->limit.cls, 7, 1, 0, 5);
	assert_rate(&r->limit.src, 9, 60, 0, 5);
	ig_policy_free(&p);

	parse_ok(&p, "v4 echo-request limit 8bit/s\n");
	assert_rate(&limit_at(&p, IG_FAM_V4, 8, IG_CODE_ANY)->limit.cls, 8, 1,
		    1, IG_LIMIT_BURST_MIN_BYTES);
	ig_policy_free(&p);
}

static void test_limit_errors(void **state)
{
	static const struct bad bad[] = {
		{ "v4 echo-request limit\n", 1, 22, "", "missing rate" },
		{ "v4 echo-request limit force\n", 1, 23, "force",
		  "missing rate before 'force'" },
		{ "v4 echo-request limit 10\n", 1, 23, "10",
		  "invalid rate '10'" },
		{ "v4 echo-request limit /s\n", 1, 23, "/s", "invalid rate" },
		{ "v4 echo-request limit ten/s\n", 1, 23, "ten/s",
		  "invalid rate" },
		{ "v4 echo-request limit 10/h\n", 1, 23, "10/h",
		  "unknown period '/h'" },
		{ "v4 echo-request limit 10/\n", 1, 23, "10/",
		  "unknown period" },
		{ "v4 echo-request limit 10pkt/s\n", 1, 23, "10pkt/s",
		  "unknown unit 'pkt'" },
		{ "v4 echo-request limit 10mbit/min\n", 1, 23, "10mbit/min",
		  "must be per second" },
		{ "v4 echo-request limit 0/s\n", 1, 23, "0/s",
		  "lets nothing through: use 'drop'" },
		{ "v4 echo-request limit 1000000001/s\n", 1, 23, "1000000001/s",
		  "out of range" },
		{ "v4 echo-request limit 99999999999999999999999/s\n", 1, 23,
		  "99999999999999999999999/s", "out of range" },
		{ "v4 echo-request limit 7bit/s\n", 1, 23, "7bit/s",
		  "expected 8bit/s to 1000gbit/s" },
		{ "v4 echo-request limit 1001gbit/s\n", 1, 23, "1001gbit/s",
		  "out of range" },
		{ "v4 echo-request limit 10/s burst\n", 1, 33, "",
		  "missing number after 'burst'" },
		{ "v4 echo-request limit 10/s burst 0\n", 1, 34, "0",
		  "lets nothing through" },
		{ "v4 echo-request limit 10/s burst x\n", 1, 34, "x",
		  "invalid burst" },
		{ "v4 echo-request limit 10/s burst 864001\n", 1, 34, "864001",
		  "more than a day" },
		{ "v4 echo-request limit 1/min burst 1441\n", 1, 35, "1441",
		  "more than a day" },
		{ "v4 echo-request limit 1mbit/s burst 1000\n", 1, 37, "1000",
		  "counts bytes" },
		{ "v4 echo-request limit 10/s burst 5 burst 6\n", 1, 36,
		  "burst", "duplicate 'burst'" },
		{ "v4 echo-request limit 10/s prefix /24\n", 1, 28, "prefix",
		  "write it after 'per-source RATE'" },
		{ "v4 echo-request limit per-source\n", 1, 33, "",
		  "missing rate after 'per-source'" },
		{ "v4 echo-request limit per-source 5/s prefix\n", 1, 44, "",
		  "missing length after 'prefix'" },
		{ "v4 echo-request limit per-source 5/s prefix /33\n", 1, 45,
		  "/33", "out of range for v4: expected /1-/32" },
		{ "v6 echo-request limit per-source 5/s prefix /129\n", 1, 45,
		  "/129", "expected /1-/128" },
		{ "v4 echo-request limit per-source 5/s prefix /0\n", 1, 45,
		  "/0", "out of range" },
		{ "v4 echo-request limit per-source 5/s prefix x\n", 1, 45, "x",
		  "invalid prefix length" },
		{ "v4 echo-request limit per-source 5/s prefix /8 prefix /9\n",
		  1, 48, "prefix", "duplicate 'prefix'" },
		{ "v4 echo-request limit per-source 5/s 10/s\n", 1, 38, "10/s",
		  "expected burst, per-source, prefix, validate, max-size, "
		  "'force'" },
		{ "v4 echo-request limit per-source 5/s per-source 6/s\n", 1,
		  38, "per-source", "expected burst, per-source" },
		{ "v4 echo-request limit 5/s force now\n", 1, 33, "now",
		  "'force' must be the last word" },
		{ "v4 echo-request drop 5/s\n", 1, 22, "5/s",
		  "expected 'force' or end of statement" },
	};

	(void)state;
	expect_all_bad(bad, sizeof(bad) / sizeof(bad[0]));
}

/* PMTUD may be limited per source; no bucket for all, and NDP/MLD not. */
static void test_limit_essential(void **state)
{
	static const struct bad bad[] = {
		{ "v4 dest-unreachable/frag-needed limit 10/s\n", 1, 33,
		  "limit", "behind one bucket for every sender" },
		{ "v6 packet-too-big limit 10/s per-source 1/s\n", 1, 19,
		  "limit", "limit it per source only" },
		{ "v4 dest-unreachable limit 10/s\n", 1, 21, "limit",
		  "would put frag-needed, which path-MTU discovery needs" },
		{ "v6 neighbor-solicit limit per-source 10/s\n", 1, 21, "limit",
		  "even per-source buckets would be one bucket" },
		{ "v6 mld2-listener-report limit 10/s\n", 1, 25, "limit",
		  "RFC 3810" },
		{ "v6 router-advert limit 10/s\n", 1, 18, "limit",
		  "add 'force'" },
	};
	static const char *const ok[] = {
		"v4 dest-unreachable/frag-needed limit per-source 10/s\n",
		"v4 dest-unreachable limit per-source 10/s\n",
		"v6 packet-too-big limit per-source 1/s prefix /128\n",
		"v4 dest-unreachable limit 10/s\nv4 3/4 pass\n",
		"v4 dest-unreachable limit 10/s\n"
		"v4 3/4 limit per-source 5/s\n",
		"v6 packet-too-big limit 10/s force\n",
		"v6 neighbor-solicit limit per-source 10/s force\n",
		"v6 echo-request limit 10/s\n",
	};
	struct ig_policy p;
	struct ig_diag d;
	size_t i;

	(void)state;
	expect_all_bad(bad, sizeof(bad) / sizeof(bad[0]));
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		parse_ok(&p, ok[i]);
		assert_int_equal(ig_policy_validate(&p, NULL), 0);
		ig_policy_free(&p);
	}
	/* Taking the code rule away would leave the class limit on it. */
	parse_ok(&p, "v4 dest-unreachable limit 10/s\nv4 3/4 pass\n");
	assert_int_equal(ig_policy_unset(&p, "v4 3/4", &d), -EINVAL);
	check_msg(&d, "3/4", "would then rate-limit frag-needed");
	ig_policy_free(&p);
}

static void test_limit_format(void **state)
{
	static const char messy[] =
		"v4 echo-request limit 100/s burst 10\n"
		"v6 echo-request limit per-source 10/s burst 5 prefix /64\n"
		"v4 3/2 limit per-source 5/min prefix 24 burst 7 force\n"
		"v4 13 limit 10000kbit/s\n"
		"v4 14 limit 1000000bit/s burst 65536\n"
		"v4 15 limit 3000mbit/s per-source 7/second\n"
		"v4 16 limit 1001kbit/s burst 2000\n";
	static const char canonical[] =
		"default pass\n"
		"fragments pass\n"
		"v4 dest-unreachable/prot-unreachable limit per-source 5/min "
		"burst 7 prefix /24 force\n"
		"v4 echo-request limit 100/s\n"
		"v4 timestamp-request limit 10mbit/s\n"
		"v4 timestamp-reply limit 1mbit/s\n"
		"v4 info-request limit 3gbit/s per-source 7/s\n"
		"v4 info-reply limit 1001kbit/s burst 2000\n"
		"v6 echo-request limit per-source 10/s\n";
	struct ig_policy p;
	char *text;

	(void)state;
	parse_ok(&p, messy);
	text = format(&p);
	assert_string_equal(text, canonical);
	free(text);
	ig_policy_free(&p);
	check_round_trip(messy);
	check_round_trip("v4 8 limit 1/s burst 86400\n"
			 "v6 8 limit 1000000000/s per-source 1000000000/min\n"
			 "v6 9 limit per-source 8bit/s burst 1514 prefix /1\n"
			 "v6 10 limit per-source 1/s prefix /128\n");
}

/* `set` replaces a limit like any rule, and a limit replaces a drop. */
static void test_limit_set(void **state)
{
	const struct ig_rule_spec *r;
	struct ig_policy p;
	struct ig_diag d;

	(void)state;
	parse_ok(&p, "v4 echo-request drop\n");
	assert_int_equal(ig_policy_set(&p, "v4 echo-request limit 5/s", &d), 0);
	assert_int_equal(p.n_rules, 1);
	r = limit_at(&p, IG_FAM_V4, 8, IG_CODE_ANY);
	assert_rate(&r->limit.cls, 5, 1, 0, 5);
	assert_int_equal(
		ig_policy_set(&p, "v4 echo-request limit per-source 7/s", &d),
		0);
	r = limit_at(&p, IG_FAM_V4, 8, IG_CODE_ANY);
	assert_int_equal(r->limit.cls.amount, 0);
	assert_rate(&r->limit.src, 7, 1, 0, 5);
	assert_int_equal(ig_policy_set(&p, "v4 echo-request pass", &d), 0);
	assert_int_equal(rule_at(&p, IG_FAM_V4, 8, IG_CODE_ANY)->action,
			 IG_ACT_PASS);
	ig_policy_free(&p);
}

/* Every limit rule is a class: at most IG_MAX_CLASSES of them. */
static void test_limit_count(void **state)
{
	size_t size = (IG_MAX_CLASSES + 2) * 40, len = 0;
	char *text = malloc(size);
	struct ig_policy p;
	struct ig_diag d;
	unsigned i;

	(void)state;
	assert_non_null(text);
	for (i = 0; i < IG_MAX_CLASSES; i++)
		len += (size_t)snprintf(text + len, size - len,
					"v4 8/%u limit 10/s\n", i);
	assert_int_equal(ig_policy_parse(&p, text, len, "many", &d), 0);
	/* Replacing one of them is not one more. */
	assert_int_equal(ig_policy_set(&p, "v4 8/7 limit 20/s", &d), 0);
	assert_int_equal(ig_policy_set(&p, "v6 7 limit 20/s", &d), -EINVAL);
	check_msg(&d, "limit", "too many 'limit' rules");
	assert_int_equal(ig_policy_set(&p, "v6 7 drop", &d), 0);
	ig_policy_free(&p);
	snprintf(text + len, size - len, "v6 0 limit 1/s\n");
	assert_int_equal(parse(&p, text, &d), -EINVAL);
	assert_int_equal(d.line, IG_MAX_CLASSES + 1);
	check_msg(&d, "limit", "at most 256");
	free(text);
}

/* validate() checks limits built by hand. */
static void test_limit_validate(void **state)
{
	struct ig_rule_spec rule = {
		.family = IG_FAM_V4,
		.type = 8,
		.code = IG_CODE_ANY,
		.action = IG_ACT_LIMIT,
		.line = 3,
		.limit = { .cls = { 10, 1, 0, 5 } },
	};
	struct ig_policy p;
	struct ig_diag d;

	(void)state;
	ig_policy_init(&p);
	p.rules = &rule;
	p.n_rules = 1;
	assert_int_equal(ig_policy_validate(&p, &d), 0);
	rule.limit.cls.period = 2;
	assert_int_equal(ig_policy_validate(&p, &d), -EINVAL);
	assert_int_equal(d.line, 3);
	rule.limit.cls.period = 1;
	rule.limit.cls.burst = 0;
	assert_int_equal(ig_policy_validate(&p, &d), -EINVAL);
	rule.limit.cls.burst = 5;
	rule.limit.src = (struct ig_rate_spec){ 10, 1, 0, 5 };
	assert_int_equal(ig_policy_validate(&p, &d), -EINVAL); /* no prefix */
	rule.limit.prefix_len = 33;
	assert_int_equal(ig_policy_validate(&p, &d), -EINVAL);
	rule.limit.prefix_len = 32;
	assert_int_equal(ig_policy_validate(&p, &d), 0);
	rule.limit.cls.bits = 1; /* a bit rate of 10 bits, burst 5 bytes */
	assert_int_equal(ig_policy_validate(&p, &d), -EINVAL);
	memset(&rule.limit, 0, sizeof(rule.limit));
	assert_int_equal(ig_policy_validate(&p, &d), -EINVAL); /* no bucket */
}

/*
 * `forward`: rules and a default for transit traffic, apart from the
 * host's; the same target may have one of each.
 */
static void test_forward(void **state)
{
	static const char text[] = "v4 echo-request drop\n"
				   "forward v4 echo-request limit 100/s\n"
				   "forward v6 time-exceeded pass validate\n"
				   "forward default drop\n";
	const struct ig_rule_spec *r;
	struct ig_policy p;
	char *out;

	(void)state;
	parse_ok(&p, text);
	assert_int_equal(p.default_action, IG_ACT_PASS);
	assert_int_equal(p.forward_default, IG_ACT_DROP);
	r = rule_at(&p, IG_FAM_V4, 8, IG_CODE_ANY);
	assert_non_null(r);
	assert_int_equal(r->action, IG_ACT_DROP);
	r = side_rule_at(&p, IG_SIDE_TRANSIT, IG_FAM_V4, 8, IG_CODE_ANY);
	assert_non_null(r);
	assert_int_equal(r->action, IG_ACT_LIMIT);
	assert_null(rule_at(&p, IG_FAM_V6, 3, IG_CODE_ANY));
	out = format(&p);
	assert_string_equal(out, "default pass\nfragments pass\n"
				 "forward default drop\n"
				 "v4 echo-request drop\n"
				 "forward v4 echo-request limit 100/s\n"
				 "forward v6 time-exceeded pass validate\n");
	free(out);
	assert_int_equal(
		ig_policy_set(&p, "forward v4 echo-request pass", NULL), 0);
	r = side_rule_at(&p, IG_SIDE_TRANSIT, IG_FAM_V4, 8, IG_CODE_ANY);
	assert_int_equal(r->action, IG_ACT_PASS);
	assert_int_equal(rule_at(&p, IG_FAM_V4, 8, IG_CODE_ANY)->action,
			 IG_ACT_DROP);
	assert_int_equal(ig_policy_unset(&p, "forward v4 echo-request", NULL),
			 0);
	assert_null(
		side_rule_at(&p, IG_SIDE_TRANSIT, IG_FAM_V4, 8, IG_CODE_ANY));
	assert_non_null(rule_at(&p, IG_FAM_V4, 8, IG_CODE_ANY));
	ig_policy_free(&p);
	check_round_trip(text);
}

static void test_forward_errors(void **state)
{
	static const struct bad bad[] = {
		{ "forward\n", 1, 8, "", "missing statement after 'forward'" },
		{ "forward fragments drop\n", 1, 9, "fragments",
		  "'forward' takes 'default' or a v4|v6 rule" },
		{ "forward allow 10.0.0.0/8\n", 1, 9, "allow",
		  "'forward' takes 'default'" },
		{ "forward v4 echo-request drop\n"
		  "forward v4 echo-request pass\n",
		  2, 12, "echo-request", "duplicate rule" },
		{ "forward default pass\nforward default drop\n", 2, 9,
		  "default", "duplicate 'default'" },
		{ "forward v6 packet-too-big drop\n", 1, 27, "drop",
		  "would drop packet-too-big" },
		{ "forward v4 dest-unreachable/frag-needed pass validate "
		  "socket\n",
		  1, 55, "socket", "asks this host's sockets" },
	};

	(void)state;
	expect_all_bad(bad, sizeof(bad) / sizeof(bad[0]));
}

/*
 * `mode audit|enforce`: audit leads the canonical text, so that applying
 * `policy show` keeps it; enforce, the default, is not printed, so a text
 * without the line enforces.
 */
static void test_mode(void **state)
{
	static const struct bad bad[] = {
		{ "mode\n", 1, 5, "", "missing mode after 'mode'" },
		{ "mode audit\nmode audit\n", 2, 1, "mode",
		  "duplicate 'mode' (first at line 1)" },
		{ "mode enforce\n\nmode audit\n", 3, 1, "mode",
		  "(first at line 1)" },
		{ "mode drop\n", 1, 6, "drop",
		  "unknown mode 'drop': expected audit or enforce" },
		{ "mode audit now\n", 1, 12, "now",
		  "expected end of statement" },
		{ "forward mode audit\n", 1, 9, "mode",
		  "'forward' takes 'default' or a v4|v6 rule" },
	};
	struct ig_policy p;
	struct ig_diag d;
	char *out;

	(void)state;
	expect_all_bad(bad, sizeof(bad) / sizeof(bad[0]));
	ig_policy_init(&p);
	assert_int_equal(p.audit, 0);
	parse_ok(&p, "v4 echo-request drop\n# audit first\nmode audit\n");
	assert_int_equal(p.audit, 1);
	out = format(&p);
	assert_string_equal(out, "mode audit\ndefault pass\nfragments pass\n"
				 "v4 echo-request drop\n");
	free(out);
	/* `set` switches it either way; enforce is not printed. */
	assert_int_equal(ig_policy_set(&p, "mode enforce", &d), 0);
	assert_int_equal(p.audit, 0);
	out = format(&p);
	assert_string_equal(out, "default pass\nfragments pass\n"
				 "v4 echo-request drop\n");
	free(out);
	assert_int_equal(ig_policy_set(&p, "mode audit", &d), 0);
	assert_int_equal(p.audit, 1);
	assert_int_equal(ig_policy_set(&p, "mode maybe", &d), -EINVAL);
	check_msg(&d, "maybe", "expected audit or enforce");
	assert_int_equal(p.audit, 1);
	ig_policy_free(&p);
	parse_ok(&p, "mode enforce\n");
	assert_int_equal(p.audit, 0);
	ig_policy_free(&p);
	/* A policy built by hand with another value is refused. */
	ig_policy_init(&p);
	p.audit = 2;
	assert_int_equal(ig_policy_validate(&p, &d), -EINVAL);
	assert_int_equal(ig_policy_format(&p, &out), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forward),
		cmocka_unit_test(test_forward_errors),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_every_statement),
		cmocka_unit_test(test_comments_and_blanks),
		cmocka_unit_test(test_numbers_and_names),
		cmocka_unit_test(test_statement_errors),
		cmocka_unit_test(test_rule_option_errors),
		cmocka_unit_test(test_rule_options),
		cmocka_unit_test(test_type_code_errors),
		cmocka_unit_test(test_prefix_errors),
		cmocka_unit_test(test_text_errors),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_essential_refused),
		cmocka_unit_test(test_essential_accepted),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_validate_earliest_line),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_set_errors_change_nothing),
		cmocka_unit_test(test_unset),
		cmocka_unit_test(test_format_canonical),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_mode),
		cmocka_unit_test(test_default_policy),
		cmocka_unit_test(test_prefix_limit),
		cmocka_unit_test(test_diag_format),
		cmocka_unit_test(test_diag_from_parse),
		cmocka_unit_test(test_limit_forms),
		cmocka_unit_test(test_limit_errors),
		cmocka_unit_test(test_limit_essential),
		cmocka_unit_test(test_limit_format),
		cmocka_unit_test(test_limit_set),
		cmocka_unit_test(test_limit_count),
		cmocka_unit_test(test_limit_validate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
