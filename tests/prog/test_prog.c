// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The prog tier: the real XDP program, loaded from the skeleton and fed
 * crafted frames with BPF_PROG_TEST_RUN. Each case names a policy, a frame,
 * the verdict it must get and the one counter that must move (by exactly
 * one packet and the frame's bytes; no other counter may move). Policies
 * go in through the controller's own path: parse, compile, store.
 *
 * Rate limits run on a fake clock: the test build sets the program's
 * ig_fake_clock switch and drives ig_fake_now, so bursts and refills are
 * exact. Every table case starts an hour after the last, with full
 * buckets; the sequences after the table send many packets and check
 * what passed, what each bucket dropped, and the per-source table.
 *
 * One binary over one harness (harness.c: load, apply a policy, run a
 * frame, counter deltas); the cases and sequences sit by what they test:
 * parse.c, policy.c (lookup and policy), checks.c (validation and the
 * other checks), ratelimit.c, side.c (host or transit), replay.c (a
 * capture of frames replayed as `policy replay` does), audit.c (audit
 * mode over every kind of drop), capture.c (what `icmpgate capture`
 * takes). This file runs
 * them all in one group, the tables first, the differential test
 * (diff.c) last; `test_prog diff ...` runs that one alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static int usage(void)
{
	fprintf(stderr, "usage: test_prog [diff [--seed S|random] [--iters N] "
			"[--frames F] [--round R] [--from R] [--batch B]]\n"
			"  diff: only the differential verdict test, N frames "
			"(DIFF_ITERS, DIFF_SEED: the same for a whole run)\n");
	return 2;
}

int main(int argc, char **argv)
{
	const struct {
		const struct prog_case *cases;
		size_t n;
	} tables[] = {
		{ cases_policy, cases_policy_n },
		{ cases_parse, cases_parse_n },
		{ cases_checks, cases_checks_n },
		{ cases_ratelimit, cases_ratelimit_n },
		{ cases_audit, cases_audit_n },
	};
	const struct {
		const struct CMUnitTest *tests;
		size_t n;
	} seqs[] = {
		{ seqs_ratelimit, seqs_ratelimit_n },
		{ seqs_checks, seqs_checks_n },
		{ seqs_side, seqs_side_n },
		{ seqs_replay, seqs_replay_n },
		{ seqs_audit, seqs_audit_n },
		{ seqs_capture, seqs_capture_n },
		{ seqs_diff, seqs_diff_n },
	};
	struct CMUnitTest *tests;
	size_t i, j, n = 0;
	int rc;

	if (argc > 1 && strcmp(argv[1], "diff"))
		return usage();
	if (diff_options(argc > 1 ? argc - 2 : 0, argc > 1 ? argv + 2 : argv))
		return usage();
	if (argc > 1)
		return _cmocka_run_group_tests("prog-diff", seqs_diff,
					       seqs_diff_n, load_program,
					       unload_program);
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		n += tables[i].n;
	for (i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++)
		n += seqs[i].n;
	tests = calloc(n, sizeof(*tests));
	if (!tests)
		return 1;
	n = 0;
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		for (j = 0; j < tables[i].n; j++)
			tests[n++] = (struct CMUnitTest){
				.name = tables[i].cases[j].name,
				.test_func = run_case,
				.initial_state = (void *)&tables[i].cases[j],
			};
	}
	for (i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		for (j = 0; j < seqs[i].n; j++)
			tests[n++] = seqs[i].tests[j];
	}
	rc = _cmocka_run_group_tests("prog", tests, n, load_program,
				     unload_program);
	free(tests);
	return rc;
}
