// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * icmpgate's entry point: parse the command line, run the subcommand, and
 * turn the outcome into the exit status (0 success, 1 failure, 2 usage).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "log.h"

int main(int argc, char **argv)
{
	struct ig_invocation inv;
	int err;

	err = ig_cli_parse(argc, argv, &inv);
	if (err)
		return 2;
	if (inv.help) {
		ig_cli_usage(stdout, &inv);
		return 0;
	}
	if (inv.version) {
		printf("icmpgate %s\n", IG_VERSION);
		return 0;
	}
	ig_log_init(inv.verbose);
	err = inv.cmd->run(&inv.opts);
	/* Every failure says why in one line; this is the line of last resort. */
	if (err && !ig_log_errors())
		pr_err("%s: %s", inv.cmd->name, strerror(-err));
	return err ? 1 : 0;
}
