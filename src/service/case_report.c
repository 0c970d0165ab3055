/* case_report.c - the authority report (Art. 7(2)), its submissions, notifications with the
 * overseas guard (Art. 9(7)), and the compliance dossier. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "base/mem.h"
#include "base/timefmt.h"
#include "rules/case.h"
#include "rules/cwe.h"
#include "service/account.h"
#include "service/audit.h"
#include "service/cases_impl.h"
#include "service/federation.h"
#include "service/instance.h"
#include "service/intake.h"
#include "service/mail_out.h"
#include "service/webhook.h"
#include "store/store_case.h"
#include "store/store_case_more.h"
#include "store/store_fed_hub.h"
#include "store/store_party.h"

/* ---- the report's content ---- */

struct first_org {
	char name[1024];
	char jurisdiction[16];
	int found;
};

static int take_org(void *arg, const struct org *o)
{
	struct first_org *f = arg;

	if (!f->found) {
		snprintf(f->name, sizeof(f->name), "%s", o->name);
		snprintf(f->jurisdiction, sizeof(f->jurisdiction), "%s", o->jurisdiction);
		f->found = 1;
	}
	return 0;
}

struct notes {
	json_t *arr;
	int parties_only;              /* upstream/downstream/CRA only (not reporter updates) */
};

static int note_json(void *arg, const struct notification_row *n, struct err *e)
{
	struct notes *ns = arg;
	json_t *o = json_object();

	(void)e;
	if (ns->parties_only && strcmp(n->kind, "reporter") == 0) {
		json_decref(o);
		return 0;
	}
	json_object_set_new(o, "id", json_integer(n->id));
	json_object_set_new(o, "kind", json_string(n->kind));
	json_object_set_new(o, "recipient", json_string(n->recipient_name));
	json_object_set_new(o, "email", n->email ? json_string(n->email) : json_null());
	json_object_set_new(o, "country", json_string(n->country));
	json_object_set_new(o, "is_provider", json_boolean(n->is_provider));
	json_object_set_new(o, "status", json_string(n->status));
	json_object_set_new(o, "code", n->code ? json_string(n->code) : json_null());
	json_object_set_new(o, "message_id", n->message_id ? json_string(n->message_id)
							  : json_null());
	json_object_set_new(o, "created_at", case_time_json(n->created_at));
	json_object_set_new(o, "sent_at", case_time_json(n->sent_at));
	json_object_set_new(o, "sent_at_local", case_time_local_json(n->sent_at));
	if (n->detail && strcmp(n->detail, "{}") != 0) {
		json_error_t je;
		json_t *dt = json_loads(n->detail, 0, &je);

		/* the evidence of the channel: webhook delivery, reporter mail, override */
		if (json_is_object(dt))
			json_object_update(o, dt);
		json_decref(dt);
	}
	json_array_append_new(ns->arr, o);
	return 0;
}

static int report_id_json(void *arg, int64_t id, struct err *e)
{
	(void)e;
	json_array_append_new(arg, json_integer(id));
	return 0;
}

/* Remediation status in the report's words, from the state. */
static const char *remediation_status(const char *state)
{
	if (!strcmp(state, "fix_available") || !strcmp(state, "disclosure_pending") ||
	    !strcmp(state, "published") || !strcmp(state, "closed"))
		return "fix_available";
	if (!strcmp(state, "fixing"))
		return "fixing";
	return "not_started";
}

/* The content of the Art. 7(2) report (GB/T 28458's description items) as JSON. */
static int report_content(struct cases *cs, struct db_conn *c, const struct case_data *d,
			  json_t **out, struct err *e)
{
	struct first_org org = { "", "", 0 };
	struct notes ns = { json_array(), 1 };
	json_t *o, *vuln, *grade, *type, *rem, *up, *reports = json_array();
	struct cwe_entry ce;
	enum case_state st;
	struct err ignored = ERR_INIT;

	if (account_org_list(cs->in->db, 0, 1, take_org, &org, e) < 0 ||
	    store_notifications(c, d->id, note_json, &ns, e) < 0 ||
	    store_case_reports(c, d->id, report_id_json, reports, e) < 0) {
		json_decref(ns.arr);
		json_decref(reports);
		return -1;
	}
	o = json_object();
	json_object_set_new(o, "document", json_string("网络产品安全漏洞信息报送 / report of a network"
						       " product security vulnerability (Art. 7(2))"));
	json_object_set_new(o, "case_id", json_integer(d->id));
	json_object_set_new(o, "reporting_organisation",
			    json_pack("{s:s,s:s,s:s}", "name", org.name, "jurisdiction",
				      org.jurisdiction, "contact", cs->in->cfg.security_contact));
	json_object_set(o, "products", json_object_get(d->details, "products")
					       ? json_object_get(d->details, "products")
					       : json_array());
	up = json_object_get(d->details, "upstream");
	json_object_set(o, "affected_component", up ? up : json_null());
	vuln = json_object();
	json_object_set_new(vuln, "title", json_string(d->title));
	type = json_object();
	json_object_set(type, "gbt30279_class", json_object_get(d->details, "gbt_class")
						       ? json_object_get(d->details, "gbt_class")
						       : json_null());
	json_object_set_new(type, "cwe", d->cwe ? json_string(d->cwe) : json_null());
	if (d->cwe && cwe_lookup(atoi(d->cwe + 4), &ce) == 0)
		json_object_set_new(type, "cwe_name", json_string(ce.name_zh[0] ? ce.name_zh : ce.name_en));
	json_object_set_new(vuln, "type", type);
	json_object_set(vuln, "technical_characteristics",
			json_object_get(d->details, "technical") ? json_object_get(d->details,
										   "technical")
								  : json_null());
	json_object_set(vuln, "harm", json_object_get(d->details, "harm")
					      ? json_object_get(d->details, "harm") : json_null());
	grade = json_object();
	json_object_set_new(grade, "gbt30279", d->gbt_grade ? json_string(d->gbt_grade)
							    : json_null());
	json_object_set_new(grade, "cvss_vector", d->cvss_vector ? json_string(d->cvss_vector)
								 : json_null());
	json_object_set_new(grade, "cvss_score", d->cvss_vector ? json_real(d->cvss_score)
								: json_null());
	json_object_set_new(grade, "severity", d->severity ? json_string(d->severity)
							   : json_null());
	json_object_set_new(vuln, "grade", grade);
	json_object_set(vuln, "scope", json_object_get(d->details, "scope")
					       ? json_object_get(d->details, "scope") : json_null());
	json_object_set_new(vuln, "actively_exploited", json_boolean(d->actively_exploited));
	json_object_set_new(o, "vulnerability", vuln);
	json_object_set_new(o, "learned_at", case_time_json(d->learned_at));
	json_object_set_new(o, "learned_at_local", case_time_local_json(d->learned_at));
	json_object_set_new(o, "verification_status", json_string(d->state));
	if (case_state_from_name(&st, d->state, &ignored) == 0)
		json_object_set_new(o, "verification_status_zh", json_string(case_state_label(st)->zh));
	rem = json_object();
	json_object_set_new(rem, "status", json_string(remediation_status(d->state)));
	json_object_set(rem, "plan", json_object_get(d->details, "remediation")
					     ? json_object_get(d->details, "remediation")
					     : json_null());
	json_object_set(rem, "workarounds", json_object_get(d->details, "workarounds")
						    ? json_object_get(d->details, "workarounds")
						    : json_null());
	json_object_set_new(rem, "fix_available_at", case_time_json(d->fix_available_at));
	json_object_set_new(o, "remediation", rem);
	json_object_set_new(o, "notifications", ns.arr);
	json_object_set_new(o, "ids", json_pack("{s:o,s:o,s:o,s:o}",
						"cve", d->cve_id ? json_string(d->cve_id) : json_null(),
						"cnvd", d->cnvd_id ? json_string(d->cnvd_id) : json_null(),
						"cnnvd", d->cnnvd_id ? json_string(d->cnnvd_id) : json_null(),
						"nvdb", d->nvdb_id ? json_string(d->nvdb_id) : json_null()));
	json_object_set_new(o, "report_ids", reports);
	*out = o;
	return 0;
}

/* ---- text and HTML renderings ---- */

static const char *str_or(json_t *v, const char *dflt)
{
	const char *s = json_string_value(v);

	return s && s[0] ? s : dflt;
}

static void html_escape(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '&': buf_adds(b, "&amp;"); break;
		case '"': buf_adds(b, "&quot;"); break;
		case '\'': buf_adds(b, "&#39;"); break;
		default: buf_add(b, s, 1);
		}
	}
}

/* The report's fields in order: zh label, en label, value. */
struct field {
	const char *zh, *en;
	char *value;                   /* owned */
};

static char *products_text(json_t *products)
{
	struct buf b;
	size_t i, k;
	json_t *p, *v;

	buf_init(&b, 1 << 20);
	json_array_foreach(products, i, p) {
		if (i)
			buf_adds(&b, "; ");
		buf_adds(&b, str_or(json_object_get(p, "name"), "?"));
		if (json_string_value(json_object_get(p, "model")))
			buf_addf(&b, " (%s)", json_string_value(json_object_get(p, "model")));
		json_array_foreach(json_object_get(p, "versions"), k, v)
			buf_addf(&b, "%s%s", k ? ", " : " ", json_string_value(v));
	}
	return buf_detach(&b, NULL) ?: xstrdup("");
}

static size_t report_fields(json_t *r, struct field *f)
{
	json_t *v = json_object_get(r, "vulnerability"), *up = json_object_get(r, "affected_component");
	json_t *g = json_object_get(v, "grade"), *rem = json_object_get(r, "remediation");
	json_t *org = json_object_get(r, "reporting_organisation"), *ids = json_object_get(r, "ids");
	char buf[1024];
	size_t n = 0;

#define ADD(z, en_, val) do { f[n].zh = (z); f[n].en = (en_); f[n].value = (val); n++; } while (0)
	snprintf(buf, sizeof(buf), "%s (%s)", str_or(json_object_get(org, "name"), "—"),
		 str_or(json_object_get(org, "contact"), "—"));
	ADD("报送单位及联系方式", "Reporting organisation and contact", xstrdup(buf));
	ADD("产品名称、型号、版本", "Product name, model, version",
	    products_text(json_object_get(r, "products")));
	snprintf(buf, sizeof(buf), "%s %s %s", str_or(json_object_get(up, "component"), "—"),
		 str_or(json_object_get(up, "version"), ""), str_or(json_object_get(up, "supplier"), ""));
	ADD("受影响组件", "Affected component", xstrdup(buf));
	ADD("漏洞名称", "Title", xstrdup(str_or(json_object_get(v, "title"), "—")));
	snprintf(buf, sizeof(buf), "GB/T 30279: %s; %s %s",
		 str_or(json_object_get(json_object_get(v, "type"), "gbt30279_class"), "—"),
		 str_or(json_object_get(json_object_get(v, "type"), "cwe"), "—"),
		 str_or(json_object_get(json_object_get(v, "type"), "cwe_name"), ""));
	ADD("漏洞类型", "Type", xstrdup(buf));
	ADD("技术特点", "Technical characteristics",
	    xstrdup(str_or(json_object_get(v, "technical_characteristics"), "—")));
	ADD("危害", "Harm", xstrdup(str_or(json_object_get(v, "harm"), "—")));
	snprintf(buf, sizeof(buf), "%s; CVSS %s %s",
		 str_or(json_object_get(g, "gbt30279"), "—"),
		 str_or(json_object_get(g, "cvss_vector"), "—"),
		 str_or(json_object_get(g, "severity"), ""));
	ADD("危害等级", "Grade", xstrdup(buf));
	ADD("影响范围", "Scope", xstrdup(str_or(json_object_get(v, "scope"), "—")));
	snprintf(buf, sizeof(buf), "%s (UTC %s)", str_or(json_object_get(r, "learned_at_local"), "—"),
		 str_or(json_object_get(r, "learned_at"), "—"));
	ADD("发现或获知时间", "Learned at", xstrdup(buf));
	snprintf(buf, sizeof(buf), "%s (%s)", str_or(json_object_get(r, "verification_status_zh"), ""),
		 str_or(json_object_get(r, "verification_status"), "—"));
	ADD("验证状态", "Verification status", xstrdup(buf));
	snprintf(buf, sizeof(buf), "%s: %s", str_or(json_object_get(rem, "status"), "—"),
		 str_or(json_object_get(rem, "plan"), "—"));
	ADD("修补状态及计划", "Remediation status and plan", xstrdup(buf));
	snprintf(buf, sizeof(buf), "%zu", json_array_size(json_object_get(r, "notifications")));
	ADD("已通知上下游（条）", "Notifications made", xstrdup(buf));
	snprintf(buf, sizeof(buf), "CVE %s; CNVD %s; CNNVD %s; NVDB %s",
		 str_or(json_object_get(ids, "cve"), "—"), str_or(json_object_get(ids, "cnvd"), "—"),
		 str_or(json_object_get(ids, "cnnvd"), "—"), str_or(json_object_get(ids, "nvdb"), "—"));
	ADD("相关编号", "Related identifiers", xstrdup(buf));
#undef ADD
	return n;
}

static char *render(json_t *r, int html)
{
	struct field f[20];
	size_t n = report_fields(r, f);
	struct buf b;

	buf_init(&b, 4 << 20);
	if (html) {
		buf_adds(&b, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
			     "<title>网络产品安全漏洞信息报送</title><style>body{font-family:sans-serif;"
			     "margin:2em}table{border-collapse:collapse;width:100%}th,td{border:1px "
			     "solid #444;padding:.4em;vertical-align:top;text-align:left}th{width:14em;"
			     "background:#eee}@media print{body{margin:0}}</style></head><body>\n"
			     "<h1>网络产品安全漏洞信息报送</h1>\n<p>依据《网络产品安全漏洞管理规定》第七条"
			     "第（二）项 · Art. 7(2)</p>\n<table>\n");
		for (size_t i = 0; i < n; i++) {
			buf_adds(&b, "<tr><th>");
			html_escape(&b, f[i].zh);
			buf_adds(&b, "<br><small>");
			html_escape(&b, f[i].en);
			buf_adds(&b, "</small></th><td>");
			html_escape(&b, f[i].value);
			buf_adds(&b, "</td></tr>\n");
		}
		buf_adds(&b, "</table>\n</body></html>\n");
	} else {
		buf_adds(&b, "网络产品安全漏洞信息报送 (Art. 7(2))\n\n");
		for (size_t i = 0; i < n; i++)
			buf_addf(&b, "%s / %s：%s\n", f[i].zh, f[i].en, f[i].value);
	}
	for (size_t i = 0; i < n; i++)
		free(f[i].value);
	return buf_detach(&b, NULL);
}

int cases_authority_report(struct cases *cs, const struct case_actor *a, int64_t id,
			   const char *format, json_t **out, char **text, struct err *e)
{
	struct case_data d;
	struct db_conn *c;
	json_t *r = NULL;
	int rc = -1;

	*out = NULL;
	*text = NULL;
	if (format && strcmp(format, "json") && strcmp(format, "html") && strcmp(format, "text"))
		return err_setn(e, ERR_INVALID, "invalid_parameter",
				"\"format\" must be json, html or text");
	if (case_tx_begin(cs, &c, e) < 0)
		return -1;
	if (case_load(cs, c, id, 0, &d, e) < 0)
		goto out;
	if (case_visible(c, a, &d, e) == 0 && report_content(cs, c, &d, &r, e) == 0 &&
	    audit_record(c, &a->a, "case.authority_report.read", "case", id, NULL, e) == 0)
		rc = 0;
	case_data_free(&d);
out:
	rc = case_tx_end(c, rc, e);
	if (rc < 0) {
		json_decref(r);
		return -1;
	}
	if (format && strcmp(format, "json") != 0) {
		*text = render(r, strcmp(format, "html") == 0);
		json_decref(r);
	} else {
		*out = r;
	}
	return 0;
}

/* ---- submissions ---- */

struct sub_list {
	json_t *arr;
	int max_version;
	char last_hash[CRYPTO_HASH_HEX_LEN];
};

static int sub_json(void *arg, const struct authority_submission_row *s, struct err *e)
{
	struct sub_list *l = arg;

	(void)e;
	if (s->version > l->max_version) {
		l->max_version = s->version;
		snprintf(l->last_hash, sizeof(l->last_hash), "%s", s->content_hash);
	}
	if (l->arr)
		json_array_append_new(l->arr, json_pack("{s:I,s:i,s:s,s:o,s:o,s:s?,s:s,s:o}",
							"id", (json_int_t)s->id, "version", s->version,
							"channel", s->channel, "submitted_at",
							case_time_json(s->submitted_at),
							"submitted_at_local",
							case_time_local_json(s->submitted_at),
							"receipt_number", s->receipt_number,
							"content_hash", s->content_hash, "leaf_index",
							s->leaf_index >= 0 ? json_integer(s->leaf_index)
									   : json_null()));
	return 0;
}

/* Channel hub: the frozen content goes to the hub in an authority_report
 * envelope (its outbound leaf is the evidence of sending); the submission is
 * met when the hub's signed receipt returns (hub_delivered()). */
static int hub_send(struct cases *cs, const struct case_actor *a, int64_t id, int version,
		    int64_t sid, const char *text, const char *hash, int64_t learned_at,
		    json_t *content, json_t **out, struct err *e)
{
	char env_id[ENVELOPE_ID_MAX + 1];
	struct case_data d;
	struct db_conn *c;
	int rc = -1;

	if (federation_send_authority_report(cs->fed, text, strlen(text), id, version, learned_at,
					     env_id, e) < 0) {
		/* not sent, so not recorded: give the version back */
		struct err e2 = ERR_INIT;

		if (case_tx_begin(cs, &c, &e2) == 0)
			case_tx_end(c, store_authority_submission_delete(c, sid, &e2), &e2);
		return -1;
	}
	if (case_tx_begin(cs, &c, e) < 0)
		return -1;
	if (case_load(cs, c, id, 1, &d, e) == 0) {
		if (case_event(c, a, id, "authority_report.sent", time_now_us(), NULL, NULL, NULL,
			       json_pack("{s:i,s:s,s:s,s:s}", "version", version, "channel", "hub",
					 "envelope_id", env_id, "content_sha256", hash),
			       NULL, e) == 0 &&
		    audit_record(c, &a->a, "case.authority_report.submit", "case", id,
				 json_pack("{s:i,s:s,s:s}", "version", version, "content_sha256", hash,
					   "envelope_id", env_id),
				 e) == 0)
			rc = 0;
		case_data_free(&d);
	}
	rc = case_tx_end(c, rc, e);
	if (rc == 0)
		*out = json_pack("{s:I,s:I,s:i,s:s,s:s,s:s,s:n,s:s,s:O}", "id", (json_int_t)sid,
				 "case_id", (json_int_t)id, "version", version, "channel", "hub",
				 "state", "sent", "envelope_id", env_id, "receipt_number",
				 "content_sha256", hash, "content", content);
	return rc;
}

/* The federation's delivery hook: the hub's signed receipt of an authority
 * report came back, so the submission is made (once: a second call for the
 * same envelope changes nothing). */
static void hub_delivered(void *arg, const char *envelope_id, int64_t case_id, int version,
			  const char *receipt, int64_t at)
{
	struct cases *cs = arg;
	struct case_actor sys = { { 0, "hub", NULL }, ROLE_ADMIN };
	struct err e = ERR_INIT;
	json_error_t je;
	json_t *rc_obj = json_loads(receipt ? receipt : "", 0, &je), *sent = NULL;
	const char *rid = json_string_value(json_object_get(rc_obj, "id"));
	int64_t leaf = -1;
	struct case_data d;
	struct db_conn *c;
	int changed = 0, rc = -1;

	if (rid == NULL) {
		fprintf(stderr, "vulnflow: hub receipt for case %lld is not an envelope\n",
			(long long)case_id);
		json_decref(rc_obj);
		return;
	}
	/* the envelope's own outbound leaf: the evidence of what was sent */
	if (federation_outbox_get(cs->fed, envelope_id, &sent, &e) == 0)
		leaf = json_integer_value(json_object_get(sent, "leaf_index"));
	if (case_tx_begin(cs, &c, &e) < 0)
		goto out;
	if (case_load(cs, c, case_id, 1, &d, &e) == 0) {
		rc = store_fed_submission_met(c, case_id, version, rid, leaf, at, &changed, &e);
		if (rc == 0 && changed)
			rc = case_event(c, &sys, case_id, "authority_report.submitted", at, NULL, NULL,
					NULL,
					json_pack("{s:i,s:s,s:s,s:I,s:s,s:O?,s:O}", "version", version,
						  "channel", "hub", "receipt_number", rid,
						  "leaf_index", (json_int_t)leaf, "envelope_id",
						  envelope_id, "content_sha256",
						  json_object_get(json_object_get(rc_obj, "body"),
								  "envelope_sha256"),
						  "hub_receipt", rc_obj),
					NULL, &e);
		if (rc == 0 && changed)
			rc = case_clocks_store(cs, c, &d, &e);
		if (rc == 0 && changed)
			rc = audit_record(c, &sys.a, "case.authority_report.hub_receipt", "case",
					  case_id, json_pack("{s:i,s:s,s:s}", "version", version,
							     "envelope_id", envelope_id,
							     "receipt_number", rid),
					  &e);
		case_data_free(&d);
	}
	rc = case_tx_end(c, rc, &e);
out:
	if (rc < 0)
		fprintf(stderr, "vulnflow: hub receipt for case %lld version %d not recorded: %s\n",
			(long long)case_id, version, e.msg);
	json_decref(sent);
	json_decref(rc_obj);
}

void cases_set_federation(struct cases *cs, struct federation *f)
{
	struct err e = ERR_INIT;
	json_t *list = NULL, *o;
	size_t i;

	cs->fed = f;
	if (f == NULL)
		return;
	federation_on_delivered(f, hub_delivered, cs);
	/* receipts stored while no hook ran (the process died in between) */
	if (federation_outbox_list(f, "delivered", 0, 1000, &list, &e) < 0) {
		fprintf(stderr, "vulnflow: hub receipts not checked: %s\n", e.msg);
		return;
	}
	json_array_foreach(list, i, o) {
		json_t *cid = json_object_get(o, "case_id");
		char *rtext;
		int64_t at = 0;

		if (!json_is_integer(cid) ||
		    strcmp(json_string_value(json_object_get(o, "type")), "authority_report") != 0)
			continue;
		rtext = json_dumps(json_object_get(o, "receipt"), JSON_COMPACT);
		time_parse_rfc3339(json_string_value(json_object_get(o, "delivered_at")), &at);
		hub_delivered(cs, json_string_value(json_object_get(o, "id")),
			      json_integer_value(cid),
			      (int)json_integer_value(json_object_get(o, "case_version")), rtext, at);
		free(rtext);
	}
	json_decref(list);
}

int cases_authority_submit(struct cases *cs, const struct case_actor *a, int64_t id,
			   json_t *body, json_t **out, struct err *e)
{
	const char *channel = json_string_value(json_object_get(body, "channel"));
	const char *receipt = json_string_value(json_object_get(body, "receipt_number"));
	json_t *sat = json_object_get(body, "submitted_at");
	struct authority_submission_row s = { 0 };
	struct sub_list sl = { NULL, 0, "" };
	struct intake_receipt leaf;
	struct case_data d;
	struct db_conn *c;
	json_t *content = NULL;
	char *text = NULL, hash[CRYPTO_HASH_HEX_LEN], aad[96], *logged = NULL;
	unsigned char *sealed = NULL;
	size_t sealed_len;
	int64_t submitted_at, now = time_now_us(), sid = 0;
	int rc = -1;

	*out = NULL;
	if (a->a.user_id && !role_has(a->role, CAP_CASES_WRITE))
		return err_setn(e, ERR_FORBIDDEN, "forbidden", "role \"%s\" cannot record submissions",
				role_name(a->role));
	if (!channel || (strcmp(channel, "web_form") && strcmp(channel, "email") &&
			 strcmp(channel, "hub")))
		return err_set(e, ERR_INVALID, "\"channel\" must be web_form, email or hub");
	if (strcmp(channel, "hub") == 0 && cs->fed == NULL)
		return err_setn(e, ERR_UNAVAILABLE, "federation_unavailable",
				"channel hub needs federation (`vulnflow serve`, a hub peer)");
	if (strcmp(channel, "hub") == 0 && (receipt != NULL || (sat != NULL && !json_is_null(sat))))
		return err_set(e, ERR_INVALID, "channel hub takes no \"receipt_number\" or "
			       "\"submitted_at\": the hub's signed receipt gives them");
	if (sat == NULL || json_is_null(sat))
		submitted_at = now;
	else if (!json_is_string(sat) || time_parse_rfc3339(json_string_value(sat), &submitted_at) < 0)
		return err_set(e, ERR_INVALID, "\"submitted_at\" must be an RFC 3339 time");
	if (submitted_at > now + 60 * TIME_US_PER_S)
		return err_set(e, ERR_INVALID, "\"submitted_at\" is in the future");
	if (receipt && (strlen(receipt) == 0 || strlen(receipt) > 200))
		return err_set(e, ERR_INVALID, "\"receipt_number\" must be 1-200 characters");

	/* 1. under the case's lock: freeze the content and reserve its version
	 *    (concurrent submissions of one case take the next versions) */
	if (case_tx_begin(cs, &c, e) < 0)
		return -1;
	if (case_load(cs, c, id, 1, &d, e) < 0)
		return case_tx_end(c, -1, e);
	if (case_visible(c, a, &d, e) < 0 || report_content(cs, c, &d, &content, e) < 0 ||
	    store_authority_submissions(c, id, sub_json, &sl, e) < 0)
		goto fail1;
	text = json_dumps(content, JSON_COMPACT | JSON_SORT_KEYS);
	crypto_sha256_hex(text, strlen(text), hash);
	if (sl.max_version > 0 && strcmp(sl.last_hash, hash) == 0 &&
	    !json_is_true(json_object_get(body, "resubmit_unchanged"))) {
		err_setn(e, ERR_CONFLICT, "unchanged",
			 "version %d was submitted with this same content; nothing changed since",
			 sl.max_version);
		goto fail1;
	}
	snprintf(aad, sizeof(aad), "vulnflow-authority-report/%lld/%d", (long long)id,
		 sl.max_version + 1);
	if (intake_seal_blob(cs->it, aad, text, strlen(text), &sealed, &sealed_len, e) < 0)
		goto fail1;
	s.case_id = id;
	s.version = sl.max_version + 1;
	s.channel = channel;
	s.submitted_at = submitted_at;
	s.receipt_number = receipt;
	s.content_hash = hash;
	s.content = sealed;
	s.content_len = sealed_len;
	s.leaf_index = -1;
	s.recorded_at = now;
	s.recorded_by = a->a.user_id;
	if (store_authority_submission_add(c, &s, &sid, e) < 0)
		goto fail1;
	{
		int64_t learned_at = d.learned_at;

		case_data_free(&d);
		if (case_tx_end(c, 0, e) < 0)
			goto out;
		if (strcmp(channel, "hub") == 0) {
			rc = hub_send(cs, a, id, s.version, sid, text, hash, learned_at, content, out,
				      e);
			goto out;
		}
	}

	/* 2. the content's hash into the receipt log (its own durable commit) */
	{
		json_t *p = json_pack("{s:i,s:s,s:s,s:I,s:i,s:s,s:s}", "v", 1, "channel", "outbound",
				      "kind", "authority_report", "case_id", (json_int_t)id,
				      "version", s.version, "content_sha256", hash,
				      "submitted_via", channel);

		logged = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(p);
	}
	if (intake_log_outbound(cs->it, logged, &leaf, e) < 0) {
		/* not evidenced, so not recorded: give the version back */
		struct err e2 = ERR_INIT;

		if (case_tx_begin(cs, &c, &e2) == 0)
			case_tx_end(c, store_authority_submission_delete(c, sid, &e2), &e2);
		goto out;
	}

	/* 3. the leaf on the submission, the event that meets the clock, audit */
	if (case_tx_begin(cs, &c, e) < 0)
		goto out;
	if (case_load(cs, c, id, 1, &d, e) == 0) {
		if (store_authority_submission_set_leaf(c, sid, (int64_t)leaf.leaf_index, e) == 0 &&
		    case_event(c, a, id, "authority_report.submitted", submitted_at, NULL, NULL, NULL,
			       json_pack("{s:i,s:s,s:s?,s:I,s:s}", "version", s.version, "channel",
					 channel, "receipt_number", receipt, "leaf_index",
					 (json_int_t)leaf.leaf_index, "content_sha256", hash),
			       NULL, e) == 0 &&
		    case_clocks_store(cs, c, &d, e) == 0 &&
		    audit_record(c, &a->a, "case.authority_report.submit", "case", id,
				 json_pack("{s:i,s:s}", "version", s.version, "content_sha256", hash),
				 e) == 0)
			rc = 0;
		case_data_free(&d);
	}
	rc = case_tx_end(c, rc, e);
	if (rc == 0)
		*out = json_pack("{s:I,s:I,s:i,s:s,s:o,s:s?,s:s,s:I,s:O}", "id", (json_int_t)sid,
				 "case_id", (json_int_t)id, "version", s.version, "channel", channel,
				 "submitted_at", case_time_json(submitted_at), "receipt_number",
				 receipt, "content_sha256", hash, "leaf_index",
				 (json_int_t)leaf.leaf_index, "content", content);
	goto out;
fail1:
	case_data_free(&d);
	case_tx_end(c, -1, e);
out:
	free(logged);
	free(sealed);
	free(text);
	json_decref(content);
	return rc;
}

/* ---- notifications ---- */

/* A registered party as a recipient: name, jurisdiction, its first contact's e-mail. */
static int party_recipient(void *arg, const struct party_row *p, struct err *e)
{
	json_t *r = arg, *contacts;
	json_error_t je;
	size_t i;
	json_t *ct;

	(void)e;
	json_object_set_new(r, "name", json_string(p->name));
	json_object_set_new(r, "country", json_string(p->jurisdiction ? p->jurisdiction : ""));
	contacts = json_loads(p->contacts ? p->contacts : "[]", 0, &je);
	json_array_foreach(contacts, i, ct)
		if (json_string_value(json_object_get(ct, "email"))) {
			json_object_set(r, "email", json_object_get(ct, "email"));
			break;
		}
	/* the first contact with a webhook {"url","secret_ref"} gets it too */
	json_array_foreach(contacts, i, ct)
		if (json_is_object(json_object_get(ct, "webhook"))) {
			json_object_set(r, "webhook", json_object_get(ct, "webhook"));
			break;
		}
	json_decref(contacts);
	return 0;
}

/* Recipients given as {"supplier_id"} or {"customer_id"} become the
 * registered party (a supplier is the provider of its component, Art. 9(7));
 * others are taken as written.  A new array into *out. */
static int resolve_recipients(struct db_conn *c, json_t *in, json_t **out, struct err *e)
{
	json_t *arr = json_array(), *r;
	size_t i;

	json_array_foreach(in, i, r) {
		json_t *sid = json_object_get(r, "supplier_id"), *cid = json_object_get(r, "customer_id");
		json_t *copy;

		if (!json_is_object(r)) {
			json_decref(arr);
			return err_set(e, ERR_INVALID, "\"recipients[%zu]\" must be an object", i);
		}
		if (sid == NULL && cid == NULL) {
			json_array_append(arr, r);
			continue;
		}
		copy = json_object();
		if ((sid && (!json_is_integer(sid) ||
			     store_supplier_get(c, json_integer_value(sid), party_recipient, copy, e) < 0)) ||
		    (cid && (!json_is_integer(cid) ||
			     store_customer_get(c, json_integer_value(cid), party_recipient, copy, e) < 0))) {
			json_decref(copy);
			json_decref(arr);
			return err_setn(e, ERR_INVALID, "unknown_party",
					"\"recipients[%zu]\" names no registered %s", i,
					sid ? "supplier" : "customer");
		}
		json_object_set_new(copy, "is_provider", json_boolean(sid != NULL));
		json_object_set(copy, sid ? "supplier_id" : "customer_id", sid ? sid : cid);
		json_array_append_new(arr, copy);
	}
	*out = arr;
	return 0;
}

static void details_free(char **details, size_t n)
{
	for (size_t i = 0; details && i < n; i++)
		free(details[i]);
	free(details);
}

int case_webhook_check(json_t *wh, size_t i, struct err *e)
{
	const char *url = json_string_value(json_object_get(wh, "url"));
	const char *ref = json_string_value(json_object_get(wh, "secret_ref"));
	struct err we = ERR_INIT;

	if (!json_is_object(wh))
		return err_set(e, ERR_INVALID, "\"recipients[%zu].webhook\" must be an object"
			       " {\"url\",\"secret_ref\"}", i);
	if (webhook_url_check(url, &we) < 0 || webhook_secret_ref_check(ref, &we) < 0)
		return err_set(e, ERR_INVALID, "recipients[%zu]: %s", i, we.msg);
	return 0;
}

json_t *case_webhook_evidence(const struct webhook_result *wr, const char *url)
{
	return json_pack("{s:s,s:s?,s:I,s:o,s:o,s:i,s:b,s:s?,s:s?,s:o}", "url", url,
			 "delivery_id", wr->delivery_id[0] ? wr->delivery_id : NULL, "timestamp",
			 (json_int_t)wr->timestamp, "sent_at", case_time_json(wr->sent_at),
			 "http_status", wr->http_status ? json_integer(wr->http_status) : json_null(),
			 "attempts", wr->delivery_id[0] ? 1 : 0, "delivered", wr->delivered,
			 "response_sha256", wr->response_sha256[0] ? wr->response_sha256 : NULL,
			 "error", wr->error[0] ? wr->error : NULL, "acknowledged_at",
			 wr->delivered ? case_time_json(wr->sent_at) : json_null());
}

int cases_notify(struct cases *cs, const struct case_actor *a, int64_t id, json_t *body,
		 json_t **out, struct err *e)
{
	const char *kind = json_string_value(json_object_get(body, "kind"));
	const char *message = json_string_value(json_object_get(body, "message"));
	json_t *recips = json_object_get(body, "recipients"), *r, *results = NULL, *resolved = NULL;
	struct notification_row *rows = NULL;
	char (*msgids)[256] = NULL, (*errors)[256] = NULL, **details = NULL;
	int64_t first_sent = 0;
	struct mail_out_config mc = { cs->in->cfg.smtp_url, cs->in->cfg.smtp_from, NULL,
				      cs->in->cfg.smtp_user, cs->in->cfg.smtp_password, 60 };
	struct case_data d;
	struct db_conn *c;
	int64_t now = time_now_us();
	size_t i;
	int rc = -1;

	*out = NULL;
	if (a->a.user_id && !role_has(a->role, CAP_CASES_WRITE))
		return err_setn(e, ERR_FORBIDDEN, "forbidden", "role \"%s\" cannot notify",
				role_name(a->role));
	if (!kind || (strcmp(kind, "upstream") && strcmp(kind, "downstream") &&
		      strcmp(kind, "reporter")))
		return err_set(e, ERR_INVALID, "\"kind\" must be upstream, downstream or reporter");
	if (!json_is_array(recips) || json_array_size(recips) == 0 || json_array_size(recips) > 1000)
		return err_set(e, ERR_INVALID, "\"recipients\" must be a list of 1-1000 recipients");
	if (db_acquire(cs->in->db, &c, 5000, e) < 0)
		return -1;
	rc = resolve_recipients(c, recips, &resolved, e);
	db_release(c);
	if (rc < 0)
		return -1;
	rc = -1;
	recips = resolved;
	json_array_foreach(recips, i, r) {
		const char *name = json_string_value(json_object_get(r, "name"));
		const char *country = json_string_value(json_object_get(r, "country"));
		const char *email = json_string_value(json_object_get(r, "email"));

		if (!json_is_object(r) || !name || !name[0] || strlen(name) > 200) {
			err_setn(e, ERR_INVALID, "missing_field", "\"recipients[%zu].name\" is required",
				 i);
			goto bad;
		}
		if (!country || strlen(country) != 2 || country[0] < 'A' || country[0] > 'Z' ||
		    country[1] < 'A' || country[1] > 'Z') {
			err_set(e, ERR_INVALID,
				"\"recipients[%zu].country\" must be an ISO 3166-1 alpha-2 code"
				" (the overseas guard needs it)", i);
			goto bad;
		}
		if (email && (strchr(email, '@') == NULL || strlen(email) > 254)) {
			err_set(e, ERR_INVALID, "\"recipients[%zu].email\" is not an address", i);
			goto bad;
		}
		if (json_object_get(r, "webhook") != NULL &&
		    case_webhook_check(json_object_get(r, "webhook"), i, e) < 0)
			goto bad;
	}
	if (message && strlen(message) > 100000) {
		err_set(e, ERR_INVALID, "\"message\" is too long");
		goto bad;
	}
	/* the case, read first (no transaction is held while mail is sent) */
	if (db_acquire(cs->in->db, &c, 5000, e) < 0)
		goto bad;
	rc = case_load(cs, c, id, 0, &d, e);
	if (rc == 0 && (rc = case_visible(c, a, &d, e)) < 0)
		case_data_free(&d);
	db_release(c);
	if (rc < 0)
		goto bad;
	rc = -1;
	rows = xcalloc(json_array_size(recips), sizeof(*rows));
	msgids = xcalloc(json_array_size(recips), sizeof(*msgids));
	errors = xcalloc(json_array_size(recips), sizeof(*errors));
	details = xcalloc(json_array_size(recips), sizeof(*details));
	json_array_foreach(recips, i, r) {
		struct notification_row *n = &rows[i];
		const char *country = json_string_value(json_object_get(r, "country"));
		const char *email = json_string_value(json_object_get(r, "email"));

		n->case_id = id;
		n->kind = kind;
		n->recipient_name = json_string_value(json_object_get(r, "name"));
		n->email = email;
		n->country = country;
		n->is_provider = json_is_true(json_object_get(r, "is_provider"));
		n->created_at = now;
		/* Art. 9(7): undisclosed details go to no overseas organisation or
		 * person other than the product's provider */
		if (strcmp(country, "CN") != 0 && !n->is_provider) {
			n->status = "refused";
			n->code = "rmsv_9_7_overseas";
		} else if (email && cs->in->cfg.smtp_url[0]) {
			struct mail_out_message m = { email, n->recipient_name, NULL, NULL, NULL };
			char subject[512];
			struct err se = ERR_INIT;

			snprintf(subject, sizeof(subject), "[vulnflow case %lld] %s", (long long)id,
				 d.title);
			m.subject = subject;
			m.body = message ? message : d.title;
			if (mail_out_send(&mc, &m, msgids[i], &se) == 0) {
				n->status = "sent";
				n->message_id = msgids[i];
				n->sent_at = time_now_us();
			} else {
				n->status = "failed";
				n->code = "delivery_failed";
				snprintf(errors[i], sizeof(errors[i]), "%s", se.msg);
			}
		} else {
			/* no mail relay (or no address): the notice is recorded as given by
			 * other means, at this time, by this person */
			n->status = "recorded";
			n->sent_at = now;
		}
		/* a webhook too: signed, its answer kept as evidence */
		if (strcmp(n->status, "refused") != 0 && json_object_get(r, "webhook")) {
			json_t *wh = json_object_get(r, "webhook"), *ev;
			struct webhook_result wr;
			struct err we = ERR_INIT;
			json_t *payload = json_pack("{s:s,s:s,s:I,s:s,s:s,s:s?}", "event",
						    "case.notification", "kind", kind, "case_id",
						    (json_int_t)id, "title", d.title, "recipient",
						    n->recipient_name, "message", message);
			char *text = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);

			json_decref(payload);
			if (webhook_deliver(&wr, cs->in->cfg.dir,
					    json_string_value(json_object_get(wh, "url")),
					    json_string_value(json_object_get(wh, "secret_ref")), text,
					    strlen(text), 10, (int)cs->in->cfg.webhook_allow_private,
					    &we) < 0) {
				snprintf(wr.error, sizeof(wr.error), "%s", we.msg);
				wr.sent_at = time_now_us();
			}
			free(text);
			ev = json_pack("{s:o}", "webhook",
				       case_webhook_evidence(&wr,
							     json_string_value(json_object_get(wh, "url"))));
			details[i] = json_dumps(ev, JSON_COMPACT | JSON_SORT_KEYS);
			json_decref(ev);
			if (!email || strcmp(n->status, "recorded") == 0) {
				/* the webhook is the channel: its result is the notice's */
				n->sent_at = wr.delivered ? wr.sent_at : 0;
				n->status = wr.delivered ? "sent" : "failed";
				n->code = wr.delivered ? NULL : "webhook_failed";
				snprintf(msgids[i], sizeof(msgids[i]), "%s", wr.delivery_id);
				n->message_id = msgids[i][0] ? msgids[i] : NULL;
			} else if (!wr.delivered) {
				n->status = "failed";
				n->code = "webhook_failed";
			}
			if (!wr.delivered)
				snprintf(errors[i], sizeof(errors[i]), "webhook: %.200s", wr.error);
			n->detail = details[i];
		}
		if (n->sent_at && (first_sent == 0 || n->sent_at < first_sent))
			first_sent = n->sent_at;
	}
	case_data_free(&d);
	/* then everything recorded in one transaction */
	if (case_tx_begin(cs, &c, e) < 0)
		goto bad;
	if (case_load(cs, c, id, 1, &d, e) < 0) {
		case_tx_end(c, -1, e);
		goto bad;
	}
	results = json_array();
	for (i = 0; i < json_array_size(recips); i++) {
		struct notification_row *n = &rows[i];
		int64_t nid;

		if (store_notification_add(c, n, &nid, e) < 0)
			goto done;
		json_array_append_new(results,
				      json_pack("{s:I,s:s,s:s,s:s,s:s?,s:s?,s:s?}", "id",
						(json_int_t)nid, "recipient", n->recipient_name,
						"country", n->country, "status", n->status, "code",
						n->code, "message_id", n->message_id, "error",
						strcmp(n->status, "failed") == 0 ? errors[i] : NULL));
		if (details[i]) {
			json_error_t je;
			json_t *dt = json_loads(details[i], 0, &je);

			json_object_update(json_array_get(results, json_array_size(results) - 1), dt);
			json_decref(dt);
		}
		if (n->code && strcmp(n->code, "rmsv_9_7_overseas") == 0 &&
		    audit_record(c, &a->a, "case.share.refused", "case", id,
				 json_pack("{s:s,s:s,s:s}", "recipient", n->recipient_name, "country",
					   n->country, "code", "rmsv_9_7_overseas"), e) < 0)
			goto done;
	}
	{
		char sent_kind[48];

		/* the event a notice clock is met by (dated by the first notice given) */
		snprintf(sent_kind, sizeof(sent_kind), "%s_notice.sent", kind);
		if (case_event(c, a, id, "notification", first_sent ? first_sent : now, NULL, NULL,
			       NULL, json_pack("{s:s,s:b,s:s,s:O}", "kind", kind, "given",
					       first_sent != 0, "meets", sent_kind, "results",
					       results), NULL, e) < 0 ||
		    (first_sent && case_clocks_store(cs, c, &d, e) < 0) ||
		    audit_record(c, &a->a, "case.notify", "case", id, json_pack("{s:s}", "kind", kind),
				 e) < 0)
			goto done;
	}
	*out = json_pack("{s:I,s:s,s:O}", "case_id", (json_int_t)id, "kind", kind, "results",
			 results);
	rc = 0;
done:
	json_decref(results);
	case_data_free(&d);
	free(rows);
	free(msgids);
	free(errors);
	details_free(details, json_array_size(recips));
	json_decref(resolved);
	return case_tx_end(c, rc, e);
bad:
	free(rows);
	free(msgids);
	free(errors);
	details_free(details, json_array_size(recips));
	json_decref(resolved);
	return -1;
}

/* ---- the dossier ---- */

static int timeline_json(void *arg, const struct case_event_row *ev, struct err *e)
{
	json_t *o = json_object();
	json_error_t je;

	(void)e;
	json_object_set_new(o, "id", json_integer(ev->id));
	json_object_set_new(o, "kind", json_string(ev->kind));
	json_object_set_new(o, "at", case_time_json(ev->at));
	json_object_set_new(o, "at_local", case_time_local_json(ev->at));
	json_object_set_new(o, "actor", json_string(ev->actor));
	if (ev->from_state)
		json_object_set_new(o, "from", json_string(ev->from_state));
	if (ev->to_state)
		json_object_set_new(o, "to", json_string(ev->to_state));
	if (ev->reason)
		json_object_set_new(o, "reason", json_string(ev->reason));
	json_object_set_new(o, "detail", json_loads(ev->detail ? ev->detail : "{}", 0, &je));
	json_array_append_new(arg, o);
	return 0;
}

static int export_row_json(void *arg, const struct case_export_row *x, struct err *e)
{
	(void)e;
	json_array_append_new(arg, json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:o,s:o,s:o,s:o}", "id",
					     (json_int_t)x->id, "status", x->status, "recipient",
					     x->recipient_name, "country", x->recipient_country,
					     "reason", x->reason, "requested_by",
					     (json_int_t)x->requested_by, "requested_at",
					     case_time_json(x->requested_at), "approved_by",
					     x->approved_by ? json_integer(x->approved_by)
							    : json_null(),
					     "approved_at", case_time_json(x->approved_at),
					     "first_fetched_at", case_time_json(x->fetched_at)));
	return 0;
}

int cases_dossier(struct cases *cs, const struct case_actor *a, int64_t id, const char *format,
		  json_t **out, char **text, struct err *e)
{
	struct case_data d;
	struct db_conn *c;
	struct notes ns = { json_array(), 0 };
	struct sub_list sl = { json_array(), 0, "" };
	struct clock_status *st = NULL;
	json_t *timeline = json_array(), *o = NULL, *exports = json_array();
	size_t n = 0;
	int rc = -1;

	*out = NULL;
	*text = NULL;
	if (format && strcmp(format, "json") && strcmp(format, "html")) {
		json_decref(ns.arr);
		json_decref(sl.arr);
		json_decref(timeline);
		json_decref(exports);
		return err_setn(e, ERR_INVALID, "invalid_parameter", "\"format\" must be json or html");
	}
	if (case_tx_begin(cs, &c, e) < 0)
		goto free_all;
	if (case_load(cs, c, id, 0, &d, e) < 0) {
		case_tx_end(c, -1, e);
		goto free_all;
	}
	if (case_visible(c, a, &d, e) == 0 && store_case_events(c, id, timeline_json, timeline, e) == 0 &&
	    store_exports(c, id, export_row_json, exports, e) == 0 &&
	    store_notifications(c, id, note_json, &ns, e) == 0 &&
	    store_authority_submissions(c, id, sub_json, &sl, e) == 0 &&
	    case_clocks_eval(cs, c, &d, time_now_us(), &st, &n, e) == 0 &&
	    audit_record(c, &a->a, "case.dossier.read", "case", id, NULL, e) == 0) {
		o = case_summary_json(&d);
		/* Art. 9(7) overrides flag the case for legal review */
		json_object_set(o, "legal_review", json_object_get(d.details, "legal_review")
							   ? json_object_get(d.details, "legal_review")
							   : json_null());
		json_object_set_new(o, "exports", exports);
		exports = NULL;
		json_object_set_new(o, "clocks", case_clocks_json(cs, st, n));
		json_object_set(o, "timeline", timeline);
		json_object_set(o, "notifications", ns.arr);
		json_object_set(o, "authority_report_submissions", sl.arr);
		rc = 0;
	}
	free(st);
	case_data_free(&d);
	rc = case_tx_end(c, rc, e);
free_all:
	json_decref(timeline);
	json_decref(ns.arr);
	json_decref(sl.arr);
	json_decref(exports);
	if (rc < 0) {
		json_decref(o);
		return -1;
	}
	if (format && strcmp(format, "html") == 0) {
		struct buf b;
		size_t i;
		json_t *x;

		buf_init(&b, 8 << 20);
		buf_adds(&b, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
			     "<title>合规档案 / compliance dossier</title><style>body{font-family:"
			     "sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid"
			     " #444;padding:.3em}</style></head><body>\n<h1>合规档案 / Compliance dossier"
			     "</h1>\n<h2>");
		html_escape(&b, json_string_value(json_object_get(o, "title")));
		buf_addf(&b, " (case %lld)</h2>\n", (long long)id);
		if (json_is_object(json_object_get(o, "legal_review"))) {
			buf_adds(&b, "<p><strong>需法务审查 / Flagged for legal review</strong> (Art. 9(7)"
				     " override): ");
			html_escape(&b, str_or(json_object_get(json_object_get(o, "legal_review"),
							       "reason"), ""));
			buf_adds(&b, "</p>\n");
		}
		buf_adds(&b, "<h3>义务时钟 / Clocks</h3>\n<table><tr><th>id</th>"
			     "<th>state</th><th>due (Asia/Shanghai)</th><th>met by event</th></tr>\n");
		json_array_foreach(json_object_get(o, "clocks"), i, x) {
			buf_adds(&b, "<tr><td>");
			html_escape(&b, str_or(json_object_get(x, "id"), ""));
			buf_adds(&b, "</td><td>");
			html_escape(&b, str_or(json_object_get(x, "state"), ""));
			buf_adds(&b, "</td><td>");
			html_escape(&b, str_or(json_object_get(x, "due_at_local"), ""));
			buf_addf(&b, "</td><td>%lld</td></tr>\n",
				 (long long)json_integer_value(json_object_get(x, "met_by_event")));
		}
		buf_adds(&b, "</table>\n<h3>时间线 / Timeline</h3>\n<table><tr><th>time (Asia/Shanghai)"
			     "</th><th>event</th><th>by</th><th>reason</th></tr>\n");
		json_array_foreach(json_object_get(o, "timeline"), i, x) {
			buf_adds(&b, "<tr><td>");
			html_escape(&b, str_or(json_object_get(x, "at_local"), ""));
			buf_adds(&b, "</td><td>");
			html_escape(&b, str_or(json_object_get(x, "kind"), ""));
			if (json_object_get(x, "to")) {
				buf_adds(&b, " → ");
				html_escape(&b, str_or(json_object_get(x, "to"), ""));
			}
			buf_adds(&b, "</td><td>");
			html_escape(&b, str_or(json_object_get(x, "actor"), ""));
			buf_adds(&b, "</td><td>");
			html_escape(&b, str_or(json_object_get(x, "reason"), ""));
			buf_adds(&b, "</td></tr>\n");
		}
		buf_addf(&b, "</table>\n<p>%zu notification(s), %zu authority-report submission(s).</p>"
			     "\n</body></html>\n",
			 json_array_size(json_object_get(o, "notifications")),
			 json_array_size(json_object_get(o, "authority_report_submissions")));
		*text = buf_detach(&b, NULL);
		json_decref(o);
	} else {
		*out = o;
	}
	return 0;
}

/* ---- escalation ---- */

struct due_clock {
	int64_t case_id;
	char clock_id[64];
	int64_t trigger_at, due_at, point;
};

struct due_list {
	struct due_clock items[64];
	int n;
};

static int take_due(void *arg, const struct case_clock_row *r, struct err *e)
{
	struct due_list *l = arg;

	(void)e;
	if (l->n < 64) {
		l->items[l->n].case_id = r->case_id;
		snprintf(l->items[l->n].clock_id, sizeof(l->items[l->n].clock_id), "%s", r->clock_id);
		l->items[l->n].due_at = r->due_at;
		l->items[l->n].trigger_at = r->trigger_at;
		l->items[l->n].point = r->next_escalation_at;
		l->n++;
	}
	return 0;
}

struct recipients {
	char (*emails)[256];
	int n, cap;
};

static int take_coordinator(void *arg, const struct user *u)
{
	struct recipients *rc = arg;

	if (u->disabled || (strcmp(u->role, "coordinator") && strcmp(u->role, "admin")))
		return 0;
	if (rc->n == rc->cap) {
		rc->cap = rc->cap ? rc->cap * 2 : 8;
		rc->emails = xrealloc(rc->emails, (size_t)rc->cap * sizeof(*rc->emails));
	}
	snprintf(rc->emails[rc->n++], 256, "%s", u->email);
	return 0;
}

/* Deliver one escalation to the configured webhook; its evidence. */
static json_t *escalation_webhook(struct cases *cs, const struct due_clock *dc, int64_t now)
{
	struct webhook_result wr;
	struct err we = ERR_INIT;
	int64_t span = dc->due_at - dc->trigger_at;
	json_t *p = json_pack("{s:s,s:I,s:s,s:o,s:o,s:o,s:i,s:b}", "event", "clock.escalation",
			      "case_id", (json_int_t)dc->case_id, "clock", dc->clock_id, "due_at",
			      case_time_json(dc->due_at), "due_at_local",
			      case_time_local_json(dc->due_at), "point", case_time_json(dc->point),
			      "percent", span > 0 ? (int)((dc->point - dc->trigger_at) * 100 / span)
						  : 100, "overdue", now > dc->due_at);
	char *text = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);

	json_decref(p);
	if (webhook_deliver(&wr, cs->in->cfg.dir, cs->in->cfg.escalation_webhook_url,
			    cs->in->cfg.escalation_webhook_secret_ref, text, strlen(text), 10,
			    (int)cs->in->cfg.webhook_allow_private, &we) < 0) {
		snprintf(wr.error, sizeof(wr.error), "%s", we.msg);
		wr.sent_at = time_now_us();
	}
	if (!wr.delivered)
		fprintf(stderr, "vulnflow: escalation webhook: %s\n", wr.error);
	free(text);
	return case_webhook_evidence(&wr, cs->in->cfg.escalation_webhook_url);
}

int cases_escalate(struct cases *cs, int64_t now, int *sent, struct err *e)
{
	struct due_list dl = { .n = 0 };
	struct recipients rcp = { NULL, 0, 0 };
	struct case_actor sys = { { 0, "system", "escalation" }, ROLE_ADMIN };
	struct db_conn *c;
	int rc;

	*sent = 0;
	if (db_acquire(cs->in->db, &c, 5000, e) < 0)
		return -1;
	rc = store_clocks_escalation_due(c, now, 64, take_due, &dl, e);
	db_release(c);
	if (rc < 0 || dl.n == 0)
		return rc;
	if (account_user_list(cs->in->db, 0, 10000, take_coordinator, &rcp, e) < 0)
		return -1;
	for (int i = 0; i < dl.n; i++) {
		struct due_clock *dc = &dl.items[i];
		struct case_data d;
		char subject[512], body[1024], due[TIMEFMT_LEN];
		json_t *wh = NULL;
		int ok = 0;

		if (case_tx_begin(cs, &c, e) < 0)
			break;
		if (case_load(cs, c, dc->case_id, 1, &d, e) == 0) {
			time_format_shanghai(dc->due_at, due);
			snprintf(subject, sizeof(subject), "[vulnflow 升级提醒 escalation] case %lld: %s",
				 (long long)dc->case_id, dc->clock_id);
			snprintf(body, sizeof(body),
				 "案件 %lld《%s》的义务时钟 %s 截止于 %s（北京时间）。\n"
				 "Case %lld \"%s\": clock %s is due %s (Asia/Shanghai)%s.\n",
				 (long long)dc->case_id, d.title, dc->clock_id, due,
				 (long long)dc->case_id, d.title, dc->clock_id, due,
				 now > dc->due_at ? " and is OVERDUE / 已逾期" : "");
			if (cs->in->cfg.smtp_url[0]) {
				struct mail_out_config mc = { cs->in->cfg.smtp_url, cs->in->cfg.smtp_from,
							      NULL, cs->in->cfg.smtp_user,
							      cs->in->cfg.smtp_password, 60 };

				for (int k = 0; k < rcp.n; k++) {
					struct mail_out_message m = { rcp.emails[k], NULL, subject, body,
								      NULL };
					struct err me = ERR_INIT;

					if (mail_out_send(&mc, &m, NULL, &me) < 0)
						fprintf(stderr, "vulnflow: escalation mail to %s: %s\n",
							rcp.emails[k], me.msg);
				}
			} else {
				fprintf(stderr, "vulnflow: escalation: %s", body);
			}
			/* the configured webhook too (ids and times only, no details) */
			if (cs->in->cfg.escalation_webhook_url[0])
				wh = escalation_webhook(cs, dc, now);
			/* the event records the point, so the next recompute moves on */
			if (case_event(c, &sys, dc->case_id, "escalation", now, NULL, NULL, NULL,
				       json_pack("{s:s,s:o,s:i,s:o*}", "clock", dc->clock_id, "point",
						 case_time_json(dc->point), "recipients", rcp.n,
						 "webhook", wh),
				       NULL, e) == 0 &&
			    case_clocks_store(cs, c, &d, e) == 0)
				ok = 1;
			case_data_free(&d);
		}
		if (case_tx_end(c, ok ? 0 : -1, e) < 0)
			break;
		(*sent)++;
	}
	free(rcp.emails);
	return 0;
}
