/* fuzz_httpdate.c - libFuzzer target for the If-Modified-Since parser (http/httpdate.h).
 *
 * The input, as a string, is parsed; nothing may crash.  What parses must be
 * a time at or after 1970 and must format back to the same 29 bytes up to
 * the weekday (the parser does not check it) and a leap second (":60" is the
 * next minute's ":00"); formatting the result and parsing that again must
 * give the same seconds.  Else the target aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/httpdate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[64], out[HTTPDATE_LEN];
	int64_t t;

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	t = httpdate_parse(s);
	if (t == -1)
		return 0;
	if (t < 0 || strlen(s) != 29)
		abort();
	httpdate_format(t * 1000000, out);
	if (httpdate_parse(out) != t)
		abort();
	/* day 31 of a 30-day month rolls over; otherwise the date part is the same */
	if (strcmp(s + 23, "60 GMT") != 0 && memcmp(s + 5, out + 5, 2) == 0 &&
	    memcmp(s + 4, out + 4, 25) != 0)
		abort();
	return 0;
}
