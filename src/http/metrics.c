/* metrics.c - request counters and the Prometheus exposition.
 *
 * Counters are sharded: each worker thread counts into a shard of its own
 * (cache-line aligned), so counting a request costs no contended atomic; a
 * scrape adds the shards up.
 */
#include "http/metrics.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/mem.h"

static const int statuses[] = { 200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 415,
				422, 429, 431, 500, 503, 0 /* any other */ };
#define NSTATUS (sizeof(statuses) / sizeof(statuses[0]))

static const double bounds[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
				 0.1, 0.25, 0.5, 1, 2.5, 5 };
#define NBOUNDS (sizeof(bounds) / sizeof(bounds[0]))

#define NSHARDS 16

struct shard {
	_Alignas(64) atomic_uint_fast64_t buckets[NBOUNDS + 1];
	atomic_uint_fast64_t sum_us;
	atomic_uint_fast64_t total;
	atomic_uint_fast64_t *counts;           /* (nroutes + 1) x NSTATUS */
};

struct metrics {
	size_t nroutes;
	atomic_uint next_shard;
	struct shard shards[NSHARDS];
};

struct metrics *metrics_new(size_t nroutes)
{
	struct metrics *m = xcalloc(1, sizeof(*m));

	m->nroutes = nroutes;
	for (int i = 0; i < NSHARDS; i++)
		m->shards[i].counts = xcalloc((nroutes + 1) * NSTATUS + 8, sizeof(atomic_uint_fast64_t));
	return m;
}

void metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	for (int i = 0; i < NSHARDS; i++)
		free(m->shards[i].counts);
	free(m);
}

static size_t status_index(int status)
{
	for (size_t i = 0; i < NSTATUS - 1; i++)
		if (statuses[i] == status)
			return i;
	return NSTATUS - 1;
}

/* This thread's shard: threads take shards round-robin on first use. */
static struct shard *my_shard(struct metrics *m)
{
	static _Thread_local int index = -1;

	if (index < 0)
		index = (int)(atomic_fetch_add(&m->next_shard, 1) % NSHARDS);
	return &m->shards[index];
}

void metrics_observe(struct metrics *m, int route, int status, int64_t duration_us)
{
	struct shard *s = my_shard(m);
	size_t r = route < 0 ? m->nroutes : (size_t)route;
	double secs = (double)duration_us / 1e6;
	size_t b = 0;

	atomic_fetch_add_explicit(&s->counts[r * NSTATUS + status_index(status)], 1,
				  memory_order_relaxed);
	while (b < NBOUNDS && secs > bounds[b])
		b++;
	atomic_fetch_add_explicit(&s->buckets[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->sum_us, (uint64_t)(duration_us > 0 ? duration_us : 0),
				  memory_order_relaxed);
	atomic_fetch_add_explicit(&s->total, 1, memory_order_relaxed);
}

static uint64_t sum_count(struct metrics *m, size_t i)
{
	uint64_t n = 0;

	for (int s = 0; s < NSHARDS; s++)
		n += atomic_load_explicit(&m->shards[s].counts[i], memory_order_relaxed);
	return n;
}

void metrics_render(struct metrics *m, struct buf *out,
		    void (*route_label)(size_t i, const char **method, const char **path),
		    const struct db_stats *db)
{
	uint64_t cum = 0, sum_us = 0, total = 0;

	buf_adds(out, "# HELP vulnflow_http_requests_total HTTP requests by route and status.\n"
		      "# TYPE vulnflow_http_requests_total counter\n");
	for (size_t r = 0; r <= m->nroutes; r++) {
		const char *method = "", *path = "unmatched";

		if (r < m->nroutes)
			route_label(r, &method, &path);
		for (size_t s = 0; s < NSTATUS; s++) {
			uint64_t n = sum_count(m, r * NSTATUS + s);
			char status[8];

			if (n == 0)
				continue;
			snprintf(status, sizeof(status), "%d", statuses[s]);
			buf_addf(out,
				 "vulnflow_http_requests_total{method=\"%s\",route=\"%s\",status=\"%s\"} %llu\n",
				 method, path, statuses[s] ? status : "other", (unsigned long long)n);
		}
	}
	buf_adds(out, "# HELP vulnflow_http_request_duration_seconds Time from request to reply.\n"
		      "# TYPE vulnflow_http_request_duration_seconds histogram\n");
	for (size_t b = 0; b <= NBOUNDS; b++) {
		for (int s = 0; s < NSHARDS; s++)
			cum += atomic_load_explicit(&m->shards[s].buckets[b], memory_order_relaxed);
		if (b < NBOUNDS)
			buf_addf(out, "vulnflow_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
				 bounds[b], (unsigned long long)cum);
		else
			buf_addf(out, "vulnflow_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
				 (unsigned long long)cum);
	}
	for (int s = 0; s < NSHARDS; s++) {
		sum_us += atomic_load_explicit(&m->shards[s].sum_us, memory_order_relaxed);
		total += atomic_load_explicit(&m->shards[s].total, memory_order_relaxed);
	}
	buf_addf(out, "vulnflow_http_request_duration_seconds_sum %.6f\n", (double)sum_us / 1e6);
	buf_addf(out, "vulnflow_http_request_duration_seconds_count %llu\n",
		 (unsigned long long)total);
	buf_addf(out,
		 "# HELP vulnflow_db_pool_connections Database connections the pool may hold.\n"
		 "# TYPE vulnflow_db_pool_connections gauge\n"
		 "vulnflow_db_pool_connections{backend=\"%s\"} %u\n"
		 "# HELP vulnflow_db_pool_in_use Database connections in use now.\n"
		 "# TYPE vulnflow_db_pool_in_use gauge\n"
		 "vulnflow_db_pool_in_use %u\n"
		 "# HELP vulnflow_db_pool_acquires_total Connections taken from the pool.\n"
		 "# TYPE vulnflow_db_pool_acquires_total counter\n"
		 "vulnflow_db_pool_acquires_total %llu\n"
		 "# HELP vulnflow_db_pool_waits_total Takes that had to wait for a free connection.\n"
		 "# TYPE vulnflow_db_pool_waits_total counter\n"
		 "vulnflow_db_pool_waits_total %llu\n"
		 "# HELP vulnflow_db_commits_total Transactions committed.\n"
		 "# TYPE vulnflow_db_commits_total counter\n"
		 "vulnflow_db_commits_total %llu\n"
		 "# HELP vulnflow_db_syncs_total fsync-class calls made by SQLite (0 on PostgreSQL).\n"
		 "# TYPE vulnflow_db_syncs_total counter\n"
		 "vulnflow_db_syncs_total %llu\n",
		 db_kind_name(db->kind), db->pool_size, db->in_use,
		 (unsigned long long)db->acquires, (unsigned long long)db->waits,
		 (unsigned long long)db->commits, (unsigned long long)db->syncs);
}
