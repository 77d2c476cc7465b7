// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target: command-line parsing. The input is split at NUL bytes
 * and newlines into argv (at most 32 words) and handed to the controller's
 * parser, which must return (0 or a negative errno), never crash, and
 * never read past the words it was given. (Its help and usage text is
 * silenced by run.sh: -close_fd_mask.)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_ARGS 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 2], *buf = malloc(size + 1);
	struct ig_invocation inv;
	size_t i, start = 0;
	int argc = 1;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = "icmpgate";
	for (i = 0; i <= size && argc <= MAX_ARGS; i++) {
		if (i < size && buf[i] != '\n' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		argv[argc++] = buf + start;
		start = i + 1;
	}
	argv[argc] = NULL;
	memset(&inv, 0, sizeof(inv));
	(void)ig_cli_parse(argc, argv, &inv);
	free(buf);
	return 0;
}
