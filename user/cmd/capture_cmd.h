/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* capture: what the program drops (or passes), as pcap or lines. */
#ifndef IG_CMD_CAPTURE_CMD_H
#define IG_CMD_CAPTURE_CMD_H

#include <stdbool.h>

#include "opts.h"

struct ig_capture_opts {
	const char *iface;
	const char *write; /* -w FILE|-; NULL: one line a packet */
	unsigned long count; /* -c; 0: until stopped */
	const char *reasons;
	const char *types;
	const char *sample;
	unsigned long snaplen;
	unsigned long duration; /* seconds; 0: until stopped */
	unsigned long rate;
	bool passed;
	bool ring;
};

int ig_cmd_capture(const void *opts);

extern const struct ig_command ig_capture_cmd;

#endif /* IG_CMD_CAPTURE_CMD_H */
