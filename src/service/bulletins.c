/* bulletins.c - our published advisories: drafts, revisions, reviews, approvals, the gate. */
#include "service/bulletins.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/timefmt.h"
#include "rules/case.h"
#include "rules/cwe.h"
#include "rules/gate.h"
#include "service/audit.h"
#include "service/bulletin_text.h"
#include "service/bulletins_impl.h"
#include "service/impact.h"
#include "service/inventory.h"
#include "service/instance.h"
#include "service/intake.h"
#include "service/pgp.h"
#include "store/store_bulletin.h"
#include "store/store_case.h"
#include "store/store_user.h"

/* The JSON names of the gate's text fields, in enum gate_field order. */
static const char *const text_fields[GATE_FIELD_COUNT] = {
	"title", "summary", "remediation", "workarounds", "description"
};
static const char *const langs[GATE_LANG_COUNT] = { "zh-CN", "en" };
static const char *const early_steps[] = {
	"joint_assessment", "report_miit", "report_mps", "authority_assessment", NULL
};

/* A bulletin as loaded. */
struct bl {
	int64_t id, case_id, revision, created_by, created_at, updated_at;
	int64_t scheduled_at, scheduled_by, published_at, version;
	char ident[BULLETIN_IDENT_LEN];
	char state[16];
	json_t *content;
	int skip_withdrawn;            /* store_bulletins_of_case(): take the newest other one */
	int found;
};

/* The keyring whose key signs the CSAF feed.  Without GnuPG publication goes
 * on unsigned and says so (bulletin_feed_export()). */
static void open_pgp(struct bulletins *bs)
{
	struct err pe = ERR_INIT;

	if (pgp_open(&bs->pgp, bs->in->cfg.dir, &pe) < 0) {
		bs->pgp = NULL;
		snprintf(bs->pgp_why, sizeof(bs->pgp_why), "GnuPG is not usable: %s", pe.msg);
	}
}

int bulletins_open(struct bulletins **out, struct instance *in, struct cases *cs,
		   struct err *e)
{
	struct bulletins *bs;

	*out = NULL;
	if (cs == NULL)
		return err_set(e, ERR_INTERNAL, "the advisory service needs the case service");
	bs = xcalloc(1, sizeof(*bs));
	bs->in = in;
	bs->cs = cs;
	pthread_mutex_init(&bs->feed_lock, NULL);
	open_pgp(bs);
	*out = bs;
	return 0;
}

void bulletins_close(struct bulletins *bs)
{
	if (bs == NULL)
		return;
	pgp_close(bs->pgp);
	bulletin_feed_cache_free(bs);
	pthread_mutex_destroy(&bs->feed_lock);
	free(bs);
}

/* ---------------------------------------------------------------- small helpers */

static void set_time(json_t *o, const char *key, int64_t us)
{
	char buf[TIMEFMT_LEN], local[64];

	snprintf(local, sizeof(local), "%s_local", key);
	if (us == 0) {
		json_object_set_new(o, key, json_null());
		json_object_set_new(o, local, json_null());
		return;
	}
	time_format_utc(us, buf);
	json_object_set_new(o, key, json_string(buf));
	time_format_shanghai(us, buf);
	json_object_set_new(o, local, json_string(buf));
}

static const char *actor_name(const struct case_actor *a)
{
	return a->a.name ? a->a.name : "system";
}

static int bl_row(void *arg, const struct bulletin_row *r, struct err *e)
{
	struct bl *b = arg;
	json_error_t je;

	if (b->found || (b->skip_withdrawn && strcmp(r->state, "withdrawn") == 0))
		return 0;
	b->id = r->id;
	b->case_id = r->case_id;
	b->revision = r->revision;
	b->created_by = r->created_by;
	b->created_at = r->created_at;
	b->updated_at = r->updated_at;
	b->scheduled_at = r->scheduled_at;
	b->scheduled_by = r->scheduled_by;
	b->published_at = r->published_at;
	b->version = r->version;
	snprintf(b->ident, sizeof(b->ident), "%s", r->ident);
	snprintf(b->state, sizeof(b->state), "%s", r->state);
	b->content = json_loads(r->content, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(b->content)) {
		json_decref(b->content);
		b->content = NULL;
		return err_set(e, ERR_INTERNAL, "advisory \"%s\": stored content is not JSON",
			       r->ident);
	}
	b->found = 1;
	return 0;
}

static void bl_free(struct bl *b)
{
	json_decref(b->content);
	b->content = NULL;
}

static struct bulletin_row bl_to_row(const struct bl *b, const char *content)
{
	struct bulletin_row r = { 0 };

	r.id = b->id;
	r.ident = b->ident;
	r.case_id = b->case_id;
	r.state = b->state;
	r.revision = b->revision;
	r.content = content;
	r.created_by = b->created_by;
	r.created_at = b->created_at;
	r.updated_at = b->updated_at;
	r.scheduled_at = b->scheduled_at;
	r.scheduled_by = b->scheduled_by;
	r.published_at = b->published_at;
	return r;
}

/* Write b's row (its content as it is now). */
static int bl_save(struct db_conn *c, const struct bl *b, struct err *e)
{
	char *text = json_dumps(b->content, JSON_COMPACT | JSON_SORT_KEYS);
	struct bulletin_row r = bl_to_row(b, text);
	int rc = store_bulletin_update(c, &r, e);

	free(text);
	return rc;
}

struct case_owner {
	int64_t assignee_id, team_id;
};

static int case_owner_row(void *arg, const struct case_row *r, struct err *e)
{
	struct case_owner *o = arg;

	o->assignee_id = r->assignee_id;
	o->team_id = r->team_id;
	return 0;
}

/* Need-to-know: a published advisory is public; a draft is seen by those with
 * cases.read who may see its case (cases_need_to_know()).  Not visible is
 * ERR_NOT_FOUND. */
static int may_see(struct db_conn *c, const struct case_actor *a, const struct bl *b,
		   struct err *e)
{
	struct case_owner o = { 0, 0 };

	if (strcmp(b->state, "published") == 0)
		return 0;
	if (role_has(a->role, CAP_CASES_READ)) {
		if (store_case_get(c, b->case_id, 0, case_owner_row, &o, e) < 0)
			return -1;
		if (cases_need_to_know(c, a, o.assignee_id, o.team_id, e) == 0)
			return 0;
		if (e->code != ERR_NOT_FOUND)
			return -1;
	}
	return err_setn(e, ERR_NOT_FOUND, "bulletin_not_found", "no advisory \"%s\"", b->ident);
}

static int bl_load(struct db_conn *c, const struct case_actor *a, const char *ident, int lock,
		   struct bl *b, struct err *e)
{
	memset(b, 0, sizeof(*b));
	if (!bulletin_ident_valid(ident))
		return err_setn(e, ERR_NOT_FOUND, "bulletin_not_found", "no advisory \"%s\"", ident);
	if (store_bulletin_get(c, ident, lock, bl_row, b, e) < 0)
		return -1;
	if (may_see(c, a, b, e) < 0) {
		bl_free(b);
		return -1;
	}
	return 0;
}

static int editable(const struct bl *b, struct err *e)
{
	if (strcmp(b->state, "draft") == 0 || strcmp(b->state, "scheduled") == 0)
		return 0;
	return err_setn(e, ERR_CONFLICT,
			strcmp(b->state, "published") == 0 ? "bulletin_published" : "bulletin_withdrawn",
			"advisory \"%s\" is %s", b->ident, b->state);
}

static int tx_begin(struct bulletins *bs, struct db_conn **c, struct err *e)
{
	if (db_acquire(bs->in->db, c, 5000, e) < 0)
		return -1;
	if (db_begin(*c, e) < 0) {
		db_release(*c);
		return -1;
	}
	return 0;
}

static int tx_end(struct db_conn *c, int rc, struct err *e)
{
	if (rc == 0 && db_commit(c, e) < 0)
		rc = -1;
	if (rc < 0)
		db_rollback(c);
	db_release(c);
	return rc;
}

static int audit(struct db_conn *c, const struct case_actor *a, const char *action,
		 const struct bl *b, json_t *detail, struct err *e)
{
	if (detail == NULL)
		detail = json_object();
	json_object_set_new(detail, "advisory", json_string(b->ident));
	json_object_set_new(detail, "revision", json_integer(b->revision));
	return audit_record(c, &a->a, action, "advisory", b->id, detail, e);
}

/* ---------------------------------------------------------------- fields */

static int opt_string(json_t *o, const char *key, size_t max, int required, const char *where,
		      struct err *e)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || json_is_null(v)) {
		if (required)
			return err_setn(e, ERR_INVALID, "missing_field", "\"%s.%s\" is required",
					where, key);
		return 0;
	}
	if (!json_is_string(v) || (required && json_string_length(v) == 0))
		return err_setn(e, ERR_INVALID, "invalid_field", "\"%s.%s\" must be a%s string",
				where, key, required ? " non-empty" : "");
	if (json_string_length(v) > max)
		return err_setn(e, ERR_INVALID, "invalid_field",
				"\"%s.%s\" is longer than %zu bytes", where, key, max);
	return 0;
}

static int only_keys(json_t *o, const char *const *keys, const char *where, struct err *e)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v) {
		int ok = 0;

		for (const char *const *p = keys; *p; p++)
			ok |= strcmp(*p, k) == 0;
		if (!ok)
			return err_setn(e, ERR_INVALID, "unknown_field", "unknown field \"%s%s%s\"",
					where, *where ? "." : "", k);
	}
	return 0;
}

/* Apply one text field (see bulletin_text.h): given languages replace, a
 * language given as null or "" is removed, null removes the field. */
static int apply_text(json_t *content, const char *field, json_t *v, const char *lang,
		      struct err *e)
{
	json_t *cur = json_object_get(content, field), *parsed, *x;
	const char *k;

	if (json_is_null(v)) {
		json_object_del(content, field);
		return 0;
	}
	if (bulletin_text_parse(&parsed, v, field, lang, e) < 0)
		return -1;
	if (!json_is_object(cur) || json_is_string(v)) {
		if (json_is_object(cur) && json_is_string(v)) {
			json_object_update(cur, parsed);
			json_decref(parsed);
			return 0;
		}
		json_object_set_new(content, field, parsed);
		return 0;
	}
	json_object_foreach(v, k, x)
		if (json_is_null(x) || (json_is_string(x) && json_string_length(x) == 0))
			json_object_del(cur, k);
	json_object_update(cur, parsed);
	json_decref(parsed);
	if (json_object_size(cur) == 0)
		json_object_del(content, field);
	return 0;
}

static int check_products(json_t *v, struct err *e)
{
	static const char *const keys[] = { "vendor", "name", "model", "version", "purl", "status",
					     "justification", "fixed_in", NULL };
	static const char *const statuses[] = { "affected", "not_affected", "fixed",
						 "under_investigation", NULL };
	size_t i;
	json_t *p;

	if (!json_is_array(v) || json_array_size(v) > 1000)
		return err_setn(e, ERR_INVALID, "invalid_field",
				"\"products\" must be an array of at most 1000 objects");
	json_array_foreach(v, i, p) {
		const char *st;
		int ok = 0;

		if (!json_is_object(p))
			return err_setn(e, ERR_INVALID, "invalid_field",
					"\"products[%zu]\" must be an object", i);
		if (only_keys(p, keys, "products[]", e) < 0 ||
		    opt_string(p, "name", 200, 1, "products[]", e) < 0 ||
		    opt_string(p, "version", 200, 1, "products[]", e) < 0 ||
		    opt_string(p, "vendor", 200, 0, "products[]", e) < 0 ||
		    opt_string(p, "model", 200, 0, "products[]", e) < 0 ||
		    opt_string(p, "purl", 1000, 0, "products[]", e) < 0 ||
		    opt_string(p, "justification", 200, 0, "products[]", e) < 0 ||
		    opt_string(p, "fixed_in", 200, 0, "products[]", e) < 0 ||
		    opt_string(p, "status", 40, 0, "products[]", e) < 0)
			return -1;
		st = json_string_value(json_object_get(p, "status"));
		for (const char *const *s = statuses; st && *s; s++)
			ok |= strcmp(*s, st) == 0;
		if (st && !ok)
			return err_setn(e, ERR_INVALID, "invalid_field",
					"\"products[%zu].status\" must be affected, not_affected, fixed"
					" or under_investigation", i);
	}
	return 0;
}

static int check_severity(json_t *v, json_t **norm, struct err *e)
{
	static const char *const keys[] = { "cvss", "gbt", NULL };
	enum gate_severity s;

	*norm = NULL;
	if (!json_is_object(v))
		return err_setn(e, ERR_INVALID, "invalid_field",
				"\"severity\" must be an object {\"cvss\", \"gbt\"}");
	if (only_keys(v, keys, "severity", e) < 0)
		return -1;
	*norm = json_object();
	for (const char *const *k = keys; *k; k++) {
		json_t *x = json_object_get(v, *k);

		if (x == NULL || json_is_null(x))
			continue;
		if (!json_is_string(x) || gate_severity_from_name(&s, json_string_value(x), e) < 0 ||
		    (s == GATE_SEV_NONE && strcmp(*k, "gbt") == 0)) {
			json_decref(*norm);
			*norm = NULL;
			return err_setn(e, ERR_INVALID, "invalid_field",
					"\"severity.%s\" must be a severity (low, medium, high,"
					" critical%s)", *k, strcmp(*k, "cvss") == 0 ? ", none" : "");
		}
		json_object_set_new(*norm, *k, json_string(gate_severity_name(s)));
	}
	return 0;
}

/* Credits that name a report ({"report_id": N, "name"?, "organization"?}) take
 * the reporter's own consent, given when they reported (reporter.credit), in
 * place of the caller's assertion; name and organization default to the
 * report's.  Reports are read (an audited read) before any transaction, so
 * *out is body, or a copy with those credits filled in (owned by the caller).
 * The report's case is kept (report_case_id) for check_credits. */
static int resolve_report_credits(struct bulletins *bs, const struct case_actor *a,
				  json_t *body, json_t **out, struct err *e)
{
	json_t *credits = json_object_get(body, "credits"), *p;
	size_t i;

	*out = json_incref(body);
	if (!json_is_array(credits))
		return 0;
	json_array_foreach(credits, i, p) {
		json_t *rid = json_object_get(p, "report_id"), *rep = NULL, *who, *c;
		const char *name, *org;

		if (!json_is_object(p) || rid == NULL)
			continue;
		if (json_object_get(p, "consent") || json_object_get(p, "report_case_id"))
			return err_setn(e, ERR_INVALID, "invalid_field",
					"\"credits[%zu]\" names a report: the consent is the reporter's"
					" own (reporter.credit), not given here", i);
		if (!json_is_integer(rid) || json_integer_value(rid) <= 0)
			return err_setn(e, ERR_INVALID, "invalid_field",
					"\"credits[%zu].report_id\" must be a report id", i);
		if (intake_report_get(cases_intake(bs->cs), &a->a, json_integer_value(rid), 0,
				      &rep, e) < 0)
			return e->code == ERR_NOT_FOUND
				? err_setn(e, ERR_INVALID, "unknown_report",
					   "\"credits[%zu].report_id\" names no report", i)
				: -1;
		who = json_object_get(rep, "reporter");
		if (!json_is_true(json_object_get(who, "credit"))) {
			json_decref(rep);
			return err_setn(e, ERR_INVALID, "credit_consent_required",
					"the reporter of report %lld did not agree to be credited"
					" (reporter.credit)", (long long)json_integer_value(rid));
		}
		name = json_string_value(json_object_get(p, "name"));
		org = json_string_value(json_object_get(p, "organization"));
		if (name == NULL)
			name = json_string_value(json_object_get(who, "name"));
		if (org == NULL)
			org = json_string_value(json_object_get(who, "organization"));
		if (name == NULL && org == NULL) {
			json_decref(rep);
			return err_setn(e, ERR_INVALID, "invalid_field",
					"\"credits[%zu]\": report %lld gives no name to credit",
					i, (long long)json_integer_value(rid));
		}
		if (*out == body) {
			json_decref(*out);
			*out = json_deep_copy(body);
		}
		c = json_array_get(json_object_get(*out, "credits"), i);
		json_object_set_new(c, "name", json_string(name ? name : org));
		if (org != NULL)
			json_object_set_new(c, "organization", json_string(org));
		json_object_set_new(c, "consent", json_true());
		json_object_set(c, "report_case_id", json_object_get(rep, "case_id"));
		json_decref(rep);
	}
	return 0;
}

static int check_credits(json_t *v, const struct case_actor *a, int64_t case_id, int64_t now,
			 json_t **norm, struct err *e)
{
	static const char *const keys[] = { "name", "organization", "consent", "report_id",
					    "report_case_id", NULL };
	size_t i;
	json_t *p;

	*norm = NULL;
	if (!json_is_array(v) || json_array_size(v) > 100)
		return err_setn(e, ERR_INVALID, "invalid_field",
				"\"credits\" must be an array of at most 100 objects");
	json_array_foreach(v, i, p) {
		if (!json_is_object(p))
			return err_setn(e, ERR_INVALID, "invalid_field",
					"\"credits[%zu]\" must be an object", i);
		if (only_keys(p, keys, "credits[]", e) < 0 ||
		    opt_string(p, "name", 200, 1, "credits[]", e) < 0 ||
		    opt_string(p, "organization", 200, 0, "credits[]", e) < 0)
			return -1;
		if (!json_is_true(json_object_get(p, "consent")))
			return err_setn(e, ERR_INVALID, "credit_consent_required",
					"\"credits[%zu].consent\" must be true: a reporter is credited"
					" only with their consent", i);
		if (json_object_get(p, "report_id") &&
		    json_integer_value(json_object_get(p, "report_case_id")) != case_id)
			return err_setn(e, ERR_INVALID, "report_not_in_case",
					"\"credits[%zu].report_id\" names a report of another case", i);
	}
	*norm = json_array();
	json_array_foreach(v, i, p) {
		json_t *c = json_deep_copy(p);
		char at[TIMEFMT_LEN];

		time_format_utc(now, at);
		json_object_del(c, "report_case_id");
		if (json_object_get(c, "report_id")) {
			/* the reporter's own consent, given with the report */
			json_object_set_new(c, "consent_source", json_string("report"));
		} else {
			json_object_set_new(c, "consent_source", json_string("asserted"));
			json_object_set_new(c, "consent_asserted_by", json_integer(a->a.user_id));
			json_object_set_new(c, "consent_asserted_by_name",
					    json_string(actor_name(a)));
		}
		json_object_set_new(c, "consent_asserted_at", json_string(at));
		json_array_append_new(*norm, c);
	}
	return 0;
}

static int check_references(json_t *v, struct err *e)
{
	static const char *const keys[] = { "url", "summary", NULL };
	size_t i;
	json_t *p;

	if (!json_is_array(v) || json_array_size(v) > 100)
		return err_setn(e, ERR_INVALID, "invalid_field",
				"\"references\" must be an array of at most 100 objects");
	json_array_foreach(v, i, p) {
		const char *url;

		if (!json_is_object(p))
			return err_setn(e, ERR_INVALID, "invalid_field",
					"\"references[%zu]\" must be an object", i);
		if (only_keys(p, keys, "references[]", e) < 0 ||
		    opt_string(p, "url", 2000, 1, "references[]", e) < 0 ||
		    opt_string(p, "summary", 500, 0, "references[]", e) < 0)
			return -1;
		url = json_string_value(json_object_get(p, "url"));
		if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
			return err_setn(e, ERR_INVALID, "invalid_field",
					"\"references[%zu].url\" must be an http(s) URL", i);
	}
	return 0;
}

static int check_ids(json_t *v, struct err *e)
{
	static const char *const keys[] = { "cve", "cnvd", "cnnvd", "nvdb", "aliases", NULL };
	json_t *al, *x;
	size_t i;

	if (!json_is_object(v))
		return err_setn(e, ERR_INVALID, "invalid_field", "\"ids\" must be an object");
	if (only_keys(v, keys, "ids", e) < 0)
		return -1;
	for (int k = 0; k < 4; k++)
		if (opt_string(v, keys[k], 64, 0, "ids", e) < 0)
			return -1;
	al = json_object_get(v, "aliases");
	if (al && !json_is_null(al)) {
		if (!json_is_array(al) || json_array_size(al) > 50)
			return err_setn(e, ERR_INVALID, "invalid_field",
					"\"ids.aliases\" must be an array of at most 50 strings");
		json_array_foreach(al, i, x)
			if (!json_is_string(x) || json_string_length(x) == 0 ||
			    json_string_length(x) > 64)
				return err_setn(e, ERR_INVALID, "invalid_field",
						"\"ids.aliases[%zu]\" must be a short string", i);
	}
	return 0;
}

static int check_attachments(json_t *v, struct err *e)
{
	static const char *const keys[] = { "name", "is_poc", NULL };
	size_t i;
	json_t *p;

	if (!json_is_array(v) || json_array_size(v) > 100)
		return err_setn(e, ERR_INVALID, "invalid_field",
				"\"attachments\" must be an array of at most 100 objects");
	json_array_foreach(v, i, p) {
		json_t *poc = json_object_get(p, "is_poc");

		if (!json_is_object(p))
			return err_setn(e, ERR_INVALID, "invalid_field",
					"\"attachments[%zu]\" must be an object", i);
		if (only_keys(p, keys, "attachments[]", e) < 0 ||
		    opt_string(p, "name", 300, 1, "attachments[]", e) < 0)
			return -1;
		if (poc && !json_is_boolean(poc))
			return err_setn(e, ERR_INVALID, "invalid_field",
					"\"attachments[%zu].is_poc\" must be true or false", i);
	}
	return 0;
}

/* Apply the fields of body to content (see bulletins_patch()); *summary gets
 * the revision summary (borrowed from body) if given. */
static int apply_body(json_t *content, json_t *body, const struct case_actor *a,
		      int64_t case_id, int64_t now, int drafting, const char **summary,
		      struct err *e)
{
	static const char *const keys[] = {
		"title", "summary", "description", "remediation", "workarounds", "lang", "products",
		"severity", "credits", "references", "ids", "cwe", "attachments",
		"revision_summary", "vendor", NULL
	};
	const char *lang = NULL;
	json_t *v, *norm;

	*summary = NULL;
	if (body == NULL)
		return 0;
	if (!json_is_object(body))
		return err_setn(e, ERR_INVALID, "invalid_body", "the body must be a JSON object");
	if (only_keys(body, keys, "", e) < 0)
		return -1;
	if (!drafting && json_object_get(body, "vendor"))
		return err_setn(e, ERR_INVALID, "unknown_field",
				"unknown field \"vendor\" (give products[].vendor)");
	if ((v = json_object_get(body, "lang"))) {
		lang = json_string_value(v);
		if (lang == NULL || (strcmp(lang, "zh-CN") && strcmp(lang, "en")))
			return err_setn(e, ERR_INVALID, "invalid_field",
					"\"lang\" must be \"zh-CN\" or \"en\"");
	}
	if (opt_string(body, "revision_summary", 500, 0, "", e) < 0 ||
	    opt_string(body, "vendor", 200, 0, "", e) < 0 ||
	    opt_string(body, "cwe", 20, 0, "", e) < 0)
		return -1;
	*summary = json_string_value(json_object_get(body, "revision_summary"));
	for (int f = 0; f < GATE_FIELD_COUNT; f++)
		if ((v = json_object_get(body, text_fields[f])) &&
		    apply_text(content, text_fields[f], v, lang, e) < 0)
			return -1;
	if ((v = json_object_get(body, "products"))) {
		if (check_products(v, e) < 0)
			return -1;
		json_object_set(content, "products", v);
	}
	if ((v = json_object_get(body, "severity"))) {
		if (json_is_null(v)) {
			json_object_del(content, "severity");
		} else {
			if (check_severity(v, &norm, e) < 0)
				return -1;
			json_object_set_new(content, "severity", norm);
		}
	}
	if ((v = json_object_get(body, "credits"))) {
		if (check_credits(v, a, case_id, now, &norm, e) < 0)
			return -1;
		json_object_set_new(content, "credits", norm);
	}
	if ((v = json_object_get(body, "references"))) {
		if (check_references(v, e) < 0)
			return -1;
		json_object_set(content, "references", v);
	}
	if ((v = json_object_get(body, "ids"))) {
		if (check_ids(v, e) < 0)
			return -1;
		json_object_set(content, "ids", v);
	}
	if ((v = json_object_get(body, "cwe")))
		json_object_set(content, "cwe", v);
	if ((v = json_object_get(body, "attachments"))) {
		if (check_attachments(v, e) < 0)
			return -1;
		json_object_set(content, "attachments", v);
	}
	return 0;
}

static void set_text_from_case(json_t *content, const char *field, json_t *kase,
			       const char *key)
{
	const char *s = json_string_value(json_object_get(kase, key));
	json_t *t;
	struct err e = ERR_INIT;

	if (s == NULL || s[0] == '\0')
		return;
	if (bulletin_text_parse(&t, json_object_get(kase, key), field, NULL, &e) == 0)
		json_object_set_new(content, field, t);
}

/* The computed scores as the case has them now. */
static void score_from_case(json_t *content, json_t *kase)
{
	json_t *s = json_object(), *cvss = json_object_get(kase, "cvss");

	if (json_is_object(cvss)) {
		json_object_set(s, "cvss_vector", json_object_get(cvss, "vector"));
		json_object_set(s, "cvss_score", json_object_get(cvss, "score"));
	}
	if (json_is_string(json_object_get(kase, "severity")))
		json_object_set(s, "cvss_severity", json_object_get(kase, "severity"));
	if (json_is_string(json_object_get(kase, "gbt_grade")))
		json_object_set(s, "gbt_grade", json_object_get(kase, "gbt_grade"));
	json_object_set_new(content, "score", s);
}

/* Fill (or refresh) content from the case: see bulletins_draft(). */
static void from_case(json_t *content, json_t *kase, const char *vendor)
{
	json_t *products = json_object_get(kase, "products"), *p, *v, *ids, *out;
	const char *sev = json_string_value(json_object_get(kase, "severity"));
	const char *grade = json_string_value(json_object_get(kase, "gbt_grade"));
	size_t i, j;

	if (json_is_string(json_object_get(kase, "title")))
		set_text_from_case(content, "title", kase, "title");
	set_text_from_case(content, "summary", kase, "harm");
	set_text_from_case(content, "description", kase, "technical");
	set_text_from_case(content, "remediation", kase, "remediation");
	set_text_from_case(content, "workarounds", kase, "workarounds");
	if (json_array_size(products) > 0) {
		out = json_array();
		json_array_foreach(products, i, p) {
			json_array_foreach(json_object_get(p, "versions"), j, v) {
				json_t *o = json_object();

				if (vendor)
					json_object_set_new(o, "vendor", json_string(vendor));
				json_object_set(o, "name", json_object_get(p, "name"));
				if (json_is_string(json_object_get(p, "model")))
					json_object_set(o, "model", json_object_get(p, "model"));
				if (json_is_string(json_object_get(p, "purl")))
					json_object_set(o, "purl", json_object_get(p, "purl"));
				json_object_set(o, "version", v);
				json_object_set_new(o, "status", json_string("affected"));
				json_array_append_new(out, o);
			}
		}
		json_object_set_new(content, "products", out);
	} else if (vendor && json_is_array(json_object_get(content, "products"))) {
		json_array_foreach(json_object_get(content, "products"), i, p)
			json_object_set_new(p, "vendor", json_string(vendor));
	}
	if (sev || grade) {
		json_t *s = json_object();
		enum gate_severity g;
		struct err e = ERR_INIT;

		if (sev && gate_severity_from_name(&g, sev, &e) == 0)
			json_object_set_new(s, "cvss", json_string(gate_severity_name(g)));
		if (grade && gate_severity_from_name(&g, grade, &e) == 0 && g != GATE_SEV_NONE)
			json_object_set_new(s, "gbt", json_string(gate_severity_name(g)));
		json_object_set_new(content, "severity", s);
	}
	if (json_is_string(json_object_get(kase, "cwe")))
		json_object_set(content, "cwe", json_object_get(kase, "cwe"));
	ids = json_object_get(kase, "ids");
	if (json_is_object(ids)) {
		json_t *o = json_object();
		const char *k;

		json_object_foreach(ids, k, v)
			if (json_is_string(v))
				json_object_set(o, k, v);
		json_object_set_new(content, "ids", o);
	}
	score_from_case(content, kase);
	if (!json_is_array(json_object_get(content, "credits")))
		json_object_set_new(content, "credits", json_array());
	if (!json_is_array(json_object_get(content, "references")))
		json_object_set_new(content, "references", json_array());
	if (!json_is_array(json_object_get(content, "attachments")))
		json_object_set_new(content, "attachments", json_array());
	if (!json_is_array(json_object_get(content, "products")))
		json_object_set_new(content, "products", json_array());
}

/* The ids the case knows the vulnerability by (CVE, CNVD, CNNVD, NVDB). */
static int known_as(json_t *kase, const char *ident, json_t *aliases)
{
	json_t *ids = json_object_get(kase, "ids"), *v, *x;
	const char *k;
	size_t i;

	json_object_foreach(ids, k, v) {
		if (!json_is_string(v))
			continue;
		if (strcmp(json_string_value(v), ident) == 0)
			return 1;
		json_array_foreach(aliases, i, x)
			if (json_is_string(x) && strcmp(json_string_value(x), json_string_value(v)) == 0)
				return 1;
	}
	return 0;
}

/*
 * VEX from the inventory (issue 6), for the products the case names: for each
 * product (by name and model) and version the inventory knows, the VEX
 * statement of the case's vulnerability (matched by any of the case's ids)
 * and the product's vendor.  An object keyed "name\x1fmodel\x1fversion".
 * Best effort: what the inventory does not know is left as the case says.
 */
static json_t *vex_of_case(struct bulletins *bs, json_t *kase)
{
	json_t *map = json_object(), *p, *v, *prod, *vulns, *x;
	size_t i, j, k;

	if (json_object_size(json_object_get(kase, "ids")) == 0)
		return map;
	json_array_foreach(json_object_get(kase, "products"), i, p) {
		const char *name = json_string_value(json_object_get(p, "name"));
		const char *model = json_string_value(json_object_get(p, "model"));
		const char *vendor;
		int64_t pid;
		struct err e = ERR_INIT;

		if (name == NULL || inventory_product_find(bs->in->db, name, model, &pid, &e) < 0)
			continue;
		if (inventory_product_get(bs->in->db, pid, &prod, &e) < 0)
			continue;
		vendor = json_string_value(json_object_get(prod, "vendor"));
		json_array_foreach(json_object_get(p, "versions"), j, v) {
			char key[700];
			json_t *st = json_object();

			if (!json_is_string(v))
				continue;
			snprintf(key, sizeof(key), "%s\x1f%s\x1f%s", name, model ? model : "",
				 json_string_value(v));
			if (vendor && vendor[0])
				json_object_set_new(st, "vendor", json_string(vendor));
			if (impact_version_vulnerabilities(bs->in->db, pid, json_string_value(v),
							   &vulns, &e) == 0) {
				json_array_foreach(json_object_get(vulns, "vulnerabilities"), k, x) {
					json_t *vex = json_object_get(x, "vex");

					if (!known_as(kase, json_string_value(json_object_get(x, "id")),
						      json_object_get(x, "aliases")))
						continue;
					json_object_set_new(st, "status", json_is_object(vex)
						? json_incref(json_object_get(vex, "status"))
						: json_string("affected"));
					if (json_is_object(vex) &&
					    json_is_string(json_object_get(vex, "justification")))
						json_object_set(st, "justification",
								json_object_get(vex, "justification"));
				}
				json_decref(vulns);
			}
			json_object_set_new(map, key, st);
		}
		json_decref(prod);
	}
	return map;
}

/* Apply vex_of_case()'s map to content's products. */
static void vex_apply(json_t *content, json_t *map)
{
	json_t *p, *st;
	size_t i;

	json_array_foreach(json_object_get(content, "products"), i, p) {
		char key[700];
		const char *model = json_string_value(json_object_get(p, "model"));

		snprintf(key, sizeof(key), "%s\x1f%s\x1f%s",
			 json_string_value(json_object_get(p, "name")), model ? model : "",
			 json_string_value(json_object_get(p, "version")));
		st = json_object_get(map, key);
		if (st == NULL)
			continue;
		if (json_is_string(json_object_get(st, "vendor")) &&
		    !json_is_string(json_object_get(p, "vendor")))
			json_object_set(p, "vendor", json_object_get(st, "vendor"));
		if (json_is_string(json_object_get(st, "status")))
			json_object_set(p, "status", json_object_get(st, "status"));
		if (json_is_string(json_object_get(st, "justification")))
			json_object_set(p, "justification", json_object_get(st, "justification"));
	}
}

/* A new revision of b with content (taken over by b). */
static int new_revision(struct db_conn *c, struct bl *b, json_t *content,
			const struct case_actor *a, const char *summary, int64_t now,
			struct err *e)
{
	struct bulletin_revision_row rv = { 0 };
	char *text;
	int rc;

	json_decref(b->content);
	b->content = content;
	b->revision++;
	b->updated_at = now;
	text = json_dumps(content, JSON_COMPACT | JSON_SORT_KEYS);
	rv.bulletin_id = b->id;
	rv.number = b->revision;
	rv.content = text;
	rv.author_id = a->a.user_id;
	rv.author = actor_name(a);
	rv.at = now;
	rv.summary = summary;
	rc = store_bulletin_revision_add(c, &rv, e);
	if (rc == 0) {
		struct bulletin_row r = bl_to_row(b, text);

		rc = store_bulletin_update(c, &r, e);
	}
	free(text);
	return rc;
}

/* ---------------------------------------------------------------- rendering */

struct rev_list {
	json_t *arr;
	int public_view;
	int64_t last_author;
};

static int rev_row(void *arg, const struct bulletin_revision_row *r, struct err *e)
{
	struct rev_list *l = arg;
	json_t *o = json_object();

	json_object_set_new(o, "number", json_integer(r->number));
	set_time(o, "at", r->at);
	json_object_set_new(o, "summary", r->summary ? json_string(r->summary) : json_null());
	if (!l->public_view) {
		json_object_set_new(o, "author", json_string(r->author));
		json_object_set_new(o, "author_id", r->author_id ? json_integer(r->author_id)
								 : json_null());
	}
	json_array_append_new(l->arr, o);
	l->last_author = r->author_id;
	return 0;
}

static int approval_row(void *arg, const struct bulletin_approval_row *r, struct err *e)
{
	json_t *o = json_object();

	json_object_set_new(o, "revision", json_integer(r->revision));
	json_object_set_new(o, "user_id", json_integer(r->user_id));
	json_object_set_new(o, "actor", json_string(r->actor));
	json_object_set_new(o, "role", json_string(r->role));
	set_time(o, "at", r->at);
	json_object_set_new(o, "comment", r->comment ? json_string(r->comment) : json_null());
	json_array_append_new(arg, o);
	return 0;
}

static int review_row(void *arg, const struct bulletin_review_row *r, struct err *e)
{
	json_t *o = json_object();

	json_object_set_new(o, "revision", json_integer(r->revision));
	json_object_set_new(o, "kind", json_string(r->kind));
	if (r->finding_id)
		json_object_set_new(o, "finding_id", json_string(r->finding_id));
	json_object_set_new(o, "user_id", json_integer(r->user_id));
	json_object_set_new(o, "actor", json_string(r->actor));
	set_time(o, "at", r->at);
	json_object_set_new(o, "note", r->note ? json_string(r->note) : json_null());
	json_array_append_new(arg, o);
	return 0;
}

static int decision_row(void *arg, const struct gate_decision_row *r, struct err *e)
{
	json_t *o = json_object();
	json_error_t je;

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "revision", json_integer(r->revision));
	json_object_set_new(o, "kind", json_string(r->kind));
	json_object_set_new(o, "passed", json_boolean(r->passed));
	set_time(o, "evaluated_for", r->evaluated_for);
	set_time(o, "decided_at", r->decided_at);
	json_object_set_new(o, "actor", json_string(r->actor));
	json_object_set_new(o, "failed", json_loads(r->failed, 0, &je));
	json_array_append_new(arg, o);
	return 0;
}

/* {field: {lang: html}} for the text fields of content. */
static json_t *html_json(json_t *content)
{
	json_t *h = json_object();

	for (int f = 0; f < GATE_FIELD_COUNT; f++) {
		json_t *t = json_object_get(content, text_fields[f]), *o = json_object(), *v;
		const char *k;

		json_object_foreach(t, k, v) {
			char *html = bulletin_markdown_html(json_string_value(v));

			json_object_set_new(o, k, json_string(html ? html : ""));
			free(html);
		}
		json_object_set_new(h, text_fields[f], o);
	}
	return h;
}

static json_t *public_credits(json_t *credits)
{
	json_t *arr = json_array(), *c;
	size_t i;

	json_array_foreach(credits, i, c) {
		json_t *o = json_object();

		json_object_set(o, "name", json_object_get(c, "name"));
		if (json_is_string(json_object_get(c, "organization")))
			json_object_set(o, "organization", json_object_get(c, "organization"));
		json_array_append_new(arr, o);
	}
	return arr;
}

/* The advisory as GET shows it; full adds what only staff see. */
static int bl_json(struct db_conn *c, const struct bl *b, int full, json_t **out,
		   struct err *e)
{
	static const char *const copied[] = { "title", "summary", "description", "remediation",
					       "workarounds", "products", "severity", "score",
					       "references", "ids", "cwe", NULL };
	json_t *o = json_object(), *arr;
	struct rev_list rl = { json_array(), !full, 0 };

	json_object_set_new(o, "id", json_string(b->ident));
	json_object_set_new(o, "state", json_string(b->state));
	json_object_set_new(o, "revision", json_integer(b->revision));
	for (const char *const *k = copied; *k; k++) {
		json_t *v = json_object_get(b->content, *k);

		json_object_set(o, *k, v ? v : json_null());
	}
	json_object_set_new(o, "html", html_json(b->content));
	set_time(o, "published_at", b->published_at);
	set_time(o, "updated_at", b->updated_at);
	json_object_set_new(o, "revisions", rl.arr);
	if (store_bulletin_revisions(c, b->id, rev_row, &rl, e) < 0)
		goto fail;
	if (!full) {
		json_object_set_new(o, "credits",
				    public_credits(json_object_get(b->content, "credits")));
		*out = o;
		return 0;
	}
	json_object_set_new(o, "case_id", json_integer(b->case_id));
	json_object_set(o, "credits", json_object_get(b->content, "credits"));
	json_object_set(o, "attachments", json_object_get(b->content, "attachments"));
	set_time(o, "created_at", b->created_at);
	/* the embargo end: when a scheduled publication is to happen */
	set_time(o, "scheduled_at", b->scheduled_at);
	json_object_set_new(o, "author_id", rl.last_author ? json_integer(rl.last_author)
							   : json_null());
	arr = json_array();
	json_object_set_new(o, "approvals", arr);
	if (store_bulletin_approvals(c, b->id, approval_row, arr, e) < 0)
		goto fail;
	arr = json_array();
	json_object_set_new(o, "reviews", arr);
	if (store_bulletin_reviews(c, b->id, review_row, arr, e) < 0)
		goto fail;
	arr = json_array();
	json_object_set_new(o, "gate_decisions", arr);
	if (store_gate_decisions(c, b->id, 20, decision_row, arr, e) < 0)
		goto fail;
	*out = o;
	return 0;
fail:
	json_decref(o);
	*out = NULL;
	return -1;
}

static int is_staff_view(const struct case_actor *a)
{
	return role_has(a->role, CAP_CASES_READ);
}

int bulletins_get(struct bulletins *bs, const struct case_actor *a, const char *ident,
		  json_t **out, struct err *e)
{
	struct db_conn *c;
	struct bl b;
	int rc = -1;

	*out = NULL;
	if (db_acquire(bs->in->db, &c, 5000, e) < 0)
		return -1;
	if (bl_load(c, a, ident, 0, &b, e) == 0) {
		rc = bl_json(c, &b, is_staff_view(a), out, e);
		bl_free(&b);
	}
	db_release(c);
	return rc;
}

struct lister {
	struct bulletins *bs;
	const struct case_actor *a;
	struct db_conn *c;
	json_t *items;
	int64_t last_id;
	int rows;
};

static int list_row(void *arg, const struct bulletin_row *r, struct err *e)
{
	struct lister *l = arg;
	struct bl b = { 0 };
	json_t *o;

	l->rows++;
	l->last_id = r->id;
	if (bl_row(&b, r, e) < 0)
		return -1;
	if (may_see(l->c, l->a, &b, e) < 0) {
		bl_free(&b);
		if (e->code == ERR_NOT_FOUND) {
			err_clear(e);
			return 0;
		}
		return -1;
	}
	o = json_object();
	json_object_set_new(o, "id", json_string(b.ident));
	json_object_set_new(o, "state", json_string(b.state));
	json_object_set_new(o, "revision", json_integer(b.revision));
	json_object_set(o, "title", json_object_get(b.content, "title")
					    ? json_object_get(b.content, "title") : json_null());
	json_object_set(o, "severity", json_object_get(b.content, "severity")
					       ? json_object_get(b.content, "severity")
					       : json_null());
	json_object_set(o, "ids", json_object_get(b.content, "ids")
					  ? json_object_get(b.content, "ids") : json_null());
	set_time(o, "published_at", b.published_at);
	set_time(o, "updated_at", b.updated_at);
	if (is_staff_view(l->a)) {
		json_object_set_new(o, "case_id", json_integer(b.case_id));
		set_time(o, "scheduled_at", b.scheduled_at);
	}
	json_array_append_new(l->items, o);
	bl_free(&b);
	return 0;
}

int bulletins_list(struct bulletins *bs, const struct case_actor *a,
		   const struct bulletin_list_query *q, json_t **out, struct err *e)
{
	static const char *const states[] = { "draft", "scheduled", "published", "withdrawn",
					       NULL };
	struct lister l = { bs, a, NULL, json_array(), 0, 0 };
	const char *state = q->state;
	int ok = state == NULL, rc;

	*out = NULL;
	for (const char *const *s = states; state && *s; s++)
		ok |= strcmp(*s, state) == 0;
	if (!ok) {
		json_decref(l.items);
		return err_setn(e, ERR_INVALID, "invalid_parameter",
				"\"state\" must be draft, scheduled, published or withdrawn");
	}
	if (!is_staff_view(a))
		state = "published";
	if (db_acquire(bs->in->db, &l.c, 5000, e) < 0) {
		json_decref(l.items);
		return -1;
	}
	rc = store_bulletin_list(l.c, state, q->before, q->limit, list_row, &l, e);
	db_release(l.c);
	if (rc < 0) {
		json_decref(l.items);
		return -1;
	}
	*out = json_pack("{s:o,s:o}", "items", l.items, "next_before",
			 l.rows == q->limit ? json_integer(l.last_id) : json_null());
	return 0;
}

/* ---------------------------------------------------------------- drafting */

static int draft_once(struct bulletins *bs, const struct case_actor *a, int64_t case_id,
		      json_t *body, json_t **out, int *created, struct err *e)
{
	json_t *kase = NULL, *content = NULL, *vex = NULL;
	struct db_conn *c;
	struct bl b = { .skip_withdrawn = 1 };
	struct case_owner owner;
	const char *summary, *vendor;
	int64_t now = time_now_us();
	char ident[BULLETIN_IDENT_LEN] = "";
	int rc = -1;

	*out = NULL;
	*created = 0;
	if (body && !json_is_object(body))
		return err_setn(e, ERR_INVALID, "invalid_body", "the body must be a JSON object");
	vendor = json_string_value(json_object_get(body, "vendor"));
	if (cases_get(bs->cs, a, case_id, &kase, e) < 0)
		return -1;
	vex = vex_of_case(bs, kase);
	if (tx_begin(bs, &c, e) < 0)
		goto out;
	/* the case's row locked: two drafts of one case wait for each other */
	if (store_case_get(c, case_id, 1, case_owner_row, &owner, e) < 0 ||
	    store_bulletins_of_case(c, case_id, bl_row, &b, e) < 0)
		goto end;
	if (b.found && editable(&b, e) < 0)
		goto end;
	content = b.found ? json_deep_copy(b.content) : json_object();
	from_case(content, kase, vendor);
	if (json_array_size(json_object_get(kase, "products")) > 0)
		vex_apply(content, vex);
	if (apply_body(content, body, a, case_id, now, 1, &summary, e) < 0)
		goto end;
	if (!b.found) {
		struct bulletin_row r = { 0 };
		struct bulletin_revision_row rv = { 0 };
		int64_t n;
		char prefix[16], *text;

		snprintf(prefix, sizeof(prefix), "VF-%04d-", bulletin_year_shanghai(now));
		if (store_bulletin_max_number(c, prefix, &n, e) < 0)
			goto end;
		bulletin_ident_format(ident, bulletin_year_shanghai(now), n + 1);
		text = json_dumps(content, JSON_COMPACT | JSON_SORT_KEYS);
		r.ident = ident;
		r.case_id = case_id;
		r.state = "draft";
		r.revision = 1;
		r.content = text;
		r.created_by = a->a.user_id;
		r.created_at = now;
		r.updated_at = now;
		rc = store_bulletin_add(c, &r, &b.id, e);
		if (rc == 0) {
			rv.bulletin_id = b.id;
			rv.number = 1;
			rv.content = text;
			rv.author_id = a->a.user_id;
			rv.author = actor_name(a);
			rv.at = now;
			rv.summary = summary ? summary : "drafted from the case";
			rc = store_bulletin_revision_add(c, &rv, e);
		}
		free(text);
		if (rc < 0)
			goto end;
		snprintf(b.ident, sizeof(b.ident), "%s", ident);
		b.revision = 1;
		b.case_id = case_id;
		rc = audit(c, a, "advisory.draft", &b, json_pack("{s:I}", "case_id",
								  (json_int_t)case_id), e);
		*created = 1;
	} else {
		rc = new_revision(c, &b, content, a, summary ? summary : "drafted again from the case",
				  now, e);
		content = NULL;
		if (rc == 0)
			rc = audit(c, a, "advisory.revise", &b, NULL, e);
		snprintf(ident, sizeof(ident), "%s", b.ident);
	}
end:
	rc = tx_end(c, rc, e);
	if (rc == 0)
		rc = bulletins_get(bs, a, ident, out, e);
out:
	json_decref(content);
	bl_free(&b);
	json_decref(kase);
	json_decref(vex);
	return rc;
}

int bulletins_draft(struct bulletins *bs, const struct case_actor *a, int64_t case_id,
		    json_t *body, json_t **out, int *created, struct err *e)
{
	json_t *b2;
	int rc;

	*out = NULL;
	if (resolve_report_credits(bs, a, body, &b2, e) < 0) {
		json_decref(b2);
		return -1;
	}
	/* two new advisories drafted at once may pick the same number: the
	 * unique ident refuses one, which tries again with the next number */
	for (int attempt = 0;; attempt++) {
		rc = draft_once(bs, a, case_id, b2, out, created, e);
		if (rc == 0 || attempt == 3 || e->code != ERR_CONFLICT ||
		    strcmp(err_name(e), "conflict") != 0)
			break;
		err_clear(e);
	}
	json_decref(b2);
	return rc;
}

int bulletins_patch(struct bulletins *bs, const struct case_actor *a, const char *ident,
		    json_t *body, json_t **out, struct err *e)
{
	struct db_conn *c;
	struct bl b;
	json_t *content = NULL, *body2 = NULL;
	const char *summary;
	int rc;

	*out = NULL;
	if (!json_is_object(body) || json_object_size(body) == 0)
		return err_setn(e, ERR_INVALID, "invalid_body",
				"the body must be a JSON object with the fields to change");
	if (resolve_report_credits(bs, a, body, &body2, e) < 0) {
		json_decref(body2);
		return -1;
	}
	body = body2;
	if (tx_begin(bs, &c, e) < 0) {
		json_decref(body2);
		return -1;
	}
	rc = bl_load(c, a, ident, 1, &b, e);
	if (rc < 0) {
		json_decref(body2);
		return tx_end(c, rc, e);
	}
	rc = editable(&b, e);
	if (rc == 0) {
		content = json_deep_copy(b.content);
		rc = apply_body(content, body, a, b.case_id, time_now_us(), 0, &summary, e);
	}
	if (rc == 0) {
		rc = new_revision(c, &b, content, a, summary, time_now_us(), e);
		content = NULL;
	}
	if (rc == 0)
		rc = audit(c, a, "advisory.revise", &b, NULL, e);
	json_decref(content);
	json_decref(body2);
	bl_free(&b);
	rc = tx_end(c, rc, e);
	if (rc == 0)
		rc = bulletins_get(bs, a, ident, out, e);
	return rc;
}

/* ---------------------------------------------------------------- the gate */

/* What a snapshot points to, kept alive while it is evaluated. */
struct snap {
	struct gate_snapshot s;
	json_t *hold;                  /* an array of strings the snapshot points into */
	struct gate_attachment *att;
	struct gate_recipient *rec;
	size_t nrec, caprec;
	struct gate_blackout *bo;
	size_t nbo, capbo;
	int64_t *appr;
	size_t nappr, capappr;
	const char **cleared;
	size_t ncleared, capcleared;
	int64_t bulletin_id, revision, published_at, author_id;
	int64_t attested_by;
	struct early_release_row steps[4];
};

static const char *hold(struct snap *sp, const char *s)
{
	json_t *v;

	if (s == NULL)
		return NULL;
	v = json_string(s);
	if (v == NULL)
		return NULL;
	json_array_append_new(sp->hold, v);
	return json_string_value(v);
}

static void snap_free(struct snap *sp)
{
	json_decref(sp->hold);
	free(sp->att);
	free(sp->rec);
	free(sp->bo);
	free(sp->appr);
	free(sp->cleared);
}

#define GROW(arr, n, cap) do { \
	if ((n) == (cap)) { \
		(cap) = (cap) ? (cap) * 2 : 8; \
		(arr) = xrealloc((arr), (cap) * sizeof(*(arr))); \
	} \
} while (0)

static int early_row(void *arg, const struct early_release_row *r, struct err *e)
{
	struct snap *sp = arg;

	for (int i = 0; early_steps[i]; i++)
		if (strcmp(r->step, early_steps[i]) == 0) {
			sp->steps[i] = *r;
			sp->steps[i].ref = hold(sp, r->ref);
		}
	return 0;
}

static int notification_row(void *arg, const struct notification_row *n, struct err *e)
{
	struct snap *sp = arg;
	struct gate_recipient *r;

	if (strcmp(n->status, "sent") != 0 && strcmp(n->status, "recorded") != 0)
		return 0;
	/* shares after publication are of disclosed information */
	if (sp->published_at && n->created_at >= sp->published_at)
		return 0;
	GROW(sp->rec, sp->nrec, sp->caprec);
	r = &sp->rec[sp->nrec++];
	r->name = hold(sp, n->recipient_name);
	r->country = hold(sp, n->country);
	r->is_provider = n->is_provider;
	return 0;
}

static int blackout_row(void *arg, const struct blackout_row *r, struct err *e)
{
	struct snap *sp = arg;
	struct gate_blackout *w;

	if (r->end_at <= r->start_at)
		return 0;
	GROW(sp->bo, sp->nbo, sp->capbo);
	w = &sp->bo[sp->nbo++];
	memset(w, 0, sizeof(*w));
	w->start_us = r->start_at;
	w->end_us = r->end_at;
	w->name = hold(sp, r->name);
	/* the window's id, to match consents: kept in the hold array's order */
	json_array_append_new(sp->hold, json_integer(r->id));
	return 0;
}

struct consent_arg {
	struct snap *sp;
	int64_t *ids;                  /* window ids, parallel to sp->bo */
};

static int consent_row(void *arg, const struct blackout_consent_row *r, struct err *e)
{
	struct consent_arg *ca = arg;

	if (r->bulletin_id != 0 && r->bulletin_id != ca->sp->bulletin_id)
		return 0;
	for (size_t i = 0; i < ca->sp->nbo; i++)
		if (ca->ids[i] == r->blackout_id)
			ca->sp->bo[i].mps_consent_ref = hold(ca->sp, r->ref);
	return 0;
}

static int approval_snap(void *arg, const struct bulletin_approval_row *r, struct err *e)
{
	struct snap *sp = arg;

	if (r->revision != sp->revision ||
	    (strcmp(r->role, "coordinator") != 0 && strcmp(r->role, "admin") != 0))
		return 0;
	GROW(sp->appr, sp->nappr, sp->capappr);
	sp->appr[sp->nappr++] = r->user_id;
	return 0;
}

static int review_snap(void *arg, const struct bulletin_review_row *r, struct err *e)
{
	struct snap *sp = arg;

	if (strcmp(r->kind, "attestation") == 0) {
		if (r->revision == sp->revision)
			sp->attested_by = r->user_id;
	} else if (strcmp(r->kind, "clearance") == 0 && r->finding_id) {
		GROW(sp->cleared, sp->ncleared, sp->capcleared);
		sp->cleared[sp->ncleared++] = hold(sp, r->finding_id);
	}
	return 0;
}

static int author_snap(void *arg, const struct bulletin_revision_row *r, struct err *e)
{
	struct snap *sp = arg;

	if (r->number == sp->revision)
		sp->author_id = r->author_id;
	return 0;
}

static enum gate_severity sev_of(const char *name, int allow_none)
{
	enum gate_severity s;
	struct err e = ERR_INIT;

	if (name == NULL || gate_severity_from_name(&s, name, &e) < 0)
		return GATE_SEV_UNSET;
	if (s == GATE_SEV_NONE && !allow_none)
		return GATE_SEV_UNSET;
	return s;
}

/* Fill sp for bulletin b (case kase) at now; reads run on c. */
static int snap_fill(struct snap *sp, struct db_conn *c, const struct bl *b, json_t *kase,
		     int64_t now, struct err *e)
{
	struct gate_snapshot *s = &sp->s;
	json_t *atts = json_object_get(b->content, "attachments"), *x;
	json_t *sev = json_object_get(b->content, "severity");
	const char *workarounds = json_string_value(json_object_get(kase, "workarounds"));
	struct consent_arg ca = { sp, NULL };
	enum case_role role;
	enum case_state state;
	size_t i, k;

	memset(sp, 0, sizeof(*sp));
	sp->hold = json_array();
	sp->bulletin_id = b->id;
	sp->revision = b->revision;
	sp->published_at = b->published_at;
	if (case_role_from_name(&role, json_string_value(json_object_get(kase, "role")), e) < 0 ||
	    case_state_from_name(&state, json_string_value(json_object_get(kase, "state")), e) < 0)
		return -1;
	s->kase.role = role;
	s->kase.state = state;
	s->kase.fix_available = json_is_string(json_object_get(kase, "fix_available_at"));
	s->kase.mitigation_recorded = workarounds && workarounds[0];
	if (store_early_releases(c, b->case_id, early_row, sp, e) < 0)
		return -1;
	{
		struct gate_step *st[4] = { &s->kase.joint_assessment, &s->kase.report_miit,
					    &s->kase.report_mps, &s->kase.authority_assessment };

		for (int j = 0; j < 4; j++) {
			st[j]->at_us = sp->steps[j].at;
			st[j]->ref = sp->steps[j].ref;
		}
	}
	for (int f = 0; f < GATE_FIELD_COUNT; f++)
		for (int l = 0; l < GATE_LANG_COUNT; l++)
			s->advisory.text[f][l] = json_string_value(
				json_object_get(json_object_get(b->content, text_fields[f]), langs[l]));
	s->advisory.stated_cvss = sev_of(json_string_value(json_object_get(sev, "cvss")), 1);
	s->advisory.stated_gbt = sev_of(json_string_value(json_object_get(sev, "gbt")), 0);
	s->advisory.cvss = sev_of(json_string_value(json_object_get(kase, "severity")), 1);
	s->advisory.gbt = sev_of(json_string_value(json_object_get(kase, "gbt_grade")), 0);
	if (json_array_size(atts) > 0) {
		sp->att = xcalloc(json_array_size(atts), sizeof(*sp->att));
		json_array_foreach(atts, i, x) {
			sp->att[i].name = json_string_value(json_object_get(x, "name"));
			sp->att[i].is_poc = json_is_true(json_object_get(x, "is_poc"));
		}
		s->advisory.attachments = sp->att;
		s->advisory.n_attachments = json_array_size(atts);
	}
	if (store_notifications(c, b->case_id, notification_row, sp, e) < 0)
		return -1;
	s->advisory.recipients = sp->rec;
	s->advisory.n_recipients = sp->nrec;
	if (store_bulletin_reviews(c, b->id, review_snap, sp, e) < 0)
		return -1;
	s->advisory.attested_by = sp->attested_by;
	s->advisory.cleared = sp->cleared;
	s->advisory.n_cleared = sp->ncleared;
	k = json_array_size(sp->hold);
	if (store_blackouts(c, 0, blackout_row, sp, e) < 0)
		return -1;
	if (sp->nbo > 0) {
		/* the window ids were appended to hold after each window's name */
		size_t w = 0;

		ca.ids = xcalloc(sp->nbo, sizeof(*ca.ids));
		for (i = k; i < json_array_size(sp->hold) && w < sp->nbo; i++)
			if (json_is_integer(json_array_get(sp->hold, i)))
				ca.ids[w++] = json_integer_value(json_array_get(sp->hold, i));
		if (store_blackout_consents(c, 0, consent_row, &ca, e) < 0) {
			free(ca.ids);
			return -1;
		}
		free(ca.ids);
	}
	s->blackouts = sp->bo;
	s->n_blackouts = sp->nbo;
	if (store_bulletin_approvals(c, b->id, approval_snap, sp, e) < 0 ||
	    store_bulletin_revisions(c, b->id, author_snap, sp, e) < 0)
		return -1;
	s->approvals = sp->appr;
	s->n_approvals = sp->nappr;
	s->author_id = sp->author_id;
	s->now_us = now;
	return 0;
}

static json_t *label_json(const struct gate_label *l)
{
	return json_pack("{s:s,s:s,s:s}", "id", l->id, "zh", l->zh, "en", l->en);
}

static json_t *rule_json(const struct gate_rule_result *res)
{
	const struct gate_label *rl = gate_rule_label(res->rule);
	json_t *o = json_object(), *missing = json_array(), *findings = json_array();

	json_object_set_new(o, "rule", json_string(rl->id));
	json_object_set_new(o, "article", json_string(gate_rule_article(res->rule)));
	json_object_set_new(o, "label", json_pack("{s:s,s:s}", "zh", rl->zh, "en", rl->en));
	json_object_set_new(o, "passed", json_boolean(res->passed));
	json_object_set_new(o, "basis", res->basis ? label_json(res->basis) : json_null());
	if (res->basis && res->basis_index != GATE_NO_INDEX)
		json_object_set_new(json_object_get(o, "basis"), "index",
				    json_integer((json_int_t)res->basis_index));
	for (size_t j = 0; j < res->n_missing; j++) {
		json_t *m = label_json(res->missing[j].label);

		json_object_set_new(m, "index", res->missing[j].index == GATE_NO_INDEX
							? json_null()
							: json_integer((json_int_t)res->missing[j].index));
		json_array_append_new(missing, m);
	}
	for (size_t j = 0; j < res->n_findings; j++) {
		const struct gate_finding *f = &res->findings[j];

		json_array_append_new(findings, json_pack(
			"{s:s,s:s,s:s,s:I,s:I,s:s,s:s,s:b}", "id", f->id, "rule", rl->id,
			"field", gate_field_name(f->field, f->lang), "offset", (json_int_t)f->offset,
			"len", (json_int_t)f->len, "kind", f->kind, "excerpt", f->excerpt,
			"cleared", f->cleared));
	}
	json_object_set_new(o, "missing", missing);
	json_object_set_new(o, "findings", findings);
	return o;
}

static json_t *report_json(const struct bl *b, const struct gate_report *r)
{
	json_t *o = json_object(), *rules = json_array();

	json_object_set_new(o, "advisory", json_string(b->ident));
	json_object_set_new(o, "revision", json_integer(b->revision));
	json_object_set_new(o, "passed", json_boolean(r->passed));
	set_time(o, "evaluated_at", r->now_us);
	for (int i = 0; i < GATE_RULE_COUNT; i++)
		json_array_append_new(rules, rule_json(&r->rules[i]));
	json_object_set_new(o, "rules", rules);
	return o;
}

static json_t *failed_ids(const struct gate_report *r)
{
	json_t *arr = json_array();

	for (int i = 0; i < GATE_RULE_COUNT; i++)
		if (!r->rules[i].passed)
			json_array_append_new(arr, json_string(gate_rule_label(r->rules[i].rule)->id));
	return arr;
}

static int log_decision(struct db_conn *c, const struct case_actor *a, const struct bl *b,
			const char *kind, json_t *report, const struct gate_report *r,
			int64_t *id, struct err *e)
{
	struct gate_decision_row d = { 0 };
	json_t *failed = failed_ids(r);
	char *ftext = json_dumps(failed, JSON_COMPACT);
	char *rtext = json_dumps(report, JSON_COMPACT | JSON_SORT_KEYS);
	int rc;

	d.bulletin_id = b->id;
	d.revision = b->revision;
	d.kind = kind;
	d.passed = r->passed;
	d.evaluated_for = r->now_us;
	d.decided_at = time_now_us();
	d.actor_id = a->a.user_id;
	d.actor = actor_name(a);
	d.failed = ftext;
	d.report = rtext;
	rc = store_gate_decision_add(c, &d, id, e);
	if (rc == 0)
		rc = audit(c, a, strcmp(kind, "dry_run") == 0 ? "advisory.gate"
				 : r->passed ? "advisory.gate_passed" : "advisory.gate_refused",
			   b, json_pack("{s:s,s:b,s:o,s:I}", "kind", kind, "passed", r->passed,
					"failed", failed, "decision_id", (json_int_t)*id),
			   e);
	else
		json_decref(failed);
	free(ftext);
	free(rtext);
	return rc;
}

/* The bulletin's case id, after checking a may see the bulletin. */
static int case_of(struct bulletins *bs, const struct case_actor *a, const char *ident,
		   int64_t *case_id, struct err *e)
{
	struct db_conn *c;
	struct bl b;
	int rc;

	if (db_acquire(bs->in->db, &c, 5000, e) < 0)
		return -1;
	rc = bl_load(c, a, ident, 0, &b, e);
	if (rc == 0)
		*case_id = b.case_id;
	bl_free(&b);
	db_release(c);
	return rc;
}

static int doc_fill(struct bulletin_doc **out, struct bulletins *bs, struct db_conn *c,
		    const struct bl *b, const char *lang, struct err *e);

/* The language of b's feed document: zh-CN when its title has zh-CN text, else en. */
static const char *feed_lang(const struct bl *b)
{
	const char *zh = json_string_value(json_object_get(json_object_get(b->content, "title"),
							   "zh-CN"));

	return zh && zh[0] ? "zh-CN" : "en";
}

/* Export b (just published, on c) for the feeds: bulletin_feed_export(). */
static int export_now(struct bulletins *bs, struct db_conn *c, const struct bl *b, int64_t now,
		      json_t **info, struct err *e)
{
	struct bulletin_doc *d;
	int rc;

	*info = NULL;
	if (doc_fill(&d, bs, c, b, feed_lang(b), e) < 0)
		return -1;
	rc = bulletin_feed_export(bs, c, d, b->id, b->revision, now, info, e);
	bulletin_doc_free(d);
	return rc;
}

enum run_kind { RUN_DRY, RUN_PUBLISH, RUN_SCHEDULE, RUN_SCHEDULED };

static const char *const run_names[] = { "dry_run", "publish", "schedule", "scheduled_run" };

/*
 * Evaluate the gate for ident at now and log the decision.  RUN_PUBLISH and
 * RUN_SCHEDULED publish when it passes (RUN_SCHEDULED: only if still
 * scheduled and due; else *skipped); a refused RUN_SCHEDULED goes back to
 * draft.  RUN_SCHEDULE sets the schedule to now (the gate run is a preview).
 * *report gets the report JSON, *passed the verdict.
 */
static int run_gate(struct bulletins *bs, const struct case_actor *a, const char *ident,
		    enum run_kind kind, int64_t now, json_t **report, int *passed, int *skipped,
		    struct err *e)
{
	struct db_conn *c;
	struct bl b;
	struct snap sp;
	struct gate_report *r = NULL;
	json_t *kase = NULL, *feed = NULL;
	int64_t case_id = 0, decision = 0, real_now = time_now_us();
	char published[128] = "";      /* its ident once published, for on_published */
	int rc;

	*report = NULL;
	*passed = 0;
	if (skipped)
		*skipped = 0;
	if (case_of(bs, a, ident, &case_id, e) < 0 || cases_get(bs->cs, a, case_id, &kase, e) < 0)
		return -1;
	if (tx_begin(bs, &c, e) < 0) {
		json_decref(kase);
		return -1;
	}
	rc = bl_load(c, a, ident, 1, &b, e);
	if (rc < 0) {
		json_decref(kase);
		return tx_end(c, rc, e);
	}
	memset(&sp, 0, sizeof(sp));
	if (kind == RUN_SCHEDULED &&
	    (strcmp(b.state, "scheduled") != 0 || b.scheduled_at == 0 || b.scheduled_at > now)) {
		*skipped = 1;
		goto end;
	}
	if (kind != RUN_DRY && (rc = editable(&b, e)) < 0)
		goto end;
	if ((rc = snap_fill(&sp, c, &b, kase, now, e)) < 0 ||
	    (rc = gate_evaluate(&r, &sp.s, e)) < 0)
		goto end;
	*passed = r->passed;
	*report = report_json(&b, r);
	if ((rc = log_decision(c, a, &b, run_names[kind], *report, r, &decision, e)) < 0)
		goto end;
	json_object_set_new(*report, "decision_id", json_integer(decision));
	if (kind == RUN_SCHEDULE) {
		snprintf(b.state, sizeof(b.state), "scheduled");
		b.scheduled_at = now;
		b.scheduled_by = a->a.user_id;
		b.updated_at = real_now;
		rc = bl_save(c, &b, e);
		if (rc == 0)
			rc = audit(c, a, "advisory.schedule", &b, json_pack("{s:I}", "at",
									    (json_int_t)now), e);
	} else if ((kind == RUN_PUBLISH || kind == RUN_SCHEDULED) && r->passed) {
		struct case_event_row ev = { 0 };
		json_t *detail = json_pack("{s:s,s:I}", "advisory", b.ident, "revision",
					   (json_int_t)b.revision);
		char *dtext = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
		int64_t ev_id;

		snprintf(b.state, sizeof(b.state), "published");
		b.published_at = real_now;
		b.scheduled_at = 0;
		b.updated_at = real_now;
		rc = bl_save(c, &b, e);
		/* the feed's documents are made now, in this transaction: what the
		 * feed serves is exactly what was published (and signed) */
		if (rc == 0)
			rc = export_now(bs, c, &b, real_now, &feed, e);
		if (rc == 0) {
			json_object_set(detail, "signer", json_object_get(feed, "signer"));
			json_object_set_new(*report, "export", feed);
			feed = NULL;
		}
		ev.case_id = b.case_id;
		ev.kind = "advisory_published";
		ev.at = real_now;
		ev.actor_id = a->a.user_id;
		ev.actor = actor_name(a);
		ev.detail = dtext;
		if (rc == 0)
			rc = store_case_event_add(c, &ev, &ev_id, e);
		if (rc == 0)
			rc = audit(c, a, "advisory.publish", &b, detail, e);
		else
			json_decref(detail);
		free(dtext);
		snprintf(published, sizeof(published), "%s", b.ident);
	} else if (kind == RUN_SCHEDULED) {
		/* refused at its moment: back to draft, the refusal logged */
		snprintf(b.state, sizeof(b.state), "draft");
		b.scheduled_at = 0;
		b.updated_at = real_now;
		rc = bl_save(c, &b, e);
	}
end:
	json_decref(feed);
	gate_report_free(r);
	snap_free(&sp);
	bl_free(&b);
	json_decref(kase);
	rc = tx_end(c, rc, e);
	if (rc < 0) {
		json_decref(*report);
		*report = NULL;
	} else if (published[0] && bs->on_published != NULL) {
		bs->on_published(bs->on_published_arg, published, case_id, real_now);
	}
	return rc;
}

void bulletins_on_published(struct bulletins *bs, bulletins_published_fn *fn, void *arg)
{
	bs->on_published = fn;
	bs->on_published_arg = arg;
}

int bulletins_gate(struct bulletins *bs, const struct case_actor *a, const char *ident,
		   json_t **out, struct err *e)
{
	int passed;

	return run_gate(bs, a, ident, RUN_DRY, time_now_us(), out, &passed, NULL, e);
}

static int refusal(json_t *report, json_t **refused, struct err *e)
{
	json_t *rules = json_array(), *x;
	size_t i;
	char names[200] = "";
	size_t used = 0;

	json_array_foreach(json_object_get(report, "rules"), i, x) {
		if (json_is_true(json_object_get(x, "passed")))
			continue;
		json_array_append(rules, x);
		used += (size_t)snprintf(names + used, used < sizeof(names) ? sizeof(names) - used : 0,
					 "%s%s", used ? ", " : "",
					 json_string_value(json_object_get(x, "rule")));
		if (used >= sizeof(names))
			used = sizeof(names) - 1;
	}
	if (refused)
		*refused = rules;
	else
		json_decref(rules);
	return err_setn(e, ERR_CONFLICT, "gate_refused",
			"the publication gate refused: %s", names);
}

int bulletins_publish(struct bulletins *bs, const struct case_actor *a, const char *ident,
		      json_t *body, json_t **out, json_t **refused, struct err *e)
{
	static const char *const keys[] = { "at", "cancel", NULL };
	json_t *at = json_object_get(body, "at"), *report = NULL;
	int64_t now = time_now_us(), when = 0;
	int passed, rc;

	*out = NULL;
	if (refused)
		*refused = NULL;
	if (body && (!json_is_object(body) || only_keys(body, keys, "", e) < 0))
		return e->code ? -1 : err_setn(e, ERR_INVALID, "invalid_body",
					       "the body must be a JSON object");
	if (at && !json_is_null(at) &&
	    (!json_is_string(at) || time_parse_rfc3339(json_string_value(at), &when) < 0))
		return err_setn(e, ERR_INVALID, "invalid_field", "\"at\" must be RFC 3339");
	if (json_is_true(json_object_get(body, "cancel"))) {
		struct db_conn *c;
		struct bl b;

		if (tx_begin(bs, &c, e) < 0)
			return -1;
		rc = bl_load(c, a, ident, 1, &b, e);
		if (rc == 0 && strcmp(b.state, "scheduled") != 0)
			rc = err_setn(e, ERR_CONFLICT, "not_scheduled",
				      "advisory \"%s\" is not scheduled", ident);
		if (rc == 0) {
			snprintf(b.state, sizeof(b.state), "draft");
			b.scheduled_at = 0;
			b.updated_at = now;
			rc = bl_save(c, &b, e);
		}
		if (rc == 0)
			rc = audit(c, a, "advisory.unschedule", &b, NULL, e);
		if (b.content)
			bl_free(&b);
		if (tx_end(c, rc, e) < 0)
			return -1;
		return bulletins_get(bs, a, ident, out, e);
	}
	if (when > now) {
		if (run_gate(bs, a, ident, RUN_SCHEDULE, when, &report, &passed, NULL, e) < 0)
			return -1;
		if (bulletins_get(bs, a, ident, out, e) < 0) {
			json_decref(report);
			return -1;
		}
		json_object_set_new(*out, "gate_preview", report);
		return 0;
	}
	if (run_gate(bs, a, ident, RUN_PUBLISH, now, &report, &passed, NULL, e) < 0)
		return -1;
	if (!passed) {
		rc = refusal(report, refused, e);
		json_decref(report);
		return rc;
	}
	if (bulletins_get(bs, a, ident, out, e) < 0) {
		json_decref(report);
		return -1;
	}
	json_object_set_new(*out, "gate", report);
	return 0;
}


static int due_row(void *arg, const struct bulletin_row *r, struct err *e)
{
	json_array_append_new(arg, json_string(r->ident));
	return 0;
}

int bulletins_run_scheduled(struct bulletins *bs, int64_t now, int *published, int *refused,
			    struct err *e)
{
	struct case_actor sys = { { 0, "system", NULL }, ROLE_ADMIN };
	json_t *idents = json_array(), *x, *report;
	struct db_conn *c;
	size_t i;
	int passed, skipped, rc;

	*published = *refused = 0;
	if (db_acquire(bs->in->db, &c, 5000, e) < 0) {
		json_decref(idents);
		return -1;
	}
	rc = store_bulletin_due(c, now, 100, due_row, idents, e);
	db_release(c);
	json_array_foreach(idents, i, x) {
		struct err e1 = ERR_INIT;

		if (rc < 0)
			break;
		if (run_gate(bs, &sys, json_string_value(x), RUN_SCHEDULED, now, &report, &passed,
			     &skipped, &e1) < 0) {
			/* one advisory's failure does not stop the others: report the first */
			if (e->code == ERR_NONE)
				*e = e1;
			continue;
		}
		json_decref(report);
		if (!skipped) {
			*published += passed;
			*refused += !passed;
		}
	}
	json_decref(idents);
	return rc < 0 || e->code != ERR_NONE ? -1 : 0;
}

/* ---------------------------------------------------------------- approvals, reviews */

static int may_publish(const struct case_actor *a, struct err *e)
{
	if (a->role != ROLE_COORDINATOR && a->role != ROLE_ADMIN)
		return err_setn(e, ERR_FORBIDDEN, "forbidden",
				"only a coordinator or an administrator may do this");
	if (a->a.user_id == 0)
		return err_setn(e, ERR_FORBIDDEN, "user_required",
				"this needs a user: an approval or review is personal");
	return 0;
}

int bulletins_approve(struct bulletins *bs, const struct case_actor *a, const char *ident,
		      json_t *body, json_t **out, struct err *e)
{
	static const char *const keys[] = { "comment", NULL };
	struct bulletin_approval_row ap = { 0 };
	struct snap sp;
	struct db_conn *c;
	struct bl b;
	int rc;

	*out = NULL;
	if (may_publish(a, e) < 0)
		return -1;
	if (body && (!json_is_object(body) || only_keys(body, keys, "", e) < 0 ||
		     opt_string(body, "comment", 2000, 0, "", e) < 0))
		return e->code ? -1 : err_setn(e, ERR_INVALID, "invalid_body",
					       "the body must be a JSON object");
	if (tx_begin(bs, &c, e) < 0)
		return -1;
	rc = bl_load(c, a, ident, 1, &b, e);
	if (rc < 0)
		return tx_end(c, rc, e);
	memset(&sp, 0, sizeof(sp));
	sp.revision = b.revision;
	rc = editable(&b, e);
	if (rc == 0)
		rc = store_bulletin_revisions(c, b.id, author_snap, &sp, e);
	if (rc == 0 && sp.author_id == a->a.user_id)
		rc = err_setn(e, ERR_CONFLICT, "approver_is_author",
			      "the author of revision %lld cannot approve it (two-person rule)",
			      (long long)b.revision);
	if (rc == 0) {
		ap.bulletin_id = b.id;
		ap.revision = b.revision;
		ap.user_id = a->a.user_id;
		ap.actor = actor_name(a);
		ap.role = role_name(a->role);
		ap.at = time_now_us();
		ap.comment = json_string_value(json_object_get(body, "comment"));
		rc = store_bulletin_approval_add(c, &ap, e);
		if (rc < 0 && e->code == ERR_CONFLICT)
			err_setn(e, ERR_CONFLICT, "already_approved",
				 "you approved revision %lld already", (long long)b.revision);
	}
	if (rc == 0)
		rc = audit(c, a, "advisory.approve", &b, NULL, e);
	bl_free(&b);
	if (tx_end(c, rc, e) < 0)
		return -1;
	return bulletins_get(bs, a, ident, out, e);
}

int bulletins_review(struct bulletins *bs, const struct case_actor *a, const char *ident,
		     json_t *body, json_t **out, struct err *e)
{
	static const char *const keys[] = { "attest", "clear", "note", NULL };
	json_t *clear = json_object_get(body, "clear"), *attest = json_object_get(body, "attest");
	json_t *kase = NULL, *x;
	struct gate_report *r = NULL;
	struct snap sp;
	struct db_conn *c;
	struct bl b;
	int64_t case_id = 0, now = time_now_us();
	size_t i;
	int rc;

	*out = NULL;
	memset(&sp, 0, sizeof(sp));
	if (may_publish(a, e) < 0)
		return -1;
	if (!json_is_object(body) || only_keys(body, keys, "", e) < 0 ||
	    opt_string(body, "note", 2000, 0, "", e) < 0)
		return e->code ? -1 : err_setn(e, ERR_INVALID, "invalid_body",
					       "the body must be a JSON object");
	if (attest && !json_is_boolean(attest))
		return err_setn(e, ERR_INVALID, "invalid_field", "\"attest\" must be true or false");
	if (clear && (!json_is_array(clear) || json_array_size(clear) > 1000))
		return err_setn(e, ERR_INVALID, "invalid_field",
				"\"clear\" must be an array of finding ids");
	json_array_foreach(clear, i, x)
		if (!json_is_string(x) || json_string_length(x) != GATE_FINDING_ID_LEN - 1)
			return err_setn(e, ERR_INVALID, "invalid_field",
					"\"clear[%zu]\" must be a finding id (32 hex digits)", i);
	if (!json_is_true(attest) && json_array_size(clear) == 0)
		return err_setn(e, ERR_INVALID, "nothing_to_review",
				"give \"attest\": true and/or \"clear\": [finding ids]");
	if (case_of(bs, a, ident, &case_id, e) < 0 || cases_get(bs->cs, a, case_id, &kase, e) < 0)
		return -1;
	if (tx_begin(bs, &c, e) < 0) {
		json_decref(kase);
		return -1;
	}
	rc = bl_load(c, a, ident, 1, &b, e);
	if (rc < 0) {
		json_decref(kase);
		return tx_end(c, rc, e);
	}
	if ((rc = editable(&b, e)) < 0 || (rc = snap_fill(&sp, c, &b, kase, now, e)) < 0 ||
	    (rc = gate_evaluate(&r, &sp.s, e)) < 0)
		goto end;
	if (json_is_true(attest) && sp.author_id == a->a.user_id) {
		rc = err_setn(e, ERR_CONFLICT, "attester_is_author",
			      "the author of revision %lld cannot attest it (Art. 9(3) review)",
			      (long long)b.revision);
		goto end;
	}
	json_array_foreach(clear, i, x) {
		const char *id = json_string_value(x);
		int known = 0;

		for (int k = 0; k < GATE_RULE_COUNT && !known; k++)
			for (size_t j = 0; j < r->rules[k].n_findings && !known; j++)
				known = strcmp(r->rules[k].findings[j].id, id) == 0;
		if (!known) {
			rc = err_setn(e, ERR_INVALID, "unknown_finding",
				      "\"%s\" is not a finding of revision %lld", id,
				      (long long)b.revision);
			goto end;
		}
	}
	{
		struct bulletin_review_row rv = { 0 };

		rv.bulletin_id = b.id;
		rv.revision = b.revision;
		rv.user_id = a->a.user_id;
		rv.actor = actor_name(a);
		rv.at = now;
		rv.note = json_string_value(json_object_get(body, "note"));
		if (json_is_true(attest)) {
			rv.kind = "attestation";
			if ((rc = store_bulletin_review_add(c, &rv, e)) < 0)
				goto end;
		}
		rv.kind = "clearance";
		json_array_foreach(clear, i, x) {
			rv.finding_id = json_string_value(x);
			if ((rc = store_bulletin_review_add(c, &rv, e)) < 0)
				goto end;
		}
	}
	rc = audit(c, a, "advisory.review", &b,
		   json_pack("{s:b,s:o}", "attest", json_is_true(attest), "cleared",
			     clear ? json_incref(clear) : json_array()), e);
end:
	gate_report_free(r);
	snap_free(&sp);
	bl_free(&b);
	json_decref(kase);
	if (tx_end(c, rc, e) < 0)
		return -1;
	return bulletins_get(bs, a, ident, out, e);
}

/* ---------------------------------------------------------------- early release */

struct early_json {
	json_t *steps, *history;
};

static int early_json_row(void *arg, const struct early_release_row *r, struct err *e)
{
	struct early_json *ej = arg;
	json_t *o = json_object();

	json_object_set_new(o, "step", json_string(r->step));
	set_time(o, "at", r->at);
	json_object_set_new(o, "ref", json_string(r->ref));
	json_object_set_new(o, "note", r->note ? json_string(r->note) : json_null());
	set_time(o, "recorded_at", r->recorded_at);
	json_object_set_new(o, "recorded_by", json_string(r->actor));
	json_array_append(ej->history, o);
	json_object_set_new(ej->steps, r->step, o);
	return 0;
}

static int early_json(struct db_conn *c, int64_t case_id, json_t **out, struct err *e)
{
	struct early_json ej = { json_object(), json_array() };
	int complete = 1;

	*out = NULL;
	for (int i = 0; early_steps[i]; i++)
		json_object_set_new(ej.steps, early_steps[i], json_null());
	if (store_early_releases(c, case_id, early_json_row, &ej, e) < 0) {
		json_decref(ej.steps);
		json_decref(ej.history);
		return -1;
	}
	for (int i = 0; early_steps[i]; i++)
		complete &= !json_is_null(json_object_get(ej.steps, early_steps[i]));
	*out = json_pack("{s:I,s:o,s:b,s:o}", "case_id", (json_int_t)case_id, "steps", ej.steps,
			 "complete", complete, "history", ej.history);
	return 0;
}

static int check_step(json_t *s, int64_t now, int64_t *at, struct err *e)
{
	static const char *const keys[] = { "step", "at", "ref", "note", NULL };
	const char *step;
	int ok = 0;

	if (!json_is_object(s))
		return err_setn(e, ERR_INVALID, "invalid_field", "a step must be an object");
	if (only_keys(s, keys, "", e) < 0 || opt_string(s, "step", 40, 1, "step", e) < 0 ||
	    opt_string(s, "at", 64, 1, "step", e) < 0 || opt_string(s, "ref", 200, 1, "step", e) < 0 ||
	    opt_string(s, "note", 2000, 0, "step", e) < 0)
		return -1;
	step = json_string_value(json_object_get(s, "step"));
	for (int i = 0; early_steps[i]; i++)
		ok |= strcmp(early_steps[i], step) == 0;
	if (!ok)
		return err_setn(e, ERR_INVALID, "invalid_field",
				"\"step\" must be joint_assessment, report_miit, report_mps or"
				" authority_assessment");
	if (time_parse_rfc3339(json_string_value(json_object_get(s, "at")), at) < 0)
		return err_setn(e, ERR_INVALID, "invalid_field", "\"at\" must be RFC 3339");
	if (*at > now)
		return err_setn(e, ERR_INVALID, "at_in_future",
				"\"at\" is in the future: record a step once it has happened");
	return 0;
}

int bulletins_early_release(struct bulletins *bs, const struct case_actor *a, int64_t case_id,
			    json_t *body, json_t **out, struct err *e)
{
	json_t *steps, *kase = NULL, *s;
	struct db_conn *c;
	int64_t now = time_now_us(), at;
	size_t i;
	int rc = 0;

	*out = NULL;
	if (!role_has(a->role, CAP_CASES_WRITE))
		return err_setn(e, ERR_FORBIDDEN, "forbidden", "role may not change cases");
	if (!json_is_object(body))
		return err_setn(e, ERR_INVALID, "invalid_body", "the body must be a JSON object");
	steps = json_object_get(body, "steps");
	if (steps) {
		if (json_object_size(body) != 1 || !json_is_array(steps) ||
		    json_array_size(steps) == 0 || json_array_size(steps) > 4)
			return err_setn(e, ERR_INVALID, "invalid_field",
					"\"steps\" must be an array of 1 to 4 steps, alone");
		json_incref(steps);
	} else {
		steps = json_pack("[O]", body);
	}
	json_array_foreach(steps, i, s)
		if (check_step(s, now, &at, e) < 0) {
			json_decref(steps);
			return -1;
		}
	if (cases_get(bs->cs, a, case_id, &kase, e) < 0) {
		json_decref(steps);
		return -1;
	}
	json_decref(kase);
	if (tx_begin(bs, &c, e) < 0) {
		json_decref(steps);
		return -1;
	}
	json_array_foreach(steps, i, s) {
		struct early_release_row r = { 0 };
		struct case_event_row ev = { 0 };
		char *dtext;
		int64_t id, ev_id;

		check_step(s, now, &at, e);
		r.case_id = case_id;
		r.step = json_string_value(json_object_get(s, "step"));
		r.at = at;
		r.ref = json_string_value(json_object_get(s, "ref"));
		r.note = json_string_value(json_object_get(s, "note"));
		r.recorded_at = now;
		r.recorded_by = a->a.user_id;
		r.actor = actor_name(a);
		if ((rc = store_early_release_add(c, &r, &id, e)) < 0)
			break;
		dtext = json_dumps(s, JSON_COMPACT | JSON_SORT_KEYS);
		ev.case_id = case_id;
		ev.kind = "early_release";
		ev.at = now;
		ev.actor_id = a->a.user_id;
		ev.actor = actor_name(a);
		ev.detail = dtext;
		rc = store_case_event_add(c, &ev, &ev_id, e);
		free(dtext);
		if (rc == 0)
			rc = audit_record(c, &a->a, "case.early_release", "case", case_id,
					  json_deep_copy(s), e);
		if (rc < 0)
			break;
	}
	json_decref(steps);
	if (tx_end(c, rc, e) < 0)
		return -1;
	if (db_acquire(bs->in->db, &c, 5000, e) < 0)
		return -1;
	rc = early_json(c, case_id, out, e);
	db_release(c);
	return rc;
}

/* ---------------------------------------------------------------- blackouts */

struct windows {
	json_t *items;
};

static int window_row(void *arg, const struct blackout_row *r, struct err *e)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "name", json_string(r->name));
	set_time(o, "start", r->start_at);
	set_time(o, "end", r->end_at);
	json_object_set_new(o, "note", r->note ? json_string(r->note) : json_null());
	set_time(o, "created_at", r->created_at);
	json_object_set_new(o, "consents", json_array());
	json_array_append_new(arg, o);
	return 0;
}

struct consent_json {
	json_t *items;
	struct db_conn *c;
};

static int consent_json_row(void *arg, const struct blackout_consent_row *r, struct err *e)
{
	json_t *items = arg, *w;
	size_t i;

	json_array_foreach(items, i, w) {
		json_t *o;

		if (json_integer_value(json_object_get(w, "id")) != r->blackout_id)
			continue;
		o = json_object();
		json_object_set_new(o, "id", json_integer(r->id));
		json_object_set_new(o, "ref", json_string(r->ref));
		set_time(o, "at", r->at);
		json_object_set_new(o, "advisory", r->advisory ? json_string(r->advisory)
							       : json_null());
		set_time(o, "recorded_at", r->recorded_at);
		json_array_append_new(json_object_get(w, "consents"), o);
	}
	return 0;
}

static int windows_json(struct db_conn *c, int64_t id, int64_t ends_after, json_t **out,
			struct err *e)
{
	json_t *items = json_array();
	int rc;

	*out = NULL;
	rc = id ? store_blackout_get(c, id, window_row, items, e)
		: store_blackouts(c, ends_after, window_row, items, e);
	if (rc == 0)
		rc = store_blackout_consents(c, id, consent_json_row, items, e);
	if (rc < 0) {
		json_decref(items);
		return -1;
	}
	if (id) {
		*out = json_incref(json_array_get(items, 0));
		json_decref(items);
	} else {
		*out = json_pack("{s:o}", "items", items);
	}
	return 0;
}

int bulletins_blackouts(struct bulletins *bs, const struct case_actor *a, int all,
			json_t **out, struct err *e)
{
	struct db_conn *c;
	int rc;

	if (db_acquire(bs->in->db, &c, 5000, e) < 0)
		return -1;
	rc = windows_json(c, 0, all ? 0 : time_now_us(), out, e);
	db_release(c);
	return rc;
}

/* Add a consent {"ref","at","advisory"} to window id. */
static int consent_add(struct db_conn *c, const struct case_actor *a, int64_t id, json_t *body,
		       struct err *e)
{
	static const char *const keys[] = { "ref", "at", "advisory", NULL };
	struct blackout_consent_row r = { 0 };
	const char *ident;
	json_t *at;
	int64_t now = time_now_us(), cid;

	if (!json_is_object(body))
		return err_setn(e, ERR_INVALID, "invalid_body", "a consent must be a JSON object");
	if (only_keys(body, keys, "", e) < 0 || opt_string(body, "ref", 200, 1, "consent", e) < 0 ||
	    opt_string(body, "advisory", 40, 0, "consent", e) < 0)
		return -1;
	at = json_object_get(body, "at");
	r.at = now;
	if (at && !json_is_null(at) &&
	    (!json_is_string(at) || time_parse_rfc3339(json_string_value(at), &r.at) < 0))
		return err_setn(e, ERR_INVALID, "invalid_field", "\"at\" must be RFC 3339");
	ident = json_string_value(json_object_get(body, "advisory"));
	if (ident) {
		struct bl b;

		if (bl_load(c, a, ident, 0, &b, e) < 0)
			return -1;
		r.bulletin_id = b.id;
		bl_free(&b);
	}
	r.blackout_id = id;
	r.ref = json_string_value(json_object_get(body, "ref"));
	r.recorded_at = now;
	r.recorded_by = a->a.user_id;
	if (store_blackout_consent_add(c, &r, &cid, e) < 0)
		return -1;
	return audit_record(c, &a->a, "blackout.consent", "blackout", id,
			    json_pack("{s:s,s:s?}", "ref", r.ref, "advisory", ident), e);
}

int bulletins_blackout_add(struct bulletins *bs, const struct case_actor *a, json_t *body,
			   json_t **out, struct err *e)
{
	static const char *const keys[] = { "name", "start", "end", "note", "mps_consent", NULL };
	struct blackout_row r = { 0 };
	struct db_conn *c;
	json_t *consent;
	int64_t id;
	int rc;

	*out = NULL;
	if (!role_has(a->role, CAP_PUBLISH))
		return err_setn(e, ERR_FORBIDDEN, "forbidden", "role may not configure blackouts");
	if (!json_is_object(body) || only_keys(body, keys, "", e) < 0 ||
	    opt_string(body, "name", 200, 1, "", e) < 0 ||
	    opt_string(body, "start", 64, 1, "", e) < 0 || opt_string(body, "end", 64, 1, "", e) < 0 ||
	    opt_string(body, "note", 2000, 0, "", e) < 0)
		return e->code ? -1 : err_setn(e, ERR_INVALID, "invalid_body",
					       "the body must be a JSON object");
	if (time_parse_rfc3339(json_string_value(json_object_get(body, "start")), &r.start_at) < 0 ||
	    time_parse_rfc3339(json_string_value(json_object_get(body, "end")), &r.end_at) < 0)
		return err_setn(e, ERR_INVALID, "invalid_field", "\"start\" and \"end\" must be RFC 3339");
	if (r.end_at <= r.start_at)
		return err_setn(e, ERR_INVALID, "invalid_window", "\"end\" must be after \"start\"");
	r.name = json_string_value(json_object_get(body, "name"));
	r.note = json_string_value(json_object_get(body, "note"));
	r.created_at = time_now_us();
	r.created_by = a->a.user_id;
	consent = json_object_get(body, "mps_consent");
	if (tx_begin(bs, &c, e) < 0)
		return -1;
	rc = store_blackout_add(c, &r, &id, e);
	if (rc == 0)
		rc = audit_record(c, &a->a, "blackout.create", "blackout", id,
				  json_pack("{s:s,s:I,s:I}", "name", r.name, "start",
					    (json_int_t)r.start_at, "end", (json_int_t)r.end_at), e);
	if (rc == 0 && consent && !json_is_null(consent))
		rc = consent_add(c, a, id, consent, e);
	if (tx_end(c, rc, e) < 0)
		return -1;
	if (db_acquire(bs->in->db, &c, 5000, e) < 0)
		return -1;
	rc = windows_json(c, id, 0, out, e);
	db_release(c);
	return rc;
}

int bulletins_blackout_consent(struct bulletins *bs, const struct case_actor *a, int64_t id,
			       json_t *body, json_t **out, struct err *e)
{
	struct db_conn *c;
	json_t *w = NULL;
	int rc;

	*out = NULL;
	if (!role_has(a->role, CAP_PUBLISH))
		return err_setn(e, ERR_FORBIDDEN, "forbidden", "role may not record consents");
	if (tx_begin(bs, &c, e) < 0)
		return -1;
	rc = windows_json(c, id, 0, &w, e);
	json_decref(w);
	if (rc == 0)
		rc = consent_add(c, a, id, body, e);
	if (tx_end(c, rc, e) < 0)
		return -1;
	if (db_acquire(bs->in->db, &c, 5000, e) < 0)
		return -1;
	rc = windows_json(c, id, 0, out, e);
	db_release(c);
	return rc;
}

/* ---------------------------------------------------------------- for the exporters */

static const char *held(json_t *extra, const char *s)
{
	json_t *v = json_string(s);

	json_array_append_new(extra, v);
	return json_string_value(v);
}

static void doc_text(struct bulletin_text *t, json_t *content, const char *field)
{
	json_t *o = json_object_get(content, field);

	t->v[BULLETIN_ZH] = json_string_value(json_object_get(o, "zh-CN"));
	t->v[BULLETIN_EN] = json_string_value(json_object_get(o, "en"));
}

struct doc_revs {
	struct bulletin_doc *d;
	size_t cap;
};

static int doc_rev_row(void *arg, const struct bulletin_revision_row *r, struct err *e)
{
	struct doc_revs *dr = arg;
	struct bulletin_doc *d = dr->d;
	struct bulletin_revision *rv;
	char buf[64];

	GROW(d->revisions, d->b.nrevisions, dr->cap);
	rv = &d->revisions[d->b.nrevisions++];
	rv->number = (int)r->number;
	rv->date_us = r->at;
	if (r->summary) {
		rv->summary = held(d->extra, r->summary);
	} else {
		snprintf(buf, sizeof(buf), r->number == 1 ? "Initial version" : "Revision %lld",
			 (long long)r->number);
		rv->summary = held(d->extra, buf);
	}
	return 0;
}

static int org_row(void *arg, const struct org *o)
{
	struct bulletin_doc *d = arg;

	if (d->b.publisher_name == NULL)
		d->b.publisher_name = held(d->extra, o->name);
	return 0;
}

static const char *upper(json_t *extra, const char *s)
{
	char buf[32];
	size_t i;

	if (s == NULL)
		return NULL;
	for (i = 0; s[i] && i + 1 < sizeof(buf); i++)
		buf[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
	buf[i] = '\0';
	return held(extra, buf);
}

/* The struct bulletin of b (as loaded on c; b keeps its content) in lang. */
static int doc_fill(struct bulletin_doc **out, struct bulletins *bs, struct db_conn *c,
		    const struct bl *b, const char *lang, struct err *e)
{
	struct bulletin_doc *d = xcalloc(1, sizeof(*d));
	struct doc_revs dr = { d, 0 };
	json_t *cont, *score, *ids, *x;
	const char *vector, *cwe;
	size_t i, n;
	int rc = -1;

	*out = NULL;
	d->extra = json_array();
	d->content = cont = json_incref(b->content);
	if (store_bulletin_revisions(c, b->id, doc_rev_row, &dr, e) < 0 ||
	    store_org_list(c, 0, 1, org_row, d, e) < 0)
		goto out;
	d->b.revisions = d->revisions;
	d->b.id = held(d->extra, b->ident);
	d->b.lang = lang && strcmp(lang, "zh-CN") == 0 ? "zh-CN" : "en";
	d->b.status = strcmp(b->state, "published") == 0 ? "final" : "draft";
	d->b.initial_release_us = b->published_at ? b->published_at : b->created_at;
	d->b.current_release_us = b->published_at ? b->published_at : b->updated_at;
	if (bs->in->cfg.public_url[0])
		d->b.publisher_namespace = held(d->extra, bs->in->cfg.public_url);
	d->b.tlp = "WHITE";
	d->b.generator = "vulnflow";
	doc_text(&d->b.title, cont, "title");
	doc_text(&d->b.summary, cont, "summary");
	doc_text(&d->b.description, cont, "description");
	doc_text(&d->b.remediation, cont, "remediation");
	doc_text(&d->b.workarounds, cont, "workarounds");
	ids = json_object_get(cont, "ids");
	d->b.cve = json_string_value(json_object_get(ids, "cve"));
	n = json_array_size(json_object_get(ids, "aliases")) + 3;
	d->aliases = xcalloc(n, sizeof(*d->aliases));
	for (const char *const *k = (const char *const[]){ "cnvd", "cnnvd", "nvdb", NULL }; *k; k++)
		if (json_is_string(json_object_get(ids, *k)))
			d->aliases[d->b.naliases++] = json_string_value(json_object_get(ids, *k));
	json_array_foreach(json_object_get(ids, "aliases"), i, x)
		d->aliases[d->b.naliases++] = json_string_value(x);
	d->b.aliases = d->aliases;
	cwe = json_string_value(json_object_get(cont, "cwe"));
	if (cwe) {
		struct cwe_entry ce;
		int id;

		d->b.cwe_id = cwe;
		if (cwe_parse(cwe, &id) == 0 && cwe_lookup(id, &ce) == 0)
			d->b.cwe_name = held(d->extra, ce.name_en);
	}
	score = json_object_get(cont, "score");
	vector = json_string_value(json_object_get(score, "cvss_vector"));
	if (vector && strncmp(vector, "CVSS:4.0/", 9) == 0) {
		d->b.cvss4_vector = vector;
		d->b.cvss4_score = json_number_value(json_object_get(score, "cvss_score"));
		d->b.cvss4_severity = upper(d->extra, json_string_value(json_object_get(
							score, "cvss_severity")));
	} else if (vector && strncmp(vector, "CVSS:3.", 7) == 0) {
		d->b.cvss3_vector = vector;
		d->b.cvss3_score = json_number_value(json_object_get(score, "cvss_score"));
		d->b.cvss3_severity = upper(d->extra, json_string_value(json_object_get(
							score, "cvss_severity")));
	}
	d->b.gbt_grade = json_string_value(json_object_get(score, "gbt_grade"));
	n = json_array_size(json_object_get(cont, "products"));
	d->products = xcalloc(n ? n : 1, sizeof(*d->products));
	json_array_foreach(json_object_get(cont, "products"), i, x) {
		struct bulletin_product *p = &d->products[i];
		const char *st = json_string_value(json_object_get(x, "status"));

		p->vendor = json_string_value(json_object_get(x, "vendor"));
		p->name = json_string_value(json_object_get(x, "name"));
		p->model = json_string_value(json_object_get(x, "model"));
		p->version = json_string_value(json_object_get(x, "version"));
		p->purl = json_string_value(json_object_get(x, "purl"));
		p->justification = json_string_value(json_object_get(x, "justification"));
		p->fixed_in = json_string_value(json_object_get(x, "fixed_in"));
		p->status = st == NULL || strcmp(st, "affected") == 0 ? BULLETIN_AFFECTED
			  : strcmp(st, "not_affected") == 0 ? BULLETIN_NOT_AFFECTED
			  : strcmp(st, "fixed") == 0 ? BULLETIN_FIXED : BULLETIN_UNDER_INVESTIGATION;
	}
	d->b.products = d->products;
	d->b.nproducts = n;
	n = json_array_size(json_object_get(cont, "references"));
	d->references = xcalloc(n + 1, sizeof(*d->references));
	json_array_foreach(json_object_get(cont, "references"), i, x) {
		d->references[i].url = json_string_value(json_object_get(x, "url"));
		d->references[i].summary = json_string_value(json_object_get(x, "summary"));
	}
	d->b.nreferences = n;
	if (bs->in->cfg.public_url[0]) {
		char url[CONFIG_STR_LEN + 64];
		size_t ul = strlen(bs->in->cfg.public_url);

		snprintf(url, sizeof(url), "%.*s/advisories/%s",
			 (int)(ul && bs->in->cfg.public_url[ul - 1] == '/' ? ul - 1 : ul),
			 bs->in->cfg.public_url, b->ident);
		d->references[n].url = held(d->extra, url);
		d->references[n].summary = "this advisory";
		d->references[n].self = 1;
		d->b.nreferences++;
	}
	d->b.references = d->references;
	n = json_array_size(json_object_get(cont, "credits"));
	d->credits = xcalloc(n ? n : 1, sizeof(*d->credits));
	json_array_foreach(json_object_get(cont, "credits"), i, x) {
		d->credits[i].name = json_string_value(json_object_get(x, "name"));
		d->credits[i].organization = json_string_value(json_object_get(x, "organization"));
	}
	d->b.credits = d->credits;
	d->b.ncredits = n;
	*out = d;
	d = NULL;
	rc = 0;
out:
	bulletin_doc_free(d);
	return rc;
}

int bulletins_load(struct bulletin_doc **out, struct bulletins *bs, const struct case_actor *a,
		   const char *ident, const char *lang, struct err *e)
{
	struct db_conn *c;
	struct bl b;
	int rc;

	*out = NULL;
	if (db_acquire(bs->in->db, &c, 5000, e) < 0)
		return -1;
	rc = bl_load(c, a, ident, 0, &b, e);
	if (rc == 0) {
		rc = doc_fill(out, bs, c, &b, lang ? lang : feed_lang(&b), e);
		bl_free(&b);
	}
	db_release(c);
	return rc;
}

void bulletin_doc_free(struct bulletin_doc *d)
{
	if (d == NULL)
		return;
	json_decref(d->content);
	json_decref(d->extra);
	free(d->revisions);
	free(d->products);
	free(d->references);
	free(d->credits);
	free(d->aliases);
	free(d);
}
