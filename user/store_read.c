// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What the program writes, read back (store.h): the counters and the
 * PMTUD histograms (per-CPU, summed; and reset), and the per-source
 * table (its size, its occupancy, a snapshot of its buckets).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "store.h"

int ig_sources_capacity(const struct ig_maps *m, uint32_t *max_entries)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(m->sources_fd, &info, &len))
		return -errno;
	/* Buckets, two to an entry of the array (struct ig_source_set). */
	*max_entries = info.max_entries * 2;
	return 0;
}

/*
 * The per-source table, mapped read-only: its slots, how many (*max) and
 * the mapping's size, and how many slots are in use (*used).
 */
static int sources_map(const struct ig_maps *m,
		       const struct ig_source_slot **slots, __u32 *max,
		       size_t *size, uint64_t *used)
{
	const struct ig_source_slot *sl;
	__u32 i;
	int err;

	*max = 0;
	*used = 0;
	err = ig_sources_capacity(m, max);
	if (err)
		return err;
	*size = (size_t)*max * sizeof(*sl);
	sl = mmap(NULL, *size, PROT_READ, MAP_SHARED, m->sources_fd, 0);
	if (sl == MAP_FAILED)
		return -errno;
	for (i = 0; i < *max; i++)
		*used += sl[i].tag != 0;
	*slots = sl;
	return 0;
}

int ig_sources_count(const struct ig_maps *m, uint64_t *used,
		     uint64_t *capacity)
{
	const struct ig_source_slot *slots;
	size_t size;
	__u32 max;
	int err;

	err = sources_map(m, &slots, &max, &size, used);
	if (err)
		return err;
	*capacity = max;
	munmap((void *)slots, size);
	return 0;
}

int ig_sources_read(const struct ig_maps *m, struct ig_source_entry **out,
		    size_t *n)
{
	const struct ig_source_slot *slots, *sl;
	struct ig_source_entry *e = NULL;
	size_t have = 0, size;
	uint64_t cap;
	__u32 max, i;
	int err;

	*out = NULL;
	*n = 0;
	err = sources_map(m, &slots, &max, &size, &cap);
	if (err)
		return err;
	e = calloc(cap + 1, sizeof(*e));
	if (!e) {
		err = -ENOMEM;
		goto out;
	}
	/* The program writes on: a snapshot, of at most what we counted. */
	for (i = 0; i < max && have < cap; i++) {
		sl = &slots[i];
		e[have].key.tag = sl->tag;
		if (!e[have].key.tag)
			continue;
		memcpy(e[have].key.addr, sl->addr, sizeof(e[have].key.addr));
		e[have].val = sl->b;
		have++;
	}
	*out = e;
	*n = have;
out:
	munmap((void *)slots, size);
	return err;
}

/*
 * A whole counter map in one batch: every key, and per-CPU values as one
 * entry per possible CPU and key.
 */
struct counter_batch {
	__u32 *keys;
	struct ig_counter *values;
	int ncpu;
};

static void counter_batch_free(struct counter_batch *b)
{
	free(b->keys);
	free(b->values);
}

static int counter_batch_alloc(struct counter_batch *b)
{
	*b = (struct counter_batch){ .ncpu = libbpf_num_possible_cpus() };
	if (b->ncpu <= 0)
		return b->ncpu ? b->ncpu : -EINVAL;
	b->values = calloc((size_t)b->ncpu * IG_COUNTER_ENTRIES,
			   sizeof(*b->values));
	b->keys = calloc(IG_COUNTER_ENTRIES, sizeof(*b->keys));
	if (!b->values || !b->keys) {
		counter_batch_free(b);
		return -ENOMEM;
	}
	return 0;
}

int ig_counters_read(const struct ig_maps *m, struct ig_counter *out)
{
	__u32 count = IG_COUNTER_ENTRIES, batch, i;
	struct counter_batch b;
	int err, cpu;

	err = counter_batch_alloc(&b);
	if (err)
		return err;
	err = bpf_map_lookup_batch(m->counters_fd, NULL, &batch, b.keys,
				   b.values, &count, NULL);
	if (err && errno != ENOENT) {
		err = -errno;
		goto out;
	}
	err = 0;
	memset(out, 0, sizeof(*out) * IG_COUNTER_ENTRIES);
	for (i = 0; i < count; i++) {
		if (b.keys[i] >= IG_COUNTER_ENTRIES)
			continue;
		for (cpu = 0; cpu < b.ncpu; cpu++) {
			const struct ig_counter *v =
				&b.values[i * b.ncpu + cpu];

			out[b.keys[i]].packets += v->packets;
			out[b.keys[i]].bytes += v->bytes;
		}
	}
out:
	counter_batch_free(&b);
	return err;
}

int ig_counters_reset(const struct ig_maps *m)
{
	__u32 count = IG_COUNTER_ENTRIES, i;
	struct counter_batch b; /* values stay zero */
	int err;

	err = counter_batch_alloc(&b);
	if (err)
		return err;
	for (i = 0; i < IG_COUNTER_ENTRIES; i++)
		b.keys[i] = i;
	/* Not atomic against packets in flight: a few may be lost. */
	if (bpf_map_update_batch(m->counters_fd, b.keys, b.values, &count,
				 NULL))
		err = -errno;
	counter_batch_free(&b);
	return err;
}

int ig_pmtud_read(const struct ig_maps *m, struct ig_pmtu_hist *out)
{
	struct ig_pmtu_hist *v;
	__u32 key;
	int ncpu, cpu, b, err = 0;

	ncpu = libbpf_num_possible_cpus();
	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	v = calloc((size_t)ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	memset(out, 0, sizeof(*out) * IG_PMTU_ENTRIES);
	for (key = 0; key < IG_PMTU_ENTRIES; key++) {
		if (bpf_map_lookup_elem(m->pmtud_fd, &key, v)) {
			err = -errno;
			break;
		}
		for (cpu = 0; cpu < ncpu; cpu++) {
			for (b = 0; b < IG_PMTU_BUCKETS; b++)
				out[key].count[b] += v[cpu].count[b];
			out[key].sum += v[cpu].sum;
		}
	}
	free(v);
	return err;
}

int ig_pmtud_reset(const struct ig_maps *m)
{
	struct ig_pmtu_hist *v;
	__u32 key;
	int ncpu, err = 0;

	ncpu = libbpf_num_possible_cpus();
	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	v = calloc((size_t)ncpu, sizeof(*v)); /* zeros */
	if (!v)
		return -ENOMEM;
	for (key = 0; key < IG_PMTU_ENTRIES && !err; key++)
		if (bpf_map_update_elem(m->pmtud_fd, &key, v, BPF_ANY))
			err = -errno;
	free(v);
	return err;
}
