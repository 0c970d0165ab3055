/* crypto.h - every cryptographic primitive vulnflow uses, behind one header.
 *
 * Only crypto.c includes libsodium (and, in later modules, OpenSSL).  Secrets
 * that travel as text (session tokens, API tokens, CSRF tokens) are random
 * bytes in base64url without padding; the database stores only their SHA-256,
 * in hex.
 */
#ifndef VF_CRYPTO_H
#define VF_CRYPTO_H

#include <stddef.h>

#include "base/err.h"

#define CRYPTO_HASH_HEX_LEN 65      /* 64 hex digits + NUL */
#define CRYPTO_PWHASH_LEN 128       /* libsodium's crypto_pwhash_STRBYTES */
#define CRYPTO_TOKEN_LEN 64         /* room for a 32-byte token in base64url + prefix */

/* Call once at start-up; -1 if the library cannot initialise. */
int crypto_init(struct err *e);
void crypto_random(void *out, size_t n);
/* A random secret: prefix followed by 32 random bytes in base64url. */
void crypto_token(const char *prefix, char out[CRYPTO_TOKEN_LEN]);
/* SHA-256 of s as 64 lowercase hex digits. */
void crypto_sha256_hex(const void *p, size_t n, char out[CRYPTO_HASH_HEX_LEN]);
/* SHA-256 of p[0..n) into out. */
void crypto_sha256(const void *p, size_t n, unsigned char out[32]);
/* HMAC-SHA-256 of msg under key into out. */
void crypto_hmac_sha256(const void *key, size_t key_len, const void *msg, size_t n,
			unsigned char out[32]);
/* Decode standard base64 (RFC 4648 section 4, padding required, no line
 * breaks or blanks except "\r\n" and "\n" which are ignored) into a new
 * buffer (caller frees); -1 if b64 is not base64. */
int crypto_base64_decode(const char *b64, size_t len, unsigned char **out, size_t *out_len);
/* Constant-time comparison of two strings of the same length (0 if equal). */
int crypto_streq(const char *a, const char *b);
/* Argon2id (libsodium's interactive limits) in the PHC string format. */
int crypto_password_hash(const char *password, char out[CRYPTO_PWHASH_LEN], struct err *e);
/* 0 when password matches hash, -1 otherwise. */
int crypto_password_verify(const char *hash, const char *password);
/* A random password people can type: 20 characters of an unambiguous alphabet. */
void crypto_password_generate(char out[24]);
/* Write a new Ed25519 key pair: secret key (mode 0600) and public key, raw bytes. */
int crypto_sign_keygen(const char *secret_path, const char *public_path, struct err *e);
/* Write n random bytes to a new file (mode 0600). */
int crypto_write_random_key(const char *path, size_t n, struct err *e);

#define CRYPTO_SHA512_HEX_LEN 129   /* 128 hex digits + NUL */
/* SHA-512 of p[0..n) as 128 lowercase hex digits (CSAF .sha512 files). */
void crypto_sha512_hex(const void *p, size_t n, char out[CRYPTO_SHA512_HEX_LEN]);

#endif
