/* cmd_pgp.c - `vulnflow pgp init|import|export`: the organisation's OpenPGP key in DIR/gnupg. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "service/pgp.h"

#define KEY_FILE_MAX (16u << 20)

static void help(void)
{
	printf("Usage: vulnflow pgp SUBCOMMAND [--dir DIR] [OPTIONS]\n\n"
	       "The organisation's OpenPGP key, kept in DIR/gnupg: reporters encrypt their\n"
	       "mail to it and `vulnflow mail ingest` decrypts with it.\n\n"
	       "  init --name NAME [--email ADDR] [--expire DAYS]\n"
	       "      create the key: Ed25519 (sign) + Curve25519 (encrypt), no passphrase,\n"
	       "      user id \"NAME <ADDR>\"; ADDR defaults to smtp_from; DAYS 0 = never\n"
	       "      (the default)\n"
	       "  import FILE\n"
	       "      import a secret key (it becomes the organisation's key) or public\n"
	       "      keys, armored or binary; FILE - reads standard input.  A secret key\n"
	       "      must have no passphrase to decrypt unattended.\n"
	       "  export\n"
	       "      print the public key, ASCII-armored (publish it and name its URL in\n"
	       "      security.txt's Encryption field)\n\n"
	       "  --dir DIR   instance directory (default %s)\n"
	       "  --help      print this help\n", DEFAULT_DIR);
}

static int read_file(const char *path, struct buf *b, struct err *e)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int rc = 0;

	if (f == NULL)
		return err_set(e, ERR_USAGE, "cannot read \"%s\": %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(b, chunk, n) < 0) {
			rc = err_set(e, ERR_INVALID, "\"%s\" is larger than %u bytes", path,
				     KEY_FILE_MAX);
			break;
		}
	if (rc == 0 && ferror(f))
		rc = err_set(e, ERR_USAGE, "cannot read \"%s\"", path);
	if (f != stdin)
		fclose(f);
	return rc;
}

int cmd_pgp(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "name", required_argument, NULL, 'n' },
		{ "email", required_argument, NULL, 'e' },
		{ "expire", required_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *dir = DEFAULT_DIR, *name = NULL, *email = NULL, *sub, *file = NULL;
	long expire = 0;
	char conf[CONFIG_STR_LEN + 32], fpr[PGP_FPR_LEN], *end;
	struct config cfg;
	struct pgp *p = NULL;
	struct err e = ERR_INIT;
	int c, rc = -1;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		help();
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'n': name = optarg; break;
		case 'e': email = optarg; break;
		case 'x':
			errno = 0;
			expire = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || end == optarg || expire < 0)
				return cli_usage("pgp", "--expire takes a number of days");
			break;
		case 'h': help(); return 0;
		default: return cli_usage("pgp", "unknown option");
		}
	}
	if (strcmp(sub, "import") == 0) {
		if (optind >= argc - 1)
			return cli_usage("pgp", "import needs a FILE (or - for standard input)");
		file = argv[++optind];
	}
	if (optind < argc - 1)
		return cli_usage("pgp", "unexpected argument \"%s\"", argv[optind + 1]);
	if (strcmp(sub, "init") && strcmp(sub, "import") && strcmp(sub, "export"))
		return cli_usage("pgp", "unknown subcommand \"%s\"", sub);
	if (strcmp(sub, "init") == 0 && name == NULL)
		return cli_usage("pgp", "init needs --name (the organisation's name)");

	snprintf(conf, sizeof(conf), "%s/vulnflow.conf", dir);
	if (access(conf, F_OK) != 0) {
		err_set(&e, ERR_USAGE, "\"%s\" is not an instance directory (run `vulnflow init --dir %s`)",
			dir, dir);
		return cli_fail(&e);
	}
	if (instance_config(&cfg, dir, &e) < 0 || pgp_open(&p, dir, &e) < 0)
		return cli_fail(&e);

	if (strcmp(sub, "init") == 0) {
		if (email == NULL && cfg.smtp_from[0] != '\0')
			email = cfg.smtp_from;
		if (email == NULL) {
			pgp_close(p);
			return cli_usage("pgp", "init needs --email (or smtp_from in the configuration)");
		}
		if (pgp_init(p, name, email, expire, fpr, &e) == 0) {
			printf("vulnflow: organisation key created in %s\n"
			       "  fingerprint: %s\n  user id:     %s <%s>\n"
			       "  publish it:  vulnflow pgp export --dir %s\n",
			       pgp_home(p), fpr, name, email, dir);
			rc = 0;
		}
	} else if (strcmp(sub, "import") == 0) {
		struct pgp_import_result r;
		struct buf b;

		buf_init(&b, KEY_FILE_MAX);
		if (read_file(file, &b, &e) == 0 &&
		    pgp_import(p, b.data ? b.data : "", b.len, &r, &e) == 0) {
			printf("vulnflow: %d key%s read: %d new, %d unchanged, %d secret key%s imported\n",
			       r.considered, r.considered == 1 ? "" : "s", r.imported, r.unchanged,
			       r.secret_imported, r.secret_imported == 1 ? "" : "s");
			if (r.fpr[0] != '\0')
				printf("  fingerprint: %s\n", r.fpr);
			rc = 0;
		}
		buf_release(&b);
	} else {
		char *armored;
		size_t len;

		if (pgp_export(p, &armored, &len, &e) == 0) {
			fwrite(armored, 1, len, stdout);
			free(armored);
			rc = 0;
		}
	}
	pgp_close(p);
	return rc < 0 ? cli_fail(&e) : 0;
}
