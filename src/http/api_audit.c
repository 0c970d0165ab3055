/* api_audit.c - GET /api/v1/audit, for auditors and administrators. */
#include "base/timefmt.h"
#include "http/api.h"
#include "http/server.h"

static int add_event(void *arg, const struct audit_event *ev)
{
	json_t *detail = json_loads(ev->detail, 0, NULL);
	char local[TIMEFMT_LEN];

	time_format_shanghai(ev->at, local);
	json_array_append_new(
		arg, json_pack("{s:I, s:o, s:s, s:o?, s:s, s:s, s:s, s:s, s:s, s:o}", "id",
			       (json_int_t)ev->id, "at", api_time_json(ev->at), "at_local", local,
			       "actor_user_id",
			       ev->actor_user_id ? json_integer(ev->actor_user_id) : NULL, "actor",
			       ev->actor, "action", ev->action, "object_type", ev->object_type,
			       "object_id", ev->object_id, "request_id", ev->request_id, "detail",
			       detail ? detail : json_object()));
	return 0;
}

int api_audit_list(struct req *r)
{
	struct audit_filter f = { 0 };
	int64_t limit, before, uid;
	const char *since = req_query(r, "since");
	json_t *items = json_array();
	struct err e = ERR_INIT;

	if (req_query_int(r, "limit", 1, 500, 100, &limit) < 0 ||
	    req_query_int(r, "before", 1, INT64_MAX, 0, &before) < 0 ||
	    req_query_int(r, "user_id", 1, INT64_MAX, 0, &uid) < 0)
		goto fail;
	if (since != NULL && time_parse_rfc3339(since, &f.since) < 0) {
		err_setn(&e, ERR_INVALID, "invalid_parameter",
			 "query parameter \"since\" is not an RFC 3339 time");
		req_fail(r, &e);
		goto fail;
	}
	f.limit = (int)limit;
	f.before_id = before;
	f.actor_user_id = uid;
	f.action = req_query(r, "action");
	if (account_audit_list(r->app->in->db, &f, add_event, items, &e) < 0) {
		req_fail(r, &e);
		goto fail;
	}
	{
		size_t n = json_array_size(items);
		json_t *last = n ? json_array_get(items, n - 1) : NULL;
		json_t *next = n == (size_t)limit && last ? json_object_get(last, "id") : NULL;
		return req_json(r, 200, json_pack("{s:o, s:O?}", "items", items, "next_before", next));
	}
fail:
	json_decref(items);
	return -1;
}
