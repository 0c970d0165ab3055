/* account.h - users, organisations, logins, sessions, API tokens, TOTP and the audit trail.
 *
 * Every function that changes something takes the acting party (struct actor)
 * and writes an audit event in the same transaction as the change.  The CLI
 * and the HTTP API both call these; neither touches the store directly for
 * accounts.
 */
#ifndef VF_ACCOUNT_H
#define VF_ACCOUNT_H

#include <stdint.h>

#include "base/crypto.h"
#include "rules/roles.h"
#include "store/db.h"
#include "store/store_audit.h"
#include "store/store_session.h"
#include "store/store_user.h"

struct actor {
	int64_t user_id;          /* 0 for the CLI or the system */
	const char *name;         /* e-mail, "cli" or "system" */
	const char *request_id;   /* X-Request-Id, or a CLI run id */
};

struct account_policy {
	long session_ttl;         /* seconds */
	long lockout_threshold;
	long lockout_base;        /* seconds */
	long lockout_max;         /* seconds */
};

#define PASSWORD_MIN 12
#define PASSWORD_MAX 1024

/* Who a request is, once authenticated. */
struct principal {
	struct user user;
	enum role role;           /* effective: the token's role, or the user's */
	int via_token;
	int64_t token_id;
	char csrf_token[64];      /* session logins only */
	const char *restricted;   /* NULL, "password_change_required" or "totp_enrollment_required" */
};

struct new_user {
	const char *email;
	const char *role;
	const char *name;         /* NULL = "" */
	int64_t org_id;           /* 0 = the first organisation */
	const char *password;     /* NULL = generate a one-time password */
	int totp_required;
};

struct user_patch {
	const char *name;         /* NULL = unchanged */
	const char *role;         /* NULL = unchanged */
	int disabled;             /* -1 = unchanged */
	int totp_required;        /* -1 = unchanged */
};

struct login_result {
	int64_t retry_after_s;    /* on ERR_RATE_LIMITED: seconds until the lockout ends */
	char session_token[CRYPTO_TOKEN_LEN];
	char csrf_token[64];
	int64_t expires_at;
	struct principal who;
};

int account_user_create(struct db *db, const struct actor *a, const struct new_user *nu,
			struct user *out, char one_time_password[24], struct err *e);
int account_user_get(struct db *db, int64_t id, struct user *out, struct err *e);
int account_user_by_email(struct db *db, const char *email, struct user *out, struct err *e);
int account_user_list(struct db *db, int64_t after_id, int limit,
		      int (*fn)(void *arg, const struct user *u), void *arg, struct err *e);
int account_user_update(struct db *db, const struct actor *a, int64_t id,
			const struct user_patch *p, struct user *out, struct err *e);
/* Change a password.  With current != NULL it must match (a user's own change);
 * NULL is an administrator's reset, which ends the user's sessions. */
int account_password_set(struct db *db, const struct actor *a, int64_t id, const char *current,
			 const char *password, int must_change, struct err *e);

int account_login(struct db *db, const struct account_policy *pol, const char *email,
		  const char *password, const char *totp_code, const char *request_id,
		  struct login_result *out, struct err *e);
int account_logout(struct db *db, const struct actor *a, const char *session_token,
		   struct err *e);
/* Resolve a session cookie or a bearer token; ERR_UNAUTHENTICATED if not valid. */
int account_auth_session(struct db *db, const char *token, struct principal *out, struct err *e);
int account_auth_bearer(struct db *db, const char *token, struct principal *out, struct err *e);

/* Start TOTP enrollment: a new secret, not active until confirmed. */
int account_totp_begin(struct db *db, const struct actor *a, int64_t user_id,
		       char secret_base32[40], char uri[512], struct err *e);
int account_totp_confirm(struct db *db, const struct actor *a, int64_t user_id,
			 const char *code, struct err *e);
/* Turn TOTP off for a user (admin reset, or the user with a valid code). */
int account_totp_disable(struct db *db, const struct actor *a, int64_t user_id,
			 const char *code, struct err *e);

/* Create an API token for user_id; role NULL = the user's role.  The secret
 * is returned once in token_out and stored only as a hash. */
int account_token_create(struct db *db, const struct actor *a, int64_t user_id,
			 const char *name, const char *role, int64_t expires_at,
			 char token_out[CRYPTO_TOKEN_LEN], struct api_token *out, struct err *e);
int account_token_list(struct db *db, int64_t user_id,
		       int (*fn)(void *arg, const struct api_token *t), void *arg, struct err *e);
/* Revoke token id; owner != 0 limits it to that user's tokens. */
int account_token_revoke(struct db *db, const struct actor *a, int64_t id, int64_t owner,
			 struct err *e);

int account_org_create(struct db *db, const struct actor *a, const char *name,
		       const char *jurisdiction, struct org *out, struct err *e);
int account_org_list(struct db *db, int64_t after_id, int limit,
		     int (*fn)(void *arg, const struct org *o), void *arg, struct err *e);

int account_audit_list(struct db *db, const struct audit_filter *f,
		       int (*fn)(void *arg, const struct audit_event *ev), void *arg,
		       struct err *e);

/* Lower-case an e-mail address in place (the stored form). */
void account_email_normalise(char *email);

#endif
