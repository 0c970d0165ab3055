/* gate.c - the Art. 9 publication gate: evaluate every rule on a snapshot of the case and
 * the advisory, naming the evidence each one misses (the text scanners are in gate_scan.c).
 *
 * One function per rule, called in enum gate_rule order; each appends its
 * missing evidence (labels from the tables below, in the order gate.h lists
 * them) and, for the three text rules, the findings of every field.
 * docs/internals/gate.md explains each rule with the article's words.
 */
#include "rules/gate.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"

static const struct gate_label unknown = { "unknown", "未知", "Unknown" };

static const struct {
	struct gate_label label;
	const char *article;
} rules[GATE_RULE_COUNT] = {
	[GATE_FIX_FIRST] = { { "rmsv_9_1_fix_first",
			       "网络产品提供者提供修补措施之前不得发布漏洞信息",
			       "No publication before the provider offers a fix or mitigation" },
			     "9(1)" },
	[GATE_OPERATOR_DETAILS] = { { "rmsv_9_2_operator_details",
				      "不得发布网络运营者在用的网络、信息系统及其设备的漏洞细节",
				      "No details of operators' networks and systems in use" },
				    "9(2)" },
	[GATE_NO_EXAGGERATION] = { { "rmsv_9_3_no_exaggeration",
				     "不得刻意夸大漏洞的危害和风险",
				     "No deliberate exaggeration of harm and risk" },
				   "9(3)" },
	[GATE_NO_EXPLOIT] = { { "rmsv_9_4_no_exploit",
				"不得发布或提供利用漏洞从事危害网络安全活动的方法、程序和工具",
				"No methods, programs or tools for exploiting the vulnerability" },
			      "9(4)" },
	[GATE_REMEDIATION] = { { "rmsv_9_5_remediation", "同步发布修补或者防范措施",
				 "Fix or mitigation published at the same time" },
			       "9(5)" },
	[GATE_BLACKOUT] = { { "rmsv_9_6_blackout", "重大活动期间未经公安部同意不得发布",
			      "No publication during major events without MPS consent" },
			    "9(6)" },
	[GATE_OVERSEAS] = { { "rmsv_9_7_overseas",
			      "不得向网络产品提供者之外的境外组织或者个人提供未公开的漏洞信息",
			      "Undisclosed details never given abroad except to the product's "
			      "provider" },
			    "9(7)" },
	[GATE_TWO_PERSON] = { { "two_person", "须经另一名协调员批准（双人审核）",
				"Approved by a second coordinator (two-person rule)" },
			      "11" },
};

static const char *const field_names[GATE_FIELD_COUNT][GATE_LANG_COUNT] = {
	[GATE_FIELD_TITLE] = { "title.zh-CN", "title.en" },
	[GATE_FIELD_SUMMARY] = { "summary.zh-CN", "summary.en" },
	[GATE_FIELD_REMEDIATION] = { "remediation.zh-CN", "remediation.en" },
	[GATE_FIELD_WORKAROUNDS] = { "workarounds.zh-CN", "workarounds.en" },
	[GATE_FIELD_DESCRIPTION] = { "description.zh-CN", "description.en" },
};

static const char *const lang_names[GATE_LANG_COUNT] = { "zh-CN", "en" };

/* ids match CVSS's ratings ("High") in any case and GB/T 30279 grade ids. */
static const struct {
	const char *id;
	const char *zh;         /* the GB/T 30279 grade; NULL for none */
} severities[GATE_SEV_COUNT] = {
	[GATE_SEV_UNSET] = { "unset", NULL },
	[GATE_SEV_NONE] = { "none", NULL },
	[GATE_SEV_LOW] = { "low", "低危" },
	[GATE_SEV_MEDIUM] = { "medium", "中危" },
	[GATE_SEV_HIGH] = { "high", "高危" },
	[GATE_SEV_CRITICAL] = { "critical", "超危" },
};

/* Missing evidence. */
enum need {
	N_FIX, N_JOINT, N_MIIT, N_MPS, N_ASSESSMENT, N_ORDER,
	N_PROVIDER_CASE, N_CVSS, N_GBT, N_COMPUTED, N_ATTESTATION, N_ATTESTER,
	N_POC, N_FINDINGS, N_TRUNCATED,
	N_REMEDIATION, N_REMEDIATION_ZH, N_REMEDIATION_EN,
	N_CONSENT, N_COUNTRY, N_OVERSEAS, N_AUTHOR, N_SECOND,
	N_COUNT
};

static const struct gate_label needs[N_COUNT] = {
	[N_FIX] = { "fix_or_mitigation", "尚无修补或防范措施（或完整的提前发布记录）",
		    "no fix or mitigation is available (nor a complete early-release record)" },
	[N_JOINT] = { "early_release_joint_assessment",
		      "提前发布：需要与网络产品提供者共同评估协商的记录（日期和编号）",
		      "early release: the joint assessment with the provider "
		      "(date and reference)" },
	[N_MIIT] = { "early_release_report_miit",
		     "提前发布：需要向工业和信息化部报告的记录（日期和编号）",
		     "early release: the report to MIIT (date and reference)" },
	[N_MPS] = { "early_release_report_mps",
		    "提前发布：需要向公安部报告的记录（日期和编号）",
		    "early release: the report to MPS (date and reference)" },
	[N_ASSESSMENT] = { "early_release_authority_assessment",
			   "提前发布：需要工业和信息化部、公安部组织评估的记录（日期和编号）",
			   "early release: the assessment organised by MIIT and MPS "
			   "(date and reference)" },
	[N_ORDER] = { "early_release_order",
		      "提前发布记录的顺序不对：先共同评估，再报告，最后由主管部门评估",
		      "early-release steps out of order: joint assessment, then the reports, then "
		      "the authorities' assessment" },
	[N_PROVIDER_CASE] = { "provider_case", "网络运营者案件的漏洞不得发布",
			      "an operator's case is never published" },
	[N_CVSS] = { "cvss_severity_supported", "公告所述严重程度高于 CVSS 计算结果",
		     "the stated severity is above the computed CVSS severity" },
	[N_GBT] = { "gbt_grade_supported", "公告所述分级高于 GB/T 30279 计算结果",
		    "the stated grade is above the computed GB/T 30279 grade" },
	[N_COMPUTED] = { "computed_severity", "公告给出了严重程度，但没有计算得出的评分或分级",
			 "a severity is stated but none has been computed" },
	[N_ATTESTATION] = { "reviewer_attestation", "需要审核人确认未夸大危害和风险",
			    "a reviewer must attest that harm and risk are not exaggerated" },
	[N_ATTESTER] = { "attestation_not_by_author", "未夸大的确认须由作者以外的审核人作出",
			 "the attestation must come from a reviewer other than the author" },
	[N_POC] = { "no_poc_attachment", "概念验证（PoC）附件不得发布",
		    "a proof-of-concept attachment is never published" },
	[N_FINDINGS] = { "findings_cleared", "有标记的内容尚未删除或经审核人确认",
			 "flagged findings must be removed or cleared by a reviewer" },
	[N_TRUNCATED] = { "findings_truncated", "标记内容过多，须修改文本",
			  "too many findings to list: the text must be changed" },
	[N_REMEDIATION] = { "remediation", "需要修补或防范措施说明",
			    "remediation or workaround text is required" },
	[N_REMEDIATION_ZH] = { "remediation_zh", "中文公告缺少修补或防范措施说明",
			       "the zh-CN text has no remediation or workaround" },
	[N_REMEDIATION_EN] = { "remediation_en", "英文公告缺少修补或防范措施说明",
			       "the en text has no remediation or workaround" },
	[N_CONSENT] = { "mps_consent", "重大活动期间发布需要公安部同意",
			"publication in a major-event window needs MPS consent" },
	[N_COUNTRY] = { "recipient_country", "未公开信息接收方的国家或地区不明",
			"the country of a recipient of undisclosed details is not known" },
	[N_OVERSEAS] = { "no_overseas_recipient",
			 "未公开的漏洞信息已提供给网络产品提供者之外的境外接收方",
			 "undisclosed details went to a recipient abroad other than the provider" },
	[N_AUTHOR] = { "author", "公告作者不明", "the advisory's author is not known" },
	[N_SECOND] = { "second_coordinator_approval", "需要作者以外的另一名协调员批准",
		       "approval by a coordinator other than the author is required" },
};

/* On what a rule passed. */
enum basis {
	B_FIX, B_MITIGATION, B_EARLY_RELEASE, B_NO_DETAILS, B_NOT_EXAGGERATED, B_NO_EXPLOIT,
	B_REMEDIATION, B_OUTSIDE, B_CONSENT, B_NO_OVERSEAS, B_SECOND, B_COUNT
};

static const struct gate_label bases[B_COUNT] = {
	[B_FIX] = { "fix_available", "修补措施已提供", "a fix is available" },
	[B_MITIGATION] = { "mitigation_recorded", "防范措施已提供", "a mitigation is available" },
	[B_EARLY_RELEASE] = { "early_release_record", "提前发布记录完整",
			      "the early-release record is complete" },
	[B_NO_DETAILS] = { "checked", "未发现在用系统细节（或已确认）",
			   "no details of systems in use (or all cleared)" },
	[B_NOT_EXAGGERATED] = { "checked", "严重程度与计算结果相符，已确认未夸大",
				"severity supported by the scores, attested" },
	[B_NO_EXPLOIT] = { "checked", "未发现利用方法、程序或工具（或已确认）",
			   "no exploit material (or all cleared)" },
	[B_REMEDIATION] = { "checked", "已包含修补或防范措施", "remediation is included" },
	[B_OUTSIDE] = { "outside_blackout", "不在重大活动期间", "outside every blackout window" },
	[B_CONSENT] = { "mps_consent", "公安部已同意", "MPS consented" },
	[B_NO_OVERSEAS] = { "checked", "未向境外接收方提供未公开信息",
			    "no undisclosed details abroad" },
	[B_SECOND] = { "checked", "另一名协调员已批准", "a second coordinator approved" },
};

/* ---- helpers --------------------------------------------------------------- */

static void need(struct gate_rule_result *r, enum need what, size_t index)
{
	r->missing = xrealloc(r->missing, (r->n_missing + 1) * sizeof(*r->missing));
	r->missing[r->n_missing].label = &needs[what];
	r->missing[r->n_missing].index = index;
	r->n_missing++;
}

/* Only white space (ASCII, U+00A0, U+3000), or NULL? */
static int blank(const char *s)
{
	if (s == NULL)
		return 1;
	while (*s) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v')
			s++;
		else if ((unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xa0)
			s += 2;
		else if ((unsigned char)s[0] == 0xe3 && (unsigned char)s[1] == 0x80 &&
			 (unsigned char)s[2] == 0x80)
			s += 3;
		else
			return 0;
	}
	return 1;
}

static int step_ok(const struct gate_step *st, int64_t now)
{
	return st->at_us > 0 && st->at_us <= now && !blank(st->ref);
}

static int is_cleared(const struct gate_advisory *a, const char *id)
{
	for (size_t k = 0; k < a->n_cleared; k++)
		if (strcmp(a->cleared[k], id) == 0)
			return 1;
	return 0;
}

static enum gate_severity max_sev(enum gate_severity a, enum gate_severity b)
{
	return a > b ? a : b;
}

/* Scan every field for rule; 1 if an uncleared finding or a truncation. */
static void scan_fields(struct gate_rule_result *r, const struct gate_advisory *a,
			enum gate_severity computed, int *uncleared, int *truncated)
{
	*uncleared = 0;
	*truncated = 0;
	for (int f = 0; f < GATE_FIELD_COUNT; f++)
		for (int l = 0; l < GATE_LANG_COUNT; l++) {
			struct gate_finding *v = NULL;
			size_t n = 0;
			int trunc = 0;
			struct err e = ERR_INIT;

			if (a->text[f][l] == NULL || a->text[f][l][0] == '\0')
				continue;
			/* cannot fail: rule, field, language and computed are in range */
			if (gate_scan(&v, &n, &trunc, r->rule, (enum gate_field)f,
				      (enum gate_lang)l, a->text[f][l], computed, &e) < 0)
				abort();
			*truncated |= trunc;
			if (n == 0)
				continue;
			r->findings = xrealloc(r->findings,
					       (r->n_findings + n) * sizeof(*r->findings));
			for (size_t k = 0; k < n; k++) {
				v[k].cleared = is_cleared(a, v[k].id);
				*uncleared |= !v[k].cleared;
				r->findings[r->n_findings++] = v[k];
			}
			free(v);
		}
}

static void findings_needs(struct gate_rule_result *r, int uncleared, int truncated)
{
	if (uncleared)
		need(r, N_FINDINGS, GATE_NO_INDEX);
	if (truncated)
		need(r, N_TRUNCATED, GATE_NO_INDEX);
}

/* ---- the rules ----------------------------------------------------------------- */

/* A fix stands in these states; a case sent back to fixing has none. */
static int fix_stands(enum case_state st)
{
	return st == CASE_FIX_AVAILABLE || st == CASE_DISCLOSURE_PENDING ||
	       st == CASE_PUBLISHED || st == CASE_CLOSED;
}

static void rule_fix_first(struct gate_rule_result *r, const struct gate_snapshot *s)
{
	const struct gate_case *c = &s->kase;
	int joint, miit, mps, assess, order = 1;

	if (c->fix_available && fix_stands(c->state)) {
		r->basis = &bases[B_FIX];
		return;
	}
	if (c->mitigation_recorded) {
		r->basis = &bases[B_MITIGATION];
		return;
	}
	joint = step_ok(&c->joint_assessment, s->now_us);
	miit = step_ok(&c->report_miit, s->now_us);
	mps = step_ok(&c->report_mps, s->now_us);
	assess = step_ok(&c->authority_assessment, s->now_us);
	/* among the steps on record: joint <= each report <= assessment */
	if (joint && miit && c->report_miit.at_us < c->joint_assessment.at_us)
		order = 0;
	if (joint && mps && c->report_mps.at_us < c->joint_assessment.at_us)
		order = 0;
	if (miit && assess && c->authority_assessment.at_us < c->report_miit.at_us)
		order = 0;
	if (mps && assess && c->authority_assessment.at_us < c->report_mps.at_us)
		order = 0;
	if (joint && assess && c->authority_assessment.at_us < c->joint_assessment.at_us)
		order = 0;
	if (joint && miit && mps && assess && order) {
		r->basis = &bases[B_EARLY_RELEASE];
		return;
	}
	need(r, N_FIX, GATE_NO_INDEX);
	if (!joint)
		need(r, N_JOINT, GATE_NO_INDEX);
	if (!miit)
		need(r, N_MIIT, GATE_NO_INDEX);
	if (!mps)
		need(r, N_MPS, GATE_NO_INDEX);
	if (!assess)
		need(r, N_ASSESSMENT, GATE_NO_INDEX);
	if (!order)
		need(r, N_ORDER, GATE_NO_INDEX);
}

static void rule_operator_details(struct gate_rule_result *r, const struct gate_snapshot *s)
{
	int uncleared, truncated;

	if (s->kase.role == CASE_ROLE_OPERATOR)
		need(r, N_PROVIDER_CASE, GATE_NO_INDEX);
	scan_fields(r, &s->advisory, GATE_SEV_UNSET, &uncleared, &truncated);
	findings_needs(r, uncleared, truncated);
	if (r->n_missing == 0)
		r->basis = &bases[B_NO_DETAILS];
}

static void rule_no_exaggeration(struct gate_rule_result *r, const struct gate_snapshot *s)
{
	const struct gate_advisory *a = &s->advisory;
	enum gate_severity cvss_ref = a->cvss != GATE_SEV_UNSET ? a->cvss : a->gbt;
	enum gate_severity gbt_ref = a->gbt != GATE_SEV_UNSET ? a->gbt : a->cvss;
	int uncleared, truncated;

	if (a->stated_cvss != GATE_SEV_UNSET && cvss_ref != GATE_SEV_UNSET &&
	    a->stated_cvss > cvss_ref)
		need(r, N_CVSS, GATE_NO_INDEX);
	if (a->stated_gbt != GATE_SEV_UNSET && gbt_ref != GATE_SEV_UNSET && a->stated_gbt > gbt_ref)
		need(r, N_GBT, GATE_NO_INDEX);
	if ((a->stated_cvss != GATE_SEV_UNSET || a->stated_gbt != GATE_SEV_UNSET) &&
	    a->cvss == GATE_SEV_UNSET && a->gbt == GATE_SEV_UNSET)
		need(r, N_COMPUTED, GATE_NO_INDEX);
	if (a->attested_by <= 0)
		need(r, N_ATTESTATION, GATE_NO_INDEX);
	else if (s->author_id > 0 && a->attested_by == s->author_id)
		need(r, N_ATTESTER, GATE_NO_INDEX);
	scan_fields(r, a, max_sev(a->cvss, a->gbt), &uncleared, &truncated);
	findings_needs(r, uncleared, truncated);
	if (r->n_missing == 0)
		r->basis = &bases[B_NOT_EXAGGERATED];
}

static void rule_no_exploit(struct gate_rule_result *r, const struct gate_snapshot *s)
{
	const struct gate_advisory *a = &s->advisory;
	int uncleared, truncated;

	for (size_t k = 0; k < a->n_attachments; k++)
		if (a->attachments[k].is_poc)
			need(r, N_POC, k);
	scan_fields(r, a, GATE_SEV_UNSET, &uncleared, &truncated);
	findings_needs(r, uncleared, truncated);
	if (r->n_missing == 0)
		r->basis = &bases[B_NO_EXPLOIT];
}

static void rule_remediation(struct gate_rule_result *r, const struct gate_snapshot *s)
{
	const struct gate_advisory *a = &s->advisory;
	int has_text[GATE_LANG_COUNT] = { 0 }, has_rem[GATE_LANG_COUNT] = { 0 };

	for (int l = 0; l < GATE_LANG_COUNT; l++) {
		for (int f = 0; f < GATE_FIELD_COUNT; f++)
			has_text[l] |= !blank(a->text[f][l]);
		has_rem[l] = !blank(a->text[GATE_FIELD_REMEDIATION][l]) ||
			     !blank(a->text[GATE_FIELD_WORKAROUNDS][l]);
	}
	if (!has_rem[GATE_LANG_ZH] && !has_rem[GATE_LANG_EN]) {
		need(r, N_REMEDIATION, GATE_NO_INDEX);
		return;
	}
	if (has_text[GATE_LANG_ZH] && !has_rem[GATE_LANG_ZH])
		need(r, N_REMEDIATION_ZH, GATE_NO_INDEX);
	if (has_text[GATE_LANG_EN] && !has_rem[GATE_LANG_EN])
		need(r, N_REMEDIATION_EN, GATE_NO_INDEX);
	if (r->n_missing == 0)
		r->basis = &bases[B_REMEDIATION];
}

static void rule_blackout(struct gate_rule_result *r, const struct gate_snapshot *s)
{
	size_t consent = GATE_NO_INDEX;

	for (size_t k = 0; k < s->n_blackouts; k++) {
		const struct gate_blackout *w = &s->blackouts[k];

		if (s->now_us < w->start_us || s->now_us >= w->end_us)
			continue;
		if (blank(w->mps_consent_ref))
			need(r, N_CONSENT, k);
		else if (consent == GATE_NO_INDEX)
			consent = k;
	}
	if (r->n_missing > 0)
		return;
	r->basis = consent == GATE_NO_INDEX ? &bases[B_OUTSIDE] : &bases[B_CONSENT];
	r->basis_index = consent;
}

static void rule_overseas(struct gate_rule_result *r, const struct gate_snapshot *s)
{
	const struct gate_advisory *a = &s->advisory;

	for (size_t k = 0; k < a->n_recipients; k++)
		if (!a->recipients[k].is_provider && blank(a->recipients[k].country))
			need(r, N_COUNTRY, k);
	for (size_t k = 0; k < a->n_recipients; k++) {
		const struct gate_recipient *p = &a->recipients[k];
		const char *c = p->country;

		if (p->is_provider || blank(c))
			continue;
		while (*c == ' ' || *c == '\t')
			c++;
		if (strncasecmp(c, "CN", 2) != 0 || !blank(c + 2))
			need(r, N_OVERSEAS, k);
	}
	if (r->n_missing == 0)
		r->basis = &bases[B_NO_OVERSEAS];
}

static void rule_two_person(struct gate_rule_result *r, const struct gate_snapshot *s)
{
	int second = 0;

	for (size_t k = 0; k < s->n_approvals; k++)
		if (s->approvals[k] > 0 && (s->author_id <= 0 || s->approvals[k] != s->author_id))
			second = 1;
	if (s->author_id <= 0)
		need(r, N_AUTHOR, GATE_NO_INDEX);
	if (!second)
		need(r, N_SECOND, GATE_NO_INDEX);
	if (r->n_missing == 0)
		r->basis = &bases[B_SECOND];
}

static void (*const evaluate[GATE_RULE_COUNT])(struct gate_rule_result *,
					       const struct gate_snapshot *) = {
	[GATE_FIX_FIRST] = rule_fix_first,
	[GATE_OPERATOR_DETAILS] = rule_operator_details,
	[GATE_NO_EXAGGERATION] = rule_no_exaggeration,
	[GATE_NO_EXPLOIT] = rule_no_exploit,
	[GATE_REMEDIATION] = rule_remediation,
	[GATE_BLACKOUT] = rule_blackout,
	[GATE_OVERSEAS] = rule_overseas,
	[GATE_TWO_PERSON] = rule_two_person,
};

/* ---- entry ------------------------------------------------------------------- */

static int check_snapshot(const struct gate_snapshot *s, struct err *e)
{
	const struct gate_advisory *a;

	if (s == NULL)
		return err_set(e, ERR_INVALID, "snapshot is missing");
	a = &s->advisory;
	if (s->kase.role != CASE_ROLE_PROVIDER && s->kase.role != CASE_ROLE_OPERATOR)
		return err_set(e, ERR_INVALID, "case role %d is not \"provider\" or \"operator\"",
			       (int)s->kase.role);
	if ((unsigned)s->kase.state >= CASE_STATE_COUNT)
		return err_set(e, ERR_INVALID, "case state %d is not a state", (int)s->kase.state);
	if ((unsigned)a->stated_cvss >= GATE_SEV_COUNT || (unsigned)a->cvss >= GATE_SEV_COUNT ||
	    (unsigned)a->stated_gbt >= GATE_SEV_COUNT || (unsigned)a->gbt >= GATE_SEV_COUNT)
		return err_set(e, ERR_INVALID, "severity out of range");
	if (a->stated_gbt == GATE_SEV_NONE || a->gbt == GATE_SEV_NONE)
		return err_set(e, ERR_INVALID, "\"none\" is not a GB/T 30279 grade");
	if ((a->n_attachments && !a->attachments) || (a->n_recipients && !a->recipients) ||
	    (a->n_cleared && !a->cleared) || (s->n_blackouts && !s->blackouts) ||
	    (s->n_approvals && !s->approvals))
		return err_set(e, ERR_INVALID, "a list with a count has no items");
	for (size_t k = 0; k < a->n_cleared; k++)
		if (a->cleared[k] == NULL)
			return err_set(e, ERR_INVALID, "cleared finding %zu has no id", k);
	for (size_t k = 0; k < s->n_blackouts; k++)
		if (s->blackouts[k].end_us <= s->blackouts[k].start_us)
			return err_set(e, ERR_INVALID,
				       "blackout window \"%s\" does not end after it starts",
				       s->blackouts[k].name ? s->blackouts[k].name : "(unnamed)");
	return 0;
}

int gate_evaluate(struct gate_report **out, const struct gate_snapshot *s, struct err *e)
{
	struct gate_report *r;

	*out = NULL;
	if (check_snapshot(s, e) < 0)
		return -1;
	r = xcalloc(1, sizeof(*r));
	r->now_us = s->now_us;
	r->passed = 1;
	for (int i = 0; i < GATE_RULE_COUNT; i++) {
		struct gate_rule_result *res = &r->rules[i];

		res->rule = (enum gate_rule)i;
		res->basis_index = GATE_NO_INDEX;
		evaluate[i](res, s);
		res->passed = res->n_missing == 0;
		if (!res->passed)
			res->basis = NULL;
		r->passed &= res->passed;
	}
	*out = r;
	return 0;
}

void gate_report_free(struct gate_report *r)
{
	if (r == NULL)
		return;
	for (int i = 0; i < GATE_RULE_COUNT; i++) {
		free(r->rules[i].missing);
		free(r->rules[i].findings);
	}
	free(r);
}

/* ---- names ------------------------------------------------------------------- */

const struct gate_label *gate_rule_label(enum gate_rule r)
{
	return (unsigned)r < GATE_RULE_COUNT ? &rules[r].label : &unknown;
}

const char *gate_rule_article(enum gate_rule r)
{
	return (unsigned)r < GATE_RULE_COUNT ? rules[r].article : "unknown";
}

int gate_rule_from_id(enum gate_rule *out, const char *id, struct err *e)
{
	for (int i = 0; id != NULL && i < GATE_RULE_COUNT; i++)
		if (strcmp(rules[i].label.id, id) == 0) {
			*out = (enum gate_rule)i;
			return 0;
		}
	return err_setn(e, ERR_INVALID, "unknown_rule", "unknown rule \"%s\"", id ? id : "");
}

const char *gate_field_name(enum gate_field f, enum gate_lang l)
{
	if ((unsigned)f >= GATE_FIELD_COUNT || (unsigned)l >= GATE_LANG_COUNT)
		return "unknown";
	return field_names[f][l];
}

const char *gate_lang_name(enum gate_lang l)
{
	return (unsigned)l < GATE_LANG_COUNT ? lang_names[l] : "unknown";
}

const char *gate_severity_name(enum gate_severity s)
{
	return (unsigned)s < GATE_SEV_COUNT && s != GATE_SEV_UNSET ? severities[s].id : "unknown";
}

int gate_severity_from_name(enum gate_severity *out, const char *name, struct err *e)
{
	for (int i = GATE_SEV_NONE; name != NULL && i < GATE_SEV_COUNT; i++)
		if (strcasecmp(name, severities[i].id) == 0 ||
		    (severities[i].zh && strcmp(name, severities[i].zh) == 0)) {
			*out = (enum gate_severity)i;
			return 0;
		}
	return err_setn(e, ERR_INVALID, "unknown_severity", "unknown severity \"%s\"",
			name ? name : "");
}
