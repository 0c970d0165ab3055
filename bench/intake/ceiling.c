/* ceiling.c - the intake benchmark's ceiling: raw batched inserts of the rows intake stores.
 *
 * Usage: ceiling --dir DIR [--batches 16,64,256] [--seconds S] [--payload-bytes N]
 *
 * Opens the database of the (fresh) instance in DIR through
 * service/instance.h, exactly as `vulnflow serve` does (SQLite: WAL,
 * synchronous=FULL; PostgreSQL: the server's defaults, fsync on), and from
 * one thread inserts, per report, the rows POST /api/v1/reports stores:
 *
 *	a reports row with a sealed payload of N bytes  (store_report_add)
 *	a tlog_leaves row                               (store_tlog_leaf_add)
 *	the tlog_nodes rows that leaf completes (1 on average, as in the log)
 *
 * and per transaction what an intake batch stores once: the log's append
 * state (store_tlog_state_lock / store_tlog_state_set) and one signed tree
 * head row (store_tlog_sth_add).  B reports per transaction, one commit each
 * (one fsync on SQLite; a WAL flush on PostgreSQL).  Hashes, payloads and
 * signatures are random bytes made before timing: no hashing, encryption,
 * signing, savepoints, HTTP or JSON — only the database work, which is what
 * the served figure is compared with.
 *
 * For each B it runs for S seconds and prints one line on stdout:
 *
 *	CEILING backend=sqlite batch=64 rows=... seconds=... rows_per_s=...
 *	        commits_per_s=... syncs_per_commit=...
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/seal.h"
#include "base/timefmt.h"
#include "service/instance.h"
#include "service/tlog.h"
#include "store/store_report.h"
#include "store/store_tlog.h"

#define MAX_BATCHES 16
#define PAYLOADS 256

static uint64_t rng = 0x243F6A8885A308D3ull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void fill_random(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(next_rand() >> 24);
}

static void fail(const char *what, const struct err *e)
{
	fprintf(stderr, "ceiling: %s: %s\n", what, e->msg);
	exit(1);
}

struct run {
	struct db_conn *c;
	enum db_kind kind;
	unsigned char *payloads[PAYLOADS];
	size_t payload_len;
	uint64_t next_idx;     /* next leaf index */
	struct tlog_state state;
};

/* One report's rows. */
static void add_report(struct run *r)
{
	struct err e = ERR_INIT;
	unsigned char leaf[HASH_LEN], node[HASH_LEN], entry[TLOG_ENTRY_LEN];
	struct report_row row;
	char token[65];
	uint64_t i = r->next_idx++;
	int64_t id;

	fill_random(leaf, sizeof(leaf));
	fill_random(entry, sizeof(entry));
	entry[0] = 1;
	if (store_tlog_leaf_add(r->c, i, leaf, entry, sizeof(entry), &e) < 0)
		fail("inserting a leaf", &e);
	/* the nodes leaf i completes: one per trailing 1 bit of i (1 on average) */
	for (unsigned level = 1; (i >> (level - 1)) & 1; level++) {
		fill_random(node, sizeof(node));
		if (store_tlog_node_add(r->c, level, i >> level, node, &e) < 0)
			fail("inserting a node", &e);
	}
	memset(&row, 0, sizeof(row));
	row.leaf_index = i;
	snprintf(row.channel, sizeof(row.channel), "api");
	snprintf(row.disposition, sizeof(row.disposition), "accepted");
	snprintf(row.status, sizeof(row.status), "received");
	for (int k = 0; k < 64; k++)
		token[k] = "0123456789abcdef"[next_rand() >> 60];
	token[64] = '\0';
	row.status_token_hash = token;
	row.received_at = time_now_us();
	snprintf(row.language, sizeof(row.language), "zh-CN");
	row.payload = r->payloads[i % PAYLOADS];
	row.payload_len = r->payload_len;
	row.payload_size = (int64_t)(r->payload_len - SEAL_OVERHEAD);
	if (store_report_add(r->c, &row, &id, &e) < 0)
		fail("inserting a report", &e);
}

/* One transaction of b reports, with the per-batch rows. */
static void one_batch(struct run *r, unsigned b)
{
	struct err e = ERR_INIT;
	struct tlog_sth_row sth;
	uint64_t size;

	if (db_begin(r->c, &e) < 0)
		fail("begin", &e);
	if (store_tlog_state_lock(r->c, &r->state, &e) < 0)
		fail("reading the log state", &e);
	for (unsigned k = 0; k < b; k++)
		add_report(r);
	/* a state of the right shape: one frontier hash per 1 bit of the size */
	size = r->next_idx;
	r->state.tree_size = size;
	r->state.nfrontier = 0;
	for (uint64_t s = size; s; s &= s - 1)
		fill_random(r->state.frontier[r->state.nfrontier++], HASH_LEN);
	if (store_tlog_state_set(r->c, &r->state, &e) < 0)
		fail("storing the log state", &e);
	memset(&sth, 0, sizeof(sth));
	sth.tree_size = size;
	sth.timestamp_ms = time_now_us() / 1000;
	fill_random(sth.root_hash, HASH_LEN);
	sth.signature_len = 72;     /* an SM2 / ECDSA DER signature */
	fill_random(sth.signature, sth.signature_len);
	if (store_tlog_sth_add(r->c, &sth, &e) < 0)
		fail("inserting a tree head", &e);
	if (db_commit(r->c, &e) < 0)
		fail("commit", &e);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: ceiling --dir DIR [--batches 16,64,256] [--seconds S]"
		   " [--payload-bytes N]\n"
		   "Inserts the rows intake stores per report (report with a sealed payload of\n"
		   "N bytes, log leaf, log nodes) B per transaction, plus the per-batch log state\n"
		   "and tree head, for S seconds per B, in the instance DIR's database.\n"
		   "Defaults: --batches 16,64,256 --seconds 3 --payload-bytes 2100.\n");
}

int main(int argc, char **argv)
{
	const char *dir = NULL;
	unsigned batches[MAX_BATCHES] = { 16, 64, 256 };
	size_t nbatches = 3;
	double seconds = 3;
	size_t payload_bytes = 2100;
	struct config cfg;
	struct instance *in = NULL;
	struct err e = ERR_INIT;
	struct run r;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
			dir = argv[++i];
		} else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
			seconds = atof(argv[++i]);
		} else if (strcmp(argv[i], "--payload-bytes") == 0 && i + 1 < argc) {
			payload_bytes = strtoul(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--batches") == 0 && i + 1 < argc) {
			char *p = argv[++i], *end;

			nbatches = 0;
			while (*p && nbatches < MAX_BATCHES) {
				unsigned long v = strtoul(p, &end, 10);

				if (end == p || v == 0 || v > 100000) {
					usage(stderr);
					return 2;
				}
				batches[nbatches++] = (unsigned)v;
				p = *end == ',' ? end + 1 : end;
			}
		} else if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (dir == NULL || nbatches == 0 || seconds <= 0 || payload_bytes <= SEAL_OVERHEAD) {
		usage(stderr);
		return 2;
	}
	if (instance_config(&cfg, dir, &e) < 0 || instance_open(&in, &cfg, 1, &e) < 0)
		fail("opening the instance", &e);
	/* tokens must be new even when a run continues an earlier one's database */
	rng ^= (uint64_t)time_now_us();
	memset(&r, 0, sizeof(r));
	r.kind = db_kind(in->db);
	r.payload_len = payload_bytes;
	for (int k = 0; k < PAYLOADS; k++) {
		r.payloads[k] = malloc(payload_bytes);
		if (r.payloads[k] == NULL)
			return 1;
		fill_random(r.payloads[k], payload_bytes);
		r.payloads[k][0] = SEAL_SM4_GCM;
	}
	if (db_acquire(in->db, &r.c, 5000, &e) < 0)
		fail("taking a connection", &e);
	if (store_tlog_state_get(r.c, &r.state, &e) < 0)
		fail("reading the log state", &e);
	r.next_idx = r.state.tree_size;
	for (size_t k = 0; k < nbatches; k++) {
		struct db_stats s0, s1;
		uint64_t rows = 0, commits = 0;
		int64_t t0 = time_mono_us(), t;

		db_get_stats(in->db, &s0);
		do {
			one_batch(&r, batches[k]);
			rows += batches[k];
			commits++;
			t = time_mono_us() - t0;
		} while ((double)t < seconds * 1e6);
		db_get_stats(in->db, &s1);
		printf("CEILING backend=%s batch=%u rows=%llu seconds=%.3f rows_per_s=%.0f"
		       " commits_per_s=%.1f syncs_per_commit=%.2f\n",
		       db_kind_name(r.kind), batches[k], (unsigned long long)rows, (double)t / 1e6,
		       (double)rows * 1e6 / (double)t, (double)commits * 1e6 / (double)t,
		       r.kind == DB_SQLITE ? (double)(s1.syncs - s0.syncs) / (double)commits : 0.0);
		fflush(stdout);
	}
	db_release(r.c);
	for (int k = 0; k < PAYLOADS; k++)
		free(r.payloads[k]);
	instance_close(in);
	return 0;
}
