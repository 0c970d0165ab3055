/* db_backend.h - the interface a database backend implements (private to store/).
 *
 * db.c owns pooling, statement caching and named parameters; a backend only
 * runs SQL on one connection.  By the time a backend sees a statement, every
 * ":name" has been rewritten to a numbered parameter in the backend's own
 * syntax (SQLite "?NNN", PostgreSQL "$N"), and the values arrive as an array.
 * Filled with designated initializers in db_sqlite.c and db_pg.c.
 */
#ifndef VF_DB_BACKEND_H
#define VF_DB_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/db.h"

struct db_bconn;  /* a backend connection */
struct db_bstmt;  /* a backend prepared statement */
struct db_bshared;  /* a backend's state shared by one pool's connections */
struct db_turn;     /* a pool's in-process writer turn (db.c) */

enum db_param_type { DB_P_NULL, DB_P_INT64, DB_P_TEXT, DB_P_BLOB };

struct db_param {
	enum db_param_type type;
	int64_t i;
	char *p;        /* owned copy for TEXT (NUL-terminated) and BLOB */
	size_t n;
};

struct db_backend {
	enum db_kind kind;
	/* parameter placeholder style: '?' gives "?1", '$' gives "$1" */
	char placeholder;
	const char *begin_sql;
	int (*open)(struct db_bconn **out, const char *target, struct err *e);
	void (*close)(struct db_bconn *c);
	/* Run SQL with no parameters and no result rows; may hold several statements. */
	int (*exec)(struct db_bconn *c, const char *sql, struct err *e);
	int (*prepare)(struct db_bconn *c, struct db_bstmt **out, const char *sql,
		       int nparams, struct err *e);
	/* Start executing with these parameter values, or fetch the next row.
	 * first is 1 on the first call after db_prepare/reset.  Returns DB_ROW,
	 * DB_DONE or -1. */
	int (*step)(struct db_bstmt *st, int first, const struct db_param *params,
		    int nparams, struct err *e);
	int (*col_is_null)(struct db_bstmt *st, int i);
	const char *(*col_text)(struct db_bstmt *st, int i);
	int64_t (*col_int64)(struct db_bstmt *st, int i);
	const void *(*col_blob)(struct db_bstmt *st, int i, size_t *len);
	int64_t (*changes)(struct db_bstmt *st);
	/* Forget the current execution (results, cursor) so the statement can run again. */
	void (*reset)(struct db_bstmt *st);
	void (*finalize)(struct db_bstmt *st);
	/* fsync-class calls made so far by this backend in this process (0 if unknown). */
	uint64_t (*syncs)(void);
	/* Optional (NULL: nothing shared).  shared_open() runs once in db_open()
	 * before the first connection; attach() hands the shared state to each
	 * connection right after open(); shared_close() runs in db_close() after
	 * the last connection is closed.  turn is the pool's in-process writer
	 * turn (NULL if it has none).  SQLite: the background checkpointer. */
	int (*shared_open)(struct db_bshared **out, const char *target,
			   const struct db_options *o, struct db_turn *turn, struct err *e);
	void (*attach)(struct db_bconn *c, struct db_bshared *s);
	void (*shared_close)(struct db_bshared *s);
};

/* Take the writer turn ahead of the writers waiting for it (they step aside
 * until it is given back), waiting up to timeout_ms for the transaction
 * that holds it; -1 if it did not come.  For a backend's own thread, which
 * must run no transaction of its own through the pool while holding it. */
int db_turn_take_first(struct db_turn *t, unsigned timeout_ms);
void db_turn_give_first(struct db_turn *t);

extern const struct db_backend db_sqlite_backend;
extern const struct db_backend db_pg_backend;

#endif
