/* accesslog.h - the access log: one line per request, written in batches.
 *
 * A write(2) per request costs the server about a fifth of its throughput on
 * small requests, so worker threads append lines to a shared buffer and a
 * writer thread flushes it at least every 100 ms (or as soon as it holds
 * 32 KiB).  Lines are never dropped: if the buffer is full the caller writes
 * the backlog itself.  accesslog_stop() flushes everything.
 */
#ifndef VF_ACCESSLOG_H
#define VF_ACCESSLOG_H

#include <stddef.h>

struct accesslog;

struct accesslog *accesslog_start(int fd);
void accesslog_write(struct accesslog *l, const char *line, size_t n);
void accesslog_stop(struct accesslog *l);

#endif
