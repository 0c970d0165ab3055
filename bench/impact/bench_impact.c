/* bench_impact.c - a synthetic portfolio, then the impact matcher's costs against a plain SQL join.
 *
 * Usage: bench_impact [DIR]   (environment: PV, COMPS, PKGS, ADV, NEW, SEED)
 *
 * Makes an instance in DIR (default: a new directory under /var/tmp), then:
 *   1. ADV advisories (OSV records, one affected range each on one of PKGS
 *      packages of five ecosystems) written to a zip and imported with
 *      `advisories import`'s code path (advisories_import_path());
 *   2. PV product versions, each with an SBOM of COMPS components drawn from
 *      the same packages at random versions, imported one by one with
 *      inventory_sbom_import() (each matched against the stored advisories:
 *      the incremental SBOM path);
 *   3. the full match (impact_rematch_all(): drop every match, scan, decide
 *      each candidate pair by vers, store the matches), and the baseline:
 *      the same join as one plain SQL statement, counted;
 *   4. NEW further advisories, each imported alone (the incremental advisory
 *      path) and its affected list read (impact_of_advisory());
 *   5. one SBOM of 10,000 components imported into the full database, and
 *      the same kind of SBOM into an empty instance (DIR/empty, removed after).
 * Prints a Markdown table on stdout (progress on stderr) with peak RSS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zip.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/timefmt.h"
#include "service/advisories.h"
#include "service/impact.h"
#include "service/instance.h"
#include "service/inventory.h"
#include "store/store_advisory.h"

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);

	return v && *v ? strtol(v, NULL, 10) : def;
}

static unsigned long long rng_state;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

static const struct {
	const char *eco, *type, *ns;
} ecos[] = {
	{ "npm", "npm", NULL },
	{ "PyPI", "pypi", NULL },
	{ "Maven", "maven", "org.bench" },
	{ "Go", "golang", "github.com/bench" },
	{ "crates.io", "cargo", NULL },
};
#define NECO 5

/* version index 0..3999 -> "MAJ.MIN.PATCH" */
static void version_of(unsigned k, char *out, size_t n)
{
	snprintf(out, n, "%u.%u.%u", k / 400, (k / 20) % 20, k % 20);
}

static void purl_of(unsigned pkg, const char *version, char *out, size_t n)
{
	unsigned e = pkg % NECO;

	snprintf(out, n, "pkg:%s/%s%spkg%u@%s%s", ecos[e].type, ecos[e].ns ? ecos[e].ns : "",
		 ecos[e].ns ? "/" : "", pkg, e == 3 ? "v" : "", version);
}

static char *osv_doc(const char *id, unsigned pkg, size_t *len)
{
	unsigned e = pkg % NECO, lo = rnd(4000), hi = lo + 1 + rnd(800);
	char vlo[32], vhi[32], name[96];
	struct buf b;

	version_of(lo, vlo, sizeof(vlo));
	version_of(hi < 4000 ? hi : 3999, vhi, sizeof(vhi));
	if (e == 2)
		snprintf(name, sizeof(name), "org.bench:pkg%u", pkg);
	else if (e == 3)
		snprintf(name, sizeof(name), "github.com/bench/pkg%u", pkg);
	else
		snprintf(name, sizeof(name), "pkg%u", pkg);
	buf_init(&b, 1 << 16);
	buf_addf(&b, "{\"id\":\"%s\",\"modified\":\"2025-01-01T00:00:00Z\",\"summary\":\"bench\","
		  "\"affected\":[{\"package\":{\"ecosystem\":\"%s\",\"name\":\"%s\"},\"ranges\":"
		  "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"%s\"},{\"fixed\":\"%s\"}]}]}]}",
		  id, ecos[e].eco, name, vlo, vhi);
	return buf_detach(&b, len);
}

static char *sbom_doc(unsigned n, unsigned pkgs, size_t *len)
{
	struct buf b;
	char v[32], purl[160];

	buf_init(&b, (size_t)1 << 30);
	buf_adds(&b, "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"version\":1,"
		     "\"components\":[");
	for (unsigned i = 0; i < n; i++) {
		version_of(rnd(4000), v, sizeof(v));
		purl_of(rnd(pkgs), v, purl, sizeof(purl));
		buf_addf(&b, "%s{\"type\":\"library\",\"bom-ref\":\"c%u\",\"name\":\"c%u\","
			  "\"version\":\"%s\",\"purl\":\"%s\"}", i ? "," : "", i, i, v, purl);
	}
	buf_adds(&b, "]}");
	return buf_detach(&b, len);
}

/* One 10,000-component SBOM into a fresh, empty instance in dir: the import's
 * own cost without the portfolio; -1 on error. */
static int64_t empty_import(const char *dir, unsigned pkgs)
{
	struct init_options io = { 0 };
	struct init_result ir;
	struct config cfg;
	struct instance *in = NULL;
	struct actor a = { 0, "bench", "bench" };
	struct err e = ERR_INIT;
	json_t *out = NULL;
	size_t len;
	char *doc = NULL, cmd[400];
	int64_t pid, t0, took = -1;

	io.dir = dir;
	if (instance_init(&io, &ir, &e) < 0 || instance_config(&cfg, dir, &e) < 0 ||
	    instance_open(&in, &cfg, 1, &e) < 0 ||
	    inventory_product_create(in->db, &a, "empty", NULL, NULL, &out, &e) < 0)
		goto out;
	pid = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	out = NULL;
	doc = sbom_doc(10000, pkgs, &len);
	t0 = time_mono_us();
	if (inventory_sbom_import(in->db, &a, pid, "1", doc, len, 0, &out, &e) < 0)
		goto out;
	took = time_mono_us() - t0;
out:
	if (took < 0)
		fprintf(stderr, "bench_impact: empty instance: %s\n", e.msg);
	json_decref(out);
	free(doc);
	if (in != NULL)
		instance_close(in);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_impact: could not remove %s\n", dir);
	return took;
}

static double ms(int64_t us)
{
	return (double)us / 1000.0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void progress(void *arg, const char *name, const struct advisories_stats *st, int rc,
		     const struct err *e)
{
	(void)arg;
	(void)name;
	if (rc < 0)
		fprintf(stderr, "bench_impact: %s: %s\n", name, e->msg);
	else if (st->documents % 20000 == 0)
		fprintf(stderr, "bench_impact: %lld advisories\n", (long long)st->documents);
}

int main(int argc, char **argv)
{
	long pv = env_long("PV", 10000), comps = env_long("COMPS", 100);
	long pkgs = env_long("PKGS", 20000), adv = env_long("ADV", 100000);
	long fresh = env_long("NEW", 200);
	struct init_options io = { 0 };
	struct init_result ir;
	struct config cfg;
	struct instance *in = NULL;
	struct actor a = { 0, "bench", "bench" };
	struct advisories_stats st;
	struct impact_stats is;
	struct err e = ERR_INIT;
	char dir[256], zpath[300], id[64];
	int64_t t0, t_adv, t_sbom, t_join, n_join = 0, *lat_match, *lat_total;
	int64_t sbom_max = 0;
	struct rusage ru;
	zip_t *z;
	int zerr;
	json_t *out;
	int64_t pid;

	rng_state = (unsigned long long)env_long("SEED", 42) * 2654435761ull + 1;
	if (argc > 1) {
		snprintf(dir, sizeof(dir), "%s", argv[1]);
	} else {
		snprintf(dir, sizeof(dir), "/var/tmp/vf-bench-impact-XXXXXX");
		if (mkdtemp(dir) == NULL)
			return 1;
		rmdir(dir);
	}
	io.dir = dir;
	if (instance_init(&io, &ir, &e) < 0 || instance_config(&cfg, dir, &e) < 0 ||
	    instance_open(&in, &cfg, 1, &e) < 0) {
		fprintf(stderr, "bench_impact: %s\n", e.msg);
		return 1;
	}

	/* 1. advisories, from a zip */
	snprintf(zpath, sizeof(zpath), "%s/advisories.zip", dir);
	z = zip_open(zpath, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	for (long i = 0; z && i < adv; i++) {
		size_t len;
		char *doc, name[80];
		zip_source_t *src;

		snprintf(id, sizeof(id), "BENCH-%07ld", i);
		doc = osv_doc(id, rnd((unsigned)pkgs), &len);
		src = zip_source_buffer(z, doc, len, 1);
		snprintf(name, sizeof(name), "%s.json", id);
		if (src == NULL || zip_file_add(z, name, src, 0) < 0) {
			fprintf(stderr, "bench_impact: zip: %s\n", zip_strerror(z));
			return 1;
		}
	}
	if (z == NULL || zip_close(z) < 0) {
		fprintf(stderr, "bench_impact: cannot write %s\n", zpath);
		return 1;
	}
	fprintf(stderr, "bench_impact: importing %ld advisories\n", adv);
	t0 = time_mono_us();
	if (advisories_import_path(in->db, &a, zpath, progress, NULL, &st, &e) < 0) {
		fprintf(stderr, "bench_impact: %s\n", e.msg);
		return 1;
	}
	t_adv = time_mono_us() - t0;

	/* 2. the portfolio */
	if (inventory_product_create(in->db, &a, "portfolio", NULL, NULL, &out, &e) < 0) {
		fprintf(stderr, "bench_impact: %s\n", e.msg);
		return 1;
	}
	pid = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	fprintf(stderr, "bench_impact: importing %ld SBOMs of %ld components\n", pv, comps);
	t0 = time_mono_us();
	for (long i = 0; i < pv; i++) {
		size_t len;
		char *doc = sbom_doc((unsigned)comps, (unsigned)pkgs, &len), ver[32];
		int64_t t1 = time_mono_us();

		snprintf(ver, sizeof(ver), "%ld", i);
		if (inventory_sbom_import(in->db, &a, pid, ver, doc, len, 0, &out, &e) < 0) {
			fprintf(stderr, "bench_impact: %s\n", e.msg);
			return 1;
		}
		if (time_mono_us() - t1 > sbom_max)
			sbom_max = time_mono_us() - t1;
		json_decref(out);
		free(doc);
		if (i % 1000 == 999)
			fprintf(stderr, "bench_impact: %ld SBOMs\n", i + 1);
	}
	t_sbom = time_mono_us() - t0;

	/* 3. the full match and the plain join */
	fprintf(stderr, "bench_impact: full match\n");
	if (impact_rematch_all(in->db, &a, &is, &e) < 0) {
		fprintf(stderr, "bench_impact: %s\n", e.msg);
		return 1;
	}
	{
		struct db_conn *c;

		t0 = time_mono_us();
		if (db_acquire(in->db, &c, 10000, &e) < 0 ||
		    store_candidates_count(c, &n_join, &e) < 0) {
			fprintf(stderr, "bench_impact: %s\n", e.msg);
			return 1;
		}
		db_release(c);
		t_join = time_mono_us() - t0;
	}

	/* 4. new advisories, one at a time */
	lat_match = xcalloc((size_t)fresh + 1, sizeof(int64_t));
	lat_total = xcalloc((size_t)fresh + 1, sizeof(int64_t));
	for (long i = 0; i < fresh; i++) {
		size_t len;
		char *doc;
		int64_t t1, t2;

		snprintf(id, sizeof(id), "NEW-%06ld", i);
		doc = osv_doc(id, rnd((unsigned)pkgs), &len);
		t1 = time_mono_us();
		if (advisories_import_doc(in->db, &a, doc, len, &out, &e) < 0) {
			fprintf(stderr, "bench_impact: %s\n", e.msg);
			return 1;
		}
		json_decref(out);
		t2 = time_mono_us();
		if (impact_of_advisory(in->db, id, &out, &e) < 0) {
			fprintf(stderr, "bench_impact: %s\n", e.msg);
			return 1;
		}
		json_decref(out);
		lat_match[i] = t2 - t1;
		lat_total[i] = time_mono_us() - t1;
		free(doc);
	}
	qsort(lat_match, (size_t)fresh, sizeof(int64_t), cmp_i64);
	qsort(lat_total, (size_t)fresh, sizeof(int64_t), cmp_i64);

	/* 5. one big SBOM into the full database */
	{
		size_t len;
		char *doc = sbom_doc(10000, (unsigned)pkgs, &len);
		int64_t t1 = time_mono_us(), t_big, t_empty;
		long long matched;
		char edir[300];

		if (inventory_sbom_import(in->db, &a, pid, "big", doc, len, 0, &out, &e) < 0) {
			fprintf(stderr, "bench_impact: %s\n", e.msg);
			return 1;
		}
		t_big = time_mono_us() - t1;
		matched = (long long)json_integer_value(json_object_get(out, "matches"));
		json_decref(out);
		free(doc);
		snprintf(edir, sizeof(edir), "%s/empty", dir);
		t_empty = empty_import(edir, (unsigned)pkgs);
		if (t_empty < 0)
			return 1;
		getrusage(RUSAGE_SELF, &ru);
		printf("| measure | value | target |\n|---|---|---|\n");
		printf("| portfolio | %ld product versions x %ld components = %ld, %ld packages"
		       " | 10,000 x 100 |\n", pv, comps, pv * comps, pkgs);
		printf("| advisories imported (zip, incremental match each) | %ld in %.1f s"
		       " (%.0f/s) | 100,000 |\n", adv, ms(t_adv) / 1000, (double)adv / (ms(t_adv) / 1000));
		printf("| SBOM imports of %ld components (incremental match each) | mean %.2f ms,"
		       " max %.2f ms | |\n", comps, ms(t_sbom) / (double)pv, ms(sbom_max));
		printf("| full match (drop all, scan ranges + components, vers decision, store) | **%.2f s**: %lld"
		       " candidate pairs, %lld matches | <= 10 s |\n", ms(is.us) / 1000,
		       (long long)is.candidates, (long long)is.matches);
		printf("| baseline: the same join as one plain SQL COUNT | %.2f s: %lld pairs"
		       " | |\n", ms(t_join) / 1000, (long long)n_join);
		printf("| one new advisory: import + match + commit | median %.2f ms, p95 %.2f ms"
		       " | |\n", ms(lat_match[fresh / 2]), ms(lat_match[fresh * 95 / 100]));
		printf("| one new advisory -> affected list (the above + impact_of_advisory) |"
		       " **median %.2f ms**, p95 %.2f ms | <= 5 ms |\n", ms(lat_total[fresh / 2]),
		       ms(lat_total[fresh * 95 / 100]));
		printf("| one SBOM of 10,000 components into the full database | **%.1f ms**"
		       " (%lld matches) | <= 200 ms |\n", ms(t_big), matched);
		printf("| the same kind of SBOM into an empty instance | %.1f ms | <= 200 ms |\n",
		       ms(t_empty));
		printf("| peak RSS | %.0f MB | <= 1 GB |\n", (double)ru.ru_maxrss / 1024);
	}
	free(lat_match);
	free(lat_total);
	instance_close(in);
	if (argc <= 1) {
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench_impact: could not remove %s\n", dir);
	}
	return 0;
}
