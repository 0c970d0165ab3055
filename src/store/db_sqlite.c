/* db_sqlite.c - the SQLite backend: WAL, synchronous=FULL, busy timeout, foreign keys.
 *
 * Files are opened through a thin VFS shim, "vulnflow", that forwards every
 * call to the default VFS and counts xSync calls, so the number of fsyncs the
 * process made is a real measured figure (/metrics, the group-commit test).
 *
 * Checkpoints run off the committing thread: a pool's connections have
 * SQLite's automatic checkpoint off, and their WAL hook wakes the pool's
 * checkpointer thread, which checkpoints on a connection of its own.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/mem.h"
#include "store/db_backend.h"

#define BUSY_TIMEOUT_MS 10000
/* A WAL this many times the wake threshold gets a TRUNCATE checkpoint, which
 * waits for readers, while writers of this process wait for their turn. */
#define CKPT_TRUNCATE_FACTOR 64
/* How long that checkpoint waits for readers and other processes' writers. */
#define CKPT_TRUNCATE_WAIT_MS 100
/* After a TRUNCATE that found readers, only PASSIVE ones for this long. */
#define CKPT_TRUNCATE_RETRY_MS 1000

struct db_bconn {
	sqlite3 *h;
};

/* One pool's checkpointer. */
struct db_bshared {
	int pages;                  /* wake threshold in WAL pages; 0 = no thread */
	sqlite3 *h;                 /* its own connection, used by the thread only */
	struct db_turn *turn;       /* the pool's writer turn, or NULL */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int frames;                 /* WAL size a commit reported; 0 = nothing to do */
	atomic_int last;            /* WAL size the last commit reported */
	atomic_int added;           /* pages committed since the thread was last woken */
	int stop;
	struct timespec truncate_after;  /* CLOCK_MONOTONIC: no TRUNCATE before */
};

struct db_bstmt {
	struct db_bconn *c;
	sqlite3_stmt *s;
	int64_t changes;
};

/* ---- the counting VFS shim ---- */

static atomic_uint_fast64_t sync_count;
static sqlite3_vfs shim_vfs;
static sqlite3_vfs *real_vfs;
static pthread_once_t shim_once = PTHREAD_ONCE_INIT;

struct shim_file {
	sqlite3_file base;
	sqlite3_file *real;  /* follows this struct in the same allocation */
};

#define REAL(f) (((struct shim_file *)(f))->real)

static int shim_close(sqlite3_file *f) { return REAL(f)->pMethods->xClose(REAL(f)); }
static int shim_read(sqlite3_file *f, void *p, int n, sqlite3_int64 o) { return REAL(f)->pMethods->xRead(REAL(f), p, n, o); }
static int shim_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 o) { return REAL(f)->pMethods->xWrite(REAL(f), p, n, o); }
static int shim_truncate(sqlite3_file *f, sqlite3_int64 n) { return REAL(f)->pMethods->xTruncate(REAL(f), n); }
static int shim_sync(sqlite3_file *f, int flags)
{
	atomic_fetch_add(&sync_count, 1);
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int shim_file_size(sqlite3_file *f, sqlite3_int64 *n) { return REAL(f)->pMethods->xFileSize(REAL(f), n); }
static int shim_lock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xLock(REAL(f), l); }
static int shim_unlock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xUnlock(REAL(f), l); }
static int shim_check_reserved(sqlite3_file *f, int *r) { return REAL(f)->pMethods->xCheckReservedLock(REAL(f), r); }
static int shim_file_control(sqlite3_file *f, int op, void *a) { return REAL(f)->pMethods->xFileControl(REAL(f), op, a); }
static int shim_sector_size(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int shim_device_chars(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }
static int shim_shm_map(sqlite3_file *f, int pg, int sz, int ext, void volatile **pp) { return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, ext, pp); }
static int shim_shm_lock(sqlite3_file *f, int o, int n, int fl) { return REAL(f)->pMethods->xShmLock(REAL(f), o, n, fl); }
static void shim_shm_barrier(sqlite3_file *f) { REAL(f)->pMethods->xShmBarrier(REAL(f)); }
static int shim_shm_unmap(sqlite3_file *f, int del) { return REAL(f)->pMethods->xShmUnmap(REAL(f), del); }
static int shim_fetch(sqlite3_file *f, sqlite3_int64 o, int n, void **pp) { return REAL(f)->pMethods->xFetch(REAL(f), o, n, pp); }
static int shim_unfetch(sqlite3_file *f, sqlite3_int64 o, void *p) { return REAL(f)->pMethods->xUnfetch(REAL(f), o, p); }

static const sqlite3_io_methods shim_io = {
	.iVersion = 3,
	.xClose = shim_close,
	.xRead = shim_read,
	.xWrite = shim_write,
	.xTruncate = shim_truncate,
	.xSync = shim_sync,
	.xFileSize = shim_file_size,
	.xLock = shim_lock,
	.xUnlock = shim_unlock,
	.xCheckReservedLock = shim_check_reserved,
	.xFileControl = shim_file_control,
	.xSectorSize = shim_sector_size,
	.xDeviceCharacteristics = shim_device_chars,
	.xShmMap = shim_shm_map,
	.xShmLock = shim_shm_lock,
	.xShmBarrier = shim_shm_barrier,
	.xShmUnmap = shim_shm_unmap,
	.xFetch = shim_fetch,
	.xUnfetch = shim_unfetch,
};

static int shim_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
	struct shim_file *sf = (struct shim_file *)f;
	int rc;

	(void)vfs;
	sf->real = (sqlite3_file *)(sf + 1);
	rc = real_vfs->xOpen(real_vfs, name, sf->real, flags, out_flags);
	/* SQLite calls xClose only if pMethods is set: mirror the real file */
	sf->base.pMethods = sf->real->pMethods != NULL ? &shim_io : NULL;
	return rc;
}

static void shim_register(void)
{
	real_vfs = sqlite3_vfs_find(NULL);
	shim_vfs = *real_vfs;
	shim_vfs.zName = "vulnflow";
	shim_vfs.szOsFile = (int)sizeof(struct shim_file) + real_vfs->szOsFile;
	shim_vfs.xOpen = shim_open;
	shim_vfs.pNext = NULL;
	sqlite3_vfs_register(&shim_vfs, 0);
}

static uint64_t sq_syncs(void)
{
	return atomic_load(&sync_count);
}

/* ---- the backend ---- */

static int sq_error(sqlite3 *h, int rc, struct err *e)
{
	int ext = sqlite3_extended_errcode(h);

	if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
		return err_setn(e, ERR_CONFLICT, "conflict", "%s", sqlite3_errmsg(h));
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return err_set(e, ERR_UNAVAILABLE, "database busy: %s", sqlite3_errmsg(h));
	return err_set(e, ERR_INTERNAL, "sqlite: %s", sqlite3_errmsg(h));
}

static int sq_exec(struct db_bconn *c, const char *sql, struct err *e)
{
	int rc = sqlite3_exec(c->h, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : sq_error(c->h, rc, e);
}

static int sq_open(struct db_bconn **out, const char *path, struct err *e)
{
	struct db_bconn *c;
	int rc;

	pthread_once(&shim_once, shim_register);
	c = xcalloc(1, sizeof(*c));
	rc = sqlite3_open_v2(path, &c->h,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			     "vulnflow");
	if (rc != SQLITE_OK) {
		err_set(e, ERR_UNAVAILABLE, "cannot open sqlite database \"%s\": %s", path,
			c->h ? sqlite3_errmsg(c->h) : sqlite3_errstr(rc));
		sqlite3_close(c->h);
		free(c);
		return -1;
	}
	sqlite3_busy_timeout(c->h, BUSY_TIMEOUT_MS);
	/* temp_store=MEMORY: the statement journals of the group-commit writer's
	 * per-job savepoints stay in memory instead of a temporary file (they
	 * are never durable anyway); measured 6 us less per report (bench/intake) */
	if (sq_exec(c, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
		       "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;", e) < 0) {
		sqlite3_close(c->h);
		free(c);
		return -1;
	}
	*out = c;
	return 0;
}

/* ---- the background checkpointer ----
 *
 * A commit writes its pages to the WAL and fsyncs it (synchronous=FULL): that
 * is what makes it durable.  Copying them into the database file (the
 * checkpoint) can come later; SQLite's automatic checkpoint does it inside
 * the commit that takes the WAL past 1000 pages, on the caller's thread.
 * Here the pool's connections have it off, and their WAL hook wakes this
 * thread instead (for each N pages committed, once the WAL has N).  The
 * thread takes the pool's writer turn ahead of waiting writers and runs a
 * PASSIVE checkpoint: the commit that crossed the threshold has returned,
 * and writers that come during the copy wait for it as they would have for
 * an automatic checkpoint.  (A first version copied beside the commits
 * without the turn: the commits' fsyncs then ran alongside the copy and its
 * fsync of the database file, and the intake p99 at 5,000/s doubled; and a
 * writer that keeps committing never let the WAL start over, which needs a
 * write transaction that began after all of it was copied.)
 *
 * Readers whose snapshots always overlap keep any checkpoint from copying
 * past them and the WAL from starting over: past CKPT_TRUNCATE_FACTOR
 * times the threshold the thread runs a TRUNCATE checkpoint instead, which
 * waits up to CKPT_TRUNCATE_WAIT_MS for them (writers of this process
 * waiting too) and empties the file; if they are still there, it tries
 * again CKPT_TRUNCATE_RETRY_MS later at the earliest. */

static void mono_after_ms(struct timespec *t, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += ms / 1000;
	t->tv_nsec += (ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

static int mono_reached(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > t->tv_sec || (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

/* One round for a WAL a commit reported at frames pages, holding the
 * writer turn: a copy that runs beside this process's commits slows their
 * fsyncs (bench/README.md, intake), and with no writer in between, the next
 * one starts the WAL over.  SQLITE_BUSY (another process checkpointing,
 * readers in the way) is no error here: the next N pages wake it again. */
static void ckpt_round(struct db_bshared *s, int frames)
{
	int rc;

	if (s->turn != NULL && db_turn_take_first(s->turn, BUSY_TIMEOUT_MS) < 0)
		return;
	if (frames / CKPT_TRUNCATE_FACTOR >= s->pages && mono_reached(&s->truncate_after)) {
		rc = sqlite3_wal_checkpoint_v2(s->h, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
		if (rc != SQLITE_OK)
			mono_after_ms(&s->truncate_after, CKPT_TRUNCATE_RETRY_MS);
	} else {
		sqlite3_wal_checkpoint_v2(s->h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	}
	if (s->turn != NULL)
		db_turn_give_first(s->turn);
}

static void *ckpt_main(void *arg)
{
	struct db_bshared *s = arg;
	int frames;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->stop && s->frames == 0)
			pthread_cond_wait(&s->cv, &s->mu);
		if (s->stop)
			break;
		frames = s->frames;
		s->frames = 0;
		pthread_mutex_unlock(&s->mu);
		ckpt_round(s, frames);
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	/* the final one: what the last commits left */
	sqlite3_wal_checkpoint_v2(s->h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return NULL;
}

/* Called by SQLite on the committing thread after each commit, with the
 * WAL's size in pages.  The thread is woken for each N pages added since
 * its last pass, not for each commit: a pass costs two fsyncs. */
static int ckpt_wal_hook(void *arg, sqlite3 *h, const char *dbname, int pages)
{
	struct db_bshared *s = arg;
	int prev = atomic_exchange(&s->last, pages);
	/* a smaller WAL started over: all of it is new */
	int added = atomic_fetch_add(&s->added, pages >= prev ? pages - prev : pages) +
		    (pages >= prev ? pages - prev : pages);

	(void)h;
	(void)dbname;
	if (pages < s->pages || added < s->pages)
		return SQLITE_OK;
	atomic_store(&s->added, 0);
	pthread_mutex_lock(&s->mu);
	s->frames = pages;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	return SQLITE_OK;
}

static int sq_shared_open(struct db_bshared **out, const char *path, const struct db_options *o,
			  struct db_turn *turn, struct err *e)
{
	struct db_bshared *s = xcalloc(1, sizeof(*s));
	struct db_bconn *c;
	int rc;

	*out = NULL;
	s->pages = o->checkpoint_pages > INT32_MAX / CKPT_TRUNCATE_FACTOR
			   ? INT32_MAX / CKPT_TRUNCATE_FACTOR : (int)o->checkpoint_pages;
	if (s->pages == 0) {
		*out = s;
		return 0;
	}
	if (sq_open(&c, path, e) < 0) {
		free(s);
		return -1;
	}
	s->h = c->h;
	free(c);
	sqlite3_wal_autocheckpoint(s->h, 0);
	sqlite3_busy_timeout(s->h, CKPT_TRUNCATE_WAIT_MS);
	s->turn = turn;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	rc = pthread_create(&s->thread, NULL, ckpt_main, s);
	if (rc != 0) {
		err_set(e, ERR_INTERNAL, "cannot start the checkpointer thread: %s", strerror(rc));
		pthread_mutex_destroy(&s->mu);
		pthread_cond_destroy(&s->cv);
		sqlite3_close(s->h);
		free(s);
		return -1;
	}
	*out = s;
	return 0;
}

static void sq_attach(struct db_bconn *c, struct db_bshared *s)
{
	if (s == NULL || s->pages == 0)
		return;  /* SQLite's own automatic checkpoint stays on */
	/* sqlite3_wal_hook() replaces the automatic checkpoint's hook: a
	 * connection has one or the other, never both */
	sqlite3_wal_autocheckpoint(c->h, 0);
	sqlite3_wal_hook(c->h, ckpt_wal_hook, s);
}

static void sq_shared_close(struct db_bshared *s)
{
	if (s->pages != 0) {
		pthread_mutex_lock(&s->mu);
		s->stop = 1;
		pthread_cond_signal(&s->cv);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->thread, NULL);
		pthread_mutex_destroy(&s->mu);
		pthread_cond_destroy(&s->cv);
		sqlite3_close(s->h);
	}
	free(s);
}

static void sq_close(struct db_bconn *c)
{
	sqlite3_close(c->h);
	free(c);
}

static int sq_prepare(struct db_bconn *c, struct db_bstmt **out, const char *sql, int nparams,
		      struct err *e)
{
	struct db_bstmt *st = xcalloc(1, sizeof(*st));
	int rc;

	(void)nparams;
	st->c = c;
	rc = sqlite3_prepare_v3(c->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st->s, NULL);
	if (rc != SQLITE_OK) {
		sq_error(c->h, rc, e);
		free(st);
		return -1;
	}
	*out = st;
	return 0;
}

static int sq_step(struct db_bstmt *st, int first, const struct db_param *params, int nparams,
		   struct err *e)
{
	int rc;

	if (first) {
		sqlite3_reset(st->s);
		for (int i = 0; i < nparams; i++) {
			const struct db_param *p = &params[i];
			switch (p->type) {
			case DB_P_NULL: rc = sqlite3_bind_null(st->s, i + 1); break;
			case DB_P_INT64: rc = sqlite3_bind_int64(st->s, i + 1, p->i); break;
			case DB_P_TEXT:
				rc = sqlite3_bind_text(st->s, i + 1, p->p, (int)p->n, SQLITE_STATIC);
				break;
			default:
				rc = sqlite3_bind_blob(st->s, i + 1, p->p, (int)p->n, SQLITE_STATIC);
				break;
			}
			if (rc != SQLITE_OK)
				return sq_error(st->c->h, rc, e);
		}
	}
	rc = sqlite3_step(st->s);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE) {
		st->changes = sqlite3_changes64(st->c->h);
		return DB_DONE;
	}
	sq_error(st->c->h, rc, e);
	sqlite3_reset(st->s);
	return -1;
}

static int sq_col_is_null(struct db_bstmt *st, int i)
{
	return sqlite3_column_type(st->s, i) == SQLITE_NULL;
}

static const char *sq_col_text(struct db_bstmt *st, int i)
{
	return (const char *)sqlite3_column_text(st->s, i);
}

static int64_t sq_col_int64(struct db_bstmt *st, int i)
{
	return sqlite3_column_int64(st->s, i);
}

static const void *sq_col_blob(struct db_bstmt *st, int i, size_t *len)
{
	const void *p = sqlite3_column_blob(st->s, i);

	*len = (size_t)sqlite3_column_bytes(st->s, i);
	return p;
}

static int64_t sq_changes(struct db_bstmt *st)
{
	return st->changes;
}

static void sq_reset(struct db_bstmt *st)
{
	sqlite3_reset(st->s);
	sqlite3_clear_bindings(st->s);
}

static void sq_finalize(struct db_bstmt *st)
{
	sqlite3_finalize(st->s);
	free(st);
}

const struct db_backend db_sqlite_backend = {
	.kind = DB_SQLITE,
	.placeholder = '?',
	.begin_sql = "BEGIN IMMEDIATE",
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	.prepare = sq_prepare,
	.step = sq_step,
	.col_is_null = sq_col_is_null,
	.col_text = sq_col_text,
	.col_int64 = sq_col_int64,
	.col_blob = sq_col_blob,
	.changes = sq_changes,
	.reset = sq_reset,
	.finalize = sq_finalize,
	.syncs = sq_syncs,
	.shared_open = sq_shared_open,
	.attach = sq_attach,
	.shared_close = sq_shared_close,
};
