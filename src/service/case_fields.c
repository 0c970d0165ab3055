/* case_fields.c - the fields of a case: what each accepts, and how it is stored. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonv.h"
#include "base/mem.h"
#include "base/timefmt.h"
#include "rules/cvss.h"
#include "rules/cwe.h"
#include "rules/gbt30279.h"
#include "service/cases_impl.h"
#include "service/scoring.h"

#define TEXT_MAX 100000

static const char *const known[] = {
	"title", "role", "learned_at", "reason", "assignee_id", "actively_exploited", "products",
	"upstream", "technical", "harm", "scope", "remediation", "workarounds", "cvss_vector",
	"gbt_vector", "gbt_class", "cwe", "ids", "fix_available_at", "decided_not_to_publish",
	"team_id", NULL
};

static int text_field(json_t *v, const char *name, long min, long max, const char **out,
		      struct err *e)
{
	size_t n;

	*out = NULL;
	if (json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return err_set(e, ERR_INVALID, "\"%s\" must be a string", name);
	n = jsonv_utf8_len(json_string_value(v));
	if ((long)n < min)
		return err_set(e, ERR_INVALID, "\"%s\" must not be empty", name);
	if ((long)n > max)
		return err_set(e, ERR_INVALID, "\"%s\" is longer than %ld characters", name, max);
	*out = json_string_value(v);
	return 0;
}

static int time_field(json_t *v, const char *name, int64_t *out, struct err *e)
{
	if (json_is_null(v)) {
		*out = 0;
		return 0;
	}
	if (!json_is_string(v) || time_parse_rfc3339(json_string_value(v), out) < 0)
		return err_set(e, ERR_INVALID, "\"%s\" must be an RFC 3339 time", name);
	return 0;
}

static void set_dup(char **slot, const char *v)
{
	free(*slot);
	*slot = v ? xstrdup(v) : NULL;
}

/* The digits of shape after the prefix: 'Y' a year (4 digits), 'M' a year
 * and month (6 digits), 'N' one or more digits, '-' itself; NULL: any
 * letters, digits and '-'. */
static int shape_ok(const char *s, const char *shape)
{
	if (shape == NULL) {
		for (; *s; s++)
			if (!isalnum((unsigned char)*s) && *s != '-')
				return 0;
		return 1;
	}
	for (; *shape; shape++) {
		int need = *shape == 'Y' ? 4 : *shape == 'M' ? 6 : *shape == 'N' ? 1 : 0;

		if (*shape == '-') {
			if (*s++ != '-')
				return 0;
			continue;
		}
		for (int k = 0; k < need; k++)
			if (!isdigit((unsigned char)*s++))
				return 0;
		if (*shape == 'N')
			while (isdigit((unsigned char)*s))
				s++;
	}
	return *s == '\0';
}

/* Identifiers, leniently: case and surrounding blanks do not matter, the
 * shape does (CVE-YYYY-NNNN+, CNVD-YYYY-N+, CNNVD-YYYYMM-N+, NVDB-...). */
static int id_field(json_t *ids, const char *key, const char *prefix, const char *shape,
		    char **slot, struct err *e)
{
	json_t *v = json_object_get(ids, key);
	char buf[72];
	size_t n, pl = strlen(prefix);

	if (v == NULL)
		return 0;
	if (json_is_null(v)) {
		set_dup(slot, NULL);
		return 0;
	}
	if (!json_is_string(v) || (n = json_string_length(v)) == 0 || n >= sizeof(buf))
		return err_set(e, ERR_INVALID, "\"ids.%s\" must be a string of at most 64 characters",
			       key);
	{
		const char *t = json_string_value(v);
		size_t k = 0;

		while (*t == ' ')
			t++;
		for (; *t && k < sizeof(buf) - 1; t++)
			buf[k++] = (char)toupper((unsigned char)*t);
		while (k && buf[k - 1] == ' ')
			k--;
		buf[k] = '\0';
		n = k;
	}
	if (strncmp(buf, prefix, pl) != 0 || n == pl || !shape_ok(buf + pl, shape))
		return err_setn(e, ERR_INVALID, "invalid_id",
				"\"ids.%s\" \"%s\" is not an identifier of the form %s%s", key,
				json_string_value(v), prefix,
				shape == NULL ? "..." : strcmp(shape, "Y-N") == 0 && !strcmp(key, "cve")
								? "YYYY-NNNN"
							: strcmp(shape, "Y-N") == 0 ? "YYYY-N"
							: "YYYYMM-N");
	set_dup(slot, buf);
	return 0;
}

static int products_field(json_t *v, struct err *e)
{
	size_t i;
	json_t *p;

	if (!json_is_array(v) || json_array_size(v) > 200)
		return err_set(e, ERR_INVALID, "\"products\" must be an array of at most 200");
	json_array_foreach(v, i, p) {
		const char *s;
		json_t *vers = json_object_get(p, "versions"), *x;
		size_t k;
		const char *key;
		json_t *val;

		if (!json_is_object(p))
			return err_set(e, ERR_INVALID, "\"products[%zu]\" must be an object", i);
		json_object_foreach(p, key, val)
			if (strcmp(key, "name") && strcmp(key, "model") && strcmp(key, "versions") &&
			    strcmp(key, "purl"))
				return err_setn(e, ERR_INVALID, "unknown_field",
						"unknown field \"products[%zu].%s\"", i, key);
		if (text_field(json_object_get(p, "name"), "products[].name", 1, 200, &s, e) < 0)
			return -1;
		if (s == NULL)
			return err_setn(e, ERR_INVALID, "missing_field",
					"\"products[%zu].name\" is required", i);
		if (json_object_get(p, "model") &&
		    text_field(json_object_get(p, "model"), "products[].model", 0, 200, &s, e) < 0)
			return -1;
		if (json_object_get(p, "purl") &&
		    text_field(json_object_get(p, "purl"), "products[].purl", 1, 1000, &s, e) < 0)
			return -1;
		if (vers != NULL && (!json_is_array(vers) || json_array_size(vers) > 500))
			return err_set(e, ERR_INVALID,
				       "\"products[%zu].versions\" must be an array of strings", i);
		json_array_foreach(vers, k, x)
			if (text_field(x, "products[].versions[]", 1, 200, &s, e) < 0 || s == NULL)
				return err_set(e, ERR_INVALID,
					       "\"products[%zu].versions[%zu]\" must be a version", i, k);
	}
	return 0;
}

static int upstream_field(json_t *v, struct err *e)
{
	static const char *const keys[] = { "component", "version", "purl", "supplier",
					     "supplier_country", "contact", NULL };
	const char *key, *s;
	json_t *val;

	if (!json_is_object(v))
		return err_set(e, ERR_INVALID, "\"upstream\" must be an object");
	json_object_foreach(v, key, val) {
		int ok = 0;

		for (const char *const *k = keys; *k; k++)
			ok |= strcmp(*k, key) == 0;
		if (!ok)
			return err_setn(e, ERR_INVALID, "unknown_field",
					"unknown field \"upstream.%s\"", key);
		if (text_field(val, key, 0, 1000, &s, e) < 0)
			return -1;
	}
	s = json_string_value(json_object_get(v, "supplier_country"));
	if (s && (strlen(s) != 2 || !isupper((unsigned char)s[0]) || !isupper((unsigned char)s[1])))
		return err_set(e, ERR_INVALID,
			       "\"upstream.supplier_country\" must be an ISO 3166-1 alpha-2 code");
	return 0;
}

static void changed_add(json_t *changed, const char *name)
{
	if (changed)
		json_array_append_new(changed, json_string(name));
}

int case_apply_tracked(struct cases *cs, struct case_data *d, json_t *body, int creating,
		       json_t *changed, struct err *e)
{
	const char *key, *s;
	json_t *v;

	if (!json_is_object(body))
		return err_set(e, ERR_INVALID, "the body must be a JSON object");
	json_object_foreach(body, key, v) {
		int ok = 0;

		for (const char *const *k = known; *k; k++)
			ok |= strcmp(*k, key) == 0;
		if (!ok)
			return err_setn(e, ERR_INVALID, "unknown_field", "unknown field \"%s\"", key);
	}
	if ((v = json_object_get(body, "reason")) &&
	    text_field(v, "reason", 1, 2000, &s, e) < 0)
		return -1;
	if ((v = json_object_get(body, "title"))) {
		if (text_field(v, "title", 1, 200, &s, e) < 0 || s == NULL)
			return err_set(e, ERR_INVALID, "\"title\" must be 1-200 characters");
		set_dup(&d->title, s);
		changed_add(changed, "title");
	}
	if ((v = json_object_get(body, "role"))) {
		if (!creating)
			return err_setn(e, ERR_CONFLICT, "role_fixed",
					"a case's role is fixed when it is created");
		if (!json_is_string(v) || (strcmp(json_string_value(v), "provider") &&
					   strcmp(json_string_value(v), "operator")))
			return err_set(e, ERR_INVALID, "\"role\" must be \"provider\" or \"operator\"");
		snprintf(d->role, sizeof(d->role), "%s", json_string_value(v));
	}
	if ((v = json_object_get(body, "learned_at"))) {
		int64_t t;

		if (json_is_null(v) || time_field(v, "learned_at", &t, e) < 0)
			return err_set(e, ERR_INVALID, "\"learned_at\" must be an RFC 3339 time");
		if (t > time_now_us() + 60 * TIME_US_PER_S)
			return err_set(e, ERR_INVALID, "\"learned_at\" is in the future");
		if (!creating && t != d->learned_at &&
		    !json_string_value(json_object_get(body, "reason")))
			return err_setn(e, ERR_INVALID, "reason_required",
					"changing \"learned_at\" needs a \"reason\" (it moves the legal"
					" clocks)");
		if (t != d->learned_at)
			changed_add(changed, "learned_at");
		d->learned_at = t;
	}
	if ((v = json_object_get(body, "assignee_id"))) {
		if (!json_is_null(v) && (!json_is_integer(v) || json_integer_value(v) <= 0))
			return err_set(e, ERR_INVALID, "\"assignee_id\" must be a user id or null");
		d->assignee_id = json_is_null(v) ? 0 : json_integer_value(v);
		changed_add(changed, "assignee_id");
	}
	if ((v = json_object_get(body, "team_id"))) {
		/* need-to-know (Art. 11): the team's analysts see the case */
		if (!json_is_null(v) && (!json_is_integer(v) || json_integer_value(v) <= 0))
			return err_set(e, ERR_INVALID, "\"team_id\" must be a team id or null");
		d->team_id = json_is_null(v) ? 0 : json_integer_value(v);
		changed_add(changed, "team_id");
	}
	if ((v = json_object_get(body, "actively_exploited"))) {
		if (!json_is_boolean(v))
			return err_set(e, ERR_INVALID, "\"actively_exploited\" must be true or false");
		d->actively_exploited = json_is_true(v);
		changed_add(changed, "actively_exploited");
	}
	if ((v = json_object_get(body, "products"))) {
		if (products_field(v, e) < 0)
			return -1;
		json_object_set(d->details, "products", v);
		changed_add(changed, "products");
	}
	if ((v = json_object_get(body, "upstream"))) {
		if (json_is_null(v)) {
			json_object_del(d->details, "upstream");
		} else {
			if (upstream_field(v, e) < 0)
				return -1;
			json_object_set(d->details, "upstream", v);
		}
		changed_add(changed, "upstream");
	}
	for (const char *const *k = (const char *const[]){ "technical", "harm", "scope",
							   "remediation", "workarounds", NULL };
	     *k; k++) {
		if ((v = json_object_get(body, *k)) == NULL)
			continue;
		if (text_field(v, *k, 0, TEXT_MAX, &s, e) < 0)
			return -1;
		if (s)
			json_object_set_new(d->details, *k, json_string(s));
		else
			json_object_del(d->details, *k);
		changed_add(changed, *k);
	}
	if ((v = json_object_get(body, "cvss_vector"))) {
		if (json_is_null(v)) {
			set_dup(&d->cvss_vector, NULL);
			set_dup(&d->severity, NULL);
		} else {
			struct cvss_result r;

			if (!json_is_string(v))
				return err_set(e, ERR_INVALID, "\"cvss_vector\" must be a string");
			if (cvss_score(json_string_value(v), json_string_length(v), &r, e) < 0) {
				char msg[sizeof(e->msg)];

				snprintf(msg, sizeof(msg), "%s", e->msg);
				return err_setn(e, ERR_INVALID, "invalid_vector",
						"field \"cvss_vector\": %s", msg);
			}
			set_dup(&d->cvss_vector, r.vector);
			d->cvss_score = r.score / 10.0;
			set_dup(&d->severity, r.severity);
		}
		changed_add(changed, "cvss_vector");
	}
	if ((v = json_object_get(body, "gbt_vector"))) {
		if (json_is_null(v)) {
			set_dup(&d->gbt_grade, NULL);
			json_object_del(d->details, "gbt");
		} else {
			struct gbt30279_result r;
			json_t *g = NULL;

			if (!json_is_string(v))
				return err_set(e, ERR_INVALID, "\"gbt_vector\" must be a string");
			if (scoring_grade(json_string_value(v), json_string_length(v), &r, &g, e) < 0) {
				char msg[sizeof(e->msg)];

				snprintf(msg, sizeof(msg), "%s", e->msg);
				return err_setn(e, ERR_INVALID, "invalid_vector",
						"field \"gbt_vector\": %s", msg);
			}
			/* the comprehensive grade when environment indicators are given */
			set_dup(&d->gbt_grade, r.has_environment ? r.comprehensive.zh : r.technical.zh);
			json_object_set_new(d->details, "gbt", g);
		}
		changed_add(changed, "gbt_vector");
	}
	if ((v = json_object_get(body, "gbt_class"))) {
		if (json_is_null(v)) {
			json_object_del(d->details, "gbt_class");
		} else {
			struct gbt30279_class cl;

			if (text_field(v, "gbt_class", 1, 32, &s, e) < 0)
				return -1;
			if (s == NULL || gbt30279_class_lookup(cs->gbt, s, &cl, e) < 0)
				return err_setn(e, ERR_INVALID, "unknown_class",
						"\"gbt_class\" must be a code of the GB/T 30279 tree,"
						" like \"5.2.8.1\" (GET /api/v1/grade/classes lists them)");
			json_object_set_new(d->details, "gbt_class", json_string(s));
			if (cl.zh)
				json_object_set_new(d->details, "gbt_class_zh", json_string(cl.zh));
		}
		changed_add(changed, "gbt_class");
	}
	if ((v = json_object_get(body, "cwe"))) {
		if (json_is_null(v)) {
			set_dup(&d->cwe, NULL);
		} else {
			struct cwe_entry ce;
			const char *t = json_string_value(v);
			char *end;
			long idn = t && strncmp(t, "CWE-", 4) == 0 ? strtol(t + 4, &end, 10) : -1;

			if (idn <= 0 || *end != '\0' || cwe_lookup((int)idn, &ce) < 0)
				return err_setn(e, ERR_INVALID, "unknown_cwe",
						"\"cwe\" must be a CWE id in the catalogue, like \"CWE-78\"");
			set_dup(&d->cwe, t);
		}
		changed_add(changed, "cwe");
	}
	if ((v = json_object_get(body, "ids"))) {
		const char *kk;
		json_t *vv;

		if (!json_is_object(v))
			return err_set(e, ERR_INVALID, "\"ids\" must be an object");
		json_object_foreach(v, kk, vv)
			if (strcmp(kk, "cve") && strcmp(kk, "cnvd") && strcmp(kk, "cnnvd") &&
			    strcmp(kk, "nvdb"))
				return err_setn(e, ERR_INVALID, "unknown_field",
						"unknown field \"ids.%s\"", kk);
		if (id_field(v, "cve", "CVE-", "Y-N", &d->cve_id, e) < 0 ||
		    id_field(v, "cnvd", "CNVD-", "Y-N", &d->cnvd_id, e) < 0 ||
		    id_field(v, "cnnvd", "CNNVD-", "M-N", &d->cnnvd_id, e) < 0 ||
		    id_field(v, "nvdb", "NVDB-", NULL, &d->nvdb_id, e) < 0)
			return -1;
		if (d->cve_id && strlen(d->cve_id) < strlen("CVE-2026-1234"))
			return err_setn(e, ERR_INVALID, "invalid_id",
					"\"ids.cve\" \"%s\" needs at least four digits after the year",
					d->cve_id);
		changed_add(changed, "ids");
	}
	if ((v = json_object_get(body, "fix_available_at"))) {
		if (time_field(v, "fix_available_at", &d->fix_available_at, e) < 0)
			return -1;
		if (d->fix_available_at > time_now_us() + 60 * TIME_US_PER_S)
			return err_set(e, ERR_INVALID,
				       "\"fix_available_at\" is in the future: record it when the fix is out");
		changed_add(changed, "fix_available_at");
	}
	if ((v = json_object_get(body, "decided_not_to_publish"))) {
		if (!json_is_boolean(v))
			return err_set(e, ERR_INVALID, "\"decided_not_to_publish\" must be true or false");
		if (json_is_true(v) && !json_string_value(json_object_get(body, "reason")))
			return err_setn(e, ERR_INVALID, "reason_required",
					"deciding not to publish needs a \"reason\"");
		d->decided_not_to_publish = json_is_true(v);
		changed_add(changed, "decided_not_to_publish");
	}
	return 0;
}

int case_apply(struct cases *cs, struct case_data *d, json_t *body, int creating, struct err *e)
{
	return case_apply_tracked(cs, d, body, creating, NULL, e);
}
