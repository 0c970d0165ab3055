/* bulletin_fixture.h - a sample bulletin for the exporter tests (test_csaf_out.c, test_osv_out.c,
 * test_csaf_feed.c), and the helper that writes exports for the schema validators.
 *
 * The sample: VF-2026-0001, a stored XSS in Acme's router web UI, English and
 * Chinese text, four product versions (two affected and fixed in 1.2, one not
 * affected, one under investigation), two upstream components, CVSS 3.1 and
 * 4.0 vectors, CWE-79, two revisions, a self reference and one credit.
 */
#ifndef VF_TEST_BULLETIN_FIXTURE_H
#define VF_TEST_BULLETIN_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/bulletin.h"

/* 2026-11-01T08:00:00Z and 2026-11-20T02:30:00Z in microseconds */
#define FIX_T1 INT64_C(1793520000000000)
#define FIX_T2 INT64_C(1795141800000000)

static const struct bulletin_product fix_products[] = {
	{ .vendor = "Acme", .name = "Router", .model = "R1", .version = "1.1",
	  .purl = "pkg:generic/acme/router-r1", .status = BULLETIN_AFFECTED, .fixed_in = "1.2" },
	{ .vendor = "Acme", .name = "Router", .model = "R1", .version = "1.0",
	  .purl = "pkg:generic/acme/router-r1", .status = BULLETIN_AFFECTED, .fixed_in = "1.2" },
	{ .vendor = "Acme", .name = "Router", .model = "R1", .version = "2.0",
	  .purl = "pkg:generic/acme/router-r1", .status = BULLETIN_NOT_AFFECTED,
	  .justification = "vulnerable_code_not_present" },
	{ .vendor = "Acme", .name = "Switch", .version = "3.0",
	  .status = BULLETIN_UNDER_INVESTIGATION },
};

static const struct bulletin_component fix_components[] = {
	{ .purl = "pkg:npm/%40acme/web-ui", .vers = "vers:npm/>=1.0.0|<1.4.2",
	  .introduced = "1.0.0", .fixed = "1.4.2" },
	{ .purl = "pkg:pypi/acme-cgi", .vers = "vers:pypi/<2.1", .fixed = "2.1" },
	{ .purl = "pkg:generic/acme/firmware", .fixed = "7" },
};

static const struct bulletin_reference fix_refs[] = {
	{ .url = "https://psirt.example.cn/advisories/VF-2026-0001", .summary = "This advisory",
	  .self = 1 },
	{ .url = "https://www.cve.org/CVERecord?id=CVE-2026-12345" },
};

static const struct bulletin_credit fix_credits[] = {
	{ .name = "Li Lei", .organization = "Example Lab" },
};

static const struct bulletin_revision fix_revisions[] = {
	{ .number = 1, .date_us = FIX_T1, .summary = "Initial release." },
	{ .number = 2, .date_us = FIX_T2, .summary = "Added the fixed version." },
};

static const char *const fix_aliases[] = { "CNVD-2026-01234", "CVE-2026-12345" };

__attribute__((unused)) static struct bulletin fixture_bulletin(void)
{
	struct bulletin b = { 0 };

	b.id = "VF-2026-0001";
	b.lang = "en";
	b.status = "final";
	b.initial_release_us = FIX_T1;
	b.current_release_us = FIX_T2;
	b.revisions = fix_revisions;
	b.nrevisions = 2;
	b.publisher_name = "Acme PSIRT";
	b.publisher_namespace = "https://psirt.example.cn";
	b.tlp = "WHITE";
	b.generator = "vulnflow 0.3";
	b.title.v[BULLETIN_EN] = "Stored XSS in the Acme Router web interface";
	b.title.v[BULLETIN_ZH] = "Acme 路由器 Web 界面存储型 XSS 漏洞";
	b.summary.v[BULLETIN_EN] = "An attacker can store script in the **device name**.";
	b.summary.v[BULLETIN_ZH] = "攻击者可在**设备名称**中存储脚本。";
	b.description.v[BULLETIN_EN] = "The web UI does not escape the device name.";
	b.remediation.v[BULLETIN_EN] = "Upgrade to firmware 1.2.";
	b.remediation.v[BULLETIN_ZH] = "升级到固件 1.2。";
	b.workarounds.v[BULLETIN_EN] = "Restrict access to the web UI.";
	b.cve = "CVE-2026-12345";
	b.aliases = fix_aliases;
	b.naliases = 2;
	b.cwe_id = "CWE-79";
	b.cvss3_vector = "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N";
	b.cvss3_score = 5.4;
	b.cvss3_severity = "MEDIUM";
	b.cvss4_vector = "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N";
	b.gbt_grade = "medium";
	b.products = fix_products;
	b.nproducts = sizeof(fix_products) / sizeof(fix_products[0]);
	b.components = fix_components;
	b.ncomponents = sizeof(fix_components) / sizeof(fix_components[0]);
	b.references = fix_refs;
	b.nreferences = 2;
	b.credits = fix_credits;
	b.ncredits = 1;
	return b;
}

/* Write doc as <$env>/<name> when the environment variable env names a directory. */
__attribute__((unused)) static void fixture_write(const char *env, const char *name, const char *doc, size_t len)
{
	const char *dir = getenv(env);
	char path[4096];
	FILE *f;

	if (dir == NULL || dir[0] == '\0')
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL)
		return;
	fwrite(doc, 1, len, f);
	fclose(f);
}

#endif
