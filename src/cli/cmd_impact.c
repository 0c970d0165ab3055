/* cmd_impact.c - `vulnflow impact` (who is affected) and `vulnflow vex set|export`. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "service/impact.h"
#include "service/inventory.h"

static void impact_help(void)
{
	printf("Usage: vulnflow impact [--dir DIR] [--db URL] [--json] QUESTION\n\n"
	       "  --purl PURL [--vers VERS]   product versions (and their customers) with that\n"
	       "                              package in the range (default: the purl's version,\n"
	       "                              or every version)\n"
	       "  --advisory ID               the same for an imported advisory (e.g. an OSV id)\n"
	       "  --product NAME --version V [--model M]\n"
	       "                              every known vulnerability of that product version\n"
	       "  rematch                     recompute every stored match\n\n"
	       "  --json      print JSON\n"
	       "  --dir DIR   instance directory (default %s)\n"
	       "  --help      print this help\n", DEFAULT_DIR);
}

static void vex_help(void)
{
	printf("Usage: vulnflow vex SUBCOMMAND --product NAME --version V [OPTIONS]\n\n"
	       "  set --vulnerability ID --status STATUS [--justification J] [--detail TEXT]\n"
	       "        STATUS: affected, not_affected (needs a justification), fixed,\n"
	       "        under_investigation\n"
	       "  export [--format cyclonedx|csaf]   the version's VEX document\n\n"
	       "  --model M   when several products have the name\n"
	       "  --dir DIR   instance directory (default %s)\n"
	       "  --help      print this help\n", DEFAULT_DIR);
}

struct opts {
	struct common_opts o;
	const char *purl, *vers, *advisory, *product, *model, *version;
	const char *vulnerability, *status, *justification, *detail, *format;
};

static int parse(int argc, char **argv, int first, const char *cmd, struct opts *op,
		 void (*help)(void))
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'J' },
		{ "purl", required_argument, NULL, 'p' },
		{ "vers", required_argument, NULL, 'r' },
		{ "advisory", required_argument, NULL, 'a' },
		{ "product", required_argument, NULL, 'P' },
		{ "model", required_argument, NULL, 'm' },
		{ "version", required_argument, NULL, 'v' },
		{ "vulnerability", required_argument, NULL, 'V' },
		{ "status", required_argument, NULL, 's' },
		{ "justification", required_argument, NULL, 'j' },
		{ "detail", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	op->o.dir = DEFAULT_DIR;
	optind = 1;
	while ((c = getopt_long(argc - first, argv + first, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': op->o.dir = optarg; break;
		case 'b': op->o.db = optarg; break;
		case 'J': op->o.json = 1; break;
		case 'p': op->purl = optarg; break;
		case 'r': op->vers = optarg; break;
		case 'a': op->advisory = optarg; break;
		case 'P': op->product = optarg; break;
		case 'm': op->model = optarg; break;
		case 'v': op->version = optarg; break;
		case 'V': op->vulnerability = optarg; break;
		case 's': op->status = optarg; break;
		case 'j': op->justification = optarg; break;
		case 't': op->detail = optarg; break;
		case 'f': op->format = optarg; break;
		case 'h': help(); return 1;
		default: return cli_usage(cmd, "unknown option");
		}
	}
	if (optind < argc - first)
		return cli_usage(cmd, "unexpected argument \"%s\"", argv[first + optind]);
	return 0;
}

static void print_affected(json_t *out)
{
	json_t *v, *c;
	size_t i, j;

	json_array_foreach(json_object_get(out, "affected"), i, v) {
		printf("%s %s (product %lld)\n", json_string_value(json_object_get(v, "product")),
		       json_string_value(json_object_get(v, "version")),
		       (long long)json_integer_value(json_object_get(v, "product_id")));
		json_array_foreach(json_object_get(v, "components"), j, c)
			printf("  component %s %s\n", json_string_value(json_object_get(c, "name")),
			       json_string_value(json_object_get(c, "version")));
		json_array_foreach(json_object_get(v, "customers"), j, c)
			printf("  customer  %s (%s)\n", json_string_value(json_object_get(c, "name")),
			       json_string_value(json_object_get(c, "jurisdiction")));
	}
	printf("%lld product versions, %lld customer deployments affected\n",
	       (long long)json_integer_value(json_object_get(out, "product_versions")),
	       (long long)json_integer_value(json_object_get(out, "customer_deployments")));
}

static void print_vulns(json_t *out)
{
	json_t *v, *c;
	size_t i, j;

	json_array_foreach(json_object_get(out, "vulnerabilities"), i, v) {
		json_t *vex = json_object_get(v, "vex");

		printf("%s%s%s\n", json_string_value(json_object_get(v, "id")),
		       json_is_object(vex) ? " vex=" : "",
		       json_is_object(vex) ? json_string_value(json_object_get(vex, "status")) : "");
		json_array_foreach(json_object_get(v, "components"), j, c)
			printf("  %s %s\n", json_string_value(json_object_get(c, "name")),
			       json_string_value(json_object_get(c, "version")));
	}
	printf("%lld known vulnerabilities\n",
	       (long long)json_integer_value(json_object_get(out, "count")));
}

int cmd_impact(int argc, char **argv)
{
	struct opts op = { 0 };
	struct instance *in = NULL;
	struct actor a = cli_actor();
	struct err e = ERR_INIT;
	json_t *out = NULL;
	int rematch, rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		impact_help();
		return argc < 2 ? 2 : 0;
	}
	rematch = strcmp(argv[1], "rematch") == 0;
	rc = parse(argc, argv, rematch ? 1 : 0, "impact", &op, impact_help);
	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (!rematch && (op.purl != NULL) + (op.advisory != NULL) + (op.product != NULL) != 1)
		return cli_usage("impact", "give one of --purl, --advisory, --product");
	if (op.product && op.version == NULL)
		return cli_usage("impact", "--product needs --version");
	if (cli_open(&in, &op.o, 0, &e) < 0)
		return cli_fail(&e);
	if (rematch) {
		struct impact_stats st;

		rc = impact_rematch_all(in->db, &a, &st, &e);
		if (rc == 0)
			out = json_pack("{s:I, s:I, s:I, s:f}", "candidates", (json_int_t)st.candidates,
					"matches", (json_int_t)st.matches, "unparsable",
					(json_int_t)st.unparsable, "seconds", (double)st.us / 1e6);
		if (rc == 0 && !op.o.json)
			printf("%lld candidate pairs, %lld matches, %lld versions not comparable,"
			       " %.2f s\n", (long long)st.candidates, (long long)st.matches,
			       (long long)st.unparsable, (double)st.us / 1e6);
	} else if (op.product) {
		int64_t pid;

		rc = inventory_product_find(in->db, op.product, op.model, &pid, &e);
		if (rc == 0)
			rc = impact_version_vulnerabilities(in->db, pid, op.version, &out, &e);
		if (rc == 0 && !op.o.json)
			print_vulns(out);
	} else {
		rc = op.advisory ? impact_of_advisory(in->db, op.advisory, &out, &e)
				 : impact_query(in->db, op.purl, op.vers, &out, &e);
		if (rc == 0 && !op.o.json)
			print_affected(out);
	}
	if (rc == 0 && op.o.json) {
		cli_print_json(out);
		out = NULL;
	}
	json_decref(out);
	instance_close(in);
	return rc < 0 ? cli_fail(&e) : 0;
}

int cmd_vex(int argc, char **argv)
{
	struct opts op = { 0 };
	struct instance *in = NULL;
	struct actor a = cli_actor();
	struct err e = ERR_INIT;
	const char *sub;
	int64_t pid;
	int rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		vex_help();
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	rc = parse(argc, argv, 1, "vex", &op, vex_help);
	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (strcmp(sub, "set") != 0 && strcmp(sub, "export") != 0)
		return cli_usage("vex", "unknown subcommand \"%s\"", sub);
	if (op.product == NULL || op.version == NULL)
		return cli_usage("vex", "%s needs --product and --version", sub);
	if (strcmp(sub, "set") == 0 && (op.vulnerability == NULL || op.status == NULL))
		return cli_usage("vex", "set needs --vulnerability and --status");
	if (cli_open(&in, &op.o, 0, &e) < 0)
		return cli_fail(&e);
	rc = inventory_product_find(in->db, op.product, op.model, &pid, &e);
	if (rc == 0 && strcmp(sub, "set") == 0) {
		json_t *out;

		rc = impact_vex_set(in->db, &a, pid, op.version, op.vulnerability, op.status,
				    op.justification, op.detail, &out, &e);
		if (rc == 0)
			cli_print_json(out);
	} else if (rc == 0) {
		char *doc;

		rc = impact_vex_export(in->db, pid, op.version, op.format, &doc, &e);
		if (rc == 0) {
			printf("%s\n", doc);
			free(doc);
		}
	}
	instance_close(in);
	return rc < 0 ? cli_fail(&e) : 0;
}
