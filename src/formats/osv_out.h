/* osv_out.h - a bulletin as an OSV record (OSV schema 1.6; pure).
 *
 * The record:
 *
 *   id          "x_" + the bulletin id ("x_VF-2026-0001").  The OSV schema's id
 *               pattern allows only the registered home-database prefixes
 *               (CVE-, GHSA-, PYSEC-, ...) or "x_", the form for databases not
 *               registered with OSV; "VF-" is not registered, so our records use
 *               "x_".  The bare id is in database_specific.vulnflow_id.
 *   published, modified   initial_release and current_release (UTC, seconds).
 *   aliases     the CVE, then every other alias (CNVD, CNNVD, GHSA, ...), once each.
 *   summary     the title; details: summary, description, remediation and
 *               workarounds (Markdown, the last two under a heading).
 *   severity    CVSS_V3 and CVSS_V4 with the normalised vectors (rules/cvss).
 *   affected    one entry per component whose purl type maps to an OSV
 *               ecosystem (npm, PyPI, Maven, Go, crates.io, RubyGems, NuGet,
 *               Packagist, Hex, Pub, ConanCenter, CRAN, Hackage, SwiftURL,
 *               GitHub Actions, Debian/Ubuntu, Alpine/Wolfi/Chainguard, Red Hat,
 *               SUSE, openSUSE, Rocky Linux, AlmaLinux, ...): package {ecosystem,
 *               name, purl (without version)}, ranges [{type, events}] from
 *               introduced ("0" when NULL) and fixed, type SEMVER for npm,
 *               crates.io and Go (a leading "v" dropped for Go), ECOSYSTEM
 *               otherwise; the component's vers in database_specific.vers.
 *               Components without an ecosystem (generic, ...) are listed in
 *               database_specific.unmapped_purls.
 *   references  ADVISORY for the self reference, WEB for the others.
 *   credits     name ("name (organization)").
 *   database_specific  vulnflow_id, publisher, cwe_ids, gbt30279_grade, severity.
 *
 * Deterministic output (fixed member order, input order kept).  Errors are
 * ERR_INVALID: no id or title, an unknown lang, a CVSS vector that does not
 * score, a component purl that does not parse.
 */
#ifndef VF_OSV_OUT_H
#define VF_OSV_OUT_H

#include <stddef.h>

#include "base/err.h"
#include "formats/bulletin.h"

#define OSV_OUT_SCHEMA_VERSION "1.6.0"

/* The OSV record of b in *out (NUL-terminated, length in *len; the caller
 * frees it), text in lang ("en", "zh-CN"; NULL: b->lang, else "en"). */
int osv_export(char **out, size_t *len, const struct bulletin *b, const char *lang,
	       struct err *e);

/* The OSV id of bulletin id ("x_" + id) into out; -1 if it does not fit. */
int osv_export_id(const char *id, char *out, size_t size);

#endif
