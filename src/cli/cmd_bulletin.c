/* cmd_bulletin.c - `vulnflow advisory ...`: our advisories and the Art. 9 gate from the
 * command line (thin over service/bulletins.h, like `vulnflow case`). */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "formats/csaf_out.h"
#include "formats/osv_out.h"
#include "service/account.h"
#include "service/bulletins.h"
#include "service/cases.h"
#include "service/intake.h"
#include "store/store_user.h"

static void help(void)
{
	printf("Usage: vulnflow advisory SUBCOMMAND [--dir DIR] [--db URL] [OPTIONS]\n\n"
	       "Our published advisories (\"bulletins\"; imported ones are `vulnflow advisories`).\n\n"
	       "  list [--state S] [--limit N] [--json]     advisories, newest first\n"
	       "  draft CASE_ID [--json-body FILE] [--vendor V]\n"
	       "                       draft the case's advisory (or a new revision of its draft)\n"
	       "  show ID                                  one advisory (JSON), e.g. VF-2026-0001\n"
	       "  update ID --json-body FILE               a new revision (the API's PATCH body)\n"
	       "  gate ID                                  dry run of the publication gate\n"
	       "  publish ID [--at RFC3339] [--cancel]     publish if every gate rule passes, or\n"
	       "                                           schedule it (the gate runs again then)\n"
	       "  approve ID --user EMAIL [--comment C]    a coordinator's approval (two_person)\n"
	       "  export ID [--format csaf|csaf-vex|osv] [--lang zh-CN|en]\n"
	       "                       the advisory as CSAF 2.0 (default) or OSV, on stdout\n"
	       "                       (default language: the advisory's, zh-CN when its title\n"
	       "                       has zh-CN text; publishing stores it for the feeds)\n\n"
	       "The command acts as the CLI (it sees every advisory; its changes are audited with\n"
	       "the actor \"cli\"); approve acts as the user named by --user, whose role must be\n"
	       "coordinator or admin.  Exit 1 when the gate refuses (publish) or fails (gate).\n"
	       "  --dir DIR   instance directory (default %s)\n"
	       "  --json      compact JSON output\n"
	       "  --help      print this help\n", DEFAULT_DIR);
}

static json_t *read_body(const char *path, struct err *e)
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

struct adv_opts {
	struct common_opts o;
	const char *state, *body, *vendor, *at, *user, *comment, *format, *lang;
	int cancel, limit;
};

static void print_gate(json_t *report)
{
	size_t i, j;
	json_t *r, *m;

	printf("%s revision %lld: %s (at %s)\n",
	       json_string_value(json_object_get(report, "advisory")),
	       (long long)json_integer_value(json_object_get(report, "revision")),
	       json_is_true(json_object_get(report, "passed")) ? "passes" : "refused",
	       json_string_value(json_object_get(report, "evaluated_at_local")));
	json_array_foreach(json_object_get(report, "rules"), i, r) {
		printf("  %-26s %s", json_string_value(json_object_get(r, "rule")),
		       json_is_true(json_object_get(r, "passed")) ? "passed" : "FAILED");
		json_array_foreach(json_object_get(r, "missing"), j, m)
			printf("%s%s", j ? ", " : "  missing: ",
			       json_string_value(json_object_get(m, "id")));
		if (json_array_size(json_object_get(r, "findings")) > 0)
			printf("  (%zu finding(s))", json_array_size(json_object_get(r, "findings")));
		printf("\n");
	}
}

static int run(struct bulletins *bs, struct instance *in, const char *sub, const char *arg,
	       struct adv_opts *ao)
{
	struct case_actor a = { cli_actor(), ROLE_ADMIN };
	struct err e = ERR_INIT;
	json_t *out = NULL, *body = NULL, *refused = NULL;
	int rc = -1, created, exit_code = 0;

	if (strcmp(sub, "list") == 0) {
		struct bulletin_list_query q = { .state = ao->state, .limit = ao->limit };

		rc = bulletins_list(bs, &a, &q, &out, &e);
		if (rc == 0 && !ao->o.json) {
			size_t i;
			json_t *b;

			json_array_foreach(json_object_get(out, "items"), i, b) {
				json_t *t = json_object_get(b, "title");
				const char *title = json_string_value(json_object_get(t, "zh-CN"));

				if (title == NULL)
					title = json_string_value(json_object_get(t, "en"));
				printf("%-14s %-10s case %-6lld %s\n",
				       json_string_value(json_object_get(b, "id")),
				       json_string_value(json_object_get(b, "state")),
				       (long long)json_integer_value(json_object_get(b, "case_id")),
				       title ? title : "-");
			}
			json_decref(out);
			return 0;
		}
	} else if (strcmp(sub, "draft") == 0) {
		body = ao->body ? read_body(ao->body, &e) : json_object();
		if (body) {
			if (ao->vendor)
				json_object_set_new(body, "vendor", json_string(ao->vendor));
			rc = bulletins_draft(bs, &a, atoll(arg), body, &out, &created, &e);
		}
	} else if (strcmp(sub, "show") == 0) {
		rc = bulletins_get(bs, &a, arg, &out, &e);
	} else if (strcmp(sub, "update") == 0) {
		if (ao->body == NULL)
			return cli_usage("advisory", "update needs --json-body FILE");
		body = read_body(ao->body, &e);
		if (body)
			rc = bulletins_patch(bs, &a, arg, body, &out, &e);
	} else if (strcmp(sub, "gate") == 0) {
		rc = bulletins_gate(bs, &a, arg, &out, &e);
		if (rc == 0) {
			exit_code = json_is_true(json_object_get(out, "passed")) ? 0 : 1;
			if (!ao->o.json) {
				print_gate(out);
				json_decref(out);
				return exit_code;
			}
		}
	} else if (strcmp(sub, "publish") == 0) {
		body = json_object();
		if (ao->at)
			json_object_set_new(body, "at", json_string(ao->at));
		if (ao->cancel)
			json_object_set_new(body, "cancel", json_true());
		rc = bulletins_publish(bs, &a, arg, body, &out, &refused, &e);
		if (rc < 0 && refused) {
			json_t *rep = json_pack("{s:s,s:b,s:o}", "advisory", arg, "passed", 0,
						"rules", refused);

			fprintf(stderr, "vulnflow: %s\n", e.msg);
			if (ao->o.json)
				cli_print_json(rep);
			else {
				print_gate(rep);
				json_decref(rep);
			}
			json_decref(body);
			return 1;
		}
	} else if (strcmp(sub, "approve") == 0) {
		struct user u;
		struct case_actor ua;

		if (ao->user == NULL)
			return cli_usage("advisory", "approve needs --user EMAIL (the approver)");
		if (account_user_by_email(in->db, ao->user, &u, &e) == 0) {
			ua.a = cli_actor();
			ua.a.user_id = u.id;
			ua.a.name = u.email;
			ua.role = role_from_name(u.role);
			body = json_object();
			if (ao->comment)
				json_object_set_new(body, "comment", json_string(ao->comment));
			rc = bulletins_approve(bs, &ua, arg, body, &out, &e);
		}
	} else if (strcmp(sub, "export") == 0) {
		const char *fmt = ao->format ? ao->format : "csaf";
		struct bulletin_doc *d;
		char *doc = NULL;
		size_t n;

		if (strcmp(fmt, "csaf") && strcmp(fmt, "csaf-vex") && strcmp(fmt, "osv"))
			return cli_usage("advisory", "--format must be csaf, csaf-vex or osv");
		if (bulletins_load(&d, bs, &a, arg, ao->lang, &e) < 0)
			return cli_fail(&e);
		rc = strcmp(fmt, "osv") == 0 ? osv_export(&doc, &n, &d->b, ao->lang, &e)
		   : strcmp(fmt, "csaf") == 0 ? csaf_export(&doc, &n, &d->b, ao->lang, &e)
		   : csaf_vex_export(&doc, &n, &d->b, ao->lang, &e);
		bulletin_doc_free(d);
		if (rc < 0)
			return cli_fail(&e);
		fwrite(doc, 1, n, stdout);
		putchar('\n');
		free(doc);
		return 0;
	} else {
		return cli_usage("advisory", "unknown subcommand \"%s\"", sub);
	}
	json_decref(body);
	if (rc < 0)
		return cli_fail(&e);
	if (ao->o.json)
		cli_print_json(out);
	else {
		char *text = json_dumps(out, JSON_INDENT(2) | JSON_SORT_KEYS);

		printf("%s\n", text);
		free(text);
		json_decref(out);
	}
	return exit_code;
}

int cmd_bulletin(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'J' },
		{ "state", required_argument, NULL, 's' },
		{ "limit", required_argument, NULL, 'l' },
		{ "json-body", required_argument, NULL, 'B' },
		{ "vendor", required_argument, NULL, 'v' },
		{ "at", required_argument, NULL, 'a' },
		{ "cancel", no_argument, NULL, 'c' },
		{ "user", required_argument, NULL, 'u' },
		{ "comment", required_argument, NULL, 'C' },
		{ "format", required_argument, NULL, 'f' },
		{ "lang", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct adv_opts ao = { .o = { .dir = DEFAULT_DIR }, .limit = 50 };
	const char *sub, *arg = NULL;
	struct instance *in = NULL;
	struct intake *it = NULL;
	struct cases *cs = NULL;
	struct bulletins *bs = NULL;
	struct err e = ERR_INIT;
	int c, rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		help();
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': ao.o.dir = optarg; break;
		case 'b': ao.o.db = optarg; break;
		case 'J': ao.o.json = 1; break;
		case 's': ao.state = optarg; break;
		case 'l': ao.limit = atoi(optarg); break;
		case 'B': ao.body = optarg; break;
		case 'v': ao.vendor = optarg; break;
		case 'a': ao.at = optarg; break;
		case 'c': ao.cancel = 1; break;
		case 'u': ao.user = optarg; break;
		case 'C': ao.comment = optarg; break;
		case 'f': ao.format = optarg; break;
		case 'L': ao.lang = optarg; break;
		case 'h': help(); return 0;
		default: return cli_usage("advisory", "unknown option");
		}
	}
	if (optind < argc - 1)
		arg = argv[optind + 1];
	if (strcmp(sub, "list") && arg == NULL)
		return cli_usage("advisory", "\"%s\" needs %s", sub,
				 strcmp(sub, "draft") == 0 ? "a case id" : "an advisory id");
	if (ao.limit < 1 || ao.limit > 500)
		return cli_usage("advisory", "--limit must be 1..500");
	if (cli_open(&in, &ao.o, 0, &e) < 0 || intake_start(&it, in, &e) < 0 ||
	    cases_open(&cs, in, it, &e) < 0 || bulletins_open(&bs, in, cs, &e) < 0) {
		cases_close(cs);
		intake_stop(it);
		instance_close(in);
		return cli_fail(&e);
	}
	rc = run(bs, in, sub, arg, &ao);
	bulletins_close(bs);
	cases_close(cs);
	intake_stop(it);
	instance_close(in);
	return rc;
}
