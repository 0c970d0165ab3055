/* audit.h - the audit trail as services write it: one event in the caller's transaction.
 *
 * Every service function that changes something, or reads undisclosed
 * details (a report's text), records who, what and which object here,
 * inside the same transaction as the change, so a change without its
 * event cannot be committed.
 */
#ifndef VF_AUDIT_H
#define VF_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "service/account.h"
#include "store/db.h"

/* Write one event by a: action ("report.read"), the object's type and id,
 * and detail (a JSON object, may be NULL; consumed). */
int audit_record(struct db_conn *c, const struct actor *a, const char *action,
		 const char *object_type, int64_t object_id, json_t *detail, struct err *e);

#endif
