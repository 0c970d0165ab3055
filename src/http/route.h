/* route.h - the request, the one route table, and helpers handlers use.
 *
 * Every endpoint is one row of routes[] in route.c: method, path pattern
 * ("{id}" matches a positive integer), handler, the capability a caller must
 * have, the request body's field table, and its OpenAPI summary.  The router
 * (server.c) finds the row, authenticates, checks the capability and the CSRF
 * token, validates the body, and only then calls the handler — so a handler
 * starts with everything checked and only parses, calls a service, renders.
 */
#ifndef VF_ROUTE_H
#define VF_ROUTE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/jsonv.h"
#include "rules/roles.h"
#include "service/account.h"

struct app;
struct req;
struct MHD_Connection;

typedef int (*route_fn)(struct req *r);

struct route {
	const char *method;
	const char *path;
	route_fn fn;
	enum capability cap;
	const struct jv_field *body;   /* JSON body fields, or NULL for no body */
	int allow_restricted;          /* usable before a forced password change / TOTP enrollment */
	int status;                    /* success status, for the OpenAPI document */
	const char *tag;
	const char *summary;
	const char *query;             /* query parameters, "name:description;..." for OpenAPI */
	/* An intake route: its body (JSON or multipart, up to intake_body_limit)
	 * goes to the handler unparsed, even when too large, so the handler can
	 * log the refusal in the receipt log; clients are rate-limited. */
	int intake;
	/* An upload route: its body (a document such as an SBOM) may be up to
	 * upload_body_limit and goes to the handler unparsed. */
	int upload;
	/* The body is a JSON object the handler checks itself (fields that depend
	 * on each other, like a case's); the router only parses it. */
	int json_object_body;
	/* Browsers post HTML forms here: errors are answered as an HTML page
	 * (static_error_page) rather than JSON. */
	int html;
};

extern const struct route routes[];
extern const size_t routes_count;

#define REQ_MAX_HEADERS 12
#define ROUTE_TOKEN_LEN 96

struct req {
	struct app *app;
	struct MHD_Connection *conn;
	const char *method;
	const char *path;
	char request_id[40];
	int64_t start_us;
	const struct route *route;
	int route_index;               /* -1 when no route matched */
	int64_t path_id;               /* the {id} of the path, if any */
	char path_token[ROUTE_TOKEN_LEN];  /* the {token} of the path, if any */
	size_t body_received;          /* bytes of body that arrived (also when too large) */
	size_t body_declared;          /* Content-Length, 0 if none */
	char client[64];               /* the client's address (X-Forwarded-For from a trusted proxy) */
	struct buf body;
	int body_too_large;
	json_t *json;                  /* the validated body, if the route takes one */
	struct principal who;
	int authenticated;
	int via_cookie;
	char session_token[64];        /* the cookie, for logout */
	/* the reply */
	int status;
	json_t *reply;                 /* JSON reply body, or */
	char *text;                    /* a text reply body (owned), with */
	size_t text_len;               /* its length when it is binary (0: strlen) */
	const char *content_type;
	struct {
		const char *name;
		char *value;           /* owned */
	} headers[REQ_MAX_HEADERS];
	int nheaders;
	struct err err;
	json_t *err_detail;            /* extra members of the error object (owned), or NULL */
	/* a handler waiting for a durable commit without holding its thread:
	 * req_suspend(), then req_resume() from the completion; the server then
	 * calls resume_fn(r) on a worker thread to render the reply */
	int suspended;
	int (*resume_fn)(struct req *r);
	void *async;                   /* the handler's state while suspended (owned by it) */
	void (*async_free)(void *async);
};

/* Find the route for method and path ({token} matches 1-90 characters of
 * [A-Za-z0-9_-]; {version} and {ident} 1-90 bytes other than '/' and
 * control characters, as libmicrohttpd decoded them; all three go to token;
 * {year} four digits, into path_id).  Returns its index, or -1 with
 * *path_known set when the path exists for other methods (then allow holds
 * them, comma-separated, for the Allow header). */
int route_match(const char *method, const char *path, int64_t *path_id,
		char token[ROUTE_TOKEN_LEN], int *path_known, char *allow, size_t allow_len);

/* Suspend the connection until req_resume() (any thread); the handler
 * returns REQ_SUSPENDED and resume_fn(r) renders the reply later.  The
 * handler must suspend before it hands work to another thread. */
#define REQ_SUSPENDED 1
int req_suspend(struct req *r, int (*resume_fn)(struct req *r));
void req_resume(struct req *r);

/* Reply with JSON (reply is consumed). Returns 0. */
int req_json(struct req *r, int status, json_t *reply);
/* Set r->err and return -1: the server renders the error body. */
int req_fail(struct req *r, const struct err *e);
void req_header(struct req *r, const char *name, const char *value);
/* The acting party for services. */
struct actor req_actor(const struct req *r);
/* A query parameter, or NULL. */
const char *req_query(struct req *r, const char *name);
/* An integer query parameter in min..max (default if absent); -1 with r->err on bad input. */
int req_query_int(struct req *r, const char *name, int64_t min, int64_t max, int64_t def,
		  int64_t *out);
/* A request header, or NULL. */
const char *req_header_in(struct req *r, const char *name);

#endif
