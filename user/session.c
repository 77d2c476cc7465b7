// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The attachment session (session.h): an attached interface opened from
 * its pins, checked against the program that really runs, locked while a
 * command changes it, and a compiled policy made live on it.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../include/icmpgate.h"
#include "host.h"
#include "localaddr.h"
#include "log.h"
#include "pindir.h"
#include "salvage.h"
#include "session.h"

int ig_env_check(const char *cmd)
{
	int err = ig_priv_check(cmd);

	return err ? err : ig_bpffs_check(cmd);
}

uint64_t ig_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}
void ig_iface_init(struct ig_iface *i, const char *name)
{
	memset(i, 0, sizeof(*i));
	i->name = name;
	i->lock_fd = -1;
	ig_maps_init(&i->maps);
}

void ig_iface_close(struct ig_iface *i)
{
	ig_maps_close(&i->maps);
	if (i->lock_fd >= 0)
		close(i->lock_fd);
	i->lock_fd = -1;
}

void ig_netns_describe(uint32_t netns, char *buf, size_t size)
{
	char name[NAME_MAX + 1];

	ig_netns_name(netns, name, sizeof(name));
	if (name[0])
		snprintf(buf, size, "net:[%u] (ip netns '%s')", netns, name);
	else
		snprintf(buf, size, "net:[%u]", netns);
}

/*
 * Refuse to act on an attachment of another network namespace: its
 * ifindex means another interface here. Says where to run cmd instead.
 */
int ig_netns_check(const char *cmd, const char *name, const struct ig_state *st)
{
	char ns[NAME_MAX + 1];

	if (!st->netns || st->netns == ig_netns_self())
		return 0;
	ig_netns_name(st->netns, ns, sizeof(ns));
	if (ns[0])
		pr_err("%s: %s was attached in network namespace '%s', not in this one; run it there: nsenter --net=/run/netns/%s icmpgate %s %s ...",
		       cmd, name, ns, ns, cmd, name);
	else
		pr_err("%s: %s was attached in network namespace net:[%u], not in this one; run it there: nsenter --net=/proc/PID/ns/net icmpgate %s %s ..., PID a process of that namespace",
		       cmd, name, st->netns, cmd, name);
	return -EXDEV;
}

void ig_probe_live(const char *name, const struct ig_state *st,
		   struct ig_live *lv)
{
	unsigned int ifindex = if_nametoindex(name);
	int err;

	memset(lv, 0, sizeof(*lv));
	lv->info.prog_id = st->prog_id;
	lv->info.mode = st->mode;
	lv->info.multiprog = st->multiprog;
	if (st->netns && st->netns != ig_netns_self())
		lv->why_not = "in another network namespace";
	else if (!ifindex)
		lv->why_not = "interface gone";
	else if (ifindex != st->ifindex)
		lv->why_not = "interface was re-created";
	else if ((err = ig_loader_find(st->ifindex, st->prog_id, &lv->info)) ==
		 -EPERM) {
		/* Not gone: unverified (a dispatcher, and no CAP_SYS_ADMIN). */
		lv->attached = true;
		lv->why_not = "attached behind a dispatcher: CAP_SYS_ADMIN "
			      "needed to verify";
	} else if (err)
		lv->why_not = "program no longer attached";
	else
		lv->attached = true;
}

static int not_attached(const char *cmd, const struct ig_iface *i)
{
	pr_err("%s: %s is not attached (no %s)", cmd, i->name, i->dir);
	return -ENOENT;
}

/*
 * Open the pins of an attached interface; with IG_OPEN_LOCK, hold its pin
 * directory's lock until ig_iface_close().
 */
int ig_open_pins(const char *cmd, const char *name, unsigned flags,
		 struct ig_iface *i)
{
	struct ig_state_head head;
	struct stat st;
	__u32 size;
	int err;

	ig_iface_init(i, name);
	err = ig_pindir_path(name, i->dir, sizeof(i->dir));
	if (err)
		return ig_fail(cmd, err, "%s", name);
	if (stat(i->dir, &st))
		return errno == ENOENT ? not_attached(cmd, i) :
					 ig_fail(cmd, -errno, "%s", i->dir);
	if (flags & IG_OPEN_LOCK) {
		err = ig_pindir_lock(i->dir, false, &i->lock_fd);
		if (err) {
			ig_fail(cmd, err, "cannot lock %s", i->dir);
			goto err_out;
		}
	}
	err = ig_maps_from_pins(&i->maps, i->dir);
	/* A detach may have won the lock before us: then all is gone. */
	if (err == -ENOENT && stat(i->dir, &st)) {
		not_attached(cmd, i);
		goto err_out;
	}
	/* An attach that died half-way leaves a directory without pins. */
	if (err == -ENOENT && (flags & IG_OPEN_LEFTOVER))
		return err;
	if (err == -ENOENT && !ig_state_head_read(i->dir, &head, &size)) {
		/* A newer layout's map missing: the pins of an older build. */
		pr_err("%s: %s: the pins in %s lack maps of this build (another build's, or removed by hand): 'icmpgate upgrade %s' moves the filter to this build in place; 'icmpgate detach %s' removes it",
		       cmd, name, i->dir, name, name);
		err = -EPROTO;
		goto err_out;
	}
	if (err == -ENOENT) {
		pr_err("%s: %s is not attached (%s has no pins; detach %s removes it)",
		       cmd, name, i->dir, name);
		goto err_out;
	}
	if (err == -EPROTO)
		goto err_out; /* the store named the mismatching map */
	if (err) {
		ig_fail(cmd, err, "cannot open the maps pinned in %s", i->dir);
		goto err_out;
	}
	err = ig_state_read(&i->maps, &i->state);
	if (err) {
		ig_fail(cmd, err, "cannot read the state of %s", name);
		goto err_out;
	}
	if (!(flags & IG_OPEN_ANY_NETNS)) {
		err = ig_netns_check(cmd, name, &i->state);
		if (err)
			goto err_out;
	}
	if (flags & IG_OPEN_LIVE) {
		struct ig_live lv;

		ig_probe_live(name, &i->state, &lv);
		if (!lv.attached) {
			pr_err("%s: %s: the recorded attachment is stale (%s); run 'icmpgate detach %s', then attach again",
			       cmd, name, lv.why_not, name);
			err = -ENOLINK;
			goto err_out;
		}
	}
	return 0;

err_out:
	ig_iface_close(i);
	return err;
}

int ig_iface_open(const char *cmd, const char *name, unsigned flags,
		  struct ig_iface *i)
{
	int err = ig_env_check(cmd);

	if (err) {
		ig_iface_init(i, name);
		return err;
	}
	return ig_open_pins(cmd, name, flags, i);
}

int ig_sync_local(const char *cmd, struct ig_iface *i, size_t *n, size_t *added,
		  size_t *removed, uint32_t *mtu)
{
	struct ig_local_set *s = calloc(1, sizeof(*s));
	int err;

	if (!s)
		return -ENOMEM;
	err = ig_local_read(i->name, s);
	if (err == -E2BIG) {
		pr_err("%s: %s has more than %d local and broadcast addresses; "
		       "icmpgate keeps at most that many",
		       cmd, i->name, IG_MAX_LOCAL);
		goto out;
	}
	if (err) {
		ig_fail(cmd, err, "cannot read the addresses of %s", i->name);
		goto out;
	}
	err = ig_local_sync(&i->maps, s, added, removed);
	if (err) {
		ig_fail(cmd, err, "cannot write the addresses of %s", i->name);
		goto out;
	}
	*n = s->n;
	*mtu = s->mtu;
out:
	free(s);
	return err;
}

int ig_apply_compiled(const char *cmd, struct ig_iface *i,
		      const struct ig_compiled *c)
{
	struct ig_state next = i->state;
	size_t n, added, removed;
	uint32_t mtu;
	int err;

	err = ig_sync_local(cmd, i, &n, &added, &removed, &mtu);
	if (err)
		return err;

	next.digest = c->digest;
	next.policy_at = ig_now_ns();
	next.generation++;
	err = ig_store_apply_state(&i->maps, c, &next);
	if (err)
		return ig_fail(
			cmd, err,
			"cannot apply the policy to %s (the previous policy stays in force)",
			i->name);
	i->state = next;
	return 0;
}

int ig_apply_reported(const char *cmd, struct ig_iface *i,
		      const struct ig_compiled *c)
{
	bool was_audit = ig_store_live_audit(&i->maps);
	int err = ig_apply_compiled(cmd, i, c);

	if (err)
		return err;
	pr_info("%s: policy %016" PRIx64 " applied (generation %" PRIu64 ")%s",
		i->name, c->digest, (uint64_t)i->state.generation,
		c->slot->meta.audit ? " in audit mode: what it would drop "
				      "passes, counted as would_drop" :
		was_audit	    ? ", enforcing (audit mode ended)" :
				      "");
	return 0;
}

int ig_already_attached(const char *cmd, const struct ig_iface *i)
{
	struct ig_maps maps;
	struct ig_state st;
	struct ig_live lv = { .why_not = "unreadable state" };
	struct stat sb;

	if (stat(i->dir, &sb))
		return errno == ENOENT ? 0 : ig_fail(cmd, -errno, "%s", i->dir);
	/* Pins of an interface that was deleted or re-created since. */
	if (!ig_maps_from_pins(&maps, i->dir)) {
		if (!ig_state_read(&maps, &st))
			ig_probe_live(i->name, &st, &lv);
		ig_maps_close(&maps);
		if (!lv.attached) {
			pr_err("%s: a stale attachment of %s is recorded (%s); run 'icmpgate detach %s' first",
			       cmd, i->name, lv.why_not, i->name);
			return -EEXIST;
		}
	}
	pr_err("%s: %s is already attached; detach first or use policy apply",
	       cmd, i->name);
	return -EEXIST;
}
const char *ig_legacy_why(const struct ig_state *st)
{
	static char why[sizeof(st->legacy_why) + 1];

	snprintf(why, sizeof(why), "%.*s", (int)sizeof(st->legacy_why),
		 st->legacy_why);
	return why[0] ? why : "no reason recorded";
}

int ig_live_text(const char *cmd, const struct ig_iface *i, char **text,
		 char *source, size_t size)
{
	int err = ig_store_read_text(&i->maps, text);

	if (err)
		return ig_fail(cmd, err, "cannot read the policy of %s",
			       i->name);
	snprintf(source, size, "live policy of %s", i->name);
	return 0;
}
