/* cmd_token.c - `vulnflow token create|list|revoke`. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timefmt.h"
#include "cli/cli.h"

static void help(void)
{
	printf("Usage: vulnflow token SUBCOMMAND [--dir DIR] [--db URL] [OPTIONS]\n\n"
	       "  create --user EMAIL [--name N] [--role R] [--expires RFC3339] [--json]\n"
	       "      create an API token (use as `Authorization: Bearer TOKEN`); the secret\n"
	       "      is printed once and stored only as a hash\n"
	       "  list --user EMAIL [--json]   list a user's tokens\n"
	       "  revoke --id ID               revoke a token\n\n"
	       "  --dir DIR   instance directory (default %s)\n"
	       "  --help      print this help\n", DEFAULT_DIR);
}

static int print_token(void *arg, const struct api_token *t)
{
	int json = *(int *)arg;
	char created[TIMEFMT_LEN];

	time_format_utc(t->created_at, created);
	if (json)
		cli_print_json(json_pack("{s:I, s:s, s:s, s:b, s:s}", "id", (json_int_t)t->id, "name",
					 t->name, "role", t->role, "revoked", t->revoked_at != 0,
					 "created_at", created));
	else
		printf("%-6lld %-30s %-12s %-8s %s\n", (long long)t->id, t->name, t->role,
		       t->revoked_at ? "revoked" : "live", created);
	return 0;
}

int cmd_token(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'b' },
		{ "user", required_argument, NULL, 'u' },
		{ "name", required_argument, NULL, 'n' },
		{ "role", required_argument, NULL, 'r' },
		{ "expires", required_argument, NULL, 'x' },
		{ "id", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct common_opts o = { .dir = DEFAULT_DIR };
	const char *sub, *email = NULL, *name = "cli", *role = NULL, *expires = NULL;
	long long id = 0;
	int64_t exp_us = 0;
	struct instance *in;
	struct actor a = cli_actor();
	struct user u;
	struct err e = ERR_INIT;
	int c, rc = -1;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		help();
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o.dir = optarg; break;
		case 'b': o.db = optarg; break;
		case 'u': email = optarg; break;
		case 'n': name = optarg; break;
		case 'r': role = optarg; break;
		case 'x': expires = optarg; break;
		case 'i': id = atoll(optarg); break;
		case 'J': o.json = 1; break;
		case 'h': help(); return 0;
		default: return cli_usage("token", "unknown option");
		}
	}
	if (optind < argc - 1)
		return cli_usage("token", "unexpected argument \"%s\"", argv[optind + 1]);
	if (strcmp(sub, "create") && strcmp(sub, "list") && strcmp(sub, "revoke"))
		return cli_usage("token", "unknown subcommand \"%s\"", sub);
	if (strcmp(sub, "revoke") == 0 ? id <= 0 : email == NULL)
		return cli_usage("token", strcmp(sub, "revoke") == 0 ? "revoke needs --id"
								     : "%s needs --user", sub);
	if (expires != NULL && time_parse_rfc3339(expires, &exp_us) < 0)
		return cli_usage("token", "--expires \"%s\" is not an RFC 3339 time", expires);
	if (cli_open(&in, &o, 1, &e) < 0)
		return cli_fail(&e);
	if (strcmp(sub, "revoke") == 0) {
		rc = account_token_revoke(in->db, &a, id, 0, &e);
		if (rc == 0)
			printf("vulnflow: token %lld revoked\n", id);
	} else if (account_user_by_email(in->db, email, &u, &e) == 0) {
		if (strcmp(sub, "list") == 0) {
			rc = account_token_list(in->db, u.id, print_token, &o.json, &e);
		} else {
			char secret[CRYPTO_TOKEN_LEN];
			struct api_token t;
			rc = account_token_create(in->db, &a, u.id, name, role, exp_us, secret, &t, &e);
			if (rc == 0 && o.json)
				cli_print_json(json_pack("{s:s, s:I, s:s}", "token", secret, "id",
							 (json_int_t)t.id, "role", t.role));
			else if (rc == 0)
				printf("%s\n", secret);
		}
	}
	instance_close(in);
	return rc < 0 ? cli_fail(&e) : 0;
}
