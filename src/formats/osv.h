/* osv.h - OSV (Open Source Vulnerability format, schema 1.x) records into the advisory model (pure).
 *
 * One record becomes one advisory: "id", "aliases", "summary" (else the
 * first line of "details"), "published", "modified", "withdrawn", and for
 * each "affected" entry its package key and ranges.  The package key comes
 * from the ecosystem and name (npm "@scope/name", Maven "group:artifact",
 * Go module paths, Debian/Ubuntu/Alpine/Red Hat/SUSE/... distribution
 * packages; docs/internals/impact.md has the table), else from
 * "package.purl".  SEMVER and ECOSYSTEM ranges become one vers range per
 * introduced..fixed (or ..last_affected) interval, in the ecosystem's scheme
 * ("introduced": "0" is unbounded below); the "versions" list becomes one
 * range of equalities.  GIT ranges and unknown ecosystems are noted and
 * skipped.  advisory_parse() calls this; it is here for callers that hold
 * the JSON already.
 */
#ifndef VF_OSV_H
#define VF_OSV_H

#include <jansson.h>

#include "formats/advisory.h"

/* root is an OSV record (not consumed).  ERR_INVALID names a missing or
 * mistyped member. */
int osv_from_json(struct advisory **out, json_t *root, struct err *e);

#endif
