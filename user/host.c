// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The process's capabilities and network namespace (host.h). No libcap
 * for one syscall; glibc has no wrapper for capget.
 */
#include <dirent.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "host.h"

#define IG_CAP_BPF 39 /* newer than some headers */

static int caps_read(struct __user_cap_data_struct *d)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};

	return syscall(SYS_capget, &hdr, d) ? -1 : 0;
}

static int has_cap(const struct __user_cap_data_struct *d, int cap)
{
	return !!(d[cap / 32].effective & (1u << (cap % 32)));
}

void ig_caps_missing(char *buf, size_t size)
{
	static const struct {
		int cap;
		const char *name;
	} caps[] = { { IG_CAP_BPF, "CAP_BPF" },
		     { CAP_NET_ADMIN, "CAP_NET_ADMIN" },
		     { CAP_SYS_ADMIN, "CAP_SYS_ADMIN" } };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = {};
	size_t i, len = 0;

	if (size)
		buf[0] = '\0';
	if (caps_read(d))
		return;
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if (!has_cap(d, caps[i].cap) && len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%s",
						len ? ", " : "", caps[i].name);
}

int ig_caps_enough(void)
{
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = {};

	if (caps_read(d))
		return 1; /* cannot tell: let the kernel say */
	return (has_cap(d, CAP_SYS_ADMIN) || has_cap(d, IG_CAP_BPF)) &&
	       has_cap(d, CAP_NET_ADMIN);
}

uint32_t ig_netns_self(void)
{
	struct stat st;

	return stat("/proc/self/ns/net", &st) ? 0 : (uint32_t)st.st_ino;
}

void ig_netns_name(uint32_t netns, char *name, size_t size)
{
	char path[PATH_MAX];
	struct dirent *e;
	struct stat st;
	DIR *d;

	name[0] = '\0';
	d = opendir("/run/netns");
	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/run/netns/%s", e->d_name);
		if (!stat(path, &st) && (uint32_t)st.st_ino == netns) {
			snprintf(name, size, "%s", e->d_name);
			break;
		}
	}
	closedir(d);
}
