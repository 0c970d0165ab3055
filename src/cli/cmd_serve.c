/* cmd_serve.c - `vulnflow serve`: run the HTTP server until SIGINT or SIGTERM. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "base/timefmt.h"
#include "http/server.h"
#include "service/cases.h"
#include "service/bulletins.h"
#include "service/fed_hub.h"
#include "service/fed_platform.h"
#include "service/federation.h"
#include "service/intake.h"
#include "service/tlog.h"

static void help(void)
{
	printf("Usage: vulnflow serve [--dir DIR] [--db URL] [--listen HOST:PORT]\n\n"
	       "Serve the web API of the instance in DIR, applying pending migrations first.\n"
	       "Stops cleanly on SIGINT or SIGTERM.\n\n"
	       "  --dir DIR            instance directory (default %s)\n"
	       "  --db URL             database, overriding the configuration\n"
	       "  --listen HOST:PORT   address to listen on (port 0 picks a free one)\n"
	       "  --set KEY=VALUE      set any configuration key (repeatable)\n"
	       "  --help               print this help\n\n", DEFAULT_DIR);
	config_print_keys();
}

static int set_pair(struct config *cfg, const char *pair, struct err *e)
{
	char key[64];
	const char *eq = strchr(pair, '=');

	if (eq == NULL || (size_t)(eq - pair) >= sizeof(key))
		return err_set(e, ERR_USAGE, "--set takes KEY=VALUE, not \"%s\"", pair);
	memcpy(key, pair, (size_t)(eq - pair));
	key[eq - pair] = '\0';
	return config_set(cfg, key, eq + 1, e);
}

/* Send the escalations that fell due (clocks at 50 %, 80 %, 100 %...). */
static void escalate(struct cases *cases)
{
	struct err e = ERR_INIT;
	int sent;

	if (cases_escalate(cases, time_now_us(), &sent, &e) < 0)
		fprintf(stderr, "vulnflow: escalation: %s\n", e.msg);
}

/* Publish the scheduled advisories whose time has come, each only if the
 * gate passes at that moment (issue 7). */
static void publish_scheduled(struct bulletins *bs)
{
	struct err e = ERR_INIT;
	int published, refused;

	if (bs != NULL && bulletins_run_scheduled(bs, time_now_us(), &published, &refused, &e) < 0)
		fprintf(stderr, "vulnflow: scheduled publication: %s\n", e.msg);
}

/* A hub's relays of authority reports to national databases not sent yet. */
static void hub_pump(struct federation *f)
{
	struct err e = ERR_INIT;
	int sent;

	if (f != NULL && fed_hub_pump(f, &sent, &e) < 0)
		fprintf(stderr, "vulnflow: hub relays: %s\n", e.msg);
}

/* Sign a fresh tree head when the newest is older than sth_interval, so an
 * auditor can tell a quiet log from a stalled one. */
static void refresh_sth(struct intake *intake, struct instance *in)
{
	struct tlog *t = intake_log(intake);
	struct tlog_sth_row s;
	struct err e = ERR_INIT;
	int64_t now_ms = time_now_us() / 1000;

	if (in->cfg.sth_interval <= 0)
		return;
	if (tlog_latest_sth(t, in->db, &s, &e) == 0 &&
	    now_ms - s.timestamp_ms < in->cfg.sth_interval * 1000)
		return;
	if (e.code != ERR_NONE && e.code != ERR_NOT_FOUND)
		return;
	if (tlog_refresh_sth(t, in->db, &s, &e) < 0)
		fprintf(stderr, "vulnflow: cannot sign a fresh tree head: %s\n", e.msg);
}

int cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'b' },
		{ "listen", required_argument, NULL, 'l' },
		{ "set", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *dir = DEFAULT_DIR, *db = NULL, *listen = NULL;
	const char *sets[32];
	int nsets = 0, c, sig;
	struct config cfg;
	struct instance *in = NULL;
	struct server *srv = NULL;
	struct intake *intake = NULL;
	struct cases *cases = NULL;
	struct bulletins *bulletins = NULL;
	struct federation *federation = NULL;
	struct fed_platform *platform = NULL;
	struct server_services sv = { 0 };
	struct err e = ERR_INIT;
	sigset_t stop;
	char conf[CONFIG_STR_LEN + 32];

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'b': db = optarg; break;
		case 'l': listen = optarg; break;
		case 's':
			if (nsets == 32)
				return cli_usage("serve", "too many --set options");
			sets[nsets++] = optarg;
			break;
		case 'h': help(); return 0;
		default: return cli_usage("serve", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage("serve", "unexpected argument \"%s\"", argv[optind]);
	snprintf(conf, sizeof(conf), "%s/vulnflow.conf", dir);
	if (access(conf, F_OK) != 0) {
		err_set(&e, ERR_USAGE, "\"%s\" is not an instance directory (run `vulnflow init --dir %s`)",
			dir, dir);
		return cli_fail(&e);
	}
	if (instance_config(&cfg, dir, &e) < 0)
		return cli_fail(&e);
	for (int i = 0; i < nsets; i++)
		if (set_pair(&cfg, sets[i], &e) < 0)
			return cli_fail(&e);
	if ((db != NULL && (db_url_valid(db, &e) < 0 || config_set(&cfg, "db", db, &e) < 0)) ||
	    (listen != NULL && config_set(&cfg, "listen", listen, &e) < 0))
		return cli_fail(&e);

	/* block the stop signals before any thread starts, so only sigwait sees them */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (instance_open(&in, &cfg, 1, &e) < 0 || intake_start(&intake, in, &e) < 0 ||
	    cases_open(&cases, in, intake, &e) < 0) {
		intake_stop(intake);
		instance_close(in);
		return cli_fail(&e);
	}
	sv.intake = intake;
	sv.cases = cases;
	if (bulletins_open(&bulletins, in, cases, &e) < 0) {
		cases_close(cases);
		intake_stop(intake);
		instance_close(in);
		return cli_fail(&e);
	}
	sv.bulletins = bulletins;
	/* federation (issue 9): the inbox, and the outbox's delivery workers */
	if (federation_start(&federation, in, intake, NULL, &e) < 0)
		fprintf(stderr, "vulnflow: federation is not running: %s\n", e.msg);
	sv.federation = federation;
	/* a provider's routed reports into intake, their status back (fed_platform.h) */
	if (fed_platform_start(&platform, in, intake, federation, &e) < 0)
		fprintf(stderr, "vulnflow: the platform worker is not running: %s\n", e.msg);
	if (federation != NULL) {
		/* the hub channel of authority reports, advisories published to the hub,
		 * and a hub's relays a crash left unsent (fed_hub.h) */
		cases_set_federation(cases, federation);
		bulletins_on_published(bulletins, fed_hub_on_published, federation);
		hub_pump(federation);
	}
	if (server_start(&srv, in, &sv, &e) < 0) {
		fed_platform_stop(platform);
		federation_stop(federation);
		bulletins_close(bulletins);
		cases_close(cases);
		intake_stop(intake);
		instance_close(in);
		return cli_fail(&e);
	}
	{
		char host[256];
		const char *colon = strrchr(cfg.listen, ':');
		snprintf(host, sizeof(host), "%.*s", (int)(colon - cfg.listen), cfg.listen);
		fprintf(stderr, "vulnflow: serving http://%s:%u/ (instance %s, %s database, role %s)\n",
			host, server_port(srv), dir, db_kind_name(db_kind(in->db)), cfg.role);
		printf("listening on http://%s:%u/\n", host, server_port(srv));
		fflush(stdout);
	}
	/* wait for a stop signal; meanwhile keep a quiet receipt log's tree head fresh */
	for (;;) {
		struct timespec tick = { 10, 0 };

		sig = sigtimedwait(&stop, NULL, &tick);
		if (sig == SIGINT || sig == SIGTERM)
			break;
		refresh_sth(intake, in);
		escalate(cases);
		publish_scheduled(bulletins);
		hub_pump(federation);
	}
	fprintf(stderr, "vulnflow: %s received, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	server_stop(srv);
	fed_platform_stop(platform);
	federation_stop(federation);
	bulletins_close(bulletins);
	cases_close(cases);
	intake_stop(intake);
	instance_close(in);
	return 0;
}
