/* store_schema.h - numbered migrations, recorded in schema_version.
 *
 * Migrations are the files under migrations/<backend>/NNNN_name.sql, embedded
 * into the binary at build time.  They are append-only: a released migration
 * is never edited, a change is a new number.  Each one runs in its own
 * transaction together with its schema_version row.
 */
#ifndef VF_STORE_SCHEMA_H
#define VF_STORE_SCHEMA_H

#include "store/db.h"

struct migration {
	enum db_kind kind;
	int version;
	const char *name;
	const char *sql;
};

extern const struct migration migrations[];
extern const unsigned migrations_count;

/* Apply every migration newer than the database's version; *applied counts them. */
int store_schema_migrate(struct db *db, int *applied, struct err *e);
/* The highest applied version (0 for an empty database). */
int store_schema_version(struct db_conn *c, int *version, struct err *e);
/* The newest version this binary knows for a backend. */
int store_schema_latest(enum db_kind kind);

#endif
