/* cvss3.c - CVSS 3.0 and 3.1: parse a vector, score it as FIRST specifies, normalise it.
 *
 * A vector is "CVSS:3.x/" followed by "metric:value" components separated by
 * "/", in any order, each metric at most once, the eight base metrics
 * required.  Scoring follows section 7 of both specifications in doubles,
 * with the integer-safe Roundup of CVSS 3.1 Appendix A for both minor
 * versions (docs/internals/cvss.md: that is also the exact Round up of 3.0).
 *
 * Parsing has three paths.  The fastest takes the eight base metrics when
 * they come first and in order (as in every normalised vector) by comparing
 * them with a template, and the rest as the fast path does.  The fast one
 * copies the vector into a zero-padded local buffer, marks every "/" a word
 * at a time, and looks each component's whole text up in a hash table of the
 * 78 valid ones, with no branch that depends on the data; it only says whether
 * the whole vector is well formed.  When it is not, the slow path parses again
 * component by component to name the first fault.  Nothing is allocated; the
 * only global state is two tables of sub-score terms filled once (imp_tab).
 */
#include "rules/cvss3.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

enum metric_id {
	M_AV, M_AC, M_PR, M_UI, M_S, M_C, M_I, M_A,	/* base */
	M_E, M_RL, M_RC,				/* temporal */
	M_CR, M_IR, M_AR, M_MAV, M_MAC, M_MPR, M_MUI,	/* environmental */
	M_MS, M_MC, M_MI, M_MA,
	M_COUNT
};

#define BASE_BITS ((1u << M_E) - 1)
#define TEMPORAL_BITS ((1u << M_CR) - (1u << M_E))
#define ENV_BITS ((1u << M_COUNT) - (1u << M_CR))

/*
 * One metric: its abbreviation (name, and tag "/NAME:" as the normalised
 * vector writes it), the letters of its values in the order the specification lists them
 * (optional metrics start with X, "Not Defined"), and the weights: weight[k]
 * is that of value number k (1 + the letter's position), weight[0] that of an
 * absent metric.  PR and the modified metrics have no weights of their own
 * (pr_weight, effective()); a modified metric lists its base metric's letters
 * after X, so value k of MAV is value k-1 of AV.
 */
struct metric {
	char name[4];
	char tag[8];
	unsigned char namelen;
	char values[8];
	double weight[6];
};

#define NAME(s) .name = s, .tag = "/" s ":", .namelen = sizeof(s) - 1

static const struct metric metrics[M_COUNT] = {
	[M_AV] = { NAME("AV"), "NALP", { 0, 0.85, 0.62, 0.55, 0.2 } },
	[M_AC] = { NAME("AC"), "LH", { 0, 0.77, 0.44 } },
	[M_PR] = { NAME("PR"), "NLH", { 0 } },
	[M_UI] = { NAME("UI"), "NR", { 0, 0.85, 0.62 } },
	[M_S] = { NAME("S"), "UC", { 0 } },
	[M_C] = { NAME("C"), "HLN", { 0, 0.56, 0.22, 0 } },
	[M_I] = { NAME("I"), "HLN", { 0, 0.56, 0.22, 0 } },
	[M_A] = { NAME("A"), "HLN", { 0, 0.56, 0.22, 0 } },
	[M_E] = { NAME("E"), "XHFPU", { 1, 1, 1, 0.97, 0.94, 0.91 } },
	[M_RL] = { NAME("RL"), "XUWTO", { 1, 1, 1, 0.97, 0.96, 0.95 } },
	[M_RC] = { NAME("RC"), "XCRU", { 1, 1, 1, 0.96, 0.92 } },
	[M_CR] = { NAME("CR"), "XHML", { 1, 1, 1.5, 1, 0.5 } },
	[M_IR] = { NAME("IR"), "XHML", { 1, 1, 1.5, 1, 0.5 } },
	[M_AR] = { NAME("AR"), "XHML", { 1, 1, 1.5, 1, 0.5 } },
	[M_MAV] = { NAME("MAV"), "XNALP", { 0 } },
	[M_MAC] = { NAME("MAC"), "XLH", { 0 } },
	[M_MPR] = { NAME("MPR"), "XNLH", { 0 } },
	[M_MUI] = { NAME("MUI"), "XNR", { 0 } },
	[M_MS] = { NAME("MS"), "XUC", { 0 } },
	[M_MC] = { NAME("MC"), "XHLN", { 0 } },
	[M_MI] = { NAME("MI"), "XHLN", { 0 } },
	[M_MA] = { NAME("MA"), "XHLN", { 0 } },
};

#undef NAME

/* Privileges Required: [scope changed][value number N, L, H] */
static const double pr_weight[2][4] = {
	{ 0, 0.85, 0.62, 0.27 },
	{ 0, 0.85, 0.68, 0.5 },
};

/*
 * Every valid component text, "AV:N" to "MA:X", as a little-endian integer,
 * with its length (so that a NUL byte in the input cannot pass for padding),
 * metric and value number, placed by a multiplicative hash: the 78 land in
 * distinct slots of 256 (the multiplier was found by search; -Wextra rejects
 * a collision as a duplicate initializer).  Slot 0 and the other empty slots
 * have value number 0.  The letters repeat those of metrics[].values in the
 * same order; tests/unit/rules/test_cvss3.c checks every metric and value.
 */
struct comp {
	uint64_t word;
	unsigned char len, id, val;
};

#define COMP_WORD(a, b, c, d, e) \
	((uint64_t)(a) | (uint64_t)(b) << 8 | (uint64_t)(c) << 16 | (uint64_t)(d) << 24 | \
	 (uint64_t)(e) << 32)
#define COMP_SLOT(w) ((uint64_t)(w) * 0x2702392825fc3951ull >> 56)
#define COMP(w, len, id, val) [COMP_SLOT(w)] = { w, len, id, val }
#define C1(a, id, v, k) COMP(COMP_WORD(a, ':', v, 0, 0), 3, id, k)
#define C2(a, b, id, v, k) COMP(COMP_WORD(a, b, ':', v, 0), 4, id, k)
#define C3(a, b, c, id, v, k) COMP(COMP_WORD(a, b, c, ':', v), 5, id, k)

static const struct comp comps[256] = {
	C2('A', 'V', M_AV, 'N', 1), C2('A', 'V', M_AV, 'A', 2), C2('A', 'V', M_AV, 'L', 3),
	C2('A', 'V', M_AV, 'P', 4),
	C2('A', 'C', M_AC, 'L', 1), C2('A', 'C', M_AC, 'H', 2),
	C2('P', 'R', M_PR, 'N', 1), C2('P', 'R', M_PR, 'L', 2), C2('P', 'R', M_PR, 'H', 3),
	C2('U', 'I', M_UI, 'N', 1), C2('U', 'I', M_UI, 'R', 2),
	C1('S', M_S, 'U', 1), C1('S', M_S, 'C', 2),
	C1('C', M_C, 'H', 1), C1('C', M_C, 'L', 2), C1('C', M_C, 'N', 3),
	C1('I', M_I, 'H', 1), C1('I', M_I, 'L', 2), C1('I', M_I, 'N', 3),
	C1('A', M_A, 'H', 1), C1('A', M_A, 'L', 2), C1('A', M_A, 'N', 3),
	C1('E', M_E, 'X', 1), C1('E', M_E, 'H', 2), C1('E', M_E, 'F', 3), C1('E', M_E, 'P', 4),
	C1('E', M_E, 'U', 5),
	C2('R', 'L', M_RL, 'X', 1), C2('R', 'L', M_RL, 'U', 2), C2('R', 'L', M_RL, 'W', 3),
	C2('R', 'L', M_RL, 'T', 4), C2('R', 'L', M_RL, 'O', 5),
	C2('R', 'C', M_RC, 'X', 1), C2('R', 'C', M_RC, 'C', 2), C2('R', 'C', M_RC, 'R', 3),
	C2('R', 'C', M_RC, 'U', 4),
	C2('C', 'R', M_CR, 'X', 1), C2('C', 'R', M_CR, 'H', 2), C2('C', 'R', M_CR, 'M', 3),
	C2('C', 'R', M_CR, 'L', 4),
	C2('I', 'R', M_IR, 'X', 1), C2('I', 'R', M_IR, 'H', 2), C2('I', 'R', M_IR, 'M', 3),
	C2('I', 'R', M_IR, 'L', 4),
	C2('A', 'R', M_AR, 'X', 1), C2('A', 'R', M_AR, 'H', 2), C2('A', 'R', M_AR, 'M', 3),
	C2('A', 'R', M_AR, 'L', 4),
	C3('M', 'A', 'V', M_MAV, 'X', 1), C3('M', 'A', 'V', M_MAV, 'N', 2),
	C3('M', 'A', 'V', M_MAV, 'A', 3), C3('M', 'A', 'V', M_MAV, 'L', 4),
	C3('M', 'A', 'V', M_MAV, 'P', 5),
	C3('M', 'A', 'C', M_MAC, 'X', 1), C3('M', 'A', 'C', M_MAC, 'L', 2),
	C3('M', 'A', 'C', M_MAC, 'H', 3),
	C3('M', 'P', 'R', M_MPR, 'X', 1), C3('M', 'P', 'R', M_MPR, 'N', 2),
	C3('M', 'P', 'R', M_MPR, 'L', 3), C3('M', 'P', 'R', M_MPR, 'H', 4),
	C3('M', 'U', 'I', M_MUI, 'X', 1), C3('M', 'U', 'I', M_MUI, 'N', 2),
	C3('M', 'U', 'I', M_MUI, 'R', 3),
	C2('M', 'S', M_MS, 'X', 1), C2('M', 'S', M_MS, 'U', 2), C2('M', 'S', M_MS, 'C', 3),
	C2('M', 'C', M_MC, 'X', 1), C2('M', 'C', M_MC, 'H', 2), C2('M', 'C', M_MC, 'L', 3),
	C2('M', 'C', M_MC, 'N', 4),
	C2('M', 'I', M_MI, 'X', 1), C2('M', 'I', M_MI, 'H', 2), C2('M', 'I', M_MI, 'L', 3),
	C2('M', 'I', M_MI, 'N', 4),
	C2('M', 'A', M_MA, 'X', 1), C2('M', 'A', M_MA, 'H', 2), C2('M', 'A', M_MA, 'L', 3),
	C2('M', 'A', M_MA, 'N', 4),
};

#undef C1
#undef C2
#undef C3
#undef COMP

#define V_X 1		/* the value number of X in an optional metric */
#define S_CHANGED 2	/* the value number of C in S (and, less X, in MS) */
#define PREFIX_LEN 9	/* "CVSS:3.x/" */
#define PAD 8		/* zero bytes after the local copy of a vector */

struct vec3 {
	int minor;			/* 0 or 1 */
	uint32_t kept;			/* metrics present with a value other than X */
	unsigned char v[M_COUNT];	/* value number, 0 if absent */
};

static inline uint32_t le32(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	return (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
}

static inline uint64_t le64(const char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Slow path: the metric named by the n bytes at s, or -1. */
static int metric_find(const char *s, size_t n)
{
	for (int id = 0; id < M_COUNT; id++)
		if (metrics[id].namelen == n && memcmp(metrics[id].name, s, n) == 0)
			return id;
	return -1;
}

/* Slow path: the value number of the n bytes at s for metric m, or 0. */
static int value_find(const struct metric *m, const char *s, size_t n)
{
	for (int i = 0; n == 1 && m->values[i] != '\0'; i++)
		if (m->values[i] == s[0])
			return i + 1;
	return 0;
}

/* Record value val of metric id. */
static void set(struct vec3 *vec, int id, int val)
{
	vec->v[id] = (unsigned char)val;
	vec->kept |= (uint32_t)(val > (id >= M_E ? V_X : 0)) << id;
}

/* Slow path: parse one "metric:value" component (n > 0 bytes at s)
 * into vec, naming what is wrong with it. */
static int parse_component(struct vec3 *vec, const char *s, size_t n, struct err *e)
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
	set(vec, id, val);
	return 0;
}

/* Slow path: parse the components of buf (len bytes, PAD zero bytes after). */
static int parse_slow(struct vec3 *vec, const char *buf, size_t len, struct err *e)
{
	const char *p = buf + PREFIX_LEN, *end = buf + len;

	if (p == end)
		return err_set(e, ERR_INVALID, "vector has no metrics after \"CVSS:3.%d/\"", vec->minor);
	for (;;) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		size_t n = (size_t)((slash ? slash : end) - p);

		if (n == 0)
			return err_set(e, ERR_INVALID, "empty component at byte %zu", (size_t)(p - buf));
		if (parse_component(vec, p, n, e) < 0)
			return -1;
		if (slash == NULL)
			return 0;
		p = slash + 1;
		if (p == end)
			return err_set(e, ERR_INVALID, "trailing \"/\"");
	}
}

/* Fast path: one component of n bytes at p (8 readable) into v[], seen and
 * kept (held in registers by the caller): 0, or -1 if it is not a valid
 * component or repeats a metric.  No branch depends on what it says. */
static inline __attribute__((always_inline)) int
take(unsigned char *v, uint32_t *seen, uint32_t *kept, const char *p, size_t n)
{
	static const uint64_t mask[8] = { [3] = 0xffffff, [4] = 0xffffffff, [5] = 0xffffffffff };
	uint64_t word = le64(p) & mask[n & 7];
	const struct comp *c = &comps[COMP_SLOT(word)];

	if ((c->word != word) | (c->len != n) | (c->val == 0) | (*seen >> c->id & 1))
		return -1;
	v[c->id] = c->val;
	*seen |= 1u << c->id;
	*kept |= (uint32_t)(c->val > (c->id >= M_E ? V_X : 0)) << c->id;
	return 0;
}

/* Bit i set where byte i of the 8 at p is '/': an exact zero-byte test of
 * the word xor "////////", then the eight high bits gathered by a multiply. */
static inline unsigned slashes8(const char *p)
{
	const uint64_t ones = 0x0101010101010101ull, low7 = ones * 0x7f;
	uint64_t x = le64(p) ^ (ones * '/');
	uint64_t hit = ~(((x & low7) + low7) | x | low7);	/* 0x80 where a byte is '/' */

	return (unsigned)(((hit >> 7) * 0x0102040810204080ull) >> 56);
}

/* Fast path: 0 if the components of buf (len bytes, PAD zero bytes after)
 * from byte from on are all well formed and distinct from each other and
 * from the metrics in seen, -1 for the slow path to explain. */
static int parse_fast(struct vec3 *vec, const char *buf, size_t len, size_t from, uint32_t seen,
		      uint32_t kept)
{
	uint64_t slash[(CVSS_VECTOR_MAX + 63) / 64] = { 0 };
	size_t start = from, words = (len - from + 63) / 64;
	int bad = 0;

	for (size_t i = from; i < len; i += 8)
		slash[(i - from) / 64] |= (uint64_t)slashes8(buf + i) << ((i - from) % 64);
	for (size_t w = 0; w < words; w++) {
		for (uint64_t m = slash[w]; m != 0; m &= m - 1) {
			size_t at = from + w * 64 + (size_t)__builtin_ctzll(m);

			bad |= take(vec->v, &seen, &kept, buf + start, at - start);
			start = at + 1;
		}
	}
	bad |= take(vec->v, &seen, &kept, buf + start, len - start);
	vec->kept = kept;
	return bad;
}

/*
 * Fastest path, for a vector whose eight base metrics come first and in the
 * specification's order, as every normalised vector has them:
 * "AV:_/AC:_/PR:_/UI:_/S:_/C:_/I:_/A:_" (BASE_LEN bytes) after the prefix is
 * checked against a template a word at a time, the eight letters are looked
 * up in base_letter[], and the rest goes through parse_fast().  -1 when the
 * vector does not start so (parse_fast() then parses it all) or the rest is
 * not valid; either way the result equals that of parse_fast() alone.
 */
#define BASE_LEN 35
static const char base_tmpl[BASE_LEN + 1] = "AV:\0/AC:\0/PR:\0/UI:\0/S:\0/C:\0/I:\0/A:\0";
static const char base_mask[BASE_LEN + 1] =
	"\377\377\377\0\377\377\377\377\0\377\377\377\377\0\377\377\377\377\0\377"
	"\377\377\0\377\377\377\0\377\377\377\0\377\377\377\0";
static const unsigned char base_at[M_E] = { 3, 8, 13, 18, 22, 26, 30, 34 };

/* base_letter[id][c]: the value number of letter c for base metric id, 0 if none */
static const unsigned char base_letter[M_E][256] = {
	[M_AV] = { ['N'] = 1, ['A'] = 2, ['L'] = 3, ['P'] = 4 },
	[M_AC] = { ['L'] = 1, ['H'] = 2 },
	[M_PR] = { ['N'] = 1, ['L'] = 2, ['H'] = 3 },
	[M_UI] = { ['N'] = 1, ['R'] = 2 },
	[M_S] = { ['U'] = 1, ['C'] = 2 },
	[M_C] = { ['H'] = 1, ['L'] = 2, ['N'] = 3 },
	[M_I] = { ['H'] = 1, ['L'] = 2, ['N'] = 3 },
	[M_A] = { ['H'] = 1, ['L'] = 2, ['N'] = 3 },
};

static int parse_base_first(struct vec3 *vec, const char *vector, const char *buf, size_t len)
{
	const char *b = vector + PREFIX_LEN;	/* not buf: no wait for the copy */
	uint64_t diff = 0;
	int bad = 0;

	if (len < PREFIX_LEN + BASE_LEN)
		return -1;
	for (size_t i = 0; i < BASE_LEN - 8; i += 8)
		diff |= (le64(b + i) & le64(base_mask + i)) ^ le64(base_tmpl + i);
	diff |= (le64(b + BASE_LEN - 8) & le64(base_mask + BASE_LEN - 8)) ^
		le64(base_tmpl + BASE_LEN - 8);
	if (diff != 0)
		return -1;
	for (int id = 0; id < M_E; id++) {
		unsigned char val = base_letter[id][(unsigned char)b[base_at[id]]];

		vec->v[id] = val;
		bad |= val == 0;
	}
	if (bad)
		return -1;
	if (len == PREFIX_LEN + BASE_LEN) {
		vec->kept = BASE_BITS;
		return 0;
	}
	if (b[BASE_LEN] != '/')
		return -1;
	return parse_fast(vec, buf, len, PREFIX_LEN + BASE_LEN + 1, BASE_BITS, BASE_BITS);
}

/* Parse and validate a vector copied to buf (len bytes, PAD zero bytes after). */
static int parse(struct vec3 *vec, const char *vector, const char *buf, size_t len,
		 struct err *e)
{
	memset(vec, 0, sizeof(*vec));
	vec->minor = buf[7] - '0';
	if (parse_base_first(vec, vector, buf, len) < 0) {
		int minor = vec->minor;

		memset(vec, 0, sizeof(*vec));
		vec->minor = minor;
		if (parse_fast(vec, buf, len, PREFIX_LEN, 0, 0) < 0) {
			memset(vec, 0, sizeof(*vec));
			vec->minor = minor;
			if (parse_slow(vec, buf, len, e) < 0)
				return -1;
		}
	}
	if ((vec->kept & BASE_BITS) == BASE_BITS)
		return 0;
	for (int id = 0; id < M_E; id++)
		if (vec->v[id] == 0)
			return err_set(e, ERR_INVALID, "metric \"%s\" is missing", metrics[id].name);
	return 0;
}

/* Roundup of CVSS 3.1 Appendix A, for x >= 0, in tenths: the smallest tenth
 * >= x, treating x within 1e-5 of a tenth as that tenth (so the float error
 * in 4.000000000000001 gives 4.0 while 4.02 gives 4.1). */
static int roundup(double x)
{
	long long i = (long long)(x * 100000.0 + 0.5);

	return (int)(i / 10000 + (i % 10000 != 0));
}

/* A sub-score in tenths, rounded half up (within the same 1e-5 snap), and
 * never below zero: an impact <= 0 zeroes the score it feeds. */
static int subscore(double x)
{
	long long i = (long long)(x * 100000.0 + 0.5);

	return x > 0 ? (int)((i + 5000) / 10000) : 0;
}

static double pow13(double x)
{
	double x2 = x * x, x4 = x2 * x2, x8 = x4 * x4;

	return x8 * x4 * x;
}

static double pow15(double x)
{
	double x2 = x * x, x4 = x2 * x2, x8 = x4 * x4;

	return x8 * x4 * x2 * x;
}

/* The impact sub-score of an impact sub-score base (ISS or MISS): scope
 * unchanged, changed, and changed in 3.1's environmental formula.  All three
 * are computed and one is picked, which is cheaper than a mispredicted branch. */
static inline double impact(double iss, int changed, int env31)
{
	double pick[3] = {
		6.42 * iss,
		7.52 * (iss - 0.029) - 3.25 * pow15(iss - 0.02),
		7.52 * (iss - 0.029) - 3.25 * pow13(iss * 0.9731 - 0.02),
	};

	return pick[changed + (changed & env31)];
}

/* Base (or modified base) score in tenths before temporal metrics. */
static int base_tenths(double imp, double expl, int changed)
{
	static const double scope_factor[2] = { 1, 1.08 };
	double sum = scope_factor[changed] * (imp + expl);

	return imp > 0 ? roundup(sum < 10 ? sum : 10) : 0;
}

/* The value number of a modified metric as its base metric's, or the base
 * metric's own when the modified one is absent or X. */
static int effective(const struct vec3 *vec, int mod, int base)
{
	return vec->v[mod] > V_X ? vec->v[mod] - 1 : vec->v[base];
}

static double weight(const struct vec3 *vec, int id)
{
	return metrics[id].weight[vec->v[id]];
}

/* tenths[k] = k / 10.0: a load, not a division, on the scores' critical path */
#define T(k) (k) / 10.0
#define T10(d) T(d##0), T(d##1), T(d##2), T(d##3), T(d##4), T(d##5), T(d##6), T(d##7), \
		T(d##8), T(d##9)
static const double tenths[101] = {
	T(0), T(1), T(2), T(3), T(4), T(5), T(6), T(7), T(8), T(9),
	T10(1), T10(2), T10(3), T10(4), T10(5), T10(6), T10(7), T10(8), T10(9), T(100),
};
#undef T10
#undef T

/*
 * The impact and exploitability sub-scores before rounding depend on few
 * enough metrics to be tabulated, which takes the powers and products off
 * the scores' critical path.  The tables are filled once (pthread_once) by
 * the very expressions score() used to evaluate for each vector, so every
 * double is the same; they never change afterwards.
 *
 * imp_tab: by env31 (3.1's environmental formula), scope changed, the weight
 * classes of CR, IR and AR (req_class) and the value numbers less 1 of
 * (M)C, (M)I and (M)A.  With CR, IR and AR at class 0 (weight 1) and env31 0
 * it is the base impact: 1 * x is x, and the ISS never exceeds 0.915.
 * expl_tab: by scope changed and the value numbers less 1 of (M)AV, (M)AC,
 * (M)PR and (M)UI.
 */
static double imp_tab[2][2][3][3][3][3][3][3];
static double expl_tab[2][4][2][3][2];
static pthread_once_t tabs_once = PTHREAD_ONCE_INIT;

/* weight class of a CR/IR/AR value number (absent, X, H, M, L) */
static const unsigned char req_class[5] = { 0, 0, 1, 0, 2 };
static const double req_weight[3] = { 1, 1.5, 0.5 };

static void tabs_init(void)
{
	for (int n = 0; n < 2 * 2 * 3 * 3 * 3 * 3 * 3 * 3; n++) {
		int a = n % 3, i = n / 3 % 3, c = n / 9 % 3, ar = n / 27 % 3, ir = n / 81 % 3;
		int cr = n / 243 % 3, sc = n / 729 % 2, e31 = n / 1458;
		double mc = metrics[M_C].weight[c + 1], mi = metrics[M_I].weight[i + 1];
		double ma = metrics[M_A].weight[a + 1];
		double miss = 1 - (1 - req_weight[cr] * mc) * (1 - req_weight[ir] * mi) *
				  (1 - req_weight[ar] * ma);

		imp_tab[e31][sc][cr][ir][ar][c][i][a] = impact(miss < 0.915 ? miss : 0.915, sc, e31);
	}
	for (int n = 0; n < 2 * 4 * 2 * 3 * 2; n++) {
		int ui = n % 2, pr = n / 2 % 3, ac = n / 6 % 2, av = n / 12 % 4, sc = n / 48;

		expl_tab[sc][av][ac][pr][ui] = 8.22 * metrics[M_AV].weight[av + 1] *
					       metrics[M_AC].weight[ac + 1] * pr_weight[sc][pr + 1] *
					       metrics[M_UI].weight[ui + 1];
	}
}

/* Every score and sub-score of a parsed vector. */
static void score(const struct vec3 *vec, struct cvss_result *out)
{
	int sc = vec->v[M_S] == S_CHANGED;
	int msc = effective(vec, M_MS, M_S) == S_CHANGED;
	double imp = imp_tab[0][sc][0][0][0][vec->v[M_C] - 1][vec->v[M_I] - 1][vec->v[M_A] - 1];
	double expl = expl_tab[sc][vec->v[M_AV] - 1][vec->v[M_AC] - 1][vec->v[M_PR] - 1]
			      [vec->v[M_UI] - 1];
	double te = weight(vec, M_E), trl = weight(vec, M_RL), trc = weight(vec, M_RC);
	double mimp = imp_tab[vec->minor == 1][msc][req_class[vec->v[M_CR]]]
			     [req_class[vec->v[M_IR]]][req_class[vec->v[M_AR]]]
			     [effective(vec, M_MC, M_C) - 1][effective(vec, M_MI, M_I) - 1]
			     [effective(vec, M_MA, M_A) - 1];
	double mexpl = expl_tab[msc][effective(vec, M_MAV, M_AV) - 1]
			       [effective(vec, M_MAC, M_AC) - 1][effective(vec, M_MPR, M_PR) - 1]
			       [effective(vec, M_MUI, M_UI) - 1];
	int base = base_tenths(imp, expl, sc);
	int mbase = base_tenths(mimp, mexpl, msc);

	out->base = base;
	out->temporal = roundup(tenths[base] * te * trl * trc);
	out->environmental = roundup(tenths[mbase] * te * trl * trc);
	out->impact = subscore(imp);
	out->exploitability = subscore(expl);
	out->modified_impact = subscore(mimp);
}

/* Write the normalised vector: base metrics (always all eight, so a template
 * with their letters filled in), then temporal and environmental ones in the
 * specification's order (the order of their ids), X left out. */
static void normalise(const struct vec3 *vec, char *w)
{
	static const char base[PREFIX_LEN + BASE_LEN + 1] =
		"CVSS:3.0/AV:_/AC:_/PR:_/UI:_/S:_/C:_/I:_/A:_";

	memcpy(w, base, sizeof(base));
	w[7] = (char)('0' + vec->minor);
	for (int id = 0; id < M_E; id++)
		w[PREFIX_LEN + base_at[id]] = metrics[id].values[vec->v[id] - 1];
	w += PREFIX_LEN + BASE_LEN;
	for (uint32_t kept = vec->kept & ~BASE_BITS; kept != 0; kept &= kept - 1) {
		int id = __builtin_ctz(kept);
		const struct metric *m = &metrics[id];

		memcpy(w, m->tag, 8);	/* "/NAME:" and padding the next one overwrites */
		w += m->namelen + 2;
		*w++ = m->values[vec->v[id] - 1];
	}
	*w = '\0';
}

int cvss3_score(const char *vector, size_t len, struct cvss_result *out, struct err *e)
{
	char buf[CVSS_VECTOR_MAX + PAD];
	struct vec3 vec;

	if (len == 0)
		return err_set(e, ERR_INVALID, "vector is empty");
	if (len > CVSS_VECTOR_MAX)
		return err_set(e, ERR_INVALID, "vector is too long (%zu bytes, at most %d)", len,
			       CVSS_VECTOR_MAX);
	if (len < PREFIX_LEN || memcmp(vector, "CVSS:3.", 7) != 0 ||
	    (vector[7] != '0' && vector[7] != '1') || vector[8] != '/')
		return err_set(e, ERR_INVALID,
			       "vector does not start with \"CVSS:3.0/\" or \"CVSS:3.1/\"");
	memcpy(buf, vector, len);
	memset(buf + len, 0, PAD);
	if (parse(&vec, vector, buf, len, e) < 0)
		return -1;
	out->version = vec.minor ? CVSS_V31 : CVSS_V30;
	pthread_once(&tabs_once, tabs_init);
	score(&vec, out);
	out->has_temporal = (vec.kept & TEMPORAL_BITS) != 0;
	out->has_environmental = (vec.kept & ENV_BITS) != 0;
	out->score = out->has_environmental ? out->environmental :
		     out->has_temporal	    ? out->temporal :
					      out->base;
	out->severity = cvss_severity(out->version, out->score);
	out->nomenclature[0] = '\0';
	out->macrovector[0] = '\0';
	normalise(&vec, out->vector);
	return 0;
}
