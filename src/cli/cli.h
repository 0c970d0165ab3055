/* cli.h - the command-line layer: commands and the helpers they share.
 *
 * Each command is `int cmd_NAME(int argc, char **argv)` returning the exit
 * code: 0 ok, 1 runtime failure, 2 usage.  argv[0] is the command name.
 * Commands call services (service/), never SQL.
 */
#ifndef VF_CLI_H
#define VF_CLI_H

#include <jansson.h>

#include "base/err.h"
#include "service/instance.h"

#define DEFAULT_DIR "./var"

int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_grade(int argc, char **argv);
int cmd_cwe(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_case(int argc, char **argv);
int cmd_clocks(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_purl(int argc, char **argv);
int cmd_vers(int argc, char **argv);
int cmd_mail(int argc, char **argv);
int cmd_pgp(int argc, char **argv);
int cmd_product(int argc, char **argv);
int cmd_sbom(int argc, char **argv);
int cmd_supplier(int argc, char **argv);
int cmd_customer(int argc, char **argv);
int cmd_advisories(int argc, char **argv);
int cmd_bulletin(int argc, char **argv);
int cmd_impact(int argc, char **argv);
int cmd_vex(int argc, char **argv);
int cmd_reward(int argc, char **argv);
int cmd_peer(int argc, char **argv);
int cmd_federation(int argc, char **argv);
int cmd_platform(int argc, char **argv);
int cmd_hub(int argc, char **argv);

/* Options every instance command takes. */
struct common_opts {
	const char *dir;      /* --dir, default ./var */
	const char *db;       /* --db, overrides the config */
	int json;             /* --json */
};

/* Load DIR's configuration (file, environment, then --db) and open the
 * database; migrate applies pending migrations first. */
int cli_open(struct instance **out, const struct common_opts *o, int migrate, struct err *e);
/* Print "vulnflow: MESSAGE" for e and return its exit code. */
int cli_fail(const struct err *e);
/* Print a usage error and return 2. */
int cli_usage(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print v as one line of compact JSON on stdout; v is consumed. */
void cli_print_json(json_t *v);
/* The CLI's audit identity. */
struct actor cli_actor(void);

#endif
