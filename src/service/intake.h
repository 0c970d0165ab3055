/* intake.h - receiving reports (Art. 5): validate, encrypt, append to the receipt log, receipt.
 *
 * Every channel (the JSON API, multipart form posts, e-mail, the CLI, later
 * federation) ends in intake_submit(): it checks the report, encrypts its
 * payload and attachments under the instance's storage key, and hands one
 * job to the intake writer (group commit), which stores the report and
 * appends its leaf to the receipt log in the same transaction.  It returns
 * only after that transaction is durably committed; the receipt carries the
 * batch's signed tree head and the leaf's inclusion proof, so it verifies
 * on its own (docs/internals/tlog.md).
 *
 * A report that fails validation is not lost: intake_reject() logs it (the
 * raw bytes' hash, size and the reason) as a leaf with a rejected
 * disposition, so the log shows everything that was received.
 *
 * All strings are UTF-8.  Fields a channel did not provide are NULL.
 */
#ifndef VF_INTAKE_H
#define VF_INTAKE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/hash.h"
#include "rules/merkle.h"

struct instance;
struct intake;
struct actor;
struct tlog;
struct report_filter;

enum intake_channel {
	INTAKE_API = 0,        /* POST /api/v1/reports with a JSON body */
	INTAKE_FORM,           /* POST /api/v1/reports, multipart/form-data */
	INTAKE_EMAIL,          /* vulnflow mail ingest */
	INTAKE_CLI,            /* vulnflow report submit */
	INTAKE_FEDERATION,     /* an envelope from a peer */
	INTAKE_OUTBOUND,       /* not received: evidence of something we sent (an authority
				* report's frozen content), logged by intake_log_outbound() */
	INTAKE_CHANNEL_COUNT
};

enum intake_disposition {
	INTAKE_ACCEPTED = 0,
	INTAKE_REJECTED_INVALID,
	INTAKE_REJECTED_TOO_LARGE,
	INTAKE_DISPOSITION_COUNT
};

const char *intake_channel_name(enum intake_channel ch);   /* "api", "form", "email", ... */
const char *intake_disposition_name(enum intake_disposition d); /* "accepted", ... */

/* One attached file.  The declared type is kept for reference; the stored
 * type is what libmagic detects in data. */
struct intake_attachment {
	const char *filename;          /* as sent (may be NULL) */
	const char *declared_type;     /* as sent (may be NULL) */
	const unsigned char *data;
	size_t len;
};

struct intake_report {
	const char *title;             /* 1-200 characters */
	const char *description;       /* 1-100,000 characters */
	const char *language;          /* "zh-CN" or "en"; NULL = zh-CN */
	const char *product_name;      /* required */
	const char *product_model;
	const char *product_version;
	const char *reporter_name;
	const char *reporter_email;
	const char *reporter_organization;
	const char *reporter_country;  /* ISO 3166-1 alpha-2 */
	int reporter_credit;           /* 1: the reporter agrees to be credited by name in
					* a published advisory (reporter.credit, Art. 9) */
	const struct intake_attachment *attachments;
	size_t nattachments;
	/* What arrived, byte for byte, for the channels that have one message
	 * (an e-mail): its hash is logged with the report.  May be NULL. */
	const void *raw;
	size_t raw_len;
	int64_t reporter_user_id;      /* the signed-in reporter, 0 if anonymous */
};

/* Limits intake enforces (from the configuration). */
struct intake_limits {
	size_t attachment_max;         /* bytes per file */
	size_t attachments_total_max;  /* bytes of all files of one report */
	size_t attachments_count_max;
};

/* What the reporter gets back.  Hashes are binary here; the API renders hex. */
struct intake_receipt {
	int64_t id;                    /* the report's id */
	int64_t received_at;           /* microseconds since the epoch, UTC */
	uint64_t leaf_index;
	unsigned char leaf_hash[HASH_LEN];
	unsigned char entry[43];       /* the leaf's data (tlog.h): leaf_hash = H(0x00 || entry) */
	char status_token[64];         /* shown once; only its hash is stored */
	enum intake_disposition disposition;
	/* the signed tree head of the batch the report was committed in */
	uint64_t tree_size;
	unsigned char root_hash[HASH_LEN];
	int64_t sth_timestamp_ms;
	unsigned char signature[128];
	size_t signature_len;
	/* the inclusion proof of the leaf in that tree */
	unsigned char audit_path[MERKLE_MAX_PATH][HASH_LEN];
	size_t audit_path_len;
};

/* Start intake on an open instance: loads the log's keys and parameters and
 * starts its writer.  intake_stop() drains and stops it. */
int intake_start(struct intake **out, struct instance *in, struct err *e);
void intake_stop(struct intake *it);

/* The checks intake_submit() makes, alone (no storage): lengths in
 * characters, UTF-8 without control characters, language, country,
 * e-mail, attachment limits.  ERR_INVALID or ERR_TOO_LARGE naming the field. */
int intake_validate(const struct intake_report *r, const struct intake_limits *lim,
		    struct err *e);

/* Validate r, store it and append its leaf; fill *out after the durable
 * commit.  ERR_INVALID names the first bad field (nothing stored: call
 * intake_reject() to log the refusal), ERR_TOO_LARGE for attachment limits. */
int intake_submit(struct intake *it, enum intake_channel ch, const struct intake_report *r,
		  struct intake_receipt *out, struct err *e);

/* The same without waiting, for the HTTP server: 0 when queued, and then
 * done(arg, rc, e) is called from the writer thread once the batch is
 * committed (rc 0, *out filled) or failed; -1 when refused at once (done
 * is not called).  *out must stay valid until done is called.  r must have
 * passed intake_validate() already: the caller validates first, so that it
 * can log a refusal before it hands the report over (it is not checked
 * twice). */
typedef void (*intake_done_fn)(void *arg, int rc, const struct err *e);
int intake_submit_async(struct intake *it, enum intake_channel ch, const struct intake_report *r,
			struct intake_receipt *out, intake_done_fn done, void *arg, struct err *e);

/* Log a refused submission: the hash and size of raw (the bytes received,
 * possibly truncated by the caller to what was read) and the reason.  The
 * receipt's id is the rejection's log entry; no status token is issued. */
int intake_reject(struct intake *it, enum intake_channel ch, enum intake_disposition d,
		  const void *raw, size_t raw_len, size_t declared_len, const char *reason,
		  struct intake_receipt *out, struct err *e);

/* A submission in JSON: {"title","description","language","product":{"name",
 * "model","version"},"reporter":{"name","email","organization","country"},
 * "attachments":[{"filename","content_type","data" (base64)}],"pow"}.
 * Unknown fields, duplicate keys and wrong types are errors (ERR_MALFORMED
 * for what is not JSON, ERR_INVALID naming the field otherwise); lengths
 * and the rest are intake_submit()'s to check.  *out is set even on error
 * (free it with intake_parsed_free). */
struct intake_parsed {
	struct intake_report report;   /* points into the members below */
	const char *pow;               /* the "pow" field, or NULL */
	json_t *json;
	struct intake_attachment *atts;
	size_t natts;
	unsigned char **owned;         /* decoded attachment data */
	size_t nowned;
};
int intake_parse_json(struct intake_parsed **out, const char *body, size_t len, struct err *e);
void intake_parsed_free(struct intake_parsed *p);

int intake_reject_async(struct intake *it, enum intake_channel ch, enum intake_disposition d,
			const void *raw, size_t raw_len, size_t declared_len, const char *reason,
			struct intake_receipt *out, intake_done_fn done, void *arg, struct err *e);

/* The receipt as the API and the CLI show it (hex hashes, RFC 3339 times,
 * the tree head and the inclusion proof). */
json_t *intake_receipt_json(struct intake *it, const struct intake_receipt *r);
/* The same as JSON text appended to b (what the API sends: no JSON tree is
 * built for a submission's answer). */
struct buf;
void intake_receipt_text(struct intake *it, const struct intake_receipt *r, struct buf *b);

/* What the reporter may see by the status token: id, times, status, leaf. */
int intake_status(struct intake *it, const char *token, json_t **out, struct err *e);

/* Analysts: one report with its text and attachment list (audited as a read of
 * undisclosed details; only_reporter != 0 limits it to that reporter's own
 * report, ERR_NOT_FOUND and no audit otherwise), and the queue (newest first; titles decrypted). */
int intake_report_get(struct intake *it, const struct actor *a, int64_t id,
		      int64_t only_reporter, json_t **out, struct err *e);
int intake_report_list(struct intake *it, const struct actor *a, const struct report_filter *f,
		       json_t **out, struct err *e);
/* One attachment's bytes (audited); *data is the caller's to free. */
int intake_attachment_get(struct intake *it, const struct actor *a, int64_t report_id, int seq,
			  unsigned char **data, size_t *len, char *media_type, size_t n,
			  struct err *e);
/* Mark a report spam (it leaves the queue, never the log) or back to received. */
int intake_report_mark(struct intake *it, const struct actor *a, int64_t id, int spam,
		       const char *reason, struct err *e);

/* Check that every stored payload and attachment opens and hashes to what
 * its leaf says, and that every leaf of a report has its report. */
typedef void intake_problem_fn(void *arg, uint64_t first, uint64_t last, const char *msg);
int intake_verify_payloads(struct intake *it, intake_problem_fn *problem, void *arg,
			   unsigned max_problems, uint64_t *checked, uint64_t *problems,
			   struct err *e);

/* Drop the text and attachments of reports received before `before`
 * (microseconds); refused (ERR_FORBIDDEN) unless before is at least
 * max(180 days, retention_days) in the past.  The log keeps every leaf. */
int intake_purge(struct intake *it, const struct actor *a, int64_t before, int64_t *count,
		 struct err *e);

struct tlog *intake_log(struct intake *it);

/* Seal a blob under the storage key (see base/seal.h; aad binds it to its
 * place) into a new buffer, and open one into a new NUL-terminated buffer
 * (the NUL not counted).  ERR_INVALID if it does not open. */
int intake_seal_blob(struct intake *it, const char *aad, const void *p, size_t n,
		     unsigned char **out, size_t *out_len, struct err *e);
int intake_unseal_blob(struct intake *it, const char *aad, const unsigned char *p, size_t n,
		       char **out, size_t *out_len, struct err *e);

/* Append a leaf for something sent (channel outbound, disposition accepted)
 * whose payload is payload_json, and wait for the commit.  No report row is
 * made: the caller keeps what the leaf stands for. */
int intake_log_outbound(struct intake *it, const char *payload_json, struct intake_receipt *out,
			struct err *e);
/* A leaf together with the caller's own record, in one transaction
 * (federation: an envelope received or queued and the leaf that logs it).
 * In the writer thread, inside the job's savepoint:
 *	before(c, arg, &existing)  0: append the leaf; 1: the item is there
 *	                           already (its leaf index in *existing): no
 *	                           leaf, the receipt names that one and
 *	                           out->disposition is INTAKE_DISPOSITION_COUNT;
 *	                           -1: fail the job
 *	after(c, arg, out)         with out->leaf_index and leaf_hash set:
 *	                           store the record; -1 undoes the leaf too
 * Either may be NULL.  The leaf's payload is payload_json's hash (entry as
 * for any leaf; channel ch, disposition accepted); no report row is made.
 * The receipt in *out has the batch's tree head and the inclusion proof. */
struct db_conn;
struct intake_leaf_ops {
	int (*before)(struct db_conn *c, void *arg, uint64_t *existing, struct err *e);
	int (*after)(struct db_conn *c, void *arg, const struct intake_receipt *out,
		     struct err *e);
};
int intake_log_with(struct intake *it, enum intake_channel ch, const char *payload_json,
		    const struct intake_leaf_ops *ops, void *arg, struct intake_receipt *out,
		    struct err *e);
/* The same without waiting: done(done_arg, rc, e) from the writer thread
 * after the commit (as intake_submit_async). */
int intake_log_with_async(struct intake *it, enum intake_channel ch, const char *payload_json,
			  const struct intake_leaf_ops *ops, void *arg, struct intake_receipt *out,
			  intake_done_fn done, void *done_arg, struct err *e);
/* A plain write (no leaf) in the intake writer's batches: on SQLite one
 * writer per process keeps writes from waiting on each other's locks.
 * fn(c, arg) runs inside the batch transaction (its own savepoint);
 * intake_write() returns after the commit, intake_write_async() calls
 * done(done_arg, rc, e) from the writer thread. */
int intake_write(struct intake *it, int (*fn)(struct db_conn *c, void *arg, struct err *e),
		 void *arg, struct err *e);
int intake_write_async(struct intake *it, int (*fn)(struct db_conn *c, void *arg, struct err *e),
		       void *arg, intake_done_fn done, void *done_arg, struct err *e);
/* Wait until every submission queued before this call is committed (or
 * failed) and its completion called. */
void intake_flush(struct intake *it);
/* A 32-byte secret for one purpose (label), derived from the storage key:
 * the same in every process of the instance. */
void intake_secret(struct intake *it, const char *label, unsigned char out[32]);
/* /healthz: the receipt log's state is readable; *tree_size its size. */
int intake_health(struct intake *it, uint64_t *tree_size, struct err *e);
/* Submissions counted since start, by channel and disposition. */
uint64_t intake_count(struct intake *it, enum intake_channel ch, enum intake_disposition d);

#endif
