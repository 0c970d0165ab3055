/* bulletin_feed.c - the public feeds of our advisories: what publication exports and signs,
 * and the CSAF 2.0 provider layout and OSV feed served from it (bulletins.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "base/mem.h"
#include "formats/csaf_feed.h"
#include "formats/csaf_out.h"
#include "formats/osv_out.h"
#include "service/bulletins_impl.h"
#include "service/instance.h"
#include "service/pgp.h"
#include "store/store_bulletin.h"
#include "store/store_user.h"

#define FEED_OUT_MAX ((size_t)1 << 31)

/* ---------------------------------------------------------------- at publication */

/* The public URL without a trailing '/' into out. */
static void base_url(const struct bulletins *bs, char *out, size_t size)
{
	const char *u = bs->in->cfg.public_url;
	size_t n = strlen(u);

	while (n > 0 && u[n - 1] == '/')
		n--;
	snprintf(out, size, "%.*s", (int)n, u);
}

/* Sign doc with the organisation key: *sig and fpr, or *sig = NULL and *why
 * when there is no key.  A key that does not sign is an error. */
static int sign(struct bulletins *bs, struct db_conn *c, const char *doc, size_t len,
		int64_t now, char **sig, char fpr[PGP_FPR_LEN], const char **why, struct err *e)
{
	struct err e1 = ERR_INIT;
	char *key = NULL;
	int rc;

	*sig = NULL;
	*why = NULL;
	fpr[0] = '\0';
	if (bs->pgp == NULL) {
		*why = bs->pgp_why;
		return 0;
	}
	if (pgp_sign_detached(bs->pgp, doc, len, sig, NULL, &e1) < 0) {
		if (e1.code == ERR_NOT_FOUND) {
			*why = "the organisation has no OpenPGP key (vulnflow pgp init)";
			return 0;
		}
		return err_setn(e, ERR_INTERNAL, "sign_failed",
				"the organisation key cannot sign the CSAF document: %s", e1.msg);
	}
	rc = pgp_fingerprint(bs->pgp, fpr, e);
	if (rc == 0)
		rc = pgp_export(bs->pgp, &key, NULL, e);
	if (rc == 0)
		rc = store_signing_key_put(c, fpr, key, now, e);
	free(key);
	if (rc < 0) {
		free(*sig);
		*sig = NULL;
	}
	return rc;
}

int bulletin_feed_export(struct bulletins *bs, struct db_conn *c, const struct bulletin_doc *d,
			 int64_t bulletin_id, int64_t revision, int64_t now, json_t **info,
			 struct err *e)
{
	char *csaf = NULL, *osv = NULL, *sig = NULL;
	size_t clen, olen;
	char path[CSAF_FEED_PATH_MAX], h256[CRYPTO_HASH_HEX_LEN], h512[CRYPTO_SHA512_HEX_LEN];
	char fpr[PGP_FPR_LEN], base[CONFIG_STR_LEN], url[CONFIG_STR_LEN + CSAF_FEED_PATH_MAX + 64];
	char osv_url[CONFIG_STR_LEN + 128];
	const char *title, *why = NULL;
	struct csaf_feed_doc fd = { 0 };
	struct bulletin_export_row x = { 0 };
	enum bulletin_lang l;
	struct err e1 = ERR_INIT;
	int rc = -1;

	*info = NULL;
	if (bs->in->cfg.public_url[0] == '\0') {
		*info = json_pack("{s:b, s:n, s:s}", "exported", 0, "signer", "reason",
				  "public_url is not set: there is no feed");
		return 0;
	}
	if (csaf_export(&csaf, &clen, &d->b, d->b.lang, &e1) < 0 ||
	    osv_export(&osv, &olen, &d->b, "en", &e1) < 0) {
		err_setn(e, ERR_INVALID, "export_failed",
			 "the advisory passes the gate but does not export: %s", e1.msg);
		goto out;
	}
	if (bulletin_lang_index(d->b.lang, BULLETIN_EN, &l) < 0)
		l = BULLETIN_EN;
	title = bulletin_text_get(&d->b.title, l);
	fd.id = d->b.id;
	fd.title = title;
	fd.initial_release_us = d->b.initial_release_us;
	fd.current_release_us = d->b.current_release_us;
	fd.doc = csaf;
	fd.len = clen;
	if (csaf_feed_rel_path(&fd, path, e) < 0)
		goto out;
	crypto_sha256_hex(csaf, clen, h256);
	crypto_sha512_hex(csaf, clen, h512);
	if (sign(bs, c, csaf, clen, now, &sig, fpr, &why, e) < 0)
		goto out;
	x.bulletin_id = bulletin_id;
	x.revision = revision;
	x.ident = d->b.id;
	x.title = title ? title : d->b.id;
	x.lang = d->b.lang;
	x.path = path;
	x.initial_release = fd.initial_release_us;
	x.current_release = fd.current_release_us;
	x.csaf = csaf;
	x.sha256 = h256;
	x.sha512 = h512;
	x.signature = sig;
	x.signer = sig ? fpr : NULL;
	x.osv = osv;
	x.created_at = now;
	if (store_bulletin_export_add(c, &x, e) < 0)
		goto out;
	base_url(bs, base, sizeof(base));
	snprintf(url, sizeof(url), "%s/.well-known/csaf/white/%s", base, path);
	snprintf(osv_url, sizeof(osv_url), "%s/osv/%s.json", base, d->b.id);
	*info = json_pack("{s:b, s:s, s:s, s:s, s:s, s:b}", "exported", 1, "csaf", url, "osv",
			  osv_url, "lang", d->b.lang, "sha256", h256, "signed", sig != NULL);
	json_object_set_new(*info, "signer", sig ? json_string(fpr) : json_null());
	if (why)
		json_object_set_new(*info, "reason", json_string(why));
	rc = 0;
out:
	free(csaf);
	free(osv);
	free(sig);
	return rc;
}

/* ---------------------------------------------------------------- serving */

void bulletin_feed_file_free(struct bulletin_feed_file *f)
{
	if (f == NULL)
		return;
	free(f->body);
	f->body = NULL;
}

int bulletin_feed_not_modified(const struct bulletin_feed_file *f)
{
	if (f->if_none_match != NULL)
		return strcmp(f->if_none_match, "*") == 0 || strstr(f->if_none_match, f->etag) != NULL;
	return f->if_modified_since >= 0 && f->last_modified / 1000000 <= f->if_modified_since;
}

/* The client has it: drop the body. */
static void check_current(struct bulletin_feed_file *f)
{
	if (f->body != NULL && bulletin_feed_not_modified(f)) {
		free(f->body);
		f->body = NULL;
		f->len = 0;
		f->not_modified = 1;
	}
}

static void set_etag(char out[40], const char *body, size_t len)
{
	char hex[CRYPTO_HASH_HEX_LEN];

	crypto_sha256_hex(body, len, hex);
	snprintf(out, 40, "\"%.32s\"", hex);
}

/* Hand body (owned) to f with its ETag. */
static void file_set(struct bulletin_feed_file *f, char *body, size_t len, const char *type,
		     int64_t last_modified)
{
	f->body = body;
	f->len = len;
	f->content_type = type;
	f->last_modified = last_modified;
	set_etag(f->etag, body, len);
}

static char *memdup(const char *p, size_t n)
{
	char *s = xmalloc(n + 1);

	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* Every published export's metadata (strings copied). */
struct meta {
	struct csaf_feed_doc *docs;
	char **owned;                  /* strings of docs[i]: id, title */
	const char **signer;           /* per doc, NULL: unsigned */
	size_t n, cap;
	struct buf osv;                /* EXPORT_OSV: "[rec,rec,...]" */
	int64_t newest;
};

static int meta_row(void *arg, const struct bulletin_export_row *r, struct err *e)
{
	struct meta *m = arg;
	struct csaf_feed_doc *d;

	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->docs = xrealloc(m->docs, m->cap * sizeof(*m->docs));
		m->owned = xrealloc(m->owned, 3 * m->cap * sizeof(*m->owned));
		m->signer = xrealloc(m->signer, m->cap * sizeof(*m->signer));
	}
	d = &m->docs[m->n];
	memset(d, 0, sizeof(*d));
	m->owned[3 * m->n] = xstrdup(r->ident);
	m->owned[3 * m->n + 1] = xstrdup(r->title);
	m->owned[3 * m->n + 2] = r->signer ? xstrdup(r->signer) : NULL;
	d->id = m->owned[3 * m->n];
	d->title = m->owned[3 * m->n + 1];
	m->signer[m->n] = m->owned[3 * m->n + 2];
	d->initial_release_us = r->initial_release;
	d->current_release_us = r->current_release;
	if (r->created_at > m->newest)
		m->newest = r->created_at;
	if (r->osv != NULL &&
	    (buf_adds(&m->osv, m->n ? ",\n" : "[\n") < 0 || buf_adds(&m->osv, r->osv) < 0))
		return err_set(e, ERR_TOO_LARGE, "the OSV feed is larger than %zu bytes",
			       FEED_OUT_MAX);
	m->n++;
	return 0;
}

static void meta_free(struct meta *m)
{
	for (size_t i = 0; i < 3 * m->n; i++)
		free(m->owned[i]);
	free(m->docs);
	free(m->owned);
	free(m->signer);
	buf_release(&m->osv);
}

struct org_name {
	char name[1024];
};

static int org_row(void *arg, const struct org *o)
{
	struct org_name *on = arg;

	if (on->name[0] == '\0')
		snprintf(on->name, sizeof(on->name), "%s", o->name);
	return 0;
}

/* Drop the signature links of unsigned documents from the ROLIE feed text. */
static int rolie_unsigned(char **text, size_t *len, const struct meta *m, struct err *e)
{
	json_t *feed, *entry, *link;
	json_error_t je;
	size_t i, j;
	char *out;

	feed = json_loads(*text, 0, &je);
	if (feed == NULL)
		return err_set(e, ERR_INTERNAL, "ROLIE feed: %s", je.text);
	json_array_foreach(json_object_get(json_object_get(feed, "feed"), "entry"), i, entry) {
		const char *id = json_string_value(json_object_get(entry, "id"));
		int unsigned_doc = 0;

		for (size_t k = 0; k < m->n; k++)
			if (id && strcmp(m->docs[k].id, id) == 0 && m->signer[k] == NULL)
				unsigned_doc = 1;
		if (!unsigned_doc)
			continue;
		json_array_foreach(json_object_get(entry, "link"), j, link) {
			const char *rel = json_string_value(json_object_get(link, "rel"));

			if (rel != NULL && strcmp(rel, "signature") == 0) {
				json_array_remove(json_object_get(entry, "link"), j);
				break;
			}
		}
	}
	out = json_dumps(feed, JSON_INDENT(2));
	json_decref(feed);
	if (out == NULL)
		return err_set(e, ERR_INTERNAL, "cannot serialise the ROLIE feed");
	free(*text);
	*text = out;
	*len = strlen(out);
	return 0;
}

/* Set cache entry which to body (owned). */
static void cache_put(struct bulletins *bs, enum feed_list which, char *body, size_t len,
		      int64_t count, int64_t newest)
{
	struct feed_cached *fc = &bs->feed[which];

	free(fc->body);
	fc->body = body;
	fc->len = len;
	fc->count = count;
	fc->newest = newest;
	set_etag(fc->etag, body, len);
	fc->valid = 1;
}

/*
 * Rebuild, from the published exports on c, the cache entries of which's
 * group: /osv/all.json alone, or the four CSAF list files together (one
 * query for all four).  count and newest are the stamp they are built for.
 */
static int list_build(struct bulletins *bs, struct db_conn *c, enum feed_list which,
		      int64_t count, int64_t newest, struct err *e)
{
	struct meta m = { 0 };
	struct org_name on = { "" };
	struct csaf_feed_config cfg = { 0 };
	char base[CONFIG_STR_LEN];
	char *out[FEED_LIST_COUNT] = { NULL };
	size_t len[FEED_LIST_COUNT] = { 0 };
	const char *fpr = NULL;
	size_t nsigned = 0;
	int rc = -1;

	buf_init(&m.osv, FEED_OUT_MAX);
	if (store_bulletin_exports(c, which == FEED_OSV_ALL ? EXPORT_OSV : EXPORT_META, meta_row,
				   &m, e) < 0)
		goto out;
	if (which == FEED_OSV_ALL) {
		if (buf_adds(&m.osv, m.n ? "\n]\n" : "[]\n") < 0) {
			err_set(e, ERR_TOO_LARGE, "the OSV feed is too large");
			goto out;
		}
		out[FEED_OSV_ALL] = buf_detach(&m.osv, &len[FEED_OSV_ALL]);
		rc = 0;
		goto out;
	}
	if (store_org_list(c, 0, 1, org_row, &on, e) < 0)
		goto out;
	base_url(bs, base, sizeof(base));
	for (size_t i = 0; i < m.n; i++) {
		if (m.signer[i] == NULL)
			continue;
		nsigned++;
		fpr = m.signer[i];     /* rows by bulletin id: the newest signer wins */
	}
	cfg.base_url = base;
	cfg.publisher_name = on.name[0] ? on.name : "vulnflow";
	cfg.publisher_namespace = bs->in->cfg.public_url;
	cfg.contact_details = bs->in->cfg.security_contact[0] ? bs->in->cfg.security_contact
							      : NULL;
	cfg.role = nsigned > 0 && nsigned == m.n ? "csaf_trusted_provider" : "csaf_provider";
	cfg.pgp_fingerprint = fpr;
	cfg.last_updated_us = m.newest;
	if (csaf_feed_provider_metadata(&out[FEED_METADATA], &len[FEED_METADATA], &cfg, e) < 0 ||
	    csaf_feed_index_txt(&out[FEED_INDEX], &len[FEED_INDEX], m.docs, m.n, e) < 0 ||
	    csaf_feed_changes_csv(&out[FEED_CHANGES], &len[FEED_CHANGES], m.docs, m.n, e) < 0 ||
	    csaf_feed_rolie(&out[FEED_ROLIE], &len[FEED_ROLIE], &cfg, m.docs, m.n, e) < 0)
		goto out;
	if (nsigned < m.n && rolie_unsigned(&out[FEED_ROLIE], &len[FEED_ROLIE], &m, e) < 0)
		goto out;
	rc = 0;
out:
	meta_free(&m);
	for (int i = 0; i < FEED_LIST_COUNT; i++) {
		if (rc == 0 && out[i] != NULL)
			cache_put(bs, (enum feed_list)i, out[i], len[i], count, newest);
		else
			free(out[i]);
	}
	return rc;
}

/* A list file, from the cache when the published set has not changed. */
static int list_file(struct bulletins *bs, enum feed_list which, const char *type,
		     struct bulletin_feed_file *f, struct err *e)
{
	struct feed_cached *fc = &bs->feed[which];
	struct db_conn *c;
	int64_t count, newest;

	if (db_acquire(bs->in->db, &c, 5000, e) < 0)
		return -1;
	if (store_bulletin_exports_stamp(c, &count, &newest, e) < 0) {
		db_release(c);
		return -1;
	}
	pthread_mutex_lock(&bs->feed_lock);
	if ((!fc->valid || fc->count != count || fc->newest != newest) &&
	    list_build(bs, c, which, count, newest, e) < 0) {
		pthread_mutex_unlock(&bs->feed_lock);
		db_release(c);
		return -1;
	}
	db_release(c);
	f->content_type = type;
	f->last_modified = fc->newest;
	memcpy(f->etag, fc->etag, sizeof(f->etag));
	f->not_modified = bulletin_feed_not_modified(f);
	if (!f->not_modified) {
		f->body = memdup(fc->body, fc->len);
		f->len = fc->len;
	}
	pthread_mutex_unlock(&bs->feed_lock);
	return 0;
}

void bulletin_feed_cache_free(struct bulletins *bs)
{
	for (int i = 0; i < FEED_LIST_COUNT; i++) {
		free(bs->feed[i].body);
		bs->feed[i].body = NULL;
		bs->feed[i].valid = 0;
	}
}

/* One document's files. */
enum doc_part { PART_DOC, PART_SHA256, PART_SHA512, PART_ASC, PART_OSV };

struct one {
	enum doc_part part;
	const char *file;              /* the document's file name, for the hash files */
	struct bulletin_feed_file *f;
	int unsigned_doc;
};

static int one_row(void *arg, const struct bulletin_export_row *r, struct err *e)
{
	struct one *o = arg;
	struct buf b;
	size_t len;
	char *text;

	switch (o->part) {
	case PART_DOC:
		file_set(o->f, xstrdup(r->csaf), strlen(r->csaf), "application/json",
			 r->created_at);
		break;
	case PART_OSV:
		file_set(o->f, xstrdup(r->osv), strlen(r->osv), "application/json", r->created_at);
		break;
	case PART_SHA256:
	case PART_SHA512:
		buf_init(&b, 4096);
		buf_addf(&b, "%s  %s\n", o->part == PART_SHA256 ? r->sha256 : r->sha512, o->file);
		text = buf_detach(&b, &len);
		file_set(o->f, text, len, "text/plain; charset=utf-8", r->created_at);
		break;
	case PART_ASC:
		if (r->signature == NULL) {
			o->unsigned_doc = 1;
			break;
		}
		file_set(o->f, xstrdup(r->signature), strlen(r->signature),
			 "application/pgp-signature", r->created_at);
		break;
	}
	return 0;
}

static int ends_with(const char *s, const char *suffix, size_t *stem)
{
	size_t n = strlen(s), k = strlen(suffix);

	if (n <= k || strcmp(s + n - k, suffix) != 0)
		return 0;
	*stem = n - k;
	return 1;
}

static int doc_file(struct bulletins *bs, const char *rel, struct bulletin_feed_file *f,
		    struct err *e)
{
	static const struct {
		const char *suffix;
		enum doc_part part;
	} parts[] = { { ".json.sha256", PART_SHA256 }, { ".json.sha512", PART_SHA512 },
		      { ".json.asc", PART_ASC }, { ".json", PART_DOC } };
	char path[CSAF_FEED_PATH_MAX];
	struct one o = { .f = f };
	struct db_conn *c;
	size_t stem = 0;
	int rc, found = 0;

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]) && !found; i++) {
		if (ends_with(rel, parts[i].suffix, &stem)) {
			o.part = parts[i].part;
			found = 1;
		}
	}
	if (!found || stem + 5 >= sizeof(path))
		return err_setn(e, ERR_NOT_FOUND, "not_found", "no such feed file");
	snprintf(path, sizeof(path), "%.*s.json", (int)stem, rel);
	o.file = strchr(path, '/') ? strchr(path, '/') + 1 : path;
	if (db_acquire(bs->in->db, &c, 5000, e) < 0)
		return -1;
	rc = store_bulletin_export_get(c, path, 0, o.part == PART_DOC ? EXPORT_CSAF : EXPORT_META,
				       one_row, &o, e);
	db_release(c);
	if (rc == 0 && o.unsigned_doc)
		rc = err_setn(e, ERR_NOT_FOUND, "not_signed",
			      "this document was published unsigned (the organisation had no"
			      " OpenPGP key)");
	if (rc == 0)
		check_current(f);
	return rc;
}

static int key_file(struct bulletins *bs, const char *name, struct bulletin_feed_file *f,
		    struct err *e)
{
	char fpr[PGP_FPR_LEN], *key;
	struct db_conn *c;
	size_t stem;
	int64_t first;
	int rc;

	if (!ends_with(name, ".asc", &stem) || stem >= sizeof(fpr) || strchr(name, '/'))
		return err_setn(e, ERR_NOT_FOUND, "not_found", "no such key file");
	snprintf(fpr, sizeof(fpr), "%.*s", (int)stem, name);
	if (db_acquire(bs->in->db, &c, 5000, e) < 0)
		return -1;
	rc = store_signing_key_get(c, fpr, &key, &first, e);
	db_release(c);
	if (rc == 0) {
		file_set(f, key, strlen(key), "application/pgp-keys", first);
		check_current(f);
	}
	return rc;
}

static int feed_configured(struct bulletins *bs, struct bulletin_feed_file *f, struct err *e)
{
	f->not_modified = 0;
	f->body = NULL;
	f->len = 0;
	if (bs->in->cfg.public_url[0] == '\0')
		return err_setn(e, ERR_NOT_FOUND, "feed_not_configured",
				"there is no advisory feed: public_url is not set");
	return 0;
}

int bulletins_csaf_feed(struct bulletins *bs, const char *path, struct bulletin_feed_file *out,
			struct err *e)
{
	if (feed_configured(bs, out, e) < 0)
		return -1;
	if (strcmp(path, "provider-metadata.json") == 0)
		return list_file(bs, FEED_METADATA, "application/json", out, e);
	if (strcmp(path, "white/index.txt") == 0)
		return list_file(bs, FEED_INDEX, "text/plain; charset=utf-8", out, e);
	if (strcmp(path, "white/changes.csv") == 0)
		return list_file(bs, FEED_CHANGES, "text/csv; charset=utf-8", out, e);
	if (strcmp(path, "white/csaf-feed-tlp-white.json") == 0)
		return list_file(bs, FEED_ROLIE, "application/json", out, e);
	if (strncmp(path, "white/", 6) == 0)
		return doc_file(bs, path + 6, out, e);
	if (strncmp(path, "openpgp/", 8) == 0)
		return key_file(bs, path + 8, out, e);
	return err_setn(e, ERR_NOT_FOUND, "not_found", "no such feed file");
}

int bulletins_osv_feed(struct bulletins *bs, const char *name, struct bulletin_feed_file *out,
		       struct err *e)
{
	char ident[128];
	struct one o = { .part = PART_OSV, .f = out };
	struct db_conn *c;
	size_t stem;
	int rc;

	if (feed_configured(bs, out, e) < 0)
		return -1;
	if (strcmp(name, "all.json") == 0)
		return list_file(bs, FEED_OSV_ALL, "application/json", out, e);
	if (!ends_with(name, ".json", &stem) || stem >= sizeof(ident))
		return err_setn(e, ERR_NOT_FOUND, "not_found", "no such OSV record");
	if (strncmp(name, "x_", 2) == 0)
		snprintf(ident, sizeof(ident), "%.*s", (int)stem - 2, name + 2);
	else
		snprintf(ident, sizeof(ident), "%.*s", (int)stem, name);
	if (db_acquire(bs->in->db, &c, 5000, e) < 0)
		return -1;
	rc = store_bulletin_export_get(c, ident, 1, EXPORT_OSV, one_row, &o, e);
	db_release(c);
	if (rc == 0)
		check_current(out);
	return rc;
}
