/* stats.h - the dashboard's counts: reports received, clocks met and missed per day
 * (Asia/Shanghai days), and cases per phase and state, as exact counts.
 *
 * Need-to-know (Art. 11) as the case list applies it: coordinators, administrators,
 * auditors (and the CLI, user id 0) count every case; anyone else with cases.read
 * counts the cases assigned to them or to a team of theirs, and the reports in those
 * cases.  GET /api/v1/stats; the caller's route has checked cases.read.
 */
#ifndef VF_STATS_H
#define VF_STATS_H

#include <jansson.h>

#include "base/err.h"
#include "service/cases.h"
#include "service/instance.h"

#define STATS_DAYS_DEFAULT 14
#define STATS_DAYS_MAX 366

/* The counts for the last `days` days (1..STATS_DAYS_MAX, today included) into *out:
 *
 *	{"days": N, "time_zone": "Asia/Shanghai", "from": RFC 3339 (UTC), "to": now,
 *	 "need_to_know": true when the numbers cover only the caller's cases,
 *	 "per_day": [{"date": "YYYY-MM-DD", "intake": n, "clocks_met": n,
 *	              "clocks_missed": n}, ... oldest first, one per day],
 *	 "totals": {"intake", "clocks_met", "clocks_missed"},
 *	 "cases": {"total": n, "by_phase": {"receipt": n, ...every phase},
 *	           "by_state": {"triage": n, ...every state}}}
 *
 * Clocks met count on the day met; missed ones (and pending ones past due) on the day
 * due.  Cases count whatever their age.  ERR_INVALID "invalid_parameter" for days out
 * of range.
 */
int stats_get(struct instance *in, const struct case_actor *a, int days, json_t **out,
	      struct err *e);

#endif
