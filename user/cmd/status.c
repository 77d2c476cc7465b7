// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * status (status.h): the attachment of one interface, or of every
 * attached one, as text or JSON.
 */
#include <errno.h>
#include <limits.h>
#include <inttypes.h>
#include <stdio.h>

#include <json-c/json.h>

#include "../../include/icmpgate.h"
#include "capture.h"
#include "cmd/status.h"
#include "localaddr.h"
#include "log.h"
#include "output.h"
#include "pindir.h"
#include "session.h"
#include "stats.h"
#include "store.h"
#include "table.h"

static const struct ig_arg status_args[] = {
	{ "IFACE", IG_OPTS_AT(struct ig_status_opts, iface),
	  IG_ARG_IFACE | IG_ARG_OPTIONAL },
	IG_ARG_END,
};

static const struct ig_opt status_opts[] = {
	{ "json", 'j', IG_OPT_BOOL, IG_OPTS_AT(struct ig_status_opts, json),
	  NULL, "print JSON", 0, 0, NULL },
	IG_OPT_END,
};

static const char *dispatcher_name(bool multiprog)
{
	return multiprog ? "libxdp dispatcher" : "legacy (single program)";
}

/* The capture line: who captures, or that nothing does. */
static void capture_describe(const struct ig_capture_now *now, char *buf,
			     size_t size)
{
	if (now->running)
		snprintf(buf, size,
			 "running (pid %d; %" PRIu64 " taken so far)", now->pid,
			 now->taken);
	else if (now->armed)
		snprintf(
			buf, size,
			"armed, no capture process (the lease runs out within a second)");
	else
		snprintf(buf, size, "off");
}

static int status_print(const struct ig_iface *i, const struct ig_live *lv)
{
	static const struct ig_table_col cols[] = {
		{ "key", 0 },
		{ "value", 0 },
	};
	const struct ig_state *st = &i->state;
	uint32_t max_sources = 0;
	char since[64], policy_since[64], synced[64], netns[PATH_MAX + 64];
	char capture[128];
	struct ig_capture_now now;
	struct ig_ifinfo ifi = {};
	struct ig_table t;

	ig_ifinfo_read(&i->maps, &ifi);
	ig_local_time_format(ifi.synced_at, synced, sizeof(synced));
	ig_local_time_format(st->attached_at, since, sizeof(since));
	ig_local_time_format(st->policy_at, policy_since, sizeof(policy_since));
	ig_sources_capacity(&i->maps, &max_sources);
	ig_netns_describe(st->netns, netns, sizeof(netns));
	printf("%s:\n", i->name);
	ig_table_init(&t, cols, 2, false);
	ig_table_pair(&t, "ifindex", "%u", st->ifindex);
	ig_table_pair(
		&t, "netns", "%s%s", st->netns ? netns : "unknown",
		st->netns && st->netns == ig_netns_self() ? " (this one)" : "");
	ig_table_pair(&t, "layout", "%u", st->layout);
	ig_table_pair(&t, "attached", "%s%s%s%s", lv->attached ? "yes" : "no",
		      lv->why_not ? " (" : "", lv->why_not ? lv->why_not : "",
		      lv->why_not ? ")" : "");
	ig_table_pair(&t, "mode", "%s", ig_mode_name(lv->info.mode));
	if (lv->info.multiprog)
		ig_table_pair(&t, "dispatcher", "%s",
			      dispatcher_name(lv->info.multiprog));
	else
		ig_table_pair(&t, "dispatcher",
			      "legacy (single program; libxdp: %s)",
			      ig_legacy_why(st));
	ig_table_pair(&t, "prog id", "%u", st->prog_id);
	ig_table_pair(&t, "policy digest", "%016" PRIx64, (uint64_t)st->digest);
	ig_table_pair(&t, "policy mode", "%s",
		      ig_store_live_audit(&i->maps) ?
			      "audit (nothing the policy would drop is "
			      "dropped: stats counts it as would_drop)" :
			      "enforce");
	ig_table_pair(&t, "attached since", "%s", since);
	ig_table_pair(&t, "policy since", "%s", policy_since);
	ig_table_pair(&t, "generation", "%" PRIu64, (uint64_t)st->generation);
	if (max_sources)
		ig_table_pair(&t, "max sources", "%" PRIu32, max_sources);
	/* Only the broadcast-echo check reads the addresses now. */
	ig_table_pair(&t, "broadcasts",
		      "%" PRIu32
		      " directed, for the broadcast-echo check (synced %s)",
		      ifi.n_bcast, synced);
	ig_capture_now(i, &now);
	capture_describe(&now, capture, sizeof(capture));
	ig_table_pair(&t, "capture", "%s", capture);
	return ig_table_print(stdout, &t, "  ");
}

/* {"running", "pid" (when running), "armed", "taken"}; NULL on ENOMEM. */
static struct json_object *capture_json(const struct ig_iface *i)
{
	struct json_object *obj = json_object_new_object();
	struct ig_capture_now now;
	int err;

	if (!obj)
		return NULL;
	ig_capture_now(i, &now);
	err = ig_json_add(obj, "running", json_object_new_boolean(now.running));
	if (!err && now.running)
		err = ig_json_add(obj, "pid", json_object_new_int(now.pid));
	err = err   ?:
		      ig_json_add(obj, "armed",
				  json_object_new_boolean(now.armed));
	err = err   ?:
		      ig_json_add(obj, "taken",
				  json_object_new_uint64(now.taken));
	if (err) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

/* What the interface's record holds: addresses, broadcasts, MTU, sync. */
static int ifinfo_json(struct json_object *obj, const struct ig_iface *i)
{
	struct ig_ifinfo ifi;
	char buf[64];
	int err;

	if (ig_ifinfo_read(&i->maps, &ifi))
		return 0; /* unreadable: these keys are left out, as before */
	err = ig_json_add(obj, "addresses",
			  json_object_new_uint64(ifi.n_local));
	err = err   ?:
		      ig_json_add(obj, "broadcasts",
				  json_object_new_uint64(ifi.n_bcast));
	err = err ?: ig_json_add(obj, "mtu", json_object_new_uint64(ifi.mtu));
	ig_local_time_format(ifi.synced_at, buf, sizeof(buf));
	return err   ?:
		       ig_json_add(obj, "synced_at",
				   json_object_new_string(buf));
}

static struct json_object *status_json(const struct ig_iface *i,
				       const struct ig_live *lv)
{
	const struct ig_state *st = &i->state;
	struct json_object *obj = json_object_new_object();
	uint32_t max_sources = 0;
	char buf[64];
	int err;

	if (!obj)
		return NULL;
	err = ig_json_add(obj, "interface", json_object_new_string(i->name));
	err = err   ?:
		      ig_json_add(obj, "ifindex",
				  json_object_new_uint64(st->ifindex));
	err = err   ?:
		      ig_json_add(obj, "netns",
				  json_object_new_uint64(st->netns));
	err = err   ?:
		      ig_json_add(obj, "layout",
				  json_object_new_uint64(st->layout));
	err = err   ?:
		      ig_json_add(obj, "attached",
				  json_object_new_boolean(lv->attached));
	if (!err && lv->why_not)
		err = ig_json_add(obj, "detail",
				  json_object_new_string(lv->why_not));
	err = err   ?:
		      ig_json_add(obj, "mode",
				  json_object_new_string(
					  ig_mode_name(lv->info.mode)));
	err = err   ?:
		      ig_json_add(obj, "dispatcher",
				  json_object_new_string(lv->info.multiprog ?
								 "libxdp" :
								 "legacy"));
	if (!err && !lv->info.multiprog)
		err = ig_json_add(obj, "dispatcher_reason",
				  json_object_new_string(ig_legacy_why(st)));
	err = err   ?:
		      ig_json_add(obj, "prog_id",
				  json_object_new_uint64(st->prog_id));
	snprintf(buf, sizeof(buf), "%016" PRIx64, (uint64_t)st->digest);
	err = err   ?:
		      ig_json_add(obj, "policy_digest",
				  json_object_new_string(buf));
	err = err   ?:
		      ig_json_add(obj, "policy_mode",
				  json_object_new_string(
					  ig_store_live_audit(&i->maps) ?
						  "audit" :
						  "enforce"));
	ig_local_time_format(st->attached_at, buf, sizeof(buf));
	err = err   ?:
		      ig_json_add(obj, "attached_at",
				  json_object_new_string(buf));
	ig_local_time_format(st->policy_at, buf, sizeof(buf));
	err = err ?: ig_json_add(obj, "policy_at", json_object_new_string(buf));
	err = err   ?:
		      ig_json_add(obj, "generation",
				  json_object_new_uint64(st->generation));
	if (!err && !ig_sources_capacity(&i->maps, &max_sources))
		err = ig_json_add(obj, "max_sources",
				  json_object_new_uint64(max_sources));
	err = err ?: ifinfo_json(obj, i);
	err = err ?: ig_json_add(obj, "capture", capture_json(i));
	if (err) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

struct status_ctx {
	const struct ig_status_opts *o;
	struct json_object *list; /* --json: the interfaces */
	int n; /* interfaces shown */
	int err; /* the first failure; the others are still shown */
};

static int status_one(const char *name, void *data)
{
	struct status_ctx *ctx = data;
	struct json_object *obj;
	struct ig_live lv;
	struct ig_iface i;
	int err;

	err = ig_open_pins("status", name, IG_OPEN_ANY_NETNS, &i);
	if (err) {
		ctx->err = ctx->err ?: err;
		return ctx->o->iface ? err : 0;
	}
	ig_probe_live(name, &i.state, &lv);
	if (ctx->o->json) {
		obj = status_json(&i, &lv);
		if (!obj || json_object_array_add(ctx->list, obj)) {
			json_object_put(obj);
			err = -ENOMEM;
		}
	} else {
		if (ctx->n)
			putchar('\n');
		err = status_print(&i, &lv);
	}
	ctx->n++;
	ig_iface_close(&i);
	return err;
}

int ig_cmd_status(const void *opts)
{
	struct status_ctx ctx = { .o = opts };
	struct json_object *root = NULL;
	int err;

	err = ig_env_check("status");
	if (err)
		return err;
	if (ctx.o->json) {
		root = json_object_new_object();
		ctx.list = json_object_new_array();
		if (!root || ig_json_add(root, "interfaces", ctx.list)) {
			err = -ENOMEM;
			goto out;
		}
	}
	if (ctx.o->iface)
		err = status_one(ctx.o->iface, &ctx);
	else
		err = ig_pindir_each(status_one, &ctx);
	if (err)
		goto out;
	if (root)
		ig_json_print(root, true);
	else if (!ctx.n && !ctx.err)
		pr_info("no interfaces attached");
	err = ctx.err;
out:
	json_object_put(root);
	return err;
}

const struct ig_command ig_status_cmd = {
	"status",
	"show where the filter is attached",
	"Show the attachment on IFACE, or on every interface icmpgate is "
	"attached to: mode, dispatcher, program id, policy digest, policy "
	"mode (enforce, or audit: nothing the policy would drop is dropped), "
	"times, and the capture (off, or running: its pid and the packets "
	"taken).",
	status_args,
	status_opts,
	NULL,
	ig_cmd_status
};
