/* bulletins.h - the advisories we publish ("bulletins"; issue 7): drafted from a case,
 * revised, reviewed and approved, and published only through the Art. 9 gate.
 *
 * Naming: the API calls them advisories (/api/v1/advisories); imported
 * vulnerability data (service/advisories.h, /api/v1/vulnerabilities) is a
 * different thing.  An advisory's id is "VF-YYYY-NNNN" (the year in
 * Asia/Shanghai when it was drafted).
 *
 * Life of an advisory:
 *
 *	draft --publish (gate passes)--> published
 *	draft --publish {"at"}--> scheduled --at that moment, gate passes--> published
 *	                          scheduled --at that moment, gate refuses--> draft
 *	                          scheduled --publish {"cancel":true}--> draft
 *	draft | scheduled --withdraw--> withdrawn        (not implemented yet; see gate.md)
 *
 * Every edit (drafting again from the case, PATCH) is a new revision holding
 * the full JSON of the fields, its author and time; the revisions are never
 * changed.  Approvals and the reviewer's attestation are given to one
 * revision: a new revision needs them again.  Cleared findings are by finding
 * id, which changes when the text at or before the finding changes
 * (rules/gate.h), so clearing survives unrelated edits only.
 *
 * The gate (rules/gate.h, docs/internals/gate.md) is given a snapshot made of
 * the case (through the case service: its need-to-know check and audited
 * read), the advisory's current revision, the case's early-release record,
 * the blackout windows with their MPS consents, the approvals of the current
 * revision, the case's notifications made before publication (Art. 9(7)), and
 * now (time_now_us(), the clock the cases use, which the test clock moves).
 * Every evaluation (dry run, publish, schedule, scheduled run) is logged in
 * gate_decisions and as an audit event.
 *
 * Visibility: a published advisory is public (anyone, no login).  Others
 * need cases.read and need-to-know of the case: coordinators, admins and
 * auditors see all, an analyst those of the cases assigned to them.  What
 * one may not see is ERR_NOT_FOUND.
 *
 * The case workflow's disclosure_pending -> published transition needs
 * "advisory_published"; publishing writes an "advisory_published" event on
 * the case but does not move the case: the caller (or the case service, once
 * it asks store_bulletin_published_for_case()) takes that transition.
 *
 * Times in the JSON are RFC 3339 UTC with an "_local" Asia/Shanghai twin.
 */
#ifndef VF_BULLETINS_H
#define VF_BULLETINS_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"
#include "formats/bulletin.h"
#include "service/cases.h"

struct instance;
struct bulletins;

int bulletins_open(struct bulletins **out, struct instance *in, struct cases *cs,
		   struct err *e);
void bulletins_close(struct bulletins *bs);
/* Call fn(arg, ident, case_id, published_at) after each publication is
 * committed (the federation's advisory-published notice, fed_hub.h); set
 * before the server starts. */
typedef void bulletins_published_fn(void *arg, const char *ident, int64_t case_id,
				    int64_t published_at);
void bulletins_on_published(struct bulletins *bs, bulletins_published_fn *fn, void *arg);

/*
 * POST /api/v1/cases/{id}/advisory: draft the case's advisory, or a new
 * revision of its draft (or scheduled) one.  Fields not in body come from the
 * case (title, summary <- harm, description <- technical, remediation,
 * workarounds, products, severity, cwe, ids); body fields (any of PATCH's)
 * override them.  *created is 1 for a new advisory.  ERR_CONFLICT
 * "bulletin_published" if the case's advisory is published already.
 */
int bulletins_draft(struct bulletins *bs, const struct case_actor *a, int64_t case_id,
		    json_t *body, json_t **out, int *created, struct err *e);

/*
 * PATCH /api/v1/advisories/{id}: a new revision with the given fields changed.
 * Fields: title, summary, description, remediation, workarounds (a string or
 * {"zh-CN","en"}), "lang" (the language of plain strings), products [{vendor,
 * name, model, version, purl, status, fixed_in}], severity {"cvss": band,
 * "gbt": grade} (the severity the text states), credits [{name,
 * organization, consent: true}], references [{url, summary}], ids {cve,
 * cnvd, cnnvd, nvdb, aliases[]}, cwe, attachments [{name, is_poc}],
 * "revision_summary".
 */
int bulletins_patch(struct bulletins *bs, const struct case_actor *a, const char *ident,
		    json_t *body, json_t **out, struct err *e);

/* GET /api/v1/advisories/{id}: the advisory with rendered HTML per field and
 * language, revisions, approvals, reviews, the last gate decisions.  a may be
 * an anonymous actor (role ROLE_NONE): then only a published one is found. */
int bulletins_get(struct bulletins *bs, const struct case_actor *a, const char *ident,
		  json_t **out, struct err *e);

struct bulletin_list_query {
	const char *state;             /* NULL = any (anonymous: published only) */
	int64_t before;                /* next_before of the previous page, 0 = start */
	int limit;
};
/* {"items":[...], "next_before": N|null}, newest first. */
int bulletins_list(struct bulletins *bs, const struct case_actor *a,
		   const struct bulletin_list_query *q, json_t **out, struct err *e);

/* GET .../gate: a dry run at now: {"advisory","passed","evaluated_at", "rules":[{"rule",
 * "article","passed","basis","missing":[{"id","zh","en","index"}],"findings":[...]}]},
 * logged like every decision. */
int bulletins_gate(struct bulletins *bs, const struct case_actor *a, const char *ident,
		   json_t **out, struct err *e);

/*
 * POST .../publish.  Body {} publishes now if the gate passes; {"at": RFC 3339}
 * in the future schedules it (the serve loop runs the gate again at that
 * moment, bulletins_run_scheduled()); {"cancel": true} unschedules.  A
 * refusal is ERR_CONFLICT "gate_refused" with *refused (if not NULL) set to
 * the JSON array of the failed rules (each with missing and findings).
 */
int bulletins_publish(struct bulletins *bs, const struct case_actor *a, const char *ident,
		      json_t *body, json_t **out, json_t **refused, struct err *e);

/* POST .../approvals {"comment"}: the actor (a coordinator or admin: the
 * publish capability) approves the current revision.  ERR_CONFLICT
 * "approver_is_author" for the revision's author, "already_approved". */
int bulletins_approve(struct bulletins *bs, const struct case_actor *a, const char *ident,
		      json_t *body, json_t **out, struct err *e);

/* POST .../review {"attest": true, "clear": [finding ids], "note"}: the
 * reviewer attests "no exaggeration" (Art. 9(3)) for the current revision
 * and/or clears findings of the current gate report (unknown ids are
 * ERR_INVALID "unknown_finding"; a PoC attachment cannot be cleared). */
int bulletins_review(struct bulletins *bs, const struct case_actor *a, const char *ident,
		     json_t *body, json_t **out, struct err *e);

/* POST /api/v1/cases/{id}/early-release {"step": "joint_assessment" | "report_miit" |
 * "report_mps" | "authority_assessment", "at": RFC 3339, "ref", "note"} or
 * {"steps": [...]}: records the steps (the latest of each counts); answers
 * the case's whole record. */
int bulletins_early_release(struct bulletins *bs, const struct case_actor *a, int64_t case_id,
			    json_t *body, json_t **out, struct err *e);

/* GET /api/v1/blackouts: {"items":[{id,name,start,end (+_local),note,consents:[...]}]};
 * past windows too when all is set. */
int bulletins_blackouts(struct bulletins *bs, const struct case_actor *a, int all,
			json_t **out, struct err *e);
/* POST /api/v1/blackouts {"name","start","end","note","mps_consent":{"ref","at","advisory"}} */
int bulletins_blackout_add(struct bulletins *bs, const struct case_actor *a, json_t *body,
			   json_t **out, struct err *e);
/* POST /api/v1/blackouts/{id}/consents {"ref","at","advisory"}: MPS consented to
 * publishing in the window (one advisory, or any when "advisory" is absent). */
int bulletins_blackout_consent(struct bulletins *bs, const struct case_actor *a, int64_t id,
			       json_t *body, json_t **out, struct err *e);

/* Run the gate for every scheduled advisory whose time has come (at now):
 * published, or back to draft when refused; both logged.  `vulnflow serve`
 * calls it every few seconds, like cases_escalate(). */
int bulletins_run_scheduled(struct bulletins *bs, int64_t now, int *published, int *refused,
			    struct err *e);

/*
 * For the exporters (formats/csaf_out.h, formats/osv_out.h): the advisory as
 * a struct bulletin.  doc->b points only into doc (free it with
 * bulletin_doc_free()).  lang is the document language ("zh-CN" or "en";
 * NULL: the advisory's own, zh-CN when its title has zh-CN text, else en —
 * the language of its feed document).  Visibility as bulletins_get(): anonymous actors get
 * published advisories only.  b.status is "final" for a published advisory,
 * "draft" otherwise; revisions are the advisory's revisions (their dates;
 * summary "Initial version" / the revision summary).  Product vendor is the
 * advisory's products[].vendor (the draft takes it from "vendor" in the
 * body); publisher_namespace is the configured public_url.
 */
struct bulletin_doc {
	struct bulletin b;
	json_t *content;               /* owns the strings b points to */
	json_t *extra;                 /* owns strings made here */
	struct bulletin_revision *revisions;
	struct bulletin_product *products;
	struct bulletin_reference *references;
	struct bulletin_credit *credits;
	const char **aliases;
};

int bulletins_load(struct bulletin_doc **out, struct bulletins *bs, const struct case_actor *a,
		   const char *ident, const char *lang, struct err *e);
void bulletin_doc_free(struct bulletin_doc *d);

/*
 * The public feeds (docs/internals/csaf.md "What is served where"): the
 * CSAF 2.0 provider layout under /.well-known/csaf/ and the OSV feed under
 * /osv/, for anyone.  They serve only what publication stored
 * (bulletin_exports: the exact bytes that were hashed and signed), never a
 * draft: a bulletin is exported once, in the transaction that publishes it.
 * The lists (provider-metadata.json, index.txt, changes.csv, the ROLIE feed,
 * /osv/all.json) are built when the set of published exports changes and
 * kept in memory until it does.  Without public_url there is no feed
 * (ERR_NOT_FOUND "feed_not_configured").
 *
 * Signatures: an advisory published while the organisation had no OpenPGP
 * key is stored unsigned (the publish answer's export.signed is false):
 * its .asc is ERR_NOT_FOUND "not_signed", the ROLIE entry links no
 * signature, and provider-metadata.json names a key (public_openpgp_keys)
 * and the role csaf_trusted_provider only when every document is signed
 * (else role csaf_provider, keys of the signed ones).
 */
struct bulletin_feed_file {
	/* in: the client's validators, so that answering "not modified" copies
	 * nothing: If-None-Match (a list of ETags or "*"; when given it alone
	 * decides, RFC 9110 13.2.2), else If-Modified-Since (Unix seconds; the
	 * file is not modified when its last_modified, to the second, is not
	 * after it) */
	const char *if_none_match;     /* NULL: none */
	int64_t if_modified_since;     /* -1: none */
	/* out */
	int not_modified;              /* 1: the client's copy is current; body is NULL */
	char *body;                    /* owned (bulletin_feed_file_free()) */
	size_t len;
	const char *content_type;
	char etag[40];                 /* a strong ETag over body, quoted */
	int64_t last_modified;         /* UTC microseconds */
};

/* Whether f's validators match its etag and last_modified (the rule above). */
int bulletin_feed_not_modified(const struct bulletin_feed_file *f);

/* path: below /.well-known/csaf/ ("provider-metadata.json", "white/index.txt",
 * "white/changes.csv", "white/csaf-feed-tlp-white.json",
 * "white/2026/vf-2026-0001.json" and its ".sha256", ".sha512", ".asc",
 * "openpgp/FPR.asc").  ERR_NOT_FOUND for anything else. */
int bulletins_csaf_feed(struct bulletins *bs, const char *path, struct bulletin_feed_file *out,
			struct err *e);
/* name: below /osv/: "all.json" (a JSON array of every published record,
 * oldest advisory first) or "ID.json" (ID: "VF-2026-0001" or the OSV id
 * "x_VF-2026-0001"). */
int bulletins_osv_feed(struct bulletins *bs, const char *name, struct bulletin_feed_file *out,
		       struct err *e);
void bulletin_feed_file_free(struct bulletin_feed_file *f);

#endif
