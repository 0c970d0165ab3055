/* store_inventory.h - SQL for products, product versions, their SBOMs and components.
 *
 * A product is unique by (name, model, vendor); model and vendor are "" when
 * not given.  A product version holds at most one SBOM: importing another
 * replaces the document, the components and the dependency edges (and the
 * stored matches of those components, store_inventory_clear()).  Components
 * are numbered 0..n-1 in the order of the SBOM model (idx), and parent and
 * edges refer to those numbers.
 *
 * Rows handed to callbacks point into the statement: their strings are
 * valid only during the call.  NULL strings are SQL NULL.
 */
#ifndef VF_STORE_INVENTORY_H
#define VF_STORE_INVENTORY_H

#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

struct product_row {
	int64_t id;
	const char *name;
	const char *model;             /* "" when none */
	const char *vendor;            /* "" when none */
	int64_t created_at;
	int64_t versions;              /* lists only: how many versions it has */
};

struct pversion_row {
	int64_t id;
	int64_t product_id;
	const char *version;
	int64_t created_at;
	int has_sbom;
	int64_t components;            /* of its SBOM, 0 without one */
	int64_t imported_at;           /* of its SBOM, 0 without one */
};

struct sbom_row {
	int64_t version_id;
	const char *format;            /* "CycloneDX" or "SPDX" */
	const char *spec_version;
	const char *serial;
	const void *document;          /* the document as imported */
	size_t document_len;
	const char *doc_hash;          /* SHA-256 hex of document */
	int64_t components;
	int64_t edges;
	const char *diagnostics;       /* JSON array */
	int64_t imported_at;
};

/* One component of an SBOM.  pkg_* are the canonical purl's parts (NULL,
 * and pkg_namespace "", when the component has no valid purl); pkg_version
 * is the version matched against advisories (the purl's, else version). */
struct component_row {
	int64_t id;
	int64_t version_id;
	int64_t idx;
	int64_t parent_idx;            /* -1 at the top */
	const char *bom_ref;
	const char *kind;              /* "component" or "service" */
	const char *type;
	const char *group;
	const char *name;
	const char *version;
	const char *purl;              /* canonical */
	const char *pkg_type;
	const char *pkg_namespace;
	const char *pkg_name;
	const char *pkg_version;
	const char *supplier;
	int64_t supplier_id;           /* 0 = none */
	const char *hashes;            /* JSON array or NULL */
	const char *licenses;          /* JSON array or NULL */
};

typedef int store_product_fn(void *arg, const struct product_row *p, struct err *e);
typedef int store_pversion_fn(void *arg, const struct pversion_row *v, struct err *e);
typedef int store_component_fn(void *arg, const struct component_row *c, struct err *e);

/* Insert p (id assigned into *id); ERR_CONFLICT "product_exists" if the
 * (name, model, vendor) triple is taken. */
int store_product_insert(struct db_conn *c, const struct product_row *p, int64_t *id,
			 struct err *e);
/* fn once; ERR_NOT_FOUND if there is no such product. */
int store_product_get(struct db_conn *c, int64_t id, store_product_fn *fn, void *arg,
		      struct err *e);
/* Products named name (any model and vendor), by id. */
int store_product_by_name(struct db_conn *c, const char *name, store_product_fn *fn, void *arg,
			  struct err *e);
/* Products with id > after, by id, at most limit, with their version counts. */
int store_product_list(struct db_conn *c, int64_t after, int limit, store_product_fn *fn,
		       void *arg, struct err *e);

/* Insert a version of a product; ERR_CONFLICT "version_exists" if it has it. */
int store_pversion_insert(struct db_conn *c, int64_t product_id, const char *version,
			  int64_t now, int64_t *id, struct err *e);
/* The version of product_id named version; ERR_NOT_FOUND if none. */
int store_pversion_get(struct db_conn *c, int64_t product_id, const char *version,
		       store_pversion_fn *fn, void *arg, struct err *e);
int store_pversion_by_id(struct db_conn *c, int64_t id, store_pversion_fn *fn, void *arg,
			 struct err *e);
/* Every version of a product, by id. */
int store_pversion_list(struct db_conn *c, int64_t product_id, store_pversion_fn *fn,
			void *arg, struct err *e);

/* Drop the SBOM of a version: its matches, edges, components and document. */
int store_inventory_clear(struct db_conn *c, int64_t version_id, struct err *e);
int store_sbom_insert(struct db_conn *c, const struct sbom_row *s, struct err *e);
/* fn once with the SBOM of version_id; ERR_NOT_FOUND if it has none. */
int store_sbom_get(struct db_conn *c, int64_t version_id,
		   int (*fn)(void *arg, const struct sbom_row *s, struct err *e), void *arg,
		   struct err *e);
/* Insert one component (r->id is ignored). */
int store_component_insert(struct db_conn *c, const struct component_row *r, struct err *e);
/* ids[idx] = the id of component idx of version_id, for every idx < n it has
 * (one pass over the (version_id, idx) index, cheaper than RETURNING on each
 * insert); other entries are left as they are. */
int store_component_ids(struct db_conn *c, int64_t version_id, int64_t *ids, size_t n,
			struct err *e);
int store_edge_insert(struct db_conn *c, int64_t version_id, int64_t from, int64_t to, int kind,
		      struct err *e);
/* The largest advisory range id (0 without ranges): at least the number of
 * stored ranges, found in O(log n); the SBOM import's matcher sizes its
 * strategy with it. */
int store_range_id_max(struct db_conn *c, int64_t *n, struct err *e);
/* The components of a version in idx order. */
int store_component_list(struct db_conn *c, int64_t version_id, store_component_fn *fn,
			 void *arg, struct err *e);

#endif
