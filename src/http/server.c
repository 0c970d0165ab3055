/* server.c - libmicrohttpd glue: request lifecycle, limits, the router, errors, access log. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/crypto.h"
#include "base/mem.h"
#include "base/timefmt.h"
#include "http/accesslog.h"
#include "http/api.h"
#include "http/auth.h"
#include "http/metrics.h"
#include "http/ratelimit.h"
#include "http/route.h"
#include "http/static.h"
#include "rules/securitytxt.h"
#include "service/intake.h"
#include "service/pgp.h"
#include "service/pow.h"

struct server {
	struct app app;
	struct MHD_Daemon *d;
	unsigned port;
};

static atomic_uint_fast64_t request_seq;
static char request_prefix[9];

/* ---- replies ---- */

static void add_header(struct MHD_Response *resp, const char *name, const char *value)
{
	MHD_add_response_header(resp, name, value);
}

/* Whether r's errors are answered as HTML: its route takes browser forms
 * (looked up here too for a refusal made before the router ran). */
static int html_errors(const struct req *r)
{
	int64_t id;
	char token[ROUTE_TOKEN_LEN], allow[8];
	int known, i;

	if (r->app->web == NULL)
		return 0;
	if (r->route_index >= 0)
		return routes[r->route_index].html;
	i = route_match(r->method, r->path, &id, token, &known, allow, sizeof(allow));
	return i >= 0 && routes[i].html;
}

/* Turn r's reply (or error) into an MHD response and queue it. */
static enum MHD_Result send_reply(struct req *r)
{
	struct MHD_Response *resp;
	char *body;
	size_t len;
	enum MHD_Result ret;
	int own_cache = 0;

	if (r->err.code != ERR_NONE && html_errors(r)) {
		/* a browser posted a form: an error page, not JSON */
		json_decref(r->reply);
		r->reply = NULL;
		free(r->text);
		r->text = NULL;
		static_error_page(r);
	}
	if (r->err.code != ERR_NONE && r->text == NULL) {
		json_decref(r->reply);
		free(r->text);
		r->text = NULL;
		r->status = err_http_status(r->err.code);
		r->reply = json_pack("{s:{s:s, s:s}}", "error", "code", err_name(&r->err),
				     "message", r->err.msg);
		if (r->err_detail != NULL)
			json_object_update_missing(json_object_get(r->reply, "error"), r->err_detail);
	}
	if (r->reply != NULL) {
		body = json_dumps(r->reply, JSON_COMPACT | JSON_REAL_PRECISION(15));
		if (body == NULL)
			body = xstrdup("{\"error\":{\"code\":\"internal\",\"message\":\"cannot render reply\"}}");
		len = strlen(body);
		r->content_type = "application/json; charset=utf-8";
	} else if (r->text != NULL) {
		body = r->text;
		r->text = NULL;
		len = r->text_len ? r->text_len : strlen(body);
	} else {
		body = xstrdup("");
		len = 0;
	}
	resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(body);
		return MHD_NO;
	}
	if (len > 0 || r->reply != NULL)
		add_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
	add_header(resp, "X-Request-Id", r->request_id);
	add_header(resp, "X-Content-Type-Options", "nosniff");
	for (int i = 0; i < r->nheaders; i++) {
		add_header(resp, r->headers[i].name, r->headers[i].value);
		own_cache |= strcmp(r->headers[i].name, "Cache-Control") == 0;
	}
	if (!own_cache)
		add_header(resp, "Cache-Control", "no-store");
	if (r->content_type != NULL && strncmp(r->content_type, "text/html", 9) == 0) {
		/* every HTML reply: the UI's own pages get the strict policy, other
		 * documents (printable reports with inline style) no script at all */
		add_header(resp, "Content-Security-Policy",
			   r->route_index < 0 || routes[r->route_index].html ? STATIC_CSP
									     : STATIC_CSP_DOCUMENT);
		add_header(resp, "Referrer-Policy", "no-referrer");
		add_header(resp, "X-Frame-Options", "DENY");
	}
	ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* ---- request state ---- */

/* A new request id: the process's random prefix, then a counter, in hex. */
static void request_id_make(char out[40])
{
	static const char hex[] = "0123456789abcdef";
	uint64_t n = atomic_fetch_add(&request_seq, 1);

	memcpy(out, request_prefix, 8);
	for (int i = 0; i < 12; i++)
		out[8 + i] = hex[(n >> (44 - 4 * i)) & 0xf];
	out[20] = '\0';
}

static void new_request_id(struct req *r)
{
	const char *in = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Request-Id");
	int ok = in != NULL && in[0] != '\0' && strlen(in) < sizeof(r->request_id);

	/* adopt a caller's id only if it is plainly safe to echo and log */
	for (const char *p = in; ok && *p; p++)
		ok = (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		     (*p >= 'A' && *p <= 'Z') || *p == '-' || *p == '_' || *p == '.';
	if (ok)
		snprintf(r->request_id, sizeof(r->request_id), "%s", in);
	else
		request_id_make(r->request_id);
}

struct header_sum {
	size_t total;
};

static enum MHD_Result sum_header(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *value)
{
	struct header_sum *s = cls;

	(void)kind;
	s->total += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

static void free_request(struct req *r)
{
	if (r->async_free)
		r->async_free(r->async);
	buf_release(&r->body);
	json_decref(r->json);
	json_decref(r->err_detail);
	json_decref(r->reply);
	free(r->text);
	for (int i = 0; i < r->nheaders; i++)
		free(r->headers[i].value);
	free(r);
}

/* ---- the router ---- */

static int is_json(const char *ct)
{
	size_t n = strlen("application/json");

	return ct != NULL && strncasecmp(ct, "application/json", n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static int dispatch(struct req *r)
{
	char allow[128];
	int path_known = 0;
	struct err e = ERR_INIT;

	r->route_index = route_match(r->method, r->path, &r->path_id, r->path_token, &path_known, allow,
				     sizeof(allow));
	if (r->route_index < 0) {
		/* the web UI's pages and assets (GET and HEAD) */
		if (static_serve(r))
			return 0;
		if (path_known) {
			req_header(r, "Allow", allow);
			err_set(&e, ERR_METHOD, "method %s is not allowed on \"%s\"; use %s",
				r->method, r->path, allow);
		} else {
			err_set(&e, ERR_NOT_FOUND, "no route \"%s\"", r->path);
		}
		return req_fail(r, &e);
	}
	r->route = &routes[r->route_index];
	if (r->body_too_large && !r->route->intake) {
		err_set(&e, ERR_TOO_LARGE, "request body is larger than %ld bytes",
			r->route->upload ? r->app->in->cfg.upload_body_limit
					 : r->app->in->cfg.body_limit);
		return req_fail(r, &e);
	}
	if (auth_check(r, &e) < 0)
		return req_fail(r, &e);
	if (r->route->intake && r->app->intake == NULL) {
		err_setn(&e, ERR_UNAVAILABLE, "intake_unavailable", "intake is not running");
		return req_fail(r, &e);
	}
	if (r->route->json_object_body) {
		const char *ct = req_header_in(r, MHD_HTTP_HEADER_CONTENT_TYPE);
		json_error_t je;

		if (!is_json(ct)) {
			err_set(&e, ERR_MEDIA_TYPE, "content type must be application/json, not \"%s\"",
				ct ? ct : "(none)");
			return req_fail(r, &e);
		}
		r->json = json_loadb(r->body.data ? r->body.data : "", r->body.len,
				     JSON_REJECT_DUPLICATES, &je);
		if (r->json == NULL) {
			err_setn(&e, ERR_MALFORMED, "malformed_json",
				 "request body is not JSON: %s (line %d, column %d)", je.text, je.line,
				 je.column);
			return req_fail(r, &e);
		}
		if (!json_is_object(r->json)) {
			err_set(&e, ERR_INVALID, "request body must be a JSON object");
			return req_fail(r, &e);
		}
	}
	if (r->route->body != NULL) {
		const char *ct = req_header_in(r, MHD_HTTP_HEADER_CONTENT_TYPE);
		if (!is_json(ct)) {
			err_set(&e, ERR_MEDIA_TYPE, "content type must be application/json, not \"%s\"",
				ct ? ct : "(none)");
			return req_fail(r, &e);
		}
		if (jsonv_parse(r->body.data ? r->body.data : "", r->body.len, r->route->body,
				&r->json, &e) < 0)
			return req_fail(r, &e);
	}
	return r->route->fn(r);
}

/* Append text, or an unsigned number in decimal (zero-padded to width). */
static char *put_str(char *p, const char *end, const char *s)
{
	while (*s && p < end) {
		/* a control character in a path must not forge a log line */
		*p++ = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
		s++;
	}
	return p;
}

static char *put_num(char *p, const char *end, uint64_t v, int width)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0 && n < 20);
	while (n < width && n < 20)
		tmp[n++] = '0';
	while (n > 0 && p < end)
		*p++ = tmp[--n];
	return p;
}

/* One access-log line: time, request id, method, path, status, duration, user.
 * Hand-formatted (no printf) because it runs on every request. */
static void access_log(struct req *r)
{
	static _Thread_local struct {
		int64_t second;
		char prefix[TIMEFMT_LEN];   /* "2026-11-25T07:39:59." */
		size_t len;
	} tl;
	char line[1024], *p = line, *end = line + sizeof(line) - 1;
	int64_t took = time_mono_us() - r->start_us;
	int64_t now = time_now_us();

	metrics_observe(r->app->metrics, r->route_index, r->status, took);
	if (!r->app->in->cfg.access_log)
		return;
	if (now / TIME_US_PER_S != tl.second || tl.len == 0) {
		tl.second = now / TIME_US_PER_S;
		time_format_utc(tl.second * TIME_US_PER_S, tl.prefix);
		tl.len = strlen(tl.prefix) - 7;  /* keep "...SS." and drop "000000Z" */
	}
	memcpy(p, tl.prefix, tl.len);
	p += tl.len;
	p = put_num(p, end, (uint64_t)(now % TIME_US_PER_S), 6);
	p = put_str(p, end, "Z ");
	p = put_str(p, end, r->request_id);
	p = put_str(p, end, " ");
	p = put_str(p, end, r->method);
	p = put_str(p, end, " ");
	p = put_str(p, end - 64, r->path);
	p = put_str(p, end, " ");
	p = put_num(p, end, (uint64_t)r->status, 0);
	p = put_str(p, end, " ");
	p = put_num(p, end, (uint64_t)(took > 0 ? took : 0) / 1000, 0);
	p = put_str(p, end, ".");
	p = put_num(p, end, (uint64_t)(took > 0 ? took : 0) % 1000, 3);
	p = put_str(p, end, "ms user=");
	p = put_num(p, end, r->authenticated ? (uint64_t)r->who.user.id : 0, 0);
	*p++ = '\n';
	accesslog_write(r->app->log, line, (size_t)(p - line));
}

/* ---- libmicrohttpd callbacks ---- */

/* Whether method and url name an intake route (looked up before the body). */
static int is_intake_route(const char *method, const char *url)
{
	int64_t id;
	char token[ROUTE_TOKEN_LEN], allow[8];
	int known, i = route_match(method, url, &id, token, &known, allow, sizeof(allow));

	return i >= 0 && routes[i].intake;
}

/* Whether method and url name an upload route (its body may be larger). */
static int is_upload_route(const char *method, const char *url)
{
	int64_t id;
	char token[ROUTE_TOKEN_LEN], allow[8];
	int known, i = route_match(method, url, &id, token, &known, allow, sizeof(allow));

	return i >= 0 && routes[i].upload;
}

/* Whether addr is one of the comma-separated trusted proxies. */
static int trusted_proxy(const char *list, const char *addr)
{
	size_t n = strlen(addr);

	for (const char *p = list; *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *q = p;

		while (len && *q == ' ')
			q++, len--;
		while (len && q[len - 1] == ' ')
			len--;
		if (len == n && strncmp(q, addr, n) == 0)
			return 1;
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}

/* The client's address: the peer, or, when the peer is a trusted proxy,
 * the right-most X-Forwarded-For address that is not a trusted proxy. */
static void client_address(struct app *app, struct MHD_Connection *conn, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	const char *xff;
	char buf[INET6_ADDRSTRLEN] = "unknown";

	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, sizeof(buf));
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, sizeof(buf));
	snprintf(out, n, "%s", buf);
	if (app->in->cfg.trusted_proxies[0] == '\0' || !trusted_proxy(app->in->cfg.trusted_proxies, buf))
		return;
	xff = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For");
	if (xff == NULL)
		return;
	for (const char *end = xff + strlen(xff); end > xff;) {
		const char *start = end;
		char cand[64];
		size_t len;

		while (start > xff && start[-1] != ',')
			start--;
		len = (size_t)(end - start);
		while (len && *start == ' ')
			start++, len--;
		while (len && start[len - 1] == ' ')
			len--;
		if (len > 0 && len < sizeof(cand)) {
			memcpy(cand, start, len);
			cand[len] = '\0';
			snprintf(out, n, "%s", cand);
			if (!trusted_proxy(app->in->cfg.trusted_proxies, cand))
				return;
		}
		end = start > xff ? start - 1 : xff;
	}
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct app *app = cls;
	struct req *r = *con_cls;
	enum MHD_Result ret;

	(void)version;
	if (r == NULL) {
		struct header_sum hs = { 0 };
		const char *cl;

		long limit = app->in->cfg.body_limit;
		int intake;

		r = xcalloc(1, sizeof(*r));
		r->app = app;
		r->conn = conn;
		r->method = method;
		r->path = url;
		r->start_us = time_mono_us();
		r->route_index = -1;
		new_request_id(r);
		*con_cls = r;
		client_address(app, conn, r->client, sizeof(r->client));
		intake = is_intake_route(method, url);
		if (intake)
			limit = app->in->cfg.intake_body_limit;
		else if (is_upload_route(method, url))
			limit = app->in->cfg.upload_body_limit;
		buf_init(&r->body, (size_t)limit);
		MHD_get_connection_values(conn, MHD_HEADER_KIND, sum_header, &hs);
		if (hs.total > (size_t)app->in->cfg.header_limit) {
			err_set(&r->err, ERR_HEADERS_TOO_LARGE,
				"request headers are larger than %ld bytes", app->in->cfg.header_limit);
			return send_reply(r);
		}
		if (intake && app->intake_rl != NULL) {
			unsigned wait = ratelimit_take(app->intake_rl, r->client, time_now_us());

			if (wait > 0) {
				char secs[16];

				snprintf(secs, sizeof(secs), "%u", wait);
				req_header(r, "Retry-After", secs);
				err_setn(&r->err, ERR_RATE_LIMITED, "rate_limited",
					 "too many submissions from %s; retry in %u s", r->client, wait);
				return send_reply(r);
			}
		}
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						 MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL)
			r->body_declared = (size_t)strtoull(cl, NULL, 10);
		if (cl != NULL && strtoull(cl, NULL, 10) > (unsigned long long)limit) {
			/* answer at once rather than read a body we will refuse; an
			 * intake route logs the refusal first */
			if (intake) {
				r->body_too_large = 1;
				dispatch(r);
				if (r->err.code == ERR_NONE)
					err_set(&r->err, ERR_TOO_LARGE, "request body is larger than %ld bytes", limit);
				return send_reply(r);
			}
			err_set(&r->err, ERR_TOO_LARGE, "request body is larger than %ld bytes", limit);
			return send_reply(r);
		}
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		/* a body trickled in just under the idle timeout still has a deadline */
		if (r->err.code == ERR_NONE &&
		    time_mono_us() - r->start_us > app->in->cfg.request_timeout * TIME_US_PER_S) {
			*upload_data_size = 0;
			err_set(&r->err, ERR_TIMEOUT, "request body took longer than %ld s",
				app->in->cfg.request_timeout);
			return send_reply(r);
		}
		r->body_received += *upload_data_size;
		if (r->err.code == ERR_NONE && !r->body_too_large && buf_add(&r->body, upload_data, *upload_data_size) < 0) {
			r->body_too_large = 1;
			buf_release(&r->body);
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->err.code != ERR_NONE && !r->suspended)
		return MHD_YES;  /* already answered */
	if (r->suspended) {
		/* called again after req_resume(): render the reply now */
		r->suspended = 0;
		r->resume_fn(r);
		ret = send_reply(r);
		atomic_fetch_sub(&app->suspended, 1);
		return ret;
	}
	if (dispatch(r) == REQ_SUSPENDED)
		return MHD_YES;
	ret = send_reply(r);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct req *r = *con_cls;

	(void)cls;
	(void)conn;
	if (r == NULL)
		return;
	if (r->status == 0)
		r->status = toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? 408 : 499;
	access_log(r);
	free_request(r);
	*con_cls = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("vulnflow: http: ", stderr);
	vfprintf(stderr, fmt, ap);
}

/* ---- start and stop ---- */

static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len,
			struct err *e)
{
	char host[256];
	const char *colon = strrchr(listen, ':');
	struct addrinfo hints = { 0 }, *res = NULL;
	size_t hlen;

	if (colon == NULL || colon == listen || colon[1] == '\0')
		return err_set(e, ERR_USAGE, "listen address \"%s\" is not HOST:PORT", listen);
	hlen = (size_t)(colon - listen);
	if (listen[0] == '[' && hlen > 2 && listen[hlen - 1] == ']') {
		listen++;
		hlen -= 2;
	}
	if (hlen >= sizeof(host))
		return err_set(e, ERR_USAGE, "listen host is too long");
	memcpy(host, listen, hlen);
	host[hlen] = '\0';
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
	if (getaddrinfo(host, colon + 1, &hints, &res) != 0 || res == NULL)
		return err_set(e, ERR_USAGE, "listen address \"%s\" does not resolve", listen);
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/* libmicrohttpd's memory per connection: the request line, headers and their
 * records, and the reply's headers.  It must exceed header_limit with room to
 * spare, or headers near the limit get libmicrohttpd's own bare 431 instead of
 * ours; it is cleared on every request, so it is not made larger than needed.
 * 32 KiB (libmicrohttpd's default) at the default header_limit of 8 KiB. */
static size_t pool_size(long header_limit)
{
	size_t want = (size_t)header_limit * 2 + 16384;

	return want < 32768 ? 32768 : want;
}

/* The organisation's OpenPGP public key, read once for security.txt and
 * /.well-known/pgp-key.txt (none yet: neither mentions one). */
static void load_pgp_key(struct app *app)
{
	struct pgp *p;
	struct err e = ERR_INIT;
	size_t n;

	if (pgp_open(&p, app->in->cfg.dir, &e) < 0)
		return;
	if (pgp_export(p, &app->pgp_key, &n, &e) == 0 && pgp_fingerprint(p, app->pgp_fpr, &e) < 0) {
		free(app->pgp_key);
		app->pgp_key = NULL;
	}
	pgp_close(p);
}

/* The web UI from web_dir, or else the source tree's web/.  A web_dir that
 * cannot be read is an error; a missing source tree only means no UI. */
static int load_web(struct app *app, struct err *e)
{
	const char *dir = app->in->cfg.web_dir[0] ? app->in->cfg.web_dir : VULNFLOW_SOURCE_WEB_DIR;
	struct err why = ERR_INIT;

	if (static_open(&app->web, dir, &why) == 0)
		return 0;
	if (app->in->cfg.web_dir[0])
		return err_set(e, ERR_USAGE, "web_dir: %s", why.msg);
	fprintf(stderr, "vulnflow: no web UI: %s\n", why.msg);
	return 0;
}

int server_start(struct server **out, struct instance *in, const struct server_services *sv,
		 struct err *e)
{
	struct intake *intake = sv->intake;
	struct server *s;
	struct sockaddr_storage ss;
	socklen_t sslen;
	unsigned threads = (unsigned)(in->cfg.threads ? in->cfg.threads
						      : sysconf(_SC_NPROCESSORS_ONLN));
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_TURBO |
			 MHD_ALLOW_SUSPEND_RESUME;
	const union MHD_DaemonInfo *info;
	unsigned char seed[4];

	*out = NULL;
	if (parse_listen(in->cfg.listen, &ss, &sslen, e) < 0)
		return -1;
	if (in->cfg.security_contact[0] != '\0') {
		struct securitytxt st = { .contacts = in->cfg.security_contact,
					  .policy = in->cfg.security_policy,
					  .languages = in->cfg.security_languages,
					  .public_url = in->cfg.public_url };
		struct err why = ERR_INIT;

		if (securitytxt_check(&st, &why) < 0)
			return err_set(e, ERR_USAGE, "configuration: %s", why.msg);
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	crypto_random(seed, sizeof(seed));
	snprintf(request_prefix, sizeof(request_prefix), "%02x%02x%02x%02x", seed[0], seed[1],
		 seed[2], seed[3]);
	s = xcalloc(1, sizeof(*s));
	s->app.in = in;
	s->app.metrics = metrics_new(routes_count);
	s->app.secure_cookies = strncmp(in->cfg.public_url, "https://", 8) == 0;
	pthread_mutex_init(&s->app.health_mu, NULL);
	s->app.openapi = api_openapi_build();
	s->app.log = accesslog_start(STDERR_FILENO);
	s->app.intake = intake;
	s->app.cases = sv->cases;
	s->app.bulletins = sv->bulletins;
	s->app.federation = sv->federation;
	load_pgp_key(&s->app);
	if (load_web(&s->app, e) < 0) {
		metrics_free(s->app.metrics);
		accesslog_stop(s->app.log);
		free(s->app.openapi);
		free(s->app.pgp_key);
		free(s);
		return -1;
	}
	if (intake != NULL) {
		unsigned char key[32];

		s->app.intake_rl = ratelimit_new(in->cfg.intake_rate_limit);
		if (in->cfg.intake_pow_bits > 0) {
			intake_secret(intake, "pow", key);
			s->app.pow = pow_new(key, (unsigned)in->cfg.intake_pow_bits);
		}
	}
	s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, &s->app,
				MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_THREAD_POOL_SIZE, threads,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)in->cfg.conn_timeout,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)in->cfg.conn_limit,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)in->cfg.conn_per_ip,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, pool_size(in->cfg.header_limit),
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
				MHD_OPTION_END);
	if (s->d == NULL) {
		static_close(s->app.web);
		ratelimit_free(s->app.intake_rl);
		pow_free(s->app.pow);
		metrics_free(s->app.metrics);
		accesslog_stop(s->app.log);
		free(s->app.openapi);
		free(s);
		return err_set(e, ERR_UNAVAILABLE, "cannot listen on \"%s\" (in use, or not allowed)",
			       in->cfg.listen);
	}
	info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : 0;
	*out = s;
	return 0;
}

unsigned server_port(const struct server *s)
{
	return s->port;
}

void server_stop(struct server *s)
{
	if (s == NULL)
		return;
	/* no new connections; then every queued submission is committed and its
	 * connection resumed before the daemon goes away */
	MHD_quiesce_daemon(s->d);
	atomic_store(&s->app.stopping, 1);
	if (s->app.intake != NULL)
		intake_flush(s->app.intake);
	/* a handler that passed its check just before the flag may still be
	 * suspending: wait (at most 30 s) until every suspended one is answered */
	for (int i = 0; i < 30000 && atomic_load(&s->app.suspended) > 0; i++) {
		struct timespec ms = { 0, 1000000 };

		if (i % 100 == 99 && s->app.intake != NULL)
			intake_flush(s->app.intake);
		nanosleep(&ms, NULL);
	}
	MHD_stop_daemon(s->d);
	static_close(s->app.web);
	free(s->app.pgp_key);
	ratelimit_free(s->app.intake_rl);
	pow_free(s->app.pow);
	accesslog_stop(s->app.log);
	metrics_free(s->app.metrics);
	pthread_mutex_destroy(&s->app.health_mu);
	free(s->app.openapi);
	free(s);
}

/* ---- helpers for handlers (route.h) ---- */

int req_suspend(struct req *r, int (*resume_fn)(struct req *r))
{
	atomic_fetch_add(&r->app->suspended, 1);
	r->suspended = 1;
	r->resume_fn = resume_fn;
	MHD_suspend_connection(r->conn);
	return REQ_SUSPENDED;
}

void req_resume(struct req *r)
{
	MHD_resume_connection(r->conn);
}

int req_json(struct req *r, int status, json_t *reply)
{
	json_decref(r->reply);
	r->status = status;
	r->reply = reply;
	return 0;
}

int req_fail(struct req *r, const struct err *e)
{
	r->err = *e;
	if (r->err.code == ERR_NONE)
		r->err.code = ERR_INTERNAL;
	r->status = err_http_status(r->err.code);
	return -1;
}

void req_header(struct req *r, const char *name, const char *value)
{
	if (r->nheaders == REQ_MAX_HEADERS)
		return;
	r->headers[r->nheaders].name = name;
	r->headers[r->nheaders].value = xstrdup(value);
	r->nheaders++;
}

struct actor req_actor(const struct req *r)
{
	struct actor a = { r->who.user.id, r->who.user.email, r->request_id };

	return a;
}

const char *req_query(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_header_in(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

int req_query_int(struct req *r, const char *name, int64_t min, int64_t max, int64_t def,
		  int64_t *out)
{
	const char *v = req_query(r, name);
	char *end;
	long long n;
	struct err e = ERR_INIT;

	*out = def;
	if (v == NULL)
		return 0;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno == ERANGE || n < min || n > max) {
		err_setn(&e, ERR_INVALID, "invalid_parameter",
			 "query parameter \"%s\" must be an integer in %lld..%lld", name,
			 (long long)min, (long long)max);
		return req_fail(r, &e);
	}
	*out = n;
	return 0;
}
