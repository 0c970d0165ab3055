/* vers.c - "vers:" version ranges: parse (strict or normalising), canonical
 * form, the specification's validity rules, simplification and containment;
 * the scheme table and version comparison.  Pure: no I/O, no globals. */
#include "rules/vers.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "rules/vers_impl.h"

/* A version longer than this is refused by every scheme. */
#define VERS_MAX_VERSION 4096

struct vers_con {
	enum vers_op op;
	const char *v; /* decoded, NUL-terminated, inside the block */
	size_t len;
	int ok; /* v is a valid version of the scheme */
};

struct vers {
	const struct vers_scheme *scheme;
	const char *type; /* lower case, inside the block */
	size_t n;
	struct vers_con *c;
	int valid;   /* vers_validate() would succeed */
	char *block; /* type and versions */
};

/* ---- schemes ------------------------------------------------------------ */

static const struct {
	const char *name;
	size_t len;
	const struct vers_scheme *scheme;
} schemes[] = {
#define S(name, scheme)                                                                            \
	{                                                                                          \
		name, sizeof(name) - 1, scheme                                                     \
	}
    S("alpm", &vers_scheme_alpm),
    S("alpine", &vers_scheme_apk),
    S("all", &vers_scheme_all),
    S("apk", &vers_scheme_apk),
    S("cargo", &vers_scheme_semver),
    S("conan", &vers_scheme_conan),
    S("datetime", &vers_scheme_datetime),
    S("deb", &vers_scheme_deb),
    S("ebuild", &vers_scheme_gentoo),
    S("gem", &vers_scheme_gem),
    S("generic", &vers_scheme_generic),
    S("gentoo", &vers_scheme_gentoo),
    S("golang", &vers_scheme_golang),
    S("intdot", &vers_scheme_intdot),
    S("lexicographic", &vers_scheme_lexicographic),
    S("maven", &vers_scheme_maven),
    S("nginx", &vers_scheme_nginx),
    S("none", &vers_scheme_none),
    S("npm", &vers_scheme_npm),
    S("nuget", &vers_scheme_nuget),
    S("openssl", &vers_scheme_openssl),
    S("pypi", &vers_scheme_pypi),
    S("rpm", &vers_scheme_rpm),
    S("semver", &vers_scheme_semver),
#undef S
};

const struct vers_scheme *vers_scheme_lookup(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (schemes[i].len == n && schemes[i].name[0] == name[0] &&
		    memcmp(schemes[i].name, name, n) == 0)
			return schemes[i].scheme;
	return NULL;
}

int vers_scheme_supported(const char *scheme)
{
	return scheme != NULL && vers_scheme_lookup(scheme, strlen(scheme)) != NULL;
}

static int version_ok(const struct vers_scheme *s, const char *v, size_t n)
{
	return n > 0 && n <= VERS_MAX_VERSION && !(s->flags & VERS_SCHEME_STAR_ONLY) &&
	       s->valid(v, n);
}

const char *vers_quote(char *buf, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t k = 0;

	for (size_t i = 0; i < n && i < 64; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f) {
			buf[k++] = '\\';
			buf[k++] = 'x';
			buf[k++] = hex[c >> 4];
			buf[k++] = hex[c & 15];
		} else {
			if (c == '"' || c == '\\')
				buf[k++] = '\\';
			buf[k++] = (char)c;
		}
	}
	if (n > 64) {
		memcpy(buf + k, "...", 3);
		k += 3;
	}
	buf[k] = '\0';
	return buf;
}

static int bad_version(struct err *e, const char *type, const char *v, size_t n)
{
	char q[VERS_QUOTE_SIZE], t[VERS_QUOTE_SIZE];

	return err_set(e, ERR_INVALID, "invalid %s version \"%s\"",
		       vers_quote(t, type, strlen(type)), vers_quote(q, v, n));
}

static const struct vers_scheme *scheme_or_fail(const char *type, struct err *e)
{
	const struct vers_scheme *s = type != NULL ? vers_scheme_lookup(type, strlen(type)) : NULL;
	char q[VERS_QUOTE_SIZE];

	if (s == NULL)
		err_set(e, ERR_INVALID, "unsupported vers type \"%s\"",
			vers_quote(q, type != NULL ? type : "", type != NULL ? strlen(type) : 0));
	return s;
}

static int check_with(const struct vers_scheme *s, const char *scheme, const char *v, size_t n,
		      struct err *e)
{
	if (s->flags & VERS_SCHEME_STAR_ONLY)
		return err_set(e, ERR_INVALID, "vers type \"%s\" has no versions", scheme);
	if (!version_ok(s, v, n))
		return bad_version(e, scheme, v, n);
	return 0;
}

int vers_check_version(const char *scheme, const char *version, struct err *e)
{
	const struct vers_scheme *s = scheme_or_fail(scheme, e);

	if (s == NULL)
		return -1;
	return check_with(s, scheme, version, strlen(version), e);
}

int vers_compare(int *out, const char *scheme, const char *a, const char *b, struct err *e)
{
	const struct vers_scheme *s = scheme_or_fail(scheme, e);
	size_t an = strlen(a), bn = strlen(b);

	*out = 0;
	if (s == NULL)
		return -1;
	if ((s->flags & VERS_SCHEME_SELF_CHECK) && an <= VERS_MAX_VERSION &&
	    bn <= VERS_MAX_VERSION) {
		int r = s->cmp(a, an, b, bn);

		if (r != VERS_CMP_INVALID) {
			*out = r;
			return 0;
		}
	}
	if (check_with(s, scheme, a, an, e) < 0 || check_with(s, scheme, b, bn, e) < 0)
		return -1;
	*out = s->cmp(a, an, b, bn);
	return 0;
}

/* ---- comparators --------------------------------------------------------- */

const char *vers_op_text(enum vers_op op)
{
	switch (op) {
	case VERS_OP_EQ:
		return "";
	case VERS_OP_NE:
		return "!=";
	case VERS_OP_LT:
		return "<";
	case VERS_OP_LE:
		return "<=";
	case VERS_OP_GT:
		return ">";
	case VERS_OP_GE:
		return ">=";
	case VERS_OP_STAR:
		return "*";
	}
	return "?";
}

/* The comparator's rank when two equal versions are ordered: its text in
 * ASCII order, an equality written "=" ("!=" "*" "<" "<=" "=" ">" ">="). */
static int op_tie_rank(enum vers_op op)
{
	switch (op) {
	case VERS_OP_NE:
		return 0;
	case VERS_OP_STAR:
		return 1;
	case VERS_OP_LT:
		return 2;
	case VERS_OP_LE:
		return 3;
	case VERS_OP_EQ:
		return 4;
	case VERS_OP_GT:
		return 5;
	case VERS_OP_GE:
		return 6;
	}
	return 7;
}

/*
 * The canonical order of two parsed constraints.  Parsing is syntactic, so a
 * version may be invalid for the scheme (vers_validate() reports it): those
 * sort after the valid ones, by bytes, to keep the order total.
 */
static int con_order(const struct vers_scheme *s, const struct vers_con *a,
		     const struct vers_con *b)
{
	int r, ra = op_tie_rank(a->op), rb = op_tie_rank(b->op);

	if (a->op == VERS_OP_STAR || b->op == VERS_OP_STAR)
		r = 0;
	else if (a->ok && b->ok)
		r = s->cmp(a->v, a->len, b->v, b->len);
	else if (a->ok != b->ok)
		r = a->ok ? -1 : 1;
	else
		r = vc_cmp_bytes(a->v, a->len, b->v, b->len);
	if (r != 0)
		return r;
	return (ra > rb) - (ra < rb);
}

/* The two constraints name the same version (by the scheme's equality). */
static int same_version(const struct vers_scheme *s, const struct vers_con *a,
			const struct vers_con *b)
{
	if (a->op == VERS_OP_STAR || b->op == VERS_OP_STAR)
		return a->op == b->op;
	if (a->ok && b->ok)
		return s->cmp(a->v, a->len, b->v, b->len) == 0;
	return a->ok == b->ok && vc_cmp_bytes(a->v, a->len, b->v, b->len) == 0;
}

static int is_lower_bound(enum vers_op op)
{
	return op == VERS_OP_GT || op == VERS_OP_GE;
}

static int is_upper_bound(enum vers_op op)
{
	return op == VERS_OP_LT || op == VERS_OP_LE;
}

/* ---- sorting --------------------------------------------------------------- */

/* Stable insertion sort: even for a scheme whose equality is not transitive
 * (rpm ignores a missing release), every neighbour is then in order, which
 * is what the strict parser checks. */
static void insertion_sort(const struct vers_scheme *s, struct vers_con *c, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct vers_con x = c[i];
		size_t j = i;

		while (j > 0 && con_order(s, &c[j - 1], &x) > 0) {
			c[j] = c[j - 1];
			j--;
		}
		c[j] = x;
	}
}

/* Canonical order: a stable merge sort for long lists, then the insertion
 * pass that makes every neighbour ordered (linear on sorted input). */
static void sort_cons(const struct vers_scheme *s, struct vers_con *c, size_t n)
{
	struct vers_con *tmp;

	if (n > 16) {
		tmp = xmalloc(n * sizeof(*tmp));
		for (size_t width = 1; width < n; width *= 2) {
			for (size_t lo = 0; lo < n; lo += 2 * width) {
				size_t mid = lo + width < n ? lo + width : n;
				size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
				size_t i = lo, j = mid, k = lo;

				while (i < mid && j < hi) {
					if (con_order(s, &c[j], &c[i]) < 0)
						tmp[k++] = c[j++];
					else
						tmp[k++] = c[i++];
				}
				while (i < mid)
					tmp[k++] = c[i++];
				while (j < hi)
					tmp[k++] = c[j++];
			}
			memcpy(c, tmp, n * sizeof(*c));
		}
		free(tmp);
	}
	insertion_sort(s, c, n);
}

/* ---- percent-encoding ------------------------------------------------------ */

/* A version byte that the canonical form percent-encodes. */
static int must_encode(unsigned char c)
{
	return c <= 0x20 || c >= 0x7f || strchr("><=!*|%", c) != NULL;
}

static int hex_value(int c)
{
	if (vc_digit(c))
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static void add_encoded(struct buf *b, const char *v, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (must_encode(c)) {
			char t[3] = {'%', hex[c >> 4], hex[c & 15]};

			buf_add(b, t, 3);
		} else {
			buf_add(b, v + i, 1);
		}
	}
}

/*
 * Decode the version raw[0..n) into out (room for n bytes), setting *outn.
 * Strict mode refuses every departure from the canonical encoding, in this
 * order: a malformed triplet, lower-case hex, an encoded ':' in a datetime,
 * any other needless encoding, a byte that must be encoded.
 */
static int decode_version(char *out, size_t *outn, const char *raw, size_t n, int strict,
			  int datetime, struct err *e)
{
	int lower_hex = 0, colon = 0, needless = 0, raw_special = 0;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)raw[i];

		if (c == '%') {
			int h, l;

			if (i + 2 >= n)
				return err_set(
				    e, ERR_INVALID,
				    "non-canonical VERS: invalid percent-encoding in version");
			h = hex_value((unsigned char)raw[i + 1]);
			l = hex_value((unsigned char)raw[i + 2]);
			if (h < 0 || l < 0)
				return err_set(
				    e, ERR_INVALID,
				    "non-canonical VERS: invalid percent-encoding in version");
			if ((raw[i + 1] >= 'a' && raw[i + 1] <= 'f') ||
			    (raw[i + 2] >= 'a' && raw[i + 2] <= 'f'))
				lower_hex = 1;
			c = (unsigned char)(h * 16 + l);
			if (!must_encode(c)) {
				if (datetime && c == ':')
					colon = 1;
				else
					needless = 1;
			}
			i += 2;
		} else if (must_encode(c)) {
			raw_special = 1;
		}
		out[k++] = (char)c;
	}
	*outn = k;
	if (!strict)
		return 0;
	if (lower_hex)
		return err_set(e, ERR_INVALID,
			       "non-canonical VERS: percent-encoding in version is not canonical");
	if (colon)
		return err_set(e, ERR_INVALID,
			       "non-canonical VERS: datetime time colons must be unencoded");
	if (needless)
		return err_set(e, ERR_INVALID,
			       "non-canonical VERS: percent-encoding in version is not canonical");
	if (raw_special)
		return err_set(e, ERR_INVALID,
			       "non-canonical VERS: version characters > < = ! * | %% and spaces "
			       "must be percent-encoded");
	return 0;
}

/* ---- parsing -------------------------------------------------------------- */

static const char *find_char(const char *s, size_t n, char c)
{
	return n > 0 ? memchr(s, c, n) : NULL;
}

/* The comparator at the start of seg: its length, or -1 for a leading '='
 * in strict mode. */
static int read_op(const char *seg, size_t n, int strict, enum vers_op *op, struct err *e)
{
	if (n >= 2 && seg[1] == '=') {
		switch (seg[0]) {
		case '>':
			*op = VERS_OP_GE;
			return 2;
		case '<':
			*op = VERS_OP_LE;
			return 2;
		case '!':
			*op = VERS_OP_NE;
			return 2;
		case '=':
			break;
		}
	}
	if (n >= 1 && seg[0] == '>') {
		*op = VERS_OP_GT;
		return 1;
	}
	if (n >= 1 && seg[0] == '<') {
		*op = VERS_OP_LT;
		return 1;
	}
	*op = VERS_OP_EQ;
	if (n >= 1 && seg[0] == '=') {
		if (strict)
			return err_set(
			    e, ERR_INVALID,
			    "non-canonical VERS: an equality is a bare version, without '='");
		return n >= 2 && seg[1] == '=' ? 2 : 1;
	}
	return 0;
}

static int check_type(const char *t, size_t n, int strict, struct err *e)
{
	if (n == 0)
		return err_set(e, ERR_INVALID, "invalid VERS: the type is empty");
	if (!vc_alpha((unsigned char)t[0]))
		return err_set(e, ERR_INVALID, "invalid VERS: the type must start with a letter");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t[i];

		if (!vc_alnum(c) && c != '.' && c != '-')
			return err_set(
			    e, ERR_INVALID,
			    "invalid VERS: the type may only have letters, digits, '.' and '-'");
		if (strict && vc_upper(c))
			return err_set(e, ERR_INVALID,
				       "non-canonical VERS: the type must be lower case");
	}
	return 0;
}

/* Recompute v->valid. */
static void update_valid(struct vers *v)
{
	v->valid = vers_validate(v, NULL) == 0;
}

static int parse_into(struct vers *v, char *work, size_t len, int strict, struct err *e)
{
	const char *colon, *slash, *p, *end;
	char *out;
	size_t tn;
	int datetime;

	colon = find_char(work, len, ':');
	if (colon == NULL)
		return err_set(e, ERR_INVALID, "invalid VERS: it must start with \"vers:\"");
	if (colon - work != 4 || vc_cmp_bytes_icase(work, 4, "vers", 4) != 0)
		return err_set(e, ERR_INVALID, "invalid VERS: it must start with \"vers:\"");
	if (strict && memcmp(work, "vers", 4) != 0)
		return err_set(e, ERR_INVALID, "non-canonical VERS: the scheme must be lower case");
	slash = find_char(colon + 1, len - 5, '/');
	if (slash == NULL)
		return err_set(e, ERR_INVALID, "invalid VERS: no '/' after the type");
	tn = (size_t)(slash - colon - 1);
	if (check_type(colon + 1, tn, strict, e) < 0)
		return -1;

	/* the block: type, then the decoded versions */
	out = v->block;
	for (size_t i = 0; i < tn; i++)
		out[i] = (char)vc_tolower((unsigned char)colon[1 + i]);
	out[tn] = '\0';
	v->type = out;
	out += tn + 1;
	if (strcmp(v->type, "invalid") == 0)
		return err_set(e, ERR_INVALID,
			       "invalid VERS: the type \"invalid\" is always invalid");
	v->scheme = vers_scheme_lookup(v->type, tn);
	if (v->scheme == NULL) {
		char q[VERS_QUOTE_SIZE];

		return err_set(e, ERR_INVALID, "unsupported vers type \"%s\"",
			       vers_quote(q, v->type, tn));
	}
	datetime = (v->scheme->flags & VERS_SCHEME_DATETIME) != 0;

	p = slash + 1;
	end = work + len;
	if (p == end)
		return err_set(e, ERR_INVALID, "invalid VERS: no constraints");
	if (end - p == 1 && *p == '*') {
		v->c[0] = (struct vers_con){VERS_OP_STAR, NULL, 0, 1};
		v->n = 1;
		return 0;
	}
	if (v->scheme->flags & VERS_SCHEME_STAR_ONLY)
		return err_set(e, ERR_INVALID, "invalid VERS: the type \"%s\" only allows \"*\"",
			       v->type);
	if (strict) {
		if (*p == '|')
			return err_set(e, ERR_INVALID,
				       "non-canonical VERS: leading pipe is not permitted");
		if (end[-1] == '|')
			return err_set(e, ERR_INVALID,
				       "non-canonical VERS: trailing pipe is not permitted");
	}
	while (p <= end) {
		const char *bar = find_char(p, (size_t)(end - p), '|'), *segend = bar ? bar : end;
		size_t sn = (size_t)(segend - p), vn = 0;
		enum vers_op op;
		int k;

		if (sn == 0) {
			if (strict)
				return err_set(
				    e, ERR_INVALID,
				    "non-canonical VERS: consecutive pipes are not permitted");
		} else {
			if (*p == '*')
				return err_set(e, ERR_INVALID,
					       "invalid VERS: '*' must be the only constraint");
			if ((k = read_op(p, sn, strict, &op, e)) < 0)
				return -1;
			if (sn == (size_t)k)
				return err_set(e, ERR_INVALID,
					       "invalid VERS: a constraint has no version");
			if (decode_version(out, &vn, p + k, sn - (size_t)k, strict, datetime, e) <
			    0)
				return -1;
			if (datetime) {
				for (size_t i = 0; i < vn; i++) {
					if (out[i] != 't' && out[i] != 'z')
						continue;
					if (strict)
						return err_set(e, ERR_INVALID,
							       "non-canonical VERS: datetime must "
							       "use uppercase T and Z");
					out[i] = (char)(out[i] - 'a' + 'A');
				}
			}
			out[vn] = '\0';
			v->c[v->n++] =
			    (struct vers_con){op, out, vn, version_ok(v->scheme, out, vn)};
			out += vn + 1;
		}
		if (bar == NULL)
			break;
		p = bar + 1;
	}
	if (v->n == 0)
		return err_set(e, ERR_INVALID, "invalid VERS: no constraints");
	if (!strict) {
		sort_cons(v->scheme, v->c, v->n);
		return 0;
	}
	for (size_t i = 1; i < v->n; i++)
		if (con_order(v->scheme, &v->c[i - 1], &v->c[i]) > 0)
			return err_set(e, ERR_INVALID,
				       "non-canonical VERS: constraints are not sorted by version");
	return 0;
}

int vers_parse(struct vers **out, const char *s, unsigned flags, struct err *e)
{
	int strict = (flags & VERS_STRICT) != 0;
	size_t len = strlen(s), n = 0, pipes = 1;
	struct vers *v = NULL;
	char *work;
	int ret = -1;

	*out = NULL;
	work = xmalloc(len + 1);
	for (size_t i = 0; i < len; i++) {
		if (vc_space((unsigned char)s[i])) {
			if (strict) {
				err_set(e, ERR_INVALID,
					"non-canonical VERS: whitespace is not permitted");
				goto out;
			}
			continue;
		}
		pipes += s[i] == '|';
		work[n++] = s[i];
	}
	work[n] = '\0';
	v = xcalloc(1, sizeof(*v));
	v->c = xcalloc(pipes, sizeof(*v->c));
	v->block = xmalloc(n + pipes + 2);
	if (parse_into(v, work, n, strict, e) < 0)
		goto out;
	update_valid(v);
	*out = v;
	v = NULL;
	ret = 0;
out:
	vers_free(v);
	free(work);
	return ret;
}

void vers_free(struct vers *v)
{
	if (v == NULL)
		return;
	free(v->c);
	free(v->block);
	free(v);
}

const char *vers_type(const struct vers *v)
{
	return v->type;
}

size_t vers_count(const struct vers *v)
{
	return v->n;
}

enum vers_op vers_op_at(const struct vers *v, size_t i)
{
	return v->c[i].op;
}

const char *vers_version_at(const struct vers *v, size_t i)
{
	return v->c[i].v;
}

static void render(struct buf *b, const char *type, const struct vers_con *c, size_t n)
{
	buf_adds(b, "vers:");
	buf_adds(b, type);
	buf_adds(b, "/");
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_adds(b, "|");
		buf_adds(b, vers_op_text(c[i].op));
		if (c[i].op != VERS_OP_STAR)
			add_encoded(b, c[i].v, c[i].len);
	}
}

char *vers_canonical(const struct vers *v)
{
	struct buf b;
	char *s;

	buf_init(&b, (size_t)-1);
	render(&b, v->type, v->c, v->n);
	s = buf_detach(&b, NULL);
	return s != NULL ? s : xstrdup("");
}

/* ---- validity, simplification, containment ---------------------------------- */

static int con_text_err(struct err *e, const char *fmt, const struct vers_con *a,
			const struct vers_con *b) __attribute__((format(printf, 2, 0)));

static int con_text_err(struct err *e, const char *fmt, const struct vers_con *a,
			const struct vers_con *b)
{
	char qa[VERS_QUOTE_SIZE], qb[VERS_QUOTE_SIZE];

	return err_set(e, ERR_INVALID, fmt, vers_op_text(a->op), vers_quote(qa, a->v, a->len),
		       vers_op_text(b->op), vers_quote(qb, b->v, b->len));
}

int vers_validate(const struct vers *v, struct err *e)
{
	const struct vers_con *prev = NULL;

	for (size_t i = 0; i < v->n; i++)
		if (v->c[i].op == VERS_OP_STAR && v->n != 1)
			return err_set(e, ERR_INVALID,
				       "invalid VERS: '*' must be the only constraint");
	for (size_t i = 0; i < v->n; i++)
		if (v->c[i].op != VERS_OP_STAR && !v->c[i].ok)
			return bad_version(e, v->type, v->c[i].v, v->c[i].len);
	if (v->n == 1)
		return 0;
	for (size_t i = 1; i < v->n; i++)
		if (same_version(v->scheme, &v->c[i - 1], &v->c[i]))
			return con_text_err(
			    e, "invalid VERS: \"%s%s\" and \"%s%s\" have the same version",
			    &v->c[i - 1], &v->c[i]);
	/* ignoring "!=": an equality is followed by an equality, '>' or '>=' */
	for (size_t i = 0; i < v->n; i++) {
		const struct vers_con *c = &v->c[i];

		if (c->op == VERS_OP_NE)
			continue;
		if (prev != NULL && prev->op == VERS_OP_EQ && c->op != VERS_OP_EQ &&
		    !is_lower_bound(c->op))
			return con_text_err(
			    e, "invalid VERS: \"%s%s\" cannot be followed by \"%s%s\"", prev, c);
		prev = c;
	}
	/* ignoring "!=" and equalities: '<'/'<=' and '>'/'>=' alternate */
	prev = NULL;
	for (size_t i = 0; i < v->n; i++) {
		const struct vers_con *c = &v->c[i];

		if (c->op == VERS_OP_NE || c->op == VERS_OP_EQ)
			continue;
		if (prev != NULL && is_lower_bound(prev->op) == is_lower_bound(c->op))
			return con_text_err(
			    e, "invalid VERS: \"%s%s\" cannot be followed by \"%s%s\"", prev, c);
		prev = c;
	}
	return 0;
}

void vers_simplify(struct vers *v)
{
	size_t n = 0, k = 0;
	struct vers_con *keep;

	if (v->n < 2)
		return;
	keep = xmalloc(v->n * sizeof(*keep));
	/* the constraints other than "!=", with redundant bounds dropped */
	for (size_t i = 0; i < v->n; i++) {
		struct vers_con c = v->c[i];

		if (c.op == VERS_OP_NE || c.op == VERS_OP_STAR)
			continue;
		for (;;) {
			const struct vers_con *top = n > 0 ? &keep[n - 1] : NULL;

			if (top != NULL && is_lower_bound(top->op) &&
			    (c.op == VERS_OP_EQ || is_lower_bound(c.op)))
				break; /* inside an open lower bound: drop c */
			if (top != NULL && !is_lower_bound(top->op) && is_upper_bound(c.op)) {
				n--; /* c's upper bound covers top */
				continue;
			}
			keep[n++] = c;
			break;
		}
	}
	/* put back the "!=" ones, drop exact duplicates, sort */
	for (size_t i = 0; i < v->n; i++)
		if (v->c[i].op == VERS_OP_NE || v->c[i].op == VERS_OP_STAR)
			keep[n++] = v->c[i];
	sort_cons(v->scheme, keep, n);
	for (size_t i = 0; i < n; i++) {
		if (k > 0 && keep[i].op == v->c[k - 1].op &&
		    same_version(v->scheme, &keep[i], &v->c[k - 1]))
			continue;
		v->c[k++] = keep[i];
	}
	v->n = k;
	free(keep);
	insertion_sort(v->scheme, v->c, v->n); /* dropping one can leave a pair unordered */
	update_valid(v);
}

int vers_contains(int *out, const struct vers *v, const char *version, struct err *e)
{
	size_t vn = strlen(version);
	signed char cache[64];
	const struct vers_con *prev = NULL;
	int prev_r = 0, has_bounds = 0, has_eq = 0, ne_hit = 0;

	*out = 0;
	if (v->n == 1 && v->c[0].op == VERS_OP_STAR) {
		*out = !(v->scheme->flags & VERS_SCHEME_EMPTY);
		return 0;
	}
	if (!version_ok(v->scheme, version, vn))
		return bad_version(e, v->type, version, vn);
	if (!v->valid)
		return vers_validate(v, e);
	/* equal to an "=", "<=" or ">=" version: in; to a "!=" one: out */
	for (size_t i = 0; i < v->n; i++) {
		const struct vers_con *c = &v->c[i];
		int r = v->scheme->cmp(version, vn, c->v, c->len);

		if (i < sizeof(cache))
			cache[i] = (signed char)r;
		if (r == 0 && (c->op == VERS_OP_EQ || c->op == VERS_OP_LE || c->op == VERS_OP_GE)) {
			*out = 1;
			return 0;
		}
		if (r == 0 && c->op == VERS_OP_NE)
			ne_hit = 1;
		has_eq |= c->op == VERS_OP_EQ;
	}
	if (ne_hit)
		return 0;
	/* the bounds, pairwise */
	for (size_t i = 0; i < v->n; i++) {
		const struct vers_con *c = &v->c[i];
		int r;

		if (c->op == VERS_OP_NE || c->op == VERS_OP_EQ)
			continue;
		r = i < sizeof(cache) ? cache[i] : v->scheme->cmp(version, vn, c->v, c->len);
		if (prev == NULL && is_upper_bound(c->op) && r < 0) {
			*out = 1;
			return 0;
		}
		if (prev != NULL && is_lower_bound(prev->op) && is_upper_bound(c->op) &&
		    prev_r > 0 && r < 0) {
			*out = 1;
			return 0;
		}
		prev = c;
		prev_r = r;
		has_bounds = 1;
	}
	if (prev != NULL && is_lower_bound(prev->op) && prev_r > 0) {
		*out = 1;
		return 0;
	}
	/* no bounds at all: only "!=" constraints leave everything else in */
	if (!has_bounds && !has_eq)
		*out = 1;
	return 0;
}

/* ---- lists built by the native-range converters ----------------------------- */

void vers_list_init(struct vers_list *l, const struct vers_scheme *s, const char *type)
{
	memset(l, 0, sizeof(*l));
	l->scheme = s;
	l->type = type;
}

int vers_list_add(struct vers_list *l, enum vers_op op, const char *v, size_t n, struct err *e)
{
	if (op != VERS_OP_STAR && !version_ok(l->scheme, v, n))
		return bad_version(e, l->type, v, n);
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? 2 * l->alloc : 8;
		l->items = xrealloc(l->items, l->alloc * sizeof(*l->items));
	}
	l->items[l->n].op = op;
	l->items[l->n].version = op == VERS_OP_STAR ? NULL : xstrndup(v, n);
	l->items[l->n].len = op == VERS_OP_STAR ? 0 : n;
	l->n++;
	return 0;
}

void vers_list_release(struct vers_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i].version);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

char *vers_list_render(struct vers_list *l)
{
	struct vers_con *c = xcalloc(l->n + 1, sizeof(*c));
	struct buf b;
	char *s;

	for (size_t i = 0; i < l->n; i++)
		c[i] = (struct vers_con){l->items[i].op, l->items[i].version, l->items[i].len, 1};
	sort_cons(l->scheme, c, l->n);
	buf_init(&b, (size_t)-1);
	render(&b, l->type, c, l->n);
	free(c);
	s = buf_detach(&b, NULL);
	return s != NULL ? s : xstrdup("");
}
