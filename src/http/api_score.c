/* api_score.c - POST /api/v1/score: score a CVSS vector. */
#include <string.h>

#include "http/api.h"
#include "service/scoring.h"

const struct jv_field api_score_body[] = {
	{ .name = "vector", .type = JV_STRING, .required = 1, .min = 1, .max = CVSS_VECTOR_MAX - 1,
	  .description = "CVSS 4.0, 3.1, 3.0 or 2.0 vector" },
	{ 0 }
};

int api_score(struct req *r)
{
	const char *v = json_string_value(json_object_get(r->json, "vector"));
	struct cvss_result res;
	struct err e = ERR_INIT;

	if (cvss_score(v, strlen(v), &res, &e) < 0) {
		char why[sizeof(e.msg)];

		memcpy(why, e.msg, sizeof(why));  /* e.msg is rewritten below */
		err_setn(&e, ERR_INVALID, "invalid_vector", "field \"vector\": %.200s", why);
		return req_fail(r, &e);
	}
	return req_json(r, 200, scoring_json(&res));
}
