/* fuzz_form.c - libFuzzer target for multipart/form-data parsing (mime_parse_form).
 *
 * The input's first line is the Content-Type header value, the rest the
 * body.  Any input either parses or is refused with ERR_MEDIA_TYPE,
 * ERR_MALFORMED or ERR_TOO_LARGE and a message.  What parses has named
 * fields with UTF-8 values and files with data, within the limits given.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mime_limits lim = { 32, 4, 4096, 8192 };
	const uint8_t *nl = memchr(data, '\n', size);
	struct mime_form *f;
	struct err e = ERR_INIT;
	char ct[512];
	size_t k;

	if (nl == NULL || (size_t)(nl - data) >= sizeof(ct))
		return 0;
	k = (size_t)(nl - data);
	memcpy(ct, data, k);
	ct[k] = '\0';
	if (mime_parse_form(&f, ct, nl + 1, size - k - 1, &lim, &e) < 0) {
		if (f != NULL || e.msg[0] == '\0' ||
		    (e.code != ERR_MEDIA_TYPE && e.code != ERR_MALFORMED && e.code != ERR_TOO_LARGE))
			abort();
		return 0;
	}
	if (f->nfields + f->nfiles > lim.max_parts)
		abort();
	for (size_t i = 0; i < f->nfields; i++) {
		if (f->fields[i].name == NULL || f->fields[i].value == NULL)
			abort();
		if (mime_form_get(f, f->fields[i].name) == NULL)
			abort();
	}
	for (size_t i = 0; i < f->nfiles; i++) {
		if (f->files[i].field == NULL || f->files[i].filename == NULL ||
		    f->files[i].data == NULL || f->files[i].len > lim.max_part_size)
			abort();
	}
	mime_form_free(f);
	return 0;
}
