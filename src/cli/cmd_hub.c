/* cmd_hub.c - `vulnflow hub dashboard | filings | review`: reports per provider, relays per
 * national database; the review of the filings platforms send (Art. 10). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "service/fed_hub.h"
#include "service/fed_platform.h"
#include "service/federation.h"
#include "service/intake.h"

static void help(void)
{
	printf("Usage: vulnflow hub dashboard [--json]\n"
	       "       vulnflow hub filings [--state pending|accepted|returned] [--json]\n"
	       "       vulnflow hub review ID accepted|returned [--note NOTE]\n\n"
	       "A hub (issue 9).\n"
	       "  dashboard  the authority reports received per provider, how many arrived\n"
	       "             within 2 days of the provider learning of the vulnerability\n"
	       "             (learned_at), and the state of the relays to each national\n"
	       "             database peer\n"
	       "  filings    the filings received from platforms (Art. 10) and their review\n"
	       "             state (as GET /api/v1/hub/filings); /registry lists each\n"
	       "             platform's newest accepted version\n"
	       "  review     accept or return (--note says why; required) a pending filing;\n"
	       "             audited, and queued to the platform as a filing_review envelope\n"
	       "             (sent by `vulnflow serve`)\n"
	       "Read from and written to the database: no running server needed.\n\n"
	       "  --dir DIR     instance directory (default %s)\n"
	       "  --db URL      database URL (overrides the configuration)\n"
	       "  --state S     filings: only those in state S\n"
	       "  --note NOTE   review: the note sent to the platform\n"
	       "  --json        print JSON (as the API)\n"
	       "  --help        print this help\n", DEFAULT_DIR);
}

static const char *str_or(json_t *o, const char *k, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : dflt;
}

static long long num(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static void print_dashboard(json_t *d)
{
	json_t *t = json_object_get(d, "totals"), *x;
	size_t i;

	printf("reports received: %lld (within 2 days: %lld, late: %lld, learned_at unknown: %lld)\n",
	       num(t, "reports"), num(t, "within_2_days"), num(t, "late"),
	       num(t, "unknown_learned_at"));
	printf("\n%-16s %-20s %-3s %8s %8s %6s %8s  %s\n", "PROVIDER", "NAME", "CC", "REPORTS",
	       "IN 2 D", "LATE", "UNKNOWN", "LAST RECEIVED");
	json_array_foreach(json_object_get(d, "providers"), i, x)
		printf("%.16s %-20.20s %-3s %8lld %8lld %6lld %8lld  %s\n", str_or(x, "peer", ""),
		       str_or(x, "name", "-"), str_or(x, "jurisdiction", ""), num(x, "reports"),
		       num(x, "within_2_days"), num(x, "late"), num(x, "unknown_learned_at"),
		       str_or(x, "last_received_at", "-"));
	printf("\n%-16s %-20s %7s %8s %7s %10s %7s  %s\n", "DATABASE", "NAME", "RELAYS", "PENDING",
	       "QUEUED", "DELIVERED", "FAILED", "LAST DELIVERED");
	json_array_foreach(json_object_get(d, "databases"), i, x)
		printf("%.16s %-20.20s %7lld %8lld %7lld %10lld %7lld  %s%s\n", str_or(x, "peer", ""),
		       str_or(x, "name", "-"), num(x, "relays"), num(x, "pending"), num(x, "queued"),
		       num(x, "delivered"), num(x, "failed"), str_or(x, "last_delivered_at", "-"),
		       json_is_true(json_object_get(x, "removed")) ? " (removed)" : "");
}

static void print_filings(json_t *items)
{
	json_t *x;
	size_t i;

	printf("%-6s %-16s %-20s %4s %-9s %-27s %-28s %s\n", "ID", "PLATFORM", "NAME", "VER",
	       "STATE", "RECEIVED", "FILING NAME", "NOTE");
	json_array_foreach(items, i, x)
		printf("%-6lld %.16s %-20.20s %4lld %-9s %-27s %-28.28s %s\n", num(x, "id"),
		       str_or(json_object_get(x, "platform"), "key_id", ""),
		       str_or(json_object_get(x, "platform"), "name", "-"), num(x, "version"),
		       str_or(x, "state", ""), str_or(x, "received_at", "-"), str_or(x, "name", "-"),
		       str_or(x, "note", ""));
}

/* review ID DECISION [--note N]: starts intake and federation to queue the envelope. */
static int review(struct common_opts *o, const char *id_s, const char *decision,
		  const char *note)
{
	struct instance *in = NULL;
	struct intake *it = NULL;
	struct federation *f = NULL;
	struct fed_options fo = { .workers = (unsigned)-1 };
	struct actor a = cli_actor();
	struct err e = ERR_INIT;
	json_t *body = NULL, *out = NULL;
	char *end;
	long long id = strtoll(id_s, &end, 10);
	int rc = -1;

	if (*end != '\0' || id <= 0)
		return cli_usage("hub", "review takes a numeric filing ID");
	if (strcmp(decision, "accepted") != 0 && strcmp(decision, "returned") != 0)
		return cli_usage("hub", "the decision is accepted or returned");
	if (strcmp(decision, "returned") == 0 && note == NULL)
		return cli_usage("hub", "returning a filing needs --note");
	body = json_pack("{s:s,s:s?}", "decision", decision, "note", note);
	if (cli_open(&in, o, 1, &e) < 0 || intake_start(&it, in, &e) < 0 ||
	    federation_start(&f, in, it, &fo, &e) < 0 ||
	    fed_hub_filing_review(in, f, &a, id, body, &out, &e) < 0) {
		rc = cli_fail(&e);
		goto out;
	}
	if (o->json) {
		cli_print_json(out);
	} else {
		printf("filing %lld (%s version %lld): %s%s%s\n", id,
		       str_or(json_object_get(out, "platform"), "key_id", ""), num(out, "version"),
		       decision, note ? ": " : "", note ? note : "");
		json_decref(out);
	}
	rc = 0;
out:
	json_decref(body);
	federation_stop(f);
	intake_stop(it);
	instance_close(in);
	return rc;
}

int cmd_hub(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'J' },
		{ "state", required_argument, NULL, 's' },
		{ "note", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *state = NULL, *note = NULL, *sub;
	struct common_opts o = { DEFAULT_DIR, NULL, 0 };
	struct instance *in = NULL;
	struct err e = ERR_INIT;
	json_t *out = NULL;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o.dir = optarg; break;
		case 'b': o.db = optarg; break;
		case 'J': o.json = 1; break;
		case 's': state = optarg; break;
		case 'n': note = optarg; break;
		case 'h': help(); return 0;
		default: return cli_usage("hub", "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage("hub", "missing subcommand (dashboard, filings or review)");
	sub = argv[optind++];
	if (strcmp(sub, "review") == 0) {
		if (state != NULL)
			return cli_usage("hub", "--state is for filings");
		if (optind + 2 != argc)
			return cli_usage("hub", "review takes ID and accepted or returned");
		return review(&o, argv[optind], argv[optind + 1], note);
	}
	if (strcmp(sub, "dashboard") != 0 && strcmp(sub, "filings") != 0)
		return cli_usage("hub", "unknown subcommand \"%s\"", sub);
	if (optind < argc)
		return cli_usage("hub", "unexpected argument \"%s\"", argv[optind]);
	if (note != NULL || (state != NULL && strcmp(sub, "filings") != 0))
		return cli_usage("hub", "--%s is not an option of %s", note ? "note" : "state", sub);
	if (state != NULL && strcmp(state, "pending") && strcmp(state, "accepted") &&
	    strcmp(state, "returned"))
		return cli_usage("hub", "--state is pending, accepted or returned");
	if (cli_open(&in, &o, 1, &e) < 0)
		return cli_fail(&e);
	if (strcmp(sub, "filings") == 0)
		rc = fed_hub_filings(in, state, 0, 1000, &out, &e);
	else
		rc = fed_hub_dashboard(in, &out, &e);
	instance_close(in);
	if (rc < 0)
		return cli_fail(&e);
	if (o.json) {
		cli_print_json(strcmp(sub, "filings") == 0 ? json_pack("{s:o}", "items", out) : out);
	} else {
		if (strcmp(sub, "filings") == 0)
			print_filings(out);
		else
			print_dashboard(out);
		json_decref(out);
	}
	return 0;
}
