/* cases_impl.h - what the files of the case service share (not for other modules). */
#ifndef VF_CASES_IMPL_H
#define VF_CASES_IMPL_H

#include <jansson.h>
#include <stdint.h>

#include "rules/case.h"
#include "rules/clock.h"
#include "service/cases.h"
#include "store/db.h"

struct gbt30279;
struct gcommit;

struct cases {
	struct instance *in;
	struct intake *it;
	struct clock_policy *policy;
	struct gbt30279 *gbt;          /* the classification tree, for gbt_class */
	struct gcommit *audit_writer;  /* batches the audit events of reads */
	struct federation *fed;        /* the hub channel (issue 9); NULL: none */
};

/* A case as loaded: columns, and the details opened (a JSON object). */
struct case_data {
	int64_t id;
	char role[16];
	char state[24];
	char *title;
	int64_t learned_at, created_at, updated_at, created_by, assignee_id;
	int actively_exploited;
	char *severity, *cvss_vector, *gbt_grade, *cwe;
	double cvss_score;
	char *cve_id, *cnvd_id, *cnnvd_id, *nvdb_id;
	int64_t duplicate_of, fix_available_at;
	int decided_not_to_publish;
	json_t *details;
	int64_t version;
	int64_t team_id;               /* 0 = none */
};

void case_data_free(struct case_data *d);
int case_load(struct cases *cs, struct db_conn *c, int64_t id, int lock, struct case_data *d,
	      struct err *e);
/* Write d back (its details sealed again), in c's transaction. */
int case_save(struct cases *cs, struct db_conn *c, struct case_data *d, struct err *e);
int case_has_upstream(const struct case_data *d);
enum case_level case_actor_level(const struct case_actor *a);
/* Need-to-know: 0 if a may see d (c: for the team check); ERR_NOT_FOUND if not. */
int case_visible(struct db_conn *c, const struct case_actor *a, const struct case_data *d,
		 struct err *e);
/* Write an event (detail consumed); *id (if not NULL) gets its id. */
int case_event(struct db_conn *c, const struct case_actor *a, int64_t case_id, const char *kind,
	       int64_t at, const char *from, const char *to, const char *reason, json_t *detail,
	       int64_t *id, struct err *e);
int case_clocks_eval(struct cases *cs, struct db_conn *c, const struct case_data *d, int64_t now,
		     struct clock_status **out, size_t *n, struct err *e);
int case_clocks_store(struct cases *cs, struct db_conn *c, const struct case_data *d,
		      struct err *e);
json_t *case_clocks_json(struct cases *cs, const struct clock_status *st, size_t n);
json_t *case_time_json(int64_t us);
json_t *case_time_local_json(int64_t us);
json_t *case_summary_json(const struct case_data *d);
/* What the guards need from other tables than the case's own row. */
struct case_stored {
	int submissions;         /* authority-report submissions */
	int advisory_published;  /* a published advisory (bulletin) of the case */
};
int case_stored_facts(struct db_conn *c, int64_t id, struct case_stored *s, struct err *e);
void case_facts_fill(struct case_facts *f, const struct case_data *d, const struct case_actor *a,
		     int has_reason, const struct case_stored *s);
int case_tx_begin(struct cases *cs, struct db_conn **c, struct err *e);
/* Record a read of undisclosed details (detail consumed); returns after the
 * event is committed, in a batch with other reads' events (group commit):
 * a read costs no write transaction of its own. */
int case_audit_read(struct cases *cs, const struct case_actor *a, const char *action,
		    int64_t id, json_t *detail, struct err *e);
/* Commit when rc is 0, else roll back; release c; the final rc. */
int case_tx_end(struct db_conn *c, int rc, struct err *e);

/* case_fields.c: apply the fields of body to d (creating: the create rules);
 * changed (if not NULL) gets the names of the fields that changed. */
int case_apply(struct cases *cs, struct case_data *d, json_t *body, int creating, struct err *e);
int case_apply_tracked(struct cases *cs, struct case_data *d, json_t *body, int creating,
		       json_t *changed, struct err *e);

/* case_reporters.c: after a transition from -> to of case id, an e-mail to the
 * reporter of each report in report_ids (in the report's language, nothing
 * undisclosed); every message recorded as a "reporter" notification, a
 * "reporter_update" event.  *out: the results (NULL when there is no mail relay
 * or no report: nothing is sent or recorded then). */
int case_reporter_updates(struct cases *cs, const struct case_actor *a, int64_t id,
			  const char *from, const char *to, json_t *report_ids, json_t **out,
			  struct err *e);

/* case_share.c: a recipient object {"name","email","country","is_provider"} is
 * well formed (what: its name in messages). */
int case_recipient_check(json_t *r, const char *what, struct err *e);

/* case_report.c: a recipient's "webhook" {"url","secret_ref"} is well formed
 * (recipient i, for the message); a delivery's evidence as JSON. */
struct webhook_result;
int case_webhook_check(json_t *wh, size_t i, struct err *e);
json_t *case_webhook_evidence(const struct webhook_result *wr, const char *url);

#endif
