/* store_federation.h - SQL for federation: peers, the outbox, the inbox, refusals, hub reports.
 *
 * Every write runs in the caller's transaction (or autocommit on a bare
 * connection).  Rows handed to callbacks point into the statement and are
 * valid during the call only.  Times are microseconds since the epoch, UTC;
 * 0 stands for NULL in optional integer columns.
 */
#ifndef VF_STORE_FEDERATION_H
#define VF_STORE_FEDERATION_H

#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

/* ---- peers ---- */

struct fed_peer_row {
	int64_t id;
	char key_id[65];
	char public_key[512];          /* "sm2:..." or "ed25519:..." (federation.h) */
	char url[512];
	char role[16];
	char jurisdiction[8];
	char name[128];                /* "" if none */
	int64_t created_at;
	int64_t updated_at;
	int64_t removed_at;            /* 0: active */
};

/* Add a peer (*id its id); ERR_CONFLICT if key_id is known (active or removed). */
int store_fed_peer_add(struct db_conn *c, const struct fed_peer_row *p, int64_t *id,
		       struct err *e);
/* Replace the fields of peer p->id and make it active again. */
int store_fed_peer_update(struct db_conn *c, const struct fed_peer_row *p, struct err *e);
/* By key id or by id (removed ones too); ERR_NOT_FOUND if none. */
int store_fed_peer_by_key(struct db_conn *c, const char *key_id, struct fed_peer_row *out,
			  struct err *e);
int store_fed_peer_get(struct db_conn *c, int64_t id, struct fed_peer_row *out, struct err *e);
/* Mark removed; *changed 0 if it was not an active peer. */
int store_fed_peer_remove(struct db_conn *c, int64_t id, int64_t now, int *changed,
			  struct err *e);
/* Peers by id; removed ones only with all. */
int store_fed_peer_list(struct db_conn *c, int all,
			int (*fn)(void *arg, const struct fed_peer_row *p, struct err *e),
			void *arg, struct err *e);

/* ---- outbox ---- */

struct fed_out_row {
	int64_t id;
	const char *envelope_id;
	int64_t peer_id;
	const char *type;
	const unsigned char *envelope; /* sealed wire form */
	size_t envelope_len;
	const char *envelope_sha256;
	int64_t created_at;
	int64_t leaf_index;
	const char *state;             /* queued | delivered | failed */
	int64_t attempts;
	int64_t next_attempt_at;
	int64_t last_attempt_at;
	const char *last_error;        /* NULL if none */
	int64_t delivered_at;
	const char *receipt;           /* the peer's signed receipt (wire form), NULL until delivered */
	int64_t remote_leaf_index;     /* -1 until delivered */
	int64_t case_id;               /* 0 if not a case's */
	int64_t case_version;
	/* joined from the peer */
	const char *peer_key_id;
	const char *peer_url;
	const char *peer_role;
};

typedef int store_fed_out_fn(void *arg, const struct fed_out_row *r, struct err *e);

int store_fed_out_add(struct db_conn *c, const struct fed_out_row *r, int64_t *id,
		      struct err *e);
/* Queued envelopes due at now whose id % nslots is slot (one delivery
 * worker's share), oldest first, at most limit. */
int store_fed_out_due(struct db_conn *c, int64_t now, int64_t nslots, int64_t slot, int limit,
		      store_fed_out_fn *fn, void *arg, struct err *e);
/* The earliest next_attempt_at of a queued envelope (*found 0 if none). */
int store_fed_out_next_due(struct db_conn *c, int64_t *when, int *found, struct err *e);
/* After a failed attempt: state queued (retry at next_at) or failed. */
int store_fed_out_attempt(struct db_conn *c, int64_t id, const char *state, int64_t attempts,
			  int64_t at, int64_t next_at, const char *error, struct err *e);
/* After a receipt: delivered. */
int store_fed_out_delivered(struct db_conn *c, int64_t id, int64_t attempts, int64_t at,
			    const char *receipt, int64_t remote_leaf_index, struct err *e);
/* Back to queued now (an operator's retry of a failed one); *changed 0 if not failed. */
int store_fed_out_requeue(struct db_conn *c, const char *envelope_id, int64_t now, int *changed,
			  struct err *e);
/* Newest first; state NULL for all; after_id 0 for the first page. */
int store_fed_out_list(struct db_conn *c, const char *state, int64_t after_id, int limit,
		       store_fed_out_fn *fn, void *arg, struct err *e);
/* One by envelope id; ERR_NOT_FOUND if none. */
int store_fed_out_get(struct db_conn *c, const char *envelope_id, store_fed_out_fn *fn,
		      void *arg, struct err *e);
/* How many envelopes are in each state. */
int store_fed_out_counts(struct db_conn *c, int64_t *queued, int64_t *delivered, int64_t *failed,
			 struct err *e);

/* ---- inbox ---- */

struct fed_in_row {
	int64_t id;
	int64_t peer_id;
	const char *envelope_id;
	const char *type;
	const unsigned char *envelope; /* sealed wire form */
	size_t envelope_len;
	const char *envelope_sha256;
	const char *payload;           /* the leaf's payload JSON */
	int64_t received_at;
	int64_t leaf_index;
	const char *leaf_hash;         /* hex */
};

typedef int store_fed_in_fn(void *arg, const struct fed_in_row *r, struct err *e);

int store_fed_in_add(struct db_conn *c, const struct fed_in_row *r, int64_t *id, struct err *e);
/* The envelope id from that peer, if received: fn called once, else ERR_NOT_FOUND. */
int store_fed_in_get(struct db_conn *c, int64_t peer_id, const char *envelope_id,
		     store_fed_in_fn *fn, void *arg, struct err *e);
int store_fed_in_count(struct db_conn *c, int64_t *n, struct err *e);

/* ---- refusals ---- */

struct fed_refusal_row {
	int64_t id;
	int64_t received_at;
	const char *client;
	const char *claimed_from;      /* NULL if the body did not say */
	const char *envelope_id;       /* NULL if the body did not say */
	const char *code;
	const char *message;
	const char *body_sha256;
	int64_t body_size;
};

int store_fed_refusal_add(struct db_conn *c, const struct fed_refusal_row *r, struct err *e);
/* Newest first, at most limit. */
int store_fed_refusal_list(struct db_conn *c, int limit,
			   int (*fn)(void *arg, const struct fed_refusal_row *r, struct err *e),
			   void *arg, struct err *e);
int store_fed_refusal_count(struct db_conn *c, int64_t *n, struct err *e);

/* ---- hub: authority reports received ---- */

struct hub_report_row {
	int64_t id;
	int64_t inbox_id;
	int64_t provider_peer_id;
	const char *case_ref;
	int64_t version;
	const char *content_sha256;
	int64_t learned_at;            /* 0 if the report did not say */
	int64_t received_at;
	/* joined */
	const char *envelope_id;
	const char *provider_key_id;
	const char *provider_name;
	const char *provider_url;
	const char *provider_jurisdiction;
	int64_t leaf_index;
};

int store_hub_report_add(struct db_conn *c, const struct hub_report_row *r, int64_t *id,
			 struct err *e);
/* Newest first; provider_peer_id 0 for all; after_id 0 for the first page. */
int store_hub_report_list(struct db_conn *c, int64_t provider_peer_id, int64_t after_id,
			  int limit,
			  int (*fn)(void *arg, const struct hub_report_row *r, struct err *e),
			  void *arg, struct err *e);

#endif
