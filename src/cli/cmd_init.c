/* cmd_init.c - `vulnflow init`: create an instance directory and its first administrator. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>

#include "cli/cli.h"

static void help(void)
{
	printf("Usage: vulnflow init [--dir DIR] [--db URL] [--json] [OPTIONS]\n\n"
	       "Create a self-contained instance directory: vulnflow.conf, keys/ (storage key,\n"
	       "Ed25519 signing key) and, unless --db names another database, a SQLite\n"
	       "database.  Prints the first administrator's e-mail and one-time password.\n\n"
	       "  --dir DIR             instance directory (default %s)\n"
	       "  --db URL              sqlite:PATH or postgresql://... (default SQLite in DIR)\n"
	       "  --admin-email EMAIL   first administrator (default admin@vulnflow.local)\n"
	       "  --org NAME            first organisation (default \"Default organisation\")\n"
	       "  --jurisdiction CC     its country code, ISO 3166-1 alpha-2 (default CN)\n"
	       "  --role ROLE           provider, operator, platform, hub or database (default provider)\n"
	       "  --log-hash ALG        receipt-log hash: sm3 (default) or sha256 (fixed for the\n"
	       "                        life of the log)\n"
	       "  --log-sig ALG         tree-head signatures: sm2 (default) or ed25519\n"
	       "  --cipher ALG          report text at rest: sm4-gcm (default) or aes-256-gcm\n"
	       "  --json                print {\"admin_email\",\"admin_password\",\"dir\",\"db\"}\n"
	       "  --help                print this help\n", DEFAULT_DIR);
}

int cmd_init(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'b' },
		{ "admin-email", required_argument, NULL, 'a' },
		{ "org", required_argument, NULL, 'o' },
		{ "jurisdiction", required_argument, NULL, 'j' },
		{ "role", required_argument, NULL, 'r' },
		{ "log-hash", required_argument, NULL, 'H' },
		{ "log-sig", required_argument, NULL, 'S' },
		{ "cipher", required_argument, NULL, 'C' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct init_options o = { .dir = DEFAULT_DIR };
	struct init_result res;
	struct err e = ERR_INIT;
	int json = 0, c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o.dir = optarg; break;
		case 'b': o.db_url = optarg; break;
		case 'a': o.admin_email = optarg; break;
		case 'o': o.org_name = optarg; break;
		case 'j': o.jurisdiction = optarg; break;
		case 'r': o.role = optarg; break;
		case 'H': o.log_hash = optarg; break;
		case 'S': o.log_sig = optarg; break;
		case 'C': o.cipher = optarg; break;
		case 'J': json = 1; break;
		case 'h': help(); return 0;
		default: return cli_usage("init", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage("init", "unexpected argument \"%s\"", argv[optind]);
	if (instance_init(&o, &res, &e) < 0)
		return cli_fail(&e);
	if (json) {
		cli_print_json(json_pack("{s:s, s:s, s:s, s:s}", "admin_email", res.admin_email,
					 "admin_password", res.admin_password, "dir", o.dir, "db",
					 res.db_url));
		return 0;
	}
	printf("vulnflow: instance created in %s (database %s)\n"
	       "  first administrator: %s\n"
	       "  one-time password:   %s   (you will be asked to change it at first login)\n",
	       o.dir, res.db_url, res.admin_email, res.admin_password);
	return 0;
}
