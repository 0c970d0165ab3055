/* test_advisory.c - OSV and CSAF into the advisory model (shared test records, hand-checked
 * ranges and notes, errors) and the CSV reader used by the supplier and customer imports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/advisory.h"
#include "formats/csv.h"

/* ---- locating ../shared/data ------------------------------------------ */

#define SELF "tests/unit/formats/test_advisory.c"
#define PATH_LEN 4096

static int repo_from(char *repo, size_t size, const char *path)
{
	size_t n = strlen(path), k = strlen(SELF);

	if (n < k || strcmp(path + n - k, SELF) != 0 || access(path, R_OK) != 0)
		return 0;
	return snprintf(repo, size, "%.*s", (int)(n - k), path) < (int)size;
}

/* $VULNFLOW_SHARED_DATA, else <repo>/../shared/data (as test_cvss4.c finds it). */
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

static char *slurp(const char *rel, size_t *len)
{
	char path[PATH_LEN * 2];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", data_dir(), rel);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

static struct advisory *parse_file(const char *rel)
{
	struct advisory *a = NULL;
	struct err e = ERR_INIT;
	size_t len;
	char *text = slurp(rel, &len);

	if (advisory_parse(&a, text, len, &e) < 0)
		fail_msg("%s: %s", rel, e.msg);
	free(text);
	return a;
}

static struct advisory *parse_str(const char *s, struct err *e)
{
	struct advisory *a = NULL;

	advisory_parse(&a, s, strlen(s), e);
	return a;
}

static void assert_range(const struct advisory_range *r, const char *type, const char *ns,
			 const char *name, const char *vers, const char *fixed)
{
	assert_string_equal(r->pkg_type, type);
	assert_string_equal(r->pkg_namespace, ns);
	assert_string_equal(r->pkg_name, name);
	assert_string_equal(r->vers, vers);
	if (fixed == NULL)
		assert_null(r->fixed);
	else
		assert_string_equal(r->fixed, fixed);
}

/* ---- OSV ---- */

static void test_osv_maven_two_packages(void **state)
{
	struct advisory *a = parse_file("osv/ghsa-to-osv/full_ranges.osv.json");

	(void)state;
	assert_string_equal(a->source, "osv");
	assert_string_equal(a->id, "GHSA-mr95-9rr4-668f");
	assert_int_equal(a->n_aliases, 1);
	assert_string_equal(a->aliases[0], "CVE-2018-16115");
	assert_string_equal(a->modified, "2021-09-15T20:58:47Z");
	assert_int_equal(a->n_ranges, 2);
	assert_range(&a->ranges[0], "maven", "com.typesafe.akka", "akka-actor_2.12",
		     "vers:maven/>=2.5.0|<2.5.16", "2.5.16");
	assert_range(&a->ranges[1], "maven", "com.typesafe.akka", "akka-actor_2.11",
		     "vers:maven/>=2.5.0|<2.5.16", "2.5.16");
	assert_int_equal(a->n_notes, 0);
	advisory_free(a);
}

static void test_osv_go_and_git(void **state)
{
	struct advisory *a = parse_file("osv/linter-testdata/GO-2020-0001.json");

	(void)state;
	assert_int_equal(a->n_ranges, 1);
	assert_range(&a->ranges[0], "golang", "github.com/gin-gonic", "gin", "vers:golang/<1.6.0",
		     "1.6.0");
	assert_string_equal(a->summary, "Arbitrary log line injection in github.com/gin-gonic/gin");
	advisory_free(a);

	/* PYSEC: one GIT range (noted, skipped), one ECOSYSTEM range, 66 listed versions */
	a = parse_file("osv/linter-testdata/PYSEC-2023-74.json");
	assert_int_equal(a->n_ranges, 2);
	assert_range(&a->ranges[0], "pypi", "", "requests", "vers:pypi/>=2.3.0|<2.31.0", "2.31.0");
	assert_non_null(strstr(a->ranges[1].vers, "vers:pypi/2.3.0|2.4.0|"));
	assert_int_equal(a->n_notes, 1);
	assert_non_null(strstr(a->notes[0], "GIT ranges are not matched"));
	advisory_free(a);
}

static void test_osv_hand_written(void **state)
{
	struct err e = ERR_INIT;
	struct advisory *a;

	(void)state;
	/* unsorted events, two intervals, last_affected, a scoped npm name, Debian epochs */
	a = parse_str("{\"id\":\"T-1\",\"modified\":\"x\",\"affected\":["
		      "{\"package\":{\"ecosystem\":\"npm\",\"name\":\"@Scope/Pkg\"},\"ranges\":"
		      "[{\"type\":\"SEMVER\",\"events\":[{\"fixed\":\"2.0.1\"},{\"introduced\":\"2.0.0\"},"
		      "{\"introduced\":\"0\"},{\"fixed\":\"1.3.2\"}]}]},"
		      "{\"package\":{\"ecosystem\":\"crates.io\",\"name\":\"x\"},\"ranges\":"
		      "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0.1.0\"},"
		      "{\"last_affected\":\"0.1.5\"}]}]},"
		      "{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"libfoo\"},\"ranges\":"
		      "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1:1.2-3\"}]}]},"
		      "{\"package\":{\"ecosystem\":\"Hackage-NotReally\",\"name\":\"x\"}},"
		      "{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"Foo_Bar\"},\"ranges\":"
		      "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"1.0\"}]}],"
		      "\"versions\":[\"1.0\",\"1.0.0\",\"bad version!\"]}]}", &e);
	assert_non_null(a);
	assert_int_equal(a->n_ranges, 6);
	assert_range(&a->ranges[0], "npm", "@scope", "pkg", "vers:npm/<1.3.2", "1.3.2");
	assert_range(&a->ranges[1], "npm", "@scope", "pkg", "vers:npm/>=2.0.0|<2.0.1", "2.0.1");
	assert_range(&a->ranges[2], "cargo", "", "x", "vers:cargo/>=0.1.0|<=0.1.5", NULL);
	assert_range(&a->ranges[3], "deb", "debian", "libfoo", "vers:deb/<1:1.2-3", "1:1.2-3");
	assert_range(&a->ranges[4], "pypi", "", "foo-bar", "vers:pypi/>=1.0", NULL);
	/* "1.0.0" equals "1.0" in PEP 440: one equality is kept */
	assert_range(&a->ranges[5], "pypi", "", "foo-bar", "vers:pypi/1.0", NULL);
	assert_int_equal(a->n_notes, 2);
	assert_non_null(strstr(a->notes[0], "\"Hackage-NotReally\" is not supported"));
	assert_non_null(strstr(a->notes[1], "not a pypi version"));
	advisory_free(a);

	/* introduced "0" and nothing else: every version */
	a = parse_str("{\"id\":\"T-2\",\"modified\":\"x\",\"withdrawn\":\"2024-01-01T00:00:00Z\","
		      "\"affected\":[{\"package\":{\"ecosystem\":\"Go\",\"name\":\"example.com/m\"},"
		      "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"}]}]}]}", &e);
	assert_non_null(a);
	assert_int_equal(a->n_ranges, 1);
	assert_range(&a->ranges[0], "golang", "example.com", "m", "vers:golang/*", NULL);
	assert_string_equal(a->withdrawn, "2024-01-01T00:00:00Z");
	advisory_free(a);

	/* the record's own purl is the key when it has one */
	a = parse_str("{\"id\":\"T-3\",\"modified\":\"x\",\"affected\":[{\"package\":{"
		      "\"ecosystem\":\"Red Hat:rhel\",\"name\":\"git-lfs\",\"purl\":"
		      "\"pkg:rpm/redhat/git-lfs\"},\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":"
		      "[{\"introduced\":\"0\"},{\"fixed\":\"0:2.13.3-3.el8_6.1\"}]}]}]}", &e);
	assert_non_null(a);
	assert_range(&a->ranges[0], "rpm", "redhat", "git-lfs", "vers:rpm/<0:2.13.3-3.el8_6.1",
		     "0:2.13.3-3.el8_6.1");
	advisory_free(a);
}

static void test_errors(void **state)
{
	static const struct {
		const char *doc;
		enum err_code code;
		const char *msg;
	} cases[] = {
		{ "", ERR_MALFORMED, "not JSON" },
		{ "{\"id\":\"x\",\"modified\":", ERR_MALFORMED, "not JSON" },
		{ "[1]", ERR_INVALID, "not a JSON object" },
		{ "{\"hello\":1}", ERR_INVALID, "not an OSV or CSAF document" },
		{ "{\"id\":5,\"modified\":\"x\"}", ERR_INVALID, "id: missing or not a string" },
		{ "{\"id\":\"a\",\"modified\":\"x\",\"aliases\":[1]}", ERR_INVALID, "aliases[0]" },
		{ "{\"id\":\"a\",\"modified\":\"x\",\"affected\":{}}", ERR_INVALID, "affected: not an array" },
		{ "{\"id\":\"a\",\"modified\":\"x\",\"affected\":[{\"package\":5}]}", ERR_INVALID,
		  "affected[0].package" },
		{ "{\"document\":{\"csaf_version\":\"2.1\"}}", ERR_INVALID, "2.0 is" },
		{ "{\"document\":{\"csaf_version\":\"2.0\",\"tracking\":{}}}", ERR_INVALID,
		  "document.tracking.id" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct err e = ERR_INIT;
		struct advisory *a = parse_str(cases[i].doc, &e);

		assert_null(a);
		assert_int_equal(e.code, cases[i].code);
		if (strstr(e.msg, cases[i].msg) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, e.msg, cases[i].msg);
	}
}

/* ---- CSAF ---- */

static void test_csaf_redhat(void **state)
{
	struct advisory *a = parse_file("osv/redhat-csaf-to-osv/rhsa-2024_4546.csaf.json");

	(void)state;
	assert_string_equal(a->source, "csaf");
	assert_string_equal(a->id, "RHSA-2024:4546");
	assert_string_equal(a->summary, "Red Hat Security Advisory: git-lfs security update");
	/* the OSV converter's record for the same document has these packages and fixes */
	assert_int_equal(a->n_ranges, 3);
	assert_range(&a->ranges[0], "rpm", "redhat", "git-lfs", "vers:rpm/<2.13.3-3.el8_6.1",
		     "2.13.3-3.el8_6.1");
	assert_range(&a->ranges[1], "rpm", "redhat", "git-lfs-debuginfo",
		     "vers:rpm/<2.13.3-3.el8_6.1", "2.13.3-3.el8_6.1");
	assert_range(&a->ranges[2], "rpm", "redhat", "git-lfs-debugsource",
		     "vers:rpm/<2.13.3-3.el8_6.1", "2.13.3-3.el8_6.1");
	assert_true(a->n_aliases >= 1);
	assert_string_equal(a->aliases[0], "CVE-2023-45288");
	advisory_free(a);
}

static void test_csaf_without_purls(void **state)
{
	struct advisory *a = parse_file("csaf/2.0/examples/bsi-2022-0001.json");

	(void)state;
	assert_string_equal(a->id, "BSI-2022-0001");
	assert_int_equal(a->n_ranges, 0);   /* CPEs only: nothing to match by purl */
	assert_true(a->n_notes > 0);
	assert_non_null(strstr(a->notes[0], "no package URL"));
	advisory_free(a);
}

static void test_csaf_hand_written(void **state)
{
	struct err e = ERR_INIT;
	struct advisory *a = parse_str(
		"{\"document\":{\"csaf_version\":\"2.0\",\"title\":\"t\",\"tracking\":{\"id\":\"C-1\"}},"
		"\"product_tree\":{\"branches\":[{\"category\":\"vendor\",\"name\":\"v\",\"branches\":["
		"{\"category\":\"product_version_range\",\"name\":\"vers:npm/>=1.0.0|<1.4.0\","
		"\"product\":{\"product_id\":\"R\",\"name\":\"r\",\"product_identification_helper\":"
		"{\"purl\":\"pkg:npm/lib\"}}},"
		"{\"category\":\"product_version\",\"name\":\"2.0.0\",\"product\":{\"product_id\":\"P2\","
		"\"name\":\"p\",\"product_identification_helper\":{\"purl\":\"pkg:npm/lib@2.0.0\"}}}]}],"
		"\"full_product_names\":[{\"product_id\":\"ANY\",\"name\":\"x\","
		"\"product_identification_helper\":{\"purl\":\"pkg:pypi/anyver\"}}]},"
		"\"vulnerabilities\":[{\"cve\":\"CVE-2099-1\",\"product_status\":{"
		"\"known_affected\":[\"R\",\"P2\",\"ANY\",\"MISSING\"],\"last_affected\":[\"P2\"]}}]}",
		&e);

	(void)state;
	assert_non_null(a);
	assert_string_equal(a->id, "C-1");
	assert_int_equal(a->n_aliases, 1);
	assert_int_equal(a->n_ranges, 4);
	assert_range(&a->ranges[0], "npm", "", "lib", "vers:npm/>=1.0.0|<1.4.0", NULL);
	assert_range(&a->ranges[1], "npm", "", "lib", "vers:npm/2.0.0", NULL);
	assert_range(&a->ranges[2], "pypi", "", "anyver", "vers:pypi/*", NULL);
	assert_range(&a->ranges[3], "npm", "", "lib", "vers:npm/<=2.0.0", NULL);
	assert_int_equal(a->n_notes, 1);
	assert_non_null(strstr(a->notes[0], "\"MISSING\""));
	advisory_free(a);
}

/* ---- CSV ---- */

static void test_csv(void **state)
{
	const char text[] = "\xef\xbb\xbf name ,Email\r\n"
			    "\"Zhang, San\",\"a \"\"b\"\" c\"\r\n"
			    "\r\n"
			    "\"multi\nline\",x\n"
			    "short\n";
	struct csv *t = NULL;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(csv_parse(&t, text, strlen(text), &e), 0);
	assert_int_equal(t->n_cols, 2);
	assert_int_equal(csv_col(t, "NAME"), 0);
	assert_int_equal(csv_col(t, "email"), 1);
	assert_int_equal(csv_col(t, "phone"), -1);
	assert_int_equal(t->n_rows, 3);
	assert_string_equal(csv_get(t, 0, 0), "Zhang, San");
	assert_string_equal(csv_get(t, 0, 1), "a \"b\" c");
	assert_int_equal(t->rows[0].line, 2);
	assert_string_equal(csv_get(t, 1, 0), "multi\nline");
	assert_int_equal(t->rows[1].line, 4);
	assert_string_equal(csv_get(t, 2, 0), "short");
	assert_string_equal(csv_get(t, 2, 1), "");
	assert_int_equal(t->rows[2].line, 6);
	csv_free(t);

	assert_int_equal(csv_parse(&t, "a\n\"open\n", 8, &e), -1);
	assert_string_equal(e.msg, "line 2: unterminated quote");
	assert_int_equal(csv_parse(&t, "a\nx,y\n", 6, &e), -1);
	assert_string_equal(e.msg, "line 2: 2 fields, the header has 1");
	assert_int_equal(csv_parse(&t, "a\nx\"y\n", 6, &e), -1);
	assert_string_equal(e.msg, "line 2: stray quote in a field");
	assert_int_equal(csv_parse(&t, "\n\n", 2, &e), -1);
	assert_string_equal(e.msg, "no header row");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_osv_maven_two_packages),
		cmocka_unit_test(test_osv_go_and_git),
		cmocka_unit_test(test_osv_hand_written),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_csaf_redhat),
		cmocka_unit_test(test_csaf_without_purls),
		cmocka_unit_test(test_csaf_hand_written),
		cmocka_unit_test(test_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
