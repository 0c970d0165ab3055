/* api_bulletins.c - the advisories we publish: drafts, the gate, publication, approvals,
 * reviews, the early-release record and blackout windows (issue 7). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api.h"
#include "http/server.h"
#include "service/bulletins.h"

/* The caller as the services see it; an anonymous (or not yet fully
 * enrolled) caller of a public route has no role: published advisories only. */
static struct case_actor actor_of(const struct req *r)
{
	struct case_actor a = { req_actor(r), r->who.role };

	if (!r->authenticated || r->who.restricted != NULL)
		a.role = ROLE_NONE;
	return a;
}

static int need_bulletins(struct req *r)
{
	struct err e = ERR_INIT;

	if (r->app->bulletins != NULL)
		return 0;
	err_setn(&e, ERR_UNAVAILABLE, "advisories_unavailable",
		 "the advisory service is not running");
	return req_fail(r, &e);
}

typedef int ident_fn(struct bulletins *bs, const struct case_actor *a, const char *ident,
		     json_t *body, json_t **out, struct err *e);

static int call(struct req *r, ident_fn *fn, int status)
{
	struct case_actor a = actor_of(r);
	json_t *out;
	struct err e = ERR_INIT;

	if (need_bulletins(r) < 0)
		return -1;
	if (fn(r->app->bulletins, &a, r->path_token, r->json, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, status, out);
}

static int get_fn(struct bulletins *bs, const struct case_actor *a, const char *ident,
		  json_t *body, json_t **out, struct err *e)
{
	return bulletins_get(bs, a, ident, out, e);
}

static int gate_fn(struct bulletins *bs, const struct case_actor *a, const char *ident,
		   json_t *body, json_t **out, struct err *e)
{
	return bulletins_gate(bs, a, ident, out, e);
}

int api_bulletin_draft(struct req *r)
{
	struct case_actor a = actor_of(r);
	json_t *out;
	int created;
	struct err e = ERR_INIT;

	if (need_bulletins(r) < 0)
		return -1;
	if (bulletins_draft(r->app->bulletins, &a, r->path_id, r->json, &out, &created, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, created ? 201 : 200, out);
}

int api_bulletin_get(struct req *r)
{
	return call(r, get_fn, 200);
}

int api_bulletin_patch(struct req *r)
{
	return call(r, bulletins_patch, 200);
}

int api_bulletin_gate(struct req *r)
{
	return call(r, gate_fn, 200);
}

int api_bulletin_approve(struct req *r)
{
	return call(r, bulletins_approve, 201);
}

int api_bulletin_review(struct req *r)
{
	return call(r, bulletins_review, 201);
}

int api_bulletin_publish(struct req *r)
{
	struct case_actor a = actor_of(r);
	json_t *out, *refused = NULL;
	struct err e = ERR_INIT;

	if (need_bulletins(r) < 0)
		return -1;
	if (bulletins_publish(r->app->bulletins, &a, r->path_token, r->json, &out, &refused,
			      &e) < 0) {
		if (refused)
			r->err_detail = json_pack("{s:o}", "rules", refused);
		return req_fail(r, &e);
	}
	return req_json(r, 200, out);
}

int api_bulletins_list(struct req *r)
{
	struct case_actor a = actor_of(r);
	struct bulletin_list_query q = { 0 };
	int64_t limit, before;
	json_t *out;
	struct err e = ERR_INIT;

	if (need_bulletins(r) < 0 ||
	    req_query_int(r, "limit", 1, 500, 50, &limit) < 0 ||
	    req_query_int(r, "before", 0, INT64_MAX, 0, &before) < 0)
		return -1;
	q.state = req_query(r, "state");
	q.before = before;
	q.limit = (int)limit;
	if (bulletins_list(r->app->bulletins, &a, &q, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

int api_bulletin_early_release(struct req *r)
{
	struct case_actor a = actor_of(r);
	json_t *out;
	struct err e = ERR_INIT;

	if (need_bulletins(r) < 0)
		return -1;
	if (bulletins_early_release(r->app->bulletins, &a, r->path_id, r->json, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 201, out);
}

int api_blackouts_list(struct req *r)
{
	struct case_actor a = actor_of(r);
	const char *all = req_query(r, "all");
	json_t *out;
	struct err e = ERR_INIT;

	if (need_bulletins(r) < 0)
		return -1;
	if (bulletins_blackouts(r->app->bulletins, &a, all && strcmp(all, "true") == 0, &out,
				&e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

int api_blackouts_create(struct req *r)
{
	struct case_actor a = actor_of(r);
	json_t *out;
	struct err e = ERR_INIT;

	if (need_bulletins(r) < 0)
		return -1;
	if (bulletins_blackout_add(r->app->bulletins, &a, r->json, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 201, out);
}

int api_blackout_consent(struct req *r)
{
	struct case_actor a = actor_of(r);
	json_t *out;
	struct err e = ERR_INIT;

	if (need_bulletins(r) < 0)
		return -1;
	if (bulletins_blackout_consent(r->app->bulletins, &a, r->path_id, r->json, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 201, out);
}
