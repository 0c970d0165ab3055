/* tlog.c - the receipt log: appends in group-commit batches, proofs, tree heads, verification. */
#include "service/tlog.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/timefmt.h"

/* Nodes made during one batch (and the peaks it started from), so the
 * batch's inclusion proofs need no queries.  Open addressing on (level, idx). */
#define CACHE_SLOTS 4096

struct node_slot {
	int used;
	unsigned level;
	uint64_t idx;
	unsigned char hash[HASH_LEN];
};

struct tlog {
	struct db *db;
	enum hash_alg hash_alg;
	enum sign_alg sign_alg;
	char log_id[HASH_HEX_LEN];
	struct sign_key *key;          /* private when signing, else public */
	pthread_key_t tls;             /* per-thread struct hash_ctx */
	/* writer state, valid between tlog_batch_begin and tlog_batch_end */
	struct tlog_state state;
	uint64_t batch_start;
	struct node_slot *cache;
	unsigned ncached;
};

/* ---- entries and tree heads ---- */

void tlog_entry_encode(const struct tlog_entry *en, unsigned char out[TLOG_ENTRY_LEN])
{
	uint64_t t = (uint64_t)en->received_at;

	out[0] = (unsigned char)en->version;
	out[1] = (unsigned char)en->channel;
	out[2] = (unsigned char)en->disposition;
	for (int i = 0; i < 8; i++)
		out[3 + i] = (unsigned char)(t >> (56 - 8 * i));
	memcpy(out + 11, en->payload_hash, HASH_LEN);
}

int tlog_entry_decode(const void *data, size_t len, struct tlog_entry *out, struct err *e)
{
	const unsigned char *p = data;
	uint64_t t = 0;

	memset(out, 0, sizeof(*out));
	if (len != TLOG_ENTRY_LEN || p[0] != 1)
		return err_set(e, ERR_INVALID, "not a version-1 log entry (%zu bytes)", len);
	out->version = p[0];
	out->channel = p[1];
	out->disposition = p[2];
	for (int i = 0; i < 8; i++)
		t = (t << 8) | p[3 + i];
	out->received_at = (int64_t)t;
	memcpy(out->payload_hash, p + 11, HASH_LEN);
	return 0;
}

size_t tlog_sth_message(const char *log_id, uint64_t tree_size, int64_t timestamp_ms,
			const unsigned char root[HASH_LEN], char *buf, size_t n)
{
	char hex[HASH_HEX_LEN];
	int k;

	hash_hex(root, hex);
	k = snprintf(buf, n, "vulnflow-sth/1\n%s\n%llu\n%lld\n%s\n", log_id,
		     (unsigned long long)tree_size, (long long)timestamp_ms, hex);
	return k < 0 ? 0 : (size_t)k < n ? (size_t)k : n - 1;
}

/* ---- opening ---- */

static void free_hash(void *p)
{
	hash_ctx_free(p);
}

struct hash_ctx *tlog_hash(struct tlog *t)
{
	struct hash_ctx *h = pthread_getspecific(t->tls);
	struct err e = ERR_INIT;

	if (h == NULL) {
		if (hash_ctx_new(&h, t->hash_alg, &e) < 0)
			abort();       /* checked when the log was opened */
		pthread_setspecific(t->tls, h);
	}
	return h;
}

static void key_paths(const char *dir, char *priv, char *pub, size_t n)
{
	snprintf(priv, n, "%s/keys/log.key", dir);
	snprintf(pub, n, "%s/keys/log.pub", dir);
}

static int log_id_of(enum hash_alg alg, const unsigned char *der, size_t len,
		     char out[HASH_HEX_LEN], struct err *e)
{
	struct hash_ctx *h;
	unsigned char d[HASH_LEN];
	int rc;

	if (hash_ctx_new(&h, alg, e) < 0)
		return -1;
	rc = hash_digest(h, der, len, d, e);
	hash_ctx_free(h);
	if (rc == 0)
		hash_hex(d, out);
	return rc;
}

int tlog_create(struct db *db, const char *dir, enum hash_alg hash, enum sign_alg sig,
		struct err *e)
{
	char priv[1200], pub[1200];
	struct sign_key *k = NULL;
	struct tlog_meta_row m;
	struct db_conn *c = NULL;
	unsigned char *der = NULL;
	size_t len;
	int rc = -1;

	key_paths(dir, priv, pub, sizeof(priv));
	if (sign_key_generate(priv, pub, sig, e) < 0 || sign_key_load_private(&k, priv, e) < 0 ||
	    sign_key_public_der(k, &der, &len, e) < 0)
		goto out;
	memset(&m, 0, sizeof(m));
	if (len > sizeof(m.public_key)) {
		err_set(e, ERR_INTERNAL, "public key too long");
		goto out;
	}
	memcpy(m.public_key, der, len);
	m.public_key_len = len;
	snprintf(m.hash_alg, sizeof(m.hash_alg), "%s", hash_alg_name(hash));
	snprintf(m.sig_alg, sizeof(m.sig_alg), "%s", sign_alg_name(sig));
	if (log_id_of(hash, der, len, m.log_id, e) < 0 || db_acquire(db, &c, 5000, e) < 0)
		goto out;
	if (db_begin(c, e) < 0)
		goto out;
	if (store_tlog_meta_create(c, &m, time_now_us(), e) < 0 || db_commit(c, e) < 0) {
		db_rollback(c);
		goto out;
	}
	db_release(c);
	c = NULL;
	/* the empty tree's head, so the log answers from the start (RFC 9162 §2.1: MTH({}) = H("")) */
	{
		struct tlog *t;
		struct tlog_sth_row sth;

		if (tlog_open(&t, db, dir, 1, e) < 0)
			goto out;
		rc = tlog_refresh_sth(t, db, &sth, e);
		tlog_close(t);
		if (rc < 0)
			goto out;
	}
	rc = 0;
out:
	if (c)
		db_release(c);
	free(der);
	sign_key_free(k);
	return rc;
}

int tlog_open(struct tlog **out, struct db *db, const char *dir, int want_private,
	      struct err *e)
{
	struct tlog_meta_row m;
	struct db_conn *c;
	struct tlog *t;
	struct hash_ctx *probe;
	char priv[1200], pub[1200];
	int rc;

	*out = NULL;
	if (db_acquire(db, &c, 5000, e) < 0)
		return -1;
	rc = store_tlog_meta_get(c, &m, e);
	db_release(c);
	if (rc < 0 && e->code == ERR_NOT_FOUND && want_private) {
		if (tlog_create(db, dir, HASH_ALG_DEFAULT, SIGN_ALG_DEFAULT, e) < 0 ||
		    db_acquire(db, &c, 5000, e) < 0)
			return -1;
		rc = store_tlog_meta_get(c, &m, e);
		db_release(c);
	}
	if (rc < 0)
		return -1;
	t = xcalloc(1, sizeof(*t));
	t->db = db;
	snprintf(t->log_id, sizeof(t->log_id), "%s", m.log_id);
	if (hash_alg_from_name(m.hash_alg, &t->hash_alg) < 0 ||
	    sign_alg_from_name(m.sig_alg, &t->sign_alg) < 0) {
		free(t);
		return err_set(e, ERR_INTERNAL, "receipt log names unknown algorithms \"%s\", \"%s\"",
			       m.hash_alg, m.sig_alg);
	}
	if (hash_ctx_new(&probe, t->hash_alg, e) < 0) {
		free(t);
		return -1;
	}
	hash_ctx_free(probe);
	key_paths(dir, priv, pub, sizeof(priv));
	if (want_private) {
		unsigned char *der = NULL;
		size_t len = 0;

		if (sign_key_load_private(&t->key, priv, e) < 0 ||
		    sign_key_public_der(t->key, &der, &len, e) < 0)
			goto fail;
		rc = len == m.public_key_len && memcmp(der, m.public_key, len) == 0;
		free(der);
		if (!rc) {
			err_set(e, ERR_INTERNAL, "\"%s\" is not the key of this receipt log", priv);
			goto fail;
		}
	} else if (sign_key_from_public_der(&t->key, m.public_key, m.public_key_len, e) < 0) {
		goto fail;
	}
	if (pthread_key_create(&t->tls, free_hash) != 0) {
		err_set(e, ERR_INTERNAL, "cannot create a thread key");
		goto fail;
	}
	t->cache = xcalloc(CACHE_SLOTS, sizeof(*t->cache));
	*out = t;
	return 0;
fail:
	sign_key_free(t->key);
	free(t);
	return -1;
}

void tlog_close(struct tlog *t)
{
	struct hash_ctx *h;

	if (t == NULL)
		return;
	h = pthread_getspecific(t->tls);
	hash_ctx_free(h);
	pthread_setspecific(t->tls, NULL);
	pthread_key_delete(t->tls);
	sign_key_free(t->key);
	free(t->cache);
	free(t);
}

const char *tlog_log_id(const struct tlog *t)
{
	return t->log_id;
}

enum hash_alg tlog_hash_alg(const struct tlog *t)
{
	return t->hash_alg;
}

enum sign_alg tlog_sign_alg(const struct tlog *t)
{
	return t->sign_alg;
}

int tlog_sth_verify(struct tlog *t, const struct tlog_sth_row *s, struct err *e)
{
	char msg[256];
	size_t n = tlog_sth_message(t->log_id, s->tree_size, s->timestamp_ms, s->root_hash, msg,
				    sizeof(msg));

	return sign_verify(t->key, msg, n, s->signature, s->signature_len, e);
}

/* ---- subtree hashes: the batch cache, then the database ---- */

static unsigned slot_of(unsigned level, uint64_t idx)
{
	uint64_t h = (idx * UINT64_C(0x9E3779B97F4A7C15)) ^ ((uint64_t)level << 58);

	return (unsigned)(h >> 52) & (CACHE_SLOTS - 1);
}

static void cache_put(struct tlog *t, unsigned level, uint64_t idx,
		      const unsigned char hash[HASH_LEN])
{
	unsigned i = slot_of(level, idx);

	if (t->ncached >= CACHE_SLOTS / 2)
		return;        /* full enough: later lookups go to the database */
	while (t->cache[i].used && !(t->cache[i].level == level && t->cache[i].idx == idx))
		i = (i + 1) & (CACHE_SLOTS - 1);
	if (!t->cache[i].used)
		t->ncached++;
	t->cache[i].used = 1;
	t->cache[i].level = level;
	t->cache[i].idx = idx;
	memcpy(t->cache[i].hash, hash, HASH_LEN);
}

static int cache_get(struct tlog *t, unsigned level, uint64_t idx, unsigned char out[HASH_LEN])
{
	unsigned i = slot_of(level, idx);

	while (t->cache[i].used) {
		if (t->cache[i].level == level && t->cache[i].idx == idx) {
			memcpy(out, t->cache[i].hash, HASH_LEN);
			return 0;
		}
		i = (i + 1) & (CACHE_SLOTS - 1);
	}
	return -1;
}

static void cache_clear(struct tlog *t)
{
	if (t->ncached)
		memset(t->cache, 0, CACHE_SLOTS * sizeof(*t->cache));
	t->ncached = 0;
}

struct subtree_arg {
	struct tlog *t;
	struct db_conn *c;
	int use_cache;
};

static unsigned log2_exact(uint64_t n)
{
	unsigned k = 0;

	while ((UINT64_C(1) << k) < n)
		k++;
	return k;
}

static int node_hash(struct subtree_arg *a, unsigned level, uint64_t idx,
		     unsigned char out[HASH_LEN], struct err *e)
{
	if (a->use_cache && cache_get(a->t, level, idx, out) == 0)
		return 0;
	return store_tlog_node_get(a->c, level, idx, out, e);
}

/* merkle_subtree_fn: a complete subtree is one stored node; a right edge is
 * the fold of the complete subtrees that cover it (largest first). */
static int subtree(void *arg, uint64_t start, uint64_t end, unsigned char out[HASH_LEN],
		   struct err *e)
{
	struct subtree_arg *a = arg;
	unsigned char peaks[MERKLE_MAX_PATH][HASH_LEN];
	uint64_t n = end - start, pos = start;
	size_t np = 0;

	if ((n & (n - 1)) == 0 && start % n == 0)
		return node_hash(a, log2_exact(n), start >> log2_exact(n), out, e);
	for (int k = 63; k >= 0; k--) {
		uint64_t size = UINT64_C(1) << k;

		if (!(n & size))
			continue;
		if (node_hash(a, (unsigned)k, pos >> k, peaks[np], e) < 0)
			return -1;
		np++;
		pos += size;
	}
	return merkle_fold(tlog_hash(a->t), (const unsigned char (*)[HASH_LEN])peaks, np, out, e);
}

/* ---- the writer ---- */

int tlog_batch_begin(struct tlog *t, struct db_conn *c, struct err *e)
{
	uint64_t pos = 0;
	size_t p = 0;

	cache_clear(t);
	if (store_tlog_state_lock(c, &t->state, e) < 0)
		return -1;
	t->batch_start = t->state.tree_size;
	/* the frontier's peaks are nodes too: cache them for the proofs */
	for (int k = 63; k >= 0 && p < t->state.nfrontier; k--) {
		uint64_t size = UINT64_C(1) << k;

		if (!(t->state.tree_size & size))
			continue;
		cache_put(t, (unsigned)k, pos >> k, t->state.frontier[p++]);
		pos += size;
	}
	if (p != t->state.nfrontier)
		return err_set(e, ERR_INTERNAL, "receipt log frontier does not fit tree size %llu",
			       (unsigned long long)t->state.tree_size);
	return 0;
}

int tlog_batch_append(struct tlog *t, struct db_conn *c, const unsigned char entry[TLOG_ENTRY_LEN],
		      uint64_t *idx, unsigned char leaf_hash[HASH_LEN], struct err *e)
{
	struct tlog_state saved = t->state;
	struct hash_ctx *h = tlog_hash(t);
	uint64_t i = t->state.tree_size;
	unsigned char cur[HASH_LEN];
	unsigned level = 0;

	if (merkle_leaf_hash(h, entry, TLOG_ENTRY_LEN, leaf_hash, e) < 0 ||
	    store_tlog_leaf_add(c, i, leaf_hash, entry, TLOG_ENTRY_LEN, e) < 0)
		goto fail;
	cache_put(t, 0, i, leaf_hash);
	memcpy(cur, leaf_hash, HASH_LEN);
	/* merge equal-sized peaks: leaf i completes a node at every level where
	 * the bits of i below it are all ones */
	while ((i >> level) & 1) {
		if (t->state.nfrontier == 0) {
			err_set(e, ERR_INTERNAL, "receipt log frontier underflow");
			goto fail;
		}
		t->state.nfrontier--;
		if (merkle_node_hash(h, t->state.frontier[t->state.nfrontier], cur, cur, e) < 0)
			goto fail;
		level++;
		if (store_tlog_node_add(c, level, i >> level, cur, e) < 0)
			goto fail;
		cache_put(t, level, i >> level, cur);
	}
	memcpy(t->state.frontier[t->state.nfrontier++], cur, HASH_LEN);
	t->state.tree_size = i + 1;
	*idx = i;
	return 0;
fail:
	t->state = saved;
	return -1;
}

void tlog_batch_save(struct tlog *t, struct tlog_state *out)
{
	*out = t->state;
}

void tlog_batch_restore(struct tlog *t, const struct tlog_state *saved)
{
	t->state = *saved;
}

static int sign_sth(struct tlog *t, struct tlog_sth_row *s, struct err *e)
{
	char msg[256];
	size_t n = tlog_sth_message(t->log_id, s->tree_size, s->timestamp_ms, s->root_hash, msg,
				    sizeof(msg));

	return sign_message(t->key, msg, n, s->signature, &s->signature_len, e);
}

/* The root of the current state (the fold of its frontier). */
static int state_root(struct tlog *t, const struct tlog_state *s, unsigned char out[HASH_LEN],
		      struct err *e)
{
	return merkle_fold(tlog_hash(t), (const unsigned char (*)[HASH_LEN])s->frontier,
			   s->nfrontier, out, e);
}

int tlog_batch_end(struct tlog *t, struct db_conn *c, struct tlog_sth_row *sth, struct err *e)
{
	memset(sth, 0, sizeof(*sth));
	if (t->state.tree_size == t->batch_start)
		return store_tlog_sth_latest(c, sth, e);
	if (store_tlog_state_set(c, &t->state, e) < 0)
		return -1;
	sth->tree_size = t->state.tree_size;
	sth->timestamp_ms = time_now_us() / 1000;
	if (state_root(t, &t->state, sth->root_hash, e) < 0 || sign_sth(t, sth, e) < 0)
		return -1;
	return store_tlog_sth_add(c, sth, e);
}

int tlog_batch_proof(struct tlog *t, struct db_conn *c, uint64_t idx,
		     unsigned char path[MERKLE_MAX_PATH][HASH_LEN], size_t *len, struct err *e)
{
	struct subtree_arg a = { t, c, 1 };

	return merkle_inclusion_proof(subtree, &a, idx, t->state.tree_size, path, len, e);
}

int tlog_refresh_sth(struct tlog *t, struct db *db, struct tlog_sth_row *sth, struct err *e)
{
	struct db_conn *c;
	struct tlog_state s;
	int rc = -1;

	memset(sth, 0, sizeof(*sth));
	if (db_acquire(db, &c, 5000, e) < 0)
		return -1;
	if (db_begin(c, e) < 0)
		goto out;
	if (store_tlog_state_lock(c, &s, e) < 0 || state_root(t, &s, sth->root_hash, e) < 0)
		goto rollback;
	sth->tree_size = s.tree_size;
	sth->timestamp_ms = time_now_us() / 1000;
	if (sign_sth(t, sth, e) < 0 || store_tlog_sth_add(c, sth, e) < 0 || db_commit(c, e) < 0)
		goto rollback;
	rc = 0;
	goto out;
rollback:
	db_rollback(c);
out:
	db_release(c);
	return rc;
}

/* ---- readers ---- */

int tlog_latest_sth(struct tlog *t, struct db *db, struct tlog_sth_row *out, struct err *e)
{
	struct db_conn *c;
	int rc;

	(void)t;
	if (db_acquire(db, &c, 5000, e) < 0)
		return -1;
	rc = store_tlog_sth_latest(c, out, e);
	db_release(c);
	return rc;
}

int tlog_batch_head(struct tlog *t, struct db *db, uint64_t idx, struct tlog_sth_row *sth,
		    unsigned char path[MERKLE_MAX_PATH][HASH_LEN], size_t *len, struct err *e)
{
	struct db_conn *c;
	int rc;

	if (db_acquire(db, &c, 5000, e) < 0)
		return -1;
	rc = store_tlog_sth_first_with(c, idx, sth, e);
	db_release(c);
	if (rc < 0)
		return -1;
	return tlog_inclusion(t, db, idx, sth->tree_size, path, len, e);
}

/* A proof may only name a tree size the log has reached. */
static int check_size(struct db_conn *c, uint64_t size, struct err *e)
{
	struct tlog_state s;

	if (store_tlog_state_get(c, &s, e) < 0)
		return -1;
	if (size > s.tree_size)
		return err_set(e, ERR_INVALID, "tree size %llu is larger than the log (%llu)",
			       (unsigned long long)size, (unsigned long long)s.tree_size);
	return 0;
}

int tlog_inclusion(struct tlog *t, struct db *db, uint64_t idx, uint64_t tree_size,
		   unsigned char path[MERKLE_MAX_PATH][HASH_LEN], size_t *len, struct err *e)
{
	struct subtree_arg a = { t, NULL, 0 };
	int rc;

	*len = 0;
	if (db_acquire(db, &a.c, 5000, e) < 0)
		return -1;
	rc = check_size(a.c, tree_size, e);
	if (rc == 0)
		rc = merkle_inclusion_proof(subtree, &a, idx, tree_size, path, len, e);
	db_release(a.c);
	return rc;
}

int tlog_consistency(struct tlog *t, struct db *db, uint64_t first, uint64_t second,
		     unsigned char proof[MERKLE_MAX_PATH][HASH_LEN], size_t *len, struct err *e)
{
	struct subtree_arg a = { t, NULL, 0 };
	int rc;

	*len = 0;
	if (db_acquire(db, &a.c, 5000, e) < 0)
		return -1;
	rc = check_size(a.c, second, e);
	if (rc == 0)
		rc = merkle_consistency_proof(subtree, &a, first, second, proof, len, e);
	db_release(a.c);
	return rc;
}

/* ---- verification ---- */

struct verify {
	struct tlog *t;
	struct db_conn *c;
	tlog_problem_fn *problem;
	void *arg;
	unsigned max_problems;
	struct tlog_verify_stats *stats;
	void (*progress)(void *arg, uint64_t done, uint64_t total);
	uint64_t expect;            /* next index expected */
	unsigned level;             /* pass 2: the level being checked */
	unsigned char pending[HASH_LEN];  /* pass 2: left child waiting for its sibling */
	uint64_t pending_idx;
	int have_pending;
	pthread_mutex_t *mu;        /* serialises problem reports of concurrent passes */
};

static void problem_range(struct verify *v, uint64_t leaf, uint64_t last, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* A problem that concerns the leaves leaf..last (one leaf when they are equal). */
static void problem_range(struct verify *v, uint64_t leaf, uint64_t last, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	v->stats->problems++;
	if (v->stats->problems > v->max_problems)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* the two passes that run at once report through one lock */
	pthread_mutex_lock(v->mu);
	v->problem(v->arg, leaf, last, msg);
	pthread_mutex_unlock(v->mu);
}

#define problem(v, leaf, ...) problem_range(v, leaf, leaf, __VA_ARGS__)

static int check_leaf(void *arg, uint64_t idx, const unsigned char *hash, size_t hash_len,
		      const unsigned char *entry, size_t entry_len, struct err *e)
{
	struct verify *v = arg;
	unsigned char h[HASH_LEN];
	struct tlog_entry en;
	struct err ignored = ERR_INIT;

	for (; v->expect < idx; v->expect++)
		problem(v, v->expect, "leaf %llu: missing", (unsigned long long)v->expect);
	v->expect = idx + 1;
	v->stats->leaves++;
	if (tlog_entry_decode(entry, entry_len, &en, &ignored) < 0)
		problem(v, idx, "leaf %llu: entry is not a valid version-1 entry",
			(unsigned long long)idx);
	if (merkle_leaf_hash(tlog_hash(v->t), entry, entry_len, h, e) < 0)
		return -1;
	if (hash_len != HASH_LEN || memcmp(h, hash, HASH_LEN) != 0)
		problem(v, idx, "leaf %llu: stored hash does not match its entry",
			(unsigned long long)idx);
	if (v->progress && (idx & 0xFFFF) == 0)
		v->progress(v->arg, idx, v->stats->tree_size);
	return 0;
}

/* Pass 2, one level: children come in order; every complete pair must
 * match the stored parent.  The children are read from level - 1. */
struct level_check {
	struct verify *v;
	const unsigned char (*parents)[HASH_LEN];  /* parents[i - base] */
	const unsigned char *have;                  /* have[i - base]: parent row present */
	uint64_t base, count;
};

static int check_child(void *arg, uint64_t idx, const unsigned char *hash, size_t hash_len,
		       struct err *e)
{
	struct level_check *lc = arg;
	struct verify *v = lc->v;
	unsigned char h[HASH_LEN];
	uint64_t parent = idx >> 1, first_leaf, last_leaf;

	if (hash_len != HASH_LEN)
		return 0;      /* reported by the leaf pass or its own level */
	if (!(idx & 1)) {
		memcpy(v->pending, hash, HASH_LEN);
		v->pending_idx = idx;
		v->have_pending = 1;
		return 0;
	}
	if (!v->have_pending || v->pending_idx != idx - 1)
		return 0;      /* a missing child: reported as missing */
	v->have_pending = 0;
	if (parent < lc->base || parent >= lc->base + lc->count)
		return 0;
	if (merkle_node_hash(tlog_hash(v->t), v->pending, hash, h, e) < 0)
		return -1;
	first_leaf = parent << v->level;
	last_leaf = ((parent + 1) << v->level) - 1;
	if (!lc->have[parent - lc->base])
		problem_range(v, first_leaf, last_leaf,
			      "leaf %llu: tree node (level %u, index %llu) is missing",
			      (unsigned long long)first_leaf, v->level, (unsigned long long)parent);
	else if (memcmp(h, lc->parents[parent - lc->base], HASH_LEN) != 0)
		problem_range(v, first_leaf, last_leaf,
			      "leaf %llu: tree node (level %u, index %llu) over leaves %llu-%llu does"
			      " not match its children (leaves changed, swapped or reordered)",
			      (unsigned long long)first_leaf, v->level, (unsigned long long)parent,
			      (unsigned long long)first_leaf, (unsigned long long)last_leaf);
	return 0;
}

struct parent_load {
	unsigned char (*parents)[HASH_LEN];
	unsigned char *have;
	uint64_t base;
	struct verify *v;
};

static int load_parent(void *arg, uint64_t idx, const unsigned char *hash, size_t hash_len,
		       struct err *e)
{
	struct parent_load *pl = arg;

	(void)e;
	pl->v->stats->nodes++;
	if (hash_len != HASH_LEN) {
		problem(pl->v, idx << pl->v->level, "leaf %llu: tree node (level %u, index %llu) is"
			" corrupt", (unsigned long long)(idx << pl->v->level), pl->v->level,
			(unsigned long long)idx);
		return 0;
	}
	memcpy(pl->parents[idx - pl->base], hash, HASH_LEN);
	pl->have[idx - pl->base] = 1;
	return 0;
}

static int child_leaf(void *arg, uint64_t idx, const unsigned char *hash, size_t hash_len,
		      const unsigned char *entry, size_t entry_len, struct err *e)
{
	(void)entry;
	(void)entry_len;
	return check_child(arg, idx, hash, hash_len, e);
}

/* Check every stored node of every level against its two children, a
 * window of parents at a time. */
static int check_nodes(struct verify *v, uint64_t size, struct err *e)
{
	enum { WINDOW = 65536 };
	unsigned char (*parents)[HASH_LEN] = xmalloc(WINDOW * HASH_LEN);
	unsigned char *have = xmalloc(WINDOW);
	int rc = 0;

	for (v->level = 1; rc == 0 && (size >> v->level) > 0; v->level++) {
		uint64_t count = size >> v->level;   /* complete nodes at this level */

		for (uint64_t base = 0; rc == 0 && base < count; base += WINDOW) {
			uint64_t n = count - base < WINDOW ? count - base : WINDOW;
			struct parent_load pl = { parents, have, base, v };
			struct level_check lc = { v, (const unsigned char (*)[HASH_LEN])parents,
						  have, base, n };

			memset(have, 0, n);
			rc = store_tlog_nodes(v->c, v->level, base, base + n, load_parent, &pl, e);
			v->have_pending = 0;
			if (rc == 0 && v->level == 1)
				rc = store_tlog_leaves(v->c, base * 2, (base + n) * 2, child_leaf, &lc, e);
			else if (rc == 0)
				rc = store_tlog_nodes(v->c, v->level - 1, base * 2, (base + n) * 2,
						      check_child, &lc, e);
			for (uint64_t i = 0; rc == 0 && i < n; i++)
				if (!have[i])
					problem_range(v, (base + i) << v->level,
						      ((base + i + 1) << v->level) - 1,
						      "leaf %llu: tree node (level %u, index %llu) is missing",
						      (unsigned long long)((base + i) << v->level), v->level,
						      (unsigned long long)(base + i));
		}
	}
	free(parents);
	free(have);
	return rc;
}

struct sth_check {
	struct verify *v;
	struct subtree_arg sa;
};

static int check_sth(void *arg, const struct tlog_sth_row *s, struct err *e)
{
	struct sth_check *sc = arg;
	struct verify *v = sc->v;
	unsigned char root[HASH_LEN];
	struct err e2 = ERR_INIT;

	v->stats->sths++;
	if (tlog_sth_verify(v->t, s, &e2) < 0)
		problem(v, s->tree_size ? s->tree_size - 1 : 0,
			"tree head of size %llu (%lld): signature does not verify",
			(unsigned long long)s->tree_size, (long long)s->timestamp_ms);
	if (s->tree_size > v->stats->tree_size) {
		problem(v, v->stats->tree_size, "tree head of size %llu is beyond the log (%llu)",
			(unsigned long long)s->tree_size, (unsigned long long)v->stats->tree_size);
		return 0;
	}
	if (s->tree_size == 0)
		return 0;
	if (subtree(&sc->sa, 0, s->tree_size, root, &e2) < 0) {
		if (e2.code != ERR_NOT_FOUND) {
			*e = e2;
			return -1;
		}
		problem(v, s->tree_size - 1, "tree head of size %llu: %s",
			(unsigned long long)s->tree_size, e2.msg);
		return 0;
	}
	if (memcmp(root, s->root_hash, HASH_LEN) != 0)
		problem(v, s->tree_size - 1,
			"tree head of size %llu: the tree's root differs from the signed root",
			(unsigned long long)s->tree_size);
	return 0;
}

static int each_entry_fn(void *arg, uint64_t idx, const unsigned char *hash, size_t hash_len,
			 const unsigned char *entry, size_t entry_len, struct err *e);

/* Pass 2 on a thread of its own (its own connection and hash context), so
 * the leaf pass and the node pass run on two cores at once. */
struct node_pass {
	struct verify v;
	struct tlog_verify_stats stats;
	uint64_t size;
	int rc;
	struct err e;
};

static void *node_pass_run(void *arg)
{
	struct node_pass *np = arg;

	np->rc = check_nodes(&np->v, np->size, &np->e);
	return NULL;
}

int tlog_verify(struct tlog *t, struct db *db, tlog_problem_fn *problem_fn, void *arg,
		unsigned max_problems, void (*progress)(void *arg, uint64_t done, uint64_t total),
		struct tlog_verify_stats *stats, struct err *e)
{
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	struct verify v = { 0 };
	struct node_pass np;
	struct tlog_state s;
	struct sth_check sc;
	unsigned char root[HASH_LEN];
	pthread_t th;
	int rc = -1, started = 0, pass1;

	memset(stats, 0, sizeof(*stats));
	memset(&np, 0, sizeof(np));
	v.t = t;
	v.problem = problem_fn;
	v.arg = arg;
	v.max_problems = max_problems;
	v.stats = stats;
	v.progress = progress;
	v.mu = &mu;
	if (db_acquire(db, &v.c, 5000, e) < 0)
		return -1;
	if (store_tlog_state_get(v.c, &s, e) < 0)
		goto out;
	stats->tree_size = s.tree_size;
	/* pass 2 (every node against its children) beside pass 1, when the pool
	 * has a second connection for it; else after it */
	np.v = v;
	np.v.stats = &np.stats;
	np.v.progress = NULL;
	np.size = s.tree_size;
	np.e = (struct err)ERR_INIT;
	if (s.tree_size > 0 && db_acquire(db, &np.v.c, 0, &np.e) == 0) {
		if (pthread_create(&th, NULL, node_pass_run, &np) == 0)
			started = 1;
		else
			db_release(np.v.c);
	}
	/* pass 1: every leaf against its entry; gaps */
	pass1 = store_tlog_leaves(v.c, 0, s.tree_size, check_leaf, &v, e);
	if (pass1 == 0) {
		for (; v.expect < s.tree_size; v.expect++)
			problem(&v, v.expect, "leaf %llu: missing", (unsigned long long)v.expect);
		if (!started && check_nodes(&v, s.tree_size, e) < 0)
			pass1 = -1;
	}
	if (started) {
		pthread_join(th, NULL);
		db_release(np.v.c);
		stats->nodes += np.stats.nodes;
		stats->problems += np.stats.problems;
		if (np.rc < 0 && pass1 == 0) {
			*e = np.e;
			pass1 = -1;
		}
	}
	if (pass1 < 0)
		goto out;
	/* pass 3: every tree head against the tree and its signature */
	sc.v = &v;
	sc.sa.t = t;
	sc.sa.c = v.c;
	sc.sa.use_cache = 0;
	if (store_tlog_sth_each(v.c, check_sth, &sc, e) < 0)
		goto out;
	/* the append state: its frontier must be the tree's */
	if (state_root(t, &s, root, e) < 0)
		goto out;
	if (s.tree_size) {
		unsigned char r2[HASH_LEN];
		struct err e2 = ERR_INIT;

		if (subtree(&sc.sa, 0, s.tree_size, r2, &e2) == 0 && memcmp(root, r2, HASH_LEN) != 0)
			problem(&v, s.tree_size - 1, "the append state's frontier differs from the tree");
	}
	if (progress)
		progress(arg, s.tree_size, s.tree_size);
	rc = stats->problems ? err_set(e, ERR_INVALID, "%llu problem(s) in the receipt log",
				       (unsigned long long)stats->problems)
			     : 0;
out:
	db_release(v.c);
	return rc;
}

struct each_entry {
	int (*fn)(void *arg, uint64_t idx, const struct tlog_entry *en, struct err *e);
	void *arg;
};

static int each_entry_fn(void *arg, uint64_t idx, const unsigned char *hash, size_t hash_len,
			 const unsigned char *entry, size_t entry_len, struct err *e)
{
	struct each_entry *ee = arg;
	struct tlog_entry en;
	struct err ignored = ERR_INIT;

	(void)hash;
	(void)hash_len;
	if (tlog_entry_decode(entry, entry_len, &en, &ignored) < 0)
		return 0;      /* the leaf pass reports it */
	return ee->fn(ee->arg, idx, &en, e);
}

int tlog_each_entry(struct tlog *t, struct db_conn *c, uint64_t start, uint64_t end,
		    int (*fn)(void *arg, uint64_t idx, const struct tlog_entry *en, struct err *e),
		    void *arg, struct err *e)
{
	struct each_entry ee = { fn, arg };

	(void)t;
	return store_tlog_leaves(c, start, end, each_entry_fn, &ee, e);
}
