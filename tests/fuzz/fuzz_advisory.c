/* fuzz_advisory.c - libFuzzer target for the OSV and CSAF readers (formats/advisory.c, osv.c,
 * csaf.c) and the CSV reader (formats/csv.c).
 *
 * Any bytes either parse or are refused with an error code and a message.
 * What parses must be consistent: an id, and every range with a package key
 * and a "vers:" string; every CSV row no wider than the header.  Anything
 * else aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/advisory.h"
#include "formats/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct advisory *a = NULL;
	struct csv *t = NULL;
	struct err e = ERR_INIT;

	if (advisory_parse(&a, (const char *)data, size, &e) == 0) {
		if (a == NULL || a->id == NULL || a->id[0] == '\0')
			abort();
		for (size_t i = 0; i < a->n_ranges; i++)
			if (a->ranges[i].pkg_type == NULL || a->ranges[i].pkg_name == NULL ||
			    a->ranges[i].pkg_namespace == NULL ||
			    strncmp(a->ranges[i].vers, "vers:", 5) != 0)
				abort();
		advisory_free(a);
	} else if (a != NULL || e.code == ERR_NONE || e.msg[0] == '\0') {
		abort();
	}
	if (csv_parse(&t, (const char *)data, size, &e) == 0) {
		for (size_t r = 0; r < t->n_rows; r++)
			if (t->rows[r].n > t->n_cols || t->rows[r].n == 0)
				abort();
		csv_free(t);
	} else if (t != NULL || e.msg[0] == '\0') {
		abort();
	}
	return 0;
}
