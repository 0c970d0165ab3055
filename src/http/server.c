/* server.c - libmicrohttpd glue: request lifecycle, limits, the router, errors, access log. */
#include "http/server.h"

#include <microhttpd.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/crypto.h"
#include "base/mem.h"
#include "base/timefmt.h"
#include "http/accesslog.h"
#include "http/api.h"
#include "http/auth.h"
#include "http/metrics.h"
#include "http/route.h"
#include "rules/securitytxt.h"

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

/* Turn r's reply (or error) into an MHD response and queue it. */
static enum MHD_Result send_reply(struct req *r)
{
	struct MHD_Response *resp;
	char *body;
	size_t len;
	enum MHD_Result ret;

	if (r->err.code != ERR_NONE) {
		json_decref(r->reply);
		free(r->text);
		r->text = NULL;
		r->status = err_http_status(r->err.code);
		r->reply = json_pack("{s:{s:s, s:s}}", "error", "code", err_name(&r->err),
				     "message", r->err.msg);
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
		len = strlen(body);
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
	add_header(resp, "Cache-Control", "no-store");
	for (int i = 0; i < r->nheaders; i++)
		add_header(resp, r->headers[i].name, r->headers[i].value);
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
	buf_release(&r->body);
	json_decref(r->json);
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

	r->route_index = route_match(r->method, r->path, &r->path_id, &path_known, allow,
				     sizeof(allow));
	if (r->route_index < 0) {
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
	if (r->body_too_large) {
		err_set(&e, ERR_TOO_LARGE, "request body is larger than %ld bytes",
			r->app->in->cfg.body_limit);
		return req_fail(r, &e);
	}
	if (auth_check(r, &e) < 0)
		return req_fail(r, &e);
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

		r = xcalloc(1, sizeof(*r));
		r->app = app;
		r->conn = conn;
		r->method = method;
		r->path = url;
		r->start_us = time_mono_us();
		r->route_index = -1;
		buf_init(&r->body, (size_t)app->in->cfg.body_limit);
		new_request_id(r);
		*con_cls = r;
		MHD_get_connection_values(conn, MHD_HEADER_KIND, sum_header, &hs);
		if (hs.total > (size_t)app->in->cfg.header_limit) {
			err_set(&r->err, ERR_HEADERS_TOO_LARGE,
				"request headers are larger than %ld bytes", app->in->cfg.header_limit);
			return send_reply(r);
		}
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						 MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL && strtoull(cl, NULL, 10) > (unsigned long long)app->in->cfg.body_limit) {
			/* answer at once rather than read a body we will refuse */
			err_set(&r->err, ERR_TOO_LARGE, "request body is larger than %ld bytes",
				app->in->cfg.body_limit);
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
		if (r->err.code == ERR_NONE && !r->body_too_large && buf_add(&r->body, upload_data, *upload_data_size) < 0) {
			r->body_too_large = 1;
			buf_release(&r->body);
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->err.code != ERR_NONE)
		return MHD_YES;  /* already answered */
	dispatch(r);
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

int server_start(struct server **out, struct instance *in, struct err *e)
{
	struct server *s;
	struct sockaddr_storage ss;
	socklen_t sslen;
	unsigned threads = (unsigned)(in->cfg.threads ? in->cfg.threads
						      : sysconf(_SC_NPROCESSORS_ONLN));
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_TURBO;
	const union MHD_DaemonInfo *info;
	unsigned char seed[4];

	*out = NULL;
	if (parse_listen(in->cfg.listen, &ss, &sslen, e) < 0)
		return -1;
	if (in->cfg.security_contact[0] != '\0') {
		struct securitytxt st = { in->cfg.security_contact, in->cfg.security_policy,
					  in->cfg.security_languages, in->cfg.public_url };
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
	MHD_stop_daemon(s->d);
	accesslog_stop(s->app.log);
	metrics_free(s->app.metrics);
	pthread_mutex_destroy(&s->app.health_mu);
	free(s->app.openapi);
	free(s);
}

/* ---- helpers for handlers (route.h) ---- */

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
	n = strtoll(v, &end, 10);
	if (*v == '\0' || *end != '\0' || n < min || n > max) {
		err_setn(&e, ERR_INVALID, "invalid_parameter",
			 "query parameter \"%s\" must be an integer in %lld..%lld", name,
			 (long long)min, (long long)max);
		return req_fail(r, &e);
	}
	*out = n;
	return 0;
}
