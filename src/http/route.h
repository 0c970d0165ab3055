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
};

extern const struct route routes[];
extern const size_t routes_count;

#define REQ_MAX_HEADERS 8

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
	const char *content_type;
	struct {
		const char *name;
		char *value;           /* owned */
	} headers[REQ_MAX_HEADERS];
	int nheaders;
	struct err err;
};

/* Find the route for method and path.  Returns its index, or -1 with
 * *path_known set when the path exists for other methods (then allow holds
 * them, comma-separated, for the Allow header). */
int route_match(const char *method, const char *path, int64_t *path_id, int *path_known,
		char *allow, size_t allow_len);

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
