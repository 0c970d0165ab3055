/* store_advisory.h - SQL for advisories, their affected ranges, matches and VEX statements.
 *
 * An advisory is stored once per ident (the OSV id, the CSAF tracking id)
 * with the hash of the document it came from, so a re-import of the same
 * document changes nothing.  Its ranges are (package key, vers) rows.  A
 * match says that one component (of one product version) is in a range of
 * one advisory; matches are kept, so questions about impact are reads.  The
 * candidate queries join components and ranges on the package key (both
 * indexed); whether a version is in a range is decided by the caller
 * (rules/vers.h), not SQL.  Row strings are valid only during the callback.
 */
#ifndef VF_STORE_ADVISORY_H
#define VF_STORE_ADVISORY_H

#include <stdint.h>

#include "store/db.h"

struct advisory_row {
	int64_t id;
	const char *ident;
	const char *source;            /* "osv" or "csaf" */
	const char *aliases;           /* JSON array */
	const char *summary;
	const char *published;
	const char *modified;
	const char *withdrawn;
	const char *doc_hash;
	int64_t imported_at;
	int64_t updated_at;
};

struct range_row {
	int64_t id;
	int64_t advisory_id;
	const char *pkg_type;
	const char *pkg_namespace;
	const char *pkg_name;
	const char *vers;
	const char *fixed;
};

/* A component and a range of the same package: a possible match. */
struct candidate_row {
	int64_t component_id;
	int64_t version_id;
	const char *pkg_version;       /* the component's version */
	int64_t range_id;
	int64_t advisory_id;
	const char *vers;
	const char *name;              /* store_components_of_package() only, else NULL */
	const char *purl;              /* ditto */
};

/* One match with what the impact questions show of it. */
struct match_row {
	int64_t advisory_id;
	const char *ident;
	const char *aliases;
	const char *summary;
	int64_t component_id;
	const char *component;         /* name */
	const char *component_version;
	const char *purl;
	int64_t product_id;
	const char *product;
	const char *model;
	const char *vendor;
	int64_t version_id;
	const char *version;
	const char *vex_status;        /* NULL when there is no VEX statement */
	const char *vex_justification;
};

struct vex_row {
	int64_t advisory_id;
	const char *ident;
	int64_t version_id;
	const char *status;
	const char *justification;
	const char *detail;
	int64_t updated_at;
	const char *updated_by;
};

typedef int store_advisory_fn(void *arg, const struct advisory_row *a, struct err *e);
typedef int store_range_fn(void *arg, const struct range_row *r, struct err *e);
typedef int store_candidate_fn(void *arg, const struct candidate_row *c, struct err *e);
typedef int store_match_fn(void *arg, const struct match_row *m, struct err *e);
typedef int store_vex_fn(void *arg, const struct vex_row *v, struct err *e);

/* The id and document hash of the advisory ident; *id 0 when it is new.
 * hash must hold 65 bytes. */
int store_advisory_find(struct db_conn *c, const char *ident, int64_t *id, char *hash,
			struct err *e);
int store_advisory_insert(struct db_conn *c, const struct advisory_row *a, int64_t *id,
			  struct err *e);
/* Replace a->id's fields and drop its ranges and matches (a new version of
 * the document: the caller adds the ranges and matches again). */
int store_advisory_replace(struct db_conn *c, const struct advisory_row *a, struct err *e);
/* fn once; ERR_NOT_FOUND if there is no advisory of that ident. */
int store_advisory_get(struct db_conn *c, const char *ident, store_advisory_fn *fn, void *arg,
		       struct err *e);
/* Advisories with id > after, by id, at most limit. */
int store_advisory_list(struct db_conn *c, int64_t after, int limit, store_advisory_fn *fn,
			void *arg, struct err *e);
int store_advisory_count(struct db_conn *c, int64_t *n, struct err *e);

int store_range_insert(struct db_conn *c, const struct range_row *r, int64_t *id, struct err *e);
int store_range_list(struct db_conn *c, int64_t advisory_id, store_range_fn *fn, void *arg,
		     struct err *e);

/* Candidates: the components of a version against every range of their
 * packages; the ranges of an advisory against every component of their
 * packages; every component against every range (a full match). */
int store_candidates_for_version(struct db_conn *c, int64_t version_id, store_candidate_fn *fn,
				 void *arg, struct err *e);
int store_candidates_for_advisory(struct db_conn *c, int64_t advisory_id,
				  store_candidate_fn *fn, void *arg, struct err *e);
int store_candidates_all(struct db_conn *c, store_candidate_fn *fn, void *arg, struct err *e);
/* The components of one package (range fields of the rows are 0/NULL). */
int store_components_of_package(struct db_conn *c, const char *type, const char *ns,
				const char *name, store_candidate_fn *fn, void *arg,
				struct err *e);
/* Every range, and every component with a package key and a version, with
 * their package keys (a full match joins them in memory). */
struct keyed_row {
	int64_t id;                    /* range or component id */
	int64_t owner_id;              /* the range's advisory, the component's version */
	const char *pkg_type;
	const char *pkg_namespace;
	const char *pkg_name;
	const char *text;              /* the range's vers, the component's version */
};
typedef int store_keyed_fn(void *arg, const struct keyed_row *r, struct err *e);
int store_ranges_all(struct db_conn *c, store_keyed_fn *fn, void *arg, struct err *e);
int store_components_all(struct db_conn *c, store_keyed_fn *fn, void *arg, struct err *e);
/* The plain SQL join a full match starts from, counted: the benchmark's baseline. */
int store_candidates_count(struct db_conn *c, int64_t *n, struct err *e);

/* Record a match (nothing if it is known). */
int store_match_insert(struct db_conn *c, int64_t advisory_id, int64_t component_id,
		       int64_t version_id, struct err *e);
int store_match_clear_all(struct db_conn *c, struct err *e);
int store_match_count(struct db_conn *c, int64_t *n, struct err *e);
/* The matches of one product version (by advisory ident), or of one
 * advisory (by product and version); with their VEX status. */
int store_matches_of_version(struct db_conn *c, int64_t version_id, store_match_fn *fn,
			     void *arg, struct err *e);
int store_matches_of_advisory(struct db_conn *c, int64_t advisory_id, store_match_fn *fn,
			      void *arg, struct err *e);

/* Set the VEX statement of (advisory, version), replacing any. */
int store_vex_put(struct db_conn *c, const struct vex_row *v, struct err *e);
/* The statements of a version, by advisory ident. */
int store_vex_list(struct db_conn *c, int64_t version_id, store_vex_fn *fn, void *arg,
		   struct err *e);

#endif
