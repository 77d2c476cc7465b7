// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Names of ICMP (RFC 792) and ICMPv6 (RFC 4443) types and codes, after the
 * IANA registries, in kebab case; and the messages that must always pass.
 *
 * One table per family. In every table the first name given for a number
 * is the canonical one, which `policy show` prints; later names for the same
 * number are aliases accepted on input (mostly nftables' spelling, so that
 * rules can be carried over from an nft ruleset).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "../include/icmpgate.h"
#include "lex.h"
#include "names.h"

struct ig_name {
	int num;
	const char *name;
};

/* The named codes of one type. */
struct ig_type_codes {
	int type;
	const struct ig_name *names;
	size_t n;
};

struct ig_family_names {
	const char *name; /* "v4", "v6" */
	const struct ig_name *types;
	size_t n_types;
	const struct ig_type_codes *codes;
	size_t n_codes;
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define CODES(t, a)                     \
	{                               \
		(t), (a), ARRAY_SIZE(a) \
	}

/* IANA "ICMP Type Numbers". */
static const struct ig_name v4_types[] = {
	{ 0, "echo-reply" },
	{ 3, "dest-unreachable" },
	{ 3, "destination-unreachable" },
	{ 4, "source-quench" }, /* deprecated, RFC 6633 */
	{ 5, "redirect" },
	{ 6, "alternate-host-address" }, /* 6, 15-18, 30-39: RFC 6918 */
	{ 8, "echo-request" },
	{ 8, "echo" },
	{ 9, "router-advertisement" }, /* RFC 1256 */
	{ 10, "router-solicitation" },
	{ 11, "time-exceeded" },
	{ 12, "parameter-problem" },
	{ 13, "timestamp-request" },
	{ 13, "timestamp" },
	{ 14, "timestamp-reply" },
	{ 15, "info-request" },
	{ 15, "information-request" },
	{ 16, "info-reply" },
	{ 16, "information-reply" },
	{ 17, "address-mask-request" }, /* RFC 950 */
	{ 18, "address-mask-reply" },
	{ 30, "traceroute" }, /* RFC 1393 */
	{ 31, "conversion-error" }, /* RFC 1475 */
	{ 32, "mobile-host-redirect" },
	{ 33, "ipv6-where-are-you" },
	{ 34, "ipv6-i-am-here" },
	{ 35, "mobile-registration-request" },
	{ 36, "mobile-registration-reply" },
	{ 37, "domain-name-request" }, /* RFC 1788 */
	{ 38, "domain-name-reply" },
	{ 39, "skip" },
	{ 40, "photuris" }, /* RFC 2521 */
	{ 41, "experimental-mobility" }, /* RFC 4065 */
	{ 42, "extended-echo-request" }, /* RFC 8335 */
	{ 43, "extended-echo-reply" },
};

/* RFC 792, RFC 1122 3.2.2.1, RFC 1812 5.2.7.1. */
static const struct ig_name v4_unreach_codes[] = {
	{ 0, "net-unreachable" },
	{ 0, "network-unreachable" },
	{ 1, "host-unreachable" },
	{ 2, "prot-unreachable" },
	{ 2, "protocol-unreachable" },
	{ 3, "port-unreachable" },
	{ 4, "frag-needed" }, /* RFC 1191 */
	{ 4, "fragmentation-needed" },
	{ 5, "source-route-failed" },
	{ 6, "net-unknown" },
	{ 6, "network-unknown" },
	{ 7, "host-unknown" },
	{ 8, "host-isolated" },
	{ 9, "net-prohibited" },
	{ 9, "network-prohibited" },
	{ 10, "host-prohibited" },
	{ 11, "net-tos-unreachable" },
	{ 12, "host-tos-unreachable" },
	{ 13, "admin-prohibited" },
	{ 13, "communication-prohibited" },
	{ 14, "host-precedence-violation" },
	{ 15, "precedence-cutoff" },
};

static const struct ig_name v4_redirect_codes[] = {
	{ 0, "redirect-net" },
	{ 1, "redirect-host" },
	{ 2, "redirect-tos-net" },
	{ 3, "redirect-tos-host" },
};

static const struct ig_name v4_time_codes[] = {
	{ 0, "ttl-exceeded" },
	{ 0, "ttl-zero-during-transit" },
	{ 1, "reassembly-timeout" },
	{ 1, "ttl-zero-during-reassembly" },
};

static const struct ig_name v4_param_codes[] = {
	{ 0, "pointer-error" },
	{ 1, "missing-option" }, /* RFC 1108 */
	{ 2, "bad-length" },
};

static const struct ig_type_codes v4_codes[] = {
	CODES(3, v4_unreach_codes),
	CODES(5, v4_redirect_codes),
	CODES(11, v4_time_codes),
	CODES(12, v4_param_codes),
};

/* IANA "ICMPv6 'type' Numbers". */
static const struct ig_name v6_types[] = {
	{ 1, "dest-unreachable" },
	{ 1, "destination-unreachable" },
	{ 2, "packet-too-big" },
	{ 3, "time-exceeded" },
	{ 4, "parameter-problem" },
	{ 128, "echo-request" },
	{ 129, "echo-reply" },
	{ 130, "mld-listener-query" }, /* RFC 2710 */
	{ 131, "mld-listener-report" },
	{ 132, "mld-listener-done" },
	{ 132, "mld-listener-reduction" },
	{ 133, "router-solicit" }, /* 133-137: RFC 4861 */
	{ 133, "nd-router-solicit" },
	{ 134, "router-advert" },
	{ 134, "nd-router-advert" },
	{ 135, "neighbor-solicit" },
	{ 135, "nd-neighbor-solicit" },
	{ 136, "neighbor-advert" },
	{ 136, "nd-neighbor-advert" },
	{ 137, "redirect" },
	{ 137, "nd-redirect" },
	{ 138, "router-renumbering" }, /* RFC 2894 */
	{ 139, "node-info-query" }, /* RFC 4620 */
	{ 140, "node-info-response" },
	{ 141, "inverse-nd-solicit" }, /* RFC 3122 */
	{ 141, "ind-neighbor-solicit" },
	{ 142, "inverse-nd-advert" },
	{ 142, "ind-neighbor-advert" },
	{ 143, "mld2-listener-report" }, /* RFC 3810 */
	{ 144, "home-agent-discovery-request" }, /* 144-147: RFC 6275 */
	{ 145, "home-agent-discovery-reply" },
	{ 146, "mobile-prefix-solicit" },
	{ 147, "mobile-prefix-advert" },
	{ 148, "cert-path-solicit" }, /* RFC 3971 */
	{ 149, "cert-path-advert" },
	{ 150, "experimental-mobility" }, /* RFC 4065 */
	{ 151, "multicast-router-advert" }, /* 151-153: RFC 4286 */
	{ 152, "multicast-router-solicit" },
	{ 153, "multicast-router-terminate" },
	{ 154, "fmipv6" }, /* RFC 5568 */
	{ 155, "rpl-control" }, /* RFC 6550 */
	{ 156, "ilnpv6-locator-update" }, /* RFC 6743 */
	{ 157, "duplicate-address-request" }, /* RFC 6775 */
	{ 158, "duplicate-address-confirm" },
	{ 159, "mpl-control" }, /* RFC 7731 */
	{ 160, "extended-echo-request" }, /* RFC 8335 */
	{ 161, "extended-echo-reply" },
};

/* RFC 4443 3.1; 7: RFC 6554. */
static const struct ig_name v6_unreach_codes[] = {
	{ 0, "no-route" },
	{ 1, "admin-prohibited" },
	{ 1, "communication-prohibited" },
	{ 2, "beyond-scope" },
	{ 3, "addr-unreachable" },
	{ 3, "address-unreachable" },
	{ 4, "port-unreachable" },
	{ 5, "policy-fail" },
	{ 6, "reject-route" },
	{ 7, "source-routing-error" },
};

static const struct ig_name v6_time_codes[] = {
	{ 0, "hop-limit-exceeded" },
	{ 1, "reassembly-timeout" },
};

/* RFC 4443 3.4; 3: RFC 7112. */
static const struct ig_name v6_param_codes[] = {
	{ 0, "bad-header" },
	{ 1, "unknown-next-header" },
	{ 1, "unknown-header-type" },
	{ 2, "unknown-option" },
	{ 3, "incomplete-header-chain" },
};

static const struct ig_type_codes v6_codes[] = {
	CODES(1, v6_unreach_codes),
	CODES(3, v6_time_codes),
	CODES(4, v6_param_codes),
};

static const struct ig_family_names families[IG_POLICY_FAMILIES] = {
	[IG_FAM_V4] = { "v4", v4_types, ARRAY_SIZE(v4_types), v4_codes,
			ARRAY_SIZE(v4_codes) },
	[IG_FAM_V6] = { "v6", v6_types, ARRAY_SIZE(v6_types), v6_codes,
			ARRAY_SIZE(v6_codes) },
};

/*
 * The messages without which the Internet breaks. Dropping them does not
 * stop an attack, it stops the host: PMTUD black-holes TCP, and without
 * NDP an IPv6 host cannot reach its router or its neighbours.
 */
static const struct ig_essential essentials[] = {
	{ IG_FAM_V4, 3, 4, "path-MTU discovery needs (RFC 1191)", true },
	{ IG_FAM_V6, 2, IG_CODE_ANY, "path-MTU discovery needs (RFC 8201)",
	  true },
	{ IG_FAM_V6, 130, IG_CODE_ANY,
	  "multicast listener discovery needs (RFC 2710)", false },
	{ IG_FAM_V6, 131, IG_CODE_ANY,
	  "multicast listener discovery needs (RFC 2710)", false },
	{ IG_FAM_V6, 132, IG_CODE_ANY,
	  "multicast listener discovery needs (RFC 2710)", false },
	{ IG_FAM_V6, 133, IG_CODE_ANY, "neighbor discovery needs (RFC 4861)",
	  false },
	{ IG_FAM_V6, 134, IG_CODE_ANY, "neighbor discovery needs (RFC 4861)",
	  false },
	{ IG_FAM_V6, 135, IG_CODE_ANY, "neighbor discovery needs (RFC 4861)",
	  false },
	{ IG_FAM_V6, 136, IG_CODE_ANY, "neighbor discovery needs (RFC 4861)",
	  false },
	/* Not 137 (redirect): it only shortens a path; RFC 4890 4.4 leaves
	 * it to local policy. */
	{ IG_FAM_V6, 143, IG_CODE_ANY,
	  "multicast listener discovery needs (RFC 3810)", false },
};

static const struct ig_family_names *family_names(int family)
{
	if (family < 0 || family >= IG_POLICY_FAMILIES)
		return NULL;
	return &families[family];
}

static const char *name_of(const struct ig_name *t, size_t n, int num)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].num == num)
			return t[i].name;
	return NULL;
}

static int num_of(const struct ig_name *t, size_t n, const char *name)
{
	size_t i;

	for (i = 0; name && i < n; i++)
		if (!strcmp(t[i].name, name))
			return t[i].num;
	return -1;
}

static const struct ig_type_codes *codes_of(int family, int type)
{
	const struct ig_family_names *f = family_names(family);
	size_t i;

	for (i = 0; f && i < f->n_codes; i++)
		if (f->codes[i].type == type)
			return &f->codes[i];
	return NULL;
}

const char *ig_type_name(int family, int type)
{
	const struct ig_family_names *f = family_names(family);

	return f ? name_of(f->types, f->n_types, type) : NULL;
}

const char *ig_code_name(int family, int type, int code)
{
	const struct ig_type_codes *c = codes_of(family, type);

	return c ? name_of(c->names, c->n, code) : NULL;
}

int ig_type_by_name(int family, const char *name)
{
	const struct ig_family_names *f = family_names(family);

	return f ? num_of(f->types, f->n_types, name) : -1;
}

int ig_code_by_name(int family, int type, const char *name)
{
	const struct ig_type_codes *c = codes_of(family, type);

	return c ? num_of(c->names, c->n, name) : -1;
}

int ig_code_type_by_name(int family, const char *name)
{
	const struct ig_family_names *f = family_names(family);
	size_t i;

	for (i = 0; f && i < f->n_codes; i++)
		if (num_of(f->codes[i].names, f->codes[i].n, name) >= 0)
			return f->codes[i].type;
	return -1;
}

/* The entry of t[] nearest to word and close enough to offer, or NULL. */
static const struct ig_name *nearest(const struct ig_name *t, size_t n,
				     const char *word, unsigned *best)
{
	const struct ig_name *found = NULL;
	unsigned d;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!ig_lex_close(word, t[i].name))
			continue;
		d = ig_lex_distance(word, t[i].name);
		if (d < *best) {
			*best = d;
			found = &t[i];
		}
	}
	return found;
}

int ig_suggest_type(int family, const char *word, char *buf, size_t size)
{
	const struct ig_family_names *f = family_names(family);
	const struct ig_name *hit, *type_hit = NULL, *code_hit = NULL;
	unsigned best = ~0u;
	int owner = -1;
	size_t i;

	if (!f)
		return -ENOENT;
	/* A code written where its type goes: `v4 frag-needed`. */
	owner = ig_code_type_by_name(family, word);
	if (owner >= 0) {
		snprintf(buf, size, "%s/%s", ig_type_name(family, owner), word);
		return 0;
	}
	type_hit = nearest(f->types, f->n_types, word, &best);
	for (i = 0; i < f->n_codes; i++) {
		hit = nearest(f->codes[i].names, f->codes[i].n, word, &best);
		if (hit) {
			code_hit = hit;
			owner = f->codes[i].type;
		}
	}
	if (code_hit)
		snprintf(buf, size, "%s/%s", ig_type_name(family, owner),
			 code_hit->name);
	else if (type_hit)
		snprintf(buf, size, "%s", type_hit->name);
	else
		return -ENOENT;
	return 0;
}

int ig_suggest_code(int family, int type, const char *word, char *buf,
		    size_t size)
{
	const struct ig_type_codes *c = codes_of(family, type);
	const struct ig_name *hit;
	unsigned best = ~0u;

	hit = c ? nearest(c->names, c->n, word, &best) : NULL;
	if (!hit)
		return -ENOENT;
	snprintf(buf, size, "%s", hit->name);
	return 0;
}

const char *ig_type_name_at(int family, size_t i, int *type)
{
	const struct ig_family_names *f = family_names(family);

	if (!f || i >= f->n_types)
		return NULL;
	*type = f->types[i].num;
	return f->types[i].name;
}

const char *ig_code_name_at(int family, size_t i, size_t j, int *type)
{
	const struct ig_family_names *f = family_names(family);

	if (!f || i >= f->n_codes || j >= f->codes[i].n)
		return NULL;
	*type = f->codes[i].type;
	return f->codes[i].names[j].name;
}

const struct ig_essential *ig_essential_find(int family, int type, int code)
{
	const struct ig_essential *e;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(essentials); i++) {
		e = &essentials[i];
		if (e->family != family || e->type != type)
			continue;
		if (code == IG_CODE_ANY || e->code == IG_CODE_ANY ||
		    e->code == code)
			return e;
	}
	return NULL;
}

bool ig_is_quoting_error(int family, int type)
{
	if (family == IG_FAM_V4)
		return type == 3 || type == 11 || type == 12;
	return family == IG_FAM_V6 && type >= 1 && type <= 4;
}

bool ig_is_essential(int family, int type, int code)
{
	return ig_essential_find(family, type, code) != NULL;
}

const char *ig_family_name(int family)
{
	const struct ig_family_names *f = family_names(family);

	if (family == IG_FAM_OTHER)
		return "other";
	return f ? f->name : NULL;
}

const char *ig_side_name(int side)
{
	return side == IG_SIDE_HOST    ? "host" :
	       side == IG_SIDE_TRANSIT ? "transit" :
					 NULL;
}

int ig_family_by_name(const char *name)
{
	int fam;

	for (fam = 0; name && fam < IG_POLICY_FAMILIES; fam++)
		if (!strcmp(families[fam].name, name))
			return fam;
	return -1;
}
