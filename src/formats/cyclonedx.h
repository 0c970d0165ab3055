/* cyclonedx.h - CycloneDX 1.2-1.7 JSON into the SBOM model (pure).
 *
 * Called by sbom_parse() once it has seen "bomFormat": "CycloneDX"; the
 * exporter, sbom_export_cyclonedx16(), is declared in sbom.h and lives in
 * cyclonedx.c too.  docs/internals/sbom.md lists what is read and checked.
 */
#ifndef VF_CYCLONEDX_H
#define VF_CYCLONEDX_H

#include <jansson.h>

#include "base/err.h"
#include "formats/sbom_build.h"

/* Fill b->s from the BOM root (a JSON object); -1 with e set on the first error. */
int cyclonedx_parse(struct sb *b, json_t *root, struct err *e);

#endif
