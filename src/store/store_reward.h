/* store_reward.h - SQL for rewards (Art. 7(4)): policy versions, decisions, their history.
 *
 * Rows handed to callbacks point into the statement (valid during the call
 * only).  Every write runs in the caller's transaction.  Amounts are minor
 * units (fen); times microseconds since the epoch, UTC; 0 stands for NULL in
 * the optional integer columns (ids, times) and -1 in range_min/range_max.
 */
#ifndef VF_STORE_REWARD_H
#define VF_STORE_REWARD_H

#include <stdint.h>

#include "store/db.h"

struct reward_policy_row {
	int64_t version;
	const char *document;          /* canonical JSON (rules/reward.h) */
	const char *note;              /* why it changed, or NULL */
	int64_t created_at;
	int64_t created_by;
	const char *created_by_name;
};

typedef int store_reward_policy_fn(void *arg, const struct reward_policy_row *p, struct err *e);

/* Add the next version (the latest + 1) and answer it in *version. */
int store_reward_policy_add(struct db_conn *c, const struct reward_policy_row *p,
			    int64_t *version, struct err *e);
/* The given version, or the latest when version is 0; ERR_NOT_FOUND if none. */
int store_reward_policy_get(struct db_conn *c, int64_t version, store_reward_policy_fn *fn,
			    void *arg, struct err *e);
/* Every version, newest first. */
int store_reward_policy_list(struct db_conn *c, store_reward_policy_fn *fn, void *arg,
			     struct err *e);

/* What a decision needs of its case. */
struct reward_case_row {
	int64_t id;
	int64_t assignee_id;           /* 0 = none */
	int64_t team_id;               /* the team assigned, 0 = none */
	const char *state;
	const char *title;
	const char *gbt_grade;         /* as the case stores it (超危 ...), or NULL */
	const char *severity;          /* the CVSS band, or NULL */
};

int store_reward_case(struct db_conn *c, int64_t case_id,
		      int (*fn)(void *arg, const struct reward_case_row *r, struct err *e),
		      void *arg, struct err *e);
/* The reporter account of report_id if that report is in case_id: *in_case
 * 1/0, *user_id its reporter_user_id (0 anonymous). */
int store_reward_case_report(struct db_conn *c, int64_t case_id, int64_t report_id,
			     int *in_case, int64_t *user_id, struct err *e);
/* The reports of case_id sent by the reporter account user_id, by id. */
int store_reward_case_reports_of(struct db_conn *c, int64_t case_id, int64_t user_id,
				 int (*fn)(void *arg, int64_t report_id, struct err *e), void *arg,
				 struct err *e);

struct reward_row {
	int64_t id;
	int64_t case_id;
	const char *reporter_key;      /* "user:7" or "report:12": one live decision per key */
	int64_t reporter_user_id;
	int64_t report_id;
	const char *reporter_label;
	int64_t amount;
	const char *currency;
	const char *state;
	int within_policy;
	int64_t policy_version;
	int64_t range_min, range_max;  /* -1 = no range applied */
	const char *grade, *cvss_severity;
	const char *reason;
	int64_t proposed_by;
	const char *proposed_by_name;
	int64_t proposed_at;
	int64_t approved_by;
	const char *approved_by_name;
	int64_t approved_at;
	int64_t paid_at;
	const char *paid_reference;
	const char *paid_recorded_by_name;
	const char *rejected_by_name;
	int64_t rejected_at;
	const char *reject_reason;
	int64_t updated_at;
	int64_t version;
};

typedef int store_reward_fn(void *arg, const struct reward_row *r, struct err *e);

/* Insert r; a live decision for the same case and reporter is ERR_CONFLICT. */
int store_reward_add(struct db_conn *c, const struct reward_row *r, int64_t *id, struct err *e);
/* The decision (locked for update on PostgreSQL when lock is set); ERR_NOT_FOUND. */
int store_reward_get(struct db_conn *c, int64_t id, int lock, store_reward_fn *fn, void *arg,
		     struct err *e);
/* Write the state of r and the step columns it sets (NULL strings and 0
 * ids and times leave a column as it is) where id and version match (the
 * version is bumped); ERR_CONFLICT if the row changed meanwhile. */
int store_reward_update(struct db_conn *c, const struct reward_row *r, struct err *e);

struct reward_filter {
	const char *state;             /* NULL = any */
	int64_t case_id;               /* 0 = any */
	int64_t reporter_user_id;      /* 0 = any */
	const char *reporter_key;      /* NULL = any */
	const char *states_in[4];      /* only these states (NULL-terminated), or all NULL */
	int64_t visible_to;            /* only decisions on cases assigned to this user; 0 = all */
	int ascending;                 /* 0: newest first (id < after_id), 1: oldest first */
	int64_t after_id;              /* keyset; 0 = from the start */
	int limit;
};

int store_reward_list(struct db_conn *c, const struct reward_filter *f, store_reward_fn *fn,
		      void *arg, struct err *e);

struct reward_event_row {
	int64_t id;
	int64_t reward_id;
	const char *action;            /* propose, approve, pay, reject */
	const char *from_state;        /* NULL for propose */
	const char *to_state;
	int64_t at;
	int64_t actor_id;
	const char *actor;
	const char *reason;
	const char *detail;            /* a JSON object */
};

int store_reward_event_add(struct db_conn *c, const struct reward_event_row *ev, int64_t *id,
			   struct err *e);
/* In order of id. */
int store_reward_events(struct db_conn *c, int64_t reward_id,
			int (*fn)(void *arg, const struct reward_event_row *ev, struct err *e),
			void *arg, struct err *e);

#endif
