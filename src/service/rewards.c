/* rewards.c - reward policy, decisions, ledger and a reporter's own rewards (see rewards.h). */
#include "service/rewards.h"
#include "service/platform_users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/timefmt.h"
#include "service/account.h"
#include "service/audit.h"
#include "service/cases.h"
#include "service/instance.h"
#include "store/store_reward.h"

#define LEDGER_MAX ((size_t)256 << 20)
#define TEXT_MAX 2000

/* ---- who sees what ---- */

/* The user whose cases' decisions a reader sees (0 = all), or -1 with e set. */
static int64_t reader_scope(const struct case_actor *a, struct err *e)
{
	if (a->a.user_id == 0 || role_has(a->role, CAP_PUBLISH) ||
	    role_has(a->role, CAP_AUDIT_READ))
		return 0;
	if (role_has(a->role, CAP_CASES_READ))
		return a->a.user_id;
	err_setn(e, ERR_FORBIDDEN, "forbidden", "role \"%s\" cannot read rewards",
		 role_name(a->role));
	return -1;
}

static int policy_writer(const struct case_actor *a, struct err *e)
{
	if (a->a.user_id == 0 || a->role == ROLE_ADMIN || a->role == ROLE_COORDINATOR)
		return 0;
	return err_setn(e, ERR_FORBIDDEN, "forbidden", "role \"%s\" cannot change the reward policy",
			role_name(a->role));
}

static void put_time(json_t *o, const char *name, int64_t us)
{
	char utc[TIMEFMT_LEN], local[TIMEFMT_LEN], key[64];

	snprintf(key, sizeof(key), "%s_local", name);
	if (us == 0) {
		json_object_set_new(o, name, json_null());
		json_object_set_new(o, key, json_null());
		return;
	}
	time_format_utc(us, utc);
	time_format_shanghai(us, local);
	json_object_set_new(o, name, json_string(utc));
	json_object_set_new(o, key, json_string(local));
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *amount_json(int64_t minor)
{
	char buf[REWARD_AMOUNT_LEN];

	reward_amount_format(minor, buf);
	return json_string(buf);
}

/* A text member: absent or null -> *out NULL; else a string of 1..max bytes. */
static int text_member(const json_t *body, const char *name, size_t max, const char **out,
		       struct err *e)
{
	const json_t *v = json_object_get(body, name);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return err_set(e, ERR_INVALID, "\"%s\" must be a string", name);
	if (json_string_length(v) > max)
		return err_set(e, ERR_INVALID, "\"%s\" is longer than %zu bytes", name, max);
	if (json_string_length(v) == 0 || strlen(json_string_value(v)) != json_string_length(v))
		return 0;      /* "" counts as not given; a NUL inside as not given either */
	*out = json_string_value(v);
	return 0;
}

static int only_members(const json_t *body, const char *const *allowed, struct err *e)
{
	const char *k;
	json_t *v;

	if (body == NULL)
		return 0;
	if (!json_is_object(body))
		return err_set(e, ERR_INVALID, "the body must be a JSON object");
	json_object_foreach((json_t *)body, k, v) {
		int ok = 0;

		for (size_t i = 0; allowed[i]; i++)
			ok |= strcmp(k, allowed[i]) == 0;
		if (!ok)
			return err_setn(e, ERR_INVALID, "unknown_field", "unknown field \"%s\"", k);
	}
	return 0;
}

static json_t *missing_json(const struct reward_verdict *v)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < v->nmissing; i++)
		json_array_append_new(arr, json_string(v->missing[i]));
	return arr;
}

/* ---- the policy ---- */

struct policy_load {
	json_t *json;                  /* the API form */
	struct reward_policy policy;
	int64_t version;
	int bad;
};

static json_t *policy_row_json(const struct reward_policy_row *p, json_t *doc)
{
	json_t *o = json_object();

	json_object_set_new(o, "version", json_integer(p->version));
	json_object_set_new(o, "policy", doc);
	json_object_set_new(o, "change_note", str_or_null(p->note));
	put_time(o, "created_at", p->created_at);
	json_object_set_new(o, "created_by", json_string(p->created_by_name));
	return o;
}

static int take_policy(void *arg, const struct reward_policy_row *p, struct err *e)
{
	struct policy_load *pl = arg;
	json_t *doc = json_loads(p->document, JSON_REJECT_DUPLICATES, NULL);
	struct err pe = ERR_INIT;

	if (doc == NULL || reward_policy_parse(&pl->policy, doc, &pe) < 0) {
		json_decref(doc);
		return err_set(e, ERR_INTERNAL, "stored reward policy %lld does not parse",
			       (long long)p->version);
	}
	pl->version = p->version;
	pl->json = policy_row_json(p, doc);
	return 0;
}

static int take_policy_item(void *arg, const struct reward_policy_row *p, struct err *e)
{
	json_t *items = arg, *doc = json_loads(p->document, JSON_REJECT_DUPLICATES, NULL);

	if (doc == NULL)
		return err_set(e, ERR_INTERNAL, "stored reward policy %lld does not parse",
			       (long long)p->version);
	json_array_append_new(items, policy_row_json(p, doc));
	return 0;
}

/* The latest policy into *pl (pl->version 0 when there is none). */
static int latest_policy(struct db_conn *c, struct policy_load *pl, struct err *e)
{
	memset(pl, 0, sizeof(*pl));
	if (store_reward_policy_get(c, 0, take_policy, pl, e) < 0) {
		if (e->code != ERR_NOT_FOUND)
			return -1;
		err_clear(e);
	}
	return 0;
}

int rewards_policy_get(struct instance *in, const struct case_actor *a, int64_t version,
		       json_t **out, struct err *e)
{
	struct policy_load pl;
	struct db_conn *c;
	int rc;

	*out = NULL;
	if (reader_scope(a, e) < 0)
		return -1;
	memset(&pl, 0, sizeof(pl));
	if (db_acquire(in->db, &c, 5000, e) < 0)
		return -1;
	rc = store_reward_policy_get(c, version, take_policy, &pl, e);
	db_release(c);
	if (rc < 0) {
		if (e->code == ERR_NOT_FOUND && version)
			err_setn(e, ERR_NOT_FOUND, "no_reward_policy",
				 "reward policy version %lld not found", (long long)version);
		else if (e->code == ERR_NOT_FOUND)
			err_setn(e, ERR_NOT_FOUND, "no_reward_policy", "no reward policy yet");
		return -1;
	}
	*out = pl.json;
	return 0;
}

int rewards_policy_history(struct instance *in, const struct case_actor *a, json_t **out,
			   struct err *e)
{
	json_t *items = json_array();
	struct db_conn *c;
	int rc;

	*out = NULL;
	if (reader_scope(a, e) < 0 || db_acquire(in->db, &c, 5000, e) < 0) {
		json_decref(items);
		return -1;
	}
	rc = store_reward_policy_list(c, take_policy_item, items, e);
	db_release(c);
	if (rc < 0) {
		json_decref(items);
		return -1;
	}
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

int rewards_policy_put(struct instance *in, const struct case_actor *a, json_t *body,
		       json_t **out, struct err *e)
{
	struct reward_policy p;
	struct reward_policy_row row = { 0 };
	json_t *doc = NULL, *canon = NULL;
	const char *note = NULL;
	char *text = NULL;
	struct db_conn *c;
	int64_t version;
	int rc = -1;

	*out = NULL;
	if (policy_writer(a, e) < 0)
		return -1;
	if (!json_is_object(body))
		return err_set(e, ERR_INVALID, "the reward policy must be a JSON object");
	if (text_member(body, "change_note", TEXT_MAX, &note, e) < 0)
		return -1;
	doc = json_deep_copy(body);
	json_object_del(doc, "change_note");
	if (reward_policy_parse(&p, doc, e) < 0)
		goto out;
	canon = reward_policy_json(&p);
	text = json_dumps(canon, JSON_COMPACT | JSON_PRESERVE_ORDER);
	row.document = text;
	row.note = note;
	row.created_at = time_now_us();
	row.created_by = a->a.user_id;
	row.created_by_name = a->a.name ? a->a.name : "system";
	if (db_acquire(in->db, &c, 5000, e) < 0)
		goto out;
	if (db_begin(c, e) < 0) {
		db_release(c);
		goto out;
	}
	rc = store_reward_policy_add(c, &row, &version, e);
	if (rc == 0)
		rc = audit_record(c, &a->a, "reward.policy", "reward_policy", version,
				  json_pack("{s:O,s:s?}", "policy", canon, "change_note", note), e);
	if (rc == 0)
		rc = db_commit(c, e);
	if (rc < 0)
		db_rollback(c);
	db_release(c);
	if (rc == 0) {
		row.version = version;
		*out = policy_row_json(&row, canon);
		canon = NULL;
	}
out:
	free(text);
	json_decref(canon);
	json_decref(doc);
	return rc;
}

/* ---- decisions as JSON ---- */

static json_t *reward_json(const struct reward_row *r)
{
	json_t *o = json_object(), *rep = json_object(), *range = json_null();

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "case_id", json_integer(r->case_id));
	json_object_set_new(rep, "key", json_string(r->reporter_key));
	json_object_set_new(rep, "user_id", r->reporter_user_id ? json_integer(r->reporter_user_id)
							       : json_null());
	json_object_set_new(rep, "report_id", r->report_id ? json_integer(r->report_id)
							  : json_null());
	json_object_set_new(rep, "label", json_string(r->reporter_label));
	json_object_set_new(o, "reporter", rep);
	json_object_set_new(o, "amount", amount_json(r->amount));
	json_object_set_new(o, "currency", json_string(r->currency));
	json_object_set_new(o, "state", json_string(r->state));
	json_object_set_new(o, "within_policy", json_boolean(r->within_policy));
	json_object_set_new(o, "policy_version", r->policy_version
				 ? json_integer(r->policy_version) : json_null());
	if (r->range_min >= 0 && r->range_max >= 0)
		range = json_pack("{s:o,s:o}", "min", amount_json(r->range_min), "max",
				  amount_json(r->range_max));
	json_object_set_new(o, "policy_range", range);
	json_object_set_new(o, "grade", str_or_null(r->grade));
	json_object_set_new(o, "cvss_severity", str_or_null(r->cvss_severity));
	json_object_set_new(o, "reason", str_or_null(r->reason));
	json_object_set_new(o, "proposed_by", json_pack("{s:o,s:s}", "id", r->proposed_by
		? json_integer(r->proposed_by) : json_null(), "name", r->proposed_by_name));
	put_time(o, "proposed_at", r->proposed_at);
	json_object_set_new(o, "approved_by", r->approved_by_name
		? json_pack("{s:o,s:s}", "id", r->approved_by ? json_integer(r->approved_by)
							      : json_null(),
			    "name", r->approved_by_name) : json_null());
	put_time(o, "approved_at", r->approved_at);
	put_time(o, "paid_at", r->paid_at);
	json_object_set_new(o, "reference", str_or_null(r->paid_reference));
	json_object_set_new(o, "paid_recorded_by", str_or_null(r->paid_recorded_by_name));
	json_object_set_new(o, "rejected_by", str_or_null(r->rejected_by_name));
	put_time(o, "rejected_at", r->rejected_at);
	json_object_set_new(o, "reject_reason", str_or_null(r->reject_reason));
	put_time(o, "updated_at", r->updated_at);
	return o;
}

/* A loaded decision: the JSON and what the steps need. */
struct loaded {
	json_t *json;
	int64_t id, case_id, proposed_by, proposed_at, version;
	int state;
};

static int take_reward(void *arg, const struct reward_row *r, struct err *e)
{
	struct loaded *l = arg;

	l->json = reward_json(r);
	l->id = r->id;
	l->case_id = r->case_id;
	l->proposed_by = r->proposed_by;
	l->proposed_at = r->proposed_at;
	l->version = r->version;
	l->state = reward_state_from_name(r->state);
	if (l->state < 0)
		return err_set(e, ERR_INTERNAL, "reward %lld has an unknown state \"%s\"",
			       (long long)r->id, r->state);
	return 0;
}

struct case_info {
	int64_t assignee_id, team_id;
	char grade[16];                /* the grade id, "" if none */
	char cvss[16];
	int has_grade;
};

static int take_case(void *arg, const struct reward_case_row *r, struct err *e)
{
	struct case_info *ci = arg;
	const char *g = reward_grade_id(r->gbt_grade);

	(void)e;
	ci->assignee_id = r->assignee_id;
	ci->team_id = r->team_id;
	if (g) {
		snprintf(ci->grade, sizeof(ci->grade), "%s", g);
		ci->has_grade = 1;
	}
	if (r->severity) {
		/* the case keeps the band as scored ("High"); policies name it in lower case */
		snprintf(ci->cvss, sizeof(ci->cvss), "%s", r->severity);
		for (char *p = ci->cvss; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
	}
	return 0;
}

/* The case as a decision on it needs it; ERR_NOT_FOUND when not visible. */
static int load_case(struct db_conn *c, const struct case_actor *a, int64_t case_id,
		     struct case_info *ci, struct err *e)
{
	memset(ci, 0, sizeof(*ci));
	if (reader_scope(a, e) < 0)
		return -1;
	if (store_reward_case(c, case_id, take_case, ci, e) < 0)
		return -1;
	if (cases_need_to_know(c, a, ci->assignee_id, ci->team_id, e) < 0)
		return e->code == ERR_NOT_FOUND
			? err_setn(e, ERR_NOT_FOUND, "not_found", "case %lld not found",
				   (long long)case_id)
			: -1;
	return 0;
}

static int history_item(void *arg, const struct reward_event_row *ev, struct err *e)
{
	json_t *o = json_object(), *detail = json_loads(ev->detail, 0, NULL);

	(void)e;
	json_object_set_new(o, "id", json_integer(ev->id));
	json_object_set_new(o, "action", json_string(ev->action));
	json_object_set_new(o, "from", str_or_null(ev->from_state));
	json_object_set_new(o, "to", json_string(ev->to_state));
	put_time(o, "at", ev->at);
	json_object_set_new(o, "actor", json_string(ev->actor));
	json_object_set_new(o, "actor_id", ev->actor_id ? json_integer(ev->actor_id) : json_null());
	json_object_set_new(o, "reason", str_or_null(ev->reason));
	json_object_set_new(o, "detail", detail ? detail : json_object());
	json_array_append_new(arg, o);
	return 0;
}

/* ---- propose ---- */

struct reporter {
	char key[48];
	int64_t user_id;
	int64_t report_id;
	char label[300];
};

static int count_report(void *arg, int64_t report_id, struct err *e)
{
	(void)report_id;
	(void)e;
	(*(int *)arg)++;
	return 0;
}

/* Resolve the "reporter" member: a user id, an e-mail, or {"report_id"}. */
static int resolve_reporter(struct instance *in, int64_t case_id, const json_t *v,
			    struct reporter *rp, struct err *e)
{
	struct user u;
	struct db_conn *c;
	int64_t report_id = 0, uid = 0;
	int in_case = 0, n = 0, rc;

	memset(rp, 0, sizeof(rp[0]));
	if (json_is_integer(v) && json_integer_value(v) > 0) {
		uid = json_integer_value(v);
	} else if (json_is_string(v) && strchr(json_string_value(v), '@')) {
		if (account_user_by_email(in->db, json_string_value(v), &u, e) < 0) {
			if (e->code == ERR_NOT_FOUND)
				err_setn(e, ERR_INVALID, "not_a_reporter",
					 "no account \"%s\"", json_string_value(v));
			return -1;
		}
		uid = u.id;
	} else if (json_is_object(v) && json_object_size(v) == 1 &&
		   json_is_integer(json_object_get(v, "report_id")) &&
		   json_integer_value(json_object_get(v, "report_id")) > 0) {
		report_id = json_integer_value(json_object_get(v, "report_id"));
	} else {
		return err_set(e, ERR_INVALID, "\"reporter\" must be a reporter account (its user id"
			       " or e-mail) or {\"report_id\": N} for a report of the case");
	}
	if (db_acquire(in->db, &c, 5000, e) < 0)
		return -1;
	if (report_id)
		rc = store_reward_case_report(c, case_id, report_id, &in_case, &uid, e);
	else
		rc = store_reward_case_reports_of(c, case_id, uid, count_report, &n, e);
	db_release(c);
	if (rc < 0)
		return -1;
	if (report_id && !in_case)
		return err_setn(e, ERR_INVALID, "not_a_reporter", "report %lld is not in case %lld",
				(long long)report_id, (long long)case_id);
	if (!report_id && n == 0)
		return err_setn(e, ERR_INVALID, "not_a_reporter",
				"user %lld sent none of the reports of case %lld", (long long)uid,
				(long long)case_id);
	if (uid) {
		/* a signed-in sender: one decision per account, whichever report named it */
		if (account_user_get(in->db, uid, &u, e) < 0)
			return -1;
		snprintf(rp->key, sizeof(rp->key), "user:%lld", (long long)uid);
		snprintf(rp->label, sizeof(rp->label), "%s", u.email);
		rp->user_id = uid;
		rp->report_id = report_id;
	} else {
		snprintf(rp->key, sizeof(rp->key), "report:%lld", (long long)report_id);
		snprintf(rp->label, sizeof(rp->label), "report %lld", (long long)report_id);
		rp->report_id = report_id;
	}
	return 0;
}

static int write_event(struct db_conn *c, const struct case_actor *a, int64_t reward_id,
		       enum reward_action act, const char *from, const char *to,
		       const char *reason, json_t *detail, struct err *e)
{
	struct reward_event_row ev = { 0 };
	char *text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	int64_t id;
	int rc;

	ev.reward_id = reward_id;
	ev.action = reward_action_name(act);
	ev.from_state = from;
	ev.to_state = to;
	ev.at = time_now_us();
	ev.actor_id = a->a.user_id;
	ev.actor = a->a.name ? a->a.name : "system";
	ev.reason = reason;
	ev.detail = text;
	rc = store_reward_event_add(c, &ev, &id, e);
	free(text);
	if (rc == 0) {
		char action[32];

		snprintf(action, sizeof(action), "reward.%s", reward_action_name(act));
		rc = audit_record(c, &a->a, action, "reward", reward_id, json_incref(detail), e);
	}
	return rc;
}

static int reload(struct db_conn *c, int64_t id, json_t **out, struct err *e)
{
	struct loaded l = { 0 };
	json_t *hist = json_array();

	if (store_reward_get(c, id, 0, take_reward, &l, e) < 0 ||
	    store_reward_events(c, id, history_item, hist, e) < 0) {
		json_decref(l.json);
		json_decref(hist);
		return -1;
	}
	json_object_set_new(l.json, "history", hist);
	*out = l.json;
	return 0;
}

int rewards_propose(struct instance *in, const struct case_actor *a, int64_t case_id,
		    json_t *body, json_t **out, json_t **missing, struct err *e)
{
	static const char *const members[] = { "reporter", "amount", "currency", "reason", NULL };
	const json_t *cur = json_object_get(body, "currency");
	const struct reward_range *range = NULL;
	struct reward_step step = { .action = REWARD_PROPOSE };
	struct reward_verdict v;
	struct reward_row row = { 0 };
	struct policy_load pl;
	struct case_info ci;
	struct reporter rp;
	const char *reason = NULL;
	char currency[4];
	struct db_conn *c;
	int64_t amount, id = 0;
	int rc;

	*out = NULL;
	if (missing)
		*missing = NULL;
	/* who may propose at all, before anything is looked up */
	step.role = a->role;
	step.within_policy = 1;
	step.has_reason = 1;
	if (reward_decide(&v, &step, e) < 0)
		return -1;
	if (only_members(body, members, e) < 0 || text_member(body, "reason", TEXT_MAX, &reason, e) < 0)
		return -1;
	if (json_object_get(body, "reporter") == NULL)
		return err_setn(e, ERR_INVALID, "missing_field", "\"reporter\" is required");
	if (json_object_get(body, "amount") == NULL)
		return err_setn(e, ERR_INVALID, "missing_field", "\"amount\" is required");
	if (reward_amount_parse(&amount, json_object_get(body, "amount"), "amount", e) < 0)
		return -1;
	if (cur && !json_is_null(cur) && !reward_currency_valid(json_string_value(cur)))
		return err_set(e, ERR_INVALID, "\"currency\" must be an ISO 4217 code such as \"CNY\"");
	/* the case first (need-to-know), then its reporter */
	if (db_acquire(in->db, &c, 5000, e) < 0)
		return -1;
	rc = load_case(c, a, case_id, &ci, e);
	db_release(c);
	if (rc < 0 || resolve_reporter(in, case_id, json_object_get(body, "reporter"), &rp, e) < 0)
		return -1;
	if (db_acquire(in->db, &c, 5000, e) < 0)
		return -1;
	if (db_begin(c, e) < 0) {
		db_release(c);
		return -1;
	}
	rc = -1;
	if (latest_policy(c, &pl, e) < 0)
		goto out;
	snprintf(currency, sizeof(currency), "%s", cur && !json_is_null(cur)
		 ? json_string_value(cur) : pl.version ? pl.policy.currency : "CNY");
	step.within_policy = pl.version &&
		reward_within_policy(&pl.policy, ci.grade, ci.cvss[0] ? ci.cvss : NULL, currency,
				     amount, &range);
	step.has_reason = reason != NULL;
	step.actor_id = a->a.user_id;
	if (reward_decide(&v, &step, e) < 0) {
		if (missing)
			*missing = missing_json(&v);
		goto out;
	}
	row.case_id = case_id;
	row.reporter_key = rp.key;
	row.reporter_user_id = rp.user_id;
	row.report_id = rp.report_id;
	row.reporter_label = rp.label;
	row.amount = amount;
	row.currency = currency;
	row.state = reward_state_name(v.to);
	row.within_policy = step.within_policy;
	row.policy_version = pl.version;
	row.range_min = range ? range->min : -1;
	row.range_max = range ? range->max : -1;
	row.grade = ci.has_grade ? ci.grade : NULL;
	row.cvss_severity = ci.cvss[0] ? ci.cvss : NULL;
	row.reason = reason;
	row.proposed_by = a->a.user_id;
	row.proposed_by_name = a->a.name ? a->a.name : "system";
	row.proposed_at = time_now_us();
	if (store_reward_add(c, &row, &id, e) < 0)
		goto out;
	{
		json_t *detail = json_pack("{s:I,s:s,s:o,s:s,s:b,s:I}", "case_id", (json_int_t)case_id,
					   "reporter", rp.key, "amount", amount_json(amount),
					   "currency", currency, "within_policy", step.within_policy,
					   "policy_version", (json_int_t)pl.version);

		rc = write_event(c, a, id, REWARD_PROPOSE, NULL, row.state, reason, detail, e);
		json_decref(detail);
		if (rc < 0)
			goto out;
		rc = -1;
	}
	if (reload(c, id, out, e) < 0)
		goto out;
	rc = db_commit(c, e);
out:
	if (rc < 0) {
		db_rollback(c);
		json_decref(*out);
		*out = NULL;
	}
	db_release(c);
	json_decref(pl.json);
	return rc;
}

/* ---- approve, pay, reject ---- */

int rewards_step(struct instance *in, const struct case_actor *a, int64_t id,
		 enum reward_action action, json_t *body, json_t **out, json_t **missing,
		 struct err *e)
{
	static const char *const approve_members[] = { "note", NULL };
	static const char *const pay_members[] = { "reference", "paid_at", NULL };
	static const char *const reject_members[] = { "reason", NULL };
	struct reward_step step = { .action = action, .role = a->role, .actor_id = a->a.user_id };
	struct reward_verdict v;
	struct reward_row row = { 0 };
	struct loaded l = { 0 };
	struct case_info ci;
	const char *note = NULL, *reference = NULL, *reason = NULL, *paid_s = NULL;
	int64_t paid_at = 0, now = time_now_us();
	struct db_conn *c;
	json_t *detail = NULL;
	int rc = -1;

	*out = NULL;
	if (missing)
		*missing = NULL;
	switch (action) {
	case REWARD_APPROVE:
		if (only_members(body, approve_members, e) < 0 ||
		    text_member(body, "note", TEXT_MAX, &note, e) < 0)
			return -1;
		break;
	case REWARD_PAY:
		if (only_members(body, pay_members, e) < 0 ||
		    text_member(body, "reference", 200, &reference, e) < 0 ||
		    text_member(body, "paid_at", 64, &paid_s, e) < 0)
			return -1;
		if (paid_s && time_parse_rfc3339(paid_s, &paid_at) < 0)
			return err_set(e, ERR_INVALID, "\"paid_at\" must be RFC 3339");
		if (paid_s && paid_at > now + 300 * TIME_US_PER_S)
			return err_set(e, ERR_INVALID, "\"paid_at\" is in the future");
		break;
	case REWARD_REJECT:
		if (only_members(body, reject_members, e) < 0 ||
		    text_member(body, "reason", TEXT_MAX, &reason, e) < 0)
			return -1;
		break;
	default:
		return err_set(e, ERR_INVALID, "not a step of a reward");
	}
	if (db_acquire(in->db, &c, 5000, e) < 0)
		return -1;
	if (db_begin(c, e) < 0) {
		db_release(c);
		return -1;
	}
	if (store_reward_get(c, id, 1, take_reward, &l, e) < 0)
		goto out;
	/* a decision on a case one may not see does not exist for one */
	if (load_case(c, a, l.case_id, &ci, e) < 0) {
		if (e->code == ERR_NOT_FOUND)
			err_setn(e, ERR_NOT_FOUND, "not_found", "reward %lld not found",
				 (long long)id);
		goto out;
	}
	step.from = (enum reward_state)l.state;
	step.proposer_id = l.proposed_by;
	step.has_reason = reason != NULL;
	step.has_reference = reference != NULL;
	step.has_paid_at = paid_s != NULL;
	if (reward_decide(&v, &step, e) < 0) {
		if (missing)
			*missing = missing_json(&v);
		goto out;
	}
	if (action == REWARD_PAY && paid_at < l.proposed_at) {
		err_set(e, ERR_INVALID, "\"paid_at\" is before the reward was proposed");
		goto out;
	}
	/* a collection platform pays only verified researchers (platform_users.h) */
	if (action == REWARD_PAY &&
	    pu_payable(c, in->cfg.role,
		       json_integer_value(json_object_get(json_object_get(l.json, "reporter"),
							  "user_id")), e) < 0)
		goto out;
	row.id = id;
	row.version = l.version;
	row.state = reward_state_name(v.to);
	row.updated_at = now;
	detail = json_pack("{s:I}", "case_id", (json_int_t)l.case_id);
	if (action == REWARD_APPROVE) {
		row.approved_by = a->a.user_id;
		row.approved_by_name = a->a.name ? a->a.name : "system";
		row.approved_at = now;
		if (note)
			json_object_set_new(detail, "note", json_string(note));
	} else if (action == REWARD_PAY) {
		row.paid_at = paid_at;
		row.paid_reference = reference;
		row.paid_recorded_by_name = a->a.name ? a->a.name : "system";
		json_object_set_new(detail, "reference", json_string(reference));
		json_object_set_new(detail, "paid_at", json_string(paid_s));
	} else {
		row.rejected_by_name = a->a.name ? a->a.name : "system";
		row.rejected_at = now;
		row.reject_reason = reason;
	}
	if (store_reward_update(c, &row, e) < 0 ||
	    write_event(c, a, id, action, reward_state_name(step.from), row.state,
			action == REWARD_APPROVE ? note : reason, detail, e) < 0 ||
	    reload(c, id, out, e) < 0)
		goto out;
	rc = db_commit(c, e);
out:
	if (rc < 0) {
		db_rollback(c);
		json_decref(*out);
		*out = NULL;
	}
	db_release(c);
	json_decref(detail);
	json_decref(l.json);
	return rc;
}

int rewards_get(struct instance *in, const struct case_actor *a, int64_t id, json_t **out,
		struct err *e)
{
	struct loaded l = { 0 };
	struct case_info ci;
	struct db_conn *c;
	int rc;

	*out = NULL;
	if (reader_scope(a, e) < 0 || db_acquire(in->db, &c, 5000, e) < 0)
		return -1;
	rc = store_reward_get(c, id, 0, take_reward, &l, e);
	if (rc == 0 && load_case(c, a, l.case_id, &ci, e) < 0) {
		if (e->code == ERR_NOT_FOUND)
			err_setn(e, ERR_NOT_FOUND, "not_found", "reward %lld not found",
				 (long long)id);
		rc = -1;
	}
	if (rc == 0)
		rc = reload(c, id, out, e);
	db_release(c);
	json_decref(l.json);
	return rc;
}

/* ---- lists ---- */

static int parse_cursor(const char *cursor, int64_t *after, struct err *e)
{
	char *end;
	long long v;

	*after = 0;
	if (cursor == NULL || *cursor == '\0')
		return 0;
	v = strtoll(cursor, &end, 10);
	if (*end != '\0' || v <= 0)
		return err_setn(e, ERR_INVALID, "invalid_parameter", "\"cursor\" is not a cursor of"
				" this list");
	*after = v;
	return 0;
}

/* The filter of q for actor a; key holds a "user:N"/"report:N" filter. */
static int query_filter(const struct case_actor *a, const struct reward_query *q,
			struct reward_filter *f, char key[48], struct err *e)
{
	memset(f, 0, sizeof(*f));
	f->visible_to = reader_scope(a, e);
	if (f->visible_to < 0)
		return -1;
	if (q->state && reward_state_from_name(q->state) < 0)
		return err_setn(e, ERR_INVALID, "invalid_parameter",
				"\"state\" must be proposed, approved, paid or rejected");
	f->state = q->state;
	f->case_id = q->case_id;
	if (q->reporter) {
		long long n;
		int used = 0;

		if (sscanf(q->reporter, "user:%lld%n", &n, &used) == 1 && q->reporter[used] == '\0' &&
		    n > 0)
			f->reporter_user_id = n;
		else if (sscanf(q->reporter, "report:%lld%n", &n, &used) == 1 &&
			 q->reporter[used] == '\0' && n > 0) {
			snprintf(key, 48, "report:%lld", n);
			f->reporter_key = key;
		} else if (sscanf(q->reporter, "%lld%n", &n, &used) == 1 &&
			   q->reporter[used] == '\0' && n > 0)
			f->reporter_user_id = n;
		else
			return err_setn(e, ERR_INVALID, "invalid_parameter",
					"\"reporter\" must be a user id, user:N or report:N");
	}
	return 0;
}

static int list_item(void *arg, const struct reward_row *r, struct err *e)
{
	(void)e;
	json_array_append_new(arg, reward_json(r));
	return 0;
}

static json_t *page(json_t *items, int limit)
{
	json_t *next = json_null();
	size_t n = json_array_size(items);

	if (n > 0 && (int)n == limit)
		next = json_sprintf("%lld", (long long)json_integer_value(
			json_object_get(json_array_get(items, n - 1), "id")));
	return json_pack("{s:o,s:o}", "items", items, "next_cursor", next);
}

int rewards_list(struct instance *in, const struct case_actor *a, const struct reward_query *q,
		 json_t **out, struct err *e)
{
	struct reward_filter f;
	json_t *items;
	struct db_conn *c;
	char key[48];
	int rc;

	*out = NULL;
	if (query_filter(a, q, &f, key, e) < 0 || parse_cursor(q->cursor, &f.after_id, e) < 0)
		return -1;
	f.limit = q->limit > 0 ? q->limit : 50;
	if (db_acquire(in->db, &c, 5000, e) < 0)
		return -1;
	items = json_array();
	rc = store_reward_list(c, &f, list_item, items, e);
	db_release(c);
	if (rc < 0) {
		json_decref(items);
		return -1;
	}
	*out = page(items, f.limit);
	return 0;
}

/* ---- the ledger ---- */

static const char *const ledger_cols[] = {
	"reward_id", "case_id", "reporter", "reporter_user_id", "report_id", "amount", "currency",
	"state", "within_policy", "policy_version", "grade", "cvss_severity", "reason",
	"proposed_by", "proposed_at_utc", "proposed_at_shanghai", "approved_by",
	"approved_at_utc", "approved_at_shanghai", "paid_at_utc", "paid_at_shanghai", "reference",
	"rejected_by", "rejected_at_utc", "rejected_at_shanghai", "reject_reason", NULL
};

/* One field, quoted when it holds a comma, a quote or a line break; text a
 * spreadsheet would run as a formula gets a leading "'". */
static int csv_field(struct buf *b, const char *s, int first)
{
	int quote = 0, rc = 0;

	if (!first)
		rc |= buf_add(b, ",", 1);
	if (s == NULL)
		return rc;
	if (strpbrk(s, ",\"\r\n") != NULL)
		quote = 1;
	if (quote)
		rc |= buf_add(b, "\"", 1);
	if (strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0')
		rc |= buf_add(b, "'", 1);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			rc |= buf_add(b, "\"\"", 2);
		else
			rc |= buf_add(b, p, 1);
	}
	if (quote)
		rc |= buf_add(b, "\"", 1);
	return rc;
}

static int csv_int(struct buf *b, int64_t v, int present)
{
	char n[24];

	if (!present)
		return buf_add(b, ",", 1);
	snprintf(n, sizeof(n), ",%lld", (long long)v);
	return buf_adds(b, n);
}

static int csv_times(struct buf *b, int64_t us)
{
	char t[TIMEFMT_LEN];
	int rc = 0;

	if (us == 0)
		return buf_add(b, ",,", 2);
	time_format_utc(us, t);
	rc |= csv_field(b, t, 0);
	time_format_shanghai(us, t);
	rc |= csv_field(b, t, 0);
	return rc;
}

struct ledger {
	struct buf b;
	int64_t last_id;
	int rows;
	int count;
};

static int ledger_row(void *arg, const struct reward_row *r, struct err *e)
{
	struct ledger *l = arg;
	struct buf *b = &l->b;
	char amount[REWARD_AMOUNT_LEN];
	int rc = 0;

	l->last_id = r->id;
	l->rows++;
	l->count++;
	reward_amount_format(r->amount, amount);
	rc |= buf_addf(b, "%lld", (long long)r->id);
	rc |= csv_int(b, r->case_id, 1);
	rc |= csv_field(b, r->reporter_label, 0);
	rc |= csv_int(b, r->reporter_user_id, r->reporter_user_id != 0);
	rc |= csv_int(b, r->report_id, r->report_id != 0);
	rc |= csv_field(b, amount, 0);
	rc |= csv_field(b, r->currency, 0);
	rc |= csv_field(b, r->state, 0);
	rc |= csv_field(b, r->within_policy ? "yes" : "no", 0);
	rc |= csv_int(b, r->policy_version, r->policy_version != 0);
	rc |= csv_field(b, r->grade, 0);
	rc |= csv_field(b, r->cvss_severity, 0);
	rc |= csv_field(b, r->reason, 0);
	rc |= csv_field(b, r->proposed_by_name, 0);
	rc |= csv_times(b, r->proposed_at);
	rc |= csv_field(b, r->approved_by_name, 0);
	rc |= csv_times(b, r->approved_at);
	rc |= csv_times(b, r->paid_at);
	rc |= csv_field(b, r->paid_reference, 0);
	rc |= csv_field(b, r->rejected_by_name, 0);
	rc |= csv_times(b, r->rejected_at);
	rc |= csv_field(b, r->reject_reason, 0);
	rc |= buf_add(b, "\r\n", 2);
	if (rc)
		return err_set(e, ERR_TOO_LARGE, "the ledger is larger than %zu bytes", LEDGER_MAX);
	return 0;
}

int rewards_ledger_csv(struct instance *in, const struct case_actor *a,
		       const struct reward_query *q, char **csv, size_t *len, struct err *e)
{
	struct reward_filter f;
	struct ledger l;
	struct db_conn *c;
	char key[48];
	int rc = -1;

	*csv = NULL;
	*len = 0;
	if (query_filter(a, q, &f, key, e) < 0)
		return -1;
	f.ascending = 1;
	f.limit = 1000;
	memset(&l, 0, sizeof(l));
	buf_init(&l.b, LEDGER_MAX);
	buf_add(&l.b, "\xEF\xBB\xBF", 3);
	for (size_t i = 0; ledger_cols[i]; i++)
		csv_field(&l.b, ledger_cols[i], i == 0);
	buf_add(&l.b, "\r\n", 2);
	if (db_acquire(in->db, &c, 5000, e) < 0)
		goto out;
	do {
		l.rows = 0;
		f.after_id = l.last_id;
		if (store_reward_list(c, &f, ledger_row, &l, e) < 0) {
			db_release(c);
			goto out;
		}
	} while (l.rows == f.limit);
	/* the export is on record before it leaves */
	if (db_begin(c, e) < 0) {
		db_release(c);
		goto out;
	}
	rc = audit_record(c, &a->a, "reward.ledger", "reward", 0,
			  json_pack("{s:s?,s:I,s:s?,s:i}", "state", q->state, "case_id",
				    (json_int_t)q->case_id, "reporter", q->reporter, "rows",
				    l.count), e);
	if (rc == 0)
		rc = db_commit(c, e);
	if (rc < 0)
		db_rollback(c);
	db_release(c);
out:
	if (rc == 0)
		*csv = buf_detach(&l.b, len);
	buf_release(&l.b);
	return rc;
}

/* ---- a reporter's own ---- */

struct mine {
	struct db_conn *c;
	int64_t user_id;
	json_t *items;
};

static int add_report_id(void *arg, int64_t report_id, struct err *e)
{
	(void)e;
	json_array_append_new(arg, json_integer(report_id));
	return 0;
}

static int mine_item(void *arg, const struct reward_row *r, struct err *e)
{
	struct mine *m = arg;
	json_t *o = json_object(), *reports = json_array();

	(void)e;
	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "case_id", json_integer(r->case_id));
	json_object_set_new(o, "report_ids", reports);
	json_object_set_new(o, "amount", amount_json(r->amount));
	json_object_set_new(o, "currency", json_string(r->currency));
	json_object_set_new(o, "state", json_string(r->state));
	put_time(o, "approved_at", r->approved_at);
	put_time(o, "paid_at", r->paid_at);
	json_object_set_new(o, "reference", str_or_null(r->paid_reference));
	json_array_append_new(m->items, o);
	return 0;
}

int rewards_mine(struct instance *in, const struct case_actor *a, const char *cursor, int limit,
		 json_t **out, struct err *e)
{
	struct reward_filter f;
	struct mine m;
	json_t *it;
	size_t i;
	int rc;

	*out = NULL;
	memset(&f, 0, sizeof(f));
	if (a->a.user_id == 0 || !role_has(a->role, CAP_REPORTS_OWN))
		return err_setn(e, ERR_FORBIDDEN, "forbidden", "only a reporter account has rewards"
				" of its own");
	if (parse_cursor(cursor, &f.after_id, e) < 0)
		return -1;
	f.reporter_user_id = a->a.user_id;
	f.states_in[0] = "approved";
	f.states_in[1] = "paid";
	f.states_in[2] = "paid";
	f.limit = limit > 0 ? limit : 50;
	m.user_id = a->a.user_id;
	m.items = json_array();
	if (db_acquire(in->db, &m.c, 5000, e) < 0) {
		json_decref(m.items);
		return -1;
	}
	rc = store_reward_list(m.c, &f, mine_item, &m, e);
	json_array_foreach(m.items, i, it) {
		if (rc < 0)
			break;
		rc = store_reward_case_reports_of(m.c, json_integer_value(json_object_get(it,
								"case_id")),
						  m.user_id, add_report_id,
						  json_object_get(it, "report_ids"), e);
	}
	db_release(m.c);
	if (rc < 0) {
		json_decref(m.items);
		return -1;
	}
	*out = page(m.items, f.limit);
	return 0;
}
