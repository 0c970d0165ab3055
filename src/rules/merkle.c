/* merkle.c - RFC 9162 tree hashes, proof generation and proof verification. */
#include "rules/merkle.h"

#include <inttypes.h>
#include <string.h>

/* A range of leaves [start, end). */
struct range {
	uint64_t start, end;
};

/* The largest power of two strictly less than n (n >= 2): RFC 9162's k. */
static uint64_t split_point(uint64_t n)
{
	return UINT64_C(1) << (63 - __builtin_clzll(n - 1));
}

int merkle_leaf_hash(struct hash_ctx *c, const void *data, size_t len,
		     unsigned char out[HASH_LEN], struct err *e)
{
	static const unsigned char leaf_prefix = 0x00;

	hash_begin(c);
	hash_update(c, &leaf_prefix, 1);
	hash_update(c, data, len);
	return hash_finish(c, out, e);
}

int merkle_node_hash(struct hash_ctx *c, const unsigned char left[HASH_LEN],
		     const unsigned char right[HASH_LEN], unsigned char out[HASH_LEN],
		     struct err *e)
{
	/* One contiguous update is measurably faster than three, and the copy
	 * lets out alias left or right. */
	unsigned char buf[1 + 2 * HASH_LEN];

	buf[0] = 0x01;
	memcpy(buf + 1, left, HASH_LEN);
	memcpy(buf + 1 + HASH_LEN, right, HASH_LEN);
	return hash_digest(c, buf, sizeof(buf), out, e);
}

int merkle_fold(struct hash_ctx *c, const unsigned char (*peaks)[HASH_LEN], size_t npeaks,
		unsigned char out[HASH_LEN], struct err *e)
{
	unsigned char acc[HASH_LEN];

	if (npeaks == 0)
		return hash_digest(c, NULL, 0, out, e);
	memcpy(acc, peaks[npeaks - 1], HASH_LEN);
	for (size_t i = npeaks - 1; i-- > 0;)
		if (merkle_node_hash(c, peaks[i], acc, acc, e) < 0)
			return -1;
	memcpy(out, acc, HASH_LEN);
	return 0;
}

/*
 * Left to right over the leaves, keeping the hashes of the complete subtrees
 * seen so far on a stack (at most one per bit of the count, largest at the
 * bottom): when a pair of equal-sized subtrees is on top they merge.  What is
 * left at the end is the binary decomposition of n, which merkle_fold()
 * combines from the right exactly as MTH's recursion does.
 */
int merkle_root(struct hash_ctx *c, const unsigned char (*leaves)[HASH_LEN], uint64_t n,
		unsigned char out[HASH_LEN], struct err *e)
{
	unsigned char stack[MERKLE_MAX_PATH + 1][HASH_LEN];
	size_t top = 0;
	uint64_t i;

	if (n > MERKLE_MAX_SIZE)
		return err_set(e, ERR_INVALID, "tree size %" PRIu64 " is too large", n);
	/* Leaves two at a time: their parent goes straight onto the stack. */
	for (i = 0; i + 1 < n; i += 2) {
		if (merkle_node_hash(c, leaves[i], leaves[i + 1], stack[top], e) < 0)
			return -1;
		top++;
		/* (i + 2) / 2 pairs done: merge once per trailing zero bit */
		for (uint64_t pairs = (i + 2) >> 1; (pairs & 1) == 0; pairs >>= 1) {
			top--;
			if (merkle_node_hash(c, stack[top - 1], stack[top], stack[top - 1], e) < 0)
				return -1;
		}
	}
	if (i < n)
		memcpy(stack[top++], leaves[i], HASH_LEN);
	return merkle_fold(c, (const unsigned char(*)[HASH_LEN])stack, top, out, e);
}

/* Ask the callback for each range, writing the hashes in order. */
static int fill(merkle_subtree_fn *subtree, void *arg, const struct range *r, size_t n,
		unsigned char (*out)[HASH_LEN], struct err *e)
{
	for (size_t i = 0; i < n; i++)
		if (subtree(arg, r[i].start, r[i].end, out[i], e) < 0)
			return -1;
	return 0;
}

/*
 * PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n])       for m < k
 *               = PATH(m - k, D[k:n]) : MTH(D[0:k])   for m >= k
 * Walking down from the root finds the siblings top first; the path lists
 * them bottom first.
 */
int merkle_inclusion_proof(merkle_subtree_fn *subtree, void *arg, uint64_t index,
			   uint64_t tree_size, unsigned char path[MERKLE_MAX_PATH][HASH_LEN],
			   size_t *path_len, struct err *e)
{
	struct range r[MERKLE_MAX_PATH];
	uint64_t lo = 0, hi = tree_size;
	size_t n = 0;

	*path_len = 0;
	if (tree_size > MERKLE_MAX_SIZE)
		return err_set(e, ERR_INVALID, "tree size %" PRIu64 " is too large", tree_size);
	if (index >= tree_size)
		return err_set(e, ERR_INVALID,
			       "leaf index %" PRIu64 " is not less than tree size %" PRIu64, index,
			       tree_size);
	while (hi - lo > 1) {
		uint64_t k = split_point(hi - lo);

		if (index < lo + k) {
			r[MERKLE_MAX_PATH - 1 - n++] = (struct range){ lo + k, hi };
			hi = lo + k;
		} else {
			r[MERKLE_MAX_PATH - 1 - n++] = (struct range){ lo, lo + k };
			lo += k;
		}
	}
	if (fill(subtree, arg, r + MERKLE_MAX_PATH - n, n, path, e) < 0)
		return -1;
	*path_len = n;
	return 0;
}

/*
 * PROOF(m, D[n]) = SUBPROOF(m, D[n], true)
 * SUBPROOF(m, D[m], true)  = {}
 * SUBPROOF(m, D[m], false) = {MTH(D[m])}
 * SUBPROOF(m, D[n], b)     = SUBPROOF(m, D[0:k], b) : MTH(D[k:n])        for m <= k
 *                          = SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k]) for m > k
 * The same walk from the root as PATH, ending where the old tree's edge
 * (first) is the end of the current subtree.  Invariant: lo < first <= hi.
 */
int merkle_consistency_proof(merkle_subtree_fn *subtree, void *arg, uint64_t first,
			     uint64_t second, unsigned char proof[MERKLE_MAX_PATH][HASH_LEN],
			     size_t *proof_len, struct err *e)
{
	struct range r[MERKLE_MAX_PATH];
	uint64_t lo = 0, hi = second;
	size_t n = 0;
	int known = 1;      /* SUBPROOF's b: MTH(D[lo:first]) is the verifier's */

	*proof_len = 0;
	if (second > MERKLE_MAX_SIZE)
		return err_set(e, ERR_INVALID, "tree size %" PRIu64 " is too large", second);
	if (first == 0)
		return err_set(e, ERR_INVALID, "consistency proofs start at tree size 1, not 0");
	if (first > second)
		return err_set(e, ERR_INVALID,
			       "first tree size %" PRIu64 " is larger than second %" PRIu64, first,
			       second);
	while (first != hi) {
		uint64_t k = split_point(hi - lo);

		if (first <= lo + k) {
			r[MERKLE_MAX_PATH - 1 - n++] = (struct range){ lo + k, hi };
			hi = lo + k;
		} else {
			r[MERKLE_MAX_PATH - 1 - n++] = (struct range){ lo, lo + k };
			lo += k;
			known = 0;
		}
	}
	if (!known)
		r[MERKLE_MAX_PATH - 1 - n++] = (struct range){ lo, hi };
	if (fill(subtree, arg, r + MERKLE_MAX_PATH - n, n, proof, e) < 0)
		return -1;
	*proof_len = n;
	return 0;
}

int merkle_verify_inclusion(struct hash_ctx *c, const unsigned char leaf_hash[HASH_LEN],
			    uint64_t index, uint64_t tree_size,
			    const unsigned char (*path)[HASH_LEN], size_t path_len,
			    const unsigned char root[HASH_LEN], struct err *e)
{
	unsigned char r[HASH_LEN];
	uint64_t fn, sn;

	/* 1. leaf_index must be less than tree_size */
	if (index >= tree_size)
		return err_set(e, ERR_INVALID,
			       "leaf index %" PRIu64 " is not less than tree size %" PRIu64, index,
			       tree_size);
	/* 2. fn = leaf_index, sn = tree_size - 1;  3. r = hash */
	fn = index;
	sn = tree_size - 1;
	memcpy(r, leaf_hash, HASH_LEN);
	/* 4. for each p in the path */
	for (size_t i = 0; i < path_len; i++) {
		/* a. sn == 0 with path left over: fail */
		if (sn == 0)
			return err_set(e, ERR_INVALID, "inclusion proof is too long");
		/* b. */
		if ((fn & 1) || fn == sn) {
			if (merkle_node_hash(c, path[i], r, r, e) < 0)
				return -1;
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			if (merkle_node_hash(c, r, path[i], r, e) < 0)
				return -1;
		}
		/* c. */
		fn >>= 1;
		sn >>= 1;
	}
	/* 5. */
	if (sn != 0)
		return err_set(e, ERR_INVALID, "inclusion proof is too short");
	if (memcmp(r, root, HASH_LEN) != 0)
		return err_set(e, ERR_INVALID, "inclusion proof does not lead to the root");
	return 0;
}

int merkle_verify_consistency(struct hash_ctx *c, uint64_t first, uint64_t second,
			      const unsigned char first_hash[HASH_LEN],
			      const unsigned char second_hash[HASH_LEN],
			      const unsigned char (*proof)[HASH_LEN], size_t proof_len,
			      struct err *e)
{
	unsigned char fr[HASH_LEN], sr[HASH_LEN];
	uint64_t fn, sn;
	size_t i, n;
	int prepend;

	if (first == 0)
		return err_set(e, ERR_INVALID, "consistency proofs start at tree size 1, not 0");
	if (first > second)
		return err_set(e, ERR_INVALID,
			       "first tree size %" PRIu64 " is larger than second %" PRIu64, first,
			       second);
	if (first == second) {
		if (proof_len != 0)
			return err_set(e, ERR_INVALID,
				       "consistency proof between equal sizes must be empty");
		if (memcmp(first_hash, second_hash, HASH_LEN) != 0)
			return err_set(e, ERR_INVALID, "roots of the same tree size differ");
		return 0;
	}
	/* 1. an empty path fails */
	if (proof_len == 0)
		return err_set(e, ERR_INVALID, "consistency proof is empty");
	/* 2. if first is a power of 2, prepend first_hash (done by indexing:
	 * element i of the path is first_hash or proof[i - prepend]) */
	prepend = (first & (first - 1)) == 0;
	n = proof_len + (size_t)prepend;
	/* 3. */
	fn = first - 1;
	sn = second - 1;
	/* 4. */
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	/* 5. */
	memcpy(fr, prepend ? first_hash : proof[0], HASH_LEN);
	memcpy(sr, fr, HASH_LEN);
	/* 6. each subsequent value c */
	for (i = 1; i < n; i++) {
		const unsigned char *cv = proof[i - (size_t)prepend];

		/* a. */
		if (sn == 0)
			return err_set(e, ERR_INVALID, "consistency proof is too long");
		/* b. */
		if ((fn & 1) || fn == sn) {
			if (merkle_node_hash(c, cv, fr, fr, e) < 0 ||
			    merkle_node_hash(c, cv, sr, sr, e) < 0)
				return -1;
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			if (merkle_node_hash(c, sr, cv, sr, e) < 0)
				return -1;
		}
		/* c. */
		fn >>= 1;
		sn >>= 1;
	}
	/* 7. */
	if (sn != 0)
		return err_set(e, ERR_INVALID, "consistency proof is too short");
	if (memcmp(fr, first_hash, HASH_LEN) != 0)
		return err_set(e, ERR_INVALID, "consistency proof does not lead to the first root");
	if (memcmp(sr, second_hash, HASH_LEN) != 0)
		return err_set(e, ERR_INVALID,
			       "consistency proof does not lead to the second root");
	return 0;
}

int merkle_mem_subtree(void *arg, uint64_t start, uint64_t end, unsigned char out[HASH_LEN],
		       struct err *e)
{
	const struct merkle_mem *m = arg;

	if (start >= end || end > m->n)
		return err_set(e, ERR_INVALID,
			       "leaves %" PRIu64 "..%" PRIu64 " are not in a tree of %" PRIu64,
			       start, end, m->n);
	return merkle_root(m->hash, m->leaves + start, end - start, out, e);
}
