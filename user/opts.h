/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The option-parsing engine: a command declares its options and positional
 * arguments in tables (name, short name, kind, range, the field of its
 * options struct they fill), next to its handler in cmd/; this fills the
 * struct from the words after the command name. The command table, global
 * options and usage text are the CLI's (cli.h).
 */
#ifndef IG_OPTS_H
#define IG_OPTS_H

#include <stdbool.h>
#include <stddef.h>

#define IG_OPTS_AT(type, field) offsetof(type, field)

/* Trailing words of a command line (`set IFACE STATEMENT...`). */
struct ig_words {
	char *const *v;
	int n;
};

enum ig_opt_kind {
	IG_OPT_BOOL, /* bool, no value */
	IG_OPT_UINT, /* unsigned long in [min, max] */
	IG_OPT_ENUM, /* unsigned, one of values[] by name */
	IG_OPT_STRING, /* const char * */
};

struct ig_enum_value {
	const char *name;
	unsigned value;
};

struct ig_opt {
	const char *name; /* long form, without "--" */
	char short_name; /* 0: none */
	enum ig_opt_kind kind;
	size_t offset; /* of the field in the command's options struct */
	const char *metavar; /* the value in usage text */
	const char *help;
	unsigned long min, max; /* IG_OPT_UINT */
	const struct ig_enum_value *values; /* IG_OPT_ENUM, ends with NULL */
};

#define IG_OPT_END                                    \
	{                                             \
		NULL, 0, 0, 0, NULL, NULL, 0, 0, NULL \
	}

enum ig_arg_flag {
	IG_ARG_OPTIONAL = 1 << 0,
	IG_ARG_REST = 1 << 1, /* every remaining word, at least one */
	IG_ARG_IFACE = 1 << 2, /* checked with ig_ifname_check() */
};

struct ig_arg {
	const char *name; /* as shown in usage: "IFACE", "FILE|-" */
	size_t offset; /* const char *, or struct ig_words for IG_ARG_REST */
	unsigned flags; /* enum ig_arg_flag */
};

#define IG_ARG_END         \
	{                  \
		NULL, 0, 0 \
	}

/* A subcommand: its tables, its help, and its handler. */
struct ig_command {
	const char *name; /* "attach", "policy apply" */
	const char *summary; /* one line for the command list */
	const char *help; /* paragraph for `CMD --help` */
	const struct ig_arg *args; /* ends with a NULL name */
	const struct ig_opt *opts; /* ends with a NULL name */
	/* NULL, or a usage error about options that do not go together. */
	const char *(*check)(const void *opts);
	/* 0, or a negative errno after printing the line that says why. */
	int (*run)(const void *opts);
};

/* For commands without arguments or options. */
extern const struct ig_arg ig_no_args[];
extern const struct ig_opt ig_no_opts[];

/* What may follow any command: -h/--help and -v/--verbose. */
struct ig_opts_common {
	bool help;
	bool verbose;
};

/*
 * Fill out, cmd's options struct, from the argc words after the command
 * name, and run cmd->check. Stops at -h/--help with common->help set. A
 * usage error prints one line and returns -EINVAL.
 */
int ig_opts_parse(const struct ig_command *cmd, int argc, char **argv,
		  void *out, struct ig_opts_common *common);

/* The option of cmd named name (len bytes: 1 for a short name), or NULL. */
const struct ig_opt *ig_opts_find(const struct ig_command *cmd,
				  const char *name, size_t len);

/*
 * "icmpgate: where: what (see 'icmpgate where --help')", or without where
 * for the program's own options; returns -EINVAL.
 */
int ig_usage_error(const char *where, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Is w -h or --help? */
bool ig_is_help(const char *w);

/*
 * A decimal number in [min, max]: -EINVAL if s is not one (signs, spaces
 * and trailing junk included), -ERANGE if out of range.
 */
int ig_parse_ulong(const char *s, unsigned long min, unsigned long max,
		   unsigned long *out);

#endif /* IG_OPTS_H */
