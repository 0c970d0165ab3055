/* store_reward.c - SQL for reward policies, decisions and their history (see store_reward.h). */
#include "store/store_reward.h"

#include <stdint.h>
#include <string.h>

#include "store/store_case.h"

static const char policy_add_sql[] =
	"INSERT INTO reward_policies (version, document, note, created_at, created_by,"
	" created_by_name) SELECT COALESCE(MAX(version), 0) + 1, :doc, :note, :at, :by, :by_name"
	" FROM reward_policies RETURNING version";
#define POLICY_COLS "version, document, note, created_at, created_by, created_by_name"
static const char policy_get_sql[] =
	"SELECT " POLICY_COLS " FROM reward_policies WHERE version = :v";
static const char policy_latest_sql[] =
	"SELECT " POLICY_COLS " FROM reward_policies ORDER BY version DESC LIMIT 1";
static const char policy_list_sql[] =
	"SELECT " POLICY_COLS " FROM reward_policies ORDER BY version DESC";

static const char case_sql[] =
	"SELECT id, assignee_id, state, title, gbt_grade, severity, team_id FROM cases WHERE id = :id";
static const char case_report_sql[] =
	"SELECT r.reporter_user_id FROM case_reports cr JOIN reports r ON r.id = cr.report_id"
	" WHERE cr.case_id = :case AND cr.report_id = :report";
static const char case_reports_of_sql[] =
	"SELECT r.id FROM case_reports cr JOIN reports r ON r.id = cr.report_id"
	" WHERE cr.case_id = :case AND r.reporter_user_id = :user ORDER BY r.id";

#define REWARD_COLS \
	"id, case_id, reporter_key, reporter_user_id, report_id, reporter_label, amount, currency," \
	" state, within_policy, policy_version, range_min, range_max, grade, cvss_severity," \
	" reason, proposed_by, proposed_by_name, proposed_at, approved_by, approved_by_name," \
	" approved_at, paid_at, paid_reference, paid_recorded_by_name, rejected_by_name," \
	" rejected_at, reject_reason, updated_at, version"

static const char add_sql[] =
	"INSERT INTO rewards (case_id, reporter_key, reporter_user_id, report_id, reporter_label,"
	" amount, currency, state, within_policy, policy_version, range_min, range_max, grade,"
	" cvss_severity, reason, proposed_by, proposed_by_name, proposed_at, updated_at, version)"
	" VALUES (:case, :key, :user, :report, :label, :amount, :currency, :state, :within,"
	" :pv, :rmin, :rmax, :grade, :cvss, :reason, :by, :by_name, :at, :at, 1) RETURNING id";
static const char get_sql[] = "SELECT " REWARD_COLS " FROM rewards WHERE id = :id";
static const char get_lock_pg_sql[] = "SELECT " REWARD_COLS " FROM rewards WHERE id = :id FOR UPDATE";
static const char update_sql[] =
	"UPDATE rewards SET state = :state, approved_by = COALESCE(CAST(:ab AS BIGINT), approved_by),"
	" approved_by_name = COALESCE(CAST(:ab_name AS TEXT), approved_by_name),"
	" approved_at = COALESCE(CAST(:aat AS BIGINT), approved_at),"
	" paid_at = COALESCE(CAST(:pat AS BIGINT), paid_at),"
	" paid_reference = COALESCE(CAST(:pref AS TEXT), paid_reference),"
	" paid_recorded_by_name = COALESCE(CAST(:pby AS TEXT), paid_recorded_by_name),"
	" rejected_by_name = COALESCE(CAST(:rby AS TEXT), rejected_by_name),"
	" rejected_at = COALESCE(CAST(:rat AS BIGINT), rejected_at),"
	" reject_reason = COALESCE(CAST(:rreason AS TEXT), reject_reason),"
	" updated_at = :updated, version = version + 1 WHERE id = :id AND version = :version";

#define LIST_FILTERS \
	" WHERE (CAST(:state AS TEXT) = '' OR state = :state)" \
	" AND (CAST(:s1 AS TEXT) = '' OR state IN (:s1, :s2, :s3))" \
	" AND (CAST(:case AS BIGINT) = 0 OR case_id = :case)" \
	" AND (CAST(:user AS BIGINT) = 0 OR reporter_user_id = :user)" \
	" AND (CAST(:key AS TEXT) = '' OR reporter_key = :key)" \
	" AND (CAST(:vis AS BIGINT) = 0 OR case_id IN (SELECT c.id FROM cases c WHERE" \
	STORE_CASE_VISIBLE("c.") "))"
static const char list_desc_sql[] =
	"SELECT " REWARD_COLS " FROM rewards" LIST_FILTERS " AND id < :aid ORDER BY id DESC LIMIT :limit";
static const char list_asc_sql[] =
	"SELECT " REWARD_COLS " FROM rewards" LIST_FILTERS " AND id > :aid ORDER BY id LIMIT :limit";

static const char event_add_sql[] =
	"INSERT INTO reward_events (reward_id, action, from_state, to_state, at, actor_id, actor,"
	" reason, detail) VALUES (:reward, :action, :from, :to, :at, :actor_id, :actor, :reason,"
	" :detail) RETURNING id";
static const char events_sql[] =
	"SELECT id, reward_id, action, from_state, to_state, at, actor_id, actor, reason, detail"
	" FROM reward_events WHERE reward_id = :reward ORDER BY id";

/* 0 (or -1 for the range columns) is stored as NULL. */
static void bind_opt(struct db_stmt *st, const char *name, int64_t v, int64_t none)
{
	if (v == none)
		db_bind_null(st, name);
	else
		db_bind_int64(st, name, v);
}

static int64_t col_opt(struct db_stmt *st, int i, int64_t none)
{
	return db_col_is_null(st, i) ? none : db_col_int64(st, i);
}

/* ---- policies ---- */

int store_reward_policy_add(struct db_conn *c, const struct reward_policy_row *p,
			    int64_t *version, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, policy_add_sql, e) < 0)
		return -1;
	db_bind_text(st, ":doc", p->document);
	db_bind_text(st, ":note", p->note);
	db_bind_int64(st, ":at", p->created_at);
	bind_opt(st, ":by", p->created_by, 0);
	db_bind_text(st, ":by_name", p->created_by_name);
	return db_insert_id(st, version, e);
}

static int each_policy(struct db_stmt *st, int need_one, store_reward_policy_fn *fn, void *arg,
		       struct err *e)
{
	struct reward_policy_row p;
	int rc, got = 0;

	while ((rc = db_step(st, e)) == DB_ROW) {
		got = 1;
		memset(&p, 0, sizeof(p));
		p.version = db_col_int64(st, 0);
		p.document = db_col_text(st, 1);
		p.note = db_col_text(st, 2);
		p.created_at = db_col_int64(st, 3);
		p.created_by = col_opt(st, 4, 0);
		p.created_by_name = db_col_text(st, 5);
		if (fn(arg, &p, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	if (need_one && !got)
		return err_setn(e, ERR_NOT_FOUND, "no_reward_policy", "no reward policy version");
	return 0;
}

int store_reward_policy_get(struct db_conn *c, int64_t version, store_reward_policy_fn *fn,
			    void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, version ? policy_get_sql : policy_latest_sql, e) < 0)
		return -1;
	if (version)
		db_bind_int64(st, ":v", version);
	return each_policy(st, 1, fn, arg, e);
}

int store_reward_policy_list(struct db_conn *c, store_reward_policy_fn *fn, void *arg,
			     struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, policy_list_sql, e) < 0)
		return -1;
	return each_policy(st, 0, fn, arg, e);
}

/* ---- the case and its reporters ---- */

int store_reward_case(struct db_conn *c, int64_t case_id,
		      int (*fn)(void *arg, const struct reward_case_row *r, struct err *e),
		      void *arg, struct err *e)
{
	struct reward_case_row r;
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, case_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", case_id);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		memset(&r, 0, sizeof(r));
		r.id = db_col_int64(st, 0);
		r.assignee_id = col_opt(st, 1, 0);
		r.team_id = col_opt(st, 6, 0);
		r.state = db_col_text(st, 2);
		r.title = db_col_text(st, 3);
		r.gbt_grade = db_col_text(st, 4);
		r.severity = db_col_text(st, 5);
		rc = fn(arg, &r, e);
	} else if (rc == DB_DONE) {
		rc = err_setn(e, ERR_NOT_FOUND, "not_found", "case %lld not found",
			      (long long)case_id);
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_reward_case_report(struct db_conn *c, int64_t case_id, int64_t report_id,
			     int *in_case, int64_t *user_id, struct err *e)
{
	struct db_stmt *st;
	int rc;

	*in_case = 0;
	*user_id = 0;
	if (db_prepare(c, &st, case_report_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":case", case_id);
	db_bind_int64(st, ":report", report_id);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*in_case = 1;
		*user_id = col_opt(st, 0, 0);
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_reward_case_reports_of(struct db_conn *c, int64_t case_id, int64_t user_id,
				 int (*fn)(void *arg, int64_t report_id, struct err *e), void *arg,
				 struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, case_reports_of_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":case", case_id);
	db_bind_int64(st, ":user", user_id);
	while ((rc = db_step(st, e)) == DB_ROW)
		if (fn(arg, db_col_int64(st, 0), e) < 0) {
			rc = -1;
			break;
		}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* ---- decisions ---- */

int store_reward_add(struct db_conn *c, const struct reward_row *r, int64_t *id, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":case", r->case_id);
	db_bind_text(st, ":key", r->reporter_key);
	bind_opt(st, ":user", r->reporter_user_id, 0);
	bind_opt(st, ":report", r->report_id, 0);
	db_bind_text(st, ":label", r->reporter_label);
	db_bind_int64(st, ":amount", r->amount);
	db_bind_text(st, ":currency", r->currency);
	db_bind_text(st, ":state", r->state);
	db_bind_int64(st, ":within", r->within_policy);
	bind_opt(st, ":pv", r->policy_version, 0);
	bind_opt(st, ":rmin", r->range_min, -1);
	bind_opt(st, ":rmax", r->range_max, -1);
	db_bind_text(st, ":grade", r->grade);
	db_bind_text(st, ":cvss", r->cvss_severity);
	db_bind_text(st, ":reason", r->reason);
	bind_opt(st, ":by", r->proposed_by, 0);
	db_bind_text(st, ":by_name", r->proposed_by_name);
	db_bind_int64(st, ":at", r->proposed_at);
	if (db_insert_id(st, id, e) < 0) {
		if (e->code == ERR_CONFLICT)
			err_setn(e, ERR_CONFLICT, "reward_exists",
				 "case %lld already has a live reward decision for \"%s\"",
				 (long long)r->case_id, r->reporter_label);
		return -1;
	}
	return 0;
}

static void row_of(struct db_stmt *st, struct reward_row *r)
{
	memset(r, 0, sizeof(*r));
	r->id = db_col_int64(st, 0);
	r->case_id = db_col_int64(st, 1);
	r->reporter_key = db_col_text(st, 2);
	r->reporter_user_id = col_opt(st, 3, 0);
	r->report_id = col_opt(st, 4, 0);
	r->reporter_label = db_col_text(st, 5);
	r->amount = db_col_int64(st, 6);
	r->currency = db_col_text(st, 7);
	r->state = db_col_text(st, 8);
	r->within_policy = (int)db_col_int64(st, 9);
	r->policy_version = col_opt(st, 10, 0);
	r->range_min = col_opt(st, 11, -1);
	r->range_max = col_opt(st, 12, -1);
	r->grade = db_col_text(st, 13);
	r->cvss_severity = db_col_text(st, 14);
	r->reason = db_col_text(st, 15);
	r->proposed_by = col_opt(st, 16, 0);
	r->proposed_by_name = db_col_text(st, 17);
	r->proposed_at = db_col_int64(st, 18);
	r->approved_by = col_opt(st, 19, 0);
	r->approved_by_name = db_col_text(st, 20);
	r->approved_at = col_opt(st, 21, 0);
	r->paid_at = col_opt(st, 22, 0);
	r->paid_reference = db_col_text(st, 23);
	r->paid_recorded_by_name = db_col_text(st, 24);
	r->rejected_by_name = db_col_text(st, 25);
	r->rejected_at = col_opt(st, 26, 0);
	r->reject_reason = db_col_text(st, 27);
	r->updated_at = db_col_int64(st, 28);
	r->version = db_col_int64(st, 29);
}

int store_reward_get(struct db_conn *c, int64_t id, int lock, store_reward_fn *fn, void *arg,
		     struct err *e)
{
	struct reward_row r;
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, lock && db_conn_kind(c) == DB_POSTGRESQL ? get_lock_pg_sql : get_sql,
		       e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		row_of(st, &r);
		rc = fn(arg, &r, e);
	} else if (rc == DB_DONE) {
		rc = err_setn(e, ERR_NOT_FOUND, "not_found", "reward %lld not found", (long long)id);
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_reward_update(struct db_conn *c, const struct reward_row *r, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, update_sql, e) < 0)
		return -1;
	db_bind_text(st, ":state", r->state);
	bind_opt(st, ":ab", r->approved_by, 0);
	db_bind_text(st, ":ab_name", r->approved_by_name);
	bind_opt(st, ":aat", r->approved_at, 0);
	bind_opt(st, ":pat", r->paid_at, 0);
	db_bind_text(st, ":pref", r->paid_reference);
	db_bind_text(st, ":pby", r->paid_recorded_by_name);
	db_bind_text(st, ":rby", r->rejected_by_name);
	bind_opt(st, ":rat", r->rejected_at, 0);
	db_bind_text(st, ":rreason", r->reject_reason);
	db_bind_int64(st, ":updated", r->updated_at);
	db_bind_int64(st, ":id", r->id);
	db_bind_int64(st, ":version", r->version);
	rc = db_exec(st, e);
	if (rc == 0 && db_changes(st) != 1)
		rc = err_setn(e, ERR_CONFLICT, "concurrent_update",
			      "reward %lld changed meanwhile; read it again", (long long)r->id);
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_reward_list(struct db_conn *c, const struct reward_filter *f, store_reward_fn *fn,
		      void *arg, struct err *e)
{
	struct reward_row r;
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, f->ascending ? list_asc_sql : list_desc_sql, e) < 0)
		return -1;
	db_bind_text(st, ":state", f->state ? f->state : "");
	db_bind_text(st, ":s1", f->states_in[0] ? f->states_in[0] : "");
	db_bind_text(st, ":s2", f->states_in[1] ? f->states_in[1] : "");
	db_bind_text(st, ":s3", f->states_in[2] ? f->states_in[2] : "");
	db_bind_int64(st, ":case", f->case_id);
	db_bind_int64(st, ":user", f->reporter_user_id);
	db_bind_text(st, ":key", f->reporter_key ? f->reporter_key : "");
	db_bind_int64(st, ":vis", f->visible_to);
	db_bind_int64(st, ":aid", f->after_id ? f->after_id : (f->ascending ? 0 : INT64_MAX));
	db_bind_int64(st, ":limit", f->limit);
	while ((rc = db_step(st, e)) == DB_ROW) {
		row_of(st, &r);
		if (fn(arg, &r, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* ---- history ---- */

int store_reward_event_add(struct db_conn *c, const struct reward_event_row *ev, int64_t *id,
			   struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, event_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":reward", ev->reward_id);
	db_bind_text(st, ":action", ev->action);
	db_bind_text(st, ":from", ev->from_state);
	db_bind_text(st, ":to", ev->to_state);
	db_bind_int64(st, ":at", ev->at);
	bind_opt(st, ":actor_id", ev->actor_id, 0);
	db_bind_text(st, ":actor", ev->actor);
	db_bind_text(st, ":reason", ev->reason);
	db_bind_text(st, ":detail", ev->detail ? ev->detail : "{}");
	return db_insert_id(st, id, e);
}

int store_reward_events(struct db_conn *c, int64_t reward_id,
			int (*fn)(void *arg, const struct reward_event_row *ev, struct err *e),
			void *arg, struct err *e)
{
	struct reward_event_row ev;
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, events_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":reward", reward_id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		memset(&ev, 0, sizeof(ev));
		ev.id = db_col_int64(st, 0);
		ev.reward_id = db_col_int64(st, 1);
		ev.action = db_col_text(st, 2);
		ev.from_state = db_col_text(st, 3);
		ev.to_state = db_col_text(st, 4);
		ev.at = db_col_int64(st, 5);
		ev.actor_id = col_opt(st, 6, 0);
		ev.actor = db_col_text(st, 7);
		ev.reason = db_col_text(st, 8);
		ev.detail = db_col_text(st, 9);
		if (fn(arg, &ev, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}
