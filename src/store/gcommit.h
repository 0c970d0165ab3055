/* gcommit.h - the group-commit writer: many durable writes, one transaction, one fsync.
 *
 * A request that must not be answered before its write is on disk (intake)
 * hands a job to gcommit_submit() and blocks.  One writer thread takes every
 * job waiting at that moment (up to max_batch), runs them in one transaction
 * — each inside its own savepoint, so one job's failure does not undo the
 * others — commits once, then wakes every submitter with its own result.
 * Under load the cost of a commit (an fsync) is shared by the whole batch.
 */
#ifndef VF_GCOMMIT_H
#define VF_GCOMMIT_H

#include <stdint.h>

#include "store/db.h"

struct gcommit;

/* A job: do its writes on c, inside the batch transaction.  Return 0 or -1 with e set. */
typedef int (*gcommit_fn)(struct db_conn *c, void *arg, struct err *e);

struct gcommit_stats {
	uint64_t jobs;      /* jobs run */
	uint64_t batches;   /* batches run (each one transaction, committed or failed) */
	uint64_t max_batch; /* the largest batch seen */
};

int gcommit_start(struct gcommit **out, struct db *db, unsigned max_batch, struct err *e);

/* Optional per-batch hooks, run by the writer thread inside the batch's
 * transaction.  begin runs before the first job; end after the last, before
 * the commit, with each job's arg and result (0 or -1).  A hook's failure
 * fails every job of the batch (the transaction is rolled back).  The
 * receipt log uses them to lock and read its state once per batch and to
 * sign one tree head for the whole batch. */
struct gcommit_hooks {
	int (*begin)(struct db_conn *c, void *arg, struct err *e);
	int (*end)(struct db_conn *c, void *arg, void *const *job_args, const int *job_rcs,
		   size_t n, struct err *e);
	void *arg;
};

int gcommit_start_hooks(struct gcommit **out, struct db *db, unsigned max_batch,
			const struct gcommit_hooks *hooks, struct err *e);
/* Run fn(arg) in the next batch and wait until that batch is committed
 * (0) or failed (-1, e set: the job's own error, or the commit's). */
int gcommit_submit(struct gcommit *g, gcommit_fn fn, void *arg, struct err *e);
/* The same without waiting: queue fn(arg) and return at once (0), or -1 if
 * the writer is stopping (done is then never called).  When the batch is
 * committed or failed, the writer thread calls done(arg, rc, e) — it must
 * be quick and must not submit to g.  An HTTP handler suspends its
 * connection and resumes it from done, so thousands of requests can wait for
 * one commit without holding a thread each. */
typedef void (*gcommit_done_fn)(void *arg, int rc, const struct err *e);
int gcommit_submit_async(struct gcommit *g, gcommit_fn fn, void *arg, gcommit_done_fn done,
			 struct err *e);
void gcommit_get_stats(struct gcommit *g, struct gcommit_stats *out);
/* Finish the queued jobs, then stop the writer thread. */
void gcommit_stop(struct gcommit *g);

#endif
