/* cases.c - cases: create, read (need-to-know, audited), change, transitions, clocks. */
#include "service/cases.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/timefmt.h"
#include "rules/case.h"
#include "rules/clock.h"
#include "rules/cvss.h"
#include "rules/gbt30279.h"
#include "service/audit.h"
#include "service/cases_impl.h"
#include "service/instance.h"
#include "service/intake.h"
#include "service/scoring.h"
#include "store/gcommit.h"
#include "store/store_bulletin.h"
#include "store/store_case.h"
#include "store/store_case_more.h"
#include "store/store_report.h"

#define MAX_REPORTS 100

/* ---- open ---- */

int cases_open(struct cases **out, struct instance *in, struct intake *it, struct err *e)
{
	struct cases *cs;
	char path[CONFIG_STR_LEN + 64];
	FILE *f;

	*out = NULL;
	cs = xcalloc(1, sizeof(*cs));
	cs->in = in;
	cs->it = it;
	if (clock_policy_builtin(&cs->policy, e) < 0) {
		free(cs);
		return -1;
	}
	if (gbt30279_load_default(&cs->gbt, e) < 0 ||
	    gcommit_start(&cs->audit_writer, in->db, 256, e) < 0) {
		cases_close(cs);
		return -1;
	}
	/* the organisation's overrides of durations, calendars, escalation points */
	snprintf(path, sizeof(path), "%s/policies/override.json", in->cfg.dir);
	f = fopen(path, "re");
	if (f != NULL) {
		char *buf = xmalloc(1 << 20);
		size_t n = fread(buf, 1, (1 << 20) - 1, f);

		fclose(f);
		if (clock_policy_merge(cs->policy, buf, n, e) < 0) {
			char msg[sizeof(e->msg)];

			snprintf(msg, sizeof(msg), "%s", e->msg);
			err_set(e, ERR_USAGE, "\"%s\": %s", path, msg);
			free(buf);
			cases_close(cs);
			return -1;
		}
		free(buf);
	}
	*out = cs;
	return 0;
}

const struct clock_policy *cases_policy(const struct cases *cs)
{
	return cs->policy;
}

void cases_close(struct cases *cs)
{
	if (cs == NULL)
		return;
	gcommit_stop(cs->audit_writer);
	clock_policy_free(cs->policy);
	gbt30279_free(cs->gbt);
	free(cs);
}

/* ---- the loaded case ---- */

void case_data_free(struct case_data *d)
{
	free(d->title);
	free(d->severity);
	free(d->cvss_vector);
	free(d->gbt_grade);
	free(d->cwe);
	free(d->cve_id);
	free(d->cnvd_id);
	free(d->cnnvd_id);
	free(d->nvdb_id);
	json_decref(d->details);
	memset(d, 0, sizeof(*d));
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct load_arg {
	struct cases *cs;
	struct case_data *d;
};

static void aad_details(char *buf, size_t n, int64_t id)
{
	snprintf(buf, n, "vulnflow-case/%lld", (long long)id);
}

static int load_row(void *arg, const struct case_row *r, struct err *e)
{
	struct load_arg *la = arg;
	struct case_data *d = la->d;
	char aad[64], *text;
	size_t n;
	json_error_t je;

	d->id = r->id;
	snprintf(d->role, sizeof(d->role), "%s", r->role);
	snprintf(d->state, sizeof(d->state), "%s", r->state);
	d->title = xstrdup(r->title ? r->title : "");
	d->learned_at = r->learned_at;
	d->created_at = r->created_at;
	d->updated_at = r->updated_at;
	d->created_by = r->created_by;
	d->assignee_id = r->assignee_id;
	d->actively_exploited = r->actively_exploited;
	d->severity = dup_or_null(r->severity);
	d->cvss_vector = dup_or_null(r->cvss_vector);
	d->cvss_score = r->cvss_score;
	d->gbt_grade = dup_or_null(r->gbt_grade);
	d->cwe = dup_or_null(r->cwe);
	d->cve_id = dup_or_null(r->cve_id);
	d->cnvd_id = dup_or_null(r->cnvd_id);
	d->cnnvd_id = dup_or_null(r->cnnvd_id);
	d->nvdb_id = dup_or_null(r->nvdb_id);
	d->duplicate_of = r->duplicate_of;
	d->fix_available_at = r->fix_available_at;
	d->decided_not_to_publish = r->decided_not_to_publish;
	d->version = r->version;
	d->team_id = r->team_id;
	aad_details(aad, sizeof(aad), r->id);
	if (intake_unseal_blob(la->cs->it, aad, r->details, r->details_len, &text, &n, e) < 0)
		return err_set(e, ERR_INTERNAL, "case %lld: its details do not open (altered?)",
			       (long long)r->id);
	d->details = json_loadb(text, n, 0, &je);
	free(text);
	if (!json_is_object(d->details)) {
		json_decref(d->details);
		d->details = NULL;
		return err_set(e, ERR_INTERNAL, "case %lld: its details are not a JSON object",
			       (long long)r->id);
	}
	return 0;
}

int case_load(struct cases *cs, struct db_conn *c, int64_t id, int lock, struct case_data *d,
	      struct err *e)
{
	struct load_arg la = { cs, d };

	memset(d, 0, sizeof(*d));
	if (store_case_get(c, id, lock, load_row, &la, e) < 0) {
		case_data_free(d);
		return -1;
	}
	return 0;
}

/* Write d back (details sealed again). */
int case_save(struct cases *cs, struct db_conn *c, struct case_data *d, struct err *e)
{
	struct case_row r;
	char aad[64], *text;
	unsigned char *sealed;
	size_t n;
	int rc;

	memset(&r, 0, sizeof(r));
	text = json_dumps(d->details, JSON_COMPACT | JSON_SORT_KEYS);
	aad_details(aad, sizeof(aad), d->id);
	rc = intake_seal_blob(cs->it, aad, text, strlen(text), &sealed, &n, e);
	free(text);
	if (rc < 0)
		return -1;
	r.id = d->id;
	snprintf(r.role, sizeof(r.role), "%s", d->role);
	snprintf(r.state, sizeof(r.state), "%s", d->state);
	r.title = d->title;
	r.learned_at = d->learned_at;
	r.updated_at = d->updated_at;
	r.assignee_id = d->assignee_id;
	r.actively_exploited = d->actively_exploited;
	r.has_upstream = case_has_upstream(d);
	r.severity = d->severity;
	r.cvss_vector = d->cvss_vector;
	r.cvss_score = d->cvss_vector ? d->cvss_score : -1;
	r.gbt_grade = d->gbt_grade;
	r.cwe = d->cwe;
	r.cve_id = d->cve_id;
	r.cnvd_id = d->cnvd_id;
	r.cnnvd_id = d->cnnvd_id;
	r.nvdb_id = d->nvdb_id;
	r.duplicate_of = d->duplicate_of;
	r.fix_available_at = d->fix_available_at;
	r.decided_not_to_publish = d->decided_not_to_publish;
	r.team_id = d->team_id;
	r.details = sealed;
	r.details_len = n;
	rc = store_case_update(c, &r, e);
	free(sealed);
	return rc;
}

int case_has_upstream(const struct case_data *d)
{
	json_t *u = json_object_get(d->details, "upstream");
	const char *comp = json_string_value(json_object_get(u, "component"));

	return comp != NULL && comp[0] != '\0';
}

/* ---- need-to-know ---- */

enum case_level case_actor_level(const struct case_actor *a)
{
	return case_level_for_role(a->role);
}

struct intake *cases_intake(struct cases *cs)
{
	return cs->it;
}

int cases_need_to_know(struct db_conn *c, const struct case_actor *a, int64_t assignee_id,
		       int64_t team_id, struct err *e)
{
	int member = 0;

	/* the CLI acts as an admin (user id 0): no shortcut for the id, which an
	 * anonymous caller has too */
	if (!role_has(a->role, CAP_CASES_READ))
		return err_set(e, ERR_NOT_FOUND, "no such case");
	if (role_has(a->role, CAP_PUBLISH) || role_has(a->role, CAP_AUDIT_READ))
		return 0;
	if (role_has(a->role, CAP_CASES_READ) && assignee_id == a->a.user_id)
		return 0;
	if (role_has(a->role, CAP_CASES_READ) && team_id != 0) {
		if (store_team_has_member(c, team_id, a->a.user_id, &member, e) < 0)
			return -1;
		if (member)
			return 0;
	}
	return err_set(e, ERR_NOT_FOUND, "no such case");
}

int case_visible(struct db_conn *c, const struct case_actor *a, const struct case_data *d,
		 struct err *e)
{
	return cases_need_to_know(c, a, d->assignee_id, d->team_id, e);
}

/* The user id whose cases a list shows, or 0 for all. */
static int64_t visible_to(const struct case_actor *a)
{
	if (a->a.user_id == 0 || role_has(a->role, CAP_PUBLISH) || role_has(a->role, CAP_AUDIT_READ))
		return 0;
	return a->a.user_id;
}

static int may_write(const struct case_actor *a, struct err *e)
{
	if (a->a.user_id != 0 && !role_has(a->role, CAP_CASES_WRITE))
		return err_setn(e, ERR_FORBIDDEN, "forbidden", "role \"%s\" cannot change cases",
				role_name(a->role));
	return 0;
}

/* ---- events, audit, clocks ---- */

int case_event(struct db_conn *c, const struct case_actor *a, int64_t case_id, const char *kind,
	       int64_t at, const char *from, const char *to, const char *reason, json_t *detail,
	       int64_t *id, struct err *e)
{
	struct case_event_row ev = { 0 };
	char *text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int64_t ignored;
	int rc;

	ev.case_id = case_id;
	ev.kind = kind;
	ev.at = at;
	ev.actor_id = a->a.user_id;
	ev.actor = a->a.name ? a->a.name : "system";
	ev.from_state = from;
	ev.to_state = to;
	ev.reason = reason;
	ev.detail = text;
	rc = store_case_event_add(c, &ev, id ? id : &ignored, e);
	free(text);
	json_decref(detail);
	return rc;
}

/* The dated facts the clocks read, gathered from the case, its events,
 * submissions and notifications. */
struct clock_input {
	struct clock_event *ev;
	size_t n, cap;
	char **kinds;                  /* owned copies, freed with the input */
	size_t nkinds;
	int64_t dismissed_at;
};

static void add_ev(struct clock_input *ci, const char *kind, int64_t at, int64_t id)
{
	if (ci->n == ci->cap) {
		ci->cap = ci->cap ? ci->cap * 2 : 32;
		ci->ev = xrealloc(ci->ev, ci->cap * sizeof(*ci->ev));
		ci->kinds = xrealloc(ci->kinds, ci->cap * sizeof(*ci->kinds));
	}
	ci->kinds[ci->n] = xstrdup(kind);
	ci->ev[ci->n].kind = ci->kinds[ci->n];
	ci->ev[ci->n].at_us = at;
	ci->ev[ci->n].id = id;
	ci->n++;
}

static void clock_input_free(struct clock_input *ci)
{
	for (size_t i = 0; i < ci->n; i++)
		free(ci->kinds[i]);
	free(ci->kinds);
	free(ci->ev);
}

struct gather {
	struct clock_input *ci;
	const struct case_data *d;
};

static int gather_event(void *arg, const struct case_event_row *ev, struct err *e)
{
	struct gather *g = arg;

	(void)e;
	if (strcmp(ev->kind, "transition") == 0 && ev->to_state) {
		const char *to = ev->to_state;

		if (strcmp(to, "verified") == 0)
			add_ev(g->ci, "verification.done", ev->at, ev->id);
		else if (strcmp(to, "rejected") == 0 || strcmp(to, "duplicate") == 0) {
			if (strcmp(to, "rejected") == 0)
				add_ev(g->ci, "verification.rejected", ev->at, ev->id);
			g->ci->dismissed_at = ev->at;
		} else if (strcmp(to, "triage") == 0) {
			g->ci->dismissed_at = 0;       /* reopened */
		} else if (strcmp(to, "fix_available") == 0 &&
			   strcmp(g->d->role, "operator") == 0) {
			add_ev(g->ci, "fix.deployed", ev->at, ev->id);
		}
	} else if (strcmp(ev->kind, "upstream_set") == 0 ||
		   strcmp(ev->kind, "exploitation_learned") == 0 ||
		   strcmp(ev->kind, "authority_report.submitted") == 0) {
		/* each met-by is an event of the case's timeline */
		add_ev(g->ci, ev->kind, ev->at, ev->id);
	} else if (strcmp(ev->kind, "notification") == 0 && ev->detail) {
		json_error_t je;
		json_t *dt = json_loads(ev->detail, 0, &je);
		const char *meets = json_string_value(json_object_get(dt, "meets"));

		if (json_is_true(json_object_get(dt, "given")) && meets)
			add_ev(g->ci, meets, ev->at, ev->id);
		json_decref(dt);
	}
	return 0;
}

static enum clock_grade grade_of(const struct case_data *d)
{
	const char *g = d->gbt_grade;

	if (g == NULL)
		return CLOCK_UNGRADED;
	if (strcmp(g, "超危") == 0 || strcmp(g, "critical") == 0)
		return CLOCK_CRITICAL;
	if (strcmp(g, "高危") == 0 || strcmp(g, "high") == 0)
		return CLOCK_HIGH;
	if (strcmp(g, "中危") == 0 || strcmp(g, "medium") == 0)
		return CLOCK_MEDIUM;
	if (strcmp(g, "低危") == 0 || strcmp(g, "low") == 0)
		return CLOCK_LOW;
	return CLOCK_UNGRADED;
}

/* Evaluate the case's clocks at now into *out (free()) and *n. */
int case_clocks_eval(struct cases *cs, struct db_conn *c, const struct case_data *d, int64_t now,
		     struct clock_status **out, size_t *n, struct err *e)
{
	struct clock_input ci = { 0 };
	struct gather g = { &ci, d };
	struct clock_facts f = { 0 };
	int rc = -1;

	add_ev(&ci, "learned", d->learned_at, 0);
	if (d->fix_available_at)
		add_ev(&ci, "fix_available", d->fix_available_at, 0);
	if (store_case_events(c, d->id, gather_event, &g, e) < 0)
		goto out;
	f.role = strcmp(d->role, "operator") == 0 ? CLOCK_ROLE_OPERATOR : CLOCK_ROLE_PROVIDER;
	f.actively_exploited = d->actively_exploited;
	f.has_upstream = case_has_upstream(d);
	f.grade = grade_of(d);
	f.dismissed = ci.dismissed_at != 0;
	f.dismissed_at = ci.dismissed_at;
	rc = clock_evaluate(out, n, cs->policy, &f, ci.ev, ci.n, now, e);
out:
	clock_input_free(&ci);
	return rc;
}

/* Recompute the case's clocks and store them (in the caller's transaction). */
int case_clocks_store(struct cases *cs, struct db_conn *c, const struct case_data *d,
		      struct err *e)
{
	struct clock_status *st = NULL;
	struct case_clock_row *rows;
	size_t n = 0;
	int rc;

	if (case_clocks_eval(cs, c, d, time_now_us(), &st, &n, e) < 0)
		return -1;
	rows = xcalloc(n ? n : 1, sizeof(*rows));
	for (size_t i = 0; i < n; i++) {
		rows[i].case_id = d->id;
		rows[i].clock_id = st[i].id;
		rows[i].trigger_at = st[i].trigger_at;
		rows[i].due_at = st[i].due_at;
		/* a pending clock turns missed by time alone: the list query sees it */
		rows[i].state = clock_state_name(st[i].state);
		rows[i].met_by_event = st[i].satisfied ? st[i].met_by : 0;
		rows[i].met_at = st[i].satisfied ? st[i].met_at : 0;
		rows[i].next_escalation_at = st[i].has_next_escalation ? st[i].next_escalation_at : 0;
	}
	rc = store_case_clocks_set(c, d->id, rows, n, e);
	free(rows);
	free(st);
	return rc;
}

json_t *case_time_json(int64_t us)
{
	char buf[TIMEFMT_LEN];

	if (us == 0)
		return json_null();
	time_format_utc(us, buf);
	return json_string(buf);
}

json_t *case_time_local_json(int64_t us)
{
	char buf[TIMEFMT_LEN];

	if (us == 0)
		return json_null();
	time_format_shanghai(us, buf);
	return json_string(buf);
}

static void set_time(json_t *o, const char *key, int64_t us)
{
	char local[64];

	snprintf(local, sizeof(local), "%s_local", key);
	json_object_set_new(o, key, case_time_json(us));
	json_object_set_new(o, local, case_time_local_json(us));
}

json_t *case_clocks_json(struct cases *cs, const struct clock_status *st, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++) {
		struct clock_obligation ob;
		json_t *o = json_object();

		clock_policy_at(cs->policy, st[i].obligation, &ob);
		json_object_set_new(o, "id", json_string(st[i].id));
		json_object_set_new(o, "title_zh", json_string(ob.title_zh));
		json_object_set_new(o, "title_en", json_string(ob.title_en));
		json_object_set_new(o, "article", json_string(ob.article));
		json_object_set_new(o, "state", json_string(clock_state_name(st[i].state)));
		set_time(o, "trigger_at", st[i].trigger_at);
		set_time(o, "due_at", st[i].due_at);
		if (st[i].satisfied) {
			json_object_set_new(o, "met_by_event", json_integer(st[i].met_by));
			set_time(o, "met_at", st[i].met_at);
			json_object_set_new(o, "met_late", json_boolean(st[i].met_late));
		} else {
			json_object_set_new(o, "met_by_event", json_null());
		}
		if (st[i].has_next_escalation)
			set_time(o, "next_escalation_at", st[i].next_escalation_at);
		json_object_set_new(o, "escalations_passed", json_integer(st[i].escalations_passed));
		json_array_append_new(arr, o);
	}
	return arr;
}

/* ---- rendering a case ---- */

static void set_str(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, v ? json_string(v) : json_null());
}

struct report_ids {
	json_t *arr;
};

static int add_report_id(void *arg, int64_t id, struct err *e)
{
	struct report_ids *r = arg;

	(void)e;
	json_array_append_new(r->arr, json_integer(id));
	return 0;
}

/* The transitions a may take now, for the UI's buttons. */
static json_t *options_json(const struct case_data *d, const struct case_actor *a,
			    const struct case_stored *sf)
{
	struct case_option opts[CASE_OPTIONS_MAX];
	struct case_facts f;
	enum case_state from;
	json_t *arr = json_array();
	struct err e = ERR_INIT;
	size_t n;

	case_facts_fill(&f, d, a, 0, sf);
	if (case_state_from_name(&from, d->state, &e) < 0 ||
	    case_options(opts, &n, from, &f, &e) < 0)
		return arr;
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object(), *missing = json_array();

		json_object_set_new(o, "to", json_string(case_state_name(opts[i].to)));
		json_object_set_new(o, "action", json_string(opts[i].action->id));
		json_object_set_new(o, "label_zh", json_string(opts[i].action->zh));
		json_object_set_new(o, "label_en", json_string(opts[i].action->en));
		json_object_set_new(o, "level", json_string(case_level_name(opts[i].level)));
		json_object_set_new(o, "allowed", json_boolean(opts[i].allowed));
		for (int k = 0; k < CASE_NEED_COUNT; k++)
			if (opts[i].missing & CASE_NEED_BIT(k))
				json_array_append_new(missing, json_string(case_need_label(k)->id));
		json_object_set_new(o, "missing", missing);
		json_array_append_new(arr, o);
	}
	return arr;
}

int case_stored_facts(struct db_conn *c, int64_t id, struct case_stored *s, struct err *e)
{
	int64_t k;

	memset(s, 0, sizeof(*s));
	if (store_case_submissions_count(c, id, &k, e) < 0 ||
	    store_bulletin_published_for_case(c, id, &s->advisory_published, e) < 0)
		return -1;
	s->submissions = (int)k;
	return 0;
}

json_t *case_summary_json(const struct case_data *d)
{
	json_t *o = json_object();
	enum case_state s;
	struct err e = ERR_INIT;

	json_object_set_new(o, "id", json_integer(d->id));
	json_object_set_new(o, "role", json_string(d->role));
	json_object_set_new(o, "state", json_string(d->state));
	if (case_state_from_name(&s, d->state, &e) == 0) {
		json_object_set_new(o, "state_zh", json_string(case_state_label(s)->zh));
		json_object_set_new(o, "phase",
				    json_string(case_phase_label(case_state_phase(s))->id));
	}
	json_object_set_new(o, "title", json_string(d->title));
	set_time(o, "learned_at", d->learned_at);
	set_time(o, "created_at", d->created_at);
	set_time(o, "updated_at", d->updated_at);
	json_object_set_new(o, "assignee_id", d->assignee_id ? json_integer(d->assignee_id)
							     : json_null());
	json_object_set_new(o, "team_id", d->team_id ? json_integer(d->team_id) : json_null());
	json_object_set_new(o, "actively_exploited", json_boolean(d->actively_exploited));
	set_str(o, "severity", d->severity);
	json_object_set_new(o, "cvss", d->cvss_vector
					       ? json_pack("{s:s,s:f}", "vector", d->cvss_vector,
							   "score", d->cvss_score)
					       : json_null());
	set_str(o, "gbt_grade", d->gbt_grade);
	set_str(o, "cwe", d->cwe);
	json_object_set_new(o, "ids", json_pack("{s:o,s:o,s:o,s:o}",
						"cve", d->cve_id ? json_string(d->cve_id) : json_null(),
						"cnvd", d->cnvd_id ? json_string(d->cnvd_id) : json_null(),
						"cnnvd", d->cnnvd_id ? json_string(d->cnnvd_id) : json_null(),
						"nvdb", d->nvdb_id ? json_string(d->nvdb_id) : json_null()));
	json_object_set_new(o, "duplicate_of", d->duplicate_of ? json_integer(d->duplicate_of)
							       : json_null());
	set_time(o, "fix_available_at", d->fix_available_at);
	json_object_set_new(o, "decided_not_to_publish", json_boolean(d->decided_not_to_publish));
	json_object_set_new(o, "version", json_integer(d->version));
	return o;
}

/* The whole case as GET shows it. */
static int case_full_json(struct cases *cs, struct db_conn *c, const struct case_data *d,
			  const struct case_actor *a, json_t **out, struct err *e)
{
	json_t *o = case_summary_json(d);
	struct report_ids ri = { json_array() };
	struct clock_status *st = NULL;
	struct case_stored sf;
	size_t n = 0;

	json_object_set_new(o, "legal_review", json_null());   /* the details' flag, if any */
	json_object_update(o, d->details);
	if (store_case_reports(c, d->id, add_report_id, &ri, e) < 0 ||
	    case_stored_facts(c, d->id, &sf, e) < 0 ||
	    case_clocks_eval(cs, c, d, time_now_us(), &st, &n, e) < 0) {
		json_decref(ri.arr);
		json_decref(o);
		return -1;
	}
	json_object_set_new(o, "report_ids", ri.arr);
	json_object_set_new(o, "transitions", options_json(d, a, &sf));
	json_object_set_new(o, "clocks", case_clocks_json(cs, st, n));
	json_object_set_new(o, "authority_report_submissions", json_integer(sf.submissions));
	free(st);
	*out = o;
	return 0;
}

/* ---- facts for the guards ---- */

void case_facts_fill(struct case_facts *f, const struct case_data *d, const struct case_actor *a,
		     int has_reason, const struct case_stored *s)
{
	json_t *products = json_object_get(d->details, "products");
	const char *scope = json_string_value(json_object_get(d->details, "scope"));
	const char *rem = json_string_value(json_object_get(d->details, "remediation"));
	size_t i;
	json_t *p;

	memset(f, 0, sizeof(*f));
	f->role = strcmp(d->role, "operator") == 0 ? CASE_ROLE_OPERATOR : CASE_ROLE_PROVIDER;
	f->level = a->a.user_id == 0 ? CASE_LEVEL_COORDINATOR : case_actor_level(a);
	f->has_reason = has_reason;
	f->duplicate_of = d->duplicate_of;
	f->has_cvss = d->cvss_vector != NULL;
	f->has_gbt_grade = d->gbt_grade != NULL;
	json_array_foreach(products, i, p) {
		json_t *versions = json_object_get(p, "versions");

		if (json_string_length(json_object_get(p, "name")) > 0 &&
		    json_array_size(versions) > 0)
			f->has_affected_product = 1;
	}
	f->has_scope = scope && scope[0];
	f->has_remediation = rem && rem[0];
	f->has_fix_available_at = d->fix_available_at != 0;
	f->authority_report_submitted = s->submissions > 0;
	f->advisory_published = s->advisory_published;
	f->decided_not_to_publish = d->decided_not_to_publish;
}

/* ---- transactions ---- */

struct audit_job {
	const struct case_actor *a;
	const char *action;
	int64_t id;
	json_t *detail;
};

static int audit_job_run(struct db_conn *c, void *arg, struct err *e)
{
	struct audit_job *j = arg;
	json_t *d = j->detail;

	j->detail = NULL;      /* audit_record consumes it, on success or not */
	return audit_record(c, &j->a->a, j->action, "case", j->id, d, e);
}

int case_audit_read(struct cases *cs, const struct case_actor *a, const char *action,
		    int64_t id, json_t *detail, struct err *e)
{
	struct audit_job j = { a, action, id, detail };
	int rc = gcommit_submit(cs->audit_writer, audit_job_run, &j, e);

	json_decref(j.detail);
	return rc;
}

int case_tx_begin(struct cases *cs, struct db_conn **c, struct err *e)
{
	if (db_acquire(cs->in->db, c, 5000, e) < 0)
		return -1;
	if (db_begin(*c, e) < 0) {
		db_release(*c);
		return -1;
	}
	return 0;
}

int case_tx_end(struct db_conn *c, int rc, struct err *e)
{
	if (rc == 0 && db_commit(c, e) < 0)
		rc = -1;
	if (rc < 0)
		db_rollback(c);
	db_release(c);
	return rc;
}

/* ---- create ---- */

static int check_people(struct cases *cs, const struct case_actor *a, json_t *body,
			struct err *e);

struct first_report {
	int64_t received_at;
	int found;                     /* 1 accepted, -1 a refused submission */
};

static int take_report(void *arg, const struct report_row *r, struct err *e)
{
	struct first_report *fr = arg;

	(void)e;
	fr->found = 1;
	fr->received_at = r->received_at;
	if (strcmp(r->disposition, "accepted") != 0)
		fr->found = -1;
	return 0;
}

int cases_create(struct cases *cs, const struct case_actor *a, json_t *body, json_t **out,
		 struct err *e)
{
	json_t *ids = json_object_get(body, "report_ids"), *patch;
	struct case_data d = { 0 };
	struct case_row r = { 0 };
	struct db_conn *c;
	int64_t now = time_now_us(), earliest = 0, id;
	size_t i;
	json_t *v;
	int rc = -1;

	*out = NULL;
	if (may_write(a, e) < 0 || check_people(cs, a, body, e) < 0)
		return -1;
	if (ids != NULL && (!json_is_array(ids) || json_array_size(ids) > MAX_REPORTS))
		return err_set(e, ERR_INVALID, "\"report_ids\" must be an array of at most %d ids",
			       MAX_REPORTS);
	json_array_foreach(ids, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return err_set(e, ERR_INVALID, "\"report_ids[%zu]\" is not a report id", i);
		for (size_t k = 0; k < i; k++)
			if (json_integer_value(json_array_get(ids, k)) == json_integer_value(v))
				return err_set(e, ERR_INVALID, "report %lld is listed twice",
					       (long long)json_integer_value(v));
	}
	/* the first report's title and product, unless the body gives them (read
	 * before the case's transaction: the read is audited in its own) */
	patch = json_deep_copy(body);
	json_object_del(patch, "report_ids");
	if (json_array_size(ids) > 0 &&
	    (json_object_get(patch, "title") == NULL || json_object_get(patch, "products") == NULL)) {
		json_t *rep = NULL, *prod;

		if (intake_report_get(cs->it, &a->a, json_integer_value(json_array_get(ids, 0)), 0,
				      &rep, e) < 0) {
			json_decref(patch);
			return -1;
		}
		if (json_object_get(patch, "title") == NULL &&
		    json_string_value(json_object_get(rep, "title")))
			json_object_set(patch, "title", json_object_get(rep, "title"));
		prod = json_object_get(rep, "product");
		if (json_object_get(patch, "products") == NULL &&
		    json_string_value(json_object_get(prod, "name"))) {
			json_t *p = json_pack("{s:O}", "name", json_object_get(prod, "name"));
			json_t *vers = json_array();

			if (json_string_value(json_object_get(prod, "model")))
				json_object_set(p, "model", json_object_get(prod, "model"));
			if (json_string_value(json_object_get(prod, "version")))
				json_array_append(vers, json_object_get(prod, "version"));
			json_object_set_new(p, "versions", vers);
			json_object_set_new(patch, "products", json_pack("[o]", p));
		}
		json_decref(rep);
	}
	if (case_tx_begin(cs, &c, e) < 0) {
		json_decref(patch);
		return -1;
	}
	/* every report exists, was accepted and is in no case; the earliest
	 * receipt is when the organisation learned of it (unless told) */
	json_array_foreach(ids, i, v) {
		struct first_report fr = { 0, 0 };
		int64_t in_case;

		if (store_report_get(c, json_integer_value(v), take_report, &fr, e) < 0)
			goto out;
		if (fr.found < 0) {
			err_setn(e, ERR_CONFLICT, "report_refused",
				 "report %lld was a refused submission", (long long)json_integer_value(v));
			goto out;
		}
		if (store_case_of_report(c, json_integer_value(v), &in_case, e) < 0)
			goto out;
		if (in_case) {
			err_setn(e, ERR_CONFLICT, "report_in_case",
				 "report %lld is already in case %lld", (long long)json_integer_value(v),
				 (long long)in_case);
			goto out;
		}
		if (earliest == 0 || fr.received_at < earliest)
			earliest = fr.received_at;
	}
	/* the new case: defaults, then the body's fields through the patch rules */
	d.details = json_object();
	snprintf(d.role, sizeof(d.role), "%s",
		 strcmp(cs->in->cfg.role, "operator") == 0 ? "operator" : "provider");
	snprintf(d.state, sizeof(d.state), "triage");
	d.title = xstrdup("(untitled)");
	d.learned_at = earliest ? earliest : now;
	d.created_at = d.updated_at = now;
	d.created_by = a->a.user_id;
	/* an analyst who opens a case handles it (need-to-know) */
	if (a->a.user_id && !role_has(a->role, CAP_PUBLISH))
		d.assignee_id = a->a.user_id;
	if (case_apply(cs, &d, patch, 1, e) < 0)
		goto out;
	/* insert with sealed details (its id is in the seal's associated data,
	 * so seal again once the id is known) */
	r.details = (const unsigned char *)"";
	snprintf(r.role, sizeof(r.role), "%s", d.role);
	snprintf(r.state, sizeof(r.state), "%s", d.state);
	r.title = d.title;
	r.learned_at = d.learned_at;
	r.created_at = r.updated_at = now;
	r.created_by = d.created_by;
	r.assignee_id = d.assignee_id;
	r.cvss_score = -1;
	if (store_case_add(c, &r, &id, e) < 0)
		goto out;
	d.id = id;
	d.version = 1;
	if (case_save(cs, c, &d, e) < 0)
		goto out;
	json_array_foreach(ids, i, v)
		if (store_case_report_add(c, id, json_integer_value(v), now, e) < 0)
			goto out;
	if (case_event(c, a, id, "created", now, NULL, "triage", NULL,
		       json_pack("{s:O?}", "report_ids", ids), NULL, e) < 0 ||
	    (case_has_upstream(&d) &&
	     case_event(c, a, id, "upstream_set", now, NULL, NULL, NULL, NULL, NULL, e) < 0) ||
	    (d.actively_exploited &&
	     case_event(c, a, id, "exploitation_learned", d.learned_at, NULL, NULL, NULL, NULL, NULL,
			e) < 0) ||
	    case_clocks_store(cs, c, &d, e) < 0 ||
	    audit_record(c, &a->a, "case.create", "case", id,
			 json_pack("{s:O?}", "report_ids", ids), e) < 0)
		goto out;
	d.version = 2;
	if (case_full_json(cs, c, &d, a, out, e) < 0)
		goto out;
	rc = 0;
out:
	json_decref(patch);
	rc = case_tx_end(c, rc, e);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
	case_data_free(&d);
	return rc;
}

/* ---- read ---- */

int cases_get(struct cases *cs, const struct case_actor *a, int64_t id, json_t **out,
	      struct err *e)
{
	struct case_data d;
	struct db_conn *c;
	int rc = -1;

	*out = NULL;
	if (db_acquire(cs->in->db, &c, 5000, e) < 0)
		return -1;
	if (case_load(cs, c, id, 0, &d, e) == 0) {
		if (case_visible(c, a, &d, e) == 0 && case_full_json(cs, c, &d, a, out, e) == 0)
			rc = 0;
		case_data_free(&d);
	}
	db_release(c);
	/* no detail leaves before its read is on record */
	if (rc == 0 && case_audit_read(cs, a, "case.read", id, NULL, e) < 0)
		rc = -1;
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

struct lister {
	struct cases *cs;
	json_t *arr;
	int64_t last_id, last_key;
	int count;
	struct err *e;
};

static int list_row(void *arg, const struct case_row *r, struct err *e)
{
	struct lister *l = arg;
	struct case_data d = { 0 };
	struct load_arg la = { l->cs, &d };
	json_t *o;

	if (load_row(&la, r, e) < 0) {
		case_data_free(&d);
		return -1;
	}
	o = case_summary_json(&d);
	json_object_set(o, "products", json_object_get(d.details, "products")
					       ? json_object_get(d.details, "products")
					       : json_null());
	json_array_append_new(l->arr, o);
	l->last_id = r->id;
	l->last_key = r->learned_at;
	l->count++;
	case_data_free(&d);
	return 0;
}

int cases_list(struct cases *cs, const struct case_actor *a, const struct case_list_query *q,
	       json_t **out, struct err *e)
{
	struct case_filter f = { 0 };
	struct lister l = { cs, json_array(), 0, 0, 0, e };
	struct db_conn *c;
	enum case_state s;
	int rc = -1;

	*out = NULL;
	f.state = q->state;
	if (q->state && case_state_from_name(&s, q->state, e) < 0) {
		json_decref(l.arr);
		return err_setn(e, ERR_INVALID, "invalid_parameter",
				"\"state\" \"%s\" is not a case state", q->state);
	}
	if (q->phase) {
		size_t k = 0;
		int found = 0;

		for (int p = 0; p < CASE_PHASE_COUNT; p++)
			found |= strcmp(case_phase_label(p)->id, q->phase) == 0;
		if (!found) {
			json_decref(l.arr);
			return err_setn(e, ERR_INVALID, "invalid_parameter",
					"\"phase\" \"%s\" is not receipt, verification, handling,"
					" publication or tracking", q->phase);
		}
		for (int st = 0; st < CASE_STATE_COUNT && k < 3; st++)
			if (strcmp(case_phase_label(case_state_phase(st))->id, q->phase) == 0)
				f.phase_states[k++] = case_state_name(st);
	}
	f.role = q->role;
	f.assignee_id = q->assignee_id;
	f.severity = q->severity;
	f.actively_exploited = q->actively_exploited;
	f.q = q->q;
	f.limit = q->limit;
	f.visible_to = visible_to(a);
	if (q->sort == NULL || strcmp(q->sort, "-id") == 0)
		f.order = 0;
	else if (strcmp(q->sort, "id") == 0)
		f.order = 1;
	else if (strcmp(q->sort, "-learned_at") == 0)
		f.order = 2;
	else if (strcmp(q->sort, "learned_at") == 0)
		f.order = 3;
	else {
		json_decref(l.arr);
		return err_setn(e, ERR_INVALID, "invalid_parameter",
				"\"sort\" must be id, -id, learned_at or -learned_at");
	}
	if (q->cursor) {
		long long key, cid;
		char tail;

		if (sscanf(q->cursor, "%lld.%lld%c", &key, &cid, &tail) != 2 || cid <= 0) {
			json_decref(l.arr);
			return err_setn(e, ERR_INVALID, "invalid_parameter",
					"\"cursor\" is not one this server gave");
		}
		f.after_key = key;
		f.after_id = cid;
	}
	if (db_acquire(cs->in->db, &c, 5000, e) < 0) {
		json_decref(l.arr);
		return -1;
	}
	rc = store_case_list(c, &f, list_row, &l, e);
	db_release(c);
	if (rc == 0)
		rc = case_audit_read(cs, a, "case.list", 0,
				     json_pack("{s:s?,s:s?,s:s?}", "state", q->state, "phase",
					       q->phase, "q", q->q), e);
	if (rc < 0) {
		json_decref(l.arr);
		return -1;
	}
	*out = json_object();
	json_object_set_new(*out, "items", l.arr);
	if (l.count == q->limit) {
		char cur[64];

		snprintf(cur, sizeof(cur), "%lld.%lld",
			 (long long)(f.order >= 2 ? l.last_key : 0), (long long)l.last_id);
		json_object_set_new(*out, "next_cursor", json_string(cur));
	} else {
		json_object_set_new(*out, "next_cursor", json_null());
	}
	return 0;
}

/* ---- patch ---- */

static int team_exists(void *arg, const struct team_row *t, struct err *e)
{
	(void)arg;
	(void)t;
	(void)e;
	return 0;
}

/* Checks of a body that need the accounts: the decision not to publish is a
 * coordinator's; an assignee is a user who may read cases. */
static int check_people(struct cases *cs, const struct case_actor *a, json_t *body, struct err *e)
{
	json_t *v = json_object_get(body, "assignee_id");

	if (json_object_get(body, "decided_not_to_publish") && a->a.user_id &&
	    case_actor_level(a) < CASE_LEVEL_COORDINATOR)
		return err_setn(e, ERR_FORBIDDEN, "forbidden",
				"only a coordinator decides not to publish");
	if (json_is_integer(json_object_get(body, "team_id"))) {
		struct db_conn *c;
		int rc;

		if (db_acquire(cs->in->db, &c, 5000, e) < 0)
			return -1;
		rc = store_team_get(c, json_integer_value(json_object_get(body, "team_id")),
				    team_exists, NULL, e);
		db_release(c);
		if (rc < 0)
			return e->code == ERR_NOT_FOUND
				       ? err_setn(e, ERR_INVALID, "unknown_team",
						  "\"team_id\" names no team")
				       : -1;
	}
	if (json_is_integer(v)) {
		struct user u;
		struct err ignored = ERR_INIT;
		enum role r;

		if (account_user_get(cs->in->db, json_integer_value(v), &u, &ignored) < 0 ||
		    u.disabled || (r = role_from_name(u.role)) == ROLE_NONE ||
		    !role_has(r, CAP_CASES_READ))
			return err_setn(e, ERR_INVALID, "unknown_user",
					"\"assignee_id\" must be an active user who may read cases");
	}
	return 0;
}

int cases_patch(struct cases *cs, const struct case_actor *a, int64_t id, json_t *body,
		json_t **out, struct err *e)
{
	struct case_data d;
	struct db_conn *c;
	int had_upstream, was_exploited;
	int64_t old_learned, now = time_now_us();
	json_t *changed = NULL;
	int rc = -1;

	*out = NULL;
	if (may_write(a, e) < 0)
		return -1;
	if (!json_is_object(body) || json_object_size(body) == 0)
		return err_set(e, ERR_INVALID, "nothing to change");
	if (check_people(cs, a, body, e) < 0)
		return -1;
	if (case_tx_begin(cs, &c, e) < 0)
		return -1;
	if (case_load(cs, c, id, 1, &d, e) < 0)
		goto out;
	if (case_visible(c, a, &d, e) < 0)
		goto done;
	had_upstream = case_has_upstream(&d);
	was_exploited = d.actively_exploited;
	old_learned = d.learned_at;
	changed = json_array();
	if (case_apply_tracked(cs, &d, body, 0, changed, e) < 0)
		goto done;
	d.updated_at = now;
	if (case_save(cs, c, &d, e) < 0)
		goto done;
	if (d.learned_at != old_learned &&
	    case_event(c, a, id, "learned_at", now, NULL, NULL,
		       json_string_value(json_object_get(body, "reason")),
		       json_pack("{s:o,s:o}", "from", case_time_json(old_learned), "to",
				 case_time_json(d.learned_at)), NULL, e) < 0)
		goto done;
	if (!had_upstream && case_has_upstream(&d) &&
	    case_event(c, a, id, "upstream_set", now, NULL, NULL, NULL, NULL, NULL, e) < 0)
		goto done;
	if (!was_exploited && d.actively_exploited &&
	    case_event(c, a, id, "exploitation_learned", now, NULL, NULL, NULL, NULL, NULL, e) < 0)
		goto done;
	if (case_event(c, a, id, "update", now, NULL, NULL,
		       json_string_value(json_object_get(body, "reason")),
		       json_pack("{s:O}", "fields", changed), NULL, e) < 0 ||
	    case_clocks_store(cs, c, &d, e) < 0 ||
	    audit_record(c, &a->a, "case.update", "case", id, json_pack("{s:O}", "fields", changed),
			 e) < 0)
		goto done;
	d.version++;
	if (case_full_json(cs, c, &d, a, out, e) < 0)
		goto done;
	rc = 0;
done:
	case_data_free(&d);
out:
	json_decref(changed);
	rc = case_tx_end(c, rc, e);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* ---- transitions ---- */

struct replay_arg {
	struct case_event *ev;
	size_t n, cap;
	char **reasons;
};

static int replay_collect(void *arg, const struct case_event_row *ev, struct err *e)
{
	struct replay_arg *ra = arg;
	enum case_state from, to;

	if (strcmp(ev->kind, "transition") != 0)
		return 0;
	if (case_state_from_name(&from, ev->from_state ? ev->from_state : "", e) < 0 ||
	    case_state_from_name(&to, ev->to_state ? ev->to_state : "", e) < 0)
		return err_setn(e, ERR_CONFLICT, "history_invalid",
				"event %lld names an unknown state", (long long)ev->id);
	if (ra->n == ra->cap) {
		ra->cap = ra->cap ? ra->cap * 2 : 16;
		ra->ev = xrealloc(ra->ev, ra->cap * sizeof(*ra->ev));
	}
	ra->ev[ra->n].from = from;
	ra->ev[ra->n].to = to;
	ra->ev[ra->n].at_us = ev->at;
	ra->ev[ra->n].actor_id = ev->actor_id;
	ra->ev[ra->n].reason = NULL;
	ra->n++;
	return 0;
}

int cases_replay_check(struct cases *cs, int64_t id, int *consistent, struct err *e)
{
	struct replay_arg ra = { 0 };
	struct case_data d;
	struct db_conn *c;
	enum case_state s, stored;
	enum case_role role;
	size_t bad;
	int rc = -1;

	*consistent = 0;
	if (db_acquire(cs->in->db, &c, 5000, e) < 0)
		return -1;
	if (case_load(cs, c, id, 0, &d, e) < 0)
		goto out;
	if (store_case_events(c, id, replay_collect, &ra, e) == 0 &&
	    case_role_from_name(&role, d.role, e) == 0 &&
	    case_state_from_name(&stored, d.state, e) == 0 &&
	    case_replay(&s, &bad, role, ra.ev, ra.n, e) == 0) {
		*consistent = s == stored;
		rc = 0;
	}
	case_data_free(&d);
out:
	free(ra.ev);
	db_release(c);
	return rc;
}

int cases_transition(struct cases *cs, const struct case_actor *a, int64_t id, json_t *body,
		     json_t **out, json_t **missing, struct err *e)
{
	const char *to_name = json_string_value(json_object_get(body, "to"));
	const char *reason = json_string_value(json_object_get(body, "reason"));
	json_t *dup = json_object_get(body, "duplicate_of");
	struct case_data d, target = { 0 };
	struct report_ids reported = { NULL };
	struct case_verdict v;
	struct case_facts f;
	enum case_state from, to;
	struct db_conn *c;
	int64_t now = time_now_us(), ev_id;
	struct case_stored sf;
	int rc = -1;

	*out = NULL;
	if (missing)
		*missing = NULL;
	if (may_write(a, e) < 0)
		return -1;
	if (to_name == NULL)
		return err_setn(e, ERR_INVALID, "missing_field", "\"to\" is required");
	if (case_state_from_name(&to, to_name, e) < 0)
		return -1;
	if (dup && !json_is_null(dup) && (!json_is_integer(dup) || json_integer_value(dup) <= 0))
		return err_set(e, ERR_INVALID, "\"duplicate_of\" must be a case id");
	if (to == CASE_DUPLICATE && json_is_integer(dup) && json_integer_value(dup) == id)
		return err_set(e, ERR_INVALID, "a case cannot duplicate itself");
	if (case_tx_begin(cs, &c, e) < 0)
		return -1;
	/* two cases are locked in the order of their ids: two merges that cross
	 * wait for each other instead of deadlocking */
	if (to == CASE_DUPLICATE && json_is_integer(dup) && json_integer_value(dup) < id &&
	    case_load(cs, c, json_integer_value(dup), 1, &target, e) < 0) {
		if (e->code == ERR_NOT_FOUND)
			err_setn(e, ERR_INVALID, "unknown_case", "\"duplicate_of\" names no case");
		goto out;
	}
	if (case_load(cs, c, id, 1, &d, e) < 0)
		goto out;
	if (case_visible(c, a, &d, e) < 0 || case_state_from_name(&from, d.state, e) < 0)
		goto done;
	if (to == CASE_DUPLICATE && json_is_integer(dup)) {
		int64_t tid = json_integer_value(dup);

		if (target.id == 0 && case_load(cs, c, tid, 1, &target, e) < 0) {
			if (e->code == ERR_NOT_FOUND)
				err_setn(e, ERR_INVALID, "unknown_case", "\"duplicate_of\" names no case");
			goto done;
		}
		if (case_visible(c, a, &target, e) < 0) {
			err_setn(e, ERR_INVALID, "unknown_case", "\"duplicate_of\" names no case");
			goto done;
		}
		if (strcmp(target.state, "duplicate") == 0) {
			err_setn(e, ERR_CONFLICT, "duplicate_of_duplicate",
				 "case %lld is itself a duplicate (of %lld): name that one",
				 (long long)tid, (long long)target.duplicate_of);
			goto done;
		}
		d.duplicate_of = tid;
	}
	if (case_stored_facts(c, id, &sf, e) < 0)
		goto done;
	case_facts_fill(&f, &d, a, reason != NULL && reason[0] != '\0', &sf);
	if (case_check(&v, from, to, &f, e) < 0) {
		if (missing && v.outcome == CASE_GUARD) {
			*missing = json_array();
			for (int k = 0; k < CASE_NEED_COUNT; k++)
				if (v.missing & CASE_NEED_BIT(k))
					json_array_append_new(*missing,
							      json_string(case_need_label(k)->id));
		}
		goto done;
	}
	/* whose reporters hear of the change (before a merge moves the reports) */
	reported.arr = json_array();
	if (store_case_reports(c, id, add_report_id, &reported, e) < 0)
		goto done;
	/* a merge: every reporter keeps credit in the case that goes on */
	if (to == CASE_DUPLICATE && store_case_reports_move(c, id, d.duplicate_of, e) < 0)
		goto done;
	if (from == CASE_DUPLICATE && to == CASE_TRIAGE)
		d.duplicate_of = 0;
	snprintf(d.state, sizeof(d.state), "%s", case_state_name(to));
	d.updated_at = now;
	if (case_save(cs, c, &d, e) < 0 ||
	    case_event(c, a, id, "transition", now, case_state_name(from), case_state_name(to),
		       reason, to == CASE_DUPLICATE ? json_pack("{s:I}", "duplicate_of",
								 (json_int_t)d.duplicate_of)
						    : NULL, &ev_id, e) < 0 ||
	    case_clocks_store(cs, c, &d, e) < 0 ||
	    audit_record(c, &a->a, "case.transition", "case", id,
			 json_pack("{s:s,s:s,s:s?}", "from", case_state_name(from), "to",
				   case_state_name(to), "reason", reason), e) < 0)
		goto done;
	if (to == CASE_DUPLICATE) {
		/* the surviving case was learned of when either was: no clock is lost */
		if (d.learned_at < target.learned_at) {
			int64_t was = target.learned_at;

			target.learned_at = d.learned_at;
			target.updated_at = now;
			if (case_save(cs, c, &target, e) < 0 ||
			    case_event(c, a, target.id, "learned_at", now, NULL, NULL,
				       "merged with an earlier-learned case",
				       json_pack("{s:o,s:o,s:I}", "from", case_time_json(was), "to",
						 case_time_json(target.learned_at), "merged_case",
						 (json_int_t)id), NULL, e) < 0)
				goto done;
		}
		if (case_event(c, a, target.id, "merged", now, NULL, NULL, reason,
			       json_pack("{s:I}", "from_case", (json_int_t)id), NULL, e) < 0 ||
		    case_clocks_store(cs, c, &target, e) < 0)
			goto done;
	}
	d.version++;
	if (case_full_json(cs, c, &d, a, out, e) < 0)
		goto done;
	rc = 0;
done:
	case_data_free(&d);
out:
	case_data_free(&target);
	rc = case_tx_end(c, rc, e);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	} else if (json_array_size(reported.arr) > 0) {
		/* the reporters, once the change is committed (a mail relay that is
		 * slow or down holds no lock and undoes nothing) */
		json_t *updates = NULL;
		struct err ue = ERR_INIT;

		if (case_reporter_updates(cs, a, id, case_state_name(from), case_state_name(to),
					  reported.arr, &updates, &ue) < 0)
			fprintf(stderr, "vulnflow: case %lld: reporter updates: %s\n", (long long)id,
				ue.msg);
		if (updates)
			json_object_set_new(*out, "reporter_updates", updates);
	}
	json_decref(reported.arr);
	return rc;
}

/* ---- clocks ---- */

int cases_clocks(struct cases *cs, const struct case_actor *a, int64_t id, json_t **out,
		 struct err *e)
{
	struct case_data d;
	struct clock_status *st = NULL;
	struct db_conn *c;
	size_t n = 0;
	int rc = -1;

	*out = NULL;
	if (db_acquire(cs->in->db, &c, 5000, e) < 0)
		return -1;
	if (case_load(cs, c, id, 0, &d, e) < 0)
		goto out;
	if (case_visible(c, a, &d, e) == 0 &&
	    case_clocks_eval(cs, c, &d, time_now_us(), &st, &n, e) == 0) {
		*out = json_pack("{s:I,s:o}", "case_id", (json_int_t)id, "clocks",
				 case_clocks_json(cs, st, n));
		rc = 0;
	}
	free(st);
	case_data_free(&d);
out:
	db_release(c);
	return rc;
}

struct clock_lister {
	struct cases *cs;
	json_t *arr;
	int64_t now;
	int count;
	int64_t last_due, last_case;
	char last_clock[64];
};

static int clock_row(void *arg, const struct case_clock_row *r, struct err *e)
{
	struct clock_lister *l = arg;
	const char *state = r->state;
	json_t *o = json_object();
	long ob = clock_policy_find(l->cs->policy, r->clock_id);

	(void)e;
	if (strcmp(state, "pending") == 0 && r->due_at < l->now)
		state = "missed";      /* time passed since it was stored */
	json_object_set_new(o, "case_id", json_integer(r->case_id));
	json_object_set_new(o, "id", json_string(r->clock_id));
	if (ob >= 0) {
		struct clock_obligation o2;

		clock_policy_at(l->cs->policy, (size_t)ob, &o2);
		json_object_set_new(o, "title_zh", json_string(o2.title_zh));
		json_object_set_new(o, "title_en", json_string(o2.title_en));
	}
	json_object_set_new(o, "state", json_string(state));
	set_time(o, "trigger_at", r->trigger_at);
	set_time(o, "due_at", r->due_at);
	json_object_set_new(o, "met_by_event", r->met_by_event ? json_integer(r->met_by_event)
							       : json_null());
	if (r->met_at)
		set_time(o, "met_at", r->met_at);
	json_array_append_new(l->arr, o);
	l->count++;
	l->last_due = r->due_at;
	l->last_case = r->case_id;
	snprintf(l->last_clock, sizeof(l->last_clock), "%s", r->clock_id);
	return 0;
}

int cases_clocks_list(struct cases *cs, const struct case_actor *a, const struct clock_query *q,
		      json_t **out, struct err *e)
{
	struct clock_filter f = { 0 };
	struct clock_lister l = { cs, json_array(), time_now_us(), 0, 0, 0, "" };
	struct db_conn *c;
	char clock_after[64] = "";
	int rc;

	*out = NULL;
	f.state = q->state;
	f.now = l.now;
	f.due_before = q->due_before;
	f.visible_to = visible_to(a);
	f.limit = q->limit;
	if (q->cursor) {
		long long due, cid;
		int used = 0;

		if (sscanf(q->cursor, "%lld.%lld.%n", &due, &cid, &used) != 2 || used == 0 ||
		    cid <= 0 || strlen(q->cursor + used) >= sizeof(clock_after) ||
		    q->cursor[used] == '\0') {
			json_decref(l.arr);
			return err_setn(e, ERR_INVALID, "invalid_parameter",
					"\"cursor\" is not one this server gave");
		}
		snprintf(clock_after, sizeof(clock_after), "%s", q->cursor + used);
		f.after_due = due;
		f.after_case = cid;
		f.after_clock = clock_after;
	}
	if (db_acquire(cs->in->db, &c, 5000, e) < 0) {
		json_decref(l.arr);
		return -1;
	}
	rc = store_clocks_list(c, &f, clock_row, &l, e);
	db_release(c);
	if (rc < 0) {
		json_decref(l.arr);
		return -1;
	}
	*out = json_object();
	json_object_set_new(*out, "items", l.arr);
	if (l.count == q->limit) {
		char cur[128];

		snprintf(cur, sizeof(cur), "%lld.%lld.%s", (long long)l.last_due,
			 (long long)l.last_case, l.last_clock);
		json_object_set_new(*out, "next_cursor", json_string(cur));
	} else {
		json_object_set_new(*out, "next_cursor", json_null());
	}
	return 0;
}
