/* fuzz_bulletin.c - libFuzzer target for the advisory service's pure text helpers.
 *
 * The input is a text field value: as a JSON document when it parses (a string,
 * an object keyed by language, anything else), else as a raw string.  Checks:
 * bulletin_text_parse() either gives an object whose keys are only "zh-CN" and
 * "en" with non-empty string values of at most BULLETIN_TEXT_MAX bytes, or
 * fails with ERR_INVALID and a message; bulletin_text_lang_guess() names one of
 * the two languages; the sanitised HTML of every value never holds a raw
 * <script or an href="javascript: (cmark-gfm safe mode).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "service/bulletin_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_html(const char *md)
{
	char *html = bulletin_markdown_html(md);

	if (html == NULL || strstr(html, "<script") || strstr(html, "href=\"javascript:") ||
	    strstr(html, "src=\"javascript:"))
		abort();
	free(html);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	json_t *v, *out = NULL, *x;
	json_error_t je;
	struct err e = ERR_INIT;
	const char *k, *g;

	memcpy(s, data, size);
	s[size] = '\0';
	g = bulletin_text_lang_guess(s);
	if (strcmp(g, "zh-CN") && strcmp(g, "en"))
		abort();
	v = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
	if (v == NULL)
		v = json_stringn_nocheck(s, strlen(s));
	if (bulletin_text_parse(&out, v, "summary", NULL, &e) == 0) {
		if (!json_is_object(out))
			abort();
		json_object_foreach(out, k, x) {
			if ((strcmp(k, "zh-CN") && strcmp(k, "en")) || !json_is_string(x) ||
			    json_string_length(x) == 0 || json_string_length(x) > BULLETIN_TEXT_MAX)
				abort();
			check_html(json_string_value(x));
		}
		json_decref(out);
	} else if (out != NULL || e.code != ERR_INVALID || e.msg[0] == '\0') {
		abort();
	}
	json_decref(v);
	free(s);
	return 0;
}
