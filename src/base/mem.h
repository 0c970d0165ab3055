/* mem.h - allocation wrappers that abort on out-of-memory.
 *
 * An allocation failure in a server is not a condition any caller can
 * handle sensibly, so these never return NULL: they print one line and abort.
 */
#ifndef VF_MEM_H
#define VF_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
