/* store_stats.c - SQL for the dashboard's counts (see store_stats.h). */
#include "store/store_stats.h"

#include "store/store_case.h"

#define DAY_US "86400000000"

/* The case list's need-to-know condition, on alias c. */
#define VIS STORE_CASE_VISIBLE("c.")

/* Each count has two statements: every case (visible_to = 0, no join: the index alone
 * answers the clock counts) and need-to-know (joined to the case for its assignee and
 * team). */
static const char intake_all_sql[] =
	"SELECT (r.received_at + :tz) / " DAY_US " AS d, COUNT(*) FROM reports r"
	" WHERE r.received_at >= :from AND CAST(:vis AS BIGINT) = 0"
	" GROUP BY (r.received_at + :tz) / " DAY_US " ORDER BY d";
static const char intake_vis_sql[] =
	"SELECT (r.received_at + :tz) / " DAY_US " AS d, COUNT(*) FROM reports r"
	" WHERE r.received_at >= :from AND r.id IN"
	"  (SELECT cr.report_id FROM case_reports cr JOIN cases c ON c.id = cr.case_id"
	"   WHERE" VIS ")"
	" GROUP BY (r.received_at + :tz) / " DAY_US " ORDER BY d";
/* A clock is "met" only when met_at <= due_at (a late one is "missed"), so met_at >= from
 * implies due_at >= from: the bound lets the case_clocks_order index skip the old ones. */
#define MET_WHERE " WHERE cc.state = 'met' AND cc.due_at >= :from AND cc.met_at >= :from"
#define MET_GROUP " GROUP BY (cc.met_at + :tz) / " DAY_US " ORDER BY d"
static const char met_all_sql[] =
	"SELECT (cc.met_at + :tz) / " DAY_US " AS d, COUNT(*) FROM case_clocks cc"
	MET_WHERE " AND CAST(:vis AS BIGINT) = 0" MET_GROUP;
static const char met_vis_sql[] =
	"SELECT (cc.met_at + :tz) / " DAY_US " AS d, COUNT(*) FROM case_clocks cc"
	" JOIN cases c ON c.id = cc.case_id" MET_WHERE " AND" VIS MET_GROUP;
/* Two ranges of the case_clocks_order index, as the missed-clock list reads them. */
#define MISSED(join, cond) \
	"SELECT x.d, COUNT(*) FROM (" \
	" SELECT (cc.due_at + :tz) / " DAY_US " AS d FROM case_clocks cc" join \
	"  WHERE cc.state = 'missed' AND cc.due_at >= :from AND" cond \
	" UNION ALL SELECT (cc.due_at + :tz) / " DAY_US " AS d FROM case_clocks cc" join \
	"  WHERE cc.state = 'pending' AND cc.due_at >= :from AND cc.due_at < :now AND" cond \
	") x GROUP BY x.d ORDER BY x.d"
static const char missed_all_sql[] = MISSED("", " CAST(:vis AS BIGINT) = 0");
static const char missed_vis_sql[] = MISSED(" JOIN cases c ON c.id = cc.case_id", VIS);
static const char states_sql[] =
	"SELECT c.state, COUNT(*) FROM cases c WHERE" VIS " GROUP BY c.state ORDER BY c.state";

static int each_day(struct db_stmt *st, store_stats_day_fn *fn, void *arg, struct err *e)
{
	int rc;

	while ((rc = db_step(st, e)) == DB_ROW) {
		if (fn(arg, db_col_int64(st, 0), db_col_int64(st, 1), e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

static int per_day(struct db_conn *c, const char *sql, const struct stats_filter *f,
		   store_stats_day_fn *fn, void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, sql, e) < 0)
		return -1;
	db_bind_int64(st, ":tz", f->tz_offset);
	db_bind_int64(st, ":from", f->from);
	db_bind_int64(st, ":vis", f->visible_to);
	if (sql == missed_all_sql || sql == missed_vis_sql)
		db_bind_int64(st, ":now", f->now);
	return each_day(st, fn, arg, e);
}

int store_stats_intake(struct db_conn *c, const struct stats_filter *f, store_stats_day_fn *fn,
		       void *arg, struct err *e)
{
	return per_day(c, f->visible_to ? intake_vis_sql : intake_all_sql, f, fn, arg, e);
}

int store_stats_clocks_met(struct db_conn *c, const struct stats_filter *f,
			   store_stats_day_fn *fn, void *arg, struct err *e)
{
	return per_day(c, f->visible_to ? met_vis_sql : met_all_sql, f, fn, arg, e);
}

int store_stats_clocks_missed(struct db_conn *c, const struct stats_filter *f,
			      store_stats_day_fn *fn, void *arg, struct err *e)
{
	return per_day(c, f->visible_to ? missed_vis_sql : missed_all_sql, f, fn, arg, e);
}

int store_stats_case_states(struct db_conn *c, const struct stats_filter *f,
			    int (*fn)(void *arg, const char *state, int64_t count, struct err *e),
			    void *arg, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, states_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":vis", f->visible_to);
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (fn(arg, db_col_text(st, 0), db_col_int64(st, 1), e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}
