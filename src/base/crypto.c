/* crypto.c - the only file that calls libsodium: random, hashing, passwords, keys. */
#include "base/crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
