/* fuzz_envelope.c - libFuzzer target for federation envelopes (formats/envelope.h).
 *
 * The input is parsed as an envelope: it must either parse or be refused
 * with one of the three documented wire codes and a message.  One that
 * parses must round-trip: its wire form parses again to the same fields,
 * the same signing input and the same wire form (the canonical form is a
 * fixed point).  Any JSON input is also canonicalised on its own (RFC 8785):
 * the result, if any, must parse back to JSON and canonicalise to itself,
 * and split as a batch (envelope_split_batch): each range one JSON object.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/envelope.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_jcs(const uint8_t *data, size_t size)
{
	json_error_t je;
	json_t *v = json_loadb((const char *)data, size, JSON_DECODE_ANY, &je), *w;
	struct err e = ERR_INIT;
	struct buf b1, b2;

	if (v == NULL)
		return;
	buf_init(&b1, 1 << 20);
	buf_init(&b2, 1 << 20);
	if (jcs_append(&b1, v, &e) == 0) {
		w = json_loadb(b1.data ? b1.data : "", b1.len, JSON_DECODE_ANY, &je);
		if (w == NULL || jcs_append(&b2, w, &e) < 0 || b1.len != b2.len ||
		    memcmp(b1.data, b2.data, b1.len) != 0)
			abort();
		json_decref(w);
	} else if (e.msg[0] == '\0') {
		abort();
	}
	buf_release(&b1);
	buf_release(&b2);
	json_decref(v);
}

/* A batch's ranges lie in the input, in order, and each is one JSON object
 * on its own. */
static void check_batch(const uint8_t *data, size_t size)
{
	size_t start[8], len[8], n;
	int rc = envelope_split_batch((const char *)data, size, 8, start, len, &n);

	if (rc != 0 && rc != -1 && rc != -2)
		abort();
	for (size_t i = 0; rc == 0 && i < n; i++) {
		json_error_t je;
		json_t *v;

		if (start[i] + len[i] > size || (i > 0 && start[i] < start[i - 1] + len[i - 1]))
			abort();
		v = json_loadb((const char *)data + start[i], len[i], 0, &je);
		if (!json_is_object(v))
			abort();
		json_decref(v);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct envelope *env, *again;
	struct err e = ERR_INIT;
	struct buf s1, s2;
	char *t1, *t2;
	size_t n1, n2;

	check_jcs(data, size);
	check_batch(data, size);
	if (envelope_parse(&env, (const char *)data, size, &e) < 0) {
		const char *name = err_name(&e);

		if (env != NULL || e.msg[0] == '\0' ||
		    (strcmp(name, "malformed_envelope") && strcmp(name, "invalid_envelope") &&
		     strcmp(name, "envelope_too_large")))
			abort();
		return 0;
	}
	if (envelope_text(env, &t1, &n1, &e) < 0 || envelope_parse(&again, t1, n1, &e) < 0)
		abort();
	if (strcmp(env->from, again->from) || strcmp(env->to, again->to) ||
	    strcmp(env->type, again->type) || strcmp(env->id, again->id) ||
	    env->created_at != again->created_at || env->expires_at != again->expires_at ||
	    env->signature_len != again->signature_len ||
	    memcmp(env->signature, again->signature, env->signature_len) != 0)
		abort();
	buf_init(&s1, ENVELOPE_TEXT_MAX + 64);
	buf_init(&s2, ENVELOPE_TEXT_MAX + 64);
	if (envelope_signing_input(env, &s1, &e) < 0 || envelope_signing_input(again, &s2, &e) < 0 ||
	    s1.len != s2.len || memcmp(s1.data, s2.data, s1.len) != 0)
		abort();
	if (envelope_text(again, &t2, &n2, &e) < 0 || n1 != n2 || memcmp(t1, t2, n1) != 0)
		abort();
	buf_release(&s1);
	buf_release(&s2);
	free(t1);
	free(t2);
	envelope_free(again);
	envelope_free(env);
	return 0;
}
