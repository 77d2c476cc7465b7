// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The changes a policy would make (replay_diff.h): a tree of groups, and
 * the list the command prints.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay_diff.h"

void ig_diff_init(struct ig_diff *d, unsigned plen4, unsigned plen6)
{
	memset(d, 0, sizeof(*d));
	d->plen4 = plen4;
	d->plen6 = plen6;
}

/* The key of a group: everything before the sums. */
static int change_cmp(const void *a, const void *b)
{
	return memcmp(a, b, offsetof(struct ig_change, packets));
}

static void mask(uint8_t *addr, size_t size, unsigned plen)
{
	size_t i;

	for (i = 0; i < size; i++) {
		if (plen >= 8)
			plen -= 8;
		else {
			addr[i] &= (uint8_t)(0xff00 >> plen);
			plen = 0;
		}
	}
}

int ig_diff_add(struct ig_diff *d, const struct ig_frame_key *k, int from,
		int to, uint64_t bytes)
{
	struct ig_change key, *c, **found;

	if (from == to)
		return 0;
	memset(&key, 0, sizeof(key));
	key.from = (uint8_t)from;
	key.to = (uint8_t)to;
	key.family = k->family;
	key.type = k->type;
	key.plen = (uint8_t)(k->family == IG_FAM_V4 ? d->plen4 : d->plen6);
	memcpy(key.prefix, k->src, k->family == IG_FAM_V4 ? 4 : 16);
	mask(key.prefix, k->family == IG_FAM_V4 ? 4 : 16, key.plen);
	found = tfind(&key, &d->root, change_cmp);
	if (!found) {
		c = malloc(sizeof(*c));
		if (!c)
			return -ENOMEM;
		*c = key;
		found = tsearch(c, &d->root, change_cmp);
		if (!found) {
			free(c);
			return -ENOMEM;
		}
		d->n++;
	}
	(*found)->packets++;
	(*found)->bytes += bytes;
	d->packets++;
	d->bytes += bytes;
	return 0;
}

struct collect {
	struct ig_change *out;
	size_t n;
};

static void collect_one(const void *node, VISIT which, void *ctx)
{
	struct collect *c = ctx;

	if (which == postorder || which == leaf)
		c->out[c->n++] = **(struct ig_change *const *)node;
}

static int by_packets(const void *a, const void *b)
{
	const struct ig_change *x = a, *y = b;

	if (x->packets != y->packets)
		return x->packets > y->packets ? -1 : 1;
	return change_cmp(a, b);
}

int ig_diff_list(const struct ig_diff *d, struct ig_change **out, size_t *n)
{
	struct collect c = { calloc(d->n ? d->n : 1, sizeof(*c.out)), 0 };

	if (!c.out)
		return -ENOMEM;
	twalk_r(d->root, collect_one, &c);
	qsort(c.out, c.n, sizeof(*c.out), by_packets);
	*out = c.out;
	*n = c.n;
	return 0;
}

void ig_diff_free(struct ig_diff *d)
{
	tdestroy(d->root, free);
	d->root = NULL;
	d->n = 0;
}

void ig_change_prefix(const struct ig_change *c, char *buf, size_t size)
{
	char addr[INET6_ADDRSTRLEN] = "?";

	inet_ntop(c->family == IG_FAM_V4 ? AF_INET : AF_INET6, c->prefix, addr,
		  sizeof(addr));
	snprintf(buf, size, "%s/%u", addr, c->plen);
}

void ig_thousands(uint64_t v, char *buf, size_t size)
{
	char digits[24];
	size_t len, i, o = 0;

	len = (size_t)snprintf(digits, sizeof(digits), "%llu",
			       (unsigned long long)v);
	for (i = 0; i < len && o + 1 < size; i++) {
		if (i && (len - i) % 3 == 0 && o + 2 < size)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	if (size)
		buf[o < size ? o : size - 1] = '\0';
}
