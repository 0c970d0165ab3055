/* cmd_log.c - `vulnflow log verify|sth|export|purge`: the receipt log from the command line. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/timefmt.h"
#include "cli/cli.h"
#include "service/intake.h"
#include "service/tlog.h"
#include "store/store_tlog.h"

static void help(void)
{
	printf("Usage: vulnflow log SUBCOMMAND [--dir DIR] [--db URL] [OPTIONS]\n\n"
	       "The receipt log: every item received, in an RFC 9162 Merkle tree\n"
	       "(docs/internals/tlog.md).\n\n"
	       "  verify [--max-problems N] [--json]\n"
	       "      recompute the whole tree from the database: every leaf against its\n"
	       "      entry, every stored node against its children, every signed tree head's\n"
	       "      root and signature, every report's payload and attachments against its\n"
	       "      leaf.  Exit 0 if all is well, 1 naming the first bad leaf.\n"
	       "  sth [--json]\n"
	       "      print the latest signed tree head\n"
	       "  export [--output FILE]\n"
	       "      write the log as JSON Lines (the log's keys, every leaf, every tree head)\n"
	       "      for an independent inspector; - or no --output is stdout\n"
	       "  purge --before DATE [--json]\n"
	       "      drop the text and attachments of reports received before DATE\n"
	       "      (YYYY-MM-DD, UTC, or RFC 3339); refused for anything younger than\n"
	       "      max(180 days, retention_days).  The leaves stay: the tree still verifies.\n\n"
	       "  --dir DIR   instance directory (default %s)\n"
	       "  --help      print this help\n", DEFAULT_DIR);
}

static void hex(const unsigned char *p, size_t n, char *out)
{
	hex_encode(p, n, out);
}

static json_t *sth_json(struct tlog *t, const struct tlog_sth_row *s)
{
	char root[HASH_HEX_LEN], sig[2 * SIGN_MAX_LEN + 1];

	hex(s->root_hash, HASH_LEN, root);
	hex(s->signature, s->signature_len, sig);
	return json_pack("{s:s,s:I,s:s,s:I,s:s,s:s,s:s}", "log_id", tlog_log_id(t), "tree_size",
			 (json_int_t)s->tree_size, "root_hash", root, "timestamp",
			 (json_int_t)s->timestamp_ms, "hash_alg",
			 hash_alg_name(tlog_hash_alg(t)), "sig_alg", sign_alg_name(tlog_sign_alg(t)),
			 "signature", sig);
}

/* ---- verify ---- */

/* Problems as they come; the first bad leaf is decided at the end: a
 * problem naming one leaf counts as it is, a tree node's mismatch (a range
 * of leaves) only when no single-leaf problem explains it. */
struct problems {
	int json;
	json_t *list;
	uint64_t (*ranges)[2];
	size_t n, cap;
};

static void on_problem(void *arg, uint64_t first, uint64_t last, const char *msg)
{
	struct problems *p = arg;

	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->ranges = xrealloc(p->ranges, p->cap * sizeof(*p->ranges));
	}
	p->ranges[p->n][0] = first;
	p->ranges[p->n][1] = last;
	p->n++;
	if (p->json)
		json_array_append_new(p->list, json_pack("{s:I,s:I,s:s}", "leaf", (json_int_t)first,
							 "last_leaf", (json_int_t)last,
							 "message", msg));
	else
		printf("%s\n", msg);
}

static uint64_t first_bad(const struct problems *p)
{
	uint64_t best = UINT64_MAX;

	for (size_t i = 0; i < p->n; i++) {
		uint64_t lo = p->ranges[i][0], hi = p->ranges[i][1];
		int explained = 0;

		if (lo != hi)
			for (size_t j = 0; j < p->n && !explained; j++)
				explained = p->ranges[j][0] == p->ranges[j][1] &&
					    p->ranges[j][0] >= lo && p->ranges[j][0] <= hi;
		if (!explained && lo < best)
			best = lo;
	}
	return best;
}

static void on_progress(void *arg, uint64_t done, uint64_t total)
{
	(void)arg;
	if (total >= 100000 && isatty(STDERR_FILENO))
		fprintf(stderr, "\rverifying: %llu of %llu leaves (%.0f%%)", (unsigned long long)done,
			(unsigned long long)total, total ? 100.0 * (double)done / (double)total : 100);
	if (total >= 100000 && done == total && isatty(STDERR_FILENO))
		fprintf(stderr, "\n");
}

static int do_verify(struct intake *it, struct instance *in, int json, unsigned max)
{
	struct problems p = { json, json_array(), NULL, 0, 0 };
	uint64_t bad;
	struct tlog_verify_stats st;
	uint64_t checked = 0, pproblems = 0;
	struct err e = ERR_INIT, e2 = ERR_INIT;
	int64_t t0 = time_mono_us();
	int tree_rc, pay_rc;
	double secs;

	tree_rc = tlog_verify(intake_log(it), in->db, on_problem, &p, max, on_progress, &st, &e);
	if (tree_rc < 0 && e.code != ERR_INVALID) {
		json_decref(p.list);
		free(p.ranges);
		return cli_fail(&e);
	}
	pay_rc = intake_verify_payloads(it, on_problem, &p, max, &checked, &pproblems, &e2);
	if (pay_rc < 0) {
		json_decref(p.list);
		free(p.ranges);
		return cli_fail(&e2);
	}
	secs = (double)(time_mono_us() - t0) / 1e6;
	bad = first_bad(&p);
	free(p.ranges);
	if (json) {
		json_t *o = json_pack("{s:b,s:I,s:I,s:I,s:I,s:I,s:f,s:o}", "ok",
				      st.problems + pproblems == 0, "tree_size",
				      (json_int_t)st.tree_size, "leaves", (json_int_t)st.leaves,
				      "nodes", (json_int_t)st.nodes, "tree_heads",
				      (json_int_t)st.sths, "payloads", (json_int_t)checked, "seconds",
				      secs, "problems", p.list);

		if (bad != UINT64_MAX)
			json_object_set_new(o, "first_bad_leaf", json_integer((json_int_t)bad));
		cli_print_json(o);
	} else {
		json_decref(p.list);
	}
	if (st.problems + pproblems == 0) {
		if (!json)
			printf("ok: %llu leaves, %llu nodes, %llu signed tree heads, %llu payloads"
			       " verified in %.2f s (%.0f leaves/s)\n",
			       (unsigned long long)st.leaves, (unsigned long long)st.nodes,
			       (unsigned long long)st.sths, (unsigned long long)checked, secs,
			       secs > 0 ? (double)st.leaves / secs : 0.0);
		return 0;
	}
	fprintf(stderr, "vulnflow: log verify failed: %llu problem(s); first bad leaf %llu\n",
		(unsigned long long)(st.problems + pproblems), (unsigned long long)bad);
	return 1;
}

/* ---- export ---- */

struct exporter {
	FILE *f;
	uint64_t n;
};

static int export_leaf(void *arg, uint64_t idx, const unsigned char *hash, size_t hash_len,
		       const unsigned char *entry, size_t entry_len, struct err *e)
{
	struct exporter *x = arg;
	char h[2 * 64 + 1], en[2 * 64 + 1];

	(void)e;
	hex(hash, hash_len > 64 ? 64 : hash_len, h);
	hex(entry, entry_len > 64 ? 64 : entry_len, en);
	fprintf(x->f, "{\"type\":\"leaf\",\"leaf_index\":%llu,\"leaf_hash\":\"%s\",\"entry\":\"%s\"}\n",
		(unsigned long long)idx, h, en);
	x->n++;
	return 0;
}

struct sth_export {
	FILE *f;
	struct tlog *t;
};

static int export_sth(void *arg, const struct tlog_sth_row *s, struct err *e)
{
	struct sth_export *x = arg;
	json_t *o = sth_json(x->t, s);
	char *text;

	(void)e;
	json_object_set_new(o, "type", json_string("sth"));
	text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	fprintf(x->f, "%s\n", text);
	free(text);
	json_decref(o);
	return 0;
}

static int do_export(struct intake *it, struct instance *in, const char *output)
{
	struct tlog *t = intake_log(it);
	struct exporter x = { stdout, 0 };
	struct sth_export sx;
	struct tlog_meta_row m;
	struct tlog_state s;
	struct db_conn *c;
	struct err e = ERR_INIT;
	char pk[2 * sizeof(m.public_key) + 1];
	int rc = -1;

	if (output && strcmp(output, "-") != 0) {
		x.f = fopen(output, "we");
		if (x.f == NULL) {
			fprintf(stderr, "vulnflow: cannot write \"%s\"\n", output);
			return 1;
		}
	}
	if (db_acquire(in->db, &c, 5000, &e) < 0)
		goto out;
	if (store_tlog_meta_get(c, &m, &e) < 0 || store_tlog_state_get(c, &s, &e) < 0) {
		db_release(c);
		goto out;
	}
	hex(m.public_key, m.public_key_len, pk);
	fprintf(x.f, "{\"type\":\"log\",\"format\":\"vulnflow-tlog/1\",\"log_id\":\"%s\","
		"\"hash_alg\":\"%s\",\"sig_alg\":\"%s\",\"public_key_der\":\"%s\","
		"\"tree_size\":%llu}\n", m.log_id, m.hash_alg, m.sig_alg, pk,
		(unsigned long long)s.tree_size);
	sx.f = x.f;
	sx.t = t;
	if (store_tlog_leaves(c, 0, s.tree_size, export_leaf, &x, &e) < 0 ||
	    store_tlog_sth_each(c, export_sth, &sx, &e) < 0) {
		db_release(c);
		goto out;
	}
	db_release(c);
	if (fflush(x.f) != 0) {
		err_set(&e, ERR_INTERNAL, "cannot write the export");
		goto out;
	}
	if (x.f != stdout)
		fprintf(stderr, "exported %llu leaves to %s\n", (unsigned long long)x.n, output);
	rc = 0;
out:
	if (x.f != stdout)
		fclose(x.f);
	return rc == 0 ? 0 : cli_fail(&e);
}

/* ---- purge ---- */

static int parse_date(const char *s, int64_t *out)
{
	char buf[64];

	if (strlen(s) == 10) {
		snprintf(buf, sizeof(buf), "%sT00:00:00Z", s);
		return time_parse_rfc3339(buf, out);
	}
	return time_parse_rfc3339(s, out);
}

static int do_purge(struct intake *it, const char *before, int json)
{
	struct actor a = cli_actor();
	struct err e = ERR_INIT;
	int64_t t, count;
	char when[TIMEFMT_LEN];

	if (before == NULL)
		return cli_usage("log purge", "--before DATE is required");
	if (parse_date(before, &t) < 0)
		return cli_usage("log purge", "\"%s\" is not a date (YYYY-MM-DD or RFC 3339)", before);
	if (intake_purge(it, &a, t, &count, &e) < 0)
		return cli_fail(&e);
	time_format_utc(t, when);
	if (json)
		cli_print_json(json_pack("{s:I,s:s}", "purged", (json_int_t)count, "before", when));
	else
		printf("purged the text of %lld report(s) received before %s; the log keeps every"
		       " leaf\n", (long long)count, when);
	return 0;
}

int cmd_log(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'J' },
		{ "max-problems", required_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ "before", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct common_opts o = { .dir = DEFAULT_DIR };
	const char *sub, *output = NULL, *before = NULL;
	unsigned max = 100;
	struct instance *in = NULL;
	struct intake *it = NULL;
	struct err e = ERR_INIT;
	int c, rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		help();
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	if (strcmp(sub, "verify") && strcmp(sub, "sth") && strcmp(sub, "export") &&
	    strcmp(sub, "purge"))
		return cli_usage("log", "unknown subcommand \"%s\"", sub);
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o.dir = optarg; break;
		case 'b': o.db = optarg; break;
		case 'J': o.json = 1; break;
		case 'm': max = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'o': output = optarg; break;
		case 'B': before = optarg; break;
		case 'h': help(); return 0;
		default: return cli_usage("log", "unknown option");
		}
	}
	if (optind < argc - 1)
		return cli_usage("log", "unexpected argument \"%s\"", argv[optind + 1]);
	if (cli_open(&in, &o, 0, &e) < 0 || intake_start(&it, in, &e) < 0) {
		instance_close(in);
		return cli_fail(&e);
	}
	if (strcmp(sub, "verify") == 0) {
		rc = do_verify(it, in, o.json, max ? max : 1);
	} else if (strcmp(sub, "sth") == 0) {
		struct tlog_sth_row s;

		if (tlog_latest_sth(intake_log(it), in->db, &s, &e) < 0) {
			rc = cli_fail(&e);
		} else if (o.json) {
			cli_print_json(sth_json(intake_log(it), &s));
			rc = 0;
		} else {
			char root[HASH_HEX_LEN], when[TIMEFMT_LEN], local[TIMEFMT_LEN];

			hex(s.root_hash, HASH_LEN, root);
			time_format_utc(s.timestamp_ms * 1000, when);
			time_format_shanghai(s.timestamp_ms * 1000, local);
			printf("log %s (%s, %s)\ntree size %llu\nroot %s\nsigned %s (%s)\n",
			       tlog_log_id(intake_log(it)), hash_alg_name(tlog_hash_alg(intake_log(it))),
			       sign_alg_name(tlog_sign_alg(intake_log(it))),
			       (unsigned long long)s.tree_size, root, local, when);
			rc = 0;
		}
	} else if (strcmp(sub, "export") == 0) {
		rc = do_export(it, in, output);
	} else {
		rc = do_purge(it, before, o.json);
	}
	intake_stop(it);
	instance_close(in);
	return rc;
}
