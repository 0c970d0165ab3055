/* api_platform.c - platform filing, the hub's registry, the provider directory and routing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api.h"
#include "http/server.h"
#include "service/fed_platform.h"
#include "service/platform_users.h"

static int no_intake(struct req *r)
{
	struct err e = ERR_INIT;

	err_setn(&e, ERR_UNAVAILABLE, "intake_unavailable", "intake is not running");
	return req_fail(r, &e);
}

/* PUT /api/v1/platform/filing: a new version of this platform's filing, sent to the hub. */
int api_platform_filing_put(struct req *r)
{
	struct actor a = req_actor(r);
	struct err e = ERR_INIT;
	json_t *out;

	if (fed_filing_put(r->app->in, r->app->federation, r->json, a.user_id, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

/* GET /api/v1/platform/filing */
int api_platform_filing_get(struct req *r)
{
	struct err e = ERR_INIT;
	json_t *out;

	if (fed_filing_get(r->app->in, r->app->federation, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

/* GET /registry.json (hub) */
int api_registry_json(struct req *r)
{
	struct err e = ERR_INIT;
	json_t *out;

	if (fed_registry_json(r->app->in, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

/* GET /registry?lang=zh-CN|en (hub): the printable list, no script (STATIC_CSP_DOCUMENT). */
int api_registry_html(struct req *r)
{
	const char *lang = req_query(r, "lang");
	struct err e = ERR_INIT;
	char *html;

	if (lang != NULL && strcmp(lang, "en") && strcmp(lang, "zh-CN")) {
		err_set(&e, ERR_INVALID, "\"lang\" must be zh-CN or en");
		return req_fail(r, &e);
	}
	if (fed_registry_html(r->app->in, lang, &html, &e) < 0)
		return req_fail(r, &e);
	r->status = 200;
	r->text = html;
	r->content_type = "text/html; charset=utf-8";
	return 0;
}

/* GET /api/v1/platform/providers?all=true */
int api_platform_providers(struct req *r)
{
	const char *all = req_query(r, "all");
	struct err e = ERR_INIT;
	json_t *out;

	/* a researcher sees the entries of their level and below (platform_users.h) */
	if (!role_has(r->who.role, CAP_CASES_READ)) {
		if (fed_provider_visible(r->app->in, r->who.user.id, &out, &e) < 0)
			return req_fail(r, &e);
		return req_json(r, 200, out);
	}
	if (fed_provider_list(r->app->in, all && strcmp(all, "true") == 0, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, json_pack("{s:o}", "providers", out));
}

/* POST /api/v1/platform/providers {"name","patterns","peer"|"email","jurisdiction",
 * "min_level"} */
int api_platform_provider_add(struct req *r)
{
	json_t *lvl = json_object_get(r->json, "min_level");
	struct fed_provider_input p = {
	    .name = json_string_value(json_object_get(r->json, "name")),
	    .patterns = json_object_get(r->json, "patterns"),
	    .peer = json_string_value(json_object_get(r->json, "peer")),
	    .email = json_string_value(json_object_get(r->json, "email")),
	    .jurisdiction = json_string_value(json_object_get(r->json, "jurisdiction")),
	};
	static const char *const members[] = {"name",	      "patterns",  "peer", "email",
					      "jurisdiction", "min_level", NULL};
	struct err e = ERR_INIT;
	const char *k;
	json_t *v, *out;

	json_object_foreach(r->json, k, v)
	{
		size_t i;

		for (i = 0; members[i] && strcmp(members[i], k); i++)
			;
		if (members[i] == NULL ||
		    (i != 1 && i != 5 && !json_is_string(v) && !json_is_null(v))) {
			err_set(&e, ERR_INVALID, "unknown or mistyped member \"%s\"", k);
			return req_fail(r, &e);
		}
	}
	if (lvl != NULL && !json_is_null(lvl)) {
		if (!json_is_integer(lvl) || json_integer_value(lvl) < 1 ||
		    json_integer_value(lvl) > 3) {
			err_set(&e, ERR_INVALID,
				"\"min_level\" must be 1, 2 or 3 (the lowest researcher level that "
				"sees the entry)");
			return req_fail(r, &e);
		}
		p.min_level = (int)json_integer_value(lvl);
	}
	if (fed_provider_add(r->app->in, &p, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 201, out);
}

/* DELETE /api/v1/platform/providers/{id} */
int api_platform_provider_remove(struct req *r)
{
	struct err e = ERR_INIT;
	json_t *out;

	if (fed_provider_remove(r->app->in, r->path_id, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

/* POST /api/v1/reports/{id}/route {"provider": N (optional)} */
int api_report_route(struct req *r)
{
	struct actor a = req_actor(r);
	json_t *prov = json_object_get(r->json, "provider"), *out;
	struct err e = ERR_INIT;

	if (r->app->intake == NULL)
		return no_intake(r);
	if (json_object_size(r->json) > (prov ? 1u : 0u) ||
	    (prov != NULL && !json_is_null(prov) &&
	     (!json_is_integer(prov) || json_integer_value(prov) < 1))) {
		err_set(&e, ERR_INVALID, "route {\"provider\": a directory entry's id (optional)}");
		return req_fail(r, &e);
	}
	if (fed_route_report(r->app->in, r->app->intake, r->app->federation, &a, r->path_id,
			     json_is_integer(prov) ? json_integer_value(prov) : 0, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 201, out);
}

/* GET /api/v1/reports/{id}/routes: the routings and the researcher's program */
int api_report_routes(struct req *r)
{
	struct err e = ERR_INIT;
	json_t *out, *prog;

	if (fed_routed_list(r->app->in, r->path_id, 0, &out, &e) < 0)
		return req_fail(r, &e);
	if (fed_program_get(r->app->in, r->path_id, &prog, &e) < 0) {
		json_decref(out);
		return req_fail(r, &e);
	}
	return req_json(r, 200, json_pack("{s:o,s:o}", "routes", out, "program", prog));
}

/* GET /api/v1/platform/routed?limit= */
int api_platform_routed(struct req *r)
{
	struct err e = ERR_INIT;
	int64_t limit;
	json_t *out;

	if (req_query_int(r, "limit", 1, 1000, 50, &limit) < 0)
		return -1;
	if (fed_routed_list(r->app->in, 0, (int)limit, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, json_pack("{s:o}", "routes", out));
}

/* ---- researchers (platform_users.h) ---- */

/* GET /api/v1/platform/me */
int api_platform_me(struct req *r)
{
	struct actor a = req_actor(r);
	struct err e = ERR_INIT;
	json_t *out;

	if (r->app->intake == NULL)
		return no_intake(r);
	if (pu_profile(r->app->in, r->app->intake, &a, a.user_id, 0, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

/* PUT /api/v1/platform/me/identity {"name","id_number","id_type","phone"} */
int api_platform_me_identity(struct req *r)
{
	struct actor a = req_actor(r);
	struct err e = ERR_INIT;
	json_t *out;

	if (r->app->intake == NULL)
		return no_intake(r);
	if (pu_identity_put(r->app->in, r->app->intake, &a, r->json, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

/* PUT /api/v1/platform/me/reports/{id}/program {"provider": ID}: the caller designates a
 * directory entry they may see for their own report (fed_platform.h). */
int api_platform_me_program(struct req *r)
{
	struct actor a = req_actor(r);
	json_t *prov = json_object_get(r->json, "provider"), *out;
	struct err e = ERR_INIT;

	if (json_object_size(r->json) != 1 || !json_is_integer(prov) ||
	    json_integer_value(prov) < 1) {
		err_set(&e, ERR_INVALID, "program {\"provider\": a directory entry's id}");
		return req_fail(r, &e);
	}
	if (fed_program_designate(r->app->in, &a, r->path_id, json_integer_value(prov), &out, &e) <
	    0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

/* GET /api/v1/platform/researchers?after=&limit= */
int api_platform_researchers(struct req *r)
{
	struct err e = ERR_INIT;
	int64_t limit, after;
	json_t *out;

	if (req_query_int(r, "limit", 1, 500, 50, &limit) < 0 ||
	    req_query_int(r, "after", 0, INT64_MAX, 0, &after) < 0)
		return -1;
	if (pu_list(r->app->in, after, (int)limit, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, json_pack("{s:o}", "researchers", out));
}

/* GET /api/v1/platform/researchers/{id}: the identity unmasked (audited read) */
int api_platform_researcher_get(struct req *r)
{
	struct actor a = req_actor(r);
	struct err e = ERR_INIT;
	json_t *out;

	if (r->app->intake == NULL)
		return no_intake(r);
	if (pu_profile(r->app->in, r->app->intake, &a, r->path_id, 1, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

/* POST /api/v1/platform/researchers/{id}/verification {"decision","note"} */
int api_platform_researcher_verify(struct req *r)
{
	struct actor a = req_actor(r);
	json_t *note = json_object_get(r->json, "note"), *out;
	struct err e = ERR_INIT;

	if (r->app->intake == NULL)
		return no_intake(r);
	if (json_object_size(r->json) > (note ? 2u : 1u) || (note && !json_is_string(note))) {
		err_set(&e, ERR_INVALID,
			"verification {\"decision\": \"verified\" or \"rejected\","
			" \"note\"}");
		return req_fail(r, &e);
	}
	if (pu_verify(r->app->in, r->app->intake, &a, r->path_id,
		      json_string_value(json_object_get(r->json, "decision")),
		      json_string_value(note), &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

/* PUT /api/v1/platform/researchers/{id}/level {"level": 1..3} */
int api_platform_researcher_level(struct req *r)
{
	struct actor a = req_actor(r);
	json_t *lv = json_object_get(r->json, "level"), *out;
	struct err e = ERR_INIT;

	if (r->app->intake == NULL)
		return no_intake(r);
	if (json_object_size(r->json) != 1 || !json_is_integer(lv)) {
		err_set(&e, ERR_INVALID, "level {\"level\": 1, 2 or 3}");
		return req_fail(r, &e);
	}
	if (pu_level_set(r->app->in, r->app->intake, &a, r->path_id, (int)json_integer_value(lv),
			 &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}
