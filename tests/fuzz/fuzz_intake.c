/* fuzz_intake.c - libFuzzer target: a report submission in JSON, parsed and validated.
 *
 * Whatever the bytes, intake_parse_json() and intake_validate() must return
 * 0 or -1 with a message, never crash, leak or read out of bounds; a report
 * they accept must have its required fields.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "service/intake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct intake_parsed *p = NULL;
	struct intake_limits lim = { 1 << 20, 4 << 20, 20 };
	struct err e = ERR_INIT;

	if (intake_parse_json(&p, (const char *)data, size, &e) == 0) {
		if (intake_validate(&p->report, &lim, &e) == 0) {
			if (p->report.title == NULL || p->report.description == NULL ||
			    p->report.product_name == NULL || strlen(p->report.title) == 0)
				abort();
		} else if (e.msg[0] == '\0') {
			abort();
		}
	} else if (e.msg[0] == '\0') {
		abort();
	}
	intake_parsed_free(p);
	return 0;
}
