/* test_webhook.c - webhook signing (against HMAC-SHA-256 values from Python's hmac module),
 * delivery ids, URL and secret_ref checks, secret resolution, and a failed delivery.
 * Deliveries to a real receiver that verifies the signature are in tests/cases/more.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/crypto.h"
#include "service/webhook.h"

/* Expected values: hmac.new(key, f"{ts}.".encode() + body, hashlib.sha256).hexdigest() */
static void test_sign_vectors(void **state)
{
	char sig[WEBHOOK_SIG_LEN];
	const char *body = "{\"a\":1}";

	(void)state;
	webhook_sign("whsec-test", 10, 1764100000, body, strlen(body), sig);
	assert_string_equal(sig, "sha256=b96e0f78458114db05e0d18299a4ffd47d01629cd8fd3cb9ae6a59a5cd"
				 "0179b5");
	webhook_sign("Jefe", 4, 0, "what do ya want for nothing?", 28, sig);
	assert_string_equal(sig, "sha256=37f471929915ccd2cbbe79feb84ffcff4f2bb25e15fc41c2506687331a"
				 "e179cc");
	/* any change of timestamp, body or key changes it */
	webhook_sign("Jefe", 4, 1, "what do ya want for nothing?", 28, sig);
	assert_string_not_equal(sig, "sha256=37f471929915ccd2cbbe79feb84ffcff4f2bb25e15fc41c25066873"
				     "31ae179cc");
}

static void test_uuid(void **state)
{
	char a[WEBHOOK_UUID_LEN], b[WEBHOOK_UUID_LEN];

	(void)state;
	webhook_uuid(a);
	webhook_uuid(b);
	assert_int_equal(strlen(a), 36);
	assert_string_not_equal(a, b);
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			assert_int_equal(a[i], '-');
		else
			assert_non_null(strchr("0123456789abcdef", a[i]));
	}
	assert_int_equal(a[14], '4');                    /* version 4 */
	assert_non_null(strchr("89ab", a[19]));          /* RFC 9562 variant */
}

static void test_url_check(void **state)
{
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(webhook_url_check("http://127.0.0.1:9/hook", &e), 0);
	assert_int_equal(webhook_url_check("https://hooks.example.cn/x?y=1", &e), 0);
	assert_int_equal(webhook_url_check("ftp://example.cn/", &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_int_equal(webhook_url_check("file:///etc/passwd", &e), -1);
	assert_int_equal(webhook_url_check("http://", &e), -1);
	assert_int_equal(webhook_url_check("http:///path", &e), -1);
	assert_int_equal(webhook_url_check("http://a b/", &e), -1);
	assert_int_equal(webhook_url_check("http://a\r\nX: y", &e), -1);
	assert_int_equal(webhook_url_check("", &e), -1);
	assert_int_equal(webhook_url_check(NULL, &e), -1);
}

static void test_secret_ref_check(void **state)
{
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(webhook_secret_ref_check("env:VULNFLOW_WEBHOOK_SUPPLIER_A", &e), 0);
	assert_int_equal(webhook_secret_ref_check("file:supplier-a.key", &e), 0);
	assert_int_equal(webhook_secret_ref_check("env:VULNFLOW_SMTP_PASSWORD", &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_int_equal(webhook_secret_ref_check("env:HOME", &e), -1);
	assert_int_equal(webhook_secret_ref_check("env:VULNFLOW_WEBHOOK_A-B", &e), -1);
	assert_int_equal(webhook_secret_ref_check("file:../vulnflow.conf", &e), -1);
	assert_int_equal(webhook_secret_ref_check("file:/etc/shadow", &e), -1);
	assert_int_equal(webhook_secret_ref_check("file:a/b", &e), -1);
	assert_int_equal(webhook_secret_ref_check("file:.hidden", &e), -1);
	assert_int_equal(webhook_secret_ref_check("file:", &e), -1);
	assert_int_equal(webhook_secret_ref_check("s3cr3t", &e), -1);
	assert_int_equal(webhook_secret_ref_check("", &e), -1);
}

static void test_secret_resolve(void **state)
{
	char dir[] = "/tmp/vf-webhook-XXXXXX", path[256], *s;
	struct err e = ERR_INIT;
	size_t n;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/secrets", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/secrets/k1", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("from-a-file\n", f);
	fclose(f);
	assert_int_equal(webhook_secret_resolve(&s, &n, dir, "file:k1", &e), 0);
	assert_int_equal(n, 11);
	assert_string_equal(s, "from-a-file");
	free(s);
	assert_int_equal(webhook_secret_resolve(&s, &n, dir, "file:absent", &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_null(s);
	setenv("VULNFLOW_WEBHOOK_UNIT", "from-env", 1);
	assert_int_equal(webhook_secret_resolve(&s, &n, dir, "env:VULNFLOW_WEBHOOK_UNIT", &e), 0);
	assert_int_equal(n, 8);
	assert_string_equal(s, "from-env");
	free(s);
	unsetenv("VULNFLOW_WEBHOOK_UNIT");
	assert_int_equal(webhook_secret_resolve(&s, &n, dir, "env:VULNFLOW_WEBHOOK_UNIT", &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_int_equal(webhook_secret_resolve(&s, &n, dir, "file:../x", &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	unlink(path);
	snprintf(path, sizeof(path), "%s/secrets", dir);
	rmdir(path);
	rmdir(dir);
}

/* Nothing listens on a port just closed: the attempt is made and fails. */
static void test_deliver_unreachable(void **state)
{
	struct webhook_result r;
	struct err e = ERR_INIT;

	(void)state;
	setenv("VULNFLOW_WEBHOOK_UNIT", "k", 1);
	assert_int_equal(webhook_deliver(&r, "/nonexistent", "http://127.0.0.1:1/hook",
					 "env:VULNFLOW_WEBHOOK_UNIT", "{}", 2, 5, 1, &e), 0);
	assert_int_equal(r.delivered, 0);
	assert_int_equal(r.http_status, 0);
	assert_int_equal(strlen(r.delivery_id), 36);
	assert_true(r.error[0] != '\0');
	assert_true(r.timestamp > 1700000000);
	/* a bad ref sends nothing */
	assert_int_equal(webhook_deliver(&r, "/nonexistent", "http://127.0.0.1:1/hook",
					 "env:PATH", "{}", 2, 5, 1, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_int_equal(r.delivery_id[0], '\0');
	unsetenv("VULNFLOW_WEBHOOK_UNIT");
}

/* webhook_addr_public() on one textual address (IPv4 or IPv6). */
static int public_addr(const char *text)
{
	struct sockaddr_in v4 = { .sin_family = AF_INET };
	struct sockaddr_in6 v6 = { .sin6_family = AF_INET6 };

	if (inet_pton(AF_INET, text, &v4.sin_addr) == 1)
		return webhook_addr_public((const struct sockaddr *)&v4);
	assert_int_equal(inet_pton(AF_INET6, text, &v6.sin6_addr), 1);
	return webhook_addr_public((const struct sockaddr *)&v6);
}

static void test_addr_public(void **state)
{
	static const char *const inside[] = {
		"127.0.0.1", "127.255.255.254", "10.1.2.3", "172.16.0.1", "172.31.255.255",
		"192.168.1.1", "169.254.169.254", "100.64.0.1", "100.127.255.255", "0.0.0.0",
		"192.0.0.8", "198.18.0.1", "198.19.255.255", "224.0.0.1", "255.255.255.255",
		"::", "::1", "fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "ff02::1",
		"::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",
	};
	static const char *const outside[] = {
		"8.8.8.8", "1.1.1.1", "114.114.114.114", "172.15.255.255", "172.32.0.1",
		"100.63.255.255", "100.128.0.1", "192.169.0.1", "198.20.0.1", "223.255.255.255",
		"2001:4860:4860::8888", "240e::1", "fec0::1", "::ffff:8.8.8.8",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(inside) / sizeof(inside[0]); i++)
		if (public_addr(inside[i]))
			fail_msg("%s counted as public", inside[i]);
	for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++)
		if (!public_addr(outside[i]))
			fail_msg("%s counted as inside", outside[i]);
}

/* Without webhook_allow_private, a loopback receiver is refused before any
 * connection, and the evidence says why. */
static void test_deliver_refuses_inside(void **state)
{
	struct webhook_result r;
	struct err e = ERR_INIT;

	(void)state;
	setenv("VULNFLOW_WEBHOOK_UNIT", "k", 1);
	assert_int_equal(webhook_deliver(&r, "/nonexistent", "http://127.0.0.1:1/hook",
					 "env:VULNFLOW_WEBHOOK_UNIT", "{}", 2, 5, 0, &e), 0);
	assert_int_equal(r.delivered, 0);
	assert_int_equal(r.http_status, 0);
	assert_string_equal(r.error, "refused: 127.0.0.1 is not a public address "
				     "(config webhook_allow_private)");
	assert_int_equal(webhook_deliver(&r, "/nonexistent", "http://[::1]:1/hook",
					 "env:VULNFLOW_WEBHOOK_UNIT", "{}", 2, 5, 0, &e), 0);
	assert_string_equal(r.error, "refused: ::1 is not a public address "
				     "(config webhook_allow_private)");
	unsetenv("VULNFLOW_WEBHOOK_UNIT");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign_vectors),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_url_check),
		cmocka_unit_test(test_secret_ref_check),
		cmocka_unit_test(test_secret_resolve),
		cmocka_unit_test(test_deliver_unreachable),
		cmocka_unit_test(test_addr_public),
		cmocka_unit_test(test_deliver_refuses_inside),
	};
	struct err e = ERR_INIT;

	if (crypto_init(&e) < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
