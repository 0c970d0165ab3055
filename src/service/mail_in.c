/* mail_in.c - an e-mail as a report: parse, decrypt, fill a struct intake_report. */
#include "service/mail_in.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/mem.h"

#define TITLE_MAX 200          /* characters */
#define DESCRIPTION_MAX 100000 /* characters */
#define FIELD_MAX 200          /* characters of a product line's value */

struct owned {
	struct mail_in pub;     /* first: a struct mail_in * is a struct owned * */
	struct mime_message *outer, *inner;
	char *text;             /* the body when it is not one of the messages' */
	char *title, *description;
	char *product[3];
	unsigned char *raw;
	char *full_text;        /* message.txt when the text was cut */
	struct intake_attachment *att;
};

/* ---- UTF-8 helpers ------------------------------------------------------- */

/* Bytes of the first max characters of s (s is valid UTF-8). */
static size_t utf8_prefix(const char *s, size_t max, size_t *chars)
{
	size_t i = 0, n = 0;

	while (s[i] != '\0' && n < max) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		n++;
	}
	if (chars)
		*chars = n;
	return i;
}

static size_t utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Does s hold a CJK ideograph? */
static int has_cjk(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned int c;
		int n;

		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xE0) == 0xC0) {
			c = *p & 0x1F;
			n = 1;
		} else if ((*p & 0xF0) == 0xE0) {
			c = *p & 0x0F;
			n = 2;
		} else if ((*p & 0xF8) == 0xF0) {
			c = *p & 0x07;
			n = 3;
		} else {
			p++;
			continue;
		}
		p++;
		for (; n > 0 && (*p & 0xC0) == 0x80; n--, p++)
			c = (c << 6) | (*p & 0x3F);
		if ((c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
		    (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FA1F))
			return 1;
	}
	return 0;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Control characters other than tab and line ends as blanks (intake takes no others). */
static void clean_controls(char *s)
{
	for (; s != NULL && *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n' && *s != '\r') ||
		    *s == 0x7f)
			*s = ' ';
}

/* s[0..n) with runs of blanks as one space, trimmed, cut to max characters. */
static char *one_line(const char *s, size_t n, size_t max)
{
	char *t = xmalloc(n + 1);
	size_t j = 0, cut;
	int space = 0;

	for (size_t i = 0; i < n; i++) {
		if (is_blank(s[i]) || (unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			space = j > 0;
			continue;
		}
		if (space)
			t[j++] = ' ';
		space = 0;
		t[j++] = s[i];
	}
	t[j] = '\0';
	cut = utf8_prefix(t, max, NULL);
	t[cut] = '\0';
	return t;
}

/* ---- filling the report -------------------------------------------------- */

static char *make_title(const char *subject, const char *body)
{
	if (subject != NULL) {
		char *t = one_line(subject, strlen(subject), TITLE_MAX);

		if (t[0] != '\0')
			return t;
		free(t);
	}
	for (const char *p = body; *p;) {
		size_t n = strcspn(p, "\n");
		char *t = one_line(p, n, TITLE_MAX);

		if (t[0] != '\0')
			return t;
		free(t);
		p += n;
		if (*p == '\n')
			p++;
	}
	return xstrdup("(no subject)");
}

/* If line starts with key (then blanks, then ':' or '：'), the value after it. */
static const char *after_key(const char *line, size_t n, const char *key, int ascii)
{
	size_t k = strlen(key), i;

	if (n < k || (ascii ? strncasecmp(line, key, k) : strncmp(line, key, k)) != 0)
		return NULL;
	i = k;
	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i < n && line[i] == ':')
		return line + i + 1;
	if (i + 3 <= n && memcmp(line + i, "\xEF\xBC\x9A", 3) == 0)
		return line + i + 3;
	return NULL;
}

static void find_products(struct owned *w, const char *text)
{
	static const struct {
		const char *key;
		int field, ascii;
	} keys[] = {
		{ "product name", 0, 1 }, { "product", 0, 1 }, { "产品名称", 0, 0 }, { "产品", 0, 0 },
		{ "model", 1, 1 }, { "型号", 1, 0 }, { "version", 2, 1 }, { "版本", 2, 0 },
	};

	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n"), skip = 0;

		while (skip < n && (p[skip] == ' ' || p[skip] == '\t'))
			skip++;
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			const char *v = after_key(p + skip, n - skip, keys[i].key, keys[i].ascii);
			char *value;

			if (v == NULL)
				continue;
			if (w->product[keys[i].field] == NULL) {
				value = one_line(v, (size_t)(p + n - v), FIELD_MAX);
				if (value[0] != '\0')
					w->product[keys[i].field] = value;
				else
					free(value);
			}
			break;
		}
		p += n;
		if (*p == '\n')
			p++;
	}
}

/* The text with trailing blanks gone, and never empty. */
static char *make_description(struct owned *w, const char *body, size_t nattachments,
			      int *cut)
{
	size_t n = strlen(body), chars;
	struct buf b;

	*cut = 0;
	while (n > 0 && is_blank(body[n - 1]))
		n--;
	while (n > 0 && (body[0] == '\n' || body[0] == '\r')) {
		body++;
		n--;
	}
	if (n == 0)
		return xstrdup(nattachments > 0 ? "(no text; see the attachments)" : "(empty message)");
	w->full_text = xstrndup(body, n);
	if (utf8_len(w->full_text) <= DESCRIPTION_MAX) {
		char *d = w->full_text;

		w->full_text = NULL;
		return d;
	}
	*cut = 1;
	buf_init(&b, (size_t)-1 / 2);
	buf_add(&b, w->full_text, utf8_prefix(w->full_text, DESCRIPTION_MAX - 100, &chars));
	buf_adds(&b, "\n\n[... cut here; the whole text is attached as message.txt]");
	return buf_detach(&b, NULL);
}

/* A name or type as intake takes it: one line of 1..max characters, else NULL. */
static char *fit(char *s, size_t max)
{
	char *t;

	if (s == NULL)
		return NULL;
	t = one_line(s, strlen(s), max);
	free(s);
	if (t[0] == '\0') {
		free(t);
		return NULL;
	}
	return t;
}

static void add_mime_attachments(struct intake_attachment *att, size_t *n,
				 struct mime_message *m)
{
	for (size_t i = 0; m != NULL && i < m->nattachments; i++) {
		m->attachments[i].filename = fit(m->attachments[i].filename, 255);
		m->attachments[i].content_type = fit(m->attachments[i].content_type, 127);
		att[*n].filename = m->attachments[i].filename;
		att[*n].declared_type = m->attachments[i].content_type;
		att[*n].data = m->attachments[i].data;
		att[*n].len = m->attachments[i].len;
		(*n)++;
	}
}

/* An address intake takes (and mail can be sent to): one '@' with text on
 * both sides, 3..254 bytes, no blanks, controls, brackets, ',' or ';'. */
static int email_ok(const char *a)
{
	const char *at = a ? strchr(a, '@') : NULL;

	if (at == NULL || at == a || at[1] == '\0' || strchr(at + 1, '@') != NULL ||
	    strlen(a) < 3 || strlen(a) > 254)
		return 0;
	for (const unsigned char *p = (const unsigned char *)a; *p; p++)
		if (*p <= ' ' || *p == 0x7f || strchr("<>()[]\\,;:\"", *p) != NULL)
			return 0;
	return 1;
}

/* body with the armored block replaced by plain. */
static char *replace_block(const char *body, const char *block, const char *plain)
{
	const char *at = strstr(body, block);
	struct buf b;

	if (at == NULL)
		return xstrdup(plain);
	buf_init(&b, (size_t)-1 / 2);
	buf_add(&b, body, (size_t)(at - body));
	buf_adds(&b, plain);
	if (plain[0] != '\0' && plain[strlen(plain) - 1] != '\n')
		buf_adds(&b, "\n");
	buf_adds(&b, at + strlen(block));
	return buf_detach(&b, NULL);
}

static void undecrypted(struct owned *w, const char *why)
{
	w->pub.pgp = MAIL_PGP_UNDECRYPTED;
	snprintf(w->pub.pgp_error, sizeof(w->pub.pgp_error), "%s", why);
}

/* Decrypt w->outer's PGP payload; set *body and *subject to what to use. */
static void decrypt(struct owned *w, const struct mail_in_options *o, const char **body,
		    const char **subject)
{
	struct mime_message *m = w->outer;
	unsigned char *plain = NULL;
	size_t plen = 0;
	struct err sub = ERR_INIT;

	if (o->pgp == NULL) {
		undecrypted(w, "no OpenPGP key is configured");
	} else if (pgp_decrypt(o->pgp, m->pgp_data, m->pgp_len, o->limits.max_total, &plain, &plen,
			       &sub) < 0) {
		undecrypted(w, sub.msg);
	} else if (m->pgp_mime) {
		w->pub.pgp = MAIL_PGP_DECRYPTED;
		if (mime_parse_entity(&w->inner, plain, plen, &o->limits, &sub) == 0) {
			*body = w->inner->body;
			if (w->inner->subject != NULL && w->inner->subject[0] != '\0')
				*subject = w->inner->subject;
		} else {
			w->text = mime_to_utf8(plain, plen, NULL, NULL);
			*body = w->text;
		}
	} else {
		char *text = mime_to_utf8(plain, plen, NULL, NULL);

		w->pub.pgp = MAIL_PGP_DECRYPTED;
		w->text = replace_block(m->body, (const char *)m->pgp_data, text);
		*body = w->text;
		free(text);
	}
	free(plain);
	if (w->pub.pgp == MAIL_PGP_UNDECRYPTED && m->pgp_mime) {
		struct buf b;

		buf_init(&b, (size_t)-1 / 2);
		buf_addf(&b, "（加密邮件无法解密 / the encrypted message could not be decrypted: %s; "
			     "the encrypted part is attached as encrypted.asc）\n\n%s",
			 w->pub.pgp_error, m->body);
		w->text = buf_detach(&b, NULL);
		*body = w->text;
	}
}

int mail_in_parse(struct mail_in **out, const void *raw, size_t len,
		  const struct mail_in_options *o, struct err *e)
{
	struct owned *w;
	struct intake_report *r;
	const char *body, *subject;
	size_t natt = 0, n;
	int cut;

	*out = NULL;
	if (o->max_bytes > 0 && len > o->max_bytes)
		return err_set(e, ERR_TOO_LARGE, "message of %zu bytes is over the limit of %zu bytes",
			       len, o->max_bytes);
	w = xcalloc(1, sizeof(*w));
	if (mime_parse_message(&w->outer, raw, len, &o->limits, e) < 0) {
		mail_in_free(&w->pub);
		return -1;
	}
	body = w->outer->body;
	subject = w->outer->subject;
	if (w->outer->pgp_data != NULL)
		decrypt(w, o, &body, &subject);

	r = &w->pub.report;
	w->pub.subject = subject;
	w->pub.message_id = w->outer->message_id;
	n = w->outer->nattachments + (w->inner ? w->inner->nattachments : 0) + 2;
	w->att = xcalloc(n, sizeof(*w->att));
	add_mime_attachments(w->att, &natt, w->outer);
	add_mime_attachments(w->att, &natt, w->inner);
	if (w->pub.pgp == MAIL_PGP_UNDECRYPTED && w->outer->pgp_mime) {
		w->att[natt].filename = "encrypted.asc";
		w->att[natt].declared_type = "application/pgp-encrypted";
		w->att[natt].data = w->outer->pgp_data;
		w->att[natt].len = w->outer->pgp_len;
		natt++;
	}
	w->description = make_description(w, body, natt, &cut);
	clean_controls(w->description);
	clean_controls(w->full_text);
	if (cut) {
		w->att[natt].filename = "message.txt";
		w->att[natt].declared_type = "text/plain";
		w->att[natt].data = (const unsigned char *)w->full_text;
		w->att[natt].len = strlen(w->full_text);
		natt++;
	}
	w->title = make_title(subject, body);
	find_products(w, w->full_text ? w->full_text : w->description);

	r->title = w->title;
	r->description = w->description;
	r->language = has_cjk(w->title) || has_cjk(w->description) ? "zh-CN" : "en";
	r->product_name = w->product[0] ? w->product[0] : "(not stated)";
	r->product_model = w->product[1];
	r->product_version = w->product[2];
	w->outer->from_name = fit(w->outer->from_name, FIELD_MAX);
	r->reporter_name = w->outer->from_name;
	r->reporter_email = email_ok(w->outer->from_addr) ? w->outer->from_addr : NULL;
	r->attachments = natt > 0 ? w->att : NULL;
	r->nattachments = natt;
	w->raw = xmalloc(len + 1);
	if (len > 0)
		memcpy(w->raw, raw, len);
	w->raw[len] = '\0';
	r->raw = w->raw;
	r->raw_len = len;
	*out = &w->pub;
	return 0;
}

void mail_in_free(struct mail_in *m)
{
	struct owned *w = (struct owned *)m;

	if (w == NULL)
		return;
	mime_message_free(w->outer);
	mime_message_free(w->inner);
	free(w->text);
	free(w->title);
	free(w->description);
	for (int i = 0; i < 3; i++)
		free(w->product[i]);
	free(w->raw);
	free(w->full_text);
	free(w->att);
	free(w);
}
