/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The attachment's lifecycle: attach, detach, upgrade, sync (attach.c, with their
 * option tables).
 */
#ifndef IG_CMD_ATTACH_H
#define IG_CMD_ATTACH_H

#include <stdbool.h>

#include "opts.h"

struct ig_attach_opts {
	const char *iface;
	unsigned mode; /* enum ig_attach_mode */
	const char *policy; /* NULL: the built-in default policy */
	unsigned long max_sources; /* 0: IG_MAX_SOURCES_DEFAULT */
	bool allow_empty; /* a --policy without statements is not an error */
	bool replace; /* already attached: swap program and policy in place */
	bool audit; /* the policy in audit mode */
};

struct ig_detach_opts {
	const char *iface;
};

struct ig_upgrade_opts {
	const char *iface;
};

struct ig_sync_opts {
	const char *iface;
};

int ig_cmd_attach(const void *opts);
int ig_cmd_detach(const void *opts);
int ig_cmd_sync(const void *opts);
int ig_cmd_upgrade(const void *opts);

extern const struct ig_command ig_attach_cmd, ig_detach_cmd, ig_sync_cmd,
	ig_upgrade_cmd;

#endif /* IG_CMD_ATTACH_H */
