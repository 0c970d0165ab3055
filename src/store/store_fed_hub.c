/* store_fed_hub.c - SQL for the provider <-> hub <-> national database flows (store_fed_hub.h). */
#include "store/store_fed_hub.h"

#include <stdio.h>
#include <string.h>

static int64_t int_or(struct db_stmt *st, int i, int64_t dflt)
{
	return db_col_is_null(st, i) ? dflt : db_col_int64(st, i);
}

static void bind_time(struct db_stmt *st, const char *name, int64_t v)
{
	if (v)
		db_bind_int64(st, name, v);
	else
		db_bind_null(st, name);
}

/* Run a statement with no rows; *changed (if not NULL) whether it changed one. */
static int run(struct db_stmt *st, int *changed, struct err *e)
{
	int rc = db_exec(st, e);

	if (rc == 0 && changed != NULL)
		*changed = db_changes(st) > 0;
	db_finalize(st);
	return rc;
}

/* ---- relays ---- */

static const char relay_add_sql[] =
	"INSERT INTO hub_relays (hub_report_id, peer_id, created_at) VALUES (:report, :peer, :at)"
	" ON CONFLICT (hub_report_id, peer_id) DO NOTHING";
static const char relay_unsent_sql[] =
	"SELECT r.id, r.hub_report_id, p.key_id, h.case_ref, h.version, h.content_sha256,"
	" h.learned_at, h.received_at, i.envelope_id, i.envelope, pp.key_id, pp.name,"
	" pp.jurisdiction"
	" FROM hub_relays r JOIN federation_peers p ON p.id = r.peer_id"
	" JOIN hub_reports h ON h.id = r.hub_report_id"
	" JOIN federation_inbox i ON i.id = h.inbox_id"
	" JOIN federation_peers pp ON pp.id = h.provider_peer_id"
	" WHERE r.sent_at IS NULL AND p.removed_at IS NULL ORDER BY r.id LIMIT :limit";
static const char relay_sent_sql[] =
	"UPDATE hub_relays SET envelope_id = :env, sent_at = :at WHERE id = :id";
static const char relays_sql[] =
	"SELECT r.hub_report_id, p.key_id, p.name, p.url, r.envelope_id, o.state, o.attempts,"
	" o.last_error, o.delivered_at"
	" FROM hub_relays r JOIN federation_peers p ON p.id = r.peer_id"
	" LEFT JOIN federation_outbox o ON o.envelope_id = r.envelope_id"
	" WHERE r.hub_report_id BETWEEN :min AND :max ORDER BY r.hub_report_id, p.id";

int store_hub_relay_add(struct db_conn *c, int64_t hub_report_id, int64_t peer_id, int64_t now,
			struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, relay_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":report", hub_report_id);
	db_bind_int64(st, ":peer", peer_id);
	db_bind_int64(st, ":at", now);
	return run(st, NULL, e);
}

int store_hub_report_of_inbox(struct db_conn *c, int64_t inbox_id, int64_t *id, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, "SELECT id FROM hub_reports WHERE inbox_id = :inbox", e) < 0)
		return -1;
	db_bind_int64(st, ":inbox", inbox_id);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		*id = db_col_int64(st, 0);
	db_finalize(st);
	if (rc < 0)
		return -1;
	if (rc != DB_ROW)
		return err_set(e, ERR_NOT_FOUND, "no hub report for inbox row %lld",
			       (long long)inbox_id);
	return 0;
}

int store_hub_relays_unsent(struct db_conn *c, int limit,
			    int (*fn)(void *arg, const struct hub_relay_todo *r, struct err *e),
			    void *arg, struct err *e)
{
	struct db_stmt *st;
	struct hub_relay_todo r;
	int rc;

	if (db_prepare(c, &st, relay_unsent_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":limit", limit);
	while ((rc = db_step(st, e)) == DB_ROW) {
		memset(&r, 0, sizeof(r));
		r.id = db_col_int64(st, 0);
		r.hub_report_id = db_col_int64(st, 1);
		r.peer_key_id = db_col_text(st, 2);
		r.case_ref = db_col_text(st, 3);
		r.version = db_col_int64(st, 4);
		r.content_sha256 = db_col_text(st, 5);
		r.learned_at = int_or(st, 6, 0);
		r.received_at = db_col_int64(st, 7);
		r.envelope_id = db_col_text(st, 8);
		r.envelope = db_col_blob(st, 9, &r.envelope_len);
		r.provider_key_id = db_col_text(st, 10);
		r.provider_name = db_col_text(st, 11);
		r.provider_jurisdiction = db_col_text(st, 12);
		if (fn(arg, &r, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_hub_relay_sent(struct db_conn *c, int64_t id, const char *envelope_id, int64_t now,
			 struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, relay_sent_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	db_bind_text(st, ":env", envelope_id);
	db_bind_int64(st, ":at", now);
	return run(st, NULL, e);
}

int store_hub_relays(struct db_conn *c, int64_t min_id, int64_t max_id,
		     int (*fn)(void *arg, const struct hub_relay_row *r, struct err *e),
		     void *arg, struct err *e)
{
	struct db_stmt *st;
	struct hub_relay_row r;
	int rc;

	if (db_prepare(c, &st, relays_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":min", min_id);
	db_bind_int64(st, ":max", max_id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		memset(&r, 0, sizeof(r));
		r.hub_report_id = db_col_int64(st, 0);
		r.peer_key_id = db_col_text(st, 1);
		r.peer_name = db_col_text(st, 2);
		r.peer_url = db_col_text(st, 3);
		r.envelope_id = db_col_text(st, 4);
		r.state = db_col_is_null(st, 5) ? "pending" : db_col_text(st, 5);
		r.attempts = int_or(st, 6, 0);
		r.last_error = db_col_text(st, 7);
		r.delivered_at = int_or(st, 8, 0);
		if (fn(arg, &r, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* ---- dashboard ---- */

#define TWO_DAYS_US "172800000000"

static const char provider_stats_sql[] =
	"SELECT p.id, p.key_id, p.name, p.jurisdiction, COUNT(*),"
	" SUM(CASE WHEN h.learned_at IS NOT NULL AND h.received_at - h.learned_at <= " TWO_DAYS_US
	" THEN 1 ELSE 0 END),"
	" SUM(CASE WHEN h.learned_at IS NULL THEN 1 ELSE 0 END), MAX(h.received_at)"
	" FROM hub_reports h JOIN federation_peers p ON p.id = h.provider_peer_id"
	" GROUP BY p.id, p.key_id, p.name, p.jurisdiction ORDER BY p.id";
static const char database_stats_sql[] =
	"SELECT p.id, p.key_id, p.name, p.url, CASE WHEN p.removed_at IS NULL THEN 0 ELSE 1 END,"
	" COUNT(r.id),"
	" SUM(CASE WHEN r.id IS NOT NULL AND r.envelope_id IS NULL THEN 1 ELSE 0 END),"
	" SUM(CASE WHEN o.state = 'queued' THEN 1 ELSE 0 END),"
	" SUM(CASE WHEN o.state = 'delivered' THEN 1 ELSE 0 END),"
	" SUM(CASE WHEN o.state = 'failed' THEN 1 ELSE 0 END), MAX(o.delivered_at)"
	" FROM federation_peers p LEFT JOIN hub_relays r ON r.peer_id = p.id"
	" LEFT JOIN federation_outbox o ON o.envelope_id = r.envelope_id"
	" WHERE p.role = 'database'"
	" GROUP BY p.id, p.key_id, p.name, p.url, p.removed_at"
	" HAVING p.removed_at IS NULL OR COUNT(r.id) > 0 ORDER BY p.id";

int store_hub_provider_stats(struct db_conn *c,
			     int (*fn)(void *arg, const struct hub_provider_stat *s, struct err *e),
			     void *arg, struct err *e)
{
	struct db_stmt *st;
	struct hub_provider_stat s;
	int rc;

	if (db_prepare(c, &st, provider_stats_sql, e) < 0)
		return -1;
	while ((rc = db_step(st, e)) == DB_ROW) {
		s.peer_id = db_col_int64(st, 0);
		s.key_id = db_col_text(st, 1);
		s.name = db_col_text(st, 2);
		s.jurisdiction = db_col_text(st, 3);
		s.reports = db_col_int64(st, 4);
		s.within_2_days = int_or(st, 5, 0);
		s.unknown_learned_at = int_or(st, 6, 0);
		s.last_received_at = int_or(st, 7, 0);
		if (fn(arg, &s, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_hub_database_stats(struct db_conn *c,
			     int (*fn)(void *arg, const struct hub_database_stat *s, struct err *e),
			     void *arg, struct err *e)
{
	struct db_stmt *st;
	struct hub_database_stat s;
	int rc;

	if (db_prepare(c, &st, database_stats_sql, e) < 0)
		return -1;
	while ((rc = db_step(st, e)) == DB_ROW) {
		s.peer_id = db_col_int64(st, 0);
		s.key_id = db_col_text(st, 1);
		s.name = db_col_text(st, 2);
		s.url = db_col_text(st, 3);
		s.removed = (int)db_col_int64(st, 4);
		s.relays = db_col_int64(st, 5);
		s.pending = int_or(st, 6, 0);
		s.queued = int_or(st, 7, 0);
		s.delivered = int_or(st, 8, 0);
		s.failed = int_or(st, 9, 0);
		s.last_delivered_at = int_or(st, 10, 0);
		if (fn(arg, &s, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* ---- national database ---- */

static const char db_report_add_sql[] =
	"INSERT INTO db_reports (inbox_id, hub_peer_id, hub_report_id, provider_key_id,"
	" provider_name, provider_jurisdiction, case_ref, version, content_sha256, learned_at,"
	" hub_received_at, received_at) VALUES (:inbox, :hub, :report, :pkey, :pname, :pjur,"
	" :case_ref, :version, :sha, :learned, :hub_at, :at)"
	" ON CONFLICT (hub_peer_id, hub_report_id) DO NOTHING";
static const char db_reports_sql[] =
	"SELECT d.id, d.inbox_id, d.hub_peer_id, d.hub_report_id, d.provider_key_id,"
	" d.provider_name, d.provider_jurisdiction, d.case_ref, d.version, d.content_sha256,"
	" d.learned_at, d.hub_received_at, d.received_at, p.key_id"
	" FROM db_reports d JOIN federation_peers p ON p.id = d.hub_peer_id"
	" WHERE (CAST(:after AS BIGINT) = 0 OR d.id < :after) ORDER BY d.id DESC LIMIT :limit";

int store_db_report_add(struct db_conn *c, const struct db_report_row *r, int *added,
			struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, db_report_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":inbox", r->inbox_id);
	db_bind_int64(st, ":hub", r->hub_peer_id);
	db_bind_int64(st, ":report", r->hub_report_id);
	db_bind_text(st, ":pkey", r->provider_key_id);
	db_bind_text(st, ":pname", r->provider_name);
	db_bind_text(st, ":pjur", r->provider_jurisdiction);
	db_bind_text(st, ":case_ref", r->case_ref);
	db_bind_int64(st, ":version", r->version);
	db_bind_text(st, ":sha", r->content_sha256);
	bind_time(st, ":learned", r->learned_at);
	db_bind_int64(st, ":hub_at", r->hub_received_at);
	db_bind_int64(st, ":at", r->received_at);
	return run(st, added, e);
}

int store_db_reports(struct db_conn *c, int64_t after_id, int limit,
		     int (*fn)(void *arg, const struct db_report_row *r, struct err *e), void *arg,
		     struct err *e)
{
	struct db_stmt *st;
	struct db_report_row r;
	int rc;

	if (db_prepare(c, &st, db_reports_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":after", after_id);
	db_bind_int64(st, ":limit", limit);
	while ((rc = db_step(st, e)) == DB_ROW) {
		r.id = db_col_int64(st, 0);
		r.inbox_id = db_col_int64(st, 1);
		r.hub_peer_id = db_col_int64(st, 2);
		r.hub_report_id = db_col_int64(st, 3);
		r.provider_key_id = db_col_text(st, 4);
		r.provider_name = db_col_text(st, 5);
		r.provider_jurisdiction = db_col_text(st, 6);
		r.case_ref = db_col_text(st, 7);
		r.version = db_col_int64(st, 8);
		r.content_sha256 = db_col_text(st, 9);
		r.learned_at = int_or(st, 10, 0);
		r.hub_received_at = db_col_int64(st, 11);
		r.received_at = db_col_int64(st, 12);
		r.hub_key_id = db_col_text(st, 13);
		if (fn(arg, &r, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* ---- early release ---- */

#define ER_COLS "r.id, r.inbox_id, r.provider_peer_id, r.case_ref, r.steps, r.received_at," \
	" r.assessment, r.assessed_at, r.assessed_by, r.envelope_id, p.key_id, p.name"

static const char er_add_sql[] =
	"INSERT INTO hub_early_releases (inbox_id, provider_peer_id, case_ref, steps, received_at)"
	" VALUES (:inbox, :peer, :case_ref, :steps, :at) RETURNING id";
static const char er_get_sql[] =
	"SELECT " ER_COLS " FROM hub_early_releases r JOIN federation_peers p"
	" ON p.id = r.provider_peer_id WHERE r.id = :id";
static const char er_list_sql[] =
	"SELECT " ER_COLS " FROM hub_early_releases r JOIN federation_peers p"
	" ON p.id = r.provider_peer_id WHERE (CAST(:after AS BIGINT) = 0 OR r.id < :after)"
	" ORDER BY r.id DESC LIMIT :limit";
static const char er_assess_sql[] =
	"UPDATE hub_early_releases SET assessment = :a, assessed_at = :at, assessed_by = :by"
	" WHERE id = :id AND assessment IS NULL";
static const char er_env_sql[] = "UPDATE hub_early_releases SET envelope_id = :env WHERE id = :id";

int store_hub_er_add(struct db_conn *c, const struct hub_er_row *r, int64_t *id, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, er_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":inbox", r->inbox_id);
	db_bind_int64(st, ":peer", r->provider_peer_id);
	db_bind_text(st, ":case_ref", r->case_ref);
	db_bind_text(st, ":steps", r->steps);
	db_bind_int64(st, ":at", r->received_at);
	return db_insert_id(st, id, e);
}

static int er_rows(struct db_stmt *st, int (*fn)(void *arg, const struct hub_er_row *r,
						 struct err *e),
		   void *arg, int *n, struct err *e)
{
	struct hub_er_row r;
	int rc;

	*n = 0;
	while ((rc = db_step(st, e)) == DB_ROW) {
		r.id = db_col_int64(st, 0);
		r.inbox_id = db_col_int64(st, 1);
		r.provider_peer_id = db_col_int64(st, 2);
		r.case_ref = db_col_text(st, 3);
		r.steps = db_col_text(st, 4);
		r.received_at = db_col_int64(st, 5);
		r.assessment = db_col_text(st, 6);
		r.assessed_at = int_or(st, 7, 0);
		r.assessed_by = db_col_text(st, 8);
		r.envelope_id = db_col_text(st, 9);
		r.provider_key_id = db_col_text(st, 10);
		r.provider_name = db_col_text(st, 11);
		(*n)++;
		if (fn(arg, &r, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_hub_er_get(struct db_conn *c, int64_t id,
		     int (*fn)(void *arg, const struct hub_er_row *r, struct err *e), void *arg,
		     struct err *e)
{
	struct db_stmt *st;
	int n;

	if (db_prepare(c, &st, er_get_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	if (er_rows(st, fn, arg, &n, e) < 0)
		return -1;
	if (n == 0)
		return err_setn(e, ERR_NOT_FOUND, "early_release_not_found",
				"no early-release record %lld on this hub", (long long)id);
	return 0;
}

int store_hub_ers(struct db_conn *c, int64_t after_id, int limit,
		  int (*fn)(void *arg, const struct hub_er_row *r, struct err *e), void *arg,
		  struct err *e)
{
	struct db_stmt *st;
	int n;

	if (db_prepare(c, &st, er_list_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":after", after_id);
	db_bind_int64(st, ":limit", limit);
	return er_rows(st, fn, arg, &n, e);
}

int store_hub_er_assess(struct db_conn *c, int64_t id, const char *assessment, int64_t at,
			const char *by, int *changed, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, er_assess_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	db_bind_text(st, ":a", assessment);
	db_bind_int64(st, ":at", at);
	db_bind_text(st, ":by", by);
	return run(st, changed, e);
}

int store_hub_er_set_envelope(struct db_conn *c, int64_t id, const char *envelope_id,
			      struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, er_env_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	db_bind_text(st, ":env", envelope_id);
	return run(st, NULL, e);
}

/* ---- blackouts taken from a hub ---- */

static const char bo_local_sql[] =
	"SELECT local_id FROM fed_blackouts WHERE source_peer_id = :peer AND kind = :kind"
	" AND source_id = :src";
static const char bo_map_sql[] =
	"INSERT INTO fed_blackouts (source_peer_id, kind, source_id, local_id, received_at)"
	" VALUES (:peer, :kind, :src, :local, :at)";
static const char bo_sources_sql[] =
	"SELECT b.local_id, b.kind, p.key_id, p.name, b.source_id FROM fed_blackouts b"
	" JOIN federation_peers p ON p.id = b.source_peer_id ORDER BY b.id";

int store_fed_blackout_local(struct db_conn *c, int64_t peer_id, const char *kind,
			     int64_t source_id, int64_t *local_id, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, bo_local_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":peer", peer_id);
	db_bind_text(st, ":kind", kind);
	db_bind_int64(st, ":src", source_id);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		*local_id = db_col_int64(st, 0);
	db_finalize(st);
	if (rc < 0)
		return -1;
	if (rc != DB_ROW)
		return err_set(e, ERR_NOT_FOUND, "no %s %lld from this peer", kind,
			       (long long)source_id);
	return 0;
}

int store_fed_blackout_map(struct db_conn *c, int64_t peer_id, const char *kind,
			   int64_t source_id, int64_t local_id, int64_t now, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, bo_map_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":peer", peer_id);
	db_bind_text(st, ":kind", kind);
	db_bind_int64(st, ":src", source_id);
	db_bind_int64(st, ":local", local_id);
	db_bind_int64(st, ":at", now);
	return run(st, NULL, e);
}

int store_fed_blackout_sources(struct db_conn *c,
			       int (*fn)(void *arg, int64_t local_id, const char *kind,
					 const char *peer_key_id, const char *peer_name,
					 int64_t source_id, struct err *e),
			       void *arg, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, bo_sources_sql, e) < 0)
		return -1;
	while ((rc = db_step(st, e)) == DB_ROW)
		if (fn(arg, db_col_int64(st, 0), db_col_text(st, 1), db_col_text(st, 2),
		       db_col_text(st, 3), db_col_int64(st, 4), e) < 0) {
			rc = -1;
			break;
		}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* ---- advisory published ---- */

static const char pub_add_sql[] =
	"INSERT INTO hub_published (inbox_id, provider_peer_id, case_ref, advisory, title, url,"
	" published_at, received_at) VALUES (:inbox, :peer, :case_ref, :adv, :title, :url, :pub,"
	" :at) RETURNING id";
static const char pub_list_sql[] =
	"SELECT h.id, h.inbox_id, h.provider_peer_id, h.case_ref, h.advisory, h.title, h.url,"
	" h.published_at, h.received_at, p.key_id, p.name"
	" FROM hub_published h JOIN federation_peers p ON p.id = h.provider_peer_id"
	" WHERE (CAST(:after AS BIGINT) = 0 OR h.id < :after) ORDER BY h.id DESC LIMIT :limit";

int store_hub_published_add(struct db_conn *c, const struct hub_published_row *r, int64_t *id,
			    struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, pub_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":inbox", r->inbox_id);
	db_bind_int64(st, ":peer", r->provider_peer_id);
	db_bind_text(st, ":case_ref", r->case_ref);
	db_bind_text(st, ":adv", r->advisory);
	db_bind_text(st, ":title", r->title);
	db_bind_text(st, ":url", r->url);
	db_bind_int64(st, ":pub", r->published_at);
	db_bind_int64(st, ":at", r->received_at);
	return db_insert_id(st, id, e);
}

int store_hub_published(struct db_conn *c, int64_t after_id, int limit,
			int (*fn)(void *arg, const struct hub_published_row *r, struct err *e),
			void *arg, struct err *e)
{
	struct db_stmt *st;
	struct hub_published_row r;
	int rc;

	if (db_prepare(c, &st, pub_list_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":after", after_id);
	db_bind_int64(st, ":limit", limit);
	while ((rc = db_step(st, e)) == DB_ROW) {
		r.id = db_col_int64(st, 0);
		r.inbox_id = db_col_int64(st, 1);
		r.provider_peer_id = db_col_int64(st, 2);
		r.case_ref = db_col_text(st, 3);
		r.advisory = db_col_text(st, 4);
		r.title = db_col_text(st, 5);
		r.url = db_col_text(st, 6);
		r.published_at = db_col_int64(st, 7);
		r.received_at = db_col_int64(st, 8);
		r.provider_key_id = db_col_text(st, 9);
		r.provider_name = db_col_text(st, 10);
		if (fn(arg, &r, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* ---- provider: submission met ---- */

static const char sub_met_sql[] =
	"UPDATE authority_submissions SET receipt_number = :rn, leaf_index = :leaf, submitted_at = :at"
	" WHERE case_id = :case AND version = :version AND receipt_number IS NULL";

int store_fed_submission_met(struct db_conn *c, int64_t case_id, int version,
			     const char *receipt_number, int64_t leaf_index, int64_t at, int *changed,
			     struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, sub_met_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":at", at);
	db_bind_text(st, ":rn", receipt_number);
	db_bind_int64(st, ":leaf", leaf_index);
	db_bind_int64(st, ":case", case_id);
	db_bind_int64(st, ":version", version);
	return run(st, changed, e);
}

/* ---- advisory-published notices to the hub (provider) ---- */

static const char notices_due_sql[] =
	"SELECT b.case_id, b.ident, b.published_at FROM bulletins b"
	" WHERE b.state = 'published' AND b.published_at >= :since"
	" AND NOT EXISTS (SELECT 1 FROM provider_hub_notices n WHERE n.advisory = b.ident)"
	" ORDER BY b.published_at, b.id LIMIT :limit";
static const char notice_sent_sql[] =
	"INSERT INTO provider_hub_notices (advisory, envelope_id, sent_at) VALUES (:adv, :eid, :at)"
	" ON CONFLICT (advisory) DO NOTHING";

int store_hub_notices_due(struct db_conn *c, int64_t since, int limit,
			  int (*fn)(void *arg, const struct hub_notice_due_row *r, struct err *e),
			  void *arg, struct err *e)
{
	struct db_stmt *st;
	struct hub_notice_due_row r;
	int rc;

	if (db_prepare(c, &st, notices_due_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":since", since);
	db_bind_int64(st, ":limit", limit);
	while ((rc = db_step(st, e)) == DB_ROW) {
		r.case_id = db_col_int64(st, 0);
		r.advisory = db_col_text(st, 1);
		r.published_at = db_col_int64(st, 2);
		if (fn(arg, &r, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_hub_notice_sent(struct db_conn *c, const char *advisory, const char *envelope_id,
			  int64_t at, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, notice_sent_sql, e) < 0)
		return -1;
	db_bind_text(st, ":adv", advisory);
	db_bind_text(st, ":eid", envelope_id);
	db_bind_int64(st, ":at", at);
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}
