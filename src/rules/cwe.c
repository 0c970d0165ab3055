/* cwe.c - binary search over the embedded, id-sorted CWE table (cwe_tsv[]). */
#include "rules/cwe.h"

#include <limits.h>
#include <string.h>

#define CWE_FIELDS 6

/* Where the data rows start: after the "#" lines and the column header. */
static const char *rows_start(void)
{
	const char *p = cwe_tsv, *end = cwe_tsv + cwe_tsv_len;
	int header_seen = 0;

	while (p < end && !header_seen) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (*p != '#')
			header_seen = 1;        /* the column names line */
		p = nl ? nl + 1 : end;
	}
	return p;
}

/* The id at the start of the line at p, or -1. */
static int line_id(const char *p, const char *end)
{
	long v = 0;

	if (p >= end || *p < '0' || *p > '9')
		return -1;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (*p - '0');
		if (v > INT_MAX)
			return -1;
	}
	return (p < end && *p == '\t') ? (int)v : -1;
}

static const char *line_start(const char *p, const char *lo)
{
	while (p > lo && p[-1] != '\n')
		p--;
	return p;
}

static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl : end;
}

/* Copy field [s, e) into dst of size n; -1 if it does not fit. */
static int copy_field(char *dst, size_t n, const char *s, const char *e)
{
	size_t len = (size_t)(e - s);

	if (len >= n)
		return -1;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return 0;
}

/* Split the line [p, eol) into the entry's fields. */
static int parse_line(const char *p, const char *eol, struct cwe_entry *out)
{
	const char *f[CWE_FIELDS + 1];
	int n = 0;

	f[n++] = p;
	for (const char *q = p; q < eol && n <= CWE_FIELDS; q++)
		if (*q == '\t')
			f[n++] = q + 1;
	if (n != CWE_FIELDS)
		return -1;
	f[CWE_FIELDS] = eol + 1;        /* so field i ends at f[i + 1] - 1 */
	out->id = line_id(p, eol);
	if (out->id < 0 ||
	    copy_field(out->kind, sizeof(out->kind), f[1], f[2] - 1) ||
	    copy_field(out->status, sizeof(out->status), f[2], f[3] - 1) ||
	    copy_field(out->usage, sizeof(out->usage), f[3], f[4] - 1) ||
	    copy_field(out->name_zh, sizeof(out->name_zh), f[4], f[5] - 1) ||
	    copy_field(out->name_en, sizeof(out->name_en), f[5], f[6] - 1))
		return -1;
	return 0;
}

int cwe_lookup(int id, struct cwe_entry *out)
{
	const char *lo = rows_start(), *hi = cwe_tsv + cwe_tsv_len;
	const char *end = hi;

	memset(out, 0, sizeof(*out));
	if (id < 0)
		return -1;
	while (lo < hi) {
		const char *p = line_start(lo + (hi - lo) / 2, lo);
		const char *eol = line_end(p, end);
		int v = line_id(p, eol);

		if (v < 0)
			return -1;      /* corrupt table: never loop on it */
		if (v == id)
			return parse_line(p, eol, out);
		if (v < id)
			lo = eol + 1;
		else
			hi = p;
	}
	return -1;
}

int cwe_valid(int id)
{
	struct cwe_entry e;

	return cwe_lookup(id, &e) == 0 && strcmp(e.status, "Deprecated") != 0;
}

int cwe_parse(const char *s, int *id)
{
	long v = 0;

	*id = -1;
	if ((s[0] == 'C' || s[0] == 'c') && (s[1] == 'W' || s[1] == 'w') &&
	    (s[2] == 'E' || s[2] == 'e') && s[3] == '-')
		s += 4;
	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (*s - '0');
		if (v > INT_MAX)
			return -1;
	}
	if (*s != '\0')
		return -1;
	*id = (int)v;
	return 0;
}

size_t cwe_count(void)
{
	const char *p = rows_start(), *end = cwe_tsv + cwe_tsv_len;
	size_t n = 0;

	while (p < end) {
		p = line_end(p, end) + 1;
		n++;
	}
	return n;
}

void cwe_provenance(char *buf, size_t n)
{
	const char *p = cwe_tsv, *end = cwe_tsv + cwe_tsv_len;
	const char *eol = line_end(p, end);
	size_t len;

	if (n == 0)
		return;
	if (eol - p >= 2 && p[0] == '#' && p[1] == ' ')
		p += 2;
	len = (size_t)(eol - p);
	if (len >= n)
		len = n - 1;
	memcpy(buf, p, len);
	buf[len] = '\0';
}
