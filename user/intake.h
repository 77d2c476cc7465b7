/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Policy intake: what attach, policy apply, policy check, set and unset
 * share to turn policy text into a compiled policy. Each function prints
 * the one line that explains a failure (a diagnostic with line and column
 * for a bad policy; "cmd: what: reason" otherwise) and returns its error.
 */
#ifndef IG_INTAKE_H
#define IG_INTAKE_H

#include <stdbool.h>
#include <stddef.h>

#include "compile.h"
#include "policy.h"

/* The diagnostic of a policy that failed to parse, check or edit. */
void ig_print_diag(const struct ig_diag *diag);

/* Validate and compile a parsed policy; source names it in errors. */
int ig_intake_policy(const char *cmd, const struct ig_policy *p,
		     const char *source, struct ig_compiled *c);

/* Parse, validate and compile text; source names it in errors. */
int ig_intake_text(const char *cmd, const char *text, size_t len,
		   const char *source, struct ig_compiled *c);

/*
 * The same, and with audit (`--audit`) in audit mode whatever the text
 * says (`mode audit` then leads its canonical text); without, in the mode
 * the text says, `mode enforce` when it says none.
 */
int ig_intake_text_mode(const char *cmd, const char *text, size_t len,
			const char *source, bool audit, struct ig_compiled *c);

/*
 * A policy file ("-": stdin), read whole, parsed and compiled. Input with
 * no statement is refused unless allow_empty: it would pass everything,
 * and it is what a failed `policy show | policy apply -` or a truncated
 * file looks like.
 */
int ig_intake_file(const char *cmd, const char *path, bool allow_empty,
		   struct ig_compiled *c);
/* The same, and audit as for ig_intake_text_mode(). */
int ig_intake_file_mode(const char *cmd, const char *path, bool allow_empty,
			bool audit, struct ig_compiled *c);

#endif /* IG_INTAKE_H */
