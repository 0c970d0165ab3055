/* buf.h - a growable byte buffer with a maximum size.
 *
 * Like curl's dynbuf: every buffer is created with the most it may ever hold,
 * so input read into it (a request body, a file) can never grow without bound.
 * The contents are always NUL-terminated (the NUL is not counted in len).
 *
 *	struct buf b;
 *	buf_init(&b, 1 << 20);
 *	if (buf_add(&b, data, n) < 0) ... too large ...
 *	use(b.data, b.len);
 *	buf_release(&b);
 */
#ifndef VF_BUF_H
#define VF_BUF_H

#include <stddef.h>

struct buf {
	char *data;   /* NULL until something is added */
	size_t len;
	size_t alloc;
	size_t max;   /* len never exceeds this */
};

void buf_init(struct buf *b, size_t max);
/* Append n bytes; -1 (contents unchanged) if that would pass max. */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);
/* Hand the contents to the caller (who frees them); b is left empty. */
char *buf_detach(struct buf *b, size_t *len);
void buf_release(struct buf *b);

#endif
