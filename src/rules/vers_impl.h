/* vers_impl.h - internals shared by vers.c and the per-scheme files vers_*.c.
 *
 * Not part of the API (see vers.h).  A scheme is a row of function pointers:
 * valid() says whether a version string is one of the scheme's versions and
 * cmp() orders two versions that valid() accepted.  Both take (pointer,
 * length) strings that need not be NUL-terminated, never allocate in the
 * common case, and treat bytes as ASCII (no locale).
 */
#ifndef VF_VERS_IMPL_H
#define VF_VERS_IMPL_H

#include <stddef.h>

#include "base/err.h"
#include "rules/vers.h"

struct vers_scheme {
	const char *name;
	/* 1 if s is a valid version of the scheme, else 0. */
	int (*valid)(const char *s, size_t n);
	/* -1, 0 or 1; only called on versions valid() accepted. */
	int (*cmp)(const char *a, size_t an, const char *b, size_t bn);
	unsigned flags;
};

/* The scheme has no versions at all: only the lone "*" constraint is allowed. */
#define VERS_SCHEME_STAR_ONLY 1u
/* The lone "*" contains nothing (the "none" type). */
#define VERS_SCHEME_EMPTY 2u
/* RFC 3339 time stamps: canonical form checks on 'T', 'Z' and ':'. */
#define VERS_SCHEME_DATETIME 4u
/* cmp() checks both versions as it parses them and returns VERS_CMP_INVALID
 * if either is not valid, so a comparison need not call valid() first. */
#define VERS_SCHEME_SELF_CHECK 8u
#define VERS_CMP_INVALID 2

/* ---- character classes (ASCII only, never the locale's) ---------------- */

static inline int vc_digit(int c)
{
	return c >= '0' && c <= '9';
}
static inline int vc_lower(int c)
{
	return c >= 'a' && c <= 'z';
}
static inline int vc_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}
static inline int vc_alpha(int c)
{
	return vc_lower(c) || vc_upper(c);
}
static inline int vc_alnum(int c)
{
	return vc_digit(c) || vc_alpha(c);
}
static inline int vc_tolower(int c)
{
	return vc_upper(c) ? c + ('a' - 'A') : c;
}
static inline int vc_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Compare two runs of ASCII digits as non-negative integers of any length. */
int vc_cmp_digits(const char *a, size_t an, const char *b, size_t bn);
/* Compare two byte strings: memcmp order, a proper prefix first. */
int vc_cmp_bytes(const char *a, size_t an, const char *b, size_t bn);
/* Same, ASCII letters folded to lower case. */
int vc_cmp_bytes_icase(const char *a, size_t an, const char *b, size_t bn);
/* Length of the run of digits at s (at most n). */
size_t vc_digits(const char *s, size_t n);

/* Input quoted for an error message: control and non-ASCII bytes as \xHH,
 * '"' and '\' escaped, cut after 64 bytes with "...".  Returns buf. */
#define VERS_QUOTE_SIZE 300
const char *vers_quote(char *buf, const char *s, size_t n);

/* ---- the schemes, one row each (vers_cmp.c, vers_pypi.c, vers_maven.c) - */

extern const struct vers_scheme vers_scheme_semver, vers_scheme_npm, vers_scheme_golang,
    vers_scheme_nuget, vers_scheme_deb, vers_scheme_rpm, vers_scheme_alpm, vers_scheme_apk,
    vers_scheme_gentoo, vers_scheme_gem, vers_scheme_conan, vers_scheme_openssl, vers_scheme_nginx,
    vers_scheme_datetime, vers_scheme_lexicographic, vers_scheme_generic, vers_scheme_intdot,
    vers_scheme_all, vers_scheme_none, vers_scheme_pypi, vers_scheme_maven;

/* The scheme named name[0..n) (lower case), or NULL. */
const struct vers_scheme *vers_scheme_lookup(const char *name, size_t n);

/* ---- PEP 440 internals, for the pypi native-range converter ------------- */

struct pep440 {
	const char *epoch, *rel, *pre_n, *post_n, *dev_n, *local;
	size_t epochn, reln, pre_nn, post_nn, dev_nn, localn;
	int pre_l; /* -1 none, 0 a, 1 b, 2 rc */
	int has_post, has_dev, has_local;
};

/* Parse s as a PEP 440 version (packaging's grammar): 0 or -1. */
int vers_pep440_parse(struct pep440 *v, const char *s, size_t n);

/* ---- helpers the native-range converters share with vers.c ------------ */

/* One constraint while a range is being built: op and an owned version. */
struct vers_item {
	enum vers_op op;
	char *version;
	size_t len;
};

struct vers_list {
	const struct vers_scheme *scheme;
	const char *type; /* as the caller named it ("cargo"), not owned */
	struct vers_item *items;
	size_t n, alloc;
};

void vers_list_init(struct vers_list *l, const struct vers_scheme *s, const char *type);
/* Append (op, v[0..n)); the version is copied.  -1 with e filled if the
 * version is not valid for the scheme. */
int vers_list_add(struct vers_list *l, enum vers_op op, const char *v, size_t n, struct err *e);
void vers_list_release(struct vers_list *l);
/* Sort l canonically and render "vers:TYPE/..." into a new string. */
char *vers_list_render(struct vers_list *l);

#endif
