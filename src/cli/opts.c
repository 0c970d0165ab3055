/* opts.c - helpers shared by the commands: open an instance, report errors. */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"

int cli_open(struct instance **out, const struct common_opts *o, int migrate, struct err *e)
{
	struct config cfg;
	char conf[CONFIG_STR_LEN + 32];

	*out = NULL;
	snprintf(conf, sizeof(conf), "%s/vulnflow.conf", o->dir);
	if (access(conf, F_OK) != 0)
		return err_set(e, ERR_USAGE,
			       "\"%s\" is not an instance directory (run `vulnflow init --dir %s`)",
			       o->dir, o->dir);
	if (instance_config(&cfg, o->dir, e) < 0)
		return -1;
	if (o->db != NULL && (db_url_valid(o->db, e) < 0 || config_set(&cfg, "db", o->db, e) < 0))
		return -1;
	return instance_open(out, &cfg, migrate, e);
}

int cli_fail(const struct err *e)
{
	fprintf(stderr, "vulnflow: %s\n", e->msg);
	return err_exit_code(e);
}

int cli_usage(const char *command, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vulnflow %s: ", command);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry `vulnflow %s --help`.\n", command);
	return 2;
}

void cli_print_json(json_t *v)
{
	if (v == NULL) {
		fprintf(stderr, "vulnflow: cannot render JSON output\n");
		return;
	}
	json_dumpf(v, stdout, JSON_COMPACT | JSON_REAL_PRECISION(15));
	putchar('\n');
	json_decref(v);
}

struct actor cli_actor(void)
{
	static char rid[40];
	struct actor a = { 0, "cli", rid };

	snprintf(rid, sizeof(rid), "cli-%ld", (long)getpid());
	return a;
}
