/* cyclonedx.c - CycloneDX 1.2-1.7 JSON into the SBOM model, and the model out as CycloneDX 1.6.
 *
 * Parsing walks the document once: metadata (its component becomes the main
 * component, index 0 when present), then "components" and "services" depth
 * first, each nested one right after its parent, then "dependencies".  Every
 * member the model takes is type-checked; members it does not take
 * (vulnerabilities, compositions, properties, evidence, ...) are not looked
 * at.  The export writes the model back in the same depth-first order, so a
 * CycloneDX input re-parses to the same indexes.
 */
#include "formats/cyclonedx.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

#define MAX_TOOLS 64

static const char *const spec_versions[] = { "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", NULL };

/* Component types of 1.7 (a superset of every earlier version's); 1.6 has the same. */
static const char *const comp_types[] = { "application", "framework", "library", "container",
	"platform", "operating-system", "device", "device-driver", "firmware", "file",
	"machine-learning-model", "data", "cryptographic-asset", NULL };

static const char *const scopes[] = { "required", "optional", "excluded", NULL };
static const char *const acks[] = { "declared", "concluded", NULL };

static const char *const hash_algs_16[] = { "MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512",
	"SHA3-256", "SHA3-384", "SHA3-512", "BLAKE2b-256", "BLAKE2b-384", "BLAKE2b-512", "BLAKE3",
	NULL };
static const char *const hash_algs_17[] = { "Streebog-256", "Streebog-512", NULL };

static const char *const ext_types_16[] = { "vcs", "issue-tracker", "website", "advisories",
	"bom", "mailing-list", "social", "chat", "documentation", "support",
	"source-distribution", "distribution", "distribution-intake", "license", "build-meta",
	"build-system", "release-notes", "security-contact", "model-card", "log",
	"configuration", "evidence", "formulation", "attestation", "threat-model",
	"adversary-model", "risk-assessment", "vulnerability-assertion",
	"exploitability-statement", "pentest-report", "static-analysis-report",
	"dynamic-analysis-report", "runtime-analysis-report", "component-analysis-report",
	"maturity-report", "certification-report", "codified-infrastructure", "quality-metrics",
	"poam", "electronic-signature", "digital-signature", "rfc-9116", "other", NULL };
static const char *const ext_types_17[] = { "patent", "patent-family", "patent-assertion",
	"citation", NULL };

/* The entry of list equal to s (so the model can point at it), or NULL. */
static const char *in_list(const char *s, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return list[i];
	return NULL;
}

/* 32, 40, 64, 96 or 128 hex digits (the schema's hash-content). */
static int hash_content_ok(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!isxdigit((unsigned char)s[n]))
			return 0;
	return n == 32 || n == 40 || n == 64 || n == 96 || n == 128;
}

/* "urn:uuid:" and 8-4-4-4-12 hex digits; lowercase only when lower is set. */
static int uuid_urn_ok(const char *s, int lower)
{
	static const int groups[] = { 8, 4, 4, 4, 12 };

	if (strncmp(s, "urn:uuid:", 9) != 0)
		return 0;
	s += 9;
	for (int g = 0; g < 5; g++) {
		for (int i = 0; i < groups[g]; i++, s++)
			if (!isxdigit((unsigned char)*s) || (lower && isupper((unsigned char)*s)))
				return 0;
		if (*s != (g < 4 ? '-' : '\0'))
			return 0;
		s++;
	}
	return 1;
}

/* ---- parsing --------------------------------------------------------- */

static int parse_contacts(struct sb *b, json_t *arr, struct sbom_contact **out, size_t *n,
			  struct err *e)
{
	size_t len, i;
	json_t *v;

	*n = 0;
	*out = json_array_size(arr) ? sb_alloc(b, json_array_size(arr) * sizeof(**out)) : NULL;
	json_array_foreach(arr, i, v) {
		struct sbom_contact *c = &(*out)[*n];

		len = sb_push_index(b, i);
		if (!json_is_object(v))
			return sb_fail(b, e, NULL, NULL, "not an object");
		if (sb_str(b, v, "name", 0, &c->name, e) < 0 ||
		    sb_str(b, v, "email", 0, &c->email, e) < 0 ||
		    sb_str(b, v, "phone", 0, &c->phone, e) < 0)
			return -1;
		sb_pop(b, len);
		if (c->name || c->email || c->phone)
			(*n)++;
	}
	return 0;
}

/* obj[key] as an organizationalEntity (absent: *out untouched). */
static int parse_entity(struct sb *b, json_t *obj, const char *key, struct sbom_entity *out,
			struct err *e)
{
	json_t *v, *urls, *contacts, *u;
	size_t len, ulen, i;
	int rc = -1;

	if (sb_obj(b, obj, key, 0, &v, e) < 0)
		return -1;
	if (v == NULL)
		return 0;
	len = sb_push_key(b, key);
	if (sb_str(b, v, "name", 0, &out->name, e) < 0 || sb_arr(b, v, "url", 0, &urls, e) < 0 ||
	    sb_arr(b, v, "contact", 0, &contacts, e) < 0)
		goto out;
	if (urls != NULL && json_array_size(urls) > 0) {
		out->urls = sb_alloc(b, json_array_size(urls) * sizeof(*out->urls));
		json_array_foreach(urls, i, u) {
			if (!json_is_string(u)) {
				ulen = sb_push_key(b, "url");
				sb_push_index(b, i);
				sb_fail(b, e, NULL, NULL, "not a string");
				sb_pop(b, ulen);
				goto out;
			}
			out->urls[out->n_urls++] = sb_jstr(b, u);
		}
	}
	if (contacts != NULL) {
		ulen = sb_push_key(b, "contact");
		if (parse_contacts(b, contacts, &out->contacts, &out->n_contacts, e) < 0)
			goto out;
		sb_pop(b, ulen);
	}
	rc = 0;
out:
	sb_pop(b, len);
	return rc;
}

static int parse_hashes(struct sb *b, json_t *arr, struct sbom_component *c, struct err *e)
{
	size_t i, len;
	json_t *v;

	c->hashes = json_array_size(arr) ? sb_alloc(b, json_array_size(arr) * sizeof(*c->hashes))
					 : NULL;
	json_array_foreach(arr, i, v) {
		struct sbom_hash *h = &c->hashes[c->n_hashes++];

		len = sb_push_index(b, i);
		if (!json_is_object(v))
			return sb_fail(b, e, NULL, NULL, "not an object");
		if (sb_str(b, v, "alg", 1, &h->alg, e) < 0 ||
		    sb_str(b, v, "content", 1, &h->content, e) < 0)
			return -1;
		if (!in_list(h->alg, hash_algs_16) && !in_list(h->alg, hash_algs_17))
			sb_warn(b, "hash", "alg", "unknown hash algorithm \"%s\"", h->alg);
		if (!hash_content_ok(h->content))
			sb_warn(b, "hash", "content", "not 32, 40, 64, 96 or 128 hex digits");
		sb_pop(b, len);
	}
	return 0;
}

/* An acknowledgement member: kept if "declared" or "concluded". */
static int parse_ack(struct sb *b, json_t *obj, const char **out, struct err *e)
{
	const char *a;

	if (sb_str(b, obj, "acknowledgement", 0, &a, e) < 0)
		return -1;
	*out = a ? in_list(a, acks) : NULL;
	if (a != NULL && *out == NULL)
		sb_warn(b, "license", "acknowledgement", "unknown value \"%s\"; dropped", a);
	return 0;
}

static int parse_licenses(struct sb *b, json_t *arr, struct sbom_component *c, int v17,
			  struct err *e)
{
	size_t i, len, n_expr = 0;
	json_t *v, *lic;

	c->licenses = json_array_size(arr) ?
			      sb_alloc(b, json_array_size(arr) * sizeof(*c->licenses)) : NULL;
	json_array_foreach(arr, i, v) {
		struct sbom_license *l = &c->licenses[c->n_licenses++];
		const char *id, *name;

		len = sb_push_index(b, i);
		if (!json_is_object(v))
			return sb_fail(b, e, NULL, NULL, "not an object");
		if (json_object_get(v, "license") != NULL) {
			if (sb_obj(b, v, "license", 1, &lic, e) < 0)
				return -1;
			sb_push_key(b, "license");
			if (sb_str(b, lic, "id", 0, &id, e) < 0 ||
			    sb_str(b, lic, "name", 0, &name, e) < 0 ||
			    parse_ack(b, lic, &l->acknowledgement, e) < 0)
				return -1;
			if (id == NULL && name == NULL)
				return sb_fail(b, e, NULL, "missing_field", "neither id nor name");
			if (id != NULL && name != NULL)
				sb_warn(b, "license", NULL, "both id and name; the id is kept");
			l->kind = id ? SBOM_LICENSE_ID : SBOM_LICENSE_NAME;
			l->value = id ? id : name;
		} else if (json_object_get(v, "expression") != NULL) {
			if (sb_str(b, v, "expression", 1, &l->value, e) < 0 ||
			    parse_ack(b, v, &l->acknowledgement, e) < 0)
				return -1;
			l->kind = SBOM_LICENSE_EXPRESSION;
			n_expr++;
		} else {
			return sb_fail(b, e, NULL, "missing_field",
				       "neither \"license\" nor \"expression\"");
		}
		sb_pop(b, len);
	}
	if (n_expr > 0 && c->n_licenses > 1 && !v17)
		sb_warn(b, "license", NULL,
			"an expression must be the only entry before CycloneDX 1.7");
	return 0;
}

static int parse_extrefs(struct sb *b, json_t *arr, struct sbom_component *c, struct err *e)
{
	size_t i, len;
	json_t *v;

	c->extrefs = json_array_size(arr) ? sb_alloc(b, json_array_size(arr) * sizeof(*c->extrefs))
					  : NULL;
	json_array_foreach(arr, i, v) {
		struct sbom_extref *x = &c->extrefs[c->n_extrefs++];

		len = sb_push_index(b, i);
		if (!json_is_object(v))
			return sb_fail(b, e, NULL, NULL, "not an object");
		if (sb_str(b, v, "url", 1, &x->url, e) < 0 ||
		    sb_str(b, v, "type", 1, &x->type, e) < 0 ||
		    sb_str(b, v, "comment", 0, &x->comment, e) < 0)
			return -1;
		if (!in_list(x->type, ext_types_16) && !in_list(x->type, ext_types_17))
			sb_warn(b, "extref", "type", "unknown external reference type \"%s\"",
				x->type);
		sb_pop(b, len);
	}
	return 0;
}

/* Parse the array obj[key] of members with parse(); the path shows key[i]. */
static int parse_list(struct sb *b, json_t *obj, const char *key, struct sbom_component *c,
		      int (*parse)(struct sb *, json_t *, struct sbom_component *, struct err *),
		      struct err *e)
{
	json_t *arr;
	size_t len;
	int rc;

	if (sb_arr(b, obj, key, 0, &arr, e) < 0)
		return -1;
	if (arr == NULL)
		return 0;
	len = sb_push_key(b, key);
	rc = parse(b, arr, c, e);
	sb_pop(b, len);
	return rc;
}

static int parse_licenses_any(struct sb *b, json_t *arr, struct sbom_component *c, struct err *e)
{
	return parse_licenses(b, arr, c, strcmp(b->s->spec_version, "1.7") >= 0, e);
}

/*
 * One component (kind SBOM_COMPONENT) or service at the current path, its
 * nested ones after it; *idx is its index.  depth is 1 at the top.
 */
static int parse_item(struct sb *b, json_t *v, enum sbom_kind kind, long parent, int depth,
		      size_t *idx, struct err *e)
{
	const char *children = kind == SBOM_SERVICE ? "services" : "components";
	struct sbom_component c;
	json_t *arr, *child;
	size_t i, len, me;

	if (!json_is_object(v))
		return sb_fail(b, e, NULL, NULL, "not an object");
	if (depth > SBOM_MAX_DEPTH)
		return sb_fail(b, e, NULL, "too_deep", "nested more than %d levels deep",
			       SBOM_MAX_DEPTH);
	me = sb_component(b, kind, parent);
	*idx = me;
	memset(&c, 0, sizeof(c));
	c.kind = kind;
	c.parent = parent;
	if (kind == SBOM_COMPONENT) {
		const char *type;

		if (sb_str(b, v, "type", 1, &type, e) < 0)
			return -1;
		if ((c.type = in_list(type, comp_types)) == NULL)
			return sb_fail(b, e, "type", NULL, "unknown component type \"%s\"", type);
	} else {
		c.type = "service";
	}
	if (sb_str(b, v, "name", 1, &c.name, e) < 0 ||
	    sb_str(b, v, "bom-ref", 0, &c.bom_ref, e) < 0 ||
	    sb_str(b, v, "group", 0, &c.group, e) < 0 ||
	    sb_str(b, v, "version", 0, &c.version, e) < 0 ||
	    sb_str(b, v, "description", 0, &c.description, e) < 0)
		return -1;
	if (c.bom_ref != NULL) {
		if (c.bom_ref[0] == '\0')
			return sb_fail(b, e, "bom-ref", NULL, "empty");
		if (sb_ref_add(b, c.bom_ref, (long)me) < 0)
			return sb_fail(b, e, "bom-ref", "duplicate_ref", "duplicate bom-ref \"%s\"",
				       c.bom_ref);
		if (strncmp(c.bom_ref, "urn:cdx:", 8) == 0)
			sb_warn(b, "bom_ref", "bom-ref",
				"starts with \"urn:cdx:\", which is kept for BOM-Links");
	}
	if (kind == SBOM_COMPONENT) {
		const char *scope;

		if (sb_str(b, v, "purl", 0, &c.purl, e) < 0 ||
		    sb_str(b, v, "cpe", 0, &c.cpe, e) < 0 ||
		    sb_str(b, v, "scope", 0, &scope, e) < 0 ||
		    parse_entity(b, v, "supplier", &c.supplier, e) < 0 ||
		    parse_list(b, v, "hashes", &c, parse_hashes, e) < 0)
			return -1;
		if (scope != NULL && (c.scope = in_list(scope, scopes)) == NULL)
			return sb_fail(b, e, "scope", NULL, "unknown scope \"%s\"", scope);
	} else if (parse_entity(b, v, "provider", &c.supplier, e) < 0) {
		return -1;
	}
	if (parse_list(b, v, "licenses", &c, parse_licenses_any, e) < 0 ||
	    parse_list(b, v, "externalReferences", &c, parse_extrefs, e) < 0)
		return -1;
	if (c.version == NULL && sb_wants_version(c.type))
		sb_warn(b, "no_version", "version", "missing");
	if (c.purl != NULL && !sb_purl_ok(c.purl))
		sb_warn(b, "purl", "purl", "not a valid purl: \"%s\"", c.purl);
	if (c.cpe != NULL && !sb_cpe_ok(c.cpe))
		sb_warn(b, "cpe", "cpe", "not a CPE 2.2 or 2.3 name: \"%s\"", c.cpe);
	b->s->components[me] = c;
	if (sb_arr(b, v, children, 0, &arr, e) < 0)
		return -1;
	json_array_foreach(arr, i, child) {
		size_t k;

		len = sb_push_key(b, children);
		sb_push_index(b, i);
		if (parse_item(b, child, kind, (long)me, depth + 1, &k, e) < 0)
			return -1;
		sb_pop(b, len);
	}
	return 0;
}

static int str_eq(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Add a tool unless the same one is there; -1 if MAX_TOOLS are there already. */
static int add_tool(struct sb *b, const char *vendor, const char *name, const char *version)
{
	struct sbom *s = b->s;

	if (vendor == NULL && name == NULL && version == NULL)
		return 0;
	for (size_t i = 0; i < s->n_tools; i++)
		if (str_eq(s->tools[i].vendor, vendor) && str_eq(s->tools[i].name, name) &&
		    str_eq(s->tools[i].version, version))
			return 0;
	if (s->n_tools == MAX_TOOLS)
		return -1;
	s->tools[s->n_tools].vendor = vendor;
	s->tools[s->n_tools].name = name;
	s->tools[s->n_tools].version = version;
	s->n_tools++;
	return 0;
}

/* One tool: legacy {vendor, name, version}, or a component / service ("group" is the vendor). */
static int parse_tool(struct sb *b, json_t *v, const char *vendor_key, size_t *dropped,
		      struct err *e)
{
	const char *vendor, *name, *version;

	if (!json_is_object(v))
		return sb_fail(b, e, NULL, NULL, "not an object");
	if (sb_str(b, v, vendor_key, 0, &vendor, e) < 0 || sb_str(b, v, "name", 0, &name, e) < 0 ||
	    sb_str(b, v, "version", 0, &version, e) < 0)
		return -1;
	if (add_tool(b, vendor, name, version) < 0)
		(*dropped)++;
	return 0;
}

static int parse_tools(struct sb *b, json_t *md, struct err *e)
{
	static const char *const parts[] = { "components", "services" };
	json_t *tools = json_object_get(md, "tools"), *arr, *v;
	size_t len, i, dropped = 0;

	if (tools == NULL)
		return 0;
	b->s->tools = sb_alloc(b, MAX_TOOLS * sizeof(*b->s->tools));
	len = sb_push_key(b, "tools");
	if (json_is_array(tools)) {
		json_array_foreach(tools, i, v) {
			size_t l = sb_push_index(b, i);

			if (parse_tool(b, v, "vendor", &dropped, e) < 0)
				return -1;
			sb_pop(b, l);
		}
	} else if (json_is_object(tools)) {
		for (size_t p = 0; p < 2; p++) {
			if (sb_arr(b, tools, parts[p], 0, &arr, e) < 0)
				return -1;
			json_array_foreach(arr, i, v) {
				size_t l = sb_push_key(b, parts[p]);

				sb_push_index(b, i);
				if (parse_tool(b, v, "group", &dropped, e) < 0)
					return -1;
				sb_pop(b, l);
			}
		}
	} else {
		return sb_fail(b, e, NULL, NULL, "not an array or an object");
	}
	if (dropped > 0)
		sb_warn(b, "tools", NULL, "more than %d tools; %zu dropped", MAX_TOOLS, dropped);
	sb_pop(b, len);
	return 0;
}

static int parse_metadata(struct sb *b, json_t *md, struct err *e)
{
	struct sbom *s = b->s;
	json_t *authors, *comp;
	size_t len, idx;

	if (sb_str(b, md, "timestamp", 0, &s->timestamp, e) < 0)
		return -1;
	if (s->timestamp != NULL && !sb_datetime_ok(s->timestamp))
		sb_warn(b, "timestamp", "timestamp", "not an RFC 3339 date-time: \"%s\"",
			s->timestamp);
	if (parse_tools(b, md, e) < 0 || sb_arr(b, md, "authors", 0, &authors, e) < 0)
		return -1;
	if (authors != NULL) {
		len = sb_push_key(b, "authors");
		if (parse_contacts(b, authors, &s->authors, &s->n_authors, e) < 0)
			return -1;
		sb_pop(b, len);
	}
	if (parse_entity(b, md, "supplier", &s->supplier, e) < 0)
		return -1;
	if ((comp = json_object_get(md, "component")) != NULL) {
		len = sb_push_key(b, "component");
		if (parse_item(b, comp, SBOM_COMPONENT, -1, 1, &idx, e) < 0)
			return -1;
		s->main = (long)idx;
		sb_pop(b, len);
	}
	return 0;
}

static int parse_dependencies(struct sb *b, json_t *deps, struct err *e)
{
	static const struct {
		const char *key;
		enum sbom_edge_kind kind;
	} lists[] = { { "dependsOn", SBOM_DEPENDS_ON }, { "provides", SBOM_PROVIDES } };
	struct sbom *s = b->s;
	size_t i, j, len, l2;
	json_t *v, *arr, *to;

	json_array_foreach(deps, i, v) {
		const char *ref;
		long from, t;

		len = sb_push_index(b, i);
		if (!json_is_object(v))
			return sb_fail(b, e, NULL, NULL, "not an object");
		if (sb_str(b, v, "ref", 1, &ref, e) < 0)
			return -1;
		if ((from = sb_ref_find(s, ref)) < 0)
			return sb_fail(b, e, "ref", "unknown_ref", "unknown ref \"%s\"", ref);
		if (s->components[from].in_graph)
			sb_warn(b, "duplicate", "ref",
				"\"%s\" is listed again; the lists are merged", ref);
		s->components[from].in_graph = 1;
		for (size_t k = 0; k < 2; k++) {
			if (sb_arr(b, v, lists[k].key, 0, &arr, e) < 0)
				return -1;
			json_array_foreach(arr, j, to) {
				l2 = sb_push_key(b, lists[k].key);
				sb_push_index(b, j);
				if (!json_is_string(to))
					return sb_fail(b, e, NULL, NULL, "not a string");
				if ((t = sb_ref_find(s, json_string_value(to))) < 0)
					return sb_fail(b, e, NULL, "unknown_ref",
						       "unknown ref \"%s\"", json_string_value(to));
				if (!sb_edge(b, (size_t)from, (size_t)t, lists[k].kind))
					sb_warn(b, "duplicate", NULL, "\"%s\" is listed twice",
						json_string_value(to));
				sb_pop(b, l2);
			}
		}
		sb_pop(b, len);
	}
	return 0;
}

int cyclonedx_parse(struct sb *b, json_t *root, struct err *e)
{
	static const struct {
		const char *key;
		enum sbom_kind kind;
	} tops[] = { { "components", SBOM_COMPONENT }, { "services", SBOM_SERVICE } };
	struct sbom *s = b->s;
	const char *spec, *version;
	json_t *v, *md, *arr, *deps;
	size_t i, len, idx;

	if (sb_str(b, root, "specVersion", 1, &spec, e) < 0)
		return -1;
	if ((version = in_list(spec, spec_versions)) == NULL)
		return sb_fail(b, e, "specVersion", "unsupported_version",
			       "unsupported version \"%s\" (1.2 to 1.7 are read)", spec);
	snprintf(s->spec_version, sizeof(s->spec_version), "%s", version);
	if (sb_str(b, root, "serialNumber", 0, &s->serial, e) < 0)
		return -1;
	if (s->serial != NULL && !uuid_urn_ok(s->serial, 1))
		sb_warn(b, "serial", "serialNumber", "not a lowercase urn:uuid: (RFC 4122)");
	if ((v = json_object_get(root, "version")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 1)
			return sb_fail(b, e, "version", NULL, "not an integer of at least 1");
		s->bom_version = (long)json_integer_value(v);
	}
	if (sb_obj(b, root, "metadata", 0, &md, e) < 0)
		return -1;
	if (md != NULL) {
		len = sb_push_key(b, "metadata");
		if (parse_metadata(b, md, e) < 0)
			return -1;
		sb_pop(b, len);
	}
	for (size_t t = 0; t < 2; t++) {
		if (sb_arr(b, root, tops[t].key, 0, &arr, e) < 0)
			return -1;
		json_array_foreach(arr, i, v) {
			len = sb_push_key(b, tops[t].key);
			sb_push_index(b, i);
			if (parse_item(b, v, tops[t].kind, -1, 1, &idx, e) < 0)
				return -1;
			sb_pop(b, len);
		}
	}
	if (sb_arr(b, root, "dependencies", 0, &deps, e) < 0)
		return -1;
	if (deps != NULL) {
		len = sb_push_key(b, "dependencies");
		if (parse_dependencies(b, deps, e) < 0)
			return -1;
		sb_pop(b, len);
	}
	return 0;
}

/* ---- export ------------------------------------------------------------ */

struct ex {
	const struct sbom *s;
	size_t *coff;     /* children of i: child[coff[i] .. coff[i + 1]) */
	size_t *child;
	size_t *eoff;     /* edges from i: eidx[eoff[i] .. eoff[i + 1]) */
	size_t *eidx;
};

/* What an IRI reference can be: no spaces, controls or the characters RFC 3987 excludes. */
static int iri_ok(const char *u)
{
	if (u == NULL || u[0] == '\0')
		return 0;
	for (; *u; u++)
		if ((unsigned char)*u <= ' ' || *u == 0x7f || strchr("<>\"{}|\\^`", *u) != NULL)
			return 0;
	return 1;
}

/* One SPDX licence id's characters (LicenseRef-... included). */
static int license_id_ok(const char *id)
{
	if (id[0] == '\0')
		return 0;
	for (; *id; id++)
		if (!isalnum((unsigned char)*id) && *id != '.' && *id != '-' && *id != '+')
			return 0;
	return 1;
}

static void set_str(json_t *o, const char *key, const char *v)
{
	if (v != NULL)
		json_object_set_new(o, key, json_string_nocheck(v));
}

static json_t *ex_contact(const struct sbom_contact *c)
{
	json_t *o = json_object();

	set_str(o, "name", c->name);
	if (c->email != NULL && strchr(c->email, '@') != NULL)
		set_str(o, "email", c->email);
	set_str(o, "phone", c->phone);
	if (json_object_size(o) == 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *ex_contacts(const struct sbom_contact *c, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++) {
		json_t *o = ex_contact(&c[i]);

		if (o != NULL)
			json_array_append_new(a, o);
	}
	if (json_array_size(a) == 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static void ex_entity(json_t *parent, const char *key, const struct sbom_entity *en)
{
	json_t *o = json_object(), *urls = json_array(), *contacts;

	set_str(o, "name", en->name);
	for (size_t i = 0; i < en->n_urls; i++)
		if (iri_ok(en->urls[i]))
			json_array_append_new(urls, json_string_nocheck(en->urls[i]));
	if (json_array_size(urls) > 0)
		json_object_set(o, "url", urls);
	json_decref(urls);
	if ((contacts = ex_contacts(en->contacts, en->n_contacts)) != NULL)
		json_object_set_new(o, "contact", contacts);
	if (json_object_size(o) > 0)
		json_object_set(parent, key, o);
	json_decref(o);
}

static json_t *ex_license(const char *key, const char *value, const char *ack)
{
	json_t *l = json_object(), *o;

	json_object_set_new(l, key, json_string_nocheck(value));
	if (ack != NULL)
		json_object_set_new(l, "acknowledgement", json_string_nocheck(ack));
	o = json_object();
	json_object_set_new(o, "license", l);
	return o;
}

/*
 * 1.6 takes either a list of licences (ids and names) or exactly one
 * expression.  One expression (or the same expression several times, as
 * SPDX's declared and concluded often are) is written as an expression;
 * anything else as a list, expressions then becoming licence names.
 */
static void ex_licenses(json_t *o, const struct sbom_component *c)
{
	const struct sbom_license *first = NULL;
	json_t *a;
	int same = 1, same_ack = 1;

	if (c->n_licenses == 0)
		return;
	for (size_t i = 0; i < c->n_licenses; i++) {
		const struct sbom_license *l = &c->licenses[i];

		if (l->kind != SBOM_LICENSE_EXPRESSION) {
			same = 0;
		} else if (first == NULL) {
			first = l;
		} else {
			same &= strcmp(first->value, l->value) == 0;
			same_ack &= str_eq(first->acknowledgement, l->acknowledgement);
		}
	}
	a = json_array();
	if (same && first != NULL) {
		json_t *x = json_object();

		json_object_set_new(x, "expression", json_string_nocheck(first->value));
		if (same_ack && first->acknowledgement != NULL)
			json_object_set_new(x, "acknowledgement",
					    json_string_nocheck(first->acknowledgement));
		json_array_append_new(a, x);
	} else {
		for (size_t i = 0; i < c->n_licenses; i++) {
			const struct sbom_license *l = &c->licenses[i];
			int id = l->kind == SBOM_LICENSE_ID && license_id_ok(l->value);

			json_array_append_new(a, ex_license(id ? "id" : "name", l->value,
							    l->acknowledgement));
		}
	}
	json_object_set_new(o, "licenses", a);
}

static void ex_hashes(json_t *o, const struct sbom_component *c)
{
	json_t *a = json_array();

	for (size_t i = 0; i < c->n_hashes; i++) {
		const struct sbom_hash *h = &c->hashes[i];
		json_t *x;

		if (!in_list(h->alg, hash_algs_16) || !hash_content_ok(h->content))
			continue;
		x = json_object();
		json_object_set_new(x, "alg", json_string_nocheck(h->alg));
		json_object_set_new(x, "content", json_string_nocheck(h->content));
		json_array_append_new(a, x);
	}
	if (json_array_size(a) > 0)
		json_object_set(o, "hashes", a);
	json_decref(a);
}

static void ex_extrefs(json_t *o, const struct sbom_component *c)
{
	json_t *a = json_array();

	for (size_t i = 0; i < c->n_extrefs; i++) {
		const struct sbom_extref *x = &c->extrefs[i];
		const char *type = in_list(x->type, ext_types_16);
		json_t *r;

		if (!iri_ok(x->url))
			continue;
		r = json_object();
		json_object_set_new(r, "url", json_string_nocheck(x->url));
		json_object_set_new(r, "type", json_string_nocheck(type ? type : "other"));
		if (type == NULL && x->comment != NULL)
			json_object_set_new(r, "comment",
					    json_sprintf("%s: %s", x->type, x->comment));
		else if (type == NULL)
			json_object_set_new(r, "comment", json_string_nocheck(x->type));
		else
			set_str(r, "comment", x->comment);
		json_array_append_new(a, r);
	}
	if (json_array_size(a) > 0)
		json_object_set(o, "externalReferences", a);
	json_decref(a);
}

static json_t *ex_item(const struct ex *x, size_t i)
{
	const struct sbom_component *c = &x->s->components[i];
	int svc = c->kind == SBOM_SERVICE;
	json_t *o = json_object(), *kids;

	if (!svc) {
		const char *type = in_list(c->type, comp_types);

		json_object_set_new(o, "type", json_string_nocheck(type ? type : "library"));
	}
	set_str(o, "bom-ref", c->bom_ref);
	ex_entity(o, svc ? "provider" : "supplier", &c->supplier);
	set_str(o, "group", c->group);
	set_str(o, "name", c->name ? c->name : "");
	set_str(o, "version", c->version);
	set_str(o, "description", c->description);
	if (!svc) {
		set_str(o, "scope", c->scope);
		ex_hashes(o, c);
	}
	ex_licenses(o, c);
	if (!svc) {
		set_str(o, "cpe", c->cpe);
		set_str(o, "purl", c->purl);
	}
	ex_extrefs(o, c);
	kids = json_array();
	for (size_t k = x->coff[i]; k < x->coff[i + 1]; k++)
		if (x->s->components[x->child[k]].kind == c->kind)
			json_array_append_new(kids, ex_item(x, x->child[k]));
	if (json_array_size(kids) > 0)
		json_object_set(o, svc ? "services" : "components", kids);
	json_decref(kids);
	return o;
}

static json_t *ex_metadata(const struct ex *x)
{
	const struct sbom *s = x->s;
	json_t *md = json_object(), *a, *props;

	if (s->timestamp != NULL && sb_datetime_ok(s->timestamp))
		json_object_set_new(md, "timestamp", json_string_nocheck(s->timestamp));
	a = json_array();
	for (size_t i = 0; i < s->n_tools; i++) {
		const struct sbom_tool *t = &s->tools[i];
		json_t *o;

		if (t->name == NULL)
			continue;
		o = json_object();
		json_object_set_new(o, "type", json_string_nocheck("application"));
		set_str(o, "group", t->vendor);
		set_str(o, "name", t->name);
		set_str(o, "version", t->version);
		json_array_append_new(a, o);
	}
	if (json_array_size(a) > 0)
		json_object_set_new(md, "tools", json_pack("{s:O}", "components", a));
	json_decref(a);
	if ((a = ex_contacts(s->authors, s->n_authors)) != NULL)
		json_object_set_new(md, "authors", a);
	if (s->main >= 0 && (size_t)s->main < s->n_components)
		json_object_set_new(md, "component", ex_item(x, (size_t)s->main));
	ex_entity(md, "supplier", &s->supplier);
	props = json_array();
	if (s->serial != NULL && !uuid_urn_ok(s->serial, 0))
		json_array_append_new(props, json_pack("{s:s,s:s}", "name",
						       "vulnflow:spdx:documentNamespace", "value",
						       s->serial));
	if (s->doc_name != NULL)
		json_array_append_new(props, json_pack("{s:s,s:s}", "name",
						       "vulnflow:spdx:documentName", "value",
						       s->doc_name));
	if (json_array_size(props) > 0)
		json_object_set(md, "properties", props);
	json_decref(props);
	return md;
}

static json_t *ex_dependencies(const struct ex *x)
{
	static const char *const keys[] = { "dependsOn", "provides" };
	const struct sbom *s = x->s;
	json_t *deps = json_array();

	for (size_t i = 0; i < s->n_components; i++) {
		const struct sbom_component *c = &s->components[i];
		json_t *d;

		if (c->bom_ref == NULL || (!c->in_graph && x->eoff[i] == x->eoff[i + 1]))
			continue;
		d = json_object();
		json_object_set_new(d, "ref", json_string_nocheck(c->bom_ref));
		for (int k = 0; k < 2; k++) {
			json_t *a = json_array();

			for (size_t j = x->eoff[i]; j < x->eoff[i + 1]; j++) {
				const struct sbom_edge *ed = &s->edges[x->eidx[j]];

				if ((int)ed->kind != k)
					continue;
				json_array_append_new(
					a, json_string_nocheck(s->components[ed->to].bom_ref));
			}
			if (json_array_size(a) > 0)
				json_object_set(d, keys[k], a);
			json_decref(a);
		}
		json_array_append_new(deps, d);
	}
	return deps;
}

/* Index children by parent and edges by source (counting sort: stable, linear). */
static void ex_index(struct ex *x)
{
	const struct sbom *s = x->s;
	size_t n = s->n_components, *fill;

	x->coff = xcalloc(n + 2, sizeof(*x->coff));
	x->child = xmalloc((n ? n : 1) * sizeof(*x->child));
	x->eoff = xcalloc(n + 2, sizeof(*x->eoff));
	x->eidx = xmalloc((s->n_edges ? s->n_edges : 1) * sizeof(*x->eidx));
	fill = xmalloc((n + 1) * sizeof(*fill));
	for (size_t i = 0; i < n; i++)
		if (s->components[i].parent >= 0)
			x->coff[s->components[i].parent + 1]++;
	for (size_t i = 0; i < s->n_edges; i++)
		x->eoff[s->edges[i].from + 1]++;
	for (size_t i = 0; i < n; i++) {
		x->coff[i + 1] += x->coff[i];
		x->eoff[i + 1] += x->eoff[i];
	}
	memcpy(fill, x->coff, (n + 1) * sizeof(*fill));
	for (size_t i = 0; i < n; i++)
		if (s->components[i].parent >= 0)
			x->child[fill[s->components[i].parent]++] = i;
	memcpy(fill, x->eoff, (n + 1) * sizeof(*fill));
	for (size_t i = 0; i < s->n_edges; i++)
		x->eidx[fill[s->edges[i].from]++] = i;
	free(fill);
}

int sbom_export_cyclonedx16(const struct sbom *s, char **out, struct err *e)
{
	struct ex x = { .s = s };
	json_t *root = json_object(), *comps = json_array(), *svcs = json_array(), *deps;
	int rc = -1;

	*out = NULL;
	ex_index(&x);
	json_object_set_new(root, "$schema",
			    json_string("http://cyclonedx.org/schema/bom-1.6.schema.json"));
	json_object_set_new(root, "bomFormat", json_string("CycloneDX"));
	json_object_set_new(root, "specVersion", json_string("1.6"));
	if (s->serial != NULL && uuid_urn_ok(s->serial, 0)) {
		char serial[46];

		for (size_t i = 0; i < sizeof(serial) - 1; i++)
			serial[i] = (char)tolower((unsigned char)s->serial[i]);
		serial[sizeof(serial) - 1] = '\0';
		json_object_set_new(root, "serialNumber", json_string(serial));
	}
	json_object_set_new(root, "version",
			    json_integer(s->bom_version >= 1 ? s->bom_version : 1));
	json_object_set_new(root, "metadata", ex_metadata(&x));
	for (size_t i = 0; i < s->n_components; i++) {
		if (s->components[i].parent >= 0 || (long)i == s->main)
			continue;
		json_array_append_new(s->components[i].kind == SBOM_SERVICE ? svcs : comps,
				      ex_item(&x, i));
	}
	if (json_array_size(comps) > 0)
		json_object_set(root, "components", comps);
	if (json_array_size(svcs) > 0)
		json_object_set(root, "services", svcs);
	deps = ex_dependencies(&x);
	if (json_array_size(deps) > 0)
		json_object_set(root, "dependencies", deps);
	json_decref(deps);
	*out = json_dumps(root, JSON_INDENT(2));
	if (*out == NULL) {
		err_set(e, ERR_INTERNAL, "cyclonedx export: jansson could not write the document");
		goto out;
	}
	rc = 0;
out:
	json_decref(comps);
	json_decref(svcs);
	json_decref(root);
	free(x.coff);
	free(x.child);
	free(x.eoff);
	free(x.eidx);
	return rc;
}
