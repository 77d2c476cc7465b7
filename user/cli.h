/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The command line: the table of subcommands (each declared with its
 * options next to its handler in cmd/), the global options, and the usage
 * text generated from the same tables (cli.c). The options of one command
 * are parsed by the engine in opts.h.
 */
#ifndef IG_CLI_H
#define IG_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "cmd/commands.h"
#include "opts.h"

#ifndef IG_VERSION
#define IG_VERSION "0.1.0"
#endif

struct ig_invocation {
	const struct ig_command *cmd; /* NULL: no command (help, version) */
	const char *group; /* `policy --help`: the group to list */
	bool help; /* print usage of cmd (or group, or all) and stop */
	bool version;
	bool verbose;
	bool json; /* -j before the command: its --json */
	union ig_cmd_opts opts;
};

/* Every subcommand, in the order usage lists them; ends with NULL. */
extern const struct ig_command *const ig_commands[];

/*
 * Fill *inv from argv. A usage error prints one line naming what was wrong
 * and where to get help, and returns -EINVAL; main() exits 2 on it.
 */
int ig_cli_parse(int argc, char **argv, struct ig_invocation *inv);

/* Usage of inv's command, group, or of the whole program. */
void ig_cli_usage(FILE *out, const struct ig_invocation *inv);

#endif /* IG_CLI_H */
