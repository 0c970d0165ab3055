/* cmd_platform.c - `vulnflow platform ...`: filing, the hub's registry, the provider directory,
 * routing. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "service/fed_platform.h"
#include "service/federation.h"
#include "service/intake.h"

static void help(void)
{
	printf(
	    "Usage: vulnflow platform filing set --file FILING.json\n"
	    "       vulnflow platform filing show\n"
	    "       vulnflow platform registry\n"
	    "       vulnflow platform provider add --name N --pattern GLOB [--pattern GLOB ...]\n"
	    "                                      (--peer KEY_ID | --email ADDR) [--jurisdiction "
	    "CC]\n"
	    "                                      [--min-level 1|2|3]\n"
	    "       vulnflow platform provider list [--all]\n"
	    "       vulnflow platform provider remove ID\n"
	    "       vulnflow platform route REPORT_ID [--provider ID]\n"
	    "       vulnflow platform routed [--report ID]\n\n"
	    "A collection platform (role platform) and its hub (Art. 10, Art. 7 note).\n"
	    "  filing set     keep a new version of this platform's filing data (a JSON object:\n"
	    "                 name, url, icp_number, sponsor, responsible, contact, rules, ...;\n"
	    "                 docs/api.md) and queue it to the hub peer (sent by `vulnflow "
	    "serve`)\n"
	    "  filing show    the newest version, its envelope's delivery state and the hub's\n"
	    "                 review (pending, accepted, or returned with a note)\n"
	    "  registry       on a hub: the filed platforms, each one's newest accepted version\n"
	    "                 (what /registry.json publishes; `vulnflow hub review`)\n"
	    "  provider add   a provider directory entry: GLOB patterns on the product name\n"
	    "                 (case-insensitive), a provider peer or an e-mail address;\n"
	    "                 --min-level: the lowest researcher level that sees it and may\n"
	    "                 designate it as the program of a report (default 1: open)\n"
	    "  provider list  the directory (--all: removed entries too)\n"
	    "  route          route a received report to its product's provider (the overseas\n"
	    "                 guard of Art. 9(7) applies); without --provider, the program its\n"
	    "                 reporter designated, else the one entry whose pattern matches the\n"
	    "                 product name\n"
	    "  routed         routed reports (of one report with --report) and their status\n\n"
	    "  --dir DIR   instance directory (default %s)\n"
	    "  --db URL    database URL (overrides the configuration)\n"
	    "  --json      print JSON\n"
	    "  --help      print this help\n",
	    DEFAULT_DIR);
}

static json_t *load_file(const char *path, struct err *e)
{
	json_error_t je;
	json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);

	if (j == NULL)
		err_set(e, ERR_INVALID, "\"%s\": %s (line %d)", path, je.text, je.line);
	return j;
}

static int64_t parse_id(const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	return *end == '\0' && v > 0 ? v : -1;
}

int cmd_platform(int argc, char **argv)
{
	static const struct option longopts[] = {{"dir", required_argument, NULL, 'd'},
						 {"db", required_argument, NULL, 'b'},
						 {"file", required_argument, NULL, 'f'},
						 {"name", required_argument, NULL, 'n'},
						 {"pattern", required_argument, NULL, 'p'},
						 {"peer", required_argument, NULL, 'P'},
						 {"email", required_argument, NULL, 'm'},
						 {"jurisdiction", required_argument, NULL, 'j'},
						 {"provider", required_argument, NULL, 'v'},
						 {"min-level", required_argument, NULL, 'L'},
						 {"report", required_argument, NULL, 'r'},
						 {"all", no_argument, NULL, 'a'},
						 {"json", no_argument, NULL, 'J'},
						 {"help", no_argument, NULL, 'h'},
						 {0}};
	struct common_opts o = {DEFAULT_DIR, NULL, 0};
	struct fed_provider_input pi = {0};
	struct instance *in = NULL;
	struct intake *it = NULL;
	struct federation *f = NULL;
	struct fed_options fo = {.workers = (unsigned)-1};
	struct actor a = cli_actor();
	struct err e = ERR_INIT;
	const char *file = NULL, *sub, *sub2 = NULL;
	json_t *patterns = json_array(), *out = NULL, *doc = NULL;
	int64_t provider = 0, report = 0, id = 0;
	int c, all = 0, rc = -1, need_intake = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o.dir = optarg;
			break;
		case 'b':
			o.db = optarg;
			break;
		case 'f':
			file = optarg;
			break;
		case 'n':
			pi.name = optarg;
			break;
		case 'p':
			json_array_append_new(patterns, json_string(optarg));
			break;
		case 'P':
			pi.peer = optarg;
			break;
		case 'm':
			pi.email = optarg;
			break;
		case 'j':
			pi.jurisdiction = optarg;
			break;
		case 'v':
			if ((provider = parse_id(optarg)) < 0)
				goto usage_id;
			break;
		case 'L':
			if (strlen(optarg) != 1 || optarg[0] < '1' || optarg[0] > '3') {
				json_decref(patterns);
				return cli_usage("platform", "--min-level takes 1, 2 or 3");
			}
			pi.min_level = optarg[0] - '0';
			break;
		case 'r':
			if ((report = parse_id(optarg)) < 0)
				goto usage_id;
			break;
		case 'a':
			all = 1;
			break;
		case 'J':
			o.json = 1;
			break;
		case 'h':
			help();
			json_decref(patterns);
			return 0;
		default:
			json_decref(patterns);
			return cli_usage("platform", "unknown option");
		}
	}
	if (optind >= argc) {
		json_decref(patterns);
		return cli_usage("platform",
				 "missing subcommand (filing, registry, provider, route "
				 "or routed)");
	}
	sub = argv[optind++];
	if (strcmp(sub, "filing") == 0 || strcmp(sub, "provider") == 0) {
		if (optind >= argc) {
			json_decref(patterns);
			return cli_usage("platform", "%s needs a subcommand", sub);
		}
		sub2 = argv[optind++];
	}
	if ((strcmp(sub, "filing") == 0 && strcmp(sub2, "set") && strcmp(sub2, "show")) ||
	    (strcmp(sub, "provider") == 0 && strcmp(sub2, "add") && strcmp(sub2, "list") &&
	     strcmp(sub2, "remove")) ||
	    (strcmp(sub, "filing") && strcmp(sub, "provider") && strcmp(sub, "registry") &&
	     strcmp(sub, "route") && strcmp(sub, "routed"))) {
		json_decref(patterns);
		return cli_usage("platform", "unknown subcommand \"%s%s%s\"", sub, sub2 ? " " : "",
				 sub2 ? sub2 : "");
	}
	if (strcmp(sub, "route") == 0 || (sub2 && strcmp(sub2, "remove") == 0)) {
		if (optind + 1 != argc || (id = parse_id(argv[optind])) < 0) {
			json_decref(patterns);
			return cli_usage("platform", "%s takes one numeric ID", sub2 ? sub2 : sub);
		}
	} else if (optind < argc) {
		json_decref(patterns);
		return cli_usage("platform", "unexpected argument \"%s\"", argv[optind]);
	}
	if (sub2 && strcmp(sub2, "set") == 0 && file == NULL) {
		json_decref(patterns);
		return cli_usage("platform", "filing set needs --file");
	}
	if (sub2 && strcmp(sub2, "add") == 0 &&
	    (pi.name == NULL || json_array_size(patterns) == 0)) {
		json_decref(patterns);
		return cli_usage("platform", "provider add needs --name and --pattern");
	}
	pi.patterns = patterns;
	need_intake = strcmp(sub, "route") == 0 || (sub2 && strcmp(sub2, "set") == 0);
	if (cli_open(&in, &o, 1, &e) < 0)
		goto fail;
	if (need_intake &&
	    (intake_start(&it, in, &e) < 0 || federation_start(&f, in, it, &fo, &e) < 0))
		goto fail;
	if (sub2 && strcmp(sub2, "set") == 0) {
		if ((doc = load_file(file, &e)) == NULL)
			goto fail;
		rc = fed_filing_put(in, f, doc, 0, &out, &e);
	} else if (sub2 && strcmp(sub2, "show") == 0) {
		rc = fed_filing_get(in, NULL, &out, &e);
	} else if (strcmp(sub, "registry") == 0) {
		rc = fed_registry_json(in, &out, &e);
	} else if (sub2 && strcmp(sub2, "add") == 0) {
		rc = fed_provider_add(in, &pi, &out, &e);
	} else if (sub2 && strcmp(sub2, "list") == 0) {
		rc = fed_provider_list(in, all, &out, &e);
	} else if (sub2 && strcmp(sub2, "remove") == 0) {
		rc = fed_provider_remove(in, id, &out, &e);
	} else if (strcmp(sub, "route") == 0) {
		rc = fed_route_report(in, it, f, &a, id, provider, &out, &e);
	} else {
		rc = fed_routed_list(in, report, 50, &out, &e);
	}
	if (rc < 0)
		goto fail;
	/* one JSON document either way: these records are nested */
	if (o.json)
		cli_print_json(out);
	else {
		char *s = json_dumps(out, JSON_INDENT(2) | JSON_SORT_KEYS);

		printf("%s\n", s ? s : "");
		free(s);
		json_decref(out);
	}
	rc = 0;
	goto done;
fail:
	rc = cli_fail(&e);
done:
	json_decref(doc);
	json_decref(patterns);
	federation_stop(f);
	intake_stop(it);
	instance_close(in);
	return rc;
usage_id:
	json_decref(patterns);
	return cli_usage("platform", "--provider and --report take a numeric id");
}
