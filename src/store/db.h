/* db.h - the one way to talk to the database.
 *
 * A struct db is a pool of connections to one database, SQLite or
 * PostgreSQL, chosen by URL ("sqlite:PATH" or "postgresql://...").  A thread
 * takes a connection with db_acquire(), uses it, and gives it back with
 * db_release().  SQL is written once, in a dialect both backends accept, with
 * named parameters (":email"); db.c rewrites them for the backend.  Values are
 * never formatted into SQL.
 *
 * Statements are prepared once per connection and cached by the address of
 * their SQL text, so SQL must live in static storage (string literals):
 *
 *	static const char sql[] = "SELECT id FROM users WHERE email = :email";
 *	struct db_stmt *st;
 *	if (db_prepare(c, &st, sql, e) < 0) return -1;
 *	db_bind_text(st, ":email", email);
 *	while ((rc = db_step(st, e)) == DB_ROW) ... db_col_int64(st, 0) ...
 *	db_finalize(st);     (returns it to the cache; always call it)
 *
 * Binding never fails at the call site: a bad name or a type the backend
 * rejects is remembered and reported by the next db_step().
 *
 * Only store_*.c may call db_prepare() with SQL (a check in `make check`
 * enforces it); SQL lives nowhere else.
 */
#ifndef VF_DB_H
#define VF_DB_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct db;
struct db_conn;
struct db_stmt;

enum db_kind { DB_SQLITE, DB_POSTGRESQL };

enum { DB_DONE = 0, DB_ROW = 1 };

struct db_stats {
	enum db_kind kind;
	unsigned pool_size;    /* connections the pool may hold */
	unsigned in_use;       /* connections handed out right now */
	uint64_t acquires;     /* db_acquire() calls */
	uint64_t waits;        /* of those, how many had to wait */
	uint64_t commits;      /* transactions committed */
	uint64_t syncs;        /* fsync-class calls made by SQLite (0 on PostgreSQL) */
};

/* Open a pool of at most pool_size connections (at least 1); the first one
 * is opened at once so a bad URL fails here.  The other settings are
 * DB_OPTIONS_INIT's. */
int db_open(struct db **out, const char *url, unsigned pool_size, struct err *e);

/* Settings of a pool; start from DB_OPTIONS_INIT. */
struct db_options {
	unsigned pool_size;         /* connections the pool may hold (at least 1) */
	/* SQLite: a commit that leaves the write-ahead log at this many pages or
	 * more wakes the pool's checkpointer thread, which copies the log into
	 * the database off the committing thread; 0 = no thread, SQLite's own
	 * automatic checkpoint inside the commit that passes 1000 pages.  No
	 * effect on PostgreSQL. */
	unsigned checkpoint_pages;
};

#define DB_CHECKPOINT_PAGES_DEFAULT 1000
#define DB_OPTIONS_INIT { 1, DB_CHECKPOINT_PAGES_DEFAULT }

/* db_open() with every setting. */
int db_open_opts(struct db **out, const char *url, const struct db_options *o,
		 struct err *e);
void db_close(struct db *db);
enum db_kind db_kind(const struct db *db);
const char *db_kind_name(enum db_kind kind);
void db_get_stats(struct db *db, struct db_stats *out);
/* Whether url names a backend we know ("sqlite:..." or "postgres(ql)://..."). */
int db_url_valid(const char *url, struct err *e);

/* Take a connection, waiting up to timeout_ms for one to be free. */
int db_acquire(struct db *db, struct db_conn **out, unsigned timeout_ms, struct err *e);
/* Give it back; an open transaction is rolled back first. */
void db_release(struct db_conn *c);
enum db_kind db_conn_kind(const struct db_conn *c);

/* A write transaction (SQLite: BEGIN IMMEDIATE). */
int db_begin(struct db_conn *c, struct err *e);
int db_commit(struct db_conn *c, struct err *e);
void db_rollback(struct db_conn *c);
int db_in_transaction(const struct db_conn *c);
/* Savepoints inside a transaction; name must be a plain identifier. */
int db_savepoint(struct db_conn *c, const char *name, struct err *e);
int db_savepoint_release(struct db_conn *c, const char *name, struct err *e);
int db_savepoint_rollback(struct db_conn *c, const char *name, struct err *e);

/* Run a script of several statements with no parameters (migrations). */
int db_exec_script(struct db_conn *c, const char *sql, struct err *e);

int db_prepare(struct db_conn *c, struct db_stmt **out, const char *sql, struct err *e);
void db_bind_text(struct db_stmt *st, const char *name, const char *v); /* NULL binds NULL */
void db_bind_int64(struct db_stmt *st, const char *name, int64_t v);
void db_bind_blob(struct db_stmt *st, const char *name, const void *p, size_t n);
void db_bind_null(struct db_stmt *st, const char *name);
/* DB_ROW, DB_DONE, or -1 with e set (a unique violation is ERR_CONFLICT). */
int db_step(struct db_stmt *st, struct err *e);
/* Step a statement that returns no rows (or whose rows are ignored). */
int db_exec(struct db_stmt *st, struct err *e);
int db_col_is_null(struct db_stmt *st, int i);
/* Valid until the next step or finalize; NULL for SQL NULL. */
const char *db_col_text(struct db_stmt *st, int i);
int64_t db_col_int64(struct db_stmt *st, int i);
const void *db_col_blob(struct db_stmt *st, int i, size_t *len);
/* Step an INSERT ... RETURNING id (or any statement whose one row holds an
 * integer in column 0) into *id, and finalize it.  ERR_INTERNAL if it gave
 * no row; a constraint violation is ERR_CONFLICT as from db_step(). */
int db_insert_id(struct db_stmt *st, int64_t *id, struct err *e);
/* Rows changed by the last completed statement. */
int64_t db_changes(struct db_stmt *st);
void db_finalize(struct db_stmt *st);

#endif
