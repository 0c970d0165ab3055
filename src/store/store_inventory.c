/* store_inventory.c - SQL for products, product versions, SBOMs and components (see store_inventory.h). */
#include "store/store_inventory.h"

#include <string.h>

static const char product_insert_sql[] =
	"INSERT INTO products (name, model, vendor, created_at) VALUES (:name, :model, :vendor, :at)"
	" RETURNING id";
static const char product_get_sql[] =
	"SELECT p.id, p.name, p.model, p.vendor, p.created_at,"
	" (SELECT COUNT(*) FROM product_versions v WHERE v.product_id = p.id)"
	" FROM products p WHERE p.id = :id";
static const char product_by_name_sql[] =
	"SELECT p.id, p.name, p.model, p.vendor, p.created_at,"
	" (SELECT COUNT(*) FROM product_versions v WHERE v.product_id = p.id)"
	" FROM products p WHERE p.name = :name ORDER BY p.id";
static const char product_list_sql[] =
	"SELECT p.id, p.name, p.model, p.vendor, p.created_at,"
	" (SELECT COUNT(*) FROM product_versions v WHERE v.product_id = p.id)"
	" FROM products p WHERE p.id > :after ORDER BY p.id LIMIT :limit";

#define PVERSION_COLS \
	"v.id, v.product_id, v.version, v.created_at, s.version_id, s.components, s.imported_at"
static const char pversion_insert_sql[] =
	"INSERT INTO product_versions (product_id, version, created_at) VALUES (:pid, :version, :at)"
	" RETURNING id";
static const char pversion_get_sql[] =
	"SELECT " PVERSION_COLS " FROM product_versions v LEFT JOIN sboms s ON s.version_id = v.id"
	" WHERE v.product_id = :pid AND v.version = :version";
static const char pversion_by_id_sql[] =
	"SELECT " PVERSION_COLS " FROM product_versions v LEFT JOIN sboms s ON s.version_id = v.id"
	" WHERE v.id = :id";
static const char pversion_list_sql[] =
	"SELECT " PVERSION_COLS " FROM product_versions v LEFT JOIN sboms s ON s.version_id = v.id"
	" WHERE v.product_id = :pid ORDER BY v.id";

static const char clear_matches_sql[] = "DELETE FROM matches WHERE version_id = :vid";
static const char clear_edges_sql[] = "DELETE FROM component_edges WHERE version_id = :vid";
static const char clear_components_sql[] = "DELETE FROM components WHERE version_id = :vid";
static const char clear_sbom_sql[] = "DELETE FROM sboms WHERE version_id = :vid";
static const char sbom_insert_sql[] =
	"INSERT INTO sboms (version_id, format, spec_version, serial, document, doc_hash, components,"
	" edges, diagnostics, imported_at) VALUES (:vid, :format, :spec, :serial, :doc, :hash, :n,"
	" :edges, :diags, :at)";
static const char sbom_get_sql[] =
	"SELECT version_id, format, spec_version, serial, document, doc_hash, components, edges,"
	" diagnostics, imported_at FROM sboms WHERE version_id = :vid";
static const char component_insert_sql[] =
	"INSERT INTO components (version_id, idx, parent_idx, bom_ref, kind, type, grp, name, version,"
	" purl, pkg_type, pkg_namespace, pkg_name, pkg_version, supplier, supplier_id, hashes,"
	" licenses) VALUES (:vid, :idx, :parent, :ref, :kind, :type, :grp, :name, :version, :purl,"
	" :ptype, :pns, :pname, :pversion, :supplier, :sid, :hashes, :licenses)";
static const char component_ids_sql[] =
	"SELECT id, idx FROM components WHERE version_id = :vid";
/* an upper bound of the number of stored ranges (ids only grow), O(log n) */
static const char range_id_max_sql[] = "SELECT COALESCE(MAX(id), 0) FROM advisory_ranges";
static const char edge_insert_sql[] =
	"INSERT INTO component_edges (version_id, from_idx, to_idx, kind)"
	" VALUES (:vid, :from, :to, :kind)";
static const char component_list_sql[] =
	"SELECT id, version_id, idx, parent_idx, bom_ref, kind, type, grp, name, version, purl,"
	" pkg_type, pkg_namespace, pkg_name, pkg_version, supplier, supplier_id, hashes, licenses"
	" FROM components WHERE version_id = :vid ORDER BY idx";

static int64_t col_int(struct db_stmt *st, int i)
{
	return db_col_is_null(st, i) ? 0 : db_col_int64(st, i);
}


/* ---- products ---- */

static int each_product(struct db_stmt *st, int need_one, store_product_fn *fn, void *arg,
			struct err *e)
{
	struct product_row p;
	unsigned got = 0;
	int rc;

	while ((rc = db_step(st, e)) == DB_ROW) {
		got++;
		memset(&p, 0, sizeof(p));
		p.id = db_col_int64(st, 0);
		p.name = db_col_text(st, 1);
		p.model = db_col_text(st, 2);
		p.vendor = db_col_text(st, 3);
		p.created_at = db_col_int64(st, 4);
		p.versions = db_col_int64(st, 5);
		if (fn(arg, &p, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	if (need_one && got == 0)
		return err_set(e, ERR_NOT_FOUND, "no such product");
	return 0;
}

int store_product_insert(struct db_conn *c, const struct product_row *p, int64_t *id,
			 struct err *e)
{
	struct db_stmt *st;

	*id = 0;
	if (db_prepare(c, &st, product_insert_sql, e) < 0)
		return -1;
	db_bind_text(st, ":name", p->name);
	db_bind_text(st, ":model", p->model ? p->model : "");
	db_bind_text(st, ":vendor", p->vendor ? p->vendor : "");
	db_bind_int64(st, ":at", p->created_at);
	if (db_insert_id(st, id, e) == 0)
		return 0;
	if (e->code == ERR_CONFLICT)
		return err_setn(e, ERR_CONFLICT, "product_exists",
				"product \"%s\" (model \"%s\", vendor \"%s\") already exists", p->name,
				p->model ? p->model : "", p->vendor ? p->vendor : "");
	return -1;
}

int store_product_get(struct db_conn *c, int64_t id, store_product_fn *fn, void *arg,
		      struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, product_get_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	return each_product(st, 1, fn, arg, e);
}

int store_product_by_name(struct db_conn *c, const char *name, store_product_fn *fn, void *arg,
			  struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, product_by_name_sql, e) < 0)
		return -1;
	db_bind_text(st, ":name", name);
	return each_product(st, 0, fn, arg, e);
}

int store_product_list(struct db_conn *c, int64_t after, int limit, store_product_fn *fn,
		       void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, product_list_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":after", after);
	db_bind_int64(st, ":limit", limit);
	return each_product(st, 0, fn, arg, e);
}

/* ---- versions ---- */

static int each_pversion(struct db_stmt *st, int need_one, store_pversion_fn *fn, void *arg,
			 struct err *e)
{
	struct pversion_row v;
	unsigned got = 0;
	int rc;

	while ((rc = db_step(st, e)) == DB_ROW) {
		got++;
		memset(&v, 0, sizeof(v));
		v.id = db_col_int64(st, 0);
		v.product_id = db_col_int64(st, 1);
		v.version = db_col_text(st, 2);
		v.created_at = db_col_int64(st, 3);
		v.has_sbom = !db_col_is_null(st, 4);
		v.components = col_int(st, 5);
		v.imported_at = col_int(st, 6);
		if (fn(arg, &v, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	if (need_one && got == 0)
		return err_set(e, ERR_NOT_FOUND, "no such product version");
	return 0;
}

int store_pversion_insert(struct db_conn *c, int64_t product_id, const char *version,
			  int64_t now, int64_t *id, struct err *e)
{
	struct db_stmt *st;

	*id = 0;
	if (db_prepare(c, &st, pversion_insert_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":pid", product_id);
	db_bind_text(st, ":version", version);
	db_bind_int64(st, ":at", now);
	if (db_insert_id(st, id, e) == 0)
		return 0;
	if (e->code == ERR_CONFLICT)
		return err_setn(e, ERR_CONFLICT, "version_exists",
				"product %lld already has version \"%s\"", (long long)product_id,
				version);
	return -1;
}

int store_pversion_get(struct db_conn *c, int64_t product_id, const char *version,
		       store_pversion_fn *fn, void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, pversion_get_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":pid", product_id);
	db_bind_text(st, ":version", version);
	return each_pversion(st, 1, fn, arg, e);
}

int store_pversion_by_id(struct db_conn *c, int64_t id, store_pversion_fn *fn, void *arg,
			 struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, pversion_by_id_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	return each_pversion(st, 1, fn, arg, e);
}

int store_pversion_list(struct db_conn *c, int64_t product_id, store_pversion_fn *fn,
			void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, pversion_list_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":pid", product_id);
	return each_pversion(st, 0, fn, arg, e);
}

/* ---- SBOMs and components ---- */

static int exec_vid(struct db_conn *c, const char *sql, int64_t vid, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, sql, e) < 0)
		return -1;
	db_bind_int64(st, ":vid", vid);
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}

int store_inventory_clear(struct db_conn *c, int64_t version_id, struct err *e)
{
	if (exec_vid(c, clear_matches_sql, version_id, e) < 0 ||
	    exec_vid(c, clear_edges_sql, version_id, e) < 0 ||
	    exec_vid(c, clear_components_sql, version_id, e) < 0 ||
	    exec_vid(c, clear_sbom_sql, version_id, e) < 0)
		return -1;
	return 0;
}

int store_sbom_insert(struct db_conn *c, const struct sbom_row *s, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, sbom_insert_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":vid", s->version_id);
	db_bind_text(st, ":format", s->format);
	db_bind_text(st, ":spec", s->spec_version);
	db_bind_text(st, ":serial", s->serial);
	db_bind_blob(st, ":doc", s->document, s->document_len);
	db_bind_text(st, ":hash", s->doc_hash);
	db_bind_int64(st, ":n", s->components);
	db_bind_int64(st, ":edges", s->edges);
	db_bind_text(st, ":diags", s->diagnostics ? s->diagnostics : "[]");
	db_bind_int64(st, ":at", s->imported_at);
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}

int store_sbom_get(struct db_conn *c, int64_t version_id,
		   int (*fn)(void *arg, const struct sbom_row *s, struct err *e), void *arg,
		   struct err *e)
{
	struct db_stmt *st;
	struct sbom_row s;
	int rc;

	if (db_prepare(c, &st, sbom_get_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":vid", version_id);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		memset(&s, 0, sizeof(s));
		s.version_id = db_col_int64(st, 0);
		s.format = db_col_text(st, 1);
		s.spec_version = db_col_text(st, 2);
		s.serial = db_col_text(st, 3);
		s.document = db_col_blob(st, 4, &s.document_len);
		s.doc_hash = db_col_text(st, 5);
		s.components = db_col_int64(st, 6);
		s.edges = db_col_int64(st, 7);
		s.diagnostics = db_col_text(st, 8);
		s.imported_at = db_col_int64(st, 9);
		rc = fn(arg, &s, e);
	} else if (rc == DB_DONE) {
		rc = err_setn(e, ERR_NOT_FOUND, "no_sbom", "this product version has no SBOM");
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_component_insert(struct db_conn *c, const struct component_row *r, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, component_insert_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":vid", r->version_id);
	db_bind_int64(st, ":idx", r->idx);
	if (r->parent_idx >= 0)
		db_bind_int64(st, ":parent", r->parent_idx);
	else
		db_bind_null(st, ":parent");
	db_bind_text(st, ":ref", r->bom_ref);
	db_bind_text(st, ":kind", r->kind);
	db_bind_text(st, ":type", r->type);
	db_bind_text(st, ":grp", r->group);
	db_bind_text(st, ":name", r->name);
	db_bind_text(st, ":version", r->version);
	db_bind_text(st, ":purl", r->purl);
	db_bind_text(st, ":ptype", r->pkg_type);
	db_bind_text(st, ":pns", r->pkg_namespace ? r->pkg_namespace : "");
	db_bind_text(st, ":pname", r->pkg_name);
	db_bind_text(st, ":pversion", r->pkg_version);
	db_bind_text(st, ":supplier", r->supplier);
	if (r->supplier_id)
		db_bind_int64(st, ":sid", r->supplier_id);
	else
		db_bind_null(st, ":sid");
	db_bind_text(st, ":hashes", r->hashes);
	db_bind_text(st, ":licenses", r->licenses);
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}

int store_component_ids(struct db_conn *c, int64_t version_id, int64_t *ids, size_t n,
			struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, component_ids_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":vid", version_id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		int64_t idx = db_col_int64(st, 1);

		if (idx >= 0 && (uint64_t)idx < n)
			ids[idx] = db_col_int64(st, 0);
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_range_id_max(struct db_conn *c, int64_t *n, struct err *e)
{
	struct db_stmt *st;

	*n = 0;
	if (db_prepare(c, &st, range_id_max_sql, e) < 0)
		return -1;
	return db_insert_id(st, n, e);
}

int store_edge_insert(struct db_conn *c, int64_t version_id, int64_t from, int64_t to, int kind,
		      struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, edge_insert_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":vid", version_id);
	db_bind_int64(st, ":from", from);
	db_bind_int64(st, ":to", to);
	db_bind_int64(st, ":kind", kind);
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}

int store_component_list(struct db_conn *c, int64_t version_id, store_component_fn *fn,
			 void *arg, struct err *e)
{
	struct db_stmt *st;
	struct component_row r;
	int rc;

	if (db_prepare(c, &st, component_list_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":vid", version_id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		memset(&r, 0, sizeof(r));
		r.id = db_col_int64(st, 0);
		r.version_id = db_col_int64(st, 1);
		r.idx = db_col_int64(st, 2);
		r.parent_idx = db_col_is_null(st, 3) ? -1 : db_col_int64(st, 3);
		r.bom_ref = db_col_text(st, 4);
		r.kind = db_col_text(st, 5);
		r.type = db_col_text(st, 6);
		r.group = db_col_text(st, 7);
		r.name = db_col_text(st, 8);
		r.version = db_col_text(st, 9);
		r.purl = db_col_text(st, 10);
		r.pkg_type = db_col_text(st, 11);
		r.pkg_namespace = db_col_text(st, 12);
		r.pkg_name = db_col_text(st, 13);
		r.pkg_version = db_col_text(st, 14);
		r.supplier = db_col_text(st, 15);
		r.supplier_id = col_int(st, 16);
		r.hashes = db_col_text(st, 17);
		r.licenses = db_col_text(st, 18);
		if (fn(arg, &r, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}
