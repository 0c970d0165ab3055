/* cvss3.h - CVSS 3.0 and 3.1: parse, score (base, temporal, environmental), normalise (pure). */
#ifndef VF_CVSS3_H
#define VF_CVSS3_H

#include <stddef.h>

#include "base/err.h"
#include "rules/cvss.h"

/* Parse a "CVSS:3.x/..." vector and fill out (all fields of struct cvss_result
 * that apply to 3.x).  No allocation. */
int cvss3_score(const char *vector, size_t len, struct cvss_result *out, struct err *e);

#endif
