/* cmd_cwe.c - `vulnflow cwe ID`: a CWE entry from the embedded MITRE catalogue. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "rules/cwe.h"
#include "service/scoring.h"

static void help(void)
{
	char provenance[256];

	cwe_provenance(provenance, sizeof(provenance));
	printf("Usage: vulnflow cwe [--json] ID\n\n"
	       "Look up a CWE weakness, category or view (\"CWE-79\" or \"79\") in the catalogue\n"
	       "built into vulnflow (%zu entries; %s).\n\n"
	       "Prints \"CWE-ID NAME\"; a deprecated entry is marked, since cases may not use it.\n\n"
	       "  --json   print every field (kind, status, MITRE's usage guidance, names)\n"
	       "  --help   print this help\n", cwe_count(), provenance);
}

int cmd_cwe(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct err e = ERR_INIT;
	json_t *j;
	int json = 0, c, id;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'J': json = 1; break;
		case 'h': help(); return 0;
		default: return cli_usage("cwe", "unknown option");
		}
	}
	if (optind != argc - 1)
		return cli_usage("cwe", "give one CWE id");
	if (cwe_parse(argv[optind], &id) < 0)
		return cli_usage("cwe", "\"%s\" is not a CWE id (CWE-79 or 79)", argv[optind]);
	if (scoring_cwe(id, &j, &e) < 0)
		return cli_fail(&e);
	if (json) {
		cli_print_json(j);
		return 0;
	}
	printf("%s %s%s\n", json_string_value(json_object_get(j, "ref")),
	       json_string_value(json_object_get(j, "name_en")),
	       json_is_true(json_object_get(j, "valid")) ? "" : " (deprecated: not for use)");
	json_decref(j);
	return 0;
}
