/* cvss.c - dispatch a vector to its version's module by prefix. */
#include "rules/cvss.h"

#include <stddef.h>
#include <string.h>

#include "rules/cvss2.h"
#include "rules/cvss3.h"
#include "rules/cvss4.h"

static int has_prefix(const char *s, size_t len, const char *p)
{
	size_t n = strlen(p);

	return len >= n && memcmp(s, p, n) == 0;
}

int cvss_score(const char *vector, size_t len, struct cvss_result *out, struct err *e)
{
	/* everything but the vector buffer, which the modules write as a string */
	memset(out, 0, offsetof(struct cvss_result, vector));
	out->vector[0] = '\0';
	if (len == 0)
		return err_set(e, ERR_INVALID, "vector is empty");
	if (has_prefix(vector, len, "CVSS:4.0/"))
		return cvss4_score(vector, len, out, e);
	if (has_prefix(vector, len, "CVSS:3.1/") || has_prefix(vector, len, "CVSS:3.0/"))
		return cvss3_score(vector, len, out, e);
	if (has_prefix(vector, len, "CVSS:") && !has_prefix(vector, len, "CVSS:2.0/")) {
		char shown[12];
		size_t n = 0;

		/* quote at most the version part, printable bytes only */
		for (size_t i = 5; i < len && n < 8 && vector[i] != '/'; i++)
			shown[n++] = vector[i] >= 0x20 && vector[i] < 0x7f ? vector[i] : '?';
		shown[n] = '\0';
		return err_set(e, ERR_INVALID, "unsupported CVSS version \"%s\"", shown);
	}
	return cvss2_score(vector, len, out, e);
}

const char *cvss_severity(enum cvss_version v, int tenths)
{
	if (v == CVSS_V2)
		return tenths < 40 ? "Low" : tenths < 70 ? "Medium" : "High";
	if (tenths == 0)
		return "None";
	if (tenths < 40)
		return "Low";
	if (tenths < 70)
		return "Medium";
	if (tenths < 90)
		return "High";
	return "Critical";
}
