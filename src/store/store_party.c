/* store_party.c - SQL for suppliers, customers and deployments (see store_party.h). */
#include "store/store_party.h"

#include <string.h>

static const char supplier_insert_sql[] =
	"INSERT INTO suppliers (name, jurisdiction, contacts, source, created_at, updated_at)"
	" VALUES (:name, :jur, :contacts, :source, :at, :at) ON CONFLICT (name) DO NOTHING"
	" RETURNING id";
static const char supplier_update_sql[] =
	"UPDATE suppliers SET jurisdiction = :jur, contacts = :contacts, updated_at = :at"
	" WHERE name = :name RETURNING id";
static const char supplier_id_sql[] = "SELECT id FROM suppliers WHERE name = :name";
static const char supplier_get_sql[] =
	"SELECT id, name, jurisdiction, contacts, source, created_at, updated_at FROM suppliers"
	" WHERE id = :id";
static const char supplier_list_sql[] =
	"SELECT id, name, jurisdiction, contacts, source, created_at, updated_at FROM suppliers"
	" WHERE id > :after ORDER BY id LIMIT :limit";
static const char claim_sql[] =
	"INSERT INTO supplier_packages (supplier_id, pkg_type, pkg_namespace, pkg_name)"
	" VALUES (:sid, :type, :ns, :name) ON CONFLICT DO NOTHING";
static const char packages_sql[] =
	"SELECT supplier_id, pkg_type, pkg_namespace, pkg_name FROM supplier_packages"
	" WHERE supplier_id = :sid ORDER BY pkg_type, pkg_namespace, pkg_name";
static const char owner_sql[] =
	"SELECT supplier_id FROM supplier_packages WHERE pkg_type = :type AND pkg_namespace = :ns"
	" AND (pkg_name = :name OR pkg_name = '') ORDER BY pkg_name DESC LIMIT 1";

static const char customer_insert_sql[] =
	"INSERT INTO customers (name, jurisdiction, contacts, created_at, updated_at)"
	" VALUES (:name, :jur, :contacts, :at, :at) ON CONFLICT (name) DO NOTHING RETURNING id";
static const char customer_update_sql[] =
	"UPDATE customers SET jurisdiction = :jur, contacts = :contacts, updated_at = :at"
	" WHERE name = :name RETURNING id";
static const char customer_id_sql[] = "SELECT id FROM customers WHERE name = :name";
static const char customer_get_sql[] =
	"SELECT id, name, jurisdiction, contacts, '', created_at, updated_at FROM customers"
	" WHERE id = :id";
static const char customer_list_sql[] =
	"SELECT id, name, jurisdiction, contacts, '', created_at, updated_at FROM customers"
	" WHERE id > :after ORDER BY id LIMIT :limit";
static const char deployment_add_sql[] =
	"INSERT INTO deployments (customer_id, version_id, created_at) VALUES (:cid, :vid, :at)"
	" ON CONFLICT DO NOTHING";
static const char deployment_list_sql[] =
	"SELECT c.id, c.name, c.jurisdiction, c.contacts, p.id, p.name, p.model, p.vendor, v.id,"
	" v.version FROM deployments d JOIN customers c ON c.id = d.customer_id"
	" JOIN product_versions v ON v.id = d.version_id JOIN products p ON p.id = v.product_id"
	" WHERE (CAST(:cid AS BIGINT) = 0 OR d.customer_id = :cid)"
	" AND (CAST(:vid AS BIGINT) = 0 OR d.version_id = :vid) ORDER BY c.name, p.name, v.version";

struct party_sql {
	const char *insert, *update, *id;
};

static const struct party_sql supplier_sql = { supplier_insert_sql, supplier_update_sql,
					       supplier_id_sql };
static const struct party_sql customer_sql = { customer_insert_sql, customer_update_sql,
					       customer_id_sql };

static int upsert(struct db_conn *c, const struct party_sql *q, const struct party_row *p,
		  int update, int64_t *id, int *created, struct err *e)
{
	struct db_stmt *st;
	int rc;

	*id = 0;
	*created = 0;
	if (db_prepare(c, &st, q->insert, e) < 0)
		return -1;
	db_bind_text(st, ":name", p->name);
	db_bind_text(st, ":jur", p->jurisdiction ? p->jurisdiction : "");
	db_bind_text(st, ":contacts", p->contacts ? p->contacts : "[]");
	if (q == &supplier_sql)
		db_bind_text(st, ":source", p->source ? p->source : "api");
	db_bind_int64(st, ":at", p->created_at);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*id = db_col_int64(st, 0);
		*created = 1;
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	if (*created)
		return 0;
	if (update) {
		if (db_prepare(c, &st, q->update, e) < 0)
			return -1;
		db_bind_text(st, ":jur", p->jurisdiction ? p->jurisdiction : "");
		db_bind_text(st, ":contacts", p->contacts ? p->contacts : "[]");
		db_bind_int64(st, ":at", p->created_at);
	} else {
		if (db_prepare(c, &st, q->id, e) < 0)
			return -1;
	}
	db_bind_text(st, ":name", p->name);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		*id = db_col_int64(st, 0);
	db_finalize(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_INTERNAL, "\"%s\" vanished during its update", p->name);
	return rc < 0 ? -1 : 0;
}

static int each_party(struct db_stmt *st, int need_one, const char *what, store_party_fn *fn,
		      void *arg, struct err *e)
{
	struct party_row p;
	unsigned got = 0;
	int rc;

	while ((rc = db_step(st, e)) == DB_ROW) {
		got++;
		memset(&p, 0, sizeof(p));
		p.id = db_col_int64(st, 0);
		p.name = db_col_text(st, 1);
		p.jurisdiction = db_col_text(st, 2);
		p.contacts = db_col_text(st, 3);
		p.source = db_col_text(st, 4);
		p.created_at = db_col_int64(st, 5);
		p.updated_at = db_col_int64(st, 6);
		if (fn(arg, &p, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	if (need_one && got == 0)
		return err_set(e, ERR_NOT_FOUND, "no such %s", what);
	return 0;
}

static int get_one(struct db_conn *c, const char *sql, const char *what, int64_t id,
		   store_party_fn *fn, void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	return each_party(st, 1, what, fn, arg, e);
}

static int list(struct db_conn *c, const char *sql, int64_t after, int limit,
		store_party_fn *fn, void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, sql, e) < 0)
		return -1;
	db_bind_int64(st, ":after", after);
	db_bind_int64(st, ":limit", limit);
	return each_party(st, 0, "", fn, arg, e);
}

int store_supplier_upsert(struct db_conn *c, const struct party_row *p, int update, int64_t *id,
			  int *created, struct err *e)
{
	return upsert(c, &supplier_sql, p, update, id, created, e);
}

int store_supplier_get(struct db_conn *c, int64_t id, store_party_fn *fn, void *arg,
		       struct err *e)
{
	return get_one(c, supplier_get_sql, "supplier", id, fn, arg, e);
}

int store_supplier_list(struct db_conn *c, int64_t after, int limit, store_party_fn *fn,
			void *arg, struct err *e)
{
	return list(c, supplier_list_sql, after, limit, fn, arg, e);
}

int store_supplier_claim(struct db_conn *c, const struct supplier_package_row *r, int *claimed,
			 struct err *e)
{
	struct db_stmt *st;
	int rc;

	*claimed = 0;
	if (db_prepare(c, &st, claim_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":sid", r->supplier_id);
	db_bind_text(st, ":type", r->pkg_type);
	db_bind_text(st, ":ns", r->pkg_namespace ? r->pkg_namespace : "");
	db_bind_text(st, ":name", r->pkg_name ? r->pkg_name : "");
	rc = db_exec(st, e);
	if (rc == 0)
		*claimed = db_changes(st) > 0;
	db_finalize(st);
	return rc;
}

int store_supplier_packages(struct db_conn *c, int64_t supplier_id,
			    int (*fn)(void *arg, const struct supplier_package_row *r,
				      struct err *e),
			    void *arg, struct err *e)
{
	struct db_stmt *st;
	struct supplier_package_row r;
	int rc;

	if (db_prepare(c, &st, packages_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":sid", supplier_id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		r.supplier_id = db_col_int64(st, 0);
		r.pkg_type = db_col_text(st, 1);
		r.pkg_namespace = db_col_text(st, 2);
		r.pkg_name = db_col_text(st, 3);
		if (fn(arg, &r, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_supplier_owner(struct db_conn *c, const char *type, const char *ns, const char *name,
			 int64_t *id, struct err *e)
{
	struct db_stmt *st;
	int rc;

	*id = 0;
	if (db_prepare(c, &st, owner_sql, e) < 0)
		return -1;
	db_bind_text(st, ":type", type);
	db_bind_text(st, ":ns", ns ? ns : "");
	db_bind_text(st, ":name", name);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		*id = db_col_int64(st, 0);
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_customer_upsert(struct db_conn *c, const struct party_row *p, int update, int64_t *id,
			  int *created, struct err *e)
{
	return upsert(c, &customer_sql, p, update, id, created, e);
}

int store_customer_get(struct db_conn *c, int64_t id, store_party_fn *fn, void *arg,
		       struct err *e)
{
	return get_one(c, customer_get_sql, "customer", id, fn, arg, e);
}

int store_customer_list(struct db_conn *c, int64_t after, int limit, store_party_fn *fn,
			void *arg, struct err *e)
{
	return list(c, customer_list_sql, after, limit, fn, arg, e);
}

int store_deployment_add(struct db_conn *c, int64_t customer_id, int64_t version_id, int64_t now,
			 int *created, struct err *e)
{
	struct db_stmt *st;
	int rc;

	*created = 0;
	if (db_prepare(c, &st, deployment_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":cid", customer_id);
	db_bind_int64(st, ":vid", version_id);
	db_bind_int64(st, ":at", now);
	rc = db_exec(st, e);
	if (rc == 0)
		*created = db_changes(st) > 0;
	db_finalize(st);
	return rc;
}

int store_deployment_list(struct db_conn *c, int64_t customer_id, int64_t version_id,
			  store_deployment_fn *fn, void *arg, struct err *e)
{
	struct db_stmt *st;
	struct deployment_row d;
	int rc;

	if (db_prepare(c, &st, deployment_list_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":cid", customer_id);
	db_bind_int64(st, ":vid", version_id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		d.customer_id = db_col_int64(st, 0);
		d.customer = db_col_text(st, 1);
		d.jurisdiction = db_col_text(st, 2);
		d.contacts = db_col_text(st, 3);
		d.product_id = db_col_int64(st, 4);
		d.product = db_col_text(st, 5);
		d.model = db_col_text(st, 6);
		d.vendor = db_col_text(st, 7);
		d.version_id = db_col_int64(st, 8);
		d.version = db_col_text(st, 9);
		if (fn(arg, &d, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}
