/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Load and attach the XDP program (skeleton + libxdp), find it again on an
 * interface, and detach it. libxdp puts the program behind its multi-program
 * dispatcher when the kernel allows it, and otherwise attaches it alone
 * ("legacy" mode); every function here works both ways and says which.
 */
#ifndef IG_LOADER_H
#define IG_LOADER_H

#include <stdbool.h>
#include <stdint.h>

struct bpf_object;
struct icmpgate_bpf;
struct xdp_program;

/* A program this process loaded and attached. */
struct ig_loaded {
	struct icmpgate_bpf *skel;
	struct xdp_program *prog;
	int ifindex;
	unsigned mode; /* enum ig_attach_mode */
	bool attached;
	bool replaced; /* by ig_loader_swap(): no libxdp handle */
};

/* Where our program is, as the kernel reports it. */
struct ig_attach_info {
	uint32_t prog_id;
	bool multiprog; /* behind libxdp's dispatcher */
	unsigned mode; /* enum ig_attach_mode */
};

/*
 * Open the skeleton, size the per-source table for max_sources buckets,
 * and let libxdp load and attach it to ifindex in mode (enum
 * ig_attach_mode). On error nothing is attached and *l is closed.
 */
int ig_loader_attach(struct ig_loaded *l, int ifindex, unsigned mode,
		     uint32_t max_sources);
/*
 * Size an opened, not yet loaded skeleton's per-source table: max_sources
 * buckets (rounded down to even), in an array of max_sources / 2 sets.
 */
int ig_loader_size_sources(struct icmpgate_bpf *skel, uint32_t max_sources);
/*
 * Open and load a copy of the program that is never attached, for
 * BPF_PROG_TEST_RUN (policy replay, the prog tier): max_sources buckets,
 * and with fake_clock the rate limiter and the side cache read the time
 * from the skeleton's bss->ig_fake_now, which the caller drives. *skel
 * is NULL on error.
 */
int ig_loader_load_detached(struct icmpgate_bpf **skel, uint32_t max_sources,
			    bool fake_clock);
/*
 * Open and load a new copy of the program for ifindex in mode, without
 * attaching it: on the maps of reuse (an attached program's: policy,
 * counters and buckets carry over), or with maps of its own and room for
 * max_sources per-source buckets when reuse is NULL. On error *l is
 * closed.
 */
struct ig_maps;
int ig_loader_prepare(struct ig_loaded *l, int ifindex, unsigned mode,
		      uint32_t max_sources, const struct ig_maps *reuse);
/*
 * Swap the prepared program for program old_prog_id on its interface in
 * one step (XDP_FLAGS_REPLACE with the old program's fd), without the
 * dispatcher: legacy mode only. On error nothing changed.
 */
int ig_loader_swap(struct ig_loaded *l, uint32_t old_prog_id);
/* The kernel's id of the program of *l. */
uint32_t ig_loader_prog_id(const struct ig_loaded *l);

/* The loaded object, for ig_maps_from_object(). */
struct bpf_object *ig_loader_object(const struct ig_loaded *l);
/* Where the program of *l is attached now. */
int ig_loader_info(const struct ig_loaded *l, struct ig_attach_info *info);
/* Undo ig_loader_attach(): detach (if attached) and close. */
int ig_loader_rollback(struct ig_loaded *l);
/* Close the handles; the program stays attached. */
void ig_loader_close(struct ig_loaded *l);

/* Is program prog_id attached to ifindex? 0 and *info, or -ENOENT. */
int ig_loader_find(int ifindex, uint32_t prog_id, struct ig_attach_info *info);
/* Detach program prog_id from ifindex, in the mode it was attached with. */
int ig_loader_detach(int ifindex, uint32_t prog_id, unsigned mode);

/* The XDP program on an interface, whoever attached it. */
struct ig_xdp_owner {
	uint32_t prog_id;
	char name[16]; /* the kernel's name of it; "" if unknown */
	bool ours; /* named IG_PROG_NAME: an icmpgate program */
	bool dispatcher; /* libxdp's dispatcher */
	bool generic; /* attached in skb (generic) mode */
};

/* What XDP program ifindex runs: 0 and *owner, or -ENOENT for none. */
int ig_loader_query(int ifindex, struct ig_xdp_owner *owner);

const char *ig_mode_name(unsigned mode);

#endif /* IG_LOADER_H */
