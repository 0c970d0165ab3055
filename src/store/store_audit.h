/* store_audit.h - the audit trail: one row per state change, written in the change's transaction. */
#ifndef VF_STORE_AUDIT_H
#define VF_STORE_AUDIT_H

#include <stdint.h>

#include "store/db.h"

struct audit_event {
	int64_t id;
	int64_t at;
	int64_t actor_user_id;    /* 0 when the actor is not a user (CLI, system) */
	char actor[256];          /* e-mail, "cli" or "system" */
	char action[64];          /* "user.create", "auth.login", ... */
	char object_type[32];
	char object_id[64];
	char request_id[40];
	char detail[2048];        /* a JSON object */
};

struct audit_filter {
	int64_t before_id;        /* 0 = from the newest */
	int64_t since;            /* 0 = no lower bound on at */
	const char *action;       /* NULL = any */
	int64_t actor_user_id;    /* 0 = any */
	int limit;
};

int store_audit_add(struct db_conn *c, const struct audit_event *ev, struct err *e);
/* Newest first. */
int store_audit_list(struct db_conn *c, const struct audit_filter *f,
		     int (*fn)(void *arg, const struct audit_event *ev), void *arg, struct err *e);

/* Write the health row: proves the database takes writes. */
int store_health_touch(struct db_conn *c, int64_t now, struct err *e);

#endif
