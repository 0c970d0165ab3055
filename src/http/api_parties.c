/* api_parties.c - suppliers (upstream) and customers with their deployments (downstream). */
#include <strings.h>

#include "http/api.h"
#include "http/server.h"
#include "service/party.h"

/* a contact's webhook (service/webhook.h): where to POST signed notices */
static const struct jv_field webhook_fields[] = {
	{ .name = "url", .type = JV_STRING, .required = 1, .min = 8, .max = 2000,
	  .description = "http:// or https:// URL the signed notice is POSTed to" },
	{ .name = "secret_ref", .type = JV_STRING, .required = 1, .min = 5, .max = 200,
	  .description = "where the HMAC secret is: env:VULNFLOW_WEBHOOK_... or file:NAME" },
	{ 0 }
};

static const struct jv_field contact_fields[] = {
	{ .name = "name", .type = JV_STRING, .max = 200 },
	{ .name = "email", .type = JV_STRING, .max = 254, .format = "email" },
	{ .name = "phone", .type = JV_STRING, .max = 64 },
	{ .name = "webhook", .type = JV_OBJECT, .fields = webhook_fields,
	  .description = "a webhook {url, secret_ref} for notices (HMAC-signed)" },
	{ 0 }
};

static const struct jv_field deployment_fields[] = {
	{ .name = "product_id", .type = JV_INT, .required = 1, .min = 1 },
	{ .name = "version", .type = JV_STRING, .required = 1, .min = 1, .max = 90 },
	{ 0 }
};

const struct jv_field api_supplier_body[] = {
	{ .name = "name", .type = JV_STRING, .required = 1, .min = 1, .max = 200,
	  .description = "supplier name (unique: an existing supplier is updated)" },
	{ .name = "jurisdiction", .type = JV_STRING, .min = 2, .max = 2, .format = "country",
	  .description = "ISO 3166-1 alpha-2" },
	{ .name = "contacts", .type = JV_ARRAY, .items = JV_OBJECT, .fields = contact_fields,
	  .max = 50, .description = "people or addresses to notify" },
	{ .name = "packages", .type = JV_ARRAY, .items = JV_STRING, .max = 1000,
	  .description = "purls it owns (no version); the name '*' for a whole namespace" },
	{ 0 }
};

const struct jv_field api_customer_body[] = {
	{ .name = "name", .type = JV_STRING, .required = 1, .min = 1, .max = 200,
	  .description = "customer name (unique: an existing customer is updated)" },
	{ .name = "jurisdiction", .type = JV_STRING, .min = 2, .max = 2, .format = "country",
	  .description = "ISO 3166-1 alpha-2" },
	{ .name = "contacts", .type = JV_ARRAY, .items = JV_OBJECT, .fields = contact_fields,
	  .max = 50, .description = "people or addresses to notify" },
	{ .name = "deployments", .type = JV_ARRAY, .items = JV_OBJECT,
	  .fields = deployment_fields, .max = 1000,
	  .description = "product versions the customer runs" },
	{ 0 }
};

static int list(struct req *r, int (*fn)(struct db *, int64_t, int, json_t **, struct err *))
{
	int64_t limit, after;
	json_t *items;
	struct err e = ERR_INIT;

	if (req_query_int(r, "limit", 1, 500, 100, &limit) < 0 ||
	    req_query_int(r, "after", 0, INT64_MAX, 0, &after) < 0)
		return -1;
	if (fn(r->app->in->db, after, (int)limit, &items, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, json_pack("{s:o}", "items", items));
}

static int put(struct req *r, int (*fn)(struct db *, const struct actor *, json_t *, json_t **,
					struct err *))
{
	struct actor a = req_actor(r);
	json_t *out;
	struct err e = ERR_INIT;
	int created;

	if (fn(r->app->in->db, &a, r->json, &out, &e) < 0)
		return req_fail(r, &e);
	created = json_is_true(json_object_get(out, "created"));
	return req_json(r, created ? 201 : 200, out);
}

int api_suppliers_list(struct req *r)
{
	return list(r, party_supplier_list);
}

int api_suppliers_put(struct req *r)
{
	return put(r, party_supplier_put);
}

int api_customers_list(struct req *r)
{
	return list(r, party_customer_list);
}

int api_customers_put(struct req *r)
{
	return put(r, party_customer_put);
}

/* A CSV import (text/csv, the CLI's format): the report of every row. */
static int import_csv(struct req *r, enum party_kind kind)
{
	struct actor a = req_actor(r);
	const char *ct = req_header_in(r, "Content-Type");
	json_t *out;
	struct err e = ERR_INIT;

	if (ct == NULL || strncasecmp(ct, "text/csv", 8) != 0 ||
	    (ct[8] != '\0' && ct[8] != ';' && ct[8] != ' ')) {
		err_set(&e, ERR_MEDIA_TYPE, "content type must be text/csv, not \"%s\"",
			ct ? ct : "(none)");
		return req_fail(r, &e);
	}
	if (party_import_csv(r->app->in->db, &a, kind, r->body.data ? r->body.data : "",
			     r->body.len, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

int api_suppliers_import(struct req *r)
{
	return import_csv(r, PARTY_SUPPLIER);
}

int api_customers_import(struct req *r)
{
	return import_csv(r, PARTY_CUSTOMER);
}
