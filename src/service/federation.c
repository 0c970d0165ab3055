/* federation.c - peers, the inbox, the durable outbox and its delivery workers (see federation.h). */
#include "service/federation.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "base/hash.h"
#include "base/mem.h"
#include "base/sign.h"
#include "base/timefmt.h"
#include "service/fed_types.h"
#include "service/instance.h"
#include "service/fed_receipt.h"
#include "service/intake.h"
#include "service/tlog.h"
#include "store/gcommit.h"
#include "store/store_federation.h"

#define ANSWER_MAX (256 * 1024)
#define SKEW_US (300 * TIME_US_PER_S)     /* created_at may be this far in our future */
#define DUE_BATCH 32                      /* rows a worker takes at once; envelopes per POST */
#define FED_BATCH_BYTES (512 * 1024)      /* a POST of several envelopes stays under this */
#define KEY_COPIES 8                      /* copies of a key, to sign or verify in parallel */
#define PEER_KEYS_MAX 64                  /* peer keys kept parsed */
#define STH_SEEN_MAX 64                   /* peers' tree heads whose signature verified */

/* Copies of one key, each used by one thread at a time (a struct sign_key
 * is for one thread at a time); a thread takes the next copy in turn, so up
 * to KEY_COPIES threads sign or verify at once instead of queueing. */
struct key_copies {
	struct sign_key *k[KEY_COPIES];
	pthread_mutex_t mu[KEY_COPIES];
	atomic_uint next;
};

/* A peer's public key parsed once (by its key text, which names it: a cache
 * entry never goes stale; whether the peer is still trusted is read from the
 * database for every envelope). */
struct peer_key {
	char text[FED_KEY_TEXT_MAX];
	char id[ENVELOPE_KEYID_LEN];
	struct key_copies c;           /* k[i] parsed on first use */
};

struct federation {
	struct instance *in;
	struct intake *it;
	struct key_copies key;         /* our log key: signs envelopes */
	pthread_mutex_t pk_mu;         /* guards pkeys, npkeys */
	struct peer_key *pkeys[PEER_KEYS_MAX];
	size_t npkeys;
	/* tree heads in peers' receipts already verified: SHA-256 of (key id,
	 * signed text, signature), a ring; one check per batch of the peer,
	 * not per envelope */
	pthread_mutex_t sth_mu;
	unsigned char sth_seen[STH_SEEN_MAX][32];
	size_t nsth_seen, sth_next;
	char key_id[ENVELOPE_KEYID_LEN];
	struct fed_options o;
	pthread_t *threads;
	unsigned nthreads;
	pthread_mutex_t mu;
	pthread_cond_t *wake;          /* one per worker */
	uint64_t *kicks;               /* per worker, bumped by federation_send() */
	fed_delivered_fn *on_delivered;
	void *on_delivered_arg;
	int stopping;
};

/* ---- keys ---- */

static void key_id_of(const unsigned char *der, size_t len, char out[ENVELOPE_KEYID_LEN])
{
	crypto_sha256_hex(der, len, out);
}

/* A public key as text ("alg:base64url(DER)") and its id. */
static int key_text_of(const struct sign_key *k, char text[FED_KEY_TEXT_MAX],
		       char id[ENVELOPE_KEYID_LEN], struct err *e)
{
	unsigned char *der = NULL;
	size_t len;
	const char *alg = sign_alg_name(sign_key_alg(k));

	if (sign_key_public_der(k, &der, &len, e) < 0)
		return -1;
	if (strlen(alg) + 1 + b64url_encoded_len(len) + 1 > FED_KEY_TEXT_MAX) {
		free(der);
		return err_set(e, ERR_INTERNAL, "public key is too long");
	}
	snprintf(text, FED_KEY_TEXT_MAX, "%s:", alg);
	b64url_encode(der, len, text + strlen(text));
	key_id_of(der, len, id);
	free(der);
	return 0;
}

/* Parse key text into a verifying key (and its id). */
static int key_load(const char *text, struct sign_key **out, char id[ENVELOPE_KEYID_LEN],
		    struct err *e)
{
	unsigned char der[FED_KEY_TEXT_MAX];
	const char *colon = text ? strchr(text, ':') : NULL;
	char alg_name[16];
	enum sign_alg alg;
	size_t len;

	*out = NULL;
	if (colon == NULL || (size_t)(colon - text) >= sizeof(alg_name))
		return err_setn(e, ERR_INVALID, "invalid_key",
				"\"key\" must be \"sm2:...\" or \"ed25519:...\" (`vulnflow peer key`)");
	memcpy(alg_name, text, (size_t)(colon - text));
	alg_name[colon - text] = '\0';
	if (sign_alg_from_name(alg_name, &alg) < 0)
		return err_setn(e, ERR_INVALID, "invalid_key", "\"key\" algorithm \"%s\" is not sm2 or "
				"ed25519", alg_name);
	if (b64url_decode(colon + 1, strlen(colon + 1), der, sizeof(der), &len) < 0 || len == 0)
		return err_setn(e, ERR_INVALID, "invalid_key", "\"key\" is not base64url after \"%s:\"",
				alg_name);
	if (sign_key_from_public_der(out, der, len, e) < 0)
		return err_setn(e, ERR_INVALID, "invalid_key", "\"key\" is not a public key: %s",
				e->msg);
	if (sign_key_alg(*out) != alg) {
		sign_key_free(*out);
		*out = NULL;
		return err_setn(e, ERR_INVALID, "invalid_key", "\"key\" is not an %s key", alg_name);
	}
	key_id_of(der, len, id);
	return 0;
}

int federation_key_parse(const char *key_text, char key_id[ENVELOPE_KEYID_LEN],
			 const char **alg, struct err *e)
{
	struct sign_key *k;

	if (key_load(key_text, &k, key_id, e) < 0)
		return -1;
	if (alg != NULL)
		*alg = sign_alg_name(sign_key_alg(k));
	sign_key_free(k);
	return 0;
}

static int load_private(const char *dir, struct sign_key **out, struct err *e)
{
	char path[CONFIG_STR_LEN + 32];

	snprintf(path, sizeof(path), "%s/keys/log.key", dir);
	return sign_key_load_private(out, path, e);
}

int federation_local_key(const char *dir, char key_text[FED_KEY_TEXT_MAX],
			 char key_id[ENVELOPE_KEYID_LEN], struct err *e)
{
	struct sign_key *k;
	int rc;

	if (load_private(dir, &k, e) < 0)
		return -1;
	rc = key_text_of(k, key_text, key_id, e);
	sign_key_free(k);
	return rc;
}

/* ---- peers ---- */

static const char *const peer_roles[] = { "provider", "operator", "platform", "hub", "database",
					  NULL };

static json_t *time_json(int64_t us)
{
	char buf[TIMEFMT_LEN];

	if (us == 0)
		return json_null();
	time_format_utc(us, buf);
	return json_string(buf);
}

static json_t *peer_json(const struct fed_peer_row *p)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s?,s:o,s:o,s:o}", "id", (json_int_t)p->id,
			 "key_id", p->key_id, "key", p->public_key, "url", p->url, "role", p->role,
			 "jurisdiction", p->jurisdiction, "name", p->name[0] ? p->name : NULL,
			 "created_at", time_json(p->created_at), "updated_at",
			 time_json(p->updated_at), "removed_at", time_json(p->removed_at));
}

static int check_url(const char *url, struct err *e)
{
	const char *host;

	if (url == NULL)
		return err_set(e, ERR_INVALID, "\"url\" is required");
	if (strncmp(url, "http://", 7) == 0)
		host = url + 7;
	else if (strncmp(url, "https://", 8) == 0)
		host = url + 8;
	else
		return err_set(e, ERR_INVALID, "\"url\" must start with http:// or https://");
	if (strlen(url) > 500 || host[0] == '\0' || host[0] == '/')
		return err_set(e, ERR_INVALID, "\"url\" must be a base URL of at most 500 bytes");
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '?' || *p == '#')
			return err_set(e, ERR_INVALID, "\"url\" must not hold blanks, ? or #");
	return 0;
}

/* One write transaction on a pool connection: fn(c, arg). */
static int in_tx(struct db *db, int (*fn)(struct db_conn *c, void *arg, struct err *e),
		 void *arg, struct err *e)
{
	struct db_conn *c;
	int rc;

	if (db_acquire(db, &c, 5000, e) < 0)
		return -1;
	rc = db_begin(c, e);
	if (rc == 0)
		rc = fn(c, arg, e);
	if (rc == 0)
		rc = db_commit(c, e);
	else
		db_rollback(c);
	db_release(c);
	return rc;
}

struct peer_add_ctx {
	struct fed_peer_row row;
	json_t *out;
};

static int peer_add_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct peer_add_ctx *x = arg;
	struct fed_peer_row old;
	struct err e2 = ERR_INIT;

	if (store_fed_peer_by_key(c, x->row.key_id, &old, &e2) == 0) {
		if (old.removed_at == 0)
			return err_setn(e, ERR_CONFLICT, "peer_exists",
					"key \"%.16s...\" is already peer %lld (%s)", x->row.key_id,
					(long long)old.id, old.url);
		x->row.id = old.id;
		x->row.created_at = old.created_at;
		if (store_fed_peer_update(c, &x->row, e) < 0)
			return -1;
	} else if (e2.code != ERR_NOT_FOUND) {
		*e = e2;
		return -1;
	} else if (store_fed_peer_add(c, &x->row, &x->row.id, e) < 0) {
		return -1;
	}
	if (store_fed_peer_get(c, x->row.id, &old, e) < 0)
		return -1;
	x->out = peer_json(&old);
	return 0;
}

int federation_peer_add(struct instance *in, const struct fed_peer_input *p, json_t **out,
			struct err *e)
{
	struct peer_add_ctx x;
	char own_text[FED_KEY_TEXT_MAX], own_id[ENVELOPE_KEYID_LEN];
	size_t i;

	*out = NULL;
	memset(&x, 0, sizeof(x));
	if (check_url(p->url, e) < 0)
		return -1;
	for (i = 0; p->role && peer_roles[i] && strcmp(peer_roles[i], p->role); i++)
		;
	if (p->role == NULL || peer_roles[i] == NULL)
		return err_set(e, ERR_INVALID, "\"role\" must be provider, operator, platform, hub or "
			       "database");
	if (p->jurisdiction == NULL || strlen(p->jurisdiction) != 2 ||
	    p->jurisdiction[0] < 'A' || p->jurisdiction[0] > 'Z' || p->jurisdiction[1] < 'A' ||
	    p->jurisdiction[1] > 'Z')
		return err_set(e, ERR_INVALID, "\"jurisdiction\" must be two upper-case letters "
			       "(ISO 3166-1 alpha-2)");
	if (p->name != NULL && strlen(p->name) >= sizeof(x.row.name))
		return err_set(e, ERR_INVALID, "\"name\" is longer than %zu bytes",
			       sizeof(x.row.name) - 1);
	if (p->key == NULL || strlen(p->key) >= sizeof(x.row.public_key))
		return err_setn(e, ERR_INVALID, "invalid_key", "\"key\" is missing or too long");
	if (federation_key_parse(p->key, x.row.key_id, NULL, e) < 0)
		return -1;
	if (federation_local_key(in->cfg.dir, own_text, own_id, e) == 0 &&
	    strcmp(own_id, x.row.key_id) == 0)
		return err_set(e, ERR_INVALID, "\"key\" is this instance's own key");
	snprintf(x.row.public_key, sizeof(x.row.public_key), "%s", p->key);
	snprintf(x.row.url, sizeof(x.row.url), "%s", p->url);
	/* the base URL without a trailing slash: the inbox path is appended */
	while (strlen(x.row.url) > 8 && x.row.url[strlen(x.row.url) - 1] == '/')
		x.row.url[strlen(x.row.url) - 1] = '\0';
	snprintf(x.row.role, sizeof(x.row.role), "%s", p->role);
	snprintf(x.row.jurisdiction, sizeof(x.row.jurisdiction), "%s", p->jurisdiction);
	snprintf(x.row.name, sizeof(x.row.name), "%s", p->name ? p->name : "");
	x.row.created_at = x.row.updated_at = time_now_us();
	if (in_tx(in->db, peer_add_tx, &x, e) < 0) {
		json_decref(x.out);
		return -1;
	}
	*out = x.out;
	return 0;
}

struct peer_find {
	const char *which;
	struct fed_peer_row found;
	int matches;
};

static int peer_match(void *arg, const struct fed_peer_row *p, struct err *e)
{
	struct peer_find *x = arg;
	char id[32];

	(void)e;
	snprintf(id, sizeof(id), "%lld", (long long)p->id);
	if (strcmp(x->which, id) == 0 ||
	    (strlen(x->which) >= 8 && strncmp(p->key_id, x->which, strlen(x->which)) == 0)) {
		x->found = *p;
		x->matches++;
	}
	return 0;
}

struct peer_remove_ctx {
	struct peer_find f;
	json_t *out;
};

static int peer_remove_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct peer_remove_ctx *x = arg;
	int changed;

	if (store_fed_peer_list(c, 0, peer_match, &x->f, e) < 0)
		return -1;
	if (x->f.matches == 0)
		return err_setn(e, ERR_NOT_FOUND, "unknown_peer", "no active peer \"%s\"", x->f.which);
	if (x->f.matches > 1)
		return err_set(e, ERR_INVALID, "\"%s\" names %d peers; give more of the key id",
			       x->f.which, x->f.matches);
	if (store_fed_peer_remove(c, x->f.found.id, time_now_us(), &changed, e) < 0 ||
	    store_fed_peer_get(c, x->f.found.id, &x->f.found, e) < 0)
		return -1;
	x->out = peer_json(&x->f.found);
	return 0;
}

int federation_peer_remove(struct instance *in, const char *which, json_t **out, struct err *e)
{
	struct peer_remove_ctx x;

	*out = NULL;
	memset(&x, 0, sizeof(x));
	x.f.which = which;
	if (in_tx(in->db, peer_remove_tx, &x, e) < 0)
		return -1;
	*out = x.out;
	return 0;
}

static int peer_append(void *arg, const struct fed_peer_row *p, struct err *e)
{
	(void)e;
	json_array_append_new(arg, peer_json(p));
	return 0;
}

int federation_peer_list(struct instance *in, int all, json_t **out, struct err *e)
{
	struct db_conn *c;
	json_t *a = json_array();
	int rc;

	*out = NULL;
	if (db_acquire(in->db, &c, 5000, e) < 0) {
		json_decref(a);
		return -1;
	}
	rc = store_fed_peer_list(c, all, peer_append, a, e);
	db_release(c);
	if (rc < 0) {
		json_decref(a);
		return -1;
	}
	*out = a;
	return 0;
}

/* ---- the outbox as JSON ---- */

static json_t *out_json(const struct fed_out_row *r)
{
	json_t *o, *receipt = NULL;

	if (r->receipt != NULL) {
		json_error_t je;

		receipt = json_loads(r->receipt, 0, &je);
	}
	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:o,s:o,s:o,s:s?,s:o,s:I,s:s}", "id",
		      r->envelope_id, "type", r->type, "peer", r->peer_key_id, "peer_url", r->peer_url,
		      "state", r->state, "attempts", (json_int_t)r->attempts, "created_at",
		      time_json(r->created_at), "last_attempt_at", time_json(r->last_attempt_at),
		      "next_attempt_at",
		      strcmp(r->state, "queued") == 0 ? time_json(r->next_attempt_at) : json_null(),
		      "last_error", r->last_error, "delivered_at", time_json(r->delivered_at),
		      "leaf_index", (json_int_t)r->leaf_index, "envelope_sha256", r->envelope_sha256);
	json_object_set_new(o, "remote_leaf_index", r->remote_leaf_index >= 0
							    ? json_integer(r->remote_leaf_index)
							    : json_null());
	json_object_set_new(o, "receipt", receipt ? receipt : json_null());
	if (r->case_id) {
		json_object_set_new(o, "case_id", json_integer(r->case_id));
		json_object_set_new(o, "case_version", json_integer(r->case_version));
	}
	return o;
}

static int out_append(void *arg, const struct fed_out_row *r, struct err *e)
{
	(void)e;
	json_array_append_new(arg, out_json(r));
	return 0;
}

static int refusal_append(void *arg, const struct fed_refusal_row *r, struct err *e)
{
	(void)e;
	json_array_append_new(arg, json_pack("{s:o,s:s,s:s?,s:s?,s:s,s:s,s:s,s:I}", "received_at",
					     time_json(r->received_at), "client", r->client,
					     "claimed_from", r->claimed_from, "envelope_id",
					     r->envelope_id, "code", r->code, "message", r->message,
					     "body_sha256", r->body_sha256, "body_size",
					     (json_int_t)r->body_size));
	return 0;
}

int federation_status(struct instance *in, int limit, json_t **out, struct err *e)
{
	struct db_conn *c;
	int64_t q, d, f, nin, nref;
	json_t *outbox = json_array(), *refusals = json_array(), *peers = json_array();
	char text[FED_KEY_TEXT_MAX], id[ENVELOPE_KEYID_LEN];
	struct err ke = ERR_INIT;
	int rc;

	*out = NULL;
	if (db_acquire(in->db, &c, 5000, e) < 0)
		goto fail;
	rc = store_fed_out_counts(c, &q, &d, &f, e);
	if (rc == 0)
		rc = store_fed_in_count(c, &nin, e);
	if (rc == 0)
		rc = store_fed_refusal_count(c, &nref, e);
	if (rc == 0)
		rc = store_fed_out_list(c, NULL, 0, limit, out_append, outbox, e);
	if (rc == 0)
		rc = store_fed_refusal_list(c, limit, refusal_append, refusals, e);
	if (rc == 0)
		rc = store_fed_peer_list(c, 0, peer_append, peers, e);
	db_release(c);
	if (rc < 0)
		goto fail;
	if (federation_local_key(in->cfg.dir, text, id, &ke) < 0)
		text[0] = id[0] = '\0';
	*out = json_pack("{s:s,s:s?,s:s?,s:{s:I,s:I,s:I},s:{s:I,s:I},s:o,s:o,s:o}", "role",
			 in->cfg.role, "key_id", id[0] ? id : NULL, "key", text[0] ? text : NULL,
			 "outbox", "queued", (json_int_t)q, "delivered", (json_int_t)d, "failed",
			 (json_int_t)f, "inbox", "accepted", (json_int_t)nin, "refused",
			 (json_int_t)nref, "peers", peers, "envelopes", outbox, "refusals", refusals);
	return 0;
fail:
	json_decref(outbox);
	json_decref(refusals);
	json_decref(peers);
	return -1;
}

/* ---- signing ---- */

static int sign_envelope(struct federation *f, struct envelope *env, char **text, size_t *len,
			 char sha[CRYPTO_HASH_HEX_LEN], struct err *e)
{
	unsigned char sig[SIGN_MAX_LEN];
	size_t sig_len;
	struct buf b;
	int rc;

	buf_init(&b, ENVELOPE_TEXT_MAX + 64);
	rc = envelope_signing_input(env, &b, e);
	if (rc == 0) {
		unsigned i = atomic_fetch_add(&f->key.next, 1) % KEY_COPIES;

		pthread_mutex_lock(&f->key.mu[i]);
		rc = sign_message(f->key.k[i], b.data, b.len, sig, &sig_len, e);
		pthread_mutex_unlock(&f->key.mu[i]);
	}
	buf_release(&b);
	if (rc < 0)
		return -1;
	envelope_set_signature(env, sig, sig_len);
	if (envelope_text(env, text, len, e) < 0)
		return -1;
	crypto_sha256_hex(*text, *len, sha);
	return 0;
}

/* The parsed copies of a peer's key text to *out (NULL when the cache is
 * full); -1 if the text does not parse. */
static int peer_key_get(struct federation *f, const char *key_text, struct peer_key **out,
			struct err *e)
{
	struct peer_key *pk = NULL;

	pthread_mutex_lock(&f->pk_mu);
	for (size_t i = 0; i < f->npkeys && pk == NULL; i++)
		if (strcmp(f->pkeys[i]->text, key_text) == 0)
			pk = f->pkeys[i];
	if (pk == NULL && f->npkeys < PEER_KEYS_MAX) {
		struct sign_key *k;
		char id[ENVELOPE_KEYID_LEN];

		if (key_load(key_text, &k, id, e) < 0) {
			pthread_mutex_unlock(&f->pk_mu);
			return -1;
		}
		pk = xcalloc(1, sizeof(*pk));
		snprintf(pk->text, sizeof(pk->text), "%s", key_text);
		memcpy(pk->id, id, sizeof(id));
		pk->c.k[0] = k;
		for (int i = 0; i < KEY_COPIES; i++)
			pthread_mutex_init(&pk->c.mu[i], NULL);
		f->pkeys[f->npkeys++] = pk;
	}
	pthread_mutex_unlock(&f->pk_mu);
	*out = pk;
	return 0;
}

/* 0 if sig verifies over msg with the key of key_text, whose id must be
 * want_id; -1 otherwise (e says why when the key itself is bad). */
static int verify_by_key(struct federation *f, const char *key_text, const char *want_id,
			 const void *msg, size_t len, const unsigned char *sig, size_t sig_len,
			 struct err *e)
{
	struct peer_key *pk;
	struct sign_key *k = NULL;
	char id[ENVELOPE_KEYID_LEN];
	int rc = 0;

	if (peer_key_get(f, key_text, &pk, e) < 0)
		return -1;     /* the key text does not parse */
	if (pk != NULL) {
		unsigned i = atomic_fetch_add(&pk->c.next, 1) % KEY_COPIES;

		if (strcmp(pk->id, want_id) != 0)
			return -1;
		pthread_mutex_lock(&pk->c.mu[i]);
		if (pk->c.k[i] == NULL)
			rc = key_load(key_text, &pk->c.k[i], id, e);
		if (rc == 0)
			rc = sign_verify(pk->c.k[i], msg, len, sig, sig_len, e);
		pthread_mutex_unlock(&pk->c.mu[i]);
		return rc;
	}
	if (key_load(key_text, &k, id, e) < 0)
		return -1;
	rc = strcmp(id, want_id) == 0 ? sign_verify(k, msg, len, sig, sig_len, e) : -1;
	sign_key_free(k);
	return rc;
}

static int verify_envelope(struct federation *f, const struct envelope *env,
			   const char *key_text, struct err *e)
{
	struct buf b;
	int rc;

	buf_init(&b, ENVELOPE_TEXT_MAX + 64);
	rc = envelope_signing_input(env, &b, e);
	if (rc == 0 && verify_by_key(f, key_text, env->from, b.data, b.len, env->signature,
				     env->signature_len, e) < 0)
		rc = err_setn(e, ERR_UNAUTHENTICATED, "bad_signature",
			      "the signature of envelope \"%s\" does not verify with the key of "
			      "peer \"%.16s...\"", env->id, env->from);
	buf_release(&b);
	return rc;
}

static void new_id(const char *prefix, char out[ENVELOPE_ID_MAX + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[16];
	size_t k;

	crypto_random(r, sizeof(r));
	k = (size_t)snprintf(out, ENVELOPE_ID_MAX + 1, "%s-", prefix);
	for (size_t i = 0; i < sizeof(r) && k + 2 < ENVELOPE_ID_MAX; i++) {
		out[k++] = hex[r[i] >> 4];
		out[k++] = hex[r[i] & 15];
	}
	out[k] = '\0';
}

/* ---- sending ---- */

struct send_ctx {
	struct fed_out_row row;
	int64_t id;
};

static int send_after(struct db_conn *c, void *arg, const struct intake_receipt *r,
		      struct err *e)
{
	struct send_ctx *x = arg;

	x->row.leaf_index = (int64_t)r->leaf_index;
	return store_fed_out_add(c, &x->row, &x->id, e);
}

static const struct intake_leaf_ops send_ops = { NULL, send_after };

struct peer_pick {
	const char *role;
	struct fed_peer_row found;
	int matches;
};

static int peer_by_role(void *arg, const struct fed_peer_row *p, struct err *e)
{
	struct peer_pick *x = arg;

	(void)e;
	if (strcmp(p->role, x->role) == 0) {
		x->found = *p;
		x->matches++;
	}
	return 0;
}

static int find_peer(struct federation *f, const char *key_id, const char *role,
		     struct fed_peer_row *out, struct err *e)
{
	struct db_conn *c;
	struct peer_pick x = { role, { 0 }, 0 };
	int rc;

	if (db_acquire(f->in->db, &c, 5000, e) < 0)
		return -1;
	if (key_id != NULL)
		rc = store_fed_peer_by_key(c, key_id, out, e);
	else
		rc = store_fed_peer_list(c, 0, peer_by_role, &x, e);
	db_release(c);
	if (rc < 0)
		return -1;
	if (key_id != NULL) {
		if (out->removed_at != 0)
			return err_setn(e, ERR_NOT_FOUND, "unknown_peer", "peer \"%.16s...\" was removed",
					key_id);
		return 0;
	}
	if (x.matches != 1)
		return err_setn(e, ERR_INVALID, strcmp(role, "hub") == 0 ? "no_hub_peer" : "no_peer",
				"%s active peer of role %s (`vulnflow peer add --role %s`)",
				x.matches ? "more than one" : "no", role, role);
	*out = x.found;
	return 0;
}

/* Wake the worker whose share outbox row id is (the others would find nothing new). */
static void kick(struct federation *f, int64_t id)
{
	unsigned slot;

	if (f->nthreads == 0)
		return;
	slot = (unsigned)((uint64_t)id % f->o.workers);
	pthread_mutex_lock(&f->mu);
	f->kicks[slot]++;
	pthread_cond_signal(&f->wake[slot]);
	pthread_mutex_unlock(&f->mu);
}

int federation_send(struct federation *f, const char *peer, const char *peer_role,
		    const char *type, json_t *body, int64_t expires_at, int64_t case_id,
		    int case_version, char id[ENVELOPE_ID_MAX + 1], struct err *e)
{
	struct fed_peer_row p;
	struct envelope *env = NULL;
	struct send_ctx x;
	struct intake_receipt rc_out;
	char *text = NULL, *payload = NULL, sha[CRYPTO_HASH_HEX_LEN], aad[ENVELOPE_ID_MAX + 48];
	unsigned char *sealed = NULL;
	size_t len, sealed_len;
	int64_t now = time_now_us();
	json_t *pl;
	int rc = -1;

	id[0] = '\0';
	if (find_peer(f, peer, peer_role, &p, e) < 0)
		return -1;
	new_id("e", id);
	if (envelope_new(&env, f->key_id, p.key_id, type, id, now, expires_at, body, e) < 0 ||
	    sign_envelope(f, env, &text, &len, sha, e) < 0)
		goto out;
	snprintf(aad, sizeof(aad), "vulnflow-federation/out/%s", id);
	if (intake_seal_blob(f->it, aad, text, len, &sealed, &sealed_len, e) < 0)
		goto out;
	pl = json_pack("{s:i,s:s,s:s,s:s,s:s,s:s,s:s}", "v", 1, "channel", "outbound", "kind",
		       "envelope", "to", p.key_id, "type", type, "id", id, "envelope_sha256", sha);
	payload = json_dumps(pl, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(pl);
	memset(&x, 0, sizeof(x));
	x.row.envelope_id = id;
	x.row.peer_id = p.id;
	x.row.type = type;
	x.row.envelope = sealed;
	x.row.envelope_len = sealed_len;
	x.row.envelope_sha256 = sha;
	x.row.created_at = now;
	x.row.case_id = case_id;
	x.row.case_version = case_version;
	if (intake_log_with(f->it, INTAKE_OUTBOUND, payload, &send_ops, &x, &rc_out, e) < 0)
		goto out;
	kick(f, x.id);
	rc = 0;
out:
	if (rc < 0)
		id[0] = '\0';
	free(payload);
	free(sealed);
	free(text);
	envelope_free(env);
	return rc;
}

int federation_send_authority_report(struct federation *f, const char *content, size_t len,
				     int64_t case_id, int version, int64_t learned_at,
				     char id[ENVELOPE_ID_MAX + 1], struct err *e)
{
	char sha[CRYPTO_HASH_HEX_LEN], ref[32];
	json_t *body;
	int rc;

	id[0] = '\0';
	if (content == NULL || len == 0 || strlen(content) != len)
		return err_set(e, ERR_INVALID, "the authority report content is empty or not text");
	crypto_sha256_hex(content, len, sha);
	snprintf(ref, sizeof(ref), "%lld", (long long)case_id);
	body = json_pack("{s:s,s:i,s:s,s:s%,s:o}", "case_ref", ref, "version", version,
			 "content_sha256", sha, "content", content, len, "learned_at",
			 time_json(learned_at));
	if (body == NULL)
		return err_set(e, ERR_INVALID, "the authority report content is not UTF-8");
	rc = federation_send(f, NULL, "hub", "authority_report", body, 0, case_id, version, id, e);
	json_decref(body);
	return rc;
}

/* ---- delivery ---- */

struct answer {
	struct buf b;
};

static size_t write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct answer *a = arg;

	if (buf_add(&a->b, p, size * n) < 0)
		return 0;      /* too long: curl fails the transfer */
	return size * n;
}

/* The hex log id (the log hash of the DER key) of a peer's key text. */
static int key_log_id(const char *key_text, enum hash_alg alg, char out[HASH_HEX_LEN],
		      struct err *e)
{
	unsigned char der[FED_KEY_TEXT_MAX], h[HASH_LEN];
	const char *colon = strchr(key_text, ':');
	struct hash_ctx *hc;
	size_t len;
	int rc;

	if (colon == NULL || b64url_decode(colon + 1, strlen(colon + 1), der, sizeof(der), &len) < 0)
		return err_set(e, ERR_INTERNAL, "a peer's key text does not decode");
	if (hash_ctx_new(&hc, alg, e) < 0)
		return -1;
	rc = hash_digest(hc, der, len, h, e);
	hash_ctx_free(hc);
	if (rc == 0)
		hash_hex(h, out);
	return rc;
}

/* Check 4 of fed_receipt.h: the tree head is the peer's log's, signed by
 * the peer; verified once per tree head (the ring of those seen). */
static int check_sth(struct federation *f, const struct fed_peer_row *p,
		     const struct fed_receipt *rc, struct err *e)
{
	char msg[FED_RECEIPT_STH_MSG_MAX], log_id[HASH_HEX_LEN];
	size_t n = fed_receipt_sth_message(rc, msg);
	unsigned char seen[32];
	struct buf b;
	int found = 0;

	buf_init(&b, 1024);
	buf_adds(&b, p->key_id);
	buf_add(&b, msg, n);
	buf_add(&b, rc->sth.signature, rc->sth.signature_len);
	crypto_sha256(b.data, b.len, seen);
	buf_release(&b);
	pthread_mutex_lock(&f->sth_mu);
	for (size_t i = 0; i < f->nsth_seen && !found; i++)
		found = memcmp(f->sth_seen[i], seen, sizeof(seen)) == 0;
	pthread_mutex_unlock(&f->sth_mu);
	if (found)
		return 0;
	if (key_log_id(p->public_key, rc->hash_alg, log_id, e) < 0)
		return -1;
	if (strcmp(log_id, rc->log_id) != 0)
		return err_set(e, ERR_INVALID, "the receipt's log_id is not the peer's log");
	if (verify_by_key(f, p->public_key, p->key_id, msg, n, rc->sth.signature,
			  rc->sth.signature_len, e) < 0)
		return err_set(e, ERR_INVALID, "the receipt's tree head is not signed by the peer");
	pthread_mutex_lock(&f->sth_mu);
	memcpy(f->sth_seen[f->sth_next], seen, sizeof(seen));
	f->sth_next = (f->sth_next + 1) % STH_SEEN_MAX;
	if (f->nsth_seen < STH_SEEN_MAX)
		f->nsth_seen++;
	pthread_mutex_unlock(&f->sth_mu);
	return 0;
}

/* federation_receipt_check() of a parsed receipt rc. */
static int receipt_check(struct federation *f, const char *peer_key_id, const char *envelope_id,
			 const char *type, const char *envelope_sha256, const struct fed_receipt *rc,
			 int64_t *remote_leaf, struct err *e)
{
	struct fed_peer_row p;
	struct hash_ctx *hc = NULL;
	char want[FED_RECEIPT_ID_LEN], *payload = NULL;
	int ret = -1;

	fed_receipt_id(f->key_id, envelope_id, want);
	if (strcmp(rc->from, peer_key_id) != 0 || strcmp(rc->to, f->key_id) != 0 ||
	    strcmp(rc->id, want) != 0)
		return err_set(e, ERR_INVALID, "the answer is not a receipt from the peer to us");
	if (strcmp(rc->envelope_id, envelope_id) != 0 ||
	    strcmp(rc->envelope_sha256, envelope_sha256) != 0 || strcmp(rc->envelope_type, type) != 0)
		return err_set(e, ERR_INVALID, "the receipt does not name envelope \"%s\"",
			       envelope_id);
	payload = fed_receipt_payload(f->key_id, type, envelope_id, envelope_sha256);
	if (hash_ctx_new(&hc, rc->hash_alg, e) < 0 || fed_receipt_check(rc, hc, payload, e) < 0 ||
	    find_peer(f, peer_key_id, NULL, &p, e) < 0 || check_sth(f, &p, rc, e) < 0)
		goto out;
	*remote_leaf = (int64_t)rc->leaf_index;
	ret = 0;
out:
	hash_ctx_free(hc);
	free(payload);
	return ret;
}

int federation_receipt_check(struct federation *f, const char *peer_key_id,
			     const char *envelope_id, const char *type,
			     const char *envelope_sha256, const char *text, size_t len,
			     int64_t *remote_leaf, struct err *e)
{
	struct fed_receipt *rc = xcalloc(1, sizeof(*rc));
	int ret = -1;

	if (fed_receipt_parse(rc, text, len, e) == 0)
		ret = receipt_check(f, peer_key_id, envelope_id, type, envelope_sha256, rc,
				    remote_leaf, e);
	free(rc);
	return ret;
}

struct mark_ctx {
	int64_t id;
	const char *state;
	int64_t attempts, at, next_at, remote_leaf;
	const char *error;
	const char *receipt;
};

static int mark_job(struct db_conn *c, void *arg, struct err *e)
{
	struct mark_ctx *m = arg;

	if (m->receipt != NULL)
		return store_fed_out_delivered(c, m->id, m->attempts, m->at, m->receipt,
					       m->remote_leaf, e);
	return store_fed_out_attempt(c, m->id, m->state, m->attempts, m->at, m->next_at, m->error,
				     e);
}

static int64_t backoff(const struct fed_options *o, int64_t attempts)
{
	int64_t ms = o->backoff_min_ms;
	unsigned char r;

	for (int64_t i = 1; i < attempts && ms < o->backoff_max_ms; i++)
		ms *= 2;
	if (ms > o->backoff_max_ms)
		ms = o->backoff_max_ms;
	crypto_random(&r, 1);
	/* +-12.5 % jitter, so retries of many envelopes spread out */
	ms += (ms / 8) * ((int64_t)r - 128) / 128;
	return ms * 1000;
}

/* A worker's outcomes being committed (not waited for one by one: the
 * worker waits for all of a batch's before it looks for due envelopes again,
 * so none is delivered twice for want of its mark). */
struct delivered_note {
	char id[ENVELOPE_ID_MAX + 1];
	int64_t case_id, case_version, at;
	char *receipt;
	int ok;                        /* its mark was committed */
};

struct marks {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int pending;
	struct delivered_note notes[DUE_BATCH];   /* a case's envelopes delivered in this batch */
	size_t nnotes;
};

struct mark_job_async {
	struct mark_ctx m;
	struct marks *mk;
	char *receipt, *error, *id;
	int note;                      /* index in mk->notes, or -1 */
};

static void mark_done(void *arg, int rc, const struct err *e)
{
	struct mark_job_async *j = arg;
	struct marks *mk = j->mk;

	if (rc < 0)
		fprintf(stderr, "vulnflow: federation: cannot record delivery of \"%s\": %s\n",
			j->id, e->msg);
	pthread_mutex_lock(&mk->mu);
	if (j->note >= 0)
		mk->notes[j->note].ok = rc == 0;
	free(j->receipt);
	free(j->error);
	free(j->id);
	free(j);
	mk->pending--;
	pthread_cond_signal(&mk->cv);
	pthread_mutex_unlock(&mk->mu);
}

static int mark_job_run(struct db_conn *c, void *arg, struct err *e)
{
	return mark_job(c, &((struct mark_job_async *)arg)->m, e);
}

static void marks_wait(struct marks *mk)
{
	pthread_mutex_lock(&mk->mu);
	while (mk->pending > 0)
		pthread_cond_wait(&mk->cv, &mk->mu);
	pthread_mutex_unlock(&mk->mu);
}

/* Queue the record of one attempt at r: delivered (receipt, taken over) or
 * not (why; failed when permanent or out of attempts, else retried later). */
static void record(struct federation *f, const struct fed_out_row *r, struct marks *mk,
		   char *receipt, int64_t remote_leaf, const char *why, int permanent)
{
	struct mark_job_async *j = xcalloc(1, sizeof(*j));
	struct mark_ctx m = { r->id, "queued", r->attempts + 1, time_now_us(), 0, remote_leaf, NULL,
			      receipt };
	struct err e = ERR_INIT;

	if (receipt == NULL) {
		j->error = xstrdup(why);
		m.error = j->error;
		if (permanent || (uint64_t)m.attempts >= f->o.max_attempts) {
			m.state = "failed";
			m.next_at = m.at;
		} else {
			m.next_at = m.at + backoff(&f->o, m.attempts);
		}
	}
	j->m = m;
	j->mk = mk;
	j->id = xstrdup(r->envelope_id);
	j->note = -1;
	if (receipt != NULL) {
		j->receipt = receipt;
		if (r->case_id != 0 && mk->nnotes < DUE_BATCH) {
			struct delivered_note *n = &mk->notes[mk->nnotes];

			snprintf(n->id, sizeof(n->id), "%s", r->envelope_id);
			n->case_id = r->case_id;
			n->case_version = r->case_version;
			n->at = m.at;
			n->receipt = xstrdup(receipt);
			n->ok = 0;
			j->note = (int)mk->nnotes++;
		}
	}
	pthread_mutex_lock(&mk->mu);
	mk->pending++;
	pthread_mutex_unlock(&mk->mu);
	if (intake_write_async(f->it, mark_job_run, j, mark_done, j, &e) < 0)
		mark_done(j, -1, &e);
}

/* A refusal's status: the receiver will never take it (a malformed or forged
 * envelope, a replayed id, an expired one); anything else (unknown_peer until
 * the peer adds our key, 5xx, 429) is worth another try. */
static int refusal_is_permanent(long status)
{
	return status == 400 || status == 401 || status == 409 || status == 413 || status == 422;
}

static void error_text(long status, const json_t *err, char *why, size_t n)
{
	const char *code = json_string_value(json_object_get(err, "code"));
	const char *msg = json_string_value(json_object_get(err, "message"));

	snprintf(why, n, "HTTP %ld %s: %s", status, code ? code : "", msg ? msg : "");
}

/* One result of a batch's answer for r: {"status","receipt"} or {"status","error"}. */
static void take_result(struct federation *f, const struct fed_out_row *r, const json_t *res,
			struct marks *mk)
{
	const json_t *st = json_object_get(res, "status"), *rj = json_object_get(res, "receipt");
	long status = json_is_integer(st) ? (long)json_integer_value(st) : 0;
	struct fed_receipt *rc;
	struct err e = ERR_INIT;
	int64_t leaf = -1;
	char why[320];

	if (status != 200 && status != 201) {
		error_text(status, json_object_get(res, "error"), why, sizeof(why));
		record(f, r, mk, NULL, -1, why, refusal_is_permanent(status));
		return;
	}
	rc = xcalloc(1, sizeof(*rc));
	if (fed_receipt_from_json(rc, rj, &e) == 0 &&
	    receipt_check(f, r->peer_key_id, r->envelope_id, r->type, r->envelope_sha256, rc, &leaf,
			  &e) == 0) {
		char *text = json_dumps(rj, JSON_COMPACT);

		record(f, r, mk, text ? text : xstrdup("{}"), leaf, NULL, 0);
	} else {
		snprintf(why, sizeof(why), "bad receipt: %s", e.msg);
		record(f, r, mk, NULL, -1, why, 0);
	}
	free(rc);
}

/* One attempt at up to n envelopes of rows, all to one peer, in one POST
 * as a JSON array (the peer answers {"results":[...]} in the same order);
 * queues each outcome's record and returns how many were tried (at least
 * one: those that do not fit go in the next POST). */
static size_t deliver(struct federation *f, CURL *curl, const struct fed_out_row *const *rows,
		      size_t n, struct marks *mk)
{
	char aad[ENVELOPE_ID_MAX + 48], url[600], errbuf[CURL_ERROR_SIZE] = "", why[320] = "";
	const struct fed_out_row *sent[DUE_BATCH];
	size_t nsent = 0, tried = 0, alen = 0;
	struct curl_slist *hdrs = NULL;
	struct answer a;
	struct buf body;
	char *ans = NULL;
	long status = 0;
	json_t *j = NULL, *results;
	json_error_t je;
	CURLcode cc;

	buf_init(&body, ENVELOPE_TEXT_MAX + 16);
	buf_add(&body, "[", 1);
	for (; tried < n && nsent < DUE_BATCH; tried++) {
		const struct fed_out_row *r = rows[tried];
		struct err e = ERR_INIT;
		char *text;
		size_t len;

		snprintf(aad, sizeof(aad), "vulnflow-federation/out/%s", r->envelope_id);
		if (intake_unseal_blob(f->it, aad, r->envelope, r->envelope_len, &text, &len, &e) < 0) {
			snprintf(why, sizeof(why), "cannot open the stored envelope: %s", e.msg);
			record(f, r, mk, NULL, -1, why, 1);
			continue;
		}
		if (nsent > 0 && body.len + len + 2 > FED_BATCH_BYTES) {
			free(text);
			break;         /* the next attempt takes it */
		}
		if (nsent > 0)
			buf_add(&body, ",", 1);
		buf_add(&body, text, len);
		free(text);
		sent[nsent++] = r;
	}
	buf_add(&body, "]", 1);
	if (nsent == 0)
		goto out;
	snprintf(url, sizeof(url), "%s/api/v1/federation/inbox", rows[0]->peer_url);
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	hdrs = curl_slist_append(hdrs, "Expect:");
	buf_init(&a.b, ANSWER_MAX);
	curl_easy_reset(curl);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_POST, 1L);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body.len);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "vulnflow-federation/1");
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &a);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)f->o.timeout_ms);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	cc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hdrs);
	ans = buf_detach(&a.b, &alen);
	if (cc != CURLE_OK) {
		snprintf(why, sizeof(why), "%s", errbuf[0] ? errbuf : curl_easy_strerror(cc));
		for (size_t i = 0; i < nsent; i++)
			record(f, sent[i], mk, NULL, -1, why, 0);
		goto out;
	}
	j = json_loadb(ans, alen, 0, &je);
	results = json_object_get(j, "results");
	if (status == 200 && json_array_size(results) == nsent) {
		for (size_t i = 0; i < nsent; i++)
			take_result(f, sent[i], json_array_get(results, i), mk);
	} else if (status == 200) {
		snprintf(why, sizeof(why), "bad answer: %zu results for %zu envelopes",
			 json_array_size(results), nsent);
		for (size_t i = 0; i < nsent; i++)
			record(f, sent[i], mk, NULL, -1, why, 0);
	} else {
		/* the batch as a whole was refused (413: too large, 400: not an array of
		 * envelopes...); one envelope alone is refused for itself */
		error_text(status, json_object_get(j, "error"), why, sizeof(why));
		for (size_t i = 0; i < nsent; i++)
			record(f, sent[i], mk, NULL, -1, why,
			       nsent == 1 && refusal_is_permanent(status));
	}
out:
	json_decref(j);
	free(ans);
	buf_release(&body);
	return tried;
}

/* Copy the rows first: deliver() must not run while the statement holds a
 * connection (the writer needs it). */
struct due_list {
	struct fed_out_row rows[DUE_BATCH];
	char *owned[DUE_BATCH][7];
	unsigned char *env[DUE_BATCH];
	size_t n;
	unsigned slot, nslots;
};

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static int due_take(void *arg, const struct fed_out_row *r, struct err *e)
{
	struct due_list *l = arg;
	struct fed_out_row *d;

	(void)e;
	if (l->n == DUE_BATCH)
		return 0;
	d = &l->rows[l->n];
	*d = *r;
	d->envelope_id = l->owned[l->n][0] = xstrdup(r->envelope_id);
	d->type = l->owned[l->n][1] = xstrdup(r->type);
	d->envelope_sha256 = l->owned[l->n][2] = xstrdup(r->envelope_sha256);
	d->state = l->owned[l->n][3] = xstrdup(r->state);
	d->peer_key_id = l->owned[l->n][4] = xstrdup(r->peer_key_id);
	d->peer_url = l->owned[l->n][5] = xstrdup(r->peer_url);
	d->last_error = l->owned[l->n][6] = dup_or_null(r->last_error);
	d->receipt = NULL;
	d->peer_role = NULL;
	l->env[l->n] = xmalloc(r->envelope_len ? r->envelope_len : 1);
	memcpy(l->env[l->n], r->envelope, r->envelope_len);
	d->envelope = l->env[l->n];
	l->n++;
	return 0;
}

static void due_free(struct due_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		for (int k = 0; k < 7; k++)
			free(l->owned[i][k]);
		free(l->env[i]);
	}
	l->n = 0;
}

/* The rows of l, peer by peer (each peer's in id order), in as few POSTs
 * as fit: a hub's relays of one report to several databases alternate
 * peers row by row. */
static void deliver_due(struct federation *f, CURL *curl, const struct due_list *l,
			struct marks *mk)
{
	unsigned char done[DUE_BATCH] = { 0 };

	for (size_t i = 0; i < l->n && curl != NULL; i++) {
		const struct fed_out_row *grp[DUE_BATCH];
		size_t g = 0;

		if (done[i])
			continue;
		for (size_t k = i; k < l->n; k++)
			if (!done[k] && strcmp(l->rows[k].peer_key_id, l->rows[i].peer_key_id) == 0 &&
			    strcmp(l->rows[k].peer_url, l->rows[i].peer_url) == 0) {
				grp[g++] = &l->rows[k];
				done[k] = 1;
			}
		for (size_t s = 0; s < g;)
			s += deliver(f, curl, grp + s, g - s, mk);
	}
}

struct worker_arg {
	struct federation *f;
	unsigned slot;
};

static void *worker(void *arg)
{
	struct worker_arg *wa = arg;
	struct federation *f = wa->f;
	unsigned slot = wa->slot;
	CURL *curl = curl_easy_init();
	struct due_list *l = xcalloc(1, sizeof(*l));
	struct marks mk = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

	free(wa);
	l->slot = slot;
	l->nslots = f->o.workers;
	for (;;) {
		struct db_conn *c;
		struct err e = ERR_INIT;
		int64_t now = time_now_us(), next = 0, wait_us = 2 * TIME_US_PER_S;
		uint64_t kicks;
		int found = 0;

		pthread_mutex_lock(&f->mu);
		kicks = f->kicks[slot];
		if (f->stopping) {
			pthread_mutex_unlock(&f->mu);
			break;
		}
		pthread_mutex_unlock(&f->mu);
		if (db_acquire(f->in->db, &c, 5000, &e) == 0) {
			if (store_fed_out_due(c, now, l->nslots, l->slot, DUE_BATCH, due_take, l, &e) < 0 ||
			    (l->n == 0 && store_fed_out_next_due(c, &next, &found, &e) < 0))
				fprintf(stderr, "vulnflow: federation: %s\n", e.msg);
			db_release(c);
		}
		deliver_due(f, curl, l, &mk);
		marks_wait(&mk);
		for (size_t i = 0; i < mk.nnotes; i++) {
			struct delivered_note *n = &mk.notes[i];
			fed_delivered_fn *fn;
			void *fn_arg;

			pthread_mutex_lock(&f->mu);
			fn = f->on_delivered;
			fn_arg = f->on_delivered_arg;
			pthread_mutex_unlock(&f->mu);
			if (n->ok && fn != NULL)
				fn(fn_arg, n->id, n->case_id, (int)n->case_version, n->receipt, n->at);
			free(n->receipt);
		}
		mk.nnotes = 0;
		if (l->n > 0) {
			due_free(l);
			continue;
		}
		if (found && next - now < wait_us)
			wait_us = next > now ? next - now : 1000;
		pthread_mutex_lock(&f->mu);
		if (!f->stopping && f->kicks[slot] == kicks) {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += wait_us / TIME_US_PER_S;
			ts.tv_nsec += (long)(wait_us % TIME_US_PER_S) * 1000;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&f->wake[slot], &f->mu, &ts);
		}
		pthread_mutex_unlock(&f->mu);
	}
	free(l);
	if (curl != NULL)
		curl_easy_cleanup(curl);
	pthread_mutex_destroy(&mk.mu);
	pthread_cond_destroy(&mk.cv);
	return NULL;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_ok;

static void curl_setup(void)
{
	curl_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

int federation_start(struct federation **out, struct instance *in, struct intake *it,
		     const struct fed_options *opts, struct err *e)
{
	struct federation *f = xcalloc(1, sizeof(*f));
	char text[FED_KEY_TEXT_MAX];

	*out = NULL;
	f->in = in;
	f->it = it;
	if (opts != NULL)
		f->o = *opts;
	if (f->o.workers == 0)
		f->o.workers = 16;
	if (f->o.timeout_ms <= 0)
		f->o.timeout_ms = 10000;
	if (f->o.backoff_min_ms <= 0)
		f->o.backoff_min_ms = 500;
	if (f->o.backoff_max_ms <= 0)
		f->o.backoff_max_ms = 300000;
	if (f->o.max_attempts == 0)
		f->o.max_attempts = 30;
	pthread_mutex_init(&f->pk_mu, NULL);
	pthread_mutex_init(&f->sth_mu, NULL);
	pthread_mutex_init(&f->mu, NULL);
	for (int i = 0; i < KEY_COPIES; i++)
		pthread_mutex_init(&f->key.mu[i], NULL);
	for (int i = 0; i < KEY_COPIES; i++)
		if (load_private(in->cfg.dir, &f->key.k[i], e) < 0)
			goto fail;
	if (key_text_of(f->key.k[0], text, f->key_id, e) < 0)
		goto fail;
	if (f->o.workers != (unsigned)-1) {
		pthread_once(&curl_once, curl_setup);
		if (!curl_ok) {
			err_set(e, ERR_INTERNAL, "libcurl failed to initialise");
			goto fail;
		}
		f->threads = xcalloc(f->o.workers, sizeof(*f->threads));
		f->wake = xcalloc(f->o.workers, sizeof(*f->wake));
		f->kicks = xcalloc(f->o.workers, sizeof(*f->kicks));
		for (unsigned i = 0; i < f->o.workers; i++)
			pthread_cond_init(&f->wake[i], NULL);
		for (unsigned i = 0; i < f->o.workers; i++) {
			struct worker_arg *wa = xcalloc(1, sizeof(*wa));

			wa->f = f;
			wa->slot = i;
			if (pthread_create(&f->threads[i], NULL, worker, wa) != 0) {
				free(wa);
				err_set(e, ERR_INTERNAL, "cannot start a federation worker");
				goto fail;      /* stops the ones started */
			}
			f->nthreads = i + 1;
		}
	}
	*out = f;
	return 0;
fail:
	federation_stop(f);
	return -1;
}

void federation_stop(struct federation *f)
{
	if (f == NULL)
		return;
	pthread_mutex_lock(&f->mu);
	f->stopping = 1;
	for (unsigned i = 0; f->wake != NULL && i < f->o.workers; i++)
		pthread_cond_broadcast(&f->wake[i]);
	pthread_mutex_unlock(&f->mu);
	for (unsigned i = 0; i < f->nthreads; i++)
		pthread_join(f->threads[i], NULL);
	free(f->threads);
	for (int i = 0; i < KEY_COPIES; i++) {
		sign_key_free(f->key.k[i]);
		pthread_mutex_destroy(&f->key.mu[i]);
	}
	for (size_t i = 0; i < f->npkeys; i++) {
		for (int j = 0; j < KEY_COPIES; j++) {
			sign_key_free(f->pkeys[i]->c.k[j]);
			pthread_mutex_destroy(&f->pkeys[i]->c.mu[j]);
		}
		free(f->pkeys[i]);
	}
	for (unsigned i = 0; f->wake != NULL && i < f->o.workers; i++)
		pthread_cond_destroy(&f->wake[i]);
	free(f->wake);
	free(f->kicks);
	pthread_mutex_destroy(&f->mu);
	pthread_mutex_destroy(&f->pk_mu);
	pthread_mutex_destroy(&f->sth_mu);
	free(f);
}

void federation_on_delivered(struct federation *f, fed_delivered_fn *fn, void *arg)
{
	pthread_mutex_lock(&f->mu);
	f->on_delivered = fn;
	f->on_delivered_arg = arg;
	pthread_mutex_unlock(&f->mu);
}

const char *federation_key_id(const struct federation *f)
{
	return f->key_id;
}

struct instance *federation_instance(const struct federation *f)
{
	return f->in;
}

struct intake *federation_intake(const struct federation *f)
{
	return f->it;
}

/* ---- reading the outbox ---- */

struct one_out {
	json_t *j;
	char state[16];
};

static int one_out(void *arg, const struct fed_out_row *r, struct err *e)
{
	struct one_out *x = arg;

	(void)e;
	x->j = out_json(r);
	snprintf(x->state, sizeof(x->state), "%s", r->state);
	return 0;
}

static int out_get(struct federation *f, const char *id, struct one_out *x, struct err *e)
{
	struct db_conn *c;
	int rc;

	memset(x, 0, sizeof(*x));
	if (db_acquire(f->in->db, &c, 5000, e) < 0)
		return -1;
	rc = store_fed_out_get(c, id, one_out, x, e);
	db_release(c);
	return rc;
}

int federation_outbox_get(struct federation *f, const char *id, json_t **out, struct err *e)
{
	struct one_out x;

	*out = NULL;
	if (out_get(f, id, &x, e) < 0)
		return -1;
	*out = x.j;
	return 0;
}

int federation_wait(struct federation *f, const char *id, int64_t timeout_ms, char state[16],
		    struct err *e)
{
	int64_t until = time_mono_us() + timeout_ms * 1000;
	struct one_out x;

	for (;;) {
		if (out_get(f, id, &x, e) < 0)
			return -1;
		json_decref(x.j);
		memcpy(state, x.state, 16);
		if (strcmp(state, "queued") != 0 || time_mono_us() >= until)
			return 0;
		struct timespec ts = { 0, 5 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
}

int federation_outbox_list(struct federation *f, const char *state, int64_t after_id, int limit,
			   json_t **out, struct err *e)
{
	struct db_conn *c;
	json_t *a = json_array();
	int rc;

	*out = NULL;
	if (db_acquire(f->in->db, &c, 5000, e) < 0) {
		json_decref(a);
		return -1;
	}
	rc = store_fed_out_list(c, state, after_id, limit, out_append, a, e);
	db_release(c);
	if (rc < 0) {
		json_decref(a);
		return -1;
	}
	*out = a;
	return 0;
}

static int hub_append(void *arg, const struct hub_report_row *r, struct err *e)
{
	(void)e;
	json_array_append_new(arg, json_pack("{s:I,s:s,s:{s:s,s:s?,s:s,s:s},s:s,s:I,s:s,s:o,s:o,"
					     "s:b,s:I}",
					     "id", (json_int_t)r->id, "envelope_id", r->envelope_id,
					     "provider", "key_id", r->provider_key_id, "name",
					     r->provider_name, "url", r->provider_url, "jurisdiction",
					     r->provider_jurisdiction, "case_ref", r->case_ref,
					     "version", (json_int_t)r->version, "content_sha256",
					     r->content_sha256, "learned_at", time_json(r->learned_at),
					     "received_at", time_json(r->received_at),
					     "within_2_days",
					     r->learned_at != 0 &&
						     r->received_at - r->learned_at <=
							     2 * 24 * 3600 * TIME_US_PER_S,
					     "leaf_index", (json_int_t)r->leaf_index));
	return 0;
}

int federation_hub_reports(struct federation *f, int64_t after_id, int limit, json_t **out,
			   struct err *e)
{
	struct db_conn *c;
	json_t *a = json_array();
	int rc;

	*out = NULL;
	if (db_acquire(f->in->db, &c, 5000, e) < 0) {
		json_decref(a);
		return -1;
	}
	rc = store_hub_report_list(c, 0, after_id, limit, hub_append, a, e);
	db_release(c);
	if (rc < 0) {
		json_decref(a);
		return -1;
	}
	*out = a;
	return 0;
}

/* ---- the inbox ---- */

/* What an accepted envelope's receipt says (from its inbox row). */
struct receipt_facts {
	int64_t inbox_id;
	int64_t received_at;
	int64_t leaf_index;
	char leaf_hash[HASH_HEX_LEN];
	char type[ENVELOPE_TYPE_MAX + 1];
};

struct inbox_ctx {
	struct federation *f;
	const struct fed_peer_row *peer;
	const struct envelope *env;
	const char *sha;
	const unsigned char *sealed;
	size_t sealed_len;
	const char *payload;
	char *receipt;                 /* the stored receipt, if the row had one */
	size_t receipt_len;
	struct receipt_facts facts;    /* the row's (or the new row's) facts */
	int found;                     /* the envelope was there already */
	int replay;                    /* the id came with other content */
	/* authority_report */
	const char *case_ref;
	int64_t version, learned_at;
	const char *content_sha;
	const struct fed_type *ext;    /* a type of a flow module (fed_types.h) */
};

/* The receipt of the envelope in x (fed_receipt.h): always with the tree
 * head signed at the end of the batch that appended its leaf, so every copy
 * of an envelope gets the same bytes.  ir is that batch's receipt when the
 * leaf was appended just now; otherwise (a copy of an envelope received
 * before) the head and the inclusion proof are read from the log. */
static int make_receipt(struct federation *f, const struct inbox_ctx *x,
			const struct intake_receipt *ir, char **text, size_t *len, struct err *e)
{
	struct tlog *log = intake_log(f->it);
	struct fed_receipt *r = xcalloc(1, sizeof(*r));
	struct tlog_entry en = { 1, INTAKE_FEDERATION, INTAKE_ACCEPTED, x->facts.received_at, { 0 } };
	char *payload = fed_receipt_payload(x->env->from, x->facts.type, x->env->id, x->sha);
	int rc = -1;

	fed_receipt_id(x->env->from, x->env->id, r->id);
	snprintf(r->from, sizeof(r->from), "%s", f->key_id);
	snprintf(r->to, sizeof(r->to), "%s", x->env->from);
	snprintf(r->envelope_id, sizeof(r->envelope_id), "%s", x->env->id);
	snprintf(r->envelope_type, sizeof(r->envelope_type), "%s", x->facts.type);
	snprintf(r->envelope_sha256, sizeof(r->envelope_sha256), "%s", x->sha);
	snprintf(r->log_id, sizeof(r->log_id), "%s", tlog_log_id(log));
	r->received_at = x->facts.received_at;
	r->leaf_index = (uint64_t)x->facts.leaf_index;
	r->hash_alg = tlog_hash_alg(log);
	r->sig_alg = tlog_sign_alg(log);
	if (hash_from_hex(x->facts.leaf_hash, r->leaf_hash) < 0) {
		err_set(e, ERR_INTERNAL, "inbox row of \"%s\" has a bad leaf hash", x->env->id);
		goto out;
	}
	if (hash_digest(tlog_hash(log), payload, strlen(payload), en.payload_hash, e) < 0)
		goto out;
	tlog_entry_encode(&en, r->entry);
	if (ir != NULL && ir->signature_len > 0 && ir->tree_size > r->leaf_index) {
		r->sth.tree_size = ir->tree_size;
		r->sth.timestamp_ms = ir->sth_timestamp_ms;
		memcpy(r->sth.root_hash, ir->root_hash, HASH_LEN);
		memcpy(r->sth.signature, ir->signature, ir->signature_len);
		r->sth.signature_len = ir->signature_len;
		memcpy(r->audit_path, ir->audit_path, ir->audit_path_len * HASH_LEN);
		r->audit_path_len = ir->audit_path_len;
	} else if (tlog_batch_head(log, f->in->db, r->leaf_index, &r->sth, r->audit_path,
				   &r->audit_path_len, e) < 0) {
		goto out;
	}
	*text = fed_receipt_text(r, len);
	rc = 0;
out:
	free(payload);
	free(r);
	return rc;
}

static int existing_in(void *arg, const struct fed_in_row *r, struct err *e)
{
	struct inbox_ctx *x = arg;

	if (strcmp(r->envelope_sha256, x->sha) != 0) {
		x->replay = 1;
		return err_setn(e, ERR_CONFLICT, "replayed_id",
				"envelope id \"%s\" from this peer was received before with other "
				"content", x->env->id);
	}
	x->found = 1;
	x->facts.inbox_id = r->id;
	x->facts.received_at = r->received_at;
	x->facts.leaf_index = r->leaf_index;
	snprintf(x->facts.leaf_hash, sizeof(x->facts.leaf_hash), "%s", r->leaf_hash);
	snprintf(x->facts.type, sizeof(x->facts.type), "%s", r->type);
	return 0;
}

static int inbox_before(struct db_conn *c, void *arg, uint64_t *existing, struct err *e)
{
	struct inbox_ctx *x = arg;
	struct err e2 = ERR_INIT;

	if (store_fed_in_get(c, x->peer->id, x->env->id, existing_in, x, &e2) == 0) {
		*existing = (uint64_t)x->facts.leaf_index;
		return 1;
	}
	if (e2.code == ERR_NOT_FOUND)
		return 0;
	*e = e2;
	return -1;
}

/* In the writer: the inbox row (its receipt is signed after the commit,
 * outside the writer, by federation_inbox_finish()) and the type's record. */
static int inbox_after(struct db_conn *c, void *arg, const struct intake_receipt *r,
		       struct err *e)
{
	struct inbox_ctx *x = arg;
	struct fed_in_row row;
	int64_t inbox_id;

	x->facts.received_at = r->received_at;
	x->facts.leaf_index = (int64_t)r->leaf_index;
	hash_hex(r->leaf_hash, x->facts.leaf_hash);
	snprintf(x->facts.type, sizeof(x->facts.type), "%s", x->env->type);
	memset(&row, 0, sizeof(row));
	row.peer_id = x->peer->id;
	row.envelope_id = x->env->id;
	row.type = x->env->type;
	row.envelope = x->sealed;
	row.envelope_len = x->sealed_len;
	row.envelope_sha256 = x->sha;
	row.payload = x->payload;
	row.received_at = r->received_at;
	row.leaf_index = (int64_t)r->leaf_index;
	row.leaf_hash = x->facts.leaf_hash;
	if (store_fed_in_add(c, &row, &inbox_id, e) < 0)
		return -1;
	x->facts.inbox_id = inbox_id;
	if (strcmp(x->env->type, "authority_report") == 0) {
		struct hub_report_row hr = {
			.inbox_id = inbox_id,
			.provider_peer_id = x->peer->id,
			.case_ref = x->case_ref,
			.version = x->version,
			.content_sha256 = x->content_sha,
			.learned_at = x->learned_at,
			.received_at = r->received_at,
		};
		int64_t hid;

		if (store_hub_report_add(c, &hr, &hid, e) < 0)
			return -1;
	}
	if (x->ext != NULL && x->ext->apply != NULL) {
		struct fed_rx rx = { x->f->in, x->env, x->peer, inbox_id, r->received_at };

		return x->ext->apply(c, &rx, e);
	}
	return 0;
}

static const struct intake_leaf_ops inbox_ops = { inbox_before, inbox_after };

/* Fill out with the receipt of the envelope in x: from ir, the batch's
 * receipt, when the leaf was appended just now, else rebuilt from the log
 * (the same bytes as the first answer: nothing is stored per receipt). */
static int answer_with_receipt(struct federation *f, struct inbox_ctx *x,
			       const struct intake_receipt *ir, struct fed_inbox_answer *out,
			       struct err *e)
{
	if (make_receipt(f, x, ir, &x->receipt, &x->receipt_len, e) < 0)
		return -1;
	out->text = x->receipt;
	out->len = x->receipt_len;
	out->leaf_index = (uint64_t)x->facts.leaf_index;
	x->receipt = NULL;
	return 0;
}

struct refusal_job {
	struct fed_refusal_row row;
};

static int refusal_job(struct db_conn *c, void *arg, struct err *e)
{
	return store_fed_refusal_add(c, &((struct refusal_job *)arg)->row, e);
}

/* Store the refusal (its own small commit), then return -1 with why in e. */
static int refuse(struct federation *f, const char *client, const struct envelope *env,
		  const char *body, size_t len, const struct err *why, struct err *e)
{
	struct refusal_job j;
	char sha[CRYPTO_HASH_HEX_LEN];
	struct err e2 = ERR_INIT;

	crypto_sha256_hex(body ? body : "", body ? len : 0, sha);
	memset(&j, 0, sizeof(j));
	j.row.received_at = time_now_us();
	j.row.client = client ? client : "";
	j.row.claimed_from = env ? env->from : NULL;
	j.row.envelope_id = env ? env->id : NULL;
	j.row.code = err_name(why);
	j.row.message = why->msg;
	j.row.body_sha256 = sha;
	j.row.body_size = (int64_t)len;
	if (intake_write(f->it, refusal_job, &j, &e2) < 0)
		fprintf(stderr, "vulnflow: federation: cannot store a refusal: %s\n", e2.msg);
	*e = *why;
	return -1;
}

/* The flow modules' envelope types (fed_types.h): one line per module. */
static const struct fed_type *const fed_type_tables[] = {
	fed_hub_types,
	fed_platform_types,
	NULL
};

static const struct fed_type *fed_type_find(const char *type)
{
	for (size_t i = 0; fed_type_tables[i] != NULL; i++)
		for (const struct fed_type *t = fed_type_tables[i]; t->type != NULL; t++)
			if (strcmp(t->type, type) == 0)
				return t;
	return NULL;
}

/* What this role takes, and the body's form for each type. */
static int check_type(struct federation *f, struct inbox_ctx *x, struct err *e)
{
	const struct envelope *env = x->env;

	if (strcmp(env->type, "ping") == 0)
		return 0;
	if (strcmp(env->type, "authority_report") == 0) {
		const json_t *b = env->body;
		const char *content = json_string_value(json_object_get(b, "content"));
		const char *sha = json_string_value(json_object_get(b, "content_sha256"));
		const char *ref = json_string_value(json_object_get(b, "case_ref"));
		json_t *ver = json_object_get(b, "version"), *la = json_object_get(b, "learned_at");
		char h[CRYPTO_HASH_HEX_LEN];

		if (strcmp(f->in->cfg.role, "hub") != 0)
			return err_setn(e, ERR_INVALID, "unsupported_type",
					"this instance (role %s) does not take authority reports",
					f->in->cfg.role);
		if (content == NULL || sha == NULL || ref == NULL || ref[0] == '\0' ||
		    strlen(ref) > 64 || !json_is_integer(ver) || json_integer_value(ver) < 1 ||
		    (la != NULL && !json_is_null(la) && !json_is_string(la)))
			return err_setn(e, ERR_INVALID, "invalid_body",
					"an authority_report body needs \"case_ref\", \"version\" (>= 1), "
					"\"content\", \"content_sha256\" and \"learned_at\"");
		crypto_sha256_hex(content, strlen(content), h);
		if (strcmp(h, sha) != 0)
			return err_setn(e, ERR_INVALID, "invalid_body",
					"\"content_sha256\" is not the SHA-256 of \"content\"");
		x->learned_at = 0;
		if (json_is_string(la) && time_parse_rfc3339(json_string_value(la), &x->learned_at) < 0)
			return err_setn(e, ERR_INVALID, "invalid_body",
					"\"learned_at\" is not an RFC 3339 time");
		x->case_ref = ref;
		x->version = json_integer_value(ver);
		x->content_sha = sha;
		x->ext = fed_type_find(env->type);     /* its relays (fed_hub.c) */
		return 0;
	}
	if ((x->ext = fed_type_find(env->type)) != NULL)
		return x->ext->check(f->in, x->peer, env, e);
	return err_setn(e, ERR_INVALID, "unsupported_type", "envelope type \"%s\" is not taken here",
			env->type);
}

/* An envelope on its way through the intake writer. */
struct inbox_op {
	struct inbox_ctx x;
	struct fed_peer_row peer;
	struct envelope *env;
	char *text, *payload;
	unsigned char *sealed;
	char sha[CRYPTO_HASH_HEX_LEN];
	char client[64];
	char body_sha[CRYPTO_HASH_HEX_LEN];
	size_t body_len;
	struct intake_receipt rcpt;
	struct fed_inbox_answer *out;
	fed_inbox_done_fn *done;
	void *done_arg;
};

static void inbox_op_free(struct inbox_op *op)
{
	if (op == NULL)
		return;
	free(op->x.receipt);
	free(op->payload);
	free(op->sealed);
	free(op->text);
	envelope_free(op->env);
	free(op);
}

static int refusal_job_async(struct db_conn *c, void *arg, struct err *e)
{
	return store_fed_refusal_add(c, &((struct refusal_job *)arg)->row, e);
}

static void refusal_done(void *arg, int rc, const struct err *e)
{
	struct refusal_job *j = arg;

	if (rc < 0)
		fprintf(stderr, "vulnflow: federation: cannot store a refusal: %s\n", e->msg);
	free((void *)j->row.client);
	free((void *)j->row.claimed_from);
	free((void *)j->row.envelope_id);
	free((void *)j->row.message);
	free((void *)j->row.body_sha256);
	free(j);
}

/* The intake writer's completion (its thread): hand the outcome back; a
 * replay found only inside the transaction (two different envelopes with
 * one id at once) is refused here. */
static void inbox_done(void *arg, int rc, const struct err *e)
{
	struct inbox_op *op = arg;
	struct err why = ERR_INIT;

	if (rc == 0) {
		op->out->status = op->rcpt.disposition == INTAKE_DISPOSITION_COUNT ? 200 : 201;
		op->out->pending = op;         /* federation_inbox_finish() signs the receipt */
		op->done(op->done_arg, 0, &why);
		return;
	}
	why = *e;
	if (op->x.replay) {
		struct refusal_job *j = xcalloc(1, sizeof(*j));
		struct err e2 = ERR_INIT;
		int rc2;

		j->row.received_at = time_now_us();
		j->row.client = xstrdup(op->client);
		j->row.claimed_from = xstrdup(op->env->from);
		j->row.envelope_id = xstrdup(op->env->id);
		j->row.code = err_name(e);     /* static wire names */
		j->row.message = xstrdup(e->msg);
		j->row.body_sha256 = xstrdup(op->body_sha);
		j->row.body_size = (int64_t)op->body_len;
		/* not through the intake writer: this is its thread (its batch is
		 * committed, so a connection of our own does not wait for it) */
		rc2 = in_tx(op->x.f->in->db, refusal_job_async, j, &e2);
		refusal_done(j, rc2, &e2);
	}
	op->done(op->done_arg, rc, &why);
	inbox_op_free(op);
}

int federation_inbox_finish(struct federation *f, struct fed_inbox_answer *out, struct err *e)
{
	struct inbox_op *op = out->pending;
	int rc;

	if (op == NULL)
		return 0;
	out->pending = NULL;
	rc = answer_with_receipt(f, &op->x, out->status == 201 ? &op->rcpt : NULL, out, e);
	if (rc == 0 && out->status == 201 && op->x.ext != NULL && op->x.ext->after != NULL) {
		struct fed_rx rx = { f->in, op->env, &op->peer, op->x.facts.inbox_id,
				     op->x.facts.received_at };

		op->x.ext->after(f, &rx);
	}
	inbox_op_free(op);
	return rc;
}

void federation_inbox_answer_release(struct fed_inbox_answer *out)
{
	inbox_op_free(out->pending);
	out->pending = NULL;
	free(out->text);
	out->text = NULL;
}

int federation_inbox_async(struct federation *f, const char *client, const char *body,
			   size_t len, struct fed_inbox_answer *out, fed_inbox_done_fn *done,
			   void *arg, struct err *e)
{
	struct inbox_op *op = xcalloc(1, sizeof(*op));
	struct err why = ERR_INIT;
	char aad[ENVELOPE_KEYID_LEN + ENVELOPE_ID_MAX + 48];
	size_t tlen, sealed_len = 0;
	int64_t now = time_now_us();
	int rc = -1;

	memset(out, 0, sizeof(*out));
	op->out = out;
	op->done = done;
	op->done_arg = arg;
	snprintf(op->client, sizeof(op->client), "%s", client ? client : "");
	if (envelope_parse(&op->env, body ? body : "", body ? len : 0, &why) < 0) {
		rc = refuse(f, client, NULL, body, len, &why, e);
		goto out;
	}
	if (strcmp(op->env->to, f->key_id) != 0) {
		err_setn(&why, ERR_INVALID, "wrong_recipient",
			 "envelope is addressed to \"%.16s...\", not to this instance", op->env->to);
		goto refused;
	}
	if (find_peer(f, op->env->from, NULL, &op->peer, &why) < 0) {
		if (why.code == ERR_NOT_FOUND)
			err_setn(&why, ERR_FORBIDDEN, "unknown_peer",
				 "\"%.16s...\" is not a peer of this instance", op->env->from);
		goto refused;
	}
	if (verify_envelope(f, op->env, op->peer.public_key, &why) < 0)
		goto refused;
	/* the canonical wire form names it, whatever whitespace it came with */
	if (envelope_text(op->env, &op->text, &tlen, &why) < 0)
		goto refused;
	crypto_sha256_hex(op->text, tlen, op->sha);
	crypto_sha256_hex(body ? body : "", body ? len : 0, op->body_sha);
	op->body_len = len;
	op->x.f = f;
	op->x.peer = &op->peer;
	op->x.env = op->env;
	op->x.sha = op->sha;
	{
		/* the same envelope again: the same receipt, before any other check (a
		 * retry after expiry still gets its proof) */
		struct db_conn *c;
		struct err e2 = ERR_INIT;
		int found;

		if (db_acquire(f->in->db, &c, 5000, e) < 0)
			goto out;
		found = store_fed_in_get(c, op->peer.id, op->env->id, existing_in, &op->x, &e2);
		db_release(c);
		if (found == 0) {
			out->status = 200;
			rc = answer_with_receipt(f, &op->x, NULL, out, e);
			goto out;
		}
		if (op->x.replay) {
			why = e2;
			goto refused;
		}
		if (e2.code != ERR_NOT_FOUND) {
			*e = e2;
			goto out;
		}
	}
	if (op->env->expires_at != 0 && now >= op->env->expires_at) {
		err_setn(&why, ERR_INVALID, "expired", "envelope \"%s\" expired at %s", op->env->id,
			 json_string_value(json_object_get(op->env->obj, "expires_at")));
		goto refused;
	}
	if (op->env->created_at > now + SKEW_US) {
		err_setn(&why, ERR_INVALID, "not_yet_valid",
			 "envelope \"%s\" was created in the future (%s)", op->env->id,
			 json_string_value(json_object_get(op->env->obj, "created_at")));
		goto refused;
	}
	if (check_type(f, &op->x, &why) < 0)
		goto refused;
	snprintf(aad, sizeof(aad), "vulnflow-federation/in/%s/%s", op->env->from, op->env->id);
	if (intake_seal_blob(f->it, aad, op->text, tlen, &op->sealed, &sealed_len, e) < 0)
		goto out;
	op->payload = fed_receipt_payload(op->env->from, op->env->type, op->env->id, op->sha);
	op->x.sealed = op->sealed;
	op->x.sealed_len = sealed_len;
	op->x.payload = op->payload;
	if (intake_log_with_async(f->it, INTAKE_FEDERATION, op->payload, &inbox_ops, &op->x,
				  &op->rcpt, inbox_done, op, e) < 0)
		goto out;
	return 1;      /* op is the writer's now */
refused:
	rc = refuse(f, client, op->env, body, len, &why, e);
out:
	inbox_op_free(op);
	return rc;
}

struct sync_wait {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int finished, rc;
	struct err e;
};

static void sync_done(void *arg, int rc, const struct err *e)
{
	struct sync_wait *w = arg;

	pthread_mutex_lock(&w->mu);
	w->finished = 1;
	w->rc = rc;
	if (rc < 0)
		w->e = *e;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

int federation_inbox(struct federation *f, const char *client, const char *body, size_t len,
		     struct fed_inbox_answer *out, struct err *e)
{
	struct sync_wait w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, ERR_INIT };
	int rc = federation_inbox_async(f, client, body, len, out, sync_done, &w, e);

	if (rc <= 0)
		return rc;
	pthread_mutex_lock(&w.mu);
	while (!w.finished)
		pthread_cond_wait(&w.cv, &w.mu);
	pthread_mutex_unlock(&w.mu);
	if (w.rc < 0) {
		*e = w.e;
		return -1;
	}
	return federation_inbox_finish(f, out, e);
}
