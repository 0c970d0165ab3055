/* fuzz_gate.c - libFuzzer target for the publication gate's text scanners and its evaluation
 * (rules/gate.c, rules/gate_scan.c).
 *
 * Input: one byte of settings (case role, computed and stated severities, a
 * PoC attachment, a recipient abroad), then up to ten texts separated by NUL
 * bytes, which fill the advisory's fields in order (title.zh-CN, title.en,
 * summary.zh-CN, ...).  Every text is scanned for each of the three text
 * rules, and the snapshot is evaluated twice: as it is, and with every
 * finding cleared.  Nothing may crash or leak, and these must hold, else the
 * target aborts:
 *   - a finding lies inside its text, is not empty, starts and ends on UTF-8
 *     character boundaries (an invalid byte is one character; checked with
 *     a decoder written here from Unicode's table of well-formed sequences),
 *     has a kind of its rule, an id of 32 lowercase hex digits equal to
 *     gate_finding_id() of its span, and an excerpt that is well-formed
 *     UTF-8 without control characters;
 *   - findings come in offset order, at most GATE_SCAN_MAX, truncated only
 *     at that many, and a second scan gives the same ids;
 *   - each rule result names its rule, passes exactly when nothing is
 *     missing, has a basis exactly when it passes; the report passes exactly
 *     when every rule does;
 *   - with every finding cleared, no rule misses "findings_cleared", and the
 *     findings are the same ones, all marked cleared.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules/gate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NTEXTS (GATE_FIELD_COUNT * GATE_LANG_COUNT)

static const char *const kinds_92[] = { "private_ipv4", "private_ipv6", "internal_host",
					"internal_url", NULL };
static const char *const kinds_93[] = { "alarm_wording", "severity_term", NULL };
static const char *const kinds_94[] = { "code_block", "indented_code", "step_by_step",
					"shell_command", "shell_chain", "exploit_term", "hex_blob",
					"base64_blob", NULL };

/* The length of the well-formed sequence at s[i] (Unicode Table 3-7), else 0. */
static size_t wellformed(const unsigned char *s, size_t n, size_t i)
{
	static const struct {
		unsigned char lo0, hi0, lo1, hi1;
		size_t len;
	} rows[] = {
		{ 0x00, 0x7f, 0, 0, 1 }, { 0xc2, 0xdf, 0x80, 0xbf, 2 },
		{ 0xe0, 0xe0, 0xa0, 0xbf, 3 }, { 0xe1, 0xec, 0x80, 0xbf, 3 },
		{ 0xed, 0xed, 0x80, 0x9f, 3 }, { 0xee, 0xef, 0x80, 0xbf, 3 },
		{ 0xf0, 0xf0, 0x90, 0xbf, 4 }, { 0xf1, 0xf3, 0x80, 0xbf, 4 },
		{ 0xf4, 0xf4, 0x80, 0x8f, 4 },
	};

	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		if (s[i] < rows[r].lo0 || s[i] > rows[r].hi0)
			continue;
		if (rows[r].len == 1)
			return 1;
		if (n - i < rows[r].len || s[i + 1] < rows[r].lo1 || s[i + 1] > rows[r].hi1)
			return 0;
		for (size_t k = 2; k < rows[r].len; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return 0;
		return rows[r].len;
	}
	return 0;
}

/* bound[i] = 1 where a character starts (and at n). */
static unsigned char *boundaries(const char *text, size_t n)
{
	unsigned char *bound = calloc(n + 1, 1);
	size_t i = 0;

	if (!bound)
		abort();
	while (i < n) {
		size_t len = wellformed((const unsigned char *)text, n, i);

		bound[i] = 1;
		i += len ? len : 1;
	}
	bound[n] = 1;
	return bound;
}

static void check_excerpt(const char *x)
{
	size_t n = strnlen(x, GATE_EXCERPT_MAX);

	if (n >= GATE_EXCERPT_MAX)
		abort();
	for (size_t i = 0; i < n;) {
		size_t len = wellformed((const unsigned char *)x, n, i);

		if (len == 0 || (unsigned char)x[i] < 0x20 || x[i] == 0x7f)
			abort();
		i += len;
	}
}

static int kind_of(const char *kind, const char *const *list)
{
	for (size_t k = 0; list[k]; k++)
		if (strcmp(kind, list[k]) == 0)
			return 1;
	return 0;
}

static void check_finding(const struct gate_finding *f, enum gate_rule rule,
			  enum gate_field field, enum gate_lang lang, const char *text, size_t n,
			  const unsigned char *bound)
{
	char id[GATE_FINDING_ID_LEN];
	const char *const *kinds = rule == GATE_OPERATOR_DETAILS ? kinds_92 :
				   rule == GATE_NO_EXAGGERATION ? kinds_93 : kinds_94;

	if (f->rule != rule || f->field != field || f->lang != lang || f->cleared)
		abort();
	if (f->len == 0 || f->offset > n || f->len > n - f->offset)
		abort();
	if (!bound[f->offset] || !bound[f->offset + f->len])
		abort();
	if (f->kind == NULL || !kind_of(f->kind, kinds))
		abort();
	if (strlen(f->id) != 32 || strspn(f->id, "0123456789abcdef") != 32)
		abort();
	gate_finding_id(id, rule, field, lang, f->offset, text + f->offset, f->len);
	if (strcmp(id, f->id) != 0)
		abort();
	check_excerpt(f->excerpt);
}

static void scan_text(enum gate_rule rule, enum gate_field field, enum gate_lang lang,
		      const char *text, enum gate_severity computed)
{
	struct gate_finding *v = NULL, *w = NULL;
	size_t n = 0, m = 0, len = strlen(text);
	int truncated = 0, t2 = 0;
	struct err e = ERR_INIT;
	unsigned char *bound;

	if (gate_scan(&v, &n, &truncated, rule, field, lang, text, computed, &e) < 0)
		abort();
	if (n > GATE_SCAN_MAX || (truncated && n != GATE_SCAN_MAX) || (n == 0) != (v == NULL))
		abort();
	bound = boundaries(text, len);
	for (size_t k = 0; k < n; k++) {
		check_finding(&v[k], rule, field, lang, text, len, bound);
		if (k > 0 && v[k].offset < v[k - 1].offset)
			abort();
	}
	free(bound);
	if (gate_scan(&w, &m, &t2, rule, field, lang, text, computed, &e) < 0 || m != n ||
	    t2 != truncated)
		abort();
	for (size_t k = 0; k < n; k++)
		if (strcmp(v[k].id, w[k].id) != 0)
			abort();
	free(v);
	free(w);
}

static void check_report(const struct gate_report *r)
{
	int all = 1;

	for (int i = 0; i < GATE_RULE_COUNT; i++) {
		const struct gate_rule_result *res = &r->rules[i];

		if ((int)res->rule != i || res->passed != (res->n_missing == 0) ||
		    (res->basis != NULL) != res->passed)
			abort();
		for (size_t k = 0; k < res->n_missing; k++)
			if (!res->missing[k].label || !res->missing[k].label->id)
				abort();
		all &= res->passed;
	}
	if (r->passed != all)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct gate_attachment poc[] = { { "x", 1 } };
	static const struct gate_recipient abroad[] = { { "y", "US", 0 } };
	static const int64_t approvals[] = { 2 };
	struct gate_snapshot s = { 0 };
	struct gate_report *r = NULL, *r2 = NULL;
	struct err e = ERR_INIT;
	char *copy, *texts[NTEXTS] = { 0 };
	const char **ids = NULL;
	size_t nids = 0, ntexts = 0;
	unsigned flags;
	enum gate_severity computed;

	if (size == 0)
		return 0;
	flags = data[0];
	copy = malloc(size);            /* the texts, NUL-terminated in place */
	if (!copy)
		abort();
	memcpy(copy, data + 1, size - 1);
	copy[size - 1] = '\0';
	for (char *p = copy; ntexts < NTEXTS && p < copy + size;) {
		texts[ntexts++] = p;
		p += strlen(p) + 1;
	}

	s.kase.role = flags & 1 ? CASE_ROLE_OPERATOR : CASE_ROLE_PROVIDER;
	s.kase.state = (enum case_state)((flags >> 1) % CASE_STATE_COUNT);
	s.kase.fix_available = 1;
	s.advisory.cvss = (enum gate_severity)((flags >> 4) % GATE_SEV_COUNT);
	s.advisory.gbt = s.advisory.cvss == GATE_SEV_NONE ? GATE_SEV_LOW : s.advisory.cvss;
	s.advisory.stated_cvss = (enum gate_severity)((flags >> 2) % GATE_SEV_COUNT);
	s.advisory.attested_by = flags & 0x40 ? 3 : 0;
	if (flags & 0x80) {
		s.advisory.attachments = poc;
		s.advisory.n_attachments = 1;
		s.advisory.recipients = abroad;
		s.advisory.n_recipients = 1;
	}
	s.approvals = approvals;
	s.n_approvals = 1;
	s.author_id = 1;
	s.now_us = 1;
	computed = s.advisory.cvss > s.advisory.gbt ? s.advisory.cvss : s.advisory.gbt;
	for (size_t t = 0; t < ntexts; t++) {
		enum gate_field field = (enum gate_field)(t / GATE_LANG_COUNT);
		enum gate_lang lang = (enum gate_lang)(t % GATE_LANG_COUNT);

		s.advisory.text[field][lang] = texts[t];
		scan_text(GATE_OPERATOR_DETAILS, field, lang, texts[t], computed);
		scan_text(GATE_NO_EXAGGERATION, field, lang, texts[t], computed);
		scan_text(GATE_NO_EXPLOIT, field, lang, texts[t], computed);
	}

	if (gate_evaluate(&r, &s, &e) < 0)
		abort();
	check_report(r);
	for (int i = 0; i < GATE_RULE_COUNT; i++)
		for (size_t k = 0; k < r->rules[i].n_findings; k++) {
			ids = realloc(ids, (nids + 1) * sizeof(*ids));
			if (!ids)
				abort();
			ids[nids++] = r->rules[i].findings[k].id;
		}
	s.advisory.cleared = ids;
	s.advisory.n_cleared = nids;
	if (gate_evaluate(&r2, &s, &e) < 0)
		abort();
	check_report(r2);
	for (int i = 0; i < GATE_RULE_COUNT; i++) {
		if (r2->rules[i].n_findings != r->rules[i].n_findings)
			abort();
		for (size_t k = 0; k < r2->rules[i].n_findings; k++)
			if (!r2->rules[i].findings[k].cleared ||
			    strcmp(r2->rules[i].findings[k].id, r->rules[i].findings[k].id) != 0)
				abort();
		for (size_t k = 0; k < r2->rules[i].n_missing; k++)
			if (strcmp(r2->rules[i].missing[k].label->id, "findings_cleared") == 0)
				abort();
	}
	gate_report_free(r2);
	gate_report_free(r);
	free(ids);
	free(copy);
	return 0;
}
