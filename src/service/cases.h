/* cases.h - cases: from received reports to a handled vulnerability, every legal duty on a clock.
 *
 * A case gathers one or more received reports (or none: an internal finding),
 * moves through the workflow of rules/case.h, and is under the obligation
 * clocks of rules/clock.h (the 2-day report to the authority of Art. 7(2)
 * among them).  Every change is an event of the case, written in the same
 * transaction as the change together with the recomputed clocks and an audit
 * event; every read of a case's undisclosed details is audited (Art. 11).
 * The technical details (products, characteristics, harm, scope,
 * remediation, upstream component) are sealed at rest like report text.
 *
 * Need-to-know: coordinators, admins and auditors see every case; an analyst
 * sees the cases assigned to them (and assigns a new case to themselves when
 * they create it); other roles see none.  A case that is not visible is
 * ERR_NOT_FOUND, as if it did not exist.
 *
 * The API and the CLI render the JSON these functions return.  Times in it
 * are RFC 3339 UTC strings with an "_local" Asia/Shanghai twin.
 */
#ifndef VF_CASES_H
#define VF_CASES_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"
#include "rules/roles.h"
#include "service/account.h"

struct db_conn;
struct instance;
struct intake;
struct cases;
struct clock_policy;

/* Who acts, with what role (the need-to-know and level checks use it). */
struct case_actor {
	struct actor a;
	enum role role;
};

/* Need-to-know (Art. 11) for a case assigned to assignee_id and team_id (0: none),
 * the team looked up in c: 0 if a may see the case; ERR_NOT_FOUND if not (a case
 * one may not see does not exist).  Coordinators, admins (the CLI acts as one)
 * and auditors see every case; others with cases.read the cases assigned to
 * them or to a team of theirs; roles without cases.read none.  Every service showing case data asks this. */
int cases_need_to_know(struct db_conn *c, const struct case_actor *a, int64_t assignee_id,
		       int64_t team_id, struct err *e);

/* The intake service the cases read reports through. */
struct intake *cases_intake(struct cases *cs);

int cases_open(struct cases **out, struct instance *in, struct intake *it, struct err *e);
void cases_close(struct cases *cs);
/* The obligation clock policies in force (built-in regimes merged with the organisation's
 * override.json), owned by cs: read only (rules/clock.h). */
const struct clock_policy *cases_policy(const struct cases *cs);

/* POST /api/v1/cases: body {"report_ids":[...], "title", "role", "learned_at", ...any field
 * of cases_patch}; reports already in a case are ERR_CONFLICT "report_in_case". */
int cases_create(struct cases *cs, const struct case_actor *a, json_t *body, json_t **out,
		 struct err *e);
/* The case with its reports, allowed transitions and clocks (audited read). */
int cases_get(struct cases *cs, const struct case_actor *a, int64_t id, json_t **out,
	      struct err *e);

struct case_list_query {
	const char *state, *phase, *role, *severity, *q, *sort, *cursor;
	int64_t assignee_id;           /* 0 any, -1 unassigned */
	int actively_exploited;        /* -1 any */
	int limit;
};
/* {"items":[...], "next_cursor": "..."|null} (audited as one read). */
int cases_list(struct cases *cs, const struct case_actor *a, const struct case_list_query *q,
	       json_t **out, struct err *e);

/* PATCH: the fields given change; learned_at needs "reason". */
int cases_patch(struct cases *cs, const struct case_actor *a, int64_t id, json_t *body,
		json_t **out, struct err *e);

/* A workflow transition {"to","reason","duplicate_of"}; a refused one is ERR_CONFLICT
 * ("illegal_transition", "guard_failed", ...) with *missing (if not NULL) set to a JSON
 * array of the unmet requirement ids. */
int cases_transition(struct cases *cs, const struct case_actor *a, int64_t id, json_t *body,
		     json_t **out, json_t **missing, struct err *e);

/* The case's clocks as of now. */
int cases_clocks(struct cases *cs, const struct case_actor *a, int64_t id, json_t **out,
		 struct err *e);
struct clock_query {
	const char *state;             /* pending | met | missed | NULL */
	int64_t due_before;            /* 0 = any */
	const char *cursor;
	int limit;
};
int cases_clocks_list(struct cases *cs, const struct case_actor *a, const struct clock_query *q,
		      json_t **out, struct err *e);

/* The Art. 7(2) report: JSON, or a printable page / plain text (*text, caller frees)
 * when format is "html" or "text". */
int cases_authority_report(struct cases *cs, const struct case_actor *a, int64_t id,
			   const char *format, json_t **out, char **text, struct err *e);
/* Record a submission {"channel":"web_form"|"email"|"hub","submitted_at","receipt_number"}:
 * the exact content is frozen (sealed), its hash logged in the receipt log.
 * Channel hub (cases_set_federation() first): the content is sent to the hub
 * peer in an authority_report envelope (*out has "state":"sent" and its
 * "envelope_id"); the submission is recorded, and rmsv.authority_report met,
 * when the hub's signed receipt returns (receipt_number: the receipt's id). */
int cases_authority_submit(struct cases *cs, const struct case_actor *a, int64_t id,
			   json_t *body, json_t **out, struct err *e);
/* The federation for the hub channel: registers the delivery hook, and
 * records the receipts of reports delivered while no hook ran (a restart). */
struct federation;
void cases_set_federation(struct cases *cs, struct federation *f);

/* {"kind":"upstream"|"downstream"|"reporter","recipients":[{"name","email","country",
 * "is_provider"} or {"supplier_id"} or {"customer_id"}],"message"}: each recipient sent
 * (or refused: an overseas recipient that is not the product's provider, Art. 9(7), code
 * rmsv_9_7_overseas), all recorded.  A registered supplier is the provider of its
 * component; a customer is not. */
int cases_notify(struct cases *cs, const struct case_actor *a, int64_t id, json_t *body,
		 json_t **out, struct err *e);

/* A CRA report (CRA Art. 14) {"kind":"early_warning"|"notification"|"final_report",
 * "recipient":{"name","email","country"},"override":{"reason"}}.  An EU body is
 * overseas and not the provider: without an override the share is refused,
 * ERR_CONFLICT "rmsv_9_7_overseas" (recorded and audited); an override needs a
 * coordinator (ERR_FORBIDDEN otherwise) and flags the case "legal_review".  A
 * report sent (or recorded without a mail relay) meets the clock cra.<kind>. */
int cases_cra_report(struct cases *cs, const struct case_actor *a, int64_t id, json_t *body,
		     json_t **out, struct err *e);

/* Teams for need-to-know (Art. 11; admins): {"name"} -> the team; members are users
 * who may read cases.  An analyst sees the cases assigned to them or to a team of
 * theirs (PATCH {"team_id"}). */
int cases_team_create(struct cases *cs, const struct case_actor *a, json_t *body, json_t **out,
		      struct err *e);
int cases_team_add_member(struct cases *cs, const struct case_actor *a, int64_t team_id,
			  json_t *body, json_t **out, struct err *e);
int cases_teams_list(struct cases *cs, const struct case_actor *a, json_t **out, struct err *e);
/* Remove user_id from the team (admins; audited "team.member_remove"); ERR_NOT_FOUND
 * "not_a_member" if they are not one, or if there is no such team. */
int cases_team_remove_member(struct cases *cs, const struct case_actor *a, int64_t team_id,
			     int64_t user_id, struct err *e);

/* Exports of undisclosed details (Art. 11): a request {"recipient":{"name","email",
 * "country","is_provider"},"reason"} is pending until a second coordinator (not the
 * requester) approves it; the recipient passes the overseas guard first.  An
 * approved export's content carries a per-recipient watermark (recipient, time,
 * export id) as a JSON field and a text footer.  Every step is audited. */
int cases_export_request(struct cases *cs, const struct case_actor *a, int64_t id, json_t *body,
			 json_t **out, struct err *e);
int cases_export_approve(struct cases *cs, const struct case_actor *a, int64_t export_id,
			 json_t **out, struct err *e);
int cases_export_get(struct cases *cs, const struct case_actor *a, int64_t export_id,
		     json_t **out, struct err *e);
/* Exports across cases, newest first, as {"items":[...],"next_before"}: every export for
 * coordinators, administrators and auditors; one's own requests for everyone else.
 * before: only ids below it (0: from the newest); limit: 1..500.  No content. */
int cases_exports_list(struct cases *cs, const struct case_actor *a, int64_t before, int limit,
		       json_t **out, struct err *e);

/* The exact content frozen by submission `version` of the authority report, with
 * its hash and receipt-log leaf; ERR_NOT_FOUND if there is no such version. */
int cases_authority_submission(struct cases *cs, const struct case_actor *a, int64_t id,
			       int version, json_t **out, struct err *e);

/* The compliance dossier: timeline, clocks with their evidence, notifications, submissions. */
int cases_dossier(struct cases *cs, const struct case_actor *a, int64_t id, const char *format,
		  json_t **out, char **text, struct err *e);

/* Escalate every clock that passed one of its escalation points (50 %, 80 %,
 * 100 % of its time by default): an e-mail to the coordinators and admins
 * (when smtp_url is set; else a line on stderr), and an "escalation" event
 * on the case, after which the clock's next point is the following one.
 * *sent counts the escalations made.  `vulnflow serve` calls it every few
 * seconds. */
int cases_escalate(struct cases *cs, int64_t now, int *sent, struct err *e);

/* Recompute the state from the events and compare (a test and `vulnflow case verify`). */
int cases_replay_check(struct cases *cs, int64_t id, int *consistent, struct err *e);

#endif
