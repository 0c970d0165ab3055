/* store_session.h - login sessions and API tokens, stored by the SHA-256 of their secret. */
#ifndef VF_STORE_SESSION_H
#define VF_STORE_SESSION_H

#include <stdint.h>

#include "store/db.h"

struct session {
	int64_t id;
	int64_t user_id;
	char csrf_token[64];
	int64_t created_at;
	int64_t expires_at;
};

struct api_token {
	int64_t id;
	int64_t user_id;
	char name[256];
	char role[16];
	int64_t created_at;
	int64_t expires_at;   /* 0 = never */
	int64_t revoked_at;   /* 0 = live */
};

int store_session_insert(struct db_conn *c, const char *hash, struct session *s, struct err *e);
/* ERR_NOT_FOUND for an unknown or expired (at now) session. */
int store_session_by_hash(struct db_conn *c, const char *hash, int64_t now, struct session *out,
			  struct err *e);
int store_session_delete(struct db_conn *c, const char *hash, struct err *e);
/* Delete sessions that expired before now. */
int store_session_purge(struct db_conn *c, int64_t now, struct err *e);
/* End every session of a user (password change, disable). */
int store_session_delete_user(struct db_conn *c, int64_t user_id, struct err *e);

int store_token_insert(struct db_conn *c, const char *hash, struct api_token *t, struct err *e);
/* ERR_NOT_FOUND for an unknown, revoked or expired token. */
int store_token_by_hash(struct db_conn *c, const char *hash, int64_t now, struct api_token *out,
			struct err *e);
int store_token_get(struct db_conn *c, int64_t id, struct api_token *out, struct err *e);
int store_token_list(struct db_conn *c, int64_t user_id,
		     int (*fn)(void *arg, const struct api_token *t), void *arg, struct err *e);
int store_token_revoke(struct db_conn *c, int64_t id, int64_t at, struct err *e);
int store_token_revoke_user(struct db_conn *c, int64_t user_id, int64_t at, struct err *e);

#endif
