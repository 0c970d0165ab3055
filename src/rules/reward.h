/* reward.h - rewards for reporters (Art. 7(4)): the policy's amount ranges, money amounts,
 * and the decision's state machine (pure).
 *
 * A reward policy gives amount ranges by GB/T 30279 grade, optionally
 * narrowed by the CVSS severity band, in one currency (CNY by default):
 *
 *	{"currency": "CNY",
 *	 "ranges": [{"grade": "critical", "min": "20000", "max": "50000"},
 *		    {"grade": "high", "cvss_severity": "critical", "min": "10000", "max": "30000"},
 *		    {"grade": "high", "min": "5000", "max": "20000"}],
 *	 "note": "free text"}
 *
 * Grades are given as "critical" / "high" / "medium" / "low" or as the
 * standard's 超危 / 高危 / 中危 / 低危 (stored as the English ids); an
 * amount is a JSON integer or a decimal string with at most two decimals
 * ("1234.5", "1234.50"), never a JSON real (binary fractions are not
 * money).  Amounts are held as int64 minor units (fen): "1234.50" is 123450.
 * For a case, the range that applies is the one with the case's grade and
 * its CVSS band if the policy has such a row, else the one with the grade
 * and no band; none applies when the case has no grade.
 *
 * A decision moves along one table:
 *
 *	propose  -> proposed   analyst or coordinator; outside the policy (no
 *	                       range, another currency, an amount out of the
 *	                       range) it needs a reason and a coordinator
 *	approve  proposed -> approved   a coordinator other than the proposer
 *	pay      approved -> paid       admin or coordinator; reference, paid_at
 *	reject   proposed|approved -> rejected   admin or coordinator; reason
 *
 * reward_decide() answers the next state, or why not: code "forbidden" (the
 * role may never take the step: HTTP 403), "illegal_transition" (not from
 * this state: 409) or "guard_failed" (409), with the ids of what is missing
 * ("approval", "reason", "coordinator", "second_coordinator", "reference",
 * "paid_at").  These ids and the state and action names are API and stored
 * data: they never change meaning.
 *
 * Nothing here does I/O or keeps state.
 */
#ifndef VF_REWARD_H
#define VF_REWARD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "rules/roles.h"

enum reward_state { REWARD_PROPOSED = 0, REWARD_APPROVED, REWARD_PAID, REWARD_REJECTED,
		    REWARD_STATE_COUNT };
enum reward_action { REWARD_PROPOSE = 0, REWARD_APPROVE, REWARD_PAY, REWARD_REJECT,
		     REWARD_ACTION_COUNT };

/* "proposed", "approved", "paid", "rejected"; -1 from reward_state_from_name() if unknown. */
const char *reward_state_name(enum reward_state s);
int reward_state_from_name(const char *name);
/* "propose", "approve", "pay", "reject". */
const char *reward_action_name(enum reward_action a);

/* The largest amount taken, in minor units (10^12 yuan). */
#define REWARD_AMOUNT_MAX INT64_C(100000000000000)
#define REWARD_AMOUNT_LEN 24

/* v is a JSON integer (whole units) or a decimal string; ERR_INVALID naming
 * field for anything else, a negative amount or one above the maximum. */
int reward_amount_parse(int64_t *out, const json_t *v, const char *field, struct err *e);
/* "1234.50" */
void reward_amount_format(int64_t minor, char out[REWARD_AMOUNT_LEN]);
/* 1 if s is three upper-case ASCII letters (ISO 4217 form). */
int reward_currency_valid(const char *s);
/* "critical", "high", "medium" or "low" for the English id or the Chinese
 * name of a GB/T 30279 grade; NULL otherwise (and for NULL). */
const char *reward_grade_id(const char *s);

#define REWARD_RANGES_MAX 32

struct reward_range {
	char grade[12];                /* "critical" .. "low" */
	char cvss_severity[12];        /* "critical", "high", "medium", "low", "none", or "" */
	int64_t min, max;              /* minor units, min <= max */
};

struct reward_policy {
	char currency[4];
	char note[512];
	size_t nranges;
	struct reward_range ranges[REWARD_RANGES_MAX];
};

/* Check a policy document (as above; unknown members are errors) into *out.
 * ERR_INVALID names the place: "ranges[2].max", a duplicate (grade, band)
 * pair, min above max, a currency not in ISO 4217 form. */
int reward_policy_parse(struct reward_policy *out, const json_t *doc, struct err *e);
/* The canonical document of p (amounts as "0.00" strings, grades as ids). */
json_t *reward_policy_json(const struct reward_policy *p);
/* The range for a case graded grade (an id or Chinese name, may be NULL)
 * with CVSS band cvss (may be NULL); NULL if none applies. */
const struct reward_range *reward_range_for(const struct reward_policy *p, const char *grade,
					    const char *cvss);
/* 1 if amount in currency lies in the range that applies (*range set to it,
 * or NULL when none applies); 0 otherwise.  p may be NULL (no policy). */
int reward_within_policy(const struct reward_policy *p, const char *grade, const char *cvss,
			 const char *currency, int64_t amount, const struct reward_range **range);

/* One step asked for. */
struct reward_step {
	enum reward_action action;
	enum reward_state from;        /* ignored for REWARD_PROPOSE */
	enum role role;                /* the actor's role */
	int64_t actor_id;
	int64_t proposer_id;           /* approve: who proposed (0 = the CLI) */
	int within_policy;             /* propose */
	int has_reason;
	int has_reference;             /* pay */
	int has_paid_at;               /* pay */
};

#define REWARD_MISSING_MAX 4

struct reward_verdict {
	enum reward_state to;
	const char *code;              /* NULL when allowed */
	const char *missing[REWARD_MISSING_MAX];
	size_t nmissing;
};

/* Decide s into *out; 0 if allowed, else -1 with out->code, out->missing
 * and e filled (ERR_FORBIDDEN or ERR_CONFLICT, wire name out->code). */
int reward_decide(struct reward_verdict *out, const struct reward_step *s, struct err *e);

#endif
