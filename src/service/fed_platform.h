/* fed_platform.h - the platform side of federation: filing (Art. 10), routing to providers
 * (Art. 7 note) and the providers' status updates.
 *
 * A collection platform (role platform) keeps its filing data and sends
 * each version to its hub as a "platform_filing" envelope; the hub keeps
 * every version, pending until its staff accept or return it (a
 * "filing_review" envelope back to the platform), and publishes each
 * platform's newest accepted version (/registry, /registry.json).  The platform keeps a provider directory
 * (which provider makes which products: glob patterns on the product name;
 * a provider peer, or an e-mail address for providers not on vulnflow) and
 * routes a received report to the product's provider: a "report_routed"
 * envelope, or a mail through the configured SMTP relay.  The overseas
 * guard (Art. 9(7), rmsv_9_7_overseas) applies: undisclosed details go
 * abroad only to the product's provider (a directory entry whose patterns
 * match the product); its evidence is kept with the routing.
 *
 * On a provider, a routed report is accepted with the envelope (one
 * transaction: the envelope's federation leaf and a provider_routed_in row
 * with the report sealed), then entered into intake as a received report
 * (channel federation, its own leaf) by the platform worker, so a case can be
 * made from it.  When that case's state changes, the worker sends a
 * "status_update" envelope back; the platform records it on the routing
 * and the researcher sees it by the receipt's status token.  When an
 * advisory of that case is published, the worker sends "advisory_published"
 * to the platform too (once per routed report and advisory), which keeps it
 * on the routing for staff and the researcher.
 *
 * Directory entries have a minimum researcher level (1-3, platform_users.h):
 * a researcher sees the entries of their level and below and may designate
 * one of them as the program for their own report until it is routed; staff
 * routing without a named provider then uses that program.
 *
 * Envelope bodies are in docs/internals/federation.md.
 */
#ifndef VF_FED_PLATFORM_H
#define VF_FED_PLATFORM_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"

struct instance;
struct intake;
struct federation;
struct actor;
struct fed_platform;
struct fed_peer_row;
struct fed_rx;
struct envelope;
struct db_conn;

/* The inbox takes platform_filing (hub), filing_review (platform, from its
 * hub), report_routed (provider, operator) and status_update (platform)
 * through fed_platform_types[] (fed_types.h).
 * advisory_published has one row in the dispatcher, fed_hub.c's; on a
 * platform that row hands the envelope to these two: from a provider peer
 * only (else unsupported_type), the body as to a hub plus "platform_ref"
 * naming a routing to that peer (else invalid_body); kept once per routing
 * and advisory. */
int fed_platform_published_check(struct instance *in, const struct fed_peer_row *peer,
				 const struct envelope *env, struct err *e);
int fed_platform_published_apply(struct db_conn *c, const struct fed_rx *rx, struct err *e);

/* ---- the worker (vulnflow serve) ---- */

/* Start the thread that, on a provider, enters routed reports into intake
 * and sends status updates when their cases change (every 500 ms).  On
 * other roles it starts nothing (*out is still set).  f may be NULL (then
 * nothing is started either). */
int fed_platform_start(struct fed_platform **out, struct instance *in, struct intake *it,
		       struct federation *f, struct err *e);
void fed_platform_stop(struct fed_platform *p);
/* One round of that work now (tests, the CLI): *entered reports entered,
 * *sent envelopes queued (status updates, advisories published to platforms
 * and, through fed_hub_notify_published(), to the hub). */
int fed_platform_run_once(struct instance *in, struct intake *it, struct federation *f,
			  int *entered, int *sent, struct err *e);

/* ---- filing (platform) and the registry (hub) ---- */

/* Check a filing object (docs/api.md: name, url, icp_number, sponsor,
 * responsible, contact, rules, ...): ERR_INVALID "invalid_filing" naming
 * the member. */
int fed_filing_check(const json_t *filing, struct err *e);
/* Keep a new version of this platform's filing and send it to the hub
 * (the one active peer of role hub).  ERR_CONFLICT "not_a_platform" on
 * another role; ERR_INVALID "no_hub_peer" (nothing kept) without a hub.
 * *out: {"version","filing","created_at","envelope":{...delivery state}}. */
int fed_filing_put(struct instance *in, struct federation *f, const json_t *filing, int64_t user_id,
		   json_t **out, struct err *e);
/* The newest version as above; ERR_NOT_FOUND "no_filing".  Both add
 * "review":{"state","note","reviewed_at"}: the hub's decision on that
 * version (state "pending" until a filing_review arrives). */
int fed_filing_get(struct instance *in, struct federation *f, json_t **out, struct err *e);
/* Hub: the filed platforms, {"platforms":[...],"count","generated_at"}: of
 * each active platform peer its newest accepted version; only public
 * members (no ID numbers, phone numbers or e-mail addresses). */
int fed_registry_json(struct instance *in, json_t **out, struct err *e);
/* The same as a printable HTML page (lang "zh-CN" or "en"), a new string. */
int fed_registry_html(struct instance *in, const char *lang, char **out, struct err *e);

/* Hub: the received filing versions in review state (pending, accepted,
 * returned; NULL: all) with id > after, by id, at most limit: an array of
 * {"id","platform":{"key_id","name"},"version","received_at","name","url",
 * "icp_number","state","note","reviewed_by","reviewed_at"}.  ERR_NOT_FOUND
 * "not_a_hub" on other roles; ERR_INVALID for another state. */
int fed_hub_filings(struct instance *in, const char *state, int64_t after, int limit,
		    json_t **out, struct err *e);
/* Hub: a's decision on the pending filing id; body {"decision": "accepted" |
 * "returned", "note"} (a note of 1-2000 characters, required to return).
 * Recorded and audited (hub.filing.review) in one transaction, then sent to
 * the platform as a filing_review envelope.  ERR_NOT_FOUND "not_a_hub",
 * "unknown_filing"; ERR_CONFLICT "already_reviewed"; ERR_INVALID for a bad
 * body; ERR_UNAVAILABLE without f.  *out: the filing as listed, with
 * "envelope". */
int fed_hub_filing_review(struct instance *in, struct federation *f, const struct actor *a,
			  int64_t id, const json_t *body, json_t **out, struct err *e);

/* ---- the provider directory and routing (platform) ---- */

struct fed_provider_input {
	const char *name;	  /* the provider's name */
	const json_t *patterns;	  /* array of 1-50 glob patterns on the product name */
	const char *peer;	  /* a provider peer's key id (or 8+ leading digits), or NULL */
	const char *email;	  /* fallback address, or NULL (one of peer, email) */
	const char *jurisdiction; /* for e-mail providers: ISO 3166-1 alpha-2, or NULL */
	int min_level;		  /* 1-3: the lowest researcher level that sees it (0: 1) */
};

int fed_provider_add(struct instance *in, const struct fed_provider_input *p, json_t **out,
		     struct err *e);
int fed_provider_list(struct instance *in, int all, json_t **out, struct err *e);
int fed_provider_remove(struct instance *in, int64_t id, json_t **out, struct err *e);
/* A researcher's view of the directory: {"level", "providers":[{"id","name",
 * "patterns","min_level","channel","jurisdiction"}]}, the active entries of
 * min_level <= the user's level (pu_level_conn()); no peer key or address. */
int fed_provider_visible(struct instance *in, int64_t user_id, json_t **out, struct err *e);

/* ---- programs (platform): a researcher's choice of entry for their report ---- */

/* The caller (a signed-in user) designates directory entry provider_id as the
 * program of their own report report_id, replacing an earlier choice.
 * ERR_NOT_FOUND "unknown_report" (no such report, or not the caller's),
 * "unknown_provider" (no active entry); ERR_CONFLICT "already_routed" once
 * the report was routed; ERR_FORBIDDEN "level_too_low" when the entry's
 * min_level is above the caller's level (audited report.program_refused).
 * Audited report.program.  *out: the program as fed_program_get() gives it. */
int fed_program_designate(struct instance *in, const struct actor *a, int64_t report_id,
			  int64_t provider_id, json_t **out, struct err *e);
/* The report's program, {"report_id","provider":{"id","name","min_level",
 * "removed"},"designated_by","designated_at"}, or JSON null when none. */
int fed_program_get(struct instance *in, int64_t report_id, json_t **out, struct err *e);

/* Route received report report_id to provider_id (0: the program designated
 * for the report, if any, else the directory entry whose pattern matches the
 * product name; ERR_NOT_FOUND "no_provider" if none, "unknown_provider" if the
 * designated entry was removed).  The overseas guard refuses (ERR_CONFLICT "rmsv_9_7_overseas") a
 * provider that is not in mainland China (or of unknown jurisdiction) and
 * is not the product's provider.  Peers get a report_routed envelope;
 * e-mail providers a mail (ERR_UNAVAILABLE if the relay refuses: nothing
 * kept).  *out: the routing. */
int fed_route_report(struct instance *in, struct intake *it, struct federation *f,
		     const struct actor *a, int64_t report_id, int64_t provider_id, json_t **out,
		     struct err *e);
/* Routings of one report (0: the newest of all, at most limit). */
int fed_routed_list(struct instance *in, int64_t report_id, int limit, json_t **out, struct err *e);
/* For the receipt status lookup: add "providers" (what each provider the
 * report was routed to last said, and the newest advisory it published) and
 * "program" (the designated entry's name, or null) to o, a status object
 * with "id". */
int fed_routed_status_add(struct instance *in, json_t *o, struct err *e);

#endif
