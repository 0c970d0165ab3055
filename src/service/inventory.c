/* inventory.c - products, versions, SBOM import and export (see inventory.h). */
#include "service/inventory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "base/mem.h"
#include "base/timefmt.h"
#include "formats/sbom.h"
#include "rules/purl.h"
#include "service/audit.h"
#include "service/impact.h"
#include "store/store_inventory.h"
#include "store/store_party.h"

#define ACQUIRE_MS 10000

/* ---- shared helpers ---- */

json_t *inventory_time_json(int64_t us)
{
	char buf[TIMEFMT_LEN];

	if (us == 0)
		return json_null();
	time_format_utc(us, buf);
	return json_string(buf);
}

int inventory_check_text(const char *field, const char *v, long min, long max, struct err *e)
{
	const unsigned char *p = (const unsigned char *)v;
	long n = 0;

	if (v == NULL) {
		if (min > 0)
			return err_setn(e, ERR_INVALID, "missing_field", "\"%s\" is required", field);
		return 0;
	}
	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return err_set(e, ERR_INVALID, "\"%s\" must not contain control characters",
				       field);
		if ((*p & 0xc0) != 0x80)
			n++;
	}
	{
		json_t *probe = json_string(v);   /* jansson checks UTF-8 */

		if (probe == NULL)
			return err_set(e, ERR_INVALID, "\"%s\" is not valid UTF-8", field);
		json_decref(probe);
	}
	if (n < min)
		return err_set(e, ERR_INVALID, "\"%s\" must not be empty", field);
	if (n > max)
		return err_set(e, ERR_INVALID, "\"%s\" is longer than %ld characters", field, max);
	return 0;
}

static json_t *opt_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* ---- products and versions ---- */

static int product_json(void *arg, const struct product_row *p, struct err *e)
{
	json_t **out = arg;

	(void)e;
	*out = json_pack("{s:I, s:s, s:s, s:s, s:o, s:I}", "id", (json_int_t)p->id, "name",
			 p->name, "model", p->model, "vendor", p->vendor, "created_at",
			 inventory_time_json(p->created_at), "version_count",
			 (json_int_t)p->versions);
	return 0;
}

static json_t *pversion_json(const struct pversion_row *v)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:o, s:b}", "id", (json_int_t)v->id, "product_id",
			      (json_int_t)v->product_id, "version", v->version, "created_at",
			      inventory_time_json(v->created_at), "has_sbom", v->has_sbom);

	if (v->has_sbom) {
		json_object_set_new(o, "components", json_integer(v->components));
		json_object_set_new(o, "sbom_imported_at", inventory_time_json(v->imported_at));
	}
	return o;
}

static int pversion_append(void *arg, const struct pversion_row *v, struct err *e)
{
	(void)e;
	json_array_append_new(arg, pversion_json(v));
	return 0;
}

static int pversion_keep(void *arg, const struct pversion_row *v, struct err *e)
{
	(void)e;
	*(int64_t *)arg = v->id;
	return 0;
}

int inventory_product_create(struct db *db, const struct actor *a, const char *name,
			     const char *model, const char *vendor, json_t **out, struct err *e)
{
	struct product_row p = { .name = name, .model = model ? model : "",
				 .vendor = vendor ? vendor : "", .created_at = time_now_us() };
	struct db_conn *c;
	int64_t id;
	int rc = -1;

	*out = NULL;
	if (inventory_check_text("name", name, 1, 200, e) < 0 ||
	    inventory_check_text("model", model, 0, 200, e) < 0 ||
	    inventory_check_text("vendor", vendor, 0, 200, e) < 0)
		return -1;
	if (db_acquire(db, &c, ACQUIRE_MS, e) < 0)
		return -1;
	if (db_begin(c, e) < 0)
		goto out;
	if (store_product_insert(c, &p, &id, e) < 0 ||
	    audit_record(c, a, "product.create", "product", id,
			 json_pack("{s:s, s:s, s:s}", "name", p.name, "model", p.model, "vendor",
				   p.vendor), e) < 0 ||
	    db_commit(c, e) < 0) {
		db_rollback(c);
		goto out;
	}
	p.id = id;
	product_json(out, &p, e);
	rc = 0;
out:
	db_release(c);
	return rc;
}

int inventory_product_get(struct db *db, int64_t id, json_t **out, struct err *e)
{
	struct db_conn *c;
	json_t *o = NULL, *versions = json_array();
	int rc = -1;

	*out = NULL;
	if (db_acquire(db, &c, ACQUIRE_MS, e) < 0) {
		json_decref(versions);
		return -1;
	}
	if (store_product_get(c, id, product_json, &o, e) < 0 ||
	    store_pversion_list(c, id, pversion_append, versions, e) < 0)
		goto out;
	json_object_set(o, "versions", versions);
	*out = o;
	o = NULL;
	rc = 0;
out:
	db_release(c);
	json_decref(o);
	json_decref(versions);
	return rc;
}

static int product_append(void *arg, const struct product_row *p, struct err *e)
{
	json_t *o;

	product_json(&o, p, e);
	json_array_append_new(arg, o);
	return 0;
}

int inventory_product_list(struct db *db, int64_t after, int limit, json_t **out, struct err *e)
{
	struct db_conn *c;
	json_t *arr = json_array();
	int rc;

	*out = NULL;
	if (db_acquire(db, &c, ACQUIRE_MS, e) < 0) {
		json_decref(arr);
		return -1;
	}
	rc = store_product_list(c, after, limit, product_append, arr, e);
	db_release(c);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}

struct finder {
	const char *model;
	int64_t id;
	int n;
};

static int product_pick(void *arg, const struct product_row *p, struct err *e)
{
	struct finder *f = arg;

	(void)e;
	if (f->model != NULL && strcmp(f->model, p->model) != 0)
		return 0;
	f->id = p->id;
	f->n++;
	return 0;
}

int inventory_product_find(struct db *db, const char *name, const char *model, int64_t *id,
			   struct err *e)
{
	struct finder f = { model, 0, 0 };
	struct db_conn *c;
	int rc;

	*id = 0;
	if (db_acquire(db, &c, ACQUIRE_MS, e) < 0)
		return -1;
	rc = store_product_by_name(c, name, product_pick, &f, e);
	db_release(c);
	if (rc < 0)
		return -1;
	if (f.n == 0)
		return err_set(e, ERR_NOT_FOUND, "no product \"%s\"%s%s%s", name,
			       model ? " of model \"" : "", model ? model : "", model ? "\"" : "");
	if (f.n > 1)
		return err_setn(e, ERR_CONFLICT, "ambiguous_product",
				"%d products are called \"%s\"; name the model too", f.n, name);
	*id = f.id;
	return 0;
}

static int version_ok(const char *version, struct err *e)
{
	if (inventory_check_text("version", version, 1, 90, e) < 0)
		return -1;
	if (strchr(version, '/') != NULL)
		return err_set(e, ERR_INVALID, "\"version\" must not contain '/'");
	return 0;
}

int inventory_version_create(struct db *db, const struct actor *a, int64_t product_id,
			     const char *version, json_t **out, struct err *e)
{
	struct db_conn *c;
	json_t *ignored = NULL;
	int64_t id;
	int rc = -1;

	*out = NULL;
	if (version_ok(version, e) < 0)
		return -1;
	if (db_acquire(db, &c, ACQUIRE_MS, e) < 0)
		return -1;
	if (db_begin(c, e) < 0)
		goto out;
	if (store_product_get(c, product_id, product_json, &ignored, e) < 0 ||
	    store_pversion_insert(c, product_id, version, time_now_us(), &id, e) < 0 ||
	    audit_record(c, a, "product.version.create", "product_version", id,
			 json_pack("{s:I, s:s}", "product_id", (json_int_t)product_id, "version",
				   version), e) < 0 ||
	    db_commit(c, e) < 0) {
		db_rollback(c);
		goto out;
	}
	{
		struct pversion_row v = { .id = id, .product_id = product_id, .version = version,
					  .created_at = time_now_us() };

		*out = pversion_json(&v);
	}
	rc = 0;
out:
	json_decref(ignored);
	db_release(c);
	return rc;
}

/* The version id on an open connection; ERR_NOT_FOUND names what is missing. */
static int version_lookup(struct db_conn *c, int64_t product_id, const char *version,
			  int64_t *id, struct err *e)
{
	json_t *p = NULL;

	*id = 0;
	if (store_product_get(c, product_id, product_json, &p, e) < 0)
		return -1;
	json_decref(p);
	if (store_pversion_get(c, product_id, version, pversion_keep, id, e) < 0) {
		if (e->code == ERR_NOT_FOUND)
			err_set(e, ERR_NOT_FOUND, "product %lld has no version \"%s\"",
				(long long)product_id, version);
		return -1;
	}
	return 0;
}

int inventory_version_id(struct db *db, int64_t product_id, const char *version, int64_t *id,
			 struct err *e)
{
	struct db_conn *c;
	int rc;

	*id = 0;
	if (db_acquire(db, &c, ACQUIRE_MS, e) < 0)
		return -1;
	rc = version_lookup(c, product_id, version, id, e);
	db_release(c);
	return rc;
}

/* ---- SBOM import ---- */

/* Supplier names seen in one import -> their ids (open addressing). */
struct supplier_map {
	char **names;
	int64_t *ids;
	size_t cap, n;
};

static size_t str_hash(const char *s)
{
	size_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static int64_t *supplier_slot(struct supplier_map *m, const char *name, int *fresh)
{
	size_t i;

	if (2 * (m->n + 1) > m->cap) {
		struct supplier_map bigger = { 0 };

		bigger.cap = m->cap ? 2 * m->cap : 64;
		bigger.names = xcalloc(bigger.cap, sizeof(char *));
		bigger.ids = xcalloc(bigger.cap, sizeof(int64_t));
		for (size_t k = 0; k < m->cap; k++) {
			if (m->names[k] == NULL)
				continue;
			for (i = str_hash(m->names[k]) & (bigger.cap - 1); bigger.names[i];
			     i = (i + 1) & (bigger.cap - 1))
				;
			bigger.names[i] = m->names[k];
			bigger.ids[i] = m->ids[k];
		}
		bigger.n = m->n;
		free(m->names);
		free(m->ids);
		*m = bigger;
	}
	for (i = str_hash(name) & (m->cap - 1); m->names[i]; i = (i + 1) & (m->cap - 1))
		if (strcmp(m->names[i], name) == 0) {
			*fresh = 0;
			return &m->ids[i];
		}
	m->names[i] = xstrdup(name);
	m->n++;
	*fresh = 1;
	return &m->ids[i];
}

static void supplier_map_release(struct supplier_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->names[i]);
	free(m->names);
	free(m->ids);
}

/* One component's purl, prepared outside the transaction. */
struct prepared {
	char *purl;           /* canonical */
	struct purl *p;
	char *version;        /* the version to match, when it is not p->version */
};

/* rpm purls carry the epoch as a qualifier: match "EPOCH:VERSION". */
static char *rpm_epoch_version(const struct purl *p)
{
	size_t n;
	char *v;

	if (strcmp(p->type, "rpm") != 0 || p->version == NULL || strchr(p->version, ':'))
		return NULL;
	for (size_t i = 0; i < p->nqualifiers; i++)
		if (strcmp(p->qualifiers[i].key, "epoch") == 0) {
			n = strlen(p->qualifiers[i].value) + strlen(p->version) + 2;
			v = xmalloc(n);
			snprintf(v, n, "%s:%s", p->qualifiers[i].value, p->version);
			return v;
		}
	return NULL;
}

/* Append s as a JSON string (quoted, escaped). */
static void json_quote(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	buf_add(b, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			char esc[2] = { '\\', (char)*p };

			buf_add(b, esc, 2);
		} else if (*p < 0x20) {
			char esc[6] = { '\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15] };

			buf_add(b, esc, 6);
		} else {
			buf_add(b, p, 1);
		}
	}
	buf_add(b, "\"", 1);
}

/* The hashes as [{"alg","content"}] text in b (reset first), or NULL when
 * there are none. */
static const char *hashes_json(struct buf *bp, const struct sbom_component *sc)
{
#define b (*bp)
	buf_reset(bp);
	if (sc->n_hashes == 0)
		return NULL;
	buf_add(&b, "[", 1);
	for (size_t i = 0; i < sc->n_hashes; i++) {
		buf_adds(&b, i ? ",{\"alg\":" : "{\"alg\":");
		json_quote(&b, sc->hashes[i].alg);
		buf_adds(&b, ",\"content\":");
		json_quote(&b, sc->hashes[i].content);
		buf_add(&b, "}", 1);
	}
	buf_add(&b, "]", 2);
	return b.data;
#undef b
}

/* The licences as [{"kind","value"[,"acknowledgement"]}] text in b, or NULL. */
static const char *licenses_json(struct buf *bp, const struct sbom_component *sc)
{
#define b (*bp)
	static const char *const kinds[] = { "", "id", "name", "expression" };

	buf_reset(bp);
	if (sc->n_licenses == 0)
		return NULL;
	buf_add(&b, "[", 1);
	for (size_t i = 0; i < sc->n_licenses; i++) {
		const struct sbom_license *l = &sc->licenses[i];

		buf_adds(&b, i ? ",{\"kind\":" : "{\"kind\":");
		json_quote(&b, (unsigned)l->kind < 4 ? kinds[l->kind] : "");
		buf_adds(&b, ",\"value\":");
		json_quote(&b, l->value);
		if (l->acknowledgement) {
			buf_adds(&b, ",\"acknowledgement\":");
			json_quote(&b, l->acknowledgement);
		}
		buf_add(&b, "}", 1);
	}
	buf_add(&b, "]", 2);
	return b.data;
#undef b
}

static void prepare_components(const struct sbom *s, struct prepared *pc, size_t *n_purls)
{
	*n_purls = 0;
	for (size_t i = 0; i < s->n_components; i++) {
		const struct sbom_component *sc = &s->components[i];
		struct err e = ERR_INIT;

		if (sc->purl != NULL && purl_parse(&pc[i].p, sc->purl, strlen(sc->purl), &e) == 0 &&
		    purl_build(&pc[i].purl, pc[i].p, &e) == 0) {
			pc[i].version = rpm_epoch_version(pc[i].p);
			(*n_purls)++;
		} else {
			purl_free(pc[i].p);
			pc[i].p = NULL;
		}
	}
}

static void prepared_free(struct prepared *pc, size_t n)
{
	for (size_t i = 0; pc && i < n; i++) {
		free(pc[i].purl);
		purl_free(pc[i].p);
		free(pc[i].version);
	}
	free(pc);
}

static json_t *diags_json(const struct sbom_diag *d)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < d->n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "code", d->items[i].code,
						     "path", d->items[i].path, "message",
						     d->items[i].msg));
	return arr;
}

struct import {
	const struct sbom *s;
	struct prepared *pc;
	struct impact_component *ic;   /* per component (by idx): what is matched */
	int64_t version_id;
	size_t suppliers_added;
	size_t claims;
};

/* The supplier of a component (registering it, and claiming its package),
 * or 0. */
static int component_supplier(struct db_conn *c, struct import *im, struct supplier_map *sm,
			      size_t i, int64_t *id, struct err *e)
{
	const struct sbom_component *sc = &im->s->components[i];
	const char *name = sc->supplier.name;
	int64_t *slot;
	int fresh, created, claimed;

	*id = 0;
	if (name == NULL || name[0] == '\0' || strlen(name) > 200)
		return 0;
	slot = supplier_slot(sm, name, &fresh);
	if (fresh) {
		json_t *contacts = json_array();
		struct party_row p = { .name = name, .source = "sbom", .created_at = time_now_us() };
		char *text;

		for (size_t k = 0; k < sc->supplier.n_contacts; k++) {
			const struct sbom_contact *ct = &sc->supplier.contacts[k];
			json_t *o = json_object();

			if (ct->name)
				json_object_set_new(o, "name", json_string(ct->name));
			if (ct->email)
				json_object_set_new(o, "email", json_string(ct->email));
			if (ct->phone)
				json_object_set_new(o, "phone", json_string(ct->phone));
			json_array_append_new(contacts, o);
		}
		text = json_dumps(contacts, JSON_COMPACT);
		json_decref(contacts);
		p.contacts = text;
		if (store_supplier_upsert(c, &p, 0, slot, &created, e) < 0) {
			free(text);
			return -1;
		}
		free(text);
		im->suppliers_added += (size_t)created;
	}
	*id = *slot;
	if (im->pc[i].p != NULL) {
		struct supplier_package_row r = { *slot, im->pc[i].p->type, im->pc[i].p->namespace,
						  im->pc[i].p->name };

		if (store_supplier_claim(c, &r, &claimed, e) < 0)
			return -1;
		im->claims += (size_t)claimed;
	}
	return 0;
}

static int strcmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* Components by package key (type, namespace, name; those without a purl
 * first), then by index. */
static int by_package(const void *a, const void *b, void *arg)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	const struct prepared *pc = arg;
	const struct purl *p = pc[x].p, *q = pc[y].p;
	int r = 0;

	if (p == NULL || q == NULL)
		r = (p != NULL) - (q != NULL);
	else if ((r = strcmp(p->type, q->type)) == 0 &&
		 (r = strcmp0(p->namespace, q->namespace)) == 0)
		r = strcmp(p->name, q->name);
	return r ? r : (x > y) - (x < y);
}

/*
 * Suppliers are registered (and claim their packages) in SBOM order; then
 * the component rows go in in package-key order (idx keeps the SBOM's
 * order): the inserts into the package index, which is as large as the
 * whole inventory, then walk it once from left to right instead of landing
 * on a random page each.  Components of one package keep their idx order
 * among themselves.
 */
static int store_components(struct db_conn *c, struct import *im, struct err *e)
{
	const struct sbom *s = im->s;
	struct supplier_map sm = { 0 };
	struct buf hb, lb;
	size_t n = s->n_components ? s->n_components : 1;
	size_t *order = xmalloc(n * sizeof(*order));
	int64_t *sid = xcalloc(n, sizeof(*sid));
	int rc = -1;

	buf_init(&hb, (size_t)1 << 30);
	buf_init(&lb, (size_t)1 << 30);
	for (size_t i = 0; i < s->n_components; i++) {
		order[i] = i;
		if (component_supplier(c, im, &sm, i, &sid[i], e) < 0)
			goto out;
	}
	if (s->n_components > 1)
		qsort_r(order, s->n_components, sizeof(*order), by_package, im->pc);

	for (size_t k = 0; k < s->n_components; k++) {
		size_t i = order[k];
		const struct sbom_component *sc = &s->components[i];
		const struct purl *p = im->pc[i].p;
		struct component_row r = {
			.version_id = im->version_id,
			.idx = (int64_t)i,
			.parent_idx = sc->parent,
			.bom_ref = sc->bom_ref,
			.kind = sc->kind == SBOM_SERVICE ? "service" : "component",
			.type = sc->type ? sc->type : "library",
			.group = sc->group,
			.name = sc->name,
			.version = sc->version,
			.purl = im->pc[i].purl,
			.pkg_type = p ? p->type : NULL,
			.pkg_namespace = p && p->namespace ? p->namespace : "",
			.pkg_name = p ? p->name : NULL,
			.pkg_version = p ? (im->pc[i].version ? im->pc[i].version
						: p->version ? p->version : sc->version) : NULL,
			.supplier = sc->supplier.name,
			.supplier_id = sid[i],
			.hashes = hashes_json(&hb, sc),
			.licenses = licenses_json(&lb, sc),
		};
		if (store_component_insert(c, &r, e) < 0)
			goto out;
		im->ic[i].pkg_type = r.pkg_type;
		im->ic[i].pkg_namespace = r.pkg_namespace;
		im->ic[i].pkg_name = r.pkg_name;
		im->ic[i].pkg_version = r.pkg_version;
	}
	for (size_t i = 0; i < s->n_edges; i++)
		if (store_edge_insert(c, im->version_id, (int64_t)s->edges[i].from,
				      (int64_t)s->edges[i].to, (int)s->edges[i].kind, e) < 0)
			goto out;
	rc = 0;
out:
	buf_release(&hb);
	buf_release(&lb);
	free(order);
	free(sid);
	supplier_map_release(&sm);
	return rc;
}

int inventory_sbom_import(struct db *db, const struct actor *a, int64_t product_id,
			  const char *version, const char *doc, size_t len, size_t max_len,
			  json_t **out, struct err *e)
{
	struct sbom *s = NULL;
	struct sbom_diag d;
	struct prepared *pc = NULL;
	struct import im = { 0 };
	struct db_conn *c = NULL;
	char hash[CRYPTO_HASH_HEX_LEN], *diag_text = NULL;
	json_t *diags = NULL, *ignored = NULL;
	size_t n_purls = 0, n_services = 0;
	int64_t matches = 0, vid = 0;
	int created = 0, rc = -1;
	int64_t t0 = time_mono_us();

	*out = NULL;
	sbom_diag_init(&d, 0);
	if (version_ok(version, e) < 0)
		goto out;
	if (sbom_parse(&s, doc, len, max_len, &d, e) < 0)
		goto out;
	pc = xcalloc(s->n_components ? s->n_components : 1, sizeof(*pc));
	prepare_components(s, pc, &n_purls);
	for (size_t i = 0; i < s->n_components; i++)
		n_services += s->components[i].kind == SBOM_SERVICE;
	crypto_sha256_hex(doc, len, hash);
	diags = diags_json(&d);
	diag_text = json_dumps(diags, JSON_COMPACT);

	if (db_acquire(db, &c, ACQUIRE_MS, e) < 0)
		goto out;
	if (db_begin(c, e) < 0)
		goto out;
	if (store_product_get(c, product_id, product_json, &ignored, e) < 0)
		goto rollback;
	if (store_pversion_get(c, product_id, version, pversion_keep, &vid, e) < 0) {
		if (e->code != ERR_NOT_FOUND)
			goto rollback;
		if (store_pversion_insert(c, product_id, version, time_now_us(), &vid, e) < 0)
			goto rollback;
		created = 1;
	}
	{
		struct sbom_row row = {
			.version_id = vid,
			.format = sbom_format_name(s->format),
			.spec_version = s->spec_version,
			.serial = s->serial,
			.document = doc,
			.document_len = len,
			.doc_hash = hash,
			.components = (int64_t)s->n_components,
			.edges = (int64_t)s->n_edges,
			.diagnostics = diag_text,
			.imported_at = time_now_us(),
		};

		if (store_inventory_clear(c, vid, e) < 0 || store_sbom_insert(c, &row, e) < 0)
			goto rollback;
	}
	im.s = s;
	im.pc = pc;
	im.ic = xcalloc(s->n_components ? s->n_components : 1, sizeof(*im.ic));
	im.version_id = vid;
	if (store_components(c, &im, e) < 0 ||
	    impact_match_components(c, vid, im.ic, s->n_components, &matches, e) < 0)
		goto rollback;
	if (audit_record(c, a, "sbom.import", "product_version", vid,
			 json_pack("{s:I, s:s, s:s, s:s, s:I, s:s}", "product_id",
				   (json_int_t)product_id, "version", version, "format",
				   sbom_format_name(s->format), "spec_version", s->spec_version,
				   "components", (json_int_t)s->n_components, "sha256", hash),
			 e) < 0 ||
	    db_commit(c, e) < 0)
		goto rollback;
	*out = json_pack("{s:I, s:I, s:s, s:b, s:s, s:s, s:s?, s:I, s:I, s:I, s:I, s:I, s:I,"
			 " s:I, s:o, s:I, s:s, s:I}",
			 "product_id", (json_int_t)product_id, "version_id", (json_int_t)vid,
			 "version", version, "version_created", created, "format",
			 sbom_format_name(s->format), "spec_version", s->spec_version, "serial",
			 s->serial, "components", (json_int_t)(s->n_components - n_services),
			 "services", (json_int_t)n_services, "edges", (json_int_t)s->n_edges,
			 "purls", (json_int_t)n_purls, "suppliers_added",
			 (json_int_t)im.suppliers_added, "matches", (json_int_t)matches,
			 "diagnostic_count", (json_int_t)(d.n + d.dropped), "diagnostics",
			 json_incref(diags), "diagnostics_dropped", (json_int_t)d.dropped,
			 "sha256", hash, "took_us", (json_int_t)(time_mono_us() - t0));
	rc = 0;
	goto out;
rollback:
	db_rollback(c);
out:
	if (c != NULL)
		db_release(c);
	json_decref(ignored);
	json_decref(diags);
	free(diag_text);
	free(im.ic);
	prepared_free(pc, s ? s->n_components : 0);
	sbom_free(s);
	sbom_diag_release(&d);
	return rc;
}

/* ---- export and listing ---- */

struct doc_copy {
	char *data;
	size_t len;
};

static int keep_doc(void *arg, const struct sbom_row *s, struct err *e)
{
	struct doc_copy *d = arg;

	(void)e;
	d->data = xmalloc(s->document_len + 1);
	memcpy(d->data, s->document, s->document_len);
	d->data[s->document_len] = '\0';
	d->len = s->document_len;
	return 0;
}

int inventory_sbom_export(struct db *db, int64_t product_id, const char *version, char **out,
			  struct err *e)
{
	struct doc_copy d = { 0 };
	struct db_conn *c;
	struct sbom *s = NULL;
	int64_t vid;
	int rc;

	*out = NULL;
	if (db_acquire(db, &c, ACQUIRE_MS, e) < 0)
		return -1;
	rc = version_lookup(c, product_id, version, &vid, e);
	if (rc == 0)
		rc = store_sbom_get(c, vid, keep_doc, &d, e);
	db_release(c);
	if (rc < 0)
		return -1;
	/* the stored document parsed once already: this cannot fail but on memory */
	rc = sbom_parse(&s, d.data, d.len, d.len + 1, NULL, e);
	if (rc == 0)
		rc = sbom_export_cyclonedx16(s, out, e);
	sbom_free(s);
	free(d.data);
	return rc;
}

static int component_append(void *arg, const struct component_row *r, struct err *e)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "index",
			      (json_int_t)r->idx, "kind", r->kind, "type", r->type, "name", r->name,
			      "group", opt_str(r->group), "version", opt_str(r->version), "purl",
			      opt_str(r->purl), "bom_ref", opt_str(r->bom_ref), "supplier",
			      opt_str(r->supplier), "parent",
			      r->parent_idx >= 0 ? json_integer(r->parent_idx) : json_null());
	json_error_t je;

	(void)e;
	json_object_set_new(o, "hashes", r->hashes ? json_loads(r->hashes, 0, &je) : json_array());
	json_object_set_new(o, "licenses",
			    r->licenses ? json_loads(r->licenses, 0, &je) : json_array());
	json_array_append_new(arg, o);
	return 0;
}

int inventory_components(struct db *db, int64_t product_id, const char *version, json_t **out,
			 struct err *e)
{
	struct db_conn *c;
	json_t *arr = json_array();
	int64_t vid;
	int rc;

	*out = NULL;
	if (db_acquire(db, &c, ACQUIRE_MS, e) < 0) {
		json_decref(arr);
		return -1;
	}
	rc = version_lookup(c, product_id, version, &vid, e);
	if (rc == 0)
		rc = store_component_list(c, vid, component_append, arr, e);
	db_release(c);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}
