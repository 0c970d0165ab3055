/* osv_out.c - a bulletin as an OSV record (see osv_out.h). */
#include "formats/osv_out.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "formats/csaf_out.h"
#include "rules/cvss.h"
#include "rules/cwe.h"
#include "rules/purl.h"

/* purl type (and, for distributions, namespace) -> OSV ecosystem, and how the
 * OSV package name is made from the purl's namespace and name. */
enum join { JOIN_NAME, JOIN_SLASH, JOIN_COLON, JOIN_SCOPE };

static const struct eco {
	const char *type, *ns;	/* ns NULL: any namespace */
	const char *ecosystem;
	enum join join;
	int semver;
} ecos[] = {
	{ "npm", NULL, "npm", JOIN_SCOPE, 1 },
	{ "pypi", NULL, "PyPI", JOIN_NAME, 0 },
	{ "maven", NULL, "Maven", JOIN_COLON, 0 },
	{ "golang", NULL, "Go", JOIN_SLASH, 1 },
	{ "cargo", NULL, "crates.io", JOIN_NAME, 1 },
	{ "gem", NULL, "RubyGems", JOIN_NAME, 0 },
	{ "nuget", NULL, "NuGet", JOIN_NAME, 0 },
	{ "composer", NULL, "Packagist", JOIN_SLASH, 0 },
	{ "hex", NULL, "Hex", JOIN_NAME, 0 },
	{ "pub", NULL, "Pub", JOIN_NAME, 0 },
	{ "conan", NULL, "ConanCenter", JOIN_NAME, 0 },
	{ "cran", NULL, "CRAN", JOIN_NAME, 0 },
	{ "hackage", NULL, "Hackage", JOIN_NAME, 0 },
	{ "swift", NULL, "SwiftURL", JOIN_SLASH, 0 },
	{ "bitnami", NULL, "Bitnami", JOIN_NAME, 0 },
	{ "github", NULL, "GitHub Actions", JOIN_SLASH, 0 },
	{ "deb", "debian", "Debian", JOIN_NAME, 0 },
	{ "deb", "ubuntu", "Ubuntu", JOIN_NAME, 0 },
	{ "apk", "alpine", "Alpine", JOIN_NAME, 0 },
	{ "apk", "wolfi", "Wolfi", JOIN_NAME, 0 },
	{ "apk", "chainguard", "Chainguard", JOIN_NAME, 0 },
	{ "apk", "alpaquita", "Alpaquita", JOIN_NAME, 0 },
	{ "rpm", "redhat", "Red Hat", JOIN_NAME, 0 },
	{ "rpm", "rocky-linux", "Rocky Linux", JOIN_NAME, 0 },
	{ "rpm", "almalinux", "AlmaLinux", JOIN_NAME, 0 },
	{ "rpm", "suse", "SUSE", JOIN_NAME, 0 },
	{ "rpm", "opensuse", "openSUSE", JOIN_NAME, 0 },
	{ "rpm", "mageia", "Mageia", JOIN_NAME, 0 },
	{ "rpm", "openeuler", "openEuler", JOIN_NAME, 0 },
	{ "rpm", "photon", "Photon OS", JOIN_NAME, 0 },
	{ "rpm", "azure-linux", "Azure Linux", JOIN_NAME, 0 },
};

static const struct eco *eco_find(const struct purl *p)
{
	for (size_t i = 0; i < sizeof(ecos) / sizeof(ecos[0]); i++)
		if (strcmp(ecos[i].type, p->type) == 0 &&
		    (ecos[i].ns == NULL || (p->namespace && strcmp(ecos[i].ns, p->namespace) == 0)))
			return &ecos[i];
	return NULL;
}

int osv_export_id(const char *id, char *out, size_t size)
{
	int n = snprintf(out, size, "x_%s", id ? id : "");

	return n < 0 || (size_t)n >= size || id == NULL || id[0] == '\0' ? -1 : 0;
}

/* The OSV package name of p in ecosystem eco (allocated). */
static char *package_name(const struct purl *p, const struct eco *eco)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	if (p->namespace != NULL && eco->join != JOIN_NAME) {
		buf_adds(&b, p->namespace);
		buf_adds(&b, eco->join == JOIN_COLON ? ":" : "/");
	}
	buf_adds(&b, p->name);
	return buf_detach(&b, NULL);
}

/* "1.2.3", "1.2.3-rc.1+build": MAJOR.MINOR.PATCH with optional pre-release/build. */
static int is_semver(const char *v)
{
	int parts = 0;

	for (;;) {
		const char *start = v;

		while (*v >= '0' && *v <= '9')
			v++;
		if (v == start || (v - start > 1 && *start == '0'))
			return 0;
		parts++;
		if (parts == 3)
			break;
		if (*v++ != '.')
			return 0;
	}
	if (*v == '\0')
		return 1;
	if (*v != '-' && *v != '+')
		return 0;
	for (v++; *v; v++)
		if (!((*v >= '0' && *v <= '9') || (*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') ||
		      *v == '.' || *v == '-' || *v == '+'))
			return 0;
	return 1;
}

static json_t *ranges_json(const struct bulletin_component *c, const struct eco *eco)
{
	const char *intro = c->introduced && c->introduced[0] ? c->introduced : "0";
	const char *fixed = c->fixed && c->fixed[0] ? c->fixed : NULL;
	int go = strcmp(eco->ecosystem, "Go") == 0;
	int semver = eco->semver;
	json_t *events = json_array();
	char a[256], f[256];

	snprintf(a, sizeof(a), "%s", go && intro[0] == 'v' ? intro + 1 : intro);
	snprintf(f, sizeof(f), "%s", fixed == NULL ? "" : go && fixed[0] == 'v' ? fixed + 1 : fixed);
	if (semver && ((strcmp(a, "0") != 0 && !is_semver(a)) || (fixed && !is_semver(f))))
		semver = 0;
	if (!semver) {
		snprintf(a, sizeof(a), "%s", intro);
		snprintf(f, sizeof(f), "%s", fixed ? fixed : "");
	}
	json_array_append_new(events, json_pack("{s:s}", "introduced", a));
	if (fixed)
		json_array_append_new(events, json_pack("{s:s}", "fixed", f));
	return json_pack("[{s:s, s:o}]", "type", semver ? "SEMVER" : "ECOSYSTEM", "events", events);
}

static int affected_json(json_t *affected, json_t *unmapped, const struct bulletin_component *c,
			 struct err *e)
{
	struct purl *p = NULL;
	struct err pe = ERR_INIT;
	const struct eco *eco;
	char *name = NULL, *purl = NULL;
	json_t *a;
	int ret = -1;

	if (c->purl == NULL || c->purl[0] == '\0')
		return 0;
	if (purl_parse(&p, c->purl, strlen(c->purl), &pe) < 0) {
		err_set(e, ERR_INVALID, "component: %s", pe.msg);
		goto out;
	}
	free(p->version);
	p->version = NULL;
	if (purl_build(&purl, p, &pe) < 0) {
		err_set(e, ERR_INVALID, "component: %s", pe.msg);
		goto out;
	}
	eco = eco_find(p);
	if (eco == NULL) {
		json_array_append_new(unmapped, json_string(purl));
		ret = 0;
		goto out;
	}
	name = package_name(p, eco);
	a = json_pack("{s:{s:s, s:s, s:s}}", "package", "ecosystem", eco->ecosystem, "name", name,
		      "purl", purl);
	if ((c->introduced && c->introduced[0]) || (c->fixed && c->fixed[0]))
		json_object_set_new(a, "ranges", ranges_json(c, eco));
	if (c->vers != NULL && c->vers[0] != '\0')
		json_object_set_new(a, "database_specific", json_pack("{s:s}", "vers", c->vers));
	json_array_append_new(affected, a);
	ret = 0;
out:
	free(name);
	free(purl);
	purl_free(p);
	return ret;
}

static int severity_add(json_t *sev, const char *vector, enum cvss_version want_major,
			const char **severity, struct err *e)
{
	struct cvss_result r;
	struct err ce = ERR_INIT;
	int v4 = want_major == CVSS_V40;

	if (vector == NULL || vector[0] == '\0')
		return 0;
	if (cvss_score(vector, strlen(vector), &r, &ce) < 0)
		return err_set(e, ERR_INVALID, "cvss vector \"%.100s\": %s", vector, ce.msg);
	if (v4 ? r.version != CVSS_V40 : (r.version != CVSS_V30 && r.version != CVSS_V31))
		return err_set(e, ERR_INVALID, "cvss vector \"%.100s\" is not CVSS %s", vector,
			       v4 ? "4.0" : "3.x");
	json_array_append_new(sev, json_pack("{s:s, s:s}", "type", v4 ? "CVSS_V4" : "CVSS_V3",
					     "score", r.vector));
	if (*severity == NULL || !v4)
		*severity = r.severity;
	return 0;
}

static void details_add(struct buf *d, const char *heading, const char *text)
{
	if (text == NULL)
		return;
	if (d->len > 0)
		buf_adds(d, "\n\n");
	if (heading != NULL)
		buf_addf(d, "## %s\n\n", heading);
	buf_adds(d, text);
}

static void add_if_nonempty(json_t *o, const char *k, json_t *a)
{
	if (json_array_size(a) > 0)
		json_object_set_new(o, k, a);
	else
		json_decref(a);
}

static int has_string(json_t *a, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(a, i, v)
		if (strcmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

int osv_export(char **out, size_t *len, const struct bulletin *b, const char *lang,
	       struct err *e)
{
	json_t *rec = NULL, *aliases, *sev, *affected, *unmapped, *refs, *credits, *db, *cwes;
	enum bulletin_lang l, fallback = BULLETIN_EN;
	const char *title, *severity = NULL;
	struct buf details;
	char id[512], t[32];
	int ret = -1;

	*out = NULL;
	if (len)
		*len = 0;
	buf_init(&details, 64u << 20);
	if (b->id == NULL || osv_export_id(b->id, id, sizeof(id)) < 0)
		return err_set(e, ERR_INVALID, "bulletin id is missing or too long");
	if (b->lang != NULL)
		bulletin_lang_index(b->lang, BULLETIN_EN, &fallback);
	if (bulletin_lang_index(lang, fallback, &l) < 0)
		return err_set(e, ERR_INVALID, "lang \"%.32s\" is not \"en\" or \"zh-CN\"", lang);
	if (bulletin_check_utf8(b, e) < 0)
		return -1;
	title = bulletin_text_get(&b->title, l);
	if (title == NULL)
		return err_set(e, ERR_INVALID, "bulletin \"%s\" has no title", b->id);

	rec = json_pack("{s:s, s:s}", "schema_version", OSV_OUT_SCHEMA_VERSION, "id", id);
	bulletin_time(b->current_release_us, t);
	json_object_set_new(rec, "modified", json_string(t));
	if (b->initial_release_us > 0) {
		bulletin_time(b->initial_release_us, t);
		json_object_set_new(rec, "published", json_string(t));
	}
	aliases = json_array();
	if (b->cve != NULL && b->cve[0] != '\0')
		json_array_append_new(aliases, json_string(b->cve));
	for (size_t i = 0; i < b->naliases; i++)
		if (b->aliases[i] != NULL && b->aliases[i][0] != '\0' &&
		    strcmp(b->aliases[i], b->id) != 0 && !has_string(aliases, b->aliases[i]))
			json_array_append_new(aliases, json_string(b->aliases[i]));
	add_if_nonempty(rec, "aliases", aliases);
	json_object_set_new(rec, "summary", json_string(title));
	details_add(&details, NULL, bulletin_text_get(&b->summary, l));
	details_add(&details, NULL, bulletin_text_get(&b->description, l));
	details_add(&details, l == BULLETIN_ZH ? "修复方案" : "Remediation",
		    bulletin_text_get(&b->remediation, l));
	details_add(&details, l == BULLETIN_ZH ? "临时缓解措施" : "Workarounds",
		    bulletin_text_get(&b->workarounds, l));
	if (details.len > 0)
		json_object_set_new(rec, "details", json_stringn(details.data, details.len));

	sev = json_array();
	json_object_set_new(rec, "severity", sev);
	if (severity_add(sev, b->cvss3_vector, CVSS_V31, &severity, e) < 0 ||
	    severity_add(sev, b->cvss4_vector, CVSS_V40, &severity, e) < 0)
		goto out;
	if (json_array_size(sev) == 0)
		json_object_del(rec, "severity");

	affected = json_array();
	unmapped = json_array();
	json_object_set_new(rec, "affected", affected);
	for (size_t i = 0; i < b->ncomponents; i++)
		if (affected_json(affected, unmapped, &b->components[i], e) < 0) {
			json_decref(unmapped);
			goto out;
		}
	if (json_array_size(affected) == 0)
		json_object_del(rec, "affected");

	refs = json_array();
	for (size_t i = 0; i < b->nreferences; i++)
		if (b->references[i].url != NULL && b->references[i].url[0] != '\0')
			json_array_append_new(refs, json_pack("{s:s, s:s}", "type",
							      b->references[i].self ? "ADVISORY" : "WEB",
							      "url", b->references[i].url));
	add_if_nonempty(rec, "references", refs);
	credits = json_array();
	for (size_t i = 0; i < b->ncredits; i++) {
		const struct bulletin_credit *c = &b->credits[i];
		char name[512];

		if (c->name == NULL || c->name[0] == '\0')
			continue;
		if (c->organization != NULL && c->organization[0] != '\0')
			snprintf(name, sizeof(name), "%s (%s)", c->name, c->organization);
		else
			snprintf(name, sizeof(name), "%s", c->name);
		json_array_append_new(credits, json_pack("{s:s}", "name", name));
	}
	add_if_nonempty(rec, "credits", credits);

	db = json_pack("{s:s}", "vulnflow_id", b->id);
	if (b->publisher_name != NULL)
		json_object_set_new(db, "publisher", json_string(b->publisher_name));
	cwes = json_array();
	if (b->cwe_id != NULL) {
		int cid;
		char s[24];

		if (cwe_parse(b->cwe_id, &cid) == 0) {
			snprintf(s, sizeof(s), "CWE-%d", cid);
			json_array_append_new(cwes, json_string(s));
		}
	}
	add_if_nonempty(db, "cwe_ids", cwes);
	if (b->gbt_grade != NULL && b->gbt_grade[0] != '\0')
		json_object_set_new(db, "gbt30279_grade", json_string(b->gbt_grade));
	if (severity != NULL)
		json_object_set_new(db, "severity", json_string(severity));
	add_if_nonempty(db, "unmapped_purls", unmapped);
	json_object_set_new(rec, "database_specific", db);

	*out = json_dumps(rec, JSON_INDENT(2));
	if (*out == NULL) {
		err_set(e, ERR_INTERNAL, "cannot serialise the OSV record of \"%s\"", b->id);
		goto out;
	}
	if (len)
		*len = strlen(*out);
	ret = 0;
out:
	buf_release(&details);
	json_decref(rec);
	return ret;
}
