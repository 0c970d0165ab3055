/* api_fed_hub.c - the hub's dashboard, early-release assessments, blackout broadcasts and notices;
 * a national database's relayed reports; a provider's early release to the hub (fed_hub.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api.h"
#include "http/server.h"
#include "service/bulletins.h"
#include "service/cases.h"
#include "service/fed_hub.h"
#include "service/fed_platform.h"
#include "service/federation.h"

static struct case_actor actor_of(const struct req *r)
{
	struct case_actor a = { req_actor(r), r->who.role };

	if (!r->authenticated || r->who.restricted != NULL)
		a.role = ROLE_NONE;
	return a;
}

/* 0 for a coordinator or an administrator of the hub (or the CLI); else
 * answered 403 "only a hub coordinator <what>". */
static int coordinator_only(struct req *r, const char *what)
{
	struct case_actor a = actor_of(r);
	struct err e = ERR_INIT;

	if (a.a.user_id == 0 || a.role == ROLE_COORDINATOR || a.role == ROLE_ADMIN)
		return 0;
	err_setn(&e, ERR_FORBIDDEN, "forbidden", "only a hub coordinator %s", what);
	return req_fail(r, &e);
}

/* 0 if federation runs and this instance has the role; else answered. */
static int need(struct req *r, const char *role)
{
	struct err e = ERR_INIT;

	if (r->app->federation == NULL) {
		err_setn(&e, ERR_UNAVAILABLE, "federation_unavailable", "federation is not running");
		return req_fail(r, &e);
	}
	if (role != NULL && strcmp(r->app->in->cfg.role, role) != 0) {
		err_setn(&e, ERR_NOT_FOUND, strcmp(role, "hub") == 0 ? "not_a_hub" : "wrong_role",
			 "this instance's role is %s, not %s", r->app->in->cfg.role, role);
		return req_fail(r, &e);
	}
	return 0;
}

/* GET /api/v1/hub/dashboard */
int api_hub_dashboard(struct req *r)
{
	struct err e = ERR_INIT;
	json_t *out;

	if (need(r, "hub") < 0)
		return -1;
	if (fed_hub_dashboard(r->app->in, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

/* GET /api/v1/hub/early-release?limit=&after= */
int api_hub_early_releases(struct req *r)
{
	int64_t limit, after;
	struct err e = ERR_INIT;
	json_t *out;

	if (need(r, "hub") < 0)
		return -1;
	if (req_query_int(r, "limit", 1, 1000, 50, &limit) < 0 ||
	    req_query_int(r, "after", 0, INT64_MAX, 0, &after) < 0)
		return -1;
	if (fed_hub_early_releases(r->app->in, after, (int)limit, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, json_pack("{s:o}", "items", out));
}

/* GET /api/v1/hub/early-release/{id} */
int api_hub_early_release_get(struct req *r)
{
	struct err e = ERR_INIT;
	json_t *out;

	if (need(r, "hub") < 0)
		return -1;
	if (fed_hub_early_release_get(r->app->in, r->path_id, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

/* POST /api/v1/hub/early-release/{id}/assessment {"decision","at","ref","note"}:
 * a hub coordinator records the authorities' assessment; it goes back to the provider. */
int api_hub_early_release_assess(struct req *r)
{
	struct case_actor a = actor_of(r);
	struct err e = ERR_INIT;
	json_t *out;

	if (need(r, "hub") < 0)
		return -1;
	if (coordinator_only(r, "records the authorities' assessment") < 0)
		return -1;
	if (fed_hub_early_release_assess(r->app->federation, a.a.name ? a.a.name : "system",
					 r->path_id, r->json, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 201, out);
}

/* GET /api/v1/hub/filings?state=&limit=&after=: platform filings received, with their review. */
int api_hub_filings(struct req *r)
{
	int64_t limit, after;
	struct err e = ERR_INIT;
	json_t *out;

	if (need(r, "hub") < 0)
		return -1;
	if (req_query_int(r, "limit", 1, 1000, 50, &limit) < 0 ||
	    req_query_int(r, "after", 0, INT64_MAX, 0, &after) < 0)
		return -1;
	if (fed_hub_filings(r->app->in, req_query(r, "state"), after, (int)limit, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, json_pack("{s:o}", "items", out));
}

/* POST /api/v1/hub/filings/{id}/review {"decision","note"}: accept or return a filing; the
 * decision goes back to the platform. */
int api_hub_filing_review(struct req *r)
{
	struct actor a = req_actor(r);
	struct err e = ERR_INIT;
	json_t *out;

	if (need(r, "hub") < 0 || coordinator_only(r, "reviews a platform's filing") < 0)
		return -1;
	if (fed_hub_filing_review(r->app->in, r->app->federation, &a, r->path_id, r->json, &out,
				  &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

/* The window's fields a receiver takes (not its consents nor local times). */
static json_t *window_of(json_t *w)
{
	return json_pack("{s:O,s:O,s:O,s:O,s:O}", "id", json_object_get(w, "id"), "name",
			 json_object_get(w, "name"), "start", json_object_get(w, "start"), "end",
			 json_object_get(w, "end"), "note",
			 json_object_get(w, "note") ? json_object_get(w, "note") : json_null());
}

static json_t *consent_of(json_t *c)
{
	return json_pack("{s:O,s:O,s:O}", "id", json_object_get(c, "id"), "ref",
			 json_object_get(c, "ref"), "at", json_object_get(c, "at"));
}

/* Send window w (and its consent c, if not NULL) to every peer; the reply. */
static int broadcast(struct req *r, json_t *w, json_t *c, int status)
{
	struct err e = ERR_INIT;
	json_t *win = window_of(w), *cs = c ? consent_of(c) : NULL, *sent = NULL;
	int rc;

	rc = fed_hub_broadcast_blackout(r->app->federation, win, cs, &sent, &e);
	json_decref(win);
	json_decref(cs);
	if (rc < 0) {
		json_decref(w);
		return req_fail(r, &e);
	}
	json_object_set_new(w, "envelopes", sent);
	return req_json(r, status, w);
}

/* POST /api/v1/hub/blackouts: as POST /api/v1/blackouts, then sent to every peer. */
int api_hub_blackout_create(struct req *r)
{
	struct case_actor a = actor_of(r);
	struct err e = ERR_INIT;
	json_t *w, *c;

	if (need(r, "hub") < 0)
		return -1;
	if (r->app->bulletins == NULL) {
		err_setn(&e, ERR_UNAVAILABLE, "advisories_unavailable", "blackouts are not running");
		return req_fail(r, &e);
	}
	if (bulletins_blackout_add(r->app->bulletins, &a, r->json, &w, &e) < 0)
		return req_fail(r, &e);
	c = json_array_get(json_object_get(w, "consents"), 0);
	return broadcast(r, w, c, 201);
}

/* POST /api/v1/hub/blackouts/{id}/consents: as /api/v1/blackouts/{id}/consents, then sent. */
int api_hub_blackout_consent(struct req *r)
{
	struct case_actor a = actor_of(r);
	struct err e = ERR_INIT;
	json_t *w, *cs;

	if (need(r, "hub") < 0)
		return -1;
	if (r->app->bulletins == NULL) {
		err_setn(&e, ERR_UNAVAILABLE, "advisories_unavailable", "blackouts are not running");
		return req_fail(r, &e);
	}
	if (bulletins_blackout_consent(r->app->bulletins, &a, r->path_id, r->json, &w, &e) < 0)
		return req_fail(r, &e);
	cs = json_object_get(w, "consents");
	return broadcast(r, w, json_array_get(cs, json_array_size(cs) - 1), 201);
}

/* GET /api/v1/federation/blackouts: the windows and consents taken from hubs. */
int api_federation_blackouts(struct req *r)
{
	struct err e = ERR_INIT;
	json_t *out;

	if (fed_hub_blackout_sources(r->app->in, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, json_pack("{s:o}", "items", out));
}

/* GET /api/v1/hub/published */
int api_hub_published(struct req *r)
{
	int64_t limit, after;
	struct err e = ERR_INIT;
	json_t *out;

	if (need(r, "hub") < 0)
		return -1;
	if (req_query_int(r, "limit", 1, 1000, 50, &limit) < 0 ||
	    req_query_int(r, "after", 0, INT64_MAX, 0, &after) < 0)
		return -1;
	if (fed_hub_published(r->app->in, after, (int)limit, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, json_pack("{s:o}", "items", out));
}

/* GET /api/v1/database/reports: a national database's relayed reports. */
int api_database_reports(struct req *r)
{
	int64_t limit, after;
	struct err e = ERR_INIT;
	json_t *out;

	if (need(r, "database") < 0)
		return -1;
	if (req_query_int(r, "limit", 1, 1000, 50, &limit) < 0 ||
	    req_query_int(r, "after", 0, INT64_MAX, 0, &after) < 0)
		return -1;
	if (fed_hub_db_reports(r->app->in, after, (int)limit, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, json_pack("{s:o}", "reports", out));
}

/* POST /api/v1/cases/{id}/early-release/hub: the case's early-release record to the hub. */
int api_case_early_release_hub(struct req *r)
{
	struct case_actor a = actor_of(r);
	struct err e = ERR_INIT;
	json_t *kase, *out;

	if (need(r, NULL) < 0)
		return -1;
	if (r->app->cases == NULL) {
		err_setn(&e, ERR_UNAVAILABLE, "cases_unavailable", "the case service is not running");
		return req_fail(r, &e);
	}
	/* need-to-know: the case must be the caller's to see */
	if (cases_get(r->app->cases, &a, r->path_id, &kase, &e) < 0)
		return req_fail(r, &e);
	json_decref(kase);
	if (fed_hub_send_early_release(r->app->federation, r->path_id, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 202, out);
}
