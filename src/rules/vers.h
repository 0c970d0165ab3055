/* vers.h - "vers:" version ranges and native version comparison (pure).
 *
 * A vers is "vers:TYPE/CONSTRAINTS" (package-url's Version Range Specifier):
 * TYPE names a versioning scheme ("npm", "pypi", "deb", ...) and CONSTRAINTS
 * is a '|'-separated list of a comparator ("", "!=", "<", "<=", ">", ">=")
 * followed by a percent-encoded version, or the lone "*" for every version.
 *
 *	struct vers *v;
 *	int in;
 *	if (vers_parse(&v, "vers:npm/>=1.0.0|<2.0.0", 0, &e) < 0) ... e.msg ...
 *	if (vers_contains(&in, v, "1.4.2", &e) < 0) ... not an npm version ...
 *	vers_free(v);
 *
 * Versions are compared with each scheme's own rules (docs/internals/vers.md
 * lists them): semver, npm, cargo, golang, nuget, pypi (PEP 440), maven
 * (ComparableVersion), deb (dpkg), rpm (rpmvercmp), alpm, apk, gentoo, gem,
 * conan, openssl, nginx, datetime (RFC 3339), lexicographic, intdot, generic,
 * all and none.  A version that is not valid for its scheme is an error,
 * never silently ordered.
 *
 * Costs.  vers_compare() validates both versions and compares them, one
 * pass over each (most schemes parse once and validate as they compare):
 * 60-120 ns on the 2-core development machine, and no allocation (maven
 * allocates only for a version of more than 41 bytes, gem for more than 64
 * segments).  A parsed vers keeps its versions decoded and checked, so
 * vers_contains() validates the tested version once and then makes at most
 * one comparison per constraint, without allocating (about 300 ns for six
 * constraints).  Parsing, normalising, simplifying and converting native
 * ranges allocate (a parse: 4 blocks, about 0.6 us for four constraints).
 *
 * Every fallible function returns 0 or -1 with e filled (ERR_INVALID for bad
 * input; the message is one line).  Nothing here keeps global state.
 */
#ifndef VF_VERS_H
#define VF_VERS_H

#include <stddef.h>

#include "base/err.h"

enum vers_op {
	VERS_OP_EQ,   /* a bare version */
	VERS_OP_NE,   /* != */
	VERS_OP_LT,   /* <  */
	VERS_OP_LE,   /* <= */
	VERS_OP_GT,   /* >  */
	VERS_OP_GE,   /* >= */
	VERS_OP_STAR, /* *: every version; only ever alone */
};

/* The comparator's text: "" for VERS_OP_EQ, "*" for VERS_OP_STAR. */
const char *vers_op_text(enum vers_op op);

/* 1 if the scheme (a vers TYPE such as "npm") is implemented, else 0. */
int vers_scheme_supported(const char *scheme);

/* Compare versions a and b of scheme: *out is -1, 0 or 1.  -1 if the scheme
 * is unknown or either version is not one of its versions. */
int vers_compare(int *out, const char *scheme, const char *a, const char *b, struct err *e);

/* 0 if version is a valid version of scheme, else -1 with the reason. */
int vers_check_version(const char *scheme, const char *version, struct err *e);

struct vers;

/* vers_parse() flags. */
#define VERS_STRICT 1u /* the input must already be canonical */

/*
 * Parse s (NUL-terminated) into *out.
 *
 * With VERS_STRICT the string must be in canonical form, as the vers
 * specification's parser requires: lower-case "vers:" and type, no ASCII
 * whitespace, no empty constraint (leading, trailing or doubled '|'), no
 * leading '=', percent-encoding exactly where needed (the characters
 * > < = ! * | % and space, control and non-ASCII bytes) with upper-case hex,
 * and constraints sorted (see vers_canonical()).  The errors name the rule
 * ("non-canonical VERS: whitespace is not permitted").
 *
 * Without it the string is normalised instead: whitespace is dropped, the
 * scheme and type are folded to lower case, empty constraints and a leading
 * '=' are accepted, any valid percent-encoding is decoded, and the
 * constraints are sorted.  Both modes reject an unknown type, a '*' that is
 * not alone and malformed percent-encoding.
 *
 * Parsing is syntactic: neither mode checks the versions against the scheme
 * (a version the scheme rejects sorts after the valid ones, by bytes) nor the
 * comparator sequence; vers_validate() does both.
 */
int vers_parse(struct vers **out, const char *s, unsigned flags, struct err *e);
void vers_free(struct vers *v);

/* The type ("npm"), the number of constraints and the i-th one: its
 * comparator and its version, decoded and NUL-terminated (NULL for '*'). */
const char *vers_type(const struct vers *v);
size_t vers_count(const struct vers *v);
enum vers_op vers_op_at(const struct vers *v, size_t i);
const char *vers_version_at(const struct vers *v, size_t i);

/*
 * The canonical string of v, allocated (free() it): "vers:" TYPE "/" and the
 * constraints sorted by version (ties by the comparator's text in ASCII
 * order), joined by '|', versions percent-encoded where needed.  Duplicates
 * are kept (vers_simplify() removes them).  The result parses again with
 * VERS_STRICT to the same string.
 */
char *vers_canonical(const struct vers *v);

/*
 * The specification's validity rules: every version valid for the scheme,
 * and (section 5.4) versions unique (equal by
 * the scheme's comparison, whatever the comparators), '*' alone, and the
 * comparator sequence: ignoring "!=", an equality is followed only by an
 * equality, '>' or '>='; ignoring "!=" and equalities, '<'/'<=' and '>'/'>='
 * alternate.
 */
int vers_validate(const struct vers *v, struct err *e);

/*
 * Remove exact duplicates and redundant constraints in place, as the
 * specification's "simplifying constraints" procedure does (for example
 * ">=1|>=2|<3" becomes ">=1|<3").
 */
void vers_simplify(struct vers *v);

/*
 * *out = 1 if version is in the range v, else 0, by the specification's
 * containment algorithm.  -1 if version is not a version of v's scheme or v
 * is not valid (vers_validate()).  A range of only "!=" constraints contains
 * every version but those; one with equalities and "!=" only contains just
 * the equalities.
 */
int vers_contains(int *out, const struct vers *v, const char *version, struct err *e);

/*
 * Convert a native range of scheme into a canonical vers string, allocated:
 * npm ("^1.2 || >=3 <4", hyphen, x-, tilde and caret ranges), pypi (PEP 440
 * specifiers, ANDed: ">=1.0,!=1.3.*", "~=2.2", "==1.*"), nuget and maven
 * interval notation ("[1.0,2.0)"), gem requirements ("~> 2.0.8, != 2.0.9"),
 * conan ranges, openssl and nginx advisory lists ("1.0.1b, 3.0.0",
 * "0.7.52-0.8.39", "1.5.0+").  docs/internals/vers.md gives the rules.
 */
int vers_from_native(char **out, const char *scheme, const char *native, struct err *e);

#endif
