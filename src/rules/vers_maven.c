/* vers_maven.c - Maven versions (the "maven" vers type): ComparableVersion.
 *
 * The rules of org.apache.maven.artifact.versioning.ComparableVersion: the
 * version is lower-cased and cut into items at '.', at '-' (which opens a
 * nested list) and between digits and letters (which opens a nested list
 * too, a letter run before digits being a qualifier "followed by a digit":
 * a1 = alpha-1, b1 = beta-1, m1 = milestone-1).  Numbers compare
 * numerically; qualifiers in the order alpha < beta < milestone < rc = cr <
 * snapshot < "" = ga = final = release < sp < any other (those by text);
 * trailing "null" items (0, "", empty lists) are dropped from each list, and
 * a list compared with nothing compares all its items.  A letter run after a
 * dot is not read as "-X" (the rule of later Maven releases): the vers test
 * suite orders 2-1 < 2.0.a as Maven 3.8 does.  Every string is a version.
 *
 * The item tree lives in a 128-node array on the stack; a version long enough
 * to need more nodes (over 41 bytes) allocates them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "rules/vers_impl.h"

enum { MV_INT, MV_STR, MV_LIST };

/* qualifier ranks; MV_Q_OTHER compares by text */
enum {
	MV_Q_ALPHA,
	MV_Q_BETA,
	MV_Q_MILESTONE,
	MV_Q_RC,
	MV_Q_SNAPSHOT,
	MV_Q_RELEASE,
	MV_Q_SP,
	MV_Q_OTHER
};

struct mv_node {
	int type;
	int q;	       /* MV_STR: qualifier rank */
	const char *p; /* MV_INT: digits without leading zeros; MV_STR: text */
	size_t n;
	int first, last, next, prev; /* MV_LIST children; siblings */
};

struct mv_tree {
	struct mv_node *nodes;
	int count;
};

#define MV_STACK_NODES 128

static int mv_new(struct mv_tree *t, int type, const char *p, size_t n)
{
	struct mv_node *x = &t->nodes[t->count];

	memset(x, 0, sizeof(*x));
	x->type = type;
	x->p = p;
	x->n = n;
	x->first = x->last = x->next = x->prev = -1;
	return t->count++;
}

static void mv_add(struct mv_tree *t, int list, int child)
{
	struct mv_node *l = &t->nodes[list];

	t->nodes[child].prev = l->last;
	if (l->last >= 0)
		t->nodes[l->last].next = child;
	else
		l->first = child;
	l->last = child;
}

static void mv_remove(struct mv_tree *t, int list, int child)
{
	struct mv_node *l = &t->nodes[list], *c = &t->nodes[child];

	if (c->prev >= 0)
		t->nodes[c->prev].next = c->next;
	else
		l->first = c->next;
	if (c->next >= 0)
		t->nodes[c->next].prev = c->prev;
	else
		l->last = c->prev;
}

static int mv_is_word(const char *p, size_t n, const char *w)
{
	return strlen(w) == n && vc_cmp_bytes_icase(p, n, w, n) == 0;
}

static int mv_string(struct mv_tree *t, const char *p, size_t n, int followed_by_digit)
{
	static const char *const names[] = {"alpha",	"beta", "milestone", "rc",
					    "snapshot", "",	"sp"};
	int id;

	if (followed_by_digit && n == 1) {
		switch (vc_tolower((unsigned char)p[0])) {
		case 'a':
			p = "alpha";
			n = 5;
			break;
		case 'b':
			p = "beta";
			n = 4;
			break;
		case 'm':
			p = "milestone";
			n = 9;
			break;
		}
	}
	if (mv_is_word(p, n, "ga") || mv_is_word(p, n, "final") || mv_is_word(p, n, "release"))
		n = 0;
	else if (mv_is_word(p, n, "cr"))
		p = "rc", n = 2;
	id = mv_new(t, MV_STR, p, n);
	t->nodes[id].q = MV_Q_OTHER;
	for (int k = 0; k < MV_Q_OTHER; k++)
		if (mv_is_word(p, n, names[k]))
			t->nodes[id].q = k;
	return id;
}

static int mv_item(struct mv_tree *t, int is_digit, const char *p, size_t n)
{
	if (!is_digit)
		return mv_string(t, p, n, 0);
	while (n > 0 && *p == '0') {
		p++;
		n--;
	}
	return mv_new(t, MV_INT, p, n);
}

static int mv_is_null(const struct mv_tree *t, int i)
{
	const struct mv_node *x = &t->nodes[i];

	switch (x->type) {
	case MV_INT:
		return x->n == 0;
	case MV_STR:
		return x->q == MV_Q_RELEASE;
	default:
		return x->first < 0;
	}
}

/* Drop trailing null items, looking through non-null lists. */
static void mv_normalize(struct mv_tree *t, int list)
{
	int i = t->nodes[list].last;

	while (i >= 0) {
		int prev = t->nodes[i].prev;

		if (mv_is_null(t, i))
			mv_remove(t, list, i);
		else if (t->nodes[i].type != MV_LIST)
			break;
		i = prev;
	}
}

/* Parse s into t (nodes sized 3n + 4): returns the root list.  Lists are
 * created in order, so normalising from the last created to the first
 * finishes every child before its parent. */
static int mv_parse(struct mv_tree *t, const char *s, size_t n)
{
	int root = mv_new(t, MV_LIST, NULL, 0), list = root, is_digit = 0;
	size_t start = 0;

#define MV_PUSH()                                                                                  \
	do {                                                                                       \
		int nl_ = mv_new(t, MV_LIST, NULL, 0);                                             \
		mv_add(t, list, nl_);                                                              \
		list = nl_;                                                                        \
	} while (0)
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.' || c == '-') {
			if (i == start)
				mv_add(t, list, mv_new(t, MV_INT, "", 0));
			else
				mv_add(t, list, mv_item(t, is_digit, s + start, i - start));
			start = i + 1;
			if (c == '-')
				MV_PUSH();
		} else if (vc_digit(c)) {
			if (!is_digit && i > start) {
				mv_add(t, list, mv_string(t, s + start, i - start, 1));
				start = i;
				MV_PUSH();
			}
			is_digit = 1;
		} else {
			if (is_digit && i > start) {
				mv_add(t, list, mv_item(t, 1, s + start, i - start));
				start = i;
				MV_PUSH();
			}
			is_digit = 0;
		}
	}
	if (n > start)
		mv_add(t, list, mv_item(t, is_digit, s + start, n - start));
#undef MV_PUSH
	for (int i = t->count - 1; i >= 0; i--)
		if (t->nodes[i].type == MV_LIST)
			mv_normalize(t, i);
	return root;
}

static int mv_qual_cmp(int qa, const char *a, size_t an, int qb, const char *b, size_t bn)
{
	if (qa != MV_Q_OTHER || qb != MV_Q_OTHER)
		return (qa > qb) - (qa < qb);
	return vc_cmp_bytes_icase(a, an, b, bn);
}

/* Item a of ta against item b of tb, or against "null" when b < 0. */
static int mv_cmp_items(const struct mv_tree *ta, int a, const struct mv_tree *tb, int b)
{
	const struct mv_node *x = &ta->nodes[a], *y = b >= 0 ? &tb->nodes[b] : NULL;

	switch (x->type) {
	case MV_INT:
		if (y == NULL)
			return x->n == 0 ? 0 : 1;
		if (y->type != MV_INT)
			return 1;
		return vc_cmp_digits(x->p, x->n, y->p, y->n);
	case MV_STR:
		if (y == NULL)
			return mv_qual_cmp(x->q, x->p, x->n, MV_Q_RELEASE, "", 0);
		if (y->type == MV_INT || y->type == MV_LIST)
			return -1;
		return mv_qual_cmp(x->q, x->p, x->n, y->q, y->p, y->n);
	default:
		if (y == NULL) {
			for (int c = x->first; c >= 0; c = ta->nodes[c].next) {
				int r = mv_cmp_items(ta, c, NULL, -1);

				if (r != 0)
					return r;
			}
			return 0;
		}
		if (y->type == MV_INT)
			return -1;
		if (y->type == MV_STR)
			return 1;
		for (int l = x->first, r = y->first; l >= 0 || r >= 0;) {
			int c = l < 0 ? -mv_cmp_items(tb, r, NULL, -1) : mv_cmp_items(ta, l, tb, r);

			if (c != 0)
				return c;
			if (l >= 0)
				l = ta->nodes[l].next;
			if (r >= 0)
				r = tb->nodes[r].next;
		}
		return 0;
	}
}

static int maven_valid(const char *s, size_t n)
{
	(void)s;
	return n > 0;
}

static int maven_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	struct mv_node sa[MV_STACK_NODES], sb[MV_STACK_NODES];
	struct mv_tree ta = {sa, 0}, tb = {sb, 0};
	int ra, rb, r;

	if (3 * an + 4 > MV_STACK_NODES)
		ta.nodes = xmalloc((3 * an + 4) * sizeof(struct mv_node));
	if (3 * bn + 4 > MV_STACK_NODES)
		tb.nodes = xmalloc((3 * bn + 4) * sizeof(struct mv_node));
	ra = mv_parse(&ta, a, an);
	rb = mv_parse(&tb, b, bn);
	r = mv_cmp_items(&ta, ra, &tb, rb);
	if (ta.nodes != sa)
		free(ta.nodes);
	if (tb.nodes != sb)
		free(tb.nodes);
	return r;
}

const struct vers_scheme vers_scheme_maven = {"maven", maven_valid, maven_cmp, 0};
