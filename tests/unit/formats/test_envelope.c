/* test_envelope.c - federation envelopes: RFC 8785 vectors, strict parsing, signing round trips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/crypto.h"
#include "base/sign.h"
#include "formats/envelope.h"

#define A64 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define B64 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define T0 INT64_C(1764056379123456)   /* 2025-11-25T07:39:39.123456Z */

static char *jcs_of(const char *json)
{
	json_error_t je;
	json_t *v = json_loads(json, JSON_DECODE_ANY, &je);
	struct err e = ERR_INIT;
	struct buf b;
	char *out;
	size_t n;

	assert_non_null(v);
	buf_init(&b, 1 << 20);
	assert_int_equal(jcs_append(&b, v, &e), 0);
	json_decref(v);
	out = buf_detach(&b, &n);
	return out ? out : strdup("");
}

static void expect_jcs(const char *in, const char *want)
{
	char *got = jcs_of(in);

	assert_string_equal(got, want);
	free(got);
}

/* RFC 8785 section 3.2.3, the sample of a whole object. */
static void test_jcs_rfc_sample(void **state)
{
	(void)state;
	expect_jcs("{\"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],"
		   " \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\","
		   " \"literals\": [null, true, false]}",
		   "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,"
		   "1e-27],\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

/* RFC 8785 section 3.2.3, property sorting by UTF-16 code units. */
static void test_jcs_sorting(void **state)
{
	(void)state;
	expect_jcs("{\"\\u20ac\": \"Euro Sign\", \"\\r\": \"Carriage Return\", \"\\ufb33\": "
		   "\"Hebrew Letter Dalet With Dagesh\", \"1\": \"One\", \"\\ud83d\\ude00\": "
		   "\"Emoji: Grinning Face\", \"\\u0080\": \"Control\", \"\\u00f6\": "
		   "\"Latin Small Letter O With Diaeresis\"}",
		   "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\","
		   "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\","
		   "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\","
		   "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
}

/* RFC 8785 appendix B: IEEE 754 values and their ECMAScript text. */
static void test_jcs_numbers(void **state)
{
	static const struct {
		uint64_t bits;
		const char *text;
	} v[] = {
		{ 0x0000000000000000, "0" },
		{ 0x8000000000000000, "0" },
		{ 0x0000000000000001, "5e-324" },
		{ 0x8000000000000001, "-5e-324" },
		{ 0x7fefffffffffffff, "1.7976931348623157e+308" },
		{ 0xffefffffffffffff, "-1.7976931348623157e+308" },
		{ 0x4340000000000000, "9007199254740992" },
		{ 0xc340000000000000, "-9007199254740992" },
		{ 0x44b52d02c7e14af5, "9.999999999999997e+22" },
		{ 0x44b52d02c7e14af6, "1e+23" },
		{ 0x44b52d02c7e14af7, "1.0000000000000001e+23" },
		{ 0x444b1ae4d6e2ef50, "1e+21" },
		{ 0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7" },
		{ 0x3eb0c6f7a0b5ed8d, "0.000001" },
		{ 0x41b3de4355555553, "333333333.3333332" },
		{ 0x41b3de4355555554, "333333333.33333325" },
		{ 0x41b3de4355555555, "333333333.3333333" },
		{ 0x41b3de4355555556, "333333333.3333334" },
		{ 0x41b3de4355555557, "333333333.33333343" },
		{ 0xbecbf647612f3696, "-0.0000033333333333333333" },
		{ 0x43143ff3c1cb0959, "1424953923781206.2" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		double d;
		json_t *j;
		struct buf b;
		struct err e = ERR_INIT;

		memcpy(&d, &v[i].bits, sizeof(d));
		j = json_real(d);
		buf_init(&b, 256);
		assert_int_equal(jcs_append(&b, j, &e), 0);
		if (strcmp(b.data, v[i].text) != 0)
			fail_msg("%016llx: got %s, want %s", (unsigned long long)v[i].bits, b.data,
				 v[i].text);
		buf_release(&b);
		json_decref(j);
	}
	/* RFC 8785's 295147905179352830000 and 999999999999999700000 would read
	 * back as integers beyond 2^53: refused (envelope.h) */
	{
		json_t *j = json_real(295147905179352830000.0);
		struct buf b;
		struct err e = ERR_INIT;

		buf_init(&b, 256);
		assert_int_equal(jcs_append(&b, j, &e), -1);
		assert_int_equal(e.code, ERR_INVALID);
		buf_release(&b);
		json_decref(j);
	}
	/* integers: exact within +-2^53, refused beyond */
	expect_jcs("[0,-1,9007199254740992,-9007199254740992]",
		   "[0,-1,9007199254740992,-9007199254740992]");
	{
		json_t *j = json_integer(INT64_C(9007199254740993));
		struct buf b;
		struct err e = ERR_INIT;

		buf_init(&b, 256);
		assert_int_equal(jcs_append(&b, j, &e), -1);
		assert_int_equal(e.code, ERR_INVALID);
		assert_non_null(strstr(e.msg, "2^53"));
		buf_release(&b);
		json_decref(j);
	}
}

static void test_b64url(void **state)
{
	static const struct {
		const char *raw, *enc;
	} v[] = { { "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" },
		  { "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" }, { "foobar", "Zm9vYmFy" },
		  { "\xfb\xff", "-_8" } };
	unsigned char out[16];
	char enc[32];
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		b64url_encode((const unsigned char *)v[i].raw, strlen(v[i].raw), enc);
		assert_string_equal(enc, v[i].enc);
		assert_int_equal(b64url_encoded_len(strlen(v[i].raw)), strlen(v[i].enc));
		assert_int_equal(b64url_decode(v[i].enc, strlen(v[i].enc), out, sizeof(out), &n), 0);
		assert_int_equal(n, strlen(v[i].raw));
		assert_memory_equal(out, v[i].raw, n);
	}
	assert_int_equal(b64url_decode("Zg==", 4, out, sizeof(out), &n), -1);  /* padding */
	assert_int_equal(b64url_decode("Zm9+", 4, out, sizeof(out), &n), -1);  /* '+' */
	assert_int_equal(b64url_decode("Z", 1, out, sizeof(out), &n), -1);     /* 6 bits */
	assert_int_equal(b64url_decode("Zh", 2, out, sizeof(out), &n), -1);    /* stray bits */
	assert_int_equal(b64url_decode("Zm9vYmFy", 8, out, 5, &n), -1);         /* too long */
}

static struct envelope *make(const char *type, const char *id, json_t *body)
{
	struct envelope *env;
	struct err e = ERR_INIT;

	assert_int_equal(envelope_new(&env, A64, B64, type, id, T0, 0, body, &e), 0);
	return env;
}

static void test_signing_input(void **state)
{
	json_t *body = json_pack("{s:s,s:i,s:f}", "case_ref", "42", "version", 1, "score", 9.8);
	struct envelope *env = make("authority_report", "e-1", body);
	struct err e = ERR_INIT;
	struct buf b;
	char *text;
	size_t len;
	unsigned char sig[3] = { 1, 2, 3 };

	(void)state;
	buf_init(&b, 1 << 16);
	assert_int_equal(envelope_signing_input(env, &b, &e), 0);
	assert_string_equal(b.data,
			    "vulnflow-envelope/1\n"
			    "{\"body\":{\"case_ref\":\"42\",\"score\":9.8,\"version\":1},"
			    "\"created_at\":\"2025-11-25T07:39:39.123456Z\",\"from\":\"" A64 "\","
			    "\"id\":\"e-1\",\"to\":\"" B64 "\",\"type\":\"authority_report\"}");
	buf_release(&b);
	/* unsigned: no wire form */
	assert_int_equal(envelope_text(env, &text, &len, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	envelope_set_signature(env, sig, sizeof(sig));
	assert_int_equal(envelope_text(env, &text, &len, &e), 0);
	assert_int_equal(len, strlen(text));
	assert_string_equal(text,
			    "{\"body\":{\"case_ref\":\"42\",\"score\":9.8,\"version\":1},"
			    "\"created_at\":\"2025-11-25T07:39:39.123456Z\",\"from\":\"" A64 "\","
			    "\"id\":\"e-1\",\"signature\":\"AQID\",\"to\":\"" B64 "\","
			    "\"type\":\"authority_report\"}");
	{
		/* parsing the wire form gives the same signing input and wire form */
		struct envelope *p;
		struct buf b1, b2;
		char *text2;
		size_t len2;

		assert_int_equal(envelope_parse(&p, text, len, &e), 0);
		assert_string_equal(p->from, A64);
		assert_string_equal(p->to, B64);
		assert_string_equal(p->type, "authority_report");
		assert_string_equal(p->id, "e-1");
		assert_int_equal(p->created_at, T0);
		assert_int_equal(p->expires_at, 0);
		assert_int_equal(p->signature_len, 3);
		assert_memory_equal(p->signature, sig, 3);
		assert_string_equal(json_string_value(json_object_get(p->body, "case_ref")), "42");
		buf_init(&b1, 1 << 16);
		buf_init(&b2, 1 << 16);
		assert_int_equal(envelope_signing_input(env, &b1, &e), 0);
		assert_int_equal(envelope_signing_input(p, &b2, &e), 0);
		assert_string_equal(b1.data, b2.data);
		assert_int_equal(envelope_text(p, &text2, &len2, &e), 0);
		assert_string_equal(text, text2);
		free(text2);
		buf_release(&b1);
		buf_release(&b2);
		envelope_free(p);
	}
	free(text);
	envelope_free(env);
	json_decref(body);
}

static void expect_parse_error(const char *text, enum err_code code, const char *name,
			       const char *msg_part)
{
	struct envelope *env = (struct envelope *)1;
	struct err e = ERR_INIT;

	assert_int_equal(envelope_parse(&env, text, strlen(text), &e), -1);
	assert_null(env);
	if (e.code != code || strcmp(err_name(&e), name) != 0)
		fail_msg("%s: got %s (%s)", text, err_name(&e), e.msg);
	if (strstr(e.msg, msg_part) == NULL)
		fail_msg("\"%s\" not in \"%s\"", msg_part, e.msg);
}

#define GOOD_HEAD "{\"from\":\"" A64 "\",\"to\":\"" B64 "\",\"type\":\"t\",\"id\":\"x\","
#define GOOD_TIME "\"created_at\":\"2026-11-25T07:39:59Z\","

static void test_parse_errors(void **state)
{
	struct envelope *env;
	struct err e = ERR_INIT;
	const char *ok = GOOD_HEAD GOOD_TIME "\"body\":{},\"signature\":\"AQID\"}";

	(void)state;
	assert_int_equal(envelope_parse(&env, ok, strlen(ok), &e), 0);
	envelope_free(env);
	expect_parse_error("", ERR_MALFORMED, "malformed_envelope", "not JSON");
	expect_parse_error("[1]", ERR_MALFORMED, "malformed_envelope", "JSON object");
	expect_parse_error("{\"from\":1,\"from\":2}", ERR_MALFORMED, "malformed_envelope",
			   "duplicate");
	expect_parse_error(GOOD_HEAD GOOD_TIME "\"body\":{},\"signature\":\"AQID\",\"x\":1}",
			   ERR_INVALID, "invalid_envelope", "unknown member \"x\"");
	expect_parse_error(GOOD_HEAD GOOD_TIME "\"signature\":\"AQID\"}", ERR_INVALID,
			   "invalid_envelope", "\"body\" is required");
	expect_parse_error(GOOD_HEAD GOOD_TIME "\"body\":[],\"signature\":\"AQID\"}", ERR_INVALID,
			   "invalid_envelope", "\"body\" must be an object");
	expect_parse_error(GOOD_HEAD GOOD_TIME "\"body\":{}}", ERR_INVALID, "invalid_envelope",
			   "\"signature\" is required");
	expect_parse_error(GOOD_HEAD GOOD_TIME "\"body\":{},\"signature\":\"AQ==\"}", ERR_INVALID,
			   "invalid_envelope", "\"signature\" must be base64url");
	expect_parse_error(GOOD_HEAD "\"created_at\":\"2026-11-25T07:39:59+08:00\","
			   "\"body\":{},\"signature\":\"AQID\"}",
			   ERR_INVALID, "invalid_envelope", "\"created_at\" must be an RFC 3339");
	expect_parse_error(GOOD_HEAD GOOD_TIME "\"expires_at\":\"2026-11-25T07:39:58Z\","
			   "\"body\":{},\"signature\":\"AQID\"}",
			   ERR_INVALID, "invalid_envelope", "\"expires_at\" must be after");
	expect_parse_error("{\"from\":\"" A64 "x\",\"to\":\"" B64 "\",\"type\":\"t\",\"id\":\"x\","
			   GOOD_TIME "\"body\":{},\"signature\":\"AQID\"}",
			   ERR_INVALID, "invalid_envelope", "\"from\"");
	expect_parse_error("{\"from\":\"" A64 "\",\"to\":\"" B64 "\",\"type\":\"T\",\"id\":\"x\","
			   GOOD_TIME "\"body\":{},\"signature\":\"AQID\"}",
			   ERR_INVALID, "invalid_envelope", "\"type\" must be");
	expect_parse_error("{\"from\":\"" A64 "\",\"to\":\"" B64 "\",\"type\":\"t\",\"id\":\"a b\","
			   GOOD_TIME "\"body\":{},\"signature\":\"AQID\"}",
			   ERR_INVALID, "invalid_envelope", "\"id\" must be");
	expect_parse_error("{\"from\":\"" A64 "\",\"to\":\"" B64 "\",\"type\":\"t\",\"id\":\"a\\u0000b\","
			   GOOD_TIME "\"body\":{},\"signature\":\"AQID\"}",
			   ERR_MALFORMED, "malformed_envelope", "not allowed");
	expect_parse_error(GOOD_HEAD GOOD_TIME "\"body\":{\"n\":9007199254740993},\"signature\":\"AQID\"}",
			   ERR_INVALID, "invalid_envelope", "2^53");
}

/* Sign with a real key (both algorithms), verify, then tamper. */
static void test_sign_verify(void **state)
{
	const char *algs[] = { "sm2", "ed25519" };
	char dir[] = "/tmp/test_envelope.XXXXXX";

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (int a = 0; a < 2; a++) {
		char priv[256], pub[256];
		struct sign_key *k;
		enum sign_alg alg;
		struct err e = ERR_INIT;
		unsigned char sig[SIGN_MAX_LEN];
		size_t sig_len, len;
		json_t *body = json_pack("{s:s}", "note", "签名测试");
		struct envelope *env = make("test", "id-1", body), *p;
		struct buf b;
		char *text, *at;

		snprintf(priv, sizeof(priv), "%s/%s.key", dir, algs[a]);
		snprintf(pub, sizeof(pub), "%s/%s.pub", dir, algs[a]);
		assert_int_equal(sign_alg_from_name(algs[a], &alg), 0);
		assert_int_equal(sign_key_generate(priv, pub, alg, &e), 0);
		assert_int_equal(sign_key_load_private(&k, priv, &e), 0);
		buf_init(&b, 1 << 16);
		assert_int_equal(envelope_signing_input(env, &b, &e), 0);
		assert_int_equal(sign_message(k, b.data, b.len, sig, &sig_len, &e), 0);
		buf_release(&b);
		envelope_set_signature(env, sig, sig_len);
		assert_int_equal(envelope_text(env, &text, &len, &e), 0);

		assert_int_equal(envelope_parse(&p, text, len, &e), 0);
		buf_init(&b, 1 << 16);
		assert_int_equal(envelope_signing_input(p, &b, &e), 0);
		assert_int_equal(sign_verify(k, b.data, b.len, p->signature, p->signature_len, &e), 0);
		buf_release(&b);
		envelope_free(p);

		/* one changed byte of the body: the signature no longer holds */
		at = strstr(text, "签名");
		assert_non_null(at);
		at[0] = 'X';
		at[1] = 'X';
		at[2] = 'X';
		assert_int_equal(envelope_parse(&p, text, len, &e), 0);
		buf_init(&b, 1 << 16);
		assert_int_equal(envelope_signing_input(p, &b, &e), 0);
		assert_int_equal(sign_verify(k, b.data, b.len, p->signature, p->signature_len, &e), -1);
		assert_int_equal(e.code, ERR_INVALID);
		buf_release(&b);
		envelope_free(p);
		free(text);
		envelope_free(env);
		json_decref(body);
		sign_key_free(k);
		unlink(priv);
		unlink(pub);
	}
	rmdir(dir);
}

static void test_new_errors(void **state)
{
	struct envelope *env;
	struct err e = ERR_INIT;
	json_t *body = json_object(), *arr = json_array();

	(void)state;
	assert_int_equal(envelope_new(&env, A64, B64, "t", "x", T0, 0, arr, &e), -1);
	assert_null(env);
	assert_int_equal(envelope_new(&env, "short", B64, "t", "x", T0, 0, body, &e), -1);
	assert_non_null(strstr(e.msg, "\"from\""));
	assert_int_equal(envelope_new(&env, A64, B64, "t", "x", T0, T0, body, &e), -1);
	assert_non_null(strstr(e.msg, "\"expires_at\""));
	assert_int_equal(envelope_new(&env, A64, B64, "t", "x", T0, T0 + 1, body, &e), 0);
	assert_int_equal(env->expires_at, T0 + 1);
	assert_string_equal(json_string_value(json_object_get(env->obj, "expires_at")),
			    "2025-11-25T07:39:39.123457Z");
	envelope_free(env);
	json_decref(body);
	json_decref(arr);
}

static void expect_split(const char *s, int want, size_t max, const char *const *items)
{
	size_t start[8], size[8], n = 99;

	assert_int_equal(envelope_split_batch(s, strlen(s), max, start, size, &n), want);
	if (want != 0)
		return;
	for (size_t i = 0; i < n; i++) {
		assert_non_null(items[i]);
		assert_int_equal(size[i], strlen(items[i]));
		assert_memory_equal(s + start[i], items[i], size[i]);
	}
	assert_null(items[n]);
}

static void test_split_batch(void **state)
{
	static const char *const two[] = { "{\"a\":[1,{\"b\":\"]\"}]}", "{}", NULL };
	static const char *const one[] = { "{\"x\":\"[,]\"}", NULL };

	(void)state;
	expect_split("[{\"a\":[1,{\"b\":\"]\"}]},{}]", 0, 8, two);
	expect_split(" \n[ {\"a\":[1,{\"b\":\"]\"}]} ,\t{} ]\r\n", 0, 8, two);
	expect_split("[{\"x\":\"[,]\"}]", 0, 8, one);
	expect_split("[{},{}]", 0, 2, (const char *const[]){ "{}", "{}", NULL });
	expect_split("[{},{},{}]", -2, 2, NULL);
	expect_split("{\"from\":\"x\"}", -1, 8, NULL);     /* one envelope */
	expect_split("[]", -1, 8, NULL);
	expect_split("[1]", -1, 8, NULL);
	expect_split("[{},1]", -1, 8, NULL);
	expect_split("[{}", -1, 8, NULL);
	expect_split("[{},]", -1, 8, NULL);
	expect_split("[{}] x", -1, 8, NULL);
	expect_split("[{}{}]", -1, 8, NULL);
	expect_split("[{\"a\":1,\"a\":2}]", -1, 8, NULL);  /* duplicate member */
	expect_split("", -1, 8, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jcs_rfc_sample),
		cmocka_unit_test(test_jcs_sorting),
		cmocka_unit_test(test_jcs_numbers),
		cmocka_unit_test(test_b64url),
		cmocka_unit_test(test_signing_input),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_sign_verify),
		cmocka_unit_test(test_new_errors),
		cmocka_unit_test(test_split_batch),
	};
	struct err e = ERR_INIT;

	if (crypto_init(&e) < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
