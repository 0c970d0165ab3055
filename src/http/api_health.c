/* api_health.c - GET /healthz and GET /metrics. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/timefmt.h"
#include "http/api.h"
#include "http/metrics.h"
#include "http/server.h"

/* How long a database check answers /healthz before it is made again. */
#define HEALTH_CACHE_US (1 * TIME_US_PER_S)

/* Prove the database is reachable and takes a committed write; keep the reply. */
static void health_probe(struct app *app)
{
	struct err e = ERR_INIT;
	char when[TIMEFMT_LEN];
	int rc = instance_health_check(app->in, &e);

	time_format_utc(time_now_us(), when);
	app->health_ok = rc == 0;
	snprintf(app->health_error, sizeof(app->health_error), "%s", rc == 0 ? "" : e.msg);
	snprintf(app->health_body, sizeof(app->health_body),
		 "{\"status\":\"ok\",\"db\":{\"backend\":\"%s\",\"writable\":true,"
		 "\"checked_at\":\"%s\"}}",
		 db_kind_name(db_kind(app->in->db)), when);
	app->health_checked_us = time_mono_us();
}

int api_healthz(struct req *r)
{
	/* each worker thread keeps the last result it saw, so the common case
	 * takes no lock; only a result older than a second goes to the shared one */
	static _Thread_local struct {
		int64_t at;
		int ok;
		char body[256];
	} tl;
	struct app *app = r->app;
	struct err e = ERR_INIT;
	int64_t now = time_mono_us();

	if (tl.at == 0 || now - tl.at > HEALTH_CACHE_US) {
		pthread_mutex_lock(&app->health_mu);
		if (app->health_checked_us == 0 || now - app->health_checked_us > HEALTH_CACHE_US)
			health_probe(app);
		tl.ok = app->health_ok;
		tl.at = app->health_checked_us;
		memcpy(tl.body, tl.ok ? app->health_body : app->health_error, sizeof(tl.body));
		pthread_mutex_unlock(&app->health_mu);
	}
	if (!tl.ok) {
		err_setn(&e, ERR_UNAVAILABLE, "db_unavailable", "database check failed: %s", tl.body);
		return req_fail(r, &e);
	}
	r->status = 200;
	r->text = xstrdup(tl.body);
	r->content_type = "application/json; charset=utf-8";
	return 0;
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
