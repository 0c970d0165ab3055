/* api_grade.c - POST /api/v1/grade (GB/T 30279 grading) and GET /api/v1/cwe/{id}. */
#include <string.h>

#include "http/api.h"
#include "service/scoring.h"

const struct jv_field api_grade_body[] = {
	{ .name = "vector", .type = JV_STRING, .required = 1, .min = 1, .max = 128,
	  .description = "AP:N/TR:L/PR:N/UI:N/C:S/I:S/A:S[/EC:L/RD:H/SC:H] (vulnflow's notation)" },
	{ 0 }
};

int api_grade(struct req *r)
{
	const char *v = json_string_value(json_object_get(r->json, "vector"));
	struct gbt30279_result res;
	json_t *out;
	struct err e = ERR_INIT;

	if (scoring_grade(v, strlen(v), &res, &out, &e) < 0) {
		char why[sizeof(e.msg)];

		memcpy(why, e.msg, sizeof(why));  /* e.msg is rewritten below */
		if (e.code == ERR_INVALID)
			err_setn(&e, ERR_INVALID, "invalid_vector", "field \"vector\": %.200s", why);
		return req_fail(r, &e);
	}
	return req_json(r, 200, out);
}

int api_cwe(struct req *r)
{
	json_t *out;
	struct err e = ERR_INIT;

	if (r->path_id > 2000000000 || scoring_cwe((int)r->path_id, &out, &e) < 0) {
		if (e.code == ERR_NONE)
			err_setn(&e, ERR_NOT_FOUND, "unknown_cwe", "no such CWE");
		return req_fail(r, &e);
	}
	return req_json(r, 200, out);
}

int api_grade_classes(struct req *r)
{
	json_t *out;
	struct err e = ERR_INIT;

	if (scoring_classes(&out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, json_pack("{s:o}", "classes", out));
}
