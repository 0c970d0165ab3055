/* gbt30279.h - GB/T 30279-2020 classification tree and grading (pure).
 *
 * GB/T 30279-2020 《信息安全技术 网络安全漏洞分类分级指南》 classifies a
 * vulnerability in a tree (§5: 5.2 代码问题, 5.3 配置错误, 5.4 环境问题,
 * 5.5 其他, with sub-classes) and grades it (§6) from ten indicators:
 *
 *	exploitability (被利用性): AP access path, TR trigger requirement,
 *	                           PR privileges required, UI user interaction
 *	impact (影响程度):         C, I, A (confidentiality, integrity, availability)
 *	environment (环境因素):    EC cost of exploitation, RD difficulty of repair,
 *	                           SC impact scope
 *
 * Technical grade: Annex A gives an exploitability level from AP/TR/PR/UI,
 * Annex B an impact level from C/I/A, Annex D the grade from the two levels.
 * Comprehensive grade: Annex C gives an environment level from EC/RD/SC,
 * Annex E the grade from the technical grade and that level.  Both grades are
 * one of 超危 / 高危 / 中危 / 低危 (critical / high / medium / low).
 *
 * Everything that comes from the standard is data, in policies/gbt30279.json
 * (embedded at build time as gbt30279_policy_json[]): the tree, the
 * indicators and their values, and the five tables.  The tables of Annexes
 * A-E were NOT available when this was written; the shipped ones are
 * vulnflow placeholders marked "verified": false, and every grade computed
 * from an unverified table has result.provisional = 1.  Callers must show
 * that label wherever they show the grade (API, CLI, UI) and must never
 * present such a grade as the standard's.  docs/internals/gbt30279.md says
 * what is missing and how to enter the real tables.
 *
 * The indicator ids above and the value ids in the policy (AP:N, C:S, ...)
 * are vulnflow's own notation, not the standard's.  The vector notation
 *
 *	AP:N/TR:L/PR:N/UI:N/C:S/I:S/A:S[/EC:L/RD:H/SC:H]
 *
 * names each indicator once, "ID:VALUE" joined by '/', in any order; the
 * seven technical indicators are required, the three environment ones are
 * all given or all left out.  The normalised form lists them in the order
 * above.
 */
#ifndef VF_GBT30279_H
#define VF_GBT30279_H

#include <stddef.h>

#include "base/err.h"

/* The embedded policies/gbt30279.json (generated; see tools/embed_text.py). */
extern const char gbt30279_policy_json[];
extern const size_t gbt30279_policy_json_len;

struct gbt30279;        /* a loaded, validated policy (opaque) */

enum gbt30279_indicator {
	GBT_AP, GBT_TR, GBT_PR, GBT_UI,         /* exploitability */
	GBT_C, GBT_I, GBT_A,                    /* impact */
	GBT_EC, GBT_RD, GBT_SC,                 /* environment */
	GBT_IND_COUNT
};
#define GBT_TECH_COUNT GBT_EC   /* the first seven are the technical indicators */

enum gbt30279_group { GBT_EXPLOITABILITY, GBT_IMPACT, GBT_ENVIRONMENT };

enum gbt30279_certainty {
	GBT_VERIFIED,           /* read in the cited public source */
	GBT_RECALLED,           /* from memory, not read: do not quote as official */
	GBT_NOT_FOUND,          /* in the numbering, but its heading was not found */
};

#define GBT30279_VALUE_MAX 8            /* values per indicator, levels per table */
#define GBT30279_ID_MAX 8               /* longest value id, with NUL */
#define GBT30279_VECTOR_MAX 64          /* longest normalised vector, with NUL */

/* An id with its Chinese and English names; the strings belong to the policy. */
struct gbt30279_label {
	const char *id;
	const char *zh;
	const char *en;
};

/*
 * What to grade: the value id of each indicator (e.g. in.v[GBT_AP] = "N"),
 * "" for an indicator not given.  All seven technical ones are required; the
 * environment ones are all given (comprehensive grade too) or all "".
 */
struct gbt30279_input {
	char v[GBT_IND_COUNT][GBT30279_ID_MAX];
};

struct gbt30279_result {
	struct gbt30279_label exploitability;   /* Annex A level */
	struct gbt30279_label impact;           /* Annex B level */
	struct gbt30279_label technical;        /* Annex D grade, "critical" (超危) .. "low" */
	int technical_rank;                     /* 4 critical, 3 high, 2 medium, 1 low */
	int has_environment;                    /* the next three are set only if 1 */
	struct gbt30279_label environment;      /* Annex C level */
	struct gbt30279_label comprehensive;    /* Annex E grade */
	int comprehensive_rank;
	int provisional;        /* 1 if any table used is not verified against the standard */
	const char *source;     /* the policy's statement of where its tables come from */
	char vector[GBT30279_VECTOR_MAX];       /* the normalised input */
};

/* A node of the classification tree. */
struct gbt30279_class {
	const char *code;       /* "5.2.8.1" */
	const char *parent;     /* "5.2.8", or NULL for a top-level class (5.2 .. 5.5) */
	const char *zh;         /* NULL when the heading was not found */
	const char *en;         /* vulnflow's translation; NULL when not found */
	const char *description_zh;     /* or NULL */
	const char *description_en;     /* or NULL */
	enum gbt30279_certainty certainty;
};

struct gbt30279_indicator_info {
	struct gbt30279_label label;    /* id "AP", zh 访问路径, en "access path" */
	enum gbt30279_group group;
	int nvalues;
	struct gbt30279_label values[GBT30279_VALUE_MAX];       /* most severe first */
};

/*
 * Parse and validate a policy (json_text, len bytes).  Malformed JSON is
 * ERR_MALFORMED; anything else wrong is ERR_INVALID naming the place: an
 * unknown schema, indicators other than the ten above, duplicate value ids, a
 * grade other than critical/high/medium/low, a table with a missing or
 * duplicate row or a cell naming an unknown value, level or grade,
 * "verified" and "status" that disagree, a duplicate or malformed tree code,
 * a node whose parent is not in the tree.  *out is set only on success.
 */
int gbt30279_load(struct gbt30279 **out, const char *json_text, size_t len, struct err *e);
/* gbt30279_load() of the embedded policy. */
int gbt30279_load_default(struct gbt30279 **out, struct err *e);
void gbt30279_free(struct gbt30279 *p);

/* Grade in.  ERR_INVALID for a missing technical indicator, an unknown value
 * or a partial environment group. */
int gbt30279_grade(const struct gbt30279 *p, const struct gbt30279_input *in,
		   struct gbt30279_result *out, struct err *e);

/* Parse a vector (len bytes, need not be NUL-terminated) into *out, checking
 * every value against the policy.  ERR_INVALID: "empty vector", "unknown
 * indicator \"XX\"", "duplicate indicator \"AP\"", "indicator \"AP\" has no
 * value", "unknown value \"Q\" for indicator \"AP\"", "indicator \"UI\" is
 * missing", "environment indicators need all of \"EC\", \"RD\" and \"SC\"",
 * "vector is too long". */
int gbt30279_parse_vector(const struct gbt30279 *p, const char *vector, size_t len,
			  struct gbt30279_input *out, struct err *e);
/* The normalised vector of in (assumed valid) into buf; the length, or -1 if
 * it does not fit. */
int gbt30279_format_vector(const struct gbt30279_input *in, char *buf, size_t n);

/* Set in.v[ind] = value ("" clears it); -1 if value is too long. */
int gbt30279_input_set(struct gbt30279_input *in, enum gbt30279_indicator ind,
		       const char *value);
/* The indicator whose id is s ("AP"), or -1. */
int gbt30279_indicator_from_id(const char *s);
const char *gbt30279_indicator_id(enum gbt30279_indicator ind);
void gbt30279_indicator_info(const struct gbt30279 *p, enum gbt30279_indicator ind,
			     struct gbt30279_indicator_info *out);

/* A tree node by code; ERR_NOT_FOUND if the tree has no such code. */
int gbt30279_class_lookup(const struct gbt30279 *p, const char *code,
			  struct gbt30279_class *out, struct err *e);
/* The tree in file order, for listings: i in [0, gbt30279_class_count()). */
size_t gbt30279_class_count(const struct gbt30279 *p);
void gbt30279_class_at(const struct gbt30279 *p, size_t i, struct gbt30279_class *out);

/* 1 if any of the five tables is not verified.  (A single result is
 * provisional if a table it used is: A, B or D for a technical grade, any of
 * the five for a comprehensive one.) */
int gbt30279_provisional(const struct gbt30279 *p);
/* The policy's "grading_source" statement. */
const char *gbt30279_source(const struct gbt30279 *p);
/* "verified", "recalled", "not_found". */
const char *gbt30279_certainty_name(enum gbt30279_certainty c);

#endif
