/* csaf_out.h - a bulletin as a CSAF 2.0 document: csaf_security_advisory or csaf_vex (pure).
 *
 * The exporters read a struct bulletin (bulletin.h) and write one CSAF 2.0
 * document that passes the OASIS schema in its strict form (no member the
 * schema does not define) and the mandatory tests 6.1.x of the standard
 * (checked in make check by tests/formats/validate_csaf_exports.py and
 * tests/csaf/mandatory.mjs).  What goes where:
 *
 *   document      category, csaf_version "2.0", lang, title, publisher
 *                 (category, name, namespace), distribution.tlp (b->tlp,
 *                 "WHITE" when NULL, with FIRST's TLP URL), aggregate_severity
 *                 (the CVSS severity), notes (summary), references (each
 *                 bulletin reference; category "self" for b->references[i].self,
 *                 else "external"), tracking (id, status, version, dates,
 *                 generator, aliases, revision_history).
 *   product_tree  branches vendor -> product_name ("name" or "name model")
 *                 -> product_version (or product_version_range for a version
 *                 that is a "vers:" string or reads as a range), each leaf a
 *                 product with id "CSAFPID-0001", ... in sorted order and the
 *                 product's purl (its version set to the product version).
 *                 A product whose fixed_in names a version not otherwise
 *                 listed adds that version as a product with status fixed.
 *   vulnerability one: cve, cwe (name from the catalogue when b->cwe_name is
 *                 NULL), ids (b->id under the publisher's name, and every
 *                 alias but CVE ones), notes (description, or summary, or
 *                 title; CVSS v4.0 and GB/T 30279 grade as "other" notes,
 *                 since CSAF 2.0 has no cvss_v4), product_status,
 *                 remediations (vendor_fix with the remediation text for the
 *                 affected and fixed products; workaround for the affected
 *                 ones), scores (one cvss_v3 object, every member computed by
 *                 rules/cvss3 from the vector, for the affected products, else
 *                 the fixed ones), flags (the justification of each
 *                 known_not_affected product), acknowledgments (credits).
 *
 * Versions: integer versioning.  An "interim" or "final" document has the
 * bulletin's revisions (numbered 1, 2, ... without gaps, dates not
 * decreasing) and version = the last number.  A "draft" has version "0" and
 * one revision "0" dated current_release (6.1.17 requires 0 or a
 * pre-release for drafts).
 *
 * Determinism: the same bulletin gives the same bytes (products sorted,
 * groups in a fixed order, no generation timestamp), so an ETag over the
 * document is stable.  Dates are UTC to the second ("2026-11-25T07:39:59Z").
 *
 * Text: lang is "en" or "zh-CN" (NULL: b->lang, else "en"); each text field
 * is taken in that language, else in the other one.  Markdown goes out as is.
 *
 * Errors (ERR_INVALID, the message naming the field): a required field
 * missing (id, publisher_name, publisher_namespace, a title, products,
 * initial/current release), a product without vendor, name or version, a
 * purl that does not parse, a known_not_affected product without a valid
 * VEX justification label, affected products and no remediation text,
 * contradicting statuses for one product version, a CVE or CWE id that is
 * malformed, a CVSS vector that does not score, revisions that are missing,
 * not consecutive from 1 or not in date order, an unknown lang, status,
 * TLP label or publisher category, a string that is not UTF-8.
 *
 *	char *doc;
 *	size_t n;
 *	if (csaf_export(&doc, &n, &b, "en", &e) < 0) ... e.msg ...
 *	send(doc, n);
 *	free(doc);
 */
#ifndef VF_CSAF_OUT_H
#define VF_CSAF_OUT_H

#include <stddef.h>

#include "base/err.h"
#include "formats/bulletin.h"

/* The csaf_security_advisory document of b in *out (NUL-terminated, n bytes
 * without the NUL, in *len; the caller frees it).  *out is NULL on error. */
int csaf_export(char **out, size_t *len, const struct bulletin *b, const char *lang,
		struct err *e);

/* The same bulletin as a csaf_vex document (profile 4.5): same content,
 * category "csaf_vex". */
int csaf_vex_export(char **out, size_t *len, const struct bulletin *b, const char *lang,
		    struct err *e);

/* The index of lang ("en", "zh-CN"; NULL gives fallback) in *out; -1 if
 * lang is none of them.  Shared with osv_out.c. */
int bulletin_lang_index(const char *lang, enum bulletin_lang fallback, enum bulletin_lang *out);

/* t's text in language l, else in the other language; NULL if neither. */
const char *bulletin_text_get(const struct bulletin_text *t, enum bulletin_lang l);

/* -1 (ERR_INVALID, naming the field) if a string of b is not valid UTF-8:
 * jansson would silently drop it.  Both exporters call it first. */
int bulletin_check_utf8(const struct bulletin *b, struct err *e);

/* us (UTC microseconds) as "YYYY-MM-DDTHH:MM:SSZ" into out (at least 32 bytes). */
void bulletin_time(int64_t us, char out[32]);

#endif
