/* api_cases.c - cases, transitions, clocks, the authority report, notifications, the dossier. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/timefmt.h"
#include "http/api.h"
#include "http/server.h"
#include "service/cases.h"

static struct case_actor actor_of(const struct req *r)
{
	struct case_actor a = { req_actor(r), r->who.role };

	return a;
}

static int need_cases(struct req *r)
{
	struct err e = ERR_INIT;

	if (r->app->cases != NULL)
		return 0;
	err_setn(&e, ERR_UNAVAILABLE, "cases_unavailable", "the case service is not running");
	return req_fail(r, &e);
}

static int reply_text(struct req *r, char *text, const char *type)
{
	r->status = 200;
	r->text = text;
	r->content_type = type;
	return 0;
}

/* The handlers below differ only in the service they call and the status of
 * success: these two run one for the case in the path. */
typedef int case_by_id_fn(struct cases *cs, const struct case_actor *a, int64_t id, json_t **out,
			  struct err *e);
typedef int case_with_body_fn(struct cases *cs, const struct case_actor *a, int64_t id,
			      json_t *body, json_t **out, struct err *e);

static int call_by_id(struct req *r, case_by_id_fn *fn)
{
	struct case_actor a = actor_of(r);
	json_t *out;
	struct err e = ERR_INIT;

	if (need_cases(r) < 0)
		return -1;
	if (fn(r->app->cases, &a, r->path_id, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

static int call_with_body(struct req *r, case_with_body_fn *fn, int status)
{
	struct case_actor a = actor_of(r);
	json_t *out;
	struct err e = ERR_INIT;

	if (need_cases(r) < 0)
		return -1;
	if (fn(r->app->cases, &a, r->path_id, r->json, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, status, out);
}

int api_case_get(struct req *r)
{
	return call_by_id(r, cases_get);
}

int api_case_patch(struct req *r)
{
	return call_with_body(r, cases_patch, 200);
}

int api_case_clocks(struct req *r)
{
	return call_by_id(r, cases_clocks);
}

int api_case_authority_submit(struct req *r)
{
	return call_with_body(r, cases_authority_submit, 201);
}

int api_case_notify(struct req *r)
{
	return call_with_body(r, cases_notify, 201);
}

int api_cases_create(struct req *r)
{
	struct case_actor a = actor_of(r);
	json_t *out;
	struct err e = ERR_INIT;

	if (need_cases(r) < 0)
		return -1;
	if (cases_create(r->app->cases, &a, r->json, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 201, out);
}

int api_cases_list(struct req *r)
{
	struct case_actor a = actor_of(r);
	struct case_list_query q = { 0 };
	int64_t limit, assignee, exploited = -1;
	const char *ex = req_query(r, "actively_exploited");
	json_t *out;
	struct err e = ERR_INIT;

	if (need_cases(r) < 0 ||
	    req_query_int(r, "limit", 1, r->app->in->cfg.case_list_limit, 50, &limit) < 0 ||
	    req_query_int(r, "assignee_id", -1, INT64_MAX, 0, &assignee) < 0)
		return -1;
	if (ex) {
		if (strcmp(ex, "true") == 0)
			exploited = 1;
		else if (strcmp(ex, "false") == 0)
			exploited = 0;
		else {
			err_setn(&e, ERR_INVALID, "invalid_parameter",
				 "\"actively_exploited\" must be true or false");
			return req_fail(r, &e);
		}
	}
	q.state = req_query(r, "state");
	q.phase = req_query(r, "phase");
	q.role = req_query(r, "role");
	q.severity = req_query(r, "severity");
	q.q = req_query(r, "q");
	q.sort = req_query(r, "sort");
	q.cursor = req_query(r, "cursor");
	q.assignee_id = assignee;
	q.actively_exploited = (int)exploited;
	q.limit = (int)limit;
	if (q.q && strlen(q.q) > 200) {
		err_setn(&e, ERR_INVALID, "invalid_parameter", "\"q\" is longer than 200 bytes");
		return req_fail(r, &e);
	}
	if (cases_list(r->app->cases, &a, &q, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}



int api_case_transition(struct req *r)
{
	struct case_actor a = actor_of(r);
	json_t *out, *missing = NULL;
	struct err e = ERR_INIT;

	if (need_cases(r) < 0)
		return -1;
	if (cases_transition(r->app->cases, &a, r->path_id, r->json, &out, &missing, &e) < 0) {
		if (missing)
			r->err_detail = json_pack("{s:o}", "missing", missing);
		return req_fail(r, &e);
	}
	return req_json(r, 200, out);
}


int api_clocks_list(struct req *r)
{
	struct case_actor a = actor_of(r);
	struct clock_query q = { 0 };
	const char *before = req_query(r, "due_before");
	int64_t limit;
	json_t *out;
	struct err e = ERR_INIT;

	if (need_cases(r) < 0 ||
	    req_query_int(r, "limit", 1, r->app->in->cfg.case_list_limit, 50, &limit) < 0)
		return -1;
	if (before && time_parse_rfc3339(before, &q.due_before) < 0) {
		err_setn(&e, ERR_INVALID, "invalid_parameter", "\"due_before\" must be RFC 3339");
		return req_fail(r, &e);
	}
	q.state = req_query(r, "state");
	q.cursor = req_query(r, "cursor");
	q.limit = (int)limit;
	if (cases_clocks_list(r->app->cases, &a, &q, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

int api_case_authority_report(struct req *r)
{
	struct case_actor a = actor_of(r);
	const char *format = req_query(r, "format");
	json_t *out;
	char *text;
	struct err e = ERR_INIT;

	if (need_cases(r) < 0)
		return -1;
	if (cases_authority_report(r->app->cases, &a, r->path_id, format, &out, &text, &e) < 0)
		return req_fail(r, &e);
	if (text)
		return reply_text(r, text, strcmp(format, "html") == 0 ? "text/html; charset=utf-8"
									: "text/plain; charset=utf-8");
	return req_json(r, 200, out);
}



int api_case_dossier(struct req *r)
{
	struct case_actor a = actor_of(r);
	const char *format = req_query(r, "format");
	json_t *out;
	char *text;
	struct err e = ERR_INIT;

	if (need_cases(r) < 0)
		return -1;
	if (cases_dossier(r->app->cases, &a, r->path_id, format, &out, &text, &e) < 0)
		return req_fail(r, &e);
	if (text)
		return reply_text(r, text, "text/html; charset=utf-8");
	return req_json(r, 200, out);
}

const struct jv_field api_test_clock_body[] = {
	{ .name = "now", .type = JV_STRING, .format = "date-time", .nullable = 1,
	  .description = "the time the server should believe it is (null: real time)" },
	{ 0 }
};

int api_test_clock(struct req *r)
{
	json_t *now = json_object_get(r->json, "now");
	struct err e = ERR_INIT;
	int64_t t;
	char buf[TIMEFMT_LEN];

	if (!r->app->in->cfg.test_clock) {
		err_setn(&e, ERR_NOT_FOUND, "test_clock_off",
			 "this server's clock cannot be moved (test_clock = 0)");
		return req_fail(r, &e);
	}
	if (now == NULL || json_is_null(now)) {
		time_set_offset_us(0);
	} else if (time_parse_rfc3339(json_string_value(now), &t) == 0) {
		time_set_offset_us(0);
		time_set_offset_us(t - time_now_us());
	} else {
		err_set(&e, ERR_INVALID, "\"now\" must be RFC 3339");
		return req_fail(r, &e);
	}
	time_format_utc(time_now_us(), buf);
	return req_json(r, 200, json_pack("{s:s,s:I}", "now", buf, "offset_us",
					  (json_int_t)time_offset_us()));
}

int api_case_cra_report(struct req *r)
{
	return call_with_body(r, cases_cra_report, 201);
}

int api_case_export_request(struct req *r)
{
	return call_with_body(r, cases_export_request, 201);
}

int api_export_approve(struct req *r)
{
	return call_by_id(r, cases_export_approve);
}

int api_export_get(struct req *r)
{
	return call_by_id(r, cases_export_get);
}

int api_case_submission_get(struct req *r)
{
	struct case_actor a = actor_of(r);
	char *end;
	long v = strtol(r->path_token, &end, 10);
	json_t *out;
	struct err e = ERR_INIT;

	if (need_cases(r) < 0)
		return -1;
	if (*end != '\0' || v <= 0 || v > 1000000) {
		err_set(&e, ERR_NOT_FOUND, "no such submission version \"%s\"", r->path_token);
		return req_fail(r, &e);
	}
	if (cases_authority_submission(r->app->cases, &a, r->path_id, (int)v, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

const struct jv_field api_team_body[] = {
	{ .name = "name", .type = JV_STRING, .required = 1, .min = 1, .max = 100,
	  .description = "the team's name (unique)" },
	{ 0 }
};

const struct jv_field api_team_member_body[] = {
	{ .name = "user_id", .type = JV_INT, .required = 1, .min = 1,
	  .description = "a user who may read cases" },
	{ 0 }
};

int api_teams_create(struct req *r)
{
	struct case_actor a = actor_of(r);
	json_t *out;
	struct err e = ERR_INIT;

	if (need_cases(r) < 0)
		return -1;
	if (cases_team_create(r->app->cases, &a, r->json, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 201, out);
}

int api_teams_list(struct req *r)
{
	struct case_actor a = actor_of(r);
	json_t *out;
	struct err e = ERR_INIT;

	if (need_cases(r) < 0)
		return -1;
	if (cases_teams_list(r->app->cases, &a, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

int api_team_member_add(struct req *r)
{
	return call_with_body(r, cases_team_add_member, 200);
}

int api_team_member_remove(struct req *r)
{
	struct case_actor a = actor_of(r);
	struct err e = ERR_INIT;
	char *end;
	long long uid;

	if (need_cases(r) < 0)
		return -1;
	uid = strtoll(r->path_token, &end, 10);
	if (*end != '\0' || uid <= 0 || r->path_token[0] == '0') {
		err_setn(&e, ERR_NOT_FOUND, "not_a_member", "no user \"%s\" in the team",
			 r->path_token);
		return req_fail(r, &e);
	}
	if (cases_team_remove_member(r->app->cases, &a, r->path_id, uid, &e) < 0)
		return req_fail(r, &e);
	r->status = 204;
	return 0;
}

int api_exports_list(struct req *r)
{
	struct case_actor a = actor_of(r);
	json_t *out;
	int64_t limit, before;
	struct err e = ERR_INIT;

	if (need_cases(r) < 0)
		return -1;
	if (req_query_int(r, "limit", 1, 500, 50, &limit) < 0 ||
	    req_query_int(r, "before", 1, INT64_MAX, 0, &before) < 0)
		return -1;
	if (cases_exports_list(r->app->cases, &a, before, (int)limit, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}
