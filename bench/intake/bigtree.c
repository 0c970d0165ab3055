/* bigtree.c - the receipt log at scale: inclusion proof latency and `log verify` speed.
 *
 * Usage: bigtree --dir DIR [--leaves N] [--batch B] [--proofs K] [--no-verify]
 *
 * Makes an SQLite instance in DIR (or reuses the one there), and grows its
 * receipt log to N leaves (default 10,000,000) directly through the log's
 * writer API — tlog_batch_begin / tlog_batch_append / tlog_batch_end, B
 * leaves (default 100,000) per transaction, so each transaction stores its
 * leaves, nodes, append state and one signed tree head as intake does, only
 * in much larger batches.  Entries are valid version-1 entries (channel
 * "federation", so `vulnflow log verify` does not look for reports behind
 * them) with random payload hashes.  Progress goes to stderr.
 *
 * Then it measures:
 *
 *	tlog_inclusion() over K (default 10,000) random (leaf, tree_size) pairs,
 *	tree_size uniform in [1, N] and leaf uniform below it; p50/p99/max.  A
 *	sample of proofs against the full tree is checked against the latest
 *	signed root with merkle_verify_inclusion().
 *
 *	tlog_verify() over the whole log: leaves/s.
 *
 * and prints one machine-readable line on stdout:
 *
 *	BIGTREE leaves=... build_s=... db_bytes=... proofs=... incl_p50_us=...
 *	        incl_p99_us=... incl_max_us=... verify_s=... verify_leaves_per_s=...
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/timefmt.h"
#include "service/instance.h"
#include "service/intake.h"
#include "service/tlog.h"
#include "store/store_tlog.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void fail(const char *what, const struct err *e)
{
	fprintf(stderr, "bigtree: %s: %s\n", what, e->msg);
	exit(1);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* CPU time of the calling thread, microseconds: set against the wall time of a
 * proof, it tells work from waiting (I/O, or other processes on the CPUs). */
static int64_t thread_cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t file_size(const char *dir, const char *name)
{
	char path[4200];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
}

/* Append leaves until the tree has target leaves. */
static void grow(struct tlog *t, struct db *db, uint64_t have, uint64_t target, unsigned batch)
{
	struct err e = ERR_INIT;
	int64_t t0 = time_mono_us(), last = t0;
	uint64_t start = have;

	while (have < target) {
		struct db_conn *c;
		struct tlog_sth_row sth;
		uint64_t n = target - have < batch ? target - have : batch;

		if (db_acquire(db, &c, 5000, &e) < 0 || db_begin(c, &e) < 0 ||
		    tlog_batch_begin(t, c, &e) < 0)
			fail("starting a batch", &e);
		for (uint64_t k = 0; k < n; k++) {
			struct tlog_entry en = { .version = 1, .channel = INTAKE_FEDERATION,
						 .disposition = INTAKE_ACCEPTED };
			unsigned char entry[TLOG_ENTRY_LEN], leaf[HASH_LEN];
			uint64_t idx;

			en.received_at = time_now_us();
			for (int i = 0; i < HASH_LEN; i += 8) {
				uint64_t r = next_rand();

				memcpy(en.payload_hash + i, &r, 8);
			}
			tlog_entry_encode(&en, entry);
			if (tlog_batch_append(t, c, entry, &idx, leaf, &e) < 0)
				fail("appending a leaf", &e);
		}
		if (tlog_batch_end(t, c, &sth, &e) < 0 || db_commit(c, &e) < 0)
			fail("ending a batch", &e);
		db_release(c);
		have += n;
		if (time_mono_us() - last > 5000000 || have == target) {
			double s = (double)(time_mono_us() - t0) / 1e6;

			last = time_mono_us();
			fprintf(stderr, "bigtree: %llu of %llu leaves (%.0f leaves/s, %.0f s)\n",
				(unsigned long long)have, (unsigned long long)target,
				(double)(have - start) / s, s);
		}
	}
}

static void verify_progress(void *arg, uint64_t done, uint64_t total)
{
	static int64_t last;
	int64_t now = time_mono_us();

	(void)arg;
	if (now - last > 5000000) {
		last = now;
		fprintf(stderr, "bigtree: verifying: %llu of %llu leaves\n",
			(unsigned long long)done, (unsigned long long)total);
	}
}

static void on_problem(void *arg, uint64_t leaf, uint64_t last, const char *msg)
{
	(void)arg;
	(void)leaf;
	(void)last;
	fprintf(stderr, "bigtree: verify: %s\n", msg);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: bigtree --dir DIR [--leaves N] [--batch B] [--proofs K] [--no-verify]\n"
		   "Grows the receipt log of the SQLite instance in DIR (made if absent) to N\n"
		   "leaves, B per transaction, then times K random inclusion proofs and a full\n"
		   "tlog_verify().  Defaults: --leaves 10000000 --batch 100000 --proofs 10000.\n");
}

int main(int argc, char **argv)
{
	const char *dir = NULL;
	uint64_t leaves = 10000000;
	unsigned batch = 100000, proofs = 10000;
	int do_verify = 1;
	struct config cfg;
	struct instance *in = NULL;
	struct tlog *t = NULL;
	struct err e = ERR_INIT;
	struct db_conn *c;
	struct tlog_state s;
	struct tlog_sth_row sth;
	struct tlog_verify_stats vs;
	struct hash_ctx *h;
	struct stat st;
	int64_t *lat, *cpu, t0, build_us = 0, verify_us = 0;
	unsigned checked = 0;
	uint64_t have;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
			dir = argv[++i];
		} else if (strcmp(argv[i], "--leaves") == 0 && i + 1 < argc) {
			leaves = strtoull(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc) {
			batch = (unsigned)strtoul(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--proofs") == 0 && i + 1 < argc) {
			proofs = (unsigned)strtoul(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--no-verify") == 0) {
			do_verify = 0;
		} else if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (dir == NULL || leaves == 0 || batch == 0 || proofs == 0) {
		usage(stderr);
		return 2;
	}
	if (stat(dir, &st) != 0) {
		struct init_options o = { .dir = dir };
		struct init_result r;

		fprintf(stderr, "bigtree: creating an instance in %s\n", dir);
		if (instance_init(&o, &r, &e) < 0)
			fail("creating the instance", &e);
	}
	if (instance_config(&cfg, dir, &e) < 0 || instance_open(&in, &cfg, 1, &e) < 0)
		fail("opening the instance", &e);
	if (db_kind(in->db) != DB_SQLITE)
		fprintf(stderr, "bigtree: note: the instance is not on SQLite\n");
	if (tlog_open(&t, in->db, dir, 1, &e) < 0)
		fail("opening the log", &e);
	if (db_acquire(in->db, &c, 5000, &e) < 0 || store_tlog_state_get(c, &s, &e) < 0)
		fail("reading the log state", &e);
	db_release(c);
	have = s.tree_size;
	if (have < leaves) {
		fprintf(stderr, "bigtree: growing the log from %llu to %llu leaves, %u per transaction\n",
			(unsigned long long)have, (unsigned long long)leaves, batch);
		t0 = time_mono_us();
		grow(t, in->db, have, leaves, batch);
		build_us = time_mono_us() - t0;
	} else if (have > leaves) {
		fprintf(stderr, "bigtree: the log has %llu leaves already; measuring at that size\n",
			(unsigned long long)have);
		leaves = have;
	}

	/* inclusion proofs */
	fprintf(stderr, "bigtree: %u inclusion proofs at random (leaf, tree size) pairs\n", proofs);
	lat = calloc(proofs, sizeof(*lat));
	cpu = calloc(proofs, sizeof(*cpu));
	if (lat == NULL || cpu == NULL || hash_ctx_new(&h, tlog_hash_alg(t), &e) < 0)
		return 1;
	if (tlog_latest_sth(t, in->db, &sth, &e) < 0)
		fail("reading the latest tree head", &e);
	for (unsigned k = 0; k < proofs; k++) {
		unsigned char path[MERKLE_MAX_PATH][HASH_LEN];
		size_t len;
		/* every tenth proof is against the full tree, so it can be checked */
		uint64_t size = k % 10 == 0 ? sth.tree_size : 1 + next_rand() % leaves;
		uint64_t idx = next_rand() % size;
		int64_t a = time_mono_us(), ac = thread_cpu_us();

		if (tlog_inclusion(t, in->db, idx, size, path, &len, &e) < 0)
			fail("inclusion proof", &e);
		lat[k] = time_mono_us() - a;
		cpu[k] = thread_cpu_us() - ac;
		if (k % 10 == 0) {
			unsigned char leaf[HASH_LEN];

			if (db_acquire(in->db, &c, 5000, &e) < 0 ||
			    store_tlog_node_get(c, 0, idx, leaf, &e) < 0)
				fail("reading a leaf", &e);
			db_release(c);
			if (merkle_verify_inclusion(h, leaf, idx, size,
						    (const unsigned char (*)[HASH_LEN])path, len,
						    sth.root_hash, &e) < 0)
				fail("an inclusion proof does not verify", &e);
			checked++;
		}
	}
	hash_ctx_free(h);
	qsort(lat, proofs, sizeof(*lat), cmp_i64);
	qsort(cpu, proofs, sizeof(*cpu), cmp_i64);
	fprintf(stderr, "bigtree: inclusion proof p50 %lld us, p99 %lld us, max %lld us; CPU time"
			" p50 %lld us, p99 %lld us (%u checked against the signed root)\n",
		(long long)lat[proofs / 2], (long long)lat[(size_t)(proofs * 0.99)],
		(long long)lat[proofs - 1], (long long)cpu[proofs / 2],
		(long long)cpu[(size_t)(proofs * 0.99)], checked);

	/* verify */
	memset(&vs, 0, sizeof(vs));
	if (do_verify) {
		fprintf(stderr, "bigtree: tlog_verify over %llu leaves\n", (unsigned long long)leaves);
		t0 = time_mono_us();
		if (tlog_verify(t, in->db, on_problem, NULL, 10, verify_progress, &vs, &e) < 0)
			fail("tlog_verify", &e);
		verify_us = time_mono_us() - t0;
		fprintf(stderr, "bigtree: verified %llu leaves, %llu nodes, %llu tree heads in %.2f s"
				" (%.0f leaves/s)\n", (unsigned long long)vs.leaves,
			(unsigned long long)vs.nodes, (unsigned long long)vs.sths,
			(double)verify_us / 1e6, (double)vs.leaves * 1e6 / (double)verify_us);
	}
	printf("BIGTREE leaves=%llu build_s=%.1f build_leaves_per_s=%.0f db_bytes=%lld proofs=%u"
	       " proofs_checked=%u incl_p50_us=%lld incl_p99_us=%lld incl_max_us=%lld"
	       " incl_cpu_p50_us=%lld incl_cpu_p99_us=%lld"
	       " verify_s=%.2f verify_leaves_per_s=%.0f verify_nodes=%llu verify_sths=%llu\n",
	       (unsigned long long)leaves, (double)build_us / 1e6,
	       build_us ? (double)(leaves - have) * 1e6 / (double)build_us : 0.0,
	       (long long)(file_size(dir, "vulnflow.db") + file_size(dir, "vulnflow.db-wal")),
	       proofs, checked, (long long)lat[proofs / 2], (long long)lat[(size_t)(proofs * 0.99)],
	       (long long)lat[proofs - 1], (long long)cpu[proofs / 2],
	       (long long)cpu[(size_t)(proofs * 0.99)], (double)verify_us / 1e6,
	       verify_us ? (double)vs.leaves * 1e6 / (double)verify_us : 0.0,
	       (unsigned long long)vs.nodes, (unsigned long long)vs.sths);
	free(lat);
	free(cpu);
	tlog_close(t);
	instance_close(in);
	return 0;
}
