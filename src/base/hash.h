/* hash.h - the 32-byte hash of the receipt log: SM3 (the default) or SHA-256.
 *
 * Both algorithms come from OpenSSL 3 through EVP.  Each EVP_MD is fetched
 * once per process (EVP_MD_fetch, on first use, thread-safe) and kept; a
 * struct hash_ctx owns one EVP_MD_CTX that is re-initialised for every
 * digest, so no fetch and no context is created per hash.  (OpenSSL 3.0
 * itself still frees and re-creates its small provider digest state in each
 * EVP_DigestInit_ex2: one malloc/free pair per digest, about 15 ns of the
 * 100 ns a SHA-256 node hash takes; EVP has no way around it.)  A context is
 * not thread-safe: give each thread (or each long-lived user) its own.
 *
 *	struct hash_ctx *h;
 *	unsigned char d[HASH_LEN];
 *	if (hash_ctx_new(&h, HASH_SM3, &e) < 0) ... ;
 *	hash_digest(h, "abc", 3, d, &e);          one call, or streaming:
 *	hash_begin(h);
 *	hash_update(h, prefix, 1);
 *	hash_update(h, body, n);
 *	if (hash_finish(h, d, &e) < 0) ... ;
 *	hash_ctx_free(h);
 *
 * DESIGN.md keeps OpenSSL behind base/crypto.c, which implements this header.
 */
#ifndef VF_HASH_H
#define VF_HASH_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

#define HASH_LEN 32            /* both algorithms give 32 bytes */
#define HASH_HEX_LEN 65        /* 64 lowercase hex digits + NUL */

enum hash_alg {
	HASH_SM3 = 0,          /* GB/T 32905-2016; the default */
	HASH_SHA256 = 1,       /* FIPS 180-4 */
};

#define HASH_ALG_DEFAULT HASH_SM3

/* "sm3" or "sha256" (exactly, lowercase) to *out; -1 for anything else. */
int hash_alg_from_name(const char *name, enum hash_alg *out);
/* "sm3", "sha256", or "unknown" for a value outside the enum. */
const char *hash_alg_name(enum hash_alg alg);

struct hash_ctx;

/* A context for alg; -1 (ERR_INTERNAL) if OpenSSL does not provide it. */
int hash_ctx_new(struct hash_ctx **out, enum hash_alg alg, struct err *e);
void hash_ctx_free(struct hash_ctx *c);
enum hash_alg hash_ctx_alg(const struct hash_ctx *c);

/* Start a digest, abandoning any digest in progress on c. */
void hash_begin(struct hash_ctx *c);
/* Feed n bytes (p may be NULL when n is 0).  A failure is remembered and
 * reported by hash_finish(). */
void hash_update(struct hash_ctx *c, const void *p, size_t n);
/* Write the digest of everything fed since hash_begin() to out; -1
 * (ERR_INTERNAL) if OpenSSL failed on the way or no digest was begun.
 * c is then ready for the next hash_begin(). */
int hash_finish(struct hash_ctx *c, unsigned char out[HASH_LEN], struct err *e);
/* out = H(p[0..n)): hash_begin, hash_update, hash_finish in one call. */
int hash_digest(struct hash_ctx *c, const void *p, size_t n, unsigned char out[HASH_LEN],
		struct err *e);

/* p[0..n) as 2n lowercase hex digits and a NUL into out (2n + 1 bytes). */
void hex_encode(const void *p, size_t n, char *out);
/* p[0..n) as a JSON string of lowercase hex digits ("0a1b...") appended to b. */
void hex_add_json(struct buf *b, const void *p, size_t n);
/* h as 64 lowercase hex digits. */
void hash_hex(const unsigned char h[HASH_LEN], char out[HASH_HEX_LEN]);
/* Exactly 64 hex digits (either case, NUL-terminated) to out; -1 (out
 * unspecified) for anything else. */
int hash_from_hex(const char *hex, unsigned char out[HASH_LEN]);
/* An even number of hex digits (either case, NUL-terminated, at most 2 * cap)
 * to out[0..*len); -1 (out unspecified) for anything else. */
int hex_decode(const char *hex, unsigned char *out, size_t cap, size_t *len);

#endif
