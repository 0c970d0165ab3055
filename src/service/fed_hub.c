/* fed_hub.c - provider <-> hub <-> national database flows: relays, early release, blackouts,
 * advisory published, the hub dashboard (see fed_hub.h). */
#include "service/fed_hub.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypto.h"
#include "base/mem.h"
#include "base/timefmt.h"
#include "service/fed_platform.h"
#include "service/fed_types.h"
#include "service/federation.h"
#include "service/instance.h"
#include "service/intake.h"
#include "store/store_bulletin.h"
#include "store/store_case.h"
#include "store/store_fed_hub.h"
#include "store/store_federation.h"

#define TWO_DAYS_US (2LL * 24 * 3600 * TIME_US_PER_S)
#define PUMP_BATCH 64

static json_t *time_json(int64_t us)
{
	char buf[TIMEFMT_LEN];

	if (us == 0)
		return json_null();
	time_format_utc(us, buf);
	return json_string(buf);
}

static int is_role(const char *role, const char *a, const char *b)
{
	return strcmp(role, a) == 0 || (b != NULL && strcmp(role, b) == 0);
}

/* A string member of at most max bytes (required or absent/null). */
static int body_str(const json_t *b, const char *key, size_t max, int required, const char *type,
		    const char **out, struct err *e)
{
	json_t *v = json_object_get(b, key);

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (required)
			return err_setn(e, ERR_INVALID, "invalid_body", "a %s body needs \"%s\"", type,
					key);
		return 0;
	}
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > max)
		return err_setn(e, ERR_INVALID, "invalid_body",
				"\"%s\" of a %s body must be a string of 1-%zu bytes", key, type, max);
	*out = json_string_value(v);
	return 0;
}

/* An RFC 3339 member (required or absent/null: 0). */
static int body_time(const json_t *b, const char *key, int required, const char *type,
		     int64_t *out, struct err *e)
{
	const char *s;

	*out = 0;
	if (body_str(b, key, 64, required, type, &s, e) < 0)
		return -1;
	if (s != NULL && time_parse_rfc3339(s, out) < 0)
		return err_setn(e, ERR_INVALID, "invalid_body", "\"%s\" of a %s body is not RFC 3339",
				key, type);
	return 0;
}

static int body_int(const json_t *b, const char *key, int64_t min, const char *type,
		    int64_t *out, struct err *e)
{
	json_t *v = json_object_get(b, key);

	if (!json_is_integer(v) || json_integer_value(v) < min)
		return err_setn(e, ERR_INVALID, "invalid_body",
				"a %s body needs \"%s\", an integer >= %lld", type, key,
				(long long)min);
	*out = json_integer_value(v);
	return 0;
}

static int case_id_of(const char *ref, int64_t *id, struct err *e)
{
	char *end;
	long long v;

	v = ref ? strtoll(ref, &end, 10) : 0;
	if (ref == NULL || *end != '\0' || v <= 0)
		return err_setn(e, ERR_INVALID, "invalid_body",
				"\"case_ref\" \"%s\" is not one of this instance's case ids",
				ref ? ref : "");
	*id = v;
	return 0;
}

/* A short name for a peer in records: its name, or its key id's start. */
static void peer_label(const struct fed_peer_row *p, char out[160])
{
	if (p->name[0])
		snprintf(out, 160, "hub:%s", p->name);
	else
		snprintf(out, 160, "hub:%.16s", p->key_id);
}

/* ---- authority_report (hub): one relay per national database ---- */

struct db_peers {
	int64_t ids[64];
	size_t n;
};

static int db_peer_take(void *arg, const struct fed_peer_row *p, struct err *e)
{
	struct db_peers *x = arg;

	(void)e;
	if (strcmp(p->role, "database") == 0 && x->n < sizeof(x->ids) / sizeof(x->ids[0]))
		x->ids[x->n++] = p->id;
	return 0;
}

static int report_apply(struct db_conn *c, const struct fed_rx *rx, struct err *e)
{
	struct db_peers x = { { 0 }, 0 };
	int64_t hid;

	if (store_hub_report_of_inbox(c, rx->inbox_id, &hid, e) < 0 ||
	    store_fed_peer_list(c, 0, db_peer_take, &x, e) < 0)
		return -1;
	for (size_t i = 0; i < x.n; i++)
		if (store_hub_relay_add(c, hid, x.ids[i], rx->received_at, e) < 0)
			return -1;
	return 0;
}

static void report_after(struct federation *f, const struct fed_rx *rx)
{
	struct err e = ERR_INIT;
	int sent;

	(void)rx;
	if (fed_hub_pump(f, &sent, &e) < 0)
		fprintf(stderr, "vulnflow: federation: relay: %s\n", e.msg);
}

/* ---- report_relay (national database) ---- */

static int relay_check(struct instance *in, const struct fed_peer_row *peer,
		       const struct envelope *env, struct err *e)
{
	const json_t *b = env->body, *prov = json_object_get(env->body, "provider");
	const char *s, *content, *sha;
	int64_t n;
	char h[CRYPTO_HASH_HEX_LEN];

	if (strcmp(in->cfg.role, "database") != 0)
		return err_setn(e, ERR_INVALID, "unsupported_type",
				"this instance (role %s) does not take relayed reports", in->cfg.role);
	if (strcmp(peer->role, "hub") != 0)
		return err_setn(e, ERR_INVALID, "unsupported_type",
				"report_relay is taken from a peer of role hub only");
	if (body_int(b, "report_id", 1, "report_relay", &n, e) < 0 ||
	    body_int(b, "version", 1, "report_relay", &n, e) < 0 ||
	    body_str(b, "case_ref", 64, 1, "report_relay", &s, e) < 0 ||
	    body_str(b, "content", 4 * 1024 * 1024, 1, "report_relay", &content, e) < 0 ||
	    body_str(b, "content_sha256", 64, 1, "report_relay", &sha, e) < 0 ||
	    body_time(b, "learned_at", 0, "report_relay", &n, e) < 0 ||
	    body_time(b, "received_at", 1, "report_relay", &n, e) < 0)
		return -1;
	if (!json_is_object(prov) || body_str(prov, "key_id", 64, 1, "report_relay", &s, e) < 0 ||
	    body_str(prov, "name", 127, 0, "report_relay", &s, e) < 0 ||
	    body_str(prov, "jurisdiction", 2, 0, "report_relay", &s, e) < 0)
		return e->code ? -1 : err_setn(e, ERR_INVALID, "invalid_body",
					       "a report_relay body needs \"provider\" {key_id}");
	crypto_sha256_hex(content, strlen(content), h);
	if (strcmp(h, sha) != 0)
		return err_setn(e, ERR_INVALID, "invalid_body",
				"\"content_sha256\" is not the SHA-256 of \"content\"");
	return 0;
}

static int relay_apply(struct db_conn *c, const struct fed_rx *rx, struct err *e)
{
	const json_t *b = rx->env->body, *prov = json_object_get(b, "provider");
	struct db_report_row r;
	int added;

	memset(&r, 0, sizeof(r));
	r.inbox_id = rx->inbox_id;
	r.hub_peer_id = rx->peer->id;
	r.hub_report_id = json_integer_value(json_object_get(b, "report_id"));
	r.provider_key_id = json_string_value(json_object_get(prov, "key_id"));
	r.provider_name = json_string_value(json_object_get(prov, "name"));
	r.provider_jurisdiction = json_string_value(json_object_get(prov, "jurisdiction"));
	r.case_ref = json_string_value(json_object_get(b, "case_ref"));
	r.version = json_integer_value(json_object_get(b, "version"));
	r.content_sha256 = json_string_value(json_object_get(b, "content_sha256"));
	body_time(b, "learned_at", 0, "", &r.learned_at, e);
	body_time(b, "received_at", 1, "", &r.hub_received_at, e);
	r.received_at = rx->received_at;
	/* a relay sent twice (the hub died between sending and marking it) is one report */
	return store_db_report_add(c, &r, &added, e);
}

/* ---- early_release (hub) ---- */

static const char *const er_steps[] = { "joint_assessment", "report_miit", "report_mps",
					"authority_assessment", NULL };

static int step_known(const char *s)
{
	for (int i = 0; er_steps[i]; i++)
		if (strcmp(er_steps[i], s) == 0)
			return 1;
	return 0;
}

static int er_check(struct instance *in, const struct fed_peer_row *peer,
		    const struct envelope *env, struct err *e)
{
	const json_t *b = env->body, *steps = json_object_get(env->body, "steps"), *s;
	const char *v;
	int64_t at;
	size_t i;

	if (strcmp(in->cfg.role, "hub") != 0)
		return err_setn(e, ERR_INVALID, "unsupported_type",
				"this instance (role %s) does not take early-release records",
				in->cfg.role);
	if (strcmp(peer->role, "provider") != 0)
		return err_setn(e, ERR_INVALID, "unsupported_type",
				"early_release is taken from a peer of role provider only");
	if (body_str(b, "case_ref", 64, 1, "early_release", &v, e) < 0)
		return -1;
	if (!json_is_array(steps) || json_array_size(steps) == 0 || json_array_size(steps) > 8)
		return err_setn(e, ERR_INVALID, "invalid_body",
				"an early_release body needs \"steps\", an array of 1-8 steps");
	json_array_foreach(steps, i, s) {
		if (!json_is_object(s) || body_str(s, "step", 40, 1, "early_release", &v, e) < 0 ||
		    !step_known(v) || body_time(s, "at", 1, "early_release", &at, e) < 0 ||
		    body_str(s, "ref", 200, 1, "early_release", &v, e) < 0 ||
		    body_str(s, "note", 2000, 0, "early_release", &v, e) < 0)
			return e->code ? -1 : err_setn(e, ERR_INVALID, "invalid_body",
						       "each step is {\"step\",\"at\",\"ref\",\"note\"} "
						       "with a known step");
	}
	return 0;
}

static int er_apply(struct db_conn *c, const struct fed_rx *rx, struct err *e)
{
	struct hub_er_row r;
	char *steps = json_dumps(json_object_get(rx->env->body, "steps"),
				 JSON_COMPACT | JSON_SORT_KEYS);
	int64_t id;
	int rc;

	memset(&r, 0, sizeof(r));
	r.inbox_id = rx->inbox_id;
	r.provider_peer_id = rx->peer->id;
	r.case_ref = json_string_value(json_object_get(rx->env->body, "case_ref"));
	r.steps = steps;
	r.received_at = rx->received_at;
	rc = store_hub_er_add(c, &r, &id, e);
	free(steps);
	return rc;
}

/* ---- early_release_assessment (provider) ---- */

static int assessment_check(struct instance *in, const struct fed_peer_row *peer,
			    const struct envelope *env, struct err *e)
{
	const json_t *b = env->body;
	const char *v;
	int64_t at, id;

	if (!is_role(in->cfg.role, "provider", "operator"))
		return err_setn(e, ERR_INVALID, "unsupported_type",
				"this instance (role %s) does not take early-release assessments",
				in->cfg.role);
	if (strcmp(peer->role, "hub") != 0)
		return err_setn(e, ERR_INVALID, "unsupported_type",
				"early_release_assessment is taken from a peer of role hub only");
	if (body_str(b, "case_ref", 64, 1, "early_release_assessment", &v, e) < 0 ||
	    case_id_of(v, &id, e) < 0 ||
	    body_str(b, "decision", 16, 1, "early_release_assessment", &v, e) < 0)
		return -1;
	if (strcmp(v, "approved") != 0 && strcmp(v, "refused") != 0)
		return err_setn(e, ERR_INVALID, "invalid_body",
				"\"decision\" must be approved or refused");
	return body_time(b, "at", 1, "early_release_assessment", &at, e) < 0 ||
			       body_str(b, "ref", 200, 1, "early_release_assessment", &v, e) < 0 ||
			       body_str(b, "note", 2000, 0, "early_release_assessment", &v, e) < 0
		       ? -1
		       : 0;
}

static int assessment_apply(struct db_conn *c, const struct fed_rx *rx, struct err *e)
{
	const json_t *b = rx->env->body;
	const char *decision = json_string_value(json_object_get(b, "decision"));
	struct case_event_row ev;
	char state[24], label[160], *detail;
	int64_t case_id, at, id;
	json_t *d;
	int rc = 0;

	peer_label(rx->peer, label);
	if (case_id_of(json_string_value(json_object_get(b, "case_ref")), &case_id, e) < 0 ||
	    body_time(b, "at", 1, "", &at, e) < 0)
		return -1;
	if (store_case_state(c, case_id, state, e) < 0)
		return err_setn(e, ERR_INVALID, "invalid_body", "no case %lld here",
				(long long)case_id);
	if (strcmp(decision, "approved") == 0) {
		struct early_release_row r;

		memset(&r, 0, sizeof(r));
		r.case_id = case_id;
		r.step = "authority_assessment";
		r.at = at;
		r.ref = json_string_value(json_object_get(b, "ref"));
		r.note = json_string_value(json_object_get(b, "note"));
		r.recorded_at = rx->received_at;
		r.recorded_by = 0;
		r.actor = label;
		rc = store_early_release_add(c, &r, &id, e);
	}
	if (rc < 0)
		return -1;
	d = json_pack("{s:s,s:s,s:O,s:O,s:O?,s:s,s:s}", "step", "authority_assessment", "decision",
		      decision, "at", json_object_get(b, "at"), "ref", json_object_get(b, "ref"),
		      "note", json_object_get(b, "note"), "source", label, "envelope_id",
		      rx->env->id);
	detail = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(d);
	memset(&ev, 0, sizeof(ev));
	ev.case_id = case_id;
	ev.kind = "early_release";
	ev.at = rx->received_at;
	ev.actor_id = 0;
	ev.actor = label;
	ev.detail = detail;
	rc = store_case_event_add(c, &ev, &id, e);
	free(detail);
	return rc;
}

/* ---- blackout, blackout_consent (all but hubs and databases) ---- */

static int window_check(const json_t *w, struct err *e)
{
	const char *v;
	int64_t n, start, end;

	if (!json_is_object(w) || body_int(w, "id", 1, "blackout", &n, e) < 0 ||
	    body_str(w, "name", 200, 1, "blackout", &v, e) < 0 ||
	    body_time(w, "start", 1, "blackout", &start, e) < 0 ||
	    body_time(w, "end", 1, "blackout", &end, e) < 0 ||
	    body_str(w, "note", 2000, 0, "blackout", &v, e) < 0)
		return e->code ? -1 : err_setn(e, ERR_INVALID, "invalid_body",
					       "\"blackout\" must be {\"id\",\"name\",\"start\","
					       "\"end\",\"note\"}");
	if (end <= start)
		return err_setn(e, ERR_INVALID, "invalid_body", "a blackout must end after it starts");
	return 0;
}

static int blackout_check(struct instance *in, const struct fed_peer_row *peer,
			  const struct envelope *env, struct err *e)
{
	const json_t *cs = json_object_get(env->body, "consent");
	const char *v;
	int64_t n;

	if (is_role(in->cfg.role, "hub", "database"))
		return err_setn(e, ERR_INVALID, "unsupported_type",
				"this instance (role %s) does not take blackouts", in->cfg.role);
	if (strcmp(peer->role, "hub") != 0)
		return err_setn(e, ERR_INVALID, "unsupported_type",
				"%s is taken from a peer of role hub only", env->type);
	if (window_check(json_object_get(env->body, "blackout"), e) < 0)
		return -1;
	if (strcmp(env->type, "blackout_consent") != 0)
		return 0;
	if (!json_is_object(cs) || body_int(cs, "id", 1, "blackout_consent", &n, e) < 0 ||
	    body_str(cs, "ref", 200, 1, "blackout_consent", &v, e) < 0 ||
	    body_time(cs, "at", 1, "blackout_consent", &n, e) < 0)
		return e->code ? -1 : err_setn(e, ERR_INVALID, "invalid_body",
					       "\"consent\" must be {\"id\",\"ref\",\"at\"}");
	return 0;
}

/* The hub's window as a local one (taken once; its id on later envelopes). */
static int window_take(struct db_conn *c, const struct fed_rx *rx, int64_t *local,
		       struct err *e)
{
	const json_t *w = json_object_get(rx->env->body, "blackout");
	int64_t src = json_integer_value(json_object_get(w, "id"));
	struct blackout_row r;
	struct err e2 = ERR_INIT;
	char label[160], note[2400];
	const char *n = json_string_value(json_object_get(w, "note"));

	if (store_fed_blackout_local(c, rx->peer->id, "blackout", src, local, &e2) == 0)
		return 0;
	if (e2.code != ERR_NOT_FOUND) {
		*e = e2;
		return -1;
	}
	peer_label(rx->peer, label);
	snprintf(note, sizeof(note), "from %s (window %lld)%s%s", label, (long long)src,
		 n ? ": " : "", n ? n : "");
	memset(&r, 0, sizeof(r));
	r.name = json_string_value(json_object_get(w, "name"));
	body_time(w, "start", 1, "", &r.start_at, e);
	body_time(w, "end", 1, "", &r.end_at, e);
	r.note = note;
	r.created_at = rx->received_at;
	r.created_by = 0;
	if (store_blackout_add(c, &r, local, e) < 0)
		return -1;
	return store_fed_blackout_map(c, rx->peer->id, "blackout", src, *local, rx->received_at, e);
}

static int blackout_apply(struct db_conn *c, const struct fed_rx *rx, struct err *e)
{
	const json_t *cs = json_object_get(rx->env->body, "consent");
	struct blackout_consent_row r;
	struct err e2 = ERR_INIT;
	int64_t local, src, cid;

	if (window_take(c, rx, &local, e) < 0)
		return -1;
	if (cs == NULL || strcmp(rx->env->type, "blackout_consent") != 0)
		return 0;
	src = json_integer_value(json_object_get(cs, "id"));
	if (store_fed_blackout_local(c, rx->peer->id, "consent", src, &cid, &e2) == 0)
		return 0;
	if (e2.code != ERR_NOT_FOUND) {
		*e = e2;
		return -1;
	}
	memset(&r, 0, sizeof(r));
	r.blackout_id = local;
	r.bulletin_id = 0;             /* the window's consent, for any advisory */
	r.ref = json_string_value(json_object_get(cs, "ref"));
	body_time(cs, "at", 1, "", &r.at, e);
	r.recorded_at = rx->received_at;
	r.recorded_by = 0;
	if (store_blackout_consent_add(c, &r, &cid, e) < 0)
		return -1;
	return store_fed_blackout_map(c, rx->peer->id, "consent", src, cid, rx->received_at, e);
}

/* ---- advisory_published (hub; a platform's are fed_platform.c's) ---- */

static int published_check(struct instance *in, const struct fed_peer_row *peer,
			   const struct envelope *env, struct err *e)
{
	const json_t *b = env->body;
	const char *v;
	int64_t at;

	if (strcmp(in->cfg.role, "platform") == 0)
		return fed_platform_published_check(in, peer, env, e);
	if (strcmp(in->cfg.role, "hub") != 0)
		return err_setn(e, ERR_INVALID, "unsupported_type",
				"this instance (role %s) does not take advisory notices",
				in->cfg.role);
	if (strcmp(peer->role, "provider") != 0)
		return err_setn(e, ERR_INVALID, "unsupported_type",
				"advisory_published is taken from a peer of role provider only");
	return body_str(b, "advisory", 128, 1, "advisory_published", &v, e) < 0 ||
			       body_str(b, "case_ref", 64, 0, "advisory_published", &v, e) < 0 ||
			       body_str(b, "title", 1000, 0, "advisory_published", &v, e) < 0 ||
			       body_str(b, "url", 1000, 0, "advisory_published", &v, e) < 0 ||
			       body_time(b, "published_at", 1, "advisory_published", &at, e) < 0
		       ? -1
		       : 0;
}

static int published_apply(struct db_conn *c, const struct fed_rx *rx, struct err *e)
{
	const json_t *b = rx->env->body;
	struct hub_published_row r;
	int64_t id;

	if (strcmp(rx->in->cfg.role, "platform") == 0)
		return fed_platform_published_apply(c, rx, e);
	memset(&r, 0, sizeof(r));
	r.inbox_id = rx->inbox_id;
	r.provider_peer_id = rx->peer->id;
	r.case_ref = json_string_value(json_object_get(b, "case_ref"));
	r.advisory = json_string_value(json_object_get(b, "advisory"));
	r.title = json_string_value(json_object_get(b, "title"));
	r.url = json_string_value(json_object_get(b, "url"));
	body_time(b, "published_at", 1, "", &r.published_at, e);
	r.received_at = rx->received_at;
	return store_hub_published_add(c, &r, &id, e);
}

const struct fed_type fed_hub_types[] = {
	/* the built-in authority_report's check runs first; this adds its relays */
	{ "authority_report", NULL, report_apply, report_after },
	{ "report_relay", relay_check, relay_apply, NULL },
	{ "early_release", er_check, er_apply, NULL },
	{ "early_release_assessment", assessment_check, assessment_apply, NULL },
	{ "blackout", blackout_check, blackout_apply, NULL },
	{ "blackout_consent", blackout_check, blackout_apply, NULL },
	{ "advisory_published", published_check, published_apply, NULL },
	{ NULL, NULL, NULL, NULL },
};

/* ---- the relay pump ---- */

/* One pump at a time per process: two would send a relay twice. */
static pthread_mutex_t pump_mu = PTHREAD_MUTEX_INITIALIZER;

struct todo_list {
	struct intake *it;
	json_t *items;                 /* [{relay_id, peer, body}] */
};

static int todo_take(void *arg, const struct hub_relay_todo *r, struct err *e)
{
	struct todo_list *l = arg;
	char aad[ENVELOPE_KEYID_LEN + ENVELOPE_ID_MAX + 48], *text = NULL;
	size_t len;
	json_t *env, *body;
	json_error_t je;
	struct err e2 = ERR_INIT;

	(void)e;
	snprintf(aad, sizeof(aad), "vulnflow-federation/in/%s/%s", r->provider_key_id,
		 r->envelope_id);
	if (intake_unseal_blob(l->it, aad, r->envelope, r->envelope_len, &text, &len, &e2) < 0) {
		fprintf(stderr, "vulnflow: federation: relay %lld: %s\n", (long long)r->id, e2.msg);
		return 0;
	}
	env = json_loadb(text, len, 0, &je);
	body = json_pack("{s:I,s:{s:s,s:s?,s:s?},s:s,s:I,s:O,s:s,s:o,s:o,s:s%}", "report_id",
			 (json_int_t)r->hub_report_id, "provider", "key_id", r->provider_key_id,
			 "name", r->provider_name && r->provider_name[0] ? r->provider_name : NULL,
			 "jurisdiction", r->provider_jurisdiction, "case_ref", r->case_ref, "version",
			 (json_int_t)r->version, "content",
			 json_object_get(json_object_get(env, "body"), "content"), "content_sha256",
			 r->content_sha256, "learned_at", time_json(r->learned_at), "received_at",
			 time_json(r->received_at), "provider_envelope", text, len);
	if (body != NULL)
		json_array_append_new(l->items, json_pack("{s:I,s:s,s:o}", "relay_id",
							  (json_int_t)r->id, "peer", r->peer_key_id,
							  "body", body));
	else
		fprintf(stderr, "vulnflow: federation: relay %lld: the stored report is not "
			"readable\n", (long long)r->id);
	json_decref(env);
	free(text);
	return 0;
}

int fed_hub_pump(struct federation *f, int *sent, struct err *e)
{
	struct instance *in = federation_instance(f);
	struct todo_list l = { federation_intake(f), NULL };
	struct db_conn *c;
	json_t *it;
	size_t i;
	int rc = 0;

	*sent = 0;
	if (strcmp(in->cfg.role, "hub") != 0)
		return 0;
	if (pthread_mutex_trylock(&pump_mu) != 0)
		return 0;              /* another pump is at it */
	l.items = json_array();
again:
	json_array_clear(l.items);
	if (db_acquire(in->db, &c, 5000, e) < 0) {
		rc = -1;
		goto out;
	}
	rc = store_hub_relays_unsent(c, PUMP_BATCH, todo_take, &l, e);
	db_release(c);
	if (rc < 0)
		goto out;
	json_array_foreach(l.items, i, it) {
		char id[ENVELOPE_ID_MAX + 1];

		if (federation_send(f, json_string_value(json_object_get(it, "peer")), NULL,
				    "report_relay", json_object_get(it, "body"), 0, 0, 0, id, e) < 0) {
			rc = -1;
			break;
		}
		/* a crash here sends it again: the database keeps one (hub, report) */
		if (db_acquire(in->db, &c, 5000, e) < 0) {
			rc = -1;
			break;
		}
		rc = store_hub_relay_sent(c, json_integer_value(json_object_get(it, "relay_id")), id,
					  time_now_us(), e);
		db_release(c);
		if (rc < 0)
			break;
		(*sent)++;
	}
	/* relays recorded meanwhile (their after() found this pump busy) */
	if (rc == 0 && json_array_size(l.items) > 0)
		goto again;
out:
	json_decref(l.items);
	pthread_mutex_unlock(&pump_mu);
	return rc;
}

/* ---- reading: relays, dashboard, database reports ---- */

struct relay_decor {
	json_t *by_id;                 /* report id (text) -> relays array */
};

static int relay_row(void *arg, const struct hub_relay_row *r, struct err *e)
{
	struct relay_decor *d = arg;
	char key[32];
	json_t *a;

	(void)e;
	snprintf(key, sizeof(key), "%lld", (long long)r->hub_report_id);
	a = json_object_get(d->by_id, key);
	if (a == NULL) {
		a = json_array();
		json_object_set_new(d->by_id, key, a);
	}
	json_array_append_new(a, json_pack("{s:s,s:s?,s:s,s:s?,s:s,s:I,s:s?,s:o}", "peer",
					   r->peer_key_id, "name", r->peer_name, "url", r->peer_url,
					   "envelope_id", r->envelope_id, "state", r->state,
					   "attempts", (json_int_t)r->attempts, "last_error",
					   r->last_error, "delivered_at", time_json(r->delivered_at)));
	return 0;
}

int fed_hub_reports_relays(struct instance *in, json_t *reports, struct err *e)
{
	struct relay_decor d = { json_object() };
	int64_t lo = INT64_MAX, hi = 0;
	struct db_conn *c;
	json_t *r;
	size_t i;
	int rc;

	json_array_foreach(reports, i, r) {
		int64_t id = json_integer_value(json_object_get(r, "id"));

		lo = id < lo ? id : lo;
		hi = id > hi ? id : hi;
	}
	if (hi == 0) {
		json_decref(d.by_id);
		return 0;
	}
	if (db_acquire(in->db, &c, 5000, e) < 0) {
		json_decref(d.by_id);
		return -1;
	}
	rc = store_hub_relays(c, lo, hi, relay_row, &d, e);
	db_release(c);
	json_array_foreach(reports, i, r) {
		char key[32];
		json_t *a;

		snprintf(key, sizeof(key), "%lld",
			 (long long)json_integer_value(json_object_get(r, "id")));
		a = json_object_get(d.by_id, key);
		json_object_set_new(r, "relays", a ? json_incref(a) : json_array());
	}
	json_decref(d.by_id);
	return rc;
}

struct dash {
	json_t *providers, *databases;
	int64_t reports, within, unknown, relays, delivered;
};

static int provider_stat(void *arg, const struct hub_provider_stat *s, struct err *e)
{
	struct dash *d = arg;

	(void)e;
	d->reports += s->reports;
	d->within += s->within_2_days;
	d->unknown += s->unknown_learned_at;
	json_array_append_new(d->providers,
			      json_pack("{s:s,s:s?,s:s,s:I,s:I,s:I,s:I,s:o}", "peer", s->key_id,
					"name", s->name, "jurisdiction", s->jurisdiction, "reports",
					(json_int_t)s->reports, "within_2_days",
					(json_int_t)s->within_2_days, "late",
					(json_int_t)(s->reports - s->within_2_days -
						     s->unknown_learned_at),
					"unknown_learned_at", (json_int_t)s->unknown_learned_at,
					"last_received_at", time_json(s->last_received_at)));
	return 0;
}

static int database_stat(void *arg, const struct hub_database_stat *s, struct err *e)
{
	struct dash *d = arg;

	(void)e;
	d->relays += s->relays;
	d->delivered += s->delivered;
	json_array_append_new(d->databases,
			      json_pack("{s:s,s:s?,s:s,s:b,s:I,s:I,s:I,s:I,s:I,s:o}", "peer",
					s->key_id, "name", s->name, "url", s->url, "removed",
					s->removed, "relays", (json_int_t)s->relays, "pending",
					(json_int_t)s->pending, "queued", (json_int_t)s->queued,
					"delivered", (json_int_t)s->delivered, "failed",
					(json_int_t)s->failed, "last_delivered_at",
					time_json(s->last_delivered_at)));
	return 0;
}

int fed_hub_dashboard(struct instance *in, json_t **out, struct err *e)
{
	struct dash d = { json_array(), json_array(), 0, 0, 0, 0, 0 };
	struct db_conn *c;
	int rc;

	*out = NULL;
	if (db_acquire(in->db, &c, 5000, e) < 0) {
		rc = -1;
		goto out;
	}
	rc = store_hub_provider_stats(c, provider_stat, &d, e);
	if (rc == 0)
		rc = store_hub_database_stats(c, database_stat, &d, e);
	db_release(c);
	if (rc == 0) {
		*out = json_pack("{s:s,s:O,s:O,s:{s:I,s:I,s:I,s:I,s:I,s:I}}", "role", in->cfg.role,
				 "providers", d.providers, "databases", d.databases, "totals",
				 "reports", (json_int_t)d.reports, "within_2_days",
				 (json_int_t)d.within, "late",
				 (json_int_t)(d.reports - d.within - d.unknown),
				 "unknown_learned_at", (json_int_t)d.unknown, "relays",
				 (json_int_t)d.relays, "relays_delivered", (json_int_t)d.delivered);
	}
out:
	json_decref(d.providers);
	json_decref(d.databases);
	return rc;
}

static int db_report_row(void *arg, const struct db_report_row *r, struct err *e)
{
	(void)e;
	json_array_append_new(arg, json_pack("{s:I,s:s,s:I,s:{s:s,s:s?,s:s?},s:s,s:I,s:s,s:o,s:o,"
					     "s:o,s:b}",
					     "id", (json_int_t)r->id, "hub", r->hub_key_id,
					     "hub_report_id", (json_int_t)r->hub_report_id,
					     "provider", "key_id", r->provider_key_id, "name",
					     r->provider_name, "jurisdiction",
					     r->provider_jurisdiction, "case_ref", r->case_ref,
					     "version", (json_int_t)r->version, "content_sha256",
					     r->content_sha256, "learned_at",
					     time_json(r->learned_at), "hub_received_at",
					     time_json(r->hub_received_at), "received_at",
					     time_json(r->received_at), "within_2_days",
					     r->learned_at != 0 &&
						     r->hub_received_at - r->learned_at <=
							     TWO_DAYS_US));
	return 0;
}

/* Run a read on a pool connection into a new array. */
static int read_list(struct instance *in, json_t **out, struct err *e,
		     int (*fn)(struct db_conn *c, json_t *a, void *arg, struct err *e), void *arg)
{
	struct db_conn *c;
	json_t *a = json_array();
	int rc;

	*out = NULL;
	if (db_acquire(in->db, &c, 5000, e) < 0) {
		json_decref(a);
		return -1;
	}
	rc = fn(c, a, arg, e);
	db_release(c);
	if (rc < 0) {
		json_decref(a);
		return -1;
	}
	*out = a;
	return 0;
}

struct page {
	int64_t after;
	int limit;
};

static int db_reports_read(struct db_conn *c, json_t *a, void *arg, struct err *e)
{
	struct page *p = arg;

	return store_db_reports(c, p->after, p->limit, db_report_row, a, e);
}

int fed_hub_db_reports(struct instance *in, int64_t after_id, int limit, json_t **out,
		       struct err *e)
{
	struct page p = { after_id, limit };

	return read_list(in, out, e, db_reports_read, &p);
}

/* ---- early release ---- */

static json_t *er_json(const struct hub_er_row *r)
{
	json_error_t je;
	json_t *steps = json_loads(r->steps, 0, &je);
	json_t *as = r->assessment ? json_loads(r->assessment, 0, &je) : NULL;

	return json_pack("{s:I,s:{s:s,s:s?},s:s,s:o,s:o,s:o,s:o,s:s?,s:s?}", "id",
			 (json_int_t)r->id, "provider", "key_id", r->provider_key_id, "name",
			 r->provider_name, "case_ref", r->case_ref, "steps",
			 steps ? steps : json_array(), "received_at", time_json(r->received_at),
			 "assessment", as ? as : json_null(), "assessed_at",
			 time_json(r->assessed_at), "assessed_by", r->assessed_by,
			 "assessment_envelope_id", r->envelope_id);
}

static int er_row(void *arg, const struct hub_er_row *r, struct err *e)
{
	(void)e;
	json_array_append_new(arg, er_json(r));
	return 0;
}

static int ers_read(struct db_conn *c, json_t *a, void *arg, struct err *e)
{
	struct page *p = arg;

	return store_hub_ers(c, p->after, p->limit, er_row, a, e);
}

int fed_hub_early_releases(struct instance *in, int64_t after_id, int limit, json_t **out,
			   struct err *e)
{
	struct page p = { after_id, limit };

	return read_list(in, out, e, ers_read, &p);
}

static int er_get_read(struct db_conn *c, json_t *a, void *arg, struct err *e)
{
	return store_hub_er_get(c, *(int64_t *)arg, er_row, a, e);
}

int fed_hub_early_release_get(struct instance *in, int64_t id, json_t **out, struct err *e)
{
	json_t *a;

	*out = NULL;
	if (read_list(in, &a, e, er_get_read, &id) < 0)
		return -1;
	*out = json_incref(json_array_get(a, 0));
	json_decref(a);
	return 0;
}

/* One write transaction on a pool connection. */
static int in_tx(struct instance *in, int (*fn)(struct db_conn *c, void *arg, struct err *e),
		 void *arg, struct err *e)
{
	struct db_conn *c;
	int rc;

	if (db_acquire(in->db, &c, 5000, e) < 0)
		return -1;
	rc = db_begin(c, e);
	if (rc == 0)
		rc = fn(c, arg, e);
	if (rc == 0)
		rc = db_commit(c, e);
	else
		db_rollback(c);
	db_release(c);
	return rc;
}

struct assess_ctx {
	int64_t id;
	const char *assessment, *by;
	int64_t at;
	json_t *row;
};

static int er_keep(void *arg, const struct hub_er_row *r, struct err *e)
{
	struct assess_ctx *x = arg;

	(void)e;
	json_decref(x->row);
	x->row = er_json(r);
	return 0;
}

static int assess_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct assess_ctx *x = arg;
	int changed;

	if (store_hub_er_get(c, x->id, er_keep, x, e) < 0 ||
	    store_hub_er_assess(c, x->id, x->assessment, x->at, x->by, &changed, e) < 0)
		return -1;
	if (!changed)
		return err_setn(e, ERR_CONFLICT, "already_assessed",
				"early-release record %lld was assessed before", (long long)x->id);
	return 0;
}

struct env_ctx {
	int64_t id;
	const char *envelope_id;
};

static int set_env_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct env_ctx *x = arg;

	return store_hub_er_set_envelope(c, x->id, x->envelope_id, e);
}

int fed_hub_early_release_assess(struct federation *f, const char *actor, int64_t id,
				 json_t *body, json_t **out, struct err *e)
{
	struct instance *in = federation_instance(f);
	struct assess_ctx x = { id, NULL, NULL, 0, NULL };
	const char *decision, *ref, *note;
	char id_out[ENVELOPE_ID_MAX + 1];
	int64_t at, now = time_now_us();
	json_t *as = NULL, *eb = NULL;
	int rc = -1;

	*out = NULL;
	if (strcmp(in->cfg.role, "hub") != 0)
		return err_setn(e, ERR_NOT_FOUND, "not_a_hub", "this instance's role is %s, not hub",
				in->cfg.role);
	if (!json_is_object(body))
		return err_set(e, ERR_INVALID, "the body must be a JSON object");
	if (body_str(body, "decision", 16, 1, "assessment", &decision, e) < 0 ||
	    body_str(body, "ref", 200, 1, "assessment", &ref, e) < 0 ||
	    body_str(body, "note", 2000, 0, "assessment", &note, e) < 0 ||
	    body_time(body, "at", 0, "assessment", &at, e) < 0)
		return -1;
	if (strcmp(decision, "approved") != 0 && strcmp(decision, "refused") != 0)
		return err_set(e, ERR_INVALID, "\"decision\" must be approved or refused");
	if (at == 0)
		at = now;
	if (at > now + 60 * TIME_US_PER_S)
		return err_set(e, ERR_INVALID, "\"at\" is in the future");
	as = json_pack("{s:s,s:o,s:s,s:s?}", "decision", decision, "at", time_json(at), "ref", ref,
		       "note", note);
	x.assessment = json_dumps(as, JSON_COMPACT | JSON_SORT_KEYS);
	x.by = actor;
	x.at = now;
	if (in_tx(in, assess_tx, &x, e) < 0)
		goto out;
	eb = json_pack("{s:O,s:I,s:s,s:o,s:s,s:s?}", "case_ref", json_object_get(x.row, "case_ref"),
		       "record_id", (json_int_t)id, "decision", decision, "at", time_json(at), "ref",
		       ref, "note", note);
	if (federation_send(f, json_string_value(json_object_get(json_object_get(x.row, "provider"),
								  "key_id")),
			    NULL, "early_release_assessment", eb, 0, 0, 0, id_out, e) < 0)
		goto out;
	{
		struct env_ctx ex = { id, id_out };

		if (in_tx(in, set_env_tx, &ex, e) < 0)
			goto out;
	}
	rc = fed_hub_early_release_get(in, id, out, e);
out:
	json_decref(as);
	json_decref(eb);
	json_decref(x.row);
	free((char *)x.assessment);
	return rc;
}

struct er_steps {
	json_t *steps;
	int have[4];
};

static int er_step_row(void *arg, const struct early_release_row *r, struct err *e)
{
	struct er_steps *x = arg;

	(void)e;
	for (int i = 0; er_steps[i]; i++)
		if (strcmp(er_steps[i], r->step) == 0)
			x->have[i] = 1;
	json_array_append_new(x->steps, json_pack("{s:s,s:o,s:s,s:s?}", "step", r->step, "at",
						  time_json(r->at), "ref", r->ref, "note",
						  r->note));
	return 0;
}

int fed_hub_send_early_release(struct federation *f, int64_t case_id, json_t **out,
			       struct err *e)
{
	struct instance *in = federation_instance(f);
	struct er_steps x = { json_array(), { 0 } };
	char id[ENVELOPE_ID_MAX + 1], ref[32];
	struct db_conn *c;
	json_t *body = NULL;
	int rc = -1;

	*out = NULL;
	if (db_acquire(in->db, &c, 5000, e) < 0)
		goto out;
	rc = store_early_releases(c, case_id, er_step_row, &x, e);
	db_release(c);
	if (rc < 0)
		goto out;
	rc = -1;
	if (!x.have[0] || !x.have[1] || !x.have[2]) {
		err_setn(e, ERR_INVALID, "incomplete",
			 "case %lld's early-release record needs the joint assessment and the "
			 "reports to MIIT and MPS before it goes to the hub (POST "
			 "/api/v1/cases/%lld/early-release)", (long long)case_id, (long long)case_id);
		goto out;
	}
	snprintf(ref, sizeof(ref), "%lld", (long long)case_id);
	body = json_pack("{s:s,s:O}", "case_ref", ref, "steps", x.steps);
	if (federation_send(f, NULL, "hub", "early_release", body, 0, 0, 0, id, e) < 0)
		goto out;
	*out = json_pack("{s:s,s:s,s:O}", "envelope_id", id, "type", "early_release", "steps",
			 x.steps);
	rc = 0;
out:
	json_decref(body);
	json_decref(x.steps);
	return rc;
}

/* ---- blackouts ---- */

struct fan {
	json_t *keys;
};

static int fan_take(void *arg, const struct fed_peer_row *p, struct err *e)
{
	struct fan *x = arg;

	(void)e;
	if (strcmp(p->role, "provider") == 0 || strcmp(p->role, "operator") == 0 ||
	    strcmp(p->role, "platform") == 0)
		json_array_append_new(x->keys, json_string(p->key_id));
	return 0;
}

int fed_hub_broadcast_blackout(struct federation *f, json_t *window, json_t *consent,
			       json_t **out, struct err *e)
{
	struct instance *in = federation_instance(f);
	struct fan x = { json_array() };
	struct db_conn *c;
	json_t *body, *k, *ids = json_array();
	size_t i;
	int rc;

	*out = NULL;
	body = consent ? json_pack("{s:O,s:O}", "blackout", window, "consent", consent)
		       : json_pack("{s:O}", "blackout", window);
	if (db_acquire(in->db, &c, 5000, e) < 0) {
		rc = -1;
		goto out;
	}
	rc = store_fed_peer_list(c, 0, fan_take, &x, e);
	db_release(c);
	json_array_foreach(x.keys, i, k) {
		char id[ENVELOPE_ID_MAX + 1];

		if (rc < 0)
			break;
		rc = federation_send(f, json_string_value(k), NULL,
				     consent ? "blackout_consent" : "blackout", body, 0, 0, 0, id, e);
		if (rc == 0)
			json_array_append_new(ids, json_pack("{s:s,s:s}", "peer", json_string_value(k),
							     "envelope_id", id));
	}
	if (rc == 0) {
		*out = ids;
		ids = NULL;
	}
out:
	json_decref(ids);
	json_decref(body);
	json_decref(x.keys);
	return rc;
}

static int source_row(void *arg, int64_t local_id, const char *kind, const char *peer_key_id,
		      const char *peer_name, int64_t source_id, struct err *e)
{
	(void)e;
	json_array_append_new(arg, json_pack("{s:s,s:I,s:I,s:s,s:s?}", "kind", kind, "local_id",
					     (json_int_t)local_id, "source_id",
					     (json_int_t)source_id, "peer", peer_key_id, "peer_name",
					     peer_name));
	return 0;
}

static int sources_read(struct db_conn *c, json_t *a, void *arg, struct err *e)
{
	(void)arg;
	return store_fed_blackout_sources(c, source_row, a, e);
}

int fed_hub_blackout_sources(struct instance *in, json_t **out, struct err *e)
{
	return read_list(in, out, e, sources_read, NULL);
}

/* ---- advisory published ---- */

#define NOTICE_BATCH 32

static pthread_mutex_t notice_mu = PTHREAD_MUTEX_INITIALIZER;
static int64_t notice_scanned_at;      /* under notice_mu: the last scan (time_mono_us) */

struct hub_pick {
	int n;
	int64_t since;                 /* the hub peer's created_at */
};

static int hub_pick(void *arg, const struct fed_peer_row *p, struct err *e)
{
	struct hub_pick *h = arg;

	(void)e;
	if (strcmp(p->role, "hub") == 0 && p->removed_at == 0) {
		h->n++;
		h->since = p->created_at;
	}
	return 0;
}

static int notice_take(void *arg, const struct hub_notice_due_row *r, struct err *e)
{
	(void)e;
	json_array_append_new(arg, json_pack("{s:I,s:s,s:I}", "case_id", (json_int_t)r->case_id,
					     "advisory", r->advisory, "published_at",
					     (json_int_t)r->published_at));
	return 0;
}

struct notice_mark {
	const char *advisory, *envelope_id;
};

static int notice_mark_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct notice_mark *m = arg;

	return store_hub_notice_sent(c, m->advisory, m->envelope_id, time_now_us(), e);
}

int fed_hub_notify_published(struct federation *f, int periodic, int *sent, struct err *e)
{
	struct instance *in = federation_instance(f);
	struct hub_pick h = { 0, 0 };
	json_t *due = NULL, *it;
	struct db_conn *c;
	size_t i;
	int rc;

	*sent = 0;
	if (!is_role(in->cfg.role, "provider", NULL))
		return 0;
	if (pthread_mutex_trylock(&notice_mu) != 0)
		return 0;              /* the other caller is at it; the next round sends the rest */
	/* the monotonic clock: the test clock may move the wall clock back */
	if (periodic && notice_scanned_at != 0 &&
	    time_mono_us() - notice_scanned_at < FED_HUB_CATCH_UP_US) {
		pthread_mutex_unlock(&notice_mu);
		return 0;
	}
	notice_scanned_at = time_mono_us();
	due = json_array();
	if (db_acquire(in->db, &c, 5000, e) < 0) {
		rc = -1;
		goto out;
	}
	rc = store_fed_peer_list(c, 0, hub_pick, &h, e);
	/* with no hub peer (or several: federation_send refuses) nothing is due */
	if (rc == 0 && h.n == 1)
		rc = store_hub_notices_due(c, h.since, NOTICE_BATCH, notice_take, due, e);
	db_release(c);
	if (rc < 0)
		goto out;
	json_array_foreach(due, i, it) {
		const char *ident = json_string_value(json_object_get(it, "advisory"));
		int64_t case_id = json_integer_value(json_object_get(it, "case_id"));
		char id[ENVELOPE_ID_MAX + 1], ref[32], url[CONFIG_STR_LEN + 160];
		struct notice_mark m = { ident, NULL };
		struct err e2 = ERR_INIT;
		json_t *body;

		snprintf(ref, sizeof(ref), "%lld", (long long)case_id);
		url[0] = '\0';
		if (in->cfg.public_url[0])
			snprintf(url, sizeof(url), "%s/advisories/%s", in->cfg.public_url, ident);
		body = json_pack("{s:s,s:s,s:s?,s:o}", "advisory", ident, "case_ref", ref, "url",
				 url[0] ? url : NULL, "published_at",
				 time_json(json_integer_value(json_object_get(it, "published_at"))));
		if (federation_send(f, NULL, "hub", "advisory_published", body, 0, 0, 0, id, &e2) < 0)
			fprintf(stderr, "vulnflow: federation: advisory %s published, the hub not "
				"told: %s\n", ident, e2.msg);
		else {
			m.envelope_id = id;
			(*sent)++;
		}
		json_decref(body);
		/* listed either way: a notice the hub peer refuses is not retried every round
		 * (the outbox has retried a delivery that failed for the time being) */
		if (in_tx(in, notice_mark_tx, &m, &e2) < 0)
			fprintf(stderr, "vulnflow: federation: %s\n", e2.msg);
	}
out:
	pthread_mutex_unlock(&notice_mu);
	json_decref(due);
	return rc;
}

void fed_hub_on_published(void *arg, const char *ident, int64_t case_id, int64_t published_at)
{
	struct err e = ERR_INIT;
	int sent;

	(void)ident;
	(void)case_id;
	(void)published_at;
	if (fed_hub_notify_published(arg, 0, &sent, &e) < 0)
		fprintf(stderr, "vulnflow: federation: advisory notices to the hub: %s\n", e.msg);
}

static int published_row(void *arg, const struct hub_published_row *r, struct err *e)
{
	(void)e;
	json_array_append_new(arg, json_pack("{s:I,s:{s:s,s:s?},s:s?,s:s,s:s?,s:s?,s:o,s:o}", "id",
					     (json_int_t)r->id, "provider", "key_id",
					     r->provider_key_id, "name", r->provider_name,
					     "case_ref", r->case_ref, "advisory", r->advisory,
					     "title", r->title, "url", r->url, "published_at",
					     time_json(r->published_at), "received_at",
					     time_json(r->received_at)));
	return 0;
}

static int published_read(struct db_conn *c, json_t *a, void *arg, struct err *e)
{
	struct page *p = arg;

	return store_hub_published(c, p->after, p->limit, published_row, a, e);
}

int fed_hub_published(struct instance *in, int64_t after_id, int limit, json_t **out,
		      struct err *e)
{
	struct page p = { after_id, limit };

	return read_list(in, out, e, published_read, &p);
}
