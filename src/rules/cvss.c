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
		const char *v = vector + 5, *slash = memchr(v, '/', len - 5);
		char shown[32];

		return err_set(e, ERR_INVALID, "unsupported CVSS version \"%s\"",
			       cvss_quote(shown, sizeof(shown), v,
					  slash ? (size_t)(slash - v) : len - 5));
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

const char *cvss_quote(char *buf, size_t size, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (o + 8 >= size) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			buf[o++] = (char)c;
		} else {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	buf[o] = '\0';
	return buf;
}
