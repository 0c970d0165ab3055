/* cmd_party.c - `vulnflow supplier|customer import|list`: the upstream and downstream registries. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "service/party.h"

#define CSV_MAX ((size_t)64 << 20)

static void help(const char *cmd)
{
	int sup = strcmp(cmd, "supplier") == 0;

	printf("Usage: vulnflow %s SUBCOMMAND [--dir DIR] [--db URL] [--json]\n\n"
	       "  import FILE.csv|-   add or update %s from CSV with a header row:\n"
	       "                      %s\n"
	       "  list                the registry\n\n"
	       "  --json      print JSON\n"
	       "  --dir DIR   instance directory (default %s)\n"
	       "  --help      print this help\n\n"
	       "Exit status 1 if any row was refused (the others are imported).\n",
	       cmd, sup ? "suppliers" : "customers and their deployments",
	       sup ? "name,jurisdiction,contact_name,contact_email,contact_phone,packages"
		   : "customer,jurisdiction,contact_name,contact_email,contact_phone,product,"
		     "model,version",
	       DEFAULT_DIR);
}

static int run(int argc, char **argv, enum party_kind kind)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *cmd = kind == PARTY_SUPPLIER ? "supplier" : "customer";
	struct common_opts o = { .dir = DEFAULT_DIR };
	struct instance *in = NULL;
	struct actor a = cli_actor();
	struct err e = ERR_INIT;
	const char *sub, *arg = NULL;
	json_t *out = NULL;
	int c, rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		help(cmd);
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o.dir = optarg; break;
		case 'b': o.db = optarg; break;
		case 'J': o.json = 1; break;
		case 'h': help(cmd); return 0;
		default: return cli_usage(cmd, "unknown option");
		}
	}
	if (optind < argc - 1)
		arg = argv[optind + 1];
	if (strcmp(sub, "import") != 0 && strcmp(sub, "list") != 0)
		return cli_usage(cmd, "unknown subcommand \"%s\"", sub);
	if (strcmp(sub, "import") == 0 && arg == NULL)
		return cli_usage(cmd, "import needs a CSV FILE (or - for stdin)");
	if (cli_open(&in, &o, 0, &e) < 0)
		return cli_fail(&e);
	if (strcmp(sub, "import") == 0) {
		FILE *f = strcmp(arg, "-") == 0 ? stdin : fopen(arg, "re");
		struct buf b;
		char chunk[65536];
		size_t n;

		buf_init(&b, CSV_MAX);
		rc = 0;
		if (f == NULL)
			rc = err_set(&e, ERR_USAGE, "cannot open \"%s\"", arg);
		while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			if (buf_add(&b, chunk, n) < 0)
				rc = err_set(&e, ERR_TOO_LARGE, "\"%s\" is larger than %zu bytes", arg,
					     CSV_MAX);
		if (f != NULL && f != stdin)
			fclose(f);
		if (rc == 0)
			rc = party_import_csv(in->db, &a, kind, b.data ? b.data : "", b.len, &out, &e);
		buf_release(&b);
		if (rc == 0) {
			json_t *errs = json_object_get(out, "errors"), *x;
			size_t i;

			if (!o.json) {
				printf("%lld rows: %lld %ss created, %lld updated, %lld %s added\n",
				       (long long)json_integer_value(json_object_get(out, "rows")),
				       (long long)json_integer_value(json_object_get(out, "created")),
				       cmd,
				       (long long)json_integer_value(json_object_get(out, "updated")),
				       (long long)json_integer_value(json_object_get(
					       out, kind == PARTY_SUPPLIER ? "packages" : "deployments")),
				       kind == PARTY_SUPPLIER ? "package claims" : "deployments");
				json_array_foreach(errs, i, x)
					fprintf(stderr, "vulnflow: %s line %lld: %s\n", arg,
						(long long)json_integer_value(json_object_get(x, "line")),
						json_string_value(json_object_get(x, "message")));
			}
			if (json_array_size(errs) > 0)
				rc = 1;
		}
	} else {
		rc = kind == PARTY_SUPPLIER ? party_supplier_list(in->db, 0, 500, &out, &e)
					    : party_customer_list(in->db, 0, 500, &out, &e);
		if (rc == 0 && !o.json) {
			size_t i;
			json_t *x;

			json_array_foreach(out, i, x)
				printf("%-6lld %-40s %-3s %zu %s\n",
				       (long long)json_integer_value(json_object_get(x, "id")),
				       json_string_value(json_object_get(x, "name")),
				       json_string_value(json_object_get(x, "jurisdiction")),
				       json_array_size(json_object_get(
					       x, kind == PARTY_SUPPLIER ? "packages" : "deployments")),
				       kind == PARTY_SUPPLIER ? "packages" : "deployments");
		}
	}
	if (rc >= 0 && o.json) {
		cli_print_json(out);
		out = NULL;
	}
	json_decref(out);
	instance_close(in);
	return rc < 0 ? cli_fail(&e) : rc;
}

int cmd_supplier(int argc, char **argv)
{
	return run(argc, argv, PARTY_SUPPLIER);
}

int cmd_customer(int argc, char **argv)
{
	return run(argc, argv, PARTY_CUSTOMER);
}
