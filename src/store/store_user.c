/* store_user.c - SQL for users. */
#include "store/store_user.h"

#include <stdio.h>
#include <string.h>

#define USER_COLS \
	"id, org_id, email, name, role, password_hash, must_change_password, disabled," \
	" totp_secret, totp_enabled, totp_required, totp_last_step, failed_logins," \
	" locked_until, created_at, updated_at, last_login_at"

static const char insert_sql[] =
	"INSERT INTO users (org_id, email, name, role, password_hash, must_change_password,"
	" disabled, totp_secret, totp_enabled, totp_required, totp_last_step, failed_logins,"
	" locked_until, created_at, updated_at, last_login_at)"
	" VALUES (:org, :email, :name, :role, :pw, :mcp, :disabled, :totp, :totp_on, :totp_req,"
	" :totp_step, :failed, :locked, :created, :updated, NULL) RETURNING id";
static const char get_sql[] = "SELECT " USER_COLS " FROM users WHERE id = :id";
static const char by_email_sql[] = "SELECT " USER_COLS " FROM users WHERE email = :email";
static const char update_sql[] =
	"UPDATE users SET org_id = :org, name = :name, role = :role, password_hash = :pw,"
	" must_change_password = :mcp, disabled = :disabled, totp_secret = :totp,"
	" totp_enabled = :totp_on, totp_required = :totp_req, totp_last_step = :totp_step,"
	" failed_logins = :failed, locked_until = :locked, updated_at = :updated,"
	" last_login_at = :last_login WHERE id = :id";
static const char list_sql[] =
	"SELECT " USER_COLS " FROM users WHERE id > :after ORDER BY id LIMIT :limit";
static const char count_sql[] = "SELECT COUNT(*) FROM users";

static void copy_text(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static void read_user(struct db_stmt *st, struct user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = db_col_int64(st, 0);
	u->org_id = db_col_int64(st, 1);
	copy_text(u->email, sizeof(u->email), db_col_text(st, 2));
	copy_text(u->name, sizeof(u->name), db_col_text(st, 3));
	copy_text(u->role, sizeof(u->role), db_col_text(st, 4));
	copy_text(u->password_hash, sizeof(u->password_hash), db_col_text(st, 5));
	u->must_change_password = (int)db_col_int64(st, 6);
	u->disabled = (int)db_col_int64(st, 7);
	copy_text(u->totp_secret, sizeof(u->totp_secret), db_col_text(st, 8));
	u->totp_enabled = (int)db_col_int64(st, 9);
	u->totp_required = (int)db_col_int64(st, 10);
	u->totp_last_step = db_col_int64(st, 11);
	u->failed_logins = (int)db_col_int64(st, 12);
	u->locked_until = db_col_int64(st, 13);
	u->created_at = db_col_int64(st, 14);
	u->updated_at = db_col_int64(st, 15);
	u->last_login_at = db_col_is_null(st, 16) ? 0 : db_col_int64(st, 16);
}

static void bind_mutable(struct db_stmt *st, const struct user *u)
{
	db_bind_int64(st, ":org", u->org_id);
	db_bind_text(st, ":name", u->name);
	db_bind_text(st, ":role", u->role);
	db_bind_text(st, ":pw", u->password_hash);
	db_bind_int64(st, ":mcp", u->must_change_password);
	db_bind_int64(st, ":disabled", u->disabled);
	db_bind_text(st, ":totp", u->totp_secret[0] ? u->totp_secret : NULL);
	db_bind_int64(st, ":totp_on", u->totp_enabled);
	db_bind_int64(st, ":totp_req", u->totp_required);
	db_bind_int64(st, ":totp_step", u->totp_last_step);
	db_bind_int64(st, ":failed", u->failed_logins);
	db_bind_int64(st, ":locked", u->locked_until);
	db_bind_int64(st, ":updated", u->updated_at);
}

int store_user_insert(struct db_conn *c, struct user *u, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, insert_sql, e) < 0)
		return -1;
	bind_mutable(st, u);
	db_bind_text(st, ":email", u->email);
	db_bind_int64(st, ":created", u->created_at);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		u->id = db_col_int64(st, 0);
	db_finalize(st);
	if (rc == DB_ROW)
		return 0;
	if (rc >= 0)
		return err_set(e, ERR_INTERNAL, "insert returned no id");
	if (e->code == ERR_CONFLICT)
		return err_setn(e, ERR_CONFLICT, "email_taken", "e-mail \"%s\" is already in use",
				u->email);
	return -1;
}

static int get_one(struct db_stmt *st, const char *what, struct user *out, struct err *e)
{
	int rc = db_step(st, e);

	if (rc == DB_ROW)
		read_user(st, out);
	db_finalize(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOT_FOUND, "user \"%s\" not found", what);
	return rc < 0 ? -1 : 0;
}

int store_user_get(struct db_conn *c, int64_t id, struct user *out, struct err *e)
{
	struct db_stmt *st;
	char what[32];

	if (db_prepare(c, &st, get_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	snprintf(what, sizeof(what), "%lld", (long long)id);
	return get_one(st, what, out, e);
}

int store_user_by_email(struct db_conn *c, const char *email, struct user *out, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, by_email_sql, e) < 0)
		return -1;
	db_bind_text(st, ":email", email);
	return get_one(st, email, out, e);
}

int store_user_update(struct db_conn *c, const struct user *u, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, update_sql, e) < 0)
		return -1;
	bind_mutable(st, u);
	db_bind_int64(st, ":id", u->id);
	if (u->last_login_at)
		db_bind_int64(st, ":last_login", u->last_login_at);
	else
		db_bind_null(st, ":last_login");
	rc = db_exec(st, e);
	if (rc == 0 && db_changes(st) == 0)
		rc = err_set(e, ERR_NOT_FOUND, "user %lld not found", (long long)u->id);
	db_finalize(st);
	return rc;
}

int store_user_list(struct db_conn *c, int64_t after_id, int limit,
		    int (*fn)(void *arg, const struct user *u), void *arg, struct err *e)
{
	struct db_stmt *st;
	struct user u;
	int rc;

	if (db_prepare(c, &st, list_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":after", after_id);
	db_bind_int64(st, ":limit", limit);
	while ((rc = db_step(st, e)) == DB_ROW) {
		read_user(st, &u);
		if (fn(arg, &u) < 0)
			break;
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_user_count(struct db_conn *c, int64_t *n, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, count_sql, e) < 0)
		return -1;
	rc = db_step(st, e);
	*n = rc == DB_ROW ? db_col_int64(st, 0) : 0;
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}
