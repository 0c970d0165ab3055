/* api_users.c - /api/v1/users and /api/v1/orgs. */
#include <stdio.h>
#include <string.h>

#include "base/timefmt.h"
#include "http/api.h"
#include "http/server.h"

const struct jv_field api_password_body[] = {
	{ .name = "current_password", .type = JV_STRING, .required = 1, .min = 1,
	  .max = PASSWORD_MAX },
	{ .name = "new_password", .type = JV_STRING, .required = 1, .min = PASSWORD_MIN,
	  .max = PASSWORD_MAX },
	{ 0 }
};

const struct jv_field api_user_create_body[] = {
	{ .name = "email", .type = JV_STRING, .required = 1, .min = 3, .max = 254,
	  .format = "email" },
	{ .name = "role", .type = JV_STRING, .required = 1, .one_of = role_names },
	{ .name = "name", .type = JV_STRING, .max = 200, .nullable = 1 },
	{ .name = "org_id", .type = JV_INT, .min = 1, .nullable = 1,
	  .description = "default: the first organisation" },
	{ .name = "password", .type = JV_STRING, .min = PASSWORD_MIN, .max = PASSWORD_MAX,
	  .nullable = 1, .description = "default: a one-time password, returned once" },
	{ .name = "totp_required", .type = JV_BOOL, .nullable = 1 },
	{ 0 }
};

const struct jv_field api_user_patch_body[] = {
	{ .name = "name", .type = JV_STRING, .max = 200 },
	{ .name = "role", .type = JV_STRING, .one_of = role_names },
	{ .name = "disabled", .type = JV_BOOL },
	{ .name = "totp_required", .type = JV_BOOL },
	{ 0 }
};

const struct jv_field api_org_create_body[] = {
	{ .name = "name", .type = JV_STRING, .required = 1, .min = 1, .max = 200 },
	{ .name = "jurisdiction", .type = JV_STRING, .required = 1, .format = "country",
	  .description = "ISO 3166-1 alpha-2 country code, e.g. CN" },
	{ 0 }
};

json_t *api_user_json(const struct user *u)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:o, s:o, s:o}", "id",
			 (json_int_t)u->id, "org_id", (json_int_t)u->org_id, "email", u->email,
			 "name", u->name, "role", u->role, "disabled", u->disabled, "totp_enabled",
			 u->totp_enabled, "totp_required", u->totp_required,
			 "must_change_password", u->must_change_password, "created_at",
			 api_time_json(u->created_at), "updated_at", api_time_json(u->updated_at),
			 "last_login_at", api_time_json(u->last_login_at));
}

int api_me(struct req *r)
{
	return req_json(r, 200, api_user_json(&r->who.user));
}

int api_me_password(struct req *r)
{
	struct actor a = req_actor(r);
	struct err e = ERR_INIT;

	if (account_password_set(r->app->in->db, &a, r->who.user.id,
				 json_string_value(json_object_get(r->json, "current_password")),
				 json_string_value(json_object_get(r->json, "new_password")), 0,
				 &e) < 0)
		return req_fail(r, &e);
	r->status = 204;
	return 0;
}

struct page {
	json_t *items;
	int64_t last;
};

static int add_user(void *arg, const struct user *u)
{
	struct page *p = arg;

	json_array_append_new(p->items, api_user_json(u));
	p->last = u->id;
	return 0;
}

static int reply_page(struct req *r, struct page *p, int64_t limit)
{
	json_t *next = json_array_size(p->items) == (size_t)limit ? json_integer(p->last) : NULL;

	return req_json(r, 200, json_pack("{s:o, s:o?}", "items", p->items, "next_after", next));
}

int api_users_list(struct req *r)
{
	struct page p = { json_array(), 0 };
	int64_t limit, after;
	struct err e = ERR_INIT;

	if (req_query_int(r, "limit", 1, 200, 50, &limit) < 0 ||
	    req_query_int(r, "after", 0, INT64_MAX, 0, &after) < 0) {
		json_decref(p.items);
		return -1;
	}
	if (account_user_list(r->app->in->db, after, (int)limit, add_user, &p, &e) < 0) {
		json_decref(p.items);
		return req_fail(r, &e);
	}
	return reply_page(r, &p, limit);
}

int api_users_create(struct req *r)
{
	struct actor a = req_actor(r);
	json_t *b = r->json;
	struct new_user nu = {
		.email = json_string_value(json_object_get(b, "email")),
		.role = json_string_value(json_object_get(b, "role")),
		.name = json_string_value(json_object_get(b, "name")),
		.org_id = json_integer_value(json_object_get(b, "org_id")),
		.password = json_string_value(json_object_get(b, "password")),
		.totp_required = json_is_true(json_object_get(b, "totp_required")),
	};
	struct user u;
	char otp[24];
	struct err e = ERR_INIT;

	if (account_user_create(r->app->in->db, &a, &nu, &u, otp, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 201, json_pack("{s:o, s:s?}", "user", api_user_json(&u),
					  "one_time_password", otp[0] ? otp : NULL));
}

int api_user_get(struct req *r)
{
	struct user u;
	struct err e = ERR_INIT;

	if (account_user_get(r->app->in->db, r->path_id, &u, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, api_user_json(&u));
}

int api_user_patch(struct req *r)
{
	struct actor a = req_actor(r);
	json_t *b = r->json;
	json_t *dis = json_object_get(b, "disabled"), *totp = json_object_get(b, "totp_required");
	struct user_patch p = {
		.name = json_string_value(json_object_get(b, "name")),
		.role = json_string_value(json_object_get(b, "role")),
		.disabled = dis ? json_is_true(dis) : -1,
		.totp_required = totp ? json_is_true(totp) : -1,
	};
	struct user u;
	struct err e = ERR_INIT;

	/* an administrator cannot lock themselves out by accident */
	if (r->path_id == r->who.user.id && (p.disabled == 1 ||
					     (p.role != NULL && strcmp(p.role, "admin") != 0))) {
		err_setn(&e, ERR_CONFLICT, "self_lockout",
			 "you cannot disable yourself or drop your own admin role");
		return req_fail(r, &e);
	}
	if (account_user_update(r->app->in->db, &a, r->path_id, &p, &u, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, api_user_json(&u));
}

int api_user_password_reset(struct req *r)
{
	struct actor a = req_actor(r);
	char pw[24];
	struct err e = ERR_INIT;

	crypto_password_generate(pw);
	if (account_password_set(r->app->in->db, &a, r->path_id, NULL, pw, 1, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, json_pack("{s:s}", "one_time_password", pw));
}

int api_user_totp_reset(struct req *r)
{
	struct actor a = req_actor(r);
	struct err e = ERR_INIT;

	if (account_totp_disable(r->app->in->db, &a, r->path_id, NULL, &e) < 0)
		return req_fail(r, &e);
	r->status = 204;
	return 0;
}

static int add_org(void *arg, const struct org *o)
{
	struct page *p = arg;

	json_array_append_new(p->items, json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)o->id,
						  "name", o->name, "jurisdiction",
						  o->jurisdiction, "created_at",
						  api_time_json(o->created_at)));
	p->last = o->id;
	return 0;
}

int api_orgs_list(struct req *r)
{
	struct page p = { json_array(), 0 };
	int64_t limit, after;
	struct err e = ERR_INIT;

	if (req_query_int(r, "limit", 1, 200, 50, &limit) < 0 ||
	    req_query_int(r, "after", 0, INT64_MAX, 0, &after) < 0) {
		json_decref(p.items);
		return -1;
	}
	if (account_org_list(r->app->in->db, after, (int)limit, add_org, &p, &e) < 0) {
		json_decref(p.items);
		return req_fail(r, &e);
	}
	return reply_page(r, &p, limit);
}

int api_orgs_create(struct req *r)
{
	struct actor a = req_actor(r);
	struct org o;
	struct err e = ERR_INIT;

	if (account_org_create(r->app->in->db, &a,
			       json_string_value(json_object_get(r->json, "name")),
			       json_string_value(json_object_get(r->json, "jurisdiction")), &o,
			       &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 201, json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)o.id, "name",
					  o.name, "jurisdiction", o.jurisdiction, "created_at",
					  api_time_json(o.created_at)));
}
