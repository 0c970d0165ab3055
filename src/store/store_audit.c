/* store_audit.c - SQL for audit events. */
#include "store/store_audit.h"

#include <stdio.h>
#include <string.h>

static const char insert_sql[] =
	"INSERT INTO audit_events (at, actor_user_id, actor, action, object_type, object_id,"
	" request_id, detail) VALUES (:at, :uid, :actor, :action, :otype, :oid, :rid, :detail)";
static const char list_sql[] =
	"SELECT id, at, actor_user_id, actor, action, object_type, object_id, request_id, detail"
	" FROM audit_events WHERE (CAST(:before AS BIGINT) = 0 OR id < :before) AND at >= :since"
	" AND (CAST(:action AS TEXT) = '' OR action = :action) AND (CAST(:uid AS BIGINT) = 0 OR actor_user_id = :uid)"
	" ORDER BY id DESC LIMIT :limit";

int store_audit_add(struct db_conn *c, const struct audit_event *ev, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, insert_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":at", ev->at);
	if (ev->actor_user_id)
		db_bind_int64(st, ":uid", ev->actor_user_id);
	else
		db_bind_null(st, ":uid");
	db_bind_text(st, ":actor", ev->actor);
	db_bind_text(st, ":action", ev->action);
	db_bind_text(st, ":otype", ev->object_type);
	db_bind_text(st, ":oid", ev->object_id);
	db_bind_text(st, ":rid", ev->request_id);
	db_bind_text(st, ":detail", ev->detail[0] ? ev->detail : "{}");
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}

int store_audit_list(struct db_conn *c, const struct audit_filter *f,
		     int (*fn)(void *arg, const struct audit_event *ev), void *arg, struct err *e)
{
	struct db_stmt *st;
	struct audit_event ev;
	int rc;

	if (db_prepare(c, &st, list_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":before", f->before_id);
	db_bind_int64(st, ":since", f->since);
	db_bind_text(st, ":action", f->action ? f->action : "");
	db_bind_int64(st, ":uid", f->actor_user_id);
	db_bind_int64(st, ":limit", f->limit);
	while ((rc = db_step(st, e)) == DB_ROW) {
		memset(&ev, 0, sizeof(ev));
		ev.id = db_col_int64(st, 0);
		ev.at = db_col_int64(st, 1);
		ev.actor_user_id = db_col_is_null(st, 2) ? 0 : db_col_int64(st, 2);
		snprintf(ev.actor, sizeof(ev.actor), "%s", db_col_text(st, 3));
		snprintf(ev.action, sizeof(ev.action), "%s", db_col_text(st, 4));
		snprintf(ev.object_type, sizeof(ev.object_type), "%s", db_col_text(st, 5));
		snprintf(ev.object_id, sizeof(ev.object_id), "%s", db_col_text(st, 6));
		snprintf(ev.request_id, sizeof(ev.request_id), "%s", db_col_text(st, 7));
		snprintf(ev.detail, sizeof(ev.detail), "%s", db_col_text(st, 8));
		if (fn(arg, &ev) < 0)
			break;
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

static const char health_sql[] = "UPDATE health SET checked_at = :now WHERE id = 1";

int store_health_touch(struct db_conn *c, int64_t now, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, health_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":now", now);
	rc = db_exec(st, e);
	if (rc == 0 && db_changes(st) != 1)
		rc = err_set(e, ERR_INTERNAL, "health row missing");
	db_finalize(st);
	return rc;
}
