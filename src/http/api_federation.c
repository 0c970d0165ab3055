/* api_federation.c - the federation inbox, the outbox, our key, and the hub's received reports. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/timefmt.h"
#include "http/api.h"
#include "http/server.h"
#include "service/fed_hub.h"
#include "service/federation.h"

static int unavailable(struct req *r)
{
	struct err e = ERR_INIT;

	err_setn(&e, ERR_UNAVAILABLE, "federation_unavailable", "federation is not running");
	return req_fail(r, &e);
}

/* An envelope waiting for its commit while the connection is suspended. */
struct inbox_pending {
	struct fed_inbox_answer a;
	int rc;
	struct err err;
};

static void inbox_pending_free(void *p)
{
	struct inbox_pending *ip = p;

	federation_inbox_answer_release(&ip->a);
	free(ip);
}

static int inbox_render(struct req *r)
{
	struct inbox_pending *ip = r->async;
	char leaf[32];

	if (ip->rc < 0)
		return req_fail(r, &ip->err);
	/* the receipt is signed here, on a worker thread, not in the writer */
	if (federation_inbox_finish(r->app->federation, &ip->a, &ip->err) < 0)
		return req_fail(r, &ip->err);
	snprintf(leaf, sizeof(leaf), "%llu", (unsigned long long)ip->a.leaf_index);
	req_header(r, "X-Vulnflow-Log-Leaf", leaf);
	r->status = ip->a.status;
	r->text = ip->a.text;
	r->text_len = ip->a.len;
	ip->a.text = NULL;
	r->content_type = "application/json; charset=utf-8";
	return 0;
}

/* The intake writer's completion: keep the outcome, wake the connection. */
static void inbox_committed(void *arg, int rc, const struct err *e)
{
	struct req *r = arg;
	struct inbox_pending *ip = r->async;

	ip->rc = rc;
	if (rc < 0)
		ip->err = *e;
	req_resume(r);
}

/* POST /api/v1/federation/inbox: the body is an envelope; the answer its
 * signed receipt, after the durable commit (without holding a thread). */
int api_federation_inbox(struct req *r)
{
	struct inbox_pending *ip;
	struct err e = ERR_INIT;
	int rc;

	if (r->app->federation == NULL)
		return unavailable(r);
	if (atomic_load(&r->app->stopping)) {
		err_setn(&e, ERR_UNAVAILABLE, "stopping", "the server is stopping; retry shortly");
		return req_fail(r, &e);
	}
	ip = xcalloc(1, sizeof(*ip));
	r->async = ip;
	r->async_free = inbox_pending_free;
	req_suspend(r, inbox_render);
	rc = federation_inbox_async(r->app->federation, r->client, r->body.data, r->body.len,
				    &ip->a, inbox_committed, r, &e);
	if (rc <= 0) {
		ip->rc = rc;
		if (rc < 0)
			ip->err = e;
		req_resume(r);
	}
	return REQ_SUSPENDED;
}

/* GET /api/v1/federation/key: what peers need to trust us (`vulnflow peer add --key`). */
int api_federation_key(struct req *r)
{
	char text[FED_KEY_TEXT_MAX], id[ENVELOPE_KEYID_LEN];
	struct err e = ERR_INIT;

	if (federation_local_key(r->app->in->cfg.dir, text, id, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, json_pack("{s:s,s:s,s:s}", "key", text, "key_id", id, "role",
					  r->app->in->cfg.role));
}

/* GET /api/v1/federation/outbox?state=&limit=&after= */
int api_federation_outbox(struct req *r)
{
	const char *state = req_query(r, "state");
	int64_t limit, after;
	struct err e = ERR_INIT;
	json_t *out;

	if (r->app->federation == NULL)
		return unavailable(r);
	if (state != NULL && strcmp(state, "queued") && strcmp(state, "delivered") &&
	    strcmp(state, "failed")) {
		err_set(&e, ERR_INVALID, "\"state\" must be queued, delivered or failed");
		return req_fail(r, &e);
	}
	if (req_query_int(r, "limit", 1, 1000, 50, &limit) < 0 ||
	    req_query_int(r, "after", 0, INT64_MAX, 0, &after) < 0)
		return -1;
	if (federation_outbox_list(r->app->federation, state, after, (int)limit, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, json_pack("{s:o}", "envelopes", out));
}

/* GET /api/v1/federation/outbox/{token}: one envelope's delivery state. */
int api_federation_outbox_get(struct req *r)
{
	struct err e = ERR_INIT;
	json_t *out;

	if (r->app->federation == NULL)
		return unavailable(r);
	if (federation_outbox_get(r->app->federation, r->path_token, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

/* POST /api/v1/federation/outbox {"peer","type":"ping","body":{},"expires_in":S,"wait_ms":N}:
 * queue an envelope (operators' connectivity checks, tests, benchmarks). */
int api_federation_send(struct req *r)
{
	const char *peer = json_string_value(json_object_get(r->json, "peer"));
	const char *type = json_string_value(json_object_get(r->json, "type"));
	json_t *body = json_object_get(r->json, "body");
	json_t *exp = json_object_get(r->json, "expires_in"), *wait = json_object_get(r->json, "wait_ms");
	char id[ENVELOPE_ID_MAX + 1], state[16];
	struct err e = ERR_INIT;
	int64_t expires_at = 0;
	json_t *out;
	int rc;

	if (r->app->federation == NULL)
		return unavailable(r);
	if (peer == NULL || type == NULL || strcmp(type, "ping") != 0 ||
	    (body != NULL && !json_is_object(body)) || (exp != NULL && !json_is_integer(exp)) ||
	    (wait != NULL && (!json_is_integer(wait) || json_integer_value(wait) < 0 ||
			      json_integer_value(wait) > 30000))) {
		err_set(&e, ERR_INVALID, "send {\"peer\": KEY_ID, \"type\": \"ping\", \"body\": {...}, "
			"\"expires_in\": SECONDS, \"wait_ms\": 0..30000}");
		return req_fail(r, &e);
	}
	if (exp != NULL)
		expires_at = time_now_us() + json_integer_value(exp) * TIME_US_PER_S;
	body = body ? json_incref(body) : json_object();
	rc = federation_send(r->app->federation, peer, NULL, type, body, expires_at, 0, 0, id, &e);
	json_decref(body);
	if (rc < 0)
		return req_fail(r, &e);
	if (wait != NULL && json_integer_value(wait) > 0 &&
	    federation_wait(r->app->federation, id, json_integer_value(wait), state, &e) < 0)
		return req_fail(r, &e);
	if (federation_outbox_get(r->app->federation, id, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 201, out);
}

/* GET /api/v1/hub/reports: the authority reports this hub received. */
int api_hub_reports(struct req *r)
{
	int64_t limit, after;
	struct err e = ERR_INIT;
	json_t *out;

	if (r->app->federation == NULL)
		return unavailable(r);
	if (strcmp(r->app->in->cfg.role, "hub") != 0) {
		err_setn(&e, ERR_NOT_FOUND, "not_a_hub", "this instance's role is %s, not hub",
			 r->app->in->cfg.role);
		return req_fail(r, &e);
	}
	if (req_query_int(r, "limit", 1, 1000, 50, &limit) < 0 ||
	    req_query_int(r, "after", 0, INT64_MAX, 0, &after) < 0)
		return -1;
	if (federation_hub_reports(r->app->federation, after, (int)limit, &out, &e) < 0 ||
	    fed_hub_reports_relays(r->app->in, out, &e) < 0) {
		json_decref(out);
		return req_fail(r, &e);
	}
	return req_json(r, 200, json_pack("{s:o}", "reports", out));
}
