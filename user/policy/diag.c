// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The policy language, lowest layer (diag.h): filling and printing a
 * struct ig_diag.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"

/* A cleared diag for source: d, or scratch when the caller passed none. */
struct ig_diag *pol_diag_start(struct ig_diag *d, struct ig_diag *scratch,
			       const char *source)
{
	if (!d)
		d = scratch;
	memset(d, 0, sizeof(*d));
	snprintf(d->source, sizeof(d->source), "%s", source ? source : "");
	return d;
}

int pol_fail_at(struct ig_diag *d, unsigned line, unsigned col,
		const char *word, const char *fmt, ...)
{
	va_list ap;

	d->line = line;
	d->col = col;
	snprintf(d->word, sizeof(d->word), "%s", word);
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Errors without a diag of their own (out of memory) still say something. */
int pol_finish(int err, struct ig_diag *d)
{
	if (err == -ENOMEM)
		snprintf(d->msg, sizeof(d->msg), "out of memory");
	return err;
}

void ig_diag_format(const struct ig_diag *d, char *buf, size_t size)
{
	const char *sep = d->source[0] ? ":" : "";

	if (!size)
		return;
	if (d->line && d->col)
		snprintf(buf, size, "%s%s%u:%u: %s", d->source, sep, d->line,
			 d->col, d->msg);
	else if (d->line)
		snprintf(buf, size, "%s%s%u: %s", d->source, sep, d->line,
			 d->msg);
	else if (d->source[0])
		snprintf(buf, size, "%s: %s", d->source, d->msg);
	else
		snprintf(buf, size, "%s", d->msg);
}
