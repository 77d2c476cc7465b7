// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * verifier_budget: how much of the kernel verifier's budget icmpgate's XDP
 * program uses. Loads the program (not attached, maps not pinned) with the
 * verifier's statistics on and prints its last line: instructions
 * processed out of the 1,000,000 it allows, and the states it kept. A
 * change that adds a check to the packet path should say what it cost here
 * as well as in nanoseconds: past the limit the program does not load.
 *
 * Usage: verifier_budget [--verbose]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "icmpgate.h" /* the skeleton names its structs */
#include "icmpgate.skel.h"
#include "toolutil.h"

#define LOG_SIZE (1u << 20)
#define LOG_STATS 4 /* BPF_LOG_STATS: the summary only */
#define LOG_ALL 5 /* and the walk, for --verbose */

int main(int argc, char **argv)
{
	bool verbose = argc > 1 && !strcmp(argv[1], "--verbose");
	struct icmpgate_bpf *skel;
	const char *line;
	char *log;
	int err;

	bu_init("verifier_budget", verbose);
	log = calloc(1, LOG_SIZE);
	skel = icmpgate_bpf__open();
	if (!log || !skel) {
		pr_err("cannot open the program");
		return 1;
	}
	bpf_program__set_log_level(skel->progs.icmpgate_xdp,
				   verbose ? LOG_ALL : LOG_STATS);
	bpf_program__set_log_buf(skel->progs.icmpgate_xdp, log, LOG_SIZE);
	err = icmpgate_bpf__load(skel);
	/* "processed N insns (limit 1000000) max_states_per_insn ..." */
	line = strstr(log, "processed ");
	if (line)
		printf("%.*s\n", (int)strcspn(line, "\n"), line);
	else
		fputs(log, stdout);
	if (err) {
		/* The verifier's reason is its last lines. */
		fputs(verbose ? log : "", stderr);
		pr_err("the program did not load: %s (--verbose for the verifier's log)",
		       strerror(-err));
	}
	icmpgate_bpf__destroy(skel);
	free(log);
	return err ? 1 : 0;
}
