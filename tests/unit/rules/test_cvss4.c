/* test_cvss4.c - CVSS 4.0: FIRST's test vectors, MacroVectors, nomenclature,
 * normalisation, and every way a vector can be wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rules/cvss.h"
#include "rules/cvss4.h"

#define BASE_HIGH "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H"
#define BASE_LOW "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N"

/* ---- locating ../shared/data ------------------------------------------ */

#define SELF "tests/unit/rules/test_cvss4.c"
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

static int score_of(const char *vector, struct cvss_result *r, struct err *e)
{
	err_clear(e);
	memset(r, 0x5a, sizeof(*r));	/* every field must be written */
	return cvss4_score(vector, strlen(vector), r, e);
}

/* A score as written in the files, "9.2" or "10.0", in tenths; -1 if not one. */
static int tenths_of(const char *s)
{
	int whole = 0;

	if (*s < '0' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9')
		whole = whole * 10 + (*s++ - '0');
	if (*s++ != '.' || *s < '0' || *s > '9')
		return -1;
	return whole * 10 + (*s - '0');
}

/*
 * Every line of a vector file, "VECTOR - (9.2,)" or "VECTOR - 7.3", scores
 * exactly, through cvss4_score() and the dispatcher; returns the line count.
 */
static int check_file(const char *name)
{
	char path[PATH_LEN], line[512];
	struct cvss_result r, d;
	struct err e = ERR_INIT;
	int count = 0, bad = 0;
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/cvss/%s", data_dir(), name) >= sizeof(path))
		fail_msg("path too long");
	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot open %s (set VULNFLOW_SHARED_DATA)", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		char *sep = strstr(line, " - "), *want_s;
		int want;

		if (line[0] == '\n' || line[0] == '\0')
			continue;
		assert_non_null(sep);
		*sep = '\0';
		want_s = sep + 3 + (sep[3] == '(');
		want = tenths_of(want_s);
		assert_true(want >= 0);
		count++;
		if (score_of(line, &r, &e) != 0 || r.score != want) {
			print_error("%s: got %d (%s), want %d\n", line, r.score, e.msg, want);
			bad++;
			continue;
		}
		assert_int_equal(cvss_score(line, strlen(line), &d, &e), 0);
		assert_int_equal(d.score, want);
		assert_string_equal(d.vector, r.vector);
	}
	fclose(f);
	assert_int_equal(bad, 0);
	return count;
}

/* ---- FIRST's vectors ----------------------------------------------------- */

static void test_vectors_simple(void **state)
{
	(void)state;
	assert_int_equal(check_file("vectors_simple4"), 1058);
}

static void test_vectors_security(void **state)
{
	(void)state;
	assert_int_equal(check_file("vectors_security4"), 54);
}

static void test_vectors_supplemental(void **state)
{
	(void)state;
	assert_int_equal(check_file("vectors_supplemental4"), 576);
}

static void test_vectors_threat(void **state)
{
	(void)state;
	assert_int_equal(check_file("vectors_threat4"), 6);
}

/* ---- scores, MacroVectors, the result's fields ------------------------- */

static void test_macrovector(void **state)
{
	static const struct {
		const char *vector;
		int score;
		const char *macro;
	} cases[] = {
		/* SC/SI/SA H without Safety: EQ4 is 1; E:X counts as A, CR:X as H */
		{ BASE_HIGH, 100, "000100" },
		{ BASE_HIGH "/MSI:S", 100, "000000" },
		{ BASE_HIGH "/E:U", 91, "000120" },
		{ BASE_LOW, 10, "212201" },
		/* 6.1 - 0.45 is 5.6499999999999995 in doubles: the epsilon rounds it up */
		{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:H/VA:L/SC:N/SI:N/SA:L", 57, "111200" },
		/* no impact at all scores 0, whatever the MacroVector */
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0, "002201" },
		/* the modified metrics count, not the base ones */
		{ BASE_LOW "/MAV:N/MAC:L/MAT:N/MPR:N/MUI:N/MVC:H/MVI:H/MVA:H/MSC:H/MSI:S/MSA:S",
		  100, "000000" },
		{ BASE_HIGH "/MVC:N/MVI:N/MVA:N/MSC:N/MSI:N/MSA:N", 0, "002201" },
	};
	struct cvss_result r;
	struct err e = ERR_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(score_of(cases[i].vector, &r, &e), 0);
		assert_int_equal(r.score, cases[i].score);
		assert_string_equal(r.macrovector, cases[i].macro);
	}
}

static void test_fields(void **state)
{
	struct cvss_result r;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(score_of(BASE_HIGH, &r, &e), 0);
	assert_int_equal(r.version, CVSS_V40);
	assert_int_equal(r.score, 100);
	assert_string_equal(r.severity, "Critical");
	assert_int_equal(r.base, -1);
	assert_int_equal(r.temporal, -1);
	assert_int_equal(r.environmental, -1);
	assert_int_equal(r.impact, -1);
	assert_int_equal(r.exploitability, -1);
	assert_int_equal(r.modified_impact, -1);
	assert_string_equal(r.vector, BASE_HIGH);
	assert_int_equal(score_of(BASE_LOW, &r, &e), 0);
	assert_string_equal(r.severity, "Low");
	assert_int_equal(score_of(BASE_HIGH "/MVC:N/MVI:N/MVA:N/MSC:N/MSI:N/MSA:N", &r, &e), 0);
	assert_string_equal(r.severity, "None");
}

static void test_nomenclature(void **state)
{
	static const struct {
		const char *vector;
		const char *name;
		int temporal, environmental;
	} cases[] = {
		{ BASE_HIGH, "CVSS-B", 0, 0 },
		{ BASE_HIGH "/E:A", "CVSS-BT", 1, 0 },
		{ BASE_HIGH "/E:U", "CVSS-BT", 1, 0 },
		{ BASE_HIGH "/CR:L", "CVSS-BE", 0, 1 },
		{ BASE_HIGH "/MSA:S", "CVSS-BE", 0, 1 },
		{ BASE_HIGH "/E:P/MAV:L", "CVSS-BTE", 1, 1 },
		/* X is not a value set */
		{ BASE_HIGH "/E:X/CR:X/MAV:X/MSA:X", "CVSS-B", 0, 0 },
		{ BASE_HIGH "/E:X/AR:M", "CVSS-BE", 0, 1 },
		/* supplemental metrics are neither */
		{ BASE_HIGH "/S:P/AU:Y/R:I/V:C/RE:H/U:Red", "CVSS-B", 0, 0 },
	};
	struct cvss_result r;
	struct err e = ERR_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(score_of(cases[i].vector, &r, &e), 0);
		assert_string_equal(r.nomenclature, cases[i].name);
		assert_int_equal(r.has_temporal, cases[i].temporal);
		assert_int_equal(r.has_environmental, cases[i].environmental);
	}
}

/* Supplemental metrics are kept but never change the score. */
static void test_supplemental(void **state)
{
	static const char *const supp[] = {
		"/S:N/AU:N/R:A/V:D/RE:L/U:Clear", "/S:P/AU:Y/R:U/V:C/RE:M/U:Green",
		"/R:I/RE:H/U:Amber", "/U:Red", "/S:X/AU:X/R:X/V:X/RE:X/U:X",
	};
	static const char *const bases[] = {
		BASE_HIGH, BASE_LOW, BASE_HIGH "/E:P/CR:L/MVI:N",
		"CVSS:4.0/AV:A/AC:H/AT:N/PR:L/UI:P/VC:L/VI:L/VA:H/SC:L/SI:H/SA:N",
	};
	char v[CVSS_VECTOR_MAX];
	struct cvss_result r, s;
	struct err e = ERR_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		assert_int_equal(score_of(bases[i], &r, &e), 0);
		for (size_t j = 0; j < sizeof(supp) / sizeof(supp[0]); j++) {
			snprintf(v, sizeof(v), "%s%s", bases[i], supp[j]);
			assert_int_equal(score_of(v, &s, &e), 0);
			assert_int_equal(s.score, r.score);
			assert_string_equal(s.macrovector, r.macrovector);
			assert_string_equal(s.nomenclature, r.nomenclature);
		}
	}
	assert_int_equal(score_of(BASE_HIGH "/R:I/U:Amber", &s, &e), 0);
	assert_string_equal(s.vector, BASE_HIGH "/R:I/U:Amber");
}

/* ---- normalisation --------------------------------------------------------- */

static void test_normalise(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ BASE_HIGH "/E:X/CR:X/IR:X/AR:X/MAV:X/MSI:X/S:X/U:X", BASE_HIGH },
		{ BASE_HIGH "/E:X/CR:H/MAV:X/MAC:H/S:X/AU:Y/U:X", BASE_HIGH "/CR:H/MAC:H/AU:Y" },
		{ BASE_HIGH "/E:A/CR:M/IR:L/AR:H/MAV:P/MAC:H/MAT:P/MPR:H/MUI:A/MVC:L/MVI:N/MVA:L/"
			    "MSC:N/MSI:S/MSA:S/S:N/AU:N/R:U/V:D/RE:M/U:Amber",
		  BASE_HIGH "/E:A/CR:M/IR:L/AR:H/MAV:P/MAC:H/MAT:P/MPR:H/MUI:A/MVC:L/MVI:N/MVA:L/"
			    "MSC:N/MSI:S/MSA:S/S:N/AU:N/R:U/V:D/RE:M/U:Amber" },
		{ BASE_LOW "/U:X", BASE_LOW },
		{ BASE_LOW "/RE:X/U:Clear", BASE_LOW "/U:Clear" },
	};
	struct cvss_result r, again;
	struct err e = ERR_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(score_of(cases[i].in, &r, &e), 0);
		assert_string_equal(r.vector, cases[i].out);
		assert_int_equal(score_of(r.vector, &again, &e), 0);
		assert_int_equal(again.score, r.score);
		assert_string_equal(again.vector, r.vector);
	}
}

/* The longest vector there is: every metric, U's longest word. */
static void test_longest(void **state)
{
	const char *v = BASE_HIGH "/E:U/CR:M/IR:M/AR:M/MAV:A/MAC:H/MAT:P/MPR:L/MUI:P/MVC:L/"
			"MVI:L/MVA:L/MSC:L/MSI:L/MSA:L/S:P/AU:Y/R:I/V:C/RE:H/U:Amber";
	struct cvss_result r;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(strlen(v), 178);
	assert_int_equal(score_of(v, &r, &e), 0);
	assert_string_equal(r.vector, v);
	assert_string_equal(r.nomenclature, "CVSS-BTE");
}

/* Every value of every metric, from the specification's table, round-trips. */
static void test_every_value(void **state)
{
	static const struct {
		const char *metric, *values[6];
	} spec[] = {
		{ "E", { "X", "A", "P", "U" } },
		{ "CR", { "X", "H", "M", "L" } }, { "IR", { "X", "H", "M", "L" } },
		{ "AR", { "X", "H", "M", "L" } }, { "MAV", { "X", "N", "A", "L", "P" } },
		{ "MAC", { "X", "L", "H" } }, { "MAT", { "X", "N", "P" } },
		{ "MPR", { "X", "N", "L", "H" } }, { "MUI", { "X", "N", "P", "A" } },
		{ "MVC", { "X", "H", "L", "N" } }, { "MVI", { "X", "H", "L", "N" } },
		{ "MVA", { "X", "H", "L", "N" } }, { "MSC", { "X", "H", "L", "N" } },
		{ "MSI", { "X", "S", "H", "L", "N" } }, { "MSA", { "X", "S", "H", "L", "N" } },
		{ "S", { "X", "N", "P" } }, { "AU", { "X", "N", "Y" } },
		{ "R", { "X", "A", "U", "I" } }, { "V", { "X", "D", "C" } },
		{ "RE", { "X", "L", "M", "H" } },
		{ "U", { "X", "Clear", "Green", "Amber", "Red" } },
	};
	static const struct {
		const char *metric, *values;
	} base[] = {
		{ "AV", "NALP" }, { "AC", "LH" }, { "AT", "NP" }, { "PR", "NLH" }, { "UI", "NPA" },
		{ "VC", "HLN" }, { "VI", "HLN" }, { "VA", "HLN" },
		{ "SC", "HLN" }, { "SI", "HLN" }, { "SA", "HLN" },
	};
	char v[CVSS_VECTOR_MAX], want[CVSS_VECTOR_MAX];
	struct cvss_result r;
	struct err e = ERR_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(spec) / sizeof(spec[0]); i++) {
		for (size_t j = 0; spec[i].values[j] != NULL; j++) {
			int x = strcmp(spec[i].values[j], "X") == 0;

			snprintf(v, sizeof(v), "%s/%s:%s", BASE_LOW, spec[i].metric,
				 spec[i].values[j]);
			assert_int_equal(score_of(v, &r, &e), 0);
			assert_string_equal(r.vector, x ? BASE_LOW : v);
		}
	}
	/* each base value in each place, the rest as in BASE_HIGH */
	for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++) {
		for (const char *c = base[i].values; *c != '\0'; c++) {
			char name[8], *p;

			snprintf(v, sizeof(v), "%s", BASE_HIGH);
			snprintf(name, sizeof(name), "/%s:", base[i].metric);
			p = strstr(v, name);
			assert_non_null(p);
			p[strlen(name)] = *c;
			snprintf(want, sizeof(want), "%s", v);
			assert_int_equal(score_of(v, &r, &e), 0);
			assert_string_equal(r.vector, want);
		}
	}
}

/* ---- invalid vectors ----------------------------------------------------- */

#define LONG_A "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

static void test_invalid(void **state)
{
	static const struct {
		const char *vector, *msg;
	} cases[] = {
		{ "", "vector is empty" },
		{ "CVSS:4.0", "does not start with" },
		{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "does not start with" },
		{ "cvss:4.0/AV:N", "does not start with" },
		{ "CVSS:4.0/", "metric \"AV\" is missing" },
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H",
		  "metric \"SA\" is missing" },
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SI:H/SA:H",
		  "metric \"SC\" is missing" },
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:A", NULL },
		{ BASE_HIGH "/E:A/E:A", "duplicate metric \"E\"" },
		{ "CVSS:4.0/AV:N/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H",
		  "duplicate metric \"AV\"" },
		{ "CVSS:4.0/AV:Q/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H",
		  "unknown value \"Q\" for metric \"AV\"" },
		{ "CVSS:4.0/AV:n/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H",
		  "unknown value \"n\" for metric \"AV\"" },
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:h/VI:H/VA:H/SC:H/SI:H/SA:H",
		  "unknown value \"h\" for metric \"VC\"" },
		{ "CVSS:4.0/AV:NN/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H",
		  "unknown value \"NN\" for metric \"AV\"" },
		{ "CVSS:4.0/av:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H",
		  "unknown metric \"av\"" },
		{ BASE_HIGH "/XX:A", "unknown metric \"XX\"" },
		{ BASE_HIGH "/AVX:N", "unknown metric \"AVX\"" },
		{ "CVSS:4.0/AV:N/AC:L/PR:N/AT:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H",
		  "metric \"AT\" out of order" },
		{ BASE_HIGH "/CR:H/E:A", "metric \"E\" out of order" },
		{ BASE_HIGH "/U:Red/S:P", "metric \"S\" out of order" },
		{ "CVSS:4.0/AV:X/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H",
		  "value \"X\" is not allowed for base metric \"AV\"" },
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:S/SA:H",
		  "unknown value \"S\" for metric \"SI\"" },
		{ BASE_HIGH "/MSC:S", "unknown value \"S\" for metric \"MSC\"" },
		{ BASE_HIGH "/U:Purple", "unknown value \"Purple\" for metric \"U\"" },
		{ BASE_HIGH "/U:clear", "unknown value \"clear\" for metric \"U\"" },
		{ BASE_HIGH "/", "trailing \"/\" after metric \"SA\"" },
		{ BASE_HIGH "/E:A/", "trailing \"/\" after metric \"E\"" },
		{ "CVSS:4.0//AV:N", "empty metric at start of vector" },
		{ "CVSS:4.0/AV:N//AC:L", "empty metric after \"AV\"" },
		{ "CVSS:4.0/AV:N/AC", "metric \"AC\" has no value" },
		{ "CVSS:4.0/AV:N/AC:", "metric \"AC\" has no value" },
		{ "CVSS:4.0/AV:N/AC:/AT:N", "metric \"AC\" has no value" },
		{ "CVSS:4.0/AV:N/AC:L/garbage", "metric \"garbage\" has no value" },
		{ BASE_HIGH " ", "unknown value \"H \" for metric \"SA\"" },
		{ BASE_HIGH "junk", "unknown value \"Hjunk\" for metric \"SA\"" },
		{ BASE_HIGH "/E:A:P", "unknown value \"A:P\" for metric \"E\"" },
		{ BASE_HIGH "/E:" LONG_A, "unknown value \"AAAAAAAAAAAAAAAAAAAA" },
		{ BASE_HIGH "/E:" LONG_A, "AAA...\" for metric \"E\"" },
		{ BASE_HIGH "/\x01\xff:A", "unknown metric \"\\x01\\xff\"" },
		{ "CVSS:4.0/\"AV\\:N", "unknown metric \"\\x22AV\\x5c\"" },
	};
	struct cvss_result r;
	struct err e = ERR_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = score_of(cases[i].vector, &r, &e);

		if (cases[i].msg == NULL) {
			assert_int_equal(rc, 0);
			continue;
		}
		if (rc != -1 || e.code != ERR_INVALID || strstr(e.msg, cases[i].msg) == NULL)
			fail_msg("\"%s\": rc %d code %d msg \"%s\", want \"%s\"", cases[i].vector,
				 rc, e.code, e.msg, cases[i].msg);
		assert_string_equal(r.vector, "");
	}
}

/* Longer than any vector can be: refused as such. */
static void long_vector(struct cvss_result *r, struct err *e)
{
	char v[CVSS_VECTOR_MAX + 2];

	memset(v, 'A', sizeof(v));
	memcpy(v, "CVSS:4.0/", 9);
	assert_int_equal(cvss4_score(v, sizeof(v), r, e), -1);
	assert_non_null(strstr(e->msg, "vector is too long (514 bytes, at most 512)"));
}

/* len is authoritative: no NUL needed, nothing read past it, NUL is a byte. */
static void test_length(void **state)
{
	const char *full = BASE_HIGH "/E:U";
	size_t n = strlen(BASE_HIGH);
	char *exact = malloc(n);
	struct cvss_result r;
	struct err e = ERR_INIT;

	(void)state;
	assert_non_null(exact);
	memcpy(exact, BASE_HIGH, n);	/* no NUL: ASan checks nothing is read past n */
	assert_int_equal(cvss4_score(exact, n, &r, &e), 0);
	assert_int_equal(r.score, 100);
	for (size_t k = 1; k < n; k++)	/* every proper prefix is invalid */
		assert_int_equal(cvss4_score(exact, k, &r, &e), -1);
	free(exact);
	assert_int_equal(cvss4_score(full, n, &r, &e), 0);
	assert_string_equal(r.vector, BASE_HIGH);
	assert_int_equal(cvss4_score(BASE_HIGH "\0/E:U", n + 5, &r, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_non_null(strstr(e.msg, "for metric \"SA\""));
	long_vector(&r, &e);
}

/* ---- robustness ------------------------------------------------------------ */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

/* A result either fails with a message, or re-scores to itself. */
static void check_any(const char *v, size_t len)
{
	struct cvss_result r, again;
	struct err e = ERR_INIT;

	if (cvss4_score(v, len, &r, &e) != 0) {
		assert_int_equal(e.code, ERR_INVALID);
		assert_true(e.msg[0] != '\0');
		return;
	}
	assert_true(r.score >= 0 && r.score <= 100);
	assert_int_equal(strlen(r.macrovector), 6);
	assert_int_equal(cvss4_score(r.vector, strlen(r.vector), &again, &e), 0);
	assert_int_equal(again.score, r.score);
	assert_string_equal(again.vector, r.vector);
}

/* Mutations of valid vectors and random bytes: no crash, a clear answer. */
static void test_mutations(void **state)
{
	static const char *const seeds[] = {
		BASE_HIGH, BASE_LOW "/E:P/CR:L/MAV:A/MSI:S/U:Green",
		BASE_HIGH "/E:X/IR:M/MVC:N/S:P/AU:N/R:A/V:C/RE:L/U:Amber",
	};
	static const char alpha[] = "CVSS:4.0/ANLPHMXSUEYIRDGCTVclear\0\xff";
	char buf[256];

	(void)state;
	for (int i = 0; i < 60000; i++) {
		const char *seed = seeds[rnd(3)];
		size_t n = strlen(seed);

		memcpy(buf, seed, n);
		for (int k = 1 + (int)rnd(3); k > 0 && n > 0; k--) {
			size_t at = rnd((unsigned)n);

			switch (rnd(4)) {
			case 0:
				buf[at] = alpha[rnd(sizeof(alpha) - 1)];
				break;
			case 1:
				memmove(buf + at, buf + at + 1, n - at - 1);
				n--;
				break;
			case 2:
				memmove(buf + at + 1, buf + at, n - at);
				buf[at] = alpha[rnd(sizeof(alpha) - 1)];
				n++;
				break;
			default:
				n = at;
			}
		}
		check_any(buf, n);
	}
	for (int i = 0; i < 20000; i++) {
		size_t n = 9 + rnd(120);

		memcpy(buf, "CVSS:4.0/", 9);
		for (size_t k = 9; k < n; k++)
			buf[k] = (char)rnd(256);
		check_any(buf, n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors_simple),
		cmocka_unit_test(test_vectors_security),
		cmocka_unit_test(test_vectors_supplemental),
		cmocka_unit_test(test_vectors_threat),
		cmocka_unit_test(test_macrovector),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_nomenclature),
		cmocka_unit_test(test_supplemental),
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_longest),
		cmocka_unit_test(test_every_value),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_mutations),
	};
	return cmocka_run_group_tests_name("cvss4", tests, NULL, NULL);
}
