/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The program's maps as the controller sees them: open them (from a loaded
 * object or from pins), check them against the contract, write a compiled
 * policy into the inactive slot and flip to it atomically, read and reset
 * the counters.
 */
#ifndef IG_STORE_H
#define IG_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "../include/icmpgate.h"
#include "compile.h"

struct bpf_object;

struct ig_maps {
	int active_fd;
	int policy_fd;
	int prefixes_fd;
	int counters_fd;
	int text_fd;
	int state_fd;
	int class_buckets_fd;
	int sources_fd;
	int local_fd; /* this host's addresses on the interface */
	int ifinfo_fd; /* its MTU */
	int pmtud_fd; /* PMTUD health: MTU histograms */
	int capture_fd; /* the capture's configuration and state */
	int xsks_fd; /* the capture's AF_XDP sockets, by RX queue */
	int capture_ring_fd; /* the capture's ring buffer */
	int capture_cpu_fd; /* the capture's per-CPU counts */
	uint32_t *active; /* mmap of `active`: the live slot */
	struct ig_policy_slot *slots; /* mmap of `policy`: IG_SLOTS slots */
	struct ig_class_bucket *class_buckets; /* mmap: IG_CLASS_BUCKETS */
	struct ig_capture *capture; /* mmap of `capture` */
};

/* All fds -1, pointers NULL: safe to ig_maps_close(). */
void ig_maps_init(struct ig_maps *m);
/* From a loaded object (the skeleton's); the fds are dup'ed. */
int ig_maps_from_object(struct ig_maps *m, struct bpf_object *obj);
/* From pins in dir (IG_PIN_ROOT/<ifname>). -ENOENT if not attached. */
int ig_maps_from_pins(struct ig_maps *m, const char *dir);
/* Pin every map under dir (which must exist). */
int ig_maps_pin(const struct ig_maps *m, const char *dir);
/* Remove the pins under dir; missing pins are not an error. */
int ig_maps_unpin(const char *dir);
/*
 * An upgrade in place pins the new maps next to the old ones under
 * IG_PIN_STAGED + name, then moves each over its old name.
 */
#define IG_PIN_STAGED "staged-" /* bpffs refuses names with a dot */
int ig_maps_pin_staged(const struct ig_maps *m, const char *dir);
int ig_maps_unpin_staged(const char *dir);
/*
 * Rename every staged pin over its name (the state first), then remove
 * every other entry of dir: maps of an older layout this one has not.
 */
int ig_maps_commit_staged(const char *dir);
/*
 * 0 if dir holds every map of this build, each of its shape, and a state
 * of this layout; -EPROTO (another layout) or -ENOENT (a pin missing)
 * otherwise. Prints nothing.
 */
int ig_maps_pins_current(const char *dir);
/*
 * Return once no XDP program that started before the call still runs
 * (an RCU grace period).
 */
int ig_store_wait_readers(void);
void ig_maps_close(struct ig_maps *m);

/*
 * Make a compiled policy live: wait until no program can still be reading
 * the inactive slot, write the inactive slot (table, prefixes, text, class
 * buckets), then flip `active` with one atomic store. On error nothing
 * live has changed. A class whose rule is also in the live policy keeps
 * its bucket (a policy change is not a fresh burst for a flood); a new
 * class starts full.
 */
int ig_store_apply(struct ig_maps *m, const struct ig_compiled *c);
/*
 * The same, and record st in the state map before the flip: if that
 * write fails, the flip does not happen, so the state always describes
 * the live policy.
 */
int ig_store_apply_state(struct ig_maps *m, const struct ig_compiled *c,
			 const struct ig_state *st);
/* Is the live policy in audit mode (ig_slot_meta.audit)? */
bool ig_store_live_audit(const struct ig_maps *m);
/* Canonical text of the live policy; *text is malloc'ed. */
int ig_store_read_text(const struct ig_maps *m, char **text);

int ig_state_read(const struct ig_maps *m, struct ig_state *st);
int ig_state_write(const struct ig_maps *m, const struct ig_state *st);

/* One per-source bucket, as `top` reads it. */
struct ig_source_entry {
	struct ig_source_key key;
	struct ig_source_bucket val;
};

/* The per-source table's capacity (`attach --max-sources`). */
/*
 * Make an opened, not yet loaded object use m's maps instead of creating
 * its own: a replacement program that keeps the policy, the counters and
 * the buckets of the one it replaces.
 */
int ig_maps_reuse(const struct ig_maps *m, struct bpf_object *obj);

int ig_sources_capacity(const struct ig_maps *m, uint32_t *max_entries);
/* Buckets in use in the per-source table, and its capacity. */
int ig_sources_count(const struct ig_maps *m, uint64_t *used,
		     uint64_t *capacity);
/*
 * Every per-source bucket now in the table; *out is malloc'ed. The
 * program replaces entries while we walk: a snapshot.
 */
int ig_sources_read(const struct ig_maps *m, struct ig_source_entry **out,
		    size_t *n);

/* Counters summed over CPUs into out[IG_COUNTER_ENTRIES]. */
int ig_counters_read(const struct ig_maps *m, struct ig_counter *out);
int ig_counters_reset(const struct ig_maps *m);

/* PMTUD histograms summed over CPUs into out[IG_PMTU_ENTRIES]. */
int ig_pmtud_read(const struct ig_maps *m, struct ig_pmtu_hist *out);
int ig_pmtud_reset(const struct ig_maps *m);

#endif /* IG_STORE_H */
