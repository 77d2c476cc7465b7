/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The metrics for monitoring: `metrics [IFACE]` prints them once, `serve
 * [IFACE] --listen ADDR:PORT` serves them over HTTP (metrics_cmds.c).
 */
#ifndef IG_CMD_METRICS_CMDS_H
#define IG_CMD_METRICS_CMDS_H

#include "opts.h"

struct ig_metrics_opts {
	const char *iface; /* NULL: every attached interface */
};

struct ig_serve_opts {
	const char *iface; /* NULL: every attached interface */
	const char *listen; /* NULL: IG_SERVE_LISTEN_DEFAULT */
};

int ig_cmd_metrics(const void *opts);
int ig_cmd_serve(const void *opts);

extern const struct ig_command ig_metrics_cmd, ig_serve_cmd;

#endif /* IG_CMD_METRICS_CMDS_H */
