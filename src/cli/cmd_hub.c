/* cmd_hub.c - `vulnflow hub dashboard`: reports per provider, relays per national database. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "service/fed_hub.h"

static void help(void)
{
	printf("Usage: vulnflow hub dashboard [--json]\n\n"
	       "A hub's dashboard (issue 9): the authority reports received per provider, how\n"
	       "many arrived within 2 days of the provider learning of the vulnerability\n"
	       "(learned_at), and the state of the relays to each national database peer.\n"
	       "Read from the database: no running server needed.\n\n"
	       "  --dir DIR   instance directory (default %s)\n"
	       "  --db URL    database URL (overrides the configuration)\n"
	       "  --json      print JSON (as GET /api/v1/hub/dashboard)\n"
	       "  --help      print this help\n", DEFAULT_DIR);
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

int cmd_hub(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
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
		case 'h': help(); return 0;
		default: return cli_usage("hub", "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage("hub", "missing subcommand (dashboard)");
	if (strcmp(argv[optind], "dashboard") != 0)
		return cli_usage("hub", "unknown subcommand \"%s\"", argv[optind]);
	if (optind + 1 < argc)
		return cli_usage("hub", "unexpected argument \"%s\"", argv[optind + 1]);
	if (cli_open(&in, &o, 1, &e) < 0)
		return cli_fail(&e);
	rc = fed_hub_dashboard(in, &out, &e);
	instance_close(in);
	if (rc < 0)
		return cli_fail(&e);
	if (o.json) {
		cli_print_json(out);
	} else {
		print_dashboard(out);
		json_decref(out);
	}
	return 0;
}
