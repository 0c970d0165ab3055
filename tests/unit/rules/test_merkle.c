/* test_merkle.c - the log hash (SM3, SHA-256) and RFC 9162 Merkle trees and proofs.
 *
 * Known answers: the SM3 examples of GB/T 32905-2016, the SHA-256 examples
 * of FIPS 180-4, and the Certificate Transparency reference tests (the eight
 * classic leaves, their tree heads, inclusion and consistency proofs, as in
 * transparency-dev/merkle proof/verify_test.go).  Beyond those, every proof
 * and root for trees of up to 64 leaves is compared with a second,
 * deliberately naive implementation below that follows the RFC's recursive
 * definitions of MTH, PATH and PROOF word for word.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/hash.h"
#include "base/mem.h"
#include "rules/merkle.h"

typedef unsigned char hash_t[HASH_LEN];

static const enum hash_alg both_algs[] = { HASH_SHA256, HASH_SM3 };

static struct hash_ctx *ctx_for(enum hash_alg alg)
{
	struct err e = ERR_INIT;
	struct hash_ctx *h;

	assert_int_equal(hash_ctx_new(&h, alg, &e), 0);
	assert_non_null(h);
	return h;
}

static void unhex(const char *hex, hash_t out)
{
	assert_int_equal(hash_from_hex(hex, out), 0);
}

static void assert_hash_hex(const hash_t h, const char *want)
{
	char got[HASH_HEX_LEN];

	hash_hex(h, got);
	assert_string_equal(got, want);
}

/* ---- the hash primitive ------------------------------------------------ */

static void test_hash_names(void **state)
{
	enum hash_alg a = HASH_SHA256;

	(void)state;
	assert_int_equal(hash_alg_from_name("sm3", &a), 0);
	assert_int_equal(a, HASH_SM3);
	assert_int_equal(hash_alg_from_name("sha256", &a), 0);
	assert_int_equal(a, HASH_SHA256);
	assert_int_equal(hash_alg_from_name("SM3", &a), -1);
	assert_int_equal(hash_alg_from_name("sha-256", &a), -1);
	assert_int_equal(hash_alg_from_name("", &a), -1);
	assert_int_equal(hash_alg_from_name(NULL, &a), -1);
	assert_string_equal(hash_alg_name(HASH_SM3), "sm3");
	assert_string_equal(hash_alg_name(HASH_SHA256), "sha256");
	assert_string_equal(hash_alg_name((enum hash_alg)7), "unknown");
	assert_int_equal(HASH_ALG_DEFAULT, HASH_SM3);
}

static const struct {
	enum hash_alg alg;
	const char *msg;
	size_t repeat;
	const char *digest;
} hash_vectors[] = {
	/* GB/T 32905-2016 appendix A, examples 1 and 2 */
	{ HASH_SM3, "abc", 1, "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0" },
	{ HASH_SM3, "abcd", 16,
	  "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732" },
	{ HASH_SM3, "", 1, "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b" },
	/* FIPS 180-4 examples */
	{ HASH_SHA256, "abc", 1,
	  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ HASH_SHA256, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ HASH_SHA256, "", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
};

static void test_hash_vectors(void **state)
{
	struct err e = ERR_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(hash_vectors) / sizeof(hash_vectors[0]); i++) {
		struct hash_ctx *h = ctx_for(hash_vectors[i].alg);
		size_t len = strlen(hash_vectors[i].msg);
		hash_t d;

		assert_int_equal(hash_ctx_alg(h), hash_vectors[i].alg);
		/* streaming, one repetition per update */
		hash_begin(h);
		for (size_t r = 0; r < hash_vectors[i].repeat; r++)
			hash_update(h, hash_vectors[i].msg, len);
		assert_int_equal(hash_finish(h, d, &e), 0);
		assert_hash_hex(d, hash_vectors[i].digest);
		/* one call, same context again */
		if (hash_vectors[i].repeat == 1) {
			memset(d, 0, sizeof(d));
			assert_int_equal(hash_digest(h, hash_vectors[i].msg, len, d, &e), 0);
			assert_hash_hex(d, hash_vectors[i].digest);
		}
		hash_ctx_free(h);
	}
}

/* A message split anywhere hashes the same; a context is reusable at will,
 * and begin abandons a digest in progress. */
static void test_hash_streaming(void **state)
{
	struct err e = ERR_INIT;
	unsigned char msg[300];

	(void)state;
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)(i * 7 + 3);
	for (size_t a = 0; a < 2; a++) {
		struct hash_ctx *h = ctx_for(both_algs[a]);
		hash_t whole, part;

		assert_int_equal(hash_digest(h, msg, sizeof(msg), whole, &e), 0);
		for (size_t cut = 0; cut <= sizeof(msg); cut += 13) {
			hash_begin(h);
			hash_update(h, "garbage", 7);
			hash_begin(h);
			hash_update(h, msg, cut);
			hash_update(h, NULL, 0);
			hash_update(h, msg + cut, sizeof(msg) - cut);
			assert_int_equal(hash_finish(h, part, &e), 0);
			assert_memory_equal(part, whole, HASH_LEN);
		}
		hash_ctx_free(h);
	}
	hash_ctx_free(NULL);
}

static void test_hash_errors(void **state)
{
	struct err e = ERR_INIT;
	static char sentinel;
	struct hash_ctx *h = (struct hash_ctx *)&sentinel;
	hash_t d;

	(void)state;
	assert_int_equal(hash_ctx_new(&h, (enum hash_alg)9, &e), -1);
	assert_null(h);
	assert_int_equal(e.code, ERR_INTERNAL);

	h = ctx_for(HASH_SM3);
	err_clear(&e);
	/* finish with nothing begun */
	assert_int_equal(hash_finish(h, d, &e), -1);
	assert_int_equal(e.code, ERR_INTERNAL);
	/* update with nothing begun poisons nothing later */
	hash_update(h, "x", 1);
	assert_int_equal(hash_finish(h, d, &e), -1);
	assert_int_equal(hash_digest(h, "abc", 3, d, &e), 0);
	assert_hash_hex(d, hash_vectors[0].digest);
	/* a second finish without begin */
	assert_int_equal(hash_finish(h, d, &e), -1);
	hash_ctx_free(h);
}

static void test_hash_hex(void **state)
{
	hash_t h, back;
	char hex[HASH_HEX_LEN];

	(void)state;
	for (int i = 0; i < HASH_LEN; i++)
		h[i] = (unsigned char)(i * 37 + 11);
	hash_hex(h, hex);
	assert_int_equal(strlen(hex), 64);
	assert_int_equal(hash_from_hex(hex, back), 0);
	assert_memory_equal(h, back, HASH_LEN);
	assert_int_equal(hash_from_hex("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
				       back),
			 0);
	assert_hash_hex(back, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(hash_from_hex("", back), -1);
	assert_int_equal(hash_from_hex("e3b0", back), -1);
	/* 63 digits, 65 digits, a non-digit */
	assert_int_equal(hash_from_hex("3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
				       back),
			 -1);
	assert_int_equal(hash_from_hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8550",
				       back),
			 -1);
	assert_int_equal(hash_from_hex("g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
				       back),
			 -1);
}

/* ---- the reference model: RFC 9162 §2.1 taken literally ---------------- */

/* A list of hashes built by the model (proofs here never pass 64). */
struct hlist {
	hash_t h[MERKLE_MAX_PATH + 1];
	size_t n;
};

static void ref_hash_node(struct hash_ctx *hc, const hash_t l, const hash_t r, hash_t out)
{
	struct err e = ERR_INIT;
	unsigned char one = 0x01;

	hash_begin(hc);
	hash_update(hc, &one, 1);
	hash_update(hc, l, HASH_LEN);
	hash_update(hc, r, HASH_LEN);
	assert_int_equal(hash_finish(hc, out, &e), 0);
}

static uint64_t ref_k(uint64_t n)
{
	uint64_t k = 1;

	while (k * 2 < n)
		k *= 2;
	return k;
}

/* MTH(D[n]) where d are the leaf hashes, i.e. MTH({d(i)}) = d[i]. */
static void ref_mth(struct hash_ctx *hc, const hash_t *d, uint64_t n, hash_t out)
{
	struct err e = ERR_INIT;
	hash_t l, r;
	uint64_t k;

	if (n == 0) {
		assert_int_equal(hash_digest(hc, "", 0, out, &e), 0);
		return;
	}
	if (n == 1) {
		memcpy(out, d[0], HASH_LEN);
		return;
	}
	k = ref_k(n);
	ref_mth(hc, d, k, l);
	ref_mth(hc, d + k, n - k, r);
	ref_hash_node(hc, l, r, out);
}

static void ref_append_mth(struct hash_ctx *hc, struct hlist *p, const hash_t *d, uint64_t n)
{
	assert_true(p->n < MERKLE_MAX_PATH + 1);
	ref_mth(hc, d, n, p->h[p->n++]);
}

/* PATH(m, D[n]) */
static void ref_path(struct hash_ctx *hc, uint64_t m, const hash_t *d, uint64_t n,
		     struct hlist *p)
{
	uint64_t k;

	if (n == 1)
		return;
	k = ref_k(n);
	if (m < k) {
		ref_path(hc, m, d, k, p);
		ref_append_mth(hc, p, d + k, n - k);
	} else {
		ref_path(hc, m - k, d + k, n - k, p);
		ref_append_mth(hc, p, d, k);
	}
}

/* SUBPROOF(m, D[n], b) */
static void ref_subproof(struct hash_ctx *hc, uint64_t m, const hash_t *d, uint64_t n, int b,
			 struct hlist *p)
{
	uint64_t k;

	if (m == n) {
		if (!b)
			ref_append_mth(hc, p, d, n);
		return;
	}
	k = ref_k(n);
	if (m <= k) {
		ref_subproof(hc, m, d, k, b, p);
		ref_append_mth(hc, p, d + k, n - k);
	} else {
		ref_subproof(hc, m - k, d + k, n - k, 0, p);
		ref_append_mth(hc, p, d, k);
	}
}

/* The shape of PATH(m, D[n]): for each element, 1 if it is the left
 * sibling.  Two (m, n) of the same shape verify the same paths: the RFC's
 * verifier binds a path to an index and a size only through the shape. */
static void ref_shape(uint64_t m, uint64_t n, char *shape, size_t *len)
{
	uint64_t k;

	if (n == 1)
		return;
	k = ref_k(n);
	if (m < k) {
		ref_shape(m, k, shape, len);
		shape[(*len)++] = 0;
	} else {
		ref_shape(m - k, n - k, shape, len);
		shape[(*len)++] = 1;
	}
}

static int same_shape(uint64_t m1, uint64_t n1, uint64_t m2, uint64_t n2)
{
	char s1[MERKLE_MAX_PATH], s2[MERKLE_MAX_PATH];
	size_t l1 = 0, l2 = 0;

	ref_shape(m1, n1, s1, &l1);
	ref_shape(m2, n2, s2, &l2);
	return l1 == l2 && memcmp(s1, s2, l1) == 0;
}

/* The shape of PROOF(m, D[n]) = SUBPROOF(m, D[n], true): 'B' for the
 * subtree hash SUBPROOF(m, D[m], false) starts with, then 'R' for each
 * MTH(D[k:n]) appended (new leaves only, a right sibling) and 'L' for each
 * MTH(D[0:k]) (old leaves, a left sibling).  As for paths, two pairs of
 * sizes of the same shape verify the same proofs. */
static void ref_cshape(uint64_t m, uint64_t n, int b, char *shape, size_t *len)
{
	uint64_t k;

	if (m == n) {
		if (!b)
			shape[(*len)++] = 'B';
		return;
	}
	k = ref_k(n);
	if (m <= k) {
		ref_cshape(m, k, b, shape, len);
		shape[(*len)++] = 'R';
	} else {
		ref_cshape(m - k, n - k, 0, shape, len);
		shape[(*len)++] = 'L';
	}
}

static int same_cshape(uint64_t m1, uint64_t n1, uint64_t m2, uint64_t n2)
{
	char s1[MERKLE_MAX_PATH + 1], s2[MERKLE_MAX_PATH + 1];
	size_t l1 = 0, l2 = 0;

	ref_cshape(m1, n1, 1, s1, &l1);
	ref_cshape(m2, n2, 1, s2, &l2);
	return l1 == l2 && memcmp(s1, s2, l1) == 0;
}

/* Leaf hashes of some deterministic entries. */
static hash_t *make_leaves(struct hash_ctx *hc, uint64_t n)
{
	struct err e = ERR_INIT;
	hash_t *d = xmalloc((size_t)(n ? n : 1) * sizeof(hash_t));

	for (uint64_t i = 0; i < n; i++) {
		unsigned char entry[8];

		for (int b = 0; b < 8; b++)
			entry[b] = (unsigned char)(i >> (8 * b));
		/* entries of 1 to 8 bytes */
		assert_int_equal(merkle_leaf_hash(hc, entry, 1 + (size_t)(i % 8), d[i], &e), 0);
	}
	return d;
}

/* ---- the CT reference vectors ------------------------------------------ */

/* The eight entries of the Certificate Transparency reference tests. */
static const struct {
	const char *data;
	size_t len;
} ct_leaves[8] = {
	{ "", 0 },
	{ "\x00", 1 },
	{ "\x10", 1 },
	{ "\x20\x21", 2 },
	{ "\x30\x31", 2 },
	{ "\x40\x41\x42\x43", 4 },
	{ "\x50\x51\x52\x53\x54\x55\x56\x57", 8 },
	{ "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f", 16 },
};

/* MTH of the first n entries, n = 0..8.  SHA-256: the CT reference tests
 * (transparency-dev/merkle, certificate-transparency-go).  SM3: computed for
 * vulnflow by the Python model in docs/internals/tlog.md, which gives the
 * SHA-256 values above from the same code. */
static const char *const ct_roots[2][9] = {
	[HASH_SHA256] = {
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
		"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
		"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
		"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
		"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
		"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
	},
	[HASH_SM3] = {
		"1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b",
		"2daef60e7a0b8f5e024c81cd2ab3109f2b4f155cf83adeb2ae5532f74a157fdf",
		"0b990fe0c7ad70f1bf1a1262f2c7908ea48146b14253a6db99f2917ab1f5cc4d",
		"209ec96a210d662a964772680e8544d18cab7b88ffec3e00962220349b56ea56",
		"28e4e307ef6d2d0c62d84b11ef96e835efe490f35b93c8f024ecfe38c8dd4377",
		"bb10c996aeebbcdc69be3715fc847344de77442d37a5ab8213da9f41785b103b",
		"8723c1ab1f82ddfba4a3733ac0c80d936d9f4c208c7dbc8cc81ca9fff8584f66",
		"bd36c22a1ac6ff4308e0c3cc1a85bf0ffa30538ec60a55c70413ab15d45db4d2",
		"bc48ba7a709184b5f2a631e1adeb8dc2a0d4c018c1d6cc89b5664fe154c93b38",
	},
};

struct ct_proof {
	enum hash_alg alg;
	uint64_t a, b;               /* leaf index and tree size, or first and second */
	size_t n;
	const char *proof[4];
};

static const struct ct_proof ct_inclusion[] = {
	{ HASH_SHA256, 0, 8, 3,
	  { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
	{ HASH_SHA256, 5, 8, 3,
	  { "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
	{ HASH_SHA256, 2, 3, 1,
	  { "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125" } },
	{ HASH_SHA256, 1, 5, 3,
	  { "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
	{ HASH_SHA256, 0, 1, 0, { NULL } },
	{ HASH_SM3, 0, 8, 3,
	  { "af83a966222057ac761246a7543c580d9111014f4e5e3cb1281db33151160335",
	    "2489bde054a243baddcdf4fca1bae37cc910a6d9d85fdb9e1a826d7fc114f9a8",
	    "2064aa35c6f2961ab1667c4418188b13a7b2510104f71febbb67f19419cf8168" } },
	{ HASH_SM3, 5, 8, 3,
	  { "a798bfdb4164a6c7b41a6faecc5c3155cf04d38929dcbd4fe21dea29071aac64",
	    "155f6ed4ccfa83510c9416c99b48f41aa5b12e443546bee1b501a7b281e5132a",
	    "28e4e307ef6d2d0c62d84b11ef96e835efe490f35b93c8f024ecfe38c8dd4377" } },
	{ HASH_SM3, 2, 3, 1,
	  { "0b990fe0c7ad70f1bf1a1262f2c7908ea48146b14253a6db99f2917ab1f5cc4d" } },
	{ HASH_SM3, 1, 5, 3,
	  { "2daef60e7a0b8f5e024c81cd2ab3109f2b4f155cf83adeb2ae5532f74a157fdf",
	    "2489bde054a243baddcdf4fca1bae37cc910a6d9d85fdb9e1a826d7fc114f9a8",
	    "a798bfdb4164a6c7b41a6faecc5c3155cf04d38929dcbd4fe21dea29071aac64" } },
};

static const struct ct_proof ct_consistency[] = {
	{ HASH_SHA256, 1, 1, 0, { NULL } },
	{ HASH_SHA256, 1, 8, 3,
	  { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
	{ HASH_SHA256, 6, 8, 3,
	  { "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
	{ HASH_SHA256, 2, 5, 2,
	  { "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
	{ HASH_SHA256, 6, 7, 3,
	  { "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
	{ HASH_SHA256, 3, 7, 4,
	  { "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
	    "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
	    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	    "837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e" } },
	{ HASH_SM3, 1, 8, 3,
	  { "af83a966222057ac761246a7543c580d9111014f4e5e3cb1281db33151160335",
	    "2489bde054a243baddcdf4fca1bae37cc910a6d9d85fdb9e1a826d7fc114f9a8",
	    "2064aa35c6f2961ab1667c4418188b13a7b2510104f71febbb67f19419cf8168" } },
	{ HASH_SM3, 6, 8, 3,
	  { "6f5566cd4dfab1605e73be3ce132f38de996be0094142731e1eb2ab2e001daca",
	    "155f6ed4ccfa83510c9416c99b48f41aa5b12e443546bee1b501a7b281e5132a",
	    "28e4e307ef6d2d0c62d84b11ef96e835efe490f35b93c8f024ecfe38c8dd4377" } },
	{ HASH_SM3, 2, 5, 2,
	  { "2489bde054a243baddcdf4fca1bae37cc910a6d9d85fdb9e1a826d7fc114f9a8",
	    "a798bfdb4164a6c7b41a6faecc5c3155cf04d38929dcbd4fe21dea29071aac64" } },
	{ HASH_SM3, 6, 7, 3,
	  { "6f5566cd4dfab1605e73be3ce132f38de996be0094142731e1eb2ab2e001daca",
	    "0ce032204aaf0d2493c226ac2199c3ea4a51c8ce383f485836943605076c0f4b",
	    "28e4e307ef6d2d0c62d84b11ef96e835efe490f35b93c8f024ecfe38c8dd4377" } },
	{ HASH_SM3, 3, 7, 4,
	  { "c93540f0356ca5170858329e6d483f335894dac0de71c64ff8b51cba68cce396",
	    "796e7bd749551d8e3dbd787d5fdbc62771c9a04db51a53bdbc004211f606ee6a",
	    "0b990fe0c7ad70f1bf1a1262f2c7908ea48146b14253a6db99f2917ab1f5cc4d",
	    "6f59d73facf2001681a4932aa0ec3c8006b2911c498c6dda229de1b618670d4e" } },
};

static void ct_leaf_hashes(struct hash_ctx *hc, hash_t d[8])
{
	struct err e = ERR_INIT;

	for (int i = 0; i < 8; i++)
		assert_int_equal(merkle_leaf_hash(hc, ct_leaves[i].data, ct_leaves[i].len, d[i], &e),
				 0);
}

static void test_ct_roots(void **state)
{
	struct err e = ERR_INIT;

	(void)state;
	for (size_t a = 0; a < 2; a++) {
		enum hash_alg alg = both_algs[a];
		struct hash_ctx *hc = ctx_for(alg);
		hash_t d[8], root;

		ct_leaf_hashes(hc, d);
		for (uint64_t n = 0; n <= 8; n++) {
			assert_int_equal(merkle_root(hc, (const unsigned char(*)[HASH_LEN])d, n,
						     root, &e),
					 0);
			assert_hash_hex(root, ct_roots[alg][n]);
			/* and the model agrees */
			ref_mth(hc, d, n, root);
			assert_hash_hex(root, ct_roots[alg][n]);
		}
		/* the leaf and node prefixes, spelt out */
		assert_hash_hex(d[0], ct_roots[alg][1]);
		assert_int_equal(merkle_node_hash(hc, d[0], d[1], root, &e), 0);
		assert_hash_hex(root, ct_roots[alg][2]);
		hash_ctx_free(hc);
	}
}

/* Generate each proof, compare it with the vector, and verify the vector. */
static void check_ct_proofs(const struct ct_proof *v, size_t count, int consistency)
{
	struct err e = ERR_INIT;

	for (size_t t = 0; t < count; t++, v++) {
		struct hash_ctx *hc = ctx_for(v->alg);
		hash_t d[8], r1, r2, got[MERKLE_MAX_PATH], want[4];
		struct merkle_mem mem = { hc, (const unsigned char(*)[HASH_LEN])d, v->b };
		size_t len;

		ct_leaf_hashes(hc, d);
		if (consistency)
			assert_int_equal(merkle_consistency_proof(merkle_mem_subtree, &mem, v->a,
								  v->b, got, &len, &e),
					 0);
		else
			assert_int_equal(merkle_inclusion_proof(merkle_mem_subtree, &mem, v->a, v->b,
								got, &len, &e),
					 0);
		assert_int_equal(len, v->n);
		for (size_t i = 0; i < len; i++) {
			unhex(v->proof[i], want[i]);
			assert_hash_hex(got[i], v->proof[i]);
		}
		unhex(ct_roots[v->alg][v->a], r1);
		unhex(ct_roots[v->alg][v->b], r2);
		if (consistency)
			assert_int_equal(merkle_verify_consistency(
						 hc, v->a, v->b, r1, r2,
						 (const unsigned char(*)[HASH_LEN])want, len, &e),
					 0);
		else
			assert_int_equal(merkle_verify_inclusion(
						 hc, d[v->a], v->a, v->b,
						 (const unsigned char(*)[HASH_LEN])want, len, r2, &e),
					 0);
		hash_ctx_free(hc);
	}
}

static void test_ct_inclusion(void **state)
{
	(void)state;
	check_ct_proofs(ct_inclusion, sizeof(ct_inclusion) / sizeof(ct_inclusion[0]), 0);
}

static void test_ct_consistency(void **state)
{
	(void)state;
	check_ct_proofs(ct_consistency, sizeof(ct_consistency) / sizeof(ct_consistency[0]), 1);
}

/* A callback that records the ranges it is asked for, checks them against
 * merkle.h's promise, and fails on call number fail_at (-1: never). */
struct range_log {
	struct merkle_mem mem;
	uint64_t tree_size;          /* of the proof being made */
	uint64_t r[MERKLE_MAX_PATH][2];
	size_t n;
	int fail_at;                 /* make call number fail_at fail; -1 never */
};

static int logging_subtree(void *arg, uint64_t start, uint64_t end, unsigned char out[HASH_LEN],
			   struct err *e)
{
	struct range_log *l = arg;
	uint64_t size = end - start;

	uint64_t p = 1;

	/* merkle.h's promise: a complete subtree, or the right edge with start
	 * aligned to a power of two at least as large as the range */
	assert_true(start < end && end <= l->tree_size);
	while (p < size)
		p *= 2;
	assert_int_equal(start % p, 0);
	if (p != size)
		assert_int_equal(end, l->tree_size);
	if (l->fail_at >= 0 && (size_t)l->fail_at == l->n)
		return err_set(e, ERR_UNAVAILABLE, "storage is down");
	assert_true(l->n < MERKLE_MAX_PATH);
	l->r[l->n][0] = start;
	l->r[l->n][1] = end;
	l->n++;
	return merkle_mem_subtree(&l->mem, start, end, out, e);
}

/* RFC 6962 §2.1.3's worked examples, by range.  The tree of 7 leaves:
 * a..g are the leaves d0..d6 (g = d6 stands alone), g = [0,2), h = [2,4),
 * i = [4,6), j = [6,7), k = [0,4), l = [4,7). */
static void test_rfc_examples(void **state)
{
	struct hash_ctx *hc = ctx_for(HASH_SM3);
	struct err e = ERR_INIT;
	hash_t *d = make_leaves(hc, 7), path[MERKLE_MAX_PATH];
	struct range_log l = { { hc, (const unsigned char(*)[HASH_LEN])d, 7 }, 7, { { 0 } }, 0,
			       -1 };
	static const uint64_t incl0[3][2] = { { 1, 2 }, { 2, 4 }, { 4, 7 } };   /* [b, h, l] */
	static const uint64_t incl3[3][2] = { { 2, 3 }, { 0, 2 }, { 4, 7 } };   /* [c, g, l] */
	static const uint64_t incl4[3][2] = { { 5, 6 }, { 6, 7 }, { 0, 4 } };   /* [f, j, k] */
	static const uint64_t incl6[2][2] = { { 4, 6 }, { 0, 4 } };             /* [i, k] */
	static const uint64_t cons3[4][2] = { { 2, 3 }, { 3, 4 }, { 0, 2 }, { 4, 7 } };
	static const uint64_t cons4[1][2] = { { 4, 7 } };                       /* [l] */
	static const uint64_t cons6[3][2] = { { 4, 6 }, { 6, 7 }, { 0, 4 } };   /* [i, j, k] */
	size_t len;

	(void)state;
	/* audit paths; the callback is asked bottom first, like the path */
	assert_int_equal(merkle_inclusion_proof(logging_subtree, &l, 0, 7, path, &len, &e), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(l.r, incl0, sizeof(incl0));
	l.n = 0;
	assert_int_equal(merkle_inclusion_proof(logging_subtree, &l, 3, 7, path, &len, &e), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(l.r, incl3, sizeof(incl3));
	l.n = 0;
	assert_int_equal(merkle_inclusion_proof(logging_subtree, &l, 4, 7, path, &len, &e), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(l.r, incl4, sizeof(incl4));
	l.n = 0;
	assert_int_equal(merkle_inclusion_proof(logging_subtree, &l, 6, 7, path, &len, &e), 0);
	assert_int_equal(len, 2);
	assert_memory_equal(l.r, incl6, sizeof(incl6));
	/* consistency proofs with the trees of 3 (c, d, g, l), 4 and 6 leaves */
	l.n = 0;
	assert_int_equal(merkle_consistency_proof(logging_subtree, &l, 3, 7, path, &len, &e), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(l.r, cons3, sizeof(cons3));
	l.n = 0;
	assert_int_equal(merkle_consistency_proof(logging_subtree, &l, 4, 7, path, &len, &e), 0);
	assert_int_equal(len, 1);
	assert_memory_equal(l.r, cons4, sizeof(cons4));
	l.n = 0;
	assert_int_equal(merkle_consistency_proof(logging_subtree, &l, 6, 7, path, &len, &e), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(l.r, cons6, sizeof(cons6));
	free(d);
	hash_ctx_free(hc);
}

/* ---- every tree up to 64 leaves, against the model --------------------- */

#define SWEEP 64

static void cross_check(enum hash_alg alg)
{
	struct hash_ctx *hc = ctx_for(alg);
	struct err e = ERR_INIT;
	hash_t *d = make_leaves(hc, SWEEP), roots[SWEEP + 1], got[MERKLE_MAX_PATH], root;
	struct range_log l = { { hc, (const unsigned char(*)[HASH_LEN])d, SWEEP }, 0, { { 0 } },
			       0, -1 };
	size_t len;

	for (uint64_t n = 0; n <= SWEEP; n++) {
		ref_mth(hc, d, n, roots[n]);
		assert_int_equal(merkle_root(hc, (const unsigned char(*)[HASH_LEN])d, n, root, &e),
				 0);
		assert_memory_equal(root, roots[n], HASH_LEN);
	}
	for (uint64_t n = 1; n <= SWEEP; n++) {
		l.tree_size = n;
		for (uint64_t m = 0; m < n; m++) {
			struct hlist want = { .n = 0 };

			ref_path(hc, m, d, n, &want);
			l.n = 0;
			assert_int_equal(merkle_inclusion_proof(logging_subtree, &l, m, n, got,
								&len, &e),
					 0);
			assert_int_equal(len, want.n);
			assert_int_equal(l.n, len);
			assert_memory_equal(got, want.h, len * HASH_LEN);
			assert_int_equal(merkle_verify_inclusion(hc, d[m], m, n,
								 (const unsigned char(*)[HASH_LEN])got,
								 len, roots[n], &e),
					 0);
		}
		for (uint64_t m = 1; m <= n; m++) {
			struct hlist want = { .n = 0 };

			ref_subproof(hc, m, d, n, 1, &want);
			l.n = 0;
			assert_int_equal(merkle_consistency_proof(logging_subtree, &l, m, n, got,
								  &len, &e),
					 0);
			assert_int_equal(len, want.n);
			assert_memory_equal(got, want.h, len * HASH_LEN);
			assert_int_equal(merkle_verify_consistency(hc, m, n, roots[m], roots[n],
								   (const unsigned char(*)[HASH_LEN])got,
								   len, &e),
					 0);
		}
	}
	free(d);
	hash_ctx_free(hc);
}

static void test_cross_check_sha256(void **state)
{
	(void)state;
	cross_check(HASH_SHA256);
}

static void test_cross_check_sm3(void **state)
{
	(void)state;
	cross_check(HASH_SM3);
}

/* ---- tampering --------------------------------------------------------- */

static int incl_ok(struct hash_ctx *hc, const hash_t leaf, uint64_t m, uint64_t n,
		   const hash_t *path, size_t len, const hash_t root)
{
	struct err e = ERR_INIT;
	int rc = merkle_verify_inclusion(hc, leaf, m, n, (const unsigned char(*)[HASH_LEN])path,
					 len, root, &e);

	if (rc < 0)
		assert_int_equal(e.code, ERR_INVALID);
	return rc == 0;
}

static void test_tamper_inclusion(void **state)
{
	struct hash_ctx *hc = ctx_for(HASH_SHA256);
	struct err e = ERR_INIT;
	hash_t *d = make_leaves(hc, SWEEP), roots[SWEEP + 1], path[MERKLE_MAX_PATH + 2], bad;
	struct merkle_mem mem = { hc, (const unsigned char(*)[HASH_LEN])d, SWEEP };
	size_t len, rejected = 0;

	(void)state;
	memset(bad, 0xab, sizeof(bad));
	for (uint64_t n = 0; n <= SWEEP; n++)
		ref_mth(hc, d, n, roots[n]);
	for (uint64_t n = 1; n <= SWEEP; n++) {
		for (uint64_t m = 0; m < n; m++) {
			/* the index/size pairs a forger might claim instead */
			const uint64_t alt[][2] = {
				{ m + 1, n }, { m - 1, n }, { m ^ 2, n }, { m ^ 1, n },
				{ m, n + 1 }, { m, n - 1 }, { m, n * 2 }, { m, n / 2 },
				{ m + 1, n + 1 }, { n, n }, { m, 0 },
			};

			mem.n = n;
			assert_int_equal(merkle_inclusion_proof(merkle_mem_subtree, &mem, m, n,
								path, &len, &e),
					 0);
			assert_true(incl_ok(hc, d[m], m, n, path, len, roots[n]));
			/* a wrong leaf, a wrong root */
			assert_false(incl_ok(hc, d[(m + 1) % SWEEP], m, n, path, len, roots[n]));
			assert_false(incl_ok(hc, d[m], m, n, path, len, roots[n - 1]));
			assert_false(incl_ok(hc, d[m], m, n, path, len, bad));
			/* one bit of every byte of every element */
			for (size_t i = 0; i < len; i++) {
				for (int b = 0; b < HASH_LEN; b++) {
					unsigned char flip = (unsigned char)(1u << ((b + i) % 8));

					path[i][b] ^= flip;
					assert_false(incl_ok(hc, d[m], m, n, path, len, roots[n]));
					path[i][b] ^= flip;
					rejected++;
				}
			}
			/* truncated, extended (garbage, the root, a repeat) */
			for (size_t cut = 0; cut < len; cut++)
				assert_false(incl_ok(hc, d[m], m, n, path, cut, roots[n]));
			memcpy(path[len], bad, HASH_LEN);
			assert_false(incl_ok(hc, d[m], m, n, path, len + 1, roots[n]));
			memcpy(path[len], roots[n], HASH_LEN);
			assert_false(incl_ok(hc, d[m], m, n, path, len + 1, roots[n]));
			if (len > 0) {
				memcpy(path[len], path[len - 1], HASH_LEN);
				assert_false(incl_ok(hc, d[m], m, n, path, len + 1, roots[n]));
				/* two elements swapped */
				if (len > 1) {
					hash_t t;

					memcpy(t, path[0], HASH_LEN);
					memcpy(path[0], path[1], HASH_LEN);
					memcpy(path[1], t, HASH_LEN);
					assert_false(incl_ok(hc, d[m], m, n, path, len, roots[n]));
					memcpy(path[1], path[0], HASH_LEN);
					memcpy(path[0], t, HASH_LEN);
				}
			}
			/* Another index or size verifies the same path exactly when
			 * the RFC's definition gives it the same shape (same length,
			 * same sides): the signed tree head, not the proof, binds the
			 * size, and e.g. (4, 5) and (1, 2) both read "one left
			 * sibling". */
			for (size_t a = 0; a < sizeof(alt) / sizeof(alt[0]); a++) {
				uint64_t am = alt[a][0], an = alt[a][1];
				int expect;

				if (am == m && an == n)
					continue;
				expect = am < an && same_shape(am, an, m, n);
				assert_int_equal(incl_ok(hc, d[m], am, an, path, len, roots[n]),
						 expect);
			}
			/* an example of such a pair, checked by hand */
			if (m == 4 && n == 5) {
				assert_int_equal(len, 1);
				assert_true(incl_ok(hc, d[m], 1, 2, path, len, roots[n]));
			}
		}
	}
	print_message("# inclusion: %zu altered paths rejected\n", rejected);
	free(d);
	hash_ctx_free(hc);
}

static int cons_ok(struct hash_ctx *hc, uint64_t m, uint64_t n, const hash_t r1,
		   const hash_t r2, const hash_t *proof, size_t len)
{
	struct err e = ERR_INIT;
	int rc = merkle_verify_consistency(hc, m, n, r1, r2,
					   (const unsigned char(*)[HASH_LEN])proof, len, &e);

	if (rc < 0)
		assert_int_equal(e.code, ERR_INVALID);
	return rc == 0;
}

static void test_tamper_consistency(void **state)
{
	struct hash_ctx *hc = ctx_for(HASH_SM3);
	struct err e = ERR_INIT;
	hash_t *d = make_leaves(hc, SWEEP), roots[SWEEP + 1], proof[MERKLE_MAX_PATH + 2], bad;
	struct merkle_mem mem = { hc, (const unsigned char(*)[HASH_LEN])d, SWEEP };
	size_t len;

	(void)state;
	memset(bad, 0x5c, sizeof(bad));
	for (uint64_t n = 0; n <= SWEEP; n++)
		ref_mth(hc, d, n, roots[n]);
	for (uint64_t n = 1; n <= SWEEP; n++) {
		for (uint64_t m = 1; m <= n; m++) {
			mem.n = n;
			assert_int_equal(merkle_consistency_proof(merkle_mem_subtree, &mem, m, n,
								  proof, &len, &e),
					 0);
			assert_true(cons_ok(hc, m, n, roots[m], roots[n], proof, len));
			/* wrong roots, swapped roots */
			assert_false(cons_ok(hc, m, n, bad, roots[n], proof, len));
			assert_false(cons_ok(hc, m, n, roots[m], bad, proof, len));
			if (m == n) {
				assert_int_equal(len, 0);
				memcpy(proof[0], roots[m], HASH_LEN);
				assert_false(cons_ok(hc, m, n, roots[m], roots[n], proof, 1));
				continue;
			}
			assert_true(len > 0);
			assert_false(cons_ok(hc, m, n, roots[n], roots[m], proof, len));
			assert_false(cons_ok(hc, m, n, roots[m - 1], roots[n], proof, len));
			assert_false(cons_ok(hc, m, n, roots[m], roots[n - 1], proof, len));
			/* one bit of every third byte of every element */
			for (size_t i = 0; i < len; i++) {
				for (int b = (int)(i % 3); b < HASH_LEN; b += 3) {
					unsigned char flip = (unsigned char)(1u << ((b + i) % 8));

					proof[i][b] ^= flip;
					assert_false(cons_ok(hc, m, n, roots[m], roots[n], proof,
							     len));
					proof[i][b] ^= flip;
				}
			}
			/* truncated (down to empty), extended */
			for (size_t cut = 0; cut < len; cut++)
				assert_false(cons_ok(hc, m, n, roots[m], roots[n], proof, cut));
			memcpy(proof[len], bad, HASH_LEN);
			assert_false(cons_ok(hc, m, n, roots[m], roots[n], proof, len + 1));
			memcpy(proof[len], roots[m], HASH_LEN);
			assert_false(cons_ok(hc, m, n, roots[m], roots[n], proof, len + 1));
			memcpy(proof[len], roots[n], HASH_LEN);
			assert_false(cons_ok(hc, m, n, roots[m], roots[n], proof, len + 1));
			/* prefixed with first_hash (what the verifier adds itself when
			 * first is a power of two) */
			memmove(proof[1], proof[0], len * HASH_LEN);
			memcpy(proof[0], roots[m], HASH_LEN);
			assert_false(cons_ok(hc, m, n, roots[m], roots[n], proof, len + 1));
			memmove(proof[0], proof[1], len * HASH_LEN);
			/* Other sizes claimed for the same roots and proof verify
			 * exactly when PROOF's definition gives them the same shape:
			 * e.g. PROOF(1, D[3]) and PROOF(1, D[4]) both read "two
			 * right siblings".  Only the signed tree heads bind sizes. */
			{
				const uint64_t alt[][2] = {
					{ m + 1, n }, { m - 1, n }, { m, n + 1 }, { m, n - 1 },
					{ m, 2 * n }, { m ^ 1, n }, { m ^ 2, n }, { m + 1, n + 1 },
					{ m - 1, n - 1 }, { 2 * m, 2 * n }, { n, n }, { m, m },
				};

				for (size_t a = 0; a < sizeof(alt) / sizeof(alt[0]); a++) {
					uint64_t am = alt[a][0], an = alt[a][1];
					int expect;

					if (am == m && an == n)
						continue;
					expect = am > 0 && am < an && same_cshape(am, an, m, n);
					assert_int_equal(cons_ok(hc, am, an, roots[m], roots[n],
								 proof, len),
							 expect);
				}
			}
			if (m == 1 && n == 3)
				assert_true(cons_ok(hc, 1, 4, roots[m], roots[n], proof, len));
		}
	}
	free(d);
	hash_ctx_free(hc);
}

/* ---- arguments, callbacks, edges --------------------------------------- */

static void test_arguments(void **state)
{
	struct hash_ctx *hc = ctx_for(HASH_SM3);
	struct err e = ERR_INIT;
	hash_t *d = make_leaves(hc, 8), path[MERKLE_MAX_PATH], root;
	struct merkle_mem mem = { hc, (const unsigned char(*)[HASH_LEN])d, 8 };
	struct range_log l = { { hc, (const unsigned char(*)[HASH_LEN])d, 8 }, 8, { { 0 } }, 0,
			       1 };
	size_t len = 99;

	(void)state;
#define EXPECT_INVALID(call)                                                                      \
	do {                                                                                      \
		err_clear(&e);                                                                    \
		assert_int_equal((call), -1);                                                     \
		assert_int_equal(e.code, ERR_INVALID);                                            \
	} while (0)
	EXPECT_INVALID(merkle_inclusion_proof(merkle_mem_subtree, &mem, 8, 8, path, &len, &e));
	assert_int_equal(len, 0);
	EXPECT_INVALID(merkle_inclusion_proof(merkle_mem_subtree, &mem, 0, 0, path, &len, &e));
	EXPECT_INVALID(merkle_inclusion_proof(merkle_mem_subtree, &mem, 0, MERKLE_MAX_SIZE + 1,
					      path, &len, &e));
	EXPECT_INVALID(merkle_consistency_proof(merkle_mem_subtree, &mem, 0, 8, path, &len, &e));
	EXPECT_INVALID(merkle_consistency_proof(merkle_mem_subtree, &mem, 0, 0, path, &len, &e));
	EXPECT_INVALID(merkle_consistency_proof(merkle_mem_subtree, &mem, 5, 4, path, &len, &e));
	EXPECT_INVALID(merkle_consistency_proof(merkle_mem_subtree, &mem, 1, MERKLE_MAX_SIZE + 1,
						path, &len, &e));
	/* the in-memory callback refuses ranges outside its array */
	mem.n = 4;
	EXPECT_INVALID(merkle_inclusion_proof(merkle_mem_subtree, &mem, 0, 8, path, &len, &e));
	EXPECT_INVALID(merkle_mem_subtree(&mem, 2, 2, root, &e));
	EXPECT_INVALID(merkle_mem_subtree(&mem, 3, 5, root, &e));
	mem.n = 8;
	/* verification of what the RFC does not define */
	ref_mth(hc, d, 8, root);
	EXPECT_INVALID(merkle_verify_inclusion(hc, d[0], 8, 8, NULL, 0, root, &e));
	EXPECT_INVALID(merkle_verify_inclusion(hc, d[0], 0, 0, NULL, 0, root, &e));
	EXPECT_INVALID(merkle_verify_consistency(hc, 0, 8, root, root, NULL, 0, &e));
	EXPECT_INVALID(merkle_verify_consistency(hc, 0, 0, root, root, NULL, 0, &e));
	EXPECT_INVALID(merkle_verify_consistency(hc, 9, 8, root, root, NULL, 0, &e));
	EXPECT_INVALID(merkle_verify_consistency(hc, 3, 8, root, root, NULL, 0, &e));
	/* one leaf: the leaf hash is the root, the path is empty */
	assert_int_equal(merkle_verify_inclusion(hc, d[0], 0, 1, NULL, 0, d[0], &e), 0);
	EXPECT_INVALID(merkle_verify_inclusion(hc, d[0], 0, 1, NULL, 0, d[1], &e));
	/* equal sizes: an empty proof and equal roots */
	assert_int_equal(merkle_verify_consistency(hc, 8, 8, root, root, NULL, 0, &e), 0);
	EXPECT_INVALID(merkle_verify_consistency(hc, 8, 8, root, d[0], NULL, 0, &e));
	/* a failing callback: its error comes back, nothing is returned */
	err_clear(&e);
	len = 99;
	assert_int_equal(merkle_inclusion_proof(logging_subtree, &l, 3, 8, path, &len, &e), -1);
	assert_int_equal(e.code, ERR_UNAVAILABLE);
	assert_string_equal(e.msg, "storage is down");
	assert_int_equal(len, 0);
	l.n = 0;
	err_clear(&e);
	assert_int_equal(merkle_consistency_proof(logging_subtree, &l, 3, 8, path, &len, &e), -1);
	assert_int_equal(e.code, ERR_UNAVAILABLE);
	assert_int_equal(len, 0);
#undef EXPECT_INVALID
	free(d);
	hash_ctx_free(hc);
}

/* The largest trees a proof can describe need at most MERKLE_MAX_PATH
 * hashes, and the generator's arithmetic holds up there (the callback only
 * records the ranges). */
static int fake_subtree(void *arg, uint64_t start, uint64_t end, unsigned char out[HASH_LEN],
			struct err *e)
{
	size_t *calls = arg;

	(void)e;
	memset(out, 0, HASH_LEN);
	memcpy(out, &start, sizeof(start));
	memcpy(out + 8, &end, sizeof(end));
	(*calls)++;
	return 0;
}

static void test_huge_sizes(void **state)
{
	struct err e = ERR_INIT;
	hash_t path[MERKLE_MAX_PATH];
	size_t len, calls = 0;

	(void)state;
	assert_int_equal(merkle_inclusion_proof(fake_subtree, &calls, MERKLE_MAX_SIZE - 1,
						MERKLE_MAX_SIZE, path, &len, &e),
			 0);
	assert_int_equal(len, 63);
	assert_int_equal(merkle_inclusion_proof(fake_subtree, &calls, 0, MERKLE_MAX_SIZE - 1, path,
						&len, &e),
			 0);
	assert_int_equal(len, 63);
	/* the longest consistency proof: first odd, deep in a tree just
	 * over a power of two */
	assert_int_equal(merkle_consistency_proof(fake_subtree, &calls, 3,
						  (MERKLE_MAX_SIZE >> 1) + 1, path, &len, &e),
			 0);
	assert_int_equal(len, 64);
	assert_int_equal(merkle_consistency_proof(fake_subtree, &calls, 3, MERKLE_MAX_SIZE, path,
						  &len, &e),
			 0);
	assert_int_equal(len, 64);
	assert_int_equal(merkle_consistency_proof(fake_subtree, &calls, MERKLE_MAX_SIZE - 1,
						  MERKLE_MAX_SIZE, path, &len, &e),
			 0);
	assert_true(len <= MERKLE_MAX_PATH);
	assert_int_equal(merkle_consistency_proof(fake_subtree, &calls, MERKLE_MAX_SIZE,
						  MERKLE_MAX_SIZE, path, &len, &e),
			 0);
	assert_int_equal(len, 0);
}

/* merkle_fold over the peaks of a size equals the root. */
static void test_fold(void **state)
{
	struct hash_ctx *hc = ctx_for(HASH_SHA256);
	struct err e = ERR_INIT;
	hash_t *d = make_leaves(hc, 100), peaks[8], root, want;

	(void)state;
	for (uint64_t n = 1; n <= 100; n++) {
		size_t np = 0;
		uint64_t at = 0;

		for (int bit = 63; bit >= 0; bit--) {
			uint64_t sz = UINT64_C(1) << bit;

			if (n & sz) {
				ref_mth(hc, d + at, sz, peaks[np++]);
				at += sz;
			}
		}
		assert_int_equal(merkle_fold(hc, (const unsigned char(*)[HASH_LEN])peaks, np, root,
					     &e),
				 0);
		ref_mth(hc, d, n, want);
		assert_memory_equal(root, want, HASH_LEN);
	}
	assert_int_equal(merkle_fold(hc, NULL, 0, root, &e), 0);
	assert_hash_hex(root, ct_roots[HASH_SHA256][0]);
	free(d);
	hash_ctx_free(hc);
}

/* ---- a larger tree, and the speed of merkle_root ------------------------ */

#define BIG 100000

static void test_big_tree(void **state)
{
	struct err e = ERR_INIT;

	(void)state;
	for (size_t a = 0; a < 2; a++) {
		struct hash_ctx *hc = ctx_for(both_algs[a]);
		hash_t *d = make_leaves(hc, BIG), root, want, r1, path[MERKLE_MAX_PATH];
		struct merkle_mem mem = { hc, (const unsigned char(*)[HASH_LEN])d, BIG };
		static const uint64_t idx[] = { 0, 1, 65535, 65536, 99998, 99999 };
		static const uint64_t firsts[] = { 1, 2, 3, 65535, 65536, 65537, 99999, BIG };
		size_t len;

		ref_mth(hc, d, BIG, want);
		assert_int_equal(merkle_root(hc, mem.leaves, BIG, root, &e), 0);
		assert_memory_equal(root, want, HASH_LEN);
		for (size_t i = 0; i < sizeof(idx) / sizeof(idx[0]); i++) {
			assert_int_equal(merkle_inclusion_proof(merkle_mem_subtree, &mem, idx[i],
								BIG, path, &len, &e),
					 0);
			{
				char shape[MERKLE_MAX_PATH];
				size_t want_len = 0;

				ref_shape(idx[i], BIG, shape, &want_len);
				assert_int_equal(len, want_len);
			}
			assert_int_equal(merkle_verify_inclusion(
						 hc, d[idx[i]], idx[i], BIG,
						 (const unsigned char(*)[HASH_LEN])path, len, root, &e),
					 0);
		}
		for (size_t i = 0; i < sizeof(firsts) / sizeof(firsts[0]); i++) {
			assert_int_equal(merkle_consistency_proof(merkle_mem_subtree, &mem, firsts[i],
								  BIG, path, &len, &e),
					 0);
			assert_int_equal(merkle_root(hc, mem.leaves, firsts[i], r1, &e), 0);
			assert_int_equal(merkle_verify_consistency(
						 hc, firsts[i], BIG, r1, root,
						 (const unsigned char(*)[HASH_LEN])path, len, &e),
					 0);
		}
		free(d);
		hash_ctx_free(hc);
	}
}

#define TIMED 1000000

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Not a timed assertion: prints the rate, which bench/ tracks. */
static void test_root_rate(void **state)
{
	struct err e = ERR_INIT;
	hash_t *d = xmalloc(TIMED * sizeof(hash_t));
	uint64_t x = 0x9e3779b97f4a7c15u;

	(void)state;
	for (size_t i = 0; i < TIMED; i++) {
		for (int j = 0; j < HASH_LEN; j += 8) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			memcpy(d[i] + j, &x, 8);
		}
	}
	for (size_t a = 0; a < 2; a++) {
		struct hash_ctx *hc = ctx_for(both_algs[a]);
		hash_t root;
		double t0, t;

		t0 = now();
		assert_int_equal(merkle_root(hc, (const unsigned char(*)[HASH_LEN])d, TIMED, root,
					     &e),
				 0);
		t = now() - t0;
		print_message("# merkle_root %s: %d leaves in %.3f s = %.2f M leaves/s\n",
			      hash_alg_name(both_algs[a]), TIMED, t, TIMED / t / 1e6);
		hash_ctx_free(hc);
	}
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_names),
		cmocka_unit_test(test_hash_vectors),
		cmocka_unit_test(test_hash_streaming),
		cmocka_unit_test(test_hash_errors),
		cmocka_unit_test(test_hash_hex),
		cmocka_unit_test(test_ct_roots),
		cmocka_unit_test(test_ct_inclusion),
		cmocka_unit_test(test_ct_consistency),
		cmocka_unit_test(test_rfc_examples),
		cmocka_unit_test(test_cross_check_sha256),
		cmocka_unit_test(test_cross_check_sm3),
		cmocka_unit_test(test_tamper_inclusion),
		cmocka_unit_test(test_tamper_consistency),
		cmocka_unit_test(test_arguments),
		cmocka_unit_test(test_huge_sizes),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_big_tree),
		cmocka_unit_test(test_root_rate),
	};
	return cmocka_run_group_tests_name("merkle", tests, NULL, NULL);
}
