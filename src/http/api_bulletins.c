/* api_bulletins.c - the advisories we publish: drafts, the gate, publication, approvals,
 * reviews, the early-release record, blackout windows, their CSAF/OSV exports, and the
 * public feeds (CSAF provider layout, OSV) with conditional GETs (issue 7). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypto.h"
#include "formats/csaf_out.h"
#include "formats/osv_out.h"
#include "http/api.h"
#include "http/httpdate.h"
#include "http/server.h"
#include "service/bulletins.h"

/* The caller as the services see it; an anonymous (or not yet fully
 * enrolled) caller of a public route has no role: published advisories only. */
static struct case_actor actor_of(const struct req *r)
{
	struct case_actor a = { req_actor(r), r->who.role };

	if (!r->authenticated || r->who.restricted != NULL)
		a.role = ROLE_NONE;
	return a;
}

static int need_bulletins(struct req *r)
{
	struct err e = ERR_INIT;

	if (r->app->bulletins != NULL)
		return 0;
	err_setn(&e, ERR_UNAVAILABLE, "advisories_unavailable",
		 "the advisory service is not running");
	return req_fail(r, &e);
}

typedef int ident_fn(struct bulletins *bs, const struct case_actor *a, const char *ident,
		     json_t *body, json_t **out, struct err *e);

static int call(struct req *r, ident_fn *fn, int status)
{
	struct case_actor a = actor_of(r);
	json_t *out;
	struct err e = ERR_INIT;

	if (need_bulletins(r) < 0)
		return -1;
	if (fn(r->app->bulletins, &a, r->path_token, r->json, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, status, out);
}

static int get_fn(struct bulletins *bs, const struct case_actor *a, const char *ident,
		  json_t *body, json_t **out, struct err *e)
{
	return bulletins_get(bs, a, ident, out, e);
}

static int gate_fn(struct bulletins *bs, const struct case_actor *a, const char *ident,
		   json_t *body, json_t **out, struct err *e)
{
	return bulletins_gate(bs, a, ident, out, e);
}

int api_bulletin_draft(struct req *r)
{
	struct case_actor a = actor_of(r);
	json_t *out;
	int created;
	struct err e = ERR_INIT;

	if (need_bulletins(r) < 0)
		return -1;
	if (bulletins_draft(r->app->bulletins, &a, r->path_id, r->json, &out, &created, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, created ? 201 : 200, out);
}

int api_bulletin_get(struct req *r)
{
	return call(r, get_fn, 200);
}

int api_bulletin_patch(struct req *r)
{
	return call(r, bulletins_patch, 200);
}

int api_bulletin_gate(struct req *r)
{
	return call(r, gate_fn, 200);
}

int api_bulletin_approve(struct req *r)
{
	return call(r, bulletins_approve, 201);
}

int api_bulletin_review(struct req *r)
{
	return call(r, bulletins_review, 201);
}

int api_bulletin_publish(struct req *r)
{
	struct case_actor a = actor_of(r);
	json_t *out, *refused = NULL;
	struct err e = ERR_INIT;

	if (need_bulletins(r) < 0)
		return -1;
	if (bulletins_publish(r->app->bulletins, &a, r->path_token, r->json, &out, &refused,
			      &e) < 0) {
		if (refused)
			r->err_detail = json_pack("{s:o}", "rules", refused);
		return req_fail(r, &e);
	}
	return req_json(r, 200, out);
}

int api_bulletins_list(struct req *r)
{
	struct case_actor a = actor_of(r);
	struct bulletin_list_query q = { 0 };
	int64_t limit, before;
	json_t *out;
	struct err e = ERR_INIT;

	if (need_bulletins(r) < 0 ||
	    req_query_int(r, "limit", 1, 500, 50, &limit) < 0 ||
	    req_query_int(r, "before", 0, INT64_MAX, 0, &before) < 0)
		return -1;
	q.state = req_query(r, "state");
	q.before = before;
	q.limit = (int)limit;
	if (bulletins_list(r->app->bulletins, &a, &q, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

int api_bulletin_early_release(struct req *r)
{
	struct case_actor a = actor_of(r);
	json_t *out;
	struct err e = ERR_INIT;

	if (need_bulletins(r) < 0)
		return -1;
	if (bulletins_early_release(r->app->bulletins, &a, r->path_id, r->json, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 201, out);
}

int api_blackouts_list(struct req *r)
{
	struct case_actor a = actor_of(r);
	const char *all = req_query(r, "all");
	json_t *out;
	struct err e = ERR_INIT;

	if (need_bulletins(r) < 0)
		return -1;
	if (bulletins_blackouts(r->app->bulletins, &a, all && strcmp(all, "true") == 0, &out,
				&e) < 0)
		return req_fail(r, &e);
	return req_json(r, 200, out);
}

int api_blackouts_create(struct req *r)
{
	struct case_actor a = actor_of(r);
	json_t *out;
	struct err e = ERR_INIT;

	if (need_bulletins(r) < 0)
		return -1;
	if (bulletins_blackout_add(r->app->bulletins, &a, r->json, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 201, out);
}

int api_blackout_consent(struct req *r)
{
	struct case_actor a = actor_of(r);
	json_t *out;
	struct err e = ERR_INIT;

	if (need_bulletins(r) < 0)
		return -1;
	if (bulletins_blackout_consent(r->app->bulletins, &a, r->path_id, r->json, &out, &e) < 0)
		return req_fail(r, &e);
	return req_json(r, 201, out);
}

/* ---------------------------------------------------------------- exports and feeds */

/* The request's validators into f (before the service fills it). */
static void validators(struct req *r, struct bulletin_feed_file *f)
{
	f->if_none_match = req_header_in(r, "If-None-Match");
	f->if_modified_since = httpdate_parse(req_header_in(r, "If-Modified-Since"));
}

/*
 * Reply with f's body, or 304 when the client has it (f->not_modified, or
 * bulletin_feed_not_modified(): If-None-Match names the ETag, else
 * If-Modified-Since is at or after Last-Modified).
 */
static int reply_file(struct req *r, struct bulletin_feed_file *f, const char *cache)
{
	char date[HTTPDATE_LEN];

	httpdate_format(f->last_modified, date);
	req_header(r, "ETag", f->etag);
	req_header(r, "Last-Modified", date);
	req_header(r, "Cache-Control", cache);
	r->content_type = f->content_type;
	if (f->not_modified || bulletin_feed_not_modified(f)) {
		bulletin_feed_file_free(f);
		r->status = 304;
		return 0;
	}
	r->status = 200;
	r->text = f->body;
	r->text_len = f->len;
	f->body = NULL;
	return 0;
}

/* GET /api/v1/advisories/{id}/csaf (?profile=vex, ?lang=) and .../osv: made now from
 * the advisory as the caller may see it (a draft for those who may read it). */
static int export_reply(struct req *r, int osv)
{
	struct case_actor a = actor_of(r);
	const char *lang = req_query(r, "lang"), *profile = req_query(r, "profile");
	struct bulletin_feed_file f = { 0 };
	struct bulletin_doc *d;
	char hex[CRYPTO_HASH_HEX_LEN];
	struct err e = ERR_INIT;
	int rc;

	if (need_bulletins(r) < 0)
		return -1;
	if (lang != NULL && strcmp(lang, "zh-CN") != 0 && strcmp(lang, "en") != 0) {
		err_setn(&e, ERR_INVALID, "invalid_query", "lang must be \"zh-CN\" or \"en\"");
		return req_fail(r, &e);
	}
	if (!osv && profile != NULL && strcmp(profile, "vex") != 0 &&
	    strcmp(profile, "security_advisory") != 0) {
		err_setn(&e, ERR_INVALID, "invalid_query",
			 "profile must be \"security_advisory\" (default) or \"vex\"");
		return req_fail(r, &e);
	}
	if (bulletins_load(&d, r->app->bulletins, &a, r->path_token, lang, &e) < 0)
		return req_fail(r, &e);
	validators(r, &f);
	if (lang == NULL)
		lang = d->b.lang;
	rc = osv ? osv_export(&f.body, &f.len, &d->b, lang, &e)
	   : profile != NULL && strcmp(profile, "vex") == 0
		? csaf_vex_export(&f.body, &f.len, &d->b, lang, &e)
		: csaf_export(&f.body, &f.len, &d->b, lang, &e);
	f.last_modified = d->b.current_release_us;
	bulletin_doc_free(d);
	if (rc < 0)
		return req_fail(r, &e);
	f.content_type = "application/json";
	crypto_sha256_hex(f.body, f.len, hex);
	snprintf(f.etag, sizeof(f.etag), "\"%.32s\"", hex);
	return reply_file(r, &f, a.role == ROLE_NONE ? "public, no-cache" : "private, no-cache");
}

int api_bulletin_csaf(struct req *r)
{
	return export_reply(r, 0);
}

int api_bulletin_osv(struct req *r)
{
	return export_reply(r, 1);
}

/* A file of the public feeds (bulletins_csaf_feed(), bulletins_osv_feed()). */
static int feed_reply(struct req *r, const char *path, int osv)
{
	struct bulletin_feed_file f = { 0 };
	struct err e = ERR_INIT;

	if (need_bulletins(r) < 0)
		return -1;
	validators(r, &f);
	if ((osv ? bulletins_osv_feed(r->app->bulletins, path, &f, &e)
		 : bulletins_csaf_feed(r->app->bulletins, path, &f, &e)) < 0)
		return req_fail(r, &e);
	return reply_file(r, &f, "public, no-cache");
}

int api_csaf_provider_metadata(struct req *r)
{
	return feed_reply(r, "provider-metadata.json", 0);
}

int api_csaf_index(struct req *r)
{
	return feed_reply(r, "white/index.txt", 0);
}

int api_csaf_changes(struct req *r)
{
	return feed_reply(r, "white/changes.csv", 0);
}

int api_csaf_rolie(struct req *r)
{
	return feed_reply(r, "white/csaf-feed-tlp-white.json", 0);
}

/* /.well-known/csaf/white/{year}/{file}: the year is in path_id, the file in path_token. */
int api_csaf_document(struct req *r)
{
	char path[160];

	snprintf(path, sizeof(path), "white/%04lld/%s", (long long)r->path_id, r->path_token);
	return feed_reply(r, path, 0);
}

int api_csaf_key(struct req *r)
{
	char path[160];

	snprintf(path, sizeof(path), "openpgp/%s", r->path_token);
	return feed_reply(r, path, 0);
}

int api_osv_all(struct req *r)
{
	return feed_reply(r, "all.json", 1);
}

int api_osv_record(struct req *r)
{
	return feed_reply(r, r->path_token, 1);
}
