/* test_cvss3.c - CVSS 3.0 and 3.1: the shared vector files, spec edge cases, errors, fuzz. */
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
#include "rules/cvss3.h"

/*
 * The vector files live in shared/data/cvss/, beside the repository: at
 * $VULNFLOW_SHARED_DATA/cvss/ if that is set, else <repo>/../shared/data/cvss/,
 * the repository found from __FILE__ (absolute, or relative to the build
 * directory, which is either the working directory or two levels above this
 * binary, <build>/tests/test_cvss3).
 */
#define THIS_FILE "tests/unit/rules/test_cvss3.c"

static char data_dir[4096];

static int try_dir(const char *root, const char *rel)
{
	char probe[sizeof(data_dir) + 32];

	if (snprintf(data_dir, sizeof(data_dir), "%s%s", root, rel) >= (int)sizeof(data_dir))
		return 0;
	if (snprintf(probe, sizeof(probe), "%svectors_simple31", data_dir) >= (int)sizeof(probe))
		return 0;
	return access(probe, R_OK) == 0;
}

static const char *find_data_dir(void)
{
	const char *env = getenv("VULNFLOW_SHARED_DATA");
	size_t flen = strlen(__FILE__), tlen = strlen(THIS_FILE);
	char root[1024] = "", exe[1024], prefix[2100];
	ssize_t n;

	if (env != NULL && env[0] != '\0')
		return try_dir(env, "/cvss/") ? data_dir : NULL;
	if (flen >= tlen && strcmp(&__FILE__[flen - tlen], THIS_FILE) == 0 &&
	    snprintf(root, sizeof(root), "%.*s", (int)(flen - tlen), __FILE__) >= (int)sizeof(root))
		root[0] = '\0';
	if (try_dir(root, "../shared/data/cvss/"))
		return data_dir;
	if (root[0] == '/')
		return NULL;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	if (strrchr(exe, '/') == NULL)
		return NULL;
	*strrchr(exe, '/') = '\0';	/* <build>/tests */
	if (snprintf(prefix, sizeof(prefix), "%s/../%s", exe, root) >= (int)sizeof(prefix))
		return NULL;
	return try_dir(prefix, "../shared/data/cvss/") ? data_dir : NULL;
}

/* Score exactly len bytes from a heap copy of that size, so a read past the
 * end is caught by ASan. */
static int score_exact(const char *s, size_t len, struct cvss_result *r, struct err *e)
{
	char *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, s, len);
	memset(r, 0, sizeof(*r));
	rc = cvss3_score(copy, len, r, e);
	free(copy);
	return rc;
}

static int tenths(const char *s)
{
	return (int)(strtod(s, NULL) * 10 + 0.5);
}

/* Score every line "VECTOR - (base, temporal, environmental)" of one file;
 * return the number of lines. */
static int run_file(const char *name, enum cvss_version version)
{
	char path[sizeof(data_dir) + 64], line[1024];
	const char *dir = find_data_dir();
	int lines = 0, bad = 0;
	FILE *f;

	if (dir == NULL)
		fail_msg("shared/data/cvss not found (set VULNFLOW_SHARED_DATA)");
	snprintf(path, sizeof(path), "%s%s", dir, name);
	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		char *sep = strstr(line, " - (");
		struct cvss_result r, again;
		struct err e = ERR_INIT;
		int b, t, env;

		if (sep == NULL)
			fail_msg("%s:%d: no \" - (\" in line", name, lines + 1);
		lines++;
		b = tenths(sep + 4);
		t = tenths(strchr(sep, ',') + 1);
		env = tenths(strrchr(sep, ',') + 1);
		if (score_exact(line, (size_t)(sep - line), &r, &e) < 0) {
			print_error("%s:%d: %s\n", name, lines, e.msg);
			bad++;
			continue;
		}
		if (r.version != version || r.base != b || r.temporal != t || r.environmental != env) {
			if (bad++ < 10)
				print_error("%s:%d: %.*s: want %d %d %d, got %d %d %d\n", name, lines,
					    (int)(sep - line), line, b, t, env, r.base, r.temporal,
					    r.environmental);
			continue;
		}
		/* the normalised vector scores the same and normalises to itself */
		if (score_exact(r.vector, strlen(r.vector), &again, &e) < 0 ||
		    again.environmental != env || again.temporal != t ||
		    strcmp(again.vector, r.vector) != 0) {
			print_error("%s:%d: normalised %s does not round-trip\n", name, lines, r.vector);
			bad++;
		}
	}
	fclose(f);
	assert_int_equal(bad, 0);
	return lines;
}

static void test_file_simple31(void **state)
{
	(void)state;
	assert_int_equal(run_file("vectors_simple31", CVSS_V31), 2592);
}

static void test_file_simple3(void **state)
{
	(void)state;
	assert_int_equal(run_file("vectors_simple3", CVSS_V30), 2592);
}

static void test_file_cvsslib3(void **state)
{
	(void)state;
	assert_int_equal(run_file("vectors_cvsslib3", CVSS_V30), 29);
}

static void test_file_calculator3(void **state)
{
	(void)state;
	assert_int_equal(run_file("vectors_calculator3", CVSS_V30), 2);
}

static void score_ok(const char *v, struct cvss_result *r)
{
	struct err e = ERR_INIT;

	if (score_exact(v, strlen(v), r, &e) < 0)
		fail_msg("%s: %s", v, e.msg);
}

/* The metrics and values of the specification's vector string table (3.1 and
 * 3.0 alike), transcribed here independently of cvss3.c; the first 8 are
 * the base metrics. */
static const struct {
	const char *name, *values;
} spec[] = {
	{ "AV", "NALP" }, { "AC", "LH" },     { "PR", "NLH" },	   { "UI", "NR" },
	{ "S", "UC" },	  { "C", "HLN" },     { "I", "HLN" },	   { "A", "HLN" },
	{ "E", "XUPFH" }, { "RL", "XOTWU" },  { "RC", "XURC" },	   { "CR", "XLMH" },
	{ "IR", "XLMH" }, { "AR", "XLMH" },   { "MAV", "XNALP" }, { "MAC", "XLH" },
	{ "MPR", "XNLH" }, { "MUI", "XNR" },  { "MS", "XUC" },	   { "MC", "XNLH" },
	{ "MI", "XNLH" }, { "MA", "XNLH" },
};

#define NSPEC (int)(sizeof(spec) / sizeof(spec[0]))

/* A plain reference for what is valid: prefix, then NAME:V components. */
static int ref_valid(const char *s, size_t len)
{
	int seen[NSPEC] = { 0 };
	size_t i = 9;

	if (len < 10 || (memcmp(s, "CVSS:3.1/", 9) != 0 && memcmp(s, "CVSS:3.0/", 9) != 0))
		return 0;
	for (;;) {
		size_t j = i, colon;
		int k;

		while (j < len && s[j] != '/')
			j++;
		for (colon = i; colon < j && s[colon] != ':'; colon++)
			;
		if (colon + 2 != j)	/* one value letter */
			return 0;
		for (k = 0; k < NSPEC; k++)
			if (strlen(spec[k].name) == colon - i &&
			    memcmp(spec[k].name, s + i, colon - i) == 0)
				break;
		if (k == NSPEC || seen[k] || s[j - 1] == '\0' || !strchr(spec[k].values, s[j - 1]))
			return 0;
		seen[k] = 1;
		if (j == len)
			break;
		i = j + 1;
	}
	for (int k = 0; k < 8; k++)
		if (!seen[k])
			return 0;
	return 1;
}

/* Every value of every metric is accepted and normalised back; X is left out;
 * a lowercase letter is refused. */
static void test_every_value(void **state)
{
	static const char base[] = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
	char v[128], comp[16];
	struct cvss_result r;
	struct err e = ERR_INIT;

	(void)state;
	for (int k = 0; k < NSPEC; k++) {
		for (const char *val = spec[k].values; *val; val++) {
			snprintf(comp, sizeof(comp), "/%s:%c", spec[k].name, *val);
			if (k < 8) {
				/* replace the base metric's value */
				char *at;

				snprintf(v, sizeof(v), "%s", base);
				at = strstr(v, comp);
				if (at == NULL) {
					snprintf(comp, sizeof(comp), "/%s:", spec[k].name);
					at = strstr(v, comp);
					assert_non_null(at);
					at[strlen(comp)] = *val;
					snprintf(comp, sizeof(comp), "/%s:%c", spec[k].name, *val);
				}
			} else {
				snprintf(v, sizeof(v), "%s%s", base, comp);
			}
			score_ok(v, &r);
			if (*val == 'X')
				assert_string_equal(r.vector, base);
			else if (strstr(r.vector, comp) == NULL)
				fail_msg("%s normalised to %s", v, r.vector);
			/* a lowercase letter is no value */
			v[strlen(v) - 1] = (char)(*val | 0x20);
			if (k >= 8 || strcmp(spec[k].name, "A") == 0)
				assert_int_equal(score_exact(v, strlen(v), &r, &e), -1);
		}
	}
}

/* The examples of FIRST's "CVSS v3.1: Examples" document (base scores). */
static void test_spec_examples(void **state)
{
	static const struct {
		const char *cve, *vector;
		int base;
	} ex[] = {
		{ "CVE-2013-1937", "AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 61 },
		{ "CVE-2013-0375", "AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 64 },
		{ "CVE-2014-3566", "AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 31 },
		{ "CVE-2012-1516", "AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 99 },
		{ "CVE-2009-0783", "AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L", 42 },
		{ "CVE-2012-0384", "AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 88 },
		{ "CVE-2015-1098", "AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 78 },
		{ "CVE-2014-0160", "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 75 },
		{ "CVE-2014-6271", "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 98 },
		{ "CVE-2008-1447", "AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N", 68 },
		{ "CVE-2014-2005", "AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 68 },
		{ "CVE-2010-0467", "AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N", 58 },
		{ "CVE-2012-1342", "AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:L/A:N", 58 },
		{ "CVE-2013-6014", "AV:A/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:H", 93 },
		{ "CVE-2014-9253", "AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N", 54 },
		{ "CVE-2011-1265", "AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 88 },
		{ "CVE-2014-2019", "AV:P/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N", 46 },
		{ "CVE-2015-0970", "AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 88 },
		{ "CVE-2014-0224", "AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N", 74 },
		{ "CVE-2012-5376", "AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", 96 },
	};
	char v[128];
	struct cvss_result r;

	(void)state;
	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		snprintf(v, sizeof(v), "CVSS:3.1/%s", ex[i].vector);
		score_ok(v, &r);
		if (r.base != ex[i].base)
			fail_msg("%s %s: base %d, want %d", ex[i].cve, v, r.base, ex[i].base);
		assert_int_equal(r.score, ex[i].base);
		assert_string_equal(r.vector, v);
	}
}

/* Every field of a full result, including sub-scores and severity. */
static void test_fields(void **state)
{
	struct cvss_result r;

	(void)state;
	score_ok("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", &r);
	assert_int_equal(r.version, CVSS_V31);
	assert_int_equal(r.base, 98);
	assert_int_equal(r.temporal, 98);
	assert_int_equal(r.environmental, 98);
	assert_int_equal(r.impact, 59);		/* 6.42 * 0.914816 = 5.873 */
	assert_int_equal(r.exploitability, 39);	/* 8.22 * .85 * .77 * .85 * .85 = 3.887 */
	assert_int_equal(r.modified_impact, 59);
	assert_int_equal(r.has_temporal, 0);
	assert_int_equal(r.has_environmental, 0);
	assert_int_equal(r.score, 98);
	assert_string_equal(r.severity, "Critical");
	assert_string_equal(r.nomenclature, "");
	assert_string_equal(r.macrovector, "");

	/* the temporal score is shown once a temporal metric is set */
	score_ok("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:R", &r);
	assert_int_equal(r.temporal, 82);	/* 9.8 * .91 * .95 * .96 = 8.13..., up */
	assert_int_equal(r.has_temporal, 1);
	assert_int_equal(r.score, 82);
	assert_string_equal(r.severity, "High");

	/* X everywhere sets nothing */
	score_ok("CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N/E:X/RL:X/RC:X/CR:X/MAV:X/MS:X", &r);
	assert_int_equal(r.version, CVSS_V30);
	assert_int_equal(r.has_temporal, 0);
	assert_int_equal(r.has_environmental, 0);
	assert_int_equal(r.score, r.base);
	assert_string_equal(r.vector, "CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N");
	assert_string_equal(r.severity, "Low");
}

/* C:N/I:N/A:N scores 0.0 whatever the scope (with S:C the impact is negative). */
static void test_no_impact(void **state)
{
	static const char *const v[] = {
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:N",
		"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:N/E:H/CR:H",
	};
	struct cvss_result r;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		score_ok(v[i], &r);
		assert_int_equal(r.base, 0);
		assert_int_equal(r.temporal, 0);
		assert_int_equal(r.environmental, 0);
		assert_int_equal(r.impact, 0);
		assert_int_equal(r.score, 0);
		assert_string_equal(r.severity, "None");
	}
}

/* Roundup: a double a hair above a tenth is that tenth; a real excess rounds up. */
static void test_roundup(void **state)
{
	struct cvss_result r;

	(void)state;
	/* 5.0 * 0.92 = 4.6000000000000005 in doubles: 4.6, not 4.7 */
	score_ok("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:N/A:N/RC:U", &r);
	assert_int_equal(r.base, 50);
	assert_int_equal(r.temporal, 46);
	/* 10.0 * 0.92 = 9.200000000000001: 3.0's Round up is exact too (9.2) */
	score_ok("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H/RC:U", &r);
	assert_int_equal(r.base, 100);
	assert_int_equal(r.temporal, 92);
	/* 4.3 * 0.94 = 4.042: rounds up to 4.1 */
	score_ok("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:N/A:N/E:P", &r);
	assert_int_equal(r.base, 43);
	assert_int_equal(r.temporal, 41);
	/* 1.08 * (6.048 + 3.887) = 10.7: capped at 10.0 */
	score_ok("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", &r);
	assert_int_equal(r.base, 100);
}

/* With S:C, 3.1's environmental formula differs from the base one, so the
 * environmental score differs from the base score with no modified metric;
 * 3.0's does not.  MS:X inherits S, and MPR's weight follows MS. */
static void test_scope_changed(void **state)
{
	struct cvss_result r;

	(void)state;
	score_ok("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", &r);
	assert_int_equal(r.base, 99);
	assert_int_equal(r.environmental, 100);
	assert_int_equal(r.modified_impact, 61);
	assert_int_equal(r.impact, 60);
	assert_int_equal(r.has_environmental, 0);
	assert_int_equal(r.score, 99);

	score_ok("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H/MS:X/MPR:X", &r);
	assert_int_equal(r.environmental, 100);
	assert_int_equal(r.score, 99);

	score_ok("CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", &r);
	assert_int_equal(r.base, 99);
	assert_int_equal(r.environmental, 99);

	/* S:U with MS:C: PR:L now weighs 0.68, as with S:C */
	score_ok("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H/MS:C", &r);
	assert_int_equal(r.base, 88);
	assert_int_equal(r.environmental, 100);
	assert_int_equal(r.has_environmental, 1);
	assert_int_equal(r.score, 100);
	/* S:C with MS:U: the modified scope wins */
	score_ok("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H/MS:U", &r);
	assert_int_equal(r.environmental, 88);

	/* MISS is capped at 0.915: CR/IR/AR:H with C/I/A:H */
	score_ok("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/CR:H/IR:H/AR:H", &r);
	assert_int_equal(r.modified_impact, 59);	/* 6.42 * 0.915 = 5.874 */
	assert_int_equal(r.environmental, 98);
}

/* The normalised vector: base metrics first, then the specification's order, no X. */
static void test_normalised(void **state)
{
	struct cvss_result r;

	(void)state;
	score_ok("CVSS:3.0/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X", &r);
	assert_string_equal(r.vector, "CVSS:3.0/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:N/E:F");
	assert_int_equal(r.base, 38);
	assert_int_equal(r.temporal, 37);
	assert_int_equal(r.score, 37);

	score_ok("CVSS:3.1/MA:H/CR:L/MPR:X/E:P/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/RL:X/MAV:A/RC:C",
		 &r);
	assert_string_equal(r.vector,
			    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RC:C/CR:L/MAV:A/MA:H");

	score_ok("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:C/C:N/I:N/A:L/E:U/RL:U/RC:U/CR:H/IR:M/AR:L/"
		 "MAV:L/MAC:H/MPR:H/MUI:R/MS:U/MC:H/MI:L/MA:N",
		 &r);
	assert_string_equal(r.vector,
			    "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:C/C:N/I:N/A:L/E:U/RL:U/RC:U/CR:H/IR:M/"
			    "AR:L/MAV:L/MAC:H/MPR:H/MUI:R/MS:U/MC:H/MI:L/MA:N");
}

/* The dispatcher hands both 3.x prefixes here. */
static void test_dispatch(void **state)
{
	static const char v[] = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N";
	struct cvss_result r;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(cvss_score(v, sizeof(v) - 1, &r, &e), 0);
	assert_int_equal(r.version, CVSS_V31);
	assert_int_equal(r.score, 75);
	assert_string_equal(r.severity, "High");
}

static void expect_invalid(const char *v, size_t len, const char *msg)
{
	struct cvss_result r;
	struct err e = ERR_INIT;

	if (score_exact(v, len, &r, &e) == 0)
		fail_msg("%.*s: accepted, want \"%s\"", (int)len, v, msg);
	assert_int_equal(e.code, ERR_INVALID);
	if (strcmp(e.msg, msg) != 0)
		fail_msg("%.*s: error \"%s\", want \"%s\"", (int)len, v, e.msg, msg);
}

#define INVALID(v, msg) expect_invalid(v, strlen(v), msg)
#define BASE31 "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"

static void test_invalid(void **state)
{
	static const char nul_inside[] = "CVSS:3.1/AV:N\0/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
	static const char nul_after[] = BASE31;
	char long_vec[700], want[256];

	(void)state;
	INVALID("", "vector is empty");
	INVALID("CVSS:3.1/", "vector has no metrics after \"CVSS:3.1/\"");
	INVALID("CVSS:3.1", "vector does not start with \"CVSS:3.0/\" or \"CVSS:3.1/\"");
	INVALID("CVSS:3.2/AV:N", "vector does not start with \"CVSS:3.0/\" or \"CVSS:3.1/\"");
	INVALID("cvss:3.1/AV:N", "vector does not start with \"CVSS:3.0/\" or \"CVSS:3.1/\"");
	INVALID("AV:N/AC:L/Au:N/C:P/I:P/A:P",
		"vector does not start with \"CVSS:3.0/\" or \"CVSS:3.1/\"");
	INVALID(BASE31 "/", "trailing \"/\"");
	INVALID("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "metric \"A\" is missing");
	INVALID("CVSS:3.1/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "metric \"AV\" is missing");
	INVALID("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H/E:X", "metric \"S\" is missing");
	INVALID(BASE31 "/AV:N", "duplicate metric \"AV\"");
	INVALID(BASE31 "/E:X/E:X", "duplicate metric \"E\"");
	INVALID(BASE31 "/MS:C/MS:U", "duplicate metric \"MS\"");
	INVALID("CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "unknown value \"Q\" for metric \"AV\"");
	INVALID("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "unknown value \"X\" for metric \"AV\"");
	INVALID("CVSS:3.1/AV:NN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		"unknown value \"NN\" for metric \"AV\"");
	INVALID("CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "unknown value \"n\" for metric \"AV\"");
	INVALID("CVSS:3.1/AV:N/AC:L/PR:U/UI:N/S:U/C:H/I:H/A:H", "unknown value \"U\" for metric \"PR\"");
	INVALID(BASE31 "/E:Z", "unknown value \"Z\" for metric \"E\"");
	INVALID(BASE31 "/MPR:P", "unknown value \"P\" for metric \"MPR\"");
	INVALID("CVSS:3.1/av:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "unknown metric \"av\"");
	INVALID(BASE31 "/XX:N", "unknown metric \"XX\"");
	INVALID(BASE31 "/Au:N", "unknown metric \"Au\"");
	INVALID(BASE31 "/AT:N", "unknown metric \"AT\"");
	INVALID(BASE31 "/:N", "unknown metric \"\"");
	INVALID("CVSS:3.1/AV:/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "metric \"AV\" has no value");
	INVALID("CVSS:3.1/AV:N/AC:L/junk", "malformed component \"junk\", expected \"metric:value\"");
	INVALID("CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "empty component at byte 14");
	INVALID("CVSS:3.1//AV:N", "empty component at byte 9");
	INVALID(BASE31 " ", "unknown value \"H \" for metric \"A\"");
	INVALID(BASE31 "/E:P\"x", "unknown value \"P\\x22x\" for metric \"E\"");
	/* len is authoritative: an embedded or counted NUL is a byte like any other */
	expect_invalid(nul_inside, sizeof(nul_inside) - 1, "unknown value \"N\\x00\" for metric \"AV\"");
	expect_invalid(nul_after, sizeof(nul_after), "unknown value \"H\\x00\" for metric \"A\"");
	/* and a shorter len cuts the vector */
	expect_invalid(BASE31, strlen(BASE31) - 2,
		       "malformed component \"A\", expected \"metric:value\"");
	memset(long_vec, 'A', sizeof(long_vec));
	memcpy(long_vec, BASE31, strlen(BASE31));
	expect_invalid(long_vec, CVSS_VECTOR_MAX + 1, "vector is too long (513 bytes, at most 512)");
	/* a long junk value is quoted, cut, in the message */
	memset(long_vec, 'A', sizeof(long_vec));
	memcpy(long_vec, "CVSS:3.1/AV:", 12);
	snprintf(want, sizeof(want), "unknown value \"%.56s...\" for metric \"AV\"", long_vec + 12);
	expect_invalid(long_vec, 300, want);
}

/* Random bytes and mutated vectors: every outcome is a score or ERR_INVALID
 * with a message, and every accepted vector round-trips. */
static void test_fuzz(void **state)
{
	static const char base[] =
		"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:L/A:N/E:P/RL:T/RC:R/CR:H/IR:M/AR:L/"
		"MAV:A/MAC:H/MPR:N/MUI:R/MS:U/MC:L/MI:H/MA:X";
	static const char alphabet[] = "CVSS:3.10/AVNLPHRUXECMITOWFSB\0\xff";
	uint64_t x = 0x2545F4914F6CDD1Dull;
	char buf[sizeof(base) + 8];
	int accepted = 0;

	(void)state;
	for (int iter = 0; iter < 200000; iter++) {
		struct cvss_result r, again;
		struct err e = ERR_INIT;
		size_t len = sizeof(base) - 1;
		int edits;

		memcpy(buf, base, len);
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		edits = (int)(x % 4);
		for (int k = 0; k < edits; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			buf[(x >> 8) % len] = alphabet[(x >> 40) % (sizeof(alphabet) - 1)];
		}
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		if (x % 3 == 0) {
			len = (size_t)(x >> 20) % (len + 1);
		} else if (x % 3 == 1) {
			/* insert a byte */
			size_t at = (size_t)(x >> 20) % (len + 1);

			memmove(buf + at + 1, buf + at, len - at);
			buf[at] = alphabet[(x >> 40) % (sizeof(alphabet) - 1)];
			len++;
		}
		if (score_exact(buf, len, &r, &e) < 0) {
			assert_int_equal(e.code, ERR_INVALID);
			assert_true(e.msg[0] != '\0');
			if (ref_valid(buf, len))
				fail_msg("refused a valid vector: %s", e.msg);
			continue;
		}
		if (!ref_valid(buf, len))
			fail_msg("accepted an invalid vector (%zu bytes): %s", len, r.vector);
		accepted++;
		assert_in_range(r.score, 0, 100);
		assert_non_null(r.severity);
		assert_int_equal(score_exact(r.vector, strlen(r.vector), &again, &e), 0);
		assert_int_equal(again.score, r.score);
		assert_string_equal(again.vector, r.vector);
	}
	assert_true(accepted > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_simple31),
		cmocka_unit_test(test_file_simple3),
		cmocka_unit_test(test_file_cvsslib3),
		cmocka_unit_test(test_file_calculator3),
		cmocka_unit_test(test_every_value),
		cmocka_unit_test(test_spec_examples),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_no_impact),
		cmocka_unit_test(test_roundup),
		cmocka_unit_test(test_scope_changed),
		cmocka_unit_test(test_normalised),
		cmocka_unit_test(test_dispatch),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_fuzz),
	};
	return cmocka_run_group_tests_name("cvss3", tests, NULL, NULL);
}
