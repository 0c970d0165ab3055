/* tlog.h - the receipt log: an append-only RFC 9162 Merkle tree in the database.
 *
 * Every received item (report, e-mail, rejection, federation envelope) is one
 * leaf.  A leaf's data is its entry, 43 bytes:
 *
 *	byte 0        version, 1
 *	byte 1        channel (intake.h enum intake_channel)
 *	byte 2        disposition (enum intake_disposition)
 *	bytes 3-10    received_at, microseconds since the Unix epoch, big-endian signed
 *	bytes 11-42   H(payload): the log hash of the item's canonical JSON payload
 *
 * and its leaf hash is H(0x00 || entry).  A signed tree head (STH) signs the
 * ASCII text
 *
 *	"vulnflow-sth/1\n" log_id "\n" tree_size "\n" timestamp_ms "\n" root_hex "\n"
 *
 * (decimal numbers, lowercase hex) with the log's key; log_id is the hex log
 * hash of the key's DER SubjectPublicKeyInfo.  docs/internals/tlog.md has
 * worked examples for writing an independent verifier.
 *
 * Appends happen only in the intake writer (one thread per process) inside
 * group-commit batches: tlog_batch_begin() locks and reads the append
 * state, tlog_batch_append() adds leaves, tlog_batch_end() stores the new
 * state and one STH for the batch.  Several processes serialise on the
 * state row's lock, so the tree stays one tree.
 */
#ifndef VF_TLOG_H
#define VF_TLOG_H

#include <stddef.h>
#include <stdint.h>

#include "base/hash.h"
#include "base/sign.h"
#include "rules/merkle.h"
#include "store/db.h"
#include "store/store_tlog.h"

#define TLOG_ENTRY_LEN 43

struct tlog_entry {
	unsigned version;
	unsigned channel;
	unsigned disposition;
	int64_t received_at;
	unsigned char payload_hash[HASH_LEN];
};

void tlog_entry_encode(const struct tlog_entry *en, unsigned char out[TLOG_ENTRY_LEN]);
/* -1 (ERR_INVALID) if data is not a version-1 entry. */
int tlog_entry_decode(const void *data, size_t len, struct tlog_entry *out, struct err *e);

struct tlog;

/* Create the log of a new instance: a key pair in DIR/keys/log.key (0600)
 * and log.pub, and the tlog_meta row. */
int tlog_create(struct db *db, const char *dir, enum hash_alg hash, enum sign_alg sig,
		struct err *e);
/* Open the log.  With the private key (signing), or only the public key from
 * the database (verifying: want_private = 0).  An instance created before the
 * log existed gets one (SM3, SM2) on its first open with want_private. */
int tlog_open(struct tlog **out, struct db *db, const char *dir, int want_private,
	      struct err *e);
void tlog_close(struct tlog *t);

const char *tlog_log_id(const struct tlog *t);
enum hash_alg tlog_hash_alg(const struct tlog *t);
enum sign_alg tlog_sign_alg(const struct tlog *t);
/* The hash context of the calling thread for this log's algorithm. */
struct hash_ctx *tlog_hash(struct tlog *t);

/* The signed text of an STH (see above) into buf; returns its length. */
size_t tlog_sth_message(const char *log_id, uint64_t tree_size, int64_t timestamp_ms,
			const unsigned char root[HASH_LEN], char *buf, size_t n);
/* Check an STH's signature with the log's public key. */
int tlog_sth_verify(struct tlog *t, const struct tlog_sth_row *s, struct err *e);

/* ---- the writer (one thread) ---- */
int tlog_batch_begin(struct tlog *t, struct db_conn *c, struct err *e);
/* Append one leaf; on failure the batch state is as it was before. */
int tlog_batch_append(struct tlog *t, struct db_conn *c, const unsigned char entry[TLOG_ENTRY_LEN],
		      uint64_t *idx, unsigned char leaf_hash[HASH_LEN], struct err *e);
/* Remember the batch state before a job, and return to it if the job fails
 * after appending (its savepoint is rolled back). */
void tlog_batch_save(struct tlog *t, struct tlog_state *out);
void tlog_batch_restore(struct tlog *t, const struct tlog_state *saved);
/* Store the state and sign an STH if the tree grew (*sth is the new head,
 * or the latest one if the batch added nothing). */
int tlog_batch_end(struct tlog *t, struct db_conn *c, struct tlog_sth_row *sth, struct err *e);
/* The inclusion proof of leaf idx in the tree of the batch's end, from the
 * batch's own nodes where it can (no query for the batch's leaves). */
int tlog_batch_proof(struct tlog *t, struct db_conn *c, uint64_t idx,
		     unsigned char path[MERKLE_MAX_PATH][HASH_LEN], size_t *len, struct err *e);
/* Sign a fresh STH of the current tree (a quiet log's heads stay fresh). */
int tlog_refresh_sth(struct tlog *t, struct db *db, struct tlog_sth_row *sth, struct err *e);

/* ---- readers (any thread; each call takes its own connection) ---- */
int tlog_latest_sth(struct tlog *t, struct db *db, struct tlog_sth_row *out, struct err *e);
/* The head signed at the end of the batch that appended leaf idx (the first
 * head whose tree holds it) and idx's inclusion proof in that tree: the
 * same answer every time for one leaf. */
int tlog_batch_head(struct tlog *t, struct db *db, uint64_t idx, struct tlog_sth_row *sth,
		    unsigned char path[MERKLE_MAX_PATH][HASH_LEN], size_t *len, struct err *e);
int tlog_inclusion(struct tlog *t, struct db *db, uint64_t idx, uint64_t tree_size,
		   unsigned char path[MERKLE_MAX_PATH][HASH_LEN], size_t *len, struct err *e);
int tlog_consistency(struct tlog *t, struct db *db, uint64_t first, uint64_t second,
		     unsigned char proof[MERKLE_MAX_PATH][HASH_LEN], size_t *len, struct err *e);

/* ---- verification (vulnflow log verify) ---- */

/* A problem found, concerning the leaves first..last (first == last: that
 * leaf; a range: a tree node over them, which cannot tell which of its
 * leaves changed), and a message starting "leaf N: ". */
typedef void tlog_problem_fn(void *arg, uint64_t first, uint64_t last, const char *msg);

struct tlog_verify_stats {
	uint64_t tree_size;
	uint64_t leaves;
	uint64_t nodes;
	uint64_t sths;
	uint64_t problems;
};

/* Recompute every leaf hash from its entry, every stored node from its
 * children, every STH root from the nodes, check every STH signature and
 * the append state.  Calls problem for each fault (up to max_problems);
 * 0 when all is well, -1 with e for a fault or when the database fails.
 * progress (may be NULL) is called now and then with leaves done / total. */
int tlog_verify(struct tlog *t, struct db *db, tlog_problem_fn *problem, void *arg,
		unsigned max_problems, void (*progress)(void *arg, uint64_t done, uint64_t total),
		struct tlog_verify_stats *stats, struct err *e);
/* The entry of each leaf in [start, end), for checks of what the leaves point at. */
int tlog_each_entry(struct tlog *t, struct db_conn *c, uint64_t start, uint64_t end,
		    int (*fn)(void *arg, uint64_t idx, const struct tlog_entry *en, struct err *e),
		    void *arg, struct err *e);

#endif
