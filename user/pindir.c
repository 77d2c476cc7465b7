// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Pin directories under IG_PIN_ROOT, and the checks every privileged
 * command makes before touching them (pindir.h).
 */
#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "../include/icmpgate.h"
#include "host.h"
#include "log.h"
#include "pindir.h"

#ifndef CAP_BPF
#define CAP_BPF 39 /* Linux 5.8; older UAPI headers lack it */
#endif

int ig_ifname_check(const char *name)
{
	size_t len = strlen(name);
	const char *p;

	/* The kernel's dev_valid_name(): it also keeps the pin path sane. */
	if (!len || len >= IFNAMSIZ || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return -EINVAL;
	for (p = name; *p; p++)
		if (*p == '/' || *p == ':' || *p <= ' ' || *p == 0x7f)
			return -EINVAL;
	return 0;
}

int ig_pindir_path(const char *ifname, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s/%s", IG_PIN_ROOT, ifname);

	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

int ig_priv_check(const char *cmd)
{
	char caps[64];

	if (ig_caps_enough())
		return 0;
	ig_caps_missing(caps, sizeof(caps));
	pr_err("%s: permission denied: icmpgate needs CAP_BPF (or CAP_SYS_ADMIN) and CAP_NET_ADMIN; this process lacks %s",
	       cmd, caps);
	return -EPERM;
}

int ig_bpffs_check(const char *cmd)
{
	struct statfs st;

	char ns[NAME_MAX + 1];

	if (statfs(IG_BPFFS, &st) || st.f_type != BPF_FS_MAGIC) {
		/*
		 * `ip netns exec` mounts a /sys of the namespace's own: a
		 * bpffs mounted there would hold pins no later command sees.
		 */
		ig_netns_name(ig_netns_self(), ns, sizeof(ns));
		if (ns[0])
			pr_err("%s: no bpffs at %s in this mount namespace ('ip netns exec' gives it a /sys of its own, where pins would be lost); run: nsenter --net=/run/netns/%s icmpgate %s ...",
			       cmd, IG_BPFFS, ns, cmd);
		else
			pr_err("%s: bpffs is not mounted at %s; mount it with: mount -t bpf bpf %s",
			       cmd, IG_BPFFS, IG_BPFFS);
		return -ENODEV;
	}
	return 0;
}

int ig_pindir_lock(const char *dir, bool create, int *fd)
{
	int err;

	if (create && mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	*fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*fd < 0)
		return -errno;
	if (!flock(*fd, LOCK_EX | LOCK_NB))
		return 0;
	if (errno == EWOULDBLOCK) {
		pr_debug("waiting for another icmpgate holding %s", dir);
		if (!flock(*fd, LOCK_EX))
			return 0;
	}
	err = -errno;
	close(*fd);
	*fd = -1;
	return err;
}

static int is_subdir(const struct dirent *d)
{
	return d->d_type == DT_DIR && d->d_name[0] != '.';
}

int ig_pindir_each(int (*fn)(const char *ifname, void *ctx), void *ctx)
{
	struct dirent **list;
	int n, i, err = 0;

	n = scandir(IG_PIN_ROOT, &list, is_subdir, alphasort);
	if (n < 0)
		return errno == ENOENT ? 0 : -errno;
	for (i = 0; i < n; i++) {
		if (!err)
			err = fn(list[i]->d_name, ctx);
		free(list[i]);
	}
	free(list);
	return err;
}
