/* reward.c - reward policy ranges, money amounts and the decision state machine (see reward.h). */
#include "rules/reward.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const state_names[REWARD_STATE_COUNT] = {
	[REWARD_PROPOSED] = "proposed", [REWARD_APPROVED] = "approved",
	[REWARD_PAID] = "paid", [REWARD_REJECTED] = "rejected",
};

static const char *const action_names[REWARD_ACTION_COUNT] = {
	[REWARD_PROPOSE] = "propose", [REWARD_APPROVE] = "approve",
	[REWARD_PAY] = "pay", [REWARD_REJECT] = "reject",
};

#define ROLE_BIT(r) (1u << (r))
#define S_BIT(s) (1u << (s))

/* The table: who may take each step, from which states, to which state, and
 * what the step needs from a state it cannot be taken from. */
static const struct step_rule {
	unsigned roles;
	unsigned from;                 /* states it may be taken from (propose: none) */
	enum reward_state to;
	const char *needs_before;      /* what is missing when taken from proposed instead */
} rules[REWARD_ACTION_COUNT] = {
	[REWARD_PROPOSE] = { ROLE_BIT(ROLE_ANALYST) | ROLE_BIT(ROLE_COORDINATOR), 0,
			     REWARD_PROPOSED, NULL },
	[REWARD_APPROVE] = { ROLE_BIT(ROLE_COORDINATOR), S_BIT(REWARD_PROPOSED),
			     REWARD_APPROVED, NULL },
	[REWARD_PAY] = { ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_ADMIN),
			 S_BIT(REWARD_APPROVED), REWARD_PAID, "approval" },
	[REWARD_REJECT] = { ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_ADMIN),
			    S_BIT(REWARD_PROPOSED) | S_BIT(REWARD_APPROVED), REWARD_REJECTED,
			    NULL },
};

const char *reward_state_name(enum reward_state s)
{
	return (unsigned)s < REWARD_STATE_COUNT ? state_names[s] : "unknown";
}

int reward_state_from_name(const char *name)
{
	for (int i = 0; name && i < REWARD_STATE_COUNT; i++)
		if (strcmp(state_names[i], name) == 0)
			return i;
	return -1;
}

const char *reward_action_name(enum reward_action a)
{
	return (unsigned)a < REWARD_ACTION_COUNT ? action_names[a] : "unknown";
}

/* ---- amounts ---- */

static int parse_decimal(int64_t *out, const char *s)
{
	int64_t whole = 0, frac = 0;
	int digits = 0, fdigits = 0;

	if (*s == '\0')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (whole > REWARD_AMOUNT_MAX / 1000)
			return -1;
		whole = whole * 10 + (*s - '0');
	}
	if (digits == 0)
		return -1;
	if (*s == '.') {
		s++;
		for (; *s >= '0' && *s <= '9'; s++, fdigits++) {
			if (fdigits == 2)
				return -1;
			frac = frac * 10 + (*s - '0');
		}
		if (fdigits == 0)
			return -1;
		if (fdigits == 1)
			frac *= 10;
	}
	if (*s != '\0')
		return -1;
	*out = whole * 100 + frac;
	return 0;
}

int reward_amount_parse(int64_t *out, const json_t *v, const char *field, struct err *e)
{
	int64_t m = -1;

	*out = 0;
	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);

		if (i >= 0 && i <= REWARD_AMOUNT_MAX / 100)
			m = (int64_t)i * 100;
	} else if (json_is_string(v)) {
		if (parse_decimal(&m, json_string_value(v)) < 0)
			m = -1;
	} else if (json_is_real(v)) {
		return err_setn(e, ERR_INVALID, "invalid_amount",
				"\"%s\" must be an integer or a decimal string such as \"1234.50\""
				" (not a JSON fraction)", field);
	} else {
		return err_setn(e, ERR_INVALID, "invalid_amount",
				"\"%s\" must be an integer or a decimal string such as \"1234.50\"",
				field);
	}
	if (m < 0 || m > REWARD_AMOUNT_MAX)
		return err_setn(e, ERR_INVALID, "invalid_amount",
				"\"%s\" must be a non-negative amount with at most two decimals,"
				" up to 10^12", field);
	*out = m;
	return 0;
}

void reward_amount_format(int64_t minor, char out[REWARD_AMOUNT_LEN])
{
	const char *sign = minor < 0 ? "-" : "";
	uint64_t u = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;

	snprintf(out, REWARD_AMOUNT_LEN, "%s%" PRIu64 ".%02u", sign, u / 100, (unsigned)(u % 100));
}

int reward_currency_valid(const char *s)
{
	if (s == NULL || strlen(s) != 3)
		return 0;
	for (int i = 0; i < 3; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return 0;
	return 1;
}

static const struct { const char *id, *zh; } grades[] = {
	{ "critical", "超危" }, { "high", "高危" }, { "medium", "中危" }, { "low", "低危" },
};

const char *reward_grade_id(const char *s)
{
	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(grades) / sizeof(grades[0]); i++)
		if (strcmp(s, grades[i].id) == 0 || strcmp(s, grades[i].zh) == 0)
			return grades[i].id;
	return NULL;
}

static int cvss_band_valid(const char *s)
{
	return strcmp(s, "critical") == 0 || strcmp(s, "high") == 0 || strcmp(s, "medium") == 0 ||
	       strcmp(s, "low") == 0 || strcmp(s, "none") == 0;
}

/* ---- the policy ---- */

static int only_members(const json_t *o, const char *const *allowed, const char *where,
			struct err *e)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)o, k, v) {
		int ok = 0;

		for (size_t i = 0; allowed[i]; i++)
			if (strcmp(k, allowed[i]) == 0)
				ok = 1;
		if (!ok)
			return err_setn(e, ERR_INVALID, "unknown_field", "unknown field \"%s%s\"",
					where, k);
	}
	return 0;
}

static int parse_range(struct reward_range *r, const json_t *o, size_t i, struct err *e)
{
	static const char *const members[] = { "grade", "cvss_severity", "min", "max", NULL };
	const json_t *g = json_object_get(o, "grade"), *c = json_object_get(o, "cvss_severity");
	const char *gid;
	char where[48], field[48];

	snprintf(where, sizeof(where), "ranges[%zu].", i);
	if (!json_is_object(o))
		return err_set(e, ERR_INVALID, "\"ranges[%zu]\" must be an object", i);
	if (only_members(o, members, where, e) < 0)
		return -1;
	gid = reward_grade_id(json_string_value(g));
	if (gid == NULL)
		return err_set(e, ERR_INVALID, "\"ranges[%zu].grade\" must be critical, high, medium"
			       " or low (or 超危, 高危, 中危, 低危)", i);
	snprintf(r->grade, sizeof(r->grade), "%s", gid);
	if (c != NULL && !json_is_null(c)) {
		if (!json_is_string(c) || !cvss_band_valid(json_string_value(c)))
			return err_set(e, ERR_INVALID, "\"ranges[%zu].cvss_severity\" must be critical,"
				       " high, medium, low or none", i);
		snprintf(r->cvss_severity, sizeof(r->cvss_severity), "%s", json_string_value(c));
	}
	snprintf(field, sizeof(field), "ranges[%zu].min", i);
	if (json_object_get(o, "min") == NULL)
		return err_setn(e, ERR_INVALID, "missing_field", "\"%s\" is required", field);
	if (reward_amount_parse(&r->min, json_object_get(o, "min"), field, e) < 0)
		return -1;
	snprintf(field, sizeof(field), "ranges[%zu].max", i);
	if (json_object_get(o, "max") == NULL)
		return err_setn(e, ERR_INVALID, "missing_field", "\"%s\" is required", field);
	if (reward_amount_parse(&r->max, json_object_get(o, "max"), field, e) < 0)
		return -1;
	if (r->min > r->max)
		return err_set(e, ERR_INVALID, "\"ranges[%zu]\": \"min\" is above \"max\"", i);
	return 0;
}

int reward_policy_parse(struct reward_policy *out, const json_t *doc, struct err *e)
{
	static const char *const members[] = { "currency", "ranges", "note", NULL };
	const json_t *cur, *ranges, *note, *r;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(doc))
		return err_set(e, ERR_INVALID, "the reward policy must be a JSON object");
	if (only_members(doc, members, "", e) < 0)
		return -1;
	cur = json_object_get(doc, "currency");
	if (cur == NULL || json_is_null(cur))
		snprintf(out->currency, sizeof(out->currency), "CNY");
	else if (!reward_currency_valid(json_string_value(cur)))
		return err_set(e, ERR_INVALID, "\"currency\" must be an ISO 4217 code such as \"CNY\"");
	else
		snprintf(out->currency, sizeof(out->currency), "%s", json_string_value(cur));
	note = json_object_get(doc, "note");
	if (note != NULL && !json_is_null(note)) {
		if (!json_is_string(note) || json_string_length(note) >= sizeof(out->note))
			return err_set(e, ERR_INVALID, "\"note\" must be a string of at most %zu bytes",
				       sizeof(out->note) - 1);
		snprintf(out->note, sizeof(out->note), "%s", json_string_value(note));
	}
	ranges = json_object_get(doc, "ranges");
	if (!json_is_array(ranges) || json_array_size(ranges) > REWARD_RANGES_MAX)
		return err_set(e, ERR_INVALID, "\"ranges\" must be a list of at most %d ranges",
			       REWARD_RANGES_MAX);
	json_array_foreach(ranges, i, r) {
		if (parse_range(&out->ranges[i], r, i, e) < 0)
			return -1;
		for (size_t j = 0; j < i; j++)
			if (strcmp(out->ranges[j].grade, out->ranges[i].grade) == 0 &&
			    strcmp(out->ranges[j].cvss_severity, out->ranges[i].cvss_severity) == 0)
				return err_setn(e, ERR_INVALID, "duplicate_range",
						"\"ranges[%zu]\" repeats the grade and CVSS band of"
						" \"ranges[%zu]\"", i, j);
		out->nranges = i + 1;
	}
	return 0;
}

json_t *reward_policy_json(const struct reward_policy *p)
{
	json_t *doc = json_object(), *ranges = json_array();
	char min[REWARD_AMOUNT_LEN], max[REWARD_AMOUNT_LEN];

	json_object_set_new(doc, "currency", json_string(p->currency));
	for (size_t i = 0; i < p->nranges; i++) {
		const struct reward_range *r = &p->ranges[i];
		json_t *o;

		reward_amount_format(r->min, min);
		reward_amount_format(r->max, max);
		o = json_pack("{s:s,s:s,s:s}", "grade", r->grade, "min", min, "max", max);
		if (r->cvss_severity[0])
			json_object_set_new(o, "cvss_severity", json_string(r->cvss_severity));
		json_array_append_new(ranges, o);
	}
	json_object_set_new(doc, "ranges", ranges);
	if (p->note[0])
		json_object_set_new(doc, "note", json_string(p->note));
	return doc;
}

const struct reward_range *reward_range_for(const struct reward_policy *p, const char *grade,
					    const char *cvss)
{
	const char *gid = reward_grade_id(grade);
	const struct reward_range *any = NULL;

	if (p == NULL || gid == NULL)
		return NULL;
	for (size_t i = 0; i < p->nranges; i++) {
		const struct reward_range *r = &p->ranges[i];

		if (strcmp(r->grade, gid) != 0)
			continue;
		if (r->cvss_severity[0] == '\0')
			any = r;
		else if (cvss && strcmp(r->cvss_severity, cvss) == 0)
			return r;
	}
	return any;
}

int reward_within_policy(const struct reward_policy *p, const char *grade, const char *cvss,
			 const char *currency, int64_t amount, const struct reward_range **range)
{
	const struct reward_range *r = reward_range_for(p, grade, cvss);

	*range = r;
	if (r == NULL || currency == NULL || strcmp(currency, p->currency) != 0)
		return 0;
	return amount >= r->min && amount <= r->max;
}

/* ---- the state machine ---- */

static void need(struct reward_verdict *v, const char *id)
{
	if (v->nmissing < REWARD_MISSING_MAX)
		v->missing[v->nmissing++] = id;
}

int reward_decide(struct reward_verdict *out, const struct reward_step *s, struct err *e)
{
	const struct step_rule *rule;
	const char *act = reward_action_name(s->action);

	memset(out, 0, sizeof(*out));
	if ((unsigned)s->action >= REWARD_ACTION_COUNT) {
		out->code = "illegal_transition";
		return err_setn(e, ERR_CONFLICT, out->code, "unknown step");
	}
	rule = &rules[s->action];
	if ((unsigned)s->role >= 32 || !(rule->roles & ROLE_BIT(s->role))) {
		out->code = "forbidden";
		return err_setn(e, ERR_FORBIDDEN, out->code, "role \"%s\" cannot %s a reward",
				role_name(s->role), act);
	}
	if (s->action != REWARD_PROPOSE &&
	    ((unsigned)s->from >= REWARD_STATE_COUNT || !(rule->from & S_BIT(s->from)))) {
		out->code = "illegal_transition";
		if (s->from == REWARD_PROPOSED && rule->needs_before)
			need(out, rule->needs_before);
		return err_setn(e, ERR_CONFLICT, out->code, "a %s reward cannot be %s",
				reward_state_name(s->from),
				s->action == REWARD_PAY ? "paid" : s->action == REWARD_APPROVE
								    ? "approved" : "rejected");
	}
	switch (s->action) {
	case REWARD_PROPOSE:
		if (!s->within_policy) {
			if (!s->has_reason)
				need(out, "reason");
			if (s->role != ROLE_COORDINATOR)
				need(out, "coordinator");
		}
		break;
	case REWARD_APPROVE:
		if (s->actor_id == s->proposer_id)
			need(out, "second_coordinator");
		break;
	case REWARD_PAY:
		if (!s->has_reference)
			need(out, "reference");
		if (!s->has_paid_at)
			need(out, "paid_at");
		break;
	case REWARD_REJECT:
		if (!s->has_reason)
			need(out, "reason");
		break;
	default:
		break;
	}
	if (out->nmissing) {
		out->code = "guard_failed";
		if (s->action == REWARD_PROPOSE)
			return err_setn(e, ERR_CONFLICT, out->code,
					"an amount outside the reward policy needs a reason and a"
					" coordinator");
		if (s->action == REWARD_APPROVE)
			return err_setn(e, ERR_CONFLICT, out->code,
					"a reward is approved by a coordinator other than its"
					" proposer");
		return err_setn(e, ERR_CONFLICT, out->code, "cannot %s the reward: \"%s\" is missing",
				act, out->missing[0]);
	}
	out->to = rule->to;
	return 0;
}
