/* impact.h - which product versions (and customers) a vulnerability affects, and VEX.
 *
 * Matching is by package URL and version range, never by CPE or name: a
 * component is affected by an advisory range when their package keys (the
 * canonical purl's type, namespace and name) are equal and the component's
 * version is in the range by the ecosystem's own version order
 * (rules/vers.h).  Matches are stored, and kept up to date incrementally:
 * an imported SBOM is matched against the advisories already known
 * (impact_match_version(), called by inventory_sbom_import()), an imported
 * advisory against the components already known (impact_match_advisory(),
 * called by advisories.c).  impact_rematch_all() recomputes everything.
 * docs/internals/impact.md describes the design and its costs.
 *
 * Impact questions are then reads: of an advisory (stored matches), of an
 * ad-hoc purl + vers (evaluated on the spot), of a product version (its
 * known vulnerabilities, named by advisory id).  Each affected version
 * comes with the customers who run it (Art. 7(3)) and each package with
 * its registered supplier (Art. 7(1)).
 *
 * VEX: one statement per (advisory, product version): affected,
 * not_affected (with a justification), fixed or under_investigation;
 * exported as a CycloneDX 1.6 VEX document or a CSAF 2.0 VEX document.
 */
#ifndef VF_IMPACT_H
#define VF_IMPACT_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"
#include "service/account.h"
#include "store/db.h"

/* Inside the caller's transaction: match the components of one version
 * against every stored range; *added = matches recorded. */
int impact_match_version(struct db_conn *c, int64_t version_id, int64_t *added, struct err *e);
/* One freshly stored component, for impact_match_components(): its
 * canonical purl's package key and the version to match (NULL type, name or
 * version: it is not matched; NULL namespace is ""). */
struct impact_component {
	const char *pkg_type;
	const char *pkg_namespace;
	const char *pkg_name;
	const char *pkg_version;
};
/* impact_match_components() scans the stored ranges once instead of looking
 * them up key by key when the SBOM has at least IMPACT_SCAN_MIN_KEYS
 * distinct package keys and at least one per IMPACT_SCAN_RANGES_PER_KEY
 * stored ranges (measured: a key looked up costs about as much as 80 range
 * rows scanned). */
#define IMPACT_SCAN_MIN_KEYS 1000
#define IMPACT_SCAN_RANGES_PER_KEY 64
/* Inside the caller's transaction: the same as impact_match_version() for
 * the n components just stored for version_id (comps[i] is the one of idx
 * i; all of them), with the same result and count, but decided in memory
 * from one scan of the stored ranges when the SBOM spans enough package
 * keys (above) and none of them has a 0x1f byte in a part. */
int impact_match_components(struct db_conn *c, int64_t version_id,
			    const struct impact_component *comps, size_t n, int64_t *added,
			    struct err *e);
/* Inside the caller's transaction: match one advisory's ranges against
 * every stored component. */
int impact_match_advisory(struct db_conn *c, int64_t advisory_id, int64_t *added,
			  struct err *e);

struct impact_stats {
	int64_t candidates;     /* component x range pairs of the same package */
	int64_t matches;        /* of those, the component's version is in the range */
	int64_t unparsable;     /* pairs skipped: a version not of the range's scheme */
	int64_t us;             /* wall time */
};
/* Drop every stored match and match everything again (one transaction). */
int impact_rematch_all(struct db *db, const struct actor *a, struct impact_stats *st,
		       struct err *e);

/* purl (a package; a version in it is used when vers is NULL) and vers (a
 * "vers:" range; NULL or "" with no purl version: every version) ->
 * {"purl","vers","affected":[{product, version, components, customers}],
 * "suppliers":[...], counts}. */
int impact_query(struct db *db, const char *purl, const char *vers, json_t **out,
		 struct err *e);
/* The stored impact of an imported advisory (by its id, e.g. the OSV id). */
int impact_of_advisory(struct db *db, const char *ident, json_t **out, struct err *e);
/* Every known vulnerability of a product version, by advisory id, with the
 * affected components and the VEX statement if any. */
int impact_version_vulnerabilities(struct db *db, int64_t product_id, const char *version,
				   json_t **out, struct err *e);

/* VEX statuses and justifications (CycloneDX impact-analysis justifications
 * and CSAF flag labels are both accepted). */
int impact_vex_set(struct db *db, const struct actor *a, int64_t product_id, const char *version,
		   const char *ident, const char *status, const char *justification,
		   const char *detail, json_t **out, struct err *e);
/* The version's VEX as a CycloneDX 1.6 document (format "cyclonedx") or a
 * CSAF 2.0 document (format "csaf"); every matched vulnerability is listed,
 * those without a statement as under investigation.  free() *out. */
int impact_vex_export(struct db *db, int64_t product_id, const char *version,
		      const char *format, char **out, struct err *e);

extern const char *const impact_vex_statuses[];
extern const char *const impact_vex_justifications[];

#endif
