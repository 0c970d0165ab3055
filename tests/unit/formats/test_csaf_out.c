/* test_csaf_out.c - CSAF 2.0 exports of a bulletin: exact key fields, determinism, refusals.
 *
 * Every document made here is also written to $VULNFLOW_CSAF_EXPORT_DIR when set, for
 * tests/formats/validate_csaf_exports.py (strict schema) and tests/csaf/mandatory.mjs
 * (mandatory tests 6.1.x); see tests/run-all.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "formats/csaf_out.h"

#include "bulletin_fixture.h"

/* The member at a '/'-separated path ("vulnerabilities/0/cve"); NULL if absent. */
static json_t *at(json_t *root, const char *path)
{
	char buf[256], *save = NULL, *tok;
	json_t *v = root;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, "/", &save); tok != NULL && v != NULL;
	     tok = strtok_r(NULL, "/", &save)) {
		if (json_is_array(v))
			v = json_array_get(v, (size_t)strtoul(tok, NULL, 10));
		else
			v = json_object_get(v, tok);
	}
	return v;
}

static const char *str_at(json_t *root, const char *path)
{
	const char *s = json_string_value(at(root, path));

	if (s == NULL)
		fail_msg("no string at %s", path);
	return s;
}

/* The string array at path joined by ",". */
static void join_at(json_t *root, const char *path, char *out, size_t size)
{
	json_t *a = at(root, path), *v;
	size_t i;

	out[0] = '\0';
	assert_true(json_is_array(a));
	json_array_foreach(a, i, v) {
		size_t n = strlen(out);

		snprintf(out + n, size - n, "%s%s", i ? "," : "", json_string_value(v));
	}
}

static json_t *export_ok(const struct bulletin *b, const char *lang, int vex, const char *name)
{
	char *doc = NULL;
	size_t n = 0;
	struct err e = ERR_INIT;
	json_t *root;
	json_error_t je;

	if ((vex ? csaf_vex_export : csaf_export)(&doc, &n, b, lang, &e) < 0)
		fail_msg("export failed: %s", e.msg);
	assert_non_null(doc);
	assert_int_equal(n, strlen(doc));
	fixture_write("VULNFLOW_CSAF_EXPORT_DIR", name, doc, n);
	root = json_loads(doc, JSON_REJECT_DUPLICATES, &je);
	free(doc);
	if (root == NULL)
		fail_msg("not JSON: %s", je.text);
	return root;
}

static void test_document(void **state)
{
	struct bulletin b = fixture_bulletin();
	json_t *r = export_ok(&b, "en", 0, "vf-2026-0001.en.json");
	char ids[256];

	(void)state;
	assert_string_equal(str_at(r, "document/category"), "csaf_security_advisory");
	assert_string_equal(str_at(r, "document/csaf_version"), "2.0");
	assert_string_equal(str_at(r, "document/lang"), "en");
	assert_string_equal(str_at(r, "document/title"), "Stored XSS in the Acme Router web interface");
	assert_string_equal(str_at(r, "document/publisher/category"), "vendor");
	assert_string_equal(str_at(r, "document/publisher/name"), "Acme PSIRT");
	assert_string_equal(str_at(r, "document/publisher/namespace"), "https://psirt.example.cn");
	assert_string_equal(str_at(r, "document/distribution/tlp/label"), "WHITE");
	assert_string_equal(str_at(r, "document/aggregate_severity/text"), "MEDIUM");
	assert_string_equal(str_at(r, "document/notes/0/category"), "summary");
	assert_string_equal(str_at(r, "document/notes/0/text"),
			    "An attacker can store script in the **device name**.");
	assert_string_equal(str_at(r, "document/references/0/category"), "self");
	assert_string_equal(str_at(r, "document/references/0/url"),
			    "https://psirt.example.cn/advisories/VF-2026-0001");
	assert_string_equal(str_at(r, "document/references/1/category"), "external");
	/* tracking */
	assert_string_equal(str_at(r, "document/tracking/id"), "VF-2026-0001");
	assert_string_equal(str_at(r, "document/tracking/status"), "final");
	assert_string_equal(str_at(r, "document/tracking/version"), "2");
	assert_string_equal(str_at(r, "document/tracking/initial_release_date"), "2026-11-01T08:00:00Z");
	assert_string_equal(str_at(r, "document/tracking/current_release_date"), "2026-11-20T02:30:00Z");
	assert_int_equal(json_array_size(at(r, "document/tracking/revision_history")), 2);
	assert_string_equal(str_at(r, "document/tracking/revision_history/1/number"), "2");
	assert_string_equal(str_at(r, "document/tracking/revision_history/1/date"),
			    "2026-11-20T02:30:00Z");
	assert_string_equal(str_at(r, "document/tracking/generator/engine/name"), "vulnflow");
	assert_string_equal(str_at(r, "document/tracking/generator/engine/version"), "0.3");
	join_at(r, "document/tracking/aliases", ids, sizeof(ids));
	assert_string_equal(ids, "CNVD-2026-01234,CVE-2026-12345");
	json_decref(r);
}

static void test_product_tree(void **state)
{
	struct bulletin b = fixture_bulletin();
	json_t *r = export_ok(&b, "en", 0, "vf-2026-0001.tree.json");
	(void)state;
	assert_int_equal(json_array_size(at(r, "product_tree/branches")), 1);
	assert_string_equal(str_at(r, "product_tree/branches/0/category"), "vendor");
	assert_string_equal(str_at(r, "product_tree/branches/0/name"), "Acme");
	/* Router R1: 1.0, 1.1, 1.2 (added from fixed_in), 2.0; then Switch 3.0 */
	assert_string_equal(str_at(r, "product_tree/branches/0/branches/0/category"), "product_name");
	assert_string_equal(str_at(r, "product_tree/branches/0/branches/0/name"), "Router R1");
	assert_int_equal(json_array_size(at(r, "product_tree/branches/0/branches/0/branches")), 4);
	assert_string_equal(str_at(r, "product_tree/branches/0/branches/0/branches/0/category"),
			    "product_version");
	assert_string_equal(str_at(r, "product_tree/branches/0/branches/0/branches/0/name"), "1.0");
	assert_string_equal(str_at(r, "product_tree/branches/0/branches/0/branches/0/product/product_id"),
			    "CSAFPID-0001");
	assert_string_equal(str_at(r, "product_tree/branches/0/branches/0/branches/0/product/name"),
			    "Acme Router R1 1.0");
	assert_string_equal(str_at(r, "product_tree/branches/0/branches/0/branches/0/product/"
				      "product_identification_helper/purl"),
			    "pkg:generic/acme/router-r1@1.0");
	assert_string_equal(str_at(r, "product_tree/branches/0/branches/0/branches/2/name"), "1.2");
	assert_string_equal(str_at(r, "product_tree/branches/0/branches/0/branches/2/product/product_id"),
			    "CSAFPID-0003");
	assert_string_equal(str_at(r, "product_tree/branches/0/branches/1/name"), "Switch");
	assert_string_equal(str_at(r, "product_tree/branches/0/branches/1/branches/0/product/product_id"),
			    "CSAFPID-0005");
	assert_null(at(r, "product_tree/branches/0/branches/1/branches/0/product/"
			  "product_identification_helper"));
	json_decref(r);
}

static void test_vulnerability(void **state)
{
	struct bulletin b = fixture_bulletin();
	json_t *r = export_ok(&b, "en", 0, "vf-2026-0001.vuln.json");
	char ids[256];

	(void)state;
	assert_int_equal(json_array_size(at(r, "vulnerabilities")), 1);
	assert_string_equal(str_at(r, "vulnerabilities/0/cve"), "CVE-2026-12345");
	assert_string_equal(str_at(r, "vulnerabilities/0/cwe/id"), "CWE-79");
	assert_string_equal(str_at(r, "vulnerabilities/0/cwe/name"),
			    "Improper Neutralization of Input During Web Page Generation "
			    "('Cross-site Scripting')");
	assert_string_equal(str_at(r, "vulnerabilities/0/ids/0/system_name"), "Acme PSIRT");
	assert_string_equal(str_at(r, "vulnerabilities/0/ids/0/text"), "VF-2026-0001");
	assert_string_equal(str_at(r, "vulnerabilities/0/ids/1/system_name"), "CNVD");
	assert_int_equal(json_array_size(at(r, "vulnerabilities/0/ids")), 2);
	assert_string_equal(str_at(r, "vulnerabilities/0/notes/0/category"), "description");
	assert_string_equal(str_at(r, "vulnerabilities/0/notes/1/title"), "CVSS v4.0");
	assert_string_equal(str_at(r, "vulnerabilities/0/notes/1/text"),
			    "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N "
			    "(CVSS-B 5.1 Medium)");
	assert_string_equal(str_at(r, "vulnerabilities/0/notes/2/text"), "medium");
	/* product_status */
	join_at(r, "vulnerabilities/0/product_status/known_affected", ids, sizeof(ids));
	assert_string_equal(ids, "CSAFPID-0001,CSAFPID-0002");
	join_at(r, "vulnerabilities/0/product_status/fixed", ids, sizeof(ids));
	assert_string_equal(ids, "CSAFPID-0003");
	join_at(r, "vulnerabilities/0/product_status/known_not_affected", ids, sizeof(ids));
	assert_string_equal(ids, "CSAFPID-0004");
	join_at(r, "vulnerabilities/0/product_status/under_investigation", ids, sizeof(ids));
	assert_string_equal(ids, "CSAFPID-0005");
	/* remediations */
	assert_string_equal(str_at(r, "vulnerabilities/0/remediations/0/category"), "vendor_fix");
	assert_string_equal(str_at(r, "vulnerabilities/0/remediations/0/details"),
			    "Upgrade to firmware 1.2.");
	join_at(r, "vulnerabilities/0/remediations/0/product_ids", ids, sizeof(ids));
	assert_string_equal(ids, "CSAFPID-0001,CSAFPID-0002,CSAFPID-0003");
	assert_string_equal(str_at(r, "vulnerabilities/0/remediations/1/category"), "workaround");
	join_at(r, "vulnerabilities/0/remediations/1/product_ids", ids, sizeof(ids));
	assert_string_equal(ids, "CSAFPID-0001,CSAFPID-0002");
	/* scores: CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N = 5.4 MEDIUM */
	join_at(r, "vulnerabilities/0/scores/0/products", ids, sizeof(ids));
	assert_string_equal(ids, "CSAFPID-0001,CSAFPID-0002");
	assert_string_equal(str_at(r, "vulnerabilities/0/scores/0/cvss_v3/version"), "3.1");
	assert_string_equal(str_at(r, "vulnerabilities/0/scores/0/cvss_v3/vectorString"),
			    "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N");
	assert_string_equal(str_at(r, "vulnerabilities/0/scores/0/cvss_v3/attackVector"), "NETWORK");
	assert_string_equal(str_at(r, "vulnerabilities/0/scores/0/cvss_v3/scope"), "CHANGED");
	assert_string_equal(str_at(r, "vulnerabilities/0/scores/0/cvss_v3/userInteraction"),
			    "REQUIRED");
	assert_string_equal(str_at(r, "vulnerabilities/0/scores/0/cvss_v3/availabilityImpact"), "NONE");
	assert_true(json_real_value(at(r, "vulnerabilities/0/scores/0/cvss_v3/baseScore")) == 5.4);
	assert_string_equal(str_at(r, "vulnerabilities/0/scores/0/cvss_v3/baseSeverity"), "MEDIUM");
	assert_null(at(r, "vulnerabilities/0/scores/0/cvss_v3/temporalScore"));
	/* flags */
	assert_string_equal(str_at(r, "vulnerabilities/0/flags/0/label"), "vulnerable_code_not_present");
	join_at(r, "vulnerabilities/0/flags/0/product_ids", ids, sizeof(ids));
	assert_string_equal(ids, "CSAFPID-0004");
	assert_string_equal(str_at(r, "vulnerabilities/0/acknowledgments/0/names/0"), "Li Lei");
	assert_string_equal(str_at(r, "vulnerabilities/0/acknowledgments/0/organization"), "Example Lab");
	json_decref(r);
}

/* Temporal and environmental metrics: every sub-score computed by rules/cvss3. */
static void test_cvss_temporal_environmental(void **state)
{
	struct bulletin b = fixture_bulletin();
	json_t *r;

	(void)state;
	b.cvss3_vector = "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C/CR:H/MAV:L";
	r = export_ok(&b, "en", 0, "vf-2026-0001.cvss30.json");
	assert_string_equal(str_at(r, "vulnerabilities/0/scores/0/cvss_v3/version"), "3.0");
	assert_true(json_real_value(at(r, "vulnerabilities/0/scores/0/cvss_v3/baseScore")) == 9.8);
	assert_string_equal(str_at(r, "vulnerabilities/0/scores/0/cvss_v3/baseSeverity"), "CRITICAL");
	assert_string_equal(str_at(r, "vulnerabilities/0/scores/0/cvss_v3/exploitCodeMaturity"),
			    "PROOF_OF_CONCEPT");
	assert_string_equal(str_at(r, "vulnerabilities/0/scores/0/cvss_v3/remediationLevel"),
			    "OFFICIAL_FIX");
	assert_string_equal(str_at(r, "vulnerabilities/0/scores/0/cvss_v3/modifiedAttackVector"),
			    "LOCAL");
	assert_true(json_real_value(at(r, "vulnerabilities/0/scores/0/cvss_v3/temporalScore")) == 8.8);
	assert_string_equal(str_at(r, "vulnerabilities/0/scores/0/cvss_v3/temporalSeverity"), "HIGH");
	assert_true(json_real_value(at(r, "vulnerabilities/0/scores/0/cvss_v3/environmentalScore")) ==
		    7.6);
	assert_string_equal(str_at(r, "vulnerabilities/0/scores/0/cvss_v3/environmentalSeverity"),
			    "HIGH");
	/* the score vulnflow shows is the environmental one (rules/cvss.h): 7.6 HIGH */
	assert_string_equal(str_at(r, "document/aggregate_severity/text"), "HIGH");
	json_decref(r);
}

static void test_vex_and_language(void **state)
{
	struct bulletin b = fixture_bulletin();
	json_t *r = export_ok(&b, "zh-CN", 1, "vf-2026-0001.vex.zh.json");

	(void)state;
	assert_string_equal(str_at(r, "document/category"), "csaf_vex");
	assert_string_equal(str_at(r, "document/lang"), "zh-CN");
	assert_string_equal(str_at(r, "document/title"), "Acme 路由器 Web 界面存储型 XSS 漏洞");
	assert_string_equal(str_at(r, "vulnerabilities/0/remediations/0/details"), "升级到固件 1.2。");
	/* no Chinese workaround text: the English one */
	assert_string_equal(str_at(r, "vulnerabilities/0/remediations/1/details"),
			    "Restrict access to the web UI.");
	json_decref(r);
	/* lang NULL: the bulletin's own language */
	b.lang = "zh-CN";
	r = export_ok(&b, NULL, 0, "vf-2026-0001.default.json");
	assert_string_equal(str_at(r, "document/lang"), "zh-CN");
	json_decref(r);
}

static void test_draft(void **state)
{
	struct bulletin b = fixture_bulletin();
	json_t *r;

	(void)state;
	b.status = "draft";
	r = export_ok(&b, "en", 0, "vf-2026-0001.draft.json");
	assert_string_equal(str_at(r, "document/tracking/status"), "draft");
	assert_string_equal(str_at(r, "document/tracking/version"), "0");
	assert_int_equal(json_array_size(at(r, "document/tracking/revision_history")), 1);
	assert_string_equal(str_at(r, "document/tracking/revision_history/0/number"), "0");
	json_decref(r);
}

/* A version that reads as a range is a product_version_range (6.1.31); only
 * under-investigation products and no CVSS: no scores, no remediation needed. */
static void test_ranges_and_minimal(void **state)
{
	static const struct bulletin_product prods[] = {
		{ .vendor = "Beta", .name = "Gateway", .version = "vers:generic/<4.2",
		  .status = BULLETIN_UNDER_INVESTIGATION },
		{ .vendor = "Beta", .name = "Gateway", .version = "all versions before 2.0",
		  .status = BULLETIN_UNDER_INVESTIGATION },
	};
	struct bulletin b = fixture_bulletin();
	json_t *r;

	(void)state;
	b.products = prods;
	b.nproducts = 2;
	b.cvss3_vector = NULL;
	b.cvss4_vector = NULL;
	b.remediation.v[BULLETIN_EN] = b.remediation.v[BULLETIN_ZH] = NULL;
	b.workarounds.v[BULLETIN_EN] = NULL;
	b.cve = NULL;
	b.cwe_id = NULL;
	r = export_ok(&b, "en", 1, "vf-2026-0001.minimal.json");
	assert_string_equal(str_at(r, "product_tree/branches/0/branches/0/branches/0/category"),
			    "product_version_range");
	assert_string_equal(str_at(r, "product_tree/branches/0/branches/0/branches/0/name"),
			    "all versions before 2.0");
	assert_string_equal(str_at(r, "product_tree/branches/0/branches/0/branches/1/category"),
			    "product_version_range");
	assert_null(at(r, "vulnerabilities/0/scores"));
	assert_null(at(r, "vulnerabilities/0/remediations"));
	assert_null(at(r, "vulnerabilities/0/cve"));
	assert_null(at(r, "document/aggregate_severity"));
	json_decref(r);
}

/* The same bulletin with its products in another order: the same bytes. */
static void test_deterministic(void **state)
{
	struct bulletin b = fixture_bulletin();
	struct bulletin_product rev[sizeof(fix_products) / sizeof(fix_products[0])];
	char *d1 = NULL, *d2 = NULL, *d3 = NULL;
	size_t n1, n2, n3;
	struct err e = ERR_INIT;

	(void)state;
	for (size_t i = 0; i < b.nproducts; i++)
		rev[i] = fix_products[b.nproducts - 1 - i];
	assert_int_equal(csaf_export(&d1, &n1, &b, "en", &e), 0);
	assert_int_equal(csaf_export(&d2, &n2, &b, "en", &e), 0);
	b.products = rev;
	assert_int_equal(csaf_export(&d3, &n3, &b, "en", &e), 0);
	assert_int_equal(n1, n2);
	assert_int_equal(n1, n3);
	assert_memory_equal(d1, d2, n1);
	assert_memory_equal(d1, d3, n1);
	free(d1);
	free(d2);
	free(d3);
}

static void refused(const struct bulletin *b, const char *lang, const char *want)
{
	char *doc = (char *)"x";
	size_t n = 7;
	struct err e = ERR_INIT;

	assert_int_equal(csaf_export(&doc, &n, b, lang, &e), -1);
	assert_null(doc);
	assert_int_equal(e.code, ERR_INVALID);
	if (strstr(e.msg, want) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", e.msg, want);
}

static void test_refusals(void **state)
{
	static const struct bulletin_product no_just[] = {
		{ .vendor = "A", .name = "B", .version = "1", .status = BULLETIN_NOT_AFFECTED },
	};
	static const struct bulletin_product contra[] = {
		{ .vendor = "A", .name = "B", .version = "1", .status = BULLETIN_AFFECTED },
		{ .vendor = "A", .name = "B", .version = "1", .status = BULLETIN_FIXED },
	};
	static const struct bulletin_product bad_purl[] = {
		{ .vendor = "A", .name = "B", .version = "1", .purl = "pkg:maven/x",
		  .status = BULLETIN_AFFECTED },
	};
	static const struct bulletin_revision gap[] = {
		{ .number = 1, .date_us = FIX_T1 }, { .number = 3, .date_us = FIX_T2 },
	};
	static const struct bulletin_revision backwards[] = {
		{ .number = 1, .date_us = FIX_T2 }, { .number = 2, .date_us = FIX_T1 },
	};
	struct bulletin b;

	(void)state;
	b = fixture_bulletin();
	b.remediation.v[BULLETIN_EN] = b.remediation.v[BULLETIN_ZH] = NULL;
	refused(&b, "en", "no remediation");
	b = fixture_bulletin();
	b.products = no_just;
	b.nproducts = 1;
	refused(&b, "en", "justification");
	b = fixture_bulletin();
	b.products = contra;
	b.nproducts = 2;
	refused(&b, "en", "contradicting statuses");
	b = fixture_bulletin();
	b.products = bad_purl;
	b.nproducts = 1;
	refused(&b, "en", "pkg:maven/x");
	b = fixture_bulletin();
	b.revisions = gap;
	refused(&b, "en", "revision 2");
	b = fixture_bulletin();
	b.revisions = backwards;
	refused(&b, "en", "revision 2");
	b = fixture_bulletin();
	refused(&b, "fr", "lang \"fr\"");
	b.cve = "CVE-26-1";
	refused(&b, "en", "cve \"CVE-26-1\"");
	b = fixture_bulletin();
	b.cvss3_vector = "CVSS:3.1/AV:N";
	refused(&b, "en", "cvss3_vector");
	b = fixture_bulletin();
	b.cwe_id = "CWE-999999";
	refused(&b, "en", "not in the CWE catalogue");
	b = fixture_bulletin();
	b.nproducts = 0;
	refused(&b, "en", "no products");
	b = fixture_bulletin();
	b.title.v[0] = b.title.v[1] = NULL;
	refused(&b, "en", "no title");
	b = fixture_bulletin();
	b.publisher_namespace = "psirt";
	refused(&b, "en", "namespace");
	b = fixture_bulletin();
	b.tlp = "CLEAR";
	refused(&b, "en", "tlp \"CLEAR\"");
	b = fixture_bulletin();
	b.status = "published";
	refused(&b, "en", "status \"published\"");
	/* invalid UTF-8 anywhere, even in the language not exported */
	b = fixture_bulletin();
	b.summary.v[BULLETIN_ZH] = "\xe4\xb8";
	refused(&b, "en", "bulletin field \"text\" is not UTF-8");
	b = fixture_bulletin();
	b.credits = (const struct bulletin_credit[]){ { .name = "\xed\xa0\x80" } };
	refused(&b, "en", "credits.name");
	b = fixture_bulletin();
	b.products = (const struct bulletin_product[]){ { .vendor = "A", .name = "B",
							  .version = "\xc0\xaf",
							  .status = BULLETIN_AFFECTED } };
	b.nproducts = 1;
	refused(&b, "en", "products.version");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_document),
		cmocka_unit_test(test_product_tree),
		cmocka_unit_test(test_vulnerability),
		cmocka_unit_test(test_cvss_temporal_environmental),
		cmocka_unit_test(test_vex_and_language),
		cmocka_unit_test(test_draft),
		cmocka_unit_test(test_ranges_and_minimal),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
