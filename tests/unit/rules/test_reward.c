/* test_reward.c - reward amounts, the policy's ranges and the decision state machine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rules/reward.h"

static int64_t amount_of(const char *json_text)
{
	json_t *v = json_loads(json_text, JSON_DECODE_ANY, NULL);
	struct err e = ERR_INIT;
	int64_t m;
	int rc;

	assert_non_null(v);
	rc = reward_amount_parse(&m, v, "amount", &e);
	json_decref(v);
	return rc < 0 ? -1 : m;
}

static void test_amounts(void **state)
{
	char buf[REWARD_AMOUNT_LEN];

	(void)state;
	assert_int_equal(amount_of("5000"), 500000);
	assert_int_equal(amount_of("0"), 0);
	assert_int_equal(amount_of("\"1234.5\""), 123450);
	assert_int_equal(amount_of("\"1234.50\""), 123450);
	assert_int_equal(amount_of("\"0.01\""), 1);
	assert_int_equal(amount_of("\"7\""), 700);
	assert_int_equal(amount_of("\"1000000000000\""), REWARD_AMOUNT_MAX);
	assert_int_equal(amount_of("1000000000000"), REWARD_AMOUNT_MAX);
	/* refused */
	assert_int_equal(amount_of("\"1000000000000.01\""), -1);
	assert_int_equal(amount_of("1000000000001"), -1);
	assert_int_equal(amount_of("\"99999999999999999999999\""), -1);
	assert_int_equal(amount_of("1.5"), -1);
	assert_int_equal(amount_of("-1"), -1);
	assert_int_equal(amount_of("\"-1\""), -1);
	assert_int_equal(amount_of("\"1.005\""), -1);
	assert_int_equal(amount_of("\"1.\""), -1);
	assert_int_equal(amount_of("\".5\""), -1);
	assert_int_equal(amount_of("\"\""), -1);
	assert_int_equal(amount_of("\" 1\""), -1);
	assert_int_equal(amount_of("\"1e3\""), -1);
	assert_int_equal(amount_of("\"1,000\""), -1);
	assert_int_equal(amount_of("true"), -1);
	assert_int_equal(amount_of("null"), -1);
	reward_amount_format(123450, buf);
	assert_string_equal(buf, "1234.50");
	reward_amount_format(5, buf);
	assert_string_equal(buf, "0.05");
	reward_amount_format(0, buf);
	assert_string_equal(buf, "0.00");
	reward_amount_format(REWARD_AMOUNT_MAX, buf);
	assert_string_equal(buf, "1000000000000.00");
	reward_amount_format(-250, buf);
	assert_string_equal(buf, "-2.50");
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(reward_grade_id("超危"), "critical");
	assert_string_equal(reward_grade_id("高危"), "high");
	assert_string_equal(reward_grade_id("中危"), "medium");
	assert_string_equal(reward_grade_id("低危"), "low");
	assert_string_equal(reward_grade_id("high"), "high");
	assert_null(reward_grade_id("High"));
	assert_null(reward_grade_id(NULL));
	assert_true(reward_currency_valid("CNY"));
	assert_true(reward_currency_valid("USD"));
	assert_false(reward_currency_valid("cny"));
	assert_false(reward_currency_valid("CNYX"));
	assert_false(reward_currency_valid(NULL));
	for (int s = 0; s < REWARD_STATE_COUNT; s++)
		assert_int_equal(reward_state_from_name(reward_state_name((enum reward_state)s)), s);
	assert_int_equal(reward_state_from_name("paid"), REWARD_PAID);
	assert_int_equal(reward_state_from_name("done"), -1);
	assert_string_equal(reward_action_name(REWARD_PAY), "pay");
}

static const char policy_text[] =
	"{\"currency\":\"CNY\",\"note\":\"n\",\"ranges\":["
	"{\"grade\":\"超危\",\"min\":20000,\"max\":\"50000\"},"
	"{\"grade\":\"high\",\"cvss_severity\":\"critical\",\"min\":\"10000\",\"max\":\"30000.5\"},"
	"{\"grade\":\"high\",\"min\":\"5000\",\"max\":\"20000\"},"
	"{\"grade\":\"low\",\"min\":0,\"max\":1000}]}";

static void load(struct reward_policy *p, const char *text)
{
	json_t *doc = json_loads(text, 0, NULL);
	struct err e = ERR_INIT;

	assert_non_null(doc);
	assert_int_equal(reward_policy_parse(p, doc, &e), 0);
	json_decref(doc);
}

static int refused(const char *text, const char *want_msg)
{
	json_t *doc = json_loads(text, 0, NULL);
	struct reward_policy p;
	struct err e = ERR_INIT;
	int rc;

	assert_non_null(doc);
	rc = reward_policy_parse(&p, doc, &e);
	json_decref(doc);
	if (rc == 0)
		return 0;
	assert_int_equal(e.code, ERR_INVALID);
	if (strstr(e.msg, want_msg) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", e.msg, want_msg);
	return 1;
}

static void test_policy(void **state)
{
	struct reward_policy p;
	json_t *canon;
	char *text;

	(void)state;
	load(&p, policy_text);
	assert_string_equal(p.currency, "CNY");
	assert_int_equal(p.nranges, 4);
	assert_string_equal(p.ranges[0].grade, "critical");
	assert_int_equal(p.ranges[0].min, 2000000);
	assert_int_equal(p.ranges[1].max, 3000050);
	assert_string_equal(p.ranges[1].cvss_severity, "critical");
	canon = reward_policy_json(&p);
	text = json_dumps(canon, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_string_equal(text,
		"{\"currency\":\"CNY\",\"ranges\":["
		"{\"grade\":\"critical\",\"min\":\"20000.00\",\"max\":\"50000.00\"},"
		"{\"grade\":\"high\",\"min\":\"10000.00\",\"max\":\"30000.50\","
		"\"cvss_severity\":\"critical\"},"
		"{\"grade\":\"high\",\"min\":\"5000.00\",\"max\":\"20000.00\"},"
		"{\"grade\":\"low\",\"min\":\"0.00\",\"max\":\"1000.00\"}],\"note\":\"n\"}");
	/* the canonical form parses to the same policy */
	{
		struct reward_policy q;
		struct err e = ERR_INIT;

		assert_int_equal(reward_policy_parse(&q, canon, &e), 0);
		assert_memory_equal(&p, &q, sizeof(p));
	}
	free(text);
	json_decref(canon);
	/* no currency: CNY */
	load(&p, "{\"ranges\":[]}");
	assert_string_equal(p.currency, "CNY");
	assert_int_equal(p.nranges, 0);
	assert_true(refused("{\"ranges\":[{\"grade\":\"high\",\"min\":2,\"max\":1}]}",
			    "\"ranges[0]\": \"min\" is above \"max\""));
	assert_true(refused("{\"ranges\":[{\"grade\":\"severe\",\"min\":1,\"max\":2}]}",
			    "\"ranges[0].grade\""));
	assert_true(refused("{\"ranges\":[{\"grade\":\"low\",\"min\":1,\"max\":2},"
			    "{\"grade\":\"低危\",\"min\":1,\"max\":3}]}",
			    "\"ranges[1]\" repeats the grade and CVSS band of \"ranges[0]\""));
	assert_true(refused("{\"ranges\":[{\"grade\":\"low\",\"min\":1}]}", "\"ranges[0].max\""));
	assert_true(refused("{\"ranges\":[{\"grade\":\"low\",\"min\":1.5,\"max\":2}]}",
			    "\"ranges[0].min\""));
	assert_true(refused("{\"ranges\":[{\"grade\":\"low\",\"min\":1,\"max\":2,\"x\":1}]}",
			    "unknown field \"ranges[0].x\""));
	assert_true(refused("{\"ranges\":[],\"bonus\":1}", "unknown field \"bonus\""));
	assert_true(refused("{\"currency\":\"rmb\",\"ranges\":[]}", "\"currency\""));
	assert_true(refused("{\"currency\":\"CNY\"}", "\"ranges\""));
	assert_true(refused("[]", "JSON object"));
	assert_true(refused("{\"ranges\":[{\"grade\":\"low\",\"cvss_severity\":\"huge\","
			    "\"min\":1,\"max\":2}]}", "\"ranges[0].cvss_severity\""));
}

static void test_ranges(void **state)
{
	struct reward_policy p;
	const struct reward_range *r;

	(void)state;
	load(&p, policy_text);
	r = reward_range_for(&p, "高危", "critical");
	assert_non_null(r);
	assert_int_equal(r->min, 1000000);                  /* the band row wins */
	r = reward_range_for(&p, "high", "high");
	assert_non_null(r);
	assert_int_equal(r->min, 500000);                   /* no (high, high) row: grade only */
	r = reward_range_for(&p, "high", NULL);
	assert_non_null(r);
	assert_int_equal(r->max, 2000000);
	assert_null(reward_range_for(&p, "medium", "high")); /* no medium row */
	assert_null(reward_range_for(&p, NULL, "high"));     /* no grade */
	assert_null(reward_range_for(NULL, "high", NULL));
	/* bounds are inside */
	assert_true(reward_within_policy(&p, "high", NULL, "CNY", 500000, &r));
	assert_true(reward_within_policy(&p, "high", NULL, "CNY", 2000000, &r));
	assert_false(reward_within_policy(&p, "high", NULL, "CNY", 499999, &r));
	assert_non_null(r);
	assert_false(reward_within_policy(&p, "high", NULL, "CNY", 2000001, &r));
	assert_true(reward_within_policy(&p, "high", "critical", "CNY", 3000050, &r));
	assert_false(reward_within_policy(&p, "high", "critical", "CNY", 3000051, &r));
	/* another currency, no grade, no range */
	assert_false(reward_within_policy(&p, "high", NULL, "USD", 600000, &r));
	assert_false(reward_within_policy(&p, NULL, NULL, "CNY", 600000, &r));
	assert_null(r);
	assert_false(reward_within_policy(&p, "medium", NULL, "CNY", 600000, &r));
	assert_null(r);
	assert_true(reward_within_policy(&p, "low", NULL, "CNY", 0, &r));
}

/* Decide and answer the missing ids joined by ',' ("" when none), or the code. */
static const char *decide(const struct reward_step *s, char out[128])
{
	struct reward_verdict v;
	struct err e = ERR_INIT;

	out[0] = '\0';
	if (reward_decide(&v, s, &e) == 0) {
		snprintf(out, 128, "-> %s", reward_state_name(v.to));
		return out;
	}
	assert_non_null(v.code);
	assert_string_equal(err_name(&e), v.code);
	assert_int_equal(e.code, strcmp(v.code, "forbidden") == 0 ? ERR_FORBIDDEN : ERR_CONFLICT);
	snprintf(out, 128, "%s:", v.code);
	for (size_t i = 0; i < v.nmissing; i++) {
		strncat(out, v.missing[i], 127 - strlen(out));
		if (i + 1 < v.nmissing)
			strncat(out, ",", 127 - strlen(out));
	}
	return out;
}

static void test_state_machine(void **state)
{
	static const struct {
		struct reward_step s;
		const char *want;
	} table[] = {
		/* propose */
		{ { REWARD_PROPOSE, 0, ROLE_ANALYST, 5, 0, 1, 0, 0, 0 }, "-> proposed" },
		{ { REWARD_PROPOSE, 0, ROLE_COORDINATOR, 5, 0, 1, 0, 0, 0 }, "-> proposed" },
		{ { REWARD_PROPOSE, 0, ROLE_ANALYST, 5, 0, 0, 0, 0, 0 }, "guard_failed:reason,coordinator" },
		{ { REWARD_PROPOSE, 0, ROLE_ANALYST, 5, 0, 0, 1, 0, 0 }, "guard_failed:coordinator" },
		{ { REWARD_PROPOSE, 0, ROLE_COORDINATOR, 5, 0, 0, 0, 0, 0 }, "guard_failed:reason" },
		{ { REWARD_PROPOSE, 0, ROLE_COORDINATOR, 5, 0, 0, 1, 0, 0 }, "-> proposed" },
		{ { REWARD_PROPOSE, 0, ROLE_ADMIN, 5, 0, 1, 1, 0, 0 }, "forbidden:" },
		{ { REWARD_PROPOSE, 0, ROLE_AUDITOR, 5, 0, 1, 1, 0, 0 }, "forbidden:" },
		{ { REWARD_PROPOSE, 0, ROLE_REPORTER, 5, 0, 1, 1, 0, 0 }, "forbidden:" },
		{ { REWARD_PROPOSE, 0, ROLE_NONE, 5, 0, 1, 1, 0, 0 }, "forbidden:" },
		/* approve: a coordinator other than the proposer, from proposed only */
		{ { REWARD_APPROVE, REWARD_PROPOSED, ROLE_COORDINATOR, 6, 5, 0, 0, 0, 0 }, "-> approved" },
		{ { REWARD_APPROVE, REWARD_PROPOSED, ROLE_COORDINATOR, 5, 5, 0, 0, 0, 0 },
		  "guard_failed:second_coordinator" },
		{ { REWARD_APPROVE, REWARD_PROPOSED, ROLE_ADMIN, 6, 5, 0, 0, 0, 0 }, "forbidden:" },
		{ { REWARD_APPROVE, REWARD_PROPOSED, ROLE_ANALYST, 6, 5, 0, 0, 0, 0 }, "forbidden:" },
		{ { REWARD_APPROVE, REWARD_APPROVED, ROLE_COORDINATOR, 6, 5, 0, 0, 0, 0 },
		  "illegal_transition:" },
		{ { REWARD_APPROVE, REWARD_PAID, ROLE_COORDINATOR, 6, 5, 0, 0, 0, 0 },
		  "illegal_transition:" },
		{ { REWARD_APPROVE, REWARD_REJECTED, ROLE_COORDINATOR, 6, 5, 0, 0, 0, 0 },
		  "illegal_transition:" },
		/* pay */
		{ { REWARD_PAY, REWARD_APPROVED, ROLE_ADMIN, 6, 5, 0, 0, 1, 1 }, "-> paid" },
		{ { REWARD_PAY, REWARD_APPROVED, ROLE_COORDINATOR, 5, 5, 0, 0, 1, 1 }, "-> paid" },
		{ { REWARD_PAY, REWARD_APPROVED, ROLE_COORDINATOR, 6, 5, 0, 0, 0, 0 },
		  "guard_failed:reference,paid_at" },
		{ { REWARD_PAY, REWARD_APPROVED, ROLE_COORDINATOR, 6, 5, 0, 0, 1, 0 },
		  "guard_failed:paid_at" },
		{ { REWARD_PAY, REWARD_PROPOSED, ROLE_ADMIN, 6, 5, 0, 0, 1, 1 },
		  "illegal_transition:approval" },
		{ { REWARD_PAY, REWARD_PAID, ROLE_ADMIN, 6, 5, 0, 0, 1, 1 }, "illegal_transition:" },
		{ { REWARD_PAY, REWARD_REJECTED, ROLE_ADMIN, 6, 5, 0, 0, 1, 1 }, "illegal_transition:" },
		{ { REWARD_PAY, REWARD_APPROVED, ROLE_ANALYST, 6, 5, 0, 0, 1, 1 }, "forbidden:" },
		/* reject */
		{ { REWARD_REJECT, REWARD_PROPOSED, ROLE_COORDINATOR, 5, 5, 0, 1, 0, 0 }, "-> rejected" },
		{ { REWARD_REJECT, REWARD_APPROVED, ROLE_ADMIN, 6, 5, 0, 1, 0, 0 }, "-> rejected" },
		{ { REWARD_REJECT, REWARD_PROPOSED, ROLE_COORDINATOR, 6, 5, 0, 0, 0, 0 },
		  "guard_failed:reason" },
		{ { REWARD_REJECT, REWARD_PAID, ROLE_COORDINATOR, 6, 5, 0, 1, 0, 0 },
		  "illegal_transition:" },
		{ { REWARD_REJECT, REWARD_REJECTED, ROLE_COORDINATOR, 6, 5, 0, 1, 0, 0 },
		  "illegal_transition:" },
		{ { REWARD_REJECT, REWARD_PROPOSED, ROLE_ANALYST, 5, 5, 0, 1, 0, 0 }, "forbidden:" },
		/* out of range values */
		{ { REWARD_ACTION_COUNT, 0, ROLE_ADMIN, 1, 1, 1, 1, 1, 1 }, "illegal_transition:" },
		{ { REWARD_PAY, REWARD_STATE_COUNT, ROLE_ADMIN, 1, 1, 1, 1, 1, 1 },
		  "illegal_transition:" },
		{ { REWARD_PAY, REWARD_APPROVED, (enum role)99, 1, 1, 1, 1, 1, 1 }, "forbidden:" },
	};
	char got[128];

	(void)state;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		decide(&table[i].s, got);
		if (strcmp(got, table[i].want) != 0)
			fail_msg("row %zu: got \"%s\", want \"%s\"", i, got, table[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_amounts),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_state_machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
