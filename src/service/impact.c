/* impact.c - incremental purl + vers matching, impact questions, VEX statements and export. */
#include "service/impact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "base/mem.h"
#include "base/timefmt.h"
#include "formats/advisory.h"
#include "rules/purl.h"
#include "rules/vers.h"
#include "service/audit.h"
#include "service/inventory.h"
#include "store/store_advisory.h"
#include "store/store_inventory.h"
#include "store/store_party.h"

#define ACQUIRE_MS 10000

const char *const impact_vex_statuses[] = { "affected", "not_affected", "fixed",
					    "under_investigation", NULL };

/* CycloneDX justifications, then CSAF flag labels; the maps below pair them. */
const char *const impact_vex_justifications[] = {
	"code_not_present", "code_not_reachable", "requires_configuration",
	"requires_dependency", "requires_environment", "protected_by_compiler",
	"protected_at_runtime", "protected_at_perimeter", "protected_by_mitigating_control",
	"component_not_present", "vulnerable_code_not_present",
	"vulnerable_code_cannot_be_controlled_by_adversary",
	"vulnerable_code_not_in_execute_path", "inline_mitigations_already_exist", NULL
};

static const struct {
	const char *cdx, *csaf;
} just_map[] = {
	{ "code_not_present", "vulnerable_code_not_present" },
	{ "code_not_reachable", "vulnerable_code_not_in_execute_path" },
	{ "requires_configuration", "vulnerable_code_cannot_be_controlled_by_adversary" },
	{ "requires_dependency", "component_not_present" },
	{ "requires_environment", "vulnerable_code_cannot_be_controlled_by_adversary" },
	{ "protected_by_compiler", "inline_mitigations_already_exist" },
	{ "protected_at_runtime", "inline_mitigations_already_exist" },
	{ "protected_at_perimeter", "inline_mitigations_already_exist" },
	{ "protected_by_mitigating_control", "inline_mitigations_already_exist" },
	/* CSAF labels read as CycloneDX */
	{ "code_not_present", "component_not_present" },
};

static const char *just_csaf(const char *j)
{
	for (size_t i = 0; i < sizeof(just_map) / sizeof(just_map[0]); i++) {
		if (strcmp(just_map[i].csaf, j) == 0)
			return j;
		if (strcmp(just_map[i].cdx, j) == 0)
			return just_map[i].csaf;
	}
	return "vulnerable_code_not_present";
}

static const char *just_cdx(const char *j)
{
	for (size_t i = 0; i < sizeof(just_map) / sizeof(just_map[0]); i++) {
		if (strcmp(just_map[i].cdx, j) == 0)
			return j;
		if (strcmp(just_map[i].csaf, j) == 0)
			return just_map[i].cdx;
	}
	return "code_not_present";
}

/* ---- a cache of parsed ranges, by range id ---- */

struct vers_cache {
	int64_t *keys;
	struct vers **vals;     /* NULL: the stored range does not parse */
	size_t cap, n;
};

static void vc_release(struct vers_cache *vc)
{
	for (size_t i = 0; i < vc->cap; i++)
		if (vc->keys[i])
			vers_free(vc->vals[i]);
	free(vc->keys);
	free(vc->vals);
	memset(vc, 0, sizeof(*vc));
}

static size_t vc_slot(const struct vers_cache *vc, int64_t key)
{
	size_t i = (size_t)((uint64_t)key * 0x9e3779b97f4a7c15ull >> 7) & (vc->cap - 1);

	while (vc->keys[i] != 0 && vc->keys[i] != key)
		i = (i + 1) & (vc->cap - 1);
	return i;
}

static const struct vers *vc_get(struct vers_cache *vc, int64_t key, const char *text)
{
	struct err e = ERR_INIT;
	struct vers *v = NULL;
	size_t i;

	if (2 * (vc->n + 1) > vc->cap) {
		struct vers_cache big = { 0 };

		big.cap = vc->cap ? 2 * vc->cap : 1024;
		big.keys = xcalloc(big.cap, sizeof(*big.keys));
		big.vals = xcalloc(big.cap, sizeof(*big.vals));
		for (size_t k = 0; k < vc->cap; k++)
			if (vc->keys[k]) {
				size_t j = vc_slot(&big, vc->keys[k]);

				big.keys[j] = vc->keys[k];
				big.vals[j] = vc->vals[k];
			}
		big.n = vc->n;
		free(vc->keys);
		free(vc->vals);
		*vc = big;
	}
	i = vc_slot(vc, key);
	if (vc->keys[i] == key)
		return vc->vals[i];
	if (vers_parse(&v, text, 0, &e) < 0 || vers_validate(v, &e) < 0) {
		vers_free(v);
		v = NULL;
	}
	vc->keys[i] = key;
	vc->vals[i] = v;
	vc->n++;
	return v;
}

/* ---- matching ---- */

struct matcher {
	struct db_conn *c;
	struct vers_cache vc;
	int64_t candidates, added, unparsable;
	/* the last (range, version) decision: the same pair comes again for
	 * every product version that has the component */
	int64_t last_range;
	char *last_version;
	int last_in;
};

static int match_candidate(void *arg, const struct candidate_row *r, struct err *e)
{
	struct matcher *m = arg;
	const struct vers *v;
	struct err ignored = ERR_INIT;
	int in = 0;

	m->candidates++;
	if (r->pkg_version == NULL)
		return 0;
	if (m->last_version && m->last_range == r->range_id &&
	    strcmp(m->last_version, r->pkg_version) == 0) {
		in = m->last_in;
	} else {
		v = vc_get(&m->vc, r->range_id, r->vers);
		if (v == NULL || vers_contains(&in, v, r->pkg_version, &ignored) < 0) {
			m->unparsable++;
			in = 0;
		}
		free(m->last_version);
		m->last_version = xstrdup(r->pkg_version);
		m->last_range = r->range_id;
		m->last_in = in;
	}
	if (!in)
		return 0;
	if (store_match_insert(m->c, r->advisory_id, r->component_id, r->version_id, e) < 0)
		return -1;
	m->added++;
	return 0;
}

static void matcher_release(struct matcher *m)
{
	vc_release(&m->vc);
	free(m->last_version);
}

int impact_match_version(struct db_conn *c, int64_t version_id, int64_t *added, struct err *e)
{
	struct matcher m = { .c = c };
	int rc = store_candidates_for_version(c, version_id, match_candidate, &m, e);

	*added = m.added;
	matcher_release(&m);
	return rc;
}

int impact_match_advisory(struct db_conn *c, int64_t advisory_id, int64_t *added,
			  struct err *e)
{
	struct matcher m = { .c = c };
	int rc = store_candidates_for_advisory(c, advisory_id, match_candidate, &m, e);

	*added = m.added;
	matcher_release(&m);
	return rc;
}

/* ---- the full match, in memory ----
 *
 * One pass over the ranges (parsed once each, grouped by package key in a
 * hash table), one pass over the components (each looked up by its key and
 * decided against its package's ranges), then the matches sorted by the
 * primary key and written in one go.  Two sequential scans instead of a
 * join that hands a row to C for every candidate pair. */

struct prange {
	int64_t advisory_id;
	struct vers *v;
};

struct group {
	char *key;
	struct prange *r;
	size_t n, alloc;
};

struct mrow {
	int64_t advisory_id, component_id, version_id;
};

struct full {
	struct group *g;
	size_t ng, galloc;
	size_t *slots;         /* group index + 1, 0 = empty */
	size_t cap;
	struct buf key;
	struct mrow *m;
	size_t nm, malloc_;
	int64_t candidates, unparsable;
};

static const char *full_key(struct full *f, const struct keyed_row *r)
{
	buf_reset(&f->key);
	buf_adds(&f->key, r->pkg_type ? r->pkg_type : "");
	buf_add(&f->key, "\x1f", 1);
	buf_adds(&f->key, r->pkg_namespace ? r->pkg_namespace : "");
	buf_add(&f->key, "\x1f", 1);
	buf_adds(&f->key, r->pkg_name ? r->pkg_name : "");
	buf_add(&f->key, "", 1);
	return f->key.data;
}

static size_t key_hash(const char *s)
{
	size_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

/* The group of key, or NULL (create: a new one). */
static struct group *full_group(struct full *f, const char *key, int create)
{
	size_t i;

	if (create && 2 * (f->ng + 1) > f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 4096;
		size_t *slots = xcalloc(cap, sizeof(*slots));

		for (size_t k = 0; k < f->ng; k++) {
			for (i = key_hash(f->g[k].key) & (cap - 1); slots[i]; i = (i + 1) & (cap - 1))
				;
			slots[i] = k + 1;
		}
		free(f->slots);
		f->slots = slots;
		f->cap = cap;
	}
	if (f->cap == 0)
		return NULL;
	for (i = key_hash(key) & (f->cap - 1); f->slots[i]; i = (i + 1) & (f->cap - 1))
		if (strcmp(f->g[f->slots[i] - 1].key, key) == 0)
			return &f->g[f->slots[i] - 1];
	if (!create)
		return NULL;
	if (f->ng == f->galloc) {
		f->galloc = f->galloc ? 2 * f->galloc : 1024;
		f->g = xrealloc(f->g, f->galloc * sizeof(*f->g));
	}
	memset(&f->g[f->ng], 0, sizeof(f->g[f->ng]));
	f->g[f->ng].key = xstrdup(key);
	f->slots[i] = ++f->ng;
	return &f->g[f->ng - 1];
}

static int full_range(void *arg, const struct keyed_row *r, struct err *e)
{
	struct full *f = arg;
	struct err ignored = ERR_INIT;
	struct vers *v = NULL;
	struct group *g;

	(void)e;
	if (vers_parse(&v, r->text, 0, &ignored) < 0 || vers_validate(v, &ignored) < 0) {
		vers_free(v);
		f->unparsable++;
		return 0;
	}
	g = full_group(f, full_key(f, r), 1);
	if (g->n == g->alloc) {
		g->alloc = g->alloc ? 2 * g->alloc : 4;
		g->r = xrealloc(g->r, g->alloc * sizeof(*g->r));
	}
	g->r[g->n].advisory_id = r->owner_id;
	g->r[g->n].v = v;
	g->n++;
	return 0;
}

static int full_component(void *arg, const struct keyed_row *r, struct err *e)
{
	struct full *f = arg;
	struct group *g = full_group(f, full_key(f, r), 0);
	struct err ignored = ERR_INIT;

	(void)e;
	for (size_t i = 0; g && i < g->n; i++) {
		int in = 0;

		f->candidates++;
		if (vers_contains(&in, g->r[i].v, r->text, &ignored) < 0) {
			f->unparsable++;
			continue;
		}
		if (!in)
			continue;
		if (f->nm == f->malloc_) {
			f->malloc_ = f->malloc_ ? 2 * f->malloc_ : 4096;
			f->m = xrealloc(f->m, f->malloc_ * sizeof(*f->m));
		}
		f->m[f->nm].advisory_id = g->r[i].advisory_id;
		f->m[f->nm].component_id = r->id;
		f->m[f->nm].version_id = r->owner_id;
		f->nm++;
	}
	return 0;
}

static int mrow_cmp(const void *a, const void *b)
{
	const struct mrow *x = a, *y = b;

	if (x->advisory_id != y->advisory_id)
		return (x->advisory_id > y->advisory_id) - (x->advisory_id < y->advisory_id);
	return (x->component_id > y->component_id) - (x->component_id < y->component_id);
}

static void full_release(struct full *f)
{
	for (size_t k = 0; k < f->ng; k++) {
		for (size_t i = 0; i < f->g[k].n; i++)
			vers_free(f->g[k].r[i].v);
		free(f->g[k].r);
		free(f->g[k].key);
	}
	free(f->g);
	free(f->slots);
	free(f->m);
	buf_release(&f->key);
}

int impact_rematch_all(struct db *db, const struct actor *a, struct impact_stats *st,
		       struct err *e)
{
	struct full f = { 0 };
	struct db_conn *c;
	int64_t t0 = time_mono_us(), stored = 0;
	int rc = -1;

	memset(st, 0, sizeof(*st));
	buf_init(&f.key, 1 << 20);
	if (db_acquire(db, &c, ACQUIRE_MS, e) < 0) {
		full_release(&f);
		return -1;
	}
	if (db_begin(c, e) < 0)
		goto out;
	if (store_ranges_all(c, full_range, &f, e) < 0 ||
	    store_components_all(c, full_component, &f, e) < 0 || store_match_clear_all(c, e) < 0)
		goto rollback;
	if (f.nm > 1)
		qsort(f.m, f.nm, sizeof(*f.m), mrow_cmp);
	for (size_t i = 0; i < f.nm; i++) {
		if (i > 0 && mrow_cmp(&f.m[i - 1], &f.m[i]) == 0)
			continue;   /* two ranges of one advisory hold the component */
		if (store_match_insert(c, f.m[i].advisory_id, f.m[i].component_id,
				       f.m[i].version_id, e) < 0)
			goto rollback;
		stored++;
	}
	st->candidates = f.candidates;
	st->matches = stored;
	st->unparsable = f.unparsable;
	if (audit_record(c, a, "impact.rematch", "matches", 0,
			 json_pack("{s:I, s:I}", "candidates", (json_int_t)f.candidates, "matches",
				   (json_int_t)stored), e) < 0 ||
	    db_commit(c, e) < 0)
		goto rollback;
	st->us = time_mono_us() - t0;
	rc = 0;
	goto out;
rollback:
	db_rollback(c);
out:
	full_release(&f);
	db_release(c);
	return rc;
}

/* ---- a new SBOM, in memory ----
 *
 * A big SBOM touches a large share of the stored packages: looking its
 * ranges up package by package reads the range rows in advisory order, one
 * random page each.  Instead: the SBOM's package keys go into a hash table,
 * one sequential scan of the ranges keeps (and parses) those of these keys,
 * each component is decided against its key's ranges, and the matches are
 * written sorted by the primary key.  A small SBOM still takes the join
 * (impact_match_version()), whose cost grows with the SBOM, not with the
 * ranges. */

/* Hash the parts of a key as key_hash() hashes full_key()'s string. */
static size_t parts_hash(const struct keyed_row *r)
{
	const char *parts[3] = { r->pkg_type, r->pkg_namespace, r->pkg_name };
	size_t h = 1469598103934665603ull;

	for (int i = 0; i < 3; i++) {
		if (i > 0)
			h = (h ^ 0x1f) * 1099511628211ull;
		for (const char *s = parts[i] ? parts[i] : ""; *s; s++)
			h = (h ^ (unsigned char)*s) * 1099511628211ull;
	}
	return h;
}

/* Whether key (a full_key() string) is the key of r's parts. */
static int parts_equal(const char *key, const struct keyed_row *r)
{
	const char *parts[3] = { r->pkg_type, r->pkg_namespace, r->pkg_name };

	for (int i = 0; i < 3; i++) {
		const char *s = parts[i] ? parts[i] : "";

		if (i > 0 && *key++ != '\x1f')
			return 0;
		while (*s)
			if (*key++ != *s++)
				return 0;
	}
	return *key == '\0';
}

/* The group of r's key, or NULL; full_group(f, full_key(f, r), 0) without
 * building the key (once per stored range). */
static struct group *find_group(const struct full *f, const struct keyed_row *r)
{
	if (f->cap == 0)
		return NULL;
	for (size_t i = parts_hash(r) & (f->cap - 1); f->slots[i]; i = (i + 1) & (f->cap - 1))
		if (parts_equal(f->g[f->slots[i] - 1].key, r))
			return &f->g[f->slots[i] - 1];
	return NULL;
}

static int new_range(void *arg, const struct keyed_row *r, struct err *e)
{
	struct full *f = arg;
	struct group *g = find_group(f, r);
	struct err ignored = ERR_INIT;
	struct vers *v = NULL;

	(void)e;
	if (g == NULL)
		return 0;
	if (vers_parse(&v, r->text, 0, &ignored) < 0 || vers_validate(v, &ignored) < 0) {
		vers_free(v);
		f->unparsable++;
		return 0;
	}
	if (g->n == g->alloc) {
		g->alloc = g->alloc ? 2 * g->alloc : 4;
		g->r = xrealloc(g->r, g->alloc * sizeof(*g->r));
	}
	g->r[g->n].advisory_id = r->owner_id;
	g->r[g->n].v = v;
	g->n++;
	return 0;
}

static struct keyed_row new_keyed(const struct impact_component *ic, int64_t id,
				   int64_t version_id)
{
	struct keyed_row r = { .id = id, .owner_id = version_id, .pkg_type = ic->pkg_type,
			       .pkg_namespace = ic->pkg_namespace ? ic->pkg_namespace : "",
			       .pkg_name = ic->pkg_name, .text = ic->pkg_version };

	return r;
}

static int matchable(const struct impact_component *ic)
{
	return ic->pkg_type != NULL && ic->pkg_name != NULL && ic->pkg_version != NULL;
}

/* Whether a key part holds the separator of full_key() (a decoded purl
 * may): two such keys could then read alike, so the SBOM takes the join. */
static int odd_key(const struct impact_component *ic)
{
	return strchr(ic->pkg_type, '\x1f') != NULL || strchr(ic->pkg_name, '\x1f') != NULL ||
	       (ic->pkg_namespace != NULL && strchr(ic->pkg_namespace, '\x1f') != NULL);
}

int impact_match_components(struct db_conn *c, int64_t version_id,
			    const struct impact_component *comps, size_t n, int64_t *added,
			    struct err *e)
{
	struct full f = { 0 };
	int64_t *ids = NULL, ranges = 0;
	size_t keys = 0, odd = 0;
	int rc = -1;

	*added = 0;
	buf_init(&f.key, 1 << 20);
	for (size_t i = 0; i < n; i++) {
		struct keyed_row r = new_keyed(&comps[i], 0, version_id);
		size_t before = f.ng;

		if (!matchable(&comps[i]))
			continue;
		odd += odd_key(&comps[i]);
		full_group(&f, full_key(&f, &r), 1);
		keys += f.ng > before;
	}
	if (keys >= IMPACT_SCAN_MIN_KEYS && store_range_id_max(c, &ranges, e) < 0)
		goto out;
	if (keys < IMPACT_SCAN_MIN_KEYS || (int64_t)keys * IMPACT_SCAN_RANGES_PER_KEY < ranges ||
	    odd > 0) {
		full_release(&f);
		return impact_match_version(c, version_id, added, e);
	}
	ids = xcalloc(n, sizeof(*ids));
	if (store_component_ids(c, version_id, ids, n, e) < 0 ||
	    store_ranges_all(c, new_range, &f, e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct keyed_row r = new_keyed(&comps[i], ids[i], version_id);

		if (matchable(&comps[i]) && full_component(&f, &r, e) < 0)
			goto out;
	}
	if (f.nm > 1)
		qsort(f.m, f.nm, sizeof(*f.m), mrow_cmp);
	for (size_t i = 0; i < f.nm; i++) {
		if (i > 0 && mrow_cmp(&f.m[i - 1], &f.m[i]) == 0)
			continue;   /* two ranges of one advisory hold the component */
		if (store_match_insert(c, f.m[i].advisory_id, f.m[i].component_id,
				       f.m[i].version_id, e) < 0)
			goto out;
	}
	/* counted like impact_match_version(): every (range, component) pair in range */
	*added = (int64_t)f.nm;
	rc = 0;
out:
	free(ids);
	full_release(&f);
	return rc;
}

/* ---- rendering helpers ---- */

static json_t *parse_or(const char *text, json_t *dflt)
{
	json_error_t je;
	json_t *v = text ? json_loads(text, 0, &je) : NULL;

	if (v == NULL)
		return dflt;
	json_decref(dflt);
	return v;
}

static int party_json(void *arg, const struct party_row *p, struct err *e)
{
	json_t **out = arg;

	(void)e;
	*out = json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)p->id, "name", p->name,
			 "jurisdiction", p->jurisdiction, "contacts",
			 parse_or(p->contacts, json_array()));
	return 0;
}

static int customer_append(void *arg, const struct deployment_row *d, struct err *e)
{
	(void)e;
	json_array_append_new(arg, json_pack("{s:I, s:s, s:s, s:o}", "id",
					     (json_int_t)d->customer_id, "name", d->customer,
					     "jurisdiction", d->jurisdiction, "contacts",
					     parse_or(d->contacts, json_array())));
	return 0;
}

struct version_info {
	json_t *o;
};

static int keep_product(void *arg, const struct product_row *p, struct err *e)
{
	json_t *o = arg;

	(void)e;
	json_object_set_new(o, "product_id", json_integer(p->id));
	json_object_set_new(o, "product", json_string(p->name));
	json_object_set_new(o, "model", json_string(p->model));
	json_object_set_new(o, "vendor", json_string(p->vendor));
	return 0;
}

static int keep_version(void *arg, const struct pversion_row *v, struct err *e)
{
	json_t *o = arg;

	(void)e;
	json_object_set_new(o, "version_id", json_integer(v->id));
	json_object_set_new(o, "version", json_string(v->version));
	json_object_set_new(o, "product_id", json_integer(v->product_id));
	return 0;
}

/* {product..., version..., customers:[...]} of one version id. */
static json_t *affected_version(struct db_conn *c, int64_t vid, int64_t *n_customers,
				struct err *e)
{
	json_t *o = json_object(), *customers = json_array();

	if (store_pversion_by_id(c, vid, keep_version, o, e) < 0 ||
	    store_product_get(c, json_integer_value(json_object_get(o, "product_id")),
			      keep_product, o, e) < 0 ||
	    store_deployment_list(c, 0, vid, customer_append, customers, e) < 0) {
		json_decref(o);
		json_decref(customers);
		return NULL;
	}
	*n_customers += (int64_t)json_array_size(customers);
	json_object_set_new(o, "components", json_array());
	json_object_set_new(o, "customers", customers);
	return o;
}

/* The registered supplier of a package, or null. */
static json_t *supplier_of(struct db_conn *c, const char *type, const char *ns,
			   const char *name, struct err *e)
{
	json_t *s = NULL;
	int64_t id;

	if (store_supplier_owner(c, type, ns, name, &id, e) < 0)
		return NULL;
	if (id == 0)
		return json_null();
	if (store_supplier_get(c, id, party_json, &s, e) < 0)
		return NULL;
	return s;
}

/* ---- ad-hoc impact: purl + vers ---- */

struct hit {
	int64_t version_id;
	char *name, *version, *purl;
};

struct query {
	const struct vers *v;
	struct hit *hits;
	size_t n, alloc;
	int64_t checked, unparsable;
};

static int query_candidate(void *arg, const struct candidate_row *r, struct err *e)
{
	struct query *q = arg;
	struct err ignored = ERR_INIT;
	int in = 0;

	(void)e;
	q->checked++;
	if (vers_contains(&in, q->v, r->pkg_version, &ignored) < 0) {
		q->unparsable++;
		return 0;
	}
	if (!in)
		return 0;
	if (q->n == q->alloc) {
		q->alloc = q->alloc ? 2 * q->alloc : 64;
		q->hits = xrealloc(q->hits, q->alloc * sizeof(*q->hits));
	}
	q->hits[q->n].version_id = r->version_id;
	q->hits[q->n].name = xstrdup(r->name ? r->name : "");
	q->hits[q->n].version = xstrdup(r->pkg_version);
	q->hits[q->n].purl = r->purl ? xstrdup(r->purl) : NULL;
	q->n++;
	return 0;
}

static int hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	return (x->version_id > y->version_id) - (x->version_id < y->version_id);
}

/* Group hits by version into out["affected"]. */
static int render_hits(struct db_conn *c, struct hit *hits, size_t n, json_t *out, struct err *e)
{
	json_t *affected = json_array(), *cur = NULL;
	int64_t n_customers = 0, last = 0;

	if (n > 1)
		qsort(hits, n, sizeof(*hits), hit_cmp);
	for (size_t i = 0; i < n; i++) {
		if (cur == NULL || hits[i].version_id != last) {
			cur = affected_version(c, hits[i].version_id, &n_customers, e);
			if (cur == NULL) {
				json_decref(affected);
				return -1;
			}
			json_array_append_new(affected, cur);
			last = hits[i].version_id;
		}
		json_array_append_new(json_object_get(cur, "components"),
				      json_pack("{s:s, s:s, s:o}", "name", hits[i].name, "version",
						hits[i].version, "purl",
						hits[i].purl ? json_string(hits[i].purl) : json_null()));
	}
	json_object_set_new(out, "product_versions", json_integer((json_int_t)json_array_size(affected)));
	json_object_set_new(out, "customer_deployments", json_integer(n_customers));
	json_object_set_new(out, "affected", affected);
	return 0;
}

int impact_query(struct db *db, const char *purl, const char *vers, json_t **out,
		 struct err *e)
{
	struct purl *p = NULL;
	struct vers *v = NULL;
	struct query q = { 0 };
	struct db_conn *c = NULL;
	const char *scheme;
	char *range = NULL, *key = NULL, *canon = NULL;
	json_t *o = NULL, *sup;
	int rc = -1;

	*out = NULL;
	if (purl == NULL || purl[0] == '\0')
		return err_setn(e, ERR_INVALID, "missing_field", "\"purl\" is required");
	if (purl_parse(&p, purl, strlen(purl), e) < 0)
		return -1;
	scheme = advisory_scheme_for_type(p->type);
	if (vers != NULL && vers[0] != '\0') {
		range = xstrdup(vers);
	} else if (scheme == NULL) {
		err_set(e, ERR_INVALID, "purl type \"%s\" has no version scheme; give \"vers\"",
			p->type);
		goto out;
	} else {
		struct buf b;

		buf_init(&b, 1 << 16);
		buf_addf(&b, "vers:%s/", scheme);
		if (p->version) {
			/* one version: equal by the scheme's order */
			for (const unsigned char *s = (const unsigned char *)p->version; *s; s++)
				if (*s <= 0x20 || *s >= 0x7f || strchr("<>=!*|%", *s))
					buf_addf(&b, "%%%02X", *s);
				else
					buf_add(&b, s, 1);
		} else {
			buf_adds(&b, "*");
		}
		buf_add(&b, "", 1);
		range = buf_detach(&b, NULL);
	}
	if (vers_parse(&v, range, 0, e) < 0 || vers_validate(v, e) < 0)
		goto out;
	if (scheme != NULL && strcmp(vers_type(v), scheme) != 0 &&
	    !(strcmp(scheme, "apk") == 0 && strcmp(vers_type(v), "alpine") == 0)) {
		err_set(e, ERR_INVALID, "a %s package needs a vers:%s range, not vers:%s", p->type,
			scheme, vers_type(v));
		goto out;
	}
	{
		struct purl k = { .type = p->type, .namespace = p->namespace, .name = p->name };

		if (purl_build(&key, &k, e) < 0)
			goto out;
	}
	canon = vers_canonical(v);
	q.v = v;
	if (db_acquire(db, &c, ACQUIRE_MS, e) < 0)
		goto out;
	if (store_components_of_package(c, p->type, p->namespace ? p->namespace : "", p->name,
					query_candidate, &q, e) < 0)
		goto out;
	o = json_pack("{s:s, s:s, s:I}", "purl", key, "vers", canon, "components_checked",
		      (json_int_t)q.checked);
	if (render_hits(c, q.hits, q.n, o, e) < 0)
		goto out;
	sup = supplier_of(c, p->type, p->namespace, p->name, e);
	if (sup == NULL)
		goto out;
	json_object_set_new(o, "supplier", sup);
	json_object_set_new(o, "components_unparsable", json_integer(q.unparsable));
	*out = o;
	o = NULL;
	rc = 0;
out:
	if (c)
		db_release(c);
	for (size_t i = 0; i < q.n; i++) {
		free(q.hits[i].name);
		free(q.hits[i].version);
		free(q.hits[i].purl);
	}
	free(q.hits);
	json_decref(o);
	free(range);
	free(key);
	free(canon);
	vers_free(v);
	purl_free(p);
	return rc;
}

/* ---- stored impact of an advisory ---- */

static int keep_advisory(void *arg, const struct advisory_row *a, struct err *e)
{
	json_t **out = arg;

	(void)e;
	*out = json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "_id", (json_int_t)a->id,
			 "id", a->ident, "source", a->source, "aliases",
			 parse_or(a->aliases, json_array()), "summary",
			 a->summary ? json_string(a->summary) : json_null(), "published",
			 a->published ? json_string(a->published) : json_null(), "modified",
			 a->modified ? json_string(a->modified) : json_null(), "withdrawn",
			 a->withdrawn ? json_string(a->withdrawn) : json_null());
	return 0;
}

struct ranges_acc {
	json_t *arr;
};

static int range_append(void *arg, const struct range_row *r, struct err *e)
{
	struct purl k = { .type = (char *)r->pkg_type,
			  .namespace = (char *)(r->pkg_namespace[0] ? r->pkg_namespace : NULL),
			  .name = (char *)r->pkg_name };
	char *key = NULL;

	if (purl_build(&key, &k, e) < 0)
		return -1;
	json_array_append_new(arg, json_pack("{s:s, s:s, s:o}", "purl", key, "vers", r->vers,
					     "fixed", r->fixed ? json_string(r->fixed)
							       : json_null()));
	free(key);
	return 0;
}

static int match_hit(void *arg, const struct match_row *m, struct err *e)
{
	struct query *q = arg;

	(void)e;
	if (q->n == q->alloc) {
		q->alloc = q->alloc ? 2 * q->alloc : 64;
		q->hits = xrealloc(q->hits, q->alloc * sizeof(*q->hits));
	}
	q->hits[q->n].version_id = m->version_id;
	q->hits[q->n].name = xstrdup(m->component);
	q->hits[q->n].version = xstrdup(m->component_version ? m->component_version : "");
	q->hits[q->n].purl = m->purl ? xstrdup(m->purl) : NULL;
	q->n++;
	return 0;
}

int impact_of_advisory(struct db *db, const char *ident, json_t **out, struct err *e)
{
	struct db_conn *c;
	struct query q = { 0 };
	json_t *o = NULL, *ranges = json_array();
	int64_t id;
	int rc = -1;

	*out = NULL;
	if (db_acquire(db, &c, ACQUIRE_MS, e) < 0) {
		json_decref(ranges);
		return -1;
	}
	if (store_advisory_get(c, ident, keep_advisory, &o, e) < 0)
		goto out;
	id = json_integer_value(json_object_get(o, "_id"));
	json_object_del(o, "_id");
	if (store_range_list(c, id, range_append, ranges, e) < 0 ||
	    store_matches_of_advisory(c, id, match_hit, &q, e) < 0 ||
	    render_hits(c, q.hits, q.n, o, e) < 0)
		goto out;
	json_object_set(o, "ranges", ranges);
	*out = o;
	o = NULL;
	rc = 0;
out:
	db_release(c);
	for (size_t i = 0; i < q.n; i++) {
		free(q.hits[i].name);
		free(q.hits[i].version);
		free(q.hits[i].purl);
	}
	free(q.hits);
	json_decref(o);
	json_decref(ranges);
	return rc;
}

/* ---- the vulnerabilities of a product version ---- */

struct vulns {
	json_t *arr;
	json_t *cur;
	int64_t cur_id;
};

static int vuln_append(void *arg, const struct match_row *m, struct err *e)
{
	struct vulns *v = arg;

	(void)e;
	if (v->cur == NULL || v->cur_id != m->advisory_id) {
		v->cur = json_pack("{s:s, s:o, s:o, s:[], s:o}", "id", m->ident, "aliases",
				   parse_or(m->aliases, json_array()), "summary",
				   m->summary ? json_string(m->summary) : json_null(), "components",
				   "vex", m->vex_status
						  ? json_pack("{s:s, s:o}", "status", m->vex_status,
							      "justification",
							      m->vex_justification
								      ? json_string(m->vex_justification)
								      : json_null())
						  : json_null());
		v->cur_id = m->advisory_id;
		json_array_append_new(v->arr, v->cur);
	}
	json_array_append_new(json_object_get(v->cur, "components"),
			      json_pack("{s:s, s:o, s:o}", "name", m->component, "version",
					m->component_version ? json_string(m->component_version)
							     : json_null(),
					"purl", m->purl ? json_string(m->purl) : json_null()));
	return 0;
}

static int version_of(struct db_conn *c, int64_t product_id, const char *version, int64_t *vid,
		      struct err *e)
{
	json_t *o = json_object();
	int rc;

	*vid = 0;
	rc = store_pversion_get(c, product_id, version, keep_version, o, e);
	if (rc == 0)
		*vid = json_integer_value(json_object_get(o, "version_id"));
	else if (e->code == ERR_NOT_FOUND)
		err_set(e, ERR_NOT_FOUND, "product %lld has no version \"%s\"",
			(long long)product_id, version);
	json_decref(o);
	return rc;
}

int impact_version_vulnerabilities(struct db *db, int64_t product_id, const char *version,
				   json_t **out, struct err *e)
{
	struct vulns v = { json_array(), NULL, 0 };
	struct db_conn *c;
	int64_t vid;
	int rc;

	*out = NULL;
	if (db_acquire(db, &c, ACQUIRE_MS, e) < 0) {
		json_decref(v.arr);
		return -1;
	}
	rc = version_of(c, product_id, version, &vid, e);
	if (rc == 0)
		rc = store_matches_of_version(c, vid, vuln_append, &v, e);
	db_release(c);
	if (rc < 0) {
		json_decref(v.arr);
		return -1;
	}
	*out = json_pack("{s:I, s:s, s:I, s:o}", "product_id", (json_int_t)product_id, "version",
			 version, "count", (json_int_t)json_array_size(v.arr), "vulnerabilities",
			 v.arr);
	return 0;
}

/* ---- VEX ---- */

static int one_of(const char *v, const char *const *list)
{
	for (; v && *list; list++)
		if (strcmp(v, *list) == 0)
			return 1;
	return 0;
}

int impact_vex_set(struct db *db, const struct actor *a, int64_t product_id, const char *version,
		   const char *ident, const char *status, const char *justification,
		   const char *detail, json_t **out, struct err *e)
{
	struct db_conn *c;
	json_t *adv = NULL;
	struct vex_row v = { 0 };
	int64_t vid;
	int rc = -1;

	*out = NULL;
	if (!one_of(status, impact_vex_statuses))
		return err_set(e, ERR_INVALID, "\"status\" must be affected, not_affected, fixed or"
			       " under_investigation");
	if (strcmp(status, "not_affected") == 0 && justification == NULL)
		return err_setn(e, ERR_INVALID, "missing_field",
				"\"justification\" is required when the status is not_affected");
	if (justification != NULL && strcmp(status, "not_affected") != 0)
		return err_set(e, ERR_INVALID, "\"justification\" is only for not_affected");
	if (justification != NULL && !one_of(justification, impact_vex_justifications))
		return err_set(e, ERR_INVALID, "\"justification\" \"%s\" is not a CycloneDX"
			       " justification or a CSAF flag label", justification);
	if (detail != NULL) {
		json_t *probe = json_string(detail);   /* valid UTF-8 */

		if (probe == NULL || strlen(detail) > 20000) {
			json_decref(probe);
			return err_set(e, ERR_INVALID, "\"detail\" must be UTF-8 text of at most"
				       " 20000 bytes");
		}
		json_decref(probe);
	}
	if (db_acquire(db, &c, ACQUIRE_MS, e) < 0)
		return -1;
	if (db_begin(c, e) < 0)
		goto out;
	if (version_of(c, product_id, version, &vid, e) < 0 ||
	    store_advisory_get(c, ident, keep_advisory, &adv, e) < 0)
		goto rollback;
	v.advisory_id = json_integer_value(json_object_get(adv, "_id"));
	v.version_id = vid;
	v.status = status;
	v.justification = justification;
	v.detail = detail;
	v.updated_at = time_now_us();
	v.updated_by = a->name ? a->name : "system";
	if (store_vex_put(c, &v, e) < 0 ||
	    audit_record(c, a, "vex.set", "product_version", vid,
			 json_pack("{s:s, s:s, s:s?}", "advisory", ident, "status", status,
				   "justification", justification), e) < 0 ||
	    db_commit(c, e) < 0)
		goto rollback;
	*out = json_pack("{s:s, s:I, s:s, s:s, s:o, s:o, s:o}", "vulnerability", ident,
			 "product_id", (json_int_t)product_id, "version", version, "status", status,
			 "justification", justification ? json_string(justification) : json_null(),
			 "detail", detail ? json_string(detail) : json_null(), "updated_at",
			 inventory_time_json(v.updated_at));
	rc = 0;
	goto out;
rollback:
	db_rollback(c);
out:
	json_decref(adv);
	db_release(c);
	return rc;
}

/* One statement (explicit, or "under_investigation" for a match without one). */
struct stmt {
	char *ident;
	char *status;
	char *justification;
	char *detail;
	json_t *aliases;
	char *summary;
};

struct stmts {
	struct stmt *s;
	size_t n, alloc;
};

static struct stmt *stmt_find(struct stmts *l, const char *ident)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->s[i].ident, ident) == 0)
			return &l->s[i];
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? 2 * l->alloc : 16;
		l->s = xrealloc(l->s, l->alloc * sizeof(*l->s));
	}
	memset(&l->s[l->n], 0, sizeof(l->s[l->n]));
	l->s[l->n].ident = xstrdup(ident);
	return &l->s[l->n++];
}

static int stmt_from_match(void *arg, const struct match_row *m, struct err *e)
{
	struct stmt *s = stmt_find(arg, m->ident);

	(void)e;
	if (s->aliases == NULL)
		s->aliases = parse_or(m->aliases, json_array());
	if (s->summary == NULL && m->summary)
		s->summary = xstrdup(m->summary);
	if (s->status == NULL)
		s->status = xstrdup("under_investigation");
	return 0;
}

static int stmt_from_vex(void *arg, const struct vex_row *v, struct err *e)
{
	struct stmt *s = stmt_find(arg, v->ident);

	(void)e;
	free(s->status);
	s->status = xstrdup(v->status);
	s->justification = v->justification ? xstrdup(v->justification) : NULL;
	s->detail = v->detail ? xstrdup(v->detail) : NULL;
	return 0;
}

static void stmts_release(struct stmts *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->s[i].ident);
		free(l->s[i].status);
		free(l->s[i].justification);
		free(l->s[i].detail);
		free(l->s[i].summary);
		json_decref(l->s[i].aliases);
	}
	free(l->s);
}

static const char *cdx_state(const char *status)
{
	if (strcmp(status, "affected") == 0)
		return "exploitable";
	if (strcmp(status, "not_affected") == 0)
		return "not_affected";
	if (strcmp(status, "fixed") == 0)
		return "resolved";
	return "in_triage";
}

static json_t *cdx_vex(json_t *prod, const struct stmts *l, const char *now)
{
	json_t *vulns = json_array();
	json_t *meta = json_pack("{s:s, s:{s:s, s:s, s:s, s:s}}", "timestamp", now, "component",
				 "type", "application", "bom-ref", "product", "name",
				 json_string_value(json_object_get(prod, "product")), "version",
				 json_string_value(json_object_get(prod, "version")));
	const char *vendor = json_string_value(json_object_get(prod, "vendor"));

	if (vendor && vendor[0])
		json_object_set_new(json_object_get(meta, "component"), "supplier",
				    json_pack("{s:s}", "name", vendor));
	for (size_t i = 0; i < l->n; i++) {
		const struct stmt *s = &l->s[i];
		json_t *analysis = json_pack("{s:s}", "state", cdx_state(s->status));
		json_t *v = json_pack("{s:s, s:[{s:s}], s:o}", "id", s->ident, "affects", "ref",
				      "product", "analysis", analysis);
		json_t *refs = json_array(), *alias;
		size_t k;

		if (s->justification)
			json_object_set_new(analysis, "justification",
					    json_string(just_cdx(s->justification)));
		if (s->detail)
			json_object_set_new(analysis, "detail", json_string(s->detail));
		if (s->summary)
			json_object_set_new(v, "description", json_string(s->summary));
		json_array_foreach(s->aliases, k, alias)
			json_array_append_new(refs, json_pack("{s:O, s:{s:s}}", "id", alias,
							      "source", "name",
							      strncmp(json_string_value(alias) ?: "",
								      "CVE-", 4) == 0
								      ? "NVD" : "alias"));
		if (json_array_size(refs) > 0)
			json_object_set_new(v, "references", refs);
		else
			json_decref(refs);
		json_array_append_new(vulns, v);
	}
	return json_pack("{s:s, s:s, s:i, s:o, s:o}", "bomFormat", "CycloneDX", "specVersion",
			 "1.6", "version", 1, "metadata", meta, "vulnerabilities", vulns);
}

static json_t *csaf_vex(json_t *prod, const struct stmts *l, const char *now, int64_t vid)
{
	const char *name = json_string_value(json_object_get(prod, "product"));
	const char *ver = json_string_value(json_object_get(prod, "version"));
	const char *vendor = json_string_value(json_object_get(prod, "vendor"));
	char full[600], track[64];
	json_t *vulns = json_array(), *doc;

	snprintf(full, sizeof(full), "%s %s", name, ver);
	snprintf(track, sizeof(track), "VULNFLOW-VEX-%lld", (long long)vid);
	for (size_t i = 0; i < l->n; i++) {
		const struct stmt *s = &l->s[i];
		json_t *v = json_object(), *ids = json_array(), *status = json_object(), *alias;
		const char *cve = NULL;
		size_t k;

		json_array_foreach(s->aliases, k, alias)
			if (cve == NULL && strncmp(json_string_value(alias), "CVE-", 4) == 0)
				cve = json_string_value(alias);
		if (strncmp(s->ident, "CVE-", 4) == 0)
			cve = s->ident;
		if (cve)
			json_object_set_new(v, "cve", json_string(cve));
		if (cve == NULL || strcmp(cve, s->ident) != 0)
			json_array_append_new(ids, json_pack("{s:s, s:s}", "system_name", "advisory",
							     "text", s->ident));
		if (json_array_size(ids))
			json_object_set_new(v, "ids", ids);
		else
			json_decref(ids);
		if (s->summary)
			json_object_set_new(v, "title", json_string(s->summary));
		if (strcmp(s->status, "affected") == 0) {
			json_object_set_new(status, "known_affected", json_pack("[s]", "CSAFPID-0001"));
			json_object_set_new(v, "remediations",
					    json_pack("[{s:s, s:s, s:[s]}]", "category",
						      "none_available", "details",
						      s->detail ? s->detail
								: "No remediation is available yet.",
						      "product_ids", "CSAFPID-0001"));
		} else if (strcmp(s->status, "not_affected") == 0) {
			json_object_set_new(status, "known_not_affected",
					    json_pack("[s]", "CSAFPID-0001"));
			json_object_set_new(v, "flags",
					    json_pack("[{s:s, s:[s]}]", "label",
						      just_csaf(s->justification ? s->justification
										 : ""),
						      "product_ids", "CSAFPID-0001"));
			if (s->detail)
				json_object_set_new(v, "threats",
						    json_pack("[{s:s, s:s, s:[s]}]", "category",
							      "impact", "details", s->detail,
							      "product_ids", "CSAFPID-0001"));
		} else if (strcmp(s->status, "fixed") == 0) {
			json_object_set_new(status, "fixed", json_pack("[s]", "CSAFPID-0001"));
		} else {
			json_object_set_new(status, "under_investigation",
					    json_pack("[s]", "CSAFPID-0001"));
		}
		json_object_set_new(v, "product_status", status);
		json_array_append_new(vulns, v);
	}
	doc = json_pack("{s:{s:s, s:s, s:{s:s, s:s, s:s}, s:s, s:{s:s, s:s, s:s, s:s, s:s,"
			" s:[{s:s, s:s, s:s}], s:{s:{s:s, s:s}}}}, s:{s:[{s:s, s:s}]}, s:o}",
			"document", "category", "csaf_vex", "csaf_version", "2.0", "publisher",
			"category", "vendor", "name", vendor && vendor[0] ? vendor : "vulnflow",
			"namespace", "https://vulnflow.invalid", "title", full, "tracking", "id",
			track, "status", "final", "version", "1", "initial_release_date", now,
			"current_release_date", now, "revision_history", "date", now, "number", "1",
			"summary", "VEX statements as recorded", "generator", "engine", "name",
			"vulnflow", "version", "0.1.0", "product_tree", "full_product_names", "name",
			full, "product_id", "CSAFPID-0001", "vulnerabilities", vulns);
	return doc;
}

int impact_vex_export(struct db *db, int64_t product_id, const char *version,
		      const char *format, char **out, struct err *e)
{
	struct stmts l = { 0 };
	struct db_conn *c;
	json_t *prod = json_object(), *doc = NULL;
	char now[TIMEFMT_LEN];
	int64_t vid;
	int rc = -1;

	*out = NULL;
	if (format == NULL)
		format = "cyclonedx";
	if (strcmp(format, "cyclonedx") != 0 && strcmp(format, "csaf") != 0) {
		json_decref(prod);
		return err_set(e, ERR_INVALID, "\"format\" must be cyclonedx or csaf");
	}
	if (db_acquire(db, &c, ACQUIRE_MS, e) < 0) {
		json_decref(prod);
		return -1;
	}
	if (version_of(c, product_id, version, &vid, e) < 0 ||
	    store_product_get(c, product_id, keep_product, prod, e) < 0 ||
	    store_matches_of_version(c, vid, stmt_from_match, &l, e) < 0 ||
	    store_vex_list(c, vid, stmt_from_vex, &l, e) < 0)
		goto out;
	json_object_set_new(prod, "version", json_string(version));
	time_format_utc((time_now_us() / 1000000) * 1000000, now);
	/* "2026-01-01T00:00:00.000000Z" -> "2026-01-01T00:00:00Z" */
	if (strlen(now) > 20) {
		now[19] = 'Z';
		now[20] = '\0';
	}
	doc = strcmp(format, "csaf") == 0 ? csaf_vex(prod, &l, now, vid) : cdx_vex(prod, &l, now);
	*out = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
	if (*out == NULL) {
		err_set(e, ERR_INTERNAL, "cannot render the VEX document");
		goto out;
	}
	rc = 0;
out:
	db_release(c);
	json_decref(doc);
	json_decref(prod);
	stmts_release(&l);
	return rc;
}
