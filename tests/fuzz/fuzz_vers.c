/* fuzz_vers.c - libFuzzer target for vers ranges and version comparison.
 *
 * The input is a scheme selector byte, then up to four '\n'-separated lines:
 * a vers, a version, a second version, a native range.  Nothing may crash or
 * leak; every refusal is ERR_INVALID with a message; and these must hold,
 * else the target aborts:
 *   - comparison is antisymmetric (cmp(a, b) == -cmp(b, a)) and reflexive;
 *   - a canonical vers reparses, strictly, to itself (also once simplified);
 *   - a strictly parsed vers is already its own canonical form;
 *   - containment answers 0 or 1;
 *   - a converted native range is canonical.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules/vers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const schemes[] = {
    "semver",	"npm",		 "cargo",  "golang",  "nuget", "pypi",	"maven",   "deb",
    "rpm",	"alpm",		 "apk",	   "gentoo",  "gem",   "conan", "openssl", "nginx",
    "datetime", "lexicographic", "intdot", "generic", "all",   "none",
};

static void refused(const struct err *e)
{
	if (e->code != ERR_INVALID || e->msg[0] == '\0')
		abort();
}

/* canonical(v) parses strictly and prints back the same text. */
static void check_canonical(const struct vers *v)
{
	struct err e = ERR_INIT;
	struct vers *w;
	char *c = vers_canonical(v), *d;

	if (vers_parse(&w, c, VERS_STRICT, &e) < 0)
		abort();
	d = vers_canonical(w);
	if (strcmp(c, d) != 0)
		abort();
	free(d);
	free(c);
	vers_free(w);
}

static void check_compare(const char *scheme, const char *a, const char *b)
{
	struct err e = ERR_INIT;
	int ab, ba, aa;

	if (vers_compare(&ab, scheme, a, b, &e) < 0) {
		refused(&e);
		return;
	}
	if (vers_compare(&ba, scheme, b, a, &e) < 0 || vers_compare(&aa, scheme, a, a, &e) < 0)
		abort();
	if (ab < -1 || ab > 1 || ab != -ba || aa != 0)
		abort();
}

static void check_vers(const char *s, const char *version)
{
	struct err e = ERR_INIT;
	struct vers *v;
	char *c;
	int in;

	if (vers_parse(&v, s, VERS_STRICT, &e) == 0) {
		c = vers_canonical(v);
		if (strcmp(c, s) != 0)
			abort();
		free(c);
		vers_free(v);
	} else {
		refused(&e);
	}
	if (vers_parse(&v, s, 0, &e) < 0) {
		refused(&e);
		return;
	}
	check_canonical(v);
	if (vers_validate(v, &e) < 0)
		refused(&e);
	if (vers_contains(&in, v, version, &e) == 0) {
		if (in != 0 && in != 1)
			abort();
	} else {
		refused(&e);
	}
	vers_simplify(v);
	check_canonical(v);
	vers_free(v);
}

static void check_native(const char *scheme, const char *range)
{
	struct err e = ERR_INIT;
	struct vers *v;
	char *out, *c;
	size_t n;

	if (vers_from_native(&out, scheme, range, &e) < 0) {
		refused(&e);
		return;
	}
	n = strlen(out);
	if (n == 0 || out[n - 1] != '/') {
		if (vers_parse(&v, out, VERS_STRICT, &e) < 0)
			abort();
		c = vers_canonical(v);
		if (strcmp(c, out) != 0)
			abort();
		free(c);
		vers_free(v);
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *scheme, *field[4] = {"", "", "", ""};
	char *buf, *p;

	if (size < 1 || size > 4096)
		return 0;
	scheme = schemes[data[0] % (sizeof(schemes) / sizeof(schemes[0]))];
	buf = malloc(size);
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	p = buf;
	for (int i = 0; i < 4 && p != NULL; i++) {
		char *nl = strchr(p, '\n');

		field[i] = p;
		if (nl != NULL)
			*nl = '\0';
		p = nl != NULL ? nl + 1 : NULL;
	}
	check_vers(field[0], field[1]);
	check_compare(scheme, field[1], field[2]);
	check_compare(scheme, field[0], field[1]);
	check_native(scheme, field[3][0] ? field[3] : field[0]);
	free(buf);
	return 0;
}
