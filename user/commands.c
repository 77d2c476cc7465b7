// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The subcommands (commands.h). Each checks everything it can before it
 * changes anything, prints the one line that explains a failure, and
 * leaves the previous state in place when it fails.
 */
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <xdp/libxdp.h>

#include "../include/icmpgate.h"
#include "cli.h"
#include "commands.h"
#include "intake.h"
#include "loader.h"
#include "output.h"
#include "localaddr.h"
#include "log.h"
#include "pindir.h"
#include "policy.h"
#include "session.h"
#include "stats.h"
#include "store.h"
#include "top.h"

/*
 * The interface runs an XDP program that is not ours to touch. Say what it
 * is and how to find who owns it; suggest removing it only when it is an
 * icmpgate program that lost its pins.
 */
static int foreign_program(const char *cmd, const char *ifname, int err)
{
	struct ig_xdp_owner ow;

	if (ig_loader_query(if_nametoindex(ifname), &ow)) {
		pr_err("%s: %s already has another XDP program ('bpftool net show dev %s' shows it)",
		       cmd, ifname, ifname);
		return err;
	}
	if (ow.ours)
		pr_err("%s: %s runs an icmpgate program (id %u) that no attachment records; if no other icmpgate uses it, remove it with 'ip link set dev %s %s off'",
		       cmd, ifname, ow.prog_id, ifname,
		       ow.generic ? "xdpgeneric" : "xdp");
	else
		pr_err("%s: %s already has XDP program %u%s%s%s, not icmpgate's; it is left alone ('bpftool prog show id %u' names the processes that hold it)",
		       cmd, ifname, ow.prog_id, ow.name[0] ? " '" : "", ow.name,
		       ow.name[0] ? "'" : "", ow.prog_id);
	return err;
}

static int attach_error(const char *cmd, const struct ig_attach_opts *o,
			int err)
{
	if (err == -EEXIST || err == -EBUSY)
		return foreign_program(cmd, o->iface, err);
	if (err == -ENOMEM) {
		pr_err("%s: not enough memory for the program's maps on %s (--max-sources %lu)",
		       cmd, o->iface,
		       o->max_sources ? o->max_sources :
					(unsigned long)IG_MAX_SOURCES_DEFAULT);
		return err;
	}
	if (err == -EOPNOTSUPP && o->mode == IG_MODE_NATIVE) {
		pr_err("%s: %s does not support native XDP; use --mode skb",
		       cmd, o->iface);
		return err;
	}
	return ig_fail(cmd, err,
		       "cannot load the XDP program on %s (-v shows why)",
		       o->iface);
}
/* Record where and how the program runs, then make the policy live. */
static int attach_finish(const char *cmd, struct ig_iface *i,
			 const struct ig_loaded *l, const struct ig_compiled *c)
{
	struct ig_attach_info info;
	int err;

	err = ig_loader_info(l, &info);
	if (err)
		return ig_fail(cmd, err, "cannot find the program on %s",
			       i->name);
	i->state.ifindex = l->ifindex;
	i->state.prog_id = info.prog_id;
	i->state.mode = l->mode;
	i->state.multiprog = info.multiprog;
	i->state.attached_at = ig_now_ns();
	snprintf(i->state.ifname, sizeof(i->state.ifname), "%s", i->name);
	if (!info.multiprog)
		snprintf(i->state.legacy_why, sizeof(i->state.legacy_why), "%s",
			 ig_log_libxdp_failure()[0] ? ig_log_libxdp_failure() :
						      "libxdp gave no reason");
	return ig_apply_compiled(cmd, i, c);
}

/*
 * attach --replace on an attached interface: a new copy of the program,
 * on the same maps (policy, counters, buckets and addresses carry over),
 * swapped for the old one in one step, then the new policy applied
 * atomically. Every packet is judged by the old program or the new one.
 */
static int attach_replace(const char *cmd, const struct ig_attach_opts *o,
			  const struct ig_compiled *c)
{
	struct ig_loaded l = {};
	uint32_t old_id;
	struct ig_iface i;
	int err;

	err = ig_open_pins(cmd, o->iface, IG_OPEN_LOCK | IG_OPEN_LIVE, &i);
	if (err)
		return err;
	if (i.state.multiprog) {
		pr_err("%s: %s: --replace swaps a program attached alone; behind the libxdp dispatcher, use policy apply, or detach and attach",
		       cmd, o->iface);
		err = -EOPNOTSUPP;
		goto out;
	}
	if (o->mode != i.state.mode)
		pr_warn("%s: %s stays in %s mode (detach and attach to change it)",
			cmd, o->iface, ig_mode_name(i.state.mode));
	old_id = i.state.prog_id;
	err = ig_loader_replace(&l, i.state.ifindex, i.state.mode, &i.maps,
				old_id);
	if (err) {
		ig_fail(cmd, err,
			"cannot replace program %u on %s (it stays, with its policy)",
			old_id, o->iface);
		goto out;
	}
	i.state.prog_id = ig_loader_prog_id(&l);
	err = ig_apply_compiled(cmd, &i, c);
	if (err)
		goto out;
	pr_info("%s: program %u replaced by %u in one step (%s mode; policy, counters and buckets kept), policy %016" PRIx64
		" (generation %" PRIu64 ")",
		o->iface, old_id, i.state.prog_id, ig_mode_name(i.state.mode),
		c->digest, (uint64_t)i.state.generation);
out:
	ig_loader_close(&l);
	ig_iface_close(&i);
	return err;
}

int ig_cmd_attach(const void *opts)
{
	const struct ig_attach_opts *o = opts;
	const char *cmd = "attach";
	struct ig_compiled c = {};
	bool made_dir = false;
	struct ig_loaded l = {};
	int ifindex, root_fd = -1, err;
	struct ig_iface i;

	ig_iface_init(&i, o->iface);
	err = ig_env_check(cmd);
	if (err)
		return err;
	ifindex = if_nametoindex(o->iface);
	if (!ifindex) {
		pr_err("%s: interface '%s' does not exist", cmd, o->iface);
		return -ENODEV;
	}
	err = ig_pindir_path(o->iface, i.dir, sizeof(i.dir));
	if (err)
		return ig_fail(cmd, err, "%s", o->iface);
	err = o->replace ? 0 : ig_already_attached(cmd, &i);
	if (err)
		return err;
	err = o->policy ? ig_intake_file(cmd, o->policy, o->allow_empty, &c) :
			  ig_intake_text(cmd, ig_default_policy,
					 strlen(ig_default_policy),
					 "built-in default policy", &c);
	if (err)
		goto out;
	if (o->replace && !access(i.dir, F_OK)) {
		err = attach_replace(cmd, o, &c);
		goto out;
	}

	/* Attaches to any interface are serialised by the root's lock. */
	err = ig_pindir_lock(IG_PIN_ROOT, true, &root_fd);
	if (err) {
		ig_fail(cmd, err, "cannot lock %s", IG_PIN_ROOT);
		goto out;
	}
	err = ig_already_attached(cmd, &i);
	if (err)
		goto out;
	ig_log_libxdp_forget();
	err = ig_loader_attach(&l, ifindex, o->mode,
			       o->max_sources ? o->max_sources :
						IG_MAX_SOURCES_DEFAULT);
	if (err) {
		attach_error(cmd, o, err);
		goto out;
	}
	/*
	 * The program runs from here on. Until the policy is applied below,
	 * both slots are all zero: IG_ACT_PASS everywhere, no prefixes, so
	 * every packet passes (and is counted), as if there were no filter.
	 */
	err = ig_maps_from_object(&i.maps, ig_loader_object(&l));
	if (err) {
		ig_fail(cmd, err, "cannot open the maps of the program");
		goto out;
	}
	if (mkdir(i.dir, 0755)) {
		err = ig_fail(cmd, -errno, "cannot create %s", i.dir);
		goto out;
	}
	made_dir = true;
	/* Commands waiting for this directory see it complete or gone. */
	err = ig_pindir_lock(i.dir, false, &i.lock_fd);
	if (err) {
		ig_fail(cmd, err, "cannot lock %s", i.dir);
		goto out;
	}
	err = ig_maps_pin(&i.maps, i.dir);
	if (err) {
		ig_fail(cmd, err, "cannot pin the maps in %s", i.dir);
		goto out;
	}
	err = attach_finish(cmd, &i, &l, &c);
	if (err)
		goto out;
	if (i.state.multiprog)
		pr_info("%s: attached in %s mode, behind the libxdp dispatcher, "
			"prog id %u, policy %016" PRIx64,
			o->iface, ig_mode_name(o->mode), i.state.prog_id,
			c.digest);
	else
		pr_info("%s: attached in %s mode, legacy (single program; "
			"libxdp: %s), prog id %u, policy %016" PRIx64,
			o->iface, ig_mode_name(o->mode),
			ig_legacy_why(&i.state), i.state.prog_id, c.digest);

out:
	/* A failed attach leaves no program and no pins behind. */
	if (err && made_dir) {
		ig_maps_unpin(i.dir);
		rmdir(i.dir);
	}
	if (err)
		ig_loader_rollback(&l);
	else
		ig_loader_close(&l);
	ig_iface_close(&i);
	if (root_fd >= 0)
		close(root_fd);
	ig_compiled_free(&c);
	return err;
}

int ig_cmd_detach(const void *opts)
{
	const struct ig_detach_opts *o = opts;
	const char *cmd = "detach";
	struct ig_iface i;
	int err;

	err = ig_iface_open(cmd, o->iface, IG_OPEN_LOCK | IG_OPEN_LEFTOVER, &i);
	if (err == -ENOENT && i.lock_fd >= 0) {
		pr_warn("%s: %s has no pins (an attach died half-way?); removing it",
			cmd, i.dir);
		goto remove;
	}
	if (err)
		return err;
	err = ig_loader_detach(i.state.ifindex, i.state.prog_id, i.state.mode);
	if (err == -ENOENT || err == -ENODEV || err == -EINVAL) {
		pr_warn("%s: program %u is no longer attached to %s (ifindex %u); removing its pins",
			cmd, i.state.prog_id, o->iface, i.state.ifindex);
	} else if (err) {
		/* Keep the pins: the program still runs and needs them. */
		ig_fail(cmd, err, "cannot detach program %u from %s",
			i.state.prog_id, o->iface);
		goto out;
	}
remove:
	err = ig_maps_unpin(i.dir);
	if (err) {
		ig_fail(cmd, err, "cannot remove the pins in %s", i.dir);
		goto out;
	}
	if (rmdir(i.dir)) {
		err = ig_fail(cmd, -errno, "cannot remove %s", i.dir);
		goto out;
	}
	pr_info("%s: detached", o->iface);
out:
	ig_iface_close(&i);
	return err;
}

int ig_cmd_sync(const void *opts)
{
	const struct ig_sync_opts *o = opts;
	const char *cmd = "sync";
	size_t n = 0, added = 0, removed = 0;
	uint32_t mtu = 0;
	struct ig_iface i;
	int err;

	err = ig_iface_open(cmd, o->iface, IG_OPEN_LOCK | IG_OPEN_LIVE, &i);
	if (err)
		return err;
	err = ig_sync_local(cmd, &i, &n, &added, &removed, &mtu);
	if (!err)
		pr_info("%s: %zu addresses (%zu added, %zu removed), mtu %" PRIu32,
			o->iface, n, added, removed, mtu);
	ig_iface_close(&i);
	return err;
}

static const char *dispatcher_name(bool multiprog)
{
	return multiprog ? "libxdp dispatcher" : "legacy (single program)";
}

static void status_print(const struct ig_iface *i, const struct ig_live *lv)
{
	const struct ig_state *st = &i->state;
	uint32_t max_sources = 0;
	char since[64], policy_since[64], synced[64];
	struct ig_ifinfo ifi = {};

	ig_ifinfo_read(&i->maps, &ifi);
	ig_local_time_format(ifi.synced_at, synced, sizeof(synced));
	ig_local_time_format(st->attached_at, since, sizeof(since));
	ig_local_time_format(st->policy_at, policy_since, sizeof(policy_since));
	ig_sources_capacity(&i->maps, &max_sources);
	printf("%s:\n", i->name);
	printf("  %-15s %u\n", "ifindex", st->ifindex);
	printf("  %-15s %s%s%s%s\n", "attached", lv->attached ? "yes" : "no",
	       lv->why_not ? " (" : "", lv->why_not ? lv->why_not : "",
	       lv->why_not ? ")" : "");
	printf("  %-15s %s\n", "mode", ig_mode_name(lv->info.mode));
	if (lv->info.multiprog)
		printf("  %-15s %s\n", "dispatcher",
		       dispatcher_name(lv->info.multiprog));
	else
		printf("  %-15s legacy (single program; libxdp: %s)\n",
		       "dispatcher", ig_legacy_why(st));
	printf("  %-15s %u\n", "prog id", st->prog_id);
	printf("  %-15s %016" PRIx64 "\n", "policy digest",
	       (uint64_t)st->digest);
	printf("  %-15s %s\n", "attached since", since);
	printf("  %-15s %s\n", "policy since", policy_since);
	printf("  %-15s %" PRIu64 "\n", "generation", (uint64_t)st->generation);
	if (max_sources)
		printf("  %-15s %" PRIu32 "\n", "max sources", max_sources);
	printf("  %-15s %" PRIu32 " (mtu %" PRIu32 ", synced %s)\n",
	       "addresses", ifi.n_local, ifi.mtu, synced);
}

static struct json_object *status_json(const struct ig_iface *i,
				       const struct ig_live *lv)
{
	const struct ig_state *st = &i->state;
	struct json_object *obj = json_object_new_object();
	uint32_t max_sources = 0;
	struct ig_ifinfo ifi;
	char buf[64];
	int err;

	if (!obj)
		return NULL;
	err = ig_json_add(obj, "interface", json_object_new_string(i->name));
	err = err   ?:
		      ig_json_add(obj, "ifindex",
				  json_object_new_uint64(st->ifindex));
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
	if (!err && !ig_ifinfo_read(&i->maps, &ifi)) {
		err = ig_json_add(obj, "addresses",
				  json_object_new_uint64(ifi.n_local));
		err = err   ?:
			      ig_json_add(obj, "mtu",
					  json_object_new_uint64(ifi.mtu));
		ig_local_time_format(ifi.synced_at, buf, sizeof(buf));
		err = err   ?:
			      ig_json_add(obj, "synced_at",
					  json_object_new_string(buf));
	}
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

	err = ig_open_pins("status", name, 0, &i);
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
		status_print(&i, &lv);
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

int ig_cmd_policy_apply(const void *opts)
{
	const struct ig_policy_apply_opts *o = opts;
	const char *cmd = "policy apply";
	struct ig_compiled c = {};
	struct ig_iface i;
	int err;

	/* Check the policy before taking the lock: a bad one changes nothing. */
	err = ig_intake_file(cmd, o->file, o->allow_empty, &c);
	if (err)
		goto out;
	err = ig_iface_open(cmd, o->iface, IG_OPEN_LOCK | IG_OPEN_LIVE, &i);
	if (err)
		goto out;
	err = ig_apply_reported(cmd, &i, &c);
	ig_iface_close(&i);
out:
	ig_compiled_free(&c);
	return err;
}

/*
 * One object: the interface, digest, generation, when the policy was
 * applied, and its statements, one string each in canonical form (joined
 * with newlines, they are what `policy show` prints).
 */
static int policy_show_json(const struct ig_iface *i, const char *text)
{
	struct json_object *obj = json_object_new_object(), *list;
	const char *line = text;
	char buf[64];
	size_t len;
	int err;

	if (!obj)
		return -ENOMEM;
	err = ig_json_add(obj, "interface", json_object_new_string(i->name));
	snprintf(buf, sizeof(buf), "%016" PRIx64, (uint64_t)i->state.digest);
	err = err   ?:
		      ig_json_add(obj, "policy_digest",
				  json_object_new_string(buf));
	err = err   ?:
		      ig_json_add(obj, "generation",
				  json_object_new_uint64(i->state.generation));
	ig_local_time_format(i->state.policy_at, buf, sizeof(buf));
	err = err ?: ig_json_add(obj, "policy_at", json_object_new_string(buf));
	list = err ? NULL : json_object_new_array();
	err = err ?: ig_json_add(obj, "statements", list);
	for (; !err && *line; line += len + (line[len] == '\n')) {
		len = strcspn(line, "\n");
		if (!len)
			continue;
		if (json_object_array_add(
			    list, json_object_new_string_len(line, (int)len)))
			err = -ENOMEM;
	}
	if (!err)
		ig_json_print(obj, true);
	json_object_put(obj);
	return err;
}

int ig_cmd_policy_show(const void *opts)
{
	const struct ig_policy_show_opts *o = opts;
	const char *cmd = "policy show";
	char *text = NULL;
	struct ig_iface i;
	int err;

	err = ig_iface_open(cmd, o->iface, 0, &i);
	if (err)
		return err;
	err = ig_store_read_text(&i.maps, &text);
	if (err)
		ig_fail(cmd, err, "cannot read the policy of %s", o->iface);
	else if (o->json)
		err = policy_show_json(&i, text);
	else
		fputs(text, stdout);
	free(text);
	ig_iface_close(&i);
	return err;
}

int ig_cmd_policy_check(const void *opts)
{
	const struct ig_policy_check_opts *o = opts;
	struct ig_compiled c = {};
	int err;

	err = ig_intake_file("policy check", o->file, o->allow_empty, &c);
	if (!err)
		pr_info("%s: ok (digest %016" PRIx64 ")",
			strcmp(o->file, "-") ? o->file : "<stdin>", c.digest);
	ig_compiled_free(&c);
	return err;
}

int ig_cmd_policy_default(const void *opts)
{
	(void)opts;
	fputs(ig_default_policy, stdout);
	return 0;
}

/* The words of a statement, joined by single spaces; malloc'ed. */
static char *join_words(const struct ig_words *w)
{
	size_t len = 1, off = 0;
	char *s;
	int k;

	for (k = 0; k < w->n; k++)
		len += strlen(w->v[k]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (k = 0; k < w->n; k++)
		off += sprintf(s + off, "%s%s", k ? " " : "", w->v[k]);
	return s;
}

/*
 * set and unset: edit the live policy of the interface with one statement
 * and make the result live, under the lock so that no edit is lost.
 */
static int edit_live(const char *cmd, const char *ifname,
		     const struct ig_words *words, bool unset)
{
	char *stmt = NULL, *text = NULL, source[64];
	struct ig_compiled c = {};
	struct ig_diag diag = {};
	struct ig_policy p;
	struct ig_iface i;
	int err;

	ig_policy_init(&p);
	err = ig_iface_open(cmd, ifname, IG_OPEN_LOCK | IG_OPEN_LIVE, &i);
	if (err)
		return err;
	stmt = join_words(words);
	if (!stmt) {
		err = -ENOMEM;
		goto out;
	}
	err = ig_store_read_text(&i.maps, &text);
	if (err) {
		ig_fail(cmd, err, "cannot read the policy of %s", ifname);
		goto out;
	}
	snprintf(source, sizeof(source), "live policy of %s", ifname);
	err = ig_policy_parse(&p, text, strlen(text), source, &diag);
	if (err) {
		if (err == -EINVAL)
			ig_print_diag(&diag);
		else
			ig_fail(cmd, err, "cannot parse the %s", source);
		goto out;
	}
	snprintf(diag.source, sizeof(diag.source), "%s", cmd);
	err = unset ? ig_policy_unset(&p, stmt, &diag) :
		      ig_policy_set(&p, stmt, &diag);
	if (err == -EINVAL || err == -ENOENT) {
		ig_print_diag(&diag);
		goto out;
	}
	if (err) {
		ig_fail(cmd, err, "'%s'", stmt);
		goto out;
	}
	err = ig_intake_policy(cmd, &p, cmd, &c);
	if (err)
		goto out;
	/* The digest is of the canonical text: equal digests, equal policies. */
	if (c.digest == i.state.digest) {
		pr_info("%s: unchanged (policy %016" PRIx64
			", generation %" PRIu64 ")",
			ifname, c.digest, (uint64_t)i.state.generation);
		goto out;
	}
	err = ig_apply_reported(cmd, &i, &c);
out:
	ig_compiled_free(&c);
	ig_policy_free(&p);
	free(text);
	free(stmt);
	ig_iface_close(&i);
	return err;
}

int ig_cmd_set(const void *opts)
{
	const struct ig_set_opts *o = opts;

	return edit_live("set", o->iface, &o->statement, false);
}

int ig_cmd_unset(const void *opts)
{
	const struct ig_unset_opts *o = opts;

	return edit_live("unset", o->iface, &o->what, true);
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

	err = ig_iface_open(cmd, o->iface, o->reset ? IG_OPEN_LOCK : 0, &i);
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

	err = ig_iface_open(cmd, o->iface, 0, &i);
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
