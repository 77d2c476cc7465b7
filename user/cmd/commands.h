/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Every subcommand: one file per group of related commands in cmd/, each
 * holding its commands' options structs (in its header), their option
 * tables and their handlers. Each handler takes its options struct and
 * returns 0 or a negative errno after printing the one line that explains
 * a failure.
 */
#ifndef IG_CMD_COMMANDS_H
#define IG_CMD_COMMANDS_H

#include "cmd/attach.h"
#include "cmd/capture_cmd.h"
#include "cmd/policy_cmds.h"
#include "cmd/counters.h"
#include "cmd/metrics_cmds.h"
#include "cmd/names_cmds.h"
#include "cmd/replay_cmd.h"
#include "cmd/status.h"

/* Room for the options of any one command. */
union ig_cmd_opts {
	struct ig_attach_opts attach;
	struct ig_detach_opts detach;
	struct ig_upgrade_opts upgrade;
	struct ig_sync_opts sync;
	struct ig_status_opts status;
	struct ig_policy_apply_opts policy_apply;
	struct ig_policy_show_opts policy_show;
	struct ig_policy_check_opts policy_check;
	struct ig_policy_replay_opts policy_replay;
	struct ig_set_opts set;
	struct ig_unset_opts unset;
	struct ig_stats_opts stats;
	struct ig_top_opts top;
	struct ig_metrics_opts metrics;
	struct ig_serve_opts serve;
	struct ig_names_types_opts names_types;
	struct ig_capture_opts capture;
};

#endif /* IG_CMD_COMMANDS_H */
