/* crypto.c - the only file that calls libsodium and OpenSSL: random, hashing, passwords,
 * keys, and the SM3/SHA-256 digests of hash.h. */
#include "base/crypto.h"
#include "base/hash.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"

int crypto_init(struct err *e)
{
	if (sodium_init() < 0)
		return err_set(e, ERR_INTERNAL, "libsodium failed to initialise");
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

void hash_hex(const unsigned char h[HASH_LEN], char out[HASH_HEX_LEN])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < HASH_LEN; i++) {
		out[2 * i] = digits[h[i] >> 4];
		out[2 * i + 1] = digits[h[i] & 15];
	}
	out[2 * HASH_LEN] = '\0';
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

int hash_from_hex(const char *hex, unsigned char out[HASH_LEN])
{
	for (int i = 0; i < HASH_LEN; i++) {
		int hi, lo;

		/* hexval('\0') is -1, so a short string stops here */
		if ((hi = hexval(hex[2 * i])) < 0 || (lo = hexval(hex[2 * i + 1])) < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return hex[2 * HASH_LEN] == '\0' ? 0 : -1;
}
