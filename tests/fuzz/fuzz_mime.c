/* fuzz_mime.c - libFuzzer target for e-mail parsing (formats/mime.c through service/mail_in.c).
 *
 * Any bytes either parse or are refused with ERR_MALFORMED or ERR_TOO_LARGE
 * and a message.  What parses must give what intake needs: valid UTF-8 text
 * without control characters other than tab and line ends, a title of 1-200
 * characters on one line, a description of 1-100,000 characters, attachments
 * with data, and the raw bytes kept exactly.  The same bytes also go through
 * the entity parser, the HTML reducer and the charset converter, whose
 * output must be valid UTF-8.  Finally a message built from the input
 * (first line: subject, rest: body) must parse back to the same subject and
 * body.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/mime.h"
#include "service/mail_in.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Characters of valid UTF-8 s (no controls but \t \n \r when strict), or -1. */
static long utf8_chars(const char *s, int strict)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0;

	while (*p) {
		unsigned c = *p, len, cp;

		if (c < 0x80) {
			if (strict && ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f))
				return -1;
			p++;
			n++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			len = 2, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4, cp = c & 0x07;
		else
			return -1;
		for (unsigned i = 1; i < len; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return -1;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
			return -1;
		p += len;
		n++;
	}
	return n;
}

static void check_text(const char *s, long min, long max, int oneline)
{
	long n;

	if (s == NULL)
		return;
	n = utf8_chars(s, 1);
	if (n < min || n > max || (oneline && strpbrk(s, "\r\n") != NULL))
		abort();
}

static void check_report(const struct mail_in *m, const uint8_t *data, size_t size)
{
	const struct intake_report *r = &m->report;

	check_text(r->title, 1, 200, 1);
	check_text(r->description, 1, 100000, 0);
	check_text(r->product_name, 1, 200, 1);
	check_text(r->product_model, 1, 200, 1);
	check_text(r->product_version, 1, 200, 1);
	check_text(r->reporter_name, 1, 200, 1);
	check_text(r->reporter_email, 3, 254, 1);
	if (r->title == NULL || r->description == NULL || r->product_name == NULL ||
	    r->language == NULL || r->raw_len != size || memcmp(r->raw, data, size) != 0)
		abort();
	for (size_t i = 0; i < r->nattachments; i++) {
		check_text(r->attachments[i].filename, 1, 255, 1);
		check_text(r->attachments[i].declared_type, 1, 127, 1);
		if (r->attachments[i].data == NULL)
			abort();
	}
}

static void check_message(const struct mime_message *m)
{
	if (m->body == NULL || utf8_chars(m->body, 0) < 0)
		abort();
	if ((m->subject && utf8_chars(m->subject, 0) < 0) ||
	    (m->from_name && utf8_chars(m->from_name, 0) < 0) ||
	    (m->from_addr && utf8_chars(m->from_addr, 0) < 0))
		abort();
	/* without PGP/MIME, the data is the inline block, when there is one */
	if (!m->pgp_mime && (m->pgp_data != NULL) != (m->pgp_inline != 0))
		abort();
	for (size_t i = 0; i < m->nattachments; i++)
		if (m->attachments[i].data == NULL)
			abort();
}

static void strip_newlines(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && s[n - 1] == '\n')
		s[--n] = '\0';
}

/* Build a message from the input and parse it back. */
static void round_trip(const uint8_t *data, size_t size)
{
	struct mime_limits lim = MIME_LIMITS_DEFAULT;
	struct mime_text_message tm = { .from = "a@example.cn", .to = "b@example.cn",
					.message_id = "id@example.cn", .date_us = 0 };
	struct mime_message *m;
	struct err e = ERR_INIT;
	char *s, *nl, *text, *want;
	size_t len;

	if (memchr(data, '\0', size) != NULL || memchr(data, '\r', size) != NULL)
		return;
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	if (utf8_chars(s, 1) < 0) {
		free(s);
		return;
	}
	nl = strchr(s, '\n');
	if (nl == NULL) {
		free(s);
		return;
	}
	*nl = '\0';
	/* the subject: no tabs, no blanks at the ends or twice in a row */
	if (strchr(s, '\t') || s[0] == ' ' || (s[0] && s[strlen(s) - 1] == ' ') ||
	    strstr(s, "  ")) {
		free(s);
		return;
	}
	tm.subject = s;
	tm.body = nl + 1;
	if (mime_build_text(&text, &len, &tm, &e) < 0)
		abort();
	if (mime_parse_message(&m, text, len, &lim, &e) < 0)
		abort();
	if (strcmp(m->subject ? m->subject : "", s) != 0)
		abort();
	want = strdup(nl + 1);
	strip_newlines(want);
	strip_newlines(m->body);
	if (strcmp(m->body, want) != 0)
		abort();
	free(want);
	mime_message_free(m);
	free(text);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mail_in_options o = { .max_bytes = 1 << 20, .limits = MIME_LIMITS_DEFAULT };
	struct mime_message *m;
	struct mail_in *mi;
	struct err e = ERR_INIT;
	char *s;

	o.limits.max_parts = 64;
	o.limits.max_depth = 8;
	if (mail_in_parse(&mi, data, size, &o, &e) == 0) {
		check_report(mi, data, size);
		mail_in_free(mi);
	} else if (mi != NULL ||
		   (e.code != ERR_MALFORMED && e.code != ERR_TOO_LARGE) || e.msg[0] == '\0') {
		abort();
	}
	if (mime_parse_entity(&m, data, size, &o.limits, &e) == 0) {
		check_message(m);
		mime_message_free(m);
	} else if (m != NULL || (e.code != ERR_MALFORMED && e.code != ERR_TOO_LARGE)) {
		abort();
	}
	s = mime_html_to_text((const char *)data, size);
	if (utf8_chars(s, 0) < 0)
		abort();
	free(s);
	s = mime_to_utf8(data, size, size > 0 && data[0] & 1 ? "gb2312" : "big5", NULL);
	if (utf8_chars(s, 0) < 0)
		abort();
	free(s);
	round_trip(data, size);
	return 0;
}
