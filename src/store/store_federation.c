/* store_federation.c - SQL for peers, outbox, inbox, refusals and hub reports (see store_federation.h). */
#include "store/store_federation.h"

#include <stdio.h>
#include <string.h>

/* ---- peers ---- */

#define PEER_COLS "id, key_id, public_key, url, role, jurisdiction, name, created_at, updated_at," \
	" removed_at"

static const char peer_add_sql[] =
	"INSERT INTO federation_peers (key_id, public_key, url, role, jurisdiction, name,"
	" created_at, updated_at) VALUES (:key_id, :pk, :url, :role, :jur, :name, :at, :at)"
	" RETURNING id";
static const char peer_update_sql[] =
	"UPDATE federation_peers SET public_key = :pk, url = :url, role = :role, jurisdiction = :jur,"
	" name = :name, updated_at = :at, removed_at = NULL WHERE id = :id";
static const char peer_by_key_sql[] =
	"SELECT " PEER_COLS " FROM federation_peers WHERE key_id = :key_id";
static const char peer_get_sql[] = "SELECT " PEER_COLS " FROM federation_peers WHERE id = :id";
static const char peer_remove_sql[] =
	"UPDATE federation_peers SET removed_at = :at, updated_at = :at"
	" WHERE id = :id AND removed_at IS NULL";
static const char peer_list_sql[] =
	"SELECT " PEER_COLS " FROM federation_peers WHERE removed_at IS NULL OR CAST(:all AS BIGINT) = 1 ORDER BY id";

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static void peer_from(struct db_stmt *st, struct fed_peer_row *p)
{
	memset(p, 0, sizeof(*p));
	p->id = db_col_int64(st, 0);
	copy(p->key_id, sizeof(p->key_id), db_col_text(st, 1));
	copy(p->public_key, sizeof(p->public_key), db_col_text(st, 2));
	copy(p->url, sizeof(p->url), db_col_text(st, 3));
	copy(p->role, sizeof(p->role), db_col_text(st, 4));
	copy(p->jurisdiction, sizeof(p->jurisdiction), db_col_text(st, 5));
	copy(p->name, sizeof(p->name), db_col_text(st, 6));
	p->created_at = db_col_int64(st, 7);
	p->updated_at = db_col_int64(st, 8);
	p->removed_at = db_col_is_null(st, 9) ? 0 : db_col_int64(st, 9);
}

static void bind_peer(struct db_stmt *st, const struct fed_peer_row *p)
{
	db_bind_text(st, ":pk", p->public_key);
	db_bind_text(st, ":url", p->url);
	db_bind_text(st, ":role", p->role);
	db_bind_text(st, ":jur", p->jurisdiction);
	db_bind_text(st, ":name", p->name[0] ? p->name : NULL);
	db_bind_int64(st, ":at", p->updated_at ? p->updated_at : p->created_at);
}

int store_fed_peer_add(struct db_conn *c, const struct fed_peer_row *p, int64_t *id,
		       struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, peer_add_sql, e) < 0)
		return -1;
	db_bind_text(st, ":key_id", p->key_id);
	bind_peer(st, p);
	return db_insert_id(st, id, e);
}

int store_fed_peer_update(struct db_conn *c, const struct fed_peer_row *p, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, peer_update_sql, e) < 0)
		return -1;
	bind_peer(st, p);
	db_bind_int64(st, ":id", p->id);
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}

static int peer_one(struct db_stmt *st, struct fed_peer_row *out, const char *what,
		    struct err *e)
{
	int rc = db_step(st, e);

	if (rc == DB_ROW)
		peer_from(st, out);
	db_finalize(st);
	if (rc == DB_DONE)
		return err_setn(e, ERR_NOT_FOUND, "unknown_peer", "no peer \"%s\"", what);
	return rc < 0 ? -1 : 0;
}

int store_fed_peer_by_key(struct db_conn *c, const char *key_id, struct fed_peer_row *out,
			  struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, peer_by_key_sql, e) < 0)
		return -1;
	db_bind_text(st, ":key_id", key_id);
	return peer_one(st, out, key_id, e);
}

int store_fed_peer_get(struct db_conn *c, int64_t id, struct fed_peer_row *out, struct err *e)
{
	struct db_stmt *st;
	char what[32];

	if (db_prepare(c, &st, peer_get_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	snprintf(what, sizeof(what), "%lld", (long long)id);
	return peer_one(st, out, what, e);
}

int store_fed_peer_remove(struct db_conn *c, int64_t id, int64_t now, int *changed,
			  struct err *e)
{
	struct db_stmt *st;
	int rc;

	*changed = 0;
	if (db_prepare(c, &st, peer_remove_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	db_bind_int64(st, ":at", now);
	rc = db_exec(st, e);
	if (rc == 0)
		*changed = db_changes(st) > 0;
	db_finalize(st);
	return rc;
}

int store_fed_peer_list(struct db_conn *c, int all,
			int (*fn)(void *arg, const struct fed_peer_row *p, struct err *e),
			void *arg, struct err *e)
{
	struct db_stmt *st;
	struct fed_peer_row p;
	int rc;

	if (db_prepare(c, &st, peer_list_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":all", all ? 1 : 0);
	while ((rc = db_step(st, e)) == DB_ROW) {
		peer_from(st, &p);
		if (fn(arg, &p, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* ---- outbox ---- */

#define OUT_COLS "o.id, o.envelope_id, o.peer_id, o.type, o.envelope, o.envelope_sha256," \
	" o.created_at, o.leaf_index, o.state, o.attempts, o.next_attempt_at, o.last_attempt_at," \
	" o.last_error, o.delivered_at, o.receipt, o.remote_leaf_index, o.case_id, o.case_version," \
	" p.key_id, p.url, p.role"
#define OUT_FROM " FROM federation_outbox o JOIN federation_peers p ON p.id = o.peer_id"

static const char out_add_sql[] =
	"INSERT INTO federation_outbox (envelope_id, peer_id, type, envelope, envelope_sha256,"
	" created_at, leaf_index, state, attempts, next_attempt_at, case_id, case_version)"
	" VALUES (:eid, :peer, :type, :env, :sha, :at, :leaf, 'queued', 0, :at, :case_id,"
	" :case_version) RETURNING id";
static const char out_due_sql[] =
	"SELECT " OUT_COLS OUT_FROM " WHERE o.state = 'queued' AND o.next_attempt_at <= :now"
	" AND o.id % :nslots = :slot ORDER BY o.next_attempt_at, o.id LIMIT :limit";
static const char out_next_sql[] =
	"SELECT MIN(next_attempt_at) FROM federation_outbox WHERE state = 'queued'";
static const char out_attempt_sql[] =
	"UPDATE federation_outbox SET state = :state, attempts = :attempts, last_attempt_at = :at,"
	" next_attempt_at = :next, last_error = :error WHERE id = :id AND state = 'queued'";
static const char out_delivered_sql[] =
	"UPDATE federation_outbox SET state = 'delivered', attempts = :attempts,"
	" last_attempt_at = :at, delivered_at = :at, last_error = NULL, receipt = :receipt,"
	" remote_leaf_index = :rleaf WHERE id = :id";
static const char out_requeue_sql[] =
	"UPDATE federation_outbox SET state = 'queued', next_attempt_at = :now"
	" WHERE envelope_id = :eid AND state = 'failed'";
static const char out_list_sql[] =
	"SELECT " OUT_COLS OUT_FROM " WHERE (CAST(:state AS TEXT) = '' OR o.state = :state)"
	" AND (CAST(:after AS BIGINT) = 0 OR o.id < :after) ORDER BY o.id DESC LIMIT :limit";
static const char out_get_sql[] = "SELECT " OUT_COLS OUT_FROM " WHERE o.envelope_id = :eid";
static const char out_counts_sql[] =
	"SELECT state, COUNT(*) FROM federation_outbox GROUP BY state";

static int64_t int_or(struct db_stmt *st, int i, int64_t dflt)
{
	return db_col_is_null(st, i) ? dflt : db_col_int64(st, i);
}

static void out_from(struct db_stmt *st, struct fed_out_row *r)
{
	memset(r, 0, sizeof(*r));
	r->id = db_col_int64(st, 0);
	r->envelope_id = db_col_text(st, 1);
	r->peer_id = db_col_int64(st, 2);
	r->type = db_col_text(st, 3);
	r->envelope = db_col_blob(st, 4, &r->envelope_len);
	r->envelope_sha256 = db_col_text(st, 5);
	r->created_at = db_col_int64(st, 6);
	r->leaf_index = db_col_int64(st, 7);
	r->state = db_col_text(st, 8);
	r->attempts = db_col_int64(st, 9);
	r->next_attempt_at = db_col_int64(st, 10);
	r->last_attempt_at = int_or(st, 11, 0);
	r->last_error = db_col_text(st, 12);
	r->delivered_at = int_or(st, 13, 0);
	r->receipt = db_col_text(st, 14);
	r->remote_leaf_index = int_or(st, 15, -1);
	r->case_id = int_or(st, 16, 0);
	r->case_version = int_or(st, 17, 0);
	r->peer_key_id = db_col_text(st, 18);
	r->peer_url = db_col_text(st, 19);
	r->peer_role = db_col_text(st, 20);
}

static int out_rows(struct db_stmt *st, store_fed_out_fn *fn, void *arg, int *count,
		    struct err *e)
{
	struct fed_out_row r;
	int rc;

	*count = 0;
	while ((rc = db_step(st, e)) == DB_ROW) {
		out_from(st, &r);
		(*count)++;
		if (fn(arg, &r, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_fed_out_add(struct db_conn *c, const struct fed_out_row *r, int64_t *id,
		      struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, out_add_sql, e) < 0)
		return -1;
	db_bind_text(st, ":eid", r->envelope_id);
	db_bind_int64(st, ":peer", r->peer_id);
	db_bind_text(st, ":type", r->type);
	db_bind_blob(st, ":env", r->envelope, r->envelope_len);
	db_bind_text(st, ":sha", r->envelope_sha256);
	db_bind_int64(st, ":at", r->created_at);
	db_bind_int64(st, ":leaf", r->leaf_index);
	if (r->case_id) {
		db_bind_int64(st, ":case_id", r->case_id);
		db_bind_int64(st, ":case_version", r->case_version);
	} else {
		db_bind_null(st, ":case_id");
		db_bind_null(st, ":case_version");
	}
	return db_insert_id(st, id, e);
}

int store_fed_out_due(struct db_conn *c, int64_t now, int64_t nslots, int64_t slot, int limit,
		      store_fed_out_fn *fn, void *arg, struct err *e)
{
	struct db_stmt *st;
	int n;

	if (db_prepare(c, &st, out_due_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":now", now);
	db_bind_int64(st, ":nslots", nslots > 0 ? nslots : 1);
	db_bind_int64(st, ":slot", slot);
	db_bind_int64(st, ":limit", limit);
	return out_rows(st, fn, arg, &n, e);
}

int store_fed_out_next_due(struct db_conn *c, int64_t *when, int *found, struct err *e)
{
	struct db_stmt *st;
	int rc;

	*found = 0;
	*when = 0;
	if (db_prepare(c, &st, out_next_sql, e) < 0)
		return -1;
	rc = db_step(st, e);
	if (rc == DB_ROW && !db_col_is_null(st, 0)) {
		*when = db_col_int64(st, 0);
		*found = 1;
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_fed_out_attempt(struct db_conn *c, int64_t id, const char *state, int64_t attempts,
			  int64_t at, int64_t next_at, const char *error, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, out_attempt_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	db_bind_text(st, ":state", state);
	db_bind_int64(st, ":attempts", attempts);
	db_bind_int64(st, ":at", at);
	db_bind_int64(st, ":next", next_at);
	db_bind_text(st, ":error", error);
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}

int store_fed_out_delivered(struct db_conn *c, int64_t id, int64_t attempts, int64_t at,
			    const char *receipt, int64_t remote_leaf_index, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, out_delivered_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":id", id);
	db_bind_int64(st, ":attempts", attempts);
	db_bind_int64(st, ":at", at);
	db_bind_text(st, ":receipt", receipt);
	db_bind_int64(st, ":rleaf", remote_leaf_index);
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}

int store_fed_out_requeue(struct db_conn *c, const char *envelope_id, int64_t now, int *changed,
			  struct err *e)
{
	struct db_stmt *st;
	int rc;

	*changed = 0;
	if (db_prepare(c, &st, out_requeue_sql, e) < 0)
		return -1;
	db_bind_text(st, ":eid", envelope_id);
	db_bind_int64(st, ":now", now);
	rc = db_exec(st, e);
	if (rc == 0)
		*changed = db_changes(st) > 0;
	db_finalize(st);
	return rc;
}

int store_fed_out_list(struct db_conn *c, const char *state, int64_t after_id, int limit,
		       store_fed_out_fn *fn, void *arg, struct err *e)
{
	struct db_stmt *st;
	int n;

	if (db_prepare(c, &st, out_list_sql, e) < 0)
		return -1;
	db_bind_text(st, ":state", state ? state : "");
	db_bind_int64(st, ":after", after_id);
	db_bind_int64(st, ":limit", limit);
	return out_rows(st, fn, arg, &n, e);
}

int store_fed_out_get(struct db_conn *c, const char *envelope_id, store_fed_out_fn *fn,
		      void *arg, struct err *e)
{
	struct db_stmt *st;
	int n;

	if (db_prepare(c, &st, out_get_sql, e) < 0)
		return -1;
	db_bind_text(st, ":eid", envelope_id);
	if (out_rows(st, fn, arg, &n, e) < 0)
		return -1;
	if (n == 0)
		return err_setn(e, ERR_NOT_FOUND, "not_found", "no envelope \"%s\" in the outbox",
				envelope_id);
	return 0;
}

int store_fed_out_counts(struct db_conn *c, int64_t *queued, int64_t *delivered, int64_t *failed,
			 struct err *e)
{
	struct db_stmt *st;
	int rc;

	*queued = *delivered = *failed = 0;
	if (db_prepare(c, &st, out_counts_sql, e) < 0)
		return -1;
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *s = db_col_text(st, 0);
		int64_t n = db_col_int64(st, 1);

		if (strcmp(s, "queued") == 0)
			*queued = n;
		else if (strcmp(s, "delivered") == 0)
			*delivered = n;
		else if (strcmp(s, "failed") == 0)
			*failed = n;
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* ---- inbox ---- */

static const char in_add_sql[] =
	"INSERT INTO federation_inbox (peer_id, envelope_id, type, envelope, envelope_sha256,"
	" payload, received_at, leaf_index, leaf_hash) VALUES (:peer, :eid, :type, :env,"
	" :sha, :payload, :at, :leaf, :leaf_hash) RETURNING id";
static const char in_get_sql[] =
	"SELECT id, peer_id, envelope_id, type, envelope, envelope_sha256, payload, received_at,"
	" leaf_index, leaf_hash FROM federation_inbox"
	" WHERE peer_id = :peer AND envelope_id = :eid";
static const char in_count_sql[] = "SELECT COUNT(*) FROM federation_inbox";

int store_fed_in_add(struct db_conn *c, const struct fed_in_row *r, int64_t *id, struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, in_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":peer", r->peer_id);
	db_bind_text(st, ":eid", r->envelope_id);
	db_bind_text(st, ":type", r->type);
	db_bind_blob(st, ":env", r->envelope, r->envelope_len);
	db_bind_text(st, ":sha", r->envelope_sha256);
	db_bind_text(st, ":payload", r->payload);
	db_bind_int64(st, ":at", r->received_at);
	db_bind_int64(st, ":leaf", r->leaf_index);
	db_bind_text(st, ":leaf_hash", r->leaf_hash);
	return db_insert_id(st, id, e);
}

int store_fed_in_get(struct db_conn *c, int64_t peer_id, const char *envelope_id,
		     store_fed_in_fn *fn, void *arg, struct err *e)
{
	struct db_stmt *st;
	struct fed_in_row r;
	int rc;

	if (db_prepare(c, &st, in_get_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":peer", peer_id);
	db_bind_text(st, ":eid", envelope_id);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		memset(&r, 0, sizeof(r));
		r.id = db_col_int64(st, 0);
		r.peer_id = db_col_int64(st, 1);
		r.envelope_id = db_col_text(st, 2);
		r.type = db_col_text(st, 3);
		r.envelope = db_col_blob(st, 4, &r.envelope_len);
		r.envelope_sha256 = db_col_text(st, 5);
		r.payload = db_col_text(st, 6);
		r.received_at = db_col_int64(st, 7);
		r.leaf_index = db_col_int64(st, 8);
		r.leaf_hash = db_col_text(st, 9);
		rc = fn(arg, &r, e) < 0 ? -1 : 0;
	} else if (rc == DB_DONE) {
		rc = err_setn(e, ERR_NOT_FOUND, "not_found", "envelope \"%s\" not received",
			      envelope_id);
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

static int count_of(struct db_conn *c, const char *sql, int64_t *n, struct err *e)
{
	struct db_stmt *st;
	int rc;

	*n = 0;
	if (db_prepare(c, &st, sql, e) < 0)
		return -1;
	rc = db_step(st, e);
	if (rc == DB_ROW)
		*n = db_col_int64(st, 0);
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_fed_in_count(struct db_conn *c, int64_t *n, struct err *e)
{
	return count_of(c, in_count_sql, n, e);
}

/* ---- refusals ---- */

static const char refusal_add_sql[] =
	"INSERT INTO federation_refusals (received_at, client, claimed_from, envelope_id, code,"
	" message, body_sha256, body_size) VALUES (:at, :client, :from, :eid, :code, :msg, :sha,"
	" :size)";
static const char refusal_list_sql[] =
	"SELECT id, received_at, client, claimed_from, envelope_id, code, message, body_sha256,"
	" body_size FROM federation_refusals ORDER BY id DESC LIMIT :limit";
static const char refusal_count_sql[] = "SELECT COUNT(*) FROM federation_refusals";

int store_fed_refusal_add(struct db_conn *c, const struct fed_refusal_row *r, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (db_prepare(c, &st, refusal_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":at", r->received_at);
	db_bind_text(st, ":client", r->client);
	db_bind_text(st, ":from", r->claimed_from);
	db_bind_text(st, ":eid", r->envelope_id);
	db_bind_text(st, ":code", r->code);
	db_bind_text(st, ":msg", r->message);
	db_bind_text(st, ":sha", r->body_sha256);
	db_bind_int64(st, ":size", r->body_size);
	rc = db_exec(st, e);
	db_finalize(st);
	return rc;
}

int store_fed_refusal_list(struct db_conn *c, int limit,
			   int (*fn)(void *arg, const struct fed_refusal_row *r, struct err *e),
			   void *arg, struct err *e)
{
	struct db_stmt *st;
	struct fed_refusal_row r;
	int rc;

	if (db_prepare(c, &st, refusal_list_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":limit", limit);
	while ((rc = db_step(st, e)) == DB_ROW) {
		r.id = db_col_int64(st, 0);
		r.received_at = db_col_int64(st, 1);
		r.client = db_col_text(st, 2);
		r.claimed_from = db_col_text(st, 3);
		r.envelope_id = db_col_text(st, 4);
		r.code = db_col_text(st, 5);
		r.message = db_col_text(st, 6);
		r.body_sha256 = db_col_text(st, 7);
		r.body_size = db_col_int64(st, 8);
		if (fn(arg, &r, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int store_fed_refusal_count(struct db_conn *c, int64_t *n, struct err *e)
{
	return count_of(c, refusal_count_sql, n, e);
}

/* ---- hub reports ---- */

static const char hub_add_sql[] =
	"INSERT INTO hub_reports (inbox_id, provider_peer_id, case_ref, version, content_sha256,"
	" learned_at, received_at) VALUES (:inbox, :peer, :case_ref, :version, :sha, :learned,"
	" :at) RETURNING id";
static const char hub_list_sql[] =
	"SELECT h.id, h.inbox_id, h.provider_peer_id, h.case_ref, h.version, h.content_sha256,"
	" h.learned_at, h.received_at, i.envelope_id, p.key_id, p.name, p.url, p.jurisdiction,"
	" i.leaf_index FROM hub_reports h JOIN federation_inbox i ON i.id = h.inbox_id"
	" JOIN federation_peers p ON p.id = h.provider_peer_id"
	" WHERE (CAST(:peer AS BIGINT) = 0 OR h.provider_peer_id = :peer)"
	" AND (CAST(:after AS BIGINT) = 0 OR h.id < :after)"
	" ORDER BY h.id DESC LIMIT :limit";

int store_hub_report_add(struct db_conn *c, const struct hub_report_row *r, int64_t *id,
			 struct err *e)
{
	struct db_stmt *st;

	if (db_prepare(c, &st, hub_add_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":inbox", r->inbox_id);
	db_bind_int64(st, ":peer", r->provider_peer_id);
	db_bind_text(st, ":case_ref", r->case_ref);
	db_bind_int64(st, ":version", r->version);
	db_bind_text(st, ":sha", r->content_sha256);
	if (r->learned_at)
		db_bind_int64(st, ":learned", r->learned_at);
	else
		db_bind_null(st, ":learned");
	db_bind_int64(st, ":at", r->received_at);
	return db_insert_id(st, id, e);
}

int store_hub_report_list(struct db_conn *c, int64_t provider_peer_id, int64_t after_id,
			  int limit,
			  int (*fn)(void *arg, const struct hub_report_row *r, struct err *e),
			  void *arg, struct err *e)
{
	struct db_stmt *st;
	struct hub_report_row r;
	int rc;

	if (db_prepare(c, &st, hub_list_sql, e) < 0)
		return -1;
	db_bind_int64(st, ":peer", provider_peer_id);
	db_bind_int64(st, ":after", after_id);
	db_bind_int64(st, ":limit", limit);
	while ((rc = db_step(st, e)) == DB_ROW) {
		r.id = db_col_int64(st, 0);
		r.inbox_id = db_col_int64(st, 1);
		r.provider_peer_id = db_col_int64(st, 2);
		r.case_ref = db_col_text(st, 3);
		r.version = db_col_int64(st, 4);
		r.content_sha256 = db_col_text(st, 5);
		r.learned_at = int_or(st, 6, 0);
		r.received_at = db_col_int64(st, 7);
		r.envelope_id = db_col_text(st, 8);
		r.provider_key_id = db_col_text(st, 9);
		r.provider_name = db_col_text(st, 10);
		r.provider_url = db_col_text(st, 11);
		r.provider_jurisdiction = db_col_text(st, 12);
		r.leaf_index = db_col_int64(st, 13);
		if (fn(arg, &r, e) < 0) {
			rc = -1;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}
