/* test_clock.c - obligation clocks: the built-in policies, evaluation at exact
 * instants, workday calendars (weekends, the 2026 Spring Festival and its
 * make-up days), overrides, and every kind of malformed policy.
 *
 * Expected instants are written as RFC 3339 text and converted by
 * base/timefmt.c (timegm-based), not by the day arithmetic under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timefmt.h"
#include "rules/clock.h"

#define US(s) ((int64_t)(s) * TIME_US_PER_S)
#define HOURS(h) US((int64_t)(h) * 3600)
#define DAYS(d) HOURS((int64_t)(d) * 24)

static int64_t T(const char *s)
{
	int64_t v = 0;

	if (time_parse_rfc3339(s, &v) != 0)
		fail_msg("bad time literal %s", s);
	return v;
}

static const struct clock_status *find(const struct clock_status *c, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(c[i].id, id) == 0)
			return &c[i];
	return NULL;
}

static struct clock_policy *builtin(void)
{
	struct clock_policy *p = NULL;
	struct err e = ERR_INIT;

	if (clock_policy_builtin(&p, &e) != 0)
		fail_msg("built-in policy does not load: %s", e.msg);
	return p;
}

static const struct clock_facts provider = { .role = CLOCK_ROLE_PROVIDER };

/* Evaluate and fail the test on error. */
static size_t eval(const struct clock_policy *p, const struct clock_facts *f,
		   const struct clock_event *ev, size_t nev, int64_t now, struct clock_status **out)
{
	struct err e = ERR_INIT;
	size_t n = 0;

	if (clock_evaluate(out, &n, p, f, ev, nev, now, &e) != 0)
		fail_msg("clock_evaluate: %s", e.msg);
	return n;
}

/* ---- the built-in policies ---- */

static void test_builtin(void **state)
{
	static const char *const ids[] = {
		"rmsv.verify", "rmsv.upstream_notice", "rmsv.authority_report",
		"rmsv.downstream_notice", "rmsv.operator_fix", "cra.early_warning",
		"cra.notification", "cra.final_report",
	};
	struct clock_policy *p = builtin();
	struct clock_obligation o;

	(void)state;
	assert_int_equal(clock_policy_count(p), 8);
	for (size_t i = 0; i < 8; i++) {
		clock_policy_at(p, i, &o);
		assert_string_equal(o.id, ids[i]);
		assert_int_equal(clock_policy_find(p, ids[i]), (long)i);
		assert_int_equal(o.overridden, 0);
		assert_int_equal(o.nescalate, 3);
		assert_true(o.escalate_at[0] == 0.5 && o.escalate_at[1] == 0.8 &&
			    o.escalate_at[2] == 1.0);
	}
	assert_int_equal(clock_policy_find(p, "rmsv.nothing"), -1);

	clock_policy_at(p, 2, &o);     /* Art. 7(2): 48 h from learned_at, Asia/Shanghai */
	assert_string_equal(o.regime, "rmsv");
	assert_string_equal(o.regime_name_zh, "网络产品安全漏洞管理规定");
	assert_string_equal(o.trigger, "learned");
	assert_int_equal(o.nsatisfied, 1);
	assert_string_equal(o.satisfied_by[0], "authority_report.submitted");
	assert_int_equal(o.conditions, CLOCK_IF_PROVIDER);
	assert_int_equal(o.per_grade, 0);
	for (int g = 0; g <= CLOCK_GRADE_COUNT; g++)
		assert_int_equal(o.duration_us[g], HOURS(48));
	assert_string_equal(o.calendar, "natural");
	assert_string_equal(o.time_zone, "Asia/Shanghai");
	assert_int_equal(o.utc_offset_s, 8 * 3600);
	assert_non_null(strstr(o.article, "Art. 7(2)"));

	clock_policy_at(p, 0, &o);
	assert_int_equal(o.duration_us[0], HOURS(24));
	assert_int_equal(o.conditions, 0);
	clock_policy_at(p, 1, &o);
	assert_string_equal(o.trigger, "upstream_set");
	assert_int_equal(o.conditions, CLOCK_IF_UPSTREAM);
	clock_policy_at(p, 3, &o);
	assert_string_equal(o.trigger, "fix_available");
	assert_int_equal(o.duration_us[0], HOURS(72));

	clock_policy_at(p, 4, &o);     /* operator fix by grade; ungraded counts as 超危 */
	assert_int_equal(o.conditions, CLOCK_IF_OPERATOR);
	assert_int_equal(o.per_grade, 1);
	assert_int_equal(o.duration_us[CLOCK_CRITICAL], DAYS(7));
	assert_int_equal(o.duration_us[CLOCK_HIGH], DAYS(15));
	assert_int_equal(o.duration_us[CLOCK_MEDIUM], DAYS(30));
	assert_int_equal(o.duration_us[CLOCK_LOW], DAYS(90));
	assert_int_equal(o.duration_us[CLOCK_UNGRADED], DAYS(7));

	for (size_t i = 5; i < 8; i++) {
		clock_policy_at(p, i, &o);
		assert_string_equal(o.regime, "cra");
		assert_int_equal(o.conditions, CLOCK_IF_EXPLOITED | CLOCK_IF_PROVIDER);
		assert_string_equal(o.time_zone, "UTC");
		assert_int_equal(o.utc_offset_s, 0);
	}
	clock_policy_at(p, 5, &o);
	assert_string_equal(o.trigger, "exploitation_learned");
	assert_int_equal(o.duration_us[0], HOURS(24));
	clock_policy_at(p, 6, &o);
	assert_int_equal(o.duration_us[0], HOURS(72));
	clock_policy_at(p, 7, &o);
	assert_string_equal(o.trigger, "fix_available");
	assert_int_equal(o.duration_us[0], DAYS(14));
	clock_policy_free(p);
}

/* ---- the 48 h authority report clock ---- */

static void test_authority_missed_3_days_ago(void **state)
{
	struct clock_policy *p = builtin();
	int64_t now = T("2026-11-25T10:00:00+08:00");
	struct clock_event ev[] = { { "learned", now - DAYS(3), 11 } };
	struct clock_status *c;
	const struct clock_status *a;
	size_t n = eval(p, &provider, ev, 1, now, &c);

	(void)state;
	/* a provider case with nothing else set: verify and the authority report */
	assert_int_equal(n, 2);
	assert_string_equal(c[0].id, "rmsv.verify");
	assert_string_equal(c[1].id, "rmsv.authority_report");
	a = &c[1];
	assert_int_equal(a->obligation, 2);
	assert_int_equal(a->trigger_at, T("2026-11-22T10:00:00+08:00"));
	assert_int_equal(a->trigger_event, 11);
	assert_int_equal(a->due_at, T("2026-11-24T10:00:00+08:00"));
	assert_int_equal(a->due_at, T("2026-11-24T02:00:00Z"));
	assert_int_equal(a->state, CLOCK_MISSED);
	assert_int_equal(a->satisfied, 0);
	assert_int_equal(a->met_late, 0);
	assert_int_equal(a->escalations_passed, 3);
	assert_int_equal(a->has_next_escalation, 0);
	assert_int_equal(a->utc_offset_s, 28800);
	assert_int_equal(a->beyond_calendar, 0);
	assert_int_equal(c[0].due_at, T("2026-11-23T10:00:00+08:00"));
	assert_int_equal(c[0].state, CLOCK_MISSED);
	free(c);
	clock_policy_free(p);
}

static void test_authority_deadline_edges(void **state)
{
	struct clock_policy *p = builtin();
	int64_t learned = T("2026-11-20T09:30:00+08:00");
	int64_t due = T("2026-11-22T09:30:00+08:00");
	int64_t now = T("2026-11-30T00:00:00Z");
	struct clock_event ev[] = { { "learned", learned, 1 },
				    { "authority_report.submitted", 0, 2 } };
	struct clock_status *c;
	const struct clock_status *a;

	(void)state;
	/* one microsecond before the deadline: met */
	ev[1].at_us = due - 1;
	eval(p, &provider, ev, 2, now, &c);
	a = find(c, 2, "rmsv.authority_report");
	assert_non_null(a);
	assert_int_equal(a->due_at, due);
	assert_int_equal(a->state, CLOCK_MET);
	assert_int_equal(a->satisfied, 1);
	assert_int_equal(a->met_at, due - 1);
	assert_int_equal(a->met_by, 2);
	assert_int_equal(a->met_late, 0);
	assert_int_equal(a->escalations_passed, 2);     /* 50 %, 80 %; not 100 % */
	assert_int_equal(a->has_next_escalation, 0);
	free(c);

	/* at the deadline instant: still met */
	ev[1].at_us = due;
	eval(p, &provider, ev, 2, now, &c);
	a = find(c, 2, "rmsv.authority_report");
	assert_int_equal(a->state, CLOCK_MET);
	assert_int_equal(a->escalations_passed, 3);
	free(c);

	/* one microsecond after: missed, met late, the event recorded */
	ev[1].at_us = due + 1;
	eval(p, &provider, ev, 2, now, &c);
	a = find(c, 2, "rmsv.authority_report");
	assert_int_equal(a->state, CLOCK_MISSED);
	assert_int_equal(a->satisfied, 1);
	assert_int_equal(a->met_late, 1);
	assert_int_equal(a->met_at, due + 1);
	assert_int_equal(a->met_by, 2);
	free(c);

	/* an hour before the deadline */
	ev[1].at_us = T("2026-11-22T08:30:00+08:00");
	eval(p, &provider, ev, 2, now, &c);
	assert_int_equal(find(c, 2, "rmsv.authority_report")->state, CLOCK_MET);
	free(c);
	clock_policy_free(p);
}

static void test_pending_and_escalation(void **state)
{
	struct clock_policy *p = builtin();
	int64_t learned = T("2026-11-20T09:30:00+08:00");
	struct clock_event ev[] = { { "learned", learned, 1 } };
	struct clock_status *c;
	const struct clock_status *a;

	(void)state;
	/* 30 h in: the 50 % point (24 h) passed, the 80 % one (38.4 h) next */
	eval(p, &provider, ev, 1, learned + HOURS(30), &c);
	a = find(c, 2, "rmsv.authority_report");
	assert_int_equal(a->state, CLOCK_PENDING);
	assert_int_equal(a->escalations_passed, 1);
	assert_int_equal(a->has_next_escalation, 1);
	assert_int_equal(a->next_escalation_at, T("2026-11-21T23:54:00+08:00"));
	assert_int_equal(a->next_escalation_at, learned + US(138240));
	free(c);

	/* just before the 50 % point */
	eval(p, &provider, ev, 1, learned + HOURS(24) - 1, &c);
	a = find(c, 2, "rmsv.authority_report");
	assert_int_equal(a->escalations_passed, 0);
	assert_int_equal(a->next_escalation_at, learned + HOURS(24));
	free(c);

	/* at the deadline, not yet met: pending, all three points reached */
	eval(p, &provider, ev, 1, learned + HOURS(48), &c);
	a = find(c, 2, "rmsv.authority_report");
	assert_int_equal(a->state, CLOCK_PENDING);
	assert_int_equal(a->escalations_passed, 3);
	assert_int_equal(a->has_next_escalation, 0);
	free(c);

	/* one microsecond later: missed */
	eval(p, &provider, ev, 1, learned + HOURS(48) + 1, &c);
	assert_int_equal(find(c, 2, "rmsv.authority_report")->state, CLOCK_MISSED);
	free(c);
	clock_policy_free(p);
}

static void test_trigger_rules(void **state)
{
	struct clock_policy *p = builtin();
	int64_t l = T("2026-10-12T08:00:00+08:00");
	struct clock_facts f = { .role = CLOCK_ROLE_PROVIDER, .has_upstream = 1 };
	struct clock_event ev[] = {
		{ "upstream_notice.sent", l + HOURS(1), 40 },   /* before its trigger: ignored */
		{ "learned", l + HOURS(5), 1 },
		{ "learned", l, 2 },                            /* the earliest learned wins */
		{ "upstream_set", l + HOURS(2), 3 },
		{ "upstream_notice.sent", l + HOURS(20), 41 },
		{ "upstream_notice.sent", l + HOURS(10), 42 },  /* the earliest after the trigger */
		{ "authority_report.submitted", l + HOURS(100), 43 },   /* after now: ignored */
		{ "unrelated.kind", l, 44 },
	};
	struct clock_status *c;
	const struct clock_status *u, *a;
	size_t n;

	(void)state;
	n = eval(p, &f, ev, 8, l + HOURS(30), &c);
	assert_int_equal(n, 3);
	assert_int_equal(c[0].trigger_event, 2);
	assert_int_equal(c[0].trigger_at, l);
	u = find(c, n, "rmsv.upstream_notice");
	assert_non_null(u);
	assert_int_equal(u->trigger_event, 3);
	assert_int_equal(u->due_at, l + HOURS(26));
	assert_int_equal(u->state, CLOCK_MET);
	assert_int_equal(u->met_by, 42);
	assert_int_equal(u->met_at, l + HOURS(10));
	assert_int_equal(u->escalations_passed, 0);
	a = find(c, n, "rmsv.authority_report");
	assert_int_equal(a->state, CLOCK_PENDING);
	assert_int_equal(a->satisfied, 0);
	free(c);

	/* evaluated later, the submission counts */
	eval(p, &f, ev, 8, l + HOURS(200), &c);
	a = find(c, 3, "rmsv.authority_report");
	assert_int_equal(a->state, CLOCK_MISSED);
	assert_int_equal(a->met_late, 1);
	assert_int_equal(a->met_by, 43);
	free(c);

	/* the upstream component was removed: that clock is not listed */
	f.has_upstream = 0;
	n = eval(p, &f, ev, 8, l + HOURS(30), &c);
	assert_int_equal(n, 2);
	assert_null(find(c, n, "rmsv.upstream_notice"));
	free(c);

	/* no trigger yet, or only in the future: nothing listed */
	assert_int_equal(eval(p, &f, ev, 1, l + HOURS(30), &c), 0);
	assert_null(c);
	assert_int_equal(eval(p, &f, ev + 1, 2, l - 1, &c), 0);
	assert_null(c);
	assert_int_equal(eval(p, &f, NULL, 0, l, &c), 0);
	assert_null(c);
	clock_policy_free(p);
}

static void test_in_force(void **state)
{
	struct clock_policy *p = builtin();
	/* the Provisions: in force 2021-09-01, Asia/Shanghai midnight */
	struct clock_event ev[] = { { "learned", T("2021-09-01T00:00:00+08:00"), 1 } };
	struct clock_status *c;

	(void)state;
	assert_int_equal(eval(p, &provider, ev, 1, T("2022-01-01T00:00:00Z"), &c), 2);
	free(c);
	ev[0].at_us -= 1;
	assert_int_equal(eval(p, &provider, ev, 1, T("2022-01-01T00:00:00Z"), &c), 0);
	clock_policy_free(p);
}

/* ---- CRA ---- */

static void test_cra_only_when_exploited(void **state)
{
	struct clock_policy *p = builtin();
	int64_t l = T("2026-10-01T06:00:00Z");
	struct clock_facts f = { .role = CLOCK_ROLE_PROVIDER };
	struct clock_event ev[] = {
		{ "learned", l, 1 },
		{ "exploitation_learned", l + HOURS(6), 2 },
		{ "cra.early_warning.sent", l + HOURS(20), 3 },
		{ "fix_available", T("2026-10-05T12:00:00Z"), 4 },
	};
	int64_t now = T("2026-10-10T00:00:00Z");
	struct clock_status *c;
	const struct clock_status *w, *nt, *fr;
	size_t n;

	(void)state;
	/* not actively exploited: no CRA clock, even with the event */
	n = eval(p, &f, ev, 4, now, &c);
	assert_int_equal(n, 3);        /* verify, authority report, downstream notice */
	for (size_t i = 0; i < n; i++)
		assert_int_not_equal(strncmp(c[i].id, "cra.", 4), 0);
	assert_non_null(find(c, n, "rmsv.downstream_notice"));
	assert_int_equal(find(c, n, "rmsv.downstream_notice")->due_at, T("2026-10-08T12:00:00Z"));
	free(c);

	f.actively_exploited = 1;
	n = eval(p, &f, ev, 4, now, &c);
	assert_int_equal(n, 6);
	w = find(c, n, "cra.early_warning");
	nt = find(c, n, "cra.notification");
	fr = find(c, n, "cra.final_report");
	assert_non_null(w);
	assert_non_null(nt);
	assert_non_null(fr);
	assert_int_equal(w->trigger_at, l + HOURS(6));
	assert_int_equal(w->due_at, T("2026-10-02T12:00:00Z"));
	assert_int_equal(w->state, CLOCK_MET);
	assert_int_equal(w->met_by, 3);
	assert_int_equal(nt->due_at, T("2026-10-04T12:00:00Z"));
	assert_int_equal(nt->state, CLOCK_MISSED);
	assert_int_equal(nt->met_late, 0);
	/* the final report: 14 days after the fix, not after awareness */
	assert_int_equal(fr->trigger_event, 4);
	assert_int_equal(fr->due_at, T("2026-10-19T12:00:00Z"));
	assert_int_equal(fr->state, CLOCK_PENDING);
	assert_int_equal(fr->escalations_passed, 0);
	assert_int_equal(fr->next_escalation_at, T("2026-10-12T12:00:00Z"));
	free(c);

	/* an operator case: the CRA is a manufacturer's duty */
	f.role = CLOCK_ROLE_OPERATOR;
	n = eval(p, &f, ev, 4, now, &c);
	assert_null(find(c, n, "cra.early_warning"));
	assert_null(find(c, n, "rmsv.authority_report"));
	assert_non_null(find(c, n, "rmsv.operator_fix"));
	free(c);

	/* Art. 14 reporting applies from 2026-09-11 */
	f.role = CLOCK_ROLE_PROVIDER;
	ev[1].at_us = T("2026-09-10T23:59:59.999999Z");
	n = eval(p, &f, ev, 2, now, &c);
	assert_null(find(c, n, "cra.early_warning"));
	free(c);
	ev[1].at_us = T("2026-09-11T00:00:00Z");
	n = eval(p, &f, ev, 2, now, &c);
	assert_int_equal(find(c, n, "cra.early_warning")->due_at, T("2026-09-12T00:00:00Z"));
	free(c);
	clock_policy_free(p);
}

/* ---- operator fix by grade ---- */

static void test_operator_fix_by_grade(void **state)
{
	static const struct {
		enum clock_grade g;
		int days;
	} want[] = {
		{ CLOCK_CRITICAL, 7 }, { CLOCK_HIGH, 15 }, { CLOCK_MEDIUM, 30 }, { CLOCK_LOW, 90 },
		{ CLOCK_UNGRADED, 7 },
	};
	struct clock_policy *p = builtin();
	int64_t l = T("2026-10-12T08:00:00+08:00");
	struct clock_event ev[] = { { "learned", l, 1 }, { "fix.deployed", l + DAYS(10), 9 } };
	struct clock_status *c;

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct clock_facts f = { .role = CLOCK_ROLE_OPERATOR, .grade = want[i].g };
		const struct clock_status *x;
		size_t n = eval(p, &f, ev, 2, l + DAYS(100), &c);

		assert_int_equal(n, 2);        /* verify and the operator fix */
		x = find(c, n, "rmsv.operator_fix");
		assert_non_null(x);
		assert_int_equal(x->grade, want[i].g);
		assert_int_equal(x->due_at, l + DAYS(want[i].days));
		assert_int_equal(x->state, want[i].days >= 10 ? CLOCK_MET : CLOCK_MISSED);
		assert_int_equal(x->met_by, 9);
		free(c);
	}
	clock_policy_free(p);
}

/* ---- dismissed cases ---- */

static void test_dismissed(void **state)
{
	struct clock_policy *p = builtin();
	int64_t l = T("2026-11-02T09:00:00+08:00");
	struct clock_facts f = { .role = CLOCK_ROLE_PROVIDER, .dismissed = 1,
				 .dismissed_at = l + HOURS(10) };
	struct clock_event ev[] = { { "learned", l, 1 },
				    { "verification.rejected", l + HOURS(10), 2 },
				    { "authority_report.submitted", l + HOURS(5), 3 } };
	struct clock_status *c;
	const struct clock_status *v, *a;

	(void)state;
	/* rejected after 10 h: verification met by the rejection, the report cancelled */
	eval(p, &f, ev, 2, l + DAYS(5), &c);
	v = find(c, 2, "rmsv.verify");
	a = find(c, 2, "rmsv.authority_report");
	assert_int_equal(v->state, CLOCK_MET);
	assert_int_equal(v->met_by, 2);
	assert_int_equal(a->state, CLOCK_CANCELLED);
	assert_int_equal(a->satisfied, 0);
	assert_int_equal(a->escalations_passed, 0);
	assert_int_equal(a->has_next_escalation, 0);
	free(c);

	/* reported before the dismissal: stays met */
	eval(p, &f, ev, 3, l + DAYS(5), &c);
	assert_int_equal(find(c, 2, "rmsv.authority_report")->state, CLOCK_MET);
	free(c);

	/* dismissed after the report fell due: still missed */
	f.dismissed_at = l + HOURS(50);
	eval(p, &f, ev, 1, l + DAYS(5), &c);
	assert_int_equal(find(c, 2, "rmsv.authority_report")->state, CLOCK_MISSED);
	free(c);

	/* a dismissal after now is not yet one */
	f.dismissed_at = l + HOURS(10);
	eval(p, &f, ev, 1, l + HOURS(9), &c);
	assert_int_equal(find(c, 2, "rmsv.authority_report")->state, CLOCK_PENDING);
	free(c);
	clock_policy_free(p);
}

/* ---- workday calendars ---- */

#define OB(id, dur, cal, tz, esc)                                                       \
	"{\"id\": \"" id "\", \"title_zh\": \"测试\", \"title_en\": \"test\", "           \
	"\"article\": \"none\", \"trigger\": \"learned\", \"duration\": " dur ", "        \
	"\"calendar\": \"" cal "\", \"time_zone\": \"" tz "\", "                          \
	"\"satisfied_by\": [\"done\"], \"condition\": \"always\", \"escalate_at\": " esc "}"

/* A sample calendar: the 2026 Spring Festival (国务院办公厅, 2025-11-04): holidays
 * 2026-02-15..23, make-up workdays Saturday 02-14 and Saturday 02-28. */
static const char test_policy[] =
	"{\"schema\": \"vulnflow.clocks/1\",\n"
	" \"regime\": {\"id\": \"t\", \"name_zh\": \"测试\", \"name_en\": \"test\"},\n"
	" \"calendars\": {\"sample\": {\"kind\": \"workdays\", \"valid_from\": \"2026-01-01\",\n"
	"   \"valid_until\": \"2026-12-31\", \"note\": \"sample: the 2026 Spring Festival only\",\n"
	"   \"holidays\": [\"2026-02-15\", \"2026-02-16\", \"2026-02-17\", \"2026-02-18\",\n"
	"                \"2026-02-19\", \"2026-02-20\", \"2026-02-21\", \"2026-02-22\",\n"
	"                \"2026-02-23\"],\n"
	"   \"make_up_workdays\": [\"2026-02-14\", \"2026-02-28\"]}},\n"
	" \"obligations\": [\n"
	OB("t.p2d", "\"P2D\"", "sample", "Asia/Shanghai", "[0.5, 1.0]") ",\n"
	OB("t.graded", "{\"超危\": \"P1D\", \"高危\": \"P2D\", \"中危\": \"P3D\", \"低危\": \"P4D\"}",
	   "natural", "UTC", "[]") ",\n"
	OB("t.p1d", "\"P1D\"", "sample", "Asia/Shanghai", "[]") ",\n"
	OB("t.p1d_utc", "\"P1D\"", "sample", "UTC", "[]") ",\n"
	OB("t.pt36h", "\"PT36H\"", "sample", "+08:00", "[]") "\n"
	" ]}\n";

static struct clock_policy *test_set(void)
{
	struct clock_policy *p = clock_policy_new();
	struct err e = ERR_INIT;

	if (clock_policy_add(p, test_policy, strlen(test_policy), &e) != 0)
		fail_msg("test policy does not load: %s", e.msg);
	return p;
}

/* The due time of obligation id for a case learned at l (evaluated a year later). */
static int64_t due(const struct clock_policy *p, const char *id, int64_t l, int *beyond)
{
	struct clock_event ev[] = { { "learned", l, 1 } };
	struct clock_status *c;
	const struct clock_status *x;
	size_t n = eval(p, &provider, ev, 1, l + DAYS(365), &c);
	int64_t d;

	x = find(c, n, id);
	if (x == NULL)
		fail_msg("%s not listed", id);
	d = x->due_at;
	if (beyond != NULL)
		*beyond = x->beyond_calendar;
	free(c);
	return d;
}

static void test_workdays_weekend(void **state)
{
	struct clock_policy *p = test_set();
	int beyond = -1;

	(void)state;
	/* Friday 15:00: one workday is Monday 15:00, two are Tuesday 15:00 */
	assert_int_equal(due(p, "t.p1d", T("2026-03-06T15:00:00+08:00"), NULL),
			 T("2026-03-09T15:00:00+08:00"));
	assert_int_equal(due(p, "t.p2d", T("2026-03-06T15:00:00+08:00"), &beyond),
			 T("2026-03-10T15:00:00+08:00"));
	assert_int_equal(beyond, 0);
	/* learned on a Saturday: the whole of Monday (and Tuesday) */
	assert_int_equal(due(p, "t.p1d", T("2026-03-07T10:00:00+08:00"), NULL),
			 T("2026-03-10T00:00:00+08:00"));
	assert_int_equal(due(p, "t.p2d", T("2026-03-07T10:00:00+08:00"), NULL),
			 T("2026-03-11T00:00:00+08:00"));
	/* Friday 00:00 + one workday = the end of Friday, the earliest such instant */
	assert_int_equal(due(p, "t.p1d", T("2026-03-06T00:00:00+08:00"), NULL),
			 T("2026-03-07T00:00:00+08:00"));
	/* 36 workday hours from Friday 18:00: 6 h Friday, 24 h Monday, 6 h Tuesday */
	assert_int_equal(due(p, "t.pt36h", T("2026-03-06T18:00:00+08:00"), NULL),
			 T("2026-03-10T06:00:00+08:00"));
	/* the 50 % point of two workdays is one workday */
	{
		struct clock_event ev[] = { { "learned", T("2026-03-06T15:00:00+08:00"), 1 } };
		struct clock_status *c;
		size_t n = eval(p, &provider, ev, 1, T("2026-03-07T00:00:00Z"), &c);
		const struct clock_status *x = find(c, n, "t.p2d");

		assert_int_equal(x->next_escalation_at, T("2026-03-09T15:00:00+08:00"));
		assert_int_equal(x->escalations_passed, 0);
		free(c);
	}
	clock_policy_free(p);
}

static void test_workdays_spring_festival(void **state)
{
	struct clock_policy *p = test_set();

	(void)state;
	/* Friday 02-13 10:00: 14 h Friday + 24 h on the make-up Saturday 02-14,
	 * holidays 02-15..23, then 10 h on Tuesday 02-24 */
	assert_int_equal(due(p, "t.p2d", T("2026-02-13T10:00:00+08:00"), NULL),
			 T("2026-02-24T10:00:00+08:00"));
	/* one workday from the same instant ends on the make-up Saturday */
	assert_int_equal(due(p, "t.p1d", T("2026-02-13T10:00:00+08:00"), NULL),
			 T("2026-02-14T10:00:00+08:00"));
	/* Thursday 09:00: 15 h + 24 h + 9 h of the make-up Saturday */
	assert_int_equal(due(p, "t.p2d", T("2026-02-12T09:00:00+08:00"), NULL),
			 T("2026-02-14T09:00:00+08:00"));
	/* learned during the holiday: all of Tuesday 02-24 */
	assert_int_equal(due(p, "t.p1d", T("2026-02-18T12:00:00+08:00"), NULL),
			 T("2026-02-25T00:00:00+08:00"));
	/* the second make-up day, Saturday 02-28 */
	assert_int_equal(due(p, "t.p1d", T("2026-02-27T18:00:00+08:00"), NULL),
			 T("2026-02-28T18:00:00+08:00"));
	/* the same instant in two zones: 2026-02-13T20:00Z is Saturday 04:00 in
	 * Shanghai (20 h of the make-up day left, then the holiday) but still
	 * Friday in UTC (4 h, then 20 h of the make-up Saturday) */
	assert_int_equal(due(p, "t.p1d", T("2026-02-13T20:00:00Z"), NULL),
			 T("2026-02-24T04:00:00+08:00"));
	assert_int_equal(due(p, "t.p1d_utc", T("2026-02-13T20:00:00Z"), NULL),
			 T("2026-02-14T20:00:00Z"));
	clock_policy_free(p);
}

static void test_workdays_beyond_calendar(void **state)
{
	struct clock_policy *p = test_set();
	int beyond = -1;

	(void)state;
	/* Thursday 2026-12-31: Friday 2027-01-01 is outside the calendar, counted
	 * as a plain weekday, and the clock says so */
	assert_int_equal(due(p, "t.p2d", T("2026-12-31T10:00:00+08:00"), &beyond),
			 T("2027-01-04T10:00:00+08:00"));
	assert_int_equal(beyond, 1);
	assert_int_equal(due(p, "t.p1d", T("2026-12-30T10:00:00+08:00"), &beyond),
			 T("2026-12-31T10:00:00+08:00"));
	assert_int_equal(beyond, 0);
	clock_policy_free(p);
}

static void test_graded_natural(void **state)
{
	struct clock_policy *p = test_set();
	int64_t l = T("2026-05-01T00:00:00Z");
	struct clock_event ev[] = { { "learned", l, 1 } };
	struct clock_status *c;
	struct clock_facts f = { .role = CLOCK_ROLE_OPERATOR, .grade = CLOCK_MEDIUM };
	size_t n = eval(p, &f, ev, 1, l, &c);

	(void)state;
	assert_int_equal(find(c, n, "t.graded")->due_at, l + DAYS(3));
	assert_int_equal(find(c, n, "t.graded")->has_next_escalation, 0);
	free(c);
	clock_policy_free(p);
}

/* ---- overrides ---- */

static const char override_doc[] =
	"{\"schema\": \"vulnflow.clocks.override/1\", \"organisation\": \"Example Co\",\n"
	" \"obligations\": [\n"
	"  {\"id\": \"rmsv.verify\", \"duration\": \"PT8H\", \"escalate_at\": [0.25, 1.0]},\n"
	"  {\"id\": \"rmsv.authority_report\", \"duration\": \"P2D\", \"calendar\": \"cn_2026\",\n"
	"   \"note\": \"our legal team reads 2日 as two working days\"},\n"
	"  {\"id\": \"rmsv.operator_fix\", \"duration\": {\"超危\": \"P3D\", \"高危\": \"P7D\",\n"
	"   \"中危\": \"P30D\", \"低危\": \"P60D\"}}\n"
	" ]}";

static void test_override(void **state)
{
	struct clock_policy *p = builtin();
	struct clock_obligation o;
	struct err e = ERR_INIT;
	int64_t l = T("2026-02-13T10:00:00+08:00");
	struct clock_event ev[] = { { "learned", l, 1 } };
	struct clock_status *c;
	const struct clock_status *v, *a;
	size_t n;

	(void)state;
	assert_int_equal(clock_policy_merge(p, override_doc, strlen(override_doc), &e), 0);
	assert_int_equal(clock_policy_count(p), 8);
	clock_policy_at(p, 0, &o);
	assert_int_equal(o.overridden, 1);
	assert_int_equal(o.duration_us[0], HOURS(8));
	assert_int_equal(o.nescalate, 2);
	assert_string_equal(o.satisfied_by[0], "verification.done");  /* kept */
	clock_policy_at(p, 2, &o);
	assert_int_equal(o.overridden, 1);
	assert_string_equal(o.calendar, "cn_2026");
	assert_int_equal(o.nescalate, 3);                               /* kept */
	clock_policy_at(p, 4, &o);
	assert_int_equal(o.duration_us[CLOCK_CRITICAL], DAYS(3));
	assert_int_equal(o.duration_us[CLOCK_LOW], DAYS(60));
	clock_policy_at(p, 1, &o);
	assert_int_equal(o.overridden, 0);
	clock_policy_at(p, 5, &o);
	assert_int_equal(o.overridden, 0);

	n = eval(p, &provider, ev, 1, l + HOURS(3), &c);
	assert_int_equal(n, 2);
	v = find(c, n, "rmsv.verify");
	assert_int_equal(v->due_at, l + HOURS(8));
	assert_int_equal(v->escalations_passed, 1);
	assert_int_equal(v->next_escalation_at, l + HOURS(8));
	/* two working days over the 2026 Spring Festival, with the shipped calendar */
	a = find(c, n, "rmsv.authority_report");
	assert_int_equal(a->due_at, T("2026-02-24T10:00:00+08:00"));
	assert_int_equal(a->beyond_calendar, 0);
	free(c);

	/* a later override wins; it may bring its own calendar */
	{
		static const char second[] =
			"{\"schema\": \"vulnflow.clocks.override/1\",\n"
			" \"calendars\": {\"seven_day\": {\"kind\": \"workdays\",\n"
			"   \"valid_from\": \"2026-01-01\", \"valid_until\": \"2026-12-31\",\n"
			"   \"holidays\": [], \"make_up_workdays\": [\"2026-03-07\", \"2026-03-08\"]}},\n"
			" \"obligations\": [{\"id\": \"rmsv.authority_report\",\n"
			"   \"calendar\": \"seven_day\", \"time_zone\": \"UTC\"}]}";

		assert_int_equal(clock_policy_merge(p, second, strlen(second), &e), 0);
		clock_policy_at(p, 2, &o);
		assert_string_equal(o.calendar, "seven_day");
		assert_string_equal(o.time_zone, "UTC");
		assert_int_equal(o.duration_us[0], DAYS(2));  /* from the first override */
		ev[0].at_us = T("2026-03-06T12:00:00Z");
		n = eval(p, &provider, ev, 1, T("2026-04-01T00:00:00Z"), &c);
		assert_int_equal(find(c, n, "rmsv.authority_report")->due_at,
				 T("2026-03-08T12:00:00Z"));
		free(c);
	}
	clock_policy_free(p);
}

static void test_override_refused(void **state)
{
	static const struct {
		const char *doc;
		const char *want;
	} bad[] = {
		{ "{\"schema\": \"vulnflow.clocks/1\", \"obligations\": []}",
		  "\"schema\" must be \"vulnflow.clocks.override/1\"" },
		{ "{\"schema\": \"vulnflow.clocks.override/1\", \"obligations\": "
		  "[{\"id\": \"rmsv.verfy\", \"duration\": \"PT1H\"}]}",
		  "\"obligations[0].id\" \"rmsv.verfy\" is not an obligation of the policy" },
		{ "{\"schema\": \"vulnflow.clocks.override/1\", \"obligations\": "
		  "[{\"id\": \"rmsv.verify\", \"duration\": \"PT1H\"}, "
		  "{\"id\": \"rmsv.verify\", \"duration\": \"PT2H\"}]}",
		  "\"obligations[1].id\" repeats \"rmsv.verify\"" },
		{ "{\"schema\": \"vulnflow.clocks.override/1\", \"obligations\": "
		  "[{\"id\": \"rmsv.verify\"}]}",
		  "\"obligations[0]\" changes nothing" },
		{ "{\"schema\": \"vulnflow.clocks.override/1\", \"obligations\": "
		  "[{\"id\": \"rmsv.verify\", \"satisfied_by\": [\"x\"]}]}",
		  "unknown field \"obligations[0].satisfied_by\"" },
		{ "{\"schema\": \"vulnflow.clocks.override/1\", \"obligations\": "
		  "[{\"id\": \"rmsv.verify\", \"duration\": \"PT1H\"}, "
		  "{\"id\": \"rmsv.authority_report\", \"calendar\": \"cn_2027\"}]}",
		  "\"obligations[1].calendar\" \"cn_2027\" is neither" },
		{ "{\"schema\": \"vulnflow.clocks.override/1\", \"obligations\": "
		  "[{\"id\": \"rmsv.verify\", \"escalate_at\": [1.0, 0.5]}]}",
		  "\"obligations[0].escalate_at[1]\" must be greater than the one before" },
		{ "{\"schema\": \"vulnflow.clocks.override/1\", \"calendars\": {\"cn_2026\": {}},"
		  " \"obligations\": [{\"id\": \"rmsv.verify\", \"duration\": \"PT1H\"}]}",
		  "calendar \"cn_2026\" is already defined" },
	};
	struct clock_policy *p = builtin();
	struct clock_obligation o;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct err e = ERR_INIT;

		assert_int_equal(clock_policy_merge(p, bad[i].doc, strlen(bad[i].doc), &e), -1);
		assert_int_equal(e.code, ERR_INVALID);
		if (strstr(e.msg, bad[i].want) == NULL)
			fail_msg("override %zu: got \"%s\", want \"%s\"", i, e.msg, bad[i].want);
		/* refused documents change nothing */
		clock_policy_at(p, 0, &o);
		assert_int_equal(o.duration_us[0], HOURS(24));
		assert_int_equal(o.overridden, 0);
		clock_policy_at(p, 2, &o);
		assert_string_equal(o.calendar, "natural");
	}
	clock_policy_free(p);
}

/* ---- malformed policies, each refused naming its path ---- */

/* test_policy with the value at path ("a/0/b") replaced by value (JSON text), or removed. */
static char *mutate(const char *path, const char *value)
{
	json_t *root = json_loads(test_policy, 0, NULL), *cur = root;
	char buf[256], *save = NULL, *tok, *next;
	char *out;

	assert_non_null(root);
	snprintf(buf, sizeof(buf), "%s", path);
	tok = strtok_r(buf, "/", &save);
	while ((next = strtok_r(NULL, "/", &save)) != NULL) {
		cur = json_is_array(cur) ? json_array_get(cur, (size_t)atoi(tok))
					 : json_object_get(cur, tok);
		assert_non_null(cur);
		tok = next;
	}
	if (value == NULL) {
		if (json_is_array(cur))
			assert_int_equal(json_array_remove(cur, (size_t)atoi(tok)), 0);
		else
			assert_int_equal(json_object_del(cur, tok), 0);
	} else {
		json_t *v = json_loads(value, JSON_DECODE_ANY, NULL);

		assert_non_null(v);
		if (json_is_array(cur))
			assert_int_equal(json_array_set_new(cur, (size_t)atoi(tok), v), 0);
		else
			assert_int_equal(json_object_set_new(cur, tok, v), 0);
	}
	out = json_dumps(root, 0);
	json_decref(root);
	return out;
}

static void test_malformed(void **state)
{
	static const struct {
		const char *path;
		const char *value;      /* NULL: remove */
		const char *want;
	} bad[] = {
		{ "schema", "\"vulnflow.clocks/2\"", "\"schema\" must be \"vulnflow.clocks/1\"" },
		{ "schema", NULL, "\"schema\" is missing" },
		{ "extra", "1", "unknown field \"extra\"" },
		{ "notes", "\"x\"", "\"notes\" must be an array" },
		{ "notes", "[1]", "\"notes[0]\" must be a string" },
		{ "regime", "[]", "\"regime\" must be an object" },
		{ "regime/id", NULL, "\"regime.id\" is missing" },
		{ "regime/id", "\"R!\"", "\"regime.id\" \"R!\" must be" },
		{ "regime/name_zh", "\"\"", "\"regime.name_zh\" must be a non-empty string" },
		{ "regime/in_force_from", "\"2026-13-01\"",
		  "\"regime.in_force_from\" \"2026-13-01\" is not a date" },
		{ "regime/version", "1", "unknown field \"regime.version\"" },
		{ "obligations", "[]", "\"obligations\" must be an array of 1 to 64 items" },
		{ "obligations/0", "3", "\"obligations[0]\" must be an object" },
		{ "obligations/0/durations", "\"P1D\"", "unknown field \"obligations[0].durations\"" },
		{ "obligations/0/id", "\"other.x\"", "\"obligations[0].id\" \"other.x\" must be \"t.\"" },
		{ "obligations/0/id", "\"t.\"", "\"obligations[0].id\" \"t.\" must be \"t.\"" },
		{ "obligations/1/id", "\"t.p2d\"", "\"obligations[1].id\" repeats \"t.p2d\"" },
		{ "obligations/0/title_en", NULL, "\"obligations[0].title_en\" is missing" },
		{ "obligations/0/article", "7", "\"obligations[0].article\" must be a non-empty string" },
		{ "obligations/0/trigger", "\"learned at\"",
		  "\"obligations[0].trigger\" \"learned at\" is not an event kind" },
		{ "obligations/0/trigger", "\"fix..available\"",
		  "\"obligations[0].trigger\" \"fix..available\" is not an event kind" },
		{ "obligations/0/duration", NULL, "\"obligations[0].duration\" is missing" },
		{ "obligations/0/duration", "\"P1M\"",
		  "\"obligations[0].duration\" \"P1M\": years and months have no fixed length" },
		{ "obligations/0/duration", "\"P1Y\"", "years and months have no fixed length" },
		{ "obligations/0/duration", "\"PT\"",
		  "\"obligations[0].duration\" \"PT\" is not an ISO 8601 duration" },
		{ "obligations/0/duration", "\"P\"", "\"P\" is not an ISO 8601 duration" },
		{ "obligations/0/duration", "\"48H\"", "\"48H\" is not an ISO 8601 duration" },
		{ "obligations/0/duration", "\"PT1.5H\"", "\"PT1.5H\" is not an ISO 8601 duration" },
		{ "obligations/0/duration", "\"P1DT\"", "\"P1DT\" is not an ISO 8601 duration" },
		{ "obligations/0/duration", "\"PT1H2H\"", "\"PT1H2H\" is not an ISO 8601 duration" },
		{ "obligations/0/duration", "\"P1D2W\"", "\"P1D2W\" is not an ISO 8601 duration" },
		{ "obligations/0/duration", "\"pt48h\"", "\"pt48h\" is not an ISO 8601 duration" },
		{ "obligations/0/duration", "\"PT0H\"", "\"PT0H\" must be longer than zero" },
		{ "obligations/0/duration", "\"P3661D\"", "\"P3661D\" is longer than 3660 days" },
		{ "obligations/0/duration", "48",
		  "\"obligations[0].duration\" must be an ISO 8601 duration like \"PT48H\", or" },
		{ "obligations/1/duration", "{\"超危\": \"P1D\", \"高危\": \"P2D\", \"低危\": \"P4D\"}",
		  "\"obligations[1].duration\" has no \"中危\"" },
		{ "obligations/1/duration/严重", "\"P1D\"",
		  "\"obligations[1].duration.严重\" is not a GB/T 30279 grade" },
		{ "obligations/1/duration/高危", "\"PT12H\"",
		  "\"obligations[1].duration.高危\" is shorter than \"obligations[1].duration.超危\"" },
		{ "obligations/1/duration/低危", "\"P1M\"",
		  "\"obligations[1].duration.低危\" \"P1M\": years and months" },
		{ "obligations/1/duration/中危", "3", "\"obligations[1].duration.中危\" must be" },
		{ "obligations/0/calendar", "\"cn\"",
		  "\"obligations[0].calendar\" \"cn\" is neither \"natural\" nor a calendar" },
		{ "obligations/0/time_zone", "\"Europe/Berlin\"",
		  "\"obligations[0].time_zone\" \"Europe/Berlin\" is not a supported time zone" },
		{ "obligations/0/time_zone", "\"+15:00\"",
		  "\"obligations[0].time_zone\" \"+15:00\" is not a supported time zone" },
		{ "obligations/0/time_zone", "\"+8:00\"", "\"+8:00\" is not a supported time zone" },
		{ "obligations/0/satisfied_by", "[]",
		  "\"obligations[0].satisfied_by\" must be an array of 1 to 16 items" },
		{ "obligations/0/satisfied_by", "[\"a.b\", \"a.b\"]",
		  "\"obligations[0].satisfied_by[1]\" repeats \"a.b\"" },
		{ "obligations/0/satisfied_by", "[\"Verification.Done\"]",
		  "\"obligations[0].satisfied_by[0]\" must be an event kind" },
		{ "obligations/0/condition", NULL, "\"obligations[0].condition\" is missing" },
		{ "obligations/0/condition", "\"role=admin\"",
		  "\"obligations[0].condition\" \"role=admin\" is not a condition" },
		{ "obligations/0/condition", "[\"actively_exploited\", \"exploited\"]",
		  "\"obligations[0].condition[1]\" \"exploited\" is not a condition" },
		{ "obligations/0/condition", "[\"always\", \"actively_exploited\"]",
		  "\"obligations[0].condition[0]\": \"always\" cannot be combined" },
		{ "obligations/0/condition", "[\"upstream_component\", \"upstream_component\"]",
		  "\"obligations[0].condition[1]\" repeats \"upstream_component\"" },
		{ "obligations/0/condition", "[\"role=provider\", \"role=operator\"]",
		  "\"obligations[0].condition\" needs both roles" },
		{ "obligations/0/condition", "[]", "\"obligations[0].condition\" must be" },
		{ "obligations/0/escalate_at", "[0.8, 0.5]",
		  "\"obligations[0].escalate_at[1]\" must be greater than the one before" },
		{ "obligations/0/escalate_at", "[0]",
		  "\"obligations[0].escalate_at[0]\" must be a fraction of the duration" },
		{ "obligations/0/escalate_at", "[5]", "\"obligations[0].escalate_at[0]\" must be" },
		{ "obligations/0/escalate_at", "[\"0.5\"]", "\"obligations[0].escalate_at[0]\" must be" },
		{ "obligations/0/escalate_at", "0.5",
		  "\"obligations[0].escalate_at\" must be an array of 0 to 16 items" },
		{ "calendars", "[]", "\"calendars\" must be an object" },
		{ "calendars/Bad", "{}", "calendar name \"Bad\" in \"calendars\" must be" },
		{ "calendars/natural", "{}", "calendar name \"natural\"" },
		{ "calendars/sample/kind", "\"natural\"", "\"calendars.sample.kind\" must be \"workdays\"" },
		{ "calendars/sample/weekend", "[]", "unknown field \"calendars.sample.weekend\"" },
		{ "calendars/sample/valid_from", NULL, "\"calendars.sample.valid_from\" is missing" },
		{ "calendars/sample/valid_until", "\"2025-12-31\"",
		  "\"calendars.sample.valid_until\" must be on or after valid_from" },
		{ "calendars/sample/holidays/1", "\"2026-02-30\"",
		  "\"calendars.sample.holidays[1]\" must be a date" },
		{ "calendars/sample/holidays/1", "\"2026-02-15\"",
		  "\"calendars.sample.holidays[1]\" repeats an earlier date" },
		{ "calendars/sample/holidays/0", "\"2027-01-01\"",
		  "\"calendars.sample.holidays[0]\" \"2027-01-01\" is outside the calendar's" },
		{ "calendars/sample/holidays", NULL, "\"calendars.sample.holidays\" is missing" },
		{ "calendars/sample/make_up_workdays/1", "\"2026-02-16\"",
		  "\"calendars.sample.make_up_workdays[1]\" \"2026-02-16\" is not a saturday or sunday" },
		{ "calendars/sample/make_up_workdays/1", "\"2026-02-15\"",
		  "\"calendars.sample.make_up_workdays[1]\" \"2026-02-15\" is also a holiday" },
	};
	struct clock_policy *p = clock_policy_new();

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *doc = mutate(bad[i].path, bad[i].value);
		struct err e = ERR_INIT;

		assert_int_equal(clock_policy_add(p, doc, strlen(doc), &e), -1);
		if (e.code != ERR_INVALID || strstr(e.msg, bad[i].want) == NULL)
			fail_msg("case %zu (%s): got %d \"%s\", want \"%s\"", i, bad[i].path,
				 (int)e.code, e.msg, bad[i].want);
		assert_int_equal(clock_policy_count(p), 0);
		free(doc);
	}
	/* the unmutated document loads into the same set afterwards */
	{
		struct err e = ERR_INIT;

		assert_int_equal(clock_policy_add(p, test_policy, strlen(test_policy), &e), 0);
		assert_int_equal(clock_policy_count(p), 5);
	}
	clock_policy_free(p);
}

static void test_malformed_documents(void **state)
{
	static const struct {
		const char *doc;
		enum err_code code;
		const char *want;
	} bad[] = {
		{ "", ERR_MALFORMED, "policy is not valid JSON" },
		{ "{\"schema\": ", ERR_MALFORMED, "policy is not valid JSON" },
		{ "{\"schema\": \"a\", \"schema\": \"b\"}", ERR_MALFORMED, "policy is not valid JSON" },
		{ "[]", ERR_INVALID, "a policy must be a JSON object" },
		{ "\"x\"", ERR_MALFORMED, "policy is not valid JSON" },
		{ "{}", ERR_INVALID, "\"schema\" is missing" },
	};
	struct clock_policy *p = builtin();
	struct err e = ERR_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		assert_int_equal(clock_policy_add(p, bad[i].doc, strlen(bad[i].doc), &e), -1);
		assert_int_equal(e.code, bad[i].code);
		assert_non_null(strstr(e.msg, bad[i].want));
	}
	/* a regime, an obligation or a calendar cannot be loaded twice */
	err_clear(&e);
	assert_int_equal(clock_policy_add(p, rmsv_policy_json, rmsv_policy_json_len, &e), -1);
	assert_string_equal(e.msg, "regime \"rmsv\" is already loaded");
	{
		char *doc = mutate("calendars/cn_2026", "{\"kind\": \"workdays\", "
				   "\"valid_from\": \"2026-01-01\", \"valid_until\": \"2026-12-31\", "
				   "\"holidays\": [], \"make_up_workdays\": []}");

		err_clear(&e);
		assert_int_equal(clock_policy_add(p, doc, strlen(doc), &e), -1);
		assert_string_equal(e.msg, "calendar \"cn_2026\" is already defined");
		free(doc);
	}
	assert_int_equal(clock_policy_count(p), 8);
	clock_policy_free(p);
}

static void test_evaluate_errors(void **state)
{
	struct clock_policy *p = builtin();
	struct clock_event ev[] = { { "learned", 0, 1 }, { NULL, 0, 2 } };
	struct clock_facts f = provider;
	struct clock_status *c = (struct clock_status *)1;
	struct err e = ERR_INIT;
	size_t n = 99;

	(void)state;
	assert_int_equal(clock_evaluate(&c, &n, p, &f, ev, 2, 0, &e), -1);
	assert_null(c);
	assert_int_equal(n, 0);
	assert_string_equal(e.msg, "event 1 has no kind");
	ev[1].kind = "fix_available";
	ev[1].at_us = INT64_MAX;
	assert_int_equal(clock_evaluate(&c, &n, p, &f, ev, 2, 0, &e), -1);
	assert_string_equal(e.msg, "event 1 (\"fix_available\") is outside years 1 to 9999");
	assert_int_equal(clock_evaluate(&c, &n, p, &f, NULL, 1, 0, &e), -1);
	f.grade = (enum clock_grade)5;
	assert_int_equal(clock_evaluate(&c, &n, p, &f, ev, 1, 0, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	f.grade = CLOCK_UNGRADED;
	f.role = (enum clock_role)7;
	assert_int_equal(clock_evaluate(&c, &n, p, &f, ev, 1, 0, &e), -1);
	f.role = CLOCK_ROLE_PROVIDER;
	f.dismissed = 1;
	f.dismissed_at = INT64_MIN;
	assert_int_equal(clock_evaluate(&c, &n, p, &f, ev, 1, 0, &e), -1);
	/* the extremes of the range are fine */
	f.dismissed = 0;
	ev[0].at_us = T("9999-12-31T23:59:59.999999Z");
	assert_int_equal(clock_evaluate(&c, &n, p, &f, ev, 1, INT64_MAX, &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(c[1].due_at, ev[0].at_us + HOURS(48));
	free(c);
	ev[0].at_us = T("0001-01-01T00:00:00Z");
	assert_int_equal(clock_evaluate(&c, &n, p, &f, ev, 1, INT64_MAX, &e), 0);
	assert_int_equal(n, 0);        /* before the Provisions were in force */
	clock_policy_free(p);
}

static void test_state_names(void **state)
{
	enum clock_state s;

	(void)state;
	assert_string_equal(clock_state_name(CLOCK_PENDING), "pending");
	assert_string_equal(clock_state_name(CLOCK_MET), "met");
	assert_string_equal(clock_state_name(CLOCK_MISSED), "missed");
	assert_string_equal(clock_state_name(CLOCK_CANCELLED), "cancelled");
	assert_int_equal(clock_state_parse("missed", &s), 0);
	assert_int_equal(s, CLOCK_MISSED);
	assert_int_equal(clock_state_parse("met", &s), 0);
	assert_int_equal(s, CLOCK_MET);
	assert_int_equal(clock_state_parse("overdue", &s), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_authority_missed_3_days_ago),
		cmocka_unit_test(test_authority_deadline_edges),
		cmocka_unit_test(test_pending_and_escalation),
		cmocka_unit_test(test_trigger_rules),
		cmocka_unit_test(test_in_force),
		cmocka_unit_test(test_cra_only_when_exploited),
		cmocka_unit_test(test_operator_fix_by_grade),
		cmocka_unit_test(test_dismissed),
		cmocka_unit_test(test_workdays_weekend),
		cmocka_unit_test(test_workdays_spring_festival),
		cmocka_unit_test(test_workdays_beyond_calendar),
		cmocka_unit_test(test_graded_natural),
		cmocka_unit_test(test_override),
		cmocka_unit_test(test_override_refused),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_malformed_documents),
		cmocka_unit_test(test_evaluate_errors),
		cmocka_unit_test(test_state_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
