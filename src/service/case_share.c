/* case_share.c - outbound shares of a case beyond notices: CRA reports to EU bodies under
 * the Art. 9(7) guard (a coordinator's override, audited, flagged for legal review), and
 * the frozen content of authority-report submissions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypto.h"
#include "base/jsonv.h"
#include "base/mem.h"
#include "base/timefmt.h"
#include "rules/roles.h"
#include "service/account.h"
#include "service/audit.h"
#include "service/cases_impl.h"
#include "service/instance.h"
#include "service/intake.h"
#include "service/mail_out.h"
#include "store/store_case.h"
#include "store/store_case_more.h"

static int is_coordinator(const struct case_actor *a)
{
	return a->a.user_id == 0 || role_has(a->role, CAP_PUBLISH);
}

int case_recipient_check(json_t *r, const char *what, struct err *e)
{
	const char *name = json_string_value(json_object_get(r, "name"));
	const char *country = json_string_value(json_object_get(r, "country"));
	const char *email = json_string_value(json_object_get(r, "email"));
	const char *key;
	json_t *v;

	if (!json_is_object(r))
		return err_setn(e, ERR_INVALID, "missing_field", "\"%s\" must be an object"
				" {\"name\",\"email\",\"country\"}", what);
	json_object_foreach(r, key, v)
		if (strcmp(key, "name") && strcmp(key, "email") && strcmp(key, "country") &&
		    strcmp(key, "is_provider"))
			return err_setn(e, ERR_INVALID, "unknown_field", "unknown field \"%s.%s\"",
					what, key);
	if (!name || !name[0] || jsonv_utf8_len(name) > 200)
		return err_setn(e, ERR_INVALID, "missing_field", "\"%s.name\" must be 1-200"
				" characters", what);
	if (!country || strlen(country) != 2 || country[0] < 'A' || country[0] > 'Z' ||
	    country[1] < 'A' || country[1] > 'Z')
		return err_set(e, ERR_INVALID, "\"%s.country\" must be an ISO 3166-1 alpha-2 code"
			       " (the overseas guard needs it)", what);
	if (json_object_get(r, "email") && (!email || !jsonv_valid_email(email)))
		return err_set(e, ERR_INVALID, "\"%s.email\" is not an address", what);
	if (json_object_get(r, "is_provider") && !json_is_boolean(json_object_get(r, "is_provider")))
		return err_set(e, ERR_INVALID, "\"%s.is_provider\" must be true or false", what);
	return 0;
}

/* ---- CRA reports (CRA Art. 14 meets Art. 9(7) of the Provisions) ---- */

static const char *const cra_kinds[] = { "early_warning", "notification", "final_report", NULL };

/* What a CRA report of this kind carries (built from the case). */
static json_t *cra_content(const struct case_data *d, const char *kind)
{
	json_t *o = json_pack("{s:s,s:s,s:I,s:s,s:o,s:b,s:o}", "document",
			      "CRA Art. 14 report of an actively exploited vulnerability", "kind",
			      kind, "case_id", (json_int_t)d->id, "title", d->title, "learned_at",
			      case_time_json(d->learned_at), "actively_exploited",
			      d->actively_exploited, "cve", d->cve_id ? json_string(d->cve_id)
								     : json_null());
	json_t *v;

	if ((v = json_object_get(d->details, "products")))
		json_object_set(o, "products", v);
	if (strcmp(kind, "early_warning") != 0) {
		/* the notification and the final report: the nature and the measures */
		if ((v = json_object_get(d->details, "technical")))
			json_object_set(o, "general_nature", v);
		if ((v = json_object_get(d->details, "remediation")))
			json_object_set(o, "corrective_measures", v);
		if ((v = json_object_get(d->details, "workarounds")))
			json_object_set(o, "mitigations", v);
		json_object_set_new(o, "severity", d->severity ? json_string(d->severity)
							       : json_null());
	}
	return o;
}

/* Record a refused share: the notification row (refused) and the audit event, committed
 * on their own (the request itself fails). */
static void record_refusal(struct cases *cs, const struct case_actor *a, int64_t id,
			   const char *kind, const char *cra_kind, json_t *r, const char *code)
{
	struct notification_row n = { 0 };
	struct db_conn *c;
	struct err e = ERR_INIT;
	char *detail;
	json_t *dt = json_pack("{s:s}", "cra_kind", cra_kind ? cra_kind : "");
	int64_t nid;
	int rc = -1;

	detail = json_dumps(dt, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(dt);
	n.case_id = id;
	n.kind = kind;
	n.recipient_name = json_string_value(json_object_get(r, "name"));
	n.email = json_string_value(json_object_get(r, "email"));
	n.country = json_string_value(json_object_get(r, "country"));
	n.status = "refused";
	n.code = code;
	n.created_at = time_now_us();
	n.detail = detail;
	if (case_tx_begin(cs, &c, &e) == 0) {
		if (store_notification_add(c, &n, &nid, &e) == 0 &&
		    audit_record(c, &a->a, "case.share.refused", "case", id,
				 json_pack("{s:s,s:s,s:s,s:s,s:s?}", "recipient", n.recipient_name,
					   "country", n.country, "code", code, "share", kind,
					   "cra_kind", cra_kind), &e) == 0)
			rc = 0;
		case_tx_end(c, rc, &e);
	}
	if (rc < 0)
		fprintf(stderr, "vulnflow: case %lld: recording a refused share: %s\n", (long long)id,
			e.msg);
	free(detail);
}

int cases_cra_report(struct cases *cs, const struct case_actor *a, int64_t id, json_t *body,
		     json_t **out, struct err *e)
{
	const char *kind = json_string_value(json_object_get(body, "kind"));
	json_t *r = json_object_get(body, "recipient"), *ov = json_object_get(body, "override");
	const char *reason = json_string_value(json_object_get(ov, "reason"));
	struct mail_out_config mc = { cs->in->cfg.smtp_url, cs->in->cfg.smtp_from, NULL,
				      cs->in->cfg.smtp_user, cs->in->cfg.smtp_password, 60 };
	struct notification_row n = { 0 };
	struct case_data d;
	struct db_conn *c;
	json_t *content = NULL, *dt = NULL;
	char *text = NULL, *detail = NULL, hash[CRYPTO_HASH_HEX_LEN], msgid[256] = "";
	char meets[64], clock_id[64], err_text[256] = "";
	int64_t now = time_now_us(), nid = 0;
	int overseas, k, rc = -1;
	const char *key;
	json_t *v;

	*out = NULL;
	if (a->a.user_id && !role_has(a->role, CAP_CASES_WRITE))
		return err_setn(e, ERR_FORBIDDEN, "forbidden", "role \"%s\" cannot send reports",
				role_name(a->role));
	json_object_foreach(body, key, v)
		if (strcmp(key, "kind") && strcmp(key, "recipient") && strcmp(key, "override"))
			return err_setn(e, ERR_INVALID, "unknown_field", "unknown field \"%s\"", key);
	for (k = 0; cra_kinds[k] && (!kind || strcmp(kind, cra_kinds[k])); k++)
		;
	if (cra_kinds[k] == NULL)
		return err_set(e, ERR_INVALID,
			       "\"kind\" must be early_warning, notification or final_report");
	if (case_recipient_check(r, "recipient", e) < 0)
		return -1;
	if (json_is_true(json_object_get(r, "is_provider")))
		return err_set(e, ERR_INVALID, "\"recipient.is_provider\": a CRA body is not the"
			       " product's provider");
	if (ov && !json_is_null(ov)) {
		if (!json_is_object(ov) || !reason || jsonv_utf8_len(reason) < 1 ||
		    jsonv_utf8_len(reason) > 2000)
			return err_setn(e, ERR_INVALID, "missing_field",
					"\"override.reason\" must be 1-2000 characters");
		json_object_foreach(ov, key, v)
			if (strcmp(key, "reason"))
				return err_setn(e, ERR_INVALID, "unknown_field",
						"unknown field \"override.%s\"", key);
	} else {
		reason = NULL;
	}
	/* the case, read first (no transaction is held while mail is sent) */
	if (db_acquire(cs->in->db, &c, 5000, e) < 0)
		return -1;
	rc = case_load(cs, c, id, 0, &d, e);
	if (rc == 0 && (rc = case_visible(c, a, &d, e)) < 0)
		case_data_free(&d);
	db_release(c);
	if (rc < 0)
		return -1;
	rc = -1;
	overseas = strcmp(json_string_value(json_object_get(r, "country")), "CN") != 0;
	/* Art. 9(7): an overseas body, never the provider, gets undisclosed details only on a
	 * coordinator's explicit, reasoned override (then flagged for legal review) */
	if (overseas && reason == NULL) {
		record_refusal(cs, a, id, "cra", kind, r, "rmsv_9_7_overseas");
		err_setn(e, ERR_CONFLICT, "rmsv_9_7_overseas",
			 "\"%s\" (%s) is overseas and not the product's provider (Art. 9(7)): a"
			 " coordinator's \"override\" with a \"reason\" is needed",
			 json_string_value(json_object_get(r, "name")),
			 json_string_value(json_object_get(r, "country")));
		goto out;
	}
	if (reason && !is_coordinator(a)) {
		record_refusal(cs, a, id, "cra", kind, r, "override_forbidden");
		err_setn(e, ERR_FORBIDDEN, "forbidden",
			 "only a coordinator may override the overseas guard (Art. 9(7))");
		goto out;
	}
	content = cra_content(&d, kind);
	text = json_dumps(content, JSON_COMPACT | JSON_SORT_KEYS);
	crypto_sha256_hex(text, strlen(text), hash);
	n.case_id = id;
	n.kind = "cra";
	n.recipient_name = json_string_value(json_object_get(r, "name"));
	n.email = json_string_value(json_object_get(r, "email"));
	n.country = json_string_value(json_object_get(r, "country"));
	n.created_at = now;
	if (n.email && cs->in->cfg.smtp_url[0]) {
		struct mail_out_message m = { n.email, n.recipient_name, NULL, NULL, NULL };
		char subject[512];
		char *pretty = json_dumps(content, JSON_INDENT(2) | JSON_SORT_KEYS);
		struct err se = ERR_INIT;

		snprintf(subject, sizeof(subject), "[vulnflow CRA %s] case %lld", kind, (long long)id);
		m.subject = subject;
		m.body = pretty;
		if (mail_out_send(&mc, &m, msgid, &se) == 0) {
			n.status = "sent";
			n.message_id = msgid;
			n.sent_at = time_now_us();
		} else {
			n.status = "failed";
			n.code = "delivery_failed";
			snprintf(err_text, sizeof(err_text), "%s", se.msg);
		}
		free(pretty);
	} else {
		/* sent through the body's own portal: recorded as given, now, by this person */
		n.status = "recorded";
		n.sent_at = now;
	}
	dt = json_pack("{s:s,s:s,s:b}", "cra_kind", kind, "content_sha256", hash, "legal_review",
		       reason != NULL);
	if (reason)
		json_object_set_new(dt, "override",
				    json_pack("{s:s,s:s,s:I,s:o}", "reason", reason, "by",
					      a->a.name ? a->a.name : "cli", "by_id",
					      (json_int_t)a->a.user_id, "at", case_time_json(now)));
	detail = json_dumps(dt, JSON_COMPACT | JSON_SORT_KEYS);
	n.detail = detail;
	snprintf(meets, sizeof(meets), "cra.%s.sent", kind);
	snprintf(clock_id, sizeof(clock_id), "cra.%s", kind);

	case_data_free(&d);
	if (case_tx_begin(cs, &c, e) < 0)
		goto out;
	if (case_load(cs, c, id, 1, &d, e) < 0) {
		case_tx_end(c, -1, e);
		goto out;
	}
	if (store_notification_add(c, &n, &nid, e) < 0)
		goto done;
	if (reason) {
		json_object_set_new(d.details, "legal_review",
				    json_pack("{s:b,s:s,s:s,s:s,s:I,s:o,s:I}", "flagged", 1,
					      "why", "Art. 9(7): undisclosed details sent overseas on"
					      " an override", "reason", reason, "by",
					      a->a.name ? a->a.name : "cli", "by_id",
					      (json_int_t)a->a.user_id, "at", case_time_json(now),
					      "notification_id", (json_int_t)nid));
		d.updated_at = now;
		if (case_save(cs, c, &d, e) < 0 ||
		    audit_record(c, &a->a, "case.share.override", "case", id,
				 json_pack("{s:s,s:s,s:s,s:s}", "recipient", n.recipient_name,
					   "country", n.country, "reason", reason, "cra_kind", kind),
				 e) < 0)
			goto done;
	}
	if (case_event(c, a, id, "notification", n.sent_at ? n.sent_at : now, NULL, NULL, reason,
		       json_pack("{s:s,s:b,s:s,s:I,s:s,s:b}", "kind", "cra", "given",
				 n.sent_at != 0, "meets", meets, "notification_id", (json_int_t)nid,
				 "cra_kind", kind, "legal_review", reason != NULL), NULL, e) < 0 ||
	    (n.sent_at && case_clocks_store(cs, c, &d, e) < 0) ||
	    audit_record(c, &a->a, "case.cra_report", "case", id,
			 json_pack("{s:s,s:s,s:s,s:s,s:b}", "cra_kind", kind, "recipient",
				   n.recipient_name, "country", n.country, "status", n.status,
				   "override", reason != NULL), e) < 0)
		goto done;
	rc = 0;
done:
	case_data_free(&d);
	rc = case_tx_end(c, rc, e);
	if (rc == 0) {
		*out = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s?,s:s?,s:s?,s:o,s:s,s:b,s:O}", "id",
				 (json_int_t)nid, "case_id", (json_int_t)id, "kind", kind, "recipient",
				 n.recipient_name, "country", n.country, "status", n.status, "code",
				 n.code, "message_id", n.message_id, "error",
				 err_text[0] ? err_text : NULL, "sent_at", case_time_json(n.sent_at),
				 "clock", clock_id, "legal_review", reason != NULL, "content", content);
		json_object_set(*out, "override", json_object_get(dt, "override")
							  ? json_object_get(dt, "override")
							  : json_null());
	}
	json_decref(content);
	json_decref(dt);
	free(text);
	free(detail);
	return rc;
out:
	case_data_free(&d);
	json_decref(content);
	json_decref(dt);
	free(text);
	free(detail);
	return -1;
}

/* ---- need-to-know teams (Art. 11) ---- */

static int may_admin(const struct case_actor *a, struct err *e)
{
	if (a->a.user_id && !role_has(a->role, CAP_USERS_ADMIN))
		return err_setn(e, ERR_FORBIDDEN, "forbidden", "only an administrator manages teams");
	return 0;
}

static int member_json(void *arg, int64_t user_id, struct err *e)
{
	(void)e;
	json_array_append_new(arg, json_integer(user_id));
	return 0;
}

static int team_json(void *arg, const struct team_row *t, struct err *e)
{
	(void)e;
	json_array_append_new(arg, json_pack("{s:I,s:s,s:o,s:o}", "id", (json_int_t)t->id, "name",
					     t->name, "created_at", case_time_json(t->created_at),
					     "members", json_array()));
	return 0;
}

/* The team with its members (in c). */
static int team_full(struct db_conn *c, int64_t id, json_t **out, struct err *e)
{
	json_t *arr = json_array();

	*out = NULL;
	if (store_team_get(c, id, team_json, arr, e) < 0 ||
	    store_team_members(c, id, member_json,
			       json_object_get(json_array_get(arr, 0), "members"), e) < 0) {
		json_decref(arr);
		return -1;
	}
	*out = json_incref(json_array_get(arr, 0));
	json_decref(arr);
	return 0;
}

int cases_team_create(struct cases *cs, const struct case_actor *a, json_t *body, json_t **out,
		      struct err *e)
{
	const char *name = json_string_value(json_object_get(body, "name"));
	struct db_conn *c;
	int64_t id;
	int rc = -1;

	*out = NULL;
	if (may_admin(a, e) < 0)
		return -1;
	if (!name || jsonv_utf8_len(name) < 1 || jsonv_utf8_len(name) > 100)
		return err_setn(e, ERR_INVALID, "missing_field", "\"name\" must be 1-100 characters");
	if (case_tx_begin(cs, &c, e) < 0)
		return -1;
	if (store_team_add(c, name, time_now_us(), a->a.user_id, &id, e) == 0 &&
	    audit_record(c, &a->a, "team.create", "team", id, json_pack("{s:s}", "name", name),
			 e) == 0 &&
	    team_full(c, id, out, e) == 0)
		rc = 0;
	rc = case_tx_end(c, rc, e);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int cases_team_add_member(struct cases *cs, const struct case_actor *a, int64_t team_id,
			  json_t *body, json_t **out, struct err *e)
{
	json_t *uid = json_object_get(body, "user_id");
	struct user u;
	struct err ignored = ERR_INIT;
	struct db_conn *c;
	enum role r;
	int added, rc = -1;

	*out = NULL;
	if (may_admin(a, e) < 0)
		return -1;
	if (!json_is_integer(uid) || json_integer_value(uid) <= 0)
		return err_setn(e, ERR_INVALID, "missing_field", "\"user_id\" must be a user id");
	if (account_user_get(cs->in->db, json_integer_value(uid), &u, &ignored) < 0 || u.disabled ||
	    (r = role_from_name(u.role)) == ROLE_NONE || !role_has(r, CAP_CASES_READ))
		return err_setn(e, ERR_INVALID, "unknown_user",
				"\"user_id\" must be an active user who may read cases");
	if (case_tx_begin(cs, &c, e) < 0)
		return -1;
	if (team_full(c, team_id, out, e) == 0) {
		json_decref(*out);
		*out = NULL;
		if (store_team_member_add(c, team_id, u.id, time_now_us(), &added, e) == 0 &&
		    (!added || audit_record(c, &a->a, "team.member_add", "team", team_id,
					    json_pack("{s:I}", "user_id", (json_int_t)u.id), e) == 0) &&
		    team_full(c, team_id, out, e) == 0)
			rc = 0;
	}
	rc = case_tx_end(c, rc, e);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int cases_teams_list(struct cases *cs, const struct case_actor *a, json_t **out, struct err *e)
{
	json_t *arr = json_array(), *t;
	struct db_conn *c;
	size_t i;
	int rc = -1;

	(void)a;
	*out = NULL;
	if (db_acquire(cs->in->db, &c, 5000, e) < 0) {
		json_decref(arr);
		return -1;
	}
	if (store_teams(c, team_json, arr, e) == 0) {
		rc = 0;
		json_array_foreach(arr, i, t)
			if (store_team_members(c, json_integer_value(json_object_get(t, "id")),
					       member_json, json_object_get(t, "members"), e) < 0) {
				rc = -1;
				break;
			}
	}
	db_release(c);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = json_pack("{s:o}", "items", arr);
	return 0;
}

int cases_team_remove_member(struct cases *cs, const struct case_actor *a, int64_t team_id,
			     int64_t user_id, struct err *e)
{
	struct db_conn *c;
	json_t *team = NULL;
	int removed = 0, rc = -1;

	if (may_admin(a, e) < 0)
		return -1;
	if (case_tx_begin(cs, &c, e) < 0)
		return -1;
	if (team_full(c, team_id, &team, e) == 0 &&
	    store_team_member_remove(c, team_id, user_id, &removed, e) == 0) {
		if (!removed)
			err_setn(e, ERR_NOT_FOUND, "not_a_member",
				 "user %lld is not a member of team %lld", (long long)user_id,
				 (long long)team_id);
		else if (audit_record(c, &a->a, "team.member_remove", "team", team_id,
				      json_pack("{s:I}", "user_id", (json_int_t)user_id), e) == 0)
			rc = 0;
	}
	json_decref(team);
	return case_tx_end(c, rc, e);
}

/* ---- exports of undisclosed details (Art. 11) ---- */

struct export_copy {
	struct case_export_row x;
	char name[256], email[256], country[8], reason[2048], status[16];
};

static int take_export(void *arg, const struct case_export_row *x, struct err *e)
{
	struct export_copy *k = arg;

	(void)e;
	k->x = *x;
	snprintf(k->name, sizeof(k->name), "%s", x->recipient_name);
	snprintf(k->email, sizeof(k->email), "%s", x->recipient_email ? x->recipient_email : "");
	snprintf(k->country, sizeof(k->country), "%s", x->recipient_country);
	snprintf(k->reason, sizeof(k->reason), "%s", x->reason);
	snprintf(k->status, sizeof(k->status), "%s", x->status);
	k->x.recipient_name = k->name;
	k->x.recipient_email = k->email[0] ? k->email : NULL;
	k->x.recipient_country = k->country;
	k->x.reason = k->reason;
	k->x.status = k->status;
	return 0;
}

static json_t *export_json(const struct case_export_row *x)
{
	return json_pack("{s:I,s:I,s:s,s:{s:s,s:s?,s:s,s:b},s:s,s:I,s:o,s:o,s:o,s:o}", "id",
			 (json_int_t)x->id, "case_id", (json_int_t)x->case_id, "status", x->status,
			 "recipient", "name", x->recipient_name, "email", x->recipient_email,
			 "country", x->recipient_country, "is_provider", x->is_provider, "reason",
			 x->reason, "requested_by", (json_int_t)x->requested_by, "requested_at",
			 case_time_json(x->requested_at), "approved_by",
			 x->approved_by ? json_integer(x->approved_by) : json_null(), "approved_at",
			 case_time_json(x->approved_at), "first_fetched_at",
			 case_time_json(x->fetched_at));
}

static int export_item(void *arg, const struct case_export_row *x, struct err *e)
{
	(void)e;
	json_array_append_new(arg, export_json(x));
	return 0;
}

int cases_exports_list(struct cases *cs, const struct case_actor *a, int64_t before, int limit,
		       json_t **out, struct err *e)
{
	json_t *arr = json_array(), *last;
	struct db_conn *c;
	int all = !a->a.user_id || role_has(a->role, CAP_PUBLISH) ||
		  role_has(a->role, CAP_USERS_ADMIN) || role_has(a->role, CAP_AUDIT_READ);
	int rc;

	*out = NULL;
	if (db_acquire(cs->in->db, &c, 5000, e) < 0) {
		json_decref(arr);
		return -1;
	}
	rc = store_exports_page(c, all ? 0 : a->a.user_id, before, limit, export_item, arr, e);
	db_release(c);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	last = json_array_get(arr, json_array_size(arr) - 1);
	*out = json_pack("{s:o,s:o}", "items", arr, "next_before",
			 (int)json_array_size(arr) == limit && last
				 ? json_incref(json_object_get(last, "id")) : json_null());
	return 0;
}

int cases_export_request(struct cases *cs, const struct case_actor *a, int64_t id, json_t *body,
			 json_t **out, struct err *e)
{
	json_t *r = json_object_get(body, "recipient");
	const char *reason = json_string_value(json_object_get(body, "reason"));
	struct case_export_row x = { 0 };
	struct case_data d;
	struct db_conn *c;
	const char *key;
	json_t *v;
	int64_t xid, now = time_now_us();
	int rc = -1;

	*out = NULL;
	if (a->a.user_id && !role_has(a->role, CAP_CASES_WRITE))
		return err_setn(e, ERR_FORBIDDEN, "forbidden", "role \"%s\" cannot export cases",
				role_name(a->role));
	json_object_foreach(body, key, v)
		if (strcmp(key, "recipient") && strcmp(key, "reason"))
			return err_setn(e, ERR_INVALID, "unknown_field", "unknown field \"%s\"", key);
	if (case_recipient_check(r, "recipient", e) < 0)
		return -1;
	if (!reason || jsonv_utf8_len(reason) < 1 || jsonv_utf8_len(reason) > 2000)
		return err_setn(e, ERR_INVALID, "missing_field", "\"reason\" must be 1-2000 characters");
	x.case_id = id;
	x.recipient_name = json_string_value(json_object_get(r, "name"));
	x.recipient_email = json_string_value(json_object_get(r, "email"));
	x.recipient_country = json_string_value(json_object_get(r, "country"));
	x.is_provider = json_is_true(json_object_get(r, "is_provider"));
	x.reason = reason;
	x.status = "pending";
	x.requested_by = a->a.user_id;
	x.requested_at = now;
	if (db_acquire(cs->in->db, &c, 5000, e) < 0)
		return -1;
	rc = case_load(cs, c, id, 0, &d, e);
	if (rc == 0) {
		rc = case_visible(c, a, &d, e);
		case_data_free(&d);
	}
	db_release(c);
	if (rc < 0)
		return -1;
	/* Art. 9(7): the overseas guard applies to every outbound share */
	if (strcmp(x.recipient_country, "CN") != 0 && !x.is_provider) {
		record_refusal(cs, a, id, "export", NULL, r, "rmsv_9_7_overseas");
		return err_setn(e, ERR_CONFLICT, "rmsv_9_7_overseas",
				"\"%s\" (%s) is overseas and not the product's provider (Art. 9(7)):"
				" undisclosed details are not exported to them", x.recipient_name,
				x.recipient_country);
	}
	rc = -1;
	if (case_tx_begin(cs, &c, e) < 0)
		return -1;
	if (store_export_add(c, &x, &xid, e) == 0 &&
	    case_event(c, a, id, "export_requested", now, NULL, NULL, reason,
		       json_pack("{s:I,s:s,s:s}", "export_id", (json_int_t)xid, "recipient",
				 x.recipient_name, "country", x.recipient_country), NULL, e) == 0 &&
	    audit_record(c, &a->a, "case.export.request", "case", id,
			 json_pack("{s:I,s:s,s:s,s:s}", "export_id", (json_int_t)xid, "recipient",
				   x.recipient_name, "country", x.recipient_country, "reason", reason),
			 e) == 0) {
		x.id = xid;
		*out = export_json(&x);
		rc = 0;
	}
	return case_tx_end(c, rc, e);
}

int cases_export_approve(struct cases *cs, const struct case_actor *a, int64_t export_id,
			 json_t **out, struct err *e)
{
	struct export_copy k;
	struct case_data d;
	struct db_conn *c;
	int64_t now = time_now_us();
	int rc = -1;

	*out = NULL;
	if (!is_coordinator(a))
		return err_setn(e, ERR_FORBIDDEN, "forbidden",
				"only a coordinator approves an export (Art. 11)");
	if (case_tx_begin(cs, &c, e) < 0)
		return -1;
	memset(&k, 0, sizeof(k));
	if (store_export_get(c, export_id, take_export, &k, e) < 0)
		goto out;
	if (case_load(cs, c, k.x.case_id, 1, &d, e) < 0)
		goto out;
	if (case_visible(c, a, &d, e) < 0) {
		err_set(e, ERR_NOT_FOUND, "no such export");
		goto done;
	}
	if (a->a.user_id != 0 && a->a.user_id == k.x.requested_by) {
		err_setn(e, ERR_FORBIDDEN, "second_approver_required",
			 "the export's requester cannot approve it: a second coordinator must");
		goto done;
	}
	if (strcmp(k.x.recipient_country, "CN") != 0 && !k.x.is_provider) {
		err_setn(e, ERR_CONFLICT, "rmsv_9_7_overseas",
			 "\"%s\" (%s) is overseas and not the product's provider (Art. 9(7))",
			 k.x.recipient_name, k.x.recipient_country);
		goto done;
	}
	if (store_export_approve(c, export_id, a->a.user_id, now, e) < 0 ||
	    case_event(c, a, k.x.case_id, "export_approved", now, NULL, NULL, NULL,
		       json_pack("{s:I,s:s}", "export_id", (json_int_t)export_id, "recipient",
				 k.x.recipient_name), NULL, e) < 0 ||
	    audit_record(c, &a->a, "case.export.approve", "case", k.x.case_id,
			 json_pack("{s:I,s:I}", "export_id", (json_int_t)export_id, "requested_by",
				   (json_int_t)k.x.requested_by), e) < 0)
		goto done;
	snprintf(k.status, sizeof(k.status), "approved");
	k.x.approved_by = a->a.user_id;
	k.x.approved_at = now;
	*out = export_json(&k.x);
	rc = 0;
done:
	case_data_free(&d);
out:
	rc = case_tx_end(c, rc, e);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* The case as exported: its fields and details, as plain text too. */
static char *export_text(json_t *o, const char *footer)
{
	char *body = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS);
	size_t n = strlen(body) + strlen(footer) + 64;
	char *out = xmalloc(n);

	snprintf(out, n, "%s\n\n%s\n", body, footer);
	free(body);
	return out;
}

int cases_export_get(struct cases *cs, const struct case_actor *a, int64_t export_id,
		     json_t **out, struct err *e)
{
	struct export_copy k;
	struct case_data d;
	struct db_conn *c;
	json_t *content = NULL, *wm;
	char footer[1024], when[TIMEFMT_LEN], when_local[TIMEFMT_LEN], *text;
	int64_t now = time_now_us();
	int rc = -1;

	*out = NULL;
	if (case_tx_begin(cs, &c, e) < 0)
		return -1;
	memset(&k, 0, sizeof(k));
	if (store_export_get(c, export_id, take_export, &k, e) < 0)
		goto out;
	if (case_load(cs, c, k.x.case_id, 0, &d, e) < 0)
		goto out;
	if (case_visible(c, a, &d, e) < 0) {
		err_set(e, ERR_NOT_FOUND, "no such export");
		goto done;
	}
	if (strcmp(k.x.status, "approved") != 0) {
		*out = export_json(&k.x);
		rc = 0;       /* the request as it stands, no content */
		goto done;
	}
	/* the watermark: who it is for, when, which export (a leak is traced by it) */
	time_format_utc(now, when);
	time_format_shanghai(now, when_local);
	snprintf(footer, sizeof(footer),
		 "-- 仅供 %.200s（%s）使用 · 导出编号 %lld · %s（北京时间）\n"
		 "-- Exported for %.200s (%s) only · export %lld · %s · vulnflow case %lld",
		 k.x.recipient_name, k.x.recipient_country, (long long)export_id, when_local,
		 k.x.recipient_name, k.x.recipient_country, (long long)export_id, when,
		 (long long)k.x.case_id);
	wm = json_pack("{s:s,s:s?,s:s,s:I,s:s,s:s,s:I,s:I,s:s}", "recipient", k.x.recipient_name,
		       "recipient_email", k.x.recipient_email, "recipient_country",
		       k.x.recipient_country, "export_id", (json_int_t)export_id, "exported_at", when,
		       "exported_at_local", when_local, "requested_by", (json_int_t)k.x.requested_by,
		       "approved_by", (json_int_t)k.x.approved_by, "footer", footer);
	content = case_summary_json(&d);
	json_object_update(content, d.details);
	json_object_set(content, "watermark", wm);
	text = export_text(content, footer);
	if (store_export_fetched(c, export_id, now, e) < 0 ||
	    case_event(c, a, k.x.case_id, "export_fetched", now, NULL, NULL, NULL,
		       json_pack("{s:I,s:s}", "export_id", (json_int_t)export_id, "recipient",
				 k.x.recipient_name), NULL, e) < 0 ||
	    audit_record(c, &a->a, "case.export.read", "case", k.x.case_id,
			 json_pack("{s:I,s:s}", "export_id", (json_int_t)export_id, "recipient",
				   k.x.recipient_name), e) < 0) {
		free(text);
		json_decref(wm);
		goto done;
	}
	if (k.x.fetched_at == 0)
		k.x.fetched_at = now;
	*out = export_json(&k.x);
	json_object_set_new(*out, "watermark", wm);
	json_object_set(*out, "case", content);
	json_object_set_new(*out, "text", json_string(text));
	free(text);
	rc = 0;
done:
	case_data_free(&d);
out:
	json_decref(content);
	rc = case_tx_end(c, rc, e);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* ---- the frozen content of an authority-report submission ---- */

struct sub_find {
	int version;
	int found;
	int64_t id, submitted_at, leaf_index;
	char channel[16], receipt[256], hash[CRYPTO_HASH_HEX_LEN];
	unsigned char *content;
	size_t content_len;
	int has_receipt;
};

static int find_sub(void *arg, const struct authority_submission_row *s, struct err *e)
{
	struct sub_find *f = arg;

	(void)e;
	if (s->version != f->version)
		return 0;
	f->found = 1;
	f->id = s->id;
	f->submitted_at = s->submitted_at;
	f->leaf_index = s->leaf_index;
	snprintf(f->channel, sizeof(f->channel), "%s", s->channel);
	f->has_receipt = s->receipt_number != NULL;
	snprintf(f->receipt, sizeof(f->receipt), "%s", s->receipt_number ? s->receipt_number : "");
	snprintf(f->hash, sizeof(f->hash), "%s", s->content_hash);
	f->content = xmalloc(s->content_len ? s->content_len : 1);
	memcpy(f->content, s->content, s->content_len);
	f->content_len = s->content_len;
	return 0;
}

int cases_authority_submission(struct cases *cs, const struct case_actor *a, int64_t id,
			       int version, json_t **out, struct err *e)
{
	struct sub_find f = { .version = version };
	struct case_data d;
	struct db_conn *c;
	char aad[96], *text = NULL, check[CRYPTO_HASH_HEX_LEN], *logged = NULL;
	json_t *content, *p;
	json_error_t je;
	size_t n;
	int rc = -1;

	*out = NULL;
	if (version <= 0)
		return err_set(e, ERR_NOT_FOUND, "no such submission");
	if (db_acquire(cs->in->db, &c, 5000, e) < 0)
		return -1;
	if (case_load(cs, c, id, 0, &d, e) < 0)
		goto out;
	if (case_visible(c, a, &d, e) == 0 &&
	    store_authority_submissions(c, id, find_sub, &f, e) == 0)
		rc = 0;
	case_data_free(&d);
out:
	db_release(c);
	if (rc < 0)
		goto free_all;
	rc = -1;
	if (!f.found || f.leaf_index < 0) {
		err_set(e, ERR_NOT_FOUND, "case %lld has no submission version %d", (long long)id,
			version);
		goto free_all;
	}
	snprintf(aad, sizeof(aad), "vulnflow-authority-report/%lld/%d", (long long)id, version);
	if (intake_unseal_blob(cs->it, aad, f.content, f.content_len, &text, &n, e) < 0) {
		err_set(e, ERR_INTERNAL, "submission %d of case %lld does not open (altered?)",
			version, (long long)id);
		goto free_all;
	}
	crypto_sha256_hex(text, n, check);
	content = json_loadb(text, n, 0, &je);
	/* the payload whose hash is the receipt-log leaf's (as cases_authority_submit logged it) */
	p = json_pack("{s:i,s:s,s:s,s:I,s:i,s:s,s:s}", "v", 1, "channel", "outbound", "kind",
		      "authority_report", "case_id", (json_int_t)id, "version", version,
		      "content_sha256", f.hash, "submitted_via", f.channel);
	logged = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(p);
	*out = json_pack("{s:I,s:I,s:i,s:s,s:o,s:o,s:s?,s:s,s:b,s:I,s:s,s:o,s:s}", "id",
			 (json_int_t)f.id, "case_id", (json_int_t)id, "version", version, "channel",
			 f.channel, "submitted_at", case_time_json(f.submitted_at),
			 "submitted_at_local", case_time_local_json(f.submitted_at),
			 "receipt_number", f.has_receipt ? f.receipt : NULL, "content_sha256", f.hash,
			 "content_matches_hash", strcmp(check, f.hash) == 0, "leaf_index",
			 (json_int_t)f.leaf_index, "log_payload", logged, "content",
			 content ? content : json_null(), "content_text", text);
	rc = case_audit_read(cs, a, "case.authority_report.submission.read", id,
			     json_pack("{s:i}", "version", version), e);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
free_all:
	free(logged);
	free(text);
	free(f.content);
	return rc;
}
