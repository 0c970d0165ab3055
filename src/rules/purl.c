/* purl.c - Package URL parsing, normalisation and canonical form (ECMA-427 and
 * the purl-spec type definitions); docs/internals/purl.md explains the choices. */
#include "rules/purl.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/mem.h"

/* ---- errors ------------------------------------------------------------- */

/* Where a message comes from: 'purl "INPUT"' (input, n bytes, quoted only
 * when a message is made) or 'purl parts' (input NULL). */
struct ctx {
	char subject[96];
	struct err *e;
	const char *input;
	size_t n;
};

/* Copy n bytes of untrusted text into buf for a message: printable ASCII as
 * is, '"', '\\' and any other byte as \xHH, cut with "..." when long. */
static const char *quote(char *buf, size_t size, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (o + 8 >= size) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\') {
			buf[o++] = (char)ch;
		} else {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[ch >> 4];
			buf[o++] = hex[ch & 15];
		}
	}
	buf[o] = '\0';
	return buf;
}

static int fail(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct ctx *c, const char *fmt, ...)
{
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (c->input != NULL) {
		char shown[sizeof(c->subject) - 8];

		snprintf(c->subject, sizeof(c->subject), "purl \"%s\"",
			 quote(shown, sizeof(shown), c->input, c->n));
	}
	return err_set(c->e, ERR_INVALID, "%s: %s", c->subject, what);
}

/* ---- characters ---------------------------------------------------------- */

static int is_alpha(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static int is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

/* Bytes the canonical form writes as they are: ECMA-427's Alphanumeric and
 * Punctuation Characters, and the colon, which is never encoded. */
static int is_plain(int ch)
{
	return is_alpha(ch) || is_digit(ch) || ch == '.' || ch == '-' || ch == '_' || ch == '~' ||
	       ch == ':';
}

static int hex_value(int ch)
{
	if (is_digit(ch))
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Decode one UTF-8 sequence at s[*i] (n bytes in all) into *cp and advance
 * *i; -1 for anything but the shortest form of a scalar value. */
static int utf8_next(const unsigned char *s, size_t n, size_t *i, uint32_t *cp)
{
	unsigned char b = s[*i];
	size_t len, k;
	uint32_t v, min;

	if (b < 0x80) {
		*cp = b;
		(*i)++;
		return 0;
	}
	if (b >= 0xc2 && b <= 0xdf) {
		len = 2, v = b & 0x1f, min = 0x80;
	} else if (b >= 0xe0 && b <= 0xef) {
		len = 3, v = b & 0x0f, min = 0x800;
	} else if (b >= 0xf0 && b <= 0xf4) {
		len = 4, v = b & 0x07, min = 0x10000;
	} else {
		return -1;
	}
	if (n - *i < len)
		return -1;
	for (k = 1; k < len; k++) {
		if ((s[*i + k] & 0xc0) != 0x80)
			return -1;
		v = (v << 6) | (s[*i + k] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return -1;
	*cp = v;
	*i += len;
	return 0;
}

/* Is n bytes at s UTF-8 (shortest forms of scalar values only)? */
static int utf8_valid(const char *s, size_t n)
{
	size_t i = 0;
	uint32_t cp;

	while (i < n)
		if (utf8_next((const unsigned char *)s, n, &i, &cp) < 0)
			return 0;
	return 1;
}

/* Append the UTF-8 form of the scalar value cp. */
static void utf8_put(struct buf *b, uint32_t cp)
{
	unsigned char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp, n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | (cp >> 6));
		u[1] = (unsigned char)(0x80 | (cp & 0x3f)), n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | (cp >> 12));
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f)), n = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | (cp >> 18));
		u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (unsigned char)(0x80 | (cp & 0x3f)), n = 4;
	}
	buf_add(b, u, n);
}

/* Lowercase of one code point where the mapping is one code point: ASCII,
 * Latin-1, Latin Extended-A and Additional, Greek, Cyrillic, Armenian,
 * fullwidth Latin and three letterlike symbols.  Other scripts unchanged. */
static uint32_t lower_cp(uint32_t c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7))
		return c + 32;
	if (c < 0x100)
		return c;
	if ((c <= 0x12f) || (c >= 0x132 && c <= 0x137) || (c >= 0x14a && c <= 0x177) ||
	    (c >= 0x460 && c <= 0x481) || (c >= 0x48a && c <= 0x4bf) ||
	    (c >= 0x4d0 && c <= 0x52f) || (c >= 0x1e00 && c <= 0x1e95) ||
	    (c >= 0x1ea0 && c <= 0x1eff))
		return c % 2 == 0 ? c + 1 : c;
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e) ||
	    (c >= 0x4c1 && c <= 0x4ce))
		return c % 2 == 1 ? c + 1 : c;
	if (c == 0x178)
		return 0xff;
	if ((c >= 0x391 && c <= 0x3a9 && c != 0x3a2) || (c >= 0x410 && c <= 0x42f) ||
	    (c >= 0xff21 && c <= 0xff3a))
		return c + 32;
	if (c == 0x386)
		return 0x3ac;
	if (c >= 0x388 && c <= 0x38a)
		return c + 37;
	if (c == 0x38c)
		return 0x3cc;
	if (c == 0x38e || c == 0x38f)
		return c + 63;
	if (c >= 0x400 && c <= 0x40f)
		return c + 80;
	if (c == 0x4c0)
		return 0x4cf;
	if (c >= 0x531 && c <= 0x556)
		return c + 48;
	if (c == 0x1e9e)
		return 0xdf;
	if (c == 0x2126)
		return 0x3c9;
	if (c == 0x212a)
		return 'k';
	if (c == 0x212b)
		return 0xe5;
	return c;
}

/* Replace *s (valid UTF-8) by its lowercase; U+0130 becomes "i" U+0307 as
 * Unicode's full case mapping has it. */
static void lower_in_place(char **s)
{
	const unsigned char *u = (const unsigned char *)*s;
	size_t n = 0, i = 0;
	struct buf b;
	uint32_t cp;

	while (u[n] != '\0' && u[n] < 0x80)
		n++;
	if (u[n] == '\0') {	/* ASCII: in place */
		for (char *t = *s; *t != '\0'; t++)
			if (*t >= 'A' && *t <= 'Z')
				*t = (char)(*t + 32);
		return;
	}
	n += strlen(*s + n);
	buf_init(&b, n * 2 + 1);
	while (i < n) {
		if (utf8_next(u, n, &i, &cp) < 0)
			break;	/* not reached: every string here was validated */
		if (cp == 0x130) {
			utf8_put(&b, 'i');
			utf8_put(&b, 0x307);
		} else {
			utf8_put(&b, lower_cp(cp));
		}
	}
	free(*s);
	*s = buf_detach(&b, NULL);
}

/* Percent-decode n bytes of s into a new string in *out; the result must be
 * UTF-8 without NUL.  what names the component for messages. */
static int decode(struct ctx *c, const char *what, const char *s, size_t n, char **out)
{
	char *d = xmalloc(n + 1), shown[16];
	size_t o = 0;

	*out = NULL;
	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (s[i] != '%') {
			d[o++] = s[i];
			continue;
		}
		hi = i + 1 < n ? hex_value((unsigned char)s[i + 1]) : -1;
		lo = i + 2 < n ? hex_value((unsigned char)s[i + 2]) : -1;
		if (hi < 0 || lo < 0) {
			free(d);
			return fail(c, "invalid percent-encoding \"%s\" in the %s",
				    quote(shown, sizeof(shown), s + i, n - i < 3 ? n - i : 3),
				    what);
		}
		if (hi == 0 && lo == 0) {
			free(d);
			return fail(c, "the %s contains a NUL byte (%%00)", what);
		}
		d[o++] = (char)(hi << 4 | lo);
		i += 2;
	}
	d[o] = '\0';
	if (!utf8_valid(d, o)) {
		free(d);
		return fail(c, "the %s is not valid UTF-8", what);
	}
	*out = d;
	return 0;
}

/* Append s percent-encoded; keep_slash leaves '/' as it is (segment lists). */
static void encode(struct buf *b, const char *s, int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;
		char t[3];

		if (is_plain(ch) || (keep_slash && ch == '/')) {
			const char *run = s;	/* the run of characters kept as they are */

			while (s[1] != '\0' &&
			       (is_plain((unsigned char)s[1]) || (keep_slash && s[1] == '/')))
				s++;
			buf_add(b, run, (size_t)(s - run + 1));
			continue;
		}
		t[0] = '%';
		t[1] = hex[ch >> 4];
		t[2] = hex[ch & 15];
		buf_add(b, t, 3);
	}
}

/* ---- segments ------------------------------------------------------------- */

/* Whether s, a '/'-separated list, has no empty segment (and, when dot is
 * set, no '.' or '..' segment): clean_segments() would leave it as it is. */
static int segments_clean(const char *s, int dot)
{
	const char *p = s;

	if (*p == '\0')
		return 0;
	for (;;) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (dot && p[0] == '.' && (n == 1 || (n == 2 && p[1] == '.'))))
			return 0;
		p += n;
		if (*p == '\0')
			return 1;
		p++;
	}
}

/* Rewrite *s, a '/'-separated list, without empty segments (and without '.'
 * and '..' when dot is set); *s becomes NULL when nothing is left. */
static void clean_segments(char **s, int dot)
{
	struct buf b;
	const char *p;

	if (*s == NULL)
		return;
	if (segments_clean(*s, dot))
		return;
	buf_init(&b, strlen(*s) + 1);
	for (p = *s; *p != '\0';) {
		size_t n = strcspn(p, "/");
		int dots = (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.');

		if (n > 0 && !(dot && dots)) {
			if (b.len > 0)
				buf_add(&b, "/", 1);
			buf_add(&b, p, n);
		}
		p += n;
		if (*p == '/')
			p++;
	}
	free(*s);
	*s = b.len > 0 ? buf_detach(&b, NULL) : NULL;
	buf_release(&b);
}

/* The number of '/'-separated segments of a cleaned list. */
static size_t count_segments(const char *s)
{
	size_t n = 1;

	for (; *s != '\0'; s++)
		n += *s == '/';
	return n;
}

/* Decode a '/'-separated list of n bytes at s segment by segment into *out
 * (joined by '/', NULL if nothing is left); a decoded segment must not
 * contain '/'.  Empty segments are dropped, '.' and '..' too when dot is set. */
static int decode_segments(struct ctx *c, const char *what, const char *s, size_t n, int dot,
			   char **out)
{
	const char *end = s + n, *p = s;
	struct buf b;
	char *seg = NULL, shown[48];
	int ret = -1;

	*out = NULL;
	buf_init(&b, n + 1);
	while (p < end) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		size_t len = (size_t)((slash != NULL ? slash : end) - p);

		if (decode(c, what, p, len, &seg) < 0)
			goto out;
		if (strchr(seg, '/') != NULL) {
			fail(c, "%s segment \"%s\" contains \"/\"", what,
			     quote(shown, sizeof(shown), seg, strlen(seg)));
			goto out;
		}
		if (seg[0] != '\0' && !(dot && (strcmp(seg, ".") == 0 || strcmp(seg, "..") == 0))) {
			if (b.len > 0)
				buf_add(&b, "/", 1);
			buf_adds(&b, seg);
		}
		free(seg);
		seg = NULL;
		p += len + (slash != NULL);
	}
	if (b.len > 0)
		*out = buf_detach(&b, NULL);
	ret = 0;
out:
	free(seg);
	buf_release(&b);
	return ret;
}

/* ---- qualifiers ------------------------------------------------------------ */

/* Append a pair; the array's room doubles at 4, 8, 16... pairs. */
static void add_qualifier(struct purl *p, char *key, char *value)
{
	size_t n = p->nqualifiers;

	if (n == 0 || (n >= 4 && (n & (n - 1)) == 0))
		p->qualifiers = xrealloc(p->qualifiers,
					 (n == 0 ? 4 : 2 * n) * sizeof(*p->qualifiers));
	p->qualifiers[p->nqualifiers].key = key;
	p->qualifiers[p->nqualifiers].value = value;
	p->nqualifiers++;
}

/* The value of qualifier key, or NULL. */
static const char *qualifier(const struct purl *p, const char *key)
{
	for (size_t i = 0; i < p->nqualifiers; i++)
		if (strcmp(p->qualifiers[i].key, key) == 0)
			return p->qualifiers[i].value;
	return NULL;
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const struct purl_qualifier *)a)->key,
		      ((const struct purl_qualifier *)b)->key);
}

/* Lowercase and check the keys, drop empty values, sort, refuse repeats. */
static int clean_qualifiers(struct ctx *c, struct purl *p)
{
	char shown[48];
	size_t kept = 0;

	for (size_t i = 0; i < p->nqualifiers; i++) {
		struct purl_qualifier *q = &p->qualifiers[i];
		const char *k;

		if (q->key == NULL || q->key[0] == '\0')
			return fail(c, "a qualifier has an empty key");
		for (char *t = q->key; *t != '\0'; t++)
			if (*t >= 'A' && *t <= 'Z')
				*t = (char)(*t + 32);
		for (k = q->key; *k != '\0'; k++)
			if (!is_alpha(*k) && !is_digit(*k) && *k != '.' && *k != '-' && *k != '_')
				return fail(c, "qualifier key \"%s\" has characters other than "
					       "letters, digits, \".\", \"-\" and \"_\"",
					    quote(shown, sizeof(shown), q->key, strlen(q->key)));
		if (!is_alpha(q->key[0]))
			return fail(c, "qualifier key \"%s\" does not start with a letter",
				    quote(shown, sizeof(shown), q->key, strlen(q->key)));
	}
	for (size_t i = 0; i < p->nqualifiers; i++) {
		struct purl_qualifier q = p->qualifiers[i];

		if (q.value == NULL || q.value[0] == '\0') {
			free(q.key);
			free(q.value);
			continue;
		}
		p->qualifiers[kept++] = q;
	}
	p->nqualifiers = kept;
	if (kept == 0) {
		free(p->qualifiers);
		p->qualifiers = NULL;
		return 0;
	}
	qsort(p->qualifiers, kept, sizeof(*p->qualifiers), by_key);
	for (size_t i = 1; i < kept; i++)
		if (strcmp(p->qualifiers[i - 1].key, p->qualifiers[i].key) == 0)
			return fail(c, "qualifier \"%s\" appears more than once",
				    p->qualifiers[i].key);
	return 0;
}

/* ---- type rules ------------------------------------------------------------ */

enum ns_rule { NS_OPTIONAL, NS_REQUIRED, NS_PROHIBITED };

#define LOWER_NAMESPACE 1u
#define LOWER_NAME 2u
#define LOWER_VERSION 4u

struct type_rule {
	const char *type;
	enum ns_rule ns;
	unsigned lower;              /* LOWER_* components that are case-insensitive */
	const char *required_key;    /* a qualifier that must be present, or NULL */
	int (*special)(struct ctx *c, struct purl *p);
};

/* git: the namespace is the host, the name the repository's path on it,
 * which may have several segments ("codeberg.org" / "forgejo/forgejo"). */
static void git_split(struct purl *p)
{
	struct buf b;
	char *all, *slash;

	buf_init(&b, PURL_MAX_LEN * 4);
	if (p->namespace != NULL) {
		buf_adds(&b, p->namespace);
		buf_add(&b, "/", 1);
	}
	buf_adds(&b, p->name);
	all = buf_detach(&b, NULL);
	clean_segments(&all, 0);
	free(p->namespace);
	free(p->name);
	p->namespace = NULL;
	p->name = NULL;
	slash = all != NULL ? strchr(all, '/') : NULL;
	if (slash == NULL) {
		p->name = all != NULL ? all : xstrdup("");
		return;
	}
	p->namespace = xstrndup(all, (size_t)(slash - all));
	p->name = xstrdup(slash + 1);
	free(all);
}

/* PyPI: runs of '-', '_' and '.' become one '-' (PEP 503). */
static int pypi_name(struct ctx *c, struct purl *p)
{
	char *w = p->name;

	for (const char *r = p->name; *r != '\0';) {
		if (*r == '-' || *r == '_' || *r == '.') {
			while (*r == '-' || *r == '_' || *r == '.')
				r++;
			*w++ = '-';
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return 0;
}

/* pub: every character other than [a-z0-9_] becomes '_' (after lowercasing). */
static int pub_name(struct ctx *c, struct purl *p)
{
	const unsigned char *u = (const unsigned char *)p->name;
	size_t n = strlen(p->name), i = 0, o = 0;
	uint32_t cp;

	while (i < n && utf8_next(u, n, &i, &cp) == 0)
		p->name[o++] = (cp < 0x80 && (is_alpha((int)cp) || is_digit((int)cp) || cp == '_'))
				       ? (char)cp : '_';
	p->name[o] = '\0';
	return 0;
}

/* mlflow: Databricks model names are case-insensitive, Azure ML ones not. */
static int mlflow_name(struct ctx *c, struct purl *p)
{
	const char *url = qualifier(p, "repository_url");

	if (url == NULL)
		return 0;
	for (const char *t = url; *t != '\0'; t++)
		if (strncasecmp(t, "databricks", 10) == 0) {
			lower_in_place(&p->name);
			break;
		}
	return 0;
}

/* cpan: the name is a distribution ("URI-PackageURL"), never a module. */
static int cpan_name(struct ctx *c, struct purl *p)
{
	char shown[48];

	if (strstr(p->name, "::") != NULL)
		return fail(c, "cpan name \"%s\" is a module name: "
			       "a distribution name has no \"::\"",
			    quote(shown, sizeof(shown), p->name, strlen(p->name)));
	return 0;
}

/* chrome-extension: the name is 32 letters a-p, the version 1 to 4 numbers. */
static int chrome_extension(struct ctx *c, struct purl *p)
{
	char shown[48];
	size_t n = strlen(p->name), dots = 0;
	const char *v = p->version;

	for (size_t i = 0; i < n; i++)
		if (p->name[i] < 'a' || p->name[i] > 'p')
			n = 0;
	if (n != 32)
		return fail(c, "chrome-extension name \"%s\" is not 32 letters a to p",
			    quote(shown, sizeof(shown), p->name, strlen(p->name)));
	if (v == NULL)
		return 0;
	for (const char *t = v;; t++) {
		if (!is_digit(*t))
			goto bad;
		while (is_digit(*t))
			t++;
		if (*t == '\0')
			break;
		if (*t != '.' || ++dots > 3)
			goto bad;
	}
	return 0;
bad:
	return fail(c, "chrome-extension version \"%s\" is not 1 to 4 dot-separated numbers",
		    quote(shown, sizeof(shown), v, strlen(v)));
}

/* cocoapods: no whitespace or '+' in a pod name, and no leading '.'. */
static int cocoapods_name(struct ctx *c, struct purl *p)
{
	char shown[48];

	if (p->name[0] == '.' || strpbrk(p->name, " \t\n\v\f\r+") != NULL)
		return fail(c, "cocoapods name \"%s\" has whitespace or \"+\", "
			       "or starts with \".\"",
			    quote(shown, sizeof(shown), p->name, strlen(p->name)));
	return 0;
}

/* swid: at most two namespace segments (creator name, regid); a GUID
 * tag_id is lowercase. */
static int swid(struct ctx *c, struct purl *p)
{
	static const int dash[] = { 8, 13, 18, 23 };
	char *tag = NULL;
	size_t k = 0;

	if (p->namespace != NULL && count_segments(p->namespace) > 2)
		return fail(c, "swid namespace has more than two segments (name and regid)");
	for (size_t i = 0; i < p->nqualifiers; i++)
		if (strcmp(p->qualifiers[i].key, "tag_id") == 0)
			tag = p->qualifiers[i].value;
	if (tag == NULL || strlen(tag) != 36)
		return 0;
	for (size_t i = 0; i < 36; i++) {
		if (k < 4 && (int)i == dash[k]) {
			if (tag[i] != '-')
				return 0;
			k++;
		} else if (hex_value((unsigned char)tag[i]) < 0) {
			return 0;
		}
	}
	for (size_t i = 0; i < 36; i++)
		if (tag[i] >= 'A' && tag[i] <= 'F')
			tag[i] = (char)(tag[i] + 32);
	return 0;
}

#define NSL LOWER_NAMESPACE
#define NAL LOWER_NAME
#define VEL LOWER_VERSION

/* The registered types with rules beyond the generic ones, from the
 * purl-spec type definitions (types/TYPE-definition.json). */
static const struct type_rule type_rules[] = {
	{ "alpm", NS_REQUIRED, NSL | NAL, NULL, NULL },
	{ "apk", NS_REQUIRED, NSL | NAL, NULL, NULL },
	{ "bazel", NS_PROHIBITED, 0, NULL, NULL },
	{ "bitbucket", NS_REQUIRED, NSL | NAL, NULL, NULL },
	{ "bitnami", NS_PROHIBITED, NAL, NULL, NULL },
	{ "brew", NS_OPTIONAL, NSL | NAL, NULL, NULL },
	{ "cargo", NS_PROHIBITED, 0, NULL, NULL },
	{ "chrome-extension", NS_PROHIBITED, NAL, NULL, chrome_extension },
	{ "cocoapods", NS_PROHIBITED, 0, NULL, cocoapods_name },
	{ "composer", NS_REQUIRED, NSL | NAL, NULL, NULL },
	{ "conda", NS_PROHIBITED, 0, NULL, NULL },
	{ "cpan", NS_OPTIONAL, 0, NULL, cpan_name },
	{ "cran", NS_PROHIBITED, 0, NULL, NULL },
	{ "deb", NS_REQUIRED, NSL | NAL, NULL, NULL },
	{ "gem", NS_PROHIBITED, 0, NULL, NULL },
	{ "git", NS_REQUIRED, 0, NULL, NULL },
	{ "github", NS_REQUIRED, NSL | NAL, NULL, NULL },
	{ "golang", NS_REQUIRED, NSL | NAL, NULL, NULL },
	{ "hex", NS_OPTIONAL, NSL | NAL, NULL, NULL },
	{ "huggingface", NS_OPTIONAL, VEL, NULL, NULL },  /* "required", but see purl.md */
	{ "julia", NS_PROHIBITED, 0, "uuid", NULL },
	{ "maven", NS_REQUIRED, 0, NULL, NULL },
	{ "mlflow", NS_PROHIBITED, 0, NULL, mlflow_name },
	{ "npm", NS_OPTIONAL, NSL | NAL, NULL, NULL },
	{ "nuget", NS_PROHIBITED, 0, NULL, NULL },
	{ "oci", NS_PROHIBITED, NAL, NULL, NULL },
	{ "opam", NS_PROHIBITED, 0, NULL, NULL },
	{ "otp", NS_PROHIBITED, NAL, NULL, NULL },
	{ "pub", NS_PROHIBITED, NAL, NULL, pub_name },
	{ "pypi", NS_PROHIBITED, NAL | VEL, NULL, pypi_name },
	{ "qpkg", NS_REQUIRED, NSL, NULL, NULL },
	{ "rpm", NS_OPTIONAL, NSL, NULL, NULL },          /* "required", but see purl.md */
	{ "swid", NS_OPTIONAL, 0, "tag_id", swid },
	{ "swift", NS_REQUIRED, 0, NULL, NULL },
	{ "vcpkg", NS_PROHIBITED, 0, NULL, NULL },
	{ "vscode-extension", NS_REQUIRED, NSL | NAL | VEL, NULL, NULL },
};

/* The rules of a (lowercase) type, or NULL for a type with generic rules only. */
static const struct type_rule *rule_for(const char *type)
{
	for (size_t i = 0; i < sizeof(type_rules) / sizeof(type_rules[0]); i++)
		if (type_rules[i].type[0] == type[0] && strcmp(type_rules[i].type, type) == 0)
			return &type_rules[i];
	return NULL;
}

static int apply_type_rule(struct ctx *c, struct purl *p)
{
	const struct type_rule *r = rule_for(p->type);

	if (strcmp(p->type, "git") == 0)
		git_split(p);
	if (p->name[0] == '\0')
		return fail(c, "missing name");
	if (r == NULL)
		return 0;
	if ((r->lower & LOWER_NAMESPACE) && p->namespace != NULL)
		lower_in_place(&p->namespace);
	if (r->lower & LOWER_NAME)
		lower_in_place(&p->name);
	if ((r->lower & LOWER_VERSION) && p->version != NULL)
		lower_in_place(&p->version);
	if (r->ns == NS_REQUIRED && p->namespace == NULL)
		return fail(c, "type \"%s\" requires a namespace", p->type);
	if (r->ns == NS_PROHIBITED && p->namespace != NULL)
		return fail(c, "type \"%s\" has no namespace", p->type);
	if (r->required_key != NULL && qualifier(p, r->required_key) == NULL)
		return fail(c, "type \"%s\" requires the qualifier \"%s\"", p->type,
			    r->required_key);
	return r->special != NULL ? r->special(c, p) : 0;
}

/* ---- normalisation --------------------------------------------------------- */

/* A type is ASCII letters, digits, '.' and '-', starting with a letter. */
static int check_type(struct ctx *c, const char *t, size_t n)
{
	char shown[48];

	if (n == 0)
		return fail(c, "missing type");
	for (size_t i = 0; i < n; i++)
		if (!is_alpha(t[i]) && !is_digit(t[i]) && t[i] != '.' && t[i] != '-')
			return fail(c, "type \"%s\" has characters other than letters, digits, "
				       "\".\" and \"-\"",
				    quote(shown, sizeof(shown), t, n));
	if (!is_alpha(t[0]))
		return fail(c, "type \"%s\" does not start with a letter",
			    quote(shown, sizeof(shown), t, n));
	return 0;
}

/* Strip leading and trailing '/' from *s in place. */
static void strip_slashes(char *s)
{
	size_t a = strspn(s, "/"), n = strlen(s);

	while (n > a && s[n - 1] == '/')
		n--;
	memmove(s, s + a, n - a);
	s[n - a] = '\0';
}

/* Bring p (decoded components) to its normal form, or fail. */
static int normalise(struct ctx *c, struct purl *p)
{
	if (p->type == NULL)
		return fail(c, "missing type");
	if (check_type(c, p->type, strlen(p->type)) < 0)
		return -1;
	for (char *t = p->type; *t != '\0'; t++)
		if (*t >= 'A' && *t <= 'Z')
			*t = (char)(*t + 32);
	clean_segments(&p->namespace, 0);
	if (p->name == NULL)
		return fail(c, "missing name");
	strip_slashes(p->name);
	if (p->name[0] == '\0')
		return fail(c, "missing name");
	if (p->version != NULL && p->version[0] == '\0') {
		free(p->version);
		p->version = NULL;
	}
	clean_segments(&p->subpath, 1);
	if (clean_qualifiers(c, p) < 0)
		return -1;
	return apply_type_rule(c, p);
}

/* ---- canonical form -------------------------------------------------------- */

/* Write the canonical string of the normalised p to *out. */
static int emit(struct ctx *c, const struct purl *p, char **out)
{
	struct buf b;
	int git = strcmp(p->type, "git") == 0;

	*out = NULL;
	buf_init(&b, (size_t)PURL_MAX_LEN * 16);
	buf_adds(&b, "pkg:");
	buf_adds(&b, p->type);
	buf_add(&b, "/", 1);
	if (p->namespace != NULL) {
		encode(&b, p->namespace, 1);
		buf_add(&b, "/", 1);
	}
	encode(&b, p->name, git);
	if (p->version != NULL) {
		buf_add(&b, "@", 1);
		encode(&b, p->version, 0);
	}
	for (size_t i = 0; i < p->nqualifiers; i++) {
		buf_add(&b, i == 0 ? "?" : "&", 1);
		buf_adds(&b, p->qualifiers[i].key);
		buf_add(&b, "=", 1);
		encode(&b, p->qualifiers[i].value, 0);
	}
	if (p->subpath != NULL) {
		buf_add(&b, "#", 1);
		encode(&b, p->subpath, 1);
	}
	if (b.len > PURL_MAX_LEN) {
		buf_release(&b);
		return fail(c, "the canonical form is longer than %d bytes", PURL_MAX_LEN);
	}
	*out = buf_detach(&b, NULL);
	return 0;
}

/* ---- API ------------------------------------------------------------------- */

/* Messages about the input s name it: 'purl "pkg:..."' (made by fail()). */
static void subject_input(struct ctx *c, struct err *e, const char *s, size_t n)
{
	c->e = e;
	c->input = s;
	c->n = n;
}

/* The qualifiers string (n bytes at s, after '?'): '&'-separated key=value
 * pairs; the key is taken as it is (checked in normalise), the value decoded. */
static int parse_qualifiers(struct ctx *c, struct purl *p, const char *s, size_t n)
{
	const char *end = s + n;
	char shown[48];

	while (s < end) {
		const char *amp = memchr(s, '&', (size_t)(end - s)), *eq;
		size_t len = (size_t)((amp != NULL ? amp : end) - s);
		char *value;

		if (len > 0) {
			eq = memchr(s, '=', len);
			if (eq == NULL)
				return fail(c, "qualifier \"%s\" has no \"=\"",
					    quote(shown, sizeof(shown), s, len));
			if (decode(c, "qualifier value", eq + 1, len - (size_t)(eq + 1 - s),
				   &value) < 0)
				return -1;
			add_qualifier(p, xstrndup(s, (size_t)(eq - s)), value);
		}
		s += len + (amp != NULL);
	}
	return 0;
}

int purl_parse(struct purl **out, const char *s, size_t len, struct err *e)
{
	const char *end = s + len, *hash, *query, *colon, *t, *slash, *body, *body_end, *last, *at;
	struct purl *p = NULL;
	struct ctx c;
	int ret = -1;

	*out = NULL;
	subject_input(&c, e, s, len);
	if (len > PURL_MAX_LEN)
		return fail(&c, "longer than %d bytes", PURL_MAX_LEN);
	if (memchr(s, '\0', len) != NULL)
		return fail(&c, "contains a NUL byte");
	p = xcalloc(1, sizeof(*p));

	/* '#' subpath and '?' qualifiers, at their first occurrence as in URLs */
	hash = memchr(s, '#', len);
	if (hash != NULL && decode_segments(&c, "subpath", hash + 1, (size_t)(end - hash - 1), 1,
					    &p->subpath) < 0)
		goto out;
	if (hash != NULL)
		end = hash;
	query = memchr(s, '?', (size_t)(end - s));
	if (query != NULL && parse_qualifiers(&c, p, query + 1, (size_t)(end - query - 1)) < 0)
		goto out;
	if (query != NULL)
		end = query;

	/* "pkg:", any number of '/', the type up to the next '/' */
	colon = memchr(s, ':', (size_t)(end - s));
	if (colon == NULL) {
		fail(&c, "missing the scheme \"pkg:\"");
		goto out;
	}
	if (colon - s != 3 || strncasecmp(s, "pkg", 3) != 0) {
		char shown[24];

		fail(&c, "scheme \"%s\" is not \"pkg\"",
		     quote(shown, sizeof(shown), s, (size_t)(colon - s)));
		goto out;
	}
	for (t = colon + 1; t < end && *t == '/'; t++)
		;
	slash = memchr(t, '/', (size_t)(end - t));
	if (check_type(&c, t, (size_t)((slash != NULL ? slash : end) - t)) < 0)
		goto out;
	p->type = xstrndup(t, (size_t)((slash != NULL ? slash : end) - t));
	if (slash == NULL) {
		fail(&c, "missing name");
		goto out;
	}

	/* the rest: namespace segments, then name[@version] in the last segment */
	body = slash + 1;
	body_end = end;
	while (body_end > body && body_end[-1] == '/')
		body_end--;
	for (last = body_end; last > body && last[-1] != '/'; last--)
		;
	at = NULL;
	for (const char *k = last; k < body_end; k++)
		if (*k == '@')
			at = k;
	if (at != NULL &&
	    decode(&c, "version", at + 1, (size_t)(body_end - at - 1), &p->version) < 0)
		goto out;
	if (decode(&c, "name", last, (size_t)((at != NULL ? at : body_end) - last), &p->name) < 0)
		goto out;
	if (p->name[0] == '\0') {
		fail(&c, "missing name");
		goto out;
	}
	if (decode_segments(&c, "namespace", body, (size_t)(last - body), 0, &p->namespace) < 0)
		goto out;
	if (normalise(&c, p) < 0)
		goto out;
	*out = p;
	p = NULL;
	ret = 0;
out:
	purl_free(p);
	return ret;
}

/* A copy of s, or NULL for NULL. */
static char *dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

int purl_build(char **out, const struct purl *parts, struct err *e)
{
	const char *fields[] = { parts->type, parts->namespace, parts->name, parts->version,
				 parts->subpath };
	const char *names[] = { "type", "namespace", "name", "version", "subpath" };
	struct purl *p = NULL;
	struct ctx c = { "purl parts", e, NULL, 0 };
	int ret = -1;

	*out = NULL;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i] != NULL &&
		    (strlen(fields[i]) > PURL_MAX_LEN || !utf8_valid(fields[i], strlen(fields[i]))))
			return fail(&c, "the %s is not valid UTF-8 of at most %d bytes", names[i],
				    PURL_MAX_LEN);
	for (size_t i = 0; i < parts->nqualifiers; i++) {
		const char *v = parts->qualifiers[i].value, *k = parts->qualifiers[i].key;

		if ((k != NULL && strlen(k) > PURL_MAX_LEN) ||
		    (v != NULL && (strlen(v) > PURL_MAX_LEN || !utf8_valid(v, strlen(v)))))
			return fail(&c, "a qualifier is not valid UTF-8 of at most %d bytes",
				    PURL_MAX_LEN);
	}
	p = xcalloc(1, sizeof(*p));
	p->type = dup_or_null(parts->type);
	p->namespace = dup_or_null(parts->namespace);
	p->name = dup_or_null(parts->name);
	p->version = dup_or_null(parts->version);
	p->subpath = dup_or_null(parts->subpath);
	for (size_t i = 0; i < parts->nqualifiers; i++)
		add_qualifier(p, dup_or_null(parts->qualifiers[i].key),
			      dup_or_null(parts->qualifiers[i].value));
	if (normalise(&c, p) < 0 || emit(&c, p, out) < 0)
		goto out;
	ret = 0;
out:
	purl_free(p);
	return ret;
}

int purl_canonicalize(const char *in, char **out, struct err *e)
{
	struct purl *p;
	struct ctx c;
	int ret;

	*out = NULL;
	if (purl_parse(&p, in, strlen(in), e) < 0)
		return -1;
	subject_input(&c, e, in, strlen(in));
	ret = emit(&c, p, out);
	purl_free(p);
	return ret;
}

void purl_free(struct purl *p)
{
	if (p == NULL)
		return;
	free(p->type);
	free(p->namespace);
	free(p->name);
	free(p->version);
	for (size_t i = 0; i < p->nqualifiers; i++) {
		free(p->qualifiers[i].key);
		free(p->qualifiers[i].value);
	}
	free(p->qualifiers);
	free(p->subpath);
	free(p);
}
