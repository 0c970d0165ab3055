/* fed_receipt.h - the proof of delivery of a federation envelope.
 *
 * The receiver of an envelope logs it as a leaf of its receipt log (channel
 * federation) and answers with a receipt that proves it from the log itself:
 * the leaf's entry, its inclusion proof, and the signed tree head (STH) of
 * the group-commit batch the leaf was committed in.  The receiver signs
 * nothing per envelope (it signs one tree head per batch, as for every
 * item it receives), and the sender verifies each tree head's signature once
 * however many of its envelopes the batch held.  The wire form (compact
 * JSON, members in this order; docs/internals/federation.md "The receipt"):
 *
 *	{"type":"receipt","v":2,"id":"r-<32 hex>","from":RECEIVER,"to":SENDER,
 *	 "body":{"envelope_id","envelope_type","envelope_sha256","status":"accepted",
 *	         "received_at","leaf_index","leaf_hash","log_id"},
 *	 "proof":{"entry":HEX,"audit_path":[HEX,...],
 *	          "sth":{"tree_size","timestamp","root_hash","hash_alg","sig_alg","signature"}}}
 *
 * "id" is "r-" and the first 32 hex digits of SHA-256(SENDER "/" ENVELOPE_ID):
 * one receipt per envelope, whatever copy of it was answered.
 *
 * A receipt is good for an envelope when (fed_receipt_check(), then the
 * caller's signature check):
 *	1. it is from the peer, to us, and names the envelope's id, type and hash;
 *	2. entry is a version-1 leaf of channel federation, disposition accepted,
 *	   received at body.received_at, whose payload hash is H(payload) of the
 *	   envelope's leaf payload (fed_receipt_payload(), rebuilt by the sender);
 *	3. leaf_hash = H(0x00 || entry), and audit_path proves it at leaf_index in
 *	   the tree of sth.tree_size with root sth.root_hash (RFC 9162);
 *	4. log_id is the hex H of the peer's public key (DER), and sth.signature
 *	   verifies over the tree-head text of tlog.h with that key.
 * H is the receiver's log hash (proof.sth.hash_alg: sm3 or sha256).
 */
#ifndef VF_FED_RECEIPT_H
#define VF_FED_RECEIPT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/hash.h"
#include "base/sign.h"
#include "formats/envelope.h"
#include "service/tlog.h"

#define FED_RECEIPT_ID_LEN 35      /* "r-" + 32 hex digits + NUL */
#define FED_RECEIPT_STH_MSG_MAX 256

struct fed_receipt {
	char id[FED_RECEIPT_ID_LEN];
	char from[ENVELOPE_KEYID_LEN];          /* the receiver's key id */
	char to[ENVELOPE_KEYID_LEN];            /* the envelope's sender */
	char envelope_id[ENVELOPE_ID_MAX + 1];
	char envelope_type[ENVELOPE_TYPE_MAX + 1];
	char envelope_sha256[HASH_HEX_LEN];
	int64_t received_at;                    /* microseconds, UTC */
	uint64_t leaf_index;
	unsigned char leaf_hash[HASH_LEN];
	char log_id[HASH_HEX_LEN];
	unsigned char entry[TLOG_ENTRY_LEN];
	unsigned char audit_path[MERKLE_MAX_PATH][HASH_LEN];
	size_t audit_path_len;
	enum hash_alg hash_alg;
	enum sign_alg sig_alg;
	struct tlog_sth_row sth;
};

/* The receipt id of envelope envelope_id from sender. */
void fed_receipt_id(const char *sender, const char *envelope_id, char out[FED_RECEIPT_ID_LEN]);

/* The leaf payload that logs a received envelope: compact JSON with sorted
 * members, {"channel":"federation","envelope_sha256","from","id",
 * "kind":"envelope","type","v":1}; the caller frees it. */
char *fed_receipt_payload(const char *from, const char *type, const char *id,
			  const char *envelope_sha256);

/* The wire form of r (see above) into a new string; the caller frees it. */
char *fed_receipt_text(const struct fed_receipt *r, size_t *len);

/* Parse a receipt's wire form into *out (its form only: lengths, hex, the
 * algorithms' names); -1 with ERR_INVALID and why. */
int fed_receipt_parse(struct fed_receipt *out, const char *text, size_t len, struct err *e);
/* The same from a parsed JSON value (a receipt inside a batch's answer). */
int fed_receipt_from_json(struct fed_receipt *out, const json_t *o, struct err *e);

/* Checks 2 and 3 above, with h a context for r->hash_alg and payload the
 * leaf payload the sender expects (fed_receipt_payload()); -1, ERR_INVALID,
 * on any mismatch. */
int fed_receipt_check(const struct fed_receipt *r, struct hash_ctx *h, const char *payload,
		      struct err *e);

/* The signed text of r's tree head (tlog.h) into buf; its length. */
size_t fed_receipt_sth_message(const struct fed_receipt *r, char buf[FED_RECEIPT_STH_MSG_MAX]);

#endif
