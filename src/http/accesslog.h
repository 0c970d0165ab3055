/* accesslog.h - the access log: one line per request, written in batches.
 *
 * A write(2) per request costs the server a noticeable share of its throughput
 * on small requests, so each worker thread appends lines to a buffer of its
 * own, written out when it holds 16 KiB and at least every 100 ms by a flusher
 * thread.  Lines are never dropped; accesslog_stop() writes out everything.
 */
#ifndef VF_ACCESSLOG_H
#define VF_ACCESSLOG_H

#include <stddef.h>

struct accesslog;

struct accesslog *accesslog_start(int fd);
void accesslog_write(struct accesslog *l, const char *line, size_t n);
void accesslog_stop(struct accesslog *l);

#endif
