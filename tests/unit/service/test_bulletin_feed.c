/* test_bulletin_feed.c - the feeds of our published advisories (service/bulletin_feed.c):
 * what publication stores (bulletin_feed_export()), and the CSAF provider layout and OSV
 * feed served from it (bulletins_csaf_feed(), bulletins_osv_feed()).
 *
 * The instance has public_url set and no organisation key, so every export is unsigned
 * (the signed path, with `gpg --verify`, is tests/bulletins/feed.py).  Three advisories
 * of one case are exported: VF-2026-0001 and -0002 published, -0003 a draft (its row
 * exists but it must appear nowhere).  On SQLite in a fresh directory, or on PostgreSQL
 * when VULNFLOW_TEST_DB names an empty database.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/crypto.h"
#include "formats/csaf_out.h"
#include "formats/osv_out.h"
#include "service/bulletins.h"
#include "service/bulletins_impl.h"
#include "service/cases.h"
#include "service/instance.h"
#include "service/intake.h"
#include "store/store_bulletin.h"

#include "../formats/bulletin_fixture.h"

static struct instance *in;
static struct intake *it;
static struct cases *cs;
static struct bulletins *bs;
static char dir[64];
static int64_t case_id;
/* the stored bytes of each advisory, as csaf_export()/osv_export() make them */
static char *csaf[8], *osv[8];
static size_t csaf_len[8];

/* Advisory n (1..): the fixture under another id, released n hours apart. */
static struct bulletin advisory(int n, char id[32])
{
	struct bulletin b = fixture_bulletin();

	snprintf(id, 32, "VF-2026-%04d", n);
	b.id = id;
	b.initial_release_us = FIX_T1 + n * INT64_C(3600000000);
	b.current_release_us = FIX_T2 + n * INT64_C(3600000000);
	return b;
}

/* Add advisory n in state, exported as publication does; *info is its answer. */
static int add(int n, const char *state, json_t **info)
{
	struct bulletin_doc d = { 0 };
	struct bulletin_row r = { 0 };
	struct db_conn *c;
	struct err e = ERR_INIT;
	char id[32];
	int64_t bid;
	int rc;

	d.b = advisory(n, id);
	r.ident = id;
	r.case_id = case_id;
	r.state = state;
	r.revision = 1;
	r.content = "{}";
	r.created_at = r.updated_at = r.published_at = d.b.current_release_us;
	if (db_acquire(in->db, &c, 5000, &e) < 0)
		return -1;
	rc = db_begin(c, &e);
	if (rc == 0)
		rc = store_bulletin_add(c, &r, &bid, &e);
	if (rc == 0)
		rc = bulletin_feed_export(bs, c, &d, bid, 1, d.b.current_release_us, info, &e);
	if (rc == 0)
		rc = db_commit(c, &e);
	db_release(c);
	if (rc < 0)
		fprintf(stderr, "add %d: %s\n", n, e.msg);
	if (rc == 0 && n < 8) {
		struct err e2 = ERR_INIT;
		size_t olen;

		if (csaf_export(&csaf[n], &csaf_len[n], &d.b, d.b.lang, &e2) < 0 ||
		    osv_export(&osv[n], &olen, &d.b, "en", &e2) < 0)
			return -1;
	}
	return rc;
}

static int setup(void **state)
{
	struct init_options o = { 0 };
	struct init_result res;
	struct config cfg;
	struct case_actor admin = { { 0, "cli", "test-feed" }, ROLE_ADMIN };
	struct err e = ERR_INIT;
	const char *env = getenv("VULNFLOW_TEST_DB");
	json_t *body, *out, *info;

	(void)state;
	snprintf(dir, sizeof(dir), "/var/tmp/vf-test-feed-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	rmdir(dir); /* init creates it */
	o.dir = dir;
	o.db_url = env && env[0] ? env : NULL;
	if (instance_init(&o, &res, &e) < 0 || instance_config(&cfg, dir, &e) < 0)
		goto fail;
	snprintf(cfg.public_url, sizeof(cfg.public_url), "https://psirt.example.cn/");
	if (instance_open(&in, &cfg, 1, &e) < 0 || intake_start(&it, in, &e) < 0 ||
	    cases_open(&cs, in, it, &e) < 0 || bulletins_open(&bs, in, cs, &e) < 0)
		goto fail;
	body = json_pack("{s:s, s:s}", "title", "feed test", "role", "provider");
	if (cases_create(cs, &admin, body, &out, &e) < 0) {
		json_decref(body);
		goto fail;
	}
	json_decref(body);
	case_id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	for (int n = 1; n <= 3; n++) {
		if (add(n, n == 3 ? "draft" : "published", &info) < 0)
			return -1;
		json_decref(info);
	}
	return 0;
fail:
	fprintf(stderr, "setup: %s\n", e.msg);
	return -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	for (int i = 0; i < 8; i++) {
		free(csaf[i]);
		free(osv[i]);
	}
	bulletins_close(bs);
	cases_close(cs);
	intake_stop(it);
	instance_close(in);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The feed file at path (CSAF layout, or OSV when osv is set), asserted found. */
static struct bulletin_feed_file get(const char *path, int osv_feed)
{
	struct bulletin_feed_file f = { .if_modified_since = -1 };
	struct err e = ERR_INIT;
	int rc = osv_feed ? bulletins_osv_feed(bs, path, &f, &e) : bulletins_csaf_feed(bs, path, &f, &e);

	if (rc < 0)
		fail_msg("%s: %s", path, e.msg);
	assert_non_null(f.body);
	assert_false(f.not_modified);
	return f;
}

static void get_fails(const char *path, int osv_feed, const char *code)
{
	struct bulletin_feed_file f = { .if_modified_since = -1 };
	struct err e = ERR_INIT;
	int rc = osv_feed ? bulletins_osv_feed(bs, path, &f, &e) : bulletins_csaf_feed(bs, path, &f, &e);

	assert_int_equal(rc, -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_string_equal(err_name(&e), code);
	assert_null(f.body);
}

static void test_export_answer(void **state)
{
	char hex[CRYPTO_HASH_HEX_LEN];
	json_t *info;

	(void)state;
	assert_int_equal(add(4, "published", &info), 0);
	assert_true(json_is_true(json_object_get(info, "exported")));
	assert_true(json_is_false(json_object_get(info, "signed")));
	assert_true(json_is_null(json_object_get(info, "signer")));
	assert_non_null(strstr(json_string_value(json_object_get(info, "reason")), "no OpenPGP key"));
	assert_string_equal(json_string_value(json_object_get(info, "csaf")),
			    "https://psirt.example.cn/.well-known/csaf/white/2026/vf-2026-0004.json");
	assert_string_equal(json_string_value(json_object_get(info, "osv")),
			    "https://psirt.example.cn/osv/VF-2026-0004.json");
	assert_string_equal(json_string_value(json_object_get(info, "lang")), "en");
	crypto_sha256_hex(csaf[4], csaf_len[4], hex);
	assert_string_equal(json_string_value(json_object_get(info, "sha256")), hex);
	json_decref(info);
}

static void test_lists(void **state)
{
	struct bulletin_feed_file f;
	char hex[CRYPTO_HASH_HEX_LEN], etag[40];

	(void)state;
	f = get("white/index.txt", 0);
	assert_string_equal(f.body, "2026/vf-2026-0001.json\n2026/vf-2026-0002.json\n"
				    "2026/vf-2026-0004.json\n");
	assert_string_equal(f.content_type, "text/plain; charset=utf-8");
	crypto_sha256_hex(f.body, f.len, hex);
	snprintf(etag, sizeof(etag), "\"%.32s\"", hex);
	assert_string_equal(f.etag, etag);
	/* the newest publication: advisory 4's */
	assert_int_equal(f.last_modified, FIX_T2 + 4 * INT64_C(3600000000));
	bulletin_feed_file_free(&f);
	f = get("white/changes.csv", 0);
	assert_string_equal(f.body, "\"2026/vf-2026-0004.json\",\"2026-11-20T06:30:00Z\"\n"
				    "\"2026/vf-2026-0002.json\",\"2026-11-20T04:30:00Z\"\n"
				    "\"2026/vf-2026-0001.json\",\"2026-11-20T03:30:00Z\"\n");
	bulletin_feed_file_free(&f);
	f = get("provider-metadata.json", 0);
	/* nothing signed: not a trusted provider, no key named */
	assert_non_null(strstr(f.body, "\"role\": \"csaf_provider\""));
	assert_null(strstr(f.body, "public_openpgp_keys"));
	assert_non_null(strstr(f.body, "\"canonical_url\": \"https://psirt.example.cn/.well-known/"
					"csaf/provider-metadata.json\""));
	assert_non_null(strstr(f.body, "\"last_updated\": \"2026-11-20T06:30:00Z\""));
	bulletin_feed_file_free(&f);
	f = get("white/csaf-feed-tlp-white.json", 0);
	assert_null(strstr(f.body, "\"signature\""));
	assert_non_null(strstr(f.body, "vf-2026-0004.json.sha512"));
	assert_null(strstr(f.body, "VF-2026-0003"));
	bulletin_feed_file_free(&f);
}

static void test_conditional(void **state)
{
	struct bulletin_feed_file f = get("white/index.txt", 0), g = { 0 };
	struct err e = ERR_INIT;
	char etag[40];
	int64_t lm = f.last_modified;
	json_t *info;

	(void)state;
	snprintf(etag, sizeof(etag), "%s", f.etag);
	bulletin_feed_file_free(&f);
	/* If-None-Match: not modified, nothing copied */
	g.if_none_match = etag;
	g.if_modified_since = -1;
	assert_int_equal(bulletins_csaf_feed(bs, "white/index.txt", &g, &e), 0);
	assert_true(g.not_modified);
	assert_null(g.body);
	assert_string_equal(g.etag, etag);
	/* another ETag wins over a matching date */
	g.if_none_match = "\"0000\", W/\"1111\"";
	g.if_modified_since = lm / 1000000;
	assert_int_equal(bulletins_csaf_feed(bs, "white/index.txt", &g, &e), 0);
	assert_false(g.not_modified);
	assert_non_null(g.body);
	bulletin_feed_file_free(&g);
	/* If-Modified-Since: at Last-Modified, not modified; a second before, modified */
	g.if_none_match = NULL;
	assert_int_equal(bulletins_csaf_feed(bs, "white/index.txt", &g, &e), 0);
	assert_true(g.not_modified);
	g.if_modified_since = lm / 1000000 - 1;
	assert_int_equal(bulletins_csaf_feed(bs, "white/index.txt", &g, &e), 0);
	assert_false(g.not_modified);
	bulletin_feed_file_free(&g);
	/* a new publication changes the list: the old ETag gets the new body */
	assert_int_equal(add(5, "published", &info), 0);
	json_decref(info);
	g.if_none_match = etag;
	g.if_modified_since = -1;
	assert_int_equal(bulletins_csaf_feed(bs, "white/index.txt", &g, &e), 0);
	assert_false(g.not_modified);
	assert_string_not_equal(g.etag, etag);
	assert_non_null(strstr(g.body, "2026/vf-2026-0005.json\n"));
	assert_true(g.last_modified > lm);
	bulletin_feed_file_free(&g);
	/* and a document answers to its own validators */
	f = get("white/2026/vf-2026-0001.json", 0);
	g.if_none_match = f.etag;
	assert_int_equal(bulletins_csaf_feed(bs, "white/2026/vf-2026-0001.json", &g, &e), 0);
	assert_true(g.not_modified);
	assert_null(g.body);
	bulletin_feed_file_free(&f);
}

static void test_documents(void **state)
{
	struct bulletin_feed_file f;
	char hex[CRYPTO_SHA512_HEX_LEN], line[200];

	(void)state;
	f = get("white/2026/vf-2026-0001.json", 0);
	assert_int_equal(f.len, csaf_len[1]);
	assert_memory_equal(f.body, csaf[1], csaf_len[1]);
	assert_string_equal(f.content_type, "application/json");
	assert_int_equal(f.last_modified, FIX_T2 + INT64_C(3600000000));
	bulletin_feed_file_free(&f);
	f = get("white/2026/vf-2026-0002.json.sha256", 0);
	crypto_sha256_hex(csaf[2], csaf_len[2], hex);
	snprintf(line, sizeof(line), "%s  vf-2026-0002.json\n", hex);
	assert_string_equal(f.body, line);
	bulletin_feed_file_free(&f);
	f = get("white/2026/vf-2026-0002.json.sha512", 0);
	crypto_sha512_hex(csaf[2], csaf_len[2], hex);
	assert_int_equal(strlen(f.body), 128 + 2 + strlen("vf-2026-0002.json\n"));
	assert_memory_equal(f.body, hex, 128);
	bulletin_feed_file_free(&f);
	get_fails("white/2026/vf-2026-0002.json.asc", 0, "not_signed");
	get_fails("white/2026/vf-2026-0003.json", 0, "not_published");   /* a draft */
	get_fails("white/2026/vf-2026-0003.json.sha256", 0, "not_published");
	get_fails("white/2026/vf-2026-9999.json", 0, "not_published");
	get_fails("white/2025/vf-2026-0001.json", 0, "not_published");
	get_fails("white/2026/vf-2026-0001.txt", 0, "not_found");
	get_fails("green/index.txt", 0, "not_found");
	get_fails("openpgp/0123.asc", 0, "key_not_found");
	get_fails("openpgp/0123.txt", 0, "not_found");
}

static void test_osv(void **state)
{
	struct bulletin_feed_file f, g;
	char *want;
	size_t n;

	(void)state;
	f = get("VF-2026-0001.json", 1);
	assert_string_equal(f.body, osv[1]);
	g = get("x_VF-2026-0001.json", 1);
	assert_string_equal(g.body, f.body);
	assert_string_equal(g.etag, f.etag);
	bulletin_feed_file_free(&f);
	bulletin_feed_file_free(&g);
	get_fails("VF-2026-0003.json", 1, "not_published");
	get_fails("VF-2026-0001", 1, "not_found");
	f = get("all.json", 1);
	/* oldest advisory first; 4 and 5 were added by the earlier tests */
	n = strlen(osv[1]) + strlen(osv[2]) + 16;
	want = malloc(n);
	assert_non_null(want);
	snprintf(want, n, "[\n%s,\n%s,\n", osv[1], osv[2]);
	assert_memory_equal(f.body, want, strlen(want));
	assert_non_null(strstr(f.body, "\"id\": \"x_VF-2026-0005\""));
	assert_null(strstr(f.body, "VF-2026-0003"));
	assert_string_equal(f.body + f.len - 3, "\n]\n");
	free(want);
	bulletin_feed_file_free(&f);
}

static void test_key_file(void **state)
{
	struct bulletin_feed_file f;
	struct db_conn *c;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(db_acquire(in->db, &c, 5000, &e), 0);
	assert_int_equal(store_signing_key_put(c, "ABCDEF0123", "-----KEY-----\n", 7, &e), 0);
	/* a second put of the same fingerprint keeps the first */
	assert_int_equal(store_signing_key_put(c, "ABCDEF0123", "other", 8, &e), 0);
	db_release(c);
	f = get("openpgp/ABCDEF0123.asc", 0);
	assert_string_equal(f.body, "-----KEY-----\n");
	assert_string_equal(f.content_type, "application/pgp-keys");
	assert_int_equal(f.last_modified, 7);
	bulletin_feed_file_free(&f);
}

static void test_export_refused(void **state)
{
	struct bulletin_doc d = { 0 };
	struct db_conn *c;
	struct err e = ERR_INIT;
	json_t *info = NULL;
	char id[32];

	(void)state;
	d.b = advisory(9, id);
	d.b.nproducts = 0;      /* no products: CSAF cannot be made */
	assert_int_equal(db_acquire(in->db, &c, 5000, &e), 0);
	assert_int_equal(bulletin_feed_export(bs, c, &d, 1, 9, 1, &info, &e), -1);
	db_release(c);
	assert_null(info);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(err_name(&e), "export_failed");
}

static void test_not_configured(void **state)
{
	char saved[CONFIG_STR_LEN];
	struct db_conn *c;
	struct bulletin_doc d = { 0 };
	struct err e = ERR_INIT;
	json_t *info = NULL;
	char id[32];

	(void)state;
	memcpy(saved, in->cfg.public_url, sizeof(saved));
	in->cfg.public_url[0] = '\0';
	get_fails("white/index.txt", 0, "feed_not_configured");
	get_fails("all.json", 1, "feed_not_configured");
	/* publication exports nothing and says why */
	d.b = advisory(10, id);
	assert_int_equal(db_acquire(in->db, &c, 5000, &e), 0);
	assert_int_equal(bulletin_feed_export(bs, c, &d, 1, 10, 1, &info, &e), 0);
	db_release(c);
	assert_true(json_is_false(json_object_get(info, "exported")));
	json_decref(info);
	memcpy(in->cfg.public_url, saved, sizeof(saved));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export_answer),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_conditional),
		cmocka_unit_test(test_documents),
		cmocka_unit_test(test_osv),
		cmocka_unit_test(test_key_file),
		cmocka_unit_test(test_export_refused),
		cmocka_unit_test(test_not_configured),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
