/* merkle.h - RFC 9162 Merkle tree hashing and proofs for the receipt log (pure).
 *
 * The tree is Certificate Transparency's (RFC 9162 §2.1, the same as RFC
 * 6962 §2.1), over the log's hash H (base/hash.h: SM3 or SHA-256):
 *
 *	MTH({})        = H("")                          the empty tree
 *	MTH({d(0)})    = H(0x00 || d(0))                a leaf hash
 *	MTH(D[n])      = H(0x01 || MTH(D[0:k]) || MTH(D[k:n]))
 *	                 for n > 1, k the largest power of two < n
 *
 * Everything here works on leaf hashes (MTH of one entry), never on the
 * entries themselves.  Proofs are arrays of HASH_LEN-byte hashes in the
 * RFC's order: an inclusion proof is PATH(m, D[n]) (§2.1.3.1), a
 * consistency proof is PROOF(m, D[n]) (§2.1.4.1); both list the hash
 * nearest the leaves first.  The verifiers are the RFC's algorithms of
 * §2.1.3.2 and §2.1.4.2, step by step.  docs/internals/tlog.md has the
 * whole format with worked examples.
 *
 * Proof generation does not read leaves: it asks a callback for the hash of
 * a range of leaves, so a log that stores subtree hashes answers in
 * O(log n) callback calls.  merkle_mem_subtree() is a reference callback
 * over an in-memory array of leaf hashes (O(n); tests and small trees).
 *
 * Every function returns 0 or -1 with e filled: ERR_INVALID for arguments
 * outside the RFC's definitions and for proofs that do not verify,
 * ERR_INTERNAL if the hash fails, or what the callback set.
 */
#ifndef VF_MERKLE_H
#define VF_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/hash.h"

/* The most hashes a proof this module generates can hold: inclusion proofs
 * are at most ceil(log2 n) long, consistency proofs one more, and tree sizes
 * are at most MERKLE_MAX_SIZE. */
#define MERKLE_MAX_PATH 64
#define MERKLE_MAX_SIZE (UINT64_C(1) << 63)

/* out = H(0x00 || data[0..len)), the hash of a log entry. */
int merkle_leaf_hash(struct hash_ctx *c, const void *data, size_t len,
		     unsigned char out[HASH_LEN], struct err *e);
/* out = H(0x01 || left || right).  out may be left or right. */
int merkle_node_hash(struct hash_ctx *c, const unsigned char left[HASH_LEN],
		     const unsigned char right[HASH_LEN], unsigned char out[HASH_LEN],
		     struct err *e);

/* out = MTH of the n leaf hashes (H("") for n = 0).  Iterative: n - 1 node
 * hashes, O(log n) stack, no allocation of its own. */
int merkle_root(struct hash_ctx *c, const unsigned char (*leaves)[HASH_LEN], uint64_t n,
		unsigned char out[HASH_LEN], struct err *e);

/* out = the root over complete subtrees that cover a range left to right,
 * given their hashes peaks[0..npeaks) in that order, the sizes being the
 * binary decomposition of the range's size (largest first):
 * H(0x01 || p0 || H(0x01 || p1 || ... H(0x01 || p[n-2] || p[n-1]))).
 * A log that stores complete subtrees builds the hash of a partial right
 * edge with this.  npeaks = 0 gives H(""). */
int merkle_fold(struct hash_ctx *c, const unsigned char (*peaks)[HASH_LEN], size_t npeaks,
		unsigned char out[HASH_LEN], struct err *e);

/* Fill out with MTH(D[start:end]), the hash of the leaves start..end-1.
 * The generators below only ask for ranges that are either a complete
 * subtree (end - start a power of two and start a multiple of it) or the
 * right edge of the proof's tree (end == its tree size, start a multiple of
 * a power of two >= end - start).  Return 0, or -1 with e filled. */
typedef int merkle_subtree_fn(void *arg, uint64_t start, uint64_t end,
			      unsigned char out[HASH_LEN], struct err *e);

/* The inclusion proof PATH(index, D[tree_size]) of RFC 9162 §2.1.3.1, into
 * path[0..*path_len).  0 <= index < tree_size <= MERKLE_MAX_SIZE, else
 * ERR_INVALID.  *path_len is 0 unless this succeeds. */
int merkle_inclusion_proof(merkle_subtree_fn *subtree, void *arg, uint64_t index,
			   uint64_t tree_size, unsigned char path[MERKLE_MAX_PATH][HASH_LEN],
			   size_t *path_len, struct err *e);

/* The consistency proof PROOF(first, D[second]) of RFC 9162 §2.1.4.1, into
 * proof[0..*proof_len).  0 < first <= second <= MERKLE_MAX_SIZE, else
 * ERR_INVALID; first == second gives the empty proof (SUBPROOF(m, D[m],
 * true) = {}).  *proof_len is 0 unless this succeeds. */
int merkle_consistency_proof(merkle_subtree_fn *subtree, void *arg, uint64_t first,
			     uint64_t second, unsigned char proof[MERKLE_MAX_PATH][HASH_LEN],
			     size_t *proof_len, struct err *e);

/* RFC 9162 §2.1.3.2: 0 if path proves that leaf_hash is leaf number index
 * of the tree of tree_size leaves whose root is root; else -1, ERR_INVALID. */
int merkle_verify_inclusion(struct hash_ctx *c, const unsigned char leaf_hash[HASH_LEN],
			    uint64_t index, uint64_t tree_size,
			    const unsigned char (*path)[HASH_LEN], size_t path_len,
			    const unsigned char root[HASH_LEN], struct err *e);

/* RFC 9162 §2.1.4.2: 0 if proof shows that the tree of second leaves with
 * root second_hash extends the tree of first leaves with root first_hash;
 * else -1, ERR_INVALID.  The RFC's algorithm covers 0 < first < second;
 * first == second verifies exactly when the proof is empty and the two
 * hashes are equal; first == 0 or first > second is ERR_INVALID. */
int merkle_verify_consistency(struct hash_ctx *c, uint64_t first, uint64_t second,
			      const unsigned char first_hash[HASH_LEN],
			      const unsigned char second_hash[HASH_LEN],
			      const unsigned char (*proof)[HASH_LEN], size_t proof_len,
			      struct err *e);

/* A merkle_subtree_fn over leaf hashes in memory: pass a struct merkle_mem
 * as arg.  Each call hashes the whole range (O(end - start)). */
struct merkle_mem {
	struct hash_ctx *hash;
	const unsigned char (*leaves)[HASH_LEN];
	uint64_t n;
};

int merkle_mem_subtree(void *arg, uint64_t start, uint64_t end, unsigned char out[HASH_LEN],
		       struct err *e);

#endif
