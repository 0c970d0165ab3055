/* pow.h - the optional proof-of-work on report submissions: a flood costs the sender.
 *
 * A challenge is self-contained and signed (no server state to hold per
 * client): "v1.EXPIRES.BITS.RANDOM.MAC", EXPIRES in Unix seconds, RANDOM 16
 * hex digits, MAC = hex HMAC-SHA-256 under a key derived from the storage key
 * (every process of an instance shares it).  The client finds a NONCE (any
 * 1-64 characters of [A-Za-z0-9]) such that SHA-256(challenge ":" NONCE)
 * begins with BITS zero bits, and sends "challenge:NONCE" in the
 * X-Vulnflow-PoW header (or the form field "pow").  A solution is accepted
 * once per process (a bounded set remembers recent ones) until it expires.
 */
#ifndef VF_POW_H
#define VF_POW_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define POW_CHALLENGE_LEN 200
#define POW_TTL_SECONDS 600

struct pow;

/* key: 32 bytes the challenges are signed with. */
struct pow *pow_new(const unsigned char key[32], unsigned bits);
void pow_free(struct pow *p);
unsigned pow_bits(const struct pow *p);
/* A new challenge valid for POW_TTL_SECONDS from now_s. */
void pow_challenge(struct pow *p, int64_t now_s, char out[POW_CHALLENGE_LEN], int64_t *expires);
/* 0 if solution ("challenge:nonce") is valid, unexpired and unused;
 * -1 with ERR_FORBIDDEN and the reason otherwise. */
int pow_check(struct pow *p, const char *solution, int64_t now_s, struct err *e);
/* Solve a challenge (for the CLI, tests and benchmarks): nonce into out. */
void pow_solve(const char *challenge, unsigned bits, char out[32]);

#endif
