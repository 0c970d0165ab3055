/* intake_json.c - a report submission in JSON (the API's and `vulnflow report submit`'s format). */
#include <stdlib.h>
#include <string.h>

#include "base/crypto.h"
#include "base/mem.h"
#include "service/intake.h"

/* Strings of a JSON object, each either absent, null or a string. */
static int get_str(json_t *o, const char *key, const char *path, const char **out,
		   struct err *e)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return err_set(e, ERR_INVALID, "\"%s\" must be a string", path);
	*out = json_string_value(v);
	return 0;
}

static int only_keys(json_t *o, const char *const *keys, const char *where, struct err *e)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v) {
		int known = 0;

		for (const char *const *p = keys; *p; p++)
			known |= strcmp(*p, k) == 0;
		if (!known)
			return err_setn(e, ERR_INVALID, "unknown_field", "unknown field \"%s%s\"", where,
					k);
	}
	return 0;
}

int intake_parse_json(struct intake_parsed **out, const char *body, size_t len, struct err *e)
{
	static const char *const top[] = { "title", "description", "language", "product",
					   "reporter", "attachments", "pow", NULL };
	static const char *const product[] = { "name", "model", "version", NULL };
	static const char *const reporter[] = { "name", "email", "organization", "country",
						"credit", NULL };
	static const char *const att[] = { "filename", "content_type", "data", NULL };
	json_error_t je;
	json_t *o, *p, *rep, *atts;
	struct intake_parsed *s = xcalloc(1, sizeof(*s));

	*out = s;
	s->json = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (s->json == NULL)
		return err_setn(e, ERR_MALFORMED, "malformed_json", "request body is not JSON: %s "
				"(line %d, column %d)", je.text, je.line, je.column);
	o = s->json;
	if (!json_is_object(o))
		return err_set(e, ERR_INVALID, "request body must be a JSON object");
	if (only_keys(o, top, "", e) < 0 || get_str(o, "title", "title", &s->report.title, e) < 0 ||
	    get_str(o, "description", "description", &s->report.description, e) < 0 ||
	    get_str(o, "language", "language", &s->report.language, e) < 0 ||
	    get_str(o, "pow", "pow", &s->pow, e) < 0)
		return -1;
	p = json_object_get(o, "product");
	if (p == NULL || !json_is_object(p))
		return err_setn(e, ERR_INVALID, "missing_field",
				"\"product\" is required: an object with \"name\"");
	if (only_keys(p, product, "product.", e) < 0 ||
	    get_str(p, "name", "product.name", &s->report.product_name, e) < 0 ||
	    get_str(p, "model", "product.model", &s->report.product_model, e) < 0 ||
	    get_str(p, "version", "product.version", &s->report.product_version, e) < 0)
		return -1;
	rep = json_object_get(o, "reporter");
	if (rep != NULL && !json_is_null(rep)) {
		if (!json_is_object(rep))
			return err_set(e, ERR_INVALID, "\"reporter\" must be an object");
		if (only_keys(rep, reporter, "reporter.", e) < 0 ||
		    get_str(rep, "name", "reporter.name", &s->report.reporter_name, e) < 0 ||
		    get_str(rep, "email", "reporter.email", &s->report.reporter_email, e) < 0 ||
		    get_str(rep, "organization", "reporter.organization",
			    &s->report.reporter_organization, e) < 0 ||
		    get_str(rep, "country", "reporter.country", &s->report.reporter_country, e) < 0)
			return -1;
		if (json_object_get(rep, "credit") != NULL) {
			if (!json_is_boolean(json_object_get(rep, "credit")))
				return err_setn(e, ERR_INVALID, "invalid_field",
						"\"reporter.credit\" must be true or false");
			s->report.reporter_credit = json_is_true(json_object_get(rep, "credit"));
		}
	}
	atts = json_object_get(o, "attachments");
	if (atts == NULL || json_is_null(atts))
		return 0;
	if (!json_is_array(atts))
		return err_set(e, ERR_INVALID, "\"attachments\" must be an array");
	s->atts = xcalloc(json_array_size(atts) + 1, sizeof(*s->atts));
	s->owned = xcalloc(json_array_size(atts) + 1, sizeof(*s->owned));
	for (size_t i = 0; i < json_array_size(atts); i++) {
		json_t *a = json_array_get(atts, i);
		struct intake_attachment *t = &s->atts[i];
		const char *data;
		size_t n;

		if (!json_is_object(a))
			return err_set(e, ERR_INVALID, "\"attachments[%zu]\" must be an object", i);
		if (only_keys(a, att, "attachments[].", e) < 0 ||
		    get_str(a, "filename", "attachments[].filename", &t->filename, e) < 0 ||
		    get_str(a, "content_type", "attachments[].content_type", &t->declared_type, e) < 0 ||
		    get_str(a, "data", "attachments[].data", &data, e) < 0)
			return -1;
		if (data == NULL)
			return err_setn(e, ERR_INVALID, "missing_field",
					"\"attachments[%zu].data\" (base64) is required", i);
		n = json_string_length(json_object_get(a, "data"));
		if (crypto_base64_decode(data, n, &s->owned[s->nowned], &t->len) < 0)
			return err_set(e, ERR_INVALID, "\"attachments[%zu].data\" is not base64", i);
		t->data = s->owned[s->nowned++];
		s->natts++;
	}
	s->report.attachments = s->atts;
	s->report.nattachments = s->natts;
	return 0;
}

void intake_parsed_free(struct intake_parsed *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nowned; i++)
		free(p->owned[i]);
	free(p->owned);
	free(p->atts);
	json_decref(p->json);
	free(p);
}

