/* httpdate.h - HTTP dates (RFC 9110 5.6.7 IMF-fixdate), for Last-Modified and
 * If-Modified-Since.
 *
 *	char d[HTTPDATE_LEN];
 *	httpdate_format(time_now_us(), d);          "Wed, 25 Nov 2026 07:39:59 GMT"
 *	int64_t since = httpdate_parse(req_header_in(r, "If-Modified-Since"));
 *	if (since >= 0 && last_modified_us / 1000000 <= since) ... 304 ...
 */
#ifndef VF_HTTPDATE_H
#define VF_HTTPDATE_H

#include <stdint.h>

#define HTTPDATE_LEN 40

/* us (UTC microseconds since the epoch, at or after 1970) as an IMF-fixdate;
 * the fraction of the second is dropped. */
void httpdate_format(int64_t us, char out[HTTPDATE_LEN]);

/* An IMF-fixdate as Unix seconds; -1 for NULL or anything else (the obsolete
 * RFC 850 and asctime forms included: clients echo what we send), a field
 * out of range, or a year before 1970.  The weekday is not checked against
 * the date (RFC 9110 lets a recipient ignore it). */
int64_t httpdate_parse(const char *s);

#endif
