/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Detach what the normal session cannot open: pins of another build's
 * layout (an upgrade), or a pin directory some pins were removed from by
 * hand. The program is found from whatever is left (the state map of any
 * layout, whose first words are always ifindex, prog_id and mode; else
 * the interface itself, if it runs an icmpgate program) and detached
 * before the pins go, so that nothing is left running unseen.
 */
#ifndef IG_SALVAGE_H
#define IG_SALVAGE_H

#include <linux/types.h>

/* The words every layout's state begins with. */
struct ig_state_head {
	__u32 ifindex;
	__u32 prog_id;
	__u32 mode; /* enum ig_attach_mode */
};

/*
 * From the pinned state map of any layout in dir: 0, *h and the map's
 * value size (sizeof(struct ig_state) for this layout), or -errno.
 */
int ig_state_head_read(const char *dir, struct ig_state_head *h,
		       __u32 *value_size);

/*
 * Detach the program of name's pin directory dir (locked by the caller)
 * and remove every pin in it and the directory. 0 or a negative errno,
 * after printing why; pins stay if the program could not be detached.
 */
int ig_salvage_detach(const char *cmd, const char *name, const char *dir);

#endif /* IG_SALVAGE_H */
