/* federation.h - instances talking to each other: peers, signed envelopes, inbox, durable outbox.
 *
 * An instance's federation identity is its receipt-log key (DIR/keys/log.key,
 * SM2 or Ed25519; base/sign.h): the same key signs its tree heads and its
 * envelopes (with different prefixes, so one can never pass for the other),
 * so a receipt's leaf can be checked against that peer's signed tree heads.
 * A key travels as text, "sm2:" or "ed25519:" followed by the base64url
 * (no padding) of its DER SubjectPublicKeyInfo; its key id is the lowercase
 * hex SHA-256 of that DER, and is what envelopes put in "from" and "to".
 *
 * Receiving (POST /api/v1/federation/inbox): an envelope is accepted only
 * from an active peer, addressed to us, with a valid signature, not expired
 * and of a type this role takes.  Acceptance appends a receipt-log leaf
 * (channel federation) and stores the envelope in the same transaction,
 * then answers a signed envelope of type "receipt".  The same envelope
 * again answers the same stored receipt (no second leaf); the same id with
 * other content is a replay.  Refusals are stored in federation_refusals
 * with their code (docs/internals/federation.md lists them).
 *
 * Sending: federation_send() signs the envelope and queues it in the
 * outbox with a receipt-log leaf (channel outbound), in one transaction; the
 * delivery workers POST it to the peer until a valid signed receipt comes
 * back (stored on the envelope as proof of delivery), with exponential
 * backoff between attempts.  Delivery is at least once; the receiver's
 * idempotence makes the effect exactly once.
 */
#ifndef VF_FEDERATION_H
#define VF_FEDERATION_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "formats/envelope.h"

struct instance;
struct intake;
struct db;
struct federation;

#define FED_KEY_TEXT_MAX 512

/* ---- keys and peers (no running service needed: the CLI) ---- */

/* This instance's public key as text and its key id (from DIR/keys/log.key). */
int federation_local_key(const char *dir, char key_text[FED_KEY_TEXT_MAX],
			 char key_id[ENVELOPE_KEYID_LEN], struct err *e);
/* Check a key text; its key id (and algorithm name) to the out-params. */
int federation_key_parse(const char *key_text, char key_id[ENVELOPE_KEYID_LEN],
			 const char **alg, struct err *e);

struct fed_peer_input {
	const char *url;               /* http(s)://host[:port], the peer's base URL */
	const char *role;              /* provider | operator | platform | hub | database */
	const char *key;               /* key text */
	const char *jurisdiction;      /* ISO 3166-1 alpha-2, upper case */
	const char *name;              /* optional label */
};

/* Add a peer (a removed one with that key comes back with the new fields);
 * ERR_CONFLICT "peer_exists" if the key is an active peer's, ERR_INVALID
 * naming the bad field.  *out: the peer as JSON. */
int federation_peer_add(struct instance *in, const struct fed_peer_input *p, json_t **out,
			struct err *e);
/* Remove by key id (or its first 8+ hex digits) or numeric id; ERR_NOT_FOUND. */
int federation_peer_remove(struct instance *in, const char *which, json_t **out, struct err *e);
int federation_peer_list(struct instance *in, int all, json_t **out, struct err *e);

/* The outbox and inbox counts, the last refusals and (with the outbox
 * list) each envelope's state: `vulnflow federation status`, also without
 * a running server. */
int federation_status(struct instance *in, int limit, json_t **out, struct err *e);

/* ---- the running service (vulnflow serve) ---- */

struct fed_options {
	unsigned workers;              /* delivery threads (0: 16) */
	int64_t timeout_ms;            /* one attempt (0: 10 s) */
	int64_t backoff_min_ms;        /* first retry delay (0: 500 ms) */
	int64_t backoff_max_ms;        /* cap (0: 5 min) */
	unsigned max_attempts;         /* then failed (0: 30) */
};

/* Load our key, start the delivery workers (none when opts->workers is
 * (unsigned)-1: an instance that only receives, or a CLI process). */
int federation_start(struct federation **out, struct instance *in, struct intake *it,
		     const struct fed_options *opts, struct err *e);
void federation_stop(struct federation *f);
const char *federation_key_id(const struct federation *f);
/* The instance and the intake service it was started with (the flow modules). */
struct instance *federation_instance(const struct federation *f);
struct intake *federation_intake(const struct federation *f);

/* Sign body as an envelope of type to the peer with key id peer (or the
 * only active peer of role peer_role when peer is NULL) and queue it;
 * returns after the durable commit with its id.  expires_at 0: none.
 * case_id/version tie it to a case (0: none).  The workers are woken. */
int federation_send(struct federation *f, const char *peer, const char *peer_role,
		    const char *type, json_t *body, int64_t expires_at, int64_t case_id,
		    int case_version, char id[ENVELOPE_ID_MAX + 1], struct err *e);

/* Provider -> hub: the authority report (Art. 7(2)).  content is the frozen
 * submission content exactly as stored and hashed (case_report.c: the JSON
 * text of json_dumps(content, JSON_COMPACT | JSON_SORT_KEYS)); learned_at
 * in microseconds (0: unknown).  Sent to the one active peer of role hub;
 * ERR_INVALID "no_hub_peer" if there is none or several. */
int federation_send_authority_report(struct federation *f, const char *content, size_t len,
				     int64_t case_id, int version, int64_t learned_at,
				     char id[ENVELOPE_ID_MAX + 1], struct err *e);

/* Call fn from a delivery worker's thread each time an envelope sent with
 * a case_id (an authority report) has been delivered and its receipt
 * stored: the case's side can then record the submission as met, with the
 * hub's signed receipt (its wire form) and the time it came back.  fn runs
 * outside the intake writer's thread, so it may open transactions and call
 * intake services.  If the process dies between the receipt's commit and
 * fn, fn is not called again for it: on start, compare the delivered
 * envelopes of cases (federation_outbox_list(f, "delivered", ...)) with
 * the submissions recorded. */
typedef void fed_delivered_fn(void *arg, const char *envelope_id, int64_t case_id,
			      int case_version, const char *receipt, int64_t delivered_at);
void federation_on_delivered(struct federation *f, fed_delivered_fn *fn, void *arg);

/* The delivery state of one sent envelope: {"id","state","attempts",
 * "last_error","delivered_at","receipt",...}; ERR_NOT_FOUND. */
int federation_outbox_get(struct federation *f, const char *id, json_t **out, struct err *e);
/* Wait up to timeout_ms for a sent envelope to leave the queued state;
 * *state is then "delivered", "failed" or still "queued". */
int federation_wait(struct federation *f, const char *id, int64_t timeout_ms, char state[16],
		    struct err *e);
/* Sent envelopes, newest first (state NULL: all). */
int federation_outbox_list(struct federation *f, const char *state, int64_t after_id, int limit,
			   json_t **out, struct err *e);
/* Hub: the authority reports received, newest first. */
int federation_hub_reports(struct federation *f, int64_t after_id, int limit, json_t **out,
			   struct err *e);

/* Check a receipt (wire form text) for our envelope envelope_id of type
 * type and hash envelope_sha256 sent to peer peer_key_id (fed_receipt.h:
 * from the peer, to us, naming the envelope, its leaf, the inclusion proof,
 * the peer's log id and its signature of the tree head, which is verified
 * once per tree head); 0 and the peer's leaf index, or -1 (ERR_INVALID,
 * or ERR_NOT_FOUND if the peer is not an active peer) with why. */
int federation_receipt_check(struct federation *f, const char *peer_key_id,
			     const char *envelope_id, const char *type,
			     const char *envelope_sha256, const char *text, size_t len,
			     int64_t *remote_leaf, struct err *e);

/* The inbox.  The answer is HTTP-shaped: status and the body text
 * (the receipt's wire form) on success, or -1 with e (its name is the
 * wire code) after the refusal is stored.  client is the sender's address.
 * federation_inbox() runs synchronously (the durable commit included). */
struct fed_inbox_answer {
	int status;                    /* 201 accepted now, 200 the same envelope again */
	char *text;                    /* the receipt's wire form (caller frees) */
	size_t len;
	uint64_t leaf_index;
	void *pending;                 /* federation_inbox_async(): until _finish() */
};
int federation_inbox(struct federation *f, const char *client, const char *body, size_t len,
		     struct fed_inbox_answer *out, struct err *e);
/* The same without waiting for the commit: 0 answered at once (*out set:
 * the same envelope again), -1 refused at once (e set; the refusal is
 * stored), 1 queued: done(arg, rc, e) is then called from the intake
 * writer's thread after the commit (a replay found only in the
 * transaction is refused there and then, rc -1).  After done with rc 0,
 * call federation_inbox_finish() from another thread (not the writer's):
 * it signs the receipt (outside the single writer, so receipts are signed
 * in parallel) and stores it on the inbox row, batched and not waited
 * for; a receipt lost in a crash is signed again for the next copy of the
 * envelope (the same content; an SM2 signature's bytes differ).
 * federation_inbox_answer_release() frees an answer in any state. */
typedef void fed_inbox_done_fn(void *arg, int rc, const struct err *e);
int federation_inbox_async(struct federation *f, const char *client, const char *body,
			   size_t len, struct fed_inbox_answer *out, fed_inbox_done_fn *done,
			   void *arg, struct err *e);
int federation_inbox_finish(struct federation *f, struct fed_inbox_answer *out, struct err *e);
void federation_inbox_answer_release(struct fed_inbox_answer *out);

#endif
