/* store_platform.h - SQL for the platform side of federation: filings, the hub's registry,
 * the provider directory, the programs researchers designate, routed reports with their status
 * and advisories, and on a provider the advisories sent back.
 *
 * Every write runs in the caller's transaction (or autocommit on a bare
 * connection).  Rows handed to callbacks point into the statement and are
 * valid during the call only.  Times are microseconds since the epoch, UTC;
 * 0 stands for NULL in optional integer columns, NULL for optional text.
 */
#ifndef VF_STORE_PLATFORM_H
#define VF_STORE_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

/* ---- a platform's own filing data (Art. 10), one row per version ---- */

struct platform_filing_row {
	int64_t id;	  /* the version */
	const char *data; /* the filing as compact JSON */
	int64_t created_at;
	int64_t created_by;	 /* a user id, 0 for the CLI */
	const char *envelope_id; /* the platform_filing envelope sent, or NULL */
	/* the hub's review (filing_review), NULL / 0 until one arrives */
	const char *review_state; /* accepted | returned */
	const char *review_note;
	int64_t reviewed_at; /* the hub's time of the decision */
};

int store_platform_filing_add(struct db_conn *c, const struct platform_filing_row *r, int64_t *id,
			      struct err *e);
int store_platform_filing_set_envelope(struct db_conn *c, int64_t id, const char *envelope_id,
				       struct err *e);
/* fn once with the newest version; ERR_NOT_FOUND "no_filing" if none. */
int store_platform_filing_latest(struct db_conn *c,
				 int (*fn)(void *arg, const struct platform_filing_row *r,
					   struct err *e),
				 void *arg, struct err *e);
/* Keep the hub's decision on version (a filing_review); a decision on the
 * same version again replaces it.  *found 0 if there is no such version. */
int store_platform_filing_review(struct db_conn *c, int64_t version, const char *state,
				 const char *note, int64_t reviewed_at, int *found, struct err *e);

/* ---- a hub's registry: filings received from platform peers ---- */

struct hub_filing_row {
	int64_t id;
	int64_t inbox_id;
	int64_t peer_id;
	int64_t version;  /* the platform's version number */
	const char *data; /* the filing as compact JSON */
	int64_t received_at;
	/* joined */
	const char *peer_key_id;
	const char *peer_url;
	const char *peer_jurisdiction;
	int64_t first_received_at; /* registry: the platform's first accepted filing */
	/* the hub's review */
	const char *review_state; /* pending | accepted | returned */
	const char *review_note;  /* NULL if none */
	const char *reviewed_by;  /* who (an e-mail address, "cli"), NULL if not yet */
	int64_t reviewed_at;	  /* 0 if not yet */
	const char *peer_name;	  /* NULL if none */
};

typedef int store_hub_filing_fn(void *arg, const struct hub_filing_row *r, struct err *e);

int store_hub_filing_add(struct db_conn *c, const struct hub_filing_row *r, int64_t *id,
			 struct err *e);
/* The newest accepted filing (highest version) of each active platform
 * peer, in the order of their first accepted filing; newer pending or
 * returned versions do not hide it. */
int store_hub_registry_list(struct db_conn *c,
			    int (*fn)(void *arg, const struct hub_filing_row *r, struct err *e),
			    void *arg, struct err *e);
/* Received filings in review state (NULL: all) with id > after, by id, at
 * most limit (first_received_at 0). */
int store_hub_filing_list(struct db_conn *c, const char *state, int64_t after, int limit,
			  store_hub_filing_fn *fn, void *arg, struct err *e);
/* fn once; ERR_NOT_FOUND "unknown_filing". */
int store_hub_filing_get(struct db_conn *c, int64_t id, store_hub_filing_fn *fn, void *arg,
			 struct err *e);
/* Record the decision (accepted | returned) on a pending filing; *changed 0
 * if it was not pending (reviewed before, or no such filing). */
int store_hub_filing_review(struct db_conn *c, int64_t id, const char *state, const char *note,
			    const char *by, int64_t at, int *changed, struct err *e);
/* The filing_review envelope sent back to the platform. */
int store_hub_filing_set_review_envelope(struct db_conn *c, int64_t id, const char *envelope_id,
					 struct err *e);

/* ---- a platform's provider directory ---- */

struct platform_provider_row {
	int64_t id;
	const char *name;
	const char *patterns;	  /* JSON array of glob patterns on the product name */
	const char *peer_key_id;  /* a provider peer, or NULL: e-mail fallback */
	const char *email;	  /* NULL if none */
	const char *jurisdiction; /* ISO 3166-1 alpha-2, NULL if unknown */
	int64_t created_at;
	int64_t removed_at; /* 0: active */
	int64_t min_level;  /* 1..3: the lowest researcher level that sees the entry */
};

int store_platform_provider_add(struct db_conn *c, const struct platform_provider_row *r,
				int64_t *id, struct err *e);
/* fn once; ERR_NOT_FOUND "unknown_provider". */
int store_platform_provider_get(struct db_conn *c, int64_t id,
				int (*fn)(void *arg, const struct platform_provider_row *r,
					  struct err *e),
				void *arg, struct err *e);
/* Active entries by id (removed ones too with all). */
int store_platform_provider_list(struct db_conn *c, int all,
				 int (*fn)(void *arg, const struct platform_provider_row *r,
					   struct err *e),
				 void *arg, struct err *e);
int store_platform_provider_remove(struct db_conn *c, int64_t id, int64_t now, int *changed,
				   struct err *e);
/* What a researcher of level sees: active entries with min_level <= level, by id. */
int store_platform_provider_visible(struct db_conn *c, int64_t level,
				    int (*fn)(void *arg, const struct platform_provider_row *r,
					      struct err *e),
				    void *arg, struct err *e);

/* ---- programs: the directory entry a researcher designated for their report ---- */

struct platform_program_row {
	int64_t report_id;
	int64_t provider_id;
	int64_t user_id; /* who designated it (the report's reporter) */
	int64_t designated_at;
	/* joined: the entry */
	const char *provider_name;
	int64_t provider_min_level;
	int64_t provider_removed_at; /* 0: active */
};

typedef int store_program_fn(void *arg, const struct platform_program_row *r, struct err *e);

/* Insert, or replace the report's designation (one per report). */
int store_platform_program_put(struct db_conn *c, const struct platform_program_row *r,
			       struct err *e);
/* fn once; ERR_NOT_FOUND "no_program" if the report has none. */
int store_platform_program_get(struct db_conn *c, int64_t report_id, store_program_fn *fn,
			       void *arg, struct err *e);

/* ---- a platform's routed reports ---- */

struct platform_routed_row {
	int64_t id;
	int64_t report_id;
	int64_t provider_id;
	const char *channel;	 /* federation | email */
	const char *envelope_id; /* NULL for e-mail */
	const char *message_id;	 /* NULL for an envelope */
	const char *guard;	 /* JSON: the overseas guard's evidence */
	int64_t routed_at;
	int64_t routed_by;
	const char *status;	   /* the provider's last case state, NULL if none yet */
	const char *status_detail; /* JSON, NULL if none */
	int64_t status_at;
	/* joined */
	const char *provider_name;
	const char *provider_peer_key_id;
	int designated; /* the entry is the program designated for the report */
	/* the newest advisory the provider said it published (advisory NULL: none) */
	const char *advisory;
	const char *advisory_title; /* NULL if none */
	const char *advisory_url;   /* NULL if none */
	int64_t advisory_published_at;
};

typedef int store_routed_fn(void *arg, const struct platform_routed_row *r, struct err *e);

int store_platform_routed_add(struct db_conn *c, const struct platform_routed_row *r, int64_t *id,
			      struct err *e);
/* fn once; ERR_NOT_FOUND "unknown_routing". */
int store_platform_routed_get(struct db_conn *c, int64_t id, store_routed_fn *fn, void *arg,
			      struct err *e);
/* A report's routings, oldest first (report_id 0: all, newest first, at most limit). */
int store_platform_routed_list(struct db_conn *c, int64_t report_id, int limit, store_routed_fn *fn,
			       void *arg, struct err *e);
/* The envelope sent or the mail's Message-ID (either may be NULL). */
int store_platform_routed_set_envelope(struct db_conn *c, int64_t id, const char *envelope_id,
				       const char *message_id, struct err *e);
/* Drop a routing whose envelope could not be queued. */
int store_platform_routed_delete(struct db_conn *c, int64_t id, struct err *e);
/* Record the provider's status (only if at is not older than the one kept). */
int store_platform_routed_set_status(struct db_conn *c, int64_t id, const char *status,
				     const char *detail, int64_t at, struct err *e);

/* An advisory the provider of a routing published (advisory_published). */
struct platform_advisory_row {
	int64_t routed_id;
	int64_t inbox_id;     /* the envelope's inbox row */
	const char *advisory; /* the provider's advisory id */
	const char *title;    /* NULL if none */
	const char *url;      /* NULL if none */
	int64_t published_at;
	int64_t received_at;
};

/* Keep it once per (routing, advisory): *added 0 when it was known (the first is kept). */
int store_platform_routed_advisory_add(struct db_conn *c, const struct platform_advisory_row *r,
				       int *added, struct err *e);

/* ---- a provider's reports routed in by platforms ---- */

struct provider_in_row {
	int64_t id;
	int64_t inbox_id;
	int64_t peer_id;
	const char *platform_ref;
	const char *envelope_id; /* the report_routed envelope (its inbox row holds it) */
	int64_t received_at;
	int64_t report_id;	/* 0 until it is in intake */
	const char *sent_state; /* the last state sent back, NULL if none */
	/* joined: the case made from the report (0 / NULL if none) */
	int64_t case_id;
	const char *case_state;
	const char *peer_key_id;
};

typedef int store_provider_in_fn(void *arg, const struct provider_in_row *r, struct err *e);

int store_provider_in_add(struct db_conn *c, const struct provider_in_row *r, int64_t *id,
			  struct err *e);
/* *found 1 if that platform's reference was received before. */
int store_provider_in_exists(struct db_conn *c, int64_t peer_id, const char *platform_ref,
			     int *found, struct err *e);
/* Rows not yet in intake, oldest first, at most limit. */
int store_provider_in_pending(struct db_conn *c, int limit, store_provider_in_fn *fn, void *arg,
			      struct err *e);
int store_provider_in_set_report(struct db_conn *c, int64_t id, int64_t report_id, struct err *e);
/* Rows whose report is in a case whose state differs from sent_state. */
int store_provider_in_changed(struct db_conn *c, int limit, store_provider_in_fn *fn, void *arg,
			      struct err *e);
int store_provider_in_set_sent(struct db_conn *c, int64_t id, const char *state, struct err *e);

/* A published advisory of the case made from a routed report, not yet sent to its platform. */
struct provider_advisory_due_row {
	int64_t routed_in_id;
	const char *platform_ref;
	const char *peer_key_id; /* the platform peer */
	int64_t case_id;
	const char *advisory; /* the bulletin's ident */
	const char *content;  /* the bulletin's fields (JSON) */
	int64_t published_at;
};

typedef int store_provider_adv_fn(void *arg, const struct provider_advisory_due_row *r,
				  struct err *e);

/* Pairs (routed report, published advisory of its case) not yet marked sent, oldest
 * publication first, at most limit. */
int store_provider_in_advisories_due(struct db_conn *c, int limit, store_provider_adv_fn *fn,
				     void *arg, struct err *e);
/* Mark one pair sent (envelope_id NULL: it could not be sent, not tried again). */
int store_provider_in_advisory_sent(struct db_conn *c, int64_t routed_in_id, const char *advisory,
				    const char *envelope_id, int64_t at, struct err *e);

/* ---- a platform's researchers ---- */

struct researcher_row {
	int64_t user_id;
	const unsigned char *identity; /* sealed JSON {name,id_number,phone}, NULL if none */
	size_t identity_len;
	int64_t identity_at;
	const char *verification; /* unverified | pending | verified | rejected */
	int64_t verified_by;
	int64_t verified_at;
	const char *verification_note; /* NULL if none */
	int64_t level;		       /* 1..3 */
	int64_t updated_at;
	/* joined */
	const char *email;
	/* computed from the cases of the user's reports */
	int64_t valid, invalid, pending;
};

typedef int store_researcher_fn(void *arg, const struct researcher_row *r, struct err *e);

/* Insert or replace the row of r->user_id (every column). */
int store_researcher_put(struct db_conn *c, const struct researcher_row *r, struct err *e);
/* fn once; ERR_NOT_FOUND "unknown_researcher" if the user has no row. */
int store_researcher_get(struct db_conn *c, int64_t user_id, store_researcher_fn *fn, void *arg,
			 struct err *e);
/* Rows by user id after after_id, at most limit. */
int store_researcher_list(struct db_conn *c, int64_t after_id, int limit, store_researcher_fn *fn,
			  void *arg, struct err *e);
/* The user's reports by outcome: valid (their case, or a provider they were routed to,
 * verified them or went further), invalid (rejected, duplicate, or marked spam),
 * pending (in triage, in no case, no answer yet). */
int store_researcher_outcomes(struct db_conn *c, int64_t user_id, int64_t *valid, int64_t *invalid,
			      int64_t *pending, struct err *e);

#endif
