/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * This host's addresses on an interface, as PMTUD validation and the
 * broadcast echo check need them (include/icmpgate.h, struct
 * ig_local_key): read from the kernel, and written into the program's
 * local-address map without a moment in which the map lacks an address
 * that is still ours.
 */
#ifndef IG_LOCALADDR_H
#define IG_LOCALADDR_H

#include <stddef.h>
#include <stdint.h>

#include "../include/icmpgate.h"
#include "store.h"

struct ig_local_entry {
	struct ig_local_key key;
	struct ig_local_value value;
};

/* The addresses of one interface and its MTU. */
struct ig_local_set {
	struct ig_local_entry e[IG_MAX_LOCAL];
	size_t n;
	uint32_t mtu;
};

/*
 * Add an address (family IG_FAM_V4 or IG_FAM_V6, 4 or 16 bytes) of kind
 * (enum ig_local_kind). Duplicates are kept once. -E2BIG when full.
 */
int ig_local_add(struct ig_local_set *s, int family, const void *addr,
		 uint32_t kind);

/*
 * The addresses of interface ifname in the current network namespace
 * (IPv4 with their broadcast addresses, IPv6 link-local ones included)
 * and its MTU.
 */
int ig_local_read(const char *ifname, struct ig_local_set *s);

/*
 * Make the program's map hold exactly s: every entry of s is written
 * first, then the entries that are no longer in s are deleted, so a
 * packet never finds an address missing that is ours before and after.
 * Then the MTU and the time are recorded. *added and *removed (may be
 * NULL) say what changed.
 */
int ig_local_sync(const struct ig_maps *m, const struct ig_local_set *s,
		  size_t *added, size_t *removed);

/* What the last sync recorded: MTU, number of addresses, time. */
int ig_ifinfo_read(const struct ig_maps *m, struct ig_ifinfo *info);

#endif /* IG_LOCALADDR_H */
