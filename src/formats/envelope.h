/* envelope.h - federation envelopes: signed JSON messages between vulnflow instances.
 *
 * An envelope on the wire is one JSON object with exactly these members
 * (docs/internals/federation.md has the byte-exact description):
 *
 *	"from"        the sender's key id: 64 lowercase hex digits, the SHA-256 of
 *	              the DER SubjectPublicKeyInfo of its signing key
 *	"to"          the recipient's key id, the same way
 *	"type"        1-64 of [a-z0-9_], e.g. "authority_report", "receipt"
 *	"id"          1-128 of [A-Za-z0-9._:-], unique per sender
 *	"created_at"  RFC 3339 UTC with a "Z": "2026-11-25T07:39:59.123456Z"
 *	"expires_at"  optional, the same form, after created_at
 *	"body"        a JSON object (numbers: any whose canonical form is not an
 *	              integer beyond +-2^53, e.g. 9.8, 1e+30, -5, but not 1e20)
 *	"signature"   base64url without padding of the signature bytes
 *
 * The signature covers the signing input: the 20 ASCII bytes
 * "vulnflow-envelope/1\n" followed by the RFC 8785 (JCS) canonical form of
 * the object without "signature".  The wire form this module writes is the
 * JCS form of the whole object (signature included), so one envelope has
 * one byte string, and its SHA-256 names it.
 *
 * This module is pure: it parses, canonicalises and builds; it does not
 * sign or verify (the caller does, with base/sign.h).  A struct envelope is
 * immutable once built, except for envelope_set_signature().
 */
#ifndef VF_ENVELOPE_H
#define VF_ENVELOPE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

#define ENVELOPE_KEYID_LEN 65      /* 64 hex digits + NUL */
#define ENVELOPE_TYPE_MAX 64
#define ENVELOPE_ID_MAX 128
#define ENVELOPE_SIG_MAX 128       /* signature bytes (SM2 DER <= 72, Ed25519 64) */
#define ENVELOPE_TEXT_MAX (4 << 20) /* the longest wire form accepted or written */
#define ENVELOPE_SIGNING_PREFIX "vulnflow-envelope/1\n"

struct envelope {
	char from[ENVELOPE_KEYID_LEN];
	char to[ENVELOPE_KEYID_LEN];
	char type[ENVELOPE_TYPE_MAX + 1];
	char id[ENVELOPE_ID_MAX + 1];
	int64_t created_at;            /* microseconds since the epoch, UTC */
	int64_t expires_at;            /* 0: no expiry */
	const json_t *body;            /* the body object (owned by obj) */
	json_t *obj;                   /* the whole object without "signature" (owned) */
	unsigned char signature[ENVELOPE_SIG_MAX];
	size_t signature_len;          /* 0 until signed */
};

/* Parse the wire form.  Errors (e->name is the wire code the inbox answers):
 *	ERR_MALFORMED "malformed_envelope"  not a JSON object (duplicate keys too)
 *	ERR_INVALID   "invalid_envelope"    a member missing, unknown, of the wrong
 *	                                    type or form (the message names it)
 *	ERR_TOO_LARGE "envelope_too_large"  len > ENVELOPE_TEXT_MAX
 * *out is NULL on error. */
int envelope_parse(struct envelope **out, const char *text, size_t len, struct err *e);

/* Build an unsigned envelope; body must be an object (a reference is taken,
 * the caller keeps its own).  Fields are checked as envelope_parse() does
 * (ERR_INVALID).  expires_at 0 leaves it out. */
int envelope_new(struct envelope **out, const char *from, const char *to, const char *type,
		 const char *id, int64_t created_at, int64_t expires_at, json_t *body,
		 struct err *e);
void envelope_free(struct envelope *env);

/* The signing input (prefix + JCS without the signature) appended to out. */
int envelope_signing_input(const struct envelope *env, struct buf *out, struct err *e);
/* Set the signature (len <= ENVELOPE_SIG_MAX). */
void envelope_set_signature(struct envelope *env, const unsigned char *sig, size_t len);
/* The wire form (JCS of the object with its signature) into a new
 * NUL-terminated string; ERR_INVALID if the envelope is not signed. */
int envelope_text(const struct envelope *env, char **out, size_t *len, struct err *e);

/* RFC 8785 canonical JSON of v appended to out: object members sorted by
 * their UTF-16 code units, no whitespace, strings with only the required
 * escapes, numbers as ECMAScript prints them.  ERR_INVALID for a number
 * that is (or prints as) an integer beyond +-2^53, since it would not read
 * back as the same value, and for a non-finite real; ERR_TOO_LARGE when out
 * is full. */
int jcs_append(struct buf *out, const json_t *v, struct err *e);

/* base64url without padding (RFC 4648 section 5).  encode writes
 * 4*ceil(n/3) bytes at most plus a NUL; decode returns -1 for anything
 * but the unpadded alphabet or when the result would pass max. */
void b64url_encode(const unsigned char *p, size_t n, char *out);
size_t b64url_encoded_len(size_t n);   /* without the NUL */
int b64url_decode(const char *s, size_t len, unsigned char *out, size_t max, size_t *out_len);

/* Key ids: 64 lowercase hex digits. */
int envelope_keyid_valid(const char *s);

/* A batch: a JSON array of 1..max objects (envelopes, not checked here),
 * whitespace allowed around its tokens.  Fills start[i], size[i] with the
 * byte range of each object in s, in order, and *n; 0 if s is such an
 * array, -1 if it is not (one envelope, or nothing well-formed), -2 if it
 * holds more than max. */
int envelope_split_batch(const char *s, size_t len, size_t max, size_t start[], size_t size[],
			 size_t *n);

#endif
