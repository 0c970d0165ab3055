/* advisories.h - importing vulnerability data: OSV records and CSAF 2.0 documents.
 *
 * A provider learns of vulnerabilities in its components from upstream
 * advisories (Art. 7(1)).  advisories_import_path() takes a file, a
 * directory (every *.json below it) or a zip archive (an OSV ecosystem
 * export such as all.zip, read with libzip), parses each document
 * (formats/advisory.h), stores it by its id with its affected ranges, and
 * matches it against the known components (impact.h), committing every
 * ADVISORIES_BATCH documents.  Re-importing is idempotent: a document whose
 * SHA-256 is the stored one is skipped ("unchanged"); a changed one
 * replaces its ranges and matches.  A document that does not parse is
 * counted and reported, and the import goes on.
 */
#ifndef VF_ADVISORIES_H
#define VF_ADVISORIES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "service/account.h"
#include "store/db.h"

#define ADVISORIES_BATCH 500

struct advisories_stats {
	int64_t documents;     /* read */
	int64_t created;
	int64_t updated;
	int64_t unchanged;
	int64_t failed;        /* did not parse */
	int64_t ranges;        /* stored for created and updated ones */
	int64_t matches;       /* new matches */
	int64_t notes;         /* parts of documents that could not be matched */
};

/* Called after each document (for progress): name is the file or the zip
 * entry, rc 0 or -1 with e its error. */
typedef void advisories_progress_fn(void *arg, const char *name,
				    const struct advisories_stats *st, int rc,
				    const struct err *e);

int advisories_import_path(struct db *db, const struct actor *a, const char *path,
			   advisories_progress_fn *progress, void *arg,
			   struct advisories_stats *st, struct err *e);

/* One document from memory (the API): *out = {"id","state":"created"|
 * "updated"|"unchanged","ranges","matches","notes":[...]}. */
int advisories_import_doc(struct db *db, const struct actor *a, const char *doc, size_t len,
			  json_t **out, struct err *e);

/* Stored advisories with id > after, at most limit, by id (the impact of one:
 * impact_of_advisory()). */
int advisories_list(struct db *db, int64_t after, int limit, json_t **out, struct err *e);

#endif
