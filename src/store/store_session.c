/* store_session.c - SQL for login sessions and API tokens. */
#include "store/store_session.h"

#include <stdio.h>
#include <string.h>

static const char sess_insert_sql[] =
	"INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)"
	" VALUES (:hash, :user, :csrf, :created, :expires) RETURNING id";
static const char sess_get_sql[] =
	"SELECT id, user_id, csrf_token, created_at, expires_at FROM sessions"
	" WHERE token_hash = :hash AND expires_at > :now";
static const char sess_delete_sql[] = "DELETE FROM sessions WHERE token_hash = :hash";
static const char sess_delete_user_sql[] = "DELETE FROM sessions WHERE user_id = :user";
static const char sess_purge_sql[] = "DELETE FROM sessions WHERE expires_at <= :now";

#define TOKEN_COLS "id, user_id, name, role, created_at, expires_at, revoked_at"
static const char tok_insert_sql[] =
	"INSERT INTO api_tokens (user_id, name, role, token_hash, created_at, expires_at)"
	" VALUES (:user, :name, :role, :hash, :created, :expires) RETURNING id";
static const char tok_by_hash_sql[] =
	"SELECT " TOKEN_COLS " FROM api_tokens WHERE token_hash = :hash AND revoked_at IS NULL"
	" AND (expires_at IS NULL OR expires_at > :now)";
static const char tok_get_sql[] = "SELECT " TOKEN_COLS " FROM api_tokens WHERE id = :id";
static const char tok_list_sql[] =
	"SELECT " TOKEN_COLS " FROM api_tokens WHERE user_id = :user ORDER BY id";
static const char tok_revoke_sql[] =
	"UPDATE api_tokens SET revoked_at = :at WHERE id = :id AND revoked_at IS NULL";
static const char tok_revoke_user_sql[] =
	"UPDATE api_tokens SET revoked_at = :at WHERE user_id = :user AND revoked_at IS NULL";

static int exec_one(struct db_stmt *st, struct err *e)
{
	int rc = db_exec(st, e);

	db_finalize(st);
	return rc;
}

static int insert_returning(struct db_stmt *st, int64_t *id, struct err *e)
{
	int rc = db_step(st, e);

	if (rc == DB_ROW)
		*id = db_col_int64(st, 0);
	db_finalize(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_INTERNAL, "insert returned no id");
	return rc < 0 ? -1 : 0;
}

int store_session_insert(struct db_conn *c, const char *hash, struct session *s, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, sess_insert_sql, e) < 0)
		return -1;
	db_bind_text(st, ":hash", hash);
	db_bind_int64(st, ":user", s->user_id);
	db_bind_text(st, ":csrf", s->csrf_token);
	db_bind_int64(st, ":created", s->created_at);
	db_bind_int64(st, ":expires", s->expires_at);
	return insert_returning(st, &s->id, e);
}

int store_session_by_hash(struct db_conn *c, const char *hash, int64_t now, struct session *out,
			  struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, sess_get_sql, e) < 0)
		return -1;
	db_bind_text(st, ":hash", hash);
	db_bind_int64(st, ":now", now);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		memset(out, 0, sizeof(*out));
		out->id = db_col_int64(st, 0);
		out->user_id = db_col_int64(st, 1);
		snprintf(out->csrf_token, sizeof(out->csrf_token), "%s", db_col_text(st, 2));
		out->created_at = db_col_int64(st, 3);
		out->expires_at = db_col_int64(st, 4);
	}
	db_finalize(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOT_FOUND, "session not found or expired");
	return rc < 0 ? -1 : 0;
}

int store_session_delete(struct db_conn *c, const char *hash, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, sess_delete_sql, e) < 0)
		return -1;
	db_bind_text(st, ":hash", hash);
	return exec_one(st, e);
}

int store_session_purge(struct db_conn *c, int64_t now, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, sess_purge_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":now", now);
	return exec_one(st, e);
}

int store_session_delete_user(struct db_conn *c, int64_t user_id, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, sess_delete_user_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":user", user_id);
	return exec_one(st, e);
}

static void read_token(struct db_stmt *st, struct api_token *t)
{
	memset(t, 0, sizeof(*t));
	t->id = db_col_int64(st, 0);
	t->user_id = db_col_int64(st, 1);
	snprintf(t->name, sizeof(t->name), "%s", db_col_text(st, 2));
	snprintf(t->role, sizeof(t->role), "%s", db_col_text(st, 3));
	t->created_at = db_col_int64(st, 4);
	t->expires_at = db_col_is_null(st, 5) ? 0 : db_col_int64(st, 5);
	t->revoked_at = db_col_is_null(st, 6) ? 0 : db_col_int64(st, 6);
}

int store_token_insert(struct db_conn *c, const char *hash, struct api_token *t, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, tok_insert_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":user", t->user_id);
	db_bind_text(st, ":name", t->name);
	db_bind_text(st, ":role", t->role);
	db_bind_text(st, ":hash", hash);
	db_bind_int64(st, ":created", t->created_at);
	if (t->expires_at)
		db_bind_int64(st, ":expires", t->expires_at);
	else
		db_bind_null(st, ":expires");
	return insert_returning(st, &t->id, e);
}

static int token_one(struct db_stmt *st, struct api_token *out, struct err *e)
{
	int rc = db_step(st, e);

	if (rc == DB_ROW)
		read_token(st, out);
	db_finalize(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOT_FOUND, "token not found, revoked or expired");
	return rc < 0 ? -1 : 0;
}

int store_token_by_hash(struct db_conn *c, const char *hash, int64_t now, struct api_token *out,
			struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, tok_by_hash_sql, e) < 0)
		return -1;
	db_bind_text(st, ":hash", hash);
	db_bind_int64(st, ":now", now);
	return token_one(st, out, e);
}

int store_token_get(struct db_conn *c, int64_t id, struct api_token *out, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, tok_get_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	return token_one(st, out, e);
}

int store_token_list(struct db_conn *c, int64_t user_id,
		     int (*fn)(void *arg, const struct api_token *t), void *arg, struct err *e)
{
	struct db_stmt *st;
	struct api_token t;
	int rc;

	if (db_prepare(c, &st, tok_list_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":user", user_id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		read_token(st, &t);
		if (fn(arg, &t) < 0)
			break;
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_token_revoke(struct db_conn *c, int64_t id, int64_t at, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, tok_revoke_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	db_bind_int64(st, ":at", at);
	return exec_one(st, e);
}

int store_token_revoke_user(struct db_conn *c, int64_t user_id, int64_t at, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, tok_revoke_user_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":user", user_id);
	db_bind_int64(st, ":at", at);
	return exec_one(st, e);
}
