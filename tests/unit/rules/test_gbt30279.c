/* test_gbt30279.c - the GB/T 30279 policy: loading, validation, grading, vectors, tree.
 *
 * The shipped tables are vulnflow placeholders (docs/internals/gbt30279.md);
 * these tests check properties any sane table has (complete, monotone, most
 * severe input -> 超危, least severe -> 低危) and that every grade from an
 * unverified table is labelled provisional, not the placeholder's numbers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "rules/gbt30279.h"

static struct gbt30279 *policy;

static int setup(void **state)
{
	struct err e = ERR_INIT;

	(void)state;
	if (gbt30279_load_default(&policy, &e)) {
		print_error("shipped policy does not load: %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	gbt30279_free(policy);
	return 0;
}

static void test_shipped_policy(void **state)
{
	struct gbt30279_indicator_info ap, sc;

	(void)state;
	/* the annex tables were not available: everything is provisional */
	assert_true(gbt30279_provisional(policy));
	assert_non_null(strstr(gbt30279_source(policy), "placeholder"));
	assert_non_null(strstr(gbt30279_source(policy), "NOT GB/T 30279-2020"));
	gbt30279_indicator_info(policy, GBT_AP, &ap);
	assert_string_equal(ap.label.id, "AP");
	assert_string_equal(ap.label.zh, "访问路径");
	assert_int_equal(ap.group, GBT_EXPLOITABILITY);
	assert_int_equal(ap.nvalues, 4);
	assert_string_equal(ap.values[0].zh, "网络");
	assert_string_equal(ap.values[3].zh, "物理");
	gbt30279_indicator_info(policy, GBT_SC, &sc);
	assert_int_equal(sc.group, GBT_ENVIRONMENT);
	assert_int_equal(sc.nvalues, 4);
	assert_string_equal(sc.values[3].zh, "无");
	assert_int_equal(gbt30279_indicator_from_id("RD"), GBT_RD);
	assert_int_equal(gbt30279_indicator_from_id("AV"), -1);
}

/* ---- walking every combination of values ---- */

static int nvalues(int k)
{
	struct gbt30279_indicator_info info;

	gbt30279_indicator_info(policy, (enum gbt30279_indicator)k, &info);
	return info.nvalues;
}

static void set_values(struct gbt30279_input *in, const int *idx, int count)
{
	memset(in, 0, sizeof(*in));
	for (int k = 0; k < count; k++) {
		struct gbt30279_indicator_info info;

		gbt30279_indicator_info(policy, (enum gbt30279_indicator)k, &info);
		assert_int_equal(gbt30279_input_set(in, (enum gbt30279_indicator)k,
						    info.values[idx[k]].id), 0);
	}
}

/* Advance idx (mixed radix over the first count indicators); 0 when wrapped. */
static int next_combination(int *idx, int count)
{
	for (int k = count - 1; k >= 0; k--) {
		if (++idx[k] < nvalues(k))
			return 1;
		idx[k] = 0;
	}
	return 0;
}

static int valid_grade(const struct gbt30279_label *g, int rank)
{
	static const char *const zh[] = { "低危", "中危", "高危", "超危" };

	return rank >= 1 && rank <= 4 && strcmp(g->zh, zh[rank - 1]) == 0;
}

static void test_complete(void **state)
{
	int idx[GBT_IND_COUNT] = { 0 };
	long n = 0;

	(void)state;
	/* every technical combination, alone and with every environment combination */
	do {
		struct gbt30279_input in;
		struct gbt30279_result r;
		struct err e = ERR_INIT;

		set_values(&in, idx, GBT_IND_COUNT);
		assert_int_equal(gbt30279_grade(policy, &in, &r, &e), 0);
		assert_true(valid_grade(&r.technical, r.technical_rank));
		assert_true(r.has_environment);
		assert_true(valid_grade(&r.comprehensive, r.comprehensive_rank));
		assert_true(r.provisional);
		assert_non_null(r.exploitability.id);
		assert_non_null(r.impact.id);
		assert_non_null(r.environment.id);
		n++;
	} while (next_combination(idx, GBT_IND_COUNT));
	assert_int_equal(n, 4 * 2 * 3 * 2 * 3 * 3 * 3 * 3 * 3 * 4);

	memset(idx, 0, sizeof(idx));
	do {
		struct gbt30279_input in;
		struct gbt30279_result r;
		struct err e = ERR_INIT;

		set_values(&in, idx, GBT_TECH_COUNT);
		assert_int_equal(gbt30279_grade(policy, &in, &r, &e), 0);
		assert_false(r.has_environment);
		assert_null(r.comprehensive.id);
		assert_true(valid_grade(&r.technical, r.technical_rank));
		assert_true(r.provisional);
	} while (next_combination(idx, GBT_TECH_COUNT));
}

/*
 * Monotone: the policy lists each indicator's values most severe first, so
 * moving any one indicator to an earlier value never lowers either grade.
 */
static void test_monotone(void **state)
{
	int idx[GBT_IND_COUNT] = { 0 };

	(void)state;
	do {
		struct gbt30279_input in;
		struct gbt30279_result base;

		set_values(&in, idx, GBT_IND_COUNT);
		assert_int_equal(gbt30279_grade(policy, &in, &base, NULL), 0);
		for (int k = 0; k < GBT_IND_COUNT; k++) {
			int more[GBT_IND_COUNT];
			struct gbt30279_result r;

			if (idx[k] == 0)
				continue;
			memcpy(more, idx, sizeof(more));
			more[k]--;
			set_values(&in, more, GBT_IND_COUNT);
			assert_int_equal(gbt30279_grade(policy, &in, &r, NULL), 0);
			assert_true(r.technical_rank >= base.technical_rank);
			assert_true(r.comprehensive_rank >= base.comprehensive_rank);
		}
	} while (next_combination(idx, GBT_IND_COUNT));
}

static void grade_vector(const char *v, struct gbt30279_result *r)
{
	struct gbt30279_input in;
	struct err e = ERR_INIT;

	if (gbt30279_parse_vector(policy, v, strlen(v), &in, &e))
		fail_msg("%s: %s", v, e.msg);
	assert_int_equal(gbt30279_grade(policy, &in, r, &e), 0);
}

static void test_extremes(void **state)
{
	struct gbt30279_result r;

	(void)state;
	grade_vector("AP:N/TR:L/PR:N/UI:N/C:S/I:S/A:S/EC:L/RD:H/SC:H", &r);
	assert_string_equal(r.technical.zh, "超危");
	assert_string_equal(r.technical.id, "critical");
	assert_int_equal(r.technical_rank, 4);
	assert_string_equal(r.comprehensive.zh, "超危");
	assert_true(r.provisional);
	assert_non_null(r.source);

	grade_vector("AP:P/TR:H/PR:H/UI:R/C:N/I:N/A:N/EC:H/RD:L/SC:N", &r);
	assert_string_equal(r.technical.zh, "低危");
	assert_string_equal(r.comprehensive.zh, "低危");
	assert_int_equal(r.comprehensive_rank, 1);
}

/* ---- vector notation ---- */

static void test_vector_normalised(void **state)
{
	struct gbt30279_input in;
	struct gbt30279_result r;
	struct err e = ERR_INIT;
	char buf[GBT30279_VECTOR_MAX];
	const char *v = "C:S/I:M/A:N/AP:A/TR:H/PR:L/UI:R";

	(void)state;
	assert_int_equal(gbt30279_parse_vector(policy, v, strlen(v), &in, &e), 0);
	assert_string_equal(in.v[GBT_AP], "A");
	assert_string_equal(in.v[GBT_EC], "");
	assert_int_equal(gbt30279_format_vector(&in, buf, sizeof(buf)),
			 (int)strlen("AP:A/TR:H/PR:L/UI:R/C:S/I:M/A:N"));
	assert_string_equal(buf, "AP:A/TR:H/PR:L/UI:R/C:S/I:M/A:N");
	assert_int_equal(gbt30279_grade(policy, &in, &r, &e), 0);
	assert_string_equal(r.vector, buf);
	assert_false(r.has_environment);
	/* too small a buffer */
	assert_int_equal(gbt30279_format_vector(&in, buf, 8), -1);
	/* len bounds the parse: the rest of the string is not read */
	v = "AP:N/TR:L/PR:N/UI:N/C:S/I:S/A:SXXXX";
	assert_int_equal(gbt30279_parse_vector(policy, v, strlen(v) - 4, &in, &e), 0);
}

static void expect_vector_error(const char *v, size_t len, const char *msg)
{
	struct gbt30279_input in;
	struct err e = ERR_INIT;

	assert_int_equal(gbt30279_parse_vector(policy, v, len, &in, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	if (strstr(e.msg, msg) == NULL)
		fail_msg("vector \"%s\": message \"%s\" lacks \"%s\"", v, e.msg, msg);
	assert_string_equal(in.v[GBT_AP], "");  /* out is cleared on error */
}

#define VERR(v, msg) expect_vector_error((v), strlen(v), (msg))

static void test_vector_errors(void **state)
{
	char longv[200];

	(void)state;
	VERR("", "empty vector");
	VERR("AP:N", "indicator \"TR\" is missing");
	VERR("AP:N/TR:L/PR:N/UI:N/C:S/I:S", "indicator \"A\" is missing");
	VERR("AP:N/TR:L/PR:N/UI:N/C:S/I:S/A:S/AP:L", "duplicate indicator \"AP\"");
	VERR("AP:N/TR:L/PR:N/UI:N/C:S/I:S/A:S/XX:1", "unknown indicator \"XX\"");
	VERR("AV:N/TR:L/PR:N/UI:N/C:S/I:S/A:S", "unknown indicator \"AV\"");
	VERR("AP:Q/TR:L/PR:N/UI:N/C:S/I:S/A:S", "unknown value \"Q\" for indicator \"AP\"");
	VERR("AP:N/TR:L/PR:N/UI:N/C:H/I:S/A:S", "unknown value \"H\" for indicator \"C\"");
	VERR("ap:n/TR:L/PR:N/UI:N/C:S/I:S/A:S", "unknown indicator \"ap\"");
	VERR("AP:/TR:L/PR:N/UI:N/C:S/I:S/A:S", "indicator \"AP\" has no value");
	VERR("APN/TR:L/PR:N/UI:N/C:S/I:S/A:S", "component \"APN\" is not ID:VALUE");
	VERR(":N/TR:L/PR:N/UI:N/C:S/I:S/A:S", "unknown indicator \"\"");
	VERR("AP:N/TR:L/PR:N/UI:N/C:S/I:S/A:S/", "empty component");
	VERR("AP:N//TR:L/PR:N/UI:N/C:S/I:S/A:S", "empty component");
	VERR("AP:N/TR:L/PR:N/UI:N/C:S/I:S/A:S/EC:L", "need all of \"EC\", \"RD\" and \"SC\"");
	VERR("AP:N/TR:L/PR:N/UI:N/C:S/I:S/A:S/EC:L/RD:H", "need all of");
	VERR("AP:N/TR:L/PR:N/UI:N/C:S/I:S/A:S:S", "unknown value \"S:S\"");
	VERR("AP:NETWORKX/TR:L/PR:N/UI:N/C:S/I:S/A:S", "unknown value \"NETWORKX\"");
	VERR("TRIGGERREQ:L", "unknown indicator \"TRIGGERREQ\"");
	expect_vector_error("AP:N\0/TR:L", 10, "unknown value");
	memset(longv, 'A', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	VERR(longv, "vector is too long");
}

static void test_input_errors(void **state)
{
	struct gbt30279_input in;
	struct gbt30279_result r;
	struct err e = ERR_INIT;

	(void)state;
	memset(&in, 0, sizeof(in));
	assert_int_equal(gbt30279_grade(policy, &in, &r, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.msg, "indicator \"AP\" is missing");

	assert_int_equal(gbt30279_input_set(&in, GBT_AP, "TOOLONGID"), -1);
	assert_int_equal(gbt30279_input_set(&in, GBT_IND_COUNT, "N"), -1);
	for (int k = 0; k < GBT_TECH_COUNT; k++) {
		struct gbt30279_indicator_info info;

		gbt30279_indicator_info(policy, (enum gbt30279_indicator)k, &info);
		gbt30279_input_set(&in, (enum gbt30279_indicator)k, info.values[0].id);
	}
	assert_int_equal(gbt30279_grade(policy, &in, &r, &e), 0);
	gbt30279_input_set(&in, GBT_RD, "H");
	assert_int_equal(gbt30279_grade(policy, &in, &r, &e), -1);
	assert_non_null(strstr(e.msg, "need all of"));
	gbt30279_input_set(&in, GBT_RD, "");
	gbt30279_input_set(&in, GBT_UI, "X");
	assert_int_equal(gbt30279_grade(policy, &in, &r, &e), -1);
	assert_string_equal(e.msg, "unknown value \"X\" for indicator \"UI\"");
	/* a value id not NUL-terminated inside its slot */
	memset(in.v[GBT_UI], 'N', sizeof(in.v[GBT_UI]));
	assert_int_equal(gbt30279_grade(policy, &in, &r, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
}

/* ---- invalid policies: the shipped one, changed in one place ---- */

typedef void (*mutator)(json_t *root);

static json_t *table(json_t *root, const char *key)
{
	return json_object_get(json_object_get(root, "tables"), key);
}

static json_t *node_by_code(json_t *root, const char *code, size_t *index)
{
	json_t *nodes = json_object_get(root, "classification"), *n;
	size_t i;

	*index = (size_t)-1;
	json_array_foreach(nodes, i, n)
		if (strcmp(json_string_value(json_object_get(n, "code")), code) == 0) {
			*index = i;
			return n;
		}
	return NULL;
}

/* Load the shipped policy after m; returns the load's result, fills e. */
static int load_mutated(mutator m, struct gbt30279 **out, struct err *e)
{
	json_t *root = json_loadb(gbt30279_policy_json, gbt30279_policy_json_len, 0, NULL);
	char *text;
	int rc;

	assert_non_null(root);
	if (m)
		m(root);
	text = json_dumps(root, JSON_COMPACT);
	assert_non_null(text);
	rc = gbt30279_load(out, text, strlen(text), e);
	free(text);
	json_decref(root);
	return rc;
}

static void expect_invalid(mutator m, const char *msg)
{
	struct gbt30279 *p = (struct gbt30279 *)&p;     /* must be reset to NULL */
	struct err e = ERR_INIT;

	assert_int_equal(load_mutated(m, &p, &e), -1);
	assert_null(p);
	assert_int_equal(e.code, ERR_INVALID);
	if (strstr(e.msg, msg) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", e.msg, msg);
}

static void drop_row_a(json_t *root)
{
	json_array_remove(json_object_get(table(root, "A"), "rows"), 5);
}

static void repeat_row_b(json_t *root)
{
	json_t *rows = json_object_get(table(root, "B"), "rows");

	json_array_append(rows, json_array_get(rows, 0));
}

static void unknown_grade_d(json_t *root)
{
	json_t *row = json_array_get(json_object_get(table(root, "D"), "rows"), 2);

	json_array_set_new(row, 2, json_string("severe"));
}

static void unknown_level_a(json_t *root)
{
	json_t *row = json_array_get(json_object_get(table(root, "A"), "rows"), 0);

	json_array_set_new(row, 4, json_string("extreme"));
}

static void unknown_value_c(json_t *root)
{
	json_t *row = json_array_get(json_object_get(table(root, "C"), "rows"), 0);

	json_array_set_new(row, 2, json_string("Q"));
}

static void short_row_e(json_t *root)
{
	json_t *row = json_array_get(json_object_get(table(root, "E"), "rows"), 0);

	json_array_remove(row, 2);
}

static void duplicate_code(json_t *root)
{
	json_t *nodes = json_object_get(root, "classification");

	json_array_append_new(nodes, json_deep_copy(json_array_get(nodes, 0)));
}

static void orphan_node(json_t *root)
{
	size_t i;

	assert_non_null(node_by_code(root, "5.2.8", &i));
	json_array_remove(json_object_get(root, "classification"), i);
}

static void bad_code(json_t *root)
{
	size_t i;

	json_object_set_new(node_by_code(root, "5.5", &i), "code", json_string("6.1"));
}

static void unnamed_verified_node(json_t *root)
{
	size_t i;

	json_object_set_new(node_by_code(root, "5.3", &i), "zh", json_null());
}

static void bad_certainty(json_t *root)
{
	size_t i;

	json_object_set_new(node_by_code(root, "5.3", &i), "certainty", json_string("likely"));
}

static void verified_but_provisional(json_t *root)
{
	json_object_set_new(table(root, "A"), "verified", json_true());
}

static void renamed_grade(json_t *root)
{
	json_t *g = json_array_get(json_object_get(root, "grades"), 0);

	json_object_set_new(g, "zh", json_string("严重"));
}

static void swapped_indicators(json_t *root)
{
	json_t *ind = json_object_get(root, "indicators");
	json_t *first = json_incref(json_array_get(ind, 0));

	json_array_remove(ind, 0);
	json_array_append_new(ind, first);
}

static void duplicate_value(json_t *root)
{
	json_t *ap = json_array_get(json_object_get(root, "indicators"), 0);
	json_t *values = json_object_get(ap, "values");

	json_object_set_new(json_array_get(values, 1), "id", json_string("N"));
}

static void wrong_columns(json_t *root)
{
	json_t *cols = json_object_get(table(root, "D"), "columns");

	json_array_set_new(cols, 0, json_string("impact"));
}

static void wrong_schema(json_t *root)
{
	json_object_set_new(root, "schema", json_string("vulnflow.gbt30279/9"));
}

static void missing_table(json_t *root)
{
	json_object_del(json_object_get(root, "tables"), "E");
}

static void no_source(json_t *root)
{
	json_object_set_new(table(root, "B"), "source", json_string(""));
}

static void test_invalid_policies(void **state)
{
	struct gbt30279 *p = NULL;
	struct err e = ERR_INIT;

	(void)state;
	/* the round trip itself loads */
	assert_int_equal(load_mutated(NULL, &p, &e), 0);
	gbt30279_free(p);

	expect_invalid(drop_row_a, "\"tables.A\" has no row for AP:N/TR:L/PR:H/UI:R");
	expect_invalid(repeat_row_b, "\"tables.B.rows[27]\" repeats an earlier row");
	expect_invalid(unknown_grade_d, "unknown grade \"severe\" in \"tables.D.rows[2]\"");
	expect_invalid(unknown_level_a, "unknown level \"extreme\"");
	expect_invalid(unknown_value_c, "unknown value \"Q\" in column \"SC\"");
	expect_invalid(short_row_e, "must be an array of 3 strings");
	expect_invalid(duplicate_code, "duplicate class code \"5.2\"");
	expect_invalid(orphan_node, "class \"5.2.8.1\" has no parent \"5.2.8\"");
	expect_invalid(bad_code, "\"6.1\" is not a clause number");
	expect_invalid(unnamed_verified_node, "needs \"zh\" and \"en\" names");
	expect_invalid(bad_certainty, "certainty\" must be");
	expect_invalid(verified_but_provisional, "\"tables.A.status\" must be \"verified\"");
	expect_invalid(renamed_grade, "the grades are fixed");
	expect_invalid(swapped_indicators, "\"indicators[0].id\" must be \"AP\"");
	expect_invalid(duplicate_value, "duplicate id \"N\"");
	expect_invalid(wrong_columns, "\"tables.D.columns[0]\" must be \"exploitability\"");
	expect_invalid(wrong_schema, "unknown policy schema");
	expect_invalid(missing_table, "\"tables.E\" is missing");
	expect_invalid(no_source, "\"tables.B.source\" must be a non-empty string");
}

static void test_malformed_policy(void **state)
{
	struct gbt30279 *p = NULL;
	struct err e = ERR_INIT;
	static const char dup[] = "{\"schema\": 1, \"schema\": 2}";

	(void)state;
	assert_int_equal(gbt30279_load(&p, "{\"schema\":", 10, &e), -1);
	assert_int_equal(e.code, ERR_MALFORMED);
	assert_null(p);
	assert_int_equal(gbt30279_load(&p, dup, sizeof(dup) - 1, &e), -1);
	assert_int_equal(e.code, ERR_MALFORMED);
	assert_int_equal(gbt30279_load(&p, "[]", 2, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
}

/* ---- the provisional flag follows the tables actually used ---- */

static void mark_verified(json_t *root, const char *key)
{
	json_object_set_new(table(root, key), "verified", json_true());
	json_object_set_new(table(root, key), "status", json_string("verified"));
}

static void verify_technical(json_t *root)
{
	mark_verified(root, "A");
	mark_verified(root, "B");
	mark_verified(root, "D");
}

static void verify_all(json_t *root)
{
	verify_technical(root);
	mark_verified(root, "C");
	mark_verified(root, "E");
	json_object_set_new(root, "status", json_string("verified"));
}

static void verify_all_but_top(json_t *root)
{
	verify_all(root);
	json_object_set_new(root, "status", json_string("provisional"));
}

static void test_provisional_flag(void **state)
{
	struct gbt30279 *p = NULL;
	struct gbt30279_input in;
	struct gbt30279_result r;
	struct err e = ERR_INIT;
	const char *tech = "AP:N/TR:L/PR:N/UI:N/C:S/I:S/A:S";
	const char *full = "AP:N/TR:L/PR:N/UI:N/C:S/I:S/A:S/EC:L/RD:H/SC:H";

	(void)state;
	/* tables A, B, D verified (in this test only): technical grade is not provisional */
	assert_int_equal(load_mutated(verify_technical, &p, &e), 0);
	assert_true(gbt30279_provisional(p));
	assert_int_equal(gbt30279_parse_vector(p, tech, strlen(tech), &in, &e), 0);
	assert_int_equal(gbt30279_grade(p, &in, &r, &e), 0);
	assert_false(r.provisional);
	assert_int_equal(gbt30279_parse_vector(p, full, strlen(full), &in, &e), 0);
	assert_int_equal(gbt30279_grade(p, &in, &r, &e), 0);
	assert_true(r.provisional);
	gbt30279_free(p);

	assert_int_equal(load_mutated(verify_all, &p, &e), 0);
	assert_false(gbt30279_provisional(p));
	assert_int_equal(gbt30279_grade(p, &in, &r, &e), 0);
	assert_false(r.provisional);
	gbt30279_free(p);

	expect_invalid(verify_all_but_top, "\"policy.status\" must be \"verified\"");
}

/* ---- classification tree ---- */

static void test_tree(void **state)
{
	struct gbt30279_class c;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(gbt30279_class_lookup(policy, "5.2.8.1", &c, &e), 0);
	assert_string_equal(c.zh, "信任管理问题");
	assert_string_equal(c.parent, "5.2.8");
	assert_int_equal(c.certainty, GBT_VERIFIED);

	assert_int_equal(gbt30279_class_lookup(policy, "5.2.8", &c, &e), 0);
	assert_null(c.zh);
	assert_null(c.en);
	assert_int_equal(c.certainty, GBT_NOT_FOUND);
	assert_string_equal(c.parent, "5.2");

	/* 5.2.1-5.2.4: headings not found, present only as such */
	for (int i = 1; i <= 4; i++) {
		char code[8];

		snprintf(code, sizeof(code), "5.2.%d", i);
		assert_int_equal(gbt30279_class_lookup(policy, code, &c, &e), 0);
		assert_int_equal(c.certainty, GBT_NOT_FOUND);
		assert_null(c.zh);
	}
	assert_int_equal(gbt30279_class_lookup(policy, "5.2.7", &c, &e), 0);
	assert_null(c.zh);
	assert_non_null(c.description_zh);

	assert_int_equal(gbt30279_class_lookup(policy, "5.2", &c, &e), 0);
	assert_string_equal(c.zh, "代码问题");
	assert_null(c.parent);
	assert_int_equal(gbt30279_class_lookup(policy, "5.3", &c, &e), 0);
	assert_string_equal(c.zh, "配置错误");
	assert_int_equal(gbt30279_class_lookup(policy, "5.4.2.4", &c, &e), 0);
	assert_string_equal(c.zh, "侧信道信息泄露");
	assert_string_equal(c.parent, "5.4.2");
	assert_int_equal(gbt30279_class_lookup(policy, "5.5", &c, &e), 0);
	assert_string_equal(c.zh, "其他");

	assert_int_equal(gbt30279_class_lookup(policy, "5.6", &c, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_null(c.code);
	assert_int_equal(gbt30279_class_lookup(policy, "", &c, &e), -1);

	assert_int_equal(gbt30279_class_count(policy), 23);
	gbt30279_class_at(policy, 0, &c);
	assert_string_equal(c.code, "5.2");
	gbt30279_class_at(policy, 1000, &c);
	assert_null(c.code);
	for (size_t i = 0; i < gbt30279_class_count(policy); i++) {
		gbt30279_class_at(policy, i, &c);
		assert_true(c.certainty == GBT_NOT_FOUND || (c.zh != NULL && c.en != NULL));
	}
	assert_string_equal(gbt30279_certainty_name(GBT_RECALLED), "recalled");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_policy),
		cmocka_unit_test(test_complete),
		cmocka_unit_test(test_monotone),
		cmocka_unit_test(test_extremes),
		cmocka_unit_test(test_vector_normalised),
		cmocka_unit_test(test_vector_errors),
		cmocka_unit_test(test_input_errors),
		cmocka_unit_test(test_invalid_policies),
		cmocka_unit_test(test_malformed_policy),
		cmocka_unit_test(test_provisional_flag),
		cmocka_unit_test(test_tree),
	};
	return cmocka_run_group_tests_name("gbt30279", tests, setup, teardown);
}
