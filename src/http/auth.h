/* auth.h - who is calling, and may they call this route.
 *
 * Credentials: `Authorization: Bearer vft_...` (API token) or the `vf_session`
 * cookie (login session).  A cookie-authenticated write must carry the
 * session's CSRF token in `X-CSRF-Token`.  Then the route's capability is
 * checked against the caller's role, and a restricted session (password
 * change or TOTP enrollment pending) reaches only routes that allow it.
 */
#ifndef VF_AUTH_H
#define VF_AUTH_H

#include "base/err.h"

struct req;

#define SESSION_COOKIE "vf_session"

/* Fill r->who for the credentials presented and check the route's rules. */
int auth_check(struct req *r, struct err *e);
/* Whether a cookie-authenticated request carries its session's CSRF token
 * (public routes do not require it; they may use this to decide whether to
 * act in the user's name). */
int auth_csrf_ok(struct req *r);
/* The Set-Cookie value for a new session (or, with token NULL, one that clears it). */
void auth_cookie(struct req *r, const char *token, long max_age);

#endif
