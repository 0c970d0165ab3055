/* store_bulletin.c - SQL for bulletins, revisions, approvals, reviews, early releases,
 * blackout windows and consents, gate decisions, and the exports the feeds serve. */
#include "store/store_bulletin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

#define B_COLS \
	"id, ident, case_id, state, revision, content, created_by, created_at, updated_at," \
	" scheduled_at, scheduled_by, published_at, version"

static const char add_sql[] =
	"INSERT INTO bulletins (ident, case_id, state, revision, content, created_by, created_at,"
	" updated_at, scheduled_at, scheduled_by, published_at, version) VALUES (:ident, :case,"
	" :state, :rev, :content, :by, :created, :updated, :sched, :sched_by, :pub, 1)"
	" RETURNING id";
static const char idents_sql[] = "SELECT ident FROM bulletins WHERE ident LIKE :p";
static const char get_sql[] = "SELECT " B_COLS " FROM bulletins WHERE ident = :ident";
static const char get_lock_pg_sql[] =
	"SELECT " B_COLS " FROM bulletins WHERE ident = :ident FOR UPDATE";
static const char of_case_sql[] =
	"SELECT " B_COLS " FROM bulletins WHERE case_id = :case ORDER BY id DESC";
static const char update_sql[] =
	"UPDATE bulletins SET state = :state, revision = :rev, content = :content,"
	" updated_at = :updated, scheduled_at = :sched, scheduled_by = :sched_by,"
	" published_at = :pub, version = version + 1 WHERE id = :id";
static const char list_sql[] =
	"SELECT " B_COLS " FROM bulletins WHERE (CAST(:state AS TEXT) = '' OR state = :state)"
	" AND id < :before ORDER BY id DESC LIMIT :limit";
static const char due_sql[] =
	"SELECT " B_COLS " FROM bulletins WHERE state = 'scheduled' AND scheduled_at <= :now"
	" ORDER BY scheduled_at, id LIMIT :limit";
static const char published_for_case_sql[] =
	"SELECT COUNT(*) FROM bulletins WHERE case_id = :case AND state = 'published'";

static const char revision_add_sql[] =
	"INSERT INTO bulletin_revisions (bulletin_id, number, content, author_id, author, at,"
	" summary) VALUES (:b, :n, :content, :author_id, :author, :at, :summary)";
static const char revisions_sql[] =
	"SELECT bulletin_id, number, content, author_id, author, at, summary"
	" FROM bulletin_revisions WHERE bulletin_id = :b ORDER BY number";
static const char approval_add_sql[] =
	"INSERT INTO bulletin_approvals (bulletin_id, revision, user_id, actor, role, at, comment)"
	" VALUES (:b, :rev, :user, :actor, :role, :at, :comment)";
static const char approvals_sql[] =
	"SELECT id, bulletin_id, revision, user_id, actor, role, at, comment"
	" FROM bulletin_approvals WHERE bulletin_id = :b ORDER BY id";
static const char review_add_sql[] =
	"INSERT INTO bulletin_reviews (bulletin_id, revision, kind, finding_id, user_id, actor, at,"
	" note) VALUES (:b, :rev, :kind, :finding, :user, :actor, :at, :note)";
static const char reviews_sql[] =
	"SELECT id, bulletin_id, revision, kind, finding_id, user_id, actor, at, note"
	" FROM bulletin_reviews WHERE bulletin_id = :b ORDER BY id";
static const char early_add_sql[] =
	"INSERT INTO early_releases (case_id, step, at, ref, note, recorded_at, recorded_by, actor)"
	" VALUES (:case, :step, :at, :ref, :note, :recorded, :by, :actor) RETURNING id";
static const char early_sql[] =
	"SELECT id, case_id, step, at, ref, note, recorded_at, recorded_by, actor"
	" FROM early_releases WHERE case_id = :case ORDER BY id";
static const char blackout_add_sql[] =
	"INSERT INTO blackouts (name, start_at, end_at, note, created_at, created_by)"
	" VALUES (:name, :start, :end, :note, :created, :by) RETURNING id";
#define BO_COLS "id, name, start_at, end_at, note, created_at, created_by"
static const char blackout_get_sql[] = "SELECT " BO_COLS " FROM blackouts WHERE id = :id";
static const char blackouts_sql[] =
	"SELECT " BO_COLS " FROM blackouts WHERE end_at > :after ORDER BY start_at, id";
static const char consent_add_sql[] =
	"INSERT INTO blackout_consents (blackout_id, bulletin_id, ref, at, recorded_at,"
	" recorded_by) VALUES (:w, :b, :ref, :at, :recorded, :by) RETURNING id";
static const char consents_sql[] =
	"SELECT bc.id, bc.blackout_id, bc.bulletin_id, bc.ref, bc.at, bc.recorded_at,"
	" bc.recorded_by, b.ident FROM blackout_consents bc LEFT JOIN bulletins b"
	" ON b.id = bc.bulletin_id WHERE (CAST(:w AS BIGINT) = 0 OR bc.blackout_id = :w)"
	" ORDER BY bc.id";
static const char decision_add_sql[] =
	"INSERT INTO gate_decisions (bulletin_id, revision, kind, passed, evaluated_for,"
	" decided_at, actor_id, actor, failed, report) VALUES (:b, :rev, :kind, :passed, :for,"
	" :at, :actor_id, :actor, :failed, :report) RETURNING id";
static const char decisions_sql[] =
	"SELECT id, bulletin_id, revision, kind, passed, evaluated_for, decided_at, actor_id, actor,"
	" failed, report FROM gate_decisions WHERE bulletin_id = :b ORDER BY id DESC LIMIT :limit";

static int64_t col_int(struct db_stmt *st, int i)
{
	return db_col_is_null(st, i) ? 0 : db_col_int64(st, i);
}

static void bind_opt_int(struct db_stmt *st, const char *name, int64_t v)
{
	if (v)
		db_bind_int64(st, name, v);
	else
		db_bind_null(st, name);
}

static void bind_bulletin(struct db_stmt *st, const struct bulletin_row *r)
{
	db_bind_text(st, ":state", r->state);
	db_bind_int64(st, ":rev", r->revision);
	db_bind_text(st, ":content", r->content);
	db_bind_int64(st, ":updated", r->updated_at);
	bind_opt_int(st, ":sched", r->scheduled_at);
	bind_opt_int(st, ":sched_by", r->scheduled_by);
	bind_opt_int(st, ":pub", r->published_at);
}

/* Step st over bulletin rows into fn; with one set, no row is ERR_NOT_FOUND. */
static int each_bulletin(struct db_stmt *st, int one, store_bulletin_fn *fn, void *arg,
			 struct err *e)
{
	struct bulletin_row r;
	int rc, n = 0;

	while ((rc = db_step(st, e)) == DB_ROW) {
		r.id = db_col_int64(st, 0);
		r.ident = db_col_text(st, 1);
		r.case_id = db_col_int64(st, 2);
		r.state = db_col_text(st, 3);
		r.revision = db_col_int64(st, 4);
		r.content = db_col_text(st, 5);
		r.created_by = col_int(st, 6);
		r.created_at = db_col_int64(st, 7);
		r.updated_at = db_col_int64(st, 8);
		r.scheduled_at = col_int(st, 9);
		r.scheduled_by = col_int(st, 10);
		r.published_at = col_int(st, 11);
		r.version = db_col_int64(st, 12);
		n++;
		if (fn(arg, &r, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	if (one && n == 0)
		return err_setn(e, ERR_NOT_FOUND, "bulletin_not_found", "no such advisory");
	return 0;
}

int store_bulletin_add(struct db_conn *c, const struct bulletin_row *r, int64_t *id,
		       struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, add_sql, e) < 0)
		return -1;
	bind_bulletin(st, r);
	db_bind_text(st, ":ident", r->ident);
	db_bind_int64(st, ":case", r->case_id);
	bind_opt_int(st, ":by", r->created_by);
	db_bind_int64(st, ":created", r->created_at);
	return db_insert_id(st, id, e);
}

int store_bulletin_max_number(struct db_conn *c, const char *prefix, int64_t *out,
			      struct err *e)
{
	struct db_stmt *st;
	char pattern[64];
	size_t plen = strlen(prefix);
	int rc;

	*out = 0;
	if (plen + 2 > sizeof(pattern) || strpbrk(prefix, "%_\\"))
		return err_set(e, ERR_INTERNAL, "bad ident prefix \"%s\"", prefix);
	snprintf(pattern, sizeof(pattern), "%s%%", prefix);
	if (db_prepare(c, &st, idents_sql, e) < 0)
		return -1;
	db_bind_text(st, ":p", pattern);
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *s = db_col_text(st, 0);
		char *end;
		long long n;

		if (s == NULL || strlen(s) <= plen)
			continue;
		n = strtoll(s + plen, &end, 10);
		if (*end == '\0' && n > *out)
			*out = n;
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_bulletin_get(struct db_conn *c, const char *ident, int lock, store_bulletin_fn *fn,
		       void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, lock && db_conn_kind(c) == DB_POSTGRESQL ? get_lock_pg_sql : get_sql,
		       e) < 0)
		return -1;
	db_bind_text(st, ":ident", ident);
	return each_bulletin(st, 1, fn, arg, e);
}

int store_bulletins_of_case(struct db_conn *c, int64_t case_id, store_bulletin_fn *fn, void *arg,
			    struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, of_case_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":case", case_id);
	return each_bulletin(st, 0, fn, arg, e);
}

int store_bulletin_update(struct db_conn *c, const struct bulletin_row *r, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, update_sql, e) < 0)
		return -1;
	bind_bulletin(st, r);
	db_bind_int64(st, ":id", r->id);
	rc = db_exec(st, e);
	if (rc == 0 && db_changes(st) == 0)
		rc = err_setn(e, ERR_NOT_FOUND, "bulletin_not_found", "no such advisory");
	db_finalize(st);
	return rc;
}

int store_bulletin_list(struct db_conn *c, const char *state, int64_t before_id, int limit,
			store_bulletin_fn *fn, void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, list_sql, e) < 0)
		return -1;
	db_bind_text(st, ":state", state ? state : "");
	db_bind_int64(st, ":before", before_id > 0 ? before_id : INT64_MAX);
	db_bind_int64(st, ":limit", limit);
	return each_bulletin(st, 0, fn, arg, e);
}

int store_bulletin_due(struct db_conn *c, int64_t now, int limit, store_bulletin_fn *fn,
		       void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, due_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":now", now);
	db_bind_int64(st, ":limit", limit);
	return each_bulletin(st, 0, fn, arg, e);
}

int store_bulletin_published_for_case(struct db_conn *c, int64_t case_id, int *out,
				      struct err *e)
{
	struct db_stmt *st;
	int rc;

	*out = 0;
	if (db_prepare(c, &st, published_for_case_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":case", case_id);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		*out = db_col_int64(st, 0) > 0;
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_bulletin_revision_add(struct db_conn *c, const struct bulletin_revision_row *r,
				struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, revision_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":b", r->bulletin_id);
	db_bind_int64(st, ":n", r->number);
	db_bind_text(st, ":content", r->content);
	bind_opt_int(st, ":author_id", r->author_id);
	db_bind_text(st, ":author", r->author);
	db_bind_int64(st, ":at", r->at);
	db_bind_text(st, ":summary", r->summary);
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}

int store_bulletin_revisions(struct db_conn *c, int64_t bulletin_id,
			     int (*fn)(void *arg, const struct bulletin_revision_row *r,
				       struct err *e),
			     void *arg, struct err *e)
{
	struct db_stmt *st;
	struct bulletin_revision_row r;
	int rc;

	if (db_prepare(c, &st, revisions_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":b", bulletin_id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		r.bulletin_id = db_col_int64(st, 0);
		r.number = db_col_int64(st, 1);
		r.content = db_col_text(st, 2);
		r.author_id = col_int(st, 3);
		r.author = db_col_text(st, 4);
		r.at = db_col_int64(st, 5);
		r.summary = db_col_text(st, 6);
		if (fn(arg, &r, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_bulletin_approval_add(struct db_conn *c, const struct bulletin_approval_row *r,
				struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, approval_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":b", r->bulletin_id);
	db_bind_int64(st, ":rev", r->revision);
	db_bind_int64(st, ":user", r->user_id);
	db_bind_text(st, ":actor", r->actor);
	db_bind_text(st, ":role", r->role);
	db_bind_int64(st, ":at", r->at);
	db_bind_text(st, ":comment", r->comment);
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}

int store_bulletin_approvals(struct db_conn *c, int64_t bulletin_id,
			     int (*fn)(void *arg, const struct bulletin_approval_row *r,
				       struct err *e),
			     void *arg, struct err *e)
{
	struct db_stmt *st;
	struct bulletin_approval_row r;
	int rc;

	if (db_prepare(c, &st, approvals_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":b", bulletin_id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		r.id = db_col_int64(st, 0);
		r.bulletin_id = db_col_int64(st, 1);
		r.revision = db_col_int64(st, 2);
		r.user_id = db_col_int64(st, 3);
		r.actor = db_col_text(st, 4);
		r.role = db_col_text(st, 5);
		r.at = db_col_int64(st, 6);
		r.comment = db_col_text(st, 7);
		if (fn(arg, &r, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_bulletin_review_add(struct db_conn *c, const struct bulletin_review_row *r,
			      struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, review_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":b", r->bulletin_id);
	db_bind_int64(st, ":rev", r->revision);
	db_bind_text(st, ":kind", r->kind);
	db_bind_text(st, ":finding", r->finding_id);
	db_bind_int64(st, ":user", r->user_id);
	db_bind_text(st, ":actor", r->actor);
	db_bind_int64(st, ":at", r->at);
	db_bind_text(st, ":note", r->note);
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}

int store_bulletin_reviews(struct db_conn *c, int64_t bulletin_id,
			   int (*fn)(void *arg, const struct bulletin_review_row *r, struct err *e),
			   void *arg, struct err *e)
{
	struct db_stmt *st;
	struct bulletin_review_row r;
	int rc;

	if (db_prepare(c, &st, reviews_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":b", bulletin_id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		r.id = db_col_int64(st, 0);
		r.bulletin_id = db_col_int64(st, 1);
		r.revision = db_col_int64(st, 2);
		r.kind = db_col_text(st, 3);
		r.finding_id = db_col_text(st, 4);
		r.user_id = db_col_int64(st, 5);
		r.actor = db_col_text(st, 6);
		r.at = db_col_int64(st, 7);
		r.note = db_col_text(st, 8);
		if (fn(arg, &r, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_early_release_add(struct db_conn *c, const struct early_release_row *r, int64_t *id,
			    struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, early_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":case", r->case_id);
	db_bind_text(st, ":step", r->step);
	db_bind_int64(st, ":at", r->at);
	db_bind_text(st, ":ref", r->ref);
	db_bind_text(st, ":note", r->note);
	db_bind_int64(st, ":recorded", r->recorded_at);
	bind_opt_int(st, ":by", r->recorded_by);
	db_bind_text(st, ":actor", r->actor);
	return db_insert_id(st, id, e);
}

int store_early_releases(struct db_conn *c, int64_t case_id,
			 int (*fn)(void *arg, const struct early_release_row *r, struct err *e),
			 void *arg, struct err *e)
{
	struct db_stmt *st;
	struct early_release_row r;
	int rc;

	if (db_prepare(c, &st, early_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":case", case_id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		r.id = db_col_int64(st, 0);
		r.case_id = db_col_int64(st, 1);
		r.step = db_col_text(st, 2);
		r.at = db_col_int64(st, 3);
		r.ref = db_col_text(st, 4);
		r.note = db_col_text(st, 5);
		r.recorded_at = db_col_int64(st, 6);
		r.recorded_by = col_int(st, 7);
		r.actor = db_col_text(st, 8);
		if (fn(arg, &r, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_blackout_add(struct db_conn *c, const struct blackout_row *r, int64_t *id,
		       struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, blackout_add_sql, e) < 0)
		return -1;
	db_bind_text(st, ":name", r->name);
	db_bind_int64(st, ":start", r->start_at);
	db_bind_int64(st, ":end", r->end_at);
	db_bind_text(st, ":note", r->note);
	db_bind_int64(st, ":created", r->created_at);
	bind_opt_int(st, ":by", r->created_by);
	return db_insert_id(st, id, e);
}

static int each_blackout(struct db_stmt *st, int one,
			 int (*fn)(void *arg, const struct blackout_row *r, struct err *e),
			 void *arg, struct err *e)
{
	struct blackout_row r;
	int rc, n = 0;

	while ((rc = db_step(st, e)) == DB_ROW) {
		r.id = db_col_int64(st, 0);
		r.name = db_col_text(st, 1);
		r.start_at = db_col_int64(st, 2);
		r.end_at = db_col_int64(st, 3);
		r.note = db_col_text(st, 4);
		r.created_at = db_col_int64(st, 5);
		r.created_by = col_int(st, 6);
		n++;
		if (fn(arg, &r, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	if (one && n == 0)
		return err_setn(e, ERR_NOT_FOUND, "blackout_not_found", "no such blackout window");
	return 0;
}

int store_blackout_get(struct db_conn *c, int64_t id,
		       int (*fn)(void *arg, const struct blackout_row *r, struct err *e), void *arg,
		       struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, blackout_get_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	return each_blackout(st, 1, fn, arg, e);
}

int store_blackouts(struct db_conn *c, int64_t ends_after,
		    int (*fn)(void *arg, const struct blackout_row *r, struct err *e), void *arg,
		    struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, blackouts_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":after", ends_after > 0 ? ends_after : INT64_MIN);
	return each_blackout(st, 0, fn, arg, e);
}

int store_blackout_consent_add(struct db_conn *c, const struct blackout_consent_row *r,
			       int64_t *id, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, consent_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":w", r->blackout_id);
	bind_opt_int(st, ":b", r->bulletin_id);
	db_bind_text(st, ":ref", r->ref);
	db_bind_int64(st, ":at", r->at);
	db_bind_int64(st, ":recorded", r->recorded_at);
	bind_opt_int(st, ":by", r->recorded_by);
	return db_insert_id(st, id, e);
}

int store_blackout_consents(struct db_conn *c, int64_t blackout_id,
			    int (*fn)(void *arg, const struct blackout_consent_row *r,
				      struct err *e),
			    void *arg, struct err *e)
{
	struct db_stmt *st;
	struct blackout_consent_row r;
	int rc;

	if (db_prepare(c, &st, consents_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":w", blackout_id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		r.id = db_col_int64(st, 0);
		r.blackout_id = db_col_int64(st, 1);
		r.bulletin_id = col_int(st, 2);
		r.ref = db_col_text(st, 3);
		r.at = db_col_int64(st, 4);
		r.recorded_at = db_col_int64(st, 5);
		r.recorded_by = col_int(st, 6);
		r.advisory = db_col_text(st, 7);
		if (fn(arg, &r, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_gate_decision_add(struct db_conn *c, const struct gate_decision_row *r, int64_t *id,
			    struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, decision_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":b", r->bulletin_id);
	db_bind_int64(st, ":rev", r->revision);
	db_bind_text(st, ":kind", r->kind);
	db_bind_int64(st, ":passed", r->passed ? 1 : 0);
	db_bind_int64(st, ":for", r->evaluated_for);
	db_bind_int64(st, ":at", r->decided_at);
	bind_opt_int(st, ":actor_id", r->actor_id);
	db_bind_text(st, ":actor", r->actor);
	db_bind_text(st, ":failed", r->failed);
	db_bind_text(st, ":report", r->report);
	return db_insert_id(st, id, e);
}

int store_gate_decisions(struct db_conn *c, int64_t bulletin_id, int limit,
			 int (*fn)(void *arg, const struct gate_decision_row *r, struct err *e),
			 void *arg, struct err *e)
{
	struct db_stmt *st;
	struct gate_decision_row r;
	int rc;

	if (db_prepare(c, &st, decisions_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":b", bulletin_id);
	db_bind_int64(st, ":limit", limit);
	while ((rc = db_step(st, e)) == DB_ROW) {
		r.id = db_col_int64(st, 0);
		r.bulletin_id = db_col_int64(st, 1);
		r.revision = db_col_int64(st, 2);
		r.kind = db_col_text(st, 3);
		r.passed = (int)db_col_int64(st, 4);
		r.evaluated_for = db_col_int64(st, 5);
		r.decided_at = db_col_int64(st, 6);
		r.actor_id = col_int(st, 7);
		r.actor = db_col_text(st, 8);
		r.failed = db_col_text(st, 9);
		r.report = db_col_text(st, 10);
		if (fn(arg, &r, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* ---------------------------------------------------------------- exports (the feeds) */

#define X_META \
	"x.bulletin_id, x.revision, x.ident, x.title, x.lang, x.path, x.initial_release," \
	" x.current_release, x.sha256, x.sha512, x.signature, x.signer, x.created_at"
#define X_FROM \
	" FROM bulletin_exports x JOIN bulletins b ON b.id = x.bulletin_id" \
	" WHERE b.state = 'published' AND x.revision = (SELECT MAX(y.revision)" \
	" FROM bulletin_exports y WHERE y.bulletin_id = x.bulletin_id)"
#define X_ALL(col) "SELECT " X_META ", " col X_FROM " ORDER BY x.bulletin_id"
#define X_BY(col, key) "SELECT " X_META ", " col X_FROM " AND x." key " = :k"

static const char export_add_sql[] =
	"INSERT INTO bulletin_exports (bulletin_id, revision, ident, title, lang, path,"
	" initial_release, current_release, csaf, sha256, sha512, signature, signer, osv,"
	" created_at) VALUES (:b, :rev, :ident, :title, :lang, :path, :initial, :current, :csaf,"
	" :sha256, :sha512, :sig, :signer, :osv, :created)";
static const char exports_meta_sql[] = X_ALL("CAST(NULL AS TEXT)");
static const char exports_csaf_sql[] = X_ALL("x.csaf");
static const char exports_osv_sql[] = X_ALL("x.osv");
static const char export_path_meta_sql[] = X_BY("CAST(NULL AS TEXT)", "path");
static const char export_path_csaf_sql[] = X_BY("x.csaf", "path");
static const char export_path_osv_sql[] = X_BY("x.osv", "path");
static const char export_ident_meta_sql[] = X_BY("CAST(NULL AS TEXT)", "ident");
static const char export_ident_csaf_sql[] = X_BY("x.csaf", "ident");
static const char export_ident_osv_sql[] = X_BY("x.osv", "ident");
static const char exports_stamp_sql[] =
	"SELECT COUNT(*), MAX(x.created_at) FROM bulletin_exports x JOIN bulletins b"
	" ON b.id = x.bulletin_id WHERE b.state = 'published'";
static const char key_put_sql[] =
	"INSERT INTO bulletin_signing_keys (fingerprint, public_key, first_used)"
	" VALUES (:fpr, :key, :at) ON CONFLICT (fingerprint) DO NOTHING";
static const char key_get_sql[] =
	"SELECT public_key, first_used FROM bulletin_signing_keys WHERE fingerprint = :fpr";

int store_bulletin_export_add(struct db_conn *c, const struct bulletin_export_row *r,
			      struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, export_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":b", r->bulletin_id);
	db_bind_int64(st, ":rev", r->revision);
	db_bind_text(st, ":ident", r->ident);
	db_bind_text(st, ":title", r->title);
	db_bind_text(st, ":lang", r->lang);
	db_bind_text(st, ":path", r->path);
	db_bind_int64(st, ":initial", r->initial_release);
	db_bind_int64(st, ":current", r->current_release);
	db_bind_text(st, ":csaf", r->csaf);
	db_bind_text(st, ":sha256", r->sha256);
	db_bind_text(st, ":sha512", r->sha512);
	db_bind_text(st, ":sig", r->signature);
	db_bind_text(st, ":signer", r->signer);
	db_bind_text(st, ":osv", r->osv);
	db_bind_int64(st, ":created", r->created_at);
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}

/* Step st over export rows (X_META then the selected bytes) into fn; with
 * one set, no row is ERR_NOT_FOUND. */
static int each_export(struct db_stmt *st, enum export_cols cols, int one, store_export_fn *fn,
		       void *arg, struct err *e)
{
	struct bulletin_export_row r;
	int rc, n = 0;

	while ((rc = db_step(st, e)) == DB_ROW) {
		memset(&r, 0, sizeof(r));
		r.bulletin_id = db_col_int64(st, 0);
		r.revision = db_col_int64(st, 1);
		r.ident = db_col_text(st, 2);
		r.title = db_col_text(st, 3);
		r.lang = db_col_text(st, 4);
		r.path = db_col_text(st, 5);
		r.initial_release = db_col_int64(st, 6);
		r.current_release = db_col_int64(st, 7);
		r.sha256 = db_col_text(st, 8);
		r.sha512 = db_col_text(st, 9);
		r.signature = db_col_text(st, 10);
		r.signer = db_col_text(st, 11);
		r.created_at = db_col_int64(st, 12);
		if (cols == EXPORT_CSAF)
			r.csaf = db_col_text(st, 13);
		else if (cols == EXPORT_OSV)
			r.osv = db_col_text(st, 13);
		n++;
		if (fn(arg, &r, e) < 0) {
			rc = -1;
			break;
		}
		if (one)
			break;
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	if (one && n == 0)
		return err_setn(e, ERR_NOT_FOUND, "not_published", "no such published document");
	return 0;
}

int store_bulletin_exports(struct db_conn *c, enum export_cols cols, store_export_fn *fn,
			   void *arg, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, cols == EXPORT_CSAF ? exports_csaf_sql
			       : cols == EXPORT_OSV ? exports_osv_sql : exports_meta_sql, e) < 0)
		return -1;
	return each_export(st, cols, 0, fn, arg, e);
}

int store_bulletin_export_get(struct db_conn *c, const char *key, int by_ident,
			      enum export_cols cols, store_export_fn *fn, void *arg, struct err *e)
{
	static const char *const sql[2][3] = {
		{ export_path_meta_sql, export_path_csaf_sql, export_path_osv_sql },
		{ export_ident_meta_sql, export_ident_csaf_sql, export_ident_osv_sql },
	};
	struct db_stmt *st;

	if (db_prepare(c, &st, sql[by_ident ? 1 : 0][cols], e) < 0)
		return -1;
	db_bind_text(st, ":k", key);
	return each_export(st, cols, 1, fn, arg, e);
}

int store_bulletin_exports_stamp(struct db_conn *c, int64_t *count, int64_t *newest,
				 struct err *e)
{
	struct db_stmt *st;
	int rc;

	*count = *newest = 0;
	if (db_prepare(c, &st, exports_stamp_sql, e) < 0)
		return -1;
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*count = db_col_int64(st, 0);
		*newest = col_int(st, 1);
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_signing_key_put(struct db_conn *c, const char *fpr, const char *public_key,
			  int64_t at, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, key_put_sql, e) < 0)
		return -1;
	db_bind_text(st, ":fpr", fpr);
	db_bind_text(st, ":key", public_key);
	db_bind_int64(st, ":at", at);
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}

int store_signing_key_get(struct db_conn *c, const char *fpr, char **out, int64_t *first_used,
			  struct err *e)
{
	struct db_stmt *st;
	int rc;

	*out = NULL;
	if (db_prepare(c, &st, key_get_sql, e) < 0)
		return -1;
	db_bind_text(st, ":fpr", fpr);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*out = xstrdup(db_col_text(st, 0));
		*first_used = db_col_int64(st, 1);
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	if (*out == NULL)
		return err_setn(e, ERR_NOT_FOUND, "key_not_found", "no such signing key");
	return 0;
}
