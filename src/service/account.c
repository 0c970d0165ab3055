/* account.c - accounts, logins, tokens and TOTP, each change audited in its own transaction. */
#include "service/account.h"

#include <ctype.h>
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "base/jsonv.h"
#include "service/audit.h"
#include "base/timefmt.h"
#include "base/totp.h"

#define ACQUIRE_MS 10000

/* ---- transactions and audit ---- */

static int tx_start(struct db *db, struct db_conn **c, struct err *e)
{
	if (db_acquire(db, c, ACQUIRE_MS, e) < 0)
		return -1;
	if (db_begin(*c, e) < 0) {
		db_release(*c);
		*c = NULL;
		return -1;
	}
	return 0;
}

/* Commit if rc is 0, else roll back; always release.  Returns the final rc. */
static int tx_end(struct db_conn *c, int rc, struct err *e)
{
	if (rc == 0)
		rc = db_commit(c, e);
	else
		db_rollback(c);
	db_release(c);
	return rc;
}


void account_email_normalise(char *email)
{
	for (char *p = email; *p; p++)
		*p = (char)tolower((unsigned char)*p);
}

static int check_password(const char *pw, struct err *e)
{
	size_t n = jsonv_utf8_len(pw);  /* characters, as the API schema counts them */

	if (n < PASSWORD_MIN)
		return err_setn(e, ERR_INVALID, "weak_password",
				"password must have at least %d characters", PASSWORD_MIN);
	if (n > PASSWORD_MAX)
		return err_set(e, ERR_INVALID, "password must have at most %d characters",
			       PASSWORD_MAX);
	return 0;
}

/* ---- users ---- */

static int first_org(struct db_conn *c, int64_t *id, struct err *e);

int account_user_create(struct db *db, const struct actor *a, const struct new_user *nu,
			struct user *out, char one_time_password[24], struct err *e)
{
	struct db_conn *c;
	struct user u;
	char generated[24] = "";
	const char *pw = nu->password;
	struct org o;
	int rc;

	if (role_from_name(nu->role) == ROLE_NONE)
		return err_set(e, ERR_INVALID, "role \"%s\" is not one of reporter, analyst, "
			       "coordinator, admin, auditor", nu->role);
	if (strlen(nu->email) >= sizeof(u.email) || !jsonv_valid_email(nu->email))
		return err_set(e, ERR_INVALID, "\"%s\" is not an e-mail address", nu->email);
	if (pw != NULL && check_password(pw, e) < 0)
		return -1;
	if (pw == NULL) {
		crypto_password_generate(generated);
		pw = generated;
	}
	memset(&u, 0, sizeof(u));
	snprintf(u.email, sizeof(u.email), "%s", nu->email);
	account_email_normalise(u.email);
	snprintf(u.name, sizeof(u.name), "%s", nu->name ? nu->name : "");
	snprintf(u.role, sizeof(u.role), "%s", nu->role);
	u.must_change_password = nu->password == NULL;
	u.totp_required = nu->totp_required;
	u.created_at = u.updated_at = time_now_us();
	if (crypto_password_hash(pw, u.password_hash, e) < 0)
		return -1;
	if (tx_start(db, &c, e) < 0)
		return -1;
	u.org_id = nu->org_id;
	rc = u.org_id ? store_org_get(c, u.org_id, &o, e) : first_org(c, &u.org_id, e);
	if (rc < 0 && e->code == ERR_NOT_FOUND && nu->org_id != 0)
		err_setn(e, ERR_INVALID, "unknown_org", "organisation %lld does not exist",
			 (long long)nu->org_id);
	if (rc == 0)
		rc = store_user_insert(c, &u, e);
	if (rc == 0)
		rc = audit_record(c, a, "user.create", "user", u.id,
			   json_pack("{s:s, s:s}", "email", u.email, "role", u.role), e);
	if (tx_end(c, rc, e) < 0)
		return -1;
	if (out != NULL)
		*out = u;
	if (one_time_password != NULL)
		snprintf(one_time_password, 24, "%s", generated);
	return 0;
}

int account_user_get(struct db *db, int64_t id, struct user *out, struct err *e)
{
	struct db_conn *c;
	int rc;

	if (db_acquire(db, &c, ACQUIRE_MS, e) < 0)
		return -1;
	rc = store_user_get(c, id, out, e);
	db_release(c);
	return rc;
}

int account_user_by_email(struct db *db, const char *email, struct user *out, struct err *e)
{
	struct db_conn *c;
	char norm[256];
	int rc;

	snprintf(norm, sizeof(norm), "%s", email);
	account_email_normalise(norm);
	if (db_acquire(db, &c, ACQUIRE_MS, e) < 0)
		return -1;
	rc = store_user_by_email(c, norm, out, e);
	db_release(c);
	return rc;
}

int account_user_list(struct db *db, int64_t after_id, int limit,
		      int (*fn)(void *arg, const struct user *u), void *arg, struct err *e)
{
	struct db_conn *c;
	int rc;

	if (db_acquire(db, &c, ACQUIRE_MS, e) < 0)
		return -1;
	rc = store_user_list(c, after_id, limit, fn, arg, e);
	db_release(c);
	return rc;
}

int account_user_update(struct db *db, const struct actor *a, int64_t id,
			const struct user_patch *p, struct user *out, struct err *e)
{
	struct db_conn *c;
	struct user u;
	json_t *changes = json_object();
	int rc;

	if (p->role != NULL && role_from_name(p->role) == ROLE_NONE) {
		json_decref(changes);
		return err_set(e, ERR_INVALID, "role \"%s\" is not a role", p->role);
	}
	if (tx_start(db, &c, e) < 0) {
		json_decref(changes);
		return -1;
	}
	rc = store_user_get(c, id, &u, e);
	if (rc == 0) {
		if (p->name != NULL) {
			snprintf(u.name, sizeof(u.name), "%s", p->name);
			json_object_set_new(changes, "name", json_string(u.name));
		}
		if (p->role != NULL) {
			snprintf(u.role, sizeof(u.role), "%s", p->role);
			json_object_set_new(changes, "role", json_string(u.role));
		}
		if (p->disabled >= 0) {
			u.disabled = p->disabled;
			json_object_set_new(changes, "disabled", json_boolean(u.disabled));
		}
		if (p->totp_required >= 0) {
			u.totp_required = p->totp_required;
			json_object_set_new(changes, "totp_required", json_boolean(u.totp_required));
		}
		u.updated_at = time_now_us();
		rc = store_user_update(c, &u, e);
	}
	/* a disabled user is signed out everywhere at once */
	if (rc == 0 && p->disabled == 1) {
		rc = store_session_delete_user(c, id, e);
		if (rc == 0)
			rc = store_token_revoke_user(c, id, u.updated_at, e);
	}
	if (rc == 0) {
		rc = audit_record(c, a, "user.update", "user", id, changes, e);
		changes = NULL;
	}
	json_decref(changes);
	if (tx_end(c, rc, e) < 0)
		return -1;
	if (out != NULL)
		*out = u;
	return 0;
}

int account_password_set(struct db *db, const struct actor *a, int64_t id, const char *current,
			 const char *password, int must_change, struct err *e)
{
	struct db_conn *c;
	struct user u;
	char hash[CRYPTO_PWHASH_LEN];
	int rc;

	if (check_password(password, e) < 0)
		return -1;
	if (crypto_password_hash(password, hash, e) < 0)
		return -1;
	if (tx_start(db, &c, e) < 0)
		return -1;
	rc = store_user_get(c, id, &u, e);
	if (rc == 0 && current != NULL && crypto_password_verify(u.password_hash, current) < 0)
		rc = err_setn(e, ERR_FORBIDDEN, "wrong_password", "current password is wrong");
	if (rc == 0 && current != NULL && strcmp(current, password) == 0)
		rc = err_setn(e, ERR_INVALID, "weak_password",
			      "new password must differ from the current one");
	if (rc == 0) {
		memcpy(u.password_hash, hash, sizeof(u.password_hash));
		u.must_change_password = must_change;
		u.failed_logins = 0;
		u.locked_until = 0;
		u.updated_at = time_now_us();
		rc = store_user_update(c, &u, e);
	}
	/* an administrator's reset signs the user out; a user's own change keeps this session */
	if (rc == 0 && current == NULL)
		rc = store_session_delete_user(c, id, e);
	if (rc == 0)
		rc = audit_record(c, a, current ? "user.password_change" : "user.password_reset", "user",
			   id, NULL, e);
	return tx_end(c, rc, e);
}

/* ---- login ---- */

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[CRYPTO_PWHASH_LEN];

static void dummy_hash_make(void)
{
	char pw[24];

	crypto_password_generate(pw);
	crypto_password_hash(pw, dummy_hash, NULL);
}

static int64_t lockout_us(const struct account_policy *pol, int failures)
{
	int over = failures - (int)pol->lockout_threshold;
	int64_t s = pol->lockout_base;

	while (over-- > 0 && s < pol->lockout_max)
		s *= 2;
	if (s > pol->lockout_max)
		s = pol->lockout_max;
	return s * TIME_US_PER_S;
}

static const char *restriction(const struct user *u)
{
	if (u->must_change_password)
		return "password_change_required";
	if (u->totp_required && !u->totp_enabled)
		return "totp_enrollment_required";
	return NULL;
}

/* Record a failed attempt (in its own transaction, so it survives the error). */
static void login_failed(struct db *db, const struct account_policy *pol, struct user *u,
			 const char *request_id, const char *why)
{
	struct actor a = { u->id, u->email, request_id };
	struct db_conn *c;
	struct err ignored = ERR_INIT;
	int rc;

	if (tx_start(db, &c, &ignored) < 0)
		return;
	rc = store_user_get(c, u->id, u, &ignored);
	if (rc == 0) {
		u->failed_logins++;
		if (u->failed_logins >= pol->lockout_threshold)
			u->locked_until = time_now_us() + lockout_us(pol, u->failed_logins);
		rc = store_user_update(c, u, &ignored);
	}
	if (rc == 0)
		rc = audit_record(c, &a, "auth.login_failed", "user", u->id,
			   json_pack("{s:s, s:i}", "reason", why, "failures", u->failed_logins),
			   &ignored);
	tx_end(c, rc, &ignored);
}

static int login_checks(struct db *db, const struct account_policy *pol, struct user *u,
			const char *password, const char *totp_code, const char *request_id,
			int64_t *totp_step, int64_t *retry_after_s, struct err *e)
{
	int64_t now = time_now_us();

	if (u->locked_until > now) {
		*retry_after_s = (u->locked_until - now + TIME_US_PER_S - 1) / TIME_US_PER_S;
		return err_setn(e, ERR_RATE_LIMITED, "account_locked",
				"too many failed logins; try again in %lld s",
				(long long)*retry_after_s);
	}
	if (crypto_password_verify(u->password_hash, password) < 0) {
		login_failed(db, pol, u, request_id, "password");
		return err_setn(e, ERR_UNAUTHENTICATED, "invalid_credentials",
				"e-mail or password is wrong");
	}
	if (u->disabled)
		return err_setn(e, ERR_FORBIDDEN, "account_disabled", "account is disabled");
	if (!u->totp_enabled)
		return 0;
	if (totp_code == NULL || totp_code[0] == '\0')
		return err_setn(e, ERR_UNAUTHENTICATED, "totp_required",
				"a one-time code from the authenticator app is required");
	if (totp_check(u->totp_secret, totp_code, now / TIME_US_PER_S, totp_step) < 0 ||
	    *totp_step <= u->totp_last_step) {
		login_failed(db, pol, u, request_id, "totp");
		return err_setn(e, ERR_UNAUTHENTICATED, "invalid_totp",
				"one-time code is wrong or already used");
	}
	return 0;
}

int account_login(struct db *db, const struct account_policy *pol, const char *email,
		  const char *password, const char *totp_code, const char *request_id,
		  struct login_result *out, struct err *e)
{
	struct db_conn *c;
	struct user u;
	struct session s;
	char hash[CRYPTO_HASH_HEX_LEN];
	struct actor a;
	int64_t step = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (account_user_by_email(db, email, &u, e) < 0) {
		if (e->code != ERR_NOT_FOUND)
			return -1;
		/* spend the same time as a real check, so timing does not reveal accounts */
		pthread_once(&dummy_once, dummy_hash_make);
		crypto_password_verify(dummy_hash, password);
		return err_setn(e, ERR_UNAUTHENTICATED, "invalid_credentials",
				"e-mail or password is wrong");
	}
	if (login_checks(db, pol, &u, password, totp_code, request_id, &step, &out->retry_after_s,
			 e) < 0)
		return -1;

	memset(&s, 0, sizeof(s));
	crypto_token("vfs_", out->session_token);
	crypto_token("", s.csrf_token);
	crypto_sha256_hex(out->session_token, strlen(out->session_token), hash);
	s.user_id = u.id;
	s.created_at = time_now_us();
	s.expires_at = s.created_at + pol->session_ttl * TIME_US_PER_S;
	if (tx_start(db, &c, e) < 0)
		return -1;
	rc = store_user_get(c, u.id, &u, e);
	if (rc == 0) {
		u.failed_logins = 0;
		u.locked_until = 0;
		u.last_login_at = s.created_at;
		if (step > u.totp_last_step)
			u.totp_last_step = step;
		rc = store_user_update(c, &u, e);
	}
	/* logins are rare: a good moment to drop sessions that have expired */
	if (rc == 0)
		rc = store_session_purge(c, s.created_at, e);
	if (rc == 0)
		rc = store_session_insert(c, hash, &s, e);
	a = (struct actor){ u.id, u.email, request_id };
	if (rc == 0)
		rc = audit_record(c, &a, "auth.login", "session", s.id,
			   json_pack("{s:b}", "totp", u.totp_enabled), e);
	if (tx_end(c, rc, e) < 0)
		return -1;
	memcpy(out->csrf_token, s.csrf_token, sizeof(out->csrf_token));
	out->expires_at = s.expires_at;
	out->who.user = u;
	out->who.role = role_from_name(u.role);
	memcpy(out->who.csrf_token, s.csrf_token, sizeof(out->who.csrf_token));
	out->who.restricted = restriction(&u);
	return 0;
}

int account_logout(struct db *db, const struct actor *a, const char *session_token,
		   struct err *e)
{
	struct db_conn *c;
	char hash[CRYPTO_HASH_HEX_LEN];
	int rc;

	crypto_sha256_hex(session_token, strlen(session_token), hash);
	if (tx_start(db, &c, e) < 0)
		return -1;
	rc = store_session_delete(c, hash, e);
	if (rc == 0)
		rc = audit_record(c, a, "auth.logout", "user", a->user_id, NULL, e);
	return tx_end(c, rc, e);
}

static int unauthenticated(struct err *e)
{
	return err_setn(e, ERR_UNAUTHENTICATED, "unauthenticated",
			"credentials are missing, invalid or expired");
}

int account_auth_session(struct db *db, const char *token, struct principal *out, struct err *e)
{
	struct db_conn *c;
	struct session s;
	char hash[CRYPTO_HASH_HEX_LEN];
	int rc;

	memset(out, 0, sizeof(*out));
	crypto_sha256_hex(token, strlen(token), hash);
	if (db_acquire(db, &c, ACQUIRE_MS, e) < 0)
		return -1;
	rc = store_session_by_hash(c, hash, time_now_us(), &s, e);
	if (rc == 0)
		rc = store_user_get(c, s.user_id, &out->user, e);
	db_release(c);
	if (rc < 0)
		return e->code == ERR_NOT_FOUND ? unauthenticated(e) : -1;
	if (out->user.disabled)
		return unauthenticated(e);
	out->role = role_from_name(out->user.role);
	memcpy(out->csrf_token, s.csrf_token, sizeof(out->csrf_token));
	out->restricted = restriction(&out->user);
	return 0;
}

int account_auth_bearer(struct db *db, const char *token, struct principal *out, struct err *e)
{
	struct db_conn *c;
	struct api_token t;
	char hash[CRYPTO_HASH_HEX_LEN];
	int rc;

	memset(out, 0, sizeof(*out));
	crypto_sha256_hex(token, strlen(token), hash);
	if (db_acquire(db, &c, ACQUIRE_MS, e) < 0)
		return -1;
	rc = store_token_by_hash(c, hash, time_now_us(), &t, e);
	if (rc == 0)
		rc = store_user_get(c, t.user_id, &out->user, e);
	db_release(c);
	if (rc < 0)
		return e->code == ERR_NOT_FOUND ? unauthenticated(e) : -1;
	out->role = role_from_name(t.role);
	/* a token never grants more than its owner has now */
	if (out->user.disabled || !role_covers(role_from_name(out->user.role), out->role))
		return unauthenticated(e);
	out->via_token = 1;
	out->token_id = t.id;
	return 0;
}

/* ---- TOTP ---- */

int account_totp_begin(struct db *db, const struct actor *a, int64_t user_id,
		       char secret_base32[40], char uri[512], struct err *e)
{
	struct db_conn *c;
	struct user u;
	char hex[TOTP_SECRET_HEX_LEN];
	int rc;

	if (totp_new_secret(hex, secret_base32, e) < 0)
		return -1;
	if (tx_start(db, &c, e) < 0)
		return -1;
	rc = store_user_get(c, user_id, &u, e);
	if (rc == 0 && u.totp_enabled)
		rc = err_setn(e, ERR_CONFLICT, "totp_enabled", "two-factor login is already on");
	if (rc == 0) {
		snprintf(u.totp_secret, sizeof(u.totp_secret), "%s", hex);
		u.updated_at = time_now_us();
		rc = store_user_update(c, &u, e);
	}
	if (rc == 0)
		rc = audit_record(c, a, "user.totp_begin", "user", user_id, NULL, e);
	if (tx_end(c, rc, e) < 0)
		return -1;
	snprintf(uri, 512, "otpauth://totp/vulnflow:%s?secret=%s&issuer=vulnflow&digits=6&period=30",
		 u.email, secret_base32);
	return 0;
}

int account_totp_confirm(struct db *db, const struct actor *a, int64_t user_id,
			 const char *code, struct err *e)
{
	struct db_conn *c;
	struct user u;
	int64_t step;
	int rc;

	if (tx_start(db, &c, e) < 0)
		return -1;
	rc = store_user_get(c, user_id, &u, e);
	if (rc == 0 && u.totp_enabled)
		rc = err_setn(e, ERR_CONFLICT, "totp_enabled", "two-factor login is already on");
	if (rc == 0 && u.totp_secret[0] == '\0')
		rc = err_setn(e, ERR_CONFLICT, "totp_not_started",
			      "start enrollment with POST /api/v1/auth/totp/setup first");
	if (rc == 0 && totp_check(u.totp_secret, code, time_now_us() / TIME_US_PER_S, &step) < 0)
		rc = err_setn(e, ERR_INVALID, "invalid_totp", "one-time code is wrong");
	if (rc == 0) {
		u.totp_enabled = 1;
		u.totp_last_step = step;
		u.updated_at = time_now_us();
		rc = store_user_update(c, &u, e);
	}
	if (rc == 0)
		rc = audit_record(c, a, "user.totp_enable", "user", user_id, NULL, e);
	return tx_end(c, rc, e);
}

int account_totp_disable(struct db *db, const struct actor *a, int64_t user_id,
			 const char *code, struct err *e)
{
	struct db_conn *c;
	struct user u;
	int64_t step;
	int rc;

	if (tx_start(db, &c, e) < 0)
		return -1;
	rc = store_user_get(c, user_id, &u, e);
	if (rc == 0 && code != NULL &&
	    (!u.totp_enabled ||
	     totp_check(u.totp_secret, code, time_now_us() / TIME_US_PER_S, &step) < 0))
		rc = err_setn(e, ERR_INVALID, "invalid_totp", "one-time code is wrong");
	if (rc == 0) {
		u.totp_enabled = 0;
		u.totp_secret[0] = '\0';
		u.totp_last_step = 0;
		u.updated_at = time_now_us();
		rc = store_user_update(c, &u, e);
	}
	if (rc == 0)
		rc = audit_record(c, a, "user.totp_disable", "user", user_id, NULL, e);
	return tx_end(c, rc, e);
}

/* ---- API tokens ---- */

int account_token_create(struct db *db, const struct actor *a, int64_t user_id,
			 const char *name, const char *role, int64_t expires_at,
			 char token_out[CRYPTO_TOKEN_LEN], struct api_token *out, struct err *e)
{
	struct db_conn *c;
	struct user u;
	struct api_token t;
	char hash[CRYPTO_HASH_HEX_LEN];
	int rc;

	memset(&t, 0, sizeof(t));
	if (role != NULL && role_from_name(role) == ROLE_NONE)
		return err_set(e, ERR_INVALID, "role \"%s\" is not a role", role);
	if (expires_at != 0 && expires_at <= time_now_us())
		return err_set(e, ERR_INVALID, "expiry is in the past");
	crypto_token("vft_", token_out);
	crypto_sha256_hex(token_out, strlen(token_out), hash);
	if (tx_start(db, &c, e) < 0)
		return -1;
	rc = store_user_get(c, user_id, &u, e);
	if (rc == 0 && u.disabled)
		rc = err_setn(e, ERR_CONFLICT, "account_disabled", "user \"%s\" is disabled", u.email);
	if (rc == 0 && role != NULL && !role_covers(role_from_name(u.role), role_from_name(role)))
		rc = err_setn(e, ERR_FORBIDDEN, "role_exceeds_owner",
			      "a token cannot have role \"%s\": user \"%s\" is \"%s\"", role,
			      u.email, u.role);
	if (rc == 0) {
		t.user_id = user_id;
		snprintf(t.name, sizeof(t.name), "%s", name ? name : "");
		snprintf(t.role, sizeof(t.role), "%s", role ? role : u.role);
		t.created_at = time_now_us();
		t.expires_at = expires_at;
		rc = store_token_insert(c, hash, &t, e);
	}
	if (rc == 0)
		rc = audit_record(c, a, "token.create", "token", t.id,
			   json_pack("{s:I, s:s}", "user_id", (json_int_t)user_id, "role", t.role), e);
	if (tx_end(c, rc, e) < 0) {
		memset(token_out, 0, CRYPTO_TOKEN_LEN);
		return -1;
	}
	if (out != NULL)
		*out = t;
	return 0;
}

int account_token_list(struct db *db, int64_t user_id,
		       int (*fn)(void *arg, const struct api_token *t), void *arg, struct err *e)
{
	struct db_conn *c;
	int rc;

	if (db_acquire(db, &c, ACQUIRE_MS, e) < 0)
		return -1;
	rc = store_token_list(c, user_id, fn, arg, e);
	db_release(c);
	return rc;
}

int account_token_revoke(struct db *db, const struct actor *a, int64_t id, int64_t owner,
			 struct err *e)
{
	struct db_conn *c;
	struct api_token t;
	int rc;

	if (tx_start(db, &c, e) < 0)
		return -1;
	rc = store_token_get(c, id, &t, e);
	if (rc == 0 && owner != 0 && t.user_id != owner)
		rc = err_set(e, ERR_NOT_FOUND, "token %lld not found", (long long)id);
	if (rc == 0 && t.revoked_at != 0)
		rc = err_setn(e, ERR_CONFLICT, "already_revoked", "token %lld is already revoked",
			      (long long)id);
	if (rc == 0)
		rc = store_token_revoke(c, id, time_now_us(), e);
	if (rc == 0)
		rc = audit_record(c, a, "token.revoke", "token", id, NULL, e);
	return tx_end(c, rc, e);
}

/* ---- organisations and audit ---- */

static int take_first(void *arg, const struct org *o)
{
	*(int64_t *)arg = o->id;
	return -1;
}

static int first_org(struct db_conn *c, int64_t *id, struct err *e)
{
	*id = 0;
	if (store_org_list(c, 0, 1, take_first, id, e) < 0)
		return -1;
	if (*id == 0)
		return err_set(e, ERR_NOT_FOUND, "no organisation exists");
	return 0;
}

int account_org_create(struct db *db, const struct actor *a, const char *name,
		       const char *jurisdiction, struct org *out, struct err *e)
{
	struct db_conn *c;
	struct org o;
	int rc;

	memset(&o, 0, sizeof(o));
	if (strlen(jurisdiction) != 2 || !isupper((unsigned char)jurisdiction[0]) ||
	    !isupper((unsigned char)jurisdiction[1]))
		return err_set(e, ERR_INVALID,
			       "jurisdiction \"%s\" is not an ISO 3166-1 alpha-2 code", jurisdiction);
	snprintf(o.name, sizeof(o.name), "%s", name);
	snprintf(o.jurisdiction, sizeof(o.jurisdiction), "%s", jurisdiction);
	o.created_at = time_now_us();
	if (tx_start(db, &c, e) < 0)
		return -1;
	rc = store_org_insert(c, &o, e);
	if (rc == 0)
		rc = audit_record(c, a, "org.create", "org", o.id,
			   json_pack("{s:s, s:s}", "name", o.name, "jurisdiction", o.jurisdiction), e);
	if (tx_end(c, rc, e) < 0)
		return -1;
	if (out != NULL)
		*out = o;
	return 0;
}

int account_org_list(struct db *db, int64_t after_id, int limit,
		     int (*fn)(void *arg, const struct org *o), void *arg, struct err *e)
{
	struct db_conn *c;
	int rc;

	if (db_acquire(db, &c, ACQUIRE_MS, e) < 0)
		return -1;
	rc = store_org_list(c, after_id, limit, fn, arg, e);
	db_release(c);
	return rc;
}

int account_audit_list(struct db *db, const struct audit_filter *f,
		       int (*fn)(void *arg, const struct audit_event *ev), void *arg,
		       struct err *e)
{
	struct db_conn *c;
	int rc;

	if (db_acquire(db, &c, ACQUIRE_MS, e) < 0)
		return -1;
	rc = store_audit_list(c, f, fn, arg, e);
	db_release(c);
	return rc;
}
