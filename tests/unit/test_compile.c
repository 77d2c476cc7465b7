// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of user/compile.c: which rule decides each (family, type,
 * code), the essential entries under `default drop`, the slot metadata,
 * the prefix key encoding, and a deterministic digest.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../include/icmpgate.h"
#include "ratelimit_math.h"
#include "compile.h"
#include "names.h"
#include "policy.h"

/* Parse and compile text, which must be accepted. */
static void compile_text(const char *text, struct ig_compiled *c)
{
	struct ig_policy p;
	struct ig_diag d;

	if (ig_policy_parse(&p, text, strlen(text), "t", &d))
		fail_msg("rejected at %u:%u: %s", d.line, d.col, d.msg);
	assert_int_equal(ig_policy_compile(&p, c), 0);
	ig_policy_free(&p);
}

#define CHECK_MARKS IG_RULE_ANY_CHECK

static const struct ig_rule *entry(const struct ig_compiled *c, int fam,
				   int type, int code)
{
	return &c->slot->rules[IG_SIDE_HOST][fam][type][code];
}

static void assert_entry(const struct ig_compiled *c, int fam, int type,
			 int code, int action, int flags)
{
	const struct ig_rule *e = entry(c, fam, type, code);

	/* The check marks have a test of their own (test_check_marks). */
	if (e->action != action || (e->flags & ~CHECK_MARKS) != flags)
		fail_msg("v%d %d/%d: action %d flags %d, want %d %d",
			 fam == IG_FAM_V4 ? 4 : 6, type, code, e->action,
			 e->flags, action, flags);
	assert_int_equal(e->class_id, 0);
	assert_int_equal(e->max_size, 0);
	assert_int_equal(ig_reason_load(e->reason),
			 ig_rule_reason(e->action, e->flags));
}

/*
 * `forward` rules fill the transit table and leave the host's alone; a
 * transit `default drop` still passes PMTUD; a transit class is a class
 * of its own; the RA guard and smurf checks are the host's only.
 */
static void test_forward_sides(void **state)
{
	struct ig_compiled c;
	const struct ig_rule *h, *t;

	(void)state;
	compile_text("v4 echo-request limit 10/s\n"
		     "forward v4 echo-request limit 10/s\n"
		     "forward default drop\n"
		     "ra-guard allow fe80::1\n",
		     &c);
	h = &c.slot->rules[IG_SIDE_HOST][IG_FAM_V4][8][0];
	t = &c.slot->rules[IG_SIDE_TRANSIT][IG_FAM_V4][8][0];
	assert_int_equal(h->action, IG_ACT_LIMIT);
	assert_int_equal(t->action, IG_ACT_LIMIT);
	assert_int_not_equal(h->class_id, t->class_id);
	assert_int_not_equal(c.slot->limits[h->class_id].tag,
			     c.slot->limits[t->class_id].tag);
	assert_true(h->flags & IG_RULE_BCAST);
	assert_false(t->flags & IG_RULE_BCAST);
	assert_true(c.slot->rules[IG_SIDE_HOST][IG_FAM_V6][134][0].flags &
		    IG_RULE_CALL_CHECK);
	assert_false(c.slot->rules[IG_SIDE_TRANSIT][IG_FAM_V6][134][0].flags &
		     IG_RULE_CALL_CHECK);
	/* Default drop on transit, pass on the host; PMTUD passes both. */
	assert_int_equal(
		c.slot->rules[IG_SIDE_TRANSIT][IG_FAM_V4][13][0].action,
		IG_ACT_DROP);
	assert_int_equal(c.slot->rules[IG_SIDE_HOST][IG_FAM_V4][13][0].action,
			 IG_ACT_PASS);
	assert_int_equal(c.slot->rules[IG_SIDE_TRANSIT][IG_FAM_V4][3][4].action,
			 IG_ACT_PASS);
	assert_true(c.slot->rules[IG_SIDE_TRANSIT][IG_FAM_V4][3][4].flags &
		    IG_RULE_ESSENTIAL);
	assert_int_equal(c.slot->rules[IG_SIDE_TRANSIT][IG_FAM_V6][2][0].action,
			 IG_ACT_PASS);
	ig_compiled_free(&c);
}

static void test_specificity(void **state)
{
	struct ig_compiled c;
	int code;

	(void)state;
	compile_text("default drop\n"
		     "v4 echo-request pass\n"
		     "v4 echo-request/5 drop\n"
		     "v6 echo-reply/0 pass\n",
		     &c);
	/* The type rule beats the default, the code rule beats both. */
	assert_entry(&c, IG_FAM_V4, 8, 0, IG_ACT_PASS, IG_RULE_EXPLICIT);
	assert_entry(&c, IG_FAM_V4, 8, 255, IG_ACT_PASS, IG_RULE_EXPLICIT);
	assert_entry(&c, IG_FAM_V4, 8, 5, IG_ACT_DROP, IG_RULE_EXPLICIT);
	assert_entry(&c, IG_FAM_V6, 129, 0, IG_ACT_PASS, IG_RULE_EXPLICIT);
	for (code = 1; code < IG_CODES; code++)
		assert_entry(&c, IG_FAM_V6, 129, code, IG_ACT_DROP, 0);
	/* Families do not leak into each other. */
	assert_entry(&c, IG_FAM_V6, 8, 0, IG_ACT_DROP, 0);
	assert_entry(&c, IG_FAM_V4, 129, 0, IG_ACT_DROP, 0);
	assert_entry(&c, IG_FAM_V4, 13, 0, IG_ACT_DROP, 0);
	ig_compiled_free(&c);
}

/* Rule order in the text does not matter, only specificity does. */
static void test_specificity_any_order(void **state)
{
	struct ig_compiled a, b;

	(void)state;
	compile_text("v4 3/3 pass\nv4 3 drop\nv4 3/4 pass\n", &a);
	compile_text("v4 3 drop\nv4 3/4 pass\nv4 3/3 pass\n", &b);
	assert_entry(&a, IG_FAM_V4, 3, 3, IG_ACT_PASS, IG_RULE_EXPLICIT);
	assert_entry(&a, IG_FAM_V4, 3, 1, IG_ACT_DROP, IG_RULE_EXPLICIT);
	assert_entry(&a, IG_FAM_V4, 3, 4, IG_ACT_PASS, IG_RULE_EXPLICIT);
	assert_memory_equal(a.slot, b.slot, sizeof(*a.slot));
	ig_compiled_free(&a);
	ig_compiled_free(&b);
}

static void check_essentials(const struct ig_compiled *c, int other_action)
{
	int fam, type, code, n = 0;

	for (fam = 0; fam < IG_POLICY_FAMILIES; fam++) {
		for (type = 0; type < IG_TYPES; type++) {
			for (code = 0; code < IG_CODES; code++) {
				if (!ig_is_essential(fam, type, code)) {
					assert_entry(c, fam, type, code,
						     other_action, 0);
					continue;
				}
				assert_entry(c, fam, type, code, IG_ACT_PASS,
					     IG_RULE_ESSENTIAL);
				n++;
			}
		}
	}
	/* v4 frag-needed; v6 2, 130-136 and 143, every code. */
	assert_int_equal(n, 1 + 9 * IG_CODES);
}

static void test_essential_under_default(void **state)
{
	struct ig_compiled c;

	(void)state;
	compile_text("default drop\n", &c);
	check_essentials(&c, IG_ACT_DROP);
	assert_entry(&c, IG_FAM_V4, 3, 4, IG_ACT_PASS, IG_RULE_ESSENTIAL);
	assert_entry(&c, IG_FAM_V4, 3, 3, IG_ACT_DROP, 0);
	assert_entry(&c, IG_FAM_V6, 135, 0, IG_ACT_PASS, IG_RULE_ESSENTIAL);
	assert_entry(&c, IG_FAM_V6, 137, 0, IG_ACT_DROP, 0);
	ig_compiled_free(&c);
	/* Marked under `default pass` too: the counters tell them apart. */
	compile_text("default pass\n", &c);
	check_essentials(&c, IG_ACT_PASS);
	ig_compiled_free(&c);
}

/* A rule, forced or not, decides an essential entry: EXPLICIT only. */
static void test_rules_on_essentials(void **state)
{
	struct ig_compiled c;

	(void)state;
	compile_text("default drop\n"
		     "v6 neighbor-solicit drop force\n"
		     "v6 packet-too-big pass\n"
		     "v4 dest-unreachable drop\n"
		     "v4 dest-unreachable/frag-needed pass\n",
		     &c);
	assert_entry(&c, IG_FAM_V6, 135, 0, IG_ACT_DROP, IG_RULE_EXPLICIT);
	assert_entry(&c, IG_FAM_V6, 135, 255, IG_ACT_DROP, IG_RULE_EXPLICIT);
	assert_entry(&c, IG_FAM_V6, 2, 0, IG_ACT_PASS, IG_RULE_EXPLICIT);
	assert_entry(&c, IG_FAM_V6, 136, 0, IG_ACT_PASS, IG_RULE_ESSENTIAL);
	assert_entry(&c, IG_FAM_V4, 3, 4, IG_ACT_PASS, IG_RULE_EXPLICIT);
	assert_entry(&c, IG_FAM_V4, 3, 0, IG_ACT_DROP, IG_RULE_EXPLICIT);
	ig_compiled_free(&c);
}

static void test_meta(void **state)
{
	struct ig_compiled c;

	(void)state;
	compile_text("", &c);
	assert_int_equal(c.slot->meta.fragments, IG_ACT_PASS);
	assert_int_equal(c.slot->meta.has_prefixes[IG_FAM_V4], 0);
	assert_int_equal(c.slot->meta.has_prefixes[IG_FAM_V6], 0);
	assert_int_equal(c.slot->meta.generation, 0);
	assert_int_equal(c.n_prefixes, 0);
	ig_compiled_free(&c);

	compile_text("fragments drop\nblock 10.0.0.0/8\n", &c);
	assert_int_equal(c.slot->meta.fragments, IG_ACT_DROP);
	assert_int_equal(c.slot->meta.has_prefixes[IG_FAM_V4], 1);
	assert_int_equal(c.slot->meta.has_prefixes[IG_FAM_V6], 0);
	ig_compiled_free(&c);

	compile_text("allow 2001:db8::/32\n", &c);
	assert_int_equal(c.slot->meta.has_prefixes[IG_FAM_V4], 0);
	assert_int_equal(c.slot->meta.has_prefixes[IG_FAM_V6], 1);
	ig_compiled_free(&c);

	compile_text("allow ::/0\nblock 0.0.0.0/0\n", &c);
	assert_int_equal(c.slot->meta.has_prefixes[IG_FAM_V4], 1);
	assert_int_equal(c.slot->meta.has_prefixes[IG_FAM_V6], 1);
	ig_compiled_free(&c);
}

/* Is addr (text) in the prefix filter of c, as the program asks? */
static bool filter_has(const struct ig_compiled *c, const char *addr)
{
	int fam = strchr(addr, ':') ? IG_FAM_V6 : IG_FAM_V4;
	uint8_t a[16] = { 0 };
	uint64_t w;
	__u32 bit;

	assert_int_equal(
		inet_pton(fam == IG_FAM_V6 ? AF_INET6 : AF_INET, addr, a), 1);
	memcpy(&w, a, sizeof(w));
	bit = ig_prefix_filter_bit(w, c->slot->meta.prefix_bits[fam]);
	return c->slot->prefix_filter[fam][bit / 64] >> (bit % 64) & 1;
}

/* The filter lets through every source in a prefix, and few others. */
static void test_prefix_filter(void **state)
{
	static const char *const in[] = {
		"10.0.0.1",   "10.1.2.3",	 "10.255.255.255",
		"198.18.7.9", "2001:db8:bad::1", "2001:db8:bad:ff::",
		"fe80::1"
	};
	static const char *const out[] = { "192.0.2.1", "11.0.0.1",
					   "2001:db8::1", "2001:db8:bae::1" };
	struct ig_compiled c;
	size_t i, set = 0;

	(void)state;
	compile_text("", &c);
	assert_int_equal(c.slot->meta.prefix_bits[IG_FAM_V4], 32);
	assert_int_equal(c.slot->meta.prefix_bits[IG_FAM_V6], 64);
	for (i = 0; i < IG_PREFIX_FILTER_WORDS; i++)
		set += c.slot->prefix_filter[0][i] |
		       c.slot->prefix_filter[1][i];
	assert_int_equal(set, 0);
	ig_compiled_free(&c);

	compile_text("block 10.0.0.0/8\nallow 10.1.0.0/16\n"
		     "block 198.18.7.0/24\nblock 2001:db8:bad::/48\n"
		     "allow fe80::1/128\n",
		     &c);
	/* The shortest prefix of each family, at most one word. */
	assert_int_equal(c.slot->meta.prefix_bits[IG_FAM_V4], 8);
	assert_int_equal(c.slot->meta.prefix_bits[IG_FAM_V6], 48);
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		if (!filter_has(&c, in[i]))
			fail_msg("%s is in a prefix, not in the filter", in[i]);
	for (i = 0; i < sizeof(out) / sizeof(out[0]); i++)
		if (filter_has(&c, out[i]))
			fail_msg("%s is in the filter", out[i]);
	ig_compiled_free(&c);
}

static const struct ig_prefix_entry *find_entry(const struct ig_compiled *c,
						int family, uint32_t prefixlen)
{
	size_t i;

	for (i = 0; i < c->n_prefixes; i++)
		if (c->prefixes[i].key.family == family &&
		    c->prefixes[i].key.prefixlen == prefixlen)
			return &c->prefixes[i];
	return NULL;
}

/*
 * validate and max-size land in the entries their rule decides, and
 * nowhere else; broadcast-echo and the RA guard in the slot; the RA
 * guard's routers in the trie under their own key family, apart from
 * allow and block, whose has_prefixes they leave alone.
 */
static void test_validate_size_ra_guard(void **state)
{
	static const uint8_t ll1[16] = { 0xfe, 0x80, [15] = 1 };
	const struct ig_rule *e;
	struct ig_compiled c;

	(void)state;
	compile_text("v4 dest-unreachable pass validate\n"
		     "v4 dest-unreachable/frag-needed limit per-source 1/s "
		     "validate\n"
		     "v4 dest-unreachable/port-unreachable pass\n"
		     "v6 echo-request pass max-size 100\n"
		     "v6 time-exceeded pass validate socket\n"
		     "ra-guard allow fe80::1\n",
		     &c);
	e = entry(&c, IG_FAM_V4, 3, 1);
	assert_int_equal(e->flags, IG_RULE_EXPLICIT | IG_RULE_VALIDATE |
					   IG_RULE_CALL_CHECK);
	assert_int_equal(e->action, IG_ACT_PASS);
	e = entry(&c, IG_FAM_V4, 3, 4);
	assert_int_equal(e->flags, IG_RULE_EXPLICIT | IG_RULE_VALIDATE |
					   IG_RULE_CALL_CHECK);
	assert_int_equal(e->action, IG_ACT_LIMIT);
	assert_entry(&c, IG_FAM_V4, 3, 3, IG_ACT_PASS, IG_RULE_EXPLICIT);
	assert_entry(&c, IG_FAM_V4, 11, 0, IG_ACT_PASS, 0);
	e = entry(&c, IG_FAM_V6, 128, 0);
	assert_int_equal(e->max_size, 100);
	assert_int_equal(e->flags, IG_RULE_EXPLICIT | IG_RULE_SIZE);
	assert_int_equal(entry(&c, IG_FAM_V6, 129, 0)->max_size, 0);
	assert_entry(&c, IG_FAM_V6, 3, 1, IG_ACT_PASS,
		     IG_RULE_EXPLICIT | IG_RULE_VALIDATE |
			     IG_RULE_VALIDATE_SOCKET);
	assert_int_equal(c.slot->meta.broadcast_echo, IG_ACT_DROP);
	assert_int_equal(c.slot->meta.ra_guard, 1);
	assert_int_equal(c.slot->meta.has_prefixes[IG_FAM_V4], 0);
	assert_int_equal(c.slot->meta.has_prefixes[IG_FAM_V6], 0);
	assert_int_equal(c.n_prefixes, 1);
	assert_int_equal(c.prefixes[0].key.family, IG_PREFIX_RA_ROUTERS);
	assert_int_equal(c.prefixes[0].key.prefixlen, IG_PREFIX_KEY_BITS + 128);
	assert_memory_equal(c.prefixes[0].key.addr, ll1, 16);
	assert_int_equal(c.prefixes[0].value.list, IG_LIST_RA);
	ig_compiled_free(&c);

	compile_text("broadcast-echo pass\nallow fe80::1\n", &c);
	assert_int_equal(c.slot->meta.broadcast_echo, IG_ACT_PASS);
	assert_int_equal(c.slot->meta.ra_guard, 0);
	assert_int_equal(c.slot->meta.has_prefixes[IG_FAM_V6], 1);
	assert_int_equal(c.prefixes[0].key.family, IG_FAM_V6);
	ig_compiled_free(&c);
}

/*
 * Audit mode is one byte of meta: the table, limits and prefixes are those
 * of the same policy enforcing (the program turns its drops into passes),
 * and the text, so the digest, says which mode.
 */
static void test_audit_mode(void **state)
{
	static const char text[] = "default drop\nfragments drop\n"
				   "v4 echo-request limit 10/s\n"
				   "v6 128 drop\nblock 192.0.2.0/24\n";
	struct ig_compiled enf, aud;
	char audit_text[sizeof(text) + 16];

	(void)state;
	snprintf(audit_text, sizeof(audit_text), "mode audit\n%s", text);
	compile_text(text, &enf);
	compile_text(audit_text, &aud);
	assert_int_equal(enf.slot->meta.audit, 0);
	assert_int_equal(aud.slot->meta.audit, 1);
	assert_memory_equal(enf.slot->rules, aud.slot->rules,
			    sizeof(enf.slot->rules));
	assert_memory_equal(enf.slot->limits, aud.slot->limits,
			    sizeof(enf.slot->limits));
	assert_int_equal(enf.n_prefixes, aud.n_prefixes);
	assert_memory_equal(enf.prefixes, aud.prefixes,
			    enf.n_prefixes * sizeof(*enf.prefixes));
	assert_true(enf.digest != aud.digest);
	assert_true(!strncmp(aud.text, "mode audit\n", 11));
	assert_string_equal(aud.text + 11, enf.text);
	ig_compiled_free(&enf);
	ig_compiled_free(&aud);
}

static void test_prefix_keys(void **state)
{
	static const uint8_t v4[16] = { 10, 1 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0x01 };
	static const uint8_t host[16] = { 192, 0, 2, 7 };
	static const uint8_t zero[2];
	const struct ig_prefix_entry *e;
	struct ig_compiled c;

	(void)state;
	compile_text("allow 10.1.0.0/16\n"
		     "block 2001:db8:0:1::/64\n"
		     "block 192.0.2.7\n",
		     &c);
	assert_int_equal(c.n_prefixes, 3);

	e = find_entry(&c, IG_FAM_V4, IG_PREFIX_KEY_BITS + 16);
	assert_non_null(e);
	assert_int_equal(e->key.slot, 0);
	assert_memory_equal(e->key.addr, v4, 16);
	assert_memory_equal(e->key.pad, zero, 2);
	assert_int_equal(e->value.list, IG_LIST_ALLOW);

	e = find_entry(&c, IG_FAM_V6, IG_PREFIX_KEY_BITS + 64);
	assert_non_null(e);
	assert_int_equal(e->key.slot, 0);
	assert_memory_equal(e->key.addr, v6, 16);
	assert_int_equal(e->value.list, IG_LIST_BLOCK);

	/* A bare address is a host route: /32 after the 16 leading bits. */
	e = find_entry(&c, IG_FAM_V4, 48);
	assert_non_null(e);
	assert_memory_equal(e->key.addr, host, 16);
	assert_int_equal(e->value.list, IG_LIST_BLOCK);
	ig_compiled_free(&c);
}

static void test_text_and_digest(void **state)
{
	static const char text[] = "v4 8 drop\nallow 10.0.0.0/8\n";
	struct ig_compiled c;
	struct ig_policy p;
	char *canonical;

	(void)state;
	assert_int_equal(ig_policy_parse(&p, text, strlen(text), "t", NULL), 0);
	assert_int_equal(ig_policy_format(&p, &canonical), 0);
	assert_int_equal(ig_policy_compile(&p, &c), 0);
	assert_string_equal(c.text, canonical);
	assert_true(c.digest == ig_fnv1a64(canonical, strlen(canonical)));
	free(canonical);
	ig_policy_free(&p);
	ig_compiled_free(&c);
}

static void test_fnv1a64(void **state)
{
	(void)state;
	/* Published FNV-1a 64 test vectors. */
	assert_true(ig_fnv1a64("", 0) == 0xcbf29ce484222325ULL);
	assert_true(ig_fnv1a64("a", 1) == 0xaf63dc4c8601ec8cULL);
	assert_true(ig_fnv1a64("foobar", 6) == 0x85944171f73967e8ULL);
}

static void test_deterministic(void **state)
{
	struct ig_compiled a, b, c;

	(void)state;
	compile_text(ig_default_policy, &a);
	compile_text(ig_default_policy, &b);
	assert_true(a.digest == b.digest);
	assert_string_equal(a.text, b.text);
	assert_memory_equal(a.slot, b.slot, sizeof(*a.slot));
	/* The same policy written differently is the same policy. */
	compile_text("v6 nd-redirect drop   # comment\n"
		     "allow 10.0.0.0/8\nv4 redirect drop\nallow ::1\n",
		     &c);
	ig_compiled_free(&b);
	compile_text("allow ::1/128\nv4 5 drop\nallow 10.0.0.0/8\n"
		     "v6 redirect drop\n",
		     &b);
	assert_true(b.digest == c.digest);
	assert_memory_equal(b.slot, c.slot, sizeof(*b.slot));
	ig_compiled_free(&a);
	ig_compiled_free(&b);
	ig_compiled_free(&c);
}

static void test_digest_changes(void **state)
{
	static const char *const policies[] = {
		"",
		"default drop\n",
		"fragments drop\n",
		"v4 echo-request drop\n",
		"v4 echo-request pass\n",
		"v4 echo-request/0 drop\n",
		"v6 echo-request drop\n",
		"v6 135 drop force\n",
		"allow 10.0.0.0/8\n",
		"block 10.0.0.0/8\n",
		"block 10.0.0.0/9\n",
	};
	enum { N = sizeof(policies) / sizeof(policies[0]) };
	uint64_t digests[N];
	struct ig_compiled c;
	size_t i, j;

	(void)state;
	for (i = 0; i < N; i++) {
		compile_text(policies[i], &c);
		digests[i] = c.digest;
		ig_compiled_free(&c);
	}
	for (i = 0; i < N; i++)
		for (j = i + 1; j < N; j++)
			assert_false(digests[i] == digests[j]);
}

/* A policy built by hand is checked like a parsed one. */
static void test_refuses_invalid(void **state)
{
	struct ig_rule_spec rule = { .family = IG_FAM_V6,
				     .type = 2,
				     .code = IG_CODE_ANY,
				     .action = IG_ACT_DROP };
	struct ig_compiled c;
	struct ig_policy p;

	(void)state;
	ig_policy_init(&p);
	p.rules = &rule;
	p.n_rules = 1;
	assert_int_equal(ig_policy_compile(&p, &c), -EINVAL);
	assert_null(c.slot);
	assert_null(c.text);
	rule.flags = IG_SPEC_FORCE;
	assert_int_equal(ig_policy_compile(&p, &c), 0);
	assert_entry(&c, IG_FAM_V6, 2, 0, IG_ACT_DROP, IG_RULE_EXPLICIT);
	ig_compiled_free(&c);
	/* Freeing twice is harmless. */
	ig_compiled_free(&c);
	assert_null(c.slot);
}

static const struct ig_limit *limit_of(const struct ig_compiled *c, int fam,
				       int type, int code)
{
	const struct ig_rule *e = entry(c, fam, type, code);

	assert_int_equal(e->action, IG_ACT_LIMIT);
	assert_int_equal(e->flags & ~CHECK_MARKS, IG_RULE_EXPLICIT);
	assert_true(e->class_id < IG_MAX_CLASSES);
	return &c->slot->limits[e->class_id];
}

/* Each limit rule is a class, numbered by (family, type, code). */
static void test_limit_classes(void **state)
{
	const struct ig_limit *l;
	struct ig_compiled c;
	int code;

	(void)state;
	compile_text("v6 echo-request limit per-source 10/s burst 20\n"
		     "v4 echo-request limit 1000/s per-source 5/s prefix /24\n"
		     "v4 echo-request/7 limit 2mbit/s\n"
		     "v4 timestamp-request limit 6/min burst 1\n"
		     "v4 echo-reply pass\n",
		     &c);
	/* Classes 0..3 in (family, type, code) order, whatever the text. */
	assert_int_equal(entry(&c, IG_FAM_V4, 8, 0)->class_id, 0);
	assert_int_equal(entry(&c, IG_FAM_V4, 8, 7)->class_id, 1);
	assert_int_equal(entry(&c, IG_FAM_V4, 13, 0)->class_id, 2);
	assert_int_equal(entry(&c, IG_FAM_V6, 128, 0)->class_id, 3);
	for (code = 0; code < IG_CODES; code++)
		if (code != 7)
			assert_int_equal(
				entry(&c, IG_FAM_V4, 8, code)->class_id, 0);
	assert_entry(&c, IG_FAM_V4, 0, 0, IG_ACT_PASS, IG_RULE_EXPLICIT);

	l = limit_of(&c, IG_FAM_V4, 8, 0);
	assert_int_equal(l->flags, IG_LIMIT_CLASS | IG_LIMIT_SOURCE);
	assert_int_equal(l->cls.interval, 1000000ull << IG_RL_SHIFT);
	assert_int_equal(l->cls.tau,
			 100 * l->cls.interval); /* default 1/10 s */
	assert_int_equal(l->src.interval, 200000000ull << IG_RL_SHIFT);
	assert_int_equal(l->src.tau, 5 * l->src.interval);
	assert_int_equal(l->prefix_len, 24);
	assert_int_equal(l->tag, ig_rl_tag(IG_FAM_V4, 8, IG_CODE_ANY, 0, 24));

	l = limit_of(&c, IG_FAM_V4, 8, 7);
	assert_int_equal(l->flags, IG_LIMIT_CLASS | IG_LIMIT_CLASS_BYTES);
	assert_int_equal(l->cls.interval, 4000ull << (IG_RL_SHIFT + 8));
	assert_int_equal(l->src.interval, 0);
	assert_int_equal(l->src.tau, 0);
	assert_int_equal(l->tag, ig_rl_tag(IG_FAM_V4, 8, 7, 0, 0));

	/* One packet in 10 s: a tick late is 0.1%; the coarse clock will do. */
	l = limit_of(&c, IG_FAM_V4, 13, 0);
	assert_int_equal(l->flags, IG_LIMIT_CLASS);

	l = limit_of(&c, IG_FAM_V6, 128, 0);
	assert_int_equal(l->flags, IG_LIMIT_SOURCE);
	assert_int_equal(l->prefix_len, 64);
	assert_int_equal(l->tag, ig_rl_tag(IG_FAM_V6, 128, IG_CODE_ANY, 0, 64));
	/* Unused classes stay zero. */
	assert_int_equal(c.slot->limits[4].flags, 0);
	assert_int_equal(c.slot->limits[IG_MAX_CLASSES - 1].tag, 0);
	ig_compiled_free(&c);
}

/*
 * The coarse clock moves in ticks: a bucket whose burst lasts less than
 * two of the coarsest ones (20 ms) reads the fine clock.
 */
static void test_limit_clock(void **state)
{
	struct ig_compiled c;

	(void)state;
	compile_text("v4 0 limit 1000/s burst 20\n"
		     "v4 1 limit 1000/s burst 21\n"
		     "v4 2 limit 100000/s\n"
		     "v4 4 limit 10/s per-source 1000/s burst 5\n"
		     "v4 5 limit 10mbit/s burst 25000\n"
		     "v4 6 limit 10mbit/s burst 30000\n"
		     "v4 7 limit 1/s burst 1\n"
		     "v4 9 limit 2/s burst 1\n",
		     &c);
	assert_true(limit_of(&c, IG_FAM_V4, 0, 0)->flags & IG_LIMIT_FINE_CLOCK);
	assert_false(limit_of(&c, IG_FAM_V4, 1, 0)->flags &
		     IG_LIMIT_FINE_CLOCK);
	assert_false(limit_of(&c, IG_FAM_V4, 2, 0)->flags &
		     IG_LIMIT_FINE_CLOCK);
	/* Either bucket needing it is enough: one clock read a packet. */
	assert_true(limit_of(&c, IG_FAM_V4, 4, 0)->flags & IG_LIMIT_FINE_CLOCK);
	/* 10 mbit/s: 20 ms is 25000 bytes, plus a full frame. */
	assert_true(limit_of(&c, IG_FAM_V4, 5, 0)->flags & IG_LIMIT_FINE_CLOCK);
	assert_false(limit_of(&c, IG_FAM_V4, 6, 0)->flags &
		     IG_LIMIT_FINE_CLOCK);
	/* A token a second or slower: a tick late is at most 1%. */
	assert_false(limit_of(&c, IG_FAM_V4, 7, 0)->flags &
		     IG_LIMIT_FINE_CLOCK);
	assert_true(limit_of(&c, IG_FAM_V4, 9, 0)->flags & IG_LIMIT_FINE_CLOCK);
	ig_compiled_free(&c);
}

/* Limit rules in any order compile to the same bytes. */
static void test_limit_deterministic(void **state)
{
	struct ig_compiled a, b;

	(void)state;
	compile_text("v4 8 limit 10/s\nv6 128 limit per-source 1/s\n"
		     "v4 0 limit 5/s\n",
		     &a);
	compile_text("v6 128 limit per-source 1/s\nv4 0 limit 5/s\n"
		     "v4 8 limit 10/s\n",
		     &b);
	assert_memory_equal(a.slot, b.slot, sizeof(*a.slot));
	assert_string_equal(a.text, b.text);
	ig_compiled_free(&a);
	ig_compiled_free(&b);
}

static bool checked(const struct ig_compiled *c, int fam, int type, int code)
{
	return entry(c, fam, type, code)->flags & IG_RULE_CALL_CHECK;
}

static bool bcast_checked(const struct ig_compiled *c, int fam, int type)
{
	return entry(c, fam, type, 0)->flags & IG_RULE_BCAST;
}

/* Exactly the entries check_packet() could drop are marked for it. */
static void test_check_marks(void **state)
{
	struct ig_compiled c;

	(void)state;
	compile_text("v4 echo-reply pass\n"
		     "v4 dest-unreachable pass validate\n"
		     "v4 time-exceeded drop\n"
		     "v4 parameter-problem drop\n"
		     "v6 echo-request pass max-size 100\n"
		     "v6 router-advert drop force\n"
		     "ra-guard allow fe80::1\n",
		     &c);
	/* broadcast-echo drop is the default: v4 echo-request is checked */
	assert_true(bcast_checked(&c, IG_FAM_V4, 8));
	assert_false(checked(&c, IG_FAM_V4, 8, 0));
	assert_false(bcast_checked(&c, IG_FAM_V6, 128));
	assert_false(checked(&c, IG_FAM_V4, 0, 0)); /* plain pass */
	assert_true(checked(&c, IG_FAM_V4, 3, 4)); /* validate */
	assert_false(checked(&c, IG_FAM_V4, 11, 0)); /* dropped anyway */
	/* the size cap and the NDP hop limit are checked inline */
	assert_false(checked(&c, IG_FAM_V6, 128, 0));
	assert_false(checked(&c, IG_FAM_V6, 135, 0));
	assert_true(entry(&c, IG_FAM_V6, 128, 0)->flags & IG_RULE_SIZE);
	assert_false(entry(&c, IG_FAM_V6, 129, 0)->flags & IG_RULE_SIZE);
	/* the hop limit of NDP whatever the rule, and only of NDP */
	assert_true(entry(&c, IG_FAM_V6, 133, 0)->flags & IG_RULE_NDP);
	assert_true(entry(&c, IG_FAM_V6, 134, 0)->flags & IG_RULE_NDP);
	assert_true(entry(&c, IG_FAM_V6, 137, 9)->flags & IG_RULE_NDP);
	assert_false(entry(&c, IG_FAM_V6, 132, 0)->flags & IG_RULE_NDP);
	assert_false(entry(&c, IG_FAM_V6, 138, 0)->flags & IG_RULE_NDP);
	assert_false(entry(&c, IG_FAM_V4, 134, 0)->flags & IG_RULE_NDP);
	/* a plain drop or pass needs none of them */
	assert_int_equal(entry(&c, IG_FAM_V4, 11, 0)->flags & IG_RULE_ANY_CHECK,
			 0);
	assert_int_equal(entry(&c, IG_FAM_V4, 0, 0)->flags & IG_RULE_ANY_CHECK,
			 0);
	/* the RA guard, unless the rule drops router adverts anyway */
	assert_false(checked(&c, IG_FAM_V6, 134, 0));
	ig_compiled_free(&c);
	compile_text("ra-guard allow fe80::1\n", &c);
	assert_true(checked(&c, IG_FAM_V6, 134, 0));
	assert_false(checked(&c, IG_FAM_V6, 133, 0));
	assert_false(checked(&c, IG_FAM_V4, 134, 0)); /* not NDP in v4 */
	ig_compiled_free(&c);

	compile_text("broadcast-echo pass\n", &c);
	assert_false(bcast_checked(&c, IG_FAM_V4, 8));
	ig_compiled_free(&c);
	compile_text("v4 echo-request drop\n", &c);
	assert_false(bcast_checked(&c, IG_FAM_V4, 8));
	ig_compiled_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forward_sides),
		cmocka_unit_test(test_specificity),
		cmocka_unit_test(test_specificity_any_order),
		cmocka_unit_test(test_essential_under_default),
		cmocka_unit_test(test_rules_on_essentials),
		cmocka_unit_test(test_meta),
		cmocka_unit_test(test_validate_size_ra_guard),
		cmocka_unit_test(test_prefix_filter),
		cmocka_unit_test(test_check_marks),
		cmocka_unit_test(test_audit_mode),
		cmocka_unit_test(test_prefix_keys),
		cmocka_unit_test(test_text_and_digest),
		cmocka_unit_test(test_fnv1a64),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_digest_changes),
		cmocka_unit_test(test_refuses_invalid),
		cmocka_unit_test(test_limit_classes),
		cmocka_unit_test(test_limit_clock),
		cmocka_unit_test(test_limit_deterministic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
