/* envelope.c - federation envelopes: strict parsing, RFC 8785 canonical JSON, base64url (see envelope.h). */
#include "formats/envelope.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/timefmt.h"

#define JCS_INT_MAX INT64_C(9007199254740992)  /* 2^53 */
#define JCS_DEPTH_MAX 64

/* ---- base64url ---- */

static const char b64chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t b64url_encoded_len(size_t n)
{
	return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
}

void b64url_encode(const unsigned char *p, size_t n, char *out)
{
	size_t i, k = 0;

	for (i = 0; i + 3 <= n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];

		out[k++] = b64chars[v >> 18];
		out[k++] = b64chars[(v >> 12) & 63];
		out[k++] = b64chars[(v >> 6) & 63];
		out[k++] = b64chars[v & 63];
	}
	if (n - i == 1) {
		unsigned v = (unsigned)p[i] << 16;

		out[k++] = b64chars[v >> 18];
		out[k++] = b64chars[(v >> 12) & 63];
	} else if (n - i == 2) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;

		out[k++] = b64chars[v >> 18];
		out[k++] = b64chars[(v >> 12) & 63];
		out[k++] = b64chars[(v >> 6) & 63];
	}
	out[k] = '\0';
}

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

int b64url_decode(const char *s, size_t len, unsigned char *out, size_t max, size_t *out_len)
{
	unsigned acc = 0;
	int bits = 0;
	size_t k = 0;

	*out_len = 0;
	if (len % 4 == 1)
		return -1;
	for (size_t i = 0; i < len; i++) {
		int v = b64val(s[i]);

		if (v < 0)
			return -1;
		acc = (acc << 6 | (unsigned)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (k == max)
				return -1;
			out[k++] = (unsigned char)(acc >> bits);
		}
	}
	/* the unused low bits of the last character must be zero (one spelling per value) */
	if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
		return -1;
	*out_len = k;
	return 0;
}

int envelope_keyid_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == 64;
}

/* ---- RFC 8785 canonical JSON ---- */

/* The next UTF-16 code unit of a UTF-8 string (jansson strings are valid
 * UTF-8); *pending carries a low surrogate between calls. */
static unsigned next_unit(const unsigned char **p, const unsigned char *end, unsigned *pending)
{
	unsigned c, cp;

	if (*pending) {
		c = *pending;
		*pending = 0;
		return c;
	}
	c = *(*p)++;
	if (c < 0x80)
		return c;
	if (c < 0xe0) {
		cp = (c & 0x1f) << 6;
		if (*p < end)
			cp |= *(*p)++ & 0x3f;
		return cp;
	}
	if (c < 0xf0) {
		cp = (c & 0x0f) << 12;
		for (int i = 1; i >= 0 && *p < end; i--)
			cp |= (unsigned)(*(*p)++ & 0x3f) << (6 * i);
		return cp;
	}
	cp = (c & 0x07) << 18;
	for (int i = 2; i >= 0 && *p < end; i--)
		cp |= (unsigned)(*(*p)++ & 0x3f) << (6 * i);
	cp -= 0x10000;
	*pending = 0xdc00 | (cp & 0x3ff);
	return 0xd800 | (cp >> 10);
}

static int utf16_cmp(const char *a, const char *b)
{
	const unsigned char *pa = (const unsigned char *)a, *pb = (const unsigned char *)b;
	const unsigned char *ea = pa + strlen(a), *eb = pb + strlen(b);
	unsigned qa = 0, qb = 0;

	while ((pa < ea || qa) && (pb < eb || qb)) {
		unsigned ua = next_unit(&pa, ea, &qa), ub = next_unit(&pb, eb, &qb);

		if (ua != ub)
			return ua < ub ? -1 : 1;
	}
	if (pa < ea || qa)
		return 1;
	if (pb < eb || qb)
		return -1;
	return 0;
}

static int key_cmp(const void *x, const void *y)
{
	return utf16_cmp(*(const char *const *)x, *(const char *const *)y);
}

static int add_or_full(struct buf *out, const void *p, size_t n, struct err *e)
{
	if (buf_add(out, p, n) < 0)
		return err_setn(e, ERR_TOO_LARGE, "envelope_too_large",
				"canonical form is larger than %zu bytes", out->max);
	return 0;
}

static int jcs_string(struct buf *out, const char *s, size_t n, struct err *e)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;

	if (add_or_full(out, "\"", 1, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[7];
		size_t elen = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		if (add_or_full(out, s + run, i - run, e) < 0)
			return -1;
		run = i + 1;
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\t': esc[1] = 't'; break;
		case '\n': esc[1] = 'n'; break;
		case '\f': esc[1] = 'f'; break;
		case '\r': esc[1] = 'r'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			elen = 6;
		}
		if (add_or_full(out, esc, elen, e) < 0)
			return -1;
	}
	if (add_or_full(out, s + run, n - run, e) < 0)
		return -1;
	return add_or_full(out, "\"", 1, e);
}

/* A finite double as ECMAScript's Number.prototype.toString prints it
 * (RFC 8785 section 3.2.2.3): the shortest digits that read back as d. */
static int jcs_double(struct buf *out, double d, struct err *e)
{
	char tmp[40], digits[24], res[64];
	int exp10 = 0, k = 0, n, p;
	size_t r = 0;
	const char *q;

	if (!isfinite(d))
		return err_setn(e, ERR_INVALID, "invalid_envelope", "a number is not finite");
	if (d == 0)
		return add_or_full(out, "0", 1, e);
	/* printed as digits without a point, it would read back as an integer
	 * outside the exact range: refused like such an integer */
	if (fabs(d) > (double)JCS_INT_MAX && fabs(d) < 1e21)
		return err_setn(e, ERR_INVALID, "invalid_envelope",
				"number %.17g is an integer outside +-2^53", d);
	for (p = 0; p < 17; p++) {
		snprintf(tmp, sizeof(tmp), "%.*e", p, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	/* tmp: [-]D[.DDD]e(+|-)XX */
	q = tmp;
	if (*q == '-') {
		res[r++] = '-';
		q++;
	}
	for (; *q && *q != 'e'; q++)
		if (*q != '.')
			digits[k++] = *q;
	exp10 = atoi(q + 1);
	while (k > 1 && digits[k - 1] == '0')
		k--;
	digits[k] = '\0';
	n = exp10 + 1;           /* the value is 0.DIGITS x 10^n */
	if (k <= n && n <= 21) {
		memcpy(res + r, digits, (size_t)k);
		r += (size_t)k;
		for (int i = 0; i < n - k; i++)
			res[r++] = '0';
	} else if (0 < n && n <= 21) {
		memcpy(res + r, digits, (size_t)n);
		r += (size_t)n;
		res[r++] = '.';
		memcpy(res + r, digits + n, (size_t)(k - n));
		r += (size_t)(k - n);
	} else if (-6 < n && n <= 0) {
		res[r++] = '0';
		res[r++] = '.';
		for (int i = 0; i < -n; i++)
			res[r++] = '0';
		memcpy(res + r, digits, (size_t)k);
		r += (size_t)k;
	} else {
		res[r++] = digits[0];
		if (k > 1) {
			res[r++] = '.';
			memcpy(res + r, digits + 1, (size_t)(k - 1));
			r += (size_t)(k - 1);
		}
		r += (size_t)snprintf(res + r, sizeof(res) - r, "e%c%d", n - 1 < 0 ? '-' : '+',
				      n - 1 < 0 ? 1 - n : n - 1);
	}
	return add_or_full(out, res, r, e);
}

static int jcs_value(struct buf *out, const json_t *v, int depth, struct err *e)
{
	char num[32];

	if (depth > JCS_DEPTH_MAX)
		return err_setn(e, ERR_INVALID, "invalid_envelope", "nested deeper than %d levels",
				JCS_DEPTH_MAX);
	switch (json_typeof(v)) {
	case JSON_NULL:
		return add_or_full(out, "null", 4, e);
	case JSON_TRUE:
		return add_or_full(out, "true", 4, e);
	case JSON_FALSE:
		return add_or_full(out, "false", 5, e);
	case JSON_INTEGER: {
		json_int_t i = json_integer_value(v);

		if (i > JCS_INT_MAX || i < -JCS_INT_MAX)
			return err_setn(e, ERR_INVALID, "invalid_envelope",
					"integer %lld is outside +-2^53", (long long)i);
		snprintf(num, sizeof(num), "%lld", (long long)i);
		return add_or_full(out, num, strlen(num), e);
	}
	case JSON_REAL:
		return jcs_double(out, json_real_value(v), e);
	case JSON_STRING:
		return jcs_string(out, json_string_value(v), json_string_length(v), e);
	case JSON_ARRAY: {
		size_t i;
		json_t *x;

		if (add_or_full(out, "[", 1, e) < 0)
			return -1;
		json_array_foreach(v, i, x) {
			if ((i > 0 && add_or_full(out, ",", 1, e) < 0) ||
			    jcs_value(out, x, depth + 1, e) < 0)
				return -1;
		}
		return add_or_full(out, "]", 1, e);
	}
	case JSON_OBJECT: {
		size_t n = json_object_size(v), i = 0;
		const char **keys = xcalloc(n + 1, sizeof(*keys));
		const char *k;
		json_t *x;
		int rc = 0;

		json_object_foreach((json_t *)v, k, x)
			keys[i++] = k;
		qsort(keys, n, sizeof(*keys), key_cmp);
		rc = add_or_full(out, "{", 1, e);
		for (i = 0; rc == 0 && i < n; i++) {
			if ((i > 0 && add_or_full(out, ",", 1, e) < 0) ||
			    jcs_string(out, keys[i], strlen(keys[i]), e) < 0 ||
			    add_or_full(out, ":", 1, e) < 0 ||
			    jcs_value(out, json_object_get(v, keys[i]), depth + 1, e) < 0)
				rc = -1;
		}
		free(keys);
		if (rc < 0)
			return -1;
		return add_or_full(out, "}", 1, e);
	}
	}
	return err_setn(e, ERR_INVALID, "invalid_envelope", "unknown JSON value");
}

int jcs_append(struct buf *out, const json_t *v, struct err *e)
{
	return jcs_value(out, v, 0, e);
}

/* ---- the envelope ---- */

static int bad(struct err *e, const char *member, const char *why)
{
	return err_setn(e, ERR_INVALID, "invalid_envelope", "\"%s\" %s", member, why);
}

static int check_chars(const char *s, size_t min, size_t max, const char *extra)
{
	size_t n = strlen(s);

	if (n < min || n > max)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')
			continue;
		if (extra != NULL && ((c >= 'A' && c <= 'Z') || strchr(extra, c) != NULL))
			continue;
		return -1;
	}
	return 0;
}

/* "YYYY-MM-DDTHH:MM:SS[.F{1,9}]Z" only: one UTC spelling, no offsets. */
static int parse_time(const char *s, int64_t *out)
{
	size_t n = strlen(s);

	if (n < 20 || n > 30 || s[n - 1] != 'Z' || s[10] != 'T' || (n > 20 && s[19] != '.'))
		return -1;
	return time_parse_rfc3339(s, out);
}

static int check_fields(const struct envelope *env, struct err *e)
{
	if (!envelope_keyid_valid(env->from))
		return bad(e, "from", "must be a key id (64 lowercase hex digits)");
	if (!envelope_keyid_valid(env->to))
		return bad(e, "to", "must be a key id (64 lowercase hex digits)");
	if (check_chars(env->type, 1, ENVELOPE_TYPE_MAX, NULL) < 0)
		return bad(e, "type", "must be 1-64 of a-z, 0-9 and _");
	if (check_chars(env->id, 1, ENVELOPE_ID_MAX, ".:-") < 0)
		return bad(e, "id", "must be 1-128 of A-Z, a-z, 0-9 and . _ : -");
	if (env->expires_at != 0 && env->expires_at <= env->created_at)
		return bad(e, "expires_at", "must be after created_at");
	return 0;
}

static const char *str_member(const json_t *o, const char *name, int required, struct err *e)
{
	const json_t *v = json_object_get(o, name);

	if (v == NULL) {
		if (required)
			bad(e, name, "is required");
		return NULL;
	}
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v)) {
		bad(e, name, "must be a string");
		return NULL;
	}
	return json_string_value(v);
}

static int copy_member(char *dst, size_t n, const json_t *o, const char *name, struct err *e)
{
	const char *s = str_member(o, name, 1, e);

	if (s == NULL)
		return -1;
	if (strlen(s) >= n)
		return bad(e, name, "is too long");
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

int envelope_parse(struct envelope **out, const char *text, size_t len, struct err *e)
{
	static const char *const known[] = { "from", "to", "type", "id", "created_at",
					     "expires_at", "body", "signature", NULL };
	struct envelope *env;
	json_error_t je;
	json_t *o;
	const char *k, *s;
	json_t *v;
	char sig_name[] = "signature";

	*out = NULL;
	if (len > ENVELOPE_TEXT_MAX)
		return err_setn(e, ERR_TOO_LARGE, "envelope_too_large",
				"envelope is larger than %d bytes", ENVELOPE_TEXT_MAX);
	o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (o == NULL)
		return err_setn(e, ERR_MALFORMED, "malformed_envelope",
				"envelope is not JSON: %s (line %d, column %d)", je.text, je.line,
				je.column);
	if (!json_is_object(o)) {
		json_decref(o);
		return err_setn(e, ERR_MALFORMED, "malformed_envelope",
				"envelope must be a JSON object");
	}
	env = xcalloc(1, sizeof(*env));
	env->obj = o;
	json_object_foreach(o, k, v) {
		size_t i;

		for (i = 0; known[i] && strcmp(known[i], k) != 0; i++)
			;
		if (known[i] == NULL) {
			err_setn(e, ERR_INVALID, "invalid_envelope", "unknown member \"%.64s\"", k);
			goto fail;
		}
	}
	if (copy_member(env->from, sizeof(env->from), o, "from", e) < 0 ||
	    copy_member(env->to, sizeof(env->to), o, "to", e) < 0 ||
	    copy_member(env->type, sizeof(env->type), o, "type", e) < 0 ||
	    copy_member(env->id, sizeof(env->id), o, "id", e) < 0)
		goto fail;
	if ((s = str_member(o, "created_at", 1, e)) == NULL)
		goto fail;
	if (parse_time(s, &env->created_at) < 0) {
		bad(e, "created_at", "must be an RFC 3339 UTC time ending in Z");
		goto fail;
	}
	if (json_object_get(o, "expires_at") != NULL) {
		if ((s = str_member(o, "expires_at", 1, e)) == NULL)
			goto fail;
		if (parse_time(s, &env->expires_at) < 0 || env->expires_at == 0) {
			bad(e, "expires_at", "must be an RFC 3339 UTC time ending in Z");
			goto fail;
		}
	}
	env->body = json_object_get(o, "body");
	if (env->body == NULL || !json_is_object(env->body)) {
		bad(e, "body", env->body ? "must be an object" : "is required");
		goto fail;
	}
	if ((s = str_member(o, sig_name, 1, e)) == NULL)
		goto fail;
	if (b64url_decode(s, strlen(s), env->signature, sizeof(env->signature),
			  &env->signature_len) < 0 || env->signature_len == 0) {
		bad(e, "signature", "must be base64url without padding (1-128 bytes)");
		goto fail;
	}
	json_object_del(o, sig_name);
	if (check_fields(env, e) < 0)
		goto fail;
	{
		/* the body must canonicalise (integer range, depth) */
		struct buf b;
		int rc;

		buf_init(&b, ENVELOPE_TEXT_MAX);
		rc = jcs_append(&b, o, e);
		buf_release(&b);
		if (rc < 0)
			goto fail;
	}
	*out = env;
	return 0;
fail:
	envelope_free(env);
	return -1;
}

int envelope_new(struct envelope **out, const char *from, const char *to, const char *type,
		 const char *id, int64_t created_at, int64_t expires_at, json_t *body,
		 struct err *e)
{
	struct envelope *env;
	char t[TIMEFMT_LEN];

	*out = NULL;
	if (body == NULL || !json_is_object(body))
		return bad(e, "body", "must be an object");
	if (strlen(from) >= ENVELOPE_KEYID_LEN || strlen(to) >= ENVELOPE_KEYID_LEN ||
	    strlen(type) > ENVELOPE_TYPE_MAX || strlen(id) > ENVELOPE_ID_MAX)
		return err_setn(e, ERR_INVALID, "invalid_envelope", "a member is too long");
	if (created_at <= 0)
		return bad(e, "created_at", "must be after 1970");
	env = xcalloc(1, sizeof(*env));
	memcpy(env->from, from, strlen(from) + 1);
	memcpy(env->to, to, strlen(to) + 1);
	memcpy(env->type, type, strlen(type) + 1);
	memcpy(env->id, id, strlen(id) + 1);
	env->created_at = created_at;
	env->expires_at = expires_at;
	if (check_fields(env, e) < 0) {
		free(env);
		return -1;
	}
	env->obj = json_object();
	json_object_set_new(env->obj, "from", json_string(from));
	json_object_set_new(env->obj, "to", json_string(to));
	json_object_set_new(env->obj, "type", json_string(type));
	json_object_set_new(env->obj, "id", json_string(id));
	time_format_utc(created_at, t);
	json_object_set_new(env->obj, "created_at", json_string(t));
	if (expires_at != 0) {
		time_format_utc(expires_at, t);
		json_object_set_new(env->obj, "expires_at", json_string(t));
	}
	json_object_set(env->obj, "body", body);
	env->body = body;
	*out = env;
	return 0;
}

void envelope_free(struct envelope *env)
{
	if (env == NULL)
		return;
	json_decref(env->obj);
	free(env);
}

int envelope_signing_input(const struct envelope *env, struct buf *out, struct err *e)
{
	if (add_or_full(out, ENVELOPE_SIGNING_PREFIX, strlen(ENVELOPE_SIGNING_PREFIX), e) < 0)
		return -1;
	return jcs_append(out, env->obj, e);
}

void envelope_set_signature(struct envelope *env, const unsigned char *sig, size_t len)
{
	if (len > ENVELOPE_SIG_MAX)
		len = ENVELOPE_SIG_MAX;
	memcpy(env->signature, sig, len);
	env->signature_len = len;
}

int envelope_text(const struct envelope *env, char **out, size_t *len, struct err *e)
{
	char sig[(ENVELOPE_SIG_MAX + 2) / 3 * 4 + 1];
	json_t *o;
	struct buf b;
	int rc;

	*out = NULL;
	*len = 0;
	if (env->signature_len == 0)
		return err_setn(e, ERR_INVALID, "invalid_envelope", "envelope is not signed");
	b64url_encode(env->signature, env->signature_len, sig);
	o = json_copy(env->obj);
	json_object_set_new(o, "signature", json_string(sig));
	buf_init(&b, ENVELOPE_TEXT_MAX);
	rc = jcs_append(&b, o, e);
	json_decref(o);
	if (rc < 0) {
		buf_release(&b);
		return -1;
	}
	*out = buf_detach(&b, len);
	if (*out == NULL)
		*out = xstrdup("");
	return 0;
}

/* ---- batches ---- */

static size_t skip_ws(const char *s, size_t len, size_t p)
{
	while (p < len && (s[p] == ' ' || s[p] == '\t' || s[p] == '\n' || s[p] == '\r'))
		p++;
	return p;
}

int envelope_split_batch(const char *s, size_t len, size_t max, size_t start[], size_t size[],
			 size_t *n)
{
	size_t p = skip_ws(s, len, 0);

	*n = 0;
	if (p == len || s[p] != '[')
		return -1;
	p = skip_ws(s, len, p + 1);
	for (;;) {
		json_error_t je;
		json_t *v;

		if (*n == max)
			return -2;
		/* one value, and where it ends (the rest is not looked at) */
		v = json_loadb(s + p, len - p, JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &je);
		if (!json_is_object(v)) {
			json_decref(v);
			return -1;
		}
		json_decref(v);
		start[*n] = p;
		size[*n] = (size_t)je.position;
		(*n)++;
		p = skip_ws(s, len, p + (size_t)je.position);
		if (p < len && s[p] == ',') {
			p = skip_ws(s, len, p + 1);
			continue;
		}
		if (p < len && s[p] == ']')
			return skip_ws(s, len, p + 1) == len ? 0 : -1;
		return -1;
	}
}
