/* cmd_case.c - `vulnflow case ...` and `vulnflow clocks`: cases and their legal clocks from the command line. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timefmt.h"
#include "cli/cli.h"
#include "service/cases.h"
#include "service/intake.h"

static void help(void)
{
	printf("Usage: vulnflow case SUBCOMMAND [--dir DIR] [--db URL] [OPTIONS]\n\n"
	       "  list [--state S] [--phase P] [--limit N] [--json]     cases, newest first\n"
	       "  show ID                                              one case (JSON)\n"
	       "  create [--report ID]... [--title T] [--json-body FILE]\n"
	       "                       open a case from received reports (merged into one)\n"
	       "  update ID --json-body FILE      change fields (the API's PATCH body)\n"
	       "  transition ID --to STATE [--reason R] [--duplicate-of ID]\n"
	       "  clocks ID                       the case's obligation clocks\n"
	       "  authority-report ID [--format json|html|text]   the Art. 7(2) report\n"
	       "  dossier ID [--format json|html]                 the compliance dossier\n"
	       "  verify ID                       recompute the state from the events\n\n"
	       "Usage: vulnflow clocks [--state pending|met|missed] [--due-before RFC3339]\n"
	       "                       [--limit N] [--json]\n"
	       "       every case's clocks by due time (times in Asia/Shanghai)\n\n"
	       "The command acts as the CLI (it sees every case; its changes are audited\n"
	       "with the actor \"cli\").\n"
	       "  --dir DIR   instance directory (default %s)\n"
	       "  --help      print this help\n", DEFAULT_DIR);
}

static json_t *read_json_file(const char *path, struct err *e)
{
	json_error_t je;
	json_t *v = strcmp(path, "-") == 0 ? json_loadf(stdin, JSON_REJECT_DUPLICATES, &je)
					   : json_load_file(path, JSON_REJECT_DUPLICATES, &je);

	if (v == NULL)
		err_set(e, ERR_USAGE, "\"%s\": %s (line %d)", path, je.text, je.line);
	else if (!json_is_object(v)) {
		json_decref(v);
		v = NULL;
		err_set(e, ERR_USAGE, "\"%s\" is not a JSON object", path);
	}
	return v;
}

static void print_pretty(json_t *v)
{
	char *text = json_dumps(v, JSON_INDENT(2) | JSON_SORT_KEYS);

	printf("%s\n", text);
	free(text);
}

static void print_clocks(json_t *items, int with_case)
{
	size_t i;
	json_t *c;

	json_array_foreach(items, i, c) {
		if (with_case)
			printf("case %-6lld ", (long long)json_integer_value(json_object_get(c, "case_id")));
		printf("%-26s %-9s due %s\n", json_string_value(json_object_get(c, "id")),
		       json_string_value(json_object_get(c, "state")),
		       json_string_value(json_object_get(c, "due_at_local")));
	}
}

struct case_opts {
	struct common_opts o;
	const char *state, *phase, *to, *reason, *title, *body, *format, *due_before;
	json_t *reports;
	int64_t dup;
	int limit;
};

static int run(struct cases *cs, const char *sub, const char *arg, struct case_opts *co)
{
	struct case_actor a = { cli_actor(), ROLE_ADMIN };
	struct err e = ERR_INIT;
	json_t *out = NULL, *body = NULL, *missing = NULL;
	char *text = NULL;
	int64_t id = arg ? atoll(arg) : 0;
	int rc = -1;

	if (strcmp(sub, "list") == 0) {
		struct case_list_query q = { .state = co->state, .phase = co->phase,
					     .actively_exploited = -1, .limit = co->limit };

		rc = cases_list(cs, &a, &q, &out, &e);
		if (rc == 0 && !co->o.json) {
			size_t i;
			json_t *c;

			json_array_foreach(json_object_get(out, "items"), i, c)
				printf("%-6lld %-19s %-9s %s\n",
				       (long long)json_integer_value(json_object_get(c, "id")),
				       json_string_value(json_object_get(c, "state")),
				       json_string_value(json_object_get(c, "severity"))
					       ? json_string_value(json_object_get(c, "severity")) : "-",
				       json_string_value(json_object_get(c, "title")));
			json_decref(out);
			out = NULL;
		}
	} else if (strcmp(sub, "show") == 0) {
		rc = cases_get(cs, &a, id, &out, &e);
	} else if (strcmp(sub, "create") == 0) {
		body = co->body ? read_json_file(co->body, &e) : json_object();
		if (body) {
			if (co->reports)
				json_object_set(body, "report_ids", co->reports);
			if (co->title)
				json_object_set_new(body, "title", json_string(co->title));
			rc = cases_create(cs, &a, body, &out, &e);
		}
	} else if (strcmp(sub, "update") == 0) {
		if (co->body == NULL)
			return cli_usage("case update", "--json-body FILE is required");
		body = read_json_file(co->body, &e);
		if (body)
			rc = cases_patch(cs, &a, id, body, &out, &e);
	} else if (strcmp(sub, "transition") == 0) {
		if (co->to == NULL)
			return cli_usage("case transition", "--to STATE is required");
		body = json_pack("{s:s,s:s?}", "to", co->to, "reason", co->reason);
		if (co->dup)
			json_object_set_new(body, "duplicate_of", json_integer(co->dup));
		rc = cases_transition(cs, &a, id, body, &out, &missing, &e);
		if (rc < 0 && missing) {
			char *m = json_dumps(missing, JSON_COMPACT);

			fprintf(stderr, "vulnflow: missing: %s\n", m);
			free(m);
			json_decref(missing);
		}
	} else if (strcmp(sub, "clocks") == 0) {
		rc = cases_clocks(cs, &a, id, &out, &e);
		if (rc == 0 && !co->o.json) {
			print_clocks(json_object_get(out, "clocks"), 0);
			json_decref(out);
			out = NULL;
		}
	} else if (strcmp(sub, "authority-report") == 0) {
		rc = cases_authority_report(cs, &a, id, co->format, &out, &text, &e);
	} else if (strcmp(sub, "dossier") == 0) {
		rc = cases_dossier(cs, &a, id, co->format, &out, &text, &e);
	} else if (strcmp(sub, "verify") == 0) {
		int ok;

		rc = cases_replay_check(cs, id, &ok, &e);
		if (rc == 0) {
			printf("case %lld: %s\n", (long long)id,
			       ok ? "the state is what its events lead to"
				  : "the stored state differs from what its events lead to");
			rc = ok ? 0 : 1;
			json_decref(body);
			return rc;
		}
	} else {
		return cli_usage("case", "unknown subcommand \"%s\"", sub);
	}
	json_decref(body);
	if (rc < 0)
		return cli_fail(&e);
	if (text) {
		fputs(text, stdout);
		free(text);
	} else if (out) {
		if (co->o.json)
			cli_print_json(out);
		else
			print_pretty(out);
		if (co->o.json)
			out = NULL;
	}
	json_decref(out);
	return 0;
}

static int main_common(int argc, char **argv, int clocks_cmd)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'J' },
		{ "state", required_argument, NULL, 's' },
		{ "phase", required_argument, NULL, 'p' },
		{ "limit", required_argument, NULL, 'l' },
		{ "report", required_argument, NULL, 'r' },
		{ "title", required_argument, NULL, 't' },
		{ "json-body", required_argument, NULL, 'B' },
		{ "to", required_argument, NULL, 'T' },
		{ "reason", required_argument, NULL, 'R' },
		{ "duplicate-of", required_argument, NULL, 'D' },
		{ "format", required_argument, NULL, 'f' },
		{ "due-before", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct case_opts co = { .o = { .dir = DEFAULT_DIR }, .limit = 50 };
	const char *sub = clocks_cmd ? "clocks-all" : NULL, *arg = NULL;
	struct instance *in = NULL;
	struct intake *it = NULL;
	struct cases *cs = NULL;
	struct err e = ERR_INIT;
	int c, rc, shift = clocks_cmd ? 0 : 1;

	if (!clocks_cmd) {
		if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
			help();
			return argc < 2 ? 2 : 0;
		}
		sub = argv[1];
	}
	optind = 1;
	while ((c = getopt_long(argc - shift, argv + shift, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': co.o.dir = optarg; break;
		case 'b': co.o.db = optarg; break;
		case 'J': co.o.json = 1; break;
		case 's': co.state = optarg; break;
		case 'p': co.phase = optarg; break;
		case 'l': co.limit = atoi(optarg); break;
		case 'r':
			if (co.reports == NULL)
				co.reports = json_array();
			json_array_append_new(co.reports, json_integer(atoll(optarg)));
			break;
		case 't': co.title = optarg; break;
		case 'B': co.body = optarg; break;
		case 'T': co.to = optarg; break;
		case 'R': co.reason = optarg; break;
		case 'D': co.dup = atoll(optarg); break;
		case 'f': co.format = optarg; break;
		case 'u': co.due_before = optarg; break;
		case 'h': help(); json_decref(co.reports); return 0;
		default: json_decref(co.reports); return cli_usage(clocks_cmd ? "clocks" : "case",
								    "unknown option");
		}
	}
	if (optind < argc - shift)
		arg = argv[optind + shift];
	if (!clocks_cmd && strcmp(sub, "list") && strcmp(sub, "create") && arg == NULL) {
		json_decref(co.reports);
		return cli_usage("case", "\"%s\" needs a case id", sub);
	}
	if (co.limit < 1 || co.limit > 1000) {
		json_decref(co.reports);
		return cli_usage(clocks_cmd ? "clocks" : "case", "--limit must be 1..1000");
	}
	if (cli_open(&in, &co.o, 0, &e) < 0 || intake_start(&it, in, &e) < 0 ||
	    cases_open(&cs, in, it, &e) < 0) {
		intake_stop(it);
		instance_close(in);
		json_decref(co.reports);
		return cli_fail(&e);
	}
	if (clocks_cmd) {
		struct case_actor a = { cli_actor(), ROLE_ADMIN };
		struct clock_query q = { .state = co.state, .limit = co.limit };
		json_t *out = NULL;

		rc = 0;
		if (co.due_before && time_parse_rfc3339(co.due_before, &q.due_before) < 0)
			rc = cli_usage("clocks", "--due-before must be RFC 3339");
		else if (cases_clocks_list(cs, &a, &q, &out, &e) < 0)
			rc = cli_fail(&e);
		else if (co.o.json)
			cli_print_json(out);
		else {
			print_clocks(json_object_get(out, "items"), 1);
			json_decref(out);
		}
	} else {
		rc = run(cs, sub, arg, &co);
	}
	json_decref(co.reports);
	cases_close(cs);
	intake_stop(it);
	instance_close(in);
	return rc;
}

int cmd_case(int argc, char **argv)
{
	return main_common(argc, argv, 0);
}

int cmd_clocks(int argc, char **argv)
{
	return main_common(argc, argv, 1);
}
