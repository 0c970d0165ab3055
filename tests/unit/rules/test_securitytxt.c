/* test_securitytxt.c - security.txt (RFC 9116) rendering and configuration checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/timefmt.h"
#include "rules/securitytxt.h"

static void test_render(void **state)
{
	struct securitytxt st = { .contacts = "mailto:psirt@vendor.example , "
						  "https://vendor.example/report",
				  .policy = "https://vendor.example/policy", .languages = "zh, en",
				  .public_url = "https://vendor.example/" };
	struct buf b;
	struct err e = ERR_INIT;
	int64_t now;

	(void)state;
	/* 2026-11-25T17:00:00Z */
	assert_int_equal(time_parse_rfc3339("2026-11-25T17:00:00Z", &now), 0);
	buf_init(&b, 4096);
	assert_int_equal(securitytxt_render(&st, now, &b, &e), 0);
	assert_string_equal(b.data,
			    "Contact: mailto:psirt@vendor.example\n"
			    "Contact: https://vendor.example/report\n"
			    "Expires: 2027-11-24T00:00:00Z\n"
			    "Preferred-Languages: zh, en\n"
			    "Canonical: https://vendor.example/.well-known/security.txt\n"
			    "Policy: https://vendor.example/policy\n");
	/* with an OpenPGP key: its URL under public_url, else its fingerprint */
	st.pgp_fpr = "5F2DE5521C63A801AB59CCB603D49DE44B29100F";
	b.len = 0;
	assert_int_equal(securitytxt_render(&st, now, &b, &e), 0);
	assert_non_null(strstr(b.data, "\nEncryption: https://vendor.example/.well-known/pgp-key.txt\n"));
	st.public_url = "";
	b.len = 0;
	assert_int_equal(securitytxt_render(&st, now, &b, &e), 0);
	assert_non_null(strstr(b.data,
			       "\nEncryption: openpgp4fpr:5F2DE5521C63A801AB59CCB603D49DE44B29100F\n"));
	assert_null(strstr(b.data, "Canonical"));
	/* the web form and the CSAF feed need public_url */
	st.web_form = 1;
	st.csaf_feed = 1;
	b.len = 0;
	assert_int_equal(securitytxt_render(&st, now, &b, &e), 0);
	assert_null(strstr(b.data, "CSAF:"));
	assert_int_equal(strstr(b.data, "Contact: ") - b.data, 0);
	assert_null(strstr(b.data + 1, "Contact: https://vendor.example/report\nContact"));
	st.public_url = "https://vendor.example/";
	st.contacts = "mailto:psirt@vendor.example";
	b.len = 0;
	assert_int_equal(securitytxt_render(&st, now, &b, &e), 0);
	assert_string_equal(b.data,
			    "Contact: mailto:psirt@vendor.example\n"
			    "Contact: https://vendor.example/report\n"
			    "Expires: 2027-11-24T00:00:00Z\n"
			    "Preferred-Languages: zh, en\n"
			    "Canonical: https://vendor.example/.well-known/security.txt\n"
			    "Policy: https://vendor.example/policy\n"
			    "Encryption: https://vendor.example/.well-known/pgp-key.txt\n"
			    "CSAF: https://vendor.example/.well-known/csaf/provider-metadata.json\n");
	/* a form already listed in the configuration is not listed twice */
	st.contacts = "https://vendor.example/report";
	b.len = 0;
	assert_int_equal(securitytxt_render(&st, now, &b, &e), 0);
	assert_int_equal(strstr(b.data, "Expires") - b.data,
			 strlen("Contact: https://vendor.example/report\n"));
	buf_release(&b);
}

static void test_expires_under_a_year(void **state)
{
	struct securitytxt st = { .contacts = "tel:+86-10-0000", .policy = "", .languages = "",
				  .public_url = "" };
	struct buf b;
	struct err e = ERR_INIT;
	int64_t now, exp;
	const char *p;
	char when[32];

	(void)state;
	/* the last second of a day is the worst case */
	assert_int_equal(time_parse_rfc3339("2028-02-28T23:59:59Z", &now), 0);
	buf_init(&b, 4096);
	assert_int_equal(securitytxt_render(&st, now, &b, &e), 0);
	p = strstr(b.data, "Expires: ");
	assert_non_null(p);
	memcpy(when, p + 9, 20);
	when[20] = '\0';
	assert_int_equal(time_parse_rfc3339(when, &exp), 0);
	assert_true(exp > now);
	assert_true(exp - now < INT64_C(365) * 86400 * TIME_US_PER_S);
	/* no Canonical, Policy or languages when not configured */
	assert_null(strstr(b.data, "Canonical"));
	assert_null(strstr(b.data, "Policy"));
	assert_null(strstr(b.data, "Preferred-Languages"));
	buf_release(&b);
}

static void test_bad_config(void **state)
{
	struct err e = ERR_INIT;
	struct securitytxt none = { "", "", "zh", "", NULL, 0, 0 };
	struct securitytxt bare = { "security@vendor.example", "", "zh", "", NULL, 0, 0 };
	struct securitytxt http = { "http://vendor.example/report", "", "zh", "", NULL, 0, 0 };
	struct securitytxt space = { "mailto:a b@vendor.example", "", "zh", "", NULL, 0, 0 };
	struct securitytxt policy = { "mailto:a@vendor.example", "ftp://x", "zh", "", NULL, 0, 0 };
	struct securitytxt langs = { "mailto:a@vendor.example", "", "zh;\nX: y", "", NULL, 0, 0 };

	(void)state;
	assert_int_equal(securitytxt_check(&none, &e), -1);
	assert_non_null(strstr(e.msg, "security_contact"));
	assert_int_equal(securitytxt_check(&bare, &e), -1);
	assert_non_null(strstr(e.msg, "security@vendor.example"));
	assert_int_equal(securitytxt_check(&http, &e), -1);
	assert_int_equal(securitytxt_check(&space, &e), -1);
	assert_int_equal(securitytxt_check(&policy, &e), -1);
	assert_int_equal(securitytxt_check(&langs, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_expires_under_a_year),
		cmocka_unit_test(test_bad_config),
	};
	return cmocka_run_group_tests_name("securitytxt", tests, NULL, NULL);
}
