/* store_case.c - SQL for cases, their reports, events, clocks, submissions, notifications. */
#include "store/store_case.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CASE_COLS \
	"id, role, state, title, learned_at, created_at, updated_at, created_by, assignee_id," \
	" actively_exploited, has_upstream, severity, cvss_vector, cvss_score, gbt_grade, cwe," \
	" cve_id, cnvd_id, cnnvd_id, nvdb_id, duplicate_of, fix_available_at," \
	" decided_not_to_publish, details, version, team_id"

static const char add_sql[] =
	"INSERT INTO cases (role, state, title, learned_at, created_at, updated_at, created_by,"
	" assignee_id, actively_exploited, has_upstream, severity, cvss_vector, cvss_score,"
	" gbt_grade, cwe, cve_id, cnvd_id, cnnvd_id, nvdb_id, duplicate_of, fix_available_at,"
	" decided_not_to_publish, details, version, team_id) VALUES (:role, :state, :title, :learned,"
	" :created, :updated, :created_by, :assignee, :exploited, :upstream, :severity, :vector,"
	" :score, :grade, :cwe, :cve, :cnvd, :cnnvd, :nvdb, :dup, :fix_at, :no_publish, :details, 1,"
	" :team)"
	" RETURNING id";
static const char get_sql[] = "SELECT " CASE_COLS " FROM cases WHERE id = :id";
static const char get_lock_pg_sql[] = "SELECT " CASE_COLS " FROM cases WHERE id = :id FOR UPDATE";
static const char update_sql[] =
	"UPDATE cases SET role = :role, state = :state, title = :title, learned_at = :learned,"
	" updated_at = :updated, assignee_id = :assignee, actively_exploited = :exploited,"
	" has_upstream = :upstream, severity = :severity, cvss_vector = :vector,"
	" cvss_score = :score, gbt_grade = :grade, cwe = :cwe, cve_id = :cve, cnvd_id = :cnvd,"
	" cnnvd_id = :cnnvd, nvdb_id = :nvdb, duplicate_of = :dup, fix_available_at = :fix_at,"
	" decided_not_to_publish = :no_publish, details = :details, version = version + 1,"
	" team_id = :team WHERE id = :id";

/* The filters; a single state is its own statement, so its index serves it. */
#define LIST_FILTERS \
	" AND (CAST(:p1 AS TEXT) = '' OR state IN (:p1, :p2, :p3))" \
	" AND (CAST(:role AS TEXT) = '' OR role = :role)" \
	" AND (CAST(:assignee AS BIGINT) = 0 OR (CAST(:assignee AS BIGINT) = -1 AND assignee_id IS NULL)" \
	"      OR assignee_id = :assignee)" \
	" AND (CAST(:severity AS TEXT) = '' OR severity = :severity)" \
	" AND (CAST(:exploited AS BIGINT) = -1 OR actively_exploited = :exploited)" \
	" AND (CAST(:q AS TEXT) = '' OR title LIKE :q ESCAPE '\\')" \
	" AND" STORE_CASE_VISIBLE("")
/* Keyset pagination as plain range conditions (the first page binds the
 * extreme key), so an index on the order serves every page alike. */
#define KEY_ID_DESC " AND id < :aid ORDER BY id DESC LIMIT :limit"
#define KEY_ID_ASC " AND id > :aid ORDER BY id LIMIT :limit"
#define KEY_LEARNED_DESC " AND (learned_at, id) < (:ak, :aid) ORDER BY learned_at DESC, id DESC" \
	" LIMIT :limit"
#define KEY_LEARNED_ASC " AND (learned_at, id) > (:ak, :aid) ORDER BY learned_at, id LIMIT :limit"
#define LIST_ANY "SELECT " CASE_COLS " FROM cases WHERE 1 = 1" LIST_FILTERS
#define LIST_STATE "SELECT " CASE_COLS " FROM cases WHERE state = :state" LIST_FILTERS

static const char list_id_desc_sql[] = LIST_ANY KEY_ID_DESC;
static const char list_id_asc_sql[] = LIST_ANY KEY_ID_ASC;
static const char list_learned_desc_sql[] = LIST_ANY KEY_LEARNED_DESC;
static const char list_learned_asc_sql[] = LIST_ANY KEY_LEARNED_ASC;
static const char list_state_id_desc_sql[] = LIST_STATE KEY_ID_DESC;
static const char list_state_id_asc_sql[] = LIST_STATE KEY_ID_ASC;
static const char list_state_learned_desc_sql[] = LIST_STATE KEY_LEARNED_DESC;
static const char list_state_learned_asc_sql[] = LIST_STATE KEY_LEARNED_ASC;
static const char submissions_count_sql[] =
	"SELECT COUNT(*) FROM authority_submissions WHERE case_id = :case AND leaf_index IS NOT NULL";

static const char state_sql[] = "SELECT state FROM cases WHERE id = :id";
static const char report_add_sql[] =
	"INSERT INTO case_reports (report_id, case_id, added_at) VALUES (:report, :case, :at)";
static const char reports_move_sql[] =
	"UPDATE case_reports SET case_id = :to WHERE case_id = :from";
static const char reports_sql[] =
	"SELECT report_id FROM case_reports WHERE case_id = :case ORDER BY report_id";
static const char case_of_report_sql[] =
	"SELECT case_id FROM case_reports WHERE report_id = :report";

static const char event_add_sql[] =
	"INSERT INTO case_events (case_id, kind, at, actor_id, actor, from_state, to_state, reason,"
	" detail) VALUES (:case, :kind, :at, :actor_id, :actor, :from, :to, :reason, :detail)"
	" RETURNING id";
static const char events_sql[] =
	"SELECT id, case_id, kind, at, actor_id, actor, from_state, to_state, reason, detail"
	" FROM case_events WHERE case_id = :case ORDER BY id";

static const char clocks_del_sql[] = "DELETE FROM case_clocks WHERE case_id = :case";
static const char clock_add_sql[] =
	"INSERT INTO case_clocks (case_id, clock_id, trigger_at, due_at, state, met_by_event,"
	" met_at, next_escalation_at) VALUES (:case, :clock, :trigger, :due, :state, :met_by,"
	" :met_at, :next_esc)";
#define CLOCK_COLS \
	"cc.case_id, cc.clock_id, cc.trigger_at, cc.due_at, cc.state, cc.met_by_event," \
	" cc.met_at, cc.next_escalation_at"
static const char clocks_sql[] =
	"SELECT " CLOCK_COLS " FROM case_clocks cc WHERE cc.case_id = :case ORDER BY cc.due_at,"
	" cc.clock_id";
#define CLOCKS_FILTER \
	" AND (CAST(:due_before AS BIGINT) = 0 OR cc.due_at < :due_before)" \
	" AND" STORE_CASE_VISIBLE("c.") \
	" AND (CAST(:after_case AS BIGINT) = 0 OR cc.due_at > :after_due OR (cc.due_at = :after_due" \
	"      AND (cc.case_id > :after_case OR (cc.case_id = :after_case AND cc.clock_id > :after_clock))))"
#define CLOCKS_ORDER " ORDER BY cc.due_at, cc.case_id, cc.clock_id LIMIT :limit"
#define CLOCKS_KEYSET CLOCKS_FILTER CLOCKS_ORDER
static const char clocks_pending_sql[] =
	"SELECT " CLOCK_COLS " FROM case_clocks cc JOIN cases c ON c.id = cc.case_id"
	" WHERE cc.state = 'pending' AND cc.due_at >= :now" CLOCKS_KEYSET;
static const char clocks_met_sql[] =
	"SELECT " CLOCK_COLS " FROM case_clocks cc JOIN cases c ON c.id = cc.case_id"
	" WHERE cc.state = 'met' AND CAST(:now AS BIGINT) >= 0" CLOCKS_KEYSET;
/* Missed is two ranges of the case_clocks_order index (missed, and pending past due):
 * as a UNION ALL both databases merge two ordered index scans and stop at the
 * limit; as one OR they sort every missed clock (0.4 s at 100 k cases). */
static const char clocks_missed_sql[] =
	"SELECT " CLOCK_COLS " FROM case_clocks cc JOIN cases c ON c.id = cc.case_id"
	" WHERE cc.state = 'missed' AND CAST(:now AS BIGINT) >= 0" CLOCKS_FILTER
	" UNION ALL SELECT " CLOCK_COLS " FROM case_clocks cc JOIN cases c ON c.id = cc.case_id"
	" WHERE cc.state = 'pending' AND cc.due_at < :now" CLOCKS_FILTER
	" ORDER BY due_at, case_id, clock_id LIMIT :limit";
static const char clocks_any_sql[] =
	"SELECT " CLOCK_COLS " FROM case_clocks cc JOIN cases c ON c.id = cc.case_id"
	" WHERE CAST(:now AS BIGINT) >= 0" CLOCKS_KEYSET;

static const char escalation_due_sql[] =
	"SELECT " CLOCK_COLS " FROM case_clocks cc WHERE cc.next_escalation_at IS NOT NULL"
	" AND cc.next_escalation_at <= :now ORDER BY cc.next_escalation_at LIMIT :limit";

static const char submission_add_sql[] =
	"INSERT INTO authority_submissions (case_id, version, channel, submitted_at,"
	" receipt_number, content_hash, content, leaf_index, recorded_at, recorded_by)"
	" VALUES (:case, :version, :channel, :submitted, :receipt, :hash, :content, :leaf,"
	" :recorded, :by) RETURNING id";
static const char submission_leaf_sql[] =
	"UPDATE authority_submissions SET leaf_index = :leaf WHERE id = :id";
static const char submission_del_sql[] = "DELETE FROM authority_submissions WHERE id = :id";
static const char submissions_sql[] =
	"SELECT id, case_id, version, channel, submitted_at, receipt_number, content_hash,"
	" content, leaf_index, recorded_at, recorded_by FROM authority_submissions"
	" WHERE case_id = :case ORDER BY version";

static const char notification_add_sql[] =
	"INSERT INTO notifications (case_id, kind, recipient_name, email, country, is_provider,"
	" status, code, message_id, created_at, sent_at, detail) VALUES (:case, :kind, :name,"
	" :email, :country, :provider, :status, :code, :msgid, :created, :sent, :detail)"
	" RETURNING id";
static const char notifications_sql[] =
	"SELECT id, case_id, kind, recipient_name, email, country, is_provider, status, code,"
	" message_id, created_at, sent_at, detail FROM notifications WHERE case_id = :case"
	" ORDER BY id";

static int64_t col_int(struct db_stmt *st, int i)
{
	return db_col_is_null(st, i) ? 0 : db_col_int64(st, i);
}

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static void bind_opt_int(struct db_stmt *st, const char *name, int64_t v)
{
	if (v)
		db_bind_int64(st, name, v);
	else
		db_bind_null(st, name);
}

static void bind_case(struct db_stmt *st, const struct case_row *r)
{
	db_bind_text(st, ":role", r->role);
	db_bind_text(st, ":state", r->state);
	db_bind_text(st, ":title", r->title);
	db_bind_int64(st, ":learned", r->learned_at);
	db_bind_int64(st, ":updated", r->updated_at);
	bind_opt_int(st, ":assignee", r->assignee_id);
	db_bind_int64(st, ":exploited", r->actively_exploited);
	db_bind_int64(st, ":upstream", r->has_upstream);
	db_bind_text(st, ":severity", r->severity);
	db_bind_text(st, ":vector", r->cvss_vector);
	/* the score is kept in tenths: exact on both backends */
	if (r->cvss_score >= 0) {
		char buf[16];

		snprintf(buf, sizeof(buf), "%.1f", r->cvss_score);
		db_bind_text(st, ":score", buf);
	} else {
		db_bind_null(st, ":score");
	}
	db_bind_text(st, ":grade", r->gbt_grade);
	db_bind_text(st, ":cwe", r->cwe);
	db_bind_text(st, ":cve", r->cve_id);
	db_bind_text(st, ":cnvd", r->cnvd_id);
	db_bind_text(st, ":cnnvd", r->cnnvd_id);
	db_bind_text(st, ":nvdb", r->nvdb_id);
	bind_opt_int(st, ":dup", r->duplicate_of);
	bind_opt_int(st, ":fix_at", r->fix_available_at);
	db_bind_int64(st, ":no_publish", r->decided_not_to_publish);
	db_bind_blob(st, ":details", r->details, r->details_len);
	bind_opt_int(st, ":team", r->team_id);
}

static void row_from(struct db_stmt *st, struct case_row *r)
{
	const char *score;

	memset(r, 0, sizeof(*r));
	r->id = db_col_int64(st, 0);
	copy(r->role, sizeof(r->role), db_col_text(st, 1));
	copy(r->state, sizeof(r->state), db_col_text(st, 2));
	r->title = db_col_text(st, 3);
	r->learned_at = db_col_int64(st, 4);
	r->created_at = db_col_int64(st, 5);
	r->updated_at = db_col_int64(st, 6);
	r->created_by = col_int(st, 7);
	r->assignee_id = col_int(st, 8);
	r->actively_exploited = (int)db_col_int64(st, 9);
	r->has_upstream = (int)db_col_int64(st, 10);
	r->severity = db_col_text(st, 11);
	r->cvss_vector = db_col_text(st, 12);
	score = db_col_text(st, 13);
	r->cvss_score = score ? strtod(score, NULL) : -1;
	r->gbt_grade = db_col_text(st, 14);
	r->cwe = db_col_text(st, 15);
	r->cve_id = db_col_text(st, 16);
	r->cnvd_id = db_col_text(st, 17);
	r->cnnvd_id = db_col_text(st, 18);
	r->nvdb_id = db_col_text(st, 19);
	r->duplicate_of = col_int(st, 20);
	r->fix_available_at = col_int(st, 21);
	r->decided_not_to_publish = (int)db_col_int64(st, 22);
	r->details = db_col_blob(st, 23, &r->details_len);
	r->version = db_col_int64(st, 24);
	r->team_id = col_int(st, 25);
}

int store_case_add(struct db_conn *c, const struct case_row *r, int64_t *id, struct err *e)
{
	struct db_stmt *st;

	*id = 0;
	if (db_prepare(c, &st, add_sql, e) < 0)
		return -1;
	bind_case(st, r);
	db_bind_int64(st, ":created", r->created_at);
	bind_opt_int(st, ":created_by", r->created_by);
	return db_insert_id(st, id, e);
}

static int each_case(struct db_stmt *st, int need_one, store_case_fn *fn, void *arg,
		     struct err *e)
{
	struct case_row r;
	unsigned got = 0;
	int rc;

	while ((rc = db_step(st, e)) == DB_ROW) {
		got++;
		row_from(st, &r);
		if (fn(arg, &r, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	if (need_one && got == 0)
		return err_set(e, ERR_NOT_FOUND, "no such case");
	return 0;
}

int store_case_get(struct db_conn *c, int64_t id, int lock, store_case_fn *fn, void *arg,
		   struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, lock && db_conn_kind(c) == DB_POSTGRESQL ? get_lock_pg_sql : get_sql,
		       e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	return each_case(st, 1, fn, arg, e);
}

int store_case_update(struct db_conn *c, const struct case_row *r, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, update_sql, e) < 0)
		return -1;
	bind_case(st, r);
	db_bind_int64(st, ":id", r->id);
	rc = db_exec(st, e);
	if (rc == 0 && db_changes(st) == 0)
		rc = err_set(e, ERR_NOT_FOUND, "no such case");
	db_finalize(st);
	return rc;
}

int store_case_list(struct db_conn *c, const struct case_filter *f, store_case_fn *fn, void *arg,
		    struct err *e)
{
	static const char *const any[] = { list_id_desc_sql, list_id_asc_sql,
					   list_learned_desc_sql, list_learned_asc_sql };
	static const char *const one[] = { list_state_id_desc_sql, list_state_id_asc_sql,
					   list_state_learned_desc_sql, list_state_learned_asc_sql };
	int by_state = f->state != NULL && f->state[0] != '\0';
	struct db_stmt *st;
	char q[520] = "";
	int64_t aid = f->after_id, ak = f->after_key;

	if (f->order < 0 || f->order > 3)
		return err_set(e, ERR_INVALID, "unknown order %d", f->order);
	if (db_prepare(c, &st, by_state ? one[f->order] : any[f->order], e) < 0)
		return -1;
	if (f->q && f->q[0]) {
		/* a substring: % and _ (and the escape) taken literally */
		size_t n = 0;

		q[n++] = '%';
		for (const char *p = f->q; *p && n < sizeof(q) - 3; p++) {
			if (*p == '%' || *p == '_' || *p == '\\')
				q[n++] = '\\';
			q[n++] = *p;
		}
		q[n++] = '%';
		q[n] = '\0';
	}
	if (aid == 0 && (f->order == 0 || f->order == 2)) {
		aid = INT64_MAX;       /* the first page of a descending order */
		ak = INT64_MAX;
	} else if (aid == 0) {
		ak = INT64_MIN;
	}
	if (by_state)
		db_bind_text(st, ":state", f->state);
	db_bind_text(st, ":p1", f->phase_states[0] ? f->phase_states[0] : "");
	db_bind_text(st, ":p2", f->phase_states[1] ? f->phase_states[1] : "");
	db_bind_text(st, ":p3", f->phase_states[2] ? f->phase_states[2] : "");
	db_bind_text(st, ":role", f->role ? f->role : "");
	db_bind_int64(st, ":assignee", f->assignee_id);
	db_bind_text(st, ":severity", f->severity ? f->severity : "");
	db_bind_int64(st, ":exploited", f->actively_exploited);
	db_bind_text(st, ":q", q);
	db_bind_int64(st, ":vis", f->visible_to);
	db_bind_int64(st, ":aid", aid);
	if (f->order >= 2)
		db_bind_int64(st, ":ak", ak);
	db_bind_int64(st, ":limit", f->limit);
	return each_case(st, 0, fn, arg, e);
}

int store_case_submissions_count(struct db_conn *c, int64_t case_id, int64_t *n, struct err *e)
{
	struct db_stmt *st;
	int rc;

	*n = 0;
	if (db_prepare(c, &st, submissions_count_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":case", case_id);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*n = db_col_int64(st, 0);
		rc = 0;
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_case_report_add(struct db_conn *c, int64_t case_id, int64_t report_id, int64_t at,
			  struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, report_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":report", report_id);
	db_bind_int64(st, ":case", case_id);
	db_bind_int64(st, ":at", at);
	rc = db_exec(st, e);
	db_finalize(st);
	if (rc < 0 && e->code == ERR_CONFLICT)
		return err_setn(e, ERR_CONFLICT, "report_in_case",
				"report %lld is already in a case (merge the cases instead)",
				(long long)report_id);
	return rc;
}

int store_case_reports_move(struct db_conn *c, int64_t from, int64_t to, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, reports_move_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":from", from);
	db_bind_int64(st, ":to", to);
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}

int store_case_reports(struct db_conn *c, int64_t case_id,
		       int (*fn)(void *arg, int64_t report_id, struct err *e), void *arg,
		       struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, reports_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":case", case_id);
	while ((rc = db_step(st, e)) == DB_ROW)
		if (fn(arg, db_col_int64(st, 0), e) < 0) {
			rc = -1;
			break;
		}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_case_state(struct db_conn *c, int64_t id, char out[24], struct err *e)
{
	struct db_stmt *st;
	int rc;

	out[0] = '\0';
	if (db_prepare(c, &st, state_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		copy(out, 24, db_col_text(st, 0));
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_NOT_FOUND, "no such case");
	}
	db_finalize(st);
	return rc;
}

int store_case_of_report(struct db_conn *c, int64_t report_id, int64_t *case_id, struct err *e)
{
	struct db_stmt *st;
	int rc;

	*case_id = 0;
	if (db_prepare(c, &st, case_of_report_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":report", report_id);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		*case_id = db_col_int64(st, 0);
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_case_event_add(struct db_conn *c, const struct case_event_row *ev, int64_t *id,
			 struct err *e)
{
	struct db_stmt *st;

	*id = 0;
	if (db_prepare(c, &st, event_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":case", ev->case_id);
	db_bind_text(st, ":kind", ev->kind);
	db_bind_int64(st, ":at", ev->at);
	bind_opt_int(st, ":actor_id", ev->actor_id);
	db_bind_text(st, ":actor", ev->actor ? ev->actor : "system");
	db_bind_text(st, ":from", ev->from_state);
	db_bind_text(st, ":to", ev->to_state);
	db_bind_text(st, ":reason", ev->reason);
	db_bind_text(st, ":detail", ev->detail ? ev->detail : "{}");
	return db_insert_id(st, id, e);
}

int store_case_events(struct db_conn *c, int64_t case_id,
		      int (*fn)(void *arg, const struct case_event_row *ev, struct err *e),
		      void *arg, struct err *e)
{
	struct db_stmt *st;
	struct case_event_row ev;
	int rc;

	if (db_prepare(c, &st, events_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":case", case_id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		ev.id = db_col_int64(st, 0);
		ev.case_id = db_col_int64(st, 1);
		ev.kind = db_col_text(st, 2);
		ev.at = db_col_int64(st, 3);
		ev.actor_id = col_int(st, 4);
		ev.actor = db_col_text(st, 5);
		ev.from_state = db_col_text(st, 6);
		ev.to_state = db_col_text(st, 7);
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

int store_case_clocks_set(struct db_conn *c, int64_t case_id, const struct case_clock_row *rows,
			  size_t n, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, clocks_del_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":case", case_id);
	rc = db_exec(st, e);
	db_finalize(st);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (db_prepare(c, &st, clock_add_sql, e) < 0)
			return -1;
		db_bind_int64(st, ":case", case_id);
		db_bind_text(st, ":clock", rows[i].clock_id);
		db_bind_int64(st, ":trigger", rows[i].trigger_at);
		db_bind_int64(st, ":due", rows[i].due_at);
		db_bind_text(st, ":state", rows[i].state);
		bind_opt_int(st, ":met_by", rows[i].met_by_event);
		bind_opt_int(st, ":met_at", rows[i].met_at);
		bind_opt_int(st, ":next_esc", rows[i].next_escalation_at);
		rc = db_exec(st, e);
		db_finalize(st);
	}
	return rc;
}

static int each_clock(struct db_stmt *st,
		      int (*fn)(void *arg, const struct case_clock_row *r, struct err *e), void *arg,
		      struct err *e)
{
	struct case_clock_row r;
	int rc;

	while ((rc = db_step(st, e)) == DB_ROW) {
		r.case_id = db_col_int64(st, 0);
		r.clock_id = db_col_text(st, 1);
		r.trigger_at = db_col_int64(st, 2);
		r.due_at = db_col_int64(st, 3);
		r.state = db_col_text(st, 4);
		r.met_by_event = col_int(st, 5);
		r.met_at = col_int(st, 6);
		r.next_escalation_at = col_int(st, 7);
		if (fn(arg, &r, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_case_clocks(struct db_conn *c, int64_t case_id,
		      int (*fn)(void *arg, const struct case_clock_row *r, struct err *e),
		      void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, clocks_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":case", case_id);
	return each_clock(st, fn, arg, e);
}

int store_clocks_list(struct db_conn *c, const struct clock_filter *f,
		      int (*fn)(void *arg, const struct case_clock_row *r, struct err *e),
		      void *arg, struct err *e)
{
	const char *sql = clocks_any_sql;
	struct db_stmt *st;

	if (f->state && strcmp(f->state, "pending") == 0)
		sql = clocks_pending_sql;
	else if (f->state && strcmp(f->state, "met") == 0)
		sql = clocks_met_sql;
	else if (f->state && strcmp(f->state, "missed") == 0)
		sql = clocks_missed_sql;
	else if (f->state && f->state[0])
		return err_set(e, ERR_INVALID, "clock state \"%s\" is not pending, met or missed",
			       f->state);
	if (db_prepare(c, &st, sql, e) < 0)
		return -1;
	db_bind_int64(st, ":now", f->now);
	db_bind_int64(st, ":due_before", f->due_before);
	db_bind_int64(st, ":vis", f->visible_to);
	db_bind_int64(st, ":after_case", f->after_case);
	db_bind_int64(st, ":after_due", f->after_due);
	db_bind_text(st, ":after_clock", f->after_clock ? f->after_clock : "");
	db_bind_int64(st, ":limit", f->limit);
	return each_clock(st, fn, arg, e);
}

int store_clocks_escalation_due(struct db_conn *c, int64_t now, int limit,
				int (*fn)(void *arg, const struct case_clock_row *r, struct err *e),
				void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, escalation_due_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":now", now);
	db_bind_int64(st, ":limit", limit);
	return each_clock(st, fn, arg, e);
}

int store_authority_submission_add(struct db_conn *c, const struct authority_submission_row *s,
				   int64_t *id, struct err *e)
{
	struct db_stmt *st;

	*id = 0;
	if (db_prepare(c, &st, submission_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":case", s->case_id);
	db_bind_int64(st, ":version", s->version);
	db_bind_text(st, ":channel", s->channel);
	db_bind_int64(st, ":submitted", s->submitted_at);
	db_bind_text(st, ":receipt", s->receipt_number);
	db_bind_text(st, ":hash", s->content_hash);
	db_bind_blob(st, ":content", s->content, s->content_len);
	if (s->leaf_index >= 0)
		db_bind_int64(st, ":leaf", s->leaf_index);
	else
		db_bind_null(st, ":leaf");
	db_bind_int64(st, ":recorded", s->recorded_at);
	bind_opt_int(st, ":by", s->recorded_by);
	return db_insert_id(st, id, e);
}

int store_authority_submission_set_leaf(struct db_conn *c, int64_t id, int64_t leaf_index,
					struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, submission_leaf_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":leaf", leaf_index);
	db_bind_int64(st, ":id", id);
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}

int store_authority_submission_delete(struct db_conn *c, int64_t id, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, submission_del_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}

int store_authority_submissions(struct db_conn *c, int64_t case_id,
				int (*fn)(void *arg, const struct authority_submission_row *s,
					  struct err *e),
				void *arg, struct err *e)
{
	struct db_stmt *st;
	struct authority_submission_row s;
	int rc;

	if (db_prepare(c, &st, submissions_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":case", case_id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		s.id = db_col_int64(st, 0);
		s.case_id = db_col_int64(st, 1);
		s.version = (int)db_col_int64(st, 2);
		s.channel = db_col_text(st, 3);
		s.submitted_at = db_col_int64(st, 4);
		s.receipt_number = db_col_text(st, 5);
		s.content_hash = db_col_text(st, 6);
		s.content = db_col_blob(st, 7, &s.content_len);
		s.leaf_index = db_col_is_null(st, 8) ? -1 : db_col_int64(st, 8);
		s.recorded_at = db_col_int64(st, 9);
		s.recorded_by = col_int(st, 10);
		if (fn(arg, &s, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_notification_add(struct db_conn *c, const struct notification_row *n, int64_t *id,
			   struct err *e)
{
	struct db_stmt *st;

	*id = 0;
	if (db_prepare(c, &st, notification_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":case", n->case_id);
	db_bind_text(st, ":kind", n->kind);
	db_bind_text(st, ":name", n->recipient_name);
	db_bind_text(st, ":email", n->email);
	db_bind_text(st, ":country", n->country);
	db_bind_int64(st, ":provider", n->is_provider);
	db_bind_text(st, ":status", n->status);
	db_bind_text(st, ":code", n->code);
	db_bind_text(st, ":msgid", n->message_id);
	db_bind_int64(st, ":created", n->created_at);
	bind_opt_int(st, ":sent", n->sent_at);
	db_bind_text(st, ":detail", n->detail ? n->detail : "{}");
	return db_insert_id(st, id, e);
}

int store_notifications(struct db_conn *c, int64_t case_id,
			int (*fn)(void *arg, const struct notification_row *n, struct err *e),
			void *arg, struct err *e)
{
	struct db_stmt *st;
	struct notification_row n;
	int rc;

	if (db_prepare(c, &st, notifications_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":case", case_id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		n.id = db_col_int64(st, 0);
		n.case_id = db_col_int64(st, 1);
		n.kind = db_col_text(st, 2);
		n.recipient_name = db_col_text(st, 3);
		n.email = db_col_text(st, 4);
		n.country = db_col_text(st, 5);
		n.is_provider = (int)db_col_int64(st, 6);
		n.status = db_col_text(st, 7);
		n.code = db_col_text(st, 8);
		n.message_id = db_col_text(st, 9);
		n.created_at = db_col_int64(st, 10);
		n.sent_at = col_int(st, 11);
		n.detail = db_col_text(st, 12);
		if (fn(arg, &n, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}
