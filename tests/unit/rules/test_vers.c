/* test_vers.c - vers ranges and native version comparison: every case of
 * every file of package-url's vers test suite (shared/data/vers/tests), then
 * hand-written cases per ecosystem (pre-releases, epochs, 0.0.0, unbounded
 * ranges, '*'), the canonical form, validity, simplification, containment
 * and native ranges. */
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
#include <strings.h>
#include <unistd.h>

#include "rules/vers.h"

/* ---- locating ../shared/data ------------------------------------------ */

#define SELF "tests/unit/rules/test_vers.c"
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

/* ---- running one file of the vers test suite ---------------------------- */

struct tally {
	int cases;   /* run and checked */
	int bad;     /* failed */
	int skipped; /* not run: the scheme or the test type is not implemented */
	char skip_why[256];
};

static void bad_case(struct tally *t, const char *file, size_t i, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void bad_case(struct tally *t, const char *file, size_t i, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	print_error("%s case %zu: %s\n", file, i, msg);
	t->bad++;
}

static void skip_case(struct tally *t, const char *why)
{
	t->skipped++;
	snprintf(t->skip_why, sizeof(t->skip_why), "%s", why);
}

/* The comparator text the files use: "=" for an equality. */
static const char *file_op(enum vers_op op)
{
	return op == VERS_OP_EQ ? "=" : vers_op_text(op);
}

/* Stable insertion sort of versions by the scheme; -1 if one is invalid. */
static int sort_versions(const char *scheme, const char **v, size_t n, char *why, size_t size)
{
	struct err e = ERR_INIT;

	for (size_t i = 1; i < n; i++) {
		const char *x = v[i];
		size_t j = i;

		while (j > 0) {
			int r;

			if (vers_compare(&r, scheme, v[j - 1], x, &e) < 0) {
				snprintf(why, size, "%s", e.msg);
				return -1;
			}
			if (r <= 0)
				break;
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
	return 0;
}

static void run_comparison(struct tally *t, const char *file, size_t i, json_t *c, int equality)
{
	json_t *in = json_object_get(c, "input"), *want = json_object_get(c, "expected_output");
	const char *scheme = json_string_value(json_object_get(in, "input_scheme"));
	json_t *list = json_object_get(in, "versions");
	size_t n = json_array_size(list);
	const char *v[16];
	char why[300];

	if (scheme == NULL)
		scheme = json_string_value(json_object_get(in, "input_type"));
	if (scheme == NULL || n < 2 || n > 16) {
		bad_case(t, file, i, "unreadable case");
		return;
	}
	if (!vers_scheme_supported(scheme)) {
		skip_case(t, scheme);
		return;
	}
	t->cases++;
	for (size_t k = 0; k < n; k++)
		v[k] = json_string_value(json_array_get(list, k));
	/* every pair is antisymmetric */
	for (size_t a = 0; a < n; a++) {
		for (size_t b = 0; b < n; b++) {
			struct err e = ERR_INIT;
			int ab, ba;

			if (vers_compare(&ab, scheme, v[a], v[b], &e) < 0 ||
			    vers_compare(&ba, scheme, v[b], v[a], &e) < 0) {
				bad_case(t, file, i, "%s: %s", scheme, e.msg);
				return;
			}
			if (ab != -ba || ab < -1 || ab > 1) {
				bad_case(t, file, i, "%s: cmp(%s, %s) = %d but cmp(%s, %s) = %d",
					 scheme, v[a], v[b], ab, v[b], v[a], ba);
				return;
			}
		}
	}
	if (equality) {
		struct err e = ERR_INIT;
		int r;

		vers_compare(&r, scheme, v[0], v[1], &e);
		if ((r == 0) != json_is_true(want))
			bad_case(t, file, i, "%s: %s vs %s compares %d, want %s", scheme, v[0],
				 v[1], r, json_is_true(want) ? "equal" : "different");
		return;
	}
	if (sort_versions(scheme, v, n, why, sizeof(why)) < 0) {
		bad_case(t, file, i, "%s: %s", scheme, why);
		return;
	}
	for (size_t k = 0; k < n; k++) {
		const char *w = json_string_value(json_array_get(want, k));

		/* nuget's lists hold univers' normal form, pre-release labels in
		 * lower case: the same version, spelt in another case */
		if (w != NULL && strcmp(scheme, "nuget") == 0 && strcasecmp(w, v[k]) == 0) {
			struct err e = ERR_INIT;
			int r;

			assert_int_equal(vers_compare(&r, scheme, w, v[k], &e), 0);
			assert_int_equal(r, 0);
			continue;
		}
		if (w == NULL || strcmp(w, v[k]) != 0) {
			bad_case(t, file, i, "%s: sorted[%zu] is %s, want %s", scheme, k, v[k],
				 w ? w : "?");
			return;
		}
	}
}

static void run_containment(struct tally *t, const char *file, size_t i, json_t *c)
{
	json_t *in = json_object_get(c, "input");
	const char *vs = json_string_value(json_object_get(in, "vers"));
	const char *version = json_string_value(json_object_get(in, "version"));
	struct err e = ERR_INIT;
	struct vers *v;
	int got;

	t->cases++;
	if (vers_parse(&v, vs, 0, &e) < 0) {
		bad_case(t, file, i, "%s: %s", vs, e.msg);
		return;
	}
	if (vers_contains(&got, v, version, &e) < 0)
		bad_case(t, file, i, "%s contains %s: %s", vs, version, e.msg);
	else if (got != json_is_true(json_object_get(c, "expected_output")))
		bad_case(t, file, i, "%s contains %s: got %d", vs, version, got);
	vers_free(v);
}

static void run_from_native(struct tally *t, const char *file, size_t i, json_t *c)
{
	json_t *in = json_object_get(c, "input");
	const char *scheme = json_string_value(json_object_get(in, "scheme"));
	const char *native = json_string_value(json_object_get(in, "native_range"));
	const char *want = json_string_value(json_object_get(c, "expected_output"));
	struct err e = ERR_INIT;
	char *got;

	if (scheme == NULL || native == NULL) {
		bad_case(t, file, i, "unreadable case");
		return;
	}
	if (!vers_scheme_supported(scheme)) {
		skip_case(t, scheme);
		return;
	}
	t->cases++;
	if (vers_from_native(&got, scheme, native, &e) < 0) {
		if (json_is_true(json_object_get(c, "expected_failure")))
			return;
		bad_case(t, file, i, "%s \"%s\": %s", scheme, native, e.msg);
		return;
	}
	if (json_is_true(json_object_get(c, "expected_failure")))
		bad_case(t, file, i, "%s \"%s\" gave %s, want a failure", scheme, native, got);
	else if (want == NULL || strcmp(got, want) != 0)
		bad_case(t, file, i, "%s \"%s\" gave %s, want %s", scheme, native, got,
			 want ? want : "?");
	free(got);
}

/* "validate": the input, normalised, is the expected canonical vers, which
 * itself parses strictly to the same text. */
static void run_validate(struct tally *t, const char *file, size_t i, json_t *c)
{
	const char *in = json_string_value(json_object_get(c, "input"));
	const char *want = json_string_value(json_object_get(c, "expected_output"));
	struct err e = ERR_INIT;
	struct vers *v, *w;
	char *got, *again;

	t->cases++;
	if (vers_parse(&v, in, 0, &e) < 0) {
		bad_case(t, file, i, "%s: %s", in, e.msg);
		return;
	}
	got = vers_canonical(v);
	if (strcmp(got, want) != 0) {
		bad_case(t, file, i, "%s normalises to %s, want %s", in, got, want);
	} else if (vers_parse(&w, want, VERS_STRICT, &e) < 0) {
		bad_case(t, file, i, "%s does not parse strictly: %s", want, e.msg);
	} else {
		again = vers_canonical(w);
		if (strcmp(again, want) != 0)
			bad_case(t, file, i, "%s reparses to %s", want, again);
		free(again);
		vers_free(w);
	}
	free(got);
	vers_free(v);
}

/* "parse": strict parsing, to the decoded components or to the expected
 * error message. */
static void run_parse(struct tally *t, const char *file, size_t i, json_t *c)
{
	const char *in = json_string_value(json_object_get(c, "input"));
	json_t *want = json_object_get(c, "expected_output");
	const char *msg = json_string_value(json_object_get(c, "expected_message"));
	int fail = json_is_true(json_object_get(c, "expected_failure"));
	json_t *cons = json_object_get(want, "version_constraints");
	struct err e = ERR_INIT;
	struct vers *v;

	if (cons == NULL)
		cons = json_object_get(want, "constraints");
	t->cases++;
	if (vers_parse(&v, in, VERS_STRICT, &e) < 0) {
		if (!fail)
			bad_case(t, file, i, "%s: %s", in, e.msg);
		else if (msg != NULL && strcmp(msg, e.msg) != 0)
			bad_case(t, file, i, "%s fails with \"%s\", want \"%s\"", in, e.msg, msg);
		return;
	}
	if (fail) {
		bad_case(t, file, i, "%s parsed, want the failure \"%s\"", in, msg ? msg : "");
	} else if (strcmp(vers_type(v), json_string_value(json_object_get(want, "scheme"))) != 0 ||
		   vers_count(v) != json_array_size(cons)) {
		bad_case(t, file, i, "%s: type %s, %zu constraints", in, vers_type(v),
			 vers_count(v));
	} else {
		for (size_t k = 0; k < vers_count(v); k++) {
			json_t *pair = json_array_get(cons, k);
			const char *op = json_string_value(json_array_get(pair, 0));
			const char *ver = json_string_value(json_array_get(pair, 1));
			const char *got = vers_version_at(v, k);

			if (op == NULL || strcmp(op, file_op(vers_op_at(v, k))) != 0 ||
			    (ver != NULL && (got == NULL || strcmp(ver, got) != 0))) {
				bad_case(t, file, i, "%s: constraint %zu is %s%s", in, k,
					 file_op(vers_op_at(v, k)), got ? got : "");
				break;
			}
		}
	}
	vers_free(v);
}

/* Run every case of tests/NAME; the tally says what ran, failed, skipped. */
static void run_file(const char *name, struct tally *t)
{
	char path[PATH_LEN];
	json_error_t je;
	json_t *root, *tests;

	memset(t, 0, sizeof(*t));
	snprintf(path, sizeof(path), "%s/vers/tests/%s", data_dir(), name);
	root = json_load_file(path, 0, &je);
	if (root == NULL)
		fail_msg("cannot read %s: %s (set VULNFLOW_SHARED_DATA)", path, je.text);
	tests = json_object_get(root, "tests");
	assert_true(json_is_array(tests));
	for (size_t i = 0; i < json_array_size(tests); i++) {
		json_t *c = json_array_get(tests, i);
		const char *type = json_string_value(json_object_get(c, "test_type"));

		if (type == NULL)
			bad_case(t, name, i, "no test_type");
		else if (strcmp(type, "comparison") == 0)
			run_comparison(t, name, i, c, 0);
		else if (strcmp(type, "equality") == 0)
			run_comparison(t, name, i, c, 1);
		else if (strcmp(type, "containment") == 0)
			run_containment(t, name, i, c);
		else if (strcmp(type, "from_native") == 0)
			run_from_native(t, name, i, c);
		else if (strcmp(type, "validate") == 0)
			run_validate(t, name, i, c);
		else if (strcmp(type, "parse") == 0)
			run_parse(t, name, i, c);
		else
			skip_case(t, type);
	}
	json_decref(root);
}

/* Every case of the file runs and passes: count of cases expected. */
static void check_file(const char *name, int count)
{
	struct tally t;

	run_file(name, &t);
	assert_int_equal(t.bad, 0);
	assert_int_equal(t.skipped, 0);
	assert_int_equal(t.cases, count);
}

#define FILE_TEST(fn, file, count)                                                                 \
	static void fn(void **state)                                                               \
	{                                                                                          \
		(void)state;                                                                       \
		check_file(file, count);                                                           \
	}

FILE_TEST(test_file_alpine, "alpine_version_cmp_test.json", 716)
FILE_TEST(test_file_alpm, "alpm_version_cmp_test.json", 42)
FILE_TEST(test_file_conan_native_basic, "conan_range_from_native_basic_test.json", 20)
FILE_TEST(test_file_conan_native, "conan_range_from_native_test.json", 209)
FILE_TEST(test_file_conan_cmp, "conan_version_cmp_test.json", 47)
FILE_TEST(test_file_datetime, "datetime_version_cmp_test.json", 7)
FILE_TEST(test_file_gem_native, "gem_range_from_native_test.json", 1)
FILE_TEST(test_file_gentoo, "gentoo_version_cmp_test.json", 48)
FILE_TEST(test_file_lexicographic, "lexicographic-test.json", 8)
FILE_TEST(test_file_maven, "maven_version_cmp_test.json", 977)
FILE_TEST(test_file_nginx_native, "nginx_range_from_native_test.json", 4)
FILE_TEST(test_file_npm_contains, "npm_range_containment_test.json", 1)
FILE_TEST(test_file_npm_native, "npm_range_from_native_test.json", 491)
FILE_TEST(test_file_nuget_native, "nuget_range_from_native_test.json", 1)
FILE_TEST(test_file_nuget_cmp, "nuget_version_cmp_test.json", 33)
FILE_TEST(test_file_openssl_native, "openssl_range_from_native_test.json", 8)
FILE_TEST(test_file_openssl_cmp, "openssl_version_cmp_test.json", 44)
FILE_TEST(test_file_pypi_contains, "pypi_range_containment_test.json", 10)
FILE_TEST(test_file_pypi_native, "pypi_range_from_native_test.json", 3)
FILE_TEST(test_file_pypi_validate, "pypi_range_validate_test.json", 19)
FILE_TEST(test_file_parse, "vers_canonical_parse_test.json", 12)

static const char *const known_files[] = {
    "alpine_version_cmp_test.json",
    "alpm_version_cmp_test.json",
    "conan_range_from_native_basic_test.json",
    "conan_range_from_native_test.json",
    "conan_version_cmp_test.json",
    "datetime_version_cmp_test.json",
    "gem_range_from_native_test.json",
    "gentoo_version_cmp_test.json",
    "lexicographic-test.json",
    "maven_version_cmp_test.json",
    "nginx_range_from_native_test.json",
    "npm_range_containment_test.json",
    "npm_range_from_native_test.json",
    "nuget_range_from_native_test.json",
    "nuget_version_cmp_test.json",
    "openssl_range_from_native_test.json",
    "openssl_version_cmp_test.json",
    "pypi_range_containment_test.json",
    "pypi_range_from_native_test.json",
    "pypi_range_validate_test.json",
    "vers_canonical_parse_test.json",
};

/*
 * Any other file in the directory runs too: its cases must pass; a file whose
 * scheme or test type is not implemented is named in a TAP skip.
 */
static void test_other_files(void **state)
{
	char path[PATH_LEN], skipped[2048] = "";
	struct dirent *d;
	DIR *dir;
	int others = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/vers/tests", data_dir());
	dir = opendir(path);
	if (dir == NULL)
		fail_msg("cannot open %s (set VULNFLOW_SHARED_DATA)", path);
	while ((d = readdir(dir)) != NULL) {
		struct tally t;
		size_t k, len = strlen(d->d_name);

		if (len < 5 || strcmp(d->d_name + len - 5, ".json") != 0)
			continue;
		for (k = 0; k < sizeof(known_files) / sizeof(known_files[0]); k++)
			if (strcmp(known_files[k], d->d_name) == 0)
				break;
		if (k < sizeof(known_files) / sizeof(known_files[0]))
			continue;
		others++;
		run_file(d->d_name, &t);
		assert_int_equal(t.bad, 0);
		if (t.skipped > 0)
			snprintf(skipped + strlen(skipped), sizeof(skipped) - strlen(skipped),
				 "%s%s (%s not implemented)", skipped[0] ? ", " : "", d->d_name,
				 t.skip_why);
	}
	closedir(dir);
	if (skipped[0] != '\0') {
		print_message("# SKIP %s\n", skipped);
		skip();
	}
	print_message("# %d further test file(s), all implemented\n", others);
}

/* ---- hand-written: comparison per ecosystem ----------------------------- */

struct cmp_case {
	const char *scheme, *a;
	int want; /* sign of cmp(a, b) */
	const char *b;
};

#define LT -1
#define EQ 0
#define GT 1

static const struct cmp_case cmp_cases[] = {
    /* semver: the chain of SemVer 2.0.0 rule 11, build metadata ignored */
    {"semver", "1.0.0-alpha", LT, "1.0.0-alpha.1"},
    {"semver", "1.0.0-alpha.1", LT, "1.0.0-alpha.beta"},
    {"semver", "1.0.0-alpha.beta", LT, "1.0.0-beta"},
    {"semver", "1.0.0-beta", LT, "1.0.0-beta.2"},
    {"semver", "1.0.0-beta.2", LT, "1.0.0-beta.11"},
    {"semver", "1.0.0-beta.11", LT, "1.0.0-rc.1"},
    {"semver", "1.0.0-rc.1", LT, "1.0.0"},
    {"semver", "0.0.0-0", LT, "0.0.0"},
    {"semver", "0.0.0", LT, "0.0.1"},
    {"semver", "2.0.0", LT, "10.0.0"},
    {"semver", "1.0.0+build.5", EQ, "1.0.0"},
    {"semver", "99999999999999999999.0.0", GT, "9999999999999999999.0.0"},
    {"cargo", "1.2.3-beta", LT, "1.2.3"},
    /* npm: a leading v is allowed */
    {"npm", "v1.2.3", EQ, "1.2.3"},
    {"npm", "1.2.3-beta.1", LT, "1.2.3"},
    {"npm", "0.0.0", LT, "0.0.1-0"},
    /* golang: v prefix, shorthand, pseudo-versions, +incompatible */
    {"golang", "v1.2.3", LT, "v1.10.0"},
    {"golang", "v1", EQ, "v1.0.0"},
    {"golang", "v1.2", EQ, "v1.2.0"},
    {"golang", "1.2.3", EQ, "v1.2.3"},
    {"golang", "v0.0.0-20191109021931-daa7c04131f5", LT, "v0.0.1"},
    {"golang", "v1.2.4-0.20191109021931-daa7c04131f5", GT, "v1.2.3"},
    {"golang", "v1.2.4-0.20191109021931-daa7c04131f5", LT, "v1.2.4"},
    {"golang", "v1.2.3-pre.0.20191109021931-daa7c04131f5", GT, "v1.2.3-pre"},
    {"golang", "v2.0.0+incompatible", EQ, "v2.0.0"},
    {"golang", "v2.0.1+incompatible", GT, "v2.0.0+incompatible"},
    /* pypi: PEP 440 */
    {"pypi", "1.0.dev0", LT, "1.0a1"},
    {"pypi", "1.0a1", LT, "1.0a1.post1"},
    {"pypi", "1.0a1.post1", LT, "1.0a2.dev1"},
    {"pypi", "1.0a2.dev1", LT, "1.0a2"},
    {"pypi", "1.0a2", LT, "1.0b1"},
    {"pypi", "1.0b1", LT, "1.0rc1"},
    {"pypi", "1.0rc1", LT, "1.0"},
    {"pypi", "1.0", LT, "1.0+local"},
    {"pypi", "1.0+local", LT, "1.0.post1.dev1"},
    {"pypi", "1.0.post1.dev1", LT, "1.0.post1"},
    {"pypi", "1.0.post1", LT, "1.1.dev0"},
    {"pypi", "1!0.1", GT, "2.0"},
    {"pypi", "0!2.0", EQ, "2.0"},
    {"pypi", "1.0", EQ, "1.0.0.0"},
    {"pypi", "v1.0", EQ, "1.0"},
    {"pypi", "0.0.0", EQ, "0"},
    {"pypi", "1.0-1", EQ, "1.0.post1"},
    {"pypi", "1.0.r1", EQ, "1.0.post1"},
    {"pypi", "1.0.alpha1", EQ, "1.0a1"},
    {"pypi", "1.0c1", EQ, "1.0rc1"},
    {"pypi", "1.0-preview-2", EQ, "1.0rc2"},
    {"pypi", "1.0RC1", EQ, "1.0rc1"},
    {"pypi", "1.0-dev", EQ, "1.0.dev0"},
    {"pypi", "1.0a", EQ, "1.0a0"},
    {"pypi", "1.0+abc.1", LT, "1.0+abc.2"},
    {"pypi", "1.0+abc", LT, "1.0+1"},
    {"pypi", "1.0+ABC-1", EQ, "1.0+abc.1"},
    {"pypi", "1.0+abc", LT, "1.0+abc.0"},
    /* maven: ComparableVersion */
    {"maven", "1.0-alpha-1", LT, "1.0-beta-1"},
    {"maven", "1.0-beta-1", LT, "1.0-m1"},
    {"maven", "1.0-m1", LT, "1.0-rc1"},
    {"maven", "1.0-rc1", EQ, "1.0-cr1"},
    {"maven", "1.0-rc1", LT, "1.0-SNAPSHOT"},
    {"maven", "1.0-SNAPSHOT", LT, "1.0"},
    {"maven", "1.0", LT, "1.0-sp1"},
    {"maven", "1.0-sp1", LT, "1.0-whatever"},
    {"maven", "1.0-whatever", LT, "1.0.1"},
    {"maven", "1", EQ, "1.0.0"},
    {"maven", "1-ga", EQ, "1.0-final"},
    {"maven", "1.0-RELEASE", EQ, "1"},
    {"maven", "0.0.0", EQ, "0"},
    {"maven", "1.0.0.1", GT, "1"},
    {"maven", "2.0.10", GT, "2.0.9"},
    /* deb: epoch, upstream, revision, '~' */
    {"deb", "1:1.0", GT, "2.0"},
    {"deb", "0:1.0", EQ, "1.0"},
    {"deb", "1.0~rc1", LT, "1.0"},
    {"deb", "1.0~~", LT, "1.0~"},
    {"deb", "1.0", LT, "1.0+b1"},
    {"deb", "1.0", LT, "1.0a"},
    {"deb", "1.0-1", LT, "1.0-2"},
    {"deb", "1.0-1", LT, "1.0-1ubuntu1"},
    {"deb", "1.0-0", EQ, "1.0"},
    {"deb", "2.30-1~bpo11+1", LT, "2.30-1"},
    {"deb", "1.2.3-4.5-6", GT, "1.2.3-4.5-5"},
    {"deb", "0.0.0", LT, "0.0.0a"},
    /* rpm: rpmvercmp with '~' and '^', epoch:version-release */
    {"rpm", "1.0~rc1", LT, "1.0"},
    {"rpm", "1.0^git1", GT, "1.0"},
    {"rpm", "1.0^git1", LT, "1.0.1"},
    {"rpm", "1.0^", GT, "1.0"},
    {"rpm", "1:1.0", GT, "2.0"},
    {"rpm", "0:1.0-1", EQ, "1.0-1"},
    {"rpm", "1.0-1", LT, "1.0-2"},
    {"rpm", "1.0", EQ, "1.0-5"},
    {"rpm", "1.0a", GT, "1.0"},
    {"rpm", "1.0.a", LT, "1.0.1"},
    {"rpm", "1.0_1", EQ, "1.0.1"},
    {"rpm", "5.5p1", LT, "5.5p10"},
    {"rpm", "1.010", EQ, "1.10"},
    /* alpm */
    {"alpm", "1:1.0", GT, "2.0"},
    {"alpm", "1.0-1", EQ, "1.0"},
    {"alpm", "1.0rc1", LT, "1.0"},
    {"alpm", "1.0.a", GT, "1.0"},
    /* apk */
    {"apk", "1.0_alpha1", LT, "1.0_beta"},
    {"apk", "1.0_beta", LT, "1.0_pre1"},
    {"apk", "1.0_pre1", LT, "1.0_rc1"},
    {"apk", "1.0_rc1", LT, "1.0"},
    {"apk", "1.0", LT, "1.0_p1"},
    {"apk", "1.0", LT, "1.0-r1"},
    {"apk", "1.0", LT, "1.0a"},
    {"apk", "1.0", LT, "1.0.1"},
    {"apk", "1.0_git20230101", GT, "1.0"},
    {"apk", "0.0.0", LT, "0.0.0-r1"},
    /* gentoo */
    {"gentoo", "1.0_alpha", LT, "1.0_beta"},
    {"gentoo", "1.0_beta", LT, "1.0_pre"},
    {"gentoo", "1.0_pre", LT, "1.0_rc"},
    {"gentoo", "1.0_rc", LT, "1.0"},
    {"gentoo", "1.0", LT, "1.0_p1"},
    {"gentoo", "1.0-r1", GT, "1.0"},
    {"gentoo", "1.0", LT, "1.0a"},
    {"gentoo", "1.0_alpha_p1", GT, "1.0_alpha"},
    {"gentoo", "1.0_alpha_beta", LT, "1.0_alpha"},
    /* nuget */
    {"nuget", "1.0.0-beta", LT, "1.0.0"},
    {"nuget", "1.0", EQ, "1.0.0.0"},
    {"nuget", "1.0.0-Beta", EQ, "1.0.0-beta"},
    {"nuget", "1.0.0.1", GT, "1.0.0"},
    {"nuget", "1.0.0-alpha.10", GT, "1.0.0-alpha.9"},
    {"nuget", "0.0.0", LT, "0.0.0.1"},
    /* gem */
    {"gem", "1.0.a", LT, "1.0"},
    {"gem", "1.0.0-rc1", LT, "1.0.0"},
    {"gem", "1.0.0-rc1", EQ, "1.0.0.pre.rc1"},
    {"gem", "1.0", EQ, "1.0.0"},
    {"gem", "1.10", GT, "1.9"},
    {"gem", "1.0.b1", GT, "1.0.a2"},
    {"gem", "0.0.0", EQ, "0"},
    /* conan */
    {"conan", "1.0", EQ, "1"},
    {"conan", "1.0-pre", LT, "1.0"},
    {"conan", "1.0+b1", GT, "1.0"},
    {"conan", "1.2.10", GT, "1.2.9"},
    /* openssl: letter releases, then pre-releases of 3.x */
    {"openssl", "1.0.1", LT, "1.0.1a"},
    {"openssl", "1.0.1a", LT, "1.0.1z"},
    {"openssl", "1.0.1z", LT, "1.0.1za"},
    {"openssl", "1.0.1za", LT, "1.0.2"},
    {"openssl", "3.0.0-alpha1", LT, "3.0.0-beta1"},
    {"openssl", "3.0.0-beta1", LT, "3.0.0"},
    /* generic */
    {"generic", "1.0", EQ, "1.0.0"},
    {"generic", "1.0alpha1", LT, "1.0"},
    {"generic", "1.0-rc1", LT, "1.0"},
    {"generic", "1.0", LT, "1.0a"},
    {"generic", "1.0a", LT, "1.0.1"},
    {"generic", "1.0", LT, "1.0.post1"},
    {"generic", "1.0.post1", LT, "1.0.1"},
    {"generic", "1.10", GT, "1.9"},
    {"generic", "release-2", GT, "release-1"},
    /* intdot, nginx, lexicographic, datetime */
    {"intdot", "1.2.10", GT, "1.2.9"},
    {"intdot", "1.0", EQ, "1"},
    {"intdot", "01.2", EQ, "1.2"},
    {"nginx", "1.20.1", LT, "1.21.0"},
    {"lexicographic", "1.10", LT, "1.9"},
    {"datetime", "2024-02-29T12:00:00Z", EQ, "2024-02-29T13:30:00+01:30"},
    {"datetime", "2023-12-31T23:59:59.999Z", LT, "2024-01-01T00:00:00Z"},
};

static void test_compare_ecosystems(void **state)
{
	int bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(cmp_cases) / sizeof(cmp_cases[0]); i++) {
		const struct cmp_case *c = &cmp_cases[i];
		struct err e = ERR_INIT;
		int ab = 9, ba = 9;

		if (vers_compare(&ab, c->scheme, c->a, c->b, &e) < 0 ||
		    vers_compare(&ba, c->scheme, c->b, c->a, &e) < 0 || ab != c->want ||
		    ba != -c->want) {
			print_error("%s: cmp(%s, %s) = %d, reversed %d, want %d (%s)\n", c->scheme,
				    c->a, c->b, ab, ba, c->want, e.msg);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* Versions each scheme refuses. */
static const struct {
	const char *scheme, *version;
} bad_versions[] = {
    {"semver", "1.0"},
    {"semver", "01.0.0"},
    {"semver", "1.0.0-01"},
    {"semver", "v1.0.0"},
    {"semver", "1.0.0-"},
    {"semver", "1.0.0+"},
    {"semver", "1.0.0-a..b"},
    {"npm", "1.2"},
    {"npm", "x"},
    {"golang", "v1.02.3"},
    {"golang", "v1.2-pre"},
    {"golang", "latest"},
    {"pypi", "1.0.x"},
    {"pypi", "abc"},
    {"pypi", "1.0+"},
    {"pypi", "1..0"},
    {"pypi", "1.0+a..b"},
    {"nuget", "1.0.0.0.0"},
    {"nuget", "a"},
    {"nuget", "1.0.0-"},
    {"deb", "a:1.0"},
    {"deb", "1.0-"},
    {"deb", ":1.0"},
    {"deb", "1.0_1"},
    {"rpm", "1.0-"},
    {"rpm", "2:"},
    {"apk", "1.0-beta"},
    {"apk", "abc"},
    {"apk", "1.0_foo"},
    {"apk", "1.0-x"},
    {"gentoo", "1.0-beta"},
    {"gentoo", "1.0_foo"},
    {"gentoo", "a1"},
    {"gem", "a.b"},
    {"gem", "1..2"},
    {"openssl", "1.0.1A"},
    {"openssl", "v1"},
    {"nginx", "1.2a"},
    {"nginx", "1..2"},
    {"intdot", "a1"},
    {"datetime", "2024-02-30T00:00:00Z"},
    {"datetime", "2024-01-01 00:00:00Z"},
    {"datetime", "2024-01-01T00:00:00"},
    {"datetime", "2024-01-01T24:00:00Z"},
    {"all", "1.0"},
    {"none", "1.0"},
};

static void test_invalid_versions(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_versions) / sizeof(bad_versions[0]); i++) {
		struct err e = ERR_INIT;
		int r = 9;

		if (vers_compare(&r, bad_versions[i].scheme, bad_versions[i].version, "1", &e) == 0)
			fail_msg("%s accepts %s", bad_versions[i].scheme, bad_versions[i].version);
		assert_int_equal(e.code, ERR_INVALID);
		assert_true(e.msg[0] != '\0');
		assert_int_equal(
		    vers_check_version(bad_versions[i].scheme, bad_versions[i].version, &e), -1);
	}
}

static void test_unknown_scheme(void **state)
{
	struct err e = ERR_INIT;
	int r;

	(void)state;
	assert_int_equal(vers_compare(&r, "cobol", "1", "2", &e), -1);
	assert_string_equal(e.msg, "unsupported vers type \"cobol\"");
	assert_int_equal(vers_scheme_supported("npm"), 1);
	assert_int_equal(vers_scheme_supported("alpine"), 1);
	assert_int_equal(vers_scheme_supported("cobol"), 0);
}

/* ---- hand-written: containment ------------------------------------------- */

static const struct {
	const char *vers, *version;
	int want;
} contain_cases[] = {
    /* '*', unbounded ranges, 0.0.0 */
    {"vers:npm/*", "0.0.0", 1},
    {"vers:all/*", "anything", 1},
    {"vers:none/*", "1.0", 0},
    {"vers:npm/<1.0.0", "0.0.0", 1},
    {"vers:npm/<0.0.0", "0.0.0", 0},
    {"vers:npm/<=0.0.0", "0.0.0", 1},
    {"vers:npm/>=2.0.0", "99.0.0", 1},
    {"vers:npm/>2.0.0", "2.0.0", 0},
    {"vers:npm/>=1.0.0|<2.0.0", "1.5.0", 1},
    {"vers:npm/>=1.0.0|<2.0.0", "1.0.0", 1},
    {"vers:npm/>=1.0.0|<2.0.0", "2.0.0", 0},
    {"vers:npm/>=1.0.0|<2.0.0", "0.9.9", 0},
    {"vers:npm/>=1.0.0|<2.0.0", "2.0.0-beta", 1},
    {"vers:npm/>=1.0.0|<2.0.0", "1.0.0-beta", 0},
    {"vers:npm/1.0.0|>=2.0.0", "1.5.0", 0},
    {"vers:npm/1.0.0|>=2.0.0", "1.0.0", 1},
    {"vers:npm/<1.0.0|>=2.0.0|<3.0.0", "2.5.0", 1},
    {"vers:npm/<1.0.0|>=2.0.0|<3.0.0", "1.5.0", 0},
    {"vers:npm/!=1.0.0", "1.0.1", 1},
    {"vers:npm/!=1.0.0", "1.0.0", 0},
    {"vers:npm/!=1.0.0|!=1.0.1", "1.0.2", 1},
    {"vers:npm/1.0.0|2.0.0", "1.5.0", 0},
    {"vers:npm/>=1.0.0|!=1.5.0|<2.0.0", "1.5.0", 0},
    {"vers:npm/>=1.0.0|!=1.5.0|<2.0.0", "1.4.0", 1},
    /* pre-releases and epochs by each scheme's order */
    {"vers:pypi/>=1.0|<2.0", "1.0.0", 1},
    {"vers:pypi/>=1.0|<2.0", "2.0.0", 0},
    {"vers:pypi/>=1.0|<2.0", "2.0.dev1", 1},
    {"vers:pypi/>=1.0|<2.0", "1!0.5", 0},
    {"vers:pypi/<1.0", "1.0rc1", 1},
    {"vers:deb/>=1:1.0|<1:2.0", "1.9", 0},
    {"vers:deb/>=1:1.0|<1:2.0", "1:1.5-3", 1},
    {"vers:deb/<1.0", "1.0~rc1", 1},
    {"vers:rpm/<=1.0-1", "1.0", 1},
    {"vers:rpm/<1.0", "1.0~beta", 1},
    {"vers:maven/>=1.0|<2.0", "2.0-SNAPSHOT", 1},
    {"vers:maven/>=1.0|<2.0", "1.0-rc1", 0},
    {"vers:maven/>=1.0|<2.0", "1.0.0", 1},
    {"vers:golang/>=v1.2.0|<v1.3.0", "v1.2.4-0.20191109021931-daa7c04131f5", 1},
    {"vers:golang/<v2.0.0", "v2.0.0+incompatible", 0},
    {"vers:apk/<1.2.3-r2", "1.2.3-r1", 1},
    {"vers:apk/<1.2.3-r2", "1.2.3_rc1", 1},
    {"vers:nuget/>=1.0.0|<2.0.0", "1.0.0-beta", 0},
    {"vers:gem/>=2.0.8|<2.1", "2.1.0.rc1", 1},
    {"vers:datetime/>=2024-01-01T00:00:00Z", "2023-12-31T19:00:00-05:00", 1},
};

static void test_contains(void **state)
{
	int bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(contain_cases) / sizeof(contain_cases[0]); i++) {
		struct err e = ERR_INIT;
		struct vers *v = NULL;
		int got = 9;

		if (vers_parse(&v, contain_cases[i].vers, 0, &e) < 0 ||
		    vers_contains(&got, v, contain_cases[i].version, &e) < 0 ||
		    got != contain_cases[i].want) {
			print_error("%s contains %s: %d, want %d (%s)\n", contain_cases[i].vers,
				    contain_cases[i].version, got, contain_cases[i].want, e.msg);
			bad++;
		}
		vers_free(v);
	}
	assert_int_equal(bad, 0);
}

static void test_contains_errors(void **state)
{
	struct err e = ERR_INIT;
	struct vers *v;
	int in = 9;

	(void)state;
	/* a version of another scheme */
	assert_int_equal(vers_parse(&v, "vers:npm/>=1.0.0", 0, &e), 0);
	assert_int_equal(vers_contains(&in, v, "1.0", &e), -1);
	assert_string_equal(e.msg, "invalid npm version \"1.0\"");
	vers_free(v);
	/* an invalid range: two lower bounds in a row */
	assert_int_equal(vers_parse(&v, "vers:npm/>=1.0.0|>=2.0.0", 0, &e), 0);
	assert_int_equal(vers_contains(&in, v, "3.0.0", &e), -1);
	assert_string_equal(e.msg, "invalid VERS: \">=1.0.0\" cannot be followed by \">=2.0.0\"");
	vers_free(v);
	/* a constraint whose version the scheme refuses parses, but is invalid */
	assert_int_equal(vers_parse(&v, "vers:npm/1.0", VERS_STRICT, &e), 0);
	assert_int_equal(vers_validate(v, &e), -1);
	assert_string_equal(e.msg, "invalid npm version \"1.0\"");
	assert_int_equal(vers_contains(&in, v, "1.0.0", &e), -1);
	vers_free(v);
}

/* ---- hand-written: strict parsing, normalising, validity ------------------ */

static const struct {
	const char *in, *msg;
} strict_errors[] = {
    {"VERS:npm/1.0.0", "non-canonical VERS: the scheme must be lower case"},
    {"vers:NPM/1.0.0", "non-canonical VERS: the type must be lower case"},
    {"vers:npm/=1.0.0", "non-canonical VERS: an equality is a bare version, without '='"},
    {"vers:npm/", "invalid VERS: no constraints"},
    {"vers:npm/*|1.0.0", "invalid VERS: '*' must be the only constraint"},
    {"vers:npm/1.0.0|*", "invalid VERS: '*' must be the only constraint"},
    {"vers:npm/>=1.0.0|1.0.0", "non-canonical VERS: constraints are not sorted by version"},
    {"vers:npm/1.0.0%41", "non-canonical VERS: percent-encoding in version is not canonical"},
    {"vers:npm/1.0.0%4", "non-canonical VERS: invalid percent-encoding in version"},
    {"vers:generic/a!b",
     "non-canonical VERS: version characters > < = ! * | % and spaces must be percent-encoded"},
    {"vers:npm/>=", "invalid VERS: a constraint has no version"},
    {"vers:foo/1.0", "unsupported vers type \"foo\""},
    {"vers:invalid/1.0", "invalid VERS: the type \"invalid\" is always invalid"},
    {"npm/1.0.0", "invalid VERS: it must start with \"vers:\""},
    {"vers:npm", "invalid VERS: no '/' after the type"},
    {"vers:/1.0", "invalid VERS: the type is empty"},
    {"vers:1npm/1.0", "invalid VERS: the type must start with a letter"},
    {"vers:n_pm/1.0", "invalid VERS: the type may only have letters, digits, '.' and '-'"},
    {"vers:all/1.0", "invalid VERS: the type \"all\" only allows \"*\""},
    {"vers:npm/1.0.0\t", "non-canonical VERS: whitespace is not permitted"},
};

static void test_strict_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(strict_errors) / sizeof(strict_errors[0]); i++) {
		struct err e = ERR_INIT;
		struct vers *v = (struct vers *)&e;

		if (vers_parse(&v, strict_errors[i].in, VERS_STRICT, &e) == 0)
			fail_msg("%s parsed", strict_errors[i].in);
		assert_null(v);
		assert_int_equal(e.code, ERR_INVALID);
		assert_string_equal(e.msg, strict_errors[i].msg);
	}
}

static const struct {
	const char *in, *canonical;
} normalise_cases[] = {
    {"VERS:NPM/ <2.0.0 | >=1.0.0 ", "vers:npm/>=1.0.0|<2.0.0"},
    {"vers:npm/=1.0.0", "vers:npm/1.0.0"},
    {"vers:npm/==1.0.0", "vers:npm/1.0.0"},
    {"vers:npm/|1.0.0||2.0.0|", "vers:npm/1.0.0|2.0.0"},
    {"vers:pypi/1.0%2b1", "vers:pypi/1.0+1"},
    {"vers:generic/a%7cb|a!c", "vers:generic/a%7Cb|a%21c"},
    {"vers:generic/1.0%20beta", "vers:generic/1.0%20beta"},
    {"vers:datetime/2024-01-01t00%3a00:00z", "vers:datetime/2024-01-01T00:00:00Z"},
    {"vers:deb/2:1.0|1:3.0|0.5", "vers:deb/0.5|1:3.0|2:1.0"},
    {"vers:pypi/1.0|1.0.0", "vers:pypi/1.0|1.0.0"},
    {"vers:npm/1.0.0|<=1.0.0|>=1.0.0|!=1.0.0|<1.0.0|>1.0.0",
     "vers:npm/!=1.0.0|<1.0.0|<=1.0.0|1.0.0|>1.0.0|>=1.0.0"},
    {"vers:npm/1.0|1.0.0", "vers:npm/1.0.0|1.0"},
    {"vers:npm/*", "vers:npm/*"},
    {"vers:alpine/1.0-r1", "vers:alpine/1.0-r1"},
    /* rpm's equality is not transitive (1.0 = 1.0-1 = ... but 1.0-1 < 1.0-2):
     * every neighbour is still in order, so the strict parser accepts it */
    {"vers:rpm/1.0-2|1.0|1.0-1", "vers:rpm/1.0-2|1.0|1.0-1"},
    {"vers:npm/1.0|2", "vers:npm/1.0|2"},
};

static void test_normalise(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(normalise_cases) / sizeof(normalise_cases[0]); i++) {
		struct err e = ERR_INIT;
		struct vers *v, *w;
		char *s, *t;

		if (vers_parse(&v, normalise_cases[i].in, 0, &e) < 0)
			fail_msg("%s: %s", normalise_cases[i].in, e.msg);
		s = vers_canonical(v);
		if (strcmp(s, normalise_cases[i].canonical) != 0)
			fail_msg("%s normalises to %s, want %s", normalise_cases[i].in, s,
				 normalise_cases[i].canonical);
		/* the canonical form is strict and stable */
		if (vers_parse(&w, s, VERS_STRICT, &e) < 0)
			fail_msg("%s: %s", s, e.msg);
		t = vers_canonical(w);
		assert_string_equal(t, s);
		free(t);
		vers_free(w);
		free(s);
		vers_free(v);
	}
}

static void test_parse_components(void **state)
{
	struct err e = ERR_INIT;
	struct vers *v;

	(void)state;
	assert_int_equal(vers_parse(&v, "vers:generic/>=1.0%7C2|!=1.5|<2%2A", VERS_STRICT, &e), 0);
	assert_string_equal(vers_type(v), "generic");
	assert_int_equal(vers_count(v), 3);
	assert_int_equal(vers_op_at(v, 0), VERS_OP_GE);
	assert_string_equal(vers_version_at(v, 0), "1.0|2");
	assert_int_equal(vers_op_at(v, 1), VERS_OP_NE);
	assert_string_equal(vers_version_at(v, 1), "1.5");
	assert_int_equal(vers_op_at(v, 2), VERS_OP_LT);
	assert_string_equal(vers_version_at(v, 2), "2*");
	vers_free(v);
	assert_int_equal(vers_parse(&v, "vers:npm/*", VERS_STRICT, &e), 0);
	assert_int_equal(vers_count(v), 1);
	assert_int_equal(vers_op_at(v, 0), VERS_OP_STAR);
	assert_null(vers_version_at(v, 0));
	vers_free(v);
}

static const struct {
	const char *vers, *msg; /* NULL: valid */
} validity[] = {
    {"vers:npm/>=1.0.0|<2.0.0", NULL},
    {"vers:npm/1.0.0|2.0.0", NULL},
    {"vers:npm/!=1.0.0", NULL},
    {"vers:npm/<1.0.0|>=2.0.0", NULL},
    {"vers:npm/1.0.0|>=2.0.0", NULL},
    {"vers:npm/!=1.0.0|<1.5.0|!=1.7.0|>=2.0.0", NULL},
    {"vers:npm/*", NULL},
    {"vers:npm/>=1.0.0|>=2.0.0", "invalid VERS: \">=1.0.0\" cannot be followed by \">=2.0.0\""},
    {"vers:npm/<1.0.0|<2.0.0", "invalid VERS: \"<1.0.0\" cannot be followed by \"<2.0.0\""},
    {"vers:npm/1.0.0|<2.0.0", "invalid VERS: \"1.0.0\" cannot be followed by \"<2.0.0\""},
    {"vers:npm/<=1.0.0|>=1.0.0", "invalid VERS: \"<=1.0.0\" and \">=1.0.0\" have the same version"},
    {"vers:pypi/1.0|1.0.0", "invalid VERS: \"1.0\" and \"1.0.0\" have the same version"},
    {"vers:npm/1.0", "invalid npm version \"1.0\""},
};

static void test_validate(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(validity) / sizeof(validity[0]); i++) {
		struct err e = ERR_INIT;
		struct vers *v;
		int r;

		assert_int_equal(vers_parse(&v, validity[i].vers, 0, &e), 0);
		r = vers_validate(v, &e);
		if (validity[i].msg == NULL) {
			if (r != 0)
				fail_msg("%s: %s", validity[i].vers, e.msg);
		} else {
			assert_int_equal(r, -1);
			assert_string_equal(e.msg, validity[i].msg);
		}
		vers_free(v);
	}
}

static const struct {
	const char *in, *out;
} simplify_cases[] = {
    {"vers:npm/>=1.0.0|>=2.0.0|<3.0.0", "vers:npm/>=1.0.0|<3.0.0"},
    {"vers:npm/<1.0.0|<2.0.0", "vers:npm/<2.0.0"},
    {"vers:npm/1.0.0|<2.0.0", "vers:npm/<2.0.0"},
    {"vers:npm/>=1.0.0|1.5.0|<2.0.0", "vers:npm/>=1.0.0|<2.0.0"},
    {"vers:npm/1.0.0|1.0.0", "vers:npm/1.0.0"},
    {"vers:npm/>=1.0.0|>=1.0.0", "vers:npm/>=1.0.0"},
    {"vers:npm/!=1.5.0|>=1.0.0|<2.0.0", "vers:npm/>=1.0.0|!=1.5.0|<2.0.0"},
    {"vers:npm/<1.0.0|>=2.0.0|<3.0.0|>=4.0.0", "vers:npm/<1.0.0|>=2.0.0|<3.0.0|>=4.0.0"},
    {"vers:pypi/>0.0.0|>=0.0.1|>=0.0.1|0.0.2|0.0.3|0.0.4|<0.0.5|<=0.0.6|!=0.7|8.0|>12|<15.3",
     "vers:pypi/>0.0.0|<=0.0.6|!=0.7|8.0|>12|<15.3"},
    {"vers:npm/*", "vers:npm/*"},
    {"vers:rpm/1.0-2|1.0|1.0-1", "vers:rpm/1.0-1|1.0-2"},
};

static void test_simplify(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(simplify_cases) / sizeof(simplify_cases[0]); i++) {
		struct err e = ERR_INIT;
		struct vers *v;
		char *s;

		assert_int_equal(vers_parse(&v, simplify_cases[i].in, 0, &e), 0);
		vers_simplify(v);
		s = vers_canonical(v);
		if (strcmp(s, simplify_cases[i].out) != 0)
			fail_msg("%s simplifies to %s, want %s", simplify_cases[i].in, s,
				 simplify_cases[i].out);
		free(s);
		vers_free(v);
	}
}

/* ---- hand-written: native ranges ----------------------------------------- */

static const struct {
	const char *scheme, *native, *want; /* want NULL: an error */
} native_cases[] = {
    {"npm", "^1.2 || >=3 <4", "vers:npm/>=1.2.0|<2.0.0|>=3.0.0|<4.0.0"},
    {"npm", "~1.2.3", "vers:npm/>=1.2.3|<1.3.0"},
    {"npm", "^0.0.3", "vers:npm/>=0.0.3|<0.0.4"},
    {"npm", "1.0.0 - 2.0.0", "vers:npm/>=1.0.0|<=2.0.0"},
    {"npm", "*", "vers:npm/*"},
    {"npm", "~>1.0", NULL},
    {"pypi", ">=1.0,!=1.3.*", "vers:pypi/>=1.0|<1.3.dev0|>=1.4.dev0"},
    {"pypi", "~=2.2", "vers:pypi/>=2.2|<3.dev0"},
    {"pypi", "~=1.4.5", "vers:pypi/>=1.4.5|<1.5.dev0"},
    {"pypi", "~=1!1.4.5", "vers:pypi/>=1%211.4.5|<1%211.5.dev0"},
    {"pypi", "==1.*", "vers:pypi/>=1.dev0|<2.dev0"},
    {"pypi", "== 1.9.*", "vers:pypi/>=1.9.dev0|<1.10.dev0"},
    {"pypi", ">=1.0, <2.0, !=1.5", "vers:pypi/>=1.0|!=1.5|<2.0"},
    {"pypi", ">=1.0, !=1.5, !=1.6, <2.0", "vers:pypi/>=1.0|!=1.5|!=1.6|<2.0"},
    {"pypi", ">=1.0,>=1.2,<3,<2", "vers:pypi/>=1.2|<2"},
    {"pypi", ">=1.0,<=1.0", "vers:pypi/1.0"},
    {"pypi", "==1.0", "vers:pypi/1.0"},
    {"pypi", "!=1.0,!=1.0", "vers:pypi/!=1.0"},
    {"pypi", "", "vers:pypi/*"},
    {"pypi", ">2,<1", NULL},
    {"pypi", "=>1.0", NULL},
    {"pypi", "~=1", NULL},
    {"pypi", ">=1.0; python_version<'3'", NULL},
    {"gem", "~> 2.0.8, != 2.0.9", "vers:gem/>=2.0.8|!=2.0.9|<2.1"},
    {"gem", "~> 1", "vers:gem/>=1|<2"},
    {"gem", "~> 1.0.0.rc1", "vers:gem/>=1.0.0.rc1|<1.1"},
    {"gem", ">= 1.0, < 2", "vers:gem/>=1.0|<2"},
    {"gem", "1.2.3", "vers:gem/1.2.3"},
    {"nuget", "1.0", "vers:nuget/>=1.0"},
    {"nuget", "[1.0]", "vers:nuget/1.0"},
    {"nuget", "(,2.0]", "vers:nuget/<=2.0"},
    {"nuget", "(1.0,)", "vers:nuget/>1.0"},
    {"nuget", "(1.0, 2.0-beta)", "vers:nuget/>1.0|<2.0-beta"},
    {"nuget", "(1.0)", NULL},
    {"nuget", "[2.0,1.0]", NULL},
    {"nuget", "[1.0,2.0],[3.0,)", NULL},
    {"maven", "[1.0,2.0),[3.0,)", "vers:maven/>=1.0|<2.0|>=3.0"},
    {"maven", "(,1.0],[1.2,)", "vers:maven/<=1.0|>=1.2"},
    {"maven", "1.0", "vers:maven/1.0"},
    {"maven", "[1.0,2.0", NULL},
    {"conan", "~1.2.3", "vers:conan/>=1.2.3|<1.3-"},
    {"conan", "^0.0.3", "vers:conan/>=0.0.3|<0.0.4-"},
    {"conan", "^0.0.0", NULL},
    {"nginx", "all", "vers:nginx/*"},
    {"nginx", "1.21.0+", "vers:nginx/>=1.21.0"},
    {"nginx", "1.20.1+", "vers:nginx/>=1.20.1|<1.21.0"},
    {"openssl", "1.0.2zf, 1.1.1q , 3.0.5", "vers:openssl/1.0.2zf|1.1.1q|3.0.5"},
    {"deb", ">= 1.0", NULL},
    {"cobol", "1", NULL},
};

static void test_from_native(void **state)
{
	int bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(native_cases) / sizeof(native_cases[0]); i++) {
		struct err e = ERR_INIT;
		char *got = NULL;
		int r = vers_from_native(&got, native_cases[i].scheme, native_cases[i].native, &e);

		if (native_cases[i].want == NULL) {
			if (r == 0 || got != NULL || e.code != ERR_INVALID || e.msg[0] == '\0') {
				print_error("%s \"%s\" gave %s, want an error\n",
					    native_cases[i].scheme, native_cases[i].native,
					    got ? got : "NULL");
				bad++;
			}
		} else if (r < 0 || strcmp(got, native_cases[i].want) != 0) {
			print_error("%s \"%s\" gave %s (%s), want %s\n", native_cases[i].scheme,
				    native_cases[i].native, got ? got : "NULL", e.msg,
				    native_cases[i].want);
			bad++;
		}
		free(got);
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_file_alpine),
	    cmocka_unit_test(test_file_alpm),
	    cmocka_unit_test(test_file_conan_native_basic),
	    cmocka_unit_test(test_file_conan_native),
	    cmocka_unit_test(test_file_conan_cmp),
	    cmocka_unit_test(test_file_datetime),
	    cmocka_unit_test(test_file_gem_native),
	    cmocka_unit_test(test_file_gentoo),
	    cmocka_unit_test(test_file_lexicographic),
	    cmocka_unit_test(test_file_maven),
	    cmocka_unit_test(test_file_nginx_native),
	    cmocka_unit_test(test_file_npm_contains),
	    cmocka_unit_test(test_file_npm_native),
	    cmocka_unit_test(test_file_nuget_native),
	    cmocka_unit_test(test_file_nuget_cmp),
	    cmocka_unit_test(test_file_openssl_native),
	    cmocka_unit_test(test_file_openssl_cmp),
	    cmocka_unit_test(test_file_pypi_contains),
	    cmocka_unit_test(test_file_pypi_native),
	    cmocka_unit_test(test_file_pypi_validate),
	    cmocka_unit_test(test_file_parse),
	    cmocka_unit_test(test_other_files),
	    cmocka_unit_test(test_compare_ecosystems),
	    cmocka_unit_test(test_invalid_versions),
	    cmocka_unit_test(test_unknown_scheme),
	    cmocka_unit_test(test_contains),
	    cmocka_unit_test(test_contains_errors),
	    cmocka_unit_test(test_strict_errors),
	    cmocka_unit_test(test_normalise),
	    cmocka_unit_test(test_parse_components),
	    cmocka_unit_test(test_validate),
	    cmocka_unit_test(test_simplify),
	    cmocka_unit_test(test_from_native),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
