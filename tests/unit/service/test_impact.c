/* test_impact.c - the incremental match of an imported SBOM, both ways it is done.
 *
 * inventory_sbom_import() matches a small SBOM through the SQL join
 * (impact_match_version()) and one spanning IMPACT_SCAN_MIN_KEYS package keys
 * or more (and enough for the stored ranges) in memory from one scan of the
 * ranges (impact_match_components()).  Both must store exactly what
 * impact_rematch_all() computes from scratch, report the same "matches"
 * count, and keep the components (stored in package-key order) in SBOM
 * order, their suppliers registered in SBOM order.
 *
 * On SQLite in a fresh directory, or on PostgreSQL when VULNFLOW_TEST_DB names an
 * empty database (the suite then runs against its migrated schema).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/mem.h"
#include "service/advisories.h"
#include "service/impact.h"
#include "service/instance.h"
#include "service/inventory.h"
#include "service/party.h"

#define NPKG (IMPACT_SCAN_MIN_KEYS + 200)  /* the big SBOM: one component per package */
#define NSMALL 40                           /* the small SBOM: the big one's first 40 */

static struct instance *in;
static char dir[64];
static const struct actor cli = { 0, "cli", "test-impact" };
static int64_t product;

/* Package k: four ecosystems in turn.  The OSV ecosystem and name, and the
 * purl of version v. */
static void package_of(unsigned k, const char **eco, char *name, size_t n)
{
	switch (k % 4) {
	case 0: *eco = "npm"; snprintf(name, n, "ilib%u", k); break;
	case 1: *eco = "PyPI"; snprintf(name, n, "ipy%u", k); break;
	case 2: *eco = "Maven"; snprintf(name, n, "org.itest:m%u", k); break;
	default: *eco = "Go"; snprintf(name, n, "github.com/itest/g%u", k); break;
	}
}

static void purl_of(unsigned k, const char *version, char *out, size_t n)
{
	static const char *const fmt[] = { "pkg:npm/ilib%u@%s%s", "pkg:pypi/ipy%u@%s%s",
					   "pkg:maven/org.itest/m%u@%s%s",
					   "pkg:golang/github.com/itest/g%u@%s%s" };

	snprintf(out, n, fmt[k % 4], k, k % 4 == 3 ? "v" : "", version);
}

/* The version of package k's component: below, inside, at the fixed
 * version, above; pre-releases and 0.0.0 among them. */
static const char *version_of(unsigned k)
{
	static const char *const semver[] = { "0.0.0", "1.5.0", "2.0.0-beta.1", "2.0.0", "3.1.4" };
	static const char *const pep440[] = { "0.0.0", "1.5", "2.0rc1", "2.0", "3.1.4" };

	return k % 4 == 1 ? pep440[(k / 4) % 5] : semver[(k / 4) % 5];
}

static void import_osv(const char *id, const char *affected)
{
	struct err e = ERR_INIT;
	struct buf b;
	json_t *out = NULL;

	buf_init(&b, 1 << 20);
	buf_addf(&b, "{\"id\":\"%s\",\"modified\":\"2025-01-01T00:00:00Z\",\"summary\":\"t\","
		     "\"affected\":[%s]}", id, affected);
	if (advisories_import_doc(in->db, &cli, b.data, b.len, &out, &e) < 0)
		fail_msg("import %s: %s", id, e.msg);
	json_decref(out);
	buf_release(&b);
}

static void affected_of(struct buf *b, unsigned k, const char *events)
{
	const char *eco;
	char name[96];

	package_of(k, &eco, name, sizeof(name));
	buf_addf(b, "{\"package\":{\"ecosystem\":\"%s\",\"name\":\"%s\"},\"ranges\":"
		    "[{\"type\":\"ECOSYSTEM\",\"events\":[%s]}]}", eco, name, events);
}

static int setup(void **state)
{
	struct init_options o = { 0 };
	struct init_result res;
	struct config cfg;
	struct err e = ERR_INIT;
	const char *env = getenv("VULNFLOW_TEST_DB");
	json_t *out;

	(void)state;
	snprintf(dir, sizeof(dir), "/var/tmp/vf-test-impact-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	rmdir(dir); /* init creates it */
	o.dir = dir;
	o.db_url = env && env[0] ? env : NULL;
	if (instance_init(&o, &res, &e) < 0 || instance_config(&cfg, dir, &e) < 0 ||
	    instance_open(&in, &cfg, 1, &e) < 0) {
		fprintf(stderr, "init: %s\n", e.msg);
		return -1;
	}
	if (inventory_product_create(in->db, &cli, "impact-test", NULL, NULL, &out, &e) < 0) {
		fprintf(stderr, "product: %s\n", e.msg);
		return -1;
	}
	product = json_integer_value(json_object_get(out, "id"));
	json_decref(out);

	/* advisories: [1.0, 2.0) on every package; on every third one also
	 * [0, 1.0.1) (unbounded below); on every seventh one, one advisory
	 * with two overlapping ranges ([1.0, 2.0) and [1.5, 4.0)) */
	for (unsigned k = 0; k < NPKG; k++) {
		struct buf b;
		char id[32];

		buf_init(&b, 1 << 20);
		affected_of(&b, k, "{\"introduced\":\"1.0.0\"},{\"fixed\":\"2.0.0\"}");
		snprintf(id, sizeof(id), "IT-A-%u", k);
		import_osv(id, b.data);
		if (k % 3 == 0) {
			buf_reset(&b);
			affected_of(&b, k, "{\"introduced\":\"0\"},{\"fixed\":\"1.0.1\"}");
			snprintf(id, sizeof(id), "IT-B-%u", k);
			import_osv(id, b.data);
		}
		if (k % 7 == 0) {
			buf_reset(&b);
			affected_of(&b, k, "{\"introduced\":\"1.0.0\"},{\"fixed\":\"2.0.0\"}");
			buf_add(&b, ",", 1);
			affected_of(&b, k, "{\"introduced\":\"1.5.0\"},{\"fixed\":\"4.0.0\"}");
			snprintf(id, sizeof(id), "IT-C-%u", k);
			import_osv(id, b.data);
		}
		buf_release(&b);
	}
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	instance_close(in);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A CycloneDX SBOM of the first n packages (one component "cK" each), plus
 * a component without a purl, one with a purl that does not parse, and a
 * second version of package 0 at the end. */
static char *sbom_of(unsigned n, size_t *len)
{
	struct buf b;
	char purl[160];

	buf_init(&b, 1 << 26);
	buf_adds(&b, "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"version\":1,"
		     "\"components\":[");
	for (unsigned k = 0; k < n; k++) {
		purl_of(k, version_of(k), purl, sizeof(purl));
		buf_addf(&b, "{\"type\":\"library\",\"bom-ref\":\"c%u\",\"name\":\"c%u\","
			     "\"version\":\"%s\",\"purl\":\"%s\"},", k, k, version_of(k), purl);
	}
	buf_adds(&b, "{\"type\":\"library\",\"name\":\"nopurl\",\"version\":\"1.5.0\"},"
		     "{\"type\":\"library\",\"name\":\"badpurl\",\"version\":\"1.5.0\","
		     "\"purl\":\"pkg:npm\"},");
	purl_of(0, "1.2.3", purl, sizeof(purl));
	buf_addf(&b, "{\"type\":\"library\",\"name\":\"again\",\"version\":\"1.2.3\","
		     "\"purl\":\"%s\"}]}", purl);
	return buf_detach(&b, len);
}

static json_t *import(const char *version, unsigned n)
{
	struct err e = ERR_INIT;
	size_t len;
	char *doc = sbom_of(n, &len);
	json_t *out = NULL;

	if (inventory_sbom_import(in->db, &cli, product, version, doc, len, 0, &out, &e) < 0)
		fail_msg("import %s: %s", version, e.msg);
	free(doc);
	return out;
}

static json_t *vulns(const char *version)
{
	struct err e = ERR_INIT;
	json_t *out = NULL;

	if (impact_version_vulnerabilities(in->db, product, version, &out, &e) < 0)
		fail_msg("vulnerabilities of %s: %s", version, e.msg);
	return out;
}

/* Stored (advisory, component) matches in a vulnerabilities answer. */
static size_t stored(const json_t *v)
{
	const json_t *arr = json_object_get(v, "vulnerabilities"), *x;
	size_t i, n = 0;

	json_array_foreach(arr, i, x)
		n += json_array_size(json_object_get(x, "components"));
	return n;
}

/* Whether advisory id lists component name in a vulnerabilities answer. */
static int affects(const json_t *v, const char *id, const char *name)
{
	const json_t *arr = json_object_get(v, "vulnerabilities"), *x, *c;
	size_t i, j;

	json_array_foreach(arr, i, x) {
		if (strcmp(json_string_value(json_object_get(x, "id")), id) != 0)
			continue;
		json_array_foreach(json_object_get(x, "components"), j, c)
			if (strcmp(json_string_value(json_object_get(c, "name")), name) == 0)
				return 1;
	}
	return 0;
}

/* The pairs counted by "matches": the stored ones plus, for every IT-C
 * advisory, the components that both of its ranges hold ([1.5, 2.0)). */
static size_t counted(const json_t *v)
{
	const json_t *arr = json_object_get(v, "vulnerabilities"), *x, *c;
	size_t i, j, n = stored(v);

	json_array_foreach(arr, i, x) {
		if (strncmp(json_string_value(json_object_get(x, "id")), "IT-C-", 5) != 0)
			continue;
		json_array_foreach(json_object_get(x, "components"), j, c) {
			const char *ver = json_string_value(json_object_get(c, "version"));

			if (ver[0] == 'v')   /* Go */
				ver++;
			n += strcmp(ver, "1.5.0") == 0 || strcmp(ver, "1.5") == 0 ||
			     strncmp(ver, "2.0.0-", 6) == 0 || strcmp(ver, "2.0rc1") == 0;
		}
	}
	return n;
}

static void check_version(const char *version, unsigned n)
{
	json_t *out = import(version, n), *before, *after, *comps;
	struct impact_stats st;
	struct err e = ERR_INIT;
	char *a, *b;

	before = vulns(version);
	assert_int_equal(json_integer_value(json_object_get(out, "components")), n + 3);
	assert_int_equal(json_integer_value(json_object_get(out, "purls")), n + 1);
	assert_true(stored(before) > 0);
	assert_int_equal(json_integer_value(json_object_get(out, "matches")), counted(before));

	/* hand-checked: c4 is npm 1.5.0, c8 npm 2.0.0-beta.1 (a pre-release of
	 * the fixed version: in), c12 npm 2.0.0 (fixed: out), c0 npm 0.0.0
	 * ([0, 1.0.1) only), c5 PyPI 1.5, c9 PyPI 2.0rc1, c3 Go v0.0.0,
	 * c16 npm 3.1.4 (none) */
	assert_true(affects(before, "IT-A-4", "c4"));
	assert_true(affects(before, "IT-A-8", "c8"));
	assert_false(affects(before, "IT-A-12", "c12"));
	assert_true(affects(before, "IT-B-0", "c0"));
	assert_false(affects(before, "IT-A-0", "c0"));
	assert_true(affects(before, "IT-C-0", "again"));
	assert_true(affects(before, "IT-A-5", "c5"));
	assert_true(affects(before, "IT-A-9", "c9"));
	assert_true(affects(before, "IT-B-3", "c3"));
	assert_false(affects(before, "IT-A-16", "c16"));
	assert_true(affects(before, "IT-C-28", "c28"));

	/* the same as a match from scratch */
	if (impact_rematch_all(in->db, &cli, &st, &e) < 0)
		fail_msg("rematch: %s", e.msg);
	after = vulns(version);
	a = json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS);
	b = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(a, b);
	free(a);
	free(b);

	/* components in SBOM order, whatever order they were stored in */
	if (inventory_components(in->db, product, version, &comps, &e) < 0)
		fail_msg("components: %s", e.msg);
	assert_int_equal(json_array_size(comps), n + 3);
	for (size_t i = 0; i < json_array_size(comps); i++) {
		const json_t *c = json_array_get(comps, i);
		char name[32];

		if (i < n)
			snprintf(name, sizeof(name), "c%zu", i);
		else
			snprintf(name, sizeof(name), "%s",
				 i == n ? "nopurl" : i == n + 1 ? "badpurl" : "again");
		assert_int_equal(json_integer_value(json_object_get(c, "index")), i);
		assert_string_equal(json_string_value(json_object_get(c, "name")), name);
	}
	json_decref(comps);
	json_decref(out);
	json_decref(before);
	json_decref(after);
}

/* The small SBOM goes through the join. */
static void test_small_sbom(void **state)
{
	(void)state;
	check_version("small", NSMALL);
}

/* The big SBOM goes through the scan. */
static void test_big_sbom(void **state)
{
	(void)state;
	check_version("big", NPKG);
}

/* Both ways agree: the small SBOM's matches are the big one's restricted to
 * the components they share. */
static void test_same_answer(void **state)
{
	json_t *big = vulns("big"), *small = vulns("small"), *x, *c, *want = json_array();
	size_t i, j;
	char *a, *b;

	(void)state;
	json_array_foreach(json_object_get(big, "vulnerabilities"), i, x) {
		json_t *keep = json_array();

		json_array_foreach(json_object_get(x, "components"), j, c) {
			const char *name = json_string_value(json_object_get(c, "name"));

			if (strcmp(name, "again") == 0 ||
			    (name[0] == 'c' && strtoul(name + 1, NULL, 10) < NSMALL))
				json_array_append(keep, c);
		}
		if (json_array_size(keep) > 0) {
			json_t *y = json_deep_copy(x);

			json_object_set_new(y, "components", keep);
			json_array_append_new(want, y);
		} else {
			json_decref(keep);
		}
	}
	a = json_dumps(want, JSON_COMPACT | JSON_SORT_KEYS);
	b = json_dumps(json_object_get(small, "vulnerabilities"), JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(a, b);
	free(a);
	free(b);
	json_decref(want);
	json_decref(big);
	json_decref(small);
}

/* A second import of the big SBOM replaces the first: same matches. */
static void test_reimport(void **state)
{
	json_t *before = vulns("big"), *out, *after;
	char *a, *b;

	(void)state;
	out = import("big", NPKG);
	after = vulns("big");
	assert_int_equal(json_integer_value(json_object_get(out, "matches")), counted(after));
	a = json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS);
	b = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(a, b);
	free(a);
	free(b);
	json_decref(out);
	json_decref(before);
	json_decref(after);
}

/* Components are stored in package-key order, but suppliers are still
 * registered (ids) and claim their packages in SBOM order. */
static void test_suppliers_in_sbom_order(void **state)
{
	static const char doc[] =
		"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":["
		"{\"type\":\"library\",\"name\":\"zz\",\"version\":\"1.0\","
		"\"purl\":\"pkg:pypi/zz@1.0\",\"supplier\":{\"name\":\"IT-S-one\"}},"
		"{\"type\":\"library\",\"name\":\"aa\",\"version\":\"1.0\","
		"\"purl\":\"pkg:npm/aa@1.0\",\"supplier\":{\"name\":\"IT-S-two\"}},"
		"{\"type\":\"library\",\"name\":\"mm\",\"version\":\"1.0\","
		"\"purl\":\"pkg:cargo/mm@1.0\",\"supplier\":{\"name\":\"IT-S-three\"}},"
		"{\"type\":\"library\",\"name\":\"ab\",\"version\":\"1.0\","
		"\"purl\":\"pkg:npm/ab@1.0\",\"supplier\":{\"name\":\"IT-S-one\"}}]}";
	static const char *const want[] = { "IT-S-one", "IT-S-two", "IT-S-three" };
	static const size_t packages[] = { 2, 1, 1 };
	struct err e = ERR_INIT;
	json_t *out = NULL, *list = NULL, *x, *comps = NULL;
	size_t i, k = 0;

	(void)state;
	if (inventory_sbom_import(in->db, &cli, product, "suppliers", doc, sizeof(doc) - 1, 0, &out,
				  &e) < 0)
		fail_msg("import: %s", e.msg);
	assert_int_equal(json_integer_value(json_object_get(out, "suppliers_added")), 3);
	if (party_supplier_list(in->db, 0, 1000, &list, &e) < 0)
		fail_msg("suppliers: %s", e.msg);
	json_array_foreach(list, i, x) {
		const char *name = json_string_value(json_object_get(x, "name"));

		if (strncmp(name, "IT-S-", 5) != 0)
			continue;
		assert_true(k < 3);
		assert_string_equal(name, want[k]);
		assert_int_equal(json_array_size(json_object_get(x, "packages")), packages[k]);
		k++;
	}
	assert_int_equal(k, 3);
	if (inventory_components(in->db, product, "suppliers", &comps, &e) < 0)
		fail_msg("components: %s", e.msg);
	assert_int_equal(json_array_size(comps), 4);
	assert_string_equal(json_string_value(json_object_get(json_array_get(comps, 0), "name")),
			    "zz");
	assert_string_equal(json_string_value(json_object_get(json_array_get(comps, 3),
							      "supplier")), "IT-S-one");
	json_decref(comps);
	json_decref(list);
	json_decref(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_sbom),
		cmocka_unit_test(test_big_sbom),
		cmocka_unit_test(test_same_answer),
		cmocka_unit_test(test_reimport),
		cmocka_unit_test(test_suppliers_in_sbom_order),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
