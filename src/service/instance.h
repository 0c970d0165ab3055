/* instance.h - an instance directory: its configuration, keys and database.
 *
 *	DIR/vulnflow.conf          configuration (key = value)
 *	DIR/vulnflow.db            the SQLite database, unless `db` names another
 *	DIR/keys/storage.key       32 random bytes: the at-rest encryption key
 *	DIR/keys/signing.key|.pub  the instance's Ed25519 key pair
 *	DIR/keys/log.key|.pub      the receipt log's key pair (PEM; SM2 or Ed25519)
 */
#ifndef VF_INSTANCE_H
#define VF_INSTANCE_H

#include "base/config.h"
#include "service/account.h"
#include "store/db.h"

struct instance {
	struct config cfg;
	struct db *db;
	struct account_policy policy;
};

struct init_options {
	const char *dir;
	const char *db_url;        /* NULL = SQLite in dir */
	const char *admin_email;   /* NULL = admin@vulnflow.local */
	const char *org_name;      /* NULL = "Default organisation" */
	const char *jurisdiction;  /* NULL = "CN" */
	const char *role;          /* NULL = provider */
	const char *log_hash;      /* receipt log: "sm3" (NULL) or "sha256" */
	const char *log_sig;       /* "sm2" (NULL) or "ed25519" */
	const char *cipher;        /* at rest: "sm4-gcm" (NULL) or "aes-256-gcm" */
};

struct init_result {
	char admin_email[256];
	char admin_password[24];
	char db_url[CONFIG_STR_LEN];
};

/* Create a new instance directory; ERR_CONFLICT if dir already holds one. */
int instance_init(const struct init_options *o, struct init_result *out, struct err *e);
/* Defaults, then DIR/vulnflow.conf, then the environment (flags come after, from the caller). */
int instance_config(struct config *cfg, const char *dir, struct err *e);
/* Open the database of cfg (applying migrations when migrate is set). */
int instance_open(struct instance **out, const struct config *cfg, int migrate, struct err *e);
void instance_close(struct instance *in);
/* Prove the database is reachable and takes a committed write (for /healthz). */
int instance_health_check(struct instance *in, struct err *e);

#endif
