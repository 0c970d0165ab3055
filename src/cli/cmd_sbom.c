/* cmd_sbom.c - `vulnflow product ...` and `vulnflow sbom import|export`: the inventory from the command line. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "service/inventory.h"

struct sbom_opts {
	struct common_opts o;
	const char *product, *model, *vendor, *version, *output;
};

static void sbom_help(void)
{
	printf("Usage: vulnflow sbom SUBCOMMAND [--dir DIR] [--db URL] [OPTIONS]\n\n"
	       "  import --product NAME --version V [--model M] [--vendor V] FILE|-\n"
	       "        import a CycloneDX 1.2-1.7 or SPDX 2.3 JSON SBOM for that product\n"
	       "        version (the product and the version are created if new; a second\n"
	       "        import replaces the first); prints the summary and diagnostics\n"
	       "  export --product NAME --version V [--model M] [-o FILE]\n"
	       "        the version's SBOM as CycloneDX 1.6 JSON\n\n"
	       "  --json      print the import summary as JSON\n"
	       "  --dir DIR   instance directory (default %s)\n"
	       "  --help      print this help\n", DEFAULT_DIR);
}

static void product_help(void)
{
	printf("Usage: vulnflow product SUBCOMMAND [--dir DIR] [--db URL] [OPTIONS]\n\n"
	       "  add NAME [--model M] [--vendor V]    create a product; prints its id\n"
	       "  version NAME --version V [--model M]  add a version\n"
	       "  list [--json]                         products\n"
	       "  show NAME [--model M]                 one product with its versions (JSON)\n\n"
	       "  --dir DIR   instance directory (default %s)\n"
	       "  --help      print this help\n", DEFAULT_DIR);
}

/* Parse the options shared by `sbom` and `product`; *arg is the first operand. */
static int parse(int argc, char **argv, const char *cmd, struct sbom_opts *so, const char **arg,
		 void (*help)(void))
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'J' },
		{ "product", required_argument, NULL, 'p' },
		{ "model", required_argument, NULL, 'm' },
		{ "vendor", required_argument, NULL, 'V' },
		{ "version", required_argument, NULL, 'v' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	so->o.dir = DEFAULT_DIR;
	*arg = NULL;
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': so->o.dir = optarg; break;
		case 'b': so->o.db = optarg; break;
		case 'J': so->o.json = 1; break;
		case 'p': so->product = optarg; break;
		case 'm': so->model = optarg; break;
		case 'V': so->vendor = optarg; break;
		case 'v': so->version = optarg; break;
		case 'o': so->output = optarg; break;
		case 'h': help(); return 1;
		default: return cli_usage(cmd, "unknown option");
		}
	}
	if (optind < argc - 1)
		*arg = argv[optind + 1];
	if (optind + 1 < argc - 1)
		return cli_usage(cmd, "unexpected argument \"%s\"", argv[optind + 2]);
	return 0;
}

static int read_all(const char *path, size_t max, struct buf *b, struct err *e)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
	char chunk[65536];
	size_t n;

	buf_init(b, max);
	if (f == NULL)
		return err_set(e, ERR_USAGE, "cannot open \"%s\"", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf_add(b, chunk, n) < 0) {
			if (f != stdin)
				fclose(f);
			return err_set(e, ERR_TOO_LARGE, "\"%s\" is larger than %zu bytes", path, max);
		}
	}
	if (f != stdin)
		fclose(f);
	return 0;
}

static void print_summary(json_t *s)
{
	json_t *d, *diags = json_object_get(s, "diagnostics");
	size_t i;

#define I(k) ((long long)json_integer_value(json_object_get(s, k)))
	printf("imported %s %s SBOM into version \"%s\" (id %lld): %lld components, %lld services,"
	       " %lld dependency edges, %lld purls, %lld new suppliers, %lld matches, %.1f ms\n",
	       json_string_value(json_object_get(s, "format")),
	       json_string_value(json_object_get(s, "spec_version")),
	       json_string_value(json_object_get(s, "version")), I("version_id"), I("components"),
	       I("services"), I("edges"), I("purls"), I("suppliers_added"), I("matches"),
	       (double)I("took_us") / 1000.0);
	json_array_foreach(diags, i, d)
		printf("warning: %s: %s (%s)\n", json_string_value(json_object_get(d, "path")),
		       json_string_value(json_object_get(d, "message")),
		       json_string_value(json_object_get(d, "code")));
	if (I("diagnostics_dropped") > 0)
		printf("warning: %lld more not shown\n", I("diagnostics_dropped"));
#undef I
}

/* The product's id, creating it when create is set and it does not exist. */
static int product_id(struct instance *in, const struct sbom_opts *so, int create, int64_t *id,
		      struct err *e)
{
	struct actor a = cli_actor();
	json_t *p;

	if (inventory_product_find(in->db, so->product, so->model, id, e) == 0)
		return 0;
	if (!create || e->code != ERR_NOT_FOUND)
		return -1;
	err_clear(e);
	if (inventory_product_create(in->db, &a, so->product, so->model, so->vendor, &p, e) < 0)
		return -1;
	*id = json_integer_value(json_object_get(p, "id"));
	fprintf(stderr, "vulnflow: created product \"%s\" (id %lld)\n", so->product,
		(long long)*id);
	json_decref(p);
	return 0;
}

int cmd_sbom(int argc, char **argv)
{
	struct sbom_opts so = { 0 };
	struct instance *in = NULL;
	struct actor a = cli_actor();
	struct err e = ERR_INIT;
	const char *sub, *arg;
	int64_t pid;
	int rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		sbom_help();
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	rc = parse(argc, argv, "sbom", &so, &arg, sbom_help);
	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (strcmp(sub, "import") != 0 && strcmp(sub, "export") != 0)
		return cli_usage("sbom", "unknown subcommand \"%s\"", sub);
	if (so.product == NULL || so.version == NULL)
		return cli_usage("sbom", "%s needs --product and --version", sub);
	if (strcmp(sub, "import") == 0 && arg == NULL)
		return cli_usage("sbom", "import needs a FILE (or - for stdin)");
	if (cli_open(&in, &so.o, 0, &e) < 0)
		return cli_fail(&e);
	if (strcmp(sub, "import") == 0) {
		struct buf b;
		json_t *s;

		rc = read_all(arg, (size_t)in->cfg.upload_body_limit, &b, &e);
		if (rc == 0)
			rc = product_id(in, &so, 1, &pid, &e);
		if (rc == 0)
			rc = inventory_sbom_import(in->db, &a, pid, so.version, b.data ? b.data : "",
						   b.len, (size_t)in->cfg.upload_body_limit, &s, &e);
		buf_release(&b);
		if (rc == 0 && so.o.json)
			cli_print_json(s);
		else if (rc == 0) {
			print_summary(s);
			json_decref(s);
		}
	} else {
		char *doc = NULL;

		rc = product_id(in, &so, 0, &pid, &e);
		if (rc == 0)
			rc = inventory_sbom_export(in->db, pid, so.version, &doc, &e);
		if (rc == 0) {
			FILE *f = so.output ? fopen(so.output, "we") : stdout;

			if (f == NULL) {
				rc = err_set(&e, ERR_USAGE, "cannot write \"%s\"", so.output);
			} else {
				fprintf(f, "%s\n", doc);
				if (f != stdout && fclose(f) != 0)
					rc = err_set(&e, ERR_INTERNAL, "cannot write \"%s\"", so.output);
			}
		}
		free(doc);
	}
	instance_close(in);
	return rc < 0 ? cli_fail(&e) : 0;
}

int cmd_product(int argc, char **argv)
{
	struct sbom_opts so = { 0 };
	struct instance *in = NULL;
	struct actor a = cli_actor();
	struct err e = ERR_INIT;
	const char *sub, *arg;
	json_t *out = NULL;
	int64_t pid;
	int rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		product_help();
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	rc = parse(argc, argv, "product", &so, &arg, product_help);
	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (strcmp(sub, "add") && strcmp(sub, "version") && strcmp(sub, "list") &&
	    strcmp(sub, "show"))
		return cli_usage("product", "unknown subcommand \"%s\"", sub);
	if (strcmp(sub, "list") != 0 && arg == NULL)
		return cli_usage("product", "%s needs the product NAME", sub);
	if (strcmp(sub, "version") == 0 && so.version == NULL)
		return cli_usage("product", "version needs --version");
	if (cli_open(&in, &so.o, 0, &e) < 0)
		return cli_fail(&e);
	so.product = arg;
	if (strcmp(sub, "add") == 0) {
		rc = inventory_product_create(in->db, &a, arg, so.model, so.vendor, &out, &e);
		if (rc == 0 && !so.o.json)
			printf("%lld\n", (long long)json_integer_value(json_object_get(out, "id")));
	} else if (strcmp(sub, "version") == 0) {
		rc = product_id(in, &so, 0, &pid, &e);
		if (rc == 0)
			rc = inventory_version_create(in->db, &a, pid, so.version, &out, &e);
		if (rc == 0 && !so.o.json)
			printf("%lld\n", (long long)json_integer_value(json_object_get(out, "id")));
	} else if (strcmp(sub, "list") == 0) {
		rc = inventory_product_list(in->db, 0, 500, &out, &e);
		if (rc == 0 && !so.o.json) {
			size_t i;
			json_t *p;

			json_array_foreach(out, i, p)
				printf("%-6lld %-30s %-20s %-20s %lld versions\n",
				       (long long)json_integer_value(json_object_get(p, "id")),
				       json_string_value(json_object_get(p, "name")),
				       json_string_value(json_object_get(p, "model")),
				       json_string_value(json_object_get(p, "vendor")),
				       (long long)json_integer_value(json_object_get(p, "version_count")));
		}
	} else {
		rc = product_id(in, &so, 0, &pid, &e);
		if (rc == 0)
			rc = inventory_product_get(in->db, pid, &out, &e);
		so.o.json = 1;
	}
	if (rc == 0 && so.o.json) {
		cli_print_json(out);
		out = NULL;
	}
	json_decref(out);
	instance_close(in);
	return rc < 0 ? cli_fail(&e) : 0;
}
