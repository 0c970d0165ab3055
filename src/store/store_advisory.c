/* store_advisory.c - SQL for advisories, ranges, matches and VEX statements (see store_advisory.h). */
#include "store/store_advisory.h"

#include <stdio.h>
#include <string.h>

#define ADVISORY_COLS \
	"id, ident, source, aliases, summary, published, modified, withdrawn, doc_hash," \
	" imported_at, updated_at"

static const char find_sql[] = "SELECT id, doc_hash FROM advisories WHERE ident = :ident";
static const char insert_sql[] =
	"INSERT INTO advisories (ident, source, aliases, summary, published, modified, withdrawn,"
	" doc_hash, imported_at, updated_at) VALUES (:ident, :source, :aliases, :summary, :published,"
	" :modified, :withdrawn, :hash, :at, :at) RETURNING id";
static const char replace_sql[] =
	"UPDATE advisories SET source = :source, aliases = :aliases, summary = :summary,"
	" published = :published, modified = :modified, withdrawn = :withdrawn, doc_hash = :hash,"
	" updated_at = :at WHERE id = :id";
static const char drop_matches_sql[] = "DELETE FROM matches WHERE advisory_id = :id";
static const char drop_ranges_sql[] = "DELETE FROM advisory_ranges WHERE advisory_id = :id";
static const char get_sql[] = "SELECT " ADVISORY_COLS " FROM advisories WHERE ident = :ident";
static const char list_sql[] =
	"SELECT " ADVISORY_COLS " FROM advisories WHERE id > :after ORDER BY id LIMIT :limit";
static const char count_sql[] = "SELECT COUNT(*) FROM advisories";

static const char range_insert_sql[] =
	"INSERT INTO advisory_ranges (advisory_id, pkg_type, pkg_namespace, pkg_name, vers, fixed)"
	" VALUES (:aid, :type, :ns, :name, :vers, :fixed) RETURNING id";
static const char range_list_sql[] =
	"SELECT id, advisory_id, pkg_type, pkg_namespace, pkg_name, vers, fixed FROM advisory_ranges"
	" WHERE advisory_id = :aid ORDER BY id";

#define CANDIDATE_SELECT \
	"SELECT c.id, c.version_id, c.pkg_version, r.id, r.advisory_id, r.vers" \
	" FROM components c JOIN advisory_ranges r ON r.pkg_type = c.pkg_type" \
	" AND r.pkg_namespace = c.pkg_namespace AND r.pkg_name = c.pkg_name"
static const char cand_version_sql[] =
	CANDIDATE_SELECT " WHERE c.version_id = :vid AND c.pkg_version IS NOT NULL";
static const char cand_advisory_sql[] =
	CANDIDATE_SELECT " WHERE r.advisory_id = :aid AND c.pkg_version IS NOT NULL";
static const char cand_all_sql[] = CANDIDATE_SELECT " WHERE c.pkg_version IS NOT NULL";
static const char cand_count_sql[] =
	"SELECT COUNT(*) FROM components c JOIN advisory_ranges r ON r.pkg_type = c.pkg_type"
	" AND r.pkg_namespace = c.pkg_namespace AND r.pkg_name = c.pkg_name"
	" WHERE c.pkg_version IS NOT NULL";
static const char package_sql[] =
	"SELECT id, version_id, pkg_version, 0, 0, NULL, name, purl FROM components"
	" WHERE pkg_type = :type"
	" AND pkg_namespace = :ns AND pkg_name = :name AND pkg_version IS NOT NULL";

static const char ranges_all_sql[] =
	"SELECT id, advisory_id, pkg_type, pkg_namespace, pkg_name, vers FROM advisory_ranges";
static const char components_all_sql[] =
	"SELECT id, version_id, pkg_type, pkg_namespace, pkg_name, pkg_version FROM components"
	" WHERE pkg_version IS NOT NULL AND pkg_type IS NOT NULL";

static const char match_insert_sql[] =
	"INSERT INTO matches (advisory_id, component_id, version_id) VALUES (:aid, :cid, :vid)"
	" ON CONFLICT DO NOTHING";
static const char match_clear_sql[] = "DELETE FROM matches";
static const char match_count_sql[] = "SELECT COUNT(*) FROM matches";
#define MATCH_SELECT \
	"SELECT a.id, a.ident, a.aliases, a.summary, c.id, c.name, c.pkg_version, c.purl, p.id," \
	" p.name, p.model, p.vendor, v.id, v.version, x.status, x.justification FROM matches m" \
	" JOIN advisories a ON a.id = m.advisory_id JOIN components c ON c.id = m.component_id" \
	" JOIN product_versions v ON v.id = m.version_id JOIN products p ON p.id = v.product_id" \
	" LEFT JOIN vex x ON x.advisory_id = m.advisory_id AND x.version_id = m.version_id"
static const char matches_version_sql[] =
	MATCH_SELECT " WHERE m.version_id = :vid ORDER BY a.ident, c.idx";
static const char matches_advisory_sql[] =
	MATCH_SELECT " WHERE m.advisory_id = :aid ORDER BY p.name, p.id, v.version, c.idx";

static const char vex_put_sql[] =
	"INSERT INTO vex (advisory_id, version_id, status, justification, detail, updated_at,"
	" updated_by) VALUES (:aid, :vid, :status, :just, :detail, :at, :by)"
	" ON CONFLICT (advisory_id, version_id) DO UPDATE SET status = excluded.status,"
	" justification = excluded.justification, detail = excluded.detail,"
	" updated_at = excluded.updated_at, updated_by = excluded.updated_by";
static const char vex_list_sql[] =
	"SELECT x.advisory_id, a.ident, x.version_id, x.status, x.justification, x.detail,"
	" x.updated_at, x.updated_by FROM vex x JOIN advisories a ON a.id = x.advisory_id"
	" WHERE x.version_id = :vid ORDER BY a.ident";

/* ---- advisories ---- */

int store_advisory_find(struct db_conn *c, const char *ident, int64_t *id, char *hash,
			struct err *e)
{
	struct db_stmt *st;
	int rc;

	*id = 0;
	hash[0] = '\0';
	if (db_prepare(c, &st, find_sql, e) < 0)
		return -1;
	db_bind_text(st, ":ident", ident);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*id = db_col_int64(st, 0);
		snprintf(hash, 65, "%s", db_col_text(st, 1) ? db_col_text(st, 1) : "");
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

static void bind_advisory(struct db_stmt *st, const struct advisory_row *a)
{
	db_bind_text(st, ":source", a->source);
	db_bind_text(st, ":aliases", a->aliases ? a->aliases : "[]");
	db_bind_text(st, ":summary", a->summary);
	db_bind_text(st, ":published", a->published);
	db_bind_text(st, ":modified", a->modified);
	db_bind_text(st, ":withdrawn", a->withdrawn);
	db_bind_text(st, ":hash", a->doc_hash);
	db_bind_int64(st, ":at", a->updated_at);
}

int store_advisory_insert(struct db_conn *c, const struct advisory_row *a, int64_t *id,
			  struct err *e)
{
	struct db_stmt *st;
	int rc;

	*id = 0;
	if (db_prepare(c, &st, insert_sql, e) < 0)
		return -1;
	db_bind_text(st, ":ident", a->ident);
	bind_advisory(st, a);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		*id = db_col_int64(st, 0);
	db_finalize(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_INTERNAL, "insert returned no id");
	return rc < 0 ? -1 : 0;
}

static int exec_id(struct db_conn *c, const char *sql, int64_t id, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}

int store_advisory_replace(struct db_conn *c, const struct advisory_row *a, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, replace_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", a->id);
	bind_advisory(st, a);
	rc = db_exec(st, e);
	db_finalize(st);
	if (rc < 0 || exec_id(c, drop_matches_sql, a->id, e) < 0 ||
	    exec_id(c, drop_ranges_sql, a->id, e) < 0)
		return -1;
	return 0;
}

static int each_advisory(struct db_stmt *st, int need_one, store_advisory_fn *fn, void *arg,
			 struct err *e)
{
	struct advisory_row a;
	unsigned got = 0;
	int rc;

	while ((rc = db_step(st, e)) == DB_ROW) {
		got++;
		a.id = db_col_int64(st, 0);
		a.ident = db_col_text(st, 1);
		a.source = db_col_text(st, 2);
		a.aliases = db_col_text(st, 3);
		a.summary = db_col_text(st, 4);
		a.published = db_col_text(st, 5);
		a.modified = db_col_text(st, 6);
		a.withdrawn = db_col_text(st, 7);
		a.doc_hash = db_col_text(st, 8);
		a.imported_at = db_col_int64(st, 9);
		a.updated_at = db_col_int64(st, 10);
		if (fn(arg, &a, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	if (need_one && got == 0)
		return err_set(e, ERR_NOT_FOUND, "no such advisory");
	return 0;
}

int store_advisory_get(struct db_conn *c, const char *ident, store_advisory_fn *fn, void *arg,
		       struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, get_sql, e) < 0)
		return -1;
	db_bind_text(st, ":ident", ident);
	if (each_advisory(st, 1, fn, arg, e) < 0) {
		if (e->code == ERR_NOT_FOUND)
			err_set(e, ERR_NOT_FOUND, "no advisory \"%s\"", ident);
		return -1;
	}
	return 0;
}

int store_advisory_list(struct db_conn *c, int64_t after, int limit, store_advisory_fn *fn,
			void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, list_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":after", after);
	db_bind_int64(st, ":limit", limit);
	return each_advisory(st, 0, fn, arg, e);
}

static int count(struct db_conn *c, const char *sql, int64_t *n, struct err *e)
{
	struct db_stmt *st;
	int rc;

	*n = 0;
	if (db_prepare(c, &st, sql, e) < 0)
		return -1;
	rc = db_step(st, e);
	if (rc == DB_ROW)
		*n = db_col_int64(st, 0);
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_advisory_count(struct db_conn *c, int64_t *n, struct err *e)
{
	return count(c, count_sql, n, e);
}

/* ---- ranges ---- */

int store_range_insert(struct db_conn *c, const struct range_row *r, int64_t *id, struct err *e)
{
	struct db_stmt *st;
	int rc;

	*id = 0;
	if (db_prepare(c, &st, range_insert_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":aid", r->advisory_id);
	db_bind_text(st, ":type", r->pkg_type);
	db_bind_text(st, ":ns", r->pkg_namespace ? r->pkg_namespace : "");
	db_bind_text(st, ":name", r->pkg_name);
	db_bind_text(st, ":vers", r->vers);
	db_bind_text(st, ":fixed", r->fixed);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		*id = db_col_int64(st, 0);
	db_finalize(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_INTERNAL, "insert returned no id");
	return rc < 0 ? -1 : 0;
}

int store_range_list(struct db_conn *c, int64_t advisory_id, store_range_fn *fn, void *arg,
		     struct err *e)
{
	struct db_stmt *st;
	struct range_row r;
	int rc;

	if (db_prepare(c, &st, range_list_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":aid", advisory_id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		r.id = db_col_int64(st, 0);
		r.advisory_id = db_col_int64(st, 1);
		r.pkg_type = db_col_text(st, 2);
		r.pkg_namespace = db_col_text(st, 3);
		r.pkg_name = db_col_text(st, 4);
		r.vers = db_col_text(st, 5);
		r.fixed = db_col_text(st, 6);
		if (fn(arg, &r, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* ---- candidates ---- */

static int each_candidate(struct db_stmt *st, int named, store_candidate_fn *fn, void *arg,
			  struct err *e)
{
	struct candidate_row r;
	int rc;

	while ((rc = db_step(st, e)) == DB_ROW) {
		r.component_id = db_col_int64(st, 0);
		r.version_id = db_col_int64(st, 1);
		r.pkg_version = db_col_text(st, 2);
		r.range_id = db_col_int64(st, 3);
		r.advisory_id = db_col_int64(st, 4);
		r.vers = db_col_text(st, 5);
		r.name = named ? db_col_text(st, 6) : NULL;
		r.purl = named ? db_col_text(st, 7) : NULL;
		if (fn(arg, &r, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_candidates_for_version(struct db_conn *c, int64_t version_id, store_candidate_fn *fn,
				 void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, cand_version_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":vid", version_id);
	return each_candidate(st, 0, fn, arg, e);
}

int store_candidates_for_advisory(struct db_conn *c, int64_t advisory_id,
				  store_candidate_fn *fn, void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, cand_advisory_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":aid", advisory_id);
	return each_candidate(st, 0, fn, arg, e);
}

int store_candidates_all(struct db_conn *c, store_candidate_fn *fn, void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, cand_all_sql, e) < 0)
		return -1;
	return each_candidate(st, 0, fn, arg, e);
}

int store_components_of_package(struct db_conn *c, const char *type, const char *ns,
				const char *name, store_candidate_fn *fn, void *arg,
				struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, package_sql, e) < 0)
		return -1;
	db_bind_text(st, ":type", type);
	db_bind_text(st, ":ns", ns ? ns : "");
	db_bind_text(st, ":name", name);
	return each_candidate(st, 1, fn, arg, e);
}

static int each_keyed(struct db_conn *c, const char *sql, store_keyed_fn *fn, void *arg,
		      struct err *e)
{
	struct db_stmt *st;
	struct keyed_row r;
	int rc;

	if (db_prepare(c, &st, sql, e) < 0)
		return -1;
	while ((rc = db_step(st, e)) == DB_ROW) {
		r.id = db_col_int64(st, 0);
		r.owner_id = db_col_int64(st, 1);
		r.pkg_type = db_col_text(st, 2);
		r.pkg_namespace = db_col_text(st, 3);
		r.pkg_name = db_col_text(st, 4);
		r.text = db_col_text(st, 5);
		if (fn(arg, &r, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_ranges_all(struct db_conn *c, store_keyed_fn *fn, void *arg, struct err *e)
{
	return each_keyed(c, ranges_all_sql, fn, arg, e);
}

int store_components_all(struct db_conn *c, store_keyed_fn *fn, void *arg, struct err *e)
{
	return each_keyed(c, components_all_sql, fn, arg, e);
}

int store_candidates_count(struct db_conn *c, int64_t *n, struct err *e)
{
	return count(c, cand_count_sql, n, e);
}

/* ---- matches ---- */

int store_match_insert(struct db_conn *c, int64_t advisory_id, int64_t component_id,
		       int64_t version_id, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, match_insert_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":aid", advisory_id);
	db_bind_int64(st, ":cid", component_id);
	db_bind_int64(st, ":vid", version_id);
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}

int store_match_clear_all(struct db_conn *c, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, match_clear_sql, e) < 0)
		return -1;
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}

int store_match_count(struct db_conn *c, int64_t *n, struct err *e)
{
	return count(c, match_count_sql, n, e);
}

static int each_match(struct db_stmt *st, store_match_fn *fn, void *arg, struct err *e)
{
	struct match_row m;
	int rc;

	while ((rc = db_step(st, e)) == DB_ROW) {
		m.advisory_id = db_col_int64(st, 0);
		m.ident = db_col_text(st, 1);
		m.aliases = db_col_text(st, 2);
		m.summary = db_col_text(st, 3);
		m.component_id = db_col_int64(st, 4);
		m.component = db_col_text(st, 5);
		m.component_version = db_col_text(st, 6);
		m.purl = db_col_text(st, 7);
		m.product_id = db_col_int64(st, 8);
		m.product = db_col_text(st, 9);
		m.model = db_col_text(st, 10);
		m.vendor = db_col_text(st, 11);
		m.version_id = db_col_int64(st, 12);
		m.version = db_col_text(st, 13);
		m.vex_status = db_col_text(st, 14);
		m.vex_justification = db_col_text(st, 15);
		if (fn(arg, &m, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_matches_of_version(struct db_conn *c, int64_t version_id, store_match_fn *fn,
			     void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, matches_version_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":vid", version_id);
	return each_match(st, fn, arg, e);
}

int store_matches_of_advisory(struct db_conn *c, int64_t advisory_id, store_match_fn *fn,
			      void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, matches_advisory_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":aid", advisory_id);
	return each_match(st, fn, arg, e);
}

/* ---- VEX ---- */

int store_vex_put(struct db_conn *c, const struct vex_row *v, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, vex_put_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":aid", v->advisory_id);
	db_bind_int64(st, ":vid", v->version_id);
	db_bind_text(st, ":status", v->status);
	db_bind_text(st, ":just", v->justification);
	db_bind_text(st, ":detail", v->detail);
	db_bind_int64(st, ":at", v->updated_at);
	db_bind_text(st, ":by", v->updated_by);
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}

int store_vex_list(struct db_conn *c, int64_t version_id, store_vex_fn *fn, void *arg,
		   struct err *e)
{
	struct db_stmt *st;
	struct vex_row v;
	int rc;

	if (db_prepare(c, &st, vex_list_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":vid", version_id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		v.advisory_id = db_col_int64(st, 0);
		v.ident = db_col_text(st, 1);
		v.version_id = db_col_int64(st, 2);
		v.status = db_col_text(st, 3);
		v.justification = db_col_text(st, 4);
		v.detail = db_col_text(st, 5);
		v.updated_at = db_col_int64(st, 6);
		v.updated_by = db_col_text(st, 7);
		if (fn(arg, &v, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}
