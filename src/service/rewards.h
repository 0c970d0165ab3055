/* rewards.h - rewards for reporters (Art. 7(4)): the policy, decisions per reporter per case,
 * the ledger, and what a reporter sees of their own.
 *
 * The policy (rules/reward.h) is versioned: every change is a new version,
 * older ones are kept and readable.  A decision is proposed for one reporter
 * of one case (the reporter account of one of the case's reports, or an
 * anonymous report's sender), checked against the latest policy's range for
 * the case's GB/T 30279 grade (and CVSS band), then approved by a second
 * person, then paid, or rejected with a reason.  Each step goes through
 * reward_decide(), and writes the new state, a history row (reward_events)
 * and an audit event in one transaction.  A case has at most one live
 * (not rejected) decision per reporter.
 *
 * Who: the policy is read by anyone who may read cases and changed by
 * coordinators and admins; decisions are read by coordinators, admins and
 * auditors (every one) and analysts (those on cases assigned to them, else
 * ERR_NOT_FOUND as for the case); the steps' roles are reward_decide()'s.
 * A reporter sees only their own decisions once approved (a proposal is an
 * internal matter until a second person approves it), with their reports
 * in that case, never the internal reason or who decided.  The CLI
 * (actor user id 0) sees everything.
 *
 * The JSON these functions return shows amounts as decimal strings
 * ("5000.00") and times as RFC 3339 UTC with an "_local" Asia/Shanghai twin.
 */
#ifndef VF_REWARDS_H
#define VF_REWARDS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "rules/reward.h"
#include "service/cases.h"

struct instance;

/* {"version","policy":{...},"note","created_at","created_at_local","created_by"};
 * version 0 is the latest; ERR_NOT_FOUND "no_reward_policy" if there is none. */
int rewards_policy_get(struct instance *in, const struct case_actor *a, int64_t version,
		       json_t **out, struct err *e);
/* Every version, newest first: {"items":[... as above ...]}. */
int rewards_policy_history(struct instance *in, const struct case_actor *a, json_t **out,
			   struct err *e);
/* A new version from body (a policy document, plus an optional "change_note"
 * saying why); answers it as rewards_policy_get() does. */
int rewards_policy_put(struct instance *in, const struct case_actor *a, json_t *body,
		       json_t **out, struct err *e);

/* Propose {"reporter", "amount", "currency", "reason"} for case case_id.
 * "reporter" is a reporter account (its user id, or its e-mail) who sent one
 * of the case's reports, or {"report_id": N} for the sender of report N of
 * the case.  currency defaults to the policy's (CNY without a policy).
 * A refusal by reward_decide() sets *missing (if not NULL) to a JSON array
 * of the missing ids. */
int rewards_propose(struct instance *in, const struct case_actor *a, int64_t case_id,
		    json_t *body, json_t **out, json_t **missing, struct err *e);
/* Approve ({} or {"note"}), pay ({"reference","paid_at"}) or reject
 * ({"reason"}) decision id; refusals as for rewards_propose(). */
int rewards_step(struct instance *in, const struct case_actor *a, int64_t id,
		 enum reward_action action, json_t *body, json_t **out, json_t **missing,
		 struct err *e);
/* One decision with its history. */
int rewards_get(struct instance *in, const struct case_actor *a, int64_t id, json_t **out,
		struct err *e);

struct reward_query {
	const char *state;             /* NULL = any */
	int64_t case_id;               /* 0 = any */
	const char *reporter;          /* a user id, "user:N" or "report:N"; NULL = any */
	const char *cursor;            /* next_cursor of the previous page */
	int limit;
};

/* {"items":[...], "next_cursor": "..."|null}, newest first. */
int rewards_list(struct instance *in, const struct case_actor *a, const struct reward_query *q,
		 json_t **out, struct err *e);
/* The ledger of every decision q selects (cursor and limit ignored), oldest
 * first, as RFC 4180 CSV (UTF-8 with a byte-order mark, CRLF line ends)
 * in *csv (caller frees), *len bytes.  The columns, in this order:
 *
 *	reward_id, case_id, reporter, reporter_user_id, report_id, amount,
 *	currency, state, within_policy, policy_version, grade, cvss_severity,
 *	reason, proposed_by, proposed_at_utc, proposed_at_shanghai,
 *	approved_by, approved_at_utc, approved_at_shanghai, paid_at_utc,
 *	paid_at_shanghai, reference, rejected_by, rejected_at_utc,
 *	rejected_at_shanghai, reject_reason
 *
 * Empty fields for what is not set; within_policy is "yes" or "no"; a text
 * field that a spreadsheet would take for a formula (it begins with "=",
 * "+", "-", "@", a tab or a CR) is prefixed with "'".  The export is audited
 * ("reward.ledger"). */
int rewards_ledger_csv(struct instance *in, const struct case_actor *a,
		       const struct reward_query *q, char **csv, size_t *len, struct err *e);
/* The caller's own approved and paid decisions (a reporter account). */
int rewards_mine(struct instance *in, const struct case_actor *a, const char *cursor, int limit,
		 json_t **out, struct err *e);

#endif
