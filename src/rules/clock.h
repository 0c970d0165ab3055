/* clock.h - obligation clocks: the deadlines a case is under, as data (pure).
 *
 * A duty such as "report to the MIIT platform within 2 days" (《网络产品安全漏洞
 * 管理规定》 Art. 7(2)) is an *obligation* in a policy document, not code:
 *
 *	trigger      the event kind that starts it ("learned", "fix_available")
 *	duration     ISO 8601 ("PT48H", "P14D"), or one per GB/T 30279 grade
 *	calendar     "natural", or a named workday calendar (holidays, 调休 make-up days)
 *	time_zone    the zone whose local days the calendar counts (fixed offsets only)
 *	satisfied_by the event kinds that meet it ("authority_report.submitted")
 *	condition    when it applies (actively exploited, upstream component, role)
 *	escalate_at  fractions of the duration at which to escalate (0.5, 0.8, 1.0)
 *
 * policies/rmsv.json (the Provisions) and policies/cra.json (EU CRA Art. 14)
 * are built into the binary; an organisation's override document may replace
 * the duration, calendar, time zone and escalation points of listed
 * obligations.  docs/internals/clocks.md describes the format, the built-in
 * obligations and their legal sources, and the semantics below.
 *
 * Evaluation is a pure function of (policy, case facts, dated events, now):
 *
 *	struct clock_policy *p;
 *	struct clock_status *c;
 *	size_t n;
 *	if (clock_policy_builtin(&p, &e) || clock_evaluate(&c, &n, p, &facts,
 *	                                                   events, nevents, now_us, &e))
 *		... e.msg ...
 *	for (size_t i = 0; i < n; i++)
 *		show(c[i].id, c[i].due_at, clock_state_name(c[i].state));
 *	free(c);
 *	clock_policy_free(p);
 *
 * Semantics (each one a reading; see docs/internals/clocks.md):
 *
 *  - A clock is listed only if its obligation's condition holds for the facts
 *    and its trigger has happened (an event of the trigger kind at or before
 *    now); otherwise it is not listed at all.  The earliest trigger event
 *    starts it.  Events after now are ignored, so evaluating with an earlier
 *    now gives the clocks as they stood then.
 *  - due_at is trigger_at plus the duration: natural time for "natural"; for
 *    a workday calendar, only time on workdays (whole local days in the time
 *    zone) counts, so due_at is the earliest instant by which the duration of
 *    workday time has elapsed.  Escalation instants are computed the same way
 *    from fractions of the duration.
 *  - The earliest satisfying event at or after trigger_at (and at or before
 *    now) meets the clock.  met_at <= due_at: CLOCK_MET.  met_at > due_at:
 *    CLOCK_MISSED with met_late = 1 and the event recorded ("met late").  No
 *    satisfying event: CLOCK_MISSED once now > due_at, else CLOCK_PENDING (the
 *    deadline instant itself still counts as in time).
 *  - A case that was dismissed (rejected as not a vulnerability, or merged into
 *    another case) at or before a clock's due time, before the clock was met,
 *    has that clock CLOCK_CANCELLED.  A duty that fell due before the dismissal
 *    stays missed.
 *  - A regime may name the date it came into force; a trigger before that
 *    date (local midnight in the obligation's zone) lists no clock.
 *
 * Times are int64 microseconds since the Unix epoch, UTC (base/timefmt.h).
 * Nothing here reads the clock: now is a parameter.  A loaded policy is
 * immutable during evaluation; several threads may evaluate with one policy
 * at once, but clock_policy_add/merge need exclusive access.
 */
#ifndef VF_CLOCK_H
#define VF_CLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* The embedded policies/rmsv.json and policies/cra.json (see tools/embed_text.py). */
extern const char rmsv_policy_json[];
extern const size_t rmsv_policy_json_len;
extern const char cra_policy_json[];
extern const size_t cra_policy_json_len;

struct clock_policy;    /* a set of loaded regimes (opaque) */

/*
 * A new, empty policy set.  Never NULL (allocation aborts on failure).
 */
struct clock_policy *clock_policy_new(void);

/*
 * Add one regime document (schema "vulnflow.clocks/1"): json_text, len bytes.
 * Invalid JSON, duplicate keys or invalid UTF-8 is ERR_MALFORMED; anything
 * else wrong is ERR_INVALID with a message naming the JSON path, e.g.
 *
 *	"obligations[2].duration" "P1M": years and months have no fixed length; ...
 *	"calendars.cn_2026.make_up_workdays[1]" "2026-02-16" is not a saturday or sunday
 *	unknown field "obligations[0].durations"
 *
 * A regime or obligation id already in p, or a calendar name already in p,
 * is refused.  On error p is unchanged.
 */
int clock_policy_add(struct clock_policy *p, const char *json_text, size_t len, struct err *e);

/*
 * Merge an organisation's override document (schema
 * "vulnflow.clocks.override/1") into p: for each listed obligation id, its
 * "duration", "calendar", "time_zone" and "escalate_at" (whichever are given)
 * replace the current ones.  The document may define further calendars.
 * Errors as for clock_policy_add(); an id that p does not hold is
 * ERR_INVALID.  On error p is unchanged.  Later merges win over earlier ones.
 */
int clock_policy_merge(struct clock_policy *p, const char *json_text, size_t len, struct err *e);

/* A set holding the built-in regimes, rmsv then cra.  *out is set only on success. */
int clock_policy_builtin(struct clock_policy **out, struct err *e);

void clock_policy_free(struct clock_policy *p);

/* GB/T 30279 grades, numbered as gbt30279_result.*_rank. */
enum clock_grade {
	CLOCK_UNGRADED = 0,
	CLOCK_LOW = 1,          /* 低危 */
	CLOCK_MEDIUM = 2,       /* 中危 */
	CLOCK_HIGH = 3,         /* 高危 */
	CLOCK_CRITICAL = 4,     /* 超危 */
};
#define CLOCK_GRADE_COUNT 4

/* Conditions, a bit set; an obligation applies when all of its bits hold (0: always). */
#define CLOCK_IF_UPSTREAM  0x1u /* "upstream_component": facts.has_upstream */
#define CLOCK_IF_EXPLOITED 0x2u /* "actively_exploited": facts.actively_exploited */
#define CLOCK_IF_PROVIDER  0x4u /* "role=provider" */
#define CLOCK_IF_OPERATOR  0x8u /* "role=operator" */

/* One obligation as loaded (and merged); every pointer belongs to the policy. */
struct clock_obligation {
	const char *id;                 /* "rmsv.authority_report" */
	const char *regime;             /* "rmsv" */
	const char *regime_name_zh;
	const char *regime_name_en;
	const char *title_zh;
	const char *title_en;
	const char *article;            /* the legal source, or the SLA it implements */
	const char *trigger;            /* event kind */
	const char *const *satisfied_by;        /* event kinds */
	size_t nsatisfied;
	unsigned conditions;            /* CLOCK_IF_* */
	int per_grade;                  /* the duration depends on the grade */
	/* duration_us[grade]: [0] applies to an ungraded case (for a per-grade
	 * duration, the 超危 one: until graded, a case is treated as critical);
	 * without per_grade all five are equal. */
	int64_t duration_us[CLOCK_GRADE_COUNT + 1];
	const char *calendar;           /* "natural" or a calendar's name */
	const char *time_zone;          /* as written: "Asia/Shanghai", "UTC", "+08:00" */
	int utc_offset_s;
	const double *escalate_at;      /* increasing fractions of the duration */
	size_t nescalate;
	int overridden;                 /* an override document changed it */
};

/* Number of obligations in p; they are numbered in load order, file order within a document. */
size_t clock_policy_count(const struct clock_policy *p);
/* Obligation i (< clock_policy_count(p)) into *out. */
void clock_policy_at(const struct clock_policy *p, size_t i, struct clock_obligation *out);
/* The index of the obligation with this id, or -1. */
long clock_policy_find(const struct clock_policy *p, const char *id);

enum clock_role { CLOCK_ROLE_PROVIDER, CLOCK_ROLE_OPERATOR };

/* What the case is, now. */
struct clock_facts {
	enum clock_role role;
	int actively_exploited;
	int has_upstream;               /* an upstream component (and supplier) is set */
	enum clock_grade grade;         /* CLOCK_UNGRADED until graded */
	int dismissed;                  /* the case is rejected or merged as a duplicate */
	int64_t dismissed_at;           /* when (only read if dismissed) */
};

/*
 * One dated event of the case.  The kinds the built-in policies read are
 * part of this contract (the case workflow and the service must emit them):
 *
 *	learned                  at learned_at (pass one, with the current learned_at)
 *	exploitation_learned     the organisation learned the flaw is actively
 *	                         exploited (at learned_at if known from the start)
 *	upstream_set             the upstream component/supplier was identified
 *	fix_available            a fix or mitigation became available
 *	verification.done, verification.rejected
 *	upstream_notice.sent, authority_report.submitted, downstream_notice.sent,
 *	fix.deployed, cra.early_warning.sent, cra.notification.sent,
 *	cra.final_report.sent
 *
 * Other kinds are ignored unless a policy names them.
 */
struct clock_event {
	const char *kind;
	int64_t at_us;
	int64_t id;                     /* reported back as trigger/met_by */
};

enum clock_state { CLOCK_PENDING, CLOCK_MET, CLOCK_MISSED, CLOCK_CANCELLED };

struct clock_status {
	const char *id;                 /* the obligation's id (the policy's string) */
	size_t obligation;              /* its index, for clock_policy_at() */
	enum clock_state state;
	int64_t trigger_at;
	int64_t trigger_event;          /* id of the event that started it */
	int64_t due_at;
	int satisfied;                  /* a satisfying event was found (in time or late) */
	int64_t met_at;                 /* these two only if satisfied */
	int64_t met_by;                 /* event id */
	int met_late;                   /* satisfied after due_at: state is CLOCK_MISSED */
	/* Escalation points reached: those at or before met_at if satisfied,
	 * else at or before now. */
	int escalations_passed;
	int has_next_escalation;        /* not satisfied and a point is still ahead */
	int64_t next_escalation_at;
	enum clock_grade grade;         /* the grade whose duration was used */
	int utc_offset_s;               /* of the obligation's time zone, for display */
	/* 1 if a workday computation used a day outside the calendar's
	 * valid_from..valid_until (where plain Monday-Friday was assumed): the
	 * due time may move when that year's holidays are entered. */
	int beyond_calendar;
};

/*
 * Evaluate every obligation of p for a case at now_us: *out gets the listed
 * clocks (in obligation order; free() the array), *n their number (possibly
 * 0, with *out NULL).  events need not be sorted.  ERR_INVALID for an event
 * without a kind or with a time outside years 1..9999, a bad role or grade,
 * or events == NULL with nevents > 0.
 */
int clock_evaluate(struct clock_status **out, size_t *n, const struct clock_policy *p,
		   const struct clock_facts *facts, const struct clock_event *events,
		   size_t nevents, int64_t now_us, struct err *e);

/* "pending", "met", "missed", "cancelled". */
const char *clock_state_name(enum clock_state s);
/* The state named s; -1 if none. */
int clock_state_parse(const char *s, enum clock_state *out);

#endif
