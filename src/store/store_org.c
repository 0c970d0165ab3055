/* store_org.c - SQL for organisations. */
#include <stdio.h>
#include <string.h>

#include "store/store_user.h"

static const char insert_sql[] =
	"INSERT INTO orgs (name, jurisdiction, created_at) VALUES (:name, :jur, :at) RETURNING id";
static const char get_sql[] = "SELECT id, name, jurisdiction, created_at FROM orgs WHERE id = :id";
static const char by_name_sql[] =
	"SELECT id, name, jurisdiction, created_at FROM orgs WHERE name = :name";
static const char list_sql[] =
	"SELECT id, name, jurisdiction, created_at FROM orgs WHERE id > :after ORDER BY id"
	" LIMIT :limit";

static void read_org(struct db_stmt *st, struct org *o)
{
	memset(o, 0, sizeof(*o));
	o->id = db_col_int64(st, 0);
	snprintf(o->name, sizeof(o->name), "%s", db_col_text(st, 1));
	snprintf(o->jurisdiction, sizeof(o->jurisdiction), "%s", db_col_text(st, 2));
	o->created_at = db_col_int64(st, 3);
}

int store_org_insert(struct db_conn *c, struct org *o, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, insert_sql, e) < 0)
		return -1;
	db_bind_text(st, ":name", o->name);
	db_bind_text(st, ":jur", o->jurisdiction);
	db_bind_int64(st, ":at", o->created_at);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		o->id = db_col_int64(st, 0);
	db_finalize(st);
	if (rc == DB_ROW)
		return 0;
	if (rc == DB_DONE)
		return err_set(e, ERR_INTERNAL, "insert returned no id");
	if (e->code == ERR_CONFLICT)
		return err_setn(e, ERR_CONFLICT, "org_exists", "organisation \"%s\" already exists",
				o->name);
	return -1;
}

static int get_one(struct db_stmt *st, const char *what, struct org *out, struct err *e)
{
	int rc = db_step(st, e);

	if (rc == DB_ROW)
		read_org(st, out);
	db_finalize(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOT_FOUND, "organisation \"%s\" not found", what);
	return rc < 0 ? -1 : 0;
}

int store_org_get(struct db_conn *c, int64_t id, struct org *out, struct err *e)
{
	struct db_stmt *st;
	char what[32];

	if (db_prepare(c, &st, get_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	snprintf(what, sizeof(what), "%lld", (long long)id);
	return get_one(st, what, out, e);
}

int store_org_by_name(struct db_conn *c, const char *name, struct org *out, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, by_name_sql, e) < 0)
		return -1;
	db_bind_text(st, ":name", name);
	return get_one(st, name, out, e);
}

int store_org_list(struct db_conn *c, int64_t after_id, int limit,
		   int (*fn)(void *arg, const struct org *o), void *arg, struct err *e)
{
	struct db_stmt *st;
	struct org o;
	int rc;

	if (db_prepare(c, &st, list_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":after", after_id);
	db_bind_int64(st, ":limit", limit);
	while ((rc = db_step(st, e)) == DB_ROW) {
		read_org(st, &o);
		if (fn(arg, &o) < 0)
			break;
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}
