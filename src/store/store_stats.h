/* store_stats.h - SQL for the dashboard's counts: reports received, clocks met and
 * missed per day, and cases per state.
 *
 * Days are counted in a fixed offset from UTC (Asia/Shanghai is +08:00, no daylight
 * saving): day number d covers [d * 86400 s - offset, (d + 1) * 86400 s - offset).
 * The need-to-know filter is the case list's (store_case.c): visible_to = 0 counts
 * every case; a user id counts only the cases assigned to that user or to a team of
 * theirs (reports: those in such a case).  Every call is one read; no transaction.
 */
#ifndef VF_STORE_STATS_H
#define VF_STORE_STATS_H

#include <stdint.h>

#include "store/db.h"

struct stats_filter {
	int64_t from;                  /* count events at or after this time (us) */
	int64_t now;                   /* a pending clock due before now counts as missed */
	int64_t tz_offset;             /* the day's offset from UTC (us); +8 h for Shanghai */
	int64_t visible_to;            /* need-to-know: 0 = every case */
};

/* Called once per day that has a count, in ascending day order. */
typedef int store_stats_day_fn(void *arg, int64_t day, int64_t count, struct err *e);

/* Reports received per day (any status). */
int store_stats_intake(struct db_conn *c, const struct stats_filter *f, store_stats_day_fn *fn,
		       void *arg, struct err *e);
/* Clocks met per day met (a "met" clock has met_at <= due_at; a late one is "missed"). */
int store_stats_clocks_met(struct db_conn *c, const struct stats_filter *f,
			   store_stats_day_fn *fn, void *arg, struct err *e);
/* Clocks missed per day due: state "missed", and "pending" clocks due before f->now. */
int store_stats_clocks_missed(struct db_conn *c, const struct stats_filter *f,
			      store_stats_day_fn *fn, void *arg, struct err *e);
/* Cases per state (every case, whatever its age; f->from is ignored): fn once per
 * state that has cases. */
int store_stats_case_states(struct db_conn *c, const struct stats_filter *f,
			    int (*fn)(void *arg, const char *state, int64_t count, struct err *e),
			    void *arg, struct err *e);

#endif
