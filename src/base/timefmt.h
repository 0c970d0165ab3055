/* timefmt.h - the clock and the two ways a time is shown: UTC and Asia/Shanghai.
 *
 * Times are int64 microseconds since the Unix epoch, UTC, everywhere in the
 * program and the database.  Asia/Shanghai has been UTC+08:00 without
 * daylight saving since 1991, so local times are computed with that fixed
 * offset (no process-global TZ juggling, which is not thread-safe).
 */
#ifndef VF_TIMEFMT_H
#define VF_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

#define TIME_US_PER_S INT64_C(1000000)
#define TIMEFMT_LEN 64

int64_t time_now_us(void);
/* The one clock source every "now" in vulnflow reads is time_now_us(): real
 * time plus a shift, 0 unless a test moved it (the test_clock key lets an
 * administrator do so through the API, for scenario tests of the legal
 * clocks; never on in production). */
void time_set_offset_us(int64_t off);
int64_t time_offset_us(void);
/* Monotonic microseconds, for measuring durations. */
int64_t time_mono_us(void);
/* "2026-11-25T07:39:59.123456Z" */
void time_format_utc(int64_t us, char out[TIMEFMT_LEN]);
/* "2026-11-25T15:39:59.123456+08:00" */
void time_format_shanghai(int64_t us, char out[TIMEFMT_LEN]);
/* Parse RFC 3339 (with Z or an offset; fraction optional); -1 if invalid. */
int time_parse_rfc3339(const char *s, int64_t *out);

#endif
