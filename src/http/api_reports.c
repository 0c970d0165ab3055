/* api_reports.c - the intake channel: POST /api/v1/reports (JSON or form), receipts, the queue. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "base/mem.h"
#include "base/timefmt.h"
#include "formats/mime.h"
#include "http/api.h"
#include "service/fed_platform.h"
#include "http/auth.h"
#include "http/server.h"
#include "service/intake.h"
#include "service/pow.h"
#include "store/store_report.h"

/* A submission being read, whichever encoding it came in. */
struct submission {
	struct intake_report r;
	struct intake_attachment *atts;
	size_t natts;
	struct intake_parsed *parsed;  /* a JSON submission */
	struct mime_form *form;        /* a form submission */
	const char *pow;
};

static void submission_free(struct submission *s)
{
	free(s->atts);
	intake_parsed_free(s->parsed);
	mime_form_free(s->form);
}

static int media_is(const char *ct, const char *type)
{
	size_t n = strlen(type);

	return ct != NULL && strncasecmp(ct, type, n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* Form field names: the JSON paths with '_' for '.' (product_name, ...);
 * the dotted names are accepted too. */
static const char *form_get(const struct mime_form *f, const char *a, const char *b)
{
	const char *v = mime_form_get(f, a);

	if (v == NULL)
		v = mime_form_get(f, b);
	return v != NULL && v[0] != '\0' ? v : NULL;
}

static int from_form(struct submission *s, const char *ct, const char *body, size_t len,
		     const struct intake_limits *lim, struct err *e)
{
	struct mime_limits ml = MIME_LIMITS_DEFAULT;
	struct mime_form *f;
	const char *credit;

	ml.max_parts = lim->attachments_count_max + 32;
	ml.max_part_size = lim->attachment_max > 200000 ? lim->attachment_max : 200000;
	ml.max_total = len + 1;
	if (mime_parse_form(&s->form, ct, body, len, &ml, e) < 0)
		return -1;
	f = s->form;
	s->r.title = form_get(f, "title", "title");
	s->r.description = form_get(f, "description", "description");
	s->r.language = form_get(f, "language", "language");
	s->r.product_name = form_get(f, "product_name", "product.name");
	s->r.product_model = form_get(f, "product_model", "product.model");
	s->r.product_version = form_get(f, "product_version", "product.version");
	s->r.reporter_name = form_get(f, "reporter_name", "reporter.name");
	s->r.reporter_email = form_get(f, "reporter_email", "reporter.email");
	s->r.reporter_organization = form_get(f, "reporter_organization", "reporter.organization");
	s->r.reporter_country = form_get(f, "reporter_country", "reporter.country");
	credit = form_get(f, "reporter_credit", "reporter.credit");
	if (credit != NULL && strcmp(credit, "on") != 0 && strcmp(credit, "true") != 0 &&
	    strcmp(credit, "1") != 0)
		return err_setn(e, ERR_INVALID, "invalid_field",
				"\"reporter_credit\" must be \"on\", \"true\" or \"1\" (or absent)");
	s->r.reporter_credit = credit != NULL;
	s->pow = form_get(f, "pow", "pow");
	s->atts = xcalloc(f->nfiles + 1, sizeof(*s->atts));
	for (size_t i = 0; i < f->nfiles; i++) {
		/* a browser sends an empty, nameless part for a file input left empty */
		if (f->files[i].len == 0 && f->files[i].filename[0] == '\0')
			continue;
		s->atts[s->natts].filename = f->files[i].filename;
		s->atts[s->natts].declared_type = f->files[i].content_type;
		s->atts[s->natts].data = f->files[i].data;
		s->atts[s->natts].len = f->files[i].len;
		s->natts++;
	}
	s->r.attachments = s->atts;
	s->r.nattachments = s->natts;
	return 0;
}

/* A submission (or a refusal) waiting for its commit while the connection
 * is suspended. */
struct pending {
	struct intake_receipt receipt;
	int rc;
	struct err err;                /* the commit's error */
	int refusal;                   /* 1: logging a refusal of why */
	struct err why;
};

static void pending_free(void *p)
{
	free(p);
}

/* The writer thread's completion: keep the outcome, wake the connection. */
static void committed(void *arg, int rc, const struct err *e)
{
	struct req *r = arg;
	struct pending *p = r->async;

	p->rc = rc;
	if (rc < 0)
		p->err = *e;
	req_resume(r);
}

static struct pending *pending_new(struct req *r)
{
	struct pending *p = xcalloc(1, sizeof(*p));

	r->async = p;
	r->async_free = pending_free;
	return p;
}

static int render_refusal(struct req *r)
{
	struct pending *p = r->async;
	char id[32];

	if (p->rc < 0)
		return req_fail(r, &p->err);  /* the log is not writable: say so */
	snprintf(id, sizeof(id), "%llu", (unsigned long long)p->receipt.leaf_index);
	req_header(r, "X-Vulnflow-Log-Leaf", id);
	return req_fail(r, &p->why);
}

/* Log what was refused without holding the thread, then fail with why. */
static int refuse_async(struct req *r, enum intake_channel ch, enum intake_disposition d,
			const struct err *why)
{
	struct pending *p = pending_new(r);
	struct err e = ERR_INIT;

	p->refusal = 1;
	p->why = *why;
	req_suspend(r, render_refusal);
	if (intake_reject_async(r->app->intake, ch, d, r->body.data, r->body.len,
				r->body_declared ? r->body_declared : r->body_received, why->msg,
				&p->receipt, committed, r, &e) < 0) {
		p->rc = -1;
		p->err = e;
		req_resume(r);
	}
	return REQ_SUSPENDED;
}

/* Log what was refused, then fail the request with why (synchronously: for
 * a body refused before it is read, from libmicrohttpd's first call). */
static int refuse(struct req *r, enum intake_channel ch, enum intake_disposition d,
		  const struct err *why)
{
	struct intake_receipt rc;
	struct err e = ERR_INIT;
	char id[32];

	if (intake_reject(r->app->intake, ch, d, r->body.data, r->body.len,
			  r->body_declared ? r->body_declared : r->body_received, why->msg, &rc,
			  &e) < 0)
		return req_fail(r, &e);       /* the log is not writable: say so */
	snprintf(id, sizeof(id), "%llu", (unsigned long long)rc.leaf_index);
	req_header(r, "X-Vulnflow-Log-Leaf", id);
	return req_fail(r, why);
}


static int render_receipt(struct req *r)
{
	struct pending *p = r->async;
	char loc[160];
	struct buf b;

	if (p->rc < 0)
		return req_fail(r, &p->err);
	if (r->route->html) {
		/* the web form: on to the receipt page (POST-redirect-GET) */
		snprintf(loc, sizeof(loc), "/receipt/%s", p->receipt.status_token);
		req_header(r, "Location", loc);
		memset(&p->receipt, 0, sizeof(p->receipt));
		r->status = 303;
		return 0;
	}
	buf_init(&b, 1 << 16);
	buf_adds(&b, "{\"receipt\":");
	intake_receipt_text(r->app->intake, &p->receipt, &b);
	buf_adds(&b, "}");
	snprintf(loc, sizeof(loc), "/api/v1/receipts/%s", p->receipt.status_token);
	req_header(r, "Location", loc);
	memset(&p->receipt, 0, sizeof(p->receipt));
	r->status = 201;
	r->text = buf_detach(&b, &r->text_len);
	r->content_type = "application/json; charset=utf-8";
	return 0;
}

int api_reports_submit(struct req *r)
{
	struct intake *it = r->app->intake;
	const char *ct = req_header_in(r, "Content-Type");
	enum intake_channel ch = media_is(ct, "multipart/form-data") ? INTAKE_FORM : INTAKE_API;
	struct submission s;
	struct pending *p;
	struct intake_limits lim = {
		(size_t)r->app->in->cfg.attachment_limit,
		(size_t)r->app->in->cfg.attachments_limit,
		(size_t)r->app->in->cfg.attachments_max,
	};
	struct err e = ERR_INIT;
	int rc;

	if (atomic_load(&r->app->stopping)) {
		err_setn(&e, ERR_UNAVAILABLE, "stopping", "the server is stopping; retry shortly");
		return req_fail(r, &e);
	}
	if (r->body_too_large) {
		err_set(&e, ERR_TOO_LARGE, "report is larger than %ld bytes",
			r->app->in->cfg.intake_body_limit);
		return refuse(r, ch, INTAKE_REJECTED_TOO_LARGE, &e);
	}
	memset(&s, 0, sizeof(s));
	if (ch == INTAKE_FORM)
		rc = from_form(&s, ct, r->body.data ? r->body.data : "", r->body.len, &lim, &e);
	else if (media_is(ct, "application/json")) {
		rc = intake_parse_json(&s.parsed, r->body.data ? r->body.data : "", r->body.len, &e);
		if (rc == 0) {
			s.r = s.parsed->report;
			s.pow = s.parsed->pow;
		}
	}
	else
		rc = err_set(&e, ERR_MEDIA_TYPE, "send application/json or multipart/form-data, not "
			     "\"%s\"", ct ? ct : "(none)");
	if (rc == 0 && r->app->pow != NULL) {
		const char *sol = req_header_in(r, "X-Vulnflow-PoW");

		rc = pow_check(r->app->pow, sol ? sol : s.pow, time_now_us() / TIME_US_PER_S, &e);
		if (rc < 0) {
			/* not logged: a flood without work must not fill the log */
			submission_free(&s);
			return req_fail(r, &e);
		}
	}
	/* a signed-in reporter follows the report in their list; a cookie
	 * session counts only with its CSRF token (no cross-site attribution) */
	if (r->authenticated && (!r->via_cookie || auth_csrf_ok(r)))
		s.r.reporter_user_id = r->who.user.id;
	if (rc == 0)
		rc = intake_validate(&s.r, &lim, &e);
	if (rc < 0) {
		submission_free(&s);
		return refuse_async(r, ch, e.code == ERR_TOO_LARGE ? INTAKE_REJECTED_TOO_LARGE
							       : INTAKE_REJECTED_INVALID, &e);
	}
	/* wait for the durable commit without holding this thread */
	p = pending_new(r);
	req_suspend(r, render_receipt);
	if (atomic_load(&r->app->stopping)) {
		/* server_stop() began after the check above: answer 503 at once */
		p->rc = -1;
		err_setn(&p->err, ERR_UNAVAILABLE, "stopping", "the server is stopping; retry shortly");
		req_resume(r);
		submission_free(&s);
		return REQ_SUSPENDED;
	}
	if (intake_submit_async(it, ch, &s.r, &p->receipt, committed, r, &e) < 0) {
		p->rc = -1;
		p->err = e;
		req_resume(r);
	}
	submission_free(&s);
	return REQ_SUSPENDED;
}

int api_reports_submit_form(struct req *r)
{
	/* the same intake; render_receipt and the router's error page see
	 * r->route->html */
	return api_reports_submit(r);
}

int api_reports_challenge(struct req *r)
{
	char ch[POW_CHALLENGE_LEN], when[TIMEFMT_LEN];
	int64_t expires;
	struct err e = ERR_INIT;

	if (r->app->pow == NULL) {
		err_setn(&e, ERR_NOT_FOUND, "pow_disabled",
			 "this server does not ask for a proof of work (intake_pow_bits = 0)");
		return req_fail(r, &e);
	}
	pow_challenge(r->app->pow, time_now_us() / TIME_US_PER_S, ch, &expires);
	time_format_utc(expires * TIME_US_PER_S, when);
	return req_json(r, 200, json_pack("{s:s,s:i,s:s,s:s,s:s}", "challenge", ch, "bits",
					  (int)pow_bits(r->app->pow), "algorithm", "sha256",
					  "expires_at", when, "header", "X-Vulnflow-PoW"));
}

int api_receipt_status(struct req *r)
{
	json_t *out;
	struct err e = ERR_INIT;

	if (intake_status(r->app->intake, r->path_token, &out, &e) < 0)
		return req_fail(r, &e);
	/* on a platform: what the providers it was routed to said (fed_platform.h) */
	if (fed_routed_status_add(r->app->in, out, &e) < 0) {
		json_decref(out);
		return req_fail(r, &e);
	}
	return req_json(r, 200, out);
}

/* What a reporter sees of their own report: spam is an internal mark. */
static void reporter_view(json_t *o)
{
	if (strcmp(json_string_value(json_object_get(o, "status")) ?: "", "spam") == 0)
		json_object_set_new(o, "status", json_string("received"));
	json_object_del(o, "spam_reason");
	json_object_del(o, "spam_at");
	/* whether someone handles it, not which case (case ids are need-to-know) */
	json_object_set_new(o, "in_case", json_boolean(!json_is_null(json_object_get(o, "case_id"))));
	json_object_del(o, "case_id");
}

int api_reports_list(struct req *r)
{
	struct report_filter f = { 0 };
	struct actor a = req_actor(r);
	const char *status = req_query(r, "status");
	const char *in_case;
	int64_t limit, before;
	json_t *items;
	struct err e = ERR_INIT;

	if (req_query_int(r, "limit", 1, 500, 50, &limit) < 0 ||
	    req_query_int(r, "before", 0, INT64_MAX, 0, &before) < 0)
		return -1;
	if (status && strcmp(status, "received") != 0 && strcmp(status, "spam") != 0 &&
	    strcmp(status, "rejected") != 0) {
		err_setn(&e, ERR_INVALID, "invalid_parameter",
			 "\"status\" must be received, spam or rejected");
		return req_fail(r, &e);
	}
	in_case = req_query(r, "in_case");
	if (in_case && strcmp(in_case, "true") != 0 && strcmp(in_case, "false") != 0) {
		err_setn(&e, ERR_INVALID, "invalid_parameter", "\"in_case\" must be true or false");
		return req_fail(r, &e);
	}
	if (in_case)
		f.in_case = strcmp(in_case, "true") == 0 ? 1 : 2;
	f.status = status;
	f.limit = (int)limit;
	f.before_id = before;
	if (!role_has(r->who.role, CAP_CASES_READ)) {
		if (!role_has(r->who.role, CAP_REPORTS_OWN)) {
			err_setn(&e, ERR_FORBIDDEN, "forbidden", "role \"%s\" cannot list reports",
				 role_name(r->who.role));
			return req_fail(r, &e);
		}
		f.reporter_user_id = r->who.user.id;   /* a reporter sees their own */
	}
	if (f.reporter_user_id && status && strcmp(status, "received") != 0) {
		/* a reporter's reports are all "received" to them */
		err_setn(&e, ERR_INVALID, "invalid_parameter",
			 "reporters can list only status \"received\"");
		return req_fail(r, &e);
	}
	if (f.reporter_user_id)
		f.status = NULL;
	if (intake_report_list(r->app->intake, &a, &f, &items, &e) < 0)
		return req_fail(r, &e);
	if (f.reporter_user_id)
		for (size_t i = 0; i < json_array_size(items); i++)
			reporter_view(json_array_get(items, i));
	{
		json_t *reply = json_object();
		size_t n = json_array_size(items);

		json_object_set_new(reply, "items", items);
		if ((int64_t)n == limit)
			json_object_set_new(reply, "next_before",
					    json_object_get(json_array_get(items, n - 1), "id")
						    ? json_incref(json_object_get(json_array_get(items, n - 1), "id"))
						    : json_null());
		return req_json(r, 200, reply);
	}
}

int api_report_get(struct req *r)
{
	struct actor a = req_actor(r);
	int64_t only;
	json_t *out;
	struct err e = ERR_INIT;

	if (!role_has(r->who.role, CAP_CASES_READ) && !role_has(r->who.role, CAP_REPORTS_OWN)) {
		err_setn(&e, ERR_FORBIDDEN, "forbidden", "role \"%s\" cannot read reports",
			 role_name(r->who.role));
		return req_fail(r, &e);
	}
	/* a reporter reads only their own; a refused read is not a read */
	only = role_has(r->who.role, CAP_CASES_READ) ? 0 : r->who.user.id;
	if (intake_report_get(r->app->intake, &a, r->path_id, only, &out, &e) < 0)
		return req_fail(r, &e);
	if (only)
		reporter_view(out);
	return req_json(r, 200, out);
}

int api_report_attachment(struct req *r)
{
	struct actor a = req_actor(r);
	unsigned char *data;
	size_t len;
	char type[128];
	struct err e = ERR_INIT;
	long seq = strtol(r->path_token, NULL, 10);

	if (seq < 1 || seq > 1000) {
		err_set(&e, ERR_NOT_FOUND, "no attachment \"%s\"", r->path_token);
		return req_fail(r, &e);
	}
	if (intake_attachment_get(r->app->intake, &a, r->path_id, (int)seq, &data, &len, type,
				  sizeof(type), &e) < 0)
		return req_fail(r, &e);
	r->status = 200;
	r->text = (char *)data;
	r->text_len = len;
	/* never rendered by the browser: a PoC is a download, not a page */
	r->content_type = "application/octet-stream";
	req_header(r, "X-Vulnflow-Media-Type", type);
	req_header(r, "Content-Disposition", "attachment");
	return 0;
}

const struct jv_field api_report_mark_body[] = {
	{ .name = "spam", .type = JV_BOOL, .required = 1,
	  .description = "true: spam (leaves the queue, stays in the log); false: back to the queue" },
	{ .name = "reason", .type = JV_STRING, .min = 1, .max = 500,
	  .description = "why (required when spam is true)" },
	{ 0 }
};

int api_report_mark(struct req *r)
{
	struct actor a = req_actor(r);
	int spam = json_is_true(json_object_get(r->json, "spam"));
	const char *reason = json_string_value(json_object_get(r->json, "reason"));
	struct err e = ERR_INIT;

	if (intake_report_mark(r->app->intake, &a, r->path_id, spam, reason, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, json_pack("{s:I,s:s}", "id", (json_int_t)r->path_id, "status",
					  spam ? "spam" : "received"));
}
