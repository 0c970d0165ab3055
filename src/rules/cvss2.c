/* cvss2.c - CVSS 2.0: parse a vector, score it as FIRST's v2 guide specifies, normalise it.
 *
 * A vector is "metric:value" components separated by "/" ("AV:N/AC:L/Au:N/
 * C:P/I:P/A:P"), optionally wrapped in parentheses as NVD writes it or
 * prefixed "CVSS:2.0/"; metrics may come in any order, each at most once, the
 * six base metrics required.  Scores follow section 3.2 of "A Complete Guide
 * to the Common Vulnerability Scoring System Version 2.0" in doubles, and
 * every round_to_1_decimal rounds half up after snapping to 1e-5, so the
 * guide's worked examples come out as printed (docs/internals/cvss.md).
 * Nothing is allocated and nothing global changes.
 */
#include "rules/cvss2.h"

#include <string.h>

enum metric_id {
	M_AV, M_AC, M_AU, M_C, M_I, M_A,		/* base */
	M_E, M_RL, M_RC,				/* temporal */
	M_CDP, M_TD, M_CR, M_IR, M_AR,			/* environmental */
	M_COUNT
};

#define M_FIRST_TEMPORAL M_E
#define M_FIRST_ENV M_CDP

struct value {
	char text[4];
	unsigned char len;
	double weight;
};

/*
 * One metric: its abbreviation and its values in the guide's order with
 * their weights.  The optional (temporal and environmental) metrics end with
 * ND, "Not Defined".  A parsed value is stored as 1 + its position; 0 means
 * absent.
 */
struct metric {
	char name[4];
	unsigned char namelen;
	unsigned char nvalues;
	struct value values[6];
};

#define V(t, w) { t, sizeof(t) - 1, w }

static const struct metric metrics[M_COUNT] = {
	[M_AV] = { "AV", 2, 3, { V("L", 0.395), V("A", 0.646), V("N", 1.0) } },
	[M_AC] = { "AC", 2, 3, { V("H", 0.35), V("M", 0.61), V("L", 0.71) } },
	[M_AU] = { "Au", 2, 3, { V("M", 0.45), V("S", 0.56), V("N", 0.704) } },
	[M_C] = { "C", 1, 3, { V("N", 0), V("P", 0.275), V("C", 0.660) } },
	[M_I] = { "I", 1, 3, { V("N", 0), V("P", 0.275), V("C", 0.660) } },
	[M_A] = { "A", 1, 3, { V("N", 0), V("P", 0.275), V("C", 0.660) } },
	[M_E] = { "E", 1, 5,
		  { V("U", 0.85), V("POC", 0.9), V("F", 0.95), V("H", 1.0), V("ND", 1.0) } },
	[M_RL] = { "RL", 2, 5,
		   { V("OF", 0.87), V("TF", 0.9), V("W", 0.95), V("U", 1.0), V("ND", 1.0) } },
	[M_RC] = { "RC", 2, 4, { V("UC", 0.9), V("UR", 0.95), V("C", 1.0), V("ND", 1.0) } },
	[M_CDP] = { "CDP", 3, 6,
		    { V("N", 0), V("L", 0.1), V("LM", 0.3), V("MH", 0.4), V("H", 0.5),
		      V("ND", 0) } },
	[M_TD] = { "TD", 2, 5,
		   { V("N", 0), V("L", 0.25), V("M", 0.75), V("H", 1.0), V("ND", 1.0) } },
	[M_CR] = { "CR", 2, 4, { V("L", 0.5), V("M", 1.0), V("H", 1.51), V("ND", 1.0) } },
	[M_IR] = { "IR", 2, 4, { V("L", 0.5), V("M", 1.0), V("H", 1.51), V("ND", 1.0) } },
	[M_AR] = { "AR", 2, 4, { V("L", 0.5), V("M", 1.0), V("H", 1.51), V("ND", 1.0) } },
};

#undef V

#define PREFIX "CVSS:2.0/"
#define PREFIX_LEN 9

struct vec2 {
	unsigned char v[M_COUNT];	/* 1 + value position, 0 if absent */
};

#define KEY2(a, b) ((unsigned)(unsigned char)(a) << 8 | (unsigned char)(b))

/* The metric named by the n bytes at s, or -1. */
static int metric_find(const char *s, size_t n)
{
	if (n == 1) {
		switch (s[0]) {
		case 'C': return M_C;
		case 'I': return M_I;
		case 'A': return M_A;
		case 'E': return M_E;
		}
	} else if (n == 2) {
		switch (KEY2(s[0], s[1])) {
		case KEY2('A', 'V'): return M_AV;
		case KEY2('A', 'C'): return M_AC;
		case KEY2('A', 'u'): return M_AU;
		case KEY2('R', 'L'): return M_RL;
		case KEY2('R', 'C'): return M_RC;
		case KEY2('T', 'D'): return M_TD;
		case KEY2('C', 'R'): return M_CR;
		case KEY2('I', 'R'): return M_IR;
		case KEY2('A', 'R'): return M_AR;
		}
	} else if (n == 3 && memcmp(s, "CDP", 3) == 0) {
		return M_CDP;
	}
	return -1;
}

/* 1 + the position of the n-byte value at s among the metric's values, or 0. */
static int value_find(const struct metric *m, const char *s, size_t n)
{
	for (int i = 0; i < m->nvalues; i++)
		if (m->values[i].len == n && memcmp(m->values[i].text, s, n) == 0)
			return i + 1;
	return 0;
}

/* 1 if the metric is optional and its parsed value is ND (or absent). */
static int not_defined(const struct vec2 *vec, int id)
{
	return vec->v[id] == 0 || vec->v[id] == metrics[id].nvalues;
}

/* Parse one "metric:value" component (n > 0 bytes at s) into vec. */
static int parse_component(struct vec2 *vec, const char *s, size_t n, struct err *e)
{
	const char *colon = memchr(s, ':', n);
	char q[64];
	size_t nlen, vlen;
	int id, val;

	if (colon == NULL)
		return err_set(e, ERR_INVALID, "malformed component \"%s\", expected \"metric:value\"",
			       cvss_quote(q, sizeof(q), s, n));
	nlen = (size_t)(colon - s);
	vlen = n - nlen - 1;
	id = metric_find(s, nlen);
	if (id < 0)
		return err_set(e, ERR_INVALID, "unknown metric \"%s\"",
			       cvss_quote(q, sizeof(q), s, nlen));
	if (vlen == 0)
		return err_set(e, ERR_INVALID, "metric \"%s\" has no value", metrics[id].name);
	val = value_find(&metrics[id], colon + 1, vlen);
	if (val == 0)
		return err_set(e, ERR_INVALID, "unknown value \"%s\" for metric \"%s\"",
			       cvss_quote(q, sizeof(q), colon + 1, vlen), metrics[id].name);
	if (vec->v[id] != 0)
		return err_set(e, ERR_INVALID, "duplicate metric \"%s\"", metrics[id].name);
	vec->v[id] = (unsigned char)val;
	return 0;
}

/* Parse and validate a whole vector into vec. */
static int parse(struct vec2 *vec, const char *s, size_t len, struct err *e)
{
	const char *p = s, *end = s + len;

	if (len == 0)
		return err_set(e, ERR_INVALID, "vector is empty");
	if (len > CVSS_VECTOR_MAX)
		return err_set(e, ERR_INVALID, "vector is too long (%zu bytes, at most %d)", len,
			       CVSS_VECTOR_MAX);
	if (len >= PREFIX_LEN && memcmp(s, PREFIX, PREFIX_LEN) == 0) {
		p += PREFIX_LEN;
	} else if (s[0] == '(') {
		if (len < 2 || end[-1] != ')')
			return err_set(e, ERR_INVALID, "vector has \"(\" without a closing \")\"");
		p++;
		end--;
	}
	memset(vec, 0, sizeof(*vec));
	if (p == end)
		return err_set(e, ERR_INVALID, "vector has no metrics");
	for (;;) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		const char *stop = slash ? slash : end;

		if (stop == p)
			return err_set(e, ERR_INVALID, "empty component at byte %zu", (size_t)(p - s));
		if (parse_component(vec, p, (size_t)(stop - p), e) < 0)
			return -1;
		if (slash == NULL)
			break;
		p = slash + 1;
		if (p == end)
			return err_set(e, ERR_INVALID, "trailing \"/\"");
	}
	for (int id = 0; id < M_FIRST_TEMPORAL; id++)
		if (vec->v[id] == 0)
			return err_set(e, ERR_INVALID, "metric \"%s\" is missing", metrics[id].name);
	return 0;
}

/* round_to_1_decimal, in tenths: half up, after snapping x to 1e-5 so that
 * float error (9.149999999999999 for the guide's 9.15) rounds as the exact
 * value would.  Never below zero. */
static int round1(double x)
{
	long long i;

	if (x <= 0)
		return 0;
	i = (long long)(x * 100000.0 + 0.5);
	return (int)((i + 5000) / 10000);
}

static double weight(const struct vec2 *vec, int id)
{
	const struct metric *m = &metrics[id];

	/* an absent optional metric weighs as its ND value, the last one */
	return m->values[(vec->v[id] ? vec->v[id] : m->nvalues) - 1].weight;
}

/* BaseScore of the guide, in tenths, for an impact and exploitability. */
static int base_tenths(double impact, double expl)
{
	double f = impact == 0 ? 0 : 1.176;

	return round1(((0.6 * impact) + (0.4 * expl) - 1.5) * f);
}

/* Every score and sub-score of a parsed vector. */
static void score(const struct vec2 *vec, struct cvss_result *out)
{
	double c = weight(vec, M_C), i = weight(vec, M_I), a = weight(vec, M_A);
	double impact = 10.41 * (1 - (1 - c) * (1 - i) * (1 - a));
	double expl = 20 * weight(vec, M_AV) * weight(vec, M_AC) * weight(vec, M_AU);
	double tmul_e = weight(vec, M_E), tmul_rl = weight(vec, M_RL), tmul_rc = weight(vec, M_RC);
	double adj = 10.41 * (1 - (1 - c * weight(vec, M_CR)) * (1 - i * weight(vec, M_IR)) *
			      (1 - a * weight(vec, M_AR)));
	double cdp = weight(vec, M_CDP), td = weight(vec, M_TD);
	int base, adj_base, adj_temporal;

	if (adj > 10)
		adj = 10;
	base = base_tenths(impact, expl);
	adj_base = base_tenths(adj, expl);
	adj_temporal = round1(adj_base / 10.0 * tmul_e * tmul_rl * tmul_rc);
	out->base = base;
	out->temporal = round1(base / 10.0 * tmul_e * tmul_rl * tmul_rc);
	out->environmental =
		round1((adj_temporal / 10.0 + (10 - adj_temporal / 10.0) * cdp) * td);
	out->impact = round1(impact);
	out->exploitability = round1(expl);
	out->modified_impact = round1(adj);
}

/* Write the normalised vector: base metrics, then temporal and environmental
 * ones in the guide's order, ND values left out; no prefix, no parentheses. */
static void normalise(const struct vec2 *vec, char *w)
{
	int first = 1;

	for (int id = 0; id < M_COUNT; id++) {
		const struct metric *m = &metrics[id];
		const struct value *val;

		if (id >= M_FIRST_TEMPORAL && not_defined(vec, id))
			continue;
		val = &m->values[vec->v[id] - 1];
		if (!first)
			*w++ = '/';
		first = 0;
		memcpy(w, m->name, m->namelen);
		w += m->namelen;
		*w++ = ':';
		memcpy(w, val->text, val->len);
		w += val->len;
	}
	*w = '\0';
}

/* 1 if any metric in [from, to) has a value other than ND. */
static int group_set(const struct vec2 *vec, int from, int to)
{
	for (int id = from; id < to; id++)
		if (!not_defined(vec, id))
			return 1;
	return 0;
}

int cvss2_score(const char *vector, size_t len, struct cvss_result *out, struct err *e)
{
	struct vec2 vec;

	if (parse(&vec, vector, len, e) < 0)
		return -1;
	out->version = CVSS_V2;
	score(&vec, out);
	out->has_temporal = group_set(&vec, M_FIRST_TEMPORAL, M_FIRST_ENV);
	out->has_environmental = group_set(&vec, M_FIRST_ENV, M_COUNT);
	out->score = out->has_environmental ? out->environmental :
		     out->has_temporal	    ? out->temporal :
					      out->base;
	out->severity = cvss_severity(CVSS_V2, out->score);
	out->nomenclature[0] = '\0';
	out->macrovector[0] = '\0';
	normalise(&vec, out->vector);
	return 0;
}
