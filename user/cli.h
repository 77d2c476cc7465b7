/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The command line: one options struct per subcommand, filled from a table
 * of options and positional arguments per subcommand (cli.c), and the
 * usage text generated from the same tables.
 */
#ifndef IG_CLI_H
#define IG_CLI_H

#include <stdbool.h>
#include <stdio.h>

#ifndef IG_VERSION
#define IG_VERSION "0.1.0"
#endif

#define IG_WATCH_MAX 86400 /* seconds: a day between samples is plenty */

/* Trailing words of a command line (`set IFACE STATEMENT...`). */
struct ig_words {
	char *const *v;
	int n;
};

struct ig_attach_opts {
	const char *iface;
	unsigned mode; /* enum ig_attach_mode */
	const char *policy; /* NULL: the built-in default policy */
	unsigned long max_sources; /* 0: IG_MAX_SOURCES_DEFAULT */
	bool allow_empty; /* a --policy without statements is not an error */
	bool replace; /* already attached: swap program and policy in place */
};

struct ig_detach_opts {
	const char *iface;
};

struct ig_sync_opts {
	const char *iface;
};

struct ig_status_opts {
	const char *iface; /* NULL: every attached interface */
	bool json;
};

struct ig_policy_apply_opts {
	const char *iface;
	const char *file; /* "-": stdin */
	bool allow_empty; /* input without statements is not an error */
};

struct ig_policy_show_opts {
	const char *iface;
	bool json;
};

struct ig_policy_check_opts {
	const char *file; /* "-": stdin */
	bool allow_empty;
};

struct ig_set_opts {
	const char *iface;
	struct ig_words statement; /* joined with spaces */
};

struct ig_unset_opts {
	const char *iface;
	struct ig_words what; /* "v4|v6 TYPE[/CODE]" or "allow|block CIDR" */
};

#define IG_TOP_DEFAULT 20 /* sources `top` lists */
#define IG_TOP_MAX 100000

struct ig_top_opts {
	const char *iface;
	unsigned long n; /* sources to list; 0: IG_TOP_DEFAULT */
	unsigned long interval; /* seconds between the two samples; 0: 1 */
	bool json;
};

struct ig_stats_opts {
	const char *iface;
	bool json;
	unsigned long watch; /* seconds between samples; 0: print once */
	bool reset;
};

union ig_cmd_opts {
	struct ig_attach_opts attach;
	struct ig_detach_opts detach;
	struct ig_sync_opts sync;
	struct ig_status_opts status;
	struct ig_policy_apply_opts policy_apply;
	struct ig_policy_show_opts policy_show;
	struct ig_policy_check_opts policy_check;
	struct ig_set_opts set;
	struct ig_unset_opts unset;
	struct ig_stats_opts stats;
	struct ig_top_opts top;
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

struct ig_command {
	const char *name; /* "attach", "policy apply" */
	const char *summary; /* one line for the command list */
	const char *help; /* paragraph for `CMD --help` */
	const struct ig_arg *args; /* ends with a NULL name */
	const struct ig_opt *opts; /* ends with a NULL name */
	/* NULL, or a usage error about options that do not go together. */
	const char *(*check)(const void *opts);
	int (*run)(const void *opts);
};

struct ig_invocation {
	const struct ig_command *cmd; /* NULL: no command (help, version) */
	const char *group; /* `policy --help`: the group to list */
	bool help; /* print usage of cmd (or group, or all) and stop */
	bool version;
	bool verbose;
	bool json; /* -j before the command: its --json */
	union ig_cmd_opts opts;
};

extern const struct ig_command ig_commands[];

/*
 * Fill *inv from argv. A usage error prints one line naming what was wrong
 * and where to get help, and returns -EINVAL; main() exits 2 on it.
 */
int ig_cli_parse(int argc, char **argv, struct ig_invocation *inv);

/* Usage of inv's command, group, or of the whole program. */
void ig_cli_usage(FILE *out, const struct ig_invocation *inv);

/*
 * A decimal number in [min, max]: -EINVAL if s is not one (signs, spaces
 * and trailing junk included), -ERANGE if out of range.
 */
int ig_parse_ulong(const char *s, unsigned long min, unsigned long max,
		   unsigned long *out);

#endif /* IG_CLI_H */
