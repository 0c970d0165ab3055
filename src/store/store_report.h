/* store_report.h - SQL for received reports and their attachments.
 *
 * A report row points at its receipt-log leaf (leaf_index).  The payload
 * (the report's canonical JSON) and attachment data are sealed (base/seal.h)
 * before they get here; this module stores bytes and never sees plaintext.
 * A purged report keeps its row, with payload and attachment data NULL.
 */
#ifndef VF_STORE_REPORT_H
#define VF_STORE_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

struct report_row {
	int64_t id;
	uint64_t leaf_index;
	char channel[16];
	char disposition[32];
	char status[16];               /* received | spam */
	const char *status_token_hash; /* in: NULL for rejections */
	int64_t received_at;
	int64_t reporter_user_id;      /* 0 = anonymous */
	char language[8];
	const unsigned char *payload;  /* sealed; NULL once purged (valid during a callback) */
	size_t payload_len;
	int64_t payload_size;          /* bytes of plaintext */
	char spam_reason[512];
	int64_t spam_by;
	int64_t spam_at;
	int64_t purged_at;
	int64_t case_id;               /* out: the case the report is in, 0 = none */
};

struct report_attachment_row {
	int64_t id;
	int64_t report_id;
	int seq;
	char media_type[128];
	int64_t size;
	const unsigned char *data;     /* sealed; NULL once purged */
	size_t data_len;
};

struct report_filter {
	const char *status;            /* NULL = any */
	int64_t reporter_user_id;      /* 0 = any */
	int64_t before_id;             /* 0 = from the newest */
	int in_case;                   /* 0 = any; 1 = only reports in a case; 2 = only
					* those in none */
	int limit;
};

typedef int store_report_fn(void *arg, const struct report_row *r, struct err *e);

/* Insert r (its id is assigned) and return the id in *id. */
int store_report_add(struct db_conn *c, const struct report_row *r, int64_t *id, struct err *e);
int store_report_attachment_add(struct db_conn *c, const struct report_attachment_row *a,
				struct err *e);
/* fn once with the report; ERR_NOT_FOUND if there is none. */
int store_report_get(struct db_conn *c, int64_t id, store_report_fn *fn, void *arg,
		     struct err *e);
int store_report_by_token(struct db_conn *c, const char *token_hash, store_report_fn *fn,
			  void *arg, struct err *e);
/* Newest first. */
int store_report_list(struct db_conn *c, const struct report_filter *f, store_report_fn *fn,
		      void *arg, struct err *e);
/* Reports whose leaf_index is in [start, end), in leaf order (paged internally). */
int store_report_by_leaves(struct db_conn *c, uint64_t start, uint64_t end, store_report_fn *fn,
			   void *arg, struct err *e);
int store_report_attachments(struct db_conn *c, int64_t report_id,
			     int (*fn)(void *arg, const struct report_attachment_row *a,
				       struct err *e),
			     void *arg, struct err *e);
/* Set status (and the spam fields when status is "spam"); ERR_NOT_FOUND if absent. */
int store_report_set_status(struct db_conn *c, int64_t id, const char *status,
			    const char *reason, int64_t by, int64_t at, struct err *e);
/* Drop payloads and attachment data of reports received before `before`;
 * *count = reports purged. */
int store_report_purge(struct db_conn *c, int64_t before, int64_t now, int64_t *count,
		       struct err *e);
/* Reports per status, for the queue's counters. */
int store_report_count(struct db_conn *c, const char *status, int64_t *out, struct err *e);

#endif
