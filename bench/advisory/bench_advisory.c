/* bench_advisory.c - CSAF/OSV export of many synthetic bulletins, against a jansson baseline.
 *
 * Usage: bench_advisory [--count N] [--out DIR]
 * Makes N synthetic bulletins (fixed seed: 2-8 product versions of 1-3 vendors,
 * 1-4 components, a CVSS 3.1 and a 4.0 vector from a small set, CWE, two
 * revisions, en and zh-CN text), then times, on the calling thread:
 *
 *   csaf_export        N CSAF 2.0 security advisories (the target: <= 1 s for 10,000)
 *   csaf_vex_export    N VEX documents
 *   osv_export         N OSV records
 *   baseline           json_dumps() of N pre-built jansson trees equal to the CSAF
 *                      documents (parsed back beforehand): the serialisation alone
 *   feed               index.txt, changes.csv and the ROLIE feed over the N documents,
 *                      plus the .sha256 and .sha512 file of each
 *
 * and prints a Markdown table.  --out DIR also writes the first 20 CSAF documents there
 * (bench/advisory/run validates them).  Exit status 1 if an export fails.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "formats/csaf_feed.h"
#include "formats/csaf_out.h"
#include "formats/osv_out.h"

#define MAXP 8
#define MAXC 4

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static unsigned pick(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One synthetic bulletin and the strings it points to. */
struct synth {
	struct bulletin b;
	struct bulletin_product prods[MAXP];
	struct bulletin_component comps[MAXC];
	struct bulletin_revision revs[2];
	struct bulletin_reference refs[1];
	struct bulletin_credit credits[1];
	char id[32], url[96], title[96], vers[MAXP][16], fixed[MAXP][16], alias[32];
	const char *aliases[1];
};

static const char *const vendors[] = { "Acme", "Beta Networks", "Gamma Systems" };
static const char *const names[] = { "Router", "Switch", "Firewall", "Camera", "Gateway" };
static const char *const cvss3[] = {
	"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	"CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N",
	"CVSS:3.1/AV:A/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N/E:P/RL:O/RC:C",
	"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H/CR:H/MAV:N",
};
static const char *const cvss4[] = {
	"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
	"CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N",
};
static const char *const purls[] = { "pkg:npm/%40acme/web-ui", "pkg:pypi/acme-cgi",
				      "pkg:maven/org.acme/core", "pkg:golang/github.com/acme/lib",
				      "pkg:generic/acme/firmware" };
static const char *const justs[] = { "vulnerable_code_not_present", "component_not_present" };

static void synth_make(struct synth *s, unsigned i)
{
	struct bulletin *b = &s->b;
	unsigned np = 2 + pick(MAXP - 1), nc = 1 + pick(MAXC);
	unsigned vendor = pick(3), name = pick(5);

	memset(s, 0, sizeof(*s));
	snprintf(s->id, sizeof(s->id), "VF-2026-%05u", i + 1);
	snprintf(s->url, sizeof(s->url), "https://psirt.example.cn/advisories/%s", s->id);
	snprintf(s->title, sizeof(s->title), "Vulnerability %u in the %s %s", i + 1, vendors[vendor],
		 names[name]);
	snprintf(s->alias, sizeof(s->alias), "CNVD-2026-%05u", i + 1);
	s->aliases[0] = s->alias;
	for (unsigned p = 0; p < np; p++) {
		struct bulletin_product *bp = &s->prods[p];

		snprintf(s->vers[p], sizeof(s->vers[p]), "%u.%u", 1 + p / 3, p % 3);
		snprintf(s->fixed[p], sizeof(s->fixed[p]), "%u.9", 1 + p / 3);
		bp->vendor = vendors[(vendor + p / 4) % 3];
		bp->name = names[(name + p / 2) % 5];
		bp->version = s->vers[p];
		bp->purl = p % 2 ? "pkg:generic/acme/device" : NULL;
		bp->status = p % 5 == 4 ? BULLETIN_NOT_AFFECTED :
			     p % 7 == 6 ? BULLETIN_UNDER_INVESTIGATION : BULLETIN_AFFECTED;
		bp->justification = bp->status == BULLETIN_NOT_AFFECTED ? justs[p % 2] : NULL;
		bp->fixed_in = bp->status == BULLETIN_AFFECTED ? s->fixed[p] : NULL;
	}
	for (unsigned c = 0; c < nc; c++) {
		s->comps[c].purl = purls[(i + c) % 5];
		s->comps[c].introduced = c % 2 ? NULL : "1.0.0";
		s->comps[c].fixed = "1.4.2";
	}
	s->revs[0] = (struct bulletin_revision){ 1, INT64_C(1793520000000000) + i * INT64_C(1000000),
						 "Initial release." };
	s->revs[1] = (struct bulletin_revision){ 2, INT64_C(1795141800000000) + i * INT64_C(1000000),
						 "Fixed versions added." };
	s->refs[0] = (struct bulletin_reference){ s->url, "This advisory", 1 };
	s->credits[0] = (struct bulletin_credit){ "Li Lei", "Example Lab" };
	b->id = s->id;
	b->lang = "en";
	b->status = "final";
	b->initial_release_us = s->revs[0].date_us;
	b->current_release_us = s->revs[1].date_us;
	b->revisions = s->revs;
	b->nrevisions = 2;
	b->publisher_name = "Acme PSIRT";
	b->publisher_namespace = "https://psirt.example.cn";
	b->tlp = "WHITE";
	b->generator = "vulnflow 0.3";
	b->title.v[BULLETIN_EN] = s->title;
	b->title.v[BULLETIN_ZH] = "路由器 Web 界面存储型 XSS 漏洞";
	b->summary.v[BULLETIN_EN] = "An attacker can store script in the **device name**.";
	b->description.v[BULLETIN_EN] = "The web UI does not escape the device name.";
	b->remediation.v[BULLETIN_EN] = "Upgrade to the fixed firmware.";
	b->workarounds.v[BULLETIN_EN] = "Restrict access to the web UI.";
	b->aliases = s->aliases;
	b->naliases = 1;
	b->cwe_id = "CWE-79";
	b->cvss3_vector = cvss3[pick(4)];
	b->cvss4_vector = cvss4[pick(2)];
	b->gbt_grade = "high";
	b->products = s->prods;
	b->nproducts = np;
	b->components = s->comps;
	b->ncomponents = nc;
	b->references = s->refs;
	b->nreferences = 1;
	b->credits = s->credits;
	b->ncredits = 1;
}

typedef int (*exporter)(char **, size_t *, const struct bulletin *, const char *, struct err *);

/* Export all n; keep the documents in docs (or free them when docs is NULL). */
static double run_export(exporter f, const struct synth *s, size_t n, char **docs, size_t *lens,
			 size_t *bytes)
{
	double t0 = now();

	*bytes = 0;
	for (size_t i = 0; i < n; i++) {
		char *d;
		size_t len;
		struct err e = ERR_INIT;

		if (f(&d, &len, &s[i].b, "en", &e) < 0) {
			fprintf(stderr, "bench_advisory: %s: %s\n", s[i].b.id, e.msg);
			exit(1);
		}
		*bytes += len;
		if (docs != NULL) {
			docs[i] = d;
			lens[i] = len;
		} else {
			free(d);
		}
	}
	return now() - t0;
}

int main(int argc, char **argv)
{
	size_t n = 10000, bytes, bbytes = 0;
	const char *outdir = NULL;
	struct synth *s;
	char **docs;
	size_t *lens;
	json_t **trees;
	struct csaf_feed_doc *fd;
	double t_csaf, t_vex, t_osv, t_base, t_feed, t0;
	size_t vbytes, obytes, fbytes = 0, nprod = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--count") == 0 && i + 1 < argc)
			n = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
			outdir = argv[++i];
		else {
			fprintf(stderr, "usage: bench_advisory [--count N] [--out DIR]\n");
			return 2;
		}
	}
	s = calloc(n, sizeof(*s));
	docs = calloc(n, sizeof(*docs));
	lens = calloc(n, sizeof(*lens));
	trees = calloc(n, sizeof(*trees));
	fd = calloc(n, sizeof(*fd));
	if (s == NULL || docs == NULL || lens == NULL || trees == NULL || fd == NULL)
		return 1;
	for (size_t i = 0; i < n; i++) {
		synth_make(&s[i], (unsigned)i);
		nprod += s[i].b.nproducts;
	}

	t_csaf = run_export(csaf_export, s, n, docs, lens, &bytes);
	t_vex = run_export(csaf_vex_export, s, n, NULL, NULL, &vbytes);
	t_osv = run_export(osv_export, s, n, NULL, NULL, &obytes);

	for (size_t i = 0; i < n; i++) {
		json_error_t je;

		trees[i] = json_loadb(docs[i], lens[i], 0, &je);
		if (trees[i] == NULL) {
			fprintf(stderr, "bench_advisory: %s does not parse: %s\n", s[i].b.id, je.text);
			return 1;
		}
	}
	t0 = now();
	for (size_t i = 0; i < n; i++) {
		char *d = json_dumps(trees[i], JSON_COMPACT | JSON_REAL_PRECISION(3));

		bbytes += strlen(d);
		free(d);
	}
	t_base = now() - t0;

	for (size_t i = 0; i < n; i++)
		fd[i] = (struct csaf_feed_doc){ s[i].b.id, s[i].title, s[i].b.initial_release_us,
						s[i].b.current_release_us, docs[i], lens[i] };
	t0 = now();
	{
		static const struct csaf_feed_config c = {
			.base_url = "https://psirt.example.cn", .publisher_name = "Acme PSIRT",
			.publisher_namespace = "https://psirt.example.cn",
		};
		struct err e = ERR_INIT;
		char *out;
		size_t len;

		if (csaf_feed_index_txt(&out, &len, fd, n, &e) < 0)
			return 1;
		fbytes += len;
		free(out);
		if (csaf_feed_changes_csv(&out, &len, fd, n, &e) < 0)
			return 1;
		fbytes += len;
		free(out);
		if (csaf_feed_rolie(&out, &len, &c, fd, n, &e) < 0)
			return 1;
		fbytes += len;
		free(out);
		for (size_t i = 0; i < n; i++)
			for (int bits = 256; bits <= 512; bits += 256) {
				if (csaf_feed_hash_file(&out, &len, &fd[i], bits, &e) < 0)
					return 1;
				fbytes += len;
				free(out);
			}
	}
	t_feed = now() - t0;

	if (outdir != NULL)
		for (size_t i = 0; i < n && i < 20; i++) {
			char path[4096];
			FILE *f;

			snprintf(path, sizeof(path), "%s/%s.json", outdir, s[i].b.id);
			f = fopen(path, "wb");
			if (f == NULL)
				return 1;
			fwrite(docs[i], 1, lens[i], f);
			fclose(f);
		}

	printf("%zu synthetic bulletins (%.1f product versions, %.0f bytes of CSAF each on average), "
	       "one thread:\n\n", n, (double)nprod / (double)n, (double)bytes / (double)n);
	printf("| step | total | per document | output |\n|---|---:|---:|---:|\n");
	printf("| `csaf_export` (security advisory) | %.3f s | %.1f µs | %.1f MB |\n", t_csaf,
	       t_csaf * 1e6 / (double)n, (double)bytes / 1e6);
	printf("| `csaf_vex_export` | %.3f s | %.1f µs | %.1f MB |\n", t_vex, t_vex * 1e6 / (double)n,
	       (double)vbytes / 1e6);
	printf("| `osv_export` | %.3f s | %.1f µs | %.1f MB |\n", t_osv, t_osv * 1e6 / (double)n,
	       (double)obytes / 1e6);
	printf("| baseline: `json_dumps` of the same documents, pre-built | %.3f s | %.1f µs | %.1f MB |\n",
	       t_base, t_base * 1e6 / (double)n, (double)bbytes / 1e6);
	printf("| feed: index.txt + changes.csv + ROLIE + %zu hash files | %.3f s | %.1f µs | %.1f MB |\n",
	       2 * n, t_feed, t_feed * 1e6 / (double)n, (double)fbytes / 1e6);
	printf("\nTarget: CSAF export of 10,000 advisories <= 1 s: %s (%.3f s for %zu).\n",
	       t_csaf * 10000.0 / (double)n <= 1.0 ? "met" : "NOT met", t_csaf, n);

	for (size_t i = 0; i < n; i++) {
		free(docs[i]);
		json_decref(trees[i]);
	}
	free(docs);
	free(lens);
	free(trees);
	free(fd);
	free(s);
	return t_csaf * 10000.0 / (double)n <= 1.0 ? 0 : 1;
}
