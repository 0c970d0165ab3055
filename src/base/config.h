/* config.h - instance configuration: vulnflow.conf, then environment, then flags.
 *
 * The file is `key = value` lines; '#' starts a comment line.  Every key has
 * an environment variable (VULNFLOW_ + the key in capitals) and can be set by
 * a command-line flag through config_set().  Later sources override earlier
 * ones: defaults < file < environment < flags.  An unknown key or a bad value
 * is an error naming the file and line, never silently ignored.
 */
#ifndef VF_CONFIG_H
#define VF_CONFIG_H

#include <stddef.h>

#include "base/err.h"

#define CONFIG_STR_LEN 1024

struct config {
	char dir[CONFIG_STR_LEN];         /* the instance directory (not a key) */
	char db[CONFIG_STR_LEN];          /* sqlite:PATH (relative to dir) or postgresql://... */
	char listen[256];                 /* HOST:PORT */
	char public_url[CONFIG_STR_LEN];  /* https://... makes session cookies Secure */
	char role[32];                    /* provider | operator | platform | hub */
	char security_contact[CONFIG_STR_LEN];   /* security.txt Contact URIs, comma-separated */
	char security_policy[CONFIG_STR_LEN];    /* security.txt Policy URL */
	char security_languages[64];      /* security.txt Preferred-Languages */
	long body_limit;                  /* bytes */
	long header_limit;                /* bytes of all request headers */
	long threads;                     /* HTTP worker threads, 0 = number of CPUs */
	long db_pool;                     /* database connections, 0 = threads + 2 */
	long sqlite_checkpoint_pages;     /* WAL pages that wake the checkpointer, 0 = SQLite's own */
	long conn_timeout;                /* idle seconds before a connection is closed */
	long request_timeout;             /* seconds a request body may take to arrive */
	long conn_limit;                  /* open connections in all */
	long conn_per_ip;                 /* open connections per client address */
	long session_ttl;                 /* seconds */
	long lockout_threshold;           /* failed logins before lockout */
	long lockout_base;                /* seconds of the first lockout; doubles after */
	long lockout_max;                 /* seconds, the longest lockout */
	long access_log;                  /* 1: one line per request on stderr */
	long intake_body_limit;           /* bytes of one report submission */
	long upload_body_limit;           /* bytes of an uploaded SBOM or advisory */
	long attachment_limit;            /* bytes per attached file */
	long attachments_limit;           /* bytes of all files of one report */
	long attachments_max;             /* files per report */
	long intake_rate_limit;           /* submissions per minute per client, 0 = off */
	char trusted_proxies[CONFIG_STR_LEN];  /* comma-separated addresses */
	long intake_pow_bits;             /* proof-of-work bits, 0 = off */
	long retention_days;              /* >= 180 */
	char storage_cipher[32];          /* sm4-gcm | aes-256-gcm */
	long sth_interval;                /* seconds, 0 = never */
	long test_clock;                  /* 1: the clock may be moved through the API (tests) */
	long case_list_limit;             /* largest page of cases or clocks */
	char smtp_url[CONFIG_STR_LEN];    /* smtp://host:port or smtps://...; "" = no mail sent */
	char smtp_from[256];              /* envelope and From address of mail sent */
	char smtp_user[256];              /* SMTP AUTH user, "" = none */
	char smtp_password[256];
	long mail_max_bytes;              /* largest e-mail taken in */
	char escalation_webhook_url[CONFIG_STR_LEN];   /* "" = escalations by mail only */
	char escalation_webhook_secret_ref[256];      /* env:NAME or file:NAME (webhook.h) */
	long webhook_allow_private;       /* 1: webhooks may go to loopback/private addresses */
	char web_dir[CONFIG_STR_LEN];     /* the web UI's files; "" = the source tree's web/ */
	char disclosure_policy[CONFIG_STR_LEN];  /* the landing page's policy text; "" = built-in */
	char safe_harbour[CONFIG_STR_LEN];       /* its safe-harbour text; "" = built-in */
};

/* Defaults for an instance in dir. */
void config_defaults(struct config *c, const char *dir);
/* Read DIR/vulnflow.conf if it exists (a missing file is not an error). */
int config_load_file(struct config *c, const char *path, struct err *e);
/* Apply VULNFLOW_* environment variables. */
int config_apply_env(struct config *c, struct err *e);
/* Set one key from text, as a flag would. */
int config_set(struct config *c, const char *key, const char *value, struct err *e);
/* The database URL with a relative sqlite path resolved against dir. */
void config_db_url(const struct config *c, char *out, size_t n);
/* Write the keys that differ from the defaults, as a commented vulnflow.conf. */
int config_write_file(const struct config *c, const char *path, struct err *e);
/* Print every key, its environment variable, default and description. */
void config_print_keys(void);

#endif
