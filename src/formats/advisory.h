/* advisory.h - one model for vulnerability advisories from OSV and CSAF 2.0 documents (pure).
 *
 * An advisory is what the impact matcher needs from a document: its id (the
 * OSV "id", the CSAF document.tracking.id), aliases (CVE ids and the like),
 * a one-line summary, dates as given, and the affected packages as ranges:
 * a package key (the canonical purl's type, namespace and name) and a
 * canonical "vers:" string in the version scheme of the package's
 * ecosystem.  What a document says that cannot be matched by package URL
 * and version (GIT commit ranges, ecosystems without a version scheme,
 * products known only by CPE) is not an error: it is listed in notes.
 *
 *	struct advisory *a;
 *	if (advisory_parse(&a, text, len, &e) < 0) ... e.msg ...
 *	for (size_t i = 0; i < a->n_ranges; i++)
 *		use(a->ranges[i].pkg_type, a->ranges[i].pkg_name, a->ranges[i].vers);
 *	advisory_free(a);
 *
 * osv.h and csaf.h parse one format each; advisory_parse() tells them apart
 * (a CSAF document has "document"."csaf_version").  Strings are UTF-8 and
 * owned by the advisory; absent ones are NULL.
 */
#ifndef VF_ADVISORY_H
#define VF_ADVISORY_H

#include <stddef.h>

#include "base/err.h"

#define ADVISORY_MAX_LEN ((size_t)64 << 20) /* the largest document parsed */
#define ADVISORY_MAX_NOTES 100              /* notes kept; the rest are counted */

/* One affected range of one package.  pkg_namespace is "" when the package
 * has none.  vers is canonical (vers_canonical()); fixed is the version
 * that fixes this range, when the document names one. */
struct advisory_range {
	char *pkg_type;
	char *pkg_namespace;
	char *pkg_name;
	char *vers;
	char *fixed;
};

struct advisory {
	const char *source;        /* "osv" or "csaf" (static) */
	char *id;
	char **aliases;
	size_t n_aliases;
	char *summary;             /* one line, at most 500 bytes */
	char *published;
	char *modified;
	char *withdrawn;           /* OSV "withdrawn", else NULL */
	struct advisory_range *ranges;
	size_t n_ranges;
	char **notes;              /* "affected[2]: GIT ranges are not matched", ... */
	size_t n_notes;
	size_t notes_dropped;
};

/* Parse an OSV or CSAF 2.0 JSON document of len bytes into *out.
 * ERR_MALFORMED: not JSON; ERR_INVALID: neither format, or a required field
 * missing or of the wrong type (the message names it); ERR_TOO_LARGE past
 * ADVISORY_MAX_LEN. */
int advisory_parse(struct advisory **out, const char *json, size_t len, struct err *e);
void advisory_free(struct advisory *a);

/* The vers scheme of a purl type ("npm" -> "npm", "deb" -> "deb",
 * "composer" -> "generic", ...), or NULL if there is none. */
const char *advisory_scheme_for_type(const char *purl_type);

/* ---- for osv.c and csaf.c ---- */

struct advisory *advisory_new(const char *source);
void advisory_note(struct advisory *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void advisory_alias(struct advisory *a, const char *alias);
/*
 * Add a range of the package (type, ns, name) whose constraints are given
 * as n (operator, version) pairs: op is "" (equal), "<", "<=", ">=", ">" or
 * "*" (every version; version NULL).  The package key is normalised as a
 * purl would be and the range made canonical in the type's scheme; an exact
 * duplicate is dropped.  -1 (ERR_INVALID, message without a location) if
 * the package, the scheme or a version is not usable; nothing is added then.
 */
int advisory_add_range(struct advisory *a, const char *type, const char *ns, const char *name,
		       const char *const *ops, const char *const *versions, size_t n,
		       const char *fixed, struct err *e);
/* The same, from a purl string (its version, qualifiers and subpath are
 * ignored). */
int advisory_add_purl_range(struct advisory *a, const char *purl, const char *const *ops,
			    const char *const *versions, size_t n, const char *fixed,
			    struct err *e);

#endif
