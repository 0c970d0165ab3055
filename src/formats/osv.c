/* osv.c - OSV records into the advisory model: package keys by ecosystem, ranges as vers. */
#include "formats/osv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "rules/purl.h"
#include "rules/vers.h"

#define MAX_EVENTS 256

/* How an ecosystem names packages: its purl type, a fixed namespace (the
 * distribution), and how the name splits into namespace and name. */
enum split { SPLIT_NONE, SPLIT_SCOPE, SPLIT_COLON, SPLIT_LAST_SLASH, SPLIT_FIRST_SLASH };

static const struct ecosystem {
	const char *name;
	const char *type;
	const char *ns;
	enum split split;
} ecosystems[] = {
	{ "npm", "npm", NULL, SPLIT_SCOPE },
	{ "PyPI", "pypi", NULL, SPLIT_NONE },
	{ "Maven", "maven", NULL, SPLIT_COLON },
	{ "Go", "golang", NULL, SPLIT_LAST_SLASH },
	{ "crates.io", "cargo", NULL, SPLIT_NONE },
	{ "RubyGems", "gem", NULL, SPLIT_NONE },
	{ "NuGet", "nuget", NULL, SPLIT_NONE },
	{ "Packagist", "composer", NULL, SPLIT_FIRST_SLASH },
	{ "Hex", "hex", NULL, SPLIT_NONE },
	{ "Pub", "pub", NULL, SPLIT_NONE },
	{ "ConanCenter", "conan", NULL, SPLIT_NONE },
	{ "CRAN", "cran", NULL, SPLIT_NONE },
	{ "Hackage", "hackage", NULL, SPLIT_NONE },
	{ "SwiftURL", "swift", NULL, SPLIT_LAST_SLASH },
	{ "Bitnami", "bitnami", NULL, SPLIT_NONE },
	{ "GitHub Actions", "github", NULL, SPLIT_FIRST_SLASH },
	{ "Debian", "deb", "debian", SPLIT_NONE },
	{ "Ubuntu", "deb", "ubuntu", SPLIT_NONE },
	{ "Alpine", "apk", "alpine", SPLIT_NONE },
	{ "Wolfi", "apk", "wolfi", SPLIT_NONE },
	{ "Chainguard", "apk", "chainguard", SPLIT_NONE },
	{ "Alpaquita", "apk", "alpaquita", SPLIT_NONE },
	{ "Red Hat", "rpm", "redhat", SPLIT_NONE },
	{ "Rocky Linux", "rpm", "rocky-linux", SPLIT_NONE },
	{ "AlmaLinux", "rpm", "almalinux", SPLIT_NONE },
	{ "SUSE", "rpm", "suse", SPLIT_NONE },
	{ "openSUSE", "rpm", "opensuse", SPLIT_NONE },
	{ "Mageia", "rpm", "mageia", SPLIT_NONE },
	{ "openEuler", "rpm", "openeuler", SPLIT_NONE },
	{ "Photon OS", "rpm", "photon", SPLIT_NONE },
	{ "Azure Linux", "rpm", "azure-linux", SPLIT_NONE },
};

static const struct ecosystem *ecosystem_find(const char *eco)
{
	size_t n = strcspn(eco, ":");

	for (size_t i = 0; i < sizeof(ecosystems) / sizeof(ecosystems[0]); i++)
		if (strlen(ecosystems[i].name) == n && strncmp(ecosystems[i].name, eco, n) == 0)
			return &ecosystems[i];
	return NULL;
}

/* The package key of an affected entry: type, namespace (allocated, may be
 * NULL) and name (allocated); or a purl to use instead. */
struct pkg {
	const char *type;
	char *ns;
	char *name;
	const char *purl;
};

static void pkg_release(struct pkg *p)
{
	free(p->ns);
	free(p->name);
}

static void split_at(struct pkg *p, const char *name, const char *at)
{
	if (at == NULL || at == name || at[1] == '\0') {
		p->name = xstrdup(name);
		return;
	}
	p->ns = xstrndup(name, (size_t)(at - name));
	p->name = xstrdup(at + 1);
}

static int pkg_from(struct pkg *p, const struct ecosystem *eco, const char *name)
{
	memset(p, 0, sizeof(*p));
	p->type = eco->type;
	switch (eco->split) {
	case SPLIT_SCOPE:
		split_at(p, name, name[0] == '@' ? strchr(name, '/') : NULL);
		break;
	case SPLIT_COLON:
		split_at(p, name, strchr(name, ':'));
		break;
	case SPLIT_LAST_SLASH:
		split_at(p, name, strrchr(name, '/'));
		break;
	case SPLIT_FIRST_SLASH:
		split_at(p, name, strchr(name, '/'));
		break;
	default:
		p->name = xstrdup(name);
		break;
	}
	if (eco->ns != NULL) {
		free(p->ns);
		p->ns = xstrdup(eco->ns);
	}
	return 0;
}

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* A member that must be a string when present. */
static int opt_string(json_t *o, const char *k, const char *where, char **out, struct err *e)
{
	json_t *v = json_object_get(o, k);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return err_set(e, ERR_INVALID, "%s%s: not a string", where, k);
	*out = xstrdup(json_string_value(v));
	return 0;
}

/* Add one interval [lo, hi) or [lo, hi] (lo NULL: unbounded below, hi NULL:
 * above) of pkg. */
static void add_interval(struct advisory *a, const struct pkg *p, const char *lo, const char *hi,
			 int hi_inclusive, const char *where)
{
	const char *ops[2], *vs[2];
	size_t n = 0;
	struct err e = ERR_INIT;
	int rc;

	if (lo != NULL) {
		ops[n] = ">=";
		vs[n++] = lo;
	}
	if (hi != NULL) {
		ops[n] = hi_inclusive ? "<=" : "<";
		vs[n++] = hi;
	}
	if (n == 0) {
		ops[n] = "*";
		vs[n++] = NULL;
	}
	if (p->purl != NULL)
		rc = advisory_add_purl_range(a, p->purl, ops, vs, n, hi_inclusive ? NULL : hi, &e);
	else
		rc = advisory_add_range(a, p->type, p->ns, p->name, ops, vs, n,
					hi_inclusive ? NULL : hi, &e);
	if (rc < 0)
		advisory_note(a, "%s: skipped: %s", where, e.msg);
}

struct event {
	const char *kind;   /* "introduced", "fixed", "last_affected", "limit" */
	const char *version;
};

/* -1, 0, 1; "0" sorts first.  *bad set when a version is not of the scheme. */
static int event_cmp(const char *scheme, const struct event *x, const struct event *y, int *bad)
{
	struct err e = ERR_INIT;
	int c;

	if (strcmp(x->version, "0") == 0 || strcmp(y->version, "0") == 0)
		return (strcmp(y->version, "0") == 0) - (strcmp(x->version, "0") == 0);
	if (vers_compare(&c, scheme, x->version, y->version, &e) < 0) {
		*bad = 1;
		return 0;
	}
	return c;
}

static void osv_range(struct advisory *a, const struct pkg *p, const char *scheme, json_t *range,
		      const char *where)
{
	json_t *events = json_object_get(range, "events"), *ev;
	const char *type = str(range, "type");
	struct event evs[MAX_EVENTS];
	size_t n = 0, i;
	const char *lo = NULL;
	int open = 0, bad = 0;

	if (type == NULL || !json_is_array(events)) {
		advisory_note(a, "%s: skipped: no \"type\" or \"events\"", where);
		return;
	}
	if (strcmp(type, "SEMVER") != 0 && strcmp(type, "ECOSYSTEM") != 0) {
		advisory_note(a, "%s: skipped: %s ranges are not matched by version", where, type);
		return;
	}
	json_array_foreach(events, i, ev) {
		const char *kinds[] = { "introduced", "fixed", "last_affected", "limit" };

		if (n == MAX_EVENTS) {
			advisory_note(a, "%s: skipped: more than %d events", where, MAX_EVENTS);
			return;
		}
		for (size_t k = 0; k < 4; k++)
			if (json_is_string(json_object_get(ev, kinds[k]))) {
				evs[n].kind = kinds[k];
				evs[n].version = str(ev, kinds[k]);
				n++;
				break;
			}
	}
	/* insertion sort by version (small n); "0" first */
	for (i = 1; i < n; i++) {
		struct event t = evs[i];
		size_t j = i;

		while (j > 0 && event_cmp(scheme, &evs[j - 1], &t, &bad) > 0) {
			evs[j] = evs[j - 1];
			j--;
		}
		evs[j] = t;
	}
	if (bad) {
		advisory_note(a, "%s: skipped: a version is not a %s version", where, scheme);
		return;
	}
	for (i = 0; i < n; i++) {
		const char *v = evs[i].version;

		if (strcmp(evs[i].kind, "introduced") == 0) {
			if (!open) {
				open = 1;
				lo = strcmp(v, "0") == 0 ? NULL : v;
			}
		} else if (strcmp(evs[i].kind, "fixed") == 0 ||
			   strcmp(evs[i].kind, "last_affected") == 0) {
			if (open)
				add_interval(a, p, lo, v, evs[i].kind[0] == 'l', where);
			open = 0;
		}
	}
	if (open)
		add_interval(a, p, lo, NULL, 0, where);
}

static void osv_versions(struct advisory *a, const struct pkg *p, const char *scheme,
			 json_t *versions, const char *where)
{
	size_t n = json_array_size(versions), k = 0;
	const char **ops, **vs;
	struct err e = ERR_INIT;
	int rc;

	if (n == 0)
		return;
	ops = xcalloc(n, sizeof(*ops));
	vs = xcalloc(n, sizeof(*vs));
	for (size_t i = 0; i < n; i++) {
		const char *v = json_string_value(json_array_get(versions, i));
		int dup = 0;

		if (v == NULL || vers_check_version(scheme, v, &e) < 0) {
			advisory_note(a, "%s.versions[%zu]: skipped: not a %s version", where, i,
				      scheme);
			continue;
		}
		for (size_t j = 0; j < k && !dup; j++) {
			int c;

			dup = vers_compare(&c, scheme, vs[j], v, &e) == 0 && c == 0;
		}
		if (dup)
			continue;
		ops[k] = "";
		vs[k++] = v;
	}
	if (k > 0) {
		if (p->purl != NULL)
			rc = advisory_add_purl_range(a, p->purl, ops, vs, k, NULL, &e);
		else
			rc = advisory_add_range(a, p->type, p->ns, p->name, ops, vs, k, NULL, &e);
		if (rc < 0)
			advisory_note(a, "%s.versions: skipped: %s", where, e.msg);
	}
	free(ops);
	free(vs);
}

static int osv_affected(struct advisory *a, json_t *aff, size_t idx, struct err *e)
{
	json_t *pkgj = json_object_get(aff, "package"), *ranges, *range;
	const char *eco_name, *name, *purl;
	const struct ecosystem *eco;
	struct pkg p = { 0 };
	struct purl *pp = NULL;
	struct err pe = ERR_INIT;
	const char *scheme;
	char where[64];
	size_t i;

	snprintf(where, sizeof(where), "affected[%zu]", idx);
	if (!json_is_object(aff))
		return err_set(e, ERR_INVALID, "%s: not an object", where);
	if (pkgj == NULL) {
		advisory_note(a, "%s: skipped: no package", where);
		return 0;
	}
	if (!json_is_object(pkgj))
		return err_set(e, ERR_INVALID, "%s.package: not an object", where);
	eco_name = str(pkgj, "ecosystem");
	name = str(pkgj, "name");
	purl = str(pkgj, "purl");
	eco = eco_name ? ecosystem_find(eco_name) : NULL;
	if (purl != NULL && purl_parse(&pp, purl, strlen(purl), &pe) == 0) {
		p.purl = purl;     /* the record's own purl is the most exact key */
		scheme = advisory_scheme_for_type(pp->type);
		purl_free(pp);
	} else if (eco != NULL && name != NULL && name[0] != '\0') {
		pkg_from(&p, eco, name);
		scheme = advisory_scheme_for_type(p.type);
	} else {
		advisory_note(a, "%s: skipped: ecosystem \"%s\" is not supported", where,
			      eco_name ? eco_name : "");
		return 0;
	}
	if (scheme == NULL) {
		advisory_note(a, "%s: skipped: no version scheme for \"%s\"", where,
			      purl ? purl : eco_name);
		pkg_release(&p);
		return 0;
	}
	ranges = json_object_get(aff, "ranges");
	json_array_foreach(ranges, i, range) {
		char rwhere[96];

		snprintf(rwhere, sizeof(rwhere), "%s.ranges[%zu]", where, i);
		osv_range(a, &p, scheme, range, rwhere);
	}
	osv_versions(a, &p, scheme, json_object_get(aff, "versions"), where);
	pkg_release(&p);
	return 0;
}

int osv_from_json(struct advisory **out, json_t *root, struct err *e)
{
	struct advisory *a = advisory_new("osv");
	json_t *aliases, *affected, *v;
	char *details = NULL;
	size_t i;

	*out = NULL;
	if (!json_is_string(json_object_get(root, "id")) || str(root, "id")[0] == '\0') {
		err_set(e, ERR_INVALID, "id: missing or not a string");
		goto fail;
	}
	if (!json_is_string(json_object_get(root, "modified"))) {
		err_set(e, ERR_INVALID, "modified: missing or not a string");
		goto fail;
	}
	a->id = xstrdup(str(root, "id"));
	a->modified = xstrdup(str(root, "modified"));
	if (opt_string(root, "published", "", &a->published, e) < 0 ||
	    opt_string(root, "withdrawn", "", &a->withdrawn, e) < 0 ||
	    opt_string(root, "summary", "", &a->summary, e) < 0 ||
	    opt_string(root, "details", "", &details, e) < 0)
		goto fail;
	if (a->summary == NULL && details != NULL) {
		a->summary = details;
		details = NULL;
	}
	if (a->summary != NULL) {
		size_t n = strcspn(a->summary, "\r\n");

		if (n > 500) {
			n = 500;
			while (n > 0 && ((unsigned char)a->summary[n] & 0xc0) == 0x80)
				n--;   /* not inside a UTF-8 sequence */
		}
		a->summary[n] = '\0';
	}
	aliases = json_object_get(root, "aliases");
	if (aliases != NULL && !json_is_array(aliases) && !json_is_null(aliases)) {
		err_set(e, ERR_INVALID, "aliases: not an array");
		goto fail;
	}
	json_array_foreach(aliases, i, v) {
		if (!json_is_string(v)) {
			err_set(e, ERR_INVALID, "aliases[%zu]: not a string", i);
			goto fail;
		}
		advisory_alias(a, json_string_value(v));
	}
	affected = json_object_get(root, "affected");
	if (affected != NULL && !json_is_array(affected) && !json_is_null(affected)) {
		err_set(e, ERR_INVALID, "affected: not an array");
		goto fail;
	}
	json_array_foreach(affected, i, v) {
		if (osv_affected(a, v, i, e) < 0)
			goto fail;
	}
	free(details);
	*out = a;
	return 0;
fail:
	free(details);
	advisory_free(a);
	return -1;
}
