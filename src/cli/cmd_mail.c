/* cmd_mail.c - `vulnflow mail ingest`: reports by e-mail, from stdin (a pipe from the MTA) or a maildir. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/mem.h"
#include "cli/cli.h"
#include "service/intake.h"
#include "service/mail_in.h"
#include "service/mail_out.h"
#include "service/pgp.h"

#define SMTP_TIMEOUT 60   /* seconds for one acknowledgement */

static void help(void)
{
	printf("Usage: vulnflow mail ingest [--dir DIR] [--db URL] [--maildir MAILDIR] [--json]\n\n"
	       "Take in reports sent by e-mail: one message on standard input (as an MTA's\n"
	       "pipe delivers it), or every file in MAILDIR/new, each moved to MAILDIR/cur\n"
	       "once it is logged.  Each message is parsed (GMime), decrypted when it is\n"
	       "PGP/MIME or inline PGP for the organisation's key (`vulnflow pgp init`), and\n"
	       "submitted as a report; a message that is too large or not a message is\n"
	       "logged as rejected.  When smtp_url is set and the sender gave an address,\n"
	       "an acknowledgement with the receipt is mailed back (zh-CN and en).\n\n"
	       "Prints one line per message:\n"
	       "  accepted NAME report ID leaf N [decrypted|undecrypted] [ack sent|ack failed: WHY]\n"
	       "  rejected NAME leaf N: WHY\n"
	       "  failed NAME: WHY            (not logged; a maildir file stays in new/)\n"
	       "Exit 1 if any message failed.\n\n"
	       "  --dir DIR          instance directory (default %s)\n"
	       "  --db URL           database, overriding the configuration\n"
	       "  --maildir MAILDIR  take every message in MAILDIR/new instead of stdin\n"
	       "  --json             one JSON object per message instead of a line\n"
	       "  --help             print this help\n", DEFAULT_DIR);
}

struct ingest {
	struct instance *in;
	struct intake *it;
	struct pgp *pgp;
	int json;
};

/* Print the outcome of one message. */
static void report_line(const struct ingest *g, const char *name, const char *outcome,
			const struct intake_receipt *rc, const struct mail_in *m, const char *why,
			const char *ack)
{
	const char *pgp = m == NULL ? NULL
			  : m->pgp == MAIL_PGP_DECRYPTED ? "decrypted"
			  : m->pgp == MAIL_PGP_UNDECRYPTED ? "undecrypted" : NULL;

	if (g->json) {
		json_t *o = json_pack("{s:s, s:s}", "message", name, "outcome", outcome);

		if (rc != NULL) {
			json_object_set_new(o, "leaf_index", json_integer((json_int_t)rc->leaf_index));
			if (strcmp(outcome, "accepted") == 0)
				json_object_set_new(o, "report_id", json_integer(rc->id));
		}
		if (pgp != NULL)
			json_object_set_new(o, "pgp", json_string(pgp));
		if (m != NULL && m->pgp_error[0] != '\0')
			json_object_set_new(o, "pgp_error", json_string(m->pgp_error));
		if (why != NULL)
			json_object_set_new(o, "reason", json_string(why));
		if (ack != NULL)
			json_object_set_new(o, "ack", json_string(ack));
		cli_print_json(o);
		return;
	}
	if (strcmp(outcome, "accepted") == 0)
		printf("accepted %s report %lld leaf %llu%s%s%s%s\n", name, (long long)rc->id,
		       (unsigned long long)rc->leaf_index, pgp ? " " : "", pgp ? pgp : "",
		       ack ? " " : "", ack ? ack : "");
	else if (strcmp(outcome, "rejected") == 0)
		printf("rejected %s leaf %llu: %s\n", name, (unsigned long long)rc->leaf_index, why);
	else
		printf("failed %s: %s\n", name, why);
	if (m != NULL && m->pgp_error[0] != '\0')
		fprintf(stderr, "vulnflow: %s: not decrypted: %s\n", name, m->pgp_error);
	fflush(stdout);
}

/* Mail the receipt back; the outcome as shown on the line. */
static char *acknowledge(const struct ingest *g, const struct mail_in *m,
			 const struct intake_receipt *rc)
{
	const struct config *cfg = &g->in->cfg;
	struct mail_out_config c = {
		.url = cfg->smtp_url, .from = cfg->smtp_from, .user = cfg->smtp_user,
		.password = cfg->smtp_password, .timeout = SMTP_TIMEOUT,
	};
	struct err e = ERR_INIT;
	char out[320];

	if (cfg->smtp_url[0] == '\0' || m->report.reporter_email == NULL)
		return NULL;
	if (mail_out_receipt(&c, m->report.reporter_email, m->report.reporter_name,
			     m->message_id, rc, &e) < 0) {
		fprintf(stderr, "vulnflow: acknowledgement to %s not sent: %s\n",
			m->report.reporter_email, e.msg);
		snprintf(out, sizeof(out), "ack failed: %s", e.msg);
	} else {
		snprintf(out, sizeof(out), "ack sent");
	}
	return xstrdup(out);
}

/*
 * Take one message: raw[0..len) is what was read, total its whole size (more
 * than len when it was too large to read whole).  0 if it was logged,
 * accepted or rejected; -1 if it could not be (the caller keeps it).
 */
static int ingest_one(const struct ingest *g, const char *name, const unsigned char *raw,
		      size_t len, size_t total)
{
	const struct config *cfg = &g->in->cfg;
	struct mail_in_options o = { .max_bytes = (size_t)cfg->mail_max_bytes,
				     .limits = MIME_LIMITS_DEFAULT, .pgp = g->pgp };
	struct intake_receipt rc;
	struct mail_in *m = NULL;
	struct err e = ERR_INIT, le = ERR_INIT;
	enum intake_disposition d;
	char *ack;
	int ret = -1;

	o.limits.max_part_size = o.max_bytes * 2;
	o.limits.max_total = o.max_bytes * 2;
	if (total > o.max_bytes)
		err_set(&e, ERR_TOO_LARGE, "message of %zu bytes is over the limit of %zu bytes",
			total, o.max_bytes);
	else if (mail_in_parse(&m, raw, len, &o, &e) == 0 &&
		 intake_submit(g->it, INTAKE_EMAIL, &m->report, &rc, &e) == 0) {
		ack = acknowledge(g, m, &rc);
		report_line(g, name, "accepted", &rc, m, NULL, ack);
		free(ack);
		ret = 0;
		goto out;
	}
	if (e.code != ERR_INVALID && e.code != ERR_TOO_LARGE && e.code != ERR_MALFORMED) {
		report_line(g, name, "failed", NULL, m, e.msg, NULL);
		goto out;
	}
	d = e.code == ERR_TOO_LARGE ? INTAKE_REJECTED_TOO_LARGE : INTAKE_REJECTED_INVALID;
	if (intake_reject(g->it, INTAKE_EMAIL, d, raw, len, total, e.msg, &rc, &le) < 0) {
		char why[600];

		snprintf(why, sizeof(why), "%s; and it cannot be logged: %s", e.msg, le.msg);
		report_line(g, name, "failed", NULL, m, why, NULL);
		goto out;
	}
	report_line(g, name, "rejected", &rc, m, e.msg, NULL);
	ret = 0;
out:
	mail_in_free(m);
	return ret;
}

/* Read all of fd, keeping at most max bytes; *total counts everything. */
static int read_all(int fd, size_t max, struct buf *b, size_t *total, struct err *e)
{
	char chunk[65536];

	*total = 0;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_set(e, ERR_INTERNAL, "cannot read the message: %s", strerror(errno));
		if (n == 0)
			return 0;
		*total += (size_t)n;
		if (b->len < max)
			buf_add(b, chunk, (size_t)n < max - b->len ? (size_t)n : max - b->len);
	}
}

static int ingest_stdin(const struct ingest *g)
{
	struct buf b;
	size_t total;
	struct err e = ERR_INIT;
	int rc;

	buf_init(&b, (size_t)g->in->cfg.mail_max_bytes);
	if (read_all(0, (size_t)g->in->cfg.mail_max_bytes, &b, &total, &e) < 0) {
		buf_release(&b);
		report_line(g, "-", "failed", NULL, NULL, e.msg, NULL);
		return -1;
	}
	rc = ingest_one(g, "-", (const unsigned char *)(b.data ? b.data : ""), b.len, total);
	buf_release(&b);
	return rc;
}

static int skip_entry(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static int ingest_maildir(const struct ingest *g, const char *maildir)
{
	char path[4096], dest[4096];
	struct dirent **names = NULL;
	int n, failed = 0;

	snprintf(path, sizeof(path), "%s/new", maildir);
	n = scandir(path, &names, skip_entry, alphasort);
	if (n < 0) {
		fprintf(stderr, "vulnflow: cannot read \"%s\": %s\n", path, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/cur", maildir);
	if (mkdir(path, 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "vulnflow: cannot create \"%s\": %s\n", path, strerror(errno));
		failed = 1;
		goto out;
	}
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		struct err e = ERR_INIT;
		struct stat st;
		struct buf b;
		size_t total;
		int fd;

		snprintf(path, sizeof(path), "%s/new/%s", maildir, name);
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			if (fd >= 0)
				close(fd);
			err_set(&e, ERR_INTERNAL, "cannot open \"%s\" as a file", path);
			report_line(g, name, "failed", NULL, NULL, e.msg, NULL);
			failed = 1;
			continue;
		}
		buf_init(&b, (size_t)g->in->cfg.mail_max_bytes);
		if (read_all(fd, (size_t)g->in->cfg.mail_max_bytes, &b, &total, &e) < 0) {
			report_line(g, name, "failed", NULL, NULL, e.msg, NULL);
			failed = 1;
		} else if (ingest_one(g, name, (const unsigned char *)(b.data ? b.data : ""), b.len,
				      total) < 0) {
			failed = 1;
		} else {
			snprintf(dest, sizeof(dest), "%s/cur/%s%s", maildir, name,
				 strstr(name, ":2,") ? "" : ":2,S");
			if (rename(path, dest) < 0) {
				fprintf(stderr, "vulnflow: %s was logged but cannot be moved to "
						"cur/: %s (it would be taken in again)\n",
					name, strerror(errno));
				failed = 1;
			}
		}
		close(fd);
		buf_release(&b);
	}
out:
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return failed ? -1 : 0;
}

int cmd_mail(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'b' },
		{ "maildir", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct common_opts co = { .dir = DEFAULT_DIR };
	struct ingest g = { 0 };
	const char *maildir = NULL;
	struct err e = ERR_INIT;
	int c, rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		help();
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "ingest") != 0)
		return cli_usage("mail", "unknown subcommand \"%s\"", argv[1]);
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': co.dir = optarg; break;
		case 'b': co.db = optarg; break;
		case 'm': maildir = optarg; break;
		case 'J': g.json = 1; break;
		case 'h': help(); return 0;
		default: return cli_usage("mail", "unknown option");
		}
	}
	if (optind < argc - 1)
		return cli_usage("mail", "unexpected argument \"%s\"", argv[optind + 1]);
	if (cli_open(&g.in, &co, 1, &e) < 0)
		return cli_fail(&e);
	if (intake_start(&g.it, g.in, &e) < 0) {
		instance_close(g.in);
		return cli_fail(&e);
	}
	if (pgp_open(&g.pgp, g.in->cfg.dir, &e) < 0) {
		fprintf(stderr, "vulnflow: encrypted mail will not be decrypted: %s\n", e.msg);
		g.pgp = NULL;
	}
	rc = maildir != NULL ? ingest_maildir(&g, maildir) : ingest_stdin(&g);
	pgp_close(g.pgp);
	intake_stop(g.it);
	instance_close(g.in);
	return rc < 0 ? 1 : 0;
}
