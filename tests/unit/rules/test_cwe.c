/* test_cwe.c - CWE lookups over the embedded MITRE catalogue (data/cwe/cwe.tsv). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/cwe.h"

static void test_known(void **state)
{
	struct cwe_entry e;

	(void)state;
	assert_int_equal(cwe_lookup(79, &e), 0);
	assert_int_equal(e.id, 79);
	assert_string_equal(e.name_en, "Improper Neutralization of Input During Web Page "
			    "Generation ('Cross-site Scripting')");
	assert_string_equal(e.kind, "weakness");
	assert_string_equal(e.status, "Stable");
	assert_string_equal(e.usage, "Allowed");
	assert_string_equal(e.name_zh, "");     /* no reviewed Chinese source yet */

	assert_int_equal(cwe_lookup(787, &e), 0);
	assert_string_equal(e.name_en, "Out-of-bounds Write");

	assert_int_equal(cwe_lookup(89, &e), 0);
	assert_string_equal(e.name_en, "Improper Neutralization of Special Elements used in an "
			    "SQL Command ('SQL Injection')");

	/* a category, and names with backslashes kept as they are */
	assert_int_equal(cwe_lookup(16, &e), 0);
	assert_string_equal(e.kind, "category");
	assert_string_equal(e.name_en, "Configuration");
	assert_int_equal(cwe_lookup(29, &e), 0);
	assert_string_equal(e.name_en, "Path Traversal: '\\..\\filename'");
}

static void test_unknown(void **state)
{
	struct cwe_entry e;

	(void)state;
	assert_int_equal(cwe_lookup(0, &e), -1);
	assert_int_equal(e.id, 0);
	assert_int_equal(cwe_lookup(-79, &e), -1);
	assert_int_equal(cwe_lookup(1500, &e), -1);    /* between 1426 and 2000 */
	assert_int_equal(cwe_lookup(2001, &e), -1);    /* past the last id */
	assert_int_equal(cwe_lookup(999999, &e), -1);
	assert_int_equal(cwe_lookup(2147483647, &e), -1);
	assert_false(cwe_valid(999999));
}

static void test_valid(void **state)
{
	struct cwe_entry e;

	(void)state;
	assert_true(cwe_valid(79));
	assert_true(cwe_valid(16));             /* obsolete category: exists, not deprecated */
	assert_int_equal(cwe_lookup(1, &e), 0);        /* the first row */
	assert_string_equal(e.status, "Deprecated");
	assert_false(cwe_valid(1));
	assert_int_equal(cwe_lookup(2000, &e), 0);     /* the last row */
	assert_string_equal(e.kind, "view");
}

static void test_parse(void **state)
{
	int id;

	(void)state;
	assert_int_equal(cwe_parse("CWE-79", &id), 0);
	assert_int_equal(id, 79);
	assert_int_equal(cwe_parse("cwe-787", &id), 0);
	assert_int_equal(id, 787);
	assert_int_equal(cwe_parse("89", &id), 0);
	assert_int_equal(id, 89);
	assert_int_equal(cwe_parse("CWE-", &id), -1);
	assert_int_equal(id, -1);
	assert_int_equal(cwe_parse("CWE79", &id), -1);
	assert_int_equal(cwe_parse("CWE-79x", &id), -1);
	assert_int_equal(cwe_parse("", &id), -1);
	assert_int_equal(cwe_parse("-1", &id), -1);
	assert_int_equal(cwe_parse("NVD-CWE-Other", &id), -1);
	assert_int_equal(cwe_parse("99999999999", &id), -1);
}

/* The "# rows: N" header line the converter wrote. */
static size_t declared_rows(void)
{
	const char *p = strstr(cwe_tsv, "\n# rows: ");

	assert_non_null(p);
	return (size_t)strtoul(p + strlen("\n# rows: "), NULL, 10);
}

static void test_count_and_order(void **state)
{
	const char *p = cwe_tsv;
	size_t n = 0, lines = 0;
	int prev = -1;

	(void)state;
	assert_int_equal(cwe_count(), declared_rows());
	assert_true(cwe_count() > 1000);
	/* every data row is found by its id, in strictly increasing order */
	while ((p = strchr(p, '\n')) != NULL && *++p) {
		struct cwe_entry e;
		int id;

		lines++;
		if (*p < '0' || *p > '9')
			continue;       /* the header lines */
		id = atoi(p);
		assert_true(id > prev);
		prev = id;
		assert_int_equal(cwe_lookup(id, &e), 0);
		assert_int_equal(e.id, id);
		assert_true(e.name_en[0] != '\0');
		n++;
	}
	assert_int_equal(n, cwe_count());
	assert_int_equal(lines, n + 2);         /* "# rows" and the column names */
}

static void test_provenance(void **state)
{
	char buf[512], tiny[8];

	(void)state;
	cwe_provenance(buf, sizeof(buf));
	assert_non_null(strstr(buf, "cwe-sdk@"));
	assert_non_null(strstr(buf, "MITRE CWE catalogue version"));
	assert_true(buf[0] != '#');
	cwe_provenance(tiny, sizeof(tiny));
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_count_and_order),
		cmocka_unit_test(test_provenance),
	};
	return cmocka_run_group_tests_name("cwe", tests, NULL, NULL);
}
