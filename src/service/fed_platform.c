/* fed_platform.c - filing and the registry, the provider directory and programs, routing, status
 * updates and advisories published (see fed_platform.h). */
#include "service/fed_platform.h"

#include <fnmatch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/timefmt.h"
#include "formats/envelope.h"
#include "service/account.h"
#include "service/audit.h"
#include "service/fed_types.h"
#include "service/federation.h"
#include "service/fed_hub.h"
#include "service/instance.h"
#include "service/intake.h"
#include "service/mail_out.h"
#include "service/platform_users.h"
#include "store/store_federation.h"
#include "store/store_platform.h"
#include "store/store_report.h"

#define RULES_MAX 20000
#define WORK_BATCH 32
#define DIRECTORY_MAX 256 /* active provider directory entries */

/* ---- small helpers ---- */

static json_t *time_json(int64_t us)
{
	char buf[TIMEFMT_LEN];

	if (us == 0)
		return json_null();
	time_format_utc(us, buf);
	return json_string(buf);
}

static int in_tx(struct db *db, int (*fn)(struct db_conn *c, void *arg, struct err *e), void *arg,
		 struct err *e)
{
	struct db_conn *c;
	int rc;

	if (db_acquire(db, &c, 5000, e) < 0)
		return -1;
	rc = db_begin(c, e);
	if (rc == 0)
		rc = fn(c, arg, e);
	if (rc == 0)
		rc = db_commit(c, e);
	else
		db_rollback(c);
	db_release(c);
	return rc;
}

/* fn(c, arg) on a pool connection, no transaction (reads). */
static int on_conn(struct db *db, int (*fn)(struct db_conn *c, void *arg, struct err *e), void *arg,
		   struct err *e)
{
	struct db_conn *c;
	int rc;

	if (db_acquire(db, &c, 5000, e) < 0)
		return -1;
	rc = fn(c, arg, e);
	db_release(c);
	return rc;
}

static char *compact(const json_t *v)
{
	return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

/* A string of 1..max characters without control characters (newlines and
 * tabs only where multiline). */
static int text_ok(const char *s, size_t max, int multiline)
{
	size_t n = 0;

	if (s == NULL || s[0] == '\0')
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 && !(multiline && (*p == '\n' || *p == '\t' || *p == '\r')))
			return 0;
		if (*p == 0x7f)
			return 0;
		if ((*p & 0xc0) != 0x80)
			n++;
	}
	return n <= max;
}

static int cc_ok(const char *s)
{
	return s != NULL && strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' &&
	       s[1] <= 'Z';
}

/* ---- filing ---- */

static const char *const filing_members[] = {
    "name",	   "url",     "icp_number", "publish_channels",	  "sponsor",
    "responsible", "contact", "rules",	    "registered_capital", "security_protection_filing",
    "commitment",  NULL};
static const char *const rules_members[] = {"collection_scope",
					    "verification",
					    "notification",
					    "publication",
					    "user_verification",
					    "user_grading",
					    NULL};

static int only_members(const json_t *o, const char *const *names, const char *what, struct err *e)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)o, k, v)
	{
		size_t i;

		(void)v;
		for (i = 0; names[i] && strcmp(names[i], k); i++)
			;
		if (names[i] == NULL)
			return err_setn(e, ERR_INVALID, "invalid_filing", "unknown member \"%s%s\"",
					what, k);
	}
	return 0;
}

static int person_check(const json_t *p, const char *what, struct err *e)
{
	static const char *const members[] = {"name", "phone", "email", NULL};
	const char *phone, *email;
	char pre[32];

	if (!json_is_object(p))
		return err_setn(e, ERR_INVALID, "invalid_filing",
				"\"%s\" must be an object {\"name\",\"phone\",\"email\"}", what);
	snprintf(pre, sizeof(pre), "%s.", what);
	if (only_members(p, members, pre, e) < 0)
		return -1;
	phone = json_string_value(json_object_get(p, "phone"));
	email = json_string_value(json_object_get(p, "email"));
	if (!text_ok(json_string_value(json_object_get(p, "name")), 100, 0))
		return err_setn(e, ERR_INVALID, "invalid_filing",
				"\"%s.name\" must be 1-100 characters", what);
	if ((json_object_get(p, "phone") && !text_ok(phone, 40, 0)) ||
	    (json_object_get(p, "email") && (!text_ok(email, 254, 0) || !strchr(email, '@'))) ||
	    (phone == NULL && email == NULL))
		return err_setn(e, ERR_INVALID, "invalid_filing",
				"\"%s\" needs a \"phone\" (1-40 characters) or an \"email\"", what);
	return 0;
}

int fed_filing_check(const json_t *f, struct err *e)
{
	static const char *const sponsor_members[] = {"name", "id_number", "kind", NULL};
	const char *url = json_string_value(json_object_get(f, "url"));
	const json_t *sp = json_object_get(f, "sponsor"), *rules = json_object_get(f, "rules");
	const json_t *ch = json_object_get(f, "publish_channels");
	const char *kind = json_string_value(json_object_get(sp, "kind"));

	if (!json_is_object(f))
		return err_setn(e, ERR_INVALID, "invalid_filing",
				"the filing must be a JSON object");
	if (only_members(f, filing_members, "", e) < 0)
		return -1;
	if (!text_ok(json_string_value(json_object_get(f, "name")), 200, 0))
		return err_setn(e, ERR_INVALID, "invalid_filing",
				"\"name\" must be 1-200 characters");
	if (!text_ok(url, 500, 0) || (strncmp(url, "https://", 8) && strncmp(url, "http://", 7)) ||
	    strchr(url, ' '))
		return err_setn(e, ERR_INVALID, "invalid_filing",
				"\"url\" must be the platform's http(s):// address");
	if (!text_ok(json_string_value(json_object_get(f, "icp_number")), 64, 0))
		return err_setn(e, ERR_INVALID, "invalid_filing",
				"\"icp_number\" (ICP filing number) must be 1-64 characters");
	if (ch != NULL) {
		size_t i;
		json_t *v;

		if (!json_is_array(ch) || json_array_size(ch) > 20)
			return err_setn(
			    e, ERR_INVALID, "invalid_filing",
			    "\"publish_channels\" must be an array of at most 20 strings");
		json_array_foreach(
		    ch, i, v) if (!text_ok(json_string_value(v), 500,
					   0)) return err_setn(e, ERR_INVALID, "invalid_filing",
							       "\"publish_channels[%zu]\" must be "
							       "1-500 characters",
							       i);
	}
	if (!json_is_object(sp) || only_members(sp, sponsor_members, "sponsor.", e) < 0 ||
	    !text_ok(json_string_value(json_object_get(sp, "name")), 200, 0) ||
	    !text_ok(json_string_value(json_object_get(sp, "id_number")), 64, 0) ||
	    (kind != NULL && strcmp(kind, "organisation") && strcmp(kind, "individual")) ||
	    (json_object_get(sp, "kind") && kind == NULL)) {
		if (e->code == ERR_INVALID)
			return -1;
		return err_setn(e, ERR_INVALID, "invalid_filing",
				"\"sponsor\" needs \"name\" (1-200), \"id_number\" (1-64) and "
				"optionally \"kind\" (organisation or individual)");
	}
	if (person_check(json_object_get(f, "responsible"), "responsible", e) < 0 ||
	    person_check(json_object_get(f, "contact"), "contact", e) < 0)
		return -1;
	if (!json_is_object(rules))
		return err_setn(e, ERR_INVALID, "invalid_filing",
				"\"rules\" must be an object with collection_scope, verification, "
				"notification, publication, user_verification and user_grading");
	if (only_members(rules, rules_members, "rules.", e) < 0)
		return -1;
	for (size_t i = 0; rules_members[i]; i++)
		if (!text_ok(json_string_value(json_object_get(rules, rules_members[i])), RULES_MAX,
			     1))
			return err_setn(e, ERR_INVALID, "invalid_filing",
					"\"rules.%s\" must be 1-%d characters", rules_members[i],
					RULES_MAX);
	for (size_t i = 8; filing_members[i]; i++) {
		const json_t *v = json_object_get(f, filing_members[i]);

		if (v != NULL && !text_ok(json_string_value(v), 2000, 1))
			return err_setn(e, ERR_INVALID, "invalid_filing",
					"\"%s\" must be 1-2000 characters", filing_members[i]);
	}
	return 0;
}

struct filing_ctx {
	struct platform_filing_row row;
	int64_t id;
	char *data;
	json_t *out;
};

static int filing_add_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct filing_ctx *x = arg;

	return store_platform_filing_add(c, &x->row, &x->id, e);
}

static int filing_env_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct filing_ctx *x = arg;

	return store_platform_filing_set_envelope(c, x->id, x->row.envelope_id, e);
}

static json_t *filing_json(struct federation *f, const struct platform_filing_row *r)
{
	json_error_t je;
	json_t *env = json_null(), *o;
	struct err e = ERR_INIT;

	/* without the running service (the CLI), the envelope's id only */
	if (r->envelope_id != NULL &&
	    (f == NULL || federation_outbox_get(f, r->envelope_id, &env, &e) < 0))
		env = json_pack("{s:s}", "id", r->envelope_id);
	o = json_pack("{s:I,s:o,s:o,s:o,s:{s:s,s:s?,s:o}}", "version", (json_int_t)r->id,
		      "filing", json_loads(r->data, 0, &je), "created_at",
		      time_json(r->created_at), "envelope", env ? env : json_null(), "review",
		      "state", r->review_state ? r->review_state : "pending", "note",
		      r->review_note, "reviewed_at", time_json(r->reviewed_at));
	return o;
}

static int not_platform(const struct instance *in, struct err *e)
{
	if (strcmp(in->cfg.role, "platform") != 0)
		return err_setn(e, ERR_CONFLICT, "not_a_platform",
				"this instance's role is %s, not platform", in->cfg.role);
	return 0;
}

struct role_pick {
	const char *role;
	struct fed_peer_row found;
	int n;
};

static int role_pick(void *arg, const struct fed_peer_row *p, struct err *e)
{
	struct role_pick *x = arg;

	(void)e;
	if (strcmp(p->role, x->role) == 0) {
		x->found = *p;
		x->n++;
	}
	return 0;
}

static int role_pick_conn(struct db_conn *c, void *arg, struct err *e)
{
	return store_fed_peer_list(c, 0, role_pick, arg, e);
}

/* The one active peer of role (federation_send() would refuse otherwise). */
static int one_peer_of_role(struct instance *in, const char *role, struct fed_peer_row *out,
			    struct err *e)
{
	struct role_pick x = {role, {0}, 0};

	if (on_conn(in->db, role_pick_conn, &x, e) < 0)
		return -1;
	if (x.n != 1)
		return err_setn(e, ERR_INVALID,
				strcmp(role, "hub") == 0 ? "no_hub_peer" : "no_peer",
				"%s active peer of role %s (`vulnflow peer add --role %s`)",
				x.n ? "more than one" : "no", role, role);
	if (out != NULL)
		*out = x.found;
	return 0;
}

int fed_filing_put(struct instance *in, struct federation *f, const json_t *filing, int64_t user_id,
		   json_t **out, struct err *e)
{
	struct filing_ctx x;
	char id[ENVELOPE_ID_MAX + 1];
	json_t *body;
	int rc;

	*out = NULL;
	if (not_platform(in, e) < 0 || fed_filing_check(filing, e) < 0)
		return -1;
	if (f == NULL)
		return err_setn(e, ERR_UNAVAILABLE, "federation_unavailable",
				"federation is not running");
	memset(&x, 0, sizeof(x));
	x.data = compact(filing);
	x.row.data = x.data;
	x.row.created_at = time_now_us();
	x.row.created_by = user_id;
	/* the version first (it is the envelope's), then the envelope, then its id on
	 * the row: a lost last step leaves a version without envelope, sent again by
	 * the next put */
	if (one_peer_of_role(in, "hub", NULL, e) < 0)
		goto fail;
	if (in_tx(in->db, filing_add_tx, &x, e) < 0)
		goto fail;
	body = json_pack("{s:I,s:o,s:O}", "version", (json_int_t)x.id, "filed_at",
			 time_json(x.row.created_at), "filing", filing);
	rc = federation_send(f, NULL, "hub", "platform_filing", body, 0, 0, 0, id, e);
	json_decref(body);
	if (rc < 0)
		goto fail;
	x.row.envelope_id = id;
	if (in_tx(in->db, filing_env_tx, &x, e) < 0)
		goto fail;
	x.row.id = x.id;
	*out = filing_json(f, &x.row);
	free(x.data);
	return 0;
fail:
	free(x.data);
	return -1;
}

static int filing_latest(void *arg, const struct platform_filing_row *r, struct err *e)
{
	struct filing_ctx *x = arg;

	(void)e;
	x->row = *r;
	x->row.data = x->data = xstrdup(r->data);
	x->row.envelope_id = r->envelope_id ? xstrdup(r->envelope_id) : NULL;
	x->row.review_state = r->review_state ? xstrdup(r->review_state) : NULL;
	x->row.review_note = r->review_note ? xstrdup(r->review_note) : NULL;
	return 0;
}

static int filing_get_conn(struct db_conn *c, void *arg, struct err *e)
{
	return store_platform_filing_latest(c, filing_latest, arg, e);
}

int fed_filing_get(struct instance *in, struct federation *f, json_t **out, struct err *e)
{
	struct filing_ctx x;

	*out = NULL;
	memset(&x, 0, sizeof(x));
	if (not_platform(in, e) < 0 || on_conn(in->db, filing_get_conn, &x, e) < 0)
		return -1;
	*out = filing_json(f, &x.row);
	free(x.data);
	free((void *)x.row.envelope_id);
	free((void *)x.row.review_state);
	free((void *)x.row.review_note);
	return 0;
}

/* ---- the registry (hub) ---- */

static json_t *public_filing(const struct hub_filing_row *r)
{
	json_error_t je;
	json_t *f = json_loads(r->data, 0, &je), *sp, *o;

	if (f == NULL)
		return NULL;
	sp = json_object_get(f, "sponsor");
	o = json_pack("{s:O?,s:O?,s:O?,s:{s:O?,s:O?},s:O?,s:s,s:s,s:I,s:o,s:o,s:o}", "name",
		      json_object_get(f, "name"), "url", json_object_get(f, "url"), "icp_number",
		      json_object_get(f, "icp_number"), "sponsor", "name",
		      json_object_get(sp, "name"), "kind", json_object_get(sp, "kind"),
		      "publish_channels", json_object_get(f, "publish_channels"), "jurisdiction",
		      r->peer_jurisdiction, "key_id", r->peer_key_id, "version",
		      (json_int_t)r->version, "first_filed_at", time_json(r->first_received_at),
		      "updated_at", time_json(r->received_at), "accepted_at",
		      time_json(r->reviewed_at));
	json_decref(f);
	return o;
}

static int registry_append(void *arg, const struct hub_filing_row *r, struct err *e)
{
	json_t *o = public_filing(r);

	(void)e;
	if (o != NULL)
		json_array_append_new(arg, o);
	return 0;
}

static int registry_conn(struct db_conn *c, void *arg, struct err *e)
{
	return store_hub_registry_list(c, registry_append, arg, e);
}

static int not_hub(const struct instance *in, struct err *e)
{
	if (strcmp(in->cfg.role, "hub") != 0)
		return err_setn(e, ERR_NOT_FOUND, "not_a_hub",
				"this instance's role is %s, not hub", in->cfg.role);
	return 0;
}

int fed_registry_json(struct instance *in, json_t **out, struct err *e)
{
	json_t *a;

	*out = NULL;
	if (not_hub(in, e) < 0)
		return -1;
	a = json_array();
	if (on_conn(in->db, registry_conn, a, e) < 0) {
		json_decref(a);
		return -1;
	}
	*out = json_pack("{s:I,s:o,s:o}", "count", (json_int_t)json_array_size(a), "generated_at",
			 time_json(time_now_us()), "platforms", a);
	return 0;
}

static void html_escape(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<':
			buf_adds(b, "&lt;");
			break;
		case '>':
			buf_adds(b, "&gt;");
			break;
		case '&':
			buf_adds(b, "&amp;");
			break;
		case '"':
			buf_adds(b, "&quot;");
			break;
		case '\'':
			buf_adds(b, "&#39;");
			break;
		default:
			buf_add(b, s, 1);
		}
	}
}

static const char *jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

/* "2026-11-25T07:39:59.123456Z" -> Asia/Shanghai date and time, minutes. */
static void shanghai_minutes(const char *rfc3339, char out[TIMEFMT_LEN])
{
	int64_t us;

	out[0] = '\0';
	if (time_parse_rfc3339(rfc3339, &us) < 0)
		return;
	time_format_shanghai(us, out);
	if (strlen(out) > 16)
		out[16] = '\0';
	if (out[10] == 'T')
		out[10] = ' ';
}

int fed_registry_html(struct instance *in, const char *lang, char **out, struct err *e)
{
	int en = lang != NULL && strcmp(lang, "en") == 0;
	json_t *reg, *p;
	struct buf b;
	size_t i, len;
	char t[TIMEFMT_LEN];

	*out = NULL;
	if (fed_registry_json(in, &reg, e) < 0)
		return -1;
	buf_init(&b, 64 << 20);
	buf_addf(
	    &b,
	    "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\n<title>%s"
	    "</title>\n<style>\nbody{font-family:system-ui,\"PingFang SC\",\"Noto Sans CJK SC\","
	    "sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#111}\n"
	    "table{border-collapse:collapse;width:100%%}th,td{border:1px solid #999;padding:.3em"
	    " .5em;text-align:left;vertical-align:top}th{background:#eee}\n"
	    ".note{color:#444;font-size:.9em}\n@media print{nav{display:none}body{margin:0;"
	    "max-width:none}th{background:none}}\n</style>\n</head>\n<body>\n",
	    en ? "en" : "zh-CN",
	    en ? "Filed vulnerability collection platforms" : "已备案的网络产品安全漏洞收集平台");
	buf_addf(
	    &b,
	    "<nav><a href=\"/registry?lang=%s\">%s</a> · <a href=\"/registry.json\">"
	    "JSON</a></nav>\n<h1>%s</h1>\n<p class=\"note\">%s</p>\n",
	    en ? "zh-CN" : "en", en ? "中文" : "English",
	    en ? "Filed vulnerability collection platforms" : "已备案的网络产品安全漏洞收集平台",
	    en ? "Platforms that have filed with this hub under Article 10 of the Provisions on"
		 " the Management of Security Vulnerabilities of Network Products. Only filings"
		 " accepted by the hub's staff are listed: each platform's newest accepted version"
		 " (a newer version under review or returned does not replace it). Times are"
		 " Beijing time (UTC+8)."
	       : "依据《网络产品安全漏洞管理规定》第十条向本平台备案的漏洞收集平台。仅列出经本平台"
		 "审核通过的备案：各平台最新一次审核通过的备案信息（待审核或被退回的新版本不替换"
		 "已通过的版本）。时间为北京时间。");
	buf_addf(&b,
		 "<table>\n<thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s"
		 "</th><th>%s</th><th>%s</th></tr></thead>\n<tbody>\n",
		 en ? "No." : "序号", en ? "Platform" : "平台名称", en ? "Address" : "网址",
		 en ? "ICP filing number" : "ICP备案号", en ? "Sponsor" : "主办者",
		 en ? "First filed" : "首次备案", en ? "Last updated" : "最近更新");
	json_array_foreach(json_object_get(reg, "platforms"), i, p)
	{
		buf_addf(&b, "<tr><td>%zu</td><td>", i + 1);
		html_escape(&b, jstr(p, "name"));
		buf_adds(&b, "</td><td>");
		html_escape(&b, jstr(p, "url"));
		buf_adds(&b, "</td><td>");
		html_escape(&b, jstr(p, "icp_number"));
		buf_adds(&b, "</td><td>");
		html_escape(&b, jstr(json_object_get(p, "sponsor"), "name"));
		shanghai_minutes(jstr(p, "first_filed_at"), t);
		buf_addf(&b, "</td><td>%s</td><td>", t);
		shanghai_minutes(jstr(p, "updated_at"), t);
		buf_addf(&b, "%s</td></tr>\n", t);
	}
	if (json_array_size(json_object_get(reg, "platforms")) == 0)
		buf_addf(&b, "<tr><td colspan=\"7\">%s</td></tr>\n",
			 en ? "No platform has filed yet." : "暂无已备案的平台。");
	shanghai_minutes(jstr(reg, "generated_at"), t);
	buf_addf(&b, "</tbody>\n</table>\n<p class=\"note\">%s %s · %lld</p>\n</body>\n</html>\n",
		 en ? "Generated" : "生成时间", t,
		 (long long)json_integer_value(json_object_get(reg, "count")));
	json_decref(reg);
	*out = buf_detach(&b, &len);
	return 0;
}

/* ---- the hub's review of received filings ---- */

static json_t *hub_filing_json(const struct hub_filing_row *r)
{
	json_error_t je;
	json_t *f = json_loads(r->data, 0, &je), *o;

	o = json_pack("{s:I,s:{s:s,s:s?},s:I,s:o,s:O?,s:O?,s:O?,s:s,s:s?,s:s?,s:o}", "id",
		      (json_int_t)r->id, "platform", "key_id", r->peer_key_id, "name",
		      r->peer_name, "version", (json_int_t)r->version, "received_at",
		      time_json(r->received_at), "name", json_object_get(f, "name"), "url",
		      json_object_get(f, "url"), "icp_number", json_object_get(f, "icp_number"),
		      "state", r->review_state, "note", r->review_note, "reviewed_by",
		      r->reviewed_by, "reviewed_at", time_json(r->reviewed_at));
	json_decref(f);
	return o;
}

static int hub_filing_append(void *arg, const struct hub_filing_row *r, struct err *e)
{
	(void)e;
	json_array_append_new(arg, hub_filing_json(r));
	return 0;
}

static int review_state_ok(const char *s)
{
	return s != NULL && (strcmp(s, "pending") == 0 || strcmp(s, "accepted") == 0 ||
			     strcmp(s, "returned") == 0);
}

struct filings_ctx {
	const char *state;
	int64_t after;
	int limit;
	json_t *items;
};

static int filings_conn(struct db_conn *c, void *arg, struct err *e)
{
	struct filings_ctx *x = arg;

	return store_hub_filing_list(c, x->state, x->after, x->limit, hub_filing_append, x->items,
				     e);
}

int fed_hub_filings(struct instance *in, const char *state, int64_t after, int limit,
		    json_t **out, struct err *e)
{
	struct filings_ctx x = {state, after, limit, NULL};

	*out = NULL;
	if (not_hub(in, e) < 0)
		return -1;
	if (state != NULL && !review_state_ok(state))
		return err_set(e, ERR_INVALID, "\"state\" must be pending, accepted or returned");
	x.items = json_array();
	if (on_conn(in->db, filings_conn, &x, e) < 0) {
		json_decref(x.items);
		return -1;
	}
	*out = x.items;
	return 0;
}

struct review_ctx {
	const struct actor *a;
	int64_t id;
	const char *decision;
	const char *note;
	int64_t at;
	const char *envelope_id;
	int64_t version;
	char peer[ENVELOPE_KEYID_LEN];
	json_t *row;
};

static int review_keep(void *arg, const struct hub_filing_row *r, struct err *e)
{
	struct review_ctx *x = arg;

	(void)e;
	x->version = r->version;
	snprintf(x->peer, sizeof(x->peer), "%s", r->peer_key_id);
	json_decref(x->row);
	x->row = hub_filing_json(r);
	return 0;
}

static int review_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct review_ctx *x = arg;
	int changed;

	if (store_hub_filing_get(c, x->id, review_keep, x, e) < 0 ||
	    store_hub_filing_review(c, x->id, x->decision, x->note,
				    x->a->name ? x->a->name : "system", x->at, &changed, e) < 0)
		return -1;
	if (!changed)
		return err_setn(e, ERR_CONFLICT, "already_reviewed",
				"filing %lld was reviewed before", (long long)x->id);
	return audit_record(c, x->a, "hub.filing.review", "platform_filing", x->id,
			    json_pack("{s:I,s:s,s:s?,s:s}", "version", (json_int_t)x->version,
				      "decision", x->decision, "note", x->note, "platform",
				      x->peer),
			    e);
}

static int review_env_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct review_ctx *x = arg;

	if (store_hub_filing_set_review_envelope(c, x->id, x->envelope_id, e) < 0)
		return -1;
	return store_hub_filing_get(c, x->id, review_keep, x, e);
}

static int review_body(const json_t *body, const char **decision, const char **note,
		       struct err *e)
{
	static const char *const members[] = {"decision", "note", NULL};
	const json_t *n = json_object_get(body, "note");

	if (!json_is_object(body))
		return err_set(e, ERR_INVALID, "the body must be a JSON object");
	if (only_members(body, members, "", e) < 0) {
		/* the same message, without the filing's code */
		struct err e2 = *e;

		return err_set(e, ERR_INVALID, "%s", e2.msg);
	}
	*decision = json_string_value(json_object_get(body, "decision"));
	if (*decision == NULL ||
	    (strcmp(*decision, "accepted") != 0 && strcmp(*decision, "returned") != 0))
		return err_set(e, ERR_INVALID, "\"decision\" must be accepted or returned");
	*note = NULL;
	if (n != NULL && !json_is_null(n)) {
		if (!text_ok(json_string_value(n), 2000, 1))
			return err_set(e, ERR_INVALID, "\"note\" must be 1-2000 characters");
		*note = json_string_value(n);
	}
	if (*note == NULL && strcmp(*decision, "returned") == 0)
		return err_set(e, ERR_INVALID,
			       "\"note\" is required when the filing is returned (say why)");
	return 0;
}

int fed_hub_filing_review(struct instance *in, struct federation *f, const struct actor *a,
			  int64_t id, const json_t *body, json_t **out, struct err *e)
{
	struct review_ctx x;
	char eid[ENVELOPE_ID_MAX + 1];
	json_t *eb, *env = NULL;
	struct err e2 = ERR_INIT;
	int rc = -1;

	*out = NULL;
	memset(&x, 0, sizeof(x));
	if (not_hub(in, e) < 0 || review_body(body, &x.decision, &x.note, e) < 0)
		return -1;
	if (f == NULL)
		return err_setn(e, ERR_UNAVAILABLE, "federation_unavailable",
				"federation is not running");
	x.a = a;
	x.id = id;
	x.at = time_now_us();
	/* the decision first (audited), then the envelope to the platform, then its id */
	if (in_tx(in->db, review_tx, &x, e) < 0)
		goto out;
	eb = json_pack("{s:I,s:s,s:s?,s:o}", "version", (json_int_t)x.version, "decision",
		       x.decision, "note", x.note, "reviewed_at", time_json(x.at));
	rc = federation_send(f, x.peer, NULL, "filing_review", eb, 0, 0, 0, eid, &e2);
	json_decref(eb);
	if (rc < 0) {
		/* the decision stands (committed and audited); say that the platform was not
		 * told rather than fail a request whose retry would find it reviewed */
		json_object_set_new(x.row, "envelope", json_null());
		json_object_set_new(x.row, "notice_error", json_string(e2.msg));
		*out = x.row;
		return 0;
	}
	rc = -1;
	x.envelope_id = eid;
	if (in_tx(in->db, review_env_tx, &x, e) < 0)
		goto out;
	if (federation_outbox_get(f, eid, &env, &e2) < 0)
		env = json_pack("{s:s}", "id", eid);
	json_object_set_new(x.row, "envelope", env);
	*out = x.row;
	x.row = NULL;
	rc = 0;
out:
	json_decref(x.row);
	return rc;
}

/* ---- the inbox hooks ---- */

enum msg_kind { MSG_FILING = 1, MSG_ROUTED, MSG_STATUS, MSG_REVIEW };

struct fed_platform_msg {
	enum msg_kind kind;
	int64_t peer_id;
	char peer_key_id[ENVELOPE_KEYID_LEN];
	char *data; /* compact JSON: the filing, the routed body, the status; a review's note */
	int64_t version;
	char ref[65];
	char state[65];
	int64_t at;
};

static void msg_free(struct fed_platform_msg *m)
{
	if (m == NULL)
		return;
	free(m->data);
	free(m);
}

static int ref_ok(const char *s)
{
	if (s == NULL || s[0] == '\0' || strlen(s) > 64)
		return 0;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-") ==
	       strlen(s);
}

static int unsupported(const char *type, const char *role, const char *why, struct err *e)
{
	return err_setn(e, ERR_INVALID, "unsupported_type",
			"this instance (role %s) does not take %s envelopes%s", role, type, why);
}

static int bad_body(const char *type, const char *why, struct err *e)
{
	return err_setn(e, ERR_INVALID, "invalid_body", "a %s body %s", type, why);
}

/* The report of a report_routed body. */
static int routed_report_ok(const json_t *rep)
{
	static const char *const members[] = {"title",	 "description", "language",
					      "product", "reporter",	NULL};
	const json_t *prod = json_object_get(rep, "product"),
		     *who = json_object_get(rep, "reporter");
	const char *lang = json_string_value(json_object_get(rep, "language"));
	struct err e = ERR_INIT;

	if (!json_is_object(rep) || only_members(rep, members, "report.", &e) < 0)
		return 0;
	if (!text_ok(json_string_value(json_object_get(rep, "title")), 200, 0) ||
	    !text_ok(json_string_value(json_object_get(rep, "description")), 100000, 1) ||
	    !json_is_object(prod) ||
	    !text_ok(json_string_value(json_object_get(prod, "name")), 200, 0))
		return 0;
	if (json_object_get(rep, "language") &&
	    (lang == NULL || (strcmp(lang, "zh-CN") && strcmp(lang, "en"))))
		return 0;
	if (who != NULL && !json_is_object(who))
		return 0;
	return 1;
}

/* 0 not ours (*msg NULL), 1 ours and taken (*msg set), -1 refused. */
static int msg_parse(const char *role, const struct fed_peer_row *peer, const struct envelope *env,
		     struct fed_platform_msg **msg, struct err *e)
{
	const json_t *b = env->body;
	struct fed_platform_msg *m;

	*msg = NULL;
	if (strcmp(env->type, "platform_filing") == 0) {
		const json_t *v = json_object_get(b, "version"), *f = json_object_get(b, "filing");
		struct err fe = ERR_INIT;

		if (strcmp(role, "hub") != 0)
			return unsupported(env->type, role, "", e);
		if (strcmp(peer->role, "platform") != 0)
			return unsupported(env->type, role, " from a peer that is not a platform",
					   e);
		if (!json_is_integer(v) || json_integer_value(v) < 1)
			return bad_body(env->type, "needs \"version\" (an integer >= 1)", e);
		if (fed_filing_check(f, &fe) < 0)
			return err_setn(e, ERR_INVALID, "invalid_body", "platform_filing: %s",
					fe.msg);
		m = xcalloc(1, sizeof(*m));
		m->kind = MSG_FILING;
		m->version = json_integer_value(v);
		m->data = compact(f);
	} else if (strcmp(env->type, "filing_review") == 0) {
		const json_t *v = json_object_get(b, "version"), *note = json_object_get(b, "note");
		const char *d = json_string_value(json_object_get(b, "decision"));
		const char *at = json_string_value(json_object_get(b, "reviewed_at"));
		int64_t when;

		if (strcmp(role, "platform") != 0)
			return unsupported(env->type, role, "", e);
		if (strcmp(peer->role, "hub") != 0)
			return unsupported(env->type, role, " from a peer that is not a hub", e);
		if (note != NULL && json_is_null(note))
			note = NULL;
		if (!json_is_integer(v) || json_integer_value(v) < 1 || d == NULL ||
		    (strcmp(d, "accepted") != 0 && strcmp(d, "returned") != 0) ||
		    (note != NULL && !text_ok(json_string_value(note), 2000, 1)) ||
		    (note == NULL && strcmp(d, "returned") == 0) || at == NULL ||
		    time_parse_rfc3339(at, &when) < 0)
			return bad_body(env->type,
					"needs \"version\" (an integer >= 1), \"decision\" "
					"(accepted or returned), \"reviewed_at\" (RFC 3339) and a "
					"\"note\" (1-2000, required when returned)",
					e);
		m = xcalloc(1, sizeof(*m));
		m->kind = MSG_REVIEW;
		m->version = json_integer_value(v);
		snprintf(m->state, sizeof(m->state), "%s", d);
		m->at = when;
		m->data = note ? xstrdup(json_string_value(note)) : NULL;
	} else if (strcmp(env->type, "report_routed") == 0) {
		const char *ref = json_string_value(json_object_get(b, "platform_ref"));

		if (strcmp(role, "provider") != 0 && strcmp(role, "operator") != 0)
			return unsupported(env->type, role, "", e);
		if (strcmp(peer->role, "platform") != 0)
			return unsupported(env->type, role, " from a peer that is not a platform",
					   e);
		if (!ref_ok(ref))
			return bad_body(env->type,
					"needs \"platform_ref\" (1-64 of A-Z a-z 0-9 . _ : -)", e);
		if (!routed_report_ok(json_object_get(b, "report")))
			return bad_body(env->type,
					"needs \"report\" {\"title\" (1-200), \"description\""
					" (1-100000), \"product\":{\"name\",...}, \"language\", "
					"\"reporter\"}",
					e);
		m = xcalloc(1, sizeof(*m));
		m->kind = MSG_ROUTED;
		snprintf(m->ref, sizeof(m->ref), "%s", ref);
		m->data = compact(json_object_get(b, "report"));
	} else if (strcmp(env->type, "status_update") == 0) {
		const char *ref = json_string_value(json_object_get(b, "platform_ref"));
		const char *state = json_string_value(json_object_get(b, "state"));
		const char *at = json_string_value(json_object_get(b, "at"));
		const json_t *note = json_object_get(b, "note");
		int64_t when;

		if (strcmp(role, "platform") != 0)
			return unsupported(env->type, role, "", e);
		if (strcmp(peer->role, "provider") != 0 && strcmp(peer->role, "operator") != 0)
			return unsupported(env->type, role, " from a peer that is not a provider",
					   e);
		if (!ref_ok(ref) || !text_ok(state, 64, 0) || at == NULL ||
		    time_parse_rfc3339(at, &when) < 0 ||
		    (note != NULL && !text_ok(json_string_value(note), 2000, 1)))
			return bad_body(env->type,
					"needs \"platform_ref\", \"state\" (1-64), \"at\" "
					"(RFC 3339) and optionally \"note\"",
					e);
		m = xcalloc(1, sizeof(*m));
		m->kind = MSG_STATUS;
		snprintf(m->ref, sizeof(m->ref), "%s", ref);
		snprintf(m->state, sizeof(m->state), "%s", state);
		m->at = when;
		m->data = compact(b);
	} else {
		return 0;
	}
	m->peer_id = peer->id;
	snprintf(m->peer_key_id, sizeof(m->peer_key_id), "%s", peer->key_id);
	*msg = m;
	return 1;
}

struct status_find {
	int64_t id;
	char peer[ENVELOPE_KEYID_LEN];
};

static int status_find(void *arg, const struct platform_routed_row *r, struct err *e)
{
	struct status_find *x = arg;

	(void)e;
	x->id = r->id;
	snprintf(x->peer, sizeof(x->peer), "%s",
		 r->provider_peer_key_id ? r->provider_peer_key_id : "");
	return 0;
}

static int msg_apply(struct db_conn *c, struct fed_platform_msg *m, int64_t inbox_id,
		     const char *envelope_id, int64_t received_at, struct err *e)
{
	if (m->kind == MSG_FILING) {
		struct hub_filing_row r = {.inbox_id = inbox_id,
					   .peer_id = m->peer_id,
					   .version = m->version,
					   .data = m->data,
					   .received_at = received_at};
		int64_t id;

		return store_hub_filing_add(c, &r, &id, e);
	}
	if (m->kind == MSG_REVIEW) {
		int found;

		/* the same decision again (a retry in a new envelope) replaces it */
		if (store_platform_filing_review(c, m->version, m->state, m->data, m->at, &found,
						 e) < 0)
			return -1;
		if (!found)
			return err_setn(e, ERR_INVALID, "invalid_body",
					"filing_review: version %lld was not filed here",
					(long long)m->version);
		return 0;
	}
	if (m->kind == MSG_ROUTED) {
		struct provider_in_row r;
		int64_t id;
		int found;

		/* the same report routed again in another envelope: one report */
		if (store_provider_in_exists(c, m->peer_id, m->ref, &found, e) < 0)
			return -1;
		if (found)
			return 0;
		/* the report stays in the inbox row (sealed there); the worker reads it */
		memset(&r, 0, sizeof(r));
		r.inbox_id = inbox_id;
		r.peer_id = m->peer_id;
		r.platform_ref = m->ref;
		r.envelope_id = envelope_id;
		r.received_at = received_at;
		return store_provider_in_add(c, &r, &id, e);
	}
	{
		struct status_find x = {0, ""};
		char *end;
		long long id = strtoll(m->ref, &end, 10);

		if (*end != '\0' || id <= 0 ||
		    store_platform_routed_get(c, id, status_find, &x, e) < 0 ||
		    strcmp(x.peer, m->peer_key_id) != 0)
			return err_setn(e, ERR_INVALID, "invalid_body",
					"status_update: \"%s\" is not a report routed to this peer",
					m->ref);
		return store_platform_routed_set_status(c, x.id, m->state, m->data, m->at, e);
	}
}

static int pf_check(struct instance *in, const struct fed_peer_row *peer,
		    const struct envelope *env, struct err *e)
{
	struct fed_platform_msg *m;
	int rc = msg_parse(in->cfg.role, peer, env, &m, e);

	msg_free(m);
	return rc < 0 ? -1 : 0;
}

static int pf_apply(struct db_conn *c, const struct fed_rx *rx, struct err *e)
{
	struct fed_platform_msg *m;
	int rc = msg_parse(rx->in->cfg.role, rx->peer, rx->env, &m, e);

	if (rc > 0)
		rc = msg_apply(c, m, rx->inbox_id, rx->env->id, rx->received_at, e);
	msg_free(m);
	return rc < 0 ? -1 : 0;
}

/* ---- advisory_published on a platform (handed over by fed_hub.c's row) ---- */

static int url_ok(const char *s)
{
	return text_ok(s, 1000, 0) && strchr(s, ' ') == NULL &&
	       (strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0);
}

/* An optional member: absent, null, or a string of 1..max characters on one line. */
static int opt_text(const json_t *b, const char *key, size_t max)
{
	const json_t *v = json_object_get(b, key);

	return v == NULL || json_is_null(v) || text_ok(json_string_value(v), max, 0);
}

int fed_platform_published_check(struct instance *in, const struct fed_peer_row *peer,
				 const struct envelope *env, struct err *e)
{
	const json_t *b = env->body, *url = json_object_get(b, "url");
	const char *at = json_string_value(json_object_get(b, "published_at"));
	int64_t when;

	if (strcmp(in->cfg.role, "platform") != 0)
		return unsupported(env->type, in->cfg.role, "", e);
	if (strcmp(peer->role, "provider") != 0)
		return unsupported(env->type, in->cfg.role, " from a peer that is not a provider",
				   e);
	if (!ref_ok(json_string_value(json_object_get(b, "platform_ref"))) ||
	    !text_ok(json_string_value(json_object_get(b, "advisory")), 128, 0) ||
	    !opt_text(b, "case_ref", 64) || !opt_text(b, "title", 1000) ||
	    (url != NULL && !json_is_null(url) && !url_ok(json_string_value(url))) || at == NULL ||
	    time_parse_rfc3339(at, &when) < 0)
		return bad_body(env->type,
				"needs \"platform_ref\", \"advisory\" (1-128), \"published_at\" "
				"(RFC 3339) and optionally \"case_ref\", \"title\" (1-1000) and "
				"\"url\" (http or https)",
				e);
	return 0;
}

int fed_platform_published_apply(struct db_conn *c, const struct fed_rx *rx, struct err *e)
{
	const json_t *b = rx->env->body;
	const char *ref = json_string_value(json_object_get(b, "platform_ref"));
	struct status_find x = {0, ""};
	struct platform_advisory_row r;
	char *end = NULL;
	long long id = ref ? strtoll(ref, &end, 10) : 0;
	int added;

	if (ref == NULL || *end != '\0' || id <= 0 ||
	    store_platform_routed_get(c, id, status_find, &x, e) < 0 ||
	    strcmp(x.peer, rx->peer->key_id) != 0)
		return err_setn(e, ERR_INVALID, "invalid_body",
				"advisory_published: \"%s\" is not a report routed to this peer",
				ref);
	memset(&r, 0, sizeof(r));
	r.routed_id = x.id;
	r.inbox_id = rx->inbox_id;
	r.advisory = json_string_value(json_object_get(b, "advisory"));
	r.title = json_string_value(json_object_get(b, "title"));
	r.url = json_string_value(json_object_get(b, "url"));
	time_parse_rfc3339(json_string_value(json_object_get(b, "published_at")), &r.published_at);
	r.received_at = rx->received_at;
	/* the same advisory again (a retry in a new envelope): the first is kept */
	return store_platform_routed_advisory_add(c, &r, &added, e);
}

const struct fed_type fed_platform_types[] = {
    {"platform_filing", pf_check, pf_apply, NULL},
    {"filing_review", pf_check, pf_apply, NULL},
    {"report_routed", pf_check, pf_apply, NULL},
    {"status_update", pf_check, pf_apply, NULL},
    {NULL, NULL, NULL, NULL},
};

/* ---- the provider directory (platform) ---- */

static json_t *provider_json(const struct platform_provider_row *r)
{
	json_error_t je;

	return json_pack("{s:I,s:s,s:o,s:s?,s:s?,s:s?,s:s,s:I,s:o,s:o}", "id", (json_int_t)r->id,
			 "name", r->name, "patterns", json_loads(r->patterns, 0, &je), "peer",
			 r->peer_key_id, "email", r->email, "jurisdiction", r->jurisdiction,
			 "channel", r->peer_key_id ? "federation" : "email", "min_level",
			 (json_int_t)r->min_level, "created_at", time_json(r->created_at),
			 "removed_at", time_json(r->removed_at));
}

/* What a researcher sees of an entry: who and what, not how it is reached. */
static json_t *program_entry_json(const struct platform_provider_row *r)
{
	json_error_t je;

	return json_pack("{s:I,s:s,s:o,s:I,s:s,s:s?}", "id", (json_int_t)r->id, "name", r->name,
			 "patterns", json_loads(r->patterns, 0, &je), "min_level",
			 (json_int_t)r->min_level, "channel",
			 r->peer_key_id ? "federation" : "email", "jurisdiction", r->jurisdiction);
}

struct prov_ctx {
	struct platform_provider_row row;
	const char *peer_sel;
	struct fed_peer_row peer;
	int matches;
	int64_t id;
	json_t *out;
	int all;
};

static int peer_sel(void *arg, const struct fed_peer_row *p, struct err *e)
{
	struct prov_ctx *x = arg;

	(void)e;
	if (strlen(x->peer_sel) >= 8 && strncmp(p->key_id, x->peer_sel, strlen(x->peer_sel)) == 0) {
		x->peer = *p;
		x->matches++;
	}
	return 0;
}

static int prov_one(void *arg, const struct platform_provider_row *r, struct err *e)
{
	struct prov_ctx *x = arg;

	(void)e;
	json_decref(x->out);
	x->out = provider_json(r);
	return 0;
}

static int prov_add_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct prov_ctx *x = arg;

	if (x->peer_sel != NULL) {
		if (store_fed_peer_list(c, 0, peer_sel, x, e) < 0)
			return -1;
		if (x->matches != 1)
			return err_setn(e, ERR_INVALID, "unknown_peer",
					"\"peer\" \"%s\" names %d active peers (give the key id)",
					x->peer_sel, x->matches);
		if (strcmp(x->peer.role, "provider") != 0 && strcmp(x->peer.role, "operator") != 0)
			return err_set(e, ERR_INVALID, "\"peer\" is a %s peer, not a provider",
				       x->peer.role);
		x->row.peer_key_id = x->peer.key_id;
		x->row.jurisdiction = x->peer.jurisdiction; /* the peer's is authoritative */
	}
	if (store_platform_provider_add(c, &x->row, &x->id, e) < 0)
		return -1;
	return store_platform_provider_get(c, x->id, prov_one, x, e);
}

int fed_provider_add(struct instance *in, const struct fed_provider_input *p, json_t **out,
		     struct err *e)
{
	struct prov_ctx x;
	size_t i;
	json_t *v;
	char *pats;
	int rc;

	*out = NULL;
	if (not_platform(in, e) < 0)
		return -1;
	if (!text_ok(p->name, 200, 0))
		return err_set(e, ERR_INVALID, "\"name\" must be 1-200 characters");
	if (!json_is_array(p->patterns) || json_array_size(p->patterns) == 0 ||
	    json_array_size(p->patterns) > 50)
		return err_set(e, ERR_INVALID,
			       "\"patterns\" must be an array of 1-50 glob patterns "
			       "on the product name");
	json_array_foreach(
	    p->patterns, i,
	    v) if (!text_ok(json_string_value(v), 200,
			    0)) return err_set(e, ERR_INVALID,
					       "\"patterns[%zu]\" must be 1-200 characters", i);
	if ((p->peer == NULL) == (p->email == NULL))
		return err_set(e, ERR_INVALID,
			       "give one of \"peer\" (a provider peer) and \"email\" "
			       "(a provider not on vulnflow)");
	if (p->email != NULL && (!text_ok(p->email, 254, 0) || strchr(p->email, '@') == NULL ||
				 strchr(p->email, ' ') != NULL))
		return err_set(e, ERR_INVALID, "\"email\" is not an e-mail address");
	if (p->jurisdiction != NULL && !cc_ok(p->jurisdiction))
		return err_set(e, ERR_INVALID,
			       "\"jurisdiction\" must be two upper-case letters "
			       "(ISO 3166-1 alpha-2)");
	if (p->min_level < 0 || p->min_level > 3)
		return err_set(e, ERR_INVALID,
			       "\"min_level\" must be 1, 2 or 3 (the lowest researcher level "
			       "that sees the entry)");
	{
		json_t *cur;

		if (fed_provider_list(in, 0, &cur, e) < 0)
			return -1;
		if (json_array_size(cur) >= DIRECTORY_MAX) {
			json_decref(cur);
			return err_setn(
			    e, ERR_CONFLICT, "directory_full",
			    "the provider directory holds %d entries, the most it takes",
			    DIRECTORY_MAX);
		}
		json_decref(cur);
	}
	memset(&x, 0, sizeof(x));
	pats = compact(p->patterns);
	x.row.name = p->name;
	x.row.patterns = pats;
	x.row.email = p->email;
	x.row.jurisdiction = p->jurisdiction;
	x.row.created_at = time_now_us();
	x.row.min_level = p->min_level ? p->min_level : 1;
	x.peer_sel = p->peer;
	rc = in_tx(in->db, prov_add_tx, &x, e);
	free(pats);
	if (rc < 0) {
		json_decref(x.out);
		return -1;
	}
	*out = x.out;
	return 0;
}

static int prov_append(void *arg, const struct platform_provider_row *r, struct err *e)
{
	(void)e;
	json_array_append_new(arg, provider_json(r));
	return 0;
}

struct list_ctx {
	json_t *a;
	int all;
	int64_t id;
	int limit;
};

static int prov_list_conn(struct db_conn *c, void *arg, struct err *e)
{
	struct list_ctx *x = arg;

	return store_platform_provider_list(c, x->all, prov_append, x->a, e);
}

int fed_provider_list(struct instance *in, int all, json_t **out, struct err *e)
{
	struct list_ctx x = {json_array(), all, 0, 0};

	*out = NULL;
	if (not_platform(in, e) < 0 || on_conn(in->db, prov_list_conn, &x, e) < 0) {
		json_decref(x.a);
		return -1;
	}
	*out = x.a;
	return 0;
}

static int prov_remove_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct prov_ctx *x = arg;
	int changed;

	if (store_platform_provider_remove(c, x->id, time_now_us(), &changed, e) < 0)
		return -1;
	if (!changed)
		return err_setn(e, ERR_NOT_FOUND, "unknown_provider",
				"no active provider %lld in the directory", (long long)x->id);
	return store_platform_provider_get(c, x->id, prov_one, x, e);
}

int fed_provider_remove(struct instance *in, int64_t id, json_t **out, struct err *e)
{
	struct prov_ctx x;

	*out = NULL;
	memset(&x, 0, sizeof(x));
	x.id = id;
	if (not_platform(in, e) < 0 || in_tx(in->db, prov_remove_tx, &x, e) < 0) {
		json_decref(x.out);
		return -1;
	}
	*out = x.out;
	return 0;
}

struct visible_ctx {
	int64_t user_id;
	int level;
	json_t *a;
};

static int visible_append(void *arg, const struct platform_provider_row *r, struct err *e)
{
	(void)e;
	json_array_append_new(arg, program_entry_json(r));
	return 0;
}

static int visible_conn(struct db_conn *c, void *arg, struct err *e)
{
	struct visible_ctx *x = arg;

	if (pu_level_conn(c, x->user_id, &x->level, e) < 0)
		return -1;
	return store_platform_provider_visible(c, x->level, visible_append, x->a, e);
}

int fed_provider_visible(struct instance *in, int64_t user_id, json_t **out, struct err *e)
{
	struct visible_ctx x = {user_id, 1, json_array()};

	*out = NULL;
	if (not_platform(in, e) < 0 || on_conn(in->db, visible_conn, &x, e) < 0) {
		json_decref(x.a);
		return -1;
	}
	*out = json_pack("{s:I,s:o}", "level", (json_int_t)x.level, "providers", x.a);
	return 0;
}

/* ---- programs (platform) ---- */

static json_t *program_json(const struct platform_program_row *r)
{
	return json_pack("{s:I,s:{s:I,s:s,s:I,s:b},s:I,s:o}", "report_id", (json_int_t)r->report_id,
			 "provider", "id", (json_int_t)r->provider_id, "name", r->provider_name,
			 "min_level", (json_int_t)r->provider_min_level, "removed",
			 r->provider_removed_at != 0, "designated_by", (json_int_t)r->user_id,
			 "designated_at", time_json(r->designated_at));
}

static int program_take(void *arg, const struct platform_program_row *r, struct err *e)
{
	json_t **out = arg;

	(void)e;
	json_decref(*out);
	*out = program_json(r);
	return 0;
}

struct program_ctx {
	const struct actor *a;
	int64_t report_id, provider_id;
	int64_t reporter; /* the report's reporter account, 0: anonymous */
	int found;	  /* the report exists and was accepted */
	int routed;	  /* routings of the report */
	int level;
	struct platform_provider_row entry;
	char entry_name[256];
	int entry_found;
	int refused;
	json_t *out;
};

static int program_report(void *arg, const struct report_row *r, struct err *e)
{
	struct program_ctx *x = arg;

	(void)e;
	x->found = strcmp(r->disposition, "accepted") == 0;
	x->reporter = r->reporter_user_id;
	return 0;
}

static int program_entry(void *arg, const struct platform_provider_row *r, struct err *e)
{
	struct program_ctx *x = arg;

	(void)e;
	x->entry = *r;
	snprintf(x->entry_name, sizeof(x->entry_name), "%s", r->name);
	x->entry.name = x->entry_name;
	x->entry.patterns = x->entry.peer_key_id = x->entry.email = x->entry.jurisdiction = NULL;
	x->entry_found = 1;
	return 0;
}

static int program_count_routed(void *arg, const struct platform_routed_row *r, struct err *e)
{
	struct program_ctx *x = arg;

	(void)r;
	(void)e;
	x->routed++;
	return 0;
}

static int program_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct program_ctx *x = arg;
	struct platform_program_row g;
	struct err e2 = ERR_INIT;

	if (store_report_get(c, x->report_id, program_report, x, &e2) < 0 &&
	    e2.code != ERR_NOT_FOUND) {
		*e = e2;
		return -1;
	}
	/* someone else's report is as unknown as a report that does not exist */
	if (!x->found || x->reporter == 0 || x->reporter != x->a->user_id)
		return err_setn(e, ERR_NOT_FOUND, "unknown_report", "you have no report %lld",
				(long long)x->report_id);
	if (store_platform_routed_list(c, x->report_id, 0, program_count_routed, x, e) < 0)
		return -1;
	if (x->routed > 0)
		return err_setn(e, ERR_CONFLICT, "already_routed",
				"report %lld was routed already: its program cannot change",
				(long long)x->report_id);
	e2 = (struct err)ERR_INIT;
	if (store_platform_provider_get(c, x->provider_id, program_entry, x, &e2) < 0 &&
	    e2.code != ERR_NOT_FOUND) {
		*e = e2;
		return -1;
	}
	if (!x->entry_found || x->entry.removed_at != 0)
		return err_setn(e, ERR_NOT_FOUND, "unknown_provider",
				"no active provider %lld in the directory",
				(long long)x->provider_id);
	if (pu_level_conn(c, x->a->user_id, &x->level, e) < 0)
		return -1;
	if (x->entry.min_level > x->level) {
		/* refused, and the refusal kept: the transaction commits the audit only */
		x->refused = 1;
		return audit_record(c, x->a, "report.program_refused", "report", x->report_id,
				    json_pack("{s:I,s:I,s:I}", "provider_id",
					      (json_int_t)x->provider_id, "min_level",
					      (json_int_t)x->entry.min_level, "level",
					      (json_int_t)x->level),
				    e);
	}
	memset(&g, 0, sizeof(g));
	g.report_id = x->report_id;
	g.provider_id = x->provider_id;
	g.user_id = x->a->user_id;
	g.designated_at = time_now_us();
	if (store_platform_program_put(c, &g, e) < 0 ||
	    audit_record(c, x->a, "report.program", "report", x->report_id,
			 json_pack("{s:I,s:I,s:I}", "provider_id", (json_int_t)x->provider_id,
				   "min_level", (json_int_t)x->entry.min_level, "level",
				   (json_int_t)x->level),
			 e) < 0)
		return -1;
	return store_platform_program_get(c, x->report_id, program_take, &x->out, e);
}

int fed_program_designate(struct instance *in, const struct actor *a, int64_t report_id,
			  int64_t provider_id, json_t **out, struct err *e)
{
	struct program_ctx x;

	*out = NULL;
	if (not_platform(in, e) < 0)
		return -1;
	if (a == NULL || a->user_id == 0)
		return err_setn(e, ERR_FORBIDDEN, "forbidden",
				"sign in to designate a program for your report");
	memset(&x, 0, sizeof(x));
	x.a = a;
	x.report_id = report_id;
	x.provider_id = provider_id;
	if (in_tx(in->db, program_tx, &x, e) < 0) {
		json_decref(x.out);
		return -1;
	}
	if (x.refused)
		return err_setn(e, ERR_FORBIDDEN, "level_too_low",
				"this program is open to researchers of level %lld and above; your "
				"level is %d",
				(long long)x.entry.min_level, x.level);
	*out = x.out;
	return 0;
}

struct program_get_ctx {
	int64_t report_id;
	json_t *out;
};

static int program_get_conn(struct db_conn *c, void *arg, struct err *e)
{
	struct program_get_ctx *x = arg;
	struct err e2 = ERR_INIT;

	if (store_platform_program_get(c, x->report_id, program_take, &x->out, &e2) < 0 &&
	    e2.code != ERR_NOT_FOUND) {
		*e = e2;
		return -1;
	}
	return 0;
}

int fed_program_get(struct instance *in, int64_t report_id, json_t **out, struct err *e)
{
	struct program_get_ctx x = {report_id, NULL};

	*out = NULL;
	if (not_platform(in, e) < 0 || on_conn(in->db, program_get_conn, &x, e) < 0) {
		json_decref(x.out);
		return -1;
	}
	*out = x.out ? x.out : json_null();
	return 0;
}

/* ---- routing (platform) ---- */

/* The newest advisory the routing's provider published, or null. */
static json_t *advisory_json(const struct platform_routed_row *r)
{
	if (r->advisory == NULL)
		return json_null();
	return json_pack("{s:s,s:s?,s:s?,s:o}", "advisory", r->advisory, "title", r->advisory_title,
			 "url", r->advisory_url, "published_at",
			 time_json(r->advisory_published_at));
}

static json_t *routed_json(const struct platform_routed_row *r)
{
	json_error_t je;
	json_t *o = json_pack("{s:I,s:I,s:{s:I,s:s,s:s?},s:s,s:s?,s:s?,s:o,s:o}", "id",
			      (json_int_t)r->id, "report_id", (json_int_t)r->report_id, "provider",
			      "id", (json_int_t)r->provider_id, "name", r->provider_name, "peer",
			      r->provider_peer_key_id, "channel", r->channel, "envelope_id",
			      r->envelope_id, "message_id", r->message_id, "guard",
			      json_loads(r->guard, 0, &je), "routed_at", time_json(r->routed_at));
	json_t *st = json_null();

	if (r->status != NULL) {
		json_t *d = r->status_detail ? json_loads(r->status_detail, 0, &je) : NULL;

		st = json_pack("{s:s,s:o,s:O?}", "state", r->status, "at", time_json(r->status_at),
			       "note", json_object_get(d, "note"));
		json_decref(d);
	}
	json_object_set_new(o, "status", st);
	json_object_set_new(o, "designated", json_boolean(r->designated));
	json_object_set_new(o, "advisory", advisory_json(r));
	return o;
}

struct route_ctx {
	/* the directory's entries, copied */
	struct {
		int64_t id;
		char *name, *peer, *email, *jur, *pattern;
		int match;
	} ent[DIRECTORY_MAX];
	size_t n;
	struct platform_routed_row row;
	int64_t id;
	const struct actor *a;
	json_t *audit;
	json_t *out;
};

static int route_collect(void *arg, const struct platform_provider_row *r, struct err *e)
{
	struct route_ctx *x = arg;
	json_error_t je;
	json_t *pats;

	(void)e;
	if (x->n == sizeof(x->ent) / sizeof(x->ent[0]))
		return 0;
	x->ent[x->n].id = r->id;
	x->ent[x->n].name = xstrdup(r->name);
	x->ent[x->n].peer = r->peer_key_id ? xstrdup(r->peer_key_id) : NULL;
	x->ent[x->n].email = r->email ? xstrdup(r->email) : NULL;
	x->ent[x->n].jur = r->jurisdiction ? xstrdup(r->jurisdiction) : NULL;
	x->ent[x->n].pattern = NULL;
	pats = json_loads(r->patterns, 0, &je);
	x->ent[x->n].pattern = pats ? compact(pats) : xstrdup("[]");
	json_decref(pats);
	x->n++;
	return 0;
}

static int route_dir_conn(struct db_conn *c, void *arg, struct err *e)
{
	return store_platform_provider_list(c, 0, route_collect, arg, e);
}

static void route_ctx_release(struct route_ctx *x)
{
	for (size_t i = 0; i < x->n; i++) {
		free(x->ent[i].name);
		free(x->ent[i].peer);
		free(x->ent[i].email);
		free(x->ent[i].jur);
		free(x->ent[i].pattern);
	}
	x->n = 0;
}

/* The first of an entry's patterns that matches product (case-insensitive glob). */
static const char *pattern_match(const char *patterns_json, const char *product, char *out,
				 size_t n)
{
	json_error_t je;
	json_t *a = json_loads(patterns_json, 0, &je), *v;
	const char *hit = NULL;
	size_t i;

	json_array_foreach(a, i, v)
	{
		const char *p = json_string_value(v);

		if (p != NULL && fnmatch(p, product, FNM_CASEFOLD) == 0) {
			snprintf(out, n, "%s", p);
			hit = out;
			break;
		}
	}
	json_decref(a);
	return hit;
}

static int routed_one(void *arg, const struct platform_routed_row *r, struct err *e)
{
	struct route_ctx *x = arg;

	(void)e;
	json_decref(x->out);
	x->out = routed_json(r);
	return 0;
}

static int route_add_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct route_ctx *x = arg;

	return store_platform_routed_add(c, &x->row, &x->id, e);
}

static int route_env_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct route_ctx *x = arg;

	/* audited once sent (a mail the relay refused leaves no routing and no event) */
	if (store_platform_routed_set_envelope(c, x->id, x->row.envelope_id, x->row.message_id, e) <
		0 ||
	    audit_record(c, x->a, "report.route", "report", x->row.report_id,
			 json_pack("{s:I,s:O,s:O}", "routing", (json_int_t)x->id, "program",
				   json_object_get(x->audit, "program"), "guard",
				   json_object_get(x->audit, "guard")),
			 e) < 0)
		return -1;
	return store_platform_routed_get(c, x->id, routed_one, x, e);
}

static int route_delete_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct route_ctx *x = arg;

	return store_platform_routed_delete(c, x->id, e);
}

static int route_refused_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct route_ctx *x = arg;

	return audit_record(c, x->a, "report.route_refused", "report", x->row.report_id,
			    json_incref(x->audit), e);
}

/* The routed body's report: what the provider needs, not the reporter's address
 * (the platform relays between them). */
static json_t *routed_report(const json_t *rep)
{
	json_t *o = json_object(), *prod = json_object(), *who = json_object();
	const json_t *p = json_object_get(rep, "product"), *r = json_object_get(rep, "reporter");
	static const char *const pk[] = {"name", "model", "version", NULL};
	static const char *const rk[] = {"name", "organization", "country", NULL};

	json_object_set(o, "title", json_object_get(rep, "title"));
	json_object_set(o, "description", json_object_get(rep, "description"));
	json_object_set_new(
	    o, "language", json_string(jstr(rep, "language")[0] ? jstr(rep, "language") : "zh-CN"));
	for (size_t i = 0; pk[i]; i++)
		if (json_is_string(json_object_get(p, pk[i])))
			json_object_set(prod, pk[i], json_object_get(p, pk[i]));
	for (size_t i = 0; rk[i]; i++)
		if (json_is_string(json_object_get(r, rk[i])))
			json_object_set(who, rk[i], json_object_get(r, rk[i]));
	json_object_set_new(o, "product", prod);
	json_object_set_new(o, "reporter", who);
	return o;
}

static int route_mail(struct instance *in, const char *to, const char *provider, int64_t ref,
		      const json_t *rep, char *message_id, struct err *e)
{
	struct mail_out_config mc = {
	    .url = in->cfg.smtp_url, .from = in->cfg.smtp_from, .timeout = 30};
	struct mail_out_message m = {0};
	const json_t *p = json_object_get(rep, "product");
	char subject[512];
	struct buf b;
	size_t len;
	char *body;
	int rc;

	if (in->cfg.smtp_url[0] == '\0')
		return err_setn(e, ERR_UNAVAILABLE, "no_smtp",
				"no SMTP relay is configured (smtp_url): cannot mail \"%s\"",
				provider);
	snprintf(subject, sizeof(subject), "[漏洞报告转交 / Vulnerability report routed #%lld] %s",
		 (long long)ref, jstr(rep, "title"));
	buf_init(&b, 1 << 20);
	buf_addf(
	    &b,
	    "您好，%s：\n\n本平台收到一份关于贵方产品的漏洞报告，依据《网络产品安全漏洞管理规定》"
	    "转交贵方处置。回复请引用编号 %lld。\n\n"
	    "Hello %s,\n\nThis platform received a vulnerability report about your product and"
	    " routes it to you as its provider. Please quote reference %lld in replies.\n\n",
	    provider, (long long)ref, provider, (long long)ref);
	buf_addf(&b, "产品 / Product: %s", jstr(p, "name"));
	if (jstr(p, "model")[0])
		buf_addf(&b, " %s", jstr(p, "model"));
	if (jstr(p, "version")[0])
		buf_addf(&b, " (%s)", jstr(p, "version"));
	buf_addf(&b, "\n标题 / Title: %s\n\n%s\n", jstr(rep, "title"), jstr(rep, "description"));
	body = buf_detach(&b, &len);
	m.to = to;
	m.to_name = provider;
	m.subject = subject;
	m.body = body;
	rc = mail_out_send(&mc, &m, message_id, e);
	free(body);
	return rc;
}

int fed_route_report(struct instance *in, struct intake *it, struct federation *f,
		     const struct actor *a, int64_t report_id, int64_t provider_id, json_t **out,
		     struct err *e)
{
	struct route_ctx *x = xcalloc(1, sizeof(*x));
	json_t *rep = NULL, *body = NULL, *guard = NULL;
	const char *product, *jur = NULL, *matched = NULL;
	char pat[256], envid[ENVELOPE_ID_MAX + 1], mid[512] = "", *guard_text = NULL;
	size_t pick = 0, nmatch = 0;
	int domestic, via_program = 0, rc = -1;

	*out = NULL;
	x->a = a;
	if (not_platform(in, e) < 0 || intake_report_get(it, a, report_id, 0, &rep, e) < 0)
		goto out;
	if (provider_id == 0) {
		/* the program the researcher designated, if any, names the entry */
		json_t *prog;

		if (fed_program_get(in, report_id, &prog, e) < 0)
			goto out;
		if (json_is_object(prog)) {
			provider_id = json_integer_value(
			    json_object_get(json_object_get(prog, "provider"), "id"));
			via_program = 1;
		}
		json_decref(prog);
	}
	product = jstr(json_object_get(rep, "product"), "name");
	if (on_conn(in->db, route_dir_conn, x, e) < 0)
		goto out;
	for (size_t i = 0; i < x->n; i++) {
		x->ent[i].match =
		    pattern_match(x->ent[i].pattern, product, pat, sizeof(pat)) != NULL;
		if (x->ent[i].match) {
			nmatch++;
			if (provider_id == 0)
				pick = i;
		}
		if (provider_id != 0 && x->ent[i].id == provider_id)
			pick = i;
	}
	if (provider_id == 0 && nmatch == 0) {
		err_setn(e, ERR_NOT_FOUND, "no_provider",
			 "no provider in the directory makes \"%s\"", product);
		goto out;
	}
	if (provider_id == 0 && nmatch > 1) {
		err_setn(e, ERR_CONFLICT, "ambiguous_provider",
			 "%zu providers in the directory make \"%s\": name one (\"provider\")",
			 nmatch, product);
		goto out;
	}
	if (provider_id != 0 && (x->n == 0 || x->ent[pick].id != provider_id)) {
		err_setn(e, ERR_NOT_FOUND, "unknown_provider",
			 "no active provider %lld in the directory%s", (long long)provider_id,
			 via_program ? " (the program designated for the report): name a "
				       "provider"
				     : "");
		goto out;
	}
	{
		/* one routing per report and provider: a second would be a second report there */
		json_t *prev;
		size_t i;
		json_t *v;

		if (fed_routed_list(in, report_id, 0, &prev, e) < 0)
			goto out;
		json_array_foreach(prev, i, v) if (json_integer_value(json_object_get(
						       json_object_get(v, "provider"), "id")) ==
						   x->ent[pick].id)
		{
			json_decref(prev);
			err_setn(e, ERR_CONFLICT, "already_routed",
				 "report %lld was routed to \"%s\" already", (long long)report_id,
				 x->ent[pick].name);
			goto out;
		}
		json_decref(prev);
	}
	if (x->ent[pick].match)
		matched = pattern_match(x->ent[pick].pattern, product, pat, sizeof(pat));
	jur = x->ent[pick].jur;
	if (x->ent[pick].peer != NULL) {
		struct db_conn *c;
		struct fed_peer_row p;

		if (db_acquire(in->db, &c, 5000, e) < 0)
			goto out;
		rc = store_fed_peer_by_key(c, x->ent[pick].peer, &p, e);
		db_release(c);
		if (rc < 0 || p.removed_at != 0) {
			rc = -1;
			err_setn(e, ERR_CONFLICT, "unknown_peer",
				 "the peer of provider \"%s\" was "
				 "removed",
				 x->ent[pick].name);
			goto out;
		}
		rc = -1;
		free(x->ent[pick].jur);
		x->ent[pick].jur = xstrdup(p.jurisdiction);
		jur = x->ent[pick].jur;
	}
	/* Art. 9(7): undisclosed details go abroad only to the product's provider */
	domestic = jur != NULL && strcasecmp(jur, "CN") == 0;
	guard = json_pack("{s:s,s:s,s:s?,s:s,s:b,s:s?,s:s,s:s}", "rule", "rmsv_9_7_overseas",
			  "recipient", x->ent[pick].name, "jurisdiction", jur, "product", product,
			  "product_provider", x->ent[pick].match, "matched_pattern", matched,
			  "result", domestic || x->ent[pick].match ? "allowed" : "refused", "why",
			  x->ent[pick].match
			      ? "the recipient is the product's provider (allowed wherever it is)"
			  : domestic ? "the recipient is in mainland China (CN)"
				     : "the recipient is not the product's provider and is not in "
				       "mainland China (or its jurisdiction is unknown)");
	x->audit = json_pack("{s:I,s:s,s:b,s:O}", "provider_id", (json_int_t)x->ent[pick].id,
			     "channel", x->ent[pick].peer ? "federation" : "email", "program",
			     via_program, "guard", guard);
	x->row.report_id = report_id;
	if (!domestic && !x->ent[pick].match) {
		struct err e2 = ERR_INIT;

		if (in_tx(in->db, route_refused_tx, x, &e2) < 0)
			fprintf(stderr, "vulnflow: platform: cannot audit a refused routing: %s\n",
				e2.msg);
		err_setn(e, ERR_CONFLICT, "rmsv_9_7_overseas",
			 "\"%s\" (%s) is overseas and not the product's provider (Art. 9(7)): the "
			 "report is not routed",
			 x->ent[pick].name, jur ? jur : "jurisdiction unknown");
		goto out;
	}
	guard_text = compact(guard);
	x->row.provider_id = x->ent[pick].id;
	x->row.channel = x->ent[pick].peer ? "federation" : "email";
	x->row.guard = guard_text;
	x->row.routed_at = time_now_us();
	x->row.routed_by = a ? a->user_id : 0;
	body = routed_report(rep);
	if (x->ent[pick].peer == NULL) {
		/* a provider not on vulnflow: the record, the mail (its reference is the
		 * record's id), then the mail's Message-ID on the record */
		if (in_tx(in->db, route_add_tx, x, e) < 0)
			goto out;
		if (route_mail(in, x->ent[pick].email, x->ent[pick].name, x->id, body, mid, e) <
		    0) {
			struct err e2 = ERR_INIT;

			in_tx(in->db, route_delete_tx, x, &e2);
			goto out;
		}
		x->row.message_id = mid;
		if (in_tx(in->db, route_env_tx, x, e) < 0)
			goto out;
	} else {
		json_t *env;
		char ref[32];

		if (f == NULL) {
			err_setn(e, ERR_UNAVAILABLE, "federation_unavailable",
				 "federation is not running");
			goto out;
		}
		if (in_tx(in->db, route_add_tx, x, e) < 0)
			goto out;
		snprintf(ref, sizeof(ref), "%lld", (long long)x->id);
		env = json_pack("{s:s,s:o,s:O}", "platform_ref", ref, "routed_at",
				time_json(x->row.routed_at), "report", body);
		rc = federation_send(f, x->ent[pick].peer, NULL, "report_routed", env, 0, 0, 0,
				     envid, e);
		json_decref(env);
		if (rc < 0) {
			struct err e2 = ERR_INIT;

			in_tx(in->db, route_delete_tx, x, &e2);
			goto out;
		}
		rc = -1;
		x->row.envelope_id = envid;
		if (in_tx(in->db, route_env_tx, x, e) < 0)
			goto out;
	}
	*out = x->out;
	x->out = NULL;
	rc = 0;
out:
	json_decref(x->out);
	json_decref(x->audit);
	json_decref(guard);
	json_decref(body);
	json_decref(rep);
	free(guard_text);
	route_ctx_release(x);
	free(x);
	return rc;
}

static int routed_append(void *arg, const struct platform_routed_row *r, struct err *e)
{
	(void)e;
	json_array_append_new(arg, routed_json(r));
	return 0;
}

static int routed_list_conn(struct db_conn *c, void *arg, struct err *e)
{
	struct list_ctx *x = arg;

	return store_platform_routed_list(c, x->id, x->limit, routed_append, x->a, e);
}

int fed_routed_list(struct instance *in, int64_t report_id, int limit, json_t **out, struct err *e)
{
	struct list_ctx x = {json_array(), 0, report_id, limit};

	*out = NULL;
	if (not_platform(in, e) < 0 || on_conn(in->db, routed_list_conn, &x, e) < 0) {
		json_decref(x.a);
		return -1;
	}
	*out = x.a;
	return 0;
}

int fed_routed_status_add(struct instance *in, json_t *o, struct err *e)
{
	json_t *all, *v, *a, *prog;
	int64_t id;
	size_t i;

	if (strcmp(in->cfg.role, "platform") != 0 || !json_is_integer(json_object_get(o, "id")))
		return 0;
	id = json_integer_value(json_object_get(o, "id"));
	if (fed_routed_list(in, id, 0, &all, e) < 0)
		return -1;
	if (fed_program_get(in, id, &prog, e) < 0) {
		json_decref(all);
		return -1;
	}
	/* what the researcher may see: which provider, what it last said and published */
	a = json_array();
	json_array_foreach(all, i, v) json_array_append_new(
	    a, json_pack("{s:O,s:O,s:O,s:O}", "provider",
			 json_object_get(json_object_get(v, "provider"), "name"), "routed_at",
			 json_object_get(v, "routed_at"), "status", json_object_get(v, "status"),
			 "advisory", json_object_get(v, "advisory")));
	json_decref(all);
	json_object_set_new(o, "providers", a);
	/* and the program they chose, by name */
	json_object_set_new(
	    o, "program",
	    json_is_object(prog)
		? json_pack("{s:O,s:O}", "provider",
			    json_object_get(json_object_get(prog, "provider"), "name"),
			    "designated_at", json_object_get(prog, "designated_at"))
		: json_null());
	json_decref(prog);
	return 0;
}

/* ---- the worker (provider): routed reports into intake, status back ---- */

struct work_item {
	int64_t id, peer_id, case_id;
	char ref[65];
	char peer_key_id[ENVELOPE_KEYID_LEN];
	char state[65];
	char envelope_id[ENVELOPE_ID_MAX + 1];
};

struct work_list {
	struct work_item items[WORK_BATCH];
	size_t n;
};

static int work_take(void *arg, const struct provider_in_row *r, struct err *e)
{
	struct work_list *l = arg;
	struct work_item *w;

	(void)e;
	if (l->n == WORK_BATCH)
		return 0;
	w = &l->items[l->n++];
	memset(w, 0, sizeof(*w));
	w->id = r->id;
	w->peer_id = r->peer_id;
	w->case_id = r->case_id;
	snprintf(w->ref, sizeof(w->ref), "%s", r->platform_ref);
	snprintf(w->peer_key_id, sizeof(w->peer_key_id), "%s", r->peer_key_id);
	snprintf(w->state, sizeof(w->state), "%s", r->case_state ? r->case_state : "");
	snprintf(w->envelope_id, sizeof(w->envelope_id), "%s", r->envelope_id);
	return 0;
}

static void work_free(struct work_list *l)
{
	l->n = 0;
}

static int pending_conn(struct db_conn *c, void *arg, struct err *e)
{
	return store_provider_in_pending(c, WORK_BATCH, work_take, arg, e);
}

static int changed_conn(struct db_conn *c, void *arg, struct err *e)
{
	return store_provider_in_changed(c, WORK_BATCH, work_take, arg, e);
}

struct mark {
	int64_t id, report_id;
	const char *state;
};

static int set_report_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct mark *m = arg;

	return store_provider_in_set_report(c, m->id, m->report_id, e);
}

static int set_sent_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct mark *m = arg;

	return store_provider_in_set_sent(c, m->id, m->state, e);
}

/* One routed report into intake as a received report (channel federation). */
struct sealed_copy {
	unsigned char *p;
	size_t n;
};

static int sealed_take(void *arg, const struct fed_in_row *r, struct err *e)
{
	struct sealed_copy *x = arg;

	(void)e;
	x->p = xmalloc(r->envelope_len ? r->envelope_len : 1);
	memcpy(x->p, r->envelope, r->envelope_len);
	x->n = r->envelope_len;
	return 0;
}

/* The routed report of a work item, from its envelope in the inbox. */
static json_t *routed_in_report(struct instance *in, struct intake *it, const struct work_item *w,
				struct err *e)
{
	struct sealed_copy sc = {NULL, 0};
	struct envelope *env = NULL;
	struct db_conn *c;
	char aad[ENVELOPE_KEYID_LEN + ENVELOPE_ID_MAX + 48], *text = NULL;
	size_t len;
	json_t *rep = NULL;
	int rc;

	if (db_acquire(in->db, &c, 5000, e) < 0)
		return NULL;
	rc = store_fed_in_get(c, w->peer_id, w->envelope_id, sealed_take, &sc, e);
	db_release(c);
	if (rc < 0)
		return NULL;
	snprintf(aad, sizeof(aad), "vulnflow-federation/in/%s/%s", w->peer_key_id, w->envelope_id);
	if (intake_unseal_blob(it, aad, sc.p, sc.n, &text, &len, e) == 0 &&
	    envelope_parse(&env, text, len, e) == 0)
		rep = json_incref(json_object_get(env->body, "report"));
	envelope_free(env);
	free(text);
	free(sc.p);
	return rep;
}

/* One routed report into intake as a received report (channel federation). */
static int enter_one(struct instance *in, struct intake *it, const struct work_item *w,
		     struct err *e)
{
	json_t *rep, *p, *who;
	struct intake_report r;
	struct intake_receipt rc_out;
	struct mark m = {w->id, 0, NULL};
	int rc = -1;

	rep = routed_in_report(in, it, w, e);
	if (rep == NULL)
		return -1;
	p = json_object_get(rep, "product");
	who = json_object_get(rep, "reporter");
	memset(&r, 0, sizeof(r));
	r.title = jstr(rep, "title");
	r.description = jstr(rep, "description");
	r.language = jstr(rep, "language")[0] ? jstr(rep, "language") : NULL;
	r.product_name = jstr(p, "name");
	r.product_model = json_string_value(json_object_get(p, "model"));
	r.product_version = json_string_value(json_object_get(p, "version"));
	r.reporter_name = json_string_value(json_object_get(who, "name"));
	r.reporter_organization = json_string_value(json_object_get(who, "organization"));
	r.reporter_country = json_string_value(json_object_get(who, "country"));
	if (intake_submit(it, INTAKE_FEDERATION, &r, &rc_out, e) < 0)
		goto out;
	m.report_id = rc_out.id;
	rc = in_tx(in->db, set_report_tx, &m, e);
out:
	json_decref(rep);
	return rc;
}

/* Advisories published for cases made from routed reports, to send to their platforms. */
struct adv_item {
	int64_t routed_in_id, case_id, published_at;
	char ref[65];
	char peer_key_id[ENVELOPE_KEYID_LEN];
	char advisory[129];
	char title[1001];
};

struct adv_list {
	struct adv_item items[WORK_BATCH];
	size_t n;
};

/* Copy at most max bytes of s into out, not cutting a UTF-8 sequence; control
 * characters become spaces (a notice's title is one line). */
static void utf8_copy(char *out, size_t max, const char *s)
{
	size_t n = strlen(s);

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? ' ' : s[i];
	out[n] = '\0';
}

/* The advisory's title in its feed language: zh-CN when it has one, else en. */
static void advisory_title(const char *content, char *out, size_t max)
{
	json_error_t je;
	json_t *c = json_loads(content ? content : "", 0, &je);
	const json_t *t = json_object_get(c, "title");
	const char *zh = json_string_value(json_object_get(t, "zh-CN"));
	const char *en = json_string_value(json_object_get(t, "en"));
	const char *one = json_string_value(t);

	utf8_copy(out, max, zh && zh[0] ? zh : en && en[0] ? en : one ? one : "");
	json_decref(c);
}

static int adv_take(void *arg, const struct provider_advisory_due_row *r, struct err *e)
{
	struct adv_list *l = arg;
	struct adv_item *w;

	(void)e;
	if (l->n == WORK_BATCH)
		return 0;
	w = &l->items[l->n++];
	memset(w, 0, sizeof(*w));
	w->routed_in_id = r->routed_in_id;
	w->case_id = r->case_id;
	w->published_at = r->published_at;
	snprintf(w->ref, sizeof(w->ref), "%s", r->platform_ref);
	snprintf(w->peer_key_id, sizeof(w->peer_key_id), "%s", r->peer_key_id);
	snprintf(w->advisory, sizeof(w->advisory), "%s", r->advisory);
	advisory_title(r->content, w->title, sizeof(w->title) - 1);
	return 0;
}

static int adv_due_conn(struct db_conn *c, void *arg, struct err *e)
{
	return store_provider_in_advisories_due(c, WORK_BATCH, adv_take, arg, e);
}

struct adv_mark {
	const struct adv_item *w;
	const char *envelope_id;
};

static int adv_sent_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct adv_mark *m = arg;

	return store_provider_in_advisory_sent(c, m->w->routed_in_id, m->w->advisory,
					       m->envelope_id, time_now_us(), e);
}

/* advisory_published to the platforms, once per routed report and advisory (the same body
 * as to the hub, fed_hub.c, with the platform's reference and the title). */
static int send_advisories(struct instance *in, struct federation *f, int *sent, struct err *e)
{
	struct adv_list *l = xcalloc(1, sizeof(*l));

	if (on_conn(in->db, adv_due_conn, l, e) < 0) {
		free(l);
		return -1;
	}
	for (size_t i = 0; i < l->n; i++) {
		const struct adv_item *w = &l->items[i];
		char id[ENVELOPE_ID_MAX + 1], ref[32], url[CONFIG_STR_LEN + 160];
		struct adv_mark m = {w, NULL};
		struct err e2 = ERR_INIT;
		json_t *body;

		snprintf(ref, sizeof(ref), "%lld", (long long)w->case_id);
		url[0] = '\0';
		if (in->cfg.public_url[0])
			snprintf(url, sizeof(url), "%s/advisories/%s", in->cfg.public_url,
				 w->advisory);
		body = json_pack("{s:s,s:s,s:s,s:s?,s:s?,s:o}", "platform_ref", w->ref, "advisory",
				 w->advisory, "case_ref", ref, "title",
				 w->title[0] ? w->title : NULL, "url", url[0] ? url : NULL,
				 "published_at", time_json(w->published_at));
		if (federation_send(f, w->peer_key_id, NULL, "advisory_published", body, 0, 0, 0,
				    id, &e2) < 0)
			fprintf(stderr,
				"vulnflow: platform: advisory %s published, the platform of routed "
				"report %lld not told: %s\n",
				w->advisory, (long long)w->routed_in_id, e2.msg);
		else {
			m.envelope_id = id;
			(*sent)++;
		}
		json_decref(body);
		/* kept as sent either way: a removed peer is not asked again every round */
		if (in_tx(in->db, adv_sent_tx, &m, &e2) < 0)
			fprintf(stderr, "vulnflow: platform: %s\n", e2.msg);
	}
	free(l);
	return 0;
}

int fed_platform_run_once(struct instance *in, struct intake *it, struct federation *f,
			  int *entered, int *sent, struct err *e)
{
	struct work_list *l = xcalloc(1, sizeof(*l));
	int rc = 0;

	*entered = *sent = 0;
	if (strcmp(in->cfg.role, "provider") != 0 && strcmp(in->cfg.role, "operator") != 0)
		goto out;
	if (on_conn(in->db, pending_conn, l, e) < 0) {
		rc = -1;
		goto out;
	}
	for (size_t i = 0; i < l->n; i++) {
		struct err e2 = ERR_INIT;

		if (enter_one(in, it, &l->items[i], &e2) < 0)
			fprintf(stderr, "vulnflow: platform: cannot enter routed report %lld: %s\n",
				(long long)l->items[i].id, e2.msg);
		else
			(*entered)++;
	}
	work_free(l);
	if (f == NULL || on_conn(in->db, changed_conn, l, e) < 0) {
		rc = f == NULL ? 0 : -1;
		goto out;
	}
	for (size_t i = 0; i < l->n; i++) {
		struct work_item *w = &l->items[i];
		struct mark m = {w->id, 0, w->state};
		char id[ENVELOPE_ID_MAX + 1], ref[32];
		struct err e2 = ERR_INIT;
		json_t *body;

		snprintf(ref, sizeof(ref), "%lld", (long long)w->case_id);
		body = json_pack("{s:s,s:s,s:s,s:o}", "platform_ref", w->ref, "state", w->state,
				 "case_ref", ref, "at", time_json(time_now_us()));
		if (federation_send(f, w->peer_key_id, NULL, "status_update", body, 0, 0, 0, id,
				    &e2) < 0)
			fprintf(stderr,
				"vulnflow: platform: cannot send the status of routed report "
				"%lld: %s\n",
				(long long)w->id, e2.msg);
		else
			(*sent)++;
		json_decref(body);
		/* kept as sent either way: a removed peer is not asked again every round */
		if (in_tx(in->db, set_sent_tx, &m, &e2) < 0)
			fprintf(stderr, "vulnflow: platform: %s\n", e2.msg);
	}
	rc = send_advisories(in, f, sent, e);
	if (rc == 0) {
		/* the hub's notices of published advisories (fed_hub.h) */
		int told = 0;

		rc = fed_hub_notify_published(f, 1, &told, e);
		*sent += told;
	}
out:
	work_free(l);
	free(l);
	return rc;
}

struct fed_platform {
	struct instance *in;
	struct intake *it;
	struct federation *f;
	pthread_t thread;
	int started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stopping;
};

static void *platform_worker(void *arg)
{
	struct fed_platform *p = arg;

	for (;;) {
		struct timespec ts;
		struct err e = ERR_INIT;
		int entered, sent;

		pthread_mutex_lock(&p->mu);
		if (p->stopping) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		pthread_mutex_unlock(&p->mu);
		if (fed_platform_run_once(p->in, p->it, p->f, &entered, &sent, &e) < 0)
			fprintf(stderr, "vulnflow: platform: %s\n", e.msg);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 500L * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&p->mu);
		if (!p->stopping)
			pthread_cond_timedwait(&p->cv, &p->mu, &ts);
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

int fed_platform_start(struct fed_platform **out, struct instance *in, struct intake *it,
		       struct federation *f, struct err *e)
{
	struct fed_platform *p = xcalloc(1, sizeof(*p));

	p->in = in;
	p->it = it;
	p->f = f;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (f != NULL &&
	    (strcmp(in->cfg.role, "provider") == 0 || strcmp(in->cfg.role, "operator") == 0)) {
		if (pthread_create(&p->thread, NULL, platform_worker, p) != 0) {
			fed_platform_stop(p);
			*out = NULL;
			return err_set(e, ERR_INTERNAL, "cannot start the platform worker");
		}
		p->started = 1;
	}
	*out = p;
	return 0;
}

void fed_platform_stop(struct fed_platform *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stopping = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	if (p->started)
		pthread_join(p->thread, NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
}
