/* err.h - error values carried out of every fallible function.
 *
 * Every function that can fail returns int (0 ok, -1 error) and fills a
 * caller-provided struct err.  The code is a small enum; its HTTP status and
 * its wire name ("malformed_json", "not_found", ...) are mapped in one place,
 * err.c.  A more specific wire name may be given with err_setn(); the message
 * is one lowercase line with the subject in quotes.
 */
#ifndef VF_ERR_H
#define VF_ERR_H

#include <stdarg.h>

enum err_code {
	ERR_NONE = 0,
	ERR_MALFORMED,      /* 400: the request cannot be parsed */
	ERR_UNAUTHENTICATED,/* 401 */
	ERR_FORBIDDEN,      /* 403 */
	ERR_NOT_FOUND,      /* 404 */
	ERR_METHOD,         /* 405 */
	ERR_TIMEOUT,        /* 408: the client took too long to send its request */
	ERR_CONFLICT,       /* 409 */
	ERR_TOO_LARGE,      /* 413 */
	ERR_MEDIA_TYPE,     /* 415 */
	ERR_INVALID,        /* 422: parsed, but a field is wrong */
	ERR_RATE_LIMITED,   /* 429 */
	ERR_HEADERS_TOO_LARGE, /* 431 */
	ERR_INTERNAL,       /* 500 */
	ERR_UNAVAILABLE,    /* 503 */
	ERR_USAGE,          /* CLI only: exit code 2 */
};

struct err {
	enum err_code code;
	const char *name;   /* static wire name overriding the default, or NULL */
	char msg[256];
};

#define ERR_INIT { ERR_NONE, NULL, { 0 } }

/* Fill e (if not NULL) and return -1, so callers can `return err_set(...)`. */
int err_set(struct err *e, enum err_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Same, with a specific wire name such as "unknown_field". */
int err_setn(struct err *e, enum err_code code, const char *name,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void err_clear(struct err *e);

/* The HTTP status of a code (500 for ERR_NONE/ERR_USAGE misuse). */
int err_http_status(enum err_code code);
/* The wire name: e->name if set, else the code's default name. */
const char *err_name(const struct err *e);
/* The process exit code for a CLI command that failed with e: 2 usage, 1 else. */
int err_exit_code(const struct err *e);

#endif
