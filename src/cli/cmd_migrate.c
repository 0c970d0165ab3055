/* cmd_migrate.c - `vulnflow migrate`: apply pending database migrations. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "store/store_schema.h"

static void help(void)
{
	printf("Usage: vulnflow migrate [--dir DIR] [--db URL] [--json]\n\n"
	       "Apply every migration newer than the database's schema_version.  `serve`\n"
	       "does this on start too; migrations are safe to run while it serves.\n\n"
	       "  --dir DIR   instance directory (default %s)\n"
	       "  --db URL    database, overriding the instance's configuration\n"
	       "  --json      print {\"applied\",\"version\",\"backend\"}\n"
	       "  --help      print this help\n", DEFAULT_DIR);
}

int cmd_migrate(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct common_opts o = { .dir = DEFAULT_DIR };
	struct instance *in;
	struct err e = ERR_INIT;
	int applied, c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o.dir = optarg; break;
		case 'b': o.db = optarg; break;
		case 'J': o.json = 1; break;
		case 'h': help(); return 0;
		default: return cli_usage("migrate", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage("migrate", "unexpected argument \"%s\"", argv[optind]);
	if (cli_open(&in, &o, 0, &e) < 0)
		return cli_fail(&e);
	if (store_schema_migrate(in->db, &applied, &e) < 0) {
		instance_close(in);
		return cli_fail(&e);
	}
	if (o.json)
		cli_print_json(json_pack("{s:i, s:i, s:s}", "applied", applied, "version",
					 store_schema_latest(db_kind(in->db)), "backend",
					 db_kind_name(db_kind(in->db))));
	else
		printf("vulnflow: %d migration(s) applied; schema version %d (%s)\n", applied,
		       store_schema_latest(db_kind(in->db)), db_kind_name(db_kind(in->db)));
	instance_close(in);
	return 0;
}
