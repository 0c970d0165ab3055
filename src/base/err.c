/* err.c - error values and the one mapping from error code to HTTP status and wire name. */
#include "base/err.h"

#include <stdio.h>
#include <string.h>

static const struct {
	int status;
	const char *name;
} code_map[] = {
	[ERR_NONE] = { 500, "internal" },
	[ERR_MALFORMED] = { 400, "malformed_request" },
	[ERR_UNAUTHENTICATED] = { 401, "unauthenticated" },
	[ERR_FORBIDDEN] = { 403, "forbidden" },
	[ERR_NOT_FOUND] = { 404, "not_found" },
	[ERR_METHOD] = { 405, "method_not_allowed" },
	[ERR_TIMEOUT] = { 408, "request_timeout" },
	[ERR_CONFLICT] = { 409, "conflict" },
	[ERR_TOO_LARGE] = { 413, "payload_too_large" },
	[ERR_MEDIA_TYPE] = { 415, "unsupported_media_type" },
	[ERR_INVALID] = { 422, "invalid_field" },
	[ERR_RATE_LIMITED] = { 429, "rate_limited" },
	[ERR_HEADERS_TOO_LARGE] = { 431, "headers_too_large" },
	[ERR_INTERNAL] = { 500, "internal" },
	[ERR_UNAVAILABLE] = { 503, "unavailable" },
	[ERR_USAGE] = { 400, "usage" },
};

static int err_vset(struct err *e, enum err_code code, const char *name,
		    const char *fmt, va_list ap)
{
	if (e == NULL)
		return -1;
	e->code = code;
	e->name = name;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	return -1;
}

int err_set(struct err *e, enum err_code code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, code, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

int err_setn(struct err *e, enum err_code code, const char *name,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, code, name, fmt, ap);
	va_end(ap);
	return -1;
}

void err_clear(struct err *e)
{
	if (e != NULL)
		memset(e, 0, sizeof(*e));
}

int err_http_status(enum err_code code)
{
	if ((unsigned)code >= sizeof(code_map) / sizeof(code_map[0]))
		return 500;
	return code_map[code].status;
}

const char *err_name(const struct err *e)
{
	if (e->name != NULL)
		return e->name;
	if ((unsigned)e->code >= sizeof(code_map) / sizeof(code_map[0]))
		return "internal";
	return code_map[e->code].name;
}

int err_exit_code(const struct err *e)
{
	return e->code == ERR_USAGE ? 2 : 1;
}
