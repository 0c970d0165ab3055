/* test_store_stats.c - store_stats.c: counts per Asia/Shanghai day and per state, with the
 * need-to-know filter, on a small known data set in a migrated database.
 *
 * Runs on SQLite (a fresh file under /var/tmp) or, when VULNFLOW_TEST_DB=postgresql://...
 * names an empty database, on PostgreSQL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"
#include "store/store_schema.h"
#include "store/store_stats.h"

#define DAY (INT64_C(86400) * 1000000)
#define HOUR (INT64_C(3600) * 1000000)
#define TZ (8 * HOUR)
#define D0 INT64_C(20000)              /* the first day counted */

/* Midnight starting Shanghai day d, plus off. */
static int64_t sh(int64_t d, int64_t off)
{
	return d * DAY - TZ + off;
}

static char sqlite_dir[64];
static char url[1024];
static struct db *db;

static const char case_sql[] =
	"INSERT INTO cases (id, role, state, title, learned_at, created_at, updated_at,"
	" assignee_id, details, team_id) VALUES (:id, 'provider', :state, 'x', 0, 0, 0, :assignee,"
	" :details, :team)";
static const char report_sql[] =
	"INSERT INTO reports (id, leaf_index, channel, disposition, status, received_at,"
	" payload_size) VALUES (:id, :id, 'api', 'accepted', 'received', :at, 0)";
static const char link_sql[] =
	"INSERT INTO case_reports (report_id, case_id, added_at) VALUES (:report, :case, 0)";
static const char clock_sql[] =
	"INSERT INTO case_clocks (case_id, clock_id, trigger_at, due_at, state, met_at)"
	" VALUES (:case, :clock, 0, :due, :state, :met)";
static const char team_sql[] = "INSERT INTO teams (id, name, created_at) VALUES (1, 'fw', 0)";
static const char member_sql[] =
	"INSERT INTO team_members (team_id, user_id, added_at) VALUES (1, 7, 0)";

static void exec(struct db_stmt *st)
{
	struct err e = ERR_INIT;

	if (db_exec(st, &e) < 0)
		fail_msg("insert: %s", e.msg);
	db_finalize(st);
}

static struct db_stmt *prep(struct db_conn *c, const char *sql)
{
	struct db_stmt *st;
	struct err e = ERR_INIT;

	if (db_prepare(c, &st, sql, &e) < 0)
		fail_msg("prepare: %s", e.msg);
	return st;
}

static void add_case(struct db_conn *c, int64_t id, const char *state, int64_t assignee,
		     int64_t team)
{
	struct db_stmt *st = prep(c, case_sql);

	db_bind_int64(st, ":id", id);
	db_bind_text(st, ":state", state);
	if (assignee)
		db_bind_int64(st, ":assignee", assignee);
	else
		db_bind_null(st, ":assignee");
	db_bind_blob(st, ":details", "{}", 2);
	if (team)
		db_bind_int64(st, ":team", team);
	else
		db_bind_null(st, ":team");
	exec(st);
}

static void add_report(struct db_conn *c, int64_t id, int64_t at, int64_t case_id)
{
	struct db_stmt *st = prep(c, report_sql);

	db_bind_int64(st, ":id", id);
	db_bind_int64(st, ":at", at);
	exec(st);
	if (case_id) {
		st = prep(c, link_sql);
		db_bind_int64(st, ":report", id);
		db_bind_int64(st, ":case", case_id);
		exec(st);
	}
}

static void add_clock(struct db_conn *c, int64_t case_id, const char *clock, int64_t due,
		      const char *state, int64_t met)
{
	struct db_stmt *st = prep(c, clock_sql);

	db_bind_int64(st, ":case", case_id);
	db_bind_text(st, ":clock", clock);
	db_bind_int64(st, ":due", due);
	db_bind_text(st, ":state", state);
	if (met)
		db_bind_int64(st, ":met", met);
	else
		db_bind_null(st, ":met");
	exec(st);
}

/*
 * Cases: 1 triage (assignee 7), 2 fixing (team 1, whose member is 7; assignee 9),
 * 3 closed (assignee 9), 4 triage (nobody).
 * Reports: 1 just before the first day (case 1), 2 at the first day's midnight (case 1),
 * 3 at 07:59:59 Shanghai of day 1 = 23:59:59 UTC of day 0 (case 3), 4 on day 2 (case 2),
 * 5 on day 2 (no case).
 * Clocks: 1/a met day 1; 1/b pending, due day 1 (before now: missed); 2/c missed due day 0;
 * 2/d pending due day 3 (after now); 3/e met day 2; 3/f missed due long before; 4/g missed
 * due day 2.
 */
static int setup(void **state)
{
	const char *env = getenv("VULNFLOW_TEST_DB");
	struct db_conn *c;
	struct err e = ERR_INIT;
	int applied;

	(void)state;
	if (env != NULL && env[0] != '\0') {
		snprintf(url, sizeof(url), "%s", env);
	} else {
		snprintf(sqlite_dir, sizeof(sqlite_dir), "/var/tmp/vf-test-stats-XXXXXX");
		if (mkdtemp(sqlite_dir) == NULL)
			return -1;
		snprintf(url, sizeof(url), "sqlite:%s/test.db", sqlite_dir);
	}
	if (db_open(&db, url, 2, &e) < 0 || store_schema_migrate(db, &applied, &e) < 0 ||
	    db_acquire(db, &c, 5000, &e) < 0) {
		fprintf(stderr, "cannot prepare %s: %s\n", url, e.msg);
		return -1;
	}
	exec(prep(c, team_sql));
	exec(prep(c, member_sql));
	add_case(c, 1, "triage", 7, 0);
	add_case(c, 2, "fixing", 9, 1);
	add_case(c, 3, "closed", 9, 0);
	add_case(c, 4, "triage", 0, 0);
	add_report(c, 1, sh(D0, -1), 1);
	add_report(c, 2, sh(D0, 0), 1);
	add_report(c, 3, sh(D0 + 1, 8 * HOUR - 1000000), 3);
	add_report(c, 4, sh(D0 + 2, 2 * HOUR), 2);
	add_report(c, 5, sh(D0 + 2, 3 * HOUR), 0);
	add_clock(c, 1, "a", sh(D0 + 3, 0), "met", sh(D0 + 1, 5 * HOUR));
	add_clock(c, 1, "b", sh(D0 + 1, 23 * HOUR), "pending", 0);
	add_clock(c, 2, "c", sh(D0, HOUR), "missed", 0);
	add_clock(c, 2, "d", sh(D0 + 3, HOUR), "pending", 0);
	add_clock(c, 3, "e", sh(D0 + 4, 0), "met", sh(D0 + 2, 0));
	add_clock(c, 3, "f", sh(D0 - 10, 0), "missed", 0);
	add_clock(c, 4, "g", sh(D0 + 2, 6 * HOUR), "missed", 0);
	db_release(c);
	return 0;
}

static int teardown(void **state)
{
	char path[128];

	(void)state;
	db_close(db);
	if (sqlite_dir[0]) {
		const char *suffix[] = { "", "-wal", "-shm" };
		for (int i = 0; i < 3; i++) {
			snprintf(path, sizeof(path), "%s/test.db%s", sqlite_dir, suffix[i]);
			unlink(path);
		}
		rmdir(sqlite_dir);
	}
	return 0;
}

struct days {
	int64_t n[8];                  /* counts of days D0 .. D0+7 */
	int calls;
	int64_t last;                  /* days come in ascending order */
};

static int day_fn(void *arg, int64_t day, int64_t count, struct err *e)
{
	struct days *d = arg;

	(void)e;
	assert_true(day >= D0 && day < D0 + 8);
	assert_true(d->calls == 0 || day > d->last);
	d->n[day - D0] += count;
	d->last = day;
	d->calls++;
	return 0;
}

struct states {
	int64_t triage, fixing, closed, other;
};

static int state_fn(void *arg, const char *state, int64_t count, struct err *e)
{
	struct states *s = arg;

	(void)e;
	if (strcmp(state, "triage") == 0)
		s->triage += count;
	else if (strcmp(state, "fixing") == 0)
		s->fixing += count;
	else if (strcmp(state, "closed") == 0)
		s->closed += count;
	else
		s->other += count;
	return 0;
}

static void counts(int64_t vis, struct days *in, struct days *met, struct days *missed,
		   struct states *st)
{
	struct stats_filter f = { .from = sh(D0, 0), .now = sh(D0 + 2, 12 * HOUR), .tz_offset = TZ,
				  .visible_to = vis };
	struct db_conn *c;
	struct err e = ERR_INIT;

	memset(in, 0, sizeof(*in));
	memset(met, 0, sizeof(*met));
	memset(missed, 0, sizeof(*missed));
	memset(st, 0, sizeof(*st));
	assert_int_equal(db_acquire(db, &c, 5000, &e), 0);
	assert_int_equal(store_stats_intake(c, &f, day_fn, in, &e), 0);
	assert_int_equal(store_stats_clocks_met(c, &f, day_fn, met, &e), 0);
	assert_int_equal(store_stats_clocks_missed(c, &f, day_fn, missed, &e), 0);
	assert_int_equal(store_stats_case_states(c, &f, state_fn, st, &e), 0);
	db_release(c);
}

/* Everyone's numbers (coordinators): every report, clock and case in the window. */
static void test_all(void **state)
{
	struct days in, met, missed;
	struct states st;

	(void)state;
	counts(0, &in, &met, &missed, &st);
	/* report 1 is before the window; 3 is on Shanghai day 1 though UTC day 0 */
	assert_int_equal(in.n[0], 1);
	assert_int_equal(in.n[1], 1);
	assert_int_equal(in.n[2], 2);
	assert_int_equal(in.calls, 3);
	assert_int_equal(met.n[1], 1);
	assert_int_equal(met.n[2], 1);
	assert_int_equal(met.calls, 2);
	/* c (missed), b (pending past due), g (missed); d is not yet due, f before the window */
	assert_int_equal(missed.n[0], 1);
	assert_int_equal(missed.n[1], 1);
	assert_int_equal(missed.n[2], 1);
	assert_int_equal(missed.calls, 3);
	assert_int_equal(st.triage, 2);
	assert_int_equal(st.fixing, 1);
	assert_int_equal(st.closed, 1);
	assert_int_equal(st.other, 0);
}

/* User 7: case 1 (assigned) and case 2 (through team 1). */
static void test_need_to_know_team(void **state)
{
	struct days in, met, missed;
	struct states st;

	(void)state;
	counts(7, &in, &met, &missed, &st);
	assert_int_equal(in.n[0], 1);          /* report 2 */
	assert_int_equal(in.n[1], 0);
	assert_int_equal(in.n[2], 1);          /* report 4; 5 is in no case */
	assert_int_equal(met.n[1], 1);         /* a */
	assert_int_equal(met.n[2], 0);
	assert_int_equal(missed.n[0], 1);      /* c */
	assert_int_equal(missed.n[1], 1);      /* b */
	assert_int_equal(missed.n[2], 0);      /* g is nobody's */
	assert_int_equal(st.triage, 1);
	assert_int_equal(st.fixing, 1);
	assert_int_equal(st.closed, 0);
}

/* User 9: cases 2 and 3 (assigned); a user with none sees zeros. */
static void test_need_to_know_assignee(void **state)
{
	struct days in, met, missed;
	struct states st;

	(void)state;
	counts(9, &in, &met, &missed, &st);
	assert_int_equal(in.n[0], 0);
	assert_int_equal(in.n[1], 1);          /* report 3 */
	assert_int_equal(in.n[2], 1);          /* report 4 */
	assert_int_equal(met.n[2], 1);         /* e */
	assert_int_equal(met.calls, 1);
	assert_int_equal(missed.n[0], 1);      /* c; f is before the window */
	assert_int_equal(missed.calls, 1);
	assert_int_equal(st.fixing, 1);
	assert_int_equal(st.closed, 1);
	assert_int_equal(st.triage, 0);

	counts(42, &in, &met, &missed, &st);
	assert_int_equal(in.calls + met.calls + missed.calls, 0);
	assert_int_equal(st.triage + st.fixing + st.closed + st.other, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all),
		cmocka_unit_test(test_need_to_know_team),
		cmocka_unit_test(test_need_to_know_assignee),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
