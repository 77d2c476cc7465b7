// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The policy commands (policy_cmds.h): apply, show, check and default, and set
 * and unset, which edit the live policy one statement at a time.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cmd/policy_cmds.h"
#include "intake.h"
#include "log.h"
#include "output.h"
#include "policy.h"
#include "session.h"
#include "stats.h"
#include "store.h"

static const struct ig_arg policy_apply_args[] = {
	{ "IFACE", IG_OPTS_AT(struct ig_policy_apply_opts, iface),
	  IG_ARG_IFACE },
	{ "FILE|-", IG_OPTS_AT(struct ig_policy_apply_opts, file), 0 },
	IG_ARG_END,
};

static const struct ig_opt policy_apply_opts[] = {
	{ "allow-empty", 0, IG_OPT_BOOL,
	  IG_OPTS_AT(struct ig_policy_apply_opts, allow_empty), NULL,
	  "apply input without statements (it passes every ICMP message); "
	  "refused otherwise",
	  0, 0, NULL },
	{ "audit", 0, IG_OPT_BOOL,
	  IG_OPTS_AT(struct ig_policy_apply_opts, audit), NULL,
	  "audit mode: pass what the policy would drop and count it as "
	  "would_drop by reason (stats, status); without it, the mode FILE "
	  "says ('mode audit'), else enforcing",
	  0, 0, NULL },
	IG_OPT_END,
};

static const struct ig_arg policy_show_args[] = {
	{ "IFACE", IG_OPTS_AT(struct ig_policy_show_opts, iface),
	  IG_ARG_IFACE },
	IG_ARG_END,
};

static const struct ig_opt policy_show_opts[] = {
	{ "json", 'j', IG_OPT_BOOL,
	  IG_OPTS_AT(struct ig_policy_show_opts, json), NULL,
	  "print JSON: the statements, digest and generation", 0, 0, NULL },
	IG_OPT_END,
};

static const struct ig_arg policy_check_args[] = {
	{ "FILE|-", IG_OPTS_AT(struct ig_policy_check_opts, file), 0 },
	IG_ARG_END,
};

static const struct ig_opt policy_check_opts[] = {
	{ "allow-empty", 0, IG_OPT_BOOL,
	  IG_OPTS_AT(struct ig_policy_check_opts, allow_empty), NULL,
	  "accept input without statements, as policy apply --allow-empty "
	  "does",
	  0, 0, NULL },
	IG_OPT_END,
};

static const struct ig_arg set_args[] = {
	{ "IFACE", IG_OPTS_AT(struct ig_set_opts, iface), IG_ARG_IFACE },
	{ "STATEMENT...", IG_OPTS_AT(struct ig_set_opts, statement),
	  IG_ARG_REST },
	IG_ARG_END,
};

static const struct ig_arg unset_args[] = {
	{ "IFACE", IG_OPTS_AT(struct ig_unset_opts, iface), IG_ARG_IFACE },
	{ "FAMILY TYPE[/CODE]", IG_OPTS_AT(struct ig_unset_opts, what),
	  IG_ARG_REST },
	IG_ARG_END,
};

int ig_cmd_policy_apply(const void *opts)
{
	const struct ig_policy_apply_opts *o = opts;
	const char *cmd = "policy apply";
	struct ig_compiled c = {};
	struct ig_iface i;
	int err;

	/* Check the policy before taking the lock: a bad one changes nothing. */
	err = ig_intake_file_mode(cmd, o->file, o->allow_empty, o->audit, &c);
	if (err)
		goto out;
	err = ig_iface_open(cmd, o->iface, IG_OPEN_LOCK | IG_OPEN_LIVE, &i);
	if (err)
		goto out;
	err = ig_apply_reported(cmd, &i, &c);
	ig_iface_close(&i);
out:
	ig_compiled_free(&c);
	return err;
}

/*
 * One object: the interface, digest, generation, when the policy was
 * applied, and its statements, one string each in canonical form (joined
 * with newlines, they are what `policy show` prints).
 */
static int policy_show_json(const struct ig_iface *i, const char *text)
{
	struct json_object *obj = json_object_new_object(), *list;
	const char *line = text;
	char buf[64];
	size_t len;
	int err;

	if (!obj)
		return -ENOMEM;
	err = ig_json_add(obj, "interface", json_object_new_string(i->name));
	snprintf(buf, sizeof(buf), "%016" PRIx64, (uint64_t)i->state.digest);
	err = err   ?:
		      ig_json_add(obj, "policy_digest",
				  json_object_new_string(buf));
	err = err   ?:
		      ig_json_add(obj, "generation",
				  json_object_new_uint64(i->state.generation));
	err = err   ?:
		      ig_json_add(obj, "mode",
				  json_object_new_string(
					  ig_store_live_audit(&i->maps) ?
						  "audit" :
						  "enforce"));
	ig_local_time_format(i->state.policy_at, buf, sizeof(buf));
	err = err ?: ig_json_add(obj, "policy_at", json_object_new_string(buf));
	list = err ? NULL : json_object_new_array();
	err = err ?: ig_json_add(obj, "statements", list);
	for (; !err && *line; line += len + (line[len] == '\n')) {
		len = strcspn(line, "\n");
		if (!len)
			continue;
		if (json_object_array_add(
			    list, json_object_new_string_len(line, (int)len)))
			err = -ENOMEM;
	}
	if (!err)
		ig_json_print(obj, true);
	json_object_put(obj);
	return err;
}

int ig_cmd_policy_show(const void *opts)
{
	const struct ig_policy_show_opts *o = opts;
	const char *cmd = "policy show";
	char *text = NULL;
	struct ig_iface i;
	int err;

	err = ig_iface_open(cmd, o->iface, IG_OPEN_ANY_NETNS, &i);
	if (err)
		return err;
	err = ig_store_read_text(&i.maps, &text);
	if (err)
		ig_fail(cmd, err, "cannot read the policy of %s", o->iface);
	else if (o->json)
		err = policy_show_json(&i, text);
	else
		fputs(text, stdout);
	free(text);
	ig_iface_close(&i);
	return err;
}

int ig_cmd_policy_check(const void *opts)
{
	const struct ig_policy_check_opts *o = opts;
	struct ig_compiled c = {};
	int err;

	err = ig_intake_file("policy check", o->file, o->allow_empty, &c);
	if (!err)
		pr_info("%s: ok (digest %016" PRIx64 "%s)",
			strcmp(o->file, "-") ? o->file : "<stdin>", c.digest,
			c.slot->meta.audit ? ", audit mode" : "");
	ig_compiled_free(&c);
	return err;
}

int ig_cmd_policy_default(const void *opts)
{
	(void)opts;
	fputs(ig_default_policy, stdout);
	return 0;
}

/* The words of a statement, joined by single spaces; malloc'ed. */
static char *join_words(const struct ig_words *w)
{
	size_t len = 1, off = 0;
	char *s;
	int k;

	for (k = 0; k < w->n; k++)
		len += strlen(w->v[k]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (k = 0; k < w->n; k++)
		off += sprintf(s + off, "%s%s", k ? " " : "", w->v[k]);
	return s;
}

/*
 * set and unset: edit the live policy of the interface with one statement
 * and make the result live, under the lock so that no edit is lost.
 */
static int edit_live(const char *cmd, const char *ifname,
		     const struct ig_words *words, bool unset)
{
	char *stmt = NULL, *text = NULL, source[64];
	struct ig_compiled c = {};
	struct ig_diag diag = {};
	struct ig_policy p;
	struct ig_iface i;
	int err;

	ig_policy_init(&p);
	err = ig_iface_open(cmd, ifname, IG_OPEN_LOCK | IG_OPEN_LIVE, &i);
	if (err)
		return err;
	stmt = join_words(words);
	if (!stmt) {
		err = -ENOMEM;
		goto out;
	}
	err = ig_live_text(cmd, &i, &text, source, sizeof(source));
	if (err)
		goto out;
	err = ig_policy_parse(&p, text, strlen(text), source, &diag);
	if (err) {
		if (err == -EINVAL)
			ig_print_diag(&diag);
		else
			ig_fail(cmd, err, "cannot parse the %s", source);
		goto out;
	}
	snprintf(diag.source, sizeof(diag.source), "%s", cmd);
	err = unset ? ig_policy_unset(&p, stmt, &diag) :
		      ig_policy_set(&p, stmt, &diag);
	if (err == -EINVAL || err == -ENOENT) {
		ig_print_diag(&diag);
		goto out;
	}
	if (err) {
		ig_fail(cmd, err, "'%s'", stmt);
		goto out;
	}
	err = ig_intake_policy(cmd, &p, cmd, &c);
	if (err)
		goto out;
	/* The digest is of the canonical text: equal digests, equal policies. */
	if (c.digest == i.state.digest) {
		pr_info("%s: unchanged (policy %016" PRIx64
			", generation %" PRIu64 ")",
			ifname, c.digest, (uint64_t)i.state.generation);
		goto out;
	}
	err = ig_apply_reported(cmd, &i, &c);
out:
	ig_compiled_free(&c);
	ig_policy_free(&p);
	free(text);
	free(stmt);
	ig_iface_close(&i);
	return err;
}

int ig_cmd_set(const void *opts)
{
	const struct ig_set_opts *o = opts;

	return edit_live("set", o->iface, &o->statement, false);
}

int ig_cmd_unset(const void *opts)
{
	const struct ig_unset_opts *o = opts;

	return edit_live("unset", o->iface, &o->what, true);
}

const struct ig_command ig_policy_apply_cmd = {
	"policy apply",
	"replace the whole policy of an interface",
	"Check FILE (or stdin for -), then replace the policy of IFACE with "
	"it in one atomic step. A rejected policy leaves the old one in force; "
	"so does input that could not be read whole, and input without a "
	"statement (empty, or only comments) unless --allow-empty is given. "
	"With --audit (or a 'mode audit' statement in FILE) the policy is in "
	"audit mode: nothing it would drop is dropped, and each such packet "
	"is counted as would_drop under its reason (audit-drop-rule, "
	"audit-rate-limited-class, ...); malformed packets and the ping of "
	"death are still dropped. Applying without --audit a FILE that does "
	"not say 'mode audit' enforces again, in the same atomic step.",
	policy_apply_args,
	policy_apply_opts,
	NULL,
	ig_cmd_policy_apply
};

const struct ig_command ig_policy_show_cmd = {
	"policy show",
	"print the live policy of an interface",
	"Print the live policy of IFACE in policy syntax. Applying the output "
	"changes nothing: a policy in audit mode starts with 'mode audit', "
	"so it stays in audit mode.",
	policy_show_args,
	policy_show_opts,
	NULL,
	ig_cmd_policy_show
};

const struct ig_command ig_policy_check_cmd = {
	"policy check",
	"check a policy file without applying it",
	"Parse and compile FILE (or stdin for -) and report the first error. "
	"Input without a statement is an error, as for policy apply, unless "
	"--allow-empty is given. Needs no privileges.",
	policy_check_args,
	policy_check_opts,
	NULL,
	ig_cmd_policy_check
};

const struct ig_command ig_policy_default_cmd = {
	"policy default",
	"print the built-in default policy",
	"Print the policy that attach applies when no --policy is given.",
	ig_no_args,
	ig_no_opts,
	NULL,
	ig_cmd_policy_default
};

const struct ig_command ig_set_cmd = {
	"set",
	"add or replace one statement of a live policy",
	"Apply one policy statement (the words are joined with spaces) to "
	"the live policy of IFACE, replacing any statement for the same "
	"target, in one atomic step. Options go before the statement.",
	set_args,
	ig_no_opts,
	NULL,
	ig_cmd_set
};

const struct ig_command ig_unset_cmd = {
	"unset",
	"remove one rule or prefix from a live policy",
	"Remove the rule for FAMILY TYPE[/CODE] (or the prefix named by "
	"'allow CIDR', 'block CIDR' or 'ra-guard allow CIDR') from the live "
	"policy of IFACE, in "
	"one atomic step.",
	unset_args,
	ig_no_opts,
	NULL,
	ig_cmd_unset
};
