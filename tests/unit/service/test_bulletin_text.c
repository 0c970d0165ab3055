/* test_bulletin_text.c - the advisory service's pure helpers: text fields in two languages,
 * advisory ids, the Asia/Shanghai year, sanitised Markdown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "service/bulletin_text.h"

static void test_lang_guess(void **state)
{
	(void)state;
	assert_string_equal(bulletin_text_lang_guess("路由器命令注入"), "zh-CN");
	assert_string_equal(bulletin_text_lang_guess("Upgrade to 1.2.8 (固件)"), "zh-CN");
	assert_string_equal(bulletin_text_lang_guess("Upgrade to 1.2.8。"), "zh-CN");
	assert_string_equal(bulletin_text_lang_guess("Upgrade to 1.2.8"), "en");
	assert_string_equal(bulletin_text_lang_guess("Ünïcödé but Latin"), "en");
	assert_string_equal(bulletin_text_lang_guess(""), "en");
	assert_string_equal(bulletin_text_lang_guess(NULL), "en");
	/* an invalid byte, and a truncated sequence at the end, are not Chinese */
	assert_string_equal(bulletin_text_lang_guess("ab\xff\xe4\xb8"), "en");
}

static void test_text_parse(void **state)
{
	json_t *out, *v;
	struct err e = ERR_INIT;

	(void)state;
	v = json_string("远程命令执行");
	assert_int_equal(bulletin_text_parse(&out, v, "title", NULL, &e), 0);
	assert_int_equal(json_object_size(out), 1);
	assert_string_equal(json_string_value(json_object_get(out, "zh-CN")), "远程命令执行");
	json_decref(out);
	/* an explicit language wins over the guess */
	assert_int_equal(bulletin_text_parse(&out, v, "title", "en", &e), 0);
	assert_string_equal(json_string_value(json_object_get(out, "en")), "远程命令执行");
	assert_null(json_object_get(out, "zh-CN"));
	json_decref(out);
	json_decref(v);

	v = json_pack("{s:s,s:s}", "zh-CN", "升级", "en", "");
	assert_int_equal(bulletin_text_parse(&out, v, "remediation", NULL, &e), 0);
	assert_int_equal(json_object_size(out), 1);        /* "" is absent */
	assert_string_equal(json_string_value(json_object_get(out, "zh-CN")), "升级");
	json_decref(out);
	json_decref(v);

	v = json_pack("{s:s}", "fr", "Mettre à jour");
	assert_int_equal(bulletin_text_parse(&out, v, "remediation", NULL, &e), -1);
	assert_null(out);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.name, "invalid_text");
	assert_non_null(strstr(e.msg, "\"fr\""));
	json_decref(v);

	v = json_pack("{s:i}", "en", 3);
	assert_int_equal(bulletin_text_parse(&out, v, "summary", NULL, &e), -1);
	assert_non_null(strstr(e.msg, "\"summary.en\""));
	json_decref(v);

	v = json_integer(7);
	assert_int_equal(bulletin_text_parse(&out, v, "summary", NULL, &e), -1);
	json_decref(v);
	v = json_string("x");
	assert_int_equal(bulletin_text_parse(&out, v, "summary", "de", &e), -1);
	json_decref(v);
	{
		char *big = malloc(BULLETIN_TEXT_MAX + 2);

		memset(big, 'a', BULLETIN_TEXT_MAX + 1);
		big[BULLETIN_TEXT_MAX + 1] = '\0';
		v = json_string(big);
		assert_int_equal(bulletin_text_parse(&out, v, "description", NULL, &e), -1);
		json_decref(v);
		big[BULLETIN_TEXT_MAX] = '\0';
		v = json_string(big);
		assert_int_equal(bulletin_text_parse(&out, v, "description", NULL, &e), 0);
		assert_int_equal(json_string_length(json_object_get(out, "en")), BULLETIN_TEXT_MAX);
		json_decref(out);
		json_decref(v);
		free(big);
	}
	/* null is an empty object (the field is cleared by the caller) */
	assert_int_equal(bulletin_text_parse(&out, json_null(), "summary", NULL, &e), 0);
	assert_int_equal(json_object_size(out), 0);
	json_decref(out);
}

static void test_ident(void **state)
{
	char id[BULLETIN_IDENT_LEN];

	(void)state;
	bulletin_ident_format(id, 2026, 1);
	assert_string_equal(id, "VF-2026-0001");
	bulletin_ident_format(id, 2026, 12345);
	assert_string_equal(id, "VF-2026-12345");
	assert_true(bulletin_ident_valid("VF-2026-0001"));
	assert_true(bulletin_ident_valid("VF-2026-12345"));
	assert_false(bulletin_ident_valid("VF-2026-001"));
	assert_false(bulletin_ident_valid("VF-26-0001"));
	assert_false(bulletin_ident_valid("vf-2026-0001"));
	assert_false(bulletin_ident_valid("VF-2026-0001x"));
	assert_false(bulletin_ident_valid("VF-2026-1234567890"));
	assert_false(bulletin_ident_valid("CVE-2026-0001"));
	assert_false(bulletin_ident_valid(""));
	assert_false(bulletin_ident_valid(NULL));
}

static void test_year(void **state)
{
	(void)state;
	/* 2026-12-31T15:59:59Z is 23:59:59 in Shanghai; one second later it is 2027 there */
	assert_int_equal(bulletin_year_shanghai(INT64_C(1798732799) * 1000000), 2026);
	assert_int_equal(bulletin_year_shanghai(INT64_C(1798732800) * 1000000), 2027);
	assert_int_equal(bulletin_year_shanghai(0), 1970);
	/* 2024-02-29T00:00:00+08:00 */
	assert_int_equal(bulletin_year_shanghai(INT64_C(1709136000) * 1000000), 2024);
}

static void test_markdown(void **state)
{
	char *h;

	(void)state;
	h = bulletin_markdown_html("# 标题\n\n**升级**到 1.2.8");
	assert_string_equal(h, "<h1>标题</h1>\n<p><strong>升级</strong>到 1.2.8</p>\n");
	free(h);
	/* raw HTML is not passed through */
	h = bulletin_markdown_html("a <script>alert(1)</script> b\n\n<div onclick=x>y</div>\n");
	assert_null(strstr(h, "<script"));
	assert_null(strstr(h, "<div"));
	assert_non_null(strstr(h, "raw HTML omitted"));
	free(h);
	/* dangerous link targets lose their URL */
	h = bulletin_markdown_html("[x](javascript:alert(1)) [y](https://example.cn/a)");
	assert_null(strstr(h, "javascript:"));
	assert_non_null(strstr(h, "<a href=\"https://example.cn/a\">y</a>"));
	free(h);
	/* GFM tables and strikethrough */
	h = bulletin_markdown_html("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~");
	assert_non_null(strstr(h, "<table>"));
	assert_non_null(strstr(h, "<td>2</td>"));
	assert_non_null(strstr(h, "<del>old</del>"));
	free(h);
	assert_null(bulletin_markdown_html(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lang_guess),
		cmocka_unit_test(test_text_parse),
		cmocka_unit_test(test_ident),
		cmocka_unit_test(test_year),
		cmocka_unit_test(test_markdown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
