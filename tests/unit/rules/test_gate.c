/* test_gate.c - the Art. 9 publication gate: a table with, for every rule, a snapshot that
 * fails only that rule (and one that passes all), each rule's evidence paths, the text
 * scanners' exact findings on Chinese and English texts, false positives, cleared findings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/gate.h"

#define DAY (INT64_C(86400) * 1000000)
#define NOW (INT64_C(1767225600) * 1000000)    /* 2026-01-01T00:00:00Z */

#define AUTHOR 5
#define SECOND 9
#define REVIEWER 7

/* The rule ids as issue 7 fixes them, in order. */
static const char *const rule_ids[GATE_RULE_COUNT] = {
	"rmsv_9_1_fix_first", "rmsv_9_2_operator_details", "rmsv_9_3_no_exaggeration",
	"rmsv_9_4_no_exploit", "rmsv_9_5_remediation", "rmsv_9_6_blackout",
	"rmsv_9_7_overseas", "two_person",
};

/* ---- a snapshot that passes every rule ------------------------------------------ */

static const struct gate_attachment attachments[] = {
	{ "release-notes.pdf", 0 },
	{ "crash.py", 1 },
};
static const struct gate_recipient recipients[] = {
	{ "CNVD", "CN", 0 },
	{ "Example GmbH (the provider)", "DE", 1 },
	{ "Research lab", "US", 0 },
	{ "Partner", "HK", 0 },
	{ "Someone", NULL, 0 },
};
static const struct gate_blackout windows[] = {
	{ NOW - 30 * DAY, NOW - 20 * DAY, "past event", NULL },
	{ NOW - DAY, NOW + DAY, "major event", NULL },
	{ NOW - 2 * DAY, NOW + 2 * DAY, "major event (consented)", "公安部同意函 2025-17" },
};
static const int64_t approvals_ok[] = { AUTHOR, SECOND };
static const int64_t approvals_author[] = { AUTHOR };

static void base(struct gate_snapshot *s)
{
	static const char *const zh[GATE_FIELD_COUNT] = {
		[GATE_FIELD_TITLE] = "示例路由器固件存在认证绕过漏洞",
		[GATE_FIELD_SUMMARY] = "示例路由器固件的管理界面存在认证绕过漏洞，"
				       "远程攻击者可在未认证的情况下修改设备配置。",
		[GATE_FIELD_REMEDIATION] = "请升级到固件版本 2.4.1 或更高版本。",
		[GATE_FIELD_WORKAROUNDS] = "在修复前，请关闭远程管理功能。",
		[GATE_FIELD_DESCRIPTION] = "该漏洞源于会话校验逻辑错误。"
					   "CVSS 3.1 评分为 8.1（高危）。",
	};
	static const char *const en[GATE_FIELD_COUNT] = {
		[GATE_FIELD_TITLE] = "Authentication bypass in Example Router firmware",
		[GATE_FIELD_SUMMARY] = "The web management interface of Example Router firmware "
				       "before 2.4.1 allows a remote attacker to change the "
				       "configuration without authentication.",
		[GATE_FIELD_REMEDIATION] = "Upgrade to firmware version 2.4.1 or later. See "
					   "https://www.example.com/security/2024-001 for details.",
		[GATE_FIELD_WORKAROUNDS] = "Disable remote management until the update is "
					   "installed.",
		[GATE_FIELD_DESCRIPTION] = "The session check accepts an empty token. The CVSS 3.1 "
					   "base score is 8.1 (High).",
	};

	memset(s, 0, sizeof(*s));
	s->kase.role = CASE_ROLE_PROVIDER;
	s->kase.state = CASE_DISCLOSURE_PENDING;
	s->kase.fix_available = 1;
	for (int f = 0; f < GATE_FIELD_COUNT; f++) {
		s->advisory.text[f][GATE_LANG_ZH] = zh[f];
		s->advisory.text[f][GATE_LANG_EN] = en[f];
	}
	s->advisory.stated_cvss = GATE_SEV_HIGH;
	s->advisory.stated_gbt = GATE_SEV_HIGH;
	s->advisory.cvss = GATE_SEV_HIGH;
	s->advisory.gbt = GATE_SEV_HIGH;
	s->advisory.attachments = attachments;
	s->advisory.n_attachments = 1;          /* not the PoC */
	s->advisory.recipients = recipients;
	s->advisory.n_recipients = 2;           /* CNVD and the provider abroad */
	s->advisory.attested_by = REVIEWER;
	s->blackouts = windows;
	s->n_blackouts = 1;                     /* a past one */
	s->approvals = approvals_ok;
	s->n_approvals = 2;
	s->author_id = AUTHOR;
	s->now_us = NOW;
}

/* ---- helpers -------------------------------------------------------------------- */

static struct gate_report *eval(const struct gate_snapshot *s)
{
	struct gate_report *r = NULL;
	struct err e = ERR_INIT;

	if (gate_evaluate(&r, s, &e) < 0)
		fail_msg("gate_evaluate: %s", e.msg);
	assert_non_null(r);
	return r;
}

/* "id,id@index,..." of a rule's missing evidence. */
static void missing_list(char *buf, size_t size, const struct gate_rule_result *res)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < res->n_missing; k++) {
		const struct gate_missing *m = &res->missing[k];

		if (m->index == GATE_NO_INDEX)
			o += (size_t)snprintf(buf + o, size - o, "%s%s", k ? "," : "",
					      m->label->id);
		else
			o += (size_t)snprintf(buf + o, size - o, "%s%s@%zu", k ? "," : "",
					      m->label->id, m->index);
		assert_true(o < size);
		assert_non_null(m->label->zh);
		assert_non_null(m->label->en);
		assert_true(m->label->zh[0] != '\0' && m->label->en[0] != '\0');
	}
}

/* Evaluate s and check that exactly the rule `only` fails (GATE_RULE_COUNT: none), with
 * exactly the missing evidence `want`. */
static void expect_only(const struct gate_snapshot *s, int only, const char *want)
{
	struct gate_report *r = eval(s);
	char got[1024];

	for (int i = 0; i < GATE_RULE_COUNT; i++) {
		const struct gate_rule_result *res = &r->rules[i];

		assert_int_equal(res->rule, i);
		missing_list(got, sizeof(got), res);
		if (i == only) {
			if (res->passed || strcmp(got, want) != 0)
				fail_msg("rule %s: passed %d, missing \"%s\", want \"%s\"",
					 rule_ids[i], res->passed, got, want);
			assert_null(res->basis);
		} else {
			if (!res->passed)
				fail_msg("rule %s failed too: missing \"%s\"", rule_ids[i], got);
			assert_int_equal(res->n_missing, 0);
			assert_non_null(res->basis);
		}
	}
	assert_int_equal(r->passed, only == GATE_RULE_COUNT);
	assert_true(r->now_us == s->now_us);
	gate_report_free(r);
}

/* ---- the gate table ------------------------------------------------------------- */

static void test_passes_all(void **state)
{
	struct gate_snapshot s;
	struct gate_report *r;

	(void)state;
	base(&s);
	expect_only(&s, GATE_RULE_COUNT, "");
	r = eval(&s);
	assert_string_equal(r->rules[GATE_FIX_FIRST].basis->id, "fix_available");
	assert_string_equal(r->rules[GATE_BLACKOUT].basis->id, "outside_blackout");
	assert_true(r->rules[GATE_BLACKOUT].basis_index == GATE_NO_INDEX);
	for (int i = 0; i < GATE_RULE_COUNT; i++)
		assert_int_equal(r->rules[i].n_findings, 0);
	gate_report_free(r);
}

static void test_fails_only_fix_first(void **state)
{
	struct gate_snapshot s;

	(void)state;
	base(&s);
	s.kase.fix_available = 0;
	expect_only(&s, GATE_FIX_FIRST,
		    "fix_or_mitigation,early_release_joint_assessment,early_release_report_miit,"
		    "early_release_report_mps,early_release_authority_assessment");
}

static void test_fails_only_operator_details(void **state)
{
	struct gate_snapshot s;

	(void)state;
	base(&s);
	s.kase.role = CASE_ROLE_OPERATOR;
	expect_only(&s, GATE_OPERATOR_DETAILS, "provider_case");
	base(&s);
	s.advisory.text[GATE_FIELD_DESCRIPTION][GATE_LANG_EN] =
		"The management page at 192.168.1.1 accepts an empty token.";
	expect_only(&s, GATE_OPERATOR_DETAILS, "findings_cleared");
}

static void test_fails_only_no_exaggeration(void **state)
{
	struct gate_snapshot s;

	(void)state;
	base(&s);
	s.advisory.stated_cvss = GATE_SEV_CRITICAL;
	expect_only(&s, GATE_NO_EXAGGERATION, "cvss_severity_supported");
	base(&s);
	s.advisory.text[GATE_FIELD_SUMMARY][GATE_LANG_ZH] = "该漏洞具有毁灭性影响。";
	expect_only(&s, GATE_NO_EXAGGERATION, "findings_cleared");
	base(&s);
	s.advisory.attested_by = 0;
	expect_only(&s, GATE_NO_EXAGGERATION, "reviewer_attestation");
}

static void test_fails_only_no_exploit(void **state)
{
	struct gate_snapshot s;

	(void)state;
	base(&s);
	s.advisory.n_attachments = 2;
	expect_only(&s, GATE_NO_EXPLOIT, "no_poc_attachment@1");
	base(&s);
	s.advisory.text[GATE_FIELD_DESCRIPTION][GATE_LANG_ZH] = "附件包含攻击载荷。";
	expect_only(&s, GATE_NO_EXPLOIT, "findings_cleared");
}

static void test_fails_only_remediation(void **state)
{
	struct gate_snapshot s;

	(void)state;
	base(&s);
	for (int l = 0; l < GATE_LANG_COUNT; l++) {
		s.advisory.text[GATE_FIELD_REMEDIATION][l] = NULL;
		s.advisory.text[GATE_FIELD_WORKAROUNDS][l] = " \t\n\xe3\x80\x80";
	}
	expect_only(&s, GATE_REMEDIATION, "remediation");
}

static void test_fails_only_blackout(void **state)
{
	struct gate_snapshot s;

	(void)state;
	base(&s);
	s.n_blackouts = 2;
	expect_only(&s, GATE_BLACKOUT, "mps_consent@1");
}

static void test_fails_only_overseas(void **state)
{
	struct gate_snapshot s;

	(void)state;
	base(&s);
	s.advisory.n_recipients = 3;
	expect_only(&s, GATE_OVERSEAS, "no_overseas_recipient@2");
}

static void test_fails_only_two_person(void **state)
{
	struct gate_snapshot s;

	(void)state;
	base(&s);
	s.approvals = approvals_author;
	s.n_approvals = 1;
	expect_only(&s, GATE_TWO_PERSON, "second_coordinator_approval");
	base(&s);
	s.n_approvals = 0;
	expect_only(&s, GATE_TWO_PERSON, "second_coordinator_approval");
}

/* ---- each rule's evidence ------------------------------------------------------- */

static void early_release(struct gate_snapshot *s)
{
	s->kase.fix_available = 0;
	s->kase.joint_assessment = (struct gate_step){ NOW - 10 * DAY, "会商纪要 2025-01" };
	s->kase.report_miit = (struct gate_step){ NOW - 8 * DAY, "工信部报送 NVDB-2025-0042" };
	s->kase.report_mps = (struct gate_step){ NOW - 8 * DAY, "公安部报送 2025-0007" };
	s->kase.authority_assessment = (struct gate_step){ NOW - 2 * DAY, "评估意见 2025-3" };
}

static void test_fix_first_paths(void **state)
{
	struct gate_snapshot s;
	struct gate_report *r;

	(void)state;
	/* a fix on a case sent back to fixing is no fix; a mitigation counts in any state */
	base(&s);
	s.kase.state = CASE_FIXING;
	expect_only(&s, GATE_FIX_FIRST,
		    "fix_or_mitigation,early_release_joint_assessment,early_release_report_miit,"
		    "early_release_report_mps,early_release_authority_assessment");
	s.kase.mitigation_recorded = 1;
	r = eval(&s);
	assert_true(r->rules[GATE_FIX_FIRST].passed);
	assert_string_equal(r->rules[GATE_FIX_FIRST].basis->id, "mitigation_recorded");
	gate_report_free(r);
	static const enum case_state with_fix[] = { CASE_FIX_AVAILABLE, CASE_DISCLOSURE_PENDING,
						    CASE_PUBLISHED, CASE_CLOSED };
	for (size_t k = 0; k < sizeof(with_fix) / sizeof(with_fix[0]); k++) {
		base(&s);
		s.kase.state = with_fix[k];
		expect_only(&s, GATE_RULE_COUNT, "");
	}

	/* the complete early-release record */
	base(&s);
	early_release(&s);
	r = eval(&s);
	assert_true(r->passed);
	assert_string_equal(r->rules[GATE_FIX_FIRST].basis->id, "early_release_record");
	gate_report_free(r);

	/* each step missing, blank or dated after now */
	base(&s);
	early_release(&s);
	s.kase.report_mps.ref = "  ";
	expect_only(&s, GATE_FIX_FIRST, "fix_or_mitigation,early_release_report_mps");
	base(&s);
	early_release(&s);
	s.kase.authority_assessment.at_us = NOW + DAY;
	expect_only(&s, GATE_FIX_FIRST, "fix_or_mitigation,early_release_authority_assessment");
	base(&s);
	early_release(&s);
	s.kase.joint_assessment.at_us = 0;
	expect_only(&s, GATE_FIX_FIRST, "fix_or_mitigation,early_release_joint_assessment");
	base(&s);
	early_release(&s);
	s.kase.report_miit.ref = NULL;
	expect_only(&s, GATE_FIX_FIRST, "fix_or_mitigation,early_release_report_miit");

	/* out of order: the authorities assessed before the report to MIIT */
	base(&s);
	early_release(&s);
	s.kase.authority_assessment.at_us = NOW - 9 * DAY;
	expect_only(&s, GATE_FIX_FIRST, "fix_or_mitigation,early_release_order");
	base(&s);
	early_release(&s);
	s.kase.report_mps.at_us = NOW - 11 * DAY;       /* before the joint assessment */
	expect_only(&s, GATE_FIX_FIRST, "fix_or_mitigation,early_release_order");
}

static void test_exaggeration_paths(void **state)
{
	struct gate_snapshot s;

	(void)state;
	/* understating is not exaggerating */
	base(&s);
	s.advisory.stated_cvss = GATE_SEV_MEDIUM;
	s.advisory.stated_gbt = GATE_SEV_LOW;
	expect_only(&s, GATE_RULE_COUNT, "");
	/* GB/T grade above the computed one */
	base(&s);
	s.advisory.stated_gbt = GATE_SEV_CRITICAL;
	expect_only(&s, GATE_NO_EXAGGERATION, "gbt_grade_supported");
	/* each falls back to the other system */
	base(&s);
	s.advisory.gbt = GATE_SEV_UNSET;
	s.advisory.cvss = GATE_SEV_MEDIUM;
	s.advisory.text[GATE_FIELD_DESCRIPTION][GATE_LANG_ZH] = "该漏洞源于会话校验逻辑错误。";
	s.advisory.text[GATE_FIELD_DESCRIPTION][GATE_LANG_EN] = "The session check is wrong.";
	expect_only(&s, GATE_NO_EXAGGERATION, "cvss_severity_supported,gbt_grade_supported");
	/* stated, nothing computed */
	base(&s);
	s.advisory.cvss = GATE_SEV_UNSET;
	s.advisory.gbt = GATE_SEV_UNSET;
	expect_only(&s, GATE_NO_EXAGGERATION, "computed_severity");
	/* nothing stated, nothing computed: nothing to compare */
	s.advisory.stated_cvss = GATE_SEV_UNSET;
	s.advisory.stated_gbt = GATE_SEV_UNSET;
	expect_only(&s, GATE_RULE_COUNT, "");
	/* the author cannot attest their own text */
	base(&s);
	s.advisory.attested_by = AUTHOR;
	expect_only(&s, GATE_NO_EXAGGERATION, "attestation_not_by_author");
	/* a severity word above the computed severity */
	base(&s);
	s.advisory.cvss = GATE_SEV_MEDIUM;
	s.advisory.gbt = GATE_SEV_MEDIUM;
	s.advisory.stated_cvss = GATE_SEV_MEDIUM;
	s.advisory.stated_gbt = GATE_SEV_MEDIUM;
	expect_only(&s, GATE_NO_EXAGGERATION, "findings_cleared");
}

static void test_remediation_per_language(void **state)
{
	struct gate_snapshot s;

	(void)state;
	/* a workaround is a 防范措施 too */
	base(&s);
	s.advisory.text[GATE_FIELD_REMEDIATION][GATE_LANG_ZH] = NULL;
	expect_only(&s, GATE_RULE_COUNT, "");
	/* the zh-CN text says nothing of a fix */
	s.advisory.text[GATE_FIELD_WORKAROUNDS][GATE_LANG_ZH] = "";
	expect_only(&s, GATE_REMEDIATION, "remediation_zh");
	/* an advisory only in English needs it only in English */
	for (int f = 0; f < GATE_FIELD_COUNT; f++)
		s.advisory.text[f][GATE_LANG_ZH] = NULL;
	expect_only(&s, GATE_RULE_COUNT, "");
	base(&s);
	s.advisory.text[GATE_FIELD_REMEDIATION][GATE_LANG_EN] = "\xc2\xa0";
	s.advisory.text[GATE_FIELD_WORKAROUNDS][GATE_LANG_EN] = NULL;
	expect_only(&s, GATE_REMEDIATION, "remediation_en");
}

static void test_blackout_paths(void **state)
{
	struct gate_snapshot s;
	struct gate_report *r;
	struct gate_blackout w[2] = {
		{ NOW, NOW + DAY, "starts now", NULL },
		{ NOW - DAY, NOW, "ends now", NULL },
	};

	(void)state;
	/* consent for the window we are in */
	base(&s);
	s.blackouts = windows + 2;
	s.n_blackouts = 1;
	r = eval(&s);
	assert_true(r->passed);
	assert_string_equal(r->rules[GATE_BLACKOUT].basis->id, "mps_consent");
	assert_int_equal(r->rules[GATE_BLACKOUT].basis_index, 0);
	gate_report_free(r);
	/* inside two, consent for one only */
	s.blackouts = windows;
	s.n_blackouts = 3;
	expect_only(&s, GATE_BLACKOUT, "mps_consent@1");
	/* windows are [start, end) */
	s.blackouts = w;
	s.n_blackouts = 1;
	expect_only(&s, GATE_BLACKOUT, "mps_consent@0");
	s.blackouts = w + 1;
	expect_only(&s, GATE_RULE_COUNT, "");
	/* a blank consent reference is none */
	w[0].mps_consent_ref = " ";
	s.blackouts = w;
	expect_only(&s, GATE_BLACKOUT, "mps_consent@0");
}

static void test_overseas_paths(void **state)
{
	struct gate_snapshot s;
	struct gate_recipient rc[] = {
		{ "provider, country unknown", NULL, 1 },
		{ "lower case", "cn", 0 },
		{ "Macao", "MO", 0 },
		{ "Taiwan", "TW", 0 },
		{ "blank", " ", 0 },
	};

	(void)state;
	base(&s);
	s.advisory.n_recipients = 5;    /* US, HK abroad; one not known */
	expect_only(&s, GATE_OVERSEAS,
		    "recipient_country@4,no_overseas_recipient@2,no_overseas_recipient@3");
	s.advisory.recipients = rc;
	s.advisory.n_recipients = 2;
	expect_only(&s, GATE_RULE_COUNT, "");
	s.advisory.n_recipients = 5;
	expect_only(&s, GATE_OVERSEAS,
		    "recipient_country@4,no_overseas_recipient@2,no_overseas_recipient@3");
}

static void test_two_person_paths(void **state)
{
	struct gate_snapshot s;
	const int64_t others[] = { 0, SECOND };

	(void)state;
	base(&s);
	s.author_id = 0;
	expect_only(&s, GATE_TWO_PERSON, "author");
	base(&s);
	s.approvals = others;
	expect_only(&s, GATE_RULE_COUNT, "");
	s.approvals = others;
	s.n_approvals = 1;      /* only the 0 */
	expect_only(&s, GATE_TWO_PERSON, "second_coordinator_approval");
}

static void test_invalid(void **state)
{
	struct gate_snapshot s;
	struct gate_report *r = (struct gate_report *)&s;
	struct err e = ERR_INIT;
	const char *bad_cleared[] = { "abc", NULL };
	const struct gate_blackout empty[] = { { NOW, NOW, "empty", NULL } };

	(void)state;
	assert_int_equal(gate_evaluate(&r, NULL, &e), -1);
	assert_null(r);
	assert_int_equal(e.code, ERR_INVALID);

#define BAD(stmt, want_)                                                                   \
	do {                                                                             \
		base(&s);                                                                \
		stmt;                                                                    \
		err_clear(&e);                                                           \
		r = (struct gate_report *)&s;                                            \
		assert_int_equal(gate_evaluate(&r, &s, &e), -1);                         \
		assert_null(r);                                                          \
		assert_int_equal(e.code, ERR_INVALID);                                   \
		assert_string_equal(e.msg, want_);                                       \
	} while (0)
	BAD(s.kase.role = 0, "case role 0 is not \"provider\" or \"operator\"");
	BAD(s.kase.role = 3, "case role 3 is not \"provider\" or \"operator\"");
	BAD(s.kase.state = CASE_STATE_COUNT, "case state 10 is not a state");
	BAD(s.advisory.cvss = GATE_SEV_COUNT, "severity out of range");
	BAD(s.advisory.gbt = GATE_SEV_NONE, "\"none\" is not a GB/T 30279 grade");
	BAD(s.advisory.stated_gbt = GATE_SEV_NONE, "\"none\" is not a GB/T 30279 grade");
	BAD(s.approvals = NULL, "a list with a count has no items");
	BAD((s.advisory.cleared = bad_cleared, s.advisory.n_cleared = 2),
	    "cleared finding 1 has no id");
	BAD((s.blackouts = empty, s.n_blackouts = 1),
	    "blackout window \"empty\" does not end after it starts");
#undef BAD
}

/* ---- the scanners: exact findings ------------------------------------------------ */

struct want {
	const char *kind;
	size_t offset;
	const char *match;
};

static void check_scan(enum gate_rule rule, enum gate_field field, enum gate_lang lang,
		       const char *text, enum gate_severity computed, const struct want *w,
		       size_t nw)
{
	struct gate_finding *v = NULL;
	size_t n = 0;
	int truncated = -1;
	struct err e = ERR_INIT;

	assert_int_equal(gate_scan(&v, &n, &truncated, rule, field, lang, text, computed, &e), 0);
	assert_int_equal(truncated, 0);
	if (n != nw) {
		for (size_t k = 0; k < n; k++)
			print_message("  got %s at %zu len %zu: %s\n", v[k].kind, v[k].offset,
				      v[k].len, v[k].excerpt);
		free(v);
		fail_msg("%zu findings, want %zu", n, nw);
	}
	for (size_t k = 0; k < n; k++) {
		char id[GATE_FINDING_ID_LEN];

		if (strcmp(v[k].kind, w[k].kind) != 0 || v[k].offset != w[k].offset ||
		    v[k].len != strlen(w[k].match))
			fail_msg("finding %zu: %s at %zu len %zu, want %s at %zu len %zu", k,
				 v[k].kind, v[k].offset, v[k].len, w[k].kind, w[k].offset,
				 strlen(w[k].match));
		assert_memory_equal(text + v[k].offset, w[k].match, v[k].len);
		assert_int_equal(v[k].rule, rule);
		assert_int_equal(v[k].field, field);
		assert_int_equal(v[k].lang, lang);
		assert_int_equal(v[k].cleared, 0);
		gate_finding_id(id, rule, field, lang, v[k].offset, w[k].match, strlen(w[k].match));
		assert_string_equal(v[k].id, id);
		assert_int_equal(strlen(v[k].id), 32);
		/* a one-line match of modest length shows whole in its excerpt */
		if (!strchr(w[k].match, '\n') && strlen(w[k].match) < 100)
			assert_non_null(strstr(v[k].excerpt, w[k].match));
	}
	free(v);
}

#define CHECK(rule, field, lang, text, computed, ...)                                    \
	do {                                                                             \
		static const struct want w_[] = { __VA_ARGS__ };                         \
		check_scan(rule, field, lang, text, computed, w_, sizeof(w_) / sizeof(w_[0])); \
	} while (0)

static void check_none(enum gate_rule rule, enum gate_field field, const char *text,
		       enum gate_severity computed)
{
	check_scan(rule, field, GATE_LANG_EN, text, computed, NULL, 0);
}

static void test_scan_internal_en(void **state)
{
	(void)state;
	CHECK(GATE_OPERATOR_DETAILS, GATE_FIELD_DESCRIPTION, GATE_LANG_EN,
	      "Hosts 10.1.2.3, 172.16.0.9/24, 100.64.1.1, 127.0.0.1 and 169.254.10.20 are "
	      "internal; 8.8.8.8 and 172.32.0.1 are not. See http://wiki.corp/page?id=1 and "
	      "https://www.example.com/x, mail db01.intranet or nas.home.arpa. IPv6 fd12:3456::1 "
	      "and [fe80::1%eth0] but not 2001:db8::1. Version 1.2.3.4 and version 10.0.0.1 are "
	      "versions.",
	      GATE_SEV_UNSET,
	      { "private_ipv4", 6, "10.1.2.3" },
	      { "private_ipv4", 16, "172.16.0.9/24" },
	      { "private_ipv4", 31, "100.64.1.1" },
	      { "private_ipv4", 43, "127.0.0.1" },
	      { "private_ipv4", 57, "169.254.10.20" },
	      { "internal_url", 121, "http://wiki.corp/page?id=1" },
	      { "internal_host", 184, "db01.intranet" },
	      { "internal_host", 201, "nas.home.arpa" },
	      { "private_ipv6", 221, "fd12:3456::1" },
	      { "private_ipv6", 239, "fe80::1%eth0" });
	/* single-label and localhost URLs are not public; 100.128/10 is outside CGNAT */
	CHECK(GATE_OPERATOR_DETAILS, GATE_FIELD_SUMMARY, GATE_LANG_EN,
	      "Open http://jira/browse/X-1, https://localhost:8443/ or "
	      "http://user:pw@[fd00::5]:80/a. 100.128.0.1 is public; so is ftp://ftp.example.org/.",
	      GATE_SEV_UNSET,
	      { "internal_url", 5, "http://jira/browse/X-1" },
	      { "internal_url", 29, "https://localhost:8443/" },
	      { "internal_url", 56, "http://user:pw@[fd00::5]:80/a" });
}

static void test_scan_internal_zh(void **state)
{
	(void)state;
	CHECK(GATE_OPERATOR_DETAILS, GATE_FIELD_DESCRIPTION, GATE_LANG_ZH,
	      "受影响的服务器位于 192.168.10.5，内网地址 http://10.0.0.8:8080/admin 以及主机 "
	      "oa.corp。固件版本：10.2.0.1 不是地址。公网 114.114.114.114 不标记。",
	      GATE_SEV_UNSET,
	      { "private_ipv4", 28, "192.168.10.5" },
	      { "internal_url", 56, "http://10.0.0.8:8080/admin" },
	      { "internal_host", 96, "oa.corp" });
}

static void test_scan_exploit_en(void **state)
{
	(void)state;
	CHECK(GATE_NO_EXPLOIT, GATE_FIELD_DESCRIPTION, GATE_LANG_EN,
	      "Summary with a payload.\n\n```\ncurl -X POST http://target/api\n```\n\n"
	      "Run curl -k https://victim.example/cgi-bin/x to test.\n"
	      "Inject 127.0.0.1; id into the field.\n"
	      "The PoC and the proof-of-concept are attached. Attackers could exploit this flaw; "
	      "a public exploit exists. It is exploitable.\n\n"
	      "    nc -lvp 4444\n\nSteps to reproduce:\n1. Log in.\n2. Send the request.\n\n"
	      "Blob: \\x90\\x90\\x90\\x90\\x90\\x90\\x90\\x90 and "
	      "KCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4/QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl9gYWJj"
	      "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CB\n",
	      GATE_SEV_UNSET,
	      { "exploit_term", 15, "payload" },
	      { "code_block", 25, "```\ncurl -X POST http://target/api\n```" },
	      { "shell_command", 69, "curl -k https://victim.example/cgi-bin/x to test." },
	      { "shell_chain", 135, "; id into the field." },
	      { "exploit_term", 160, "PoC" },
	      { "exploit_term", 172, "proof-of-concept" },
	      { "exploit_term", 247, "exploit" },
	      { "indented_code", 287, "nc -lvp 4444" },
	      { "step_by_step", 301, "Steps to reproduce:\n1. Log in.\n2. Send the request." },
	      { "hex_blob", 360, "\\x90\\x90\\x90\\x90\\x90\\x90\\x90\\x90" },
	      { "base64_blob", 397,
		"KCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4/QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl9gYWJj"
		"ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CB" });
	/* an unclosed fence runs to the end; tildes; 0x byte lists; interpreters after | */
	CHECK(GATE_NO_EXPLOIT, GATE_FIELD_SUMMARY, GATE_LANG_EN,
	      "echo x | sh\nbytes 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, "
	      "0x4b, 0x4c, 0x4d, 0x4e, 0x4f, 0x50 end\n~~~~\nanything\n",
	      GATE_SEV_UNSET,
	      { "shell_chain", 7, "| sh" },
	      { "hex_blob", 18,
		"0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, "
		"0x4e, 0x4f, 0x50" },
	      { "code_block", 117, "~~~~\nanything" });
}

static void test_scan_exploit_zh(void **state)
{
	(void)state;
	CHECK(GATE_NO_EXPLOIT, GATE_FIELD_DESCRIPTION, GATE_LANG_ZH,
	      "漏洞利用工具和攻击载荷已公开。\n复现步骤：\n第一步：登录管理界面\n"
	      "第二步：发送构造的请求\n利用代码见附件。",
	      GATE_SEV_UNSET,
	      { "exploit_term", 0, "漏洞利用工具" },
	      { "exploit_term", 21, "攻击载荷" },
	      { "step_by_step", 46, "复现步骤：\n第一步：登录管理界面\n第二步：发送构造的请求" },
	      { "exploit_term", 127, "利用代码" });
	/* numbered lines in the Chinese styles after 步骤 */
	CHECK(GATE_NO_EXPLOIT, GATE_FIELD_SUMMARY, GATE_LANG_ZH,
	      "操作步骤\n（1）打开页面\n\n（2）提交表单\n② 再次提交\n结束",
	      GATE_SEV_UNSET,
	      { "step_by_step", 0, "操作步骤\n（1）打开页面\n\n（2）提交表单\n② 再次提交" });
}

static void test_scan_steps_not_in_remediation(void **state)
{
	static const char text[] = "升级步骤：\n1. 下载固件\n2. 升级并重启";

	(void)state;
	check_scan(GATE_NO_EXPLOIT, GATE_FIELD_REMEDIATION, GATE_LANG_ZH, text, GATE_SEV_UNSET,
		   NULL, 0);
	check_scan(GATE_NO_EXPLOIT, GATE_FIELD_WORKAROUNDS, GATE_LANG_ZH, text, GATE_SEV_UNSET,
		   NULL, 0);
	CHECK(GATE_NO_EXPLOIT, GATE_FIELD_DESCRIPTION, GATE_LANG_ZH,
	      "升级步骤：\n1. 下载固件\n2. 升级并重启", GATE_SEV_UNSET,
	      { "step_by_step", 0, "升级步骤：\n1. 下载固件\n2. 升级并重启" });
	/* one numbered line is not a sequence; "in step 5" is prose */
	check_none(GATE_NO_EXPLOIT, GATE_FIELD_DESCRIPTION,
		   "Steps to reproduce are in the report.\n1. only one\nDone in step 5.",
		   GATE_SEV_UNSET);
	/* "Step 1 ... Step 2" on one line */
	CHECK(GATE_NO_EXPLOIT, GATE_FIELD_DESCRIPTION, GATE_LANG_EN,
	      "Step 1: log in. Step 2: upload.", GATE_SEV_UNSET,
	      { "step_by_step", 0, "Step 1: log in. Step 2: upload." });
}

static void test_scan_alarm(void **state)
{
	static const char en[] = "This catastrophic flaw affects every device. It is a critical "
				 "vulnerability in critical infrastructure. A high-severity issue.";
	static const char zh[] = "史上最严重的漏洞，可导致全网瘫痪，属于超危漏洞。";

	(void)state;
	CHECK(GATE_NO_EXAGGERATION, GATE_FIELD_SUMMARY, GATE_LANG_EN, en, GATE_SEV_MEDIUM,
	      { "alarm_wording", 5, "catastrophic" },
	      { "alarm_wording", 31, "every device" },
	      { "severity_term", 53, "critical" },
	      { "severity_term", 106, "high-severity" });
	/* severity words at or below the computed severity are fine */
	CHECK(GATE_NO_EXAGGERATION, GATE_FIELD_SUMMARY, GATE_LANG_EN, en, GATE_SEV_CRITICAL,
	      { "alarm_wording", 5, "catastrophic" },
	      { "alarm_wording", 31, "every device" });
	/* and not looked for when nothing is computed */
	CHECK(GATE_NO_EXAGGERATION, GATE_FIELD_SUMMARY, GATE_LANG_EN, en, GATE_SEV_UNSET,
	      { "alarm_wording", 5, "catastrophic" },
	      { "alarm_wording", 31, "every device" });
	CHECK(GATE_NO_EXAGGERATION, GATE_FIELD_TITLE, GATE_LANG_ZH, zh, GATE_SEV_HIGH,
	      { "alarm_wording", 0, "史上最" },
	      { "alarm_wording", 36, "全网瘫痪" },
	      { "severity_term", 57, "超危" });
	CHECK(GATE_NO_EXAGGERATION, GATE_FIELD_TITLE, GATE_LANG_ZH, zh, GATE_SEV_CRITICAL,
	      { "alarm_wording", 0, "史上最" },
	      { "alarm_wording", 36, "全网瘫痪" });
}

static void test_scan_false_positives(void **state)
{
	static const char text[] =
		"Fixed in version 1.2.3.4 and in v10.0.0.1; servers at 8.8.8.8 and 1.1.1.1 and "
		"example.com are public. Versions 10.0.0.1, 10.0.0.2 and 10.0.1.0 are affected. "
		"SHA-256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08. "
		"The flaw is exploitable and was exploited in the wild; attackers could exploit it "
		"to run code. Critical infrastructure sectors are affected. Time 12:30:45, MAC "
		"00:1a:2b:3c:4d:5e, C++ std::string and a::b.\n\n"
		"| id | name |\n|----|------|\n| 1 | curl |\n\n"
		"- item\n\n    continued item text\n";

	(void)state;
	for (int r = GATE_OPERATOR_DETAILS; r <= GATE_NO_EXPLOIT; r++)
		check_none((enum gate_rule)r, GATE_FIELD_DESCRIPTION, text, GATE_SEV_LOW);
	check_none(GATE_OPERATOR_DETAILS, GATE_FIELD_DESCRIPTION,
		   "固件版本：10.2.0.1 和 10.2.0.5，版本号 192.168.0.1", GATE_SEV_UNSET);
	/* curl the project, not the command */
	check_none(GATE_NO_EXPLOIT, GATE_FIELD_SUMMARY,
		   "A flaw in curl before 8.5.0 and in libcurl; wget is not affected.",
		   GATE_SEV_UNSET);
	/* a name that goes on after an internal suffix is not internal */
	check_none(GATE_OPERATOR_DETAILS, GATE_FIELD_SUMMARY,
		   "See docs.local.example.com and the .local domain, corp.example.net.",
		   GATE_SEV_UNSET);
}

static void test_scan_utf8(void **state)
{
	static const char bad[] = "\xff\xfe 10.0.0.1 \xe4\xb8 exploit \xed\xa0\x80";
	struct gate_finding *v = NULL;
	size_t n = 0;
	int truncated = 0;
	struct err e = ERR_INIT;

	(void)state;
	CHECK(GATE_OPERATOR_DETAILS, GATE_FIELD_SUMMARY, GATE_LANG_EN, bad, GATE_SEV_UNSET,
	      { "private_ipv4", 3, "10.0.0.1" });
	CHECK(GATE_NO_EXPLOIT, GATE_FIELD_SUMMARY, GATE_LANG_EN, bad, GATE_SEV_UNSET,
	      { "exploit_term", 15, "exploit" });
	assert_int_equal(gate_scan(&v, &n, &truncated, GATE_OPERATOR_DETAILS, GATE_FIELD_SUMMARY,
				   GATE_LANG_EN, bad, GATE_SEV_UNSET, &e), 0);
	assert_int_equal(n, 1);
	/* invalid bytes as U+FFFD: \xff \xfe, the cut \xe4\xb8 (two), the surrogate (three) */
	assert_string_equal(v[0].excerpt, "\xef\xbf\xbd\xef\xbf\xbd 10.0.0.1 "
					  "\xef\xbf\xbd\xef\xbf\xbd exploit "
					  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	free(v);

	/* a long match is cut on a character boundary with an ellipsis */
	char big[4096];
	size_t o = 0;
	o += (size_t)snprintf(big + o, sizeof(big) - o, "```\n");
	for (int k = 0; k < 200; k++)
		o += (size_t)snprintf(big + o, sizeof(big) - o, "漏");
	snprintf(big + o, sizeof(big) - o, "\n```\n");
	assert_int_equal(gate_scan(&v, &n, &truncated, GATE_NO_EXPLOIT, GATE_FIELD_SUMMARY,
				   GATE_LANG_ZH, big, GATE_SEV_UNSET, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].kind, "code_block");
	assert_int_equal(v[0].len, strlen(big) - 1);
	size_t el = strlen(v[0].excerpt);
	assert_true(el < GATE_EXCERPT_MAX);
	assert_memory_equal(v[0].excerpt, "``` 漏漏", strlen("``` 漏漏"));
	assert_string_equal(v[0].excerpt + el - 3, "\xe2\x80\xa6");
	assert_int_equal((el - 3 - 4) % 3, 0); /* whole characters only */
	free(v);
}

static void test_scan_truncated(void **state)
{
	char *text = malloc(GATE_SCAN_MAX * 10 + 100);
	struct gate_finding *v = NULL;
	size_t n = 0, o = 0;
	int truncated = 0;
	struct err e = ERR_INIT;
	struct gate_snapshot s;
	struct gate_report *r;

	(void)state;
	assert_non_null(text);
	for (int k = 0; k < GATE_SCAN_MAX + 5; k++) {
		memcpy(text + o, "10.0.0.1 ", 9);
		o += 9;
	}
	text[o] = '\0';
	assert_int_equal(gate_scan(&v, &n, &truncated, GATE_OPERATOR_DETAILS, GATE_FIELD_SUMMARY,
				   GATE_LANG_EN, text, GATE_SEV_UNSET, &e), 0);
	assert_int_equal(n, GATE_SCAN_MAX);
	assert_int_equal(truncated, 1);
	assert_int_equal(v[GATE_SCAN_MAX - 1].offset, (GATE_SCAN_MAX - 1) * 9);
	free(v);

	base(&s);
	s.advisory.text[GATE_FIELD_DESCRIPTION][GATE_LANG_EN] = text;
	expect_only(&s, GATE_OPERATOR_DETAILS, "findings_cleared,findings_truncated");
	/* clearing every listed finding does not clear the truncation */
	r = eval(&s);
	const struct gate_rule_result *res = &r->rules[GATE_OPERATOR_DETAILS];
	const char **ids = malloc(res->n_findings * sizeof(*ids));
	assert_non_null(ids);
	for (size_t k = 0; k < res->n_findings; k++)
		ids[k] = res->findings[k].id;
	s.advisory.cleared = ids;
	s.advisory.n_cleared = res->n_findings;
	expect_only(&s, GATE_OPERATOR_DETAILS, "findings_truncated");
	free(ids);
	gate_report_free(r);
	free(text);
}

static void test_scan_invalid(void **state)
{
	struct gate_finding *v = (struct gate_finding *)state;
	size_t n = 9;
	int t = 9;
	struct err e = ERR_INIT;

	assert_int_equal(gate_scan(&v, &n, &t, GATE_FIX_FIRST, GATE_FIELD_TITLE, GATE_LANG_EN,
				   "x", GATE_SEV_UNSET, &e), -1);
	assert_null(v);
	assert_int_equal(n, 0);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.msg, "rule \"rmsv_9_1_fix_first\" does not scan text");
	assert_int_equal(gate_scan(&v, &n, &t, GATE_NO_EXPLOIT, GATE_FIELD_COUNT, GATE_LANG_EN,
				   "x", GATE_SEV_UNSET, &e), -1);
	assert_int_equal(gate_scan(&v, &n, &t, GATE_NO_EXPLOIT, GATE_FIELD_TITLE, GATE_LANG_EN,
				   NULL, GATE_SEV_UNSET, &e), -1);
	assert_int_equal(gate_scan(&v, &n, &t, GATE_NO_EXPLOIT, GATE_FIELD_TITLE, GATE_LANG_EN,
				   "", GATE_SEV_UNSET, &e), 0);
	assert_int_equal(n, 0);
	assert_null(v);
}

/* ---- findings in the report: order, clearing, ids ---------------------------------- */

static void test_findings_cleared(void **state)
{
	struct gate_snapshot s;
	struct gate_report *r, *again;
	const char *ids[16];
	size_t nids = 0;

	(void)state;
	base(&s);
	s.advisory.text[GATE_FIELD_DESCRIPTION][GATE_LANG_EN] =
		"Reproduced against 10.20.30.40 with a payload; see http://build.lan/job/7.";
	s.advisory.text[GATE_FIELD_SUMMARY][GATE_LANG_ZH] =
		"内网主机 git.corp 上的测试表明存在漏洞。";
	s.advisory.text[GATE_FIELD_TITLE][GATE_LANG_EN] = "Doomsday bug in Example Router";
	r = eval(&s);
	assert_false(r->passed);

	/* 9(2): by field (summary before description), language, offset */
	const struct gate_rule_result *d = &r->rules[GATE_OPERATOR_DETAILS];
	assert_int_equal(d->n_findings, 3);
	assert_int_equal(d->findings[0].field, GATE_FIELD_SUMMARY);
	assert_int_equal(d->findings[0].lang, GATE_LANG_ZH);
	assert_string_equal(d->findings[0].kind, "internal_host");
	assert_int_equal(d->findings[0].offset, strlen("内网主机 "));
	assert_int_equal(d->findings[1].field, GATE_FIELD_DESCRIPTION);
	assert_string_equal(d->findings[1].kind, "private_ipv4");
	assert_int_equal(d->findings[1].offset, 19);
	assert_string_equal(d->findings[2].kind, "internal_url");
	assert_int_equal(d->findings[2].offset, 51);
	assert_string_equal(gate_field_name(d->findings[2].field, d->findings[2].lang),
			    "description.en");
	const struct gate_rule_result *x = &r->rules[GATE_NO_EXPLOIT];
	assert_int_equal(x->n_findings, 1);
	assert_string_equal(x->findings[0].kind, "exploit_term");
	const struct gate_rule_result *a = &r->rules[GATE_NO_EXAGGERATION];
	assert_int_equal(a->n_findings, 1);
	assert_int_equal(a->findings[0].field, GATE_FIELD_TITLE);
	assert_int_equal(a->findings[0].offset, 0);

	/* the same snapshot gives the same ids */
	again = eval(&s);
	for (int i = 0; i < GATE_RULE_COUNT; i++) {
		assert_int_equal(again->rules[i].n_findings, r->rules[i].n_findings);
		for (size_t k = 0; k < r->rules[i].n_findings; k++) {
			assert_string_equal(again->rules[i].findings[k].id,
					    r->rules[i].findings[k].id);
			ids[nids++] = r->rules[i].findings[k].id;
		}
	}
	gate_report_free(again);
	assert_int_equal(nids, 5);

	/* clear all but the last: still failing; then all: passes */
	s.advisory.cleared = ids;
	s.advisory.n_cleared = nids - 1;
	again = eval(&s);
	assert_false(again->passed);
	assert_true(again->rules[GATE_OPERATOR_DETAILS].passed);
	assert_true(again->rules[GATE_NO_EXAGGERATION].passed);
	assert_false(again->rules[GATE_NO_EXPLOIT].passed);
	assert_int_equal(again->rules[GATE_OPERATOR_DETAILS].findings[0].cleared, 1);
	assert_int_equal(again->rules[GATE_OPERATOR_DETAILS].n_findings, 3);
	gate_report_free(again);
	s.advisory.n_cleared = nids;
	expect_only(&s, GATE_RULE_COUNT, "");

	/* a finding that moves is a new finding: the clearance lapses */
	s.advisory.text[GATE_FIELD_DESCRIPTION][GATE_LANG_EN] =
		"Reproduced  against 10.20.30.40 with a payload; see http://build.lan/job/7.";
	again = eval(&s);
	assert_false(again->rules[GATE_OPERATOR_DETAILS].passed);
	assert_int_equal(again->rules[GATE_OPERATOR_DETAILS].findings[1].offset, 20);
	assert_int_equal(again->rules[GATE_OPERATOR_DETAILS].findings[1].cleared, 0);
	assert_int_equal(again->rules[GATE_OPERATOR_DETAILS].findings[0].cleared, 1);
	gate_report_free(again);
	gate_report_free(r);
}

static void test_finding_id(void **state)
{
	char a[GATE_FINDING_ID_LEN], b[GATE_FINDING_ID_LEN];

	(void)state;
	gate_finding_id(a, GATE_NO_EXPLOIT, GATE_FIELD_TITLE, GATE_LANG_EN, 3, "poc", 3);
	assert_int_equal(strlen(a), 32);
	assert_int_equal(strspn(a, "0123456789abcdef"), 32);
	/* each input changes it */
	gate_finding_id(b, GATE_NO_EXAGGERATION, GATE_FIELD_TITLE, GATE_LANG_EN, 3, "poc", 3);
	assert_string_not_equal(a, b);
	gate_finding_id(b, GATE_NO_EXPLOIT, GATE_FIELD_SUMMARY, GATE_LANG_EN, 3, "poc", 3);
	assert_string_not_equal(a, b);
	gate_finding_id(b, GATE_NO_EXPLOIT, GATE_FIELD_TITLE, GATE_LANG_ZH, 3, "poc", 3);
	assert_string_not_equal(a, b);
	gate_finding_id(b, GATE_NO_EXPLOIT, GATE_FIELD_TITLE, GATE_LANG_EN, 4, "poc", 3);
	assert_string_not_equal(a, b);
	gate_finding_id(b, GATE_NO_EXPLOIT, GATE_FIELD_TITLE, GATE_LANG_EN, 3, "PoC", 3);
	assert_string_not_equal(a, b);
	gate_finding_id(b, GATE_NO_EXPLOIT, GATE_FIELD_TITLE, GATE_LANG_EN, 3, "poc", 3);
	assert_string_equal(a, b);
	/* the documented construction: SHA-256("rmsv_9_4_no_exploit\0title.en\0003\0poc"),
	 * first 16 bytes (python3 -c 'import hashlib; print(hashlib.sha256(
	 * b"rmsv_9_4_no_exploit\0title.en\0" b"3\0poc").hexdigest()[:32])') */
	assert_string_equal(a, "b1f545747285c8b49fc78219add828d2");
}

static void test_labels(void **state)
{
	enum gate_rule r;
	enum gate_severity sv;
	struct err e = ERR_INIT;

	(void)state;
	for (int i = 0; i < GATE_RULE_COUNT; i++) {
		assert_string_equal(gate_rule_label((enum gate_rule)i)->id, rule_ids[i]);
		assert_int_equal(gate_rule_from_id(&r, rule_ids[i], &e), 0);
		assert_int_equal(r, i);
	}
	assert_string_equal(gate_rule_article(GATE_FIX_FIRST), "9(1)");
	assert_string_equal(gate_rule_article(GATE_OVERSEAS), "9(7)");
	assert_string_equal(gate_rule_article(GATE_TWO_PERSON), "11");
	assert_string_equal(gate_rule_label(GATE_RULE_COUNT)->id, "unknown");
	assert_int_equal(gate_rule_from_id(&r, "rmsv_9_8", &e), -1);
	assert_string_equal(err_name(&e), "unknown_rule");

	assert_string_equal(gate_field_name(GATE_FIELD_TITLE, GATE_LANG_ZH), "title.zh-CN");
	assert_string_equal(gate_field_name(GATE_FIELD_WORKAROUNDS, GATE_LANG_EN),
			    "workarounds.en");
	assert_string_equal(gate_field_name(GATE_FIELD_COUNT, GATE_LANG_EN), "unknown");
	assert_string_equal(gate_lang_name(GATE_LANG_ZH), "zh-CN");

	static const struct {
		const char *name;
		enum gate_severity sev;
	} names[] = {
		{ "None", GATE_SEV_NONE }, { "Low", GATE_SEV_LOW }, { "MEDIUM", GATE_SEV_MEDIUM },
		{ "high", GATE_SEV_HIGH }, { "Critical", GATE_SEV_CRITICAL },
		{ "低危", GATE_SEV_LOW }, { "中危", GATE_SEV_MEDIUM }, { "高危", GATE_SEV_HIGH },
		{ "超危", GATE_SEV_CRITICAL },
	};
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		assert_int_equal(gate_severity_from_name(&sv, names[k].name, &e), 0);
		assert_int_equal(sv, names[k].sev);
	}
	assert_string_equal(gate_severity_name(GATE_SEV_CRITICAL), "critical");
	assert_string_equal(gate_severity_name(GATE_SEV_UNSET), "unknown");
	assert_int_equal(gate_severity_from_name(&sv, "severe", &e), -1);
	assert_string_equal(err_name(&e), "unknown_severity");
	assert_int_equal(gate_severity_from_name(&sv, "unset", &e), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passes_all),
		cmocka_unit_test(test_fails_only_fix_first),
		cmocka_unit_test(test_fails_only_operator_details),
		cmocka_unit_test(test_fails_only_no_exaggeration),
		cmocka_unit_test(test_fails_only_no_exploit),
		cmocka_unit_test(test_fails_only_remediation),
		cmocka_unit_test(test_fails_only_blackout),
		cmocka_unit_test(test_fails_only_overseas),
		cmocka_unit_test(test_fails_only_two_person),
		cmocka_unit_test(test_fix_first_paths),
		cmocka_unit_test(test_exaggeration_paths),
		cmocka_unit_test(test_remediation_per_language),
		cmocka_unit_test(test_blackout_paths),
		cmocka_unit_test(test_overseas_paths),
		cmocka_unit_test(test_two_person_paths),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_scan_internal_en),
		cmocka_unit_test(test_scan_internal_zh),
		cmocka_unit_test(test_scan_exploit_en),
		cmocka_unit_test(test_scan_exploit_zh),
		cmocka_unit_test(test_scan_steps_not_in_remediation),
		cmocka_unit_test(test_scan_alarm),
		cmocka_unit_test(test_scan_false_positives),
		cmocka_unit_test(test_scan_utf8),
		cmocka_unit_test(test_scan_truncated),
		cmocka_unit_test(test_scan_invalid),
		cmocka_unit_test(test_findings_cleared),
		cmocka_unit_test(test_finding_id),
		cmocka_unit_test(test_labels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
