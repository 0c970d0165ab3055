/* purl.h - Package URLs (purl, ECMA-427): parse, normalise, build the canonical string (pure).
 *
 * A purl names a software package independently of where it is hosted:
 *
 *	pkg:TYPE/NAMESPACE/NAME@VERSION?KEY=VALUE&...#SUBPATH
 *
 * purl_parse() splits a string into its components and percent-decodes them;
 * purl_build() does the reverse from components; both apply the same
 * normalisation first, so parse-then-build of any accepted string gives its
 * canonical form, and the canonical form parses back to the same components:
 *
 *   - the scheme "pkg" (any case, any number of '/' after the ':') and the
 *     type are lowercased; the type is letters, digits, '.' and '-', starting
 *     with a letter;
 *   - namespace and subpath are '/'-separated segments: empty segments are
 *     dropped, and '.' and '..' are dropped from the subpath; a segment that
 *     decodes to something containing '/' is an error;
 *   - qualifier keys are lowercased and must then be [a-z0-9._-] starting
 *     with a letter; pairs with an empty value are dropped; a repeated key is
 *     an error; the canonical form sorts them by key;
 *   - the canonical form percent-encodes (as %XX, uppercase hex) every byte
 *     of the UTF-8 text of a component except ASCII letters, digits, ".-_~"
 *     and ':', and the '/' between segments;
 *   - then the rules of the component's registered type apply: lowercasing
 *     (github, npm, pypi...), PyPI and pub name normalisation, a namespace
 *     that is required (maven, swift...) or prohibited (pypi, vcpkg...),
 *     required qualifiers (julia uuid, swid tag_id), permitted characters
 *     (chrome-extension, cpan); see docs/internals/purl.md for the table.
 *
 * Errors are ERR_INVALID with a message naming the purl and the problem:
 * 'purl "pkg:maven/@1.3.4": missing name'.  Decoded text must be valid UTF-8
 * without NUL; input longer than PURL_MAX_LEN bytes is refused.  No input
 * makes these functions crash, leak or read out of bounds (fuzzed:
 * tests/fuzz/fuzz_purl.c).
 *
 *	struct purl *p;
 *	if (purl_parse(&p, s, strlen(s), &e) < 0) ... e.msg ...
 *	use(p->type, p->name, ...);
 *	purl_free(p);
 */
#ifndef VF_PURL_H
#define VF_PURL_H

#include <stddef.h>

#include "base/err.h"

#define PURL_MAX_LEN 65536  /* the longest purl string parsed or built */

struct purl_qualifier {
	char *key;    /* lowercase [a-z0-9._-], starting with a letter */
	char *value;  /* decoded, never empty */
};

/*
 * The decoded components.  After purl_parse() every field is normalised:
 * type and name are set and non-empty; namespace, version and subpath are
 * NULL when absent (never ""); qualifiers are sorted by key, keys unique.
 * As input to purl_build() any field may be NULL and nothing need be
 * normalised (keys in any case and order, empty values, stray slashes).
 */
struct purl {
	char *type;
	char *namespace;   /* segments joined by '/' */
	char *name;
	char *version;
	struct purl_qualifier *qualifiers;
	size_t nqualifiers;
	char *subpath;     /* segments joined by '/' */
};

/* Parse len bytes of s (need not be NUL-terminated) into *out, which the
 * caller frees with purl_free(); *out is NULL on error. */
int purl_parse(struct purl **out, const char *s, size_t len, struct err *e);

/* The canonical purl string of the components in parts, in *out (the caller
 * frees it; NULL on error).  parts is not modified. */
int purl_build(char **out, const struct purl *parts, struct err *e);

/* Parse the NUL-terminated in and write its canonical form to *out (the
 * caller frees it; NULL on error). */
int purl_canonicalize(const char *in, char **out, struct err *e);

/* Free p and everything it points to; NULL is fine. */
void purl_free(struct purl *p);

#endif
