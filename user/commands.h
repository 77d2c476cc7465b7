/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One function per subcommand; each takes its options struct (cli.h) and
 * returns 0 or a negative errno after printing the one line that explains
 * a failure.
 */
#ifndef IG_COMMANDS_H
#define IG_COMMANDS_H

int ig_cmd_attach(const void *opts);
int ig_cmd_detach(const void *opts);
int ig_cmd_sync(const void *opts);
int ig_cmd_status(const void *opts);
int ig_cmd_policy_apply(const void *opts);
int ig_cmd_policy_show(const void *opts);
int ig_cmd_policy_check(const void *opts);
int ig_cmd_policy_default(const void *opts);
int ig_cmd_set(const void *opts);
int ig_cmd_unset(const void *opts);
int ig_cmd_stats(const void *opts);
int ig_cmd_top(const void *opts);

#endif /* IG_COMMANDS_H */
