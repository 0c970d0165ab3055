/* test_static.c - the web UI's file table, templates and Accept-Language (src/http/static.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "http/static.h"

static char root[256];

static void put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void sub(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void rm_tree(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

/* A small web directory: two catalogs, two templates, an asset, and what
 * must never be loaded (a dot-file, a symbolic link, an unknown kind). */
static int setup(void **state)
{
	char link[512];

	(void)state;
	snprintf(root, sizeof(root), "/tmp/vulnflow-test-static.XXXXXX");
	if (mkdtemp(root) == NULL)
		return -1;
	sub("i18n");
	sub("js");
	put("i18n/zh-CN.json", "{\"hello\":\"你好 <世界>\",\"only\":\"中\"}");
	put("i18n/en.json", "{\"hello\":\"Hello & welcome\"}");
	put("index.html", "<html lang=\"{{lang}}\"><p>{{t:hello}}</p><p>{{v:who}}</p>"
			  "<p>{{t:missing.key}}</p><p>{{v:absent}}</p><p>{{other}}</p>{{ unterminated");
	put("other.html", "x");
	put("js/app.js", "export const a = 1;\n");
	put(".secret.js", "no");
	put("js/notes.py", "no");
	snprintf(link, sizeof(link), "%s/js/passwd.js", root);
	if (symlink("/etc/passwd", link) < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rm_tree();
	return 0;
}

static void test_open_loads_only_regular_known_files(void **state)
{
	struct static_site *s = NULL;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(static_open(&s, root, &e), 0);
	/* 2 catalogs, index.html, other.html, js/app.js: not the dot-file, the
	 * symbolic link or the .py file */
	assert_int_equal(static_count(s), 5);
	static_close(s);
}

static void test_render_substitutes_and_escapes(void **state)
{
	struct static_site *s = NULL;
	struct err e = ERR_INIT;
	struct static_var vars[] = { { "who", "<script>\"x\"&'y'</script>" } };
	struct buf b;

	(void)state;
	assert_int_equal(static_open(&s, root, &e), 0);
	buf_init(&b, 1 << 16);
	assert_int_equal(static_render(&b, s, "zh-CN", "/index.html", vars, 1, &e), 0);
	assert_string_equal(b.data,
			    "<html lang=\"zh-CN\"><p>你好 &lt;世界&gt;</p>"
			    "<p>&lt;script&gt;&quot;x&quot;&amp;&#39;y&#39;&lt;/script&gt;</p>"
			    "<p>missing.key</p><p></p><p>{{other}}</p>{{ unterminated");
	buf_reset(&b);
	assert_int_equal(static_render(&b, s, "en", "/index.html", NULL, 0, &e), 0);
	assert_string_equal(b.data,
			    "<html lang=\"en\"><p>Hello &amp; welcome</p><p></p>"
			    "<p>missing.key</p><p></p><p>{{other}}</p>{{ unterminated");
	/* an asset is not a template; a path outside the table is nothing */
	assert_int_equal(static_render(&b, s, "en", "/js/app.js", NULL, 0, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_int_equal(static_render(&b, s, "en", "/../index.html", NULL, 0, &e), -1);
	assert_int_equal(static_render(&b, s, "en", "/js/passwd.js", NULL, 0, &e), -1);
	buf_release(&b);
	static_close(s);
}

static void test_open_needs_both_catalogs(void **state)
{
	struct static_site *s = NULL;
	struct err e = ERR_INIT;
	char path[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/i18n/en.json", root);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(static_open(&s, root, &e), -1);
	assert_null(s);
	assert_int_equal(e.code, ERR_USAGE);
	assert_non_null(strstr(e.msg, "i18n/en.json"));
	put("i18n/en.json", "[\"not an object\"]");
	err_clear(&e);
	assert_int_equal(static_open(&s, root, &e), -1);
	assert_non_null(strstr(e.msg, "not a JSON object"));
	put("i18n/en.json", "{\"a\":\"1\",\"a\":\"2\"}");
	err_clear(&e);
	assert_int_equal(static_open(&s, root, &e), -1);
	put("i18n/en.json", "{\"hello\":\"Hello & welcome\"}");
	assert_int_equal(static_open(&s, root, &e), 0);
	static_close(s);
}

static void test_open_missing_dir(void **state)
{
	struct static_site *s = NULL;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(static_open(&s, "/nonexistent/vulnflow-web", &e), -1);
	assert_null(s);
	assert_int_equal(e.code, ERR_USAGE);
	assert_non_null(strstr(e.msg, "/nonexistent/vulnflow-web"));
}

static void test_accept_language(void **state)
{
	(void)state;
	assert_string_equal(static_lang_accept("zh-CN,zh;q=0.9,en;q=0.8"), "zh-CN");
	assert_string_equal(static_lang_accept("en-US,en;q=0.9"), "en");
	assert_string_equal(static_lang_accept("en-GB,en;q=0.9,zh-CN;q=0.5"), "en");
	assert_string_equal(static_lang_accept("fr-FR, en;q=0.3, zh-TW;q=0.7"), "zh-CN");
	assert_string_equal(static_lang_accept("zh_TW"), "zh-CN");
	assert_string_equal(static_lang_accept("en;q=0.5, zh;q=0.5"), "en");   /* a tie: the earlier */
	assert_string_equal(static_lang_accept("  en  "), "en");
	assert_null(static_lang_accept("fr, de;q=0.5"));
	assert_null(static_lang_accept("eng, zhx"));
	assert_null(static_lang_accept("en;q=0, zh;q=0"));
	assert_null(static_lang_accept(""));
	assert_null(static_lang_accept(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_loads_only_regular_known_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_substitutes_and_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_needs_both_catalogs, setup, teardown),
		cmocka_unit_test(test_open_missing_dir),
		cmocka_unit_test(test_accept_language),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
