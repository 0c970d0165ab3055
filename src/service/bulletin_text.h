/* bulletin_text.h - the small pure pieces of the advisory service: text fields in two
 * languages, advisory ids, Markdown to sanitised HTML.
 *
 * An advisory's text fields (title, summary, description, remediation,
 * workarounds) are given either as one string or as an object keyed by
 * language ({"zh-CN": "...", "en": "..."}).  bulletin_text_parse() turns
 * both into the stored form, always the object, with only the languages that
 * have text.  A plain string goes to the language named by the request's
 * "lang" (when given) or else to the one bulletin_text_lang_guess() finds.
 *
 * Nothing here touches the database or the clock; each function is safe to
 * call from any thread.
 */
#ifndef VF_BULLETIN_TEXT_H
#define VF_BULLETIN_TEXT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define BULLETIN_TEXT_MAX 65536        /* bytes of one field in one language */
#define BULLETIN_IDENT_LEN 32

/* "zh-CN" if s holds a CJK ideograph (U+3400..U+9FFF, U+F900..U+FAFF) or
 * CJK punctuation (U+3000..U+303F, U+FF00..U+FFEF), else "en".  Static. */
const char *bulletin_text_lang_guess(const char *s);

/*
 * Normalise the value v of text field `field` into *out: a new object
 * {"zh-CN": "...", "en": "..."} holding the languages that have text (a
 * language whose text is "" is left out; so is JSON null).  A string goes to
 * lang (NULL: guessed).  ERR_INVALID "invalid_text" for any other type, a
 * key other than "zh-CN" / "en", a non-string value, or text longer than
 * BULLETIN_TEXT_MAX.  *out is NULL on error.
 */
int bulletin_text_parse(json_t **out, json_t *v, const char *field, const char *lang,
			struct err *e);

/* "VF-2026-0001": year and number (at least 4 digits, zero-padded). */
void bulletin_ident_format(char out[BULLETIN_IDENT_LEN], int year, int64_t n);
/* 1 if s is an ident of that form (VF-YYYY-NNNN, 4 to 9 digits), else 0. */
int bulletin_ident_valid(const char *s);
/* The calendar year (UTC+08:00, Asia/Shanghai) of the instant us. */
int bulletin_year_shanghai(int64_t us);

/*
 * Markdown (CommonMark with the GFM table, strikethrough, autolink and
 * tagfilter extensions) to HTML, sanitised: raw HTML is not passed through
 * (cmark-gfm's safe mode: it becomes an HTML comment) and links or images
 * with javascript:, vbscript:, file: or non-image data: URLs lose their URL.
 * Returns a malloc'd string (the caller frees it); NULL only for NULL md.
 */
char *bulletin_markdown_html(const char *md);

#endif
