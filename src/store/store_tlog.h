/* store_tlog.h - SQL for the receipt log: its parameters, leaves, subtree nodes and tree heads.
 *
 * tlog_meta holds one row: the log's identity (log_id, algorithms, public
 * key) and its append state (tree size and frontier: the hashes of the
 * complete subtrees along the right edge, largest first).  Appending locks
 * that row first (PostgreSQL: SELECT ... FOR UPDATE; SQLite: the write
 * transaction is exclusive already), so appends from several processes
 * serialise through the database.  tlog_nodes holds every complete subtree
 * hash of level >= 1 (node (level, idx) covers leaves idx*2^level ..
 * (idx+1)*2^level - 1); level 0 is tlog_leaves.leaf_hash.
 */
#ifndef VF_STORE_TLOG_H
#define VF_STORE_TLOG_H

#include <stddef.h>
#include <stdint.h>

#include "base/hash.h"
#include "rules/merkle.h"
#include "store/db.h"

struct tlog_meta_row {
	char log_id[HASH_HEX_LEN];
	char hash_alg[16];
	char sig_alg[16];
	unsigned char public_key[512];
	size_t public_key_len;
	int64_t created_at;
};

struct tlog_state {
	uint64_t tree_size;
	unsigned char frontier[MERKLE_MAX_PATH][HASH_LEN];
	size_t nfrontier;
};

struct tlog_sth_row {
	uint64_t tree_size;
	int64_t timestamp_ms;
	unsigned char root_hash[HASH_LEN];
	unsigned char signature[128];
	size_t signature_len;
};

/* ERR_NOT_FOUND when the log has not been created. */
int store_tlog_meta_get(struct db_conn *c, struct tlog_meta_row *out, struct err *e);
int store_tlog_meta_create(struct db_conn *c, const struct tlog_meta_row *m, int64_t now,
			   struct err *e);
/* Read (and on PostgreSQL lock until the transaction ends) the append state. */
int store_tlog_state_lock(struct db_conn *c, struct tlog_state *out, struct err *e);
/* Read the append state without locking. */
int store_tlog_state_get(struct db_conn *c, struct tlog_state *out, struct err *e);
int store_tlog_state_set(struct db_conn *c, const struct tlog_state *s, struct err *e);

int store_tlog_leaf_add(struct db_conn *c, uint64_t idx, const unsigned char hash[HASH_LEN],
			const void *entry, size_t entry_len, struct err *e);
int store_tlog_node_add(struct db_conn *c, unsigned level, uint64_t idx,
			const unsigned char hash[HASH_LEN], struct err *e);
/* The hash of node (level, idx); level 0 is a leaf.  ERR_NOT_FOUND if absent. */
int store_tlog_node_get(struct db_conn *c, unsigned level, uint64_t idx,
			unsigned char out[HASH_LEN], struct err *e);

/* Leaves start <= idx < end in order; entry points into the row (valid during fn).
 * fn returns 0 to go on, 1 to stop, -1 (with e) to fail. */
typedef int store_tlog_leaf_fn(void *arg, uint64_t idx, const unsigned char *hash,
			       size_t hash_len, const unsigned char *entry, size_t entry_len,
			       struct err *e);
int store_tlog_leaves(struct db_conn *c, uint64_t start, uint64_t end, store_tlog_leaf_fn *fn,
		      void *arg, struct err *e);
/* Nodes of one level with start <= idx < end, in order (level >= 1). */
typedef int store_tlog_node_fn(void *arg, uint64_t idx, const unsigned char *hash,
			       size_t hash_len, struct err *e);
int store_tlog_nodes(struct db_conn *c, unsigned level, uint64_t start, uint64_t end,
		     store_tlog_node_fn *fn, void *arg, struct err *e);

int store_tlog_sth_add(struct db_conn *c, const struct tlog_sth_row *s, struct err *e);
/* The newest tree head (largest tree, then latest).  ERR_NOT_FOUND if none. */
int store_tlog_sth_latest(struct db_conn *c, struct tlog_sth_row *out, struct err *e);
/* The first tree head of a tree holding leaf idx (the smallest tree larger
 * than idx, then the earliest): the head signed at the end of the batch that
 * appended it.  ERR_NOT_FOUND if none. */
int store_tlog_sth_first_with(struct db_conn *c, uint64_t idx, struct tlog_sth_row *out,
			      struct err *e);
/* Every tree head in order of tree size (then id), paged internally. */
int store_tlog_sth_each(struct db_conn *c, int (*fn)(void *arg, const struct tlog_sth_row *s,
						     struct err *e),
			void *arg, struct err *e);

#endif
