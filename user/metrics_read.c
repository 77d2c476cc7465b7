// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What `metrics` and `serve` expose, read from the pins of each interface
 * (metrics.h): opened afresh for every exposition, so that a scrape sees
 * attachments made, replaced or removed since the last one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ratelimit_math.h"
#include "log.h"
#include "metrics.h"
#include "pindir.h"
#include "session.h"
#include "store.h"

void ig_metrics_limit_of(const struct ig_bucket_cfg *b, bool bytes,
			 struct ig_metrics_limit *l)
{
	double units = (double)(1ull << (IG_RL_SHIFT +
					 (bytes ? IG_RL_BYTE_SHIFT : 0)));

	l->bytes = bytes;
	if (!b->tau || !b->interval) { /* rate 0 or burst 0: nothing passes */
		l->rate = 0;
		l->burst = 0;
		return;
	}
	l->rate = (double)IG_RL_NS_PER_SEC * units / (double)b->interval;
	l->burst = (double)b->tau * (bytes ? 1 << IG_RL_BYTE_SHIFT : 1) /
		   (double)b->interval;
}

/* The buckets of every `limit` rule of the live policy. */
static void read_limits(const struct ig_maps *m, struct ig_metrics_iface *out)
{
	const struct ig_policy_slot *slot = &m->slots[*m->active & 1];
	const struct ig_limit *lim;
	struct ig_rl_tag_fields f;
	struct ig_metrics_limit l;
	int c;

	out->n_limits = 0;
	for (c = 0; c < IG_MAX_CLASSES; c++) {
		lim = &slot->limits[c];
		if (!(lim->flags & (IG_LIMIT_CLASS | IG_LIMIT_SOURCE)))
			continue;
		f = ig_rl_tag_decode(lim->tag);
		memset(&l, 0, sizeof(l));
		l.side = lim->tag & ig_rl_tag_side(IG_SIDE_TRANSIT) ?
				 IG_SIDE_TRANSIT :
				 IG_SIDE_HOST;
		l.family = (uint8_t)f.family;
		l.type = (uint8_t)f.type;
		l.code = f.code;
		l.prefix_len = f.plen;
		if (lim->flags & IG_LIMIT_CLASS) {
			ig_metrics_limit_of(&lim->cls,
					    lim->flags & IG_LIMIT_CLASS_BYTES,
					    &l);
			out->limits[out->n_limits++] = l;
		}
		if (lim->flags & IG_LIMIT_SOURCE) {
			l.source = true;
			ig_metrics_limit_of(&lim->src,
					    lim->flags & IG_LIMIT_SOURCE_BYTES,
					    &l);
			out->limits[out->n_limits++] = l;
		}
	}
}

void ig_metrics_iface_free(struct ig_metrics_iface *i)
{
	free(i->counters);
	i->counters = NULL;
}

int ig_metrics_read(const char *cmd, const char *ifname,
		    struct ig_metrics_iface *out)
{
	struct ig_live lv;
	struct ig_iface i;
	int err;

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", ifname);
	out->counters = calloc(IG_COUNTER_ENTRIES, sizeof(*out->counters));
	if (!out->counters)
		return -ENOMEM;
	err = ig_open_pins(cmd, ifname, IG_OPEN_ANY_NETNS, &i);
	if (err)
		goto fail;
	ig_probe_live(ifname, &i.state, &lv);
	out->attached = lv.attached;
	out->state = i.state;
	err = ig_counters_read(&i.maps, out->counters);
	err = err ?: ig_pmtud_read(&i.maps, out->pmtud);
	err = err   ?:
		      ig_sources_count(&i.maps, &out->sources_used,
				       &out->sources_capacity);
	if (err)
		ig_fail(cmd, err, "cannot read the maps of %s", ifname);
	else
		read_limits(&i.maps, out);
	ig_iface_close(&i);
	if (!err)
		return 0;
fail:
	ig_metrics_iface_free(out);
	return err;
}

struct render_ctx {
	const char *cmd;
	bool named; /* one interface, asked for by name */
	struct ig_metrics_iface *ifs;
	size_t n, cap;
};

/* One attached interface into the list; one that fails is left out. */
static int render_one(const char *name, void *data)
{
	struct render_ctx *ctx = data;
	struct ig_metrics_iface *ifs;
	int err;

	if (ctx->n == ctx->cap) {
		ifs = realloc(ctx->ifs, (ctx->cap * 2 + 4) * sizeof(*ifs));
		if (!ifs)
			return -ENOMEM;
		ctx->ifs = ifs;
		ctx->cap = ctx->cap * 2 + 4;
	}
	err = ig_metrics_read(ctx->cmd, name, &ctx->ifs[ctx->n]);
	if (err == -ENOMEM)
		return err;
	if (err && ctx->named)
		return err;
	if (err)
		pr_warn("%s: %s left out of the metrics", ctx->cmd, name);
	else
		ctx->n++;
	return 0;
}

int ig_metrics_render(const char *cmd, const char *ifname, char **text,
		      size_t *len)
{
	struct render_ctx ctx = { .cmd = cmd, .named = ifname != NULL };
	FILE *out;
	size_t k;
	int err;

	*text = NULL;
	*len = 0;
	if (ifname)
		err = render_one(ifname, &ctx);
	else
		err = ig_pindir_each(render_one, &ctx);
	if (err)
		goto out;
	out = open_memstream(text, len);
	if (!out) {
		err = -errno;
		goto out;
	}
	err = ig_metrics_write(out, ctx.ifs, ctx.n);
	if (fclose(out) && !err)
		err = -EIO;
	if (err) {
		free(*text);
		*text = NULL;
	}
out:
	for (k = 0; k < ctx.n; k++)
		ig_metrics_iface_free(&ctx.ifs[k]);
	free(ctx.ifs);
	return err;
}
