/* test_store_platform.c - store_platform.c: the hub's registry (newest accepted version per
 * active platform peer, in filing order), the hub's review of received filings and the
 * decision kept on the platform, a researcher's report outcomes from routed statuses, the
 * order of status updates, the provider's routed-in rows, the directory by researcher level,
 * designated programs, advisories kept on a routing, and the advisories a provider still has
 * to send back, on a small known data set in a migrated database.
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
#include "store/store_bulletin.h"
#include "store/store_case.h"
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

static int64_t file(struct db_conn *c, int64_t peer, const char *eid, int64_t version,
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
	return id;
}

/* Review a pending filing; returns whether it changed. */
static int review(struct db_conn *c, int64_t id, const char *state, const char *note,
		  int64_t at)
{
	struct err e = ERR_INIT;
	int changed = -1;

	ok(store_hub_filing_review(c, id, state, note, "staff@hub.example", at, &changed, &e), &e);
	return changed;
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
 * a removed platform; all of them accepted.  Platform side: the researcher's reports: valid (verified), invalid
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
	int64_t f, filed[6];

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
	filed[0] = file(c, plat_a, "e-1", 1, "A1", T0 + 10);
	filed[1] = file(c, plat_a, "e-3", 3, "A3", T0 + 30);
	filed[2] = file(c, plat_a, "e-2", 2, "A2", T0 + 40);
	filed[3] = file(c, plat_b, "e-4", 1, "B1", T0 + 20);
	filed[4] = file(c, prov, "e-5", 1, "P1", T0 + 1);
	filed[5] = file(c, removed_plat, "e-6", 1, "R1", T0 + 2);
	for (int i = 0; i < 6; i++)
		if (review(c, filed[i], "accepted", NULL, T0 + 45) != 1)
			return -1;
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

/* A copy of the review columns of the rows a list or get hands over. */
struct rev {
	int n;
	int64_t id[4], version[4], reviewed_at[4];
	char state[4][16], note[4][64], by[4][64], key[4][16];
};

static int take_rev(void *arg, const struct hub_filing_row *r, struct err *e)
{
	struct rev *x = arg;

	(void)e;
	if (x->n == 4)
		return 0;
	x->id[x->n] = r->id;
	x->version[x->n] = r->version;
	x->reviewed_at[x->n] = r->reviewed_at;
	snprintf(x->state[x->n], sizeof(x->state[0]), "%s", r->review_state);
	snprintf(x->note[x->n], sizeof(x->note[0]), "%s", r->review_note ? r->review_note : "-");
	snprintf(x->by[x->n], sizeof(x->by[0]), "%s", r->reviewed_by ? r->reviewed_by : "-");
	snprintf(x->key[x->n], sizeof(x->key[0]), "%s", r->peer_key_id);
	x->n++;
	return 0;
}

static int take_filing(void *arg, const struct platform_filing_row *r, struct err *e)
{
	struct platform_filing_row *x = arg;

	(void)e;
	x->id = r->id;
	x->reviewed_at = r->reviewed_at;
	x->review_state = r->review_state ? strdup(r->review_state) : NULL;
	x->review_note = r->review_note ? strdup(r->review_note) : NULL;
	return 0;
}

/*
 * Hub: platform E files versions 1 and 2 (pending: not listed); 1 accepted is listed, a
 * second review of it changes nothing; 2 returned with a note and a pending 3 do not hide 1;
 * 3 accepted replaces it.  The lists by state, paging, one filing, an unknown one.
 * Platform: the hub's decision kept on its version, none for an unknown version.
 */
static void test_filing_review(void **state)
{
	struct db_conn *c = conn();
	struct err e = ERR_INIT;
	struct platform_filing_row pf, got;
	struct reg x;
	struct rev r;
	int64_t plat_e = add_peer(c, "ee", "platform"), f1, f2, f3, v1, v2;
	int found = -1;

	(void)state;
	f1 = file(c, plat_e, "e-7", 1, "E1", T0 + 100);
	f2 = file(c, plat_e, "e-8", 2, "E2", T0 + 110);
	memset(&r, 0, sizeof(r));
	ok(store_hub_filing_list(c, "pending", 0, 50, take_rev, &r, &e), &e);
	assert_int_equal(r.n, 2);
	assert_true(r.id[0] == f1 && r.id[1] == f2);
	assert_string_equal(r.state[0], "pending");
	assert_string_equal(r.by[0], "-");
	assert_true(r.reviewed_at[0] == 0);
	assert_string_equal(r.key[1], "ee");
	memset(&x, 0, sizeof(x));
	ok(store_hub_registry_list(c, take_reg, &x, &e), &e);
	assert_int_equal(x.n, 2); /* pending versions are not listed */

	assert_int_equal(review(c, f1, "accepted", NULL, T0 + 120), 1);
	assert_int_equal(review(c, f1, "returned", "too late", T0 + 121), 0);
	assert_int_equal(review(c, 999999, "accepted", NULL, T0 + 121), 0);
	memset(&x, 0, sizeof(x));
	ok(store_hub_registry_list(c, take_reg, &x, &e), &e);
	assert_int_equal(x.n, 3);
	assert_int_equal(x.peer[2], plat_e);
	assert_int_equal(x.version[2], 1);
	assert_true(x.first[2] == T0 + 100);

	assert_int_equal(review(c, f2, "returned", "the ICP number does not match", T0 + 130), 1);
	f3 = file(c, plat_e, "e-9", 3, "E3", T0 + 140);
	memset(&x, 0, sizeof(x));
	ok(store_hub_registry_list(c, take_reg, &x, &e), &e);
	assert_int_equal(x.n, 3);
	assert_int_equal(x.version[2], 1); /* returned 2 and pending 3 do not hide 1 */
	assert_string_equal(x.data[2], "{\"name\":\"E1\"}");

	memset(&r, 0, sizeof(r));
	ok(store_hub_filing_get(c, f2, take_rev, &r, &e), &e);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.state[0], "returned");
	assert_string_equal(r.note[0], "the ICP number does not match");
	assert_string_equal(r.by[0], "staff@hub.example");
	assert_true(r.reviewed_at[0] == T0 + 130);
	memset(&r, 0, sizeof(r));
	ok(store_hub_filing_list(c, "returned", 0, 50, take_rev, &r, &e), &e);
	assert_int_equal(r.n, 1);
	assert_true(r.id[0] == f2);
	memset(&r, 0, sizeof(r));
	ok(store_hub_filing_list(c, NULL, f1, 1, take_rev, &r, &e), &e);
	assert_int_equal(r.n, 1); /* after f1, one row: f2 */
	assert_true(r.id[0] == f2);
	memset(&r, 0, sizeof(r));
	ok(store_hub_filing_list(c, "accepted", f1 - 1, 50, take_rev, &r, &e), &e);
	assert_int_equal(r.n, 1);
	assert_true(r.id[0] == f1 && r.version[0] == 1);
	assert_int_equal(store_hub_filing_get(c, 999999, take_rev, &r, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_string_equal(err_name(&e), "unknown_filing");
	err_clear(&e);

	assert_int_equal(review(c, f3, "accepted", NULL, T0 + 150), 1);
	ok(store_hub_filing_set_review_envelope(c, f3, "e-review-3", &e), &e);
	memset(&x, 0, sizeof(x));
	ok(store_hub_registry_list(c, take_reg, &x, &e), &e);
	assert_int_equal(x.n, 3);
	assert_int_equal(x.version[2], 3);
	assert_true(x.first[2] == T0 + 100);

	/* the platform's side */
	memset(&pf, 0, sizeof(pf));
	pf.data = "{\"name\":\"mine\"}";
	pf.created_at = T0;
	ok(store_platform_filing_add(c, &pf, &v1, &e), &e);
	ok(store_platform_filing_add(c, &pf, &v2, &e), &e);
	memset(&got, 0, sizeof(got));
	ok(store_platform_filing_latest(c, take_filing, &got, &e), &e);
	assert_true(got.id == v2 && got.review_state == NULL && got.review_note == NULL &&
		    got.reviewed_at == 0);
	ok(store_platform_filing_review(c, v2, "returned", "fix the URL", T0 + 5, &found, &e),
	   &e);
	assert_int_equal(found, 1);
	ok(store_platform_filing_review(c, 999999, "accepted", NULL, T0 + 6, &found, &e), &e);
	assert_int_equal(found, 0);
	memset(&got, 0, sizeof(got));
	ok(store_platform_filing_latest(c, take_filing, &got, &e), &e);
	assert_true(got.id == v2 && got.reviewed_at == T0 + 5);
	assert_string_equal(got.review_state, "returned");
	assert_string_equal(got.review_note, "fix the URL");
	free((void *)got.review_state);
	free((void *)got.review_note);
	db_release(c);
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

/* A directory entry of min_level (0: the default). */
static int64_t add_entry(struct db_conn *c, const char *name, int64_t min_level)
{
	struct platform_provider_row pr;
	struct err e = ERR_INIT;
	int64_t id;

	memset(&pr, 0, sizeof(pr));
	pr.name = name;
	pr.patterns = "[\"x*\"]";
	pr.email = "psirt@example.org";
	pr.created_at = T0;
	pr.min_level = min_level;
	ok(store_platform_provider_add(c, &pr, &id, &e), &e);
	return id;
}

struct ids {
	int n;
	int64_t id[16];
	int64_t level[16];
};

static int take_ids(void *arg, const struct platform_provider_row *r, struct err *e)
{
	struct ids *x = arg;

	(void)e;
	if (x->n < 16) {
		x->id[x->n] = r->id;
		x->level[x->n++] = r->min_level;
	}
	return 0;
}

static void test_visible(void **state)
{
	struct db_conn *c = conn();
	struct err e = ERR_INIT;
	int64_t l2, l3, gone, open;
	struct ids x;
	int changed;

	(void)state;
	l2 = add_entry(c, "Verified only", 2);
	l3 = add_entry(c, "Restricted", 3);
	gone = add_entry(c, "Removed", 1);
	open = add_entry(c, "Open", 0);
	ok(store_platform_provider_remove(c, gone, T0 + 5, &changed, &e), &e);
	memset(&x, 0, sizeof(x));
	ok(store_platform_provider_visible(c, 1, take_ids, &x, &e), &e);
	/* acme (setup, default level) and the open one; not the removed one */
	assert_int_equal(x.n, 2);
	assert_true(x.id[0] == acme && x.id[1] == open);
	assert_true(x.level[0] == 1 && x.level[1] == 1);
	memset(&x, 0, sizeof(x));
	ok(store_platform_provider_visible(c, 2, take_ids, &x, &e), &e);
	assert_int_equal(x.n, 3);
	assert_true(x.id[0] == acme && x.id[1] == l2 && x.id[2] == open);
	memset(&x, 0, sizeof(x));
	ok(store_platform_provider_visible(c, 3, take_ids, &x, &e), &e);
	assert_int_equal(x.n, 4);
	assert_true(x.id[1] == l2 && x.id[2] == l3 && x.level[2] == 3);
	/* staff's list has every active entry whatever its level */
	memset(&x, 0, sizeof(x));
	ok(store_platform_provider_list(c, 0, take_ids, &x, &e), &e);
	assert_int_equal(x.n, 4);
	db_release(c);
}

struct prog {
	int n;
	struct platform_program_row r;
	char name[64];
};

static int take_prog(void *arg, const struct platform_program_row *r, struct err *e)
{
	struct prog *x = arg;

	(void)e;
	x->n++;
	x->r = *r;
	snprintf(x->name, sizeof(x->name), "%s", r->provider_name);
	return 0;
}

struct desig {
	int designated;
	int64_t provider;
};

static int take_desig(void *arg, const struct platform_routed_row *r, struct err *e)
{
	struct desig *x = arg;

	(void)e;
	x->designated = r->designated;
	x->provider = r->provider_id;
	return 0;
}

static void test_program(void **state)
{
	struct db_conn *c = conn();
	struct err e = ERR_INIT;
	struct platform_program_row g;
	struct platform_routed_row rr;
	int64_t report = add_report(c, RESEARCHER, "received"), other, restricted, r1, r2;
	struct prog x;
	struct desig d;
	int changed;

	(void)state;
	other = add_entry(c, "Other", 1);
	restricted = add_entry(c, "Restricted program", 3);
	memset(&x, 0, sizeof(x));
	assert_int_equal(store_platform_program_get(c, report, take_prog, &x, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_string_equal(err_name(&e), "no_program");
	memset(&g, 0, sizeof(g));
	g.report_id = report;
	g.provider_id = other;
	g.user_id = RESEARCHER;
	g.designated_at = T0 + 100;
	ok(store_platform_program_put(c, &g, &e), &e);
	ok(store_platform_program_get(c, report, take_prog, &x, &e), &e);
	assert_int_equal(x.n, 1);
	assert_true(x.r.provider_id == other && x.r.user_id == RESEARCHER);
	assert_true(x.r.designated_at == T0 + 100 && x.r.provider_min_level == 1);
	assert_string_equal(x.name, "Other");
	/* a second choice replaces the first: one program per report */
	g.provider_id = restricted;
	g.designated_at = T0 + 200;
	ok(store_platform_program_put(c, &g, &e), &e);
	memset(&x, 0, sizeof(x));
	ok(store_platform_program_get(c, report, take_prog, &x, &e), &e);
	assert_int_equal(x.n, 1);
	assert_true(x.r.provider_id == restricted && x.r.designated_at == T0 + 200);
	assert_true(x.r.provider_min_level == 3 && x.r.provider_removed_at == 0);
	assert_string_equal(x.name, "Restricted program");
	/* the routing to the program is marked designated, another routing is not */
	memset(&rr, 0, sizeof(rr));
	rr.report_id = report;
	rr.provider_id = restricted;
	rr.channel = "email";
	rr.guard = "{}";
	rr.routed_at = T0 + 300;
	ok(store_platform_routed_add(c, &rr, &r1, &e), &e);
	rr.provider_id = acme;
	ok(store_platform_routed_add(c, &rr, &r2, &e), &e);
	memset(&d, 0, sizeof(d));
	ok(store_platform_routed_get(c, r1, take_desig, &d, &e), &e);
	assert_true(d.designated == 1 && d.provider == restricted);
	ok(store_platform_routed_get(c, r2, take_desig, &d, &e), &e);
	assert_true(d.designated == 0 && d.provider == acme);
	/* the entry removed later: the designation says so */
	ok(store_platform_provider_remove(c, restricted, T0 + 400, &changed, &e), &e);
	ok(store_platform_program_get(c, report, take_prog, &x, &e), &e);
	assert_true(x.r.provider_removed_at == T0 + 400);
	db_release(c);
}

struct adv {
	char advisory[32], title[64], url[128];
	int has_title;
	int64_t published_at;
};

static int take_adv(void *arg, const struct platform_routed_row *r, struct err *e)
{
	struct adv *x = arg;

	(void)e;
	memset(x, 0, sizeof(*x));
	snprintf(x->advisory, sizeof(x->advisory), "%s", r->advisory ? r->advisory : "");
	x->has_title = r->advisory_title != NULL;
	snprintf(x->title, sizeof(x->title), "%s", r->advisory_title ? r->advisory_title : "");
	snprintf(x->url, sizeof(x->url), "%s", r->advisory_url ? r->advisory_url : "");
	x->published_at = r->advisory_published_at;
	return 0;
}

static int add_advisory(struct db_conn *c, int64_t routed, const char *eid, const char *ident,
			const char *title, int64_t published)
{
	struct platform_advisory_row a;
	struct err e = ERR_INIT;
	int added;

	memset(&a, 0, sizeof(a));
	a.routed_id = routed;
	a.inbox_id = add_inbox(c, prov, eid, "advisory_published");
	a.advisory = ident;
	a.title = title;
	a.url = "https://psirt.example/advisories/x";
	a.published_at = published;
	a.received_at = T0 + 1000;
	ok(store_platform_routed_advisory_add(c, &a, &added, &e), &e);
	return added;
}

static void test_routed_advisory(void **state)
{
	struct db_conn *c = conn();
	struct err e = ERR_INIT;
	int64_t id = route(c, add_report(c, RESEARCHER + 2, "received"), "published");
	struct adv x;

	(void)state;
	ok(store_platform_routed_get(c, id, take_adv, &x, &e), &e);
	assert_string_equal(x.advisory, "");
	assert_true(x.published_at == 0);
	assert_int_equal(add_advisory(c, id, "e-a1", "VF-2026-0001", "first title", T0 + 50), 1);
	ok(store_platform_routed_get(c, id, take_adv, &x, &e), &e);
	assert_string_equal(x.advisory, "VF-2026-0001");
	assert_string_equal(x.title, "first title");
	assert_string_equal(x.url, "https://psirt.example/advisories/x");
	assert_true(x.published_at == T0 + 50);
	/* the same advisory again (another envelope): the first notice is kept */
	assert_int_equal(add_advisory(c, id, "e-a2", "VF-2026-0001", "second title", T0 + 60), 0);
	ok(store_platform_routed_get(c, id, take_adv, &x, &e), &e);
	assert_string_equal(x.title, "first title");
	assert_true(x.published_at == T0 + 50);
	/* a newer advisory is the one shown; an older one arriving late is not */
	assert_int_equal(add_advisory(c, id, "e-a3", "VF-2026-0007", NULL, T0 + 90), 1);
	assert_int_equal(add_advisory(c, id, "e-a4", "VF-2026-0003", "older", T0 + 70), 1);
	ok(store_platform_routed_get(c, id, take_adv, &x, &e), &e);
	assert_string_equal(x.advisory, "VF-2026-0007");
	assert_int_equal(x.has_title, 0);
	assert_true(x.published_at == T0 + 90);
	db_release(c);
}

struct due {
	int n;
	int64_t routed_in[8], case_id[8], published_at[8];
	char advisory[8][32], ref[8][32], content[8][64];
};

static int take_due(void *arg, const struct provider_advisory_due_row *r, struct err *e)
{
	struct due *x = arg;

	(void)e;
	if (x->n == 8)
		return 0;
	x->routed_in[x->n] = r->routed_in_id;
	x->case_id[x->n] = r->case_id;
	x->published_at[x->n] = r->published_at;
	snprintf(x->advisory[x->n], sizeof(x->advisory[0]), "%s", r->advisory);
	snprintf(x->ref[x->n], sizeof(x->ref[0]), "%s", r->platform_ref);
	snprintf(x->content[x->n], sizeof(x->content[0]), "%s", r->content);
	x->n++;
	return 0;
}

static int64_t add_case(struct db_conn *c, int64_t report)
{
	struct case_row k;
	struct err e = ERR_INIT;
	int64_t id;

	memset(&k, 0, sizeof(k));
	snprintf(k.role, sizeof(k.role), "provider");
	snprintf(k.state, sizeof(k.state), "fix_available");
	k.title = "case";
	k.learned_at = k.created_at = k.updated_at = T0;
	k.cvss_score = -1;
	k.details = (const unsigned char *)"x";
	k.details_len = 1;
	ok(store_case_add(c, &k, &id, &e), &e);
	ok(store_case_report_add(c, id, report, T0, &e), &e);
	return id;
}

static void add_bulletin(struct db_conn *c, int64_t case_id, const char *ident, const char *state,
			 int64_t published)
{
	struct bulletin_row b;
	struct err e = ERR_INIT;
	int64_t id;

	memset(&b, 0, sizeof(b));
	b.ident = ident;
	b.case_id = case_id;
	b.state = state;
	b.revision = 1;
	b.content = "{\"title\":{\"en\":\"T\"}}";
	b.created_at = b.updated_at = T0;
	b.published_at = published;
	b.version = 1;
	ok(store_bulletin_add(c, &b, &id, &e), &e);
}

/* A report routed in from platform peer with ref, entered in intake (its report id). */
static int64_t routed_in(struct db_conn *c, int64_t peer, const char *ref, int64_t *report)
{
	struct provider_in_row r;
	struct err e = ERR_INIT;
	char eid[32];
	int64_t id;

	snprintf(eid, sizeof(eid), "e-in-%s", ref);
	memset(&r, 0, sizeof(r));
	r.inbox_id = add_inbox(c, peer, eid, "report_routed");
	r.peer_id = peer;
	r.platform_ref = ref;
	r.envelope_id = eid;
	r.received_at = T0;
	ok(store_provider_in_add(c, &r, &id, &e), &e);
	*report = add_report(c, 0, "received");
	ok(store_provider_in_set_report(c, id, *report, &e), &e);
	return id;
}

static void test_advisories_due(void **state)
{
	struct db_conn *c = conn();
	struct err e = ERR_INIT;
	int64_t rep_a, rep_b, rep_c, in_a, in_b, case_a, case_b;
	struct due x;

	(void)state;
	in_a = routed_in(c, plat_a, "41", &rep_a);
	in_b = routed_in(c, plat_b, "42", &rep_b);
	routed_in(c, plat_b, "43", &rep_c); /* in no case: nothing to send */
	case_a = add_case(c, rep_a);
	case_b = add_case(c, rep_b);
	add_bulletin(c, case_a, "VF-2026-0101", "published", T0 + 20);
	add_bulletin(c, case_a, "VF-2026-0102", "draft", 0);
	add_bulletin(c, case_b, "VF-2026-0103", "published", T0 + 10);
	memset(&x, 0, sizeof(x));
	ok(store_provider_in_advisories_due(c, 10, take_due, &x, &e), &e);
	/* the published ones only, the oldest publication first */
	assert_int_equal(x.n, 2);
	assert_true(x.routed_in[0] == in_b && x.case_id[0] == case_b);
	assert_string_equal(x.advisory[0], "VF-2026-0103");
	assert_string_equal(x.ref[0], "42");
	assert_true(x.published_at[0] == T0 + 10);
	assert_true(x.routed_in[1] == in_a && x.case_id[1] == case_a);
	assert_string_equal(x.advisory[1], "VF-2026-0101");
	assert_string_equal(x.content[1], "{\"title\":{\"en\":\"T\"}}");
	memset(&x, 0, sizeof(x));
	ok(store_provider_in_advisories_due(c, 1, take_due, &x, &e), &e);
	assert_int_equal(x.n, 1);
	/* sent (or given up on, without an envelope): not due again; marking twice is one row */
	ok(store_provider_in_advisory_sent(c, in_b, "VF-2026-0103", "e-out-1", T0 + 30, &e), &e);
	ok(store_provider_in_advisory_sent(c, in_b, "VF-2026-0103", "e-out-2", T0 + 31, &e), &e);
	ok(store_provider_in_advisory_sent(c, in_a, "VF-2026-0101", NULL, T0 + 32, &e), &e);
	memset(&x, 0, sizeof(x));
	ok(store_provider_in_advisories_due(c, 10, take_due, &x, &e), &e);
	assert_int_equal(x.n, 0);
	/* a second advisory of the same case is due on its own */
	add_bulletin(c, case_a, "VF-2026-0104", "published", T0 + 40);
	ok(store_provider_in_advisories_due(c, 10, take_due, &x, &e), &e);
	assert_int_equal(x.n, 1);
	assert_true(x.routed_in[0] == in_a);
	assert_string_equal(x.advisory[0], "VF-2026-0104");
	db_release(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_registry),	    cmocka_unit_test(test_filing_review),
	    cmocka_unit_test(test_outcomes),
	    cmocka_unit_test(test_status_order),    cmocka_unit_test(test_routed_in),
	    cmocka_unit_test(test_visible),	    cmocka_unit_test(test_program),
	    cmocka_unit_test(test_routed_advisory), cmocka_unit_test(test_advisories_due),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
