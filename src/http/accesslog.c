/* accesslog.c - batched access-log writes: a double buffer and a flusher thread.
 *
 * Under mu: `buf` takes new lines; `spare` is the other buffer, or NULL while
 * a flush is writing it.  Only one flush runs at a time (it takes `spare`), so
 * lines reach the file in the order they were logged.
 */
#include "http/accesslog.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/mem.h"

#define LOG_CAP (256 * 1024)      /* bytes a buffer holds */
#define LOG_EAGER (32 * 1024)     /* wake the flusher at this fill */
#define LOG_PERIOD_MS 100

struct accesslog {
	int fd;
	int direct;               /* no flusher thread: write each line at once */
	int stopping;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *buf, *spare;
	size_t len;
};

static void write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;  /* nowhere to log to: nothing better to do */
		p += w;
		n -= (size_t)w;
	}
}

/* Write out buf (mu held on entry and exit; released while writing). */
static void flush_locked(struct accesslog *l)
{
	char *full;
	size_t n;

	while (l->spare == NULL)
		pthread_cond_wait(&l->cv, &l->mu);
	if (l->len == 0)
		return;
	full = l->buf;
	n = l->len;
	l->buf = l->spare;
	l->spare = NULL;
	l->len = 0;
	pthread_mutex_unlock(&l->mu);
	write_all(l->fd, full, n);
	pthread_mutex_lock(&l->mu);
	l->spare = full;
	pthread_cond_broadcast(&l->cv);
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
		if (l->len < LOG_EAGER)
			pthread_cond_timedwait(&l->cv, &l->mu, &ts);
		flush_locked(l);
	}
	flush_locked(l);
	pthread_mutex_unlock(&l->mu);
	return NULL;
}

struct accesslog *accesslog_start(int fd)
{
	struct accesslog *l = xcalloc(1, sizeof(*l));

	l->fd = fd;
	l->buf = xmalloc(LOG_CAP);
	l->spare = xmalloc(LOG_CAP);
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->cv, NULL);
	if (pthread_create(&l->thread, NULL, flusher, l) != 0)
		l->direct = 1;
	return l;
}

void accesslog_write(struct accesslog *l, const char *line, size_t n)
{
	if (l->direct || n > LOG_CAP) {
		write_all(l->fd, line, n);
		return;
	}
	pthread_mutex_lock(&l->mu);
	if (l->len + n > LOG_CAP)
		flush_locked(l);  /* full: the caller pays for the backlog */
	memcpy(l->buf + l->len, line, n);
	l->len += n;
	if (l->len >= LOG_EAGER)
		pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
}

void accesslog_stop(struct accesslog *l)
{
	if (l == NULL)
		return;
	if (!l->direct) {
		pthread_mutex_lock(&l->mu);
		l->stopping = 1;
		pthread_cond_broadcast(&l->cv);
		pthread_mutex_unlock(&l->mu);
		pthread_join(l->thread, NULL);
	}
	pthread_mutex_destroy(&l->mu);
	pthread_cond_destroy(&l->cv);
	free(l->buf);
	free(l->spare);
	free(l);
}
