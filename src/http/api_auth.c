/* api_auth.c - /api/v1/auth: login, logout, session, TOTP, API tokens. */
#include <stdio.h>
#include <string.h>

#include "base/timefmt.h"
#include "http/api.h"
#include "http/auth.h"
#include "http/server.h"

const struct jv_field api_login_body[] = {
	{ .name = "email", .type = JV_STRING, .required = 1, .min = 3, .max = 254,
	  .description = "the account's e-mail address" },
	{ .name = "password", .type = JV_STRING, .required = 1, .min = 1, .max = PASSWORD_MAX },
	{ .name = "totp", .type = JV_STRING, .max = 8, .nullable = 1,
	  .description = "six-digit code, when two-factor login is on" },
	{ 0 }
};

const struct jv_field api_totp_code_body[] = {
	{ .name = "code", .type = JV_STRING, .required = 1, .min = 6, .max = 6 },
	{ 0 }
};

const struct jv_field api_token_body[] = {
	{ .name = "name", .type = JV_STRING, .required = 1, .min = 1, .max = 200,
	  .description = "what the token is for" },
	{ .name = "role", .type = JV_STRING, .one_of = role_names, .nullable = 1,
	  .description = "narrower role than the owner's; default the owner's role" },
	{ .name = "expires_at", .type = JV_STRING, .max = 40, .nullable = 1,
	  .description = "RFC 3339 expiry; default never" },
	{ 0 }
};

static const char *str(json_t *body, const char *key)
{
	return json_string_value(json_object_get(body, key));
}

json_t *api_time_json(int64_t us)
{
	char utc[TIMEFMT_LEN];

	if (us == 0)
		return json_null();
	time_format_utc(us, utc);
	return json_string(utc);
}

static json_t *caps_json(enum role role)
{
	json_t *a = json_array();

	for (int c = CAP_SELF; c < CAP_COUNT; c++)
		if (role_has(role, (enum capability)c))
			json_array_append_new(a, json_string(capability_name((enum capability)c)));
	return a;
}

int api_login(struct req *r)
{
	struct login_result res;
	struct err e = ERR_INIT;

	if (account_login(r->app->in->db, &r->app->in->policy, str(r->json, "email"),
			  str(r->json, "password"), str(r->json, "totp"), r->request_id, &res,
			  &e) < 0) {
		if (e.code == ERR_RATE_LIMITED) {
			char secs[24];
			snprintf(secs, sizeof(secs), "%lld", (long long)res.retry_after_s);
			req_header(r, "Retry-After", secs);
		}
		return req_fail(r, &e);
	}
	auth_cookie(r, res.session_token, r->app->in->policy.session_ttl);
	return req_json(r, 200,
			json_pack("{s:o, s:s, s:o, s:s?, s:o}", "user", api_user_json(&res.who.user),
				  "csrf_token", res.csrf_token, "expires_at",
				  api_time_json(res.expires_at), "restricted", res.who.restricted,
				  "capabilities", caps_json(res.who.role)));
}

int api_logout(struct req *r)
{
	struct actor a = req_actor(r);
	struct err e = ERR_INIT;

	if (!r->via_cookie) {
		err_setn(&e, ERR_CONFLICT, "not_a_session",
			 "logout ends a cookie session; revoke API tokens with DELETE /api/v1/auth/tokens/{id}");
		return req_fail(r, &e);
	}
	if (account_logout(r->app->in->db, &a, r->session_token, &e) < 0)
		return req_fail(r, &e);
	auth_cookie(r, NULL, 0);
	r->status = 204;
	return 0;
}

int api_session(struct req *r)
{
	return req_json(r, 200,
			json_pack("{s:o, s:s, s:s, s:s?, s:s?, s:o}", "user", api_user_json(&r->who.user),
				  "role", role_name(r->who.role), "via",
				  r->who.via_token ? "token" : "session", "csrf_token",
				  r->via_cookie ? r->who.csrf_token : NULL, "restricted",
				  r->who.restricted, "capabilities", caps_json(r->who.role)));
}

int api_totp_setup(struct req *r)
{
	struct actor a = req_actor(r);
	char secret[40], uri[512];
	struct err e = ERR_INIT;

	if (account_totp_begin(r->app->in->db, &a, r->who.user.id, secret, uri, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, json_pack("{s:s, s:s}", "secret", secret, "otpauth_uri", uri));
}

int api_totp_confirm(struct req *r)
{
	struct actor a = req_actor(r);
	struct err e = ERR_INIT;

	if (account_totp_confirm(r->app->in->db, &a, r->who.user.id, str(r->json, "code"), &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, json_pack("{s:b}", "totp_enabled", 1));
}

int api_totp_disable(struct req *r)
{
	struct actor a = req_actor(r);
	struct err e = ERR_INIT;

	if (r->who.user.totp_required) {
		err_setn(&e, ERR_CONFLICT, "totp_required",
			 "an administrator requires two-factor login for this account");
		return req_fail(r, &e);
	}
	if (account_totp_disable(r->app->in->db, &a, r->who.user.id, str(r->json, "code"), &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, json_pack("{s:b}", "totp_enabled", 0));
}

static json_t *token_json(const struct api_token *t)
{
	return json_pack("{s:I, s:s, s:s, s:o, s:o, s:o}", "id", (json_int_t)t->id, "name",
			 t->name, "role", t->role, "created_at", api_time_json(t->created_at),
			 "expires_at", api_time_json(t->expires_at), "revoked_at",
			 api_time_json(t->revoked_at));
}

static int add_token(void *arg, const struct api_token *t)
{
	json_array_append_new(arg, token_json(t));
	return 0;
}

int api_tokens_list(struct req *r)
{
	json_t *items = json_array();
	struct err e = ERR_INIT;

	if (account_token_list(r->app->in->db, r->who.user.id, add_token, items, &e) < 0) {
		json_decref(items);
		return req_fail(r, &e);
	}
	return req_json(r, 200, json_pack("{s:o}", "items", items));
}

int api_tokens_create(struct req *r)
{
	struct actor a = req_actor(r);
	struct api_token t;
	char secret[CRYPTO_TOKEN_LEN];
	const char *exp = str(r->json, "expires_at");
	int64_t expires = 0;
	struct err e = ERR_INIT;

	if (exp != NULL && time_parse_rfc3339(exp, &expires) < 0) {
		err_set(&e, ERR_INVALID, "field \"expires_at\" is not an RFC 3339 time");
		return req_fail(r, &e);
	}
	/* a token made with a token is never wider than the token used */
	if (r->who.via_token && str(r->json, "role") == NULL &&
	    role_from_name(r->who.user.role) != r->who.role) {
		err_setn(&e, ERR_INVALID, "role_required",
			 "field \"role\" is required when creating a token with a narrower token");
		return req_fail(r, &e);
	}
	if (r->who.via_token && str(r->json, "role") != NULL &&
	    !role_covers(r->who.role, role_from_name(str(r->json, "role")))) {
		err_setn(&e, ERR_FORBIDDEN, "role_exceeds_owner",
			 "a token cannot create a token wider than itself");
		return req_fail(r, &e);
	}
	if (account_token_create(r->app->in->db, &a, r->who.user.id, str(r->json, "name"),
				 str(r->json, "role"), expires, secret, &t, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 201, json_pack("{s:s, s:o}", "token", secret, "info", token_json(&t)));
}

int api_tokens_revoke(struct req *r)
{
	struct actor a = req_actor(r);
	struct err e = ERR_INIT;

	if (account_token_revoke(r->app->in->db, &a, r->path_id, r->who.user.id, &e) < 0)
		return req_fail(r, &e);
	r->status = 204;
	return 0;
}
