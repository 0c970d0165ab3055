/* spdx.c - SPDX 2.3 JSON into the SBOM model.
 *
 * Packages, then files, become components in document order; snippets are
 * indexed (relationships may name them) but are not components.  Once every
 * SPDXID is known the relationships are mapped (docs/internals/sbom.md):
 * dependency kinds become depends-on edges, DESCRIBES picks the main
 * component, CONTAINS (and a package's hasFiles) nests the contained element
 * under its container where that keeps nesting a tree no deeper than
 * SBOM_MAX_DEPTH, and becomes a depends-on edge where it does not.
 */
#include "formats/spdx.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

enum rel_action {
	R_IGNORE,
	R_DEP,             /* a depends on b */
	R_DEP_REV,         /* b depends on a */
	R_CONTAINS,        /* a contains b */
	R_CONTAINS_REV,    /* b contains a */
	R_DESCRIBES,       /* a (the document) describes b */
	R_DESCRIBES_REV,   /* b (the document) describes a */
};

/* Every relationship type of SPDX 2.3 (section 11.1), with what it maps to. */
static const struct {
	const char *type;
	enum rel_action act;
} relationships[] = {
	{ "DESCRIBES", R_DESCRIBES },
	{ "DESCRIBED_BY", R_DESCRIBES_REV },
	{ "CONTAINS", R_CONTAINS },
	{ "CONTAINED_BY", R_CONTAINS_REV },
	{ "DEPENDS_ON", R_DEP },
	{ "DEPENDENCY_OF", R_DEP_REV },
	{ "BUILD_DEPENDENCY_OF", R_DEP_REV },
	{ "DEV_DEPENDENCY_OF", R_DEP_REV },
	{ "OPTIONAL_DEPENDENCY_OF", R_DEP_REV },
	{ "PROVIDED_DEPENDENCY_OF", R_DEP_REV },
	{ "TEST_DEPENDENCY_OF", R_DEP_REV },
	{ "RUNTIME_DEPENDENCY_OF", R_DEP_REV },
	{ "DYNAMIC_LINK", R_DEP },
	{ "STATIC_LINK", R_DEP },
	{ "DEPENDENCY_MANIFEST_OF", R_IGNORE },
	{ "EXAMPLE_OF", R_IGNORE },
	{ "GENERATES", R_IGNORE },
	{ "GENERATED_FROM", R_IGNORE },
	{ "ANCESTOR_OF", R_IGNORE },
	{ "DESCENDANT_OF", R_IGNORE },
	{ "VARIANT_OF", R_IGNORE },
	{ "DISTRIBUTION_ARTIFACT", R_IGNORE },
	{ "PATCH_FOR", R_IGNORE },
	{ "PATCH_APPLIED", R_IGNORE },
	{ "COPY_OF", R_IGNORE },
	{ "FILE_ADDED", R_IGNORE },
	{ "FILE_DELETED", R_IGNORE },
	{ "FILE_MODIFIED", R_IGNORE },
	{ "EXPANDED_FROM_ARCHIVE", R_IGNORE },
	{ "DATA_FILE_OF", R_IGNORE },
	{ "TEST_CASE_OF", R_IGNORE },
	{ "BUILD_TOOL_OF", R_IGNORE },
	{ "DEV_TOOL_OF", R_IGNORE },
	{ "TEST_OF", R_IGNORE },
	{ "TEST_TOOL_OF", R_IGNORE },
	{ "DOCUMENTATION_OF", R_IGNORE },
	{ "OPTIONAL_COMPONENT_OF", R_IGNORE },
	{ "METAFILE_OF", R_IGNORE },
	{ "PACKAGE_OF", R_IGNORE },
	{ "AMENDS", R_IGNORE },
	{ "PREREQUISITE_FOR", R_IGNORE },
	{ "HAS_PREREQUISITE", R_IGNORE },
	{ "REQUIREMENT_DESCRIPTION_FOR", R_IGNORE },
	{ "SPECIFICATION_FOR", R_IGNORE },
	{ "OTHER", R_IGNORE },
};

/* primaryPackagePurpose -> CycloneDX component type. */
static const struct {
	const char *purpose;
	const char *type;
} purposes[] = {
	{ "APPLICATION", "application" },
	{ "FRAMEWORK", "framework" },
	{ "LIBRARY", "library" },
	{ "CONTAINER", "container" },
	{ "OPERATING-SYSTEM", "operating-system" },
	{ "DEVICE", "device" },
	{ "FIRMWARE", "firmware" },
	{ "SOURCE", "library" },
	{ "ARCHIVE", "file" },
	{ "FILE", "file" },
	{ "INSTALL", "application" },
	{ "OTHER", "library" },
};

/* SPDX checksum algorithm -> CycloneDX hash alg (others are kept as SPDX spells them). */
static const struct {
	const char *spdx;
	const char *cdx;
} hash_names[] = {
	{ "SHA1", "SHA-1" },
	{ "SHA256", "SHA-256" },
	{ "SHA384", "SHA-384" },
	{ "SHA512", "SHA-512" },
	{ "SHA3-256", "SHA3-256" },
	{ "SHA3-384", "SHA3-384" },
	{ "SHA3-512", "SHA3-512" },
	{ "BLAKE2b-256", "BLAKE2b-256" },
	{ "BLAKE2b-384", "BLAKE2b-384" },
	{ "BLAKE2b-512", "BLAKE2b-512" },
	{ "BLAKE3", "BLAKE3" },
	{ "MD5", "MD5" },
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* A CONTAINS waiting until the main component is known. */
struct contains {
	size_t outer;
	size_t inner;
};

struct spdx {
	struct sb *b;
	struct contains *contains;
	size_t n_contains;
	size_t alloc_contains;
	size_t n_packages;        /* components [0, n_packages) are the packages */
	size_t *described;        /* components the document describes, in order */
	unsigned char *is_described;  /* per component: already in described[] */
	size_t n_described;
	size_t alloc_described;
};

static int no_value(const char *s)
{
	return s == NULL || strcmp(s, "NOASSERTION") == 0 || strcmp(s, "NONE") == 0;
}

/* "SPDXRef-" and at least one of [A-Za-z0-9.-] (SPDX 2.3 section 3.2). */
static int spdxid_ok(const char *id)
{
	if (strncmp(id, "SPDXRef-", 8) != 0 || id[8] == '\0')
		return 0;
	for (id += 8; *id; id++)
		if (!isalnum((unsigned char)*id) && *id != '.' && *id != '-')
			return 0;
	return 1;
}

static const char *trimmed(struct sb *b, const char *p, size_t n)
{
	while (n > 0 && isspace((unsigned char)*p)) {
		p++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)p[n - 1]))
		n--;
	return sb_strndup(b, p, n);
}

/*
 * "Person: name (email)" / "Organization: name (email)" / "Tool: name": the
 * kind ("Person", ...) to *kind, name and email (NULL if none) to the
 * out-parameters.  0 if the prefix is not one of those three.
 */
static int parse_agent(struct sb *b, const char *s, const char **kind, const char **name,
		       const char **email)
{
	static const char *const kinds[] = { "Person", "Organization", "Tool" };
	size_t n = strlen(s), k;

	*kind = *name = *email = NULL;
	for (k = 0; k < 3; k++) {
		size_t kl = strlen(kinds[k]);

		if (strncmp(s, kinds[k], kl) == 0 && s[kl] == ':') {
			*kind = kinds[k];
			s += kl + 1;
			n -= kl + 1;
			break;
		}
	}
	if (*kind == NULL)
		return 0;
	if (k < 2 && n > 0 && s[n - 1] == ')') {
		size_t open = n - 1;

		while (open > 0 && s[open] != '(')
			open--;
		if (s[open] == '(') {
			*email = trimmed(b, s + open + 1, n - open - 2);
			if ((*email)[0] == '\0')
				*email = NULL;
			n = open;
		}
	}
	*name = trimmed(b, s, n);
	return 1;
}

/* A package's "supplier" string into an entity. */
static void parse_supplier(struct sb *b, const char *str, struct sbom_entity *out)
{
	const char *kind, *name, *email;

	if (no_value(str))
		return;
	if (!parse_agent(b, str, &kind, &name, &email) || strcmp(kind, "Tool") == 0) {
		sb_warn(b, "supplier", "supplier",
			"not \"Person: ...\", \"Organization: ...\" or NOASSERTION");
		out->name = str;
		return;
	}
	out->name = name;
	if (email != NULL) {
		out->contacts = sb_alloc(b, sizeof(*out->contacts));
		out->contacts[0].email = email;
		out->n_contacts = 1;
	}
}

static int parse_creators(struct sb *b, json_t *info, struct err *e)
{
	struct sbom *s = b->s;
	json_t *creators, *v;
	size_t i, len, n;

	if (sb_str(b, info, "created", 1, &s->timestamp, e) < 0 ||
	    sb_arr(b, info, "creators", 1, &creators, e) < 0)
		return -1;
	if (!sb_datetime_ok(s->timestamp))
		sb_warn(b, "timestamp", "created", "not an RFC 3339 date-time: \"%s\"",
			s->timestamp);
	n = json_array_size(creators);
	s->tools = n ? sb_alloc(b, n * sizeof(*s->tools)) : NULL;
	s->authors = n ? sb_alloc(b, n * sizeof(*s->authors)) : NULL;
	json_array_foreach(creators, i, v) {
		const char *kind, *name, *email;

		len = sb_push_key(b, "creators");
		sb_push_index(b, i);
		if (!json_is_string(v))
			return sb_fail(b, e, NULL, NULL, "not a string");
		if (!parse_agent(b, json_string_value(v), &kind, &name, &email)) {
			sb_warn(b, "creator", NULL,
				"not \"Person: ...\", \"Organization: ...\" or \"Tool: ...\"");
		} else if (strcmp(kind, "Tool") == 0) {
			/* "name-version" when the part after the last '-' starts with a digit */
			struct sbom_tool *t = &s->tools[s->n_tools++];
			const char *dash = strrchr(name, '-');

			if (dash != NULL && dash > name && isdigit((unsigned char)dash[1])) {
				t->name = sb_strndup(b, name, (size_t)(dash - name));
				t->version = dash + 1;
			} else {
				t->name = name;
			}
		} else {
			s->authors[s->n_authors].name = name;
			s->authors[s->n_authors].email = email;
			s->n_authors++;
		}
		sb_pop(b, len);
	}
	return 0;
}

/* An SPDXID member: indexed for idx, refused when already there. */
static int parse_spdxid(struct sb *b, json_t *v, long idx, const char **out, struct err *e)
{
	if (sb_str(b, v, "SPDXID", 1, out, e) < 0)
		return -1;
	if (sb_ref_add(b, *out, idx) < 0)
		return sb_fail(b, e, "SPDXID", "duplicate_ref", "duplicate SPDXID \"%s\"", *out);
	if (!spdxid_ok(*out))
		sb_warn(b, "spdxid", "SPDXID", "not \"SPDXRef-\" followed by letters, digits, "
			"'.' or '-'");
	return 0;
}

static int parse_checksums(struct sb *b, json_t *v, int required, struct sbom_component *c,
			   struct err *e)
{
	json_t *arr, *h;
	size_t i, len;

	if (sb_arr(b, v, "checksums", required, &arr, e) < 0)
		return -1;
	if (arr == NULL || json_array_size(arr) == 0)
		return 0;
	c->hashes = sb_alloc(b, json_array_size(arr) * sizeof(*c->hashes));
	json_array_foreach(arr, i, h) {
		struct sbom_hash *out = &c->hashes[c->n_hashes++];

		len = sb_push_key(b, "checksums");
		sb_push_index(b, i);
		if (!json_is_object(h))
			return sb_fail(b, e, NULL, NULL, "not an object");
		if (sb_str(b, h, "algorithm", 1, &out->alg, e) < 0 ||
		    sb_str(b, h, "checksumValue", 1, &out->content, e) < 0)
			return -1;
		for (size_t k = 0; k < N_OF(hash_names); k++)
			if (strcmp(out->alg, hash_names[k].spdx) == 0)
				out->alg = hash_names[k].cdx;
		sb_pop(b, len);
	}
	return 0;
}

/* licenseConcluded / licenseDeclared as expressions, NOASSERTION and NONE left out. */
static int parse_licenses(struct sb *b, json_t *v, int declared, struct sbom_component *c,
			  struct err *e)
{
	const char *concl, *decl = NULL;

	if (sb_str(b, v, "licenseConcluded", 0, &concl, e) < 0 ||
	    (declared && sb_str(b, v, "licenseDeclared", 0, &decl, e) < 0))
		return -1;
	c->licenses = sb_alloc(b, 2 * sizeof(*c->licenses));
	if (!no_value(concl)) {
		c->licenses[c->n_licenses].kind = SBOM_LICENSE_EXPRESSION;
		c->licenses[c->n_licenses].value = concl;
		c->licenses[c->n_licenses++].acknowledgement = "concluded";
	}
	if (!no_value(decl)) {
		c->licenses[c->n_licenses].kind = SBOM_LICENSE_EXPRESSION;
		c->licenses[c->n_licenses].value = decl;
		c->licenses[c->n_licenses++].acknowledgement = "declared";
	}
	return 0;
}

static void add_extref(struct sb *b, struct sbom_component *c, size_t cap, const char *type,
		       const char *url, const char *comment)
{
	struct sbom_extref *x;

	if (c->extrefs == NULL)
		c->extrefs = sb_alloc(b, cap * sizeof(*c->extrefs));
	x = &c->extrefs[c->n_extrefs++];
	x->type = type;
	x->url = url;
	x->comment = comment;
}

/* externalRefs (purl, cpe and the rest), downloadLocation and homepage. */
static int parse_package_refs(struct sb *b, json_t *v, struct sbom_component *c, struct err *e)
{
	const char *download, *homepage;
	json_t *refs, *r;
	size_t i, len, cap;

	if (sb_str(b, v, "downloadLocation", 1, &download, e) < 0 ||
	    sb_str(b, v, "homepage", 0, &homepage, e) < 0 ||
	    sb_arr(b, v, "externalRefs", 0, &refs, e) < 0)
		return -1;
	cap = json_array_size(refs) + 2;
	json_array_foreach(refs, i, r) {
		const char *cat, *type, *loc;

		len = sb_push_key(b, "externalRefs");
		sb_push_index(b, i);
		if (!json_is_object(r))
			return sb_fail(b, e, NULL, NULL, "not an object");
		if (sb_str(b, r, "referenceCategory", 1, &cat, e) < 0 ||
		    sb_str(b, r, "referenceType", 1, &type, e) < 0 ||
		    sb_str(b, r, "referenceLocator", 1, &loc, e) < 0)
			return -1;
		if (strcmp(type, "purl") == 0) {
			if (!sb_purl_ok(loc))
				sb_warn(b, "purl", "referenceLocator", "not a valid purl: \"%s\"",
					loc);
			if (c->purl == NULL)
				c->purl = loc;
			else
				sb_warn(b, "purl", NULL, "a second purl; the first is kept");
		} else if (strcmp(type, "cpe23Type") == 0 || strcmp(type, "cpe22Type") == 0) {
			if (!sb_cpe_ok(loc))
				sb_warn(b, "cpe", "referenceLocator",
					"not a CPE 2.2 or 2.3 name: \"%s\"", loc);
			/* the first CPE 2.3 name wins over any 2.2 one */
			if (c->cpe == NULL || (type[3] == '2' && type[4] == '3' &&
					       strncmp(c->cpe, "cpe:2.3:", 8) != 0))
				c->cpe = loc;
		} else if (strcmp(type, "advisory") == 0) {
			add_extref(b, c, cap, "advisories", loc, NULL);
		} else {
			size_t n = strlen(cat) + strlen(type) + 8;
			char *comment = sb_alloc(b, n);

			snprintf(comment, n, "spdx:%s/%s", cat, type);
			add_extref(b, c, cap, "other", loc, comment);
		}
		sb_pop(b, len);
	}
	if (!no_value(download))
		add_extref(b, c, cap, "distribution", download, NULL);
	if (!no_value(homepage))
		add_extref(b, c, cap, "website", homepage, NULL);
	return 0;
}

static int parse_package(struct sb *b, json_t *v, struct err *e)
{
	struct sbom_component c;
	const char *purpose, *supplier, *summary;
	json_t *files_analyzed;
	size_t me;

	if (!json_is_object(v))
		return sb_fail(b, e, NULL, NULL, "not an object");
	me = sb_component(b, SBOM_COMPONENT, -1);
	memset(&c, 0, sizeof(c));
	c.parent = -1;
	c.type = "library";
	if (parse_spdxid(b, v, (long)me, &c.bom_ref, e) < 0 ||
	    sb_str(b, v, "name", 1, &c.name, e) < 0 ||
	    sb_str(b, v, "versionInfo", 0, &c.version, e) < 0 ||
	    sb_str(b, v, "primaryPackagePurpose", 0, &purpose, e) < 0 ||
	    sb_str(b, v, "supplier", 0, &supplier, e) < 0 ||
	    sb_str(b, v, "description", 0, &c.description, e) < 0 ||
	    sb_str(b, v, "summary", 0, &summary, e) < 0 || parse_checksums(b, v, 0, &c, e) < 0 ||
	    parse_licenses(b, v, 1, &c, e) < 0 || parse_package_refs(b, v, &c, e) < 0)
		return -1;
	if (c.description == NULL)
		c.description = summary;
	if (purpose != NULL) {
		size_t k;

		for (k = 0; k < N_OF(purposes) && strcmp(purpose, purposes[k].purpose) != 0; k++)
			;
		if (k < N_OF(purposes))
			c.type = purposes[k].type;
		else
			sb_warn(b, "purpose", "primaryPackagePurpose",
				"unknown purpose \"%s\"; taken as a library", purpose);
	}
	parse_supplier(b, supplier, &c.supplier);
	files_analyzed = json_object_get(v, "filesAnalyzed");
	if (files_analyzed != NULL && !json_is_boolean(files_analyzed))
		return sb_fail(b, e, "filesAnalyzed", NULL, "not a boolean");
	if (json_is_false(files_analyzed) && json_object_get(v, "packageVerificationCode") != NULL)
		sb_warn(b, "spdx", "packageVerificationCode",
			"present although filesAnalyzed is false");
	if (c.version == NULL && sb_wants_version(c.type))
		sb_warn(b, "no_version", "versionInfo", "missing");
	b->s->components[me] = c;
	return 0;
}

static int parse_file(struct sb *b, json_t *v, struct err *e)
{
	struct sbom_component c;
	size_t me;

	if (!json_is_object(v))
		return sb_fail(b, e, NULL, NULL, "not an object");
	me = sb_component(b, SBOM_COMPONENT, -1);
	memset(&c, 0, sizeof(c));
	c.parent = -1;
	c.type = "file";
	if (parse_spdxid(b, v, (long)me, &c.bom_ref, e) < 0 ||
	    sb_str(b, v, "fileName", 1, &c.name, e) < 0 || parse_checksums(b, v, 1, &c, e) < 0 ||
	    parse_licenses(b, v, 0, &c, e) < 0)
		return -1;
	b->s->components[me] = c;
	return 0;
}

static int parse_snippet(struct sb *b, json_t *v, struct err *e)
{
	const char *id;

	if (!json_is_object(v))
		return sb_fail(b, e, NULL, NULL, "not an object");
	return parse_spdxid(b, v, SB_REF_OTHER, &id, e);
}

/* Parse every element of the array root[key] with one(). */
static int parse_elements(struct sb *b, json_t *root, const char *key,
			  int (*one)(struct sb *, json_t *, struct err *), struct err *e)
{
	json_t *arr, *v;
	size_t i, len;

	if (sb_arr(b, root, key, 0, &arr, e) < 0)
		return -1;
	json_array_foreach(arr, i, v) {
		len = sb_push_key(b, key);
		sb_push_index(b, i);
		if (one(b, v, e) < 0)
			return -1;
		sb_pop(b, len);
	}
	return 0;
}

/*
 * Resolve an element id at the current path (key names the member): 1 with
 * *out set (a component index, SB_REF_DOCUMENT or SB_REF_OTHER), 0 for
 * NOASSERTION, NONE and elements of other documents ("DocumentRef-x:..."),
 * -1 for an unknown id.
 */
static int resolve(struct sb *b, const char *id, const char *key, long *out, struct err *e)
{
	if (no_value(id) || (strncmp(id, "DocumentRef-", 12) == 0 && strchr(id, ':') != NULL))
		return 0;
	if ((*out = sb_ref_find(b->s, id)) == SB_REF_NONE)
		return sb_fail(b, e, key, "unknown_ref", "unknown SPDXID \"%s\"", id);
	return 1;
}

static void add_contains(struct spdx *x, size_t outer, size_t inner)
{
	if (x->n_contains == x->alloc_contains) {
		x->alloc_contains = x->alloc_contains ? x->alloc_contains * 2 : 64;
		x->contains = xrealloc(x->contains, x->alloc_contains * sizeof(*x->contains));
	}
	x->contains[x->n_contains].outer = outer;
	x->contains[x->n_contains++].inner = inner;
}

static void add_described(struct spdx *x, size_t idx)
{
	if (x->is_described[idx])
		return;
	x->is_described[idx] = 1;
	if (x->n_described == x->alloc_described) {
		x->alloc_described = x->alloc_described ? x->alloc_described * 2 : 8;
		x->described = xrealloc(x->described, x->alloc_described * sizeof(*x->described));
	}
	x->described[x->n_described++] = idx;
}

static int parse_relationship(struct spdx *x, json_t *v, struct err *e)
{
	struct sb *b = x->b;
	const char *a_id, *type, *b_id;
	long a, c;
	int ra, rb;
	size_t k;

	if (!json_is_object(v))
		return sb_fail(b, e, NULL, NULL, "not an object");
	if (sb_str(b, v, "spdxElementId", 1, &a_id, e) < 0 ||
	    sb_str(b, v, "relationshipType", 1, &type, e) < 0 ||
	    sb_str(b, v, "relatedSpdxElement", 1, &b_id, e) < 0)
		return -1;
	if ((ra = resolve(b, a_id, "spdxElementId", &a, e)) < 0 ||
	    (rb = resolve(b, b_id, "relatedSpdxElement", &c, e)) < 0)
		return -1;
	for (k = 0; k < N_OF(relationships) && strcmp(type, relationships[k].type) != 0; k++)
		;
	if (k == N_OF(relationships)) {
		sb_warn(b, "relationship", "relationshipType", "unknown type \"%s\"; ignored",
			type);
		return 0;
	}
	if (!ra || !rb)
		return 0;
	switch (relationships[k].act) {
	case R_IGNORE:
		return 0;
	case R_DESCRIBES:
	case R_DESCRIBES_REV:
		if (relationships[k].act == R_DESCRIBES_REV) {
			long t = a;

			a = c;
			c = t;
		}
		if (a == SB_REF_DOCUMENT && c >= 0)
			add_described(x, (size_t)c);
		return 0;
	default:
		break;
	}
	if (a == SB_REF_DOCUMENT && relationships[k].act == R_CONTAINS)
		return 0;	/* "the document contains x": nothing to nest */
	if (a < 0 || c < 0) {
		sb_warn(b, "relationship", NULL, "%s between \"%s\" and \"%s\", not two packages "
			"or files; ignored", type, a_id, b_id);
		return 0;
	}
	switch (relationships[k].act) {
	case R_DEP:
		sb_edge(b, (size_t)a, (size_t)c, SBOM_DEPENDS_ON);
		break;
	case R_DEP_REV:
		sb_edge(b, (size_t)c, (size_t)a, SBOM_DEPENDS_ON);
		break;
	case R_CONTAINS:
		add_contains(x, (size_t)a, (size_t)c);
		break;
	default:	/* R_CONTAINS_REV */
		add_contains(x, (size_t)c, (size_t)a);
		break;
	}
	return 0;
}

/* A package's deprecated hasFiles: the package CONTAINS each file. */
static int parse_has_files(struct spdx *x, json_t *root, struct err *e)
{
	struct sb *b = x->b;
	json_t *pkgs = json_object_get(root, "packages"), *pkg, *files, *f;
	size_t i, j, len;

	json_array_foreach(pkgs, i, pkg) {
		long inner = -1;

		if (sb_arr(b, pkg, "hasFiles", 0, &files, e) < 0)
			return -1;
		json_array_foreach(files, j, f) {
			len = sb_push_key(b, "packages");
			sb_push_index(b, i);
			sb_push_key(b, "hasFiles");
			sb_push_index(b, j);
			if (!json_is_string(f))
				return sb_fail(b, e, NULL, NULL, "not a string");
			if (resolve(b, json_string_value(f), NULL, &inner, e) < 0)
				return -1;
			if (inner >= 0)
				add_contains(x, i, (size_t)inner); /* package i is component i */
			sb_pop(b, len);
		}
	}
	return 0;
}

/* The main component: the first package described, else the first element described. */
static void pick_main(struct spdx *x)
{
	struct sb *b = x->b;
	struct sbom *s = b->s;
	size_t packages = 0;

	for (size_t i = 0; i < x->n_described; i++) {
		if (x->described[i] >= x->n_packages)
			continue;
		if (packages++ == 0)
			s->main = (long)x->described[i];
	}
	if (s->main < 0 && x->n_described > 0)
		s->main = (long)x->described[0];
	if (x->n_described == 0)
		sb_warn(b, "describes", "documentDescribes",
			"the document describes nothing (no documentDescribes, no DESCRIBES "
			"relationship)");
	else if (packages > 1)
		sb_warn(b, "describes", "documentDescribes",
			"the document describes %zu packages; the first, \"%s\", is the main "
			"component", packages, s->components[s->main].bom_ref);
}

/* Give v its depth once its parent has one; a link that would pass SBOM_MAX_DEPTH is cut. */
static void settle(struct spdx *x, size_t v, int *depth, unsigned char *state)
{
	struct sb *b = x->b;
	struct sbom_component *c = &b->s->components[v];
	long p = c->parent;

	if (p >= 0 && depth[p] + 1 >= SBOM_MAX_DEPTH) {
		sb_warn(b, "contains", NULL,
			"\"%s\" CONTAINS \"%s\" would nest more than %d levels deep; kept as a "
			"dependency", b->s->components[p].bom_ref, c->bom_ref, SBOM_MAX_DEPTH);
		sb_edge(b, (size_t)p, v, SBOM_DEPENDS_ON);
		c->parent = p = -1;
	}
	depth[v] = p < 0 ? 0 : depth[p] + 1;
	state[v] = 2;
}

/*
 * Nest each contained element under its first container, unless it is the
 * main component or already nested; what cannot nest becomes a depends-on
 * edge.  Then one pass up the parent links (each component is pushed once)
 * cuts every loop at the link stated last and every chain deeper than
 * SBOM_MAX_DEPTH, turning the cut links into edges too.
 */
static void nest(struct spdx *x)
{
	struct sb *b = x->b;
	struct sbom *s = b->s;
	size_t n = s->n_components, *stack, *pos, *seq, sp;
	unsigned char *state;   /* 0 new, 1 on the stack, 2 settled */
	int *depth;

	if (x->n_contains == 0)
		return;
	seq = xmalloc(n * sizeof(*seq));
	for (size_t i = 0; i < x->n_contains; i++) {
		size_t outer = x->contains[i].outer, inner = x->contains[i].inner;

		if (s->components[inner].parent == (long)outer)
			continue;	/* said twice */
		if (outer == inner || (long)inner == s->main || s->components[inner].parent >= 0) {
			sb_edge(b, outer, inner, SBOM_DEPENDS_ON);
		} else {
			s->components[inner].parent = (long)outer;
			seq[inner] = i;
		}
	}
	stack = xmalloc(n * sizeof(*stack));
	pos = xmalloc(n * sizeof(*pos));
	state = xcalloc(n, 1);
	depth = xcalloc(n, sizeof(*depth));
	for (size_t i = 0; i < n; i++) {
		size_t v = i, top, k, j;
		long p;

		/* stack[m + 1] is the parent of stack[m] */
		for (sp = 0; state[v] == 0; v = (size_t)p) {
			state[v] = 1;
			pos[v] = sp;
			stack[sp++] = v;
			if ((p = s->components[v].parent) < 0)
				break;
		}
		if (sp == 0)
			continue;
		top = stack[sp - 1];
		p = s->components[top].parent;
		if (p < 0 || state[p] == 2) {
			while (sp > 0)
				settle(x, stack[--sp], depth, state);
			continue;
		}
		/* a loop: stack[k .. sp - 1]; cut the link of its member nested last */
		k = pos[p];
		j = k;
		for (size_t m = k; m < sp; m++)
			if (seq[stack[m]] > seq[stack[j]])
				j = m;
		{
			struct sbom_component *w = &s->components[stack[j]];

			sb_warn(b, "contains", NULL,
				"\"%s\" CONTAINS \"%s\" closes a loop of containment; kept as a "
				"dependency", s->components[w->parent].bom_ref, w->bom_ref);
			sb_edge(b, (size_t)w->parent, stack[j], SBOM_DEPENDS_ON);
			w->parent = -1;
		}
		/* parents first: stack[j] down to stack[k], the loop's rest, then below it */
		for (size_t m = j + 1; m-- > k;)
			settle(x, stack[m], depth, state);
		for (size_t m = sp; m-- > j + 1;)
			settle(x, stack[m], depth, state);
		for (size_t m = k; m-- > 0;)
			settle(x, stack[m], depth, state);
	}
	free(seq);
	free(stack);
	free(pos);
	free(state);
	free(depth);
}

int spdx_parse(struct sb *b, json_t *root, struct err *e)
{
	struct sbom *s = b->s;
	struct spdx x = { .b = b };
	const char *version, *docid, *data_license;
	json_t *info, *describes, *rels, *v;
	size_t i, len;
	int rc = -1;

	if (sb_str(b, root, "spdxVersion", 1, &version, e) < 0)
		goto out;
	if (strcmp(version, "SPDX-2.3") != 0) {
		sb_fail(b, e, "spdxVersion", "unsupported_version",
			"unsupported version \"%s\" (SPDX-2.3 is read)", version);
		goto out;
	}
	snprintf(s->spec_version, sizeof(s->spec_version), "2.3");
	if (sb_str(b, root, "SPDXID", 1, &docid, e) < 0 ||
	    sb_str(b, root, "name", 1, &s->doc_name, e) < 0 ||
	    sb_str(b, root, "documentNamespace", 1, &s->serial, e) < 0 ||
	    sb_str(b, root, "dataLicense", 1, &data_license, e) < 0 ||
	    sb_obj(b, root, "creationInfo", 1, &info, e) < 0)
		goto out;
	if (strcmp(docid, "SPDXRef-DOCUMENT") != 0)
		sb_warn(b, "spdxid", "SPDXID", "not \"SPDXRef-DOCUMENT\"");
	sb_ref_add(b, docid, SB_REF_DOCUMENT);
	if (strcmp(data_license, "CC0-1.0") != 0)
		sb_warn(b, "spdx", "dataLicense", "not \"CC0-1.0\"");
	if (strchr(s->serial, '#') != NULL || strchr(s->serial, ':') == NULL)
		sb_warn(b, "spdx", "documentNamespace", "not an absolute URI without '#'");
	len = sb_push_key(b, "creationInfo");
	if (parse_creators(b, info, e) < 0)
		goto out;
	sb_pop(b, len);
	if (parse_elements(b, root, "packages", parse_package, e) < 0)
		goto out;
	x.n_packages = s->n_components;
	if (parse_elements(b, root, "files", parse_file, e) < 0 ||
	    parse_elements(b, root, "snippets", parse_snippet, e) < 0)
		goto out;
	x.is_described = xcalloc(s->n_components + 1, 1);
	if (sb_arr(b, root, "documentDescribes", 0, &describes, e) < 0)
		goto out;
	json_array_foreach(describes, i, v) {
		long idx;
		int r;

		len = sb_push_key(b, "documentDescribes");
		sb_push_index(b, i);
		if (!json_is_string(v)) {
			sb_fail(b, e, NULL, NULL, "not a string");
			goto out;
		}
		if ((r = resolve(b, json_string_value(v), NULL, &idx, e)) < 0)
			goto out;
		if (r > 0 && idx >= 0)
			add_described(&x, (size_t)idx);
		sb_pop(b, len);
	}
	if (parse_has_files(&x, root, e) < 0 || sb_arr(b, root, "relationships", 0, &rels, e) < 0)
		goto out;
	json_array_foreach(rels, i, v) {
		len = sb_push_key(b, "relationships");
		sb_push_index(b, i);
		if (parse_relationship(&x, v, e) < 0)
			goto out;
		sb_pop(b, len);
	}
	pick_main(&x);
	len = sb_push_key(b, "relationships");
	nest(&x);
	sb_pop(b, len);
	rc = 0;
out:
	free(x.contains);
	free(x.described);
	free(x.is_described);
	return rc;
}
