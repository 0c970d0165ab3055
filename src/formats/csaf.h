/* csaf.h - CSAF 2.0 documents into the advisory model (pure).
 *
 * One document becomes one advisory named by document.tracking.id, with the
 * CVE ids and vulnerability ids of "vulnerabilities" as aliases and the
 * document title as summary.  The product tree gives each product id a
 * package URL (product_identification_helper.purl, through branches,
 * full_product_names and relationships, which take the purl of their
 * product_reference) and, for a branch of category "product_version_range"
 * whose name is a "vers:" string, a range.  Then each vulnerability's
 * product_status: known_affected and first_affected products are affected at
 * their purl's version (or in their range, or at every version when the
 * purl has none); last_affected at that version and below; fixed and
 * first_fixed below that version (as OSV's Red Hat converter reads them).
 * Products without a purl are noted and skipped.
 */
#ifndef VF_CSAF_H
#define VF_CSAF_H

#include <jansson.h>

#include "formats/advisory.h"

/* root is a CSAF 2.0 document (not consumed). */
int csaf_from_json(struct advisory **out, json_t *root, struct err *e);

#endif
