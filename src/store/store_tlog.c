/* store_tlog.c - SQL for the receipt log (see store_tlog.h). */
#include "store/store_tlog.h"

#include <stdio.h>
#include <string.h>

#define PAGE 4096

static const char meta_get_sql[] =
	"SELECT log_id, hash_alg, sig_alg, public_key, created_at FROM tlog_meta WHERE id = 1";
static const char meta_create_sql[] =
	"INSERT INTO tlog_meta (id, log_id, hash_alg, sig_alg, public_key, tree_size, frontier,"
	" created_at) VALUES (1, :log_id, :hash_alg, :sig_alg, :pk, 0, :frontier, :at)";
static const char state_get_sql[] = "SELECT tree_size, frontier FROM tlog_meta WHERE id = 1";
static const char state_lock_pg_sql[] =
	"SELECT tree_size, frontier FROM tlog_meta WHERE id = 1 FOR UPDATE";
static const char state_set_sql[] =
	"UPDATE tlog_meta SET tree_size = :size, frontier = :frontier WHERE id = 1";
static const char leaf_add_sql[] =
	"INSERT INTO tlog_leaves (idx, leaf_hash, entry) VALUES (:idx, :hash, :entry)";
static const char node_add_sql[] =
	"INSERT INTO tlog_nodes (level, idx, hash) VALUES (:level, :idx, :hash)";
static const char leaf_get_sql[] = "SELECT leaf_hash FROM tlog_leaves WHERE idx = :idx";
static const char node_get_sql[] =
	"SELECT hash FROM tlog_nodes WHERE level = :level AND idx = :idx";
static const char leaves_sql[] =
	"SELECT idx, leaf_hash, entry FROM tlog_leaves WHERE idx >= :start AND idx < :end"
	" ORDER BY idx LIMIT :limit";
static const char nodes_sql[] =
	"SELECT idx, hash FROM tlog_nodes WHERE level = :level AND idx >= :start AND idx < :end"
	" ORDER BY idx LIMIT :limit";
static const char sth_add_sql[] =
	"INSERT INTO tlog_sth (tree_size, timestamp_ms, root_hash, signature)"
	" VALUES (:size, :ts, :root, :sig)";
static const char sth_latest_sql[] =
	"SELECT tree_size, timestamp_ms, root_hash, signature FROM tlog_sth"
	" ORDER BY tree_size DESC, id DESC LIMIT 1";
static const char sth_first_with_sql[] =
	"SELECT tree_size, timestamp_ms, root_hash, signature FROM tlog_sth"
	" WHERE tree_size > :idx ORDER BY tree_size, id LIMIT 1";
static const char sth_page_sql[] =
	"SELECT id, tree_size, timestamp_ms, root_hash, signature FROM tlog_sth"
	" WHERE tree_size > :size OR (tree_size = :size AND id > :id)"
	" ORDER BY tree_size, id LIMIT :limit";

static void copy_text(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

int store_tlog_meta_get(struct db_conn *c, struct tlog_meta_row *out, struct err *e)
{
	struct db_stmt *st;
	const void *pk;
	size_t n;
	int rc;

	memset(out, 0, sizeof(*out));
	if (db_prepare(c, &st, meta_get_sql, e) < 0)
		return -1;
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		copy_text(out->log_id, sizeof(out->log_id), db_col_text(st, 0));
		copy_text(out->hash_alg, sizeof(out->hash_alg), db_col_text(st, 1));
		copy_text(out->sig_alg, sizeof(out->sig_alg), db_col_text(st, 2));
		pk = db_col_blob(st, 3, &n);
		if (n > sizeof(out->public_key))
			n = 0;
		if (n)
			memcpy(out->public_key, pk, n);
		out->public_key_len = n;
		out->created_at = db_col_int64(st, 4);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_NOT_FOUND, "the receipt log has not been created");
	}
	db_finalize(st);
	return rc;
}

int store_tlog_meta_create(struct db_conn *c, const struct tlog_meta_row *m, int64_t now,
			   struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, meta_create_sql, e) < 0)
		return -1;
	db_bind_text(st, ":log_id", m->log_id);
	db_bind_text(st, ":hash_alg", m->hash_alg);
	db_bind_text(st, ":sig_alg", m->sig_alg);
	db_bind_blob(st, ":pk", m->public_key, m->public_key_len);
	db_bind_blob(st, ":frontier", "", 0);
	db_bind_int64(st, ":at", now);
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}

static int state_read(struct db_conn *c, const char *sql, struct tlog_state *out, struct err *e)
{
	struct db_stmt *st;
	const void *f;
	size_t n;
	int rc;

	memset(out, 0, sizeof(*out));
	if (db_prepare(c, &st, sql, e) < 0)
		return -1;
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		out->tree_size = (uint64_t)db_col_int64(st, 0);
		f = db_col_blob(st, 1, &n);
		if (n % HASH_LEN != 0 || n / HASH_LEN > MERKLE_MAX_PATH) {
			rc = err_set(e, ERR_INTERNAL, "receipt log frontier is corrupt (%zu bytes)", n);
		} else {
			if (n)
				memcpy(out->frontier, f, n);
			out->nfrontier = n / HASH_LEN;
			rc = 0;
		}
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_NOT_FOUND, "the receipt log has not been created");
	}
	db_finalize(st);
	return rc;
}

int store_tlog_state_lock(struct db_conn *c, struct tlog_state *out, struct err *e)
{
	return state_read(c, db_conn_kind(c) == DB_POSTGRESQL ? state_lock_pg_sql : state_get_sql,
			  out, e);
}

int store_tlog_state_get(struct db_conn *c, struct tlog_state *out, struct err *e)
{
	return state_read(c, state_get_sql, out, e);
}

int store_tlog_state_set(struct db_conn *c, const struct tlog_state *s, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, state_set_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":size", (int64_t)s->tree_size);
	db_bind_blob(st, ":frontier", s->frontier, s->nfrontier * HASH_LEN);
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}

int store_tlog_leaf_add(struct db_conn *c, uint64_t idx, const unsigned char hash[HASH_LEN],
			const void *entry, size_t entry_len, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, leaf_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":idx", (int64_t)idx);
	db_bind_blob(st, ":hash", hash, HASH_LEN);
	db_bind_blob(st, ":entry", entry, entry_len);
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}

int store_tlog_node_add(struct db_conn *c, unsigned level, uint64_t idx,
			const unsigned char hash[HASH_LEN], struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, node_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":level", level);
	db_bind_int64(st, ":idx", (int64_t)idx);
	db_bind_blob(st, ":hash", hash, HASH_LEN);
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}

int store_tlog_node_get(struct db_conn *c, unsigned level, uint64_t idx,
			unsigned char out[HASH_LEN], struct err *e)
{
	struct db_stmt *st;
	const void *h;
	size_t n;
	int rc;

	if (db_prepare(c, &st, level == 0 ? leaf_get_sql : node_get_sql, e) < 0)
		return -1;
	if (level)
		db_bind_int64(st, ":level", level);
	db_bind_int64(st, ":idx", (int64_t)idx);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		h = db_col_blob(st, 0, &n);
		if (n != HASH_LEN) {
			rc = err_set(e, ERR_INTERNAL, "receipt log node (%u, %llu) is corrupt", level,
				     (unsigned long long)idx);
		} else {
			memcpy(out, h, HASH_LEN);
			rc = 0;
		}
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_NOT_FOUND, "receipt log node (%u, %llu) is missing", level,
			     (unsigned long long)idx);
	}
	db_finalize(st);
	return rc;
}

int store_tlog_leaves(struct db_conn *c, uint64_t start, uint64_t end, store_tlog_leaf_fn *fn,
		      void *arg, struct err *e)
{
	while (start < end) {
		struct db_stmt *st;
		unsigned got = 0;
		int rc, stop = 0;

		if (db_prepare(c, &st, leaves_sql, e) < 0)
			return -1;
		db_bind_int64(st, ":start", (int64_t)start);
		db_bind_int64(st, ":end", (int64_t)end);
		db_bind_int64(st, ":limit", PAGE);
		while ((rc = db_step(st, e)) == DB_ROW) {
			size_t hn, en;
			const unsigned char *h = db_col_blob(st, 1, &hn);
			const unsigned char *en_p = db_col_blob(st, 2, &en);
			uint64_t idx = (uint64_t)db_col_int64(st, 0);

			got++;
			start = idx + 1;
			rc = fn(arg, idx, h, hn, en_p, en, e);
			if (rc != 0) {
				stop = rc;
				break;
			}
		}
		db_finalize(st);
		if (rc < 0 || stop < 0)
			return -1;
		if (stop > 0 || got < PAGE)
			return 0;
	}
	return 0;
}

int store_tlog_nodes(struct db_conn *c, unsigned level, uint64_t start, uint64_t end,
		     store_tlog_node_fn *fn, void *arg, struct err *e)
{
	while (start < end) {
		struct db_stmt *st;
		unsigned got = 0;
		int rc, stop = 0;

		if (db_prepare(c, &st, nodes_sql, e) < 0)
			return -1;
		db_bind_int64(st, ":level", level);
		db_bind_int64(st, ":start", (int64_t)start);
		db_bind_int64(st, ":end", (int64_t)end);
		db_bind_int64(st, ":limit", PAGE);
		while ((rc = db_step(st, e)) == DB_ROW) {
			size_t hn;
			const unsigned char *h = db_col_blob(st, 1, &hn);
			uint64_t idx = (uint64_t)db_col_int64(st, 0);

			got++;
			start = idx + 1;
			rc = fn(arg, idx, h, hn, e);
			if (rc != 0) {
				stop = rc;
				break;
			}
		}
		db_finalize(st);
		if (rc < 0 || stop < 0)
			return -1;
		if (stop > 0 || got < PAGE)
			return 0;
	}
	return 0;
}

int store_tlog_sth_add(struct db_conn *c, const struct tlog_sth_row *s, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, sth_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":size", (int64_t)s->tree_size);
	db_bind_int64(st, ":ts", s->timestamp_ms);
	db_bind_blob(st, ":root", s->root_hash, HASH_LEN);
	db_bind_blob(st, ":sig", s->signature, s->signature_len);
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}

/* Copy the tree head in columns first..first+3 of the current row. */
static int sth_from_row(struct db_stmt *st, int first, struct tlog_sth_row *out, struct err *e)
{
	const void *p;
	size_t n;

	memset(out, 0, sizeof(*out));
	out->tree_size = (uint64_t)db_col_int64(st, first);
	out->timestamp_ms = db_col_int64(st, first + 1);
	p = db_col_blob(st, first + 2, &n);
	if (n != HASH_LEN)
		return err_set(e, ERR_INTERNAL, "tree head of size %llu is corrupt",
			       (unsigned long long)out->tree_size);
	memcpy(out->root_hash, p, HASH_LEN);
	p = db_col_blob(st, first + 3, &n);
	if (n > sizeof(out->signature))
		return err_set(e, ERR_INTERNAL, "tree head of size %llu has an oversize signature",
			       (unsigned long long)out->tree_size);
	if (n)
		memcpy(out->signature, p, n);
	out->signature_len = n;
	return 0;
}

int store_tlog_sth_latest(struct db_conn *c, struct tlog_sth_row *out, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, sth_latest_sql, e) < 0)
		return -1;
	rc = db_step(st, e);
	if (rc == DB_ROW)
		rc = sth_from_row(st, 0, out, e);
	else if (rc == DB_DONE)
		rc = err_set(e, ERR_NOT_FOUND, "no signed tree head yet");
	db_finalize(st);
	return rc;
}

int store_tlog_sth_first_with(struct db_conn *c, uint64_t idx, struct tlog_sth_row *out,
			      struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, sth_first_with_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":idx", (int64_t)idx);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		rc = sth_from_row(st, 0, out, e);
	else if (rc == DB_DONE)
		rc = err_set(e, ERR_NOT_FOUND, "no signed tree head holds leaf %llu",
			     (unsigned long long)idx);
	db_finalize(st);
	return rc;
}

int store_tlog_sth_each(struct db_conn *c, int (*fn)(void *arg, const struct tlog_sth_row *s,
						     struct err *e),
			void *arg, struct err *e)
{
	int64_t last_size = -1, last_id = 0;

	for (;;) {
		struct db_stmt *st;
		struct tlog_sth_row s;
		unsigned got = 0;
		int rc;

		if (db_prepare(c, &st, sth_page_sql, e) < 0)
			return -1;
		db_bind_int64(st, ":size", last_size);
		db_bind_int64(st, ":id", last_id);
		db_bind_int64(st, ":limit", PAGE);
		while ((rc = db_step(st, e)) == DB_ROW) {
			got++;
			last_id = db_col_int64(st, 0);
			if (sth_from_row(st, 1, &s, e) < 0 || fn(arg, &s, e) < 0) {
				rc = -1;
				break;
			}
			last_size = (int64_t)s.tree_size;
		}
		db_finalize(st);
		if (rc < 0)
			return -1;
		if (got < PAGE)
			return 0;
	}
}
