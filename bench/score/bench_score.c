/* bench_score.c - CVSS parse+score throughput on random valid vectors, one core.
 *
 * Usage: bench_score [--count N] [--seconds S] [--write-vectors FILE]
 * Makes N random valid vectors of each of CVSS 3.1 and 4.0 (a fixed seed, so
 * every run scores the same vectors), then scores them in a loop for S
 * seconds per version and prints vectors/s.  malloc, calloc and realloc are
 * wrapped (-Wl,--wrap) to count allocations made while scoring: the target is
 * none.  --write-vectors writes the vectors (3.1 then 4.0), one per line, for
 * the CLI comparison in bench/score/run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rules/cvss.h"

static unsigned long allocations;

void *__real_malloc(size_t n);
void *__real_calloc(size_t c, size_t n);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t c, size_t n);
void *__wrap_realloc(void *p, size_t n);

void *__wrap_malloc(size_t n)
{
	allocations++;
	return __real_malloc(n);
}

void *__wrap_calloc(size_t c, size_t n)
{
	allocations++;
	return __real_calloc(c, n);
}

void *__wrap_realloc(void *p, size_t n)
{
	allocations++;
	return __real_realloc(p, n);
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static unsigned pick(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

struct metric {
	const char *name;
	const char *values[8];
	int optional;  /* may be left out (and X is one of the values) */
};

static const struct metric m31[] = {
	{ "AV", { "N", "A", "L", "P" }, 0 }, { "AC", { "L", "H" }, 0 },
	{ "PR", { "N", "L", "H" }, 0 },      { "UI", { "N", "R" }, 0 },
	{ "S", { "U", "C" }, 0 },            { "C", { "H", "L", "N" }, 0 },
	{ "I", { "H", "L", "N" }, 0 },       { "A", { "H", "L", "N" }, 0 },
	{ "E", { "X", "H", "F", "P", "U" }, 1 }, { "RL", { "X", "U", "W", "T", "O" }, 1 },
	{ "RC", { "X", "C", "R", "U" }, 1 }, { "CR", { "X", "H", "M", "L" }, 1 },
	{ "IR", { "X", "H", "M", "L" }, 1 }, { "AR", { "X", "H", "M", "L" }, 1 },
	{ "MAV", { "X", "N", "A", "L", "P" }, 1 }, { "MAC", { "X", "L", "H" }, 1 },
	{ "MPR", { "X", "N", "L", "H" }, 1 }, { "MUI", { "X", "N", "R" }, 1 },
	{ "MS", { "X", "U", "C" }, 1 },      { "MC", { "X", "H", "L", "N" }, 1 },
	{ "MI", { "X", "H", "L", "N" }, 1 }, { "MA", { "X", "H", "L", "N" }, 1 },
	{ NULL, { NULL }, 0 }
};

static const struct metric m40[] = {
	{ "AV", { "N", "A", "L", "P" }, 0 }, { "AC", { "L", "H" }, 0 },
	{ "AT", { "N", "P" }, 0 },           { "PR", { "N", "L", "H" }, 0 },
	{ "UI", { "N", "P", "A" }, 0 },      { "VC", { "H", "L", "N" }, 0 },
	{ "VI", { "H", "L", "N" }, 0 },      { "VA", { "H", "L", "N" }, 0 },
	{ "SC", { "H", "L", "N" }, 0 },      { "SI", { "H", "L", "N" }, 0 },
	{ "SA", { "H", "L", "N" }, 0 },      { "E", { "X", "A", "P", "U" }, 1 },
	{ "CR", { "X", "H", "M", "L" }, 1 }, { "IR", { "X", "H", "M", "L" }, 1 },
	{ "AR", { "X", "H", "M", "L" }, 1 }, { "MAV", { "X", "N", "A", "L", "P" }, 1 },
	{ "MAC", { "X", "L", "H" }, 1 },     { "MAT", { "X", "N", "P" }, 1 },
	{ "MPR", { "X", "N", "L", "H" }, 1 }, { "MUI", { "X", "N", "P", "A" }, 1 },
	{ "MVC", { "X", "H", "L", "N" }, 1 }, { "MVI", { "X", "H", "L", "N" }, 1 },
	{ "MVA", { "X", "H", "L", "N" }, 1 }, { "MSC", { "X", "H", "L", "N" }, 1 },
	{ "MSI", { "X", "S", "H", "L", "N" }, 1 }, { "MSA", { "X", "S", "H", "L", "N" }, 1 },
	{ "S", { "X", "N", "P" }, 1 },       { "AU", { "X", "N", "Y" }, 1 },
	{ "R", { "X", "A", "U", "I" }, 1 },  { "V", { "X", "D", "C" }, 1 },
	{ "RE", { "X", "L", "M", "H" }, 1 }, { "U", { "X", "Clear", "Green", "Amber", "Red" }, 1 },
	{ NULL, { NULL }, 0 }
};

static void make_vector(const char *prefix, const struct metric *m, char *out, size_t cap)
{
	size_t len = (size_t)snprintf(out, cap, "%s", prefix);

	for (; m->name; m++) {
		unsigned n = 0;

		while (n < 8 && m->values[n])
			n++;
		/* optional metrics: present about a third of the time */
		if (m->optional && pick(3) != 0)
			continue;
		len += (size_t)snprintf(out + len, cap - len, "/%s:%s", m->name,
					m->values[pick(n)]);
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run(const char *label, char **vec, size_t *lens, size_t count, double seconds)
{
	struct cvss_result r;
	struct err e = ERR_INIT;
	unsigned long scored = 0, before;
	long checksum = 0;
	double t0, t;

	before = allocations;
	t0 = now_s();
	do {
		for (size_t i = 0; i < count; i++) {
			if (cvss_score(vec[i], lens[i], &r, &e) < 0) {
				fprintf(stderr, "bench_score: %s: %s\n", vec[i], e.msg);
				return -1;
			}
			checksum += r.score;
		}
		scored += count;
		t = now_s() - t0;
	} while (t < seconds);
	printf("%s\t%.2f M/s\t%lu vectors in %.2f s\tallocations %lu\tchecksum %ld\n", label,
	       (double)scored / t / 1e6, scored, t, allocations - before, checksum);
	return 0;
}

int main(int argc, char **argv)
{
	size_t count = 100000;
	double seconds = 3;
	const char *write_to = NULL;
	char (*v31)[CVSS_VECTOR_MAX], (*v40)[CVSS_VECTOR_MAX];
	char **p31, **p40, *pack31, *pack40;
	size_t *l31, *l40, o31 = 0, o40 = 0;
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--count") == 0 && i + 1 < argc)
			count = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (strcmp(argv[i], "--write-vectors") == 0 && i + 1 < argc)
			write_to = argv[++i];
		else {
			fprintf(stderr, "usage: bench_score [--count N] [--seconds S] "
					"[--write-vectors FILE]\n");
			return strcmp(argv[i], "--help") == 0 ? 0 : 2;
		}
	}
	v31 = malloc(count * sizeof(*v31));
	v40 = malloc(count * sizeof(*v40));
	l31 = malloc(count * sizeof(*l31));
	l40 = malloc(count * sizeof(*l40));
	p31 = malloc(count * sizeof(*p31));
	p40 = malloc(count * sizeof(*p40));
	pack31 = malloc(count * CVSS_VECTOR_MAX);
	pack40 = malloc(count * CVSS_VECTOR_MAX);
	if (!v31 || !v40 || !l31 || !l40 || !p31 || !p40 || !pack31 || !pack40)
		return 1;
	for (size_t i = 0; i < count; i++) {
		make_vector("CVSS:3.1", m31, v31[i], CVSS_VECTOR_MAX);
		make_vector("CVSS:4.0", m40, v40[i], CVSS_VECTOR_MAX);
		l31[i] = strlen(v31[i]);
		l40[i] = strlen(v40[i]);
		/* scored from one packed buffer, as vectors read from a file would be */
		p31[i] = memcpy(pack31 + o31, v31[i], l31[i] + 1);
		p40[i] = memcpy(pack40 + o40, v40[i], l40[i] + 1);
		o31 += l31[i] + 1;
		o40 += l40[i] + 1;
	}
	if (write_to != NULL) {
		FILE *f = fopen(write_to, "w");
		if (f == NULL)
			return 1;
		for (size_t i = 0; i < count; i++)
			fprintf(f, "%s\n", v31[i]);
		for (size_t i = 0; i < count; i++)
			fprintf(f, "%s\n", v40[i]);
		fclose(f);
	}
	if (run("cvss3.1", p31, l31, count, seconds) < 0 || run("cvss4.0", p40, l40, count, seconds) < 0)
		rc = 1;
	free(v31);
	free(v40);
	free(l31);
	free(l40);
	free(p31);
	free(p40);
	free(pack31);
	free(pack40);
	return rc;
}
