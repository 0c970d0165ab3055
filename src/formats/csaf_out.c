/* csaf_out.c - a bulletin as a CSAF 2.0 security advisory or VEX document (see csaf_out.h). */
#include "formats/csaf_out.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/mem.h"
#include "rules/cvss.h"
#include "rules/cwe.h"
#include "rules/purl.h"

#define TLP_URL "https://www.first.org/tlp/"

/* The VEX justification labels of CSAF 2.0 (section 3.2.3.5), sorted. */
static const char *const justifications[] = {
	"component_not_present",
	"inline_mitigations_already_exist",
	"vulnerable_code_cannot_be_controlled_by_adversary",
	"vulnerable_code_not_in_execute_path",
	"vulnerable_code_not_present",
};

static const char *const publisher_categories[] = {
	"coordinator", "discoverer", "other", "translator", "user", "vendor",
};

static const char *const tlp_labels[] = { "AMBER", "GREEN", "RED", "WHITE" };

static int in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

#define IN_LIST(s, list) in_list((s), (list), sizeof(list) / sizeof((list)[0]))

int bulletin_lang_index(const char *lang, enum bulletin_lang fallback, enum bulletin_lang *out)
{
	if (lang == NULL)
		*out = fallback;
	else if (strcmp(lang, "en") == 0)
		*out = BULLETIN_EN;
	else if (strcmp(lang, "zh-CN") == 0)
		*out = BULLETIN_ZH;
	else
		return -1;
	return 0;
}

const char *bulletin_text_get(const struct bulletin_text *t, enum bulletin_lang l)
{
	const char *v = t->v[l];

	if (v != NULL && v[0] != '\0')
		return v;
	v = t->v[l == BULLETIN_EN ? BULLETIN_ZH : BULLETIN_EN];
	return v != NULL && v[0] != '\0' ? v : NULL;
}

void bulletin_time(int64_t us, char out[32])
{
	int64_t s = us / 1000000;
	time_t t;
	struct tm tm;

	if (us < 0 && us % 1000000 != 0)
		s--;
	t = (time_t)s;
	if (gmtime_r(&t, &tm) == NULL) {
		snprintf(out, 32, "1970-01-01T00:00:00Z");
		return;
	}
	snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)(tm.tm_year + 1900) % 10000u,
		 (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u,
		 (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u, (unsigned)tm.tm_sec % 100u);
}

/* 1 if s is NULL or valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF). */
static int utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (s == NULL)
		return 1;
	while (*p) {
		unsigned c = *p, n, cp;

		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 1, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 2, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 3, cp = c & 0x07;
		else
			return 0;
		for (unsigned i = 1; i <= n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
			return 0;
		p += n + 1;
	}
	return 1;
}

#define CHECK(field, s)                                                                     \
	do {                                                                                \
		if (!utf8_ok(s))                                                            \
			return err_set(e, ERR_INVALID, "bulletin field \"%s\" is not UTF-8", \
				       field);                                              \
	} while (0)

int bulletin_check_utf8(const struct bulletin *b, struct err *e)
{
	const struct bulletin_text *texts[] = { &b->title, &b->summary, &b->description,
						&b->remediation, &b->workarounds };

	CHECK("id", b->id);
	CHECK("publisher_name", b->publisher_name);
	CHECK("publisher_namespace", b->publisher_namespace);
	CHECK("generator", b->generator);
	CHECK("cwe_name", b->cwe_name);
	CHECK("gbt_grade", b->gbt_grade);
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		for (int l = 0; l < BULLETIN_NLANG; l++)
			CHECK("text", texts[i]->v[l]);
	for (size_t i = 0; i < b->naliases; i++)
		CHECK("aliases", b->aliases[i]);
	for (size_t i = 0; i < b->nrevisions; i++)
		CHECK("revisions.summary", b->revisions[i].summary);
	for (size_t i = 0; i < b->nproducts; i++) {
		const struct bulletin_product *p = &b->products[i];

		CHECK("products.vendor", p->vendor);
		CHECK("products.name", p->name);
		CHECK("products.model", p->model);
		CHECK("products.version", p->version);
		CHECK("products.fixed_in", p->fixed_in);
	}
	for (size_t i = 0; i < b->ncomponents; i++) {
		CHECK("components.vers", b->components[i].vers);
		CHECK("components.introduced", b->components[i].introduced);
		CHECK("components.fixed", b->components[i].fixed);
	}
	for (size_t i = 0; i < b->nreferences; i++) {
		CHECK("references.url", b->references[i].url);
		CHECK("references.summary", b->references[i].summary);
	}
	for (size_t i = 0; i < b->ncredits; i++) {
		CHECK("credits.name", b->credits[i].name);
		CHECK("credits.organization", b->credits[i].organization);
	}
	return 0;
}

static const char *lang_name(enum bulletin_lang l)
{
	return l == BULLETIN_ZH ? "zh-CN" : "en";
}

/* ---- products ----------------------------------------------------------- */

/* One product version of the tree, after sorting and merging. */
struct prod {
	const char *vendor, *name, *model, *version;
	const char *purl_in;		/* the bulletin's purl, or NULL */
	enum bulletin_status status;
	const char *justification;
	int synthetic;			/* added for a fixed_in version */
	int range;			/* product_version_range */
	char *purl;			/* canonical, with the version; owned */
	char id[32];
};

static int strcmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int prod_key_cmp(const struct prod *a, const struct prod *b)
{
	int c = strcmp(a->vendor, b->vendor);

	if (c == 0)
		c = strcmp(a->name, b->name);
	if (c == 0)
		c = strcmp0(a->model, b->model);
	if (c == 0)
		c = strcmp(a->version, b->version);
	return c;
}

static int prod_cmp(const void *pa, const void *pb)
{
	const struct prod *a = pa, *b = pb;
	int c = prod_key_cmp(a, b);

	if (c == 0)
		c = a->synthetic - b->synthetic;
	if (c == 0)
		c = (int)a->status - (int)b->status;
	if (c == 0)
		c = strcmp0(a->justification, b->justification);
	return c;
}

static int contains_word(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = s; (p = strstr(p, w)) != NULL; p++) {
		int left = p == s || !((p[-1] | 0x20) >= 'a' && (p[-1] | 0x20) <= 'z');
		int right = !((p[n] | 0x20) >= 'a' && (p[n] | 0x20) <= 'z');

		if (left && right)
			return 1;
	}
	return 0;
}

/* A version that reads as a range (CSAF 6.1.31 refuses such product_version names). */
static int version_is_range(const char *v)
{
	static const char *const words[] = { "after", "all", "before", "earlier", "later",
					     "prior", "versions" };
	char low[256];
	size_t i;

	if (strncmp(v, "vers:", 5) == 0 || strchr(v, '<') != NULL || strchr(v, '>') != NULL)
		return 1;
	for (i = 0; v[i] != '\0' && i + 1 < sizeof(low); i++)
		low[i] = (char)((v[i] >= 'A' && v[i] <= 'Z') ? v[i] + 32 : v[i]);
	low[i] = '\0';
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (contains_word(low, words[i]))
			return 1;
	return 0;
}

/* The purl of product p at its version, canonical. */
static int prod_purl(struct prod *p, struct err *e)
{
	struct purl *u = NULL;
	struct err pe = ERR_INIT;
	int ret = -1;

	if (p->purl_in == NULL || p->purl_in[0] == '\0')
		return 0;
	if (purl_parse(&u, p->purl_in, strlen(p->purl_in), &pe) < 0) {
		err_set(e, ERR_INVALID, "product \"%s %s\": %s", p->name, p->version, pe.msg);
		goto out;
	}
	if (!p->range) {
		free(u->version);
		u->version = xstrdup(p->version);
	}
	if (purl_build(&p->purl, u, &pe) < 0) {
		err_set(e, ERR_INVALID, "product \"%s %s\": %s", p->name, p->version, pe.msg);
		goto out;
	}
	ret = 0;
out:
	purl_free(u);
	return ret;
}

static void prods_free(struct prod *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].purl);
	free(v);
}

/* The bulletin's products (plus fixed_in versions) sorted, merged and numbered. */
static int prods_build(struct prod **out, size_t *nout, const struct bulletin *b, struct err *e)
{
	struct prod *v;
	size_t n = 0, k = 0;

	*out = NULL;
	*nout = 0;
	if (b->nproducts == 0)
		return err_set(e, ERR_INVALID, "bulletin \"%s\" lists no products", b->id);
	v = xcalloc(b->nproducts * 2, sizeof(*v));
	for (size_t i = 0; i < b->nproducts; i++) {
		const struct bulletin_product *p = &b->products[i];

		if (p->vendor == NULL || p->vendor[0] == '\0' || p->name == NULL || p->name[0] == '\0' ||
		    p->version == NULL || p->version[0] == '\0') {
			prods_free(v, n);
			return err_set(e, ERR_INVALID, "product %zu: vendor, name and version are required",
				       i + 1);
		}
		if (p->status > BULLETIN_UNDER_INVESTIGATION) {
			prods_free(v, n);
			return err_set(e, ERR_INVALID, "product \"%s %s\": unknown status %d", p->name,
				       p->version, (int)p->status);
		}
		if (p->status == BULLETIN_NOT_AFFECTED &&
		    (p->justification == NULL || !IN_LIST(p->justification, justifications))) {
			prods_free(v, n);
			return err_set(e, ERR_INVALID,
				       "product \"%s %s\": known_not_affected needs a justification "
				       "label, not \"%s\"", p->name, p->version,
				       p->justification ? p->justification : "");
		}
		v[n] = (struct prod){ .vendor = p->vendor, .name = p->name, .model = p->model,
				      .version = p->version, .purl_in = p->purl, .status = p->status,
				      .justification = p->status == BULLETIN_NOT_AFFECTED ?
						       p->justification : NULL };
		n++;
		if (p->fixed_in != NULL && p->fixed_in[0] != '\0' &&
		    strcmp(p->fixed_in, p->version) != 0) {
			v[n] = (struct prod){ .vendor = p->vendor, .name = p->name, .model = p->model,
					      .version = p->fixed_in, .purl_in = p->purl,
					      .status = BULLETIN_FIXED, .synthetic = 1 };
			n++;
		}
	}
	qsort(v, n, sizeof(*v), prod_cmp);
	for (size_t i = 0; i < n; i++) {
		if (k > 0 && prod_key_cmp(&v[k - 1], &v[i]) == 0) {
			if (v[i].synthetic || (v[i].status == v[k - 1].status &&
					       strcmp0(v[i].justification, v[k - 1].justification) == 0))
				continue;
			err_set(e, ERR_INVALID, "product \"%s %s\" has contradicting statuses",
				v[i].name, v[i].version);
			prods_free(v, k);
			return -1;
		}
		v[k++] = v[i];
	}
	for (size_t i = 0; i < k; i++) {
		v[i].range = version_is_range(v[i].version);
		snprintf(v[i].id, sizeof(v[i].id), "CSAFPID-%04zu", i + 1);
		if (prod_purl(&v[i], e) < 0) {
			prods_free(v, k);
			return -1;
		}
	}
	*out = v;
	*nout = k;
	return 0;
}

static json_t *product_tree(const struct prod *v, size_t n)
{
	json_t *vendors = json_array(), *vendor = NULL, *names = NULL, *versions = NULL;

	for (size_t i = 0; i < n; i++) {
		const struct prod *p = &v[i];
		int new_vendor = i == 0 || strcmp(p->vendor, v[i - 1].vendor) != 0;
		int new_name = new_vendor || strcmp(p->name, v[i - 1].name) != 0 ||
			       strcmp0(p->model, v[i - 1].model) != 0;
		json_t *leaf, *prod;
		char full[1024], pname[512];

		if (p->model != NULL && p->model[0] != '\0')
			snprintf(pname, sizeof(pname), "%s %s", p->name, p->model);
		else
			snprintf(pname, sizeof(pname), "%s", p->name);
		if (new_vendor) {
			names = json_array();
			vendor = json_pack("{s:s, s:s, s:o}", "category", "vendor", "name", p->vendor,
					   "branches", names);
			json_array_append_new(vendors, vendor);
		}
		if (new_name) {
			versions = json_array();
			json_array_append_new(names, json_pack("{s:s, s:s, s:o}", "category",
							       "product_name", "name", pname,
							       "branches", versions));
		}
		snprintf(full, sizeof(full), "%s %s %s", p->vendor, pname, p->version);
		prod = json_pack("{s:s, s:s}", "name", full, "product_id", p->id);
		if (p->purl != NULL)
			json_object_set_new(prod, "product_identification_helper",
					    json_pack("{s:s}", "purl", p->purl));
		leaf = json_pack("{s:s, s:s, s:o}", "category",
				 p->range ? "product_version_range" : "product_version", "name",
				 p->version, "product", prod);
		json_array_append_new(versions, leaf);
	}
	return json_pack("{s:o}", "branches", vendors);
}

/* The ids of the products with status s (json array, possibly empty). */
static json_t *ids_with(const struct prod *v, size_t n, enum bulletin_status s)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		if (v[i].status == s)
			json_array_append_new(a, json_string(v[i].id));
	return a;
}

/* ---- CVSS ---------------------------------------------------------------- */

struct metric_name {
	const char *key, *json;
	const char *values;	/* "L=LOW,H=HIGH" */
};

static const struct metric_name v3_metrics[] = {
	{ "AV", "attackVector", "N=NETWORK,A=ADJACENT_NETWORK,L=LOCAL,P=PHYSICAL" },
	{ "AC", "attackComplexity", "L=LOW,H=HIGH" },
	{ "PR", "privilegesRequired", "N=NONE,L=LOW,H=HIGH" },
	{ "UI", "userInteraction", "N=NONE,R=REQUIRED" },
	{ "S", "scope", "U=UNCHANGED,C=CHANGED" },
	{ "C", "confidentialityImpact", "N=NONE,L=LOW,H=HIGH" },
	{ "I", "integrityImpact", "N=NONE,L=LOW,H=HIGH" },
	{ "A", "availabilityImpact", "N=NONE,L=LOW,H=HIGH" },
	{ "E", "exploitCodeMaturity", "U=UNPROVEN,P=PROOF_OF_CONCEPT,F=FUNCTIONAL,H=HIGH" },
	{ "RL", "remediationLevel", "O=OFFICIAL_FIX,T=TEMPORARY_FIX,W=WORKAROUND,U=UNAVAILABLE" },
	{ "RC", "reportConfidence", "U=UNKNOWN,R=REASONABLE,C=CONFIRMED" },
	{ "CR", "confidentialityRequirement", "L=LOW,M=MEDIUM,H=HIGH" },
	{ "IR", "integrityRequirement", "L=LOW,M=MEDIUM,H=HIGH" },
	{ "AR", "availabilityRequirement", "L=LOW,M=MEDIUM,H=HIGH" },
	{ "MAV", "modifiedAttackVector", "N=NETWORK,A=ADJACENT_NETWORK,L=LOCAL,P=PHYSICAL" },
	{ "MAC", "modifiedAttackComplexity", "L=LOW,H=HIGH" },
	{ "MPR", "modifiedPrivilegesRequired", "N=NONE,L=LOW,H=HIGH" },
	{ "MUI", "modifiedUserInteraction", "N=NONE,R=REQUIRED" },
	{ "MS", "modifiedScope", "U=UNCHANGED,C=CHANGED" },
	{ "MC", "modifiedConfidentialityImpact", "N=NONE,L=LOW,H=HIGH" },
	{ "MI", "modifiedIntegrityImpact", "N=NONE,L=LOW,H=HIGH" },
	{ "MA", "modifiedAvailabilityImpact", "N=NONE,L=LOW,H=HIGH" },
};

/* The JSON value name of letter val in "L=LOW,H=HIGH" into out; -1 if absent. */
static int value_name(const char *values, const char *val, size_t vlen, char *out, size_t size)
{
	const char *p = values;

	while (*p) {
		const char *eq = strchr(p, '='), *end = strchr(p, ',');
		size_t n;

		if (end == NULL)
			end = p + strlen(p);
		if (eq != NULL && eq < end && (size_t)(eq - p) == vlen && strncmp(p, val, vlen) == 0) {
			n = (size_t)(end - eq - 1);
			if (n >= size)
				return -1;
			memcpy(out, eq + 1, n);
			out[n] = '\0';
			return 0;
		}
		p = *end ? end + 1 : end;
	}
	return -1;
}

static json_t *score_real(int tenths)
{
	return json_real(tenths / 10.0);
}

static void upper(char *dst, const char *src, size_t size)
{
	size_t i;

	for (i = 0; src[i] != '\0' && i + 1 < size; i++)
		dst[i] = (char)((src[i] >= 'a' && src[i] <= 'z') ? src[i] - 32 : src[i]);
	dst[i] = '\0';
}

static json_t *severity_json(enum cvss_version ver, int tenths)
{
	char s[16];

	upper(s, cvss_severity(ver, tenths), sizeof(s));
	return json_string(s);
}

/* The full cvss_v3 object (FIRST's cvss-v3.x JSON schema) of vector. */
static int cvss3_json(json_t **out, const char *vector, struct cvss_result *r, struct err *e)
{
	struct err ce = ERR_INIT;
	json_t *o;
	const char *p;

	*out = NULL;
	if (cvss_score(vector, strlen(vector), r, &ce) < 0)
		return err_set(e, ERR_INVALID, "cvss3_vector \"%.100s\": %s", vector, ce.msg);
	if (r->version != CVSS_V30 && r->version != CVSS_V31)
		return err_set(e, ERR_INVALID, "cvss3_vector \"%.100s\" is not CVSS 3.x", vector);
	o = json_pack("{s:s, s:s}", "version", r->version == CVSS_V30 ? "3.0" : "3.1",
		      "vectorString", r->vector);
	p = strchr(r->vector, '/');
	while (p != NULL && *p == '/') {
		const char *k = p + 1, *colon = strchr(k, ':'), *end;
		size_t klen, vlen;
		char name[48];

		if (colon == NULL)
			break;
		end = strchr(colon, '/');
		if (end == NULL)
			end = colon + strlen(colon);
		klen = (size_t)(colon - k);
		vlen = (size_t)(end - colon - 1);
		for (size_t i = 0; i < sizeof(v3_metrics) / sizeof(v3_metrics[0]); i++)
			if (strlen(v3_metrics[i].key) == klen && strncmp(v3_metrics[i].key, k, klen) == 0 &&
			    value_name(v3_metrics[i].values, colon + 1, vlen, name, sizeof(name)) == 0)
				json_object_set_new(o, v3_metrics[i].json, json_string(name));
		p = *end ? end : NULL;
		if (p == NULL)
			break;
	}
	json_object_set_new(o, "baseScore", score_real(r->base));
	json_object_set_new(o, "baseSeverity", severity_json(r->version, r->base));
	if (r->has_temporal) {
		json_object_set_new(o, "temporalScore", score_real(r->temporal));
		json_object_set_new(o, "temporalSeverity", severity_json(r->version, r->temporal));
	}
	if (r->has_environmental) {
		json_object_set_new(o, "environmentalScore", score_real(r->environmental));
		json_object_set_new(o, "environmentalSeverity",
				    severity_json(r->version, r->environmental));
	}
	*out = o;
	return 0;
}

/* ---- the document --------------------------------------------------------- */

static json_t *note(const char *category, const char *title, const char *text)
{
	json_t *n = json_pack("{s:s}", "category", category);

	if (title != NULL)
		json_object_set_new(n, "title", json_string(title));
	json_object_set_new(n, "text", json_string(text));
	return n;
}

static int check_cve(const char *cve)
{
	const char *p;
	size_t digits = 0;

	if (strncmp(cve, "CVE-", 4) != 0)
		return -1;
	for (p = cve + 4; p < cve + 8; p++)
		if (*p < '0' || *p > '9')
			return -1;
	if (*p++ != '-')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++)
		digits++;
	return *p == '\0' && digits >= 4 ? 0 : -1;
}

static int tracking_json(json_t **out, const struct bulletin *b, struct err *e)
{
	json_t *t, *hist = json_array(), *aliases;
	char d[32], ver[24];
	const char *status = b->status ? b->status : "final";
	const char *gen = b->generator ? b->generator : "vulnflow";
	const char *sp = strrchr(gen, ' ');
	json_t *engine;

	*out = NULL;
	if (strcmp(status, "draft") != 0 && strcmp(status, "interim") != 0 &&
	    strcmp(status, "final") != 0) {
		json_decref(hist);
		return err_set(e, ERR_INVALID, "status \"%s\" is not draft, interim or final", status);
	}
	if (strcmp(status, "draft") == 0) {
		bulletin_time(b->current_release_us, d);
		json_array_append_new(hist, json_pack("{s:s, s:s, s:s}", "date", d, "number", "0",
						      "summary", "Draft."));
		snprintf(ver, sizeof(ver), "0");
	} else {
		if (b->nrevisions == 0) {
			json_decref(hist);
			return err_set(e, ERR_INVALID, "bulletin \"%s\" has no revision", b->id);
		}
		for (size_t i = 0; i < b->nrevisions; i++) {
			const struct bulletin_revision *r = &b->revisions[i];
			char num[24];

			if (r->number != (int)i + 1 ||
			    (i > 0 && r->date_us < b->revisions[i - 1].date_us)) {
				json_decref(hist);
				return err_set(e, ERR_INVALID,
					       "revision %zu of \"%s\": numbers must run 1, 2, ... "
					       "and dates must not decrease", i + 1, b->id);
			}
			bulletin_time(r->date_us, d);
			snprintf(num, sizeof(num), "%d", r->number);
			json_array_append_new(hist, json_pack(
				"{s:s, s:s, s:s}", "date", d, "number", num, "summary",
				r->summary && r->summary[0] ? r->summary :
				r->number == 1 ? "Initial release." : "Update."));
		}
		snprintf(ver, sizeof(ver), "%d", b->revisions[b->nrevisions - 1].number);
	}
	if (sp != NULL && sp != gen && sp[1] != '\0') {
		char name[128];

		snprintf(name, sizeof(name), "%.*s", (int)(sp - gen), gen);
		engine = json_pack("{s:s, s:s}", "name", name, "version", sp + 1);
	} else {
		engine = json_pack("{s:s}", "name", gen);
	}
	t = json_pack("{s:s}", "id", b->id);
	aliases = json_array();
	for (size_t i = 0; i < b->naliases; i++)
		if (b->aliases[i] != NULL && b->aliases[i][0] != '\0')
			json_array_append_new(aliases, json_string(b->aliases[i]));
	if (json_array_size(aliases) > 0)
		json_object_set_new(t, "aliases", aliases);
	else
		json_decref(aliases);
	bulletin_time(b->current_release_us, d);
	json_object_set_new(t, "current_release_date", json_string(d));
	json_object_set_new(t, "generator", json_pack("{s:o}", "engine", engine));
	bulletin_time(b->initial_release_us, d);
	json_object_set_new(t, "initial_release_date", json_string(d));
	json_object_set_new(t, "revision_history", hist);
	json_object_set_new(t, "status", json_string(status));
	json_object_set_new(t, "version", json_string(ver));
	*out = t;
	return 0;
}

/* The "ids" of the vulnerability: ours, then the aliases that are not CVE ids. */
static json_t *vuln_ids(const struct bulletin *b)
{
	json_t *a = json_array();

	json_array_append_new(a, json_pack("{s:s, s:s}", "system_name", b->publisher_name,
					   "text", b->id));
	for (size_t i = 0; i < b->naliases; i++) {
		const char *al = b->aliases[i], *dash;
		char sys[64];

		if (al == NULL || al[0] == '\0' || strncmp(al, "CVE-", 4) == 0 ||
		    strcmp(al, b->id) == 0)
			continue;
		dash = strchr(al, '-');
		if (dash != NULL && dash != al && (size_t)(dash - al) < sizeof(sys))
			snprintf(sys, sizeof(sys), "%.*s", (int)(dash - al), al);
		else
			snprintf(sys, sizeof(sys), "other");
		json_array_append_new(a, json_pack("{s:s, s:s}", "system_name", sys, "text", al));
	}
	return a;
}

static void add_if_nonempty(json_t *o, const char *k, json_t *a)
{
	if (json_array_size(a) > 0)
		json_object_set_new(o, k, a);
	else
		json_decref(a);
}

static int vulnerability_json(json_t **out, const struct bulletin *b, enum bulletin_lang l,
			      const struct prod *v, size_t n, const char **severity,
			      struct err *e)
{
	json_t *vu = json_object(), *notes = json_array(), *status = json_object();
	json_t *affected = ids_with(v, n, BULLETIN_AFFECTED);
	json_t *fixed = ids_with(v, n, BULLETIN_FIXED);
	json_t *rems = json_array(), *fix_ids = json_array(), *flags = json_array();
	const char *desc = bulletin_text_get(&b->description, l);
	const char *summary = bulletin_text_get(&b->summary, l);
	const char *remediation = bulletin_text_get(&b->remediation, l);
	const char *workarounds = bulletin_text_get(&b->workarounds, l);
	int ret = -1;

	*out = NULL;
	*severity = NULL;
	if (b->cve != NULL && b->cve[0] != '\0') {
		if (check_cve(b->cve) < 0) {
			err_set(e, ERR_INVALID, "cve \"%.64s\" is not a CVE id", b->cve);
			goto out;
		}
		json_object_set_new(vu, "cve", json_string(b->cve));
	}
	if (b->cwe_id != NULL && b->cwe_id[0] != '\0') {
		struct cwe_entry ce;
		int id;
		char cid[24];
		const char *name = b->cwe_name;

		if (cwe_parse(b->cwe_id, &id) < 0 || id <= 0) {
			err_set(e, ERR_INVALID, "cwe_id \"%.64s\" is not a CWE id", b->cwe_id);
			goto out;
		}
		if ((name == NULL || name[0] == '\0') && cwe_lookup(id, &ce) == 0)
			name = ce.name_en;
		if (name == NULL || name[0] == '\0') {
			err_set(e, ERR_INVALID, "cwe_id \"%.64s\" is not in the CWE catalogue",
				b->cwe_id);
			goto out;
		}
		snprintf(cid, sizeof(cid), "CWE-%d", id);
		json_object_set_new(vu, "cwe", json_pack("{s:s, s:s}", "id", cid, "name", name));
	}
	json_object_set_new(vu, "ids", vuln_ids(b));

	/* notes: at least one (VEX profile, 6.1.27.5) */
	if (desc != NULL)
		json_array_append_new(notes, note("description", NULL, desc));
	else if (summary != NULL)
		json_array_append_new(notes, note("summary", NULL, summary));
	else
		json_array_append_new(notes, note("summary", NULL, bulletin_text_get(&b->title, l)));
	if (b->cvss4_vector != NULL && b->cvss4_vector[0] != '\0') {
		struct cvss_result r4;
		struct err ce = ERR_INIT;
		char text[CVSS_VECTOR_MAX + 64];

		if (cvss_score(b->cvss4_vector, strlen(b->cvss4_vector), &r4, &ce) < 0 ||
		    r4.version != CVSS_V40) {
			err_set(e, ERR_INVALID, "cvss4_vector \"%.100s\": %s", b->cvss4_vector,
				ce.code ? ce.msg : "not CVSS 4.0");
			goto out;
		}
		snprintf(text, sizeof(text), "%s (%s %d.%d %s)", r4.vector, r4.nomenclature,
			 r4.score / 10, r4.score % 10, r4.severity);
		json_array_append_new(notes, note("other", "CVSS v4.0", text));
		*severity = r4.severity;
	}
	if (b->gbt_grade != NULL && b->gbt_grade[0] != '\0')
		json_array_append_new(notes, note("other", "GB/T 30279-2020", b->gbt_grade));

	/* product_status */
	add_if_nonempty(status, "fixed", json_incref(fixed));
	add_if_nonempty(status, "known_affected", json_incref(affected));
	add_if_nonempty(status, "known_not_affected", ids_with(v, n, BULLETIN_NOT_AFFECTED));
	add_if_nonempty(status, "under_investigation",
			ids_with(v, n, BULLETIN_UNDER_INVESTIGATION));

	/* remediations: required for every affected product (6.1.27.10) */
	for (size_t i = 0; i < n; i++)
		if (v[i].status == BULLETIN_AFFECTED || v[i].status == BULLETIN_FIXED)
			json_array_append_new(fix_ids, json_string(v[i].id));
	if (json_array_size(affected) > 0 && remediation == NULL) {
		err_set(e, ERR_INVALID, "bulletin \"%s\" has affected products and no remediation",
			b->id);
		goto out;
	}
	if (remediation != NULL && json_array_size(fix_ids) > 0)
		json_array_append_new(rems, json_pack("{s:s, s:s, s:O}", "category", "vendor_fix",
						      "details", remediation, "product_ids", fix_ids));
	else if (remediation != NULL)
		json_array_append_new(notes, note("general", "Remediation", remediation));
	if (workarounds != NULL && json_array_size(affected) > 0)
		json_array_append_new(rems, json_pack("{s:s, s:s, s:O}", "category", "workaround",
						      "details", workarounds, "product_ids", affected));
	else if (workarounds != NULL)
		json_array_append_new(notes, note("general", "Workarounds", workarounds));

	json_object_set_new(vu, "notes", notes);
	notes = NULL;
	if (json_object_size(status) == 0) {
		err_set(e, ERR_INVALID, "bulletin \"%s\": no product status", b->id);
		goto out;
	}
	json_object_set_new(vu, "product_status", status);
	status = NULL;
	add_if_nonempty(vu, "remediations", rems);
	rems = NULL;

	/* scores */
	if (b->cvss3_vector != NULL && b->cvss3_vector[0] != '\0') {
		struct cvss_result r;
		json_t *c3, *prods = json_array_size(affected) > 0 ? affected : fixed;

		if (cvss3_json(&c3, b->cvss3_vector, &r, e) < 0)
			goto out;
		*severity = r.severity;
		if (json_array_size(prods) > 0)
			json_object_set_new(vu, "scores",
					    json_pack("[{s:O, s:o}]", "products", prods, "cvss_v3", c3));
		else
			json_decref(c3);
	}

	/* flags: one per justification label, in label order */
	for (size_t j = 0; j < sizeof(justifications) / sizeof(justifications[0]); j++) {
		json_t *ids = json_array();

		for (size_t i = 0; i < n; i++)
			if (v[i].status == BULLETIN_NOT_AFFECTED &&
			    strcmp(v[i].justification, justifications[j]) == 0)
				json_array_append_new(ids, json_string(v[i].id));
		if (json_array_size(ids) > 0)
			json_array_append_new(flags, json_pack("{s:s, s:o}", "label", justifications[j],
							       "product_ids", ids));
		else
			json_decref(ids);
	}
	add_if_nonempty(vu, "flags", flags);
	flags = NULL;

	if (b->ncredits > 0) {
		json_t *acks = json_array();

		for (size_t i = 0; i < b->ncredits; i++) {
			const struct bulletin_credit *c = &b->credits[i];
			json_t *a;

			if (c->name == NULL || c->name[0] == '\0')
				continue;
			a = json_pack("{s:[s]}", "names", c->name);
			if (c->organization != NULL && c->organization[0] != '\0')
				json_object_set_new(a, "organization", json_string(c->organization));
			json_array_append_new(acks, a);
		}
		add_if_nonempty(vu, "acknowledgments", acks);
	}
	json_object_set_new(vu, "title", json_string(bulletin_text_get(&b->title, l)));
	*out = vu;
	vu = NULL;
	ret = 0;
out:
	json_decref(vu);
	json_decref(notes);
	json_decref(status);
	json_decref(affected);
	json_decref(fixed);
	json_decref(rems);
	json_decref(fix_ids);
	json_decref(flags);
	return ret;
}

static int export(char **out, size_t *len, const struct bulletin *b, const char *lang,
		  const char *category, struct err *e)
{
	json_t *doc = NULL, *document = NULL, *tracking = NULL, *vuln = NULL, *refs, *notes;
	struct prod *v = NULL;
	size_t n = 0;
	enum bulletin_lang l, fallback = BULLETIN_EN;
	const char *title, *summary, *severity = NULL;
	const char *pubcat = b->publisher_category ? b->publisher_category : "vendor";
	const char *tlp = b->tlp ? b->tlp : "WHITE";
	int ret = -1;

	*out = NULL;
	if (len)
		*len = 0;
	if (b->id == NULL || b->id[0] == '\0' || b->id[0] == ' ' || b->id[strlen(b->id) - 1] == ' ')
		return err_set(e, ERR_INVALID, "bulletin id is missing or has outer blanks");
	if (b->lang != NULL)
		bulletin_lang_index(b->lang, BULLETIN_EN, &fallback);
	if (bulletin_lang_index(lang, fallback, &l) < 0)
		return err_set(e, ERR_INVALID, "lang \"%.32s\" is not \"en\" or \"zh-CN\"", lang);
	if (bulletin_check_utf8(b, e) < 0)
		return -1;
	title = bulletin_text_get(&b->title, l);
	summary = bulletin_text_get(&b->summary, l);
	if (title == NULL)
		return err_set(e, ERR_INVALID, "bulletin \"%s\" has no title", b->id);
	if (b->publisher_name == NULL || b->publisher_name[0] == '\0' ||
	    b->publisher_namespace == NULL || strstr(b->publisher_namespace, "://") == NULL)
		return err_set(e, ERR_INVALID, "bulletin \"%s\": publisher name and namespace URL "
			       "are required", b->id);
	if (!IN_LIST(pubcat, publisher_categories))
		return err_set(e, ERR_INVALID, "publisher_category \"%.32s\" is not a CSAF category",
			       pubcat);
	if (!IN_LIST(tlp, tlp_labels))
		return err_set(e, ERR_INVALID, "tlp \"%.32s\" is not a TLP 1.0 label", tlp);
	if (b->initial_release_us <= 0 || b->current_release_us < b->initial_release_us)
		return err_set(e, ERR_INVALID, "bulletin \"%s\": release dates missing or out of "
			       "order", b->id);
	if (prods_build(&v, &n, b, e) < 0)
		goto out;
	if (tracking_json(&tracking, b, e) < 0)
		goto out;
	if (vulnerability_json(&vuln, b, l, v, n, &severity, e) < 0)
		goto out;

	document = json_pack("{s:s}", "category", category);
	if (severity != NULL) {
		char s[16];

		upper(s, severity, sizeof(s));
		json_object_set_new(document, "aggregate_severity", json_pack("{s:s}", "text", s));
	}
	json_object_set_new(document, "csaf_version", json_string("2.0"));
	json_object_set_new(document, "distribution",
			    json_pack("{s:{s:s, s:s}}", "tlp", "label", tlp, "url", TLP_URL));
	json_object_set_new(document, "lang", json_string(lang_name(l)));
	notes = json_array();
	if (summary != NULL)
		json_array_append_new(notes, note("summary", "Summary", summary));
	add_if_nonempty(document, "notes", notes);
	json_object_set_new(document, "publisher",
			    json_pack("{s:s, s:s, s:s}", "category", pubcat, "name", b->publisher_name,
				      "namespace", b->publisher_namespace));
	refs = json_array();
	for (size_t i = 0; i < b->nreferences; i++) {
		const struct bulletin_reference *r = &b->references[i];

		if (r->url == NULL || r->url[0] == '\0')
			continue;
		json_array_append_new(refs, json_pack("{s:s, s:s, s:s}", "category",
						      r->self ? "self" : "external", "summary",
						      r->summary && r->summary[0] ? r->summary : r->url,
						      "url", r->url));
	}
	add_if_nonempty(document, "references", refs);
	json_object_set_new(document, "title", json_string(title));
	json_object_set_new(document, "tracking", tracking);
	tracking = NULL;

	doc = json_pack("{s:o, s:o, s:[o]}", "document", document, "product_tree",
			product_tree(v, n), "vulnerabilities", vuln);
	document = NULL;
	vuln = NULL;
	*out = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(3));
	if (*out == NULL) {
		err_set(e, ERR_INTERNAL, "cannot serialise the CSAF document of \"%s\"", b->id);
		goto out;
	}
	if (len)
		*len = strlen(*out);
	ret = 0;
out:
	json_decref(doc);
	json_decref(document);
	json_decref(tracking);
	json_decref(vuln);
	prods_free(v, n);
	return ret;
}

int csaf_export(char **out, size_t *len, const struct bulletin *b, const char *lang,
		struct err *e)
{
	return export(out, len, b, lang, "csaf_security_advisory", e);
}

int csaf_vex_export(char **out, size_t *len, const struct bulletin *b, const char *lang,
		    struct err *e)
{
	return export(out, len, b, lang, "csaf_vex", e);
}
