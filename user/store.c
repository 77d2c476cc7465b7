// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The program's maps as the controller sees them: open (from a loaded
 * object or from pins), check against the contract, apply a compiled policy
 * with one atomic flip (store_read.c reads what the program writes).
 *
 * How a policy change stays atomic: the program reads `active` once per
 * packet and judges the packet with that slot only. We write the other
 * slot, then store the new slot number with one aligned 32-bit store into
 * the mmap'ed `active` map. A packet sees either the old slot or the new
 * one, never a mix. Before writing a slot we wait for an RCU grace period,
 * so that no program that read the old slot number still runs (see
 * ig_store_wait_readers()).
 *
 * Class buckets are per (slot, class) for the same reason: the inactive
 * slot's buckets are ours to write until the flip (carry_class_buckets()).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ratelimit_math.h"
#include "log.h"
#include "store.h"

struct map_spec {
	const char *pin; /* file name under the pin dir */
	const char *name; /* name in the BPF object */
	__u32 type;
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries; /* 0: not checked */
	size_t fd_offset; /* where the fd lives in struct ig_maps */
};

#define MAP_FD(field) offsetof(struct ig_maps, field)

static const struct map_spec map_specs[] = {
	/* The program's global ig_active, in a section of its own. */
	{ IG_PIN_ACTIVE, ".data.active", BPF_MAP_TYPE_ARRAY, 4, 4, 1,
	  MAP_FD(active_fd) },
	{ IG_PIN_POLICY, "ig_policy", BPF_MAP_TYPE_ARRAY, 4,
	  sizeof(struct ig_policy_slot), IG_SLOTS, MAP_FD(policy_fd) },
	{ IG_PIN_PREFIXES, "ig_prefixes", BPF_MAP_TYPE_LPM_TRIE,
	  sizeof(struct ig_prefix_key), sizeof(struct ig_prefix_value),
	  IG_SLOTS *IG_MAX_PREFIXES, MAP_FD(prefixes_fd) },
	{ IG_PIN_COUNTERS, "ig_counters", BPF_MAP_TYPE_PERCPU_ARRAY, 4,
	  sizeof(struct ig_counter), IG_COUNTER_ENTRIES, MAP_FD(counters_fd) },
	{ IG_PIN_POLICY_TEXT, "ig_policy_text", BPF_MAP_TYPE_ARRAY, 4,
	  sizeof(struct ig_policy_text), IG_SLOTS, MAP_FD(text_fd) },
	{ IG_PIN_STATE, "ig_state", BPF_MAP_TYPE_ARRAY, 4,
	  sizeof(struct ig_state), 1, MAP_FD(state_fd) },
	{ IG_PIN_CLASS_BUCKETS, "ig_class_buckets", BPF_MAP_TYPE_ARRAY, 4,
	  sizeof(struct ig_class_bucket), IG_CLASS_BUCKETS,
	  MAP_FD(class_buckets_fd) },
	{ IG_PIN_LOCAL, "ig_local", BPF_MAP_TYPE_HASH,
	  sizeof(struct ig_local_key), sizeof(struct ig_local_value),
	  IG_MAX_LOCAL, MAP_FD(local_fd) },
	{ IG_PIN_IFINFO, "ig_ifinfo", BPF_MAP_TYPE_ARRAY, 4,
	  sizeof(struct ig_ifinfo), 1, MAP_FD(ifinfo_fd) },
	{ IG_PIN_PMTUD, "ig_pmtud", BPF_MAP_TYPE_PERCPU_ARRAY, 4,
	  sizeof(struct ig_pmtu_hist), IG_PMTU_ENTRIES, MAP_FD(pmtud_fd) },
	/* The program's global ig_capture, in a section of its own. */
	{ IG_PIN_CAPTURE, ".data.capture", BPF_MAP_TYPE_ARRAY, 4,
	  sizeof(struct ig_capture), 1, MAP_FD(capture_fd) },
	{ IG_PIN_XSKS, "ig_xsks", BPF_MAP_TYPE_XSKMAP, 4, 4, IG_CAPTURE_QUEUES,
	  MAP_FD(xsks_fd) },
	{ IG_PIN_CAPTURE_RING, "ig_capture_ring", BPF_MAP_TYPE_RINGBUF, 0, 0,
	  IG_CAPTURE_RING_BYTES, MAP_FD(capture_ring_fd) },
	{ IG_PIN_CAPTURE_CPU, "ig_capture_cpu", BPF_MAP_TYPE_PERCPU_ARRAY, 4,
	  sizeof(struct ig_capture_cpu), 1, MAP_FD(capture_cpu_fd) },
	/* Any size: `attach --max-sources` chose it. */
	{ IG_PIN_SOURCES, "ig_sources", BPF_MAP_TYPE_ARRAY, 4,
	  sizeof(struct ig_source_set), 0, MAP_FD(sources_fd) },
};

#define N_MAPS (sizeof(map_specs) / sizeof(map_specs[0]))

static int *map_fd(struct ig_maps *m, const struct map_spec *s)
{
	return (int *)((char *)m + s->fd_offset);
}

void ig_maps_init(struct ig_maps *m)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < N_MAPS; i++)
		*map_fd(m, &map_specs[i]) = -1;
}

/* Does the map behind fd have spec s's type and sizes? */
static int shape_matches(int fd, const struct map_spec *s,
			 struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	if (bpf_obj_get_info_by_fd(fd, info, &len))
		return -errno;
	if (info->type != s->type || info->key_size != s->key_size ||
	    info->value_size != s->value_size ||
	    (s->max_entries && info->max_entries != s->max_entries))
		return -EPROTO;
	return 0;
}

/* A pinned map from an older or newer build must not be misread. */
static int check_map(int fd, const struct map_spec *s)
{
	struct bpf_map_info info;
	int err = shape_matches(fd, s, &info);

	if (err == -EPROTO)
		pr_err("map '%s' was pinned by another build of icmpgate (type %u key %u value %u entries %u): 'icmpgate upgrade' of this interface moves the filter to this build in place, keeping its policy; 'icmpgate detach' removes it",
		       s->pin, info.type, info.key_size, info.value_size,
		       info.max_entries);
	return err;
}

static int map_mmaps(struct ig_maps *m)
{
	void *p;

	p = mmap(NULL, sizeof(__u32), PROT_READ | PROT_WRITE, MAP_SHARED,
		 m->active_fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	m->active = p;
	p = mmap(NULL, sizeof(struct ig_policy_slot) * IG_SLOTS,
		 PROT_READ | PROT_WRITE, MAP_SHARED, m->policy_fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	m->slots = p;
	p = mmap(NULL, sizeof(struct ig_class_bucket) * IG_CLASS_BUCKETS,
		 PROT_READ | PROT_WRITE, MAP_SHARED, m->class_buckets_fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	m->class_buckets = p;
	p = mmap(NULL, sizeof(struct ig_capture), PROT_READ | PROT_WRITE,
		 MAP_SHARED, m->capture_fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	m->capture = p;
	return 0;
}

/* Opens the map of spec s from src; returns an fd or a negative errno. */
typedef int (*map_opener)(const struct map_spec *s, const void *src);

static int open_from_object(const struct map_spec *s, const void *src)
{
	struct bpf_map *map;
	int fd;

	map = bpf_object__find_map_by_name((struct bpf_object *)src, s->name);
	if (!map)
		return -ENOENT;
	fd = fcntl(bpf_map__fd(map), F_DUPFD_CLOEXEC, 0);
	return fd < 0 ? -errno : fd;
}

static int open_from_pin(const struct map_spec *s, const void *src)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", (const char *)src, s->pin);
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

/* Open, check and map every map, or none. */
static int maps_open(struct ig_maps *m, map_opener open_one, const void *src)
{
	size_t i;
	int fd, err;

	ig_maps_init(m);
	for (i = 0; i < N_MAPS; i++) {
		fd = open_one(&map_specs[i], src);
		if (fd < 0) {
			err = fd;
			goto err_out;
		}
		*map_fd(m, &map_specs[i]) = fd;
		err = check_map(fd, &map_specs[i]);
		if (err)
			goto err_out;
	}
	err = map_mmaps(m);
	if (err)
		goto err_out;
	return 0;

err_out:
	ig_maps_close(m);
	return err;
}

int ig_maps_from_object(struct ig_maps *m, struct bpf_object *obj)
{
	return maps_open(m, open_from_object, obj);
}

int ig_maps_reuse(const struct ig_maps *m, struct bpf_object *obj)
{
	struct bpf_map *map;
	size_t i;
	int err;

	for (i = 0; i < N_MAPS; i++) {
		map = bpf_object__find_map_by_name(obj, map_specs[i].name);
		if (!map)
			return -ENOENT;
		err = bpf_map__reuse_fd(map, *map_fd((struct ig_maps *)m,
						     &map_specs[i]));
		if (err)
			return err;
	}
	return 0;
}

int ig_maps_from_pins(struct ig_maps *m, const char *dir)
{
	return maps_open(m, open_from_pin, dir);
}

static void pin_path(char *path, size_t size, const char *dir,
		     const char *prefix, const char *pin)
{
	snprintf(path, size, "%s/%s%s", dir, prefix, pin);
}

/* Remove the pins prefix + name of every map under dir. */
static int unpin_all(const char *dir, const char *prefix)
{
	char path[PATH_MAX];
	int err = 0;
	size_t i;

	for (i = 0; i < N_MAPS; i++) {
		pin_path(path, sizeof(path), dir, prefix, map_specs[i].pin);
		if (unlink(path) && errno != ENOENT && !err)
			err = -errno;
	}
	return err;
}

/* Pin every map at dir/prefix + name, or none. */
static int pin_all(const struct ig_maps *m, const char *dir, const char *prefix)
{
	char path[PATH_MAX];
	size_t i;
	int err;

	for (i = 0; i < N_MAPS; i++) {
		pin_path(path, sizeof(path), dir, prefix, map_specs[i].pin);
		err = bpf_obj_pin(*map_fd((struct ig_maps *)m, &map_specs[i]),
				  path);
		if (err) {
			err = -errno;
			unpin_all(dir, prefix);
			return err;
		}
	}
	return 0;
}

int ig_maps_pin(const struct ig_maps *m, const char *dir)
{
	return pin_all(m, dir, "");
}

int ig_maps_unpin(const char *dir)
{
	return unpin_all(dir, "");
}

int ig_maps_pin_staged(const struct ig_maps *m, const char *dir)
{
	return pin_all(m, dir, IG_PIN_STAGED);
}

int ig_maps_unpin_staged(const char *dir)
{
	return unpin_all(dir, IG_PIN_STAGED);
}

static bool is_our_pin(const char *name)
{
	size_t i;

	for (i = 0; i < N_MAPS; i++)
		if (!strcmp(name, map_specs[i].pin))
			return true;
	return false;
}

static int rename_staged(const char *dir, const char *pin)
{
	char from[PATH_MAX], to[PATH_MAX];

	pin_path(from, sizeof(from), dir, IG_PIN_STAGED, pin);
	pin_path(to, sizeof(to), dir, "", pin);
	return rename(from, to) ? -errno : 0;
}

int ig_maps_commit_staged(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	size_t i;
	int err = 0;
	DIR *d;

	/*
	 * Each rename replaces one pin atomically. The state goes first: if
	 * a later rename fails, the state already names the program that
	 * runs, so that detach finds it. Meanwhile a reader may see maps of
	 * both builds, and is told the pins are another build's.
	 */
	err = rename_staged(dir, IG_PIN_STATE);
	for (i = 0; i < N_MAPS && !err; i++)
		if (strcmp(map_specs[i].pin, IG_PIN_STATE))
			err = rename_staged(dir, map_specs[i].pin);
	if (err)
		return err;
	/* The maps of the previous layout that this one has not. */
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    is_our_pin(e->d_name))
			continue;
		pin_path(path, sizeof(path), dir, "", e->d_name);
		if (unlink(path) && !err)
			err = -errno;
	}
	closedir(d);
	return err;
}

int ig_maps_pins_current(const char *dir)
{
	struct bpf_map_info info;
	struct ig_state st;
	char path[PATH_MAX];
	__u32 key = 0;
	int fd, err = 0, state_fd = -1;
	size_t i;

	for (i = 0; i < N_MAPS && !err; i++) {
		pin_path(path, sizeof(path), dir, "", map_specs[i].pin);
		fd = bpf_obj_get(path);
		if (fd < 0)
			return -errno;
		err = shape_matches(fd, &map_specs[i], &info);
		if (!err && !strcmp(map_specs[i].pin, IG_PIN_STATE))
			state_fd = fd;
		else
			close(fd);
	}
	if (!err && state_fd >= 0 && bpf_map_lookup_elem(state_fd, &key, &st))
		err = -errno;
	/* Maps of this shape, but a layout that means them otherwise. */
	if (!err && state_fd >= 0 && st.layout != IG_LAYOUT)
		err = -EPROTO;
	if (state_fd >= 0)
		close(state_fd);
	return err;
}

void ig_maps_close(struct ig_maps *m)
{
	size_t i;
	int *fd;

	if (m->active)
		munmap(m->active, sizeof(__u32));
	if (m->slots)
		munmap(m->slots, sizeof(struct ig_policy_slot) * IG_SLOTS);
	if (m->class_buckets)
		munmap(m->class_buckets,
		       sizeof(struct ig_class_bucket) * IG_CLASS_BUCKETS);
	if (m->capture)
		munmap(m->capture, sizeof(struct ig_capture));
	for (i = 0; i < N_MAPS; i++) {
		fd = map_fd(m, &map_specs[i]);
		if (*fd >= 0)
			close(*fd);
	}
	ig_maps_init(m);
}

/*
 * Wait until every XDP program that might have read the old `active`
 * value has finished. XDP runs inside an RCU read-side section, and the
 * kernel calls synchronize_rcu() on every update of a map-in-map
 * (maybe_wait_bpf_programs() in kernel/bpf/syscall.c), so one throwaway
 * update of a tiny array-of-maps is a grace period on demand.
 */
int ig_store_wait_readers(void)
{
	int inner, outer, err;
	__u32 key = 0;

	inner = bpf_map_create(BPF_MAP_TYPE_ARRAY, "ig_rcu_inner", 4, 4, 1,
			       NULL);
	if (inner < 0)
		return -errno;
	LIBBPF_OPTS(bpf_map_create_opts, opts, .inner_map_fd = inner);
	outer = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "ig_rcu_outer", 4, 4,
			       1, &opts);
	if (outer < 0) {
		err = -errno;
		goto out_inner;
	}
	err = bpf_map_update_elem(outer, &key, &inner, BPF_ANY);
	if (err)
		err = -errno;
	close(outer);
out_inner:
	close(inner);
	return err;
}

/* Remove every prefix of one slot from the shared trie. */
static int clear_slot_prefixes(int fd, __u8 slot)
{
	struct ig_prefix_key key, next;
	void *prev = NULL;
	int err;

	/*
	 * Deleting while walking restarts the walk from the top, which the
	 * trie allows; the slot has at most IG_MAX_PREFIXES entries.
	 */
	for (;;) {
		err = bpf_map_get_next_key(fd, prev, &next);
		if (err)
			return errno == ENOENT ? 0 : -errno;
		if (next.slot == slot) {
			if (bpf_map_delete_elem(fd, &next))
				return -errno;
			prev = NULL;
			continue;
		}
		key = next;
		prev = &key;
	}
}

static int write_slot_prefixes(int fd, __u8 slot, const struct ig_compiled *c)
{
	struct ig_prefix_key key;
	size_t i;

	for (i = 0; i < c->n_prefixes; i++) {
		key = c->prefixes[i].key;
		key.slot = slot;
		if (bpf_map_update_elem(fd, &key, &c->prefixes[i].value,
					BPF_ANY))
			return -errno;
	}
	return 0;
}

static int write_slot_text(int fd, __u32 slot, const char *text)
{
	struct ig_policy_text *t;
	size_t len = strlen(text);
	int err = 0;

	if (len > IG_POLICY_TEXT_MAX)
		return -E2BIG;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->len = len;
	memcpy(t->text, text, len);
	if (bpf_map_update_elem(fd, &slot, t, BPF_ANY))
		err = -errno;
	free(t);
	return err;
}

/*
 * The class buckets of slot next, for its limits: a class whose rule and
 * clock (its tag without the prefix length) have a class bucket in the
 * live slot takes that bucket's TAT over, the others start full (TAT 0,
 * include/ratelimit_math.h). Racy by design and bounded: packets the live slot
 * admits between our read of a TAT and the flip are not in the copy, so a
 * policy change can let through at most what the rate admits in that
 * time (microseconds) on top of the limit.
 */
static void carry_class_buckets(struct ig_maps *m, __u32 live, __u32 next,
				const struct ig_policy_slot *slot)
{
	const struct ig_limit *old = m->slots[live].limits, *nl;
	struct ig_class_bucket *from = &m->class_buckets[live * IG_MAX_CLASSES];
	struct ig_class_bucket *to = &m->class_buckets[next * IG_MAX_CLASSES];
	__u64 tat;
	int c, o;

	for (c = 0; c < IG_MAX_CLASSES; c++) {
		nl = &slot->limits[c];
		tat = 0;
		if (nl->flags & IG_LIMIT_CLASS) {
			for (o = 0; o < IG_MAX_CLASSES; o++) {
				if ((old[o].flags & IG_LIMIT_CLASS) &&
				    old[o].tag >> 8 == nl->tag >> 8) {
					tat = __atomic_load_n(&from[o].tat,
							      __ATOMIC_RELAXED);
					break;
				}
			}
		}
		__atomic_store_n(&to[c].tat, tat, __ATOMIC_RELAXED);
	}
}

int ig_store_apply(struct ig_maps *m, const struct ig_compiled *c)
{
	return ig_store_apply_state(m, c, NULL);
}

int ig_store_apply_state(struct ig_maps *m, const struct ig_compiled *c,
			 const struct ig_state *st)
{
	__u32 live = __atomic_load_n(m->active, __ATOMIC_ACQUIRE);
	__u32 next = live ? 0 : 1;
	struct ig_policy_slot *slot = &m->slots[next];
	__u64 generation;
	int err;

	if (live >= IG_SLOTS)
		return -EPROTO;
	err = ig_store_wait_readers();
	if (err)
		return err;
	err = clear_slot_prefixes(m->prefixes_fd, next);
	if (err)
		return err;
	err = write_slot_prefixes(m->prefixes_fd, next, c);
	if (err)
		return err;
	err = write_slot_text(m->text_fd, next, c->text);
	if (err)
		return err;

	generation = m->slots[live].meta.generation + 1;
	carry_class_buckets(m, live, next, c->slot);
	memcpy(slot, c->slot, sizeof(*slot));
	slot->meta.generation = generation;
	if (st) {
		err = ig_state_write(m, st);
		if (err)
			return err;
	}
	/* The slot must be complete before any CPU can see the new number. */
	__atomic_store_n(m->active, next, __ATOMIC_RELEASE);
	return 0;
}

bool ig_store_live_audit(const struct ig_maps *m)
{
	__u32 live = __atomic_load_n(m->active, __ATOMIC_ACQUIRE);

	return m->slots[live & (IG_SLOTS - 1)].meta.audit != 0;
}

int ig_store_read_text(const struct ig_maps *m, char **text)
{
	__u32 live = __atomic_load_n(m->active, __ATOMIC_ACQUIRE);
	struct ig_policy_text *t;
	int err = 0;

	t = malloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	if (bpf_map_lookup_elem(m->text_fd, &live, t)) {
		err = -errno;
		goto out;
	}
	if (t->len > IG_POLICY_TEXT_MAX) {
		err = -EPROTO;
		goto out;
	}
	*text = strndup(t->text, t->len);
	if (!*text)
		err = -ENOMEM;
out:
	free(t);
	return err;
}

int ig_state_read(const struct ig_maps *m, struct ig_state *st)
{
	__u32 key = 0;

	if (bpf_map_lookup_elem(m->state_fd, &key, st))
		return -errno;
	return 0;
}

int ig_state_write(const struct ig_maps *m, const struct ig_state *st)
{
	__u32 key = 0;

	if (bpf_map_update_elem(m->state_fd, &key, st, BPF_ANY))
		return -errno;
	return 0;
}
