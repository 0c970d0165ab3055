/* sbom_build.h - building a struct sbom: what cyclonedx.c and spdx.c share (pure).
 *
 * Only the format parsers include this; everything here is implemented in
 * sbom.c.  A parse runs with one struct sb, which holds the sbom being built,
 * the caller's diagnostics and the JSON path of the value being read:
 * sb_push_key() / sb_push_index() extend the path, sb_pop() cuts it back, and
 * sb_fail() / sb_warn() prefix their message with it ("components[3].name:
 * missing").  Strings and small arrays come from the sbom's arena and are
 * freed with it; components and edges are appended with sb_component() and
 * sb_edge() (which drops duplicates), and refs are indexed with sb_ref_add()
 * (which refuses duplicates) so sb_ref_find() is O(1).
 */
#ifndef VF_SBOM_BUILD_H
#define VF_SBOM_BUILD_H

#include <jansson.h>
#include <stddef.h>

#include "base/err.h"
#include "formats/sbom.h"

#define SB_PATH_MAX 512

/* sb_ref_find() results that are not component indexes (SPDX only). */
#define SB_REF_NONE (-1)      /* unknown */
#define SB_REF_DOCUMENT (-2)  /* the SPDX document itself */
#define SB_REF_OTHER (-3)     /* an SPDX snippet: known, not a component */

struct sb {
	struct sbom *s;
	struct sbom_diag *d;
	char path[SB_PATH_MAX];
	size_t plen;
};

/* ---- memory: zeroed arena memory and copies, freed with the sbom ---- */
void *sb_alloc(struct sb *b, size_t n);
const char *sb_strndup(struct sb *b, const char *p, size_t n);
/* A copy of a JSON string's value. */
const char *sb_jstr(struct sb *b, const json_t *v);

/* ---- the path ---- */
/* Append ".key" (or "key" at the start); returns the length to sb_pop() to. */
size_t sb_push_key(struct sb *b, const char *key);
/* Append "[i]". */
size_t sb_push_index(struct sb *b, size_t i);
void sb_pop(struct sb *b, size_t len);

/* ---- messages: "<path>[.key]: <message>" ---- */
/* Fill e with ERR_INVALID (wire name `name`, or NULL for the default) and return -1. */
int sb_fail(struct sb *b, struct err *e, const char *key, const char *name, const char *fmt,
	    ...) __attribute__((format(printf, 5, 6)));
void sb_warn(struct sb *b, const char *code, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* ---- typed members of a JSON object; each 0 ok (*out NULL if absent), -1 wrong type ---- */
int sb_str(struct sb *b, json_t *obj, const char *key, int required, const char **out,
	   struct err *e);
int sb_arr(struct sb *b, json_t *obj, const char *key, int required, json_t **out,
	   struct err *e);
int sb_obj(struct sb *b, json_t *obj, const char *key, int required, json_t **out,
	   struct err *e);

/* ---- the model ---- */
/* Append a zeroed component of this kind and parent; returns its index.
 * Pointers into b->s->components are invalid after the next call. */
size_t sb_component(struct sb *b, enum sbom_kind kind, long parent);
/* Index ref for idx (a component index or an SB_REF_* value); -1 if ref is
 * already indexed (nothing is changed). */
int sb_ref_add(struct sb *b, const char *ref, long idx);
long sb_ref_find(const struct sbom *s, const char *ref);
/* Add an edge; 1 if new, 0 if the same edge was already there. */
int sb_edge(struct sb *b, size_t from, size_t to, enum sbom_edge_kind kind);

/* ---- shape checks shared by parsers and the exporter ---- */
/* A purl with a "pkg:" scheme, a type, a name and sound percent-escapes. */
int sb_purl_ok(const char *purl);
/* "cpe:2.3:" with 13 fields, or a CPE 2.2 URI "cpe:/...". */
int sb_cpe_ok(const char *cpe);
/* An RFC 3339 date-time (JSON Schema "date-time"). */
int sb_datetime_ok(const char *s);
/* Whether a component of this type is expected to carry a version. */
int sb_wants_version(const char *type);

#endif
