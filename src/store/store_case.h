/* store_case.h - SQL for cases: the case rows, their reports, events, clocks,
 * authority-report submissions and notifications.
 *
 * `details` is sealed (base/seal.h) before it gets here; this module stores
 * bytes.  Rows handed to callbacks point into the statement (valid during the
 * call only).  Every write runs in the caller's transaction.
 */
#ifndef VF_STORE_CASE_H
#define VF_STORE_CASE_H

#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

/* The need-to-know condition (Art. 11) on a row of cases under alias A ("" or
 * "c."), for SQL text: bind :vis to the reader's user id, or 0 when the
 * reader sees every case.  The one statement of the rule in SQL; the service's
 * is cases_need_to_know(). */
#define STORE_CASE_VISIBLE(A) \
	" (CAST(:vis AS BIGINT) = 0 OR " A "assignee_id = :vis OR " A "team_id IN" \
	"  (SELECT tm.team_id FROM team_members tm WHERE tm.user_id = :vis))"

struct case_row {
	int64_t id;
	char role[16];
	char state[24];
	const char *title;
	int64_t learned_at;
	int64_t created_at;
	int64_t updated_at;
	int64_t created_by;
	int64_t assignee_id;           /* 0 = none */
	int actively_exploited;
	int has_upstream;
	const char *severity;          /* NULL = none (CVSS band of the stored vector) */
	const char *cvss_vector;
	double cvss_score;             /* < 0 = none */
	const char *gbt_grade;
	const char *cwe;
	const char *cve_id, *cnvd_id, *cnnvd_id, *nvdb_id;
	int64_t duplicate_of;          /* 0 = none */
	int64_t fix_available_at;      /* 0 = none */
	int decided_not_to_publish;
	const unsigned char *details;  /* sealed JSON */
	size_t details_len;
	int64_t version;               /* bumped by every update */
	int64_t team_id;               /* the team assigned (need-to-know), 0 = none */
};

struct case_filter {
	const char *state;             /* NULL = any */
	const char *phase_states[8];   /* states of one phase (NULL-terminated), or all NULL */
	const char *role;
	int64_t assignee_id;           /* 0 = any; -1 = unassigned */
	const char *severity;
	int actively_exploited;        /* -1 = any */
	const char *q;                 /* substring of the title, or NULL */
	/* order: 0 newest id first, 1 oldest first, 2 learned_at descending, 3 learned_at
	 * ascending; keyset: rows after (after_key, after_id) in that order */
	int order;
	int64_t after_key;
	int64_t after_id;              /* 0 = from the start */
	int limit;
	int64_t visible_to;            /* need-to-know: only cases assigned to this user or to
					* a team of theirs, 0 = all */
};

typedef int store_case_fn(void *arg, const struct case_row *r, struct err *e);

int store_case_add(struct db_conn *c, const struct case_row *r, int64_t *id, struct err *e);
/* The case (locked for update on PostgreSQL when lock is set); ERR_NOT_FOUND. */
int store_case_get(struct db_conn *c, int64_t id, int lock, store_case_fn *fn, void *arg,
		   struct err *e);
/* Write every field of r (by r->id) and bump its version. */
int store_case_update(struct db_conn *c, const struct case_row *r, struct err *e);
int store_case_list(struct db_conn *c, const struct case_filter *f, store_case_fn *fn, void *arg,
		    struct err *e);

/* Link a report to a case; ERR_CONFLICT "report_in_case" if it is in one already. */
int store_case_report_add(struct db_conn *c, int64_t case_id, int64_t report_id, int64_t at,
			  struct err *e);
/* Move every report of case from into case to (a merge). */
int store_case_reports_move(struct db_conn *c, int64_t from, int64_t to, struct err *e);
int store_case_reports(struct db_conn *c, int64_t case_id,
		       int (*fn)(void *arg, int64_t report_id, struct err *e), void *arg,
		       struct err *e);
/* The state id of a case into out; ERR_NOT_FOUND if there is none. */
int store_case_state(struct db_conn *c, int64_t id, char out[24], struct err *e);
/* The case a report is in, or 0. */
int store_case_of_report(struct db_conn *c, int64_t report_id, int64_t *case_id, struct err *e);

struct case_event_row {
	int64_t id;
	int64_t case_id;
	const char *kind;              /* "transition", "created", "update", "learned_at", ... */
	int64_t at;
	int64_t actor_id;
	const char *actor;
	const char *from_state;        /* transitions only */
	const char *to_state;
	const char *reason;
	const char *detail;            /* a JSON object */
};

int store_case_event_add(struct db_conn *c, const struct case_event_row *ev, int64_t *id,
			 struct err *e);
/* In order of id. */
int store_case_events(struct db_conn *c, int64_t case_id,
		      int (*fn)(void *arg, const struct case_event_row *ev, struct err *e),
		      void *arg, struct err *e);

struct case_clock_row {
	int64_t case_id;
	const char *clock_id;
	int64_t trigger_at;
	int64_t due_at;
	const char *state;             /* pending | met | missed */
	int64_t met_by_event;          /* 0 = none */
	int64_t met_at;
	int64_t next_escalation_at;    /* 0 = none */
};

/* Replace the case's clocks with these n rows. */
int store_case_clocks_set(struct db_conn *c, int64_t case_id, const struct case_clock_row *rows,
			  size_t n, struct err *e);
int store_case_clocks(struct db_conn *c, int64_t case_id,
		      int (*fn)(void *arg, const struct case_clock_row *r, struct err *e),
		      void *arg, struct err *e);

struct clock_filter {
	const char *state;             /* pending | met | missed | NULL; evaluated at now */
	int64_t now;
	int64_t due_before;            /* 0 = any */
	int64_t visible_to;            /* as in struct case_filter */
	int64_t after_due, after_case; /* keyset on (due_at, case_id); after_case 0 = start */
	const char *after_clock;
	int limit;
};

/* Clocks of every case by due time (state "missed" includes pending ones past due). */
int store_clocks_list(struct db_conn *c, const struct clock_filter *f,
		      int (*fn)(void *arg, const struct case_clock_row *r, struct err *e),
		      void *arg, struct err *e);

/* Clocks whose next escalation point is at or before now (pending ones), oldest first. */
int store_clocks_escalation_due(struct db_conn *c, int64_t now, int limit,
				int (*fn)(void *arg, const struct case_clock_row *r, struct err *e),
				void *arg, struct err *e);

struct authority_submission_row {
	int64_t id;
	int64_t case_id;
	int version;
	const char *channel;
	int64_t submitted_at;
	const char *receipt_number;
	const char *content_hash;
	const unsigned char *content;  /* sealed */
	size_t content_len;
	int64_t leaf_index;            /* -1 = none */
	int64_t recorded_at;
	int64_t recorded_by;
};

int store_authority_submission_add(struct db_conn *c, const struct authority_submission_row *s,
				   int64_t *id, struct err *e);
/* Submissions of the case that are in the receipt log. */
int store_case_submissions_count(struct db_conn *c, int64_t case_id, int64_t *n, struct err *e);
int store_authority_submission_set_leaf(struct db_conn *c, int64_t id, int64_t leaf_index,
					struct err *e);
int store_authority_submission_delete(struct db_conn *c, int64_t id, struct err *e);
int store_authority_submissions(struct db_conn *c, int64_t case_id,
				int (*fn)(void *arg, const struct authority_submission_row *s,
					  struct err *e),
				void *arg, struct err *e);

struct notification_row {
	int64_t id;
	int64_t case_id;
	const char *kind;              /* upstream | downstream | reporter */
	const char *recipient_name;
	const char *email;
	const char *country;
	int is_provider;
	const char *status;            /* sent | refused | failed | recorded */
	const char *code;              /* why refused/failed, e.g. "rmsv_9_7_overseas" */
	const char *message_id;
	int64_t created_at;
	int64_t sent_at;               /* 0 = not sent */
	const char *detail;            /* a JSON object */
};

int store_notification_add(struct db_conn *c, const struct notification_row *n, int64_t *id,
			   struct err *e);
int store_notifications(struct db_conn *c, int64_t case_id,
			int (*fn)(void *arg, const struct notification_row *n, struct err *e),
			void *arg, struct err *e);

#endif
