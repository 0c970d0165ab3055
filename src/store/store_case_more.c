/* store_case_more.c - SQL for need-to-know teams and case exports (see store_case_more.h). */
#include "store/store_case_more.h"

#include <string.h>

static const char team_add_sql[] =
	"INSERT INTO teams (name, created_at, created_by) VALUES (:name, :at, :by) RETURNING id";
static const char team_get_sql[] =
	"SELECT id, name, created_at, created_by FROM teams WHERE id = :id";
static const char teams_sql[] = "SELECT id, name, created_at, created_by FROM teams ORDER BY id";
static const char member_has_sql[] =
	"SELECT 1 FROM team_members WHERE team_id = :team AND user_id = :user";
static const char member_add_sql[] =
	"INSERT INTO team_members (team_id, user_id, added_at) VALUES (:team, :user, :at)";
static const char member_remove_sql[] =
	"DELETE FROM team_members WHERE team_id = :team AND user_id = :user";
static const char members_sql[] =
	"SELECT user_id FROM team_members WHERE team_id = :team ORDER BY user_id";

#define EXPORT_COLS \
	"id, case_id, recipient_name, recipient_email, recipient_country, is_provider, reason," \
	" status, requested_by, requested_at, approved_by, approved_at, fetched_at"
static const char export_add_sql[] =
	"INSERT INTO case_exports (case_id, recipient_name, recipient_email, recipient_country,"
	" is_provider, reason, status, requested_by, requested_at) VALUES (:case, :name, :email,"
	" :country, :provider, :reason, 'pending', :by, :at) RETURNING id";
static const char export_get_sql[] = "SELECT " EXPORT_COLS " FROM case_exports WHERE id = :id";
static const char export_approve_sql[] =
	"UPDATE case_exports SET status = 'approved', approved_by = :by, approved_at = :at"
	" WHERE id = :id AND status = 'pending'";
static const char export_fetched_sql[] =
	"UPDATE case_exports SET fetched_at = :at WHERE id = :id AND fetched_at IS NULL";
static const char exports_sql[] =
	"SELECT " EXPORT_COLS " FROM case_exports WHERE case_id = :case ORDER BY id";
static const char exports_page_sql[] =
	"SELECT " EXPORT_COLS " FROM case_exports WHERE (CAST(:by AS BIGINT) = 0 OR"
	" requested_by = :by) AND (CAST(:before AS BIGINT) = 0 OR id < :before)"
	" ORDER BY id DESC LIMIT :limit";

static int64_t col_int(struct db_stmt *st, int i)
{
	return db_col_is_null(st, i) ? 0 : db_col_int64(st, i);
}

int store_team_add(struct db_conn *c, const char *name, int64_t at, int64_t by, int64_t *id,
		   struct err *e)
{
	struct db_stmt *st;

	*id = 0;
	if (db_prepare(c, &st, team_add_sql, e) < 0)
		return -1;
	db_bind_text(st, ":name", name);
	db_bind_int64(st, ":at", at);
	if (by)
		db_bind_int64(st, ":by", by);
	else
		db_bind_null(st, ":by");
	if (db_insert_id(st, id, e) < 0) {
		if (e->code == ERR_CONFLICT)
			err_setn(e, ERR_CONFLICT, "team_exists", "a team \"%s\" exists already", name);
		return -1;
	}
	return 0;
}

static int each_team(struct db_stmt *st, int need_one,
		     int (*fn)(void *arg, const struct team_row *t, struct err *e), void *arg,
		     struct err *e)
{
	struct team_row t;
	int rc, got = 0;

	while ((rc = db_step(st, e)) == DB_ROW) {
		got = 1;
		t.id = db_col_int64(st, 0);
		t.name = db_col_text(st, 1);
		t.created_at = db_col_int64(st, 2);
		t.created_by = col_int(st, 3);
		if (fn(arg, &t, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	if (need_one && !got)
		return err_set(e, ERR_NOT_FOUND, "no such team");
	return 0;
}

int store_team_get(struct db_conn *c, int64_t id,
		   int (*fn)(void *arg, const struct team_row *t, struct err *e), void *arg,
		   struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, team_get_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	return each_team(st, 1, fn, arg, e);
}

int store_teams(struct db_conn *c, int (*fn)(void *arg, const struct team_row *t, struct err *e),
		void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, teams_sql, e) < 0)
		return -1;
	return each_team(st, 0, fn, arg, e);
}

int store_team_has_member(struct db_conn *c, int64_t team_id, int64_t user_id, int *yes,
			  struct err *e)
{
	struct db_stmt *st;
	int rc;

	*yes = 0;
	if (db_prepare(c, &st, member_has_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":team", team_id);
	db_bind_int64(st, ":user", user_id);
	rc = db_step(st, e);
	db_finalize(st);
	if (rc < 0)
		return -1;
	*yes = rc == DB_ROW;
	return 0;
}

int store_team_member_add(struct db_conn *c, int64_t team_id, int64_t user_id, int64_t at,
			  int *added, struct err *e)
{
	struct db_stmt *st;
	int yes;

	*added = 0;
	if (store_team_has_member(c, team_id, user_id, &yes, e) < 0)
		return -1;
	if (yes)
		return 0;
	if (db_prepare(c, &st, member_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":team", team_id);
	db_bind_int64(st, ":user", user_id);
	db_bind_int64(st, ":at", at);
	if (db_exec(st, e) < 0) {
		db_finalize(st);
		return -1;
	}
	db_finalize(st);
	*added = 1;
	return 0;
}

int store_team_member_remove(struct db_conn *c, int64_t team_id, int64_t user_id, int *removed,
			     struct err *e)
{
	struct db_stmt *st;

	*removed = 0;
	if (db_prepare(c, &st, member_remove_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":team", team_id);
	db_bind_int64(st, ":user", user_id);
	if (db_exec(st, e) < 0) {
		db_finalize(st);
		return -1;
	}
	*removed = db_changes(st) > 0;
	db_finalize(st);
	return 0;
}

int store_team_members(struct db_conn *c, int64_t team_id,
		       int (*fn)(void *arg, int64_t user_id, struct err *e), void *arg,
		       struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, members_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":team", team_id);
	while ((rc = db_step(st, e)) == DB_ROW)
		if (fn(arg, db_col_int64(st, 0), e) < 0) {
			rc = -1;
			break;
		}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_export_add(struct db_conn *c, const struct case_export_row *x, int64_t *id,
		     struct err *e)
{
	struct db_stmt *st;

	*id = 0;
	if (db_prepare(c, &st, export_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":case", x->case_id);
	db_bind_text(st, ":name", x->recipient_name);
	db_bind_text(st, ":email", x->recipient_email);
	db_bind_text(st, ":country", x->recipient_country);
	db_bind_int64(st, ":provider", x->is_provider);
	db_bind_text(st, ":reason", x->reason);
	db_bind_int64(st, ":by", x->requested_by);
	db_bind_int64(st, ":at", x->requested_at);
	return db_insert_id(st, id, e);
}

static int each_export(struct db_stmt *st, int need_one,
		       int (*fn)(void *arg, const struct case_export_row *x, struct err *e),
		       void *arg, struct err *e)
{
	struct case_export_row x;
	int rc, got = 0;

	while ((rc = db_step(st, e)) == DB_ROW) {
		got = 1;
		memset(&x, 0, sizeof(x));
		x.id = db_col_int64(st, 0);
		x.case_id = db_col_int64(st, 1);
		x.recipient_name = db_col_text(st, 2);
		x.recipient_email = db_col_text(st, 3);
		x.recipient_country = db_col_text(st, 4);
		x.is_provider = (int)db_col_int64(st, 5);
		x.reason = db_col_text(st, 6);
		x.status = db_col_text(st, 7);
		x.requested_by = db_col_int64(st, 8);
		x.requested_at = db_col_int64(st, 9);
		x.approved_by = col_int(st, 10);
		x.approved_at = col_int(st, 11);
		x.fetched_at = col_int(st, 12);
		if (fn(arg, &x, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	if (need_one && !got)
		return err_set(e, ERR_NOT_FOUND, "no such export");
	return 0;
}

int store_export_get(struct db_conn *c, int64_t id,
		     int (*fn)(void *arg, const struct case_export_row *x, struct err *e),
		     void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, export_get_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	return each_export(st, 1, fn, arg, e);
}

int store_exports(struct db_conn *c, int64_t case_id,
		  int (*fn)(void *arg, const struct case_export_row *x, struct err *e), void *arg,
		  struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, exports_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":case", case_id);
	return each_export(st, 0, fn, arg, e);
}

int store_exports_page(struct db_conn *c, int64_t requested_by, int64_t before, int limit,
		       int (*fn)(void *arg, const struct case_export_row *x, struct err *e),
		       void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, exports_page_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":by", requested_by);
	db_bind_int64(st, ":before", before);
	db_bind_int64(st, ":limit", limit);
	return each_export(st, 0, fn, arg, e);
}

int store_export_approve(struct db_conn *c, int64_t id, int64_t by, int64_t at, struct err *e)
{
	struct db_stmt *st;
	int64_t n;

	if (db_prepare(c, &st, export_approve_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	db_bind_int64(st, ":by", by);
	db_bind_int64(st, ":at", at);
	if (db_exec(st, e) < 0) {
		db_finalize(st);
		return -1;
	}
	n = db_changes(st);
	db_finalize(st);
	if (n == 0)
		return err_setn(e, ERR_CONFLICT, "not_pending", "export %lld is not pending approval",
				(long long)id);
	return 0;
}

int store_export_fetched(struct db_conn *c, int64_t id, int64_t at, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, export_fetched_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	db_bind_int64(st, ":at", at);
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}
