/* test_federation.c - peers, the provider's authority report into the outbox, a hub's inbox. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "base/sign.h"
#include "base/timefmt.h"
#include "formats/envelope.h"
#include "service/federation.h"
#include "service/instance.h"
#include "service/intake.h"

struct side {
	char dir[64];
	struct instance *in;
	struct intake *it;
	struct federation *f;
	char key[FED_KEY_TEXT_MAX], key_id[ENVELOPE_KEYID_LEN];
};

static struct side prov, hub;

static void open_side(struct side *s, const char *role)
{
	struct init_options o = { 0 };
	struct init_result res;
	struct config cfg;
	struct fed_options fo = { 0 };
	struct err e = ERR_INIT;

	snprintf(s->dir, sizeof(s->dir), "/tmp/test_federation.XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	rmdir(s->dir);
	o.dir = s->dir;
	o.role = role;
	o.log_sig = strcmp(role, "hub") == 0 ? "sm2" : "ed25519";
	if (instance_init(&o, &res, &e) < 0 || instance_config(&cfg, s->dir, &e) < 0 ||
	    instance_open(&s->in, &cfg, 1, &e) < 0 || intake_start(&s->it, s->in, &e) < 0)
		fail_msg("%s: %s", role, e.msg);
	fo.workers = (unsigned)-1;     /* no delivery threads: the test looks at the queue */
	assert_int_equal(federation_start(&s->f, s->in, s->it, &fo, &e), 0);
	assert_int_equal(federation_local_key(s->dir, s->key, s->key_id, &e), 0);
	assert_string_equal(federation_key_id(s->f), s->key_id);
}

static void close_side(struct side *s)
{
	char cmd[128];

	federation_stop(s->f);
	intake_stop(s->it);
	instance_close(s->in);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", s->dir);
	assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
	(void)state;
	open_side(&prov, "provider");
	open_side(&hub, "hub");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	close_side(&prov);
	close_side(&hub);
	return 0;
}

static void expect_add_error(struct instance *in, const struct fed_peer_input *p,
			     enum err_code code, const char *part)
{
	struct err e = ERR_INIT;
	json_t *out = (json_t *)1;

	assert_int_equal(federation_peer_add(in, p, &out, &e), -1);
	assert_null(out);
	assert_int_equal(e.code, code);
	if (strstr(e.msg, part) == NULL)
		fail_msg("\"%s\" not in \"%s\"", part, e.msg);
}

static void test_peers(void **state)
{
	struct fed_peer_input p = { "http://127.0.0.1:9", "hub", hub.key, "CN", "Hub" };
	struct err e = ERR_INIT;
	char id[ENVELOPE_KEYID_LEN];
	const char *alg;
	json_t *out, *list;

	(void)state;
	assert_int_equal(federation_key_parse(hub.key, id, &alg, &e), 0);
	assert_string_equal(id, hub.key_id);
	assert_string_equal(alg, "sm2");
	assert_int_equal(strncmp(prov.key, "ed25519:", 8), 0);
	{
		struct fed_peer_input bad = p;

		bad.url = "ftp://x";
		expect_add_error(prov.in, &bad, ERR_INVALID, "\"url\"");
		bad = p;
		bad.role = "king";
		expect_add_error(prov.in, &bad, ERR_INVALID, "\"role\"");
		bad = p;
		bad.jurisdiction = "cn";
		expect_add_error(prov.in, &bad, ERR_INVALID, "\"jurisdiction\"");
		bad = p;
		bad.key = "sm2:AAAA";
		expect_add_error(prov.in, &bad, ERR_INVALID, "not a public key");
		bad = p;
		bad.key = prov.key + strlen("ed25519:");     /* no algorithm */
		expect_add_error(prov.in, &bad, ERR_INVALID, "\"key\" must be");
		bad = p;
		bad.key = prov.key;
		expect_add_error(prov.in, &bad, ERR_INVALID, "own key");
	}
	assert_int_equal(federation_peer_add(prov.in, &p, &out, &e), 0);
	assert_string_equal(json_string_value(json_object_get(out, "key_id")), hub.key_id);
	assert_string_equal(json_string_value(json_object_get(out, "role")), "hub");
	json_decref(out);
	expect_add_error(prov.in, &p, ERR_CONFLICT, "already peer");
	assert_int_equal(federation_peer_list(prov.in, 0, &list, &e), 0);
	assert_int_equal(json_array_size(list), 1);
	json_decref(list);
	/* remove, then add again: the same row comes back */
	assert_int_equal(federation_peer_remove(prov.in, hub.key_id, &out, &e), 0);
	assert_false(json_is_null(json_object_get(out, "removed_at")));
	json_decref(out);
	assert_int_equal(federation_peer_list(prov.in, 0, &list, &e), 0);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
	assert_int_equal(federation_peer_remove(prov.in, hub.key_id, &out, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	p.url = "http://127.0.0.1:9/";
	assert_int_equal(federation_peer_add(prov.in, &p, &out, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(out, "id")), 1);
	assert_string_equal(json_string_value(json_object_get(out, "url")), "http://127.0.0.1:9");
	json_decref(out);
}

/* The provider's side of Art. 7(2): the frozen content goes into the outbox
 * as a signed authority_report envelope with an outbound leaf. */
static void test_authority_report_queued(void **state)
{
	const char *content = "{\"case_id\":7,\"document\":\"报送\"}";
	char id[ENVELOPE_ID_MAX + 1], state_s[16];
	struct err e = ERR_INIT;
	json_t *o;

	(void)state;
	assert_int_equal(federation_send_authority_report(prov.f, content, strlen(content), 7, 1,
							   INT64_C(1764000000000000), id, &e), 0);
	assert_int_equal(strncmp(id, "e-", 2), 0);
	assert_int_equal(strlen(id), 34);
	assert_int_equal(federation_outbox_get(prov.f, id, &o, &e), 0);
	assert_string_equal(json_string_value(json_object_get(o, "type")), "authority_report");
	assert_string_equal(json_string_value(json_object_get(o, "state")), "queued");
	assert_string_equal(json_string_value(json_object_get(o, "peer")), hub.key_id);
	assert_int_equal(json_integer_value(json_object_get(o, "case_id")), 7);
	assert_int_equal(json_integer_value(json_object_get(o, "case_version")), 1);
	assert_int_equal(json_integer_value(json_object_get(o, "attempts")), 0);
	assert_int_equal(json_integer_value(json_object_get(o, "leaf_index")), 0);
	assert_true(json_is_null(json_object_get(o, "receipt")));
	json_decref(o);
	/* no worker: it stays queued */
	assert_int_equal(federation_wait(prov.f, id, 20, state_s, &e), 0);
	assert_string_equal(state_s, "queued");
	/* content that is not text is refused */
	assert_int_equal(federation_send_authority_report(prov.f, "", 0, 7, 2, 0, id, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(id, "");
}

/* Build and sign an authority_report from the provider's key, as its outbox would. */
static char *signed_report(const char *eid, const char *content, const char *claimed_sha)
{
	char path[128], sha[CRYPTO_HASH_HEX_LEN], *text;
	unsigned char sig[SIGN_MAX_LEN];
	size_t sig_len, len;
	struct sign_key *k;
	struct envelope *env;
	struct err e = ERR_INIT;
	struct buf b;
	json_t *body;

	crypto_sha256_hex(content, strlen(content), sha);
	body = json_pack("{s:s,s:i,s:s,s:s,s:s}", "case_ref", "7", "version", 1, "content", content,
			 "content_sha256", claimed_sha ? claimed_sha : sha, "learned_at",
			 "2026-11-24T01:00:00Z");
	snprintf(path, sizeof(path), "%s/keys/log.key", prov.dir);
	assert_int_equal(sign_key_load_private(&k, path, &e), 0);
	assert_int_equal(envelope_new(&env, prov.key_id, hub.key_id, "authority_report", eid,
				      time_now_us(), 0, body, &e), 0);
	buf_init(&b, 1 << 20);
	assert_int_equal(envelope_signing_input(env, &b, &e), 0);
	assert_int_equal(sign_message(k, b.data, b.len, sig, &sig_len, &e), 0);
	envelope_set_signature(env, sig, sig_len);
	assert_int_equal(envelope_text(env, &text, &len, &e), 0);
	buf_release(&b);
	envelope_free(env);
	sign_key_free(k);
	json_decref(body);
	return text;
}

/* Change the hex digit after the first occurrence of member in a copy of
 * text (so a signature, a log id or a hash no longer matches). */
static char *flip_after(const char *text, size_t len, const char *member)
{
	char *t = malloc(len + 1), *at;

	assert_non_null(t);
	memcpy(t, text, len);
	t[len] = '\0';
	at = strstr(t, member);
	assert_non_null(at);
	at += strlen(member);
	*at = *at == '0' ? '1' : '0';
	return t;
}

static void expect_receipt_refused(const char *text, size_t len, const char *type,
				   const char *sha, const char *part)
{
	struct err e = ERR_INIT;
	int64_t leaf = -1;

	assert_int_equal(federation_receipt_check(prov.f, hub.key_id, "e-r1", type, sha, text, len,
						  &leaf, &e), -1);
	assert_int_equal(leaf, -1);
	if (strstr(e.msg, part) == NULL)
		fail_msg("\"%s\" not in \"%s\"", part, e.msg);
}

/* The provider checks the hub's receipt of its envelope: the leaf, the
 * inclusion proof, and the hub's SM2 signature of the batch's tree head. */
static void check_receipt_on_provider(const char *sent, const struct fed_inbox_answer *a)
{
	char sha[CRYPTO_HASH_HEX_LEN], *bad;
	struct err e = ERR_INIT;
	int64_t leaf = -1;

	crypto_sha256_hex(sent, strlen(sent), sha);
	for (int i = 0; i < 2; i++) {  /* the second time the tree head is known */
		leaf = -1;
		assert_int_equal(federation_receipt_check(prov.f, hub.key_id, "e-r1",
							  "authority_report", sha, a->text, a->len,
							  &leaf, &e), 0);
		assert_int_equal(leaf, (int64_t)a->leaf_index);
	}
	bad = flip_after(a->text, a->len, "\"signature\":\"");
	expect_receipt_refused(bad, a->len, "authority_report", sha, "not signed by the peer");
	free(bad);
	bad = flip_after(a->text, a->len, "\"log_id\":\"");
	expect_receipt_refused(bad, a->len, "authority_report", sha, "not the peer's log");
	free(bad);
	bad = flip_after(a->text, a->len, "\"root_hash\":\"");
	expect_receipt_refused(bad, a->len, "authority_report", sha, "inclusion proof");
	free(bad);
	bad = flip_after(a->text, a->len, "\"entry\":\"010400");
	expect_receipt_refused(bad, a->len, "authority_report", sha, "received at");
	free(bad);
	expect_receipt_refused(a->text, a->len, "ping", sha, "does not name");
	expect_receipt_refused(a->text, a->len, "authority_report", hub.key_id, "does not name");
	/* the hub is not the receipt's addressee */
	assert_int_equal(federation_receipt_check(hub.f, hub.key_id, "e-r1", "authority_report",
						  sha, a->text, a->len, &leaf, &e), -1);
	assert_non_null(strstr(e.msg, "not a receipt from the peer to us"));
}

static void test_hub_inbox(void **state)
{
	struct fed_peer_input p = { "http://127.0.0.1:9", "provider", prov.key, "CN", "Acme" };
	struct fed_inbox_answer a, a2;
	struct err e = ERR_INIT;
	json_t *out, *r, *reports;
	char *text = signed_report("e-r1", "{\"x\":1}", NULL), *bad;

	(void)state;
	/* unknown until added */
	assert_int_equal(federation_inbox(hub.f, "127.0.0.1", text, strlen(text), &a, &e), -1);
	assert_int_equal(e.code, ERR_FORBIDDEN);
	assert_string_equal(err_name(&e), "unknown_peer");
	assert_int_equal(federation_peer_add(hub.in, &p, &out, &e), 0);
	json_decref(out);
	assert_int_equal(federation_inbox(hub.f, "127.0.0.1", text, strlen(text), &a, &e), 0);
	assert_int_equal(a.status, 201);
	r = json_loadb(a.text, a.len, 0, NULL);
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "type")), "receipt");
	assert_string_equal(json_string_value(json_object_get(r, "from")), hub.key_id);
	assert_string_equal(json_string_value(json_object_get(r, "to")), prov.key_id);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "body"),
							      "envelope_id")), "e-r1");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "body"),
							    "leaf_index")), (json_int_t)a.leaf_index);
	json_decref(r);
	check_receipt_on_provider(text, &a);
	/* again: the same receipt, byte for byte */
	assert_int_equal(federation_inbox(hub.f, "127.0.0.1", text, strlen(text), &a2, &e), 0);
	assert_int_equal(a2.status, 200);
	assert_int_equal(a2.len, a.len);
	assert_memory_equal(a2.text, a.text, a.len);
	federation_inbox_answer_release(&a2);
	/* a wrong content hash */
	bad = signed_report("e-r2", "{\"x\":1}", "0000000000000000000000000000000000000000000000000000000000000000");
	assert_int_equal(federation_inbox(hub.f, "127.0.0.1", bad, strlen(bad), &a2, &e), -1);
	assert_string_equal(err_name(&e), "invalid_body");
	free(bad);
	assert_int_equal(federation_hub_reports(hub.f, 0, 10, &reports, &e), 0);
	assert_int_equal(json_array_size(reports), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(reports, 0),
							      "case_ref")), "7");
	assert_string_equal(json_string_value(json_object_get(json_array_get(reports, 0),
							      "learned_at")),
			    "2026-11-24T01:00:00.000000Z");
	json_decref(reports);
	/* the provider may not take one */
	assert_int_equal(federation_inbox(prov.f, "127.0.0.1", text, strlen(text), &a2, &e), -1);
	assert_string_equal(err_name(&e), "wrong_recipient");
	assert_int_equal(federation_status(hub.in, 10, &out, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "inbox"),
							    "accepted")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "inbox"),
							    "refused")), 2);
	json_decref(out);
	federation_inbox_answer_release(&a);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_peers),
		cmocka_unit_test(test_authority_report_queued),
		cmocka_unit_test(test_hub_inbox),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
