/* advisory.c - the advisory model: format detection, package keys and canonical ranges. */
#include "formats/advisory.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "formats/csaf.h"
#include "formats/osv.h"
#include "rules/purl.h"
#include "rules/vers.h"

/* purl type -> vers scheme */
static const struct {
	const char *type, *scheme;
} schemes[] = {
	{ "alpm", "alpm" },     { "apk", "apk" },         { "bitnami", "semver" },
	{ "cargo", "cargo" },   { "composer", "generic" }, { "conan", "conan" },
	{ "deb", "deb" },       { "gem", "gem" },         { "generic", "generic" },
	{ "github", "generic" }, { "golang", "golang" },   { "hex", "semver" },
	{ "maven", "maven" },   { "npm", "npm" },         { "nuget", "nuget" },
	{ "pub", "semver" },    { "pypi", "pypi" },       { "rpm", "rpm" },
	{ "swift", "semver" },  { "cran", "generic" },    { "hackage", "generic" },
};

const char *advisory_scheme_for_type(const char *purl_type)
{
	for (size_t i = 0; purl_type && i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strcmp(schemes[i].type, purl_type) == 0)
			return schemes[i].scheme;
	return NULL;
}

struct advisory *advisory_new(const char *source)
{
	struct advisory *a = xcalloc(1, sizeof(*a));

	a->source = source;
	return a;
}

void advisory_free(struct advisory *a)
{
	if (a == NULL)
		return;
	free(a->id);
	for (size_t i = 0; i < a->n_aliases; i++)
		free(a->aliases[i]);
	free(a->aliases);
	free(a->summary);
	free(a->published);
	free(a->modified);
	free(a->withdrawn);
	for (size_t i = 0; i < a->n_ranges; i++) {
		free(a->ranges[i].pkg_type);
		free(a->ranges[i].pkg_namespace);
		free(a->ranges[i].pkg_name);
		free(a->ranges[i].vers);
		free(a->ranges[i].fixed);
	}
	free(a->ranges);
	for (size_t i = 0; i < a->n_notes; i++)
		free(a->notes[i]);
	free(a->notes);
	free(a);
}

void advisory_note(struct advisory *a, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (a->n_notes >= ADVISORY_MAX_NOTES) {
		a->notes_dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	a->notes = xrealloc(a->notes, (a->n_notes + 1) * sizeof(*a->notes));
	a->notes[a->n_notes++] = xstrdup(buf);
}

void advisory_alias(struct advisory *a, const char *alias)
{
	if (alias == NULL || alias[0] == '\0' || (a->id && strcmp(a->id, alias) == 0))
		return;
	for (size_t i = 0; i < a->n_aliases; i++)
		if (strcmp(a->aliases[i], alias) == 0)
			return;
	a->aliases = xrealloc(a->aliases, (a->n_aliases + 1) * sizeof(*a->aliases));
	a->aliases[a->n_aliases++] = xstrdup(alias);
}

/* Append version to b percent-encoded as a vers constraint needs. */
static void add_encoded(struct buf *b, const char *v)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p <= 0x20 || *p >= 0x7f || strchr("<>=!*|%", *p)) {
			char enc[3] = { '%', hex[*p >> 4], hex[*p & 15] };

			buf_add(b, enc, 3);
		} else {
			buf_add(b, p, 1);
		}
	}
}

static int same_range(const struct advisory_range *r, const char *type, const char *ns,
		      const char *name, const char *vers)
{
	return strcmp(r->pkg_type, type) == 0 && strcmp(r->pkg_namespace, ns) == 0 &&
	       strcmp(r->pkg_name, name) == 0 && strcmp(r->vers, vers) == 0;
}

static int add_normalised(struct advisory *a, struct purl *p, const char *const *ops,
			  const char *const *versions, size_t n, const char *fixed,
			  struct err *e)
{
	const char *scheme = advisory_scheme_for_type(p->type);
	struct vers *v = NULL;
	struct buf b;
	char *canon = NULL;
	const char *ns = p->namespace ? p->namespace : "";
	int rc = -1;

	if (scheme == NULL)
		return err_set(e, ERR_INVALID, "purl type \"%s\" has no version scheme", p->type);
	if (n == 0)
		return err_set(e, ERR_INVALID, "empty range");
	buf_init(&b, 1 << 20);
	buf_adds(&b, "vers:");
	buf_adds(&b, scheme);
	buf_adds(&b, "/");
	for (size_t i = 0; i < n; i++) {
		if (strcmp(ops[i], "*") == 0) {
			if (n != 1) {
				err_set(e, ERR_INVALID, "\"*\" must be alone in a range");
				goto out;
			}
			buf_adds(&b, "*");
			continue;
		}
		if (vers_check_version(scheme, versions[i], e) < 0)
			goto out;
		if (i > 0)
			buf_adds(&b, "|");
		buf_adds(&b, ops[i]);
		add_encoded(&b, versions[i]);
	}
	if (b.data == NULL || buf_add(&b, "", 1) < 0) {
		err_set(e, ERR_INVALID, "range too long");
		goto out;
	}
	if (vers_parse(&v, b.data, 0, e) < 0)
		goto out;
	vers_simplify(v);
	if (vers_validate(v, e) < 0)
		goto out;
	canon = vers_canonical(v);
	for (size_t i = 0; i < a->n_ranges; i++)
		if (same_range(&a->ranges[i], p->type, ns, p->name, canon)) {
			rc = 0;
			goto out;
		}
	a->ranges = xrealloc(a->ranges, (a->n_ranges + 1) * sizeof(*a->ranges));
	a->ranges[a->n_ranges].pkg_type = xstrdup(p->type);
	a->ranges[a->n_ranges].pkg_namespace = xstrdup(ns);
	a->ranges[a->n_ranges].pkg_name = xstrdup(p->name);
	a->ranges[a->n_ranges].vers = canon;
	a->ranges[a->n_ranges].fixed = fixed ? xstrdup(fixed) : NULL;
	a->n_ranges++;
	canon = NULL;
	rc = 0;
out:
	free(canon);
	vers_free(v);
	buf_release(&b);
	return rc;
}

int advisory_add_range(struct advisory *a, const char *type, const char *ns, const char *name,
		       const char *const *ops, const char *const *versions, size_t n,
		       const char *fixed, struct err *e)
{
	struct purl parts = { 0 }, *p = NULL;
	char *s = NULL;
	int rc;

	parts.type = (char *)type;
	parts.namespace = (char *)(ns && ns[0] ? ns : NULL);
	parts.name = (char *)name;
	/* build and parse again: the type's own rules (lowercasing, PyPI name
	 * normalisation, ...) make the key what a component's purl gives */
	if (purl_build(&s, &parts, e) < 0 || purl_parse(&p, s, strlen(s), e) < 0) {
		free(s);
		return -1;
	}
	rc = add_normalised(a, p, ops, versions, n, fixed, e);
	purl_free(p);
	free(s);
	return rc;
}

int advisory_add_purl_range(struct advisory *a, const char *purl, const char *const *ops,
			    const char *const *versions, size_t n, const char *fixed,
			    struct err *e)
{
	struct purl *p = NULL;
	int rc;

	if (purl_parse(&p, purl, strlen(purl), e) < 0)
		return -1;
	rc = add_normalised(a, p, ops, versions, n, fixed, e);
	purl_free(p);
	return rc;
}

int advisory_parse(struct advisory **out, const char *json, size_t len, struct err *e)
{
	json_t *root, *doc;
	json_error_t je;
	int rc;

	*out = NULL;
	if (len > ADVISORY_MAX_LEN)
		return err_set(e, ERR_TOO_LARGE, "advisory is larger than %zu bytes",
			       ADVISORY_MAX_LEN);
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL)
		return err_set(e, ERR_MALFORMED, "not JSON: %s (line %d)", je.text, je.line);
	if (!json_is_object(root)) {
		json_decref(root);
		return err_set(e, ERR_INVALID, "not an OSV or CSAF document: not a JSON object");
	}
	doc = json_object_get(root, "document");
	if (json_is_object(doc) && json_object_get(doc, "csaf_version") != NULL)
		rc = csaf_from_json(out, root, e);
	else if (json_object_get(root, "id") != NULL && json_object_get(root, "modified") != NULL)
		rc = osv_from_json(out, root, e);
	else
		rc = err_set(e, ERR_INVALID,
			     "not an OSV or CSAF document: no \"id\" and \"modified\", no"
			     " \"document\".\"csaf_version\"");
	json_decref(root);
	return rc;
}
