/* vers_cmp.c - native version comparison for every vers scheme but pypi and
 * maven (vers_pypi.c, vers_maven.c): semver, npm, golang, nuget, deb, rpm,
 * alpm, apk, gentoo, gem, conan, openssl, nginx, datetime, lexicographic,
 * intdot, generic, all and none.
 *
 * Each scheme is a valid()/cmp() pair over (pointer, length) strings.  They
 * walk the strings in place: no allocation except gem's for a version of more
 * than 64 segments.  docs/internals/vers.md states the rules each follows.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "rules/vers_impl.h"

/* ---- shared helpers -------------------------------------------------------- */

size_t vc_digits(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && vc_digit((unsigned char)s[i]))
		i++;
	return i;
}

int vc_cmp_digits(const char *a, size_t an, const char *b, size_t bn)
{
	int r;

	while (an > 0 && *a == '0') {
		a++;
		an--;
	}
	while (bn > 0 && *b == '0') {
		b++;
		bn--;
	}
	if (an != bn)
		return an < bn ? -1 : 1;
	if (an == 0)
		return 0;
	r = memcmp(a, b, an);
	return (r > 0) - (r < 0);
}

int vc_cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
	size_t m = an < bn ? an : bn;
	int r = m > 0 ? memcmp(a, b, m) : 0;

	if (r != 0)
		return (r > 0) - (r < 0);
	return (an > bn) - (an < bn);
}

int vc_cmp_bytes_icase(const char *a, size_t an, const char *b, size_t bn)
{
	size_t m = an < bn ? an : bn;

	for (size_t i = 0; i < m; i++) {
		int x = vc_tolower((unsigned char)a[i]), y = vc_tolower((unsigned char)b[i]);

		if (x != y)
			return x < y ? -1 : 1;
	}
	return (an > bn) - (an < bn);
}

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static int all_digits(const char *s, size_t n)
{
	return n > 0 && vc_digits(s, n) == n;
}

static const char *find_last(const char *s, size_t n, char c)
{
	for (size_t i = n; i > 0; i--)
		if (s[i - 1] == c)
			return s + i - 1;
	return NULL;
}

/* Next '.'-separated identifier of a list; *p is NULL once it is exhausted. */
static int next_ident(const char **p, const char *end, const char **id, size_t *len)
{
	const char *s = *p, *q;

	if (s == NULL)
		return 0;
	for (q = s; q < end && *q != '.'; q++)
		;
	*id = s;
	*len = (size_t)(q - s);
	*p = q < end ? q + 1 : NULL;
	return 1;
}

/*
 * Compare two '.'-separated pre-release identifier lists by SemVer 2.0.0 rule
 * 11: numeric identifiers numerically and below alphanumeric ones, those in
 * ASCII order (folded when icase), and a shorter list first when it is a
 * prefix of the longer.
 */
static int ident_list_cmp(const char *a, size_t an, const char *b, size_t bn, int icase)
{
	const char *pa = a, *pb = b, *ia = NULL, *ib = NULL;
	size_t la = 0, lb = 0;

	for (;;) {
		int ha = next_ident(&pa, a + an, &ia, &la), hb = next_ident(&pb, b + bn, &ib, &lb);
		int na, nb, r;

		if (!ha || !hb)
			return ha - hb;
		na = all_digits(ia, la);
		nb = all_digits(ib, lb);
		if (na && nb)
			r = vc_cmp_digits(ia, la, ib, lb);
		else if (na || nb)
			r = na ? -1 : 1;
		else
			r = icase ? vc_cmp_bytes_icase(ia, la, ib, lb)
				  : vc_cmp_bytes(ia, la, ib, lb);
		if (r != 0)
			return r;
	}
}

/* ---- semver, npm, cargo, golang, nuget ------------------------------------ */

#define SV_V 1u	    /* an optional leading 'v' or 'V' */
#define SV_SHORT 2u /* Go: "v1" and "v1.2" stand for v1.0.0 and v1.2.0 */
#define SV_NUGET 4u /* 1 to 4 numbers, leading zeros allowed, labels folded */

struct semver {
	const char *num[4];
	size_t numn[4];
	size_t nnum;
	const char *pre;
	size_t pren;
	int has_pre;
};

/* A '.'-separated list of non-empty [0-9A-Za-z-] identifiers; with no_lead0,
 * numeric identifiers have no leading zero. */
static int ident_list_ok(const char *s, size_t n, int no_lead0)
{
	size_t i = 0;

	if (n == 0)
		return 0;
	while (i <= n) {
		size_t start = i;
		int digits = 1;

		while (i < n && s[i] != '.') {
			unsigned char c = (unsigned char)s[i];

			if (!vc_alnum(c) && c != '-')
				return 0;
			if (!vc_digit(c))
				digits = 0;
			i++;
		}
		if (i == start)
			return 0;
		if (no_lead0 && digits && i - start > 1 && s[start] == '0')
			return 0;
		i++;
	}
	return 1;
}

static int semver_parse(struct semver *v, const char *s, size_t n, unsigned flags)
{
	size_t i = 0, maxnum = (flags & SV_NUGET) ? 4 : 3;
	const char *plus;

	memset(v, 0, sizeof(*v));
	if ((flags & SV_V) && n > 0 && (s[0] == 'v' || s[0] == 'V'))
		i++;
	for (;;) {
		size_t d = vc_digits(s + i, n - i);

		if (d == 0 || v->nnum == maxnum)
			return -1;
		if (!(flags & SV_NUGET) && d > 1 && s[i] == '0')
			return -1;
		v->num[v->nnum] = s + i;
		v->numn[v->nnum++] = d;
		i += d;
		if (i < n && s[i] == '.' && v->nnum < maxnum) {
			i++;
			continue;
		}
		break;
	}
	if (flags & SV_NUGET) {
		if (v->nnum < 1)
			return -1;
	} else if (v->nnum < 3) {
		/* Go's shorthand: no pre-release or build after it */
		if (!(flags & SV_SHORT) || i != n)
			return -1;
	}
	plus = memchr(s + i, '+', n - i);
	if (i < n && s[i] == '-') {
		const char *end = plus != NULL ? plus : s + n;

		v->pre = s + i + 1;
		v->pren = (size_t)(end - v->pre);
		v->has_pre = 1;
		if (!ident_list_ok(v->pre, v->pren, !(flags & SV_NUGET)))
			return -1;
		i = (size_t)(end - s);
	}
	if (i < n) {
		if (s[i] != '+' || !ident_list_ok(s + i + 1, n - i - 1, 0))
			return -1;
	}
	return 0;
}

static int semver_cmp_parsed(const struct semver *a, const struct semver *b, int icase)
{
	size_t k = a->nnum > b->nnum ? a->nnum : b->nnum;

	for (size_t i = 0; i < k; i++) {
		int r = vc_cmp_digits(i < a->nnum ? a->num[i] : "0", i < a->nnum ? a->numn[i] : 1,
				      i < b->nnum ? b->num[i] : "0", i < b->nnum ? b->numn[i] : 1);

		if (r != 0)
			return r;
	}
	if (!a->has_pre || !b->has_pre)
		return b->has_pre - a->has_pre;
	return ident_list_cmp(a->pre, a->pren, b->pre, b->pren, icase);
}

#define SEMVER_FAMILY(NAME, FLAGS)                                                                 \
	static int NAME##_valid(const char *s, size_t n)                                           \
	{                                                                                          \
		struct semver v;                                                                   \
		return semver_parse(&v, s, n, FLAGS) == 0;                                         \
	}                                                                                          \
	static int NAME##_cmp(const char *a, size_t an, const char *b, size_t bn)                  \
	{                                                                                          \
		struct semver x, y;                                                                \
		if (semver_parse(&x, a, an, FLAGS) < 0 || semver_parse(&y, b, bn, FLAGS) < 0)      \
			return VERS_CMP_INVALID;                                                   \
		return semver_cmp_parsed(&x, &y, ((FLAGS)&SV_NUGET) != 0);                         \
	}

SEMVER_FAMILY(semver, 0)
SEMVER_FAMILY(npm, SV_V)
SEMVER_FAMILY(golang, SV_V | SV_SHORT)
SEMVER_FAMILY(nuget, SV_NUGET)

const struct vers_scheme vers_scheme_semver = {"semver", semver_valid, semver_cmp,
					       VERS_SCHEME_SELF_CHECK};
const struct vers_scheme vers_scheme_npm = {"npm", npm_valid, npm_cmp, VERS_SCHEME_SELF_CHECK};
const struct vers_scheme vers_scheme_golang = {"golang", golang_valid, golang_cmp,
					       VERS_SCHEME_SELF_CHECK};
const struct vers_scheme vers_scheme_nuget = {"nuget", nuget_valid, nuget_cmp,
					      VERS_SCHEME_SELF_CHECK};

/* ---- deb (dpkg) -------------------------------------------------------------- */

struct evr {
	const char *e, *v, *r;
	size_t en, vn, rn;
	int has_e, has_r;
};

/* dpkg: epoch before the first ':', revision after the last '-'. */
static void deb_split(struct evr *x, const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n), *dash;

	memset(x, 0, sizeof(*x));
	if (colon != NULL) {
		x->has_e = 1;
		x->e = s;
		x->en = (size_t)(colon - s);
		n -= x->en + 1;
		s = colon + 1;
	}
	dash = find_last(s, n, '-');
	if (dash != NULL) {
		x->has_r = 1;
		x->r = dash + 1;
		x->rn = (size_t)(s + n - x->r);
		n = (size_t)(dash - s);
	}
	x->v = s;
	x->vn = n;
}

static int deb_valid(const char *s, size_t n)
{
	struct evr x;

	deb_split(&x, s, n);
	if (x.has_e && !all_digits(x.e, x.en))
		return 0;
	if (x.vn == 0 || (x.has_r && x.rn == 0))
		return 0;
	for (size_t i = 0; i < x.vn; i++) {
		unsigned char c = (unsigned char)x.v[i];

		if (!vc_alnum(c) && !strchr(".+~-:", c))
			return 0;
	}
	for (size_t i = 0; i < x.rn; i++) {
		unsigned char c = (unsigned char)x.r[i];

		if (!vc_alnum(c) && !strchr(".+~", c))
			return 0;
	}
	return 1;
}

/* dpkg's character weight: '~' before the end, the end before letters,
 * letters before everything else. */
static int deb_order(const char *s, size_t n, size_t i)
{
	unsigned char c;

	if (i >= n)
		return 0;
	c = (unsigned char)s[i];
	if (vc_digit(c))
		return 0;
	if (vc_alpha(c))
		return c;
	if (c == '~')
		return -1;
	return c + 256;
}

static int verrevcmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;

	while (i < an || j < bn) {
		int first_diff = 0;

		while ((i < an && !vc_digit((unsigned char)a[i])) ||
		       (j < bn && !vc_digit((unsigned char)b[j]))) {
			int ac = deb_order(a, an, i), bc = deb_order(b, bn, j);

			if (ac != bc)
				return ac < bc ? -1 : 1;
			i++;
			j++;
		}
		while (i < an && a[i] == '0')
			i++;
		while (j < bn && b[j] == '0')
			j++;
		while (i < an && j < bn && vc_digit((unsigned char)a[i]) &&
		       vc_digit((unsigned char)b[j])) {
			if (first_diff == 0)
				first_diff = a[i] - b[j];
			i++;
			j++;
		}
		if (i < an && vc_digit((unsigned char)a[i]))
			return 1;
		if (j < bn && vc_digit((unsigned char)b[j]))
			return -1;
		if (first_diff != 0)
			return sign(first_diff);
	}
	return 0;
}

static int deb_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	struct evr x, y;
	int r;

	deb_split(&x, a, an);
	deb_split(&y, b, bn);
	r = vc_cmp_digits(x.e, x.en, y.e, y.en);
	if (r == 0)
		r = verrevcmp(x.v, x.vn, y.v, y.vn);
	if (r == 0)
		r = verrevcmp(x.r, x.rn, y.r, y.rn);
	return r;
}

const struct vers_scheme vers_scheme_deb = {"deb", deb_valid, deb_cmp, 0};

/* ---- rpm and alpm ------------------------------------------------------------ */

/* rpm and pacman: an epoch is the digits before a ':' at the start; the
 * release follows the last '-'. */
static void evr_split(struct evr *x, const char *s, size_t n)
{
	size_t d = vc_digits(s, n);
	const char *dash;

	memset(x, 0, sizeof(*x));
	if (d < n && s[d] == ':') {
		x->has_e = 1;
		x->e = s;
		x->en = d;
		s += d + 1;
		n -= d + 1;
	}
	dash = find_last(s, n, '-');
	if (dash != NULL) {
		x->has_r = 1;
		x->r = dash + 1;
		x->rn = (size_t)(s + n - x->r);
		n = (size_t)(dash - s);
	}
	x->v = s;
	x->vn = n;
}

static int evr_valid(const char *s, size_t n)
{
	struct evr x;

	evr_split(&x, s, n);
	return x.vn > 0 && (!x.has_r || x.rn > 0);
}

/*
 * rpmvercmp() of rpm 4.15 and later: alternating runs of digits and letters,
 * anything else separates; '~' sorts before everything, even the end; '^'
 * after the end but before anything else.
 */
static int rpmvercmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;

	if (an == bn && (an == 0 || memcmp(a, b, an) == 0))
		return 0;
	while (i < an || j < bn) {
		size_t si, sj;
		int isnum, r;

		while (i < an && !vc_alnum((unsigned char)a[i]) && a[i] != '~' && a[i] != '^')
			i++;
		while (j < bn && !vc_alnum((unsigned char)b[j]) && b[j] != '~' && b[j] != '^')
			j++;
		if ((i < an && a[i] == '~') || (j < bn && b[j] == '~')) {
			if (i >= an || a[i] != '~')
				return 1;
			if (j >= bn || b[j] != '~')
				return -1;
			i++;
			j++;
			continue;
		}
		if ((i < an && a[i] == '^') || (j < bn && b[j] == '^')) {
			if (i >= an)
				return -1;
			if (j >= bn)
				return 1;
			if (a[i] != '^')
				return 1;
			if (b[j] != '^')
				return -1;
			i++;
			j++;
			continue;
		}
		if (i >= an || j >= bn)
			break;
		si = i;
		sj = j;
		if (vc_digit((unsigned char)a[i])) {
			while (i < an && vc_digit((unsigned char)a[i]))
				i++;
			while (j < bn && vc_digit((unsigned char)b[j]))
				j++;
			isnum = 1;
		} else {
			while (i < an && vc_alpha((unsigned char)a[i]))
				i++;
			while (j < bn && vc_alpha((unsigned char)b[j]))
				j++;
			isnum = 0;
		}
		if (sj == j)
			return isnum ? 1 : -1;
		r = isnum ? vc_cmp_digits(a + si, i - si, b + sj, j - sj)
			  : vc_cmp_bytes(a + si, i - si, b + sj, j - sj);
		if (r != 0)
			return r;
	}
	if (i >= an && j >= bn)
		return 0;
	return i >= an ? -1 : 1;
}

static int rpm_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	struct evr x, y;
	int r;

	evr_split(&x, a, an);
	evr_split(&y, b, bn);
	r = rpmvercmp(x.has_e && x.en ? x.e : "0", x.has_e && x.en ? x.en : 1,
		      y.has_e && y.en ? y.e : "0", y.has_e && y.en ? y.en : 1);
	if (r == 0)
		r = rpmvercmp(x.v, x.vn, y.v, y.vn);
	if (r == 0 && x.has_r && y.has_r)
		r = rpmvercmp(x.r, x.rn, y.r, y.rn);
	return r;
}

const struct vers_scheme vers_scheme_rpm = {"rpm", evr_valid, rpm_cmp, 0};

/*
 * pacman's rpmvercmp() (libalpm/version.c): no '~'/'^' rules, but segments
 * must be preceded by separators of the same length, and a leftover alpha
 * segment loses to the end of the other string.
 */
static int alpm_vercmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0, pi = 0, pj = 0;

	if (an == bn && (an == 0 || memcmp(a, b, an) == 0))
		return 0;
	while (i < an && j < bn) {
		size_t si, sj;
		int isnum, r;

		while (i < an && !vc_alnum((unsigned char)a[i]))
			i++;
		while (j < bn && !vc_alnum((unsigned char)b[j]))
			j++;
		if (i >= an || j >= bn)
			break;
		if (i - pi != j - pj)
			return i - pi < j - pj ? -1 : 1;
		si = i;
		sj = j;
		if (vc_digit((unsigned char)a[i])) {
			while (i < an && vc_digit((unsigned char)a[i]))
				i++;
			while (j < bn && vc_digit((unsigned char)b[j]))
				j++;
			isnum = 1;
		} else {
			while (i < an && vc_alpha((unsigned char)a[i]))
				i++;
			while (j < bn && vc_alpha((unsigned char)b[j]))
				j++;
			isnum = 0;
		}
		if (sj == j)
			return isnum ? 1 : -1;
		r = isnum ? vc_cmp_digits(a + si, i - si, b + sj, j - sj)
			  : vc_cmp_bytes(a + si, i - si, b + sj, j - sj);
		if (r != 0)
			return r;
		pi = i;
		pj = j;
	}
	if (i >= an && j >= bn)
		return 0;
	if ((i >= an && !vc_alpha((unsigned char)b[j])) ||
	    (i < an && vc_alpha((unsigned char)a[i])))
		return -1;
	return 1;
}

static int alpm_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	struct evr x, y;
	int r;

	evr_split(&x, a, an);
	evr_split(&y, b, bn);
	r = alpm_vercmp(x.has_e && x.en ? x.e : "0", x.has_e && x.en ? x.en : 1,
			y.has_e && y.en ? y.e : "0", y.has_e && y.en ? y.en : 1);
	if (r == 0)
		r = alpm_vercmp(x.v, x.vn, y.v, y.vn);
	if (r == 0 && x.has_r && y.has_r)
		r = alpm_vercmp(x.r, x.rn, y.r, y.rn);
	return r;
}

const struct vers_scheme vers_scheme_alpm = {"alpm", evr_valid, alpm_cmp, 0};

/* ---- apk (Alpine) ------------------------------------------------------------ */

/* apk-tools' token types, in the order that decides a length mismatch.  A
 * number after '.' may start with zeros (APK_DIGIT_OR_ZERO); the first
 * number, one after a letter and the rest after leading zeros may not. */
enum apk_tok {
	APK_DIGIT_OR_ZERO,
	APK_DIGIT,
	APK_LETTER,
	APK_SUFFIX,
	APK_SUFFIX_NO,
	APK_HASH,
	APK_REVISION,
	APK_END,
	APK_INVALID,
};

struct apk_it {
	const char *p;
	size_t n;
	int t;
};

/* A token's value: a run of digits, or a small number (a run of leading
 * zeros counts -length, a letter its code, a suffix its rank). */
struct apk_val {
	const char *d;
	size_t dn;
	long small;
	int is_digits;
};

static int apk_val_cmp(const struct apk_val *a, const struct apk_val *b)
{
	char buf[24];
	int k;

	if (a->is_digits && b->is_digits)
		return vc_cmp_digits(a->d, a->dn, b->d, b->dn);
	if (!a->is_digits && !b->is_digits)
		return (a->small > b->small) - (a->small < b->small);
	if (a->is_digits)
		return -apk_val_cmp(b, a);
	if (a->small < 0)
		return -1; /* a run of leading zeros: below any number */
	k = snprintf(buf, sizeof(buf), "%ld", a->small);
	return vc_cmp_digits(buf, (size_t)k, b->d, b->dn);
}

static void apk_next(struct apk_it *it)
{
	int n = APK_INVALID;

	if (it->n == 0) {
		n = APK_END;
	} else if ((it->t == APK_DIGIT || it->t == APK_DIGIT_OR_ZERO) &&
		   vc_lower((unsigned char)it->p[0])) {
		n = APK_LETTER;
	} else if (it->t == APK_LETTER && vc_digit((unsigned char)it->p[0])) {
		n = APK_DIGIT;
	} else if (it->t == APK_SUFFIX && vc_digit((unsigned char)it->p[0])) {
		n = APK_SUFFIX_NO;
	} else {
		switch (it->p[0]) {
		case '.':
			n = APK_DIGIT_OR_ZERO;
			break;
		case '_':
			n = APK_SUFFIX;
			break;
		case '~':
			n = APK_HASH;
			break;
		case '-':
			if (it->n > 1 && it->p[1] == 'r') {
				n = APK_REVISION;
				it->p++;
				it->n--;
			}
			break;
		}
		it->p++;
		it->n--;
	}
	if (n < it->t && !((n == APK_DIGIT_OR_ZERO && it->t == APK_DIGIT) ||
			   (n == APK_DIGIT && it->t == APK_LETTER) ||
			   (n == APK_SUFFIX && it->t == APK_SUFFIX_NO)))
		n = APK_INVALID;
	it->t = n;
}

static void apk_get(struct apk_it *it, struct apk_val *v)
{
	static const char *const pre[] = {"alpha", "beta", "pre", "rc"};
	static const char *const post[] = {"cvs", "svn", "git", "hg", "p"};
	size_t i = 0;
	int next = APK_INVALID;

	memset(v, 0, sizeof(*v));
	if (it->n == 0) {
		it->t = APK_END;
		return;
	}
	switch (it->t) {
	case APK_DIGIT_OR_ZERO:
		if (it->p[0] == '0') {
			/* leading zeros but the last are a token of their own */
			while (i + 1 < it->n && it->p[i + 1] == '0')
				i++;
			v->small = -(long)i;
			next = APK_DIGIT;
			break;
		}
		/* fall through */
	case APK_DIGIT:
	case APK_SUFFIX_NO:
	case APK_REVISION:
		i = vc_digits(it->p, it->n);
		v->is_digits = 1;
		v->d = it->p;
		v->dn = i;
		break;
	case APK_LETTER:
		v->small = (unsigned char)it->p[0];
		i = 1;
		break;
	case APK_SUFFIX:
		for (size_t k = 0; k < sizeof(pre) / sizeof(pre[0]); k++) {
			size_t l = strlen(pre[k]);

			if (l <= it->n && memcmp(pre[k], it->p, l) == 0) {
				v->small = (long)k - (long)(sizeof(pre) / sizeof(pre[0]));
				i = l;
				goto advance;
			}
		}
		for (size_t k = 0; k < sizeof(post) / sizeof(post[0]); k++) {
			size_t l = strlen(post[k]);

			if (l <= it->n && memcmp(post[k], it->p, l) == 0) {
				v->small = (long)k;
				i = l;
				goto advance;
			}
		}
		it->t = APK_INVALID;
		v->small = -1;
		return;
	case APK_HASH:
		while (i < it->n &&
		       (vc_digit((unsigned char)it->p[i]) || (it->p[i] >= 'a' && it->p[i] <= 'f')))
			i++;
		if (i == 0) {
			it->t = APK_INVALID;
			v->small = -1;
			return;
		}
		break;
	default:
		it->t = APK_INVALID;
		v->small = -1;
		return;
	}
advance:
	it->p += i;
	it->n -= i;
	if (it->n == 0)
		it->t = APK_END;
	else if (next != APK_INVALID)
		it->t = next;
	else
		apk_next(it);
}

static int apk_valid(const char *s, size_t n)
{
	struct apk_it it = {s, n, APK_DIGIT};
	struct apk_val v;

	if (n == 0 || !vc_digit((unsigned char)s[0]))
		return 0;
	while (it.t != APK_END && it.t != APK_INVALID)
		apk_get(&it, &v);
	return it.t == APK_END;
}

/* A suffix token's rank without consuming it: negative for pre-releases. */
static long apk_peek_suffix(const struct apk_it *it)
{
	struct apk_it t = *it;
	struct apk_val v;

	apk_get(&t, &v);
	return v.small;
}

static int apk_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	struct apk_it x = {a, an, APK_DIGIT}, y = {b, bn, APK_DIGIT};
	struct apk_val xv = {0}, yv = {0};
	int r = 0;

	while (x.t == y.t && x.t != APK_END && x.t != APK_INVALID && r == 0) {
		apk_get(&x, &xv);
		apk_get(&y, &yv);
		r = apk_val_cmp(&xv, &yv);
	}
	if (r != 0)
		return r;
	if (x.t == y.t)
		return 0;
	/* equal so far: the longer one is newer unless it goes on with a
	 * pre-release suffix */
	if (x.t == APK_SUFFIX && apk_peek_suffix(&x) < 0)
		return -1;
	if (y.t == APK_SUFFIX && apk_peek_suffix(&y) < 0)
		return 1;
	if (x.t > y.t)
		return -1;
	return 1;
}

const struct vers_scheme vers_scheme_apk = {"apk", apk_valid, apk_cmp, 0};

/* ---- gentoo (PMS, "Version Comparison") ----------------------------------- */

struct gentoo {
	const char *nums; /* "1.2.3" */
	size_t numsn;
	int letter;	  /* 0 if none */
	const char *sufs; /* "_alpha1_p2" */
	size_t sufsn;
	const char *rev;
	size_t revn;
};

static const char *const gentoo_suffixes[] = {"alpha", "beta", "pre", "rc", "p"};

/* The rank of the suffix name at s (0..4) and its length, or -1. */
static int gentoo_suffix(const char *s, size_t n, size_t *len)
{
	for (int k = 0; k < 5; k++) {
		size_t l = strlen(gentoo_suffixes[k]);

		if (l <= n && memcmp(s, gentoo_suffixes[k], l) == 0) {
			*len = l;
			return k;
		}
	}
	return -1;
}

static int gentoo_parse(struct gentoo *g, const char *s, size_t n)
{
	size_t i = 0, d;

	memset(g, 0, sizeof(*g));
	g->nums = s;
	for (;;) {
		d = vc_digits(s + i, n - i);
		if (d == 0)
			return -1;
		i += d;
		if (i + 1 < n && s[i] == '.' && vc_digit((unsigned char)s[i + 1])) {
			i++;
			continue;
		}
		break;
	}
	g->numsn = i;
	if (i < n && vc_lower((unsigned char)s[i]))
		g->letter = (unsigned char)s[i++];
	g->sufs = s + i;
	while (i < n && s[i] == '_') {
		size_t l;

		if (gentoo_suffix(s + i + 1, n - i - 1, &l) < 0)
			return -1;
		i += 1 + l;
		i += vc_digits(s + i, n - i);
	}
	g->sufsn = (size_t)(s + i - g->sufs);
	if (i + 2 < n && s[i] == '-' && s[i + 1] == 'r') {
		d = vc_digits(s + i + 2, n - i - 2);
		if (d == 0)
			return -1;
		g->rev = s + i + 2;
		g->revn = d;
		i += 2 + d;
	}
	return i == n ? 0 : -1;
}

static int gentoo_valid(const char *s, size_t n)
{
	struct gentoo g;

	return gentoo_parse(&g, s, n) == 0;
}

/* Next numeric component of "1.2.3": its digits, or 0 once exhausted. */
static int next_component(const char **p, const char *end, const char **c, size_t *cn)
{
	const char *s = *p;

	if (s == NULL)
		return 0;
	*c = s;
	*cn = vc_digits(s, (size_t)(end - s));
	s += *cn;
	*p = s < end ? s + 1 : NULL;
	return 1;
}

static size_t strip_trailing_zeros(const char *s, size_t n)
{
	while (n > 0 && s[n - 1] == '0')
		n--;
	return n;
}

/* Next "_name[N]" suffix: its rank and number. */
static int next_suffix(const char **p, const char *end, int *rank, const char **num, size_t *numn)
{
	const char *s = *p;
	size_t l = 0;

	if (s >= end)
		return 0;
	*rank = gentoo_suffix(s + 1, (size_t)(end - s - 1), &l);
	s += 1 + l;
	*num = s;
	*numn = vc_digits(s, (size_t)(end - s));
	*p = s + *numn;
	return 1;
}

static int gentoo_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	struct gentoo x, y;
	const char *pa, *pb, *ca, *cb;
	size_t la, lb;
	int first = 1, r, ha, hb, ra, rb;

	if (gentoo_parse(&x, a, an) < 0 || gentoo_parse(&y, b, bn) < 0)
		return VERS_CMP_INVALID;
	pa = x.nums;
	pb = y.nums;
	for (;;) {
		ha = next_component(&pa, x.nums + x.numsn, &ca, &la);
		hb = next_component(&pb, y.nums + y.numsn, &cb, &lb);
		if (!ha || !hb) {
			if (ha != hb)
				return ha - hb;
			break;
		}
		if (!first && (ca[0] == '0' || cb[0] == '0'))
			r = vc_cmp_bytes(ca, strip_trailing_zeros(ca, la), cb,
					 strip_trailing_zeros(cb, lb));
		else
			r = vc_cmp_digits(ca, la, cb, lb);
		if (r != 0)
			return r;
		first = 0;
	}
	if (x.letter != y.letter)
		return x.letter < y.letter ? -1 : 1;
	pa = x.sufs;
	pb = y.sufs;
	for (;;) {
		ha = next_suffix(&pa, x.sufs + x.sufsn, &ra, &ca, &la);
		hb = next_suffix(&pb, y.sufs + y.sufsn, &rb, &cb, &lb);
		if (!ha && !hb)
			break;
		if (!hb)
			return ra == 4 ? 1 : -1; /* only _p is newer than nothing */
		if (!ha)
			return rb == 4 ? -1 : 1;
		if (ra != rb)
			return ra < rb ? -1 : 1;
		r = vc_cmp_digits(ca, la, cb, lb);
		if (r != 0)
			return r;
	}
	return vc_cmp_digits(x.rev, x.revn, y.rev, y.revn);
}

const struct vers_scheme vers_scheme_gentoo = {"gentoo", gentoo_valid, gentoo_cmp,
					       VERS_SCHEME_SELF_CHECK};

/* ---- gem (Gem::Version) -------------------------------------------------------- */

static int gem_valid(const char *s, size_t n)
{
	size_t i = vc_digits(s, n);

	if (i == 0)
		return 0;
	while (i < n && s[i] == '.') {
		size_t start = ++i;

		while (i < n && vc_alnum((unsigned char)s[i]))
			i++;
		if (i == start)
			return 0;
	}
	if (i < n && s[i] == '-')
		return ident_list_ok(s + i + 1, n - i - 1, 0);
	return i == n;
}

struct gem_seg {
	const char *p;
	size_t n;
	int num;
};

#define GEM_SEGS 64

/* Gem's segments: runs of digits or letters; every '-' reads as ".pre." */
static size_t gem_segments(struct gem_seg *seg, size_t max, const char *s, size_t n)
{
	size_t k = 0, i = 0;

	while (i < n) {
		size_t start = i;

		if (s[i] == '-') {
			if (k < max)
				seg[k] = (struct gem_seg){"pre", 3, 0};
			k++;
			i++;
		} else if (vc_digit((unsigned char)s[i])) {
			while (i < n && vc_digit((unsigned char)s[i]))
				i++;
			if (k < max)
				seg[k] = (struct gem_seg){s + start, i - start, 1};
			k++;
		} else if (vc_alpha((unsigned char)s[i])) {
			while (i < n && vc_alpha((unsigned char)s[i]))
				i++;
			if (k < max)
				seg[k] = (struct gem_seg){s + start, i - start, 0};
			k++;
		} else {
			i++;
		}
	}
	return k;
}

static int gem_is_zero(const struct gem_seg *g)
{
	return g->num && vc_cmp_digits(g->p, g->n, "", 0) == 0;
}

/* canonical_segments: the numeric part and the rest, each without trailing
 * zeros, concatenated in place; returns the new count. */
static size_t gem_canonical(struct gem_seg *seg, size_t k)
{
	size_t first_str = 0, end1, end2, out;

	while (first_str < k && seg[first_str].num)
		first_str++;
	end1 = first_str;
	while (end1 > 0 && gem_is_zero(&seg[end1 - 1]))
		end1--;
	end2 = k;
	while (end2 > first_str && gem_is_zero(&seg[end2 - 1]))
		end2--;
	out = end1;
	for (size_t i = first_str; i < end2; i++)
		seg[out++] = seg[i];
	return out;
}

static int gem_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	struct gem_seg sa[GEM_SEGS], sb[GEM_SEGS], *x = sa, *y = sb;
	size_t ka = gem_segments(NULL, 0, a, an), kb = gem_segments(NULL, 0, b, bn), k;
	int r = 0;

	if (ka > GEM_SEGS)
		x = xmalloc(ka * sizeof(*x));
	if (kb > GEM_SEGS)
		y = xmalloc(kb * sizeof(*y));
	gem_segments(x, ka, a, an);
	gem_segments(y, kb, b, bn);
	ka = gem_canonical(x, ka);
	kb = gem_canonical(y, kb);
	k = ka > kb ? ka : kb;
	for (size_t i = 0; i < k && r == 0; i++) {
		static const struct gem_seg zero = {"0", 1, 1};
		const struct gem_seg *l = i < ka ? &x[i] : &zero, *m = i < kb ? &y[i] : &zero;

		if (l->num && m->num)
			r = vc_cmp_digits(l->p, l->n, m->p, m->n);
		else if (l->num != m->num)
			r = l->num ? 1 : -1;
		else
			r = vc_cmp_bytes(l->p, l->n, m->p, m->n);
	}
	if (x != sa)
		free(x);
	if (y != sb)
		free(y);
	return r;
}

const struct vers_scheme vers_scheme_gem = {"gem", gem_valid, gem_cmp, 0};

/* ---- conan (conans.model.version.Version) ------------------------------------ */

struct conan {
	const char *main;
	size_t mainn;  /* without trailing zero items */
	int has_items; /* "" is one empty item; "0" trimmed is none */
	const char *pre, *build;
	size_t pren, buildn;
	int has_pre, has_build;
};

static int conan_is_int(const char *s, size_t n)
{
	return all_digits(s, n);
}

static void conan_split(struct conan *c, const char *s, size_t n)
{
	const char *plus = find_last(s, n, '+'), *dash;
	size_t end;

	memset(c, 0, sizeof(*c));
	if (plus != NULL) {
		c->has_build = 1;
		c->build = plus + 1;
		c->buildn = (size_t)(s + n - c->build);
		n = (size_t)(plus - s);
	}
	dash = find_last(s, n, '-');
	if (dash != NULL) {
		c->has_pre = 1;
		c->pre = dash + 1;
		c->pren = (size_t)(s + n - c->pre);
		n = (size_t)(dash - s);
	}
	c->main = s;
	c->has_items = 1;
	if (n == 0)
		return;
	/* drop trailing items that are the integer 0 */
	end = n;
	for (;;) {
		const char *dot = find_last(s, end, '.');
		size_t start = dot != NULL ? (size_t)(dot - s) + 1 : 0;

		if (!conan_is_int(s + start, end - start) ||
		    vc_cmp_digits(s + start, end - start, "", 0) != 0)
			break;
		if (dot == NULL) {
			end = 0;
			break;
		}
		end = (size_t)(dot - s);
	}
	c->mainn = end;
	c->has_items = end > 0;
}

/* An item compared as Python compares conan's _VersionItem: integers
 * numerically, anything else as text (an integer as its decimal text). */
static int conan_item_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int ia = conan_is_int(a, an), ib = conan_is_int(b, bn);

	if (ia && ib)
		return vc_cmp_digits(a, an, b, bn);
	if (ia) {
		while (an > 1 && *a == '0') {
			a++;
			an--;
		}
	}
	if (ib) {
		while (bn > 1 && *b == '0') {
			b++;
			bn--;
		}
	}
	return vc_cmp_bytes(a, an, b, bn);
}

/* Tuples of items: Python's tuple order. */
static int conan_items_cmp(const char *a, size_t an, int ha_items, const char *b, size_t bn,
			   int hb_items)
{
	const char *pa = ha_items ? a : NULL, *pb = hb_items ? b : NULL, *ia = NULL, *ib = NULL;
	size_t la = 0, lb = 0;

	for (;;) {
		int ha = next_ident(&pa, a + an, &ia, &la), hb = next_ident(&pb, b + bn, &ib, &lb);
		int r;

		if (!ha || !hb)
			return ha - hb;
		r = conan_item_cmp(ia, la, ib, lb);
		if (r != 0)
			return r;
	}
}

static int conan_cmp_depth(const char *a, size_t an, const char *b, size_t bn, int depth);

/* An optional nested version: absent sorts first. */
static int conan_opt_cmp(int ha, const char *a, size_t an, int hb, const char *b, size_t bn,
			 int depth)
{
	if (!ha || !hb)
		return ha - hb;
	return conan_cmp_depth(a, an, b, bn, depth + 1);
}

static int conan_cmp_depth(const char *a, size_t an, const char *b, size_t bn, int depth)
{
	struct conan x, y;
	int nz, pre, build;

	if (depth > 16)
		return vc_cmp_bytes(a, an, b, bn);
	conan_split(&x, a, an);
	conan_split(&y, b, bn);
	nz = conan_items_cmp(x.main, x.mainn, x.has_items, y.main, y.mainn, y.has_items);
	pre = conan_opt_cmp(x.has_pre, x.pre, x.pren, y.has_pre, y.pre, y.pren, depth);
	build =
	    conan_opt_cmp(x.has_build, x.build, x.buildn, y.has_build, y.build, y.buildn, depth);
	if (nz == 0 && pre == 0 && build == 0)
		return 0;
	if (x.has_pre && y.has_pre)
		return nz != 0 ? nz : pre != 0 ? pre : build;
	if (x.has_pre)
		return nz != 0 ? nz : -1;
	if (y.has_pre)
		return nz != 0 ? nz : 1;
	return nz != 0 ? nz : build;
}

static int conan_valid(const char *s, size_t n)
{
	(void)s;
	return n > 0;
}

static int conan_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	return conan_cmp_depth(a, an, b, bn, 0);
}

const struct vers_scheme vers_scheme_conan = {"conan", conan_valid, conan_cmp, 0};

/* ---- openssl ------------------------------------------------------------------ */

struct openssl {
	const char *nums;
	size_t numsn;
	const char *letters;
	size_t lettersn;
	const char *pre;
	size_t pren;
	int has_pre;
};

static int openssl_parse(struct openssl *o, const char *s, size_t n)
{
	size_t i = 0, d;

	memset(o, 0, sizeof(*o));
	o->nums = s;
	for (;;) {
		d = vc_digits(s + i, n - i);
		if (d == 0)
			return -1;
		i += d;
		if (i + 1 < n && s[i] == '.' && vc_digit((unsigned char)s[i + 1])) {
			i++;
			continue;
		}
		break;
	}
	o->numsn = i;
	o->letters = s + i;
	while (i < n && vc_lower((unsigned char)s[i]))
		i++;
	o->lettersn = (size_t)(s + i - o->letters);
	if (i < n && s[i] == '-') {
		o->has_pre = 1;
		o->pre = s + i + 1;
		o->pren = n - i - 1;
		return ident_list_ok(o->pre, o->pren, 0) ? 0 : -1;
	}
	return i == n ? 0 : -1;
}

static int openssl_valid(const char *s, size_t n)
{
	struct openssl o;

	return openssl_parse(&o, s, n) == 0;
}

/* Dotted numbers; a missing one counts 0. */
static int dotted_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	const char *pa = an > 0 ? a : NULL, *pb = bn > 0 ? b : NULL, *ca, *cb;
	size_t la, lb;

	for (;;) {
		int ha = next_component(&pa, a + an, &ca, &la),
		    hb = next_component(&pb, b + bn, &cb, &lb);
		int r;

		if (!ha && !hb)
			return 0;
		r = vc_cmp_digits(ha ? ca : "", ha ? la : 0, hb ? cb : "", hb ? lb : 0);
		if (r != 0)
			return r;
	}
}

static int openssl_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	struct openssl x, y;
	int r;

	if (openssl_parse(&x, a, an) < 0 || openssl_parse(&y, b, bn) < 0)
		return VERS_CMP_INVALID;
	r = dotted_cmp(x.nums, x.numsn, y.nums, y.numsn);
	if (r != 0)
		return r;
	/* letter releases: a < ... < z < za < ... < zz < zza */
	if (x.lettersn != y.lettersn)
		return x.lettersn < y.lettersn ? -1 : 1;
	r = vc_cmp_bytes(x.letters, x.lettersn, y.letters, y.lettersn);
	if (r != 0)
		return r;
	if (!x.has_pre || !y.has_pre)
		return y.has_pre - x.has_pre;
	return ident_list_cmp(x.pre, x.pren, y.pre, y.pren, 0);
}

const struct vers_scheme vers_scheme_openssl = {"openssl", openssl_valid, openssl_cmp,
						VERS_SCHEME_SELF_CHECK};

/* ---- nginx and intdot: dotted integers ------------------------------------ */

static int nginx_valid(const char *s, size_t n)
{
	size_t i = 0;

	for (;;) {
		size_t d = vc_digits(s + i, n - i);

		if (d == 0)
			return 0;
		i += d;
		if (i == n)
			return 1;
		if (s[i] != '.')
			return 0;
		i++;
	}
}

static int nginx_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	return dotted_cmp(a, an, b, bn);
}

const struct vers_scheme vers_scheme_nginx = {"nginx", nginx_valid, nginx_cmp, 0};

/* intdot: read up to the first byte that is neither a digit nor a dot. */
static size_t intdot_prefix(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (vc_digit((unsigned char)s[i]) || s[i] == '.'))
		i++;
	return i;
}

static int intdot_valid(const char *s, size_t n)
{
	return n > 0 && vc_digit((unsigned char)s[0]);
}

static int intdot_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	return dotted_cmp(a, intdot_prefix(a, an), b, intdot_prefix(b, bn));
}

const struct vers_scheme vers_scheme_intdot = {"intdot", intdot_valid, intdot_cmp, 0};

/* ---- datetime (RFC 3339 date-time) ----------------------------------------- */

struct instant {
	int64_t secs;	  /* UTC seconds since 1970 */
	const char *frac; /* fraction digits without trailing zeros */
	size_t fracn;
};

static int num_at(const char *s, size_t n, size_t i, size_t digits, int *out)
{
	int v = 0;

	if (i + digits > n)
		return -1;
	for (size_t k = 0; k < digits; k++) {
		if (!vc_digit((unsigned char)s[i + k]))
			return -1;
		v = v * 10 + (s[i + k] - '0');
	}
	*out = v;
	return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int instant_parse(struct instant *t, const char *s, size_t n)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, mo, d, h, mi, sec, oh = 0, om = 0, leap, sgn = 0;
	size_t i = 19;

	if (num_at(s, n, 0, 4, &y) || n < 20 || s[4] != '-' || num_at(s, n, 5, 2, &mo) ||
	    s[7] != '-' || num_at(s, n, 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
	    num_at(s, n, 11, 2, &h) || s[13] != ':' || num_at(s, n, 14, 2, &mi) || s[16] != ':' ||
	    num_at(s, n, 17, 2, &sec))
		return -1;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap) || h > 23 ||
	    mi > 59 || sec > 60)
		return -1;
	t->frac = s + i;
	t->fracn = 0;
	if (s[i] == '.') {
		size_t k = vc_digits(s + i + 1, n - i - 1);

		if (k == 0)
			return -1;
		t->frac = s + i + 1;
		t->fracn = strip_trailing_zeros(t->frac, k);
		i += 1 + k;
	}
	if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < n && (s[i] == '+' || s[i] == '-')) {
		sgn = s[i] == '+' ? 1 : -1;
		if (num_at(s, n, i + 1, 2, &oh) || i + 3 >= n || s[i + 3] != ':' ||
		    num_at(s, n, i + 4, 2, &om) || oh > 23 || om > 59)
			return -1;
		i += 6;
	} else {
		return -1;
	}
	if (i != n)
		return -1;
	t->secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
		  sgn * (int64_t)(oh * 3600 + om * 60);
	return 0;
}

static int datetime_valid(const char *s, size_t n)
{
	struct instant t;

	return instant_parse(&t, s, n) == 0;
}

static int datetime_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	struct instant x, y;

	if (instant_parse(&x, a, an) < 0 || instant_parse(&y, b, bn) < 0)
		return VERS_CMP_INVALID;
	if (x.secs != y.secs)
		return x.secs < y.secs ? -1 : 1;
	/* fractions without trailing zeros: digit order is numeric order */
	return vc_cmp_bytes(x.frac, x.fracn, y.frac, y.fracn);
}

const struct vers_scheme vers_scheme_datetime = {"datetime", datetime_valid, datetime_cmp,
						 VERS_SCHEME_DATETIME | VERS_SCHEME_SELF_CHECK};

/* ---- lexicographic ------------------------------------------------------------- */

static int lexicographic_valid(const char *s, size_t n)
{
	(void)s;
	return n > 0;
}

const struct vers_scheme vers_scheme_lexicographic = {"lexicographic", lexicographic_valid,
						      vc_cmp_bytes, 0};

/* ---- generic -------------------------------------------------------------------- */

/*
 * Components are runs of digits or of letters (anything else separates).  A
 * component has a rank: a pre-release word (any letters but the post-release
 * words) < zero (and a missing component) < a post-release word ("post",
 * "patch", "pl", "p", "errata") < a letter suffix (one letter right after a
 * number, not followed by a digit: "1.0a") < a non-zero number.  Equal ranks
 * compare numerically or by case-folded text.
 */
enum { GEN_PRE = 1, GEN_ZERO, GEN_POST, GEN_LETTER, GEN_NONZERO };

struct gen_it {
	const char *s;
	size_t n, i;
};

static int generic_next(struct gen_it *it, const char **c, size_t *cn)
{
	static const char *const post[] = {"post", "patch", "pl", "p", "errata"};
	size_t start;
	int after_digit;

	while (it->i < it->n && !vc_alnum((unsigned char)it->s[it->i]))
		it->i++;
	if (it->i >= it->n)
		return GEN_ZERO; /* padding */
	start = it->i;
	after_digit = start > 0 && vc_digit((unsigned char)it->s[start - 1]);
	*c = it->s + start;
	if (vc_digit((unsigned char)it->s[start])) {
		it->i += vc_digits(it->s + start, it->n - start);
		*cn = it->i - start;
		return vc_cmp_digits(*c, *cn, "", 0) == 0 ? GEN_ZERO : GEN_NONZERO;
	}
	while (it->i < it->n && vc_alpha((unsigned char)it->s[it->i]))
		it->i++;
	*cn = it->i - start;
	for (size_t k = 0; k < sizeof(post) / sizeof(post[0]); k++)
		if (strlen(post[k]) == *cn && vc_cmp_bytes_icase(*c, *cn, post[k], *cn) == 0)
			return GEN_POST;
	if (*cn == 1 && after_digit && (it->i >= it->n || !vc_digit((unsigned char)it->s[it->i])))
		return GEN_LETTER;
	return GEN_PRE;
}

static int generic_valid(const char *s, size_t n)
{
	(void)s;
	return n > 0;
}

static int generic_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	struct gen_it x = {a, an, 0}, y = {b, bn, 0};

	while (x.i < x.n || y.i < y.n) {
		const char *ca = "0", *cb = "0";
		size_t la = 1, lb = 1;
		int ra = generic_next(&x, &ca, &la), rb = generic_next(&y, &cb, &lb), r;

		if (ra != rb)
			return ra < rb ? -1 : 1;
		if (ra == GEN_ZERO)
			continue;
		r = ra == GEN_NONZERO ? vc_cmp_digits(ca, la, cb, lb)
				      : vc_cmp_bytes_icase(ca, la, cb, lb);
		if (r != 0)
			return r;
	}
	return 0;
}

const struct vers_scheme vers_scheme_generic = {"generic", generic_valid, generic_cmp, 0};

/* ---- all and none: only "*" --------------------------------------------------- */

static int no_version_valid(const char *s, size_t n)
{
	(void)s;
	(void)n;
	return 0;
}

const struct vers_scheme vers_scheme_all = {"all", no_version_valid, vc_cmp_bytes,
					    VERS_SCHEME_STAR_ONLY};
const struct vers_scheme vers_scheme_none = {"none", no_version_valid, vc_cmp_bytes,
					     VERS_SCHEME_STAR_ONLY | VERS_SCHEME_EMPTY};
