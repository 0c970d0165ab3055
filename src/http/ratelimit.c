/* ratelimit.c - sharded token buckets with bounded memory. */
#include "http/ratelimit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

#define SHARDS 64
#define SLOTS 1024             /* buckets per shard */
#define PROBE 8                /* slots looked at per lookup */

struct bucket {
	char client[48];
	double tokens;
	int64_t seen_us;
};

struct shard {
	pthread_mutex_t mu;
	struct bucket b[SLOTS];
};

struct ratelimit {
	double capacity;
	double per_us;
	struct shard shards[SHARDS];
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = UINT64_C(1469598103934665603);

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
	return h;
}

struct ratelimit *ratelimit_new(long per_minute)
{
	struct ratelimit *rl;

	if (per_minute <= 0)
		return NULL;
	rl = xcalloc(1, sizeof(*rl));
	rl->capacity = (double)per_minute;
	rl->per_us = (double)per_minute / 60e6;
	for (int i = 0; i < SHARDS; i++)
		pthread_mutex_init(&rl->shards[i].mu, NULL);
	return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	for (int i = 0; i < SHARDS; i++)
		pthread_mutex_destroy(&rl->shards[i].mu);
	free(rl);
}

unsigned ratelimit_take(struct ratelimit *rl, const char *client, int64_t now_us)
{
	uint64_t h;
	struct shard *s;
	struct bucket *b = NULL, *oldest = NULL;
	unsigned wait = 0;

	if (rl == NULL)
		return 0;
	h = fnv1a(client);
	s = &rl->shards[h % SHARDS];
	pthread_mutex_lock(&s->mu);
	for (unsigned i = 0; i < PROBE; i++) {
		struct bucket *c = &s->b[(h / SHARDS + i) % SLOTS];

		if (c->client[0] && strcmp(c->client, client) == 0) {
			b = c;
			break;
		}
		if (oldest == NULL || c->seen_us < oldest->seen_us)
			oldest = c;
	}
	if (b == NULL) {
		b = oldest;
		snprintf(b->client, sizeof(b->client), "%s", client);
		b->tokens = rl->capacity;
		b->seen_us = now_us;
	}
	if (now_us > b->seen_us) {
		b->tokens += (double)(now_us - b->seen_us) * rl->per_us;
		if (b->tokens > rl->capacity)
			b->tokens = rl->capacity;
	}
	b->seen_us = now_us;
	if (b->tokens >= 1.0) {
		b->tokens -= 1.0;
	} else {
		double us = (1.0 - b->tokens) / rl->per_us;

		wait = (unsigned)(us / 1e6) + 1;
	}
	pthread_mutex_unlock(&s->mu);
	return wait;
}
