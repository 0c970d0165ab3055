/* cvss4.c - CVSS 4.0: parse a vector, find its MacroVector, score it (pure).
 *
 * The score is computed exactly as FIRST's reference calculator does
 * (cvss-v4-calculator cvss_score.js, with the November 2024 rounding fix):
 * the six EQ equivalence classes give a MacroVector, the lookup table gives
 * the score of its highest-severity vectors, and the vector's severity
 * distance from those vectors, as a proportion of each EQ's depth,
 * interpolates towards the next lower MacroVectors.  The floating-point steps
 * are the reference's, in its order and with its constants (0.1 levels, an
 * epsilon of 1e-6 before rounding half up), so every tie rounds the same.
 *
 * Parsing takes a valid vector a word at a time (parse_fast: "NAME:" compared
 * as one 8-byte word, values looked up in a byte table, the normalised vector
 * copied out word by word); anything else goes through parse_slow, a byte at
 * a time, which says what is wrong.  No allocation, no NUL terminator needed,
 * any bytes accepted; metrics must come in the specification's order.
 */
#include "rules/cvss4.h"

#include <stdint.h>
#include <string.h>

enum metric {
	/* base */
	M_AV, M_AC, M_AT, M_PR, M_UI, M_VC, M_VI, M_VA, M_SC, M_SI, M_SA,
	/* threat */
	M_E,
	/* environmental */
	M_CR, M_IR, M_AR, M_MAV, M_MAC, M_MAT, M_MPR, M_MUI,
	M_MVC, M_MVI, M_MVA, M_MSC, M_MSI, M_MSA,
	/* supplemental */
	M_S, M_AU, M_R, M_V, M_RE, M_U,
	M_COUNT
};

/* A metric name's bytes as a little-endian word. */
#define K(a, b, c) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16)

/*
 * One metric: its name and how its values print.  A value's code is its index
 * in vals ('-' marks a code the metric does not take); the codes are chosen so
 * that a modified metric shares its base metric's codes and a code is also the
 * reference's severity level in tenths (0 = most severe).  U's values are
 * words, in u_words.
 */
struct metric_def {
	char name[4];
	uint8_t len;
	uint64_t head;	/* "NAME:" as a little-endian word */
	uint64_t mask;	/* the bytes of head */
	const char *vals;
};

#define METRIC(id, n, k, v)                                                        \
	[id] = { .name = n, .len = sizeof(n) - 1,                                    \
		 .head = (uint64_t)(k) | (uint64_t)':' << (8 * (sizeof(n) - 1)),     \
		 .mask = (UINT64_C(1) << (8 * sizeof(n))) - 1, .vals = v }

/* In the specification's order: base, threat, environmental, supplemental. */
static const struct metric_def metrics[M_COUNT] = {
	METRIC(M_AV, "AV", K('A', 'V', 0), "NALP"),
	METRIC(M_AC, "AC", K('A', 'C', 0), "LH"),
	METRIC(M_AT, "AT", K('A', 'T', 0), "NP"),
	METRIC(M_PR, "PR", K('P', 'R', 0), "NLH"),
	METRIC(M_UI, "UI", K('U', 'I', 0), "NPA"),
	METRIC(M_VC, "VC", K('V', 'C', 0), "HLN"),
	METRIC(M_VI, "VI", K('V', 'I', 0), "HLN"),
	METRIC(M_VA, "VA", K('V', 'A', 0), "HLN"),
	METRIC(M_SC, "SC", K('S', 'C', 0), "-HLN"),
	METRIC(M_SI, "SI", K('S', 'I', 0), "-HLN"),
	METRIC(M_SA, "SA", K('S', 'A', 0), "-HLN"),
	METRIC(M_E, "E", K('E', 0, 0), "APU"),
	METRIC(M_CR, "CR", K('C', 'R', 0), "HML"),
	METRIC(M_IR, "IR", K('I', 'R', 0), "HML"),
	METRIC(M_AR, "AR", K('A', 'R', 0), "HML"),
	METRIC(M_MAV, "MAV", K('M', 'A', 'V'), "NALP"),
	METRIC(M_MAC, "MAC", K('M', 'A', 'C'), "LH"),
	METRIC(M_MAT, "MAT", K('M', 'A', 'T'), "NP"),
	METRIC(M_MPR, "MPR", K('M', 'P', 'R'), "NLH"),
	METRIC(M_MUI, "MUI", K('M', 'U', 'I'), "NPA"),
	METRIC(M_MVC, "MVC", K('M', 'V', 'C'), "HLN"),
	METRIC(M_MVI, "MVI", K('M', 'V', 'I'), "HLN"),
	METRIC(M_MVA, "MVA", K('M', 'V', 'A'), "HLN"),
	METRIC(M_MSC, "MSC", K('M', 'S', 'C'), "-HLN"),
	METRIC(M_MSI, "MSI", K('M', 'S', 'I'), "SHLN"),
	METRIC(M_MSA, "MSA", K('M', 'S', 'A'), "SHLN"),
	METRIC(M_S, "S", K('S', 0, 0), "NP"),
	METRIC(M_AU, "AU", K('A', 'U', 0), "NY"),
	METRIC(M_R, "R", K('R', 0, 0), "AUI"),
	METRIC(M_V, "V", K('V', 0, 0), "DC"),
	METRIC(M_RE, "RE", K('R', 'E', 0), "LMH"),
	METRIC(M_U, "U", K('U', 0, 0), NULL),
};

#define BIT(m) (UINT32_C(1) << (m))
#define BASE_MASK (BIT(M_SA + 1) - 1)
#define ENV_MASK (BIT(M_MSA + 1) - BIT(M_CR))

/*
 * Name -> metric: a perfect hash of the name's bytes (as K() packs them),
 * (key * HASH_MUL) >> 26 into 64 slots; the multiplier was found by search so
 * that every metric has a slot of its own.  An empty slot reads as M_AV, whose
 * name does not match, so a look-up is always checked against the name.
 */
#define HASH_MUL 0xcf895eedu
static const uint8_t name_slot[64] = {
	[1] = M_MSI, [4] = M_MSA, [5] = M_UI, [6] = M_MUI, [9] = M_MAC, [10] = M_SA,
	[11] = M_IR, [12] = M_MAV, [15] = M_SC, [18] = M_S, [19] = M_AU, [20] = M_CR,
	[26] = M_MVC, [28] = M_MAT, [29] = M_SI, [30] = M_R, [32] = M_RE, [38] = M_VA,
	[40] = M_MVI, [41] = M_AC, [42] = M_VC, [43] = M_MVA, [44] = M_AR, [46] = M_V,
	[48] = M_MPR, [49] = M_AT, [51] = M_MSC, [53] = M_AV, [54] = M_PR, [57] = M_VI,
	[58] = M_U, [60] = M_E,
};

/*
 * Value byte -> code + 1 for every metric (0: not a value of the metric, VX:
 * "X", Not Defined).  The same codes as metric_def.vals; U's words are matched
 * separately.
 */
#define VX 0x80
#define V_AV ['N'] = 1, ['A'] = 2, ['L'] = 3, ['P'] = 4
#define V_AC ['L'] = 1, ['H'] = 2
#define V_AT ['N'] = 1, ['P'] = 2
#define V_PR ['N'] = 1, ['L'] = 2, ['H'] = 3
#define V_UI ['N'] = 1, ['P'] = 2, ['A'] = 3
#define V_CIA ['H'] = 1, ['L'] = 2, ['N'] = 3
#define V_SUB ['H'] = 2, ['L'] = 3, ['N'] = 4
#define V_REQ ['X'] = VX, ['H'] = 1, ['M'] = 2, ['L'] = 3

static const uint8_t value_code[M_COUNT][128] = {
	[M_AV] = { V_AV }, [M_AC] = { V_AC }, [M_AT] = { V_AT },
	[M_PR] = { V_PR }, [M_UI] = { V_UI },
	[M_VC] = { V_CIA }, [M_VI] = { V_CIA }, [M_VA] = { V_CIA },
	[M_SC] = { V_SUB }, [M_SI] = { V_SUB }, [M_SA] = { V_SUB },
	[M_E] = { ['X'] = VX, ['A'] = 1, ['P'] = 2, ['U'] = 3 },
	[M_CR] = { V_REQ }, [M_IR] = { V_REQ }, [M_AR] = { V_REQ },
	[M_MAV] = { ['X'] = VX, V_AV }, [M_MAC] = { ['X'] = VX, V_AC },
	[M_MAT] = { ['X'] = VX, V_AT }, [M_MPR] = { ['X'] = VX, V_PR },
	[M_MUI] = { ['X'] = VX, V_UI },
	[M_MVC] = { ['X'] = VX, V_CIA }, [M_MVI] = { ['X'] = VX, V_CIA },
	[M_MVA] = { ['X'] = VX, V_CIA }, [M_MSC] = { ['X'] = VX, V_SUB },
	[M_MSI] = { ['X'] = VX, ['S'] = 1, V_SUB }, [M_MSA] = { ['X'] = VX, ['S'] = 1, V_SUB },
	[M_S] = { ['X'] = VX, ['N'] = 1, ['P'] = 2 },
	[M_AU] = { ['X'] = VX, ['N'] = 1, ['Y'] = 2 },
	[M_R] = { ['X'] = VX, ['A'] = 1, ['U'] = 2, ['I'] = 3 },
	[M_V] = { ['X'] = VX, ['D'] = 1, ['C'] = 2 },
	[M_RE] = { ['X'] = VX, ['L'] = 1, ['M'] = 2, ['H'] = 3 },
	[M_U] = { ['X'] = VX },
};

static const char *const u_words[] = { "Clear", "Green", "Amber", "Red" };

#define N_U_WORDS (sizeof(u_words) / sizeof(u_words[0]))
#define PREFIX "CVSS:4.0/"
#define PREFIX_LEN (sizeof(PREFIX) - 1)

/* The longest normalised vector: "CVSS:4.0" and all 32 metrics, U:Amber the
 * longest value (8 + 70 name bytes + 36 value bytes + 64 '/' and ':').  With
 * 8 bytes of slack for the word-at-a-time copy it fits the result's buffer. */
#define MAX_VECTOR_LEN 178
_Static_assert(MAX_VECTOR_LEN + 9 <= CVSS_VECTOR_MAX, "vector buffer too small");

/*
 * The MacroVector scores, in tenths, indexed by the six EQ digits
 * ((((eq1 * 2 + eq2) * 3 + eq3) * 3 + eq4) * 3 + eq5) * 2 + eq6; NA where the
 * MacroVector does not exist (eq3 = 2 implies eq6 = 1).
 *
 * Source: the MacroVector lookup table of the CVSS v4.0 specification (FIRST,
 * CVSS v4.0 Specification Document, November 2023), as published with FIRST's
 * reference calculator (FIRSTdotorg/cvss-v4-calculator cvss_lookup.js, the
 * same values as RedHatProductSecurity/cvss-v4-calculator and the cvss 3.x
 * Python library; "Copyright FIRST, Red Hat, and contributors", BSD-2-Clause).
 * Specification data, transcribed as tenths.
 */
#define NA (-1)
static const int8_t macro_score[3 * 2 * 3 * 3 * 3 * 2] = {
	/* eq1 eq2 eq3 = 0 0 0; eq4 0..2 x eq5 0..2 x eq6 0..1 */
	100, 99, 98, 95, 95, 92, 100, 96, 93, 87, 91, 81, 93, 90, 89, 80, 81, 68,
	/* 0 0 1 */
	98, 95, 95, 92, 90, 84, 93, 92, 89, 81, 81, 65, 88, 80, 78, 70, 69, 48,
	/* 0 0 2 */
	NA, 92, NA, 82, NA, 72, NA, 79, NA, 69, NA, 50, NA, 69, NA, 55, NA, 27,
	/* 0 1 0 */
	99, 97, 95, 92, 92, 85, 95, 91, 90, 83, 84, 71, 92, 81, 82, 71, 72, 53,
	/* 0 1 1 */
	95, 93, 92, 85, 85, 73, 92, 82, 80, 72, 70, 59, 84, 70, 71, 52, 50, 30,
	/* 0 1 2 */
	NA, 86, NA, 75, NA, 52, NA, 71, NA, 52, NA, 29, NA, 63, NA, 29, NA, 17,
	/* 1 0 0 */
	98, 95, 94, 87, 91, 81, 94, 89, 86, 74, 77, 64, 87, 75, 74, 63, 63, 49,
	/* 1 0 1 */
	94, 89, 88, 77, 76, 67, 86, 76, 74, 58, 59, 50, 72, 57, 57, 52, 52, 25,
	/* 1 0 2 */
	NA, 83, NA, 70, NA, 54, NA, 65, NA, 58, NA, 26, NA, 53, NA, 21, NA, 13,
	/* 1 1 0 */
	95, 90, 88, 76, 76, 70, 90, 77, 75, 62, 61, 53, 77, 66, 68, 59, 52, 30,
	/* 1 1 1 */
	89, 78, 76, 67, 62, 58, 74, 59, 57, 57, 47, 23, 61, 52, 57, 29, 24, 16,
	/* 1 1 2 */
	NA, 71, NA, 59, NA, 30, NA, 58, NA, 26, NA, 15, NA, 23, NA, 13, NA, 6,
	/* 2 0 0 */
	93, 87, 86, 72, 75, 58, 86, 74, 74, 61, 56, 34, 70, 54, 52, 40, 40, 22,
	/* 2 0 1 */
	85, 75, 74, 55, 62, 51, 72, 57, 55, 41, 46, 19, 53, 36, 34, 19, 19, 8,
	/* 2 0 2 */
	NA, 64, NA, 51, NA, 20, NA, 47, NA, 21, NA, 11, NA, 24, NA, 9, NA, 4,
	/* 2 1 0 */
	88, 75, 73, 53, 60, 50, 73, 55, 59, 40, 41, 20, 54, 43, 45, 22, 20, 11,
	/* 2 1 1 */
	75, 55, 58, 45, 40, 21, 61, 51, 48, 18, 20, 9, 46, 18, 17, 7, 8, 2,
	/* 2 1 2 */
	NA, 53, NA, 24, NA, 14, NA, 24, NA, 12, NA, 5, NA, 10, NA, 3, NA, 1,
};

/* Up to six value codes packed into a word, one per byte. */
#define P(a, b, c, d, e, f)                                                             \
	((uint64_t)(a) | (uint64_t)(b) << 8 | (uint64_t)(c) << 16 | (uint64_t)(d) << 24 | \
	 (uint64_t)(e) << 32 | (uint64_t)(f) << 40)
#define P_HIGH P(0x80, 0x80, 0x80, 0x80, 0x80, 0x80)

/*
 * One EQ level: its highest-severity vectors (the reference's max_composed),
 * as packed value codes in the reference's order, and its depth (the
 * reference's max_severity: the largest severity distance inside the level,
 * + 1).  Same source as the lookup table.
 */
struct eq_level {
	uint8_t n;
	uint8_t depth;
	uint64_t max[5];
};

/* EQ1: AV PR UI (AV N=0 A=1 L=2 P=3; PR N L H; UI N P A) */
static const struct eq_level eq1_levels[3] = {
	{ .n = 1, .depth = 1, .max = { P(0, 0, 0, 0, 0, 0) } },
	{ .n = 3, .depth = 4, .max = { P(1, 0, 0, 0, 0, 0), P(0, 1, 0, 0, 0, 0),
				       P(0, 0, 1, 0, 0, 0) } },
	{ .n = 2, .depth = 5, .max = { P(3, 0, 0, 0, 0, 0), P(1, 1, 1, 0, 0, 0) } },
};

/* EQ2: AC AT (AC L=0 H=1; AT N P) */
static const struct eq_level eq2_levels[2] = {
	{ .n = 1, .depth = 1, .max = { P(0, 0, 0, 0, 0, 0) } },
	{ .n = 2, .depth = 2, .max = { P(1, 0, 0, 0, 0, 0), P(0, 1, 0, 0, 0, 0) } },
};

/* EQ3 and EQ6 jointly: VC VI VA CR IR AR (VC/VI/VA H=0 L=1 N=2; xR H M L) */
static const struct eq_level eq36_levels[3][2] = {
	[0][0] = { .n = 1, .depth = 7, .max = { P(0, 0, 0, 0, 0, 0) } },
	[0][1] = { .n = 2, .depth = 6, .max = { P(0, 0, 1, 1, 1, 0), P(0, 0, 0, 1, 1, 1) } },
	[1][0] = { .n = 2, .depth = 8, .max = { P(1, 0, 0, 0, 0, 0), P(0, 1, 0, 0, 0, 0) } },
	[1][1] = { .n = 5, .depth = 8, .max = { P(1, 0, 1, 0, 1, 0), P(1, 0, 0, 0, 1, 1),
						P(0, 1, 0, 1, 0, 1), P(0, 1, 1, 1, 0, 0),
						P(1, 1, 0, 0, 0, 1) } },
	[2][1] = { .n = 1, .depth = 10, .max = { P(1, 1, 1, 0, 0, 0) } },
};

/* EQ4: SC SI SA (S=0 H=1 L=2 N=3) */
static const struct eq_level eq4_levels[3] = {
	{ .n = 1, .depth = 6, .max = { P(1, 0, 0, 0, 0, 0) } },
	{ .n = 1, .depth = 5, .max = { P(1, 1, 1, 0, 0, 0) } },
	{ .n = 1, .depth = 4, .max = { P(2, 2, 2, 0, 0, 0) } },
};

/* Added before rounding to one decimal, as the reference does. */
#define ROUND_EPSILON 1e-6

/* n / 10.0 for every score in tenths: the same doubles as the reference's
 * literals (9.9, ...), without a division. */
static const double tenths[101] = {
	0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9,
	1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9,
	2.0, 2.1, 2.2, 2.3, 2.4, 2.5, 2.6, 2.7, 2.8, 2.9,
	3.0, 3.1, 3.2, 3.3, 3.4, 3.5, 3.6, 3.7, 3.8, 3.9,
	4.0, 4.1, 4.2, 4.3, 4.4, 4.5, 4.6, 4.7, 4.8, 4.9,
	5.0, 5.1, 5.2, 5.3, 5.4, 5.5, 5.6, 5.7, 5.8, 5.9,
	6.0, 6.1, 6.2, 6.3, 6.4, 6.5, 6.6, 6.7, 6.8, 6.9,
	7.0, 7.1, 7.2, 7.3, 7.4, 7.5, 7.6, 7.7, 7.8, 7.9,
	8.0, 8.1, 8.2, 8.3, 8.4, 8.5, 8.6, 8.7, 8.8, 8.9,
	9.0, 9.1, 9.2, 9.3, 9.4, 9.5, 9.6, 9.7, 9.8, 9.9,
	10.0,
};

/* A code's severity level as the reference writes it (N: 0.0, A: 0.1, ...). */
static const double level[4] = { 0.0, 0.1, 0.2, 0.3 };

/* A parsed vector: each metric's value code (-1 when absent or X), which
 * metrics were seen and which are set (seen and not X). */
struct vec4 {
	int8_t val[M_COUNT];
	uint32_t seen, set;
};

/* The effective values the score uses (modified metrics applied). */
struct eff4 {
	uint8_t av, ac, at, pr, ui, vc, vi, va, sc, si, sa, e, cr, ir, ar;
};

/* The 8 bytes at s + pos as a little-endian word, zero-padded past len
 * (pos < len, 8 <= len).  Near the end the last 8 bytes are loaded and
 * shifted down instead, so no byte is read past len and nothing branches. */
static uint64_t load_word(const char *s, size_t pos, size_t len)
{
	size_t at = pos + 8 <= len ? pos : len - 8;
	uint64_t w = 0;

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(&w, s + at, 8);
#else
	for (int i = 0; i < 8; i++)
		w |= (uint64_t)(unsigned char)s[at + i] << (8 * i);
#endif
	return w >> (8 * (pos - at));
}

/* Write the 8 bytes of a little-endian word at p. */
static void store_word(char *p, uint64_t w)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(p, &w, 8);
#else
	for (int i = 0; i < 8; i++)
		p[i] = (char)(w >> (8 * i));
#endif
}

/* The code + 1 of U's value, a word or X, len bytes at v; 0 if none. */
static int u_value(const unsigned char *v, size_t len)
{
	if (len == 1 && v[0] == 'X')
		return VX;
	for (size_t i = 0; i < N_U_WORDS; i++)
		if (strlen(u_words[i]) == len && memcmp(u_words[i], v, len) == 0)
			return (int)i + 1;
	return 0;
}

/* Record metric m with value code + 1 (VX: X) in x and in the seen and set
 * masks (kept by the caller, in registers); whether it is set. */
static int record(struct vec4 *x, uint32_t *seen, uint32_t *set, int m, int code)
{
	int keep = code != VX;

	*seen |= BIT(m);
	*set |= (uint32_t)keep << m;
	x->val[m] = (int8_t)((code - 1) | -!keep);
	return keep;
}

/* The metric whose "NAME:" starts w, after metric last; -1 if none.  The
 * name ends at the first ':' of bytes 1..3 and is found by hash. */
static int metric_at(uint64_t w, int last)
{
	unsigned c = 3 - (((w >> 16) & 0xff) == ':') - 2 * (((w >> 8) & 0xff) == ':');
	uint32_t key = (uint32_t)w & ((UINT32_C(1) << (8 * c)) - 1);
	int m = name_slot[(key * HASH_MUL) >> 26];

	return (w & metrics[m].mask) == metrics[m].head && m > last ? m : -1;
}

/*
 * The common case: a valid vector, without a byte loop.  Each token is taken
 * from the 8 bytes at the current position: the metric that should come next
 * is tried first (a compare of its "NAME:" as a word, which the CPU predicts
 * for the base metrics), else the name is looked up by hash; then a one-byte
 * value from value_code, and a '/' and more, or the end.  U, last, may have a
 * word.  A valid token is already in its one spelling, so the normalised
 * vector is the input less its X tokens, copied a word at a time (norm has
 * room for the overrun).  Returns 0 for anything else: parse_slow() then
 * says what is wrong.
 */
static int parse_fast(struct vec4 *x, const char *s, size_t len, char *norm)
{
	size_t pos = PREFIX_LEN, tl, step;
	uint32_t seen = 0, set = 0;
	char *o = norm + 8;
	int last = -1, m, code;

	memcpy(norm, "CVSS:4.0", 8);
	memset(x->val, -1, sizeof(x->val));
	for (; pos < len; pos += step, last = m) {
		uint64_t w = load_word(s, pos, len);
		unsigned b, t;

		m = last + 1;
		if (m == M_COUNT || (w & metrics[m].mask) != metrics[m].head)
			m = metric_at(w, last);
		if (m < 0)
			return 0;
		tl = metrics[m].len + 2u;	/* "NAME:V" */
		b = (unsigned)(w >> (8 * (tl - 1))) & 0xff;
		t = (unsigned)(w >> (8 * tl)) & 0xff;
		code = value_code[m][b & 0x7f] & -(b < 0x80);
		if (code == 0)
			break;	/* not a one-byte value: a U word, or wrong */
		if (t == '/' && pos + tl + 1 < len)
			step = tl + 1;
		else if (pos + tl == len)
			step = tl;
		else
			return 0;	/* more value, or a trailing '/' */
		*o = '/';
		store_word(o + 1, w);
		o += (tl + 1) & -(size_t)record(x, &seen, &set, m, code);
	}
	if (pos < len) {	/* "U:" and a word, last */
		tl = len - pos;
		if (m != M_U || tl > 7)
			return 0;
		code = u_value((const unsigned char *)s + pos + 2, tl - 2);
		if (code == 0)
			return 0;
		*o = '/';
		store_word(o + 1, load_word(s, pos, len));
		o += (tl + 1) & -(size_t)record(x, &seen, &set, M_U, code);
	}
	*o = '\0';
	x->seen = seen;
	x->set = set;
	return (seen & BASE_MASK) == BASE_MASK;
}

/* One "NAME:VALUE" token: spans into the input. */
struct token {
	const char *name, *value;
	size_t nlen, vlen;
	int colon;	/* a ':' ends the name */
	int slash;	/* a '/' ends the value (another token must follow) */
};

/* Cut the token at p into its spans; returns where the next token starts. */
static const char *cut(struct token *t, const char *p, const char *end)
{
	const char *q = p;

	while (q < end && *q != ':' && *q != '/')
		q++;
	t->name = p;
	t->nlen = (size_t)(q - p);
	t->colon = q < end && *q == ':';
	if (t->colon)
		q++;
	t->value = q;
	while (t->colon && q < end && *q != '/')
		q++;
	t->vlen = (size_t)(q - t->value);
	t->slash = q < end;
	return q + t->slash;
}

/* The metric named by len bytes at name, -1 if none. */
static int metric_find(const char *name, size_t len)
{
	for (int m = 0; m < M_COUNT; m++)
		if (metrics[m].len == len && memcmp(metrics[m].name, name, len) == 0)
			return m;
	return -1;
}

/* The value's code + 1 for metric m, VX for X, 0 if not a value of m. */
static int value_find(int m, const char *v, size_t len)
{
	unsigned char c = (unsigned char)v[0];

	if (m == M_U)
		return u_value((const unsigned char *)v, len);
	return len == 1 && c < 0x80 ? value_code[m][c] : 0;
}

/* Say what is wrong with a token that is not "NAME:VALUE" (no name or no colon). */
static int bad_shape(const struct token *t, int last, struct err *e)
{
	char nb[48];

	if (t->nlen == 0 && last < 0)
		return err_set(e, ERR_INVALID, "empty metric at start of vector");
	if (t->nlen == 0)
		return err_set(e, ERR_INVALID, "empty metric after \"%s\"", metrics[last].name);
	return err_set(e, ERR_INVALID, "metric \"%s\" has no value",
		       cvss_quote(nb, sizeof(nb), t->name, t->nlen));
}

/* Say why metric m cannot come after metric last. */
static int bad_order(uint32_t seen, int m, struct err *e)
{
	if (seen & BIT(m))
		return err_set(e, ERR_INVALID, "duplicate metric \"%s\"", metrics[m].name);
	return err_set(e, ERR_INVALID, "metric \"%s\" out of order", metrics[m].name);
}

/* Say what is wrong with the value of metric m. */
static int bad_value(const struct token *t, int m, struct err *e)
{
	char vb[48];

	if (t->vlen == 0)
		return err_set(e, ERR_INVALID, "metric \"%s\" has no value", metrics[m].name);
	if (t->vlen == 1 && t->value[0] == 'X')
		return err_set(e, ERR_INVALID, "value \"X\" is not allowed for base metric \"%s\"",
			       metrics[m].name);
	return err_set(e, ERR_INVALID, "unknown value \"%s\" for metric \"%s\"",
		       cvss_quote(vb, sizeof(vb), t->value, t->vlen), metrics[m].name);
}

/* Check one token after metric last: its metric, *code its value's code + 1. */
static int check_token(uint32_t seen, int last, const struct token *t, int *code,
		       struct err *e)
{
	char nb[48];
	int m;

	if (t->nlen == 0 || !t->colon)
		return bad_shape(t, last, e);
	m = metric_find(t->name, t->nlen);
	if (m < 0)
		return err_set(e, ERR_INVALID, "unknown metric \"%s\"",
			       cvss_quote(nb, sizeof(nb), t->name, t->nlen));
	if (m <= last)
		return bad_order(seen, m, e);
	*code = t->vlen ? value_find(m, t->value, t->vlen) : 0;
	if (*code == 0)
		return bad_value(t, m, e);
	return m;
}

/* Any vector, a token at a time: the same result as parse_fast() where that
 * succeeds, and the first thing wrong where the vector is invalid. */
static int parse_slow(struct vec4 *x, const char *s, size_t len, char *norm, struct err *e)
{
	const char *p, *next, *end = s + len;
	char *o = norm + 8;
	struct token t;
	int last = -1, m, code = 0;

	if (len == 0)
		return err_set(e, ERR_INVALID, "vector is empty");
	if (len > CVSS_VECTOR_MAX)
		return err_set(e, ERR_INVALID, "vector is too long (%zu bytes, at most %d)", len,
			       CVSS_VECTOR_MAX);
	if (len < PREFIX_LEN || memcmp(s, PREFIX, PREFIX_LEN) != 0)
		return err_set(e, ERR_INVALID, "vector does not start with \"" PREFIX "\"");
	memset(x->val, -1, sizeof(x->val));
	x->seen = x->set = 0;
	memcpy(norm, "CVSS:4.0", 8);
	for (p = s + PREFIX_LEN; p < end; p = next) {
		next = cut(&t, p, end);
		m = check_token(x->seen, last, &t, &code, e);
		if (m < 0)
			return -1;
		if (t.slash && next == end)
			return err_set(e, ERR_INVALID, "trailing \"/\" after metric \"%s\"",
				       metrics[m].name);
		x->seen |= BIT(m);
		last = m;
		if (code == VX)
			continue;
		x->val[m] = (int8_t)(code - 1);
		x->set |= BIT(m);
		*o++ = '/';
		memcpy(o, p, t.nlen + 1 + t.vlen);	/* at most "U:Amber" */
		o += t.nlen + 1 + t.vlen;
	}
	*o = '\0';
	if ((x->seen & BASE_MASK) != BASE_MASK)
		return err_set(e, ERR_INVALID, "metric \"%s\" is missing",
			       metrics[__builtin_ctz(~x->seen & BASE_MASK)].name);
	return 0;
}

static int parse(struct vec4 *x, const char *s, size_t len, char *norm, struct err *e)
{
	if (len > PREFIX_LEN && memcmp(s, PREFIX, PREFIX_LEN) == 0 && parse_fast(x, s, len, norm))
		return 0;
	return parse_slow(x, s, len, norm, e);
}

/* A modified metric overrides its base metric unless absent or X. */
static uint8_t pick(const struct vec4 *x, int base, int modified)
{
	int mod = x->val[modified], unset = mod >> 7;	/* -1 when absent or X */

	return (uint8_t)((x->val[base] & unset) | (mod & ~unset));
}

/* A threat or requirement metric: X means the worst case, code 0 (E:A, xR:H). */
static uint8_t worst(const struct vec4 *x, int m)
{
	int v = x->val[m];

	return (uint8_t)(v & ~(v >> 7));
}

static void effective(struct eff4 *f, const struct vec4 *x)
{
	*f = (struct eff4){
		.av = pick(x, M_AV, M_MAV), .ac = pick(x, M_AC, M_MAC),
		.at = pick(x, M_AT, M_MAT), .pr = pick(x, M_PR, M_MPR),
		.ui = pick(x, M_UI, M_MUI), .vc = pick(x, M_VC, M_MVC),
		.vi = pick(x, M_VI, M_MVI), .va = pick(x, M_VA, M_MVA),
		.sc = pick(x, M_SC, M_MSC), .si = pick(x, M_SI, M_MSI),
		.sa = pick(x, M_SA, M_MSA), .e = worst(x, M_E),
		.cr = worst(x, M_CR), .ir = worst(x, M_IR), .ar = worst(x, M_AR),
	};
}

/*
 * The six EQ levels, as flags summed (no branches on the data):
 * EQ1 0: AV:N and PR:N and UI:N; 1: one of them N, AV not P; 2: else.
 * EQ2 0: AC:L and AT:N; 1: else.
 * EQ3 0: VC:H and VI:H; 1: one of VC VI VA H; 2: else.
 * EQ4 0: MSI:S or MSA:S; 1: one of SC SI SA H; 2: else.
 * EQ5 E: A 0, P 1, U 2.
 * EQ6 0: CR:H and VC:H, or IR:H and VI:H, or AR:H and VA:H; 1: else.
 * Codes: AV N=0 P=3, PR/UI N=0, AC L=0, AT N=0, VC/VI/VA H=0, SC/SI/SA S=0 H=1,
 * CR/IR/AR H=0.
 */
static void macrovector(int eq[6], const struct eff4 *f)
{
	int n1 = f->av == 0, n2 = f->pr == 0, n3 = f->ui == 0;
	int h1 = f->vc == 0, h2 = f->vi == 0, h3 = f->va == 0;
	int safety = (f->si == 0) | (f->sa == 0);
	int high = (f->sc == 1) | (f->si == 1) | (f->sa == 1);

	eq[0] = 2 - ((n1 | n2 | n3) & (f->av != 3)) - (n1 & n2 & n3);
	eq[1] = (f->ac | f->at) != 0;
	eq[2] = 2 - (h1 | h2 | h3) - (h1 & h2);
	eq[3] = (1 - safety) * (2 - high);
	eq[4] = f->e;
	eq[5] = !(((f->cr == 0) & h1) | ((f->ir == 0) & h2) | ((f->ar == 0) & h3));
}

static const int eq_radix[6] = { 3, 2, 3, 3, 3, 2 };
static const int eq_stride[6] = { 108, 54, 18, 6, 2, 1 };

/* The score in tenths of MacroVector idx with digit i one level lower, -1 if
 * there is no such MacroVector (no branches: the digits are data). */
static int lower(const int eq[6], int idx, int i)
{
	int ok = eq[i] + 1 < eq_radix[i];
	int score = macro_score[idx + (eq_stride[i] & -ok)];

	return (score & -ok) | (ok - 1);
}

/*
 * The next lower MacroVector of the EQ3+EQ6 pair: 00 -> the higher of 01 and
 * 10; 01 -> 11; 10 -> 11; 11 -> 21; 21 -> none.  Every case is the higher of
 * "EQ6 + 1" and "EQ3 + 1", as the one that is not meant never exists (EQ6 + 1
 * from EQ6 = 1, or EQ3 + 1 = 2 with EQ6 = 0, or EQ3 + 1 = 3).
 */
static int lower_eq36(const int eq[6], int idx)
{
	int l = lower(eq, idx, 5), r = lower(eq, idx, 2);

	return l > r ? l : r;
}

/* Index of the first max vector of the level that v does not exceed in
 * severity (every code of v >= the max's: no byte of (v | 0x80..) - max
 * drops below 0x80), -1 if none.  All five tried, so no branch on the data. */
static int first_max(const struct eq_level *l, uint64_t v)
{
	unsigned ok = 0;

	for (int k = 0; k < 5; k++)
		ok |= (unsigned)((((v | P_HIGH) - l->max[k]) & P_HIGH) == P_HIGH) << k;
	ok &= (1u << l->n) - 1;
	return ok ? __builtin_ctz(ok) : -1;
}

/* Sum of the severity distances of v from max (w codes), in the reference's
 * order: ((d0 + d1) + d2) + ... */
static double distance(uint64_t v, uint64_t max, int w)
{
	double d = level[v & 0xff] - level[max & 0xff];

	for (int i = 1; i < w; i++)
		d = d + (level[(v >> (8 * i)) & 0xff] - level[(max >> (8 * i)) & 0xff]);
	return d;
}

/* One EQ's proportional distance: the available distance (value minus the
 * lower MacroVector's score) times the distance over the depth.  A missing
 * lower MacroVector (low < 0) adds a zero (the sum is unchanged) and is not
 * counted; multiplying by 0 or 1 keeps the digits, without a branch. */
static void add_part(double *sum, int *n, double value, int low, double dist, int depth)
{
	int ok = low >= 0;
	double part = (value - tenths[low & -ok]) * (dist / (depth * 0.1));

	*sum = *sum + part * ok;
	*n += ok;
}

/* The score in tenths, by the reference's interpolation. */
static int score(const struct eff4 *f, const int eq[6])
{
	const struct eq_level *l1 = &eq1_levels[eq[0]], *l2 = &eq2_levels[eq[1]];
	const struct eq_level *l36 = &eq36_levels[eq[2]][eq[5]], *l4 = &eq4_levels[eq[3]];
	uint64_t v1 = P(f->av, f->pr, f->ui, 0, 0, 0), v2 = P(f->ac, f->at, 0, 0, 0, 0);
	uint64_t v36 = P(f->vc, f->vi, f->va, f->cr, f->ir, f->ar);
	uint64_t v4 = P(f->sc, f->si, f->sa, 0, 0, 0);
	int idx, n = 0, r, k1, k2, k36;
	double value, sum = 0.0, mean;

	if (f->vc == 2 && f->vi == 2 && f->va == 2 && f->sc == 3 && f->si == 3 && f->sa == 3)
		return 0;	/* no impact at all */
	idx = eq[0] * 108 + eq[1] * 54 + eq[2] * 18 + eq[3] * 6 + eq[4] * 2 + eq[5];
	value = tenths[macro_score[idx]];
	k1 = first_max(l1, v1);
	k2 = first_max(l2, v2);
	k36 = first_max(l36, v36);
	if ((k1 | k2 | k36) < 0 || first_max(l4, v4) < 0) {
		/* no max vector qualifies (never, for a valid vector): the
		 * reference's search ends on the last one */
		k1 = l1->n - 1;
		k2 = l2->n - 1;
		k36 = l36->n - 1;
	}
	add_part(&sum, &n, value, lower(eq, idx, 0), distance(v1, l1->max[k1], 3), l1->depth);
	add_part(&sum, &n, value, lower(eq, idx, 1), distance(v2, l2->max[k2], 2), l2->depth);
	add_part(&sum, &n, value, lower_eq36(eq, idx), distance(v36, l36->max[k36], 6),
		 l36->depth);
	add_part(&sum, &n, value, lower(eq, idx, 3), distance(v4, l4->max[0], 3), l4->depth);
	/* EQ5: the proportion is always 0, but an existing lower level counts */
	add_part(&sum, &n, value, lower(eq, idx, 4), 0.0, 1);
	mean = sum / (n + (n == 0));	/* 0 when there is nothing lower at all */
	value = value - mean;
	value = value < 0.0 ? 0.0 : value;
	value = value > 10.0 ? 10.0 : value;
	/* Math.round((value + EPSILON) * 10): half rounds up, and the epsilon
	 * (10^-6) keeps float noise such as 5.6499999999999995 from rounding down */
	value = (value + ROUND_EPSILON) * 10.0;
	r = (int)value;
	return value - r >= 0.5 ? r + 1 : r;
}

/* "CVSS-B" plus T for threat metrics, E for environmental ones, into out
 * (size bytes; "CVSS-BTE" needs 9, cvss.h must give that much). */
static void nomenclature(char *out, size_t size, int threat, int env)
{
	char name[9] = "CVSS-B";
	char *p = name + 6;
	size_t n;

	if (threat)
		*p++ = 'T';
	if (env)
		*p++ = 'E';
	n = (size_t)(p - name) < size ? (size_t)(p - name) : size - 1;
	memcpy(out, name, n);
	out[n] = '\0';
}

int cvss4_score(const char *vector, size_t len, struct cvss_result *out, struct err *e)
{
	struct vec4 x;
	struct eff4 f;
	int eq[6];

	if (parse(&x, vector, len, out->vector, e) < 0) {
		out->vector[0] = '\0';
		return -1;
	}
	effective(&f, &x);
	macrovector(eq, &f);
	out->version = CVSS_V40;
	out->score = score(&f, eq);
	out->severity = cvss_severity(CVSS_V40, out->score);
	out->base = out->temporal = out->environmental = -1;
	out->impact = out->exploitability = out->modified_impact = -1;
	out->has_temporal = (x.set & BIT(M_E)) != 0;
	out->has_environmental = (x.set & ENV_MASK) != 0;
	nomenclature(out->nomenclature, sizeof(out->nomenclature), out->has_temporal,
		     out->has_environmental);
	for (int i = 0; i < 6; i++)
		out->macrovector[i] = (char)('0' + eq[i]);
	out->macrovector[6] = '\0';
	return 0;
}
