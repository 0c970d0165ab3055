/* instance.c - create and open instance directories. */
#include "service/instance.h"
#include "service/tlog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/crypto.h"
#include "base/mem.h"
#include "base/timefmt.h"
#include "store/store_audit.h"
#include "store/store_schema.h"

static int make_dir(const char *path, struct err *e)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return err_set(e, ERR_INTERNAL, "cannot create directory \"%s\": %s", path,
			       strerror(errno));
	return 0;
}

int instance_config(struct config *cfg, const char *dir, struct err *e)
{
	char path[CONFIG_STR_LEN + 32];

	if (strlen(dir) >= CONFIG_STR_LEN)
		return err_set(e, ERR_USAGE, "directory name is too long");
	config_defaults(cfg, dir);
	snprintf(path, sizeof(path), "%s/vulnflow.conf", dir);
	if (config_load_file(cfg, path, e) < 0)
		return -1;
	return config_apply_env(cfg, e);
}

static void policy_from(struct account_policy *p, const struct config *c)
{
	p->session_ttl = c->session_ttl;
	p->lockout_threshold = c->lockout_threshold;
	p->lockout_base = c->lockout_base;
	p->lockout_max = c->lockout_max;
}

int instance_open(struct instance **out, const struct config *cfg, int migrate, struct err *e)
{
	struct instance *in = xcalloc(1, sizeof(*in));
	char url[CONFIG_STR_LEN + 64];
	long threads = cfg->threads ? cfg->threads : sysconf(_SC_NPROCESSORS_ONLN);
	int applied;
	struct db_options dbo = DB_OPTIONS_INIT;

	*out = NULL;
	in->cfg = *cfg;
	policy_from(&in->policy, cfg);
	config_db_url(cfg, url, sizeof(url));
	dbo.pool_size = (unsigned)(cfg->db_pool ? cfg->db_pool : threads + 2);
	dbo.checkpoint_pages = (unsigned)cfg->sqlite_checkpoint_pages;
	if (crypto_init(e) < 0 || db_open_opts(&in->db, url, &dbo, e) < 0)
		goto fail;
	if (migrate && store_schema_migrate(in->db, &applied, e) < 0)
		goto fail;
	*out = in;
	return 0;
fail:
	instance_close(in);
	return -1;
}

void instance_close(struct instance *in)
{
	if (in == NULL)
		return;
	db_close(in->db);
	free(in);
}

int instance_health_check(struct instance *in, struct err *e)
{
	struct db_conn *c;
	int rc;

	if (db_acquire(in->db, &c, 2000, e) < 0)
		return -1;
	rc = db_begin(c, e);
	if (rc == 0)
		rc = store_health_touch(c, time_now_us(), e);
	if (rc == 0)
		rc = db_commit(c, e);
	else
		db_rollback(c);
	db_release(c);
	return rc;
}

static int make_keys(const char *dir, struct err *e)
{
	char p1[CONFIG_STR_LEN + 64], p2[CONFIG_STR_LEN + 64];

	snprintf(p1, sizeof(p1), "%s/keys", dir);
	if (make_dir(p1, e) < 0)
		return -1;
	snprintf(p1, sizeof(p1), "%s/keys/storage.key", dir);
	if (crypto_write_random_key(p1, 32, e) < 0)
		return -1;
	snprintf(p1, sizeof(p1), "%s/keys/signing.key", dir);
	snprintf(p2, sizeof(p2), "%s/keys/signing.pub", dir);
	return crypto_sign_keygen(p1, p2, e);
}

int instance_init(const struct init_options *o, struct init_result *out, struct err *e)
{
	struct config cfg;
	struct instance *in = NULL;
	char conf[CONFIG_STR_LEN + 32];
	struct actor cli = { 0, "cli", "init" };
	struct new_user admin = { 0 };
	struct org org;
	enum hash_alg log_hash = HASH_ALG_DEFAULT;
	enum sign_alg log_sig = SIGN_ALG_DEFAULT;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (crypto_init(e) < 0)
		return -1;
	snprintf(conf, sizeof(conf), "%s/vulnflow.conf", o->dir);
	if (access(conf, F_OK) == 0)
		return err_setn(e, ERR_CONFLICT, "already_initialised",
				"\"%s\" already holds an instance (vulnflow.conf exists)", o->dir);
	config_defaults(&cfg, o->dir);
	if (o->db_url != NULL && (db_url_valid(o->db_url, e) < 0 ||
				  config_set(&cfg, "db", o->db_url, e) < 0))
		return -1;
	if (o->role != NULL && config_set(&cfg, "role", o->role, e) < 0)
		return -1;
	if (o->cipher != NULL && config_set(&cfg, "storage_cipher", o->cipher, e) < 0)
		return -1;
	if (o->log_hash != NULL && hash_alg_from_name(o->log_hash, &log_hash) < 0)
		return err_set(e, ERR_USAGE, "--log-hash \"%s\" is not sm3 or sha256", o->log_hash);
	if (o->log_sig != NULL && sign_alg_from_name(o->log_sig, &log_sig) < 0)
		return err_set(e, ERR_USAGE, "--log-sig \"%s\" is not sm2 or ed25519", o->log_sig);
	if (make_dir(o->dir, e) < 0 || make_keys(o->dir, e) < 0)
		return -1;
	if (instance_open(&in, &cfg, 1, e) < 0)
		return -1;
	if (tlog_create(in->db, o->dir, log_hash, log_sig, e) < 0)
		goto out;
	if (account_org_create(in->db, &cli, o->org_name ? o->org_name : "Default organisation",
			       o->jurisdiction ? o->jurisdiction : "CN", &org, e) < 0)
		goto out;
	admin.email = o->admin_email ? o->admin_email : "admin@vulnflow.local";
	admin.role = "admin";
	admin.name = "Administrator";
	admin.org_id = org.id;
	if (account_user_create(in->db, &cli, &admin, NULL, out->admin_password, e) < 0)
		goto out;
	snprintf(out->admin_email, sizeof(out->admin_email), "%s", admin.email);
	account_email_normalise(out->admin_email);
	config_db_url(&cfg, out->db_url, sizeof(out->db_url));
	/* written last: its presence marks a complete instance */
	if (config_write_file(&cfg, conf, e) < 0)
		goto out;
	rc = 0;
out:
	instance_close(in);
	return rc;
}
