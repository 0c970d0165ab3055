/* fuzz_clock.c - libFuzzer target for obligation policies and their evaluation.
 *
 * The input is tried twice: as a regime document added to an empty set, and
 * as an override document merged into the built-in set.  Nothing may crash
 * or leak; a refusal is ERR_MALFORMED or ERR_INVALID with a message and
 * leaves the set as it was.  Whatever loads is evaluated for every
 * combination of facts and grades, with each obligation's trigger at one
 * instant and its first satisfying event some hours later, and these must
 * hold, else the target aborts:
 *   - a clock names its obligation and starts at the trigger;
 *   - due_at - trigger_at is at least the duration (workday time never runs
 *     faster than natural time) and equals it on the natural calendar;
 *   - the state agrees with met_at, due_at and now; a met-late clock is missed;
 *   - escalations passed never exceed the points, and the next point, if
 *     any, lies after now on an unmet clock.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/timefmt.h"
#include "rules/clock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define T0 (INT64_C(1770948000) * TIME_US_PER_S)        /* 2026-02-13T02:00:00Z */
#define HOUR (INT64_C(3600) * TIME_US_PER_S)
#define EVENTS_MAX 512

static void refused(const struct err *e)
{
	if ((e->code != ERR_INVALID && e->code != ERR_MALFORMED) || e->msg[0] == '\0')
		abort();
}

static void check_clock(const struct clock_policy *p, const struct clock_status *c,
			const struct clock_facts *f, int64_t now)
{
	struct clock_obligation o;
	int64_t dur;

	if (c->obligation >= clock_policy_count(p))
		abort();
	clock_policy_at(p, c->obligation, &o);
	dur = o.duration_us[f->grade];
	if (strcmp(c->id, o.id) != 0 || c->trigger_at != T0 || c->grade != f->grade)
		abort();
	if (dur <= 0 || c->due_at - c->trigger_at < dur)
		abort();
	if (strcmp(o.calendar, "natural") == 0 && (c->due_at != c->trigger_at + dur ||
						   c->beyond_calendar))
		abort();
	if (c->satisfied) {
		if (c->met_at < c->trigger_at || c->met_at > now ||
		    c->met_late != (c->met_at > c->due_at) ||
		    c->state != (c->met_late ? CLOCK_MISSED : CLOCK_MET) || c->has_next_escalation)
			abort();
	} else if (c->met_late || c->state != (now > c->due_at ? CLOCK_MISSED : CLOCK_PENDING)) {
		abort();
	}
	if (c->escalations_passed < 0 || (size_t)c->escalations_passed > o.nescalate)
		abort();
	if (c->has_next_escalation && c->next_escalation_at <= now)
		abort();
	if (strcmp(clock_state_name(c->state), "?") == 0)
		abort();
}

/* Evaluate every obligation of p for all facts, each trigger at T0 and each
 * first satisfier seed-dependent hours later. */
static void exercise(const struct clock_policy *p, const uint8_t *data, size_t size)
{
	struct clock_event ev[EVENTS_MAX];
	size_t n = clock_policy_count(p), nev = 0;

	if (n == 0)
		abort();
	for (size_t i = 0; i < n && nev + 2 <= EVENTS_MAX; i++) {
		struct clock_obligation o;
		int64_t h = size > 0 ? data[i % size] : 0;

		clock_policy_at(p, i, &o);
		if (clock_policy_find(p, o.id) != (long)i || o.nsatisfied == 0)
			abort();
		ev[nev++] = (struct clock_event){ o.trigger, T0, (int64_t)(2 * i + 1) };
		ev[nev++] = (struct clock_event){ o.satisfied_by[0], T0 + h * HOUR,
						  (int64_t)(2 * i + 2) };
	}
	for (int v = 0; v < 4 * (CLOCK_GRADE_COUNT + 1); v++) {
		struct clock_facts f = {
			.role = (v & 1) ? CLOCK_ROLE_OPERATOR : CLOCK_ROLE_PROVIDER,
			.actively_exploited = !!(v & 2),
			.has_upstream = !!(v & 2),
			.grade = (enum clock_grade)(v / 4),
		};
		int64_t now = T0 + (int64_t)(v * 37 % 400) * HOUR;
		struct clock_status *c = NULL;
		struct err e = ERR_INIT;
		size_t nc = 0;

		if (clock_evaluate(&c, &nc, p, &f, ev, nev, now, &e) != 0)
			abort();
		if (nc > n || (nc == 0) != (c == NULL))
			abort();
		for (size_t i = 0; i < nc; i++) {
			check_clock(p, &c[i], &f, now);
			if (i > 0 && c[i].obligation <= c[i - 1].obligation)
				abort();
		}
		free(c);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct clock_policy *p = clock_policy_new();
	struct clock_obligation before, after;
	struct err e = ERR_INIT;

	if (clock_policy_add(p, (const char *)data, size, &e) == 0)
		exercise(p, data, size);
	else if (clock_policy_count(p) != 0)
		abort();
	else
		refused(&e);
	clock_policy_free(p);

	err_clear(&e);
	if (clock_policy_builtin(&p, &e) != 0)
		abort();
	clock_policy_at(p, 2, &before);
	if (clock_policy_merge(p, (const char *)data, size, &e) == 0) {
		exercise(p, data, size);
	} else {
		refused(&e);
		clock_policy_at(p, 2, &after);
		if (clock_policy_count(p) != 8 || memcmp(&before, &after, sizeof(before)) != 0)
			abort();
	}
	clock_policy_free(p);
	return 0;
}
