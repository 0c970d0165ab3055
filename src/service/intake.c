/* intake.c - receiving reports: validate, seal, append to the receipt log in a group commit. */
#include "service/intake.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "base/filetype.h"
#include "base/mem.h"
#include "base/seal.h"
#include "base/sign.h"
#include "base/timefmt.h"
#include "service/account.h"
#include "service/audit.h"
#include "service/instance.h"
#include "service/tlog.h"
#include "store/gcommit.h"
#include "store/store_case.h"
#include "store/store_report.h"
#include "store/store_tlog.h"

#define MIN_RETENTION_DAYS 180

struct intake {
	struct instance *in;
	struct tlog *log;
	struct gcommit *writer;
	unsigned char key[SEAL_KEY_LEN];
	enum seal_alg cipher;
	struct intake_limits limits;
	_Atomic uint64_t counts[INTAKE_CHANNEL_COUNT][INTAKE_DISPOSITION_COUNT];
};

static const char *const channel_names[] = {
	[INTAKE_API] = "api",
	[INTAKE_FORM] = "form",
	[INTAKE_EMAIL] = "email",
	[INTAKE_CLI] = "cli",
	[INTAKE_FEDERATION] = "federation",
	[INTAKE_OUTBOUND] = "outbound",
};

static const char *const disposition_names[] = {
	[INTAKE_ACCEPTED] = "accepted",
	[INTAKE_REJECTED_INVALID] = "rejected_invalid",
	[INTAKE_REJECTED_TOO_LARGE] = "rejected_too_large",
};

const char *intake_channel_name(enum intake_channel ch)
{
	return (unsigned)ch < INTAKE_CHANNEL_COUNT ? channel_names[ch] : "unknown";
}

const char *intake_disposition_name(enum intake_disposition d)
{
	return (unsigned)d < INTAKE_DISPOSITION_COUNT ? disposition_names[d] : "unknown";
}

/* ---- one sealed submission, handed to the writer ---- */

struct sealed_attachment {
	char media_type[128];
	size_t size;
	unsigned char *data;           /* sealed */
	size_t len;
};

struct job {
	struct intake *it;
	enum intake_channel ch;
	enum intake_disposition d;
	char token_hash[CRYPTO_HASH_HEX_LEN];
	intake_done_fn done;           /* async: the caller's completion */
	void *done_arg;
	unsigned char entry[TLOG_ENTRY_LEN];
	struct report_row row;
	struct sealed_attachment *atts;
	size_t natts;
	struct intake_receipt *out;
	const struct intake_leaf_ops *leaf_ops;  /* intake_log_with(): the caller's record */
	void *leaf_arg;
	/* intake_write(): a plain write in the writer's batches (no leaf, no receipt) */
	int (*plain_fn)(struct db_conn *c, void *arg, struct err *e);
};

/* gcommit job: the leaf, then the report pointing at it, then its files. */
static int job_run(struct db_conn *c, void *arg, struct err *e)
{
	struct job *j = arg;
	struct tlog_state saved;
	int64_t id;

	tlog_batch_save(j->it->log, &saved);
	if (tlog_batch_append(j->it->log, c, j->entry, &j->out->leaf_index, j->out->leaf_hash,
			      e) < 0)
		return -1;
	j->row.leaf_index = j->out->leaf_index;
	if (j->ch == INTAKE_OUTBOUND)
		return 0;      /* evidence of something sent: the caller keeps the record */
	if (store_report_add(c, &j->row, &id, e) < 0)
		goto undo;
	for (size_t i = 0; i < j->natts; i++) {
		struct report_attachment_row a = {
			.report_id = id,
			.seq = (int)i + 1,
			.size = (int64_t)j->atts[i].size,
			.data = j->atts[i].data,
			.data_len = j->atts[i].len,
		};

		snprintf(a.media_type, sizeof(a.media_type), "%s", j->atts[i].media_type);
		if (store_report_attachment_add(c, &a, e) < 0)
			goto undo;
	}
	j->out->id = id;
	return 0;
undo:
	/* the savepoint rollback removes the leaf row; the writer's state must
	 * forget it too, or the next leaf would take a wrong index */
	tlog_batch_restore(j->it->log, &saved);
	return -1;
}

static int batch_begin(struct db_conn *c, void *arg, struct err *e)
{
	struct intake *it = arg;

	return tlog_batch_begin(it->log, c, e);
}

/* After the batch's jobs: one tree head for all of them, then each
 * receipt's inclusion proof against it. */
static int batch_end(struct db_conn *c, void *arg, void *const *args, const int *rcs, size_t n,
		     struct err *e)
{
	struct intake *it = arg;
	struct tlog_sth_row sth;

	if (tlog_batch_end(it->log, c, &sth, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct job *j = args[i];
		struct intake_receipt *r;

		if (j == NULL || rcs[i] != 0 || j->plain_fn != NULL)
			continue;      /* a failed job, or intake_flush()'s empty one */
		r = j->out;
		r->tree_size = sth.tree_size;
		memcpy(r->root_hash, sth.root_hash, HASH_LEN);
		r->sth_timestamp_ms = sth.timestamp_ms;
		memcpy(r->signature, sth.signature, sth.signature_len);
		r->signature_len = sth.signature_len;
		if (tlog_batch_proof(it->log, c, r->leaf_index, r->audit_path, &r->audit_path_len,
				     e) < 0)
			return -1;
	}
	return 0;
}

/* ---- start and stop ---- */

static int read_key(const char *dir, unsigned char key[SEAL_KEY_LEN], struct err *e)
{
	char path[CONFIG_STR_LEN + 32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/keys/storage.key", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, ERR_INTERNAL, "cannot open the storage key \"%s\": %s", path,
			       strerror(errno));
	n = read(fd, key, SEAL_KEY_LEN);
	close(fd);
	if (n != SEAL_KEY_LEN)
		return err_set(e, ERR_INTERNAL, "storage key \"%s\" is not %d bytes", path,
			       SEAL_KEY_LEN);
	return 0;
}

int intake_start(struct intake **out, struct instance *in, struct err *e)
{
	struct intake *it;
	struct gcommit_hooks hooks = { batch_begin, batch_end, NULL };

	*out = NULL;
	if (crypto_init(e) < 0)
		return -1;
	it = xcalloc(1, sizeof(*it));
	it->in = in;
	if (seal_alg_from_name(in->cfg.storage_cipher, &it->cipher) < 0) {
		err_set(e, ERR_INTERNAL, "unknown storage_cipher \"%s\"", in->cfg.storage_cipher);
		goto fail;
	}
	it->limits.attachment_max = (size_t)in->cfg.attachment_limit;
	it->limits.attachments_total_max = (size_t)in->cfg.attachments_limit;
	it->limits.attachments_count_max = (size_t)in->cfg.attachments_max;
	if (read_key(in->cfg.dir, it->key, e) < 0 || tlog_open(&it->log, in->db, in->cfg.dir, 1, e) < 0)
		goto fail;
	hooks.arg = it;
	if (gcommit_start_hooks(&it->writer, in->db, 256, &hooks, e) < 0)
		goto fail;
	*out = it;
	return 0;
fail:
	tlog_close(it->log);
	free(it);
	return -1;
}

void intake_stop(struct intake *it)
{
	if (it == NULL)
		return;
	gcommit_stop(it->writer);
	tlog_close(it->log);
	memset(it->key, 0, sizeof(it->key));
	free(it);
}

static int noop_job(struct db_conn *c, void *arg, struct err *e)
{
	(void)c;
	(void)arg;
	(void)e;
	return 0;
}

void intake_flush(struct intake *it)
{
	struct err e = ERR_INIT;

	gcommit_submit(it->writer, noop_job, NULL, &e);
}

struct tlog *intake_log(struct intake *it)
{
	return it->log;
}

void intake_secret(struct intake *it, const char *label, unsigned char out[32])
{
	crypto_hmac_sha256(it->key, sizeof(it->key), label, strlen(label), out);
}

int intake_health(struct intake *it, uint64_t *tree_size, struct err *e)
{
	struct db_conn *c;
	struct tlog_state s;
	int rc;

	*tree_size = 0;
	if (db_acquire(it->in->db, &c, 2000, e) < 0)
		return -1;
	rc = store_tlog_state_get(c, &s, e);
	db_release(c);
	if (rc == 0)
		*tree_size = s.tree_size;
	return rc;
}

uint64_t intake_count(struct intake *it, enum intake_channel ch, enum intake_disposition d)
{
	if ((unsigned)ch >= INTAKE_CHANNEL_COUNT || (unsigned)d >= INTAKE_DISPOSITION_COUNT)
		return 0;
	return atomic_load(&it->counts[ch][d]);
}

/* ---- validation ---- */

/* Code points in s, or -1 if s is not valid UTF-8 or holds a control
 * character other than tab, newline and carriage return. */
static long utf8_chars(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0;

	while (*p) {
		unsigned c = *p, len, cp;

		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
				return -1;
			p++;
			n++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			len = 2, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4, cp = c & 0x07;
		else
			return -1;
		for (unsigned i = 1; i < len; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return -1;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
			return -1;
		p += len;
		n++;
	}
	return n;
}

static int check_text(const char *name, const char *v, long min, long max, int oneline,
		      struct err *e)
{
	long n;

	if (v == NULL) {
		if (min > 0)
			return err_setn(e, ERR_INVALID, "missing_field", "\"%s\" is required", name);
		return 0;
	}
	n = utf8_chars(v);
	if (n < 0)
		return err_set(e, ERR_INVALID, "\"%s\" is not valid UTF-8 text", name);
	if (oneline && strpbrk(v, "\r\n"))
		return err_set(e, ERR_INVALID, "\"%s\" must be one line", name);
	if (n < min)
		return err_set(e, ERR_INVALID, "\"%s\" must not be empty", name);
	if (n > max)
		return err_set(e, ERR_INVALID, "\"%s\" is longer than %ld characters", name, max);
	return 0;
}

static int check_email(const char *v, struct err *e)
{
	const char *at;

	if (v == NULL)
		return 0;
	if (check_text("reporter.email", v, 3, 254, 1, e) < 0)
		return -1;
	at = strchr(v, '@');
	if (at == NULL || at == v || at[1] == '\0' || strchr(at + 1, '@') || strpbrk(v, " <>,;"))
		return err_set(e, ERR_INVALID, "\"reporter.email\" is not an e-mail address");
	return 0;
}

int intake_validate(const struct intake_report *r, const struct intake_limits *lim,
		    struct err *e)
{
	size_t total = 0;

	if (check_text("title", r->title, 1, 200, 1, e) < 0 ||
	    check_text("description", r->description, 1, 100000, 0, e) < 0 ||
	    check_text("product.name", r->product_name, 1, 200, 1, e) < 0 ||
	    check_text("product.model", r->product_model, 0, 200, 1, e) < 0 ||
	    check_text("product.version", r->product_version, 0, 200, 1, e) < 0 ||
	    check_text("reporter.name", r->reporter_name, 0, 200, 1, e) < 0 ||
	    check_text("reporter.organization", r->reporter_organization, 0, 200, 1, e) < 0 ||
	    check_email(r->reporter_email, e) < 0)
		return -1;
	if (r->language && strcmp(r->language, "zh-CN") != 0 && strcmp(r->language, "en") != 0)
		return err_set(e, ERR_INVALID, "\"language\" must be \"zh-CN\" or \"en\"");
	if (r->reporter_country &&
	    (strlen(r->reporter_country) != 2 || r->reporter_country[0] < 'A' ||
	     r->reporter_country[0] > 'Z' || r->reporter_country[1] < 'A' ||
	     r->reporter_country[1] > 'Z'))
		return err_set(e, ERR_INVALID,
			       "\"reporter.country\" must be an ISO 3166-1 alpha-2 code such as \"CN\"");
	if (r->nattachments > lim->attachments_count_max)
		return err_setn(e, ERR_TOO_LARGE, "too_many_attachments",
				"%zu attachments; at most %zu are accepted", r->nattachments,
				lim->attachments_count_max);
	for (size_t i = 0; i < r->nattachments; i++) {
		const struct intake_attachment *a = &r->attachments[i];

		if (a->filename && check_text("attachments.filename", a->filename, 1, 255, 1, e) < 0)
			return -1;
		if (a->declared_type && check_text("attachments.type", a->declared_type, 1, 127, 1, e) < 0)
			return -1;
		if (a->len > lim->attachment_max)
			return err_setn(e, ERR_TOO_LARGE, "attachment_too_large",
					"attachment %zu is %zu bytes; the limit is %zu", i + 1, a->len,
					lim->attachment_max);
		total += a->len;
	}
	if (total > lim->attachments_total_max)
		return err_setn(e, ERR_TOO_LARGE, "attachments_too_large",
				"attachments total %zu bytes; the limit is %zu", total,
				lim->attachments_total_max);
	return 0;
}

/* ---- building and sealing ---- */

static void set_opt(json_t *o, const char *k, const char *v)
{
	if (v != NULL)
		json_object_set_new(o, k, json_string(v));
}

static void hash_hex_of(struct intake *it, const void *p, size_t n, char out[HASH_HEX_LEN])
{
	unsigned char d[HASH_LEN];
	struct err e = ERR_INIT;

	if (hash_digest(tlog_hash(it->log), p, n, d, &e) < 0)
		abort();       /* the algorithm was proven available at start */
	hash_hex(d, out);
}

static void aad_payload(char *buf, size_t n, int64_t received_at)
{
	snprintf(buf, n, "vulnflow-report/%lld", (long long)received_at);
}

static void aad_attachment(char *buf, size_t n, int64_t received_at, int seq)
{
	snprintf(buf, n, "vulnflow-attachment/%lld/%d", (long long)received_at, seq);
}

/* Seal plaintext p into a new buffer (caller frees). */
static int seal_new(struct intake *it, const char *aad, const void *p, size_t n,
		    unsigned char **out, size_t *out_len, struct err *e)
{
	unsigned char *buf = xmalloc(n + SEAL_OVERHEAD);

	if (seal(it->cipher, it->key, aad, strlen(aad), p, n, buf, e) < 0) {
		free(buf);
		return -1;
	}
	*out = buf;
	*out_len = n + SEAL_OVERHEAD;
	return 0;
}

static void job_free(struct job *j)
{
	if (j == NULL)
		return;
	for (size_t i = 0; i < j->natts; i++)
		free(j->atts[i].data);
	free(j->atts);
	free((void *)j->row.payload);
	free(j);
}

/* Seal the payload text and fill the job's row and entry. */
static int seal_payload(struct intake *it, struct job *j, enum intake_channel ch,
			enum intake_disposition d, const char *payload, int64_t received_at,
			struct err *e)
{
	struct tlog_entry en = { .version = 1 };
	unsigned char d_hash[HASH_LEN];
	unsigned char *sealed = NULL;
	size_t sealed_len;
	char aad[64];

	if (hash_digest(tlog_hash(it->log), payload, strlen(payload), d_hash, e) < 0)
		return -1;
	aad_payload(aad, sizeof(aad), received_at);
	if (seal_new(it, aad, payload, strlen(payload), &sealed, &sealed_len, e) < 0)
		return -1;
	en.channel = ch;
	en.disposition = d;
	en.received_at = received_at;
	memcpy(en.payload_hash, d_hash, HASH_LEN);
	tlog_entry_encode(&en, j->entry);
	memcpy(j->out->entry, j->entry, TLOG_ENTRY_LEN);
	j->it = it;
	j->ch = ch;
	j->d = d;
	snprintf(j->row.channel, sizeof(j->row.channel), "%s", intake_channel_name(ch));
	snprintf(j->row.disposition, sizeof(j->row.disposition), "%s", intake_disposition_name(d));
	snprintf(j->row.status, sizeof(j->row.status), "%s",
		 d == INTAKE_ACCEPTED ? "received" : "rejected");
	j->row.received_at = received_at;
	j->row.payload = sealed;
	j->row.payload_len = sealed_len;
	j->row.payload_size = (int64_t)strlen(payload);
	j->out->received_at = received_at;
	j->out->disposition = d;
	return 0;
}

/* A job for an accepted report: validated, its payload and files sealed. */
static int report_job(struct intake *it, enum intake_channel ch, const struct intake_report *r,
		      int validated, struct intake_receipt *out, struct job **jp, struct err *e)
{
	struct job *j;
	json_t *p = NULL, *product, *reporter, *atts;
	char *text = NULL;
	int64_t now = time_now_us();
	int rc = -1;

	*jp = NULL;
	memset(out, 0, sizeof(*out));
	if (!validated && intake_validate(r, &it->limits, e) < 0)
		return -1;
	j = xcalloc(1, sizeof(*j));
	j->out = out;
	p = json_object();
	json_object_set_new(p, "v", json_integer(1));
	json_object_set_new(p, "channel", json_string(intake_channel_name(ch)));
	json_object_set_new(p, "title", json_string(r->title));
	json_object_set_new(p, "description", json_string(r->description));
	json_object_set_new(p, "language", json_string(r->language ? r->language : "zh-CN"));
	product = json_object();
	set_opt(product, "name", r->product_name);
	set_opt(product, "model", r->product_model);
	set_opt(product, "version", r->product_version);
	json_object_set_new(p, "product", product);
	reporter = json_object();
	set_opt(reporter, "name", r->reporter_name);
	set_opt(reporter, "email", r->reporter_email);
	set_opt(reporter, "organization", r->reporter_organization);
	set_opt(reporter, "country", r->reporter_country);
	if (r->reporter_credit)         /* absent: no consent to be credited */
		json_object_set_new(reporter, "credit", json_true());
	json_object_set_new(p, "reporter", reporter);
	if (r->raw != NULL) {
		char h[HASH_HEX_LEN];

		hash_hex_of(it, r->raw, r->raw_len, h);
		json_object_set_new(p, "raw_hash", json_string(h));
		json_object_set_new(p, "raw_size", json_integer((json_int_t)r->raw_len));
	}
	atts = json_array();
	json_object_set_new(p, "attachments", atts);
	j->atts = xcalloc(r->nattachments ? r->nattachments : 1, sizeof(*j->atts));
	for (size_t i = 0; i < r->nattachments; i++) {
		const struct intake_attachment *a = &r->attachments[i];
		struct sealed_attachment *s = &j->atts[i];
		json_t *o = json_object();
		char h[HASH_HEX_LEN], aad[96];

		json_array_append_new(atts, o);
		filetype_detect(a->data, a->len, s->media_type, sizeof(s->media_type));
		s->size = a->len;
		hash_hex_of(it, a->data, a->len, h);
		aad_attachment(aad, sizeof(aad), now, (int)i + 1);
		if (seal_new(it, aad, a->data, a->len, &s->data, &s->len, e) < 0)
			goto out;
		j->natts++;
		set_opt(o, "filename", a->filename);
		set_opt(o, "declared_type", a->declared_type);
		json_object_set_new(o, "media_type", json_string(s->media_type));
		json_object_set_new(o, "size", json_integer((json_int_t)a->len));
		json_object_set_new(o, "hash", json_string(h));
	}
	text = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
	if (text == NULL) {
		err_set(e, ERR_INTERNAL, "cannot encode the report");
		goto out;
	}
	crypto_token("vfr_", out->status_token);
	crypto_sha256_hex(out->status_token, strlen(out->status_token), j->token_hash);
	j->row.status_token_hash = j->token_hash;
	j->row.reporter_user_id = r->reporter_user_id;
	snprintf(j->row.language, sizeof(j->row.language), "%s", r->language ? r->language : "zh-CN");
	rc = seal_payload(it, j, ch, INTAKE_ACCEPTED, text, now, e);
out:
	free(text);
	json_decref(p);
	if (rc < 0) {
		memset(out->status_token, 0, sizeof(out->status_token));
		job_free(j);
		return -1;
	}
	*jp = j;
	return 0;
}

/* A job for a refusal: the hash and size of what arrived, and why. */
static int reject_job(struct intake *it, enum intake_channel ch, enum intake_disposition d,
		      const void *raw, size_t raw_len, size_t declared_len, const char *reason,
		      struct intake_receipt *out, struct job **jp, struct err *e)
{
	struct job *j;
	json_t *p = json_object();
	char h[HASH_HEX_LEN], *text;
	int rc;

	*jp = NULL;
	memset(out, 0, sizeof(*out));
	hash_hex_of(it, raw ? raw : "", raw ? raw_len : 0, h);
	json_object_set_new(p, "v", json_integer(1));
	json_object_set_new(p, "channel", json_string(intake_channel_name(ch)));
	json_object_set_new(p, "reason", json_string(reason ? reason : ""));
	json_object_set_new(p, "received_size", json_integer((json_int_t)raw_len));
	json_object_set_new(p, "declared_size", json_integer((json_int_t)declared_len));
	json_object_set_new(p, "received_hash", json_string(h));
	text = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(p);
	if (text == NULL)
		return err_set(e, ERR_INTERNAL, "cannot encode the rejection");
	j = xcalloc(1, sizeof(*j));
	j->out = out;
	rc = seal_payload(it, j, ch, d, text, time_now_us(), e);
	free(text);
	if (rc < 0) {
		job_free(j);
		return -1;
	}
	*jp = j;
	return 0;
}

/* Hand j to the writer and wait for the durable commit; j is freed. */
static int run_sync(struct intake *it, struct job *j, struct err *e)
{
	int rc = gcommit_submit(it->writer, job_run, j, e);

	if (rc == 0)
		atomic_fetch_add(&it->counts[j->ch][j->d], 1);
	else
		memset(j->out->status_token, 0, sizeof(j->out->status_token));
	job_free(j);
	return rc;
}

/* The writer's completion of an async job: count, tell the caller, free. */
static void async_done(void *arg, int rc, const struct err *e)
{
	struct job *j = arg;

	if (rc == 0)
		atomic_fetch_add(&j->it->counts[j->ch][j->d], 1);
	else
		memset(j->out->status_token, 0, sizeof(j->out->status_token));
	j->done(j->done_arg, rc, e);
	job_free(j);
}

static int run_async(struct intake *it, struct job *j, intake_done_fn done, void *arg,
		     struct err *e)
{
	j->done = done;
	j->done_arg = arg;
	if (gcommit_submit_async(it->writer, job_run, j, async_done, e) < 0) {
		job_free(j);
		return -1;
	}
	return 0;
}

int intake_log_outbound(struct intake *it, const char *payload_json, struct intake_receipt *out,
			struct err *e)
{
	struct job *j = xcalloc(1, sizeof(*j));

	memset(out, 0, sizeof(*out));
	j->out = out;
	if (seal_payload(it, j, INTAKE_OUTBOUND, INTAKE_ACCEPTED, payload_json, time_now_us(), e) < 0) {
		job_free(j);
		return -1;
	}
	return run_sync(it, j, e);
}

/* gcommit job of intake_log_with(): the caller's check, the leaf, the
 * caller's record, all in the job's savepoint. */
static int leaf_job_run(struct db_conn *c, void *arg, struct err *e)
{
	struct job *j = arg;
	struct tlog_state saved;
	uint64_t existing = 0;
	int rc = 0;

	if (j->leaf_ops->before != NULL)
		rc = j->leaf_ops->before(c, j->leaf_arg, &existing, e);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		/* already logged: no second leaf; the receipt proves the first */
		j->out->leaf_index = existing;
		j->out->disposition = INTAKE_DISPOSITION_COUNT;
		return 0;
	}
	tlog_batch_save(j->it->log, &saved);
	if (tlog_batch_append(j->it->log, c, j->entry, &j->out->leaf_index, j->out->leaf_hash,
			      e) < 0)
		return -1;
	if (j->leaf_ops->after != NULL && j->leaf_ops->after(c, j->leaf_arg, j->out, e) < 0) {
		tlog_batch_restore(j->it->log, &saved);
		return -1;
	}
	return 0;
}

static void leaf_job_done(void *arg, int rc, const struct err *e)
{
	struct job *j = arg;

	if (rc == 0 && j->out->disposition != INTAKE_DISPOSITION_COUNT)
		atomic_fetch_add(&j->it->counts[j->ch][j->d], 1);
	if (j->done != NULL)
		j->done(j->done_arg, rc, e);
	job_free(j);
}

static struct job *leaf_job(struct intake *it, enum intake_channel ch, const char *payload_json,
			    const struct intake_leaf_ops *ops, void *arg,
			    struct intake_receipt *out, struct err *e)
{
	struct job *j = xcalloc(1, sizeof(*j));

	memset(out, 0, sizeof(*out));
	j->out = out;
	j->leaf_ops = ops;
	j->leaf_arg = arg;
	if (seal_payload(it, j, ch, INTAKE_ACCEPTED, payload_json, time_now_us(), e) < 0) {
		job_free(j);
		return NULL;
	}
	/* only the payload's hash is logged; the caller stores what it stands for */
	free((void *)j->row.payload);
	j->row.payload = NULL;
	return j;
}

int intake_log_with(struct intake *it, enum intake_channel ch, const char *payload_json,
		    const struct intake_leaf_ops *ops, void *arg, struct intake_receipt *out,
		    struct err *e)
{
	struct job *j = leaf_job(it, ch, payload_json, ops, arg, out, e);
	int rc;

	if (j == NULL)
		return -1;
	rc = gcommit_submit(it->writer, leaf_job_run, j, e);
	if (rc == 0 && out->disposition != INTAKE_DISPOSITION_COUNT)
		atomic_fetch_add(&it->counts[j->ch][j->d], 1);
	job_free(j);
	return rc;
}

int intake_log_with_async(struct intake *it, enum intake_channel ch, const char *payload_json,
			  const struct intake_leaf_ops *ops, void *arg, struct intake_receipt *out,
			  intake_done_fn done, void *done_arg, struct err *e)
{
	struct job *j = leaf_job(it, ch, payload_json, ops, arg, out, e);

	if (j == NULL)
		return -1;
	j->done = done;
	j->done_arg = done_arg;
	if (gcommit_submit_async(it->writer, leaf_job_run, j, leaf_job_done, e) < 0) {
		job_free(j);
		return -1;
	}
	return 0;
}

static int plain_job_run(struct db_conn *c, void *arg, struct err *e)
{
	struct job *j = arg;

	return j->plain_fn(c, j->leaf_arg, e);
}

static void plain_job_done(void *arg, int rc, const struct err *e)
{
	struct job *j = arg;

	if (j->done != NULL)
		j->done(j->done_arg, rc, e);
	free(j);
}

int intake_write(struct intake *it, int (*fn)(struct db_conn *c, void *arg, struct err *e),
		 void *arg, struct err *e)
{
	struct job j = { 0 };

	j.it = it;
	j.plain_fn = fn;
	j.leaf_arg = arg;
	return gcommit_submit(it->writer, plain_job_run, &j, e);
}

int intake_write_async(struct intake *it, int (*fn)(struct db_conn *c, void *arg, struct err *e),
		       void *arg, intake_done_fn done, void *done_arg, struct err *e)
{
	struct job *j = xcalloc(1, sizeof(*j));

	j->it = it;
	j->plain_fn = fn;
	j->leaf_arg = arg;
	j->done = done;
	j->done_arg = done_arg;
	if (gcommit_submit_async(it->writer, plain_job_run, j, plain_job_done, e) < 0) {
		free(j);
		return -1;
	}
	return 0;
}

int intake_seal_blob(struct intake *it, const char *aad, const void *p, size_t n,
		     unsigned char **out, size_t *out_len, struct err *e)
{
	return seal_new(it, aad, p, n, out, out_len, e);
}

int intake_unseal_blob(struct intake *it, const char *aad, const unsigned char *p, size_t n,
		       char **out, size_t *out_len, struct err *e)
{
	char *pt;

	*out = NULL;
	*out_len = 0;
	if (n < SEAL_OVERHEAD)
		return err_set(e, ERR_INVALID, "sealed value too short");
	pt = xmalloc(n - SEAL_OVERHEAD + 1);
	if (unseal(it->key, aad, strlen(aad), p, n, (unsigned char *)pt, e) < 0) {
		free(pt);
		return -1;
	}
	pt[n - SEAL_OVERHEAD] = '\0';
	*out = pt;
	*out_len = n - SEAL_OVERHEAD;
	return 0;
}

int intake_submit(struct intake *it, enum intake_channel ch, const struct intake_report *r,
		  struct intake_receipt *out, struct err *e)
{
	struct job *j;

	if (report_job(it, ch, r, 0, out, &j, e) < 0)
		return -1;
	return run_sync(it, j, e);
}

int intake_submit_async(struct intake *it, enum intake_channel ch, const struct intake_report *r,
			struct intake_receipt *out, intake_done_fn done, void *arg, struct err *e)
{
	struct job *j;

	if (report_job(it, ch, r, 1, out, &j, e) < 0)
		return -1;
	return run_async(it, j, done, arg, e);
}

int intake_reject(struct intake *it, enum intake_channel ch, enum intake_disposition d,
		  const void *raw, size_t raw_len, size_t declared_len, const char *reason,
		  struct intake_receipt *out, struct err *e)
{
	struct job *j;

	if (reject_job(it, ch, d, raw, raw_len, declared_len, reason, out, &j, e) < 0)
		return -1;
	return run_sync(it, j, e);
}

int intake_reject_async(struct intake *it, enum intake_channel ch, enum intake_disposition d,
			const void *raw, size_t raw_len, size_t declared_len, const char *reason,
			struct intake_receipt *out, intake_done_fn done, void *arg, struct err *e)
{
	struct job *j;

	if (reject_job(it, ch, d, raw, raw_len, declared_len, reason, out, &j, e) < 0)
		return -1;
	return run_async(it, j, done, arg, e);
}

/* ---- rendering ---- */


static json_t *time_json(int64_t us, int local)
{
	char buf[TIMEFMT_LEN];

	if (local)
		time_format_shanghai(us, buf);
	else
		time_format_utc(us, buf);
	return json_string(buf);
}


/* The receipt's JSON text, written directly: it answers every submission,
 * and every value in it is a number, a hex string, a time, or an id of a
 * fixed alphabet (the log id, algorithm names, the status token), so
 * nothing needs escaping. */
void intake_receipt_text(struct intake *it, const struct intake_receipt *r, struct buf *b)
{
	char utc[TIMEFMT_LEN], local[TIMEFMT_LEN];

	time_format_utc(r->received_at, utc);
	time_format_shanghai(r->received_at, local);
	buf_addf(b, "{\"id\":%lld,\"received_at\":\"%s\",\"received_at_local\":\"%s\","
		    "\"leaf_index\":%llu,\"leaf_hash\":", (long long)r->id, utc, local,
		 (unsigned long long)r->leaf_index);
	hex_add_json(b, r->leaf_hash, HASH_LEN);
	buf_addf(b, ",\"log_id\":\"%s\",\"signature\":", tlog_log_id(it->log));
	hex_add_json(b, r->signature, r->signature_len);
	if (r->status_token[0])
		buf_addf(b, ",\"status_token\":\"%s\"", r->status_token);
	buf_addf(b, ",\"disposition\":\"%s\",\"sth\":{\"tree_size\":%llu,\"root_hash\":",
		 intake_disposition_name(r->disposition), (unsigned long long)r->tree_size);
	hex_add_json(b, r->root_hash, HASH_LEN);
	buf_addf(b, ",\"timestamp\":%lld,\"hash_alg\":\"%s\",\"sig_alg\":\"%s\",\"signature\":",
		 (long long)r->sth_timestamp_ms, hash_alg_name(tlog_hash_alg(it->log)),
		 sign_alg_name(tlog_sign_alg(it->log)));
	hex_add_json(b, r->signature, r->signature_len);
	buf_adds(b, "},\"audit_path\":[");
	for (size_t i = 0; i < r->audit_path_len; i++) {
		if (i)
			buf_add(b, ",", 1);
		hex_add_json(b, r->audit_path[i], HASH_LEN);
	}
	/* the leaf's entry (it holds the receipt time), so the receipt can be
	 * checked without asking us: leaf_hash = H(0x00 || entry) */
	buf_adds(b, "],\"entry\":");
	hex_add_json(b, r->entry, sizeof(r->entry));
	buf_add(b, "}", 1);
}

json_t *intake_receipt_json(struct intake *it, const struct intake_receipt *r)
{
	struct buf b;
	json_error_t je;
	json_t *o;

	buf_init(&b, 1 << 16);
	intake_receipt_text(it, r, &b);
	o = json_loadb(b.data, b.len, 0, &je);
	buf_release(&b);
	return o;
}

/* ---- reading ---- */

struct found {
	struct intake *it;
	json_t *out;
	struct report_row row;
	unsigned char *payload;        /* sealed copy */
	size_t payload_len;
	int with_text;
};

static int keep_row(void *arg, const struct report_row *r, struct err *e)
{
	struct found *f = arg;

	(void)e;
	f->row = *r;
	f->row.payload = NULL;
	if (r->payload) {
		f->payload = xmalloc(r->payload_len);
		memcpy(f->payload, r->payload, r->payload_len);
		f->payload_len = r->payload_len;
	}
	return 0;
}

/* The plaintext payload of a report row as JSON, or NULL (purged or unreadable). */
static json_t *open_payload(struct intake *it, int64_t received_at, const unsigned char *sealed,
			    size_t len, struct err *e)
{
	char aad[64];
	unsigned char *pt;
	json_t *v;
	json_error_t je;

	if (sealed == NULL || len < SEAL_OVERHEAD)
		return NULL;
	aad_payload(aad, sizeof(aad), received_at);
	pt = xmalloc(len - SEAL_OVERHEAD + 1);
	if (unseal(it->key, aad, strlen(aad), sealed, len, pt, e) < 0) {
		free(pt);
		return NULL;
	}
	v = json_loadb((const char *)pt, len - SEAL_OVERHEAD, 0, &je);
	free(pt);
	if (v == NULL)
		err_set(e, ERR_INTERNAL, "report payload is not JSON");
	return v;
}

static json_t *row_json(const struct report_row *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "received_at", time_json(r->received_at, 0));
	json_object_set_new(o, "received_at_local", time_json(r->received_at, 1));
	json_object_set_new(o, "channel", json_string(r->channel));
	json_object_set_new(o, "disposition", json_string(r->disposition));
	json_object_set_new(o, "status", json_string(r->status));
	json_object_set_new(o, "leaf_index", json_integer((json_int_t)r->leaf_index));
	if (r->language[0])
		json_object_set_new(o, "language", json_string(r->language));
	if (r->reporter_user_id)
		json_object_set_new(o, "reporter_user_id", json_integer(r->reporter_user_id));
	json_object_set_new(o, "case_id", r->case_id ? json_integer(r->case_id) : json_null());
	if (r->purged_at)
		json_object_set_new(o, "purged_at", time_json(r->purged_at, 0));
	if (r->spam_at) {
		json_object_set_new(o, "spam_reason", json_string(r->spam_reason));
		json_object_set_new(o, "spam_at", time_json(r->spam_at, 0));
	}
	return o;
}

static int with_conn(struct intake *it, struct db_conn **c, struct err *e)
{
	return db_acquire(it->in->db, c, 5000, e);
}

int intake_status(struct intake *it, const char *token, json_t **out, struct err *e)
{
	struct found f = { .it = it };
	char h[CRYPTO_HASH_HEX_LEN];
	struct db_conn *c;
	json_t *o;
	int rc;

	*out = NULL;
	if (token == NULL || strncmp(token, "vfr_", 4) != 0 || strlen(token) > 60)
		return err_set(e, ERR_NOT_FOUND, "no report has this status token");
	crypto_sha256_hex(token, strlen(token), h);
	if (with_conn(it, &c, e) < 0)
		return -1;
	rc = store_report_by_token(c, h, keep_row, &f, e);
	db_release(c);
	free(f.payload);
	if (rc < 0) {
		if (e->code == ERR_NOT_FOUND)
			err_set(e, ERR_NOT_FOUND, "no report has this status token");
		return -1;
	}
	o = json_object();
	json_object_set_new(o, "id", json_integer(f.row.id));
	json_object_set_new(o, "received_at", time_json(f.row.received_at, 0));
	json_object_set_new(o, "received_at_local", time_json(f.row.received_at, 1));
	/* once a case handles the report, the reporter follows the case's state */
	if (with_conn(it, &c, e) == 0) {
		int64_t case_id = 0;
		char state[24] = "";

		if (store_case_of_report(c, f.row.id, &case_id, e) == 0 && case_id &&
		    store_case_state(c, case_id, state, e) == 0) {
			json_object_set_new(o, "case_id", json_integer(case_id));
			json_object_set_new(o, "case_state", json_string(state));
		}
		db_release(c);
		err_clear(e);
	}
	/* spam is an internal mark: the reporter sees their report as received */
	json_object_set_new(o, "status", json_string(strcmp(f.row.status, "spam") == 0 ? "received"
										    : f.row.status));
	json_object_set_new(o, "leaf_index", json_integer((json_int_t)f.row.leaf_index));
	json_object_set_new(o, "log_id", json_string(tlog_log_id(it->log)));
	*out = o;
	return 0;
}

struct att_list {
	struct intake *it;
	json_t *arr;
};

static int att_json(void *arg, const struct report_attachment_row *a, struct err *e)
{
	struct att_list *l = arg;
	json_t *o = json_object();

	(void)e;
	json_object_set_new(o, "seq", json_integer(a->seq));
	json_object_set_new(o, "media_type", json_string(a->media_type));
	json_object_set_new(o, "size", json_integer(a->size));
	json_object_set_new(o, "purged", json_boolean(a->data == NULL));
	json_array_append_new(l->arr, o);
	return 0;
}

int intake_report_get(struct intake *it, const struct actor *a, int64_t id,
		      int64_t only_reporter, json_t **out, struct err *e)
{
	struct found f = { .it = it };
	struct att_list al = { it, NULL };
	struct db_conn *c;
	json_t *o = NULL, *payload;
	int rc = -1;

	*out = NULL;
	if (with_conn(it, &c, e) < 0)
		return -1;
	if (db_begin(c, e) < 0)
		goto out;
	if (store_report_get(c, id, keep_row, &f, e) < 0)
		goto rollback;
	if (only_reporter && f.row.reporter_user_id != only_reporter) {
		err_set(e, ERR_NOT_FOUND, "no such report");
		goto rollback;
	}
	o = row_json(&f.row);
	payload = open_payload(it, f.row.received_at, f.payload, f.payload_len, e);
	if (payload == NULL && f.payload != NULL)
		goto rollback;
	if (payload) {
		json_t *pa = json_object_get(payload, "attachments");

		json_object_update(o, payload);
		json_decref(payload);
		/* the stored files, in the payload's order */
		al.arr = json_array();
		if (store_report_attachments(c, id, att_json, &al, e) < 0) {
			json_decref(al.arr);
			goto rollback;
		}
		for (size_t i = 0; pa && i < json_array_size(pa) && i < json_array_size(al.arr); i++)
			json_object_set(json_array_get(pa, i), "purged",
					json_object_get(json_array_get(al.arr, i), "purged"));
		json_decref(al.arr);
	}
	if (audit_record(c, a, "report.read", "report", id, NULL, e) < 0 || db_commit(c, e) < 0)
		goto rollback;
	*out = o;
	o = NULL;
	rc = 0;
	goto out;
rollback:
	db_rollback(c);
out:
	db_release(c);
	json_decref(o);
	free(f.payload);
	return rc;
}

struct lister {
	struct intake *it;
	json_t *arr;
};

static int list_row(void *arg, const struct report_row *r, struct err *e)
{
	struct lister *l = arg;
	json_t *o = row_json(r), *payload;
	struct err ignored = ERR_INIT;

	(void)e;
	payload = open_payload(l->it, r->received_at, r->payload, r->payload_len, &ignored);
	if (payload) {
		json_t *product = json_object_get(payload, "product");

		json_object_set(o, "title", json_object_get(payload, "title"));
		if (product)
			json_object_set(o, "product", product);
		json_decref(payload);
	} else if (r->payload) {
		json_object_set_new(o, "unreadable", json_true());
	}
	json_array_append_new(l->arr, o);
	return 0;
}

int intake_report_list(struct intake *it, const struct actor *a, const struct report_filter *f,
		       json_t **out, struct err *e)
{
	struct lister l = { it, json_array() };
	struct db_conn *c;
	json_t *detail;
	int rc = -1;

	*out = NULL;
	if (with_conn(it, &c, e) < 0)
		goto out;
	if (db_begin(c, e) < 0)
		goto release;
	detail = json_pack("{s:s?,s:I}", "status", f->status, "limit", (json_int_t)f->limit);
	if (store_report_list(c, f, list_row, &l, e) < 0 ||
	    audit_record(c, a, "report.list", "report", 0, detail, e) < 0 || db_commit(c, e) < 0) {
		db_rollback(c);
		goto release;
	}
	*out = l.arr;
	l.arr = NULL;
	rc = 0;
release:
	db_release(c);
out:
	json_decref(l.arr);
	return rc;
}

struct att_get {
	int seq;
	int64_t received_at;
	unsigned char *sealed;
	size_t len;
	char media_type[128];
	int found;
};

static int att_keep(void *arg, const struct report_attachment_row *a, struct err *e)
{
	struct att_get *g = arg;

	(void)e;
	if (a->seq != g->seq)
		return 0;
	g->found = 1;
	snprintf(g->media_type, sizeof(g->media_type), "%s", a->media_type);
	if (a->data) {
		g->sealed = xmalloc(a->data_len);
		memcpy(g->sealed, a->data, a->data_len);
		g->len = a->data_len;
	}
	return 0;
}

int intake_attachment_get(struct intake *it, const struct actor *a, int64_t report_id, int seq,
			  unsigned char **data, size_t *len, char *media_type, size_t n,
			  struct err *e)
{
	struct found f = { .it = it };
	struct att_get g = { .seq = seq };
	struct db_conn *c;
	char aad[96];
	int rc = -1;

	*data = NULL;
	*len = 0;
	if (with_conn(it, &c, e) < 0)
		return -1;
	if (db_begin(c, e) < 0)
		goto out;
	if (store_report_get(c, report_id, keep_row, &f, e) < 0 ||
	    store_report_attachments(c, report_id, att_keep, &g, e) < 0)
		goto rollback;
	if (!g.found) {
		err_set(e, ERR_NOT_FOUND, "report %lld has no attachment %d", (long long)report_id, seq);
		goto rollback;
	}
	if (g.sealed == NULL) {
		err_setn(e, ERR_NOT_FOUND, "purged", "attachment %d of report %lld was purged", seq,
			 (long long)report_id);
		goto rollback;
	}
	aad_attachment(aad, sizeof(aad), f.row.received_at, seq);
	*data = xmalloc(g.len - SEAL_OVERHEAD + 1);
	if (g.len < SEAL_OVERHEAD ||
	    unseal(it->key, aad, strlen(aad), g.sealed, g.len, *data, e) < 0)
		goto rollback;
	if (audit_record(c, a, "report.attachment.read", "report", report_id,
			 json_pack("{s:i}", "seq", seq), e) < 0 || db_commit(c, e) < 0)
		goto rollback;
	*len = g.len - SEAL_OVERHEAD;
	snprintf(media_type, n, "%s", g.media_type);
	rc = 0;
	goto out;
rollback:
	db_rollback(c);
	free(*data);
	*data = NULL;
out:
	db_release(c);
	free(f.payload);
	free(g.sealed);
	return rc;
}

int intake_report_mark(struct intake *it, const struct actor *a, int64_t id, int spam,
		       const char *reason, struct err *e)
{
	struct db_conn *c;
	int rc = -1;

	if (spam && check_text("reason", reason, 1, 500, 0, e) < 0)
		return -1;
	if (with_conn(it, &c, e) < 0)
		return -1;
	if (db_begin(c, e) < 0)
		goto out;
	if (store_report_set_status(c, id, spam ? "spam" : "received", reason, a->user_id,
				    time_now_us(), e) < 0 ||
	    audit_record(c, a, spam ? "report.spam" : "report.unspam", "report", id,
			 json_pack("{s:s?}", "reason", reason), e) < 0 ||
	    db_commit(c, e) < 0) {
		db_rollback(c);
		goto out;
	}
	rc = 0;
out:
	db_release(c);
	return rc;
}

/* ---- verification of payloads against leaves ---- */

struct pv {
	struct intake *it;
	struct db_conn *c;
	intake_problem_fn *problem;
	void *arg;
	unsigned max;
	uint64_t checked, problems;
	/* entries of the current window, by leaf index */
	struct tlog_entry *entries;
	unsigned char *have;
	uint64_t base, n;
	unsigned char *seen;           /* a report row was found for the leaf */
};

static void pv_problem(struct pv *v, uint64_t leaf, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void pv_problem(struct pv *v, uint64_t leaf, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	v->problems++;
	if (v->problems > v->max)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	v->problem(v->arg, leaf, leaf, msg);
}

static int pv_entry(void *arg, uint64_t idx, const struct tlog_entry *en, struct err *e)
{
	struct pv *v = arg;

	(void)e;
	v->entries[idx - v->base] = *en;
	v->have[idx - v->base] = 1;
	return 0;
}

struct pv_att {
	struct pv *v;
	const struct report_row *r;
	json_t *list;                  /* the payload's attachments */
	int bad;
};

static int pv_att_check(void *arg, const struct report_attachment_row *a, struct err *e)
{
	struct pv_att *pa = arg;
	struct pv *v = pa->v;
	json_t *meta = json_array_get(pa->list, (size_t)a->seq - 1);
	const char *want = json_string_value(json_object_get(meta, "hash"));
	char aad[96], h[HASH_HEX_LEN];
	unsigned char *pt;

	(void)e;
	if (a->data == NULL)
		return 0;      /* purged */
	if (want == NULL) {
		pv_problem(v, pa->r->leaf_index, "leaf %llu: attachment %d is not in the payload",
			   (unsigned long long)pa->r->leaf_index, a->seq);
		return 0;
	}
	if (a->data_len < SEAL_OVERHEAD) {
		pv_problem(v, pa->r->leaf_index, "leaf %llu: attachment %d is truncated",
			   (unsigned long long)pa->r->leaf_index, a->seq);
		return 0;
	}
	aad_attachment(aad, sizeof(aad), pa->r->received_at, a->seq);
	pt = xmalloc(a->data_len - SEAL_OVERHEAD + 1);
	{
		struct err e2 = ERR_INIT;

		if (unseal(v->it->key, aad, strlen(aad), a->data, a->data_len, pt, &e2) < 0) {
			pv_problem(v, pa->r->leaf_index,
				   "leaf %llu: attachment %d does not decrypt (altered)",
				   (unsigned long long)pa->r->leaf_index, a->seq);
		} else {
			hash_hex_of(v->it, pt, a->data_len - SEAL_OVERHEAD, h);
			if (strcmp(h, want) != 0)
				pv_problem(v, pa->r->leaf_index,
					   "leaf %llu: attachment %d differs from its hash in the payload",
					   (unsigned long long)pa->r->leaf_index, a->seq);
		}
	}
	free(pt);
	return 0;
}

static int pv_report(void *arg, const struct report_row *r, struct err *e)
{
	struct pv *v = arg;
	const struct tlog_entry *en;
	unsigned char d[HASH_LEN], *pt;
	char aad[64];
	struct err e2 = ERR_INIT;
	uint64_t i = r->leaf_index;

	v->checked++;
	if (i < v->base || i >= v->base + v->n || !v->have[i - v->base])
		return 0;      /* the leaf itself is missing: reported by the tree check */
	v->seen[i - v->base] = 1;
	en = &v->entries[i - v->base];
	if (en->received_at != r->received_at)
		pv_problem(v, i, "leaf %llu: the report's receipt time differs from the leaf's",
			   (unsigned long long)i);
	if (strcmp(r->channel, intake_channel_name(en->channel)) != 0 ||
	    strcmp(r->disposition, intake_disposition_name(en->disposition)) != 0)
		pv_problem(v, i, "leaf %llu: the report's channel or disposition differs from the leaf's",
			   (unsigned long long)i);
	if (r->payload == NULL)
		return 0;      /* purged: the leaf still proves what was received */
	if (r->payload_len < SEAL_OVERHEAD) {
		pv_problem(v, i, "leaf %llu: payload is truncated", (unsigned long long)i);
		return 0;
	}
	aad_payload(aad, sizeof(aad), r->received_at);
	pt = xmalloc(r->payload_len - SEAL_OVERHEAD + 1);
	if (unseal(v->it->key, aad, strlen(aad), r->payload, r->payload_len, pt, &e2) < 0) {
		pv_problem(v, i, "leaf %llu: payload does not decrypt (altered)", (unsigned long long)i);
	} else if (hash_digest(tlog_hash(v->it->log), pt, r->payload_len - SEAL_OVERHEAD, d, e) < 0) {
		free(pt);
		return -1;
	} else if (memcmp(d, en->payload_hash, HASH_LEN) != 0) {
		pv_problem(v, i, "leaf %llu: payload does not match the leaf's hash",
			   (unsigned long long)i);
	} else if (strcmp(r->disposition, "accepted") == 0) {
		json_error_t je;
		json_t *p = json_loadb((const char *)pt, r->payload_len - SEAL_OVERHEAD, 0, &je);
		struct pv_att pa = { v, r, json_object_get(p, "attachments"), 0 };

		if (store_report_attachments(v->c, r->id, pv_att_check, &pa, e) < 0) {
			json_decref(p);
			free(pt);
			return -1;
		}
		json_decref(p);
	}
	free(pt);
	return 0;
}

int intake_verify_payloads(struct intake *it, intake_problem_fn *problem, void *arg,
			   unsigned max_problems, uint64_t *checked, uint64_t *problems,
			   struct err *e)
{
	enum { WINDOW = 16384 };
	struct pv v = { .it = it, .problem = problem, .arg = arg, .max = max_problems };
	struct tlog_state s;
	int rc = -1;

	*checked = *problems = 0;
	if (with_conn(it, &v.c, e) < 0)
		return -1;
	if (store_tlog_state_get(v.c, &s, e) < 0)
		goto out;
	v.entries = xcalloc(WINDOW, sizeof(*v.entries));
	v.have = xmalloc(WINDOW);
	v.seen = xmalloc(WINDOW);
	for (v.base = 0; v.base < s.tree_size; v.base += WINDOW) {
		v.n = s.tree_size - v.base < WINDOW ? s.tree_size - v.base : WINDOW;
		memset(v.have, 0, v.n);
		memset(v.seen, 0, v.n);
		if (tlog_each_entry(it->log, v.c, v.base, v.base + v.n, pv_entry, &v, e) < 0 ||
		    store_report_by_leaves(v.c, v.base, v.base + v.n, pv_report, &v, e) < 0)
			goto out;
		for (uint64_t i = 0; i < v.n; i++)
			if (v.have[i] && !v.seen[i] && v.entries[i].channel != INTAKE_FEDERATION &&
			    v.entries[i].channel != INTAKE_OUTBOUND)
				pv_problem(&v, v.base + i, "leaf %llu: its report is missing",
					   (unsigned long long)(v.base + i));
	}
	rc = 0;
out:
	db_release(v.c);
	free(v.entries);
	free(v.have);
	free(v.seen);
	*checked = v.checked;
	*problems = v.problems;
	return rc;
}

int intake_purge(struct intake *it, const struct actor *a, int64_t before, int64_t *count,
		 struct err *e)
{
	long days = it->in->cfg.retention_days;
	int64_t now = time_now_us(), limit;
	struct db_conn *c;
	int rc = -1;

	*count = 0;
	if (days < MIN_RETENTION_DAYS)
		days = MIN_RETENTION_DAYS;
	limit = now - (int64_t)days * 86400 * TIME_US_PER_S;
	if (before > limit) {
		char lim[TIMEFMT_LEN];

		time_format_utc(limit, lim);
		return err_setn(e, ERR_FORBIDDEN, "retention",
				"refused: reports must be kept %ld days (Art. 5 requires at least 180);"
				" the latest date allowed is %s", days, lim);
	}
	if (with_conn(it, &c, e) < 0)
		return -1;
	if (db_begin(c, e) < 0)
		goto out;
	if (store_report_purge(c, before, now, count, e) < 0 ||
	    audit_record(c, a, "report.purge", "report", 0,
			 json_pack("{s:I,s:I}", "before", (json_int_t)before, "count",
				   (json_int_t)*count), e) < 0 ||
	    db_commit(c, e) < 0) {
		db_rollback(c);
		goto out;
	}
	rc = 0;
out:
	db_release(c);
	return rc;
}
