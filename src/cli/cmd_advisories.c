/* cmd_advisories.c - `vulnflow advisories import|list|show`: vulnerability data in. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/timefmt.h"
#include "cli/cli.h"
#include "service/advisories.h"
#include "service/impact.h"

static void help(void)
{
	printf("Usage: vulnflow advisories SUBCOMMAND [--dir DIR] [--db URL] [OPTIONS]\n\n"
	       "  import PATH    OSV records and CSAF 2.0 documents: a JSON file, a directory\n"
	       "                 (every *.json below it) or a zip (an OSV ecosystem export);\n"
	       "                 re-importing is idempotent; progress on stderr\n"
	       "  list           imported advisories\n"
	       "  show ID        one advisory with its ranges and what it affects (JSON)\n\n"
	       "  --quiet     no progress\n"
	       "  --verbose   one line per document on stderr\n"
	       "  --json      print JSON\n"
	       "  --dir DIR   instance directory (default %s)\n"
	       "  --help      print this help\n\n"
	       "Exit status 1 if any document could not be imported (the others are).\n",
	       DEFAULT_DIR);
}

struct progress {
	int quiet, verbose, tty;
	int64_t last_us;
};

static void progress(void *arg, const char *name, const struct advisories_stats *st, int rc,
		     const struct err *e)
{
	struct progress *p = arg;
	int64_t now;

	if (rc < 0 && !p->quiet)
		fprintf(stderr, "%svulnflow: %s: %s\n", p->tty ? "\r\033[K" : "", name, e->msg);
	else if (p->verbose)
		fprintf(stderr, "%s\n", name);
	if (p->quiet || p->verbose)
		return;
	now = time_mono_us();
	if (now - p->last_us < 500000)
		return;
	p->last_us = now;
	fprintf(stderr, "%s%lld documents: %lld new, %lld updated, %lld unchanged, %lld failed,"
		" %lld matches%s", p->tty ? "\r\033[K" : "", (long long)st->documents,
		(long long)st->created, (long long)st->updated, (long long)st->unchanged,
		(long long)st->failed, (long long)st->matches, p->tty ? "" : "\n");
	fflush(stderr);
}

int cmd_advisories(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'J' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct common_opts o = { .dir = DEFAULT_DIR };
	struct progress pr = { 0 };
	struct instance *in = NULL;
	struct actor a = cli_actor();
	struct err e = ERR_INIT;
	const char *sub, *arg = NULL;
	json_t *out = NULL;
	int c, rc;

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
		case 'J': o.json = 1; break;
		case 'q': pr.quiet = 1; break;
		case 'v': pr.verbose = 1; break;
		case 'h': help(); return 0;
		default: return cli_usage("advisories", "unknown option");
		}
	}
	if (optind < argc - 1)
		arg = argv[optind + 1];
	if (strcmp(sub, "import") && strcmp(sub, "list") && strcmp(sub, "show"))
		return cli_usage("advisories", "unknown subcommand \"%s\"", sub);
	if (strcmp(sub, "list") != 0 && arg == NULL)
		return cli_usage("advisories", "%s needs an argument", sub);
	if (cli_open(&in, &o, 0, &e) < 0)
		return cli_fail(&e);
	if (strcmp(sub, "import") == 0) {
		struct advisories_stats st;

		pr.tty = isatty(2);
		pr.last_us = time_mono_us();
		rc = advisories_import_path(in->db, &a, arg, progress, &pr, &st, &e);
		if (!pr.quiet && pr.tty)
			fprintf(stderr, "\r\033[K");
		if (rc == 0) {
			out = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "documents",
					(json_int_t)st.documents, "created", (json_int_t)st.created,
					"updated", (json_int_t)st.updated, "unchanged",
					(json_int_t)st.unchanged, "failed", (json_int_t)st.failed,
					"ranges", (json_int_t)st.ranges, "matches",
					(json_int_t)st.matches, "notes", (json_int_t)st.notes);
			if (!o.json)
				printf("%lld documents: %lld new, %lld updated, %lld unchanged, %lld"
				       " failed; %lld ranges, %lld new matches\n",
				       (long long)st.documents, (long long)st.created,
				       (long long)st.updated, (long long)st.unchanged,
				       (long long)st.failed, (long long)st.ranges,
				       (long long)st.matches);
			if (st.failed > 0)
				rc = 1;
		}
	} else if (strcmp(sub, "list") == 0) {
		rc = advisories_list(in->db, 0, 100000, &out, &e);
		if (rc == 0 && !o.json) {
			size_t i;
			json_t *x;

			json_array_foreach(out, i, x)
				printf("%-28s %-5s %s\n", json_string_value(json_object_get(x, "id")),
				       json_string_value(json_object_get(x, "source")),
				       json_string_value(json_object_get(x, "summary"))
					       ? json_string_value(json_object_get(x, "summary"))
					       : "");
		}
	} else {
		rc = impact_of_advisory(in->db, arg, &out, &e);
		o.json = 1;
	}
	if (out != NULL && json_is_array(out)) {
		size_t i;
		json_t *x;

		json_array_foreach(out, i, x)
			json_object_del(x, "_id");
	}
	if (rc >= 0 && o.json) {
		cli_print_json(out);
		out = NULL;
	}
	json_decref(out);
	instance_close(in);
	return rc < 0 ? cli_fail(&e) : rc;
}
