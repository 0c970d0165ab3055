/* api_stats.c - GET /api/v1/stats: the dashboard's counts per day, phase and state. */
#include "http/api.h"
#include "http/server.h"
#include "service/stats.h"

int api_stats(struct req *r)
{
	struct case_actor a = { req_actor(r), r->who.role };
	int64_t days;
	json_t *out;
	struct err e = ERR_INIT;

	if (req_query_int(r, "days", 1, STATS_DAYS_MAX, STATS_DAYS_DEFAULT, &days) < 0)
		return -1;
	if (stats_get(r->app->in, &a, (int)days, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}
