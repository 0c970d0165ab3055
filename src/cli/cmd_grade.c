/* cmd_grade.c - `vulnflow grade VECTOR`: GB/T 30279-2020 technical and comprehensive grades. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "service/scoring.h"

static void help(void)
{
	printf("Usage: vulnflow grade [--json] VECTOR\n\n"
	       "Grade a vulnerability by GB/T 30279-2020's indicators, written in vulnflow's\n"
	       "notation (not the standard's):\n\n"
	       "  AP:N/TR:L/PR:N/UI:N/C:S/I:S/A:S[/EC:L/RD:H/SC:H]\n\n"
	       "  AP access path       N network, A adjacent, L local, P physical\n"
	       "  TR trigger           L low, H high\n"
	       "  PR privileges        N none, L low, H high\n"
	       "  UI interaction       N not required, R required\n"
	       "  C, I, A impact       S severe, M moderate, N none\n"
	       "  EC cost of exploitation, RD difficulty of repair, SC impact scope (all or none)\n\n"
	       "Prints the technical grade (and the comprehensive grade when EC, RD, SC are\n"
	       "given): 超危 critical, 高危 high, 中危 medium, 低危 low.\n\n"
	       "PROVISIONAL: the standard's Annex A-E tables were not available; the built-in\n"
	       "tables are vulnflow placeholders, and every grade computed from them is marked\n"
	       "provisional.  See docs/internals/gbt30279.md.\n\n"
	       "  --json   print every level, the grades, \"provisional\" and the tables' source\n"
	       "  --help   print this help\n");
}

int cmd_grade(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct gbt30279_result r;
	json_t *j;
	struct err e = ERR_INIT;
	int json = 0, c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'J': json = 1; break;
		case 'h': help(); return 0;
		default: return cli_usage("grade", "unknown option");
		}
	}
	if (optind != argc - 1)
		return cli_usage("grade", "give one VECTOR");
	if (scoring_grade(argv[optind], strlen(argv[optind]), &r, &j, &e) < 0)
		return cli_fail(&e);
	if (json) {
		cli_print_json(j);
		return 0;
	}
	json_decref(j);
	printf("technical grade:     %s %s%s\n", r.technical.zh, r.technical.en,
	       r.provisional ? " (provisional)" : "");
	if (r.has_environment)
		printf("comprehensive grade: %s %s%s\n", r.comprehensive.zh, r.comprehensive.en,
		       r.provisional ? " (provisional)" : "");
	if (r.provisional)
		printf("provisional: %s\n", r.source);
	return 0;
}
