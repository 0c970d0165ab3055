/* spdx.h - SPDX 2.3 JSON into the SBOM model (pure).
 *
 * Called by sbom_parse() once it has seen "spdxVersion".  Packages and files
 * become components, relationships become nesting and edges; the mapping is
 * in docs/internals/sbom.md.
 */
#ifndef VF_SPDX_H
#define VF_SPDX_H

#include <jansson.h>

#include "base/err.h"
#include "formats/sbom_build.h"

/* Fill b->s from the document root (a JSON object); -1 with e set on the first error. */
int spdx_parse(struct sb *b, json_t *root, struct err *e);

#endif
