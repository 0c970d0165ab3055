/* accesslog.c - batched access-log writes: a buffer per worker thread, one flusher.
 *
 * Each thread appends to its own buffer under that buffer's lock (uncontended
 * but for the flusher), and writes the buffer out itself when it passes
 * LOG_EAGER.  The flusher thread writes every buffer out every LOG_PERIOD_MS.
 * Writes to the file are serialised by write_mu, and each write holds whole
 * lines, so lines never interleave even on a pipe.
 */
#include "http/accesslog.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/mem.h"

#define LOG_CAP (64 * 1024)       /* bytes a thread's buffer holds */
#define LOG_EAGER (16 * 1024)     /* a thread writes its buffer out past this */
#define LOG_PERIOD_MS 100
#define LOG_SHARDS 64             /* threads that get their own buffer */

struct shard {
	pthread_mutex_t mu;
	size_t len;
	char buf[LOG_CAP];
};

struct accesslog {
	uint64_t id;               /* unique per log, so a thread's cached shard is never stale */
	int fd;
	int stopping;
	int has_flusher;
	pthread_t thread;
	pthread_mutex_t mu;        /* guards stopping, nshards; with cv, the flusher's sleep */
	pthread_cond_t cv;
	pthread_mutex_t write_mu;  /* one write(2) at a time */
	unsigned nshards;
	struct shard *shards[LOG_SHARDS];
};

static void write_all(struct accesslog *l, const char *p, size_t n)
{
	pthread_mutex_lock(&l->write_mu);
	while (n > 0) {
		ssize_t w = write(l->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;  /* nowhere to log to: nothing better to do */
		p += w;
		n -= (size_t)w;
	}
	pthread_mutex_unlock(&l->write_mu);
}

/* Write a shard's lines out (its lock held). */
static void flush_shard(struct accesslog *l, struct shard *s)
{
	if (s->len == 0)
		return;
	write_all(l, s->buf, s->len);
	s->len = 0;
}

static void flush_all(struct accesslog *l)
{
	unsigned n;

	pthread_mutex_lock(&l->mu);
	n = l->nshards;
	pthread_mutex_unlock(&l->mu);
	for (unsigned i = 0; i < n; i++) {
		pthread_mutex_lock(&l->shards[i]->mu);
		flush_shard(l, l->shards[i]);
		pthread_mutex_unlock(&l->shards[i]->mu);
	}
}

static void *flusher(void *arg)
{
	struct accesslog *l = arg;
	struct timespec ts;

	pthread_mutex_lock(&l->mu);
	while (!l->stopping) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += LOG_PERIOD_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&l->cv, &l->mu, &ts);
		pthread_mutex_unlock(&l->mu);
		flush_all(l);
		pthread_mutex_lock(&l->mu);
	}
	pthread_mutex_unlock(&l->mu);
	return NULL;
}

struct accesslog *accesslog_start(int fd)
{
	struct accesslog *l = xcalloc(1, sizeof(*l));

	static atomic_uint_fast64_t next_id = 1;

	l->id = atomic_fetch_add(&next_id, 1);
	l->fd = fd;
	pthread_mutex_init(&l->mu, NULL);
	pthread_mutex_init(&l->write_mu, NULL);
	pthread_cond_init(&l->cv, NULL);
	l->has_flusher = pthread_create(&l->thread, NULL, flusher, l) == 0;
	return l;
}

/* This thread's buffer in l, made on first use; NULL when there are no more. */
static struct shard *my_shard(struct accesslog *l)
{
	static _Thread_local uint64_t owner;
	static _Thread_local struct shard *mine;

	if (owner == l->id)
		return mine;
	owner = l->id;
	mine = NULL;
	pthread_mutex_lock(&l->mu);
	if (l->nshards < LOG_SHARDS) {
		mine = xcalloc(1, sizeof(*mine));
		pthread_mutex_init(&mine->mu, NULL);
		l->shards[l->nshards++] = mine;
	}
	pthread_mutex_unlock(&l->mu);
	return mine;
}

void accesslog_write(struct accesslog *l, const char *line, size_t n)
{
	struct shard *s = l->has_flusher ? my_shard(l) : NULL;

	if (s == NULL || n > LOG_CAP) {
		write_all(l, line, n);
		return;
	}
	pthread_mutex_lock(&s->mu);
	if (s->len + n > LOG_CAP)
		flush_shard(l, s);
	memcpy(s->buf + s->len, line, n);
	s->len += n;
	if (s->len >= LOG_EAGER)
		flush_shard(l, s);
	pthread_mutex_unlock(&s->mu);
}

void accesslog_stop(struct accesslog *l)
{
	if (l == NULL)
		return;
	if (l->has_flusher) {
		pthread_mutex_lock(&l->mu);
		l->stopping = 1;
		pthread_cond_broadcast(&l->cv);
		pthread_mutex_unlock(&l->mu);
		pthread_join(l->thread, NULL);
	}
	flush_all(l);
	for (unsigned i = 0; i < l->nshards; i++) {
		pthread_mutex_destroy(&l->shards[i]->mu);
		free(l->shards[i]);
	}
	pthread_mutex_destroy(&l->mu);
	pthread_mutex_destroy(&l->write_mu);
	pthread_cond_destroy(&l->cv);
	free(l);
}
