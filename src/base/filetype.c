/* filetype.c - media types from content, with one libmagic handle per thread. */
#include "base/filetype.h"

#include <magic.h>
#include <pthread.h>
#include <stdio.h>

static pthread_key_t key;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void close_handle(void *p)
{
	magic_close(p);
}

static void make_key(void)
{
	pthread_key_create(&key, close_handle);
}

/* This thread's handle, or NULL if libmagic's database cannot be loaded. */
static magic_t handle(void)
{
	magic_t m;

	pthread_once(&once, make_key);
	m = pthread_getspecific(key);
	if (m != NULL)
		return m;
	m = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_ERROR);
	if (m == NULL)
		return NULL;
	if (magic_load(m, NULL) != 0) {
		magic_close(m);
		return NULL;
	}
	pthread_setspecific(key, m);
	return m;
}

void filetype_detect(const void *data, size_t len, char *out, size_t n)
{
	magic_t m = handle();
	const char *t = m ? magic_buffer(m, data, len) : NULL;

	snprintf(out, n, "%s", t ? t : "application/octet-stream");
}
