// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Detach without the session (salvage.h): for pins of another layout, or
 * a pin directory missing some of its pins.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "../include/icmpgate.h"
#include "loader.h"
#include "log.h"
#include "salvage.h"

int ig_state_head_read(const char *dir, struct ig_state_head *h,
		       __u32 *value_size)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), key = 0;
	char path[PATH_MAX];
	void *buf = NULL;
	int fd, err;

	snprintf(path, sizeof(path), "%s/%s", dir, IG_PIN_STATE);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	err = bpf_obj_get_info_by_fd(fd, &info, &len) ? -errno : 0;
	if (!err && info.value_size < sizeof(*h))
		err = -EPROTO;
	if (!err) {
		buf = calloc(1, info.value_size);
		err = buf ? 0 : -ENOMEM;
	}
	if (!err && bpf_map_lookup_elem(fd, &key, buf))
		err = -errno;
	if (!err) {
		memcpy(h, buf, sizeof(*h));
		*value_size = info.value_size;
	}
	free(buf);
	close(fd);
	return err;
}

/* Every pin of dir, and dir. */
static int remove_all(const char *cmd, const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	int err = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return ig_fail(cmd, -errno, "cannot read %s", dir);
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (unlink(path) && !err)
			err = ig_fail(cmd, -errno, "cannot remove %s", path);
	}
	closedir(d);
	if (!err && rmdir(dir))
		err = ig_fail(cmd, -errno, "cannot remove %s", dir);
	return err;
}

int ig_salvage_detach(const char *cmd, const char *name, const char *dir)
{
	unsigned int ifindex = if_nametoindex(name);
	struct ig_xdp_owner owner;
	struct ig_state_head h;
	__u32 size = 0;
	int err;

	err = ig_state_head_read(dir, &h, &size);
	if (!err) {
		if (ifindex && h.ifindex != ifindex) {
			pr_err("%s: %s: the pins record ifindex %u, but %s is ifindex %u here: attached in another network namespace, or the interface was re-created; run detach where it was attached",
			       cmd, dir, h.ifindex, name, ifindex);
			return -EXDEV;
		}
		pr_info("%s: %s: pins of %s (state of %u bytes, this build's is %zu); detaching program %u",
			cmd, name,
			size == sizeof(struct ig_state) ?
				"this layout, some missing" :
				"another build",
			size, sizeof(struct ig_state), h.prog_id);
	} else if (ifindex && !ig_loader_query((int)ifindex, &owner) &&
		   owner.ours) {
		/* No state left: the icmpgate program on the interface. */
		h.ifindex = ifindex;
		h.prog_id = owner.prog_id;
		h.mode = owner.generic ? IG_MODE_SKB : IG_MODE_NATIVE;
		pr_info("%s: %s has no state pin; detaching the icmpgate program %u it runs",
			cmd, name, h.prog_id);
	} else {
		pr_warn("%s: %s: no state pin and no icmpgate program on %s; removing the pins",
			cmd, dir, name);
		return remove_all(cmd, dir);
	}
	err = ig_loader_detach((int)h.ifindex, h.prog_id, h.mode);
	if (err == -ENOENT || err == -ENODEV || err == -EINVAL) {
		pr_warn("%s: program %u is no longer attached to %s; removing its pins",
			cmd, h.prog_id, name);
	} else if (err) {
		return ig_fail(cmd, err, "cannot detach program %u from %s",
			       h.prog_id, name);
	}
	return remove_all(cmd, dir);
}
