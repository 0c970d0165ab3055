/* cvss4.h - CVSS 4.0: parse, MacroVector, score by FIRST's lookup and interpolation (pure). */
#ifndef VF_CVSS4_H
#define VF_CVSS4_H

#include <stddef.h>

#include "base/err.h"
#include "rules/cvss.h"

/* Parse a "CVSS:4.0/..." vector (metrics in the specification's order) and fill
 * out: score, severity, nomenclature, macrovector, normalised vector.  No allocation. */
int cvss4_score(const char *vector, size_t len, struct cvss_result *out, struct err *e);

#endif
