/* db.c - connection pool, statement cache and named parameters over a backend vtable. */
#include "store/db.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/mem.h"
#include "store/db_backend.h"

#define DB_MAX_PARAMS 64
#define DB_CACHE_SLOTS 128

struct db_stmt {
	struct db_conn *conn;
	const char *key;            /* the caller's SQL text (cache key) */
	struct db_bstmt *b;
	int nparams;
	char *names[DB_MAX_PARAMS]; /* ":name" for each numbered parameter */
	struct db_param params[DB_MAX_PARAMS];
	int started;                /* a step has run since the last reset */
	int busy;                   /* handed out by db_prepare, not yet finalized */
	char bind_error[128];       /* first bind problem, reported by db_step */
};

/* The in-process writer turn (SQLite).  A backend thread that must run
 * while no write transaction is open (the checkpointer) takes it first:
 * writers that get the mutex while it waits step aside on cv, which lets
 * the mutex go. */
struct db_turn {
	pthread_mutex_t mu;         /* held through a whole write transaction */
	pthread_cond_t cv;          /* broadcast when a first taker gives it back */
	atomic_int first;           /* first takers waiting or holding it */
};

struct db_conn {
	struct db *db;
	struct db_bconn *b;
	struct db_conn *next_free;
	int in_tx;
	int nstmts;
	struct db_stmt *stmts[DB_CACHE_SLOTS];
};

struct db {
	const struct db_backend *be;
	char *target;               /* URL with the "sqlite:" prefix removed */
	unsigned pool_size;
	unsigned opened;            /* connections open or being opened */
	unsigned nall;              /* connections in `all` (open ones) */
	unsigned in_use;
	struct db_conn *free_list;
	struct db_conn **all;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	atomic_uint_fast64_t acquires, waits, commits;
	/* SQLite has one writer at a time: this process's write transactions
	 * queue here, woken in turn, instead of polling SQLite's busy handler
	 * (whose sleeps of up to 100 ms make the latency tail) */
	int one_writer;
	struct db_turn turn;
	struct db_bshared *shared;  /* the backend's per-pool state (SQLite: checkpointer) */
};

const char *db_kind_name(enum db_kind kind)
{
	return kind == DB_SQLITE ? "sqlite" : "postgresql";
}

static const struct db_backend *backend_for(const char *url, const char **target)
{
	if (strncmp(url, "sqlite:", 7) == 0) {
		*target = url + 7;
		return &db_sqlite_backend;
	}
	if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
		*target = url;
		return &db_pg_backend;
	}
	return NULL;
}

int db_url_valid(const char *url, struct err *e)
{
	const char *target = NULL;

	if (url == NULL || backend_for(url, &target) == NULL)
		return err_set(e, ERR_USAGE,
			       "database url \"%s\" is neither sqlite:PATH nor postgresql://...",
			       url ? url : "");
	if (*target == '\0')
		return err_set(e, ERR_USAGE, "database url \"%s\" names no path", url);
	return 0;
}

static int conn_open(struct db *db, struct db_conn **out, struct err *e)
{
	struct db_conn *c = xcalloc(1, sizeof(*c));

	c->db = db;
	if (db->be->open(&c->b, db->target, e) < 0) {
		free(c);
		return -1;
	}
	if (db->be->attach != NULL)
		db->be->attach(c->b, db->shared);
	*out = c;
	return 0;
}

static void stmt_clear_params(struct db_stmt *st)
{
	for (int i = 0; i < st->nparams; i++) {
		free(st->params[i].p);
		memset(&st->params[i], 0, sizeof(st->params[i]));
	}
	st->bind_error[0] = '\0';
}

static void stmt_free(struct db_stmt *st)
{
	stmt_clear_params(st);
	st->conn->db->be->finalize(st->b);
	for (int i = 0; i < st->nparams; i++)
		free(st->names[i]);
	free(st);
}

static void conn_close(struct db_conn *c)
{
	for (int i = 0; i < c->nstmts; i++)
		stmt_free(c->stmts[i]);
	c->db->be->close(c->b);
	free(c);
}

int db_open(struct db **out, const char *url, unsigned pool_size, struct err *e)
{
	struct db_options o = DB_OPTIONS_INIT;

	o.pool_size = pool_size;
	return db_open_opts(out, url, &o, e);
}

int db_open_opts(struct db **out, const char *url, const struct db_options *o, struct err *e)
{
	struct db *db;
	const char *target = NULL;
	struct db_conn *first;

	*out = NULL;
	if (db_url_valid(url, e) < 0)
		return -1;
	db = xcalloc(1, sizeof(*db));
	db->be = backend_for(url, &target);
	db->target = xstrdup(target);
	db->pool_size = o->pool_size ? o->pool_size : 1;
	db->all = xcalloc(db->pool_size, sizeof(*db->all));
	pthread_mutex_init(&db->mu, NULL);
	pthread_cond_init(&db->cv, NULL);
	pthread_mutex_init(&db->turn.mu, NULL);
	pthread_cond_init(&db->turn.cv, NULL);
	db->one_writer = db_kind(db) == DB_SQLITE;
	if (db->be->shared_open != NULL &&
	    db->be->shared_open(&db->shared, db->target, o,
				db->one_writer ? &db->turn : NULL, e) < 0) {
		db_close(db);
		return -1;
	}
	if (conn_open(db, &first, e) < 0) {
		db_close(db);
		return -1;
	}
	db->opened = 1;
	db->all[db->nall++] = first;
	first->next_free = NULL;
	db->free_list = first;
	*out = db;
	return 0;
}

void db_close(struct db *db)
{
	if (db == NULL)
		return;
	for (unsigned i = 0; i < db->nall; i++)
		conn_close(db->all[i]);
	if (db->shared != NULL)
		db->be->shared_close(db->shared);
	pthread_mutex_destroy(&db->mu);
	pthread_mutex_destroy(&db->turn.mu);
	pthread_cond_destroy(&db->turn.cv);
	pthread_cond_destroy(&db->cv);
	free(db->all);
	free(db->target);
	free(db);
}

enum db_kind db_kind(const struct db *db)
{
	return db->be->kind;
}

enum db_kind db_conn_kind(const struct db_conn *c)
{
	return c->db->be->kind;
}

void db_get_stats(struct db *db, struct db_stats *out)
{
	pthread_mutex_lock(&db->mu);
	out->kind = db->be->kind;
	out->pool_size = db->pool_size;
	out->in_use = db->in_use;
	pthread_mutex_unlock(&db->mu);
	out->acquires = atomic_load(&db->acquires);
	out->waits = atomic_load(&db->waits);
	out->commits = atomic_load(&db->commits);
	out->syncs = db->be->syncs();
}

int db_acquire(struct db *db, struct db_conn **out, unsigned timeout_ms, struct err *e)
{
	struct timespec deadline;
	struct db_conn *c = NULL;
	int waited = 0;

	*out = NULL;
	atomic_fetch_add(&db->acquires, 1);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&db->mu);
	for (;;) {
		if (db->free_list != NULL) {
			c = db->free_list;
			db->free_list = c->next_free;
			break;
		}
		if (db->opened < db->pool_size) {
			/* open outside the lock: it may take a network round trip */
			db->opened++;
			pthread_mutex_unlock(&db->mu);
			if (conn_open(db, &c, e) < 0) {
				pthread_mutex_lock(&db->mu);
				db->opened--;
				pthread_cond_signal(&db->cv);
				pthread_mutex_unlock(&db->mu);
				return -1;
			}
			pthread_mutex_lock(&db->mu);
			db->all[db->nall++] = c;
			break;
		}
		if (!waited) {
			waited = 1;
			atomic_fetch_add(&db->waits, 1);
		}
		if (pthread_cond_timedwait(&db->cv, &db->mu, &deadline) == ETIMEDOUT &&
		    db->free_list == NULL) {
			pthread_mutex_unlock(&db->mu);
			return err_set(e, ERR_UNAVAILABLE,
				       "no database connection free within %u ms", timeout_ms);
		}
	}
	db->in_use++;
	pthread_mutex_unlock(&db->mu);
	*out = c;
	return 0;
}

void db_release(struct db_conn *c)
{
	struct db *db;

	if (c == NULL)
		return;
	db = c->db;
	if (c->in_tx)
		db_rollback(c);
	pthread_mutex_lock(&db->mu);
	c->next_free = db->free_list;
	db->free_list = c;
	db->in_use--;
	pthread_cond_signal(&db->cv);
	pthread_mutex_unlock(&db->mu);
}

/* Take the process's writer turn (SQLite), waiting as long as SQLite's busy
 * timeout would have: a thread that opens a second write transaction while
 * holding one gets the same "busy" error, not a deadlock. */
static int writer_turn(struct db *db, struct err *e)
{
	struct timespec until;

	if (!db->one_writer)
		return 0;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	if (pthread_mutex_timedlock(&db->turn.mu, &until) != 0)
		return err_set(e, ERR_UNAVAILABLE, "database busy: no write turn within 10 s");
	while (atomic_load(&db->turn.first) > 0)
		if (pthread_cond_timedwait(&db->turn.cv, &db->turn.mu, &until) == ETIMEDOUT &&
		    atomic_load(&db->turn.first) > 0) {
			pthread_mutex_unlock(&db->turn.mu);
			return err_set(e, ERR_UNAVAILABLE,
				       "database busy: no write turn within 10 s");
		}
	return 0;
}

static void writer_done(struct db *db)
{
	if (db->one_writer)
		pthread_mutex_unlock(&db->turn.mu);
}

int db_turn_take_first(struct db_turn *t, unsigned timeout_ms)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	atomic_fetch_add(&t->first, 1);
	if (pthread_mutex_timedlock(&t->mu, &until) != 0) {
		atomic_fetch_sub(&t->first, 1);
		pthread_cond_broadcast(&t->cv);
		return -1;
	}
	return 0;
}

void db_turn_give_first(struct db_turn *t)
{
	atomic_fetch_sub(&t->first, 1);
	pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&t->mu);
}

int db_begin(struct db_conn *c, struct err *e)
{
	if (c->in_tx)
		return err_set(e, ERR_INTERNAL, "transaction already open");
	if (writer_turn(c->db, e) < 0)
		return -1;
	if (c->db->be->exec(c->b, c->db->be->begin_sql, e) < 0) {
		writer_done(c->db);
		return -1;
	}
	c->in_tx = 1;
	return 0;
}

int db_commit(struct db_conn *c, struct err *e)
{
	if (!c->in_tx)
		return err_set(e, ERR_INTERNAL, "no transaction to commit");
	if (c->db->be->exec(c->b, "COMMIT", e) < 0) {
		db_rollback(c);
		return -1;
	}
	c->in_tx = 0;
	writer_done(c->db);
	atomic_fetch_add(&c->db->commits, 1);
	return 0;
}

void db_rollback(struct db_conn *c)
{
	struct err ignored = ERR_INIT;

	if (!c->in_tx)
		return;
	/* reset cached statements first: an open SQLite read cursor blocks ROLLBACK */
	for (int i = 0; i < c->nstmts; i++)
		if (!c->stmts[i]->busy && c->stmts[i]->started) {
			c->db->be->reset(c->stmts[i]->b);
			c->stmts[i]->started = 0;
		}
	c->db->be->exec(c->b, "ROLLBACK", &ignored);
	c->in_tx = 0;
	writer_done(c->db);
}

int db_in_transaction(const struct db_conn *c)
{
	return c->in_tx;
}

static int savepoint_cmd(struct db_conn *c, const char *verb, const char *name, struct err *e)
{
	struct buf b;
	int rc;

	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return err_set(e, ERR_INTERNAL, "savepoint name \"%s\" is not an identifier", name);
	buf_init(&b, 256);
	/* An identifier checked above, not a value: the one place a name is spliced. */
	buf_adds(&b, verb);
	buf_adds(&b, name);
	rc = c->db->be->exec(c->b, b.data, e);
	buf_release(&b);
	return rc;
}

int db_savepoint(struct db_conn *c, const char *name, struct err *e)
{
	return savepoint_cmd(c, "SAVEPOINT ", name, e);
}

int db_savepoint_release(struct db_conn *c, const char *name, struct err *e)
{
	return savepoint_cmd(c, "RELEASE SAVEPOINT ", name, e);
}

int db_savepoint_rollback(struct db_conn *c, const char *name, struct err *e)
{
	return savepoint_cmd(c, "ROLLBACK TO SAVEPOINT ", name, e);
}

int db_exec_script(struct db_conn *c, const char *sql, struct err *e)
{
	return c->db->be->exec(c->b, sql, e);
}

/* Rewrite ":name" parameters to the backend's numbered form, recording names.
 * Quoted strings, quoted identifiers, comments and "::" casts are left alone. */
static int rewrite_params(struct db_stmt *st, const char *sql, char ph, struct buf *out,
			  struct err *e)
{
	const char *p = sql;

	while (*p) {
		if (*p == '\'' || *p == '"') {
			char q = *p;
			const char *s = p++;
			while (*p && *p != q)
				p++;
			if (*p)
				p++;
			buf_add(out, s, (size_t)(p - s));
		} else if (p[0] == '-' && p[1] == '-') {
			const char *s = p;
			while (*p && *p != '\n')
				p++;
			buf_add(out, s, (size_t)(p - s));
		} else if (p[0] == ':' && p[1] == ':') {
			buf_add(out, p, 2);
			p += 2;
		} else if (p[0] == ':' && (isalpha((unsigned char)p[1]) || p[1] == '_')) {
			const char *s = p++;
			int idx = -1;
			while (isalnum((unsigned char)*p) || *p == '_')
				p++;
			for (int i = 0; i < st->nparams; i++)
				if (strlen(st->names[i]) == (size_t)(p - s) &&
				    memcmp(st->names[i], s, (size_t)(p - s)) == 0)
					idx = i;
			if (idx < 0) {
				if (st->nparams == DB_MAX_PARAMS)
					return err_set(e, ERR_INTERNAL, "too many parameters in statement");
				idx = st->nparams++;
				st->names[idx] = xstrndup(s, (size_t)(p - s));
			}
			buf_addf(out, "%c%d", ph, idx + 1);
		} else {
			buf_add(out, p++, 1);
		}
	}
	return 0;
}

int db_prepare(struct db_conn *c, struct db_stmt **out, const char *sql, struct err *e)
{
	struct db_stmt *st = NULL;
	struct buf rewritten;
	int rc = -1;

	*out = NULL;
	for (int i = 0; i < c->nstmts; i++)
		if (c->stmts[i]->key == sql && !c->stmts[i]->busy) {
			st = c->stmts[i];
			break;
		}
	if (st != NULL) {
		st->busy = 1;
		*out = st;
		return 0;
	}
	st = xcalloc(1, sizeof(*st));
	st->conn = c;
	st->key = sql;
	buf_init(&rewritten, 1 << 20);
	if (rewrite_params(st, sql, c->db->be->placeholder, &rewritten, e) < 0)
		goto out;
	if (c->db->be->prepare(c->b, &st->b, rewritten.data ? rewritten.data : "", st->nparams,
			       e) < 0)
		goto out;
	st->busy = 1;
	if (c->nstmts < DB_CACHE_SLOTS) {
		c->stmts[c->nstmts++] = st;
	} else {
		/* cache full: evict the oldest idle statement */
		for (int i = 0; i < c->nstmts; i++)
			if (!c->stmts[i]->busy) {
				stmt_free(c->stmts[i]);
				memmove(&c->stmts[i], &c->stmts[i + 1],
					(size_t)(c->nstmts - i - 1) * sizeof(c->stmts[0]));
				c->stmts[c->nstmts - 1] = st;
				break;
			}
		if (c->stmts[c->nstmts - 1] != st) {
			c->db->be->finalize(st->b);
			err_set(e, ERR_INTERNAL, "statement cache exhausted");
			goto out;
		}
	}
	*out = st;
	rc = 0;
out:
	buf_release(&rewritten);
	if (rc < 0) {
		for (int i = 0; i < st->nparams; i++)
			free(st->names[i]);
		free(st);
	}
	return rc;
}

static struct db_param *param_for(struct db_stmt *st, const char *name)
{
	for (int i = 0; i < st->nparams; i++)
		if (strcmp(st->names[i], name) == 0) {
			free(st->params[i].p);
			memset(&st->params[i], 0, sizeof(st->params[i]));
			return &st->params[i];
		}
	if (st->bind_error[0] == '\0')
		snprintf(st->bind_error, sizeof(st->bind_error),
			 "statement has no parameter \"%.64s\"", name);
	return NULL;
}

void db_bind_text(struct db_stmt *st, const char *name, const char *v)
{
	struct db_param *p = param_for(st, name);

	if (p == NULL)
		return;
	if (v == NULL) {
		p->type = DB_P_NULL;
		return;
	}
	p->type = DB_P_TEXT;
	p->n = strlen(v);
	p->p = xstrndup(v, p->n);
}

void db_bind_int64(struct db_stmt *st, const char *name, int64_t v)
{
	struct db_param *p = param_for(st, name);

	if (p == NULL)
		return;
	p->type = DB_P_INT64;
	p->i = v;
}

void db_bind_blob(struct db_stmt *st, const char *name, const void *data, size_t n)
{
	struct db_param *p = param_for(st, name);

	if (p == NULL)
		return;
	p->type = DB_P_BLOB;
	p->n = n;
	p->p = xmalloc(n ? n : 1);
	if (n > 0)
		memcpy(p->p, data, n);
}

void db_bind_null(struct db_stmt *st, const char *name)
{
	struct db_param *p = param_for(st, name);

	if (p != NULL)
		p->type = DB_P_NULL;
}

int db_step(struct db_stmt *st, struct err *e)
{
	int first = !st->started;

	if (st->bind_error[0] != '\0')
		return err_set(e, ERR_INTERNAL, "%s", st->bind_error);
	st->started = 1;
	return st->conn->db->be->step(st->b, first, st->params, st->nparams, e);
}

int db_exec(struct db_stmt *st, struct err *e)
{
	int rc;

	while ((rc = db_step(st, e)) == DB_ROW)
		;
	return rc < 0 ? -1 : 0;
}

int db_col_is_null(struct db_stmt *st, int i)
{
	return st->conn->db->be->col_is_null(st->b, i);
}

const char *db_col_text(struct db_stmt *st, int i)
{
	return st->conn->db->be->col_text(st->b, i);
}

int64_t db_col_int64(struct db_stmt *st, int i)
{
	return st->conn->db->be->col_int64(st->b, i);
}

const void *db_col_blob(struct db_stmt *st, int i, size_t *len)
{
	return st->conn->db->be->col_blob(st->b, i, len);
}

int64_t db_changes(struct db_stmt *st)
{
	return st->conn->db->be->changes(st->b);
}

void db_finalize(struct db_stmt *st)
{
	if (st == NULL)
		return;
	st->conn->db->be->reset(st->b);
	stmt_clear_params(st);
	st->started = 0;
	st->busy = 0;
}

int db_insert_id(struct db_stmt *st, int64_t *id, struct err *e)
{
	int rc = db_step(st, e);

	if (rc == DB_ROW)
		*id = db_col_int64(st, 0);
	db_finalize(st);
	if (rc == DB_ROW)
		return 0;
	if (rc == DB_DONE)
		return err_set(e, ERR_INTERNAL, "insert returned no id");
	return -1;
}
