/* api_meta.c - GET /api/v1/openapi.json, generated from the route table itself. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "http/api.h"
#include "base/timefmt.h"
#include "http/server.h"
#include "rules/securitytxt.h"

static json_t *error_response(const char *description)
{
	return json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", description, "content",
			 "application/json", "schema", "$ref", "#/components/schemas/Error");
}

static json_t *query_params(const char *spec)
{
	json_t *params = json_array();
	const char *p = spec;

	while (p && *p) {
		const char *colon = strchr(p, ':'), *semi = strchr(p, ';');
		size_t dlen;
		char *name, *desc;

		if (colon == NULL)
			break;
		if (semi == NULL)
			semi = p + strlen(p);
		name = xstrndup(p, (size_t)(colon - p));
		dlen = (size_t)(semi - colon - 1);
		desc = xstrndup(colon + 1, dlen);
		json_array_append_new(params,
				      json_pack("{s:s, s:s, s:b, s:s, s:{s:s}}", "name", name, "in",
						"query", "required", 0, "description", desc,
						"schema", "type",
						strcmp(name, "action") == 0 || strcmp(name, "since") == 0 ||
						strcmp(name, "purl") == 0 || strcmp(name, "vers") == 0 ||
						strcmp(name, "advisory") == 0 || strcmp(name, "format") == 0 ||
						strcmp(name, "profile") == 0 || strcmp(name, "lang") == 0
							? "string" : "integer"));
		free(name);
		free(desc);
		p = *semi ? semi + 1 : semi;
	}
	return params;
}

static json_t *operation(const struct route *rt)
{
	json_t *op = json_pack("{s:s, s:[s], s:s}", "summary", rt->summary, "tags", rt->tag,
			       "x-capability", capability_name(rt->cap));
	json_t *responses = json_object(), *params = query_params(rt->query);
	char status[8], opid[128];
	size_t n = 0;

	/* operationId: method + path words, e.g. get_api_v1_users_id */
	for (const char *p = rt->method; *p && n < sizeof(opid) - 1; p++)
		opid[n++] = (char)tolower((unsigned char)*p);
	for (const char *p = rt->path; *p && n < sizeof(opid) - 1; p++)
		opid[n++] = isalnum((unsigned char)*p) ? *p : '_';
	opid[n] = '\0';
	json_object_set_new(op, "operationId", json_string(opid));
	if (strstr(rt->path, "{id}") != NULL)
		json_array_append_new(params,
				      json_pack("{s:s, s:s, s:b, s:{s:s, s:i}}", "name", "id", "in",
						"path", "required", 1, "schema", "type", "integer",
						"minimum", 1));
	if (json_array_size(params) > 0)
		json_object_set_new(op, "parameters", params);
	else
		json_decref(params);
	if (rt->body != NULL)
		json_object_set_new(op, "requestBody",
				    json_pack("{s:b, s:{s:{s:o}}}", "required", 1, "content",
					      "application/json", "schema",
					      jsonv_schema(rt->body)));
	if (rt->cap == CAP_PUBLIC)
		json_object_set_new(op, "security", json_array());
	snprintf(status, sizeof(status), "%d", rt->status);
	json_object_set_new(responses, status,
			    rt->status == 204 ? json_pack("{s:s}", "description", "done")
					      : json_pack("{s:s, s:{s:{}}}", "description", "success",
							  "content", "application/json"));
	if (rt->body != NULL) {
		json_object_set_new(responses, "400", error_response("malformed JSON"));
		json_object_set_new(responses, "413", error_response("body too large"));
		json_object_set_new(responses, "415", error_response("not application/json"));
		json_object_set_new(responses, "422", error_response("a field is missing, unknown or invalid"));
	}
	if (rt->cap != CAP_PUBLIC) {
		json_object_set_new(responses, "401", error_response("not authenticated"));
		json_object_set_new(responses, "403", error_response("not allowed"));
	}
	json_object_set_new(responses, "default", error_response("error"));
	json_object_set_new(op, "responses", responses);
	return op;
}

char *api_openapi_build(void)
{
	json_t *paths = json_object(), *doc;
	char *text;

	for (size_t i = 0; i < routes_count; i++) {
		const struct route *rt = &routes[i];
		json_t *item = json_object_get(paths, rt->path);
		char method[16];
		size_t n;

		if (item == NULL) {
			item = json_object();
			json_object_set_new(paths, rt->path, item);
		}
		for (n = 0; rt->method[n] && n < sizeof(method) - 1; n++)
			method[n] = (char)tolower((unsigned char)rt->method[n]);
		method[n] = '\0';
		json_object_set_new(item, method, operation(rt));
	}
	doc = json_pack(
		"{s:s, s:{s:s, s:s, s:s}, s:o, s:[{s:[]}, {s:[]}],"
		" s:{s:{s:{s:s, s:s}, s:{s:s, s:s, s:s}}, s:{s:{s:s, s:[s], s:{s:{s:s, s:[s,s], s:{s:{s:s}, s:{s:s}}}}}}}}",
		"openapi", "3.1.0",
		"info", "title", "vulnflow API", "version", "1", "description",
		"Vulnerability intake, handling and publication under the Provisions on the "
		"Management of Security Vulnerabilities of Network Products. Errors are always "
		"{\"error\":{\"code\",\"message\"}}.",
		"paths", paths,
		"security", "bearerAuth", "cookieAuth",
		"components", "securitySchemes",
		"bearerAuth", "type", "http", "scheme", "bearer",
		"cookieAuth", "type", "apiKey", "in", "cookie", "name", "vf_session",
		"schemas", "Error", "type", "object", "required", "error", "properties", "error",
		"type", "object", "required", "code", "message", "properties", "code", "type",
		"string", "message", "type", "string");
	if (doc == NULL)
		return xstrdup("{}");
	text = json_dumps(doc, JSON_INDENT(1) | JSON_SORT_KEYS);
	json_decref(doc);
	return text ? text : xstrdup("{}");
}

int api_openapi(struct req *r)
{
	r->status = 200;
	r->text = xstrdup(r->app->openapi);
	r->content_type = "application/json; charset=utf-8";
	return 0;
}

int api_pgp_key(struct req *r)
{
	struct err e = ERR_INIT;

	if (r->app->pgp_key == NULL) {
		err_setn(&e, ERR_NOT_FOUND, "no_pgp_key",
			 "this organisation has no OpenPGP key (vulnflow pgp init)");
		return req_fail(r, &e);
	}
	r->status = 200;
	r->text = xstrdup(r->app->pgp_key);
	r->content_type = "application/pgp-keys";
	return 0;
}

int api_security_txt(struct req *r)
{
	const struct config *c = &r->app->in->cfg;
	struct securitytxt st = { .contacts = c->security_contact,
				  .policy = c->security_policy,
				  .languages = c->security_languages,
				  .public_url = c->public_url,
				  .pgp_fpr = r->app->pgp_fpr[0] ? r->app->pgp_fpr : NULL,
				  /* served when public_url is set (the renderer checks it) */
				  .csaf_feed = r->app->bulletins != NULL };
	struct buf b;
	struct err e = ERR_INIT;

	if (c->security_contact[0] == '\0') {
		err_setn(&e, ERR_NOT_FOUND, "not_configured",
			 "security.txt is not configured (set security_contact)");
		return req_fail(r, &e);
	}
	buf_init(&b, 64 * 1024);
	if (securitytxt_render(&st, time_now_us(), &b, &e) < 0) {
		buf_release(&b);
		return req_fail(r, &e);
	}
	r->status = 200;
	r->text = buf_detach(&b, NULL);
	r->content_type = "text/plain; charset=utf-8";
	return 0;
}
