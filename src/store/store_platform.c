/* store_platform.c - SQL for filings, the registry, the provider directory, programs, routed
 * reports and their advisories (see store_platform.h). */
#include "store/store_platform.h"

#include <stdio.h>
#include <string.h>

static int64_t int_or0(struct db_stmt *st, int i)
{
	return db_col_is_null(st, i) ? 0 : db_col_int64(st, i);
}

static void bind_opt_int(struct db_stmt *st, const char *name, int64_t v)
{
	if (v == 0)
		db_bind_null(st, name);
	else
		db_bind_int64(st, name, v);
}

/* Step st, calling row(st, fn, arg) for each row; finalizes st. */
static int each(struct db_stmt *st,
		int (*row)(struct db_stmt *st, void *fn, void *arg, struct err *e), void *fn,
		void *arg, int *nrows, struct err *e)
{
	int rc, n = 0;

	while ((rc = db_step(st, e)) == DB_ROW) {
		n++;
		if (row(st, fn, arg, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	if (nrows != NULL)
		*nrows = n;
	return rc < 0 ? -1 : 0;
}

static int exec_one(struct db_stmt *st, struct err *e)
{
	int rc = db_exec(st, e);

	db_finalize(st);
	return rc;
}

/* ---- filings ---- */

static const char filing_add_sql[] =
    "INSERT INTO platform_filings (data, created_at, created_by, envelope_id)"
    " VALUES (:data, :at, :by, :eid) RETURNING id";
static const char filing_env_sql[] =
    "UPDATE platform_filings SET envelope_id = :eid WHERE id = :id";
static const char filing_latest_sql[] =
    "SELECT id, data, created_at, created_by, envelope_id, review_state, review_note,"
    " reviewed_at FROM platform_filings ORDER BY id DESC LIMIT 1";
static const char filing_review_sql[] =
    "UPDATE platform_filings SET review_state = :st, review_note = :note, reviewed_at = :at"
    " WHERE id = :id";

int store_platform_filing_add(struct db_conn *c, const struct platform_filing_row *r, int64_t *id,
			      struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, filing_add_sql, e) < 0)
		return -1;
	db_bind_text(st, ":data", r->data);
	db_bind_int64(st, ":at", r->created_at);
	bind_opt_int(st, ":by", r->created_by);
	db_bind_text(st, ":eid", r->envelope_id);
	return db_insert_id(st, id, e);
}

int store_platform_filing_set_envelope(struct db_conn *c, int64_t id, const char *envelope_id,
				       struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, filing_env_sql, e) < 0)
		return -1;
	db_bind_text(st, ":eid", envelope_id);
	db_bind_int64(st, ":id", id);
	return exec_one(st, e);
}

static int filing_row(struct db_stmt *st, void *fn, void *arg, struct err *e)
{
	int (*f)(void *, const struct platform_filing_row *, struct err *) = fn;
	struct platform_filing_row r = {
	    .id = db_col_int64(st, 0),
	    .data = db_col_text(st, 1),
	    .created_at = db_col_int64(st, 2),
	    .created_by = int_or0(st, 3),
	    .envelope_id = db_col_is_null(st, 4) ? NULL : db_col_text(st, 4),
	    .review_state = db_col_is_null(st, 5) ? NULL : db_col_text(st, 5),
	    .review_note = db_col_is_null(st, 6) ? NULL : db_col_text(st, 6),
	    .reviewed_at = int_or0(st, 7),
	};

	return f(arg, &r, e);
}

int store_platform_filing_latest(struct db_conn *c,
				 int (*fn)(void *arg, const struct platform_filing_row *r,
					   struct err *e),
				 void *arg, struct err *e)
{
	struct db_stmt *st;
	int n;

	if (db_prepare(c, &st, filing_latest_sql, e) < 0)
		return -1;
	if (each(st, filing_row, (void *)fn, arg, &n, e) < 0)
		return -1;
	if (n == 0)
		return err_setn(e, ERR_NOT_FOUND, "no_filing",
				"this platform has no filing data yet");
	return 0;
}

int store_platform_filing_review(struct db_conn *c, int64_t version, const char *state,
				 const char *note, int64_t reviewed_at, int *found, struct err *e)
{
	struct db_stmt *st;
	int rc;

	*found = 0;
	if (db_prepare(c, &st, filing_review_sql, e) < 0)
		return -1;
	db_bind_text(st, ":st", state);
	db_bind_text(st, ":note", note);
	bind_opt_int(st, ":at", reviewed_at);
	db_bind_int64(st, ":id", version);
	rc = db_exec(st, e);
	if (rc == 0)
		*found = db_changes(st) > 0;
	db_finalize(st);
	return rc;
}

/* ---- the hub's registry ---- */

static const char hub_filing_add_sql[] =
    "INSERT INTO hub_platform_filings (inbox_id, peer_id, version, data, received_at)"
    " VALUES (:inbox, :peer, :version, :data, :at) RETURNING id";
#define HUB_REVIEW_COLS " f.review_state, f.review_note, f.reviewed_by, f.reviewed_at, p.name"
static const char hub_registry_sql[] =
    "SELECT f.id, f.inbox_id, f.peer_id, f.version, f.data, f.received_at, p.key_id, p.url,"
    " p.jurisdiction, (SELECT MIN(g.received_at) FROM hub_platform_filings g"
    " WHERE g.peer_id = f.peer_id AND g.review_state = 'accepted') AS first_at,"
    HUB_REVIEW_COLS
    " FROM hub_platform_filings f JOIN federation_peers p ON p.id = f.peer_id"
    " WHERE p.removed_at IS NULL AND p.role = 'platform' AND f.id = (SELECT h.id FROM"
    " hub_platform_filings h WHERE h.peer_id = f.peer_id AND h.review_state = 'accepted'"
    " ORDER BY h.version DESC, h.id DESC LIMIT 1) ORDER BY first_at, f.peer_id";
#define HUB_FILING_SELECT                                                                          \
	"SELECT f.id, f.inbox_id, f.peer_id, f.version, f.data, f.received_at, p.key_id, p.url,"  \
	" p.jurisdiction, 0," HUB_REVIEW_COLS                                                     \
	" FROM hub_platform_filings f JOIN federation_peers p ON p.id = f.peer_id"
static const char hub_filing_list_sql[] =
    HUB_FILING_SELECT " WHERE (CAST(:st AS TEXT) IS NULL OR f.review_state = CAST(:st AS TEXT))"
		      " AND f.id > :after ORDER BY f.id LIMIT :lim";
static const char hub_filing_get_sql[] = HUB_FILING_SELECT " WHERE f.id = :id";
static const char hub_filing_review_sql[] =
    "UPDATE hub_platform_filings SET review_state = :st, review_note = :note,"
    " reviewed_by = :by, reviewed_at = :at WHERE id = :id AND review_state = 'pending'";
static const char hub_filing_env_sql[] =
    "UPDATE hub_platform_filings SET review_envelope_id = :eid WHERE id = :id";

int store_hub_filing_add(struct db_conn *c, const struct hub_filing_row *r, int64_t *id,
			 struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, hub_filing_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":inbox", r->inbox_id);
	db_bind_int64(st, ":peer", r->peer_id);
	db_bind_int64(st, ":version", r->version);
	db_bind_text(st, ":data", r->data);
	db_bind_int64(st, ":at", r->received_at);
	return db_insert_id(st, id, e);
}

static int hub_row(struct db_stmt *st, void *fn, void *arg, struct err *e)
{
	int (*f)(void *, const struct hub_filing_row *, struct err *) = fn;
	struct hub_filing_row r = {
	    .id = db_col_int64(st, 0),
	    .inbox_id = db_col_int64(st, 1),
	    .peer_id = db_col_int64(st, 2),
	    .version = db_col_int64(st, 3),
	    .data = db_col_text(st, 4),
	    .received_at = db_col_int64(st, 5),
	    .peer_key_id = db_col_text(st, 6),
	    .peer_url = db_col_text(st, 7),
	    .peer_jurisdiction = db_col_text(st, 8),
	    .first_received_at = int_or0(st, 9),
	    .review_state = db_col_text(st, 10),
	    .review_note = db_col_is_null(st, 11) ? NULL : db_col_text(st, 11),
	    .reviewed_by = db_col_is_null(st, 12) ? NULL : db_col_text(st, 12),
	    .reviewed_at = int_or0(st, 13),
	    .peer_name = db_col_is_null(st, 14) ? NULL : db_col_text(st, 14),
	};

	return f(arg, &r, e);
}

int store_hub_registry_list(struct db_conn *c,
			    int (*fn)(void *arg, const struct hub_filing_row *r, struct err *e),
			    void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, hub_registry_sql, e) < 0)
		return -1;
	return each(st, hub_row, (void *)fn, arg, NULL, e);
}

int store_hub_filing_list(struct db_conn *c, const char *state, int64_t after, int limit,
			  store_hub_filing_fn *fn, void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, hub_filing_list_sql, e) < 0)
		return -1;
	db_bind_text(st, ":st", state);
	db_bind_int64(st, ":after", after);
	db_bind_int64(st, ":lim", limit);
	return each(st, hub_row, (void *)fn, arg, NULL, e);
}

int store_hub_filing_get(struct db_conn *c, int64_t id, store_hub_filing_fn *fn, void *arg,
			 struct err *e)
{
	struct db_stmt *st;
	int n;

	if (db_prepare(c, &st, hub_filing_get_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	if (each(st, hub_row, (void *)fn, arg, &n, e) < 0)
		return -1;
	if (n == 0)
		return err_setn(e, ERR_NOT_FOUND, "unknown_filing", "no received filing %lld",
				(long long)id);
	return 0;
}

int store_hub_filing_review(struct db_conn *c, int64_t id, const char *state, const char *note,
			    const char *by, int64_t at, int *changed, struct err *e)
{
	struct db_stmt *st;
	int rc;

	*changed = 0;
	if (db_prepare(c, &st, hub_filing_review_sql, e) < 0)
		return -1;
	db_bind_text(st, ":st", state);
	db_bind_text(st, ":note", note);
	db_bind_text(st, ":by", by);
	db_bind_int64(st, ":at", at);
	db_bind_int64(st, ":id", id);
	rc = db_exec(st, e);
	if (rc == 0)
		*changed = db_changes(st) > 0;
	db_finalize(st);
	return rc;
}

int store_hub_filing_set_review_envelope(struct db_conn *c, int64_t id, const char *envelope_id,
					 struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, hub_filing_env_sql, e) < 0)
		return -1;
	db_bind_text(st, ":eid", envelope_id);
	db_bind_int64(st, ":id", id);
	return exec_one(st, e);
}

/* ---- the provider directory ---- */

#define PROV_COLS                                                                                  \
	"id, name, patterns, peer_key_id, email, jurisdiction, created_at, removed_at, min_level"

static const char prov_add_sql[] =
    "INSERT INTO platform_providers (name, patterns, peer_key_id, email, jurisdiction,"
    " created_at, min_level) VALUES (:name, :patterns, :peer, :email, :jur, :at, :lvl)"
    " RETURNING id";
static const char prov_get_sql[] = "SELECT " PROV_COLS " FROM platform_providers WHERE id = :id";
static const char prov_list_sql[] =
    "SELECT " PROV_COLS " FROM platform_providers"
    " WHERE removed_at IS NULL OR CAST(:all AS BIGINT) = 1 ORDER BY id";
static const char prov_remove_sql[] =
    "UPDATE platform_providers SET removed_at = :at WHERE id = :id AND removed_at IS NULL";
static const char prov_visible_sql[] =
    "SELECT " PROV_COLS " FROM platform_providers"
    " WHERE removed_at IS NULL AND min_level <= :lvl ORDER BY id";

static const char *text_or_null(struct db_stmt *st, int i)
{
	return db_col_is_null(st, i) ? NULL : db_col_text(st, i);
}

static int prov_row(struct db_stmt *st, void *fn, void *arg, struct err *e)
{
	int (*f)(void *, const struct platform_provider_row *, struct err *) = fn;
	struct platform_provider_row r = {
	    .id = db_col_int64(st, 0),
	    .name = db_col_text(st, 1),
	    .patterns = db_col_text(st, 2),
	    .peer_key_id = text_or_null(st, 3),
	    .email = text_or_null(st, 4),
	    .jurisdiction = text_or_null(st, 5),
	    .created_at = db_col_int64(st, 6),
	    .removed_at = int_or0(st, 7),
	    .min_level = db_col_int64(st, 8),
	};

	return f(arg, &r, e);
}

int store_platform_provider_add(struct db_conn *c, const struct platform_provider_row *r,
				int64_t *id, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, prov_add_sql, e) < 0)
		return -1;
	db_bind_text(st, ":name", r->name);
	db_bind_text(st, ":patterns", r->patterns);
	db_bind_text(st, ":peer", r->peer_key_id);
	db_bind_text(st, ":email", r->email);
	db_bind_text(st, ":jur", r->jurisdiction);
	db_bind_int64(st, ":at", r->created_at);
	db_bind_int64(st, ":lvl", r->min_level ? r->min_level : 1);
	return db_insert_id(st, id, e);
}

int store_platform_provider_get(struct db_conn *c, int64_t id,
				int (*fn)(void *arg, const struct platform_provider_row *r,
					  struct err *e),
				void *arg, struct err *e)
{
	struct db_stmt *st;
	int n;

	if (db_prepare(c, &st, prov_get_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	if (each(st, prov_row, (void *)fn, arg, &n, e) < 0)
		return -1;
	if (n == 0)
		return err_setn(e, ERR_NOT_FOUND, "unknown_provider",
				"no provider %lld in the directory", (long long)id);
	return 0;
}

int store_platform_provider_list(struct db_conn *c, int all,
				 int (*fn)(void *arg, const struct platform_provider_row *r,
					   struct err *e),
				 void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, prov_list_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":all", all ? 1 : 0);
	return each(st, prov_row, (void *)fn, arg, NULL, e);
}

int store_platform_provider_remove(struct db_conn *c, int64_t id, int64_t now, int *changed,
				   struct err *e)
{
	struct db_stmt *st;
	int rc;

	*changed = 0;
	if (db_prepare(c, &st, prov_remove_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	db_bind_int64(st, ":at", now);
	rc = db_exec(st, e);
	if (rc == 0)
		*changed = db_changes(st) > 0;
	db_finalize(st);
	return rc;
}

int store_platform_provider_visible(struct db_conn *c, int64_t level,
				    int (*fn)(void *arg, const struct platform_provider_row *r,
					      struct err *e),
				    void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, prov_visible_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":lvl", level);
	return each(st, prov_row, (void *)fn, arg, NULL, e);
}

/* ---- programs designated by researchers ---- */

static const char program_put_sql[] =
    "INSERT INTO platform_programs (report_id, provider_id, user_id, designated_at)"
    " VALUES (:report, :provider, :user, :at) ON CONFLICT (report_id) DO UPDATE SET"
    " provider_id = excluded.provider_id, user_id = excluded.user_id,"
    " designated_at = excluded.designated_at";
static const char program_get_sql[] =
    "SELECT g.report_id, g.provider_id, g.user_id, g.designated_at, p.name, p.min_level,"
    " p.removed_at FROM platform_programs g JOIN platform_providers p ON p.id = g.provider_id"
    " WHERE g.report_id = :report";

int store_platform_program_put(struct db_conn *c, const struct platform_program_row *r,
			       struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, program_put_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":report", r->report_id);
	db_bind_int64(st, ":provider", r->provider_id);
	db_bind_int64(st, ":user", r->user_id);
	db_bind_int64(st, ":at", r->designated_at);
	return exec_one(st, e);
}

static int program_row(struct db_stmt *st, void *fn, void *arg, struct err *e)
{
	store_program_fn *f = fn;
	struct platform_program_row r = {
	    .report_id = db_col_int64(st, 0),
	    .provider_id = db_col_int64(st, 1),
	    .user_id = db_col_int64(st, 2),
	    .designated_at = db_col_int64(st, 3),
	    .provider_name = db_col_text(st, 4),
	    .provider_min_level = db_col_int64(st, 5),
	    .provider_removed_at = int_or0(st, 6),
	};

	return f(arg, &r, e);
}

int store_platform_program_get(struct db_conn *c, int64_t report_id, store_program_fn *fn,
			       void *arg, struct err *e)
{
	struct db_stmt *st;
	int n;

	if (db_prepare(c, &st, program_get_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":report", report_id);
	if (each(st, program_row, (void *)fn, arg, &n, e) < 0)
		return -1;
	if (n == 0)
		return err_setn(e, ERR_NOT_FOUND, "no_program",
				"no program is designated for report %lld", (long long)report_id);
	return 0;
}

/* ---- routed reports (platform) ---- */

#define ROUTED_COLS                                                                                \
	"r.id, r.report_id, r.provider_id, r.channel, r.envelope_id, r.message_id,"                \
	" r.guard, r.routed_at, r.routed_by, r.status, r.status_detail, r.status_at, p.name,"      \
	" p.peer_key_id, CASE WHEN g.provider_id = r.provider_id THEN 1 ELSE 0 END, a.advisory,"   \
	" a.title, a.url, a.published_at"
/* the designation of the report, and the newest advisory notice of the routing */
#define ROUTED_FROM                                                                                \
	" FROM platform_routed r JOIN platform_providers p ON p.id = r.provider_id"                \
	" LEFT JOIN platform_programs g ON g.report_id = r.report_id"                              \
	" LEFT JOIN platform_routed_advisories a ON a.id = (SELECT a2.id FROM"                     \
	" platform_routed_advisories a2 WHERE a2.routed_id = r.id"                                 \
	" ORDER BY a2.published_at DESC, a2.id DESC LIMIT 1)"

static const char routed_add_sql[] =
    "INSERT INTO platform_routed (report_id, provider_id, channel, envelope_id, message_id,"
    " guard, routed_at, routed_by) VALUES (:report, :provider, :channel, :eid, :mid, :guard,"
    " :at, :by) RETURNING id";
static const char routed_get_sql[] = "SELECT " ROUTED_COLS ROUTED_FROM " WHERE r.id = :id";
static const char routed_by_report_sql[] =
    "SELECT " ROUTED_COLS ROUTED_FROM " WHERE r.report_id = :report ORDER BY r.id";
static const char routed_all_sql[] =
    "SELECT " ROUTED_COLS ROUTED_FROM " ORDER BY r.id DESC LIMIT :limit";
static const char routed_status_sql[] =
    "UPDATE platform_routed SET status = :status, status_detail = :detail, status_at = :at"
    " WHERE id = :id AND (status_at IS NULL OR status_at <= :at)";

static const char routed_env_sql[] =
    "UPDATE platform_routed SET envelope_id = :eid, message_id = :mid WHERE id = :id";
static const char routed_delete_sql[] = "DELETE FROM platform_routed WHERE id = :id";
static const char routed_advisory_sql[] =
    "INSERT INTO platform_routed_advisories (routed_id, inbox_id, advisory, title, url,"
    " published_at, received_at) VALUES (:routed, :inbox, :adv, :title, :url, :pub, :at)"
    " ON CONFLICT (routed_id, advisory) DO NOTHING";

int store_platform_routed_set_envelope(struct db_conn *c, int64_t id, const char *envelope_id,
				       const char *message_id, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, routed_env_sql, e) < 0)
		return -1;
	db_bind_text(st, ":eid", envelope_id);
	db_bind_text(st, ":mid", message_id);
	db_bind_int64(st, ":id", id);
	return exec_one(st, e);
}

int store_platform_routed_delete(struct db_conn *c, int64_t id, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, routed_delete_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	return exec_one(st, e);
}

static int routed_row(struct db_stmt *st, void *fn, void *arg, struct err *e)
{
	store_routed_fn *f = fn;
	struct platform_routed_row r = {
	    .id = db_col_int64(st, 0),
	    .report_id = db_col_int64(st, 1),
	    .provider_id = db_col_int64(st, 2),
	    .channel = db_col_text(st, 3),
	    .envelope_id = text_or_null(st, 4),
	    .message_id = text_or_null(st, 5),
	    .guard = db_col_text(st, 6),
	    .routed_at = db_col_int64(st, 7),
	    .routed_by = int_or0(st, 8),
	    .status = text_or_null(st, 9),
	    .status_detail = text_or_null(st, 10),
	    .status_at = int_or0(st, 11),
	    .provider_name = db_col_text(st, 12),
	    .provider_peer_key_id = text_or_null(st, 13),
	    .designated = db_col_int64(st, 14) != 0,
	    .advisory = text_or_null(st, 15),
	    .advisory_title = text_or_null(st, 16),
	    .advisory_url = text_or_null(st, 17),
	    .advisory_published_at = int_or0(st, 18),
	};

	return f(arg, &r, e);
}

int store_platform_routed_add(struct db_conn *c, const struct platform_routed_row *r, int64_t *id,
			      struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, routed_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":report", r->report_id);
	db_bind_int64(st, ":provider", r->provider_id);
	db_bind_text(st, ":channel", r->channel);
	db_bind_text(st, ":eid", r->envelope_id);
	db_bind_text(st, ":mid", r->message_id);
	db_bind_text(st, ":guard", r->guard);
	db_bind_int64(st, ":at", r->routed_at);
	bind_opt_int(st, ":by", r->routed_by);
	return db_insert_id(st, id, e);
}

int store_platform_routed_get(struct db_conn *c, int64_t id, store_routed_fn *fn, void *arg,
			      struct err *e)
{
	struct db_stmt *st;
	int n;

	if (db_prepare(c, &st, routed_get_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	if (each(st, routed_row, (void *)fn, arg, &n, e) < 0)
		return -1;
	if (n == 0)
		return err_setn(e, ERR_NOT_FOUND, "unknown_routing", "no routed report %lld",
				(long long)id);
	return 0;
}

int store_platform_routed_list(struct db_conn *c, int64_t report_id, int limit, store_routed_fn *fn,
			       void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, report_id ? routed_by_report_sql : routed_all_sql, e) < 0)
		return -1;
	if (report_id)
		db_bind_int64(st, ":report", report_id);
	else
		db_bind_int64(st, ":limit", limit);
	return each(st, routed_row, (void *)fn, arg, NULL, e);
}

int store_platform_routed_set_status(struct db_conn *c, int64_t id, const char *status,
				     const char *detail, int64_t at, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, routed_status_sql, e) < 0)
		return -1;
	db_bind_text(st, ":status", status);
	db_bind_text(st, ":detail", detail);
	db_bind_int64(st, ":at", at);
	db_bind_int64(st, ":id", id);
	return exec_one(st, e);
}

int store_platform_routed_advisory_add(struct db_conn *c, const struct platform_advisory_row *r,
				       int *added, struct err *e)
{
	struct db_stmt *st;
	int rc;

	*added = 0;
	if (db_prepare(c, &st, routed_advisory_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":routed", r->routed_id);
	db_bind_int64(st, ":inbox", r->inbox_id);
	db_bind_text(st, ":adv", r->advisory);
	db_bind_text(st, ":title", r->title);
	db_bind_text(st, ":url", r->url);
	db_bind_int64(st, ":pub", r->published_at);
	db_bind_int64(st, ":at", r->received_at);
	rc = db_exec(st, e);
	if (rc == 0)
		*added = db_changes(st) > 0;
	db_finalize(st);
	return rc;
}

/* ---- routed in (provider) ---- */

#define IN_COLS                                                                                    \
	"r.id, r.inbox_id, r.peer_id, r.platform_ref, r.envelope_id, r.received_at, r.report_id,"  \
	" r.sent_state, p.key_id"

static const char in_add_sql[] =
    "INSERT INTO provider_routed_in (inbox_id, peer_id, platform_ref, envelope_id,"
    " received_at) VALUES (:inbox, :peer, :ref, :eid, :at) RETURNING id";
static const char in_exists_sql[] =
    "SELECT id FROM provider_routed_in WHERE peer_id = :peer AND platform_ref = :ref";
static const char in_pending_sql[] =
    "SELECT " IN_COLS ", 0, NULL FROM provider_routed_in r JOIN federation_peers p"
    " ON p.id = r.peer_id WHERE r.report_id IS NULL ORDER BY r.id LIMIT :limit";
static const char in_set_report_sql[] =
    "UPDATE provider_routed_in SET report_id = :report WHERE id = :id AND report_id IS NULL";
static const char in_changed_sql[] =
    "SELECT " IN_COLS ", c.id, c.state FROM provider_routed_in r"
    " JOIN federation_peers p ON p.id = r.peer_id"
    " JOIN case_reports cr ON cr.report_id = r.report_id JOIN cases c ON c.id = cr.case_id"
    " WHERE r.sent_state IS NULL OR r.sent_state <> c.state ORDER BY r.id LIMIT :limit";
static const char in_set_sent_sql[] =
    "UPDATE provider_routed_in SET sent_state = :state WHERE id = :id";

static int in_row(struct db_stmt *st, void *fn, void *arg, struct err *e)
{
	store_provider_in_fn *f = fn;
	struct provider_in_row r;

	memset(&r, 0, sizeof(r));
	r.id = db_col_int64(st, 0);
	r.inbox_id = db_col_int64(st, 1);
	r.peer_id = db_col_int64(st, 2);
	r.platform_ref = db_col_text(st, 3);
	r.envelope_id = db_col_text(st, 4);
	r.received_at = db_col_int64(st, 5);
	r.report_id = int_or0(st, 6);
	r.sent_state = text_or_null(st, 7);
	r.peer_key_id = db_col_text(st, 8);
	r.case_id = int_or0(st, 9);
	r.case_state = text_or_null(st, 10);
	return f(arg, &r, e);
}

int store_provider_in_add(struct db_conn *c, const struct provider_in_row *r, int64_t *id,
			  struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, in_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":inbox", r->inbox_id);
	db_bind_int64(st, ":peer", r->peer_id);
	db_bind_text(st, ":ref", r->platform_ref);
	db_bind_text(st, ":eid", r->envelope_id);
	db_bind_int64(st, ":at", r->received_at);
	return db_insert_id(st, id, e);
}

int store_provider_in_exists(struct db_conn *c, int64_t peer_id, const char *platform_ref,
			     int *found, struct err *e)
{
	struct db_stmt *st;
	int rc;

	*found = 0;
	if (db_prepare(c, &st, in_exists_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":peer", peer_id);
	db_bind_text(st, ":ref", platform_ref);
	rc = db_step(st, e);
	*found = rc == DB_ROW;
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_provider_in_pending(struct db_conn *c, int limit, store_provider_in_fn *fn, void *arg,
			      struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, in_pending_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":limit", limit);
	return each(st, in_row, (void *)fn, arg, NULL, e);
}

int store_provider_in_set_report(struct db_conn *c, int64_t id, int64_t report_id, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, in_set_report_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":report", report_id);
	db_bind_int64(st, ":id", id);
	return exec_one(st, e);
}

int store_provider_in_changed(struct db_conn *c, int limit, store_provider_in_fn *fn, void *arg,
			      struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, in_changed_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":limit", limit);
	return each(st, in_row, (void *)fn, arg, NULL, e);
}

int store_provider_in_set_sent(struct db_conn *c, int64_t id, const char *state, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, in_set_sent_sql, e) < 0)
		return -1;
	db_bind_text(st, ":state", state);
	db_bind_int64(st, ":id", id);
	return exec_one(st, e);
}

/* ---- researchers ---- */

#define RES_COLS                                                                                   \
	"p.user_id, p.identity, p.identity_at, p.verification, p.verified_by,"                     \
	" p.verified_at, p.verification_note, p.level, p.updated_at, u.email"
#define RES_FROM " FROM platform_researchers p JOIN users u ON u.id = p.user_id"

static const char res_put_sql[] =
    "INSERT INTO platform_researchers (user_id, identity, identity_at, verification,"
    " verified_by, verified_at, verification_note, level, updated_at) VALUES (:u, :id, :id_at,"
    " :ver, :by, :at, :note, :level, :upd) ON CONFLICT (user_id) DO UPDATE SET"
    " identity = excluded.identity, identity_at = excluded.identity_at,"
    " verification = excluded.verification, verified_by = excluded.verified_by,"
    " verified_at = excluded.verified_at, verification_note = excluded.verification_note,"
    " level = excluded.level, updated_at = excluded.updated_at";
static const char res_get_sql[] = "SELECT " RES_COLS RES_FROM " WHERE p.user_id = :u";
static const char res_list_sql[] =
    "SELECT " RES_COLS RES_FROM " WHERE p.user_id > :after ORDER BY p.user_id LIMIT :limit";
/* a report's class: 2 invalid (spam, or its case rejected or a duplicate), 1 valid (its
 * case, or a provider it was routed to, verified it or went further), 2 again when only a
 * provider said rejected or duplicate, 0 pending */
#define VALID_STATES                                                                               \
	"('verified', 'assessed', 'fixing', 'fix_available', 'disclosure_pending',"                \
	" 'published', 'closed')"
static const char res_outcomes_sql[] =
    "SELECT COALESCE(SUM(CASE WHEN k = 1 THEN 1 ELSE 0 END), 0),"
    " COALESCE(SUM(CASE WHEN k = 2 THEN 1 ELSE 0 END), 0), COUNT(*) FROM (SELECT CASE"
    " WHEN r.status = 'spam' OR c.state IN ('rejected', 'duplicate') THEN 2"
    " WHEN c.state IN " VALID_STATES " OR EXISTS (SELECT 1 FROM platform_routed pr"
    " WHERE pr.report_id = r.id AND pr.status IN " VALID_STATES ") THEN 1"
    " WHEN EXISTS (SELECT 1 FROM platform_routed pr WHERE pr.report_id = r.id"
    " AND pr.status IN ('rejected', 'duplicate')) THEN 2 ELSE 0 END AS k FROM reports r"
    " LEFT JOIN case_reports cr ON cr.report_id = r.id LEFT JOIN cases c ON c.id = cr.case_id"
    " WHERE r.reporter_user_id = :u AND r.disposition = 'accepted') t";

static int res_row(struct db_stmt *st, void *fn, void *arg, struct err *e)
{
	store_researcher_fn *f = fn;
	struct researcher_row r;
	size_t n = 0;

	memset(&r, 0, sizeof(r));
	r.user_id = db_col_int64(st, 0);
	r.identity = db_col_is_null(st, 1) ? NULL : db_col_blob(st, 1, &n);
	r.identity_len = n;
	r.identity_at = int_or0(st, 2);
	r.verification = db_col_text(st, 3);
	r.verified_by = int_or0(st, 4);
	r.verified_at = int_or0(st, 5);
	r.verification_note = text_or_null(st, 6);
	r.level = db_col_int64(st, 7);
	r.updated_at = db_col_int64(st, 8);
	r.email = db_col_text(st, 9);
	return f(arg, &r, e);
}

int store_researcher_put(struct db_conn *c, const struct researcher_row *r, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, res_put_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":u", r->user_id);
	if (r->identity != NULL)
		db_bind_blob(st, ":id", r->identity, r->identity_len);
	else
		db_bind_null(st, ":id");
	bind_opt_int(st, ":id_at", r->identity_at);
	db_bind_text(st, ":ver", r->verification);
	bind_opt_int(st, ":by", r->verified_by);
	bind_opt_int(st, ":at", r->verified_at);
	db_bind_text(st, ":note", r->verification_note);
	db_bind_int64(st, ":level", r->level);
	db_bind_int64(st, ":upd", r->updated_at);
	return exec_one(st, e);
}

int store_researcher_get(struct db_conn *c, int64_t user_id, store_researcher_fn *fn, void *arg,
			 struct err *e)
{
	struct db_stmt *st;
	int n;

	if (db_prepare(c, &st, res_get_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":u", user_id);
	if (each(st, res_row, (void *)fn, arg, &n, e) < 0)
		return -1;
	if (n == 0)
		return err_setn(e, ERR_NOT_FOUND, "unknown_researcher",
				"user %lld has no researcher record", (long long)user_id);
	return 0;
}

int store_researcher_list(struct db_conn *c, int64_t after_id, int limit, store_researcher_fn *fn,
			  void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, res_list_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":after", after_id);
	db_bind_int64(st, ":limit", limit);
	return each(st, res_row, (void *)fn, arg, NULL, e);
}

int store_researcher_outcomes(struct db_conn *c, int64_t user_id, int64_t *valid, int64_t *invalid,
			      int64_t *pending, struct err *e)
{
	struct db_stmt *st;
	int rc;

	*valid = *invalid = *pending = 0;
	if (db_prepare(c, &st, res_outcomes_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":u", user_id);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*valid = db_col_int64(st, 0);
		*invalid = db_col_int64(st, 1);
		*pending = db_col_int64(st, 2) - *valid - *invalid;
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* ---- advisories back to the platform (provider) ---- */

static const char in_adv_due_sql[] =
    "SELECT r.id, r.platform_ref, p.key_id, b.case_id, b.ident, b.content, b.published_at"
    " FROM provider_routed_in r JOIN federation_peers p ON p.id = r.peer_id"
    " JOIN case_reports cr ON cr.report_id = r.report_id"
    " JOIN bulletins b ON b.case_id = cr.case_id AND b.state = 'published'"
    " WHERE NOT EXISTS (SELECT 1 FROM provider_routed_advisories s"
    " WHERE s.routed_in_id = r.id AND s.advisory = b.ident)"
    " ORDER BY b.published_at, b.id, r.id LIMIT :limit";
static const char in_adv_sent_sql[] =
    "INSERT INTO provider_routed_advisories (routed_in_id, advisory, envelope_id, sent_at)"
    " VALUES (:id, :adv, :eid, :at) ON CONFLICT (routed_in_id, advisory) DO NOTHING";

static int adv_due_row(struct db_stmt *st, void *fn, void *arg, struct err *e)
{
	store_provider_adv_fn *f = fn;
	struct provider_advisory_due_row r = {
	    .routed_in_id = db_col_int64(st, 0),
	    .platform_ref = db_col_text(st, 1),
	    .peer_key_id = db_col_text(st, 2),
	    .case_id = db_col_int64(st, 3),
	    .advisory = db_col_text(st, 4),
	    .content = db_col_text(st, 5),
	    .published_at = int_or0(st, 6),
	};

	return f(arg, &r, e);
}

int store_provider_in_advisories_due(struct db_conn *c, int limit, store_provider_adv_fn *fn,
				     void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, in_adv_due_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":limit", limit);
	return each(st, adv_due_row, (void *)fn, arg, NULL, e);
}

int store_provider_in_advisory_sent(struct db_conn *c, int64_t routed_in_id, const char *advisory,
				    const char *envelope_id, int64_t at, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, in_adv_sent_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", routed_in_id);
	db_bind_text(st, ":adv", advisory);
	db_bind_text(st, ":eid", envelope_id);
	db_bind_int64(st, ":at", at);
	return exec_one(st, e);
}
