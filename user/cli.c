// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The command line (cli.h): the table of subcommands with their options and
 * positional arguments, the parser that fills one options struct from it,
 * and the usage text, generated from the same table so that the two cannot
 * drift apart.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../include/icmpgate.h"
#include "cli.h"
#include "commands.h"
#include "log.h"
#include "pindir.h"

#define OPTS_AT(type, field) offsetof(type, field)

static const struct ig_enum_value mode_values[] = {
	{ "native", IG_MODE_NATIVE },
	{ "skb", IG_MODE_SKB },
	{ NULL, 0 },
};

static const struct ig_arg attach_args[] = {
	{ "IFACE", OPTS_AT(struct ig_attach_opts, iface), IG_ARG_IFACE },
	{ NULL, 0, 0 },
};

static const struct ig_opt attach_opts[] = {
	{ "mode", 'm', IG_OPT_ENUM, OPTS_AT(struct ig_attach_opts, mode),
	  "native|skb",
	  "XDP mode: native (in the driver, default) or skb (generic, any device)",
	  0, 0, mode_values },
	{ "policy", 'p', IG_OPT_STRING, OPTS_AT(struct ig_attach_opts, policy),
	  "FILE", "policy to apply (default: the built-in default policy)", 0,
	  0, NULL },
	{ "max-sources", 's', IG_OPT_UINT,
	  OPTS_AT(struct ig_attach_opts, max_sources), "N",
	  "per-source buckets to keep, the idlest evicted first "
	  "(64-16777216, default 65536: 4 MiB)",
	  IG_MAX_SOURCES_MIN, IG_MAX_SOURCES_MAX, NULL },
	{ "replace", 'r', IG_OPT_BOOL, OPTS_AT(struct ig_attach_opts, replace),
	  NULL,
	  "if icmpgate is attached already, swap in a new program and the "
	  "policy in one step, keeping counters and buckets",
	  0, 0, NULL },
	{ "allow-empty", 0, IG_OPT_BOOL,
	  OPTS_AT(struct ig_attach_opts, allow_empty), NULL,
	  "accept a --policy FILE without statements (it passes every ICMP "
	  "message); refused otherwise",
	  0, 0, NULL },
	{ NULL, 0, 0, 0, NULL, NULL, 0, 0, NULL },
};

static const struct ig_arg detach_args[] = {
	{ "IFACE", OPTS_AT(struct ig_detach_opts, iface), IG_ARG_IFACE },
	{ NULL, 0, 0 },
};

static const struct ig_arg sync_args[] = {
	{ "IFACE", OPTS_AT(struct ig_sync_opts, iface), IG_ARG_IFACE },
	{ NULL, 0, 0 },
};

static const struct ig_arg status_args[] = {
	{ "IFACE", OPTS_AT(struct ig_status_opts, iface),
	  IG_ARG_IFACE | IG_ARG_OPTIONAL },
	{ NULL, 0, 0 },
};

static const struct ig_opt status_opts[] = {
	{ "json", 'j', IG_OPT_BOOL, OPTS_AT(struct ig_status_opts, json), NULL,
	  "print JSON", 0, 0, NULL },
	{ NULL, 0, 0, 0, NULL, NULL, 0, 0, NULL },
};

static const struct ig_arg policy_apply_args[] = {
	{ "IFACE", OPTS_AT(struct ig_policy_apply_opts, iface), IG_ARG_IFACE },
	{ "FILE|-", OPTS_AT(struct ig_policy_apply_opts, file), 0 },
	{ NULL, 0, 0 },
};

static const struct ig_opt policy_apply_opts[] = {
	{ "allow-empty", 0, IG_OPT_BOOL,
	  OPTS_AT(struct ig_policy_apply_opts, allow_empty), NULL,
	  "apply input without statements (it passes every ICMP message); "
	  "refused otherwise",
	  0, 0, NULL },
	{ NULL, 0, 0, 0, NULL, NULL, 0, 0, NULL },
};

static const struct ig_arg policy_show_args[] = {
	{ "IFACE", OPTS_AT(struct ig_policy_show_opts, iface), IG_ARG_IFACE },
	{ NULL, 0, 0 },
};

static const struct ig_opt policy_show_opts[] = {
	{ "json", 'j', IG_OPT_BOOL, OPTS_AT(struct ig_policy_show_opts, json),
	  NULL, "print JSON: the statements, digest and generation", 0, 0,
	  NULL },
	{ NULL, 0, 0, 0, NULL, NULL, 0, 0, NULL },
};

static const struct ig_arg policy_check_args[] = {
	{ "FILE|-", OPTS_AT(struct ig_policy_check_opts, file), 0 },
	{ NULL, 0, 0 },
};

static const struct ig_opt policy_check_opts[] = {
	{ "allow-empty", 0, IG_OPT_BOOL,
	  OPTS_AT(struct ig_policy_check_opts, allow_empty), NULL,
	  "accept input without statements, as policy apply --allow-empty "
	  "does",
	  0, 0, NULL },
	{ NULL, 0, 0, 0, NULL, NULL, 0, 0, NULL },
};

static const struct ig_arg set_args[] = {
	{ "IFACE", OPTS_AT(struct ig_set_opts, iface), IG_ARG_IFACE },
	{ "STATEMENT...", OPTS_AT(struct ig_set_opts, statement), IG_ARG_REST },
	{ NULL, 0, 0 },
};

static const struct ig_arg unset_args[] = {
	{ "IFACE", OPTS_AT(struct ig_unset_opts, iface), IG_ARG_IFACE },
	{ "FAMILY TYPE[/CODE]", OPTS_AT(struct ig_unset_opts, what),
	  IG_ARG_REST },
	{ NULL, 0, 0 },
};

static const struct ig_arg stats_args[] = {
	{ "IFACE", OPTS_AT(struct ig_stats_opts, iface), IG_ARG_IFACE },
	{ NULL, 0, 0 },
};

static const struct ig_opt stats_opts[] = {
	{ "json", 'j', IG_OPT_BOOL, OPTS_AT(struct ig_stats_opts, json), NULL,
	  "print JSON (with --watch: one object per line)", 0, 0, NULL },
	{ "watch", 'w', IG_OPT_UINT, OPTS_AT(struct ig_stats_opts, watch),
	  "SECONDS",
	  "every SECONDS, print per-second rates until interrupted (1-86400)",
	  1, IG_WATCH_MAX, NULL },
	{ "reset", 'r', IG_OPT_BOOL, OPTS_AT(struct ig_stats_opts, reset), NULL,
	  "zero the counters after printing them", 0, 0, NULL },
	{ NULL, 0, 0, 0, NULL, NULL, 0, 0, NULL },
};

static const struct ig_arg top_args[] = {
	{ "IFACE", OPTS_AT(struct ig_top_opts, iface), IG_ARG_IFACE },
	{ NULL, 0, 0 },
};

static const struct ig_opt top_opts[] = {
	{ "count", 'n', IG_OPT_UINT, OPTS_AT(struct ig_top_opts, n), "N",
	  "list the N sources with the most drops (default 20)", 1, IG_TOP_MAX,
	  NULL },
	{ "interval", 'i', IG_OPT_UINT, OPTS_AT(struct ig_top_opts, interval),
	  "SECONDS", "measure the current rates over SECONDS (1-60, default 1)",
	  1, 60, NULL },
	{ "json", 'j', IG_OPT_BOOL, OPTS_AT(struct ig_top_opts, json), NULL,
	  "print JSON", 0, 0, NULL },
	{ NULL, 0, 0, 0, NULL, NULL, 0, 0, NULL },
};

static const char *stats_check(const void *opts)
{
	const struct ig_stats_opts *o = opts;

	if (o->watch && o->reset)
		return "--reset cannot be combined with --watch";
	return NULL;
}

static const struct ig_arg no_args[] = { { NULL, 0, 0 } };
static const struct ig_opt no_opts[] = {
	{ NULL, 0, 0, 0, NULL, NULL, 0, 0, NULL },
};

const struct ig_command ig_commands[] = {
	{ "attach", "load the filter and attach it to an interface",
	  "Load the XDP filter, attach it to IFACE and apply the policy in "
	  "FILE, or the built-in default policy. Everything is checked "
	  "before anything is loaded; a failed attach leaves nothing behind. "
	  "A FILE without statements is refused unless --allow-empty is given.",
	  attach_args, attach_opts, NULL, ig_cmd_attach },
	{ "detach", "detach the filter from an interface and remove its state",
	  "Detach the filter from IFACE and remove its pinned maps. If the "
	  "interface or the program is already gone, the pins are still "
	  "removed, with a warning.",
	  detach_args, no_opts, NULL, ig_cmd_detach },
	{ "sync", "refresh the interface's addresses and MTU in the filter",
	  "Read the addresses (and directed broadcast addresses) and the MTU "
	  "of IFACE and give them to the filter, which checks PMTUD messages "
	  "and broadcast echo against them. attach and every policy change do "
	  "this too; run it when the addresses of IFACE change (from a "
	  "networkd or ifupdown hook, or 'ip monitor address').",
	  sync_args, no_opts, NULL, ig_cmd_sync },
	{ "status", "show where the filter is attached",
	  "Show the attachment on IFACE, or on every interface icmpgate is "
	  "attached to: mode, dispatcher, program id, policy digest and times.",
	  status_args, status_opts, NULL, ig_cmd_status },
	{ "policy apply", "replace the whole policy of an interface",
	  "Check FILE (or stdin for -), then replace the policy of IFACE with "
	  "it in one atomic step. A rejected policy leaves the old one in force; "
	  "so does input that could not be read whole, and input without a "
	  "statement (empty, or only comments) unless --allow-empty is given.",
	  policy_apply_args, policy_apply_opts, NULL, ig_cmd_policy_apply },
	{ "policy show", "print the live policy of an interface",
	  "Print the live policy of IFACE in policy syntax. Applying the output "
	  "changes nothing.",
	  policy_show_args, policy_show_opts, NULL, ig_cmd_policy_show },
	{ "policy check", "check a policy file without applying it",
	  "Parse and compile FILE (or stdin for -) and report the first error. "
	  "Input without a statement is an error, as for policy apply, unless "
	  "--allow-empty is given. Needs no privileges.",
	  policy_check_args, policy_check_opts, NULL, ig_cmd_policy_check },
	{ "policy default", "print the built-in default policy",
	  "Print the policy that attach applies when no --policy is given.",
	  no_args, no_opts, NULL, ig_cmd_policy_default },
	{ "set", "add or replace one statement of a live policy",
	  "Apply one policy statement (the words are joined with spaces) to "
	  "the live policy of IFACE, replacing any statement for the same "
	  "target, in one atomic step. Options go before the statement.",
	  set_args, no_opts, NULL, ig_cmd_set },
	{ "unset", "remove one rule or prefix from a live policy",
	  "Remove the rule for FAMILY TYPE[/CODE] (or the prefix named by "
	  "'allow CIDR', 'block CIDR' or 'ra-guard allow CIDR') from the live "
	  "policy of IFACE, in "
	  "one atomic step.",
	  unset_args, no_opts, NULL, ig_cmd_unset },
	{ "stats", "show the counters of an interface",
	  "Print the counters of IFACE: totals, packets per ICMP type, and "
	  "packets per reason.",
	  stats_args, stats_opts, stats_check, ig_cmd_stats },
	{ "top", "list the sources the rate limits drop most",
	  "List the sources tracked by per-source rate limits on IFACE with "
	  "the most drops: their rule, packets dropped and passed since they "
	  "were first seen, and their current rate, measured over the "
	  "interval.",
	  top_args, top_opts, NULL, ig_cmd_top },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL },
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

/* One line: what was wrong, and where to read how it is done. */
__attribute__((format(printf, 2, 3))) static int
usage_error(const char *where, const char *fmt, ...)
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

/* Does words[] start with the words of name ("policy apply")? */
static int match_words(const char *name, int argc, char **argv)
{
	size_t len;
	int n = 0;

	while (*name) {
		len = strcspn(name, " ");
		if (n >= argc || strlen(argv[n]) != len ||
		    strncmp(argv[n], name, len))
			return 0;
		n++;
		name += len;
		name += *name == ' ';
	}
	return n;
}

/* "policy" when cmd is "policy apply"; NULL for a one-word command. */
static int group_len(const struct ig_command *cmd)
{
	const char *sp = strchr(cmd->name, ' ');

	return sp ? (int)(sp - cmd->name) : 0;
}

static int is_group(const char *word)
{
	const struct ig_command *c;

	for (c = ig_commands; c->name; c++)
		if (group_len(c) && (size_t)group_len(c) == strlen(word) &&
		    !strncmp(c->name, word, strlen(word)))
			return 1;
	return 0;
}

static int is_help(const char *w)
{
	return !strcmp(w, "-h") || !strcmp(w, "--help");
}

/*
 * The command named by the first words of argv; *used says how many words
 * it took. A group word alone ("policy") sets inv->group instead.
 */
static int find_command(int argc, char **argv, struct ig_invocation *inv,
			int *used)
{
	const struct ig_command *c;

	for (c = ig_commands; c->name; c++) {
		*used = match_words(c->name, argc, argv);
		if (*used) {
			inv->cmd = c;
			return 0;
		}
	}
	if (!is_group(argv[0]))
		return usage_error(NULL, "unknown command '%s'", argv[0]);
	inv->group = argv[0];
	*used = 1;
	if (argc > 1 && is_help(argv[1])) {
		inv->help = true;
		*used = 2;
		return 0;
	}
	if (inv->help)
		return 0;
	if (argc < 2)
		return usage_error(argv[0], "missing subcommand");
	return usage_error(argv[0], "unknown subcommand '%s'", argv[1]);
}

static const struct ig_opt *find_opt(const struct ig_command *cmd,
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
	return usage_error(cmd->name, "invalid value '%s' for --%s (%s)", val,
			   o->name, o->metavar);
}

static int set_uint(const struct ig_command *cmd, const struct ig_opt *o,
		    const char *val, unsigned long *field)
{
	int err = ig_parse_ulong(val, o->min, o->max, field);

	if (err == -ERANGE)
		return usage_error(
			cmd->name,
			"value '%s' for --%s is out of range %lu-%lu", val,
			o->name, o->min, o->max);
	if (err)
		return usage_error(cmd->name,
				   "invalid value '%s' for --%s: not a number",
				   val, o->name);
	return 0;
}

/*
 * argv[*i] is an option: --name, --name=VALUE, --name VALUE, -x, -x VALUE.
 * Advances *i past a separate value.
 */
static int parse_option(struct ig_invocation *inv, int argc, char **argv,
			int *i)
{
	const struct ig_command *cmd = inv->cmd;
	const char *word = argv[*i], *name, *val = NULL, *eq;
	char *field = (char *)&inv->opts;
	const struct ig_opt *o;
	size_t len;

	if (word[1] == '-') {
		name = word + 2;
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		val = eq ? eq + 1 : NULL;
		if (len < 2)
			return usage_error(cmd->name, "unknown option '%s'",
					   word);
	} else {
		name = word + 1;
		len = strlen(name);
		if (len != 1)
			return usage_error(cmd->name, "unknown option '%s'",
					   word);
	}
	if (!val && is_help(word)) {
		inv->help = true;
		return 0;
	}
	if (!val && (!strcmp(word, "-v") || !strcmp(word, "--verbose"))) {
		inv->verbose = true;
		return 0;
	}
	o = find_opt(cmd, name, len);
	if (!o)
		return usage_error(cmd->name, "unknown option '%s'", word);
	if (o->kind == IG_OPT_BOOL) {
		if (val)
			return usage_error(cmd->name,
					   "option --%s takes no value",
					   o->name);
		*(bool *)(field + o->offset) = true;
		return 0;
	}
	if (!val) {
		if (*i + 1 >= argc)
			return usage_error(cmd->name, "option --%s needs %s",
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
static int set_arg(struct ig_invocation *inv, const struct ig_arg *a, int argc,
		   char **argv, int *i)
{
	char *field = (char *)&inv->opts + a->offset;
	struct ig_words *words;

	if (a->flags & IG_ARG_REST) {
		words = (struct ig_words *)field;
		words->v = argv + *i;
		words->n = argc - *i;
		*i = argc;
		return 0;
	}
	if ((a->flags & IG_ARG_IFACE) && ig_ifname_check(argv[*i]))
		return usage_error(inv->cmd->name,
				   "invalid interface name '%s'", argv[*i]);
	*(const char **)field = argv[*i];
	return 0;
}

static int parse_command(struct ig_invocation *inv, int argc, char **argv)
{
	const struct ig_command *cmd = inv->cmd;
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
			err = parse_option(inv, argc, argv, &i);
			if (err || inv->help)
				return err;
			continue;
		}
		if (!a->name)
			return usage_error(cmd->name,
					   "unexpected argument '%s'", argv[i]);
		err = set_arg(inv, a++, argc, argv, &i);
		if (err)
			return err;
	}
	if (a->name && !(a->flags & IG_ARG_OPTIONAL))
		return usage_error(cmd->name, "missing %s", a->name);
	conflict = cmd->check ? cmd->check(&inv->opts) : NULL;
	if (conflict)
		return usage_error(cmd->name, "%s", conflict);
	return 0;
}

/* -j before the command, as in ip and bpftool: the command's own --json. */
static int set_json(struct ig_invocation *inv)
{
	const struct ig_opt *o = find_opt(inv->cmd, "json", 4);

	if (!o)
		return usage_error(inv->cmd->name,
				   "-j: this command has no JSON output");
	*(bool *)((char *)&inv->opts + o->offset) = true;
	return 0;
}

/* `help [COMMAND]`: the usage of COMMAND, a group, or everything. */
static int parse_help(struct ig_invocation *inv, int argc, char **argv)
{
	int used = 0, err;

	inv->help = true;
	if (!argc)
		return 0;
	/* `help --help`: the usage of the program, where help is listed. */
	if (is_help(argv[0]))
		return argc > 1 ? usage_error("help",
					      "unexpected argument "
					      "'%s'",
					      argv[1]) :
				  0;
	err = find_command(argc, argv, inv, &used);
	if (err)
		return err;
	if (used < argc)
		return usage_error("help", "unexpected argument '%s'",
				   argv[used]);
	return 0;
}

int ig_cli_parse(int argc, char **argv, struct ig_invocation *inv)
{
	int i, used = 0, err;

	memset(inv, 0, sizeof(*inv));
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose"))
			inv->verbose = true;
		else if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			inv->json = true;
		else if (is_help(argv[i]))
			inv->help = true;
		else if (!strcmp(argv[i], "--version"))
			inv->version = true;
		else
			return usage_error(NULL, "unknown option '%s'",
					   argv[i]);
	}
	if (i == argc) {
		if (inv->help || inv->version)
			return 0;
		return usage_error(NULL, "missing command");
	}
	if (!strcmp(argv[i], "help"))
		return parse_help(inv, argc - i - 1, argv + i + 1);
	if (inv->version)
		return usage_error(NULL, "--version takes no command");
	/* `icmpgate --help attach` is `icmpgate help attach`. */
	if (inv->help)
		return parse_help(inv, argc - i, argv + i);
	err = find_command(argc - i, argv + i, inv, &used);
	if (err || !inv->cmd)
		return err;
	err = parse_command(inv, argc - i - used, argv + i + used);
	if (err || inv->help || !inv->json)
		return err;
	return set_json(inv);
}

/* One word of a synopsis at *col, on a new line past column 79. */
static void synopsis_word(FILE *out, int *col, int indent, const char *fmt,
			  const char *a, const char *b)
{
	char word[128];
	int len;

	len = snprintf(word, sizeof(word), fmt, a, b);
	if (*col + 1 + len > 79) {
		fprintf(out, "\n%*s", indent, "");
		*col = indent;
	} else {
		fputc(' ', out);
		(*col)++;
	}
	fputs(word, out);
	*col += len;
}

/*
 * "attach IFACE [--mode native|skb] [--policy FILE]", from column col,
 * wrapped under the first argument.
 */
static void print_synopsis(FILE *out, const struct ig_command *cmd, int col)
{
	const struct ig_arg *a;
	const struct ig_opt *o;
	int indent;

	col += fprintf(out, "icmpgate %s", cmd->name);
	indent = col + 1;
	for (a = cmd->args; a->name && !(a->flags & IG_ARG_REST); a++)
		synopsis_word(out, &col, indent,
			      (a->flags & IG_ARG_OPTIONAL) ? "[%s]%s" : "%s%s",
			      a->name, "");
	for (o = cmd->opts; o->name; o++) {
		if (o->kind == IG_OPT_BOOL)
			synopsis_word(out, &col, indent, "[--%s]%s", o->name,
				      "");
		else
			synopsis_word(out, &col, indent, "[--%s %s]", o->name,
				      o->metavar);
	}
	if (a->name)
		synopsis_word(out, &col, indent, "%s%s", a->name, "");
	fputc('\n', out);
}

/* text from column indent, broken between words before column 79. */
static void print_wrapped(FILE *out, const char *text, int indent, int col)
{
	const int width = 79;
	int len;

	while (*text) {
		len = strcspn(text, " ");
		if (col > indent && col + 1 + len > width) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', out);
			col++;
		}
		fprintf(out, "%.*s", len, text);
		col += len;
		text += len;
		text += strspn(text, " ");
	}
	fputc('\n', out);
}

static void print_opt(FILE *out, char short_name, const char *name,
		      const char *metavar, const char *help)
{
	char left[48];
	int col;

	snprintf(left, sizeof(left), "%c%c%s--%s%s%s", short_name ? '-' : ' ',
		 short_name ? short_name : ' ', short_name ? ", " : "  ", name,
		 metavar ? " " : "", metavar ? metavar : "");
	col = fprintf(out, "  %-26s ", left);
	print_wrapped(out, help, 29, col);
}

static void print_common_opts(FILE *out)
{
	print_opt(out, 'v', "verbose", NULL,
		  "show libbpf and libxdp output, and debug lines");
	print_opt(out, 'h', "help", NULL, "show this help");
}

static void command_usage(FILE *out, const struct ig_command *cmd)
{
	const struct ig_opt *o;

	fputs("Usage: ", out);
	print_synopsis(out, cmd, 7);
	fputc('\n', out);
	print_wrapped(out, cmd->help, 0, 0);
	fputs("\nOptions:\n", out);
	for (o = cmd->opts; o->name; o++)
		print_opt(out, o->short_name, o->name,
			  o->kind == IG_OPT_BOOL ? NULL : o->metavar, o->help);
	print_common_opts(out);
}

static void command_list(FILE *out, const char *group)
{
	const struct ig_command *c;

	for (c = ig_commands; c->name; c++) {
		if (group && (group_len(c) != (int)strlen(group) ||
			      strncmp(c->name, group, strlen(group))))
			continue;
		fputs("  ", out);
		print_synopsis(out, c, 2);
		fprintf(out, "      %s\n", c->summary);
	}
}

void ig_cli_usage(FILE *out, const struct ig_invocation *inv)
{
	if (inv->cmd) {
		command_usage(out, inv->cmd);
		return;
	}
	if (inv->group) {
		fprintf(out, "Usage: icmpgate %s SUBCOMMAND ...\n\n",
			inv->group);
		command_list(out, inv->group);
		return;
	}
	fputs("Usage: icmpgate [-v] [-j] COMMAND [ARGS...]\n\n", out);
	print_wrapped(
		out,
		"Filter ICMP and ICMPv6 floods with XDP, without breaking "
		"the ICMP the Internet needs.",
		0, 0);
	fputs("\nCommands:\n", out);
	command_list(out, NULL);
	fputs("\nOptions:\n", out);
	print_common_opts(out);
	print_opt(out, 'j', "json", NULL,
		  "before the command: JSON output, as the command's --json");
	print_opt(out, 0, "version", NULL, "print the version");
	fputc('\n', out);
	print_wrapped(out,
		      "'icmpgate help COMMAND' or 'icmpgate COMMAND --help' "
		      "shows the usage of one command; icmpgate(8) describes "
		      "the policy language.",
		      0, 0);
}
