/* cmd_reward.c - `vulnflow reward ...`: the reward policy, decisions and the ledger (Art. 7(4)). */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timefmt.h"
#include "cli/cli.h"
#include "service/rewards.h"

static const struct sub_help {
	const char *name;
	const char *text;
} subs[] = {
	{ "policy",
	  "Usage: vulnflow reward policy [show [--version N] | set FILE [--as EMAIL] | history]\n"
	  "       the reward policy: amount ranges by GB/T 30279 grade (and CVSS band).\n"
	  "       `set` adds a new version from FILE (JSON: {\"currency\",\"ranges\":[{\"grade\",\n"
	  "       \"cvss_severity\",\"min\",\"max\"}],\"note\",\"change_note\"}; - for stdin)\n" },
	{ "propose",
	  "Usage: vulnflow reward propose CASE --reporter R --amount A [--currency C]\n"
	  "                               [--reason TEXT] --as EMAIL\n"
	  "       propose a reward for a reporter of case CASE; R is a reporter account (user id\n"
	  "       or e-mail) or report:N for the sender of report N; A like 5000 or 5000.50.\n"
	  "       Outside the policy's range it needs --reason and a coordinator.\n" },
	{ "approve",
	  "Usage: vulnflow reward approve ID --as EMAIL [--note TEXT]\n"
	  "       approve a proposed reward (a coordinator other than the proposer)\n" },
	{ "paid",
	  "Usage: vulnflow reward paid ID --reference REF --paid-at RFC3339 --as EMAIL\n"
	  "       record the payment of an approved reward (admin or coordinator)\n" },
	{ "reject",
	  "Usage: vulnflow reward reject ID --reason TEXT --as EMAIL\n"
	  "       reject a proposed or approved reward (admin or coordinator)\n" },
	{ "show", "Usage: vulnflow reward show ID\n       one decision with its history (JSON)\n" },
	{ "list",
	  "Usage: vulnflow reward list [--state S] [--case ID] [--reporter R] [--limit N]\n"
	  "                            [--cursor C] [--json]\n"
	  "       decisions, newest first (R: user id, user:N or report:N)\n" },
	{ "ledger",
	  "Usage: vulnflow reward ledger [--state S] [--case ID] [--reporter R] [--output FILE]\n"
	  "       the ledger as CSV (UTF-8 with BOM, RFC 4180; docs/api.md lists the columns)\n" },
	{ NULL, NULL }
};

static void help(const char *sub)
{
	for (size_t i = 0; subs[i].name; i++)
		if (sub == NULL || strcmp(sub, subs[i].name) == 0)
			printf("%s%s", subs[i].text, sub ? "" : "\n");
	printf("%s  --dir DIR   instance directory (default %s)\n"
	       "  --db URL    database URL (overrides the configuration)\n"
	       "  --as EMAIL  act as this user (with their role); the steps of a decision need it\n"
	       "  --help      print this help\n", sub ? "\n" : "", DEFAULT_DIR);
}

struct reward_opts {
	struct common_opts o;
	const char *as, *reporter, *amount, *currency, *reason, *note, *reference, *paid_at;
	const char *state, *reporter_q, *cursor, *output, *version;
	int64_t case_id;
	int limit;
};

static json_t *read_json_file(const char *path, struct err *e)
{
	json_error_t je;
	json_t *v = strcmp(path, "-") == 0 ? json_loadf(stdin, JSON_REJECT_DUPLICATES, &je)
					   : json_load_file(path, JSON_REJECT_DUPLICATES, &je);

	if (v == NULL)
		err_set(e, ERR_USAGE, "\"%s\": %s (line %d)", path, je.text, je.line);
	return v;
}

static void print_pretty(json_t *v)
{
	char *text = json_dumps(v, JSON_INDENT(2) | JSON_SORT_KEYS);

	printf("%s\n", text);
	free(text);
}

/* The acting person: --as EMAIL, or the CLI itself (an administrator). */
static int actor_for(struct instance *in, const char *as, struct user *u, struct case_actor *a,
		     struct err *e)
{
	a->a = cli_actor();
	a->role = ROLE_ADMIN;
	if (as == NULL)
		return 0;
	if (account_user_by_email(in->db, as, u, e) < 0)
		return -1;
	if (u->disabled)
		return err_set(e, ERR_USAGE, "user \"%s\" is disabled", as);
	a->a.user_id = u->id;
	a->a.name = u->email;
	a->role = role_from_name(u->role);
	return 0;
}

static json_t *reporter_value(const char *s)
{
	char *end;
	long long v;

	if (strncmp(s, "report:", 7) == 0) {
		v = strtoll(s + 7, &end, 10);
		return *end == '\0' && v > 0 ? json_pack("{s:I}", "report_id", (json_int_t)v) : NULL;
	}
	v = strtoll(s, &end, 10);
	if (*end == '\0' && v > 0)
		return json_integer(v);
	return json_string(s);
}

static int print_missing(json_t *missing)
{
	if (missing) {
		char *m = json_dumps(missing, JSON_COMPACT);

		fprintf(stderr, "vulnflow: missing: %s\n", m);
		free(m);
		json_decref(missing);
	}
	return 0;
}

static int run(struct instance *in, const char *sub, const char *arg, const char *arg2,
	       struct reward_opts *ro)
{
	struct case_actor a;
	struct user u;
	struct err e = ERR_INIT;
	json_t *out = NULL, *body = NULL, *missing = NULL;
	int64_t id = arg ? atoll(arg) : 0;
	int rc = -1, step = strcmp(sub, "propose") == 0 || strcmp(sub, "approve") == 0 ||
			    strcmp(sub, "paid") == 0 || strcmp(sub, "reject") == 0;

	if (step && ro->as == NULL)
		return cli_usage("reward", "\"%s\" needs --as EMAIL: a decision is a person's", sub);
	if (actor_for(in, ro->as, &u, &a, &e) < 0)
		return cli_fail(&e);
	if (strcmp(sub, "policy") == 0) {
		const char *what = arg ? arg : "show";

		if (strcmp(what, "show") == 0) {
			rc = rewards_policy_get(in, &a, ro->version ? atoll(ro->version) : 0, &out, &e);
		} else if (strcmp(what, "history") == 0) {
			rc = rewards_policy_history(in, &a, &out, &e);
		} else if (strcmp(what, "set") == 0) {
			if (arg2 == NULL)
				return cli_usage("reward policy", "\"set\" needs a FILE");
			body = read_json_file(arg2, &e);
			if (body)
				rc = rewards_policy_put(in, &a, body, &out, &e);
		} else {
			return cli_usage("reward policy", "unknown action \"%s\"", what);
		}
	} else if (strcmp(sub, "propose") == 0) {
		json_t *rep;

		if (ro->reporter == NULL || ro->amount == NULL)
			return cli_usage("reward propose", "--reporter and --amount are required");
		rep = reporter_value(ro->reporter);
		if (rep == NULL)
			return cli_usage("reward propose", "--reporter report:N needs a report id");
		body = json_pack("{s:o,s:s,s:s?,s:s?}", "reporter", rep, "amount", ro->amount,
				 "currency", ro->currency, "reason", ro->reason);
		rc = rewards_propose(in, &a, id, body, &out, &missing, &e);
	} else if (strcmp(sub, "approve") == 0) {
		body = json_pack("{s:s?}", "note", ro->note);
		rc = rewards_step(in, &a, id, REWARD_APPROVE, body, &out, &missing, &e);
	} else if (strcmp(sub, "paid") == 0) {
		body = json_pack("{s:s?,s:s?}", "reference", ro->reference, "paid_at", ro->paid_at);
		rc = rewards_step(in, &a, id, REWARD_PAY, body, &out, &missing, &e);
	} else if (strcmp(sub, "reject") == 0) {
		body = json_pack("{s:s?}", "reason", ro->reason);
		rc = rewards_step(in, &a, id, REWARD_REJECT, body, &out, &missing, &e);
	} else if (strcmp(sub, "show") == 0) {
		rc = rewards_get(in, &a, id, &out, &e);
	} else if (strcmp(sub, "list") == 0 || strcmp(sub, "ledger") == 0) {
		struct reward_query q = { ro->state, ro->case_id, ro->reporter_q, ro->cursor,
					  ro->limit };

		if (strcmp(sub, "ledger") == 0) {
			char *csv;
			size_t len;
			FILE *f = stdout;

			if (rewards_ledger_csv(in, &a, &q, &csv, &len, &e) < 0)
				return cli_fail(&e);
			if (ro->output && (f = fopen(ro->output, "wb")) == NULL) {
				free(csv);
				err_set(&e, ERR_USAGE, "cannot write \"%s\"", ro->output);
				return cli_fail(&e);
			}
			rc = fwrite(csv, 1, len, f) == len ? 0 : -1;
			if (f != stdout && fclose(f) != 0)
				rc = -1;
			free(csv);
			if (rc < 0) {
				err_set(&e, ERR_INTERNAL, "writing the ledger failed");
				return cli_fail(&e);
			}
			return 0;
		}
		rc = rewards_list(in, &a, &q, &out, &e);
		if (rc == 0 && !ro->o.json) {
			size_t i;
			json_t *r;

			json_array_foreach(json_object_get(out, "items"), i, r)
				printf("%-6lld case %-6lld %-9s %12s %s  %s\n",
				       (long long)json_integer_value(json_object_get(r, "id")),
				       (long long)json_integer_value(json_object_get(r, "case_id")),
				       json_string_value(json_object_get(r, "state")),
				       json_string_value(json_object_get(r, "amount")),
				       json_string_value(json_object_get(r, "currency")),
				       json_string_value(json_object_get(json_object_get(r, "reporter"),
									 "label")));
			json_decref(out);
			out = NULL;
		}
	} else {
		return cli_usage("reward", "unknown subcommand \"%s\"", sub);
	}
	json_decref(body);
	if (rc < 0) {
		print_missing(missing);
		return cli_fail(&e);
	}
	if (out) {
		if (ro->o.json)
			cli_print_json(out);
		else {
			print_pretty(out);
			json_decref(out);
		}
	}
	return 0;
}

int cmd_reward(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'J' },
		{ "as", required_argument, NULL, 'a' },
		{ "reporter", required_argument, NULL, 'r' },
		{ "amount", required_argument, NULL, 'm' },
		{ "currency", required_argument, NULL, 'c' },
		{ "reason", required_argument, NULL, 'R' },
		{ "note", required_argument, NULL, 'n' },
		{ "reference", required_argument, NULL, 'f' },
		{ "paid-at", required_argument, NULL, 'p' },
		{ "state", required_argument, NULL, 's' },
		{ "case", required_argument, NULL, 'C' },
		{ "cursor", required_argument, NULL, 'u' },
		{ "limit", required_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ "version", required_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct reward_opts ro = { .o = { .dir = DEFAULT_DIR }, .limit = 50 };
	const char *sub, *arg = NULL, *arg2 = NULL;
	struct instance *in = NULL;
	struct err e = ERR_INIT;
	int c, rc, known = 0;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		help(NULL);
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	for (size_t i = 0; subs[i].name; i++)
		known |= strcmp(sub, subs[i].name) == 0;
	if (!known)
		return cli_usage("reward", "unknown subcommand \"%s\"", sub);
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': ro.o.dir = optarg; break;
		case 'b': ro.o.db = optarg; break;
		case 'J': ro.o.json = 1; break;
		case 'a': ro.as = optarg; break;
		case 'r': ro.reporter = ro.reporter_q = optarg; break;
		case 'm': ro.amount = optarg; break;
		case 'c': ro.currency = optarg; break;
		case 'R': ro.reason = optarg; break;
		case 'n': ro.note = optarg; break;
		case 'f': ro.reference = optarg; break;
		case 'p': ro.paid_at = optarg; break;
		case 's': ro.state = optarg; break;
		case 'C': ro.case_id = atoll(optarg); break;
		case 'u': ro.cursor = optarg; break;
		case 'l': ro.limit = atoi(optarg); break;
		case 'o': ro.output = optarg; break;
		case 'v': ro.version = optarg; break;
		case 'h': help(sub); return 0;
		default: return cli_usage("reward", "unknown option");
		}
	}
	if (optind < argc - 1)
		arg = argv[optind + 1];
	if (optind + 1 < argc - 1)
		arg2 = argv[optind + 2];
	if (arg == NULL && strcmp(sub, "list") && strcmp(sub, "ledger") && strcmp(sub, "policy"))
		return cli_usage("reward", "\"%s\" needs an id", sub);
	if (ro.limit < 1 || ro.limit > 500)
		return cli_usage("reward", "--limit must be 1..500");
	if (cli_open(&in, &ro.o, 0, &e) < 0)
		return cli_fail(&e);
	rc = run(in, sub, arg, arg2, &ro);
	instance_close(in);
	return rc;
}
