/* store_case_more.h - SQL for need-to-know teams and for exports of a case's undisclosed
 * details awaiting a second coordinator's approval (Art. 11).
 *
 * Rows handed to callbacks point into the statement (valid during the call
 * only).  Every write runs in the caller's transaction.
 */
#ifndef VF_STORE_CASE_MORE_H
#define VF_STORE_CASE_MORE_H

#include <stdint.h>

#include "store/db.h"

struct team_row {
	int64_t id;
	const char *name;
	int64_t created_at;
	int64_t created_by;
};

/* A new team; ERR_CONFLICT if the name is taken. */
int store_team_add(struct db_conn *c, const char *name, int64_t at, int64_t by, int64_t *id,
		   struct err *e);
/* fn once with the team; ERR_NOT_FOUND if there is none. */
int store_team_get(struct db_conn *c, int64_t id,
		   int (*fn)(void *arg, const struct team_row *t, struct err *e), void *arg,
		   struct err *e);
/* Every team, by id. */
int store_teams(struct db_conn *c, int (*fn)(void *arg, const struct team_row *t, struct err *e),
		void *arg, struct err *e);
/* Add a member (*added = 0 if they were one already). */
int store_team_member_add(struct db_conn *c, int64_t team_id, int64_t user_id, int64_t at,
			  int *added, struct err *e);
int store_team_members(struct db_conn *c, int64_t team_id,
		       int (*fn)(void *arg, int64_t user_id, struct err *e), void *arg,
		       struct err *e);
/* Remove a member (*removed = 0 if they were not one). */
int store_team_member_remove(struct db_conn *c, int64_t team_id, int64_t user_id, int *removed,
			     struct err *e);
/* Whether user_id is a member of team_id. */
int store_team_has_member(struct db_conn *c, int64_t team_id, int64_t user_id, int *yes,
			  struct err *e);

struct case_export_row {
	int64_t id;
	int64_t case_id;
	const char *recipient_name;
	const char *recipient_email;   /* NULL = none */
	const char *recipient_country;
	int is_provider;
	const char *reason;
	const char *status;            /* pending | approved */
	int64_t requested_by, requested_at;
	int64_t approved_by, approved_at;  /* 0 = not yet */
	int64_t fetched_at;            /* 0 = never: the first fetch */
};

int store_export_add(struct db_conn *c, const struct case_export_row *x, int64_t *id,
		     struct err *e);
/* fn once with the export; ERR_NOT_FOUND if there is none. */
int store_export_get(struct db_conn *c, int64_t id,
		     int (*fn)(void *arg, const struct case_export_row *x, struct err *e),
		     void *arg, struct err *e);
/* pending -> approved by `by` at `at`; ERR_CONFLICT "not_pending" if it is not pending. */
int store_export_approve(struct db_conn *c, int64_t id, int64_t by, int64_t at, struct err *e);
int store_export_fetched(struct db_conn *c, int64_t id, int64_t at, struct err *e);
/* The exports of a case, by id. */
int store_exports(struct db_conn *c, int64_t case_id,
		  int (*fn)(void *arg, const struct case_export_row *x, struct err *e), void *arg,
		  struct err *e);
/* Exports across cases, newest first: only those requested by requested_by (0: all),
 * with id < before (0: from the newest), at most limit. */
int store_exports_page(struct db_conn *c, int64_t requested_by, int64_t before, int limit,
		       int (*fn)(void *arg, const struct case_export_row *x, struct err *e),
		       void *arg, struct err *e);

#endif
