// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Upgrade in place across pin layouts (migrate.h).
 *
 * The order keeps a filter on the interface at every moment: the new
 * program is loaded with maps of its own, given the policy, the buckets
 * and a copy of the counters while the old one still filters; then one
 * netlink request swaps them (the kernel replaces the program only if the
 * old one is still attached); then the counts the old program made since
 * the copy are added, and the new pins replace the old.
 *
 * Accepted race: a packet the new program counts in an entry while we add
 * the old program's last counts to that entry (a read and a write of one
 * per-CPU entry, microseconds apart) is lost from the counters, as with
 * `stats --reset`. Per-source buckets are copied before the swap: a
 * source's bucket misses what the old program took from it during the
 * copy, at most a few milliseconds of its rate.
 *
 * Only the counters and the per-source buckets are carried (and the
 * policy, as text). Every other map of the new program starts as it
 * loads: the class buckets full, the PMTUD histograms (layout 3) at zero,
 * whatever the old layout had under their names.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../include/icmpgate.h"
#include "host.h"
#include "loader.h"
#include "log.h"
#include "migrate.h"
#include "salvage.h"
#include "session.h"
#include "store.h"

/* The pin dir/pin, and what kind of map it is. An fd, or -errno. */
static int open_pin(const char *dir, const char *pin, struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, pin);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	memset(info, 0, sizeof(*info));
	if (bpf_obj_get_info_by_fd(fd, info, &len)) {
		close(fd);
		return -errno;
	}
	return fd;
}

static int map_info(int fd, struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return bpf_obj_get_info_by_fd(fd, info, &len) ? -errno : 0;
}

static bool same_shape(const struct bpf_map_info *a,
		       const struct bpf_map_info *b)
{
	return a->type == b->type && a->key_size == b->key_size &&
	       a->value_size == b->value_size &&
	       a->max_entries == b->max_entries;
}

int ig_migrate_read_policy(const char *dir, char **text, size_t *len)
{
	struct bpf_map_info ai, ti;
	int afd, tfd = -1, err = 0;
	__u32 zero = 0, slot = 0, n;
	char *buf = NULL;

	afd = open_pin(dir, IG_PIN_ACTIVE, &ai);
	if (afd < 0)
		return afd;
	tfd = open_pin(dir, IG_PIN_POLICY_TEXT, &ti);
	if (tfd < 0) {
		err = tfd;
		goto out;
	}
	/* The slot number; per slot, a length, a pad word and the text. */
	if (ai.type != BPF_MAP_TYPE_ARRAY || ai.key_size != 4 ||
	    ai.value_size != 4 || ti.type != BPF_MAP_TYPE_ARRAY ||
	    ti.key_size != 4 || ti.value_size < 8) {
		err = -EPROTO;
		goto out;
	}
	buf = malloc(ti.value_size);
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	if (bpf_map_lookup_elem(afd, &zero, &slot) ||
	    bpf_map_lookup_elem(tfd, &slot, buf)) {
		err = -errno;
		goto out;
	}
	memcpy(&n, buf, sizeof(n));
	if (n > ti.value_size - 8) {
		err = -EPROTO;
		goto out;
	}
	*text = strndup(buf + 8, n);
	*len = n;
	err = *text ? 0 : -ENOMEM;
out:
	free(buf);
	close(afd);
	if (tfd >= 0)
		close(tfd);
	return err;
}

/* Bytes of one entry as the syscalls hand it over (per CPU: every CPU's). */
static size_t entry_size(const struct bpf_map_info *info)
{
	size_t v = info->value_size;

	if (info->type != BPF_MAP_TYPE_PERCPU_ARRAY)
		return v;
	return ((v + 7) & ~(size_t)7) * (size_t)libbpf_num_possible_cpus();
}

/* What array_walk() hands over: n entries, their keys and values. */
typedef int (*chunk_fn)(void *ctx, const __u32 *keys, const void *vals,
			__u32 n);

/*
 * Every entry of an array map, a chunk at a time (a per-source table of
 * 16M buckets is 1 GiB: never read whole).
 */
static int array_walk(int fd, const struct bpf_map_info *info, chunk_fn fn,
		      void *ctx)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	const __u32 chunk = 4096;
	__u32 count, out, *keys;
	void *vals, *in = NULL;
	bool end = false;
	int err = 0;

	keys = calloc(chunk, sizeof(*keys));
	vals = calloc(chunk, entry_size(info));
	if (!keys || !vals)
		err = -ENOMEM;
	while (!err && !end) {
		count = chunk;
		if (bpf_map_lookup_batch(fd, in, &out, keys, vals, &count,
					 &opts)) {
			/* ENOENT: the last chunk, maybe short, maybe empty. */
			end = errno == ENOENT;
			err = end ? 0 : -errno;
		}
		if (!err && count)
			err = fn(ctx, keys, vals, count);
		in = &out;
	}
	free(keys);
	free(vals);
	return err;
}

/* A map carried from the old pins to the new maps. */
struct carry {
	const char *pin;
	int old_fd; /* -1: not carried (absent, or of another shape) */
	int new_fd;
	struct bpf_map_info info;
	bool carried;
	void *copy; /* the counters as copied before the swap, or NULL */
};

static void carry_close(struct carry *k)
{
	if (k->old_fd >= 0)
		close(k->old_fd);
	free(k->copy);
	k->old_fd = -1;
	k->copy = NULL;
}

/* Write a chunk into the new map, and keep it if asked. */
static int copy_chunk(void *ctx, const __u32 *keys, const void *vals, __u32 n)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	struct carry *k = ctx;
	size_t stride = entry_size(&k->info);
	__u32 i, count = n;

	if (k->copy)
		for (i = 0; i < n; i++)
			memcpy((char *)k->copy + (size_t)keys[i] * stride,
			       (const char *)vals + i * stride, stride);
	return bpf_map_update_batch(k->new_fd, keys, vals, &count, &opts) ?
		       -errno :
		       0;
}

/*
 * Open the old map and copy it into new_fd if both have one shape;
 * snapshot: keep what was copied (for counters_catch_up()).
 */
static int carry_copy(const char *dir, struct carry *k, bool snapshot)
{
	struct bpf_map_info ni;
	int err;

	k->old_fd = open_pin(dir, k->pin, &k->info);
	if (k->old_fd < 0) {
		k->old_fd = -1;
		return 0;
	}
	err = map_info(k->new_fd, &ni);
	if (err)
		return err;
	if (!same_shape(&k->info, &ni) ||
	    (ni.type != BPF_MAP_TYPE_ARRAY &&
	     ni.type != BPF_MAP_TYPE_PERCPU_ARRAY)) {
		carry_close(k);
		return 0;
	}
	if (snapshot) {
		k->copy = calloc(k->info.max_entries, entry_size(&k->info));
		if (!k->copy)
			return -ENOMEM;
	}
	err = array_walk(k->old_fd, &k->info, copy_chunk, k);
	k->carried = !err;
	return err;
}

/*
 * After the swap, the old program no longer counts: add to the new
 * counters what it counted since the copy, entry by entry.
 */
static int catch_up_chunk(void *ctx, const __u32 *keys, const void *vals,
			  __u32 n)
{
	struct carry *k = ctx;
	size_t stride = entry_size(&k->info), c;
	size_t per_cpu = stride / sizeof(struct ig_counter);
	const struct ig_counter *now, *was;
	struct ig_counter *cur;
	__u32 i;
	int err = 0;

	cur = malloc(stride);
	if (!cur)
		return -ENOMEM;
	for (i = 0; i < n && !err; i++) {
		now = (const struct ig_counter *)((const char *)vals +
						  i * stride);
		was = (const struct ig_counter *)((char *)k->copy +
						  (size_t)keys[i] * stride);
		if (!memcmp(was, now, stride))
			continue;
		if (bpf_map_lookup_elem(k->new_fd, &keys[i], cur)) {
			err = -errno;
			break;
		}
		for (c = 0; c < per_cpu; c++) {
			cur[c].packets += now[c].packets - was[c].packets;
			cur[c].bytes += now[c].bytes - was[c].bytes;
		}
		if (bpf_map_update_elem(k->new_fd, &keys[i], cur, BPF_ANY))
			err = -errno;
	}
	free(cur);
	return err;
}

static int counters_catch_up(struct carry *k)
{
	return array_walk(k->old_fd, &k->info, catch_up_chunk, k);
}

/*
 * The state of the new attachment: the old one's where it has this
 * build's shape (times, generation), else a fresh one; either way this
 * layout, this program, this namespace.
 */
static void next_state(const char *dir, const char *name, __u32 old_size,
		       const struct ig_state_head *h, struct ig_state *st)
{
	struct bpf_map_info info;
	__u32 zero = 0;
	int fd;

	memset(st, 0, sizeof(*st));
	if (old_size == sizeof(*st)) {
		fd = open_pin(dir, IG_PIN_STATE, &info);
		if (fd >= 0 && bpf_map_lookup_elem(fd, &zero, st))
			memset(st, 0, sizeof(*st));
		if (fd >= 0)
			close(fd);
	}
	st->ifindex = h->ifindex;
	st->mode = h->mode;
	st->multiprog = 0;
	st->layout = IG_LAYOUT;
	st->netns = ig_netns_self();
	if (!st->attached_at)
		st->attached_at = ig_now_ns();
	snprintf(st->ifname, sizeof(st->ifname), "%s", name);
	if (!st->legacy_why[0])
		snprintf(st->legacy_why, sizeof(st->legacy_why),
			 "attached alone by an earlier build");
}

/* Is the old program there, alone, on this namespace's interface? */
static int check_old(const char *cmd, const char *name,
		     const struct ig_state_head *h)
{
	unsigned int ifindex = if_nametoindex(name);
	struct ig_attach_info info;
	int err;

	if (!ifindex || ifindex != h->ifindex) {
		pr_err("%s: %s: the pins record ifindex %u, but %s is %s here: attached in another network namespace, or the interface was re-created; run upgrade where it was attached",
		       cmd, name, h->ifindex, name,
		       ifindex ? "another ifindex" : "gone");
		return -EXDEV;
	}
	err = ig_loader_find(h->ifindex, h->prog_id, &info);
	if (err == -EPERM || err == -EACCES) {
		pr_err("%s: %s: finding and swapping program %u needs CAP_SYS_ADMIN",
		       cmd, name, h->prog_id);
		return err;
	}
	if (err) {
		pr_err("%s: %s: program %u of the previous build is no longer attached here; 'icmpgate detach %s' removes its pins",
		       cmd, name, h->prog_id, name);
		return -ENOLINK;
	}
	if (info.multiprog) {
		pr_err("%s: %s: program %u runs behind the libxdp dispatcher, where it cannot be swapped in one step; detach and attach (a moment unfiltered)",
		       cmd, name, h->prog_id);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* The old per-source table's size, if its buckets can be carried. */
static uint32_t old_sources(const char *dir)
{
	struct bpf_map_info info;
	int fd = open_pin(dir, IG_PIN_SOURCES, &info);

	if (fd < 0)
		return 0;
	close(fd);
	if (info.type != BPF_MAP_TYPE_ARRAY || info.key_size != 4 ||
	    info.value_size != sizeof(struct ig_source_set))
		return 0;
	return info.max_entries * 2;
}

/*
 * Kept whole: the steps before the swap may be undone (the staged pins at
 * `out`), the ones after it may not, and the line between them is what
 * this function is about; splitting it would spread that line over two.
 */
int ig_migrate(const char *cmd, const char *name, const char *dir,
	       const struct ig_compiled *c, uint32_t max_sources)
{
	struct carry counters = { IG_PIN_COUNTERS, -1, -1, {}, false, NULL };
	struct carry sources = { IG_PIN_SOURCES, -1, -1, {}, false, NULL };
	uint32_t old_cap = old_sources(dir), cap;
	struct ig_loaded l = {};
	struct ig_state_head h;
	struct ig_iface i;
	bool staged = false;
	__u32 old_size = 0;
	int err;

	ig_iface_init(&i, name);
	err = ig_state_head_read(dir, &h, &old_size);
	if (err)
		return ig_fail(
			cmd, err,
			"cannot read the state pinned in %s ('icmpgate detach %s' removes it)",
			dir, name);
	err = check_old(cmd, name, &h);
	if (err)
		return err;
	cap = max_sources ? max_sources :
	      old_cap	  ? old_cap :
			    IG_MAX_SOURCES_DEFAULT;
	err = ig_loader_prepare(&l, (int)h.ifindex, h.mode, cap, NULL);
	if (err) {
		ig_fail(cmd, err, "cannot load this build's program for %s",
			name);
		goto out;
	}
	err = ig_maps_from_object(&i.maps, ig_loader_object(&l));
	if (err) {
		ig_fail(cmd, err, "cannot open the maps of the program");
		goto out;
	}
	counters.new_fd = i.maps.counters_fd;
	sources.new_fd = i.maps.sources_fd;
	err = carry_copy(dir, &counters, true);
	err = err ?: carry_copy(dir, &sources, false);
	if (err) {
		ig_fail(cmd, err, "cannot copy the counters and buckets of %s",
			name);
		goto out;
	}
	next_state(dir, name, old_size, &h, &i.state);
	i.state.prog_id = ig_loader_prog_id(&l);
	err = ig_apply_compiled(cmd, &i, c);
	if (err)
		goto out;
	err = ig_maps_pin_staged(&i.maps, dir);
	if (err) {
		ig_fail(cmd, err, "cannot pin the new maps in %s", dir);
		goto out;
	}
	staged = true;
	err = ig_loader_swap(&l, h.prog_id);
	if (err) {
		ig_fail(cmd, err,
			"cannot replace program %u on %s (it stays, with its policy and pins)",
			h.prog_id, name);
		goto out;
	}
	staged = false;
	/* From here on the new program filters: report, never undo. */
	err = ig_store_wait_readers();
	if (!err && counters.carried)
		err = counters_catch_up(&counters);
	if (err)
		ig_fail(cmd, err,
			"%s: program swapped, but the last counts of the old one were not added",
			name);
	err = ig_maps_commit_staged(dir);
	if (err) {
		ig_fail(cmd, err,
			"%s: program swapped, but the pins in %s could not all be replaced; 'icmpgate detach %s' detaches the new program",
			name, dir, name);
		goto out;
	}
	pr_info("%s: program %u of another build replaced by %u (layout %d) in one step, %s mode; policy %016" PRIx64
		" (generation %" PRIu64
		"); counters %s; per-source buckets %s; PMTUD histograms start at zero",
		name, h.prog_id, i.state.prog_id, IG_LAYOUT,
		ig_mode_name(h.mode), c->digest, (uint64_t)i.state.generation,
		counters.carried ? "kept" :
				   "restart at zero (their layout changed)",
		sources.carried ? "kept" : "start afresh");
out:
	if (staged)
		ig_maps_unpin_staged(dir);
	carry_close(&counters);
	carry_close(&sources);
	ig_iface_close(&i);
	ig_loader_close(&l);
	return err;
}
