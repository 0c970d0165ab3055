/* jsonv.h - parse a request body as JSON and validate it against a field table.
 *
 * The one place request JSON is checked (and the target of the fuzzer).  A
 * route declares its body as a NULL-terminated array of struct jv_field; the
 * same table produces the route's JSON Schema in the OpenAPI document, so the
 * documentation cannot drift from what is enforced.
 *
 *	static const struct jv_field login_body[] = {
 *		{ .name = "email", .type = JV_STRING, .required = 1, .max = 254, .format = "email" },
 *		{ .name = "password", .type = JV_STRING, .required = 1, .min = 1, .max = 1024 },
 *		{ 0 }
 *	};
 *
 * Errors: malformed JSON, truncated JSON, invalid UTF-8, a NUL in a string or
 * duplicate keys are ERR_MALFORMED (400 "malformed_json"); a body that is not an
 * object, a missing or mistyped field, an unknown field ("unknown_field") or
 * a value out of range are ERR_INVALID (422), the message naming the field by
 * its dotted path.
 */
#ifndef VF_JSONV_H
#define VF_JSONV_H

#include <jansson.h>
#include <stddef.h>

#include "base/err.h"

enum jv_type { JV_END = 0, JV_STRING, JV_INT, JV_BOOL, JV_OBJECT, JV_ARRAY };

struct jv_field {
	const char *name;
	enum jv_type type;
	int required;
	/* STRING: length in Unicode code points; INT: value; ARRAY: item count.
	 * max == 0 means no upper bound (except for strings: 100000). */
	long long min, max;
	const char *const *one_of;      /* STRING: allowed values, NULL-terminated */
	const char *format;             /* STRING: "email", "country", "date-time" */
	const struct jv_field *fields;  /* OBJECT: its fields; ARRAY: an item object's fields */
	enum jv_type items;             /* ARRAY: item type (default STRING) */
	int nullable;                   /* null is accepted and means "absent" */
	const char *description;
};

/* Parse body (len bytes) and validate it against fields; *out is the object. */
int jsonv_parse(const char *body, size_t len, const struct jv_field *fields, json_t **out,
		struct err *e);
/* Validate an already-parsed value (path names it in messages, "" for the root). */
int jsonv_check(json_t *v, const struct jv_field *fields, const char *path, struct err *e);
/* The JSON Schema (2020-12 subset) of an object with these fields. */
json_t *jsonv_schema(const struct jv_field *fields);
/* Whether s looks like an e-mail address (the "email" format). */
int jsonv_valid_email(const char *s);
/* Number of Unicode code points in a valid UTF-8 string. */
size_t jsonv_utf8_len(const char *s);

#endif
