/* fuzz_cvss.c - libFuzzer target for the CVSS parsers (2.0, 3.0, 3.1, 4.0).
 *
 * Any bytes either parse or are refused with ERR_INVALID and a message.  What
 * parses must round-trip: the normalised vector parses again to the same
 * version, score and normalised text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules/cvss.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cvss_result a, b;
	struct err e = ERR_INIT;

	if (cvss_score((const char *)data, size, &a, &e) < 0) {
		if (e.code != ERR_INVALID || e.msg[0] == '\0')
			abort();
		return 0;
	}
	if (a.score < 0 || a.score > 100 || a.severity == NULL || a.vector[0] == '\0')
		abort();
	if (cvss_score(a.vector, strlen(a.vector), &b, &e) < 0)
		abort();
	if (b.version != a.version || b.score != a.score || strcmp(a.vector, b.vector) != 0)
		abort();
	return 0;
}
