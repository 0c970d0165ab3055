/* sbom.h - one in-memory model for CycloneDX 1.2-1.7 and SPDX 2.3 JSON SBOMs (pure).
 *
 * sbom_parse() reads either format (it tells them apart by "bomFormat" and
 * "spdxVersion"), checks what the model relies on and what the schemas
 * cannot say (unique bom-refs / SPDXIDs, dependencies that name known refs,
 * nesting depth, size), and builds a struct sbom.  Questionable but usable
 * content (dependency cycles, purls that do not parse, components without a
 * version, ...) is accepted and reported in a struct sbom_diag.
 * sbom_export_cyclonedx16() writes the model as CycloneDX 1.6 JSON that is
 * valid against bom-1.6.schema.json.  docs/internals/sbom.md has the full
 * mapping and every check.
 *
 *	struct sbom *s;
 *	struct sbom_diag d;
 *	char *json;
 *
 *	sbom_diag_init(&d, 0);
 *	if (sbom_parse(&s, body, len, 16 << 20, &d, &e) < 0)
 *		... e.msg is like "components[3].name: missing" ...
 *	for (size_t i = 0; i < d.n; i++)
 *		warn("%s: %s", d.items[i].path, d.items[i].msg);
 *	for (size_t i = 0; i < s->n_components; i++)
 *		use(s->components[i].name, s->components[i].purl);
 *	if (sbom_export_cyclonedx16(s, &json, &e) == 0)
 *		... free(json) ...
 *	sbom_free(s);
 *	sbom_diag_release(&d);
 *
 * The model is read-only for callers: every string and array in it belongs
 * to the struct sbom and lives until sbom_free().  Strings are UTF-8 and
 * NUL-terminated (input strings with a NUL are refused); a string field that
 * the document did not give is NULL, never "".  Counts are exact and an array
 * with a zero count may be NULL.  Nothing is shared between two sboms, and a
 * finished sbom may be read from several threads at once.
 */
#ifndef VF_SBOM_H
#define VF_SBOM_H

#include <stddef.h>

#include "base/err.h"

#define SBOM_MAX_LEN_DEFAULT ((size_t)64 << 20) /* sbom_parse(max_len = 0) */
#define SBOM_MAX_DEPTH 64                        /* component / service nesting levels */
#define SBOM_DIAG_MAX_DEFAULT 1000               /* sbom_diag_init(max = 0) */

enum sbom_format {
	SBOM_FORMAT_CYCLONEDX = 1,
	SBOM_FORMAT_SPDX = 2,
};

/* A component proper, or a CycloneDX service (kept apart so that the
 * export puts it back under "services"). */
enum sbom_kind {
	SBOM_COMPONENT = 0,
	SBOM_SERVICE = 1,
};

/* A person or a contact point; any field may be NULL, not all of them. */
struct sbom_contact {
	const char *name;
	const char *email;
	const char *phone;
};

/* An organisation (CycloneDX organizationalEntity; SPDX "Organization: x
 * (email)" or "Person: x (email)").  Absent when name is NULL and both
 * counts are 0. */
struct sbom_entity {
	const char *name;
	const char **urls;
	size_t n_urls;
	struct sbom_contact *contacts;
	size_t n_contacts;
};

/* alg uses CycloneDX's names ("SHA-256", "MD5", "BLAKE3", ...): SPDX's
 * "SHA256" and the like are renamed, algorithms CycloneDX lacks ("SHA224",
 * "ADLER32", ...) are kept as SPDX spells them.  content is as given. */
struct sbom_hash {
	const char *alg;
	const char *content;
};

enum sbom_license_kind {
	SBOM_LICENSE_ID = 1,          /* CycloneDX license.id: one SPDX licence id */
	SBOM_LICENSE_NAME = 2,        /* CycloneDX license.name: free text */
	SBOM_LICENSE_EXPRESSION = 3,  /* an SPDX licence expression (every SPDX licence) */
};

/* A licence exactly as given (not checked against the SPDX licence list).
 * acknowledgement is "declared", "concluded" (CycloneDX 1.6+, and SPDX's
 * licenseDeclared / licenseConcluded) or NULL. */
struct sbom_license {
	enum sbom_license_kind kind;
	const char *value;
	const char *acknowledgement;
};

/* An external reference: type is a CycloneDX externalReference type
 * ("vcs", "website", "distribution", "advisories", "other", ...), url is
 * kept as given, comment may be NULL. */
struct sbom_extref {
	const char *type;
	const char *url;
	const char *comment;
};

/* A tool that made the document (CycloneDX metadata.tools, SPDX "Tool:"
 * creators); any field may be NULL. */
struct sbom_tool {
	const char *vendor;
	const char *name;
	const char *version;
};

/*
 * One component or service.
 *
 * bom_ref is the CycloneDX bom-ref or the SPDX SPDXID; NULL when a
 * CycloneDX component has none.  Non-NULL refs are unique in the sbom.
 * type is a CycloneDX component type ("library", "application", "file",
 * ...; SPDX packages map their primaryPackagePurpose, files are "file"),
 * "service" for services.  name is never NULL (it may be "").  scope is
 * "required", "optional", "excluded" or NULL.  purl and cpe are as given
 * (not normalised).  parent is the index of the component this one is
 * nested in (CycloneDX "components" / "services" inside another; SPDX
 * CONTAINS), -1 at the top; a parent always has the same kind as its
 * children, the parent chain has no loop and is at most SBOM_MAX_DEPTH
 * long.  in_graph is 1 when a CycloneDX "dependencies" entry names this
 * component as its "ref", that is its dependency list is stated (possibly
 * empty) rather than unknown.
 */
struct sbom_component {
	enum sbom_kind kind;
	const char *bom_ref;
	const char *type;
	const char *group;
	const char *name;
	const char *version;
	const char *purl;
	const char *cpe;
	const char *scope;
	const char *description;
	struct sbom_entity supplier;      /* services: their "provider" */
	struct sbom_hash *hashes;
	size_t n_hashes;
	struct sbom_license *licenses;
	size_t n_licenses;
	struct sbom_extref *extrefs;
	size_t n_extrefs;
	long parent;
	int in_graph;
};

enum sbom_edge_kind {
	SBOM_DEPENDS_ON = 0,  /* from needs to (CycloneDX dependsOn; SPDX DEPENDS_ON, ...) */
	SBOM_PROVIDES = 1,    /* from implements to (CycloneDX 1.6 dependencies[].provides) */
};

/* An edge between components[from] and components[to].  Both ends have a
 * bom_ref; no (from, to, kind) appears twice; from == to is possible (a
 * self-dependency, reported as a cycle). */
struct sbom_edge {
	size_t from;
	size_t to;
	enum sbom_edge_kind kind;
};

struct sbom_priv;

struct sbom {
	enum sbom_format format;
	char spec_version[8];     /* "1.2" ... "1.7", or "2.3" */
	const char *serial;       /* CycloneDX serialNumber, SPDX documentNamespace */
	const char *doc_name;     /* SPDX document name; NULL for CycloneDX */
	long bom_version;         /* CycloneDX "version" (>= 1); 1 when absent and for SPDX */
	const char *timestamp;    /* metadata.timestamp / creationInfo.created, as given */
	struct sbom_contact *authors;
	size_t n_authors;
	struct sbom_tool *tools;
	size_t n_tools;
	struct sbom_entity supplier;  /* CycloneDX metadata.supplier; SPDX: absent */
	long main;                /* index of metadata.component / the described package, or -1 */
	struct sbom_component *components;
	size_t n_components;
	struct sbom_edge *edges;
	size_t n_edges;
	struct sbom_priv *priv;   /* memory and the ref index; not for callers */
};

/* One warning: path is a JSON path into the input ("components[3].purl",
 * "relationships[7]", "dependencies"), code a short static word
 * ("cycle", "purl", "no_version", ...), msg one lowercase line. */
struct sbom_diag_item {
	const char *code;
	char *path;
	char *msg;
};

/* The warnings of one parse.  At most max are kept; the rest are counted
 * in dropped. */
struct sbom_diag {
	struct sbom_diag_item *items;
	size_t n;
	size_t alloc;
	size_t max;
	size_t dropped;
};

void sbom_diag_init(struct sbom_diag *d, size_t max);
/* Free the items; d is left empty and may be reused. */
void sbom_diag_release(struct sbom_diag *d);

/*
 * Parse len bytes of CycloneDX 1.2-1.7 or SPDX 2.3 JSON into *out (NULL on
 * error).  max_len (0: SBOM_MAX_LEN_DEFAULT) is the largest input taken.
 * diags may be NULL; warnings are appended to it (also when the parse then
 * fails).  Errors, each message starting with the JSON path:
 *   ERR_TOO_LARGE  len > max_len;
 *   ERR_MALFORMED  empty, not JSON, truncated, duplicate object keys, NUL in
 *                  a string, nested deeper than the JSON parser allows;
 *   ERR_INVALID    not an SBOM, unsupported specVersion / spdxVersion, a
 *                  field of the wrong type, a required field missing, an
 *                  unknown component type or scope, a duplicate bom-ref or
 *                  SPDXID ("duplicate_ref"), a dependency or relationship
 *                  naming an unknown ref ("unknown_ref"), components nested
 *                  deeper than SBOM_MAX_DEPTH.
 * Time and memory are linear in len.
 */
int sbom_parse(struct sbom **out, const char *json, size_t len, size_t max_len,
	       struct sbom_diag *diags, struct err *e);
void sbom_free(struct sbom *s);

/* The index of the component whose bom_ref is ref, or -1 (O(1)). */
long sbom_find(const struct sbom *s, const char *ref);
/* "CycloneDX" or "SPDX". */
const char *sbom_format_name(enum sbom_format f);

/*
 * Write s as a CycloneDX 1.6 JSON document (2-space indented) to *out,
 * which the caller frees with free().  What 1.6 cannot hold is dropped or
 * rewritten so the result is valid against bom-1.6.schema.json (see
 * docs/internals/sbom.md "Export"); the export of any parsed sbom parses
 * again to the same components, refs, purls, nesting and edges.  Implemented
 * in cyclonedx.c.  -1 (ERR_INTERNAL) only if jansson fails.
 */
int sbom_export_cyclonedx16(const struct sbom *s, char **out, struct err *e);

#endif
