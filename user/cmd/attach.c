// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * attach, detach and sync (attach.h): the attachment's lifecycle. Each
 * checks everything it can before it changes anything, and leaves the
 * previous state in place when it fails; a failed attach leaves nothing
 * behind.
 */
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../include/icmpgate.h"
#include "cmd/attach.h"
#include "intake.h"
#include "loader.h"
#include "localaddr.h"
#include "log.h"
#include "migrate.h"
#include "pindir.h"
#include "policy.h"
#include "salvage.h"
#include "session.h"
#include "store.h"

static const struct ig_enum_value mode_values[] = {
	{ "native", IG_MODE_NATIVE },
	{ "skb", IG_MODE_SKB },
	{ NULL, 0 },
};

static const struct ig_arg attach_args[] = {
	{ "IFACE", IG_OPTS_AT(struct ig_attach_opts, iface), IG_ARG_IFACE },
	IG_ARG_END,
};

static const struct ig_opt attach_opts[] = {
	{ "mode", 'm', IG_OPT_ENUM, IG_OPTS_AT(struct ig_attach_opts, mode),
	  "native|skb",
	  "XDP mode: native (in the driver, default) or skb (generic, any device)",
	  0, 0, mode_values },
	{ "policy", 'p', IG_OPT_STRING,
	  IG_OPTS_AT(struct ig_attach_opts, policy), "FILE",
	  "policy to apply (default: the built-in default policy)", 0, 0,
	  NULL },
	{ "max-sources", 's', IG_OPT_UINT,
	  IG_OPTS_AT(struct ig_attach_opts, max_sources), "N",
	  "per-source buckets to keep, the idlest evicted first "
	  "(64-16777216, default 262144: 16 MiB)",
	  IG_MAX_SOURCES_MIN, IG_MAX_SOURCES_MAX, NULL },
	{ "replace", 'r', IG_OPT_BOOL,
	  IG_OPTS_AT(struct ig_attach_opts, replace), NULL,
	  "if icmpgate is attached already, swap in a new program and the "
	  "policy in one step, keeping counters and buckets",
	  0, 0, NULL },
	{ "allow-empty", 0, IG_OPT_BOOL,
	  IG_OPTS_AT(struct ig_attach_opts, allow_empty), NULL,
	  "accept a --policy FILE without statements (it passes every ICMP "
	  "message); refused otherwise",
	  0, 0, NULL },
	{ "audit", 0, IG_OPT_BOOL, IG_OPTS_AT(struct ig_attach_opts, audit),
	  NULL,
	  "apply the policy in audit mode: pass what it would drop and count "
	  "it as would_drop by reason ('policy apply' without --audit "
	  "enforces)",
	  0, 0, NULL },
	IG_OPT_END,
};

static const struct ig_arg detach_args[] = {
	{ "IFACE", IG_OPTS_AT(struct ig_detach_opts, iface), IG_ARG_IFACE },
	IG_ARG_END,
};

static const struct ig_arg upgrade_args[] = {
	{ "IFACE", IG_OPTS_AT(struct ig_upgrade_opts, iface), IG_ARG_IFACE },
	IG_ARG_END,
};

static const struct ig_arg sync_args[] = {
	{ "IFACE", IG_OPTS_AT(struct ig_sync_opts, iface), IG_ARG_IFACE },
	IG_ARG_END,
};

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
	i->state.layout = IG_LAYOUT;
	i->state.netns = ig_netns_self();
	snprintf(i->state.ifname, sizeof(i->state.ifname), "%s", i->name);
	if (!info.multiprog)
		snprintf(i->state.legacy_why, sizeof(i->state.legacy_why), "%s",
			 ig_log_libxdp_failure()[0] ? ig_log_libxdp_failure() :
						      "libxdp gave no reason");
	return ig_apply_compiled(cmd, i, c);
}

/*
 * attach --replace or upgrade on an attachment of this layout, opened and
 * locked in *i: a new copy of the program, on the same maps (policy,
 * counters, buckets and addresses carry over), swapped for the old one in
 * one step, then policy c applied atomically. Every packet is judged by
 * the old program or the new one.
 */
static int replace_program(const char *cmd, struct ig_iface *i, unsigned mode,
			   const struct ig_compiled *c)
{
	struct ig_loaded l = {};
	uint32_t old_id;
	int err;

	if (i->state.multiprog) {
		pr_err("%s: %s: a program behind the libxdp dispatcher cannot be swapped in one step; use policy apply, or detach and attach",
		       cmd, i->name);
		return -EOPNOTSUPP;
	}
	if (mode != i->state.mode)
		pr_warn("%s: %s stays in %s mode (detach and attach to change it)",
			cmd, i->name, ig_mode_name(i->state.mode));
	old_id = i->state.prog_id;
	err = ig_loader_prepare(&l, i->state.ifindex, i->state.mode, 0,
				&i->maps);
	err = err ?: ig_loader_swap(&l, old_id);
	if (err) {
		ig_fail(cmd, err,
			"cannot replace program %u on %s (it stays, with its policy)",
			old_id, i->name);
		goto out;
	}
	i->state.prog_id = ig_loader_prog_id(&l);
	err = ig_apply_compiled(cmd, i, c);
	if (err)
		goto out;
	pr_info("%s: program %u replaced by %u in one step (%s mode; policy, counters and buckets kept), policy %016" PRIx64
		" (generation %" PRIu64 ")",
		i->name, old_id, i->state.prog_id, ig_mode_name(i->state.mode),
		c->digest, (uint64_t)i->state.generation);
out:
	ig_loader_close(&l);
	return err;
}

/* The policy in force on an attachment of another layout, compiled. */
static int migrate_policy(const char *cmd, const char *name, const char *dir,
			  struct ig_compiled *c)
{
	char *text = NULL;
	size_t len = 0;
	int err;

	err = ig_migrate_read_policy(dir, &text, &len);
	if (err)
		return ig_fail(
			cmd, err,
			"cannot read the policy pinned in %s by another build (attach --replace --policy FILE gives one)",
			dir);
	err = ig_intake_text(cmd, text, len, "the policy in force", c);
	if (err)
		pr_err("%s: %s: this build refuses the policy in force (above); nothing changed; attach --replace --policy FILE gives one it accepts",
		       cmd, name);
	free(text);
	return err;
}

/*
 * Swap program and policy on an attached interface, whatever build
 * attached it. c is the policy to apply; NULL keeps the one in force.
 */
static int replace_any(const char *cmd, const char *name, const char *dir,
		       unsigned mode, uint32_t max_sources,
		       const struct ig_compiled *c)
{
	struct ig_compiled kept = {};
	struct ig_iface i;
	char *text = NULL;
	int lock_fd = -1, err;

	err = ig_pindir_lock(dir, false, &lock_fd);
	if (err)
		return ig_fail(cmd, err, "cannot lock %s", dir);
	if (ig_maps_pins_current(dir)) {
		/* Another layout: a program with maps of its own. */
		err = c ? 0 : migrate_policy(cmd, name, dir, &kept);
		err = err   ?:
			      ig_migrate(cmd, name, dir, c ? c : &kept,
					 max_sources);
		goto out;
	}
	close(lock_fd); /* ig_open_pins takes it again */
	lock_fd = -1;
	err = ig_open_pins(cmd, name, IG_OPEN_LOCK | IG_OPEN_LIVE, &i);
	if (err)
		goto out;
	if (!c) {
		err = ig_store_read_text(&i.maps, &text);
		if (err)
			ig_fail(cmd, err, "cannot read the policy of %s", name);
		err = err   ?:
			      ig_intake_text(cmd, text, strlen(text),
					     "the policy in force", &kept);
	}
	if (!err)
		err = replace_program(cmd, &i, c ? mode : i.state.mode,
				      c ? c : &kept);
	ig_iface_close(&i);
out:
	free(text);
	ig_compiled_free(&kept);
	if (lock_fd >= 0)
		close(lock_fd);
	return err;
}

/*
 * attach on an interface with nothing of ours: load, pin and record the
 * program, then make the policy live, all under the root's lock. A failure
 * at any step leaves no program and no pins behind.
 */
static int attach_new(const char *cmd, const struct ig_attach_opts *o,
		      int ifindex, struct ig_iface *i,
		      const struct ig_compiled *c)
{
	struct ig_loaded l = {};
	bool made_dir = false;
	int root_fd = -1, err;

	/* Attaches to any interface are serialised by the root's lock. */
	err = ig_pindir_lock(IG_PIN_ROOT, true, &root_fd);
	if (err) {
		ig_fail(cmd, err, "cannot lock %s", IG_PIN_ROOT);
		goto out;
	}
	err = ig_already_attached(cmd, i);
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
	err = ig_maps_from_object(&i->maps, ig_loader_object(&l));
	if (err) {
		ig_fail(cmd, err, "cannot open the maps of the program");
		goto out;
	}
	if (mkdir(i->dir, 0755)) {
		err = ig_fail(cmd, -errno, "cannot create %s", i->dir);
		goto out;
	}
	made_dir = true;
	/* Commands waiting for this directory see it complete or gone. */
	err = ig_pindir_lock(i->dir, false, &i->lock_fd);
	if (err) {
		ig_fail(cmd, err, "cannot lock %s", i->dir);
		goto out;
	}
	err = ig_maps_pin(&i->maps, i->dir);
	if (err) {
		ig_fail(cmd, err, "cannot pin the maps in %s", i->dir);
		goto out;
	}
	err = attach_finish(cmd, i, &l, c);
	if (err)
		goto out;
	if (i->state.multiprog)
		pr_info("%s: attached in %s mode, behind the libxdp dispatcher, "
			"prog id %u, policy %016" PRIx64,
			o->iface, ig_mode_name(o->mode), i->state.prog_id,
			c->digest);
	else
		pr_info("%s: attached in %s mode, legacy (single program; "
			"libxdp: %s), prog id %u, policy %016" PRIx64,
			o->iface, ig_mode_name(o->mode),
			ig_legacy_why(&i->state), i->state.prog_id, c->digest);

out:
	if (err && made_dir) {
		ig_maps_unpin(i->dir);
		rmdir(i->dir);
	}
	if (err)
		ig_loader_rollback(&l);
	else
		ig_loader_close(&l);
	/* The directory's lock goes before the root's, as it always did. */
	ig_iface_close(i);
	if (root_fd >= 0)
		close(root_fd);
	return err;
}

int ig_cmd_attach(const void *opts)
{
	const struct ig_attach_opts *o = opts;
	const char *cmd = "attach";
	struct ig_compiled c = {};
	struct ig_iface i;
	int ifindex, err;

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
	err = o->policy ? ig_intake_file_mode(cmd, o->policy, o->allow_empty,
					      o->audit, &c) :
			  ig_intake_text_mode(cmd, ig_default_policy,
					      strlen(ig_default_policy),
					      "built-in default policy",
					      o->audit, &c);
	if (err)
		goto out;
	if (o->replace && !access(i.dir, F_OK))
		err = replace_any(cmd, o->iface, i.dir, o->mode,
				  (uint32_t)o->max_sources, &c);
	else
		err = attach_new(cmd, o, ifindex, &i, &c);
out:
	ig_iface_close(&i);
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
		/* Pins missing (an attach died half-way, or removed by hand). */
		err = ig_salvage_detach(cmd, o->iface, i.dir);
		goto out_salvaged;
	}
	if (err == -EPROTO) {
		/* Pins of another build: an upgrade, or a downgrade. */
		err = ig_pindir_lock(i.dir, false, &i.lock_fd);
		err = err ?: ig_salvage_detach(cmd, o->iface, i.dir);
		goto out_salvaged;
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
out_salvaged:
	if (!err)
		pr_info("%s: detached", o->iface);
	goto out;
}

int ig_cmd_upgrade(const void *opts)
{
	const struct ig_upgrade_opts *o = opts;
	const char *cmd = "upgrade";
	char dir[PATH_MAX];
	int err;

	err = ig_env_check(cmd);
	if (err)
		return err;
	err = ig_pindir_path(o->iface, dir, sizeof(dir));
	if (err)
		return ig_fail(cmd, err, "%s", o->iface);
	if (access(dir, F_OK)) {
		pr_err("%s: %s is not attached (no %s)", cmd, o->iface, dir);
		return -ENOENT;
	}
	return replace_any(cmd, o->iface, dir, 0, 0, NULL);
}

int ig_cmd_sync(const void *opts)
{
	const struct ig_sync_opts *o = opts;
	const char *cmd = "sync";
	size_t n = 0, added = 0, removed = 0;
	struct ig_ifinfo ifi = {};
	uint32_t mtu = 0;
	struct ig_iface i;
	int err;

	err = ig_iface_open(cmd, o->iface, IG_OPEN_LOCK | IG_OPEN_LIVE, &i);
	if (err)
		return err;
	err = ig_sync_local(cmd, &i, &n, &added, &removed, &mtu);
	err = err ?: ig_ifinfo_read(&i.maps, &ifi);
	if (!err)
		pr_info("%s: %" PRIu32
			" directed broadcasts, for the broadcast-echo check (%zu addresses read: %zu added, %zu removed)",
			o->iface, ifi.n_bcast, n, added, removed);
	ig_iface_close(&i);
	return err;
}

const struct ig_command ig_attach_cmd = {
	"attach",
	"load the filter and attach it to an interface",
	"Load the XDP filter, attach it to IFACE and apply the policy in "
	"FILE, or the built-in default policy. Everything is checked "
	"before anything is loaded; a failed attach leaves nothing behind. "
	"A FILE without statements is refused unless --allow-empty is given. "
	"With --audit the policy is in audit mode: what it would drop passes "
	"and is counted as would_drop.",
	attach_args,
	attach_opts,
	NULL,
	ig_cmd_attach
};

const struct ig_command ig_detach_cmd = {
	"detach",
	"detach the filter from an interface and remove its state",
	"Detach the filter from IFACE and remove its pinned maps. If the "
	"interface or the program is already gone, the pins are still "
	"removed, with a warning.",
	detach_args,
	ig_no_opts,
	NULL,
	ig_cmd_detach
};

const struct ig_command ig_upgrade_cmd = {
	"upgrade",
	"move a running filter to this build, keeping its policy",
	"Replace the program on IFACE with this build's, keeping the policy "
	"in force, with no moment unfiltered (one atomic swap; the program "
	"must be attached alone, not behind the libxdp dispatcher). Pins of "
	"another layout (an older or newer build) are migrated: the policy "
	"is read back, counters and per-source buckets are carried where "
	"their layout is this build's, and restart otherwise (it says "
	"which); then the old pins are replaced.",
	upgrade_args,
	ig_no_opts,
	NULL,
	ig_cmd_upgrade
};

const struct ig_command ig_sync_cmd = {
	"sync",
	"refresh the interface's directed broadcasts in the filter",
	"Read the IPv4 directed broadcast addresses of IFACE and give them "
	"to the filter, whose broadcast-echo check compares an echo's "
	"destination with them (PMTUD validation reads the message itself "
	"and needs no sync). attach and every policy change do this too; "
	"run it when the subnets of IFACE change (from a networkd or "
	"ifupdown hook, or 'ip monitor address').",
	sync_args,
	ig_no_opts,
	NULL,
	ig_cmd_sync
};
