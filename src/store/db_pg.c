/* db_pg.c - the PostgreSQL backend over libpq: server-side prepared statements, UTC, UTF-8.
 *
 * Each statement is prepared once per connection under its own name ("s1",
 * "s2", ...) with the parameter types left to the server.  A step sends the
 * values (integers and text as text, blobs as binary) and fetches the whole
 * result at once; later steps walk it row by row.  A connection that breaks
 * is reset on its next use outside a transaction, and statements prepared
 * before the reset are prepared again when next run.  Server-side statements
 * dropped from db.c's cache are deallocated the next time a statement is
 * prepared outside a transaction.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "store/db_backend.h"

#define BYTEA_OID 17
#define CONNECT_TIMEOUT_S "10"
#define SETUP_SQL "SET client_encoding = 'UTF8'; SET TimeZone = 'UTC'; " \
		  "SET statement_timeout = '30s'"

struct db_bconn {
	PGconn *h;
	unsigned next_id;   /* the number in the next statement name */
	unsigned gen;       /* bumped by each reset: older statements are gone */
	int in_tx;          /* last known: inside a transaction block */
	unsigned *dead;     /* ids of finalized statements still on the server */
	size_t ndead, adead;
};

struct db_bstmt {
	struct db_bconn *c;
	char *sql;          /* kept to prepare again after a reset */
	unsigned id;        /* server-side name "s<id>"; 0 when not prepared */
	char name[16];
	unsigned gen;       /* the connection's gen when prepared */
	int nparams;
	const char **values;
	int *lengths;
	int *formats;
	char (*nums)[24];   /* decimal text of INT64 parameters */
	PGresult *res;
	int row, nrows;
	int64_t changes;
	int nfields;
	unsigned char **blobs; /* decoded bytea of the current row, per column */
	size_t *bloblens;
};

/* ---- errors ---- */

/* Copy a libpq message into out as one line: runs of whitespace become one space. */
static void one_line(char *out, size_t n, const char *msg)
{
	size_t k = 0;
	int space = 0;

	for (const char *p = msg ? msg : ""; *p && k + 1 < n; p++) {
		if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
			space = k > 0;
			continue;
		}
		if (space && k + 2 < n)
			out[k++] = ' ';
		space = 0;
		out[k++] = *p;
	}
	out[k] = '\0';
}

static int sqlstate_unavailable(const char *s)
{
	return strcmp(s, "40001") == 0 || strcmp(s, "40P01") == 0 ||
	       strcmp(s, "57014") == 0 || strcmp(s, "53300") == 0 ||
	       strncmp(s, "08", 2) == 0 || strncmp(s, "57P", 3) == 0;
}

/* The best one-line message for a failed result. */
static void error_line(char *out, size_t n, struct db_bconn *c, const PGresult *r)
{
	const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	if (msg == NULL && r != NULL)
		msg = PQresultErrorMessage(r);
	if (msg == NULL || *msg == '\0')
		msg = PQerrorMessage(c->h);
	one_line(out, n, msg);
}

/* Map a failed result (or NULL, when libpq could not make one) to e. */
static int pg_error(struct db_bconn *c, const PGresult *r, struct err *e)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	char line[200];

	error_line(line, sizeof(line), c, r);
	if (state != NULL && strcmp(state, "23505") == 0)
		return err_setn(e, ERR_CONFLICT, "conflict", "%s", line);
	if ((state != NULL && sqlstate_unavailable(state)) || PQstatus(c->h) != CONNECTION_OK)
		return err_set(e, ERR_UNAVAILABLE, "postgresql: %s", line);
	return err_set(e, ERR_INTERNAL, "postgresql: %s", line);
}

/* Remember whether the server says we are inside a transaction block. */
static void track_tx(struct db_bconn *c)
{
	switch (PQtransactionStatus(c->h)) {
	case PQTRANS_IDLE: c->in_tx = 0; break;
	case PQTRANS_INTRANS:
	case PQTRANS_INERROR: c->in_tx = 1; break;
	default: break;  /* ACTIVE or UNKNOWN (broken): keep what we knew */
	}
}

/* ---- connections ---- */

static void notice_ignore(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* Run SQL that returns no rows we keep; several statements allowed. */
static int run(struct db_bconn *c, const char *sql, struct err *e)
{
	PGresult *r = PQexec(c->h, sql);
	ExecStatusType s = PQresultStatus(r);
	int rc = 0;

	if (r == NULL || (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK &&
			  s != PGRES_EMPTY_QUERY))
		rc = pg_error(c, r, e);
	else if (strcmp(sql, "COMMIT") == 0 && strcmp(PQcmdStatus(r), "ROLLBACK") == 0)
		rc = err_set(e, ERR_INTERNAL,
			     "postgresql: commit rolled back: an earlier statement failed");
	PQclear(r);
	track_tx(c);
	return rc;
}

/* Make a broken connection usable again; never inside a transaction, whose
 * work the server has already thrown away. */
static int conn_check(struct db_bconn *c, struct err *e)
{
	char line[200];

	if (PQstatus(c->h) == CONNECTION_OK)
		return 0;
	if (c->in_tx)
		return err_set(e, ERR_UNAVAILABLE,
			       "postgresql: connection lost inside a transaction");
	PQreset(c->h);
	if (PQstatus(c->h) != CONNECTION_OK) {
		one_line(line, sizeof(line), PQerrorMessage(c->h));
		return err_set(e, ERR_UNAVAILABLE, "postgresql: %s", line);
	}
	c->gen++;
	c->ndead = 0;
	return run(c, SETUP_SQL, e);
}

static int pg_exec(struct db_bconn *c, const char *sql, struct err *e)
{
	if (PQstatus(c->h) != CONNECTION_OK && c->in_tx && strcmp(sql, "ROLLBACK") == 0) {
		c->in_tx = 0;  /* the server rolled it back when the connection died */
		return 0;
	}
	if (conn_check(c, e) < 0)
		return -1;
	return run(c, sql, e);
}

static void conn_free(struct db_bconn *c)
{
	PQfinish(c->h);
	free(c->dead);
	free(c);
}

/* target is the whole URL; settings in it override the defaults before it. */
static int pg_open(struct db_bconn **out, const char *target, struct err *e)
{
	const char *const keys[] = { "connect_timeout", "fallback_application_name",
				     "dbname", NULL };
	const char *const values[] = { CONNECT_TIMEOUT_S, "vulnflow", target, NULL };
	struct db_bconn *c = xcalloc(1, sizeof(*c));
	char line[200];
	int rc = -1;

	c->h = PQconnectdbParams(keys, values, 1);
	if (PQstatus(c->h) != CONNECTION_OK) {
		one_line(line, sizeof(line), c->h ? PQerrorMessage(c->h) : "out of memory");
		err_set(e, ERR_UNAVAILABLE, "cannot connect to postgresql: %s", line);
		goto out;
	}
	PQsetNoticeProcessor(c->h, notice_ignore, NULL);
	if (run(c, SETUP_SQL, e) < 0)
		goto out;
	*out = c;
	rc = 0;
out:
	if (rc < 0)
		conn_free(c);
	return rc;
}

static void pg_close(struct db_bconn *c)
{
	conn_free(c);
}

/* ---- statements ---- */

/* Deallocate finalized statements, only outside a transaction: a failure
 * there would abort the caller's transaction. */
static void drop_dead(struct db_bconn *c)
{
	struct err ignored = ERR_INIT;
	char sql[40];

	if (c->ndead == 0 || PQtransactionStatus(c->h) != PQTRANS_IDLE)
		return;
	while (c->ndead > 0) {
		snprintf(sql, sizeof(sql), "DEALLOCATE s%u", c->dead[--c->ndead]);
		run(c, sql, &ignored);
	}
}

/* Prepare st->sql on the server under a fresh name. */
static int stmt_prepare(struct db_bstmt *st, struct err *e)
{
	struct db_bconn *c = st->c;
	PGresult *r;
	int rc = 0;

	drop_dead(c);
	st->id = ++c->next_id;
	st->gen = c->gen;
	snprintf(st->name, sizeof(st->name), "s%u", st->id);
	r = PQprepare(c->h, st->name, st->sql, st->nparams, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		rc = pg_error(c, r, e);
		st->id = 0;
	}
	PQclear(r);
	track_tx(c);
	return rc;
}

static void stmt_free(struct db_bstmt *st)
{
	free(st->sql);
	free(st->values);
	free(st->lengths);
	free(st->formats);
	free(st->nums);
	free(st);
}

static int pg_prepare(struct db_bconn *c, struct db_bstmt **out, const char *sql, int nparams,
		      struct err *e)
{
	struct db_bstmt *st = xcalloc(1, sizeof(*st));
	size_t n = nparams > 0 ? (size_t)nparams : 1;

	st->c = c;
	st->sql = xstrdup(sql);
	st->nparams = nparams;
	st->values = xcalloc(n, sizeof(*st->values));
	st->lengths = xcalloc(n, sizeof(*st->lengths));
	st->formats = xcalloc(n, sizeof(*st->formats));
	st->nums = xcalloc(n, sizeof(*st->nums));
	if (conn_check(c, e) < 0 || stmt_prepare(st, e) < 0) {
		stmt_free(st);
		return -1;
	}
	*out = st;
	return 0;
}

/* Free the blobs of the previous row before moving to the next. */
static void clear_blobs(struct db_bstmt *st)
{
	for (int i = 0; i < st->nfields; i++) {
		PQfreemem(st->blobs[i]);
		st->blobs[i] = NULL;
	}
}

/* Forget the current result and the blobs decoded from it. */
static void clear_result(struct db_bstmt *st)
{
	clear_blobs(st);
	free(st->blobs);
	free(st->bloblens);
	st->blobs = NULL;
	st->bloblens = NULL;
	st->nfields = 0;
	PQclear(st->res);
	st->res = NULL;
	st->row = -1;
	st->nrows = 0;
}

/* Point the libpq parameter arrays at the values. */
static int set_params(struct db_bstmt *st, const struct db_param *params, int nparams,
		      struct err *e)
{
	if (nparams != st->nparams)
		return err_set(e, ERR_INTERNAL, "postgresql: %d parameters bound, %d expected",
			       nparams, st->nparams);
	for (int i = 0; i < nparams; i++) {
		const struct db_param *p = &params[i];
		st->lengths[i] = 0;
		st->formats[i] = 0;
		switch (p->type) {
		case DB_P_NULL: st->values[i] = NULL; break;
		case DB_P_INT64:
			snprintf(st->nums[i], sizeof(st->nums[i]), "%" PRId64, p->i);
			st->values[i] = st->nums[i];
			break;
		case DB_P_TEXT: st->values[i] = p->p; break;
		default:
			if (p->n > INT_MAX)
				return err_set(e, ERR_TOO_LARGE, "postgresql: blob of %zu bytes", p->n);
			st->values[i] = p->p;
			st->lengths[i] = (int)p->n;
			st->formats[i] = 1;
			break;
		}
	}
	return 0;
}

/* Run the prepared statement and keep its whole result. */
static int stmt_run(struct db_bstmt *st, const struct db_param *params, int nparams,
		    struct err *e)
{
	struct db_bconn *c = st->c;
	ExecStatusType s;

	clear_result(st);
	if (set_params(st, params, nparams, e) < 0 || conn_check(c, e) < 0)
		return -1;
	if ((st->gen != c->gen || st->id == 0) && stmt_prepare(st, e) < 0)
		return -1;
	st->res = PQexecPrepared(c->h, st->name, nparams, st->values, st->lengths, st->formats, 0);
	s = PQresultStatus(st->res);
	track_tx(c);
	if (st->res == NULL || (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK)) {
		pg_error(c, st->res, e);
		clear_result(st);
		return -1;
	}
	st->nrows = PQntuples(st->res);
	st->changes = strtoll(PQcmdTuples(st->res), NULL, 10);
	st->nfields = PQnfields(st->res);
	st->blobs = xcalloc((size_t)st->nfields, sizeof(*st->blobs));
	st->bloblens = xcalloc((size_t)st->nfields, sizeof(*st->bloblens));
	return 0;
}

static int pg_step(struct db_bstmt *st, int first, const struct db_param *params, int nparams,
		   struct err *e)
{
	if (first && stmt_run(st, params, nparams, e) < 0)
		return -1;
	if (st->res == NULL)
		return DB_DONE;
	clear_blobs(st);
	if (st->row + 1 < st->nrows) {
		st->row++;
		return DB_ROW;
	}
	st->row = st->nrows;
	return DB_DONE;
}

/* Whether (current row, column i) exists. */
static int has_cell(struct db_bstmt *st, int i)
{
	return st->res != NULL && st->row >= 0 && st->row < st->nrows && i >= 0 &&
	       i < st->nfields;
}

static int pg_col_is_null(struct db_bstmt *st, int i)
{
	return !has_cell(st, i) || PQgetisnull(st->res, st->row, i);
}

static const char *pg_col_text(struct db_bstmt *st, int i)
{
	if (pg_col_is_null(st, i))
		return NULL;
	return PQgetvalue(st->res, st->row, i);
}

static int64_t pg_col_int64(struct db_bstmt *st, int i)
{
	const char *v = pg_col_text(st, i);

	if (v == NULL)
		return 0;
	if (v[0] == 't' && v[1] == '\0')
		return 1;
	return strtoll(v, NULL, 10);  /* "f" and other non-numbers give 0 */
}

static const void *pg_col_blob(struct db_bstmt *st, int i, size_t *len)
{
	const char *v = pg_col_text(st, i);

	*len = 0;
	if (v == NULL)
		return NULL;
	if (PQftype(st->res, i) != BYTEA_OID) {
		*len = (size_t)PQgetlength(st->res, st->row, i);
		return v;
	}
	if (st->blobs[i] == NULL) {
		st->blobs[i] = PQunescapeBytea((const unsigned char *)v, &st->bloblens[i]);
		if (st->blobs[i] == NULL)
			return NULL;
	}
	*len = st->bloblens[i];
	return st->blobs[i];
}

static int64_t pg_changes(struct db_bstmt *st)
{
	return st->changes;
}

static void pg_reset(struct db_bstmt *st)
{
	clear_result(st);
}

static void pg_finalize(struct db_bstmt *st)
{
	struct db_bconn *c = st->c;

	clear_result(st);
	if (st->id != 0 && st->gen == c->gen) {
		if (c->ndead == c->adead) {
			c->adead = c->adead ? 2 * c->adead : 8;
			c->dead = xrealloc(c->dead, c->adead * sizeof(*c->dead));
		}
		c->dead[c->ndead++] = st->id;
	}
	stmt_free(st);
}

static uint64_t pg_syncs(void)
{
	return 0;
}

const struct db_backend db_pg_backend = {
	.kind = DB_POSTGRESQL,
	.placeholder = '$',
	.begin_sql = "BEGIN",
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.step = pg_step,
	.col_is_null = pg_col_is_null,
	.col_text = pg_col_text,
	.col_int64 = pg_col_int64,
	.col_blob = pg_col_blob,
	.changes = pg_changes,
	.reset = pg_reset,
	.finalize = pg_finalize,
	.syncs = pg_syncs,
};
