// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The option-parsing engine (opts.h): one command's words, options and
 * positional arguments, into its options struct by its tables.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "opts.h"
#include "pindir.h"

const struct ig_arg ig_no_args[] = { IG_ARG_END };
const struct ig_opt ig_no_opts[] = { IG_OPT_END };

/* One command line being parsed into out. */
struct parse {
	const struct ig_command *cmd;
	char *out; /* the command's options struct */
	struct ig_opts_common *common;
};

int ig_parse_ulong(const char *s, unsigned long min, unsigned long max,
		   unsigned long *out)
{
	unsigned long v;
	char *end;

	/* strtoul() would take "-1" as ULONG_MAX and skip leading blanks. */
	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno)
		return -errno;
	if (*end)
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int ig_usage_error(const char *where, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;

	/* Any length: an option value is the user's, and may be long. */
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (where)
		pr_err("%s: %s (see 'icmpgate %s --help')", where,
		       msg ? msg : fmt, where);
	else
		pr_err("%s (see 'icmpgate --help')", msg ? msg : fmt);
	free(msg);
	return -EINVAL;
}

bool ig_is_help(const char *w)
{
	return !strcmp(w, "-h") || !strcmp(w, "--help");
}

const struct ig_opt *ig_opts_find(const struct ig_command *cmd,
				  const char *name, size_t len)
{
	const struct ig_opt *o;

	for (o = cmd->opts; o->name; o++) {
		if (len == 1 && o->short_name == name[0])
			return o;
		if (len > 1 && strlen(o->name) == len &&
		    !strncmp(o->name, name, len))
			return o;
	}
	return NULL;
}

static int set_enum(const struct ig_command *cmd, const struct ig_opt *o,
		    const char *val, unsigned *field)
{
	const struct ig_enum_value *v;

	for (v = o->values; v->name; v++) {
		if (!strcmp(v->name, val)) {
			*field = v->value;
			return 0;
		}
	}
	return ig_usage_error(cmd->name, "invalid value '%s' for --%s (%s)",
			      val, o->name, o->metavar);
}

static int set_uint(const struct ig_command *cmd, const struct ig_opt *o,
		    const char *val, unsigned long *field)
{
	int err = ig_parse_ulong(val, o->min, o->max, field);

	if (err == -ERANGE)
		return ig_usage_error(
			cmd->name,
			"value '%s' for --%s is out of range %lu-%lu", val,
			o->name, o->min, o->max);
	if (err)
		return ig_usage_error(
			cmd->name, "invalid value '%s' for --%s: not a number",
			val, o->name);
	return 0;
}

/*
 * argv[*i] is an option: --name, --name=VALUE, --name VALUE, -x, -x VALUE.
 * Advances *i past a separate value.
 */
static int parse_option(struct parse *ps, int argc, char **argv, int *i)
{
	const struct ig_command *cmd = ps->cmd;
	const char *word = argv[*i], *name, *val = NULL, *eq;
	char *field = ps->out;
	const struct ig_opt *o;
	size_t len;

	if (word[1] == '-') {
		name = word + 2;
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		val = eq ? eq + 1 : NULL;
		if (len < 2)
			return ig_usage_error(cmd->name, "unknown option '%s'",
					      word);
	} else {
		name = word + 1;
		len = strlen(name);
		if (len != 1)
			return ig_usage_error(cmd->name, "unknown option '%s'",
					      word);
	}
	if (!val && ig_is_help(word)) {
		ps->common->help = true;
		return 0;
	}
	if (!val && (!strcmp(word, "-v") || !strcmp(word, "--verbose"))) {
		ps->common->verbose = true;
		return 0;
	}
	o = ig_opts_find(cmd, name, len);
	if (!o)
		return ig_usage_error(cmd->name, "unknown option '%s'", word);
	if (o->kind == IG_OPT_BOOL) {
		if (val)
			return ig_usage_error(cmd->name,
					      "option --%s takes no value",
					      o->name);
		*(bool *)(field + o->offset) = true;
		return 0;
	}
	if (!val) {
		if (*i + 1 >= argc)
			return ig_usage_error(cmd->name, "option --%s needs %s",
					      o->name, o->metavar);
		val = argv[++*i];
	}
	switch (o->kind) {
	case IG_OPT_ENUM:
		return set_enum(cmd, o, val, (unsigned *)(field + o->offset));
	case IG_OPT_UINT:
		return set_uint(cmd, o, val,
				(unsigned long *)(field + o->offset));
	default:
		*(const char **)(field + o->offset) = val;
		return 0;
	}
}

/* A positional word for arg *a; takes every remaining word for a rest. */
static int set_arg(struct parse *ps, const struct ig_arg *a, int argc,
		   char **argv, int *i)
{
	char *field = ps->out + a->offset;
	struct ig_words *words;

	if (a->flags & IG_ARG_REST) {
		words = (struct ig_words *)field;
		words->v = argv + *i;
		words->n = argc - *i;
		*i = argc;
		return 0;
	}
	if ((a->flags & IG_ARG_IFACE) && ig_ifname_check(argv[*i]))
		return ig_usage_error(ps->cmd->name,
				      "invalid interface name '%s'", argv[*i]);
	*(const char **)field = argv[*i];
	return 0;
}

int ig_opts_parse(const struct ig_command *cmd, int argc, char **argv,
		  void *out, struct ig_opts_common *common)
{
	struct parse parse = { cmd, out, common }, *ps = &parse;
	const struct ig_arg *a = cmd->args;
	const char *conflict;
	bool dashdash = false;
	int i, err;

	for (i = 0; i < argc; i++) {
		/* A lone "-" is stdin, a positional. */
		if (!dashdash && argv[i][0] == '-' && argv[i][1]) {
			if (!strcmp(argv[i], "--")) {
				dashdash = true;
				continue;
			}
			err = parse_option(ps, argc, argv, &i);
			if (err || ps->common->help)
				return err;
			continue;
		}
		if (!a->name)
			return ig_usage_error(
				cmd->name, "unexpected argument '%s'", argv[i]);
		err = set_arg(ps, a++, argc, argv, &i);
		if (err)
			return err;
	}
	if (a->name && !(a->flags & IG_ARG_OPTIONAL))
		return ig_usage_error(cmd->name, "missing %s", a->name);
	conflict = cmd->check ? cmd->check(ps->out) : NULL;
	if (conflict)
		return ig_usage_error(cmd->name, "%s", conflict);
	return 0;
}
