/* api_advisories.c - advisory upload and listing, and the impact questions. */
#include "http/api.h"
#include "http/server.h"
#include "service/advisories.h"
#include "service/impact.h"

int api_advisories_import(struct req *r)
{
	struct actor a = req_actor(r);
	json_t *out;
	struct err e = ERR_INIT;
	const char *state;

	if (advisories_import_doc(r->app->in->db, &a, r->body.data ? r->body.data : "",
				  r->body.len, &out, &e) < 0)
		return req_fail(r, &e);
	state = json_string_value(json_object_get(out, "state"));
	return req_json(r, state && state[0] == 'c' ? 201 : 200, out);
}

int api_advisories_list(struct req *r)
{
	int64_t limit, after;
	json_t *items;
	struct err e = ERR_INIT;

	if (req_query_int(r, "limit", 1, 500, 100, &limit) < 0 ||
	    req_query_int(r, "after", 0, INT64_MAX, 0, &after) < 0)
		return -1;
	if (advisories_list(r->app->in->db, after, (int)limit, &items, &e) < 0)
		return req_fail(r, &e);
	{
		size_t i;
		json_t *x;
		json_int_t next = 0;

		json_array_foreach(items, i, x) {
			next = json_integer_value(json_object_get(x, "_id"));
			json_object_del(x, "_id");
		}
		return req_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_after",
						  (int64_t)json_array_size(items) == limit
							  ? json_integer(next) : json_null()));
	}
}

int api_advisory_get(struct req *r)
{
	json_t *out;
	struct err e = ERR_INIT;

	if (impact_of_advisory(r->app->in->db, r->path_token, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

int api_impact(struct req *r)
{
	const char *advisory = req_query(r, "advisory");
	json_t *out;
	struct err e = ERR_INIT;
	int rc;

	if (advisory != NULL)
		rc = impact_of_advisory(r->app->in->db, advisory, &out, &e);
	else
		rc = impact_query(r->app->in->db, req_query(r, "purl"), req_query(r, "vers"), &out,
				  &e);
	if (rc < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}
