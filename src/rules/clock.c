/* clock.c - load, check and merge obligation policies; evaluate a case's clocks.
 *
 * A policy set keeps every JSON document it loaded (the strings of the
 * obligations point into them), the obligations in load order, and the
 * workday calendars, each holiday and make-up list a sorted array of local
 * day numbers (days since 1970-01-01 in the obligation's time zone).
 * Loading and merging build the new parts aside and commit them only when the
 * whole document is valid, so a refused document leaves the set as it was.
 *
 * Evaluation scans the events once per obligation.  A workday deadline walks
 * the calendar a day at a time from the trigger; escalation points continue
 * the walk from the previous point (workday time is additive), so one clock
 * costs about one walk over its longest escalation.
 */
#include "rules/clock.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/timefmt.h"

#define SCHEMA "vulnflow.clocks/1"
#define OVERRIDE_SCHEMA "vulnflow.clocks.override/1"
#define KIND_MAX 64                     /* longest event kind or obligation id */
#define REGIME_ID_MAX 16
#define CAL_NAME_MAX 32
#define DOC_OBLIGATIONS_MAX 64
#define SET_OBLIGATIONS_MAX 256
#define SATISFIED_MAX 16
#define ESCALATE_MAX 16
#define ESCALATE_FRACTION_MAX 4.0
#define DOC_CALENDARS_MAX 16
#define DATES_MAX 4000
#define CAL_SPAN_DAYS_MAX (366 * 100)
#define DURATION_DAYS_MAX 3660
#define OFFSET_MAX_S (14 * 3600)
#define DAY_S INT64_C(86400)
#define DAY_US (DAY_S * TIME_US_PER_S)
#define TIME_MIN_US (INT64_C(-62135596800) * TIME_US_PER_S)     /* 0001-01-01T00:00:00Z */
#define TIME_MAX_US (INT64_C(253402300800) * TIME_US_PER_S - 1) /* 9999-12-31T23:59:59.999999Z */
#define PATH_LEN 192

struct calendar {
	const char *name;
	int64_t from, until;            /* local days, inclusive */
	int64_t *holidays;              /* sorted */
	size_t nholidays;
	int64_t *makeup;                /* sorted; all Saturdays or Sundays */
	size_t nmakeup;
};

struct duration {
	int per_grade;
	int64_t us[CLOCK_GRADE_COUNT + 1];
};

struct obligation {
	const char *id, *regime, *regime_zh, *regime_en;
	const char *title_zh, *title_en, *article, *trigger;
	const char *satisfied[SATISFIED_MAX];
	size_t nsatisfied;
	unsigned cond;
	struct duration dur;
	long cal;                       /* index into the set's calendars; -1 natural */
	const char *cal_name;
	const char *tz;
	int off;                        /* UTC offset, seconds */
	double esc[ESCALATE_MAX];
	size_t nesc;
	int has_in_force;
	int64_t in_force_day;           /* local day the regime came into force */
	int overridden;
};

struct clock_policy {
	json_t **docs;
	size_t ndocs;
	struct obligation *ob;
	size_t nob;
	struct calendar *cal;
	size_t ncal;
};

/* One document being loaded: the parts it adds, committed only on success. */
struct load {
	const struct clock_policy *p;
	struct calendar *cal;
	size_t ncal;
	struct obligation *ob;
	size_t nob;
};

/* GB/T 30279-2020 grades, indexed by enum clock_grade. */
static const char *const grade_keys[CLOCK_GRADE_COUNT + 1] = {
	[CLOCK_LOW] = "低危", [CLOCK_MEDIUM] = "中危", [CLOCK_HIGH] = "高危", [CLOCK_CRITICAL] = "超危",
};

/* Zones without daylight saving (today), by name.  Historic offsets are not
 * modelled: Asia/Shanghai has been +08:00 without DST since 1991. */
static const struct {
	const char *name;
	int off;
} zones[] = {
	{ "UTC", 0 },
	{ "Etc/UTC", 0 },
	{ "Asia/Shanghai", 8 * 3600 },
	{ "Asia/Hong_Kong", 8 * 3600 },
	{ "Asia/Macau", 8 * 3600 },
	{ "Asia/Taipei", 8 * 3600 },
	{ "Asia/Singapore", 8 * 3600 },
	{ "Asia/Tokyo", 9 * 3600 },
	{ "Asia/Seoul", 9 * 3600 },
	{ "Asia/Kolkata", 5 * 3600 + 1800 },
};

static const struct {
	const char *name;
	unsigned bit;
} conditions[] = {
	{ "always", 0 },
	{ "upstream_component", CLOCK_IF_UPSTREAM },
	{ "actively_exploited", CLOCK_IF_EXPLOITED },
	{ "role=provider", CLOCK_IF_PROVIDER },
	{ "role=operator", CLOCK_IF_OPERATOR },
};

static const char *const state_names[] = {
	[CLOCK_PENDING] = "pending", [CLOCK_MET] = "met", [CLOCK_MISSED] = "missed",
	[CLOCK_CANCELLED] = "cancelled",
};

/* ---- small helpers ---- */

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Paths only name a place in error messages: a path too long is cut, marked "...". */
static void path_mark_cut(char *buf, int n)
{
	if (n >= PATH_LEN)
		memcpy(buf + PATH_LEN - 4, "...", 4);
}

static void path_key(char *buf, const char *base, const char *key)
{
	path_mark_cut(buf, snprintf(buf, PATH_LEN, "%s%s%s", base, base[0] ? "." : "", key));
}

static void path_index(char *buf, const char *base, size_t i)
{
	path_mark_cut(buf, snprintf(buf, PATH_LEN, "%s[%zu]", base, i));
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if (a % b != 0 && (a < 0) != (b < 0))
		q--;
	return q;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* 0 Monday .. 6 Sunday (1970-01-01 was a Thursday). */
static int weekday(int64_t day)
{
	return (int)(day + 3 - floor_div(day + 3, 7) * 7);
}

static int is_kind_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* "word(.word)*", each word a lowercase letter then letters, digits, '_'. */
static int valid_kind(const char *s)
{
	size_t n = strlen(s);
	int start = 1;

	if (n == 0 || n > KIND_MAX)
		return 0;
	for (; *s; s++) {
		if (start) {
			if (*s < 'a' || *s > 'z')
				return 0;
			start = 0;
		} else if (*s == '.') {
			start = 1;
		} else if (!is_kind_char(*s)) {
			return 0;
		}
	}
	return !start;
}

/* A lowercase letter, then letters, digits, '_'; at most max bytes. */
static int valid_name(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max || *s < 'a' || *s > 'z')
		return 0;
	for (; *s; s++)
		if (!is_kind_char(*s))
			return 0;
	return 1;
}

/* ---- JSON field helpers: every error names the JSON path ---- */

static int check_fields(json_t *obj, const char *path, const char *const *allowed,
			struct err *e)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		size_t i;

		for (i = 0; allowed[i] != NULL && strcmp(allowed[i], key) != 0; i++)
			;
		if (allowed[i] == NULL)
			return err_set(e, ERR_INVALID, "unknown field \"%s%s%s\"", path,
				       path[0] ? "." : "", key);
	}
	return 0;
}

static int want_object(json_t *v, const char *path, struct err *e)
{
	if (!json_is_object(v))
		return err_set(e, ERR_INVALID, "\"%s\" must be an object", path);
	return 0;
}

/* A non-empty string field; absent is an error unless optional (then *out = NULL). */
static int get_string(json_t *obj, const char *key, const char *base, int optional,
		      const char **out, struct err *e)
{
	json_t *v = json_object_get(obj, key);
	char path[PATH_LEN];

	*out = NULL;
	if (v == NULL && optional)
		return 0;
	path_key(path, base, key);
	if (v == NULL)
		return err_set(e, ERR_INVALID, "\"%s\" is missing", path);
	if (!json_is_string(v) || json_string_length(v) == 0)
		return err_set(e, ERR_INVALID, "\"%s\" must be a non-empty string", path);
	*out = json_string_value(v);
	return 0;
}

static int get_array(json_t *obj, const char *key, const char *base, size_t min, size_t max,
		     json_t **out, struct err *e)
{
	json_t *v = json_object_get(obj, key);
	char path[PATH_LEN];

	*out = NULL;
	path_key(path, base, key);
	if (v == NULL)
		return err_set(e, ERR_INVALID, "\"%s\" is missing", path);
	if (!json_is_array(v) || json_array_size(v) < min || json_array_size(v) > max)
		return err_set(e, ERR_INVALID, "\"%s\" must be an array of %zu to %zu items", path,
			       min, max);
	*out = v;
	return 0;
}

/* An optional "notes" array of strings (documentation; not kept). */
static int check_notes(json_t *obj, const char *base, struct err *e)
{
	json_t *arr = json_object_get(obj, "notes"), *item;
	char path[PATH_LEN], ipath[PATH_LEN];
	size_t i;

	if (arr == NULL)
		return 0;
	if (get_array(obj, "notes", base, 0, 1000, &arr, e))
		return -1;
	path_key(path, base, "notes");
	json_array_foreach(arr, i, item) {
		if (!json_is_string(item)) {
			path_index(ipath, path, i);
			return err_set(e, ERR_INVALID, "\"%s\" must be a string", ipath);
		}
	}
	return 0;
}

/* ---- values: dates, durations, zones, conditions, escalations ---- */

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* "YYYY-MM-DD", years 1900..2999, into a day number. */
static int parse_date(const char *s, int64_t *out)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;

	if (strlen(s) != 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &m) ||
	    s[7] != '-' || digits(s + 8, 2, &d))
		return -1;
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return -1;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	*out = days_from_civil(y, m, d);
	return 0;
}

static int get_date(json_t *obj, const char *key, const char *base, int optional,
		    int *present, int64_t *out, struct err *e)
{
	const char *s;
	char path[PATH_LEN];

	*present = 0;
	if (get_string(obj, key, base, optional, &s, e))
		return -1;
	if (s == NULL)
		return 0;
	if (parse_date(s, out)) {
		path_key(path, base, key);
		return err_set(e, ERR_INVALID,
			       "\"%s\" \"%s\" is not a date like \"2026-02-15\" (YYYY-MM-DD, years "
			       "1900 to 2999)", path, s);
	}
	*present = 1;
	return 0;
}

/*
 * ISO 8601 duration, whole numbers only: P[nW][nD][T[nH][nM][nS]], at least one
 * part, each part once and in that order.  Years and months are refused: they
 * have no fixed length.
 */
static int parse_duration_text(const char *s, const char *path, int64_t *out, struct err *e)
{
	static const char units[2][4] = { "WD", "HMS" };
	static const int64_t mul[2][3] = { { 7 * DAY_S, DAY_S, 0 }, { 3600, 60, 1 } };
	const char *q = s;
	int64_t total = 0;
	int in_time = 0, next = 0, any = 0;

	if (*q++ != 'P')
		goto bad;
	while (*q != '\0') {
		int64_t v = 0;
		int nd = 0;
		const char *u;

		if (*q == 'T') {
			if (in_time || q[1] == '\0')
				goto bad;
			in_time = 1;
			next = 0;
			q++;
			continue;
		}
		while (*q >= '0' && *q <= '9') {
			if (nd++ == 7)
				goto bad;
			v = v * 10 + (*q++ - '0');
		}
		if (nd == 0)
			goto bad;
		if (!in_time && (*q == 'Y' || *q == 'M'))
			return err_set(e, ERR_INVALID,
				       "\"%s\" \"%s\": years and months have no fixed length; use "
				       "days (\"P30D\")", path, s);
		u = *q != '\0' ? strchr(units[in_time] + next, *q) : NULL;
		if (u == NULL)
			goto bad;
		next = (int)(u - units[in_time]);
		total += v * mul[in_time][next];
		next++;
		any = 1;
		q++;
	}
	if (!any)
		goto bad;
	if (total == 0)
		return err_set(e, ERR_INVALID, "\"%s\" \"%s\" must be longer than zero", path, s);
	if (total > DURATION_DAYS_MAX * DAY_S)
		return err_set(e, ERR_INVALID, "\"%s\" \"%s\" is longer than %d days", path, s,
			       DURATION_DAYS_MAX);
	*out = total * TIME_US_PER_S;
	return 0;
bad:
	return err_set(e, ERR_INVALID,
		       "\"%s\" \"%s\" is not an ISO 8601 duration like \"PT48H\" or \"P14D\" "
		       "(whole weeks, days, hours, minutes, seconds)", path, s);
}

static int load_duration(json_t *v, const char *path, struct duration *out, struct err *e)
{
	char gpath[PATH_LEN];
	const char *key;
	json_t *item;

	memset(out, 0, sizeof(*out));
	if (json_is_string(v)) {
		int64_t us;

		if (parse_duration_text(json_string_value(v), path, &us, e))
			return -1;
		for (int g = 0; g <= CLOCK_GRADE_COUNT; g++)
			out->us[g] = us;
		return 0;
	}
	if (!json_is_object(v))
		return err_set(e, ERR_INVALID,
			       "\"%s\" must be an ISO 8601 duration like \"PT48H\", or an object "
			       "with one per GB/T 30279 grade (超危, 高危, 中危, 低危)", path);
	json_object_foreach(v, key, item) {
		int g;

		for (g = 1; g <= CLOCK_GRADE_COUNT && strcmp(grade_keys[g], key) != 0; g++)
			;
		if (g > CLOCK_GRADE_COUNT)
			return err_set(e, ERR_INVALID,
				       "\"%s.%s\" is not a GB/T 30279 grade (超危, 高危, 中危, 低危)",
				       path, key);
	}
	for (int g = CLOCK_GRADE_COUNT; g >= 1; g--) {
		item = json_object_get(v, grade_keys[g]);
		snprintf(gpath, sizeof(gpath), "%s.%s", path, grade_keys[g]);
		if (item == NULL)
			return err_set(e, ERR_INVALID,
				       "\"%s\" has no \"%s\": a per-grade duration needs 超危, 高危, "
				       "中危 and 低危", path, grade_keys[g]);
		if (!json_is_string(item))
			return err_set(e, ERR_INVALID,
				       "\"%s\" must be an ISO 8601 duration like \"P7D\"", gpath);
		if (parse_duration_text(json_string_value(item), gpath, &out->us[g], e))
			return -1;
		if (g < CLOCK_GRADE_COUNT && out->us[g] < out->us[g + 1])
			return err_set(e, ERR_INVALID,
				       "\"%s\" is shorter than \"%s.%s\": a less severe grade cannot "
				       "have less time", gpath, path, grade_keys[g + 1]);
	}
	out->us[CLOCK_UNGRADED] = out->us[CLOCK_CRITICAL];
	out->per_grade = 1;
	return 0;
}

static int parse_zone(const char *s, int *off)
{
	int h, m;

	for (size_t i = 0; i < COUNT(zones); i++)
		if (strcmp(s, zones[i].name) == 0) {
			*off = zones[i].off;
			return 0;
		}
	if (strlen(s) != 6 || (s[0] != '+' && s[0] != '-') || digits(s + 1, 2, &h) ||
	    s[3] != ':' || digits(s + 4, 2, &m) || m > 59 || h * 3600 + m * 60 > OFFSET_MAX_S)
		return -1;
	*off = (s[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
	return 0;
}

static int load_zone(json_t *obj, const char *base, const char **name, int *off, struct err *e)
{
	char path[PATH_LEN];

	if (get_string(obj, "time_zone", base, 0, name, e))
		return -1;
	if (parse_zone(*name, off)) {
		path_key(path, base, "time_zone");
		return err_set(e, ERR_INVALID,
			       "\"%s\" \"%s\" is not a supported time zone: use \"UTC\", "
			       "\"Asia/Shanghai\" (or another fixed-offset zone listed in "
			       "docs/internals/clocks.md) or an offset like \"+08:00\"", path, *name);
	}
	return 0;
}

static int parse_condition(const char *s, unsigned *bit)
{
	for (size_t i = 0; i < COUNT(conditions); i++)
		if (strcmp(s, conditions[i].name) == 0) {
			*bit = conditions[i].bit;
			return 0;
		}
	return -1;
}

/* "condition": one name, or an array of names that must all hold. */
static int load_condition(json_t *obj, const char *base, unsigned *out, struct err *e)
{
	json_t *v = json_object_get(obj, "condition"), *item;
	char path[PATH_LEN], ipath[PATH_LEN];
	unsigned bit;
	size_t i;

	*out = 0;
	path_key(path, base, "condition");
	if (v == NULL)
		return err_set(e, ERR_INVALID, "\"%s\" is missing", path);
	if (json_is_string(v)) {
		if (parse_condition(json_string_value(v), out))
			goto unknown;
		return 0;
	}
	if (!json_is_array(v) || json_array_size(v) < 1 || json_array_size(v) > COUNT(conditions))
		return err_set(e, ERR_INVALID,
			       "\"%s\" must be a condition name or an array of 1 to %zu of them",
			       path, COUNT(conditions));
	json_array_foreach(v, i, item) {
		path_index(ipath, path, i);
		if (!json_is_string(item))
			return err_set(e, ERR_INVALID, "\"%s\" must be a string", ipath);
		if (parse_condition(json_string_value(item), &bit)) {
			snprintf(path, sizeof(path), "%s", ipath);
			v = item;
			goto unknown;
		}
		if (bit == 0 && json_array_size(v) > 1)
			return err_set(e, ERR_INVALID,
				       "\"%s\": \"always\" cannot be combined with other conditions",
				       ipath);
		if (*out & bit)
			return err_set(e, ERR_INVALID, "\"%s\" repeats \"%s\"", ipath,
				       json_string_value(item));
		*out |= bit;
	}
	if ((*out & CLOCK_IF_PROVIDER) && (*out & CLOCK_IF_OPERATOR))
		return err_set(e, ERR_INVALID,
			       "\"%s\" needs both roles: a case is either a provider or an "
			       "operator case", path);
	return 0;
unknown:
	return err_set(e, ERR_INVALID,
		       "\"%s\" \"%s\" is not a condition (always, upstream_component, "
		       "actively_exploited, role=provider, role=operator)", path,
		       json_is_string(v) ? json_string_value(v) : "");
}

static int load_escalations(json_t *obj, const char *base, double *out, size_t *n,
			    struct err *e)
{
	json_t *arr, *item;
	char path[PATH_LEN], ipath[PATH_LEN];
	size_t i;

	if (get_array(obj, "escalate_at", base, 0, ESCALATE_MAX, &arr, e))
		return -1;
	path_key(path, base, "escalate_at");
	json_array_foreach(arr, i, item) {
		double f = json_number_value(item);

		path_index(ipath, path, i);
		if (!json_is_number(item) || !(f > 0.0 && f <= ESCALATE_FRACTION_MAX))
			return err_set(e, ERR_INVALID,
				       "\"%s\" must be a fraction of the duration above 0 and at "
				       "most %g", ipath, ESCALATE_FRACTION_MAX);
		if (i > 0 && f <= out[i - 1])
			return err_set(e, ERR_INVALID, "\"%s\" must be greater than the one before",
				       ipath);
		out[i] = f;
	}
	*n = json_array_size(arr);
	return 0;
}

/* ---- calendars ---- */

struct dated {
	int64_t day;
	size_t index;
};

static int cmp_dated(const void *a, const void *b)
{
	const struct dated *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int cmp_day(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int has_day(const int64_t *days, size_t n, int64_t day)
{
	return n > 0 && bsearch(&day, days, n, sizeof(*days), cmp_day) != NULL;
}

/* A date list of calendar c into a sorted array: dates valid, inside the range, unique. */
static int load_dates(json_t *cobj, const char *key, const char *base, const struct calendar *c,
		      int weekend_only, int64_t **out, size_t *n, struct err *e)
{
	json_t *arr, *item;
	struct dated *d = NULL;
	char path[PATH_LEN], ipath[PATH_LEN];
	size_t i, cnt;
	int rc = -1;

	*out = NULL;
	*n = 0;
	if (get_array(cobj, key, base, 0, DATES_MAX, &arr, e))
		return -1;
	path_key(path, base, key);
	cnt = json_array_size(arr);
	if (cnt == 0)
		return 0;
	d = xcalloc(cnt, sizeof(*d));
	json_array_foreach(arr, i, item) {
		const char *s = json_string_value(item);

		path_index(ipath, path, i);
		if (s == NULL || parse_date(s, &d[i].day)) {
			err_set(e, ERR_INVALID, "\"%s\" must be a date like \"2026-02-15\"", ipath);
			goto out;
		}
		if (d[i].day < c->from || d[i].day > c->until) {
			err_set(e, ERR_INVALID,
				"\"%s\" \"%s\" is outside the calendar's valid_from..valid_until",
				ipath, s);
			goto out;
		}
		if (weekend_only && weekday(d[i].day) < 5) {
			err_set(e, ERR_INVALID, "\"%s\" \"%s\" is not a saturday or sunday", ipath, s);
			goto out;
		}
		d[i].index = i;
	}
	qsort(d, cnt, sizeof(*d), cmp_dated);
	for (i = 1; i < cnt; i++)
		if (d[i].day == d[i - 1].day) {
			path_index(ipath, path, d[i].index);
			err_set(e, ERR_INVALID, "\"%s\" repeats an earlier date", ipath);
			goto out;
		}
	*out = xcalloc(cnt, sizeof(**out));
	for (i = 0; i < cnt; i++)
		(*out)[i] = d[i].day;
	*n = cnt;
	rc = 0;
out:
	free(d);
	return rc;
}

static void calendar_release(struct calendar *c)
{
	free(c->holidays);
	free(c->makeup);
	memset(c, 0, sizeof(*c));
}

static int load_calendar(struct calendar *c, const char *name, json_t *cobj, const char *base,
			 struct err *e)
{
	static const char *const fields[] = { "kind", "valid_from", "valid_until", "holidays",
					      "make_up_workdays", "source", "note", NULL };
	const char *kind, *s;
	char path[PATH_LEN];
	json_t *arr, *item;
	int present;
	size_t i;

	c->name = name;
	if (want_object(cobj, base, e) || check_fields(cobj, base, fields, e) ||
	    get_string(cobj, "kind", base, 0, &kind, e))
		return -1;
	if (strcmp(kind, "workdays") != 0) {
		path_key(path, base, "kind");
		return err_set(e, ERR_INVALID, "\"%s\" must be \"workdays\"", path);
	}
	if (get_string(cobj, "source", base, 1, &s, e) || get_string(cobj, "note", base, 1, &s, e) ||
	    get_date(cobj, "valid_from", base, 0, &present, &c->from, e) ||
	    get_date(cobj, "valid_until", base, 0, &present, &c->until, e))
		return -1;
	if (c->until < c->from || c->until - c->from > CAL_SPAN_DAYS_MAX) {
		path_key(path, base, "valid_until");
		return err_set(e, ERR_INVALID,
			       "\"%s\" must be on or after valid_from and at most 100 years later",
			       path);
	}
	if (load_dates(cobj, "holidays", base, c, 0, &c->holidays, &c->nholidays, e) ||
	    load_dates(cobj, "make_up_workdays", base, c, 1, &c->makeup, &c->nmakeup, e))
		return -1;
	arr = json_object_get(cobj, "make_up_workdays");
	path_key(path, base, "make_up_workdays");
	json_array_foreach(arr, i, item) {
		int64_t day = 0;

		if (parse_date(json_string_value(item), &day) == 0 &&
		    has_day(c->holidays, c->nholidays, day))
			return err_set(e, ERR_INVALID, "\"%s[%zu]\" \"%s\" is also a holiday", path,
				       i, json_string_value(item));
	}
	return 0;
}

/* The calendar named name, in the set or among the ones this document adds; -1 if none. */
static long find_calendar(const struct load *l, const char *name)
{
	for (size_t i = 0; i < l->p->ncal; i++)
		if (strcmp(l->p->cal[i].name, name) == 0)
			return (long)i;
	for (size_t i = 0; i < l->ncal; i++)
		if (l->cal[i].name != NULL && strcmp(l->cal[i].name, name) == 0)
			return (long)(l->p->ncal + i);
	return -1;
}

static int load_calendars(struct load *l, json_t *root, struct err *e)
{
	json_t *cals = json_object_get(root, "calendars"), *cobj;
	const char *name;
	char path[PATH_LEN];

	if (cals == NULL)
		return 0;
	if (want_object(cals, "calendars", e))
		return -1;
	if (json_object_size(cals) > DOC_CALENDARS_MAX)
		return err_set(e, ERR_INVALID, "\"calendars\" must have at most %d entries",
			       DOC_CALENDARS_MAX);
	l->cal = xcalloc(json_object_size(cals) + 1, sizeof(*l->cal));
	json_object_foreach(cals, name, cobj) {
		if (!valid_name(name, CAL_NAME_MAX) || strcmp(name, "natural") == 0)
			return err_set(e, ERR_INVALID,
				       "calendar name \"%s\" in \"calendars\" must be 1 to %d of a-z, "
				       "0-9, _, starting with a letter, and not \"natural\"", name,
				       CAL_NAME_MAX);
		if (find_calendar(l, name) >= 0)
			return err_set(e, ERR_INVALID, "calendar \"%s\" is already defined", name);
		path_key(path, "calendars", name);
		if (load_calendar(&l->cal[l->ncal], name, cobj, path, e)) {
			calendar_release(&l->cal[l->ncal]);
			return -1;
		}
		l->ncal++;
	}
	return 0;
}

static int load_calendar_ref(const struct load *l, json_t *obj, const char *base, long *cal,
			     const char **name, struct err *e)
{
	char path[PATH_LEN];

	if (get_string(obj, "calendar", base, 0, name, e))
		return -1;
	if (strcmp(*name, "natural") == 0) {
		*cal = -1;
		return 0;
	}
	*cal = find_calendar(l, *name);
	if (*cal < 0) {
		path_key(path, base, "calendar");
		return err_set(e, ERR_INVALID,
			       "\"%s\" \"%s\" is neither \"natural\" nor a calendar defined in "
			       "\"calendars\"", path, *name);
	}
	return 0;
}

/* ---- regime documents ---- */

static int load_kind(json_t *obj, const char *key, const char *base, const char **out,
		     struct err *e)
{
	char path[PATH_LEN];

	if (get_string(obj, key, base, 0, out, e))
		return -1;
	if (!valid_kind(*out)) {
		path_key(path, base, key);
		return err_set(e, ERR_INVALID,
			       "\"%s\" \"%s\" is not an event kind (lowercase words of a-z, 0-9, _ "
			       "joined by '.', at most %d bytes)", path, *out, KIND_MAX);
	}
	return 0;
}

static int load_satisfied(json_t *obj, const char *base, struct obligation *o, struct err *e)
{
	json_t *arr, *item;
	char path[PATH_LEN], ipath[PATH_LEN];
	size_t i;

	if (get_array(obj, "satisfied_by", base, 1, SATISFIED_MAX, &arr, e))
		return -1;
	path_key(path, base, "satisfied_by");
	json_array_foreach(arr, i, item) {
		const char *s = json_string_value(item);

		path_index(ipath, path, i);
		if (s == NULL || !valid_kind(s))
			return err_set(e, ERR_INVALID, "\"%s\" must be an event kind", ipath);
		for (size_t j = 0; j < i; j++)
			if (strcmp(o->satisfied[j], s) == 0)
				return err_set(e, ERR_INVALID, "\"%s\" repeats \"%s\"", ipath, s);
		o->satisfied[i] = s;
	}
	o->nsatisfied = json_array_size(arr);
	return 0;
}

static int regime_taken(const struct clock_policy *p, const char *id)
{
	for (size_t i = 0; i < p->nob; i++)
		if (strcmp(p->ob[i].regime, id) == 0)
			return 1;
	return 0;
}

static int load_obligation(struct load *l, struct obligation *o, json_t *obj, const char *base,
			   struct err *e)
{
	static const char *const fields[] = { "id", "title_zh", "title_en", "article", "trigger",
					      "duration", "calendar", "time_zone", "satisfied_by",
					      "condition", "escalate_at", "note", NULL };
	size_t rlen = strlen(o->regime);
	const char *note;
	char path[PATH_LEN];
	json_t *dur;

	if (want_object(obj, base, e) || check_fields(obj, base, fields, e) ||
	    get_string(obj, "id", base, 0, &o->id, e))
		return -1;
	if (strncmp(o->id, o->regime, rlen) != 0 || o->id[rlen] != '.' || !valid_kind(o->id)) {
		path_key(path, base, "id");
		return err_set(e, ERR_INVALID,
			       "\"%s\" \"%s\" must be \"%s.\" followed by a lowercase name", path,
			       o->id, o->regime);
	}
	if (clock_policy_find(l->p, o->id) >= 0)
		return err_set(e, ERR_INVALID, "obligation \"%s\" is already loaded", o->id);
	for (size_t i = 0; i < l->nob; i++)
		if (strcmp(l->ob[i].id, o->id) == 0)
			return err_set(e, ERR_INVALID, "\"%s.id\" repeats \"%s\"", base, o->id);
	if (get_string(obj, "title_zh", base, 0, &o->title_zh, e) ||
	    get_string(obj, "title_en", base, 0, &o->title_en, e) ||
	    get_string(obj, "article", base, 0, &o->article, e) ||
	    get_string(obj, "note", base, 1, &note, e) ||
	    load_kind(obj, "trigger", base, &o->trigger, e))
		return -1;
	dur = json_object_get(obj, "duration");
	path_key(path, base, "duration");
	if (dur == NULL)
		return err_set(e, ERR_INVALID, "\"%s\" is missing", path);
	if (load_duration(dur, path, &o->dur, e) ||
	    load_calendar_ref(l, obj, base, &o->cal, &o->cal_name, e) ||
	    load_zone(obj, base, &o->tz, &o->off, e) || load_satisfied(obj, base, o, e) ||
	    load_condition(obj, base, &o->cond, e) ||
	    load_escalations(obj, base, o->esc, &o->nesc, e))
		return -1;
	return 0;
}

static int load_regime_doc(struct load *l, json_t *root, struct err *e)
{
	static const char *const fields[] = { "schema", "regime", "calendars", "obligations",
					      "notes", NULL };
	static const char *const regime_fields[] = { "id", "name_zh", "name_en", "source",
						     "in_force_from", NULL };
	const char *schema, *rid, *zh, *en, *source;
	json_t *regime, *arr, *item;
	int64_t in_force = 0;
	int has_in_force;
	char path[PATH_LEN];
	size_t i;

	if (check_fields(root, "", fields, e) || get_string(root, "schema", "", 0, &schema, e))
		return -1;
	if (strcmp(schema, SCHEMA) != 0)
		return err_set(e, ERR_INVALID, "\"schema\" must be \"%s\"", SCHEMA);
	regime = json_object_get(root, "regime");
	if (want_object(regime, "regime", e) || check_fields(regime, "regime", regime_fields, e) ||
	    get_string(regime, "id", "regime", 0, &rid, e) ||
	    get_string(regime, "name_zh", "regime", 0, &zh, e) ||
	    get_string(regime, "name_en", "regime", 0, &en, e) ||
	    get_string(regime, "source", "regime", 1, &source, e) ||
	    get_date(regime, "in_force_from", "regime", 1, &has_in_force, &in_force, e))
		return -1;
	if (!valid_name(rid, REGIME_ID_MAX))
		return err_set(e, ERR_INVALID,
			       "\"regime.id\" \"%s\" must be 1 to %d of a-z, 0-9, _, starting with "
			       "a letter", rid, REGIME_ID_MAX);
	if (regime_taken(l->p, rid))
		return err_set(e, ERR_INVALID, "regime \"%s\" is already loaded", rid);
	if (check_notes(root, "", e) || load_calendars(l, root, e) ||
	    get_array(root, "obligations", "", 1, DOC_OBLIGATIONS_MAX, &arr, e))
		return -1;
	if (l->p->nob + json_array_size(arr) > SET_OBLIGATIONS_MAX)
		return err_set(e, ERR_INVALID, "a policy set holds at most %d obligations",
			       SET_OBLIGATIONS_MAX);
	l->ob = xcalloc(json_array_size(arr), sizeof(*l->ob));
	json_array_foreach(arr, i, item) {
		struct obligation *o = &l->ob[i];

		o->regime = rid;
		o->regime_zh = zh;
		o->regime_en = en;
		o->has_in_force = has_in_force;
		o->in_force_day = in_force;
		path_index(path, "obligations", i);
		if (load_obligation(l, o, item, path, e))
			return -1;
		l->nob = i + 1;
	}
	return 0;
}

/* ---- override documents ---- */

static int merge_item(struct load *l, struct obligation *ob, json_t *obj, const char *base,
		      struct err *e)
{
	static const char *const fields[] = { "id", "duration", "calendar", "time_zone",
					      "escalate_at", "note", NULL };
	const char *id, *note;
	char path[PATH_LEN];
	struct obligation *o;
	json_t *dur;
	long k;

	if (want_object(obj, base, e) || check_fields(obj, base, fields, e) ||
	    get_string(obj, "id", base, 0, &id, e) || get_string(obj, "note", base, 1, &note, e))
		return -1;
	k = clock_policy_find(l->p, id);
	if (k < 0)
		return err_set(e, ERR_INVALID, "\"%s.id\" \"%s\" is not an obligation of the policy",
			       base, id);
	o = &ob[k];
	if (o->overridden == 2)
		return err_set(e, ERR_INVALID, "\"%s.id\" repeats \"%s\"", base, id);
	dur = json_object_get(obj, "duration");
	if (dur == NULL && json_object_get(obj, "calendar") == NULL &&
	    json_object_get(obj, "time_zone") == NULL &&
	    json_object_get(obj, "escalate_at") == NULL)
		return err_set(e, ERR_INVALID,
			       "\"%s\" changes nothing: give \"duration\", \"calendar\", "
			       "\"time_zone\" or \"escalate_at\"", base);
	path_key(path, base, "duration");
	if (dur != NULL && load_duration(dur, path, &o->dur, e))
		return -1;
	if (json_object_get(obj, "calendar") != NULL &&
	    load_calendar_ref(l, obj, base, &o->cal, &o->cal_name, e))
		return -1;
	if (json_object_get(obj, "time_zone") != NULL && load_zone(obj, base, &o->tz, &o->off, e))
		return -1;
	if (json_object_get(obj, "escalate_at") != NULL &&
	    load_escalations(obj, base, o->esc, &o->nesc, e))
		return -1;
	o->overridden = 2;      /* 2 while merging: marks ids this document already named */
	return 0;
}

static int load_override_doc(struct load *l, json_t *root, struct obligation *ob,
			     struct err *e)
{
	static const char *const fields[] = { "schema", "organisation", "calendars",
					      "obligations", "notes", NULL };
	const char *schema, *org;
	json_t *arr, *item;
	char path[PATH_LEN];
	size_t i;

	if (check_fields(root, "", fields, e) || get_string(root, "schema", "", 0, &schema, e))
		return -1;
	if (strcmp(schema, OVERRIDE_SCHEMA) != 0)
		return err_set(e, ERR_INVALID, "\"schema\" must be \"%s\"", OVERRIDE_SCHEMA);
	if (get_string(root, "organisation", "", 1, &org, e) || check_notes(root, "", e) ||
	    load_calendars(l, root, e) ||
	    get_array(root, "obligations", "", 1, SET_OBLIGATIONS_MAX, &arr, e))
		return -1;
	json_array_foreach(arr, i, item) {
		path_index(path, "obligations", i);
		if (merge_item(l, ob, item, path, e))
			return -1;
	}
	for (i = 0; i < l->p->nob; i++)
		if (ob[i].overridden == 2)
			ob[i].overridden = 1;
	return 0;
}

/* ---- the policy set ---- */

static json_t *parse_doc(const char *json_text, size_t len, struct err *e)
{
	json_error_t jerr;
	json_t *doc = json_loadb(json_text, len, JSON_REJECT_DUPLICATES, &jerr);

	if (doc == NULL) {
		err_set(e, ERR_MALFORMED, "policy is not valid JSON: %s (line %d)", jerr.text,
			jerr.line);
		return NULL;
	}
	if (!json_is_object(doc)) {
		json_decref(doc);
		err_set(e, ERR_INVALID, "a policy must be a JSON object");
		return NULL;
	}
	return doc;
}

static void load_release(struct load *l)
{
	for (size_t i = 0; i < l->ncal; i++)
		calendar_release(&l->cal[i]);
	free(l->cal);
	free(l->ob);
}

/* Move the document and the calendars l added into p. */
static void commit_common(struct clock_policy *p, struct load *l, json_t *doc)
{
	p->docs = xrealloc(p->docs, (p->ndocs + 1) * sizeof(*p->docs));
	p->docs[p->ndocs++] = doc;
	if (l->ncal > 0) {
		p->cal = xrealloc(p->cal, (p->ncal + l->ncal) * sizeof(*p->cal));
		memcpy(p->cal + p->ncal, l->cal, l->ncal * sizeof(*l->cal));
		p->ncal += l->ncal;
	}
	free(l->cal);
	l->cal = NULL;
	l->ncal = 0;
}

struct clock_policy *clock_policy_new(void)
{
	return xcalloc(1, sizeof(struct clock_policy));
}

int clock_policy_add(struct clock_policy *p, const char *json_text, size_t len, struct err *e)
{
	struct load l = { .p = p };
	json_t *doc = parse_doc(json_text, len, e);

	if (doc == NULL)
		return -1;
	if (load_regime_doc(&l, doc, e)) {
		load_release(&l);
		json_decref(doc);
		return -1;
	}
	p->ob = xrealloc(p->ob, (p->nob + l.nob) * sizeof(*p->ob));
	memcpy(p->ob + p->nob, l.ob, l.nob * sizeof(*l.ob));
	p->nob += l.nob;
	commit_common(p, &l, doc);
	load_release(&l);
	return 0;
}

int clock_policy_merge(struct clock_policy *p, const char *json_text, size_t len, struct err *e)
{
	struct load l = { .p = p };
	json_t *doc = parse_doc(json_text, len, e);
	struct obligation *ob;

	if (doc == NULL)
		return -1;
	ob = xcalloc(p->nob + 1, sizeof(*ob));
	if (p->nob > 0)
		memcpy(ob, p->ob, p->nob * sizeof(*ob));
	if (load_override_doc(&l, doc, ob, e)) {
		free(ob);
		load_release(&l);
		json_decref(doc);
		return -1;
	}
	free(p->ob);
	p->ob = ob;
	commit_common(p, &l, doc);
	load_release(&l);
	return 0;
}

int clock_policy_builtin(struct clock_policy **out, struct err *e)
{
	struct clock_policy *p = clock_policy_new();

	*out = NULL;
	if (clock_policy_add(p, rmsv_policy_json, rmsv_policy_json_len, e) ||
	    clock_policy_add(p, cra_policy_json, cra_policy_json_len, e)) {
		clock_policy_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

void clock_policy_free(struct clock_policy *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->ncal; i++)
		calendar_release(&p->cal[i]);
	for (size_t i = 0; i < p->ndocs; i++)
		json_decref(p->docs[i]);
	free(p->cal);
	free(p->docs);
	free(p->ob);
	free(p);
}

size_t clock_policy_count(const struct clock_policy *p)
{
	return p->nob;
}

void clock_policy_at(const struct clock_policy *p, size_t i, struct clock_obligation *out)
{
	const struct obligation *o = &p->ob[i];

	memset(out, 0, sizeof(*out));
	out->id = o->id;
	out->regime = o->regime;
	out->regime_name_zh = o->regime_zh;
	out->regime_name_en = o->regime_en;
	out->title_zh = o->title_zh;
	out->title_en = o->title_en;
	out->article = o->article;
	out->trigger = o->trigger;
	out->satisfied_by = o->satisfied;
	out->nsatisfied = o->nsatisfied;
	out->conditions = o->cond;
	out->per_grade = o->dur.per_grade;
	memcpy(out->duration_us, o->dur.us, sizeof(out->duration_us));
	out->calendar = o->cal_name;
	out->time_zone = o->tz;
	out->utc_offset_s = o->off;
	out->escalate_at = o->esc;
	out->nescalate = o->nesc;
	out->overridden = o->overridden;
}

long clock_policy_find(const struct clock_policy *p, const char *id)
{
	for (size_t i = 0; i < p->nob; i++)
		if (strcmp(p->ob[i].id, id) == 0)
			return (long)i;
	return -1;
}

/* ---- time arithmetic ---- */

static int is_workday(const struct calendar *c, int64_t day, int *beyond)
{
	if (day < c->from || day > c->until)
		*beyond = 1;
	else if (has_day(c->makeup, c->nmakeup, day))
		return 1;
	else if (has_day(c->holidays, c->nholidays, day))
		return 0;
	return weekday(day) < 5;
}

/*
 * The earliest instant by which d microseconds of workday time have passed
 * since t: only time inside workdays (local days of c at UTC offset off)
 * counts.  A workday holds 24 hours of it.
 */
static int64_t add_workday_time(const struct calendar *c, int off_s, int64_t t, int64_t d,
				int *beyond)
{
	int64_t off = off_s * TIME_US_PER_S;
	int64_t day = floor_div(t + off, DAY_US);
	int64_t pos = t + off - day * DAY_US;

	if (d == 0)
		return t;
	for (;;) {
		if (is_workday(c, day, beyond)) {
			int64_t left = DAY_US - pos;

			if (d <= left)
				return day * DAY_US + pos + d - off;
			d -= left;
		}
		day++;
		pos = 0;
	}
}

static int64_t add_time(const struct clock_policy *p, const struct obligation *o, int64_t t,
			int64_t d, int *beyond)
{
	if (o->cal < 0)
		return t + d;
	return add_workday_time(&p->cal[o->cal], o->off, t, d, beyond);
}

/* ---- evaluation ---- */

static int applies(unsigned cond, const struct clock_facts *f)
{
	if ((cond & CLOCK_IF_UPSTREAM) && !f->has_upstream)
		return 0;
	if ((cond & CLOCK_IF_EXPLOITED) && !f->actively_exploited)
		return 0;
	if ((cond & CLOCK_IF_PROVIDER) && f->role != CLOCK_ROLE_PROVIDER)
		return 0;
	if ((cond & CLOCK_IF_OPERATOR) && f->role != CLOCK_ROLE_OPERATOR)
		return 0;
	return 1;
}

static int satisfies(const struct obligation *o, const char *kind)
{
	for (size_t i = 0; i < o->nsatisfied; i++)
		if (strcmp(o->satisfied[i], kind) == 0)
			return 1;
	return 0;
}

/* Evaluate obligation o into *c; 0 if it lists no clock. */
static int eval_one(const struct clock_policy *p, const struct obligation *o,
		    const struct clock_facts *f, const struct clock_event *ev, size_t nev,
		    int64_t now, struct clock_status *c)
{
	const struct clock_event *trig = NULL, *sat = NULL;
	int64_t dur, stop, prev_t, prev_d;
	int beyond = 0;

	if (!applies(o->cond, f))
		return 0;
	for (size_t i = 0; i < nev; i++)
		if (ev[i].at_us <= now && strcmp(ev[i].kind, o->trigger) == 0 &&
		    (trig == NULL || ev[i].at_us < trig->at_us))
			trig = &ev[i];
	if (trig == NULL)
		return 0;
	if (o->has_in_force && trig->at_us < o->in_force_day * DAY_US - o->off * TIME_US_PER_S)
		return 0;
	for (size_t i = 0; i < nev; i++)
		if (ev[i].at_us >= trig->at_us && ev[i].at_us <= now && satisfies(o, ev[i].kind) &&
		    (sat == NULL || ev[i].at_us < sat->at_us))
			sat = &ev[i];

	memset(c, 0, sizeof(*c));
	c->id = o->id;
	c->obligation = (size_t)(o - p->ob);
	c->trigger_at = trig->at_us;
	c->trigger_event = trig->id;
	c->grade = f->grade;
	c->utc_offset_s = o->off;
	dur = o->dur.us[f->grade];
	c->due_at = add_time(p, o, c->trigger_at, dur, &beyond);

	if (f->dismissed && f->dismissed_at <= now && f->dismissed_at <= c->due_at &&
	    !(sat != NULL && sat->at_us <= f->dismissed_at)) {
		c->state = CLOCK_CANCELLED;
		stop = f->dismissed_at;
	} else if (sat != NULL) {
		c->satisfied = 1;
		c->met_at = sat->at_us;
		c->met_by = sat->id;
		c->met_late = sat->at_us > c->due_at;
		c->state = c->met_late ? CLOCK_MISSED : CLOCK_MET;
		stop = sat->at_us;
	} else {
		c->state = now > c->due_at ? CLOCK_MISSED : CLOCK_PENDING;
		stop = now;
	}

	prev_t = c->trigger_at;
	prev_d = 0;
	for (size_t k = 0; k < o->nesc; k++) {
		int64_t dk = (int64_t)(o->esc[k] * (double)dur + 0.5);
		int64_t tk = add_time(p, o, prev_t, dk - prev_d, &beyond);

		if (tk <= stop)
			c->escalations_passed++;
		else if (!c->satisfied && c->state != CLOCK_CANCELLED && !c->has_next_escalation) {
			c->has_next_escalation = 1;
			c->next_escalation_at = tk;
		}
		prev_t = tk;
		prev_d = dk;
	}
	c->beyond_calendar = beyond;
	return 1;
}

static int in_range(int64_t t)
{
	return t >= TIME_MIN_US && t <= TIME_MAX_US;
}

int clock_evaluate(struct clock_status **out, size_t *n, const struct clock_policy *p,
		   const struct clock_facts *facts, const struct clock_event *events,
		   size_t nevents, int64_t now_us, struct err *e)
{
	struct clock_status *res;
	size_t cnt = 0;

	*out = NULL;
	*n = 0;
	if (facts->role != CLOCK_ROLE_PROVIDER && facts->role != CLOCK_ROLE_OPERATOR)
		return err_set(e, ERR_INVALID, "unknown case role %d", (int)facts->role);
	if ((unsigned)facts->grade > CLOCK_GRADE_COUNT)
		return err_set(e, ERR_INVALID, "unknown grade %d", (int)facts->grade);
	if (facts->dismissed && !in_range(facts->dismissed_at))
		return err_set(e, ERR_INVALID, "\"dismissed_at\" is outside years 1 to 9999");
	if (nevents > 0 && events == NULL)
		return err_set(e, ERR_INVALID, "no events given");
	for (size_t i = 0; i < nevents; i++) {
		if (events[i].kind == NULL)
			return err_set(e, ERR_INVALID, "event %zu has no kind", i);
		if (!in_range(events[i].at_us))
			return err_set(e, ERR_INVALID,
				       "event %zu (\"%.64s\") is outside years 1 to 9999", i,
				       events[i].kind);
	}
	if (p->nob == 0)
		return 0;
	res = xcalloc(p->nob, sizeof(*res));
	for (size_t i = 0; i < p->nob; i++)
		cnt += (size_t)eval_one(p, &p->ob[i], facts, events, nevents, now_us, &res[cnt]);
	if (cnt == 0) {
		free(res);
		return 0;
	}
	*out = res;
	*n = cnt;
	return 0;
}

const char *clock_state_name(enum clock_state s)
{
	return (unsigned)s < COUNT(state_names) ? state_names[s] : "?";
}

int clock_state_parse(const char *s, enum clock_state *out)
{
	for (size_t i = 0; i < COUNT(state_names); i++)
		if (strcmp(s, state_names[i]) == 0) {
			*out = (enum clock_state)i;
			return 0;
		}
	return -1;
}
