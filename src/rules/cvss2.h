/* cvss2.h - CVSS 2.0: parse, score (base, temporal, environmental), normalise (pure). */
#ifndef VF_CVSS2_H
#define VF_CVSS2_H

#include <stddef.h>

#include "base/err.h"
#include "rules/cvss.h"

/* Parse a 2.0 vector ("AV:N/AC:L/Au:N/C:P/I:P/A:P", optionally in parentheses
 * or prefixed "CVSS:2.0/") and fill out.  No allocation. */
int cvss2_score(const char *vector, size_t len, struct cvss_result *out, struct err *e);

#endif
