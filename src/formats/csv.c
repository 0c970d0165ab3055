/* csv.c - RFC 4180 CSV with a header row (see csv.h). */
#include "formats/csv.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/mem.h"

void csv_free(struct csv *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n_cols; i++)
		free(t->header[i]);
	free(t->header);
	for (size_t r = 0; r < t->n_rows; r++) {
		for (size_t i = 0; i < t->rows[r].n; i++)
			free(t->rows[r].fields[i]);
		free(t->rows[r].fields);
	}
	free(t->rows);
	free(t);
}

static void free_fields(char **fields, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(fields[i]);
	free(fields);
}

/* Read one record starting at *pos into *fields (*n of them). 0 at the
 * end of input (n == 0), -1 on error. */
static int read_record(const char *s, size_t len, size_t *pos, size_t *line, char ***fields,
		       size_t *n, struct err *e)
{
	struct buf f;
	size_t i = *pos, start = *line;
	int quoted = 0, in_quotes = 0, done = 0;

	*fields = NULL;
	*n = 0;
	buf_init(&f, len + 1);
	while (!done) {
		char ch = i < len ? s[i] : '\n';
		int at_end = i >= len;

		if (!at_end && ch == '\0') {
			err_set(e, ERR_INVALID, "line %zu: NUL byte", *line);
			goto fail;
		}
		if (in_quotes) {
			if (at_end) {
				err_set(e, ERR_INVALID, "line %zu: unterminated quote", start);
				goto fail;
			}
			if (ch == '"') {
				if (i + 1 < len && s[i + 1] == '"') {
					buf_add(&f, "\"", 1);
					i += 2;
					continue;
				}
				in_quotes = 0;
				i++;
				continue;
			}
			if (ch == '\n')
				(*line)++;
			buf_add(&f, &ch, 1);
			i++;
			continue;
		}
		if (ch == '"') {
			if (f.len != 0 || quoted) {
				err_set(e, ERR_INVALID, "line %zu: stray quote in a field", *line);
				goto fail;
			}
			quoted = in_quotes = 1;
			i++;
			continue;
		}
		if (ch == ',' || ch == '\n' || (ch == '\r' && i + 1 < len && s[i + 1] == '\n') ||
		    (ch == '\r' && i + 1 >= len)) {
			if (*n >= CSV_MAX_FIELDS) {
				err_set(e, ERR_INVALID, "line %zu: more than %d fields", *line,
					       CSV_MAX_FIELDS);
				goto fail;
			}
			*fields = xrealloc(*fields, (*n + 1) * sizeof(**fields));
			buf_add(&f, "", 1);
			(*fields)[(*n)++] = buf_detach(&f, NULL);
			quoted = 0;
			if (ch == ',') {
				i++;
				continue;
			}
			i += ch == '\r' ? 2 : 1;
			if (i > len)
				i = len;
			done = 1;
			continue;
		}
		if (quoted) {
			err_set(e, ERR_INVALID, "line %zu: text after a closing quote", *line);
			goto fail;
		}
		buf_add(&f, &ch, 1);
		i++;
	}
	buf_release(&f);
	*pos = i;
	return 0;
fail:
	buf_release(&f);
	free_fields(*fields, *n);
	*fields = NULL;
	*n = 0;
	return -1;
}

static int blank(char **fields, size_t n)
{
	return n == 1 && fields[0][0] == '\0';
}

int csv_parse(struct csv **out, const char *text, size_t len, struct err *e)
{
	struct csv *t = xcalloc(1, sizeof(*t));
	size_t pos = 0, line = 1;
	char **fields;
	size_t n;

	*out = NULL;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		size_t start = line;

		if (read_record(text, len, &pos, &line, &fields, &n, e) < 0)
			goto fail;
		line++;
		if (blank(fields, n)) {
			free_fields(fields, n);
			continue;
		}
		if (t->header == NULL) {
			t->header = fields;
			t->n_cols = n;
			for (size_t i = 0; i < n; i++) {
				char *h = t->header[i];
				size_t a = strspn(h, " \t"), b = strlen(h);

				while (b > a && (h[b - 1] == ' ' || h[b - 1] == '\t'))
					b--;
				memmove(h, h + a, b - a);
				h[b - a] = '\0';
			}
			continue;
		}
		if (n > t->n_cols) {
			free_fields(fields, n);
			err_set(e, ERR_INVALID, "line %zu: %zu fields, the header has %zu", start, n,
				t->n_cols);
			goto fail;
		}
		t->rows = xrealloc(t->rows, (t->n_rows + 1) * sizeof(*t->rows));
		t->rows[t->n_rows].fields = fields;
		t->rows[t->n_rows].n = n;
		t->rows[t->n_rows].line = start;
		t->n_rows++;
	}
	if (t->header == NULL) {
		err_set(e, ERR_INVALID, "no header row");
		goto fail;
	}
	*out = t;
	return 0;
fail:
	csv_free(t);
	return -1;
}

int csv_col(const struct csv *t, const char *name)
{
	for (size_t i = 0; i < t->n_cols; i++)
		if (strcasecmp(t->header[i], name) == 0)
			return (int)i;
	return -1;
}

const char *csv_get(const struct csv *t, size_t r, int col)
{
	if (col < 0 || r >= t->n_rows || (size_t)col >= t->rows[r].n)
		return "";
	return t->rows[r].fields[col];
}
