/* static.c - the web UI from web/: files held in memory, pages as templates, zh-CN or en. */
#include "http/static.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/mem.h"
#include "http/route.h"
#include "http/server.h"
#include "service/intake.h"

#define MAX_FILE (4L << 20)       /* bytes of one file */
#define MAX_TOTAL (64L << 20)     /* bytes of all files */
#define MAX_FILES 4096
#define MAX_DEPTH 8
#define LANG_COOKIE "vf_lang"

enum lang { LANG_ZH, LANG_EN, LANG_COUNT };

static const char *const lang_tags[LANG_COUNT] = { "zh-CN", "en" };

struct file {
	char *path;                /* "/js/app.js" */
	char *data;
	size_t len;
	const char *type;
	char etag[24];             /* "\"0123456789abcdef\"" */
	int html;                  /* a template, served only as a page */
};

struct static_site {
	struct file *files;        /* sorted by path */
	size_t n, alloc;
	size_t total;
	json_t *catalog[LANG_COUNT];
};


/* ---- loading ---- */

static const struct {
	const char *ext;
	const char *type;
} types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".json", "application/json; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".woff2", "font/woff2" },
};

/* The content type of a file name, or NULL for a kind not served. */
static const char *type_of(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t m = strlen(types[i].ext);

		if (n > m && strcasecmp(name + n - m, types[i].ext) == 0)
			return types[i].type;
	}
	return NULL;
}

/* FNV-1a, 64 bits: an ETag only has to change when the bytes do. */
static void make_etag(const char *data, size_t len, char out[24])
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)data[i];
		h *= 1099511628211ULL;
	}
	snprintf(out, 24, "\"%016llx\"", (unsigned long long)h);
}

static int read_file(const char *path, size_t size, char **out, struct err *e)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char *data;
	size_t got = 0;

	*out = NULL;
	if (fd < 0)
		return err_set(e, ERR_INTERNAL, "cannot open \"%s\": %s", path, strerror(errno));
	data = xmalloc(size + 1);
	while (got < size) {
		ssize_t n = read(fd, data + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			free(data);
			return err_set(e, ERR_INTERNAL, "cannot read \"%s\"", path);
		}
		got += (size_t)n;
	}
	close(fd);
	data[size] = '\0';
	*out = data;
	return 0;
}

static int add_file(struct static_site *s, const char *fs_path, const char *url, size_t size,
		    const char *type, struct err *e)
{
	struct file *f;

	if (s->n == MAX_FILES)
		return err_set(e, ERR_USAGE, "web directory has more than %d files", MAX_FILES);
	if (size > (size_t)MAX_FILE)
		return err_set(e, ERR_USAGE, "web file \"%s\" is larger than %ld bytes", fs_path,
			       MAX_FILE);
	s->total += size;
	if (s->total > (size_t)MAX_TOTAL)
		return err_set(e, ERR_USAGE, "web directory is larger than %ld bytes", MAX_TOTAL);
	if (s->n == s->alloc) {
		s->alloc = s->alloc ? 2 * s->alloc : 64;
		s->files = xrealloc(s->files, s->alloc * sizeof(*s->files));
	}
	f = &s->files[s->n];
	memset(f, 0, sizeof(*f));
	if (read_file(fs_path, size, &f->data, e) < 0)
		return -1;
	f->path = xstrdup(url);
	f->len = size;
	f->type = type;
	f->html = strncmp(type, "text/html", 9) == 0;
	make_etag(f->data, f->len, f->etag);
	s->n++;
	return 0;
}

/* Add every regular file under dir (url is its path in URLs, "" at the top). */
static int walk(struct static_site *s, const char *dir, const char *url, int depth,
		struct err *e)
{
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (depth > MAX_DEPTH)
		return 0;
	d = opendir(dir);
	if (d == NULL)
		return err_set(e, ERR_USAGE, "cannot read web directory \"%s\": %s", dir,
			       strerror(errno));
	while (rc == 0 && (de = readdir(d)) != NULL) {
		char fs_path[4096], sub[1024];
		struct stat st;
		const char *type;

		/* dot-files (and "." and "..") are never served */
		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(fs_path, sizeof(fs_path), "%s/%s", dir, de->d_name) >=
			    sizeof(fs_path) ||
		    (size_t)snprintf(sub, sizeof(sub), "%s/%s", url, de->d_name) >= sizeof(sub))
			continue;
		/* lstat: a symbolic link is skipped, never followed out of the tree */
		if (lstat(fs_path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			rc = walk(s, fs_path, sub, depth + 1, e);
		else if (S_ISREG(st.st_mode) && (type = type_of(de->d_name)) != NULL)
			rc = add_file(s, fs_path, sub, (size_t)st.st_size, type, e);
	}
	closedir(d);
	return rc;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct file *)a)->path, ((const struct file *)b)->path);
}

static const struct file *find(const struct static_site *s, const char *path)
{
	struct file key = { .path = (char *)path };

	if (s->n == 0)
		return NULL;
	return bsearch(&key, s->files, s->n, sizeof(*s->files), by_path);
}

int static_open(struct static_site **out, const char *dir, struct err *e)
{
	struct static_site *s = xcalloc(1, sizeof(*s));

	*out = NULL;
	if (walk(s, dir, "", 0, e) < 0)
		goto fail;
	if (s->n > 0)
		qsort(s->files, s->n, sizeof(*s->files), by_path);
	for (int l = 0; l < LANG_COUNT; l++) {
		char path[64];
		const struct file *f;
		json_error_t je;

		snprintf(path, sizeof(path), "/i18n/%s.json", lang_tags[l]);
		f = find(s, path);
		if (f == NULL) {
			err_set(e, ERR_USAGE, "web directory \"%s\" has no i18n/%s.json", dir,
				lang_tags[l]);
			goto fail;
		}
		s->catalog[l] = json_loadb(f->data, f->len, JSON_REJECT_DUPLICATES, &je);
		if (!json_is_object(s->catalog[l])) {
			err_set(e, ERR_USAGE, "web catalog \"%s\" is not a JSON object: %s (line %d)",
				path, je.text, je.line);
			goto fail;
		}
	}
	*out = s;
	return 0;
fail:
	static_close(s);
	return -1;
}

void static_close(struct static_site *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->files[i].path);
		free(s->files[i].data);
	}
	free(s->files);
	for (int l = 0; l < LANG_COUNT; l++)
		json_decref(s->catalog[l]);
	free(s);
}

size_t static_count(const struct static_site *s)
{
	return s ? s->n : 0;
}

/* ---- language ---- */

static int lang_from_tag(const char *t, size_t n, enum lang *out)
{
	if (n >= 2 && strncasecmp(t, "zh", 2) == 0 && (n == 2 || t[2] == '-' || t[2] == '_')) {
		*out = LANG_ZH;
		return 0;
	}
	if (n >= 2 && strncasecmp(t, "en", 2) == 0 && (n == 2 || t[2] == '-' || t[2] == '_')) {
		*out = LANG_EN;
		return 0;
	}
	return -1;
}

/* The best language of an Accept-Language header (RFC 9110 12.5.4): the
 * highest q among zh* and en*, the earlier on a tie; -1 if neither. */
static int lang_from_accept(const char *h, enum lang *out)
{
	double best = 0.0;
	int found = -1;

	while (h != NULL && *h) {
		const char *end = strchr(h, ','), *semi;
		size_t n = end ? (size_t)(end - h) : strlen(h);
		double q = 1.0;
		size_t tag;
		enum lang l;

		while (n && (*h == ' ' || *h == '\t'))
			h++, n--;
		semi = memchr(h, ';', n);
		if (semi != NULL) {
			const char *qs = strstr(semi, "q=");

			if (qs != NULL && qs < h + n)
				q = strtod(qs + 2, NULL);
		}
		tag = semi ? (size_t)(semi - h) : n;
		while (tag && (h[tag - 1] == ' ' || h[tag - 1] == '\t'))
			tag--;
		if (lang_from_tag(h, tag, &l) == 0 && q > best) {
			best = q;
			*out = l;
			found = 0;
		}
		h = end ? end + 1 : NULL;
	}
	return found;
}

const char *static_lang_accept(const char *header)
{
	enum lang l;

	return lang_from_accept(header, &l) == 0 ? lang_tags[l] : NULL;
}

static enum lang pick_lang(struct req *r)
{
	const char *q = req_query(r, "lang");
	const char *c = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, LANG_COOKIE);
	enum lang l = LANG_ZH;

	if (q != NULL && lang_from_tag(q, strlen(q), &l) == 0) {
		char v[96];

		snprintf(v, sizeof(v), "%s=%s; Path=/; Max-Age=31536000; SameSite=Lax", LANG_COOKIE,
			 lang_tags[l]);
		req_header(r, "Set-Cookie", v);
		return l;
	}
	if (c != NULL && lang_from_tag(c, strlen(c), &l) == 0)
		return l;
	if (lang_from_accept(req_header_in(r, "Accept-Language"), &l) == 0)
		return l;
	return LANG_ZH;
}

static const char *tr(const struct static_site *s, enum lang l, const char *key)
{
	const char *v = json_string_value(json_object_get(s->catalog[l], key));

	return v ? v : key;
}

/* ---- rendering ---- */

static void add_escaped(struct buf *b, const char *s, size_t n)
{
	size_t run = 0;

	for (size_t i = 0; i < n; i++) {
		const char *rep = NULL;

		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: break;
		}
		if (rep == NULL)
			continue;
		buf_add(b, s + run, i - run);
		buf_adds(b, rep);
		run = i + 1;
	}
	buf_add(b, s + run, n - run);
}

static const char *var_get(const struct static_var *vars, size_t nvars, const char *name, size_t n)
{
	for (size_t i = 0; i < nvars; i++)
		if (strlen(vars[i].name) == n && strncmp(vars[i].name, name, n) == 0)
			return vars[i].value ? vars[i].value : "";
	return NULL;
}

/* Expand a template into b. */
static void render(const struct static_site *s, enum lang l, const struct file *t,
		   const struct static_var *vars, size_t nvars, struct buf *b)
{
	const char *p = t->data, *end = t->data + t->len;

	while (p < end) {
		const char *open = strstr(p, "{{"), *close;
		char key[128];
		size_t n;

		if (open == NULL || (close = strstr(open + 2, "}}")) == NULL) {
			buf_add(b, p, (size_t)(end - p));
			break;
		}
		buf_add(b, p, (size_t)(open - p));
		n = (size_t)(close - open - 2);
		if (n == 4 && strncmp(open + 2, "lang", 4) == 0) {
			buf_adds(b, lang_tags[l]);
		} else if (n > 2 && n < sizeof(key) + 2 && strncmp(open + 2, "t:", 2) == 0) {
			const char *v;

			memcpy(key, open + 4, n - 2);
			key[n - 2] = '\0';
			v = tr(s, l, key);
			add_escaped(b, v, strlen(v));
		} else if (n > 2 && strncmp(open + 2, "v:", 2) == 0) {
			const char *v = var_get(vars, nvars, open + 4, n - 2);

			if (v != NULL)
				add_escaped(b, v, strlen(v));
		} else {
			buf_add(b, open, (size_t)(close + 2 - open));   /* not ours: as is */
		}
		p = close + 2;
	}
}

int static_render(struct buf *b, const struct static_site *s, const char *lang, const char *path,
		  const struct static_var *vars, size_t nvars, struct err *e)
{
	const struct file *t = find(s, path);
	enum lang l = LANG_ZH;

	if (t == NULL || !t->html)
		return err_set(e, ERR_NOT_FOUND, "no template \"%s\"", path);
	if (lang != NULL)
		lang_from_tag(lang, strlen(lang), &l);
	render(s, l, t, vars, nvars, b);
	return 0;
}

void static_render_text(struct buf *b, const struct static_site *s, const char *lang,
			const char *text, size_t len, const struct static_var *vars, size_t nvars)
{
	struct file t = { .data = xmalloc(len + 1), .len = len };
	enum lang l = LANG_ZH;

	/* render() relies on the NUL after the text */
	memcpy(t.data, text, len);
	t.data[len] = '\0';
	if (lang != NULL)
		lang_from_tag(lang, strlen(lang), &l);
	render(s, l, &t, vars, nvars, b);
	free(t.data);
}

/* Whether If-None-Match names etag (or is "*"). */
static int etag_matches(struct req *r, const char *etag)
{
	const char *inm = req_header_in(r, "If-None-Match");

	return inm != NULL && (strcmp(inm, "*") == 0 || strstr(inm, etag) != NULL);
}

/* Reply with body (owned), or 304 when the client has it. */
static void reply(struct req *r, int status, char *body, size_t len, const char *type,
		  const char *cache)
{
	char etag[24];

	make_etag(body, len, etag);
	req_header(r, "ETag", etag);
	req_header(r, "Cache-Control", cache);
	r->content_type = type;
	if (status == 200 && etag_matches(r, etag)) {
		free(body);
		r->status = 304;
		return;
	}
	r->status = status;
	r->text = body;         /* NUL-terminated: a text_len of 0 means strlen */
	r->text_len = len;
}

static void page(struct req *r, int status, const char *name, const struct static_var *vars,
		 size_t nvars, enum lang l, const char *cache)
{
	struct static_site *s = r->app->web;
	const struct file *t = find(s, name);
	struct buf b;
	char *body;
	size_t len;

	if (t == NULL) {
		r->status = 404;
		r->text = xstrdup("not found\n");
		r->content_type = "text/plain; charset=utf-8";
		return;
	}
	buf_init(&b, (size_t)MAX_FILE * 2);
	render(s, l, t, vars, nvars, &b);
	body = buf_detach(&b, &len);
	if (body == NULL)
		body = xstrdup("");
	req_header(r, "Content-Language", lang_tags[l]);
	req_header(r, "Vary", "Accept-Language, Cookie");
	reply(r, status, body, len, t->type, cache);
}

/* ---- pages ---- */

static void page_index(struct req *r, enum lang l)
{
	const struct config *c = &r->app->in->cfg;
	const struct static_site *s = r->app->web;
	struct static_var v[] = {
		{ "policy", c->disclosure_policy[0] ? c->disclosure_policy
						     : tr(s, l, "landing.policy_default") },
		{ "safe_harbour", c->safe_harbour[0] ? c->safe_harbour
						      : tr(s, l, "landing.safe_harbour_default") },
		{ "policy_url", c->security_policy[0] ? c->security_policy : "#policy" },
		{ "contact", c->security_contact[0] ? c->security_contact : "-" },
	};

	page(r, 200, "/index.html", v, sizeof(v) / sizeof(v[0]), l, "no-cache");
}

static void page_report(struct req *r, enum lang l)
{
	const struct config *c = &r->app->in->cfg;
	char files[24], size[24], pow[24];
	struct static_var v[] = {
		{ "attachments_max", files },
		{ "attachment_mib", size },
		{ "pow_bits", pow },
	};

	snprintf(files, sizeof(files), "%ld", c->attachments_max);
	snprintf(size, sizeof(size), "%.1f", (double)c->attachment_limit / (1024.0 * 1024.0));
	snprintf(pow, sizeof(pow), "%ld", r->app->pow ? c->intake_pow_bits : 0L);
	page(r, 200, "/report.html", v, sizeof(v) / sizeof(v[0]), l, "no-cache");
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* "2026-11-26 04:24:05" from an RFC 3339 time with microseconds (as the API gives them). */
static void short_time(const char *rfc3339, char out[32])
{
	size_t n = strcspn(rfc3339 ? rfc3339 : "", ".Z+");

	if (n > 19)
		n = 19;
	snprintf(out, 32, "%.*s", (int)n, rfc3339 ? rfc3339 : "");
	if (n > 10 && out[10] == 'T')
		out[10] = ' ';
}

static void page_receipt(struct req *r, enum lang l, const char *token)
{
	const struct static_site *s = r->app->web;
	json_t *st = NULL;
	char id[32], leaf[32], status_key[64], state_key[64], case_id[32], local[32], utc[32];
	struct err e = ERR_INIT;

	if (r->app->intake == NULL || intake_status(r->app->intake, token, &st, &e) < 0) {
		struct static_var nf[] = { { "token", token } };

		page(r, 404, "/receipt-missing.html", nf, 1, l, "no-store");
		return;
	}
	snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(json_object_get(st, "id")));
	snprintf(leaf, sizeof(leaf), "%lld",
		 (long long)json_integer_value(json_object_get(st, "leaf_index")));
	snprintf(status_key, sizeof(status_key), "status.%s", jstr(st, "status") ?: "received");
	snprintf(state_key, sizeof(state_key), "state.%s", jstr(st, "case_state") ?: "none");
	short_time(jstr(st, "received_at_local"), local);
	short_time(jstr(st, "received_at"), utc);
	if (json_object_get(st, "case_id"))
		snprintf(case_id, sizeof(case_id), "%lld",
			 (long long)json_integer_value(json_object_get(st, "case_id")));
	else
		snprintf(case_id, sizeof(case_id), "-");
	{
		struct static_var v[] = {
			{ "token", token },
			{ "id", id },
			{ "leaf_index", leaf },
			{ "log_id", jstr(st, "log_id") },
			{ "received_at", jstr(st, "received_at") },
			{ "received_at_local", local },
			{ "received_at_utc", utc },
			{ "status", tr(s, l, status_key) },
			{ "case_id", case_id },
			{ "case_state", tr(s, l, state_key) },
		};

		/* the status changes: never cached */
		page(r, 200, "/receipt.html", v, sizeof(v) / sizeof(v[0]), l, "no-store");
	}
	json_decref(st);
}

/* A status token as the receipt route takes it: [A-Za-z0-9_-]{1,90}. */
static int token_ok(const char *t)
{
	size_t n = strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

	return n > 0 && n <= 90 && t[n] == '\0';
}

int static_serve(struct req *r)
{
	struct static_site *s = r->app->web;
	const char *p = r->path;
	const struct file *f;
	enum lang l;

	if (s == NULL || (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0))
		return 0;
	if (strncmp(p, "/api/", 5) == 0)
		return 0;
	if (strcmp(p, "/") == 0 || strcmp(p, "/report") == 0 || strcmp(p, "/advisories") == 0 ||
	    strcmp(p, "/console") == 0 || strcmp(p, "/receipt") == 0 ||
	    strncmp(p, "/receipt/", 9) == 0 || strncmp(p, "/advisories/", 12) == 0) {
		l = pick_lang(r);
		if (strcmp(p, "/") == 0)
			page_index(r, l);
		else if (strcmp(p, "/report") == 0)
			page_report(r, l);
		else if (strcmp(p, "/advisories") == 0)
			page(r, 200, "/advisories.html", NULL, 0, l, "no-cache");
		else if (strncmp(p, "/advisories/", 12) == 0) {
			/* one advisory: the page's script reads it from the public API; an id
			 * that cannot be one is a 404 page, as an unknown one is to the script */
			struct static_var v[] = { { "id", p + 12 } };

			page(r, token_ok(p + 12) ? 200 : 404, "/advisory.html", v, 1, l, "no-cache");
		}
		else if (strcmp(p, "/console") == 0)
			page(r, 200, "/console.html", NULL, 0, l, "no-cache");
		else if (strcmp(p, "/receipt") == 0) {
			/* the status lookup form: GET /receipt?token=T */
			const char *t = req_query(r, "token");
			char loc[128];

			if (t == NULL || !token_ok(t)) {
				struct static_var nf[] = { { "token", t ? t : "" } };

				page(r, 404, "/receipt-missing.html", nf, 1, l, "no-store");
				return 1;
			}
			snprintf(loc, sizeof(loc), "/receipt/%s", t);
			req_header(r, "Location", loc);
			r->status = 303;
		} else if (token_ok(p + 9))
			page_receipt(r, l, p + 9);
		else {
			struct static_var nf[] = { { "token", "" } };

			page(r, 404, "/receipt-missing.html", nf, 1, l, "no-store");
		}
		return 1;
	}
	/* an asset: looked up, never resolved on disk */
	f = find(s, p);
	if (f == NULL || f->html)
		return 0;
	req_header(r, "ETag", f->etag);
	req_header(r, "Cache-Control", "no-cache");
	r->content_type = f->type;
	if (etag_matches(r, f->etag)) {
		r->status = 304;
		return 1;
	}
	r->status = 200;
	r->text = xmalloc(f->len + 1);
	memcpy(r->text, f->data, f->len + 1);
	r->text_len = f->len;
	return 1;
}

void static_error_page(struct req *r)
{
	struct static_site *s = r->app->web;
	enum lang l;
	char status[16], key[80];
	int code = err_http_status(r->err.code);

	if (s == NULL)
		return;
	l = pick_lang(r);
	snprintf(status, sizeof(status), "%d", code);
	snprintf(key, sizeof(key), "error.%s", err_name(&r->err));
	{
		const char *friendly = tr(s, l, key);
		struct static_var v[] = {
			{ "status", status },
			{ "code", err_name(&r->err) },
			/* a known code has words in the catalog; else the server's message */
			{ "message", friendly != key ? friendly : r->err.msg },
			{ "detail", friendly != key ? r->err.msg : "" },
		};

		page(r, code, "/error.html", v, sizeof(v) / sizeof(v[0]), l, "no-store");
	}
}
