/* config.c - vulnflow.conf parsing, environment overrides and the table of keys. */
#include "base/config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum key_type { K_STR, K_LONG };

struct key {
	const char *name;
	enum key_type type;
	size_t offset;
	size_t size;        /* K_STR: buffer size */
	long min, max;      /* K_LONG range */
	const char *def;
	const char *help;
};

#define S(field, def, help) { #field, K_STR, offsetof(struct config, field), \
	sizeof(((struct config *)0)->field), 0, 0, def, help }
#define L(field, min, max, def, help) { #field, K_LONG, offsetof(struct config, field), 0, \
	min, max, def, help }

static const struct key keys[] = {
	S(db, "sqlite:vulnflow.db", "database: sqlite:PATH (relative to the instance dir) or postgresql://..."),
	S(listen, "127.0.0.1:8080", "address the HTTP server listens on, HOST:PORT"),
	S(public_url, "", "URL users reach the server at; https:// marks session cookies Secure"),
	S(role, "provider", "this instance's role: provider, operator, platform, hub or database (a national vulnerability database behind a hub)"),
	S(security_contact, "", "security.txt Contact: mailto:, https: or tel: URIs, comma-separated (empty: no security.txt)"),
	S(security_policy, "", "security.txt Policy: https URL of the disclosure policy"),
	S(security_languages, "zh, en", "security.txt Preferred-Languages"),
	L(body_limit, 1024, 1L << 30, "1048576", "largest request body in bytes (413 past it)"),
	L(header_limit, 1024, 1L << 20, "8192", "largest total size of request headers in bytes (431 past it)"),
	L(threads, 0, 256, "0", "HTTP worker threads; 0 = number of CPUs"),
	L(db_pool, 0, 1024, "0", "database connections; 0 = threads + 2"),
	L(sqlite_checkpoint_pages, 0, 1000000, "1000", "SQLite: a commit that leaves the write-ahead log at this many pages wakes the background checkpointer; 0 = SQLite's own checkpoint inside that commit"),
	L(conn_timeout, 1, 3600, "30", "seconds an idle or stalled connection is kept"),
	L(request_timeout, 1, 3600, "60", "seconds a request body may take to arrive in all (408 past it)"),
	L(conn_limit, 1, 1000000, "4096", "open client connections in all"),
	L(conn_per_ip, 0, 1000000, "256", "open connections per client address; 0 = no limit"),
	L(session_ttl, 60, 31L * 86400, "43200", "seconds a login session lasts"),
	L(lockout_threshold, 1, 1000, "5", "failed logins in a row before the account is locked"),
	L(lockout_base, 1, 86400, "30", "seconds of the first lockout; each further failure doubles it"),
	L(lockout_max, 1, 7L * 86400, "3600", "the longest lockout in seconds"),
	L(access_log, 0, 1, "1", "1: one access-log line per request on stderr"),
	L(intake_body_limit, 1024, 1L << 30, "33554432", "largest report submission (JSON or form) in bytes"),
	L(upload_body_limit, 1024, 1L << 30, "67108864", "largest uploaded document (an SBOM, an advisory) in bytes"),
	L(attachment_limit, 1, 1L << 30, "10485760", "largest attached file of a report in bytes"),
	L(attachments_limit, 1, 1L << 30, "26214400", "largest total of a report's attached files in bytes"),
	L(attachments_max, 0, 1000, "20", "most files attached to one report"),
	L(intake_rate_limit, 0, 1000000, "60", "report submissions per minute per client (token bucket); 0 = no limit"),
	S(trusted_proxies, "", "addresses of reverse proxies whose X-Forwarded-For is believed, comma-separated"),
	L(intake_pow_bits, 0, 32, "0", "proof-of-work a submission must carry, in leading zero bits of SHA-256; 0 = none"),
	L(retention_days, 180, 36500, "180", "days received reports are kept before `log purge` may drop their text (>= 180, Art. 5)"),
	S(storage_cipher, "sm4-gcm", "cipher for report text and attachments at rest: sm4-gcm or aes-256-gcm"),
	L(sth_interval, 0, 86400, "3600", "seconds after which a quiet receipt log signs a fresh tree head; 0 = never"),
	L(test_clock, 0, 1, "0", "1: an administrator may move this server's clock (scenario tests only; never in production)"),
	L(case_list_limit, 1, 1000, "200", "the most cases or clocks one list request returns"),
	S(smtp_url, "", "SMTP relay for acknowledgements: smtp://HOST:PORT (STARTTLS if offered) or smtps://HOST:PORT; empty: send no mail"),
	S(smtp_from, "", "envelope sender and From address of the mail vulnflow sends"),
	S(smtp_user, "", "SMTP AUTH user name; empty: no authentication"),
	S(smtp_password, "", "SMTP AUTH password (sent only over TLS)"),
	L(mail_max_bytes, 1024, 1L << 30, "26214400", "largest e-mail `mail ingest` takes in, in bytes (larger ones are logged as rejected)"),
	S(escalation_webhook_url, "", "webhook the clock escalations (50 %, 80 %, overdue) are POSTed to, signed (http:// or https://); empty: none"),
	S(escalation_webhook_secret_ref, "", "where the escalation webhook's HMAC secret is: env:VULNFLOW_WEBHOOK_... or file:NAME (in the instance's secrets/)"),
	L(webhook_allow_private, 0, 1, "0", "1: webhooks may be delivered to loopback, private and link-local addresses (tests, inside networks); 0: public addresses only"),
	S(web_dir, "", "directory of the web UI (HTML, CSS, ES modules, i18n catalogs); empty: the source tree's web/"),
	S(disclosure_policy, "", "disclosure policy shown on the landing page; empty: the built-in text (zh-CN and en)"),
	S(safe_harbour, "", "safe-harbour statement shown on the landing page; empty: the built-in text (zh-CN and en)"),
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static const char *const roles[] = { "provider", "operator", "platform", "hub", "database",
				      NULL };

static int set_key(struct config *c, const struct key *k, const char *value, struct err *e)
{
	char *p = (char *)c + k->offset;

	if (k->type == K_STR) {
		if (strlen(value) >= k->size)
			return err_set(e, ERR_USAGE, "value of \"%s\" is too long", k->name);
		if (strcmp(k->name, "role") == 0) {
			int ok = 0;
			for (const char *const *r = roles; *r; r++)
				ok |= strcmp(*r, value) == 0;
			if (!ok)
				return err_set(e, ERR_USAGE,
					       "role \"%s\" is not provider, operator, platform, hub or "
					       "database",
					       value);
		}
		if (strcmp(k->name, "storage_cipher") == 0 && strcmp(value, "sm4-gcm") != 0 &&
		    strcmp(value, "aes-256-gcm") != 0)
			return err_set(e, ERR_USAGE,
				       "storage_cipher \"%s\" is not sm4-gcm or aes-256-gcm", value);
		memcpy(p, value, strlen(value) + 1);
		return 0;
	} else {
		char *end;
		long v;

		errno = 0;
		v = strtol(value, &end, 10);
		if (errno != 0 || end == value || *end != '\0')
			return err_set(e, ERR_USAGE, "value \"%s\" of \"%s\" is not an integer", value,
				       k->name);
		if (v < k->min || v > k->max)
			return err_set(e, ERR_USAGE, "value %ld of \"%s\" is outside %ld..%ld", v,
				       k->name, k->min, k->max);
		memcpy(p, &v, sizeof(v));
		return 0;
	}
}

static const struct key *find_key(const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

void config_defaults(struct config *c, const char *dir)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->dir, sizeof(c->dir), "%s", dir);
	for (size_t i = 0; i < NKEYS; i++)
		set_key(c, &keys[i], keys[i].def, NULL);
}

int config_set(struct config *c, const char *name, const char *value, struct err *e)
{
	const struct key *k = find_key(name);

	if (k == NULL)
		return err_set(e, ERR_USAGE, "unknown configuration key \"%s\"", name);
	return set_key(c, k, value, e);
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

int config_load_file(struct config *c, const char *path, struct err *e)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	int lineno = 0, rc = 0;

	if (f == NULL)
		return errno == ENOENT ? 0 : err_set(e, ERR_USAGE, "cannot read \"%s\": %s", path,
						     strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL) {
		char *s, *eq;
		struct err sub = ERR_INIT;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			rc = err_set(e, ERR_USAGE, "%s:%d: line too long", path, lineno);
			break;
		}
		s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		eq = strchr(s, '=');
		if (eq == NULL) {
			rc = err_set(e, ERR_USAGE, "%s:%d: expected \"key = value\"", path, lineno);
			break;
		}
		*eq = '\0';
		if (config_set(c, trim(s), trim(eq + 1), &sub) < 0) {
			rc = err_set(e, ERR_USAGE, "%s:%d: %s", path, lineno, sub.msg);
			break;
		}
	}
	fclose(f);
	return rc;
}

int config_apply_env(struct config *c, struct err *e)
{
	char var[64];

	for (size_t i = 0; i < NKEYS; i++) {
		const char *v;
		size_t j;

		snprintf(var, sizeof(var), "VULNFLOW_%s", keys[i].name);
		for (j = 9; var[j]; j++)
			var[j] = (char)toupper((unsigned char)var[j]);
		v = getenv(var);
		if (v != NULL && set_key(c, &keys[i], v, e) < 0) {
			char msg[sizeof(e->msg)];
			snprintf(msg, sizeof(msg), "%s", e->msg);
			return err_set(e, ERR_USAGE, "%s: %s", var, msg);
		}
	}
	return 0;
}

void config_db_url(const struct config *c, char *out, size_t n)
{
	if (strncmp(c->db, "sqlite:", 7) == 0 && c->db[7] != '/')
		snprintf(out, n, "sqlite:%s/%s", c->dir, c->db + 7);
	else
		snprintf(out, n, "%s", c->db);
}

int config_write_file(const struct config *c, const char *path, struct err *e)
{
	/* 0600: the database URL may hold a password */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	struct config def;

	if (f == NULL)
		return err_set(e, ERR_INTERNAL, "cannot create \"%s\": %s", path, strerror(errno));
	config_defaults(&def, c->dir);
	fprintf(f, "# vulnflow.conf - this instance's configuration (key = value).\n"
		   "# Every key can also be set by VULNFLOW_<KEY> in the environment or by a flag.\n"
		   "# `vulnflow serve --help` lists every key.\n\n");
	for (size_t i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];
		const char *p = (const char *)c + k->offset;
		const char *q = (const char *)&def + k->offset;
		int same = k->type == K_STR ? strcmp(p, q) == 0 : memcmp(p, q, sizeof(long)) == 0;

		fprintf(f, "# %s\n%s%s = ", k->help, same ? "#" : "", k->name);
		if (k->type == K_STR)
			fprintf(f, "%s\n\n", p);
		else
			fprintf(f, "%ld\n\n", *(const long *)(const void *)p);
	}
	if (fclose(f) != 0)
		return err_set(e, ERR_INTERNAL, "cannot write \"%s\": %s", path, strerror(errno));
	return 0;
}

void config_print_keys(void)
{
	printf("Configuration keys (vulnflow.conf, environment VULNFLOW_<KEY>):\n");
	for (size_t i = 0; i < NKEYS; i++)
		printf("  %-18s %s (default: %s)\n", keys[i].name, keys[i].help,
		       keys[i].def[0] ? keys[i].def : "empty");
}
