/* scoring.c - the one JSON and text rendering of CVSS results. */
#include "service/scoring.h"

#include "rules/cwe.h"

#include <pthread.h>
#include <stdio.h>

void scoring_tenths(int tenths, char out[8])
{
	unsigned t = tenths < 0 ? 0 : tenths > 100 ? 100 : (unsigned)tenths;  /* scores are 0..10 */

	snprintf(out, 8, "%u.%u", t / 10, t % 10);
}

const char *scoring_version(enum cvss_version v)
{
	switch (v) {
	case CVSS_V2: return "2.0";
	case CVSS_V30: return "3.0";
	case CVSS_V31: return "3.1";
	default: return "4.0";
	}
}

/* A score in tenths as a JSON number with one decimal, or null when not applicable. */
static json_t *tenths_json(int tenths)
{
	return tenths < 0 ? json_null() : json_real((double)tenths / 10.0);
}

json_t *scoring_json(const struct cvss_result *r)
{
	json_t *j = json_pack("{s:s, s:s, s:o, s:s}", "version", scoring_version(r->version),
			      "vector", r->vector, "score", tenths_json(r->score), "severity",
			      r->severity);

	if (r->version == CVSS_V40) {
		json_object_set_new(j, "nomenclature", json_string(r->nomenclature));
		json_object_set_new(j, "macrovector", json_string(r->macrovector));
	} else {
		json_object_set_new(j, "base", tenths_json(r->base));
		json_object_set_new(j, "temporal", r->has_temporal ? tenths_json(r->temporal)
								    : json_null());
		json_object_set_new(j, "environmental",
				    r->has_environmental ? tenths_json(r->environmental)
							 : json_null());
		json_object_set_new(j, "impact", tenths_json(r->impact));
		json_object_set_new(j, "exploitability", tenths_json(r->exploitability));
		json_object_set_new(j, "modified_impact",
				    r->has_environmental ? tenths_json(r->modified_impact)
							 : json_null());
	}
	return j;
}

/* The built-in GB/T 30279 policy, parsed once per process. */
static pthread_once_t policy_once = PTHREAD_ONCE_INIT;
static struct gbt30279 *policy;
static struct err policy_err;

static void policy_load(void)
{
	gbt30279_load_default(&policy, &policy_err);
}

static json_t *label_json(const struct gbt30279_label *l)
{
	return json_pack("{s:s, s:s?, s:s?}", "id", l->id, "zh", l->zh, "en", l->en);
}

int scoring_grade(const char *vector, size_t len, struct gbt30279_result *res, json_t **out,
		  struct err *e)
{
	struct gbt30279_input in;
	json_t *j;

	*out = NULL;
	pthread_once(&policy_once, policy_load);
	if (policy == NULL)
		return err_set(e, ERR_INTERNAL, "built-in GB/T 30279 policy: %s", policy_err.msg);
	if (gbt30279_parse_vector(policy, vector, len, &in, e) < 0 ||
	    gbt30279_grade(policy, &in, res, e) < 0)
		return -1;
	j = json_pack("{s:s, s:o, s:o, s:o, s:b, s:s}", "vector", res->vector, "exploitability",
		      label_json(&res->exploitability), "impact", label_json(&res->impact),
		      "technical", label_json(&res->technical), "provisional", res->provisional,
		      "source", res->source ? res->source : "");
	if (res->has_environment) {
		json_object_set_new(j, "environment", label_json(&res->environment));
		json_object_set_new(j, "comprehensive", label_json(&res->comprehensive));
	}
	*out = j;
	return 0;
}

int scoring_cwe(int id, json_t **out, struct err *e)
{
	struct cwe_entry c;
	char provenance[256], ref[24];

	*out = NULL;
	if (cwe_lookup(id, &c) < 0)
		return err_setn(e, ERR_NOT_FOUND, "unknown_cwe", "CWE-%d is not in the catalogue", id);
	cwe_provenance(provenance, sizeof(provenance));
	snprintf(ref, sizeof(ref), "CWE-%d", c.id);
	*out = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s?, s:s, s:b, s:s}", "id", c.id, "ref", ref,
			 "kind", c.kind, "status", c.status, "usage", c.usage, "name_zh",
			 c.name_zh[0] ? c.name_zh : NULL, "name_en", c.name_en, "valid",
			 cwe_valid(id), "source", provenance);
	return *out ? 0 : err_set(e, ERR_INTERNAL, "cannot render CWE-%d", id);
}

int scoring_classes(json_t **out, struct err *e)
{
	struct gbt30279 *p;
	json_t *arr;

	*out = NULL;
	if (gbt30279_load_default(&p, e) < 0)
		return -1;
	arr = json_array();
	for (size_t i = 0; i < gbt30279_class_count(p); i++) {
		struct gbt30279_class c;

		gbt30279_class_at(p, i, &c);
		json_array_append_new(arr, json_pack("{s:s,s:s?,s:s?,s:s?,s:s}", "code", c.code,
						     "parent", c.parent, "zh", c.zh, "en", c.en,
						     "certainty",
						     gbt30279_certainty_name(c.certainty)));
	}
	gbt30279_free(p);
	*out = arr;
	return 0;
}
