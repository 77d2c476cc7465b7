// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The policy language, format layer: the canonical text that `policy show`
 * prints (ig_policy_format()).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../../include/icmpgate.h"
#include "../names.h"
#include "check.h"

struct strbuf {
	char *s;
	size_t len;
	size_t cap;
	int err;
};

__attribute__((format(printf, 2, 3))) static void
sb_printf(struct strbuf *b, const char *fmt, ...)
{
	size_t need;
	va_list ap;
	char *s;
	int n;

	if (b->err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->s ? b->s + b->len : NULL, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = -EINVAL;
		return;
	}
	if (b->len + (size_t)n < b->cap) {
		b->len += (size_t)n;
		return;
	}
	for (need = b->cap ? b->cap : 4096; need <= b->len + (size_t)n;)
		need *= 2;
	s = realloc(b->s, need);
	if (!s) {
		b->err = -ENOMEM;
		return;
	}
	b->s = s;
	b->cap = need;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static int cmp_int(int a, int b)
{
	return (a > b) - (a < b);
}

/*
 * Host rules first, then `forward`; family (v4 first), type, code (the
 * type-wide rule, code -1, first).
 */
static int rule_cmp(const void *a, const void *b)
{
	const struct ig_rule_spec *x = a, *y = b;

	if (x->side != y->side)
		return cmp_int(x->side, y->side);
	if (x->family != y->family)
		return cmp_int(x->family, y->family);
	if (x->type != y->type)
		return cmp_int(x->type, y->type);
	return cmp_int(x->code, y->code);
}

/* Allow before block, v4 before v6, then address, then length. */
static int prefix_cmp(const void *a, const void *b)
{
	const struct ig_prefix_spec *x = a, *y = b;
	int c;

	if (x->list != y->list)
		return cmp_int(x->list, y->list);
	if (x->family != y->family)
		return cmp_int(x->family, y->family);
	c = memcmp(x->addr, y->addr, sizeof(x->addr));
	return c ? c : cmp_int(x->len, y->len);
}

static void *sorted_copy(const void *src, size_t n, size_t size,
			 int (*cmp)(const void *, const void *))
{
	void *c = malloc(n ? n * size : 1);

	if (c && n) {
		memcpy(c, src, n * size);
		qsort(c, n, size, cmp);
	}
	return c;
}

int ig_policy_format(const struct ig_policy *p, char **out)
{
	struct ig_prefix_spec *prefixes = NULL;
	struct ig_rule_spec *rules = NULL;
	char target[NAME_MAX_LEN], addr[INET6_ADDRSTRLEN], limit[160];
	char size[24];
	struct strbuf b = { 0 };
	struct ig_diag scratch;
	size_t i;
	int err;

	*out = NULL;
	err = pol_check_shape(p, &scratch);
	if (err)
		return err;
	rules = sorted_copy(p->rules, p->n_rules, sizeof(*rules), rule_cmp);
	prefixes = sorted_copy(p->prefixes, p->n_prefixes, sizeof(*prefixes),
			       prefix_cmp);
	if (!rules || !prefixes) {
		err = -ENOMEM;
		goto cleanup;
	}
	/*
	 * First, where a reader sees it, and only in audit mode: applying
	 * `policy show` keeps the mode, and a text without the line enforces.
	 */
	if (p->audit)
		sb_printf(&b, "mode audit\n");
	sb_printf(&b, "default %s\nfragments %s\n",
		  pol_action_names[p->default_action],
		  pol_action_names[p->fragments]);
	/* Printed only when they are not their defaults. */
	if (p->broadcast_echo != IG_ACT_DROP)
		sb_printf(&b, "broadcast-echo %s\n",
			  pol_action_names[p->broadcast_echo]);
	if (p->forward_default != IG_ACT_PASS)
		sb_printf(&b, "forward default %s\n",
			  pol_action_names[p->forward_default]);
	for (i = 0; i < p->n_rules; i++) {
		pol_target_str(target, sizeof(target), rules[i].family,
			       rules[i].type, rules[i].code);
		pol_limit_str(limit, sizeof(limit), &rules[i]);
		size[0] = '\0';
		if (rules[i].max_size)
			snprintf(size, sizeof(size), " max-size %u",
				 rules[i].max_size);
		sb_printf(&b, "%s%s %s %s%s%s%s%s\n",
			  rules[i].side == IG_SIDE_TRANSIT ? "forward " : "",
			  ig_family_name(rules[i].family), target,
			  pol_action_names[rules[i].action],
			  rules[i].action == IG_ACT_LIMIT ? limit : "",
			  rules[i].flags & IG_SPEC_VALIDATE_SOCKET ?
				  " validate socket" :
			  rules[i].flags & IG_SPEC_VALIDATE ? " validate" :
							      "",
			  size, rules[i].flags & IG_SPEC_FORCE ? " force" : "");
	}
	for (i = 0; i < p->n_prefixes; i++) {
		inet_ntop(pol_addr_af(prefixes[i].family), prefixes[i].addr,
			  addr, sizeof(addr));
		sb_printf(&b, "%s %s/%u\n", pol_list_names[prefixes[i].list],
			  addr, prefixes[i].len);
	}
	err = b.err;
	if (!err) {
		*out = b.s;
		b.s = NULL;
	}
cleanup:
	free(b.s);
	free(rules);
	free(prefixes);
	return err;
}
