/* test_jsonv.c - the request-JSON validation layer: every way a body can be wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/jsonv.h"

static const char *const colours[] = { "red", "green", NULL };

static const struct jv_field inner[] = {
	{ .name = "name", .type = JV_STRING, .required = 1, .min = 1, .max = 5 },
	{ .name = "model", .type = JV_STRING },
	{ 0 }
};

static const struct jv_field spec[] = {
	{ .name = "email", .type = JV_STRING, .required = 1, .format = "email" },
	{ .name = "title", .type = JV_STRING, .min = 1, .max = 4 },
	{ .name = "count", .type = JV_INT, .min = 1, .max = 10 },
	{ .name = "flag", .type = JV_BOOL },
	{ .name = "colour", .type = JV_STRING, .one_of = colours },
	{ .name = "country", .type = JV_STRING, .format = "country" },
	{ .name = "product", .type = JV_OBJECT, .fields = inner },
	{ .name = "tags", .type = JV_ARRAY, .max = 2 },
	{ .name = "note", .type = JV_STRING, .nullable = 1 },
	{ 0 }
};

static int parse(const char *body, struct err *e)
{
	json_t *v = NULL;
	int rc;

	err_clear(e);
	rc = jsonv_parse(body, strlen(body), spec, &v, e);
	if (rc == 0)
		assert_non_null(v);
	else
		assert_null(v);
	json_decref(v);
	return rc;
}

static void expect(const char *body, enum err_code code, const char *name, const char *in_msg)
{
	struct err e;

	assert_int_equal(parse(body, &e), -1);
	assert_int_equal(e.code, code);
	assert_string_equal(err_name(&e), name);
	if (in_msg != NULL && strstr(e.msg, in_msg) == NULL)
		fail_msg("message \"%s\" does not mention \"%s\"", e.msg, in_msg);
}

static void test_valid(void **state)
{
	struct err e;

	(void)state;
	assert_int_equal(parse("{\"email\":\"a@b.cn\"}", &e), 0);
	assert_int_equal(parse("{\"email\":\"a@b.cn\",\"title\":\"漏洞报告\",\"count\":10,"
			       "\"flag\":true,\"colour\":\"red\",\"country\":\"CN\","
			       "\"product\":{\"name\":\"路由器\"},\"tags\":[\"x\",\"y\"],\"note\":null}",
			       &e), 0);
}

static void test_malformed(void **state)
{
	(void)state;
	expect("{\"email\":", ERR_MALFORMED, "malformed_json", NULL);
	expect("{\"email\":\"a@b.cn\"", ERR_MALFORMED, "malformed_json", NULL);
	expect("{email:1}", ERR_MALFORMED, "malformed_json", NULL);
	expect("", ERR_MALFORMED, "malformed_json", "empty");
	expect("{\"email\":\"a@b.cn\",\"email\":\"c@d.cn\"}", ERR_MALFORMED, "malformed_json", NULL);
	expect("{\"email\":\"a\\u0000@b.cn\"}", ERR_MALFORMED, "malformed_json", NULL);
	expect("{\"email\":\"a@b.cn\"} trailing", ERR_MALFORMED, "malformed_json", NULL);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	expect("{\"email\":\"\xff\xfe@b.cn\"}", ERR_MALFORMED, "malformed_json", NULL);
	expect("{\"email\":\"\xe6\xbc@b.cn\"}", ERR_MALFORMED, "malformed_json", NULL);
}

static void test_not_object(void **state)
{
	(void)state;
	expect("[1,2]", ERR_INVALID, "invalid_field", "object");
	expect("42", ERR_INVALID, "invalid_field", "object");
	expect("\"s\"", ERR_INVALID, "invalid_field", "object");
}

static void test_fields(void **state)
{
	(void)state;
	expect("{}", ERR_INVALID, "missing_field", "\"email\"");
	expect("{\"email\":null}", ERR_INVALID, "missing_field", "\"email\"");
	expect("{\"email\":5}", ERR_INVALID, "invalid_field", "\"email\"");
	expect("{\"email\":\"nope\"}", ERR_INVALID, "invalid_field", "\"email\"");
	expect("{\"email\":\"a@b.cn\",\"extra\":1}", ERR_INVALID, "unknown_field", "\"extra\"");
	expect("{\"email\":\"a@b.cn\",\"title\":\"\"}", ERR_INVALID, "invalid_field", "\"title\"");
	/* four Chinese characters are four characters, not twelve bytes */
	{
		struct err e;
		assert_int_equal(parse("{\"email\":\"a@b.cn\",\"title\":\"漏洞报告\"}", &e), 0);
	}
	expect("{\"email\":\"a@b.cn\",\"title\":\"漏洞报告书\"}", ERR_INVALID, "invalid_field",
	       "at most 4");
	expect("{\"email\":\"a@b.cn\",\"count\":0}", ERR_INVALID, "invalid_field", "\"count\"");
	expect("{\"email\":\"a@b.cn\",\"count\":11}", ERR_INVALID, "invalid_field", "\"count\"");
	expect("{\"email\":\"a@b.cn\",\"count\":1.5}", ERR_INVALID, "invalid_field", "\"count\"");
	expect("{\"email\":\"a@b.cn\",\"flag\":\"yes\"}", ERR_INVALID, "invalid_field", "\"flag\"");
	expect("{\"email\":\"a@b.cn\",\"colour\":\"blue\"}", ERR_INVALID, "invalid_field", "\"colour\"");
	expect("{\"email\":\"a@b.cn\",\"country\":\"cn\"}", ERR_INVALID, "invalid_field", "\"country\"");
	expect("{\"email\":\"a@b.cn\",\"country\":\"CHN\"}", ERR_INVALID, "invalid_field", "\"country\"");
	expect("{\"email\":\"a@b.cn\",\"flag\":null}", ERR_INVALID, "invalid_field", "\"flag\"");
}

static void test_nested(void **state)
{
	(void)state;
	expect("{\"email\":\"a@b.cn\",\"product\":{}}", ERR_INVALID, "missing_field", "\"product.name\"");
	expect("{\"email\":\"a@b.cn\",\"product\":{\"name\":\"x\",\"bad\":1}}", ERR_INVALID,
	       "unknown_field", "\"product.bad\"");
	expect("{\"email\":\"a@b.cn\",\"product\":[]}", ERR_INVALID, "invalid_field", "\"product\"");
	expect("{\"email\":\"a@b.cn\",\"tags\":[\"a\",2]}", ERR_INVALID, "invalid_field", "\"tags[1]\"");
	expect("{\"email\":\"a@b.cn\",\"tags\":[\"a\",\"b\",\"c\"]}", ERR_INVALID, "invalid_field",
	       "\"tags\"");
}

static void test_schema(void **state)
{
	json_t *s = jsonv_schema(spec);
	json_t *props = json_object_get(s, "properties");

	(void)state;
	assert_string_equal(json_string_value(json_object_get(s, "type")), "object");
	assert_true(json_is_false(json_object_get(s, "additionalProperties")));
	assert_string_equal(json_string_value(json_array_get(json_object_get(s, "required"), 0)),
			    "email");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(props, "title"),
							    "maxLength")), 4);
	assert_int_equal(json_array_size(json_object_get(json_object_get(props, "colour"), "enum")), 2);
	assert_non_null(json_object_get(json_object_get(json_object_get(props, "product"),
							"properties"), "name"));
	assert_int_equal(json_object_size(props), 9);
	json_decref(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_not_object),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_schema),
	};
	return cmocka_run_group_tests_name("jsonv", tests, NULL, NULL);
}
