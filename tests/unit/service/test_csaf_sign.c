/* test_csaf_sign.c - the .asc signatures of the CSAF provider layout (pgp_sign_detached):
 * a CSAF document signed with the organisation key verifies with `gpg --verify` in a
 * keyring that holds only the exported public key; a changed document does not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "base/crypto.h"
#include "formats/csaf_feed.h"
#include "formats/csaf_out.h"
#include "service/pgp.h"

#include "../formats/bulletin_fixture.h"

#define PATH_LEN 512

static char tmp[PATH_LEN / 2];
static char fpr[PGP_FPR_LEN];
static struct pgp *org;

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
}

static int setup(void **state)
{
	char dir[PATH_LEN], pub[PATH_LEN], *armored;
	size_t len;
	struct err e = ERR_INIT;

	(void)state;
	snprintf(tmp, sizeof(tmp), "/var/tmp/vf-test-csaf-sign-XXXXXX");
	if (mkdtemp(tmp) == NULL || crypto_init(&e) < 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s/org", tmp);
	if (mkdir(dir, 0700) < 0 || pgp_open(&org, dir, &e) < 0 ||
	    pgp_init(org, "Acme PSIRT", "psirt@example.cn", 0, fpr, &e) < 0 ||
	    pgp_export(org, &armored, &len, &e) < 0) {
		fprintf(stderr, "setup: %s\n", e.msg);
		return -1;
	}
	snprintf(pub, sizeof(pub), "%s/org.asc", tmp);
	write_file(pub, armored, len);
	free(armored);
	/* the verifier: a fresh keyring with only the public key */
	snprintf(dir, sizeof(dir), "%s/verifier", tmp);
	if (mkdir(dir, 0700) < 0 ||
	    run("gpg --homedir '%s' --batch --quiet --import '%s' 2>/dev/null", dir, pub) != 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pgp_close(org);
	run("for h in '%s'/org/gnupg '%s'/verifier '%s'/empty/gnupg; do [ -d \"$h\" ] && "
	    "gpgconf --homedir \"$h\" --kill gpg-agent >/dev/null 2>&1; done; true", tmp, tmp, tmp);
	return run("rm -rf '%s'", tmp) == 0 ? 0 : -1;
}

static void test_sign_verify(void **state)
{
	struct bulletin b = fixture_bulletin();
	struct csaf_feed_doc d = { 0 };
	char *doc = NULL, *sig = NULL, path[CSAF_FEED_PATH_MAX], file[PATH_LEN * 2];
	char asc[PATH_LEN * 2];
	size_t n, slen;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(csaf_export(&doc, &n, &b, "en", &e), 0);
	d.id = b.id;
	d.initial_release_us = b.initial_release_us;
	d.current_release_us = b.current_release_us;
	d.doc = doc;
	d.len = n;
	assert_int_equal(csaf_feed_path(NULL, &d, path, &e), 0);
	assert_string_equal(path, "white/2026/vf-2026-0001.json");

	assert_int_equal(pgp_sign_detached(org, doc, n, &sig, &slen, &e), 0);
	assert_int_equal(slen, strlen(sig));
	assert_non_null(strstr(sig, "-----BEGIN PGP SIGNATURE-----"));
	snprintf(file, sizeof(file), "%s/vf-2026-0001.json", tmp);
	snprintf(asc, sizeof(asc), "%s/vf-2026-0001.json.asc", tmp);
	write_file(file, doc, n);
	write_file(asc, sig, slen);
	/* a good signature by the organisation key, checked by gpg itself */
	assert_int_equal(run("gpg --homedir '%s/verifier' --batch --status-fd 1 --verify '%s' '%s' "
			     "2>/dev/null | grep -q '^\\[GNUPG:\\] VALIDSIG %s '", tmp, asc, file,
			     fpr), 0);
	assert_int_equal(run("gpg --homedir '%s/verifier' --batch --verify '%s' '%s' 2>/dev/null",
			     tmp, asc, file), 0);
	/* one byte changed: refused */
	doc[n / 2] = doc[n / 2] == 'a' ? 'b' : 'a';
	write_file(file, doc, n);
	assert_int_not_equal(run("gpg --homedir '%s/verifier' --batch --verify '%s' '%s' "
				 "2>/dev/null", tmp, asc, file), 0);
	free(doc);
	free(sig);
}

static void test_no_key(void **state)
{
	struct pgp *p = NULL;
	char dir[PATH_LEN], *sig = (char *)"x";
	struct err e = ERR_INIT;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/empty", tmp);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(pgp_open(&p, dir, &e), 0);
	assert_int_equal(pgp_sign_detached(p, "abc", 3, &sig, NULL, &e), -1);
	assert_null(sig);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	pgp_close(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign_verify),
		cmocka_unit_test(test_no_key),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
