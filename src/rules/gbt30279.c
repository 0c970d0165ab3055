/* gbt30279.c - load and validate the GB/T 30279-2020 policy; grade and classify.
 *
 * The policy JSON is parsed once into a compact struct: the ten indicators
 * with their values, the five annex tables as dense lookup arrays (one cell
 * per combination of inputs, so a grade is three or five array reads), and
 * the classification nodes.  Strings are not copied: they point into the
 * jansson document, which lives as long as the struct.
 */
#include "rules/gbt30279.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

#define SCHEMA "vulnflow.gbt30279/1"
#define TAB_COUNT 5
#define DIM_MAX 4
#define CELL_MAX (GBT30279_VALUE_MAX * GBT30279_VALUE_MAX * GBT30279_VALUE_MAX * \
		  GBT30279_VALUE_MAX)
#define NO_CELL 0xff
#define VECTOR_IN_MAX 128       /* longest vector accepted as input */
#define GRADE_COUNT 4

enum { TAB_A, TAB_B, TAB_C, TAB_D, TAB_E };

/* A table dimension's domain: an indicator, another table's levels, or the grades. */
#define DOM_LEVELS(t) (100 + (t))
#define DOM_GRADES 200

static const struct {
	const char *id;
	enum gbt30279_group group;
} ind_spec[GBT_IND_COUNT] = {
	[GBT_AP] = { "AP", GBT_EXPLOITABILITY }, [GBT_TR] = { "TR", GBT_EXPLOITABILITY },
	[GBT_PR] = { "PR", GBT_EXPLOITABILITY }, [GBT_UI] = { "UI", GBT_EXPLOITABILITY },
	[GBT_C] = { "C", GBT_IMPACT },           [GBT_I] = { "I", GBT_IMPACT },
	[GBT_A] = { "A", GBT_IMPACT },           [GBT_EC] = { "EC", GBT_ENVIRONMENT },
	[GBT_RD] = { "RD", GBT_ENVIRONMENT },    [GBT_SC] = { "SC", GBT_ENVIRONMENT },
};

static const char *const group_names[] = { "exploitability", "impact", "environment" };

/* The output grades of both gradings, GB/T 30279-2020 §6 [V]; rank = 4 - index. */
static const struct gbt30279_label grades[GRADE_COUNT] = {
	{ "critical", "超危", "critical" },
	{ "high", "高危", "high" },
	{ "medium", "中危", "medium" },
	{ "low", "低危", "low" },
};

static const struct {
	const char *key;
	int ndim;
	int dom[DIM_MAX];
	const char *columns[DIM_MAX + 1];       /* the inputs, then the output */
} tab_spec[TAB_COUNT] = {
	[TAB_A] = { "A", 4, { GBT_AP, GBT_TR, GBT_PR, GBT_UI },
		    { "AP", "TR", "PR", "UI", "level" } },
	[TAB_B] = { "B", 3, { GBT_C, GBT_I, GBT_A }, { "C", "I", "A", "level" } },
	[TAB_C] = { "C", 3, { GBT_EC, GBT_RD, GBT_SC }, { "EC", "RD", "SC", "level" } },
	[TAB_D] = { "D", 2, { DOM_LEVELS(TAB_A), DOM_LEVELS(TAB_B) },
		    { "exploitability", "impact", "grade" } },
	[TAB_E] = { "E", 2, { DOM_GRADES, DOM_LEVELS(TAB_C) },
		    { "technical", "environment", "grade" } },
};

static const char *const certainty_names[] = {
	[GBT_VERIFIED] = "verified", [GBT_RECALLED] = "recalled", [GBT_NOT_FOUND] = "not_found",
};

struct table {
	int verified;
	int nlevels;            /* A, B, C: the levels they output; D, E output grades */
	struct gbt30279_label levels[GBT30279_VALUE_MAX];
	unsigned char cell[CELL_MAX];
};

struct gbt30279 {
	json_t *doc;
	const char *source;
	struct gbt30279_indicator_info ind[GBT_IND_COUNT];
	struct table tab[TAB_COUNT];
	struct gbt30279_class *nodes;
	size_t nnodes;
};

/* ---- JSON field helpers: every error names the field by its dotted path ---- */

static int want_string(json_t *obj, const char *key, const char *path, const char **out,
		       struct err *e)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!json_is_string(v) || json_string_length(v) == 0)
		return err_set(e, ERR_INVALID, "\"%s.%s\" must be a non-empty string", path, key);
	*out = json_string_value(v);
	return 0;
}

/* A string, or NULL when absent or null. */
static int want_opt_string(json_t *obj, const char *key, const char *path, const char **out,
			   struct err *e)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	return want_string(obj, key, path, out, e);
}

static int want_array(json_t *obj, const char *key, const char *path, size_t min, size_t max,
		      json_t **out, struct err *e)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!json_is_array(v) || json_array_size(v) < min || json_array_size(v) > max)
		return err_set(e, ERR_INVALID, "\"%s.%s\" must be an array of %zu to %zu items",
			       path, key, min, max);
	*out = v;
	return 0;
}

static int want_object(json_t *v, const char *path, struct err *e)
{
	if (!json_is_object(v))
		return err_set(e, ERR_INVALID, "\"%s\" must be an object", path);
	return 0;
}

static int valid_value_id(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= GBT30279_ID_MAX)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

/* A label list (indicator values, table levels): 2..8 objects {id, zh, en}, ids unique. */
static int load_labels(json_t *obj, const char *key, const char *path,
		       struct gbt30279_label *out, int *count, struct err *e)
{
	json_t *arr, *item;
	size_t i;
	char ipath[96];

	if (want_array(obj, key, path, 2, GBT30279_VALUE_MAX, &arr, e))
		return -1;
	json_array_foreach(arr, i, item) {
		struct gbt30279_label *l = &out[i];

		snprintf(ipath, sizeof(ipath), "%s.%s[%zu]", path, key, i);
		if (want_object(item, ipath, e) || want_string(item, "id", ipath, &l->id, e) ||
		    want_string(item, "zh", ipath, &l->zh, e) ||
		    want_string(item, "en", ipath, &l->en, e))
			return -1;
		if (!valid_value_id(l->id))
			return err_set(e, ERR_INVALID,
				       "\"%s.id\" must be 1 to %d letters or digits", ipath,
				       GBT30279_ID_MAX - 1);
		for (size_t j = 0; j < i; j++)
			if (strcmp(out[j].id, l->id) == 0)
				return err_set(e, ERR_INVALID, "duplicate id \"%s\" in \"%s.%s\"",
					       l->id, path, key);
	}
	*count = (int)json_array_size(arr);
	return 0;
}

static int label_index(const struct gbt30279_label *l, int n, const char *id)
{
	for (int i = 0; i < n; i++)
		if (strcmp(l[i].id, id) == 0)
			return i;
	return -1;
}

/* ---- top level: schema, status, grades ---- */

static int load_header(struct gbt30279 *p, json_t *root, struct err *e)
{
	const char *schema, *status;

	if (want_object(root, "policy", e) || want_string(root, "schema", "policy", &schema, e))
		return -1;
	if (strcmp(schema, SCHEMA) != 0)
		return err_set(e, ERR_INVALID, "unknown policy schema \"%s\" (want \"%s\")",
			       schema, SCHEMA);
	if (want_string(root, "status", "policy", &status, e) ||
	    want_string(root, "grading_source", "policy", &p->source, e))
		return -1;
	if (strcmp(status, "provisional") != 0 && strcmp(status, "verified") != 0)
		return err_set(e, ERR_INVALID,
			       "\"policy.status\" must be \"provisional\" or \"verified\"");
	return 0;
}

static int load_grades(json_t *root, struct err *e)
{
	json_t *arr, *item;
	size_t i;
	char path[32];

	if (want_array(root, "grades", "policy", GRADE_COUNT, GRADE_COUNT, &arr, e))
		return -1;
	json_array_foreach(arr, i, item) {
		const char *id, *zh, *en;

		snprintf(path, sizeof(path), "grades[%zu]", i);
		if (want_object(item, path, e) || want_string(item, "id", path, &id, e) ||
		    want_string(item, "zh", path, &zh, e) || want_string(item, "en", path, &en, e))
			return -1;
		if (strcmp(id, grades[i].id) != 0 || strcmp(zh, grades[i].zh) != 0)
			return err_set(e, ERR_INVALID,
				       "\"%s\" must be {\"id\": \"%s\", \"zh\": \"%s\"}: "
				       "the grades are fixed by GB/T 30279-2020",
				       path, grades[i].id, grades[i].zh);
	}
	return 0;
}

/* ---- indicators ---- */

static int load_indicator(struct gbt30279_indicator_info *ind, int k, json_t *item,
			  struct err *e)
{
	const char *group;
	char path[32];

	snprintf(path, sizeof(path), "indicators[%d]", k);
	if (want_object(item, path, e) || want_string(item, "id", path, &ind->label.id, e) ||
	    want_string(item, "group", path, &group, e) ||
	    want_string(item, "zh", path, &ind->label.zh, e) ||
	    want_string(item, "en", path, &ind->label.en, e))
		return -1;
	if (strcmp(ind->label.id, ind_spec[k].id) != 0)
		return err_set(e, ERR_INVALID, "\"%s.id\" must be \"%s\" (indicators are %s)", path,
			       ind_spec[k].id, "AP, TR, PR, UI, C, I, A, EC, RD, SC in this order");
	if (strcmp(group, group_names[ind_spec[k].group]) != 0)
		return err_set(e, ERR_INVALID, "\"%s.group\" must be \"%s\"", path,
			       group_names[ind_spec[k].group]);
	ind->group = ind_spec[k].group;
	return load_labels(item, "values", path, ind->values, &ind->nvalues, e);
}

static int load_indicators(struct gbt30279 *p, json_t *root, struct err *e)
{
	json_t *arr;

	if (want_array(root, "indicators", "policy", GBT_IND_COUNT, GBT_IND_COUNT, &arr, e))
		return -1;
	for (int k = 0; k < GBT_IND_COUNT; k++)
		if (load_indicator(&p->ind[k], k, json_array_get(arr, (size_t)k), e))
			return -1;
	return 0;
}

/* ---- classification tree ---- */

/* "5.N(.N)*", N a positive number without leading zero, at least two parts. */
static int valid_code(const char *s)
{
	int parts = 0;

	if (strncmp(s, "5.", 2) != 0)
		return 0;
	s += 2;
	for (;;) {
		int digits = 0;

		if (*s == '0')
			return 0;
		while (*s >= '0' && *s <= '9' && digits < 4) {
			s++;
			digits++;
		}
		if (digits == 0)
			return 0;
		parts++;
		if (*s == '\0')
			return parts >= 1;
		if (*s++ != '.')
			return 0;
	}
}

static int parse_certainty(const char *s, enum gbt30279_certainty *out)
{
	for (int c = GBT_VERIFIED; c <= GBT_NOT_FOUND; c++)
		if (strcmp(s, certainty_names[c]) == 0) {
			*out = (enum gbt30279_certainty)c;
			return 0;
		}
	return -1;
}

static int load_node(struct gbt30279_class *c, size_t i, json_t *item, struct err *e)
{
	const char *cert;
	char path[40];

	snprintf(path, sizeof(path), "classification[%zu]", i);
	if (want_object(item, path, e) || want_string(item, "code", path, &c->code, e) ||
	    want_string(item, "certainty", path, &cert, e) ||
	    want_opt_string(item, "zh", path, &c->zh, e) ||
	    want_opt_string(item, "en", path, &c->en, e) ||
	    want_opt_string(item, "description_zh", path, &c->description_zh, e) ||
	    want_opt_string(item, "description_en", path, &c->description_en, e))
		return -1;
	if (!valid_code(c->code))
		return err_set(e, ERR_INVALID,
			       "\"%s.code\" \"%s\" is not a clause number like \"5.2.1\"", path,
			       c->code);
	if (parse_certainty(cert, &c->certainty))
		return err_set(e, ERR_INVALID,
			       "\"%s.certainty\" must be \"verified\", \"recalled\" or "
			       "\"not_found\"", path);
	if (c->certainty != GBT_NOT_FOUND && (c->zh == NULL || c->en == NULL))
		return err_set(e, ERR_INVALID,
			       "\"%s\" (%s) needs \"zh\" and \"en\" names unless its certainty "
			       "is \"not_found\"", path, c->code);
	return 0;
}

/* Point every node at its parent's code; the parent must be in the tree. */
static int link_parents(struct gbt30279 *p, struct err *e)
{
	for (size_t i = 0; i < p->nnodes; i++) {
		struct gbt30279_class *c = &p->nodes[i];
		const char *dot = strrchr(c->code, '.');
		size_t plen = (size_t)(dot - c->code);

		c->parent = NULL;
		if (dot == c->code + 1)         /* "5.N": a top-level class */
			continue;
		for (size_t j = 0; j < p->nnodes && c->parent == NULL; j++)
			if (strlen(p->nodes[j].code) == plen &&
			    strncmp(p->nodes[j].code, c->code, plen) == 0)
				c->parent = p->nodes[j].code;
		if (c->parent == NULL)
			return err_set(e, ERR_INVALID,
				       "class \"%s\" has no parent \"%.*s\" in the tree", c->code,
				       (int)plen, c->code);
	}
	return 0;
}

static int load_tree(struct gbt30279 *p, json_t *root, struct err *e)
{
	json_t *arr, *item;
	size_t i;

	if (want_array(root, "classification", "policy", 1, 1000, &arr, e))
		return -1;
	p->nodes = xcalloc(json_array_size(arr), sizeof(*p->nodes));
	json_array_foreach(arr, i, item) {
		if (load_node(&p->nodes[i], i, item, e))
			return -1;
		for (size_t j = 0; j < i; j++)
			if (strcmp(p->nodes[j].code, p->nodes[i].code) == 0)
				return err_set(e, ERR_INVALID, "duplicate class code \"%s\"",
					       p->nodes[i].code);
		p->nnodes = i + 1;
	}
	return link_parents(p, e);
}

/* ---- annex tables ---- */

/* The labels of a dimension's domain. */
static const struct gbt30279_label *domain(const struct gbt30279 *p, int dom, int *n)
{
	if (dom == DOM_GRADES) {
		*n = GRADE_COUNT;
		return grades;
	}
	if (dom >= DOM_LEVELS(0)) {
		*n = p->tab[dom - DOM_LEVELS(0)].nlevels;
		return p->tab[dom - DOM_LEVELS(0)].levels;
	}
	*n = p->ind[dom].nvalues;
	return p->ind[dom].values;
}

/* The output labels of table t: its own levels (A, B, C) or the grades (D, E). */
static const struct gbt30279_label *outputs(const struct gbt30279 *p, int t, int *n)
{
	if (t == TAB_D || t == TAB_E)
		return domain(p, DOM_GRADES, n);
	*n = p->tab[t].nlevels;
	return p->tab[t].levels;
}

static size_t cell_index(const struct gbt30279 *p, int t, const int *idx)
{
	size_t k = 0;

	for (int d = 0; d < tab_spec[t].ndim; d++) {
		int n;

		domain(p, tab_spec[t].dom[d], &n);
		k = k * (size_t)n + (size_t)idx[d];
	}
	return k;
}

static int load_table_meta(struct gbt30279 *p, int t, json_t *tj, const char *path,
			   struct err *e)
{
	json_t *verified = json_object_get(tj, "verified"), *cols;
	const char *status, *source;
	const char *want = NULL;

	if (want_object(tj, path, e))
		return -1;
	if (!json_is_boolean(verified))
		return err_set(e, ERR_INVALID, "\"%s.verified\" must be true or false", path);
	p->tab[t].verified = json_is_true(verified);
	if (want_string(tj, "status", path, &status, e) ||
	    want_string(tj, "source", path, &source, e))
		return -1;
	want = p->tab[t].verified ? "verified" : "provisional";
	if (strcmp(status, want) != 0)
		return err_set(e, ERR_INVALID,
			       "\"%s.status\" must be \"%s\" when \"verified\" is %s", path, want,
			       p->tab[t].verified ? "true" : "false");
	if (t <= TAB_C && load_labels(tj, "levels", path, p->tab[t].levels, &p->tab[t].nlevels, e))
		return -1;
	if (want_array(tj, "columns", path, (size_t)tab_spec[t].ndim + 1,
		       (size_t)tab_spec[t].ndim + 1, &cols, e))
		return -1;
	for (int d = 0; d <= tab_spec[t].ndim; d++) {
		const char *c = json_string_value(json_array_get(cols, (size_t)d));

		if (c == NULL || strcmp(c, tab_spec[t].columns[d]) != 0)
			return err_set(e, ERR_INVALID, "\"%s.columns[%d]\" must be \"%s\"", path, d,
				       tab_spec[t].columns[d]);
	}
	return 0;
}

static int load_row(struct gbt30279 *p, int t, json_t *row, const char *path, struct err *e)
{
	const struct gbt30279_label *out;
	int idx[DIM_MAX], nout, o, ndim = tab_spec[t].ndim;
	size_t k;

	if (!json_is_array(row) || json_array_size(row) != (size_t)ndim + 1)
		return err_set(e, ERR_INVALID, "\"%s\" must be an array of %d strings", path,
			       ndim + 1);
	for (int d = 0; d <= ndim; d++)
		if (!json_is_string(json_array_get(row, (size_t)d)))
			return err_set(e, ERR_INVALID, "\"%s[%d]\" must be a string", path, d);
	for (int d = 0; d < ndim; d++) {
		const char *v = json_string_value(json_array_get(row, (size_t)d));
		int n;
		const struct gbt30279_label *dl = domain(p, tab_spec[t].dom[d], &n);

		idx[d] = label_index(dl, n, v);
		if (idx[d] < 0)
			return err_set(e, ERR_INVALID,
				       "unknown value \"%s\" in column \"%s\" of \"%s\"", v,
				       tab_spec[t].columns[d], path);
	}
	out = outputs(p, t, &nout);
	o = label_index(out, nout, json_string_value(json_array_get(row, (size_t)ndim)));
	if (o < 0)
		return err_set(e, ERR_INVALID, "unknown %s \"%s\" in \"%s\"",
			       tab_spec[t].columns[ndim], json_string_value(json_array_get(row,
			       (size_t)ndim)), path);
	k = cell_index(p, t, idx);
	if (p->tab[t].cell[k] != NO_CELL)
		return err_set(e, ERR_INVALID, "\"%s\" repeats an earlier row", path);
	p->tab[t].cell[k] = (unsigned char)o;
	return 0;
}

/* Name the combination of cell k of table t, "AP:N/TR:L/..." style, into buf. */
static void describe_cell(const struct gbt30279 *p, int t, size_t k, char *buf, size_t n)
{
	int idx[DIM_MAX], cnt;
	size_t used = 0;

	for (int d = tab_spec[t].ndim - 1; d >= 0; d--) {
		domain(p, tab_spec[t].dom[d], &cnt);
		idx[d] = (int)(k % (size_t)cnt);
		k /= (size_t)cnt;
	}
	buf[0] = '\0';
	for (int d = 0; d < tab_spec[t].ndim && used < n; d++) {
		const struct gbt30279_label *dl = domain(p, tab_spec[t].dom[d], &cnt);
		int w = snprintf(buf + used, n - used, "%s%s:%s", d ? "/" : "",
				 tab_spec[t].columns[d], dl[idx[d]].id);

		if (w < 0)
			break;
		used += (size_t)w;
	}
}

static int load_table(struct gbt30279 *p, int t, json_t *tables, struct err *e)
{
	json_t *tj = json_object_get(tables, tab_spec[t].key), *rows, *row;
	size_t i, ncells = 1;
	char path[48];

	snprintf(path, sizeof(path), "tables.%s", tab_spec[t].key);
	if (tj == NULL)
		return err_set(e, ERR_INVALID, "\"%s\" is missing", path);
	if (load_table_meta(p, t, tj, path, e) ||
	    want_array(tj, "rows", path, 1, CELL_MAX, &rows, e))
		return -1;
	memset(p->tab[t].cell, NO_CELL, sizeof(p->tab[t].cell));
	json_array_foreach(rows, i, row) {
		char rpath[96];

		snprintf(rpath, sizeof(rpath), "%s.rows[%zu]", path, i);
		if (load_row(p, t, row, rpath, e))
			return -1;
	}
	for (int d = 0; d < tab_spec[t].ndim; d++) {
		int n;

		domain(p, tab_spec[t].dom[d], &n);
		ncells *= (size_t)n;
	}
	for (size_t k = 0; k < ncells; k++)
		if (p->tab[t].cell[k] == NO_CELL) {
			char what[96];

			describe_cell(p, t, k, what, sizeof(what));
			return err_set(e, ERR_INVALID, "\"%s\" has no row for %s", path, what);
		}
	return 0;
}

static int load_tables(struct gbt30279 *p, json_t *root, const char *status, struct err *e)
{
	json_t *tables = json_object_get(root, "tables");
	int all_verified = 1;

	if (want_object(tables, "tables", e))
		return -1;
	for (int t = 0; t < TAB_COUNT; t++) {
		if (load_table(p, t, tables, e))
			return -1;
		all_verified &= p->tab[t].verified;
	}
	if (strcmp(status, all_verified ? "verified" : "provisional") != 0)
		return err_set(e, ERR_INVALID, "\"policy.status\" must be \"%s\": %s",
			       all_verified ? "verified" : "provisional",
			       all_verified ? "every table is verified"
					    : "a table is not verified");
	return 0;
}

/* ---- load / free ---- */

int gbt30279_load(struct gbt30279 **out, const char *json_text, size_t len, struct err *e)
{
	struct gbt30279 *p = xcalloc(1, sizeof(*p));
	json_error_t jerr;
	int rc = -1;

	*out = NULL;
	p->doc = json_loadb(json_text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (p->doc == NULL) {
		err_set(e, ERR_MALFORMED, "policy is not valid JSON: %s (line %d)", jerr.text,
			jerr.line);
		goto out;
	}
	if (load_header(p, p->doc, e) || load_grades(p->doc, e) || load_indicators(p, p->doc, e) ||
	    load_tree(p, p->doc, e) ||
	    load_tables(p, p->doc, json_string_value(json_object_get(p->doc, "status")), e))
		goto out;
	*out = p;
	p = NULL;
	rc = 0;
out:
	gbt30279_free(p);
	return rc;
}

int gbt30279_load_default(struct gbt30279 **out, struct err *e)
{
	return gbt30279_load(out, gbt30279_policy_json, gbt30279_policy_json_len, e);
}

void gbt30279_free(struct gbt30279 *p)
{
	if (p == NULL)
		return;
	json_decref(p->doc);
	free(p->nodes);
	free(p);
}

/* ---- grading ---- */

int gbt30279_indicator_from_id(const char *s)
{
	for (int k = 0; k < GBT_IND_COUNT; k++)
		if (strcmp(s, ind_spec[k].id) == 0)
			return k;
	return -1;
}

const char *gbt30279_indicator_id(enum gbt30279_indicator ind)
{
	return (unsigned)ind < GBT_IND_COUNT ? ind_spec[ind].id : "?";
}

int gbt30279_input_set(struct gbt30279_input *in, enum gbt30279_indicator ind, const char *value)
{
	size_t n = strlen(value);

	if ((unsigned)ind >= GBT_IND_COUNT || n >= GBT30279_ID_MAX)
		return -1;
	memcpy(in->v[ind], value, n + 1);
	return 0;
}

/* The value indexes of in, after checking it; idx[k] = -1 for an absent one. */
static int resolve_input(const struct gbt30279 *p, const struct gbt30279_input *in,
			 int idx[GBT_IND_COUNT], int *has_env, struct err *e)
{
	int env = 0;

	for (int k = 0; k < GBT_IND_COUNT; k++) {
		const struct gbt30279_indicator_info *ind = &p->ind[k];

		idx[k] = -1;
		if (in->v[k][0] == '\0') {
			if (k < GBT_TECH_COUNT)
				return err_set(e, ERR_INVALID, "indicator \"%s\" is missing",
					       ind_spec[k].id);
			continue;
		}
		if (memchr(in->v[k], '\0', GBT30279_ID_MAX) == NULL ||
		    (idx[k] = label_index(ind->values, ind->nvalues, in->v[k])) < 0)
			return err_set(e, ERR_INVALID,
				       "unknown value \"%.*s\" for indicator \"%s\"",
				       GBT30279_ID_MAX, in->v[k], ind_spec[k].id);
		if (k >= GBT_TECH_COUNT)
			env++;
	}
	if (env != 0 && env != GBT_IND_COUNT - GBT_TECH_COUNT)
		return err_set(e, ERR_INVALID,
			       "environment indicators need all of \"EC\", \"RD\" and \"SC\"");
	*has_env = env != 0;
	return 0;
}

static int lookup(const struct gbt30279 *p, int t, const int *idx)
{
	return p->tab[t].cell[cell_index(p, t, idx)];
}

int gbt30279_grade(const struct gbt30279 *p, const struct gbt30279_input *in,
		   struct gbt30279_result *out, struct err *e)
{
	int idx[GBT_IND_COUNT], has_env, ea, ib, g;

	memset(out, 0, sizeof(*out));
	if (resolve_input(p, in, idx, &has_env, e))
		return -1;
	ea = lookup(p, TAB_A, (int[]){ idx[GBT_AP], idx[GBT_TR], idx[GBT_PR], idx[GBT_UI] });
	ib = lookup(p, TAB_B, (int[]){ idx[GBT_C], idx[GBT_I], idx[GBT_A] });
	g = lookup(p, TAB_D, (int[]){ ea, ib });
	out->exploitability = p->tab[TAB_A].levels[ea];
	out->impact = p->tab[TAB_B].levels[ib];
	out->technical = grades[g];
	out->technical_rank = GRADE_COUNT - g;
	out->provisional = !(p->tab[TAB_A].verified && p->tab[TAB_B].verified &&
			     p->tab[TAB_D].verified);
	if (has_env) {
		int ec = lookup(p, TAB_C, (int[]){ idx[GBT_EC], idx[GBT_RD], idx[GBT_SC] });
		int cg = lookup(p, TAB_E, (int[]){ g, ec });

		out->has_environment = 1;
		out->environment = p->tab[TAB_C].levels[ec];
		out->comprehensive = grades[cg];
		out->comprehensive_rank = GRADE_COUNT - cg;
		out->provisional |= !(p->tab[TAB_C].verified && p->tab[TAB_E].verified);
	}
	out->source = p->source;
	gbt30279_format_vector(in, out->vector, sizeof(out->vector));
	return 0;
}

/* ---- vector notation ---- */

/* One "ID:VALUE" component [s, s + n) into in. */
static int parse_component(const struct gbt30279 *p, const char *s, size_t n,
			   struct gbt30279_input *in, struct err *e)
{
	const char *colon = memchr(s, ':', n);
	char id[8], val[GBT30279_ID_MAX];
	size_t idlen, vlen;
	int k;

	if (n == 0)
		return err_set(e, ERR_INVALID, "empty component in vector");
	if (colon == NULL)
		return err_set(e, ERR_INVALID, "component \"%.*s\" is not ID:VALUE",
			       (int)(n > 16 ? 16 : n), s);
	idlen = (size_t)(colon - s);
	vlen = n - idlen - 1;
	if (idlen == 0 || idlen >= sizeof(id) || memchr(s, '\0', idlen))
		return err_set(e, ERR_INVALID, "unknown indicator \"%.*s\"",
			       (int)(idlen > 16 ? 16 : idlen), s);
	memcpy(id, s, idlen);
	id[idlen] = '\0';
	if ((k = gbt30279_indicator_from_id(id)) < 0)
		return err_set(e, ERR_INVALID, "unknown indicator \"%s\"", id);
	if (in->v[k][0] != '\0')
		return err_set(e, ERR_INVALID, "duplicate indicator \"%s\"", id);
	if (vlen == 0)
		return err_set(e, ERR_INVALID, "indicator \"%s\" has no value", id);
	if (vlen < sizeof(val) && memchr(colon + 1, '\0', vlen) == NULL) {
		memcpy(val, colon + 1, vlen);
		val[vlen] = '\0';
		if (label_index(p->ind[k].values, p->ind[k].nvalues, val) >= 0) {
			memcpy(in->v[k], val, vlen + 1);
			return 0;
		}
	}
	return err_set(e, ERR_INVALID, "unknown value \"%.*s\" for indicator \"%s\"",
		       (int)(vlen > 16 ? 16 : vlen), colon + 1, id);
}

int gbt30279_parse_vector(const struct gbt30279 *p, const char *vector, size_t len,
			  struct gbt30279_input *out, struct err *e)
{
	struct gbt30279_input in;
	const char *s = vector, *end = vector + len;
	int idx[GBT_IND_COUNT], has_env;

	memset(out, 0, sizeof(*out));
	memset(&in, 0, sizeof(in));
	if (len == 0)
		return err_set(e, ERR_INVALID, "empty vector");
	if (len > VECTOR_IN_MAX)
		return err_set(e, ERR_INVALID, "vector is too long");
	for (;;) {
		const char *slash = memchr(s, '/', (size_t)(end - s));
		const char *stop = slash ? slash : end;

		if (parse_component(p, s, (size_t)(stop - s), &in, e))
			return -1;
		if (slash == NULL)
			break;
		s = slash + 1;
	}
	if (resolve_input(p, &in, idx, &has_env, e))
		return -1;
	*out = in;
	return 0;
}

int gbt30279_format_vector(const struct gbt30279_input *in, char *buf, size_t n)
{
	size_t used = 0;

	if (n == 0)
		return -1;
	buf[0] = '\0';
	for (int k = 0; k < GBT_IND_COUNT; k++) {
		int w;

		if (in->v[k][0] == '\0')
			continue;
		w = snprintf(buf + used, n - used, "%s%s:%.*s", used ? "/" : "", ind_spec[k].id,
			     GBT30279_ID_MAX - 1, in->v[k]);
		if (w < 0 || (size_t)w >= n - used) {
			buf[0] = '\0';
			return -1;
		}
		used += (size_t)w;
	}
	return (int)used;
}

/* ---- lookups ---- */

void gbt30279_indicator_info(const struct gbt30279 *p, enum gbt30279_indicator ind,
			     struct gbt30279_indicator_info *out)
{
	if ((unsigned)ind >= GBT_IND_COUNT) {
		memset(out, 0, sizeof(*out));
		return;
	}
	*out = p->ind[ind];
}

int gbt30279_class_lookup(const struct gbt30279 *p, const char *code,
			  struct gbt30279_class *out, struct err *e)
{
	for (size_t i = 0; i < p->nnodes; i++)
		if (strcmp(p->nodes[i].code, code) == 0) {
			*out = p->nodes[i];
			return 0;
		}
	memset(out, 0, sizeof(*out));
	return err_set(e, ERR_NOT_FOUND, "no GB/T 30279 class \"%.16s\"", code);
}

size_t gbt30279_class_count(const struct gbt30279 *p)
{
	return p->nnodes;
}

void gbt30279_class_at(const struct gbt30279 *p, size_t i, struct gbt30279_class *out)
{
	if (i >= p->nnodes) {
		memset(out, 0, sizeof(*out));
		return;
	}
	*out = p->nodes[i];
}

int gbt30279_provisional(const struct gbt30279 *p)
{
	for (int t = 0; t < TAB_COUNT; t++)
		if (!p->tab[t].verified)
			return 1;
	return 0;
}

const char *gbt30279_source(const struct gbt30279 *p)
{
	return p->source;
}

const char *gbt30279_certainty_name(enum gbt30279_certainty c)
{
	return (unsigned)c <= GBT_NOT_FOUND ? certainty_names[c] : "unknown";
}
