/* store_user.h - users and organisations in the database. */
#ifndef VF_STORE_USER_H
#define VF_STORE_USER_H

#include <stdint.h>

#include "store/db.h"

struct user {
	int64_t id;
	int64_t org_id;
	char email[256];             /* stored lowercased */
	char name[1024];
	char role[16];
	char password_hash[128];
	int must_change_password;
	int disabled;
	char totp_secret[48];        /* hex; empty when none */
	int totp_enabled;
	int totp_required;
	int64_t totp_last_step;      /* last accepted TOTP step (replay guard) */
	int failed_logins;
	int64_t locked_until;
	int64_t created_at;
	int64_t updated_at;
	int64_t last_login_at;       /* 0 = never */
};

struct org {
	int64_t id;
	char name[1024];
	char jurisdiction[4];        /* ISO 3166-1 alpha-2 */
	int64_t created_at;
};

/* Insert u (id ignored) and set u->id.  ERR_CONFLICT if the e-mail exists. */
int store_user_insert(struct db_conn *c, struct user *u, struct err *e);
/* ERR_NOT_FOUND if there is no such user. */
int store_user_get(struct db_conn *c, int64_t id, struct user *out, struct err *e);
int store_user_by_email(struct db_conn *c, const char *email, struct user *out, struct err *e);
/* Write every mutable field of u back. */
int store_user_update(struct db_conn *c, const struct user *u, struct err *e);
/* Users with id > after_id in id order, at most limit, each passed to fn. */
int store_user_list(struct db_conn *c, int64_t after_id, int limit,
		    int (*fn)(void *arg, const struct user *u), void *arg, struct err *e);
int store_user_count(struct db_conn *c, int64_t *n, struct err *e);

int store_org_insert(struct db_conn *c, struct org *o, struct err *e);
int store_org_get(struct db_conn *c, int64_t id, struct org *out, struct err *e);
int store_org_by_name(struct db_conn *c, const char *name, struct org *out, struct err *e);
int store_org_list(struct db_conn *c, int64_t after_id, int limit,
		   int (*fn)(void *arg, const struct org *o), void *arg, struct err *e);

#endif
