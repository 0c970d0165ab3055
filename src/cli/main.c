/* main.c - vulnflow's entry point and command table. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#ifndef VULNFLOW_VERSION
#define VULNFLOW_VERSION "0.1.0"
#endif

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "init", cmd_init, "create an instance directory (config, keys, database, first admin)" },
	{ "serve", cmd_serve, "serve the web API" },
	{ "migrate", cmd_migrate, "apply pending database migrations" },
	{ "user", cmd_user, "add, list, change the password of, disable or enable users" },
	{ "token", cmd_token, "create, list or revoke API tokens" },
	{ "report", cmd_report, "submit a report, list the intake queue, show or mark one" },
	{ "case", cmd_case, "open, show, change and move cases; the authority report; the dossier" },
	{ "clocks", cmd_clocks, "every case's legal clocks by due time (pending, met, missed)" },
	{ "log", cmd_log, "verify, export or purge the receipt log; print its tree head" },
	{ "mail", cmd_mail, "take in reports sent by e-mail (stdin or a maildir), acknowledge them" },
	{ "pgp", cmd_pgp, "create, import or export the organisation's OpenPGP key" },
	{ "score", cmd_score, "score CVSS 4.0, 3.1, 3.0 and 2.0 vectors" },
	{ "grade", cmd_grade, "grade by GB/T 30279-2020 indicators (provisional tables)" },
	{ "cwe", cmd_cwe, "look up a CWE entry in the built-in MITRE catalogue" },
	{ "purl", cmd_purl, "check a Package URL and print its canonical form" },
	{ "vers", cmd_vers, "compare versions; vers: ranges (contains, canonical, from native)" },
	{ "product", cmd_product, "add, list and show products and their versions" },
	{ "sbom", cmd_sbom, "import a product version's SBOM (CycloneDX, SPDX); export CycloneDX 1.6" },
	{ "supplier", cmd_supplier, "import (CSV) and list upstream suppliers" },
	{ "customer", cmd_customer, "import (CSV) and list customers and their deployments" },
	{ "advisories", cmd_advisories, "import OSV and CSAF advisories (file, directory, zip)" },
	{ "advisory", cmd_bulletin, "draft, gate and publish our own advisories (Art. 9 gate)" },
	{ "impact", cmd_impact, "affected product versions and customers; a version's vulnerabilities" },
	{ "vex", cmd_vex, "set VEX statuses; export CycloneDX or CSAF VEX" },
	{ "reward", cmd_reward, "reward policy and decisions for reporters (Art. 7(4)); the ledger" },
	{ "peer", cmd_peer, "federation peers: add, list, remove; print our public key" },
	{ "federation", cmd_federation, "federation status: the outbox, the inbox and its refusals" },
	{ "platform", cmd_platform, "collection platform: filing, registry, provider directory, routing" },
	{ "hub", cmd_hub, "hub dashboard: reports per provider, relays per national database" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: vulnflow COMMAND [OPTIONS]\n\n"
		   "Runs the life of a security vulnerability in a network product under the\n"
		   "Provisions on the Management of Security Vulnerabilities of Network Products.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n  --version  print the version\n  --help     print this help\n\n"
		   "Every command takes --help.  Exit codes: 0 ok, 1 failure, 2 usage error.\n");
}

int main(int argc, char **argv)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("vulnflow %s\n", VULNFLOW_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "vulnflow: unknown command \"%s\"\n\n", argv[1]);
	usage(stderr);
	return 2;
}
