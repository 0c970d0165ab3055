/* api_log.c - the receipt log for everyone: tree heads, inclusion and consistency proofs, leaves. */
#include <stdio.h>
#include <string.h>

#include "http/api.h"
#include "http/server.h"
#include "service/intake.h"
#include "service/tlog.h"
#include "store/store_tlog.h"

static json_t *hex(const unsigned char *p, size_t n)
{
	char buf[2 * 128 + 1];

	if (n > 128)
		n = 128;
	hex_encode(p, n, buf);
	return json_string(buf);
}

static int need_log(struct req *r, struct tlog **out)
{
	struct err e = ERR_INIT;

	if (r->app->intake == NULL) {
		err_setn(&e, ERR_UNAVAILABLE, "intake_unavailable", "the receipt log is not open");
		return req_fail(r, &e);
	}
	*out = intake_log(r->app->intake);
	return 0;
}

int api_log_sth(struct req *r)
{
	struct tlog *t = NULL;
	struct tlog_sth_row s;
	struct err e = ERR_INIT;
	json_t *o;

	if (need_log(r, &t) < 0)
		return -1;
	if (tlog_latest_sth(t, r->app->in->db, &s, &e) < 0)
		return req_fail(r, &e);
	o = json_object();
	json_object_set_new(o, "log_id", json_string(tlog_log_id(t)));
	json_object_set_new(o, "tree_size", json_integer((json_int_t)s.tree_size));
	json_object_set_new(o, "root_hash", hex(s.root_hash, HASH_LEN));
	json_object_set_new(o, "timestamp", json_integer(s.timestamp_ms));
	json_object_set_new(o, "hash_alg", json_string(hash_alg_name(tlog_hash_alg(t))));
	json_object_set_new(o, "sig_alg", json_string(sign_alg_name(tlog_sign_alg(t))));
	json_object_set_new(o, "signature", hex(s.signature, s.signature_len));
	return req_json(r, 200, o);
}

static json_t *path_json(unsigned char path[][HASH_LEN], size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, hex(path[i], HASH_LEN));
	return a;
}

static int required(struct req *r, const char *name)
{
	struct err e = ERR_INIT;

	if (req_query(r, name) != NULL)
		return 0;
	err_setn(&e, ERR_INVALID, "missing_parameter", "query parameter \"%s\" is required", name);
	return req_fail(r, &e);
}

int api_log_inclusion(struct req *r)
{
	struct tlog *t = NULL;
	unsigned char path[MERKLE_MAX_PATH][HASH_LEN];
	size_t n;
	int64_t idx, size;
	struct err e = ERR_INIT;

	if (need_log(r, &t) < 0 || required(r, "leaf_index") < 0 || required(r, "tree_size") < 0 ||
	    req_query_int(r, "leaf_index", 0, INT64_MAX, 0, &idx) < 0 ||
	    req_query_int(r, "tree_size", 1, INT64_MAX, 1, &size) < 0)
		return -1;
	if (idx >= size) {
		err_setn(&e, ERR_INVALID, "invalid_parameter", "leaf_index must be below tree_size");
		return req_fail(r, &e);
	}
	if (tlog_inclusion(t, r->app->in->db, (uint64_t)idx, (uint64_t)size, path, &n, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, json_pack("{s:I,s:I,s:o}", "leaf_index", (json_int_t)idx,
					  "tree_size", (json_int_t)size, "audit_path",
					  path_json(path, n)));
}

int api_log_consistency(struct req *r)
{
	struct tlog *t = NULL;
	unsigned char proof[MERKLE_MAX_PATH][HASH_LEN];
	size_t n;
	int64_t first, second;
	struct err e = ERR_INIT;

	if (need_log(r, &t) < 0 || required(r, "first") < 0 || required(r, "second") < 0 ||
	    req_query_int(r, "first", 1, INT64_MAX, 1, &first) < 0 ||
	    req_query_int(r, "second", 1, INT64_MAX, 1, &second) < 0)
		return -1;
	if (first > second) {
		err_setn(&e, ERR_INVALID, "invalid_parameter", "first must not exceed second");
		return req_fail(r, &e);
	}
	if (tlog_consistency(t, r->app->in->db, (uint64_t)first, (uint64_t)second, proof, &n,
			     &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, json_pack("{s:I,s:I,s:o}", "first", (json_int_t)first, "second",
					  (json_int_t)second, "proof", path_json(proof, n)));
}

struct leaves {
	json_t *arr;
};

static int leaf_json(void *arg, uint64_t idx, const struct tlog_entry *en, struct err *e)
{
	struct leaves *l = arg;
	unsigned char raw[TLOG_ENTRY_LEN];

	(void)e;
	tlog_entry_encode(en, raw);
	json_array_append_new(l->arr, json_pack("{s:I,s:o}", "leaf_index", (json_int_t)idx,
						"entry", hex(raw, TLOG_ENTRY_LEN)));
	return 0;
}

int api_log_leaves(struct req *r)
{
	struct tlog *t = NULL;
	struct leaves l;
	struct db_conn *c;
	int64_t start, end;
	struct err e = ERR_INIT;
	int rc;

	if (need_log(r, &t) < 0 || required(r, "start") < 0 || required(r, "end") < 0 ||
	    req_query_int(r, "start", 0, INT64_MAX, 0, &start) < 0 ||
	    req_query_int(r, "end", 0, INT64_MAX, 0, &end) < 0)
		return -1;
	if (end <= start || end - start > 1000) {
		err_setn(&e, ERR_INVALID, "invalid_parameter",
			 "end must be above start, by at most 1000");
		return req_fail(r, &e);
	}
	if (db_acquire(r->app->in->db, &c, 5000, &e) < 0)
		return req_fail(r, &e);
	l.arr = json_array();
	rc = tlog_each_entry(t, c, (uint64_t)start, (uint64_t)end, leaf_json, &l, &e);
	db_release(c);
	if (rc < 0) {
		json_decref(l.arr);
		return req_fail(r, &e);
	}
	return req_json(r, 200, json_pack("{s:o}", "leaves", l.arr));
}
