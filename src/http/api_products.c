/* api_products.c - products, versions, SBOM upload and export, vulnerabilities and VEX of a version. */
#include <stdlib.h>
#include <string.h>

#include "http/api.h"
#include "http/server.h"
#include "service/impact.h"
#include "service/inventory.h"

const struct jv_field api_product_create_body[] = {
	{ .name = "name", .type = JV_STRING, .required = 1, .min = 1, .max = 200,
	  .description = "product name" },
	{ .name = "model", .type = JV_STRING, .max = 200, .description = "model (optional)" },
	{ .name = "vendor", .type = JV_STRING, .max = 200, .description = "vendor (optional)" },
	{ 0 }
};

const struct jv_field api_version_create_body[] = {
	{ .name = "version", .type = JV_STRING, .required = 1, .min = 1, .max = 90,
	  .description = "the version's name, e.g. \"2.4.1\" (no '/')" },
	{ 0 }
};

const struct jv_field api_vex_body[] = {
	{ .name = "vulnerability", .type = JV_STRING, .required = 1, .min = 1, .max = 200,
	  .description = "an imported advisory's id (e.g. the OSV id)" },
	{ .name = "status", .type = JV_STRING, .required = 1, .one_of = impact_vex_statuses,
	  .description = "affected, not_affected, fixed or under_investigation" },
	{ .name = "justification", .type = JV_STRING, .one_of = impact_vex_justifications,
	  .description = "for not_affected: a CycloneDX justification or a CSAF flag label" },
	{ .name = "detail", .type = JV_STRING, .max = 10000, .description = "free text" },
	{ 0 }
};

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

int api_products_list(struct req *r)
{
	int64_t limit, after;
	json_t *items;
	struct err e = ERR_INIT;

	if (req_query_int(r, "limit", 1, 500, 100, &limit) < 0 ||
	    req_query_int(r, "after", 0, INT64_MAX, 0, &after) < 0)
		return -1;
	if (inventory_product_list(r->app->in->db, after, (int)limit, &items, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, json_pack("{s:o}", "items", items));
}

int api_products_create(struct req *r)
{
	struct actor a = req_actor(r);
	json_t *out;
	struct err e = ERR_INIT;

	if (inventory_product_create(r->app->in->db, &a, str(r->json, "name"),
				     str(r->json, "model"), str(r->json, "vendor"), &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 201, out);
}

int api_product_get(struct req *r)
{
	json_t *out;
	struct err e = ERR_INIT;

	if (inventory_product_get(r->app->in->db, r->path_id, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

int api_versions_create(struct req *r)
{
	struct actor a = req_actor(r);
	json_t *out;
	struct err e = ERR_INIT;

	if (inventory_version_create(r->app->in->db, &a, r->path_id, str(r->json, "version"),
				     &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 201, out);
}

int api_sbom_import(struct req *r)
{
	struct actor a = req_actor(r);
	json_t *out;
	struct err e = ERR_INIT;

	if (inventory_sbom_import(r->app->in->db, &a, r->path_id, r->path_token,
				  r->body.data ? r->body.data : "", r->body.len,
				  (size_t)r->app->in->cfg.upload_body_limit, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

int api_sbom_export(struct req *r)
{
	char *doc;
	struct err e = ERR_INIT;

	if (inventory_sbom_export(r->app->in->db, r->path_id, r->path_token, &doc, &e) < 0)
		return req_fail(r, &e);
	r->status = 200;
	r->text = doc;
	r->content_type = "application/vnd.cyclonedx+json; version=1.6";
	return 0;
}

int api_components_list(struct req *r)
{
	json_t *out;
	struct err e = ERR_INIT;

	if (inventory_components(r->app->in->db, r->path_id, r->path_token, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, json_pack("{s:o}", "items", out));
}

int api_version_vulnerabilities(struct req *r)
{
	json_t *out;
	struct err e = ERR_INIT;

	if (impact_version_vulnerabilities(r->app->in->db, r->path_id, r->path_token, &out, &e) <
	    0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

int api_vex_set(struct req *r)
{
	struct actor a = req_actor(r);
	json_t *out;
	struct err e = ERR_INIT;

	if (impact_vex_set(r->app->in->db, &a, r->path_id, r->path_token,
			   str(r->json, "vulnerability"), str(r->json, "status"),
			   str(r->json, "justification"), str(r->json, "detail"), &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

int api_vex_export(struct req *r)
{
	const char *format = req_query(r, "format");
	char *doc;
	struct err e = ERR_INIT;

	if (impact_vex_export(r->app->in->db, r->path_id, r->path_token, format, &doc, &e) < 0)
		return req_fail(r, &e);
	r->status = 200;
	r->text = doc;
	r->content_type = format && strcmp(format, "csaf") == 0
				  ? "application/json"
				  : "application/vnd.cyclonedx+json; version=1.6";
	return 0;
}
