/* cmd_score.c - `vulnflow score VECTOR|-`: CVSS 2.0, 3.0, 3.1 and 4.0 scores. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "service/scoring.h"

static void help(void)
{
	printf("Usage: vulnflow score [--json] VECTOR\n"
	       "       vulnflow score [--json] -\n\n"
	       "Score a CVSS vector exactly as FIRST's calculators do: 4.0 (\"CVSS:4.0/...\"),\n"
	       "3.1, 3.0 (\"CVSS:3.x/...\") or 2.0 (\"AV:N/AC:L/Au:N/C:P/I:P/A:P\").\n\n"
	       "Prints \"SCORE SEVERITY\", e.g. \"9.3 Critical\".  For 3.x and 2.0 the score is the\n"
	       "environmental one if any environmental metric is set, else the temporal one if\n"
	       "any temporal metric is set, else the base score.\n\n"
	       "With \"-\", reads vectors one per line on standard input and prints\n"
	       "\"VECTOR<TAB>SCORE<TAB>SEVERITY\" per line, or \"VECTOR<TAB>ERROR<TAB>MESSAGE\" for\n"
	       "an invalid one; exits 1 at the end if any line failed.\n\n"
	       "  --json   print every sub-score, the nomenclature and the normalised vector\n"
	       "           (one JSON object per line with \"-\")\n"
	       "  --help   print this help\n");
}

static int score_one(const char *vector, size_t len, int json)
{
	struct cvss_result r;
	struct err e = ERR_INIT;
	char score[8];

	if (cvss_score(vector, len, &r, &e) < 0) {
		fprintf(stderr, "vulnflow score: %s\n", e.msg);
		return 1;
	}
	if (json) {
		cli_print_json(scoring_json(&r));
	} else {
		scoring_tenths(r.score, score);
		printf("%s %s\n", score, r.severity);
	}
	return 0;
}

/* Batch mode: a large output buffer, one line in, one line out. */
static int score_stream(FILE *in, int json)
{
	static char out_buf[1 << 16];
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int failed = 0;

	setvbuf(stdout, out_buf, _IOFBF, sizeof(out_buf));
	while ((n = getline(&line, &cap, in)) >= 0) {
		struct cvss_result r;
		struct err e = ERR_INIT;
		char score[8];

		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0)
			continue;
		if (cvss_score(line, (size_t)n, &r, &e) < 0) {
			failed = 1;
			/* the input is echoed as given, so tabs in it are made visible */
			for (ssize_t i = 0; i < n; i++)
				putchar(line[i] == '\t' ? ' ' : line[i]);
			printf("\tERROR\t%s\n", e.msg);
			continue;
		}
		if (json) {
			json_t *j = scoring_json(&r);
			json_object_set_new(j, "input", json_stringn(line, (size_t)n));
			cli_print_json(j);
			continue;
		}
		scoring_tenths(r.score, score);
		fwrite(line, 1, (size_t)n, stdout);
		printf("\t%s\t%s\n", score, r.severity);
	}
	free(line);
	fflush(stdout);
	return failed;
}

int cmd_score(int argc, char **argv)
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
		default: return cli_usage("score", "unknown option");
		}
	}
	if (optind != argc - 1)
		return cli_usage("score", "give one VECTOR, or - to read vectors from stdin");
	if (strcmp(argv[optind], "-") == 0)
		return score_stream(stdin, json);
	return score_one(argv[optind], strlen(argv[optind]), json);
}
