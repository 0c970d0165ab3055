/* fed_hub.h - the provider <-> hub <-> national database flows of issue 9.
 *
 * Envelope types (their bodies: docs/internals/federation.md, "Hub flows"):
 *
 *   report_relay              hub -> database: each authority report the hub
 *                             received (Art. 7 note), with the provider's own
 *                             signed envelope; one relay per report and
 *                             national database, recorded in the transaction
 *                             that stores the report and sent after it
 *                             (fed_hub_pump(): right away, and at start and
 *                             every tick for any a crash left unsent).
 *   early_release             provider -> hub: a case's early-release record
 *                             (Art. 9(1): joint assessment, reports to MIIT
 *                             and MPS); the hub keeps it for the authorities.
 *   early_release_assessment  hub -> provider: the authorities' assessment,
 *                             recorded by a hub coordinator; an approval
 *                             becomes the case's authority_assessment step,
 *                             which the publication gate requires.
 *   blackout, blackout_consent  hub -> all: a blackout window, and an MPS
 *                             consent to publish in one; receivers store them
 *                             in their blackout tables (the gate's), marked as
 *                             taken from the hub.
 *   advisory_published        provider -> hub: an advisory was published.
 *
 * The types are registered with federation.c through fed_types.h.
 */
#ifndef VF_FED_HUB_H
#define VF_FED_HUB_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"
#include "formats/envelope.h"

struct federation;
struct instance;

/* Hub: send the relays not sent yet (at most 64 a call); *sent their count.
 * Safe to call from any thread (one pump runs at a time; others return). */
int fed_hub_pump(struct federation *f, int *sent, struct err *e);

/* Hub: add "relays" [{peer, name, url, envelope_id, state, attempts,
 * last_error, delivered_at}] to each report of reports (GET /api/v1/hub/reports). */
int fed_hub_reports_relays(struct instance *in, json_t *reports, struct err *e);

/* Hub: the dashboard (issue 9 item 6): {"providers":[{peer, name,
 * jurisdiction, reports, within_2_days, late, unknown_learned_at,
 * last_received_at}], "databases":[{peer, name, url, relays, pending, queued,
 * delivered, failed, last_delivered_at}], "totals":{...}}.  No running
 * service needed (the CLI reads the database). */
int fed_hub_dashboard(struct instance *in, json_t **out, struct err *e);

/* National database: the reports relayed to it, newest first. */
int fed_hub_db_reports(struct instance *in, int64_t after_id, int limit, json_t **out,
		       struct err *e);

/* Hub: the early-release records received, newest first; one by id. */
int fed_hub_early_releases(struct instance *in, int64_t after_id, int limit, json_t **out,
			   struct err *e);
int fed_hub_early_release_get(struct instance *in, int64_t id, json_t **out, struct err *e);
/* Hub: record the authorities' assessment of record id (body {"decision":
 * "approved"|"refused", "at", "ref", "note"}) by actor, and send it back to
 * the provider as an early_release_assessment envelope.  ERR_CONFLICT
 * "already_assessed" the second time. */
int fed_hub_early_release_assess(struct federation *f, const char *actor, int64_t id,
				 json_t *body, json_t **out, struct err *e);

/* Provider: send case case_id's early-release record (its steps as stored)
 * to the hub; ERR_INVALID "incomplete" without the joint assessment and the
 * reports to MIIT and MPS.  *out: {"envelope_id","state","steps"}. */
int fed_hub_send_early_release(struct federation *f, int64_t case_id, json_t **out,
			       struct err *e);

/* Hub: send a blackout window {"id","name","start","end","note"} (and,
 * with consent non-NULL, an MPS consent {"id","ref","at","advisory"}) to
 * every active peer of role provider, operator or platform.  *out: the
 * envelope ids sent, as an array. */
int fed_hub_broadcast_blackout(struct federation *f, json_t *window, json_t *consent,
			       json_t **out, struct err *e);
/* The blackout windows and consents taken from hubs, by local id:
 * [{"kind","local_id","source_id","peer","peer_name"}]. */
int fed_hub_blackout_sources(struct instance *in, json_t **out, struct err *e);

/* Provider: tell the hub of every published advisory it was not told of yet
 * (published since the hub peer was added; nothing without one hub peer): an
 * advisory_published envelope each, listed in provider_hub_notices once
 * queued, so a crash only delays a notice (at worst one is sent twice).  Run
 * by the publish hook below (at once) and by the platform worker to catch
 * up (periodic: at most once every FED_HUB_CATCH_UP_US, as the query reads
 * every published advisory); *sent counts the envelopes queued. */
#define FED_HUB_CATCH_UP_US (5 * 1000000LL)
int fed_hub_notify_published(struct federation *f, int periodic, int *sent, struct err *e);
/* The bulletins publish hook (arg: the federation): fed_hub_notify_published() now. */
void fed_hub_on_published(void *f, const char *ident, int64_t case_id, int64_t published_at);

/* Hub: the advisory-published notices received, newest first. */
int fed_hub_published(struct instance *in, int64_t after_id, int limit, json_t **out,
		      struct err *e);

#endif
