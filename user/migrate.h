/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Upgrade in place across pin layouts: an attachment made by a build of
 * another layout (IG_LAYOUT) is moved to this build with no moment
 * unfiltered. Its maps are read by name and shape, never by what one
 * layout number meant: the live policy text (`active` and
 * `policy_text`), and each map this build would carry (counters,
 * per-source buckets) only where its type and sizes are exactly this
 * build's; whatever else differs starts afresh, and is named.
 */
#ifndef IG_MIGRATE_H
#define IG_MIGRATE_H

#include <stdint.h>

#include "compile.h"

/*
 * The policy of the attachment pinned in dir, as its text: *text is
 * malloc'ed, *len its length. Works for every layout whose `active` and
 * `policy_text` maps keep their shape (a slot number; a length and the
 * text). -EPROTO if they do not.
 */
int ig_migrate_read_policy(const char *dir, char **text, size_t *len);

/*
 * Replace the program of another layout pinned in dir (name's pin
 * directory, which the caller has locked) with this build's: a new
 * program with maps of its own, given policy c, the counters and the
 * per-source buckets where their shape allows (max_sources 0: the old
 * table's size), swapped in with one netlink request (XDP_FLAGS_REPLACE),
 * then the old pins replaced by the new. On error before the swap
 * nothing changed; 0 or -errno, after printing why.
 */
int ig_migrate(const char *cmd, const char *name, const char *dir,
	       const struct ig_compiled *c, uint32_t max_sources);

#endif /* IG_MIGRATE_H */
