/* store_bulletin.h - SQL for the advisories we publish (bulletins), their revisions, approvals
 * and reviews, the early-release record of a case, blackout windows with MPS consents, and
 * the publication gate's decisions.
 *
 * A bulletin's fields are one JSON text (`content`); the service builds and
 * reads it, this module stores it.  Rows handed to callbacks point into the
 * statement (valid during the call only).  Every write runs in the caller's
 * transaction.  Times are microseconds since the Unix epoch, UTC; 0 = none.
 */
#ifndef VF_STORE_BULLETIN_H
#define VF_STORE_BULLETIN_H

#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

struct bulletin_row {
	int64_t id;
	const char *ident;             /* "VF-2026-0001" */
	int64_t case_id;
	const char *state;             /* draft | scheduled | published | withdrawn */
	int64_t revision;              /* the current revision's number */
	const char *content;           /* its fields, a JSON object */
	int64_t created_by;
	int64_t created_at;
	int64_t updated_at;
	int64_t scheduled_at;          /* 0 = not scheduled */
	int64_t scheduled_by;
	int64_t published_at;          /* 0 = never published */
	int64_t version;               /* bumped by every update */
};

typedef int store_bulletin_fn(void *arg, const struct bulletin_row *r, struct err *e);

/* Insert r (its id is ignored); ERR_CONFLICT if r->ident is taken. */
int store_bulletin_add(struct db_conn *c, const struct bulletin_row *r, int64_t *id,
		       struct err *e);
/* The highest number N of the idents "PREFIXN" (prefix such as "VF-2026-"), 0 if none. */
int store_bulletin_max_number(struct db_conn *c, const char *prefix, int64_t *out,
			      struct err *e);
/* The bulletin with this ident (locked for update on PostgreSQL when lock is
 * set); ERR_NOT_FOUND "bulletin_not_found". */
int store_bulletin_get(struct db_conn *c, const char *ident, int lock, store_bulletin_fn *fn,
		       void *arg, struct err *e);
/* The case's bulletins, newest first. */
int store_bulletins_of_case(struct db_conn *c, int64_t case_id, store_bulletin_fn *fn, void *arg,
			    struct err *e);
/* Write state, revision, content, updated_at, scheduled_at/by and
 * published_at of r (by r->id) and bump its version. */
int store_bulletin_update(struct db_conn *c, const struct bulletin_row *r, struct err *e);
/* Bulletins with id below before_id (0: from the newest), newest first, at
 * most limit; state NULL = any. */
int store_bulletin_list(struct db_conn *c, const char *state, int64_t before_id, int limit,
			store_bulletin_fn *fn, void *arg, struct err *e);
/* Scheduled bulletins whose scheduled_at is at or before now, oldest first. */
int store_bulletin_due(struct db_conn *c, int64_t now, int limit, store_bulletin_fn *fn,
		       void *arg, struct err *e);
/* *out = 1 if a bulletin of the case is published (for the case workflow's
 * "advisory_published" requirement), else 0. */
int store_bulletin_published_for_case(struct db_conn *c, int64_t case_id, int *out,
				      struct err *e);

struct bulletin_revision_row {
	int64_t bulletin_id;
	int64_t number;
	const char *content;           /* the full JSON of the fields at that revision */
	int64_t author_id;
	const char *author;
	int64_t at;
	const char *summary;           /* may be NULL */
};

int store_bulletin_revision_add(struct db_conn *c, const struct bulletin_revision_row *r,
				struct err *e);
/* Oldest first. */
int store_bulletin_revisions(struct db_conn *c, int64_t bulletin_id,
			     int (*fn)(void *arg, const struct bulletin_revision_row *r,
				       struct err *e),
			     void *arg, struct err *e);

struct bulletin_approval_row {
	int64_t id;
	int64_t bulletin_id;
	int64_t revision;
	int64_t user_id;
	const char *actor;
	const char *role;              /* the approver's role when they approved */
	int64_t at;
	const char *comment;
};

/* ERR_CONFLICT if the user approved this revision already. */
int store_bulletin_approval_add(struct db_conn *c, const struct bulletin_approval_row *r,
				struct err *e);
int store_bulletin_approvals(struct db_conn *c, int64_t bulletin_id,
			     int (*fn)(void *arg, const struct bulletin_approval_row *r,
				       struct err *e),
			     void *arg, struct err *e);

struct bulletin_review_row {
	int64_t id;
	int64_t bulletin_id;
	int64_t revision;
	const char *kind;              /* "attestation" | "clearance" */
	const char *finding_id;        /* clearance: the finding's id */
	int64_t user_id;
	const char *actor;
	int64_t at;
	const char *note;
};

int store_bulletin_review_add(struct db_conn *c, const struct bulletin_review_row *r,
			      struct err *e);
int store_bulletin_reviews(struct db_conn *c, int64_t bulletin_id,
			   int (*fn)(void *arg, const struct bulletin_review_row *r, struct err *e),
			   void *arg, struct err *e);

struct early_release_row {
	int64_t id;
	int64_t case_id;
	const char *step;              /* joint_assessment | report_miit | report_mps |
					* authority_assessment */
	int64_t at;
	const char *ref;
	const char *note;
	int64_t recorded_at;
	int64_t recorded_by;
	const char *actor;
};

int store_early_release_add(struct db_conn *c, const struct early_release_row *r, int64_t *id,
			    struct err *e);
/* Oldest first. */
int store_early_releases(struct db_conn *c, int64_t case_id,
			 int (*fn)(void *arg, const struct early_release_row *r, struct err *e),
			 void *arg, struct err *e);

struct blackout_row {
	int64_t id;
	const char *name;
	int64_t start_at;
	int64_t end_at;
	const char *note;
	int64_t created_at;
	int64_t created_by;
};

int store_blackout_add(struct db_conn *c, const struct blackout_row *r, int64_t *id,
		       struct err *e);
/* ERR_NOT_FOUND "blackout_not_found". */
int store_blackout_get(struct db_conn *c, int64_t id,
		       int (*fn)(void *arg, const struct blackout_row *r, struct err *e), void *arg,
		       struct err *e);
/* Windows that end after ends_after (0: all), by start. */
int store_blackouts(struct db_conn *c, int64_t ends_after,
		    int (*fn)(void *arg, const struct blackout_row *r, struct err *e), void *arg,
		    struct err *e);

struct blackout_consent_row {
	int64_t id;
	int64_t blackout_id;
	int64_t bulletin_id;           /* 0: consent for the window, any bulletin */
	const char *ref;
	int64_t at;                    /* when MPS consented */
	int64_t recorded_at;
	int64_t recorded_by;
	const char *advisory;          /* read only: the bulletin's ident, or NULL */
};

int store_blackout_consent_add(struct db_conn *c, const struct blackout_consent_row *r,
			       int64_t *id, struct err *e);
/* The window's consents (blackout_id 0: every window's), oldest first. */
int store_blackout_consents(struct db_conn *c, int64_t blackout_id,
			    int (*fn)(void *arg, const struct blackout_consent_row *r,
				      struct err *e),
			    void *arg, struct err *e);

struct gate_decision_row {
	int64_t id;
	int64_t bulletin_id;
	int64_t revision;
	const char *kind;              /* dry_run | publish | schedule | scheduled_run */
	int passed;
	int64_t evaluated_for;         /* the snapshot's now_us */
	int64_t decided_at;
	int64_t actor_id;
	const char *actor;
	const char *failed;            /* JSON array of the failed rule ids */
	const char *report;            /* the report as JSON */
};

int store_gate_decision_add(struct db_conn *c, const struct gate_decision_row *r, int64_t *id,
			    struct err *e);
/* Newest first, at most limit. */
int store_gate_decisions(struct db_conn *c, int64_t bulletin_id, int limit,
			 int (*fn)(void *arg, const struct gate_decision_row *r, struct err *e),
			 void *arg, struct err *e);

/*
 * What publication exported (the CSAF provider feed and the OSV feed serve
 * these bytes, never a new export).  A row is written once, in the
 * publishing transaction, and never changed.
 */
struct bulletin_export_row {
	int64_t bulletin_id;
	int64_t revision;
	const char *ident;             /* "VF-2026-0001" */
	const char *title;             /* the CSAF document's title */
	const char *lang;              /* the CSAF document's language */
	const char *path;              /* under the TLP directory: "2026/vf-2026-0001.json" */
	int64_t initial_release;
	int64_t current_release;
	const char *csaf;              /* the CSAF document (NULL when not selected) */
	const char *sha256;            /* its digests, lowercase hex */
	const char *sha512;
	const char *signature;         /* detached armored signature, NULL: unsigned */
	const char *signer;            /* the signing key's fingerprint, NULL: unsigned */
	const char *osv;               /* the OSV record (NULL when not selected) */
	int64_t created_at;            /* when it was made (the publication) */
};

typedef int store_export_fn(void *arg, const struct bulletin_export_row *r, struct err *e);

/* ERR_CONFLICT if (bulletin_id, revision) was exported already. */
int store_bulletin_export_add(struct db_conn *c, const struct bulletin_export_row *r,
			      struct err *e);

/* What store_bulletin_exports() and store_bulletin_export_get() read besides
 * the metadata (id, title, dates, digests, signature): the CSAF bytes, the
 * OSV bytes, or neither. */
enum export_cols { EXPORT_META, EXPORT_CSAF, EXPORT_OSV };

/* The latest export of every bulletin that is published now, ordered by
 * bulletin id. */
int store_bulletin_exports(struct db_conn *c, enum export_cols cols, store_export_fn *fn,
			   void *arg, struct err *e);
/* The latest export of a published bulletin by its document path ("2026/vf-...json";
 * by_ident = 0) or its ident (by_ident = 1); ERR_NOT_FOUND "not_published". */
int store_bulletin_export_get(struct db_conn *c, const char *key, int by_ident,
			      enum export_cols cols, store_export_fn *fn, void *arg, struct err *e);
/* How many exports published bulletins have (every revision) and the newest
 * created_at among them (0 if none): it changes whenever what
 * store_bulletin_exports() gives does, which is all the feed's lists depend on. */
int store_bulletin_exports_stamp(struct db_conn *c, int64_t *count, int64_t *newest,
				 struct err *e);

/* Remember the public key fpr signed with (nothing if it is known). */
int store_signing_key_put(struct db_conn *c, const char *fpr, const char *public_key,
			  int64_t at, struct err *e);
/* *out = a new copy of the armored public key of fpr and *first_used;
 * ERR_NOT_FOUND "key_not_found". */
int store_signing_key_get(struct db_conn *c, const char *fpr, char **out, int64_t *first_used,
			  struct err *e);

#endif
