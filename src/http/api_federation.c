/* api_federation.c - the federation inbox, the outbox, our key, and the hub's received reports. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
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

/* ---- several envelopes in one POST: a JSON array, answered in order ---- */

#define INBOX_BATCH_MAX 64

struct inbox_batch;

struct batch_item {
	struct inbox_batch *b;
	struct fed_inbox_answer a;
	int rc;                        /* after the commits: 0 answered, -1 refused */
	struct err err;
};

struct inbox_batch {
	struct req *r;
	struct batch_item items[INBOX_BATCH_MAX];
	size_t n;
	atomic_int pending;            /* commits still to come, +1 while submitting */
};

static void batch_free(void *p)
{
	struct inbox_batch *b = p;

	for (size_t i = 0; i < b->n; i++)
		federation_inbox_answer_release(&b->items[i].a);
	free(b);
}

static void batch_item_done(void *arg, int rc, const struct err *e)
{
	struct batch_item *it = arg;
	struct inbox_batch *b = it->b;

	it->rc = rc;
	if (rc < 0)
		it->err = *e;
	if (atomic_fetch_sub(&b->pending, 1) == 1)
		req_resume(b->r);
}

/* {"results":[{"status":201,"receipt":{...}} or {"status":409,"error":{"code","message"}},
 * ...]}, one per envelope in the order sent. */
static int batch_render(struct req *r)
{
	struct inbox_batch *b = r->async;
	struct buf out;

	buf_init(&out, 64 << 20);
	buf_adds(&out, "{\"results\":[");
	for (size_t i = 0; i < b->n; i++) {
		struct batch_item *it = &b->items[i];

		if (i)
			buf_add(&out, ",", 1);
		if (it->rc == 0 && federation_inbox_finish(r->app->federation, &it->a, &it->err) == 0) {
			buf_addf(&out, "{\"status\":%d,\"receipt\":", it->a.status);
			buf_add(&out, it->a.text, it->a.len);
			buf_add(&out, "}", 1);
		} else {
			json_t *o;
			char *t;

			if (it->err.code == ERR_NONE)
				it->err.code = ERR_INTERNAL;
			o = json_pack("{s:i,s:{s:s,s:s}}", "status", err_http_status(it->err.code),
				      "error", "code", err_name(&it->err), "message", it->err.msg);
			t = json_dumps(o, JSON_COMPACT);
			buf_adds(&out, t ? t : "{\"status\":500}");
			free(t);
			json_decref(o);
		}
	}
	buf_adds(&out, "]}");
	r->status = 200;
	r->text = buf_detach(&out, &r->text_len);
	r->content_type = "application/json; charset=utf-8";
	return 0;
}

static int inbox_batch(struct req *r, const size_t start[], const size_t size[], size_t n)
{
	struct inbox_batch *b = xcalloc(1, sizeof(*b));

	b->r = r;
	b->n = n;
	atomic_init(&b->pending, 1);
	r->async = b;
	r->async_free = batch_free;
	req_suspend(r, batch_render);
	for (size_t i = 0; i < n; i++) {
		struct batch_item *it = &b->items[i];
		struct err e = ERR_INIT;
		int rc;

		it->b = b;
		atomic_fetch_add(&b->pending, 1);
		rc = federation_inbox_async(r->app->federation, r->client, r->body.data + start[i],
					    size[i], &it->a, batch_item_done, it, &e);
		if (rc <= 0) {
			it->rc = rc;
			if (rc < 0)
				it->err = e;
			atomic_fetch_sub(&b->pending, 1);
		}
	}
	if (atomic_fetch_sub(&b->pending, 1) == 1)
		req_resume(r);
	return REQ_SUSPENDED;
}

/* POST /api/v1/federation/inbox: the body is an envelope, answered with its
 * receipt after the durable commit (without holding a thread), or a JSON
 * array of envelopes, answered with their results in order. */
int api_federation_inbox(struct req *r)
{
	size_t start[INBOX_BATCH_MAX], size[INBOX_BATCH_MAX], n;
	struct inbox_pending *ip;
	struct err e = ERR_INIT;
	int rc;

	if (r->app->federation == NULL)
		return unavailable(r);
	if (atomic_load(&r->app->stopping)) {
		err_setn(&e, ERR_UNAVAILABLE, "stopping", "the server is stopping; retry shortly");
		return req_fail(r, &e);
	}
	switch (envelope_split_batch(r->body.data ? r->body.data : "", r->body.len, INBOX_BATCH_MAX,
				     start, size, &n)) {
	case 0:
		return inbox_batch(r, start, size, n);
	case -2:
		err_setn(&e, ERR_TOO_LARGE, "batch_too_large",
			 "a batch holds at most %d envelopes", INBOX_BATCH_MAX);
		return req_fail(r, &e);
	default:
		break;         /* one envelope (or something malformed, refused as one) */
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

/* GET /api/v1/federation/status?limit=: what `vulnflow federation status --json` prints. */
int api_federation_status(struct req *r)
{
	int64_t limit;
	struct err e = ERR_INIT;
	json_t *out;

	if (req_query_int(r, "limit", 1, 1000, 20, &limit) < 0)
		return -1;
	if (federation_status(r->app->in, (int)limit, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
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
