/* cmd_vers.c - `vulnflow vers`: compare versions, test containment in a vers
 * range, print a range's canonical form, convert a native range. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "rules/vers.h"

static void help(void)
{
	printf("Usage: vulnflow vers compare SCHEME A B\n"
	       "       vulnflow vers contains VERS VERSION\n"
	       "       vulnflow vers canonical [--strict] [--simplify] VERS\n"
	       "       vulnflow vers from-native SCHEME RANGE\n\n"
	       "Version ranges in package-url's \"vers:\" notation (\"vers:npm/>=1.0.0|<2.0.0\")\n"
	       "and version comparison by each ecosystem's own rules.\n\n"
	       "Schemes: semver npm cargo golang nuget pypi maven deb rpm alpm apk (alpine)\n"
	       "gentoo (ebuild) gem conan openssl nginx datetime lexicographic intdot generic\n"
	       "all none.\n\n"
	       "Every subcommand takes --help.  An invalid version or range prints\n"
	       "\"vulnflow: MESSAGE\" and exits 1; a usage error exits 2.\n");
}

static int fail(const struct err *e)
{
	return cli_fail(e);
}

static int sub_compare(int argc, char **argv)
{
	struct err e = ERR_INIT;
	int r;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("Usage: vulnflow vers compare SCHEME A B\n\n"
		       "Print -1, 0 or 1 as version A sorts before, equal to or after version B\n"
		       "by SCHEME's rules (\"vulnflow vers compare deb 1:1.0 2.0\" prints 1).\n");
		return 0;
	}
	if (argc != 4)
		return cli_usage("vers compare", "give SCHEME, A and B");
	if (vers_compare(&r, argv[1], argv[2], argv[3], &e) < 0)
		return fail(&e);
	printf("%d\n", r);
	return 0;
}

static int sub_contains(int argc, char **argv)
{
	struct err e = ERR_INIT;
	struct vers *v;
	int in, ret;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("Usage: vulnflow vers contains VERS VERSION\n\n"
		       "Print true if VERSION is in the range VERS, else false, by the vers\n"
		       "specification's containment algorithm.  VERS is normalised first (spaces,\n"
		       "order); it must be valid: one version per constraint, comparators in a\n"
		       "valid sequence.\n");
		return 0;
	}
	if (argc != 3)
		return cli_usage("vers contains", "give VERS and VERSION");
	if (vers_parse(&v, argv[1], 0, &e) < 0)
		return fail(&e);
	ret = vers_contains(&in, v, argv[2], &e) < 0 ? fail(&e) : 0;
	if (ret == 0)
		printf("%s\n", in ? "true" : "false");
	vers_free(v);
	return ret;
}

static int sub_canonical(int argc, char **argv)
{
	static const struct option longopts[] = {{"strict", no_argument, NULL, 's'},
						 {"simplify", no_argument, NULL, 'S'},
						 {"help", no_argument, NULL, 'h'},
						 {0}};
	struct err e = ERR_INIT;
	struct vers *v;
	int strict = 0, simplify = 0, c;
	char *s;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			strict = 1;
			break;
		case 'S':
			simplify = 1;
			break;
		case 'h':
			printf("Usage: vulnflow vers canonical [--strict] [--simplify] VERS\n\n"
			       "Print the canonical form of VERS: lower-case type, no spaces, "
			       "constraints\n"
			       "sorted by version, versions percent-encoded only where needed.\n\n"
			       "  --strict    fail unless VERS already is canonical\n"
			       "  --simplify  also drop duplicate and redundant constraints, then "
			       "check\n"
			       "              that the range is valid\n"
			       "  --help      print this help\n");
			return 0;
		default:
			return cli_usage("vers canonical", "unknown option");
		}
	}
	if (optind != argc - 1)
		return cli_usage("vers canonical", "give one VERS");
	if (vers_parse(&v, argv[optind], strict ? VERS_STRICT : 0, &e) < 0)
		return fail(&e);
	/* parsing is syntactic: the versions must be the scheme's too */
	for (size_t i = 0; i < vers_count(v); i++) {
		if (vers_op_at(v, i) != VERS_OP_STAR &&
		    vers_check_version(vers_type(v), vers_version_at(v, i), &e) < 0) {
			vers_free(v);
			return fail(&e);
		}
	}
	if (simplify) {
		vers_simplify(v);
		if (vers_validate(v, &e) < 0) {
			vers_free(v);
			return fail(&e);
		}
	}
	s = vers_canonical(v);
	printf("%s\n", s);
	free(s);
	vers_free(v);
	return 0;
}

static int sub_from_native(int argc, char **argv)
{
	struct err e = ERR_INIT;
	char *s;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("Usage: vulnflow vers from-native SCHEME RANGE\n\n"
		       "Convert an ecosystem's own range notation to a canonical vers:\n"
		       "  npm      \"^1.2 || >=3 <4\", \"~1.2.3\", \"1.x\", \"1.0.0 - 2.0.0\"\n"
		       "  pypi     \">=1.0,!=1.3.*\", \"~=2.2\", \"==1.*\"\n"
		       "  gem      \"~> 2.0.8, != 2.0.9\"\n"
		       "  nuget    \"[1.0,2.0)\", \"1.0\" (at least 1.0)\n"
		       "  maven    \"[1.0,2.0),[3.0,)\"\n"
		       "  conan    \">1 <2.0 || ^3.2\", \"~2.5\"\n"
		       "  openssl  \"1.0.1b, 3.0.0\"\n"
		       "  nginx    \"0.7.52-0.8.39\", \"1.5.0+, 1.4.1+\", \"all\"\n");
		return 0;
	}
	if (argc != 3)
		return cli_usage("vers from-native", "give SCHEME and RANGE");
	if (vers_from_native(&s, argv[1], argv[2], &e) < 0)
		return fail(&e);
	printf("%s\n", s);
	free(s);
	return 0;
}

int cmd_vers(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage("vers",
				 "give a subcommand: compare, contains, canonical, from-native");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		help();
		return 0;
	}
	if (strcmp(argv[1], "compare") == 0)
		return sub_compare(argc - 1, argv + 1);
	if (strcmp(argv[1], "contains") == 0)
		return sub_contains(argc - 1, argv + 1);
	if (strcmp(argv[1], "canonical") == 0)
		return sub_canonical(argc - 1, argv + 1);
	if (strcmp(argv[1], "from-native") == 0)
		return sub_from_native(argc - 1, argv + 1);
	return cli_usage("vers", "unknown subcommand \"%s\"", argv[1]);
}
