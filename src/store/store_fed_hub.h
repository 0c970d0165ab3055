/* store_fed_hub.h - SQL for the provider <-> hub <-> national database flows (fed_hub.c).
 *
 * Every write runs in the caller's transaction.  Rows handed to callbacks
 * point into the statement and are valid during the call only.  Times are
 * microseconds since the epoch, UTC; 0 stands for NULL in optional times.
 */
#ifndef VF_STORE_FED_HUB_H
#define VF_STORE_FED_HUB_H

#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

/* ---- hub: relays of received authority reports to national databases ---- */

/* A relay of report hub_report_id to database peer peer_id, to be sent
 * (nothing if there is one already). */
int store_hub_relay_add(struct db_conn *c, int64_t hub_report_id, int64_t peer_id, int64_t now,
			struct err *e);

/* The hub_reports id of the report stored with inbox row inbox_id. */
int store_hub_report_of_inbox(struct db_conn *c, int64_t inbox_id, int64_t *id, struct err *e);

/* A relay not sent yet, with what the relay envelope needs. */
struct hub_relay_todo {
	int64_t id;
	int64_t hub_report_id;
	const char *peer_key_id;       /* the national database */
	const char *case_ref;
	int64_t version;
	const char *content_sha256;
	int64_t learned_at;
	int64_t received_at;
	const char *envelope_id;       /* the provider's envelope */
	const unsigned char *envelope; /* its sealed wire form (inbox) */
	size_t envelope_len;
	const char *provider_key_id;
	const char *provider_name;     /* NULL if none */
	const char *provider_jurisdiction;
};

/* Unsent relays, oldest first, at most limit. */
int store_hub_relays_unsent(struct db_conn *c, int limit,
			    int (*fn)(void *arg, const struct hub_relay_todo *r, struct err *e),
			    void *arg, struct err *e);
int store_hub_relay_sent(struct db_conn *c, int64_t id, const char *envelope_id, int64_t now,
			 struct err *e);

/* A relay as listed: its national database and its envelope's delivery. */
struct hub_relay_row {
	int64_t hub_report_id;
	const char *peer_key_id;
	const char *peer_name;         /* NULL if none */
	const char *peer_url;
	const char *envelope_id;       /* NULL until sent */
	const char *state;             /* pending (not sent) | queued | delivered | failed */
	int64_t attempts;
	const char *last_error;        /* NULL if none */
	int64_t delivered_at;
};

/* The relays of reports with ids in [min_id, max_id], by report and peer. */
int store_hub_relays(struct db_conn *c, int64_t min_id, int64_t max_id,
		     int (*fn)(void *arg, const struct hub_relay_row *r, struct err *e),
		     void *arg, struct err *e);

/* ---- hub: the dashboard ---- */

struct hub_provider_stat {
	int64_t peer_id;
	const char *key_id;
	const char *name;              /* NULL if none */
	const char *jurisdiction;
	int64_t reports;
	int64_t within_2_days;         /* received within 2 days of learned_at */
	int64_t unknown_learned_at;    /* reports that did not say */
	int64_t last_received_at;
};
int store_hub_provider_stats(struct db_conn *c,
			     int (*fn)(void *arg, const struct hub_provider_stat *s, struct err *e),
			     void *arg, struct err *e);

struct hub_database_stat {
	int64_t peer_id;
	const char *key_id;
	const char *name;
	const char *url;
	int removed;
	int64_t relays, pending, queued, delivered, failed;
	int64_t last_delivered_at;
};
/* Every database peer (active, or removed with relays), with its relays' states. */
int store_hub_database_stats(struct db_conn *c,
			     int (*fn)(void *arg, const struct hub_database_stat *s, struct err *e),
			     void *arg, struct err *e);

/* ---- national database: the reports a hub relayed ---- */

struct db_report_row {
	int64_t id;
	int64_t inbox_id;
	int64_t hub_peer_id;
	int64_t hub_report_id;
	const char *provider_key_id;
	const char *provider_name;     /* NULL if none */
	const char *provider_jurisdiction;
	const char *case_ref;
	int64_t version;
	const char *content_sha256;
	int64_t learned_at;
	int64_t hub_received_at;
	int64_t received_at;
	const char *hub_key_id;        /* joined */
};
/* Add (nothing if that hub's report is here already: *added 0). */
int store_db_report_add(struct db_conn *c, const struct db_report_row *r, int *added,
			struct err *e);
/* Newest first; after_id 0 for the first page. */
int store_db_reports(struct db_conn *c, int64_t after_id, int limit,
		     int (*fn)(void *arg, const struct db_report_row *r, struct err *e), void *arg,
		     struct err *e);

/* ---- hub: early-release records and the authorities' assessments ---- */

struct hub_er_row {
	int64_t id;
	int64_t inbox_id;
	int64_t provider_peer_id;
	const char *case_ref;
	const char *steps;             /* JSON array */
	int64_t received_at;
	const char *assessment;        /* JSON object, NULL until assessed */
	int64_t assessed_at;
	const char *assessed_by;
	const char *envelope_id;       /* the assessment sent back */
	/* joined */
	const char *provider_key_id;
	const char *provider_name;
};
int store_hub_er_add(struct db_conn *c, const struct hub_er_row *r, int64_t *id, struct err *e);
/* ERR_NOT_FOUND "early_release_not_found". */
int store_hub_er_get(struct db_conn *c, int64_t id,
		     int (*fn)(void *arg, const struct hub_er_row *r, struct err *e), void *arg,
		     struct err *e);
int store_hub_ers(struct db_conn *c, int64_t after_id, int limit,
		  int (*fn)(void *arg, const struct hub_er_row *r, struct err *e), void *arg,
		  struct err *e);
/* Record the assessment once (*changed 0 if it had one). */
int store_hub_er_assess(struct db_conn *c, int64_t id, const char *assessment, int64_t at,
			const char *by, int *changed, struct err *e);
int store_hub_er_set_envelope(struct db_conn *c, int64_t id, const char *envelope_id,
			      struct err *e);

/* ---- receivers: blackouts and consents taken from a hub ---- */

/* The local id of the hub's window or consent (kind "blackout" | "consent");
 * ERR_NOT_FOUND if it was not taken yet. */
int store_fed_blackout_local(struct db_conn *c, int64_t peer_id, const char *kind,
			     int64_t source_id, int64_t *local_id, struct err *e);
int store_fed_blackout_map(struct db_conn *c, int64_t peer_id, const char *kind,
			   int64_t source_id, int64_t local_id, int64_t now, struct err *e);
/* The windows taken from peers: local id, source peer key id. */
int store_fed_blackout_sources(struct db_conn *c,
			       int (*fn)(void *arg, int64_t local_id, const char *kind,
					 const char *peer_key_id, const char *peer_name,
					 int64_t source_id, struct err *e),
			       void *arg, struct err *e);

/* ---- hub: advisory-published notices ---- */

struct hub_published_row {
	int64_t id;
	int64_t inbox_id;
	int64_t provider_peer_id;
	const char *case_ref;          /* NULL if none */
	const char *advisory;
	const char *title;             /* NULL if none */
	const char *url;               /* NULL if none */
	int64_t published_at;
	int64_t received_at;
	const char *provider_key_id;   /* joined */
	const char *provider_name;
};
int store_hub_published_add(struct db_conn *c, const struct hub_published_row *r, int64_t *id,
			    struct err *e);
/* ---- on a provider: advisory-published notices to the hub ---- */

struct hub_notice_due_row {
	int64_t case_id;
	const char *advisory;          /* the bulletin's ident */
	int64_t published_at;
};

/* Published advisories (published at or after since) not yet listed as
 * told to the hub, oldest first, at most limit. */
int store_hub_notices_due(struct db_conn *c, int64_t since, int limit,
			  int (*fn)(void *arg, const struct hub_notice_due_row *r, struct err *e),
			  void *arg, struct err *e);
/* List advisory as told (envelope_id NULL when it could not be sent); a
 * second listing changes nothing. */
int store_hub_notice_sent(struct db_conn *c, const char *advisory, const char *envelope_id,
			  int64_t at, struct err *e);

int store_hub_published(struct db_conn *c, int64_t after_id, int limit,
			int (*fn)(void *arg, const struct hub_published_row *r, struct err *e),
			void *arg, struct err *e);

/* ---- provider: an authority report's submission met by the hub's receipt ---- */

/* Set receipt_number, leaf_index and submitted_at (at) of submission
 * (case_id, version) if it has no receipt yet; *changed 0 if it had one (or
 * there is none). */
int store_fed_submission_met(struct db_conn *c, int64_t case_id, int version,
			     const char *receipt_number, int64_t leaf_index, int64_t at, int *changed,
			     struct err *e);

#endif
