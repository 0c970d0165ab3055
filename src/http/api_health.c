/* api_health.c - GET /healthz and GET /metrics. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/timefmt.h"
#include "http/api.h"
#include "http/metrics.h"
#include "http/server.h"
#include "service/intake.h"
#include "service/tlog.h"

/* How long a database check answers /healthz before it is made again. */
#define HEALTH_CACHE_US (1 * TIME_US_PER_S)

/* Prove the database is reachable and takes a committed write; keep the reply. */
static void health_probe(struct app *app)
{
	struct err e = ERR_INIT;
	char when[TIMEFMT_LEN];
	int rc = instance_health_check(app->in, &e);
	uint64_t size = 0;
	char intake[96] = "";

	/* intake is writable when the database takes writes and the log's state reads */
	if (rc == 0 && app->intake != NULL) {
		rc = intake_health(app->intake, &size, &e);
		snprintf(intake, sizeof(intake), ",\"intake\":{\"writable\":true,\"tree_size\":%llu}",
			 (unsigned long long)size);
	}
	time_format_utc(time_now_us(), when);
	app->health_ok = rc == 0;
	snprintf(app->health_error, sizeof(app->health_error), "%s", rc == 0 ? "" : e.msg);
	snprintf(app->health_body, sizeof(app->health_body),
		 "{\"status\":\"ok\",\"db\":{\"backend\":\"%s\",\"writable\":true,"
		 "\"checked_at\":\"%s\"}%s}",
		 db_kind_name(db_kind(app->in->db)), when, intake);
	app->health_checked_us = time_mono_us();
}

int api_healthz(struct req *r)
{
	/* each worker thread keeps the last result it saw, so the common case
	 * takes no lock; only a result older than a second goes to the shared one */
	static _Thread_local struct {
		int64_t at;
		int ok;
		char body[384];
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

/* The intake and receipt-log series. */
static void intake_metrics(struct app *app, struct buf *b)
{
	struct intake *it = app->intake;
	struct tlog_sth_row sth;
	struct err e = ERR_INIT;
	uint64_t size = 0;
	char line[256];
	int n;

	buf_adds(b, "# HELP intake_received_total Items received, by channel and disposition.\n"
		       "# TYPE intake_received_total counter\n");
	for (int ch = 0; ch < INTAKE_OUTBOUND; ch++)      /* outbound items are not received */
		for (int d = 0; d < INTAKE_DISPOSITION_COUNT; d++) {
			n = snprintf(line, sizeof(line),
				     "intake_received_total{channel=\"%s\",disposition=\"%s\"} %llu\n",
				     intake_channel_name(ch), intake_disposition_name(d),
				     (unsigned long long)intake_count(it, ch, d));
			buf_add(b, line, (size_t)n);
		}
	if (intake_health(it, &size, &e) == 0) {
		n = snprintf(line, sizeof(line),
			     "# HELP tlog_tree_size Leaves in the receipt log.\n"
			     "# TYPE tlog_tree_size gauge\ntlog_tree_size %llu\n",
			     (unsigned long long)size);
		buf_add(b, line, (size_t)n);
	}
	if (tlog_latest_sth(intake_log(it), app->in->db, &sth, &e) == 0) {
		double age = (double)(time_now_us() / 1000 - sth.timestamp_ms) / 1000.0;

		n = snprintf(line, sizeof(line),
			     "# HELP tlog_sth_age_seconds Age of the newest signed tree head.\n"
			     "# TYPE tlog_sth_age_seconds gauge\ntlog_sth_age_seconds %.3f\n",
			     age < 0 ? 0.0 : age);
		buf_add(b, line, (size_t)n);
	}
}

int api_metrics(struct req *r)
{
	struct buf b;
	struct db_stats st;

	buf_init(&b, 4 << 20);
	db_get_stats(r->app->in->db, &st);
	metrics_render(r->app->metrics, &b, route_label, &st);
	if (r->app->intake != NULL)
		intake_metrics(r->app, &b);
	r->status = 200;
	r->text = buf_detach(&b, NULL);
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
	return 0;
}
