/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What this process is, as far as icmpgate's errors need to tell: the
 * capabilities it lacks, and the network namespace it runs in.
 */
#ifndef IG_HOST_H
#define IG_HOST_H

#include <stddef.h>
#include <stdint.h>

/*
 * Which of CAP_BPF, CAP_NET_ADMIN and CAP_SYS_ADMIN the process lacks,
 * as "CAP_X, CAP_Y" ("" if none, or if it cannot tell).
 */
void ig_caps_missing(char *buf, size_t size);
/* Does the process have what every command on a filter needs? */
int ig_caps_enough(void);

/* The inode of this process's network namespace; 0 if unknown. */
uint32_t ig_netns_self(void);
/* The `ip netns` name of netns into name, or "" if it has none. */
void ig_netns_name(uint32_t netns, char *name, size_t size);

#endif /* IG_HOST_H */
