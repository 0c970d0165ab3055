/* store_schema.c - apply the embedded migrations and record them in schema_version. */
#include "store/store_schema.h"

#include "base/timefmt.h"

static const char create_sql[] =
	"CREATE TABLE IF NOT EXISTS schema_version ("
	" version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";
static const char version_sql[] = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
static const char record_sql[] =
	"INSERT INTO schema_version (version, name, applied_at) VALUES (:v, :name, :at)";

int store_schema_latest(enum db_kind kind)
{
	int v = 0;

	for (unsigned i = 0; i < migrations_count; i++)
		if (migrations[i].kind == kind && migrations[i].version > v)
			v = migrations[i].version;
	return v;
}

int store_schema_version(struct db_conn *c, int *version, struct err *e)
{
	struct db_stmt *st;
	int rc;

	*version = 0;
	if (db_exec_script(c, create_sql, e) < 0)
		return -1;
	if (db_prepare(c, &st, version_sql, e) < 0)
		return -1;
	rc = db_step(st, e);
	if (rc == DB_ROW)
		*version = (int)db_col_int64(st, 0);
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

static int apply_one(struct db_conn *c, const struct migration *m, struct err *e)
{
	struct db_stmt *st;

	if (db_begin(c, e) < 0)
		return -1;
	if (db_exec_script(c, m->sql, e) < 0)
		goto fail;
	if (db_prepare(c, &st, record_sql, e) < 0)
		goto fail;
	db_bind_int64(st, ":v", m->version);
	db_bind_text(st, ":name", m->name);
	db_bind_int64(st, ":at", time_now_us());
	if (db_exec(st, e) < 0) {
		db_finalize(st);
		goto fail;
	}
	db_finalize(st);
	return db_commit(c, e);
fail:
	db_rollback(c);
	return -1;
}

int store_schema_migrate(struct db *db, int *applied, struct err *e)
{
	struct db_conn *c;
	int version, rc = -1;

	*applied = 0;
	if (db_acquire(db, &c, 30000, e) < 0)
		return -1;
	if (store_schema_version(c, &version, e) < 0)
		goto out;
	if (version > store_schema_latest(db_kind(db))) {
		err_set(e, ERR_INTERNAL,
			"database schema version %d is newer than this binary knows (%d)", version,
			store_schema_latest(db_kind(db)));
		goto out;
	}
	for (unsigned i = 0; i < migrations_count; i++) {
		const struct migration *m = &migrations[i];
		if (m->kind != db_kind(db) || m->version <= version)
			continue;
		if (apply_one(c, m, e) < 0) {
			/* another process may have applied it meanwhile */
			int now;
			struct err ignored = ERR_INIT;
			if (store_schema_version(c, &now, &ignored) == 0 && now >= m->version)
				continue;
			goto out;
		}
		(*applied)++;
	}
	rc = 0;
out:
	db_release(c);
	return rc;
}
