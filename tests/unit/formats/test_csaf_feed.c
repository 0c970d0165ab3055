/* test_csaf_feed.c - the CSAF provider layout: file names, paths, index.txt, changes.csv,
 * hash files, provider-metadata.json and the ROLIE feed.
 *
 * provider-metadata.json and csaf-feed-tlp-white.json are also written to
 * $VULNFLOW_CSAF_EXPORT_DIR when set, for tests/formats/validate_csaf_exports.py.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "formats/csaf_feed.h"

#include "bulletin_fixture.h"

#define T_2025 INT64_C(1735732800000000) /* 2025-01-01T12:00:00Z */

static const struct csaf_feed_doc docs[] = {
	{ .id = "VF-2026-0001", .title = "Stored XSS", .initial_release_us = FIX_T1,
	  .current_release_us = FIX_T2, .doc = "abc", .len = 3 },
	{ .id = "Example Company - 2019-YH3234", .initial_release_us = T_2025,
	  .current_release_us = T_2025, .doc = "{}", .len = 2 },
	{ .id = "VF-2026-0002", .title = "Second", .initial_release_us = FIX_T1,
	  .current_release_us = FIX_T1, .doc = "{\"x\":1}", .len = 7 },
};

static const struct csaf_feed_config config = {
	.base_url = "https://psirt.example.cn",
	.publisher_name = "Acme PSIRT",
	.publisher_namespace = "https://psirt.example.cn",
	.contact_details = "psirt@example.cn",
	.pgp_fingerprint = "0123456789ABCDEF0123456789ABCDEF01234567",
	.last_updated_us = FIX_T2,
};

static void test_names(void **state)
{
	char name[64], path[CSAF_FEED_PATH_MAX];
	struct err e = ERR_INIT;
	const char *dir;

	(void)state;
	/* the examples of CSAF 2.0 section 5.1 */
	assert_int_equal(csaf_feed_filename("cisco-sa-20190513-secureboot", name, sizeof(name), &e), 0);
	assert_string_equal(name, "cisco-sa-20190513-secureboot.json");
	assert_int_equal(csaf_feed_filename("Example Company - 2019-YH3234", name, sizeof(name), &e), 0);
	assert_string_equal(name, "example_company_-_2019-yh3234.json");
	assert_int_equal(csaf_feed_filename("RHBA-2019:0024", name, sizeof(name), &e), 0);
	assert_string_equal(name, "rhba-2019_0024.json");
	assert_int_equal(csaf_feed_filename("a+b/c", name, sizeof(name), &e), 0);
	assert_string_equal(name, "a+b_c.json");
	assert_int_equal(csaf_feed_filename("", name, sizeof(name), &e), -1);
	assert_int_equal(csaf_feed_filename("0123456789", name, 15, &e), -1);
	assert_int_equal(csaf_feed_filename("012345678", name, 15, &e), 0);

	assert_int_equal(csaf_feed_path(NULL, &docs[0], path, &e), 0);
	assert_string_equal(path, "white/2026/vf-2026-0001.json");
	assert_int_equal(csaf_feed_path("GREEN", &docs[1], path, &e), 0);
	assert_string_equal(path, "green/2025/example_company_-_2019-yh3234.json");
	assert_int_equal(csaf_feed_rel_path(&docs[1], path, &e), 0);
	assert_string_equal(path, "2025/example_company_-_2019-yh3234.json");
	assert_int_equal(csaf_feed_path("CLEAR", &docs[0], path, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_int_equal(csaf_feed_tlp_dir("AMBER", &dir, &e), 0);
	assert_string_equal(dir, "amber");
}

static void test_hash_files(void **state)
{
	char *s = NULL;
	size_t n = 0;
	struct err e = ERR_INIT;

	(void)state;
	/* SHA-256 and SHA-512 of "abc" (FIPS 180-2 appendix examples) */
	assert_int_equal(csaf_feed_hash_file(&s, &n, &docs[0], 256, &e), 0);
	assert_string_equal(s, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
			       "  vf-2026-0001.json\n");
	assert_int_equal(n, strlen(s));
	free(s);
	assert_int_equal(csaf_feed_hash_file(&s, NULL, &docs[0], 512, &e), 0);
	assert_string_equal(s, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
			       "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
			       "  vf-2026-0001.json\n");
	free(s);
	assert_int_equal(csaf_feed_hash_file(&s, NULL, &docs[0], 384, &e), -1);
	assert_null(s);
}

static void test_index_and_changes(void **state)
{
	char *s = NULL;
	size_t n = 0;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(csaf_feed_index_txt(&s, &n, docs, 3, &e), 0);
	assert_string_equal(s, "2025/example_company_-_2019-yh3234.json\n"
			       "2026/vf-2026-0001.json\n"
			       "2026/vf-2026-0002.json\n");
	assert_int_equal(n, strlen(s));
	free(s);
	/* newest current_release first */
	assert_int_equal(csaf_feed_changes_csv(&s, &n, docs, 3, &e), 0);
	assert_string_equal(s, "\"2026/vf-2026-0001.json\",\"2026-11-20T02:30:00Z\"\n"
			       "\"2026/vf-2026-0002.json\",\"2026-11-01T08:00:00Z\"\n"
			       "\"2025/example_company_-_2019-yh3234.json\",\"2025-01-01T12:00:00Z\"\n");
	free(s);
	assert_int_equal(csaf_feed_index_txt(&s, &n, docs, 0, &e), 0);
	assert_string_equal(s, "");
	assert_int_equal(n, 0);
	free(s);
}

static json_t *parse(const char *s)
{
	json_error_t je;
	json_t *r = json_loads(s, JSON_REJECT_DUPLICATES, &je);

	if (r == NULL)
		fail_msg("not JSON: %s", je.text);
	return r;
}

static void test_provider_metadata(void **state)
{
	char *s = NULL;
	size_t n = 0;
	struct err e = ERR_INIT;
	json_t *r;

	(void)state;
	assert_int_equal(csaf_feed_provider_metadata(&s, &n, &config, &e), 0);
	fixture_write("VULNFLOW_CSAF_EXPORT_DIR", "provider-metadata.json", s, n);
	r = parse(s);
	free(s);
	assert_string_equal(json_string_value(json_object_get(r, "canonical_url")),
			    "https://psirt.example.cn/.well-known/csaf/provider-metadata.json");
	assert_string_equal(json_string_value(json_object_get(r, "metadata_version")), "2.0");
	assert_string_equal(json_string_value(json_object_get(r, "role")), "csaf_trusted_provider");
	assert_string_equal(json_string_value(json_object_get(r, "last_updated")),
			    "2026-11-20T02:30:00Z");
	assert_true(json_is_true(json_object_get(r, "list_on_CSAF_aggregators")));
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(r, "distributions"), 0),
				    "directory_url")),
			    "https://psirt.example.cn/.well-known/csaf/white/");
	assert_string_equal(
		json_string_value(json_object_get(json_array_get(json_object_get(json_object_get(
			json_array_get(json_object_get(r, "distributions"), 1), "rolie"), "feeds"), 0),
			"url")),
		"https://psirt.example.cn/.well-known/csaf/white/csaf-feed-tlp-white.json");
	assert_string_equal(json_string_value(json_object_get(json_array_get(
				    json_object_get(r, "public_openpgp_keys"), 0), "url")),
			    "https://psirt.example.cn/.well-known/csaf/openpgp/"
			    "0123456789ABCDEF0123456789ABCDEF01234567.asc");
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "publisher"),
							      "contact_details")),
			    "psirt@example.cn");
	json_decref(r);
}

static void test_rolie(void **state)
{
	char *s = NULL;
	size_t n = 0;
	struct err e = ERR_INIT;
	json_t *r, *feed, *entry, *links;
	struct csaf_feed_config c = config;

	(void)state;
	c.last_updated_us = 0;
	assert_int_equal(csaf_feed_rolie(&s, &n, &c, docs, 3, &e), 0);
	fixture_write("VULNFLOW_CSAF_EXPORT_DIR", "csaf-feed-tlp-white.json", s, n);
	r = parse(s);
	free(s);
	feed = json_object_get(r, "feed");
	assert_string_equal(json_string_value(json_object_get(feed, "id")), "csaf-feed-tlp-white");
	assert_string_equal(json_string_value(json_object_get(feed, "updated")),
			    "2026-11-20T02:30:00Z");
	assert_int_equal(json_array_size(json_object_get(feed, "entry")), 3);
	entry = json_array_get(json_object_get(feed, "entry"), 0);
	assert_string_equal(json_string_value(json_object_get(entry, "id")), "VF-2026-0001");
	assert_string_equal(json_string_value(json_object_get(entry, "title")), "Stored XSS");
	assert_string_equal(json_string_value(json_object_get(entry, "published")),
			    "2026-11-01T08:00:00Z");
	links = json_object_get(entry, "link");
	assert_int_equal(json_array_size(links), 4);
	assert_string_equal(json_string_value(json_object_get(json_array_get(links, 0), "href")),
			    "https://psirt.example.cn/.well-known/csaf/white/2026/vf-2026-0001.json");
	assert_string_equal(json_string_value(json_object_get(json_array_get(links, 2), "href")),
			    "https://psirt.example.cn/.well-known/csaf/white/2026/vf-2026-0001.json"
			    ".sha512");
	assert_string_equal(json_string_value(json_object_get(json_array_get(links, 3), "rel")),
			    "signature");
	/* an entry without a title uses its id; the oldest is last */
	entry = json_array_get(json_object_get(feed, "entry"), 2);
	assert_string_equal(json_string_value(json_object_get(entry, "title")),
			    "Example Company - 2019-YH3234");
	json_decref(r);
	c.base_url = "psirt.example.cn";
	assert_int_equal(csaf_feed_rolie(&s, &n, &c, docs, 3, &e), -1);
	assert_null(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_hash_files),
		cmocka_unit_test(test_index_and_changes),
		cmocka_unit_test(test_provider_metadata),
		cmocka_unit_test(test_rolie),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
