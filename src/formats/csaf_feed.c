/* csaf_feed.c - provider-metadata.json, index.txt, changes.csv, ROLIE feed, hash files (see csaf_feed.h). */
#include "formats/csaf_feed.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "base/mem.h"
#include "formats/csaf_out.h"

#define CSAF_SCHEMA_URL "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json"
#define OUT_MAX ((size_t)1 << 30)

int csaf_feed_tlp_dir(const char *tlp, const char **out, struct err *e)
{
	static const char *const labels[][2] = {
		{ "WHITE", "white" }, { "GREEN", "green" }, { "AMBER", "amber" }, { "RED", "red" },
	};

	if (tlp == NULL)
		tlp = "WHITE";
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(tlp, labels[i][0]) == 0) {
			*out = labels[i][1];
			return 0;
		}
	*out = NULL;
	return err_set(e, ERR_INVALID, "tlp \"%.32s\" is not WHITE, GREEN, AMBER or RED", tlp);
}

int csaf_feed_filename(const char *id, char *out, size_t size, struct err *e)
{
	size_t n = id ? strlen(id) : 0;

	if (n == 0 || n + sizeof(".json") > size)
		return err_set(e, ERR_INVALID, "document id is empty or longer than %zu bytes",
			       size > sizeof(".json") ? size - sizeof(".json") : 0);
	for (size_t i = 0; i < n; i++) {
		char c = id[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		out[i] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' ?
				 c : '_';
	}
	memcpy(out + n, ".json", sizeof(".json"));
	return 0;
}

int csaf_feed_rel_path(const struct csaf_feed_doc *d, char out[CSAF_FEED_PATH_MAX], struct err *e)
{
	char name[CSAF_FEED_PATH_MAX - 8], date[32];

	if (csaf_feed_filename(d->id, name, sizeof(name), e) < 0)
		return -1;
	bulletin_time(d->initial_release_us, date);
	snprintf(out, CSAF_FEED_PATH_MAX, "%.4s/%s", date, name);
	return 0;
}

int csaf_feed_path(const char *tlp, const struct csaf_feed_doc *d, char out[CSAF_FEED_PATH_MAX],
		   struct err *e)
{
	const char *dir;
	char rel[CSAF_FEED_PATH_MAX];

	if (csaf_feed_tlp_dir(tlp, &dir, e) < 0 || csaf_feed_rel_path(d, rel, e) < 0)
		return -1;
	if ((size_t)snprintf(out, CSAF_FEED_PATH_MAX, "%s/%s", dir, rel) >= CSAF_FEED_PATH_MAX)
		return err_set(e, ERR_INVALID, "document id \"%.64s\" is too long", d->id);
	return 0;
}

int csaf_feed_hash_file(char **out, size_t *len, const struct csaf_feed_doc *d, int bits,
			struct err *e)
{
	char name[CSAF_FEED_PATH_MAX], hex[CRYPTO_SHA512_HEX_LEN];
	struct buf b;

	*out = NULL;
	if (bits != 256 && bits != 512)
		return err_set(e, ERR_INVALID, "hash bits %d: only 256 and 512", bits);
	if (csaf_feed_filename(d->id, name, sizeof(name), e) < 0)
		return -1;
	if (bits == 256)
		crypto_sha256_hex(d->doc, d->len, hex);
	else
		crypto_sha512_hex(d->doc, d->len, hex);
	buf_init(&b, OUT_MAX);
	buf_addf(&b, "%s  %s\n", hex, name);
	*out = buf_detach(&b, len);
	return 0;
}

/* ---- sorting -------------------------------------------------------------- */

struct item {
	const struct csaf_feed_doc *d;
	char path[CSAF_FEED_PATH_MAX];
};

static int by_path(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;

	return strcmp(a->path, b->path);
}

static int by_newest(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;

	if (a->d->current_release_us != b->d->current_release_us)
		return a->d->current_release_us > b->d->current_release_us ? -1 : 1;
	return strcmp(a->path, b->path);
}

static int items_make(struct item **out, const struct csaf_feed_doc *docs, size_t n,
		      int (*cmp)(const void *, const void *), struct err *e)
{
	struct item *v = xcalloc(n ? n : 1, sizeof(*v));

	*out = NULL;
	for (size_t i = 0; i < n; i++) {
		v[i].d = &docs[i];
		if (csaf_feed_rel_path(&docs[i], v[i].path, e) < 0) {
			free(v);
			return -1;
		}
	}
	qsort(v, n, sizeof(*v), cmp);
	*out = v;
	return 0;
}

int csaf_feed_index_txt(char **out, size_t *len, const struct csaf_feed_doc *docs, size_t n,
			struct err *e)
{
	struct item *v;
	struct buf b;

	*out = NULL;
	if (items_make(&v, docs, n, by_path, e) < 0)
		return -1;
	buf_init(&b, OUT_MAX);
	for (size_t i = 0; i < n; i++) {
		buf_adds(&b, v[i].path);
		buf_adds(&b, "\n");
	}
	free(v);
	*out = buf_detach(&b, len);
	return 0;
}

int csaf_feed_changes_csv(char **out, size_t *len, const struct csaf_feed_doc *docs, size_t n,
			  struct err *e)
{
	struct item *v;
	struct buf b;

	*out = NULL;
	if (items_make(&v, docs, n, by_newest, e) < 0)
		return -1;
	buf_init(&b, OUT_MAX);
	for (size_t i = 0; i < n; i++) {
		char t[32];

		bulletin_time(v[i].d->current_release_us, t);
		/* paths hold only [+-a-z0-9_/.]: nothing to escape inside the quotes */
		buf_addf(&b, "\"%s\",\"%s\"\n", v[i].path, t);
	}
	free(v);
	*out = buf_detach(&b, len);
	return 0;
}

static int check_base(const struct csaf_feed_config *c, struct err *e)
{
	if (c->base_url == NULL || strstr(c->base_url, "://") == NULL)
		return err_set(e, ERR_INVALID, "base URL \"%.100s\" is not a URL",
			       c->base_url ? c->base_url : "");
	return 0;
}

int csaf_feed_provider_metadata(char **out, size_t *len, const struct csaf_feed_config *c,
				struct err *e)
{
	json_t *m, *pub;
	const char *dir;
	char url[1024], dir_url[1024], feed[1024], t[32];

	*out = NULL;
	if (check_base(c, e) < 0 || csaf_feed_tlp_dir(c->tlp, &dir, e) < 0)
		return -1;
	if (c->publisher_name == NULL || c->publisher_namespace == NULL)
		return err_set(e, ERR_INVALID, "publisher name and namespace are required");
	snprintf(url, sizeof(url), "%s/.well-known/csaf/provider-metadata.json", c->base_url);
	snprintf(dir_url, sizeof(dir_url), "%s/.well-known/csaf/%s/", c->base_url, dir);
	snprintf(feed, sizeof(feed), "%s/.well-known/csaf/%s/csaf-feed-tlp-%s.json", c->base_url,
		 dir, dir);
	bulletin_time(c->last_updated_us, t);
	m = json_pack("{s:s}", "canonical_url", url);
	json_object_set_new(m, "distributions", json_pack(
		"[{s:s}, {s:{s:[{s:s, s:s, s:s}]}}]", "directory_url", dir_url, "rolie", "feeds",
		"summary", "TLP:WHITE advisories", "tlp_label", c->tlp ? c->tlp : "WHITE", "url",
		feed));
	json_object_set_new(m, "last_updated", json_string(t));
	json_object_set_new(m, "list_on_CSAF_aggregators", json_true());
	json_object_set_new(m, "metadata_version", json_string("2.0"));
	json_object_set_new(m, "mirror_on_CSAF_aggregators", json_true());
	if (c->pgp_fingerprint != NULL && c->pgp_fingerprint[0] != '\0') {
		char key[1024];

		if (c->pgp_key_url != NULL)
			snprintf(key, sizeof(key), "%s", c->pgp_key_url);
		else
			snprintf(key, sizeof(key), "%s/.well-known/csaf/openpgp/%s.asc", c->base_url,
				 c->pgp_fingerprint);
		json_object_set_new(m, "public_openpgp_keys",
				    json_pack("[{s:s, s:s}]", "fingerprint", c->pgp_fingerprint,
					      "url", key));
	}
	pub = json_pack("{s:s}", "category", c->publisher_category ? c->publisher_category : "vendor");
	if (c->contact_details != NULL && c->contact_details[0] != '\0')
		json_object_set_new(pub, "contact_details", json_string(c->contact_details));
	json_object_set_new(pub, "name", json_string(c->publisher_name));
	json_object_set_new(pub, "namespace", json_string(c->publisher_namespace));
	json_object_set_new(m, "publisher", pub);
	json_object_set_new(m, "role", json_string(c->role ? c->role : "csaf_trusted_provider"));
	*out = json_dumps(m, JSON_INDENT(2));
	json_decref(m);
	if (*out == NULL)
		return err_set(e, ERR_INTERNAL, "cannot serialise provider-metadata.json");
	if (len)
		*len = strlen(*out);
	return 0;
}

int csaf_feed_rolie(char **out, size_t *len, const struct csaf_feed_config *c,
		    const struct csaf_feed_doc *docs, size_t n, struct err *e)
{
	struct item *v = NULL;
	json_t *feed, *entries;
	const char *dir;
	char self[1024], id[256], title[256], t[32];
	int64_t updated = c->last_updated_us;

	*out = NULL;
	if (check_base(c, e) < 0 || csaf_feed_tlp_dir(c->tlp, &dir, e) < 0)
		return -1;
	if (items_make(&v, docs, n, by_newest, e) < 0)
		return -1;
	snprintf(self, sizeof(self), "%s/.well-known/csaf/%s/csaf-feed-tlp-%s.json", c->base_url, dir,
		 dir);
	snprintf(id, sizeof(id), "csaf-feed-tlp-%s", dir);
	snprintf(title, sizeof(title), "%s CSAF feed (TLP:%s)",
		 c->publisher_name ? c->publisher_name : "vulnflow", c->tlp ? c->tlp : "WHITE");
	entries = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct csaf_feed_doc *d = v[i].d;
		char url[1024 + CSAF_FEED_PATH_MAX], h256[1100 + CSAF_FEED_PATH_MAX];
		char h512[1100 + CSAF_FEED_PATH_MAX], asc[1100 + CSAF_FEED_PATH_MAX], pub[32], upd[32];

		if (d->current_release_us > updated)
			updated = d->current_release_us;
		snprintf(url, sizeof(url), "%s/.well-known/csaf/%s/%s", c->base_url, dir, v[i].path);
		snprintf(h256, sizeof(h256), "%s.sha256", url);
		snprintf(h512, sizeof(h512), "%s.sha512", url);
		snprintf(asc, sizeof(asc), "%s.asc", url);
		bulletin_time(d->initial_release_us, pub);
		bulletin_time(d->current_release_us, upd);
		json_array_append_new(entries, json_pack(
			"{s:s, s:s, s:[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}, {s:s, s:s}], s:s, s:s,"
			" s:{s:s, s:s}, s:{s:s, s:s}}",
			"id", d->id, "title", d->title ? d->title : d->id,
			"link", "rel", "self", "href", url, "rel", "hash", "href", h256,
			"rel", "hash", "href", h512, "rel", "signature", "href", asc,
			"published", pub, "updated", upd,
			"content", "type", "application/json", "src", url,
			"format", "schema", CSAF_SCHEMA_URL, "version", "2.0"));
	}
	free(v);
	bulletin_time(updated, t);
	feed = json_pack("{s:{s:s, s:s, s:[{s:s, s:s}], s:[{s:s, s:s}], s:s, s:o}}", "feed",
			 "id", id, "title", title, "link", "rel", "self", "href", self,
			 "category", "scheme", "urn:ietf:params:rolie:category:information-type",
			 "term", "csaf", "updated", t, "entry", entries);
	*out = json_dumps(feed, JSON_INDENT(2));
	json_decref(feed);
	if (*out == NULL)
		return err_set(e, ERR_INTERNAL, "cannot serialise the ROLIE feed");
	if (len)
		*len = strlen(*out);
	return 0;
}
