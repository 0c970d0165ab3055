/* stats.c - the dashboard's counts per day and per phase and state (see stats.h). */
#include "service/stats.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/timefmt.h"
#include "rules/case.h"
#include "rules/roles.h"
#include "store/store_stats.h"

#define DAY_US (INT64_C(86400) * TIME_US_PER_S)
#define SHANGHAI_US (INT64_C(8) * 3600 * TIME_US_PER_S)

struct days {
	int64_t first;                 /* day number of per_day[0] */
	int n;
	int64_t *counts;               /* n entries for the series being read */
	int64_t total;
};

struct states {
	int64_t by_state[CASE_STATE_COUNT];
	int64_t by_phase[CASE_PHASE_COUNT];
	int64_t total;
};

/* The user id whose cases count, or 0 for all: the case list's rule (cases.c). */
static int64_t visible_to(const struct case_actor *a)
{
	if (a->a.user_id == 0 || role_has(a->role, CAP_PUBLISH) || role_has(a->role, CAP_AUDIT_READ))
		return 0;
	return a->a.user_id;
}

static int day_count(void *arg, int64_t day, int64_t count, struct err *e)
{
	struct days *d = arg;

	(void)e;
	if (day >= d->first && day < d->first + d->n) {
		d->counts[day - d->first] += count;
		d->total += count;
	}
	return 0;
}

static int state_count(void *arg, const char *state, int64_t count, struct err *e)
{
	struct states *s = arg;
	struct err ignored = ERR_INIT;
	enum case_state cs;
	enum case_phase p;

	(void)e;
	s->total += count;
	if (!state || case_state_from_name(&cs, state, &ignored) < 0)
		return 0;              /* a state this build does not know: in the total only */
	s->by_state[cs] += count;
	p = case_state_phase(cs);
	if (p < CASE_PHASE_COUNT)
		s->by_phase[p] += count;
	return 0;
}

static void set_utc(json_t *o, const char *key, int64_t us)
{
	char buf[TIMEFMT_LEN];

	time_format_utc(us, buf);
	json_object_set_new(o, key, json_string(buf));
}

static json_t *cases_json(const struct states *s)
{
	json_t *phases = json_object(), *states = json_object();

	for (int p = 0; p < CASE_PHASE_COUNT; p++)
		json_object_set_new(phases, case_phase_label((enum case_phase)p)->id,
				    json_integer(s->by_phase[p]));
	for (int i = 0; i < CASE_STATE_COUNT; i++)
		json_object_set_new(states, case_state_name((enum case_state)i),
				    json_integer(s->by_state[i]));
	return json_pack("{s:I,s:o,s:o}", "total", (json_int_t)s->total, "by_phase", phases,
			 "by_state", states);
}

int stats_get(struct instance *in, const struct case_actor *a, int days, json_t **out,
	      struct err *e)
{
	struct stats_filter f = { 0 };
	struct days d[3] = { { 0 } };
	struct states s = { { 0 }, { 0 }, 0 };
	static const char *const names[3] = { "intake", "clocks_met", "clocks_missed" };
	struct db_conn *c = NULL;
	json_t *per_day, *totals;
	int rc = -1;

	*out = NULL;
	if (days < 1 || days > STATS_DAYS_MAX)
		return err_setn(e, ERR_INVALID, "invalid_parameter",
				"\"days\" must be 1 to %d", STATS_DAYS_MAX);
	f.now = time_now_us();
	f.tz_offset = SHANGHAI_US;
	f.visible_to = visible_to(a);
	for (int i = 0; i < 3; i++) {
		d[i].first = (f.now + SHANGHAI_US) / DAY_US - (days - 1);
		d[i].n = days;
		d[i].counts = xcalloc((size_t)days, sizeof(int64_t));
	}
	f.from = d[0].first * DAY_US - SHANGHAI_US;
	if (db_acquire(in->db, &c, 5000, e) < 0)
		goto out;
	if (store_stats_intake(c, &f, day_count, &d[0], e) < 0 ||
	    store_stats_clocks_met(c, &f, day_count, &d[1], e) < 0 ||
	    store_stats_clocks_missed(c, &f, day_count, &d[2], e) < 0 ||
	    store_stats_case_states(c, &f, state_count, &s, e) < 0)
		goto out;
	per_day = json_array();
	for (int k = 0; k < days; k++) {
		char date[TIMEFMT_LEN];
		json_t *o = json_object();

		time_format_shanghai((d[0].first + k) * DAY_US - SHANGHAI_US, date);
		date[10] = '\0';
		json_object_set_new(o, "date", json_string(date));
		for (int i = 0; i < 3; i++)
			json_object_set_new(o, names[i], json_integer(d[i].counts[k]));
		json_array_append_new(per_day, o);
	}
	totals = json_object();
	for (int i = 0; i < 3; i++)
		json_object_set_new(totals, names[i], json_integer(d[i].total));
	*out = json_object();
	json_object_set_new(*out, "days", json_integer(days));
	json_object_set_new(*out, "time_zone", json_string("Asia/Shanghai"));
	set_utc(*out, "from", f.from);
	set_utc(*out, "to", f.now);
	json_object_set_new(*out, "need_to_know", json_boolean(f.visible_to != 0));
	json_object_set_new(*out, "per_day", per_day);
	json_object_set_new(*out, "totals", totals);
	json_object_set_new(*out, "cases", cases_json(&s));
	rc = 0;
out:
	if (c)
		db_release(c);
	for (int i = 0; i < 3; i++)
		free(d[i].counts);
	return rc;
}
