/* vers_native.c - native range notations to canonical vers strings
 * (vers_from_native()): npm, pypi, gem, nuget, maven, conan, openssl, nginx.
 *
 * npm and conan keep every comparator the native range names, as univers
 * (the vers reference implementation) does, so ">=5.0.3 >=4.2.1" gives
 * "vers:npm/>=4.2.1|>=5.0.3"; the shared test files expect exactly that.
 * pypi and gem requirements are intersections, so they are computed as sets
 * of intervals and written back as the fewest constraints.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "rules/vers_impl.h"

/* ---- small string helpers ----------------------------------------------- */

struct span {
	const char *p;
	size_t n;
};

static struct span trim(struct span s)
{
	while (s.n > 0 && vc_space((unsigned char)s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n > 0 && vc_space((unsigned char)s.p[s.n - 1]))
		s.n--;
	return s;
}

static int span_is(struct span s, const char *w)
{
	return s.n == strlen(w) && memcmp(s.p, w, s.n) == 0;
}

/* Next piece of s split on sep (a string); 0 when done.  *pos starts at 0. */
static int split_next(struct span s, const char *sep, size_t *pos, struct span *piece)
{
	size_t l = strlen(sep), i;

	if (*pos > s.n)
		return 0;
	for (i = *pos; i + l <= s.n; i++)
		if (memcmp(s.p + i, sep, l) == 0)
			break;
	if (i + l > s.n)
		i = s.n;
	piece->p = s.p + *pos;
	piece->n = i - *pos;
	*pos = i + l;
	if (i == s.n)
		*pos = s.n + 1;
	return 1;
}

/* Next run of non-whitespace; 0 when done. */
static int next_word(struct span s, size_t *pos, struct span *w)
{
	size_t i = *pos;

	while (i < s.n && vc_space((unsigned char)s.p[i]))
		i++;
	if (i >= s.n)
		return 0;
	w->p = s.p + i;
	while (i < s.n && !vc_space((unsigned char)s.p[i]))
		i++;
	w->n = (size_t)(s.p + i - w->p);
	*pos = i;
	return 1;
}

static int add(struct vers_list *l, enum vers_op op, struct span v, struct err *e)
{
	return vers_list_add(l, op, v.p, v.n, e);
}

static int adds(struct vers_list *l, enum vers_op op, const char *v, struct err *e)
{
	return vers_list_add(l, op, v, strlen(v), e);
}

static int bad_range(struct err *e, const char *type, struct span s)
{
	char q[VERS_QUOTE_SIZE];

	return err_set(e, ERR_INVALID, "invalid %s range \"%s\"", type, vers_quote(q, s.p, s.n));
}

/* ---- npm: node-semver ranges, as univers reads them ---------------------- */

/* A semantic_version.Version: numbers and the text of pre-release/build. */
struct sv {
	uint64_t num[3];
	char pre[64], build[64];
};

static int parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 18)
		return -1;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	*out = v;
	return 0;
}

static void sv_render(const struct sv *v, char *out, size_t size)
{
	snprintf(out, size, "%llu.%llu.%llu%s%s%s%s", (unsigned long long)v->num[0],
		 (unsigned long long)v->num[1], (unsigned long long)v->num[2], v->pre[0] ? "-" : "",
		 v->pre, v->build[0] ? "+" : "", v->build);
}

static int copy_part(char *dst, size_t size, const char *s, size_t n)
{
	if (n >= size)
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

/* semantic_version.Version.coerce(): "1.2" is 1.2.0, leading zeros go, the
 * rest becomes pre-release and build; the result must be strict SemVer. */
static int sv_coerce(struct sv *v, struct span s)
{
	char text[300];
	size_t i = 0, k = 0;
	char rest[256];
	const char *plus, *pre = "", *build = "";
	size_t pren = 0, buildn = 0;

	memset(v, 0, sizeof(*v));
	for (k = 0; k < 3; k++) {
		size_t d = vc_digits(s.p + i, s.n - i);

		if (d == 0 || parse_u64(s.p + i, d, &v->num[k]) < 0)
			return k == 0 || d != 0 ? -1 : 0;
		i += d;
		if (k < 2 && i + 1 < s.n && s.p[i] == '.' && vc_digit((unsigned char)s.p[i + 1]))
			i++;
		else
			break;
	}
	if (i == s.n)
		return 0;
	if (s.n - i >= sizeof(rest))
		return -1;
	for (size_t j = i; j < s.n; j++) {
		unsigned char c = (unsigned char)s.p[j];

		rest[j - i] = vc_alnum(c) || c == '+' || c == '.' || c == '-' ? (char)c : '-';
	}
	k = s.n - i;
	rest[k] = '\0';
	plus = memchr(rest, '+', k);
	if (rest[0] == '+' || rest[0] == '.') {
		build = rest + 1;
		buildn = k - 1;
	} else {
		const char *r = rest[0] == '-' ? rest + 1 : rest;
		size_t rn = (size_t)(rest + k - r);

		plus = memchr(r, '+', rn);
		pre = r;
		pren = plus != NULL ? (size_t)(plus - r) : rn;
		if (plus != NULL) {
			build = plus + 1;
			buildn = (size_t)(rest + k - build);
		}
	}
	if (copy_part(v->pre, sizeof(v->pre), pre, pren) < 0 ||
	    copy_part(v->build, sizeof(v->build), build, buildn) < 0)
		return -1;
	for (char *c = v->build; *c; c++)
		if (*c == '+')
			*c = '.';
	sv_render(v, text, sizeof(text));
	return vers_scheme_semver.valid(text, strlen(text)) ? 0 : -1;
}

enum { POLICY_NATURAL, POLICY_ALWAYS, POLICY_SAMEPATCH };

struct npm_range {
	enum vers_op op;
	struct sv t;
	int policy;
};

struct npm_clauses {
	struct npm_range r[16];
	size_t n;
};

static int nr_add(struct npm_clauses *c, enum vers_op op, const struct sv *t, int policy)
{
	if (c->n == sizeof(c->r) / sizeof(c->r[0]))
		return -1;
	c->r[c->n++] = (struct npm_range){op, *t, policy};
	return 0;
}

static struct sv sv_make(uint64_t a, uint64_t b, uint64_t c)
{
	struct sv v;

	memset(&v, 0, sizeof(v));
	v.num[0] = a;
	v.num[1] = b;
	v.num[2] = c;
	return v;
}

/* semantic_version's next_major/next_minor/next_patch: a pre-release of
 * x.0.0 (x.y.0, x.y.z) already leads to it. */
static struct sv sv_next_major(const struct sv *v)
{
	if (v->pre[0] && v->num[1] == 0 && v->num[2] == 0)
		return sv_make(v->num[0], 0, 0);
	return sv_make(v->num[0] + 1, 0, 0);
}

static struct sv sv_next_minor(const struct sv *v)
{
	if (v->pre[0] && v->num[2] == 0)
		return sv_make(v->num[0], v->num[1], 0);
	return sv_make(v->num[0], v->num[1] + 1, 0);
}

static struct sv sv_next_patch(const struct sv *v)
{
	if (v->pre[0])
		return sv_make(v->num[0], v->num[1], v->num[2]);
	return sv_make(v->num[0], v->num[1], v->num[2] + 1);
}

static int npm_number(const char *s, size_t n, size_t *len, int *wild)
{
	*wild = 0;
	if (n > 0 && (s[0] == 'x' || s[0] == 'X' || s[0] == '*')) {
		*wild = 1;
		*len = 1;
		return 0;
	}
	*len = vc_digits(s, n);
	if (*len == 0 || (*len > 1 && s[0] == '0'))
		return -1;
	return 0;
}

static int npm_part_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!vc_alnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '-')
			return 0;
	return 1;
}

/* semantic_version's NpmSpec.Parser.parse_simple() for one block. */
static int npm_parse_simple(struct npm_clauses *out, struct span b)
{
	size_t i = 0, l;
	int wild[3] = {1, 1, 1}, have[3] = {0, 0, 0}, prefix;
	uint64_t num[3] = {0, 0, 0};
	const char *pre = NULL, *build = NULL;
	size_t pren = 0, buildn = 0;
	struct sv target, high;
	enum { P_EQ, P_LT, P_LE, P_GT, P_GE, P_CARET, P_TILDE };

	if (i < b.n && b.p[i] == 'v')
		i++;
	if (i + 1 < b.n && (b.p[i] == '<' || b.p[i] == '>') && b.p[i + 1] == '=') {
		prefix = b.p[i] == '<' ? P_LE : P_GE;
		i += 2;
	} else if (i < b.n && strchr("<>=^~", b.p[i]) != NULL && b.p[i] != '\0') {
		switch (b.p[i]) {
		case '<':
			prefix = P_LT;
			break;
		case '>':
			prefix = P_GT;
			break;
		case '^':
			prefix = P_CARET;
			break;
		case '~':
			prefix = P_TILDE;
			break;
		default:
			prefix = P_EQ;
			break;
		}
		i++;
	} else {
		prefix = P_EQ;
	}
	for (int k = 0; k < 3; k++) {
		if (k > 0) {
			if (i >= b.n || b.p[i] != '.')
				break;
			i++;
		}
		if (npm_number(b.p + i, b.n - i, &l, &wild[k]) < 0)
			return -1;
		have[k] = 1;
		if (!wild[k] && parse_u64(b.p + i, l, &num[k]) < 0)
			return -1;
		i += l;
	}
	if (i < b.n && b.p[i] == '-') {
		const char *plus = memchr(b.p + i, '+', b.n - i);

		pre = b.p + i + 1;
		pren = (size_t)((plus != NULL ? plus : b.p + b.n) - pre);
		i += 1 + pren;
	}
	if (i < b.n && b.p[i] == '+') {
		build = b.p + i + 1;
		buildn = b.n - i - 1;
		i = b.n;
	}
	if (i != b.n || !npm_part_ok(pre, pren) || !npm_part_ok(build, buildn))
		return -1;
	for (int k = 0; k < 3; k++)
		if (!have[k])
			wild[k] = 1;
	if (build != NULL && prefix != P_EQ)
		build = NULL, buildn = 0;
	target = sv_make(wild[0] ? 0 : num[0], wild[0] || wild[1] ? 0 : num[1],
			 wild[0] || wild[1] || wild[2] ? 0 : num[2]);
	if (wild[0] || wild[1] || wild[2]) {
		if (pren > 0 || buildn > 0)
			return -1;
	} else {
		if (copy_part(target.pre, sizeof(target.pre), pre ? pre : "", pren) < 0 ||
		    copy_part(target.build, sizeof(target.build), build ? build : "", buildn) < 0)
			return -1;
		char text[300];

		sv_render(&target, text, sizeof(text));
		if (!vers_scheme_semver.valid(text, strlen(text)))
			return -1;
	}
	if (wild[0]) {
		if (prefix != P_EQ && prefix != P_GE)
			return -1;
		return nr_add(out, VERS_OP_GE, &target, POLICY_SAMEPATCH);
	}
	switch (prefix) {
	case P_CARET: {
		struct sv t = target;

		t.pre[0] = t.build[0] = '\0';
		if (target.num[0])
			high = sv_next_major(&t);
		else if (target.num[1])
			high = sv_next_minor(&t);
		else if (wild[1])
			high = sv_next_major(&t);
		else if (wild[2])
			high = sv_next_minor(&t);
		else
			high = sv_next_patch(&t);
		if (nr_add(out, VERS_OP_GE, &target, POLICY_SAMEPATCH) < 0)
			return -1;
		return nr_add(out, VERS_OP_LT, &high, POLICY_SAMEPATCH);
	}
	case P_TILDE:
		high = wild[1] ? sv_next_major(&target) : sv_next_minor(&target);
		if (nr_add(out, VERS_OP_GE, &target, POLICY_SAMEPATCH) < 0)
			return -1;
		return nr_add(out, VERS_OP_LT, &high, POLICY_SAMEPATCH);
	case P_EQ:
		if (wild[1]) {
			high = sv_next_major(&target);
		} else if (wild[2]) {
			high = sv_next_minor(&target);
		} else {
			return nr_add(out, VERS_OP_EQ, &target, POLICY_SAMEPATCH);
		}
		if (nr_add(out, VERS_OP_GE, &target, POLICY_SAMEPATCH) < 0)
			return -1;
		return nr_add(out, VERS_OP_LT, &high, POLICY_SAMEPATCH);
	case P_GT:
		if (wild[1])
			high = sv_next_major(&target);
		else if (wild[2])
			high = sv_next_minor(&target);
		else
			return nr_add(out, VERS_OP_GT, &target, POLICY_SAMEPATCH);
		return nr_add(out, VERS_OP_GE, &high, POLICY_SAMEPATCH);
	case P_GE:
		return nr_add(out, VERS_OP_GE, &target, POLICY_SAMEPATCH);
	case P_LT:
		return nr_add(out, VERS_OP_LT, &target, POLICY_SAMEPATCH);
	default:
		if (wild[1])
			high = sv_next_major(&target);
		else if (wild[2])
			high = sv_next_minor(&target);
		else
			return nr_add(out, VERS_OP_LE, &target, POLICY_SAMEPATCH);
		return nr_add(out, VERS_OP_LT, &high, POLICY_SAMEPATCH);
	}
}

static int nr_same(const struct npm_range *a, const struct npm_range *b)
{
	return a->op == b->op && a->policy == b->policy &&
	       memcmp(a->t.num, b->t.num, sizeof(a->t.num)) == 0 &&
	       strcmp(a->t.pre, b->t.pre) == 0 && strcmp(a->t.build, b->t.build) == 0;
}

/* Add a group's clauses once each (AllOf is a set). */
static void group_dedupe(struct npm_clauses *g)
{
	size_t k = 0;

	for (size_t i = 0; i < g->n; i++) {
		size_t j;

		for (j = 0; j < k; j++)
			if (nr_same(&g->r[j], &g->r[i]))
				break;
		if (j == k)
			g->r[k++] = g->r[i];
	}
	g->n = k;
}

static int group_same(const struct npm_clauses *a, const struct npm_clauses *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		size_t j;

		for (j = 0; j < b->n; j++)
			if (nr_same(&a->r[i], &b->r[j]))
				break;
		if (j == b->n)
			return 0;
	}
	return 1;
}

/* semantic_version.NpmSpec(expr): AnyOf(AllOf(...)) flattened into l. */
static int npm_spec(struct vers_list *l, struct span expr, struct err *e)
{
	struct npm_clauses groups[4];
	size_t ngroups = 0, pos = 0;
	struct span g;
	char text[300];

	while (split_next(expr, "||", &pos, &g)) {
		struct npm_clauses sub = {.n = 0}, pre = {.n = 0}, non = {.n = 0};
		const char *hy = NULL;

		g = trim(g);
		if (g.n == 0)
			g = (struct span){">=0.0.0", 7};
		for (size_t i = 0; i + 3 <= g.n; i++)
			if (memcmp(g.p + i, " - ", 3) == 0) {
				hy = g.p + i;
				break;
			}
		if (hy != NULL) {
			char low[300], high[300];
			struct span lo = {g.p, (size_t)(hy - g.p)},
				    hi = {hy + 3, (size_t)(g.p + g.n - hy - 3)};

			for (size_t i = 0; i + 3 <= hi.n; i++)
				if (memcmp(hi.p + i, " - ", 3) == 0)
					return bad_range(e, "npm", expr);
			if (lo.n + 3 > sizeof(low) || hi.n + 3 > sizeof(high))
				return bad_range(e, "npm", expr);
			snprintf(low, sizeof(low), ">=%.*s", (int)lo.n, lo.p);
			snprintf(high, sizeof(high), "<=%.*s", (int)hi.n, hi.p);
			if (npm_parse_simple(&sub, (struct span){low, strlen(low)}) < 0 ||
			    npm_parse_simple(&sub, (struct span){high, strlen(high)}) < 0)
				return bad_range(e, "npm", expr);
		} else {
			size_t bpos = 0;
			struct span blk;

			while (split_next(g, " ", &bpos, &blk))
				if (npm_parse_simple(&sub, blk) < 0)
					return bad_range(e, "npm", expr);
		}
		for (size_t i = 0; i < sub.n; i++) {
			struct npm_range *c = &sub.r[i];
			struct sv t;

			if (!c->t.pre[0]) {
				if (nr_add(&non, c->op, &c->t, c->policy) < 0)
					return bad_range(e, "npm", expr);
				continue;
			}
			if (c->op == VERS_OP_GT || c->op == VERS_OP_GE) {
				t = sv_make(c->t.num[0], c->t.num[1], c->t.num[2] + 1);
				if (nr_add(&pre, VERS_OP_LT, &t, POLICY_ALWAYS) < 0)
					return bad_range(e, "npm", expr);
			} else if (c->op == VERS_OP_LT || c->op == VERS_OP_LE) {
				t = sv_make(c->t.num[0], c->t.num[1], 0);
				if (nr_add(&pre, VERS_OP_GE, &t, POLICY_ALWAYS) < 0)
					return bad_range(e, "npm", expr);
			}
			t = sv_make(c->t.num[0], c->t.num[1], c->t.num[2]);
			if (nr_add(&pre, c->op, &c->t, c->policy) < 0 ||
			    nr_add(&non, c->op, &t, POLICY_SAMEPATCH) < 0)
				return bad_range(e, "npm", expr);
		}
		if (ngroups + 2 > sizeof(groups) / sizeof(groups[0]))
			return bad_range(e, "npm", expr);
		if (pre.n > 0)
			groups[ngroups++] = pre;
		groups[ngroups++] = non;
	}
	for (size_t i = 0; i < ngroups; i++) {
		size_t j;

		group_dedupe(&groups[i]);
		for (j = 0; j < i; j++)
			if (group_same(&groups[i], &groups[j]))
				break;
		if (j < i)
			continue;
		for (size_t k = 0; k < groups[i].n; k++) {
			const struct npm_range *r = &groups[i].r[k];

			sv_render(&r->t, text, sizeof(text));
			if (adds(l, r->op, text, e) < 0)
				return -1;
		}
	}
	return 0;
}

static int npm_add_coerced(struct vers_list *l, enum vers_op op, struct span v, struct err *e)
{
	struct sv x;
	char text[300];

	while (v.n > 0 && (v.p[0] == 'v' || v.p[0] == 'V')) {
		v.p++;
		v.n--;
	}
	if (sv_coerce(&x, v) < 0)
		return err_set(e, ERR_INVALID, "invalid npm version \"%s\"",
			       vers_quote(text, v.p, v.n));
	sv_render(&x, text, sizeof(text));
	return adds(l, op, text, e);
}

static int ends_with(struct span s, const char *w)
{
	size_t l = strlen(w);

	return s.n >= l && memcmp(s.p + s.n - l, w, l) == 0;
}

/* univers' NpmVersionRange.from_native(). */
static int from_npm(struct vers_list *l, struct span s, struct err *e)
{
	static const struct {
		const char *native;
		enum vers_op op;
	} cmps[] = {{"==", VERS_OP_EQ}, {"<=", VERS_OP_LE}, {">=", VERS_OP_GE},
		    {"<", VERS_OP_LT},	{">", VERS_OP_GT},  {"=", VERS_OP_EQ}};
	size_t pos = 0;
	struct span range;

	if (span_is(s, "*"))
		return vers_list_add(l, VERS_OP_STAR, NULL, 0, e);
	while (split_next(s, "||", &pos, &range)) {
		size_t wpos = 0;
		struct span tok;
		char pending[3] = "";
		int has_pending = 0;
		enum vers_op pending_op = VERS_OP_EQ;

		for (size_t i = 0; i + 3 <= range.n; i++) {
			if (memcmp(range.p + i, " - ", 3) == 0) {
				if (npm_spec(l, range, e) < 0)
					return -1;
				goto next_range;
			}
		}
		while (next_word(range, &wpos, &tok)) {
			char joined[8];
			size_t k;

			if (tok.n + strlen(pending) < sizeof(joined)) {
				snprintf(joined, sizeof(joined), "%s%.*s", pending, (int)tok.n,
					 tok.p);
				for (k = 0; k < sizeof(cmps) / sizeof(cmps[0]); k++)
					if (strcmp(joined, cmps[k].native) == 0)
						break;
				if (k < sizeof(cmps) / sizeof(cmps[0])) {
					/* univers joins the mapped comparator: "==" is "=" */
					snprintf(pending, sizeof(pending), "%s",
						 cmps[k].op == VERS_OP_EQ ? "=" : cmps[k].native);
					pending_op = cmps[k].op;
					has_pending = 1;
					continue;
				}
			}
			if (has_pending) {
				if (ends_with(tok, ".x")) {
					if (npm_spec(l, tok, e) < 0)
						return -1;
				} else if (npm_add_coerced(l, pending_op, tok, e) < 0) {
					return -1;
				}
			} else if (tok.n > 0 && tok.p[0] == '^') {
				struct sv base, t, high;
				char text[300];

				while (tok.n > 0 && tok.p[0] == '^') {
					tok.p++;
					tok.n--;
				}
				if (sv_coerce(&base, tok) < 0)
					return bad_range(e, "npm", s);
				t = base;
				t.pre[0] = '\0';
				if (base.num[0])
					high = sv_next_major(&t);
				else if (base.num[1])
					high = sv_next_minor(&t);
				else
					high = sv_next_patch(&t);
				sv_render(&base, text, sizeof(text));
				if (adds(l, VERS_OP_GE, text, e) < 0)
					return -1;
				sv_render(&high, text, sizeof(text));
				if (adds(l, VERS_OP_LT, text, e) < 0)
					return -1;
			} else if (ends_with(tok, ".x") || (tok.n > 0 && tok.p[0] == '~')) {
				if (npm_spec(l, tok, e) < 0)
					return -1;
			} else {
				enum vers_op op = VERS_OP_EQ;

				for (k = 0; k < sizeof(cmps) / sizeof(cmps[0]); k++) {
					size_t cl = strlen(cmps[k].native);

					if (tok.n >= cl && memcmp(tok.p, cmps[k].native, cl) == 0) {
						op = cmps[k].op;
						/* Python's lstrip(): every leading comparator
						 * character */
						while (tok.n > 0 && memchr(cmps[k].native, tok.p[0],
									   cl) != NULL) {
							tok.p++;
							tok.n--;
						}
						break;
					}
				}
				if (npm_add_coerced(l, op, tok, e) < 0)
					return -1;
			}
			pending[0] = '\0';
			has_pending = 0;
		}
	next_range:;
	}
	return 0;
}

/* ---- interval sets, for requirements that are intersections ------------- */

struct bound {
	int finite;
	int incl;
	char *v; /* owned */
};

struct ival {
	struct bound lo, hi;
};

struct iset {
	struct ival *iv;
	size_t n, alloc;
};

static void iset_release(struct iset *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->iv[i].lo.v);
		free(s->iv[i].hi.v);
	}
	free(s->iv);
	memset(s, 0, sizeof(*s));
}

static struct bound bound_dup(const struct bound *b)
{
	struct bound r = *b;

	r.v = b->v != NULL ? xstrdup(b->v) : NULL;
	return r;
}

static void iset_push(struct iset *s, const struct bound *lo, const struct bound *hi)
{
	if (s->n == s->alloc) {
		s->alloc = s->alloc ? 2 * s->alloc : 4;
		s->iv = xrealloc(s->iv, s->alloc * sizeof(*s->iv));
	}
	s->iv[s->n].lo = bound_dup(lo);
	s->iv[s->n].hi = bound_dup(hi);
	s->n++;
}

static int vcmp(const struct vers_scheme *sc, const char *a, const char *b)
{
	return sc->cmp(a, strlen(a), b, strlen(b));
}

/* Order of two lower bounds (-inf first), or of two upper bounds (+inf last). */
static int lo_cmp(const struct vers_scheme *sc, const struct bound *a, const struct bound *b)
{
	int r;

	if (!a->finite || !b->finite)
		return (a->finite > b->finite) - (a->finite < b->finite);
	r = vcmp(sc, a->v, b->v);
	if (r != 0)
		return r;
	return (a->incl < b->incl) - (a->incl > b->incl); /* [v before (v */
}

static int hi_cmp(const struct vers_scheme *sc, const struct bound *a, const struct bound *b)
{
	int r;

	if (!a->finite || !b->finite)
		return (a->finite < b->finite) - (a->finite > b->finite);
	r = vcmp(sc, a->v, b->v);
	if (r != 0)
		return r;
	return (a->incl > b->incl) - (a->incl < b->incl); /* v) before v] */
}

/* The interval lo..hi holds at least one version. */
static int nonempty(const struct vers_scheme *sc, const struct bound *lo, const struct bound *hi)
{
	int r;

	if (!lo->finite || !hi->finite)
		return 1;
	r = vcmp(sc, lo->v, hi->v);
	return r < 0 || (r == 0 && lo->incl && hi->incl);
}

/* *a = *a intersected with b. */
static void iset_intersect(const struct vers_scheme *sc, struct iset *a, const struct iset *b)
{
	struct iset out = {0};
	size_t i = 0, j = 0;

	while (i < a->n && j < b->n) {
		const struct ival *x = &a->iv[i], *y = &b->iv[j];
		const struct bound *lo = lo_cmp(sc, &x->lo, &y->lo) >= 0 ? &x->lo : &y->lo;
		const struct bound *hi = hi_cmp(sc, &x->hi, &y->hi) <= 0 ? &x->hi : &y->hi;

		if (nonempty(sc, lo, hi))
			iset_push(&out, lo, hi);
		if (hi_cmp(sc, &x->hi, &y->hi) <= 0)
			i++;
		else
			j++;
	}
	iset_release(a);
	*a = out;
}

static const struct bound NO_BOUND = {0, 0, NULL};

/* The set of one comparator: op v. */
static void iset_of(struct iset *s, enum vers_op op, const char *v)
{
	struct bound in = {1, 1, (char *)v}, ex = {1, 0, (char *)v};

	memset(s, 0, sizeof(*s));
	switch (op) {
	case VERS_OP_EQ:
		iset_push(s, &in, &in);
		break;
	case VERS_OP_GE:
		iset_push(s, &in, &NO_BOUND);
		break;
	case VERS_OP_GT:
		iset_push(s, &ex, &NO_BOUND);
		break;
	case VERS_OP_LE:
		iset_push(s, &NO_BOUND, &in);
		break;
	case VERS_OP_LT:
		iset_push(s, &NO_BOUND, &ex);
		break;
	case VERS_OP_NE:
		iset_push(s, &NO_BOUND, &ex);
		iset_push(s, &ex, &NO_BOUND);
		break;
	case VERS_OP_STAR:
		iset_push(s, &NO_BOUND, &NO_BOUND);
		break;
	}
}

/* lo <= v < hi: [lo, hi) */
static void iset_halfopen(struct iset *s, const char *lo, const char *hi)
{
	struct bound l = {1, 1, (char *)lo}, h = {1, 0, (char *)hi};

	memset(s, 0, sizeof(*s));
	iset_push(s, &l, &h);
}

/* Everything but [lo, hi). */
static void iset_outside(struct iset *s, const char *lo, const char *hi)
{
	struct bound l = {1, 0, (char *)lo}, h = {1, 1, (char *)hi};

	memset(s, 0, sizeof(*s));
	iset_push(s, &NO_BOUND, &l);
	iset_push(s, &h, &NO_BOUND);
}

/* Write the set back as constraints: bounds, and "!=" for single holes. */
static int iset_emit(struct vers_list *l, const struct iset *s, const char *type, struct span src,
		     struct err *e)
{
	char q[VERS_QUOTE_SIZE];

	if (s->n == 0)
		return err_set(e, ERR_INVALID, "the %s range \"%s\" contains no version", type,
			       vers_quote(q, src.p, src.n));
	for (size_t i = 0; i < s->n;) {
		size_t j = i;

		/* (a, v) (v, b) is a hole at v */
		while (j + 1 < s->n && s->iv[j].hi.finite && !s->iv[j].hi.incl &&
		       s->iv[j + 1].lo.finite && !s->iv[j + 1].lo.incl &&
		       vcmp(l->scheme, s->iv[j].hi.v, s->iv[j + 1].lo.v) == 0)
			j++;
		if (s->iv[i].lo.finite && s->iv[j].hi.finite && i == j && s->iv[i].lo.incl &&
		    s->iv[i].hi.incl && vcmp(l->scheme, s->iv[i].lo.v, s->iv[i].hi.v) == 0) {
			if (adds(l, VERS_OP_EQ, s->iv[i].lo.v, e) < 0)
				return -1;
		} else {
			if (s->iv[i].lo.finite &&
			    adds(l, s->iv[i].lo.incl ? VERS_OP_GE : VERS_OP_GT, s->iv[i].lo.v, e) <
				0)
				return -1;
			for (size_t k = i; k < j; k++)
				if (adds(l, VERS_OP_NE, s->iv[k].hi.v, e) < 0)
					return -1;
			if (s->iv[j].hi.finite &&
			    adds(l, s->iv[j].hi.incl ? VERS_OP_LE : VERS_OP_LT, s->iv[j].hi.v, e) <
				0)
				return -1;
		}
		i = j + 1;
	}
	if (l->n == 0)
		return vers_list_add(l, VERS_OP_STAR, NULL, 0, e);
	return 0;
}

/* ---- pypi: PEP 440 specifiers ------------------------------------------- */

/* "[N!]a.b.c" with its last release number plus one. */
static char *pep440_bump(const char *epoch, size_t epochn, const char *rel, size_t reln,
			 size_t keep)
{
	struct buf b;
	size_t i = 0, seg = 0;
	char *s;

	buf_init(&b, (size_t)-1);
	if (epochn > 0) {
		buf_add(&b, epoch, epochn);
		buf_adds(&b, "!");
	}
	while (i < reln && seg < keep) {
		size_t d = vc_digits(rel + i, reln - i);

		if (seg + 1 == keep) {
			/* add one to this decimal number */
			char num[64];
			size_t k = d < sizeof(num) - 2 ? d : sizeof(num) - 2;
			int carry = 1;

			memcpy(num + 1, rel + i, k);
			num[0] = '0';
			for (size_t x = k + 1; x-- > 0 && carry;) {
				if (num[x] == '9') {
					num[x] = '0';
				} else {
					num[x]++;
					carry = 0;
				}
			}
			if (seg > 0)
				buf_adds(&b, ".");
			buf_add(&b, num[0] == '0' ? num + 1 : num, num[0] == '0' ? k : k + 1);
		} else {
			if (seg > 0)
				buf_adds(&b, ".");
			buf_add(&b, rel + i, d);
		}
		i += d + 1;
		seg++;
	}
	buf_adds(&b, ".dev0");
	s = buf_detach(&b, NULL);
	return s;
}

static size_t count_segments(const char *rel, size_t n)
{
	size_t k = 1;

	for (size_t i = 0; i < n; i++)
		k += rel[i] == '.';
	return k;
}

static int from_pypi(struct vers_list *l, struct span s, struct err *e)
{
	static const struct {
		const char *text;
		enum vers_op op;
	} ops[] = {{"===", VERS_OP_EQ}, {"~=", VERS_OP_GE}, {"==", VERS_OP_EQ}, {"!=", VERS_OP_NE},
		   {"<=", VERS_OP_LE},	{">=", VERS_OP_GE}, {"<", VERS_OP_LT},	{">", VERS_OP_GT}};
	struct iset all = {0}, one;
	struct bound inf = {0, 0, NULL};
	size_t pos = 0;
	struct span spec;
	int ret = -1;

	if (memchr(s.p, ';', s.n) != NULL)
		return err_set(e, ERR_INVALID, "pypi environment markers are not version ranges");
	if (trim(s).n == 0)
		return vers_list_add(l, VERS_OP_STAR, NULL, 0, e);
	iset_push(&all, &inf, &inf);
	while (split_next(s, ",", &pos, &spec)) {
		size_t k;
		struct span v;
		struct pep440 pv;
		int wildcard = 0;
		char *text = NULL;

		spec = trim(spec);
		for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
			if (spec.n >= strlen(ops[k].text) &&
			    memcmp(spec.p, ops[k].text, strlen(ops[k].text)) == 0)
				break;
		if (k == sizeof(ops) / sizeof(ops[0])) {
			bad_range(e, "pypi", s);
			goto out;
		}
		v = trim((struct span){spec.p + strlen(ops[k].text), spec.n - strlen(ops[k].text)});
		if ((ops[k].op == VERS_OP_EQ || ops[k].op == VERS_OP_NE) && k != 0 && v.n > 2 &&
		    memcmp(v.p + v.n - 2, ".*", 2) == 0) {
			wildcard = 1;
			v.n -= 2;
		}
		if (vers_pep440_parse(&pv, v.p, v.n) < 0 ||
		    (wildcard && (pv.pre_l >= 0 || pv.has_post || pv.has_dev || pv.has_local))) {
			char q[VERS_QUOTE_SIZE];

			err_set(e, ERR_INVALID, "invalid pypi version \"%s\"",
				vers_quote(q, v.p, v.n));
			goto out;
		}
		text = xstrndup(v.p, v.n);
		if (wildcard) {
			size_t segs = count_segments(pv.rel, pv.reln);
			char *lo = xmalloc(v.n + 6),
			     *hi = pep440_bump(pv.epoch, pv.epochn, pv.rel, pv.reln, segs);

			snprintf(lo, v.n + 6, "%s.dev0", text);
			if (ops[k].op == VERS_OP_EQ)
				iset_halfopen(&one, lo, hi);
			else
				iset_outside(&one, lo, hi);
			free(lo);
			free(hi);
		} else if (k == 1) {
			/* ~=V.N: >=V.N, ==V.* */
			size_t segs = count_segments(pv.rel, pv.reln);
			char *hi;

			if (segs < 2 || pv.has_local) {
				free(text);
				bad_range(e, "pypi", s);
				goto out;
			}
			hi = pep440_bump(pv.epoch, pv.epochn, pv.rel, pv.reln, segs - 1);
			iset_halfopen(&one, text, hi);
			free(hi);
		} else {
			iset_of(&one, ops[k].op, text);
		}
		free(text);
		iset_intersect(l->scheme, &all, &one);
		iset_release(&one);
	}
	ret = iset_emit(l, &all, "pypi", s, e);
out:
	iset_release(&all);
	return ret;
}

/* ---- gem: Gem::Requirement ------------------------------------------------ */

/* Gem::Version#bump: drop the letters' segments and the last number, then
 * add one to the new last: "2.0.8" -> "2.1", "1" -> "2". */
static char *gem_bump(struct span v)
{
	struct span seg[64];
	size_t k = 0, i = 0;
	struct buf b;
	char num[64];

	while (i < v.n && k < 64) {
		size_t start = i;

		if (vc_digit((unsigned char)v.p[i])) {
			i += vc_digits(v.p + i, v.n - i);
			seg[k++] = (struct span){v.p + start, i - start};
		} else if (vc_alpha((unsigned char)v.p[i]) || v.p[i] == '-') {
			/* a letter segment: everything from here on is dropped */
			break;
		} else {
			i++;
		}
	}
	if (k == 0)
		return NULL;
	if (k > 1)
		k--;
	buf_init(&b, (size_t)-1);
	for (size_t x = 0; x + 1 < k; x++) {
		buf_add(&b, seg[x].p, seg[x].n);
		buf_adds(&b, ".");
	}
	{
		unsigned long long n = 0;
		struct span last = seg[k - 1];

		while (last.n > 1 && last.p[0] == '0') {
			last.p++;
			last.n--;
		}
		if (last.n > 18) {
			buf_release(&b);
			return NULL;
		}
		for (size_t x = 0; x < last.n; x++)
			n = n * 10 + (unsigned long long)(last.p[x] - '0');
		snprintf(num, sizeof(num), "%llu", n + 1);
		buf_adds(&b, num);
	}
	return buf_detach(&b, NULL);
}

static int from_gem(struct vers_list *l, struct span s, struct err *e)
{
	static const struct {
		const char *text;
		enum vers_op op;
	} ops[] = {{"~>", VERS_OP_GE}, {"!=", VERS_OP_NE}, {">=", VERS_OP_GE}, {"<=", VERS_OP_LE},
		   {"=", VERS_OP_EQ},  {">", VERS_OP_GT},  {"<", VERS_OP_LT}};
	struct iset all = {0}, one;
	struct bound inf = {0, 0, NULL};
	size_t pos = 0;
	struct span req;
	int ret = -1;

	iset_push(&all, &inf, &inf);
	while (split_next(s, ",", &pos, &req)) {
		size_t k;
		struct span v;
		enum vers_op op = VERS_OP_EQ;
		char *text;

		req = trim(req);
		for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
			if (req.n >= strlen(ops[k].text) &&
			    memcmp(req.p, ops[k].text, strlen(ops[k].text)) == 0)
				break;
		v = req;
		if (k < sizeof(ops) / sizeof(ops[0])) {
			op = ops[k].op;
			v = trim((struct span){req.p + strlen(ops[k].text),
					       req.n - strlen(ops[k].text)});
		}
		if (!vers_scheme_gem.valid(v.p, v.n)) {
			char q[VERS_QUOTE_SIZE];

			err_set(e, ERR_INVALID, "invalid gem version \"%s\"",
				vers_quote(q, v.p, v.n));
			goto out;
		}
		text = xstrndup(v.p, v.n);
		if (k == 0) {
			char *hi = gem_bump(v);

			if (hi == NULL) {
				free(text);
				bad_range(e, "gem", s);
				goto out;
			}
			iset_halfopen(&one, text, hi);
			free(hi);
		} else {
			iset_of(&one, op, text);
		}
		free(text);
		iset_intersect(l->scheme, &all, &one);
		iset_release(&one);
	}
	ret = iset_emit(l, &all, "gem", s, e);
out:
	iset_release(&all);
	return ret;
}

/* ---- nuget and maven: interval notation --------------------------------- */

/* One "[lo,hi)" or "[v]" at *pos; maven allows several, comma-separated. */
static int interval(struct vers_list *l, struct span s, size_t *pos, const char *type,
		    struct err *e)
{
	size_t i = *pos, close;
	struct span inner, lo, hi;
	const char *comma;
	int lo_incl, hi_incl;

	lo_incl = s.p[i] == '[';
	for (close = i + 1; close < s.n && s.p[close] != ']' && s.p[close] != ')'; close++)
		;
	if (close >= s.n)
		return bad_range(e, type, s);
	hi_incl = s.p[close] == ']';
	inner = trim((struct span){s.p + i + 1, close - i - 1});
	comma = memchr(inner.p, ',', inner.n);
	*pos = close + 1;
	if (comma == NULL) {
		if (!lo_incl || !hi_incl || inner.n == 0)
			return bad_range(e, type, s);
		return add(l, VERS_OP_EQ, inner, e);
	}
	lo = trim((struct span){inner.p, (size_t)(comma - inner.p)});
	hi = trim((struct span){comma + 1, (size_t)(inner.p + inner.n - comma - 1)});
	if ((lo.n == 0 && hi.n == 0) || memchr(hi.p, ',', hi.n) != NULL)
		return bad_range(e, type, s);
	if (lo.n > 0 && hi.n > 0) {
		int r;

		if (!l->scheme->valid(lo.p, lo.n) || !l->scheme->valid(hi.p, hi.n))
			return bad_range(e, type, s);
		r = l->scheme->cmp(lo.p, lo.n, hi.p, hi.n);
		if (r > 0 || (r == 0 && !(lo_incl && hi_incl)))
			return bad_range(e, type, s);
		if (r == 0)
			return add(l, VERS_OP_EQ, lo, e);
	}
	if (lo.n > 0 && add(l, lo_incl ? VERS_OP_GE : VERS_OP_GT, lo, e) < 0)
		return -1;
	if (hi.n > 0 && add(l, hi_incl ? VERS_OP_LE : VERS_OP_LT, hi, e) < 0)
		return -1;
	return 0;
}

static int from_intervals(struct vers_list *l, struct span s, int maven, struct err *e)
{
	const char *type = maven ? "maven" : "nuget";
	size_t pos = 0;

	s = trim(s);
	if (s.n == 0)
		return bad_range(e, type, s);
	if (s.p[0] != '[' && s.p[0] != '(') {
		/* a bare version: nuget's minimum, maven's "soft" requirement */
		return add(l, maven ? VERS_OP_EQ : VERS_OP_GE, s, e);
	}
	for (;;) {
		if (interval(l, s, &pos, type, e) < 0)
			return -1;
		while (pos < s.n && vc_space((unsigned char)s.p[pos]))
			pos++;
		if (pos == s.n)
			return 0;
		if (!maven || s.p[pos] != ',')
			return bad_range(e, type, s);
		pos++;
		while (pos < s.n && vc_space((unsigned char)s.p[pos]))
			pos++;
		if (pos == s.n || (s.p[pos] != '[' && s.p[pos] != '('))
			return bad_range(e, type, s);
	}
}

/* ---- conan: conans.model.version_range ------------------------------------ */

/* ConanVersion.upper_bound(index): items[:index] + [items[index] + 1], "-". */
static char *conan_upper(struct span v, size_t index)
{
	struct span main = v, item;
	size_t pos = 0, k = 0;
	int found = 0;
	struct buf b;

	for (size_t i = main.n; i > 0; i--)
		if (main.p[i - 1] == '+') {
			main.n = i - 1;
			break;
		}
	for (size_t i = main.n; i > 0; i--)
		if (main.p[i - 1] == '-') {
			main.n = i - 1;
			break;
		}
	buf_init(&b, (size_t)-1);
	while (!found && split_next(main, ".", &pos, &item)) {
		int is_int = item.n > 0 && vc_digits(item.p, item.n) == item.n;

		if (is_int) {
			while (item.n > 1 && item.p[0] == '0') {
				item.p++;
				item.n--;
			}
		}
		if (k > 0)
			buf_adds(&b, ".");
		if (k == index) {
			unsigned long long n = 0;
			char num[32];

			if (!is_int || item.n > 18)
				break;
			for (size_t x = 0; x < item.n; x++)
				n = n * 10 + (unsigned long long)(item.p[x] - '0');
			snprintf(num, sizeof(num), "%llu-", n + 1);
			buf_adds(&b, num);
			found = 1;
		} else {
			buf_add(&b, item.p, item.n);
		}
		k++;
	}
	if (!found) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

static int conan_expression(struct vers_list *l, struct span x, struct span src, struct err *e)
{
	enum vers_op op;
	size_t idx;
	struct span v;

	if (x.n == 0 || span_is(x, "*"))
		return adds(l, VERS_OP_GE, "0.0.0", e);
	switch (x.p[0]) {
	case '>':
		op = VERS_OP_GT;
		idx = 1;
		break;
	case '<':
		op = VERS_OP_LT;
		idx = 1;
		break;
	case '^':
		op = VERS_OP_GE;
		idx = 1;
		break;
	case '~':
		op = VERS_OP_GE;
		idx = 1;
		break;
	case '=':
		op = VERS_OP_EQ;
		idx = 1;
		break;
	default:
		op = VERS_OP_EQ;
		idx = 0;
		break;
	}
	if (x.p[0] == '>' || x.p[0] == '<') {
		if (x.n < 2)
			return bad_range(e, "conan", src);
		if (x.p[1] == '=') {
			op = x.p[0] == '>' ? VERS_OP_GE : VERS_OP_LE;
			idx = 2;
		}
	}
	v = (struct span){x.p + idx, x.n - idx};
	if (v.n == 0)
		return bad_range(e, "conan", src);
	if (x.p[0] == '~' || x.p[0] == '^') {
		size_t items = 1, index = 0, pos = 0;
		struct span main = v, item;
		char *hi;
		int r;

		/* the main items: before the last '-' of what precedes the last '+' */
		for (size_t i = main.n; i > 0; i--)
			if (main.p[i - 1] == '+') {
				main.n = i - 1;
				break;
			}
		for (size_t i = main.n; i > 0; i--)
			if (main.p[i - 1] == '-') {
				main.n = i - 1;
				break;
			}
		for (size_t i = 0; i < main.n; i++)
			items += main.p[i] == '.';
		if (x.p[0] == '~') {
			index = items > 1 ? 1 : 0;
		} else {
			/* first_non_zero(): the index of the first item that is not 0 */
			while (split_next(main, ".", &pos, &item)) {
				if (!(vc_digits(item.p, item.n) == item.n && item.n > 0 &&
				      vc_cmp_digits(item.p, item.n, "", 0) == 0))
					break;
				index++;
			}
		}
		hi = conan_upper(v, index);
		if (hi == NULL)
			return bad_range(e, "conan", src);
		r = add(l, VERS_OP_GE, v, e);
		if (r == 0)
			r = adds(l, VERS_OP_LT, hi, e);
		free(hi);
		return r;
	}
	return add(l, op, v, e);
}

static int from_conan(struct vers_list *l, struct span s, struct err *e)
{
	size_t pos = 0, apos = 0;
	struct span expr, alt;

	split_next(s, ",", &pos, &expr); /* the options after ',' are ignored */
	while (split_next(expr, "||", &apos, &alt)) {
		size_t wpos = 0;
		struct span w;

		while (next_word(alt, &wpos, &w)) {
			if (w.p[w.n - 1] == '-')
				w.n--; /* "include pre-releases" */
			if (conan_expression(l, w, s, e) < 0)
				return -1;
		}
	}
	return 0;
}

/* ---- openssl and nginx advisories ------------------------------------------ */

static int from_openssl(struct vers_list *l, struct span s, struct err *e)
{
	size_t pos = 0;
	struct span v;

	while (split_next(s, ",", &pos, &v)) {
		v = trim(v);
		if (v.n == 0)
			continue;
		if (add(l, VERS_OP_EQ, v, e) < 0)
			return -1;
	}
	if (l->n == 0)
		return bad_range(e, "openssl", s);
	return 0;
}

/* nginx advisories: "0.7.52-0.8.39" (both included), "1.5.0+" (this and
 * later versions of its branch: an even minor is a stable branch, which ends
 * before the next minor; an odd one is mainline, which does not end), a
 * single version, "all"; items separated by commas. */
static int from_nginx(struct vers_list *l, struct span s, struct err *e)
{
	size_t pos = 0;
	struct span v;

	if (span_is(trim(s), "all"))
		return vers_list_add(l, VERS_OP_STAR, NULL, 0, e);
	while (split_next(s, ",", &pos, &v)) {
		const char *dash;

		v = trim(v);
		if (v.n == 0)
			continue;
		dash = memchr(v.p, '-', v.n);
		if (dash != NULL) {
			struct span lo = trim((struct span){v.p, (size_t)(dash - v.p)});
			struct span hi =
			    trim((struct span){dash + 1, (size_t)(v.p + v.n - dash - 1)});

			if (add(l, VERS_OP_GE, lo, e) < 0 || add(l, VERS_OP_LE, hi, e) < 0)
				return -1;
		} else if (v.p[v.n - 1] == '+') {
			struct span start = {v.p, v.n - 1}, minor;
			size_t mpos = 0, d;
			unsigned long long major = 0, mn = 0;
			char hi[64];

			if (add(l, VERS_OP_GE, start, e) < 0)
				return -1;
			d = vc_digits(start.p, start.n);
			if (d == 0 || d > 18 || d + 1 >= start.n)
				continue;
			split_next(start, ".", &mpos, &minor);
			split_next(start, ".", &mpos, &minor);
			if (minor.n == 0 || minor.n > 18 || vc_digits(minor.p, minor.n) != minor.n)
				continue;
			for (size_t x = 0; x < d; x++)
				major = major * 10 + (unsigned long long)(start.p[x] - '0');
			for (size_t x = 0; x < minor.n; x++)
				mn = mn * 10 + (unsigned long long)(minor.p[x] - '0');
			if (mn % 2 != 0)
				continue; /* mainline: no end */
			snprintf(hi, sizeof(hi), "%llu.%llu.0", major, mn + 1);
			if (adds(l, VERS_OP_LT, hi, e) < 0)
				return -1;
		} else if (add(l, VERS_OP_EQ, v, e) < 0) {
			return -1;
		}
	}
	if (l->n == 0)
		return bad_range(e, "nginx", s);
	return 0;
}

/* ---- dispatch ----------------------------------------------------------------- */

int vers_from_native(char **out, const char *scheme, const char *native, struct err *e)
{
	const struct vers_scheme *sc = vers_scheme_lookup(scheme, strlen(scheme));
	struct span s = {native, strlen(native)};
	struct vers_list l;
	char q[VERS_QUOTE_SIZE];
	int r;

	*out = NULL;
	if (sc == NULL)
		return err_set(e, ERR_INVALID, "unsupported vers type \"%s\"",
			       vers_quote(q, scheme, strlen(scheme)));
	vers_list_init(&l, sc, scheme);
	if (strcmp(scheme, "npm") == 0)
		r = from_npm(&l, s, e);
	else if (strcmp(scheme, "pypi") == 0)
		r = from_pypi(&l, s, e);
	else if (strcmp(scheme, "gem") == 0)
		r = from_gem(&l, s, e);
	else if (strcmp(scheme, "nuget") == 0 || strcmp(scheme, "maven") == 0)
		r = from_intervals(&l, s, strcmp(scheme, "maven") == 0, e);
	else if (strcmp(scheme, "conan") == 0)
		r = from_conan(&l, s, e);
	else if (strcmp(scheme, "openssl") == 0)
		r = from_openssl(&l, s, e);
	else if (strcmp(scheme, "nginx") == 0)
		r = from_nginx(&l, s, e);
	else
		r = err_set(e, ERR_INVALID,
			    "no native range notation is known for vers type \"%s\"",
			    vers_quote(q, scheme, strlen(scheme)));
	if (r == 0)
		*out = vers_list_render(&l);
	vers_list_release(&l);
	return r;
}
