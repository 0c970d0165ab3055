/* gate.h - the Art. 9 publication gate: every rule of 《网络产品安全漏洞管理规定》 Art. 9
 * that an advisory must pass before it is published, with the missing evidence named (pure).
 *
 * The gate decides; it stores nothing.  The caller (the advisory service)
 *
 *	1. fills a struct gate_snapshot from the case, the advisory, the
 *	   configured blackout windows, the approvals and the clock,
 *	2. calls gate_evaluate(), which evaluates every rule, always all of
 *	   them, in enum gate_rule order,
 *	3. logs the decision and publishes only if report->passed; else it
 *	   answers 409 gate_refused with the ids of the failed rules, each with
 *	   its missing evidence and its findings:
 *
 *		struct gate_snapshot s = { .kase = { .role = CASE_ROLE_PROVIDER, ... },
 *					   .advisory = { ... }, .now_us = now };
 *		struct gate_report *r;
 *		if (gate_evaluate(&r, &s, &e) < 0)
 *			goto out;                       (ERR_INVALID: a bad snapshot)
 *		for (int i = 0; i < GATE_RULE_COUNT; i++) {
 *			const struct gate_rule_result *res = &r->rules[i];
 *			gate_rule_label(res->rule)->id, res->passed,
 *			res->missing[j].label->id / ->zh / ->en, res->missing[j].index,
 *			res->findings[k].id, .field, .offset, .excerpt, .kind, .cleared
 *		}
 *		gate_report_free(r);
 *
 * The rules (docs/internals/gate.md explains each, with the article's text):
 *
 *	rmsv_9_1_fix_first        Art. 9(1)  a fix or mitigation exists, or the
 *	                                     early-release record is complete
 *	rmsv_9_2_operator_details Art. 9(2)  a provider case, and no flagged
 *	                                     internal address or host name left
 *	rmsv_9_3_no_exaggeration  Art. 9(3)  stated severity not above the
 *	                                     computed one, no flagged alarm wording
 *	                                     left, a reviewer's attestation
 *	rmsv_9_4_no_exploit       Art. 9(4)  no PoC attachment, no flagged code,
 *	                                     command, exploit term or attack steps left
 *	rmsv_9_5_remediation      Art. 9(5)  remediation or workaround text, in
 *	                                     every language the advisory is written in
 *	rmsv_9_6_blackout         Art. 9(6)  now_us in no blackout window, or MPS
 *	                                     consent recorded for each one it is in
 *	rmsv_9_7_overseas         Art. 9(7)  no undisclosed share with a recipient
 *	                                     outside mainland China other than the
 *	                                     product's provider
 *	two_person                Art. 11    approved by a coordinator other than
 *	                                     the author
 *
 * Findings.  Three rules scan the advisory's texts (UTF-8; Chinese and
 * English alike) and flag what a reviewer must look at: 9(2) internal
 * addresses, host names and URLs; 9(3) alarm wording and severity words above
 * the computed severity; 9(4) code blocks, shell commands, exploit vocabulary,
 * step-by-step instructions, long hex or base64 blobs.  A finding makes its
 * rule fail until a reviewer clears it, by its id, in advisory.cleared.  The
 * id is a hash of the rule, the field, the offset and the matched bytes, so
 * it survives re-evaluation of the same text and lapses when the text at or
 * before the finding changes (the reviewer must look again).  The scanners'
 * word lists are static tables in gate_scan.c, listed with their known
 * limits in docs/internals/gate.md.
 *
 * Stability: the rule ids, evidence ids, field names and finding kinds are
 * API and stored data (decision logs); they never change meaning.  Rules,
 * evidence ids, kinds and list entries may be added; enum values are only
 * ever appended to.  New snapshot fields are added at the end and mean "not
 * known / absent" when 0, so always initialise the snapshot with `= { ... }`.
 * Order is stable: rules in enum order; missing evidence in the order listed
 * at each rule below, then by index; findings by field (enum gate_field),
 * language (enum gate_lang), offset, then kind.
 *
 * Nothing here does I/O or keeps state; every table is static const.  The
 * report is allocated and handed to the caller.
 */
#ifndef VF_GATE_H
#define VF_GATE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "rules/case.h"

enum gate_rule {
	GATE_FIX_FIRST = 0,     /* "rmsv_9_1_fix_first" */
	GATE_OPERATOR_DETAILS,  /* "rmsv_9_2_operator_details" */
	GATE_NO_EXAGGERATION,   /* "rmsv_9_3_no_exaggeration" */
	GATE_NO_EXPLOIT,        /* "rmsv_9_4_no_exploit" */
	GATE_REMEDIATION,       /* "rmsv_9_5_remediation" */
	GATE_BLACKOUT,          /* "rmsv_9_6_blackout" */
	GATE_OVERSEAS,          /* "rmsv_9_7_overseas" */
	GATE_TWO_PERSON,        /* "two_person" */
	GATE_RULE_COUNT
};

/* The advisory's text fields, in the order they are scanned and reported. */
enum gate_field {
	GATE_FIELD_TITLE = 0,   /* "title" */
	GATE_FIELD_SUMMARY,     /* "summary" */
	GATE_FIELD_REMEDIATION, /* "remediation" */
	GATE_FIELD_WORKAROUNDS, /* "workarounds" */
	GATE_FIELD_DESCRIPTION, /* "description" */
	GATE_FIELD_COUNT
};

enum gate_lang {
	GATE_LANG_ZH = 0,       /* "zh-CN" */
	GATE_LANG_EN,           /* "en" */
	GATE_LANG_COUNT
};

/*
 * One scale for both systems: CVSS qualitative bands None < Low < Medium <
 * High < Critical, GB/T 30279 grades 低危 < 中危 < 高危 < 超危 (low .. critical,
 * which have no "None").  A stated CVSS severity is compared with the
 * computed CVSS band, a stated GB/T grade with the computed grade; each falls
 * back to the other system's computed value when its own is unset (the four
 * grades map one to one onto Low .. Critical).
 */
enum gate_severity {
	GATE_SEV_UNSET = 0,     /* not stated / not computed */
	GATE_SEV_NONE,          /* "none"     CVSS only */
	GATE_SEV_LOW,           /* "low"      低危 */
	GATE_SEV_MEDIUM,        /* "medium"   中危 */
	GATE_SEV_HIGH,          /* "high"     高危 */
	GATE_SEV_CRITICAL,      /* "critical" 超危 */
	GATE_SEV_COUNT
};

/* An id with its Chinese (zh-CN) and English texts.  Static; never NULL. */
struct gate_label {
	const char *id;
	const char *zh;
	const char *en;
};

/* One step of an early-release record (Art. 9(1)): when and under what
 * reference (document number, ticket, filing number).  It counts only with
 * both: at_us > 0 and not after now_us, and a non-blank ref. */
struct gate_step {
	int64_t at_us;
	const char *ref;
};

/* The case the advisory is drafted from. */
struct gate_case {
	enum case_role role;            /* required: provider or operator */
	enum case_state state;          /* the case's state now */
	int fix_available;              /* a fix is recorded (fix_available_at); counts only in
					 * fix_available, disclosure_pending, published, closed:
					 * a case sent back to fixing has no fix */
	int mitigation_recorded;        /* a mitigation is recorded; counts in any state */
	/* The early-release record, Art. 9(1): */
	struct gate_step joint_assessment;      /* assessed and consulted with the provider */
	struct gate_step report_miit;           /* reported to MIIT (工业和信息化部) */
	struct gate_step report_mps;            /* reported to MPS (公安部) */
	struct gate_step authority_assessment;  /* MIIT and MPS's assessment done */
};

struct gate_attachment {
	const char *name;               /* for messages; may be NULL */
	int is_poc;                     /* a proof of concept / exploit: never published */
};

/* A recipient of undisclosed details (a share made before publication). */
struct gate_recipient {
	const char *name;               /* for messages; may be NULL */
	const char *country;            /* ISO 3166-1 alpha-2; only "CN" (mainland) is domestic:
					 * HK, MO and TW are 境外 too.  NULL or "" = not known */
	int is_provider;                /* the product's provider (the one exception) */
};

struct gate_advisory {
	/* NUL-terminated UTF-8 (invalid bytes are tolerated); NULL or "" = absent. */
	const char *text[GATE_FIELD_COUNT][GATE_LANG_COUNT];
	enum gate_severity stated_cvss; /* the severity the advisory states with its CVSS */
	enum gate_severity stated_gbt;  /* the GB/T 30279 grade it states (not NONE) */
	enum gate_severity cvss;        /* computed: the CVSS band of the case's score */
	enum gate_severity gbt;         /* computed: the GB/T 30279 grade (not NONE) */
	const struct gate_attachment *attachments;
	size_t n_attachments;
	const struct gate_recipient *recipients;
	size_t n_recipients;
	int64_t attested_by;            /* the reviewer who attested "no exaggeration", or 0 */
	const char *const *cleared;     /* ids of findings a reviewer has cleared */
	size_t n_cleared;
};

/* A major-event window (重大活动期间), [start_us, end_us). */
struct gate_blackout {
	int64_t start_us;
	int64_t end_us;                 /* > start_us */
	const char *name;               /* may be NULL */
	const char *mps_consent_ref;    /* MPS consent to publish in it, or NULL / "" */
};

struct gate_snapshot {
	struct gate_case kase;
	struct gate_advisory advisory;
	const struct gate_blackout *blackouts;
	size_t n_blackouts;
	const int64_t *approvals;       /* user ids of coordinators who approved */
	size_t n_approvals;
	int64_t author_id;              /* the advisory's author, or 0 if not known */
	int64_t now_us;                 /* the moment of publication (Unix time, us) */
};

#define GATE_NO_INDEX ((size_t)-1)

/*
 * Evidence a rule found missing.  label->id is one of (in this order):
 *
 *   rmsv_9_1_fix_first:  "fix_or_mitigation", then the early-release steps
 *	not on record: "early_release_joint_assessment",
 *	"early_release_report_miit", "early_release_report_mps",
 *	"early_release_authority_assessment", and "early_release_order" if the
 *	recorded steps are not in that order (reports not before the joint
 *	assessment, the authorities' assessment not before both reports)
 *   rmsv_9_2_operator_details:  "provider_case" (an operator case: never
 *	published), "findings_cleared", "findings_truncated"
 *   rmsv_9_3_no_exaggeration:  "cvss_severity_supported" (stated CVSS
 *	severity above the computed), "gbt_grade_supported" (same for GB/T),
 *	"computed_severity" (a severity stated, none computed),
 *	"reviewer_attestation", "attestation_not_by_author",
 *	"findings_cleared", "findings_truncated"
 *   rmsv_9_4_no_exploit:  "no_poc_attachment" (index: the attachment),
 *	"findings_cleared", "findings_truncated"
 *   rmsv_9_5_remediation:  "remediation" (none in any language), or
 *	"remediation_zh" / "remediation_en" (the advisory has text in that
 *	language but no remediation or workaround in it)
 *   rmsv_9_6_blackout:  "mps_consent" (index: the window)
 *   rmsv_9_7_overseas:  "recipient_country" (index: the recipient; country
 *	not known), "no_overseas_recipient" (index: the recipient)
 *   two_person:  "author" (author_id not known),
 *	"second_coordinator_approval"
 *
 * "findings_cleared": some findings are not cleared (they are in findings).
 * "findings_truncated": a text had more than GATE_SCAN_MAX findings for the
 * rule; the rest were not listed, so the text must be changed.
 */
struct gate_missing {
	const struct gate_label *label;
	size_t index;                   /* the item of the snapshot it is about, or GATE_NO_INDEX */
};

#define GATE_FINDING_ID_LEN 33          /* 32 hex digits and NUL */
#define GATE_EXCERPT_MAX 192            /* bytes with NUL */
#define GATE_SCAN_MAX 256               /* findings per text and rule */

/*
 * A span of text a scanner flagged.  kind is one of (static strings):
 *
 *   9(2): "private_ipv4", "private_ipv6", "internal_host", "internal_url"
 *   9(3): "alarm_wording", "severity_term"
 *   9(4): "code_block", "indented_code", "step_by_step", "shell_command",
 *         "shell_chain", "exploit_term", "hex_blob", "base64_blob"
 *
 * offset and len are in bytes of the field's text; both ends lie on UTF-8
 * character boundaries (an invalid byte counts as one character).  excerpt
 * is the match with a little context on each side, valid UTF-8 (invalid
 * bytes as U+FFFD, control characters as spaces), cut with "…" when long.
 */
struct gate_finding {
	char id[GATE_FINDING_ID_LEN];   /* lowercase hex; see gate_finding_id() */
	enum gate_rule rule;
	enum gate_field field;
	enum gate_lang lang;
	size_t offset;
	size_t len;
	const char *kind;
	char excerpt[GATE_EXCERPT_MAX];
	int cleared;                    /* its id is in advisory.cleared */
};

struct gate_rule_result {
	enum gate_rule rule;
	int passed;
	/* When passed: on what the rule passed ("fix_available",
	 * "mitigation_recorded", "early_release_record"; "outside_blackout",
	 * "mps_consent" with basis_index the window; else the rule's own
	 * "checked" label).  NULL when failed. */
	const struct gate_label *basis;
	size_t basis_index;
	struct gate_missing *missing;
	size_t n_missing;
	struct gate_finding *findings;  /* cleared ones too, with cleared = 1 */
	size_t n_findings;
};

struct gate_report {
	int passed;                     /* every rule passed */
	int64_t now_us;                 /* the snapshot's */
	struct gate_rule_result rules[GATE_RULE_COUNT]; /* rules[i].rule == i */
};

/*
 * Evaluate every rule on s.  0 with *out set (passed or not); -1 with
 * ERR_INVALID for a snapshot that is not one: a role other than provider
 * or operator, a state, severity or (for GB/T) NONE out of range, a count
 * with a NULL array, a NULL cleared id, a blackout window that does not end
 * after it starts.  *out is NULL on error.  Free the report with
 * gate_report_free().
 */
int gate_evaluate(struct gate_report **out, const struct gate_snapshot *s, struct err *e);
void gate_report_free(struct gate_report *r);

/*
 * Scan one text for one text rule (GATE_OPERATOR_DETAILS, GATE_NO_EXAGGERATION
 * or GATE_NO_EXPLOIT), as gate_evaluate() does for each field: *out gets the
 * findings in offset order (free() it; NULL when *n is 0), none cleared;
 * *truncated is 1 if there were more than GATE_SCAN_MAX.  computed is the
 * higher of the computed CVSS band and GB/T grade (9(3) flags severity words
 * above it; GATE_SEV_UNSET turns that check off).  field matters: the ids
 * include it, and step-by-step instructions are not looked for in
 * remediation and workarounds.  ERR_INVALID for another rule, a field or
 * language out of range, or a NULL text.
 */
int gate_scan(struct gate_finding **out, size_t *n, int *truncated, enum gate_rule rule,
	      enum gate_field field, enum gate_lang lang, const char *text,
	      enum gate_severity computed, struct err *e);

/*
 * A finding's id into out: the first 16 bytes, in hex, of SHA-256 over
 * rule id, NUL, field name, NUL, the offset in decimal, NUL, the matched bytes.
 */
void gate_finding_id(char out[GATE_FINDING_ID_LEN], enum gate_rule rule, enum gate_field field,
		     enum gate_lang lang, size_t offset, const char *match, size_t len);

/* Labels and names.  Out of range gives the "unknown" label / "unknown". */
const struct gate_label *gate_rule_label(enum gate_rule r);
/* The article the rule enforces: "9(1)" .. "9(7)", "11" for two_person. */
const char *gate_rule_article(enum gate_rule r);
/* ERR_INVALID "unknown_rule" if id is not a rule id. */
int gate_rule_from_id(enum gate_rule *out, const char *id, struct err *e);
/* "title.zh-CN", "summary.en", ...: how findings name where they are. */
const char *gate_field_name(enum gate_field f, enum gate_lang l);
const char *gate_lang_name(enum gate_lang l);   /* "zh-CN", "en" */
const char *gate_severity_name(enum gate_severity s);   /* "none" .. "critical" */
/*
 * The severity a name gives: CVSS ratings and GB/T grade ids in any case
 * ("High", "critical", "none") and the Chinese grades (低危 中危 高危 超危).
 * ERR_INVALID "unknown_severity" otherwise.
 */
int gate_severity_from_name(enum gate_severity *out, const char *name, struct err *e);

#endif
