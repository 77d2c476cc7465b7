// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * stats and top (counters.h): the counters and the per-source buckets of an
 * attached interface.
 */
#include <errno.h>
#include <stdio.h>

#include "cmd/counters.h"
#include "log.h"
#include "session.h"
#include "stats.h"
#include "store.h"
#include "top.h"

static const struct ig_arg stats_args[] = {
	{ "IFACE", IG_OPTS_AT(struct ig_stats_opts, iface), IG_ARG_IFACE },
	IG_ARG_END,
};

static const struct ig_opt stats_opts[] = {
	{ "json", 'j', IG_OPT_BOOL, IG_OPTS_AT(struct ig_stats_opts, json),
	  NULL, "print JSON (with --watch: one object per line)", 0, 0, NULL },
	{ "watch", 'w', IG_OPT_UINT, IG_OPTS_AT(struct ig_stats_opts, watch),
	  "SECONDS",
	  "every SECONDS, print per-second rates until interrupted (1-86400)",
	  1, IG_WATCH_MAX, NULL },
	{ "reset", 'r', IG_OPT_BOOL, IG_OPTS_AT(struct ig_stats_opts, reset),
	  NULL, "zero the counters after printing them", 0, 0, NULL },
	IG_OPT_END,
};

static const struct ig_arg top_args[] = {
	{ "IFACE", IG_OPTS_AT(struct ig_top_opts, iface), IG_ARG_IFACE },
	IG_ARG_END,
};

static const struct ig_opt top_opts[] = {
	{ "count", 'n', IG_OPT_UINT, IG_OPTS_AT(struct ig_top_opts, n), "N",
	  "list the N sources with the most drops (default 20)", 1, IG_TOP_MAX,
	  NULL },
	{ "interval", 'i', IG_OPT_UINT,
	  IG_OPTS_AT(struct ig_top_opts, interval), "SECONDS",
	  "measure the current rates over SECONDS (1-60, default 1)", 1, 60,
	  NULL },
	{ "json", 'j', IG_OPT_BOOL, IG_OPTS_AT(struct ig_top_opts, json), NULL,
	  "print JSON", 0, 0, NULL },
	IG_OPT_END,
};

static const char *stats_check(const void *opts)
{
	const struct ig_stats_opts *o = opts;

	if (o->watch && o->reset)
		return "--reset cannot be combined with --watch";
	return NULL;
}

/*
 * For stats --watch: is the program whose maps we read still the one on
 * the interface? Its maps outlive a detach in our file descriptors, and
 * would read as zero rates for ever.
 */
static int still_attached(void *ctx)
{
	const struct ig_iface *i = ctx;
	struct ig_live lv;

	ig_probe_live(i->name, &i->state, &lv);
	if (lv.attached)
		return 0;
	pr_err("stats: %s: the attachment went away (%s); stopping", i->name,
	       lv.why_not);
	return -ENOLINK;
}

int ig_cmd_stats(const void *opts)
{
	const struct ig_stats_opts *o = opts;
	const char *cmd = "stats";
	struct ig_iface i;
	int err;

	err = ig_iface_open(cmd, o->iface,
			    IG_OPEN_ANY_NETNS | (o->reset ? IG_OPEN_LOCK : 0),
			    &i);
	if (err)
		return err;
	if (o->watch) {
		err = ig_stats_watch(&i.maps, o->iface, o->watch, o->json,
				     still_attached, &i);
		if (err && err != -ENOLINK)
			ig_fail(cmd, err, "cannot read the counters of %s",
				o->iface);
		goto out;
	}
	err = ig_stats_show(&i.maps, o->iface, o->json);
	if (err) {
		ig_fail(cmd, err, "cannot read the counters of %s", o->iface);
		goto out;
	}
	if (o->reset) {
		err = ig_counters_reset(&i.maps);
		err = err ?: ig_pmtud_reset(&i.maps);
		if (err)
			ig_fail(cmd, err, "cannot reset the counters of %s",
				o->iface);
	}
out:
	ig_iface_close(&i);
	return err;
}

int ig_cmd_top(const void *opts)
{
	const struct ig_top_opts *o = opts;
	const char *cmd = "top";
	struct ig_iface i;
	int err;

	err = ig_iface_open(cmd, o->iface, IG_OPEN_ANY_NETNS, &i);
	if (err)
		return err;
	err = ig_top_run(&i.maps, o->iface, o->interval ? o->interval : 1,
			 o->n ? o->n : IG_TOP_DEFAULT, o->json);
	if (err)
		ig_fail(cmd, err, "cannot read the per-source buckets of %s",
			o->iface);
	ig_iface_close(&i);
	return err;
}

const struct ig_command ig_stats_cmd = {
	"stats",
	"show the counters of an interface",
	"Print the counters of IFACE: totals, packets per ICMP type, "
	"packets per reason, and PMTUD health: the MTUs that frag-needed and "
	"packet-too-big messages reported, valid or forged.",
	stats_args,
	stats_opts,
	stats_check,
	ig_cmd_stats
};

const struct ig_command ig_top_cmd = {
	"top",
	"list the sources the rate limits drop most",
	"List the sources tracked by per-source rate limits on IFACE with "
	"the most drops: their rule, packets dropped and passed since they "
	"were first seen, and their current rate, measured over the "
	"interval.",
	top_args,
	top_opts,
	NULL,
	ig_cmd_top
};
