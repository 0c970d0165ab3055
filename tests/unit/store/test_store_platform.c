/* test_store_platform.c - store_platform.c: the hub's registry (newest version per active
 * platform peer, in filing order), a researcher's report outcomes from routed statuses, the
 * order of status updates, and the provider's routed-in rows, on a small known data set in a
 * migrated database.
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
#include "store/store_federation.h"
#include "store/store_platform.h"
#include "store/store_report.h"
#include "store/store_schema.h"

#define T0 (INT64_C(1780000000) * 1000000)
#define RESEARCHER 7

static char sqlite_dir[64];
static char url[1024];
static struct db *db;
static int64_t plat_a, plat_b, prov, removed_plat; /* peer ids */
static int64_t acme;				   /* a directory entry */
static int64_t leaf = 100;

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

static int64_t add_peer(struct db_conn *c, const char *key_id, const char *role)
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
	p.created_at = T0;
	ok(store_fed_peer_add(c, &p, &id, &e), &e);
	return id;
}

static int64_t add_inbox(struct db_conn *c, int64_t peer, const char *eid, const char *type)
{
	struct fed_in_row in;
	struct err e = ERR_INIT;
	int64_t id;

	memset(&in, 0, sizeof(in));
	in.peer_id = peer;
	in.envelope_id = eid;
	in.type = type;
	in.envelope = (const unsigned char *)"sealed";
	in.envelope_len = 6;
	in.envelope_sha256 = "00";
	in.payload = "{}";
	in.received_at = T0;
	in.leaf_index = leaf++;
	in.leaf_hash = "00";
	ok(store_fed_in_add(c, &in, &id, &e), &e);
	return id;
}

static void file(struct db_conn *c, int64_t peer, const char *eid, int64_t version,
		 const char *name, int64_t at)
{
	struct hub_filing_row r;
	char data[128];
	struct err e = ERR_INIT;
	int64_t id;

	snprintf(data, sizeof(data), "{\"name\":\"%s\"}", name);
	memset(&r, 0, sizeof(r));
	r.inbox_id = add_inbox(c, peer, eid, "platform_filing");
	r.peer_id = peer;
	r.version = version;
	r.data = data;
	r.received_at = at;
	ok(store_hub_filing_add(c, &r, &id, &e), &e);
}

/* A received report of user uid (0: anonymous) in status (received or spam). */
static int64_t add_report(struct db_conn *c, int64_t uid, const char *status)
{
	struct report_row r;
	struct err e = ERR_INIT;
	int64_t id;

	memset(&r, 0, sizeof(r));
	r.leaf_index = (uint64_t)leaf++;
	snprintf(r.channel, sizeof(r.channel), "api");
	snprintf(r.disposition, sizeof(r.disposition), "accepted");
	snprintf(r.status, sizeof(r.status), "%s", status);
	r.received_at = T0;
	r.reporter_user_id = uid;
	r.payload = (const unsigned char *)"x";
	r.payload_len = 1;
	r.payload_size = 1;
	ok(store_report_add(c, &r, &id, &e), &e);
	return id;
}

/* Route report to acme; status NULL: no answer yet.  Returns the routing's id. */
static int64_t route(struct db_conn *c, int64_t report, const char *status)
{
	struct platform_routed_row r;
	struct err e = ERR_INIT;
	int64_t id;

	memset(&r, 0, sizeof(r));
	r.report_id = report;
	r.provider_id = acme;
	r.channel = "federation";
	r.guard = "{}";
	r.routed_at = T0;
	ok(store_platform_routed_add(c, &r, &id, &e), &e);
	if (status != NULL)
		ok(store_platform_routed_set_status(c, id, status, "{}", T0 + 1, &e), &e);
	return id;
}

/*
 * Hub: platform A filed versions 1, 3, 2 (3 is the newest, whatever the arrival order),
 * platform B version 1 after A, a provider peer "filed" (not a platform: not listed), and
 * a removed platform.  Platform side: the researcher's reports: valid (verified), invalid
 * (rejected), spam (invalid even though verified), pending (routed, no answer), pending (not
 * routed), valid (one provider rejected, another is fixing); another user's report.
 */
static int setup(void **state)
{
	const char *env = getenv("VULNFLOW_TEST_DB");
	struct platform_provider_row pr;
	struct db_conn *c;
	struct err e = ERR_INIT;
	int applied, changed;
	int64_t f;

	(void)state;
	if (env != NULL && env[0] != '\0') {
		snprintf(url, sizeof(url), "%s", env);
	} else {
		snprintf(sqlite_dir, sizeof(sqlite_dir), "/var/tmp/vf-test-platform-XXXXXX");
		if (mkdtemp(sqlite_dir) == NULL)
			return -1;
		snprintf(url, sizeof(url), "sqlite:%s/test.db", sqlite_dir);
	}
	if (db_open(&db, url, 2, &e) < 0 || store_schema_migrate(db, &applied, &e) < 0) {
		fprintf(stderr, "cannot prepare %s: %s\n", url, e.msg);
		return -1;
	}
	c = conn();
	plat_a = add_peer(c, "aa", "platform");
	plat_b = add_peer(c, "bb", "platform");
	prov = add_peer(c, "cc", "provider");
	removed_plat = add_peer(c, "dd", "platform");
	file(c, plat_a, "e-1", 1, "A1", T0 + 10);
	file(c, plat_a, "e-3", 3, "A3", T0 + 30);
	file(c, plat_a, "e-2", 2, "A2", T0 + 40);
	file(c, plat_b, "e-4", 1, "B1", T0 + 20);
	file(c, prov, "e-5", 1, "P1", T0 + 1);
	file(c, removed_plat, "e-6", 1, "R1", T0 + 2);
	ok(store_fed_peer_remove(c, removed_plat, T0 + 50, &changed, &e), &e);

	memset(&pr, 0, sizeof(pr));
	pr.name = "Acme";
	pr.patterns = "[\"Acme*\"]";
	pr.peer_key_id = "cc";
	pr.jurisdiction = "CN";
	pr.created_at = T0;
	ok(store_platform_provider_add(c, &pr, &acme, &e), &e);
	route(c, add_report(c, RESEARCHER, "received"), "verified");
	route(c, add_report(c, RESEARCHER, "received"), "rejected");
	route(c, add_report(c, RESEARCHER, "spam"), "verified");
	route(c, add_report(c, RESEARCHER, "received"), NULL);
	add_report(c, RESEARCHER, "received");
	f = add_report(c, RESEARCHER, "received");
	route(c, f, "rejected");
	route(c, f, "fixing");
	route(c, add_report(c, RESEARCHER + 1, "received"), "verified");
	db_release(c);
	return 0;
}

static int teardown(void **state)
{
	char path[128];

	(void)state;
	db_close(db);
	if (sqlite_dir[0]) {
		const char *suffix[] = {"", "-wal", "-shm"};

		for (int i = 0; i < 3; i++) {
			snprintf(path, sizeof(path), "%s/test.db%s", sqlite_dir, suffix[i]);
			unlink(path);
		}
		rmdir(sqlite_dir);
	}
	return 0;
}

struct reg {
	int n;
	char data[4][64];
	int64_t version[4], first[4], peer[4];
};

static int take_reg(void *arg, const struct hub_filing_row *r, struct err *e)
{
	struct reg *x = arg;

	(void)e;
	if (x->n == 4)
		return 0;
	snprintf(x->data[x->n], sizeof(x->data[0]), "%s", r->data);
	x->version[x->n] = r->version;
	x->first[x->n] = r->first_received_at;
	x->peer[x->n] = r->peer_id;
	x->n++;
	return 0;
}

static void test_registry(void **state)
{
	struct db_conn *c = conn();
	struct err e = ERR_INIT;
	struct reg x;

	(void)state;
	memset(&x, 0, sizeof(x));
	ok(store_hub_registry_list(c, take_reg, &x, &e), &e);
	db_release(c);
	assert_int_equal(x.n, 2);
	/* A first (it filed first), with its highest version, not its last to arrive */
	assert_int_equal(x.peer[0], plat_a);
	assert_int_equal(x.version[0], 3);
	assert_string_equal(x.data[0], "{\"name\":\"A3\"}");
	assert_true(x.first[0] == T0 + 10);
	assert_int_equal(x.peer[1], plat_b);
	assert_int_equal(x.version[1], 1);
	assert_string_equal(x.data[1], "{\"name\":\"B1\"}");
	assert_true(x.first[1] == T0 + 20);
}

static void test_outcomes(void **state)
{
	struct db_conn *c = conn();
	struct err e = ERR_INIT;
	int64_t valid, invalid, pending;

	(void)state;
	ok(store_researcher_outcomes(c, RESEARCHER, &valid, &invalid, &pending, &e), &e);
	assert_int_equal(valid, 2);
	assert_int_equal(invalid, 2);
	assert_int_equal(pending, 2);
	ok(store_researcher_outcomes(c, RESEARCHER + 1, &valid, &invalid, &pending, &e), &e);
	assert_int_equal(valid, 1);
	assert_int_equal(invalid + pending, 0);
	ok(store_researcher_outcomes(c, 99, &valid, &invalid, &pending, &e), &e);
	assert_int_equal(valid + invalid + pending, 0);
	db_release(c);
}

struct one_status {
	char status[32];
	int64_t at;
};

static int take_status(void *arg, const struct platform_routed_row *r, struct err *e)
{
	struct one_status *x = arg;

	(void)e;
	snprintf(x->status, sizeof(x->status), "%s", r->status ? r->status : "");
	x->at = r->status_at;
	return 0;
}

static void test_status_order(void **state)
{
	struct db_conn *c = conn();
	struct err e = ERR_INIT;
	struct one_status s;
	int64_t id = route(c, add_report(c, 0, "received"), NULL);

	(void)state;
	ok(store_platform_routed_set_status(c, id, "fixing", "{}", T0 + 20, &e), &e);
	/* an older update arriving late does not overwrite a newer one */
	ok(store_platform_routed_set_status(c, id, "triage", "{}", T0 + 10, &e), &e);
	ok(store_platform_routed_get(c, id, take_status, &s, &e), &e);
	assert_string_equal(s.status, "fixing");
	assert_true(s.at == T0 + 20);
	ok(store_platform_routed_set_status(c, id, "published", "{}", T0 + 30, &e), &e);
	ok(store_platform_routed_get(c, id, take_status, &s, &e), &e);
	assert_string_equal(s.status, "published");
	assert_int_equal(store_platform_routed_get(c, 999999, take_status, &s, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	db_release(c);
}

struct pend {
	int n;
	int64_t id;
	char ref[32];
	char eid[32];
};

static int take_pending(void *arg, const struct provider_in_row *r, struct err *e)
{
	struct pend *x = arg;

	(void)e;
	x->n++;
	x->id = r->id;
	snprintf(x->ref, sizeof(x->ref), "%s", r->platform_ref);
	snprintf(x->eid, sizeof(x->eid), "%s", r->envelope_id);
	return 0;
}

static void test_routed_in(void **state)
{
	struct db_conn *c = conn();
	struct err e = ERR_INIT;
	struct provider_in_row r;
	struct pend p;
	int found;
	int64_t id, report;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.inbox_id = add_inbox(c, plat_a, "e-r1", "report_routed");
	r.peer_id = plat_a;
	r.platform_ref = "17";
	r.envelope_id = "e-r1";
	r.received_at = T0;
	ok(store_provider_in_exists(c, plat_a, "17", &found, &e), &e);
	assert_int_equal(found, 0);
	ok(store_provider_in_add(c, &r, &id, &e), &e);
	ok(store_provider_in_exists(c, plat_a, "17", &found, &e), &e);
	assert_int_equal(found, 1);
	ok(store_provider_in_exists(c, plat_b, "17", &found, &e), &e);
	assert_int_equal(found, 0);
	/* the same reference from the same platform is one row */
	r.inbox_id = add_inbox(c, plat_a, "e-r2", "report_routed");
	assert_int_equal(store_provider_in_add(c, &r, &id, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	memset(&p, 0, sizeof(p));
	ok(store_provider_in_pending(c, 10, take_pending, &p, &e), &e);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.ref, "17");
	assert_string_equal(p.eid, "e-r1");
	report = add_report(c, 0, "received");
	ok(store_provider_in_set_report(c, p.id, report, &e), &e);
	memset(&p, 0, sizeof(p));
	ok(store_provider_in_pending(c, 10, take_pending, &p, &e), &e);
	assert_int_equal(p.n, 0);
	/* no case yet: nothing changed to send */
	ok(store_provider_in_changed(c, 10, take_pending, &p, &e), &e);
	assert_int_equal(p.n, 0);
	db_release(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_registry),
	    cmocka_unit_test(test_outcomes),
	    cmocka_unit_test(test_status_order),
	    cmocka_unit_test(test_routed_in),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
