/* vers_pypi.c - PEP 440 versions (the "pypi" vers type): parse and compare.
 *
 * The grammar is packaging's VERSION_PATTERN (case-insensitive, optional
 * leading 'v', epoch "N!", release "1.2.3", pre-release a/b/rc with their
 * spellings alpha, beta, c, pre, preview, post-release ".postN", "-N", "rN",
 * ".revN", dev release ".devN", local "+abc.5", implicit numbers and the
 * optional separators).  Comparison is packaging's key: epoch, release with
 * trailing zeros ignored, pre-release (a dev release of the final release
 * sorts before its pre-releases), post-release, dev release, local segments
 * (numbers above words).  Everything is read in place: no allocation.
 */
#include <string.h>

#include "rules/vers_impl.h"

static int is_sep(int c)
{
	return c == '-' || c == '_' || c == '.';
}

/* Length of word at s[i..n) if it matches case-insensitively, else 0. */
static size_t word_at(const char *s, size_t n, size_t i, const char *word)
{
	size_t l = strlen(word);

	if (i + l > n || vc_cmp_bytes_icase(s + i, l, word, l) != 0)
		return 0;
	return l;
}

/* After a pre/post/dev word at i: an optional separator, then optional
 * digits; the separator is taken even without digits, as the regular
 * expression's greedy match does.  Sets the number span, returns the new i. */
static size_t number_after(const char *s, size_t n, size_t i, const char **num, size_t *numn)
{
	size_t d;

	if (i < n && is_sep((unsigned char)s[i]))
		i++;
	d = vc_digits(s + i, n - i);
	*num = s + i;
	*numn = d;
	return i + d;
}

int vers_pep440_parse(struct pep440 *v, const char *s, size_t n)
{
	static const char *const pre_words[] = {"alpha",   "a",	  "beta", "b",
						"preview", "pre", "c",	  "rc"};
	static const int pre_rank[] = {0, 0, 1, 1, 2, 2, 2, 2};
	static const char *const post_words[] = {"post", "rev", "r"};
	size_t i = 0, d, j, l;

	memset(v, 0, sizeof(*v));
	v->pre_l = -1;
	while (n > 0 && vc_space((unsigned char)s[n - 1]))
		n--;
	while (i < n && vc_space((unsigned char)s[i]))
		i++;
	if (i < n && (s[i] == 'v' || s[i] == 'V'))
		i++;
	d = vc_digits(s + i, n - i);
	if (d > 0 && i + d < n && s[i + d] == '!') {
		v->epoch = s + i;
		v->epochn = d;
		i += d + 1;
	}
	v->rel = s + i;
	d = vc_digits(s + i, n - i);
	if (d == 0)
		return -1;
	i += d;
	while (i + 1 < n && s[i] == '.' && vc_digit((unsigned char)s[i + 1]))
		i += 1 + vc_digits(s + i + 1, n - i - 1);
	v->reln = (size_t)(s + i - v->rel);

	/* pre-release */
	j = i + (i < n && is_sep((unsigned char)s[i]));
	for (size_t k = 0; k < sizeof(pre_words) / sizeof(pre_words[0]); k++) {
		if ((l = word_at(s, n, j, pre_words[k])) != 0) {
			v->pre_l = pre_rank[k];
			i = number_after(s, n, j + l, &v->pre_n, &v->pre_nn);
			break;
		}
	}
	/* post-release: "-N", or [sep] post|rev|r [sep] [N] */
	if (i + 1 < n && s[i] == '-' && vc_digit((unsigned char)s[i + 1])) {
		v->has_post = 1;
		v->post_n = s + i + 1;
		v->post_nn = vc_digits(s + i + 1, n - i - 1);
		i += 1 + v->post_nn;
	} else {
		j = i + (i < n && is_sep((unsigned char)s[i]));
		for (size_t k = 0; k < sizeof(post_words) / sizeof(post_words[0]); k++) {
			if ((l = word_at(s, n, j, post_words[k])) != 0) {
				v->has_post = 1;
				i = number_after(s, n, j + l, &v->post_n, &v->post_nn);
				break;
			}
		}
	}
	/* dev release */
	j = i + (i < n && is_sep((unsigned char)s[i]));
	if ((l = word_at(s, n, j, "dev")) != 0) {
		v->has_dev = 1;
		i = number_after(s, n, j + l, &v->dev_n, &v->dev_nn);
	}
	/* local version: '+' then alphanumeric segments separated by - _ . */
	if (i < n && s[i] == '+') {
		v->has_local = 1;
		v->local = s + ++i;
		for (;;) {
			size_t start = i;

			while (i < n && vc_alnum((unsigned char)s[i]))
				i++;
			if (i == start)
				return -1;
			if (i < n && is_sep((unsigned char)s[i]) && i + 1 < n)
				i++;
			else
				break;
		}
		v->localn = (size_t)(s + i - v->local);
	}
	return i == n ? 0 : -1;
}

static int pypi_valid(const char *s, size_t n)
{
	struct pep440 v;

	return vers_pep440_parse(&v, s, n) == 0;
}

/* Release segments, a missing one counting 0. */
static int release_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;

	while (i < an || j < bn) {
		size_t la = i < an ? vc_digits(a + i, an - i) : 0;
		size_t lb = j < bn ? vc_digits(b + j, bn - j) : 0;
		int r = vc_cmp_digits(i < an ? a + i : "", la, j < bn ? b + j : "", lb);

		if (r != 0)
			return r;
		i += la + 1;
		j += lb + 1;
	}
	return 0;
}

/* Local segments: numbers compare numerically and above words; words
 * compare case-folded; a shorter list that is a prefix sorts first. */
static int local_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;

	for (;;) {
		size_t la = 0, lb = 0;
		int na, nb, r;

		if (i >= an || j >= bn)
			return (i < an) - (j < bn);
		while (i + la < an && vc_alnum((unsigned char)a[i + la]))
			la++;
		while (j + lb < bn && vc_alnum((unsigned char)b[j + lb]))
			lb++;
		na = vc_digits(a + i, la) == la;
		nb = vc_digits(b + j, lb) == lb;
		if (na && nb)
			r = vc_cmp_digits(a + i, la, b + j, lb);
		else if (na != nb)
			r = na ? 1 : -1;
		else
			r = vc_cmp_bytes_icase(a + i, la, b + j, lb);
		if (r != 0)
			return r;
		i += la + 1;
		j += lb + 1;
	}
}

/* The pre-release part of packaging's key: 0 for "-infinity" (a dev release
 * without pre- or post-release), 2 for "+infinity" (no pre-release), 1 if
 * there is one. */
static int pre_class(const struct pep440 *v)
{
	if (v->pre_l < 0)
		return !v->has_post && v->has_dev ? 0 : 2;
	return 1;
}

static int pypi_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	struct pep440 x, y;
	int r, cx, cy;

	if (vers_pep440_parse(&x, a, an) < 0 || vers_pep440_parse(&y, b, bn) < 0)
		return VERS_CMP_INVALID;
	if ((r = vc_cmp_digits(x.epoch, x.epochn, y.epoch, y.epochn)) != 0)
		return r;
	if ((r = release_cmp(x.rel, x.reln, y.rel, y.reln)) != 0)
		return r;
	cx = pre_class(&x);
	cy = pre_class(&y);
	if (cx != cy)
		return cx < cy ? -1 : 1;
	if (cx == 1) {
		if (x.pre_l != y.pre_l)
			return x.pre_l < y.pre_l ? -1 : 1;
		if ((r = vc_cmp_digits(x.pre_n, x.pre_nn, y.pre_n, y.pre_nn)) != 0)
			return r;
	}
	if (x.has_post != y.has_post)
		return x.has_post ? 1 : -1;
	if (x.has_post && (r = vc_cmp_digits(x.post_n, x.post_nn, y.post_n, y.post_nn)) != 0)
		return r;
	if (x.has_dev != y.has_dev)
		return x.has_dev ? -1 : 1;
	if (x.has_dev && (r = vc_cmp_digits(x.dev_n, x.dev_nn, y.dev_n, y.dev_nn)) != 0)
		return r;
	if (x.has_local != y.has_local)
		return x.has_local ? 1 : -1;
	return x.has_local ? local_cmp(x.local, x.localn, y.local, y.localn) : 0;
}

const struct vers_scheme vers_scheme_pypi = {"pypi", pypi_valid, pypi_cmp, VERS_SCHEME_SELF_CHECK};
