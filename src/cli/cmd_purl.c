/* cmd_purl.c - `vulnflow purl PURL|-`: check a Package URL and print its canonical form. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "cli/cli.h"
#include "rules/purl.h"

static void help(void)
{
	printf("Usage: vulnflow purl [--json] PURL\n"
	       "       vulnflow purl [--json] -\n\n"
	       "Check a Package URL (\"pkg:TYPE/NAMESPACE/NAME@VERSION?QUALIFIERS#SUBPATH\",\n"
	       "ECMA-427 and the purl-spec type definitions) and print its canonical form:\n"
	       "type and case-insensitive parts lowercased, qualifiers sorted, percent-encoding\n"
	       "normalised, type rules applied (e.g. \"pkg:PYPI/Django_package\" gives\n"
	       "\"pkg:pypi/django-package\").  An invalid purl is reported on stderr, exit 1.\n\n"
	       "With \"-\", reads purls one per line on standard input and prints\n"
	       "\"INPUT<TAB>CANONICAL\" per line, or \"INPUT<TAB>ERROR<TAB>MESSAGE\" for an\n"
	       "invalid one; exits 1 at the end if any line failed.\n\n"
	       "  --json   print the decoded components and the canonical form as JSON\n"
	       "           (with \"-\": one object per line with \"input\", and \"error\"\n"
	       "           instead of the components for an invalid purl)\n"
	       "  --help   print this help\n");
}

/* The input line as a JSON string; bytes that are not UTF-8 become '?'. */
static json_t *input_json(const char *s, size_t n)
{
	json_t *j = json_stringn(s, n);
	char *copy;

	if (j != NULL)
		return j;
	copy = xstrndup(s, n);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)copy[i] >= 0x80 || copy[i] == '\0')
			copy[i] = '?';
	j = json_stringn(copy, n);
	free(copy);
	return j;
}

static json_t *string_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/* {"canonical", "type", "namespace", "name", "version", "qualifiers", "subpath"} */
static json_t *purl_json(const struct purl *p, const char *canonical)
{
	json_t *j = json_object(), *q = p->nqualifiers > 0 ? json_object() : json_null();

	for (size_t i = 0; i < p->nqualifiers; i++)
		json_object_set_new(q, p->qualifiers[i].key, json_string(p->qualifiers[i].value));
	json_object_set_new(j, "canonical", json_string(canonical));
	json_object_set_new(j, "type", json_string(p->type));
	json_object_set_new(j, "namespace", string_or_null(p->namespace));
	json_object_set_new(j, "name", json_string(p->name));
	json_object_set_new(j, "version", string_or_null(p->version));
	json_object_set_new(j, "qualifiers", q);
	json_object_set_new(j, "subpath", string_or_null(p->subpath));
	return j;
}

/* Parse and canonicalise len bytes of s: *p and *canonical on success. */
static int check(const char *s, size_t len, struct purl **p, char **canonical, struct err *e)
{
	*canonical = NULL;
	if (purl_parse(p, s, len, e) < 0)
		return -1;
	if (purl_build(canonical, *p, e) < 0) {
		purl_free(*p);
		*p = NULL;
		return -1;
	}
	return 0;
}

static int purl_one(const char *s, int json)
{
	struct purl *p;
	struct err e = ERR_INIT;
	char *canonical;

	if (check(s, strlen(s), &p, &canonical, &e) < 0)
		return cli_fail(&e);
	if (json)
		cli_print_json(purl_json(p, canonical));
	else
		printf("%s\n", canonical);
	free(canonical);
	purl_free(p);
	return 0;
}

/* Batch mode: a large output buffer, one line in, one line out. */
static int purl_stream(FILE *in, int json)
{
	static char out_buf[1 << 16];
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int failed = 0;

	setvbuf(stdout, out_buf, _IOFBF, sizeof(out_buf));
	while ((n = getline(&line, &cap, in)) >= 0) {
		struct purl *p;
		struct err e = ERR_INIT;
		char *canonical;
		int bad;

		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0)
			continue;
		bad = check(line, (size_t)n, &p, &canonical, &e) < 0;
		failed |= bad;
		if (json) {
			json_t *j = bad ? json_object() : purl_json(p, canonical);

			json_object_set_new(j, "input", input_json(line, (size_t)n));
			if (bad)
				json_object_set_new(j, "error", json_string(e.msg));
			cli_print_json(j);
		} else {
			/* the input is echoed as given, so tabs in it are made visible */
			for (ssize_t i = 0; i < n; i++)
				putchar(line[i] == '\t' ? ' ' : line[i]);
			if (bad)
				printf("\tERROR\t%s\n", e.msg);
			else
				printf("\t%s\n", canonical);
		}
		if (!bad) {
			free(canonical);
			purl_free(p);
		}
	}
	free(line);
	fflush(stdout);
	return failed;
}

int cmd_purl(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int json = 0, c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'J': json = 1; break;
		case 'h': help(); return 0;
		default: return cli_usage("purl", "unknown option");
		}
	}
	if (optind != argc - 1)
		return cli_usage("purl", "give one PURL, or - to read purls from stdin");
	if (strcmp(argv[optind], "-") == 0)
		return purl_stream(stdin, json);
	return purl_one(argv[optind], json);
}
