/* bulletin.h - an advisory vulnflow publishes (issue 7), as the pure exporters see it.
 *
 * Naming: in vulnflow an "advisory" imported from others (OSV, CSAF; see
 * advisory.h) is vulnerability data coming in.  A "bulletin" is one of our own
 * advisories going out: drafted from a case, passed through the Art. 9 gate
 * (rules/gate.h), published at /api/v1/advisories/{id}, exported as CSAF 2.0
 * and OSV.  The API calls both "advisories"; the code keeps them apart.
 *
 * The advisory service fills a struct bulletin from its store (every string
 * owned by the caller, NULL when absent; arrays with their counts) and hands
 * it to the exporters (csaf_out.h, osv_out.h), which only read it.  Text
 * fields are Markdown source, one string per language; an exporter uses the
 * language it is asked for and falls back to the other one.
 *
 * Stability: fields are only ever appended; 0 / NULL means "not known".
 * Always initialise with `= { 0 }`.
 */
#ifndef VF_BULLETIN_H
#define VF_BULLETIN_H

#include <stddef.h>
#include <stdint.h>

enum bulletin_lang {
	BULLETIN_ZH,	/* "zh-CN" */
	BULLETIN_EN,	/* "en" */
	BULLETIN_NLANG
};

/* One text in each language (Markdown); NULL where that language has none. */
struct bulletin_text {
	const char *v[BULLETIN_NLANG];
};

/* The VEX status of one product version (CSAF product_status / OSV affected). */
enum bulletin_status {
	BULLETIN_AFFECTED,		/* known_affected */
	BULLETIN_NOT_AFFECTED,		/* known_not_affected; justification required */
	BULLETIN_FIXED,			/* fixed */
	BULLETIN_UNDER_INVESTIGATION	/* under_investigation */
};

struct bulletin_product {
	const char *vendor;		/* required */
	const char *name;		/* required */
	const char *model;		/* may be NULL */
	const char *version;		/* required: the product version */
	const char *purl;		/* canonical purl of the product, if known */
	enum bulletin_status status;
	const char *justification;	/* CSAF flag label for not_affected, e.g.
					 * "vulnerable_code_not_present" */
	const char *fixed_in;		/* the version that fixes it, if known */
};

/* A vulnerable upstream component (OSV affected[] entries come from these). */
struct bulletin_component {
	const char *purl;		/* canonical purl, without version */
	const char *vers;		/* vers: range of affected versions */
	const char *introduced;		/* OSV events, native versions; may be NULL */
	const char *fixed;
};

struct bulletin_reference {
	const char *url;
	const char *summary;		/* may be NULL */
	int self;			/* 1: this advisory's own page (CSAF category "self") */
};

struct bulletin_credit {
	const char *name;		/* only credits the reporter consented to */
	const char *organization;	/* may be NULL */
};

struct bulletin_revision {
	int number;			/* 1, 2, ... */
	int64_t date_us;		/* UTC, microseconds since the epoch */
	const char *summary;		/* what changed */
};

struct bulletin {
	const char *id;			/* tracking id, e.g. "VF-2026-0001" */
	const char *lang;		/* the document language: "zh-CN" or "en" */
	const char *status;		/* "draft", "interim" or "final" */
	int64_t initial_release_us;	/* first publication */
	int64_t current_release_us;	/* this revision */
	const struct bulletin_revision *revisions;	/* oldest first; at least one */
	size_t nrevisions;

	const char *publisher_name;	/* the organisation publishing */
	const char *publisher_namespace;	/* its URL, e.g. "https://psirt.example.cn" */
	const char *tlp;		/* "WHITE" (CSAF 2.0 label) */
	const char *generator;		/* "vulnflow 0.x" */

	struct bulletin_text title;
	struct bulletin_text summary;
	struct bulletin_text description;	/* technical characteristics */
	struct bulletin_text remediation;	/* required by the gate (Art. 9(5)) */
	struct bulletin_text workarounds;

	const char *cve;		/* "CVE-2026-12345" or NULL */
	const char *const *aliases;	/* other ids (CNVD, CNNVD, NVDB, GHSA, ...) */
	size_t naliases;
	const char *cwe_id;		/* "CWE-79" or NULL */
	const char *cwe_name;		/* its name from the CWE catalogue */

	const char *cvss3_vector;	/* "CVSS:3.1/..." or NULL */
	double cvss3_score;
	const char *cvss3_severity;	/* "LOW" ... "CRITICAL" */
	const char *cvss4_vector;	/* "CVSS:4.0/..." or NULL */
	double cvss4_score;
	const char *cvss4_severity;
	const char *gbt_grade;		/* GB/T 30279 grade id ("high") or NULL */

	const struct bulletin_product *products;
	size_t nproducts;
	const struct bulletin_component *components;
	size_t ncomponents;
	const struct bulletin_reference *references;
	size_t nreferences;
	const struct bulletin_credit *credits;
	size_t ncredits;

	/* Appended for the exporters (csaf_out.h). */
	const char *publisher_category;	/* CSAF publisher category: "vendor" (NULL:
					 * the default), "coordinator", "discoverer",
					 * "other", "translator" or "user" */
};

#endif
