/* test_fed_receipt.c - receipts of federation envelopes: the leaf payload, the wire form, the
 * parser's refusals, and the proof checks against a tree built here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypto.h"
#include "base/hash.h"
#include "rules/merkle.h"
#include "service/fed_receipt.h"
#include "service/intake.h"
#include "service/tlog.h"

#define SENDER "1111111111111111111111111111111111111111111111111111111111111111"
#define RECEIVER "2222222222222222222222222222222222222222222222222222222222222222"
#define SHA "3333333333333333333333333333333333333333333333333333333333333333"
#define LOG_ID "4444444444444444444444444444444444444444444444444444444444444444"
#define NLEAVES 13
#define MINE 9

/* The payload as jansson writes it, sorted and compact: what the fast
 * writer must equal byte for byte. */
static void test_payload(void **state)
{
	static const char *const ids[] = { "e-abc", "A.b_c:d-9", "x" };
	static const char *const types[] = { "ping", "authority_report", "status_update" };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		json_t *o = json_pack("{s:i,s:s,s:s,s:s,s:s,s:s,s:s}", "v", 1, "channel",
				      "federation", "kind", "envelope", "from", SENDER, "type",
				      types[i], "id", ids[i], "envelope_sha256", SHA);
		char *want = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
		char *got = fed_receipt_payload(SENDER, types[i], ids[i], SHA);

		assert_string_equal(got, want);
		free(got);
		free(want);
		json_decref(o);
	}
}

/* A receipt for leaf MINE of a NLEAVES-leaf tree whose other leaves are
 * arbitrary: its entry logs the payload of envelope "e-1" from SENDER. */
static void make(struct fed_receipt *r, struct hash_ctx *h)
{
	unsigned char leaves[NLEAVES][HASH_LEN];
	struct tlog_entry en = { 1, INTAKE_FEDERATION, INTAKE_ACCEPTED,
				 INT64_C(1795629908096123), { 0 } };
	char *payload = fed_receipt_payload(SENDER, "ping", "e-1", SHA);
	struct merkle_mem mem = { h, (const unsigned char (*)[HASH_LEN])leaves, NLEAVES };
	struct err e = ERR_INIT;

	memset(r, 0, sizeof(*r));
	fed_receipt_id(SENDER, "e-1", r->id);
	strcpy(r->from, RECEIVER);
	strcpy(r->to, SENDER);
	strcpy(r->envelope_id, "e-1");
	strcpy(r->envelope_type, "ping");
	strcpy(r->envelope_sha256, SHA);
	strcpy(r->log_id, LOG_ID);
	r->received_at = en.received_at;
	r->leaf_index = MINE;
	r->hash_alg = hash_ctx_alg(h);
	r->sig_alg = SIGN_ED25519;
	assert_int_equal(hash_digest(h, payload, strlen(payload), en.payload_hash, &e), 0);
	tlog_entry_encode(&en, r->entry);
	for (int i = 0; i < NLEAVES; i++) {
		unsigned char other[2] = { 0xa5, (unsigned char)i };

		if (i == MINE)
			assert_int_equal(merkle_leaf_hash(h, r->entry, TLOG_ENTRY_LEN, leaves[i], &e), 0);
		else
			assert_int_equal(merkle_leaf_hash(h, other, 2, leaves[i], &e), 0);
	}
	memcpy(r->leaf_hash, leaves[MINE], HASH_LEN);
	r->sth.tree_size = NLEAVES;
	r->sth.timestamp_ms = INT64_C(1795629908096);
	assert_int_equal(merkle_root(h, (const unsigned char (*)[HASH_LEN])leaves, NLEAVES,
				     r->sth.root_hash, &e), 0);
	memset(r->sth.signature, 0x5a, 64);
	r->sth.signature_len = 64;
	assert_int_equal(merkle_inclusion_proof(merkle_mem_subtree, &mem, MINE, NLEAVES,
						r->audit_path, &r->audit_path_len, &e), 0);
	free(payload);
}

static void expect_check_fails(const struct fed_receipt *r, struct hash_ctx *h,
			       const char *payload, const char *part)
{
	struct err e = ERR_INIT;

	if (fed_receipt_check(r, h, payload, &e) != -1)
		fail_msg("accepted; expected a refusal with \"%s\"", part);
	assert_int_equal(e.code, ERR_INVALID);
	if (strstr(e.msg, part) == NULL)
		fail_msg("\"%s\" not in \"%s\"", part, e.msg);
}

static void check_alg(enum hash_alg alg)
{
	struct hash_ctx *h;
	struct fed_receipt r, back, bad;
	struct err e = ERR_INIT;
	char *payload = fed_receipt_payload(SENDER, "ping", "e-1", SHA), *text, *text2;
	char *other = fed_receipt_payload(SENDER, "ping", "e-2", SHA);
	size_t len, len2;
	char msg[FED_RECEIPT_STH_MSG_MAX], want[FED_RECEIPT_STH_MSG_MAX];

	assert_int_equal(hash_ctx_new(&h, alg, &e), 0);
	make(&r, h);
	assert_int_equal(fed_receipt_check(&r, h, payload, &e), 0);

	/* the wire form parses back to the same receipt, and writes the same bytes */
	text = fed_receipt_text(&r, &len);
	assert_int_equal(strlen(text), len);
	assert_int_equal(fed_receipt_parse(&back, text, len, &e), 0);
	assert_memory_equal(&back, &r, sizeof(r));
	text2 = fed_receipt_text(&back, &len2);
	assert_int_equal(len2, len);
	assert_memory_equal(text2, text, len);
	assert_non_null(strstr(text, "\"type\":\"receipt\",\"v\":2,\"id\":\"r-"));
	assert_non_null(strstr(text, alg == HASH_SM3 ? "\"hash_alg\":\"sm3\"" :
				    "\"hash_alg\":\"sha256\""));
	assert_int_equal(fed_receipt_check(&back, h, payload, &e), 0);
	free(text2);
	free(text);

	/* the tree head's signed text is the log's (tlog.h) */
	assert_int_equal(fed_receipt_sth_message(&r, msg),
			 tlog_sth_message(LOG_ID, NLEAVES, INT64_C(1795629908096), r.sth.root_hash,
					  want, sizeof(want)));
	assert_string_equal(msg, want);

	/* another envelope's payload */
	expect_check_fails(&r, h, other, "logs another envelope");
	/* the leaf of another channel, or refused, or received at another time */
	bad = r;
	bad.entry[1] = INTAKE_OUTBOUND;
	expect_check_fails(&bad, h, payload, "not an accepted envelope");
	bad = r;
	bad.entry[2] = 1;
	expect_check_fails(&bad, h, payload, "not an accepted envelope");
	bad = r;
	bad.received_at++;
	expect_check_fails(&bad, h, payload, "received_at");
	/* a leaf hash that is not the entry's */
	bad = r;
	bad.leaf_hash[0] ^= 1;
	expect_check_fails(&bad, h, payload, "leaf_hash");
	/* a proof that leads elsewhere: a path node, the index, the size, the root */
	bad = r;
	bad.audit_path[1][5] ^= 0x10;
	expect_check_fails(&bad, h, payload, "inclusion proof");
	bad = r;
	bad.leaf_index = MINE - 1;
	expect_check_fails(&bad, h, payload, "inclusion proof");
	bad = r;
	bad.sth.tree_size = MINE;     /* (a larger size is bound by the head's signature) */
	expect_check_fails(&bad, h, payload, "inclusion proof");
	bad = r;
	bad.sth.tree_size = 4 * NLEAVES;
	expect_check_fails(&bad, h, payload, "inclusion proof");
	bad = r;
	bad.sth.root_hash[31] ^= 0x80;
	expect_check_fails(&bad, h, payload, "inclusion proof");
	bad = r;
	bad.audit_path_len--;
	expect_check_fails(&bad, h, payload, "inclusion proof");
	/* a version-2 entry */
	bad = r;
	bad.entry[0] = 2;
	assert_int_equal(fed_receipt_check(&bad, h, payload, &e), -1);

	free(other);
	free(payload);
	hash_ctx_free(h);
}

static void test_check_sm3(void **state)
{
	(void)state;
	check_alg(HASH_SM3);
}

static void test_check_sha256(void **state)
{
	(void)state;
	check_alg(HASH_SHA256);
}

/* Replace the first occurrence of from in text by to; parse; expect the
 * refusal to mention part. */
static void expect_parse_fails(const char *text, const char *from, const char *to,
			       const char *part)
{
	const char *at = strstr(text, from);
	struct fed_receipt r;
	struct err e = ERR_INIT;
	char *t;

	assert_non_null(at);
	t = malloc(strlen(text) + strlen(to) + 1);
	assert_non_null(t);
	memcpy(t, text, (size_t)(at - text));
	strcpy(t + (at - text), to);
	strcat(t, at + strlen(from));
	assert_int_equal(fed_receipt_parse(&r, t, strlen(t), &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	if (strstr(e.msg, part) == NULL)
		fail_msg("\"%s\" not in \"%s\" (%s)", part, e.msg, t);
	free(t);
}

static void test_parse_refusals(void **state)
{
	struct hash_ctx *h;
	struct fed_receipt r;
	struct err e = ERR_INIT;
	char *text;
	size_t len;

	(void)state;
	assert_int_equal(hash_ctx_new(&h, HASH_SM3, &e), 0);
	make(&r, h);
	text = fed_receipt_text(&r, &len);
	assert_int_equal(fed_receipt_parse(&r, "", 0, &e), -1);
	assert_non_null(strstr(e.msg, "not a JSON object"));
	assert_int_equal(fed_receipt_parse(&r, "[1]", 3, &e), -1);
	expect_parse_fails(text, "\"v\":2", "\"v\":1", "version-2 receipt");
	expect_parse_fails(text, "\"type\":\"receipt\"", "\"type\":\"ping\"", "version-2 receipt");
	expect_parse_fails(text, "\"from\":\"2", "\"from\":\"X", "from");
	expect_parse_fails(text, "\"to\":\"", "\"to\":1,\"x\":\"", "to");
	expect_parse_fails(text, "\"envelope_id\":\"e-1\"", "\"envelope_id\":\"e/1\"", "envelope_id");
	expect_parse_fails(text, "\"envelope_type\":\"ping\"", "\"envelope_type\":\"Ping\"",
			   "envelope_type");
	expect_parse_fails(text, "\"envelope_sha256\":\"33", "\"envelope_sha256\":\"3",
			   "hash");
	expect_parse_fails(text, "\"status\":\"accepted\"", "\"status\":\"refused\"", "status");
	expect_parse_fails(text, "\"received_at\":\"2026", "\"received_at\":\"26", "received_at");
	expect_parse_fails(text, "\"leaf_index\":9", "\"leaf_index\":-9", "leaf_index");
	expect_parse_fails(text, "\"leaf_hash\":\"", "\"leaf_hash\":\"0", "leaf_hash");
	expect_parse_fails(text, "\"entry\":\"01", "\"entry\":\"0", "entry");
	expect_parse_fails(text, "\"audit_path\":[\"", "\"audit_path\":[1,\"", "audit_path");
	expect_parse_fails(text, "\"tree_size\":13", "\"tree_size\":\"13\"", "sth");
	expect_parse_fails(text, "\"timestamp\":", "\"timestamp\":-", "timestamp");
	expect_parse_fails(text, "\"hash_alg\":\"sm3\"", "\"hash_alg\":\"md5\"", "hash_alg");
	expect_parse_fails(text, "\"sig_alg\":\"ed25519\"", "\"sig_alg\":\"rsa\"", "sig_alg");
	expect_parse_fails(text, "\"signature\":\"5a", "\"signature\":\"5", "signature");
	expect_parse_fails(text, "\"signature\":\"5a", "\"signature\":\"\",\"x\":\"5a",
			   "signature");
	/* a duplicate member is not one receipt */
	expect_parse_fails(text, "\"v\":2", "\"v\":2,\"v\":2", "not a JSON object");
	free(text);
	hash_ctx_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_payload),
		cmocka_unit_test(test_check_sm3),
		cmocka_unit_test(test_check_sha256),
		cmocka_unit_test(test_parse_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
