/* filetype.h - what a file is, from its bytes (libmagic), never from what the sender claims.
 *
 * Each thread keeps its own libmagic handle (libmagic handles are not
 * thread-safe), loaded on first use and freed when the thread ends.
 */
#ifndef VF_FILETYPE_H
#define VF_FILETYPE_H

#include <stddef.h>

/* The media type of data[0..len) ("application/pdf", "text/plain", ...)
 * into out; "application/octet-stream" when libmagic cannot tell. */
void filetype_detect(const void *data, size_t len, char *out, size_t n);

#endif
