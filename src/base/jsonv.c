/* jsonv.c - request JSON parsing and validation against declarative field tables. */
#include "base/jsonv.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define JV_STRING_MAX 100000
#define JV_DEPTH_MAX 16

size_t jsonv_utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

int jsonv_valid_email(const char *s)
{
	const char *at = strchr(s, '@');

	if (at == NULL || at == s || strchr(at + 1, '@') != NULL || strchr(at, '.') == NULL)
		return 0;
	if (at[1] == '.' || s[strlen(s) - 1] == '.')
		return 0;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == ',' || *p == ';')
			return 0;
	return 1;
}

static int valid_country(const char *s)
{
	return strlen(s) == 2 && isupper((unsigned char)s[0]) && isupper((unsigned char)s[1]);
}

static const char *type_name(enum jv_type t)
{
	switch (t) {
	case JV_STRING: return "a string";
	case JV_INT: return "an integer";
	case JV_BOOL: return "a boolean";
	case JV_OBJECT: return "an object";
	case JV_ARRAY: return "an array";
	default: return "a value";
	}
}

static int type_ok(json_t *v, enum jv_type t)
{
	switch (t) {
	case JV_STRING: return json_is_string(v);
	case JV_INT: return json_is_integer(v);
	case JV_BOOL: return json_is_boolean(v);
	case JV_OBJECT: return json_is_object(v);
	case JV_ARRAY: return json_is_array(v);
	default: return 0;
	}
}

static void join_path(char *out, size_t n, const char *path, const char *name)
{
	if (path[0] == '\0')
		snprintf(out, n, "%s", name);
	else
		snprintf(out, n, "%s.%s", path, name);
}

static int check_object(json_t *obj, const struct jv_field *fields, const char *path, int depth,
			struct err *e);

static int check_string(json_t *v, const struct jv_field *f, const char *where, struct err *e)
{
	const char *s = json_string_value(v);
	size_t len = jsonv_utf8_len(s);
	long long max = f->max ? f->max : JV_STRING_MAX;

	if ((long long)len < f->min)
		return err_set(e, ERR_INVALID, "field \"%s\" must have at least %lld characters",
			       where, f->min);
	if ((long long)len > max)
		return err_set(e, ERR_INVALID, "field \"%s\" must have at most %lld characters",
			       where, max);
	if (f->one_of != NULL) {
		int found = 0;
		for (const char *const *o = f->one_of; *o; o++)
			if (strcmp(*o, s) == 0)
				found = 1;
		if (!found)
			return err_set(e, ERR_INVALID, "field \"%s\" has an unknown value", where);
	}
	if (f->format != NULL && strcmp(f->format, "email") == 0 && !jsonv_valid_email(s))
		return err_set(e, ERR_INVALID, "field \"%s\" is not an e-mail address", where);
	if (f->format != NULL && strcmp(f->format, "country") == 0 && !valid_country(s))
		return err_set(e, ERR_INVALID,
			       "field \"%s\" is not an ISO 3166-1 alpha-2 country code", where);
	return 0;
}

static int check_value(json_t *v, const struct jv_field *f, const char *where, int depth,
		       struct err *e)
{
	if (json_is_null(v) && f->nullable)
		return 0;
	if (json_is_null(v) && f->required)
		return err_setn(e, ERR_INVALID, "missing_field", "field \"%s\" is required", where);
	if (!type_ok(v, f->type))
		return err_set(e, ERR_INVALID, "field \"%s\" must be %s", where, type_name(f->type));
	switch (f->type) {
	case JV_STRING:
		return check_string(v, f, where, e);
	case JV_INT:
		if (json_integer_value(v) < f->min || (f->max && json_integer_value(v) > f->max))
			return err_set(e, ERR_INVALID, "field \"%s\" is out of range", where);
		return 0;
	case JV_OBJECT:
		return check_object(v, f->fields, where, depth + 1, e);
	case JV_ARRAY: {
		size_t i;
		json_t *item;
		struct jv_field item_f = { .name = "", .type = f->items ? f->items : JV_STRING,
					   .fields = f->fields };
		char sub[300];

		if ((long long)json_array_size(v) < f->min ||
		    (f->max && (long long)json_array_size(v) > f->max))
			return err_set(e, ERR_INVALID, "field \"%s\" has the wrong number of items",
				       where);
		json_array_foreach(v, i, item) {
			snprintf(sub, sizeof(sub), "%s[%zu]", where, i);
			if (check_value(item, &item_f, sub, depth + 1, e) < 0)
				return -1;
		}
		return 0;
	}
	default:
		return 0;
	}
}

static int check_object(json_t *obj, const struct jv_field *fields, const char *path, int depth,
			struct err *e)
{
	const char *key;
	json_t *v;
	char where[256];

	if (depth > JV_DEPTH_MAX)
		return err_set(e, ERR_INVALID, "value \"%s\" is nested too deeply", path);
	json_object_foreach(obj, key, v) {
		const struct jv_field *f = NULL;

		for (const struct jv_field *p = fields; p && p->name; p++)
			if (strcmp(p->name, key) == 0)
				f = p;
		join_path(where, sizeof(where), path, key);
		if (f == NULL)
			return err_setn(e, ERR_INVALID, "unknown_field", "unknown field \"%s\"", where);
		if (check_value(v, f, where, depth, e) < 0)
			return -1;
	}
	for (const struct jv_field *p = fields; p && p->name; p++) {
		v = json_object_get(obj, p->name);
		if (p->required && (v == NULL || json_is_null(v))) {
			join_path(where, sizeof(where), path, p->name);
			return err_setn(e, ERR_INVALID, "missing_field", "field \"%s\" is required",
					where);
		}
	}
	return 0;
}

int jsonv_check(json_t *v, const struct jv_field *fields, const char *path, struct err *e)
{
	if (!json_is_object(v))
		return err_set(e, ERR_INVALID, "request body must be a JSON object");
	return check_object(v, fields, path, 0, e);
}

int jsonv_parse(const char *body, size_t len, const struct jv_field *fields, json_t **out,
		struct err *e)
{
	json_error_t jerr;
	json_t *v;

	*out = NULL;
	if (len == 0)
		return err_setn(e, ERR_MALFORMED, "malformed_json", "request body is empty");
	v = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (v == NULL)
		return err_setn(e, ERR_MALFORMED, "malformed_json", "malformed json at byte %d: %s",
				jerr.position, jerr.text);
	if (jsonv_check(v, fields, "", e) < 0) {
		json_decref(v);
		return -1;
	}
	*out = v;
	return 0;
}

static json_t *field_schema(const struct jv_field *f)
{
	static const char *const types[] = { [JV_STRING] = "string", [JV_INT] = "integer",
		[JV_BOOL] = "boolean", [JV_OBJECT] = "object", [JV_ARRAY] = "array" };
	json_t *s = json_object();

	if (f->nullable)
		json_object_set_new(s, "type", json_pack("[ss]", types[f->type], "null"));
	else
		json_object_set_new(s, "type", json_string(types[f->type]));
	if (f->description)
		json_object_set_new(s, "description", json_string(f->description));
	switch (f->type) {
	case JV_STRING:
		if (f->min)
			json_object_set_new(s, "minLength", json_integer(f->min));
		json_object_set_new(s, "maxLength", json_integer(f->max ? f->max : JV_STRING_MAX));
		if (f->format && strcmp(f->format, "email") == 0)
			json_object_set_new(s, "format", json_string("email"));
		if (f->format && strcmp(f->format, "country") == 0)
			json_object_set_new(s, "pattern", json_string("^[A-Z]{2}$"));
		if (f->one_of) {
			json_t *en = json_array();
			for (const char *const *o = f->one_of; *o; o++)
				json_array_append_new(en, json_string(*o));
			json_object_set_new(s, "enum", en);
		}
		break;
	case JV_INT:
		json_object_set_new(s, "minimum", json_integer(f->min));
		if (f->max)
			json_object_set_new(s, "maximum", json_integer(f->max));
		break;
	case JV_OBJECT:
		json_decref(s);
		return jsonv_schema(f->fields);
	case JV_ARRAY: {
		struct jv_field item = { .name = "", .type = f->items ? f->items : JV_STRING,
					 .fields = f->fields };
		json_object_set_new(s, "items", field_schema(&item));
		break;
	}
	default:
		break;
	}
	return s;
}

json_t *jsonv_schema(const struct jv_field *fields)
{
	json_t *props = json_object(), *req = json_array();
	json_t *s = json_pack("{s:s, s:b}", "type", "object", "additionalProperties", 0);

	for (const struct jv_field *f = fields; f && f->name; f++) {
		json_object_set_new(props, f->name, field_schema(f));
		if (f->required)
			json_array_append_new(req, json_string(f->name));
	}
	json_object_set_new(s, "properties", props);
	if (json_array_size(req) > 0)
		json_object_set_new(s, "required", req);
	else
		json_decref(req);
	return s;
}
