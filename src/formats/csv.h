/* csv.h - RFC 4180 comma-separated values with a header row (pure).
 *
 * Fields may be quoted ("a ""b"", c"), quoted fields may span lines, lines
 * end in LF or CRLF, a UTF-8 byte-order mark is skipped, blank lines are
 * skipped.  The first row names the columns; csv_col() finds one by name
 * (ASCII case-insensitive, surrounding spaces ignored).  A row may have
 * fewer fields than the header (the rest read as ""), not more.
 *
 *	struct csv *t;
 *	if (csv_parse(&t, text, len, &e) < 0) ... e.msg ("line 7: unterminated quote") ...
 *	int name = csv_col(t, "name");
 *	for (size_t r = 0; r < t->n_rows; r++)
 *		use(csv_get(t, r, name), t->rows[r].line);
 *	csv_free(t);
 */
#ifndef VF_CSV_H
#define VF_CSV_H

#include <stddef.h>

#include "base/err.h"

#define CSV_MAX_FIELDS 64

struct csv_row {
	char **fields;
	size_t n;
	size_t line;          /* the line the row starts on (1-based) */
};

struct csv {
	char **header;
	size_t n_cols;
	struct csv_row *rows;
	size_t n_rows;
};

/* ERR_INVALID with the line for a quote left open, a stray quote, a NUL,
 * more fields than the header or than CSV_MAX_FIELDS, or no header. */
int csv_parse(struct csv **out, const char *text, size_t len, struct err *e);
void csv_free(struct csv *t);
/* The index of the column named name, or -1. */
int csv_col(const struct csv *t, const char *name);
/* Field col of row r ("" when the row is short or col is -1). */
const char *csv_get(const struct csv *t, size_t r, int col);

#endif
