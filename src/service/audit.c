/* audit.c - writing one audit event, for every service that changes or reads protected data. */
#include "service/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timefmt.h"
#include "store/store_audit.h"

int audit_record(struct db_conn *c, const struct actor *a, const char *action,
		 const char *object_type, int64_t object_id, json_t *detail, struct err *e)
{
	struct audit_event ev;
	char *text = NULL;

	memset(&ev, 0, sizeof(ev));
	ev.at = time_now_us();
	ev.actor_user_id = a->user_id;
	snprintf(ev.actor, sizeof(ev.actor), "%s", a->name ? a->name : "system");
	snprintf(ev.action, sizeof(ev.action), "%s", action);
	snprintf(ev.object_type, sizeof(ev.object_type), "%s", object_type);
	snprintf(ev.object_id, sizeof(ev.object_id), "%lld", (long long)object_id);
	snprintf(ev.request_id, sizeof(ev.request_id), "%s", a->request_id ? a->request_id : "");
	if (detail != NULL) {
		text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(detail);
		if (text != NULL && strlen(text) < sizeof(ev.detail))
			memcpy(ev.detail, text, strlen(text) + 1);
		else
			snprintf(ev.detail, sizeof(ev.detail), "{\"truncated\":true}");
		free(text);
	}
	return store_audit_add(c, &ev, e);
}
