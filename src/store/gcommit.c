/* gcommit.c - group commit: one writer thread batching durable writes into one transaction. */
#include "store/gcommit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

struct job {
	gcommit_fn fn;
	void *arg;
	gcommit_done_fn done_fn;       /* async: called by the writer, then the job is freed */
	struct err err;
	int rc;
	int done;
	struct job *next;
};

struct gcommit {
	struct db *db;
	unsigned max_batch;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work;   /* signalled when a job is queued or on stop */
	pthread_cond_t done;   /* broadcast when a batch finishes */
	struct job *head, *tail;
	int stopping;
	struct gcommit_stats stats;
	struct gcommit_hooks hooks;
};

/* Call the end hook with the batch's job arguments and results. */
static int end_hook(struct gcommit *g, struct db_conn *c, struct job *batch, struct err *e)
{
	size_t n = 0, i = 0;
	void **args;
	int *rcs, rc;

	for (struct job *j = batch; j; j = j->next)
		n++;
	args = xcalloc(n, sizeof(*args));
	rcs = xcalloc(n, sizeof(*rcs));
	for (struct job *j = batch; j; j = j->next, i++) {
		args[i] = j->arg;
		rcs[i] = j->rc;
	}
	rc = g->hooks.end(c, g->hooks.arg, args, rcs, n, e);
	free(args);
	free(rcs);
	return rc;
}

/* Run one batch on c; sets each job's rc and err.  Jobs not run because an
 * earlier step failed, and jobs whose batch failed to commit, get that error. */
static void run_batch(struct gcommit *g, struct db_conn *c, struct job *batch)
{
	struct err e = ERR_INIT;

	if (db_begin(c, &e) < 0)
		goto fail_all;
	if (g->hooks.begin && g->hooks.begin(c, g->hooks.arg, &e) < 0)
		goto rollback_all;
	for (struct job *j = batch; j; j = j->next) {
		if (db_savepoint(c, "gc_job", &e) < 0)
			goto rollback_all;
		j->rc = j->fn(c, j->arg, &j->err);
		if (j->rc < 0 && db_savepoint_rollback(c, "gc_job", &e) < 0)
			goto rollback_all;
		if (db_savepoint_release(c, "gc_job", &e) < 0)
			goto rollback_all;
	}
	if (g->hooks.end && end_hook(g, c, batch, &e) < 0)
		goto rollback_all;
	if (db_commit(c, &e) < 0)
		goto fail_all;
	return;
rollback_all:
	db_rollback(c);
fail_all:
	for (struct job *j = batch; j; j = j->next) {
		if (j->rc == 0) {
			j->rc = -1;
			j->err = e;
		}
	}
}

static void *writer(void *arg)
{
	struct gcommit *g = arg;

	pthread_mutex_lock(&g->mu);
	for (;;) {
		struct job *batch, *last;
		struct db_conn *c = NULL;
		struct err e = ERR_INIT;
		unsigned n = 1;

		while (g->head == NULL && !g->stopping)
			pthread_cond_wait(&g->work, &g->mu);
		if (g->head == NULL)
			break;
		batch = last = g->head;
		while (last->next && n < g->max_batch) {
			last = last->next;
			n++;
		}
		g->head = last->next;
		if (g->head == NULL)
			g->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&g->mu);

		if (db_acquire(g->db, &c, 30000, &e) < 0) {
			for (struct job *j = batch; j; j = j->next) {
				j->rc = -1;
				j->err = e;
			}
		} else {
			run_batch(g, c, batch);
			db_release(c);
		}

		/* async jobs first (their memory is ours), then wake the waiters */
		for (struct job *j = batch, *next; j; j = next) {
			next = j->next;
			if (j->done_fn) {
				j->done_fn(j->arg, j->rc, &j->err);
				j->arg = NULL;
			}
		}
		pthread_mutex_lock(&g->mu);
		g->stats.jobs += n;
		g->stats.batches++;
		if (n > g->stats.max_batch)
			g->stats.max_batch = n;
		for (struct job *j = batch, *next; j; j = next) {
			next = j->next;
			if (j->done_fn)
				free(j);
			else
				j->done = 1;
		}
		pthread_cond_broadcast(&g->done);
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

int gcommit_start(struct gcommit **out, struct db *db, unsigned max_batch, struct err *e)
{
	return gcommit_start_hooks(out, db, max_batch, NULL, e);
}

int gcommit_start_hooks(struct gcommit **out, struct db *db, unsigned max_batch,
			const struct gcommit_hooks *hooks, struct err *e)
{
	struct gcommit *g = xcalloc(1, sizeof(*g));

	*out = NULL;
	g->db = db;
	g->max_batch = max_batch ? max_batch : 256;
	if (hooks)
		g->hooks = *hooks;
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->work, NULL);
	pthread_cond_init(&g->done, NULL);
	if (pthread_create(&g->thread, NULL, writer, g) != 0) {
		free(g);
		return err_set(e, ERR_INTERNAL, "cannot start the group-commit writer");
	}
	*out = g;
	return 0;
}

int gcommit_submit(struct gcommit *g, gcommit_fn fn, void *arg, struct err *e)
{
	struct job j;

	memset(&j, 0, sizeof(j));
	j.fn = fn;
	j.arg = arg;
	pthread_mutex_lock(&g->mu);
	if (g->stopping) {
		pthread_mutex_unlock(&g->mu);
		return err_set(e, ERR_UNAVAILABLE, "writer is shutting down");
	}
	if (g->tail)
		g->tail->next = &j;
	else
		g->head = &j;
	g->tail = &j;
	pthread_cond_signal(&g->work);
	while (!j.done)
		pthread_cond_wait(&g->done, &g->mu);
	pthread_mutex_unlock(&g->mu);
	if (j.rc < 0 && e != NULL)
		*e = j.err;
	return j.rc;
}

int gcommit_submit_async(struct gcommit *g, gcommit_fn fn, void *arg, gcommit_done_fn done,
			 struct err *e)
{
	struct job *j = xcalloc(1, sizeof(*j));

	j->fn = fn;
	j->arg = arg;
	j->done_fn = done;
	pthread_mutex_lock(&g->mu);
	if (g->stopping) {
		pthread_mutex_unlock(&g->mu);
		free(j);
		return err_set(e, ERR_UNAVAILABLE, "writer is shutting down");
	}
	if (g->tail)
		g->tail->next = j;
	else
		g->head = j;
	g->tail = j;
	pthread_cond_signal(&g->work);
	pthread_mutex_unlock(&g->mu);
	return 0;
}

void gcommit_get_stats(struct gcommit *g, struct gcommit_stats *out)
{
	pthread_mutex_lock(&g->mu);
	*out = g->stats;
	pthread_mutex_unlock(&g->mu);
}

void gcommit_stop(struct gcommit *g)
{
	if (g == NULL)
		return;
	pthread_mutex_lock(&g->mu);
	g->stopping = 1;
	pthread_cond_signal(&g->work);
	pthread_mutex_unlock(&g->mu);
	pthread_join(g->thread, NULL);
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->work);
	pthread_cond_destroy(&g->done);
	free(g);
}
