/* feed_gen.c - published advisories for the feed polling benchmark (bench/advisory/poll),
 * written through the store layer as publication writes them.
 *
 * Usage: feed_gen --dir DIR --case ID [--count N] [--start K] [--sign] [--batch B]
 *
 * Opens the instance in DIR (public_url must be set: the documents' publisher
 * namespace) and inserts N published bulletins of case ID, numbered from K
 * (default 1: "VF-2026-00001" ...), B per transaction, each with what
 * publication stores (store_bulletin_export_add()): its CSAF document made by
 * csaf_export() from a synthetic bulletin (2-6 product versions, CVSS 3.1 and
 * 4.0, a CWE, a reference, a credit), SHA-256 and SHA-512, the OSV record, and
 * with --sign a detached signature by the organisation key (pgp_sign_detached(),
 * the key stored like publication does).  Released one second apart, in order.
 * Prints one line: "GEN bulletins=N bytes=... signed=0|1 seconds=...".
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypto.h"
#include "base/timefmt.h"
#include "formats/csaf_feed.h"
#include "formats/csaf_out.h"
#include "formats/osv_out.h"
#include "service/instance.h"
#include "service/pgp.h"
#include "store/store_bulletin.h"

#define MAXP 6

static const char *const vendors[] = { "Acme", "Beta Networks", "Gamma Systems" };
static const char *const names[] = { "Router", "Switch", "Firewall", "Camera", "Gateway" };

struct synth {
	struct bulletin b;
	struct bulletin_product prods[MAXP];
	struct bulletin_revision rev;
	struct bulletin_reference ref;
	struct bulletin_credit credit;
	char id[32], url[CONFIG_STR_LEN + 64], title[128], vers[MAXP][16], fixed[MAXP][16];
};

static void synth_make(struct synth *s, unsigned i, const char *ns, int64_t at)
{
	struct bulletin *b = &s->b;
	unsigned np = 2 + i % (MAXP - 1);

	memset(s, 0, sizeof(*s));
	snprintf(s->id, sizeof(s->id), "VF-2026-%05u", i);
	snprintf(s->url, sizeof(s->url), "%s/advisories/%s", ns, s->id);
	snprintf(s->title, sizeof(s->title), "Command injection %u in the %s %s", i,
		 vendors[i % 3], names[i % 5]);
	for (unsigned p = 0; p < np; p++) {
		snprintf(s->vers[p], sizeof(s->vers[p]), "%u.%u", 1 + p / 3, p % 3);
		snprintf(s->fixed[p], sizeof(s->fixed[p]), "%u.9", 1 + p / 3);
		s->prods[p].vendor = vendors[i % 3];
		s->prods[p].name = names[(i + p / 2) % 5];
		s->prods[p].version = s->vers[p];
		s->prods[p].status = BULLETIN_AFFECTED;
		s->prods[p].fixed_in = s->fixed[p];
	}
	s->rev = (struct bulletin_revision){ 1, at, "Initial version" };
	s->ref = (struct bulletin_reference){ s->url, "this advisory", 1 };
	s->credit = (struct bulletin_credit){ "Li Lei", "Example Lab" };
	b->id = s->id;
	b->lang = "en";
	b->status = "final";
	b->initial_release_us = at;
	b->current_release_us = at;
	b->revisions = &s->rev;
	b->nrevisions = 1;
	b->publisher_name = "Acme PSIRT";
	b->publisher_namespace = ns;
	b->tlp = "WHITE";
	b->generator = "vulnflow";
	b->title.v[BULLETIN_EN] = s->title;
	b->summary.v[BULLETIN_EN] = "An authenticated user can run commands on the device.";
	b->description.v[BULLETIN_EN] = "A parameter of the diagnostics page is not filtered.";
	b->remediation.v[BULLETIN_EN] = "Upgrade the firmware to the fixed version.";
	b->workarounds.v[BULLETIN_EN] = "Turn the diagnostics page off.";
	b->cwe_id = "CWE-78";
	b->cvss3_vector = "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H";
	b->cvss4_vector = "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
	b->gbt_grade = "high";
	b->products = s->prods;
	b->nproducts = np;
	b->references = &s->ref;
	b->nreferences = 1;
	b->credits = &s->credit;
	b->ncredits = 1;
}

static double now_s(void)
{
	return (double)time_mono_us() / 1e6;
}

/* One published bulletin with its export, on c (in a transaction). */
static int add_one(struct db_conn *c, struct pgp *pgp, const char *fpr, int64_t case_id,
		   unsigned i, const char *ns, int64_t at, size_t *bytes, struct err *e)
{
	struct synth s;
	struct bulletin_row r = { 0 };
	struct bulletin_export_row x = { 0 };
	struct csaf_feed_doc fd = { 0 };
	char path[CSAF_FEED_PATH_MAX], h256[CRYPTO_HASH_HEX_LEN], h512[CRYPTO_SHA512_HEX_LEN];
	char *csaf = NULL, *osv = NULL, *sig = NULL;
	size_t clen, olen;
	int64_t id;
	int rc = -1;

	synth_make(&s, i, ns, at);
	if (csaf_export(&csaf, &clen, &s.b, "en", e) < 0 || osv_export(&osv, &olen, &s.b, "en", e) < 0)
		goto out;
	fd.id = s.id;
	fd.initial_release_us = at;
	if (csaf_feed_rel_path(&fd, path, e) < 0)
		goto out;
	if (pgp && pgp_sign_detached(pgp, csaf, clen, &sig, NULL, e) < 0)
		goto out;
	r.ident = s.id;
	r.case_id = case_id;
	r.state = "published";
	r.revision = 1;
	r.content = "{}";
	r.created_at = r.updated_at = r.published_at = at;
	if (store_bulletin_add(c, &r, &id, e) < 0)
		goto out;
	crypto_sha256_hex(csaf, clen, h256);
	crypto_sha512_hex(csaf, clen, h512);
	x.bulletin_id = id;
	x.revision = 1;
	x.ident = s.id;
	x.title = s.title;
	x.lang = "en";
	x.path = path;
	x.initial_release = x.current_release = x.created_at = at;
	x.csaf = csaf;
	x.sha256 = h256;
	x.sha512 = h512;
	x.signature = sig;
	x.signer = sig ? fpr : NULL;
	x.osv = osv;
	if (store_bulletin_export_add(c, &x, e) < 0)
		goto out;
	*bytes += clen + olen + (sig ? strlen(sig) : 0);
	rc = 0;
out:
	free(csaf);
	free(osv);
	free(sig);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' }, { "case", required_argument, NULL, 'c' },
		{ "count", required_argument, NULL, 'n' }, { "start", required_argument, NULL, 's' },
		{ "batch", required_argument, NULL, 'b' }, { "sign", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' }, { 0 }
	};
	const char *dir = NULL;
	long long case_id = 0;
	unsigned count = 10000, start = 1, batch = 1000;
	int sign = 0, o, rc = 1;
	struct config cfg;
	struct instance *in = NULL;
	struct db_conn *c = NULL;
	struct pgp *pgp = NULL;
	char fpr[PGP_FPR_LEN] = "";
	struct err e = ERR_INIT;
	size_t bytes = 0;
	int64_t base;
	double t0 = now_s();

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'd': dir = optarg; break;
		case 'c': case_id = atoll(optarg); break;
		case 'n': count = (unsigned)atol(optarg); break;
		case 's': start = (unsigned)atol(optarg); break;
		case 'b': batch = (unsigned)atol(optarg); break;
		case 'S': sign = 1; break;
		case 'h':
			printf("usage: feed_gen --dir DIR --case ID [--count N] [--start K] [--sign]"
			       " [--batch B]\n");
			return 0;
		default: return 2;
		}
	}
	if (dir == NULL || case_id <= 0 || count == 0 || start == 0 || batch == 0) {
		fprintf(stderr, "feed_gen: --dir and --case are required (--help)\n");
		return 2;
	}
	if (instance_config(&cfg, dir, &e) < 0 || instance_open(&in, &cfg, 1, &e) < 0)
		goto out;
	if (cfg.public_url[0] == '\0') {
		err_set(&e, ERR_USAGE, "public_url is not set in \"%s\"", dir);
		goto out;
	}
	if (sign && (pgp_open(&pgp, dir, &e) < 0 || pgp_fingerprint(pgp, fpr, &e) < 0))
		goto out;
	if (sign) {
		char *key = NULL;

		if (pgp_export(pgp, &key, NULL, &e) < 0 || db_acquire(in->db, &c, 5000, &e) < 0 ||
		    db_begin(c, &e) < 0 || store_signing_key_put(c, fpr, key, time_now_us(), &e) < 0 ||
		    db_commit(c, &e) < 0) {
			free(key);
			goto out;
		}
		free(key);
		db_release(c);
		c = NULL;
	}
	if (db_acquire(in->db, &c, 5000, &e) < 0)
		goto out;
	/* released one second apart, the newest now */
	base = time_now_us() - (int64_t)(start + count) * TIME_US_PER_S;
	for (unsigned i = 0; i < count; i++) {
		unsigned n = start + i;

		if (i % batch == 0 && db_begin(c, &e) < 0)
			goto out;
		if (add_one(c, pgp, fpr, case_id, n, cfg.public_url, base + (int64_t)n * TIME_US_PER_S,
			    &bytes, &e) < 0)
			goto out;
		if ((i + 1) % batch == 0 || i + 1 == count) {
			if (db_commit(c, &e) < 0)
				goto out;
		}
	}
	printf("GEN bulletins=%u bytes=%zu signed=%d seconds=%.2f\n", count, bytes, sign,
	       now_s() - t0);
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "feed_gen: %s\n", e.msg);
	if (c)
		db_release(c);
	pgp_close(pgp);
	instance_close(in);
	return rc;
}
