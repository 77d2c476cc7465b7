// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Policy intake (intake.h): text or a file turned into a compiled policy,
 * or into the one line that says why not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "intake.h"
#include "log.h"

void ig_print_diag(const struct ig_diag *diag)
{
	/* Room for every field of diag whole, and the separators. */
	char msg[sizeof(*diag) + 64];

	ig_diag_format(diag, msg, sizeof(msg));
	pr_err("%s", msg);
}

int ig_intake_policy(const char *cmd, const struct ig_policy *p,
		     const char *source, struct ig_compiled *c)
{
	struct ig_diag diag = {};
	int err;

	snprintf(diag.source, sizeof(diag.source), "%s", source);
	err = ig_policy_validate(p, &diag);
	if (err == -EINVAL) {
		ig_print_diag(&diag);
		return err;
	}
	if (err)
		return ig_fail(cmd, err, "cannot check %s", source);
	err = ig_policy_compile(p, c);
	if (err)
		return ig_fail(cmd, err, "cannot compile %s", source);
	return 0;
}

int ig_intake_text_mode(const char *cmd, const char *text, size_t len,
			const char *source, bool audit, struct ig_compiled *c)
{
	struct ig_diag diag = {};
	struct ig_policy p;
	int err;

	ig_policy_init(&p);
	err = ig_policy_parse(&p, text, len, source, &diag);
	if (err == -EINVAL) {
		ig_print_diag(&diag);
	} else if (err) {
		ig_fail(cmd, err, "cannot parse %s", source);
	} else {
		if (audit)
			p.audit = 1;
		err = ig_intake_policy(cmd, &p, source, c);
	}
	ig_policy_free(&p);
	return err;
}

int ig_intake_text(const char *cmd, const char *text, size_t len,
		   const char *source, struct ig_compiled *c)
{
	return ig_intake_text_mode(cmd, text, len, source, false, c);
}

int ig_intake_file(const char *cmd, const char *path, bool allow_empty,
		   struct ig_compiled *c)
{
	return ig_intake_file_mode(cmd, path, allow_empty, false, c);
}

int ig_intake_file_mode(const char *cmd, const char *path, bool allow_empty,
			bool audit, struct ig_compiled *c)
{
	const char *source = strcmp(path, "-") ? path : "<stdin>";
	char *text = NULL;
	size_t len = 0;
	int err;

	err = ig_input_read(path, IG_INPUT_MAX, &text, &len);
	if (err == -EISDIR) {
		pr_err("%s: '%s' is a directory, not a policy file", cmd,
		       source);
		return err;
	}
	if (err == -EFBIG) {
		pr_err("%s: %s is larger than %u MiB: not a policy", cmd,
		       source, IG_INPUT_MAX >> 20);
		return err;
	}
	if (err)
		return ig_fail(cmd, err, "cannot read %s", source);
	if (!allow_empty && !ig_input_has_statement(text, len)) {
		pr_err("%s: %s has no statements: as a policy it would pass "
		       "every ICMP message (refused; --allow-empty accepts it)",
		       cmd, source);
		err = -ENODATA;
		goto out;
	}
	err = ig_intake_text_mode(cmd, text, len, source, audit, c);
out:
	free(text);
	return err;
}
