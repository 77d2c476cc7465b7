/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The counters: stats and top (counters.c, with their option tables). */
#ifndef IG_CMD_COUNTERS_H
#define IG_CMD_COUNTERS_H

#include <stdbool.h>

#include "opts.h"

#define IG_WATCH_MAX 86400 /* seconds: a day between samples is plenty */

struct ig_stats_opts {
	const char *iface;
	bool json;
	unsigned long watch; /* seconds between samples; 0: print once */
	bool reset;
};

#define IG_TOP_DEFAULT 20 /* sources `top` lists */
#define IG_TOP_MAX 100000

struct ig_top_opts {
	const char *iface;
	unsigned long n; /* sources to list; 0: IG_TOP_DEFAULT */
	unsigned long interval; /* seconds between the two samples; 0: 1 */
	bool json;
};

int ig_cmd_stats(const void *opts);
int ig_cmd_top(const void *opts);

extern const struct ig_command ig_stats_cmd, ig_top_cmd;

#endif /* IG_CMD_COUNTERS_H */
