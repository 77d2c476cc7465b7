// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of user/cli.c and user/opts.c, with the tables of user/cmd/:
 * every subcommand's options and arguments, good and bad; numbers and their
 * ranges; help and version; the usage line of a bad command line (one line,
 * naming the word, pointing at --help); and the usage text generated from
 * the tables.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../include/icmpgate.h"
#include "cli.h"
#include "cmd/commands.h"
#include "pindir.h"

#define MAX_ARGS 16

/* What the last parse() wrote to stderr. */
static char err_text[1024];

/*
 * Parse a NULL-terminated list of words (argv[0] is added) and keep what
 * was printed to stderr: usage errors must be one line.
 */
static int parse_words(struct ig_invocation *inv, const char *const *words)
{
	char *argv[MAX_ARGS + 2] = { "icmpgate" };
	FILE *tmp = tmpfile();
	int argc = 1, saved, err;
	size_t n;

	assert_non_null(tmp);
	while (words[argc - 1]) {
		assert_true(argc <= MAX_ARGS);
		argv[argc] = (char *)words[argc - 1];
		argc++;
	}
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fileno(tmp), STDERR_FILENO);
	err = ig_cli_parse(argc, argv, inv);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(err_text, 1, sizeof(err_text) - 1, tmp);
	err_text[n] = '\0';
	fclose(tmp);
	return err;
}

#define PARSE(inv, ...) \
	parse_words(inv, (const char *const[]){ __VA_ARGS__, NULL })

/* The parse failed with one line that mentions word and the help hint. */
static void assert_usage_error(int err, const char *word)
{
	const char *nl = strchr(err_text, '\n');

	assert_int_equal(err, -EINVAL);
	if (!nl || nl[1] != '\0')
		fail_msg("want one line on stderr, got '%s'", err_text);
	if (!strstr(err_text, word))
		fail_msg("'%s' does not name '%s'", err_text, word);
	if (!strstr(err_text, "--help"))
		fail_msg("'%s' does not point at --help", err_text);
	assert_true(!strncmp(err_text, "icmpgate: ", 10));
}

static void assert_cmd(const struct ig_invocation *inv, const char *name)
{
	assert_non_null(inv->cmd);
	assert_string_equal(inv->cmd->name, name);
	assert_false(inv->help);
	assert_string_equal(err_text, "");
}

static void test_attach(void **state)
{
	const struct ig_attach_opts *o;
	struct ig_invocation inv;

	(void)state;
	o = &inv.opts.attach;
	assert_int_equal(PARSE(&inv, "attach", "eth0"), 0);
	assert_cmd(&inv, "attach");
	assert_ptr_equal(inv.cmd->run, ig_cmd_attach);
	assert_string_equal(o->iface, "eth0");
	assert_int_equal(o->mode, IG_MODE_NATIVE);
	assert_null(o->policy);

	assert_int_equal(PARSE(&inv, "attach", "eth0", "--mode", "skb",
			       "--policy", "/etc/p.conf"),
			 0);
	assert_int_equal(o->mode, IG_MODE_SKB);
	assert_string_equal(o->policy, "/etc/p.conf");

	/* Options before the argument, short forms and --opt=value. */
	assert_int_equal(PARSE(&inv, "attach", "-m", "skb", "-p", "x", "veth1"),
			 0);
	assert_string_equal(o->iface, "veth1");
	assert_int_equal(o->mode, IG_MODE_SKB);
	assert_string_equal(o->policy, "x");
	assert_int_equal(PARSE(&inv, "attach", "eth0", "--mode=native",
			       "--policy=-"),
			 0);
	assert_int_equal(o->mode, IG_MODE_NATIVE);
	assert_string_equal(o->policy, "-");

	/* --max-sources: 0 (the default) unless given. */
	assert_int_equal(o->max_sources, 0);
	assert_int_equal(
		PARSE(&inv, "attach", "eth0", "--max-sources", "1000000"), 0);
	assert_int_equal(o->max_sources, 1000000);
	assert_int_equal(PARSE(&inv, "attach", "-s", "64", "eth0"), 0);
	assert_int_equal(o->max_sources, 64);
}

static void test_attach_errors(void **state)
{
	struct ig_invocation inv;

	(void)state;
	assert_usage_error(PARSE(&inv, "attach"), "missing IFACE");
	assert_usage_error(PARSE(&inv, "attach", "eth0", "--mode", "hw"), "hw");
	assert_usage_error(PARSE(&inv, "attach", "eth0", "--mode", "NATIVE"),
			   "NATIVE");
	assert_usage_error(PARSE(&inv, "attach", "eth0", "--mode"), "--mode");
	assert_usage_error(PARSE(&inv, "attach", "eth0", "--policy"),
			   "--policy");
	assert_usage_error(PARSE(&inv, "attach", "eth0", "--frob"), "--frob");
	assert_usage_error(PARSE(&inv, "attach", "eth0", "-x"), "-x");
	assert_usage_error(PARSE(&inv, "attach", "eth0", "-mskb"), "-mskb");
	assert_usage_error(PARSE(&inv, "attach", "eth0", "eth1"), "eth1");
	/* Options of other commands are not options of this one. */
	assert_usage_error(PARSE(&inv, "attach", "eth0", "--json"), "--json");
	assert_usage_error(PARSE(&inv, "attach", "eth0", "--max-sources", "63"),
			   "out of range 64-16777216");
	assert_usage_error(PARSE(&inv, "attach", "eth0", "--max-sources",
				 "16777217"),
			   "16777217");
	assert_usage_error(PARSE(&inv, "attach", "eth0", "--max-sources",
				 "lots"),
			   "not a number");
}

static void test_top(void **state)
{
	const struct ig_top_opts *o;
	struct ig_invocation inv;

	(void)state;
	o = &inv.opts.top;
	assert_int_equal(PARSE(&inv, "top", "eth0"), 0);
	assert_cmd(&inv, "top");
	assert_ptr_equal(inv.cmd->run, ig_cmd_top);
	assert_string_equal(o->iface, "eth0");
	assert_int_equal(o->n, 0);
	assert_int_equal(o->interval, 0);
	assert_false(o->json);
	assert_int_equal(PARSE(&inv, "top", "eth0", "-n", "5", "--json",
			       "--interval", "3"),
			 0);
	assert_int_equal(o->n, 5);
	assert_int_equal(o->interval, 3);
	assert_true(o->json);
	assert_usage_error(PARSE(&inv, "top"), "missing IFACE");
	assert_usage_error(PARSE(&inv, "top", "eth0", "-n", "0"), "--count");
	assert_usage_error(PARSE(&inv, "top", "eth0", "--interval", "61"),
			   "61");
}

static void test_iface_names(void **state)
{
	struct ig_invocation inv;

	(void)state;
	assert_int_equal(ig_ifname_check("eth0"), 0);
	assert_int_equal(ig_ifname_check("a.b-c_d@e"), 0);
	assert_int_equal(ig_ifname_check("fifteen-chars-x"), 0);
	assert_int_equal(ig_ifname_check("sixteen-chars-xx"), -EINVAL);
	assert_int_equal(ig_ifname_check(""), -EINVAL);
	assert_int_equal(ig_ifname_check("."), -EINVAL);
	assert_int_equal(ig_ifname_check(".."), -EINVAL);
	assert_int_equal(ig_ifname_check("a/b"), -EINVAL);
	assert_int_equal(ig_ifname_check("a b"), -EINVAL);
	assert_int_equal(ig_ifname_check("a:b"), -EINVAL);

	assert_usage_error(PARSE(&inv, "detach", "../etc"), "../etc");
	assert_usage_error(PARSE(&inv, "stats", "sixteen-chars-xx"),
			   "sixteen-chars-xx");
	assert_usage_error(PARSE(&inv, "status", ".."), "..");
}

static void test_pindir_path(void **state)
{
	char buf[64], tiny[8];

	(void)state;
	assert_int_equal(ig_pindir_path("eth0", buf, sizeof(buf)), 0);
	assert_string_equal(buf, IG_PIN_ROOT "/eth0");
	assert_int_equal(ig_pindir_path("eth0", tiny, sizeof(tiny)),
			 -ENAMETOOLONG);
}

static void test_detach_status(void **state)
{
	struct ig_invocation inv;

	(void)state;
	assert_int_equal(PARSE(&inv, "detach", "eth0"), 0);
	assert_cmd(&inv, "detach");
	assert_string_equal(inv.opts.detach.iface, "eth0");
	assert_usage_error(PARSE(&inv, "detach"), "IFACE");

	assert_int_equal(PARSE(&inv, "upgrade", "eth0"), 0);
	assert_cmd(&inv, "upgrade");
	assert_string_equal(inv.opts.upgrade.iface, "eth0");
	assert_usage_error(PARSE(&inv, "upgrade"), "IFACE");

	/* A family that is not one: a usage error, as bad arguments are. */
	assert_int_equal(PARSE(&inv, "names", "types", "v6"), 0);
	assert_usage_error(PARSE(&inv, "names", "types", "v5"), "'v5'");

	assert_int_equal(PARSE(&inv, "status"), 0);
	assert_cmd(&inv, "status");
	assert_null(inv.opts.status.iface);
	assert_false(inv.opts.status.json);
	assert_int_equal(PARSE(&inv, "status", "--json"), 0);
	assert_true(inv.opts.status.json);
	assert_int_equal(PARSE(&inv, "status", "-j", "eth0"), 0);
	assert_true(inv.opts.status.json);
	assert_string_equal(inv.opts.status.iface, "eth0");
	assert_usage_error(PARSE(&inv, "status", "--json=yes"), "--json");
	assert_usage_error(PARSE(&inv, "status", "eth0", "eth1"), "eth1");
}

static void test_policy_replay(void **state)
{
	struct ig_invocation inv;
	const struct ig_policy_replay_opts *o = &inv.opts.policy_replay;

	(void)state;
	assert_int_equal(PARSE(&inv, "policy", "replay", "default", "x.pcap"),
			 0);
	assert_cmd(&inv, "policy replay");
	assert_string_equal(o->policy, "default");
	assert_string_equal(o->pcap, "x.pcap");
	assert_null(o->live);
	assert_int_equal(o->side, IG_SIDE_HOST);
	assert_int_equal(PARSE(&inv, "-j", "policy", "replay", "p", "-",
			       "--live", "eth0", "--side", "transit",
			       "--prefix4", "32", "--prefix6", "64", "-n", "5"),
			 0);
	assert_true(o->json);
	assert_string_equal(o->live, "eth0");
	assert_int_equal(o->side, IG_SIDE_TRANSIT);
	assert_int_equal(o->prefix4, 32);
	assert_int_equal(o->prefix6, 64);
	assert_int_equal(o->lines, 5);
	assert_usage_error(PARSE(&inv, "policy", "replay", "p"), "FILE.pcap");
	assert_usage_error(PARSE(&inv, "policy", "replay", "-", "-"), "stdin");
	assert_usage_error(PARSE(&inv, "policy", "replay", "p", "c",
				 "--prefix4", "33"),
			   "33");
	assert_usage_error(PARSE(&inv, "policy", "replay", "p", "c", "--side",
				 "both"),
			   "both");
	assert_usage_error(PARSE(&inv, "policy", "replay", "p", "c", "--live",
				 "a/b"),
			   "--live");
}

static void test_policy(void **state)
{
	struct ig_invocation inv;

	(void)state;
	assert_int_equal(PARSE(&inv, "policy", "apply", "eth0", "p.conf"), 0);
	assert_cmd(&inv, "policy apply");
	assert_string_equal(inv.opts.policy_apply.iface, "eth0");
	assert_string_equal(inv.opts.policy_apply.file, "p.conf");
	/* A lone "-" is stdin, not an option. */
	assert_int_equal(PARSE(&inv, "policy", "apply", "eth0", "-"), 0);
	assert_string_equal(inv.opts.policy_apply.file, "-");
	assert_false(inv.opts.policy_apply.allow_empty);
	assert_usage_error(PARSE(&inv, "policy", "apply", "eth0"), "FILE");
	/* An empty policy is applied only when asked for by name. */
	assert_int_equal(PARSE(&inv, "policy", "apply", "--allow-empty", "eth0",
			       "-"),
			 0);
	assert_true(inv.opts.policy_apply.allow_empty);
	assert_int_equal(PARSE(&inv, "attach", "eth0", "--allow-empty", "-p",
			       "/dev/null"),
			 0);
	assert_true(inv.opts.attach.allow_empty);
	assert_int_equal(PARSE(&inv, "policy", "check", "--allow-empty", "-"),
			 0);
	assert_true(inv.opts.policy_check.allow_empty);
	/* Audit mode only when asked for by name, on each command. */
	assert_false(inv.opts.policy_apply.audit);
	assert_int_equal(PARSE(&inv, "policy", "apply", "eth0", "p", "--audit"),
			 0);
	assert_true(inv.opts.policy_apply.audit);
	assert_int_equal(PARSE(&inv, "attach", "--audit", "eth0"), 0);
	assert_true(inv.opts.attach.audit);
	assert_int_equal(PARSE(&inv, "policy", "replay", "--audit", "p", "c"),
			 0);
	assert_true(inv.opts.policy_replay.audit);
	assert_usage_error(PARSE(&inv, "policy", "check", "--audit", "-"),
			   "--audit");

	assert_int_equal(PARSE(&inv, "policy", "show", "eth0"), 0);
	assert_cmd(&inv, "policy show");
	assert_string_equal(inv.opts.policy_show.iface, "eth0");

	assert_int_equal(PARSE(&inv, "policy", "check", "-"), 0);
	assert_cmd(&inv, "policy check");
	assert_string_equal(inv.opts.policy_check.file, "-");
	/* After "--", a word that looks like an option is a file name. */
	assert_int_equal(PARSE(&inv, "policy", "check", "--", "-odd.conf"), 0);
	assert_string_equal(inv.opts.policy_check.file, "-odd.conf");

	assert_int_equal(PARSE(&inv, "policy", "default"), 0);
	assert_cmd(&inv, "policy default");
	assert_usage_error(PARSE(&inv, "policy", "default", "x"), "x");

	assert_usage_error(PARSE(&inv, "policy"), "missing subcommand");
	assert_usage_error(PARSE(&inv, "policy", "frob"), "frob");
}

static void test_set_unset(void **state)
{
	const struct ig_words *w;
	struct ig_invocation inv;

	(void)state;
	assert_int_equal(
		PARSE(&inv, "set", "eth0", "v4", "echo-request", "drop"), 0);
	assert_cmd(&inv, "set");
	assert_string_equal(inv.opts.set.iface, "eth0");
	w = &inv.opts.set.statement;
	assert_int_equal(w->n, 3);
	assert_string_equal(w->v[0], "v4");
	assert_string_equal(w->v[2], "drop");
	/* Options go before the statement; -v is the global one. */
	assert_int_equal(PARSE(&inv, "set", "-v", "eth0", "default", "drop"),
			 0);
	assert_true(inv.verbose);
	assert_int_equal(inv.opts.set.statement.n, 2);
	assert_usage_error(PARSE(&inv, "set", "eth0"), "STATEMENT");
	assert_usage_error(PARSE(&inv, "set"), "IFACE");

	assert_int_equal(PARSE(&inv, "unset", "eth0", "allow", "10.0.0.0/8"),
			 0);
	assert_cmd(&inv, "unset");
	w = &inv.opts.unset.what;
	assert_int_equal(w->n, 2);
	assert_string_equal(w->v[0], "allow");
	assert_string_equal(w->v[1], "10.0.0.0/8");
	assert_int_equal(PARSE(&inv, "unset", "eth0", "v6", "128"), 0);
	assert_int_equal(inv.opts.unset.what.n, 2);
	assert_usage_error(PARSE(&inv, "unset", "eth0"), "FAMILY");
}

static void test_stats(void **state)
{
	const struct ig_stats_opts *o;
	struct ig_invocation inv;

	(void)state;
	o = &inv.opts.stats;
	assert_int_equal(PARSE(&inv, "stats", "eth0"), 0);
	assert_cmd(&inv, "stats");
	assert_string_equal(o->iface, "eth0");
	assert_false(o->json);
	assert_int_equal(o->watch, 0);
	assert_false(o->reset);

	assert_int_equal(PARSE(&inv, "stats", "eth0", "--json", "--watch", "5"),
			 0);
	assert_true(o->json);
	assert_int_equal(o->watch, 5);
	assert_int_equal(PARSE(&inv, "stats", "eth0", "--watch=1"), 0);
	assert_int_equal(o->watch, 1);
	assert_int_equal(PARSE(&inv, "stats", "-w", "86400", "eth0"), 0);
	assert_int_equal(o->watch, IG_WATCH_MAX);
	assert_int_equal(PARSE(&inv, "stats", "eth0", "--reset", "--json"), 0);
	assert_true(o->reset);
	assert_true(o->json);

	assert_usage_error(PARSE(&inv, "stats"), "IFACE");
	assert_usage_error(PARSE(&inv, "stats", "eth0", "--watch"), "--watch");
	assert_usage_error(PARSE(&inv, "stats", "eth0", "--watch", "0"),
			   "out of range");
	assert_usage_error(PARSE(&inv, "stats", "eth0", "--watch", "86401"),
			   "86401");
	assert_usage_error(PARSE(&inv, "stats", "eth0", "--watch", "-1"), "-1");
	assert_usage_error(PARSE(&inv, "stats", "eth0", "--watch", "5s"), "5s");
	assert_usage_error(PARSE(&inv, "stats", "eth0", "--watch", "abc"),
			   "not a number");
	assert_usage_error(PARSE(&inv, "stats", "eth0", "--watch",
				 "99999999999999999999999"),
			   "out of range");
	assert_usage_error(PARSE(&inv, "stats", "eth0", "--watch", "2",
				 "--reset"),
			   "--reset");
	assert_usage_error(PARSE(&inv, "stats", "eth0", "--reset=1"),
			   "--reset");
}

static void test_metrics_serve(void **state)
{
	const struct ig_metrics_opts *m;
	const struct ig_serve_opts *o;
	struct ig_invocation inv;

	(void)state;
	m = &inv.opts.metrics;
	o = &inv.opts.serve;
	assert_int_equal(PARSE(&inv, "metrics"), 0);
	assert_cmd(&inv, "metrics");
	assert_null(m->iface);
	assert_int_equal(PARSE(&inv, "metrics", "eth0"), 0);
	assert_string_equal(m->iface, "eth0");
	assert_usage_error(PARSE(&inv, "metrics", "eth0", "eth1"), "eth1");
	assert_usage_error(PARSE(&inv, "metrics", "--json"), "--json");

	assert_int_equal(PARSE(&inv, "serve"), 0);
	assert_cmd(&inv, "serve");
	assert_null(o->iface);
	assert_null(o->listen);
	assert_int_equal(PARSE(&inv, "serve", "eth0", "--listen", "0.0.0.0:80"),
			 0);
	assert_string_equal(o->iface, "eth0");
	assert_string_equal(o->listen, "0.0.0.0:80");
	assert_int_equal(PARSE(&inv, "serve", "-l", "[::1]:9797"), 0);
	assert_string_equal(o->listen, "[::1]:9797");
	assert_usage_error(PARSE(&inv, "serve", "--listen", "127.0.0.1"),
			   "ADDR:PORT");
	assert_usage_error(PARSE(&inv, "serve", "--listen", "127.0.0.1:0"),
			   "port");
	assert_usage_error(PARSE(&inv, "serve", "--listen", "127.0.0.1:65536"),
			   "port");
	assert_usage_error(PARSE(&inv, "serve", "--listen", "::1:9797"),
			   "brackets");
	assert_usage_error(PARSE(&inv, "serve", "--listen", "[::1]9797"),
			   "ADDR:PORT");
	assert_usage_error(PARSE(&inv, "serve", "--listen", ":9797"),
			   "address");
	assert_usage_error(PARSE(&inv, "serve", "--listen", "1.2.3.4:80x"),
			   "port");
}

static void test_parse_ulong(void **state)
{
	unsigned long v = 7;

	(void)state;
	assert_int_equal(ig_parse_ulong("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(ig_parse_ulong("10", 0, 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(ig_parse_ulong("007", 0, 10, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(ig_parse_ulong("11", 0, 10, &v), -ERANGE);
	assert_int_equal(ig_parse_ulong("4", 5, 10, &v), -ERANGE);
	assert_int_equal(ig_parse_ulong("18446744073709551616", 0, ~0ul, &v),
			 -ERANGE);
	assert_int_equal(ig_parse_ulong("18446744073709551615", 0, ~0ul, &v),
			 0);
	assert_int_equal(v, ~0ul);
	v = 7;
	assert_int_equal(ig_parse_ulong("", 0, 10, &v), -EINVAL);
	assert_int_equal(ig_parse_ulong("-1", 0, ~0ul, &v), -EINVAL);
	assert_int_equal(ig_parse_ulong("+1", 0, 10, &v), -EINVAL);
	assert_int_equal(ig_parse_ulong(" 1", 0, 10, &v), -EINVAL);
	assert_int_equal(ig_parse_ulong("1 ", 0, 10, &v), -EINVAL);
	assert_int_equal(ig_parse_ulong("0x10", 0, 100, &v), -EINVAL);
	assert_int_equal(ig_parse_ulong("1.5", 0, 10, &v), -EINVAL);
	assert_int_equal(v, 7); /* untouched by a failure */
}

static void test_global(void **state)
{
	struct ig_invocation inv;

	(void)state;
	assert_usage_error(PARSE(&inv, "frob"), "frob");
	assert_usage_error(PARSE(&inv, "--frob"), "--frob");
	assert_usage_error(PARSE(&inv, "-v"), "missing command");
	assert_int_equal(PARSE(&inv, "--version"), 0);
	assert_true(inv.version);
	assert_null(inv.cmd);
	assert_usage_error(PARSE(&inv, "--version", "status"), "--version");

	assert_int_equal(PARSE(&inv, "-v", "status"), 0);
	assert_true(inv.verbose);
	assert_int_equal(PARSE(&inv, "status", "--verbose"), 0);
	assert_true(inv.verbose);
	assert_int_equal(PARSE(&inv, "status"), 0);
	assert_false(inv.verbose);
}

static void test_help(void **state)
{
	struct ig_invocation inv;

	(void)state;
	/* Every way of asking, with or without the rest of the line. */
	assert_int_equal(PARSE(&inv, "--help"), 0);
	assert_true(inv.help);
	assert_null(inv.cmd);
	assert_null(inv.group);
	assert_int_equal(PARSE(&inv, "help"), 0);
	assert_true(inv.help);
	assert_null(inv.cmd);

	/* -j before the command is the command's --json. */
	assert_int_equal(PARSE(&inv, "-j", "stats", "eth0"), 0);
	assert_true(inv.opts.stats.json);
	assert_int_equal(PARSE(&inv, "--json", "status"), 0);
	assert_true(inv.opts.status.json);
	assert_int_equal(PARSE(&inv, "-j", "policy", "show", "eth0"), 0);
	assert_true(inv.opts.policy_show.json);
	assert_int_equal(PARSE(&inv, "policy", "show", "--json", "eth0"), 0);
	assert_true(inv.opts.policy_show.json);
	assert_usage_error(PARSE(&inv, "-j", "detach", "eth0"), "no JSON");
	assert_int_equal(PARSE(&inv, "help", "--help"), 0);
	assert_true(inv.help);
	assert_null(inv.cmd);
	assert_usage_error(PARSE(&inv, "help", "--help", "x"), "x");
	assert_int_equal(PARSE(&inv, "help", "attach"), 0);
	assert_true(inv.help);
	assert_string_equal(inv.cmd->name, "attach");
	assert_int_equal(PARSE(&inv, "attach", "--help"), 0);
	assert_true(inv.help);
	assert_string_equal(inv.cmd->name, "attach");
	/* Help wins over what would be a usage error. */
	assert_int_equal(PARSE(&inv, "attach", "-h", "--mode", "frob"), 0);
	assert_true(inv.help);
	assert_int_equal(PARSE(&inv, "stats", "--watch", "0", "-h"), -EINVAL);
	assert_int_equal(PARSE(&inv, "-h", "stats"), 0);
	assert_true(inv.help);
	assert_string_equal(inv.cmd->name, "stats");

	assert_int_equal(PARSE(&inv, "help", "policy", "apply"), 0);
	assert_string_equal(inv.cmd->name, "policy apply");
	assert_int_equal(PARSE(&inv, "policy", "show", "--help"), 0);
	assert_string_equal(inv.cmd->name, "policy show");
	assert_int_equal(PARSE(&inv, "policy", "--help"), 0);
	assert_true(inv.help);
	assert_null(inv.cmd);
	assert_string_equal(inv.group, "policy");
	assert_int_equal(PARSE(&inv, "help", "policy"), 0);
	assert_string_equal(inv.group, "policy");

	assert_usage_error(PARSE(&inv, "help", "frob"), "frob");
	assert_usage_error(PARSE(&inv, "help", "attach", "x"), "x");
}

/* The usage text of inv into buf. */
static void usage_of(const struct ig_invocation *inv, char *buf, size_t size)
{
	FILE *f = fmemopen(buf, size, "w");

	assert_non_null(f);
	ig_cli_usage(f, inv);
	fclose(f);
}

static void test_usage_text(void **state)
{
	static char buf[8192];
	static const char *const synopses[] = {
		"icmpgate attach IFACE [--mode native|skb] [--policy FILE] "
		"[--max-sources N]\n                  [--replace] "
		"[--allow-empty] [--audit]\n",
		"icmpgate detach IFACE\n",
		"icmpgate sync IFACE\n",
		"icmpgate status [IFACE] [--json]\n",
		"icmpgate policy apply IFACE FILE|- [--allow-empty] [--audit]\n",
		"icmpgate policy show IFACE [--json]\n",
		"icmpgate policy check FILE|- [--allow-empty]\n",
		"icmpgate policy default\n",
		"icmpgate set IFACE STATEMENT...\n",
		"icmpgate unset IFACE FAMILY TYPE[/CODE]\n",
		"icmpgate stats IFACE [--json] [--watch SECONDS] [--reset]\n",
		"icmpgate top IFACE [--count N] [--interval SECONDS] [--json]\n",
	};
	struct ig_invocation inv;
	const char *line;
	size_t i;

	(void)state;
	/* The synopses of DESIGN.md, generated from the tables. */
	assert_int_equal(PARSE(&inv, "--help"), 0);
	usage_of(&inv, buf, sizeof(buf));
	for (i = 0; i < sizeof(synopses) / sizeof(synopses[0]); i++)
		if (!strstr(buf, synopses[i]))
			fail_msg("global usage lacks %s", synopses[i]);
	assert_non_null(strstr(buf, "--version"));
	/* Wrapped for a terminal. */
	for (line = buf; *line;
	     line += strcspn(line, "\n") + !!line[strcspn(line, "\n")])
		assert_true(strcspn(line, "\n") <= 79);

	assert_int_equal(PARSE(&inv, "help", "stats"), 0);
	usage_of(&inv, buf, sizeof(buf));
	assert_true(!strncmp(buf, "Usage: icmpgate stats IFACE", 27));
	assert_non_null(strstr(buf, "-w, --watch SECONDS"));
	assert_non_null(strstr(buf, "-j, --json"));
	assert_non_null(strstr(buf, "--reset"));
	assert_non_null(strstr(buf, "-v, --verbose"));
	assert_non_null(strstr(buf, "-h, --help"));

	assert_int_equal(PARSE(&inv, "policy", "--help"), 0);
	usage_of(&inv, buf, sizeof(buf));
	assert_non_null(strstr(buf, "icmpgate policy apply"));
	assert_non_null(strstr(buf, "icmpgate policy default"));
	assert_null(strstr(buf, "icmpgate attach"));
}

/* Every command has help, a summary and a run function, and parses. */
static void test_table(void **state)
{
	const struct ig_command *const *cp, *c;
	const struct ig_opt *o;
	size_t n = 0;

	(void)state;
	for (cp = ig_commands; (c = *cp) != NULL; cp++, n++) {
		assert_non_null(c->summary);
		assert_non_null(c->help);
		assert_non_null(c->run);
		assert_non_null(c->args);
		assert_non_null(c->opts);
		for (o = c->opts; o->name; o++) {
			assert_non_null(o->help);
			assert_true(o->offset < sizeof(union ig_cmd_opts));
			if (o->kind != IG_OPT_BOOL)
				assert_non_null(o->metavar);
		}
	}
	/*
	 * DESIGN.md's eleven (capture among them), `sync`, `top`,
	 * `upgrade`, `policy replay`, `names types`, `names reasons`,
	 * `metrics` and `serve`.
	 */
	assert_int_equal(n, 19);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attach),
		cmocka_unit_test(test_attach_errors),
		cmocka_unit_test(test_top),
		cmocka_unit_test(test_iface_names),
		cmocka_unit_test(test_pindir_path),
		cmocka_unit_test(test_detach_status),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_policy_replay),
		cmocka_unit_test(test_set_unset),
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_metrics_serve),
		cmocka_unit_test(test_parse_ulong),
		cmocka_unit_test(test_global),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_usage_text),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
