/* sign.h - the receipt log's signatures: SM2 (the default) or Ed25519 (keys and SM2
 * through OpenSSL 3, Ed25519 signatures through libsodium; crypto.c says why).
 *
 * A key lives in two PEM files written by sign_key_generate(): the private
 * key (PKCS#8, mode 0600) and the public key (SubjectPublicKeyInfo).  The
 * public key's DER form identifies the log (tlog.c hashes it into log_id).
 *
 * SM2 signatures follow GB/T 32918.2 with SM3 and the default
 * distinguishing identifier "1234567812345678" (GM/T 0009), DER-encoded
 * (at most 72 bytes); Ed25519 signatures are RFC 8032's 64 bytes.  With
 * the openssl tool a third party verifies one like this:
 *
 *	openssl pkeyutl -verify -pubin -inkey log.pub -rawin -in msg -sigfile sig \
 *		-digest sm3 -pkeyopt distid:1234567812345678        (SM2)
 *	openssl pkeyutl -verify -pubin -inkey log.pub -rawin -in msg -sigfile sig   (Ed25519)
 *
 * A struct sign_key is safe to use from one thread at a time.
 * crypto.c implements this header.
 */
#ifndef VF_SIGN_H
#define VF_SIGN_H

#include <stddef.h>

#include "base/err.h"

#define SIGN_MAX_LEN 128       /* room for any signature this module makes */

enum sign_alg {
	SIGN_SM2 = 0,
	SIGN_ED25519 = 1,
};

#define SIGN_ALG_DEFAULT SIGN_SM2

struct sign_key;

/* "sm2" or "ed25519" to *out; -1 for anything else. */
int sign_alg_from_name(const char *name, enum sign_alg *out);
const char *sign_alg_name(enum sign_alg alg);

/* Create a key pair and write it to private_path (0600, must not exist) and public_path. */
int sign_key_generate(const char *private_path, const char *public_path, enum sign_alg alg,
		      struct err *e);
/* Load a private key (for signing and verifying). */
int sign_key_load_private(struct sign_key **out, const char *path, struct err *e);
/* A public key from its DER SubjectPublicKeyInfo (for verifying). */
int sign_key_from_public_der(struct sign_key **out, const void *der, size_t len,
			     struct err *e);
void sign_key_free(struct sign_key *k);
enum sign_alg sign_key_alg(const struct sign_key *k);
/* The public key as DER SubjectPublicKeyInfo; *der is the caller's to free. */
int sign_key_public_der(const struct sign_key *k, unsigned char **der, size_t *len,
			struct err *e);
/* The public key as PEM text (caller frees). */
int sign_key_public_pem(const struct sign_key *k, char **pem, struct err *e);

/* Sign msg; sig must hold SIGN_MAX_LEN bytes. */
int sign_message(struct sign_key *k, const void *msg, size_t len,
		 unsigned char sig[SIGN_MAX_LEN], size_t *sig_len, struct err *e);
/* 0 if sig is k's signature of msg; -1 with ERR_INVALID if not. */
int sign_verify(struct sign_key *k, const void *msg, size_t len, const unsigned char *sig,
		size_t sig_len, struct err *e);

#endif
