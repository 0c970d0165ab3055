/* cvss.h - CVSS vectors of every version vulnflow reads: 2.0, 3.0, 3.1 and 4.0 (pure).
 *
 * Each version has its own module (cvss2.c, cvss3.c, cvss4.c) that parses a
 * vector into a small fixed struct without allocating, scores it exactly as
 * FIRST's specification and reference calculators do, and writes the
 * normalised vector back.  cvss.c dispatches on the vector's prefix:
 * "CVSS:4.0/", "CVSS:3.1/", "CVSS:3.0/", or none (or "(...)") for 2.0.
 *
 * Scores are carried as integer tenths (93 = 9.3), so no caller ever rounds
 * a double again.
 */
#ifndef VF_CVSS_H
#define VF_CVSS_H

#include <stddef.h>

#include "base/err.h"

enum cvss_version { CVSS_V2 = 20, CVSS_V30 = 30, CVSS_V31 = 31, CVSS_V40 = 40 };

#define CVSS_VECTOR_MAX 512   /* the longest normalised vector, with NUL */

/* Everything a scoring produces, for `vulnflow score --json` and the API. */
struct cvss_result {
	enum cvss_version version;
	int score;                    /* the score to show, in tenths (see below) */
	const char *severity;         /* "None", "Low", "Medium", "High", "Critical" */
	/* 2.0 and 3.x: every sub-score in tenths, -1 where not applicable */
	int base, temporal, environmental;
	int impact, exploitability;   /* base impact and exploitability sub-scores */
	int modified_impact;          /* 3.x environmental impact sub-score; 2.0 adjusted impact */
	int has_temporal;             /* a temporal metric other than X / ND is set */
	int has_environmental;        /* an environmental metric other than X / ND is set */
	/* 4.0 */
	char nomenclature[12];        /* "CVSS-B", "CVSS-BT", "CVSS-BE", "CVSS-BTE" */
	char macrovector[8];          /* the six EQ digits, e.g. "000200" */
	char vector[CVSS_VECTOR_MAX]; /* the normalised vector */
};

/*
 * Parse and score any supported vector (len bytes, need not be NUL-terminated).
 * The score shown: 4.0 its single score; 3.x and 2.0 the environmental score if
 * any environmental metric is set, else the temporal one if any temporal
 * metric is set, else the base score.  Errors are ERR_INVALID with a message
 * naming the metric ("metric \"AV\" is missing", "duplicate metric \"AC\"",
 * "unknown value \"Q\" for metric \"AV\"", "metric \"AT\" out of order"...).
 */
int cvss_score(const char *vector, size_t len, struct cvss_result *out, struct err *e);

/* The qualitative rating of a score in tenths (CVSS 3.x/4.0 bands; for 2.0 the
 * NVD bands Low 0.0-3.9, Medium 4.0-6.9, High 7.0-10.0). */
const char *cvss_severity(enum cvss_version v, int tenths);

/* For the version modules' error messages: copy n bytes of untrusted input
 * into buf (size bytes): printable ASCII as is, '"', '\\' and any other byte
 * as \xHH, cut with "..." when long.  Returns buf. */
const char *cvss_quote(char *buf, size_t size, const char *s, size_t n);

#endif
