/* ratelimit.h - per-client token buckets for the intake routes.
 *
 * Each client (address) has a bucket of `per_minute` tokens that refills
 * continuously at per_minute / 60 tokens a second; a request takes one.
 * Memory is bounded: a fixed table per shard, where a full table evicts the
 * bucket seen longest ago (an idle bucket is full anyway, so forgetting it
 * changes nothing for a well-behaved client).
 */
#ifndef VF_RATELIMIT_H
#define VF_RATELIMIT_H

#include <stdint.h>

struct ratelimit;

/* per_minute = 0 makes every check pass. */
struct ratelimit *ratelimit_new(long per_minute);
void ratelimit_free(struct ratelimit *rl);
/* 0 if client may go on now (a token is taken); otherwise the whole
 * seconds until a token is available (for Retry-After, at least 1). */
unsigned ratelimit_take(struct ratelimit *rl, const char *client, int64_t now_us);

#endif
