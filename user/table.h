/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Tables for humans, sized to their content (libsmartcols): every column
 * as wide as its widest cell, whatever a name's length. Cells are added
 * row by row, left to right; the first failure sticks and is returned by
 * ig_table_print(), so builders need no check after each cell. JSON stays
 * with json-c: the contract's objects nest, a table's rows do not.
 */
#ifndef IG_TABLE_H
#define IG_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct libscols_table;
struct libscols_line;

enum ig_col_flag {
	IG_COL_RIGHT = 1 << 0, /* numbers: aligned to the right */
};

struct ig_table_col {
	const char *name; /* the heading */
	unsigned flags; /* enum ig_col_flag */
};

struct ig_table {
	struct libscols_table *tb;
	struct libscols_line *line; /* the row being filled */
	size_t col; /* its next cell */
	size_t n_cols;
	int err; /* the first failure, or 0 */
};

/* A table of n columns; headings printed or not. */
void ig_table_init(struct ig_table *t, const struct ig_table_col *cols,
		   size_t n, bool headings);
/* Start a row. */
void ig_table_row(struct ig_table *t);
/* The next cell of the row, printf-style. */
void ig_table_cell(struct ig_table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A count, or with interval a rate per second with one decimal. */
void ig_table_num(struct ig_table *t, unsigned long long v,
		  unsigned long interval);
/* A two-column row without heading: a key and its value, printf-style. */
void ig_table_pair(struct ig_table *t, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * Print every line of the table to out, each after indent; then free it.
 * 0 or the first failure (-errno) of building or printing it.
 */
int ig_table_print(FILE *out, struct ig_table *t, const char *indent);
/* Free without printing. */
void ig_table_free(struct ig_table *t);

#endif /* IG_TABLE_H */
