/* csaf.c - CSAF 2.0 documents into the advisory model: product tree to purls, status to ranges. */
#include "formats/csaf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "rules/purl.h"

#define MAX_TREE_DEPTH 32

/* One product id of the tree with what identifies it as a package. */
struct product {
	const char *id;
	const char *purl;      /* NULL: not a package we can match */
	const char *range;     /* a "vers:" string from a product_version_range branch */
};

struct tree {
	struct product *p;
	size_t n, alloc;
};

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void tree_add(struct tree *t, json_t *product, const char *category, const char *name)
{
	json_t *helper = json_object_get(product, "product_identification_helper");
	const char *id = str(product, "product_id");

	if (id == NULL)
		return;
	if (t->n == t->alloc) {
		t->alloc = t->alloc ? 2 * t->alloc : 64;
		t->p = xrealloc(t->p, t->alloc * sizeof(*t->p));
	}
	t->p[t->n].id = id;
	t->p[t->n].purl = str(helper, "purl");
	t->p[t->n].range = category && strcmp(category, "product_version_range") == 0 && name &&
					   strncmp(name, "vers:", 5) == 0
				   ? name
				   : NULL;
	t->n++;
}

static void walk_branches(struct tree *t, json_t *branches, int depth)
{
	json_t *b;
	size_t i;

	if (depth > MAX_TREE_DEPTH)
		return;
	json_array_foreach(branches, i, b) {
		json_t *product = json_object_get(b, "product");

		if (json_is_object(product))
			tree_add(t, product, str(b, "category"), str(b, "name"));
		walk_branches(t, json_object_get(b, "branches"), depth + 1);
	}
}

static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct product *)a)->id, ((const struct product *)b)->id);
}

static const struct product *tree_find(const struct tree *t, const char *id)
{
	struct product key = { .id = id };

	return id ? bsearch(&key, t->p, t->n, sizeof(*t->p), by_id) : NULL;
}

/* The version a purl names (with an rpm "epoch" qualifier as "E:V"), or
 * NULL; *out is allocated. */
static int purl_version(const char *purl, char **out)
{
	struct purl *p = NULL;
	struct err e = ERR_INIT;

	*out = NULL;
	if (purl_parse(&p, purl, strlen(purl), &e) < 0)
		return -1;
	if (p->version != NULL) {
		const char *epoch = NULL;

		for (size_t i = 0; i < p->nqualifiers; i++)
			if (strcmp(p->qualifiers[i].key, "epoch") == 0)
				epoch = p->qualifiers[i].value;
		if (epoch != NULL && strcmp(p->type, "rpm") == 0 && strchr(p->version, ':') == NULL) {
			size_t n = strlen(epoch) + strlen(p->version) + 2;

			*out = xmalloc(n);
			snprintf(*out, n, "%s:%s", epoch, p->version);
		} else {
			*out = xstrdup(p->version);
		}
	}
	purl_free(p);
	return 0;
}

/* Statuses that say a product is affected, and how its version bounds the range. */
enum how { AT, AT_OR_BELOW, BELOW };

static const struct {
	const char *status;
	enum how how;
} statuses[] = {
	{ "known_affected", AT },
	{ "first_affected", AT },
	{ "last_affected", AT_OR_BELOW },
	{ "fixed", BELOW },
	{ "first_fixed", BELOW },
};

static void add_status(struct advisory *a, const struct tree *t, const char *pid, enum how how,
		       const char *where)
{
	const struct product *p = tree_find(t, pid);
	struct err e = ERR_INIT;
	char *version = NULL;
	const char *op;
	int rc;

	if (p == NULL || (p->purl == NULL && p->range == NULL)) {
		advisory_note(a, "%s: product \"%s\" skipped: no package URL", where,
			      pid ? pid : "");
		return;
	}
	if (p->range != NULL) {
		if (how != AT) {
			advisory_note(a, "%s: product \"%s\" skipped: a fixed range", where, pid);
			return;
		}
		if (p->purl == NULL) {
			advisory_note(a, "%s: product \"%s\" skipped: a range without a package URL",
				      where, pid);
			return;
		}
		rc = -1;
		{
			/* the range's own constraints, made canonical with the purl's key */
			const char *slash = strchr(p->range, '/');
			char *copy = xstrdup(slash ? slash + 1 : "");
			const char *ops[64], *vs[64];
			size_t n = 0;
			char *save = NULL;

			for (char *c = strtok_r(copy, "|", &save); c && n < 64;
			     c = strtok_r(NULL, "|", &save)) {
				size_t k = strspn(c, "<>=!");

				if (strcmp(c, "*") == 0) {
					ops[n] = "*";
					vs[n++] = NULL;
					continue;
				}
				if (k == 1 && c[0] == '<') ops[n] = "<";
				else if (k == 2 && strncmp(c, "<=", 2) == 0) ops[n] = "<=";
				else if (k == 1 && c[0] == '>') ops[n] = ">";
				else if (k == 2 && strncmp(c, ">=", 2) == 0) ops[n] = ">=";
				else if (k == 0) ops[n] = "";
				else break;
				vs[n++] = c + k;
			}
			if (slash && n > 0)
				rc = advisory_add_purl_range(a, p->purl, ops, vs, n, NULL, &e);
			else
				err_set(&e, ERR_INVALID, "cannot read \"%s\"", p->range);
			free(copy);
		}
		if (rc < 0)
			advisory_note(a, "%s: product \"%s\" skipped: %s", where, pid, e.msg);
		return;
	}
	if (purl_version(p->purl, &version) < 0) {
		advisory_note(a, "%s: product \"%s\" skipped: bad package URL", where, pid);
		return;
	}
	if (version == NULL) {
		if (how != AT) {
			advisory_note(a, "%s: product \"%s\" skipped: no version", where, pid);
			return;
		}
		op = "*";
	} else {
		op = how == AT ? "" : how == AT_OR_BELOW ? "<=" : "<";
	}
	{
		const char *ops[1] = { op }, *vs[1] = { version };

		if (advisory_add_purl_range(a, p->purl, ops, vs, 1, how == BELOW ? version : NULL,
					    &e) < 0)
			advisory_note(a, "%s: product \"%s\" skipped: %s", where, pid, e.msg);
	}
	free(version);
}

int csaf_from_json(struct advisory **out, json_t *root, struct err *e)
{
	json_t *doc = json_object_get(root, "document"), *tracking, *tree, *vulns, *v, *x;
	struct advisory *a = advisory_new("csaf");
	struct tree t = { 0 };
	size_t i, j;
	const char *cv;

	*out = NULL;
	cv = str(doc, "csaf_version");
	if (cv == NULL || strcmp(cv, "2.0") != 0) {
		err_set(e, ERR_INVALID, "document.csaf_version: \"%s\" is not supported (2.0 is)",
			cv ? cv : "");
		goto fail;
	}
	tracking = json_object_get(doc, "tracking");
	if (!json_is_string(json_object_get(tracking, "id")) || str(tracking, "id")[0] == '\0') {
		err_set(e, ERR_INVALID, "document.tracking.id: missing or not a string");
		goto fail;
	}
	a->id = xstrdup(str(tracking, "id"));
	if (str(doc, "title")) {
		size_t n = strlen(str(doc, "title"));

		a->summary = xstrndup(str(doc, "title"), n < 500 ? n : 500);
	}
	if (str(tracking, "initial_release_date"))
		a->published = xstrdup(str(tracking, "initial_release_date"));
	if (str(tracking, "current_release_date"))
		a->modified = xstrdup(str(tracking, "current_release_date"));
	if (a->summary != NULL)
		a->summary[strcspn(a->summary, "\r\n")] = '\0';
	if (a->summary != NULL) {
		size_t n = strlen(a->summary);

		while (n > 0 && ((unsigned char)a->summary[n - 1] & 0xc0) == 0xc0)
			a->summary[--n] = '\0';   /* a sequence cut by xstrndup */
	}

	tree = json_object_get(root, "product_tree");
	walk_branches(&t, json_object_get(tree, "branches"), 0);
	json_array_foreach(json_object_get(tree, "full_product_names"), i, x)
		tree_add(&t, x, NULL, NULL);
	qsort(t.p, t.n, sizeof(*t.p), by_id);
	/* relationships: a product made of a component takes the component's key */
	{
		size_t before = t.n;

		json_array_foreach(json_object_get(tree, "relationships"), i, x) {
			json_t *fpn = json_object_get(x, "full_product_name");
			const struct product *ref;
			const char *id = str(fpn, "product_id"), *purl, *range;

			/* look up among the tree's own products only (sorted) */
			ref = tree_find(&(struct tree){ t.p, before, t.alloc },
					str(x, "product_reference"));
			if (id == NULL || ref == NULL)
				continue;
			purl = ref->purl;
			range = ref->range;
			if (t.n == t.alloc) {
				t.alloc = t.alloc ? 2 * t.alloc : 64;
				t.p = xrealloc(t.p, t.alloc * sizeof(*t.p));
			}
			t.p[t.n].id = id;
			t.p[t.n].purl = purl;
			t.p[t.n].range = range;
			t.n++;
		}
		qsort(t.p, t.n, sizeof(*t.p), by_id);
	}

	vulns = json_object_get(root, "vulnerabilities");
	json_array_foreach(vulns, i, v) {
		json_t *status = json_object_get(v, "product_status"), *ids;

		advisory_alias(a, str(v, "cve"));
		json_array_foreach(json_object_get(v, "ids"), j, x)
			advisory_alias(a, str(x, "text"));
		for (size_t k = 0; k < sizeof(statuses) / sizeof(statuses[0]); k++) {
			char where[96];

			ids = json_object_get(status, statuses[k].status);
			snprintf(where, sizeof(where), "vulnerabilities[%zu].product_status.%s", i,
				 statuses[k].status);
			json_array_foreach(ids, j, x)
				add_status(a, &t, json_string_value(x), statuses[k].how, where);
		}
	}
	free(t.p);
	*out = a;
	return 0;
fail:
	free(t.p);
	advisory_free(a);
	return -1;
}
