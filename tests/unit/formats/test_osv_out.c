/* test_osv_out.c - OSV exports of a bulletin: id form, affected[] from components, severity.
 *
 * Records are also written to $VULNFLOW_CSAF_EXPORT_DIR as *.osv.json when set, for
 * tests/formats/validate_csaf_exports.py (osv_schema.json).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "formats/osv_out.h"

#include "bulletin_fixture.h"

static json_t *at(json_t *root, const char *path)
{
	char buf[256], *save = NULL, *tok;
	json_t *v = root;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, "/", &save); tok != NULL && v != NULL;
	     tok = strtok_r(NULL, "/", &save))
		v = json_is_array(v) ? json_array_get(v, (size_t)strtoul(tok, NULL, 10)) :
				       json_object_get(v, tok);
	return v;
}

static const char *str_at(json_t *root, const char *path)
{
	const char *s = json_string_value(at(root, path));

	if (s == NULL)
		fail_msg("no string at %s", path);
	return s;
}

static json_t *export_ok(const struct bulletin *b, const char *lang, const char *name)
{
	char *doc = NULL;
	size_t n = 0;
	struct err e = ERR_INIT;
	json_t *root;
	json_error_t je;

	if (osv_export(&doc, &n, b, lang, &e) < 0)
		fail_msg("export failed: %s", e.msg);
	assert_int_equal(n, strlen(doc));
	fixture_write("VULNFLOW_CSAF_EXPORT_DIR", name, doc, n);
	root = json_loads(doc, JSON_REJECT_DUPLICATES, &je);
	free(doc);
	if (root == NULL)
		fail_msg("not JSON: %s", je.text);
	return root;
}

static void test_record(void **state)
{
	struct bulletin b = fixture_bulletin();
	json_t *r = export_ok(&b, "en", "vf-2026-0001.osv.json");

	(void)state;
	assert_string_equal(str_at(r, "schema_version"), "1.6.0");
	assert_string_equal(str_at(r, "id"), "x_VF-2026-0001");
	assert_string_equal(str_at(r, "published"), "2026-11-01T08:00:00Z");
	assert_string_equal(str_at(r, "modified"), "2026-11-20T02:30:00Z");
	assert_int_equal(json_array_size(at(r, "aliases")), 2);
	assert_string_equal(str_at(r, "aliases/0"), "CVE-2026-12345");
	assert_string_equal(str_at(r, "aliases/1"), "CNVD-2026-01234");
	assert_string_equal(str_at(r, "summary"), "Stored XSS in the Acme Router web interface");
	assert_string_equal(str_at(r, "details"),
			    "An attacker can store script in the **device name**.\n\n"
			    "The web UI does not escape the device name.\n\n"
			    "## Remediation\n\nUpgrade to firmware 1.2.\n\n"
			    "## Workarounds\n\nRestrict access to the web UI.");
	assert_string_equal(str_at(r, "severity/0/type"), "CVSS_V3");
	assert_string_equal(str_at(r, "severity/0/score"),
			    "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N");
	assert_string_equal(str_at(r, "severity/1/type"), "CVSS_V4");
	assert_string_equal(str_at(r, "references/0/type"), "ADVISORY");
	assert_string_equal(str_at(r, "references/1/type"), "WEB");
	assert_string_equal(str_at(r, "credits/0/name"), "Li Lei (Example Lab)");
	assert_string_equal(str_at(r, "database_specific/vulnflow_id"), "VF-2026-0001");
	assert_string_equal(str_at(r, "database_specific/cwe_ids/0"), "CWE-79");
	json_decref(r);
}

static void test_affected(void **state)
{
	struct bulletin b = fixture_bulletin();
	json_t *r = export_ok(&b, "en", "vf-2026-0001.affected.osv.json");

	(void)state;
	/* two of the three components have an OSV ecosystem */
	assert_int_equal(json_array_size(at(r, "affected")), 2);
	assert_string_equal(str_at(r, "affected/0/package/ecosystem"), "npm");
	assert_string_equal(str_at(r, "affected/0/package/name"), "@acme/web-ui");
	assert_string_equal(str_at(r, "affected/0/package/purl"), "pkg:npm/%40acme/web-ui");
	assert_string_equal(str_at(r, "affected/0/ranges/0/type"), "SEMVER");
	assert_string_equal(str_at(r, "affected/0/ranges/0/events/0/introduced"), "1.0.0");
	assert_string_equal(str_at(r, "affected/0/ranges/0/events/1/fixed"), "1.4.2");
	assert_string_equal(str_at(r, "affected/0/database_specific/vers"), "vers:npm/>=1.0.0|<1.4.2");
	assert_string_equal(str_at(r, "affected/1/package/ecosystem"), "PyPI");
	assert_string_equal(str_at(r, "affected/1/ranges/0/type"), "ECOSYSTEM");
	assert_string_equal(str_at(r, "affected/1/ranges/0/events/0/introduced"), "0");
	assert_string_equal(str_at(r, "affected/1/ranges/0/events/1/fixed"), "2.1");
	assert_string_equal(str_at(r, "database_specific/unmapped_purls/0"), "pkg:generic/acme/firmware");
	json_decref(r);
}

static void test_ecosystems(void **state)
{
	static const struct bulletin_component comps[] = {
		{ .purl = "pkg:maven/org.acme/core@1.0", .introduced = "1.0", .fixed = "1.5" },
		{ .purl = "pkg:golang/github.com/acme/lib", .introduced = "v1.2.0", .fixed = "v1.3.1" },
		{ .purl = "pkg:deb/ubuntu/openssl", .fixed = "3.0.2-0ubuntu1.10" },
		{ .purl = "pkg:npm/left-pad", .introduced = "1.0", .fixed = "1.3.0" },
		{ .purl = "pkg:cargo/acme", .vers = "vers:cargo/*" },
	};
	struct bulletin b = fixture_bulletin();
	json_t *r;

	(void)state;
	b.components = comps;
	b.ncomponents = 5;
	r = export_ok(&b, "zh-CN", "vf-2026-0001.ecosystems.osv.json");
	assert_string_equal(str_at(r, "affected/0/package/ecosystem"), "Maven");
	assert_string_equal(str_at(r, "affected/0/package/name"), "org.acme:core");
	assert_string_equal(str_at(r, "affected/0/package/purl"), "pkg:maven/org.acme/core");
	assert_string_equal(str_at(r, "affected/1/package/ecosystem"), "Go");
	assert_string_equal(str_at(r, "affected/1/package/name"), "github.com/acme/lib");
	assert_string_equal(str_at(r, "affected/1/ranges/0/type"), "SEMVER");
	assert_string_equal(str_at(r, "affected/1/ranges/0/events/0/introduced"), "1.2.0");
	assert_string_equal(str_at(r, "affected/1/ranges/0/events/1/fixed"), "1.3.1");
	assert_string_equal(str_at(r, "affected/2/package/ecosystem"), "Ubuntu");
	assert_string_equal(str_at(r, "affected/2/package/name"), "openssl");
	/* "1.0" is no SemVer: the npm range falls back to ECOSYSTEM */
	assert_string_equal(str_at(r, "affected/3/ranges/0/type"), "ECOSYSTEM");
	/* no introduced/fixed: no ranges, the vers kept */
	assert_string_equal(str_at(r, "affected/4/package/ecosystem"), "crates.io");
	assert_null(at(r, "affected/4/ranges"));
	assert_string_equal(str_at(r, "affected/4/database_specific/vers"), "vers:cargo/*");
	assert_null(at(r, "database_specific/unmapped_purls"));
	/* Chinese text */
	assert_string_equal(str_at(r, "summary"), "Acme 路由器 Web 界面存储型 XSS 漏洞");
	assert_non_null(strstr(str_at(r, "details"), "## 修复方案\n\n升级到固件 1.2。"));
	json_decref(r);
}

static void test_id_and_refusals(void **state)
{
	struct bulletin b = fixture_bulletin();
	char id[16], *doc = NULL;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(osv_export_id("VF-2026-0001", id, sizeof(id)), 0);
	assert_string_equal(id, "x_VF-2026-0001");
	assert_int_equal(osv_export_id("VF-2026-000001", id, sizeof(id)), -1);
	assert_int_equal(osv_export_id("", id, sizeof(id)), -1);
	b.cvss4_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
	assert_int_equal(osv_export(&doc, NULL, &b, "en", &e), -1);
	assert_null(doc);
	assert_non_null(strstr(e.msg, "is not CVSS 4.0"));
	b = fixture_bulletin();
	b.title.v[0] = b.title.v[1] = NULL;
	assert_int_equal(osv_export(&doc, NULL, &b, "en", &e), -1);
	assert_non_null(strstr(e.msg, "no title"));
	b = fixture_bulletin();
	assert_int_equal(osv_export(&doc, NULL, &b, "de", &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	b = fixture_bulletin();
	b.components = (const struct bulletin_component[]){ { .purl = "pkg:npm/a", .fixed = "\xff" } };
	b.ncomponents = 1;
	assert_int_equal(osv_export(&doc, NULL, &b, "en", &e), -1);
	assert_string_equal(e.msg, "bulletin field \"components.fixed\" is not UTF-8");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_affected),
		cmocka_unit_test(test_ecosystems),
		cmocka_unit_test(test_id_and_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
