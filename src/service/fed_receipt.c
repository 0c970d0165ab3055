/* fed_receipt.c - the proof of delivery of a federation envelope: a receipt-log leaf, its
 * inclusion proof and the batch's signed tree head (see fed_receipt.h). */
#include "service/fed_receipt.h"

#include <jansson.h>
#include <string.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "base/mem.h"
#include "base/timefmt.h"
#include "service/intake.h"

void fed_receipt_id(const char *sender, const char *envelope_id, char out[FED_RECEIPT_ID_LEN])
{
	char seed[ENVELOPE_KEYID_LEN + ENVELOPE_ID_MAX + 2], h[CRYPTO_HASH_HEX_LEN];

	snprintf(seed, sizeof(seed), "%s/%s", sender, envelope_id);
	crypto_sha256_hex(seed, strlen(seed), h);
	snprintf(out, FED_RECEIPT_ID_LEN, "r-%.32s", h);
}

/* Written directly, as json_dumps(JSON_COMPACT | JSON_SORT_KEYS) would:
 * every value is a key id, an envelope id or type, or hex (envelope.h
 * alphabets), so nothing needs escaping; test_fed_receipt compares the
 * two. */
char *fed_receipt_payload(const char *from, const char *type, const char *id,
			  const char *envelope_sha256)
{
	struct buf b;

	buf_init(&b, 1024);
	buf_addf(&b, "{\"channel\":\"federation\",\"envelope_sha256\":\"%s\",\"from\":\"%s\","
		     "\"id\":\"%s\",\"kind\":\"envelope\",\"type\":\"%s\",\"v\":1}",
		 envelope_sha256, from, id, type);
	return buf_detach(&b, NULL);
}

/* Every string written is a key id, an id of the envelope alphabet, a type
 * of [a-z0-9_], hex, a time or an algorithm name: nothing needs escaping
 * (the parser checks the same alphabets on the way in). */
char *fed_receipt_text(const struct fed_receipt *r, size_t *len)
{
	char at[TIMEFMT_LEN];
	struct buf b;

	time_format_utc(r->received_at, at);
	buf_init(&b, 1 << 16);
	buf_addf(&b, "{\"type\":\"receipt\",\"v\":2,\"id\":\"%s\",\"from\":\"%s\",\"to\":\"%s\","
		     "\"body\":{\"envelope_id\":\"%s\",\"envelope_type\":\"%s\","
		     "\"envelope_sha256\":\"%s\",\"status\":\"accepted\",\"received_at\":\"%s\","
		     "\"leaf_index\":%llu,\"leaf_hash\":",
		 r->id, r->from, r->to, r->envelope_id, r->envelope_type, r->envelope_sha256, at,
		 (unsigned long long)r->leaf_index);
	hex_add_json(&b, r->leaf_hash, HASH_LEN);
	buf_addf(&b, ",\"log_id\":\"%s\"},\"proof\":{\"entry\":", r->log_id);
	hex_add_json(&b, r->entry, TLOG_ENTRY_LEN);
	buf_adds(&b, ",\"audit_path\":[");
	for (size_t i = 0; i < r->audit_path_len; i++) {
		if (i)
			buf_add(&b, ",", 1);
		hex_add_json(&b, r->audit_path[i], HASH_LEN);
	}
	buf_addf(&b, "],\"sth\":{\"tree_size\":%llu,\"timestamp\":%lld,\"root_hash\":",
		 (unsigned long long)r->sth.tree_size, (long long)r->sth.timestamp_ms);
	hex_add_json(&b, r->sth.root_hash, HASH_LEN);
	buf_addf(&b, ",\"hash_alg\":\"%s\",\"sig_alg\":\"%s\",\"signature\":",
		 hash_alg_name(r->hash_alg), sign_alg_name(r->sig_alg));
	hex_add_json(&b, r->sth.signature, r->sth.signature_len);
	buf_adds(&b, "}}}");
	return buf_detach(&b, len);
}

/* ---- parsing ---- */

static int bad(struct err *e, const char *what)
{
	return err_set(e, ERR_INVALID, "the receipt's %s is missing or malformed", what);
}

/* A string member of o of 1..cap-1 characters, each in alphabet (or any
 * when NULL), copied to out. */
static int str_member(const json_t *o, const char *name, const char *alphabet, char *out,
		      size_t cap, struct err *e)
{
	const char *s = json_string_value(json_object_get(o, name));
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n >= cap || (alphabet != NULL && strspn(s, alphabet) != n))
		return bad(e, name);
	memcpy(out, s, n + 1);
	return 0;
}

static int hash_member(const json_t *o, const char *name, unsigned char out[HASH_LEN],
		       struct err *e)
{
	const char *s = json_string_value(json_object_get(o, name));

	if (s == NULL || hash_from_hex(s, out) < 0)
		return bad(e, name);
	return 0;
}

static int uint_member(const json_t *o, const char *name, uint64_t *out, struct err *e)
{
	const json_t *v = json_object_get(o, name);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return bad(e, name);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

#define HEX "0123456789abcdef"
#define KEYID_CHARS HEX
#define ID_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-"
#define TYPE_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_"

static int parse_body(struct fed_receipt *r, const json_t *b, struct err *e)
{
	const char *at = json_string_value(json_object_get(b, "received_at"));
	const char *status = json_string_value(json_object_get(b, "status"));

	if (!json_is_object(b))
		return bad(e, "body");
	if (str_member(b, "envelope_id", ID_CHARS, r->envelope_id, sizeof(r->envelope_id), e) < 0 ||
	    str_member(b, "envelope_type", TYPE_CHARS, r->envelope_type, sizeof(r->envelope_type),
		       e) < 0 ||
	    str_member(b, "envelope_sha256", HEX, r->envelope_sha256, sizeof(r->envelope_sha256),
		       e) < 0 ||
	    str_member(b, "log_id", HEX, r->log_id, sizeof(r->log_id), e) < 0 ||
	    uint_member(b, "leaf_index", &r->leaf_index, e) < 0 ||
	    hash_member(b, "leaf_hash", r->leaf_hash, e) < 0)
		return -1;
	if (strlen(r->envelope_sha256) != HASH_HEX_LEN - 1 || strlen(r->log_id) != HASH_HEX_LEN - 1)
		return bad(e, "hash");
	if (at == NULL || time_parse_rfc3339(at, &r->received_at) < 0)
		return bad(e, "received_at");
	if (status == NULL || strcmp(status, "accepted") != 0)
		return bad(e, "status");
	return 0;
}

static int parse_proof(struct fed_receipt *r, const json_t *p, struct err *e)
{
	const json_t *sth = json_object_get(p, "sth"), *path = json_object_get(p, "audit_path");
	const char *entry = json_string_value(json_object_get(p, "entry"));
	const char *ha = json_string_value(json_object_get(sth, "hash_alg"));
	const char *sa = json_string_value(json_object_get(sth, "sig_alg"));
	const char *sig = json_string_value(json_object_get(sth, "signature"));
	const json_t *ts = json_object_get(sth, "timestamp");
	size_t n;

	if (!json_is_object(p))
		return bad(e, "proof");
	if (entry == NULL || hex_decode(entry, r->entry, TLOG_ENTRY_LEN, &n) < 0 ||
	    n != TLOG_ENTRY_LEN)
		return bad(e, "entry");
	if (!json_is_array(path) || json_array_size(path) > MERKLE_MAX_PATH)
		return bad(e, "audit_path");
	r->audit_path_len = json_array_size(path);
	for (size_t i = 0; i < r->audit_path_len; i++) {
		const char *s = json_string_value(json_array_get(path, i));

		if (s == NULL || hash_from_hex(s, r->audit_path[i]) < 0)
			return bad(e, "audit_path");
	}
	if (!json_is_object(sth) || uint_member(sth, "tree_size", &r->sth.tree_size, e) < 0 ||
	    hash_member(sth, "root_hash", r->sth.root_hash, e) < 0)
		return bad(e, "sth");
	if (!json_is_integer(ts) || json_integer_value(ts) < 0)
		return bad(e, "sth timestamp");
	r->sth.timestamp_ms = json_integer_value(ts);
	if (ha == NULL || hash_alg_from_name(ha, &r->hash_alg) < 0)
		return bad(e, "hash_alg");
	if (sa == NULL || sign_alg_from_name(sa, &r->sig_alg) < 0)
		return bad(e, "sig_alg");
	if (sig == NULL || hex_decode(sig, r->sth.signature, sizeof(r->sth.signature), &n) < 0 ||
	    n == 0)
		return bad(e, "sth signature");
	r->sth.signature_len = n;
	return 0;
}

int fed_receipt_from_json(struct fed_receipt *out, const json_t *o, struct err *e)
{
	const char *type = json_string_value(json_object_get(o, "type"));
	const json_t *v = json_object_get(o, "v");

	memset(out, 0, sizeof(*out));
	if (!json_is_object(o))
		return err_set(e, ERR_INVALID, "the receipt is not a JSON object");
	if (type == NULL || strcmp(type, "receipt") != 0 || !json_is_integer(v) ||
	    json_integer_value(v) != 2)
		return err_set(e, ERR_INVALID, "the answer is not a version-2 receipt");
	if (str_member(o, "id", ID_CHARS, out->id, sizeof(out->id), e) < 0 ||
	    str_member(o, "from", KEYID_CHARS, out->from, sizeof(out->from), e) < 0 ||
	    str_member(o, "to", KEYID_CHARS, out->to, sizeof(out->to), e) < 0 ||
	    parse_body(out, json_object_get(o, "body"), e) < 0 ||
	    parse_proof(out, json_object_get(o, "proof"), e) < 0)
		return -1;
	return 0;
}

int fed_receipt_parse(struct fed_receipt *out, const char *text, size_t len, struct err *e)
{
	json_error_t je;
	json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	int rc;

	if (o == NULL) {
		memset(out, 0, sizeof(*out));
		return err_set(e, ERR_INVALID, "the receipt is not a JSON object: %s", je.text);
	}
	rc = fed_receipt_from_json(out, o, e);
	json_decref(o);
	return rc;
}

/* ---- checking ---- */

int fed_receipt_check(const struct fed_receipt *r, struct hash_ctx *h, const char *payload,
		      struct err *e)
{
	struct tlog_entry en;
	unsigned char lh[HASH_LEN], ph[HASH_LEN];

	if (tlog_entry_decode(r->entry, TLOG_ENTRY_LEN, &en, e) < 0)
		return -1;
	if (en.channel != INTAKE_FEDERATION || en.disposition != INTAKE_ACCEPTED)
		return err_set(e, ERR_INVALID, "the receipt's leaf is not an accepted envelope");
	if (en.received_at != r->received_at)
		return err_set(e, ERR_INVALID, "the receipt's leaf was not received at its "
			       "received_at");
	if (hash_digest(h, payload, strlen(payload), ph, e) < 0 ||
	    merkle_leaf_hash(h, r->entry, TLOG_ENTRY_LEN, lh, e) < 0)
		return -1;
	if (memcmp(ph, en.payload_hash, HASH_LEN) != 0)
		return err_set(e, ERR_INVALID, "the receipt's leaf logs another envelope");
	if (memcmp(lh, r->leaf_hash, HASH_LEN) != 0)
		return err_set(e, ERR_INVALID, "the receipt's leaf_hash is not the hash of its entry");
	if (merkle_verify_inclusion(h, lh, r->leaf_index, r->sth.tree_size,
				    (const unsigned char (*)[HASH_LEN])r->audit_path,
				    r->audit_path_len, r->sth.root_hash, e) < 0)
		return err_set(e, ERR_INVALID, "the receipt's inclusion proof does not lead to its "
			       "tree head");
	return 0;
}

size_t fed_receipt_sth_message(const struct fed_receipt *r, char buf[FED_RECEIPT_STH_MSG_MAX])
{
	return tlog_sth_message(r->log_id, r->sth.tree_size, r->sth.timestamp_ms,
				r->sth.root_hash, buf, FED_RECEIPT_STH_MSG_MAX);
}
