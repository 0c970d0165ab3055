/* case.h - the case workflow: states, GB/T 30276 phases, the transition table and its guards,
 * and replay of a case's history (pure).
 *
 * A case moves through the states below along the rows of one transition table
 * (case.c; drawn and explained in docs/internals/case.md).  Each row names who
 * may take it (a capability level), which kinds of case it applies to
 * (provider, operator) and its guard: the facts that must hold first.  The
 * module decides; it stores nothing.  The caller
 *
 *	1. fills a struct case_facts from the case as it is now (plus the
 *	   request's reason and the actor's level),
 *	2. calls case_check(); on success writes the event {from, to, at, actor,
 *	   reason} and the new state in one transaction (and updates the clocks),
 *	3. on refusal answers with e (status from err_http_status(e->code), wire
 *	   name from err_name(e)) and, for a guard failure, the ids of every unmet
 *	   requirement in verdict.missing, in CASE_NEED order:
 *
 *		struct case_facts f = { .role = CASE_ROLE_PROVIDER,
 *					.level = case_level_for_role(user->role),
 *					.has_reason = reason != NULL && *reason, ... };
 *		struct case_verdict v;
 *		if (case_check(&v, from, to, &f, &e) < 0) {
 *			for (int i = 0; i < CASE_NEED_COUNT; i++)
 *				if (v.missing & CASE_NEED_BIT(i))
 *					add case_need_label(i)->id to "missing";
 *			goto out;
 *		}
 *
 * A case's state is a function of its events: case_replay() recomputes it and
 * detects a history that could not have been written through case_check().
 *
 * Stability: every id string here ("triage", "provider", "reason", ...) is part
 * of the API and of stored data and never changes meaning; store those strings,
 * not the enum numbers (which are fixed too, and only ever appended to).
 * Rows may be added and guards tightened; a row is never removed, so that old
 * histories still replay.  New fields of struct case_facts are added at the end
 * and default to "not known" when 0, so always initialise it with `= { ... }`.
 *
 * Nothing here allocates, does I/O or keeps state; all tables are static const.
 */
#ifndef VF_CASE_H
#define VF_CASE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "rules/roles.h"

/* The states; ids in comments.  The phase of each is case_state_phase(). */
enum case_state {
	CASE_TRIAGE = 0,        /* "triage"              receipt */
	CASE_VERIFIED,          /* "verified"            verification */
	CASE_REJECTED,          /* "rejected"            verification */
	CASE_DUPLICATE,         /* "duplicate"           verification */
	CASE_ASSESSED,          /* "assessed"            handling */
	CASE_FIXING,            /* "fixing"              handling */
	CASE_FIX_AVAILABLE,     /* "fix_available"       handling */
	CASE_DISCLOSURE_PENDING,/* "disclosure_pending"  publication (provider cases only) */
	CASE_PUBLISHED,         /* "published"           publication (provider cases only) */
	CASE_CLOSED,            /* "closed"              tracking */
	CASE_STATE_COUNT
};

/* The phases of GB/T 30276-2020 §5 a case goes through.  §5.1 (discovery and
 * reporting) happens before a case exists: it is the report and its receipt. */
enum case_phase {
	CASE_PHASE_RECEIPT = 0, /* "receipt"       §5.2 漏洞接收 */
	CASE_PHASE_VERIFICATION,/* "verification"  §5.3 漏洞验证 */
	CASE_PHASE_HANDLING,    /* "handling"      §5.4 漏洞处置 */
	CASE_PHASE_PUBLICATION, /* "publication"   §5.5 漏洞发布 */
	CASE_PHASE_TRACKING,    /* "tracking"      §5.6 漏洞跟踪 */
	CASE_PHASE_COUNT
};

/* Whose vulnerability the case is.  0 is "not set" and is refused. */
enum case_role {
	CASE_ROLE_PROVIDER = 1, /* "provider": in a product we provide (Art. 7) */
	CASE_ROLE_OPERATOR,     /* "operator": in systems we operate (Art. 8); never published */
};

/* What the actor may do on cases.  Higher levels include lower ones. */
enum case_level {
	CASE_LEVEL_NONE = 0,    /* "none": may take no transition */
	CASE_LEVEL_ANALYST,     /* "analyst": day-to-day handling */
	CASE_LEVEL_COORDINATOR, /* "coordinator": publication decisions, reversals, reopening */
};

/*
 * The requirements a guard can find unmet.  verdict.missing is a set of
 * CASE_NEED_BIT(need); case_need_label(need)->id is the machine id the API
 * returns in "missing", ->en the message, ->zh the same in Chinese.
 */
enum case_need {
	CASE_NEED_REASON = 0,           /* "reason": the request gives a reason */
	CASE_NEED_DUPLICATE_OF,         /* "duplicate_of": the case this one duplicates */
	CASE_NEED_AFFECTED_PRODUCT,     /* "affected_product": name and version of one */
	CASE_NEED_SCORE,                /* "score": a CVSS score or a GB/T 30279 grade */
	CASE_NEED_SCOPE,                /* "scope": the impact scope */
	CASE_NEED_REMEDIATION,          /* "remediation": fix or mitigation text */
	CASE_NEED_FIX_AVAILABLE_AT,     /* "fix_available_at": when the fix became available */
	CASE_NEED_AUTHORITY_REPORT,     /* "authority_report": the Art. 7(2) report submitted */
	CASE_NEED_ADVISORY_PUBLISHED,   /* "advisory_published": the advisory is out */
	CASE_NEED_ADVISORY_NOT_PUBLISHED,/* "advisory_not_published": it is not out yet */
	CASE_NEED_DECISION_NOT_TO_PUBLISH,/* "decision_not_to_publish": recorded */
	CASE_NEED_COUNT
};
#define CASE_NEED_BIT(need) (1u << (need))

/* An id with its Chinese (zh-CN) and English names.  Static; never NULL. */
struct case_label {
	const char *id;
	const char *zh;
	const char *en;
};

/*
 * What the guards look at: a snapshot the caller fills from the case and the
 * request.  Flags are 1 (present) or 0 (absent / not known).
 */
struct case_facts {
	enum case_role role;            /* required */
	enum case_level level;          /* the actor's, case_level_for_role() */
	int has_reason;                 /* the request carries a non-empty reason */
	int64_t duplicate_of;           /* id of the case this one duplicates, or 0 */
	int has_cvss;                   /* a CVSS (any version) score is recorded */
	int has_gbt_grade;              /* a GB/T 30279 grade is recorded */
	int has_affected_product;       /* >= 1 affected product with name and version */
	int has_scope;                  /* the impact scope (deployments, regions, units) */
	int has_remediation;            /* fix or mitigation text for users */
	int has_fix_available_at;       /* the time the fix became available */
	int authority_report_submitted; /* a submission of the Art. 7(2) report is recorded */
	int advisory_published;         /* the publication gate published the advisory */
	int decided_not_to_publish;     /* a coordinator's decision not to publish is recorded */
};

/* Why case_check() refused (or CASE_ALLOWED). */
enum case_outcome {
	CASE_ALLOWED = 0,
	CASE_BAD_INPUT,         /* a state, role or level out of range: ERR_INVALID */
	CASE_ILLEGAL,           /* no row from -> to (incl. to == from): ERR_CONFLICT
				 * "illegal_transition" */
	CASE_WRONG_ROLE,        /* a row exists, not for this role (an operator case
				 * going to publication): ERR_CONFLICT "transition_not_for_role" */
	CASE_FORBIDDEN,         /* the actor's level is too low: ERR_FORBIDDEN */
	CASE_GUARD,             /* requirements unmet (missing != 0): ERR_CONFLICT
				 * "guard_failed" */
};

struct case_verdict {
	enum case_outcome outcome;
	enum case_level level;  /* the level the row needs (FORBIDDEN, GUARD, ALLOWED) */
	unsigned missing;       /* CASE_NEED_BIT()s unmet; filled for FORBIDDEN and GUARD too */
};

/*
 * May a case in state from go to state to, given f?  0 if so (verdict
 * CASE_ALLOWED).  Else -1 with *out saying why and e filled as listed at
 * enum case_outcome; a guard failure's message names every missing id
 * ("transition \"triage\" -> \"verified\" is missing: reason, affected_product").
 * Checks in this order, stopping at the first that fails: input, row exists,
 * row applies to f->role, level; the guard is evaluated whenever a row applies,
 * so out->missing is complete even when the level is what refused.
 */
int case_check(struct case_verdict *out, enum case_state from, enum case_state to,
	       const struct case_facts *f, struct err *e);

/* One possible transition out of a state, for the UI's buttons. */
struct case_option {
	enum case_state to;
	const struct case_label *action;        /* "verify", "reopen", ...: what the button says */
	enum case_level level;                  /* the level the row needs */
	unsigned missing;                       /* unmet requirements under f */
	int allowed;                            /* f->level suffices and missing == 0 */
};
#define CASE_OPTIONS_MAX 8

/*
 * Every row out of from that applies to f->role, in table order, whether or
 * not f lets it be taken (allowed says; missing and level say why not).
 * out must hold CASE_OPTIONS_MAX.  Leave f->has_reason 0 to learn which rows
 * need a reason (missing has CASE_NEED_REASON): the UI asks for one there.
 * ERR_INVALID (-1) for a bad state, role or level.
 */
int case_options(struct case_option *out, size_t *n, enum case_state from,
		 const struct case_facts *f, struct err *e);

/* A transition as stored.  reason is not owned (may be NULL). */
struct case_event {
	enum case_state from;
	enum case_state to;
	int64_t at_us;          /* Unix time, microseconds */
	int64_t actor_id;
	const char *reason;
};

/*
 * The state after n events (in the order they were written), starting from
 * CASE_TRIAGE (a new case; creation is not an event).  Refuses, with
 * ERR_CONFLICT "history_invalid" naming the index in e and in *bad_event (if
 * not NULL), the first event
 *	- whose from or to is not a state,
 *	- whose from is not the state the events before it lead to,
 *	- that no row of the table allows for role (guards are not rechecked:
 *	  they depend on facts at the time, and later guards may be stricter),
 *	- whose at_us is earlier than the event before it.
 * *out is set only on success, *bad_event only on that refusal.  The role is
 * the case's; a service can check whether a case may change role by replaying
 * its history with the new one.
 */
int case_replay(enum case_state *out, size_t *bad_event, enum case_role role,
		const struct case_event *ev, size_t n, struct err *e);

/* Names, labels, phases.  A value out of range gives "unknown" (labels too). */
const char *case_state_name(enum case_state s);
/* ERR_INVALID "unknown_state" if name is not a state id. */
int case_state_from_name(enum case_state *out, const char *name, struct err *e);
const struct case_label *case_state_label(enum case_state s);
enum case_phase case_state_phase(enum case_state s);    /* CASE_PHASE_COUNT if bad */

const struct case_label *case_phase_label(enum case_phase p);
/* The clause of GB/T 30276-2020 that describes the phase: "5.2" .. "5.6". */
const char *case_phase_clause(enum case_phase p);

const char *case_role_name(enum case_role r);
/* ERR_INVALID if name is not "provider" or "operator". */
int case_role_from_name(enum case_role *out, const char *name, struct err *e);
const struct case_label *case_role_label(enum case_role r);

const char *case_level_name(enum case_level l);
/* The level a user role gives: coordinator with CAP_PUBLISH (coordinator,
 * admin), analyst with CAP_CASES_WRITE, else none.  Per-case need-to-know
 * (Art. 11) is the caller's check, before this one. */
enum case_level case_level_for_role(enum role r);

const struct case_label *case_need_label(enum case_need need);

#endif
