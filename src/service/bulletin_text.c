/* bulletin_text.c - text fields in two languages, advisory ids, sanitised Markdown. */
#include "service/bulletin_text.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

/* The next code point of s at *i; an invalid sequence is U+FFFD (one byte). */
static uint32_t next_cp(const unsigned char *s, size_t *i)
{
	unsigned char b = s[*i];
	uint32_t c;
	size_t n;

	(*i)++;
	if (b < 0x80)
		return b;
	if (b >= 0xc2 && b < 0xe0)
		n = 1, c = b & 0x1f;
	else if (b >= 0xe0 && b < 0xf0)
		n = 2, c = b & 0x0f;
	else if (b >= 0xf0 && b < 0xf5)
		n = 3, c = b & 0x07;
	else
		return 0xfffd;
	for (size_t k = 0; k < n; k++) {
		if ((s[*i] & 0xc0) != 0x80)
			return 0xfffd;
		c = (c << 6) | (s[*i] & 0x3f);
		(*i)++;
	}
	return c;
}

const char *bulletin_text_lang_guess(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t i = 0;

	while (p[i]) {
		uint32_t c = next_cp(p, &i);

		if ((c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) ||
		    (c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xffef))
			return "zh-CN";
	}
	return "en";
}

static int put_text(json_t *o, const char *lang, json_t *v, const char *field, struct err *e)
{
	size_t n;

	if (json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return err_setn(e, ERR_INVALID, "invalid_text",
				"\"%s.%s\" must be a string", field, lang);
	n = json_string_length(v);
	if (n > BULLETIN_TEXT_MAX)
		return err_setn(e, ERR_INVALID, "invalid_text",
				"\"%s.%s\" is longer than %d bytes", field, lang, BULLETIN_TEXT_MAX);
	if (n > 0)
		json_object_set(o, lang, v);
	return 0;
}

int bulletin_text_parse(json_t **out, json_t *v, const char *field, const char *lang,
			struct err *e)
{
	json_t *o = json_object(), *x;
	const char *k;
	int rc = -1;

	*out = NULL;
	if (json_is_string(v)) {
		if (lang == NULL)
			lang = bulletin_text_lang_guess(json_string_value(v));
		if (strcmp(lang, "zh-CN") && strcmp(lang, "en")) {
			err_setn(e, ERR_INVALID, "invalid_text",
				 "\"lang\" must be \"zh-CN\" or \"en\", not \"%s\"", lang);
			goto out;
		}
		if (put_text(o, lang, v, field, e) < 0)
			goto out;
	} else if (json_is_object(v)) {
		json_object_foreach(v, k, x) {
			if (strcmp(k, "zh-CN") && strcmp(k, "en")) {
				err_setn(e, ERR_INVALID, "invalid_text",
					 "\"%s\" has an unknown language \"%s\" (zh-CN or en)", field,
					 k);
				goto out;
			}
			if (put_text(o, k, x, field, e) < 0)
				goto out;
		}
	} else if (!json_is_null(v)) {
		err_setn(e, ERR_INVALID, "invalid_text",
			 "\"%s\" must be a string or an object {\"zh-CN\": ..., \"en\": ...}", field);
		goto out;
	}
	*out = o;
	o = NULL;
	rc = 0;
out:
	json_decref(o);
	return rc;
}

void bulletin_ident_format(char out[BULLETIN_IDENT_LEN], int year, int64_t n)
{
	snprintf(out, BULLETIN_IDENT_LEN, "VF-%04d-%04lld", year, (long long)n);
}

int bulletin_ident_valid(const char *s)
{
	size_t n;

	if (s == NULL || strncmp(s, "VF-", 3) != 0)
		return 0;
	for (int i = 3; i < 7; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	if (s[7] != '-')
		return 0;
	n = strspn(s + 8, "0123456789");
	return n >= 4 && n <= 9 && s[8 + n] == '\0';
}

int bulletin_year_shanghai(int64_t us)
{
	/* days since the epoch to a civil year (Howard Hinnant's algorithm) */
	int64_t secs = us / 1000000 + 8 * 3600;
	int64_t days = secs / 86400 - (secs % 86400 < 0);
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t m = mp + (mp < 10 ? 3 : -9);

	return (int)(yoe + era * 400 + (m <= 2));
}

static pthread_once_t registered = PTHREAD_ONCE_INIT;

/* cmark-gfm's own "ensure registered" is not thread-safe. */
static void register_extensions(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

char *bulletin_markdown_html(const char *md)
{
	static const char *const exts[] = { "table", "strikethrough", "autolink", "tagfilter" };
	cmark_parser *p;
	cmark_node *doc;
	char *html, *out;
	int opts = CMARK_OPT_DEFAULT; /* no CMARK_OPT_UNSAFE: raw HTML and bad URLs dropped */

	if (md == NULL)
		return NULL;
	pthread_once(&registered, register_extensions);
	p = cmark_parser_new(opts);
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		cmark_syntax_extension *x = cmark_find_syntax_extension(exts[i]);

		if (x)
			cmark_parser_attach_syntax_extension(p, x);
	}
	cmark_parser_feed(p, md, strlen(md));
	doc = cmark_parser_finish(p);
	html = cmark_render_html(doc, opts, cmark_parser_get_syntax_extensions(p));
	out = xstrdup(html ? html : "");
	free(html);
	cmark_node_free(doc);
	cmark_parser_free(p);
	return out;
}
