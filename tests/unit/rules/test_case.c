/* test_case.c - the case workflow: every row allowed and refused with its exact missing ids,
 * operator cases never published, replay of long and of tampered histories, labels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "rules/case.h"

/*
 * The workflow as the specification (issue 4, docs/internals/case.md) states
 * it, written out here independently of case.c's table: from, to, the case
 * roles ("P" provider, "O" operator), the level, the ids of the requirements
 * the guard checks (in CASE_NEED order) and the action id.
 */
static const struct expect {
	const char *from, *to, *roles, *level, *needs, *action;
} expected[] = {
	{ "triage", "verified", "PO", "analyst", "reason,affected_product", "verify" },
	{ "triage", "rejected", "PO", "analyst", "reason", "reject" },
	{ "triage", "duplicate", "PO", "analyst", "duplicate_of", "mark_duplicate" },
	{ "verified", "assessed", "PO", "analyst", "affected_product,score,scope", "assess" },
	{ "verified", "rejected", "PO", "coordinator", "reason", "reject" },
	{ "verified", "duplicate", "PO", "analyst", "duplicate_of", "mark_duplicate" },
	{ "assessed", "fixing", "PO", "analyst", "", "start_fix" },
	{ "assessed", "fix_available", "PO", "analyst", "remediation,fix_available_at",
	  "fix_available" },
	{ "assessed", "duplicate", "PO", "analyst", "duplicate_of", "mark_duplicate" },
	{ "fixing", "fix_available", "PO", "analyst", "remediation,fix_available_at",
	  "fix_available" },
	{ "fix_available", "fixing", "PO", "analyst", "reason", "fix_incomplete" },
	{ "fix_available", "disclosure_pending", "P", "coordinator", "authority_report",
	  "prepare_disclosure" },
	{ "fix_available", "closed", "O", "analyst", "", "close" },
	{ "fix_available", "closed", "P", "coordinator",
	  "authority_report,decision_not_to_publish", "close_unpublished" },
	{ "disclosure_pending", "published", "P", "coordinator", "remediation,advisory_published",
	  "publish" },
	{ "disclosure_pending", "fix_available", "P", "coordinator",
	  "reason,advisory_not_published", "withdraw" },
	{ "published", "closed", "P", "analyst", "", "close" },
	{ "rejected", "triage", "PO", "analyst", "reason", "reopen" },
	{ "duplicate", "triage", "PO", "analyst", "reason", "reopen" },
	{ "closed", "triage", "PO", "coordinator", "reason", "reopen" },
};
#define NEXPECTED (sizeof(expected) / sizeof(expected[0]))

static const char *const need_ids[] = {
	"reason", "duplicate_of", "affected_product", "score", "scope", "remediation",
	"fix_available_at", "authority_report", "advisory_published", "advisory_not_published",
	"decision_not_to_publish",
};

static enum case_state S(const char *name)
{
	enum case_state s = CASE_STATE_COUNT;
	struct err e = ERR_INIT;

	assert_int_equal(case_state_from_name(&s, name, &e), 0);
	return s;
}

static enum case_role role_of(char c)
{
	return c == 'P' ? CASE_ROLE_PROVIDER : CASE_ROLE_OPERATOR;
}

static int has_id(const char *list, const char *id)
{
	size_t n = strlen(id);

	for (const char *p = list; (p = strstr(p, id)) != NULL; p += n)
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

/* Every requirement met (advisory_published as the row wants it). */
static struct case_facts all_met(enum case_role role, const char *needs)
{
	struct case_facts f = {
		.role = role, .level = CASE_LEVEL_COORDINATOR, .has_reason = 1,
		.duplicate_of = 7, .has_cvss = 1, .has_gbt_grade = 1,
		.has_affected_product = 1, .has_scope = 1, .has_remediation = 1,
		.has_fix_available_at = 1, .authority_report_submitted = 1,
		.advisory_published = !has_id(needs, "advisory_not_published"),
		.decided_not_to_publish = 1,
	};
	return f;
}

/* Every requirement unmet. */
static struct case_facts none_met(enum case_role role, const char *needs)
{
	struct case_facts f = {
		.role = role, .level = CASE_LEVEL_COORDINATOR,
		.advisory_published = has_id(needs, "advisory_not_published"),
	};
	return f;
}

/* Make the one requirement id unmet in f. */
static void unset(struct case_facts *f, const char *id)
{
	if (strcmp(id, "reason") == 0)
		f->has_reason = 0;
	else if (strcmp(id, "duplicate_of") == 0)
		f->duplicate_of = 0;
	else if (strcmp(id, "affected_product") == 0)
		f->has_affected_product = 0;
	else if (strcmp(id, "score") == 0)
		f->has_cvss = f->has_gbt_grade = 0;
	else if (strcmp(id, "scope") == 0)
		f->has_scope = 0;
	else if (strcmp(id, "remediation") == 0)
		f->has_remediation = 0;
	else if (strcmp(id, "fix_available_at") == 0)
		f->has_fix_available_at = 0;
	else if (strcmp(id, "authority_report") == 0)
		f->authority_report_submitted = 0;
	else if (strcmp(id, "advisory_published") == 0)
		f->advisory_published = 0;
	else if (strcmp(id, "advisory_not_published") == 0)
		f->advisory_published = 1;
	else if (strcmp(id, "decision_not_to_publish") == 0)
		f->decided_not_to_publish = 0;
	else
		fail_msg("no such requirement \"%s\"", id);
}

/* The missing ids joined with ',' as the API would list them. */
static const char *ids(unsigned missing)
{
	static char buf[512];
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < CASE_NEED_COUNT; i++)
		if (missing & CASE_NEED_BIT(i))
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
						len ? "," : "", case_need_label(i)->id);
	return buf;
}

static void test_labels(void **state)
{
	static const char *const states[] = {
		"triage", "verified", "rejected", "duplicate", "assessed", "fixing",
		"fix_available", "disclosure_pending", "published", "closed",
	};
	static const char *const phase_of[] = {
		"receipt", "verification", "verification", "verification", "handling",
		"handling", "handling", "publication", "publication", "tracking",
	};
	static const char *const phases[] = {
		"receipt", "verification", "handling", "publication", "tracking",
	};
	static const char *const clauses[] = { "5.2", "5.3", "5.4", "5.5", "5.6" };
	struct err e = ERR_INIT;
	enum case_state s;
	enum case_role r;

	(void)state;
	assert_int_equal(CASE_STATE_COUNT, 10);
	for (int i = 0; i < CASE_STATE_COUNT; i++) {
		const struct case_label *l = case_state_label((enum case_state)i);

		/* the ids are fixed, in this order */
		assert_string_equal(case_state_name((enum case_state)i), states[i]);
		assert_string_equal(l->id, states[i]);
		assert_int_equal(S(states[i]), i);
		assert_string_equal(case_phase_label(case_state_phase((enum case_state)i))->id,
				    phase_of[i]);
		/* both languages: Chinese text is not ASCII, English is */
		assert_true(strlen(l->zh) >= 3 && (unsigned char)l->zh[0] >= 0x80);
		assert_true(strlen(l->en) > 0 && (unsigned char)l->en[0] < 0x80);
		for (int j = 0; j < i; j++) {
			assert_string_not_equal(l->zh, case_state_label((enum case_state)j)->zh);
			assert_string_not_equal(l->en, case_state_label((enum case_state)j)->en);
		}
	}
	assert_string_equal(case_state_label(CASE_TRIAGE)->zh, "待分诊");
	assert_string_equal(case_state_label(CASE_PUBLISHED)->en, "Published");
	for (int p = 0; p < CASE_PHASE_COUNT; p++) {
		const struct case_label *l = case_phase_label((enum case_phase)p);

		assert_string_equal(l->id, phases[p]);
		assert_string_equal(case_phase_clause((enum case_phase)p), clauses[p]);
		assert_true((unsigned char)l->zh[0] >= 0x80 && strlen(l->en) > 0);
	}
	/* GB/T 30276-2020 §5's headings */
	assert_string_equal(case_phase_label(CASE_PHASE_RECEIPT)->zh, "漏洞接收");
	assert_string_equal(case_phase_label(CASE_PHASE_VERIFICATION)->zh, "漏洞验证");
	assert_string_equal(case_phase_label(CASE_PHASE_HANDLING)->zh, "漏洞处置");
	assert_string_equal(case_phase_label(CASE_PHASE_PUBLICATION)->zh, "漏洞发布");
	assert_string_equal(case_phase_label(CASE_PHASE_TRACKING)->zh, "漏洞跟踪");

	for (int i = 0; i < CASE_NEED_COUNT; i++) {
		const struct case_label *l = case_need_label((enum case_need)i);

		assert_string_equal(l->id, need_ids[i]);
		assert_true((unsigned char)l->zh[0] >= 0x80 && strlen(l->en) > 10);
	}
	assert_int_equal(CASE_NEED_COUNT, sizeof(need_ids) / sizeof(need_ids[0]));

	assert_int_equal(case_role_from_name(&r, "provider", &e), 0);
	assert_int_equal(r, CASE_ROLE_PROVIDER);
	assert_int_equal(case_role_from_name(&r, "operator", &e), 0);
	assert_int_equal(r, CASE_ROLE_OPERATOR);
	assert_string_equal(case_role_name(CASE_ROLE_OPERATOR), "operator");
	assert_string_equal(case_role_label(CASE_ROLE_PROVIDER)->zh, "网络产品提供者");
	assert_string_equal(case_role_label(CASE_ROLE_OPERATOR)->zh, "网络运营者");
	assert_string_equal(case_level_name(CASE_LEVEL_ANALYST), "analyst");
	assert_string_equal(case_level_name(CASE_LEVEL_COORDINATOR), "coordinator");

	/* unknown names and values */
	s = CASE_CLOSED;
	assert_int_equal(case_state_from_name(&s, "Triage", &e), -1);
	assert_int_equal(s, CASE_CLOSED);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(err_name(&e), "unknown_state");
	assert_string_equal(e.msg, "case state \"Triage\" is unknown");
	assert_int_equal(case_state_from_name(&s, "", &e), -1);
	assert_int_equal(case_state_from_name(&s, NULL, &e), -1);
	assert_int_equal(case_role_from_name(&r, "platform", &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(case_state_name(CASE_STATE_COUNT), "unknown");
	assert_string_equal(case_state_label((enum case_state)-1)->zh, "未知");
	assert_int_equal(case_state_phase(CASE_STATE_COUNT), CASE_PHASE_COUNT);
	assert_string_equal(case_phase_label(CASE_PHASE_COUNT)->id, "unknown");
	assert_string_equal(case_phase_clause(CASE_PHASE_COUNT), "unknown");
	assert_string_equal(case_role_name((enum case_role)0), "unknown");
	assert_string_equal(case_level_name((enum case_level)3), "unknown");
	assert_string_equal(case_need_label(CASE_NEED_COUNT)->id, "unknown");
}

/* Every row: allowed with everything met, refused with exactly its ids, and with
 * each of them alone; too low a level; the other role. */
static void test_rows(void **state)
{
	(void)state;
	for (size_t k = 0; k < NEXPECTED; k++) {
		const struct expect *x = &expected[k];
		enum case_state from = S(x->from), to = S(x->to);

		for (const char *rc = "PO"; *rc; rc++) {
			enum case_role role = role_of(*rc);
			struct case_verdict v;
			struct case_facts f;
			struct err e = ERR_INIT;

			if (strchr(x->roles, *rc) == NULL) {
				/* the same from -> to may exist for the other role only */
				int other = 0;
				for (size_t j = 0; j < NEXPECTED; j++)
					other |= strcmp(expected[j].from, x->from) == 0 &&
						 strcmp(expected[j].to, x->to) == 0 &&
						 strchr(expected[j].roles, *rc) != NULL;
				if (other)
					continue;
				f = all_met(role, x->needs);
				assert_int_equal(case_check(&v, from, to, &f, &e), -1);
				assert_int_equal(v.outcome, CASE_WRONG_ROLE);
				assert_int_equal(e.code, ERR_CONFLICT);
				assert_string_equal(err_name(&e), "transition_not_for_role");
				continue;
			}

			/* allowed */
			f = all_met(role, x->needs);
			assert_int_equal(case_check(&v, from, to, &f, &e), 0);
			assert_int_equal(v.outcome, CASE_ALLOWED);
			assert_int_equal(v.missing, 0);
			assert_string_equal(case_level_name(v.level), x->level);
			if (strcmp(x->level, "analyst") == 0) {
				f.level = CASE_LEVEL_ANALYST;
				assert_int_equal(case_check(&v, from, to, &f, &e), 0);
			} else {
				f.level = CASE_LEVEL_ANALYST;
				assert_int_equal(case_check(&v, from, to, &f, &e), -1);
				assert_int_equal(v.outcome, CASE_FORBIDDEN);
				assert_int_equal(v.missing, 0);
				assert_int_equal(e.code, ERR_FORBIDDEN);
			}
			f.level = CASE_LEVEL_NONE;
			assert_int_equal(case_check(&v, from, to, &f, &e), -1);
			assert_int_equal(v.outcome, CASE_FORBIDDEN);
			assert_int_equal(err_http_status(e.code), 403);

			/* every requirement unmet: exactly the row's ids */
			f = none_met(role, x->needs);
			if (x->needs[0] == '\0') {
				assert_int_equal(case_check(&v, from, to, &f, &e), 0);
			} else {
				char msg[256];

				assert_int_equal(case_check(&v, from, to, &f, &e), -1);
				assert_int_equal(v.outcome, CASE_GUARD);
				assert_string_equal(ids(v.missing), x->needs);
				assert_int_equal(e.code, ERR_CONFLICT);
				assert_int_equal(err_http_status(e.code), 409);
				assert_string_equal(err_name(&e), "guard_failed");
				snprintf(msg, sizeof(msg), "transition \"%s\" -> \"%s\" is missing: ",
					 x->from, x->to);
				assert_memory_equal(e.msg, msg, strlen(msg));
				/* too low a level still reports the whole guard */
				f.level = CASE_LEVEL_NONE;
				assert_int_equal(case_check(&v, from, to, &f, &e), -1);
				assert_int_equal(v.outcome, CASE_FORBIDDEN);
				assert_string_equal(ids(v.missing), x->needs);
			}

			/* each requirement alone: refused for the row's, harmless otherwise */
			for (int i = 0; i < CASE_NEED_COUNT; i++) {
				f = all_met(role, x->needs);
				unset(&f, need_ids[i]);
				if (has_id(x->needs, need_ids[i])) {
					assert_int_equal(case_check(&v, from, to, &f, &e), -1);
					assert_int_equal(v.outcome, CASE_GUARD);
					assert_string_equal(ids(v.missing), need_ids[i]);
				} else {
					assert_int_equal(case_check(&v, from, to, &f, &e), 0);
				}
			}
		}
	}
}

/* A CVSS score or a GB/T 30279 grade: either is a score. */
static void test_score_either(void **state)
{
	struct case_facts f = all_met(CASE_ROLE_OPERATOR, "");
	struct case_verdict v;
	struct err e = ERR_INIT;

	(void)state;
	f.has_gbt_grade = 0;
	assert_int_equal(case_check(&v, CASE_VERIFIED, CASE_ASSESSED, &f, &e), 0);
	f.has_gbt_grade = 1;
	f.has_cvss = 0;
	assert_int_equal(case_check(&v, CASE_VERIFIED, CASE_ASSESSED, &f, &e), 0);
	f.duplicate_of = -3;
	assert_int_equal(case_check(&v, CASE_TRIAGE, CASE_DUPLICATE, &f, &e), -1);
	assert_string_equal(ids(v.missing), "duplicate_of");
}

/* The table has no rows but those expected; every other pair is illegal. */
static void test_no_other_rows(void **state)
{
	(void)state;
	for (const char *rc = "PO"; *rc; rc++) {
		enum case_role role = role_of(*rc);

		for (int from = 0; from < CASE_STATE_COUNT; from++) {
			struct case_facts f = all_met(role, "");
			struct case_option opt[CASE_OPTIONS_MAX];
			struct err e = ERR_INIT;
			size_t n = 99, want = 0;

			assert_int_equal(case_options(opt, &n, (enum case_state)from, &f, &e), 0);
			for (size_t k = 0; k < NEXPECTED; k++) {
				const struct expect *x = &expected[k];

				if ((int)S(x->from) != from || strchr(x->roles, *rc) == NULL)
					continue;
				/* options come in the same order as the rows above */
				assert_true(want < n);
				assert_int_equal(opt[want].to, S(x->to));
				assert_string_equal(opt[want].action->id, x->action);
				assert_true(opt[want].action->zh[0] != '\0' &&
					    opt[want].action->en[0] != '\0');
				assert_string_equal(case_level_name(opt[want].level), x->level);
				want++;
			}
			assert_int_equal(n, want);

			for (int to = 0; to < CASE_STATE_COUNT; to++) {
				struct case_verdict v;
				int listed = 0;

				for (size_t k = 0; k < NEXPECTED; k++)
					listed |= (int)S(expected[k].from) == from &&
						  (int)S(expected[k].to) == to;
				if (listed)
					continue;
				f = all_met(role, "");
				assert_int_equal(case_check(&v, (enum case_state)from,
							    (enum case_state)to, &f, &e), -1);
				assert_int_equal(v.outcome, CASE_ILLEGAL);
				assert_int_equal(v.missing, 0);
				assert_int_equal(e.code, ERR_CONFLICT);
				assert_string_equal(err_name(&e), "illegal_transition");
			}
		}
	}
}

/* Reachable states from triage under role, everything met, either advisory state. */
static unsigned reachable(enum case_role role)
{
	unsigned seen = 1u << CASE_TRIAGE, before = 0;

	while (seen != before) {
		before = seen;
		for (int s = 0; s < CASE_STATE_COUNT; s++) {
			if (!(seen & (1u << s)))
				continue;
			for (int adv = 0; adv < 2; adv++) {
				struct case_facts f = all_met(role, adv ? "" : "advisory_not_published");
				struct case_option opt[CASE_OPTIONS_MAX];
				struct err e = ERR_INIT;
				size_t n;

				assert_int_equal(case_options(opt, &n, (enum case_state)s, &f, &e), 0);
				for (size_t i = 0; i < n; i++)
					if (opt[i].allowed)
						seen |= 1u << opt[i].to;
			}
		}
	}
	return seen;
}

static void test_operator_never_published(void **state)
{
	unsigned op = reachable(CASE_ROLE_OPERATOR), pr = reachable(CASE_ROLE_PROVIDER);
	struct case_facts f = all_met(CASE_ROLE_OPERATOR, "");
	struct case_verdict v;
	struct err e = ERR_INIT;

	(void)state;
	assert_false(op & (1u << CASE_DISCLOSURE_PENDING));
	assert_false(op & (1u << CASE_PUBLISHED));
	for (int s = 0; s < CASE_STATE_COUNT; s++)
		if (case_state_phase((enum case_state)s) != CASE_PHASE_PUBLICATION)
			assert_true(op & (1u << s));
	assert_int_equal(pr, (1u << CASE_STATE_COUNT) - 1);

	/* no state of an operator case leads into publication, whatever the facts */
	for (int s = 0; s < CASE_STATE_COUNT; s++) {
		for (int to = CASE_DISCLOSURE_PENDING; to <= CASE_PUBLISHED; to++) {
			assert_int_equal(case_check(&v, (enum case_state)s, (enum case_state)to,
						    &f, &e), -1);
			assert_true(v.outcome == CASE_ILLEGAL || v.outcome == CASE_WRONG_ROLE);
		}
	}
	assert_int_equal(case_check(&v, CASE_FIX_AVAILABLE, CASE_DISCLOSURE_PENDING, &f, &e), -1);
	assert_int_equal(v.outcome, CASE_WRONG_ROLE);
	assert_string_equal(e.msg, "\"fix_available\" -> \"disclosure_pending\" is not a "
				   "transition of operator cases (art. 8: they are never published)");
	/* an operator case closes straight from fix_available, by an analyst, no decision */
	f = none_met(CASE_ROLE_OPERATOR, "");
	f.level = CASE_LEVEL_ANALYST;
	assert_int_equal(case_check(&v, CASE_FIX_AVAILABLE, CASE_CLOSED, &f, &e), 0);
}

static void test_options(void **state)
{
	struct case_facts f = { .role = CASE_ROLE_PROVIDER, .level = CASE_LEVEL_ANALYST };
	struct case_option opt[CASE_OPTIONS_MAX];
	struct err e = ERR_INIT;
	size_t n;

	(void)state;
	assert_int_equal(case_options(opt, &n, CASE_TRIAGE, &f, &e), 0);
	assert_int_equal(n, 3);
	assert_int_equal(opt[0].to, CASE_VERIFIED);
	assert_string_equal(ids(opt[0].missing), "reason,affected_product");
	assert_false(opt[0].allowed);
	assert_int_equal(opt[1].to, CASE_REJECTED);
	assert_string_equal(ids(opt[1].missing), "reason");
	assert_int_equal(opt[2].to, CASE_DUPLICATE);
	assert_string_equal(ids(opt[2].missing), "duplicate_of");

	/* an analyst sees the coordinator's buttons, not allowed, with their guards */
	f.has_fix_available_at = f.has_remediation = 1;
	assert_int_equal(case_options(opt, &n, CASE_FIX_AVAILABLE, &f, &e), 0);
	assert_int_equal(n, 3);
	assert_int_equal(opt[0].to, CASE_FIXING);
	assert_string_equal(ids(opt[0].missing), "reason");
	assert_int_equal(opt[1].to, CASE_DISCLOSURE_PENDING);
	assert_int_equal(opt[1].level, CASE_LEVEL_COORDINATOR);
	assert_string_equal(ids(opt[1].missing), "authority_report");
	assert_false(opt[1].allowed);
	assert_int_equal(opt[2].to, CASE_CLOSED);
	assert_string_equal(opt[2].action->id, "close_unpublished");
	f.authority_report_submitted = 1;
	assert_int_equal(case_options(opt, &n, CASE_FIX_AVAILABLE, &f, &e), 0);
	assert_int_equal(opt[1].missing, 0);
	assert_false(opt[1].allowed);           /* level */
	f.level = CASE_LEVEL_COORDINATOR;
	assert_int_equal(case_options(opt, &n, CASE_FIX_AVAILABLE, &f, &e), 0);
	assert_true(opt[1].allowed);

	f.role = CASE_ROLE_OPERATOR;
	assert_int_equal(case_options(opt, &n, CASE_FIX_AVAILABLE, &f, &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(opt[0].to, CASE_FIXING);
	assert_int_equal(opt[1].to, CASE_CLOSED);
	assert_string_equal(opt[1].action->id, "close");
	assert_true(opt[1].allowed);

	/* no way out of a state with no rows?  every state has at least one */
	for (int s = 0; s < CASE_STATE_COUNT; s++) {
		f.role = CASE_ROLE_PROVIDER;
		assert_int_equal(case_options(opt, &n, (enum case_state)s, &f, &e), 0);
		assert_true(n >= 1 && n <= CASE_OPTIONS_MAX);
	}
}

static void test_bad_input(void **state)
{
	struct case_facts f = { .role = CASE_ROLE_PROVIDER, .level = CASE_LEVEL_COORDINATOR };
	struct case_option opt[CASE_OPTIONS_MAX];
	struct case_verdict v;
	struct err e = ERR_INIT;
	size_t n = 5;

	(void)state;
	assert_int_equal(case_check(&v, CASE_STATE_COUNT, CASE_TRIAGE, &f, &e), -1);
	assert_int_equal(v.outcome, CASE_BAD_INPUT);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.msg, "case state 10 is unknown");
	assert_int_equal(case_check(&v, CASE_TRIAGE, (enum case_state)-1, &f, &e), -1);
	assert_int_equal(v.outcome, CASE_BAD_INPUT);
	assert_int_equal(case_check(&v, CASE_TRIAGE, CASE_REJECTED, NULL, &e), -1);
	assert_int_equal(v.outcome, CASE_BAD_INPUT);
	f.role = 0;
	assert_int_equal(case_check(&v, CASE_TRIAGE, CASE_REJECTED, &f, &e), -1);
	assert_int_equal(v.outcome, CASE_BAD_INPUT);
	assert_string_equal(e.msg, "case role 0 is not \"provider\" or \"operator\"");
	assert_int_equal(case_options(opt, &n, CASE_TRIAGE, &f, &e), -1);
	assert_int_equal(n, 0);
	f.role = CASE_ROLE_OPERATOR;
	f.level = (enum case_level)3;
	assert_int_equal(case_check(&v, CASE_TRIAGE, CASE_REJECTED, &f, &e), -1);
	assert_int_equal(v.outcome, CASE_BAD_INPUT);
	assert_string_equal(e.msg, "capability level 3 is unknown");
	f.level = CASE_LEVEL_ANALYST;
	assert_int_equal(case_options(opt, &n, (enum case_state)11, &f, &e), -1);
	assert_string_equal(err_name(&e), "unknown_state");
	/* the same state is no transition */
	assert_int_equal(case_check(&v, CASE_FIXING, CASE_FIXING, &f, &e), -1);
	assert_int_equal(v.outcome, CASE_ILLEGAL);
	assert_string_equal(e.msg, "no transition from \"fixing\" to \"fixing\"");
	/* a NULL err is allowed */
	assert_int_equal(case_check(&v, CASE_FIXING, CASE_TRIAGE, &f, NULL), -1);
	assert_int_equal(v.outcome, CASE_ILLEGAL);
}

static void test_level_for_role(void **state)
{
	(void)state;
	assert_int_equal(case_level_for_role(ROLE_ADMIN), CASE_LEVEL_COORDINATOR);
	assert_int_equal(case_level_for_role(ROLE_COORDINATOR), CASE_LEVEL_COORDINATOR);
	assert_int_equal(case_level_for_role(ROLE_ANALYST), CASE_LEVEL_ANALYST);
	assert_int_equal(case_level_for_role(ROLE_AUDITOR), CASE_LEVEL_NONE);
	assert_int_equal(case_level_for_role(ROLE_REPORTER), CASE_LEVEL_NONE);
	assert_int_equal(case_level_for_role(ROLE_NONE), CASE_LEVEL_NONE);
}

/* ---- replay ------------------------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/*
 * Walk steps random allowed transitions with case_check() as a service would,
 * recording each as an event; replay every prefix now and then, and the whole.
 */
static void walk(enum case_role role, size_t steps, unsigned *visited)
{
	static struct case_event ev[20000];
	enum case_state cur = CASE_TRIAGE, got;
	int64_t t = 1700000000000000;
	struct err e = ERR_INIT;

	assert_true(steps <= sizeof(ev) / sizeof(ev[0]));
	*visited = 1u << CASE_TRIAGE;
	for (size_t i = 0; i < steps;) {
		struct case_facts f = all_met(role, next() & 1 ? "" : "advisory_not_published");
		struct case_option opt[CASE_OPTIONS_MAX];
		struct case_verdict v;
		size_t n, k, pick;

		if (next() % 4 == 0)
			f.level = CASE_LEVEL_ANALYST;
		assert_int_equal(case_options(opt, &n, cur, &f, &e), 0);
		for (k = 0, pick = next() % n; k < n && !opt[(pick + k) % n].allowed; k++)
			;
		if (k == n)             /* nothing allowed to an analyst: draw again */
			continue;
		pick = (pick + k) % n;
		assert_int_equal(case_check(&v, cur, opt[pick].to, &f, &e), 0);
		t += (int64_t)(next() % 3) * 1000000;   /* same microsecond sometimes */
		ev[i] = (struct case_event){ cur, opt[pick].to, t, 40 + (int64_t)(i % 3), "r" };
		cur = opt[pick].to;
		*visited |= 1u << cur;
		if (i % 251 == 0) {
			size_t bad = 77;

			assert_int_equal(case_replay(&got, &bad, role, ev, i + 1, &e), 0);
			assert_int_equal(got, cur);
			assert_int_equal(bad, 77);      /* set only on refusal */
		}
		i++;
	}
	got = CASE_STATE_COUNT;
	assert_int_equal(case_replay(&got, NULL, role, ev, steps, &e), 0);
	assert_int_equal(got, cur);
}

static void test_replay_long(void **state)
{
	unsigned visited;
	enum case_state got = CASE_CLOSED;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(case_replay(&got, NULL, CASE_ROLE_PROVIDER, NULL, 0, &e), 0);
	assert_int_equal(got, CASE_TRIAGE);
	walk(CASE_ROLE_PROVIDER, 20000, &visited);
	assert_int_equal(visited, (1u << CASE_STATE_COUNT) - 1);
	walk(CASE_ROLE_OPERATOR, 20000, &visited);
	assert_false(visited & (1u << CASE_DISCLOSURE_PENDING | 1u << CASE_PUBLISHED));
	assert_int_equal(visited, ((1u << CASE_STATE_COUNT) - 1) &
					  ~(1u << CASE_DISCLOSURE_PENDING | 1u << CASE_PUBLISHED));
}

#define EV(f, t, at) { CASE_##f, CASE_##t, (at), 9, "because" }

/* A provider case's life with two reopenings, one withdrawal and a fix that fell short. */
static const struct case_event life[] = {
	EV(TRIAGE, REJECTED, 100),              /* 0 */
	EV(REJECTED, TRIAGE, 200),
	EV(TRIAGE, DUPLICATE, 300),
	EV(DUPLICATE, TRIAGE, 400),
	EV(TRIAGE, VERIFIED, 500),
	EV(VERIFIED, ASSESSED, 600),            /* 5 */
	EV(ASSESSED, FIXING, 700),
	EV(FIXING, FIX_AVAILABLE, 800),
	EV(FIX_AVAILABLE, FIXING, 900),
	EV(FIXING, FIX_AVAILABLE, 1000),
	EV(FIX_AVAILABLE, DISCLOSURE_PENDING, 1100),    /* 10 */
	EV(DISCLOSURE_PENDING, FIX_AVAILABLE, 1200),
	EV(FIX_AVAILABLE, DISCLOSURE_PENDING, 1300),
	EV(DISCLOSURE_PENDING, PUBLISHED, 1400),
	EV(PUBLISHED, CLOSED, 1500),
	EV(CLOSED, TRIAGE, 1600),               /* 15 */
	EV(TRIAGE, VERIFIED, 1600),
};
#define NLIFE (sizeof(life) / sizeof(life[0]))

/* Replay h (n events) as role and expect it refused at event index bad, e.msg == msg. */
static void refused(const struct case_event *h, size_t n, enum case_role role, size_t bad,
		    const char *msg)
{
	enum case_state got = CASE_CLOSED;
	struct err e = ERR_INIT;
	size_t at = 999;

	assert_int_equal(case_replay(&got, &at, role, h, n, &e), -1);
	assert_int_equal(got, CASE_CLOSED);     /* untouched */
	assert_int_equal(at, bad);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(err_name(&e), "history_invalid");
	assert_string_equal(e.msg, msg);
}

static void test_replay_tampered(void **state)
{
	struct case_event h[NLIFE + 1];
	enum case_state got;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(case_replay(&got, NULL, CASE_ROLE_PROVIDER, life, NLIFE, &e), 0);
	assert_int_equal(got, CASE_VERIFIED);
	assert_int_equal(case_replay(&got, NULL, CASE_ROLE_PROVIDER, life, 15, &e), 0);
	assert_int_equal(got, CASE_CLOSED);

	/* a forged from */
	memcpy(h, life, sizeof(life));
	h[6].from = CASE_VERIFIED;
	refused(h, NLIFE, CASE_ROLE_PROVIDER, 6,
		"event 6: from \"verified\" but the case is in \"assessed\"");

	/* two events swapped */
	memcpy(h, life, sizeof(life));
	h[5] = life[6];
	h[6] = life[5];
	refused(h, NLIFE, CASE_ROLE_PROVIDER, 5,
		"event 5: from \"assessed\" but the case is in \"verified\"");

	/* an event dropped: the withdrawal */
	memcpy(h, life, 11 * sizeof(life[0]));
	memcpy(h + 11, life + 12, (NLIFE - 12) * sizeof(life[0]));
	refused(h, NLIFE - 1, CASE_ROLE_PROVIDER, 11,
		"event 11: from \"fix_available\" but the case is in \"disclosure_pending\"");

	/* a transition no row allows, even though from matches */
	memcpy(h, life, sizeof(life));
	h[5].to = CASE_PUBLISHED;
	refused(h, NLIFE, CASE_ROLE_PROVIDER, 5,
		"event 5: \"verified\" -> \"published\" is not a transition of provider cases");
	h[0] = (struct case_event)EV(TRIAGE, TRIAGE, 100);
	refused(h, NLIFE, CASE_ROLE_PROVIDER, 0,
		"event 0: \"triage\" -> \"triage\" is not a transition of provider cases");

	/* a history that does not start in triage */
	refused(life + 1, NLIFE - 1, CASE_ROLE_PROVIDER, 0,
		"event 0: from \"rejected\" but the case is in \"triage\"");

	/* the provider's history replayed as an operator case's */
	refused(life, NLIFE, CASE_ROLE_OPERATOR, 10,
		"event 10: \"fix_available\" -> \"disclosure_pending\" is not a transition of "
		"operator cases");

	/* the two reopening cycles rotated: every from still matches, the times do not */
	memcpy(h, life, sizeof(life));
	h[0] = life[2];
	h[1] = life[3];
	h[2] = life[0];
	h[3] = life[1];
	refused(h, NLIFE, CASE_ROLE_PROVIDER, 2, "event 2: at 100, before the event before it");

	/* a state that does not exist */
	memcpy(h, life, sizeof(life));
	h[3].to = (enum case_state)42;
	refused(h, NLIFE, CASE_ROLE_PROVIDER, 3, "event 3: case state 42 is unknown");
	h[3] = life[3];
	h[4].from = (enum case_state)-2;
	refused(h, NLIFE, CASE_ROLE_PROVIDER, 4, "event 4: case state -2 is unknown");

	/* a role that is not one */
	assert_int_equal(case_replay(&got, NULL, (enum case_role)0, life, NLIFE, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_score_either),
		cmocka_unit_test(test_no_other_rows),
		cmocka_unit_test(test_operator_never_published),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_level_for_role),
		cmocka_unit_test(test_replay_long),
		cmocka_unit_test(test_replay_tampered),
	};
	return cmocka_run_group_tests_name("case", tests, NULL, NULL);
}
