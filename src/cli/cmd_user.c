/* cmd_user.c - `vulnflow user add|list|passwd|disable|enable`. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timefmt.h"
#include "cli/cli.h"

static void help(void)
{
	printf("Usage: vulnflow user SUBCOMMAND [--dir DIR] [--db URL] [OPTIONS]\n\n"
	       "  add --email E --role R [--name N] [--org-id ID] [--totp-required]\n"
	       "        [--password-stdin] [--json]\n"
	       "      create a user; prints a one-time password unless --password-stdin\n"
	       "      roles: reporter, analyst, coordinator, admin, auditor\n"
	       "  list [--json]                list users\n"
	       "  passwd --email E [--password-stdin]\n"
	       "      reset a password (default: a new one-time password, printed)\n"
	       "  disable --email E            disable a user (ends sessions, revokes tokens)\n"
	       "  enable --email E             enable a disabled user\n\n"
	       "  --dir DIR   instance directory (default %s)\n"
	       "  --help      print this help\n", DEFAULT_DIR);
}

struct user_opts {
	struct common_opts c;
	const char *email, *role, *name;
	long long org_id;
	int totp_required;
	int password_stdin;
};

static int read_password(char *out, size_t n, struct err *e)
{
	size_t len;

	if (fgets(out, (int)n, stdin) == NULL)
		return err_set(e, ERR_USAGE, "no password on standard input");
	len = strcspn(out, "\r\n");
	out[len] = '\0';
	return 0;
}

static int print_user(void *arg, const struct user *u)
{
	int json = *(int *)arg;
	char created[TIMEFMT_LEN];

	time_format_utc(u->created_at, created);
	if (json)
		cli_print_json(json_pack("{s:I, s:s, s:s, s:s, s:b, s:b, s:s}", "id",
					 (json_int_t)u->id, "email", u->email, "name", u->name,
					 "role", u->role, "disabled", u->disabled, "totp_enabled",
					 u->totp_enabled, "created_at", created));
	else
		printf("%-6lld %-40s %-12s %-9s %s\n", (long long)u->id, u->email, u->role,
		       u->disabled ? "disabled" : "active", created);
	return 0;
}

static int do_add(struct instance *in, const struct user_opts *o, struct err *e)
{
	struct actor a = cli_actor();
	struct new_user nu = { .email = o->email, .role = o->role, .name = o->name,
			       .org_id = o->org_id, .totp_required = o->totp_required };
	char pw[PASSWORD_MAX + 2], otp[24];
	struct user u;

	if (o->email == NULL || o->role == NULL)
		return err_set(e, ERR_USAGE, "user add needs --email and --role");
	if (o->password_stdin) {
		if (read_password(pw, sizeof(pw), e) < 0)
			return -1;
		nu.password = pw;
	}
	if (account_user_create(in->db, &a, &nu, &u, otp, e) < 0)
		return -1;
	if (o->c.json) {
		cli_print_json(json_pack("{s:I, s:s, s:s, s:s?}", "id", (json_int_t)u.id, "email",
					 u.email, "role", u.role, "one_time_password",
					 otp[0] ? otp : NULL));
	} else {
		printf("vulnflow: user %s (%s) created, id %lld\n", u.email, u.role, (long long)u.id);
		if (otp[0])
			printf("  one-time password: %s\n", otp);
	}
	return 0;
}

static int do_passwd(struct instance *in, const struct user_opts *o, struct err *e)
{
	struct actor a = cli_actor();
	struct user u;
	char pw[PASSWORD_MAX + 2];
	int one_time = !o->password_stdin;

	if (o->email == NULL)
		return err_set(e, ERR_USAGE, "user passwd needs --email");
	if (account_user_by_email(in->db, o->email, &u, e) < 0)
		return -1;
	if (o->password_stdin) {
		if (read_password(pw, sizeof(pw), e) < 0)
			return -1;
	} else {
		crypto_password_generate(pw);
	}
	if (account_password_set(in->db, &a, u.id, NULL, pw, one_time, e) < 0)
		return -1;
	if (one_time)
		printf("vulnflow: password of %s reset\n  one-time password: %s\n", u.email, pw);
	else
		printf("vulnflow: password of %s set\n", u.email);
	return 0;
}

static int do_disable(struct instance *in, const struct user_opts *o, int disabled,
		      struct err *e)
{
	struct actor a = cli_actor();
	struct user_patch p = { .disabled = disabled, .totp_required = -1 };
	struct user u;

	if (o->email == NULL)
		return err_set(e, ERR_USAGE, "user %s needs --email", disabled ? "disable" : "enable");
	if (account_user_by_email(in->db, o->email, &u, e) < 0 ||
	    account_user_update(in->db, &a, u.id, &p, &u, e) < 0)
		return -1;
	printf("vulnflow: user %s %s\n", u.email, disabled ? "disabled" : "enabled");
	return 0;
}

int cmd_user(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'b' },
		{ "email", required_argument, NULL, 'e' },
		{ "role", required_argument, NULL, 'r' },
		{ "name", required_argument, NULL, 'n' },
		{ "org-id", required_argument, NULL, 'o' },
		{ "totp-required", no_argument, NULL, 't' },
		{ "password-stdin", no_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct user_opts o = { .c = { .dir = DEFAULT_DIR } };
	const char *sub;
	struct instance *in;
	struct err e = ERR_INIT;
	int c, rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		help();
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o.c.dir = optarg; break;
		case 'b': o.c.db = optarg; break;
		case 'e': o.email = optarg; break;
		case 'r': o.role = optarg; break;
		case 'n': o.name = optarg; break;
		case 'o': o.org_id = atoll(optarg); break;
		case 't': o.totp_required = 1; break;
		case 'p': o.password_stdin = 1; break;
		case 'J': o.c.json = 1; break;
		case 'h': help(); return 0;
		default: return cli_usage("user", "unknown option");
		}
	}
	if (optind < argc - 1)
		return cli_usage("user", "unexpected argument \"%s\"", argv[optind + 1]);
	if (strcmp(sub, "add") && strcmp(sub, "list") && strcmp(sub, "passwd") &&
	    strcmp(sub, "disable") && strcmp(sub, "enable"))
		return cli_usage("user", "unknown subcommand \"%s\"", sub);
	if (cli_open(&in, &o.c, 1, &e) < 0)
		return cli_fail(&e);
	if (strcmp(sub, "add") == 0)
		rc = do_add(in, &o, &e);
	else if (strcmp(sub, "list") == 0)
		rc = account_user_list(in->db, 0, 1000000, print_user, &o.c.json, &e);
	else if (strcmp(sub, "passwd") == 0)
		rc = do_passwd(in, &o, &e);
	else
		rc = do_disable(in, &o, strcmp(sub, "disable") == 0, &e);
	instance_close(in);
	return rc < 0 ? cli_fail(&e) : 0;
}
