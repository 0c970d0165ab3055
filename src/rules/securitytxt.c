/* securitytxt.c - render and check security.txt (RFC 9116). */
#include "rules/securitytxt.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/timefmt.h"

#define DAY_US (INT64_C(86400) * TIME_US_PER_S)

static int has_prefix(const char *s, size_t n, const char *p)
{
	return n >= strlen(p) && strncmp(s, p, strlen(p)) == 0;
}

/* The next comma-separated item of *p, trimmed; 0 at the end. */
static int next_item(const char **p, const char **item, size_t *n)
{
	const char *s = *p, *end;

	while (*s == ' ' || *s == ',')
		s++;
	if (*s == '\0')
		return 0;
	end = strchr(s, ',');
	if (end == NULL)
		end = s + strlen(s);
	*item = s;
	*n = (size_t)(end - s);
	while (*n > 0 && s[*n - 1] == ' ')
		(*n)--;
	*p = end;
	return 1;
}

static int uri_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return 0;
	return (has_prefix(s, n, "mailto:") && n > 7) || (has_prefix(s, n, "https://") && n > 8) ||
	       (has_prefix(s, n, "tel:") && n > 4);
}

int securitytxt_check(const struct securitytxt *st, struct err *e)
{
	const char *p = st->contacts, *item;
	size_t n;
	int count = 0;

	while (next_item(&p, &item, &n)) {
		if (!uri_ok(item, n))
			return err_set(e, ERR_INVALID,
				       "security contact \"%.*s\" is not a mailto:, https: or tel: URI",
				       (int)(n > 100 ? 100 : n), item);
		count++;
	}
	if (count == 0)
		return err_set(e, ERR_INVALID, "no security contact configured (key security_contact)");
	if (st->policy[0] != '\0' && !uri_ok(st->policy, strlen(st->policy)))
		return err_set(e, ERR_INVALID, "security policy \"%.100s\" is not an https: URL",
			       st->policy);
	for (const char *l = st->languages; *l; l++)
		if (!isalnum((unsigned char)*l) && *l != '-' && *l != ',' && *l != ' ')
			return err_set(e, ERR_INVALID, "languages \"%.100s\" are not language tags",
				       st->languages);
	return 0;
}

int securitytxt_render(const struct securitytxt *st, int64_t now_us, struct buf *out,
		       struct err *e)
{
	const char *p = st->contacts, *item;
	char expires[TIMEFMT_LEN];
	size_t n, url_len = strlen(st->public_url);
	/* public_url without its trailing slash */
	int base_len = (int)(url_len > 0 && st->public_url[url_len - 1] == '/' ? url_len - 1
									: url_len);
	char form[1024];
	int form_listed = 0;

	if (securitytxt_check(st, e) < 0)
		return -1;
	snprintf(form, sizeof(form), "%.*s/report", base_len, st->public_url);
	while (next_item(&p, &item, &n)) {
		buf_adds(out, "Contact: ");
		buf_add(out, item, n);
		buf_adds(out, "\n");
		if (n == strlen(form) && memcmp(item, form, n) == 0)
			form_listed = 1;
	}
	if (st->web_form && url_len > 0 && !form_listed)
		buf_addf(out, "Contact: %s\n", form);
	time_format_utc(now_us - now_us % DAY_US + 364 * DAY_US, expires);
	/* RFC 9116 uses the internet date-time form: whole seconds are enough */
	memcpy(expires + 19, "Z", 2);
	buf_addf(out, "Expires: %s\n", expires);
	if (st->languages[0] != '\0')
		buf_addf(out, "Preferred-Languages: %s\n", st->languages);
	if (url_len > 0)
		buf_addf(out, "Canonical: %.*s/.well-known/security.txt\n", base_len,
			 st->public_url);
	if (st->policy[0] != '\0')
		buf_addf(out, "Policy: %s\n", st->policy);
	if (st->pgp_fpr != NULL && st->pgp_fpr[0] != '\0') {
		if (url_len > 0)
			buf_addf(out, "Encryption: %.*s/.well-known/pgp-key.txt\n", base_len,
				 st->public_url);
		else
			buf_addf(out, "Encryption: openpgp4fpr:%s\n", st->pgp_fpr);
	}
	if (st->csaf_feed && url_len > 0)
		buf_addf(out, "CSAF: %.*s/.well-known/csaf/provider-metadata.json\n", base_len,
			 st->public_url);
	return 0;
}
