// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Tables sized to their content (table.h), over libsmartcols.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libsmartcols/libsmartcols.h>

#include "table.h"

static void fail(struct ig_table *t, int err)
{
	if (!t->err)
		t->err = err ? err : -ENOMEM;
}

void ig_table_init(struct ig_table *t, const struct ig_table_col *cols,
		   size_t n, bool headings)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	t->n_cols = n;
	t->tb = scols_new_table();
	if (!t->tb) {
		fail(t, -ENOMEM);
		return;
	}
	/*
	 * Never shrink or wrap to a terminal's width: a cell is printed
	 * whole, and a pipe gets what a terminal gets.
	 */
	scols_table_set_termforce(t->tb, SCOLS_TERMFORCE_NEVER);
	scols_table_enable_noheadings(t->tb, !headings);
	for (i = 0; i < n; i++)
		if (!scols_table_new_column(
			    t->tb, cols[i].name, 1,
			    cols[i].flags & IG_COL_RIGHT ? SCOLS_FL_RIGHT : 0))
			fail(t, -ENOMEM);
}

void ig_table_row(struct ig_table *t)
{
	t->col = 0;
	t->line = t->err ? NULL : scols_table_new_line(t->tb, NULL);
	if (!t->line)
		fail(t, -ENOMEM);
}

static void vcell(struct ig_table *t, const char *fmt, va_list ap)
{
	char *s = NULL;
	int err;

	if (t->err)
		return;
	if (!t->line || t->col >= t->n_cols) {
		fail(t, -EINVAL);
		return;
	}
	if (vasprintf(&s, fmt, ap) < 0) {
		fail(t, -ENOMEM);
		return;
	}
	/* The line owns s from here on, even when this fails. */
	err = scols_line_refer_data(t->line, t->col++, s);
	if (err)
		fail(t, err);
}

void ig_table_cell(struct ig_table *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcell(t, fmt, ap);
	va_end(ap);
}

void ig_table_num(struct ig_table *t, unsigned long long v,
		  unsigned long interval)
{
	if (interval)
		ig_table_cell(t, "%.1f", (double)v / interval);
	else
		ig_table_cell(t, "%llu", v);
}

void ig_table_pair(struct ig_table *t, const char *key, const char *fmt, ...)
{
	va_list ap;

	ig_table_row(t);
	ig_table_cell(t, "%s", key);
	va_start(ap, fmt);
	vcell(t, fmt, ap);
	va_end(ap);
}

int ig_table_print(FILE *out, struct ig_table *t, const char *indent)
{
	char *text = NULL, *line, *next;
	int err = t->err;

	if (!err && scols_print_table_to_string(t->tb, &text))
		err = -ENOMEM;
	for (line = text; !err && line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		fprintf(out, "%s%s\n", indent, line);
	}
	free(text);
	ig_table_free(t);
	return err;
}

void ig_table_free(struct ig_table *t)
{
	scols_unref_table(t->tb);
	memset(t, 0, sizeof(*t));
}
