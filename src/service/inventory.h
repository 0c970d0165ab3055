/* inventory.h - products, their versions and SBOMs: create, read, import, export.
 *
 * What the provider ships (Art. 7): a product (name, model, vendor; unique
 * together) has versions, and a version has the components of its SBOM.
 * inventory_sbom_import() parses a CycloneDX 1.2-1.7 or SPDX 2.3 JSON SBOM
 * (formats/sbom.h), canonicalises each component's package URL, and in one
 * transaction replaces the version's document, components and dependency
 * edges, registers the suppliers the SBOM names (pre-filling the supplier
 * registry, party.h), matches the components against the stored advisories
 * (impact.h) and writes the audit event.  The stored document is what
 * inventory_sbom_export() turns into CycloneDX 1.6.
 *
 * Results are JSON as the API and the CLI show them (docs/api.md).
 * Changes take the acting party and are audited; reads are not.
 */
#ifndef VF_INVENTORY_H
#define VF_INVENTORY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "service/account.h"
#include "store/db.h"

/* Create a product; model and vendor may be NULL ("").  ERR_CONFLICT
 * "product_exists" if the triple is taken; ERR_INVALID for bad text. */
int inventory_product_create(struct db *db, const struct actor *a, const char *name,
			     const char *model, const char *vendor, json_t **out, struct err *e);
/* One product with its versions. */
int inventory_product_get(struct db *db, int64_t id, json_t **out, struct err *e);
/* Products with id > after, at most limit (1..500). */
int inventory_product_list(struct db *db, int64_t after, int limit, json_t **out, struct err *e);
/* The id of the product called name (and model, when not NULL);
 * ERR_NOT_FOUND, or ERR_CONFLICT when several products have that name. */
int inventory_product_find(struct db *db, const char *name, const char *model, int64_t *id,
			   struct err *e);

/* Add a version to a product; ERR_CONFLICT "version_exists". */
int inventory_version_create(struct db *db, const struct actor *a, int64_t product_id,
			     const char *version, json_t **out, struct err *e);
/* The id of a product's version; ERR_NOT_FOUND if either is missing. */
int inventory_version_id(struct db *db, int64_t product_id, const char *version, int64_t *id,
			 struct err *e);

/*
 * Import the SBOM doc (len bytes, at most max_len; 0 = the parser's
 * default) for the version of product_id, creating the version if it is new
 * and replacing any SBOM it had.  *out is the summary: counts, the number of
 * new matches and the parser's diagnostics.  A document the parser refuses
 * is ERR_MALFORMED / ERR_INVALID / ERR_TOO_LARGE with the parser's message
 * (a JSON path first); nothing is stored then.
 */
int inventory_sbom_import(struct db *db, const struct actor *a, int64_t product_id,
			  const char *version, const char *doc, size_t len, size_t max_len,
			  json_t **out, struct err *e);
/* The version's SBOM as CycloneDX 1.6 JSON (free() it); ERR_NOT_FOUND
 * "no_sbom" when it has none. */
int inventory_sbom_export(struct db *db, int64_t product_id, const char *version, char **out,
			  struct err *e);
/* The version's components as stored (canonical purls, suppliers, hashes,
 * licences, parents), in SBOM order. */
int inventory_components(struct db *db, int64_t product_id, const char *version, json_t **out,
			 struct err *e);

/* Shared by the services of this vertical: 1..max code points of UTF-8
 * without control characters (min 0: NULL allowed). */
int inventory_check_text(const char *field, const char *v, long min, long max, struct err *e);
/* A time as the API shows it (RFC 3339 UTC), or null for 0. */
json_t *inventory_time_json(int64_t us);

#endif
