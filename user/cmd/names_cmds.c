// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `icmpgate names types FAMILY` and `icmpgate names reasons`
 * (names_cmds.h): the type names (aliases included) and the counter
 * reasons, as this binary knows them, so that completion and scripts
 * never carry a copy that drifts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/names_cmds.h"
#include "log.h"
#include "names.h"
#include "reasons.h"

int ig_cmd_names_types(const void *opts)
{
	const struct ig_names_types_opts *o = opts;
	int family = ig_family_by_name(o->family), type;
	const char *name;
	size_t i;

	for (i = 0; (name = ig_type_name_at(family, i, &type)) != NULL; i++)
		printf("%s\n", name);
	return 0;
}

int ig_cmd_names_reasons(const void *opts)
{
	int r;

	(void)opts;
	for (r = 0; r < IG_REASON_COUNT; r++)
		printf("%s\n", ig_reasons[r].name);
	return 0;
}

/* A bad FAMILY is a usage error (exit 2), found while parsing. */
static const char *names_types_check(const void *opts)
{
	const struct ig_names_types_opts *o = opts;
	static char *msg; /* the process prints it and exits */

	if (ig_family_by_name(o->family) >= 0)
		return NULL;
	free(msg);
	if (asprintf(&msg, "unknown family '%s': expected v4 or v6",
		     o->family) < 0)
		return "unknown family: expected v4 or v6";
	return msg;
}

static const struct ig_arg names_types_args[] = {
	{ "FAMILY", IG_OPTS_AT(struct ig_names_types_opts, family), 0 },
	IG_ARG_END,
};

const struct ig_command ig_names_types_cmd = {
	"names types",
	"list the ICMP type names of a family (v4 or v6)",
	"Print every type name FAMILY's rules accept (aliases included), one "
	"a line: for scripts and shell completion.",
	names_types_args,
	ig_no_opts,
	names_types_check,
	ig_cmd_names_types
};

const struct ig_command ig_names_reasons_cmd = {
	"names reasons",
	"list the counter reasons",
	"Print every reason a packet can be counted under, one a line, as "
	"stats --json names them.",
	ig_no_args,
	ig_no_opts,
	NULL,
	ig_cmd_names_reasons
};
