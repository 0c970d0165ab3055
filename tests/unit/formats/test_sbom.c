/* test_sbom.c - the SBOM model: every shared CycloneDX and SPDX example, hand-checked counts,
 * the SPDX mapping, malformed documents, warnings, limits, the CycloneDX 1.6 export
 * (round trip; written to $VULNFLOW_SBOM_EXPORT_DIR for tests/formats/validate_sbom_exports.py)
 * and parse time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "formats/sbom.h"

/* ---- locating ../shared/data ------------------------------------------ */

#define SELF "tests/unit/formats/test_sbom.c"
#define PATH_LEN 4096

/* Set repo (with a trailing '/') from a path to this file; 0 if it is not one. */
static int repo_from(char *repo, size_t size, const char *path)
{
	size_t n = strlen(path), k = strlen(SELF);

	if (n < k || strcmp(path + n - k, SELF) != 0 || access(path, R_OK) != 0)
		return 0;
	return snprintf(repo, size, "%.*s", (int)(n - k), path) < (int)size;
}

/*
 * The shared test data: $VULNFLOW_SHARED_DATA, else <repo>/../shared/data with
 * the repository found from __FILE__, which the build gives relative to the
 * build directory: tried as it is, then from each directory above this
 * executable.
 */
static const char *data_dir(void)
{
	static char dir[PATH_LEN + 32];
	char repo[PATH_LEN] = "", exe[PATH_LEN], path[PATH_LEN * 2];
	const char *env = getenv("VULNFLOW_SHARED_DATA");
	ssize_t n;

	if (env != NULL && env[0] != '\0')
		return env;
	if (!repo_from(repo, sizeof(repo), __FILE__)) {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		exe[n > 0 ? n : 0] = '\0';
		for (char *slash = strrchr(exe, '/'); slash != NULL; slash = strrchr(exe, '/')) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/%s", exe, __FILE__);
			if (repo_from(repo, sizeof(repo), path))
				break;
		}
	}
	snprintf(dir, sizeof(dir), "%s%s../shared/data", repo, repo[0] ? "" : "./");
	return dir;
}

/* ---- helpers ------------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *p;

	if (f == NULL || fstat(fileno(f), &st) < 0) {
		fail_msg("cannot open %s", path);
		return NULL;
	}
	p = malloc((size_t)st.st_size + 1);
	assert_non_null(p);
	*len = fread(p, 1, (size_t)st.st_size, f);
	p[*len] = '\0';
	fclose(f);
	assert_int_equal(*len, (size_t)st.st_size);
	return p;
}

static char *data_file(const char *rel, size_t *len)
{
	char path[PATH_LEN + 256];

	snprintf(path, sizeof(path), "%s/%s", data_dir(), rel);
	return slurp(path, len);
}

/* Parse text that must be accepted. */
static struct sbom *parse_ok(const char *json, struct sbom_diag *d)
{
	struct sbom *s = NULL;
	struct err e = ERR_INIT;

	if (sbom_parse(&s, json, strlen(json), 0, d, &e) < 0)
		fail_msg("refused: %s", e.msg);
	assert_non_null(s);
	return s;
}

/* Parse text that must be refused with this code and exactly this message. */
static void parse_fails(const char *json, enum err_code code, const char *msg)
{
	struct sbom *s = (struct sbom *)1;
	struct sbom_diag d;
	struct err e = ERR_INIT;

	sbom_diag_init(&d, 0);
	assert_int_equal(sbom_parse(&s, json, strlen(json), 0, &d, &e), -1);
	assert_null(s);
	if (e.code != code || strcmp(e.msg, msg) != 0)
		fail_msg("for %s\n  got  %d \"%s\"\n  want %d \"%s\"", json, e.code, e.msg, code,
			 msg);
	sbom_diag_release(&d);
}

/* The error of a refused document (e is returned filled). */
static void parse_err(const char *json, size_t len, size_t max, struct err *e)
{
	struct sbom *s = NULL;

	err_clear(e);
	assert_int_equal(sbom_parse(&s, json, len, max, NULL, e), -1);
	assert_null(s);
}

/* The first warning with this code (and path, unless NULL), or NULL. */
static const struct sbom_diag_item *diag_find(const struct sbom_diag *d, const char *code,
					      const char *path)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->items[i].code, code) == 0 &&
		    (path == NULL || strcmp(d->items[i].path, path) == 0))
			return &d->items[i];
	return NULL;
}

static size_t diag_count(const struct sbom_diag *d, const char *code)
{
	size_t n = 0;

	for (size_t i = 0; i < d->n; i++)
		n += strcmp(d->items[i].code, code) == 0;
	return n;
}

static long find(const struct sbom *s, const char *ref)
{
	long i = sbom_find(s, ref);

	if (i < 0)
		fail_msg("no component \"%s\"", ref);
	return i;
}

static int has_edge(const struct sbom *s, const char *from, const char *to,
		    enum sbom_edge_kind kind)
{
	long f = sbom_find(s, from), t = sbom_find(s, to);

	for (size_t i = 0; i < s->n_edges; i++)
		if ((long)s->edges[i].from == f && (long)s->edges[i].to == t &&
		    s->edges[i].kind == kind)
			return 1;
	return 0;
}

static size_t children_of(const struct sbom *s, long parent)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_components; i++)
		n += s->components[i].parent == parent;
	return n;
}

static void assert_same_str(const char *a, const char *b, const char *what, const char *where)
{
	if (a == b || (a != NULL && b != NULL && strcmp(a, b) == 0))
		return;
	fail_msg("%s: %s differs after the export: \"%s\" vs \"%s\"", where, what,
		 a ? a : "(null)", b ? b : "(null)");
}

/* ---- export and round trip ----------------------------------------------- */

/* Write json as <dir>/<name with '/' -> "__">.cdx16.json when $VULNFLOW_SBOM_EXPORT_DIR is set. */
static void save_export(const char *name, const char *json)
{
	const char *dir = getenv("VULNFLOW_SBOM_EXPORT_DIR");
	char path[PATH_LEN + 512], *p;
	FILE *f;
	size_t at;

	if (dir == NULL || dir[0] == '\0')
		return;
	mkdir(dir, 0777);
	at = (size_t)snprintf(path, sizeof(path), "%s/", dir);
	for (const char *q = name; *q && at + 16 < sizeof(path); q++) {
		if (*q == '/') {
			path[at++] = '_';
			path[at++] = '_';
		} else {
			path[at++] = *q;
		}
	}
	p = path + at;
	snprintf(p, sizeof(path) - at, ".cdx16.json");
	f = fopen(path, "wb");
	if (f == NULL)
		fail_msg("cannot write %s", path);
	assert_int_equal(fwrite(json, 1, strlen(json), f), strlen(json));
	assert_int_equal(fclose(f), 0);
}

/* Key of an edge for sorting and searching. */
static int edge_cmp(const void *a, const void *b)
{
	const struct sbom_edge *x = a, *y = b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	return (int)x->kind - (int)y->kind;
}

/*
 * Export s, check the result is a CycloneDX 1.6 document, parse it again and
 * compare: the same components (matched by bom-ref, or by index when there
 * is none: the export keeps CycloneDX order) with the same fields, parents,
 * main component and edges.
 */
static void round_trip(const char *name, const struct sbom *s)
{
	struct sbom *r = NULL;
	struct err e = ERR_INIT;
	char *json = NULL;
	long *map;
	struct sbom_edge *redges;

	if (sbom_export_cyclonedx16(s, &json, &e) < 0)
		fail_msg("%s: export failed: %s", name, e.msg);
	save_export(name, json);
	if (sbom_parse(&r, json, strlen(json), 0, NULL, &e) < 0)
		fail_msg("%s: the export does not parse: %s", name, e.msg);
	assert_int_equal(r->format, SBOM_FORMAT_CYCLONEDX);
	assert_string_equal(r->spec_version, "1.6");
	assert_int_equal(r->bom_version, s->bom_version);
	if (r->n_components != s->n_components)
		fail_msg("%s: %zu components, %zu after the export", name, s->n_components,
			 r->n_components);
	map = malloc((s->n_components + 1) * sizeof(*map));
	for (size_t i = 0; i < s->n_components; i++) {
		const struct sbom_component *a = &s->components[i], *b;

		map[i] = a->bom_ref ? sbom_find(r, a->bom_ref) : (long)i;
		if (map[i] < 0)
			fail_msg("%s: \"%s\" lost in the export", name, a->bom_ref);
		b = &r->components[map[i]];
		assert_same_str(a->bom_ref, b->bom_ref, "bom-ref", name);
		assert_same_str(a->name, b->name, "name", name);
		assert_same_str(a->version, b->version, "version", name);
		assert_same_str(a->purl, b->purl, "purl", name);
		assert_same_str(a->cpe, b->cpe, "cpe", name);
		assert_same_str(a->group, b->group, "group", name);
		assert_same_str(a->scope, b->scope, "scope", name);
		assert_same_str(a->type, b->type, "type", name);
		assert_same_str(a->supplier.name, b->supplier.name, "supplier", name);
		assert_int_equal(a->kind, b->kind);
		assert_int_equal(a->parent < 0, b->parent < 0);
	}
	for (size_t i = 0; i < s->n_components; i++)
		if (s->components[i].parent >= 0)
			assert_int_equal(r->components[map[i]].parent,
					 map[s->components[i].parent]);
	assert_int_equal(r->main, s->main < 0 ? -1 : map[s->main]);
	assert_int_equal(r->n_edges, s->n_edges);
	redges = malloc((r->n_edges + 1) * sizeof(*redges));
	if (r->n_edges > 0)
		memcpy(redges, r->edges, r->n_edges * sizeof(*redges));
	qsort(redges, r->n_edges, sizeof(*redges), edge_cmp);
	for (size_t i = 0; i < s->n_edges; i++) {
		struct sbom_edge k = { (size_t)map[s->edges[i].from], (size_t)map[s->edges[i].to],
				       s->edges[i].kind };

		if (bsearch(&k, redges, r->n_edges, sizeof(*redges), edge_cmp) == NULL)
			fail_msg("%s: edge %zu lost in the export", name, i);
	}
	free(redges);
	free(map);
	free(json);
	sbom_free(r);
}

/* Parse a shared example (path under the data dir); returns it and its warnings. */
static struct sbom *example(const char *rel, struct sbom_diag *d)
{
	struct sbom *s = NULL;
	struct err e = ERR_INIT;
	size_t len;
	char *json = data_file(rel, &len);

	if (sbom_parse(&s, json, len, 0, d, &e) < 0)
		fail_msg("%s: %s", rel, e.msg);
	free(json);
	round_trip(rel, s);
	return s;
}

/* ---- every example ---------------------------------------------------- */

struct names {
	char **v;
	size_t n;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.json under data/rel, recursively, as paths relative to data, sorted. */
static void list_json(const char *rel, struct names *out)
{
	char path[PATH_LEN + 256];
	struct dirent *de;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/%s", data_dir(), rel);
	dir = opendir(path);
	if (dir == NULL)
		fail_msg("cannot open %s", path);
	while ((de = readdir(dir)) != NULL) {
		char sub[PATH_LEN], full[PATH_LEN + 512];
		struct stat st;
		size_t n = strlen(de->d_name);

		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", rel, de->d_name);
		snprintf(full, sizeof(full), "%s/%s", data_dir(), sub);
		assert_int_equal(stat(full, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			list_json(sub, out);
		} else if (n > 5 && strcmp(de->d_name + n - 5, ".json") == 0) {
			out->v = realloc(out->v, (out->n + 1) * sizeof(*out->v));
			out->v[out->n++] = strdup(sub);
		}
	}
	closedir(dir);
	qsort(out->v, out->n, sizeof(*out->v), cmp_str);
}

/* Parse, export and re-parse every file of a directory; expect this many files. */
static void all_examples(const char *rel, size_t expect, enum sbom_format format)
{
	struct names files = { NULL, 0 };
	size_t components = 0;

	list_json(rel, &files);
	assert_int_equal(files.n, expect);
	for (size_t i = 0; i < files.n; i++) {
		struct sbom_diag d;
		struct sbom *s;

		sbom_diag_init(&d, 0);
		s = example(files.v[i], &d);
		assert_int_equal(s->format, format);
		components += s->n_components;
		sbom_free(s);
		sbom_diag_release(&d);
		free(files.v[i]);
	}
	print_message("# %s: %zu files, %zu components\n", rel, files.n, components);
	free(files.v);
}

static void test_cyclonedx_examples(void **state)
{
	(void)state;
	all_examples("cyclonedx/examples", 53, SBOM_FORMAT_CYCLONEDX);
}

static void test_cyclonedx_examples_large(void **state)
{
	(void)state;
	all_examples("cyclonedx/examples-large", 8, SBOM_FORMAT_CYCLONEDX);
}

static void test_spdx_examples(void **state)
{
	(void)state;
	all_examples("spdx/examples", 13, SBOM_FORMAT_SPDX);
}

/* ---- hand-checked examples -------------------------------------------- */

static void test_laravel(void **state)
{
	static const char *const versions[] = { "1.2", "1.3", "1.4" };
	struct sbom_diag d;

	(void)state;
	for (int v = 0; v < 3; v++) {
		char rel[128];
		struct sbom *s;
		const struct sbom_component *m;

		snprintf(rel, sizeof(rel), "cyclonedx/examples/SBOM/laravel-7.12.0/bom.%s.json",
			 versions[v]);
		sbom_diag_init(&d, 0);
		s = example(rel, &d);
		assert_string_equal(s->spec_version, versions[v]);
		/* metadata.component + 62 components; 63 dependency entries, 113 dependsOn */
		assert_int_equal(s->n_components, 63);
		assert_int_equal(s->n_edges, 113);
		assert_int_equal(s->main, 0);
		m = &s->components[0];
		assert_string_equal(m->name, "cyclonedx-php-composer-demo");
		assert_string_equal(m->group, "cyclonedx");
		assert_string_equal(
			m->purl, "pkg:composer/cyclonedx/cyclonedx-php-composer-demo@dev-master");
		assert_string_equal(m->type, "application");
		assert_int_equal(s->n_tools, 1);
		assert_int_equal(d.n, 0);
		for (size_t i = 0; i < s->n_components; i++) {
			assert_int_equal(s->components[i].parent, -1);
			assert_true(s->components[i].in_graph);
		}
		sbom_free(s);
		sbom_diag_release(&d);
	}
}

static void test_juice_shop(void **state)
{
	struct sbom_diag d;
	struct sbom *s;
	const struct sbom_diag_item *w;

	(void)state;
	sbom_diag_init(&d, 0);
	s = example("cyclonedx/examples-large/SBOM__juice-shop__via_npm__flat__bom.1.4.json", &d);
	assert_int_equal(s->n_components, 1116);
	assert_int_equal(s->n_edges, 1775);
	assert_int_equal(s->n_tools, 2);
	/* npm's graph has one cycle */
	assert_int_equal(diag_count(&d, "cycle"), 1);
	w = diag_find(&d, "cycle", "dependencies");
	assert_non_null(w);
	assert_string_equal(w->msg, "dependency cycle of 2 components: \"resolve-dir@1.0.1\" -> "
				    "\"global-modules@1.0.0\" -> \"resolve-dir@1.0.1\"");
	assert_true(has_edge(s, "resolve-dir@1.0.1", "global-modules@1.0.0", SBOM_DEPENDS_ON));
	assert_true(has_edge(s, "global-modules@1.0.0", "resolve-dir@1.0.1", SBOM_DEPENDS_ON));
	sbom_free(s);
	sbom_diag_release(&d);
}

static void test_large_counts(void **state)
{
	static const struct {
		const char *file;
		size_t components, edges;
	} cases[] = {
		{ "SBOM__dropwizard-1.3.15__bom.json", 168, 170 },
		{ "SBOM__keycloak-10.0.2__bom.json", 904, 994 },
		{ "SBOM__juice-shop__v11.1.2__bom.json", 841, 0 },
		{ "SBOM__protonmail-webclient-v4-0912dff__bom.json", 884, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char rel[256];
		struct sbom_diag d;
		struct sbom *s;

		snprintf(rel, sizeof(rel), "cyclonedx/examples-large/%s", cases[i].file);
		sbom_diag_init(&d, 0);
		s = example(rel, &d);
		assert_int_equal(s->n_components, cases[i].components);
		assert_int_equal(s->n_edges, cases[i].edges);
		assert_int_equal(s->main, 0);
		sbom_free(s);
		sbom_diag_release(&d);
	}
}

static void test_proton_bridge_cycle(void **state)
{
	struct sbom_diag d;
	struct sbom *s;

	(void)state;
	sbom_diag_init(&d, 0);
	s = example("cyclonedx/examples/SBOM/proton-bridge/proton-bridge-v1.6.3.bom.json", &d);
	assert_int_equal(s->n_components, 202);
	assert_int_equal(s->n_edges, 232);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].code, "cycle");
	assert_non_null(strstr(d.items[0].msg, "\"pkg:golang/github.com/ugorji/go@v1.1.7\" -> "
					       "\"pkg:golang/github.com/ugorji/go/codec@v1.1.7\""));
	sbom_free(s);
	sbom_diag_release(&d);
}

static void test_saasbom_services(void **state)
{
	struct sbom_diag d;
	struct sbom *s;
	long gw;
	size_t services = 0;

	(void)state;
	sbom_diag_init(&d, 0);
	s = example("cyclonedx/examples/SaaSBOM/apigateway-microservices-datastores/bom.json", &d);
	/* the main component and six services, five of them nested in the gateway */
	assert_int_equal(s->n_components, 7);
	assert_string_equal(s->components[s->main].bom_ref, "acme-application");
	for (size_t i = 0; i < s->n_components; i++)
		services += s->components[i].kind == SBOM_SERVICE;
	assert_int_equal(services, 6);
	gw = find(s, "api-gateway");
	assert_int_equal(s->components[gw].kind, SBOM_SERVICE);
	assert_string_equal(s->components[gw].type, "service");
	assert_int_equal(s->components[gw].parent, -1);
	assert_int_equal(children_of(s, gw), 5);
	assert_int_equal(s->components[find(s, "s3-example.amazon.com")].parent, gw);
	assert_int_equal(s->n_edges, 6);
	assert_true(has_edge(s, "ms-3.example.com", "s3-example.amazon.com", SBOM_DEPENDS_ON));
	assert_true(s->components[find(s, "ms-2.example.com")].in_graph);
	assert_false(s->components[find(s, "s3-example.amazon.com")].in_graph);
	sbom_free(s);
	sbom_diag_release(&d);
}

static void test_cbom_provides(void **state)
{
	struct sbom_diag d;
	struct sbom *s;

	(void)state;
	sbom_diag_init(&d, 0);
	s = example("cyclonedx/examples/CBOM/Example-With-Dependencies/bom.json", &d);
	assert_int_equal(s->n_components, 4);
	assert_int_equal(s->n_edges, 3);
	assert_true(has_edge(s, "acme-application", "crypto-library", SBOM_DEPENDS_ON));
	assert_true(has_edge(s, "crypto-library", "some-library", SBOM_DEPENDS_ON));
	assert_true(has_edge(s, "crypto-library", "aes128gcm", SBOM_PROVIDES));
	assert_string_equal(s->components[find(s, "aes128gcm")].type, "cryptographic-asset");
	assert_int_equal(d.n, 0);
	sbom_free(s);
	sbom_diag_release(&d);
}

static void test_vex_without_components(void **state)
{
	struct sbom_diag d;
	struct sbom *s;

	(void)state;
	sbom_diag_init(&d, 0);
	s = example("cyclonedx/examples/VEX/vex.json", &d);
	assert_int_equal(s->n_components, 0);
	assert_int_equal(s->n_edges, 0);
	assert_int_equal(s->main, -1);
	assert_string_equal(s->spec_version, "1.4");
	sbom_free(s);
	sbom_diag_release(&d);
}

static void test_spdx_kubectl(void **state)
{
	struct sbom_diag d;
	struct sbom *s;
	size_t files = 0, nested_files = 0, purls = 0;
	const struct sbom_component *m;

	(void)state;
	sbom_diag_init(&d, 0);
	s = example("spdx/examples/guac__oci-kubectl-linux-amd64-spdx-1.json", &d);
	/* 89 packages and 1210 files; the image package (packages[88]) is described */
	assert_int_equal(s->n_components, 89 + 1210);
	assert_int_equal(s->main, 88);
	m = &s->components[88];
	assert_string_equal(m->name, "k8supstream.azurecr.io/public/oss/kubernetes/kubectl");
	/* the image CONTAINS the other 88 packages; packages CONTAIN 1205 of the files */
	assert_int_equal(children_of(s, 88), 88);
	for (size_t i = 0; i < s->n_components; i++) {
		const struct sbom_component *c = &s->components[i];

		purls += c->purl != NULL;
		if (strcmp(c->type, "file") == 0) {
			files++;
			nested_files += c->parent >= 0;
		}
	}
	assert_int_equal(files, 1210);
	assert_int_equal(nested_files, 1205);
	assert_int_equal(purls, 89);
	assert_int_equal(s->n_edges, 0);	/* CONTAINS nests; OTHER is not mapped */
	assert_int_equal(s->n_tools, 1);
	assert_string_equal(s->tools[0].name, "syft");
	assert_string_equal(s->tools[0].version, "0.90.0");
	assert_int_equal(s->n_authors, 1);
	assert_string_equal(s->authors[0].name, "Anchore, Inc");
	assert_string_equal(s->timestamp, "2023-10-12T04:01:49Z");
	assert_int_equal(d.n, 0);
	sbom_free(s);
	sbom_diag_release(&d);
}

static void test_spdx_full_example(void **state)
{
	struct sbom_diag d;
	struct sbom *s;
	const struct sbom_component *p;
	long pkg;

	(void)state;
	sbom_diag_init(&d, 0);
	s = example("spdx/examples/SPDXJSONExample-v2.3.spdx.json", &d);
	assert_int_equal(s->n_components, 4 + 5);
	pkg = find(s, "SPDXRef-Package");
	assert_int_equal(s->main, pkg);	/* documentDescribes: a file, then this package */
	p = &s->components[pkg];
	assert_string_equal(p->name, "glibc");
	assert_string_equal(p->version, "2.11.1");
	assert_string_equal(p->supplier.name, "Jane Doe");
	assert_int_equal(p->supplier.n_contacts, 1);
	assert_string_equal(p->supplier.contacts[0].email, "jane.doe@example.com");
	assert_int_equal(p->n_hashes, 4);
	assert_string_equal(p->hashes[1].alg, "SHA-1");
	assert_string_equal(p->hashes[1].content, "85ed0817af83a24ad8da68c2b5094de69833983c");
	assert_int_equal(p->n_licenses, 2);
	assert_int_equal(p->licenses[0].kind, SBOM_LICENSE_EXPRESSION);
	assert_string_equal(p->licenses[0].value, "(LGPL-2.0-only OR LicenseRef-3)");
	assert_string_equal(p->licenses[0].acknowledgement, "concluded");
	assert_string_equal(p->licenses[1].value, "(LGPL-2.0-only AND LicenseRef-3)");
	assert_string_equal(p->licenses[1].acknowledgement, "declared");
	assert_string_equal(p->cpe,
			    "cpe:2.3:a:pivotal_software:spring_framework:4.1.0:*:*:*:*:*:*:*");
	/* hasFiles nests four files in the package */
	assert_int_equal(children_of(s, pkg), 4);
	assert_int_equal(s->components[find(s, "SPDXRef-JenaLib")].parent, pkg);
	/* DYNAMIC_LINK is a dependency; "JenaLib CONTAINS Package" cannot nest the main one */
	assert_int_equal(s->n_edges, 2);
	assert_true(has_edge(s, "SPDXRef-Package", "SPDXRef-Saxon", SBOM_DEPENDS_ON));
	assert_true(has_edge(s, "SPDXRef-JenaLib", "SPDXRef-Package", SBOM_DEPENDS_ON));
	assert_string_equal(s->serial, "http://spdx.org/spdxdocs/spdx-example-444504E0-4F89-41D3-"
				       "9A0C-0305E82C3301");
	assert_string_equal(s->doc_name, "SPDX-Tools-v2.0");
	assert_non_null(diag_find(&d, "no_version", "packages[1].versionInfo"));
	sbom_free(s);
	sbom_diag_release(&d);
}

static void test_spdx_small_examples(void **state)
{
	struct sbom_diag d;
	struct sbom *s;
	long ex;

	(void)state;
	sbom_diag_init(&d, 0);
	s = example("spdx/examples/spdx-examples__software__example8__spdx2.3__"
		    "examplemaven-0.0.1.spdx.json", &d);
	assert_int_equal(s->n_components, 6 + 2);
	ex = find(s, "SPDXRef-example");
	assert_int_equal(s->main, ex);
	/* TEST_DEPENDENCY_OF reversed, four DYNAMIC_LINKs */
	assert_int_equal(s->n_edges, 5);
	assert_true(has_edge(s, "SPDXRef-example", "SPDXRef-junit", SBOM_DEPENDS_ON));
	assert_true(has_edge(s, "SPDXRef-example", "SPDXRef-log4jImpl", SBOM_DEPENDS_ON));
	assert_int_equal(diag_count(&d, "no_version"), 4);
	sbom_free(s);
	sbom_diag_release(&d);

	sbom_diag_init(&d, 0);
	s = example("spdx/examples/spdx-examples__software__example11__spdx2.3__sbom.spdx.json",
		    &d);
	assert_int_equal(s->n_components, 5);
	assert_int_equal(s->n_edges, 3);
	assert_string_equal(s->components[s->main].bom_ref, "SPDXRef-Package-hello-server-src");
	assert_true(has_edge(s, "SPDXRef-Package-hello-server-src",
			     "SPDXRef-Package-SPDXRef-Package-cargo-tokio-1", SBOM_DEPENDS_ON));
	sbom_free(s);
	sbom_diag_release(&d);

	sbom_diag_init(&d, 0);
	s = example("spdx/examples/spdx-examples__presentations__OSS-NA-2023__SPDXVersion2.3__"
		    "03-SBOMwDependency.json", &d);
	assert_int_equal(s->n_components, 2);
	assert_int_equal(s->n_edges, 1);
	assert_int_equal(s->main, 0);
	sbom_free(s);
	sbom_diag_release(&d);
}

/* ---- hand-made documents ------------------------------------------------ */

#define CDX(spec, body) "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"" spec "\"," body "}"
#define C(ref)                                                                               \
	"{\"type\":\"library\",\"bom-ref\":\"" ref "\",\"name\":\"" ref "\",\"version\":\"1\"}"

static void test_cyclonedx_fields(void **state)
{
	static const char doc[] = CDX("1.6",
		"\"serialNumber\":\"urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79\",\"version\":7,"
		"\"metadata\":{\"timestamp\":\"2024-05-01T10:00:00+08:00\","
		"\"tools\":{\"components\":[{\"type\":\"application\",\"group\":\"acme\","
		"\"name\":\"scan\",\"version\":\"2\"}]},"
		"\"authors\":[{\"name\":\"Li Lei\",\"email\":\"li@example.com\"}],"
		"\"supplier\":{\"name\":\"Acme\",\"url\":[\"https://acme.example\"]},"
		"\"component\":{\"type\":\"firmware\",\"bom-ref\":\"fw\",\"name\":\"fw\","
		"\"version\":\"9\"}},"
		"\"components\":[{\"type\":\"library\",\"bom-ref\":\"a\",\"group\":\"org.x\","
		"\"name\":\"a\",\"version\":\"1.0\",\"scope\":\"optional\",\"description\":\"d\","
		"\"purl\":\"pkg:maven/org.x/a@1.0\",\"cpe\":\"cpe:2.3:a:x:a:1.0:*:*:*:*:*:*:*\","
		"\"supplier\":{\"name\":\"X\",\"contact\":[{\"email\":\"x@x.example\"}]},"
		"\"hashes\":[{\"alg\":\"SHA-256\",\"content\":"
		"\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"}],"
		"\"licenses\":[{\"license\":{\"id\":\"MIT\"}},{\"license\":{\"name\":\"Own\"}}],"
		"\"externalReferences\":[{\"type\":\"vcs\",\"url\":\"https://git.example/a\"}],"
		"\"components\":[" C("a-sub") "]}]");
	struct sbom_diag d;
	struct sbom *s;
	const struct sbom_component *a;

	(void)state;
	sbom_diag_init(&d, 0);
	s = parse_ok(doc, &d);
	assert_int_equal(d.n, 0);
	assert_string_equal(s->serial, "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79");
	assert_int_equal(s->bom_version, 7);
	assert_string_equal(s->timestamp, "2024-05-01T10:00:00+08:00");
	assert_int_equal(s->n_tools, 1);
	assert_string_equal(s->tools[0].vendor, "acme");
	assert_string_equal(s->authors[0].email, "li@example.com");
	assert_string_equal(s->supplier.name, "Acme");
	assert_string_equal(s->supplier.urls[0], "https://acme.example");
	assert_int_equal(s->n_components, 3);
	assert_int_equal(s->main, 0);
	a = &s->components[1];
	assert_string_equal(a->bom_ref, "a");
	assert_string_equal(a->group, "org.x");
	assert_string_equal(a->scope, "optional");
	assert_string_equal(a->description, "d");
	assert_string_equal(a->purl, "pkg:maven/org.x/a@1.0");
	assert_string_equal(a->supplier.contacts[0].email, "x@x.example");
	assert_int_equal(a->n_hashes, 1);
	assert_int_equal(a->n_licenses, 2);
	assert_int_equal(a->licenses[0].kind, SBOM_LICENSE_ID);
	assert_int_equal(a->licenses[1].kind, SBOM_LICENSE_NAME);
	assert_string_equal(a->extrefs[0].type, "vcs");
	assert_int_equal(s->components[2].parent, 1);
	assert_null(s->components[2].group);
	round_trip("hand/fields", s);
	sbom_free(s);
	sbom_diag_release(&d);
}

static void test_cyclonedx_17(void **state)
{
	static const char doc[] = CDX("1.7",
		"\"components\":[{\"type\":\"library\",\"bom-ref\":\"a\",\"name\":\"a\","
		"\"version\":\"1\",\"licenses\":[{\"expression\":\"MIT OR Apache-2.0\","
		"\"acknowledgement\":\"declared\"},{\"license\":{\"id\":\"MIT\","
		"\"acknowledgement\":\"concluded\"}}],\"hashes\":[{\"alg\":\"Streebog-256\","
		"\"content\":"
		"\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"}],"
		"\"externalReferences\":[{\"type\":\"citation\",\"url\":\"https://c.example\"}]}]");
	struct sbom_diag d;
	struct sbom *s, *r;
	struct err e = ERR_INIT;
	char *json;
	json_t *root, *lic;

	(void)state;
	sbom_diag_init(&d, 0);
	s = parse_ok(doc, &d);
	assert_int_equal(d.n, 0);	/* mixing is legal in 1.7, Streebog and citation known */
	assert_int_equal(s->components[0].n_licenses, 2);
	assert_int_equal(sbom_export_cyclonedx16(s, &json, &e), 0);
	/* 1.6 cannot mix: the expression becomes a named licence, the id stays an id */
	root = json_loads(json, 0, NULL);
	lic = json_object_get(json_array_get(json_object_get(root, "components"), 0), "licenses");
	assert_int_equal(json_array_size(lic), 2);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
				    json_array_get(lic, 0), "license"), "name")),
			    "MIT OR Apache-2.0");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
				    json_array_get(lic, 1), "license"), "id")),
			    "MIT");
	/* no Streebog in 1.6; a citation is an "other" reference */
	assert_null(json_object_get(json_array_get(json_object_get(root, "components"), 0),
				    "hashes"));
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(
		json_array_get(json_object_get(root, "components"), 0), "externalReferences"), 0),
		"type")), "other");
	json_decref(root);
	r = parse_ok(json, NULL);
	assert_int_equal(r->components[0].n_licenses, 2);
	sbom_free(r);
	free(json);
	round_trip("hand/cdx17", s);
	sbom_free(s);
	sbom_diag_release(&d);
}

static void test_cyclonedx_legacy_tools(void **state)
{
	static const char doc[] = CDX("1.2",
		"\"metadata\":{\"tools\":[{\"vendor\":\"CycloneDX\",\"name\":\"cdx-npm\","
		"\"version\":\"1\"},{\"vendor\":\"CycloneDX\",\"name\":\"cdx-npm\","
		"\"version\":\"1\"},"
		"{\"name\":\"other\"}]}");
	struct sbom *s;

	(void)state;
	s = parse_ok(doc, NULL);
	assert_int_equal(s->n_tools, 2);	/* the same tool twice is kept once */
	assert_string_equal(s->tools[0].vendor, "CycloneDX");
	assert_null(s->tools[1].vendor);
	assert_int_equal(s->n_components, 0);
	round_trip("hand/legacy-tools", s);
	sbom_free(s);
}

/* ---- errors ------------------------------------------------------------- */

static void test_not_json(void **state)
{
	struct err e;
	size_t len;
	char *json;

	(void)state;
	parse_err("", 0, 0, &e);
	assert_int_equal(e.code, ERR_MALFORMED);
	assert_string_equal(e.msg, "document: empty");
	parse_err("not json", 8, 0, &e);
	assert_int_equal(e.code, ERR_MALFORMED);
	assert_non_null(strstr(e.msg, "document: not valid JSON at line 1"));
	/* truncated: half of a real SBOM */
	json = data_file("cyclonedx/examples/SBOM/laravel-7.12.0/bom.1.4.json", &len);
	parse_err(json, len / 2, 0, &e);
	assert_int_equal(e.code, ERR_MALFORMED);
	assert_non_null(strstr(e.msg, "not valid JSON"));
	parse_err(json, len - 1, 0, &e);	/* only the last '}' missing */
	assert_int_equal(e.code, ERR_MALFORMED);
	free(json);
	/* duplicate keys, a NUL in a string, trailing garbage */
	parse_err(CDX("1.4", "\"version\":1,\"version\":2"),
		  strlen(CDX("1.4", "\"version\":1,\"version\":2")), 0, &e);
	assert_int_equal(e.code, ERR_MALFORMED);
	assert_non_null(strstr(e.msg, "duplicate object key"));
	parse_err(CDX("1.4", "\"serialNumber\":\"a\\u0000b\""),
		  strlen(CDX("1.4", "\"serialNumber\":\"a\\u0000b\"")), 0, &e);
	assert_int_equal(e.code, ERR_MALFORMED);
	parse_err("{} {}", 5, 0, &e);
	assert_int_equal(e.code, ERR_MALFORMED);
	parse_fails("[1, 2]", ERR_INVALID, "document: not a JSON object");
	parse_fails("{\"foo\": 1}", ERR_INVALID,
		    "document: neither a CycloneDX BOM (no \"bomFormat\") nor an SPDX document "
		    "(no \"spdxVersion\")");
	parse_fails("{\"bomFormat\": \"SPDX\"}", ERR_INVALID, "bomFormat: not \"CycloneDX\"");
}

static void test_versions(void **state)
{
	struct err e;

	(void)state;
	parse_fails(CDX("1.1", "\"version\":1"), ERR_INVALID,
		    "specVersion: unsupported version \"1.1\" (1.2 to 1.7 are read)");
	parse_fails(CDX("2.0", "\"version\":1"), ERR_INVALID,
		    "specVersion: unsupported version \"2.0\" (1.2 to 1.7 are read)");
	parse_fails("{\"bomFormat\":\"CycloneDX\"}", ERR_INVALID, "specVersion: missing");
	parse_fails("{\"bomFormat\":\"CycloneDX\",\"specVersion\":1.4}", ERR_INVALID,
		    "specVersion: not a string");
	parse_fails("{\"spdxVersion\":\"SPDX-2.2\",\"SPDXID\":\"SPDXRef-DOCUMENT\"}", ERR_INVALID,
		    "spdxVersion: unsupported version \"SPDX-2.2\" (SPDX-2.3 is read)");
	parse_err(CDX("1.1", ""), strlen(CDX("1.1", "")) - 0, 0, &e);
	assert_string_equal(err_name(&e), "malformed_json");	/* the trailing ',' */
	parse_err(CDX("1.1", "\"version\":1"), strlen(CDX("1.1", "\"version\":1")), 0, &e);
	assert_string_equal(err_name(&e), "unsupported_version");
}

static void test_wrong_types(void **state)
{
	(void)state;
	parse_fails(CDX("1.4", "\"components\":{}"), ERR_INVALID, "components: not an array");
	parse_fails(CDX("1.4", "\"components\":[" C("a") ",7]"), ERR_INVALID,
		    "components[1]: not an object");
	parse_fails(CDX("1.4", "\"components\":[" C("a") ",{\"type\":\"library\",\"name\":5}]"),
		    ERR_INVALID, "components[1].name: not a string");
	parse_fails(CDX("1.4", "\"version\":\"1\""), ERR_INVALID,
		    "version: not an integer of at least 1");
	parse_fails(CDX("1.4", "\"version\":0"), ERR_INVALID,
		    "version: not an integer of at least 1");
	parse_fails(CDX("1.4", "\"metadata\":[]"), ERR_INVALID, "metadata: not an object");
	parse_fails(CDX("1.4", "\"metadata\":{\"tools\":\"x\"}"), ERR_INVALID,
		    "metadata.tools: not an array or an object");
	parse_fails(CDX("1.4", "\"components\":[{\"type\":\"library\",\"name\":\"a\","
			       "\"components\":[{\"type\":\"file\",\"name\":\"f\",\"hashes\":"
			       "[{\"alg\":\"MD5\",\"content\":1}]}]}]"),
		    ERR_INVALID, "components[0].components[0].hashes[0].content: not a string");
	parse_fails(CDX("1.4", "\"components\":[{\"type\":\"library\",\"name\":\"a\","
			       "\"supplier\":{\"url\":[\"https://x.example\",3]}}]"),
		    ERR_INVALID, "components[0].supplier.url[1]: not a string");
	parse_fails(CDX("1.4", "\"dependencies\":[{\"ref\":[]}]"), ERR_INVALID,
		    "dependencies[0].ref: not a string");
	parse_fails(CDX("1.4", "\"components\":[" C("a") "],\"dependencies\":[{\"ref\":\"a\","
			       "\"dependsOn\":\"a\"}]"),
		    ERR_INVALID, "dependencies[0].dependsOn: not an array");
	parse_fails(CDX("1.4", "\"components\":[{\"type\":\"widget\",\"name\":\"a\"}]"),
		    ERR_INVALID, "components[0].type: unknown component type \"widget\"");
	parse_fails(CDX("1.4", "\"components\":[{\"type\":\"library\",\"name\":\"a\","
			       "\"scope\":\"sometimes\"}]"),
		    ERR_INVALID, "components[0].scope: unknown scope \"sometimes\"");
}

static void test_missing_fields(void **state)
{
	struct err e;
	const char *doc = CDX("1.4", "\"components\":[" C("a") "," C("b") "," C("c")
				     ",{\"type\":\"library\",\"version\":\"1\"}]");

	(void)state;
	parse_fails(doc, ERR_INVALID, "components[3].name: missing");
	parse_err(doc, strlen(doc), 0, &e);
	assert_string_equal(err_name(&e), "missing_field");
	parse_fails(CDX("1.4", "\"components\":[{\"name\":\"a\"}]"), ERR_INVALID,
		    "components[0].type: missing");
	parse_fails(CDX("1.5", "\"services\":[{\"bom-ref\":\"s\"}]"), ERR_INVALID,
		    "services[0].name: missing");
	parse_fails(CDX("1.4", "\"dependencies\":[{\"dependsOn\":[]}]"), ERR_INVALID,
		    "dependencies[0].ref: missing");
	parse_fails(CDX("1.4", "\"components\":[{\"type\":\"library\",\"name\":\"a\","
			       "\"hashes\":[{\"alg\":\"MD5\"}]}]"),
		    ERR_INVALID, "components[0].hashes[0].content: missing");
	parse_fails(CDX("1.4", "\"components\":[{\"type\":\"library\",\"name\":\"a\","
			       "\"licenses\":[{\"license\":{}}]}]"),
		    ERR_INVALID, "components[0].licenses[0].license: neither id nor name");
	parse_fails(CDX("1.4", "\"components\":[{\"type\":\"library\",\"name\":\"a\","
			       "\"licenses\":[{}]}]"),
		    ERR_INVALID,
		    "components[0].licenses[0]: neither \"license\" nor \"expression\"");
	parse_fails(CDX("1.4", "\"components\":[{\"type\":\"library\",\"name\":\"a\","
			       "\"externalReferences\":[{\"type\":\"vcs\"}]}]"),
		    ERR_INVALID, "components[0].externalReferences[0].url: missing");
	parse_fails(CDX("1.4", "\"components\":[{\"type\":\"library\",\"name\":\"a\","
			       "\"bom-ref\":\"\"}]"),
		    ERR_INVALID, "components[0].bom-ref: empty");
}

static void test_duplicate_refs(void **state)
{
	struct err e;
	const char *doc = CDX("1.4", "\"components\":[" C("a") "," C("b") "," C("a") "]");

	(void)state;
	parse_fails(doc, ERR_INVALID, "components[2].bom-ref: duplicate bom-ref \"a\"");
	parse_err(doc, strlen(doc), 0, &e);
	assert_string_equal(err_name(&e), "duplicate_ref");
	/* across the main component, nesting and services */
	parse_fails(CDX("1.4", "\"metadata\":{\"component\":" C("m") "},\"components\":["
			       "{\"type\":\"library\",\"name\":\"x\",\"components\":["
			       C("m") "]}]"),
		    ERR_INVALID, "components[0].components[0].bom-ref: duplicate bom-ref \"m\"");
	parse_fails(CDX("1.4", "\"components\":[" C("a") "],\"services\":[{\"bom-ref\":\"a\","
			       "\"name\":\"s\"}]"),
		    ERR_INVALID, "services[0].bom-ref: duplicate bom-ref \"a\"");
}

static void test_dangling_refs(void **state)
{
	struct err e;
	const char *doc = CDX("1.4", "\"components\":[" C("a") "," C("b") "],\"dependencies\":"
				     "[{\"ref\":\"a\",\"dependsOn\":[\"b\",\"zzz\"]}]");

	(void)state;
	parse_fails(doc, ERR_INVALID, "dependencies[0].dependsOn[1]: unknown ref \"zzz\"");
	parse_err(doc, strlen(doc), 0, &e);
	assert_string_equal(err_name(&e), "unknown_ref");
	parse_fails(CDX("1.4", "\"components\":[" C("a") "],\"dependencies\":[{\"ref\":\"a\"},"
			       "{\"ref\":\"q\"}]"),
		    ERR_INVALID, "dependencies[1].ref: unknown ref \"q\"");
	parse_fails(CDX("1.6", "\"components\":[" C("a") "],\"dependencies\":[{\"ref\":\"a\","
			       "\"provides\":[\"alg\"]}]"),
		    ERR_INVALID, "dependencies[0].provides[0]: unknown ref \"alg\"");
}

/* "depth" components, each nested in the one before. */
static char *nested(int depth)
{
	struct buf b;

	buf_init(&b, SIZE_MAX);
	buf_adds(&b, "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[");
	for (int i = 0; i < depth; i++)
		buf_addf(&b, "{\"type\":\"library\",\"bom-ref\":\"c%d\",\"name\":\"n\","
			     "\"version\":\"1\",\"components\":[", i);
	for (int i = 0; i < depth; i++)
		buf_adds(&b, "]}");
	buf_adds(&b, "]}");
	return buf_detach(&b, NULL);
}

static void test_deep_nesting(void **state)
{
	struct sbom *s;
	struct err e;
	char *json;
	char want[4096] = "";
	size_t at = 0;

	(void)state;
	json = nested(SBOM_MAX_DEPTH);
	s = parse_ok(json, NULL);
	assert_int_equal(s->n_components, SBOM_MAX_DEPTH);
	for (long i = 1; i < SBOM_MAX_DEPTH; i++)
		assert_int_equal(s->components[i].parent, i - 1);
	round_trip("hand/deep", s);
	sbom_free(s);
	free(json);

	json = nested(SBOM_MAX_DEPTH + 1);
	parse_err(json, strlen(json), 0, &e);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(err_name(&e), "too_deep");
	for (int i = 0; i <= SBOM_MAX_DEPTH; i++)
		at += (size_t)snprintf(want + at, sizeof(want) - at, "%scomponents[0]",
				       i ? "." : "");
	/* the message holds the start of the path (err.msg is 256 bytes) */
	assert_int_equal(strncmp(e.msg, want, 200), 0);
	free(json);

	/* deeper than the JSON parser goes at all */
	{
		struct buf b;

		buf_init(&b, SIZE_MAX);
		for (int i = 0; i < 5000; i++)
			buf_adds(&b, "[");
		for (int i = 0; i < 5000; i++)
			buf_adds(&b, "]");
		parse_err(b.data, b.len, 0, &e);
		assert_int_equal(e.code, ERR_MALFORMED);
		assert_non_null(strstr(e.msg, "depth"));
		buf_release(&b);
	}
}

static void test_size_limit(void **state)
{
	const char *doc = CDX("1.4", "\"components\":[" C("a") "]");
	size_t len = strlen(doc);
	struct sbom *s = NULL;
	struct err e;
	char want[128];

	(void)state;
	parse_err(doc, len, len - 1, &e);
	assert_int_equal(e.code, ERR_TOO_LARGE);
	snprintf(want, sizeof(want), "document: %zu bytes, more than the limit of %zu", len,
		 len - 1);
	assert_string_equal(e.msg, want);
	assert_int_equal(sbom_parse(&s, doc, len, len, NULL, &e), 0);
	assert_int_equal(s->n_components, 1);
	sbom_free(s);
}

/* ---- warnings ------------------------------------------------------------ */

static void test_cycles(void **state)
{
	struct sbom_diag d;
	struct sbom *s;
	struct buf b;
	const struct sbom_diag_item *w;

	(void)state;
	sbom_diag_init(&d, 0);
	s = parse_ok(CDX("1.4", "\"components\":[" C("a") "," C("b") "," C("c") "," C("d") ","
				C("e") "],\"dependencies\":[{\"ref\":\"a\",\"dependsOn\":[\"b\"]},"
				"{\"ref\":\"b\",\"dependsOn\":[\"c\"]},"
				"{\"ref\":\"c\",\"dependsOn\":"
				"[\"a\",\"d\"]},{\"ref\":\"e\",\"dependsOn\":[\"e\"]},"
				"{\"ref\":\"d\",\"dependsOn\":[]}]"),
		     &d);
	assert_int_equal(s->n_edges, 5);
	assert_int_equal(diag_count(&d, "cycle"), 2);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.items[0].path, "dependencies");
	assert_string_equal(d.items[0].msg,
			    "dependency cycle of 3 components: \"a\" -> \"b\" -> \"c\" -> \"a\"");
	assert_string_equal(d.items[1].msg, "dependency cycle of 1 component: \"e\" -> \"e\"");
	assert_true(s->components[find(s, "d")].in_graph);
	round_trip("hand/cycles", s);
	sbom_free(s);
	sbom_diag_release(&d);

	/* a ring of 20: the message names the first 8 refs; a chord makes a group */
	buf_init(&b, SIZE_MAX);
	buf_adds(&b, "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.4\",\"components\":[");
	for (int i = 0; i < 20; i++)
		buf_addf(&b, "%s{\"type\":\"library\",\"bom-ref\":\"r%d\",\"name\":\"r\","
			     "\"version\":\"1\"}", i ? "," : "", i);
	buf_adds(&b, "],\"dependencies\":[");
	for (int i = 0; i < 20; i++)
		buf_addf(&b, "%s{\"ref\":\"r%d\",\"dependsOn\":[\"r%d\"%s]}", i ? "," : "", i,
			 (i + 1) % 20, i == 10 ? ",\"r0\"" : "");
	buf_adds(&b, "]}");
	sbom_diag_init(&d, 0);
	s = parse_ok(b.data, &d);
	assert_int_equal(d.n, 1);
	w = &d.items[0];
	assert_string_equal(w->msg, "dependency cycle of 11 components: \"r0\" -> \"r1\" -> "
				    "\"r2\" -> \"r3\" -> \"r4\" -> \"r5\" -> \"r6\" -> \"r7\" -> "
				    "... (in a group of 20 mutually dependent components)");
	sbom_free(s);
	sbom_diag_release(&d);
	buf_release(&b);
}

static void test_warnings(void **state)
{
	struct sbom_diag d;
	struct sbom *s;
	const struct sbom_diag_item *w;

	(void)state;
	sbom_diag_init(&d, 0);
	s = parse_ok(CDX("1.4",
		"\"serialNumber\":\"urn:uuid:3E671687-395B-41F5-A30F-A58921A69B79\","
		"\"metadata\":{\"timestamp\":\"yesterday\"},"
		"\"components\":[{\"type\":\"library\",\"bom-ref\":\"a\",\"name\":\"a\","
		"\"purl\":\"npm/left-pad@1\",\"cpe\":\"cpe:2.3:a:x\"},"
		"{\"type\":\"file\",\"bom-ref\":\"f\",\"name\":\"f\","
		"\"hashes\":[{\"alg\":\"CRC32\","
		"\"content\":\"abcd\"}]},"
		"{\"type\":\"library\",\"bom-ref\":\"urn:cdx:x\",\"name\":\"b\",\"version\":\"2\","
		"\"purl\":\"pkg:npm/%zz@1\","
		"\"externalReferences\":[{\"type\":\"blog\",\"url\":\"u\"}]}],"
		"\"dependencies\":[{\"ref\":\"a\",\"dependsOn\":[\"f\",\"f\"]},{\"ref\":\"a\"}]"),
		&d);
	assert_non_null(diag_find(&d, "serial", "serialNumber"));
	w = diag_find(&d, "timestamp", "metadata.timestamp");
	assert_non_null(w);
	assert_string_equal(w->msg, "not an RFC 3339 date-time: \"yesterday\"");
	w = diag_find(&d, "no_version", "components[0].version");
	assert_non_null(w);
	assert_string_equal(w->msg, "missing");
	assert_null(diag_find(&d, "no_version", "components[1].version"));	/* a file */
	w = diag_find(&d, "purl", "components[0].purl");
	assert_non_null(w);
	assert_string_equal(w->msg, "not a valid purl: \"npm/left-pad@1\"");
	assert_non_null(diag_find(&d, "purl", "components[2].purl"));
	assert_non_null(diag_find(&d, "cpe", "components[0].cpe"));
	assert_non_null(diag_find(&d, "hash", "components[1].hashes[0].alg"));
	assert_non_null(diag_find(&d, "hash", "components[1].hashes[0].content"));
	assert_non_null(diag_find(&d, "bom_ref", "components[2].bom-ref"));
	assert_non_null(diag_find(&d, "extref", "components[2].externalReferences[0].type"));
	assert_non_null(diag_find(&d, "duplicate", "dependencies[0].dependsOn[1]"));
	assert_non_null(diag_find(&d, "duplicate", "dependencies[1].ref"));
	assert_int_equal(d.n, 12);
	/* the purls are kept as given */
	assert_string_equal(s->components[0].purl, "npm/left-pad@1");
	assert_int_equal(s->n_edges, 1);
	round_trip("hand/warnings", s);
	sbom_free(s);
	sbom_diag_release(&d);

	/* a diagnostics list keeps at most max items and counts the rest */
	sbom_diag_init(&d, 2);
	s = parse_ok(CDX("1.4", "\"components\":[{\"type\":\"library\",\"name\":\"a\"},"
				"{\"type\":\"library\",\"name\":\"b\"},{\"type\":\"library\","
				"\"name\":\"c\"}]"),
		     &d);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.dropped, 1);
	sbom_free(s);
	sbom_diag_release(&d);
}

static void test_purl_and_cpe_shapes(void **state)
{
	static const char *const good[] = { "pkg:npm/left-pad@1.3.0", "pkg:npm/%40angular/core@16",
		"pkg:maven/org.apache/commons-lang3@3.1?type=jar", "pkg:golang/./staging/x@(devel)",
		"pkg:generic/openssl@3.0#sub/path", "PKG:pypi/Django" };
	static const char *const bad[] = { "npm/left-pad", "pkg:", "pkg:npm", "pkg:npm/",
		"pkg:npm/@1.0", "pkg:1npm/x", "pkg:npm/a b", "pkg:npm/%zz", "pkg:npm/x%4" };
	char doc[512];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]) + sizeof(bad) / sizeof(bad[0]); i++) {
		int ok = i < sizeof(good) / sizeof(good[0]);
		const char *purl = ok ? good[i] : bad[i - sizeof(good) / sizeof(good[0])];
		struct sbom_diag d;
		struct sbom *s;

		snprintf(doc, sizeof(doc),
			 CDX("1.4", "\"components\":[{\"type\":\"library\",\"name\":\"a\","
				    "\"version\":\"1\",\"purl\":\"%s\"}]"),
			 purl);
		sbom_diag_init(&d, 0);
		s = parse_ok(doc, &d);
		if ((diag_find(&d, "purl", NULL) == NULL) != ok)
			fail_msg("purl \"%s\" should be %s", purl, ok ? "accepted" : "reported");
		sbom_free(s);
		sbom_diag_release(&d);
	}
}

/* ---- SPDX mapping -------------------------------------------------------- */

#define SPDX_HEAD                                                                             \
	"{\"spdxVersion\":\"SPDX-2.3\",\"SPDXID\":\"SPDXRef-DOCUMENT\",\"name\":\"t\","          \
	"\"dataLicense\":\"CC0-1.0\",\"documentNamespace\":\"https://example.com/t-1\","         \
	"\"creationInfo\":{\"created\":\"2024-01-01T00:00:00Z\",\"creators\":"                   \
	"[\"Tool: gen-1.2.3\",\"Person: Zhang San (zs@example.com)\"]},"
#define PKG(id) "{\"SPDXID\":\"SPDXRef-" id "\",\"name\":\"" id "\",\"versionInfo\":\"1\","    \
	"\"downloadLocation\":\"NOASSERTION\"}"
#define REL(a, t, b) "{\"spdxElementId\":\"" a "\",\"relationshipType\":\"" t "\"," \
	"\"relatedSpdxElement\":\"" b "\"}"

static void test_spdx_mapping(void **state)
{
	static const char doc[] = SPDX_HEAD
		"\"packages\":[{\"SPDXID\":\"SPDXRef-app\",\"name\":\"app\","
		"\"versionInfo\":\"2.0\",\"downloadLocation\":\"https://dl.example/app.tgz\","
		"\"homepage\":\"https://app.example\","
		"\"primaryPackagePurpose\":\"APPLICATION\","
		"\"supplier\":\"Organization: Acme Corp (sec@acme.example)\","
		"\"licenseConcluded\":\"MIT\",\"licenseDeclared\":\"MIT\","
		"\"checksums\":[{\"algorithm\":\"SHA256\",\"checksumValue\":"
		"\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"},"
		"{\"algorithm\":\"ADLER32\",\"checksumValue\":\"01020304\"}],"
		"\"externalRefs\":[{\"referenceCategory\":\"PACKAGE-MANAGER\",\"referenceType\":"
		"\"purl\",\"referenceLocator\":\"pkg:npm/app@2.0\"},"
		"{\"referenceCategory\":\"SECURITY\","
		"\"referenceType\":\"cpe22Type\",\"referenceLocator\":\"cpe:/a:acme:app:2.0\"},"
		"{\"referenceCategory\":\"SECURITY\",\"referenceType\":\"cpe23Type\","
		"\"referenceLocator\":\"cpe:2.3:a:acme:app:2.0:*:*:*:*:*:*:*\"},"
		"{\"referenceCategory\":\"SECURITY\",\"referenceType\":\"advisory\","
		"\"referenceLocator\":\"https://adv.example/1\"}]},"
		PKG("lib") "," PKG("dev") "," PKG("inner") "," PKG("x") "," PKG("y") "],"
		"\"files\":[{\"SPDXID\":\"SPDXRef-f\",\"fileName\":\"./a.c\",\"checksums\":"
		"[{\"algorithm\":\"SHA1\","
		"\"checksumValue\":\"2fd4e1c67a2d28fced849ee1bb76e7391b93eb12\"}],"
		"\"licenseConcluded\":\"NOASSERTION\"}],"
		"\"snippets\":[{\"SPDXID\":\"SPDXRef-snip\"}],"
		"\"relationships\":["
		REL("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-app") ","
		REL("SPDXRef-app", "DEPENDS_ON", "SPDXRef-lib") ","
		REL("SPDXRef-dev", "DEV_DEPENDENCY_OF", "SPDXRef-app") ","
		REL("SPDXRef-app", "CONTAINS", "SPDXRef-inner") ","
		REL("SPDXRef-inner", "CONTAINS", "SPDXRef-f") ","
		REL("SPDXRef-lib", "CONTAINS", "SPDXRef-f") ","
		REL("SPDXRef-x", "CONTAINS", "SPDXRef-y") ","
		REL("SPDXRef-y", "CONTAINED_BY", "SPDXRef-x") ","
		REL("SPDXRef-y", "CONTAINS", "SPDXRef-x") ","
		REL("SPDXRef-lib", "STATIC_LINK", "SPDXRef-x") ","
		REL("SPDXRef-app", "GENERATED_FROM", "SPDXRef-snip") ","
		REL("SPDXRef-app", "DEPENDS_ON", "DocumentRef-other:SPDXRef-z") ","
		REL("SPDXRef-app", "DEPENDS_ON", "NOASSERTION") "]}";
	struct sbom_diag d;
	struct sbom *s;
	const struct sbom_component *app, *f;
	long iapp, inner, x, y;

	(void)state;
	sbom_diag_init(&d, 0);
	s = parse_ok(doc, &d);
	assert_int_equal(s->format, SBOM_FORMAT_SPDX);
	assert_string_equal(s->spec_version, "2.3");
	assert_string_equal(s->serial, "https://example.com/t-1");
	assert_string_equal(s->doc_name, "t");
	assert_int_equal(s->n_tools, 1);
	assert_string_equal(s->tools[0].name, "gen");
	assert_string_equal(s->tools[0].version, "1.2.3");
	assert_int_equal(s->n_authors, 1);
	assert_string_equal(s->authors[0].name, "Zhang San");
	assert_string_equal(s->authors[0].email, "zs@example.com");
	assert_int_equal(s->n_components, 7);	/* six packages, one file; no snippet */
	iapp = find(s, "SPDXRef-app");
	assert_int_equal(s->main, iapp);
	app = &s->components[iapp];
	assert_string_equal(app->type, "application");
	assert_string_equal(app->purl, "pkg:npm/app@2.0");
	assert_string_equal(app->cpe, "cpe:2.3:a:acme:app:2.0:*:*:*:*:*:*:*");
	assert_string_equal(app->supplier.name, "Acme Corp");
	assert_string_equal(app->supplier.contacts[0].email, "sec@acme.example");
	assert_int_equal(app->n_hashes, 2);
	assert_string_equal(app->hashes[0].alg, "SHA-256");
	assert_string_equal(app->hashes[1].alg, "ADLER32");
	assert_int_equal(app->n_licenses, 2);
	assert_int_equal(app->n_extrefs, 3);
	assert_string_equal(app->extrefs[0].type, "advisories");
	assert_string_equal(app->extrefs[1].type, "distribution");
	assert_string_equal(app->extrefs[1].url, "https://dl.example/app.tgz");
	assert_string_equal(app->extrefs[2].type, "website");
	f = &s->components[find(s, "SPDXRef-f")];
	assert_string_equal(f->type, "file");
	assert_string_equal(f->name, "./a.c");
	assert_string_equal(f->hashes[0].alg, "SHA-1");
	assert_int_equal(f->n_licenses, 0);
	/* CONTAINS nests; the second container of the file becomes a dependency */
	inner = find(s, "SPDXRef-inner");
	assert_int_equal(s->components[inner].parent, iapp);
	assert_int_equal(f->parent, inner);
	assert_true(has_edge(s, "SPDXRef-lib", "SPDXRef-f", SBOM_DEPENDS_ON));
	/* x CONTAINS y twice (once as CONTAINED_BY); y CONTAINS x closes a loop */
	x = find(s, "SPDXRef-x");
	y = find(s, "SPDXRef-y");
	assert_int_equal(s->components[y].parent, x);
	assert_int_equal(s->components[x].parent, -1);
	assert_true(has_edge(s, "SPDXRef-y", "SPDXRef-x", SBOM_DEPENDS_ON));
	assert_non_null(diag_find(&d, "contains", "relationships"));
	/* DEPENDS_ON, DEV_DEPENDENCY_OF (reversed), STATIC_LINK */
	assert_true(has_edge(s, "SPDXRef-app", "SPDXRef-lib", SBOM_DEPENDS_ON));
	assert_true(has_edge(s, "SPDXRef-app", "SPDXRef-dev", SBOM_DEPENDS_ON));
	assert_true(has_edge(s, "SPDXRef-lib", "SPDXRef-x", SBOM_DEPENDS_ON));
	assert_int_equal(s->n_edges, 5);
	assert_int_equal(d.n, 1);
	round_trip("hand/spdx-mapping", s);
	sbom_free(s);
	sbom_diag_release(&d);
}

static void test_spdx_described_by(void **state)
{
	struct sbom_diag d;
	struct sbom *s;

	(void)state;
	sbom_diag_init(&d, 0);
	s = parse_ok(SPDX_HEAD "\"packages\":[" PKG("a") "," PKG("b") "," PKG("c") "],"
			       "\"documentDescribes\":[\"DocumentRef-x:SPDXRef-y\"],"
			       "\"relationships\":["
			       REL("SPDXRef-b", "DESCRIBED_BY", "SPDXRef-DOCUMENT") ","
			       REL("SPDXRef-c", "DEPENDENCY_OF", "SPDXRef-b") ","
			       REL("SPDXRef-a", "RUNTIME_DEPENDENCY_OF", "SPDXRef-c") ","
			       REL("SPDXRef-a", "DEPENDS_ON", "SPDXRef-DOCUMENT") "]}",
		     &d);
	assert_int_equal(s->main, find(s, "SPDXRef-b"));
	assert_int_equal(s->n_edges, 2);
	assert_true(has_edge(s, "SPDXRef-b", "SPDXRef-c", SBOM_DEPENDS_ON));
	assert_true(has_edge(s, "SPDXRef-c", "SPDXRef-a", SBOM_DEPENDS_ON));
	/* a dependency on the document itself means nothing */
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].code, "relationship");
	assert_string_equal(d.items[0].path, "relationships[3]");
	sbom_free(s);
	sbom_diag_release(&d);
}

static void test_spdx_errors(void **state)
{
	(void)state;
	parse_fails(SPDX_HEAD "\"packages\":[" PKG("a") "," PKG("a") "]}", ERR_INVALID,
		    "packages[1].SPDXID: duplicate SPDXID \"SPDXRef-a\"");
	parse_fails(SPDX_HEAD "\"packages\":[" PKG("a") "],\"files\":[{\"SPDXID\":\"SPDXRef-a\","
			      "\"fileName\":\"f\",\"checksums\":[]}]}",
		    ERR_INVALID, "files[0].SPDXID: duplicate SPDXID \"SPDXRef-a\"");
	parse_fails(SPDX_HEAD "\"packages\":[{\"name\":\"a\",\"downloadLocation\":\"NONE\"}]}",
		    ERR_INVALID, "packages[0].SPDXID: missing");
	parse_fails(SPDX_HEAD "\"packages\":[{\"SPDXID\":\"SPDXRef-a\",\"name\":\"a\"}]}",
		    ERR_INVALID, "packages[0].downloadLocation: missing");
	parse_fails(SPDX_HEAD "\"packages\":[" PKG("a") "],\"relationships\":["
			      REL("SPDXRef-a", "DEPENDS_ON", "SPDXRef-b") "]}",
		    ERR_INVALID,
		    "relationships[0].relatedSpdxElement: unknown SPDXID \"SPDXRef-b\"");
	parse_fails(SPDX_HEAD "\"relationships\":[{\"spdxElementId\":\"SPDXRef-DOCUMENT\"}]}",
		    ERR_INVALID, "relationships[0].relationshipType: missing");
	parse_fails(SPDX_HEAD "\"documentDescribes\":[\"SPDXRef-nothing\"]}", ERR_INVALID,
		    "documentDescribes[0]: unknown SPDXID \"SPDXRef-nothing\"");
	parse_fails(SPDX_HEAD "\"packages\":{}}", ERR_INVALID, "packages: not an array");
	parse_fails("{\"spdxVersion\":\"SPDX-2.3\",\"SPDXID\":\"SPDXRef-DOCUMENT\",\"name\":\"t\","
		    "\"dataLicense\":\"CC0-1.0\",\"documentNamespace\":\"https://x.example/1\"}",
		    ERR_INVALID, "creationInfo: missing");
	parse_fails(SPDX_HEAD "\"files\":[{\"SPDXID\":\"SPDXRef-f\",\"fileName\":\"f\"}]}",
		    ERR_INVALID, "files[0].checksums: missing");
}

static void test_spdx_warnings(void **state)
{
	struct sbom_diag d;
	struct sbom *s;

	(void)state;
	sbom_diag_init(&d, 0);
	s = parse_ok(SPDX_HEAD "\"packages\":[{\"SPDXID\":\"SPDXRef-a_b\",\"name\":\"a\","
			       "\"downloadLocation\":\"NONE\",\"supplier\":\"Acme\","
			       "\"filesAnalyzed\":false,\"packageVerificationCode\":"
			       "{\"packageVerificationCodeValue\":\"x\"}}," PKG("b") "],"
			       "\"relationships\":[" REL("SPDXRef-a_b", "FRIEND_OF", "SPDXRef-b")
			       "]}",
		     &d);
	assert_non_null(diag_find(&d, "spdxid", "packages[0].SPDXID"));
	assert_non_null(diag_find(&d, "no_version", "packages[0].versionInfo"));
	assert_non_null(diag_find(&d, "supplier", "packages[0].supplier"));
	assert_string_equal(s->components[0].supplier.name, "Acme");
	assert_non_null(diag_find(&d, "spdx", "packages[0].packageVerificationCode"));
	assert_non_null(diag_find(&d, "relationship", "relationships[0].relationshipType"));
	assert_non_null(diag_find(&d, "describes", "documentDescribes"));
	assert_int_equal(s->main, -1);
	assert_int_equal(d.n, 6);
	round_trip("hand/spdx-warnings", s);
	sbom_free(s);
	sbom_diag_release(&d);
}

/* A chain of CONTAINS longer than SBOM_MAX_DEPTH: cut into dependencies, still linear. */
static void test_spdx_contains_chain(void **state)
{
	const int n = 5000;
	struct sbom_diag d;
	struct sbom *s;
	struct buf b;
	size_t cut = 0;

	(void)state;
	buf_init(&b, SIZE_MAX);
	buf_adds(&b, SPDX_HEAD "\"packages\":[");
	for (int i = 0; i < n; i++)
		buf_addf(&b, "%s{\"SPDXID\":\"SPDXRef-p%d\",\"name\":\"p\",\"versionInfo\":\"1\","
			     "\"downloadLocation\":\"NONE\"}", i ? "," : "", i);
	buf_adds(&b, "],\"relationships\":[");
	/* p(i+1) CONTAINS p(i): p0 is innermost, so the first walk up the parents is long */
	for (int i = 0; i < n - 1; i++)
		buf_addf(&b, "%s{\"spdxElementId\":\"SPDXRef-p%d\","
			     "\"relationshipType\":\"CONTAINS\","
			     "\"relatedSpdxElement\":\"SPDXRef-p%d\"}", i ? "," : "", i + 1, i);
	buf_adds(&b, "]}");
	sbom_diag_init(&d, 0);
	s = parse_ok(b.data, &d);
	for (size_t i = 0; i < s->n_components; i++) {
		long depth = 1;

		for (long p = s->components[i].parent; p >= 0; p = s->components[p].parent)
			depth++;
		assert_true(depth <= SBOM_MAX_DEPTH);
		cut += s->components[i].parent < 0;
	}
	/* the outermost and every SBOM_MAX_DEPTH-th one below it start a new tree */
	assert_int_equal(cut, (size_t)((n + SBOM_MAX_DEPTH - 1) / SBOM_MAX_DEPTH));
	assert_int_equal(s->n_edges, cut - 1);
	assert_int_equal(diag_count(&d, "contains") + d.dropped, cut - 1);
	round_trip("hand/spdx-chain", s);
	sbom_free(s);
	sbom_diag_release(&d);
	buf_release(&b);
}

/* ---- export details -------------------------------------------------------- */

static void test_export_details(void **state)
{
	struct sbom *s;
	struct err e = ERR_INIT;
	char *json;
	json_t *root, *md, *props, *deps;

	(void)state;
	/* SPDX: no serialNumber (the namespace is a property), every edge in "dependencies" */
	s = parse_ok(SPDX_HEAD "\"packages\":[" PKG("a") "," PKG("b") "],\"documentDescribes\":"
			       "[\"SPDXRef-a\"],\"relationships\":["
			       REL("SPDXRef-a", "DEPENDS_ON", "SPDXRef-b") "]}", NULL);
	assert_int_equal(sbom_export_cyclonedx16(s, &json, &e), 0);
	root = json_loads(json, 0, NULL);
	assert_non_null(root);
	assert_null(json_object_get(root, "serialNumber"));
	md = json_object_get(root, "metadata");
	assert_string_equal(json_string_value(json_object_get(json_object_get(md, "component"),
							      "bom-ref")), "SPDXRef-a");
	props = json_object_get(md, "properties");
	assert_string_equal(json_string_value(json_object_get(json_array_get(props, 0), "name")),
			    "vulnflow:spdx:documentNamespace");
	assert_string_equal(json_string_value(json_object_get(json_array_get(props, 0), "value")),
			    "https://example.com/t-1");
	deps = json_object_get(root, "dependencies");
	assert_int_equal(json_array_size(deps), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(
				    json_array_get(deps, 0), "dependsOn"), 0)), "SPDXRef-b");
	assert_string_equal(json_string_value(json_object_get(root, "specVersion")), "1.6");
	json_decref(root);
	free(json);
	sbom_free(s);

	/* CycloneDX: an upper-case serial is lowered, a bad timestamp and hash dropped */
	s = parse_ok(CDX("1.3", "\"serialNumber\":"
				"\"urn:uuid:3E671687-395B-41F5-A30F-A58921A69B79\",\"version\":3,"
				"\"metadata\":{\"timestamp\":\"2020-13-01T00:00:00Z\"},"
				"\"components\":[{\"type\":\"library\",\"name\":\"a\","
				"\"version\":\"1\",\"hashes\":[{\"alg\":\"MD5\","
				"\"content\":\"x\"}]}]"),
		     NULL);
	assert_int_equal(sbom_export_cyclonedx16(s, &json, &e), 0);
	root = json_loads(json, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(root, "serialNumber")),
			    "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79");
	assert_int_equal(json_integer_value(json_object_get(root, "version")), 3);
	assert_null(json_object_get(json_object_get(root, "metadata"), "timestamp"));
	assert_null(json_object_get(json_array_get(json_object_get(root, "components"), 0),
				    "hashes"));
	assert_null(json_object_get(root, "dependencies"));
	json_decref(root);
	free(json);
	sbom_free(s);
}

/* ---- time ------------------------------------------------------------------ */

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/*
 * A 10,000-component CycloneDX 1.6 SBOM like a real npm one (purl, hash,
 * licence, two external references, two dependencies each).  The bound here
 * is loose (sanitizers slow the parse several times); docs/internals/sbom.md
 * gives the optimised build's figure.
 */
static void test_parse_time(void **state)
{
	const int n = 10000;
	struct timespec t0;
	struct sbom *s = NULL;
	struct sbom_diag d;
	struct err e = ERR_INIT;
	struct buf b;
	double ms;

	(void)state;
	buf_init(&b, SIZE_MAX);
	buf_adds(&b, "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"version\":1,"
		     "\"metadata\":{\"component\":{\"type\":\"application\",\"bom-ref\":\"root\","
		     "\"name\":\"root\",\"version\":\"1.0.0\"}},\"components\":[");
	for (int i = 0; i < n; i++)
		buf_addf(&b, "%s{\"type\":\"library\",\"bom-ref\":\"pkg:npm/package-%d@1.%d.0\","
			     "\"name\":\"package-%d\",\"version\":\"1.%d.0\",\"purl\":"
			     "\"pkg:npm/package-%d@1.%d.0\",\"hashes\":[{\"alg\":\"SHA-512\","
			     "\"content\":\"%0128d\"}],"
			     "\"licenses\":[{\"license\":{\"id\":\"MIT\"}}],"
			     "\"externalReferences\":[{\"type\":\"distribution\",\"url\":"
			     "\"https://registry.example/package-%d/-/package-%d-1.%d.0.tgz\"},"
			     "{\"type\":\"vcs\","
			     "\"url\":\"git+https://git.example/p/package-%d.git\"}]}",
			 i ? "," : "", i, i % 7, i, i % 7, i, i % 7, i, i, i, i % 7, i);
	buf_adds(&b, "],\"dependencies\":[{\"ref\":\"root\","
		     "\"dependsOn\":[\"pkg:npm/package-0@1.0.0\"]}");
	for (int i = 0; i < n; i++) {
		int a = (i * 7 + 1) % n, c = (i * 13 + 2) % n;	/* never equal, never i */

		buf_addf(&b, ",{\"ref\":\"pkg:npm/package-%d@1.%d.0\",\"dependsOn\":["
			     "\"pkg:npm/package-%d@1.%d.0\",\"pkg:npm/package-%d@1.%d.0\"]}",
			 i, i % 7, a, a % 7, c, c % 7);
	}
	buf_adds(&b, "]}");
	sbom_diag_init(&d, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(sbom_parse(&s, b.data, b.len, 0, &d, &e), 0);
	ms = ms_since(&t0);
	assert_int_equal(s->n_components, n + 1);
	assert_int_equal(s->n_edges, 2 * (size_t)n + 1);
	print_message("# 10,000 components, %zu bytes: parsed in %.1f ms (this build)\n", b.len,
		      ms);
	assert_true(ms < 3000);
	sbom_free(s);
	sbom_diag_release(&d);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cyclonedx_examples),
		cmocka_unit_test(test_cyclonedx_examples_large),
		cmocka_unit_test(test_spdx_examples),
		cmocka_unit_test(test_laravel),
		cmocka_unit_test(test_juice_shop),
		cmocka_unit_test(test_large_counts),
		cmocka_unit_test(test_proton_bridge_cycle),
		cmocka_unit_test(test_saasbom_services),
		cmocka_unit_test(test_cbom_provides),
		cmocka_unit_test(test_vex_without_components),
		cmocka_unit_test(test_spdx_kubectl),
		cmocka_unit_test(test_spdx_full_example),
		cmocka_unit_test(test_spdx_small_examples),
		cmocka_unit_test(test_cyclonedx_fields),
		cmocka_unit_test(test_cyclonedx_17),
		cmocka_unit_test(test_cyclonedx_legacy_tools),
		cmocka_unit_test(test_not_json),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_missing_fields),
		cmocka_unit_test(test_duplicate_refs),
		cmocka_unit_test(test_dangling_refs),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_cycles),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_purl_and_cpe_shapes),
		cmocka_unit_test(test_spdx_mapping),
		cmocka_unit_test(test_spdx_described_by),
		cmocka_unit_test(test_spdx_errors),
		cmocka_unit_test(test_spdx_warnings),
		cmocka_unit_test(test_spdx_contains_chain),
		cmocka_unit_test(test_export_details),
		cmocka_unit_test(test_parse_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
