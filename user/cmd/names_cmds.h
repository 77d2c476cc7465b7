/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The names the program knows, one a line, for scripts and shell
 * completion: `names types FAMILY` and `names reasons` (names_cmds.c).
 */
#ifndef IG_CMD_NAMES_CMDS_H
#define IG_CMD_NAMES_CMDS_H

#include "opts.h"

struct ig_names_types_opts {
	const char *family; /* "v4" or "v6" */
};

int ig_cmd_names_types(const void *opts);
int ig_cmd_names_reasons(const void *opts);

extern const struct ig_command ig_names_types_cmd, ig_names_reasons_cmd;

#endif /* IG_CMD_NAMES_CMDS_H */
