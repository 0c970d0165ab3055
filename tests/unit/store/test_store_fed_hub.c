/* test_store_fed_hub.c - store_fed_hub.c: the hub dashboard's counts, relay states, the
 * national database's one report per (hub, report), early-release assessment once, and the
 * blackout map, on a small known data set in a migrated database.
 *
 * Runs on SQLite (a fresh file under /var/tmp) or, when VULNFLOW_TEST_DB=postgresql://...
 * names an empty database, on PostgreSQL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"
#include "store/store_fed_hub.h"
#include "store/store_federation.h"
#include "store/store_schema.h"

#define HOUR (INT64_C(3600) * 1000000)
#define DAY (24 * HOUR)
#define T0 (INT64_C(1780000000) * 1000000)

static char sqlite_dir[64];
static char url[1024];
static struct db *db;
static int64_t prov_a, prov_b, db_x, db_y;     /* peer ids */
static int64_t rep[4];                          /* hub_reports ids */

static struct db_conn *conn(void)
{
	struct db_conn *c;
	struct err e = ERR_INIT;

	if (db_acquire(db, &c, 5000, &e) < 0)
		fail_msg("acquire: %s", e.msg);
	return c;
}

static void ok(int rc, const struct err *e)
{
	if (rc < 0)
		fail_msg("%s", e->msg);
}

static int64_t add_peer(struct db_conn *c, const char *key_id, const char *role, const char *name)
{
	struct fed_peer_row p;
	struct err e = ERR_INIT;
	int64_t id;

	memset(&p, 0, sizeof(p));
	snprintf(p.key_id, sizeof(p.key_id), "%s", key_id);
	snprintf(p.public_key, sizeof(p.public_key), "ed25519:x");
	snprintf(p.url, sizeof(p.url), "http://127.0.0.1:9");
	snprintf(p.role, sizeof(p.role), "%s", role);
	snprintf(p.jurisdiction, sizeof(p.jurisdiction), "CN");
	snprintf(p.name, sizeof(p.name), "%s", name);
	p.created_at = T0;
	ok(store_fed_peer_add(c, &p, &id, &e), &e);
	return id;
}

/* A received report from peer, learned at learned (0: unknown), received at received. */
static int64_t add_report(struct db_conn *c, int64_t peer, const char *eid, int64_t learned,
			  int64_t received)
{
	struct fed_in_row in;
	struct hub_report_row hr;
	struct err e = ERR_INIT;
	int64_t inbox, id;

	memset(&in, 0, sizeof(in));
	in.peer_id = peer;
	in.envelope_id = eid;
	in.type = "authority_report";
	in.envelope = (const unsigned char *)"sealed";
	in.envelope_len = 6;
	in.envelope_sha256 = "00";
	in.payload = "{}";
	in.received_at = received;
	in.leaf_index = received / HOUR;
	in.leaf_hash = "00";
	ok(store_fed_in_add(c, &in, &inbox, &e), &e);
	memset(&hr, 0, sizeof(hr));
	hr.inbox_id = inbox;
	hr.provider_peer_id = peer;
	hr.case_ref = eid;
	hr.version = 1;
	hr.content_sha256 = "ab";
	hr.learned_at = learned;
	hr.received_at = received;
	ok(store_hub_report_add(c, &hr, &id, &e), &e);
	return id;
}

/* Relay report r to peer as envelope eid in state (NULL: not sent). */
static void add_relay(struct db_conn *c, int64_t r, int64_t peer, const char *eid,
		      const char *state)
{
	struct fed_out_row o;
	struct err e = ERR_INIT;
	int64_t oid;

	ok(store_hub_relay_add(c, r, peer, T0, &e), &e);
	ok(store_hub_relay_add(c, r, peer, T0 + 1, &e), &e);        /* a second add: nothing */
	if (state == NULL)
		return;
	memset(&o, 0, sizeof(o));
	o.envelope_id = eid;
	o.peer_id = peer;
	o.type = "report_relay";
	o.envelope = (const unsigned char *)"sealed";
	o.envelope_len = 6;
	o.envelope_sha256 = "00";
	o.created_at = T0;
	ok(store_fed_out_add(c, &o, &oid, &e), &e);
	if (strcmp(state, "delivered") == 0)
		ok(store_fed_out_delivered(c, oid, 1, T0 + 5 * HOUR, "{}", 3, &e), &e);
	else if (strcmp(state, "failed") == 0)
		ok(store_fed_out_attempt(c, oid, "failed", 1, T0, T0, "HTTP 422 expired: x", &e), &e);
	{
		/* the relay row names its envelope */
		struct db_stmt *st;

		ok(db_prepare(c, &st, "SELECT id FROM hub_relays WHERE hub_report_id = :r AND"
			      " peer_id = :p", &e), &e);
		db_bind_int64(st, ":r", r);
		db_bind_int64(st, ":p", peer);
		assert_int_equal(db_step(st, &e), DB_ROW);
		oid = db_col_int64(st, 0);
		db_finalize(st);
		ok(store_hub_relay_sent(c, oid, eid, T0 + HOUR, &e), &e);
	}
}

/*
 * Providers A (3 reports: in 1 h, in 47 h, in 49 h: late) and B (1 report, learned_at
 * unknown).  Databases X (relays: 2 delivered, 1 queued, 1 failed) and Y (1 pending, then
 * removed).
 */
static int setup(void **state)
{
	const char *env = getenv("VULNFLOW_TEST_DB");
	struct db_conn *c;
	struct err e = ERR_INIT;
	int applied, changed;

	(void)state;
	if (env != NULL && env[0] != '\0') {
		snprintf(url, sizeof(url), "%s", env);
	} else {
		snprintf(sqlite_dir, sizeof(sqlite_dir), "/var/tmp/vf-test-fedhub-XXXXXX");
		if (mkdtemp(sqlite_dir) == NULL)
			return -1;
		snprintf(url, sizeof(url), "sqlite:%s/test.db", sqlite_dir);
	}
	if (db_open(&db, url, 2, &e) < 0 || store_schema_migrate(db, &applied, &e) < 0) {
		fprintf(stderr, "cannot prepare %s: %s\n", url, e.msg);
		return -1;
	}
	c = conn();
	prov_a = add_peer(c, "aa", "provider", "Acme");
	prov_b = add_peer(c, "bb", "provider", "");
	db_x = add_peer(c, "cc", "database", "CNNVD");
	db_y = add_peer(c, "dd", "database", "CNVD");
	add_peer(c, "ee", "platform", "P");
	rep[0] = add_report(c, prov_a, "e-1", T0, T0 + HOUR);
	rep[1] = add_report(c, prov_a, "e-2", T0, T0 + 47 * HOUR);
	rep[2] = add_report(c, prov_a, "e-3", T0, T0 + 49 * HOUR);
	rep[3] = add_report(c, prov_b, "e-4", 0, T0 + 2 * HOUR);
	add_relay(c, rep[0], db_x, "r-1", "delivered");
	add_relay(c, rep[1], db_x, "r-2", "delivered");
	add_relay(c, rep[2], db_x, "r-3", "queued");
	add_relay(c, rep[3], db_x, "r-4", "failed");
	add_relay(c, rep[0], db_y, NULL, NULL);
	ok(store_fed_peer_remove(c, db_y, T0 + DAY, &changed, &e), &e);
	db_release(c);
	return 0;
}

static int teardown(void **state)
{
	char path[128];

	(void)state;
	db_close(db);
	if (sqlite_dir[0]) {
		const char *suffix[] = { "", "-wal", "-shm" };

		for (int i = 0; i < 3; i++) {
			snprintf(path, sizeof(path), "%s/test.db%s", sqlite_dir, suffix[i]);
			unlink(path);
		}
		rmdir(sqlite_dir);
	}
	return 0;
}

struct pstats {
	struct hub_provider_stat s[4];
	char names[4][32];
	int n;
};

static int take_provider(void *arg, const struct hub_provider_stat *s, struct err *e)
{
	struct pstats *p = arg;

	(void)e;
	assert_true(p->n < 4);
	p->s[p->n] = *s;
	snprintf(p->names[p->n], sizeof(p->names[0]), "%s", s->name ? s->name : "");
	p->n++;
	return 0;
}

static void test_provider_stats(void **state)
{
	struct pstats p = { .n = 0 };
	struct db_conn *c = conn();
	struct err e = ERR_INIT;

	(void)state;
	ok(store_hub_provider_stats(c, take_provider, &p, &e), &e);
	db_release(c);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.s[0].peer_id, prov_a);
	assert_string_equal(p.names[0], "Acme");
	assert_int_equal(p.s[0].reports, 3);
	assert_int_equal(p.s[0].within_2_days, 2);      /* 1 h and 47 h; 49 h is late */
	assert_int_equal(p.s[0].unknown_learned_at, 0);
	assert_int_equal(p.s[0].last_received_at, T0 + 49 * HOUR);
	assert_int_equal(p.s[1].peer_id, prov_b);
	assert_string_equal(p.names[1], "");
	assert_int_equal(p.s[1].reports, 1);
	assert_int_equal(p.s[1].within_2_days, 0);
	assert_int_equal(p.s[1].unknown_learned_at, 1);
}

struct dstats {
	struct hub_database_stat s[4];
	int n;
};

static int take_database(void *arg, const struct hub_database_stat *s, struct err *e)
{
	struct dstats *d = arg;

	(void)e;
	assert_true(d->n < 4);
	d->s[d->n++] = *s;
	return 0;
}

static void test_database_stats(void **state)
{
	struct dstats d = { .n = 0 };
	struct db_conn *c = conn();
	struct err e = ERR_INIT;

	(void)state;
	ok(store_hub_database_stats(c, take_database, &d, &e), &e);
	db_release(c);
	assert_int_equal(d.n, 2);                       /* Y is removed but has a relay */
	assert_int_equal(d.s[0].peer_id, db_x);
	assert_int_equal(d.s[0].removed, 0);
	assert_int_equal(d.s[0].relays, 4);
	assert_int_equal(d.s[0].pending, 0);
	assert_int_equal(d.s[0].queued, 1);
	assert_int_equal(d.s[0].delivered, 2);
	assert_int_equal(d.s[0].failed, 1);
	assert_int_equal(d.s[0].last_delivered_at, T0 + 5 * HOUR);
	assert_int_equal(d.s[1].peer_id, db_y);
	assert_int_equal(d.s[1].removed, 1);
	assert_int_equal(d.s[1].relays, 1);
	assert_int_equal(d.s[1].pending, 1);
	assert_int_equal(d.s[1].delivered, 0);
}

struct relays {
	char line[8][96];
	int n;
};

static int take_relay(void *arg, const struct hub_relay_row *r, struct err *e)
{
	struct relays *l = arg;

	(void)e;
	assert_true(l->n < 8);
	snprintf(l->line[l->n++], sizeof(l->line[0]), "%lld %s %s %s %s",
		 (long long)(r->hub_report_id - rep[0]), r->peer_key_id,
		 r->envelope_id ? r->envelope_id : "-", r->state,
		 r->last_error ? r->last_error : "-");
	return 0;
}

static void test_relays_and_unsent(void **state)
{
	struct relays l = { .n = 0 };
	struct db_conn *c = conn();
	struct err e = ERR_INIT;

	(void)state;
	ok(store_hub_relays(c, rep[0], rep[3], take_relay, &l, &e), &e);
	assert_int_equal(l.n, 5);
	assert_string_equal(l.line[0], "0 cc r-1 delivered -");
	assert_string_equal(l.line[1], "0 dd - pending -");
	assert_string_equal(l.line[2], "1 cc r-2 delivered -");
	assert_string_equal(l.line[3], "2 cc r-3 queued -");
	assert_string_equal(l.line[4], "3 cc r-4 failed HTTP 422 expired: x");
	l.n = 0;
	ok(store_hub_relays(c, rep[2], rep[2], take_relay, &l, &e), &e);
	assert_int_equal(l.n, 1);
	db_release(c);
}

static int count_todo(void *arg, const struct hub_relay_todo *r, struct err *e)
{
	(void)r;
	(void)e;
	(*(int *)arg)++;
	return 0;
}

static void test_unsent_skips_removed(void **state)
{
	struct db_conn *c = conn();
	struct err e = ERR_INIT;
	int n = 0;

	(void)state;
	/* the only unsent relay is to the removed database: nothing to send */
	ok(store_hub_relays_unsent(c, 64, count_todo, &n, &e), &e);
	assert_int_equal(n, 0);
	db_release(c);
}

static void test_db_report_once(void **state)
{
	struct db_conn *c = conn();
	struct db_report_row r;
	struct fed_in_row in;
	struct err e = ERR_INIT;
	int64_t inbox[2];
	int added;

	(void)state;
	for (int i = 0; i < 2; i++) {
		char eid[16];

		snprintf(eid, sizeof(eid), "e-db-%d", i);
		memset(&in, 0, sizeof(in));
		in.peer_id = db_x;
		in.envelope_id = eid;
		in.type = "report_relay";
		in.envelope = (const unsigned char *)"x";
		in.envelope_len = 1;
		in.envelope_sha256 = "00";
		in.payload = "{}";
		in.received_at = T0;
		in.leaf_hash = "00";
		ok(store_fed_in_add(c, &in, &inbox[i], &e), &e);
	}
	memset(&r, 0, sizeof(r));
	r.inbox_id = inbox[0];
	r.hub_peer_id = db_x;
	r.hub_report_id = 77;
	r.provider_key_id = "aa";
	r.case_ref = "12";
	r.version = 1;
	r.content_sha256 = "ab";
	r.hub_received_at = T0;
	r.received_at = T0 + 1;
	ok(store_db_report_add(c, &r, &added, &e), &e);
	assert_int_equal(added, 1);
	r.inbox_id = inbox[1];                          /* the same relay sent twice */
	ok(store_db_report_add(c, &r, &added, &e), &e);
	assert_int_equal(added, 0);
	db_release(c);
}

static void test_early_release_assessed_once(void **state)
{
	struct db_conn *c = conn();
	struct hub_er_row r;
	struct err e = ERR_INIT;
	int64_t id;
	int changed;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.inbox_id = 1;
	r.provider_peer_id = prov_a;
	r.case_ref = "5";
	r.steps = "[]";
	r.received_at = T0;
	ok(store_hub_er_add(c, &r, &id, &e), &e);
	ok(store_hub_er_assess(c, id, "{\"decision\":\"approved\"}", T0 + HOUR, "coord", &changed,
			       &e), &e);
	assert_int_equal(changed, 1);
	ok(store_hub_er_assess(c, id, "{\"decision\":\"refused\"}", T0 + 2 * HOUR, "coord",
			       &changed, &e), &e);
	assert_int_equal(changed, 0);
	assert_int_equal(store_hub_er_get(c, id + 100, NULL, NULL, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	db_release(c);
}

static void test_blackout_map(void **state)
{
	struct db_conn *c = conn();
	struct err e = ERR_INIT;
	int64_t local = 0;

	(void)state;
	assert_int_equal(store_fed_blackout_local(c, db_x, "blackout", 3, &local, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	ok(store_fed_blackout_map(c, db_x, "blackout", 3, 41, T0, &e), &e);
	ok(store_fed_blackout_map(c, db_x, "consent", 3, 42, T0, &e), &e);
	e = (struct err)ERR_INIT;
	ok(store_fed_blackout_local(c, db_x, "blackout", 3, &local, &e), &e);
	assert_int_equal(local, 41);
	ok(store_fed_blackout_local(c, db_x, "consent", 3, &local, &e), &e);
	assert_int_equal(local, 42);
	/* one window per (peer, kind, source id) */
	assert_int_equal(store_fed_blackout_map(c, db_x, "blackout", 3, 43, T0, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	db_release(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_provider_stats),
		cmocka_unit_test(test_database_stats),
		cmocka_unit_test(test_relays_and_unsent),
		cmocka_unit_test(test_unsent_skips_removed),
		cmocka_unit_test(test_db_report_once),
		cmocka_unit_test(test_early_release_assessed_once),
		cmocka_unit_test(test_blackout_map),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
