/* gen.c - the cases benchmark's data: 1 M received reports and 100 k cases with their
 * events, clocks, submissions and notifications, written through the store layer.
 *
 * Usage: gen --dir DIR [--reports N] [--cases M] [--triage-pool K] [--analyst-id ID]
 *	      [--triage-out FILE] [--batch B] [--seed S]
 *
 * Opens the (fresh) instance in DIR as `vulnflow serve` does (instance_open,
 * intake_start for the storage key) and from one thread inserts, B rows per
 * transaction:
 *
 *	N reports (store_report_add): accepted, ~5 % spam, received over two years,
 *	  a sealed-looking 256-byte payload (random bytes: never opened here), a
 *	  leaf index far above the instance's log (the rows have no leaves);
 *	M cases (store_case_add + store_case_update: the details are sealed under
 *	  the storage key with the service's associated data, so the server opens
 *	  them), 90 % provider, 10 % operator; a fifth opened in the last 14 days
 *	  (triage, verified, assessed, fixing, fix_available), the rest over two
 *	  years and mostly closed (also rejected, duplicate, published, ...);
 *	  the last K of them a fresh backlog in triage (the transition test's
 *	  pool: each case can be verified once);
 *	  1-3 reports each (store_case_report_add), the first at learned_at;
 *	the transitions that lead to each case's state along the table of
 *	  rules/case.c (store_case_event_add: "created" and "transition" events,
 *	  so `vulnflow case verify` agrees), an authority-report submission and a
 *	  downstream notification where the state implies them, and the clocks
 *	  the rules/clock.c policy gives for those facts at the time of the run
 *	  (store_case_clocks_set): pending, met, missed or cancelled as they are.
 *
 * One case in 20 is assigned to --analyst-id (the need-to-know list), the
 * rest to other user ids or nobody.  --triage-out gets the ids of the cases
 * in triage with an affected product (ready for `verify`), one a line.
 * Prints one line on stdout:
 *
 *	GEN backend=sqlite reports=1000000 cases=100000 events=... clocks=...
 *	    pending_clocks=... triage=... seconds=...
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/seal.h"
#include "base/timefmt.h"
#include "rules/case.h"
#include "rules/clock.h"
#include "service/instance.h"
#include "service/intake.h"
#include "store/store_case.h"
#include "store/store_report.h"

#define DAY_US (86400LL * TIME_US_PER_S)
#define HOUR_US (3600LL * TIME_US_PER_S)
#define LEAF_BASE 1000000000000ULL
#define PAYLOADS 64
#define PAYLOAD_BYTES 256
#define MAX_EV 12

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Uniform in [0, n). */
static uint64_t rnd(uint64_t n)
{
	return n ? next_rand() % n : 0;
}

static void fail(const char *what, const struct err *e)
{
	fprintf(stderr, "gen: %s: %s\n", what, e->msg);
	exit(1);
}

struct gen {
	struct instance *in;
	struct intake *it;
	struct db_conn *c;
	struct clock_policy *policy;
	unsigned batch, in_tx;
	int64_t now;
	unsigned char *payloads[PAYLOADS];
	uint64_t next_report;           /* reports inserted so far */
	int64_t first_case;             /* id of the first case (duplicate_of target) */
	int64_t analyst_id;
	FILE *triage_out;
	uint64_t events, clocks, pending, triage;
};

/* Commit every g->batch rows. */
static void tick(struct gen *g)
{
	struct err e = ERR_INIT;

	if (++g->in_tx < g->batch)
		return;
	if (db_commit(g->c, &e) < 0)
		fail("commit", &e);
	if (db_begin(g->c, &e) < 0)
		fail("begin", &e);
	g->in_tx = 0;
}

static int64_t add_report(struct gen *g, int64_t received_at)
{
	struct err e = ERR_INIT;
	struct report_row row;
	char token[65];
	uint64_t i = g->next_report++;
	int64_t id;

	memset(&row, 0, sizeof(row));
	row.leaf_index = LEAF_BASE + i;
	snprintf(row.channel, sizeof(row.channel), "%s", i % 7 == 0 ? "email" : "api");
	snprintf(row.disposition, sizeof(row.disposition), "accepted");
	snprintf(row.status, sizeof(row.status), "%s", i % 20 == 7 ? "spam" : "received");
	snprintf(token, sizeof(token), "%016llx%016llx%016llx%016llx", (unsigned long long)i,
		 (unsigned long long)next_rand(), (unsigned long long)next_rand(),
		 (unsigned long long)next_rand());
	row.status_token_hash = token;
	row.received_at = received_at;
	snprintf(row.language, sizeof(row.language), "zh-CN");
	row.payload = g->payloads[i % PAYLOADS];
	row.payload_len = PAYLOAD_BYTES;
	row.payload_size = PAYLOAD_BYTES - SEAL_OVERHEAD;
	if (store_report_add(g->c, &row, &id, &e) < 0)
		fail("inserting a report", &e);
	tick(g);
	return id;
}

/* The state a case is in, by age: the recent backlog is open, the old mostly done. */
static enum case_state pick_state(int recent, int operator)
{
	uint64_t r = rnd(1000);

	if (recent) {
		if (r < 300)
			return CASE_TRIAGE;
		if (r < 550)
			return CASE_VERIFIED;
		if (r < 750)
			return CASE_ASSESSED;
		if (r < 900)
			return CASE_FIXING;
		return CASE_FIX_AVAILABLE;
	}
	if (r < 80)
		return CASE_REJECTED;
	if (r < 150)
		return CASE_DUPLICATE;
	if (r < 180)
		return CASE_FIX_AVAILABLE;
	if (!operator && r < 185)
		return CASE_DISCLOSURE_PENDING;
	if (!operator && r < 200)
		return CASE_PUBLISHED;
	return CASE_CLOSED;
}

/* The states from triage to s (the path the table allows); n states after triage. */
static size_t path_to(enum case_state *out, enum case_state s, int operator)
{
	static const enum case_state provider_closed[] = {
		CASE_VERIFIED, CASE_ASSESSED, CASE_FIXING, CASE_FIX_AVAILABLE,
		CASE_DISCLOSURE_PENDING, CASE_PUBLISHED, CASE_CLOSED };
	static const enum case_state operator_closed[] = {
		CASE_VERIFIED, CASE_ASSESSED, CASE_FIXING, CASE_FIX_AVAILABLE, CASE_CLOSED };
	const enum case_state *p = operator ? operator_closed : provider_closed;
	size_t n = operator ? 5 : 7;

	if (s == CASE_TRIAGE)
		return 0;
	if (s == CASE_REJECTED || s == CASE_DUPLICATE) {
		out[0] = s;
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		out[i] = p[i];
		if (p[i] == s)
			return i + 1;
	}
	return 0;
}

struct facts {
	struct clock_event ev[MAX_EV + 4];
	size_t nev;
	int64_t dismissed_at;
};

static void fact(struct facts *f, const char *kind, int64_t at, int64_t id)
{
	f->ev[f->nev].kind = kind;
	f->ev[f->nev].at_us = at;
	f->ev[f->nev].id = id;
	f->nev++;
}

static int64_t add_event(struct gen *g, int64_t case_id, const char *kind, int64_t at,
			 const char *from, const char *to, const char *reason)
{
	struct case_event_row ev = { 0 };
	struct err e = ERR_INIT;
	int64_t id;

	ev.case_id = case_id;
	ev.kind = kind;
	ev.at = at;
	ev.actor_id = 2;
	ev.actor = "analyst@psirt.example.cn";
	ev.from_state = from;
	ev.to_state = to;
	ev.reason = reason;
	if (store_case_event_add(g->c, &ev, &id, &e) < 0)
		fail("inserting an event", &e);
	g->events++;
	tick(g);
	return id;
}

static void add_case(struct gen *g, uint64_t k, uint64_t ncases, int backlog)
{
	struct err e = ERR_INIT;
	struct case_row r = { 0 };
	enum case_state path[8];
	struct facts f = { .nev = 0 };
	int operator = backlog ? 0 : rnd(10) == 0, recent = backlog || rnd(5) == 0;
	enum case_state s = backlog ? CASE_TRIAGE : pick_state(recent, operator);
	size_t n, nclk = 0;
	int64_t age = backlog ? (int64_t)rnd(2 * DAY_US)
		      : recent ? (int64_t)rnd(14 * DAY_US) : 14 * DAY_US + (int64_t)rnd(716 * DAY_US);
	int64_t learned = g->now - age, step, t, id, fix_at = 0, sub_at = 0;
	struct clock_facts cf = { 0 };
	struct clock_status *st = NULL;
	struct case_clock_row rows[16];
	char title[256], aad[64], *text;
	unsigned char *sealed;
	size_t sealed_len;
	const char *grades[] = { "超危", "高危", "中危", "低危" };
	const char *sev[] = { "Critical", "High", "Medium", "Low" };
	int gi = (int)rnd(4);
	json_t *d;
	enum case_state from = CASE_TRIAGE;

	if (s == CASE_DUPLICATE && g->first_case == 0)
		s = CASE_REJECTED;       /* nothing to duplicate yet */
	n = path_to(path, s, operator);
	/* spread the transitions over the case's age (at most 60 days) */
	step = (age < 60 * DAY_US ? age : 60 * DAY_US) / (int64_t)(n + 1);
	snprintf(title, sizeof(title), "%s %llu：%s", k % 3 == 0 ? "路由器 Web 管理界面命令注入"
				: k % 3 == 1 ? "工业网关固件越权访问" : "摄像头 RTSP 服务缓冲区溢出",
		 (unsigned long long)k, operator ? "内网系统" : "产品漏洞");
	snprintf(r.role, sizeof(r.role), "%s", operator ? "operator" : "provider");
	snprintf(r.state, sizeof(r.state), "%s", case_state_name(s));
	r.title = title;
	r.learned_at = learned;
	r.created_at = learned + 5 * 60 * TIME_US_PER_S;
	r.updated_at = learned + step * (int64_t)n;
	r.created_by = 2;
	r.assignee_id = k % 20 == 0 ? g->analyst_id : rnd(3) ? 100 + (int64_t)rnd(30) : 0;
	r.actively_exploited = rnd(50) == 0;
	r.cvss_score = -1;
	r.details = (const unsigned char *)"";
	if (s != CASE_TRIAGE && s != CASE_VERIFIED && s != CASE_REJECTED && s != CASE_DUPLICATE) {
		r.cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
		r.severity = sev[gi];
		r.cvss_score = 9.8 - 2.0 * gi;
		r.gbt_grade = grades[gi];
		r.cwe = "CWE-78";
	}
	if (store_case_add(g->c, &r, &id, &e) < 0)
		fail("inserting a case", &e);
	tick(g);
	if (g->first_case == 0)
		g->first_case = id;
	/* its reports: 1-3, the first one when it was learned of */
	if (g->next_report < ncases * 3) {
		unsigned nrep = 1 + (unsigned)(rnd(4) == 0) + (unsigned)(rnd(8) == 0);

		for (unsigned i = 0; i < nrep; i++) {
			int64_t at = learned + (int64_t)i * 3 * HOUR_US;
			int64_t rid = add_report(g, at < g->now ? at : g->now);

			if (store_case_report_add(g->c, id, rid, r.created_at, &e) < 0)
				fail("linking a report", &e);
			tick(g);
		}
	}
	add_event(g, id, "created", r.created_at, NULL, "triage", NULL);
	fact(&f, "learned", learned, 0);
	if (r.actively_exploited)
		fact(&f, "exploitation_learned", learned, 0);
	t = learned;
	for (size_t i = 0; i < n; i++) {
		int64_t ev;

		t += step;
		ev = add_event(g, id, "transition", t, case_state_name(from),
			       case_state_name(path[i]),
			       path[i] == CASE_VERIFIED ? "reproduced on the reported version" :
			       path[i] == CASE_REJECTED ? "not reproducible" : NULL);
		if (path[i] == CASE_VERIFIED)
			fact(&f, "verification.done", t, ev);
		else if (path[i] == CASE_REJECTED) {
			fact(&f, "verification.rejected", t, ev);
			f.dismissed_at = t;
		} else if (path[i] == CASE_DUPLICATE)
			f.dismissed_at = t;
		else if (path[i] == CASE_ASSESSED && !operator) {
			struct authority_submission_row sub = { 0 };
			int64_t sid;
			char hash[65];

			/* the report to the authority, mostly within the 2 days */
			sub_at = learned + (rnd(10) ? (int64_t)rnd(40 * HOUR_US) : 3 * DAY_US);
			if (sub_at > g->now)
				sub_at = g->now;
			snprintf(hash, sizeof(hash), "%016llx%016llx%016llx%016llx",
				 (unsigned long long)next_rand(), (unsigned long long)next_rand(),
				 (unsigned long long)next_rand(), (unsigned long long)next_rand());
			sub.case_id = id;
			sub.version = 1;
			sub.channel = "web_form";
			sub.submitted_at = sub_at;
			sub.receipt_number = "MIIT-BENCH";
			sub.content_hash = hash;
			sub.content = g->payloads[k % PAYLOADS];
			sub.content_len = PAYLOAD_BYTES;
			sub.leaf_index = -1;
			sub.recorded_at = sub_at;
			sub.recorded_by = 2;
			if (store_authority_submission_add(g->c, &sub, &sid, &e) < 0)
				fail("inserting a submission", &e);
			tick(g);
			add_event(g, id, "authority_report.submitted", sub_at, NULL, NULL, NULL);
			fact(&f, "authority_report.submitted", sub_at, -sid);
		} else if (path[i] == CASE_FIX_AVAILABLE) {
			fix_at = t;
			fact(&f, "fix_available", t, 0);
			if (operator) {
				fact(&f, "fix.deployed", t, ev);
			} else if (s != CASE_FIX_AVAILABLE || rnd(2)) {
				struct notification_row no = { 0 };
				int64_t nid;

				no.case_id = id;
				no.kind = "downstream";
				no.recipient_name = "某省电信分公司";
				no.email = "noc@telecom.example.cn";
				no.country = "CN";
				no.status = "recorded";
				no.created_at = t + HOUR_US;
				no.sent_at = t + HOUR_US;
				if (store_notification_add(g->c, &no, &nid, &e) < 0)
					fail("inserting a notification", &e);
				tick(g);
				add_event(g, id, "notification", t + HOUR_US, NULL, NULL, NULL);
				fact(&f, "downstream_notice.sent", t + HOUR_US, -1000000 - nid);
			}
		}
		from = path[i];
	}
	/* the sealed details, as the service writes them */
	d = json_pack("{s:[{s:s,s:s,s:[s]}]}", "products", "name",
		      k % 3 == 0 ? "智能路由器" : k % 3 == 1 ? "工业网关" : "网络摄像头", "model",
		      k % 2 ? "AX-3000" : "GW-9", "versions", k % 2 ? "1.2.7" : "3.1.0");
	if (r.cvss_vector) {
		json_object_set_new(d, "scope", json_string("全国约 12 万台在网设备，主要为家庭和小微企业用户"));
		json_object_set_new(d, "harm", json_string("远程执行任意命令，完全控制设备"));
		json_object_set_new(d, "technical",
				    json_string("诊断页面的 ping 参数未经过滤，直接拼接进 shell 命令"));
	}
	if (fix_at) {
		json_object_set_new(d, "remediation", json_string("升级固件至 1.2.8；临时缓解：关闭诊断页面"));
		r.fix_available_at = fix_at;
	}
	text = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(d);
	snprintf(aad, sizeof(aad), "vulnflow-case/%lld", (long long)id);
	if (intake_seal_blob(g->it, aad, text, strlen(text), &sealed, &sealed_len, &e) < 0)
		fail("sealing details", &e);
	free(text);
	r.id = id;
	r.details = sealed;
	r.details_len = sealed_len;
	r.duplicate_of = s == CASE_DUPLICATE ? g->first_case + (int64_t)rnd((uint64_t)(id - g->first_case)) : 0;
	if (r.duplicate_of == id)
		r.duplicate_of = 0;
	r.decided_not_to_publish = 0;
	if (store_case_update(g->c, &r, &e) < 0)
		fail("updating a case", &e);
	free(sealed);
	tick(g);
	/* the clocks as the policy has them now */
	cf.role = operator ? CLOCK_ROLE_OPERATOR : CLOCK_ROLE_PROVIDER;
	cf.actively_exploited = r.actively_exploited;
	cf.grade = r.gbt_grade ? (enum clock_grade)(4 - gi) : CLOCK_UNGRADED;
	cf.dismissed = f.dismissed_at != 0;
	cf.dismissed_at = f.dismissed_at;
	if (clock_evaluate(&st, &nclk, g->policy, &cf, f.ev, f.nev, g->now, &e) < 0)
		fail("evaluating clocks", &e);
	for (size_t i = 0; i < nclk && i < 16; i++) {
		rows[i] = (struct case_clock_row){ 0 };
		rows[i].case_id = id;
		rows[i].clock_id = st[i].id;
		rows[i].trigger_at = st[i].trigger_at;
		rows[i].due_at = st[i].due_at;
		rows[i].state = clock_state_name(st[i].state);
		rows[i].met_by_event = st[i].satisfied ? st[i].met_by : 0;
		rows[i].met_at = st[i].satisfied ? st[i].met_at : 0;
		rows[i].next_escalation_at = st[i].has_next_escalation ? st[i].next_escalation_at : 0;
		g->pending += st[i].state == CLOCK_PENDING;
	}
	if (store_case_clocks_set(g->c, id, rows, nclk < 16 ? nclk : 16, &e) < 0)
		fail("storing clocks", &e);
	g->clocks += nclk;
	free(st);
	tick(g);
	if (s == CASE_TRIAGE) {
		g->triage++;
		if (g->triage_out)
			fprintf(g->triage_out, "%lld\n", (long long)id);
	}
}

static void usage(FILE *f)
{
	fprintf(f, "usage: gen --dir DIR [--reports N] [--cases M] [--triage-pool K]\n"
		   "           [--analyst-id ID] [--triage-out FILE] [--batch B] [--seed S]\n"
		   "Fills the fresh instance DIR with N received reports and M cases with their\n"
		   "events, clocks, submissions and notifications (see bench/README.md, \"cases\").\n"
		   "Defaults: --reports 1000000 --cases 100000 --triage-pool 10000 --batch 20000.\n");
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *triage_path = NULL;
	uint64_t nreports = 1000000, ncases = 100000, pool = 10000;
	struct config cfg;
	struct err e = ERR_INIT;
	struct gen g;
	int64_t t0;

	memset(&g, 0, sizeof(g));
	g.batch = 20000;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--reports") == 0 && i + 1 < argc)
			nreports = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--cases") == 0 && i + 1 < argc)
			ncases = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--triage-pool") == 0 && i + 1 < argc)
			pool = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--analyst-id") == 0 && i + 1 < argc)
			g.analyst_id = strtoll(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--triage-out") == 0 && i + 1 < argc)
			triage_path = argv[++i];
		else if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc)
			g.batch = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			rng ^= strtoull(argv[++i], NULL, 10) * 0x2545F4914F6CDD1Dull;
		else if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (dir == NULL || g.batch == 0 || ncases == 0 || nreports < ncases || pool > ncases) {
		usage(stderr);
		return 2;
	}
	if (triage_path && (g.triage_out = fopen(triage_path, "w")) == NULL) {
		perror(triage_path);
		return 1;
	}
	if (instance_config(&cfg, dir, &e) < 0 || instance_open(&g.in, &cfg, 1, &e) < 0)
		fail("opening the instance", &e);
	if (intake_start(&g.it, g.in, &e) < 0)
		fail("starting intake (the storage key)", &e);
	if (clock_policy_builtin(&g.policy, &e) < 0)
		fail("loading the clock policy", &e);
	for (int k = 0; k < PAYLOADS; k++) {
		g.payloads[k] = malloc(PAYLOAD_BYTES);
		if (g.payloads[k] == NULL)
			return 1;
		for (int b = 0; b < PAYLOAD_BYTES; b++)
			g.payloads[k][b] = (unsigned char)(next_rand() >> 24);
		g.payloads[k][0] = SEAL_SM4_GCM;
	}
	g.now = time_now_us();
	t0 = time_mono_us();
	if (db_acquire(g.in->db, &g.c, 5000, &e) < 0)
		fail("taking a connection", &e);
	if (db_begin(g.c, &e) < 0)
		fail("begin", &e);
	for (uint64_t k = 0; k < ncases; k++) {
		/* the cases in the order they were learned of (ids follow learned_at loosely) */
		add_case(&g, k, ncases, k >= ncases - pool);
		if (k % 10000 == 9999)
			fprintf(stderr, "gen: %llu cases, %llu reports\n", (unsigned long long)k + 1,
				(unsigned long long)g.next_report);
	}
	/* the reports that are in no case (spam, not yet triaged, or merged away) */
	while (g.next_report < nreports)
		add_report(&g, g.now - (int64_t)rnd(730 * DAY_US));
	if (db_commit(g.c, &e) < 0)
		fail("commit", &e);
	db_release(g.c);
	printf("GEN backend=%s reports=%llu cases=%llu events=%llu clocks=%llu pending_clocks=%llu"
	       " triage=%llu seconds=%.1f\n", db_kind_name(db_kind(g.in->db)),
	       (unsigned long long)g.next_report, (unsigned long long)ncases,
	       (unsigned long long)g.events, (unsigned long long)g.clocks,
	       (unsigned long long)g.pending, (unsigned long long)g.triage,
	       (double)(time_mono_us() - t0) / 1e6);
	if (g.triage_out)
		fclose(g.triage_out);
	for (int k = 0; k < PAYLOADS; k++)
		free(g.payloads[k]);
	clock_policy_free(g.policy);
	intake_stop(g.it);
	instance_close(g.in);
	return 0;
}
