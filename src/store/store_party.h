/* store_party.h - SQL for suppliers (upstream), customers and their deployments (downstream).
 *
 * A supplier owns package names: rows of (purl type, namespace, name) where
 * name "" means every package of the namespace.  A package has at most one
 * owner; the first claim wins (store_supplier_claim()).  A deployment says
 * that a customer runs one product version.  Contacts are a JSON array of
 * {"name","email","phone"} kept as text.  Row strings are valid only during
 * the callback.
 */
#ifndef VF_STORE_PARTY_H
#define VF_STORE_PARTY_H

#include <stdint.h>

#include "store/db.h"

struct party_row {
	int64_t id;
	const char *name;
	const char *jurisdiction;      /* ISO 3166-1 alpha-2, or "" */
	const char *contacts;          /* JSON array */
	const char *source;            /* suppliers: "api", "csv" or "sbom" */
	int64_t created_at;
	int64_t updated_at;
};

struct supplier_package_row {
	int64_t supplier_id;
	const char *pkg_type;
	const char *pkg_namespace;     /* "" when none */
	const char *pkg_name;          /* "" = the whole namespace */
};

/* One product version a customer runs, or a customer running one. */
struct deployment_row {
	int64_t customer_id;
	const char *customer;
	const char *jurisdiction;
	const char *contacts;
	int64_t product_id;
	const char *product;
	const char *model;
	const char *vendor;
	int64_t version_id;
	const char *version;
};

typedef int store_party_fn(void *arg, const struct party_row *p, struct err *e);
typedef int store_deployment_fn(void *arg, const struct deployment_row *d, struct err *e);

/* Insert a supplier, or with update != 0 update the jurisdiction and
 * contacts of the one of that name; *id is its id and *created 1 if new.
 * With update == 0 an existing supplier is left as it is. */
int store_supplier_upsert(struct db_conn *c, const struct party_row *p, int update, int64_t *id,
			  int *created, struct err *e);
int store_supplier_get(struct db_conn *c, int64_t id, store_party_fn *fn, void *arg,
		       struct err *e);
int store_supplier_list(struct db_conn *c, int64_t after, int limit, store_party_fn *fn,
			void *arg, struct err *e);
/* Claim a package (or namespace, pkg_name "") for a supplier unless someone
 * owns it; *claimed 1 if this call made the claim. */
int store_supplier_claim(struct db_conn *c, const struct supplier_package_row *r, int *claimed,
			 struct err *e);
int store_supplier_packages(struct db_conn *c, int64_t supplier_id,
			    int (*fn)(void *arg, const struct supplier_package_row *r,
				      struct err *e),
			    void *arg, struct err *e);
/* The owner of a package: the exact (type, namespace, name) claim, else the
 * namespace's; *id 0 if nobody owns it. */
int store_supplier_owner(struct db_conn *c, const char *type, const char *ns, const char *name,
			 int64_t *id, struct err *e);

/* Customers: as suppliers, without a source. */
int store_customer_upsert(struct db_conn *c, const struct party_row *p, int update, int64_t *id,
			  int *created, struct err *e);
int store_customer_get(struct db_conn *c, int64_t id, store_party_fn *fn, void *arg,
		       struct err *e);
int store_customer_list(struct db_conn *c, int64_t after, int limit, store_party_fn *fn,
			void *arg, struct err *e);
/* Record that a customer runs a product version (no error if it is known). */
int store_deployment_add(struct db_conn *c, int64_t customer_id, int64_t version_id, int64_t now,
			 int *created, struct err *e);
/* The deployments of one customer, or (customer_id 0) of one version. */
int store_deployment_list(struct db_conn *c, int64_t customer_id, int64_t version_id,
			  store_deployment_fn *fn, void *arg, struct err *e);

#endif
