// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The command line (cli.h): the table of subcommands, the global options,
 * finding the command a command line names, and the usage text, generated
 * from the commands' own tables (cmd/) so that the two cannot drift apart.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "log.h"

const struct ig_command
	*const ig_commands[] = {
		&ig_attach_cmd,
		&ig_detach_cmd,
		&ig_upgrade_cmd,
		&ig_sync_cmd,
		&ig_status_cmd,
		&ig_policy_apply_cmd,
		&ig_policy_show_cmd,
		&ig_policy_check_cmd,
		&ig_policy_default_cmd,
		&ig_policy_replay_cmd,
		&ig_set_cmd,
		&ig_unset_cmd,
		&ig_stats_cmd,
		&ig_top_cmd,
		&ig_metrics_cmd,
		&ig_serve_cmd,
		&ig_capture_cmd, /* after the counters: the packets behind them */
		&ig_names_types_cmd,
		&ig_names_reasons_cmd,
		NULL,
	};

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
	const struct ig_command *const *cp, *c;

	for (cp = ig_commands; (c = *cp) != NULL; cp++)
		if (group_len(c) && (size_t)group_len(c) == strlen(word) &&
		    !strncmp(c->name, word, strlen(word)))
			return 1;
	return 0;
}

/*
 * The command named by the first words of argv; *used says how many words
 * it took. A group word alone ("policy") sets inv->group instead.
 */
static int find_command(int argc, char **argv, struct ig_invocation *inv,
			int *used)
{
	const struct ig_command *const *cp, *c;

	for (cp = ig_commands; (c = *cp) != NULL; cp++) {
		*used = match_words(c->name, argc, argv);
		if (*used) {
			inv->cmd = c;
			return 0;
		}
	}
	if (!is_group(argv[0]))
		return ig_usage_error(NULL, "unknown command '%s'", argv[0]);
	inv->group = argv[0];
	*used = 1;
	if (argc > 1 && ig_is_help(argv[1])) {
		inv->help = true;
		*used = 2;
		return 0;
	}
	if (inv->help)
		return 0;
	if (argc < 2)
		return ig_usage_error(argv[0], "missing subcommand");
	return ig_usage_error(argv[0], "unknown subcommand '%s'", argv[1]);
}

/* The command's words into its options; -h and -v may follow it too. */
static int parse_command(struct ig_invocation *inv, int argc, char **argv)
{
	struct ig_opts_common common = { false, false };
	int err;

	err = ig_opts_parse(inv->cmd, argc, argv, &inv->opts, &common);
	inv->help |= common.help;
	inv->verbose |= common.verbose;
	return err;
}

/* -j before the command, as in ip and bpftool: the command's own --json. */
static int set_json(struct ig_invocation *inv)
{
	const struct ig_opt *o = ig_opts_find(inv->cmd, "json", 4);

	if (!o)
		return ig_usage_error(inv->cmd->name,
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
	if (ig_is_help(argv[0]))
		return argc > 1 ? ig_usage_error("help",
						 "unexpected argument "
						 "'%s'",
						 argv[1]) :
				  0;
	err = find_command(argc, argv, inv, &used);
	if (err)
		return err;
	if (used < argc)
		return ig_usage_error("help", "unexpected argument '%s'",
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
		else if (ig_is_help(argv[i]))
			inv->help = true;
		else if (!strcmp(argv[i], "--version"))
			inv->version = true;
		else
			return ig_usage_error(NULL, "unknown option '%s'",
					      argv[i]);
	}
	if (i == argc) {
		if (inv->help || inv->version)
			return 0;
		return ig_usage_error(NULL, "missing command");
	}
	if (!strcmp(argv[i], "help"))
		return parse_help(inv, argc - i - 1, argv + i + 1);
	if (inv->version)
		return ig_usage_error(NULL, "--version takes no command");
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
	const struct ig_command *const *cp, *c;

	for (cp = ig_commands; (c = *cp) != NULL; cp++) {
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
