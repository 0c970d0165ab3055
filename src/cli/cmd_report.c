/* cmd_report.c - `vulnflow report submit|list|show|spam`: the intake channel from the command line. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "service/intake.h"
#include "store/store_report.h"

static void help(void)
{
	printf("Usage: vulnflow report SUBCOMMAND [--dir DIR] [--db URL] [OPTIONS]\n\n"
	       "  submit FILE.json|-   submit a report in the API's JSON format (docs/api.md);\n"
	       "                       prints the signed receipt (JSON) once it is durably logged\n"
	       "  list [--status received|spam|rejected] [--limit N] [--json]\n"
	       "                       the intake queue, newest first\n"
	       "  show ID              one report with its text (JSON; the read is audited)\n"
	       "  spam ID --reason R   mark a report spam (it stays in the receipt log)\n"
	       "  unspam ID            put it back in the queue\n\n"
	       "  --dir DIR   instance directory (default %s)\n"
	       "  --help      print this help\n", DEFAULT_DIR);
}

static int read_all(const char *path, struct buf *b, struct err *e)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
	char chunk[65536];
	size_t n;

	if (f == NULL)
		return err_set(e, ERR_USAGE, "cannot open \"%s\"", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf_add(b, chunk, n) < 0) {
			if (f != stdin)
				fclose(f);
			return err_set(e, ERR_TOO_LARGE, "\"%s\" is larger than the intake limit", path);
		}
	}
	if (f != stdin)
		fclose(f);
	return 0;
}

static int do_submit(struct intake *it, struct instance *in, const char *path)
{
	struct intake_parsed *p = NULL;
	struct intake_receipt r;
	struct buf b;
	struct err e = ERR_INIT;
	int rc;

	buf_init(&b, (size_t)in->cfg.intake_body_limit);
	if (read_all(path, &b, &e) < 0) {
		buf_release(&b);
		return cli_fail(&e);
	}
	rc = intake_parse_json(&p, b.data ? b.data : "", b.len, &e);
	if (rc == 0)
		rc = intake_submit(it, INTAKE_CLI, &p->report, &r, &e);
	intake_parsed_free(p);
	if (rc < 0 && e.code != ERR_INTERNAL && e.code != ERR_UNAVAILABLE) {
		struct intake_receipt rj;
		struct err e2 = ERR_INIT;

		if (intake_reject(it, INTAKE_CLI, e.code == ERR_TOO_LARGE ? INTAKE_REJECTED_TOO_LARGE
									 : INTAKE_REJECTED_INVALID,
				  b.data, b.len, b.len, e.msg, &rj, &e2) == 0)
			fprintf(stderr, "vulnflow: refused; the refusal is leaf %llu of the receipt log\n",
				(unsigned long long)rj.leaf_index);
	}
	buf_release(&b);
	if (rc < 0)
		return cli_fail(&e);
	cli_print_json(json_pack("{s:o}", "receipt", intake_receipt_json(it, &r)));
	return 0;
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'J' },
		{ "status", required_argument, NULL, 's' },
		{ "limit", required_argument, NULL, 'l' },
		{ "reason", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct common_opts o = { .dir = DEFAULT_DIR };
	struct report_filter f = { .limit = 50 };
	const char *sub, *arg = NULL, *reason = NULL;
	struct instance *in = NULL;
	struct intake *it = NULL;
	struct actor a = cli_actor();
	struct err e = ERR_INIT;
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
		case 's': f.status = optarg; break;
		case 'l': f.limit = atoi(optarg); break;
		case 'r': reason = optarg; break;
		case 'h': help(); return 0;
		default: return cli_usage("report", "unknown option");
		}
	}
	if (optind < argc - 1)
		arg = argv[optind + 1];
	if (strcmp(sub, "list") != 0 && arg == NULL)
		return cli_usage("report", "\"%s\" needs an argument", sub);
	if (strcmp(sub, "submit") && strcmp(sub, "list") && strcmp(sub, "show") &&
	    strcmp(sub, "spam") && strcmp(sub, "unspam"))
		return cli_usage("report", "unknown subcommand \"%s\"", sub);
	if (f.limit < 1 || f.limit > 10000)
		return cli_usage("report", "--limit must be 1..10000");
	if (cli_open(&in, &o, 0, &e) < 0 || intake_start(&it, in, &e) < 0) {
		instance_close(in);
		return cli_fail(&e);
	}
	if (strcmp(sub, "submit") == 0) {
		rc = do_submit(it, in, arg);
	} else if (strcmp(sub, "list") == 0) {
		rc = intake_report_list(it, &a, &f, &out, &e);
		if (rc == 0 && o.json) {
			cli_print_json(out);
			out = NULL;
		} else if (rc == 0) {
			for (size_t i = 0; i < json_array_size(out); i++) {
				json_t *r = json_array_get(out, i);

				printf("%-6lld %-9s %-26s %s\n",
				       (long long)json_integer_value(json_object_get(r, "id")),
				       json_string_value(json_object_get(r, "status")),
				       json_string_value(json_object_get(r, "received_at_local")),
				       json_string_value(json_object_get(r, "title"))
					       ? json_string_value(json_object_get(r, "title"))
					       : "(refused submission)");
			}
		}
		if (rc < 0)
			rc = cli_fail(&e);
	} else if (strcmp(sub, "show") == 0) {
		rc = intake_report_get(it, &a, atoll(arg), 0, &out, &e);
		if (rc == 0) {
			char *text = json_dumps(out, JSON_INDENT(2) | JSON_SORT_KEYS);

			printf("%s\n", text);
			free(text);
		} else {
			rc = cli_fail(&e);
		}
	} else {
		rc = intake_report_mark(it, &a, atoll(arg), strcmp(sub, "spam") == 0, reason, &e);
		if (rc < 0)
			rc = cli_fail(&e);
		else
			printf("report %s: %s\n", arg, strcmp(sub, "spam") == 0 ? "spam" : "received");
	}
	json_decref(out);
	intake_stop(it);
	instance_close(in);
	return rc;
}
