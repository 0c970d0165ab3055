/* httpdate.c - IMF-fixdate formatting and parsing (httpdate.h). */
#include "http/httpdate.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

void httpdate_format(int64_t us, char out[HTTPDATE_LEN])
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	time_t t = (time_t)(us > 0 ? us / 1000000 : 0);
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, HTTPDATE_LEN, "%s, %02d %.3s %04d %02d:%02d:%02d GMT", days[tm.tm_wday],
		 tm.tm_mday, months + 3 * tm.tm_mon, tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		 tm.tm_sec);
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int num(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

int64_t httpdate_parse(const char *s)
{
	/* "Sun, 06 Nov 1994 08:49:37 GMT": fixed width, 29 bytes */
	static const char *const days = "SunMonTueWedThuFriSat";
	const char *p;
	int d, m, y, hh, mm, ss;

	if (s == NULL || strlen(s) != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' ||
	    s[11] != ' ' || s[16] != ' ' || s[19] != ':' || s[22] != ':' || s[25] != ' ' ||
	    strcmp(s + 26, "GMT") != 0 || !digits(s + 5, 2) || !digits(s + 12, 4) ||
	    !digits(s + 17, 2) || !digits(s + 20, 2) || !digits(s + 23, 2))
		return -1;
	for (p = days; *p && strncmp(p, s, 3) != 0; p += 3)
		;
	if (*p == '\0')
		return -1;
	for (p = months; *p && strncmp(p, s + 8, 3) != 0; p += 3)
		;
	if (*p == '\0')
		return -1;
	m = (int)((p - months) / 3) + 1;
	d = num(s + 5, 2);
	y = num(s + 12, 4);
	hh = num(s + 17, 2);
	mm = num(s + 20, 2);
	ss = num(s + 23, 2);
	if (d < 1 || d > 31 || y < 1970 || hh > 23 || mm > 59 || ss > 60)
		return -1;
	return days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
}
