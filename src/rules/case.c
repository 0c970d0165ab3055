/* case.c - the case workflow as one transition table: check a transition against its guard,
 * list a state's options, replay a history.
 *
 * Everything that decides is in rows[]: from, to, the kinds of case the row
 * applies to, the capability level it needs, the requirements its guard checks
 * (a set of CASE_NEED bits) and the action it shows as.  The functions below
 * only look rows up; docs/internals/case.md explains each row and each guard.
 */
#include "rules/case.h"

#include <stdio.h>
#include <string.h>

#define P (1u << CASE_ROLE_PROVIDER)
#define O (1u << CASE_ROLE_OPERATOR)
#define NEED(x) CASE_NEED_BIT(CASE_NEED_##x)

static const struct case_label unknown = { "unknown", "未知", "Unknown" };

static const struct case_label state_labels[CASE_STATE_COUNT] = {
	[CASE_TRIAGE] = { "triage", "待分诊", "Triage" },
	[CASE_VERIFIED] = { "verified", "已验证", "Verified" },
	[CASE_REJECTED] = { "rejected", "已驳回", "Rejected" },
	[CASE_DUPLICATE] = { "duplicate", "重复", "Duplicate" },
	[CASE_ASSESSED] = { "assessed", "已评估", "Assessed" },
	[CASE_FIXING] = { "fixing", "修复中", "Fixing" },
	[CASE_FIX_AVAILABLE] = { "fix_available", "修复措施可用", "Fix available" },
	[CASE_DISCLOSURE_PENDING] = { "disclosure_pending", "待发布", "Disclosure pending" },
	[CASE_PUBLISHED] = { "published", "已发布", "Published" },
	[CASE_CLOSED] = { "closed", "已关闭", "Closed" },
};

static const enum case_phase state_phase[CASE_STATE_COUNT] = {
	[CASE_TRIAGE] = CASE_PHASE_RECEIPT,
	[CASE_VERIFIED] = CASE_PHASE_VERIFICATION,
	[CASE_REJECTED] = CASE_PHASE_VERIFICATION,
	[CASE_DUPLICATE] = CASE_PHASE_VERIFICATION,
	[CASE_ASSESSED] = CASE_PHASE_HANDLING,
	[CASE_FIXING] = CASE_PHASE_HANDLING,
	[CASE_FIX_AVAILABLE] = CASE_PHASE_HANDLING,
	[CASE_DISCLOSURE_PENDING] = CASE_PHASE_PUBLICATION,
	[CASE_PUBLISHED] = CASE_PHASE_PUBLICATION,
	[CASE_CLOSED] = CASE_PHASE_TRACKING,
};

/* GB/T 30276-2020 §5.2-5.6 (REGULATION.md §3: headings verified). */
static const struct {
	struct case_label label;
	const char *clause;
} phases[CASE_PHASE_COUNT] = {
	[CASE_PHASE_RECEIPT] = { { "receipt", "漏洞接收", "Receipt" }, "5.2" },
	[CASE_PHASE_VERIFICATION] = { { "verification", "漏洞验证", "Verification" }, "5.3" },
	[CASE_PHASE_HANDLING] = { { "handling", "漏洞处置", "Handling" }, "5.4" },
	[CASE_PHASE_PUBLICATION] = { { "publication", "漏洞发布", "Publication" }, "5.5" },
	[CASE_PHASE_TRACKING] = { { "tracking", "漏洞跟踪", "Tracking" }, "5.6" },
};

static const struct case_label role_labels[] = {
	[CASE_ROLE_PROVIDER] = { "provider", "网络产品提供者", "Network product provider" },
	[CASE_ROLE_OPERATOR] = { "operator", "网络运营者", "Network operator" },
};
#define ROLE_MAX CASE_ROLE_OPERATOR

static const char *const level_names[] = {
	[CASE_LEVEL_NONE] = "none",
	[CASE_LEVEL_ANALYST] = "analyst",
	[CASE_LEVEL_COORDINATOR] = "coordinator",
};
#define LEVEL_MAX CASE_LEVEL_COORDINATOR

static const struct case_label need_labels[CASE_NEED_COUNT] = {
	[CASE_NEED_REASON] = { "reason", "需要填写理由", "a reason is required" },
	[CASE_NEED_DUPLICATE_OF] = { "duplicate_of", "需要指明与之重复的案件",
				     "the case this one duplicates is required" },
	[CASE_NEED_AFFECTED_PRODUCT] = { "affected_product",
					 "需要至少一个受影响产品（名称和版本）",
					 "an affected product with name and version is required" },
	[CASE_NEED_SCORE] = { "score", "需要 CVSS 评分或 GB/T 30279 分级",
			      "a CVSS score or a GB/T 30279 grade is required" },
	[CASE_NEED_SCOPE] = { "scope", "需要影响范围", "the impact scope is required" },
	[CASE_NEED_REMEDIATION] = { "remediation", "需要修复或缓解措施说明",
				    "remediation (fix or mitigation) text is required" },
	[CASE_NEED_FIX_AVAILABLE_AT] = { "fix_available_at", "需要修复措施可用的时间",
					 "the time the fix became available is required" },
	[CASE_NEED_AUTHORITY_REPORT] = {
		"authority_report",
		"需要先向工业和信息化部网络安全威胁和漏洞信息共享平台报送漏洞信息",
		"the report to MIIT's sharing platform (Art. 7(2)) must be submitted first" },
	[CASE_NEED_ADVISORY_PUBLISHED] = { "advisory_published", "安全公告尚未发布",
					   "the advisory must have been published" },
	[CASE_NEED_ADVISORY_NOT_PUBLISHED] = {
		"advisory_not_published", "安全公告已发布，不能撤回",
		"the advisory is already published and cannot be withdrawn" },
	[CASE_NEED_DECISION_NOT_TO_PUBLISH] = { "decision_not_to_publish",
						"需要记录不予发布的决定",
						"a recorded decision not to publish is required" },
};

enum action {
	A_VERIFY, A_REJECT, A_DUPLICATE, A_ASSESS, A_START_FIX, A_FIX_AVAILABLE,
	A_FIX_INCOMPLETE, A_PREPARE_DISCLOSURE, A_PUBLISH, A_WITHDRAW, A_CLOSE,
	A_CLOSE_UNPUBLISHED, A_REOPEN, A_COUNT
};

static const struct case_label actions[A_COUNT] = {
	[A_VERIFY] = { "verify", "确认漏洞", "Verify" },
	[A_REJECT] = { "reject", "驳回", "Reject" },
	[A_DUPLICATE] = { "mark_duplicate", "标记为重复", "Mark as duplicate" },
	[A_ASSESS] = { "assess", "完成评估", "Record assessment" },
	[A_START_FIX] = { "start_fix", "开始修复", "Start fixing" },
	[A_FIX_AVAILABLE] = { "fix_available", "修复措施可用", "Fix available" },
	[A_FIX_INCOMPLETE] = { "fix_incomplete", "修复不完整，重新修复", "Fix incomplete" },
	[A_PREPARE_DISCLOSURE] = { "prepare_disclosure", "准备发布", "Prepare disclosure" },
	[A_PUBLISH] = { "publish", "确认已发布", "Mark published" },
	[A_WITHDRAW] = { "withdraw", "撤回发布", "Withdraw publication" },
	[A_CLOSE] = { "close", "关闭", "Close" },
	[A_CLOSE_UNPUBLISHED] = { "close_unpublished", "不发布并关闭",
				  "Close without publishing" },
	[A_REOPEN] = { "reopen", "重新打开", "Reopen" },
};

/*
 * The workflow.  Rows with the same from and to but different roles may
 * differ in level and guard (fix_available -> closed).  Append only: a row
 * removed would make stored histories that used it fail to replay.
 */
static const struct row {
	enum case_state from, to;
	unsigned roles;                 /* P, O */
	enum case_level level;
	unsigned needs;                 /* NEED() bits the guard checks */
	enum action action;
} rows[] = {
	/* receipt -> verification (Art. 7(1): verify immediately) */
	{ CASE_TRIAGE, CASE_VERIFIED, P | O, CASE_LEVEL_ANALYST,
	  NEED(REASON) | NEED(AFFECTED_PRODUCT), A_VERIFY },
	{ CASE_TRIAGE, CASE_REJECTED, P | O, CASE_LEVEL_ANALYST, NEED(REASON), A_REJECT },
	{ CASE_TRIAGE, CASE_DUPLICATE, P | O, CASE_LEVEL_ANALYST, NEED(DUPLICATE_OF),
	  A_DUPLICATE },
	/* verification -> handling (Art. 7(1): assess harm and scope) */
	{ CASE_VERIFIED, CASE_ASSESSED, P | O, CASE_LEVEL_ANALYST,
	  NEED(AFFECTED_PRODUCT) | NEED(SCORE) | NEED(SCOPE), A_ASSESS },
	{ CASE_VERIFIED, CASE_REJECTED, P | O, CASE_LEVEL_COORDINATOR, NEED(REASON), A_REJECT },
	{ CASE_VERIFIED, CASE_DUPLICATE, P | O, CASE_LEVEL_ANALYST, NEED(DUPLICATE_OF),
	  A_DUPLICATE },
	/* handling (Art. 7(3), Art. 8: fix promptly) */
	{ CASE_ASSESSED, CASE_FIXING, P | O, CASE_LEVEL_ANALYST, 0, A_START_FIX },
	{ CASE_ASSESSED, CASE_FIX_AVAILABLE, P | O, CASE_LEVEL_ANALYST,
	  NEED(REMEDIATION) | NEED(FIX_AVAILABLE_AT), A_FIX_AVAILABLE },
	{ CASE_ASSESSED, CASE_DUPLICATE, P | O, CASE_LEVEL_ANALYST, NEED(DUPLICATE_OF),
	  A_DUPLICATE },
	{ CASE_FIXING, CASE_FIX_AVAILABLE, P | O, CASE_LEVEL_ANALYST,
	  NEED(REMEDIATION) | NEED(FIX_AVAILABLE_AT), A_FIX_AVAILABLE },
	{ CASE_FIX_AVAILABLE, CASE_FIXING, P | O, CASE_LEVEL_ANALYST, NEED(REASON),
	  A_FIX_INCOMPLETE },
	/* handling -> publication: provider cases only (Art. 8, Art. 9) */
	{ CASE_FIX_AVAILABLE, CASE_DISCLOSURE_PENDING, P, CASE_LEVEL_COORDINATOR,
	  NEED(AUTHORITY_REPORT), A_PREPARE_DISCLOSURE },
	{ CASE_DISCLOSURE_PENDING, CASE_PUBLISHED, P, CASE_LEVEL_COORDINATOR,
	  NEED(REMEDIATION) | NEED(ADVISORY_PUBLISHED), A_PUBLISH },
	{ CASE_DISCLOSURE_PENDING, CASE_FIX_AVAILABLE, P, CASE_LEVEL_COORDINATOR,
	  NEED(REASON) | NEED(ADVISORY_NOT_PUBLISHED), A_WITHDRAW },
	/* -> tracking */
	{ CASE_FIX_AVAILABLE, CASE_CLOSED, O, CASE_LEVEL_ANALYST, 0, A_CLOSE },
	{ CASE_FIX_AVAILABLE, CASE_CLOSED, P, CASE_LEVEL_COORDINATOR,
	  NEED(AUTHORITY_REPORT) | NEED(DECISION_NOT_TO_PUBLISH), A_CLOSE_UNPUBLISHED },
	{ CASE_PUBLISHED, CASE_CLOSED, P, CASE_LEVEL_ANALYST, 0, A_CLOSE },
	/* reopening */
	{ CASE_REJECTED, CASE_TRIAGE, P | O, CASE_LEVEL_ANALYST, NEED(REASON), A_REOPEN },
	{ CASE_DUPLICATE, CASE_TRIAGE, P | O, CASE_LEVEL_ANALYST, NEED(REASON), A_REOPEN },
	{ CASE_CLOSED, CASE_TRIAGE, P | O, CASE_LEVEL_COORDINATOR, NEED(REASON), A_REOPEN },
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

static int state_ok(enum case_state s)
{
	return (unsigned)s < CASE_STATE_COUNT;
}

static int role_ok(enum case_role r)
{
	return r >= CASE_ROLE_PROVIDER && r <= ROLE_MAX;
}

/* Is requirement need met under f? */
static int met(const struct case_facts *f, enum case_need need)
{
	switch (need) {
	case CASE_NEED_REASON:
		return f->has_reason;
	case CASE_NEED_DUPLICATE_OF:
		return f->duplicate_of > 0;
	case CASE_NEED_AFFECTED_PRODUCT:
		return f->has_affected_product;
	case CASE_NEED_SCORE:
		return f->has_cvss || f->has_gbt_grade;
	case CASE_NEED_SCOPE:
		return f->has_scope;
	case CASE_NEED_REMEDIATION:
		return f->has_remediation;
	case CASE_NEED_FIX_AVAILABLE_AT:
		return f->has_fix_available_at;
	case CASE_NEED_AUTHORITY_REPORT:
		return f->authority_report_submitted;
	case CASE_NEED_ADVISORY_PUBLISHED:
		return f->advisory_published;
	case CASE_NEED_ADVISORY_NOT_PUBLISHED:
		return !f->advisory_published;
	case CASE_NEED_DECISION_NOT_TO_PUBLISH:
		return f->decided_not_to_publish;
	case CASE_NEED_COUNT:
		break;
	}
	return 0;
}

static unsigned unmet(const struct case_facts *f, unsigned needs)
{
	unsigned missing = 0;

	for (int i = 0; i < CASE_NEED_COUNT; i++)
		if ((needs & CASE_NEED_BIT(i)) && !met(f, (enum case_need)i))
			missing |= CASE_NEED_BIT(i);
	return missing;
}

/* 0 if f can be judged at all, else -1 with e filled. */
static int facts_ok(const struct case_facts *f, struct err *e)
{
	if (f == NULL)
		return err_set(e, ERR_INVALID, "no case facts given");
	if (!role_ok(f->role))
		return err_set(e, ERR_INVALID, "case role %d is not \"provider\" or \"operator\"",
			       (int)f->role);
	if ((unsigned)f->level > LEVEL_MAX)
		return err_set(e, ERR_INVALID, "capability level %d is unknown", (int)f->level);
	return 0;
}

/*
 * The row from -> to for role, or NULL; *exists says whether some row from ->
 * to exists for any role.
 */
static const struct row *find_row(enum case_state from, enum case_state to, enum case_role role,
				  int *exists)
{
	*exists = 0;
	for (size_t i = 0; i < NROWS; i++) {
		if (rows[i].from != from || rows[i].to != to)
			continue;
		*exists = 1;
		if (rows[i].roles & (1u << role))
			return &rows[i];
	}
	return NULL;
}

/* ", "-joined ids of missing into buf. */
static void join_ids(char *buf, size_t size, unsigned missing)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < CASE_NEED_COUNT && len < size; i++) {
		if (!(missing & CASE_NEED_BIT(i)))
			continue;
		int n = snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
				 need_labels[i].id);
		if (n < 0)
			break;
		len += (size_t)n;
	}
}

int case_check(struct case_verdict *out, enum case_state from, enum case_state to,
	       const struct case_facts *f, struct err *e)
{
	const struct row *r;
	char ids[256];
	int exists;

	out->outcome = CASE_BAD_INPUT;
	out->level = CASE_LEVEL_NONE;
	out->missing = 0;
	if (!state_ok(from) || !state_ok(to))
		return err_setn(e, ERR_INVALID, "unknown_state", "case state %d is unknown",
				(int)(state_ok(from) ? to : from));
	if (facts_ok(f, e) < 0)
		return -1;

	r = find_row(from, to, f->role, &exists);
	if (!exists) {
		out->outcome = CASE_ILLEGAL;
		return err_setn(e, ERR_CONFLICT, "illegal_transition",
				"no transition from \"%s\" to \"%s\"", state_labels[from].id,
				state_labels[to].id);
	}
	if (r == NULL) {
		out->outcome = CASE_WRONG_ROLE;
		return err_setn(e, ERR_CONFLICT, "transition_not_for_role",
				"\"%s\" -> \"%s\" is not a transition of %s cases%s",
				state_labels[from].id, state_labels[to].id,
				role_labels[f->role].id,
				f->role == CASE_ROLE_OPERATOR ? " (art. 8: they are never published)"
							      : "");
	}

	out->level = r->level;
	out->missing = unmet(f, r->needs);
	if (f->level < r->level) {
		out->outcome = CASE_FORBIDDEN;
		return err_set(e, ERR_FORBIDDEN, "transition \"%s\" -> \"%s\" needs a %s",
			       state_labels[from].id, state_labels[to].id, level_names[r->level]);
	}
	if (out->missing != 0) {
		out->outcome = CASE_GUARD;
		join_ids(ids, sizeof(ids), out->missing);
		return err_setn(e, ERR_CONFLICT, "guard_failed",
				"transition \"%s\" -> \"%s\" is missing: %s",
				state_labels[from].id, state_labels[to].id, ids);
	}
	out->outcome = CASE_ALLOWED;
	return 0;
}

int case_options(struct case_option *out, size_t *n, enum case_state from,
		 const struct case_facts *f, struct err *e)
{
	size_t k = 0;

	*n = 0;
	if (!state_ok(from))
		return err_setn(e, ERR_INVALID, "unknown_state", "case state %d is unknown",
				(int)from);
	if (facts_ok(f, e) < 0)
		return -1;
	for (size_t i = 0; i < NROWS && k < CASE_OPTIONS_MAX; i++) {
		const struct row *r = &rows[i];

		if (r->from != from || !(r->roles & (1u << f->role)))
			continue;
		out[k].to = r->to;
		out[k].action = &actions[r->action];
		out[k].level = r->level;
		out[k].missing = unmet(f, r->needs);
		out[k].allowed = f->level >= r->level && out[k].missing == 0;
		k++;
	}
	*n = k;
	return 0;
}

int case_replay(enum case_state *out, size_t *bad_event, enum case_role role,
		const struct case_event *ev, size_t n, struct err *e)
{
	enum case_state cur = CASE_TRIAGE;
	size_t i;
	int exists;

	if (!role_ok(role))
		return err_set(e, ERR_INVALID, "case role %d is not \"provider\" or \"operator\"",
			       (int)role);
	for (i = 0; i < n; i++) {
		const struct case_event *v = &ev[i];

		if (!state_ok(v->from) || !state_ok(v->to)) {
			err_setn(e, ERR_CONFLICT, "history_invalid", "event %zu: case state %d is unknown",
				 i, (int)(state_ok(v->from) ? v->to : v->from));
			goto refused;
		}
		if (v->from != cur) {
			err_setn(e, ERR_CONFLICT, "history_invalid",
				 "event %zu: from \"%s\" but the case is in \"%s\"", i,
				 state_labels[v->from].id, state_labels[cur].id);
			goto refused;
		}
		if (find_row(v->from, v->to, role, &exists) == NULL) {
			err_setn(e, ERR_CONFLICT, "history_invalid",
				 "event %zu: \"%s\" -> \"%s\" is not a transition of %s cases", i,
				 state_labels[v->from].id, state_labels[v->to].id,
				 role_labels[role].id);
			goto refused;
		}
		if (i > 0 && v->at_us < ev[i - 1].at_us) {
			err_setn(e, ERR_CONFLICT, "history_invalid",
				 "event %zu: at %lld, before the event before it", i,
				 (long long)v->at_us);
			goto refused;
		}
		cur = v->to;
	}
	*out = cur;
	return 0;

refused:
	if (bad_event != NULL)
		*bad_event = i;
	return -1;
}

const char *case_state_name(enum case_state s)
{
	return case_state_label(s)->id;
}

int case_state_from_name(enum case_state *out, const char *name, struct err *e)
{
	for (int s = 0; name != NULL && s < CASE_STATE_COUNT; s++) {
		if (strcmp(state_labels[s].id, name) == 0) {
			*out = (enum case_state)s;
			return 0;
		}
	}
	return err_setn(e, ERR_INVALID, "unknown_state", "case state \"%.40s\" is unknown",
			name != NULL ? name : "");
}

const struct case_label *case_state_label(enum case_state s)
{
	return state_ok(s) ? &state_labels[s] : &unknown;
}

enum case_phase case_state_phase(enum case_state s)
{
	return state_ok(s) ? state_phase[s] : CASE_PHASE_COUNT;
}

const struct case_label *case_phase_label(enum case_phase p)
{
	return (unsigned)p < CASE_PHASE_COUNT ? &phases[p].label : &unknown;
}

const char *case_phase_clause(enum case_phase p)
{
	return (unsigned)p < CASE_PHASE_COUNT ? phases[p].clause : unknown.id;
}

const char *case_role_name(enum case_role r)
{
	return case_role_label(r)->id;
}

int case_role_from_name(enum case_role *out, const char *name, struct err *e)
{
	for (int r = CASE_ROLE_PROVIDER; name != NULL && r <= ROLE_MAX; r++) {
		if (strcmp(role_labels[r].id, name) == 0) {
			*out = (enum case_role)r;
			return 0;
		}
	}
	return err_set(e, ERR_INVALID, "case role \"%.40s\" is not \"provider\" or \"operator\"",
		       name != NULL ? name : "");
}

const struct case_label *case_role_label(enum case_role r)
{
	return role_ok(r) ? &role_labels[r] : &unknown;
}

const char *case_level_name(enum case_level l)
{
	return (unsigned)l <= LEVEL_MAX ? level_names[l] : unknown.id;
}

enum case_level case_level_for_role(enum role r)
{
	if (role_has(r, CAP_PUBLISH))
		return CASE_LEVEL_COORDINATOR;
	if (role_has(r, CAP_CASES_WRITE))
		return CASE_LEVEL_ANALYST;
	return CASE_LEVEL_NONE;
}

const struct case_label *case_need_label(enum case_need need)
{
	return (unsigned)need < CASE_NEED_COUNT ? &need_labels[need] : &unknown;
}
