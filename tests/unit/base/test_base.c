/* test_base.c - buf, err, timefmt and config. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/config.h"
#include "base/err.h"
#include "base/timefmt.h"

static void test_buf_limit(void **state)
{
	struct buf b;
	char *p;
	size_t n;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(buf_adds(&b, "abcd"), 0);
	assert_int_equal(buf_addf(&b, "%d", 123), 0);
	assert_string_equal(b.data, "abcd123");
	assert_int_equal(buf_adds(&b, "xy"), -1);      /* would be 9 > 8 */
	assert_string_equal(b.data, "abcd123");         /* unchanged */
	assert_int_equal(buf_adds(&b, "x"), 0);
	assert_int_equal(b.len, 8);
	assert_int_equal(buf_add(&b, "", 0), 0);
	p = buf_detach(&b, &n);
	assert_int_equal(n, 8);
	assert_string_equal(p, "abcd123x");
	free(p);
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_add(&b, "123456789", 9), -1);
	buf_release(&b);
}

static void test_err_map(void **state)
{
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(err_set(&e, ERR_INVALID, "field \"%s\" is bad", "x"), -1);
	assert_int_equal(err_http_status(e.code), 422);
	assert_string_equal(err_name(&e), "invalid_field");
	assert_string_equal(e.msg, "field \"x\" is bad");
	err_setn(&e, ERR_INVALID, "unknown_field", "y");
	assert_string_equal(err_name(&e), "unknown_field");
	assert_int_equal(err_http_status(ERR_MALFORMED), 400);
	assert_int_equal(err_http_status(ERR_UNAUTHENTICATED), 401);
	assert_int_equal(err_http_status(ERR_FORBIDDEN), 403);
	assert_int_equal(err_http_status(ERR_NOT_FOUND), 404);
	assert_int_equal(err_http_status(ERR_METHOD), 405);
	assert_int_equal(err_http_status(ERR_CONFLICT), 409);
	assert_int_equal(err_http_status(ERR_TOO_LARGE), 413);
	assert_int_equal(err_http_status(ERR_MEDIA_TYPE), 415);
	assert_int_equal(err_http_status(ERR_RATE_LIMITED), 429);
	assert_int_equal(err_http_status(ERR_HEADERS_TOO_LARGE), 431);
	assert_int_equal(err_http_status(ERR_INTERNAL), 500);
	assert_int_equal(err_http_status(ERR_UNAVAILABLE), 503);
	err_set(&e, ERR_USAGE, "u");
	assert_int_equal(err_exit_code(&e), 2);
	err_set(&e, ERR_INTERNAL, "i");
	assert_int_equal(err_exit_code(&e), 1);
}

static void test_time(void **state)
{
	char out[TIMEFMT_LEN];
	int64_t us;

	(void)state;
	/* 2021-09-01T00:00:00Z: the day the Provisions took effect */
	us = INT64_C(1630454400) * TIME_US_PER_S + 123456;
	time_format_utc(us, out);
	assert_string_equal(out, "2021-09-01T00:00:00.123456Z");
	time_format_shanghai(us, out);
	assert_string_equal(out, "2021-09-01T08:00:00.123456+08:00");
	assert_int_equal(time_parse_rfc3339("2021-09-01T08:00:00.123456+08:00", &us), 0);
	assert_int_equal(us, INT64_C(1630454400) * TIME_US_PER_S + 123456);
	assert_int_equal(time_parse_rfc3339("2021-09-01T00:00:00Z", &us), 0);
	assert_int_equal(us, INT64_C(1630454400) * TIME_US_PER_S);
	assert_int_equal(time_parse_rfc3339("2021-08-31T19:30:00-04:30", &us), 0);
	assert_int_equal(us, INT64_C(1630454400) * TIME_US_PER_S);
	assert_int_equal(time_parse_rfc3339("2021-09-01 00:00:00Z", &us), -1);
	assert_int_equal(time_parse_rfc3339("2021-13-01T00:00:00Z", &us), -1);
	assert_int_equal(time_parse_rfc3339("2021-09-01T00:00:00", &us), -1);
	assert_int_equal(time_parse_rfc3339("2021-09-01T00:00:00Zjunk", &us), -1);
	assert_int_equal(time_parse_rfc3339("", &us), -1);
	assert_true(time_now_us() > INT64_C(1630454400) * TIME_US_PER_S);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_config_precedence(void **state)
{
	char dir[] = "/tmp/vf-config-XXXXXX", path[64], url[2048];
	struct config c;
	struct err e = ERR_INIT;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/vulnflow.conf", dir);
	write_file(path, "# comment\n\nlisten = 0.0.0.0:9000\nbody_limit = 4096\n"
			 "db = sqlite:other.db\n");
	config_defaults(&c, dir);
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_int_equal(c.body_limit, 1048576);
	assert_int_equal(config_load_file(&c, path, &e), 0);
	assert_string_equal(c.listen, "0.0.0.0:9000");
	assert_int_equal(c.body_limit, 4096);
	config_db_url(&c, url, sizeof(url));
	assert_true(strstr(url, "/other.db") != NULL);
	setenv("VULNFLOW_BODY_LIMIT", "8192", 1);
	assert_int_equal(config_apply_env(&c, &e), 0);
	unsetenv("VULNFLOW_BODY_LIMIT");
	assert_int_equal(c.body_limit, 8192);
	assert_int_equal(config_set(&c, "body_limit", "16384", &e), 0);
	assert_int_equal(c.body_limit, 16384);
	unlink(path);
	rmdir(dir);
}

static void test_config_errors(void **state)
{
	char dir[] = "/tmp/vf-config-XXXXXX", path[64];
	struct config c;
	struct err e = ERR_INIT;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/vulnflow.conf", dir);
	config_defaults(&c, dir);
	write_file(path, "listen = x:1\nnonsense = 1\n");
	assert_int_equal(config_load_file(&c, path, &e), -1);
	assert_int_equal(e.code, ERR_USAGE);
	assert_non_null(strstr(e.msg, ":2:"));
	assert_non_null(strstr(e.msg, "nonsense"));
	write_file(path, "body_limit = lots\n");
	assert_int_equal(config_load_file(&c, path, &e), -1);
	assert_non_null(strstr(e.msg, "not an integer"));
	write_file(path, "body_limit = 1\n");
	assert_int_equal(config_load_file(&c, path, &e), -1);
	assert_non_null(strstr(e.msg, "outside"));
	write_file(path, "just words\n");
	assert_int_equal(config_load_file(&c, path, &e), -1);
	assert_non_null(strstr(e.msg, "key = value"));
	assert_int_equal(config_set(&c, "role", "overlord", &e), -1);
	setenv("VULNFLOW_THREADS", "-3", 1);
	assert_int_equal(config_apply_env(&c, &e), -1);
	assert_non_null(strstr(e.msg, "VULNFLOW_THREADS"));
	unsetenv("VULNFLOW_THREADS");
	/* a missing file is no error: defaults stand */
	unlink(path);
	assert_int_equal(config_load_file(&c, path, &e), 0);
	/* the written file reads back */
	config_defaults(&c, dir);
	config_set(&c, "listen", "127.0.0.1:9999", &e);
	assert_int_equal(config_write_file(&c, path, &e), 0);
	config_defaults(&c, dir);
	assert_int_equal(config_load_file(&c, path, &e), 0);
	assert_string_equal(c.listen, "127.0.0.1:9999");
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_limit),
		cmocka_unit_test(test_err_map),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_config_precedence),
		cmocka_unit_test(test_config_errors),
	};
	return cmocka_run_group_tests_name("base", tests, NULL, NULL);
}
