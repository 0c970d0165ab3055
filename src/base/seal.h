/* seal.h - encryption at rest: SM4-GCM (the default) or AES-256-GCM.
 *
 * A sealed value is self-describing, so the cipher can change without
 * re-encrypting what is stored:
 *
 *	byte 0        cipher id: 1 = SM4-GCM, 2 = AES-256-GCM
 *	bytes 1-12    random 96-bit nonce
 *	then          ciphertext (as long as the plaintext)
 *	last 16       the GCM tag
 *
 * The key is the instance's 32-byte storage key (DIR/keys/storage.key);
 * SM4 (a 128-bit cipher) uses its first 16 bytes.  aad (associated data,
 * authenticated but not stored) binds a sealed value to its place, so a
 * value copied into another row does not open there.
 *
 * OpenSSL 3.0 (Debian 12) has no SM4-GCM, so both ciphers come from
 * libgcrypt, whose GCM mode works over SM4; crypto.c implements this header.
 */
#ifndef VF_SEAL_H
#define VF_SEAL_H

#include <stddef.h>

#include "base/err.h"

#define SEAL_KEY_LEN 32
#define SEAL_OVERHEAD (1 + 12 + 16)

enum seal_alg {
	SEAL_SM4_GCM = 1,
	SEAL_AES256_GCM = 2,
};

#define SEAL_ALG_DEFAULT SEAL_SM4_GCM

/* "sm4-gcm" or "aes-256-gcm" to *out; -1 for anything else. */
int seal_alg_from_name(const char *name, enum seal_alg *out);
const char *seal_alg_name(enum seal_alg alg);

/* Encrypt pt[0..len) into out[0..len + SEAL_OVERHEAD). */
int seal(enum seal_alg alg, const unsigned char key[SEAL_KEY_LEN], const void *aad,
	 size_t aad_len, const void *pt, size_t len, unsigned char *out, struct err *e);
/* Decrypt a sealed value of len bytes into out[0..len - SEAL_OVERHEAD); -1
 * with ERR_INVALID if it was altered, is too short, or names an unknown cipher. */
int unseal(const unsigned char key[SEAL_KEY_LEN], const void *aad, size_t aad_len,
	   const unsigned char *in, size_t len, unsigned char *out, struct err *e);

#endif
