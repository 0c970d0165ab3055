/* scoring.h - severity scoring as the CLI and the API present it.
 *
 * Wraps the pure CVSS modules (rules/cvss*.c): one JSON rendering of a
 * result, one text rendering of a score, so `vulnflow score` and
 * `POST /api/v1/score` can never disagree.
 */
#ifndef VF_SCORING_H
#define VF_SCORING_H

#include <jansson.h>

#include "rules/cvss.h"
#include "rules/gbt30279.h"

/* "9.3" for 93. */
void scoring_tenths(int tenths, char out[8]);
/* The version as text: "2.0", "3.0", "3.1", "4.0". */
const char *scoring_version(enum cvss_version v);
/* Every field of a result that applies to its version, as a JSON object. */
json_t *scoring_json(const struct cvss_result *r);

/* CWE-id from the embedded MITRE catalogue as JSON; ERR_NOT_FOUND if absent. */
int scoring_cwe(int id, json_t **out, struct err *e);

/* Grade a GB/T 30279 vector ("AP:N/TR:L/PR:N/UI:N/C:S/I:S/A:S[/EC:L/RD:H/SC:H]")
 * with the built-in policy; *out is the JSON rendering, always carrying
 * "provisional" and "source".  ERR_INVALID for a bad vector. */
int scoring_grade(const char *vector, size_t len, struct gbt30279_result *res, json_t **out,
		  struct err *e);

/* The GB/T 30279 classification tree of the built-in policy as a JSON array
 * of {code, parent, zh, en, certainty} in tree order. */
int scoring_classes(json_t **out, struct err *e);

#endif
