/* party.h - the supplier registry (upstream, Art. 7(1)) and customers with deployments (Art. 7(3)).
 *
 * A supplier has a name (unique), a jurisdiction (ISO 3166-1 alpha-2),
 * contacts, and owns package names: purls without a version, such as
 * "pkg:maven/org.acme/lib", or a whole namespace, written with the name
 * '*' ("pkg:maven/org.acme/" and then '*').
 * SBOM imports register the suppliers their components name (source
 * "sbom"); the API and CSV imports add or update them.  A customer has the
 * same identity fields and runs product versions (deployments).
 *
 * CSV imports (RFC 4180, header row; docs/user-guide.md has examples):
 *   suppliers: name, jurisdiction, contact_name, contact_email,
 *              contact_phone, packages (purls separated by spaces)
 *   customers: customer (or name), jurisdiction, contact_name,
 *              contact_email, contact_phone, product, model, version
 * Several rows may name the same party: their contacts, packages and
 * deployments add up.  A row that cannot be used (no name, a bad purl, an
 * unknown product) is reported with its line and skipped; the rest are
 * imported in one transaction.
 */
#ifndef VF_PARTY_H
#define VF_PARTY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "service/account.h"
#include "store/db.h"

enum party_kind { PARTY_SUPPLIER, PARTY_CUSTOMER };

/* Create or update a supplier from the API's JSON body: {"name",
 * "jurisdiction","contacts":[{"name","email","phone"}],"packages":[purl]}.
 * *out is the supplier with its packages and "created". */
int party_supplier_put(struct db *db, const struct actor *a, json_t *body, json_t **out,
		       struct err *e);
int party_supplier_list(struct db *db, int64_t after, int limit, json_t **out, struct err *e);

/* Create or update a customer: {"name","jurisdiction","contacts",
 * "deployments":[{"product_id","version"}]} (a version is created if the
 * product does not have it yet). */
int party_customer_put(struct db *db, const struct actor *a, json_t *body, json_t **out,
		       struct err *e);
int party_customer_list(struct db *db, int64_t after, int limit, json_t **out, struct err *e);

/* Import a CSV file of kind; *out = {"rows","created","updated",
 * "packages","deployments","errors":[{"line","message"}]}.  -1 only when
 * the file as a whole cannot be read (not CSV, no name column). */
int party_import_csv(struct db *db, const struct actor *a, enum party_kind kind,
		     const char *text, size_t len, json_t **out, struct err *e);

/* A package pattern: "pkg:TYPE/NS/NAME", or with the name '*' every name
 * of the namespace (*name is then ""). */
int party_package_parse(const char *s, char **type, char **ns, char **name, struct err *e);

#endif
