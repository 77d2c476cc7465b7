/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * policy replay: a capture run through the real program under a policy,
 * and what that policy would change against the one in force
 * (replay_cmd.c, with its option table).
 */
#ifndef IG_CMD_REPLAY_CMD_H
#define IG_CMD_REPLAY_CMD_H

#include <stdbool.h>

#include "opts.h"

struct ig_policy_replay_opts {
	const char *policy; /* a file, "-" (stdin) or "default" */
	const char *pcap; /* a file or "-" */
	const char *live; /* NULL, or the interface to compare with */
	unsigned long prefix4, prefix6; /* 0: IG_DIFF_PLEN4/6 */
	unsigned long lines; /* changes printed; 0: IG_REPLAY_LINES */
	unsigned side; /* IG_SIDE_HOST (default) or IG_SIDE_TRANSIT */
	bool allow_empty;
	bool audit; /* POLICY in audit mode */
	bool json;
};

int ig_cmd_policy_replay(const void *opts);

extern const struct ig_command ig_policy_replay_cmd;

#endif /* IG_CMD_REPLAY_CMD_H */
