/* fuzz_jsonv.c - libFuzzer target for the request-JSON validation layer (jsonv_parse).
 *
 * Feeds arbitrary bytes as a request body to every body table the API routes
 * declare, and checks the layer's contract: it either accepts (and returns an
 * object) or refuses with a 400 or 422 and a message, never anything else.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonv.h"
#include "http/route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < routes_count; i++) {
		json_t *v = NULL;
		struct err e = ERR_INIT;

		if (routes[i].body == NULL)
			continue;
		if (jsonv_parse((const char *)data, size, routes[i].body, &v, &e) == 0) {
			if (!json_is_object(v))
				abort();
			json_decref(v);
		} else if (v != NULL || (e.code != ERR_MALFORMED && e.code != ERR_INVALID) ||
			   e.msg[0] == '\0') {
			abort();
		}
	}
	return 0;
}
