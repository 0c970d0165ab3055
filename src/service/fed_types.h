/* fed_types.h - envelope types handled outside federation.c: each flow module's table.
 *
 * federation.c checks what every envelope has in common (sender, signature,
 * replay, expiry) and stores it; a type's own rules live with its flow.  A
 * flow module exports a table of struct fed_type ending with { NULL }, and
 * federation.c's dispatcher (fed_type_tables[] there) lists the tables, one
 * line each.  For an envelope of a listed type:
 *
 *   check()  before the transaction, on the receiving thread: does this
 *            instance's role take the type, has the body its form?  Refuse
 *            with err_setn(e, ERR_INVALID, "unsupported_type" | "invalid_body",
 *            ...): the refusal is stored and answered 422.
 *   apply()  in the intake writer's transaction that appends the leaf and
 *            stores the inbox row: the type's own records (rx->inbox_id
 *            names the row).  Must not wait for the intake writer (it is the
 *            caller) nor call federation_send().  An error rolls it all back
 *            and the sender retries.
 *   after()  (optional) once, after the commit, on the thread that answers
 *            the sender (not the writer's): may send envelopes.  Not called
 *            for a copy of an envelope received before, and not again if
 *            the process dies first, so work that must happen is recorded by
 *            apply() and after() only hurries it.
 */
#ifndef VF_FED_TYPES_H
#define VF_FED_TYPES_H

#include <stdint.h>

#include "base/err.h"
#include "formats/envelope.h"
#include "store/store_federation.h"

struct federation;
struct instance;

struct fed_rx {
	struct instance *in;
	const struct envelope *env;
	const struct fed_peer_row *peer;   /* the sender */
	int64_t inbox_id;
	int64_t received_at;
};

struct fed_type {
	const char *type;
	int (*check)(struct instance *in, const struct fed_peer_row *peer,
		     const struct envelope *env, struct err *e);
	int (*apply)(struct db_conn *c, const struct fed_rx *rx, struct err *e);
	void (*after)(struct federation *f, const struct fed_rx *rx);
};

/* fed_hub.c: provider <-> hub <-> national databases (authority-report
 * relay, early release, blackouts and consents, advisory published). */
extern const struct fed_type fed_hub_types[];
/* fed_platform.c: platform <-> hub (filing and its review) and platform <-> provider (routed
 * reports, status updates). */
extern const struct fed_type fed_platform_types[];

#endif
