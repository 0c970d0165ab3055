/* auth.c - credentials, capabilities and CSRF, enforced by the router for every route. */
#include "http/auth.h"

#include <stdio.h>
#include <string.h>

#include "http/route.h"
#include "http/server.h"

#include <microhttpd.h>

static int is_safe_method(const char *m)
{
	return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 || strcmp(m, "OPTIONS") == 0;
}

static int authenticate(struct req *r, struct err *e)
{
	const char *authz = req_header_in(r, MHD_HTTP_HEADER_AUTHORIZATION);
	const char *cookie;

	if (authz != NULL) {
		if (strncasecmp(authz, "Bearer ", 7) != 0 || authz[7] == '\0')
			return err_setn(e, ERR_UNAUTHENTICATED, "unauthenticated",
					"Authorization header must be \"Bearer TOKEN\"");
		if (account_auth_bearer(r->app->in->db, authz + 7, &r->who, e) < 0)
			return -1;
		r->authenticated = 1;
		return 0;
	}
	cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
	if (cookie != NULL && cookie[0] != '\0') {
		if (strlen(cookie) >= sizeof(r->session_token))
			return err_setn(e, ERR_UNAUTHENTICATED, "unauthenticated",
					"session cookie is invalid");
		if (account_auth_session(r->app->in->db, cookie, &r->who, e) < 0)
			return -1;
		snprintf(r->session_token, sizeof(r->session_token), "%s", cookie);
		r->authenticated = 1;
		r->via_cookie = 1;
	}
	return 0;
}

int auth_csrf_ok(struct req *r)
{
	const char *csrf = req_header_in(r, "X-CSRF-Token");

	return csrf != NULL && r->who.csrf_token[0] && crypto_streq(csrf, r->who.csrf_token) == 0;
}

int auth_check(struct req *r, struct err *e)
{
	const struct route *rt = r->route;
	const char *csrf;

	if (authenticate(r, e) < 0) {
		if (rt->cap == CAP_PUBLIC && e->code == ERR_UNAUTHENTICATED) {
			/* bad credentials do not matter on a public route */
			memset(&r->who, 0, sizeof(r->who));
			r->authenticated = 0;
			r->via_cookie = 0;
			err_clear(e);
			return 0;
		}
		return -1;
	}
	if (rt->cap == CAP_PUBLIC)
		return 0;
	if (!r->authenticated)
		return err_setn(e, ERR_UNAUTHENTICATED, "unauthenticated",
				"this route needs a login session or an API token");
	if (!role_has(r->who.role, rt->cap))
		return err_setn(e, ERR_FORBIDDEN, "forbidden",
				"role \"%s\" lacks capability \"%s\"", role_name(r->who.role),
				capability_name(rt->cap));
	if (r->who.restricted != NULL && !rt->allow_restricted)
		return err_setn(e, ERR_FORBIDDEN, r->who.restricted,
				strcmp(r->who.restricted, "password_change_required") == 0
					? "change the one-time password first "
					  "(POST /api/v1/users/me/password)"
					: "enroll in two-factor login first "
					  "(POST /api/v1/auth/totp/setup)");
	if (r->via_cookie && !is_safe_method(r->method)) {
		csrf = req_header_in(r, "X-CSRF-Token");
		if (csrf == NULL || crypto_streq(csrf, r->who.csrf_token) != 0)
			return err_setn(e, ERR_FORBIDDEN, "csrf_token_invalid",
					"cookie-authenticated writes need the session's X-CSRF-Token");
	}
	return 0;
}

void auth_cookie(struct req *r, const char *token, long max_age)
{
	char v[256];

	snprintf(v, sizeof(v), "%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Strict%s",
		 SESSION_COOKIE, token ? token : "", token ? max_age : 0L,
		 r->app->secure_cookies ? "; Secure" : "");
	req_header(r, "Set-Cookie", v);
}
