/* test_account.c - accounts, logins, lockout, tokens, TOTP and their audit trail.
 *
 * On SQLite in a fresh directory, or on PostgreSQL when VULNFLOW_TEST_DB names an
 * empty database (the suite then runs against its migrated schema).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/timefmt.h"
#include "base/totp.h"
#include "service/instance.h"

static struct instance *in;
static char dir[64];
static const struct actor cli = { 0, "cli", "test-request" };
static int serial;

static int setup(void **state)
{
	struct init_options o = { 0 };
	struct init_result res;
	struct config cfg;
	struct err e = ERR_INIT;
	const char *env = getenv("VULNFLOW_TEST_DB");

	(void)state;
	snprintf(dir, sizeof(dir), "/var/tmp/vf-test-account-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	rmdir(dir); /* init creates it */
	o.dir = dir;
	o.db_url = env && env[0] ? env : NULL;
	o.admin_email = "Root@Example.CN";
	if (instance_init(&o, &res, &e) < 0 || instance_config(&cfg, dir, &e) < 0) {
		fprintf(stderr, "init: %s\n", e.msg);
		return -1;
	}
	cfg.lockout_threshold = 3;
	cfg.lockout_base = 1;
	cfg.lockout_max = 2;
	if (instance_open(&in, &cfg, 1, &e) < 0)
		return -1;
	return strcmp(res.admin_email, "root@example.cn") == 0 && strlen(res.admin_password) == 20
		       ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	instance_close(in);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int count_event(void *arg, const struct audit_event *ev)
{
	(void)ev;
	(*(int *)arg)++;
	return 0;
}

static int events(const char *action)
{
	struct audit_filter f = { .action = action, .limit = 100000 };
	struct err e = ERR_INIT;
	int n = 0;

	if (account_audit_list(in->db, &f, count_event, &n, &e) < 0)
		fail_msg("audit list: %s", e.msg);
	return n;
}

static struct user make_user(const char *role, const char *password)
{
	struct new_user nu = { .role = role, .password = password };
	char email[64], otp[24];
	struct user u;
	struct err e = ERR_INIT;

	snprintf(email, sizeof(email), "user%d@example.cn", ++serial);
	nu.email = email;
	if (account_user_create(in->db, &cli, &nu, &u, otp, &e) < 0)
		fail_msg("create: %s", e.msg);
	return u;
}

static void test_create_and_audit(void **state)
{
	struct new_user nu = { .email = "USER0@example.cn", .role = "analyst" };
	char otp[24];
	struct user u, again;
	struct err e = ERR_INIT;
	int before = events("user.create");

	(void)state;
	assert_int_equal(account_user_create(in->db, &cli, &nu, &u, otp, &e), 0);
	assert_string_equal(u.email, "user0@example.cn");
	assert_int_equal(strlen(otp), 20);
	assert_int_equal(u.must_change_password, 1);
	assert_int_equal(events("user.create"), before + 1);
	/* the same address in other case is the same account: refused, and not audited */
	nu.email = "user0@EXAMPLE.cn";
	assert_int_equal(account_user_create(in->db, &cli, &nu, &again, otp, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(err_name(&e), "email_taken");
	assert_int_equal(events("user.create"), before + 1);
	nu.email = "x@example.cn";
	nu.role = "superuser";
	assert_int_equal(account_user_create(in->db, &cli, &nu, &again, otp, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	nu.role = "analyst";
	nu.password = "short";
	assert_int_equal(account_user_create(in->db, &cli, &nu, &again, otp, &e), -1);
	assert_string_equal(err_name(&e), "weak_password");
	nu.password = NULL;
	nu.org_id = 99999;
	assert_int_equal(account_user_create(in->db, &cli, &nu, &again, otp, &e), -1);
	assert_string_equal(err_name(&e), "unknown_org");
}

static void test_login_and_lockout(void **state)
{
	struct user u = make_user("analyst", "correct horse battery");
	struct login_result lr;
	struct principal p;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(account_login(in->db, &in->policy, u.email, "correct horse battery", NULL,
				       "r1", &lr, &e), 0);
	assert_null(lr.who.restricted);
	assert_int_equal(strncmp(lr.session_token, "vfs_", 4), 0);
	assert_int_equal(account_auth_session(in->db, lr.session_token, &p, &e), 0);
	assert_int_equal(p.user.id, u.id);
	assert_int_equal(p.role, ROLE_ANALYST);
	assert_string_equal(p.csrf_token, lr.csrf_token);
	assert_int_equal(account_auth_session(in->db, "vfs_forged", &p, &e), -1);
	assert_int_equal(e.code, ERR_UNAUTHENTICATED);

	for (int i = 0; i < 3; i++) {
		assert_int_equal(account_login(in->db, &in->policy, u.email, "wrong", NULL, "r", &lr,
					       &e), -1);
		assert_string_equal(err_name(&e), "invalid_credentials");
	}
	/* locked: even the right password is refused, with the lockout named */
	assert_int_equal(account_login(in->db, &in->policy, u.email, "correct horse battery",
				       NULL, "r", &lr, &e), -1);
	assert_int_equal(e.code, ERR_RATE_LIMITED);
	assert_string_equal(err_name(&e), "account_locked");
	assert_true(events("auth.login_failed") >= 3);
	usleep(1200000);
	assert_int_equal(account_login(in->db, &in->policy, u.email, "correct horse battery",
				       NULL, "r", &lr, &e), 0);
	/* unknown users fail the same way as wrong passwords */
	assert_int_equal(account_login(in->db, &in->policy, "nobody@example.cn", "x", NULL, "r",
				       &lr, &e), -1);
	assert_string_equal(err_name(&e), "invalid_credentials");
	/* logout ends the session */
	{
		struct actor a = { u.id, u.email, "r" };
		assert_int_equal(account_logout(in->db, &a, lr.session_token, &e), 0);
		assert_int_equal(account_auth_session(in->db, lr.session_token, &p, &e), -1);
	}
}

static void test_tokens(void **state)
{
	struct user admin = make_user("admin", "correct horse battery");
	struct user rep = make_user("reporter", "correct horse battery");
	char tok[CRYPTO_TOKEN_LEN];
	struct api_token t;
	struct principal p;
	struct user_patch demote = { .role = "analyst", .disabled = -1, .totp_required = -1 };
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(account_token_create(in->db, &cli, rep.id, "ci", "admin", 0, tok, &t, &e), -1);
	assert_string_equal(err_name(&e), "role_exceeds_owner");
	assert_int_equal(account_token_create(in->db, &cli, admin.id, "audit", "auditor", 0, tok,
					      &t, &e), 0);
	assert_int_equal(strncmp(tok, "vft_", 4), 0);
	assert_int_equal(account_auth_bearer(in->db, tok, &p, &e), 0);
	assert_int_equal(p.role, ROLE_AUDITOR);
	assert_int_equal(p.via_token, 1);
	/* the owner loses the admin role: an auditor token is no longer covered by analyst */
	assert_int_equal(account_user_update(in->db, &cli, admin.id, &demote, NULL, &e), 0);
	assert_int_equal(account_auth_bearer(in->db, tok, &p, &e), -1);
	assert_int_equal(e.code, ERR_UNAUTHENTICATED);
	/* revoked tokens and expired ones stop working */
	assert_int_equal(account_token_create(in->db, &cli, rep.id, "r", NULL, 0, tok, &t, &e), 0);
	assert_int_equal(account_auth_bearer(in->db, tok, &p, &e), 0);
	assert_int_equal(account_token_revoke(in->db, &cli, t.id, 0, &e), 0);
	assert_int_equal(account_auth_bearer(in->db, tok, &p, &e), -1);
	assert_int_equal(account_token_revoke(in->db, &cli, t.id, 0, &e), -1);
	assert_string_equal(err_name(&e), "already_revoked");
	assert_int_equal(account_token_create(in->db, &cli, rep.id, "r", NULL,
					      time_now_us() + 300000, tok, &t, &e), 0);
	assert_int_equal(account_auth_bearer(in->db, tok, &p, &e), 0);
	usleep(400000);
	assert_int_equal(account_auth_bearer(in->db, tok, &p, &e), -1);
	assert_int_equal(account_token_create(in->db, &cli, rep.id, "r", NULL, 1, tok, &t, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_true(events("token.create") >= 3);
	assert_true(events("token.revoke") >= 1);
}

static void test_totp(void **state)
{
	struct user u = make_user("coordinator", "correct horse battery");
	char secret[40], uri[512], code[8];
	struct login_result lr;
	struct user now_u;
	struct err e = ERR_INIT;
	int64_t now;

	(void)state;
	assert_int_equal(account_totp_begin(in->db, &cli, u.id, secret, uri, &e), 0);
	assert_non_null(strstr(uri, secret));
	assert_int_equal(account_user_get(in->db, u.id, &now_u, &e), 0);
	assert_int_equal(now_u.totp_enabled, 0);
	now = time_now_us() / TIME_US_PER_S;
	assert_int_equal(totp_code(now_u.totp_secret, now, code), 0);
	if (strcmp(code, "000000") != 0) {
		assert_int_equal(account_totp_confirm(in->db, &cli, u.id, "000000", &e), -1);
		assert_string_equal(err_name(&e), "invalid_totp");
	}
	assert_int_equal(account_totp_confirm(in->db, &cli, u.id, code, &e), 0);
	/* login now needs a fresh code; the enrollment code cannot be replayed */
	assert_int_equal(account_login(in->db, &in->policy, u.email, "correct horse battery", NULL,
				       "r", &lr, &e), -1);
	assert_string_equal(err_name(&e), "totp_required");
	assert_int_equal(account_login(in->db, &in->policy, u.email, "correct horse battery", code,
				       "r", &lr, &e), -1);
	assert_string_equal(err_name(&e), "invalid_totp");
	assert_int_equal(totp_code(now_u.totp_secret, now + 30, code), 0);
	assert_int_equal(account_login(in->db, &in->policy, u.email, "correct horse battery", code,
				       "r", &lr, &e), 0);
	assert_int_equal(account_login(in->db, &in->policy, u.email, "correct horse battery", code,
				       "r", &lr, &e), -1);
	assert_string_equal(err_name(&e), "invalid_totp");
	/* an administrator's reset turns it off */
	assert_int_equal(account_totp_disable(in->db, &cli, u.id, NULL, &e), 0);
	assert_int_equal(account_login(in->db, &in->policy, u.email, "correct horse battery", NULL,
				       "r", &lr, &e), 0);
}

static void test_restrictions(void **state)
{
	struct new_user nu = { .email = "fresh@example.cn", .role = "analyst" };
	struct user_patch require = { .disabled = -1, .totp_required = 1 };
	char otp[24];
	struct user u;
	struct login_result lr;
	struct actor self;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(account_user_create(in->db, &cli, &nu, &u, otp, &e), 0);
	assert_int_equal(account_login(in->db, &in->policy, nu.email, otp, NULL, "r", &lr, &e), 0);
	assert_string_equal(lr.who.restricted, "password_change_required");
	self = (struct actor){ u.id, u.email, "r" };
	assert_int_equal(account_password_set(in->db, &self, u.id, "not it", "a new long password",
					      0, &e), -1);
	assert_string_equal(err_name(&e), "wrong_password");
	assert_int_equal(account_password_set(in->db, &self, u.id, otp, "a new long password", 0,
					      &e), 0);
	assert_int_equal(account_user_update(in->db, &cli, u.id, &require, NULL, &e), 0);
	assert_int_equal(account_login(in->db, &in->policy, nu.email, "a new long password", NULL,
				       "r", &lr, &e), 0);
	assert_string_equal(lr.who.restricted, "totp_enrollment_required");
	/* disabling ends sessions */
	{
		struct user_patch off = { .disabled = 1, .totp_required = -1 };
		struct principal p;
		assert_int_equal(account_user_update(in->db, &cli, u.id, &off, NULL, &e), 0);
		assert_int_equal(account_auth_session(in->db, lr.session_token, &p, &e), -1);
		assert_int_equal(account_login(in->db, &in->policy, nu.email, "a new long password",
					       NULL, "r", &lr, &e), -1);
		assert_string_equal(err_name(&e), "account_disabled");
	}
}

static void test_orgs(void **state)
{
	struct org o;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(account_org_create(in->db, &cli, "合作厂商", "DE", &o, &e), 0);
	assert_string_equal(o.jurisdiction, "DE");
	assert_int_equal(account_org_create(in->db, &cli, "合作厂商", "DE", &o, &e), -1);
	assert_string_equal(err_name(&e), "org_exists");
	assert_int_equal(account_org_create(in->db, &cli, "x", "de", &o, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_and_audit),
		cmocka_unit_test(test_login_and_lockout),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_totp),
		cmocka_unit_test(test_restrictions),
		cmocka_unit_test(test_orgs),
	};
	return cmocka_run_group_tests_name("account", tests, setup, teardown);
}
