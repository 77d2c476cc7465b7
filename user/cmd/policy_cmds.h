/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The commands that read or change a policy: policy apply, show, check and
 * default, set and unset (policy_cmds.c, with their option tables).
 */
#ifndef IG_CMD_POLICY_CMDS_H
#define IG_CMD_POLICY_CMDS_H

#include <stdbool.h>

#include "opts.h"

struct ig_policy_apply_opts {
	const char *iface;
	const char *file; /* "-": stdin */
	bool allow_empty; /* input without statements is not an error */
	bool audit; /* in audit mode, whatever the file says */
};

struct ig_policy_show_opts {
	const char *iface;
	bool json;
};

struct ig_policy_check_opts {
	const char *file; /* "-": stdin */
	bool allow_empty;
};

struct ig_set_opts {
	const char *iface;
	struct ig_words statement; /* joined with spaces */
};

struct ig_unset_opts {
	const char *iface;
	struct ig_words what; /* "v4|v6 TYPE[/CODE]" or "allow|block CIDR" */
};

int ig_cmd_policy_apply(const void *opts);
int ig_cmd_policy_show(const void *opts);
int ig_cmd_policy_check(const void *opts);
int ig_cmd_policy_default(const void *opts);
int ig_cmd_set(const void *opts);
int ig_cmd_unset(const void *opts);

extern const struct ig_command ig_policy_apply_cmd, ig_policy_show_cmd,
	ig_policy_check_cmd, ig_policy_default_cmd, ig_set_cmd, ig_unset_cmd;

#endif /* IG_CMD_POLICY_CMDS_H */
