/* test_httpdate.c - IMF-fixdate formatting and parsing (http/httpdate.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http/httpdate.h"

static void test_format(void **state)
{
	char d[HTTPDATE_LEN];

	(void)state;
	httpdate_format(INT64_C(784111777) * 1000000 + 999999, d);
	assert_string_equal(d, "Sun, 06 Nov 1994 08:49:37 GMT");
	httpdate_format(0, d);
	assert_string_equal(d, "Thu, 01 Jan 1970 00:00:00 GMT");
	httpdate_format(INT64_C(1709251199) * 1000000, d);
	assert_string_equal(d, "Thu, 29 Feb 2024 23:59:59 GMT");
}

static void test_parse(void **state)
{
	(void)state;
	assert_int_equal(httpdate_parse("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
	assert_int_equal(httpdate_parse("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
	assert_int_equal(httpdate_parse("Thu, 29 Feb 2024 23:59:59 GMT"), 1709251199);
	assert_int_equal(httpdate_parse("Wed, 25 Nov 2026 07:39:59 GMT"), 1795592399);
	/* the weekday is not checked, only that it is one */
	assert_int_equal(httpdate_parse("Mon, 06 Nov 1994 08:49:37 GMT"), 784111777);
}

static void test_parse_refused(void **state)
{
	static const char *const bad[] = {
		"Sunday, 06-Nov-94 08:49:37 GMT",      /* RFC 850 */
		"Sun Nov  6 08:49:37 1994",            /* asctime */
		"Sun, 06 Nov 1994 08:49:37 UTC",
		"Sun, 06 Nov 1994 08:49:37 GMT ",
		"Sun, 6 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 1994 24:00:00 GMT",
		"Sun, 06 Nov 1994 08:60:00 GMT",
		"Sun, 06 Nov 1994 08:49:61 GMT",
		"Sun, 00 Nov 1994 08:49:37 GMT",
		"Sun, 32 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 1969 08:49:37 GMT",
		"Sun, 06 Nox 1994 08:49:37 GMT",
		"Xyz, 06 Nov 1994 08:49:37 GMT",
		"Sun, 06 ovD 1994 08:49:37 GMT",       /* not a month, though inside "NovDec" */
		"Sun, -6 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 1994 -8:49:37 GMT",
		"",
		NULL,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (httpdate_parse(bad[i]) != -1)
			fail_msg("accepted \"%s\"", bad[i] ? bad[i] : "(null)");
}

static void test_round_trip(void **state)
{
	char d[HTTPDATE_LEN];

	(void)state;
	for (int64_t t = 0; t < INT64_C(4102444800); t += INT64_C(86399) * 37) {
		httpdate_format(t * 1000000, d);
		assert_int_equal(httpdate_parse(d), t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_refused),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
