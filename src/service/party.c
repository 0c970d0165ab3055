/* party.c - suppliers, customers, deployments, and their CSV imports (see party.h). */
#include "service/party.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonv.h"
#include "base/mem.h"
#include "base/timefmt.h"
#include "formats/csv.h"
#include "rules/purl.h"
#include "service/audit.h"
#include "service/inventory.h"
#include "store/store_inventory.h"
#include "store/store_party.h"

#define ACQUIRE_MS 10000

int party_package_parse(const char *s, char **type, char **ns, char **name, struct err *e)
{
	size_t n = strlen(s);
	struct purl *p = NULL;
	char *copy = xstrdup(s);
	int whole = n > 2 && strcmp(s + n - 2, "/*") == 0;

	*type = *ns = *name = NULL;
	if (whole)
		copy[n - 1] = 'x';   /* parse "…/x", keep type and namespace */
	if (purl_parse(&p, copy, strlen(copy), e) < 0) {
		free(copy);
		return -1;
	}
	free(copy);
	if (whole && p->namespace == NULL) {
		purl_free(p);
		return err_set(e, ERR_INVALID, "package \"%s\": \"/*\" needs a namespace before it", s);
	}
	*type = xstrdup(p->type);
	*ns = xstrdup(p->namespace ? p->namespace : "");
	*name = xstrdup(whole ? "" : p->name);
	purl_free(p);
	return 0;
}

static int check_jurisdiction(const char *j, struct err *e)
{
	if (j == NULL || j[0] == '\0')
		return 0;
	if (strlen(j) != 2 || j[0] < 'A' || j[0] > 'Z' || j[1] < 'A' || j[1] > 'Z')
		return err_set(e, ERR_INVALID,
			       "\"jurisdiction\" must be an ISO 3166-1 alpha-2 code such as \"CN\"");
	return 0;
}

/* Check a contacts array and render it as text. */
static int contacts_text(json_t *contacts, char **out, struct err *e)
{
	json_t *c;
	size_t i;

	*out = NULL;
	if (contacts == NULL) {
		*out = xstrdup("[]");
		return 0;
	}
	json_array_foreach(contacts, i, c) {
		const char *email = json_string_value(json_object_get(c, "email"));

		if (email && email[0] && !jsonv_valid_email(email))
			return err_set(e, ERR_INVALID, "contacts[%zu].email: \"%s\" is not an e-mail"
				       " address", i, email);
	}
	*out = json_dumps(contacts, JSON_COMPACT);
	return *out ? 0 : err_set(e, ERR_INTERNAL, "cannot render contacts");
}

static int package_append(void *arg, const struct supplier_package_row *r, struct err *e)
{
	struct purl k = { .type = (char *)r->pkg_type,
			  .namespace = (char *)(r->pkg_namespace[0] ? r->pkg_namespace : NULL),
			  .name = (char *)(r->pkg_name[0] ? r->pkg_name : "x") };
	char *s = NULL;

	if (purl_build(&s, &k, e) < 0)
		return -1;
	if (r->pkg_name[0] == '\0')
		s[strlen(s) - 1] = '*';
	json_array_append_new(arg, json_string(s));
	free(s);
	return 0;
}

static json_t *contacts_json(const char *text)
{
	json_error_t je;
	json_t *v = text ? json_loads(text, 0, &je) : NULL;

	return v ? v : json_array();
}

struct party_list {
	struct db_conn *c;
	enum party_kind kind;
	json_t *arr;
};

static int deployment_append(void *arg, const struct deployment_row *d, struct err *e)
{
	(void)e;
	json_array_append_new(arg, json_pack("{s:I, s:s, s:s, s:s, s:I, s:s}", "product_id",
					     (json_int_t)d->product_id, "product", d->product,
					     "model", d->model, "vendor", d->vendor, "version_id",
					     (json_int_t)d->version_id, "version", d->version));
	return 0;
}

static int party_append(void *arg, const struct party_row *p, struct err *e)
{
	struct party_list *l = arg;
	json_t *o = json_pack("{s:I, s:s, s:s, s:o, s:o, s:o}", "id", (json_int_t)p->id, "name",
			      p->name, "jurisdiction", p->jurisdiction, "contacts",
			      contacts_json(p->contacts), "created_at",
			      inventory_time_json(p->created_at), "updated_at",
			      inventory_time_json(p->updated_at));
	json_t *sub = json_array();

	json_array_append_new(l->arr, o);
	if (l->kind == PARTY_SUPPLIER) {
		json_object_set_new(o, "source", json_string(p->source));
		json_object_set_new(o, "packages", sub);
		return store_supplier_packages(l->c, p->id, package_append, sub, e);
	}
	json_object_set_new(o, "deployments", sub);
	return store_deployment_list(l->c, p->id, 0, deployment_append, sub, e);
}

static int list(struct db *db, enum party_kind kind, int64_t after, int limit, json_t **out,
		struct err *e)
{
	struct party_list l = { NULL, kind, json_array() };
	int rc;

	*out = NULL;
	if (db_acquire(db, &l.c, ACQUIRE_MS, e) < 0) {
		json_decref(l.arr);
		return -1;
	}
	rc = kind == PARTY_SUPPLIER ? store_supplier_list(l.c, after, limit, party_append, &l, e)
				    : store_customer_list(l.c, after, limit, party_append, &l, e);
	db_release(l.c);
	if (rc < 0) {
		json_decref(l.arr);
		return -1;
	}
	*out = l.arr;
	return 0;
}

int party_supplier_list(struct db *db, int64_t after, int limit, json_t **out, struct err *e)
{
	return list(db, PARTY_SUPPLIER, after, limit, out, e);
}

int party_customer_list(struct db *db, int64_t after, int limit, json_t **out, struct err *e)
{
	return list(db, PARTY_CUSTOMER, after, limit, out, e);
}

/* Find or create the version of a product (by id) for a deployment. */
static int pick_version(void *arg, const struct pversion_row *v, struct err *e)
{
	(void)e;
	*(int64_t *)arg = v->id;
	return 0;
}

static int pick_product(void *arg, const struct product_row *p, struct err *e)
{
	(void)e;
	(void)p;
	*(int *)arg = 1;
	return 0;
}

static int deploy(struct db_conn *c, int64_t customer_id, int64_t product_id, const char *version,
		  int *created, struct err *e)
{
	int64_t vid = 0;
	int found = 0;

	*created = 0;
	if (inventory_check_text("version", version, 1, 90, e) < 0)
		return -1;
	if (store_product_get(c, product_id, pick_product, &found, e) < 0) {
		if (e->code == ERR_NOT_FOUND)
			err_set(e, ERR_INVALID, "no product %lld", (long long)product_id);
		return -1;
	}
	if (store_pversion_get(c, product_id, version, pick_version, &vid, e) < 0) {
		if (e->code != ERR_NOT_FOUND ||
		    store_pversion_insert(c, product_id, version, time_now_us(), &vid, e) < 0)
			return -1;
	}
	return store_deployment_add(c, customer_id, vid, time_now_us(), created, e);
}

/* The shared body of the two put functions, in the caller's transaction. */
static int put(struct db_conn *c, enum party_kind kind, const char *source, const char *name,
	       const char *jur, const char *contacts, int64_t *id, int *created, struct err *e)
{
	struct party_row p = { .name = name, .jurisdiction = jur ? jur : "",
			       .contacts = contacts, .source = source,
			       .created_at = time_now_us() };

	if (inventory_check_text("name", name, 1, 200, e) < 0 || check_jurisdiction(jur, e) < 0)
		return -1;
	return kind == PARTY_SUPPLIER ? store_supplier_upsert(c, &p, 1, id, created, e)
				      : store_customer_upsert(c, &p, 1, id, created, e);
}

static int claim(struct db_conn *c, int64_t supplier_id, const char *pattern, int *claimed,
		 struct err *e)
{
	char *type, *ns, *name;
	struct supplier_package_row r;
	int rc;

	if (party_package_parse(pattern, &type, &ns, &name, e) < 0)
		return -1;
	r.supplier_id = supplier_id;
	r.pkg_type = type;
	r.pkg_namespace = ns;
	r.pkg_name = name;
	rc = store_supplier_claim(c, &r, claimed, e);
	free(type);
	free(ns);
	free(name);
	return rc;
}

static int get_party(struct db_conn *c, enum party_kind kind, int64_t id, json_t **out,
		     struct err *e)
{
	struct party_list l = { c, kind, json_array() };
	int rc = kind == PARTY_SUPPLIER ? store_supplier_get(c, id, party_append, &l, e)
					: store_customer_get(c, id, party_append, &l, e);

	*out = rc == 0 ? json_incref(json_array_get(l.arr, 0)) : NULL;
	json_decref(l.arr);
	return rc;
}

static int party_put(struct db *db, const struct actor *a, enum party_kind kind, json_t *body,
		     json_t **out, struct err *e)
{
	const char *name = json_string_value(json_object_get(body, "name"));
	const char *jur = json_string_value(json_object_get(body, "jurisdiction"));
	json_t *list, *x;
	char *contacts = NULL;
	struct db_conn *c;
	int64_t id;
	int created, n_claimed = 0, n_deployed = 0, rc = -1;
	size_t i;

	*out = NULL;
	if (contacts_text(json_object_get(body, "contacts"), &contacts, e) < 0)
		return -1;
	if (db_acquire(db, &c, ACQUIRE_MS, e) < 0) {
		free(contacts);
		return -1;
	}
	if (db_begin(c, e) < 0)
		goto out;
	if (put(c, kind, "api", name, jur, contacts, &id, &created, e) < 0)
		goto rollback;
	list = json_object_get(body, kind == PARTY_SUPPLIER ? "packages" : "deployments");
	json_array_foreach(list, i, x) {
		int done;

		if (kind == PARTY_SUPPLIER) {
			if (claim(c, id, json_string_value(x), &done, e) < 0) {
				char msg[sizeof(e->msg)];

				snprintf(msg, sizeof(msg), "%s", e->msg);
				err_set(e, ERR_INVALID, "packages[%zu]: %s", i, msg);
				goto rollback;
			}
			n_claimed += done;
		} else {
			if (deploy(c, id, json_integer_value(json_object_get(x, "product_id")),
				   json_string_value(json_object_get(x, "version")), &done, e) < 0) {
				char msg[sizeof(e->msg)];

				snprintf(msg, sizeof(msg), "%s", e->msg);
				err_set(e, ERR_INVALID, "deployments[%zu]: %s", i, msg);
				goto rollback;
			}
			n_deployed += done;
		}
	}
	if (audit_record(c, a, kind == PARTY_SUPPLIER ? "supplier.put" : "customer.put",
			 kind == PARTY_SUPPLIER ? "supplier" : "customer", id,
			 json_pack("{s:s, s:b, s:i, s:i}", "name", name, "created", created,
				   "packages", n_claimed, "deployments", n_deployed), e) < 0 ||
	    get_party(c, kind, id, out, e) < 0 || db_commit(c, e) < 0)
		goto rollback;
	json_object_set_new(*out, "created", json_boolean(created));
	rc = 0;
	goto out;
rollback:
	db_rollback(c);
	json_decref(*out);
	*out = NULL;
out:
	db_release(c);
	free(contacts);
	return rc;
}

int party_supplier_put(struct db *db, const struct actor *a, json_t *body, json_t **out,
		       struct err *e)
{
	return party_put(db, a, PARTY_SUPPLIER, body, out, e);
}

int party_customer_put(struct db *db, const struct actor *a, json_t *body, json_t **out,
		       struct err *e)
{
	return party_put(db, a, PARTY_CUSTOMER, body, out, e);
}

/* ---- CSV ---- */

struct product_pick {
	const char *model;
	int64_t id;
	int n;
};

static int product_by_model(void *arg, const struct product_row *p, struct err *e)
{
	struct product_pick *pp = arg;

	(void)e;
	if (pp->model && pp->model[0] && strcmp(pp->model, p->model) != 0)
		return 0;
	pp->id = p->id;
	pp->n++;
	return 0;
}

static void row_error(json_t *errors, size_t line, const char *msg)
{
	json_array_append_new(errors, json_pack("{s:I, s:s}", "line", (json_int_t)line, "message",
						msg));
}

/* Merge the rows of one party: jurisdiction (last non-empty wins), contacts. */
static json_t *merged(json_t *by_name, const char *name)
{
	json_t *m = json_object_get(by_name, name);

	if (m == NULL) {
		m = json_pack("{s:s, s:[], s:[]}", "jurisdiction", "", "contacts", "items");
		json_object_set_new(by_name, name, m);
	}
	return m;
}

int party_import_csv(struct db *db, const struct actor *a, enum party_kind kind,
		     const char *text, size_t len, json_t **out, struct err *e)
{
	struct csv *t = NULL;
	struct db_conn *c = NULL;
	json_t *by_name = json_object(), *errors = json_array(), *m;
	const char *name;
	int col_name, col_jur, col_cn, col_ce, col_cp, col_pk, col_prod, col_model, col_ver;
	int64_t n_created = 0, n_updated = 0, n_items = 0;
	int rc = -1;

	*out = NULL;
	if (csv_parse(&t, text, len, e) < 0)
		goto out;
	col_name = csv_col(t, kind == PARTY_CUSTOMER && csv_col(t, "customer") >= 0 ? "customer"
										   : "name");
	col_jur = csv_col(t, "jurisdiction");
	col_cn = csv_col(t, "contact_name");
	col_ce = csv_col(t, "contact_email");
	col_cp = csv_col(t, "contact_phone");
	col_pk = csv_col(t, "packages");
	col_prod = csv_col(t, "product");
	col_model = csv_col(t, "model");
	col_ver = csv_col(t, "version");
	if (col_name < 0) {
		err_set(e, ERR_INVALID, "the header has no \"%s\" column",
			kind == PARTY_CUSTOMER ? "customer" : "name");
		goto out;
	}
	/* first pass: validate rows and merge them by name */
	for (size_t r = 0; r < t->n_rows; r++) {
		const char *jur = csv_get(t, r, col_jur), *cn = csv_get(t, r, col_cn);
		const char *ce = csv_get(t, r, col_ce), *cp = csv_get(t, r, col_cp);
		size_t line = t->rows[r].line;
		struct err re = ERR_INIT;
		json_t *contact;

		name = csv_get(t, r, col_name);
		if (inventory_check_text("name", name, 1, 200, &re) < 0 ||
		    check_jurisdiction(jur, &re) < 0) {
			row_error(errors, line, re.msg);
			continue;
		}
		if (ce[0] && !jsonv_valid_email(ce)) {
			char msg[300];

			snprintf(msg, sizeof(msg), "\"%.200s\" is not an e-mail address", ce);
			row_error(errors, line, msg);
			continue;
		}
		m = merged(by_name, name);
		if (jur[0])
			json_object_set_new(m, "jurisdiction", json_string(jur));
		if (cn[0] || ce[0] || cp[0]) {
			contact = json_object();
			if (cn[0])
				json_object_set_new(contact, "name", json_string(cn));
			if (ce[0])
				json_object_set_new(contact, "email", json_string(ce));
			if (cp[0])
				json_object_set_new(contact, "phone", json_string(cp));
			if (json_string_value(json_object_get(contact, "name")) == NULL &&
			    json_object_size(contact) == 0)
				json_decref(contact);
			else
				json_array_append_new(json_object_get(m, "contacts"), contact);
		}
		if (kind == PARTY_SUPPLIER) {
			char *copy = xstrdup(csv_get(t, r, col_pk)), *save = NULL;

			for (char *tok = strtok_r(copy, " \t;", &save); tok;
			     tok = strtok_r(NULL, " \t;", &save))
				json_array_append_new(json_object_get(m, "items"),
						      json_pack("{s:s, s:I}", "package", tok, "line",
								(json_int_t)line));
			free(copy);
		} else if (csv_get(t, r, col_prod)[0]) {
			json_array_append_new(json_object_get(m, "items"),
					      json_pack("{s:s, s:s, s:s, s:I}", "product",
							csv_get(t, r, col_prod), "model",
							csv_get(t, r, col_model), "version",
							csv_get(t, r, col_ver), "line",
							(json_int_t)line));
		}
	}
	if (db_acquire(db, &c, ACQUIRE_MS, e) < 0)
		goto out;
	if (db_begin(c, e) < 0)
		goto out;
	json_object_foreach(by_name, name, m) {
		char *contacts = json_dumps(json_object_get(m, "contacts"), JSON_COMPACT);
		int64_t id;
		int created;
		json_t *item;
		size_t i;

		if (put(c, kind, "csv", name, json_string_value(json_object_get(m, "jurisdiction")),
			contacts, &id, &created, e) < 0) {
			free(contacts);
			goto rollback;
		}
		free(contacts);
		if (created)
			n_created++;
		else
			n_updated++;
		json_array_foreach(json_object_get(m, "items"), i, item) {
			size_t line = (size_t)json_integer_value(json_object_get(item, "line"));
			struct err re = ERR_INIT;
			int done = 0;

			if (kind == PARTY_SUPPLIER) {
				if (claim(c, id, json_string_value(json_object_get(item, "package")),
					  &done, &re) < 0) {
					if (re.code != ERR_INVALID) {
						*e = re;
						goto rollback;
					}
					row_error(errors, line, re.msg);
				}
			} else {
				struct product_pick pp = {
					json_string_value(json_object_get(item, "model")), 0, 0 };
				const char *pname = json_string_value(json_object_get(item, "product"));

				if (store_product_by_name(c, pname, product_by_model, &pp, e) < 0)
					goto rollback;
				if (pp.n != 1) {
					char msg[300];

					snprintf(msg, sizeof(msg), pp.n ? "product \"%.200s\" is"
						 " ambiguous: add a model column" : "no product \"%.200s\"",
						 pname);
					row_error(errors, line, msg);
					continue;
				}
				if (deploy(c, id, pp.id,
					   json_string_value(json_object_get(item, "version")), &done,
					   &re) < 0) {
					if (re.code != ERR_INVALID && re.code != ERR_CONFLICT) {
						*e = re;
						goto rollback;
					}
					row_error(errors, line, re.msg);
				}
			}
			n_items += done;
		}
	}
	if (audit_record(c, a, kind == PARTY_SUPPLIER ? "supplier.import" : "customer.import",
			 kind == PARTY_SUPPLIER ? "supplier" : "customer", 0,
			 json_pack("{s:I, s:I, s:I, s:I}", "rows", (json_int_t)t->n_rows, "created",
				   (json_int_t)n_created, "updated", (json_int_t)n_updated,
				   "errors", (json_int_t)json_array_size(errors)), e) < 0 ||
	    db_commit(c, e) < 0)
		goto rollback;
	*out = json_pack("{s:I, s:I, s:I, s:I, s:O}", "rows", (json_int_t)t->n_rows, "created",
			 (json_int_t)n_created, "updated", (json_int_t)n_updated,
			 kind == PARTY_SUPPLIER ? "packages" : "deployments", (json_int_t)n_items,
			 "errors", errors);
	rc = 0;
	goto out;
rollback:
	db_rollback(c);
out:
	if (c)
		db_release(c);
	csv_free(t);
	json_decref(by_name);
	json_decref(errors);
	return rc;
}
