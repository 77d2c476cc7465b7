/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Policy input: a file or stdin read whole, and what it takes to refuse
 * input that would replace a policy by accident (issue 12): a read that
 * failed half-way, a directory, or a text with no statement in it, which
 * would otherwise parse as "pass everything".
 */
#ifndef IG_INPUT_H
#define IG_INPUT_H

#include <stdbool.h>
#include <stddef.h>

/* Policy files are read whole; comments make them larger than the text. */
#define IG_INPUT_MAX (16u << 20)

/*
 * The whole of path ("-": stdin), NUL-terminated, into *text (malloc'ed).
 * -EISDIR for a directory, -EFBIG above max bytes, or the -errno of the
 * open or read that failed: input cut short by an error is never returned
 * as if it were all there was.
 */
int ig_input_read(const char *path, size_t max, char **text, size_t *len);

/*
 * Does text hold at least one statement, by the policy language's rules
 * (blank lines and '#' comments are none)? An empty file, /dev/null and
 * the output of a failed `policy show` have none.
 */
bool ig_input_has_statement(const char *text, size_t len);

#endif /* IG_INPUT_H */
