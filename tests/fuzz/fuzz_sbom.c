/* fuzz_sbom.c - libFuzzer target for the SBOM parser (CycloneDX and SPDX JSON).
 *
 * Any bytes either parse or are refused with a message.  What parses must
 * export as CycloneDX 1.6, and that export must parse again to the same
 * number of components and edges, with the same refs and purls.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/sbom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sbom *a = NULL, *b = NULL;
	struct sbom_diag d;
	struct err e = ERR_INIT;
	char *json = NULL;

	sbom_diag_init(&d, 16);
	if (sbom_parse(&a, (const char *)data, size, 1 << 20, &d, &e) < 0) {
		if (e.msg[0] == '\0' || a != NULL)
			abort();
		goto out;
	}
	if (sbom_export_cyclonedx16(a, &json, &e) < 0)
		abort();
	if (sbom_parse(&b, json, strlen(json), 0, NULL, &e) < 0)
		abort();
	if (b->n_components != a->n_components || b->n_edges != a->n_edges)
		abort();
	for (size_t i = 0; i < a->n_components; i++) {
		const struct sbom_component *c = &a->components[i];
		long j;

		if (c->bom_ref == NULL)
			continue;
		j = sbom_find(b, c->bom_ref);
		if (j < 0 || !same(c->purl, b->components[j].purl) ||
		    !same(c->name, b->components[j].name))
			abort();
		if ((c->parent < 0) != (b->components[j].parent < 0))
			abort();
	}
out:
	free(json);
	sbom_free(a);
	sbom_free(b);
	sbom_diag_release(&d);
	return 0;
}
