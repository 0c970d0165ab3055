/* timefmt.c - UTC and Asia/Shanghai time formatting and RFC 3339 parsing. */
#include "base/timefmt.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define SHANGHAI_OFFSET_S (8 * 3600)

/* The test clock's shift from real time (0 in production: see time_set_offset_us). */
static _Atomic int64_t offset_us;

int64_t time_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * TIME_US_PER_S + ts.tv_nsec / 1000 + atomic_load(&offset_us);
}

void time_set_offset_us(int64_t off)
{
	atomic_store(&offset_us, off);
}

int64_t time_offset_us(void)
{
	return atomic_load(&offset_us);
}

int64_t time_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * TIME_US_PER_S + ts.tv_nsec / 1000;
}

/* Civil date from days since 1970-01-01 (Howard Hinnant's algorithm): no
 * gmtime_r, whose time-zone lock every request would otherwise contend on. */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static void format_offset(int64_t us, int offset_s, const char *suffix, char out[TIMEFMT_LEN])
{
	int64_t secs = us / TIME_US_PER_S;
	int64_t frac = us % TIME_US_PER_S;
	int64_t days, sod;
	int y, mo, d;

	if (frac < 0) {
		frac += TIME_US_PER_S;
		secs--;
	}
	secs += offset_s;
	days = secs / 86400;
	sod = secs % 86400;
	if (sod < 0) {
		sod += 86400;
		days--;
	}
	civil_from_days(days, &y, &mo, &d);
	snprintf(out, TIMEFMT_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%06lld%s", y, mo, d,
		 (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60), (long long)frac, suffix);
}

void time_format_utc(int64_t us, char out[TIMEFMT_LEN])
{
	format_offset(us, 0, "Z", out);
}

void time_format_shanghai(int64_t us, char out[TIMEFMT_LEN])
{
	format_offset(us, SHANGHAI_OFFSET_S, "+08:00", out);
}

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

int time_parse_rfc3339(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0;
	int64_t frac = 0, scale = TIME_US_PER_S;
	struct tm tm;
	const char *p;
	int sign = 0;

	if (strlen(s) < 20 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
	    digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' ||
	    digits(s + 17, 2, &sec))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		for (; *p >= '0' && *p <= '9'; p++)
			if (scale > 1) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 || om > 59)
			return -1;
		p += 6;
	} else {
		return -1;
	}
	if (*p != '\0')
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*out = ((int64_t)timegm(&tm) - sign * (oh * 3600 + om * 60)) * TIME_US_PER_S + frac;
	return 0;
}
