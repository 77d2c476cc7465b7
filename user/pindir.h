/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Where an attachment lives in bpffs (IG_PIN_ROOT/<ifname>/), and what every
 * privileged command checks before it touches it: privileges, a mounted
 * bpffs, a sane interface name. Mutating commands hold an flock on the pin
 * directory so that two of them never interleave.
 */
#ifndef IG_PINDIR_H
#define IG_PINDIR_H

#include <stdbool.h>
#include <stddef.h>

#define IG_BPFFS "/sys/fs/bpf"

/* 0 if name can be a Linux interface name, -EINVAL otherwise. */
int ig_ifname_check(const char *name);

/* IG_PIN_ROOT/<ifname> into buf; -ENAMETOOLONG if it does not fit. */
int ig_pindir_path(const char *ifname, char *buf, size_t size);

/*
 * The checks below print the one line that explains a failure, prefixed
 * with cmd, and return a negative errno.
 */

/* -EPERM unless we have CAP_SYS_ADMIN, or CAP_BPF and CAP_NET_ADMIN. */
int ig_priv_check(const char *cmd);
/* -ENODEV unless a bpffs is mounted at IG_BPFFS. */
int ig_bpffs_check(const char *cmd);

/*
 * Open dir and take an exclusive flock on it, waiting for any other
 * holder; *fd keeps the lock until closed. With create, make dir (0700)
 * first if it does not exist.
 */
int ig_pindir_lock(const char *dir, bool create, int *fd);

/*
 * Call fn for every attachment directory under IG_PIN_ROOT, sorted by
 * name; stops at and returns the first non-zero return of fn. No root
 * directory means no attachments: fn is never called.
 */
int ig_pindir_each(int (*fn)(const char *ifname, void *ctx), void *ctx);

#endif /* IG_PINDIR_H */
