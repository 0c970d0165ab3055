/* api_health.c - GET /healthz and GET /metrics. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timefmt.h"
#include "http/api.h"
#include "http/metrics.h"
#include "http/server.h"
#include "store/store_audit.h"

/* How long a database check answers /healthz before it is made again. */
#define HEALTH_CACHE_US (1 * TIME_US_PER_S)

/* Prove the database is reachable and takes a committed write. */
static void health_probe(struct app *app)
{
	struct db_conn *c;
	struct err e = ERR_INIT;
	int rc;

	rc = db_acquire(app->in->db, &c, 2000, &e);
	if (rc == 0) {
		rc = db_begin(c, &e);
		if (rc == 0)
			rc = store_health_touch(c, time_now_us(), &e);
		if (rc == 0)
			rc = db_commit(c, &e);
		else
			db_rollback(c);
		db_release(c);
	}
	app->health_ok = rc == 0;
	snprintf(app->health_error, sizeof(app->health_error), "%s", rc == 0 ? "" : e.msg);
	app->health_checked_us = time_mono_us();
}

int api_healthz(struct req *r)
{
	struct app *app = r->app;
	int ok;
	int64_t checked;
	char error[256];
	struct err e = ERR_INIT;

	/* one request re-checks at a time; the others use the last result */
	pthread_mutex_lock(&app->health_mu);
	if (app->health_checked_us == 0 || time_mono_us() - app->health_checked_us > HEALTH_CACHE_US)
		health_probe(app);
	ok = app->health_ok;
	checked = app->health_checked_us;
	memcpy(error, app->health_error, sizeof(error));
	pthread_mutex_unlock(&app->health_mu);
	if (!ok) {
		err_setn(&e, ERR_UNAVAILABLE, "db_unavailable", "database check failed: %s", error);
		return req_fail(r, &e);
	}
	return req_json(r, 200,
			json_pack("{s:s, s:{s:s, s:b, s:I}}", "status", "ok", "db", "backend",
				  db_kind_name(db_kind(app->in->db)), "writable", 1, "age_ms",
				  (json_int_t)((time_mono_us() - checked) / 1000)));
}

static void route_label(size_t i, const char **method, const char **path)
{
	*method = routes[i].method;
	*path = routes[i].path;
}

int api_metrics(struct req *r)
{
	struct buf b;
	struct db_stats st;

	buf_init(&b, 4 << 20);
	db_get_stats(r->app->in->db, &st);
	metrics_render(r->app->metrics, &b, route_label, &st);
	r->status = 200;
	r->text = buf_detach(&b, NULL);
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
	return 0;
}
