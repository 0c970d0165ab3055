/* store_report.c - SQL for received reports and their attachments (see store_report.h). */
#include "store/store_report.h"

#include <stdio.h>
#include <string.h>

#define PAGE 1024

#define REPORT_COLS \
	"id, leaf_index, channel, disposition, status, received_at, reporter_user_id, language," \
	" payload, payload_size, spam_reason, spam_by, spam_at, purged_at," \
	" (SELECT cr.case_id FROM case_reports cr WHERE cr.report_id = reports.id)"

static const char add_sql[] =
	"INSERT INTO reports (leaf_index, channel, disposition, status, status_token_hash,"
	" received_at, reporter_user_id, language, payload, payload_size) VALUES (:leaf,"
	" :channel, :disp, :status, :token, :at, :uid, :lang, :payload, :psize) RETURNING id";
static const char att_add_sql[] =
	"INSERT INTO report_attachments (report_id, seq, media_type, size, data)"
	" VALUES (:report, :seq, :type, :size, :data)";
static const char get_sql[] = "SELECT " REPORT_COLS " FROM reports WHERE id = :id";
static const char by_token_sql[] =
	"SELECT " REPORT_COLS " FROM reports WHERE status_token_hash = :hash";
static const char list_sql[] =
	"SELECT " REPORT_COLS " FROM reports WHERE (CAST(:before AS BIGINT) = 0 OR id < :before)"
	" AND (CAST(:status AS TEXT) = '' OR status = :status)"
	" AND (CAST(:uid AS BIGINT) = 0 OR reporter_user_id = :uid)"
	" AND (CAST(:in_case AS BIGINT) = 0"
	"      OR (CAST(:in_case AS BIGINT) = 1 AND EXISTS (SELECT 1 FROM case_reports cr"
	"          WHERE cr.report_id = reports.id))"
	"      OR (CAST(:in_case AS BIGINT) = 2 AND NOT EXISTS (SELECT 1 FROM case_reports cr"
	"          WHERE cr.report_id = reports.id)))"
	" ORDER BY id DESC LIMIT :limit";
static const char by_leaves_sql[] =
	"SELECT " REPORT_COLS " FROM reports WHERE leaf_index >= :start AND leaf_index < :end"
	" ORDER BY leaf_index LIMIT :limit";
static const char atts_sql[] =
	"SELECT id, report_id, seq, media_type, size, data FROM report_attachments"
	" WHERE report_id = :report ORDER BY seq";
static const char set_status_sql[] =
	"UPDATE reports SET status = :status, spam_reason = :reason, spam_by = :by, spam_at = :at"
	" WHERE id = :id";
static const char purge_sql[] =
	"UPDATE reports SET payload = NULL, purged_at = :now WHERE received_at < :before"
	" AND purged_at IS NULL";
static const char purge_att_sql[] =
	"UPDATE report_attachments SET data = NULL WHERE data IS NOT NULL AND report_id IN"
	" (SELECT id FROM reports WHERE received_at < :before)";
static const char count_sql[] =
	"SELECT COUNT(*) FROM reports WHERE (CAST(:status AS TEXT) = '' OR status = :status)";

static void copy_text(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static int64_t col_int(struct db_stmt *st, int i)
{
	return db_col_is_null(st, i) ? 0 : db_col_int64(st, i);
}

static void row_from(struct db_stmt *st, struct report_row *r)
{
	memset(r, 0, sizeof(*r));
	r->id = db_col_int64(st, 0);
	r->leaf_index = (uint64_t)db_col_int64(st, 1);
	copy_text(r->channel, sizeof(r->channel), db_col_text(st, 2));
	copy_text(r->disposition, sizeof(r->disposition), db_col_text(st, 3));
	copy_text(r->status, sizeof(r->status), db_col_text(st, 4));
	r->received_at = db_col_int64(st, 5);
	r->reporter_user_id = col_int(st, 6);
	copy_text(r->language, sizeof(r->language), db_col_text(st, 7));
	if (!db_col_is_null(st, 8))
		r->payload = db_col_blob(st, 8, &r->payload_len);
	r->payload_size = db_col_int64(st, 9);
	copy_text(r->spam_reason, sizeof(r->spam_reason), db_col_text(st, 10));
	r->spam_by = col_int(st, 11);
	r->spam_at = col_int(st, 12);
	r->purged_at = col_int(st, 13);
	r->case_id = col_int(st, 14);
}

int store_report_add(struct db_conn *c, const struct report_row *r, int64_t *id, struct err *e)
{
	struct db_stmt *st;

	*id = 0;
	if (db_prepare(c, &st, add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":leaf", (int64_t)r->leaf_index);
	db_bind_text(st, ":channel", r->channel);
	db_bind_text(st, ":disp", r->disposition);
	db_bind_text(st, ":status", r->status);
	db_bind_text(st, ":token", r->status_token_hash);
	db_bind_int64(st, ":at", r->received_at);
	if (r->reporter_user_id)
		db_bind_int64(st, ":uid", r->reporter_user_id);
	else
		db_bind_null(st, ":uid");
	db_bind_text(st, ":lang", r->language[0] ? r->language : NULL);
	db_bind_blob(st, ":payload", r->payload, r->payload_len);
	db_bind_int64(st, ":psize", r->payload_size);
	return db_insert_id(st, id, e);
}

int store_report_attachment_add(struct db_conn *c, const struct report_attachment_row *a,
				struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, att_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":report", a->report_id);
	db_bind_int64(st, ":seq", a->seq);
	db_bind_text(st, ":type", a->media_type);
	db_bind_int64(st, ":size", a->size);
	db_bind_blob(st, ":data", a->data, a->data_len);
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}

/* Step st and call fn for each row; ERR_NOT_FOUND if one was required and none came. */
static int each_row(struct db_stmt *st, int need_one, store_report_fn *fn, void *arg,
		    unsigned *got, struct err *e)
{
	struct report_row r;
	int rc;

	*got = 0;
	while ((rc = db_step(st, e)) == DB_ROW) {
		(*got)++;
		row_from(st, &r);
		if (fn(arg, &r, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	if (need_one && *got == 0)
		return err_set(e, ERR_NOT_FOUND, "no such report");
	return 0;
}

int store_report_get(struct db_conn *c, int64_t id, store_report_fn *fn, void *arg,
		     struct err *e)
{
	struct db_stmt *st;
	unsigned got;

	if (db_prepare(c, &st, get_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	return each_row(st, 1, fn, arg, &got, e);
}

int store_report_by_token(struct db_conn *c, const char *token_hash, store_report_fn *fn,
			  void *arg, struct err *e)
{
	struct db_stmt *st;
	unsigned got;

	if (db_prepare(c, &st, by_token_sql, e) < 0)
		return -1;
	db_bind_text(st, ":hash", token_hash);
	return each_row(st, 1, fn, arg, &got, e);
}

int store_report_list(struct db_conn *c, const struct report_filter *f, store_report_fn *fn,
		      void *arg, struct err *e)
{
	struct db_stmt *st;
	unsigned got;

	if (db_prepare(c, &st, list_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":before", f->before_id);
	db_bind_text(st, ":status", f->status ? f->status : "");
	db_bind_int64(st, ":uid", f->reporter_user_id);
	db_bind_int64(st, ":in_case", f->in_case);
	db_bind_int64(st, ":limit", f->limit);
	return each_row(st, 0, fn, arg, &got, e);
}

struct leaf_pager {
	store_report_fn *fn;
	void *arg;
	uint64_t next;
};

static int pager_fn(void *arg, const struct report_row *r, struct err *e)
{
	struct leaf_pager *p = arg;

	p->next = r->leaf_index + 1;
	return p->fn(p->arg, r, e);
}

int store_report_by_leaves(struct db_conn *c, uint64_t start, uint64_t end, store_report_fn *fn,
			   void *arg, struct err *e)
{
	struct leaf_pager p = { fn, arg, start };

	while (p.next < end) {
		struct db_stmt *st;
		unsigned got;

		if (db_prepare(c, &st, by_leaves_sql, e) < 0)
			return -1;
		db_bind_int64(st, ":start", (int64_t)p.next);
		db_bind_int64(st, ":end", (int64_t)end);
		db_bind_int64(st, ":limit", PAGE);
		if (each_row(st, 0, pager_fn, &p, &got, e) < 0)
			return -1;
		if (got < PAGE)
			break;
	}
	return 0;
}

int store_report_attachments(struct db_conn *c, int64_t report_id,
			     int (*fn)(void *arg, const struct report_attachment_row *a,
				       struct err *e),
			     void *arg, struct err *e)
{
	struct db_stmt *st;
	struct report_attachment_row a;
	int rc;

	if (db_prepare(c, &st, atts_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":report", report_id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		memset(&a, 0, sizeof(a));
		a.id = db_col_int64(st, 0);
		a.report_id = db_col_int64(st, 1);
		a.seq = (int)db_col_int64(st, 2);
		copy_text(a.media_type, sizeof(a.media_type), db_col_text(st, 3));
		a.size = db_col_int64(st, 4);
		if (!db_col_is_null(st, 5))
			a.data = db_col_blob(st, 5, &a.data_len);
		if (fn(arg, &a, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_report_set_status(struct db_conn *c, int64_t id, const char *status,
			    const char *reason, int64_t by, int64_t at, struct err *e)
{
	struct db_stmt *st;
	int rc;
	int spam = strcmp(status, "spam") == 0;

	if (db_prepare(c, &st, set_status_sql, e) < 0)
		return -1;
	db_bind_text(st, ":status", status);
	db_bind_text(st, ":reason", spam ? reason : NULL);
	if (spam && by)
		db_bind_int64(st, ":by", by);
	else
		db_bind_null(st, ":by");
	if (spam)
		db_bind_int64(st, ":at", at);
	else
		db_bind_null(st, ":at");
	db_bind_int64(st, ":id", id);
	rc = db_exec(st, e);
	if (rc == 0 && db_changes(st) == 0)
		rc = err_set(e, ERR_NOT_FOUND, "no such report");
	db_finalize(st);
	return rc;
}

int store_report_purge(struct db_conn *c, int64_t before, int64_t now, int64_t *count,
		       struct err *e)
{
	struct db_stmt *st;
	int rc;

	*count = 0;
	if (db_prepare(c, &st, purge_att_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":before", before);
	rc = db_exec(st, e);
	db_finalize(st);
	if (rc < 0 || db_prepare(c, &st, purge_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":now", now);
	db_bind_int64(st, ":before", before);
	rc = db_exec(st, e);
	if (rc == 0)
		*count = db_changes(st);
	db_finalize(st);
	return rc;
}

int store_report_count(struct db_conn *c, const char *status, int64_t *out, struct err *e)
{
	struct db_stmt *st;
	int rc;

	*out = 0;
	if (db_prepare(c, &st, count_sql, e) < 0)
		return -1;
	db_bind_text(st, ":status", status ? status : "");
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*out = db_col_int64(st, 0);
		rc = 0;
	}
	db_finalize(st);
	return rc;
}
