/* mime.c - e-mail and multipart/form-data parsing with GMime 3, and text/plain message building. */
#include "formats/mime.h"

#include <errno.h>
#include <gmime/gmime.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/mem.h"

/* ---- GMime, once per process ------------------------------------------- */

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_init_once(void)
{
	g_mime_init();
}

static void mime_init(void)
{
	pthread_once(&gmime_once, gmime_init_once);
}

/* Critical parser warnings that make an input malformed. */
struct warnings {
	int crit;
	GMimeParserWarning code;
};

static void on_warning(gint64 offset, GMimeParserWarning code, const gchar *item, gpointer arg)
{
	struct warnings *w = arg;

	(void)offset;
	(void)item;
	if (w->crit)
		return;
	if (code == GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY || code == GMIME_CRIT_NESTING_OVERFLOW) {
		w->crit = 1;
		w->code = code;
	}
}

static const char *fallback_charsets[] = { "UTF-8", "GB18030", NULL };

static GMimeParserOptions *parser_options(struct warnings *w)
{
	GMimeParserOptions *o = g_mime_parser_options_new();

	g_mime_parser_options_set_fallback_charsets(o, fallback_charsets);
	g_mime_parser_options_set_rfc2047_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_address_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_warning_callback(o, on_warning, w);
	return o;
}

/* ---- bounding GMime's memory before it parses ---------------------------
 *
 * GMime builds an object of about 1.3 KB for every MIME part and about 0.5 KB
 * for every header line, parameter and address, so a 25 MB message of tiny
 * parts or headers would cost gigabytes.  Before parsing, count the lines
 * that can start a part (they begin with "--") and the header items (lines,
 * ';' and ',') of every block that can be a header block: the top, the block
 * after a "--" line, and the block after a header block that names a
 * message/ type or is empty (a multipart/digest part).  Both are upper
 * bounds of what GMime will build.
 */

static int ascii_has(const char *p, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (g_ascii_strncasecmp(p + i, needle, k) == 0)
			return 1;
	return 0;
}

static int prescan(const char *d, size_t n, const struct mime_limits *lim, struct err *e)
{
	size_t dash_max = lim->max_parts * 8 + 64, item_max = lim->max_parts * 64 + 1024;
	size_t dashes = 0, items = 0, block_lines = 0;
	int in_headers = 1, nested = 0;
	const char *p = d, *end = d + n;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		size_t len = (size_t)(eol - p);

		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (len >= 2 && p[0] == '-' && p[1] == '-') {
			if (++dashes > dash_max)
				return err_set(e, ERR_TOO_LARGE, "message has more than %zu MIME parts",
					       lim->max_parts);
			in_headers = 1;
			nested = 0;
			block_lines = 0;
		} else if (in_headers) {
			if (len == 0) {
				/* the end of a header block */
				in_headers = nested || block_lines == 0;
				nested = 0;
				block_lines = 0;
			} else {
				items++;
				block_lines++;
				for (size_t i = 0; i < len; i++)
					items += p[i] == ';' || p[i] == ',';
				if (!nested && ascii_has(p, len, "message/"))
					nested = 1;
				if (items > item_max)
					return err_set(e, ERR_TOO_LARGE,
						       "message has more than %zu header fields, "
						       "parameters and addresses", item_max);
			}
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* ---- charsets ------------------------------------------------------------ */

static const char *iconv_name(const char *charset)
{
	static const struct {
		const char *alias, *name;
	} map[] = {
		{ "gb2312", "GB18030" }, { "gbk", "GB18030" }, { "x-gbk", "GB18030" },
		{ "cp936", "GB18030" }, { "ms936", "GB18030" }, { "windows-936", "GB18030" },
		{ "euc-cn", "GB18030" }, { "x-euc-cn", "GB18030" }, { "csgb2312", "GB18030" },
		{ "gb_2312-80", "GB18030" }, { "gb18030", "GB18030" }, { "big5", "BIG5-HKSCS" },
		{ "x-big5", "BIG5-HKSCS" }, { "cn-big5", "BIG5-HKSCS" }, { "csbig5", "BIG5-HKSCS" },
		{ "big5-hkscs", "BIG5-HKSCS" }, { "cp950", "CP950" }, { "utf-8", "UTF-8" },
		{ "utf8", "UTF-8" }, { "us-ascii", NULL }, { "ascii", NULL }, { "ansi_x3.4-1968", NULL },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (g_ascii_strcasecmp(charset, map[i].alias) == 0)
			return map[i].name;
	return g_mime_charset_iconv_name(charset);
}

/* Valid UTF-8, NUL bytes allowed. */
static int utf8_valid(const char *p, size_t n)
{
	while (n > 0) {
		const gchar *stop;

		if (g_utf8_validate(p, (gssize)n, &stop))
			return 1;
		if (*stop != '\0')
			return 0;
		n -= (size_t)(stop - p) + 1;
		p = stop + 1;
	}
	return 1;
}

/* from -> UTF-8 with U+FFFD for what does not convert; *bad counts those,
 * *out_len gets the length.  NULL if iconv does not know from. */
static char *convert(const char *in, size_t len, const char *from, size_t *out_len, size_t *bad)
{
	GIConv cd = g_iconv_open("UTF-8", from);
	struct buf b;
	char tmp[4096];

	*bad = 0;
	if (cd == (GIConv)-1)
		return NULL;
	buf_init(&b, (size_t)-1 / 2);
	buf_add(&b, "", 0);
	while (len > 0) {
		gchar *ip = (gchar *)in, *op = tmp;
		gsize il = len, ol = sizeof(tmp);
		gsize r = g_iconv(cd, &ip, &il, &op, &ol);

		buf_add(&b, tmp, (size_t)(op - tmp));
		in = ip;
		len = il;
		if (r == (gsize)-1 && errno != E2BIG) {
			/* EILSEQ or EINVAL (a truncated sequence at the end): skip a byte */
			buf_adds(&b, "\xEF\xBF\xBD");
			(*bad)++;
			in++;
			len--;
			g_iconv(cd, NULL, NULL, NULL, NULL);
		}
	}
	{
		gchar *op = tmp;
		gsize ol = sizeof(tmp);

		g_iconv(cd, NULL, NULL, &op, &ol);
		buf_add(&b, tmp, (size_t)(op - tmp));
	}
	g_iconv_close(cd);
	return buf_detach(&b, out_len);
}

/* p[0..n) as a new string, invalid sequences as U+FFFD. */
static char *make_valid(const char *p, size_t n)
{
	gchar *g = g_utf8_make_valid(p, (gssize)n);
	char *s = xstrdup(g);

	g_free(g);
	return s;
}

/* Drop NUL bytes (they would end the string early); return the new length. */
static size_t drop_nul(char *s, size_t n)
{
	size_t j = 0;

	for (size_t i = 0; i < n; i++)
		if (s[i] != '\0')
			s[j++] = s[i];
	s[j] = '\0';
	return j;
}

char *mime_to_utf8(const void *data, size_t len, const char *charset, size_t *out_len)
{
	const char *in = data ? data : "";
	const char *name = charset && charset[0] ? iconv_name(charset) : NULL;
	char *s = NULL;
	size_t bad = 0, n = 0;

	mime_init();
	if (name != NULL && g_ascii_strcasecmp(name, "UTF-8") != 0) {
		s = convert(in, len, name, &n, &bad);
		if (s != NULL && bad > 0 && utf8_valid(in, len)) {
			free(s);
			s = NULL;
		}
	}
	if (s == NULL && utf8_valid(in, len)) {
		s = xmalloc(len + 1);
		memcpy(s, in, len);
		s[len] = '\0';
		n = len;
	}
	if (s == NULL) {
		s = convert(in, len, "GB18030", &n, &bad);
		if (s == NULL || bad > 0) {
			/* neither: UTF-8 with U+FFFD for the bytes that are not */
			char *c = xmalloc(len + 1);

			free(s);
			memcpy(c, in, len);
			n = drop_nul(c, len);
			s = make_valid(c, n);
			free(c);
			n = strlen(s);
		}
	}
	n = drop_nul(s, n);
	if (out_len)
		*out_len = n;
	return s;
}

/* A GMime string (meant to be UTF-8) as a new valid UTF-8 string, or NULL. */
static char *dup_utf8(const char *s)
{
	if (s == NULL)
		return NULL;
	if (g_utf8_validate(s, -1, NULL))
		return xstrdup(s);
	return make_valid(s, strlen(s));
}

/* ---- HTML to text -------------------------------------------------------- */

struct text_out {
	struct buf *b;
	int space;   /* a blank is pending */
	int nl;      /* newlines at the end of the output */
};

static void out_nl(struct text_out *t, int n)
{
	t->space = 0;
	if (t->b->len == 0)
		return;
	while (t->nl < n) {
		buf_add(t->b, "\n", 1);
		t->nl++;
	}
}

static void out_text(struct text_out *t, const char *s, size_t n)
{
	if (n == 0)
		return;
	if (t->space && t->nl == 0 && t->b->len > 0)
		buf_add(t->b, " ", 1);
	t->space = 0;
	buf_add(t->b, s, n);
	t->nl = 0;
}

static void out_char(struct text_out *t, gunichar c)
{
	char u[8];
	int n;

	if (c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		c = 0xFFFD;
	n = g_unichar_to_utf8(c, u);
	out_text(t, u, (size_t)n);
}

static size_t html_entity(const char *p, size_t n, struct text_out *t)
{
	static const struct {
		const char *name;
		gunichar c;
	} named[] = {
		{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
		{ "nbsp", ' ' }, { "copy", 0xA9 }, { "reg", 0xAE }, { "mdash", 0x2014 },
		{ "ndash", 0x2013 }, { "hellip", 0x2026 }, { "laquo", 0xAB }, { "raquo", 0xBB },
		{ "ldquo", 0x201C }, { "rdquo", 0x201D }, { "lsquo", 0x2018 }, { "rsquo", 0x2019 },
		{ "middot", 0xB7 }, { "times", 0xD7 }, { "yen", 0xA5 }, { "euro", 0x20AC },
	};
	size_t i = 1;

	/* p[0] == '&' */
	if (i < n && p[i] == '#') {
		gunichar c = 0;
		int hex = 0, digits = 0;

		i++;
		if (i < n && (p[i] == 'x' || p[i] == 'X')) {
			hex = 1;
			i++;
		}
		while (i < n && (hex ? g_ascii_isxdigit(p[i]) : g_ascii_isdigit(p[i]))) {
			if (c <= 0x10FFFF)
				c = c * (hex ? 16 : 10) +
				    (gunichar)(hex ? g_ascii_xdigit_value(p[i]) : p[i] - '0');
			i++;
			digits++;
		}
		if (digits == 0)
			return 0;
		if (i < n && p[i] == ';')
			i++;
		if (c == 0xA0)
			c = ' ';
		out_char(t, c);
		return i;
	}
	for (size_t k = 0; k < sizeof(named) / sizeof(named[0]); k++) {
		size_t len = strlen(named[k].name);

		if (n >= len + 2 && memcmp(p + 1, named[k].name, len) == 0 && p[len + 1] == ';') {
			if (named[k].c == ' ')
				out_text(t, " ", 1);
			else
				out_char(t, named[k].c);
			return len + 2;
		}
	}
	return 0;
}

/* Skip past the end of the tag starting at p[0] == '<' (quotes respected). */
static size_t tag_end(const char *p, size_t n)
{
	char quote = 0;

	for (size_t i = 1; i < n; i++) {
		if (quote) {
			if (p[i] == quote)
				quote = 0;
		} else if (p[i] == '"' || p[i] == '\'') {
			quote = p[i];
		} else if (p[i] == '>') {
			return i + 1;
		}
	}
	return n;
}

static int name_is(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(name, *list) == 0)
			return 1;
	return 0;
}

char *mime_html_to_text(const char *html, size_t len)
{
	static const char *const skip[] = { "script", "style", "title", "noscript", "template",
					    NULL };
	static const char *const para[] = { "p", "h1", "h2", "h3", "h4", "h5", "h6", "table",
					    "blockquote", "pre", "ul", "ol", "hr", NULL };
	static const char *const line[] = { "br", "div", "tr", "li", "dt", "dd", "section",
					     "article", "header", "footer", "address", NULL };
	struct buf b;
	struct text_out t = { &b, 0, 0 };
	size_t i = 0;

	buf_init(&b, len * 4 + 64);
	buf_add(&b, "", 0);
	while (i < len) {
		char c = html[i];

		if (c == '<') {
			char name[16];
			size_t j = i + 1, k = 0, end;
			int closing = 0;

			if (len - i >= 4 && memcmp(html + i, "<!--", 4) == 0) {
				const char *stop = g_strstr_len(html + i + 4, (gssize)(len - i - 4), "-->");
				i = stop ? (size_t)(stop - html) + 3 : len;
				continue;
			}
			if (j < len && html[j] == '/') {
				closing = 1;
				j++;
			}
			while (j < len && k < sizeof(name) - 1 && g_ascii_isalnum(html[j]))
				name[k++] = g_ascii_tolower(html[j++]);
			name[k] = '\0';
			if (k == 0 && !(j < len && (html[j] == '!' || html[j] == '?'))) {
				/* a lone '<' is text */
				out_text(&t, "<", 1);
				i++;
				continue;
			}
			end = i + tag_end(html + i, len - i);
			i = end;
			if (!closing && name_is(name, skip)) {
				/* skip to </name> */
				while (i < len) {
					const char *lt = memchr(html + i, '<', len - i);

					if (lt == NULL) {
						i = len;
						break;
					}
					i = (size_t)(lt - html);
					if (len - i >= k + 2 && html[i + 1] == '/' &&
					    g_ascii_strncasecmp(html + i + 2, name, k) == 0 &&
					    (len - i == k + 2 || !g_ascii_isalnum(html[i + 2 + k]))) {
						i += tag_end(html + i, len - i);
						break;
					}
					i++;
				}
				continue;
			}
			if (name_is(name, para))
				out_nl(&t, 2);
			else if (name_is(name, line))
				out_nl(&t, 1);
			else if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0)
				t.space = 1;
			if (!closing && strcmp(name, "li") == 0)
				out_text(&t, "- ", 2);
			continue;
		}
		if (c == '&') {
			size_t used = html_entity(html + i, len - i, &t);

			if (used > 0) {
				i += used;
				continue;
			}
			out_text(&t, "&", 1);
			i++;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f') {
			t.space = 1;
			i++;
			continue;
		}
		{
			size_t j = i;

			while (j < len && html[j] != '<' && html[j] != '&' && html[j] != ' ' &&
			       html[j] != '\t' && html[j] != '\r' && html[j] != '\n' && html[j] != '\f')
				j++;
			out_text(&t, html + i, j - i);
			i = j;
		}
	}
	/* no trailing blank lines */
	while (b.len > 0 && b.data[b.len - 1] == '\n')
		b.data[--b.len] = '\0';
	{
		char *s = buf_detach(&b, NULL);

		if (!g_utf8_validate(s, -1, NULL)) {
			char *v = make_valid(s, strlen(s));
			free(s);
			s = v;
		}
		return s;
	}
}

/* ---- parsing ------------------------------------------------------------- */

struct parse {
	const struct mime_limits *lim;
	struct mime_message *m;
	struct err *e;
	size_t parts;
	size_t total;
	struct buf body;
	int have_body;
	size_t aatt;
};

/* The transfer-decoded content of part, as a new buffer (NUL-terminated). */
static int part_bytes(struct parse *ps, GMimePart *part, unsigned char **out, size_t *len)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *s;
	GByteArray *ba;
	int rc = 0;

	*out = NULL;
	*len = 0;
	s = g_mime_stream_mem_new();
	if (w != NULL && g_mime_data_wrapper_write_to_stream(w, s) < 0) {
		rc = err_set(ps->e, ERR_MALFORMED, "a MIME part cannot be decoded");
		goto out;
	}
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
	if (ba->len > ps->lim->max_part_size) {
		rc = err_set(ps->e, ERR_TOO_LARGE, "a MIME part is larger than %zu bytes",
			     ps->lim->max_part_size);
		goto out;
	}
	if (ba->len > ps->lim->max_total - ps->total) {
		rc = err_set(ps->e, ERR_TOO_LARGE, "MIME parts are larger than %zu bytes in all",
			     ps->lim->max_total);
		goto out;
	}
	ps->total += ba->len;
	*out = xmalloc(ba->len + 1);
	if (ba->len > 0)
		memcpy(*out, ba->data, ba->len);
	(*out)[ba->len] = '\0';
	*len = ba->len;
out:
	g_object_unref(s);
	return rc;
}

static struct mime_attachment *new_attachment(struct parse *ps)
{
	struct mime_message *m = ps->m;

	if (m->nattachments == ps->aatt) {
		ps->aatt = ps->aatt ? ps->aatt * 2 : 4;
		m->attachments = xrealloc(m->attachments, ps->aatt * sizeof(*m->attachments));
	}
	memset(&m->attachments[m->nattachments], 0, sizeof(*m->attachments));
	return &m->attachments[m->nattachments++];
}

static char *content_type_of(GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	char *t, *s;

	if (ct == NULL || g_mime_object_get_header(obj, "Content-Type") == NULL)
		return NULL;
	t = g_mime_content_type_get_mime_type(ct);
	if (t == NULL)
		return NULL;
	s = g_ascii_strdown(t, -1);
	g_free(t);
	t = dup_utf8(s);
	g_free(s);
	return t;
}

/* Text of a text/plain or text/html part as UTF-8 with \n line ends. */
static int part_text(struct parse *ps, GMimePart *part, int html, char **out)
{
	unsigned char *raw;
	size_t len, n, j = 0;
	char *s;

	*out = NULL;
	if (part_bytes(ps, part, &raw, &len) < 0)
		return -1;
	s = mime_to_utf8(raw, len,
			 g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset"), &n);
	free(raw);
	if (html) {
		char *t = mime_html_to_text(s, n);

		free(s);
		s = t;
		n = strlen(s);
	}
	for (size_t i = 0; i < n; i++)
		if (!(s[i] == '\r' && i + 1 < n && s[i + 1] == '\n'))
			s[j++] = s[i];
	s[j] = '\0';
	*out = s;
	return 0;
}

static int add_attachment(struct parse *ps, GMimePart *part)
{
	struct mime_attachment *a;
	unsigned char *data;
	size_t len;

	if (part_bytes(ps, part, &data, &len) < 0)
		return -1;
	a = new_attachment(ps);
	a->data = data;
	a->len = len;
	a->filename = dup_utf8(g_mime_part_get_filename(part));
	a->content_type = content_type_of(GMIME_OBJECT(part));
	return 0;
}

static int add_message_attachment(struct parse *ps, GMimeMessagePart *mp)
{
	GMimeMessage *inner = g_mime_message_part_get_message(mp);
	GMimeStream *s = g_mime_stream_mem_new();
	struct mime_attachment *a;
	GByteArray *ba;
	int rc = 0;

	if (inner != NULL)
		g_mime_object_write_to_stream(GMIME_OBJECT(inner), NULL, s);
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
	if (ba->len > ps->lim->max_part_size || ba->len > ps->lim->max_total - ps->total) {
		rc = err_set(ps->e, ERR_TOO_LARGE, "an attached message is larger than allowed");
		goto out;
	}
	ps->total += ba->len;
	a = new_attachment(ps);
	a->data = xmalloc(ba->len + 1);
	if (ba->len > 0)
		memcpy(a->data, ba->data, ba->len);
	a->data[ba->len] = '\0';
	a->len = ba->len;
	a->filename = dup_utf8(
		g_mime_object_get_content_disposition_parameter(GMIME_OBJECT(mp), "filename"));
	a->content_type = content_type_of(GMIME_OBJECT(mp));
	if (a->content_type == NULL)
		a->content_type = xstrdup("message/rfc822");
out:
	g_object_unref(s);
	return rc;
}

static int is_text(GMimeObject *obj, const char *subtype)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);

	return ct != NULL && g_mime_content_type_is_type(ct, "text", subtype);
}

/* A text part meant to be read in the message, not a file attached to it. */
static int is_inline_text(GMimeObject *obj, int *html)
{
	GMimeContentDisposition *d = g_mime_object_get_content_disposition(obj);

	if (!GMIME_IS_PART(obj))
		return 0;
	if (d != NULL && g_mime_content_disposition_is_attachment(d))
		return 0;
	if (g_mime_part_get_filename(GMIME_PART(obj)) != NULL)
		return 0;
	*html = is_text(obj, "html");
	return *html || is_text(obj, "plain");
}

static int walk(struct parse *ps, GMimeObject *obj, size_t depth);

/* Nothing but blanks added to b since it was before bytes long? */
static int blank_since(const struct buf *b, size_t before)
{
	for (size_t i = before; i < b->len; i++)
		if (b->data[i] != ' ' && b->data[i] != '\t' && b->data[i] != '\n' &&
		    b->data[i] != '\r')
			return 0;
	return 1;
}

static int walk_children(struct parse *ps, GMimeMultipart *mp, size_t depth)
{
	int n = g_mime_multipart_get_count(mp);

	for (int i = 0; i < n; i++)
		if (walk(ps, g_mime_multipart_get_part(mp, i), depth + 1) < 0)
			return -1;
	return 0;
}

static int walk(struct parse *ps, GMimeObject *obj, size_t depth)
{
	int html = 0;

	if (obj == NULL)
		return 0;
	if (++ps->parts > ps->lim->max_parts)
		return err_set(ps->e, ERR_TOO_LARGE, "message has more than %zu MIME parts",
			       ps->lim->max_parts);
	if (depth > ps->lim->max_depth)
		return err_set(ps->e, ERR_MALFORMED, "MIME parts are nested deeper than %zu",
			       ps->lim->max_depth);
	if (GMIME_IS_MULTIPART_ENCRYPTED(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		GMimeObject *enc;

		ps->m->pgp_mime = 1;
		if (g_mime_multipart_get_count(mp) <= GMIME_MULTIPART_ENCRYPTED_CONTENT)
			return 0;
		enc = g_mime_multipart_get_part(mp, GMIME_MULTIPART_ENCRYPTED_CONTENT);
		if (ps->m->pgp_data == NULL && GMIME_IS_PART(enc))
			return part_bytes(ps, GMIME_PART(enc), &ps->m->pgp_data, &ps->m->pgp_len);
		return 0;
	}
	if (GMIME_IS_MULTIPART_SIGNED(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);

		if (g_mime_multipart_get_count(mp) > GMIME_MULTIPART_SIGNED_CONTENT)
			return walk(ps, g_mime_multipart_get_part(mp, GMIME_MULTIPART_SIGNED_CONTENT),
				    depth + 1);
		return 0;
	}
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		GMimeContentType *ct = g_mime_object_get_content_type(obj);
		int n = g_mime_multipart_get_count(mp), best = -1, best_rank = 0, html_alt = -1;
		size_t before = ps->body.len;
		int had_body = ps->have_body;

		if (ct == NULL || !g_mime_content_type_is_type(ct, "multipart", "alternative"))
			return walk_children(ps, mp, depth);
		/* one alternative: text/plain, else text/html, else a multipart, else the first */
		for (int i = 0; i < n; i++) {
			GMimeObject *c = g_mime_multipart_get_part(mp, i);
			int rank = 1, h = 0;

			if (is_inline_text(c, &h))
				rank = h ? 3 : 4;
			else if (GMIME_IS_MULTIPART(c))
				rank = 2;
			if (rank == 3 && html_alt < 0)
				html_alt = i;
			if (rank > best_rank) {
				best = i;
				best_rank = rank;
			}
		}
		if (best < 0 || walk(ps, g_mime_multipart_get_part(mp, best), depth + 1) < 0)
			return best < 0 ? 0 : -1;
		/* an empty text/plain next to a text/html: the html is the text */
		if (best_rank == 4 && html_alt >= 0 && blank_since(&ps->body, before)) {
			ps->body.len = before;
			ps->body.data[before] = '\0';
			ps->have_body = had_body;
			return walk(ps, g_mime_multipart_get_part(mp, html_alt), depth + 1);
		}
		return 0;
	}
	if (GMIME_IS_MESSAGE_PART(obj))
		return add_message_attachment(ps, GMIME_MESSAGE_PART(obj));
	if (!GMIME_IS_PART(obj))
		return 0;
	if (is_inline_text(obj, &html) && (!ps->have_body || !html)) {
		char *text;
		int rc;

		if (part_text(ps, GMIME_PART(obj), html, &text) < 0)
			return -1;
		if (ps->have_body && ps->body.len > 0 && buf_add(&ps->body, "\n", 1) < 0)
			rc = -1;
		else
			rc = buf_adds(&ps->body, text);
		free(text);
		if (rc < 0)
			return err_set(ps->e, ERR_TOO_LARGE, "message text is longer than %zu bytes",
				       ps->lim->max_total);
		if (!ps->have_body)
			ps->m->body_from_html = html;
		ps->have_body = 1;
		return 0;
	}
	return add_attachment(ps, GMIME_PART(obj));
}

/* An inline "-----BEGIN PGP MESSAGE-----" block of the body. */
static void find_inline_pgp(struct mime_message *m)
{
	static const char begin[] = "-----BEGIN PGP MESSAGE-----", end[] = "-----END PGP MESSAGE-----";
	const char *p = m->body, *q;
	size_t n;

	while ((p = strstr(p, begin)) != NULL && p != m->body && p[-1] != '\n')
		p += sizeof(begin) - 1;
	if (p == NULL)
		return;
	m->pgp_inline = 1;
	if (m->pgp_data != NULL)
		return;
	q = strstr(p, end);
	if (q != NULL) {
		q += sizeof(end) - 1;
		q += strcspn(q, "\n");
		if (*q == '\n')
			q++;
	} else {
		q = p + strlen(p);
	}
	n = (size_t)(q - p);
	m->pgp_data = xmalloc(n + 1);
	memcpy(m->pgp_data, p, n);
	m->pgp_data[n] = '\0';
	m->pgp_len = n;
}

static InternetAddressMailbox *first_mailbox(InternetAddressList *l, int depth)
{
	int n = l ? internet_address_list_length(l) : 0;

	for (int i = 0; i < n; i++) {
		InternetAddress *a = internet_address_list_get_address(l, i);

		if (INTERNET_ADDRESS_IS_MAILBOX(a))
			return INTERNET_ADDRESS_MAILBOX(a);
		if (INTERNET_ADDRESS_IS_GROUP(a) && depth < 2) {
			InternetAddressMailbox *mb = first_mailbox(
				internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)), depth + 1);
			if (mb != NULL)
				return mb;
		}
	}
	return NULL;
}

static void set_from(struct mime_message *m, InternetAddressList *l)
{
	InternetAddressMailbox *mb = first_mailbox(l, 0);
	const char *name, *addr;

	if (mb == NULL)
		return;
	name = internet_address_get_name(INTERNET_ADDRESS(mb));
	addr = internet_address_mailbox_get_addr(mb);
	if (name != NULL && name[0] != '\0')
		m->from_name = dup_utf8(name);
	if (addr != NULL && addr[0] != '\0')
		m->from_addr = dup_utf8(addr);
}

static char *trimmed_header(GMimeObject *obj, const char *name)
{
	const char *v = g_mime_object_get_header(obj, name);
	char *s;

	if (v == NULL)
		return NULL;
	s = dup_utf8(v);
	g_strstrip(s);
	return s;
}

static void message_headers(struct mime_message *m, GMimeMessage *msg)
{
	GDateTime *dt = g_mime_message_get_date(msg);
	const char *id = g_mime_message_get_message_id(msg);

	m->subject = dup_utf8(g_mime_message_get_subject(msg));
	set_from(m, g_mime_message_get_from(msg));
	m->date = trimmed_header(GMIME_OBJECT(msg), "Date");
	if (dt != NULL && m->date != NULL)
		m->date_us = (int64_t)g_date_time_to_unix(dt) * 1000000 +
			     g_date_time_get_microsecond(dt);
	if (id != NULL && id[0] != '\0')
		m->message_id = dup_utf8(id);
}

/* Subject, From, Date and Message-ID headers inside an entity (protected headers). */
static void entity_headers(struct mime_message *m, GMimeObject *obj, GMimeParserOptions *o)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
	GMimeHeader *h;

	m->subject = trimmed_header(obj, "Subject");
	h = hl ? g_mime_header_list_get_header(hl, "From") : NULL;
	if (h != NULL && g_mime_header_get_raw_value(h) != NULL) {
		InternetAddressList *l = internet_address_list_parse(o, g_mime_header_get_raw_value(h));

		if (l != NULL) {
			set_from(m, l);
			g_object_unref(l);
		}
	}
	m->date = trimmed_header(obj, "Date");
	if (m->date != NULL) {
		GDateTime *dt = g_mime_utils_header_decode_date(m->date);

		if (dt != NULL) {
			m->date_us = (int64_t)g_date_time_to_unix(dt) * 1000000 +
				     g_date_time_get_microsecond(dt);
			g_date_time_unref(dt);
		}
	}
	m->message_id = trimmed_header(obj, "Message-ID");
	if (m->message_id != NULL) {
		char *id = g_mime_utils_decode_message_id(m->message_id);

		free(m->message_id);
		m->message_id = id && id[0] ? dup_utf8(id) : NULL;
		g_free(id);
	}
}

static int parse(struct mime_message **out, const void *data, size_t len,
		 const struct mime_limits *lim, int entity, struct err *e)
{
	struct warnings w = { 0, 0 };
	GMimeParserOptions *o = NULL;
	GMimeStream *s = NULL;
	GMimeParser *p = NULL;
	GMimeMessage *msg = NULL;
	GMimeObject *obj = NULL;
	struct parse ps = { .lim = lim, .e = e };
	struct mime_message *m;
	int rc = -1;

	*out = NULL;
	mime_init();
	if (prescan(data, len, lim, e) < 0)
		return -1;
	m = xcalloc(1, sizeof(*m));
	ps.m = m;
	buf_init(&ps.body, lim->max_total);
	buf_add(&ps.body, "", 0);
	o = parser_options(&w);
	s = g_mime_stream_mem_new_with_buffer(data, len);
	p = g_mime_parser_new_with_stream(s);
	if (entity) {
		g_mime_parser_set_format(p, GMIME_FORMAT_MESSAGE);
		obj = g_mime_parser_construct_part(p, o);
	} else {
		msg = g_mime_parser_construct_message(p, o);
		if (msg != NULL) {
			GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));

			if (hl == NULL || g_mime_header_list_get_count(hl) == 0) {
				err_set(e, ERR_MALFORMED, "message has no header");
				goto out;
			}
			obj = g_mime_message_get_mime_part(msg);
		}
	}
	if ((entity ? obj : (GMimeObject *)msg) == NULL) {
		err_set(e, ERR_MALFORMED, "%s cannot be parsed as MIME",
			entity ? "entity" : "message");
		goto out;
	}
	if (w.crit) {
		err_set(e, ERR_MALFORMED, "%s",
			w.code == GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY
				? "a multipart has no boundary"
				: "MIME parts are nested too deeply");
		goto out;
	}
	if (walk(&ps, obj, 0) < 0)
		goto out;
	if (entity)
		entity_headers(m, obj, o);
	else
		message_headers(m, msg);
	m->body = buf_detach(&ps.body, NULL);
	find_inline_pgp(m);
	*out = m;
	m = NULL;
	rc = 0;
out:
	buf_release(&ps.body);
	mime_message_free(m);
	if (entity && obj != NULL)
		g_object_unref(obj);
	if (msg != NULL)
		g_object_unref(msg);
	if (p != NULL)
		g_object_unref(p);
	if (s != NULL)
		g_object_unref(s);
	g_mime_parser_options_free(o);
	return rc;
}

int mime_parse_message(struct mime_message **out, const void *data, size_t len,
		       const struct mime_limits *lim, struct err *e)
{
	return parse(out, data, len, lim, 0, e);
}

int mime_parse_entity(struct mime_message **out, const void *data, size_t len,
		      const struct mime_limits *lim, struct err *e)
{
	return parse(out, data, len, lim, 1, e);
}

void mime_message_free(struct mime_message *m)
{
	if (m == NULL)
		return;
	free(m->subject);
	free(m->from_name);
	free(m->from_addr);
	free(m->date);
	free(m->message_id);
	free(m->body);
	for (size_t i = 0; i < m->nattachments; i++) {
		free(m->attachments[i].filename);
		free(m->attachments[i].content_type);
		free(m->attachments[i].data);
	}
	free(m->attachments);
	free(m->pgp_data);
	free(m);
}

/* ---- multipart/form-data ------------------------------------------------- */

/* Does body hold the closing delimiter "--boundary--" at the start of a line? */
static int has_close(const char *body, size_t len, const char *boundary)
{
	size_t k = strlen(boundary);
	const char *p = body, *end = body + len;

	while (p < end) {
		if ((size_t)(end - p) >= k + 4 && p[0] == '-' && p[1] == '-' &&
		    memcmp(p + 2, boundary, k) == 0 && p[k + 2] == '-' && p[k + 3] == '-')
			return 1;
		p = memchr(p, '\n', (size_t)(end - p));
		if (p == NULL)
			break;
		p++;
	}
	return 0;
}

int mime_parse_form(struct mime_form **out, const char *content_type, const void *body,
		    size_t len, const struct mime_limits *lim, struct err *e)
{
	struct warnings w = { 0, 0 };
	GMimeParserOptions *o;
	GMimeContentType *ct = NULL;
	GMimeStream *s = NULL;
	GMimeParser *p = NULL;
	GMimeObject *obj = NULL;
	struct parse ps = { .lim = lim, .e = e };
	struct mime_form *f = NULL;
	struct buf in;
	const char *boundary;
	size_t afields = 0, afiles = 0;
	int rc = -1, n;

	*out = NULL;
	mime_init();
	o = parser_options(&w);
	buf_init(&in, (size_t)-1 / 2);
	if (content_type == NULL || strpbrk(content_type, "\r\n") != NULL ||
	    (ct = g_mime_content_type_parse(o, content_type)) == NULL ||
	    !g_mime_content_type_is_type(ct, "multipart", "form-data")) {
		err_set(e, ERR_MEDIA_TYPE, "content type is not multipart/form-data");
		goto out;
	}
	boundary = g_mime_content_type_get_parameter(ct, "boundary");
	if (boundary == NULL || boundary[0] == '\0' || strlen(boundary) > 200) {
		err_set(e, ERR_MALFORMED, "multipart/form-data has no boundary");
		goto out;
	}
	if (!has_close(body, len, boundary)) {
		err_set(e, ERR_MALFORMED, "multipart/form-data body is truncated (no closing boundary)");
		goto out;
	}
	buf_addf(&in, "Content-Type: %s\r\n\r\n", content_type);
	buf_add(&in, body, len);
	if (prescan(in.data, in.len, lim, e) < 0)
		goto out;
	s = g_mime_stream_mem_new_with_buffer(in.data, in.len);
	p = g_mime_parser_new_with_stream(s);
	g_mime_parser_set_format(p, GMIME_FORMAT_MESSAGE);
	obj = g_mime_parser_construct_part(p, o);
	if (obj == NULL || !GMIME_IS_MULTIPART(obj) || w.crit) {
		err_set(e, ERR_MALFORMED, "multipart/form-data body cannot be parsed");
		goto out;
	}
	f = xcalloc(1, sizeof(*f));
	n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
	if ((size_t)n > lim->max_parts) {
		err_set(e, ERR_TOO_LARGE, "form has more than %zu parts", lim->max_parts);
		goto out;
	}
	for (int i = 0; i < n; i++) {
		GMimeObject *c = g_mime_multipart_get_part(GMIME_MULTIPART(obj), i);
		GMimeContentDisposition *d;
		const char *name, *filename;
		unsigned char *data;
		size_t dlen;

		if (!GMIME_IS_PART(c)) {
			err_set(e, ERR_MALFORMED, "form part %d is not a single part", i + 1);
			goto out;
		}
		d = g_mime_object_get_content_disposition(c);
		name = d ? g_mime_content_disposition_get_parameter(d, "name") : NULL;
		if (d == NULL || g_ascii_strcasecmp(g_mime_content_disposition_get_disposition(d),
						    "form-data") != 0 || name == NULL) {
			err_set(e, ERR_MALFORMED, "form part %d has no form-data name", i + 1);
			goto out;
		}
		filename = g_mime_content_disposition_get_parameter(d, "filename");
		if (part_bytes(&ps, GMIME_PART(c), &data, &dlen) < 0)
			goto out;
		if (filename != NULL) {
			struct mime_form_file *ff;

			if (f->nfiles == afiles) {
				afiles = afiles ? afiles * 2 : 4;
				f->files = xrealloc(f->files, afiles * sizeof(*f->files));
			}
			ff = &f->files[f->nfiles++];
			ff->field = dup_utf8(name);
			ff->filename = dup_utf8(filename);
			ff->content_type = content_type_of(c);
			ff->data = data;
			ff->len = dlen;
		} else {
			struct mime_form_field *fv;

			if (f->nfields == afields) {
				afields = afields ? afields * 2 : 8;
				f->fields = xrealloc(f->fields, afields * sizeof(*f->fields));
			}
			fv = &f->fields[f->nfields++];
			fv->name = dup_utf8(name);
			fv->value = mime_to_utf8(data, dlen,
						 g_mime_object_get_content_type_parameter(c, "charset"),
						 NULL);
			free(data);
		}
	}
	*out = f;
	f = NULL;
	rc = 0;
out:
	mime_form_free(f);
	if (obj != NULL)
		g_object_unref(obj);
	if (p != NULL)
		g_object_unref(p);
	if (s != NULL)
		g_object_unref(s);
	if (ct != NULL)
		g_object_unref(ct);
	buf_release(&in);
	g_mime_parser_options_free(o);
	return rc;
}

const char *mime_form_get(const struct mime_form *f, const char *name)
{
	for (size_t i = 0; i < f->nfields; i++)
		if (strcmp(f->fields[i].name, name) == 0)
			return f->fields[i].value;
	return NULL;
}

void mime_form_free(struct mime_form *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->nfields; i++) {
		free(f->fields[i].name);
		free(f->fields[i].value);
	}
	for (size_t i = 0; i < f->nfiles; i++) {
		free(f->files[i].field);
		free(f->files[i].filename);
		free(f->files[i].content_type);
		free(f->files[i].data);
	}
	free(f->fields);
	free(f->files);
	free(f);
}

/* ---- building a text/plain message --------------------------------------- */

/* An address: printable ASCII or UTF-8, one '@' with text on both sides, no
 * blanks, controls, quotes or brackets. */
static int valid_addr(const char *a)
{
	const char *at;

	if (a == NULL || a[0] == '\0' || strlen(a) > 254)
		return 0;
	for (const unsigned char *p = (const unsigned char *)a; *p; p++)
		if (*p <= ' ' || *p == 0x7f || strchr("<>()[]\\,;:\"", *p) != NULL)
			return 0;
	at = strchr(a, '@');
	return at != NULL && at != a && at[1] != '\0' && strchr(at + 1, '@') == NULL &&
	       g_utf8_validate(a, -1, NULL);
}

static int is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* s with control characters as blanks, as a new string. */
static char *header_text(const char *s)
{
	char *t = make_valid(s, strlen(s));

	for (char *p = t; *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			*p = ' ';
	return t;
}

/* RFC 2047 Q-encoded words of UTF-8 s, folded, each at most 75 characters
 * and never splitting a character.  (Q, not B: GMime, and so this program,
 * decodes adjacent B words as one base64 stream, which loses everything
 * after a word that ends in '=' padding.) */
static void add_encoded_words(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s), i = 0, col = 0;
	int first = 1;

	while (i < n) {
		const char *c = s + i;
		size_t clen = (size_t)(g_utf8_next_char(c) - c), w = 0;
		char enc[16];

		for (size_t k = 0; k < clen && i + k < n; k++) {
			unsigned char u = (unsigned char)c[k];

			if (g_ascii_isalnum(u) || strchr("!*+-/", u) != NULL) {
				enc[w++] = (char)u;
			} else if (u == ' ') {
				enc[w++] = '_';
			} else {
				enc[w++] = '=';
				enc[w++] = hex[u >> 4];
				enc[w++] = hex[u & 15];
			}
		}
		if (first || col + w > 63) {
			buf_addf(b, "%s=?UTF-8?Q?", first ? "" : "?=\r\n ");
			col = 0;
			first = 0;
		}
		buf_add(b, enc, w);
		col += w;
		i += clen;
	}
	if (!first)
		buf_adds(b, "?=");
}

static void add_phrase(struct buf *b, const char *name)
{
	char *t = header_text(name);

	if (is_ascii(t) && strstr(t, "=?") == NULL) {
		buf_add(b, "\"", 1);
		for (const char *p = t; *p; p++) {
			if (*p == '"' || *p == '\\')
				buf_add(b, "\\", 1);
			buf_add(b, p, 1);
		}
		buf_add(b, "\"", 1);
	} else {
		add_encoded_words(b, t);
	}
	free(t);
}

static void add_mailbox(struct buf *b, const char *field, const char *name, const char *addr)
{
	buf_addf(b, "%s: ", field);
	if (name != NULL && name[0] != '\0') {
		add_phrase(b, name);
		buf_addf(b, " <%s>\r\n", addr);
	} else {
		buf_addf(b, "<%s>\r\n", addr);
	}
}

static void add_qp(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	while (*s) {
		size_t n = strcspn(s, "\n"), col = 0;

		if (n > 0 && s[n - 1] == '\r')
			n--;
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];
			char enc[3];
			size_t w;
			int literal = (c >= 33 && c <= 126 && c != '=') ||
				      ((c == ' ' || c == '\t') && i + 1 < n);

			if (i == 0 && c == '.')
				literal = 0;  /* no line starting with '.' */
			w = literal ? 1 : 3;
			if (col + w > 75) {
				buf_add(b, "=\r\n", 3);
				col = 0;
			}
			if (literal) {
				buf_add(b, &s[i], 1);
			} else {
				enc[0] = '=';
				enc[1] = hex[c >> 4];
				enc[2] = hex[c & 15];
				buf_add(b, enc, 3);
			}
			col += w;
		}
		buf_add(b, "\r\n", 2);
		s += strcspn(s, "\n");
		if (*s == '\n')
			s++;
	}
}

/* s in base64, its line ends first made CRLF (the canonical form of text). */
static void add_base64(struct buf *b, const char *s)
{
	struct buf crlf;
	gchar *b64;
	size_t n;

	buf_init(&crlf, (size_t)-1 / 2);
	buf_add(&crlf, "", 0);
	for (const char *p = s; *p; p++) {
		if (*p == '\n' && (p == s || p[-1] != '\r'))
			buf_add(&crlf, "\r", 1);
		buf_add(&crlf, p, 1);
	}
	b64 = g_base64_encode((const guchar *)crlf.data, crlf.len);
	buf_release(&crlf);
	n = strlen(b64);

	for (size_t i = 0; i < n; i += 76) {
		buf_add(b, b64 + i, n - i < 76 ? n - i : 76);
		buf_add(b, "\r\n", 2);
	}
	g_free(b64);
}

int mime_build_text(char **out, size_t *out_len, const struct mime_text_message *m,
		    struct err *e)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct buf b;
	struct tm tm;
	time_t t;
	char *subject, *body;
	const char *in_reply_to;

	*out = NULL;
	if (!valid_addr(m->from))
		return err_set(e, ERR_INVALID, "sender address \"%s\" is not valid",
			       m->from ? m->from : "");
	if (!valid_addr(m->to))
		return err_set(e, ERR_INVALID, "recipient address \"%s\" is not valid",
			       m->to ? m->to : "");
	if (!valid_addr(m->message_id))
		return err_set(e, ERR_INVALID, "message id \"%s\" is not valid",
			       m->message_id ? m->message_id : "");
	in_reply_to = m->in_reply_to != NULL && valid_addr(m->in_reply_to) ? m->in_reply_to : NULL;
	mime_init();
	t = (time_t)(m->date_us / 1000000);
	if (gmtime_r(&t, &tm) == NULL)
		return err_set(e, ERR_INVALID, "date is out of range");
	buf_init(&b, (size_t)-1 / 2);
	buf_addf(&b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday],
		 tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		 tm.tm_sec);
	add_mailbox(&b, "From", m->from_name, m->from);
	add_mailbox(&b, "To", m->to_name, m->to);
	subject = header_text(m->subject ? m->subject : "");
	buf_adds(&b, "Subject: ");
	if (is_ascii(subject) && strstr(subject, "=?") == NULL && strlen(subject) < 900)
		buf_adds(&b, subject);
	else
		add_encoded_words(&b, subject);
	buf_adds(&b, "\r\n");
	free(subject);
	buf_addf(&b, "Message-ID: <%s>\r\n", m->message_id);
	if (in_reply_to != NULL)
		buf_addf(&b, "In-Reply-To: <%s>\r\nReferences: <%s>\r\n", in_reply_to,
			 in_reply_to);
	body = make_valid(m->body ? m->body : "", m->body ? strlen(m->body) : 0);
	buf_addf(&b, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
		     "Content-Transfer-Encoding: %s\r\n\r\n",
		 is_ascii(body) ? "quoted-printable" : "base64");
	if (is_ascii(body))
		add_qp(&b, body);
	else
		add_base64(&b, body);
	free(body);
	*out = buf_detach(&b, out_len);
	return 0;
}
