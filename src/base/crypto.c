/* crypto.c - the only file that calls libsodium and OpenSSL: random, hashing, passwords,
 * keys, and the SM3/SHA-256 digests of hash.h. */
#include "base/crypto.h"
#include "base/hash.h"
#include "base/seal.h"
#include "base/sign.h"

#include <errno.h>
#include <fcntl.h>
#include <gcrypt.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"

static int gcrypt_ok;
static pthread_once_t gcrypt_once = PTHREAD_ONCE_INIT;

/* libgcrypt (SM4-GCM, AES-256-GCM) must be initialised once before use;
 * we use no secure memory (the keys are in ordinary files anyway). */
static void gcrypt_setup(void)
{
	if (gcry_check_version(GCRYPT_VERSION) == NULL)
		return;
	gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	gcrypt_ok = 1;
}

int crypto_init(struct err *e)
{
	if (sodium_init() < 0)
		return err_set(e, ERR_INTERNAL, "libsodium failed to initialise");
	pthread_once(&gcrypt_once, gcrypt_setup);
	if (!gcrypt_ok)
		return err_set(e, ERR_INTERNAL, "libgcrypt failed to initialise");
	return 0;
}

void crypto_random(void *out, size_t n)
{
	randombytes_buf(out, n);
}

void crypto_token(const char *prefix, char out[CRYPTO_TOKEN_LEN])
{
	unsigned char raw[32];
	size_t plen = strlen(prefix);

	randombytes_buf(raw, sizeof(raw));
	memcpy(out, prefix, plen);
	sodium_bin2base64(out + plen, CRYPTO_TOKEN_LEN - plen, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void crypto_sha256_hex(const void *p, size_t n, char out[CRYPTO_HASH_HEX_LEN])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, p, n);
	sodium_bin2hex(out, CRYPTO_HASH_HEX_LEN, h, sizeof(h));
}

void crypto_sha256(const void *p, size_t n, unsigned char out[32])
{
	crypto_hash_sha256(out, p, n);
}

void crypto_hmac_sha256(const void *key, size_t key_len, const void *msg, size_t n,
			unsigned char out[32])
{
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, key, key_len);
	crypto_auth_hmacsha256_update(&st, msg, n);
	crypto_auth_hmacsha256_final(&st, out);
}

int crypto_base64_decode(const char *b64, size_t len, unsigned char **out, size_t *out_len)
{
	unsigned char *buf = xmalloc(len / 4 * 3 + 3);
	size_t n = 0;
	const char *end = NULL;

	*out = NULL;
	*out_len = 0;
	if (sodium_base642bin(buf, len / 4 * 3 + 3, b64, len, "\r\n", &n, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    end != b64 + len) {
		free(buf);
		return -1;
	}
	*out = buf;
	*out_len = n;
	return 0;
}

int crypto_streq(const char *a, const char *b)
{
	size_t n = strlen(a);

	if (n != strlen(b))
		return -1;
	return sodium_memcmp(a, b, n) == 0 ? 0 : -1;
}

int crypto_password_hash(const char *password, char out[CRYPTO_PWHASH_LEN], struct err *e)
{
	if (crypto_pwhash_str_alg(out, password, strlen(password),
				  crypto_pwhash_OPSLIMIT_INTERACTIVE,
				  crypto_pwhash_MEMLIMIT_INTERACTIVE,
				  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return err_set(e, ERR_INTERNAL, "password hashing ran out of memory");
	return 0;
}

int crypto_password_verify(const char *hash, const char *password)
{
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 ? 0 : -1;
}

void crypto_password_generate(char out[24])
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

	for (int i = 0; i < 20; i++)
		out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	out[20] = '\0';
}

static int write_file(const char *path, const void *p, size_t n, int mode, struct err *e)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

	if (fd < 0)
		return err_set(e, ERR_INTERNAL, "cannot create \"%s\": %s", path, strerror(errno));
	if (write(fd, p, n) != (ssize_t)n || fsync(fd) != 0) {
		close(fd);
		return err_set(e, ERR_INTERNAL, "cannot write \"%s\": %s", path, strerror(errno));
	}
	close(fd);
	return 0;
}

int crypto_sign_keygen(const char *secret_path, const char *public_path, struct err *e)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	int rc;

	crypto_sign_keypair(pk, sk);
	rc = write_file(secret_path, sk, sizeof(sk), 0600, e);
	if (rc == 0)
		rc = write_file(public_path, pk, sizeof(pk), 0644, e);
	sodium_memzero(sk, sizeof(sk));
	return rc;
}

int crypto_write_random_key(const char *path, size_t n, struct err *e)
{
	unsigned char key[64];
	int rc;

	if (n > sizeof(key))
		return err_set(e, ERR_INTERNAL, "key size %zu too large", n);
	randombytes_buf(key, n);
	rc = write_file(path, key, n, 0600, e);
	sodium_memzero(key, sizeof(key));
	return rc;
}

/* ---- SM3 and SHA-256 (hash.h), over OpenSSL 3 EVP ---- */

struct hash_ctx {
	enum hash_alg alg;
	const EVP_MD *md;      /* the process-wide fetched method; not owned */
	EVP_MD_CTX *mdctx;     /* owned; re-initialised by every hash_begin() */
	int open;              /* a digest is in progress */
	int failed;            /* OpenSSL failed since hash_begin() */
};

static const char *const alg_names[] = {
	[HASH_SM3] = "sm3",
	[HASH_SHA256] = "sha256",
};

/* OpenSSL's names for the same algorithms. */
static const char *const evp_names[] = {
	[HASH_SM3] = "SM3",
	[HASH_SHA256] = "SHA2-256",
};

#define NALGS (sizeof(alg_names) / sizeof(alg_names[0]))

/* Fetched once, on first use, and kept for the life of the process.  A
 * NULL entry means this OpenSSL does not provide the algorithm. */
static EVP_MD *fetched[NALGS];
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;

static void fetch_all(void)
{
	for (size_t i = 0; i < NALGS; i++)
		fetched[i] = EVP_MD_fetch(NULL, evp_names[i], NULL);
}

int hash_alg_from_name(const char *name, enum hash_alg *out)
{
	if (name == NULL)
		return -1;
	for (size_t i = 0; i < NALGS; i++) {
		if (strcmp(name, alg_names[i]) == 0) {
			*out = (enum hash_alg)i;
			return 0;
		}
	}
	return -1;
}

const char *hash_alg_name(enum hash_alg alg)
{
	if ((unsigned)alg >= NALGS)
		return "unknown";
	return alg_names[alg];
}

int hash_ctx_new(struct hash_ctx **out, enum hash_alg alg, struct err *e)
{
	struct hash_ctx *c;

	*out = NULL;
	if ((unsigned)alg >= NALGS)
		return err_set(e, ERR_INTERNAL, "hash algorithm %d is unknown", (int)alg);
	pthread_once(&fetch_once, fetch_all);
	if (fetched[alg] == NULL || EVP_MD_get_size(fetched[alg]) != HASH_LEN)
		return err_set(e, ERR_INTERNAL, "hash \"%s\" is not available from OpenSSL",
			       alg_names[alg]);
	c = xcalloc(1, sizeof(*c));
	c->alg = alg;
	c->md = fetched[alg];
	c->mdctx = EVP_MD_CTX_new();
	if (c->mdctx == NULL) {
		free(c);
		return err_set(e, ERR_INTERNAL, "hash \"%s\": cannot create a context",
			       alg_names[alg]);
	}
	*out = c;
	return 0;
}

void hash_ctx_free(struct hash_ctx *c)
{
	if (c == NULL)
		return;
	EVP_MD_CTX_free(c->mdctx);
	free(c);
}

enum hash_alg hash_ctx_alg(const struct hash_ctx *c)
{
	return c->alg;
}

void hash_begin(struct hash_ctx *c)
{
	c->open = 1;
	/* Same EVP_MD and EVP_MD_CTX every time; see hash.h on what OpenSSL
	 * 3.0 allocates inside. */
	c->failed = EVP_DigestInit_ex2(c->mdctx, c->md, NULL) != 1;
}

void hash_update(struct hash_ctx *c, const void *p, size_t n)
{
	if (!c->open) {
		c->failed = 1;
		return;
	}
	if (n == 0 || c->failed)
		return;
	if (EVP_DigestUpdate(c->mdctx, p, n) != 1)
		c->failed = 1;
}

int hash_finish(struct hash_ctx *c, unsigned char out[HASH_LEN], struct err *e)
{
	unsigned int len = 0;
	int was_open = c->open;

	c->open = 0;
	if (!was_open)
		return err_set(e, ERR_INTERNAL, "hash \"%s\": finish without begin",
			       alg_names[c->alg]);
	if (c->failed || EVP_DigestFinal_ex(c->mdctx, out, &len) != 1 || len != HASH_LEN)
		return err_set(e, ERR_INTERNAL, "hash \"%s\" failed in OpenSSL",
			       alg_names[c->alg]);
	return 0;
}

int hash_digest(struct hash_ctx *c, const void *p, size_t n, unsigned char out[HASH_LEN],
		struct err *e)
{
	hash_begin(c);
	hash_update(c, p, n);
	return hash_finish(c, out, e);
}

void hex_encode(const void *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

void hex_add_json(struct buf *b, const void *p, size_t n)
{
	const unsigned char *s = p;
	char hex[2 * 64 + 1];

	buf_add(b, "\"", 1);
	for (size_t i = 0; i < n; i += 64) {
		size_t k = n - i < 64 ? n - i : 64;

		hex_encode(s + i, k, hex);
		buf_add(b, hex, 2 * k);
	}
	buf_add(b, "\"", 1);
}

void hash_hex(const unsigned char h[HASH_LEN], char out[HASH_HEX_LEN])
{
	hex_encode(h, HASH_LEN, out);
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int hex_decode(const char *hex, unsigned char *out, size_t cap, size_t *len)
{
	size_t i;

	for (i = 0; hex[2 * i] != '\0'; i++) {
		int hi, lo;

		/* hexval('\0') is -1, so an odd length stops here */
		if (i == cap || (hi = hexval(hex[2 * i])) < 0 || (lo = hexval(hex[2 * i + 1])) < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	*len = i;
	return 0;
}

int hash_from_hex(const char *hex, unsigned char out[HASH_LEN])
{
	size_t n;

	return hex_decode(hex, out, HASH_LEN, &n) == 0 && n == HASH_LEN ? 0 : -1;
}

/* ---- signatures (sign.h): SM2 and Ed25519 over OpenSSL 3 ---- */

/* OpenSSL reads, writes and generates the keys, and makes the SM2
 * signatures; Ed25519 signatures are made and checked by libsodium from the
 * raw key bytes (RFC 8032, the same signatures: on the 2-CPU development
 * machine 15 us per signature and 39 us per verification, against 36 and
 * 86 us through OpenSSL 3.0's EVP; bench/README.md "federation").
 * libsodium's verification is the stricter of the two (it also refuses
 * non-canonical encodings and small-order points, which no honest signer
 * makes). */
struct sign_key {
	enum sign_alg alg;
	EVP_PKEY *pkey;
	unsigned char ed_pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char ed_sk[crypto_sign_SECRETKEYBYTES];
	int ed_has_sk;
};

static const char sm2_id[] = "1234567812345678";

int sign_alg_from_name(const char *name, enum sign_alg *out)
{
	if (name && strcmp(name, "sm2") == 0)
		*out = SIGN_SM2;
	else if (name && strcmp(name, "ed25519") == 0)
		*out = SIGN_ED25519;
	else
		return -1;
	return 0;
}

const char *sign_alg_name(enum sign_alg alg)
{
	return alg == SIGN_SM2 ? "sm2" : alg == SIGN_ED25519 ? "ed25519" : "unknown";
}

static int key_alg(EVP_PKEY *pkey, enum sign_alg *out)
{
	if (EVP_PKEY_is_a(pkey, "SM2"))
		*out = SIGN_SM2;
	else if (EVP_PKEY_is_a(pkey, "ED25519"))
		*out = SIGN_ED25519;
	else
		return -1;
	return 0;
}

static int write_pem(const char *path, EVP_PKEY *pkey, int private, struct err *e)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, private ? 0600 : 0644);
	FILE *f;
	int ok;

	if (fd < 0)
		return err_set(e, ERR_INTERNAL, "cannot create \"%s\": %s", path, strerror(errno));
	f = fdopen(fd, "w");
	if (f == NULL) {
		close(fd);
		return err_set(e, ERR_INTERNAL, "cannot open \"%s\": %s", path, strerror(errno));
	}
	ok = private ? PEM_write_PrivateKey(f, pkey, NULL, NULL, 0, NULL, NULL)
		     : PEM_write_PUBKEY(f, pkey);
	ok = ok && fflush(f) == 0 && fsync(fileno(f)) == 0;
	if (fclose(f) != 0)
		ok = 0;
	if (!ok)
		return err_set(e, ERR_INTERNAL, "cannot write \"%s\"", path);
	return 0;
}

int sign_key_generate(const char *private_path, const char *public_path, enum sign_alg alg,
		      struct err *e)
{
	EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, alg == SIGN_SM2 ? "SM2" : "ED25519");
	int rc;

	if (pkey == NULL)
		return err_set(e, ERR_INTERNAL, "cannot generate a \"%s\" key", sign_alg_name(alg));
	rc = write_pem(private_path, pkey, 1, e);
	if (rc == 0)
		rc = write_pem(public_path, pkey, 0, e);
	EVP_PKEY_free(pkey);
	return rc;
}

static int wrap_key(struct sign_key **out, EVP_PKEY *pkey, const char *what, struct err *e)
{
	struct sign_key *k;
	enum sign_alg alg;

	if (pkey == NULL)
		return err_set(e, ERR_INVALID, "\"%s\" is not a key OpenSSL can read", what);
	if (key_alg(pkey, &alg) < 0) {
		EVP_PKEY_free(pkey);
		return err_set(e, ERR_INVALID, "\"%s\" is neither an SM2 nor an Ed25519 key", what);
	}
	k = xcalloc(1, sizeof(*k));
	k->alg = alg;
	k->pkey = pkey;
	if (alg == SIGN_ED25519) {
		unsigned char seed[crypto_sign_SEEDBYTES];
		size_t n = sizeof(k->ed_pk);

		if (EVP_PKEY_get_raw_public_key(pkey, k->ed_pk, &n) != 1 || n != sizeof(k->ed_pk)) {
			sign_key_free(k);
			return err_set(e, ERR_INVALID, "\"%s\": cannot read the Ed25519 public key",
				       what);
		}
		n = sizeof(seed);
		if (EVP_PKEY_get_raw_private_key(pkey, seed, &n) == 1 && n == sizeof(seed)) {
			unsigned char pk[crypto_sign_PUBLICKEYBYTES];

			crypto_sign_seed_keypair(pk, k->ed_sk, seed);
			k->ed_has_sk = 1;
			sodium_memzero(seed, sizeof(seed));
		}
	}
	*out = k;
	return 0;
}

int sign_key_load_private(struct sign_key **out, const char *path, struct err *e)
{
	FILE *f = fopen(path, "re");
	EVP_PKEY *pkey;

	*out = NULL;
	if (f == NULL)
		return err_set(e, ERR_INTERNAL, "cannot open \"%s\": %s", path, strerror(errno));
	pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	return wrap_key(out, pkey, path, e);
}

int sign_key_from_public_der(struct sign_key **out, const void *der, size_t len, struct err *e)
{
	const unsigned char *p = der;

	*out = NULL;
	if (len > 4096)
		return err_set(e, ERR_INVALID, "public key too long");
	return wrap_key(out, d2i_PUBKEY(NULL, &p, (long)len), "public key", e);
}

void sign_key_free(struct sign_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	sodium_memzero(k->ed_sk, sizeof(k->ed_sk));
	free(k);
}

enum sign_alg sign_key_alg(const struct sign_key *k)
{
	return k->alg;
}

int sign_key_public_der(const struct sign_key *k, unsigned char **der, size_t *len,
			struct err *e)
{
	unsigned char *buf = NULL;
	int n = i2d_PUBKEY(k->pkey, &buf);

	*der = NULL;
	*len = 0;
	if (n <= 0)
		return err_set(e, ERR_INTERNAL, "cannot encode the public key");
	*der = xmalloc((size_t)n);
	memcpy(*der, buf, (size_t)n);
	OPENSSL_free(buf);
	*len = (size_t)n;
	return 0;
}

int sign_key_public_pem(const struct sign_key *k, char **pem, struct err *e)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	int ok;

	*pem = NULL;
	if (f == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	ok = PEM_write_PUBKEY(f, k->pkey);
	fclose(f);
	if (!ok) {
		free(buf);
		return err_set(e, ERR_INTERNAL, "cannot encode the public key");
	}
	*pem = buf;
	return 0;
}

/* A digest-sign/verify context for an SM2 key: SM3 and the default ID. */
static EVP_MD_CTX *sign_ctx(struct sign_key *k, int verify)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int ok;

	if (md == NULL)
		return NULL;
	pctx = EVP_PKEY_CTX_new(k->pkey, NULL);
	ok = pctx != NULL && EVP_PKEY_CTX_set1_id(pctx, sm2_id, sizeof(sm2_id) - 1) > 0;
	if (ok) {
		EVP_MD_CTX_set_pkey_ctx(md, pctx);
		ok = verify ? EVP_DigestVerifyInit(md, NULL, EVP_sm3(), NULL, k->pkey)
			    : EVP_DigestSignInit(md, NULL, EVP_sm3(), NULL, k->pkey);
	}
	if (ok <= 0) {
		EVP_MD_CTX_free(md);
		EVP_PKEY_CTX_free(pctx);
		return NULL;
	}
	return md;
}

/* EVP_MD_CTX_set_pkey_ctx() does not hand the PKEY_CTX over: free both. */
static void sign_ctx_free(EVP_MD_CTX *md)
{
	EVP_PKEY_CTX *pctx = EVP_MD_CTX_get_pkey_ctx(md);

	EVP_MD_CTX_free(md);
	EVP_PKEY_CTX_free(pctx);
}

int sign_message(struct sign_key *k, const void *msg, size_t len,
		 unsigned char sig[SIGN_MAX_LEN], size_t *sig_len, struct err *e)
{
	EVP_MD_CTX *md;
	size_t n = SIGN_MAX_LEN;
	int ok;

	*sig_len = 0;
	if (k->alg == SIGN_ED25519) {
		if (!k->ed_has_sk)
			return err_set(e, ERR_INTERNAL, "an Ed25519 public key cannot sign");
		crypto_sign_detached(sig, NULL, msg, len, k->ed_sk);
		*sig_len = crypto_sign_BYTES;
		return 0;
	}
	md = sign_ctx(k, 0);
	if (md == NULL)
		return err_set(e, ERR_INTERNAL, "cannot start a %s signature", sign_alg_name(k->alg));
	ok = EVP_DigestSign(md, sig, &n, msg, len) > 0;
	sign_ctx_free(md);
	if (!ok)
		return err_set(e, ERR_INTERNAL, "%s signing failed", sign_alg_name(k->alg));
	*sig_len = n;
	return 0;
}

int sign_verify(struct sign_key *k, const void *msg, size_t len, const unsigned char *sig,
		size_t sig_len, struct err *e)
{
	EVP_MD_CTX *md;
	int ok;

	if (k->alg == SIGN_ED25519) {
		if (sig_len != crypto_sign_BYTES ||
		    crypto_sign_verify_detached(sig, msg, len, k->ed_pk) != 0)
			return err_set(e, ERR_INVALID, "bad ed25519 signature");
		return 0;
	}
	md = sign_ctx(k, 1);
	if (md == NULL)
		return err_set(e, ERR_INTERNAL, "cannot start a %s verification",
			       sign_alg_name(k->alg));
	ok = EVP_DigestVerify(md, sig, sig_len, msg, len) == 1;
	sign_ctx_free(md);
	if (!ok)
		return err_set(e, ERR_INVALID, "bad %s signature", sign_alg_name(k->alg));
	return 0;
}

/* ---- encryption at rest (seal.h): SM4-GCM and AES-256-GCM over libgcrypt ---- */

int seal_alg_from_name(const char *name, enum seal_alg *out)
{
	if (name && strcmp(name, "sm4-gcm") == 0)
		*out = SEAL_SM4_GCM;
	else if (name && strcmp(name, "aes-256-gcm") == 0)
		*out = SEAL_AES256_GCM;
	else
		return -1;
	return 0;
}

const char *seal_alg_name(enum seal_alg alg)
{
	return alg == SEAL_SM4_GCM ? "sm4-gcm" : alg == SEAL_AES256_GCM ? "aes-256-gcm" : "unknown";
}

static int gcm_open(gcry_cipher_hd_t *h, int alg, const unsigned char key[SEAL_KEY_LEN],
		    const unsigned char nonce[12], const void *aad, size_t aad_len)
{
	int cipher = alg == SEAL_SM4_GCM ? GCRY_CIPHER_SM4 : GCRY_CIPHER_AES256;
	size_t keylen = alg == SEAL_SM4_GCM ? 16 : 32;

	pthread_once(&gcrypt_once, gcrypt_setup);
	if (!gcrypt_ok || gcry_cipher_open(h, cipher, GCRY_CIPHER_MODE_GCM, 0) != 0)
		return -1;
	if (gcry_cipher_setkey(*h, key, keylen) != 0 || gcry_cipher_setiv(*h, nonce, 12) != 0 ||
	    (aad_len && gcry_cipher_authenticate(*h, aad, aad_len) != 0)) {
		gcry_cipher_close(*h);
		return -1;
	}
	return 0;
}

int seal(enum seal_alg alg, const unsigned char key[SEAL_KEY_LEN], const void *aad,
	 size_t aad_len, const void *pt, size_t len, unsigned char *out, struct err *e)
{
	gcry_cipher_hd_t h;
	int ok;

	if (alg != SEAL_SM4_GCM && alg != SEAL_AES256_GCM)
		return err_set(e, ERR_INTERNAL, "unknown cipher %d", (int)alg);
	out[0] = (unsigned char)alg;
	randombytes_buf(out + 1, 12);
	if (gcm_open(&h, alg, key, out + 1, aad, aad_len) < 0)
		return err_set(e, ERR_INTERNAL, "cannot start %s", seal_alg_name(alg));
	gcry_cipher_final(h);
	ok = gcry_cipher_encrypt(h, out + 13, len, pt, len) == 0 &&
	     gcry_cipher_gettag(h, out + 13 + len, 16) == 0;
	gcry_cipher_close(h);
	if (!ok)
		return err_set(e, ERR_INTERNAL, "%s encryption failed", seal_alg_name(alg));
	return 0;
}

int unseal(const unsigned char key[SEAL_KEY_LEN], const void *aad, size_t aad_len,
	   const unsigned char *in, size_t len, unsigned char *out, struct err *e)
{
	gcry_cipher_hd_t h;
	size_t n;
	int ok;

	if (len < SEAL_OVERHEAD)
		return err_set(e, ERR_INVALID, "sealed value too short");
	if (in[0] != SEAL_SM4_GCM && in[0] != SEAL_AES256_GCM)
		return err_set(e, ERR_INVALID, "sealed value names unknown cipher %d", in[0]);
	n = len - SEAL_OVERHEAD;
	if (gcm_open(&h, in[0], key, in + 1, aad, aad_len) < 0)
		return err_set(e, ERR_INTERNAL, "cannot start %s", seal_alg_name(in[0]));
	gcry_cipher_final(h);
	ok = gcry_cipher_decrypt(h, out, n, in + 13, n) == 0 &&
	     gcry_cipher_checktag(h, in + 13 + n, 16) == 0;
	gcry_cipher_close(h);
	if (!ok) {
		sodium_memzero(out, n);
		return err_set(e, ERR_INVALID, "sealed value does not open (altered, or another key)");
	}
	return 0;
}

void crypto_sha512_hex(const void *p, size_t n, char out[CRYPTO_SHA512_HEX_LEN])
{
	unsigned char h[crypto_hash_sha512_BYTES];

	crypto_hash_sha512(h, p, n);
	sodium_bin2hex(out, CRYPTO_SHA512_HEX_LEN, h, sizeof(h));
}
