/* api_policies.c - GET /api/v1/policies: the obligation clock policies in force (the
 * built-in regimes of policies/rmsv.json and policies/cra.json, with the organisation's
 * override.json merged in), read only, for coordinators, administrators and auditors. */
#include <inttypes.h>
#include <stdio.h>

#include "http/api.h"
#include "http/server.h"
#include "rules/clock.h"
#include "service/cases.h"

static const char *const grade_names[CLOCK_GRADE_COUNT + 1] = {
	"ungraded", "low", "medium", "high", "critical"
};

/* An ISO 8601 duration for us: a whole number of days from a week up as "P14D", whole
 * hours as "PT48H" (how the built-in policies write them), else seconds. */
static json_t *iso_duration(int64_t us)
{
	int64_t s = us / 1000000;
	char out[48];

	if (s % 86400 == 0 && s >= 7 * 86400)
		snprintf(out, sizeof(out), "P%" PRId64 "D", s / 86400);
	else if (s % 3600 == 0)
		snprintf(out, sizeof(out), "PT%" PRId64 "H", s / 3600);
	else
		snprintf(out, sizeof(out), "PT%" PRId64 "S", s);
	return json_string(out);
}

static json_t *obligation_json(const struct clock_obligation *o)
{
	json_t *sat = json_array(), *esc = json_array(), *per = json_null(), *conds = json_array();
	char source[96];

	for (size_t i = 0; i < o->nsatisfied; i++)
		json_array_append_new(sat, json_string(o->satisfied_by[i]));
	for (size_t i = 0; i < o->nescalate; i++)
		json_array_append_new(esc, json_real(o->escalate_at[i]));
	if (o->per_grade) {
		per = json_object();
		for (int g = CLOCK_LOW; g <= CLOCK_GRADE_COUNT; g++)
			json_object_set_new(per, grade_names[g], iso_duration(o->duration_us[g]));
	}
	if (o->conditions & CLOCK_IF_UPSTREAM)
		json_array_append_new(conds, json_string("upstream_component"));
	if (o->conditions & CLOCK_IF_EXPLOITED)
		json_array_append_new(conds, json_string("actively_exploited"));
	if (o->conditions & CLOCK_IF_PROVIDER)
		json_array_append_new(conds, json_string("role=provider"));
	if (o->conditions & CLOCK_IF_OPERATOR)
		json_array_append_new(conds, json_string("role=operator"));
	snprintf(source, sizeof(source), "policies/%s.json%s", o->regime,
		 o->overridden ? " + override.json" : "");
	return json_pack("{s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:s?,s:s,s:o,s:o,s:I,s:o,s:s,s:s,s:i,"
			 "s:o,s:o,s:s,s:b}",
			 "id", o->id, "regime", o->regime, "regime_name_zh", o->regime_name_zh,
			 "regime_name_en", o->regime_name_en, "title_zh", o->title_zh, "title_en",
			 o->title_en, "article", o->article, "trigger", o->trigger, "satisfied_by",
			 sat, "conditions", conds, "duration_seconds",
			 (json_int_t)(o->duration_us[0] / 1000000), "duration",
			 iso_duration(o->duration_us[0]), "calendar", o->calendar, "time_zone",
			 o->time_zone, "utc_offset_seconds", o->utc_offset_s, "escalate_at", esc,
			 "durations_by_grade", per, "source", source, "overridden", o->overridden);
}

int api_policies(struct req *r)
{
	const struct clock_policy *p;
	json_t *items;
	struct err e = ERR_INIT;

	if (!role_has(r->who.role, CAP_PUBLISH) && !role_has(r->who.role, CAP_USERS_ADMIN) &&
	    !role_has(r->who.role, CAP_AUDIT_READ)) {
		err_setn(&e, ERR_FORBIDDEN, "forbidden",
			 "the policies are for coordinators, administrators and auditors");
		return req_fail(r, &e);
	}
	if (r->app->cases == NULL) {
		err_setn(&e, ERR_UNAVAILABLE, "cases_unavailable",
			 "the case service is not running");
		return req_fail(r, &e);
	}
	p = cases_policy(r->app->cases);
	items = json_array();
	for (size_t i = 0; i < clock_policy_count(p); i++) {
		struct clock_obligation o;

		clock_policy_at(p, i, &o);
		json_array_append_new(items, obligation_json(&o));
	}
	return req_json(r, 200, json_pack("{s:o}", "items", items));
}
