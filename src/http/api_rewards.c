/* api_rewards.c - reward policy, decisions, the ledger and a reporter's own rewards (Art. 7(4)). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api.h"
#include "http/server.h"
#include "service/rewards.h"

static struct case_actor actor_of(const struct req *r)
{
	struct case_actor a = { req_actor(r), r->who.role };

	return a;
}

/* A refusal with the ids of what is missing, as case transitions answer. */
static int fail_missing(struct req *r, const struct err *e, json_t *missing)
{
	if (missing)
		r->err_detail = json_pack("{s:o}", "missing", missing);
	return req_fail(r, e);
}

/* The optional JSON object body of a step ({} when there is none). */
static int optional_body(struct req *r, json_t **out)
{
	const char *ct = req_header_in(r, "Content-Type");
	struct err e = ERR_INIT;
	json_error_t je;

	*out = NULL;
	if (r->body.len == 0) {
		*out = json_object();
		return 0;
	}
	if (ct == NULL || strncmp(ct, "application/json", 16) != 0) {
		err_set(&e, ERR_MEDIA_TYPE, "content type must be application/json, not \"%s\"",
			ct ? ct : "(none)");
		return req_fail(r, &e);
	}
	*out = json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &je);
	if (*out == NULL) {
		err_setn(&e, ERR_MALFORMED, "malformed_json",
			 "request body is not JSON: %s (line %d, column %d)", je.text, je.line,
			 je.column);
		return req_fail(r, &e);
	}
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		err_set(&e, ERR_INVALID, "request body must be a JSON object");
		return req_fail(r, &e);
	}
	return 0;
}

int api_reward_policy_get(struct req *r)
{
	struct case_actor a = actor_of(r);
	int64_t version;
	json_t *out;
	struct err e = ERR_INIT;

	if (req_query_int(r, "version", 1, INT64_MAX, 0, &version) < 0)
		return -1;
	if (rewards_policy_get(r->app->in, &a, version, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

int api_reward_policy_history(struct req *r)
{
	struct case_actor a = actor_of(r);
	json_t *out;
	struct err e = ERR_INIT;

	if (rewards_policy_history(r->app->in, &a, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

int api_reward_policy_put(struct req *r)
{
	struct case_actor a = actor_of(r);
	json_t *out;
	struct err e = ERR_INIT;

	if (rewards_policy_put(r->app->in, &a, r->json, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

int api_case_reward_propose(struct req *r)
{
	struct case_actor a = actor_of(r);
	json_t *out, *missing = NULL;
	struct err e = ERR_INIT;

	if (rewards_propose(r->app->in, &a, r->path_id, r->json, &out, &missing, &e) < 0)
		return fail_missing(r, &e, missing);
	return req_json(r, 201, out);
}

static int step(struct req *r, enum reward_action action)
{
	struct case_actor a = actor_of(r);
	json_t *body, *out, *missing = NULL;
	struct err e = ERR_INIT;
	int rc;

	if (optional_body(r, &body) < 0)
		return -1;
	rc = rewards_step(r->app->in, &a, r->path_id, action, body, &out, &missing, &e);
	json_decref(body);
	if (rc < 0)
		return fail_missing(r, &e, missing);
	return req_json(r, 200, out);
}

int api_reward_approve(struct req *r)
{
	return step(r, REWARD_APPROVE);
}

int api_reward_paid(struct req *r)
{
	return step(r, REWARD_PAY);
}

int api_reward_reject(struct req *r)
{
	return step(r, REWARD_REJECT);
}

int api_reward_get(struct req *r)
{
	struct case_actor a = actor_of(r);
	json_t *out;
	struct err e = ERR_INIT;

	if (rewards_get(r->app->in, &a, r->path_id, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

/* state, case and reporter, shared by the list and the ledger. */
static int query_of(struct req *r, struct reward_query *q)
{
	int64_t case_id;

	memset(q, 0, sizeof(*q));
	if (req_query_int(r, "case", 1, INT64_MAX, 0, &case_id) < 0)
		return -1;
	q->case_id = case_id;
	q->state = req_query(r, "state");
	q->reporter = req_query(r, "reporter");
	return 0;
}

int api_rewards_list(struct req *r)
{
	struct case_actor a = actor_of(r);
	struct reward_query q;
	int64_t limit;
	json_t *out;
	struct err e = ERR_INIT;

	if (query_of(r, &q) < 0 || req_query_int(r, "limit", 1, 500, 50, &limit) < 0)
		return -1;
	q.cursor = req_query(r, "cursor");
	q.limit = (int)limit;
	if (rewards_list(r->app->in, &a, &q, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

int api_rewards_ledger(struct req *r)
{
	struct case_actor a = actor_of(r);
	struct reward_query q;
	char *csv;
	size_t len;
	struct err e = ERR_INIT;

	if (query_of(r, &q) < 0)
		return -1;
	if (rewards_ledger_csv(r->app->in, &a, &q, &csv, &len, &e) < 0)
		return req_fail(r, &e);
	r->status = 200;
	r->text = csv;
	r->text_len = len;
	r->content_type = "text/csv; charset=utf-8; header=present";
	req_header(r, "Content-Disposition", "attachment; filename=\"reward-ledger.csv\"");
	return 0;
}

int api_rewards_mine(struct req *r)
{
	struct case_actor a = actor_of(r);
	int64_t limit;
	json_t *out;
	struct err e = ERR_INIT;

	if (req_query_int(r, "limit", 1, 500, 50, &limit) < 0)
		return -1;
	if (rewards_mine(r->app->in, &a, req_query(r, "cursor"), (int)limit, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}
