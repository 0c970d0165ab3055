/* test_tlog.c - encryption at rest, log signatures, the receipt log and intake, on a real database.
 *
 * SM4-GCM and AES-256-GCM against published vectors (RFC 8998 appendix A.1;
 * McGrew & Viega's GCM test case 16), SM2 and Ed25519 signatures, then a
 * real instance (SQLite, or PostgreSQL when VULNFLOW_TEST_DB names an empty
 * database): batches appended like the intake writer appends them, every
 * root, inclusion and consistency proof compared with the in-memory
 * reference of rules/merkle.c, and intake end to end.
 */
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
#include "base/seal.h"
#include "base/sign.h"
#include "base/timefmt.h"
#include "rules/merkle.h"
#include "service/instance.h"
#include "service/intake.h"
#include "service/tlog.h"

static void unhex(const char *h, unsigned char *out, size_t *n)
{
	size_t len = strlen(h) / 2;

	for (size_t i = 0; i < len; i++) {
		unsigned v;

		sscanf(h + 2 * i, "%2x", &v);
		out[i] = (unsigned char)v;
	}
	*n = len;
}

/* Open a sealed value built from a published vector: cipher id, nonce, ciphertext, tag. */
static void check_vector(int alg, const char *key_hex, const char *iv_hex, const char *aad_hex,
			 const char *pt_hex, const char *ct_hex, const char *tag_hex)
{
	unsigned char key[SEAL_KEY_LEN] = { 0 }, aad[64], pt[128], sealed[256], out[128];
	size_t kn, ivn, an, pn, cn, tn;
	struct err e = ERR_INIT;

	unhex(key_hex, key, &kn);
	sealed[0] = (unsigned char)alg;
	unhex(iv_hex, sealed + 1, &ivn);
	assert_int_equal(ivn, 12);
	unhex(aad_hex, aad, &an);
	unhex(pt_hex, pt, &pn);
	unhex(ct_hex, sealed + 13, &cn);
	assert_int_equal(cn, pn);
	unhex(tag_hex, sealed + 13 + cn, &tn);
	assert_int_equal(tn, 16);
	assert_int_equal(unseal(key, aad, an, sealed, cn + SEAL_OVERHEAD, out, &e), 0);
	assert_memory_equal(out, pt, pn);
	/* one flipped bit anywhere, or other associated data: refused */
	sealed[13 + cn / 2] ^= 1;
	assert_int_equal(unseal(key, aad, an, sealed, cn + SEAL_OVERHEAD, out, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	sealed[13 + cn / 2] ^= 1;
	assert_int_equal(unseal(key, aad, an - 1, sealed, cn + SEAL_OVERHEAD, out, &e), -1);
}

static void test_sm4_gcm_rfc8998(void **state)
{
	(void)state;
	check_vector(SEAL_SM4_GCM, "0123456789ABCDEFFEDCBA9876543210", "00001234567800000000ABCD",
		     "FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2",
		     "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
		     "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA",
		     "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
		     "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D",
		     "83DE3541E4C2B58177E065A9BF7B62EC");
}

static void test_aes256_gcm_vector(void **state)
{
	(void)state;
	check_vector(SEAL_AES256_GCM,
		     "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
		     "cafebabefacedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
		     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
		     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
		     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
		     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
		     "76fc6ece0f4e1768cddf8853bb2d551b");
}

static void test_seal_round_trip(void **state)
{
	unsigned char key[SEAL_KEY_LEN], a[200], b[200];
	static const char msg[] = "路由器远程命令执行 — a report body";
	struct err e = ERR_INIT;
	enum seal_alg alg;

	(void)state;
	assert_int_equal(crypto_init(&e), 0);
	crypto_random(key, sizeof(key));
	for (int i = 0; i < 2; i++) {
		alg = i ? SEAL_AES256_GCM : SEAL_SM4_GCM;
		assert_int_equal(seal(alg, key, "row", 3, msg, sizeof(msg), a, &e), 0);
		assert_int_equal(a[0], alg);
		assert_int_equal(unseal(key, "row", 3, a, sizeof(msg) + SEAL_OVERHEAD, b, &e), 0);
		assert_memory_equal(b, msg, sizeof(msg));
		/* two seals of one text differ (random nonce) */
		assert_int_equal(seal(alg, key, "row", 3, msg, sizeof(msg), b, &e), 0);
		assert_memory_not_equal(a + 1, b + 1, 12);
		/* another key does not open it */
		key[0] ^= 0x80;
		assert_int_equal(unseal(key, "row", 3, a, sizeof(msg) + SEAL_OVERHEAD, b, &e), -1);
		key[0] ^= 0x80;
	}
	assert_int_equal(seal_alg_from_name("sm4-gcm", &alg), 0);
	assert_int_equal(alg, SEAL_SM4_GCM);
	assert_int_equal(seal_alg_from_name("SM4", &alg), -1);
	a[0] = 9;
	assert_int_equal(unseal(key, "", 0, a, 40, b, &e), -1);
	assert_int_equal(unseal(key, "", 0, a, 10, b, &e), -1);
}

static void test_signatures(void **state)
{
	char dir[] = "/var/tmp/vf-test-sign-XXXXXX", priv[96], pub[96];
	struct err e = ERR_INIT;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (int i = 0; i < 2; i++) {
		enum sign_alg alg = i ? SIGN_ED25519 : SIGN_SM2;
		struct sign_key *k, *vk;
		unsigned char sig[SIGN_MAX_LEN], *der;
		size_t n, dn;
		static const char msg[] = "vulnflow-sth/1\nabc\n1\n2\n00\n";
		char *pem;

		snprintf(priv, sizeof(priv), "%s/%d.key", dir, i);
		snprintf(pub, sizeof(pub), "%s/%d.pub", dir, i);
		assert_int_equal(sign_key_generate(priv, pub, alg, &e), 0);
		assert_int_equal(access(priv, R_OK), 0);
		/* the private key file is the owner's alone */
		assert_int_equal(sign_key_generate(priv, pub, alg, &e), -1);
		assert_int_equal(sign_key_load_private(&k, priv, &e), 0);
		assert_int_equal(sign_key_alg(k), alg);
		assert_int_equal(sign_message(k, msg, sizeof(msg) - 1, sig, &n, &e), 0);
		assert_true(alg == SIGN_ED25519 ? n == 64 : n >= 64 && n <= 72);
		assert_int_equal(sign_key_public_der(k, &der, &dn, &e), 0);
		assert_int_equal(sign_key_from_public_der(&vk, der, dn, &e), 0);
		assert_int_equal(sign_verify(vk, msg, sizeof(msg) - 1, sig, n, &e), 0);
		assert_int_equal(sign_verify(vk, msg, sizeof(msg) - 2, sig, n, &e), -1);
		assert_int_equal(e.code, ERR_INVALID);
		sig[n - 1] ^= 1;
		assert_int_equal(sign_verify(vk, msg, sizeof(msg) - 1, sig, n, &e), -1);
		assert_int_equal(sign_key_public_pem(k, &pem, &e), 0);
		assert_non_null(strstr(pem, "BEGIN PUBLIC KEY"));
		free(pem);
		free(der);
		sign_key_free(k);
		sign_key_free(vk);
		unlink(priv);
		unlink(pub);
	}
	rmdir(dir);
}

/* ---- the log on a real database ---- */

static struct instance *in;
static char dir[64];

static int setup(void **state)
{
	struct init_options o = { 0 };
	struct init_result res;
	struct config cfg;
	struct err e = ERR_INIT;
	const char *env = getenv("VULNFLOW_TEST_DB");

	(void)state;
	snprintf(dir, sizeof(dir), "/var/tmp/vf-test-tlog-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	rmdir(dir);
	o.dir = dir;
	o.db_url = env && env[0] ? env : NULL;
	if (instance_init(&o, &res, &e) < 0 || instance_config(&cfg, dir, &e) < 0 ||
	    instance_open(&in, &cfg, 1, &e) < 0) {
		fprintf(stderr, "setup: %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	instance_close(in);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

#define MAXLEAVES 100

static unsigned char leaves[MAXLEAVES][HASH_LEN];
static uint64_t nleaves;

/* Append k leaves in one transaction as the intake writer does. */
static void append_batch(struct tlog *t, int k)
{
	struct db_conn *c;
	struct tlog_sth_row sth;
	struct err e = ERR_INIT;
	unsigned char root[HASH_LEN];

	assert_int_equal(db_acquire(in->db, &c, 5000, &e), 0);
	assert_int_equal(db_begin(c, &e), 0);
	assert_int_equal(tlog_batch_begin(t, c, &e), 0);
	for (int i = 0; i < k; i++) {
		struct tlog_entry en = { .version = 1, .channel = 0, .disposition = 0 };
		unsigned char raw[TLOG_ENTRY_LEN];
		uint64_t idx;

		en.received_at = 1700000000000000 + (int64_t)nleaves;
		memset(en.payload_hash, (int)nleaves, HASH_LEN);
		tlog_entry_encode(&en, raw);
		assert_int_equal(tlog_batch_append(t, c, raw, &idx, leaves[nleaves], &e), 0);
		assert_int_equal(idx, nleaves);
		nleaves++;
	}
	assert_int_equal(tlog_batch_end(t, c, &sth, &e), 0);
	assert_int_equal(sth.tree_size, nleaves);
	assert_int_equal(merkle_root(tlog_hash(t), (const unsigned char (*)[HASH_LEN])leaves,
				     nleaves, root, &e), 0);
	assert_memory_equal(root, sth.root_hash, HASH_LEN);
	assert_int_equal(tlog_sth_verify(t, &sth, &e), 0);
	/* every leaf of the batch proves against the batch's head from the cache */
	for (uint64_t i = nleaves - (uint64_t)k; i < nleaves; i++) {
		unsigned char path[MERKLE_MAX_PATH][HASH_LEN];
		size_t n;

		assert_int_equal(tlog_batch_proof(t, c, i, path, &n, &e), 0);
		assert_int_equal(merkle_verify_inclusion(tlog_hash(t), leaves[i], i, nleaves,
							 (const unsigned char (*)[HASH_LEN])path,
							 n, root, &e), 0);
	}
	assert_int_equal(db_commit(c, &e), 0);
	db_release(c);
}

static void no_problem(void *arg, uint64_t leaf, uint64_t last, const char *msg)
{
	(void)arg;
	(void)last;
	fail_msg("unexpected problem at leaf %llu: %s", (unsigned long long)leaf, msg);
}

static void test_log_batches_and_proofs(void **state)
{
	static const int sizes[] = { 1, 1, 2, 3, 1, 7, 16, 5, 1, 9, 17, 3, 14 };
	struct tlog *t;
	struct err e = ERR_INIT;
	struct merkle_mem mem;
	struct tlog_verify_stats st;
	int total = 0;

	(void)state;
	assert_int_equal(tlog_open(&t, in->db, dir, 1, &e), 0);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		total += sizes[i];
	assert_true(total <= MAXLEAVES);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		append_batch(t, sizes[i]);
	mem.hash = tlog_hash(t);
	mem.leaves = (const unsigned char (*)[HASH_LEN])leaves;
	/* proofs from the database equal the reference's, for every size and leaf */
	for (uint64_t size = 1; size <= nleaves; size++) {
		mem.n = size;
		for (uint64_t i = 0; i < size; i++) {
			unsigned char p1[MERKLE_MAX_PATH][HASH_LEN], p2[MERKLE_MAX_PATH][HASH_LEN];
			size_t n1, n2;

			assert_int_equal(tlog_inclusion(t, in->db, i, size, p1, &n1, &e), 0);
			assert_int_equal(merkle_inclusion_proof(merkle_mem_subtree, &mem, i, size, p2,
								&n2, &e), 0);
			assert_int_equal(n1, n2);
			assert_memory_equal(p1, p2, n1 * HASH_LEN);
		}
		for (uint64_t first = 1; first <= size; first++) {
			unsigned char p1[MERKLE_MAX_PATH][HASH_LEN], p2[MERKLE_MAX_PATH][HASH_LEN];
			size_t n1, n2;

			assert_int_equal(tlog_consistency(t, in->db, first, size, p1, &n1, &e), 0);
			assert_int_equal(merkle_consistency_proof(merkle_mem_subtree, &mem, first, size,
								  p2, &n2, &e), 0);
			assert_int_equal(n1, n2);
			assert_memory_equal(p1, p2, n1 * HASH_LEN);
		}
	}
	/* beyond the log: refused */
	{
		unsigned char p[MERKLE_MAX_PATH][HASH_LEN];
		size_t n;

		assert_int_equal(tlog_inclusion(t, in->db, 0, nleaves + 1, p, &n, &e), -1);
		assert_int_equal(e.code, ERR_INVALID);
	}
	assert_int_equal(tlog_verify(t, in->db, no_problem, NULL, 10, NULL, &st, &e), 0);
	assert_int_equal(st.leaves, nleaves);
	assert_int_equal(st.tree_size, nleaves);
	/* one head per batch plus the empty tree's from init */
	assert_int_equal(st.sths, sizeof(sizes) / sizeof(sizes[0]) + 1);
	tlog_close(t);
}

/* A job that fails after appending is undone: the next leaf takes its index. */
static void test_log_failed_job_restores(void **state)
{
	struct tlog *t;
	struct db_conn *c;
	struct err e = ERR_INIT;
	struct tlog_state saved;
	struct tlog_sth_row sth;
	unsigned char raw[TLOG_ENTRY_LEN] = { 1 }, h[HASH_LEN];
	uint64_t idx, start = nleaves;

	(void)state;
	assert_int_equal(tlog_open(&t, in->db, dir, 1, &e), 0);
	assert_int_equal(db_acquire(in->db, &c, 5000, &e), 0);
	assert_int_equal(db_begin(c, &e), 0);
	assert_int_equal(tlog_batch_begin(t, c, &e), 0);
	assert_int_equal(db_savepoint(c, "job", &e), 0);
	tlog_batch_save(t, &saved);
	assert_int_equal(tlog_batch_append(t, c, raw, &idx, h, &e), 0);
	assert_int_equal(idx, start);
	assert_int_equal(db_savepoint_rollback(c, "job", &e), 0);
	assert_int_equal(db_savepoint_release(c, "job", &e), 0);
	tlog_batch_restore(t, &saved);
	raw[2] = 1;
	assert_int_equal(tlog_batch_append(t, c, raw, &idx, leaves[nleaves], &e), 0);
	assert_int_equal(idx, start);
	nleaves++;
	assert_int_equal(tlog_batch_end(t, c, &sth, &e), 0);
	assert_int_equal(sth.tree_size, nleaves);
	assert_int_equal(db_commit(c, &e), 0);
	db_release(c);
	tlog_close(t);
}

/* Count "leaf N: its report is missing" for the hand-appended leaves only. */
static void count_missing(void *arg, uint64_t leaf, uint64_t last, const char *msg)
{
	char want[64];

	snprintf(want, sizeof(want), "leaf %llu: its report is missing", (unsigned long long)leaf);
	assert_int_equal(last, leaf);
	if (strcmp(msg, want) != 0)
		fail_msg("unexpected problem at leaf %llu: %s", (unsigned long long)leaf, msg);
	(*(uint64_t *)arg)++;
}

static void test_intake_submit_and_read(void **state)
{
	struct intake *it;
	struct intake_receipt r;
	struct err e = ERR_INIT;
	static const unsigned char pdf[] = "%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
	struct intake_attachment att = { "证明.pdf", "text/plain", pdf, sizeof(pdf) - 1 };
	struct intake_report rep = {
		.title = "路由器管理界面命令注入", .description = "在 /cgi-bin/ping 中存在命令注入。",
		.language = "zh-CN", .product_name = "XR-500", .product_version = "1.2.3",
		.reporter_email = "researcher@example.cn", .attachments = &att, .nattachments = 1,
	};
	struct actor a = { 0, "cli", "test" };
	json_t *out, *status;
	uint64_t checked, problems, bare = nleaves, missing;
	unsigned char path_root[HASH_LEN];

	(void)state;
	assert_int_equal(intake_start(&it, in, &e), 0);
	assert_int_equal(intake_submit(it, INTAKE_API, &rep, &r, &e), 0);
	assert_true(r.id > 0);
	assert_int_equal(r.leaf_index, nleaves);
	assert_int_equal(r.tree_size, nleaves + 1);
	assert_int_equal(strncmp(r.status_token, "vfr_", 4), 0);
	/* the receipt proves itself: leaf = H(0 || entry), path to the signed root */
	assert_int_equal(merkle_leaf_hash(tlog_hash(intake_log(it)), r.entry, TLOG_ENTRY_LEN,
					  path_root, &e), 0);
	assert_memory_equal(path_root, r.leaf_hash, HASH_LEN);
	assert_int_equal(merkle_verify_inclusion(tlog_hash(intake_log(it)), r.leaf_hash,
						 r.leaf_index, r.tree_size,
						 (const unsigned char (*)[HASH_LEN])r.audit_path,
						 r.audit_path_len, r.root_hash, &e), 0);
	nleaves++;
	/* the analyst's view: decrypted text, and libmagic's type, not the declared one */
	assert_int_equal(intake_report_get(it, &a, r.id, 0, &out, &e), 0);
	assert_string_equal(json_string_value(json_object_get(out, "title")), rep.title);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(out, "attachments"), 0),
				    "media_type")), "application/pdf");
	json_decref(out);
	assert_int_equal(intake_status(it, r.status_token, &status, &e), 0);
	assert_string_equal(json_string_value(json_object_get(status, "status")), "received");
	json_decref(status);
	assert_int_equal(intake_status(it, "vfr_nope", &status, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	/* a bad report is refused, and its refusal is logged */
	rep.title = "";
	assert_int_equal(intake_submit(it, INTAKE_API, &rep, &r, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_int_equal(intake_reject(it, INTAKE_API, INTAKE_REJECTED_INVALID, "{}", 2, 2, e.msg,
				       &r, &e), 0);
	assert_int_equal(r.leaf_index, nleaves);
	nleaves++;
	/* too many characters: counted as characters, not bytes */
	{
		char title[3 * 201 + 1] = "";

		for (int i = 0; i < 200; i++)
			strcat(title, "漏");
		rep.title = title;
		assert_int_equal(intake_submit(it, INTAKE_API, &rep, &r, &e), 0);
		nleaves++;
		strcat(title, "洞");
		assert_int_equal(intake_submit(it, INTAKE_API, &rep, &r, &e), -1);
		assert_int_equal(e.code, ERR_INVALID);
	}
	/* the purge keeps 180 days at least */
	{
		int64_t count;

		assert_int_equal(intake_purge(it, &a, time_now_us(), &count, &e), -1);
		assert_int_equal(e.code, ERR_FORBIDDEN);
		assert_int_equal(intake_purge(it, &a, time_now_us() - 181LL * 86400 * 1000000, &count,
					      &e), 0);
		assert_int_equal(count, 0);
	}
	/* the leaves the earlier tests appended by hand have no report: each is named */
	missing = 0;
	assert_int_equal(intake_verify_payloads(it, count_missing, &missing, 1000, &checked,
						&problems, &e), 0);
	assert_int_equal(problems, bare);
	assert_int_equal(missing, bare);
	assert_int_equal(checked, 3);
	intake_stop(it);
}

int main(void)
{
	const struct CMUnitTest crypto[] = {
		cmocka_unit_test(test_sm4_gcm_rfc8998),
		cmocka_unit_test(test_aes256_gcm_vector),
		cmocka_unit_test(test_seal_round_trip),
		cmocka_unit_test(test_signatures),
	};
	const struct CMUnitTest log[] = {
		cmocka_unit_test(test_log_batches_and_proofs),
		cmocka_unit_test(test_log_failed_job_restores),
		cmocka_unit_test(test_intake_submit_and_read),
	};
	int failed;
	struct err e = ERR_INIT;

	if (crypto_init(&e) < 0)
		return 1;
	failed = cmocka_run_group_tests_name("crypto", crypto, NULL, NULL);
	failed += cmocka_run_group_tests_name("tlog", log, setup, teardown);
	return failed;
}
