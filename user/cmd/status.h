/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* status: where the filter is attached, and how (status.c). */
#ifndef IG_CMD_STATUS_H
#define IG_CMD_STATUS_H

#include <stdbool.h>

#include "opts.h"

struct ig_status_opts {
	const char *iface; /* NULL: every attached interface */
	bool json;
};

int ig_cmd_status(const void *opts);

extern const struct ig_command ig_status_cmd;

#endif /* IG_CMD_STATUS_H */
