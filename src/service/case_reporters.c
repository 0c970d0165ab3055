/* case_reporters.c - reporter updates: at each state change of a case, every reporter of its
 * reports gets an e-mail in the report's language, with nothing undisclosed in it (the new
 * state, their receipt id, how to look the status up), and each message is evidenced. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/timefmt.h"
#include "rules/case.h"
#include "service/account.h"
#include "service/audit.h"
#include "service/cases_impl.h"
#include "service/instance.h"
#include "service/intake.h"
#include "service/mail_out.h"
#include "store/store_case.h"

/* The message for one reporter: only the state, the receipt id and how to
 * look it up; never the case's title, product or technical details. */
static void reporter_text(const char *lang, int64_t report_id, const char *state,
			  const char *public_url, char **subject, char **body)
{
	const struct case_label *l = NULL;
	enum case_state st;
	struct err ignored = ERR_INIT;
	struct buf b;
	char when[TIMEFMT_LEN];
	int en = lang && strncmp(lang, "en", 2) == 0;
	const char *base = public_url && public_url[0] ? public_url : "";

	if (case_state_from_name(&st, state, &ignored) == 0)
		l = case_state_label(st);
	time_format_shanghai(time_now_us(), when);
	buf_init(&b, 64 * 1024);
	if (en) {
		buf_addf(&b, "[vulnflow] Your vulnerability report %lld: %s", (long long)report_id,
			 l ? l->en : state);
		*subject = buf_detach(&b, NULL);
		buf_addf(&b, "Hello,\n\nthe handling of the vulnerability report you sent us (receipt"
			     " id %lld) has moved on.\n\nStatus now: %s (%s)\nSince: %s (Asia/Shanghai)"
			     "\n\nTo look the status up at any time, use the status token from your"
			     " receipt:\n  GET %s/api/v1/receipts/<status token>\n\nThis message carries"
			     " no details of the vulnerability. Please keep them confidential until"
			     " it is published.\n", (long long)report_id, l ? l->en : state, state, when,
			 base);
	} else {
		buf_addf(&b, "[vulnflow] 您的漏洞报告 %lld 状态更新：%s", (long long)report_id,
			 l ? l->zh : state);
		*subject = buf_detach(&b, NULL);
		buf_addf(&b, "您好：\n\n您提交的漏洞报告（回执编号 %lld）处理进度已更新。\n\n"
			     "当前状态：%s（%s）\n更新时间：%s（北京时间）\n\n"
			     "可随时使用回执中的状态令牌查询进度：\n  GET %s/api/v1/receipts/<状态令牌>\n\n"
			     "本邮件不含漏洞细节。在漏洞公开发布前，请对漏洞信息保密。\n",
			 (long long)report_id, l ? l->zh : state, state, when, base);
	}
	*body = buf_detach(&b, NULL);
}

struct one_update {
	int64_t report_id;
	char *name, *email, *country, *language;
	struct notification_row row;
	char msgid[256];
	char *detail;
};

/* What the report says of its reporter (read as the system; the read is audited). */
static void read_reporter(struct cases *cs, struct one_update *u)
{
	struct actor sys = { 0, "system", "reporter-update" };
	json_t *rep = NULL, *who;
	struct err e = ERR_INIT;

	if (intake_report_get(cs->it, &sys, u->report_id, 0, &rep, &e) < 0)
		return;
	who = json_object_get(rep, "reporter");
	if (json_string_value(json_object_get(who, "email")))
		u->email = xstrdup(json_string_value(json_object_get(who, "email")));
	if (json_string_value(json_object_get(who, "name")))
		u->name = xstrdup(json_string_value(json_object_get(who, "name")));
	if (json_string_value(json_object_get(who, "country")))
		u->country = xstrdup(json_string_value(json_object_get(who, "country")));
	if (json_string_value(json_object_get(rep, "language")))
		u->language = xstrdup(json_string_value(json_object_get(rep, "language")));
	/* a signed-in reporter who left the form's address empty: their account's */
	if (u->email == NULL && json_integer_value(json_object_get(rep, "reporter_user_id")) > 0) {
		struct user acct;

		if (account_user_get(cs->in->db,
				     json_integer_value(json_object_get(rep, "reporter_user_id")),
				     &acct, &e) == 0 && !acct.disabled && acct.email[0])
			u->email = xstrdup(acct.email);
	}
	json_decref(rep);
}

int case_reporter_updates(struct cases *cs, const struct case_actor *a, int64_t id,
			  const char *from, const char *to, json_t *report_ids, json_t **out,
			  struct err *e)
{
	struct mail_out_config mc = { cs->in->cfg.smtp_url, cs->in->cfg.smtp_from, NULL,
				      cs->in->cfg.smtp_user, cs->in->cfg.smtp_password, 60 };
	size_t n = json_array_size(report_ids), i;
	struct one_update *u;
	struct db_conn *c;
	json_t *results;
	int64_t now = time_now_us();
	int rc = -1;

	*out = NULL;
	/* no relay, no reports: nothing to send, nothing to record */
	if (n == 0 || cs->in->cfg.smtp_url[0] == '\0')
		return 0;
	u = xcalloc(n, sizeof(*u));
	for (i = 0; i < n; i++) {
		struct one_update *x = &u[i];
		const char *lang;
		json_t *dt;

		x->report_id = json_integer_value(json_array_get(report_ids, i));
		read_reporter(cs, x);
		lang = x->language && strncmp(x->language, "en", 2) == 0 ? "en" : "zh-CN";
		x->row.case_id = id;
		x->row.kind = "reporter";
		x->row.recipient_name = x->name ? x->name : "reporter";
		x->row.email = x->email;
		x->row.country = x->country ? x->country : "";
		x->row.created_at = now;
		if (x->email == NULL) {
			x->row.status = "skipped";
			x->row.code = "no_email";
		} else {
			struct mail_out_message m = { x->email, x->name, NULL, NULL, NULL };
			char *subject, *body;
			struct err se = ERR_INIT;

			reporter_text(lang, x->report_id, to, cs->in->cfg.public_url, &subject, &body);
			m.subject = subject;
			m.body = body;
			if (mail_out_send(&mc, &m, x->msgid, &se) == 0) {
				x->row.status = "sent";
				x->row.message_id = x->msgid;
				x->row.sent_at = time_now_us();
			} else {
				x->row.status = "failed";
				x->row.code = "delivery_failed";
			}
			free(subject);
			free(body);
		}
		dt = json_pack("{s:s,s:I,s:s,s:s?,s:s}", "channel", "email", "report_id",
			       (json_int_t)x->report_id, "language", lang, "from_state", from,
			       "state", to);
		x->detail = json_dumps(dt, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(dt);
		x->row.detail = x->detail;
	}
	results = json_array();
	if (case_tx_begin(cs, &c, e) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		int64_t nid;

		if (store_notification_add(c, &u[i].row, &nid, e) < 0)
			break;
		json_array_append_new(results,
				      json_pack("{s:I,s:I,s:s,s:s,s:s?,s:s?}", "id", (json_int_t)nid,
						"report_id", (json_int_t)u[i].report_id, "language",
						u[i].language ? u[i].language : "zh-CN", "status",
						u[i].row.status, "code", u[i].row.code, "message_id",
						u[i].row.message_id));
	}
	if (i == n &&
	    case_event(c, a, id, "reporter_update", now, NULL, NULL, NULL,
		       json_pack("{s:s,s:O}", "state", to, "results", results), NULL, e) == 0 &&
	    audit_record(c, &a->a, "case.reporter_update", "case", id,
			 json_pack("{s:s,s:I}", "state", to, "messages", (json_int_t)n), e) == 0)
		rc = 0;
	rc = case_tx_end(c, rc, e);
	if (rc == 0) {
		*out = results;
		results = NULL;
	}
out:
	json_decref(results);
	for (i = 0; i < n; i++) {
		free(u[i].name);
		free(u[i].email);
		free(u[i].country);
		free(u[i].language);
		free(u[i].detail);
	}
	free(u);
	return rc;
}
