/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The attachment session: what every command that works on an attached
 * interface shares. Open its pins (checked against the contract by the
 * store), probe whether the recorded program still runs there, hold the
 * pin directory's lock while changing it, and make a compiled policy live
 * with the interface's addresses synced first. Every function prints the
 * one line that explains a failure, prefixed with cmd.
 */
#ifndef IG_SESSION_H
#define IG_SESSION_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compile.h"
#include "host.h"
#include "loader.h"
#include "store.h"

/* An attachment as the pins show it. */
struct ig_iface {
	const char *name;
	char dir[PATH_MAX];
	int lock_fd; /* -1: not locked */
	struct ig_maps maps;
	struct ig_state state;
};

/* Is the program recorded in st still attached, and how? */
struct ig_live {
	bool attached;
	const char *why_not;
	struct ig_attach_info info;
};

enum ig_open_flag {
	IG_OPEN_LOCK = 1 << 0, /* hold the pin directory's lock */
	/* Read only: an attachment of another network namespace is fine. */
	IG_OPEN_ANY_NETNS = 1 << 3,
	/* A directory without its pins: return -ENOENT quietly, still open. */
	IG_OPEN_LEFTOVER = 1 << 1,
	/*
	 * The program must still be attached: changing the policy of an
	 * interface that was deleted (or re-created under the same name)
	 * would report success and filter nothing.
	 */
	IG_OPEN_LIVE = 1 << 2,
};

/* What every command that touches BPF or bpffs needs first. */
int ig_env_check(const char *cmd);

/* CLOCK_REALTIME in nanoseconds: the times the state records. */
uint64_t ig_now_ns(void);

/* Closed and unlocked, maps unopened: safe to ig_iface_close(). */
void ig_iface_init(struct ig_iface *i, const char *name);
void ig_iface_close(struct ig_iface *i);

void ig_probe_live(const char *name, const struct ig_state *st,
		   struct ig_live *lv);

/* "net:[INODE]", with its `ip netns` name when it has one. */
void ig_netns_describe(uint32_t netns, char *buf, size_t size);
/*
 * -EXDEV, after saying where to run cmd, if st was attached in another
 * network namespace (whose ifindex means another interface here).
 */
int ig_netns_check(const char *cmd, const char *name,
		   const struct ig_state *st);

/*
 * Open the pins of an attached interface (enum ig_open_flag). On failure i
 * is closed, except for -ENOENT with IG_OPEN_LEFTOVER.
 */
int ig_open_pins(const char *cmd, const char *name, unsigned flags,
		 struct ig_iface *i);

/* ig_env_check(), then ig_open_pins(). */
int ig_iface_open(const char *cmd, const char *name, unsigned flags,
		  struct ig_iface *i);

/*
 * Give the program the interface's addresses and MTU (localaddr.h). n is
 * the number of addresses, *added and *removed what changed.
 */
int ig_sync_local(const char *cmd, struct ig_iface *i, size_t *n, size_t *added,
		  size_t *removed, uint32_t *mtu);

/*
 * Make a compiled policy live and record it in the state, which the store
 * writes before the flip. If either fails, the old policy stays in force
 * and the state still describes it. The interface's addresses are synced
 * first: a policy that validates must not see a stale list.
 */
int ig_apply_compiled(const char *cmd, struct ig_iface *i,
		      const struct ig_compiled *c);

/* ig_apply_compiled(), and say so. */
int ig_apply_reported(const char *cmd, struct ig_iface *i,
		      const struct ig_compiled *c);

/*
 * -EEXIST with the line that says so if i->dir exists (a live attachment
 * or a stale one), 0 if it does not.
 */
int ig_already_attached(const char *cmd, const struct ig_iface *i);

/*
 * The canonical text of i's live policy into *text (malloc'ed), and the
 * name errors give it ("live policy of eth0") into source.
 */
int ig_live_text(const char *cmd, const struct ig_iface *i, char **text,
		 char *source, size_t size);

/* Why libxdp attached without its dispatcher, as recorded at attach. */
const char *ig_legacy_why(const struct ig_state *st);

#endif /* IG_SESSION_H */
